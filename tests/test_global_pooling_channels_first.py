"""Global pooling layers with data_format="channels_first": the channels on axis 1, every
axis after it pooled (Keras's GlobalAveragePooling1D(data_format="channels_first") is the
timeseries-transformer example's average over the features of each step)."""

import numpy as np
import pytest

from numnet import layers

# (batch 2, channels 3, steps 4)
X = np.arange(24, dtype="float32").reshape(2, 3, 4)


def test_average_1d_pools_the_last_axis():
    out = np.asarray(layers.GlobalAveragePooling1D(data_format="channels_first")(X))
    # row 0, channel 0 holds 0, 1, 2, 3: mean 1.5; each channel 4 higher, each row 12 higher
    assert out.shape == (2, 3)
    np.testing.assert_allclose(out, [[1.5, 5.5, 9.5], [13.5, 17.5, 21.5]])


def test_max_1d_and_keepdims():
    out = np.asarray(layers.GlobalMaxPooling1D(data_format="channels_first", keepdims=True)(X))
    assert out.shape == (2, 3, 1)
    np.testing.assert_allclose(out[..., 0], [[3, 7, 11], [15, 19, 23]])


def test_2d_pools_height_and_width():
    x = np.arange(16, dtype="float32").reshape(1, 2, 2, 4)  # (batch, channels, height, width)
    layer = layers.GlobalAveragePooling2D(data_format="channels_first")
    assert layer.compute_output_shape((None, 2, 2, 4)) == (None, 2)
    # channel 0 holds 0..7 (mean 3.5), channel 1 holds 8..15 (mean 11.5)
    np.testing.assert_allclose(np.asarray(layer(x)), [[3.5, 11.5]])
    keep = layers.GlobalMaxPooling2D(data_format="channels_first", keepdims=True)
    assert keep.compute_output_shape((None, 2, 2, 4)) == (None, 2, 1, 1)
    np.testing.assert_allclose(np.asarray(keep(x))[:, :, 0, 0], [[7, 15]])


def test_mask_covers_the_steps_axis():
    mask = np.array([[True, True, False, False], [True, True, True, True]])
    layer = layers.GlobalAveragePooling1D(data_format="channels_first")
    out = np.asarray(layer(X, mask=mask))
    # row 0 keeps steps 0 and 1: channel c averages 4c and 4c + 1
    np.testing.assert_allclose(out, [[0.5, 4.5, 8.5], [13.5, 17.5, 21.5]])


def test_config_round_trip():
    layer = layers.GlobalAveragePooling1D(data_format="channels_first")
    again = layers.GlobalAveragePooling1D.from_config(layer.get_config())
    assert again.data_format == "channels_first"
    np.testing.assert_allclose(np.asarray(again(X)), np.asarray(layer(X)))


def test_other_formats_still_refused():
    with pytest.raises(ValueError, match="data_format"):
        layers.GlobalAveragePooling1D(data_format="channels_middle")


def test_matches_keras():
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    for name in ("GlobalAveragePooling1D", "GlobalMaxPooling1D"):
        ours = getattr(layers, name)(data_format="channels_first")(X)
        theirs = getattr(keras.layers, name)(data_format="channels_first")(X)
        np.testing.assert_allclose(np.asarray(ours), np.asarray(theirs), rtol=1e-6)
