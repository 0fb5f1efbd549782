"""Built-in layers called with their less common options, as the Keras 3 API documentation
lists them, each from weights set by a NumPy draw: strided, dilated and causal convolutions,
SeparableConv1D, Conv1DTranspose / Conv2DTranspose with output_padding, bilinear UpSampling2D,
GRU with reset_after=False, LSTM going backwards with its states, SimpleRNN with
return_sequences and unroll, ConvLSTM1D, Attention with score_mode="concat" and a causal
mask, MultiHeadAttention over two axes, GroupNormalization, LayerNormalization with
rms_scaling, BatchNormalization's moving statistics, Discretization by bin boundaries,
CategoryEncoding counts with weights, Normalization(invert=True), Embedding with mask_zero
feeding an LSTM, TimeDistributed, Bidirectional with merge_mode=None.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

rng = np.random.default_rng(67)
RESULT = {}


def run(name, layer, *inputs, **kwargs):
    if not layer.built:
        layer(*inputs, **kwargs)
    layer.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32")
                       for w in layer.get_weights()])
    out = layer(*inputs, **kwargs)
    outs = out if isinstance(out, (list, tuple)) else [out]
    for i, o in enumerate(outs):
        array = ops.convert_to_numpy(o).astype("float64")
        suffix = "" if len(outs) == 1 else f"_{i}"
        RESULT[f"{name}{suffix}_sum"] = float(np.sum(array))
        RESULT[f"{name}{suffix}_abs"] = float(np.sum(np.abs(array)))
        RESULT[f"{name}{suffix}_size"] = float(array.size)


seq = rng.normal(size=(2, 7, 3)).astype("float32")
img = rng.normal(size=(2, 9, 9, 3)).astype("float32")

run("conv2d_strided", layers.Conv2D(4, 3, strides=(2, 3), padding="same"), img)
run("conv2d_dilated", layers.Conv2D(4, 3, dilation_rate=(1, 2), padding="same"), img)
run("conv1d_dilated_causal", layers.Conv1D(4, 3, dilation_rate=2, padding="causal"), seq)
run("separable_conv1d", layers.SeparableConv1D(5, 3, depth_multiplier=2, padding="same"), seq)
run("conv1d_transpose", layers.Conv1DTranspose(4, 3, strides=2, output_padding=1), seq)
run("conv2d_transpose", layers.Conv2DTranspose(4, (3, 2), strides=(2, 3), padding="same",
                                               output_padding=(1, 2)), img)
run("upsampling_bilinear", layers.UpSampling2D(size=(2, 3), interpolation="bilinear"), img)
run("gru_reset_before", layers.GRU(5, reset_after=False, return_sequences=True), seq)
run("lstm_backwards_states", layers.LSTM(4, go_backwards=True, return_state=True), seq)
run("simple_rnn_unrolled", layers.SimpleRNN(3, return_sequences=True, unroll=True), seq)
run("conv_lstm1d", layers.ConvLSTM1D(3, 3, padding="same", return_sequences=True),
    rng.normal(size=(2, 4, 6, 2)).astype("float32"))
query = rng.normal(size=(2, 5, 4)).astype("float32")
value = rng.normal(size=(2, 5, 4)).astype("float32")
run("attention_concat", layers.Attention(score_mode="concat", use_scale=True),
    [query, value], use_causal_mask=True)
run("mha_two_axes", layers.MultiHeadAttention(num_heads=2, key_dim=3, attention_axes=(1, 2)),
    rng.normal(size=(2, 3, 4, 6)).astype("float32"), rng.normal(size=(2, 3, 4, 6)).astype(
        "float32"))
run("group_norm", layers.GroupNormalization(groups=2, epsilon=1e-3),
    rng.normal(size=(2, 5, 4)).astype("float32"))
run("layer_norm_rms", layers.LayerNormalization(rms_scaling=True), seq)

bn = layers.BatchNormalization(momentum=0.8)
bn(seq)
for _ in range(3):
    bn(seq * 2.0 + 1.0, training=True)
RESULT["bn_moving_mean"] = float(np.sum(ops.convert_to_numpy(bn.moving_mean)))
RESULT["bn_moving_variance"] = float(np.sum(ops.convert_to_numpy(bn.moving_variance)))

disc = layers.Discretization(bin_boundaries=[-1.0, 0.0, 0.1, 1.0])
RESULT["discretization_sum"] = float(np.sum(ops.convert_to_numpy(
    disc(np.array([[-2.0], [-0.1], [0.1], [0.5], [3.0]], "float32")))))
counts = layers.CategoryEncoding(num_tokens=5, output_mode="count")
RESULT["category_count_sum"] = float(np.sum(ops.convert_to_numpy(counts(
    np.array([[0, 1, 1, 4], [3, 3, 3, 2]]),
    count_weights=np.array([[0.5, 1.0, 2.0, 1.5], [1.0, 1.0, 1.0, 3.0]], "float32")))
    * np.arange(5)))
normalizer = layers.Normalization(mean=[2.0, -1.0], variance=[4.0, 0.25], invert=True)
RESULT["inverted_sum"] = float(np.sum(ops.convert_to_numpy(normalizer(
    np.array([[1.0, 2.0], [-1.0, 0.5]], "float32")))))  # [4, 0], [0, -0.75]

tokens = np.array([[3, 5, 2, 0, 0], [4, 1, 0, 0, 0]])
inputs = keras.Input((None,), dtype="int32")
embedded = layers.Embedding(8, 4, mask_zero=True)(inputs)
last = layers.LSTM(3)(embedded)
masked_model = keras.Model(inputs, last)
masked_model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32")
                          for w in masked_model.get_weights()])
full = masked_model.predict(tokens, verbose=0)
short = masked_model.predict(tokens[:, :3], verbose=0)
RESULT["masked_lstm_sum"] = float(np.sum(full))
RESULT["masked_padding_change"] = float(np.max(np.abs(full - short)))

run("time_distributed", layers.TimeDistributed(layers.Dense(2, activation="relu")), seq)
run("bidirectional_none", layers.Bidirectional(layers.GRU(2, return_sequences=True),
                                               merge_mode=None), seq)
print(RESULT)
