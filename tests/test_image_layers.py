"""Image layers: values worked out by hand or in NumPy here, gradient checks of their ops,
training-only augmentation, configs, model files, and Keras 3 (JAX) where it is installed."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor
from numnet.layers.image import (
    affine_transform,
    pad_images,
    repeat,
    resize_images,
    resize_weights,
    rotation_transforms,
)

RNG = np.random.default_rng(3)


def images(shape=(2, 5, 7, 3), seed=0):
    return np.random.default_rng(seed).uniform(0, 1, shape).astype("float32")


# ----------------------------------------------------------------------------- up-sampling


def test_upsampling2d_nearest_repeats_rows_and_columns():
    x = images()
    out = layers.UpSampling2D((2, 3))(x).numpy()
    np.testing.assert_array_equal(out, np.repeat(np.repeat(x, 2, axis=1), 3, axis=2))
    assert layers.UpSampling2D((2, 3)).compute_output_shape((None, 5, 7, 3)) == (None, 10, 21, 3)


def test_upsampling2d_bilinear_uses_half_pixel_centres():
    # one row [0, 1] doubled: output centres sit at input positions -0.25, 0.25, 0.75, 1.25,
    # the outer two clamped to the edge pixels
    x = np.array([0.0, 1.0], "float32").reshape(1, 1, 2, 1)
    out = layers.UpSampling2D((1, 2), interpolation="bilinear")(x).numpy().reshape(-1)
    np.testing.assert_allclose(out, [0.0, 0.25, 0.75, 1.0], atol=1e-7)


def test_upsampling1d_repeats_steps():
    x = np.arange(6, dtype="float32").reshape(1, 3, 2)
    out = layers.UpSampling1D(2)(x).numpy()
    np.testing.assert_array_equal(out[0, :, 0], [0, 0, 2, 2, 4, 4])


# ----------------------------------------------------------------------------- resizing


def bilinear_reference(x, out_h, out_w):
    """Half-pixel bilinear resize in NumPy loops: sample position (j + 0.5) n / m - 0.5,
    neighbours outside the image dropped and the rest renormalized (no antialiasing)."""
    def weights(n, m):
        w = np.zeros((n, m))
        for j in range(m):
            s = (j + 0.5) * n / m - 0.5
            for i in range(n):
                w[i, j] = max(0.0, 1 - abs(s - i))
            w[:, j] /= w[:, j].sum()
        return w

    wh, ww = weights(x.shape[1], out_h), weights(x.shape[2], out_w)
    return np.einsum("ai,nabc,bj->nijc", wh, x.astype(np.float64), ww)


@pytest.mark.parametrize("size", [(9, 4), (3, 11), (2, 2), (10, 14)])
def test_resizing_bilinear_matches_reference(size):
    x = images()
    out = layers.Resizing(*size)(x).numpy()
    np.testing.assert_allclose(out, bilinear_reference(x, *size), rtol=1e-5, atol=1e-6)
    assert out.shape == (2, *size, 3) and out.dtype == np.float32


def test_resizing_halves_by_averaging_pairs():
    x = np.array([1.0, 3.0, 5.0, 9.0], "float32").reshape(1, 1, 4, 1)
    out = layers.Resizing(1, 2)(x).numpy().reshape(-1)
    np.testing.assert_allclose(out, [2.0, 7.0])  # centres at 0.5 and 2.5


def test_resizing_nearest_picks_floor_of_the_centre():
    x = np.arange(5, dtype="float32").reshape(1, 1, 5, 1)
    out = layers.Resizing(1, 3, interpolation="nearest")(x).numpy().reshape(-1)
    # floor((j + 0.5) * 5 / 3) = 0, 2, 4
    np.testing.assert_array_equal(out, [0, 2, 4])


def test_resize_weights_columns_sum_to_one():
    for method in ("bilinear", "bicubic", "lanczos3", "lanczos5", "nearest"):
        for n, m in ((5, 9), (9, 5), (4, 4)):
            np.testing.assert_allclose(resize_weights(n, m, method).sum(axis=0), 1.0,
                                       atol=1e-12)


def test_resizing_crop_to_aspect_ratio_crops_the_centre_first():
    x = images((1, 4, 8, 1))
    out = layers.Resizing(2, 2, crop_to_aspect_ratio=True)(x).numpy()
    np.testing.assert_allclose(out, bilinear_reference(x[:, :, 2:6], 2, 2), rtol=1e-6)


def test_resizing_pad_to_aspect_ratio_pads_with_fill_value():
    x = np.ones((1, 2, 4, 1), "float32")
    out = layers.Resizing(4, 4, pad_to_aspect_ratio=True, fill_value=0.0)(x).numpy()[0, :, :, 0]
    np.testing.assert_array_equal(out, [[0] * 4, [1] * 4, [1] * 4, [0] * 4])


def test_resizing_one_image_and_integer_images():
    x = images((5, 7, 3))
    np.testing.assert_allclose(layers.Resizing(3, 3)(x).numpy(),
                               layers.Resizing(3, 3)(x[None]).numpy()[0])
    ints = (images((1, 4, 4, 1)) * 255).astype("uint8")
    out = layers.Resizing(2, 2)(ints).numpy()
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, np.round(bilinear_reference(ints, 2, 2)))


def test_center_crop_cuts_the_middle_or_resizes_small_images():
    x = images((1, 6, 7, 2))
    np.testing.assert_array_equal(layers.CenterCrop(2, 3)(x).numpy(), x[:, 2:4, 2:5])
    small = layers.CenterCrop(8, 7)(x).numpy()  # crop to 8:7 (6 x 5, from column 1), resize
    np.testing.assert_allclose(small, bilinear_reference(x[:, :, 1:6], 8, 7), rtol=1e-5,
                               atol=1e-6)


# ----------------------------------------------------------------------------- padding, cropping


def test_zero_padding_and_cropping_2d():
    x = images((1, 3, 4, 2))
    padded = layers.ZeroPadding2D(((1, 0), (2, 1)))(x).numpy()
    np.testing.assert_array_equal(padded, np.pad(x, ((0, 0), (1, 0), (2, 1), (0, 0))))
    np.testing.assert_array_equal(layers.ZeroPadding2D(1)(x).numpy(),
                                  np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0))))
    cropped = layers.Cropping2D(((1, 0), (1, 2)))(x).numpy()
    np.testing.assert_array_equal(cropped, x[:, 1:, 1:2])
    np.testing.assert_array_equal(layers.Cropping2D((1, 1))(x).numpy(), x[:, 1:2, 1:3])


def test_zero_padding_and_cropping_1d():
    x = images((2, 5, 3))
    np.testing.assert_array_equal(layers.ZeroPadding1D((1, 2))(x).numpy(),
                                  np.pad(x, ((0, 0), (1, 2), (0, 0))))
    np.testing.assert_array_equal(layers.Cropping1D((1, 2))(x).numpy(), x[:, 1:3])


def test_cropping_everything_away_is_an_error():
    with pytest.raises(ValueError, match="leaves nothing"):
        layers.Cropping2D(((2, 2), (0, 0)))(images((1, 4, 4, 1)))


# ----------------------------------------------------------------------------- gradients


@pytest.mark.parametrize("method", ["bilinear", "nearest", "bicubic"])
def test_resize_gradient(method):
    error = check_gradients(lambda x: resize_images(x, (5, 3), method),
                            [RNG.normal(size=(2, 4, 6, 2))])
    assert error < 1e-6


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_gradient(fill_mode, interpolation):
    transforms = rotation_transforms([0.3, -2.0], 4, 5)
    transforms[:, 2] += [0.7, -1.3]
    error = check_gradients(
        lambda x: affine_transform(x, transforms, interpolation, fill_mode, 0.5),
        [RNG.normal(size=(2, 4, 5, 2))])
    assert error < 1e-6


def test_pad_and_repeat_gradients():
    assert check_gradients(lambda x: pad_images(x, ((1, 2), (0, 1)), 3.0),
                           [RNG.normal(size=(1, 2, 3, 2))]) < 1e-6
    assert check_gradients(lambda x: repeat(x, 3, 2), [RNG.normal(size=(1, 2, 3, 2))]) < 1e-6


def test_gradients_flow_through_a_random_layer_in_training():
    layer = layers.RandomRotation(0.2, seed=1, dtype="float64")
    x = Tensor(RNG.normal(size=(2, 4, 4, 1)), requires_grad=True)
    out = layer(x, training=True)
    out.backward(np.ones(out.shape))
    assert x.grad is not None and x.grad.shape == x.shape
    # the weights each output pixel reads sum to one (reflect mode never reads the fill value)
    np.testing.assert_allclose(x.grad.sum(), out.size, rtol=1e-6)  # (float32 coordinates)


# ----------------------------------------------------------------------------- augmentation


def test_random_flip_flips_whole_images_and_is_seeded():
    x = images((8, 3, 4, 2))
    out = layers.RandomFlip("horizontal", seed=5)(x, training=True).numpy()
    again = layers.RandomFlip("horizontal", seed=5)(x, training=True).numpy()
    np.testing.assert_array_equal(out, again)
    flipped = [np.array_equal(o, im[:, ::-1]) for o, im in zip(out, x, strict=True)]
    kept = [np.array_equal(o, im) for o, im in zip(out, x, strict=True)]
    assert all(f or k for f, k in zip(flipped, kept, strict=True))
    assert any(flipped) and any(kept)
    both = layers.RandomFlip(seed=5)(x, training=True).numpy()
    for o, im in zip(both, x, strict=True):
        assert np.array_equal(o, im) or np.array_equal(o, im[::-1, ::-1])
    vertical = layers.RandomFlip("vertical", seed=5)(x, training=True).numpy()
    for o, im in zip(vertical, x, strict=True):
        assert np.array_equal(o, im) or np.array_equal(o, im[::-1])


@pytest.mark.parametrize("layer", [
    layers.RandomFlip(), layers.RandomRotation(0.3), layers.RandomTranslation(0.2, 0.2),
    layers.RandomZoom(0.3), layers.RandomContrast(0.5), layers.RandomBrightness(0.4)],
    ids=lambda layer: type(layer).__name__)
def test_random_layers_are_the_identity_in_inference(layer):
    x = images() * 255
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    model = numnet.Sequential([numnet.Input(shape=(5, 7, 3)), layer])
    np.testing.assert_array_equal(model.predict(x, verbose=0), x)


def test_quarter_turn_is_a_rotation_of_the_array():
    x = images((1, 5, 5, 2))
    out = layers.RandomRotation((0.25, 0.25))(x, training=True).numpy()
    np.testing.assert_allclose(out[0], np.rot90(x[0], k=1, axes=(0, 1)), atol=1e-5)


def test_translation_by_a_whole_pixel_shifts_and_fills():
    x = images((1, 4, 4, 1))
    layer = layers.RandomTranslation((0.25, 0.25), (0.0, 0.0), fill_mode="constant",
                                     fill_value=-1.0)
    out = layer(x, training=True).numpy()
    np.testing.assert_allclose(out[0, 1:], x[0, :3], atol=1e-6)  # down by 0.25 * 4 rows
    np.testing.assert_allclose(out[0, 0], -1.0)


@pytest.mark.parametrize("mode, left, right", [
    ("reflect", [1, 0, 0, 1], [2, 3, 3, 2]), ("wrap", [2, 3, 0, 1], [2, 3, 0, 1]),
    ("nearest", [0, 0, 0, 1], [2, 3, 3, 3]), ("constant", [9, 9, 0, 1], [2, 3, 9, 9])])
def test_fill_modes_extend_the_image(mode, left, right):
    # a row [0 1 2 3] read 2 columns to the left (columns -2..1) and to the right (2..5)
    x = np.arange(4, dtype="float32").reshape(1, 1, 4, 1)
    for shift, expected in ((-2, left), (2, right)):
        transform = np.array([[1, 0, shift, 0, 1, 0, 0, 0]], "float32")
        for interpolation in ("nearest", "bilinear"):
            out = affine_transform(x, transform, interpolation, mode, 9.0)
            np.testing.assert_array_equal(out.numpy().reshape(-1), expected)


def test_zoom_out_reads_farther_from_the_centre():
    x = images((1, 5, 5, 1))
    out = layers.RandomZoom((0.5, 0.5), fill_mode="constant")(x, training=True).numpy()[0, ..., 0]
    # zoom 1.5 about (2, 2): output (r, c) reads input (2 + 1.5 (r - 2), 2 + 1.5 (c - 2))
    assert out[2, 2] == pytest.approx(x[0, 2, 2, 0], abs=1e-6)
    assert out[1, 1] == pytest.approx(x[0, :2, :2, 0].mean(), abs=1e-6)  # reads (0.5, 0.5)
    assert out[4, 4] == 0.0 and out[0, 2] == 0.0  # read (5, 5) and (-1, 2): the fill


def test_random_contrast_scales_deviations_from_the_mean():
    x = images((3, 4, 4, 2))
    out = layers.RandomContrast((0.5, 0.5), value_range=(-10, 10), seed=2)(
        x, training=True).numpy()
    mean = x.mean(axis=(1, 2), keepdims=True)
    factor = (out - mean) / (x - mean)
    for f in factor:  # one factor per image, in [0.5, 1.5]
        np.testing.assert_allclose(f, f.flat[0], rtol=1e-3)
        assert 0.5 <= f.flat[0] <= 1.5
    clipped = layers.RandomContrast(0.0, value_range=(0.2, 0.8))(x, training=True).numpy()
    np.testing.assert_allclose(clipped, np.clip(x, 0.2, 0.8), rtol=1e-6)


def test_random_crop_takes_a_window_in_training_and_the_centre_in_inference():
    x = images((3, 6, 7, 2))
    out = layers.RandomCrop(3, 4, seed=1)(x, training=True).numpy()
    windows = {(t, left) for t in range(4) for left in range(4)
               if np.array_equal(out, x[:, t:t + 3, left:left + 4])}
    assert len(windows) == 1  # one window, the same for the whole batch
    again = layers.RandomCrop(3, 4, seed=1)(x, training=True).numpy()
    np.testing.assert_array_equal(again, out)
    # inference: the largest centred box of aspect 3:4 in 6 x 7 (int(7 * 3 / 4) = 5 rows,
    # from row int((6 - 5) / 2) = 0, all 7 columns), resized to 3 x 4
    inference = layers.RandomCrop(3, 4)(x, training=False).numpy()
    np.testing.assert_allclose(inference, bilinear_reference(x[:, 0:5], 3, 4), rtol=1e-5,
                               atol=1e-6)
    assert layers.RandomCrop(3, 4).compute_output_shape((None, 6, 7, 2)) == (None, 3, 4, 2)


def test_random_brightness_adds_one_delta_per_image_and_clips():
    x = images((4, 3, 3, 2)) * 190 + 30  # in [30, 220]: no delta of 0.1 * 255 clips
    out = layers.RandomBrightness(0.1, seed=3)(x, training=True).numpy()
    delta = out - x
    for d in delta:
        np.testing.assert_allclose(d, d.flat[0], atol=1e-4)
        assert abs(d.flat[0]) <= 0.1 * 255 + 1e-4
    shifted = layers.RandomBrightness((0.5, 0.5))(x, training=True).numpy()
    np.testing.assert_allclose(shifted, np.minimum(x + 127.5, 255.0), rtol=1e-6)


def test_seeded_rotations_repeat_and_differ_per_image():
    x = np.repeat(images((1, 6, 6, 1)), 3, axis=0)
    a = layers.RandomRotation(0.5, seed=4)(x, training=True).numpy()
    b = layers.RandomRotation(0.5, seed=4)(x, training=True).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a[0], a[1])


@pytest.mark.parametrize("make, message", [
    (lambda: layers.RandomFlip("diagonal"), "RandomFlip\\(mode\\)"),
    (lambda: layers.RandomRotation(1.5), "RandomRotation\\(factor\\)"),
    (lambda: layers.RandomRotation(0.1, fill_mode="mirror"), "fill_mode"),
    (lambda: layers.Resizing(4, 4, interpolation="area"), "interpolation"),
    (lambda: layers.Resizing(4, 4, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True),
     "choose one"),
    (lambda: layers.UpSampling2D(0), "UpSampling2D\\(size\\)"),
    (lambda: layers.UpSampling2D(data_format="channels_first"), "channels on the last"),
    (lambda: layers.ZeroPadding2D((1, 2, 3)), "ZeroPadding2D\\(padding\\)"),
    (lambda: layers.RandomContrast(1.5), "RandomContrast\\(factor\\)"),
])
def test_bad_arguments_name_what_was_expected(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_inputs_of_the_wrong_rank_are_reported():
    with pytest.raises(ValueError, match="4 axes"):
        layers.UpSampling2D()(np.zeros((2, 5, 5), "float32"))


def test_a_direct_call_is_a_training_call_as_in_keras():
    # Keras's augmentation layers default to training=True when called on their own (a
    # model's predict calls them with training=False).
    x = images((6, 4, 4, 1))
    np.testing.assert_array_equal(layers.RandomFlip(seed=5)(x).numpy(),
                                  layers.RandomFlip(seed=5)(x, training=True).numpy())


def test_a_training_step_through_the_new_layers_stays_float32():
    from numnet.autodiff import ops

    x = Tensor(images((2, 4, 4, 3)), requires_grad=True)
    chain = [layers.Conv2DTranspose(2, 3, strides=2, padding="same"),
             layers.UpSampling2D(interpolation="bilinear"), layers.Resizing(5, 7),
             layers.RandomRotation(0.2, seed=1), layers.RandomZoom(0.2, seed=1),
             layers.RandomTranslation(0.1, 0.1, seed=1),
             layers.RandomContrast(0.3, value_range=(-9, 9), seed=1), layers.ZeroPadding2D(1),
             layers.Cropping2D(1), layers.RandomFlip(seed=1), layers.RandomCrop(4, 4, seed=1),
             layers.RandomBrightness(0.1, value_range=(-9, 9), seed=2), layers.CenterCrop(3, 3)]
    h = x
    for layer in chain:
        h = layer(h, training=True)
        assert h.dtype == np.float32, type(layer).__name__
    h = ops.reshape(h, (2, 9, 2))
    attention = [layers.MultiHeadAttention(2, 3, dropout=0.1, seed=0),
                 layers.Attention(use_scale=True, dropout=0.1, seed=0),
                 layers.AdditiveAttention()]
    out = attention[0](h, h, training=True, use_causal_mask=True)
    out = attention[2]([attention[1]([out, h], training=True), h])
    ops.mean(ops.square(out)).backward()
    grads = [w.grad for layer in chain + attention for w in layer.weights]
    assert out.dtype == x.grad.dtype == np.float32
    assert len(grads) == 2 + 8 + 1 + 1 and all(g.dtype == np.float32 for g in grads)


# ----------------------------------------------------------------------------- model files


def test_sequential_with_image_layers_saves_and_loads(tmp_path):
    model = numnet.Sequential([
        numnet.Input(shape=(6, 6, 2)),
        layers.RandomFlip(seed=1), layers.RandomRotation(0.1, seed=2),
        layers.ZeroPadding2D(1), layers.Cropping2D(((1, 0), (0, 1))),
        layers.Conv2DTranspose(3, 3, strides=2, padding="same", activation="relu"),
        layers.UpSampling2D(interpolation="bilinear"), layers.Resizing(10, 12),
        layers.CenterCrop(8, 8), layers.Flatten(), layers.Dense(2),
    ])
    model.compile("adam", "mse")
    x = images((4, 6, 6, 2))
    y = RNG.normal(size=(4, 2)).astype("float32")
    model.fit(x, y, epochs=1, verbose=0)
    expected = model.predict(x, verbose=0)
    model.save(tmp_path / "m.numnet")
    loaded = numnet.models.load_model(tmp_path / "m.numnet")
    assert [type(layer).__name__ for layer in loaded.layers] == \
        [type(layer).__name__ for layer in model.layers]
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), expected)


# ----------------------------------------------------------------------------- against Keras


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


@pytest.mark.parametrize("interpolation", ["nearest", "bilinear"])
@pytest.mark.parametrize("size", [(2, 2), (3, 1)])
def test_upsampling2d_matches_keras(keras, interpolation, size):
    x = images()
    ours = layers.UpSampling2D(size, interpolation=interpolation)(x).numpy()
    theirs = np.asarray(keras.layers.UpSampling2D(size, interpolation=interpolation)(x))
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest", "bicubic", "lanczos3"])
@pytest.mark.parametrize("size, kwargs", [
    ((9, 4), {}), ((3, 11), {}), ((2, 3), {"antialias": True}),
    ((4, 4), {"crop_to_aspect_ratio": True}),
    ((6, 3), {"pad_to_aspect_ratio": True, "fill_value": 0.5})])
def test_resizing_matches_keras(keras, interpolation, size, kwargs):
    x = images()
    ours = layers.Resizing(*size, interpolation=interpolation, **kwargs)(x).numpy()
    theirs = np.asarray(keras.layers.Resizing(*size, interpolation=interpolation, **kwargs)(x))
    assert ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


@pytest.mark.parametrize("size", [(3, 3), (8, 8), (6, 3)])
def test_center_crop_matches_keras(keras, size):
    x = images()
    np.testing.assert_allclose(layers.CenterCrop(*size)(x).numpy(),
                               np.asarray(keras.layers.CenterCrop(*size)(x)), atol=1e-5)


@pytest.mark.parametrize("fill_mode", ["reflect", "wrap", "constant", "nearest"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_matches_keras(keras, fill_mode, interpolation):
    x = images()
    transforms = rotation_transforms(RNG.uniform(-3, 3, 2), 5, 7)
    transforms[:, 2] += RNG.uniform(-4, 4, 2)
    ours = affine_transform(x, transforms, interpolation, fill_mode, 0.3).numpy()
    theirs = np.asarray(keras.ops.image.affine_transform(x, transforms, interpolation,
                                                         fill_mode, 0.3))
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


@pytest.mark.parametrize("make", [
    lambda L: L.RandomRotation((0.37, 0.37)),
    lambda L: L.RandomRotation((-0.1, -0.1), fill_mode="constant", fill_value=0.5),
    lambda L: L.RandomTranslation((0.2, 0.2), (-0.3, -0.3), fill_mode="wrap"),
    lambda L: L.RandomZoom((0.2, 0.2), (-0.3, -0.3), interpolation="nearest"),
    lambda L: L.RandomZoom((-0.4, -0.4)),
    lambda L: L.RandomBrightness((0.2, 0.2), value_range=(0, 1))])
def test_fixed_augmentations_match_keras(keras, make):
    # a range of one value leaves nothing to chance: the same transform in both libraries
    x = images()
    ours = make(layers)(x, training=True).numpy()
    theirs = np.asarray(make(keras.layers)(x, training=True))
    np.testing.assert_allclose(ours, theirs, atol=1e-5)


@pytest.mark.parametrize("module", ["numnet.layers.image", "numnet.layers.convolutional_transpose"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module),
                             extraglobs={"np": np, "numnet": numnet},
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def test_runs_on_a_device(runs_on_a_device):
    runs_on_a_device(__file__)


def test_keras_model_files_hold_the_image_layers_both_ways(keras, tmp_path):
    def build(lib):
        return lib.Sequential([
            lib.Input(shape=(5, 5, 3)), lib.layers.RandomFlip(seed=1),
            lib.layers.Conv2DTranspose(4, 3, strides=2, padding="same"),
            lib.layers.UpSampling2D(interpolation="bilinear"), lib.layers.Cropping2D(1),
            lib.layers.ZeroPadding2D(1), lib.layers.Resizing(9, 9),
            lib.layers.CenterCrop(8, 8), lib.layers.Conv2DTranspose(2, 2)])

    x = images((2, 5, 5, 3))
    ours = build(numnet)
    ours.save(tmp_path / "ours.keras")
    theirs = keras.models.load_model(tmp_path / "ours.keras")
    expected = ours.predict(x, verbose=0)
    np.testing.assert_allclose(theirs.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    theirs.save(tmp_path / "theirs.keras")
    again = numnet.models.load_model(tmp_path / "theirs.keras")
    np.testing.assert_allclose(again.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)


def test_keras_model_files_with_crop_brightness_and_contrast_load(keras, tmp_path):
    theirs = keras.Sequential([
        keras.Input((6, 6, 3)), keras.layers.RandomCrop(4, 4, seed=1),
        keras.layers.RandomBrightness(0.1, value_range=(0, 1)),
        keras.layers.RandomContrast(0.2), keras.layers.Flatten(), keras.layers.Dense(2)])
    theirs.save(tmp_path / "theirs.keras")
    ours = numnet.models.load_model(tmp_path / "theirs.keras")
    assert [type(layer).__name__ for layer in ours.layers] == [
        "RandomCrop", "RandomBrightness", "RandomContrast", "Flatten", "Dense"]
    assert ours.layers[1].factor == (-0.1, 0.1) and ours.layers[1].value_range == (0.0, 1.0)
    np.testing.assert_array_equal(ours.layers[-1].get_weights()[0],
                                  theirs.layers[-1].get_weights()[0])
    assert ours.predict(images((2, 6, 6, 3)), verbose=0).shape == (2, 2)
