"""RandomShear, RandomPerspective, RandomElasticTransform and RandomColorJitter: Keras 3.15's
numbers on fixed transformations (written in), inference is the identity, value ranges,
seeded repeatability, the statistics of the draws, configs and saving."""

import os

import numpy as np
import pytest

import numnet
from numnet.layers import (
    AugMix,
    ContrastLimitedAdaptiveHistogramEqualization,
    RandAugment,
    RandomColorJitter,
    RandomElasticTransform,
    RandomPerspective,
    RandomShear,
)


def _images():
    return np.random.default_rng(3).uniform(0, 255, (2, 7, 9, 3)).astype("float32")


SHEARS = np.array([[0.3, -0.2], [-0.5, 0.4]], "float32")
INDEX = [62, 125, 188, 251, 314, 377]
# Keras 3.15's transform_images on _images() with the shears above: values at INDEX, and sum
SHEAR_CASES = [
    ("reflect", "bilinear", [134.8304, 110.3936, 145.1062, 132.4595, 106.2465, 50.87476],
     48225.934),
    ("reflect", "nearest", [52.47264, 136.7425, 157.7574, 143.0628, 106.2465, 30.42813],
     47256.742),
    ("constant", "bilinear", [134.8304, 110.3936, 3.0, 132.4595, 106.2465, 3.0], 34696.051),
    ("constant", "nearest", [52.47264, 136.7425, 3.0, 143.0628, 106.2465, 3.0], 33126.844),
    ("nearest", "bilinear", [134.8304, 110.3936, 127.6958, 132.4595, 106.2465, 230.6052],
     49053.344),
    ("nearest", "nearest", [52.47264, 136.7425, 112.8165, 143.0628, 106.2465, 230.6052],
     48502.75),
    ("wrap", "bilinear", [134.8304, 110.3936, 105.2397, 132.4595, 106.2465, 228.2165],
     48820.152),
    ("wrap", "nearest", [52.47264, 136.7425, 88.74503, 143.0628, 106.2465, 252.1053],
     47663.766),
]

CORNERS = [[0.0, 0.0], [8.0, 0.0], [0.0, 6.0], [8.0, 6.0]]
PERSPECTIVE = {
    "apply_perspective": np.array([True, False]),
    "start_points": np.array([CORNERS, CORNERS], "float32"),
    "end_points": np.array(
        [[[0.0, 0.0], [7.9583940505981445, 0.0], [0.0, 7.057330131530762],
          [9.0743989944458, 5.841871738433838]],
         [[0.0, 0.0], [8.153181076049805, 0.0], [0.0, 5.5088276863098145],
          [5.8859477043151855, 4.9836015701293945]]], "float32"),
}
PERSPECTIVE_CASES = [
    ("bilinear", [148.3474, 156.2416, 227.4547, 177.8334, 30.42813, 30.3227], 49029.828),
    ("nearest", [191.817, 189.7216, 246.028, 177.8334, 30.42813, 30.3227], 48869.039),
]


@pytest.mark.parametrize("fill_mode, interpolation, values, total", SHEAR_CASES)
def test_shear_of_a_fixed_transformation_matches_keras(fill_mode, interpolation, values,
                                                       total):
    layer = RandomShear(x_factor=0.5, y_factor=0.5, fill_mode=fill_mode,
                        interpolation=interpolation, fill_value=3.0)
    out = layer.transform_images(_images(), {"shear_factor": SHEARS}).numpy()
    assert out.shape == (2, 7, 9, 3) and out.dtype == np.float32
    np.testing.assert_allclose(out.ravel()[INDEX], values, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(out.sum(), total, rtol=1e-6)


def test_shear_by_hand_and_of_one_image():
    layer = RandomShear(x_factor=0.5, fill_mode="constant")
    image = np.arange(6.0, dtype="float32").reshape(2, 3, 1)
    out = layer.transform_images(image, {"shear_factor": np.array([[1.0, 0.0]])})
    np.testing.assert_array_equal(out.numpy()[..., 0], [[0, 1, 2], [4, 5, 0]])
    zero = layer.transform_images(image[None], {"shear_factor": np.zeros((1, 2))})
    np.testing.assert_array_equal(zero.numpy()[0], image)


@pytest.mark.parametrize("interpolation, values, total", PERSPECTIVE_CASES)
def test_perspective_of_a_fixed_transformation_matches_keras(interpolation, values, total):
    layer = RandomPerspective(factor=1.0, scale=0.6, interpolation=interpolation,
                              fill_value=5.0)
    out = layer.transform_images(_images(), PERSPECTIVE).numpy()
    np.testing.assert_allclose(out.ravel()[INDEX], values, rtol=1e-5, atol=2e-4)
    np.testing.assert_allclose(out.sum(), total, rtol=1e-5)
    np.testing.assert_array_equal(out[1], _images()[1])  # not chosen: as it was


@pytest.mark.parametrize("make", [
    lambda: RandomShear(0.3, 0.3, seed=1),
    lambda: RandomPerspective(seed=1),
    lambda: RandomElasticTransform(seed=1),
    lambda: RandomColorJitter(brightness_factor=0.2, contrast_factor=0.3,
                              saturation_factor=0.4, hue_factor=0.2, seed=1),
    lambda: RandAugment(num_ops=3, seed=1),
    lambda: AugMix(seed=1),
    lambda: AugMix(all_ops=False, num_chains=2, chain_depth=4, seed=1),
])
def test_inference_is_identity_training_changes_and_seeds_repeat(make):
    x = _images()
    layer = make()
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    out = layer(x, training=True).numpy()
    assert out.shape == x.shape and out.dtype == np.float32
    assert not np.allclose(out, x)
    assert out.min() >= 0.0 and out.max() <= 255.0 + 1e-3
    np.testing.assert_array_equal(make()(x, training=True).numpy(), out)
    single = make()(x[0], training=True).numpy()
    assert single.shape == x[0].shape


def test_zero_factors_leave_images_unchanged():
    x = _images()
    np.testing.assert_allclose(RandomShear(0.0, 0.0, seed=2)(x, training=True).numpy(), x,
                               atol=1e-4)
    np.testing.assert_array_equal(RandomPerspective(factor=0.0, seed=2)(x).numpy(), x)
    np.testing.assert_allclose(RandomPerspective(scale=0.0, seed=2)(x).numpy(), x, atol=1e-3)
    np.testing.assert_array_equal(RandomElasticTransform(factor=0.0, seed=2)(x).numpy(), x)
    np.testing.assert_array_equal(RandomElasticTransform(scale=0.0, seed=2)(x).numpy(), x)
    np.testing.assert_array_equal(RandomColorJitter(seed=2)(x).numpy(), x)
    np.testing.assert_array_equal(RandAugment(num_ops=0, seed=2)(x).numpy(), x)


def test_rand_augment_builds_its_augmentations_from_factor_as_keras():
    layer = RandAugment(factor=0.6, value_range=(0, 1))
    assert list(layer._ops) == [
        "random_shear", "random_translation", "random_rotation", "random_brightness",
        "random_color_degeneration", "random_contrast", "random_sharpness",
        "random_posterization", "solarization", "auto_contrast", "equalization"]
    assert layer._ops["random_shear"].x_factor == (0.0, 0.6)
    assert layer._ops["random_posterization"].factor == (1, 4)  # max(1, int(8 * 0.6))
    assert list(layer._ops["solarization"].value_range) == [0.0, 1.0]
    assert len(AugMix(all_ops=False)._ops) == 7 and len(AugMix()._ops) == 11


def test_rand_augment_picks_each_augmentation_about_equally(monkeypatch):
    layer = RandAugment(num_ops=2, seed=0)
    counts = dict.fromkeys(layer._ops, 0)
    for name, op in layer._ops.items():
        def count(images, name=name):
            counts[name] += 1
            return images
        monkeypatch.setattr(op, "_augment", count)
    x = np.zeros((1, 4, 4, 3), "float32")
    for _ in range(1100):
        layer(x, training=True)
    assert sum(counts.values()) == 2200
    assert all(150 < c < 250 for c in counts.values()), counts  # 200 each expected


def test_aug_mix_is_a_convex_blend_of_chains(monkeypatch):
    layer = AugMix(num_chains=2, chain_depth=1, alpha=0.5, seed=0)
    for op in layer._ops.values():  # every augmentation adds 10: the blend adds w's share
        monkeypatch.setattr(op, "_augment", lambda images: images + 10.0)
    x = np.full((1, 2, 2, 1), 100.0, "float32")
    rng = np.random.default_rng(0)
    mixing = rng.dirichlet([0.5, 0.5])
    weight = rng.beta(0.5, 0.5)
    picks = rng.integers(0, 12, 1), rng.integers(0, 12, 1)
    added = sum(m * (10.0 if p[0] < 11 else 0.0) for m, p in zip(mixing, picks))
    out = layer(x, training=True).numpy()
    np.testing.assert_allclose(out, 100.0 + (1 - weight) * added, rtol=1e-6)


def test_shear_draws_fill_the_factor_ranges_with_random_signs():
    layer = RandomShear(x_factor=(0.1, 0.3), y_factor=0.2, seed=0)
    draws = np.concatenate([layer.get_random_transformation(np.zeros((50, 4, 4, 1)))
                            ["shear_factor"] for _ in range(20)])
    sx, sy = draws[:, 0], draws[:, 1]
    assert draws.dtype == np.float32
    assert np.all((np.abs(sx) >= 0.1) & (np.abs(sx) <= 0.3))  # the sign flips both together
    assert np.all(np.abs(sy) <= 0.2)
    assert abs(np.abs(sx).mean() - 0.2) < 0.01
    assert 0.45 < (sx < 0).mean() < 0.55
    assert layer.get_random_transformation(np.zeros((2, 4, 4, 1)), training=False) is None


def test_perspective_draws_keep_the_origin_and_move_corners_within_scale():
    layer = RandomPerspective(factor=(0.5, 0.5), scale=0.4, seed=0)
    t = layer.get_random_transformation(np.zeros((4000, 9, 11, 1)))
    np.testing.assert_array_equal(t["end_points"][:, 0], 0.0)
    start, end = t["start_points"], t["end_points"]
    moved = end[start > 0] / start[start > 0]
    assert np.all((moved >= 0.8 - 1e-6) & (moved <= 1.2 + 1e-6))
    assert abs(moved.mean() - 1.0) < 0.005
    np.testing.assert_array_equal(end[start == 0], 0.0)  # a zero coordinate stays zero
    assert 0.47 < t["apply_perspective"].mean() < 0.53  # the probability is 0.5
    drawn = RandomPerspective(factor=0.5, seed=0).get_random_transformation(
        np.zeros((4000, 9, 11, 1)))
    assert 0.22 < drawn["apply_perspective"].mean() < 0.28  # probability uniform in [0, 0.5]


def test_elastic_transform_strength_and_choice():
    layer = RandomElasticTransform(factor=(1.0, 1.0), scale=(0.5, 0.5), value_range=(0, 1),
                                   seed=0)
    x = np.random.default_rng(0).uniform(0, 1, (3, 16, 16, 1)).astype("float32")
    t = layer.get_random_transformation(x)
    assert t["apply_transform"].all() and t["distortion_factor"] == 0.5
    out = layer.transform_images(x, t).numpy()
    again = layer.transform_images(x, t).numpy()
    np.testing.assert_array_equal(out, again)  # the field's seed travels in the draws
    assert out.min() >= 0 and out.max() <= 1 and not np.allclose(out, x)
    flat = np.full((1, 16, 16, 1), 7.0, "float32")
    np.testing.assert_allclose(RandomElasticTransform(seed=1)(flat).numpy(), 7.0, atol=1e-4)


def test_color_jitter_brightness_by_hand_and_stages_draw_differently():
    jitter = RandomColorJitter(brightness_factor=(0.5, 0.5), value_range=(0, 1))
    out = jitter(np.array([[[[0.1, 0.2, 0.7]]]], "float32"), training=True).numpy()
    np.testing.assert_allclose(out.ravel(), [0.6, 0.7, 1.0], atol=1e-6)
    x = _images()
    both = RandomColorJitter(brightness_factor=0.5, contrast_factor=0.5, seed=4)
    only = RandomColorJitter(brightness_factor=0.5, seed=4)
    assert not np.allclose(both(x).numpy(), only(x).numpy())


def test_gradients_flow_through_the_geometric_layers():
    x = numnet.Tensor(_images(), requires_grad=True)
    out = RandomShear(0.3, 0.3, seed=0, fill_mode="constant")(x, training=True)
    numnet.ops.sum(out).backward()
    assert x.grad.shape == x.shape and np.isfinite(x.grad).all() and x.grad.sum() > 0


@pytest.mark.parametrize("layer, expected", [
    (RandomShear(x_factor=0.5, y_factor=(0.1, 0.3)),
     {"x_factor": (-0.5, 0.5), "y_factor": (0.1, 0.3), "fill_mode": "reflect",
      "interpolation": "bilinear", "seed": None, "fill_value": 0.0,
      "data_format": "channels_last"}),
    (RandomPerspective(), {"factor": (0, 1.0), "scale": 1.0, "interpolation": "bilinear",
                           "fill_value": 0.0, "seed": None, "data_format": "channels_last"}),
    (RandomElasticTransform(), {"factor": (0, 1.0), "scale": (0, 1.0),
                                "interpolation": "bilinear", "fill_mode": "reflect",
                                "fill_value": 0.0, "value_range": [0.0, 255.0],
                                "seed": None, "data_format": "channels_last"}),
    (RandAugment(), {"value_range": (0, 255), "num_ops": 2, "factor": (0, 0.5),
                     "interpolation": "bilinear", "seed": None}),
    (AugMix(), {"value_range": (0, 255), "num_chains": 3, "chain_depth": 3, "factor": (0, 0.3),
                "alpha": 1.0, "all_ops": True, "interpolation": "bilinear", "seed": None}),
    (RandomColorJitter(brightness_factor=0.2),
     {"value_range": (0, 255), "brightness_factor": 0.2, "contrast_factor": None,
      "saturation_factor": None, "hue_factor": None, "seed": None,
      "data_format": "channels_last"}),
])
def test_configs_as_keras_and_round_trip(layer, expected):
    config = layer.get_config()
    for key, value in expected.items():
        assert config[key] == value if not isinstance(value, (tuple, list)) else \
            list(config[key]) == list(value), key
    again = type(layer).from_config(config)
    assert again.get_config() == config


@pytest.mark.parametrize("make, message", [
    (lambda: RandomShear(x_factor=1.5), "x_factor"),
    (lambda: RandomShear(fill_mode="mirror"), "fill_mode"),
    (lambda: RandomPerspective(scale=2.0), "scale"),
    (lambda: RandomPerspective(interpolation="cubic"), "interpolation"),
    (lambda: RandomElasticTransform(factor=-0.5), "factor"),
    (lambda: RandAugment(num_ops=-1), "num_ops"),
    (lambda: AugMix(alpha=0), "alpha"),
    (lambda: AugMix(num_chains=0), "num_chains"),
])
def test_bad_arguments(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_augmentations_round_trip_numnet_files(tmp_path):
    model = numnet.Sequential([
        numnet.layers.Input((7, 9, 3)), RandomShear(0.2, 0.2, seed=0),
        RandomPerspective(seed=0), RandomElasticTransform(seed=0),
        RandomColorJitter(brightness_factor=0.1, hue_factor=0.1, seed=0),
        RandAugment(seed=0), AugMix(seed=0),
    ])
    path = str(tmp_path / "model.numnet")
    model.save(path)
    again = numnet.models.load_model(path)
    assert [type(layer).__name__ for layer in again.layers] == \
        ["RandomShear", "RandomPerspective", "RandomElasticTransform", "RandomColorJitter",
         "RandAugment", "AugMix"]
    np.testing.assert_array_equal(again.predict(_images(), verbose=0), _images())


# Keras 3.15 on default_rng(5): uniform(0, 255, (2, 13, 10, 3)), then uniform(0, 1, (12, 16, 1))
# squared (the case with value_range (0, 1)); values at the indices and the sum
CLAHE_CASES = [
    ({}, [129, 259, 389, 519, 649, 779],
     [2.93678, 104.5369, 51.74042, 115.6591, 104.5369, 211.0707], 96603.141),
    ({"clip_limit": 2.0, "tile_grid_size": (3, 4)}, [129, 259, 389, 519, 649, 779],
     [1.587179, 103.8979, 49.88788, 117.5094, 101.8929, 209.6612], 96223.078),
    ({"clip_limit": 0.0, "tile_grid_size": (2, 2)}, [129, 259, 389, 519, 649, 779],
     [6.088776, 114.0378, 51.0, 108.7745, 110.602, 196.7143], 101040.66),
    ({"value_range": (0, 1), "tile_grid_size": (4, 4), "clip_limit": 1.5},
     [31, 63, 95, 127, 159, 191],
     [0.0, 0.01688235, 0.1475925, 0.01323531, 0.006624149, 0.9303386], 71.46949),
    ({"tile_grid_size": (1, 1), "clip_limit": 100.0}, [129, 259, 389, 519, 649, 779],
     [1.976744, 120.4724, 43.15385, 120.5814, 104.7674, 205.9615], 99851.516),
]


def _clahe_inputs():
    rng = np.random.default_rng(5)
    x = rng.uniform(0, 255, (2, 13, 10, 3)).astype("float32")
    return x, rng.uniform(0, 1, (12, 16, 1)).astype("float32") ** 2


@pytest.mark.parametrize("args, index, values, total", CLAHE_CASES)
def test_clahe_matches_keras(args, index, values, total):
    x, small = _clahe_inputs()
    x = small if "value_range" in args else x
    layer = ContrastLimitedAdaptiveHistogramEqualization(**args)
    out = layer(x).numpy()
    assert out.shape == x.shape and out.dtype == np.float32
    scale = 1.0 if "value_range" in args else 255.0
    np.testing.assert_allclose(out.ravel()[index], values, rtol=1e-5, atol=1e-6 * scale)
    np.testing.assert_allclose(out.sum(), total, rtol=1e-6)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), out)  # always applies


def test_clahe_one_tile_by_hand():
    # no limit: level -> (cdf(level) - min cdf) * 255 / (pixels - min cdf), min cdf = 0 here
    clahe = ContrastLimitedAdaptiveHistogramEqualization(clip_limit=0, tile_grid_size=(1, 1))
    out = clahe(np.array([[[[10.0], [20.0], [30.0], [40.0]]]], "float32")).numpy()
    np.testing.assert_allclose(out.ravel(), [63.75, 127.5, 191.25, 255.0])
    flat = clahe(np.full((1, 4, 4, 1), 9.0, "float32")).numpy()
    np.testing.assert_array_equal(flat, 255.0)
    # limit 4: a count of 1 against a cap of 4 * 4 / 256: the excess spread on 256 bins
    limited = ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(1, 1))
    out = limited(np.array([[[[10.0], [20.0], [30.0], [40.0]]]], "float32")).numpy()
    cap, spread = 4 * 4 / 256, (4 - 4 * (4 * 4 / 256)) / 256
    cdf = np.array([11, 21, 31, 41]) * spread + np.arange(1, 5) * cap
    low = spread  # the first bin's cumulative count
    np.testing.assert_allclose(out.ravel(), (cdf - low) * 255 / (4 - low), rtol=1e-5)
    with pytest.raises(ValueError, match="tile_grid_size"):
        ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(0, 2))
    config = clahe.get_config()
    assert "seed" not in config and config["tile_grid_size"] == (1, 1)
    assert ContrastLimitedAdaptiveHistogramEqualization.from_config(config).get_config() == \
        config


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


def test_fixed_transformations_against_keras_itself():
    keras = _keras()
    x = _images()
    shear = {"shear_factor": SHEARS, "input_shape": x.shape}
    for fill_mode in ("reflect", "constant"):
        theirs = keras.layers.RandomShear(0.5, 0.5, fill_mode=fill_mode)
        ours = RandomShear(0.5, 0.5, fill_mode=fill_mode)
        np.testing.assert_allclose(ours.transform_images(x, shear).numpy(),
                                   np.asarray(theirs.transform_images(x, shear)), atol=1e-3)
    theirs = keras.layers.RandomPerspective(scale=0.6, seed=5)
    t = {k: np.asarray(v) for k, v in theirs.get_random_transformation(x).items()
         if k != "input_shape"}
    np.testing.assert_allclose(RandomPerspective(scale=0.6).transform_images(x, t).numpy(),
                               np.asarray(theirs.transform_images(x, t)), atol=1e-3)


def test_augmentations_load_from_keras_files(tmp_path):
    keras = _keras()
    model = keras.Sequential([keras.Input((7, 9, 3)), keras.layers.RandomShear(0.2, 0.1),
                              keras.layers.RandomPerspective(scale=0.3),
                              keras.layers.RandomElasticTransform(),
                              keras.layers.RandomColorJitter(contrast_factor=0.2),
                              keras.layers.RandAugment(), keras.layers.AugMix()])
    path = str(tmp_path / "augment.keras")
    model.save(path)
    ours = numnet.models.load_model(path)
    assert [type(layer).__name__ for layer in ours.layers] == \
        ["RandomShear", "RandomPerspective", "RandomElasticTransform", "RandomColorJitter",
         "RandAugment", "AugMix"]
    assert ours.layers[0].get_config()["y_factor"] in ((-0.1, 0.1), [-0.1, 0.1])
    np.testing.assert_array_equal(ours.predict(_images(), verbose=0), _images())
