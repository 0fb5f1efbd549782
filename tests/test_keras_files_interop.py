"""Keras files both ways, beyond the plain layers: legacy ``.h5`` model files read by
``numnet.models.load_model``, an adapted Normalization's extra ``count`` weight, registered
custom layers, attention layers and op nodes. Without Keras, numnet's files and the fixtures
that Keras 3.15 wrote (tests/data/keras) are read; with Keras (on JAX), Keras reads numnet's
files and numnet reads Keras's."""

from __future__ import annotations

import io
import json
import os
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.saving import ModelFileError

h5py = pytest.importorskip("h5py", reason="Keras files hold their weights in HDF5: pip install "
                                          "'numnet[h5]'")

DATA = Path(__file__).parent / "data" / "keras"
RNG = np.random.default_rng(11)


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


def _adapted():
    norm = layers.Normalization(name="normalization")
    norm.adapt(_x(20, 4) * 3 + 1)
    return norm


def _normalization_model():
    return numnet.Sequential([numnet.Input((4,)), _adapted(), layers.Dense(2, name="dense")],
                             name="sequential")


def _branches():
    a, b = numnet.Input((4,), name="a"), numnet.Input((3,), name="b")
    h = layers.Concatenate()([layers.Dense(3, activation="tanh")(a), b])
    out = layers.Dense(2, name="head")(layers.BatchNormalization()(h))
    return numnet.Model([a, b], out)


def _same(a, b, tol=0.0):
    np.testing.assert_allclose(np.asarray(a), np.asarray(b), rtol=tol, atol=tol)


# ----------------------------------------------------------------------------- legacy .h5


def test_load_model_reads_the_legacy_h5_file_keras_wrote():
    model = numnet.models.load_model(DATA / "mlp.h5")
    x, y = np.load(DATA / "mlp_x.npy"), np.load(DATA / "mlp_y.npy")
    _same(model.predict(x, verbose=0), y, 1e-6)
    assert [type(layer).__name__ for layer in model.layers] == ["Dense", "Dense"]
    assert model.layers[0].kernel_regularizer.l2 == pytest.approx(0.001)
    assert type(model.optimizer).__name__ == "Adam"
    assert float(model.optimizer.learning_rate) == pytest.approx(0.01)


@pytest.mark.parametrize("build", [_normalization_model, _branches], ids=["norm", "branches"])
def test_load_model_reads_the_legacy_h5_file_numnet_wrote(tmp_path, build):
    model = build()
    model.compile("sgd", "mse")
    x = [_x(5, 4), _x(5, 3)] if build is _branches else _x(5, 4)
    model.save(tmp_path / "m.h5")
    again = numnet.models.load_model(tmp_path / "m.h5")
    _same(again.predict(x, verbose=0), model.predict(x, verbose=0))
    assert type(again.optimizer).__name__ == "SGD"


def _rewrite(path, change):
    with h5py.File(path, "r+") as h5:
        change(h5)


@pytest.mark.parametrize("change, named", [
    (lambda h5: h5.attrs.__delitem__("model_config"), "model_config"),
    (lambda h5: h5.attrs.__setitem__("model_config", "{not json"), "model_config"),
    (lambda h5: h5.attrs.__setitem__("model_config", json.dumps(
        {"class_name": "Sequential", "config": {"name": "s", "layers": [
            {"class_name": "Lambda", "config": {"name": "f", "function": "x"}}]}})), "Lambda"),
    (lambda h5: h5["model_weights/dense"].attrs.__setitem__(
        "weight_names", np.asarray(["sequential/dense/kernel"], dtype=h5py.string_dtype())),
     "weight_names"),
    (lambda h5: h5["model_weights/dense"].attrs.__setitem__(
        "weight_names", np.asarray(["../x", "y"], dtype=h5py.string_dtype())), "weight_names"),
    (lambda h5: h5.__delitem__("model_weights/dense/sequential/dense/bias"),
     "model_weights/dense/sequential/dense/bias"),
    (lambda h5: h5["model_weights"].attrs.__setitem__(
        "layer_names", np.asarray(["normalization"], dtype=h5py.string_dtype())),
     "layer_names"),
    (lambda h5: (h5.__delitem__("model_weights/dense/sequential/dense/kernel"),
                 h5.__setitem__("model_weights/dense/sequential/dense/kernel",
                                h5py.ExternalLink("other.h5", "/x"))), "external link"),
])
def test_a_broken_legacy_h5_file_is_refused_naming_the_field(tmp_path, change, named):
    model = _normalization_model()
    path = tmp_path / "m.h5"
    model.save(path)
    _rewrite(path, change)
    with pytest.raises(ModelFileError, match=named.replace(".", r"\.")):
        numnet.models.load_model(path)


def test_a_legacy_h5_file_over_max_bytes_is_refused(tmp_path):
    _normalization_model().save(tmp_path / "m.h5")
    with pytest.raises(ModelFileError, match="max_bytes"):
        numnet.models.load_model(tmp_path / "m.h5", max_bytes=1000)


def test_a_legacy_h5_dataset_of_another_shape_is_refused(tmp_path):
    path = tmp_path / "m.h5"
    _normalization_model().save(path)

    def change(h5):
        del h5["model_weights/dense/sequential/dense/kernel"]
        h5["model_weights/dense/sequential/dense/kernel"] = np.zeros((5, 2), "float32")

    _rewrite(path, change)
    with pytest.raises(ModelFileError, match=r"dense/kernel: the model expects shape \(4, 2\)"):
        numnet.models.load_model(path)


# ----------------------------------------------------------------------------- Normalization


@pytest.mark.parametrize("suffix", [".keras", ".weights.h5"])
def test_an_adapted_normalization_keeps_kerass_count_and_reads_back(tmp_path, suffix):
    model = _normalization_model()
    x = _x(3, 4)
    path = tmp_path / f"m{suffix}"
    if suffix == ".keras":
        model.save(path)
        weights = io.BytesIO(zipfile.ZipFile(path).read("model.weights.h5"))
        again = numnet.models.load_model(path)
    else:
        model.save_weights(path)
        weights = path
        again = _normalization_model()
        again.load_weights(path)
    with h5py.File(weights, "r") as h5:
        assert sorted(h5["layers/normalization/vars"]) == ["0", "1", "2"]
        assert h5["layers/normalization/vars/2"].shape == ()
    _same(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_normalization_count_that_is_not_a_number_is_refused(tmp_path):
    path = tmp_path / "m.weights.h5"
    _normalization_model().save_weights(path)
    with h5py.File(path, "r+") as h5:
        del h5["layers/normalization/vars/2"]
        h5["layers/normalization/vars/2"] = np.zeros((3,), "int64")
    with pytest.raises(ModelFileError, match=r"normalization/vars/2: the model expects shape"):
        _normalization_model().load_weights(path)


# ----------------------------------------------------------------------------- with Keras


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="these checks run Keras on JAX")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


def test_numnet_reads_kerass_adapted_normalization(keras, tmp_path):
    data = _x(20, 4) * 3 + 1
    norm = keras.layers.Normalization()
    norm.adapt(data)
    model = keras.Sequential([keras.Input((4,)), norm, keras.layers.Dense(2)])
    x = _x(3, 4)
    expected = np.asarray(model.predict(x, verbose=0))
    model.save(tmp_path / "k.keras")
    model.save(tmp_path / "k.h5")
    model.save_weights(tmp_path / "k.weights.h5")
    for name in ("k.keras", "k.h5"):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ours = numnet.models.load_model(tmp_path / name)
        _same(ours.predict(x, verbose=0), expected, 1e-5)
    ours = numnet.Sequential([numnet.Input((4,)), layers.Normalization(), layers.Dense(2)])
    ours.layers[0].adapt(data)
    ours.load_weights(tmp_path / "k.weights.h5")
    _same(ours.predict(x, verbose=0), expected, 1e-5)


def test_keras_reads_the_legacy_h5_file_numnet_reads_back(keras, tmp_path):
    model = _branches()
    model.compile("adam", "mse")
    x = [_x(5, 4), _x(5, 3)]
    model.save(tmp_path / "m.h5")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.models.load_model(tmp_path / "m.h5")
    ours = numnet.models.load_model(tmp_path / "m.h5")
    _same(theirs.predict(x, verbose=0), ours.predict(x, verbose=0), 1e-6)
