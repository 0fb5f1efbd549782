"""Custom objects in .keras files, from the guide "Save, serialize, and export models": a
registered Model subclass with get_config (its layers a registered layer and a registered
function) saved and loaded back; a model whose Dense has an activation function of one's own,
loaded with custom_objects= and inside custom_object_scope; and a registered layer whose
config holds a nested layer (serialize_keras_object / deserialize_keras_object). Keras saves
and loads each of them.

Each number is a difference that must be zero in numnet as in Keras.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(41)
rng = np.random.default_rng(41)
RESULT = {}
x = rng.normal(size=(8, 6)).astype("float32")


def gap(a, b):
    return float(np.max(np.abs(np.asarray(a) - np.asarray(b))))


@keras.saving.register_keras_serializable(package="my_package", name="custom_fn")
def custom_fn(x):
    return x**2


@keras.saving.register_keras_serializable(package="MyLayers")
class CustomLayer(keras.layers.Layer):
    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {"factor": self.factor}


@keras.saving.register_keras_serializable(package="my_package", name="MyDense")
class MyDense(keras.layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer="glorot_uniform", name="kernel")

    def call(self, inputs):
        return ops.matmul(inputs, self.kernel)

    def get_config(self):
        config = super().get_config()
        config.update({"units": self.units})
        return config


@keras.saving.register_keras_serializable(package="my_model")
class MyModel(keras.Model):
    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.hidden = MyDense(4)
        self.scale = CustomLayer(factor)

    def call(self, x):
        return self.scale(custom_fn(self.hidden(x)))

    def get_config(self):
        return {"factor": self.factor}


model = MyModel(0.5)
reference = model(x)
model.save("custom_model.keras")
reconstructed = keras.models.load_model("custom_model.keras")
RESULT["registered_model_gap"] = gap(reconstructed(x), reference)
RESULT["registered_model_class"] = float(type(reconstructed) is MyModel)
RESULT["registered_name"] = float(keras.saving.get_registered_name(MyDense)
                                  == "my_package>MyDense")
RESULT["registered_lookup"] = float(keras.saving.get_registered_object("MyLayers>CustomLayer")
                                    is CustomLayer)


# A function given by custom_objects, and by custom_object_scope.
def cubic(x):
    return x**3


inputs = keras.Input(shape=(6,))
outputs = layers.Dense(3, activation=cubic)(inputs)
functional = keras.Model(inputs, outputs)
functional.save("cubic.keras")
loaded = keras.models.load_model("cubic.keras", custom_objects={"cubic": cubic})
RESULT["custom_objects_gap"] = gap(loaded.predict(x, verbose=0), functional.predict(x, verbose=0))
with keras.saving.custom_object_scope({"cubic": cubic}):
    scoped = keras.models.load_model("cubic.keras")
RESULT["scope_gap"] = gap(scoped.predict(x, verbose=0), functional.predict(x, verbose=0))

# A layer that holds another, serialized with it.
@keras.saving.register_keras_serializable(package="nested")
class Wrapper(keras.layers.Layer):
    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def call(self, inputs):
        return self.inner(inputs) + 1.0

    def get_config(self):
        config = super().get_config()
        config.update({"inner": keras.saving.serialize_keras_object(self.inner)})
        return config

    @classmethod
    def from_config(cls, config):
        config["inner"] = keras.saving.deserialize_keras_object(config["inner"])
        return cls(**config)


inputs = keras.Input((6,))
outputs = Wrapper(keras.layers.Dense(2))(inputs)
wrapped = keras.Model(inputs, outputs)
wrapped.save("wrapped.keras")
wrapped_loaded = keras.models.load_model("wrapped.keras")
RESULT["nested_layer_gap"] = gap(wrapped_loaded.predict(x, verbose=0),
                                 wrapped.predict(x, verbose=0))
print(RESULT)
