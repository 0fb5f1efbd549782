"""A custom layer that defines no get_config, as the Keras 3 guides write them: Keras 3 records
the arguments its constructor was given (plain numbers and strings) and returns them from
get_config, so from_config and clone_model rebuild it, and a functional model holding it is
saved to a .keras file and loaded back with custom_objects, the class unregistered.
"""

import os

import numpy as np

import numnet as keras
from numnet import ops

keras.utils.set_random_seed(2)
rng = np.random.default_rng(2)
RESULT = {}


class Linear(keras.layers.Layer):
    def __init__(self, units=32, activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", name="w")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", name="b")

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, self.w) + self.b)


layer = Linear(8, activation="relu", name="hidden")
config = layer.get_config()
RESULT["config_units"] = float(config.get("units", -1))
RESULT["config_activation"] = float(config.get("activation") == "relu")
RESULT["config_name"] = float(config["name"] == "hidden")
rebuilt = Linear.from_config(config)
RESULT["rebuilt_units"] = float(rebuilt.units)

x = rng.normal(size=(128, 4)).astype("float32")
y = (x @ rng.normal(size=(4, 1))).astype("float32")

inputs = keras.Input(shape=(4,))
hidden = Linear(8, activation="relu")(inputs)
outputs = Linear(1)(hidden)
model = keras.Model(inputs, outputs)
model.compile(optimizer="adam", loss="mse")
model.fit(x, y, batch_size=32, epochs=2, verbose=0)
reference = model.predict(x, verbose=0)

model.save("linear.keras")
loaded = keras.models.load_model("linear.keras", custom_objects={"Linear": Linear})
RESULT["loaded_gap"] = float(np.max(np.abs(loaded.predict(x, verbose=0) - reference)))
RESULT["loaded_units"] = float(loaded.layers[1].units)
os.remove("linear.keras")

clone = keras.models.clone_model(model)
RESULT["clone_units"] = float(clone.layers[1].units)
RESULT["clone_is_new"] = float(clone.layers[1] is not model.layers[1])


print(RESULT)
