"""The guide "Save, serialize, and export models", the parts that keep to Keras's own
layers or to a registered layer in a functional model: get_config / from_config round trips of
a layer, a Sequential and a functional model (with a registered custom layer), serialize /
deserialize, clone_model, weights moved between layers and between a functional model and
its subclassed twin with get_weights / set_weights, and save_weights / load_weights
(.weights.h5). The guide's custom objects in .keras files are keras_file_custom_objects.py;
training resumed from a .keras file is keras_file_resume_training.py.

Each number is a difference that must be zero (or nearly) in numnet as in Keras.
"""

import os

import numpy as np

import numnet as keras
from numnet import ops

keras.utils.set_random_seed(41)
rng = np.random.default_rng(41)
RESULT = {}
x = rng.normal(size=(8, 6)).astype("float32")


def gap(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


@keras.saving.register_keras_serializable(package="MyLayers")
class CustomLayer(keras.layers.Layer):
    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {"factor": self.factor}


# get_config / from_config of a layer, a Sequential and a functional model; clone_model.
layer = keras.layers.Dense(3, activation="relu")
layer_config = layer.get_config()
new_layer = keras.layers.Dense.from_config(layer_config)
RESULT["layer_config_units"] = float(new_layer.units)
RESULT["layer_config_activation"] = float(new_layer.get_config()["activation"] == "relu")

sequential = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2, activation="tanh")])
config = sequential.get_config()
new_sequential = keras.Sequential.from_config(config)
new_sequential.set_weights(sequential.get_weights())
RESULT["sequential_config_gap"] = gap(new_sequential.predict(x, verbose=0),
                                      sequential.predict(x, verbose=0))

inputs = keras.Input((6,))
outputs = CustomLayer(2.0)(keras.layers.Dense(2)(inputs))
functional = keras.Model(inputs, outputs)
config = functional.get_config()
new_functional = keras.Model.from_config(config)
new_functional.set_weights(functional.get_weights())
RESULT["functional_config_gap"] = gap(new_functional.predict(x, verbose=0),
                                      functional.predict(x, verbose=0))
serialized = keras.saving.serialize_keras_object(functional)
deserialized = keras.saving.deserialize_keras_object(serialized)
deserialized.set_weights(functional.get_weights())
RESULT["serialized_gap"] = gap(deserialized.predict(x, verbose=0),
                               functional.predict(x, verbose=0))
clone = keras.models.clone_model(functional)
RESULT["clone_is_new"] = float(clone.layers[1] is not functional.layers[1])
RESULT["clone_same_shapes"] = float([w.shape for w in clone.get_weights()]
                                    == [w.shape for w in functional.get_weights()])


# Weights between models, and .weights.h5 files.
def create_layer():
    layer = keras.layers.Dense(64, activation="relu", name="dense_2")
    layer.build((None, 784))
    return layer


layer_1 = create_layer()
layer_2 = create_layer()
layer_2.set_weights(layer_1.get_weights())
RESULT["layer_transfer_gap"] = gap(layer_2.kernel, layer_1.kernel)

inputs = keras.Input(shape=(6,), name="digits")
h = keras.layers.Dense(16, activation="relu", name="dense_1")(inputs)
h = keras.layers.Dense(16, activation="relu", name="dense_2")(h)
outputs = keras.layers.Dense(3, name="predictions")(h)
functional_model = keras.Model(inputs=inputs, outputs=outputs, name="3_layer_mlp")


class SubclassedModel(keras.Model):
    def __init__(self, output_dim, name=None):
        super().__init__(name=name)
        self.output_dim = output_dim
        self.dense_1 = keras.layers.Dense(16, activation="relu", name="dense_1")
        self.dense_2 = keras.layers.Dense(16, activation="relu", name="dense_2")
        self.dense_3 = keras.layers.Dense(output_dim, name="predictions")

    def call(self, inputs):
        x = self.dense_1(inputs)
        x = self.dense_2(x)
        x = self.dense_3(x)
        return x

    def get_config(self):
        return {"output_dim": self.output_dim, "name": self.name}


subclassed_model = SubclassedModel(3)
subclassed_model(ops.ones((1, 6)))
subclassed_model.set_weights(functional_model.get_weights())
RESULT["subclassed_transfer_gap"] = gap(subclassed_model.predict(x, verbose=0),
                                        functional_model.predict(x, verbose=0))

functional_model.save_weights("mlp.weights.h5")
twin = keras.models.clone_model(functional_model)
twin.load_weights("mlp.weights.h5")
RESULT["weights_file_gap"] = gap(twin.predict(x, verbose=0),
                                 functional_model.predict(x, verbose=0))
RESULT["weights_file_exists"] = float(os.path.exists("mlp.weights.h5"))

print(RESULT)
