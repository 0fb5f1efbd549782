"""Keras 3 files of models with recurrent layers and wrappers, read and written by numnet.

Keras keeps the weights of an RNN in its cell (``/layers/lstm/cell/vars``), of a Bidirectional
in its two layers' cells (``/layers/bidirectional/forward_layer/cell/vars``) and of a
TimeDistributed in its layer (``/layers/time_distributed/layer/vars``); its ``.keras`` configs
hold those layers as serialized objects. The fixtures in tests/data/keras were written by
Keras 3.15 (make_fixtures.py, ``recurrent``); only the last test needs keras and jax.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.saving import ModelFileError

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")
h5py = pytest.importorskip("h5py", reason="Keras files hold their weights in HDF5: pip install "
                                          "'numnet[h5]'")

DATA = Path(__file__).resolve().parent / "data" / "keras"
NAMES = ("bidirectional_lstm", "simple_rnn")


def _build(name):
    """The fixture's architecture, built in numnet."""
    if name == "bidirectional_lstm":
        tokens = numnet.Input(shape=(6,), dtype="int32", name="tokens")
        x = layers.Embedding(10, 3)(tokens)
        x = layers.Bidirectional(layers.LSTM(2, return_sequences=True))(x)
        x = layers.GRU(3, return_sequences=True)(x)
        out = layers.TimeDistributed(layers.Dense(2))(x)
        return numnet.models.Model(inputs=tokens, outputs=out)
    return numnet.models.Sequential([
        layers.Input(shape=(5, 2)),
        layers.SimpleRNN(3, return_sequences=True, go_backwards=True),
        layers.RNN(layers.SimpleRNNCell(2, activation="relu")),
        layers.Dense(1),
    ])


def _x(name):
    return np.load(DATA / f"{name}_x.npy")


def _y(name):
    return np.load(DATA / f"{name}_y.npy")


def _datasets(path) -> dict:
    """{path: shape} of every dataset of the layers in the HDF5 file (Keras also keeps its
    optimizer's, in /optimizer)."""
    out = {}
    with h5py.File(path, "r") as h5:
        h5["layers"].visititems(lambda at, obj: out.__setitem__(f"layers/{at}", obj.shape)
                                if isinstance(obj, h5py.Dataset) else None)
    return out


def _copy(tmp_path, name, edit) -> Path:
    """The fixture's .weights.h5 with ``edit(h5)`` applied."""
    path = tmp_path / f"{name}.weights.h5"
    shutil.copyfile(DATA / f"{name}.weights.h5", path)
    with h5py.File(path, "r+") as h5:
        edit(h5)
    return path


def _refused(name, path, match, **kwargs) -> None:
    model = _build(name)
    before = [w.copy() for w in model.get_weights()]
    with pytest.raises(ModelFileError, match=match):
        model.load_weights(path, **kwargs)
    for got, want in zip(model.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, want)  # nothing half-loaded


# ----------------------------------------------------------------------------- the fixtures


def test_the_fixtures_hold_weights_where_keras_puts_them():
    bidirectional = _datasets(DATA / "bidirectional_lstm.weights.h5")
    for side in ("forward_layer", "backward_layer"):
        assert bidirectional[f"layers/bidirectional/{side}/cell/vars/0"] == (3, 8)
    assert bidirectional["layers/gru/cell/vars/2"] == (2, 9)
    assert bidirectional["layers/time_distributed/layer/vars/0"] == (3, 2)
    simple = _datasets(DATA / "simple_rnn.weights.h5")
    assert simple["layers/simple_rnn/cell/vars/1"] == (3, 3)
    assert simple["layers/rnn/cell/vars/0"] == (3, 2)


@pytest.mark.parametrize("name", NAMES)
def test_a_keras_file_predicts_what_keras_predicted(name):
    model = numnet.models.load_model(DATA / f"{name}.keras")
    got = model.predict(_x(name), verbose=0)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, _y(name), rtol=1e-5, atol=1e-6)
    assert model.compiled and isinstance(model.optimizer, numnet.optimizers.Adam)


def test_a_keras_file_keeps_the_layers_settings():
    model = numnet.models.load_model(DATA / "bidirectional_lstm.keras")
    bidirectional, gru, time_distributed = model.layers[2:]
    assert bidirectional.forward_layer.units == 2 and bidirectional.merge_mode == "concat"
    assert bidirectional.backward_layer.go_backwards and bidirectional.return_sequences
    assert gru.reset_after and gru.cell.bias.shape == (2, 9)
    assert isinstance(time_distributed.layer, layers.Dense)
    model = numnet.models.load_model(DATA / "simple_rnn.keras")
    assert model.layers[0].go_backwards
    assert isinstance(model.layers[1].cell, layers.SimpleRNNCell)
    assert model.layers[1].cell.activation is numnet.activations.relu


@pytest.mark.parametrize("name", NAMES)
def test_keras_weights_load_into_the_same_architecture(name):
    model = _build(name)
    model.load_weights(DATA / f"{name}.weights.h5")
    np.testing.assert_allclose(model.predict(_x(name), verbose=0), _y(name), rtol=1e-5,
                               atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_save_weights_writes_keras_s_layout(tmp_path, name):
    model = numnet.models.load_model(DATA / f"{name}.keras")
    model.save_weights(tmp_path / "n.weights.h5")
    assert _datasets(tmp_path / "n.weights.h5") == _datasets(DATA / f"{name}.weights.h5")
    with h5py.File(tmp_path / "n.weights.h5", "r") as mine, \
            h5py.File(DATA / f"{name}.weights.h5", "r") as keras:
        def same(at, obj):
            at = f"layers/{at}"
            if isinstance(obj, h5py.Dataset):
                np.testing.assert_array_equal(mine[at][()], obj[()], err_msg=at)
            elif at.endswith("/vars") and "input_layer" not in at:
                assert mine[at].attrs["name"] == obj.attrs["name"], at  # each level's name

        keras["layers"].visititems(same)


@pytest.mark.parametrize("name", NAMES)
def test_save_weights_round_trips(tmp_path, name):
    model = _build(name)
    model.save_weights(tmp_path / "n.weights.h5")
    again = _build(name)
    again.load_weights(tmp_path / "n.weights.h5")
    for got, want in zip(again.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(again.predict(_x(name), verbose=0),
                                  model.predict(_x(name), verbose=0))


# ----------------------------------------------------------------------------- refused


def test_a_missing_cell_weight_is_refused_naming_the_place(tmp_path):
    def drop(h5):
        del h5["layers/bidirectional/backward_layer/cell/vars/1"]

    _refused("bidirectional_lstm", _copy(tmp_path, "bidirectional_lstm", drop),
             r"/layers/bidirectional/backward_layer/cell/vars: the model's layer "
             r"'bidirectional\w*' \(Bidirectional\), its backward_layer 'backward_lstm\w*' "
             r"\(LSTM\), its cell 'lstm_cell' \(LSTMCell\) has 3 variables, the file has "
             r"\['0', '2'\]")

    def no_cell(h5):
        del h5["layers/simple_rnn/cell"]

    _refused("simple_rnn", _copy(tmp_path, "simple_rnn", no_cell),
             r"/layers/simple_rnn/cell/vars: missing: .*its cell 'simple_rnn_cell\w*' "
             r"\(SimpleRNNCell\) has no weights here")


@pytest.mark.parametrize("place, shape", [
    ("layers/gru/cell/vars/2", (9,)),
    ("layers/bidirectional/forward_layer/cell/vars/0", (8, 3)),
    ("layers/time_distributed/layer/vars/0", (3, 3)),
])
def test_a_mis_shaped_weight_is_refused_naming_the_place(tmp_path, place, shape):
    def reshape(h5):
        del h5[place]
        h5[place] = np.zeros(shape, "float32")

    _refused("bidirectional_lstm", _copy(tmp_path, "bidirectional_lstm", reshape),
             rf"/{place}: the model expects shape \(\d+, \d+\), the file has "
             + re.escape(str(shape)))


def test_weights_at_the_wrong_level_are_refused(tmp_path):
    def flat(h5):  # the cell's weights in the layer's own group
        h5.move("layers/gru/cell/vars/0", "layers/gru/vars/0")

    _refused("bidirectional_lstm", _copy(tmp_path, "bidirectional_lstm", flat),
             r"/layers/gru/vars: holds weights, where Keras keeps none for .*'gru\w*' "
             r"\(GRU\): its weights belong under \['/layers/gru/cell'\]")

    def extra(h5):
        h5.copy(h5["layers/time_distributed/layer"], "layers/time_distributed/other")

    _refused("bidirectional_lstm", _copy(tmp_path, "bidirectional_lstm", extra),
             r"/layers/time_distributed: holds weights for \['other'\]")

    def nested_only(h5):  # a layer the model lacks, its weights one level down
        h5.copy(h5["layers/simple_rnn"], "layers/lstm")

    _refused("simple_rnn", _copy(tmp_path, "simple_rnn", nested_only),
             r"/layers: holds weights for layers \['lstm'\] that the model does not have")


def test_groups_linked_in_a_loop_are_looked_at_once(tmp_path):
    def loop(h5):
        group = h5.create_group("layers/lstm/cell")
        for i in range(50):
            group[f"again_{i}"] = h5["layers/lstm"]  # hard links back up: a loop
        h5["layers/simple_rnn/cell/again"] = h5["layers/simple_rnn"]

    path = _copy(tmp_path, "simple_rnn", loop)
    model = _build("simple_rnn")
    model.load_weights(path)  # no weights in the loops: nothing the model lacks
    np.testing.assert_allclose(model.predict(_x("simple_rnn"), verbose=0), _y("simple_rnn"),
                               rtol=1e-5, atol=1e-6)

    def weights_in_the_loop(h5):
        loop(h5)
        h5["layers/lstm/cell/vars/0"] = np.zeros(3, "float32")

    _refused("simple_rnn", _copy(tmp_path, "simple_rnn", weights_in_the_loop),
             r"/layers: holds weights for layers \['lstm'\]")


def test_skip_mismatch_skips_only_the_mismatched_cell(tmp_path):
    def reshape(h5):
        del h5["layers/rnn/cell/vars/0"]
        h5["layers/rnn/cell/vars/0"] = np.zeros((4, 2), "float32")

    model = _build("simple_rnn")
    with pytest.warns(UserWarning, match=r"skipped .*cell 'simple_rnn_cell\w*'.*\(4, 2\)"):
        model.load_weights(_copy(tmp_path, "simple_rnn", reshape), skip_mismatch=True)
    keras = _build("simple_rnn")
    keras.load_weights(DATA / "simple_rnn.weights.h5")
    np.testing.assert_array_equal(model.layers[0].cell.kernel.numpy(),
                                  keras.layers[0].cell.kernel.numpy())
    assert not np.array_equal(model.layers[1].cell.kernel.numpy(),
                              keras.layers[1].cell.kernel.numpy())


def _members(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _edited(tmp_path, edit, name="bidirectional_lstm") -> Path:
    """The .keras fixture ``name`` with ``edit`` applied to its parsed config.json."""
    members = _members(DATA / f"{name}.keras")
    config = json.loads(members["config.json"])
    edit(config["config"]["layers"])
    members["config.json"] = json.dumps(config).encode()
    path = tmp_path / "edited.keras"
    with zipfile.ZipFile(path, "w") as zf:
        for member, content in members.items():
            zf.writestr(member, content)
    return path


def _refused_file(path, match) -> None:
    with pytest.raises(ModelFileError, match=match):
        numnet.models.load_model(path)


def test_a_keras_file_with_a_mis_shaped_cell_weight_is_refused(tmp_path):
    members = _members(DATA / "bidirectional_lstm.keras")
    weights = tmp_path / "model.weights.h5"
    weights.write_bytes(members["model.weights.h5"])
    with h5py.File(weights, "r+") as h5:
        del h5["layers/bidirectional/backward_layer/cell/vars/2"]
        h5["layers/bidirectional/backward_layer/cell/vars/2"] = np.zeros(7, "float32")
    members["model.weights.h5"] = weights.read_bytes()
    with zipfile.ZipFile(tmp_path / "bad.keras", "w") as zf:
        for member, content in members.items():
            zf.writestr(member, content)
    _refused_file(tmp_path / "bad.keras", r"model\.weights\.h5: /layers/bidirectional/"
                                          r"backward_layer/cell/vars/2: the model expects shape "
                                          r"\(8,\), the file has \(7,\)")


def test_held_layers_are_checked_as_the_model_s_own(tmp_path, marker):
    def lambda_layer(layers_):
        layers_[4]["config"]["layer"].update(class_name="Lambda", config={
            "name": "lambda", "function": {"class_name": "__lambda__", "config": {}},
            "arguments": {}})

    _refused_file(_edited(tmp_path, lambda_layer),
                  r"layers\[4\]\.config\.layer\.config\.function: a Lambda layer holds Python code")

    def foreign(layers_):
        layers_[2]["config"]["backward_layer"].update(
            module="os", class_name="system", config={"command": f"touch {marker}"})

    _refused_file(_edited(tmp_path, foreign),
                  r"config\.backward_layer: 'system' from the module 'os'.*never imports")

    def unknown_setting(layers_):
        layers_[2]["config"]["layer"]["config"]["use_peepholes"] = True

    _refused_file(_edited(tmp_path, unknown_setting),
                  r"config\.layer\.config\.use_peepholes: layer 'forward_lstm' \(LSTM\): "
                  r"Keras's setting use_peepholes=True")

    def stacked_cells(spec):
        spec[2]["config"]["cell"] = {
            "module": "keras.layers", "class_name": "StackedRNNCells",
            "config": {"cells": []}, "registered_name": None}

    _refused_file(_edited(tmp_path, stacked_cells, "simple_rnn"),
                  r"model\.config\.layers\[2\].*StackedRNNCells\(cells\): expected a non-empty "
                  r"list of cells")

    def policy(layers_):
        layers_[4]["config"]["layer"]["config"]["dtype"] = {
            "module": "keras", "class_name": "QuantizedDTypePolicy",
            "config": {"mode": "gptq", "source_name": "float32"}, "registered_name": None}

    _refused_file(_edited(tmp_path, policy), r"layers\[4\].*mode='gptq'.*'int8', 'int4' and "
                                             r"'float8'")


def test_held_layers_are_charged_to_the_budget_before_allocating(tmp_path):
    def huge(layers_):
        layers_[2]["config"]["layer"]["config"]["units"] = 10**8

    _refused_file(_edited(tmp_path, huge), r"layers\[2\].*lstm_cell.*beyond the \d+ bytes")


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "payload-ran"
    yield path
    assert not path.exists(), "code from a model file ran"


def test_the_fixtures_are_small():
    for name in NAMES:
        assert (DATA / f"{name}.keras").stat().st_size < 64_000
        assert (DATA / f"{name}.weights.h5").stat().st_size < 64_000


# ----------------------------------------------------------------------------- Keras reads


@pytest.mark.parametrize("name", NAMES)
def test_keras_loads_numnet_s_weights(tmp_path, name):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="the Keras cross-check runs Keras on its JAX backend")
    keras = pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")
    model = _build(name)
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    model.save_weights(tmp_path / "n.weights.h5")
    kmodel = keras.saving.load_model(DATA / f"{name}.keras", compile=False)
    kmodel.load_weights(str(tmp_path / "n.weights.h5"))
    np.testing.assert_allclose(np.asarray(kmodel.predict(_x(name), verbose=0)),
                               model.predict(_x(name), verbose=0), rtol=1e-5, atol=1e-5)
