"""Keras's saving hooks and what .keras files hold beyond plain layers: registered subclassed
models, layers of one's own that hold layers, activation functions by name,
save_own_variables / load_own_variables, save_assets / load_assets, get_build_config /
build_from_config, get_compile_config / compile_from_config, and the optimizer's state.

Round trips in numnet run everywhere; the Keras cross-checks (Keras loads numnet's files, numnet
loads Keras's, training resumed across the two) skip cleanly without keras.
"""

from __future__ import annotations

import importlib.util
import io
import json
import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.saving import ModelFileError

h5py = pytest.importorskip("h5py")

# The classes, written once for numnet and for Keras (only the import differs).
CLASSES = '''
import os
import numpy as np
import {lib} as keras
from {lib} import ops


@keras.saving.register_keras_serializable(package="hooks", name="square")
def square(x):
    return x**2


def cubic(x):
    return x**3


@keras.saving.register_keras_serializable(package="hooks")
class Scale(keras.layers.Layer):
    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return x * self.factor

    def get_config(self):
        return {{**super().get_config(), "factor": self.factor}}


@keras.saving.register_keras_serializable(package="hooks")
class Net(keras.Model):
    def __init__(self, factor, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor
        self.hidden = keras.layers.Dense(4, name="hidden")
        self.blocks = [keras.layers.Dense(4), keras.layers.Dense(3)]
        self.scale = Scale(factor)

    def call(self, x):
        h = square(self.hidden(x))
        for block in self.blocks:
            h = block(h)
        return self.scale(h)

    def get_config(self):
        return {{"factor": self.factor}}


@keras.saving.register_keras_serializable(package="hooks")
class Holder(keras.layers.Layer):
    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def call(self, x):
        return self.inner(x) + 1.0

    def get_config(self):
        return {{**super().get_config(),
                 "inner": keras.saving.serialize_keras_object(self.inner)}}

    @classmethod
    def from_config(cls, config):
        config["inner"] = keras.saving.deserialize_keras_object(config["inner"])
        return cls(**config)


@keras.saving.register_keras_serializable(package="hooks")
class WithExtra(keras.layers.Dense):
    def __init__(self, units, **kwargs):
        super().__init__(units, **kwargs)
        self.extra = keras.Variable(np.full((units,), 0.25), name="extra", dtype="float32")

    def save_own_variables(self, store):
        super().save_own_variables(store)
        store["extra"] = self.extra.numpy()

    def load_own_variables(self, store):
        self.extra.assign(store["extra"])
        self.kernel.assign(store["0"])
        self.bias.assign(store["1"])

    def call(self, x):
        return super().call(x) + self.extra


@keras.saving.register_keras_serializable(package="hooks")
class WithVocabulary(keras.layers.Dense):
    def __init__(self, vocab=None, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.vocab = vocab

    def save_assets(self, inner_path):
        with open(os.path.join(inner_path, "vocabulary.txt"), "w") as f:
            f.write(self.vocab)

    def load_assets(self, inner_path):
        with open(os.path.join(inner_path, "vocabulary.txt")) as f:
            self.vocab = f.read()


def make(kind):
    rng = np.random.default_rng(7)
    if kind == "net":
        model = Net(0.5)
        model(np.zeros((2, 6), "float32"))
    elif kind == "cubic":
        inputs = keras.Input((6,))
        model = keras.Model(inputs, keras.layers.Dense(3, activation=cubic)(inputs))
    elif kind == "holder":
        inputs = keras.Input((6,))
        model = keras.Model(inputs, Holder(keras.layers.Dense(2))(inputs))
    elif kind == "extra":
        model = keras.Sequential([keras.Input((6,)), WithExtra(2)])
    elif kind == "vocabulary":
        model = keras.Sequential([keras.Input((6,)), WithVocabulary(vocab="a b <unk>", units=2)])
    model.set_weights([rng.normal(0.0, 0.5, w.shape).astype("float32")
                       for w in model.get_weights()])
    return model
'''

KINDS = ["net", "cubic", "holder", "extra", "vocabulary"]


def _namespace(lib: str = "numnet") -> dict:
    namespace: dict = {}
    exec(compile(CLASSES.format(lib=lib), f"<{lib} classes>", "exec"), namespace)
    return namespace


NS = _namespace()
X = np.random.default_rng(3).normal(size=(5, 6)).astype("float32")


def _load(path, kind):
    custom = {"cubic": NS["cubic"]} if kind == "cubic" else None
    return numnet.models.load_model(path, custom_objects=custom)


def _members(path) -> dict:
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def _h5_paths(path) -> dict:
    found = {}
    with h5py.File(io.BytesIO(_members(path)["model.weights.h5"]), "r") as h5:
        h5.visititems(lambda name, obj: found.__setitem__(name, getattr(obj, "shape", None)))
    return found


# ----------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("kind", KINDS)
def test_a_keras_file_round_trip_predicts_the_same(tmp_path, kind):
    model = NS["make"](kind)
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = _load(path, kind)
    assert type(loaded) is type(model)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_a_subclassed_model_is_written_by_its_registered_name_and_keras_s_walk(tmp_path):
    model = NS["make"]("net")
    path = tmp_path / "net.keras"
    model.save(path)
    config = json.loads(_members(path)["config.json"])
    assert config["registered_name"] == "hooks>Net" and config["module"] is None
    assert config["config"] == {"factor": 0.5}
    assert config["build_config"]["input_shape"][1:] == [6]
    paths = _h5_paths(path)
    # attributes sorted: blocks (a list: dense, dense_1), hidden, layers (scale, the only one
    # not visited yet), scale (visited)
    assert paths["blocks/dense/vars/0"] == (4, 4) and paths["blocks/dense_1/vars/0"] == (4, 3)
    assert paths["hidden/vars/0"] == (6, 4) and paths["hidden/vars/1"] == (4,)
    assert "layers/scale/vars" in paths and "scale/vars" not in paths
    loaded = numnet.models.load_model(path)
    assert loaded.factor == 0.5
    np.testing.assert_array_equal(loaded.hidden.get_weights()[0], model.hidden.get_weights()[0])


def test_an_unregistered_subclassed_model_is_refused_naming_the_fix(tmp_path):
    class Plain(numnet.Model):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

    model = Plain()
    model(np.zeros((1, 3), "float32"))
    with pytest.raises(ValueError, match="register_keras_serializable"):
        model.save(tmp_path / "p.keras")


def test_a_function_of_one_s_own_is_written_by_name_and_needs_custom_objects(tmp_path):
    model = NS["make"]("cubic")
    path = tmp_path / "cubic.keras"
    model.save(path)
    dense = json.loads(_members(path)["config.json"])["config"]["layers"][1]
    assert dense["config"]["activation"] == {"module": "builtins", "class_name": "function",
                                             "config": "cubic", "registered_name": "function"}
    with pytest.raises(ModelFileError, match="cubic"):
        numnet.models.load_model(path)
    with numnet.saving.custom_object_scope({"cubic": NS["cubic"]}):
        scoped = numnet.models.load_model(path)
    np.testing.assert_array_equal(scoped.predict(X, verbose=0), model.predict(X, verbose=0))


def test_a_held_layer_is_written_in_the_config_and_under_its_attribute(tmp_path):
    model = NS["make"]("holder")
    path = tmp_path / "holder.keras"
    model.save(path)
    holder = json.loads(_members(path)["config.json"])["config"]["layers"][1]
    inner = holder["config"]["inner"]
    assert inner["class_name"] == "Dense" and inner["module"] == "keras.layers"
    assert inner["config"]["dtype"]["class_name"] == "DTypePolicy"
    assert _h5_paths(path)["layers/holder/inner/vars/0"] == (6, 2)


def test_save_own_variables_fills_the_store_and_load_own_variables_reads_it(tmp_path):
    model = NS["make"]("extra")
    model.layers[-1].extra.assign(np.array([1.5, -2.0], "float32"))
    path = tmp_path / "extra.keras"
    model.save(path)
    paths = _h5_paths(path)
    assert paths["layers/with_extra/vars/extra"] == (2,)
    loaded = numnet.models.load_model(path)
    np.testing.assert_array_equal(loaded.layers[-1].extra.numpy(), [1.5, -2.0])
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))


def test_the_default_hooks_check_what_they_are_given():
    dense = layers.Dense(2)
    dense.build((None, 3))
    store = {}
    dense.save_own_variables(store)
    assert sorted(store) == ["0", "1"] and store["0"].shape == (3, 2)
    other = layers.Dense(2)
    other.build((None, 3))
    other.load_own_variables(store)
    np.testing.assert_array_equal(other.kernel.numpy(), dense.kernel.numpy())
    with pytest.raises(ValueError, match=r"expects shape \(3, 2\).*\(4, 2\)"):
        other.load_own_variables({"0": np.zeros((4, 2)), "1": np.zeros(2)})
    with pytest.raises(ValueError, match="has 2 variables"):
        other.load_own_variables({"0": np.zeros((3, 2))})
    assert dense.get_build_config() == {"input_shape": [None, 3]}
    fresh = layers.Dense(2)
    assert fresh.get_build_config() is None
    fresh.build_from_config({"input_shape": [None, 3]})
    assert fresh.built and fresh.kernel.shape == (3, 2)


def test_save_assets_files_travel_in_the_archive(tmp_path):
    model = NS["make"]("vocabulary")
    path = tmp_path / "vocabulary.keras"
    model.save(path)
    members = _members(path)
    assert members["assets/layers/with_vocabulary/vocabulary.txt"] == b"a b <unk>"
    loaded = numnet.models.load_model(path)
    assert loaded.layers[-1].vocab == "a b <unk>"


@pytest.mark.parametrize("name", ["assets/../x.txt", "assets/.hidden", "/assets/a"])
def test_asset_members_outside_assets_are_refused(tmp_path, name):
    model = NS["make"]("vocabulary")
    path = tmp_path / "vocabulary.keras"
    model.save(path)
    members = _members(path)
    bad = tmp_path / "bad.keras"
    with zipfile.ZipFile(bad, "w") as zf:
        for member, content in {**members, name: b"x"}.items():
            zf.writestr(member, content)
    with pytest.raises(ModelFileError):
        numnet.models.load_model(bad)


def test_a_compile_of_one_s_own_comes_back_through_compile_from_config(tmp_path):
    @numnet.saving.register_keras_serializable(package="hooks_test")
    class OwnCompile(numnet.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)
            self.loss_fn = None

        def call(self, x):
            return self.dense(x)

        def compile(self, optimizer, loss_fn):
            super().compile(optimizer)
            self.loss_fn = loss_fn

        def get_compile_config(self):
            return {"opt": numnet.saving.serialize_keras_object(self.optimizer),
                    "loss_fn": self.loss_fn}

        def compile_from_config(self, config):
            self.compile(numnet.saving.deserialize_keras_object(config["opt"]),
                         config["loss_fn"])

    model = OwnCompile()
    model.compile(numnet.optimizers.SGD(0.05), "mae")
    model(np.ones((1, 4), "float32"))
    path = tmp_path / "own.keras"
    model.save(path)
    assert json.loads(_members(path)["config.json"])["compile_config"]["loss_fn"] == "mae"
    loaded = numnet.models.load_model(path)
    assert loaded.loss_fn == "mae"
    assert type(loaded.optimizer).__name__ == "SGD"
    assert loaded.optimizer.learning_rate == pytest.approx(0.05)


def test_the_default_compile_config_round_trips():
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(2)])
    assert model.get_compile_config() is None
    model.compile(numnet.optimizers.Adam(0.02), "mse", metrics=["mae"])
    config = model.get_compile_config()
    other = numnet.Sequential([numnet.Input((3,)), layers.Dense(2)])
    other.compile_from_config(json.loads(json.dumps(config)))
    assert type(other.optimizer).__name__ == "Adam"
    assert other.optimizer.learning_rate == pytest.approx(0.02) and other.loss == "mse"


# ----------------------------------------------------------------------------- optimizer state


def _trained(optimizer, epochs=2, seed=5):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(32, 4)).astype("float32")
    y = rng.normal(size=(32, 2)).astype("float32")
    inputs = numnet.Input((4,))
    model = numnet.Model(inputs, layers.Dense(2)(layers.Dense(5, activation="tanh")(inputs)))
    model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=optimizer, loss="mse")
    model.fit(x, y, batch_size=8, epochs=epochs, shuffle=False, verbose=0)
    return model, x, y


@pytest.mark.parametrize("name", ["Adam", "SGD", "RMSprop", "Adagrad", "Nadam", "Adamax",
                                  "Lion", "AdamW", "Lamb", "ScheduleFreeAdamW", "Adafactor",
                                  "Muon"])
def test_training_resumes_exactly_after_a_keras_file(tmp_path, name):
    options = {"SGD": {"momentum": 0.9}, "RMSprop": {"momentum": 0.5}}.get(name, {})
    model, x, y = _trained(getattr(numnet.optimizers, name)(learning_rate=0.01, **options))
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = numnet.models.load_model(path)
    assert int(loaded.optimizer.iterations.numpy()) == 8
    first = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    second = loaded.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(second, first, rtol=0, atol=1e-7)
    assert int(loaded.optimizer.iterations.numpy()) == 16


def test_optimizer_state_that_does_not_fit_is_refused(tmp_path):
    model, _, _ = _trained(numnet.optimizers.Adam(0.01))
    path = tmp_path / "m.keras"
    model.save(path)
    members = _members(path)
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "a") as h5:
        del h5["optimizer/vars/3"]
        h5["optimizer/vars/3"] = np.zeros((7, 7), "float32")
    bad = tmp_path / "bad.keras"
    with zipfile.ZipFile(bad, "w") as zf:
        for member, content in {**members, "model.weights.h5": buffer.getvalue()}.items():
            zf.writestr(member, content)
    with pytest.raises(ModelFileError, match=r"/optimizer/vars/3.*\(7, 7\)"):
        numnet.models.load_model(bad)


# ----------------------------------------------------------------------------- Keras


def _keras(script: str, cwd) -> str:
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None:
        pytest.skip("keras (with jax) is not installed")
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


@pytest.mark.cpu_only
def test_keras_loads_numnet_s_files_and_numnet_loads_keras_s(tmp_path):
    np.save(tmp_path / "x.npy", X)
    for kind in KINDS:
        model = NS["make"](kind)
        model.save(tmp_path / f"numnet_{kind}.keras")
        np.save(tmp_path / f"numnet_{kind}.npy", model.predict(X, verbose=0))
    _keras(f"""
        import numpy as np
        namespace = {{}}
        exec({CLASSES.format(lib="keras")!r}, namespace)
        import keras
        x = np.load("x.npy")
        for kind in {KINDS!r}:
            custom = {{"cubic": namespace["cubic"]}} if kind == "cubic" else None
            loaded = keras.models.load_model(f"numnet_{{kind}}.keras", custom_objects=custom)
            np.testing.assert_allclose(loaded.predict(x, verbose=0),
                                       np.load(f"numnet_{{kind}}.npy"), rtol=0, atol=1e-6)
            if kind == "vocabulary":
                assert loaded.layers[-1].vocab == "a b <unk>"
            model = namespace["make"](kind)
            model.save(f"keras_{{kind}}.keras")
            np.save(f"keras_{{kind}}.npy", model.predict(x, verbose=0))
        """, tmp_path)
    for kind in KINDS:
        loaded = _load(tmp_path / f"keras_{kind}.keras", kind)
        np.testing.assert_allclose(loaded.predict(X, verbose=0),
                                   np.load(tmp_path / f"keras_{kind}.npy"), rtol=0, atol=1e-6)


RESUME = """
import numpy as np
import {lib} as keras
rng = np.random.default_rng(11)
x = rng.normal(size=(32, 4)).astype("float32")
y = rng.normal(size=(32, 2)).astype("float32")
inputs = keras.Input((4,))
outputs = keras.layers.Dense(2)(keras.layers.Dense(5, activation="tanh")(inputs))
model = keras.Model(inputs, outputs)
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32")
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.{optimizer}, loss="mse")
model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
model.save("{name}.keras")
after = model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
np.save("{name}_after.npy", np.asarray(after))
"""

OPTIMIZERS = ["Adam(0.01)", "SGD(0.01, momentum=0.9)", "RMSprop(0.01, momentum=0.5)",
              "Nadam(0.01)", "Adamax(0.01)", "Lion(0.001)", "AdamW(0.01)", "Adagrad(0.05)",
              "Lamb(0.01)", "ScheduleFreeAdamW(0.01)", "Adafactor(0.01)", "Muon(0.01)"]


@pytest.mark.cpu_only
def test_training_resumed_across_numnet_and_keras_follows_the_same_losses(tmp_path):
    continue_ = """
        import numpy as np
        import {lib} as keras
        rng = np.random.default_rng(11)
        x = rng.normal(size=(32, 4)).astype("float32")
        y = rng.normal(size=(32, 2)).astype("float32")
        for i in range({count}):
            model = keras.models.load_model(f"{other}_{{i}}.keras")
            assert int(np.asarray(model.optimizer.iterations)) == 8
            losses = model.fit(x, y, batch_size=8, epochs=2, shuffle=False,
                               verbose=0).history["loss"]
            np.testing.assert_allclose(losses, np.load(f"{other}_{{i}}_after.npy"),
                                       rtol=0, atol=1e-6)
        print("resumed", {count})
    """
    for i, optimizer in enumerate(OPTIMIZERS):
        namespace: dict = {}
        cwd = os.getcwd()
        os.chdir(tmp_path)
        try:
            exec(RESUME.format(lib="numnet", optimizer=optimizer, name=f"numnet_{i}"),
                 namespace)
        finally:
            os.chdir(cwd)
    keras_side = "".join(RESUME.format(lib="keras", optimizer=o, name=f"keras_{i}")
                         for i, o in enumerate(OPTIMIZERS))
    out = _keras(keras_side + textwrap.dedent(continue_.format(
        lib="keras", count=len(OPTIMIZERS), other="numnet")), tmp_path)
    assert f"resumed {len(OPTIMIZERS)}" in out
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(textwrap.dedent(continue_.format(lib="numnet", count=len(OPTIMIZERS),
                                              other="keras")), {})
    finally:
        os.chdir(cwd)


# ----------------------------------------------------------------------------- .numnet


@pytest.mark.parametrize("kind", KINDS)
def test_a_numnet_file_round_trip_calls_the_same_hooks(tmp_path, kind):
    model = NS["make"](kind)
    if kind == "extra":
        model.layers[-1].extra.assign(np.array([3.0, -1.0], "float32"))
    path = tmp_path / "m.numnet"
    model.save(path)
    loaded = _load(path, kind)
    assert type(loaded) is type(model)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    config = json.loads(_members(path)["config.json"])
    if kind == "extra":
        assert [e["key"] for e in config["stores"][0]["entries"]] == ["0", "1", "2", "extra"]
        np.testing.assert_array_equal(loaded.layers[-1].extra.numpy(), [3.0, -1.0])
    if kind == "vocabulary":
        assert config["assets"] == ["assets/layers/with_vocabulary/vocabulary.txt"]
        assert loaded.layers[-1].vocab == "a b <unk>"


def test_a_numnet_file_s_assets_must_be_the_ones_it_lists(tmp_path):
    model = NS["make"]("vocabulary")
    path = tmp_path / "m.numnet"
    model.save(path)
    members = _members(path)
    bad = tmp_path / "bad.numnet"
    with zipfile.ZipFile(bad, "w") as zf:
        for member, content in {**members, "assets/extra.txt": b"x"}.items():
            zf.writestr(member, content)
    with pytest.raises(ModelFileError, match="assets.*'assets/extra.txt'"):
        numnet.models.load_model(bad)


def test_a_numnet_file_keeps_a_compile_of_one_s_own_and_the_optimizer_state(tmp_path):
    @numnet.saving.register_keras_serializable(package="hooks_numnet")
    class OwnCompile(numnet.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(2)

        def call(self, x):
            return self.dense(x)

        def compile(self, optimizer, loss_fn):
            super().compile(optimizer, loss=loss_fn)
            self.loss_fn = loss_fn

        def get_compile_config(self):
            return {"opt": numnet.saving.serialize_keras_object(self.optimizer),
                    "loss_fn": self.loss_fn}

        def compile_from_config(self, config):
            self.compile(numnet.saving.deserialize_keras_object(config["opt"]),
                         config["loss_fn"])

    x = np.random.default_rng(1).normal(size=(16, 4)).astype("float32")
    y = x[:, :2] * 2.0
    model = OwnCompile()
    model.compile(numnet.optimizers.Adam(0.05), "mse")
    model.fit(x, y, batch_size=4, verbose=0, shuffle=False)
    path = tmp_path / "own.numnet"
    model.save(path)
    loaded = numnet.models.load_model(path)
    assert loaded.loss_fn == "mse" and int(loaded.optimizer.iterations.numpy()) == 4
    first = model.fit(x, y, batch_size=4, verbose=0, shuffle=False).history["loss"]
    second = loaded.fit(x, y, batch_size=4, verbose=0, shuffle=False).history["loss"]
    np.testing.assert_allclose(second, first, rtol=0, atol=1e-7)


def test_a_build_from_config_of_one_s_own_builds_the_loaded_model(tmp_path):
    @numnet.saving.register_keras_serializable(package="hooks_build")
    class Lazy(numnet.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = layers.Dense(3)
            self.seen = None

        def call(self, x):
            return self.dense(x)

        def build_from_config(self, config):
            self.seen = config["input_shape"]
            self.build(tuple(config["input_shape"]))

    model = Lazy()
    model(np.ones((2, 5), "float32"))
    for suffix in (".keras", ".numnet"):
        model.save(tmp_path / f"lazy{suffix}")
        loaded = numnet.models.load_model(tmp_path / f"lazy{suffix}")
        assert loaded.seen[1:] == [5]
        np.testing.assert_array_equal(loaded.predict(X[:, :5], verbose=0),
                                      model.predict(X[:, :5], verbose=0))


def _with_weights(path, tmp_path, edit):
    members = _members(path)
    buffer = io.BytesIO(members["model.weights.h5"])
    with h5py.File(buffer, "a") as h5:
        edit(h5)
    bad = tmp_path / f"bad{path.suffix}"
    with zipfile.ZipFile(bad, "w") as zf:
        for member, content in {**members, "model.weights.h5": buffer.getvalue()}.items():
            zf.writestr(member, content)
    return bad


def test_a_subclassed_model_s_file_with_stray_or_wrong_weights_is_refused(tmp_path):
    model = NS["make"]("net")
    path = tmp_path / "net.keras"
    model.save(path)

    def stray(h5):
        h5["other/vars/0"] = np.zeros(3, "float32")

    with pytest.raises(ModelFileError, match="/other/vars: holds weights that no layer"):
        numnet.models.load_model(_with_weights(path, tmp_path, stray))

    def reshaped(h5):
        del h5["hidden/vars/0"]
        h5["hidden/vars/0"] = np.zeros((5, 4), "float32")

    with pytest.raises(ModelFileError, match=r"/hidden/vars.*expects shape \(6, 4\)"):
        numnet.models.load_model(_with_weights(path, tmp_path, reshaped))

    def text(h5):
        del h5["hidden/vars/1"]
        h5["hidden/vars/1"] = np.array([b"abcd"] * 4)

    with pytest.raises(ModelFileError, match="not numeric"):
        numnet.models.load_model(_with_weights(path, tmp_path, text))


def test_a_negative_iteration_count_is_refused(tmp_path):
    model, _, _ = _trained(numnet.optimizers.Adam(0.01))
    path = tmp_path / "m.keras"
    model.save(path)

    def negative(h5):
        del h5["optimizer/vars/0"]
        h5["optimizer/vars/0"] = np.asarray(-3, "int64")

    with pytest.raises(ModelFileError, match="iteration count"):
        numnet.models.load_model(_with_weights(path, tmp_path, negative))


NESTED_MODELS = '''
import numpy as np
import {lib} as keras
from {lib} import layers


def net():
    inputs = keras.Input((3,))
    return keras.Model(inputs, layers.Dense(2)(layers.Dense(4)(inputs)))


class WithCopy(keras.Model):
    def __init__(self):
        super().__init__()
        self.normalizer = layers.Normalization()
        self.network = net()
        self.ema_network = keras.models.clone_model(self.network)

    def call(self, x):
        return self.network(self.normalizer(x))


def make():
    model = WithCopy()
    model.normalizer.adapt(np.arange(12, dtype="float32").reshape(4, 3))
    model(np.ones((2, 3), "float32"))
    rng = np.random.default_rng(0)
    model.set_weights([rng.normal(size=w.shape).astype("float32") for w in model.get_weights()])
    return model
'''


def _weights_file_paths(path) -> list:
    names = []
    with h5py.File(path, "r") as f:
        f.visit(names.append)
    return sorted(names)


def test_weights_h5_of_a_subclassed_model_holding_models_round_trips_in_keras_s_layout(
        tmp_path):
    # the DDIM example's model: a network and its EMA copy (clone_model) as attributes;
    # save_weights wrote them flat (/layers/model/vars/0..3) where load_weights reads Keras's
    # walk (/ema_network/layers/dense/vars), so a model could not load its own file
    namespace: dict = {}
    exec(NESTED_MODELS.format(lib="numnet"), namespace)
    model = namespace["make"]()
    path = tmp_path / "nested.weights.h5"
    model.save_weights(str(path))
    names = _weights_file_paths(path)
    assert "ema_network/layers/dense/vars/0" in names
    assert "layers/functional/layers/dense_1/vars/1" in names
    assert "layers/normalization/vars/2" in names
    other = namespace["make"]()
    other.set_weights([w * 0 for w in other.get_weights()])
    other.load_weights(str(path))
    for a, b in zip(model.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None:
        return
    script = textwrap.dedent(f"""
        import numpy as np
        {textwrap.indent(NESTED_MODELS.format(lib="keras"), "        ").strip()}
        import h5py
        model = make()
        model.save_weights({str(tmp_path / 'keras.weights.h5')!r})
        twin = make()
        twin.load_weights({str(path)!r})
        print(sum(float(np.abs(w).sum()) for w in twin.get_weights()))
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          env=dict(os.environ, KERAS_BACKEND="jax"), timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    total = sum(float(np.abs(w).sum()) for w in model.get_weights())
    assert abs(float(done.stdout.split()[-1]) - total) < 1e-3
    assert _weights_file_paths(tmp_path / "keras.weights.h5") == names
    other.load_weights(str(tmp_path / "keras.weights.h5"))
    for a, b in zip(model.get_weights(), other.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


@numnet.saving.register_keras_serializable(package="dict_input")
class _RatioOfDict(layers.Layer):
    """A layer of one's own called on a dict of inputs (as the keras.io feature-engineering
    example's FeatureLayer): its build config holds a dict of shapes."""

    def call(self, inputs):
        return numnet.layers.concatenate([inputs["a"] / inputs["b"], inputs["a"]])


def test_a_layer_called_on_a_dict_writes_a_dict_of_shapes(tmp_path):
    inputs = {"a": numnet.Input(shape=(1,), name="a"), "b": numnet.Input(shape=(1,), name="b")}
    model = numnet.Model(inputs, layers.Dense(1)(_RatioOfDict(name="ratio")(inputs)))
    path = tmp_path / "dict_input.keras"
    model.save(path)
    config = json.loads(_members(path)["config.json"])
    layer = [entry for entry in config["config"]["layers"] if entry["name"] == "ratio"][0]
    # Keras's form: {"input_shape": {name: shape}} for a layer built on a dict
    assert layer["build_config"] == {"input_shape": {"a": [None, 1], "b": [None, 1]}}
    loaded = numnet.models.load_model(path)
    data = {"a": np.array([[2.0], [3.0]], "float32"), "b": np.array([[4.0], [6.0]], "float32")}
    np.testing.assert_allclose(loaded.predict(data, verbose=0), model.predict(data, verbose=0))
    fresh = _RatioOfDict()
    fresh.build_from_config(layer["build_config"])
    assert fresh.built
