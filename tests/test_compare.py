"""numnet.tools.compare: every configuration starts from the same weights and sees the same
batches (checked against training a copy by hand), the table's numbers follow from the
histories, worker processes give the same results as running here, the model is untouched."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import layers, optimizers
from numnet.tools import compare
from numnet.tools.compare import configurations


@pytest.fixture(scope="module")
def data():
    (x, y), _ = numnet.datasets.mnist.load_data(bundled=True)
    return x[:1000].reshape(-1, 784).astype("float32") / 255, y[:1000].astype("int64")


def make_model(seed=0, optimizer="adam"):
    numnet.utils.set_random_seed(seed)
    model = numnet.Sequential([layers.Dense(16, activation="relu", input_shape=(784,)),
                               layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def by_hand(model, optimizer, x, y, epochs, seed, validation_split=0.2):
    """Train a copy the documented way: same weights, generator state default_rng(seed)."""
    copy = numnet.Sequential([layers.Dense(16, activation="relu", input_shape=(784,)),
                              layers.Dropout(0.2), layers.Dense(10, activation="softmax")])
    copy.set_weights(model.get_weights())
    copy.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                 metrics=["accuracy"])
    rng = numnet.backend.rng()
    saved = rng.bit_generator.state
    rng.bit_generator.state = np.random.default_rng(seed).bit_generator.state
    try:
        return copy.fit(x, y, epochs=epochs, verbose=0, validation_split=validation_split).history
    finally:
        rng.bit_generator.state = saved


def test_parallel_runs_match_training_by_hand_and_leave_the_model_alone(data):
    x, y = data
    model = make_model()
    weights = model.get_weights()
    optimizer = model.optimizer

    result = compare(model, x, y, optimizers=["sgd", "adam"], epochs=3, seed=5, target=0.7,
                     n_jobs=2)

    assert result.parallel
    assert [r["label"] for r in result.rows] == ["SGD lr=0.01", "Adam lr=0.001"]
    assert result.monitor == "val_accuracy"
    expected = {"SGD lr=0.01": by_hand(model, optimizers.SGD(), x, y, 3, seed=5),
                "Adam lr=0.001": by_hand(model, optimizers.Adam(), x, y, 3, seed=5)}
    for label, history in expected.items():
        assert result.histories[label] == {k: [float(v) for v in vals]
                                           for k, vals in history.items()}
    # The model passed in is exactly as it was.
    assert model.optimizer is optimizer and model.optimizer._step == 0
    for old, new in zip(weights, model.get_weights()):
        assert old.tobytes() == new.tobytes()


def test_table_numbers_follow_from_the_histories(data):
    x, y = data
    result = compare(make_model(), x, y, optimizers=["sgd", "rmsprop", "adam"], epochs=3,
                     target=0.75, n_jobs=1)
    assert not result.parallel
    for row in result.rows:
        h = result.histories[row["label"]]
        assert row["final_loss"] == h["loss"][-1]
        assert row["final_val_loss"] == h["val_loss"][-1]
        assert row["best"] == max(h["val_accuracy"])
        assert row["best_epoch"] == 1 + int(np.argmax(h["val_accuracy"]))
        reached = [i + 1 for i, v in enumerate(h["val_accuracy"]) if v >= 0.75]
        assert row["epochs_to_target"] == (reached[0] if reached else None)
        assert row["epochs"] == 3 and row["time_s"] > 0
    best = max(result.rows, key=lambda r: r["best"])["label"]
    assert result.best == best
    table = str(result)
    assert "best val_accuracy" in table and "epochs to 0.75" in table
    for row in result.rows:
        assert row["label"] in table and f"{row['final_loss']:.4g}" in table


def test_in_process_and_worker_processes_agree(data):
    x, y = data
    model = make_model(seed=3)
    here = compare(model, x, y, learning_rates=[1e-3, 1e-2], epochs=2, n_jobs=1)
    there = compare(model, x, y, learning_rates=[1e-3, 1e-2], epochs=2, n_jobs=2)
    assert there.parallel and not here.parallel
    assert here.histories == there.histories
    assert [r["learning_rate"] for r in here.rows] == [pytest.approx(1e-3), pytest.approx(1e-2)]
    assert [r["label"] for r in here.rows] == ["Adam lr=0.001", "Adam lr=0.01"]


def test_same_optimizer_twice_gives_the_same_curve(data):
    x, y = data
    result = compare(make_model(), x, y, optimizers={"first": "rmsprop", "second": "rmsprop"},
                     epochs=2, n_jobs=1)
    assert result.histories["first"] == result.histories["second"]


def test_zero_learning_rate_keeps_the_initial_loss(data):
    """SGD at rate 0 never moves: each epoch's loss is the initial weights' loss."""
    x, y = data
    model = numnet.Sequential([layers.Dense(16, activation="relu", input_shape=(784,)),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    result = compare(model, x, y, optimizers=[optimizers.SGD(learning_rate=0.0)], epochs=2,
                     n_jobs=1)
    assert result.monitor == "val_loss"
    h = result.histories["SGD lr=0"]
    p = model.predict(x, verbose=0).astype(np.float64)
    nll = -np.log(np.clip(p[np.arange(len(y)), y], 1e-7, 1))
    assert h["loss"] == pytest.approx([nll[:800].mean()] * 2, rel=1e-5)
    assert h["val_loss"] == pytest.approx([nll[800:].mean()] * 2, rel=1e-5)


def test_optimizer_objects_are_copied_fresh():
    model = make_model()
    used = optimizers.Adam(learning_rate=0.01)
    used._step = 99
    configs = configurations(model, [used, "sgd"], [0.1])
    assert [label for label, _ in configs] == ["Adam lr=0.1", "SGD lr=0.1"]
    for _, opt in configs:
        assert opt is not used and opt._step == 0 and opt.current_learning_rate() == 0.1


def test_bad_arguments(data):
    x, y = data
    model = make_model()
    with pytest.raises(ValueError, match="give optimizers"):
        compare(model, x, y)
    with pytest.raises(ValueError, match="appear more than once"):
        compare(model, x, y, optimizers=["adam", "adam"])
    with pytest.raises(ValueError, match=r"compare\(learning_rates\)"):
        compare(model, x, y, learning_rates=[-1.0])
    with pytest.raises(ValueError, match="unknown optimizer 'adamm'"):
        compare(model, x, y, optimizers=["adamm"])
    with pytest.raises(ValueError, match=r"compare\(epochs\)"):
        compare(model, x, y, optimizers=["sgd"], epochs=0)
    uncompiled = numnet.Sequential([layers.Dense(10, input_shape=(784,))])
    with pytest.raises(ValueError, match="must be compiled"):
        compare(uncompiled, x, y, optimizers=["sgd"])


def test_plot_draws_every_configuration(data, tmp_path):
    pytest.importorskip("matplotlib", reason="plots need matplotlib (the 'plot' extra)")
    import matplotlib.image

    x, y = data
    result = compare(make_model(), x, y, optimizers=["sgd", "adam"], epochs=2, target=0.5,
                     n_jobs=1)
    path = tmp_path / "compare.png"
    fig = result.plot(path)
    loss_ax, metric_ax = fig.axes
    assert loss_ax.get_xlabel() == "epoch" and "loss" in loss_ax.get_ylabel()
    assert metric_ax.get_ylabel() == "val_accuracy"
    # A solid training and a dashed validation line per configuration.
    assert len(loss_ax.get_lines()) == 4
    drawn = {line.get_label(): list(line.get_ydata()) for line in metric_ax.get_lines()}
    for label, h in result.histories.items():
        assert drawn[label] == h["val_accuracy"]
    image = matplotlib.image.imread(path)
    assert image.shape == (450, 1100, 4)
    assert image[..., :3].std() > 0.05
    chart = result.text_chart("val_accuracy")
    assert "SGD lr=0.01" in chart and "epoch" in chart


def test_ray_backend_gives_the_same_results(data):
    ray = pytest.importorskip("ray", reason="the Ray backend needs Ray: pip install 'numnet[ray]'")
    x, y = data[0][:400], data[1][:400]
    model = make_model(seed=4)
    here = compare(model, x, y, optimizers=["sgd", "adam"], epochs=2, n_jobs=1)
    if ray.is_initialized():
        ray.shutdown()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        there = compare(model, x, y, optimizers=["sgd", "adam"], epochs=2, backend="ray")
    finally:
        ray.shutdown()
    assert there.parallel and there.histories == here.histories
    with pytest.raises(ValueError, match=r"compare\(backend\)"):
        compare(model, x, y, optimizers=["sgd"], backend="threads")
