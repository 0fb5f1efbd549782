"""TensorBoard: the event files it writes, read back with TensorBoard's own event reader."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import callbacks, layers

pytest.importorskip("tensorboard", reason="the TensorBoard callback writes event files with "
                    "the tensorboard package (pip install 'numnet[tensorboard]')")
from tensorboard.backend.event_processing.event_accumulator import (  # noqa: E402
    EventAccumulator,
)

RNG = np.random.default_rng(2)
X = RNG.normal(size=(60, 4)).astype("float32")
LABELS = (X[:, 0] + X[:, 1] > 0).astype("int64")


def read(folder):
    events = EventAccumulator(str(folder), size_guidance={"scalars": 0, "histograms": 0})
    events.Reload()
    return events


def scalars(events, tag):
    return [(e.step, e.value) for e in events.Scalars(tag)]


def fit(log_dir, epochs=3, **kwargs):
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([layers.Dense(5, activation="relu", input_shape=(4,)),
                               layers.Dense(2, activation="softmax")])
    model.compile(numnet.optimizers.SGD(0.1), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    board = callbacks.TensorBoard(log_dir, **kwargs)
    history = model.fit(X, LABELS, epochs=epochs, batch_size=10, validation_split=0.25,
                        callbacks=[board], verbose=0)
    return model, history


def test_epoch_scalars_read_back_with_tensorboard(tmp_path):
    _, history = fit(tmp_path / "logs")
    train = read(tmp_path / "logs" / "train")
    val = read(tmp_path / "logs" / "validation")
    assert set(train.Tags()["scalars"]) == {"epoch_loss", "epoch_accuracy",
                                            "epoch_learning_rate"}
    for tag, key in (("epoch_loss", "loss"), ("epoch_accuracy", "accuracy")):
        got = scalars(train, tag)
        assert [s for s, _ in got] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in got], history.history[key], rtol=1e-6)
        got = scalars(val, tag)
        np.testing.assert_allclose([v for _, v in got], history.history[f"val_{key}"],
                                   rtol=1e-6)
    np.testing.assert_allclose([v for _, v in scalars(train, "epoch_learning_rate")],
                               [0.1] * 3, rtol=1e-6)
    # after each validation, the logs against the optimizer's step count (5 steps an epoch)
    got = scalars(val, "evaluation_loss_vs_iterations")
    assert [s for s, _ in got] == [5, 10, 15]
    np.testing.assert_allclose([v for _, v in got], history.history["val_loss"], rtol=1e-6)


def test_batch_scalars_and_weight_histograms(tmp_path):
    model, history = fit(tmp_path / "logs", epochs=2, update_freq=2, histogram_freq=1)
    train = read(tmp_path / "logs" / "train")
    batch_loss = scalars(train, "batch_loss")
    assert [s for s, _ in batch_loss] == [2, 4, 6, 8, 10]   # every 2nd of 10 batches
    assert batch_loss[-1][1] == pytest.approx(history.history["loss"][-1], rel=1e-6)
    kernel = model.weights[0]
    histograms = train.Histograms(f"{kernel.path}/histogram")
    assert [h.step for h in histograms] == [0, 1]
    last = histograms[-1].histogram_value
    values = kernel.numpy().astype(np.float64)
    assert last.num == values.size
    assert last.min == pytest.approx(values.min()) and last.max == pytest.approx(values.max())
    assert last.sum == pytest.approx(values.sum(), rel=1e-6)
    counts, _ = np.histogram(values, bins=30)
    assert list(last.bucket) == counts.tolist()


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"TensorBoard\(update_freq\)"):
        callbacks.TensorBoard(update_freq=0)
    with pytest.raises(ValueError, match=r"TensorBoard\(histogram_freq\)"):
        callbacks.TensorBoard(histogram_freq=-1)
