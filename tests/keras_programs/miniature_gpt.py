"""After the keras.io example "Text generation with a miniature GPT" (Keras 3): a causal mask
built with ops (arange, a comparison, cast, reshape, tile by a shape made with expand_dims and
concatenate) passed to MultiHeadAttention as attention_mask, token and position embeddings,
a model with two outputs (the logits and the last hidden states) compiled with
loss=[loss_fn, None] and trained on one target array, and a callback that samples tokens from
the logits of its predictions (ops.top_k, then a NumPy draw) after each epoch.

The IMDB reviews, already vectorized, are replaced by sequences of 12 tokens that count up by
one modulo a 20-word vocabulary from a random start.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

rng = np.random.default_rng(79)
RESULT = {}

vocab_size = 20
maxlen = 12
embed_dim = 16
num_heads = 2
feed_forward_dim = 16


def causal_attention_mask(batch_size, n_dest, n_src, dtype):
    i = ops.arange(n_dest)[:, None]
    j = ops.arange(n_src)
    m = i >= j - n_src + n_dest
    mask = ops.cast(m, dtype)
    mask = ops.reshape(mask, [1, n_dest, n_src])
    mult = ops.concatenate(
        [ops.expand_dims(batch_size, -1), ops.convert_to_tensor([1, 1])], 0
    )
    return ops.tile(mask, mult)


mask = ops.convert_to_numpy(causal_attention_mask(2, 4, 4, "int32"))
RESULT["mask_ones"] = float(mask.sum())  # 2 x (1 + 2 + 3 + 4)
RESULT["mask_upper_zero"] = float(mask[:, 0, 1:].sum() == 0)


class TransformerBlock(layers.Layer):
    def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
        super().__init__()
        self.att = layers.MultiHeadAttention(num_heads, embed_dim)
        self.ffn = keras.Sequential(
            [
                layers.Dense(ff_dim, activation="relu"),
                layers.Dense(embed_dim),
            ]
        )
        self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
        self.dropout1 = layers.Dropout(rate)
        self.dropout2 = layers.Dropout(rate)

    def call(self, inputs):
        input_shape = ops.shape(inputs)
        batch_size = input_shape[0]
        seq_len = input_shape[1]
        causal_mask = causal_attention_mask(batch_size, seq_len, seq_len, "bool")
        attention_output = self.att(inputs, inputs, attention_mask=causal_mask)
        attention_output = self.dropout1(attention_output)
        out1 = self.layernorm1(inputs + attention_output)
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
        positions = ops.arange(0, maxlen, 1)
        positions = self.pos_emb(positions)
        x = self.token_emb(x)
        return x + positions


def create_model():
    inputs = layers.Input(shape=(maxlen,), dtype="int32")
    embedding_layer = TokenAndPositionEmbedding(maxlen, vocab_size, embed_dim)
    x = embedding_layer(inputs)
    transformer_block = TransformerBlock(embed_dim, num_heads, feed_forward_dim, rate=0.0)
    x = transformer_block(x)
    outputs = layers.Dense(vocab_size)(x)
    model = keras.Model(inputs=inputs, outputs=[outputs, x])
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile("adam", loss=[loss_fn, None])
    return model


starts = rng.integers(0, vocab_size, 256)
sequences = (starts[:, None] + np.arange(maxlen + 1)) % vocab_size
x_train, y_train = sequences[:, :-1], sequences[:, 1:]


class TextGenerator(keras.callbacks.Callback):
    def __init__(self, max_tokens, start_tokens, top_k=3):
        self.max_tokens = max_tokens
        self.start_tokens = start_tokens
        self.k = top_k
        self.generated = []

    def sample_from(self, logits):
        logits, indices = ops.top_k(logits, k=self.k, sorted=True)
        indices = np.asarray(indices).astype("int32")
        preds = keras.activations.softmax(ops.expand_dims(logits, 0))[0]
        preds = np.asarray(preds).astype("float32")
        return int(indices[int(np.argmax(preds))])

    def on_epoch_end(self, epoch, logs=None):
        start_tokens = [_ for _ in self.start_tokens]
        num_tokens_generated = 0
        tokens_generated = []
        while num_tokens_generated <= self.max_tokens:
            pad_len = maxlen - len(start_tokens)
            sample_index = len(start_tokens) - 1
            if pad_len < 0:
                x = start_tokens[:maxlen]
                sample_index = maxlen - 1
            elif pad_len > 0:
                x = start_tokens + [0] * pad_len
            else:
                x = start_tokens
            x = np.array([x])
            y, _ = self.model.predict(x, verbose=0)
            sample_token = self.sample_from(y[0][sample_index])
            tokens_generated.append(sample_token)
            start_tokens.append(sample_token)
            num_tokens_generated = len(tokens_generated)
        self.generated = tokens_generated


text_gen_callback = TextGenerator(5, [7, 8, 9])
model = create_model()
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
history = model.fit(x_train, y_train, batch_size=32, epochs=6, shuffle=False, verbose=0,
                    callbacks=[text_gen_callback])
for epoch, loss in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = loss
RESULT["generated"] = float(len(text_gen_callback.generated))
RESULT["generated_counting"] = float(np.mean(
    np.diff([9] + text_gen_callback.generated) % vocab_size == 1))
logits, hidden = model.predict(x_train[:4], verbose=0)
RESULT["hidden_width"] = float(hidden.shape[-1])
RESULT["next_token_accuracy"] = float(np.mean(np.argmax(logits, -1) == y_train[:4]))
print(RESULT)
