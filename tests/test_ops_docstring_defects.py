"""Defects that Keras's own docstring examples found in numnet's ops, losses and metrics.

Each test pins Keras 3's numbers (Keras 3.15.1 on JAX, recorded in the comments), so it runs
without Keras installed. tests/test_keras_docstrings.py runs the examples themselves.
"""

from __future__ import annotations

import numpy as np

import numnet as keras
from numnet import ops


def test_in_top_k_counts_an_out_of_range_target_as_not_in():
    # keras.ops.in_top_k's docstring: the target 5 of a 5-class row is out of range.
    # Keras: [True, False, True]; numnet raised IndexError.
    predictions = ops.convert_to_tensor([[0.1, 0.4, 0.6, 0.9, 0.5],
                                         [0.1, 0.7, 0.9, 0.8, 0.3],
                                         [0.1, 0.6, 0.9, 0.9, 0.5]])
    got = ops.in_top_k(ops.convert_to_tensor([2, 5, 3]), predictions, k=3)
    np.testing.assert_array_equal(got.numpy(), [True, False, True])


def test_in_top_k_counts_a_negative_target_from_the_end():
    # Keras (JAX), k=3 on [0.1, 0.4, 0.6, 0.9, 0.5]: targets [-1, -2, -5, -6, 7] give
    # [True, True, False, False, False] (-1 is 0.5, third largest; -6 and 7 are out of range).
    predictions = ops.convert_to_tensor([[0.1, 0.4, 0.6, 0.9, 0.5]] * 5)
    got = ops.in_top_k(ops.convert_to_tensor([-1, -2, -5, -6, 7]), predictions, k=3)
    np.testing.assert_array_equal(got.numpy(), [True, True, False, False, False])
    assert keras.ops.in_top_k is ops.in_top_k


def test_image_ops_take_channels_first():
    # keras.ops.image.resize's and affine_transform's docstrings call them with
    # data_format="channels_first"; numnet refused it. Keras's numbers (JAX):
    x = np.arange(2 * 4 * 4, dtype="float32").reshape(1, 2, 4, 4)  # (batch, channels, h, w)
    x3 = np.arange(2 * 2 * 3, dtype="float32").reshape(2, 2, 3)  # (channels, h, w)
    resized = ops.image.resize(x, (2, 2), data_format="channels_first")
    np.testing.assert_allclose(resized.numpy(), [[[[2.5, 4.5], [10.5, 12.5]],
                                                  [[18.5, 20.5], [26.5, 28.5]]]])
    shifted = ops.image.affine_transform(x3, [1, 0, 1, 0, 1, 0, 0, 0],
                                         data_format="channels_first")
    np.testing.assert_allclose(shifted.numpy(), [[[1, 2, 0], [4, 5, 0]],
                                                 [[7, 8, 0], [10, 11, 0]]])
    cropped = ops.image.crop_images(x, 1, 0, target_height=2, target_width=3,
                                    data_format="channels_first")
    np.testing.assert_allclose(cropped.numpy(), [[[[4, 5, 6], [8, 9, 10]],
                                                  [[20, 21, 22], [24, 25, 26]]]])
    padded = ops.image.pad_images(x3, 1, 0, target_height=3, target_width=4,
                                  data_format="channels_first")
    np.testing.assert_allclose(padded.numpy(), [[[0, 0, 0, 0], [0, 1, 2, 0], [3, 4, 5, 0]],
                                                [[0, 0, 0, 0], [6, 7, 8, 0], [9, 10, 11, 0]]])


def test_image_ops_channels_first_is_channels_last_transposed():
    rng = np.random.default_rng(0)
    x = rng.random((2, 3, 5, 6)).astype("float32")
    last = np.moveaxis(x, 1, -1)
    for fn in (lambda a, f: ops.image.resize(a, (4, 3), interpolation="bicubic", data_format=f),
               lambda a, f: ops.image.affine_transform(
                   a, [1.1, 0.2, 0.5, -0.1, 0.9, 0.3, 0, 0], fill_mode="reflect",
                   data_format=f)):
        first = fn(x, "channels_first").numpy()
        np.testing.assert_allclose(first, np.moveaxis(fn(last, "channels_last").numpy(), -1, 1),
                                   rtol=1e-6)


def test_image_ops_name_a_bad_data_format():
    with np.testing.assert_raises_regex(ValueError, "data_format.*'channels_middle'"):
        ops.image.resize(np.zeros((4, 4, 1)), (2, 2), data_format="channels_middle")


def test_tf_image_resize_stays_channels_last_under_a_channels_first_config():
    # tf.image.resize always reads (height, width, channels); ops.image.resize now follows the
    # config's image_data_format, so its callers that hold channels-last images say so.
    import numnet as tf

    before = tf.keras.backend.image_data_format()
    tf.keras.backend.set_image_data_format("channels_first")
    try:
        assert tuple(tf.image.resize(np.ones((5, 6, 3), "float32"), [2, 2]).shape) == (2, 2, 3)
        up = tf.keras.backend.resize_images(np.ones((1, 3, 2, 2), "float32"), 2, 2,
                                            "channels_first", interpolation="bilinear")
        assert tuple(up.shape) == (1, 3, 4, 4)
    finally:
        tf.keras.backend.set_image_data_format(before)
