"""The Sequential model guide's behaviours: layers added one at a time with add() and removed
with pop(), a model without an Input that builds itself on its first call (no weights before),
a model that knows its input and can be summarised at once, and a feature extractor made from
a Sequential model's layers.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(30)
rng = np.random.default_rng(30)

model = keras.Sequential()
model.add(layers.Dense(2, activation="relu"))
model.add(layers.Dense(3, activation="relu"))
model.add(layers.Dense(4))
model.pop()
assert len(model.layers) == 2

deferred = keras.Sequential([layers.Dense(2, activation="relu"), layers.Dense(3, activation="relu"),
                             layers.Dense(4)])
weights_before_call = len(deferred.weights)
deferred(np.ones((1, 4), dtype="float32"))
weights_after_call = len(deferred.weights)

known = keras.Sequential()
known.add(keras.Input(shape=(4,)))
known.add(layers.Dense(2, activation="relu"))
known_params = known.count_params()
summary_lines = []
known.summary(print_fn=lambda line, *args, **kwargs: summary_lines.append(line))
assert any("dense" in line for line in summary_lines)

initial_model = keras.Sequential(
    [
        keras.Input(shape=(8,)),
        layers.Dense(16, activation="relu"),
        layers.Dense(16, activation="relu", name="my_intermediate_layer"),
        layers.Dense(2, activation="softmax"),
    ]
)
feature_extractor = keras.Model(
    inputs=initial_model.inputs,
    outputs=initial_model.get_layer(name="my_intermediate_layer").output,
)
x = rng.normal(size=(400, 8)).astype("float32")
y = (x[:, 0] * x[:, 1] > 0).astype("int32")
initial_model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])
initial_model.fit(x[:300], y[:300], batch_size=32, epochs=10, verbose=0)
_, accuracy = initial_model.evaluate(x[300:], y[300:], verbose=0)
features = feature_extractor(x[:5])

RESULT = {
    "weights_before_call": float(weights_before_call),
    "weights_after_call": float(weights_after_call),
    "known_params": float(known_params),
    "feature_width": float(features.shape[-1]),
    "accuracy": float(accuracy),
}
print(RESULT)
