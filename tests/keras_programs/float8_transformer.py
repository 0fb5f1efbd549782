"""The Keras recipe "Float8 training and inference with a simple Transformer model"
(keras_recipes/float8_training_and_inference_with_transformer.py), on synthetic token
sequences.

As the recipe (but with the "float32" policy where it sets "mixed_bfloat16": numnet's einsum has
no bfloat16 form on NumPy yet, so EinsumDense cannot compute in it): a model of token and
position embeddings, a Transformer decoder block (causal self-attention, then a feed-forward
network, each with a residual and LayerNormalization), GlobalAveragePooling1D and a small
classifier head, trained with Adam on the binary cross-entropy first as it is, then after
model.quantize("float8"): every Dense and EinsumDense (the attention's query, key, value and
output projections among them) gets its float8 scales and histories of absolute maxima, which
the program finds among trainable_variables by a regular expression on their paths (before and
after fit, as the recipe prints them), and the layers' dtype policies become
"float8_from_float32". The recipe's KerasHub layers and IMDB reviews are written here with Keras
layers (the attention from four EinsumDense projections, as MultiHeadAttention builds them, so
that the walk of the layers finds them as layers: numnet's MultiHeadAttention keeps its
projections as its own weights; a walk of the layers' attributes where the recipe calls the
private model._flatten_layers, which numnet lacks; then the decoder with MultiHeadAttention
itself, whose projections get their float8 weights too) and made-up sequences whose label is
whether token 3 comes before token 4; dropout is 0 and the weights come from a NumPy draw, so
the losses follow Keras's.
"""

import re

import numpy as np

import numnet as keras
from numnet import layers

keras.config.set_dtype_policy("float32")

EPOCHS = 6
BATCH_SIZE = 32
VOCABULARY_SIZE = 40
MAX_SEQUENCE_LENGTH = 12
MODEL_KWARGS = dict(
    vocabulary_size=VOCABULARY_SIZE,
    max_sequence_length=MAX_SEQUENCE_LENGTH,
    hidden_dim=16,
    num_heads=2,
    intermediate_dim=16,
    dropout=0.0,
)

rng = np.random.default_rng(17)


def make_data(n):
    tokens = rng.integers(5, VOCABULARY_SIZE, (n, MAX_SEQUENCE_LENGTH))
    labels = rng.integers(0, 2, n)
    for row, label in zip(tokens, labels):
        first, second = sorted(rng.choice(MAX_SEQUENCE_LENGTH, 2, replace=False))
        row[first], row[second] = (3, 4) if label else (4, 3)
    return tokens.astype("int32"), labels.astype("float32")


x_train, y_train = make_data(384)
x_test, y_test = make_data(128)


class TokenAndPositionEmbedding(layers.Layer):
    def __init__(self, vocabulary_size, sequence_length, embedding_dim, **kwargs):
        super().__init__(**kwargs)
        self.token_embedding = layers.Embedding(vocabulary_size, embedding_dim)
        self.position_embedding = layers.Embedding(sequence_length, embedding_dim)

    def call(self, inputs):
        positions = keras.ops.arange(keras.ops.shape(inputs)[-1])
        return self.token_embedding(inputs) + self.position_embedding(positions)


class MultiHeadSelfAttention(layers.Layer):
    """Causal self-attention from four EinsumDense projections, as MultiHeadAttention's."""

    def __init__(self, num_heads, head_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.head_dim = head_dim

    def build(self, input_shape):
        hidden_dim = input_shape[-1]
        heads = (None, self.num_heads, self.head_dim)
        self.query = layers.EinsumDense("btd,dnh->btnh", heads, bias_axes="nh", name="query")
        self.key = layers.EinsumDense("btd,dnh->btnh", heads, bias_axes="nh", name="key")
        self.value = layers.EinsumDense("btd,dnh->btnh", heads, bias_axes="nh", name="value")
        self.attention_output = layers.EinsumDense("btnh,nhd->btd", (None, hidden_dim),
                                                   bias_axes="d", name="attention_output")

    def call(self, x):
        q, k, v = self.query(x), self.key(x), self.value(x)
        scores = keras.ops.einsum("btnh,bsnh->bnts", q, k) / float(self.head_dim) ** 0.5
        steps = keras.ops.shape(x)[1]
        causal = keras.ops.tril(keras.ops.ones((steps, steps), dtype="bool"))
        scores = keras.ops.where(causal, scores, keras.ops.cast(-1e4, scores.dtype))
        weights = keras.ops.softmax(scores, axis=-1)
        return self.attention_output(keras.ops.einsum("bnts,bsnh->btnh", weights, v))


def flatten_layers(layer):
    """Every layer inside ``layer`` (the recipe's model._flatten_layers(recursive=True))."""
    found = []
    for child in list(getattr(layer, "layers", [])) + [
            value for value in vars(layer).values() if isinstance(value, layers.Layer)]:
        if child is not layer and all(child is not seen for seen in found):
            found.append(child)
            found.extend(c for c in flatten_layers(child) if all(c is not s for s in found))
    return found


class TransformerDecoder(layers.Layer):
    def __init__(self, intermediate_dim, num_heads, dropout=0.0, keras_attention=False,
                 **kwargs):
        super().__init__(**kwargs)
        self.intermediate_dim = intermediate_dim
        self.num_heads = num_heads
        self.dropout = dropout
        self.keras_attention = keras_attention

    def build(self, input_shape):
        hidden_dim = input_shape[-1]
        if self.keras_attention:
            self.self_attention = layers.MultiHeadAttention(
                num_heads=self.num_heads, key_dim=hidden_dim // self.num_heads,
                name="multi_head_attention")
        else:
            self.self_attention = MultiHeadSelfAttention(
                self.num_heads, hidden_dim // self.num_heads, name="multi_head_attention")
        self.attention_norm = layers.LayerNormalization(epsilon=1e-5)
        self.intermediate = layers.Dense(self.intermediate_dim, activation="relu")
        self.output_dense = layers.Dense(hidden_dim)
        self.output_norm = layers.LayerNormalization(epsilon=1e-5)

    def call(self, x):
        if self.keras_attention:
            attended = self.self_attention(x, x, use_causal_mask=True)
        else:
            attended = self.self_attention(x)
        x = self.attention_norm(x + attended)
        return self.output_norm(x + self.output_dense(self.intermediate(x)))


def build_model(vocabulary_size=20000, max_sequence_length=200, hidden_dim=32, num_heads=2,
                intermediate_dim=32, dropout=0.1, keras_attention=False):
    token_id_input = keras.layers.Input(shape=(None,), dtype="int32", name="input_ids")
    x = TokenAndPositionEmbedding(
        vocabulary_size=vocabulary_size,
        sequence_length=max_sequence_length,
        embedding_dim=hidden_dim,
    )(token_id_input)
    x = keras.layers.Dropout(rate=dropout)(x)
    x = TransformerDecoder(intermediate_dim=intermediate_dim, num_heads=num_heads,
                           dropout=dropout, keras_attention=keras_attention)(x)
    x = keras.layers.GlobalAveragePooling1D()(x)
    x = keras.layers.Dropout(dropout)(x)
    x = keras.layers.Dense(intermediate_dim, activation="relu")(x)
    x = keras.layers.Dropout(dropout)(x)
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    return keras.Model(inputs=token_id_input, outputs=outputs)


start = None


def from_draw(model):
    global start
    if start is None:
        start = []
        for w in model.get_weights():
            if w.ndim > 1:
                start.append(rng.normal(0.0, 0.3, w.shape).astype("float32"))
            else:
                start.append(np.ones(w.shape, "float32") if w.shape == (16,) and len(start) in
                             _ONES else np.zeros(w.shape, "float32"))
    model.set_weights(start)


_ONES = ()
RESULT = {}

model = build_model(**MODEL_KWARGS)
model.summary()
_ONES = tuple(i for i, w in enumerate(model.weights) if w.path.endswith("gamma"))
from_draw(model)
RESULT["params"] = float(model.count_params())
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=False,
                    verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"plain_loss_{epoch}"] = float(value)
result = model.evaluate(x_test, y_test, verbose=0)
print(f"Accuracy (float32): {result[1]:.2%}")
RESULT["plain_accuracy"] = float(result[1])

model = build_model(**MODEL_KWARGS)
from_draw(model)
model.quantize("float8")

pattern = r"(transformer).+(multi_head).+(query).+(scale|amax_history)"
found = []
for v in model.trainable_variables:
    if re.findall(pattern, v.path):
        print(v.path)
        print(keras.ops.convert_to_numpy(v.value))
        found.append(v)
RESULT["query_float8_variables"] = float(len(found))
RESULT["query_scales_before"] = float(sum(float(np.sum(keras.ops.convert_to_numpy(v.value)))
                                          for v in found))

float8_layers = []
for layer in flatten_layers(model):
    if "float8" in str(layer.dtype_policy):
        print(f"{layer.name}: {layer.dtype_policy}")
        float8_layers.append(layer)
RESULT["float8_layers"] = float(len(float8_layers))
RESULT["policy_names_ok"] = float(all(
    layer.dtype_policy.name == "float8_from_float32" for layer in float8_layers))
RESULT["float8_params"] = float(model.count_params())

model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=EPOCHS, batch_size=BATCH_SIZE, shuffle=False,
                    verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
result = model.evaluate(x_test, y_test, verbose=0)
print(f"Accuracy (float8): {result[1]:.2%}")
RESULT["float8_accuracy"] = float(result[1])

for v in found:
    print(v.path)
    print(keras.ops.convert_to_numpy(v.value))
query = [v for v in found if v.path.endswith("inputs_scale")][0]
history_of = [v for v in found if v.path.endswith("inputs_amax_history")][0]
RESULT["query_inputs_scale"] = float(keras.ops.convert_to_numpy(query.value))
RESULT["query_amax_steps"] = float(np.count_nonzero(keras.ops.convert_to_numpy(history_of.value)))
RESULT["query_amax_max"] = float(np.max(keras.ops.convert_to_numpy(history_of.value)))

# The recipe's decoder attends with MultiHeadAttention: model.quantize("float8") reaches its
# query, key, value and output projections (EinsumDense sublayers in Keras) as well.
start = None
model = build_model(**MODEL_KWARGS, keras_attention=True)
from_draw(model)
model.quantize("float8")
found = [v for v in model.trainable_variables if re.findall(pattern, v.path)]
RESULT["mha_query_float8_variables"] = float(len(found))
RESULT["mha_float8_weights"] = float(sum(v.path.endswith(("_scale", "_history"))
                                         for v in model.weights))
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(x_train, y_train, epochs=2, batch_size=BATCH_SIZE, shuffle=False,
                    verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"mha_loss_{epoch}"] = float(value)
print(RESULT)
