"""Saving and loading in every format: the Keras v3 file (.keras), the legacy HDF5 file (.h5),
numnet's own file (.numnet), and weights alone (.weights.h5). The model holds a registered
custom layer with get_config(), so the whole-model files load without custom_objects.

Every loaded model predicts what the trained one does.
"""

import os
import tempfile

import numpy as np

import numnet as keras
from numnet import layers, ops


@keras.saving.register_keras_serializable(package="programs")
class ScaledTanh(layers.Layer):
    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def call(self, inputs):
        return self.scale * ops.tanh(inputs)

    def get_config(self):
        config = super().get_config()
        config.update({"scale": self.scale})
        return config


def make_model():
    inputs = keras.Input(shape=(6,), name="features")
    x = layers.Dense(16, name="dense_1")(inputs)
    x = ScaledTanh(scale=2.0, name="scaled_tanh")(x)
    x = layers.BatchNormalization(name="norm")(x)
    outputs = layers.Dense(3, activation="softmax", name="probabilities")(x)
    return keras.Model(inputs, outputs)


keras.utils.set_random_seed(13)
rng = np.random.default_rng(13)
x = rng.normal(size=(300, 6)).astype("float32")
y = np.argmax(x[:, :3] + 0.2 * rng.normal(size=(300, 3)), axis=1)

model = make_model()
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
model.fit(x, y, batch_size=32, epochs=4, verbose=0)
expected = model.predict(x, verbose=0)

directory = tempfile.mkdtemp()
differences = {}
for filename in ("m.keras", "m.h5", "m.numnet"):
    path = os.path.join(directory, filename)
    model.save(path)
    loaded = keras.models.load_model(path)
    differences[filename] = float(np.max(np.abs(loaded.predict(x, verbose=0) - expected)))

weights_path = os.path.join(directory, "w.weights.h5")
model.save_weights(weights_path)
fresh = make_model()
fresh.load_weights(weights_path)
differences["w.weights.h5"] = float(np.max(np.abs(fresh.predict(x, verbose=0) - expected)))

# The .keras file keeps the optimizer too: training resumes where it stopped.
resumed = keras.models.load_model(os.path.join(directory, "m.keras"))
_, accuracy = resumed.evaluate(x, y, verbose=0)

RESULT = {"accuracy": float(accuracy), "max_difference": max(differences.values())}
RESULT.update({f"difference {name}": value for name, value in differences.items()})
print(RESULT)
