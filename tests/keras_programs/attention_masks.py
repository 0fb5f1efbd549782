"""MultiHeadAttention's masks and scores, as the layer's API page and the Keras guides use
them: an explicit attention_mask of shape (batch, target, source); a padding mask of the value
given by name, and in the model the masks that an Embedding(mask_zero=True) attaches to the
query and the value, which the layer combines by itself; use_causal_mask=True on top of them;
return_attention_scores=True (scores of shape (batch, heads, target, source)); value_dim and
output_shape different from key_dim; and attention over two axes (attention_axes) of a 4-D
input. A small padded-sequence classifier built from them is trained with fit.

The weights start from a fixed NumPy draw and batches are not shuffled, so every number is
Keras's to rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

rng = np.random.default_rng(12)

# 1. An explicit attention mask: each target position sees only the first k source positions.
query = rng.normal(size=(2, 3, 4)).astype("float32")
value = rng.normal(size=(2, 5, 6)).astype("float32")
mask = np.zeros((2, 3, 5), bool)
mask[0, :, :2] = True
mask[1, :, :4] = True
mha = layers.MultiHeadAttention(num_heads=2, key_dim=3, value_dim=5, output_shape=7)
out, scores = mha(query, value, attention_mask=mask, return_attention_scores=True)
mha.set_weights([rng.normal(0.0, 0.5, w.shape).astype("float32") for w in mha.get_weights()])
out, scores = mha(query, value, attention_mask=mask, return_attention_scores=True)
scores = ops.convert_to_numpy(scores)

# 2. A padding mask of the value, with and without causality.
tokens = np.array([[3, 5, 2, 0, 0], [4, 1, 1, 6, 0]])
embedded = rng.normal(size=(2, 5, 6)).astype("float32")
self_attention = layers.MultiHeadAttention(num_heads=2, key_dim=3)
self_attention(embedded, embedded)
self_attention.set_weights(
    [rng.normal(0.0, 0.5, w.shape).astype("float32") for w in self_attention.get_weights()]
)
# (eagerly the mask is given by name: JAX's arrays cannot carry a mask from layer to layer)
padding = tokens != 0
_, padded_scores = self_attention(
    embedded, embedded, value_mask=padding, return_attention_scores=True
)
_, causal_scores = self_attention(
    embedded, embedded, value_mask=padding, use_causal_mask=True, return_attention_scores=True
)
padded_scores = ops.convert_to_numpy(padded_scores)
causal_scores = ops.convert_to_numpy(causal_scores)

# 3. Attention over two axes of a 4-D input (a 3 x 4 grid of positions).
grid = rng.normal(size=(2, 3, 4, 5)).astype("float32")
axial = layers.MultiHeadAttention(num_heads=2, key_dim=2, attention_axes=(1, 2))
grid_out, grid_scores = axial(grid, grid, return_attention_scores=True)
axial.set_weights([rng.normal(0.0, 0.5, w.shape).astype("float32") for w in axial.get_weights()])
grid_out, grid_scores = axial(grid, grid, return_attention_scores=True)

# 4. A classifier of padded sequences: is token 7 present before the first padding?
n, length, vocabulary = 256, 8, 10
lengths = rng.integers(2, length + 1, n)
sequences = rng.integers(1, vocabulary, (n, length))
for i, k in enumerate(lengths):
    sequences[i, k:] = 0
labels = (sequences == 7).any(axis=1).astype("float32")

inputs = keras.Input(shape=(length,), dtype="int32")
x = layers.Embedding(vocabulary, 8, mask_zero=True)(inputs)
attended = layers.MultiHeadAttention(num_heads=2, key_dim=4)(x, x)
x = layers.LayerNormalization()(layers.Add()([x, attended]))
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(sequences, labels, batch_size=32, epochs=6, shuffle=False, verbose=0)
loss, accuracy = model.evaluate(sequences, labels, verbose=0)

RESULT = {
    "output_width": float(out.shape[-1]),
    "scores_rank": float(scores.ndim),
    "scores_heads": float(scores.shape[1]),
    "masked_weight": float(scores[0, :, :, 2:].sum() + scores[1, :, :, 4:].sum()),
    "row_sum_error": float(np.abs(scores.sum(-1) - 1.0).max()),
    "output_sum": float(ops.convert_to_numpy(ops.sum(ops.abs(out)))),
    "padded_weight": float(padded_scores[0, :, :3, 3:].sum() + padded_scores[1, :, :4, 4:].sum()),
    "causal_future_weight": float(np.triu(causal_scores, k=1).sum()),
    "causal_first_row": float(causal_scores[0, 0, 0, 0]),
    "padded_score_sum": float(padded_scores[:, :, :, :3].sum()),
    "padded_query_row": float(padded_scores[0, 0, 4].sum()),
    "grid_scores_rank": float(len(grid_scores.shape)),
    "grid_scores_last": float(grid_scores.shape[-1]),
    "grid_output_sum": float(ops.convert_to_numpy(ops.sum(ops.abs(grid_out)))),
    "eval_loss": float(loss),
    "accuracy": float(accuracy),
    "positive_share": float(labels.mean()),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
