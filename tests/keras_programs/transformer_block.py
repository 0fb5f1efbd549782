"""A small transformer for sequence classification: token and position embeddings, a
transformer block (MultiHeadAttention, residual connections, LayerNormalization, a feed-forward
network), global average pooling and a softmax head.

The toy task: does token 1 occur more often than token 2 in the sequence?
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1, **kwargs):
        super().__init__(**kwargs)
        self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
        self.ffn = keras.Sequential(
            [layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)]
        )
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs, training=False):
        attn_output = self.att(inputs, inputs)
        attn_output = self.dropout1(attn_output, training=training)
        out1 = self.layernorm1(inputs + attn_output)
        ffn_output = self.ffn(out1)
        ffn_output = self.dropout2(ffn_output, training=training)
        return self.layernorm2(out1 + ffn_output)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, maxlen, vocab_size, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
        self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

    def call(self, x):
        maxlen = ops.shape(x)[-1]
        positions = ops.arange(start=0, stop=maxlen, step=1)
        return self.token_emb(x) + self.pos_emb(positions)


keras.utils.set_random_seed(15)
rng = np.random.default_rng(15)
vocab_size, maxlen, n = 16, 8, 2000
sequences = rng.choice([1, 2, 3, 4, 5, 6, 7], size=(4 * n, maxlen), p=[.2, .2] + [.12] * 5)
difference = (sequences == 1).sum(axis=1) - (sequences == 2).sum(axis=1)
sequences = sequences[difference != 0][:n]
labels = (difference[difference != 0][:n] > 0).astype("int32")

embed_dim, num_heads, ff_dim = 16, 2, 32
inputs = keras.Input(shape=(maxlen,))
x = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)(inputs)
x = TransformerBlock(embed_dim, num_heads, ff_dim)(x)
x = layers.GlobalAveragePooling1D()(x)
x = layers.Dense(16, activation="relu")(x)
outputs = layers.Dense(2, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(sequences[:1600], labels[:1600], batch_size=32, epochs=4, verbose=0)
_, accuracy = model.evaluate(sequences[1600:], labels[1600:], verbose=0)

RESULT = {
    "accuracy": float(accuracy),
    "loss_ratio": history.history["loss"][-1] / history.history["loss"][0],
}
RESULT["params"] = float(model.count_params())
print(RESULT)
