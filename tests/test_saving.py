"""Model files: round trips of every config, bit-for-bit reloads, exact resumption of training,
weights-only files, JSON, custom objects, atomic writes (also under SIGKILL) and Keras 3
``.weights.h5`` interchange."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import warnings
import zipfile

import numpy as np
import pytest

import numnet
from numnet import (
    activations,
    constraints,
    initializers,
    layers,
    losses,
    metrics,
    optimizers,
    regularizers,
)
from numnet.layers.symbolic import OpLayer
from numnet.optimizers import schedules
from numnet.saving import ModelFileError, register_serializable
from numnet.saving.objects import (
    builtin_layers,
    builtin_losses,
    builtin_metrics,
    builtin_optimizers,
    builtin_schedules,
)

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning",
                                        "ignore::DeprecationWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(64, 6)).astype("float32")
Y = RNG.integers(0, 3, size=64)


def _json_round_trip(obj):
    """get_config -> JSON text -> from_config -> get_config, both configs as JSON values."""
    config = json.loads(json.dumps(obj.get_config()))
    clone = type(obj).from_config(json.loads(json.dumps(config)))
    assert type(clone) is type(obj)
    return config, json.loads(json.dumps(clone.get_config())), clone


# ----------------------------------------------------------------------------- config round trips

@register_serializable(package="test_saving")
def triple(x):
    return x * 3.0


LAYER_EXAMPLES = [
    layers.InputLayer(shape=(3, 4)),
    OpLayer("tanh"),  # an op on symbolic tensors, as a functional graph records it
    layers.Dense(7, activation="tanh", use_bias=False, kernel_initializer="he_normal",
                 bias_initializer=initializers.Constant(0.5), kernel_regularizer="l2",
                 bias_regularizer=regularizers.L1L2(0.1, 0.2), activity_regularizer="l1",
                 kernel_constraint=constraints.MaxNorm(3.0, axis=1), bias_constraint="non_neg",
                 input_shape=(5,), name="d7"),
    layers.Activation("softplus"),
    layers.Dropout(0.25, noise_shape=(None, 1), seed=3),
    layers.Flatten(data_format="channels_last"),
    layers.Reshape((2, -1)),
    layers.BatchNormalization(axis=-1, momentum=0.9, epsilon=1e-4, center=False,
                              gamma_initializer="random_uniform",
                              moving_variance_initializer=initializers.Constant(2.0),
                              gamma_regularizer=regularizers.L2(0.3), trainable=False),
    layers.ReLU(max_value=6.0, negative_slope=0.1, threshold=0.5),
    layers.LeakyReLU(negative_slope=0.2),
    layers.ELU(alpha=0.7),
    layers.Softmax(axis=1),
    layers.Rescaling(1 / 255, offset=-0.5),
    layers.Rescaling([1, 2, 3, 4, 5, 6]),
    layers.Normalization(axis=-1),
    layers.GaussianNoise(0.0, seed=5),
    layers.Lambda("test_saving>triple", output_shape=(6,)),
    layers.Normalization(axis=-1, mean=[0, 1, 2, 3, 4, 5], variance=[1, 2, 3, 4, 5, 6],
                         invert=True),
    layers.LayerNormalization(epsilon=1e-5, center=False, gamma_initializer="random_uniform",
                              gamma_regularizer=regularizers.L2(0.1), gamma_constraint="non_neg"),
    layers.UnitNormalization(axis=[-1]),
    layers.PReLU(alpha_initializer="ones", alpha_regularizer="l2", alpha_constraint="non_neg"),
    layers.GaussianDropout(0.3, seed=4),
    layers.AlphaDropout(0.2, noise_shape=(None, 1), seed=5),
    layers.Identity(),
    layers.ActivityRegularization(l1=0.01, l2=0.02),
    layers.RepeatVector(2),
    layers.Permute((1,)),
    layers.Conv1D(3, 2, strides=1, padding="causal", dilation_rate=2, activation="relu",
                  kernel_initializer="he_uniform", bias_initializer=initializers.Constant(0.1),
                  kernel_regularizer="l2", bias_regularizer=regularizers.L1(0.2),
                  kernel_constraint=constraints.MaxNorm(2.0), bias_constraint="non_neg"),
    layers.Conv2D(4, (2, 3), strides=(1, 2), padding="same", use_bias=False,
                  kernel_regularizer=regularizers.L1L2(0.1, 0.2), activity_regularizer="l2"),
    layers.MaxPooling1D(pool_size=3, strides=1, padding="same"),
    layers.MaxPooling2D((2, 1)),
    layers.AveragePooling1D(2, padding="same"),
    layers.AveragePooling2D((1, 2), strides=(1, 1)),
    layers.GlobalAveragePooling1D(keepdims=True),
    layers.GlobalAveragePooling2D(),
    layers.GlobalMaxPooling1D(),
    layers.GlobalMaxPooling2D(keepdims=True, data_format="channels_last"),
    layers.Embedding(10, 3, embeddings_initializer="uniform", embeddings_regularizer="l2",
                     embeddings_constraint="unit_norm", activity_regularizer="l1"),
    layers.Embedding(10, 2, mask_zero=True, name="masked_embedding"),
    layers.Masking(mask_value=-1.0),
    layers.Add(), layers.Subtract(), layers.Multiply(), layers.Average(), layers.Maximum(),
    layers.Minimum(), layers.Concatenate(axis=1), layers.Dot(axes=(1, 1), normalize=True),
    layers.SimpleRNN(3, activation="relu", use_bias=False, kernel_regularizer="l2",
                     return_sequences=True, go_backwards=True, unroll=True),
    layers.LSTM(4, recurrent_activation="hard_sigmoid", unit_forget_bias=False,
                bias_initializer="ones", recurrent_regularizer=regularizers.L2(0.1),
                bias_constraint="non_neg", dropout=0.2, recurrent_dropout=0.1, seed=3),
    layers.GRU(2, reset_after=False, recurrent_initializer="glorot_normal",
               bias_regularizer="l1", kernel_constraint=constraints.MaxNorm(2.0),
               activity_regularizer="l2"),
    layers.RNN(layers.GRUCell(3, kernel_regularizer="l1"), return_sequences=True),
    layers.SimpleRNNCell(2, recurrent_initializer="zeros"),
    layers.LSTMCell(3, unit_forget_bias=True, dropout=0.5, seed=1),
    layers.GRUCell(2, reset_after=True, recurrent_constraint="unit_norm"),
    layers.Bidirectional(layers.LSTM(2, return_sequences=True, kernel_regularizer="l2"),
                         merge_mode="ave"),
    layers.Bidirectional(layers.GRU(2), backward_layer=layers.SimpleRNN(3, go_backwards=True),
                         merge_mode="concat"),
    layers.TimeDistributed(layers.Dense(3, kernel_regularizer="l2"), name="per_step"),
    layers.MultiHeadAttention(2, 3, value_dim=4, dropout=0.1, output_shape=5, seed=2,
                              kernel_regularizer="l2", bias_initializer="ones"),
    layers.Conv2DTranspose(3, 2, strides=2, padding="same", output_padding=1,
                           activation="relu", kernel_regularizer="l2"),
    layers.Conv1DTranspose(2, 3, use_bias=False), layers.UpSampling1D(3),
    layers.UpSampling2D((2, 1), interpolation="bilinear"), layers.ZeroPadding1D((1, 2)),
    layers.ZeroPadding2D(((1, 0), (2, 1))), layers.Cropping1D((1, 2)),
    layers.Cropping2D(((1, 0), (1, 2))), layers.CenterCrop(2, 3),
    layers.Resizing(4, 7, interpolation="bicubic", crop_to_aspect_ratio=True),
    layers.RandomFlip("horizontal", seed=1),
    layers.RandomRotation(0.1, fill_mode="constant", fill_value=0.5, seed=2),
    layers.RandomTranslation(0.1, (-0.2, 0.3), seed=3),
    layers.RandomZoom(0.2, interpolation="nearest", seed=4),
    layers.RandomContrast(0.3, value_range=(0, 1), seed=5),
    layers.RandomCrop(2, 3, seed=6), layers.RandomBrightness((-0.2, 0.1), value_range=(0, 1)),
    layers.StringLookup(vocabulary=["a", "b", "c"], mask_token="", name="words"),
    layers.IntegerLookup(vocabulary=[3, 1], num_oov_indices=2, output_mode="count"),
    layers.CategoryEncoding(5, output_mode="one_hot"),
    layers.Attention(use_scale=True, score_mode="concat", dropout=0.1, seed=1),
    layers.AdditiveAttention(use_scale=False),
    layers.DepthwiseConv1D(3, padding="same", depth_multiplier=2, activation="relu",
                           depthwise_regularizer="l2", bias_initializer="ones"),
    layers.DepthwiseConv2D((2, 3), strides=(1, 2), dilation_rate=1, use_bias=False,
                           depthwise_constraint="non_neg"),
    layers.SeparableConv1D(4, 2, depth_multiplier=3, pointwise_regularizer="l1"),
    layers.SeparableConv2D(3, 2, padding="same", dilation_rate=(1, 2), activation="tanh",
                           bias_regularizer="l2", activity_regularizer="l1"),
    layers.Conv3D(2, (2, 1, 2), padding="same", kernel_regularizer="l2"),
    layers.SpatialDropout1D(0.3, seed=1), layers.SpatialDropout2D(0.2, seed=2),
    layers.SpatialDropout3D(0.1, data_format="channels_last", seed=3),
    layers.GroupNormalization(groups=3, epsilon=1e-4, gamma_initializer="random_uniform",
                              beta_regularizer="l2", gamma_constraint="non_neg"),
    layers.Wrapper(layers.Dense(3, kernel_regularizer="l2"), name="wrapped_dense"),
    layers.MaxPooling3D((2, 1, 2), padding="same"), layers.AveragePooling3D(2, strides=1),
    layers.GlobalAveragePooling3D(keepdims=True), layers.GlobalMaxPooling3D(),
    layers.UpSampling3D((1, 2, 1)), layers.ZeroPadding3D((1, (0, 2), 0)),
    layers.Cropping3D(((1, 0), 0, (0, 1))),
    layers.AdaptiveAveragePooling1D(3, data_format="channels_last"),
    layers.AdaptiveAveragePooling2D((2, 3)),
    layers.AdaptiveAveragePooling3D((1, 2, 2)),
    layers.AdaptiveMaxPooling1D(2),
    layers.AdaptiveMaxPooling2D((3, 2), data_format="channels_last"),
    layers.AdaptiveMaxPooling3D(2),
    layers.AutoContrast(value_range=(0, 1)),
    layers.Conv3DTranspose(2, (2, 1, 2), strides=(1, 2, 1), padding="same",
                           kernel_regularizer="l2", use_bias=False),
    layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True, recurrent_dropout=0.1,
                      kernel_regularizer="l2", seed=1),
    layers.ConvLSTM2D(2, (2, 2), unit_forget_bias=False, go_backwards=True),
    layers.ConvLSTM3D(2, 1, padding="same", recurrent_activation="hard_sigmoid"),
    layers.CutMix(factor=0.5, seed=2),
    layers.Discretization(bin_boundaries=[-0.5, 0.0, 0.5], output_mode="one_hot"),
    layers.EinsumDense("abc,cd->abd", output_shape=(None, 4), bias_axes="d",
                       kernel_regularizer="l2", bias_initializer="ones"),
    layers.Equalization(value_range=(0, 1), bins=64),
    layers.GroupQueryAttention(head_dim=3, num_query_heads=4, num_key_value_heads=2,
                               dropout=0.1, use_bias=False, seed=3),
    layers.HashedCrossing(num_bins=7, output_mode="one_hot"),
    layers.Hashing(num_bins=5, salt=[11, 13], mask_value="", name="hashed"),
    layers.MixUp(alpha=0.3, seed=4),
    layers.Pipeline([layers.Rescaling(0.5), layers.RandomFlip("vertical", seed=5)]),
    layers.RMSNormalization(axis=-1, epsilon=1e-4),
    layers.RandomColorDegeneration(0.4, value_range=(0, 1), seed=6),
    layers.RandomErasing(factor=0.5, scale=(0.1, 0.2), fill_value=0.5, value_range=(0, 1), seed=7),
    layers.RandomGaussianBlur(factor=0.5, kernel_size=5, sigma=0.7, value_range=(0, 1), seed=8),
    layers.RandomGrayscale(factor=0.3, seed=9),
    layers.RandomHue(0.2, value_range=(0, 1), seed=10),
    layers.RandomInvert(factor=0.4, value_range=(0, 1), seed=11),
    layers.RandomPosterization((2, 5), seed=12),
    layers.RandomSaturation((0.3, 0.7), value_range=(0, 1), seed=13),
    layers.RandomSharpness(0.3, value_range=(0, 1), seed=14),
    layers.ReversibleEmbedding(10, 3, tie_weights=False, embeddings_regularizer="l2",
                               logit_soft_cap=5.0),
    layers.Solarization(addition_factor=0.2, threshold_factor=0.1, value_range=(0, 1), seed=15),
    layers.SpectralNormalization(layers.Dense(3, kernel_regularizer="l2"), power_iterations=2),
    layers.StackedRNNCells([layers.SimpleRNNCell(3), layers.GRUCell(2, reset_after=False)]),
    layers.TextVectorization(max_tokens=8, output_mode="int", output_sequence_length=4,
                             ngrams=2, vocabulary=["a", "b", "c", "a b"], standardize="lower"),
    layers.STFTSpectrogram(mode="magnitude", frame_length=8, frame_step=4, fft_length=8,
                           window="hamming", padding="same"),
    layers.MelSpectrogram(fft_length=16, sequence_stride=4, sequence_length=16,
                          sampling_rate=800, num_mel_bins=6, top_db=60.0),
    layers.RandomShear(x_factor=0.2, y_factor=(0.0, 0.1), fill_mode="constant", seed=16),
    layers.RandomPerspective(factor=0.5, scale=0.3, seed=17),
    layers.RandomElasticTransform(factor=0.5, scale=0.2, value_range=(0, 1), seed=18),
    layers.RandomColorJitter(value_range=(0, 1), brightness_factor=0.1, hue_factor=0.2,
                             seed=19),
    layers.RandAugment(value_range=(0, 1), num_ops=3, factor=0.4, seed=20),
    layers.AugMix(value_range=(0, 1), num_chains=2, chain_depth=2, seed=21),
    layers.ContrastLimitedAdaptiveHistogramEqualization(value_range=(0, 1), clip_limit=3.0,
                                                        tile_grid_size=(2, 2)),
    layers.MaxNumBoundingBoxes(max_number=3, fill_value=-2),
]

# The rank of each example's input: (4, 6) unless it needs more axes.
_EXAMPLE_SHAPES = {layers.Flatten: (4, 4, 6), layers.Reshape: (4, 4, 6), layers.Conv1D: (4, 5, 6),
                   layers.Conv2D: (4, 3, 5, 6), layers.MaxPooling1D: (4, 5, 6),
                   layers.MaxPooling2D: (4, 4, 3, 6), layers.AveragePooling1D: (4, 5, 6),
                   layers.AveragePooling2D: (4, 3, 4, 6), layers.GlobalAveragePooling1D: (4, 5, 6),
                   layers.GlobalAveragePooling2D: (4, 3, 2, 6),
                   layers.GlobalMaxPooling1D: (4, 5, 6), layers.GlobalMaxPooling2D: (4, 3, 2, 6),
                   layers.SimpleRNN: (4, 5, 6), layers.LSTM: (4, 5, 6), layers.GRU: (4, 5, 6),
                   layers.RNN: (4, 5, 6), layers.Bidirectional: (4, 5, 6),
                   layers.TimeDistributed: (4, 5, 6), layers.MultiHeadAttention: (4, 5, 6),
                   layers.Attention: (4, 5, 6), layers.AdditiveAttention: (4, 5, 6),
                   layers.Conv1DTranspose: (4, 5, 6), layers.UpSampling1D: (4, 5, 6),
                   layers.ZeroPadding1D: (4, 5, 6), layers.Cropping1D: (4, 5, 6),
                   layers.DepthwiseConv1D: (4, 5, 6), layers.SeparableConv1D: (4, 5, 6),
                   layers.SpatialDropout1D: (4, 5, 6), layers.Conv3D: (4, 3, 2, 3, 6),
                   layers.SpatialDropout3D: (4, 2, 2, 3, 6),
                   **{cls: (4, 2, 3, 4, 6) for cls in (
                       layers.MaxPooling3D, layers.AveragePooling3D,
                       layers.GlobalAveragePooling3D, layers.GlobalMaxPooling3D,
                       layers.UpSampling3D, layers.ZeroPadding3D, layers.Cropping3D)},
                   layers.DepthwiseConv2D: (4, 3, 5, 6), layers.SeparableConv2D: (4, 3, 5, 6),
                   layers.SpatialDropout2D: (4, 3, 5, 6),
                   **{cls: (4, 3, 5, 6) for cls in (
                       layers.Conv2DTranspose, layers.UpSampling2D, layers.ZeroPadding2D,
                       layers.Cropping2D, layers.CenterCrop, layers.Resizing, layers.RandomFlip,
                       layers.RandomRotation, layers.RandomTranslation, layers.RandomZoom,
                       layers.RandomContrast, layers.RandomCrop, layers.RandomBrightness)},
                   layers.AdaptiveAveragePooling1D: (4, 5, 6),
                   layers.AdaptiveMaxPooling1D: (4, 5, 6),
                   layers.AdaptiveAveragePooling2D: (4, 3, 5, 6),
                   layers.AdaptiveMaxPooling2D: (4, 3, 5, 6),
                   layers.AdaptiveAveragePooling3D: (4, 2, 3, 4, 6),
                   layers.AdaptiveMaxPooling3D: (4, 2, 3, 4, 6),
                   layers.Conv3DTranspose: (4, 2, 3, 4, 6), layers.ConvLSTM1D: (4, 3, 5, 6),
                   layers.ConvLSTM2D: (4, 3, 4, 5, 6), layers.ConvLSTM3D: (4, 2, 3, 2, 3, 2),
                   layers.EinsumDense: (4, 5, 6), layers.GroupQueryAttention: (4, 5, 6),
                   # Images of three channels for the colour layers.
                   **{cls: (4, 3, 5, 3) for cls in (
                       layers.Pipeline, layers.AutoContrast, layers.CutMix, layers.Equalization,
                       layers.MixUp, layers.RandomColorDegeneration, layers.RandomErasing,
                       layers.RandomGaussianBlur, layers.RandomGrayscale, layers.RandomHue,
                       layers.RandomInvert, layers.RandomPosterization, layers.RandomSaturation,
                       layers.RandomSharpness, layers.Solarization, layers.RandomShear,
                       layers.RandomPerspective, layers.RandomElasticTransform,
                       layers.RandomColorJitter, layers.RandAugment, layers.AugMix,
                       layers.ContrastLimitedAdaptiveHistogramEqualization,
                       layers.MaxNumBoundingBoxes)},
                   layers.STFTSpectrogram: (4, 32, 1), layers.MelSpectrogram: (4, 64)}


def test_every_numnet_layer_has_a_round_trip_example():
    covered = {type(layer).__name__ for layer in LAYER_EXAMPLES}
    missing = sorted(set(builtin_layers()) - covered)
    assert not missing, f"add a get_config/from_config example for {missing}"


@pytest.mark.parametrize("layer", LAYER_EXAMPLES, ids=lambda layer: type(layer).__name__)
def test_layer_config_round_trips_through_json(layer):
    config, again, clone = _json_round_trip(layer)
    assert again == config
    # Given the same weights, the clone computes the same outputs and penalties.
    if not isinstance(layer, layers.InputLayer):
        x = RNG.normal(size=_EXAMPLE_SHAPES.get(type(layer), (4, 6))).astype("float32")
        if isinstance(layer, layers.Embedding):
            x = RNG.integers(0, layer.input_dim, size=(4, 6))
        if isinstance(layer, (layers.IntegerLookup, layers.CategoryEncoding)):
            x = RNG.integers(0, 5, size=(4, 6))
        if isinstance(layer, layers.StringLookup):
            x = np.array(["", "a", "b", "c", "d"])[RNG.integers(0, 5, size=(4, 6))]
        if isinstance(layer, layers.Hashing):
            x = np.array(["", "a", "b", "c", "d"])[RNG.integers(0, 5, size=(4, 6))]
        if isinstance(layer, layers.HashedCrossing):  # a pair of features to cross
            x = (RNG.integers(0, 5, size=(4,)), np.array(["a", "b", "c", "a"]))
        if isinstance(layer, layers.TextVectorization):
            x = np.array(["A b c", "b a b", "c, d a", ""])
        if getattr(layer, "_takes_list", False):  # a merge layer: a list of tensors
            x = [x, RNG.normal(size=x.shape).astype("float32")]
        # Attention with separate query and value tensors.
        args = (x, x[:, :3]) if isinstance(layer, layers.GroupQueryAttention) else (x,)
        out = _first(layer(*args, training=False))
        clone(*args, training=False)
        assert [(w.shape, w.trainable) for w in clone.weights] == \
            [(w.shape, w.trainable) for w in layer.weights]
        clone.set_weights(layer.get_weights())
        np.testing.assert_array_equal(_first(clone(*args, training=False)).value, out.value)
        assert [float(p.value) for p in clone.losses] == [float(p.value) for p in layer.losses]


def _first(out):
    """A layer's output; a recurrent cell's output of its (output, states)."""
    return out[0] if isinstance(out, tuple) else out


def test_batch_normalization_config_keeps_initializers_and_regularizers():
    bn = layers.BatchNormalization(beta_initializer="ones",
                                   gamma_initializer=initializers.Constant(3.0),
                                   gamma_regularizer=regularizers.L2(0.5))
    clone = layers.BatchNormalization.from_config(json.loads(json.dumps(bn.get_config())))
    clone._maybe_build((None, 4))
    np.testing.assert_array_equal(clone.gamma.numpy(), np.full(4, 3.0, "float32"))
    np.testing.assert_array_equal(clone.beta.numpy(), np.ones(4, "float32"))
    # The penalty 0.5 * sum(gamma^2) = 0.5 * 4 * 9 survives the round trip.
    assert float(clone.losses[0].value) == pytest.approx(18.0)


LOSS_EXAMPLES = [cls() for cls in builtin_losses().values()] + [
    losses.Huber(delta=2.5, reduction="sum", name="h"),
    losses.BinaryCrossentropy(from_logits=True, label_smoothing=0.1, axis=-1),
    losses.CategoricalCrossentropy(label_smoothing=0.2),
    losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0),
    losses.CosineSimilarity(axis=0, reduction="none"),
]


@pytest.mark.parametrize("loss", LOSS_EXAMPLES, ids=lambda loss: type(loss).__name__)
def test_loss_config_round_trips_and_computes_the_same(loss):
    config, again, clone = _json_round_trip(loss)
    assert again == config
    y_true = np.abs(RNG.normal(size=(5, 3))).astype("float32")
    y_pred = np.abs(RNG.normal(size=(5, 3))).astype("float32") + 0.1
    if isinstance(loss, (losses.SparseCategoricalCrossentropy,
                         losses.CategoricalGeneralizedCrossEntropy, losses.Circle)):
        y_true = np.array([0, 2, 1, 1, 2])  # integer labels
    elif isinstance(loss, losses.CTC):  # 0-padded label sequences, (batch, time, class) logits
        y_true = np.array([[1, 2], [2, 0], [1, 1], [2, 2], [2, 1]])
        y_pred = RNG.normal(size=(5, 5, 3)).astype("float32")
    elif isinstance(loss, (losses.BinaryCrossentropy, losses.CategoricalCrossentropy)):
        y_true = (y_true > 0.7).astype("float32")
        y_pred = y_pred / y_pred.sum(axis=-1, keepdims=True)
    np.testing.assert_array_equal(loss(y_true, y_pred).value, clone(y_true, y_pred).value)


METRIC_EXAMPLES = [cls() for cls in builtin_metrics().values()
                   if not getattr(cls, "_target", None)] + [  # the *At* metrics need theirs
    metrics.PrecisionAtRecall(0.8), metrics.RecallAtPrecision(0.8, num_thresholds=50),
    metrics.SensitivityAtSpecificity(0.8, class_id=1), metrics.SpecificityAtSensitivity(0.7),
    metrics.BinaryAccuracy(threshold=0.3, name="ba"),
    metrics.TopKCategoricalAccuracy(k=2),
    metrics.SparseTopKCategoricalAccuracy(k=1, name="top1"),
    metrics.IoU(3, [0, 2], ignore_class=1), metrics.MeanIoU(4, sparse_y_pred=False),
    metrics.OneHotIoU(3, [1], axis=-1), metrics.OneHotMeanIoU(2, ignore_class=0),
    metrics.BinaryIoU([1], threshold=0.3),
]


@pytest.mark.parametrize("metric", METRIC_EXAMPLES, ids=lambda m: type(m).__name__)
def test_metric_config_round_trips(metric):
    config, again, clone = _json_round_trip(metric)
    assert again == config
    assert clone.name == metric.name


with warnings.catch_warnings():  # decay= is Keras 2's spelling, on purpose
    warnings.simplefilter("ignore", DeprecationWarning)
    OPTIMIZER_EXAMPLES = [cls() for cls in builtin_optimizers().values()
                          if cls not in (optimizers.LossScaleOptimizer,
                                         optimizers.MultiOptimizer)] + [
        optimizers.LossScaleOptimizer(optimizers.Adam(schedules.CosineDecay(0.1, 20)),
                                      initial_scale=2.0**10, dynamic_growth_steps=100),
        optimizers.SGD(0.05, momentum=0.9, nesterov=True, clipnorm=1.0, weight_decay=0.01,
                       use_ema=True, ema_momentum=0.9, ema_overwrite_frequency=3),
        optimizers.Adam(schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True), beta_1=0.8,
                        amsgrad=True, gradient_accumulation_steps=2, clipvalue=0.5),
        optimizers.RMSprop(schedules.InverseTimeDecay(0.1, 10, 0.5), rho=0.8, centered=True,
                           momentum=0.5, decay=0.01),
        optimizers.Adagrad(initial_accumulator_value=0.2, epsilon=1e-5, global_clipnorm=2.0),
    ]


@pytest.mark.parametrize("optimizer", OPTIMIZER_EXAMPLES, ids=lambda o: type(o).__name__)
def test_optimizer_config_round_trips_with_its_schedule(optimizer):
    config, again, clone = _json_round_trip(optimizer)
    assert again == config
    for step in (0, 7, 25):
        optimizer._step = clone._step = step
        assert clone.current_learning_rate() == optimizer.current_learning_rate()


SCHEDULE_EXAMPLES = {
    "ExponentialDecay": lambda: schedules.ExponentialDecay(0.3, 4, 0.5, staircase=True),
    "InverseTimeDecay": lambda: schedules.InverseTimeDecay(0.3, 4, 0.5, staircase=True),
    "PiecewiseConstantDecay": lambda: schedules.PiecewiseConstantDecay([2, 5], [0.3, 0.2, 0.1]),
    "PolynomialDecay": lambda: schedules.PolynomialDecay(0.3, 4, 0.01, power=2.0, cycle=True),
    "CosineDecay": lambda: schedules.CosineDecay(0.0, 6, 0.1, warmup_target=0.3, warmup_steps=3),
    "CosineDecayRestarts": lambda: schedules.CosineDecayRestarts(0.3, 3, t_mul=1.5, m_mul=0.8),
    "OneCycle": lambda: schedules.OneCycle(0.3, 10, pct_start=0.3),
}


@pytest.mark.parametrize("cls", list(builtin_schedules().values()), ids=lambda c: c.__name__)
def test_schedule_config_round_trips(cls):
    schedule = SCHEDULE_EXAMPLES[cls.__name__]()
    config, again, clone = _json_round_trip(schedule)
    assert again == config
    assert [clone(s) for s in range(12)] == [schedule(s) for s in range(12)]
    assert schedules.deserialize(schedules.serialize(schedule)).get_config() == config


def test_every_activation_name_round_trips():
    names = [name for name in activations._FUNCTIONS]
    assert len(names) >= 15
    for name in names:
        fn = activations.get(name)
        assert activations.get(activations.serialize(fn)) is fn, name


@pytest.mark.parametrize("name", sorted(initializers._CLASSES))
def test_initializer_config_round_trips_and_draws_the_same(name):
    init = initializers.get(name)
    config = json.loads(json.dumps(initializers.serialize(init)))
    clone = initializers.get(config)
    assert initializers.serialize(clone) == config
    if getattr(init, "seed", None) is None and name not in ("identity", "zeros", "ones",
                                                            "constant"):
        init.seed = clone.seed = 5
    shape = (4, 1, 4) if name == "stft" else (4, 4)  # STFT's kernels: (frame, channels, bins)
    np.testing.assert_array_equal(init(shape), clone(shape))


@pytest.mark.parametrize("reg", [regularizers.L1(0.3), regularizers.L2(0.2),
                                 regularizers.L1L2(0.1, 0.4)], ids=lambda r: type(r).__name__)
def test_regularizer_config_round_trips(reg):
    clone = regularizers.get(json.loads(json.dumps(regularizers.serialize(reg))))
    w = numnet.Variable(np.array([[1.0, -2.0], [3.0, 0.5]], "float32"))
    assert float(clone(w).value) == float(reg(w).value)


# ----------------------------------------------------------------------------- save / load_model


def _model(optimizer, metrics_=("accuracy",)):
    model = numnet.Sequential([
        layers.Dense(16, activation="relu", input_shape=(6,), kernel_regularizer="l2",
                     activity_regularizer=regularizers.L1(1e-3)),
        layers.BatchNormalization(gamma_regularizer=regularizers.L2(1e-2)),
        layers.Dense(8, activation="tanh"),
        layers.Dense(3, activation="softmax"),
    ])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=list(metrics_))
    return model


RESUME_CASES = {
    "sgd-nesterov-ema": lambda: optimizers.SGD(0.05, momentum=0.9, nesterov=True, use_ema=True,
                                               ema_overwrite_frequency=None),
    "adam-amsgrad-schedule-decay": lambda: optimizers.Adam(
        schedules.ExponentialDecay(0.01, 3, 0.7), amsgrad=True, weight_decay=0.004),
    "rmsprop-centered-momentum": lambda: optimizers.RMSprop(0.003, centered=True, momentum=0.5),
    "adagrad-accumulating": lambda: optimizers.Adagrad(0.05, gradient_accumulation_steps=3),
    "adam-keras2-decay": lambda: optimizers.Adam(learning_rate=0.01, decay=0.05),
}


@pytest.mark.parametrize("case", sorted(RESUME_CASES))
def test_reloaded_model_predicts_bit_for_bit_and_resumes_training_exactly(tmp_path, case):
    model = _model(RESUME_CASES[case]())
    model.optimizer.exclude_from_weight_decay(var_names=["bias"])
    for _ in range(5):  # 5 steps: mid-way through a gradient-accumulation cycle of 3
        model.train_on_batch(X[:32], Y[:32])
    model.save(tmp_path / "model.numnet")
    loaded = numnet.models.load_model(tmp_path / "model.numnet")

    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    assert int(loaded.optimizer.iterations.numpy()) == int(model.optimizer.iterations.numpy())
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    for step in range(4):
        batch = slice(32, 64) if step % 2 else slice(0, 32)
        expected = model.train_on_batch(X[batch], Y[batch])
        got = loaded.train_on_batch(X[batch], Y[batch])
        assert got == expected, f"step {step} after reloading: {got} != {expected}"
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_reload_without_the_optimizer_state_would_not_resume_exactly(tmp_path):
    # The control for the test above: dropping the state changes the next step.
    model = _model(optimizers.Adam(0.01))
    for _ in range(3):
        model.train_on_batch(X[:32], Y[:32])
    model.save(tmp_path / "m.numnet", include_optimizer=False)
    loaded = numnet.models.load_model(tmp_path / "m.numnet")
    assert int(loaded.optimizer.iterations.numpy()) == 0
    # The loss of the next batch is computed before the update, so it still agrees ...
    assert loaded.train_on_batch(X[:32], Y[:32]) == model.train_on_batch(X[:32], Y[:32])
    # ... but the update, made without Adam's m and v, does not.
    assert not np.array_equal(loaded.get_weights()[0], model.get_weights()[0])


def test_file_layout_config_and_npy_members(tmp_path):
    model = _model(optimizers.Adam(0.01),
                   metrics_=("accuracy", "sparse_top_k_categorical_accuracy"))
    model.train_on_batch(X[:32], Y[:32])
    path = tmp_path / "m.numnet"
    model.save(path)
    assert path.exists()
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        config = json.loads(zf.read("config.json"))
        metadata = json.loads(zf.read("metadata.json"))
        weights = [np.load(zf.open(v["member"]), allow_pickle=False)
                   for layer in config["weights"] for v in layer["variables"]]
    assert names[:2] == ["config.json", "metadata.json"]
    assert config["format"] == "numnet" and config["format_version"] == 1
    assert config["numnet_version"] == numnet.__version__ == metadata["numnet_version"]
    assert config["model"]["class_name"] == "Sequential"
    assert [s["class_name"] for s in config["model"]["config"]["layers"]] == [
        "InputLayer", "Dense", "BatchNormalization", "Dense", "Dense"]
    assert config["compile"]["optimizer"] == optimizers.serialize(model.optimizer)
    assert config["compile"]["loss"] == "sparse_categorical_crossentropy"
    assert config["compile"]["metrics"] == ["accuracy",
                                            "sparse_top_k_categorical_accuracy"]
    assert len(weights) == 10
    for saved, current in zip(weights, model.get_weights(), strict=True):
        np.testing.assert_array_equal(saved, current)
    state = config["optimizer_state"]
    assert state["step"] == state["iterations"] == 1 and state["variables"] == 8
    assert sorted({s["name"] for s in state["slots"]}) == ["m", "v"]  # never the scratch
    assert len(state["slots"]) == 16


@pytest.mark.parametrize("switches", [{}, {"jit_compile": False},
                                      {"jit_compile": True, "run_eagerly": True}])
def test_jit_compile_and_run_eagerly_are_kept(tmp_path, switches):
    model = numnet.Sequential([layers.Dense(3, activation="softmax", input_shape=(6,))])
    model.compile("adam", "sparse_categorical_crossentropy", **switches)
    model.save(tmp_path / "s.numnet")
    loaded = numnet.models.load_model(tmp_path / "s.numnet")
    assert loaded.jit_compile == switches.get("jit_compile", "auto")
    assert loaded.run_eagerly is switches.get("run_eagerly", False)


def test_compile_false_and_uncompiled_models(tmp_path):
    model = _model("adam")
    model.save(tmp_path / "a.numnet")
    loaded = numnet.models.load_model(tmp_path / "a.numnet", compile=False)
    assert not loaded.compiled
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    bare = numnet.Sequential([layers.Dense(2, input_shape=(6,))])
    bare.save(tmp_path / "b.numnet")
    again = numnet.models.load_model(tmp_path / "b.numnet")
    assert not again.compiled
    np.testing.assert_array_equal(again.get_weights()[0], bare.get_weights()[0])


def test_functional_and_nested_models_round_trip(tmp_path):
    inputs = numnet.Input(shape=(6,))
    x = layers.Dense(5, activation="elu")(inputs)
    outputs = layers.Dense(2)(layers.Dropout(0.1)(x))
    functional = numnet.Model(inputs, outputs, name="chain")
    functional.compile(optimizer="sgd", loss="mse")
    functional.save(tmp_path / "f.numnet")
    loaded = numnet.models.load_model(tmp_path / "f.numnet")
    assert type(loaded) is numnet.Model and loaded.name == "chain"
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), functional.predict(X, verbose=0))

    inner = numnet.Sequential([layers.Dense(4, activation="relu", input_shape=(6,))])
    outer = numnet.Sequential([inner, layers.Dense(1)])
    expected = outer.predict(X, verbose=0)  # builds the outer model
    outer.save(tmp_path / "n.numnet")
    nested = numnet.models.load_model(tmp_path / "n.numnet")
    assert isinstance(nested.layers[0], numnet.Sequential)
    np.testing.assert_array_equal(nested.predict(X, verbose=0), expected)


# ----------------------------------------------------------------------------- weights only


def test_save_weights_load_weights_round_trip(tmp_path):
    model = _model("adam")
    model.train_on_batch(X[:32], Y[:32])
    model.save_weights(tmp_path / "w")
    other = _model("sgd")
    assert not np.array_equal(other.predict(X, verbose=0), model.predict(X, verbose=0))
    other.load_weights(tmp_path / "w.numnet")
    np.testing.assert_array_equal(other.predict(X, verbose=0), model.predict(X, verbose=0))
    with pytest.raises(ModelFileError, match="weights only"):
        numnet.models.load_model(tmp_path / "w.numnet")
    # A full model file also serves load_weights.
    model.save(tmp_path / "full.numnet")
    third = _model("sgd")
    third.load_weights(tmp_path / "full.numnet")
    np.testing.assert_array_equal(third.get_weights()[0], model.get_weights()[0])


def test_load_weights_mismatches_name_the_layer_variable_and_shapes(tmp_path):
    small = numnet.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2)])
    small.save_weights(tmp_path / "small.numnet")
    wider = numnet.Sequential([layers.Dense(5, input_shape=(3,)), layers.Dense(2)])
    before = wider.get_weights()
    with pytest.raises(ModelFileError) as err:
        wider.load_weights(tmp_path / "small.numnet")
    message = str(err.value)
    assert wider.layers[0].name in message and "'kernel'" in message
    assert "(3, 5)" in message and "(3, 4)" in message
    for a, b in zip(before, wider.get_weights(), strict=True):  # nothing was changed
        np.testing.assert_array_equal(a, b)

    deeper = numnet.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(2),
                                layers.Dense(2)])
    with pytest.raises(ModelFileError, match=r"weights for 2 layers .* 3 layers with weights"):
        deeper.load_weights(tmp_path / "small.numnet")

    no_bias = numnet.Sequential([layers.Dense(4, input_shape=(3,), use_bias=False),
                                 layers.Dense(2)])
    with pytest.raises(ModelFileError, match=r"has 1 variables \(kernel\).* has 2"):
        no_bias.load_weights(tmp_path / "small.numnet")

    # skip_mismatch loads the layers that fit and leaves the others, with a warning.
    wide_top = numnet.Sequential([layers.Dense(4, input_shape=(3,)), layers.Dense(3)])
    top_before = wide_top.layers[1].kernel.numpy().copy()
    with pytest.warns(UserWarning, match=r"skipped layer .*\(4, 3\).*\(4, 2\)"):
        wide_top.load_weights(tmp_path / "small.numnet", skip_mismatch=True)
    np.testing.assert_array_equal(wide_top.layers[0].kernel.numpy(),
                                  small.layers[0].kernel.numpy())
    np.testing.assert_array_equal(wide_top.layers[1].kernel.numpy(), top_before)

    with pytest.raises(ValueError, match="build it first"):
        numnet.Sequential([layers.Dense(2)]).load_weights(tmp_path / "small.numnet")


# ----------------------------------------------------------------------------- JSON


def test_to_json_and_model_from_json():
    model = _model("adam")
    text = model.to_json(indent=2)
    assert "\n  " in text
    spec = json.loads(text)
    assert spec["class_name"] == "Sequential" and spec["format_version"] == 1
    clone = numnet.models.model_from_json(text)
    assert clone.get_config() == model.get_config()
    assert [w.shape for w in clone.weights] == [w.shape for w in model.weights]
    assert not clone.compiled
    with pytest.raises(ModelFileError, match="not valid JSON"):
        numnet.models.model_from_json(text[:-5])
    with pytest.raises(ModelFileError, match="unknown layer 'Conv9D'"):
        numnet.models.model_from_json(text.replace('"Dense"', '"Conv9D"', 1))


# ----------------------------------------------------------------------------- custom objects


@register_serializable(package="test_saving")
class Scale(layers.Layer):
    """y = x * factor, factor a trainable scalar per feature."""

    def __init__(self, init: float = 2.0, **kwargs):
        super().__init__(**kwargs)
        self.init = init

    def build(self, input_shape):
        self.factor = self.add_weight((input_shape[-1],), initializers.Constant(self.init),
                                      "factor")

    def call(self, inputs, training=False):
        from numnet.autodiff import ops

        return ops.multiply(inputs, self.factor)

    def get_config(self):
        return {**super().get_config(), "init": self.init}


@register_serializable(package="test_saving")
def cube(x):
    from numnet.autodiff import ops

    return ops.multiply(ops.multiply(x, x), x)


@register_serializable(package="test_saving")
def mean_fourth_power(y_true, y_pred):
    from numnet.autodiff import ops

    d = ops.subtract(y_pred, y_true)
    return ops.mean(ops.square(ops.square(d)), axis=-1)


@register_serializable(package="test_saving")
class HalvingSchedule(schedules.LearningRateSchedule):
    def __init__(self, rate: float):
        self.rate = rate

    def __call__(self, step):
        return self.rate / (1 + step)

    def get_config(self):
        return {"rate": self.rate}


def test_registered_custom_objects_save_and_load_by_name(tmp_path):
    model = numnet.Sequential([layers.Dense(4, activation=cube, input_shape=(6,)),
                               Scale(0.5), layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(HalvingSchedule(1e-3)), loss=mean_fourth_power)
    x, y = X * 0.2, RNG.normal(scale=0.2, size=(64, 1)).astype("float32")  # stays small
    model.train_on_batch(x, y)
    assert np.isfinite(model.get_weights()[0]).all()
    model.save(tmp_path / "c.numnet")
    config = json.loads(zipfile.ZipFile(tmp_path / "c.numnet").read("config.json"))
    specs = config["model"]["config"]["layers"]
    assert specs[1]["config"]["activation"] == {"class_name": "function",
                                                "config": "test_saving>cube"}
    assert specs[2]["class_name"] == "test_saving>Scale"
    assert config["compile"]["loss"] == {"class_name": "function",
                                         "config": "test_saving>mean_fourth_power"}
    loaded = numnet.models.load_model(tmp_path / "c.numnet")
    assert isinstance(loaded.layers[1], Scale) and loaded.layers[0].activation is cube
    assert isinstance(loaded.optimizer._learning_rate, HalvingSchedule)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.train_on_batch(x, y) == model.train_on_batch(x, y)
    np.testing.assert_array_equal(loaded.get_weights()[2], model.get_weights()[2])


@register_serializable(package="test_saving")
class TwoLayerNet(numnet.Model):
    """A subclassed model: saved by its get_config and rebuilt by calling it."""

    def __init__(self, hidden: int = 5, **kwargs):
        super().__init__(**kwargs)
        self.hidden = hidden
        self.first = layers.Dense(hidden, activation="relu")
        self.second = layers.Dense(3, activation="softmax")

    def call(self, inputs, training=False):
        return self.second(self.first(inputs, training=training), training=training)

    def get_config(self):
        return {**super().get_config(), "hidden": self.hidden}


def test_a_registered_subclassed_model_resumes_exactly(tmp_path):
    model = TwoLayerNet(7)
    model.compile(optimizer=optimizers.RMSprop(0.01), loss="sparse_categorical_crossentropy")
    model.train_on_batch(X, Y)
    model.save(tmp_path / "s.numnet")
    loaded = numnet.models.load_model(tmp_path / "s.numnet")
    assert type(loaded) is TwoLayerNet and loaded.hidden == 7
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    loaded.train_on_batch(X, Y)
    model.train_on_batch(X, Y)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    spec = json.loads(model.to_json())
    assert spec["class_name"] == "test_saving>TwoLayerNet"
    assert spec["build_input_shape"] == [None, 6]
    spec["build_input_shape"] = [None, 10**9]
    with pytest.raises(ModelFileError, match="refused before allocating"):
        numnet.models.model_from_json(json.dumps(spec))


class Unregistered(Scale):
    pass


def test_unregistered_custom_objects_need_custom_objects(tmp_path):
    model = numnet.Sequential([layers.Dense(3, input_shape=(6,)), Unregistered(3.0)])
    model.save(tmp_path / "u.numnet")
    with pytest.raises(ModelFileError, match=r"unknown layer 'Unregistered'.*custom_objects"):
        numnet.models.load_model(tmp_path / "u.numnet")
    loaded = numnet.models.load_model(tmp_path / "u.numnet",
                                      custom_objects={"Unregistered": Unregistered})
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    with pytest.raises(ModelFileError, match="not a layer class"):
        numnet.models.load_model(tmp_path / "u.numnet", custom_objects={"Unregistered": cube})


def test_lambdas_and_name_clashes_are_refused_when_saving(tmp_path):
    model = numnet.Sequential([layers.Dense(3, activation=lambda x: x, input_shape=(6,))])
    with pytest.raises(ValueError, match="lambda"):
        model.save(tmp_path / "l.numnet")
    assert not (tmp_path / "l.numnet").exists()

    class Dense(layers.Dense):
        pass

    clash = numnet.Sequential([Dense(3, input_shape=(6,))])
    with pytest.raises(ValueError, match="register_serializable"):
        clash.save(tmp_path / "d.numnet")


def test_register_serializable_checks_its_arguments():
    with pytest.raises(ValueError, match="package"):
        register_serializable(package="a>b")
    with pytest.raises(TypeError, match="class or a function"):
        register_serializable()(3)
    assert numnet.saving.get_registered_name(Scale) == "test_saving>Scale"
    assert numnet.saving.get_registered_object("test_saving>cube") is cube
    assert numnet.keras.saving.register_keras_serializable is register_serializable


# ----------------------------------------------------------------------------- atomic writes


def test_overwrite_false_refuses_an_existing_file(tmp_path):
    model = _model("adam")
    path = tmp_path / "m.numnet"
    path.write_bytes(b"precious")
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save(path, overwrite=False)
    with pytest.raises(FileExistsError, match="overwrite=False"):
        model.save_weights(path, overwrite=False)
    assert path.read_bytes() == b"precious"
    model.save(tmp_path / "new.numnet", overwrite=False)
    assert numnet.models.load_model(tmp_path / "new.numnet").count_params() == \
        model.count_params()
    assert sorted(os.listdir(tmp_path)) == ["m.numnet", "new.numnet"]


def test_a_failed_save_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    model = _model("adam")
    path = tmp_path / "m.numnet"
    model.save(path)
    old = path.read_bytes()
    from numnet.saving import model_file

    def broken_writer(f, members):
        f.write(b"PK\x03\x04 half a file")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(model_file, "write_archive", broken_writer)
    with pytest.raises(OSError, match="No space"):
        model.save(path)
    assert path.read_bytes() == old
    assert os.listdir(tmp_path) == ["m.numnet"]


def test_save_fsyncs_the_file_and_the_directory_then_renames(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append(("fsync", os.path.isdir(
        f"/proc/self/fd/{fd}") if os.path.exists("/proc/self/fd") else None)), real_fsync(fd)))
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append(("replace", b)),
                                                     real_replace(a, b)))
    _model("adam").save(tmp_path / "m.numnet")
    kinds = [c[0] for c in calls]
    assert kinds == ["fsync", "replace", "fsync"]
    assert calls[1][1].endswith("m.numnet")
    if calls[0][1] is not None:
        assert calls[0][1] is False and calls[2][1] is True  # the file, then its directory


_SAVER = textwrap.dedent("""
    import os, signal, sys, time
    import numpy as np
    import numnet
    path, units = sys.argv[1], int(sys.argv[2])
    model = numnet.Sequential([numnet.layers.Dense(units, input_shape=(units,))])
    rng = np.random.default_rng(7)
    model.set_weights([rng.standard_normal((units, units)).astype("float32"),
                       rng.standard_normal(units).astype("float32")])
    atomic = sys.argv[3] == "atomic"

    def save():
        if atomic:
            model.save(path)
        else:  # the naive way, for the control run
            from numnet.saving import model_file
            real = model_file.atomic_write
            def direct(p, write, overwrite=True, where="save"):
                with open(p, "wb") as f:
                    write(f)
            model_file.atomic_write = direct
            try:
                model.save(path)
            finally:
                model_file.atomic_write = real

    model.save(path + ".warm.numnet")
    os.unlink(path + ".warm.numnet")
    times = []
    for _ in range(3):  # how long a forked save takes, start to exit
        t0 = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            try:
                model.save(path + ".warm.numnet")
            finally:
                os._exit(0)
        os.waitpid(pid, 0)
        times.append(time.perf_counter() - t0)
    os.unlink(path + ".warm.numnet")
    print(f"{max(times):.6f}", flush=True)
    for line in sys.stdin:
        delay = float(line)
        pid = os.fork()
        if pid == 0:
            try:
                save()
            finally:
                os._exit(0)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        print("killed" if os.WIFSIGNALED(status) else "finished", flush=True)
""")


def _kill_trials(tmp_path, mode: str, trials: int, units: int = 1000):
    """Run ``trials`` saves of a ~1e6-parameter model, each SIGKILLed after a random delay;
    return the outcome of each: 'old', 'new' or 'broken'."""
    path = tmp_path / f"{mode}.numnet"
    old_model = numnet.Sequential([layers.Dense(units, input_shape=(units,))])
    old_model.save(path)
    old = path.read_bytes()
    rng = np.random.default_rng(7)
    new_weights = [rng.standard_normal((units, units)).astype("float32"),
                   rng.standard_normal(units).astype("float32")]
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(numnet.__file__)))
    saver = subprocess.Popen([sys.executable, "-c", _SAVER, str(path), str(units), mode],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=env)
    outcomes = []
    try:
        save_time = float(saver.stdout.readline())
        delays = np.random.default_rng(2024).uniform(0, 1.5 * save_time, size=trials)
        for delay in delays:
            path.write_bytes(old)
            saver.stdin.write(f"{delay}\n")
            saver.stdin.flush()
            assert saver.stdout.readline().strip() in ("killed", "finished")
            data = path.read_bytes()
            if data == old:
                outcomes.append("old")
                continue
            try:
                loaded = numnet.models.load_model(path)
            except ModelFileError:
                outcomes.append("broken")
                continue
            for got, want in zip(loaded.get_weights(), new_weights, strict=True):
                np.testing.assert_array_equal(got, want)
            outcomes.append("new")
    finally:
        saver.stdin.close()
        saver.wait(timeout=30)
        saver.stdout.close()
    return outcomes


@pytest.mark.cpu_only  # forks a saving process: CUDA does not survive a fork
@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
                    reason="needs os.fork and SIGKILL (POSIX)")
def test_sigkill_during_save_leaves_the_old_file_or_the_complete_new_one(tmp_path):
    outcomes = _kill_trials(tmp_path, "atomic", trials=50)
    assert "broken" not in outcomes
    # The kills landed both before and after the rename, so the test saw both cases.
    assert outcomes.count("old") >= 3 and outcomes.count("new") >= 3, outcomes


@pytest.mark.cpu_only  # forks a saving process: CUDA does not survive a fork
@pytest.mark.skipif(not hasattr(os, "fork") or not hasattr(signal, "SIGKILL"),
                    reason="needs os.fork and SIGKILL (POSIX)")
def test_sigkill_during_a_naive_save_does_break_the_file(tmp_path):
    # The control: writing straight to the target, the same kills leave broken files.
    outcomes = _kill_trials(tmp_path, "direct", trials=20)
    assert outcomes.count("broken") >= 1, outcomes


# ----------------------------------------------------------------------------- Keras .weights.h5


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("h5py", reason="h5py is not installed (pip install 'numnet[h5]')")
    pytest.importorskip("jax", reason="the Keras interchange test runs Keras on JAX")
    return pytest.importorskip("keras", reason="keras is not installed")


def _pair(K):
    def build(lib):
        return lib.Sequential([
            lib.Input(shape=(6,)),
            lib.layers.Dense(8, activation="relu"),
            lib.layers.Dropout(0.2),
            lib.layers.BatchNormalization(),
            lib.layers.Dense(5, activation="tanh"),
            lib.layers.Dense(3, activation="softmax"),
        ])

    return build(K), build(numnet)


def test_load_weights_reads_a_keras_weights_h5_file(tmp_path):
    K = _keras()
    kmodel, nmodel = _pair(K)
    kmodel.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    kmodel.fit(X, Y, epochs=2, verbose=0)  # moves the batch-norm statistics off 0 and 1
    kmodel.save_weights(str(tmp_path / "k.weights.h5"))
    nmodel.load_weights(tmp_path / "k.weights.h5")
    for got, want in zip(nmodel.get_weights(), kmodel.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(nmodel.predict(X, verbose=0),
                               np.asarray(kmodel.predict(X, verbose=0)), rtol=1e-5, atol=1e-6)


def test_keras_loads_numnet_weights_h5(tmp_path):
    K = _keras()
    kmodel, nmodel = _pair(K)
    nmodel.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    nmodel.fit(X, Y, epochs=2, verbose=0)
    nmodel.save_weights(tmp_path / "n.weights.h5")
    kmodel.load_weights(str(tmp_path / "n.weights.h5"))
    for got, want in zip(kmodel.get_weights(), nmodel.get_weights(), strict=True):
        np.testing.assert_array_equal(np.asarray(got), want)
    np.testing.assert_allclose(np.asarray(kmodel.predict(X, verbose=0)),
                               nmodel.predict(X, verbose=0), rtol=1e-5, atol=1e-6)


def test_keras_weights_h5_for_another_architecture_is_refused(tmp_path):
    K = _keras()
    kmodel = K.Sequential([K.Input(shape=(6,)), K.layers.Dense(4), K.layers.Dense(2)])
    kmodel.save_weights(str(tmp_path / "k.weights.h5"))
    nmodel = numnet.Sequential([layers.Dense(5, input_shape=(6,)), layers.Dense(2)])
    with pytest.raises(ModelFileError, match=r"/layers/dense/vars/0.*\(6, 5\).*\(6, 4\)"):
        nmodel.load_weights(tmp_path / "k.weights.h5")
    longer = numnet.Sequential([layers.Dense(4, input_shape=(6,)), layers.Dense(2),
                                layers.Dense(1)])
    with pytest.raises(ModelFileError, match="dense_2"):
        longer.load_weights(tmp_path / "k.weights.h5")


def test_get_registered_name_as_keras():
    """Keras: the registered "package>name", else the object's own name."""
    import numnet

    @numnet.saving.register_keras_serializable(package="pkg")
    class Registered(layers.Layer):
        pass

    assert numnet.utils.get_registered_name(layers.Dense) == "Dense"
    assert numnet.saving.get_registered_name(Registered) == "pkg>Registered"
    assert numnet.utils.normalize(np.array([[3.0, 4.0]])).dtype == np.float64


def test_load_model_of_a_saved_model_directory_names_the_format_and_the_fix(tmp_path):
    # Keras 3 refuses a SavedModel with a ValueError that points to TFSMLayer; numnet said
    # IsADirectoryError
    saved = tmp_path / "saved_model"
    (saved / "variables").mkdir(parents=True)
    (saved / "saved_model.pb").write_bytes(b"\x08\x01")
    with pytest.raises(ModelFileError, match="TensorFlow SavedModel.*TFSMLayer.*model.keras"):
        numnet.models.load_model(saved)
    with pytest.raises(ValueError, match="directory; give the path of a .keras"):
        numnet.models.load_model(saved / "variables")
    model = numnet.Sequential([numnet.Input((2,)), layers.Dense(1)])
    with pytest.raises(ModelFileError, match="TensorFlow SavedModel"):
        model.load_weights(str(saved))
