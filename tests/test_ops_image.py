"""numnet.ops.image (keras.ops.image): resize, affine_transform, crop_images, pad_images
against NumPy written here, gradient checks, and Keras 3 (JAX) where installed."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet.autodiff.gradcheck import check_gradients
from numnet.ops import image

RNG = np.random.default_rng(11)


def test_resize_bilinear_by_hand_and_nearest():
    x = np.arange(4, dtype="float32").reshape(2, 2, 1)
    np.testing.assert_allclose(image.resize(x, (1, 1)).numpy().ravel(), [1.5])
    # doubling a row [0, 1]: samples at -0.25, 0.25, 0.75, 1.25 -> 0, 0.25, 0.75, 1
    row = np.array([[0.0, 1.0]], "float32")[None, :, :, None]
    np.testing.assert_allclose(image.resize(row, (1, 4)).numpy().ravel(), [0, 0.25, 0.75, 1])
    y = image.resize(np.arange(6, dtype="float32").reshape(1, 2, 3, 1), (4, 6), "nearest")
    np.testing.assert_array_equal(y.numpy()[0, :, :, 0],
                                  np.repeat(np.repeat([[0, 1, 2], [3, 4, 5]], 2, 0), 2, 1))
    assert image.resize(np.ones((2, 5, 4, 3), "uint8"), (3, 3)).dtype == np.float32


def test_resize_gradient_and_aspect_options():
    error = check_gradients(lambda t: image.resize(t, (3, 5), "bicubic"),
                            [RNG.normal(size=(2, 4, 3, 2))])
    assert error < 1e-6
    x = RNG.random((1, 4, 8, 1)).astype("float32")
    # crop to 1:1 takes the centred 4x4 box, resized to 2x2 = mean of each 2x2 block
    out = image.resize(x, (2, 2), crop_to_aspect_ratio=True).numpy()[0, :, :, 0]
    box = x[0, :, 2:6, 0]
    np.testing.assert_allclose(out, box.reshape(2, 2, 2, 2).mean(axis=(1, 3)), rtol=1e-6)
    padded = image.resize(x, (8, 8), pad_to_aspect_ratio=True, fill_value=-1.0).numpy()
    assert padded.shape == (1, 8, 8, 1) and (padded[0, :2] == -1).all()


def test_affine_transform_shift_and_gradient():
    x = np.arange(4, dtype="float32").reshape(1, 4, 1)
    shift = [1, 0, 1, 0, 1, 0, 0, 0]
    np.testing.assert_array_equal(image.affine_transform(x, shift).numpy().ravel(),
                                  [1, 2, 3, 0])
    np.testing.assert_array_equal(
        image.affine_transform(x, shift, fill_mode="nearest").numpy().ravel(), [1, 2, 3, 3])
    batch = RNG.normal(size=(2, 4, 5, 2))
    transforms = np.array([[0.9, 0.1, 0.3, -0.2, 1.1, 0.4, 0, 0],
                           [1.0, 0.0, -0.6, 0.0, 1.0, 0.2, 0, 0]])
    error = check_gradients(lambda t: image.affine_transform(t, transforms), [batch])
    assert error < 1e-6
    with pytest.raises(ValueError, match="transform"):
        image.affine_transform(batch, np.zeros((3, 8)))


def test_crop_and_pad_match_numpy():
    x = RNG.random((2, 5, 6, 3)).astype("float32")
    np.testing.assert_array_equal(
        image.crop_images(x, 1, 2, target_height=3, target_width=2).numpy(), x[:, 1:4, 2:4])
    np.testing.assert_array_equal(
        image.crop_images(x[0], bottom_cropping=1, right_cropping=2, top_cropping=0,
                          left_cropping=1).numpy(), x[0, :4, 1:4])
    np.testing.assert_array_equal(
        image.pad_images(x, 1, 0, target_height=8, target_width=7).numpy(),
        np.pad(x, ((0, 0), (1, 2), (0, 1), (0, 0))))
    with pytest.raises(ValueError, match="exactly two"):
        image.crop_images(x, 1, 1, 1, 1, target_height=2, target_width=2)
    with pytest.raises(ValueError, match="bottom_padding"):
        image.pad_images(x, 3, 0, target_height=6, target_width=6)
    with pytest.raises(ValueError, match="does not fit"):
        image.crop_images(x, 4, 0, target_height=3, target_width=2)


def test_errors_and_namespace():
    assert numnet.ops.image is image
    with pytest.raises(ValueError, match="3 axes"):
        image.resize(np.ones((4, 4)), (2, 2))
    with pytest.raises(ValueError, match="interpolation"):
        image.resize(np.ones((4, 4, 1)), (2, 2), "area")
    with pytest.raises(ValueError, match="data_format"):
        image.resize(np.ones((1, 4, 4, 1)), (2, 2), data_format="channels_middle")


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "lanczos3"])
@pytest.mark.parametrize("antialias", [False, True])
def test_resize_against_keras(interpolation, antialias):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    x = RNG.random((2, 7, 5, 3)).astype("float32")
    for size in ((3, 9), (10, 4)):
        ours = image.resize(x, size, interpolation, antialias=antialias).numpy()
        theirs = np.asarray(keras.ops.image.resize(x, size, interpolation,
                                                   antialias=antialias))
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "wrap", "reflect"])
def test_affine_transform_and_crop_pad_against_keras(fill_mode):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    x = RNG.random((2, 6, 5, 2)).astype("float32")
    transforms = np.array([[0.9, 0.1, 0.3, -0.2, 1.1, 0.4, 0, 0],
                           [1.0, 0.0, -2.6, 0.0, 1.0, 1.2, 0, 0]], "float32")
    for interpolation in ("bilinear", "nearest"):
        ours = image.affine_transform(x, transforms, interpolation, fill_mode, 0.5).numpy()
        theirs = np.asarray(keras.ops.image.affine_transform(x, transforms, interpolation,
                                                             fill_mode, 0.5))
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)
    np.testing.assert_array_equal(
        image.crop_images(x, 1, 1, target_height=4, target_width=3).numpy(),
        np.asarray(keras.ops.image.crop_images(x, 1, 1, target_height=4, target_width=3)))
    np.testing.assert_array_equal(
        image.pad_images(x, 1, 2, target_height=8, target_width=9).numpy(),
        np.asarray(keras.ops.image.pad_images(x, 1, 2, target_height=8, target_width=9)))
