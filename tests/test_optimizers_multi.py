"""MultiOptimizer and OptimizerMap: each variable stepped by its own optimizer exactly as that
optimizer alone would, routing by path and by function, configs, and fit."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet.optimizers import SGD, Adam, MultiOptimizer, OptimizerMap


def _var(value, path):
    var = numnet.Variable(np.asarray(value, "float32"))
    var.path = path
    return var


def test_optimizer_map_exact_then_pattern_then_default():
    default, adam, sgd = numnet.optimizers.RMSprop(), Adam(), SGD()
    mapping = OptimizerMap(default)
    mapping["encoder/dense/kernel"] = adam
    mapping["encoder/.*"] = sgd
    assert mapping["encoder/dense/kernel"] is adam
    assert mapping["encoder/attention/query"] is sgd
    assert mapping["decoder/kernel"] is default
    assert mapping(_var([1.0], "encoder/x")) is sgd
    mapping[".*kernel"] = adam
    with pytest.raises(ValueError, match="several keys"):
        mapping["encoder/attention/kernel"]  # noqa: B018
    with pytest.raises(ValueError, match="already set"):
        mapping["encoder/.*"] = adam
    with pytest.raises(ValueError, match="LossScaleOptimizer"):
        mapping["x"] = numnet.optimizers.LossScaleOptimizer(SGD())
    with pytest.raises(TypeError, match="Optimizer"):
        OptimizerMap("sgd")


def test_each_variable_moves_as_its_own_optimizer_alone_would():
    rng = np.random.default_rng(0)
    a0, b0, c0 = (rng.normal(size=s).astype("float32") for s in ((3, 2), (2,), (4,)))
    steps = [[rng.normal(size=v.shape).astype("float32") for v in (a0, b0, c0)]
             for _ in range(3)]
    mapping = OptimizerMap(SGD(0.1))
    mapping["enc/.*"] = Adam(0.05)
    multi = MultiOptimizer(mapping)
    a, b, c = _var(a0, "enc/kernel"), _var(b0, "enc/bias"), _var(c0, "head/bias")
    for grads in steps:
        multi.apply(grads, [a, b, c])
    adam, sgd = Adam(0.05), SGD(0.1)
    a2, b2, c2 = (numnet.Variable(v.copy()) for v in (a0, b0, c0))
    for ga, gb, gc in steps:
        adam.apply([ga, gb], [a2, b2])
        sgd.apply([gc], [c2])
    for got, want in ((a, a2), (b, b2), (c, c2)):
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
    np.testing.assert_allclose(c.numpy(), c0 - 0.1 * sum(g[2] for g in steps), rtol=1e-5)
    assert int(multi.iterations.numpy()) == 3
    assert [int(o.iterations.numpy()) for o in multi.optimizers] == [3, 3]
    assert len(multi.variables) == 1 + len(multi.optimizers[0].variables) + len(
        multi.optimizers[1].variables)


def test_a_function_routes_and_learning_rate_is_the_inner_ones():
    fast, slow = SGD(1.0), SGD(0.01)
    multi = MultiOptimizer(lambda v: fast if "bias" in v.path else slow)
    w, b = _var([1.0], "d/kernel"), _var([1.0], "d/bias")
    multi.apply([np.array([1.0], "float32")] * 2, [w, b])
    np.testing.assert_allclose([w.numpy()[0], b.numpy()[0]], [0.99, 0.0], rtol=1e-6)
    assert multi.optimizers == [slow, fast]
    with pytest.raises(AttributeError, match="inner"):
        multi.learning_rate  # noqa: B018
    with pytest.raises(AttributeError, match="inner"):
        multi.learning_rate = 0.1
    with pytest.raises(TypeError, match="OptimizerMap"):
        multi.get_config()


def test_config_round_trip_and_fit():
    mapping = OptimizerMap(SGD(0.05), {"net/first/.*": Adam(0.01)})  # (paths as Keras's)
    multi = MultiOptimizer(mapping, name="two")
    again = numnet.optimizers.deserialize(numnet.optimizers.serialize(multi))
    assert isinstance(again, MultiOptimizer) and again.name == "two"
    assert [type(o).__name__ for o in again.optimizers] == ["Adam", "SGD"]
    assert again.optimizers[0].get_config() == mapping["net/first/x"].get_config()
    rng = np.random.default_rng(1)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [2.0], [-1.0]], "float32")
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([numnet.Input((3,)),
                               numnet.layers.Dense(4, activation="tanh", name="first"),
                               numnet.layers.Dense(1, name="second")], name="net")
    model.compile(optimizer=multi, loss="mse")
    history = model.fit(x, y, epochs=10, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.3 * history.history["loss"][0]
    adam, sgd = multi.optimizers
    assert int(adam.iterations.numpy()) == int(sgd.iterations.numpy()) == 40
    assert int(multi.iterations.numpy()) == 40
    assert set(multi._route) == {w.uid for w in model.trainable_weights}


def test_matches_keras_routing_and_steps():
    import os

    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    theirs_map = keras.optimizers.OptimizerMap(keras.optimizers.SGD(0.1))
    theirs_map["enc/.*"] = keras.optimizers.Adam(0.05)
    theirs = keras.optimizers.MultiOptimizer(theirs_map)
    with keras.name_scope("enc"):
        ka = keras.Variable(np.ones((2, 2), "float32"), name="kernel")
    with keras.name_scope("head"):
        kb = keras.Variable(np.ones(3, "float32"), name="bias")
    mapping = OptimizerMap(SGD(0.1), {"enc/.*": Adam(0.05)})
    ours = MultiOptimizer(mapping)
    a, b = _var(np.ones((2, 2)), "enc/kernel"), _var(np.ones(3), "head/bias")
    rng = np.random.default_rng(2)
    for _ in range(3):
        grads = [rng.normal(size=(2, 2)).astype("float32"), rng.normal(size=3).astype("float32")]
        theirs.apply(grads, [ka, kb])
        ours.apply(grads, [a, b])
    np.testing.assert_allclose(a.numpy(), np.asarray(ka), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b.numpy(), np.asarray(kb), rtol=1e-5, atol=1e-6)


def test_a_compiled_model_saves_and_loads_its_multi_optimizer(tmp_path):
    mapping = OptimizerMap(SGD(0.05), {"net/first/.*": Adam(0.01)})  # (paths as Keras's)
    model = numnet.Sequential([numnet.Input((4,)),
                               numnet.layers.Dense(3, activation="tanh", name="first"),
                               numnet.layers.Dense(1, name="second")], name="net")
    model.compile(optimizer=MultiOptimizer(mapping), loss="mse")
    x = np.random.default_rng(0).normal(size=(16, 4)).astype("float32")
    model.fit(x, x[:, :1], epochs=1, verbose=0)
    model.save(tmp_path / "m.numnet")
    again = numnet.saving.load_model(tmp_path / "m.numnet")
    assert isinstance(again.optimizer, MultiOptimizer)
    assert [type(o).__name__ for o in again.optimizer.optimizers] == ["Adam", "SGD"]
    assert again.optimizer.optimizers[0].get_config() == mapping["net/first/x"].get_config()


def test_legacy_names_are_the_optimizers_with_keras_2_arguments():
    import warnings

    legacy = numnet.optimizers.legacy
    assert legacy.Adam is numnet.optimizers.Adam and legacy.SGD is numnet.optimizers.SGD
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        opt = legacy.Adam(lr=0.01, decay=0.5)
    opt._step = 2
    assert opt.current_learning_rate() == pytest.approx(0.01 / (1 + 0.5 * 2))
    assert numnet.keras.optimizers.legacy.RMSprop is numnet.optimizers.RMSprop
