"""The guide "Customizing Saving and Serialization": a layer that saves and loads its own
variables (save_own_variables / load_own_variables, here a Variable that is not a weight),
a model whose compile config (get_compile_config /
compile_from_config) comes back with it, and save_assets / load_assets writing a file of one's
own into the .keras archive.
(The guide's build config is prebuilt_custom_layer.py.)

Each number is a difference that must be zero in numnet as in Keras.
"""

import os

import numpy as np

import numnet as keras

keras.utils.set_random_seed(59)
rng = np.random.default_rng(59)
RESULT = {}


@keras.saving.register_keras_serializable(package="my_custom_package")
class LayerWithCustomVariable(keras.layers.Dense):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.my_variable = keras.Variable(
            np.random.random((units,)), name="my_variable", dtype="float32")

    def save_own_variables(self, store):
        super().save_own_variables(store)
        # Stores the value of the variable upon saving
        store["my_variable"] = self.my_variable.numpy()

    def load_own_variables(self, store):
        # Assigns the value of the variable upon loading
        self.my_variable.assign(store["my_variable"])
        # Load the remaining weights
        for i, v in enumerate([self.kernel, self.bias]):
            v.assign(store[f"{i}"])
        # Note: You must specify how all variables (including layer weights)
        # are loaded in `load_own_variables.`

    def call(self, inputs):
        dense_out = super().call(inputs)
        return dense_out + self.my_variable


model = keras.Sequential([LayerWithCustomVariable(1)])
ref_input = rng.random((8, 10)).astype("float32")
ref_output = model.predict(ref_input, verbose=0)
model.compile(optimizer="rmsprop", loss="mean_squared_error")
model.fit(rng.random((8, 10)), rng.random((8, 1)), verbose=0)
ref_output = model.predict(ref_input, verbose=0)
model.save("custom_vars_model.keras")
restored_model = keras.models.load_model("custom_vars_model.keras")
RESULT["own_variables_gap"] = float(np.max(np.abs(ref_output
                                                  - restored_model.predict(ref_input,
                                                                           verbose=0))))


@keras.saving.register_keras_serializable(package="my_custom_package")
class ModelWithCustomCompile(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(8)
        self.model_optimizer = None
        self.loss_fn = None

    def call(self, inputs):
        return self.dense(inputs)

    def compile(self, optimizer, loss_fn):
        super().compile(optimizer)
        self.model_optimizer = optimizer
        self.loss_fn = loss_fn

    def get_compile_config(self):
        # These parameters will be serialized at saving time.
        return {"model_optimizer": keras.saving.serialize_keras_object(self.model_optimizer),
                "loss_fn": keras.saving.serialize_keras_object(self.loss_fn)}

    def compile_from_config(self, config):
        # Deserializes the compile parameters (important, since many are custom)
        optimizer = keras.saving.deserialize_keras_object(config["model_optimizer"])
        loss_fn = keras.saving.deserialize_keras_object(config["loss_fn"])
        # Calls compile with the deserialized parameters
        self.compile(optimizer=optimizer, loss_fn=loss_fn)

    def get_config(self):
        return super().get_config()


model = ModelWithCustomCompile()
model.compile(optimizer="SGD", loss_fn="mse")
model(np.ones((1, 4), "float32"))
model.save("custom_compile.keras")
reconstructed = keras.models.load_model("custom_compile.keras")
RESULT["compile_config_loss"] = float(reconstructed.loss_fn == "mse")


@keras.saving.register_keras_serializable(package="my_custom_package")
class LayerWithCustomAssets(keras.layers.Dense):
    def __init__(self, vocab=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vocab = vocab

    def save_assets(self, inner_path):
        # Writes the vocab (sentence) to text file at save time.
        with open(os.path.join(inner_path, "vocabulary.txt"), "w") as f:
            f.write(self.vocab)

    def load_assets(self, inner_path):
        # Reads the vocab (sentence) from text file at load time.
        with open(os.path.join(inner_path, "vocabulary.txt")) as f:
            text = f.read()
        self.vocab = text.replace("<unk>", "little")


model = keras.Sequential([LayerWithCustomAssets(vocab="Mary had a <unk> lamb.", units=5)])
x = np.random.random((10, 10))
y = model(x)
model.save("custom_assets_model.keras")
restored_model = keras.models.load_model("custom_assets_model.keras")
RESULT["assets_loaded"] = float(restored_model.layers[-1].vocab == "Mary had a little lamb.")
print(RESULT)
