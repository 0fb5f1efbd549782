"""Keras 3 ``.keras`` files loaded by numnet.models.load_model.

The files in tests/data/keras were written by Keras 3.15 (make_fixtures.py there regenerates
them), each next to its input and Keras's predictions on it; these tests need neither keras nor
jax. Tampered, truncated, oversized and code-naming files are refused with ModelFileError, and no
code from a file runs (a marker file that the payloads would create never appears).
"""

from __future__ import annotations

import base64
import importlib.util
import json
import marshal
import os
import sys
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

import numnet
from numnet.saving import ModelFileError

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")
pytest.importorskip("h5py", reason="Keras files hold their weights in HDF5: pip install "
                                   "'numnet[h5]'")

DATA = Path(__file__).resolve().parent / "data" / "keras"
NAMES = ("mlp", "batchnorm_dropout", "two_inputs", "conv")

COMPILED = {  # what each file's compile_config says, as numnet holds it
    "mlp": (numnet.optimizers.Adam, {"learning_rate": 0.01}, "sparse_categorical_crossentropy",
            ["accuracy"]),
    "batchnorm_dropout": (numnet.optimizers.RMSprop, {"learning_rate": 0.005, "rho": 0.8},
                          numnet.losses.CategoricalCrossentropy, ["accuracy"]),
    "two_inputs": (numnet.optimizers.SGD, {"learning_rate": 0.05, "momentum": 0.9}, "mse",
                   ["mae"]),
    "conv": (numnet.optimizers.Adam, {"learning_rate": 0.001},
             numnet.losses.SparseCategoricalCrossentropy, ["accuracy"]),
}


def _inputs(name):
    files = sorted(DATA.glob(f"{name}_x*.npy"))
    arrays = [np.load(f) for f in files]
    return arrays if len(arrays) > 1 else arrays[0]


def _labels(name, n=16):
    return {"mlp": np.arange(n) % 3,
            "batchnorm_dropout": np.eye(2, dtype="float32")[np.arange(n) % 2],
            "two_inputs": np.linspace(-1, 1, n, dtype="float32")[:, None],
            "conv": np.arange(n) % 3}[name]


def _members(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _write(members: dict, path) -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        for name, content in members.items():
            zf.writestr(name, content)
    return Path(path)


def _edited(tmp_path, edit, name="mlp", file="edited.keras") -> Path:
    """The fixture ``name`` with ``edit`` applied to its parsed config.json."""
    members = _members(DATA / f"{name}.keras")
    config = json.loads(members["config.json"])
    edit(config)
    members["config.json"] = json.dumps(config).encode()
    return _write(members, tmp_path / file)


def _dense(config, index=1):
    return config["config"]["layers"][index]


@pytest.fixture
def marker(tmp_path):
    path = tmp_path / "payload-ran"
    yield path
    assert not path.exists(), "code from a model file ran"


# ----------------------------------------------------------------------------- the fixtures


@pytest.mark.parametrize("name", NAMES)
def test_a_keras_file_predicts_what_keras_predicted(name):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing left out: no warning
        model = numnet.models.load_model(DATA / f"{name}.keras")
    got = model.predict(_inputs(name), verbose=0)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.load(DATA / f"{name}_y.npy"), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", NAMES)
def test_a_keras_file_keeps_its_compile_settings(name):
    model = numnet.models.load_model(DATA / f"{name}.keras")
    optimizer, settings, loss, metrics = COMPILED[name]
    assert model.compiled and type(model.optimizer) is optimizer
    config = model.optimizer.get_config()
    for key, value in settings.items():
        assert config[key] == pytest.approx(value, rel=1e-6), key
    assert model.loss == loss if isinstance(loss, str) else isinstance(model.loss, loss)
    assert model._metric_specs == metrics


def test_loss_objects_keep_their_settings():
    smooth = numnet.models.load_model(DATA / "batchnorm_dropout.keras").loss
    assert smooth.get_config()["label_smoothing"] == pytest.approx(0.1)
    logits = numnet.models.load_model(DATA / "conv.keras").loss
    assert logits.get_config()["from_logits"] is True


def test_evaluate_gives_the_loss_of_keras_predictions():
    model = numnet.models.load_model(DATA / "two_inputs.keras")
    y = _labels("two_inputs")
    want = np.mean((np.load(DATA / "two_inputs_y.npy") - y) ** 2)
    assert model.evaluate(_inputs("two_inputs"), y, verbose=0)[0] == pytest.approx(want, rel=1e-5)

    model = numnet.models.load_model(DATA / "conv.keras")
    logits = np.load(DATA / "conv_y.npy").astype("float64")
    y = _labels("conv")
    log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    want = -log_p[np.arange(len(y)), y].mean()
    assert model.evaluate(_inputs("conv"), y, verbose=0)[0] == pytest.approx(want, rel=1e-5)


@pytest.mark.parametrize("name", NAMES)
def test_a_keras_file_trains(name):
    model = numnet.models.load_model(DATA / f"{name}.keras")
    x, y = _inputs(name), _labels(name)
    before = [w.copy() for w in model.get_weights()]
    start = model.evaluate(x, y, verbose=0)[0]
    losses = [np.ravel(model.train_on_batch(x, y))[0] for _ in range(5)]
    assert np.all(np.isfinite(losses))
    assert model.evaluate(x, y, verbose=0)[0] < start  # without dropout's noise
    changed = [not np.array_equal(a, b) for a, b in zip(before, model.get_weights(), strict=True)]
    assert any(changed)
    for w in model.weights:
        assert w.value.dtype == np.float32


def test_keras_weights_saved_as_numnet_round_trip(tmp_path):
    for name in NAMES:
        model = numnet.models.load_model(DATA / f"{name}.keras")
        model.save(tmp_path / f"{name}.numnet")
        again = numnet.models.load_model(tmp_path / f"{name}.numnet")
        for got, want in zip(again.get_weights(), model.get_weights(), strict=True):
            np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(again.predict(_inputs(name), verbose=0),
                                      model.predict(_inputs(name), verbose=0))
        assert type(again.optimizer) is type(model.optimizer)
        assert again._metric_specs == model._metric_specs


def test_a_numnet_file_named_dot_keras_still_loads_as_numnet(tmp_path):
    model = numnet.models.load_model(DATA / "mlp.keras")
    model.save(tmp_path / "again.numnet")  # as numnet wrote .keras names before they meant Keras
    (tmp_path / "again.numnet").rename(tmp_path / "again.keras")
    assert "model.weights.h5" not in _members(tmp_path / "again.keras")
    again = numnet.models.load_model(tmp_path / "again.keras")
    np.testing.assert_array_equal(again.predict(_inputs("mlp"), verbose=0),
                                  model.predict(_inputs("mlp"), verbose=0))


def test_compile_false_loads_uncompiled_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = numnet.models.load_model(DATA / "mlp.keras", compile=False)
    assert not model.compiled


def test_compile_settings_numnet_lacks_load_uncompiled_with_a_warning(tmp_path):
    def unknown(config):
        config["compile_config"]["optimizer"]["class_name"] = "NoSuchOptimizer"

    def weights(config):  # (one weight, [2.0], is the one output's: compiled with it)
        config["compile_config"]["loss_weights"] = [2.0, 1.0]

    def metric(config):
        config["compile_config"]["metrics"] = ["no_such_metric"]

    for edit, says in ((unknown, "unknown optimizer 'NoSuchOptimizer'"), (weights, "loss_weights"),
                       (metric, "no_such_metric")):
        path = _edited(tmp_path, edit)
        with pytest.warns(UserWarning, match=f"loaded uncompiled.*{says}"):
            model = numnet.models.load_model(path)
        assert not model.compiled
        np.testing.assert_allclose(model.predict(_inputs("mlp"), verbose=0),
                                   np.load(DATA / "mlp_y.npy"), rtol=1e-5, atol=1e-6)


def test_without_h5py_the_error_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "h5py", None)
    with pytest.raises(ImportError, match=r"pip install 'numnet\[h5\]'"):
        numnet.models.load_model(DATA / "mlp.keras")


# ----------------------------------------------------------------------------- refused


def _refused(path, match, **kwargs) -> ModelFileError:
    with pytest.raises(ModelFileError, match=match) as err:
        numnet.models.load_model(path, **kwargs)
    return err.value


def test_a_truncated_file_is_refused(tmp_path):
    data = (DATA / "mlp.keras").read_bytes()
    for cut in (10, len(data) // 2, len(data) - 10):
        (tmp_path / "cut.keras").write_bytes(data[:cut])
        _refused(tmp_path / "cut.keras", "truncated|damaged|not a zip")


def test_a_flipped_weight_bit_is_caught(tmp_path):
    members = _members(DATA / "mlp.keras")
    h5 = bytearray(members["model.weights.h5"])
    h5[len(h5) // 2] ^= 0x01
    data = (DATA / "mlp.keras").read_bytes()
    flipped = data.replace(members["model.weights.h5"], bytes(h5))
    (tmp_path / "flip.keras").write_bytes(flipped)
    _refused(tmp_path / "flip.keras", "Bad CRC-32")


def test_weights_that_are_not_the_model_s_are_refused(tmp_path):
    members = _members(DATA / "mlp.keras")
    _refused(_write({**members, "model.weights.h5": b"not hdf5" * 1000}, tmp_path / "a.keras"),
             r"model\.weights\.h5: not a readable HDF5 file")
    other = _members(DATA / "batchnorm_dropout.keras")["model.weights.h5"]
    _refused(_write({**members, "model.weights.h5": other}, tmp_path / "b.keras"),
             r"model\.weights\.h5: /layers.*batch_normalization.*the model does not have")


def test_oversized_files_are_refused(tmp_path):
    _refused(DATA / "mlp.keras", "max_bytes", max_bytes=10_000)

    def huge(config):
        _dense(config)["config"]["units"] = 10**9

    _refused(_edited(tmp_path, huge), r"layers\[1\].*beyond the \d+ bytes.*model\.weights\.h5")


def test_extra_members_are_refused(tmp_path):
    members = _members(DATA / "mlp.keras")
    _refused(_write({**members, "payload.py": b"import os"}, tmp_path / "x.keras"),
             "unexpected member")
    _refused(_write({**members, "weights/0.npy": b""}, tmp_path / "y.keras"),
             "unexpected member; a Keras model file holds only")
    del members["config.json"]
    _refused(_write(members, tmp_path / "z.keras"), "config.json: missing")


def test_a_class_from_another_module_is_never_imported(tmp_path, marker):
    def system(config):
        _dense(config).update(module="os", class_name="system",
                              config={"command": f"touch {marker}"})

    _refused(_edited(tmp_path, system), r"'system' from the module 'os'.*never imports")

    def initializer(config):
        _dense(config)["config"]["kernel_initializer"] = {
            "module": "subprocess", "class_name": "call",
            "config": {"args": ["touch", str(marker)]}, "registered_name": None}

    _refused(_edited(tmp_path, initializer), r"kernel_initializer.*'call' from the module "
                                             "'subprocess'")

    def optimizer(config):
        config["compile_config"]["optimizer"].update(module="os", class_name="system")

    _refused(_edited(tmp_path, optimizer), r"compile_config.optimizer.*'os'")


def test_python_code_in_a_file_is_refused(tmp_path, marker):
    code = compile(f"lambda x: open({str(marker)!r}, 'w') and x", "<payload>", "eval")
    dumped = base64.b64encode(marshal.dumps(code.co_consts[0])).decode()
    function = {"module": "builtins", "class_name": "function",
                "config": {"code": dumped, "defaults": None, "closure": None},
                "registered_name": "function"}

    def lambda_layer(config):
        _dense(config).update(class_name="Lambda", config={
            "name": "lambda", "function": function, "arguments": {}})

    _refused(_edited(tmp_path, lambda_layer), "Lambda layer holds Python code")

    def activation(config):
        _dense(config)["config"]["activation"] = function

    _refused(_edited(tmp_path, activation), r"activation: holds Python code")

    def raw(config):
        _dense(config)["config"]["activation"] = {"class_name": "__lambda__",
                                                  "config": function["config"]}

    _refused(_edited(tmp_path, raw), "holds Python code")


def test_unknown_classes_are_refused(tmp_path):
    def unknown(config):
        _dense(config)["class_name"] = "Transformer"

    _refused(_edited(tmp_path, unknown), r"layers\[1\]: unknown layer 'Transformer'.*Dense")

    def init(config):
        _dense(config)["config"]["kernel_initializer"]["class_name"] = "NoSuchInit"

    _refused(_edited(tmp_path, init), r"kernel_initializer: unknown initializer 'NoSuchInit'")

    def custom(config):
        _dense(config).update(module="my_project.layers", registered_name="Custom>MyDense")

    _refused(_edited(tmp_path, custom), r"custom_objects=\{'Custom>MyDense'")


@pytest.mark.parametrize("key, value, name", [
    ("quantization_config", {"mode": "int8"}, "Dense")])
def test_settings_that_change_the_computation_are_refused(tmp_path, key, value, name):
    def edit(config):
        _dense(config)["config"][key] = value

    _refused(_edited(tmp_path, edit), rf"layer 'dense' \({name}\): Keras's setting {key}=.*"
                                      "numnet's Dense has no such setting")


def test_batch_renormalization_and_quantized_policies_are_refused(tmp_path):
    def renorm(config):
        _dense(config, 2)["config"]["renorm"] = True

    # numnet has batch renormalization now: renorm=True written into a file without its three
    # weights (moving_stddev, renorm_mean, renorm_stddev) is refused for the weights.
    _refused(_edited(tmp_path, renorm, "batchnorm_dropout"),
             r"layer 'batch_normalization' \(BatchNormalization\) has 7 variables, the file has "
             r"\['0', '1', '2', '3'\]")

    def quantized(config):
        _dense(config)["config"]["dtype"] = {"module": "keras", "class_name":
                                             "QuantizedDTypePolicy", "config": {"name": "int8"}}

    _refused(_edited(tmp_path, quantized), "QuantizedDTypePolicy")


def test_harmless_keras_settings_are_dropped(tmp_path):
    def edit(config):
        _dense(config)["config"].update(lora_rank=None, lora_alpha=None)

    model = numnet.models.load_model(_edited(tmp_path, edit))
    np.testing.assert_allclose(model.predict(_inputs("mlp"), verbose=0),
                               np.load(DATA / "mlp_y.npy"), rtol=1e-5, atol=1e-6)


TAMPERING = {
    "weights for another shape": (lambda c: _dense(c)["config"].update(units=9),
                                  r"model\.weights\.h5: /layers/dense/vars/0.*\(4, 9\)"),
    "unexpected field": (lambda c: _dense(c).update(run="rm -rf /"), "unexpected field 'run'"),
    "layers not a list": (lambda c: c["config"].update(layers="all"),
                          r"model\.config\.layers should be a list"),
    "bad shape": (lambda c: _dense(c, 0)["config"].update(batch_shape=[None, -4]), "batch_shape"),
    "compile_config not an object": (lambda c: c.update(compile_config=[1]),
                                     "compile_config should be an object"),
    "unknown activation": (lambda c: _dense(c)["config"].update(activation="os.system"),
                           "unknown function 'os.system'"),
}


@pytest.mark.parametrize("case", TAMPERING)
def test_tampered_structure_is_refused(tmp_path, case):
    edit, says = TAMPERING[case]
    _refused(_edited(tmp_path, edit), says)


def test_a_newer_keras_is_refused(tmp_path):
    members = _members(DATA / "mlp.keras")
    members["metadata.json"] = b'{"keras_version": "4.0.0"}'
    _refused(_write(members, tmp_path / "k4.keras"), "written by Keras 4.0.0")


def test_functional_graph_errors_name_the_layer(tmp_path):
    def dangling(config):
        node = config["config"]["layers"][1]["inbound_nodes"][0]
        node["args"][0]["config"]["keras_history"] = ["nowhere", 0, 0]

    _refused(_edited(tmp_path, dangling, "two_inputs"), "'nowhere' that the model does not list")

    def two_outputs(config):
        config["config"]["output_layers"] = [["out", 0, 0], ["hidden", 0, 0]]

    model = numnet.models.load_model(_edited(tmp_path, two_outputs, "two_inputs"))
    assert [t.layer.name for t in model.outputs] == ["out", "hidden"]


# ----------------------------------------------------------------------------- fresh files


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_fresh_keras_files_load(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="writing Keras files here runs Keras on JAX")
    keras = pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")
    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    fixtures = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fixtures)

    def nested():
        inner = keras.Sequential([keras.layers.Dense(4, activation="relu"),
                                  keras.layers.Dense(4, activation="relu")], name="inner")
        inputs = keras.Input(shape=(3,))
        hidden = keras.layers.Dropout(0.1)(keras.layers.Dense(5)(inputs))  # kwargs: training
        out = keras.layers.Dense(2, activation="softmax")(inner(hidden))
        model = keras.Model(inputs, out)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        return model, [np.random.default_rng(5).normal(size=(8, 3))], np.arange(8) % 2

    for name, build in {**fixtures.FIXTURES, "nested": nested}.items():
        keras.backend.clear_session()
        model, inputs, labels = build()
        inputs = [x.astype("float32") for x in inputs]
        x = inputs if len(inputs) > 1 else inputs[0]
        model.fit(x, labels.astype("float32"), epochs=1, verbose=0)
        model.save(str(tmp_path / f"{name}.keras"))
        loaded = numnet.models.load_model(tmp_path / f"{name}.keras")
        np.testing.assert_allclose(loaded.predict(x, verbose=0),
                                   np.asarray(model.predict(x, verbose=0)), rtol=1e-5,
                                   atol=1e-6, err_msg=name)
        assert loaded.compiled, name


def test_the_fixtures_are_small():
    for name in NAMES:
        assert (DATA / f"{name}.keras").stat().st_size < 40_000
