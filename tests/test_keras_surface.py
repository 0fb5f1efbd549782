"""Keras 3's names outside ops and layers: scopes, Operation / Function, the backend's dtype
helpers, utils (Config, split_dataset, the directory loaders, get_source_inputs, serialization,
interactive logging), dtype policies, and the regularizer / initializer / constraint additions.
Keras cross-checks skip cleanly without keras."""

from __future__ import annotations

import itertools
import os
import random

import numpy as np
import pytest

import numnet


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


# ----- top level -----
def test_top_level_names_are_there():
    for name in ("InputSpec", "name_scope", "device", "StatelessScope", "Operation", "Function",
                 "DTypePolicy", "FloatDTypePolicy"):
        assert hasattr(numnet, name), name
    assert numnet.InputSpec is numnet.layers.InputSpec
    assert numnet.keras.name_scope is numnet.name_scope


def test_name_scope_nests_and_gives_paths():
    from numnet.scopes import current_path, scoped

    assert current_path() == ""
    with numnet.name_scope("outer"):
        with numnet.name_scope("inner"):
            assert current_path() == "outer/inner"
            assert scoped("kernel") == "outer/inner/kernel"
        assert current_path() == "outer"
    assert current_path() == "" and scoped("kernel") == "kernel"


def test_name_scope_deduplicates_a_caller_and_overrides_the_parent():
    from numnet.scopes import current_path

    owner = object()
    with numnet.name_scope("block", caller=owner):
        with numnet.name_scope("block", caller=owner):
            assert current_path() == "block"
        with numnet.name_scope("block", caller=owner, deduplicate=False):
            assert current_path() == "block/block"
        with numnet.name_scope("x", override_parent="a/b"):
            assert current_path() == "a/b/x"
    assert current_path() == ""


@pytest.mark.parametrize("bad", ["a/b", 3, None])
def test_name_scope_rejects_bad_names(bad):
    with pytest.raises(ValueError, match="name_scope"):
        numnet.name_scope(bad)


def test_device_cpu_runs_and_restores():
    before = numnet.backend.device()
    for name in ("cpu", "CPU:0", "/cpu:0", "/device:CPU:0"):
        with numnet.device(name):
            assert numnet.backend.device() == "cpu"
    with numnet.device("cpu:0"):
        assert numnet.backend.device() == "cpu"
        y = numnet.ops.add(np.ones(2, "float32"), 1.0)
    assert numnet.backend.device() == before
    np.testing.assert_array_equal(np.asarray(y), [2.0, 2.0])


@pytest.mark.parametrize("bad", ["tpu", "cpu:1", "gpu:x", 0])
def test_device_rejects_names_that_are_not_devices(bad):
    with pytest.raises(ValueError, match="device"):
        numnet.device(bad)


def test_device_gpu_without_a_gpu_raises_and_changes_nothing():
    if numnet.backend.gpu_available():
        pytest.skip("a GPU is available here")
    with pytest.raises(RuntimeError, match="GPU"):
        with numnet.device("gpu:0"):
            pass
    assert numnet.backend.device() == "cpu"


def test_stateless_scope_reads_given_values_and_keeps_the_variables():
    w = numnet.Variable(np.ones(2, "float32"))
    with numnet.StatelessScope([(w, np.array([2.0, 3.0]))]) as scope:
        np.testing.assert_array_equal(np.asarray(numnet.ops.multiply(w, 2.0)), [4.0, 6.0])
        w.assign(w.numpy() + 5.0)
        np.testing.assert_array_equal(scope.get_current_value(w), [7.0, 8.0])
    np.testing.assert_array_equal(w.numpy(), [1.0, 1.0])
    np.testing.assert_array_equal(scope.get_current_value(w), [7.0, 8.0])
    assert scope.get_current_value(numnet.Variable(np.ones(1, "float32"))) is None
    assert numnet.scopes.get_stateless_scope() is None


def test_stateless_scope_value_read_inside_the_block_outlives_it():
    # Keras returns the value the assign recorded; the variable's restore at the block's end
    # (numnet writes the saved value back into the same buffer) must not change it
    w = numnet.Variable(np.array([1.0, -1.0], "float32"))
    with numnet.StatelessScope([(w, np.array([0.5, 0.5]))]) as scope:
        w.assign(np.zeros(2, "float32"))
        inside = np.asarray(scope.get_current_value(w))
        w.assign(np.array([4.0, 4.0], "float32"))
    np.testing.assert_array_equal(inside, [0.0, 0.0])
    np.testing.assert_array_equal(scope.get_current_value(w), [4.0, 4.0])
    np.testing.assert_array_equal(w.numpy(), [1.0, -1.0])


def test_stateless_scope_checks_its_mapping():
    w = numnet.Variable(np.ones(2, "float32"))
    with pytest.raises(ValueError, match="shape"):
        numnet.StatelessScope([(w, np.ones(3))])
    with pytest.raises(ValueError, match="Variable"):
        numnet.StatelessScope([(np.ones(2), np.ones(2))])


# ----- Operation and Function -----
class ScaleOp(numnet.Operation):
    def call(self, x, factor=3.0):
        return x * factor


def test_operation_runs_eagerly_and_in_a_functional_model():
    op = ScaleOp()
    np.testing.assert_array_equal(np.asarray(op(np.ones(2, "float32"))), [3.0, 3.0])
    assert op.name.startswith("scale_op") and op.get_config() == {"name": op.name}
    x = numnet.Input((2,))
    model = numnet.Model(x, ScaleOp()(x, factor=2.0))
    got = model.predict(np.array([[1.0, -1.0]], "float32"), verbose=0)
    np.testing.assert_array_equal(got, [[2.0, -2.0]])


def test_function_calls_the_graph_with_the_inputs_structure():
    a, b = numnet.Input((2,)), numnet.Input((2,))
    f = numnet.Function({"a": a, "b": b}, {"sum": a + b, "prod": a * b})
    out = f({"a": np.array([[1.0, 2.0]], "float32"), "b": np.array([[3.0, 4.0]], "float32")})
    np.testing.assert_array_equal(np.asarray(out["sum"]), [[4.0, 6.0]])
    np.testing.assert_array_equal(np.asarray(out["prod"]), [[3.0, 8.0]])
    x = numnet.Input((3,))
    g = numnet.Function(x, numnet.ops.exp(x) * 2, name="g")
    np.testing.assert_allclose(np.asarray(g(np.zeros((1, 3), "float32"))), [[2.0, 2.0, 2.0]])
    assert g.name == "g" and g.inputs == [x]
    with pytest.raises(ValueError, match="structure"):
        f(np.ones((1, 2), "float32"))


# ----- backend -----
def test_standardize_dtype_by_hand():
    from numnet.backend import standardize_dtype

    assert standardize_dtype(None) == "float32"
    assert standardize_dtype(int) == "int32" and standardize_dtype("int") == "int32"
    assert standardize_dtype(float) == "float32" and standardize_dtype(bool) == "bool"
    assert standardize_dtype(np.float64) == "float64"
    assert standardize_dtype(np.dtype("uint8")) == "uint8"
    assert standardize_dtype(str) == "string"
    for bad in ("float", "double"):
        with pytest.raises(ValueError, match="dtype"):
            standardize_dtype(bad)
    assert numnet.utils.standardize_dtype is standardize_dtype


def test_result_type_by_hand():
    from numnet.backend import result_type

    assert result_type() == "float32"
    assert result_type("int32", "float32") == "float32"
    assert result_type("int8", "uint8") == "int16"
    assert result_type("bool", "int8") == "int8"
    assert result_type("int8", int) == "int8"  # Python's int is weak
    assert result_type("bfloat16", float) == "bfloat16"
    assert result_type("int64", "float16") == "float16"
    assert result_type("int32", "float64") == "float32"  # 64-bit given as 32, as Keras
    assert result_type(int, float) == "float32"
    with pytest.raises(ValueError, match="float8"):
        result_type("float8_e4m3fn", "float32")


def test_result_type_matches_keras_on_every_pair():
    keras = _keras()
    names = ["bool", "uint8", "uint16", "uint32", "int8", "int16", "int32", "int64", "float16",
             "bfloat16", "float32", "float64", int, float]
    for a, b in itertools.product(names, repeat=2):
        assert numnet.backend.result_type(a, b) == keras.backend.result_type(a, b), (a, b)
    for a in names:
        assert numnet.backend.standardize_dtype(a) == keras.backend.standardize_dtype(a)


def test_backend_names():
    b = numnet.backend
    assert b.backend() == numnet.config.backend() == "numpy"
    assert b.is_int_dtype("uint8") and b.is_int_dtype(int) and not b.is_int_dtype("bool")
    assert not b.is_int_dtype("float32")
    assert b.is_keras_tensor(numnet.Input((2,))) and not b.is_keras_tensor(np.ones(2))
    b.clear_session()
    assert [b.get_uid("x"), b.get_uid("x"), b.get_uid("y")] == [1, 2, 1]
    numnet.layers.Dense(2)  # named "dense": the count that get_uid shares, as in Keras
    assert b.get_uid("dense") == 2
    assert numnet.layers.Dense(2).name == "dense_2"
    b.clear_session()
    assert b.get_uid("x") == 1


# ----- utils -----
def test_config_acts_as_attributes_and_a_dict_and_freezes():
    config = numnet.utils.Config(learning_rate=0.1)
    config.seed = 123
    config["momentum"] = 0.9
    assert config.seed == 123 and config["learning_rate"] == 0.1
    assert list(config) == ["learning_rate", "momentum", "seed"] and len(config) == 3
    assert config.to_json() == '{"learning_rate": 0.1, "seed": 123, "momentum": 0.9}'
    assert config.as_dict() == {"learning_rate": 0.1, "seed": 123, "momentum": 0.9}
    config.freeze()
    assert config.frozen
    for change in (lambda: setattr(config, "x", 1), lambda: config.update(a=1),
                   lambda: config.pop("seed"), lambda: config.__setitem__("seed", 1)):
        with pytest.raises(ValueError, match="frozen"):
            change()
    config.unfreeze()
    config.pop("seed")
    with pytest.raises(AttributeError, match="learning_rate"):
        config.learning_rat  # noqa: B018


def _keras_split(n, left_size, right_size, seed):
    """Keras's order: Python's random seeded, then a shuffle of the rows."""
    rows = list(range(n))
    random.seed(seed)
    random.shuffle(rows)
    left = round(left_size * n) if isinstance(left_size, float) else left_size
    right = n - left if right_size is None else (
        round(right_size * n) if isinstance(right_size, float) else right_size)
    return rows[:left], rows[n - right:]


@pytest.mark.parametrize("left_size,right_size", [(0.7, None), (3, None), (None, 0.2),
                                                  (4, 3), (0.5, 0.3)])
def test_split_dataset_sizes_and_seeded_order(left_size, right_size):
    x = np.arange(20, dtype="float32").reshape(10, 2)
    y = np.arange(10)
    left, right = numnet.utils.split_dataset((x, y), left_size=left_size, right_size=right_size,
                                             shuffle=True, seed=11)
    want_left, want_right = _keras_split(10, left_size if left_size is not None else
                                         10 - round(right_size * 10), right_size, 11)
    got_left = [int(e[1]) for e in left.as_numpy_iterator()]
    got_right = [int(e[1]) for e in right.as_numpy_iterator()]
    assert got_left == want_left and got_right == want_right
    first = next(iter(left.as_numpy_iterator()))
    np.testing.assert_array_equal(first[0], x[want_left[0]])


def test_split_dataset_unshuffled_array_and_batched_dataset():
    x = np.arange(10, dtype="float32").reshape(5, 2)
    left, right = numnet.utils.split_dataset(x, left_size=0.6)
    np.testing.assert_array_equal(np.stack(list(left.as_numpy_iterator())), x[:3])
    np.testing.assert_array_equal(np.stack(list(right.as_numpy_iterator())), x[3:])
    ds = numnet.data.Dataset.from_tensor_slices((x, np.arange(5))).batch(2)
    left, right = numnet.utils.split_dataset(ds, right_size=2)
    batches = list(left.as_numpy_iterator())
    assert [len(b[1]) for b in batches] == [2, 1]  # batched again with the batch size
    assert [int(v) for b in right.as_numpy_iterator() for v in b[1]] == [3, 4]


@pytest.mark.parametrize("kwargs,error,match", [
    ({}, ValueError, "left_size or right_size"),
    ({"left_size": 0}, ValueError, "left_size"),
    ({"left_size": 1.5}, ValueError, "left_size"),
    ({"left_size": 10}, ValueError, "left_size"),
    ({"left_size": 0.6, "right_size": 0.6}, ValueError, "more than 1"),
    ({"left_size": 4, "right_size": 4}, ValueError, "more than"),
    ({"left_size": "half"}, TypeError, "left_size"),
    ({"left_size": 0.01}, ValueError, "empty"),
])
def test_split_dataset_errors(kwargs, error, match):
    with pytest.raises(error, match=match):
        numnet.utils.split_dataset(np.zeros((5, 2)), **kwargs)


def _text_tree(root):
    for name, texts in (("neg", ["bad a", "bad b", "bad c", "bad d"]),
                        ("pos", ["good a", "good b", "good c", "good d", "good e"])):
        (root / name).mkdir()
        for i, text in enumerate(texts):
            (root / name / f"{i}.txt").write_text(text)
    (root / "pos" / "notes.md").write_text("not a text file")
    (root / ".hidden").mkdir()


def test_text_dataset_labels_inferred_in_sorted_order(tmp_path):
    _text_tree(tmp_path)
    ds = numnet.utils.text_dataset_from_directory(tmp_path, shuffle=False, verbose=False)
    assert ds.class_names == ["neg", "pos"]
    (texts, labels), = list(ds.as_numpy_iterator())
    assert list(texts) == [b"bad a", b"bad b", b"bad c", b"bad d", b"good a", b"good b",
                           b"good c", b"good d", b"good e"]
    assert labels.dtype == np.int32 and list(labels) == [0] * 4 + [1] * 5


def test_text_dataset_label_modes_batching_and_max_length(tmp_path):
    _text_tree(tmp_path)
    common = {"shuffle": False, "verbose": False}
    ds = numnet.utils.text_dataset_from_directory(tmp_path, label_mode="categorical",
                                                  batch_size=4, max_length=3, **common)
    batches = list(ds.as_numpy_iterator())
    assert [len(b[0]) for b in batches] == [4, 4, 1]
    assert batches[0][0][0] == b"bad" and batches[2][0][0] == b"goo"
    np.testing.assert_array_equal(batches[2][1], [[0.0, 1.0]])
    ds = numnet.utils.text_dataset_from_directory(tmp_path, label_mode="binary", **common)
    (_, labels), = list(ds.as_numpy_iterator())
    assert labels.shape == (9, 1) and labels.dtype == np.float32
    ds = numnet.utils.text_dataset_from_directory(tmp_path, label_mode=None, batch_size=None,
                                                  **common)
    assert list(ds.as_numpy_iterator())[:2] == [b"bad a", b"bad b"]
    ds = numnet.utils.text_dataset_from_directory(tmp_path, class_names=["pos", "neg"], **common)
    (texts, labels), = list(ds.as_numpy_iterator())
    assert ds.class_names == ["pos", "neg"] and labels[0] == 0 and texts[0] == b"good a"


def test_text_dataset_validation_split_is_disjoint_and_complete(tmp_path):
    _text_tree(tmp_path)
    train, val = numnet.utils.text_dataset_from_directory(
        tmp_path, validation_split=0.34, subset="both", seed=7, verbose=False)
    train_texts = [t.decode() for b in train.as_numpy_iterator() for t in b[0]]
    val_texts = [t.decode() for b in val.as_numpy_iterator() for t in b[0]]
    assert len(val_texts) == 3 and len(train_texts) == 6  # int(0.34 * 9) = 3
    assert sorted(train_texts + val_texts) == sorted(
        ["bad a", "bad b", "bad c", "bad d", "good a", "good b", "good c", "good d", "good e"])
    alone = numnet.utils.text_dataset_from_directory(
        tmp_path, validation_split=0.34, subset="validation", seed=7, verbose=False)
    assert alone.file_paths == val.file_paths


def test_directory_order_matches_keras_index(tmp_path):
    _keras()
    from keras.src.utils import dataset_utils

    from numnet.preprocessing.directory import index_directory

    _text_tree(tmp_path)
    for shuffle, seed in ((False, None), (True, 3), (True, 1234)):
        theirs = dataset_utils.index_directory(str(tmp_path), "inferred", formats=(".txt",),
                                               shuffle=shuffle, seed=seed, verbose=False)
        ours = index_directory(str(tmp_path), "inferred", (".txt",), None, shuffle, seed,
                               verbose=False)
        assert ours[0] == theirs[0] and list(ours[1]) == list(theirs[1])
        assert ours[2] == theirs[2]


@pytest.mark.parametrize("kwargs,match", [
    ({"label_mode": "sparse"}, "label_mode"),
    ({"validation_split": 0.2}, "subset"),
    ({"validation_split": 0.2, "subset": "training"}, "seed"),
    ({"validation_split": 1.2, "subset": "training", "seed": 1}, "validation_split"),
    ({"subset": "test", "validation_split": 0.2, "seed": 1}, "subset"),
    ({"labels": "folders"}, "labels"),
    ({"class_names": ["neg", "maybe"]}, "class_names"),
])
def test_text_dataset_errors_name_the_argument(tmp_path, kwargs, match):
    _text_tree(tmp_path)
    with pytest.raises(ValueError, match=match):
        numnet.utils.text_dataset_from_directory(tmp_path, verbose=False, **kwargs)


def test_binary_needs_two_classes(tmp_path):
    _text_tree(tmp_path)
    (tmp_path / "third").mkdir()
    (tmp_path / "third" / "x.txt").write_text("x")
    with pytest.raises(ValueError, match="binary"):
        numnet.utils.text_dataset_from_directory(tmp_path, label_mode="binary", verbose=False)


def test_image_dataset_from_directory(tmp_path):
    image = pytest.importorskip("PIL.Image")
    for label, colour in (("cat", (255, 0, 0)), ("dog", (0, 0, 255))):
        (tmp_path / label).mkdir()
        for i in range(3):
            image.new("RGB", (8 + i, 6), colour).save(tmp_path / label / f"{i}.png")
    ds = numnet.utils.image_dataset_from_directory(tmp_path, image_size=(4, 5), batch_size=4,
                                                   shuffle=False, verbose=False)
    assert ds.class_names == ["cat", "dog"]
    batches = list(ds.as_numpy_iterator())
    assert [b[0].shape for b in batches] == [(4, 4, 5, 3), (2, 4, 5, 3)]
    assert batches[0][0].dtype == np.float32
    np.testing.assert_allclose(batches[0][0][0, 0, 0], [255.0, 0.0, 0.0])
    np.testing.assert_allclose(batches[1][0][-1, 0, 0], [0.0, 0.0, 255.0])
    assert list(batches[0][1]) == [0, 0, 0, 1]
    gray = numnet.utils.image_dataset_from_directory(
        tmp_path, image_size=(6, 6), color_mode="grayscale", label_mode="categorical",
        crop_to_aspect_ratio=True, seed=1, verbose=False)
    images, labels = next(iter(gray.as_numpy_iterator()))
    assert images.shape == (6, 6, 6, 1) and labels.shape == (6, 2)
    with pytest.raises(ValueError, match="color_mode"):
        numnet.utils.image_dataset_from_directory(tmp_path, color_mode="cmyk")


def test_image_dataset_without_pillow_names_the_install(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
    with pytest.raises(ImportError, match="pillow"):
        numnet.utils.image_dataset_from_directory(tmp_path)


def test_get_source_inputs():
    a, b = numnet.Input((3,)), numnet.Input((2,))
    x = numnet.layers.Dense(2)(a)
    y = numnet.layers.Concatenate()([x, b])
    assert numnet.utils.get_source_inputs(y) == [a, b]
    assert numnet.utils.get_source_inputs(a) == [a]
    z = numnet.ops.add(numnet.layers.Dense(2)(b), x)
    assert numnet.utils.get_source_inputs(z) == [b, a]
    array = np.ones(2)
    assert numnet.utils.get_source_inputs(array) is array


def test_serialize_keras_object_round_trip():
    dense = numnet.layers.Dense(3, activation="relu", name="d")
    config = numnet.utils.serialize_keras_object(dense)
    assert config["class_name"] == "Dense"
    again = numnet.utils.deserialize_keras_object(config)
    assert isinstance(again, numnet.layers.Dense) and again.units == 3


def test_interactive_logging_switches_the_progress_output(capsys, caplog):
    x = np.zeros((4, 2), "float32")
    model = numnet.Sequential([numnet.Input((2,)), numnet.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    try:
        numnet.utils.disable_interactive_logging()
        assert not numnet.utils.is_interactive_logging_enabled()
        with caplog.at_level("INFO", logger="numnet"):
            model.fit(x, x[:, :1], epochs=1, verbose=1)
        assert capsys.readouterr().out == ""
        assert "loss" in caplog.text
    finally:
        numnet.utils.enable_interactive_logging()
    assert numnet.utils.is_interactive_logging_enabled()
    model.fit(x, x[:, :1], epochs=1, verbose=1)
    assert "loss" in capsys.readouterr().out


# ----- dtype policies -----
def test_dtype_policies_get_serialize_deserialize():
    dp = numnet.dtype_policies
    policy = dp.get("mixed_float16")
    assert policy.compute_dtype == "float16" and policy.variable_dtype == "float32"
    assert dp.get(None) == numnet.mixed_precision.global_policy()
    assert dp.get(policy) is policy
    config = dp.serialize(policy)
    assert config == {"module": "keras", "class_name": "DTypePolicy",
                      "config": {"name": "mixed_float16"}, "registered_name": None}
    assert dp.deserialize(config) == policy
    assert dp.get({"class_name": "FloatDTypePolicy", "config": {"name": "float16"}}).name == \
        "float16"
    assert isinstance(numnet.FloatDTypePolicy("float32"), numnet.DTypePolicy)
    with pytest.raises(ValueError, match="mixed_float16"):
        dp.get("float")


def test_dtype_policy_map_exact_then_pattern_then_default():
    policies = numnet.dtype_policies.DTypePolicyMap(default_policy="float32")
    policies["encoder/dense"] = "float16"
    policies["encoder/.*"] = "mixed_float16"
    assert policies["encoder/dense"].name == "float16"
    assert policies["encoder/attention"].name == "mixed_float16"
    assert policies["decoder"].name == "float32"
    assert policies.name == "map_float32" and len(policies) == 2 and "encoder/.*" in policies
    policies["encoder/att.*"] = "float16"
    with pytest.raises(ValueError, match="several keys"):
        policies["encoder/attention"]  # noqa: B018
    with pytest.raises(ValueError, match="already set"):
        policies["encoder/dense"] = "float32"
    again = numnet.dtype_policies.deserialize(numnet.dtype_policies.serialize(policies))
    assert again["encoder/dense"].name == "float16" and again.default_policy.name == "float32"
    assert numnet.dtype_policies.DTypePolicyMap()["x"] == numnet.mixed_precision.global_policy()


def test_dtype_policy_map_reads_keras_config():
    keras = _keras()
    theirs = keras.dtype_policies.DTypePolicyMap(default_policy="mixed_float16")
    theirs["dense/kernel"] = "float32"
    ours = numnet.dtype_policies.deserialize(keras.dtype_policies.serialize(theirs))
    assert ours["dense/kernel"].name == "float32" and ours["other"].name == "mixed_float16"


# ----- regularizers, initializers, constraints -----
def _orthogonal_by_hand(w, factor, mode):
    w = w.astype("float64")
    u = w / np.maximum(np.linalg.norm(w, axis=1 if mode == "rows" else 0,
                                      keepdims=True), 1e-7)
    product = u @ u.T if mode == "rows" else u.T @ u
    n = len(product)
    off = np.abs(product[~np.eye(n, dtype=bool)]).sum()
    return factor * 0.5 * off / (n * (n - 1) / 2)


@pytest.mark.parametrize("mode", ["rows", "columns"])
def test_orthogonal_regularizer_formula_and_gradient(mode):
    w = np.random.default_rng(0).normal(size=(4, 3)).astype("float32")
    reg = numnet.regularizers.OrthogonalRegularizer(factor=0.3, mode=mode)
    assert float(reg(w)) == pytest.approx(_orthogonal_by_hand(w, 0.3, mode), rel=1e-5)
    var = numnet.Variable(w.copy())
    with numnet.GradientTape() as tape:
        penalty = reg(var)
    grad = np.asarray(tape.gradient(penalty, var))
    step, i, j = 1e-3, 1, 2
    up, down = w.astype("float64").copy(), w.astype("float64").copy()
    up[i, j] += step
    down[i, j] -= step
    numeric = (_orthogonal_by_hand(up, 0.3, mode) - _orthogonal_by_hand(down, 0.3, mode)) / (
        2 * step)
    assert grad[i, j] == pytest.approx(numeric, rel=1e-2, abs=1e-5)


def test_orthogonal_regularizer_names_config_and_errors():
    reg = numnet.regularizers.get("orthogonal_regularizer")
    assert isinstance(reg, numnet.regularizers.OrthogonalRegularizer)
    assert reg.get_config() == {"factor": 0.01, "mode": "rows"}
    again = numnet.regularizers.deserialize(numnet.regularizers.serialize(
        numnet.regularizers.orthogonal_regularizer(0.5, "columns")))
    assert again.get_config() == {"factor": 0.5, "mode": "columns"}
    with pytest.raises(ValueError, match="mode"):
        numnet.regularizers.OrthogonalRegularizer(mode="diagonal")
    with pytest.raises(ValueError, match="2-D"):
        reg(np.ones((2, 2, 2), "float32"))
    with pytest.raises(ValueError, match="class_name"):
        numnet.regularizers.deserialize({"class_name": "L3", "config": {}})
    layer = numnet.layers.Dense(3, kernel_regularizer="orthogonal_regularizer")
    layer(np.ones((1, 4), "float32"))
    assert len(layer.losses) == 1


def test_orthogonal_regularizer_matches_keras():
    keras = _keras()
    w = np.random.default_rng(1).normal(size=(5, 3)).astype("float32")
    w[2] = 0.0  # a zero row: the epsilon floor of the norm
    for mode in ("rows", "columns"):
        # a backend tensor, as a layer's kernel is (Keras's NumPy path of normalize differs)
        tensor = keras.ops.convert_to_tensor(w)
        theirs = float(keras.regularizers.OrthogonalRegularizer(0.2, mode)(tensor))
        ours = float(numnet.regularizers.OrthogonalRegularizer(0.2, mode)(w))
        assert ours == pytest.approx(theirs, rel=1e-5)


def test_initializer_and_constraint_deserialize_and_aliases():
    init = numnet.initializers
    assert init.OrthogonalInitializer is init.Orthogonal
    assert init.IdentityInitializer is init.Identity
    assert isinstance(init.deserialize({"class_name": "OrthogonalInitializer",
                                        "config": {"gain": 2.0}}), init.Orthogonal)
    constant = init.deserialize({"class_name": "Constant", "config": {"value": 2.0}})
    np.testing.assert_array_equal(constant((2,)), [2.0, 2.0])
    max_norm = numnet.constraints.deserialize({"class_name": "MaxNorm",
                                               "config": {"max_value": 2}})
    assert max_norm.get_config()["max_value"] == 2.0
    with pytest.raises(ValueError, match="class_name"):
        numnet.constraints.deserialize({"class_name": "Clip", "config": {}})

    class Custom(numnet.constraints.Constraint):
        def __call__(self, w):
            return w

    found = numnet.constraints.deserialize({"class_name": "Custom", "config": {}},
                                           custom_objects={"Custom": Custom})
    assert isinstance(found, Custom)


def test_keras_configs_of_the_new_names_load():
    keras = _keras()
    for theirs, module in ((keras.initializers.OrthogonalInitializer(gain=1.5),
                            numnet.initializers),
                           (keras.regularizers.OrthogonalRegularizer(0.1, "columns"),
                            numnet.regularizers),
                           (keras.constraints.MaxNorm(3.0), numnet.constraints)):
        config = {"class_name": type(theirs).__name__, "config": theirs.get_config()}
        ours = module.deserialize(config)
        for key, value in theirs.get_config().items():
            if key != "seed":
                assert ours.get_config()[key] == pytest.approx(value), key


def test_remat_symbolic_scope_and_remat_scope():
    f = numnet.remat(lambda x: x * 2.0)
    assert f(3.0) == 6.0
    assert numnet.scopes.get_current_remat_mode() is None
    with numnet.RematScope(mode="larger_than", output_size_threshold=10):
        with numnet.RematScope(mode="list_of_layers", layer_names=["dense"]):
            mode = numnet.scopes.get_current_remat_mode()
            assert (mode.mode, mode.layer_names) == ("list_of_layers", ["dense"])
        assert numnet.scopes.get_current_remat_mode().output_size_threshold == 10
    assert numnet.scopes.get_current_remat_mode() is None
    with pytest.raises(ValueError, match="mode"):
        numnet.RematScope(mode="half")
    assert not numnet.scopes.in_symbolic_scope()
    with numnet.SymbolicScope():
        assert numnet.scopes.in_symbolic_scope()
    assert not numnet.scopes.in_symbolic_scope()


@pytest.mark.parametrize("module", [
    "numnet.scopes", "numnet.dtype_rules", "numnet.config_dict", "numnet.dtype_policy_map",
    "numnet.more_losses", "numnet.operation", "numnet.data.split",
    "numnet.layers.source_inputs", "numnet.backend_extras", "numnet.optimizers.lamb",
    "numnet.optimizers.adafactor", "numnet.optimizers.multi_optimizer",
    "numnet.layers.saved_model"])
def test_docstring_examples_run(module):
    import doctest
    import importlib

    result = doctest.testmod(importlib.import_module(module),
                             extraglobs={"numnet": numnet, "np": np},
                             optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0


def _write_wav(path, samples, width=2, rate=16000):
    import wave

    with wave.open(str(path), "wb") as f:
        f.setnchannels(samples.shape[1])
        f.setsampwidth(width)
        f.setframerate(rate)
        if width == 3:
            v = samples.astype("<i4").reshape(-1)
            raw = np.stack([v & 0xFF, (v >> 8) & 0xFF, (v >> 16) & 0xFF], axis=1)
            f.writeframes(raw.astype(np.uint8).tobytes())
        else:
            f.writeframes(samples.astype({1: np.uint8, 2: "<i2", 4: "<i4"}[width]).tobytes())


def test_audio_dataset_reads_pcm_as_decode_wav_and_pads_batches(tmp_path):
    rng = np.random.default_rng(0)
    clips = {}
    for label, lengths in (("no", (5, 9)), ("yes", (7,))):
        (tmp_path / label).mkdir()
        for i, n in enumerate(lengths):
            data = rng.integers(-32768, 32767, size=(n, 2))
            _write_wav(tmp_path / label / f"{i}.wav", data)
            clips[(label, i)] = data / 32768.0
    ds = numnet.utils.audio_dataset_from_directory(tmp_path, batch_size=2, shuffle=False,
                                                   verbose=False)
    assert ds.class_names == ["no", "yes"]
    (x1, y1), (x2, y2) = list(ds.as_numpy_iterator())
    assert x1.shape == (2, 9, 2) and x1.dtype == np.float32 and list(y1) == [0, 0]
    np.testing.assert_allclose(x1[0, :5], clips[("no", 0)], rtol=1e-6)
    np.testing.assert_array_equal(x1[0, 5:], 0.0)  # padded to the batch's longest
    np.testing.assert_allclose(x2[0], clips[("yes", 0)], rtol=1e-6)
    fixed = numnet.utils.audio_dataset_from_directory(
        tmp_path, batch_size=None, output_sequence_length=6, shuffle=False,
        label_mode="categorical", verbose=False)
    items = list(fixed.as_numpy_iterator())
    assert [x.shape for x, _ in items] == [(6, 2)] * 3
    np.testing.assert_allclose(items[1][0], clips[("no", 1)][:6], rtol=1e-6)  # cut
    np.testing.assert_array_equal(items[0][0][5], 0.0)  # padded
    np.testing.assert_array_equal(items[2][1], [0.0, 1.0])


def test_audio_dataset_other_widths_and_errors(tmp_path):
    from numnet.preprocessing.directory import read_wav

    for width, low, high, scale in ((1, 0, 255, None), (3, -(1 << 23), (1 << 23) - 1, 1 << 23),
                                    (4, -(1 << 31), (1 << 31) - 1, 1 << 31)):
        data = np.random.default_rng(width).integers(low, high, size=(4, 1), dtype=np.int64)
        _write_wav(tmp_path / f"w{width}.wav", data, width=width, rate=8000)
        samples, rate = read_wav(tmp_path / f"w{width}.wav")
        want = (data - 128) / 128.0 if width == 1 else data / scale
        assert rate == 8000
        np.testing.assert_allclose(samples, want, rtol=1e-6)
    (tmp_path / "a").mkdir()
    _write_wav(tmp_path / "a" / "x.wav", np.zeros((3, 1)), rate=8000)
    (tmp_path / "a" / "bad.wav").write_bytes(b"not a wav file")
    with pytest.raises(ValueError, match="PCM WAV"):
        numnet.utils.audio_dataset_from_directory(tmp_path, verbose=False)
    (tmp_path / "a" / "bad.wav").unlink()
    with pytest.raises(ValueError, match="resample"):
        numnet.utils.audio_dataset_from_directory(tmp_path, sampling_rate=16000, verbose=False)
    with pytest.raises(ValueError, match="ragged"):
        numnet.utils.audio_dataset_from_directory(tmp_path, ragged=True, verbose=False)
    with pytest.raises(ValueError, match="sampling_rate"):
        numnet.utils.audio_dataset_from_directory(tmp_path, sampling_rate=0.5, verbose=False)
    ds = numnet.utils.audio_dataset_from_directory(tmp_path, sampling_rate=8000, verbose=False)
    assert next(iter(ds.as_numpy_iterator()))[0].shape == (1, 3, 1)


def _stft_by_hand(frame_length, bins, side="real", window="hann", scaling="density",
                  periodic=False):
    t = np.arange(frame_length)[:, None]
    f = np.arange(bins)[None, :]
    angle = -2 * np.pi * t * f / (2 * (bins - 1))
    kernel = np.cos(angle) if side == "real" else np.sin(angle)
    if window is None:
        return kernel[:, None, :]
    n = frame_length if periodic else frame_length - 1
    k = np.arange(frame_length)
    win = {"hann": 0.5 - 0.5 * np.cos(2 * np.pi * k / n),
           "hamming": 0.54 - 0.46 * np.cos(2 * np.pi * k / n)}[window]
    scale = {"density": np.sqrt((win**2).sum()), "spectrum": np.abs(win).sum(), None: 1.0}[
        scaling]
    return (kernel * win[:, None] / scale)[:, None, :]


@pytest.mark.parametrize("kwargs", [{}, {"side": "imag"}, {"window": None},
                                    {"window": "hamming", "scaling": "spectrum",
                                     "periodic": True},
                                    {"scaling": None, "periodic": True}])
def test_stft_initializer_by_hand(kwargs):
    got = numnet.initializers.STFT(**kwargs)((12, 1, 7))
    assert got.dtype == np.float32 and got.flags.writeable
    np.testing.assert_allclose(got, _stft_by_hand(12, 7, **kwargs), rtol=1e-5, atol=1e-6)


def test_stft_initializer_names_config_errors_and_keras():
    init = numnet.initializers
    assert init.STFTInitializer is init.STFT and init.stft is init.STFT
    assert isinstance(init.get("stft"), init.STFT)
    again = init.deserialize({"class_name": "STFTInitializer",
                              "config": init.STFT(side="imag", window="hamming").get_config()})
    assert again.side == "imag" and again.window == "hamming"
    with pytest.raises(ValueError, match="side"):
        init.STFT(side="both")
    with pytest.raises(ValueError, match="scaling"):
        init.STFT(scaling="power")
    with pytest.raises(ValueError, match="frame length"):
        init.STFT(window=np.ones(3))((4, 1, 3))
    os.environ.setdefault("KERAS_BACKEND", "jax")
    try:
        import keras
    except ImportError:
        return
    for kwargs in ({}, {"side": "imag", "window": "blackman", "periodic": True}):
        theirs = np.asarray(keras.initializers.STFT(**kwargs)((16, 1, 9)))
        np.testing.assert_allclose(init.STFT(**kwargs)((16, 1, 9)), theirs, atol=1e-5)


def test_tfsm_layer_is_refused_with_the_fix_as_keras_off_tensorflow():
    # Keras 3 raises NotImplementedError for TFSMLayer on its JAX and PyTorch backends
    with pytest.raises(NotImplementedError, match=r"TFSMLayer\('saved_model'\).*model\.keras"):
        numnet.layers.TFSMLayer("saved_model", call_endpoint="serving_default")
    assert "TFSMLayer" in numnet.layers.__all__
