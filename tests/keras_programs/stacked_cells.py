"""A recurrent layer of stacked cells, as the RNN layer's documentation shows: RNN given a
list of cells runs them as one (StackedRNNCells), the first cell's output each step the
second's input. A Sequential of it and a Dense learns whether a sequence's running sum ends
positive.

Weights start from a fixed NumPy draw and batches are not shuffled, so the losses are Keras's
to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(73)
rng = np.random.default_rng(73)
x = rng.normal(size=(384, 7, 3)).astype("float32")
y = (x[:, :, 0].sum(axis=1) > 0).astype("float32")[:, None]

cells = [layers.LSTMCell(8), layers.GRUCell(6)]
model = keras.Sequential([
    keras.Input(shape=(None, 3)),
    layers.RNN(cells),
    layers.Dense(1, activation="sigmoid"),
])
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(x, y, batch_size=32, epochs=5, shuffle=False, verbose=0)

RESULT = {f"loss_{epoch}": float(value) for epoch, value in enumerate(history.history["loss"])}
RESULT["accuracy"] = float(history.history["accuracy"][-1])
RESULT["params"] = float(model.count_params())
RESULT["weights"] = float(len(model.weights))
print(RESULT)
