"""GroupNormalization(groups=-1): one group per channel (instance normalization), the groups
set to the channels when the layer is built, as Keras 3 does (StyleGAN's generator blocks use
it). Numbers from Keras 3.15 on JAX running the same code."""

from __future__ import annotations

import numpy as np
import pytest

import numnet as keras

X = np.arange(24, dtype="float32").reshape(2, 2, 2, 3) ** 1.5


def test_groups_minus_one_normalizes_each_channel_of_each_sample():
    layer = keras.layers.GroupNormalization(groups=-1)
    y = np.asarray(layer(X))
    assert layer.groups == 3 and layer.get_config()["groups"] == 3  # Keras: 3 and 3
    # Keras: channel 0 of sample 0, and sample 1's pixel (0, 1)
    np.testing.assert_allclose(y[0, :, :, 0], [[-1.14100, -0.63527], [0.28942, 1.48685]],
                               atol=2e-5)
    np.testing.assert_allclose(y[1, 0, 1], [-0.48892, -0.48646, -0.48428], atol=2e-5)
    # by hand: each (sample, channel) over its 2 x 2 pixels, variance + 1e-3
    mean = X.mean(axis=(1, 2), keepdims=True)
    var = X.var(axis=(1, 2), keepdims=True)
    np.testing.assert_allclose(y, (X - mean) / np.sqrt(var + 1e-3), rtol=1e-4, atol=1e-5)


def test_groups_minus_one_in_a_functional_model():
    inputs = keras.Input((4, 4, 5))
    outputs = keras.layers.GroupNormalization(groups=-1)(inputs)
    assert tuple(outputs.shape) == (None, 4, 4, 5)


@pytest.mark.parametrize("groups", [0, -2, 1.5])
def test_other_values_are_refused(groups):
    with pytest.raises(ValueError, match=r"expected a positive integer \(or -1"):
        keras.layers.GroupNormalization(groups=groups)
