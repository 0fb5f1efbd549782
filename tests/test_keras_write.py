"""numnet models saved in Keras's own formats: ``.keras`` (Keras 3) and ``.h5`` (Keras's legacy
HDF5 model file). Without Keras, the files are checked against files that Keras 3.15 wrote
(tests/data/keras, see make_fixtures.py) and read back by numnet; with Keras installed, Keras
loads them and predicts the same numbers, and resumes training where numnet left off."""

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
from numnet.saving import keras_writer
from numnet.saving.objects import builtin_layers

h5py = pytest.importorskip("h5py", reason="Keras files hold their weights in HDF5: pip install "
                                          "'numnet[h5]'")

DATA = Path(__file__).parent / "data" / "keras"
RNG = np.random.default_rng(7)


def _randomize(model, seed: int = 0) -> None:
    """Weights off their initial values (variances positive), so that a swap would show."""
    rng = np.random.default_rng(seed)
    for var in model.weights:
        value = np.asarray(var.numpy())
        if "variance" in var.name:
            var.assign(rng.uniform(0.5, 2.0, size=value.shape).astype(value.dtype))
        elif value.dtype.kind == "f":
            var.assign(rng.normal(scale=0.5, size=value.shape).astype(value.dtype))


def _x(*shape):
    return RNG.normal(size=shape).astype("float32")


# ----------------------------------------------------------------------------- the five models


def dense_model():
    model = numnet.Sequential([numnet.Input((4,)), layers.Dense(8, activation="relu"),
                               layers.Dense(3, activation="softmax")], name="dense_model")
    model.compile(numnet.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model, _x(6, 4), np.arange(6) % 3


def conv_model():
    model = numnet.Sequential([numnet.Input((6, 6, 2)),
                               layers.Conv2D(3, 3, padding="same", activation="relu"),
                               layers.MaxPooling2D(2), layers.Conv2D(2, 2),
                               layers.AveragePooling2D(1), layers.Flatten(), layers.Dense(2)])
    model.compile("sgd", "mse")
    return model, _x(5, 6, 6, 2), _x(5, 2)


def embedding_lstm_model():
    model = numnet.Sequential([numnet.Input((5,), dtype="int32"), layers.Embedding(10, 4),
                               layers.LSTM(3), layers.Dense(1)])
    model.compile(numnet.optimizers.RMSprop(0.01), "mse", metrics=["mae"])
    return model, RNG.integers(0, 10, size=(6, 5)).astype("int32"), _x(6, 1)


def two_input_model():
    deep = numnet.Input((3,), name="deep")
    wide = numnet.Input((2,), name="wide")
    hidden = layers.Dense(4, activation="relu", name="hidden")(deep)
    merged = layers.Concatenate(name="merged")([hidden, wide])
    model = numnet.Model([deep, wide], layers.Dense(1, name="out")(merged), name="two_inputs")
    model.compile(numnet.optimizers.SGD(0.05, momentum=0.9), "mse", metrics=["mae"])
    return model, [_x(6, 3), _x(6, 2)], _x(6, 1)


def batchnorm_model():
    model = numnet.Sequential([numnet.Input((5,)), layers.Dense(6, activation="tanh"),
                               layers.BatchNormalization(momentum=0.9), layers.Dropout(0.25),
                               layers.Dense(2, activation="softmax")])
    model.compile("adam", numnet.losses.CategoricalCrossentropy(label_smoothing=0.1))
    return model, _x(6, 5), np.eye(2, dtype="float32")[np.arange(6) % 2]


MODELS = {"dense": dense_model, "conv": conv_model, "embedding_lstm": embedding_lstm_model,
          "two_inputs": two_input_model, "batchnorm": batchnorm_model}


def _trained(build):
    model, x, y = build()
    _randomize(model)
    model.fit(x, y, epochs=2, batch_size=3, verbose=0)  # moving statistics, optimizer slots
    return model, x, y


def _members(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _h5_tree(source) -> dict:
    """{path: (shape, dtype) of a dataset, or {attribute: value} of a group} of an HDF5 file."""
    out = {}
    with h5py.File(source, "r") as h5:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                out[name] = (obj.shape, obj.dtype.name)
            else:
                out[name] = {k: (v.tolist() if hasattr(v, "tolist") else v)
                             for k, v in obj.attrs.items()}
        h5.visititems(visit)
        out["/"] = {k: v for k, v in h5.attrs.items()}
    return out


# ----------------------------------------------------------------------------- the file names


@pytest.mark.parametrize("name", ["m", "m.txt", "m.keras.zip", "m.weights"])
def test_a_name_without_a_known_suffix_is_refused_with_the_fix(tmp_path, name):
    model, _, _ = dense_model()
    with pytest.raises(ValueError, match=r"\.numnet.*\.keras.*\.h5.*given .*"
                                         + name.replace(".", r"\.")) as err:
        model.save(tmp_path / name)
    assert "model.save('model.numnet')" in str(err.value)
    assert os.listdir(tmp_path) == []


def test_save_format_must_agree_with_the_suffix(tmp_path):
    model, _, _ = dense_model()
    with pytest.raises(ValueError, match="save_format='h5' does not match"):
        model.save(tmp_path / "m.keras", save_format="h5")
    model.save(tmp_path / "m.keras", save_format="keras")
    assert set(_members(tmp_path / "m.keras")) == {"config.json", "metadata.json",
                                                   "model.weights.h5"}


def test_numnet_stays_the_default_safe_format(tmp_path):
    model, x, _ = dense_model()
    model.save(tmp_path / "m.numnet")
    members = _members(tmp_path / "m.numnet")
    assert "model.weights.h5" not in members and json.loads(members["config.json"])["format"]
    loaded = numnet.models.load_model(tmp_path / "m.numnet")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


# ----------------------------------------------------------------------------- .keras files


def _without_ids(value):
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "shared_object_id"}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _mlp_like_keras_fixture():
    """The model of tests/data/keras/mlp.keras, built in numnet with the same names."""
    model = numnet.Sequential([
        numnet.layers.InputLayer(shape=(4,), name="input_layer"),
        layers.Dense(8, activation="relu", kernel_regularizer=numnet.regularizers.L2(1e-3),
                     name="dense"),
        layers.Dense(3, activation="softmax", name="dense_1"),
    ], name="mlp")
    model.compile(optimizer=numnet.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def test_config_json_is_the_one_keras_writes_for_the_same_model(tmp_path):
    model = _mlp_like_keras_fixture()
    model.save(tmp_path / "mlp.keras")
    ours = json.loads(_members(tmp_path / "mlp.keras")["config.json"])
    theirs = _without_ids(json.loads(_members(DATA / "mlp.keras")["config.json"]))
    # Keras keeps the learning rate as a float32 variable: 0.01 comes back as 0.0099999998
    lr = theirs["compile_config"]["optimizer"]["config"]
    assert lr["learning_rate"] == pytest.approx(0.01, rel=1e-7)
    lr["learning_rate"] = ours["compile_config"]["optimizer"]["config"]["learning_rate"]
    assert ours == theirs


def test_metadata_names_keras_3(tmp_path):
    dense_model()[0].save(tmp_path / "m.keras")
    metadata = json.loads(_members(tmp_path / "m.keras")["metadata.json"])
    assert set(metadata) == {"keras_version", "date_saved"}
    assert metadata["keras_version"] == keras_writer.KERAS_VERSION
    assert metadata["keras_version"].split(".")[0] == "3"
    assert len(metadata["date_saved"]) == 19 and metadata["date_saved"][10] == "@"


def test_weights_file_has_keras_layout_and_values(tmp_path):
    model = _mlp_like_keras_fixture()
    _randomize(model)
    model.fit(_x(8, 4), np.arange(8) % 3, epochs=1, batch_size=4, verbose=0)
    model.save(tmp_path / "mlp.keras")
    ours = io.BytesIO(_members(tmp_path / "mlp.keras")["model.weights.h5"])
    theirs = io.BytesIO(_members(DATA / "mlp.keras")["model.weights.h5"])
    assert _h5_tree(ours) == _h5_tree(theirs)  # groups, names, shapes, dtypes, optimizer too
    with h5py.File(ours, "r") as h5:
        kernel = h5["layers/dense_1/vars/0"][()]
        slots = [h5[f"optimizer/vars/{i}"][()] for i in range(10)]
    np.testing.assert_array_equal(kernel, model.layers[1].kernel.numpy())
    opt = model.optimizer
    assert int(slots[0]) == int(opt.iterations.numpy()) == 2
    assert float(slots[1]) == pytest.approx(0.01)
    first = model.trainable_weights[0]  # Adam: m and v of each weight in turn
    np.testing.assert_array_equal(slots[2], np.asarray(opt._slots[first.uid]["m"]))
    np.testing.assert_array_equal(slots[3], np.asarray(opt._slots[first.uid]["v"]))


@pytest.mark.parametrize("name", sorted(MODELS))
def test_numnet_reads_back_the_keras_file_it_wrote(tmp_path, name):
    model, x, _ = _trained(MODELS[name])
    model.save(tmp_path / f"{name}.keras")
    loaded = numnet.models.load_model(tmp_path / f"{name}.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert type(loaded.optimizer) is type(model.optimizer)
    assert loaded.optimizer.get_config()["learning_rate"] == pytest.approx(
        model.optimizer.get_config()["learning_rate"])
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]


def test_recurrent_wrappers_and_cells_nest_their_weights_as_keras_does(tmp_path):
    model = numnet.Sequential([numnet.Input((5, 2)),
                               layers.Bidirectional(layers.LSTM(3, return_sequences=True)),
                               layers.TimeDistributed(layers.Dense(2)),
                               layers.RNN(layers.GRUCell(2))])
    _randomize(model)
    model.save(tmp_path / "rnn.keras")
    tree = _h5_tree(io.BytesIO(_members(tmp_path / "rnn.keras")["model.weights.h5"]))
    assert tree["layers/bidirectional/forward_layer/cell/vars/0"] == ((2, 12), "float32")
    assert tree["layers/bidirectional/backward_layer/cell/vars/1"] == ((3, 12), "float32")
    assert tree["layers/bidirectional/vars"] == {"name": "bidirectional"} or \
        set(tree["layers/bidirectional/vars"]) == {"name"}
    assert tree["layers/time_distributed/layer/vars/0"] == ((6, 2), "float32")
    assert tree["layers/rnn/cell/vars/2"] == ((2, 6), "float32")  # GRU's reset_after bias
    config = json.loads(_members(tmp_path / "rnn.keras")["config.json"])
    bidirectional = config["config"]["layers"][1]
    assert bidirectional["config"]["layer"]["module"] == "keras.layers"
    assert bidirectional["config"]["backward_layer"]["config"]["go_backwards"] is True
    x = _x(3, 5, 2)
    np.testing.assert_array_equal(numnet.models.load_model(tmp_path / "rnn.keras")
                                  .predict(x, verbose=0), model.predict(x, verbose=0))


def _branches():
    """x -> p; x -> r -> q; add(p, q): numnet calls p first, Keras lists r first (deeper)."""
    x = numnet.Input((4,), name="x")
    p = layers.Dense(3, name="p")(x)
    q = layers.Dense(3, name="q")(layers.Dense(5, name="r")(x))
    return numnet.Model(x, layers.Add(name="add")([p, q]))


def test_functional_layers_follow_keras_order_which_names_their_weights(tmp_path):
    model = _branches()
    assert [layer.name for layer in model.layers] == ["x", "r", "p", "q", "add"]  # as Keras
    inputs, calls, outputs, _ = keras_writer._calls(model)
    order = keras_writer.keras_layer_order(len(inputs), calls, outputs, inputs)
    assert [layer.name for layer in order] == ["x", "r", "p", "q", "add"]
    _randomize(model)
    model.save(tmp_path / "b.keras")
    config = json.loads(_members(tmp_path / "b.keras")["config.json"])
    assert [entry["name"] for entry in config["config"]["layers"]] == ["x", "r", "p", "q", "add"]
    assert config["config"]["input_layers"] == ["x", 0, 0]
    assert config["config"]["output_layers"] == ["add", 0, 0]
    tree = _h5_tree(io.BytesIO(_members(tmp_path / "b.keras")["model.weights.h5"]))
    assert tree["layers/dense/vars/0"] == ((4, 5), "float32")  # r
    assert tree["layers/dense_1/vars/0"] == ((4, 3), "float32")  # p
    assert tree["layers/input_layer/vars"] == {"name": "x"}
    x = _x(3, 4)
    np.testing.assert_array_equal(numnet.models.load_model(tmp_path / "b.keras")
                                  .predict(x, verbose=0), model.predict(x, verbose=0))


def test_several_outputs_shared_layers_and_nested_models(tmp_path):
    inner = numnet.Sequential([numnet.Input((4,)), layers.Dense(3), layers.Dense(4)],
                              name="inner")
    x = numnet.Input((4,), name="x")
    shared = layers.Dense(4, name="shared")
    h = shared(shared(inner(x)))
    model = numnet.Model(x, {"b": layers.Dense(1, name="o1")(h),
                             "a": layers.Dense(2, name="o2")(x)})
    _randomize(model)
    model.save(tmp_path / "n.keras")
    config = json.loads(_members(tmp_path / "n.keras")["config.json"])["config"]
    assert config["output_layers"] == {"a": ["o2", 0, 0], "b": ["o1", 0, 0]}
    entry = next(e for e in config["layers"] if e["name"] == "shared")
    histories = [node["args"][0]["config"]["keras_history"] for node in entry["inbound_nodes"]]
    assert histories == [["inner", 0, 0], ["shared", 0, 0]]
    tree = _h5_tree(io.BytesIO(_members(tmp_path / "n.keras")["model.weights.h5"]))
    assert tree["layers/sequential/layers/dense_1/vars/0"] == ((3, 4), "float32")
    loaded = numnet.models.load_model(tmp_path / "n.keras")
    data = _x(3, 4)
    for key in ("a", "b"):
        np.testing.assert_array_equal(loaded.predict(data, verbose=0)[key],
                                      model.predict(data, verbose=0)[key])


# ----------------------------------------------------------------------------- refusals


class Scale(numnet.Layer):  # no get_config: a constructor argument that is not a plain value
    # (an array) cannot be recorded for it
    def __init__(self, factor=2.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x, training=False):
        return x * self.factor


def _halve(x):
    return x / 2


class Twos(numnet.initializers.Initializer):
    def __call__(self, shape, dtype=None):
        return np.full(shape, 2.0, "float32")


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
@pytest.mark.parametrize("case", ["custom layer", "lambda", "initializer", "subclassed"])
def test_what_keras_does_not_have_is_refused_naming_it_and_nothing_is_written(
        tmp_path, suffix, case):
    if case == "subclassed":
        class Net(numnet.Model):
            def __init__(self):
                super().__init__()
                self.dense = layers.Dense(2)

            def call(self, x, training=False):
                return self.dense(x)

        model, named = Net(), "subclassed model"
        model.build((None, 3))
    else:
        layer, named = {
            "custom layer": (Scale(np.array([2.0], "float32"), name="scale"), "'scale' (Scale)"),
            "lambda": (layers.Lambda(_halve, name="halve"), "'halve' (Lambda)"),
            "initializer": (layers.Dense(2, kernel_initializer=Twos()), "'Twos'"),
        }[case]
        model = numnet.Sequential([numnet.Input((3,)), layer])
    path = tmp_path / f"m{suffix}"
    path.write_bytes(b"the old file")
    with pytest.raises(ValueError, match=named.replace("(", r"\(").replace(")", r"\)")) as err:
        model.save(path)
    assert isinstance(err.value, keras_writer.NotKerasCompatible)
    fix = "a get_config that returns" if case == "custom layer" else "model.save('model.numnet')"
    assert fix in str(err.value)
    assert path.read_bytes() == b"the old file" and os.listdir(tmp_path) == [path.name]


def test_a_layer_whose_form_differs_from_keras_is_refused(tmp_path):
    unknown = sorted(set(builtin_layers()) - keras_writer.KERAS_LAYERS - {"Lambda"})
    if not unknown:
        pytest.skip("every numnet layer has a Keras form")
    cls = builtin_layers()[unknown[0]]
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(2)])
    model._layers.append(object.__new__(cls))  # its config is never asked for
    model._layers[-1].__dict__["name"] = "odd"
    with pytest.raises(keras_writer.NotKerasCompatible, match=f"'odd' \\({unknown[0]}\\)"):
        keras_writer.keras_config(model)


def test_every_layer_written_for_keras_is_one_of_numnets():
    assert keras_writer.KERAS_LAYERS <= set(builtin_layers())


def test_compile_settings_keras_lacks_are_left_out_with_a_warning(tmp_path):
    def my_loss(y_true, y_pred):
        return numnet.ops.mean((y_true - y_pred) ** 2)

    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(1)])
    model.compile("adam", my_loss)
    with pytest.warns(UserWarning, match="compile settings are left out.*'my_loss'"):
        model.save(tmp_path / "m.keras")
    assert json.loads(_members(tmp_path / "m.keras")["config.json"])["compile_config"] is None
    with warnings.catch_warnings():  # (Keras 2's decay warns once a process: maybe already)
        warnings.simplefilter("ignore", DeprecationWarning)
        model.compile(numnet.optimizers.Adam(decay=1e-3), "mse")
    with pytest.warns(UserWarning, match="decay=0.001"):
        model.save(tmp_path / "m.h5")
    with h5py.File(tmp_path / "m.h5", "r") as h5:
        assert "training_config" not in h5.attrs and "optimizer_weights" not in h5


@numnet.saving.register_keras_serializable(package="keras_write_tests")
class _SignMomentum(numnet.optimizers.Optimizer):
    """An optimizer of one's own as Keras 3 writes one: w -= lr * sign(m)."""

    def __init__(self, learning_rate=0.01, beta=0.9, name="sign_momentum", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta = beta

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = [self.add_variable_from_reference(v, "m") for v in variables]

    def update_step(self, gradient, variable, learning_rate):
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(m, self.beta * m + (1 - self.beta) * gradient)
        self.assign_sub(variable, learning_rate * numnet.ops.sign(m))

    def get_config(self):
        return {**super().get_config(), "beta": self.beta}


def test_an_optimizer_of_ones_own_written_as_keras_is_saved_by_its_registered_name(tmp_path):
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(2, activation="tanh"),
                               layers.Dense(1)])
    _randomize(model)
    model.compile(_SignMomentum(learning_rate=0.05, beta=0.5), "mse")
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 1)).astype("float32")
    for _ in range(3):
        model.train_on_batch(x, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing left out
        model.save(tmp_path / "m.keras")
    spec = json.loads(_members(tmp_path / "m.keras")["config.json"])["compile_config"]
    assert {key: spec["optimizer"][key] for key in ("module", "class_name", "registered_name")} \
        == {"module": None, "class_name": "_SignMomentum",
            "registered_name": "keras_write_tests>_SignMomentum"}
    assert spec["optimizer"]["config"]["beta"] == 0.5
    with h5py.File(io.BytesIO(_members(tmp_path / "m.keras")["model.weights.h5"]), "r") as h5:
        held = [h5[f"optimizer/vars/{i}"][()] for i in range(len(h5["optimizer/vars"]))]
    assert len(held) == 6
    assert float(held[0]) == 3 and float(held[1]) == pytest.approx(0.05)  # iteration, rate
    for value, slot in zip(held[2:], model.optimizer.momentums, strict=True):
        np.testing.assert_array_equal(value, slot.numpy())  # its own variables, in build order
    assert np.abs(held[2]).sum() > 0
    loaded = numnet.saving.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is _SignMomentum and loaded.optimizer.beta == 0.5
    assert int(loaded.optimizer.iterations.numpy()) == 3
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    for ours, theirs in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(theirs, ours)


def test_an_optimizer_of_ones_own_written_as_numnets_is_left_out_naming_the_form(tmp_path):
    @numnet.saving.register_keras_serializable(package="keras_write_tests")
    class HalfStep(numnet.optimizers.SGD):
        pass

    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(1)])
    model.compile(HalfStep(), "mse")
    with pytest.warns(UserWarning, match="HalfStep.*is not one of Keras's optimizers.*"
                                         "update_step\\(gradient, variable, learning_rate\\)"):
        model.save(tmp_path / "m.keras")
    assert json.loads(_members(tmp_path / "m.keras")["config.json"])["compile_config"] is None


# ----------------------------------------------------------------------------- legacy .h5


def test_h5_file_has_the_layout_keras_writes(tmp_path):
    model = numnet.models.load_model(DATA / "mlp.keras")  # the same model, from Keras
    model.fit(np.load(DATA / "mlp_x.npy"), np.arange(16) % 3, epochs=1, verbose=0)
    model.save(tmp_path / "mlp.h5")
    ours, theirs = _h5_tree(tmp_path / "mlp.h5"), _h5_tree(DATA / "mlp.h5")
    for tree in (ours, theirs):
        tree["/"] = {k: v for k, v in tree["/"].items() if k not in ("model_config",
                                                                     "training_config")}
    assert ours == theirs
    with h5py.File(tmp_path / "mlp.h5", "r") as ours, h5py.File(DATA / "mlp.h5", "r") as theirs:
        assert json.loads(ours.attrs["model_config"]) == json.loads(theirs.attrs["model_config"])
        config = json.loads(ours.attrs["training_config"])
        assert config == {**json.loads(theirs.attrs["training_config"]),
                          "optimizer_config": config["optimizer_config"]}
        assert config["optimizer_config"]["class_name"] == "Adam"
        names = [n.decode() if isinstance(n, bytes) else n
                 for n in ours["model_weights/dense"].attrs["weight_names"]]
        assert names == ["mlp/dense/kernel", "mlp/dense/bias"]
        np.testing.assert_array_equal(ours["model_weights/dense/mlp/dense/kernel"][()],
                                      model.layers[0].kernel.numpy())


def test_h5_orders_trainable_weights_first_and_maps_short_loss_names(tmp_path):
    inner = numnet.Sequential([numnet.Input((4,)), layers.Dense(3, name="d1"),
                               layers.BatchNormalization(name="bn"), layers.Dense(2, name="d2")],
                              name="inner")
    x = numnet.Input((4,), name="x")
    model = numnet.Model(x, inner(x))
    model.compile("adam", "mse")
    model.save(tmp_path / "nested.h5")
    with h5py.File(tmp_path / "nested.h5", "r") as h5:
        names = list(h5["model_weights/inner"].attrs["weight_names"])
        assert json.loads(h5.attrs["training_config"])["loss"] == "mean_squared_error"
        assert list(h5["model_weights"].attrs["layer_names"]) == ["x", "inner"]
    assert names == ["inner/d1/kernel", "inner/d1/bias", "inner/bn/gamma", "inner/bn/beta",
                     "inner/d2/kernel", "inner/d2/bias", "inner/bn/moving_mean",
                     "inner/bn/moving_variance"]


# ----------------------------------------------------------------------------- .weights.h5


def test_save_weights_nests_a_nested_model_and_load_weights_reads_it(tmp_path):
    def build():
        inner = numnet.Sequential([numnet.Input((4,)), layers.Dense(3), layers.Dense(2)])
        x = numnet.Input((4,), name="x")
        return numnet.Model(x, layers.Dense(1)(inner(x)))

    model = build()
    _randomize(model)
    model.save_weights(tmp_path / "w.weights.h5")
    tree = _h5_tree(tmp_path / "w.weights.h5")
    assert tree["layers/sequential/layers/dense_1/vars/0"] == ((3, 2), "float32")
    assert tree["layers/dense/vars/0"] == ((2, 1), "float32")
    again = build()
    again.load_weights(tmp_path / "w.weights.h5")
    x = _x(3, 4)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))
    branches = _branches()
    _randomize(branches)
    branches.save_weights(tmp_path / "b.weights.h5")
    again = _branches()
    again.load_weights(tmp_path / "b.weights.h5")
    np.testing.assert_array_equal(again.predict(x, verbose=0), branches.predict(x, verbose=0))


# ----------------------------------------------------------------------------- with Keras


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="these checks run Keras on JAX")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


def _outputs(y):
    if isinstance(y, dict):
        return [np.asarray(y[k]) for k in sorted(y)]
    return [np.asarray(v) for v in y] if isinstance(y, (list, tuple)) else [np.asarray(y)]


def _keras_loads(keras, path, model, x, compiled=True):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        loaded = keras.models.load_model(path)
    for ours, theirs in zip(_outputs(model.predict(x, verbose=0)),
                            _outputs(loaded.predict(x, verbose=0)), strict=True):
        np.testing.assert_allclose(theirs, ours, rtol=1e-6, atol=1e-6)
    if compiled:
        assert type(loaded.optimizer).__name__ == type(model.optimizer).__name__
        assert float(loaded.optimizer.learning_rate) == pytest.approx(
            float(model.optimizer.learning_rate))
    return loaded


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
@pytest.mark.parametrize("name", sorted(MODELS))
def test_keras_loads_the_model_and_predicts_the_same(keras, tmp_path, name, suffix):
    model, x, _ = _trained(MODELS[name])
    model.save(tmp_path / f"{name}{suffix}")
    _keras_loads(keras, tmp_path / f"{name}{suffix}", model, x)


def _adapted_normalization():
    layer = layers.Normalization()
    layer.adapt(_x(20, 4) * 3 + 1)
    return layer


LAYER_MODELS = {
    "conv1d": (lambda: numnet.Sequential([
        numnet.Input((10, 3)), layers.Conv1D(4, 3, activation="tanh"), layers.MaxPooling1D(2),
        layers.AveragePooling1D(2), layers.Conv1DTranspose(2, 3, strides=2),
        layers.Cropping1D(1), layers.ZeroPadding1D(2), layers.UpSampling1D(2),
        layers.GlobalMaxPooling1D(), layers.Dense(2)]), (3, 10, 3)),
    "conv2d": (lambda: numnet.Sequential([
        numnet.Input((8, 8, 2)), layers.Conv2D(3, 3, padding="same"), layers.Cropping2D(1),
        layers.ZeroPadding2D(1), layers.UpSampling2D(2), layers.Conv2DTranspose(2, 3, strides=2),
        layers.Resizing(6, 6), layers.CenterCrop(4, 4), layers.RandomFlip(),
        layers.RandomRotation(0.1), layers.RandomTranslation(0.1, 0.1), layers.RandomZoom(0.1),
        layers.RandomContrast(0.1), layers.GlobalAveragePooling2D()]), (3, 8, 8, 2)),
    "pools": (lambda: numnet.Sequential([
        numnet.Input((6, 6, 2)), layers.GlobalMaxPooling2D(), layers.RepeatVector(3),
        layers.GlobalAveragePooling1D()]), (3, 6, 6, 2)),
    "recurrent": (lambda: numnet.Sequential([
        numnet.Input((5, 2)), layers.Masking(0.0),
        layers.Bidirectional(layers.GRU(3, return_sequences=True)),
        layers.TimeDistributed(layers.Dense(2)), layers.SimpleRNN(3, return_sequences=True),
        layers.RNN(layers.LSTMCell(2), return_sequences=True),
        layers.RNN(layers.GRUCell(2), return_sequences=True),
        layers.RNN(layers.SimpleRNNCell(2))]), (3, 5, 2)),
    "normalization": (lambda: numnet.Sequential([
        numnet.Input((4,)), _adapted_normalization(),
        layers.Normalization(mean=[1.0, 2.0, 3.0, 4.0], variance=[1.0, 2.0, 3.0, 4.0]),
        layers.Dense(5), layers.BatchNormalization(), layers.LayerNormalization(),
        layers.UnitNormalization(), layers.Rescaling(2.0, offset=0.5)]), (3, 4)),
    "activations": (lambda: numnet.Sequential([
        numnet.Input((6,)), layers.Dense(6), layers.ReLU(), layers.LeakyReLU(0.2),
        layers.ELU(), layers.PReLU(), layers.Activation("tanh"), layers.Softmax(),
        layers.Identity(), layers.Reshape((3, 2)), layers.Permute((2, 1)), layers.Flatten(),
        layers.Dropout(0.3), layers.GaussianNoise(0.1), layers.GaussianDropout(0.1),
        layers.AlphaDropout(0.1), layers.ActivityRegularization(0.01)]), (3, 6)),
    "attention": (lambda: _attention(), (3, 3, 4)),
    "category": (lambda: numnet.Sequential([
        numnet.Input((3,)), layers.CategoryEncoding(num_tokens=5, output_mode="multi_hot"),
        layers.Dense(2)]), (3, 3)),
}


def _attention(dot: bool = True):
    """Attention layers called as Keras calls them: ``mha(query, value)`` on two tensors (a
    call of several positional arguments), the others on a list; ``dot=False`` leaves out
    Attention, which Keras cannot load from a legacy .h5 file."""
    x = numnet.Input((3, 4))
    other = layers.Dense(4)(x)
    outs = [layers.MultiHeadAttention(2, 3)(x, other), layers.MultiHeadAttention(1, 2)(x, x, other),
            layers.AdditiveAttention()([x, other]), layers.RandomBrightness(0.1)(x)]
    if dot:
        outs.append(layers.Attention()([x, other]))
    return numnet.Model(x, layers.Concatenate()(outs))


def _merges():
    a, b = numnet.Input((4,), name="a"), numnet.Input((4,), name="b")
    merged = [cls()([a, b]) for cls in (layers.Add, layers.Subtract, layers.Multiply,
                                        layers.Average, layers.Maximum, layers.Minimum)]
    merged += [layers.Dot(axes=1)([a, b]), layers.Concatenate()([a, b])]
    joined = layers.Concatenate()([layers.Dense(2)(m) for m in merged])
    return numnet.Model({"b": b, "a": a}, [layers.Dense(2)(joined), layers.Dense(1)(a)])


def test_every_layer_written_for_keras_is_checked_by_keras(keras):
    used = {type(layer).__name__ for build, _ in LAYER_MODELS.values()
            for layer in _all(build())} | {type(layer).__name__ for layer in _all(_merges())}
    used |= {type(layer).__name__ for name in MODELS for layer in _all(MODELS[name]()[0])}
    from test_keras_write_new_layers import NAMES  # (checked against Keras there)

    assert keras_writer.KERAS_LAYERS <= used | set(NAMES) | {"InputLayer"}


def _all(model):
    out = []
    for layer in model.layers:
        out.append(layer)
        out += [inner for _, inner in numnet.saving.keras_h5.held_layers(layer)]
    return out


@pytest.mark.parametrize("suffix", [".keras", ".h5"])
@pytest.mark.parametrize("name", sorted(LAYER_MODELS) + ["merges"])
def test_keras_loads_every_layer_numnet_writes(keras, tmp_path, name, suffix):
    if name == "merges":
        model, x = _merges(), {"a": _x(3, 4), "b": _x(3, 4)}
    else:
        build, shape = LAYER_MODELS[name]
        model, x = build(), _x(*shape)
        if name == "attention" and suffix == ".h5":
            with pytest.raises(keras_writer.NotKerasCompatible, match=r"\(Attention\).*\.keras"):
                model.save(tmp_path / "refused.h5")
            model = _attention(dot=False)
        if name == "category":
            x = RNG.integers(0, 5, size=shape).astype("float32")
    _randomize(model)
    model.save(tmp_path / f"{name}{suffix}")
    _keras_loads(keras, tmp_path / f"{name}{suffix}", model, x, compiled=False)


@pytest.mark.parametrize("optimizer", sorted(keras_writer.KERAS_SLOTS) + ["RMSprop-centered"])
def test_keras_resumes_training_where_numnet_left_off(keras, tmp_path, optimizer):
    name, kwargs = optimizer.split("-")[0], {"learning_rate": 0.1}
    if optimizer == "RMSprop-centered":
        kwargs.update(momentum=0.5, centered=True)
    elif name == "SGD":
        kwargs.update(momentum=0.9)
    elif name == "Adadelta":
        kwargs.update(learning_rate=1.0)
    numnet.utils.set_random_seed(5)  # its own weights and data: the gap below depends on them
    model = numnet.Sequential([numnet.Input((4,)), layers.Dense(3, activation="tanh"),
                               layers.BatchNormalization(), layers.Dense(2)])
    model.compile(getattr(numnet.optimizers, name)(**kwargs), "mse")
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(8, 4)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")
    for _ in range(3):
        model.train_on_batch(x, y)
    model.save(tmp_path / "m.keras")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Skipping variable loading for optimizer"
        loaded = keras.models.load_model(tmp_path / "m.keras")
    model.save(tmp_path / "fresh.keras", include_optimizer=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Keras warns that it starts a fresh optimizer
        fresh = keras.models.load_model(tmp_path / "fresh.keras")
    model.train_on_batch(x, y)
    loaded.train_on_batch(x, y)
    fresh.train_on_batch(x, y)
    for ours, theirs in zip(model.weights, loaded.weights, strict=True):
        np.testing.assert_allclose(np.asarray(theirs), ours.numpy(), rtol=1e-5, atol=1e-6)
    assert int(loaded.optimizer.iterations) == 4 and int(fresh.optimizer.iterations) == 1
    gap = max(np.abs(np.asarray(a) - b.numpy()).max()
              for a, b in zip(fresh.weights, model.weights, strict=True))
    assert gap > 1e-4 or name == "Lion"  # the state made the difference (Lion steps by signs)


def test_keras_reads_weights_files_of_nested_and_branching_models(keras, tmp_path):
    inner = numnet.Sequential([numnet.Input((4,)), layers.Dense(3), layers.Dense(2)])
    x = numnet.Input((4,), name="x")
    nested = numnet.Model(x, layers.Dense(1)(inner(x)))
    for model in (nested, _branches()):
        _randomize(model, seed=3)
        model.save(tmp_path / "m.keras")
        loaded = keras.models.load_model(tmp_path / "m.keras")
        for var in loaded.weights:
            var.assign(np.zeros(var.shape, var.dtype))
        model.save_weights(tmp_path / "m.weights.h5")
        loaded.load_weights(tmp_path / "m.weights.h5")
        data = _x(3, 4)
        np.testing.assert_allclose(loaded.predict(data, verbose=0),
                                   model.predict(data, verbose=0), rtol=1e-6, atol=1e-6)


def test_a_sparse_input_is_written_and_read_as_keras_writes_it(tmp_path):
    inputs = numnet.Input((4,), sparse=True)
    model = numnet.Model(inputs, layers.Dense(2)(inputs))
    model.save(tmp_path / "m.keras")
    config = json.loads(_members(tmp_path / "m.keras")["config.json"])
    assert config["config"]["layers"][0]["config"]["sparse"] is True
    loaded = numnet.saving.load_model(tmp_path / "m.keras")
    assert loaded.layers[0].sparse is True
    x = np.eye(4, dtype="float32")[:2]
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
