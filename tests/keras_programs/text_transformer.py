"""After the keras.io example "Text classification with Transformer": a TransformerBlock layer
(MultiHeadAttention, a Sequential feed-forward network, two LayerNormalization(epsilon=1e-6)
and two Dropout) and a TokenAndPositionEmbedding layer (a token Embedding plus a position
Embedding of keras.ops.arange over the sequence) as Layer subclasses, on integer sequences
padded with keras.utils.pad_sequences, GlobalAveragePooling1D and a softmax head, compiled with
sparse_categorical_crossentropy and trained with validation_data.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential(
            [layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)]
        )
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim):
        super().__init__()
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


vocab_size = 50
maxlen = 20
rng = np.random.default_rng(41)
n = 400
lengths = rng.integers(6, maxlen + 1, n)
y = rng.integers(0, 2, n)
x = []
for length, label in zip(lengths, y):
    tokens = rng.integers(3, vocab_size, length)
    # class 1: the token 1 comes right after the token 2 somewhere
    if label == 1:
        at = rng.integers(0, length - 1)
        tokens[at], tokens[at + 1] = 2, 1
    x.append(list(tokens))
x = keras.utils.pad_sequences(x, maxlen=maxlen)
x_train, y_train, x_val, y_val = x[:320], y[:320], x[320:], y[320:]

embed_dim = 16
num_heads = 2
ff_dim = 16

inputs = layers.Input(shape=(maxlen,))
embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
x = embedding_layer(inputs)
transformer_block = TransformerBlock(embed_dim, num_heads, ff_dim)
x = transformer_block(x)
x = layers.GlobalAveragePooling1D()(x)
x = layers.Dropout(0.1)(x)
x = layers.Dense(16, activation="relu")(x)
x = layers.Dropout(0.1)(x)
outputs = layers.Dense(2, activation="softmax")(x)

model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer=keras.optimizers.Adam(0.005), loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(x_train, y_train, batch_size=32, epochs=8,
                    validation_data=(x_val, y_val), verbose=0)

RESULT = {
    "val_accuracy": float(max(history.history["val_accuracy"])),
    "train_accuracy": float(history.history["accuracy"][-1]),
    "params": float(model.count_params()),
    "loss_ratio": float(history.history["loss"][-1] / history.history["loss"][0]),
    "block_weights": float(len(transformer_block.weights)),
}
print(RESULT)
