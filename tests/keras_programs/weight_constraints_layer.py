"""A layer that makes its weights with add_weight and every option the Keras API pages show:
a regularizer (a subclass of keras.regularizers.Regularizer, as the "Layer weight regularizers"
page writes one), a constraint (keras.constraints.MaxNorm on the kernel, and a subclass of
keras.constraints.Constraint, the page's CenterAround, on a scale vector), and non-trainable
weights (trainable=False) that call() updates with assign during training: a running mean of
the outputs and a float counter of training calls. The model trains with fit; the layer's
losses, trainable and non-trainable weights, and get_config round trip of the constraint and
regularizer are read back.

The weights start from a fixed NumPy draw and batches are not shuffled, so the loss per epoch
(the regularization included) follows Keras's.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class CenterAround(keras.constraints.Constraint):
    """Constrains weight tensors to be centered around `ref_value`."""

    def __init__(self, ref_value):
        self.ref_value = ref_value

    def __call__(self, w):
        mean = ops.mean(w)
        return w - mean + self.ref_value

    def get_config(self):
        return {"ref_value": self.ref_value}


class MyRegularizer(keras.regularizers.Regularizer):
    def __init__(self, strength):
        self.strength = strength

    def __call__(self, x):
        return self.strength * ops.sum(ops.square(x))

    def get_config(self):
        return {"strength": self.strength}


class ScaledDense(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="glorot_uniform",
            regularizer=MyRegularizer(1e-3),
            constraint=keras.constraints.MaxNorm(max_value=1.0, axis=0),
            trainable=True,
            name="kernel",
        )
        self.scale = self.add_weight(
            shape=(self.units,), initializer="ones", constraint=CenterAround(1.0), name="scale"
        )
        self.running_mean = self.add_weight(
            shape=(self.units,), initializer="zeros", trainable=False, name="running_mean"
        )
        self.training_calls = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="training_calls"
        )

    def call(self, inputs, training=None):
        outputs = ops.matmul(inputs, self.kernel) * self.scale
        if training:
            self.running_mean.assign(
                0.9 * self.running_mean + 0.1 * ops.mean(outputs, axis=0)
            )
            self.training_calls.assign_add(1.0)
        return outputs

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


rng = np.random.default_rng(19)
n, features = 256, 6
x_all = rng.normal(0.0, 1.0, (n, features)).astype("float32")
true_w = rng.normal(0.0, 1.0, (features, 1))
y_all = (np.tanh(x_all @ true_w) + rng.normal(0.0, 0.1, (n, 1))).astype("float32")

scaled = ScaledDense(8)
model = keras.Sequential([
    keras.Input(shape=(features,)),
    scaled,
    layers.Activation("tanh"),
    layers.Dense(1),
])
draw = np.random.default_rng(6)
model.set_weights([draw.normal(0.0, 0.6, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
penalty_before = float(sum(np.asarray(loss) for loss in model.losses)) if model.losses else 0.0
model(x_all[:4])
penalty_after_call = float(sum(np.asarray(loss) for loss in model.losses))
kernel_penalty = 1e-3 * float(np.sum(np.square(np.asarray(scaled.kernel))))

model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.5), loss="mse")
history = model.fit(x_all[:192], y_all[:192], batch_size=32, epochs=5, shuffle=False,
                    verbose=0)
eval_loss = model.evaluate(x_all[192:], y_all[192:], verbose=0)
predictions = model.predict(x_all[192:], verbose=0)
plain_mse = float(np.mean(np.square(predictions - y_all[192:])))
final_penalty = 1e-3 * float(np.sum(np.square(np.asarray(scaled.kernel))))

kernel = np.asarray(scaled.kernel)
scale = np.asarray(scaled.scale)
rebuilt_constraint = CenterAround.from_config(CenterAround(1.0).get_config())
rebuilt_regularizer = MyRegularizer.from_config(MyRegularizer(1e-3).get_config())

RESULT = {
    "trainable": float(len(scaled.trainable_weights)),
    "non_trainable": float(len(scaled.non_trainable_weights)),
    "model_weights": float(len(model.weights)),
    "penalty_before": penalty_before,
    "penalty_after_call": penalty_after_call,
    "penalty_gap": abs(penalty_after_call - kernel_penalty),
    "max_column_norm": float(np.max(np.sqrt(np.sum(np.square(kernel), axis=0)))),
    "scale_mean": float(np.mean(scale)),
    "scale_spread": float(np.max(scale) - np.min(scale)),
    "training_calls": float(np.asarray(scaled.training_calls)),
    "running_mean_sum": float(np.sum(np.asarray(scaled.running_mean))),
    "eval_loss": float(eval_loss),
    "eval_penalty_gap": abs(float(eval_loss) - plain_mse - final_penalty),
    "rebuilt_ref": float(rebuilt_constraint.ref_value),
    "rebuilt_strength": float(rebuilt_regularizer.strength),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
