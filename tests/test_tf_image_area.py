"""tf.image.resize(method="area"): each output pixel the mean of the input box it covers,
fractional pixels weighted by their share (TensorFlow's resize_area)."""

import numpy as np
import pytest

import numnet as tf
from numnet.ops.image import resize_weights


def test_whole_factor_is_average_pooling():
    x = np.random.default_rng(0).normal(size=(2, 6, 9, 3)).astype("float32")
    out = tf.image.resize(x, [2, 3], method="area").numpy()
    pooled = x.reshape(2, 2, 3, 3, 3, 3).mean(axis=(2, 4))
    np.testing.assert_allclose(out, pooled, rtol=1e-5, atol=1e-6)
    assert out.dtype == np.float32


def test_fractional_boxes_by_hand():
    x = np.arange(9, dtype="float32").reshape(3, 3, 1)
    # output 2 of 3: boxes [0, 1.5) and [1.5, 3): weights 2/3, 1/3 and 1/3, 2/3
    rows = np.array([[2, 1, 0], [0, 1, 2]], "float32") / 3
    out = tf.image.resize(x, [2, 2], method=tf.image.ResizeMethod.AREA).numpy()[..., 0]
    np.testing.assert_allclose(out, rows @ x[..., 0] @ rows.T, rtol=1e-6)


def test_upscaling_matches_tensorflow():
    x = np.arange(6, dtype="float32").reshape(1, 2, 3, 1)
    expected = [[0.0, 2 / 3, 4 / 3, 2.0], [1.5, 13 / 6, 17 / 6, 3.5], [3.0, 11 / 3, 13 / 3, 5.0]]
    out = tf.image.resize(x, (3, 4), method="area").numpy()[0, :, :, 0]
    np.testing.assert_allclose(out, expected, rtol=1e-6, atol=1e-6)


def test_integer_images_give_float32_and_the_weights_sum_to_one():
    x = np.arange(6, dtype="uint8").reshape(2, 3, 1)
    out = tf.image.resize(x, (1, 1), method="area")
    assert out.dtype == np.float32 and float(out.numpy().ravel()[0]) == pytest.approx(2.5)
    for n_in, n_out in ((7, 3), (3, 7), (5, 5), (10, 4)):
        np.testing.assert_allclose(resize_weights(n_in, n_out, "area").sum(axis=0), 1.0)


def test_gradient_is_the_transposed_weights():
    x = tf.Variable(np.random.default_rng(1).normal(size=(1, 5, 4, 2)).astype("float32"))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.image.resize(x, (3, 3), method="area") * np.arange(18).reshape(
            1, 3, 3, 2))
    grad = tape.gradient(y, x).numpy()
    rows, cols = resize_weights(5, 3, "area"), resize_weights(4, 3, "area")
    g = np.arange(18, dtype="float64").reshape(3, 3, 2)
    expected = np.einsum("ia,jb,abc->ijc", rows, cols, g)
    np.testing.assert_allclose(grad[0], expected, rtol=1e-5)


def test_unknown_method_names_area_among_the_choices():
    with pytest.raises(ValueError, match="'area'"):
        tf.image.resize(np.zeros((2, 2, 1), "float32"), (1, 1), method="cubic")
