"""An encoder-decoder with attention, as keras.io's sequence-to-sequence examples and the
TensorFlow "Neural machine translation with attention" tutorial build one with Keras layers: a
Bidirectional GRU encoder (return_sequences and return_state: the forward and backward states
joined with Concatenate), a GRU decoder started from that state with teacher forcing, Bahdanau
attention (layers.AdditiveAttention) and Luong attention (layers.Attention(use_scale=True))
of the decoder's steps over the encoder's outputs, the attention scores read back with
return_attention_scores=True, and a TimeDistributed(Dense) softmax over the vocabulary.

The toy task: the decoder writes the source sequence reversed.

The weights start from a fixed NumPy draw and batches are not shuffled, so the loss per epoch is
Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(37)
vocab, length, n = 10, 6, 480
start_token = 1
source = rng.integers(2, vocab, (n, length)).astype("int32")
target = source[:, ::-1].copy()
decoder_input = np.concatenate([np.full((n, 1), start_token), target[:, :-1]], axis=1)
decoder_input = decoder_input.astype("int32")

latent_dim = 16

encoder_inputs = keras.Input(shape=(length,), dtype="int32", name="source")
x = layers.Embedding(vocab, 12, name="source_embedding")(encoder_inputs)
encoder_outputs, forward_h, backward_h = layers.Bidirectional(
    layers.GRU(latent_dim, return_sequences=True, return_state=True), name="encoder"
)(x)
state_h = layers.Concatenate()([forward_h, backward_h])

decoder_inputs = keras.Input(shape=(length,), dtype="int32", name="target_in")
y = layers.Embedding(vocab, 12, name="target_embedding")(decoder_inputs)
decoder_outputs = layers.GRU(2 * latent_dim, return_sequences=True, name="decoder")(
    y, initial_state=state_h
)
bahdanau = layers.AdditiveAttention(name="bahdanau")([decoder_outputs, encoder_outputs])
luong, scores = layers.Attention(use_scale=True, name="luong")(
    [decoder_outputs, encoder_outputs], return_attention_scores=True
)
merged = layers.Concatenate()([decoder_outputs, bahdanau, luong])
outputs = layers.TimeDistributed(layers.Dense(vocab, activation="softmax"))(merged)

model = keras.Model([encoder_inputs, decoder_inputs], outputs)
scores_model = keras.Model([encoder_inputs, decoder_inputs], scores)

draw = np.random.default_rng(12)
# every weight drawn (AdditiveAttention's scale vector starts random too), Attention's scalar
# scale at 1
model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim
                   else np.ones((), "float32") for w in model.get_weights()])

model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit([source[:384], decoder_input[:384]], target[:384], batch_size=32, epochs=5,
                    shuffle=False, verbose=0)
test_loss, test_accuracy = model.evaluate([source[384:], decoder_input[384:]], target[384:],
                                          verbose=0)
attention = scores_model.predict([source[384:388], decoder_input[384:388]], verbose=0)
# where the first output step attends most: the reversed task reads the last source step
first_step_focus = float(np.mean(attention[:, 0].argmax(-1) == length - 1))

RESULT = {"test_loss": float(test_loss), "test_accuracy": float(test_accuracy),
          "scores_rows": float(attention.shape[1]), "scores_columns": float(attention.shape[2]),
          "row_sum_error": float(np.max(np.abs(attention.sum(-1) - 1.0))),
          "first_step_focus": first_step_focus, "params": float(model.count_params()),
          "attention_sum": float(np.sum(attention * np.arange(length)))}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
