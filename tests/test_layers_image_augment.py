"""MixUp, CutMix, RandomGrayscale, RandomInvert, RandomErasing, Solarization and AutoContrast:
hand values, the structure of the random draws, training/inference, configs, models, and
Keras 3 (JAX) where the layer is deterministic."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.autodiff.gradcheck import check_gradients

RNG = np.random.default_rng(5)


def _images(n=4, h=6, w=5, c=3, high=255.0):
    return (RNG.uniform(0, high, size=(n, h, w, c))).astype("float32")


def test_mixup_blends_pairs_and_labels_alike():
    x = _images()
    labels = np.eye(4, dtype="float32")
    out = layers.MixUp(alpha=0.5, seed=1)({"images": x, "labels": labels}, training=True)
    images, mixed = out["images"].numpy(), out["labels"].numpy()
    # each image is w x_i + (1 - w) x_j, and the label is the same blend of one-hots
    for i in range(4):
        w = mixed[i, i] if mixed[i].max() < 1 else 1.0
        j = int(np.argsort(mixed[i])[-2]) if np.count_nonzero(mixed[i]) == 2 else i
        np.testing.assert_allclose(images[i], w * x[i] + (1 - w) * x[j], rtol=1e-4, atol=1e-3)
    np.testing.assert_allclose(mixed.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(layers.MixUp()(x, training=False).numpy(), x)
    assert layers.MixUp(seed=3)(x[0], training=True).shape == x[0].shape  # one image: kept


def test_cutmix_pastes_boxes_and_weighs_labels_by_area():
    x = _images(n=6, h=8, w=8, c=2)
    out = layers.CutMix(seed=2)({"images": x, "labels": np.eye(6, dtype="float32")},
                                training=True)
    images, labels = out["images"].numpy(), out["labels"].numpy()
    for i in range(6):
        own = np.isclose(images[i], x[i]).all(axis=-1)
        kept = own.mean()
        if labels[i, i] < 1:
            j = int(np.argsort(labels[i])[-2]) if np.count_nonzero(labels[i]) == 2 else i
            pasted = ~own
            if j != i and pasted.any():
                np.testing.assert_allclose(images[i][pasted], x[j][pasted])
                rows, cols = np.nonzero(pasted)
                box = (rows.max() - rows.min() + 1) * (cols.max() - cols.min() + 1)
                assert box == pasted.sum()  # one rectangle
            assert abs(labels[i, i] - kept) <= 0.25  # the label weight is the box's area
    np.testing.assert_array_equal(layers.CutMix()(x, training=False).numpy(), x)


def test_grayscale_invert_and_their_probabilities():
    x = _images()
    gray = layers.RandomGrayscale(factor=1.0)(x, training=True).numpy()
    want = (x * np.array([0.2989, 0.5870, 0.1140], "float32")).sum(-1, keepdims=True)
    np.testing.assert_allclose(gray, np.repeat(want, 3, -1), rtol=1e-5)
    np.testing.assert_array_equal(layers.RandomGrayscale(factor=0.0)(x, training=True).numpy(),
                                  x)
    inverted = layers.RandomInvert(factor=(1.0, 1.0))(x, training=True).numpy()
    np.testing.assert_allclose(inverted, 255.0 - x, rtol=1e-6)
    layer = layers.RandomInvert(seed=0)  # factor 1.0: about half the images
    many = layer(np.zeros((2000, 1, 1, 1), "float32"), training=True).numpy()
    assert abs((many == 255).mean() - 0.5) < 0.05
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)


def test_random_erasing_boxes():
    x = np.ones((3, 10, 10, 2), "float32")
    erase = layers.RandomErasing(factor=(1.0, 1.0), scale=(0.16, 0.16), fill_value=0.0,
                                 seed=4)
    out = erase(x, training=True).numpy()
    for image in out:
        zeros = (image == 0).all(-1)
        assert 12 <= zeros.sum() <= 20  # a 4 x 4 box, give or take the edges
        rows, cols = np.nonzero(zeros)
        assert zeros.sum() == (np.ptp(rows) + 1) * (np.ptp(cols) + 1)
    noisy = layers.RandomErasing(factor=(1.0, 1.0), value_range=(0, 1), seed=1)(
        x * 0.5, training=True).numpy()
    assert noisy.min() >= 0 and noisy.max() <= 1
    colour = layers.RandomErasing(factor=(1.0, 1.0), fill_value=(10, 20, 30), seed=0)(
        _images(c=3), training=True).numpy()
    assert ((colour == [10, 20, 30]).all(-1)).any()


def test_solarization_by_hand():
    x = np.array([[[[0.25, 200.0]]]], "float32")
    np.testing.assert_allclose(layers.Solarization()(x, training=True).numpy(), 255.0 - x)
    # Keras draws t from [lower, upper * 255] = [0.5, 127.5]: 0.25 stays, 200 flips
    half = layers.Solarization(threshold_factor=(0.5, 0.5), seed=3)
    for _ in range(5):
        np.testing.assert_allclose(half(x, training=True).numpy(), [[[[0.25, 55.0]]]])
    unit = layers.Solarization(threshold_factor=(0.5, 0.5), value_range=(0, 1))
    np.testing.assert_allclose(unit(x / 255, training=True).numpy(),
                               [[[[0.25 / 255, 55 / 255]]]], rtol=1e-5)
    added = layers.Solarization(addition_factor=(0.2, 0.2), threshold_factor=1.0, seed=0)
    out = added(np.zeros((50, 1, 1, 1), "float32"), training=True).numpy().ravel()
    assert (out >= 0).all() and (out <= 255).all()  # x + a in [0.2, 51], flipped above t
    np.testing.assert_array_equal(layers.Solarization()(x, training=False).numpy(), x)


def test_auto_contrast_by_hand_and_gradient():
    x = np.array([[[[0.2, 5.0], [0.4, 5.0], [0.6, 5.0]]]], "float32")
    out = layers.AutoContrast(value_range=(0, 1))(x).numpy()
    np.testing.assert_allclose(out[..., 0].ravel(), [0.0, 0.5, 1.0], atol=1e-6)
    np.testing.assert_array_equal(out[..., 1], x[..., 1])  # a flat channel is kept
    layer = layers.AutoContrast(value_range=(0, 1), dtype="float64")
    error = check_gradients(lambda t: layer(t, training=False) * 1.0,
                            [RNG.uniform(0, 1, (1, 2, 2, 1))])
    assert error < 1e-6


def test_mixup_gradients_reach_the_images():
    layer = layers.MixUp(seed=0, dtype="float64")
    x = RNG.normal(size=(3, 2, 2, 1))

    def fn(t):
        layer._rng = None  # the same draws at every evaluation
        return layer(t, training=True)

    assert check_gradients(fn, [x]) < 1e-6


@pytest.mark.parametrize("cls,kwargs", [
    (layers.MixUp, dict(alpha=0.3, seed=1)), (layers.CutMix, dict(factor=0.5, seed=1)),
    (layers.RandomGrayscale, dict(factor=0.3, seed=2)),
    (layers.RandomInvert, dict(factor=0.5, value_range=(0, 1))),
    (layers.RandomErasing, dict(scale=(0.1, 0.2), fill_value=3.0)),
    (layers.Solarization, dict(addition_factor=0.1, threshold_factor=(0.2, 0.8))),
    (layers.AutoContrast, dict(value_range=(0, 1))),
])
def test_configs_round_trip(cls, kwargs):
    layer = cls(**kwargs)
    clone = cls.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()


@pytest.mark.parametrize("bad", [
    lambda: layers.MixUp(alpha=0), lambda: layers.CutMix(factor=2),
    lambda: layers.RandomGrayscale(factor=1.5), lambda: layers.RandomInvert(value_range=3),
    lambda: layers.RandomErasing(fill_value=(1, 2)), lambda: layers.Solarization(
        threshold_factor=-0.1)])
def test_bad_arguments(bad):
    with pytest.raises(ValueError):
        bad()


def test_augmentations_in_a_model_that_trains(tmp_path):
    x = _images(n=32, h=6, w=6, c=3, high=1.0)
    y = (x.mean(axis=(1, 2, 3)) > 0.5).astype("float32")
    model = numnet.Sequential([
        numnet.Input((6, 6, 3)), layers.RandomGrayscale(seed=0),
        layers.RandomInvert(value_range=(0, 1), seed=0), layers.AutoContrast((0, 1)),
        layers.Solarization(value_range=(0, 1), threshold_factor=1.0, seed=0),
        layers.RandomErasing(value_range=(0, 1), seed=0), layers.Flatten(),
        layers.Dense(1, activation="sigmoid")])
    model.compile("adam", "binary_crossentropy")
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()
    model.save(tmp_path / "augment.numnet")
    loaded = numnet.models.load_model(tmp_path / "augment.numnet")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5)


def test_deterministic_cases_match_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    x = _images()
    cases = [
        (layers.AutoContrast(), keras.layers.AutoContrast(), False),
        (layers.AutoContrast(value_range=(0, 1)), keras.layers.AutoContrast(value_range=(0, 1)),
         False),
        (layers.Solarization(), keras.layers.Solarization(), True),
        (layers.RandomGrayscale(factor=1.0), keras.layers.RandomGrayscale(factor=1.0), True),
        (layers.RandomInvert(factor=(1.0, 1.0)), keras.layers.RandomInvert(factor=(1.0, 1.0)),
         True),
        (layers.MixUp(), keras.layers.MixUp(), False),
        (layers.CutMix(), keras.layers.CutMix(), False),
    ]
    for ours, theirs, training in cases:
        data = x / 255 if ours.get_config().get("value_range") == [0.0, 1.0] else x
        np.testing.assert_allclose(ours(data, training=training).numpy(),
                                   np.asarray(theirs(data, training=training)),
                                   rtol=1e-5, atol=1e-3)
