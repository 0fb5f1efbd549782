"""tf.keras's ImageDataGenerator (numnet.preprocessing.image): exact transforms on small arrays,
normalisation and its statistics, seeded batches, flow_from_directory on PNG files, training with
the iterators, and (where TensorFlow is installed) the same arrays as TensorFlow's legacy one."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import numnet
from numnet.preprocessing.image import (
    ImageDataGenerator,
    apply_affine_transform,
    apply_brightness_shift,
    apply_channel_shift,
    random_rotation,
    random_shift,
    random_zoom,
)

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

GRID = np.arange(9.0, dtype="float32").reshape(3, 3, 1)  # rows [0 1 2], [3 4 5], [6 7 8]


def _last(x, **kw):
    """apply_affine_transform of a channels-last image, its only channel."""
    return apply_affine_transform(x, row_axis=0, col_axis=1, channel_axis=2, **kw)[..., 0]


# ----------------------------------------------------------------------------- transforms


def test_rotation_by_90_degrees_turns_the_image_counter_clockwise():
    out = _last(GRID, theta=90)
    np.testing.assert_allclose(out, [[2, 5, 8], [1, 4, 7], [0, 3, 6]], atol=1e-5)
    np.testing.assert_allclose(out, np.rot90(GRID[..., 0]), atol=1e-5)
    assert out.dtype == np.float32


def test_one_pixel_shifts_fill_with_the_nearest_or_a_constant():
    # as tf.keras: ty moves the rows, tx the columns
    np.testing.assert_array_equal(_last(GRID, ty=1), [[3, 4, 5], [6, 7, 8], [6, 7, 8]])
    np.testing.assert_array_equal(_last(GRID, ty=-1, fill_mode="constant", cval=-1.0),
                                  [[-1, -1, -1], [0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(_last(GRID, tx=1, fill_mode="constant"),
                                  [[1, 2, 0], [4, 5, 0], [7, 8, 0]])
    np.testing.assert_array_equal(_last(GRID, tx=-1, fill_mode="reflect"),
                                  [[0, 0, 1], [3, 3, 4], [6, 6, 7]])


def test_half_pixel_shift_interpolates_bilinearly():
    np.testing.assert_allclose(_last(GRID, ty=0.5), [[1.5, 2.5, 3.5], [4.5, 5.5, 6.5],
                                                     [6, 7, 8]], atol=1e-5)


def test_channels_first_and_channels_last_give_the_same_image():
    x = np.random.default_rng(0).uniform(0, 1, (5, 5, 3)).astype("float32")
    last = apply_affine_transform(x, theta=30, tx=1, zx=1.2, row_axis=0, col_axis=1,
                                  channel_axis=2)
    first = apply_affine_transform(x.transpose(2, 0, 1), theta=30, tx=1, zx=1.2)
    np.testing.assert_allclose(first.transpose(1, 2, 0), last, atol=1e-6)


def test_no_transform_returns_the_image_unchanged():
    assert apply_affine_transform(GRID, row_axis=0, col_axis=1, channel_axis=2) is GRID


def test_flips_rescale_and_channel_shift_in_apply_transform():
    gen = ImageDataGenerator()
    out = gen.apply_transform(GRID, {"flip_horizontal": True, "flip_vertical": True})
    np.testing.assert_array_equal(out[..., 0], [[8, 7, 6], [5, 4, 3], [2, 1, 0]])
    np.testing.assert_array_equal(
        apply_channel_shift(np.array([[[0.0, 5.0, 10.0]]]), 3.0, channel_axis=2),
        [[[3.0, 8.0, 10.0]]])
    scaled = ImageDataGenerator(rescale=1 / 255).standardize(np.full((2, 2, 1), 255.0))
    np.testing.assert_allclose(scaled, 1.0)


def test_brightness_shift_through_an_8_bit_image():
    pytest.importorskip("PIL")
    out = apply_brightness_shift(np.array([[[10.0], [100.0], [255.0]]]), 0.5, scale=False)
    np.testing.assert_array_equal(out[..., 0], [[5, 50, 127]])


def test_bad_arguments_are_refused_by_name():
    with pytest.raises(ValueError, match="fill_mode"):
        ImageDataGenerator(fill_mode="mirror")
    with pytest.raises(ValueError, match="validation_split"):
        ImageDataGenerator(validation_split=1.5)
    with pytest.raises(ValueError, match="zoom_range"):
        ImageDataGenerator(zoom_range=(0.5, 1.0, 2.0))
    with pytest.raises(ValueError, match="brightness_range"):
        ImageDataGenerator(brightness_range=0.5)
    with pytest.raises(ValueError, match="3-D"):
        apply_affine_transform(np.zeros((2, 2)), theta=10)
    with pytest.raises(ValueError, match="4-D"):
        ImageDataGenerator().flow(np.zeros((4, 4, 3)))
    with pytest.raises(ValueError, match="labels"):
        ImageDataGenerator().flow(np.zeros((4, 2, 2, 1)), np.zeros(3))


def test_random_helpers_draw_from_np_random():
    x = np.random.default_rng(1).uniform(0, 1, (1, 6, 6)).astype("float32")
    np.random.seed(5)
    a = random_rotation(x, 40)
    np.random.seed(5)
    theta = np.random.uniform(-40, 40)
    np.testing.assert_allclose(a, apply_affine_transform(x, theta=theta), atol=1e-6)
    np.random.seed(5)
    b = random_shift(x, 0.2, 0.1)
    np.random.seed(5)
    tx, ty = np.random.uniform(-0.1, 0.1) * 6, np.random.uniform(-0.2, 0.2) * 6
    np.testing.assert_allclose(b, apply_affine_transform(x, tx=tx, ty=ty), atol=1e-6)
    assert random_zoom(x, (1, 1)) is x
    with pytest.raises(ValueError, match="zoom_range"):
        random_zoom(x, (0.5,))


# ----------------------------------------------------------------------------- normalisation


@pytest.mark.filterwarnings("ignore:ImageDataGenerator.fit")  # two channels: a warning
def test_featurewise_statistics_from_fit():
    x = np.zeros((2, 1, 2, 2), dtype="float32")
    x[0, ..., 0], x[1, ..., 0] = [[1, 3]], [[5, 7]]   # channel 0: mean 4, std sqrt(5)
    x[..., 1] = 10.0                                  # channel 1: mean 10, std 0
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(x)
    np.testing.assert_allclose(gen.mean.ravel(), [4, 10])
    np.testing.assert_allclose(gen.std.ravel(), [np.sqrt(5), 0], rtol=1e-6)
    assert gen.mean.shape == (1, 1, 2) and gen.mean.dtype == np.float32
    out = gen.standardize(x[0].copy())
    np.testing.assert_allclose(out[..., 0], [[-3 / (np.sqrt(5) + 1e-6), -1 / (np.sqrt(5) + 1e-6)]],
                               rtol=1e-6)
    np.testing.assert_allclose(out[..., 1], 0)


def test_fit_applies_rescale_first_and_std_sets_center():
    with pytest.warns(UserWarning, match="featurewise_center"):
        gen = ImageDataGenerator(featurewise_std_normalization=True, rescale=0.5)
    assert gen.featurewise_center
    gen.fit(np.array([2.0, 6.0], dtype="float32").reshape(2, 1, 1, 1))
    np.testing.assert_allclose(gen.mean.ravel(), [2.0])
    np.testing.assert_allclose(gen.std.ravel(), [1.0])


def test_samplewise_normalisation():
    gen = ImageDataGenerator(samplewise_center=True, samplewise_std_normalization=True)
    out = gen.standardize(np.array([[[1.0], [3.0]]], dtype="float32"))
    np.testing.assert_allclose(out.ravel(), [-1 / (1 + 1e-6), 1 / (1 + 1e-6)], rtol=1e-6)


def test_zca_whitening_whitens_and_refuses_large_images():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 2, 2, 1)).astype("float32") @ np.ones((1, 1), "float32")
    x[..., 0, 0, 0] += 2 * x[..., 0, 1, 0]    # correlated features
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gen = ImageDataGenerator(zca_whitening=True)
    gen.fit(x)
    white = gen.standardize(x.copy()).reshape(200, -1)
    # the centring is per channel, so the second moment (not the covariance) is the identity
    np.testing.assert_allclose(white.T @ white / 200, np.eye(4), atol=1e-4)
    with pytest.raises(ValueError, match="zca_whitening"):
        gen.fit(np.zeros((2, 64, 64, 3)))


def test_preprocessing_function_runs_before_rescale():
    gen = ImageDataGenerator(preprocessing_function=lambda x: x + 1, rescale=2.0)
    np.testing.assert_allclose(gen.standardize(np.zeros((1, 1, 1), "float32")), [[[2.0]]])


# ----------------------------------------------------------------------------- flow


def _images(n=10, size=6, channels=3):
    return np.random.default_rng(3).uniform(0, 255, (n, size, size, channels)).astype("float32")


AUGMENT = dict(rotation_range=20, width_shift_range=0.2, height_shift_range=[1, 2],
               shear_range=10, zoom_range=0.2, channel_shift_range=10.0, horizontal_flip=True,
               vertical_flip=True, rescale=1 / 255)


def test_same_seed_same_batches_other_seed_other_batches():
    x, y = _images(), np.arange(10)
    a = ImageDataGenerator(**AUGMENT).flow(x, y, batch_size=4, seed=7)
    b = ImageDataGenerator(**AUGMENT).flow(x, y, batch_size=4, seed=7)
    c = ImageDataGenerator(**AUGMENT).flow(x, y, batch_size=4, seed=8)
    for _ in range(4):
        (xa, ya), (xb, yb), (xc, _) = next(a), next(b), next(c)
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(ya, yb)
        assert not np.array_equal(xa, xc)
    assert xa.dtype == np.float32


def test_iterator_len_getitem_next_and_reset():
    x, y = _images(), np.arange(10)
    it = ImageDataGenerator().flow(x, y, batch_size=4, shuffle=False)
    assert len(it) == 3 and it.n == 10
    xb, yb = it[2]
    np.testing.assert_array_equal(yb, [8, 9])
    np.testing.assert_array_equal(xb, x[8:])
    with pytest.raises(ValueError, match="3 batches"):
        it[3]
    seen = [next(it)[1].tolist() for _ in range(4)]
    assert seen == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [0, 1, 2, 3]]
    it.reset()
    assert it.next()[1].tolist() == [0, 1, 2, 3]
    shuffled = ImageDataGenerator().flow(x, y, batch_size=10, seed=1)
    labels = shuffled[0][1]
    assert sorted(labels.tolist()) == list(range(10)) and labels.tolist() != list(range(10))


def test_flow_with_sample_weight_extra_inputs_and_no_labels():
    x, y, w = _images(4), np.arange(4), np.linspace(0.5, 2, 4)
    xb, yb, wb = ImageDataGenerator().flow(x, y, sample_weight=w, shuffle=False, batch_size=2)[1]
    np.testing.assert_array_equal(yb, [2, 3])
    np.testing.assert_allclose(wb, w[2:])
    other = np.arange(8.0).reshape(4, 2)
    (images, extra), _ = ImageDataGenerator().flow((x, other), y, shuffle=False, batch_size=2)[0]
    np.testing.assert_array_equal(extra, other[:2])
    only = ImageDataGenerator().flow(x, shuffle=False, batch_size=3)[0]
    np.testing.assert_array_equal(only, x[:3])


def test_flow_validation_split_takes_the_first_share_for_validation():
    x, y = _images(10), np.array([0, 1] * 5)
    gen = ImageDataGenerator(validation_split=0.2)
    val = gen.flow(x, y, batch_size=10, shuffle=False, subset="validation")
    train = gen.flow(x, y, batch_size=10, shuffle=False, subset="training")
    assert val.n == 2 and train.n == 8
    np.testing.assert_array_equal(val[0][0], x[:2])
    with pytest.raises(ValueError, match="different classes"):
        gen.flow(x, np.array([0, 0] + [1] * 8), subset="validation")
    with pytest.raises(ValueError, match="subset"):
        gen.flow(x, y, subset="test")


# ----------------------------------------------------------------------------- directories


@pytest.fixture
def image_folder(tmp_path):
    """cats/ (3 dark PNGs, one in a subfolder) and dogs/ (2 bright ones), 4 x 6 pixels."""
    image = pytest.importorskip("PIL.Image")
    for name, count, level in (("cats", 3, 10), ("dogs", 2, 200)):
        (tmp_path / name / "more").mkdir(parents=True)
        for i in range(count):
            pixels = np.full((4, 6, 3), level + i, dtype="uint8")
            pixels[0, 0] = (1, 2, 3)
            where = tmp_path / name / ("more" if i == 2 else "") / f"{i}.png"
            image.fromarray(pixels).save(where)
    (tmp_path / "cats" / "notes.txt").write_text("not an image")
    return tmp_path


def test_flow_from_directory_lists_classes_and_files(image_folder):
    it = ImageDataGenerator().flow_from_directory(image_folder, target_size=(4, 6), batch_size=2,
                                                  shuffle=False)
    assert it.class_indices == {"cats": 0, "dogs": 1}
    assert it.samples == 5 and len(it) == 3 and it.num_classes == 2
    assert it.filenames == ["cats/0.png", "cats/1.png", "cats/more/2.png", "dogs/0.png",
                            "dogs/1.png"]
    np.testing.assert_array_equal(it.classes, [0, 0, 0, 1, 1])
    assert it.classes.dtype == np.int32
    xb, yb = it[0]
    assert xb.shape == (2, 4, 6, 3) and xb.dtype == np.float32
    np.testing.assert_array_equal(xb[1, 1, 1], [11, 11, 11])
    np.testing.assert_array_equal(xb[0, 0, 0], [1, 2, 3])
    np.testing.assert_array_equal(yb, [[1, 0], [1, 0]])
    xb, yb = it[2]
    np.testing.assert_array_equal(yb, [[0, 1]])


def test_flow_from_directory_modes_sizes_and_subsets(image_folder):
    gen = ImageDataGenerator(rescale=1 / 255, validation_split=0.5)
    it = gen.flow_from_directory(image_folder, target_size=(2, 3), color_mode="grayscale",
                                 class_mode="binary", batch_size=8, shuffle=False)
    xb, yb = it[0]
    assert xb.shape == (5, 2, 3, 1)
    np.testing.assert_array_equal(yb, [0, 0, 0, 1, 1])
    np.testing.assert_allclose(xb[3, 1, 1, 0], 200 / 255, rtol=1e-6)
    val = gen.flow_from_directory(image_folder, target_size=(4, 6), subset="validation",
                                  class_mode="sparse", shuffle=False)
    train = gen.flow_from_directory(image_folder, target_size=(4, 6), subset="training",
                                    class_mode=None, shuffle=False)
    assert val.filenames == ["cats/0.png", "dogs/0.png"]
    assert train.filenames == ["cats/1.png", "cats/more/2.png", "dogs/1.png"]
    assert train[0].shape == (3, 4, 6, 3)    # class_mode=None: images alone
    only_dogs = gen.flow_from_directory(image_folder, target_size=(4, 6), classes=["dogs"],
                                        class_mode="input")
    x_in, x_out = only_dogs[0]
    assert only_dogs.samples == 2 and only_dogs.class_indices == {"dogs": 0}
    np.testing.assert_array_equal(x_in, x_out)
    with pytest.raises(ValueError, match="class_mode"):
        gen.flow_from_directory(image_folder, class_mode="onehot")
    with pytest.raises(FileNotFoundError, match="directory"):
        gen.flow_from_directory(image_folder / "missing")


def test_fit_evaluate_predict_take_the_iterators(image_folder):
    gen = ImageDataGenerator(rescale=1 / 255, horizontal_flip=True)
    train = gen.flow_from_directory(image_folder, target_size=(4, 6), batch_size=2,
                                    class_mode="binary", seed=1)
    val = ImageDataGenerator(rescale=1 / 255).flow_from_directory(
        image_folder, target_size=(4, 6), batch_size=5, class_mode="binary", shuffle=False)
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([numnet.Input((4, 6, 3)), numnet.layers.Flatten(),
                               numnet.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=numnet.optimizers.Adam(0.05), loss="binary_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(train, steps_per_epoch=len(train), epochs=30, validation_data=val,
                        verbose=0)
    assert len(history.history["val_accuracy"]) == 30
    assert history.history["loss"][-1] < history.history["loss"][0]
    loss, accuracy = model.evaluate(val, verbose=0)
    assert accuracy == 1.0
    probabilities = model.predict(val, verbose=0)
    assert probabilities.shape == (5, 1)
    np.testing.assert_array_equal(probabilities.ravel() > 0.5, val.classes == 1)


# ----------------------------------------------------------------------------- TensorFlow


def test_same_arrays_as_tensorflows_legacy_generator():
    tf = pytest.importorskip("tensorflow")
    legacy = tf.keras.preprocessing.image
    x = np.random.default_rng(0).uniform(0, 255, (7, 9, 3)).astype("float32")
    for params in ({"theta": 90}, {"tx": 1}, {"ty": -1.5},
                   {"theta": 33, "tx": 1.5, "ty": -2, "shear": 12, "zx": 0.8, "zy": 1.3}):
        for fill_mode in ("nearest", "constant", "reflect", "wrap"):
            kw = {"fill_mode": fill_mode, "cval": 7.0}
            theirs = legacy.ImageDataGenerator(**kw).apply_transform(x, params)
            ours = ImageDataGenerator(**kw).apply_transform(x, params)
            np.testing.assert_allclose(ours, theirs, atol=1e-4)
    params = {"channel_shift_intensity": 20.0, "flip_horizontal": True, "brightness": 0.7}
    np.testing.assert_array_equal(ImageDataGenerator().apply_transform(x, params),
                                  legacy.ImageDataGenerator().apply_transform(x, params))
    # both draw from np.random, reseeded per batch: the seeded batches are the same arrays
    images, labels = _images(), np.arange(10)
    theirs = legacy.ImageDataGenerator(**AUGMENT).flow(images, labels, batch_size=4, seed=3)
    ours = ImageDataGenerator(**AUGMENT).flow(images, labels, batch_size=4, seed=3)
    for _ in range(4):
        (xa, ya), (xb, yb) = next(theirs), next(ours)
        np.testing.assert_array_equal(ya, yb)
        np.testing.assert_allclose(xb, xa, atol=1e-5)


def test_tf_keras_import_path_gives_the_same_classes():
    """from tensorflow.keras.preprocessing.image import ... under numnet: one module, so its
    iterators are numnet's PyDatasets (a second copy made fit read them as endless streams)."""
    from numnet.keras.preprocessing import image as via_keras
    from numnet.keras.preprocessing.image import ImageDataGenerator as Generator
    from numnet.keras.preprocessing.text import Tokenizer

    from numnet.data.py_dataset import PyDataset

    assert Generator is ImageDataGenerator and via_keras is numnet.preprocessing.image
    assert Tokenizer is numnet.preprocessing.text.Tokenizer
    assert isinstance(Generator().flow(np.zeros((2, 2, 2, 1))), PyDataset)


def test_flow_from_dataframe_class_modes(tmp_path):
    pd = pytest.importorskip("pandas")
    image = pytest.importorskip("PIL.Image")
    for i in range(4):
        image.fromarray(np.full((2, 3, 3), 20 * i, "uint8")).save(tmp_path / f"{i}.png")
    df = pd.DataFrame({"filename": ["0.png", "1.png", "2.png", "3.png", "missing.png"],
                       "class": ["dog", "cat", "dog", "bird", "cat"],
                       "tags": [["cat", "dog"], ["dog"], ["cat"], ["bird"], ["cat"]],
                       "w": [1.0, 2.0, 3.0, 4.0, 5.0]})
    gen = ImageDataGenerator(rescale=0.5)
    with pytest.warns(UserWarning, match="1 row"):
        it = gen.flow_from_dataframe(df, str(tmp_path), target_size=(2, 3), batch_size=4,
                                     shuffle=False, class_mode="sparse", weight_col="w")
    assert it.class_indices == {"bird": 0, "cat": 1, "dog": 2} and it.samples == 4
    assert it.filenames == ["0.png", "1.png", "2.png", "3.png"]
    xb, yb, wb = it[0]
    np.testing.assert_array_equal(yb, [2, 1, 2, 0])
    np.testing.assert_array_equal(wb, [1, 2, 3, 4])
    np.testing.assert_allclose(xb[:, 0, 0, 0], [0, 10, 20, 30])
    multi = gen.flow_from_dataframe(df.iloc[:4], str(tmp_path), y_col="tags",
                                    target_size=(2, 3), shuffle=False, validate_filenames=False)
    np.testing.assert_array_equal(multi[0][1], [[0, 1, 1], [0, 0, 1], [0, 1, 0],
                                                    [1, 0, 0]])
    kept = gen.flow_from_dataframe(df.iloc[:4], str(tmp_path), target_size=(2, 3),
                                   classes=["dog", "cat"], shuffle=False)
    assert kept.class_indices == {"dog": 0, "cat": 1} and kept.samples == 3
    raw = gen.flow_from_dataframe(df.iloc[:4], str(tmp_path), y_col="w", class_mode="raw",
                                  target_size=(2, 3), shuffle=False)
    np.testing.assert_array_equal(raw[0][1], [1, 2, 3, 4])
    with pytest.raises(ValueError, match="2 classes"):
        gen.flow_from_dataframe(df.iloc[:4], str(tmp_path), class_mode="binary")
