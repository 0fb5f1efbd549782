"""The Keras recipe "Simple custom layer example: Antirectifier" (keras_recipes/antirectifier.py)
on small synthetic digit-like vectors in the place of MNIST.

The Antirectifier layer centres its inputs in place (``inputs -= tf.reduce_mean(...)``),
concatenates the ReLU of them and of their negation (tf.nn.relu, tf.concat) and mixes the
result back to the input width with a kernel made in build from an initializer kept by
keras.initializers.get; its get_config serializes the initializer. A Sequential of Dense,
Antirectifier and Dropout layers trains with RMSprop on logits, then the layer is rebuilt
from its config and the model is saved to a .keras file and loaded back with the layer as a
custom object. The weights start from a NumPy draw; Dropout draws its own masks in each
framework, so the accuracy and the exact parts are compared.
"""

import numpy as np
from numnet.keras import layers

import numnet as keras
import numnet as tf


class Antirectifier(layers.Layer):
    def __init__(self, initializer="he_normal", **kwargs):
        super().__init__(**kwargs)
        self.initializer = keras.initializers.get(initializer)

    def build(self, input_shape):
        output_dim = input_shape[-1]
        self.kernel = self.add_weight(
            shape=(output_dim * 2, output_dim),
            initializer=self.initializer,
            name="kernel",
            trainable=True,
        )

    def call(self, inputs):
        inputs -= tf.reduce_mean(inputs, axis=-1, keepdims=True)
        pos = tf.nn.relu(inputs)
        neg = tf.nn.relu(-inputs)
        concatenated = tf.concat([pos, neg], axis=-1)
        mixed = tf.matmul(concatenated, self.kernel)
        return mixed

    def get_config(self):
        # Implement get_config to enable serialization. This is optional.
        base_config = super().get_config()
        config = {"initializer": keras.initializers.serialize(self.initializer)}
        return dict(list(base_config.items()) + list(config.items()))


batch_size = 64
num_classes = 10
epochs = 4

rng = np.random.default_rng(14)
prototypes = rng.uniform(0, 1, (num_classes, 196)) < 0.2


def make_data(n):
    labels = rng.integers(0, num_classes, n)
    images = np.clip(prototypes[labels] * 200 + rng.uniform(0, 90, (n, 196)), 0, 255)
    return images.astype("uint8"), labels


(x_train, y_train), (x_test, y_test) = make_data(768), make_data(256)
x_train = x_train.reshape(-1, 196)
x_test = x_test.reshape(-1, 196)
x_train = x_train.astype("float32")
x_test = x_test.astype("float32")
x_train /= 255
x_test /= 255

model = keras.Sequential(
    [
        keras.Input(shape=(196,)),
        layers.Dense(32),
        Antirectifier(),
        layers.Dense(32),
        Antirectifier(),
        layers.Dropout(0.5),
        layers.Dense(10),
    ]
)
RESULT = {"params": float(model.count_params()), "weights": float(len(model.weights))}
draw = np.random.default_rng(4)
model.set_weights([draw.normal(0.0, 0.1, w.shape).astype("float32")
                   for w in model.get_weights()])

# The layer by hand on one row: centred, split into its positive and negative parts, mixed
layer = model.layers[1]
row = np.linspace(-1.0, 2.0, 32).astype("float32")[None]
centred = row - row.mean()
by_hand = np.concatenate([np.maximum(centred, 0), np.maximum(-centred, 0)], -1) @ \
    layer.get_weights()[0]
RESULT["layer_gap"] = float(np.max(np.abs(np.asarray(layer(row)) - by_hand)))

model.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    optimizer=keras.optimizers.RMSprop(),
    metrics=[keras.metrics.SparseCategoricalAccuracy()],
)
history = model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs,
                    validation_split=0.15, verbose=0)
RESULT["loss_first"] = float(history.history["loss"][0])
RESULT["loss_last"] = float(history.history["loss"][-1])
RESULT["history_keys"] = float(len(history.history))
test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
RESULT["test_accuracy"] = float(test_accuracy)

config = layer.get_config()
RESULT["config_initializer_is_dict"] = float(isinstance(config["initializer"], dict))
RESULT["config_initializer_he"] = float(
    config["initializer"].get("class_name") == "HeNormal")
rebuilt = Antirectifier.from_config(config)
RESULT["rebuilt_initializer_he"] = float(type(rebuilt.initializer).__name__ == "HeNormal")
rebuilt.build((None, 32))
rebuilt.set_weights(layer.get_weights())
RESULT["rebuilt_gap"] = float(np.max(np.abs(np.asarray(rebuilt(row)) - np.asarray(layer(row)))))

model.save("antirectifier.keras")
loaded = keras.models.load_model("antirectifier.keras",
                                 custom_objects={"Antirectifier": Antirectifier})
RESULT["loaded_gap"] = float(np.max(np.abs(
    loaded.predict(x_test[:16], verbose=0) - model.predict(x_test[:16], verbose=0))))
RESULT["loaded_layer_is_antirectifier"] = float(isinstance(loaded.layers[1], Antirectifier))
print(RESULT)
