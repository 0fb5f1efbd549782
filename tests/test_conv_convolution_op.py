"""Conv layers' convolution_op: Keras's hook for a subclass that changes the convolution. When a
subclass overrides it, call gives it the kernel and adds the bias and the activation to what
it returns (a weight-standardized Conv2D, as the keras.io recipe); the default is the layer's
own convolution, before bias and activation."""

from __future__ import annotations

import numpy as np

import numnet
from numnet import layers, ops


class Standardized(layers.Conv2D):
    def convolution_op(self, inputs, kernel):
        mean, var = ops.moments(kernel, axes=[0, 1, 2], keepdims=True)
        return ops.conv(inputs, (kernel - mean) / ops.sqrt(var + 1e-10), padding="valid",
                        strides=list(self.strides), dilation_rate=list(self.dilation_rate))


def _by_hand(x, kernel, bias):
    """A valid 3x3 cross-correlation of x (b, h, w, c) with kernel (3, 3, c, f), plus bias."""
    b, h, w, _ = x.shape
    out = np.zeros((b, h - 2, w - 2, kernel.shape[-1]))
    for i in range(h - 2):
        for j in range(w - 2):
            out[:, i, j] = np.einsum("bhwc,hwcf->bf", x[:, i:i + 3, j:j + 3], kernel)
    return out + bias


def _layer(cls, activation=None, use_bias=True, groups=1, channels=3, filters=4, seed=0):
    rng = np.random.default_rng(seed)
    layer = cls(filters, 3, activation=activation, use_bias=use_bias, groups=groups)
    layer.build((None, 6, 6, channels))
    weights = [rng.normal(size=w.shape).astype("float32") for w in layer.get_weights()]
    layer.set_weights(weights)
    return layer, weights


X = np.random.default_rng(1).normal(size=(2, 6, 6, 3)).astype("float32")


def test_override_gets_the_kernel_and_call_adds_bias_and_activation():
    layer, (kernel, bias) = _layer(Standardized, activation="relu")
    standardized = (kernel - kernel.mean(axis=(0, 1, 2))) / kernel.std(axis=(0, 1, 2))
    expected = np.maximum(_by_hand(X.astype("float64"), standardized, bias), 0.0)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(X)), expected, rtol=1e-4, atol=1e-5)


def test_override_without_bias_in_a_model_trains():
    inputs = layers.Input((6, 6, 3))
    conv = Standardized(4, 3, use_bias=False)
    outputs = layers.Dense(1)(layers.Flatten()(conv(inputs)))
    model = numnet.Model(inputs, outputs)
    kernel = conv.kernel.numpy().copy()
    model.compile(optimizer="sgd", loss="mse")
    model.fit(X, np.ones((2, 1), "float32"), epochs=1, verbose=0)
    assert np.abs(conv.kernel.numpy() - kernel).max() > 0  # the gradient reached the kernel
    assert len(conv.weights) == 1


def test_default_is_the_convolution_before_bias_and_activation():
    layer, (kernel, bias) = _layer(layers.Conv2D, activation="relu")
    raw = ops.convert_to_numpy(layer.convolution_op(ops.convert_to_tensor(X), layer.kernel))
    np.testing.assert_allclose(raw, _by_hand(X.astype("float64"), kernel, 0.0), rtol=1e-4,
                               atol=1e-5)
    np.testing.assert_allclose(ops.convert_to_numpy(layer(X)), np.maximum(raw + bias, 0.0),
                               rtol=1e-5, atol=1e-6)


def test_default_with_groups_splits_the_channels():
    x = np.random.default_rng(2).normal(size=(2, 6, 6, 4)).astype("float32")
    layer, (kernel, _) = _layer(layers.Conv2D, groups=2, channels=4, filters=4)
    raw = ops.convert_to_numpy(layer.convolution_op(ops.convert_to_tensor(x), layer.kernel))
    first = _by_hand(x[..., :2].astype("float64"), kernel[..., :2], 0.0)
    second = _by_hand(x[..., 2:].astype("float64"), kernel[..., 2:], 0.0)
    np.testing.assert_allclose(raw, np.concatenate([first, second], -1), rtol=1e-4, atol=1e-5)


def test_conv1d_override_keeps_causal_default():
    class Doubled(layers.Conv1D):
        def convolution_op(self, inputs, kernel):
            return super().convolution_op(inputs, kernel * 2.0)

    x = np.arange(10, dtype="float32").reshape(1, 5, 2)
    plain = layers.Conv1D(1, 2, padding="causal", use_bias=False, kernel_initializer="ones")
    doubled = Doubled(1, 2, padding="causal", use_bias=False, kernel_initializer="ones")
    np.testing.assert_allclose(ops.convert_to_numpy(doubled(x)),
                               2 * ops.convert_to_numpy(plain(x)))
    assert ops.convert_to_numpy(plain(x))[0, :, 0].tolist() == [1, 6, 14, 22, 30]
