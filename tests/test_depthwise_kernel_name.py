"""DepthwiseConv1D/2D keep their kernel as ``layer.kernel`` (Keras 3's attribute; the
Keras 2 name ``depthwise_kernel`` stays), so code written for Keras 3 (and wrappers that look
for a ``kernel``, as SpectralNormalization) finds it."""

import numpy as np

from numnet import layers


def test_kernel_is_the_depthwise_kernel():
    layer = layers.DepthwiseConv2D(3, depth_multiplier=2)
    assert layer.kernel is None
    layer.build((None, 8, 8, 4))
    assert layer.kernel is layer.depthwise_kernel
    assert tuple(layer.kernel.shape) == (3, 3, 4, 2)
    assert layer.weights[0] is layer.kernel
    conv1d = layers.DepthwiseConv1D(2)
    conv1d.build((None, 5, 3))
    assert tuple(conv1d.kernel.shape) == (2, 3, 1)


def test_assigning_through_kernel_changes_the_output():
    layer = layers.DepthwiseConv1D(2, use_bias=False)
    x = np.array([[[1.0, 10.0], [2.0, 20.0], [3.0, 30.0]]], "float32")  # (1, 3 steps, 2)
    layer.build(x.shape)
    # channel 0 sums its two steps, channel 1 takes the later step minus the earlier one
    layer.kernel.assign(np.array([[[1.0], [-1.0]], [[1.0], [1.0]]], "float32"))
    np.testing.assert_allclose(np.asarray(layer(x))[0], [[3.0, 10.0], [5.0, 10.0]])


def test_spectral_normalization_wraps_a_depthwise_conv():
    layer = layers.SpectralNormalization(layers.DepthwiseConv2D(2, use_bias=False))
    x = np.ones((1, 3, 3, 1), "float32")
    layer(x)
    # one channel, depth_multiplier 1: the kernel is a 4x1 matrix whose only singular value is
    # its norm; after power iteration in training it is divided by it
    layer.layer.kernel.assign(np.array([3.0, 0.0, 4.0, 0.0], "float32").reshape(2, 2, 1, 1))
    out = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(out, np.full((1, 2, 2, 1), 7.0 / 5.0), rtol=1e-4)
