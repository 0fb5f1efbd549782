"""Masking: Embedding(mask_zero=True) feeds an LSTM through a custom layer that lets the mask
pass (supports_masking), and a custom pooling layer uses the mask in call() and ends it with
compute_mask().

Padding with more zeros must not change a prediction: the mask hides them from both the LSTM
and the pooling.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class Scale(layers.Layer):
    """Multiplies by a learned scalar; the incoming mask passes through untouched."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def build(self, input_shape):
        self.scale = self.add_weight(shape=(), initializer="ones")

    def call(self, inputs):
        return inputs * self.scale


class MaskedMean(layers.Layer):
    """Mean over the time steps the mask keeps."""

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), axis=-1)
        total = ops.sum(inputs * weights, axis=1)
        return total / ops.maximum(ops.sum(weights, axis=1), 1.0)

    def compute_mask(self, inputs, mask=None):
        return None


keras.utils.set_random_seed(9)
rng = np.random.default_rng(9)
vocab, max_len, n = 12, 10, 800
lengths = rng.integers(2, max_len + 1, n)
sequences = np.zeros((n, max_len), dtype="int32")
for row, length in enumerate(lengths):
    sequences[row, :length] = rng.integers(2, vocab, length)
labels = rng.integers(0, 2, n)
for row in np.flatnonzero(labels):
    sequences[row, rng.integers(0, lengths[row])] = 1  # label 1: token 1 appears
labels = labels.astype("float32")[:, None]

inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=vocab, output_dim=16, mask_zero=True)(inputs)
x = Scale()(x)
x = layers.LSTM(16, return_sequences=True)(x)
x = MaskedMean()(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(sequences[:600], labels[:600], batch_size=32, epochs=5, verbose=0)
_, accuracy = model.evaluate(sequences[600:], labels[600:], verbose=0)

embedding_mask = model.layers[1].compute_mask(sequences[:3])
assert np.array_equal(np.asarray(embedding_mask), sequences[:3] != 0)
longer = np.concatenate([sequences[600:], np.zeros((200, 5), dtype="int32")], axis=1)
padding_change = np.max(np.abs(model.predict(longer, verbose=0)
                               - model.predict(sequences[600:], verbose=0)))

RESULT = {"accuracy": float(accuracy), "padding_change": float(padding_change)}
RESULT["params"] = float(model.count_params())
print(RESULT)
