"""The guide "Understanding masking & padding", its parts in order: pad_sequences, an
Embedding with mask_zero and its compute_mask, a Masking layer, the mask reaching an LSTM in a
Sequential and in a functional model, a subclassed model passing the mask by hand, an
Embedding of one's own that makes a mask (CustomEmbedding), a layer that passes the mask on
(supports_masking), and a layer that reads it (TemporalSoftmax). A masked LSTM model is then
trained by fit. (The guide's TemporalSplit, a layer giving two masks, is
temporal_split_mask.py.)

Weights start from a fixed NumPy draw and batches are not shuffled, so the numbers are Keras's
to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(29)
rng = np.random.default_rng(29)
RESULT = {}


def draw(model, scale=0.3):
    model.set_weights([rng.normal(0.0, scale, w.shape).astype("float32")
                       for w in model.get_weights()])


raw_inputs = [[711, 632, 71], [73, 8, 3215, 55, 927], [83, 91, 1, 645, 1253, 927]]
padded_inputs = keras.utils.pad_sequences(raw_inputs, padding="post")
RESULT["padded_sum"] = float(np.sum(padded_inputs))
RESULT["padded_width"] = float(padded_inputs.shape[1])
pre_padded = keras.utils.pad_sequences(raw_inputs, maxlen=4, truncating="post")
RESULT["pre_padded_first"] = float(pre_padded[0, 0] + pre_padded[1, -1])

embedding = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)
masked_output = embedding(padded_inputs)
RESULT["embedding_mask_count"] = float(np.sum(ops.convert_to_numpy(masked_output._keras_mask)))

masking_layer = layers.Masking()
unmasked_embedding = ops.cast(
    ops.tile(ops.expand_dims(padded_inputs, axis=-1), [1, 1, 10]), "float32")
masked_embedding = masking_layer(unmasked_embedding)
RESULT["masking_mask_count"] = float(np.sum(ops.convert_to_numpy(masked_embedding._keras_mask)))
RESULT["compute_mask_count"] = float(np.sum(ops.convert_to_numpy(
    embedding.compute_mask(padded_inputs))))

# The mask reaches the LSTM in a Sequential model and in a functional model.
model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                          layers.Embedding(input_dim=100, output_dim=8, mask_zero=True),
                          layers.LSTM(8)])
draw(model)
tokens = np.array([[5, 7, 0, 0], [5, 7, 9, 0]])
out = model.predict(tokens, verbose=0)
short = model.predict(tokens[:, :2], verbose=0)
RESULT["sequential_padding_change"] = float(np.max(np.abs(out[0] - short[0])))
RESULT["sequential_sum"] = float(np.sum(out))

inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=100, output_dim=8, mask_zero=True)(inputs)
outputs = layers.LSTM(8)(x)
functional = keras.Model(inputs, outputs)
functional.set_weights(model.get_weights())
RESULT["functional_gap"] = float(np.max(np.abs(functional.predict(tokens, verbose=0) - out)))


class MyLayer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.embedding = layers.Embedding(input_dim=100, output_dim=8, mask_zero=True)
        self.lstm = layers.LSTM(8)

    def call(self, inputs):
        x = self.embedding(inputs)
        # Note that you could also prepare a `mask` tensor manually.
        # It only needs to be a boolean tensor
        # with the right shape, i.e. (batch_size, timesteps).
        mask = self.embedding.compute_mask(inputs)
        output = self.lstm(x, mask=mask)  # The layer will ignore the masked values
        return output


layer = MyLayer()
layer(tokens)
layer.set_weights(model.get_weights())
RESULT["manual_mask_gap"] = float(np.max(np.abs(ops.convert_to_numpy(layer(tokens)) - out)))


class CustomEmbedding(keras.layers.Layer):
    def __init__(self, input_dim, output_dim, mask_zero=False, **kwargs):
        super().__init__(**kwargs)
        self.input_dim = input_dim
        self.output_dim = output_dim
        self.mask_zero = mask_zero

    def build(self, input_shape):
        self.embeddings = self.add_weight(shape=(self.input_dim, self.output_dim),
                                          initializer="random_normal", dtype="float32")

    def call(self, inputs):
        inputs = ops.cast(inputs, "int32")
        return ops.take(self.embeddings, inputs, axis=0)

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        return ops.not_equal(inputs, 0)


layer = CustomEmbedding(10, 32, mask_zero=True)
x = rng.random((3, 10)) * 9
x = x.astype("int32")
y = layer(x)
mask = layer.compute_mask(x)
RESULT["custom_embedding_mask_gap"] = float(np.sum(ops.convert_to_numpy(mask) != (x != 0)))


class MyActivation(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        # Signal that the layer is safe for mask propagation
        self.supports_masking = True

    def call(self, inputs):
        return ops.relu(inputs)


inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=5000, output_dim=16, mask_zero=True)(inputs)
x = MyActivation()(x)  # Will pass the mask along
outputs = layers.LSTM(8)(x)  # Will receive the mask
passing = keras.Model(inputs, outputs)
draw(passing)
padded = keras.utils.pad_sequences([[3, 4, 5], [6, 7]], maxlen=5, padding="post")
trimmed = passing.predict(padded[1:, :2], verbose=0)
RESULT["passed_mask_gap"] = float(np.max(np.abs(passing.predict(padded, verbose=0)[1:]
                                                - trimmed)))


class TemporalSoftmax(keras.layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        assert mask is not None
        broadcast_float_mask = ops.expand_dims(ops.cast(mask, "float32"), -1)
        inputs_exp = ops.exp(inputs) * broadcast_float_mask
        inputs_sum = ops.sum(inputs_exp * broadcast_float_mask, axis=-1, keepdims=True)
        return inputs_exp / inputs_sum


inputs = keras.Input(shape=(None,), dtype="int32")
x = layers.Embedding(input_dim=10, output_dim=32, mask_zero=True)(inputs)
x = layers.Dense(1)(x)
outputs = TemporalSoftmax()(x)
softmax_model = keras.Model(inputs, outputs)
draw(softmax_model)
y = softmax_model(np.array([[3, 4, 5, 0, 0], [6, 7, 1, 2, 0]]))
RESULT["temporal_softmax_sum"] = float(np.nansum(ops.convert_to_numpy(y)))

# A masked LSTM classifier trained by fit: is token 1 among the real (unpadded) steps?
n = 384
lengths = rng.integers(2, 9, size=n)
sequences = [list(rng.integers(2, 20, size=length)) for length in lengths]
labels = np.zeros((n, 1), "float32")
for i, sequence in enumerate(sequences):
    if rng.random() < 0.5:
        sequence[rng.integers(0, len(sequence))] = 1
        labels[i] = 1.0
data = keras.utils.pad_sequences(sequences, maxlen=8, padding="post")
model = keras.Sequential([keras.Input(shape=(8,), dtype="int32"),
                          layers.Embedding(20, 8, mask_zero=True),
                          layers.Bidirectional(layers.LSTM(8)),
                          layers.Dense(1, activation="sigmoid")])
draw(model)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(data, labels, batch_size=32, epochs=6, shuffle=False, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["accuracy"] = float(history.history["accuracy"][-1])
print(RESULT)
