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


def test_a_legacy_h5_architecture_larger_than_its_weights_is_refused_before_building(tmp_path):
    path = tmp_path / "m.h5"
    _normalization_model().save(path)

    def change(h5):
        config = json.loads(h5.attrs["model_config"])
        config["config"]["layers"][-1]["config"]["units"] = 10**9
        h5.attrs["model_config"] = json.dumps(config)

    _rewrite(path, change)
    with pytest.raises(ModelFileError, match="model_config"):
        numnet.models.load_model(path)


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


# ----------------------------------------------------------------------------- custom layers


@numnet.saving.register_keras_serializable(package="interop")
class ScaledTanh(layers.Layer):
    """scale * tanh(x * w), with a weight per feature: a registered custom layer."""

    def __init__(self, scale=1.0, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

    def call(self, x):
        return self.scale * numnet.ops.tanh(x * self.w)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


class Unregistered(layers.Layer):  # an argument that its config (no get_config) would lose
    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor


def _custom_model():
    x = numnet.Input((3,), name="x")
    y = ScaledTanh(2.0, name="scaled")(layers.Dense(3, name="d")(x))
    model = numnet.Model(x, layers.Dense(2, name="out")(y))
    model.layers[2].w.assign(np.asarray([0.5, 1.5, -1.0], "float32"))
    return model


def _config(path) -> dict:
    return json.loads(zipfile.ZipFile(path).read("config.json"))


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_a_registered_custom_layer_is_written_as_keras_writes_it(tmp_path, suffix):
    model = _custom_model()
    x = _x(4, 3)
    path = tmp_path / f"m{suffix}"
    model.save(path)
    if suffix == ".keras":
        entry = _config(path)["config"]["layers"][2]
        assert {k: entry[k] for k in ("module", "class_name", "registered_name")} == {
            "module": None, "class_name": "ScaledTanh", "registered_name": "interop>ScaledTanh"}
        assert entry["config"]["scale"] == 2.0 and entry["config"]["name"] == "scaled"
        assert entry["build_config"] == {"input_shape": [None, 3]}
        with h5py.File(io.BytesIO(zipfile.ZipFile(path).read("model.weights.h5"))) as h5:
            _same(h5["layers/scaled_tanh/vars/0"][()], [0.5, 1.5, -1.0])
    again = numnet.models.load_model(path)
    assert type(again.layers[2]) is ScaledTanh and again.layers[2].scale == 2.0
    _same(again.predict(x, verbose=0), model.predict(x, verbose=0))


def test_a_custom_layer_is_found_in_custom_objects_and_never_imported(tmp_path):
    path = tmp_path / "m.keras"
    _custom_model().save(path)
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    config = json.loads(members["config.json"])
    entry = config["config"]["layers"][2]
    entry["registered_name"] = "elsewhere>Scaled"
    entry["module"] = "os"
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ModelFileError, match="'elsewhere>Scaled'"):
        numnet.models.load_model(path)
    again = numnet.models.load_model(path, custom_objects={"elsewhere>Scaled": ScaledTanh})
    assert type(again.layers[2]) is ScaledTanh


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_an_unregistered_custom_layer_losing_its_arguments_is_refused(tmp_path, suffix):
    x = numnet.Input((3,))
    # an array argument is not a plain value: it cannot be recorded without get_config
    model = numnet.Model(x, Unregistered(np.array([2.0], "float32"), name="plain")(x))
    with pytest.raises(ValueError, match=r"'plain' \(Unregistered\) takes factor.*get_config"):
        model.save(tmp_path / f"m{suffix}")


# ----------------------------------------------------------------------------- ops


def _ops_model():
    x = numnet.Input((4,), name="x")
    d = layers.Dense(2, name="d")(x)
    e = layers.Dense(2, name="e")(x)
    outs = [d + 1.0, 1.0 - d, d * e, d / 2.0, numnet.ops.subtract(d, e), d[:, 0], d[..., 1:]]
    return numnet.Model(x, outs)


def test_ops_are_written_as_keras_writes_them_and_read_back(tmp_path):
    model = _ops_model()
    path = tmp_path / "m.keras"
    model.save(path)
    entries = {e["name"]: e for e in _config(path)["config"]["layers"]}
    ops = {e["class_name"] for e in entries.values() if e["module"] == "keras.src.ops.numpy"}
    assert ops == {"Add", "Subtract", "Multiply", "TrueDivide", "GetItem"}
    add = next(e for e in entries.values() if e["class_name"] == "Add")
    assert add["registered_name"] == "Add" and set(add["config"]) == {"name"}
    args = add["inbound_nodes"][0]["args"]
    assert args[1] == 1.0 and args[0]["config"]["keras_history"] == ["d", 0, 0]
    item = [e for e in entries.values() if e["class_name"] == "GetItem"]
    keys = sorted(json.dumps(e["inbound_nodes"][0]["args"][1]) for e in item)
    assert keys == [json.dumps([{"class_name": "__ellipsis__", "config": {}},
                                {"class_name": "__slice__",
                                 "config": {"start": 1, "stop": None, "step": None}}]),
                    json.dumps([{"class_name": "__slice__",
                                 "config": {"start": None, "stop": None, "step": None}}, 0])]
    with h5py.File(io.BytesIO(zipfile.ZipFile(path).read("model.weights.h5"))) as h5:
        assert sorted(h5["layers"]) == ["dense", "dense_1", "input_layer"]
    x = _x(5, 4)
    again = numnet.models.load_model(path)
    for ours, theirs in zip(model.predict(x, verbose=0), again.predict(x, verbose=0),
                            strict=True):
        _same(theirs, ours)
    d, e = (np.asarray(model.layers[i](x)) for i in (1, 2))
    _same(again.predict(x, verbose=0)[2], d * e, 1e-6)  # the multiply node, by hand


def test_an_op_keras_lacks_or_the_h5_format_is_refused_naming_it(tmp_path):
    x = numnet.Input((4,))
    model = numnet.Model(x, numnet.ops.norm(layers.Dense(2)(x), axis=-1))
    with pytest.raises(ValueError, match=r"the op 'norm'.*model\.numnet"):
        model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match=r"the op 'add'.*\.keras"):
        _ops_model().save(tmp_path / "m.h5")
    assert not os.listdir(tmp_path)


def test_an_operation_numnet_does_not_read_is_refused_naming_it(tmp_path):
    path = tmp_path / "m.keras"
    _ops_model().save(path)
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    members["config.json"] = members["config.json"].replace(b'"TrueDivide"', b'"Fft"')
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    with pytest.raises(ModelFileError, match=r"operation 'Fft'.*\.numnet"):
        numnet.models.load_model(path)


def test_calls_of_several_arguments_and_tensor_keywords_are_read(tmp_path):
    q, v = numnet.Input((3, 4), name="q"), numnet.Input((2, 4), name="v")
    mha = layers.MultiHeadAttention(2, 3, name="mha")
    model = numnet.Model([q, v], mha(q, value=v, key=v))
    path = tmp_path / "m.keras"
    model.save(path)
    node = next(e for e in _config(path)["config"]["layers"]
                if e["name"] == "mha")["inbound_nodes"][0]
    assert len(node["args"]) == 1 and sorted(node["kwargs"]) == ["key", "value"]
    assert node["kwargs"]["value"]["config"]["keras_history"] == ["v", 0, 0]
    with h5py.File(io.BytesIO(zipfile.ZipFile(path).read("model.weights.h5"))) as h5:
        assert h5["layers/multi_head_attention/query_dense/vars/0"].shape == (4, 2, 3)
        assert h5["layers/multi_head_attention/output_dense/vars/0"].shape == (2, 3, 4)
    x = [_x(2, 3, 4), _x(2, 2, 4)]
    again = numnet.models.load_model(path)
    _same(again.predict(x, verbose=0), model.predict(x, verbose=0))


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


@pytest.fixture(scope="module")
def keras_scaled_tanh(keras):
    # the same class name as numnet's: Keras keys a layer's weights by its class's name
    @keras.saving.register_keras_serializable(package="interop")
    class ScaledTanh(keras.layers.Layer):
        def __init__(self, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="w")

        def call(self, x):
            return self.scale * keras.ops.tanh(x * self.w)

        def get_config(self):
            return {**super().get_config(), "scale": self.scale}

    return ScaledTanh


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
def test_keras_loads_a_registered_custom_layer_numnet_wrote(keras, keras_scaled_tanh, tmp_path,
                                                             suffix):
    model = _custom_model()
    x = _x(4, 3)
    model.save(tmp_path / f"m{suffix}")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.models.load_model(tmp_path / f"m{suffix}")
    assert type(theirs.layers[2]) is keras_scaled_tanh
    _same(theirs.predict(x, verbose=0), model.predict(x, verbose=0), 1e-6)


def test_numnet_loads_a_registered_custom_layer_keras_wrote(keras, keras_scaled_tanh, tmp_path):
    x = keras.Input((3,))
    layer = keras_scaled_tanh(2.0)
    model = keras.Model(x, keras.layers.Dense(2)(layer(keras.layers.Dense(3)(x))))
    layer.w.assign(np.asarray([0.5, 1.5, -1.0], "float32"))
    model.save(tmp_path / "k.keras")
    data = _x(4, 3)
    ours = numnet.models.load_model(tmp_path / "k.keras")
    assert type(ours.layers[2]) is ScaledTanh
    _same(ours.predict(data, verbose=0), model.predict(data, verbose=0), 1e-6)


def test_keras_and_numnet_read_each_others_ops_and_attention(keras, tmp_path):
    model = _ops_model()
    x = _x(5, 4)
    model.save(tmp_path / "ops.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.models.load_model(tmp_path / "ops.keras")
    for ours, other in zip(model.predict(x, verbose=0), theirs.predict(x, verbose=0),
                           strict=True):
        _same(other, ours, 1e-6)
    i, j = keras.Input((4,)), keras.Input((3, 4))
    d = keras.layers.Dense(2)(i)
    outs = [d + 1.0, 1.0 - d, d * d, d / 2.0, d[:, 0], d[..., 1:],
            keras.layers.MultiHeadAttention(2, 3)(j, j),
            keras.layers.MultiHeadAttention(1, 2)(j, value=j, key=j),
            keras.layers.Attention()([j, j]), keras.layers.AdditiveAttention()([j, j]),
            keras.layers.RandomBrightness(0.1)(j)]
    kmodel = keras.Model([i, j], outs)
    kmodel.save(tmp_path / "k.keras")
    data = [_x(2, 4), _x(2, 3, 4)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ours = numnet.models.load_model(tmp_path / "k.keras")
    for mine, other in zip(ours.predict(data, verbose=0), kmodel.predict(data, verbose=0),
                           strict=True):
        _same(mine, other, 1e-6)


class HeldObjects(layers.Layer):
    """A layer of one's own that keeps an initializer, a regularizer and a constraint under
    names of its own, serialized in get_config as the Antirectifier recipe does."""

    def __init__(self, initializer="he_normal", penalty=None, limit=None, **kwargs):
        super().__init__(**kwargs)
        self.initializer = numnet.initializers.get(initializer)
        self.penalty = numnet.regularizers.get(penalty)
        self.limit = numnet.constraints.get(limit)

    def build(self, input_shape):
        self.kernel = self.add_weight(shape=(input_shape[-1], 2), initializer=self.initializer,
                                      regularizer=self.penalty, constraint=self.limit,
                                      name="kernel")

    def call(self, x):
        return numnet.ops.matmul(x, self.kernel)

    def get_config(self):
        return {**super().get_config(),
                "initializer": numnet.initializers.serialize(self.initializer),
                "penalty": numnet.regularizers.serialize(self.penalty),
                "limit": numnet.constraints.serialize(self.limit)}


def test_keras_objects_under_a_custom_layers_own_config_keys_are_written(tmp_path):
    """A custom layer's config that holds serialized initializers, regularizers and
    constraints under keys of its own naming is written as Keras writes those objects (it
    was refused: "holds the object 'HeNormal'"), and reads back, in numnet and in Keras."""
    x = numnet.Input((3,), name="x")
    model = numnet.Model(x, HeldObjects(penalty=numnet.regularizers.L2(0.01),
                                        limit=numnet.constraints.MaxNorm(2.0), name="held")(x))
    path = tmp_path / "held.keras"
    model.save(path)
    entry = _config(path)["config"]["layers"][1]["config"]
    assert entry["initializer"]["module"] == "keras.initializers"
    assert entry["initializer"]["class_name"] == "HeNormal"
    assert entry["penalty"]["module"] == "keras.regularizers"
    assert entry["penalty"]["class_name"] == "L2"
    assert entry["limit"]["class_name"] == "MaxNorm"
    again = numnet.models.load_model(path, custom_objects={"HeldObjects": HeldObjects})
    held = again.get_layer("held")
    assert type(held.initializer).__name__ == "HeNormal"
    assert float(held.penalty.get_config()["l2"]) == pytest.approx(0.01)
    assert float(held.limit.get_config()["max_value"]) == 2.0
    data = _x(4, 3)
    _same(again.predict(data, verbose=0), model.predict(data, verbose=0))
    _keras_reads_held(path, data, model.predict(data, verbose=0))


def _keras_reads_held(path, data, expected):
    """Keras (on JAX, where installed) loads the file with its own HeldObjects."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    try:
        import keras
    except ImportError:
        return

    class HeldObjects(keras.layers.Layer):  # (Keras finds the weights by the class's name)
        def __init__(self, initializer="he_normal", penalty=None, limit=None, **kwargs):
            super().__init__(**kwargs)
            self.initializer = keras.initializers.get(initializer)
            self.penalty = keras.regularizers.get(penalty)
            self.limit = keras.constraints.get(limit)

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], 2), name="kernel")

        def call(self, x):
            return keras.ops.matmul(x, self.kernel)

    theirs = keras.models.load_model(path, custom_objects={"HeldObjects": HeldObjects})
    layer = theirs.get_layer("held")
    assert type(layer.initializer).__name__ == "HeNormal"
    assert type(layer.penalty).__name__ == "L2" and type(layer.limit).__name__ == "MaxNorm"
    _same(np.asarray(theirs.predict(data, verbose=0)), expected)
