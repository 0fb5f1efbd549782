"""Conv1DTranspose and Conv2DTranspose: Keras's output sizes, values against a loop written
here from the definition, gradient checks, config, errors, and Keras 3 (JAX) itself."""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest

from numnet import layers
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor
from numnet.layers.convolutional_transpose import conv_transpose, transpose_geometry

RNG = np.random.default_rng(7)


def reference(x, kernel, bias, strides, padding, output_padding=None, dilation=(1, 1)):
    """The transposed convolution by its definition, in loops: scatter every input pixel
    through the kernel into a full-size canvas, then cut Keras's window out of it."""
    n, h, w, _ = x.shape
    kh, kw, filters, _ = kernel.shape
    span = [d * (k - 1) + 1 for d, k in zip(dilation, (kh, kw), strict=True)]
    full = np.zeros((n, (h - 1) * strides[0] + span[0] + 8, (w - 1) * strides[1] + span[1] + 8,
                     filters))
    for i, j, a, b in itertools.product(range(h), range(w), range(kh), range(kw)):
        full[:, i * strides[0] + a * dilation[0], j * strides[1] + b * dilation[1]] += \
            x[:, i, j] @ kernel[a, b].T
    sizes, offsets = [], []
    for size, k, s, d, e in zip((h, w), (kh, kw), strides, dilation,
                                output_padding or (None, None), strict=True):
        span_i = d * (k - 1) + 1
        if padding == "valid":
            extra = max(span_i, s) - span_i if e is None else e
            sizes.append((size - 1) * s + span_i + extra)
            offsets.append(0)
        else:
            total = s + span_i - 2 if e is None else span_i + span_i % 2 - 2 + e
            left = min(total // 2 + total % 2, span_i - 1)
            sizes.append(size * s if e is None else (size - 1) * s + span_i % 2 + e)
            offsets.append(span_i - 1 - left)
    out = full[:, offsets[0]:offsets[0] + sizes[0], offsets[1]:offsets[1] + sizes[1]]
    return out + (0 if bias is None else bias)


CASES = [((2, 2), (2, 2), "valid", None, (1, 1)), ((3, 3), (2, 2), "same", None, (1, 1)),
         ((3, 2), (2, 1), "same", (1, 0), (1, 1)), ((1, 3), (3, 2), "valid", (2, 1), (1, 1)),
         ((4, 4), (2, 3), "same", None, (1, 1)), ((3, 3), (1, 1), "same", None, (2, 2)),
         ((2, 3), (1, 1), "valid", None, (2, 1))]


@pytest.mark.parametrize("kernel_size, strides, padding, output_padding, dilation", CASES)
def test_values_match_the_definition(kernel_size, strides, padding, output_padding, dilation):
    layer = layers.Conv2DTranspose(4, kernel_size, strides=strides, padding=padding,
                                   output_padding=output_padding, dilation_rate=dilation,
                                   bias_initializer="random_normal")
    x = RNG.normal(size=(2, 4, 5, 3)).astype("float32")
    out = layer(x).numpy()
    kernel, bias = layer.get_weights()
    expected = reference(x.astype(np.float64), kernel.astype(np.float64), bias, strides,
                         padding, output_padding, dilation)
    assert out.shape == expected.shape == layer.compute_output_shape((None, 4, 5, 3))[:0] \
        + expected.shape
    assert layer.compute_output_shape((None, 4, 5, 3)) == (None, *expected.shape[1:])
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    assert out.dtype == np.float32


@pytest.mark.parametrize("size, k, s, padding, extra, out", [
    (7, 3, 2, "same", None, 14), (7, 3, 2, "valid", None, 15), (7, 2, 2, "valid", None, 14),
    (7, 1, 3, "valid", None, 21), (7, 3, 2, "same", 0, 13), (7, 3, 2, "valid", 1, 16),
    (5, 4, 1, "same", None, 5), (5, 3, 3, "same", 2, 15)])
def test_output_size_follows_keras_rule(size, k, s, padding, extra, out):
    # valid: (n-1) s + k + (max(k, s) - k or output_padding);
    # same: n s, or (n-1) s + k % 2 + output_padding
    assert transpose_geometry(size, k, s, 1, padding, extra)[0] == out


def test_kernel_has_keras_layout_and_stride_two_doubles_the_image():
    layer = layers.Conv2DTranspose(16, 3, strides=2, padding="same")
    out = layer(np.zeros((1, 7, 7, 32), "float32"))
    assert layer.kernel.shape == (3, 3, 16, 32) and layer.bias.shape == (16,)
    assert out.shape == (1, 14, 14, 16)


def test_one_by_one_kernel_is_a_matrix_per_pixel():
    layer = layers.Conv2DTranspose(2, 1, use_bias=False)
    layer.build((None, 2, 2, 3))
    k = np.arange(6, dtype="float32").reshape(1, 1, 2, 3)
    layer.set_weights([k])
    x = np.ones((1, 2, 2, 3), "float32")
    # each output channel f = sum_c x[c] k[f, c]: f0 = 0+1+2, f1 = 3+4+5
    np.testing.assert_array_equal(layer(x).numpy(), np.broadcast_to([3.0, 12.0], (1, 2, 2, 2)))


def test_conv1d_transpose_matches_the_2d_layer_on_a_row():
    one = layers.Conv1DTranspose(3, 3, strides=2, padding="same")
    two = layers.Conv2DTranspose(3, (1, 3), strides=(1, 2), padding="same")
    x = RNG.normal(size=(2, 5, 4)).astype("float32")
    out1 = one(x).numpy()
    two.build((None, 1, 5, 4))
    kernel, bias = one.get_weights()
    two.set_weights([kernel[None], bias])
    np.testing.assert_allclose(two(x[:, None]).numpy()[:, 0], out1, rtol=1e-6, atol=1e-6)
    assert out1.shape == (2, 10, 3)


@pytest.mark.parametrize("strides, padding, output_padding, dilation", [
    ((2, 2), "same", None, (1, 1)), ((2, 3), "valid", (1, 2), (1, 1)),
    ((1, 1), "same", None, (2, 1))])
def test_gradients_of_input_kernel_and_bias(strides, padding, output_padding, dilation):
    kernel = Tensor(RNG.normal(size=(3, 2, 2, 3)), requires_grad=True)
    bias = Tensor(RNG.normal(size=(2,)), requires_grad=True)

    def fn(x):
        return conv_transpose(x, kernel, bias, strides, padding, output_padding, dilation)

    error = check_gradients(fn, [RNG.normal(size=(2, 3, 4, 3))], params=[kernel, bias])
    assert error < 1e-6


def test_layer_gradients_reach_the_weights():
    layer = layers.Conv2DTranspose(2, 3, strides=2, padding="same", dtype="float64")
    layer.build((None, 3, 3, 2))
    error = check_gradients(lambda x: layer(x), [RNG.normal(size=(2, 3, 3, 2))],
                            params=layer.trainable_weights)
    assert error < 1e-6


def test_config_round_trip_gives_the_same_layer():
    layer = layers.Conv2DTranspose(5, (3, 2), strides=(2, 1), padding="same",
                                   output_padding=(1, 0), activation="relu", use_bias=False)
    config = layer.get_config()
    assert config["output_padding"] == (1, 0) and config["kernel_size"] == (3, 2)
    clone = layers.Conv2DTranspose.from_config(config)
    x = RNG.normal(size=(1, 4, 4, 2)).astype("float32")
    out = layer(x).numpy()
    clone.build((None, 4, 4, 2))
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x).numpy(), out)


@pytest.mark.parametrize("kwargs, message", [
    (dict(data_format="channels_first"), "channels on the last axis"),
    (dict(strides=2, output_padding=2), "less than the stride"),
    (dict(strides=2, dilation_rate=2), "not supported"),
    (dict(padding="causal"), "expected one of"),
    (dict(output_padding=-1), "output_padding"),
])
def test_bad_arguments_name_the_fix(kwargs, message):
    with pytest.raises(ValueError, match=message):
        layers.Conv2DTranspose(4, 3, **kwargs)


def test_wrong_channel_count_is_reported():
    layer = layers.Conv2DTranspose(2, 3)
    layer(np.zeros((1, 4, 4, 3), "float32"))
    with pytest.raises(ValueError, match="expected 3 channels"):
        layer(np.zeros((1, 4, 4, 5), "float32"))


# ----------------------------------------------------------------------------- against Keras


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("kernel_size, output_padding", [(3, None), (2, None), (3, 1),
                                                          (4, 0)])
def test_conv2d_transpose_matches_keras(keras, padding, kernel_size, output_padding):
    ours = layers.Conv2DTranspose(4, kernel_size, strides=2, padding=padding,
                                  output_padding=output_padding, activation="tanh",
                                  bias_initializer="random_normal")
    theirs = keras.layers.Conv2DTranspose(4, kernel_size, strides=2, padding=padding,
                                          output_padding=output_padding, activation="tanh")
    x = RNG.normal(size=(2, 5, 6, 3)).astype("float32")
    out = ours(x).numpy()
    theirs.build(x.shape)
    theirs.set_weights(ours.get_weights())
    expected = np.asarray(theirs(x))
    assert out.shape == expected.shape
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    assert tuple(theirs.compute_output_shape((None, 5, 6, 3))) == \
        ours.compute_output_shape((None, 5, 6, 3))


def test_conv1d_transpose_matches_keras(keras):
    ours = layers.Conv1DTranspose(3, 4, strides=3, padding="same")
    theirs = keras.layers.Conv1DTranspose(3, 4, strides=3, padding="same")
    x = RNG.normal(size=(2, 5, 2)).astype("float32")
    out = ours(x).numpy()
    theirs.build(x.shape)
    theirs.set_weights(ours.get_weights())
    np.testing.assert_allclose(out, np.asarray(theirs(x)), rtol=1e-5, atol=1e-5)


def test_runs_on_a_device(runs_on_a_device):
    runs_on_a_device(__file__)
