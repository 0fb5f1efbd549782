"""RandomColorDegeneration, RandomPosterization, RandomSharpness and Pipeline: hand values,
draws within their factors, gradients, configs, models, and Keras 3 (JAX) with fixed factors."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.autodiff.gradcheck import check_gradients

RNG = np.random.default_rng(9)


def _images(n=2, high=255.0):
    return RNG.uniform(0, high, size=(n, 5, 6, 3)).astype("float32")


def test_color_degeneration_by_hand():
    x = _images()
    gray = (x * np.array([0.2989, 0.5870, 0.1140], "float32")).sum(-1, keepdims=True)
    half = layers.RandomColorDegeneration((0.5, 0.5))(x, training=True).numpy()
    np.testing.assert_allclose(half, np.clip(x + 0.5 * (gray - x), 0, 255), rtol=1e-5)
    np.testing.assert_array_equal(layers.RandomColorDegeneration(0.5)(x, training=False)
                                  .numpy(), x)
    assert layers.RandomColorDegeneration(0.3).factor == (-0.3, 0.3)


def test_posterization_keeps_top_bits():
    x = np.array([[[[200.0, 63.0, 130.0, 255.0]]]], "float32")
    two = layers.RandomPosterization((2, 2))(x, training=True).numpy()
    np.testing.assert_array_equal(two, [[[[192.0, 0.0, 128.0, 192.0]]]])
    unit = layers.RandomPosterization((1, 1), value_range=(0, 1))(x / 255, training=True)
    np.testing.assert_allclose(unit.numpy(), [[[[128 / 255, 0.0, 128 / 255, 128 / 255]]]],
                               rtol=1e-6)
    layer = layers.RandomPosterization(4, seed=0)  # bits drawn from [1, 4)
    out = layer(np.full((50, 1, 1, 1), 255.0, "float32"), training=True).numpy().ravel()
    assert set(out.tolist()) <= {128.0, 192.0, 224.0}


def test_sharpness_by_hand_and_gradient():
    x = _images(n=1)
    padded = np.pad(x[0], ((1, 1), (1, 1), (0, 0)))
    smooth = sum(padded[i:i + 5, j:j + 6] * (5 / 13 if (i, j) == (1, 1) else 1 / 13)
                 for i in range(3) for j in range(3))
    blurred = layers.RandomSharpness((0.0, 0.0))(x, training=True).numpy()[0]
    np.testing.assert_allclose(blurred, np.clip(smooth, 0, 255), rtol=1e-5, atol=1e-4)
    same = layers.RandomSharpness((0.5, 0.5))(x, training=True).numpy()
    np.testing.assert_allclose(same, x, rtol=1e-6)
    layer = layers.RandomSharpness((0.2, 0.2), value_range=(-100, 100), dtype="float64")
    assert check_gradients(lambda t: layer(t, training=True), [RNG.normal(size=(1, 3, 4, 2))]) \
        < 1e-6


def test_pipeline_runs_layers_in_order_and_round_trips(tmp_path):
    x = _images()
    pipeline = layers.Pipeline([layers.RandomInvert((1.0, 1.0)),
                                layers.RandomColorDegeneration((1.0, 1.0))])
    gray = ((255 - x) * np.array([0.2989, 0.5870, 0.1140], "float32")).sum(-1, keepdims=True)
    np.testing.assert_allclose(pipeline(x).numpy(), np.repeat(gray, 3, -1), rtol=1e-5,
                               atol=1e-3)
    np.testing.assert_array_equal(pipeline(x, training=False).numpy(), x)
    clone = layers.Pipeline.from_config(pipeline.get_config())
    assert [type(layer).__name__ for layer in clone.layers] == ["RandomInvert",
                                                               "RandomColorDegeneration"]
    mixed = layers.Pipeline([layers.MixUp(seed=0)])({"images": x, "labels": np.eye(2)})
    assert set(mixed) == {"images", "labels"}
    with pytest.raises(TypeError, match="not a layer"):
        layers.Pipeline([layers.Dense(2), "flip"])
    model = numnet.Sequential([numnet.Input((5, 6, 3)),
                               layers.Pipeline([layers.RandomSharpness(0.3, seed=0),
                                                layers.RandomPosterization(6, seed=0)]),
                               layers.Flatten(), layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(x / 255, np.ones((2, 1)), epochs=1, verbose=0)
    model.save(tmp_path / "pipeline.numnet")
    loaded = numnet.models.load_model(tmp_path / "pipeline.numnet")
    np.testing.assert_allclose(loaded.predict(x / 255, verbose=0),
                               model.predict(x / 255, verbose=0), rtol=1e-6)


@pytest.mark.parametrize("cls,kwargs", [
    (layers.RandomColorDegeneration, dict(factor=(0.2, 0.9), value_range=(0, 1), seed=1)),
    (layers.RandomPosterization, dict(factor=(2, 6))),
    (layers.RandomSharpness, dict(factor=0.4, seed=3))])
def test_configs_and_errors(cls, kwargs):
    layer = cls(**kwargs)
    assert cls.from_config(layer.get_config()).get_config() == layer.get_config()
    with pytest.raises(ValueError, match="factor"):
        cls(factor=9)


def test_fixed_factors_match_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    x = _images()
    for name, kwargs in [("RandomColorDegeneration", dict(factor=(0.7, 0.7))),
                         ("RandomPosterization", dict(factor=(3, 3))),
                         ("RandomSharpness", dict(factor=(0.2, 0.2))),
                         ("RandomSharpness", dict(factor=(0.9, 0.9), value_range=(0, 1)))]:
        data = x / 255 if kwargs.get("value_range") == (0, 1) else x
        ours = getattr(layers, name)(**kwargs)(data, training=True).numpy()
        theirs = np.asarray(getattr(keras.layers, name)(**kwargs)(data, training=True))
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-4)
    pipeline = [keras.layers.AutoContrast(), keras.layers.RandomInvert((1.0, 1.0))]
    ours = layers.Pipeline([layers.AutoContrast(), layers.RandomInvert((1.0, 1.0))])
    np.testing.assert_allclose(ours(x).numpy(), np.asarray(keras.layers.Pipeline(pipeline)(x)),
                               rtol=1e-5, atol=1e-4)


def test_hsv_round_trip_saturation_and_hue():
    from numnet.layers.image_color import hsv_to_rgb, rgb_to_hsv

    x = RNG.uniform(0, 1, size=(2, 4, 4, 3)).astype("float32")
    hsv = rgb_to_hsv(x)
    np.testing.assert_allclose(hsv[..., 2], x.max(-1), rtol=1e-6)
    np.testing.assert_allclose(hsv[..., 1], (x.max(-1) - x.min(-1)) / x.max(-1), rtol=1e-5)
    np.testing.assert_allclose(hsv_to_rgb(hsv), x, atol=1e-5)
    pixel = np.array([[[[200.0, 100.0, 50.0]]]], "float32")
    np.testing.assert_allclose(layers.RandomSaturation((0.5, 0.5))(pixel, training=True)
                               .numpy(), pixel, rtol=1e-5)
    gray = layers.RandomSaturation((0.0, 0.0))(pixel, training=True).numpy()
    np.testing.assert_allclose(gray, [[[[200.0, 200.0, 200.0]]]], rtol=1e-5)
    # half a turn either way is the same hue: red (0) becomes cyan (1/2)
    red = np.array([[[[1.0, 0.0, 0.0]]]], "float32")
    np.testing.assert_allclose(layers.RandomHue((1.0, 1.0), value_range=(0, 1))(
        red, training=True).numpy(), [[[[0.0, 1.0, 1.0]]]], atol=1e-6)
    assert layers.RandomSaturation(0.5).factor == (-0.5, 0.5)  # Keras 3.15's range


def test_saturation_and_hue_match_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    x = _images()
    for name, kwargs in [("RandomSaturation", dict(factor=(0.3, 0.3))),
                         ("RandomSaturation", dict(factor=(0.8, 0.8))),
                         ("RandomHue", dict(factor=(1.0, 1.0))),
                         ("RandomHue", dict(factor=(0.0, 0.0), value_range=(0, 1)))]:
        data = x / 255 if kwargs.get("value_range") == (0, 1) else x
        ours = getattr(layers, name)(**kwargs)(data, training=True).numpy()
        theirs = np.asarray(getattr(keras.layers, name)(**kwargs)(data, training=True))
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-3)


def test_equalization_by_hand_and_against_keras():
    x = np.array([[[[10.0], [20.0], [30.0], [40.0]]]], "float32")
    np.testing.assert_array_equal(layers.Equalization()(x, training=True).numpy().ravel(),
                                  [0.0, 85.0, 170.0, 255.0])
    np.testing.assert_array_equal(layers.Equalization()(x, training=False).numpy(), x)
    flat = np.full((1, 3, 3, 1), 7.0, "float32")
    np.testing.assert_array_equal(layers.Equalization()(flat, training=True).numpy(), flat)
    unit = layers.Equalization(value_range=(0, 1))(x / 255, training=True).numpy().ravel()
    np.testing.assert_allclose(unit, [0.0, 1 / 3, 2 / 3, 1.0], rtol=1e-5)
    layer = layers.Equalization(bins=16)
    assert layers.Equalization.from_config(layer.get_config()).bins == 16
    with pytest.raises(ValueError, match="bins"):
        layers.Equalization(bins=1)
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    images = _images()
    for kwargs in (dict(), dict(bins=16), dict(value_range=(0, 1))):
        data = images / 255 if "value_range" in kwargs else images
        np.testing.assert_allclose(layers.Equalization(**kwargs)(data, training=True).numpy(),
                                   np.asarray(keras.layers.Equalization(**kwargs)(data)),
                                   rtol=1e-5, atol=1e-5)


def test_gaussian_blur_by_hand_gradient_and_keras():
    x = RNG.uniform(0, 255, size=(1, 4, 5, 2)).astype("float32")
    blur = layers.RandomGaussianBlur(factor=(1.0, 1.0), sigma=(0.5, 0.5))
    taps = np.exp(-0.5 * (np.arange(3) - 1.0) ** 2 / (0.5 + 1e-6) ** 2)
    kernel = np.outer(taps, taps) / taps.sum() ** 2
    padded = np.pad(x[0], ((1, 1), (1, 1), (0, 0)))
    want = sum(padded[i:i + 4, j:j + 5] * kernel[i, j] for i in range(3) for j in range(3))
    np.testing.assert_allclose(blur(x, training=True).numpy()[0], want, rtol=1e-5, atol=1e-3)
    np.testing.assert_array_equal(layers.RandomGaussianBlur(factor=(0.0, 0.0))(
        x, training=True).numpy(), x)
    np.testing.assert_array_equal(blur(x, training=False).numpy(), x)
    layer = layers.RandomGaussianBlur(factor=(1.0, 1.0), kernel_size=(3, 5), sigma=(0.8, 0.8),
                                      value_range=(-100, 100), dtype="float64")
    assert check_gradients(lambda t: layer(t, training=True), [RNG.normal(size=(1, 6, 5, 1))]) \
        < 1e-6
    assert layers.RandomGaussianBlur.from_config(layer.get_config()).kernel_size == (3, 5)
    with pytest.raises(ValueError, match="kernel_size"):
        layers.RandomGaussianBlur(kernel_size=4)
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    images = _images()
    for kwargs in (dict(sigma=(0.7, 0.7)), dict(sigma=(0.4, 0.4), kernel_size=(3, 5))):
        ours = layers.RandomGaussianBlur(factor=(1.0, 1.0), **kwargs)(images, training=True)
        theirs = keras.layers.RandomGaussianBlur(factor=(1.0, 1.0), **kwargs)(images,
                                                                               training=True)
        np.testing.assert_allclose(ours.numpy(), np.asarray(theirs), rtol=1e-5, atol=1e-3)
