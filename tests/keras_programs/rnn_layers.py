"""Recurrent layers as the RNN guide uses them: a Bidirectional LSTM returning sequences feeding
a GRU, and a custom cell (state_size, build, call(inputs, states)) wrapped in keras.layers.RNN.
The cell's layer round-trips through get_config / from_config.

The task: does the running sum of a sequence of -1, 0, +1 steps end above zero?

The weights start from a fixed NumPy draw and batches are not shuffled, so the loss per epoch
is Keras's to float32 rounding (the LSTM's gates in Keras's order i, f, c, o; the GRU's z, r, h
with reset_after=True).
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class MinimalRNNCell(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.state_size = units

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], self.units),
                                      initializer="glorot_uniform", name="kernel")
        self.recurrent_kernel = self.add_weight(shape=(self.units, self.units),
                                                initializer="orthogonal",
                                                name="recurrent_kernel")

    def call(self, inputs, states):
        prev_output = states[0]
        h = ops.matmul(inputs, self.kernel)
        output = ops.tanh(h + ops.matmul(prev_output, self.recurrent_kernel))
        return output, [output]

    def get_config(self):
        return {**super().get_config(), "units": self.units}


keras.utils.set_random_seed(23)
rng = np.random.default_rng(23)
n, steps = 1200, 12
moves = rng.choice([-1.0, 0.0, 1.0], size=(n, steps, 1)).astype("float32")
labels = (moves.sum(axis=(1, 2)) > 0).astype("float32")[:, None]

inputs = keras.Input(shape=(steps, 1))
x = layers.Bidirectional(layers.LSTM(8, return_sequences=True))(inputs)
x = layers.GRU(8)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
assert tuple(model.layers[1].output.shape) == (None, steps, 16)
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(moves[:1000], labels[:1000], batch_size=32, epochs=6, shuffle=False,
                    verbose=0)
_, accuracy = model.evaluate(moves[1000:], labels[1000:], verbose=0)

cell_model = keras.Sequential([
    keras.Input(shape=(steps, 1)),
    layers.RNN(MinimalRNNCell(8)),
    layers.Dense(1, activation="sigmoid"),
])
cell_model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32")
                        for w in cell_model.get_weights()])
cell_model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
                   loss="binary_crossentropy", metrics=["accuracy"])
cell_history = cell_model.fit(moves[:1000], labels[:1000], batch_size=32, epochs=6,
                              shuffle=False, verbose=0)
_, cell_accuracy = cell_model.evaluate(moves[1000:], labels[1000:], verbose=0)

rnn_layer = cell_model.layers[0]
config = rnn_layer.get_config()
with keras.utils.custom_object_scope({"MinimalRNNCell": MinimalRNNCell}):
    copy = layers.RNN.from_config(config)
copy_model = keras.Sequential([keras.Input(shape=(steps, 1)), copy])
copy.set_weights(rnn_layer.get_weights())
copy_difference = float(np.max(np.abs(copy_model.predict(moves[:50], verbose=0)
                                      - rnn_layer(moves[:50]))))

RESULT = {"accuracy": float(accuracy), "cell_accuracy": float(cell_accuracy),
          "copy_difference": copy_difference}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
for epoch, value in enumerate(cell_history.history["loss"]):
    RESULT[f"cell_loss_{epoch}"] = float(value)
RESULT["params"] = float(model.count_params())
print(RESULT)
