"""Keras helpers: layers.serialize / deserialize and saving.serialize_keras_object /
deserialize_keras_object, utils.get_file (offline: file:// origins and a cache laid out by
hand), timeseries_dataset_from_array, and the image helpers."""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import tarfile
import zipfile

import numpy as np
import pytest

import numnet
from numnet import layers, saving, utils

# ----------------------------------------------------------------------------- serialization


def test_layers_serialize_has_keras_layout_and_round_trips():
    layer = layers.Dense(3, activation="relu", kernel_regularizer="l2")
    layer.build((None, 4))
    spec = layers.serialize(layer)
    assert set(spec) == {"module", "class_name", "config", "registered_name", "build_config"}
    assert spec["module"] == "keras.layers" and spec["class_name"] == "Dense"
    assert spec["registered_name"] is None
    assert spec["build_config"] == {"input_shape": [None, 4]}
    spec = json.loads(json.dumps(spec))  # JSON-ready
    clone = layers.deserialize(spec)
    assert isinstance(clone, layers.Dense) and clone.units == 3 and clone.built
    assert clone.kernel.shape == (4, 3)
    assert clone.get_config() == layer.get_config()
    plain = layers.deserialize({"class_name": "Dense", "config": {"units": 5}})
    assert plain.units == 5 and not plain.built
    with pytest.raises(TypeError, match=r"layers.serialize\(layer\)"):
        layers.serialize(numnet.optimizers.Adam())


def test_serialize_keras_object_round_trips_each_family():
    objects = [
        numnet.losses.MeanSquaredError(), numnet.losses.CategoricalCrossentropy(from_logits=True),
        numnet.optimizers.Adam(learning_rate=0.01, beta_1=0.8),
        numnet.initializers.GlorotUniform(seed=3), numnet.regularizers.L2(0.01),
        numnet.constraints.MaxNorm(2.0),
        numnet.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5),
        numnet.metrics.AUC(num_thresholds=50),
    ]
    for obj in objects:
        spec = json.loads(json.dumps(saving.serialize_keras_object(obj)))
        back = saving.deserialize_keras_object(spec)
        assert type(back) is type(obj)
        assert back.get_config() == obj.get_config(), type(obj).__name__
    assert saving.serialize_keras_object(numnet.optimizers.Adam())["module"] == \
        "keras.optimizers"
    relu = saving.serialize_keras_object(numnet.activations.relu)
    assert relu == {"module": "builtins", "class_name": "function", "config": "relu",
                    "registered_name": "function"}
    assert saving.deserialize_keras_object(relu) is numnet.activations.relu
    assert saving.deserialize_keras_object("relu") == "relu"  # a string stays a string
    assert saving.serialize_keras_object([1, "a", None, (2.5,)]) == [1, "a", None, [2.5]]
    array = saving.deserialize_keras_object(saving.serialize_keras_object(np.arange(3.0)))
    np.testing.assert_array_equal(array, [0.0, 1.0, 2.0])


@numnet.saving.register_keras_serializable(package="utils_more")
def cubed(x):
    return x * x * x


@numnet.saving.register_keras_serializable(package="utils_more")
class Scale(layers.Layer):
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs, training=None):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_serialize_custom_objects_and_models():
    spec = saving.serialize_keras_object(cubed)
    assert spec["config"] == "utils_more>cubed" and spec["registered_name"] == "utils_more>cubed"
    assert saving.deserialize_keras_object(spec) is cubed
    spec = saving.serialize_keras_object(Scale(3.0))
    assert spec["registered_name"] == "utils_more>Scale"
    back = saving.deserialize_keras_object(json.loads(json.dumps(spec)))
    assert isinstance(back, Scale) and back.factor == 3.0

    def unregistered(x):
        return x

    spec = saving.serialize_keras_object(unregistered)
    with pytest.raises(ValueError, match="unknown function 'unregistered'"):
        saving.deserialize_keras_object(spec)
    assert saving.deserialize_keras_object(
        spec, custom_objects={"unregistered": unregistered}) is unregistered
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([numnet.Input((4,)), layers.Dense(2, activation=cubed), Scale()])
    clone = saving.deserialize_keras_object(json.loads(json.dumps(
        saving.serialize_keras_object(model))))
    assert isinstance(clone, numnet.Sequential) and clone.input_shape == (None, 4)
    clone.set_weights(model.get_weights())
    x = np.random.default_rng(0).normal(size=(3, 4)).astype("float32")
    np.testing.assert_allclose(clone.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_deserialize_refuses_code_and_unknown_names():
    with pytest.raises(ValueError, match="never runs code"):
        saving.deserialize_keras_object({"class_name": "__lambda__",
                                         "config": {"code": "AAAA"}})
    with pytest.raises(ValueError, match="unknown class 'NoSuchThing'"):
        saving.deserialize_keras_object({"class_name": "NoSuchThing", "config": {}})


def test_deserialize_what_keras_serializes():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    dense = keras.layers.Dense(3, activation="relu", kernel_regularizer="l2")
    spec = json.loads(json.dumps(keras.saving.serialize_keras_object(dense)))
    ours = saving.deserialize_keras_object(spec)
    assert isinstance(ours, layers.Dense) and ours.units == 3
    assert ours.get_config()["kernel_regularizer"]["config"]["l2"] == pytest.approx(0.01)
    for obj, cls in ((keras.optimizers.Adam(0.01), numnet.optimizers.Adam),
                     (keras.losses.MeanSquaredError(), numnet.losses.MeanSquaredError),
                     (keras.initializers.GlorotUniform(seed=1),
                      numnet.initializers.GlorotUniform),
                     (keras.optimizers.schedules.CosineDecay(0.1, 100),
                      numnet.optimizers.schedules.CosineDecay)):
        spec = json.loads(json.dumps(keras.saving.serialize_keras_object(obj)))
        assert isinstance(saving.deserialize_keras_object(spec), cls)
    spec = json.loads(json.dumps(keras.saving.serialize_keras_object(keras.activations.relu)))
    assert saving.deserialize_keras_object(spec) is numnet.activations.relu
    # and ours, read by Keras
    back = keras.layers.deserialize(layers.serialize(layers.Dense(4, activation="tanh")))
    assert back.units == 4


# ----------------------------------------------------------------------------- get_file


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_get_file_downloads_from_a_file_origin_into_the_cache(tmp_path, capsys):
    source = tmp_path / "server" / "auto-mpg.data"
    source.parent.mkdir()
    source.write_bytes(b"18.0 8 307.0\n15.0 8 350.0\n")
    cache = tmp_path / "cache"
    path = utils.get_file("auto-mpg.data", source.as_uri(), cache_dir=cache,
                          file_hash=_sha256(source.read_bytes()))
    assert path == str(cache / "datasets" / "auto-mpg.data")
    assert open(path, "rb").read() == source.read_bytes()
    assert "Downloading data from" in capsys.readouterr().out
    assert not [p for p in (cache / "datasets").iterdir() if p.name.endswith(".part")]
    # a second call uses the cache: the origin is no longer needed
    source.unlink()
    assert utils.get_file("auto-mpg.data", source.as_uri(), cache_dir=cache) == path
    assert "Downloading" not in capsys.readouterr().out
    # fname defaults to the last part of origin's path
    other = tmp_path / "server" / "b.csv"
    other.write_text("1,2\n")
    assert utils.get_file(origin=other.as_uri(), cache_dir=cache, cache_subdir="x") == \
        str(cache / "x" / "b.csv")


def test_get_file_checks_the_hash_and_keeps_no_partial_file(tmp_path, capsys):
    source = tmp_path / "data.bin"
    source.write_bytes(b"payload")
    cache = tmp_path / "cache"
    with pytest.raises(ValueError, match="not kept"):
        utils.get_file("data.bin", source.as_uri(), cache_dir=cache, file_hash="0" * 64)
    assert list((cache / "datasets").iterdir()) == []
    md5 = hashlib.md5(b"payload").hexdigest()
    path = utils.get_file("data.bin", source.as_uri(), cache_dir=cache, md5_hash=md5)
    assert open(path, "rb").read() == b"payload"
    # a cached file whose digest does not match is downloaded again
    with open(path, "wb") as f:
        f.write(b"stale")
    utils.get_file("data.bin", source.as_uri(), cache_dir=cache, file_hash=md5)
    assert open(path, "rb").read() == b"payload"
    assert "downloading it again" in capsys.readouterr().out


def test_get_file_uses_a_pre_placed_cache_file_offline(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "home"))
    (tmp_path / "home" / "datasets").mkdir(parents=True)
    (tmp_path / "home" / "datasets" / "cached.txt").write_text("kept")
    path = utils.get_file("cached.txt", "https://example.invalid/cached.txt")
    assert open(path).read() == "kept"
    with pytest.raises(ConnectionError, match="place the file at"):
        utils.get_file("missing.txt", "https://example.invalid/missing.txt")
    with pytest.raises(ValueError, match=r"get_file\(origin\)"):
        utils.get_file("x.txt")
    with pytest.raises(ValueError, match=r"get_file\(fname\).*path"):
        utils.get_file(os.path.join("a", "b.txt"), "https://example.invalid/b.txt")


def test_get_file_extracts_tar_and_zip_archives(tmp_path):
    tar_path = tmp_path / "photos.tar.gz"
    with tarfile.open(tar_path, "w:gz") as tar:
        data = b"pixels"
        info = tarfile.TarInfo("photos/cat.txt")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    folder = utils.get_file("photos.tar.gz", tar_path.as_uri(), extract=True,
                            cache_dir=tmp_path / "cache")
    assert folder == str(tmp_path / "cache" / "datasets" / "photos_extracted")
    assert open(os.path.join(folder, "photos", "cat.txt"), "rb").read() == b"pixels"
    zip_path = tmp_path / "notes.zip"
    with zipfile.ZipFile(zip_path, "w") as zipped:
        zipped.writestr("a/b.txt", "hello")
    folder = utils.get_file(origin=zip_path.as_uri(), extract=True,
                            cache_dir=tmp_path / "cache")
    assert open(os.path.join(folder, "a", "b.txt")).read() == "hello"
    evil = tmp_path / "evil.zip"
    with zipfile.ZipFile(evil, "w") as zipped:
        zipped.writestr("../escape.txt", "x")
    with pytest.raises(ValueError, match="outside"):
        utils.get_file("evil.zip", evil.as_uri(), extract=True, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache" / "escape.txt").exists()


# ----------------------------------------------------------------------------- timeseries


def test_timeseries_windows_and_targets_by_hand():
    data = np.arange(100)
    ds = utils.timeseries_dataset_from_array(data[:-10], data[10:], sequence_length=10,
                                             batch_size=16)
    assert isinstance(ds, numnet.data.Dataset)  # as Keras returns a tf.data.Dataset
    first_x, first_y = next(iter(ds.take(1)))
    x, y = ds[0]
    np.testing.assert_array_equal(first_x.numpy(), x)
    np.testing.assert_array_equal(first_y.numpy(), y)
    assert x.shape == (16, 10) and y.shape == (16,)
    np.testing.assert_array_equal(x[0], np.arange(10))
    np.testing.assert_array_equal(x[3], np.arange(3, 13))
    np.testing.assert_array_equal(y[:3], [10, 11, 12])  # the step after each window
    assert sum(len(ds[i][0]) for i in range(len(ds))) == 81
    # strides, sampling rate and a range of the series
    ds = utils.timeseries_dataset_from_array(data, data * 10, sequence_length=3,
                                             sequence_stride=4, sampling_rate=2,
                                             batch_size=None, start_index=5, end_index=30)
    x, y = ds[0]
    np.testing.assert_array_equal(x, [5, 7, 9])
    assert y == 50
    np.testing.assert_array_equal(ds[1][0], [9, 11, 13])
    assert len(ds) == 6  # starts 5, 9, ..., 25 (the last window ends at 29)
    np.testing.assert_array_equal(ds[len(ds) - 1][0], [25, 27, 29])


def test_timeseries_shuffle_as_keras_draws_it():
    data = np.arange(20)
    ds = utils.timeseries_dataset_from_array(data, None, sequence_length=3, batch_size=None,
                                             shuffle=True, seed=7)
    starts = np.arange(18)
    np.random.RandomState(7).shuffle(starts)
    np.testing.assert_array_equal([ds[i][0] for i in range(len(ds))], starts)


def test_timeseries_dataset_trains_a_model():
    rng = np.random.default_rng(0)
    series = np.sin(np.arange(300) / 10).astype("float32")[:, None] + rng.normal(
        scale=0.01, size=(300, 1)).astype("float32")
    ds = numnet.preprocessing.timeseries_dataset_from_array(series[:-5], series[5:, 0],
                                                            sequence_length=5, batch_size=32)
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([numnet.Input((5, 1)), layers.Flatten(), layers.Dense(1)])
    model.compile(numnet.optimizers.Adam(0.05), "mse")
    history = model.fit(ds, epochs=5, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]


def test_timeseries_bad_arguments_are_named():
    with pytest.raises(ValueError, match=r"\(sampling_rate\)"):
        utils.timeseries_dataset_from_array(np.arange(10), None, 3, sampling_rate=0)
    with pytest.raises(ValueError, match=r"\(sequence_stride\).*length of the data, 10"):
        utils.timeseries_dataset_from_array(np.arange(10), None, 3, sequence_stride=10)
    with pytest.raises(ValueError, match=r"\(start_index\)"):
        utils.timeseries_dataset_from_array(np.arange(10), None, 3, start_index=12)


def test_timeseries_agrees_with_keras_grain_path():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    pytest.importorskip("grain")
    data, targets = np.arange(50), np.arange(50) * 2
    theirs = keras.utils.timeseries_dataset_from_array(
        data, targets, sequence_length=4, sequence_stride=3, sampling_rate=2, batch_size=5,
        start_index=2, end_index=40, format="grain")
    ours = utils.timeseries_dataset_from_array(
        data, targets, sequence_length=4, sequence_stride=3, sampling_rate=2, batch_size=5,
        start_index=2, end_index=40)
    batches = list(theirs)
    assert len(batches) == len(ours)
    for i, (x, y) in enumerate(batches):
        np.testing.assert_array_equal(ours[i][0], np.asarray(x))
        np.testing.assert_array_equal(ours[i][1], np.asarray(y))


# ----------------------------------------------------------------------------- images


def test_img_to_array_on_arrays():
    gray = np.arange(6).reshape(2, 3)
    out = utils.img_to_array(gray)
    assert out.shape == (2, 3, 1) and out.dtype == np.float32
    assert utils.img_to_array(gray, data_format="channels_first").shape == (1, 2, 3)
    rgb = np.zeros((4, 5, 3), dtype=np.uint8)
    assert utils.img_to_array(rgb, data_format="channels_first").shape == (3, 4, 5)
    with pytest.raises(ValueError, match=r"img_to_array\(img\)"):
        utils.img_to_array(np.zeros(3))


def test_array_to_img_without_pillow_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "PIL", None)
    with pytest.raises(ImportError, match="pip install pillow"):
        utils.array_to_img(np.zeros((2, 2, 3)))
    with pytest.raises(ImportError, match="pip install pillow"):
        utils.load_img("anything.png")


def test_images_round_trip_with_pillow(tmp_path):
    pytest.importorskip("PIL")
    x = np.zeros((4, 6, 3), dtype=np.float32)
    x[1, 2] = [10.0, 20.0, 30.0]
    img = utils.array_to_img(x)
    assert img.size == (6, 4) and img.mode == "RGB"
    back = utils.img_to_array(img)
    np.testing.assert_array_equal(back[1, 2], [85.0, 170.0, 255.0])  # scaled: max -> 255
    np.testing.assert_array_equal(utils.img_to_array(utils.array_to_img(x * 4, scale=False)),
                                  x * 4)
    path = tmp_path / "tiny.png"
    utils.save_img(path, x, scale=False)
    loaded = utils.load_img(path)
    np.testing.assert_array_equal(utils.img_to_array(loaded), x)
    gray = utils.load_img(path, color_mode="grayscale", target_size=(2, 3))
    assert gray.mode == "L" and gray.size == (3, 2)
    assert utils.img_to_array(gray).shape == (2, 3, 1)
    with pytest.raises(ValueError, match=r"load_img\(color_mode\)"):
        utils.load_img(path, color_mode="cmyk")


def test_smart_resize_crops_the_centred_box_of_the_target_ratio_then_resizes():
    x = np.arange(4 * 6, dtype="float32").reshape(4, 6, 1)
    crop = x[:, 1:5]  # the centred 4 x 4 box of a 4 x 6 image, for a square target
    near = numnet.preprocessing.image.smart_resize(x, (2, 2), interpolation="nearest")
    assert isinstance(near, np.ndarray) and near.shape == (2, 2, 1)
    np.testing.assert_array_equal(near[..., 0], crop[1::2, 1::2, 0])
    bilinear = numnet.preprocessing.image.smart_resize(x, (2, 2))
    blocks = crop[..., 0].reshape(2, 2, 2, 2).mean(axis=(1, 3))  # halfway between two pixels
    np.testing.assert_allclose(bilinear[..., 0], blocks, rtol=1e-6)
    first = numnet.preprocessing.image.smart_resize(np.moveaxis(x, -1, 0)[None], (2, 2),
                                                    data_format="channels_first")
    assert first.shape == (1, 1, 2, 2)
    np.testing.assert_allclose(first[0, 0], blocks, rtol=1e-6)
    tensor = numnet.preprocessing.image.smart_resize(numnet.ops.convert_to_tensor(x), (3, 3))
    assert not isinstance(tensor, np.ndarray) and tuple(tensor.shape) == (3, 3, 1)
    with pytest.raises(ValueError, match=r"smart_resize\(size\).*given \(2,\)"):
        numnet.preprocessing.image.smart_resize(x, (2,))
    with pytest.raises(ValueError, match=r"smart_resize\(x\).*given shape \(4, 6\)"):
        numnet.preprocessing.image.smart_resize(x[..., 0], (2, 2))
    with pytest.raises(TypeError, match="unexpected keyword.*'antialias'"):
        numnet.preprocessing.image.smart_resize(x, (2, 2), antialias=True)


def test_smart_resize_is_keras_s():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    for shape, size, interpolation, data_format in [
            ((34, 50, 3), (20, 20), "bilinear", "channels_last"),
            ((2, 17, 31, 2), (8, 5), "nearest", "channels_last"),
            ((3, 9, 14), (4, 6), "bicubic", "channels_first"),
            ((5, 40, 3), (12, 12), "bilinear", "channels_last")]:
        x = rng.random(shape).astype("float32")
        ours = numnet.preprocessing.image.smart_resize(x, size, interpolation, data_format)
        theirs = keras.preprocessing.image.smart_resize(x, size, interpolation, data_format)
        np.testing.assert_allclose(ours, np.asarray(theirs), atol=1e-5)


def test_normalize_of_a_tensor_is_a_tensor_that_gradients_flow_through():
    # Keras's utils.normalize: NumPy in, NumPy out; a tensor goes through ops.normalize
    assert isinstance(utils.normalize(np.array([[3.0, 4.0]], "float32")), np.ndarray)
    v = numnet.Variable(np.array([[3.0, 4.0]], "float32"))
    with numnet.GradientTape() as tape:
        first = utils.normalize(v, axis=1, order=2)[0, 0]
    np.testing.assert_allclose(first.numpy(), 0.6, rtol=1e-6)
    # d(x0 / |x|)/dx = (|x|^2 e0 - x0 x) / |x|^3 = ([16, -12]) / 125
    np.testing.assert_allclose(tape.gradient(first, v).numpy(), [[0.128, -0.096]], rtol=1e-5)
    inputs = numnet.Input((2,))
    model = numnet.Model(inputs, utils.normalize(inputs))
    np.testing.assert_allclose(model.predict(np.array([[0.0, 2.0]]), verbose=0), [[0.0, 1.0]])
