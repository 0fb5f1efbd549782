"""Lambda layers in Keras's .keras files: a registered function (and output_shape function)
is written and read by its registered name, as Keras 3 writes it; the bytecode Keras writes
for a Python lambda is refused, since numnet never runs code from a file."""

import json
import os
import zipfile

import numpy as np
import pytest

import numnet
from numnet import layers, ops
from numnet.saving.errors import ModelFileError


@numnet.saving.register_keras_serializable(package="lambda_files")
def with_squares(x):
    return ops.concatenate([x, ops.square(x)], axis=-1)


@numnet.saving.register_keras_serializable(package="lambda_files")
def pair_shape(shape):
    return shape[:-1] + (shape[-1] * 2,)


def _model():
    inputs = numnet.Input((3,))
    h = layers.Lambda(with_squares, output_shape=pair_shape, arguments={}, name="squares")(inputs)
    h = layers.Lambda(with_squares, output_shape=(12,), name="again")(h)
    model = numnet.Model(inputs, layers.Dense(2)(h))
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model


def _config(path):
    with zipfile.ZipFile(path) as archive:
        return json.loads(archive.read("config.json"))


def test_registered_lambda_round_trips_in_keras_form(tmp_path):
    model = _model()
    x = np.arange(6, dtype="float32").reshape(2, 3) / 6
    model.save(tmp_path / "m.keras")
    entry = _config(tmp_path / "m.keras")["config"]["layers"][1]["config"]
    assert entry["function"] == {"module": "builtins", "class_name": "function",
                                 "config": "lambda_files>with_squares",
                                 "registered_name": "function"}
    assert entry["output_shape"]["config"] == "lambda_files>pair_shape"
    loaded = numnet.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert loaded.get_layer("squares").output_shape_arg is pair_shape


def _rewrite(src, dst, edit):
    with zipfile.ZipFile(src) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    config = json.loads(files["config.json"])
    edit(config["config"]["layers"][1]["config"])
    files["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(dst, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)


def test_python_lambda_bytecode_and_unknown_names_are_refused(tmp_path):
    _model().save(tmp_path / "m.keras")

    def bytecode(config):
        config["function"] = {"class_name": "__lambda__", "config": {"code": "4wEAAA=="}}

    _rewrite(tmp_path / "m.keras", tmp_path / "code.keras", bytecode)
    with pytest.raises(ModelFileError, match="never runs code from a file"):
        numnet.models.load_model(tmp_path / "code.keras")

    def unknown(config):
        config["function"]["config"] = "elsewhere>not_here"

    _rewrite(tmp_path / "m.keras", tmp_path / "unknown.keras", unknown)
    with pytest.raises(ModelFileError, match="not registered"):
        numnet.models.load_model(tmp_path / "unknown.keras")


def test_python_lambda_is_not_written(tmp_path):
    inputs = numnet.Input((3,))
    model = numnet.Model(inputs, layers.Lambda(lambda t: t * 2)(inputs))
    with pytest.raises(ValueError, match="register"):
        model.save(tmp_path / "m.keras")
    assert not os.path.exists(tmp_path / "m.keras")
