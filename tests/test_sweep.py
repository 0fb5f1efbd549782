"""Sweeps on Ray: numnet.tools.sweep (Tune trials, ASHA early stopping, saved models), the
ReportCallback that feeds Tune, and run_configs (configurations as Ray tasks).

One local Ray cluster (2 CPUs) serves the whole module; without Ray the tests that need it skip
and the error messages that name the install command are still checked.
"""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

import numnet
from numnet import backend, layers

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning",
                                        "ignore::DeprecationWarning")

RAY_REASON = "needs Ray Tune: pip install 'numnet[ray]'"


def _mnist():
    (x, y), (xt, yt) = numnet.datasets.mnist.load_data(bundled=True)
    return ((x.reshape(-1, 784) / 255.0).astype("float32"), y.astype("int64"),
            (xt.reshape(-1, 784) / 255.0).astype("float32"), yt.astype("int64"))


def build_mlp(config: dict) -> numnet.Sequential:
    """784-64-10 with config['optimizer'] at config['learning_rate']."""
    optimizer = {"sgd": numnet.optimizers.SGD, "adam": numnet.optimizers.Adam}[
        config["optimizer"]](learning_rate=config["learning_rate"])
    model = numnet.Sequential([layers.Input((784,)), layers.Dense(64, activation="relu"),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


@pytest.fixture(scope="module")
def ray():
    """A local Ray cluster with 2 CPUs for this module; this module's functions are sent to
    the workers by value (the workers cannot import a test module)."""
    ray = pytest.importorskip("ray", reason=RAY_REASON)
    pytest.importorskip("ray.tune", reason=RAY_REASON)
    import ray.cloudpickle as cloudpickle

    cloudpickle.register_pickle_by_value(sys.modules[__name__])
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()
    cloudpickle.unregister_pickle_by_value(sys.modules[__name__])


# ----------------------------------------------------------------------------- sweep


def test_sweep_on_mnist_asha_stops_trials_and_the_best_model_is_what_it_reported(ray, tmp_path):
    x, y, xt, yt = _mnist()
    # Tune runs a grid with the first key varying fastest, so SGD at 1e-3 (about 10 % after
    # one epoch, the others 60 % and more) is the last trial; with two trials at a time it
    # starts once four trials have ended, all past epoch 1, so ASHA compares it with at least
    # four others however the trials are timed, and stops it below their median.
    space = {"learning_rate": [1e-1, 1e-2, 1e-3], "optimizer": ["adam", "sgd"]}
    table = numnet.tools.sweep(build_mlp, space, x, y, validation_data=(xt, yt), epochs=4,
                               batch_size=64, metric="val_accuracy", max_concurrent_trials=2,
                               storage_path=str(tmp_path), as_frame=False)
    assert len(table) == 6
    assert {(r["learning_rate"], r["optimizer"]) for r in table} == {
        (lr, opt) for lr in space["learning_rate"] for opt in space["optimizer"]}
    assert all(r["error"] is None for r in table)
    # ASHA (grace period 1, reduction factor 2) stopped at least one trial after epoch 1 or 2.
    stopped = [r for r in table if r["stopped_early"]]
    assert stopped and all(r["epochs"] in (1, 2) for r in stopped), table
    slowest = next(r for r in table if (r["learning_rate"], r["optimizer"]) == (1e-3, "sgd"))
    assert slowest["stopped_early"] and slowest["epochs"] == 1, table
    assert all(r["epochs"] == 4 for r in table if not r["stopped_early"])
    accuracies = [r["val_accuracy"] for r in table]
    assert accuracies == sorted(accuracies, reverse=True)  # best first
    best = table[0]
    assert best["val_accuracy"] > 0.85 and best["epochs"] == 4
    # The saved model of the best trial evaluates to exactly what the trial reported.
    model = numnet.models.load_model(best["model_path"])
    logs = model.evaluate(xt, yt, batch_size=256, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(best["val_accuracy"], abs=1e-6)
    assert round(logs["accuracy"] * len(yt)) == round(best["val_accuracy"] * len(yt))
    assert logs["loss"] == pytest.approx(best["val_loss"], rel=1e-5)
    # ... and so does a trial that ASHA stopped: its model is the one of its last report.
    worst = stopped[-1]
    model = numnet.models.load_model(worst["model_path"])
    logs = model.evaluate(xt, yt, batch_size=256, verbose=0, return_dict=True)
    assert logs["accuracy"] == pytest.approx(worst["val_accuracy"], abs=1e-6)


def test_sweep_rejects_bad_arguments_before_starting_trials(ray):
    x, y, xt, yt = _mnist()
    sweep = numnet.tools.sweep
    with pytest.raises(ValueError, match=r"sweep\(metric='val_accuracy'\).*validation_split"):
        sweep(build_mlp, {"learning_rate": [0.1]}, x, y, metric="val_accuracy")
    with pytest.raises(ValueError, match=r"sweep\(space\): expected a non-empty dict"):
        sweep(build_mlp, {}, x, y)
    with pytest.raises(ValueError, match=r"sweep\(space\['optimizer'\]\).*empty list"):
        sweep(build_mlp, {"optimizer": []}, x, y)
    with pytest.raises(ValueError, match=r"sweep\(mode\): expected 'min' or 'max'"):
        sweep(build_mlp, {"learning_rate": [0.1]}, x, y, mode="up")
    with pytest.raises(ValueError, match=r"sweep\(epochs\): expected a positive integer"):
        sweep(build_mlp, {"learning_rate": [0.1]}, x, y, epochs=0)
    with pytest.raises(ValueError, match=r"sweep\(scheduler\)"):
        sweep(build_mlp, {"learning_rate": [0.1]}, x, y, scheduler="hyperband!")
    with pytest.raises(TypeError, match=r"sweep\(build_fn\)"):
        sweep("build_mlp", {"learning_rate": [0.1]}, x, y)


# ----------------------------------------------------------------------------- ReportCallback


def test_report_callback_reports_each_epoch_as_history_records_it(ray, tmp_path):
    from ray import tune

    from numnet.integrations.ray_tune import ReportCallback

    x, y, xt, yt = _mnist()
    x, y, xt, yt = x[:600], y[:600], xt[:200], yt[:200]
    config = {"optimizer": "adam", "learning_rate": 1e-3}

    def trainable(config):
        backend.set_random_seed(5)
        model = build_mlp(config)
        model.fit(x, y, epochs=3, batch_size=50, validation_data=(xt, yt), verbose=0,
                  callbacks=[ReportCallback(metrics={"acc": "accuracy", "val_acc":
                                                     "val_accuracy"})])

    tuner = tune.Tuner(trainable, param_space=config,
                       run_config=tune.RunConfig(storage_path=str(tmp_path), verbose=0))
    result = tuner.fit()[0]
    assert result.error is None
    reported = result.metrics_dataframe
    assert list(reported["epoch"]) == [1, 2, 3]
    assert list(reported["training_iteration"]) == [1, 2, 3]
    assert "loss" not in reported.columns  # only the names asked for
    # The same training here, outside Tune: the reported numbers are History's.
    backend.set_random_seed(5)
    history = build_mlp(config).fit(x, y, epochs=3, batch_size=50, validation_data=(xt, yt),
                                    verbose=0).history
    np.testing.assert_allclose(reported["acc"], history["accuracy"], atol=1e-6)
    np.testing.assert_allclose(reported["val_acc"], history["val_accuracy"], atol=1e-6)
    assert history["accuracy"][2] > history["accuracy"][0]


def test_report_callback_outside_tune_says_where_it_works(ray):
    from numnet.integrations.ray_tune import ReportCallback

    x, y, _, _ = _mnist()
    model = build_mlp({"optimizer": "sgd", "learning_rate": 0.1})
    with pytest.raises(RuntimeError, match="only inside a trial run by ray.tune.Tuner"):
        model.fit(x[:64], y[:64], epochs=1, verbose=0, callbacks=[ReportCallback()])


def test_report_callback_argument_errors(ray):
    from numnet.integrations.ray_tune import ReportCallback

    with pytest.raises(TypeError, match=r"ReportCallback\(metrics\)"):
        ReportCallback(metrics=3)
    with pytest.raises(ValueError, match=r"ReportCallback\(filename\)"):
        ReportCallback(filename="a/b.numnet")
    cb = ReportCallback(metrics=["val_accuracy"])
    with pytest.raises(KeyError, match=r"\['val_accuracy'\] not in the epoch's logs.*'loss'"):
        cb._select({"loss": 0.5, "accuracy": 0.75})


# ----------------------------------------------------------------------------- run_configs


def train_history(config: dict, x=None, y=None) -> dict:
    """Seeded training of one configuration; its History.history."""
    backend.set_random_seed(config["seed"])
    model = build_mlp(config)
    return model.fit(x, y, epochs=2, batch_size=100, verbose=0).history


def test_run_configs_returns_each_configs_result_in_order(ray):
    from numnet.integrations.ray_tune import run_configs

    x, y, _, _ = _mnist()
    x, y = x[:500], y[:500]
    configs = [{"optimizer": "sgd", "learning_rate": 0.5, "seed": 1},
               {"optimizer": "adam", "learning_rate": 1e-3, "seed": 2},
               {"optimizer": "sgd", "learning_rate": 0.01, "seed": 3}]
    results = run_configs(train_history, configs, shared={"x": x, "y": y})
    assert len(results) == 3
    for config, got in zip(configs, results):
        expected = train_history(config, x, y)
        np.testing.assert_allclose(got["loss"], expected["loss"], rtol=1e-5)
        np.testing.assert_allclose(got["accuracy"], expected["accuracy"], atol=1e-6)
    assert results[1]["loss"] != results[2]["loss"]
    assert run_configs(train_history, [], shared={"x": x, "y": y}) == []


def fails_on_odd(config: dict) -> float:
    if config["n"] % 2:
        raise ValueError(f"odd n: {config['n']}")
    return math.sqrt(config["n"])


def test_run_configs_names_the_config_that_failed(ray):
    from numnet.integrations.ray_tune import run_configs

    with pytest.raises(RuntimeError, match=r"train_fn\(configs\[1\]\) failed for config "
                                           r"\{'n': 1\} \(1 of 3 calls failed\).*odd n: 1"):
        run_configs(fails_on_odd, [{"n": 0}, {"n": 1}, {"n": 4}])
    assert run_configs(fails_on_odd, [{"n": 4}, {"n": 9 - 1}]) == [2.0, math.sqrt(8)]
    with pytest.raises(ValueError, match=r"run_configs\(num_cpus\)"):
        run_configs(fails_on_odd, [{"n": 0}], num_cpus=-1)
    with pytest.raises(TypeError, match=r"run_configs\(shared\)"):
        run_configs(fails_on_odd, [{"n": 0}], shared=[1])


# ----------------------------------------------------------------------------- without Ray


def test_without_ray_each_entry_point_names_the_install_command(monkeypatch):
    for name in ("ray", "ray.tune"):
        monkeypatch.setitem(sys.modules, name, None)  # import ray -> ImportError
    from numnet.integrations.ray_tune import ReportCallback, run_configs

    with pytest.raises(RuntimeError, match=r"ReportCallback needs Ray Tune.*'numnet\[ray\]'"):
        ReportCallback()
    with pytest.raises(RuntimeError, match=r"run_configs needs Ray Tune.*'numnet\[ray\]'"):
        run_configs(fails_on_odd, [{"n": 0}])
    x = np.zeros((4, 784), "float32")
    with pytest.raises(RuntimeError, match=r"sweep needs Ray Tune.*'numnet\[ray\]'"):
        numnet.tools.sweep(build_mlp, {"learning_rate": [0.1]}, x, np.zeros(4))
