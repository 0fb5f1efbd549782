"""tf.keras 2 idioms that still run under Keras 3, beside their Keras 3 spellings, as a program
moved from TensorFlow 2's Keras would mix them.

Keras 2's registration of a custom activation through tf.keras.utils.get_custom_objects() (the
name alone is refused by Dense, as in Keras 3), a model written to JSON and read back with
model_from_json (custom_objects given, and not); a feature extractor cut from a functional model
with get_layer(...).output; a subclassed model holding its layers in a list and a dict
(model.layers lists them), with a keras.Variable made in __init__ and a Keras 3 train_step that
unpacks its data with unpack_x_y_sample_weight, calls self.compute_loss and updates
self.metrics, compiled with jit_compile=False and trained from a NumPy draw of weights;
train_on_batch, test_on_batch and predict_on_batch with metrics_names; and a StatelessScope that
maps a kernel to other values and records an assign without touching the variable.
"""

import numpy as np

import numnet as keras
import numnet as tf

rng = np.random.default_rng(17)


# --- Keras 2: a custom activation registered by name ---
def scaled_tanh(x):
    return 1.7159 * tf.tanh(2.0 / 3.0 * x)


tf.keras.utils.get_custom_objects().update({"scaled_tanh": scaled_tanh})
# Keras 3 looks activation names up among its own functions only: the function itself is given
try:
    tf.keras.layers.Dense(8, activation="scaled_tanh")
    name_refused = 0.0
except ValueError:
    name_refused = 1.0

inputs = tf.keras.Input(shape=(5,), name="features")
hidden = tf.keras.layers.Dense(8, activation=scaled_tanh, name="hidden")(inputs)
outputs = tf.keras.layers.Dense(2, activation="softmax", name="probabilities")(hidden)
functional = tf.keras.Model(inputs, outputs, name="registered")
draw = np.random.default_rng(2)
functional.set_weights([draw.normal(0.0, 0.6, w.shape).astype("float32")
                        for w in functional.get_weights()])
probe = rng.normal(size=(6, 5)).astype("float32")
expected = functional.predict(probe, verbose=0)

as_json = functional.to_json()
rebuilt = tf.keras.models.model_from_json(as_json, custom_objects={"scaled_tanh": scaled_tanh})
rebuilt.set_weights(functional.get_weights())
rebuilt_gap = float(np.max(np.abs(rebuilt.predict(probe, verbose=0) - expected)))
rebuilt_global = tf.keras.models.model_from_json(as_json)
rebuilt_global.set_weights(functional.get_weights())
global_gap = float(np.max(np.abs(rebuilt_global.predict(probe, verbose=0) - expected)))

extractor = tf.keras.Model(inputs=functional.inputs,
                           outputs=functional.get_layer("hidden").output)
features = extractor.predict(probe, verbose=0)
kernel, bias = functional.get_layer("hidden").get_weights()
extractor_gap = float(np.max(np.abs(features - 1.7159 * np.tanh(2.0 / 3.0 * (probe @ kernel
                                                                            + bias)))))


# --- a subclassed model with layers in a list and a dict, and a Keras 3 train_step ---
class Tower(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = [keras.layers.Dense(16, activation="relu", name="block_0"),
                       keras.layers.Dense(8, activation="relu", name="block_1")]
        self.heads = {"logits": keras.layers.Dense(3, name="logits")}
        self.temperature = keras.Variable(
            initializer=keras.initializers.Constant(2.0), shape=(), dtype="float32",
            trainable=False, name="temperature")

    def call(self, inputs):
        x = inputs
        for block in self.blocks:
            x = block(x)
        return self.heads["logits"](x) / self.temperature

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred, sample_weight=sample_weight)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


centers = rng.normal(0.0, 2.0, size=(3, 6))
labels = rng.integers(0, 3, size=240)
x_train = (centers[labels] + rng.normal(size=(240, 6))).astype("float32")
tower = Tower()
# tf.keras 2's tower.build((None, 6)) traced call and made the Dense weights; Keras 3 only marks
# a subclassed model without a build() method built, so the model is called on a batch instead
tower(x_train[:1])
draw = np.random.default_rng(4)
tower.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32") if w.ndim > 1
                   else np.zeros(w.shape, "float32") for w in tower.get_weights()])
tower.temperature.assign(2.0)
tower.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
              loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=[keras.metrics.SparseCategoricalAccuracy(name="accuracy")],
              jit_compile=False)
history = tower.fit(x_train, labels, batch_size=24, epochs=5, shuffle=False, verbose=0)
layer_names = [layer.name for layer in tower.layers]

batch_loss = tower.train_on_batch(x_train[:24], labels[:24])
test_result = tower.test_on_batch(x_train[24:48], labels[24:48])
batch_logits = tower.predict_on_batch(x_train[:5])
metrics_names = tower.metrics_names
test_dict = tower.test_on_batch(x_train[24:48], labels[24:48], return_dict=True)

# --- StatelessScope: values in the place of variables, an assign recorded ---
dense = keras.layers.Dense(2, bias_initializer="ones")
dense.build((None, 3))
kernel_before = np.asarray(dense.kernel).copy()
with keras.StatelessScope(state_mapping=[(dense.kernel, np.full((3, 2), 0.5, "float32"))]) \
        as scope:
    scoped_out = np.asarray(dense(np.ones((1, 3), "float32")))
    dense.kernel.assign(np.zeros((3, 2), "float32"))
    recorded = np.asarray(scope.get_current_value(dense.kernel))
kernel_kept = float(np.array_equal(np.asarray(dense.kernel), kernel_before))

RESULT = {
    "name_refused": name_refused,
    "rebuilt_gap": rebuilt_gap,
    "global_gap": global_gap,
    "extractor_gap": extractor_gap,
    "extractor_width": float(features.shape[1]),
    "tower_layers": float(len(layer_names)),
    "tower_layers_in_order": float(layer_names == ["block_0", "block_1", "logits"]),
    "tower_non_trainable": float(len(tower.non_trainable_weights)),
    "tower_trainable": float(len(tower.trainable_weights)),
    "final_accuracy": float(history.history["accuracy"][-1]),
    "batch_loss": float(np.ravel(batch_loss)[0]),
    "test_loss": float(np.ravel(test_result)[0]),
    "test_entries": float(len(test_result)),
    "test_dict_loss": float(test_dict["loss"]),
    "metrics_names_count": float(len(metrics_names)),
    "batch_logits_sum": float(np.sum(batch_logits)),
    "scoped_out": float(np.sum(scoped_out)),
    "recorded_sum": float(np.sum(recorded)),
    "kernel_kept": kernel_kept,
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
