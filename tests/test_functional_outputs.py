"""Functional models of several outputs: a loss, a loss weight and metrics per output.

Checked against the losses and metrics computed in NumPy from the model's own predictions, by
the equivalence of the list and dict forms of every argument, against Keras 3 from the same
weights and batches (loss trajectory and the logs' keys), by fit with validation and callbacks,
by model-file round trips, and by the errors bad arguments get.
"""

from __future__ import annotations

import json
import os
import warnings
import zipfile

import numpy as np
import pytest

import numnet
from numnet import layers

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning",
                                        "ignore::DeprecationWarning")

RNG = np.random.default_rng(0)
X = RNG.normal(size=(96, 6)).astype("float32")
Y_REG = (X[:, :2].sum(1, keepdims=True) + 0.1 * RNG.normal(size=(96, 1))).astype("float32")
Y_CLS = (X[:, 2] > 0).astype("int64") + (X[:, 3] > 0.5).astype("int64")  # classes 0, 1, 2
WEIGHTS = RNG.uniform(0.2, 2.0, size=96).astype("float32")


def _two_heads(lib, regularized=False, as_dict=False):
    """A shared trunk; a regression head ("price") and a 3-class softmax head ("kind")."""
    inputs = lib.Input(shape=(6,), name="features")
    trunk = lib.layers.Dense(8, activation="tanh", name="trunk",
                             kernel_regularizer="l2" if regularized else None)(inputs)
    price = lib.layers.Dense(1, name="price")(trunk)
    kind = lib.layers.Dense(3, activation="softmax", name="kind")(trunk)
    outputs = {"value": price, "category": kind} if as_dict else [price, kind]
    return lib.Model(inputs, outputs)


def _mse(y, p, w=None):
    values = ((p - y) ** 2).mean(axis=-1)
    return values.mean() if w is None else (values * w).sum() / len(values)


def _sparse_ce(y, p, w=None):
    p = np.clip(p, 1e-7, 1 - 1e-7)
    values = -np.log(p[np.arange(len(y)), y])
    return values.mean() if w is None else (values * w).sum() / len(values)


# ----------------------------------------------------------------------------- the model


def test_predict_outputs_and_shapes_as_keras():
    numnet.utils.set_random_seed(1)
    model = _two_heads(numnet)
    assert model.output_shape == [(None, 1), (None, 3)]
    assert [t.shape for t in model.outputs] == [(None, 1), (None, 3)]
    assert [t.layer.name for t in model.output] == ["price", "kind"]
    price, kind = model.predict(X, batch_size=10, verbose=0)
    k1, b1, k2, b2, k3, b3 = model.get_weights()
    trunk = np.tanh(X @ k1 + b1)
    logits = trunk @ k3 + b3
    np.testing.assert_allclose(price, trunk @ k2 + b2, rtol=1e-5, atol=1e-6)
    softmax = np.exp(logits - logits.max(1, keepdims=True))
    np.testing.assert_allclose(kind, softmax / softmax.sum(1, keepdims=True), rtol=1e-5,
                               atol=1e-6)
    eager = model(X)
    assert isinstance(eager, list) and len(eager) == 2
    np.testing.assert_allclose(eager[0].numpy(), price, rtol=1e-5, atol=1e-6)
    # dict outputs: in the order of their sorted keys, predicted as a dict
    numnet.utils.set_random_seed(1)
    keyed = _two_heads(numnet, as_dict=True)
    assert keyed.output_shape == [(None, 3), (None, 1)]  # "category", "value"
    predicted = keyed.predict(X, verbose=0)
    assert sorted(predicted) == ["category", "value"]
    assert predicted["value"].shape == (96, 1) and predicted["category"].shape == (96, 3)
    assert keyed.predict_on_batch(X[:5])["value"].shape == (5, 1)


# ----------------------------------------------------------------------------- the numbers


def test_total_loss_is_the_weighted_sum_of_the_outputs_losses_computed_in_numpy():
    numnet.utils.set_random_seed(2)
    model = _two_heads(numnet, regularized=True)
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"],
                  loss_weights=[0.5, 2.0], metrics=[["mae"], ["accuracy"]])
    price, kind = model.predict(X, verbose=0)
    reg, cls = _mse(Y_REG, price), _sparse_ce(Y_CLS, kind)
    penalty = 0.01 * float((model.get_layer("trunk").kernel.numpy() ** 2).sum())
    logs = model.evaluate(X, [Y_REG, Y_CLS], batch_size=96, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "price_loss", "kind_loss", "price_mae", "kind_accuracy"}
    assert logs["price_loss"] == pytest.approx(reg, rel=1e-5)
    assert logs["kind_loss"] == pytest.approx(cls, rel=1e-5)
    assert logs["loss"] == pytest.approx(0.5 * reg + 2.0 * cls + penalty, rel=1e-5)
    assert logs["price_mae"] == pytest.approx(np.abs(price - Y_REG).mean(), rel=1e-5)
    assert logs["kind_accuracy"] == pytest.approx((kind.argmax(1) == Y_CLS).mean())
    # evaluate's list: loss, each output's loss, then the metrics by name (as Keras 3)
    listed = model.evaluate(X, [Y_REG, Y_CLS], batch_size=96, verbose=0)
    assert model.metrics_names == ["loss", "price_loss", "kind_loss", "kind_accuracy",
                                   "price_mae"]
    assert listed == pytest.approx([logs[name] for name in model.metrics_names], rel=1e-6)
    # in batches of 10: the per-output losses are means over the samples, as the total
    batched = model.evaluate(X, [Y_REG, Y_CLS], batch_size=10, verbose=0, return_dict=True)
    for key in logs:
        assert batched[key] == pytest.approx(logs[key], rel=1e-5)
    # one sample weight for every output, then one per output
    logs = model.test_on_batch(X, [Y_REG, Y_CLS], sample_weight=WEIGHTS, return_dict=True)
    assert logs["price_loss"] == pytest.approx(_mse(Y_REG, price, WEIGHTS), rel=1e-5)
    assert logs["kind_loss"] == pytest.approx(_sparse_ce(Y_CLS, kind, WEIGHTS), rel=1e-5)
    logs = model.test_on_batch(X, [Y_REG, Y_CLS], sample_weight=[WEIGHTS, None],
                               return_dict=True)
    assert logs["price_loss"] == pytest.approx(_mse(Y_REG, price, WEIGHTS), rel=1e-5)
    assert logs["kind_loss"] == pytest.approx(cls, rel=1e-5)
    assert logs["loss"] == pytest.approx(
        0.5 * _mse(Y_REG, price, WEIGHTS) + 2.0 * cls + penalty, rel=1e-5)
    # train_on_batch reports the batch before its step, then takes the step
    before = model.train_on_batch(X, [Y_REG, Y_CLS], return_dict=True)
    assert before["loss"] == pytest.approx(0.5 * reg + 2.0 * cls + penalty, rel=1e-5)
    assert model.test_on_batch(X, [Y_REG, Y_CLS], return_dict=True)["loss"] < before["loss"]


def test_one_loss_for_every_output_and_weighted_metrics():
    numnet.utils.set_random_seed(3)
    model = _two_heads(numnet)
    onehot = np.eye(3, dtype="float32")[Y_CLS]
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"], weighted_metrics=["mse"])
    price, kind = model.predict(X, verbose=0)
    logs = model.evaluate(X, [Y_REG, onehot], sample_weight=WEIGHTS, verbose=0,
                          return_dict=True)
    assert set(logs) == {"loss", "price_loss", "kind_loss", "price_mae", "kind_mae", "price_mse",
                         "kind_mse"}
    assert logs["loss"] == pytest.approx(_mse(Y_REG, price, WEIGHTS) + _mse(onehot, kind,
                                                                             WEIGHTS), rel=1e-5)
    assert logs["kind_mae"] == pytest.approx(np.abs(kind - onehot).mean(), rel=1e-5)
    weighted = ((kind - onehot) ** 2).mean(1) @ WEIGHTS / WEIGHTS.sum()
    assert logs["kind_mse"] == pytest.approx(weighted, rel=1e-5)
    # a loss for one output only: no per-output losses are logged (as Keras)
    model.compile(optimizer="sgd", loss=["mse", None])
    logs = model.evaluate(X, [Y_REG, None], verbose=0, return_dict=True)
    assert logs == {"loss": pytest.approx(_mse(Y_REG, price), rel=1e-5)}


def _trained(loss, loss_weights, metrics, y, sample_weight=None):
    numnet.utils.set_random_seed(4)
    model = _two_heads(numnet)
    model.compile(optimizer=numnet.optimizers.Adam(0.01), loss=loss, loss_weights=loss_weights,
                  metrics=metrics)
    history = model.fit(X, y, batch_size=16, epochs=3, sample_weight=sample_weight,
                        validation_split=0.25, verbose=0).history
    return history, model.predict(X, verbose=0)


def test_list_and_dict_forms_give_the_same_numbers():
    as_lists = _trained(["mse", "sparse_categorical_crossentropy"], [0.3, 1.5],
                        [["mae"], ["accuracy"]], [Y_REG, Y_CLS], [WEIGHTS, WEIGHTS * 0 + 1])
    as_dicts = _trained({"kind": "sparse_categorical_crossentropy", "price": "mse"},
                        {"price": 0.3, "kind": 1.5}, {"kind": "accuracy", "price": ["mae"]},
                        {"kind": Y_CLS, "price": Y_REG}, {"price": WEIGHTS})
    assert set(as_lists[0]) == set(as_dicts[0]) == {
        f"{v}{k}" for v in ("", "val_") for k in ("loss", "price_loss", "kind_loss",
                                                   "price_mae", "kind_accuracy")}
    for key, values in as_lists[0].items():
        np.testing.assert_array_equal(as_dicts[0][key], values)
    for a, b in zip(as_lists[1], as_dicts[1], strict=True):
        np.testing.assert_array_equal(a, b)
    # a list of metrics of another length than the outputs: each output gets them all
    history, _ = _trained(["mse", "mse"], None, ["mae"],
                          [Y_REG, np.eye(3, dtype="float32")[Y_CLS]])
    assert {"price_mae", "kind_mae", "val_kind_mae"} <= set(history)


def test_dict_outputs_are_named_by_their_keys():
    numnet.utils.set_random_seed(5)
    model = _two_heads(numnet, as_dict=True)
    model.compile("sgd", loss={"value": "mse", "category": "sparse_categorical_crossentropy"},
                  metrics={"category": ["accuracy"]})
    history = model.fit(X, {"value": Y_REG, "category": Y_CLS}, epochs=1, verbose=0).history
    assert set(history) == {"loss", "value_loss", "category_loss", "category_accuracy"}
    # y as a list follows the outputs' order: the sorted keys
    logs = model.evaluate(X, [Y_CLS, Y_REG], verbose=0, return_dict=True)
    predicted = model.predict(X, verbose=0)
    assert logs["value_loss"] == pytest.approx(_mse(Y_REG, predicted["value"]), rel=1e-5)
    assert logs["category_loss"] == pytest.approx(_sparse_ce(Y_CLS, predicted["category"]),
                                                  rel=1e-5)


# ----------------------------------------------------------------------------- Keras


def test_the_same_model_and_batches_follow_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="the Keras cross-check runs Keras on its JAX backend")
    keras = pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")
    keras.utils.set_random_seed(6)
    kmodel, model = _two_heads(keras, regularized=True), _two_heads(numnet, regularized=True)
    for layer in model.layers:
        if layer.weights:
            layer.set_weights(kmodel.get_layer(layer.name).get_weights())
    settings = {"loss": ["mse", "sparse_categorical_crossentropy"], "loss_weights": [0.5, 2.0],
                "metrics": [["mae"], ["accuracy"]]}
    kmodel.compile(optimizer=keras.optimizers.Adam(0.01), **settings)
    model.compile(optimizer=numnet.optimizers.Adam(0.01), **settings)
    steps = [slice(lo, lo + 16) for lo in range(0, 96, 16)] * 3
    k_logs = [kmodel.train_on_batch(X[s], [Y_REG[s], Y_CLS[s]], return_dict=True)
              for s in steps]
    n_logs = [model.train_on_batch(X[s], [Y_REG[s], Y_CLS[s]], return_dict=True)
              for s in steps]
    assert set(n_logs[0]) == set(k_logs[0])
    for key in k_logs[0]:
        np.testing.assert_allclose([log[key] for log in n_logs], [log[key] for log in k_logs],
                                   rtol=2e-4, atol=1e-6, err_msg=key)
    assert n_logs[-1]["loss"] < 0.7 * n_logs[0]["loss"]
    # train_on_batch's list: the same values in the same order
    s = steps[0]
    np.testing.assert_allclose(model.test_on_batch(X[s], [Y_REG[s], Y_CLS[s]]),
                               kmodel.test_on_batch(X[s], [Y_REG[s], Y_CLS[s]]), rtol=2e-4)
    # fit with y as a dict, validation_split, no shuffling: the same history
    y = {"price": Y_REG, "kind": Y_CLS}
    fits = [m.fit(X, y, batch_size=16, epochs=3, validation_split=0.25, shuffle=False,
                  verbose=0).history for m in (kmodel, model)]
    assert set(fits[1]) == set(fits[0])
    for key in fits[0]:
        np.testing.assert_allclose(fits[1][key], fits[0][key], rtol=2e-4, atol=1e-6,
                                   err_msg=key)
    np.testing.assert_allclose(model.evaluate(X, y, verbose=0),
                               kmodel.evaluate(X, y, verbose=0), rtol=2e-4)
    for ours, theirs in zip(model.predict(X, verbose=0), kmodel.predict(X, verbose=0),
                            strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------------------- fit, files


def test_fit_with_validation_data_early_stopping_and_checkpoints(tmp_path):
    numnet.utils.set_random_seed(7)
    model = _two_heads(numnet)
    model.compile(optimizer=numnet.optimizers.Adam(0.05),
                  loss=["mse", "sparse_categorical_crossentropy"], metrics=[["mae"], []])
    stop = numnet.callbacks.EarlyStopping(monitor="val_kind_loss", patience=2,
                                          restore_best_weights=True)
    best = tmp_path / "best.numnet"
    checkpoint = numnet.callbacks.ModelCheckpoint(best, monitor="val_price_loss",
                                                  save_best_only=True)
    # validation rows that do not follow the training rows' rule: the validation loss of the
    # class head soon rises, and training stops
    flipped = (2 - Y_CLS[:32])
    history = model.fit(X[32:], [Y_REG[32:], Y_CLS[32:]], batch_size=16, epochs=40,
                        validation_data=(X[:32], [Y_REG[:32], flipped]),
                        callbacks=[stop, checkpoint], verbose=0).history
    epochs = len(history["loss"])
    assert epochs < 40 and stop.stopped_epoch == epochs - 1
    val = history["val_kind_loss"]
    assert val.index(min(val)) == epochs - 3 and min(val[-2:]) > min(val)
    # the best weights are back: evaluate gives the best epoch's validation loss
    logs = model.evaluate(X[:32], [Y_REG[:32], flipped], verbose=0, return_dict=True)
    assert logs["kind_loss"] == pytest.approx(min(val), rel=1e-5)
    saved = numnet.models.load_model(best)
    best_price = min(history["val_price_loss"])
    assert saved.evaluate(X[:32], {"price": Y_REG[:32], "kind": flipped}, verbose=0,
                          return_dict=True)["price_loss"] == pytest.approx(best_price, rel=1e-5)


def test_a_model_of_two_outputs_round_trips_through_a_file(tmp_path):
    numnet.utils.set_random_seed(8)
    model = _two_heads(numnet, regularized=True, as_dict=True)
    model.compile(optimizer="adam",
                  loss={"value": "huber",
                        "category": numnet.losses.SparseCategoricalCrossentropy()},
                  loss_weights={"category": 0.25},
                  metrics={"value": ["mae", numnet.metrics.RootMeanSquaredError()],
                           "category": "accuracy"},
                  weighted_metrics={"value": "mse"})
    y = {"value": Y_REG, "category": Y_CLS}
    model.fit(X, y, epochs=2, sample_weight={"value": WEIGHTS}, verbose=0)
    model.save(tmp_path / "heads.numnet")
    loaded = numnet.models.load_model(tmp_path / "heads.numnet")
    for key, value in model.predict(X, verbose=0).items():
        np.testing.assert_array_equal(loaded.predict(X, verbose=0)[key], value)
    assert loaded.loss["value"] == "huber" and loaded._heads.weights == [0.25, 1.0]
    assert [[m if isinstance(m, str) else type(m).__name__ for m in specs]
            for specs in loaded._heads.specs] == [["accuracy"], ["mae", "RootMeanSquaredError"]]
    assert loaded._heads.weighted_specs == [[], ["mse"]]
    # the same next steps and logs: the optimizer state came back too
    for _ in range(2):
        ours, theirs = (m.train_on_batch(X, y, return_dict=True) for m in (model, loaded))
        assert ours == theirs
    # Keras's layout: the outputs by the keys they were given under
    spec = json.loads(model.to_json())["config"]
    assert spec["output_layers"] == {"category": ["kind", 0, 0], "value": ["price", 0, 0]}
    with zipfile.ZipFile(tmp_path / "heads.numnet") as archive:
        saved = json.loads(archive.read("config.json"))["compile"]
    assert saved["loss_weights"] == {"category": 0.25}
    assert saved["metrics"]["category"] == "accuracy"
    clone = numnet.models.clone_model(model)
    clone.set_weights(model.get_weights())
    np.testing.assert_array_equal(clone.predict(X, verbose=0)["value"],
                                  model.predict(X, verbose=0)["value"])
    # a list of outputs is written as a list
    listed = _two_heads(numnet)
    listed.compile("sgd", ["mse", "sparse_categorical_crossentropy"])
    again = numnet.models.model_from_json(listed.to_json())
    assert [t.layer.name for t in again.outputs] == ["price", "kind"]


def test_a_keras_file_of_two_outputs_loads_with_its_compile_settings(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="writing Keras files here runs Keras on JAX")
    pytest.importorskip("h5py", reason="Keras files hold their weights in HDF5")
    keras = pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")
    keras.utils.set_random_seed(9)
    kmodel = _two_heads(keras, as_dict=True)
    kmodel.compile(optimizer="adam", loss={"value": "mse", "category":
                                           "sparse_categorical_crossentropy"},
                   loss_weights={"value": 0.5, "category": 1.0},
                   metrics={"category": ["accuracy"]})
    kmodel.save(tmp_path / "heads.keras")
    model = numnet.models.load_model(tmp_path / "heads.keras")
    assert model.compiled and model._heads.weights == [1.0, 0.5]  # "category", "value"
    ours, theirs = model.predict(X, verbose=0), kmodel.predict(X, verbose=0)
    for key in ("value", "category"):
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, atol=1e-6)
    y = {"value": Y_REG, "category": Y_CLS}
    logs = model.evaluate(X, y, verbose=0, return_dict=True)
    expected = kmodel.evaluate(X, y, verbose=0, return_dict=True)
    assert set(logs) == set(expected)
    for key, value in expected.items():
        assert logs[key] == pytest.approx(value, rel=1e-4)


def test_advice_checks_each_output_against_its_loss():
    model = _two_heads(numnet)
    with pytest.warns(numnet.AdviceWarning, match=r"softmax over 3 units with "
                                                  r"binary_crossentropy"):
        model.compile("adam", loss=["mse", "binary_crossentropy"])
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        model.compile("adam", loss={"price": "mse", "kind": "sparse_categorical_crossentropy"})
        model.fit(X, {"price": -np.abs(Y_REG), "kind": Y_CLS}, epochs=1, verbose=0)
    assert not [w for w in record if issubclass(w.category, numnet.AdviceWarning)]
    inputs = numnet.Input((6,))
    relu = numnet.Model(inputs, [layers.Dense(1, activation="relu", name="a")(inputs),
                                 layers.Dense(2, name="b")(inputs)])
    relu.compile("adam", ["mse", "mse"])
    with pytest.warns(numnet.AdviceWarning, match=r"targets include negative values"):
        relu.fit(X, [-np.abs(Y_REG), np.zeros((96, 2))], epochs=1, verbose=0)


# ----------------------------------------------------------------------------- errors


def test_bad_per_output_arguments_are_named():
    model = _two_heads(numnet)
    with pytest.raises(ValueError, match=r"compile\(loss\): 'cls' names no output of the model; "
                                         r"its outputs are \['price', 'kind'\]"):
        model.compile("sgd", loss={"price": "mse", "cls": "mse"})
    with pytest.raises(ValueError, match=r"compile\(loss\): the model has 2 outputs "
                                         r"\['price', 'kind'\]; given a list of 3 losses"):
        model.compile("sgd", loss=["mse", "mse", "mse"])
    with pytest.raises(ValueError, match=r"compile\(metrics\): 'prices' names no output"):
        model.compile("sgd", loss="mse", metrics={"prices": "mae"})
    with pytest.raises(ValueError, match=r"compile\(metrics\): the model has 2 outputs .*a list "
                                         r"of 3 entries"):
        model.compile("sgd", loss="mse", metrics=[["mae"], ["mse"], ["mae"]])
    with pytest.raises(ValueError, match=r"unknown metric 'maee'"):
        model.compile("sgd", loss="mse", metrics=[["maee"], []])
    with pytest.raises(TypeError, match=r"compile\(loss_weights\): expected a number for output "
                                        r"'kind', given str"):
        model.compile("sgd", loss="mse", loss_weights=[1.0, "x"])
    model.compile("sgd", loss=["mse", "sparse_categorical_crossentropy"])
    with pytest.raises(ValueError, match=r"fit\(y\): the model has 2 outputs \['price', 'kind'\]; "
                                         r"given a list of 1 items"):
        model.fit(X, [Y_REG], verbose=0)
    with pytest.raises(ValueError, match=r"fit\(y\): the model has 2 outputs .*given one "
                                         r"ndarray"):
        model.fit(X, Y_REG, verbose=0)
    with pytest.raises(ValueError, match=r"x and y\['kind'\] must have the same number of "
                                         r"samples; x has 96, y\['kind'\] has 50"):
        model.fit(X, [Y_REG, Y_CLS[:50]], verbose=0)
    with pytest.raises(ValueError, match=r"evaluate\(y\): 'cls' names no output"):
        model.evaluate(X, {"price": Y_REG, "cls": Y_CLS}, verbose=0)
    with pytest.raises(ValueError, match=r"no targets for the output 'kind'"):
        model.evaluate(X, {"price": Y_REG}, verbose=0)
    with pytest.raises(ValueError, match=r"sample_weight\['kind'\]\): expected one weight per "
                                         r"sample, shape \(96,\), given shape \(10,\)"):
        model.fit(X, [Y_REG, Y_CLS], sample_weight=[WEIGHTS, WEIGHTS[:10]], verbose=0)
    with pytest.raises(ValueError, match=r"fit\(class_weight\): class weights apply to a model "
                                         r"of one output.*\['price', 'kind'\]"):
        model.fit(X, [Y_REG, Y_CLS], class_weight={0: 1.0, 1: 2.0, 2: 1.0}, verbose=0)
    with pytest.raises(ValueError, match=r"sparse_categorical_crossentropy"):
        model.fit(X, [Y_REG, Y_CLS + 5], verbose=0)  # labels beyond the 3 classes
    # as in Keras, a model of several outputs is a layer of a larger model: a list of tensors
    price, kind = model(numnet.Input((6,)))
    assert price.shape == (None, 1) and kind.shape == (None, 3)
    inputs = numnet.Input((6,))
    shared = layers.Dense(1, name="head")  # one layer, two outputs: each keeps its logs
    twice = numnet.Model(inputs, [shared(inputs), shared(layers.Dense(6)(inputs))])
    twice.compile("sgd", {"head": "mse", "head_1": "mae"})
    logs = twice.evaluate(X[:8], [Y_REG[:8], Y_REG[:8]], verbose=0, return_dict=True)
    assert sorted(logs) == ["head_1_loss", "head_loss", "loss"]
    assert logs["loss"] == pytest.approx(logs["head_loss"] + logs["head_1_loss"], rel=1e-6)


def test_compute_loss_in_a_loop_of_ones_own_takes_list_and_dict_targets():
    """``model.compute_loss`` called with the targets and sample weights as a loop of one's own
    has them (a list, or a dict by output name, of Tensors) gives the weighted sum of the
    per-output losses, each averaged with its sample weights as Keras's reduction does."""
    inputs = layers.Input((6,))
    hidden = layers.Dense(8, activation="relu")(inputs)
    model = numnet.Model(inputs, [layers.Dense(1, name="reg")(hidden),
                                  layers.Dense(3, activation="softmax", name="cls")(hidden)])
    model.compile(optimizer="sgd", loss=["mse", "sparse_categorical_crossentropy"],
                  loss_weights=[0.5, 2.0])
    x, y_reg, y_cls, w = X[:16], Y_REG[:16], Y_CLS[:16], WEIGHTS[:16]
    reg, probs = (np.asarray(p, np.float64) for p in model(x))
    mse = ((reg - y_reg) ** 2).mean(1)
    xent = -np.log(probs[np.arange(16), y_cls])
    unweighted = 0.5 * mse.mean() + 2.0 * xent.mean()
    weighted = 0.5 * (mse * w).sum() / 16 + 2.0 * (xent * w).sum() / 16
    y_pred = model(x)
    as_list = model.compute_loss(x=x, y=[numnet.convert_to_tensor(y_reg), y_cls],
                                 y_pred=y_pred)
    as_dict = model.compute_loss(x=x, y={"cls": y_cls, "reg": y_reg}, y_pred=y_pred)
    with_weights = model.compute_loss(x=x, y=[y_reg, y_cls], y_pred=y_pred,
                                      sample_weight=[w, numnet.convert_to_tensor(w)])
    np.testing.assert_allclose(float(as_list), unweighted, rtol=1e-5)
    np.testing.assert_allclose(float(as_dict), unweighted, rtol=1e-5)
    np.testing.assert_allclose(float(with_weights), weighted, rtol=1e-5)


def test_tuple_and_namedtuple_outputs_come_back_as_given():
    """Keras 3 gives a functional model's outputs in the structure they were given: a tuple as
    a tuple, a namedtuple (a layer returning one) as that namedtuple, a list as a list."""
    import collections

    pair = collections.namedtuple("Pair", ["lo", "hi"])

    class Split(numnet.layers.Layer):
        def call(self, x):
            return pair(x - 1.0, x + 1.0)

    inputs = numnet.Input((2,))
    x = np.ones((3, 2), "float32")
    named = numnet.Model(inputs, Split()(inputs))
    for out in (named(x), named.predict(x, verbose=0)):
        assert type(out) is pair
        np.testing.assert_allclose(np.asarray(out.lo), 0.0)
        np.testing.assert_allclose(np.asarray(out.hi), 2.0)
    as_tuple = numnet.Model(inputs, (inputs * 2.0, inputs * 3.0))
    for out in (as_tuple(x), as_tuple.predict(x, verbose=0)):
        assert type(out) is tuple and len(out) == 2
        np.testing.assert_allclose(np.asarray(out[1]), 3.0)
    as_list = numnet.Model(inputs, [inputs * 2.0, inputs * 3.0])
    assert type(as_list(x)) is list and type(as_list.predict(x, verbose=0)) is list
    as_tuple.compile("sgd", ["mse", "mse"])
    history = as_tuple.fit(x, (np.zeros((3, 2)), np.ones((3, 2))), epochs=1, verbose=0)
    # 4 at the start for the first output (2x - 0)^2 and 4 for the second (3x - 1)^2
    assert history.history["loss"][0] == pytest.approx(8.0, rel=1e-6)


def test_evaluate_takes_a_dict_of_targets_by_output_name():
    """evaluate, as fit, takes a model of several outputs' targets as a dict by output name,
    as arrays or as a dataset's labels (it raised TypeError: unhashable type: 'slice')."""
    inputs = numnet.Input((3,))
    model = numnet.Model(inputs, {
        "a": layers.Dense(2, name="a", kernel_initializer="zeros")(inputs),
        "b": layers.Dense(1, name="b", kernel_initializer="zeros")(inputs)})
    model.compile(loss={"a": "mse", "b": "mse"})
    x = np.ones((8, 3), "float32")
    y = {"a": np.ones((8, 2), "float32"), "b": np.full((8, 1), 2.0, "float32")}
    # zero outputs: mse 1 for a, 4 for b
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), [5.0, 1.0, 4.0])
    batches = numnet.data.Dataset.from_tensor_slices((x, y)).batch(4)
    np.testing.assert_allclose(model.evaluate(batches, verbose=0), [5.0, 1.0, 4.0])
