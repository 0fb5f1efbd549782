"""The functional API's graph as data: a feature extractor built from another model's layer
outputs (``model.get_layer(name).output``, ``[layer.output for layer in model.layers]``), a
layer shared by two inputs, and a model rebuilt from its config (get_config / from_config) and
copied with clone_model.

Every extracted feature equals the same computation written with NumPy from the weights.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(27)
rng = np.random.default_rng(27)

inputs = keras.Input(shape=(6,), name="features")
hidden = layers.Dense(8, activation="relu", name="hidden")(inputs)
code = layers.Dense(3, activation="tanh", name="code")(hidden)
outputs = layers.Dense(1, activation="sigmoid", name="score")(code)
model = keras.Model(inputs, outputs, name="scorer")

extractor = keras.Model(inputs=model.inputs, outputs=[layer.output for layer in model.layers])
code_model = keras.Model(inputs=model.input, outputs=model.get_layer("code").output)

x = rng.normal(size=(16, 6)).astype("float32")
activations = extractor.predict(x, verbose=0)
assert len(activations) == 4  # the input layer's output too
kernel_h, bias_h = model.get_layer("hidden").get_weights()
kernel_c, bias_c = model.get_layer("code").get_weights()
hidden_np = np.maximum(x @ kernel_h + bias_h, 0.0)
code_np = np.tanh(hidden_np @ kernel_c + bias_c)
feature_error = max(float(np.max(np.abs(activations[1] - hidden_np))),
                    float(np.max(np.abs(activations[2] - code_np))),
                    float(np.max(np.abs(code_model.predict(x, verbose=0) - code_np))))

# One layer, two inputs: the same weights compare both.
shared = layers.Dense(4, name="shared")
left, right = keras.Input(shape=(6,)), keras.Input(shape=(6,))
difference = layers.subtract([shared(left), shared(right)])
pair_model = keras.Model([left, right], difference)
assert len(pair_model.weights) == 2
pair_zero = float(np.max(np.abs(pair_model.predict([x, x], verbose=0))))

config = model.get_config()
rebuilt = keras.Model.from_config(config)
rebuilt.set_weights(model.get_weights())
cloned = keras.models.clone_model(model)
cloned.set_weights(model.get_weights())
expected = model.predict(x, verbose=0)
rebuild_error = max(float(np.max(np.abs(rebuilt.predict(x, verbose=0) - expected))),
                    float(np.max(np.abs(cloned.predict(x, verbose=0) - expected))))
assert [layer.name for layer in rebuilt.layers] == [layer.name for layer in model.layers]

RESULT = {"feature_error": feature_error, "pair_zero": pair_zero,
          "rebuild_error": rebuild_error, "layers": float(len(model.layers))}
print(RESULT)
