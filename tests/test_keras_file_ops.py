"""Ops on symbolic tensors in ``.keras`` files: ``ops.relu(h) * 2.0 + ops.mean(h, axis=-1)``
inside a functional model, written as Keras 3.15 writes it (an entry of module
``keras.src.ops.<family>``, the op's settings in its config, its operands as the call's
arguments) and read back. Without Keras: numnet's round trip, the written configs against
what Keras 3.15 wrote for the same calls, and the refusals. With Keras (on JAX): each op's file
loaded by Keras, Keras's own file loaded by numnet, the configs of both compared entry by
entry, predictions to 1e-6."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.saving import ModelFileError
from numnet.saving.keras_ops import KERAS_OPS, REFUSED

pytest.importorskip("h5py", reason="Keras files hold their weights in HDF5: pip install "
                                   "'numnet[h5]'")

DATA = Path(__file__).parent / "data" / "keras"
RNG = np.random.default_rng(5)
X = RNG.uniform(0.1, 0.9, size=(3, 4, 6)).astype("float32")
W = RNG.normal(size=(6, 3)).astype("float32")


# name -> f(ops, x): the same code runs on numnet's symbolic tensors and on Keras's
CASES = {
    "operators": lambda o, x: -((x + 1.0) * 2.0 - x / 3.0) ** 2 + 1.0 / (x + 2),
    "rsub_rpow": lambda o, x: (1.0 - x) + 2.0 ** x,
    "floordiv_mod": lambda o, x: x // 0.3 + x % 0.3,
    "abs": lambda o, x: abs(x - 0.5) + o.abs(x - 0.4) + o.absolute(x - 0.3),
    "matmul": lambda o, x: x @ o.transpose(x, (0, 2, 1)) + o.matmul(x, W) @ W.T[:, :4],
    "dot_tensordot": lambda o, x: o.dot(x, W) + o.tensordot(x, W, axes=1),
    "unary_math": lambda o, x: o.concatenate(
        [o.exp(x), o.log(x), o.sqrt(x), o.square(x), o.sin(x), o.cos(x), o.tanh(x), o.tan(x),
         o.log1p(x), o.expm1(x), o.log2(x), o.log10(x), o.sinh(x), o.cosh(x), o.arcsin(x),
         o.arccos(x), o.arctan(x), o.arcsinh(x), o.arccosh(x + 1.0), o.arctanh(x),
         o.reciprocal(x), o.sign(x - 0.5), o.floor(x * 3), o.ceil(x * 3), o.negative(x),
         o.erf(x), o.rsqrt(x), o.round(x, 1)], axis=-1),
    "binary_math": lambda o, x: o.concatenate(
        [o.maximum(x, 0.5), o.minimum(x, 0.5), o.power(x, 3), o.arctan2(x, 0.5),
         o.logaddexp(x, x * 2), o.subtract(x, 1.0), o.divide(x, 4.0), o.true_divide(x, 4.0),
         o.multiply(x, x), o.add(1.0, x), o.mod(x, 0.25), o.floor_divide(x, 0.25)], axis=1),
    "activations": lambda o, x: o.concatenate(
        [o.relu(x - 0.5), o.relu6(x * 9), o.sigmoid(x), o.softplus(x), o.softsign(x),
         o.silu(x), o.selu(x - 0.5), o.log_sigmoid(x), o.hard_sigmoid(x), o.hard_silu(x),
         o.hard_tanh(x * 3 - 1), o.tanh_shrink(x), o.sparse_plus(x - 0.5),
         o.sparse_sigmoid(x - 0.5), o.softmax(x, axis=1), o.log_softmax(x),
         o.leaky_relu(x - 0.5, negative_slope=0.1), o.elu(x - 0.5, alpha=0.5),
         o.celu(x - 0.5), o.gelu(x, approximate=False), o.gelu(x),
         o.hard_shrink(x, threshold=0.3), o.soft_shrink(x, 0.3), o.squareplus(x),
         o.threshold(x, 0.5, -1.0), o.normalize(x, axis=-1),
         o.glu(o.concatenate([x, x], axis=-1))], axis=-1),
    "sparsemax": lambda o, x: o.sparsemax(x * 4.0, axis=-1),
    "reductions": lambda o, x: o.concatenate(
        [o.mean(x, axis=-1, keepdims=True), o.sum(x, axis=-1, keepdims=True),
         o.max(x, axis=2, keepdims=True), o.min(x, -1, True), o.std(x, axis=-1, keepdims=True),
         o.var(x, axis=-1, keepdims=True), o.prod(x, axis=-1, keepdims=True),
         o.logsumexp(x, axis=-1, keepdims=True),
         o.expand_dims(o.mean(x, axis=(1, 2)), (1, 2)) + o.zeros_like(x[..., :1])], axis=-1),
    "index_reductions": lambda o, x: o.cast(o.concatenate(
        [o.argmax(x, axis=-1, keepdims=True), o.argmin(x, axis=-1, keepdims=True),
         o.argsort(x, axis=-1), o.count_nonzero(x > 0.5, axis=-1)[..., None]], axis=-1),
        "float32"),
    "logic": lambda o, x: o.cast(o.concatenate(
        [x > 0.5, x >= 0.5, x < 0.3, x <= 0.3, o.equal(x, x), o.not_equal(x, 0.5),
         o.logical_and(x > 0.2, x < 0.8), o.logical_or(x < 0.2, x > 0.8),
         o.logical_xor(x < 0.5, x < 0.7), o.logical_not(x > 0.5), o.isnan(x), o.isinf(x),
         o.isfinite(x), o.all(x > 0.5, axis=-1, keepdims=True),
         o.any(x > 0.5, axis=-1, keepdims=True)], axis=-1), "float32"),
    "where_clip": lambda o, x: o.where(x > 0.5, x, 0.0) + o.clip(x, 0.3, 0.6)
    + o.nan_to_num(x) + o.full_like(x, 2.0) * o.ones_like(x),
    "shapes": lambda o, x: o.reshape(o.transpose(x, (0, 2, 1)), (-1, 24))
    + o.reshape(o.squeeze(o.expand_dims(x, 1), axis=1), (-1, 24)),
    "ravel": lambda o, x: o.ravel(x * 2.0),  # the batch too: 72 numbers for 3 samples
    "stack_concat": lambda o, x: o.stack([x, x * 2], axis=1) + o.concatenate(
        [x[:, None], x[:, None] * 3], axis=1),
    "axes": lambda o, x: o.moveaxis(x, 1, 2) + o.swapaxes(x, 1, 2) + o.flip(
        o.transpose(x, (0, 2, 1)), axis=1) + o.roll(o.transpose(x, (0, 2, 1)), 1, axis=2),
    "repeat_tile_pad": lambda o, x: o.concatenate(
        [o.repeat(x, 2, axis=2), o.tile(x, (1, 1, 2)),
         o.pad(x, ((0, 0), (0, 0), (1, 5))),
         o.pad(x, ((0, 0), (0, 0), (3, 3)), constant_values=1.0)], axis=1),
    "slicing": lambda o, x: o.concatenate(
        [x[:, 1:3], x[:, ::2], x[..., None, 1][:, :2], x[:, 0:2, 1:]], axis=-1)[..., :3],
    "take_sort": lambda o, x: o.concatenate(
        [o.take(x, np.array([0, 2]), axis=2),
         o.take_along_axis(x, o.argsort(x, axis=-1), axis=-1), o.sort(x, axis=1),
         o.cumsum(x, axis=1), o.cumprod(x, axis=2), o.tril(o.square(x)), o.triu(x, k=1)],
        axis=-1),
    "several_outputs": lambda o, x: o.concatenate(
        [o.split(x, 2, axis=-1)[1], o.top_k(x, 3)[0], o.cast(o.top_k(x, 3)[1], "float32"),
         o.moments(x, axes=[2], keepdims=True)[1],
         o.stack(o.unstack(x, axis=1)[::-1], axis=1)[..., :2]], axis=-1),
    "einsum": lambda o, x: o.einsum("bij,bkj->bik", x, x) + o.outer(x[0, 0], x[0, 1])[:4, :4],
    "diagonal_trace": lambda o, x: o.concatenate(
        [o.diagonal(x, axis1=1, axis2=2), o.trace(x, axis1=1, axis2=2)[:, None]], axis=-1),
    "cast": lambda o, x: o.cast(o.cast(x * 10, "int32"), "float32") + o.cast(
        o.cast(x, "float16"), "float32") + o.convert_to_tensor(x, dtype="float32")
    + o.stop_gradient(x),
    "one_hot": lambda o, x: o.one_hot(o.cast(x * 3, "int32"), 4),
    "crossentropies": lambda o, x: o.concatenate(
        [o.binary_crossentropy(x, o.sigmoid(x - 0.5))[..., :1],
         o.sparse_categorical_crossentropy(o.cast(x[..., 0] * 6, "int32"), x * 3,
                                           from_logits=True)[..., None],
         o.categorical_crossentropy(o.softmax(x), o.softmax(x * 2))[..., None],
         o.categorical_crossentropy(x, x - 0.5, from_logits=True)[..., None]], axis=-1),
    "pools_conv": lambda o, x: o.concatenate(  # (Keras on JAX needs max_pool's strides)
        [o.max_pool(x, 2, strides=2), o.average_pool(x, 2, strides=1, padding="same")[:, :2],
         o.conv(x, np.full((3, 6, 6), 0.1, "float32"), padding="same")[:, :2]], axis=-1),
    "image": lambda o, x: o.reshape(o.image.affine_transform(o.image.rgb_to_grayscale(
        o.image.hsv_to_rgb(o.image.rgb_to_hsv(o.image.gaussian_blur(o.image.pad_images(
            o.image.crop_images(o.image.resize(o.stack([x, x * 0.5, 1.0 - x], axis=-1),
                                               (8, 12)),
                                top_cropping=1, left_cropping=2, target_height=4,
                                target_width=6),
            top_padding=1, left_padding=1, target_height=6, target_width=8))))),
        o.concatenate([x[:, 0], x[:, 1, :2]], axis=-1) * 0.0  # a transform per image
        + np.array([1.0, 0.1, 0.5, 0.0, 1.0, -0.3, 0.0, 0.0], "float32")), (-1, 48)),
}

KERAS_DIFFERS = {"sparsemax"}
"""Cases where Keras 3.15 on JAX computes another value than numnet (its sparsemax gives
zeros for [[0.5, 0.9, 0.1, 0.45, 0.8, 0.3]], where the projection onto the simplex is
[0.0875, 0.4875, 0, 0.0375, 0.3875, 0]): the files are compared, not the predictions."""


def _model(name: str):
    x = numnet.Input((4, 6), name="x")
    return numnet.Model(x, CASES[name](numnet.ops, x), name="ops")


def _config(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return json.loads(zf.read("config.json"))


def _op_entries(config: dict) -> list:
    return [e for e in config["config"]["layers"] if e["module"].startswith("keras.src.ops")]


def _same(a, b, tol=1e-6):
    np.testing.assert_allclose(np.asarray(a, "float64"), np.asarray(b, "float64"), rtol=tol,
                               atol=tol)


def _comparable(entry) -> tuple:
    """An op entry less its name (Keras numbers its ops' names across the process)."""
    def strip(value):
        if isinstance(value, dict) and value.get("class_name") == "__keras_tensor__":
            return "tensor"
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items()}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    config = {k: v for k, v in entry["config"].items() if k != "name"}
    # numnet records ops.divide and x / y alike, and writes both as Keras writes x / y
    name = "TrueDivide" if entry["class_name"] == "Divide" else entry["class_name"]
    return (entry["module"], name, name, config,
            strip(entry["inbound_nodes"]))


# ----------------------------------------------------------------------------- numnet alone


def test_the_example_of_a_keras_program_saves_and_loads(tmp_path):
    x = numnet.Input((8,), name="x")
    h = layers.Dense(16)(x)
    h = numnet.ops.relu(h) * 2.0 + numnet.ops.mean(h, axis=-1, keepdims=True)
    out = layers.Dense(1)(numnet.ops.concatenate([h, x], axis=-1))
    model = numnet.Model(x, out)
    data = RNG.normal(size=(5, 8)).astype("float32")
    path = tmp_path / "m.keras"
    model.save(path)
    entries = {e["class_name"]: e for e in _op_entries(_config(path))}
    again = numnet.models.load_model(path)
    assert sorted(entries) == ["Add", "Concatenate", "Mean", "Multiply", "Relu"]
    mean = entries["Mean"]
    assert mean["config"] == {"name": mean["name"], "axis": -1, "keepdims": True}
    assert mean["module"] == "keras.src.ops.numpy" and mean["registered_name"] == "Mean"
    assert entries["Relu"]["module"] == "keras.src.ops.nn"
    assert entries["Multiply"]["inbound_nodes"][0]["args"][1] == 2.0
    concat = entries["Concatenate"]["inbound_nodes"][0]["args"]
    assert len(concat) == 1 and [t["config"]["keras_history"][0] for t in concat[0]] == [
        entries["Add"]["name"], "x"]
    d1, d2 = (layer.get_weights() for layer in model.layers if isinstance(layer, layers.Dense))
    h = data @ d1[0] + d1[1]
    h = np.maximum(h, 0) * 2.0 + h.mean(axis=-1, keepdims=True)
    expected = np.concatenate([h, data], axis=-1) @ d2[0] + d2[1]
    _same(model.predict(data, verbose=0), expected, 1e-5)
    _same(again.predict(data, verbose=0), model.predict(data, verbose=0), 0.0)


def _fixture_builder():
    """make_ops_fixture.build: the model of tests/data/keras/ops.keras, on Keras or numnet."""
    spec = importlib.util.spec_from_file_location("make_ops_fixture",
                                                  DATA / "make_ops_fixture.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.build


def test_numnet_reads_the_ops_keras_wrote_and_writes_them_as_keras_did(tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # an uncompiled model: no warning
        model = numnet.models.load_model(DATA / "ops.keras")
    x, y = np.load(DATA / "ops_x.npy"), np.load(DATA / "ops_y.npy")
    _same(model.predict(x, verbose=0), y)
    ours = _fixture_builder()(numnet)
    ours.set_weights(model.get_weights())
    _same(ours.predict(x, verbose=0), y)
    ours.save(tmp_path / "n.keras")
    keras_entries = _op_entries(_config(DATA / "ops.keras"))
    assert [_comparable(e) for e in _op_entries(_config(tmp_path / "n.keras"))] == [
        _comparable(e) for e in keras_entries]
    assert len(keras_entries) == 25


@pytest.mark.parametrize("name", sorted(CASES))
def test_numnet_reads_back_the_ops_it_wrote(tmp_path, name):
    model = _model(name)
    path = tmp_path / "m.keras"
    model.save(path)
    again = numnet.models.load_model(path)
    _same(again.predict(X, verbose=0), model.predict(X, verbose=0), 0.0)
    path2 = tmp_path / "m2.keras"
    again.save(path2)  # the loaded model writes the same config
    first, second = _op_entries(_config(path)), _op_entries(_config(path2))
    assert [(e["class_name"], e["config"]) for e in first] == [
        (e["class_name"], e["config"]) for e in second]


def test_every_op_of_the_table_is_exercised():
    written = set()
    for name in CASES:
        for layer in _model(name)._graph:
            written.add(getattr(layer[0], "function", None))
    assert sorted(set(KERAS_OPS) - written) == []


def test_a_fresh_process_reads_an_indexing_node(tmp_path):
    """x[...] names its op when first used; a process that has not indexed a symbolic tensor
    reads a graph with one all the same (a .keras file of Keras's and numnet's own)."""
    x = numnet.Input((4,))
    numnet.Model(x, x[:, 1:3] * 2.0).save(tmp_path / "m.numnet")
    code = ("import sys, numpy as np, numnet\n"
            "for path in sys.argv[1:]:\n"
            "    model = numnet.models.load_model(path)\n"
            "    print(model.predict(np.ones((1, model.input_shape[-1]), 'float32'),"
            " verbose=0).ravel().tolist())\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "m.numnet"),
                           str(DATA / "ops.keras")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "[2.0, 2.0]"


def test_settings_go_to_the_config_and_operands_to_the_call(tmp_path):
    x = numnet.Input((4, 6), name="x")
    out = numnet.ops.pad(numnet.ops.einsum("bij,bkj->bik", x, x * 2.0), ((0, 0), (1, 1), (0, 0)),
                         constant_values=3.0)
    path = tmp_path / "m.keras"
    numnet.Model(x, numnet.ops.matmul(out, np.ones((4, 2), "float32"))).save(path)
    entries = {e["class_name"]: e for e in _op_entries(_config(path))}
    assert entries["Einsum"]["config"] == {"name": entries["Einsum"]["name"],
                                           "subscripts": "bij,bkj->bik"}
    assert len(entries["Einsum"]["inbound_nodes"][0]["args"]) == 2
    pad = entries["Pad"]
    assert {k: v for k, v in pad["config"].items() if k != "name"} == {
        "pad_width": [[0, 0], [1, 1], [0, 0]], "mode": "constant"}
    assert pad["inbound_nodes"][0]["kwargs"] == {"constant_values": 3.0}
    constant = entries["Matmul"]["inbound_nodes"][0]["args"][1]
    assert constant == {"class_name": "__numpy__",
                        "config": {"value": [[1.0, 1.0]] * 4, "dtype": "float32"}}
    again = numnet.models.load_model(path)
    data = X
    expected = np.pad(np.einsum("bij,bkj->bik", data, data * 2.0), ((0, 0), (1, 1), (0, 0)),
                      constant_values=3.0) @ np.ones((4, 2))
    _same(again.predict(data, verbose=0), expected, 1e-5)


@numnet.saving.register_keras_serializable(package="ops_test")
class Halves(layers.Layer):
    """Gives a dict of two tensors, whose parts Keras's files name in an order of their own."""

    def call(self, x):
        return {"left": x[..., :3], "right": x[..., 3:]}


def test_the_parts_of_a_structured_output_are_named_by_their_place(tmp_path):
    x = numnet.Input((5, 3), name="x")
    seq, h, c = layers.LSTM(4, return_sequences=True, return_state=True, name="lstm")(x)
    out = layers.Dense(2, name="dense")(numnet.ops.concatenate([seq[:, -1], h, c], axis=-1))
    model = numnet.Model(x, [out, c])
    path = tmp_path / "m.keras"
    model.save(path)
    config = _config(path)["config"]
    assert config["output_layers"] == [["dense", 0, 0], ["lstm", 0, 2]]
    assert [e["class_name"] for e in config["layers"]] == [
        "InputLayer", "LSTM", "GetItem", "Concatenate", "Dense"]
    data = RNG.uniform(size=(3, 5, 3)).astype("float32")
    again = numnet.models.load_model(path)
    for ours, theirs in zip(model.predict(data, verbose=0), again.predict(data, verbose=0),
                            strict=True):
        _same(theirs, ours, 0.0)


def test_a_part_of_a_dict_output_is_refused_naming_it(tmp_path):
    x = numnet.Input((6,))
    model = numnet.Model(x, Halves(name="halves")(x)["right"] * 2.0)
    with pytest.raises(ValueError, match=r"the part 'right' of the output of 'halves'.*numnet"):
        model.save(tmp_path / "m.keras")


@pytest.mark.parametrize("build, named", [
    (lambda o, x: o.norm(x, axis=-1), r"the op 'norm'.*cannot load back"),
    (lambda o, x: o.clip(x, x * 0.5, 0.7), r"the op 'clip'.*'x_min' given as a tensor"),
])
def test_an_op_keras_cannot_hold_is_refused_naming_it_and_why(tmp_path, build, named):
    x = numnet.Input((4, 6))
    model = numnet.Model(x, build(numnet.ops, x))
    with pytest.raises(ValueError, match=named + r".*model\.numnet"):
        model.save(tmp_path / "m.keras")
    assert not os.listdir(tmp_path)
    model.save(tmp_path / "m.numnet")  # numnet's own format holds it
    _same(numnet.models.load_model(tmp_path / "m.numnet").predict(X, verbose=0),
          model.predict(X, verbose=0), 0.0)


def test_the_refused_ops_name_a_reason():
    assert all(isinstance(why, str) and len(why) > 20 for why in REFUSED.values())
    assert not set(REFUSED) & set(KERAS_OPS)


def _rewrite(path, change):
    with zipfile.ZipFile(path) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    config = json.loads(members["config.json"])
    change(config)
    members["config.json"] = json.dumps(config).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _entry(config, class_name):
    return next(e for e in config["config"]["layers"] if e["class_name"] == class_name)


@pytest.mark.parametrize("change, named", [
    (lambda c: _entry(c, "Mean")["config"].update(where=[1]), r"setting 'where'"),
    (lambda c: _entry(c, "Mean")["config"].update(axis={"class_name": "x"}),
     r"config\.axis"),
    (lambda c: _entry(c, "Mean").update(class_name="Fft"), r"operation 'Fft'"),
    (lambda c: _entry(c, "Mean")["inbound_nodes"][0]["args"].append(1),
     r"more than it takes"),
    (lambda c: _entry(c, "Matmul")["inbound_nodes"][0]["args"][1]["config"].update(
        dtype="object"), r"dtype.*'object'"),
    (lambda c: _entry(c, "Matmul")["inbound_nodes"][0]["args"][1]["config"].update(
        value=[[1.0], [1.0, 2.0]]), r"rectangular"),
])
def test_a_tampered_op_is_refused_naming_the_field(tmp_path, change, named):
    x = numnet.Input((4, 6), name="x")
    model = numnet.Model(x, numnet.ops.matmul(numnet.ops.mean(x, axis=-1, keepdims=True),
                                              np.ones((1, 2), "float32")))
    path = tmp_path / "m.keras"
    model.save(path)
    _rewrite(path, change)
    with pytest.raises(ModelFileError, match=named):
        numnet.models.load_model(path)


# ----------------------------------------------------------------------------- with Keras


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="these checks run Keras on JAX")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


def _keras_model(keras, name):
    x = keras.Input((4, 6), name="x")
    return keras.Model(x, CASES[name](keras.ops, x), name="ops")


@pytest.mark.parametrize("name", sorted(CASES))
def test_keras_loads_the_ops_numnet_wrote_and_numnet_loads_kerass(keras, tmp_path, name):
    tol = 1e-6
    ours = _model(name)
    ours.save(tmp_path / "n.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.saving.load_model(tmp_path / "n.keras")
    kmodel = _keras_model(keras, name)
    kmodel.save(tmp_path / "k.keras")
    expected = kmodel.predict(X, verbose=0)
    again = numnet.models.load_model(tmp_path / "k.keras")
    _same(again.predict(X, verbose=0), ours.predict(X, verbose=0), 0.0)
    _same(theirs.predict(X, verbose=0), expected, 0.0)
    if name not in KERAS_DIFFERS:
        _same(ours.predict(X, verbose=0), expected, tol)
    kentries = sorted(map(json.dumps, map(_comparable, _op_entries(_config(tmp_path /
                                                                              "k.keras")))))
    nentries = sorted(map(json.dumps, map(_comparable, _op_entries(_config(tmp_path /
                                                                              "n.keras")))))
    assert nentries == kentries


def test_keras_reads_the_states_of_an_lstm_numnet_wrote(keras, tmp_path):
    x = numnet.Input((5, 3), name="x")
    seq, h, c = layers.LSTM(4, return_sequences=True, return_state=True)(x)
    out = layers.Dense(2)(numnet.ops.concatenate([seq[:, -1], h, c], axis=-1))
    model = numnet.Model(x, [out, h])
    model.save(tmp_path / "m.keras")
    data = RNG.uniform(size=(3, 5, 3)).astype("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.saving.load_model(tmp_path / "m.keras")
    for a, b in zip(theirs.predict(data, verbose=0), model.predict(data, verbose=0),
                    strict=True):
        _same(a, b)
    theirs.save(tmp_path / "k.keras")
    for a, b in zip(numnet.models.load_model(tmp_path / "k.keras").predict(data, verbose=0),
                    model.predict(data, verbose=0), strict=True):
        _same(a, b)


def test_keras_loads_the_example_with_weights(keras, tmp_path):
    x = numnet.Input((8,))
    h = layers.Dense(16)(x)
    h = numnet.ops.relu(h) * 2.0 + numnet.ops.mean(h, axis=-1, keepdims=True)
    h = layers.Dense(4)(numnet.ops.concatenate([h, x], axis=-1))
    out = layers.Dense(1)(numnet.ops.reshape(h[:, 1:3], (-1, 2)) - 1.0)
    model = numnet.Model(x, out)
    model.save(tmp_path / "m.keras")
    data = RNG.normal(size=(5, 8)).astype("float32")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = keras.saving.load_model(tmp_path / "m.keras")
    _same(theirs.predict(data, verbose=0), model.predict(data, verbose=0))
    assert [type(layer).__name__ for layer in theirs.layers] == [
        "InputLayer", "Dense", "Dense", "Dense"]
    theirs.save(tmp_path / "k.keras")
    _same(numnet.models.load_model(tmp_path / "k.keras").predict(data, verbose=0),
          model.predict(data, verbose=0))
