"""Callbacks: EarlyStopping, ModelCheckpoint, ReduceLROnPlateau, LearningRateScheduler,
TerminateOnNaN, CSVLogger, LambdaCallback and the hooks fit calls, against Keras 3's rules."""

from __future__ import annotations

import csv
import os

import numpy as np
import pytest

import numnet
from numnet import callbacks, layers

RNG = np.random.default_rng(7)
X = RNG.normal(size=(40, 3)).astype("float32")
Y = (X @ np.array([1.0, -2.0, 0.5], "float32") + 0.3).astype("float32")


def linear_model(lr=0.01, optimizer="sgd"):
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([layers.Dense(1, input_shape=(3,))])
    opt = {"sgd": numnet.optimizers.SGD, "adam": numnet.optimizers.Adam}[optimizer](lr)
    model.compile(optimizer=opt, loss="mse")
    return model


def scripted(values, name="score"):
    """A callback that puts values[epoch] into the logs as ``name`` (before the callbacks after
    it read them), so that a monitored quantity follows a script."""
    def put(epoch, logs):
        logs[name] = values[epoch]
    return callbacks.LambdaCallback(on_epoch_end=put)


# ----------------------------------------------------------------------------- EarlyStopping


@pytest.fixture(scope="module")
def mnist():
    (xt, yt), (xv, yv) = numnet.datasets.mnist.load_data(bundled=True)
    return (xt.reshape(len(xt), -1).astype("float32") / 255, yt,
            xv.reshape(len(xv), -1).astype("float32") / 255, yv)


def test_early_stopping_on_mnist_restores_the_best_weights(mnist):
    x, y, xv, yv = mnist
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([layers.Dense(128, activation="relu", input_shape=(784,)),
                               layers.Dense(10, activation="softmax")])
    model.compile(numnet.optimizers.Adam(0.003), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    stop = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    snapshots = []
    keep = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    epochs = 40
    history = model.fit(x, y, epochs=epochs, batch_size=64, validation_data=(xv, yv),
                        callbacks=[keep, stop], verbose=0)
    val_loss = history.history["val_loss"]
    assert len(val_loss) < epochs, "training should stop early"
    best = int(np.argmin(val_loss))
    # patience=2: stopped two epochs after the best, with no better epoch in between
    assert stop.stopped_epoch == len(val_loss) - 1 == best + 2
    assert stop.best_epoch == best and stop.best == val_loss[best]
    for restored, saved in zip(model.get_weights(), snapshots[best], strict=True):
        np.testing.assert_array_equal(restored, saved)
    loss, _ = model.evaluate(xv, yv, batch_size=64, verbose=0)
    assert loss == pytest.approx(min(val_loss), rel=1e-6)
    assert loss < val_loss[-1]


def run_early_stopping(values, **kwargs):
    model = linear_model(lr=0.0)
    stop = callbacks.EarlyStopping(monitor="score", **{"mode": "min", **kwargs})
    history = model.fit(X, Y, epochs=len(values), verbose=0,
                        callbacks=[scripted(values), stop])
    return stop, len(history.history["loss"])


@pytest.mark.parametrize("values, kwargs, epochs_run", [
    ([5, 4, 4, 4, 4, 4], {"patience": 2}, 4),              # waits 2 epochs after epoch 1
    ([5, 4, 3.95, 3.9, 3.85, 3.8], {"patience": 1, "min_delta": 0.1}, 3),
    ([5, 4, 3, 2, 1, 0], {"patience": 0}, 6),               # always improving
    ([5, 6, 7, 8, 9, 9], {"patience": 0}, 2),               # patience 0 stops at epoch 1
    ([9, 9, 9, 8, 9, 9], {"patience": 1, "start_from_epoch": 3}, 5),
    # Below the baseline nothing resets the wait: patience epochs in all, as Keras; but an
    # epoch that improves on the best returns before the patience check (Keras's code).
    ([5, 5, 5, 5, 5, 5], {"patience": 2, "baseline": 0.5}, 2),
    ([5, 4, 3, 2, 1, 0], {"patience": 2, "baseline": 0.5}, 6),
    ([5, 0.4, 0.4, 0.4, 0.4, 0.4], {"patience": 2, "baseline": 0.5}, 4),
    ([1, 2, 3, 4, 5, 6], {"patience": 1, "mode": "max"}, 6),
    ([1, 2, 3, 4, 5, 6], {"patience": 1, "mode": "min"}, 2),
])
def test_early_stopping_counts_epochs_as_keras(values, kwargs, epochs_run):
    _, ran = run_early_stopping(values, **kwargs)
    assert ran == epochs_run


def test_early_stopping_restores_the_best_even_without_stopping():
    # Keras 3 restores at the end of training whether or not it stopped early.
    model = linear_model(lr=0.05)
    snapshots = []
    keep = callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: snapshots.append(model.get_weights()))
    stop = callbacks.EarlyStopping(monitor="score", mode="min", patience=10,
                                   restore_best_weights=True)
    model.fit(X, Y, epochs=4, verbose=0,
              callbacks=[keep, scripted([3.0, 1.0, 2.0, 2.5]), stop])
    assert stop.stopped_epoch == 0
    for restored, saved in zip(model.get_weights(), snapshots[1], strict=True):
        np.testing.assert_array_equal(restored, saved)


def test_early_stopping_direction_and_bad_arguments():
    model = linear_model(lr=0.0)
    with pytest.raises(ValueError, match=r"EarlyStopping\(mode\).*'auto', 'min' or 'max'"):
        callbacks.EarlyStopping(mode="up")
    with pytest.raises(ValueError, match=r"EarlyStopping\(patience\)"):
        callbacks.EarlyStopping(patience=-1)
    stop = callbacks.EarlyStopping(monitor="score")
    with pytest.raises(ValueError, match=r"monitor='score'.*mode='max'"):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[scripted([1.0]), stop])
    stop = callbacks.EarlyStopping(monitor="val_loss")
    with pytest.warns(UserWarning, match="'val_loss', which is not in the logs; available: loss"):
        model.fit(X, Y, epochs=2, verbose=0, callbacks=[stop])
    assert callbacks.EarlyStopping(monitor="val_accuracy").mode == "auto"
    from numnet.callbacks.monitor_callback import maximizes

    assert maximizes(model, "val_accuracy", "auto", "t") is True
    assert maximizes(model, "val_loss", "auto", "t") is False
    assert maximizes(model, "mean_absolute_error", "auto", "t") is False
    assert maximizes(model, "auc", "auto", "t") is True


# ----------------------------------------------------------------------------- ModelCheckpoint


def test_model_checkpoint_save_best_only_writes_only_on_improvement(tmp_path):
    path = tmp_path / "best.numnet"
    scores = [5.0, 4.0, 4.5, 3.0, 3.0, 3.5]
    improved = [True, True, False, True, False, False]
    model = linear_model(lr=0.05)
    checkpoint = callbacks.ModelCheckpoint(path, monitor="score", mode="min",
                                           save_best_only=True)
    seen, snapshots = [], []

    def look(epoch, logs):
        stat = path.stat()
        seen.append((stat.st_mtime_ns, path.read_bytes()))
        snapshots.append(model.get_weights())
    model.fit(X, Y, epochs=len(scores), verbose=0,
              callbacks=[scripted(scores), checkpoint, callbacks.LambdaCallback(
                  on_epoch_end=look)])
    for epoch in range(1, len(scores)):
        changed = seen[epoch] != seen[epoch - 1]
        assert changed == improved[epoch], f"epoch {epoch}"
    saved = numnet.models.load_model(path)
    best = max(i for i, up in enumerate(improved) if up)
    for w, expected in zip(saved.get_weights(), snapshots[best], strict=True):
        np.testing.assert_array_equal(w, expected)
    assert checkpoint.best == 3.0


def test_model_checkpoint_fills_the_filename_template(tmp_path):
    model = linear_model(lr=0.05)
    template = str(tmp_path / "ckpt-{epoch:02d}-{val_loss:.2f}.numnet")
    history = model.fit(X, Y, epochs=3, validation_split=0.25, verbose=0,
                        callbacks=[callbacks.ModelCheckpoint(template)])
    expected = {f"ckpt-{e + 1:02d}-{v:.2f}.numnet"
                for e, v in enumerate(history.history["val_loss"])}
    assert set(os.listdir(tmp_path)) == expected
    last = numnet.models.load_model(tmp_path / sorted(expected)[-1])
    for a, b in zip(last.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


def test_model_checkpoint_weights_every_n_batches(tmp_path):
    model = linear_model(lr=0.05)
    template = str(tmp_path / "w-{epoch}-{batch}.numnet")
    model.fit(X, Y, epochs=2, batch_size=10, verbose=0,   # 4 batches an epoch
              callbacks=[callbacks.ModelCheckpoint(template, save_weights_only=True,
                                                   save_freq=3)])
    # the 3rd and 6th batch overall: epoch 1 batch 3, epoch 2 batch 2
    assert sorted(os.listdir(tmp_path)) == ["w-1-3.numnet", "w-2-2.numnet"]
    fresh = linear_model()
    fresh.load_weights(tmp_path / "w-2-2.numnet")
    assert not np.array_equal(fresh.get_weights()[0], model.get_weights()[0])


def test_model_checkpoint_initial_value_threshold_and_errors(tmp_path):
    path = tmp_path / "m.numnet"
    model = linear_model(lr=0.05)
    model.fit(X, Y, epochs=3, verbose=0, callbacks=[
        scripted([2.0, 1.5, 1.2]),
        callbacks.ModelCheckpoint(path, monitor="score", mode="min", save_best_only=True,
                                  initial_value_threshold=1.0)])
    assert not path.exists()  # nothing beat 1.0
    with pytest.raises(ValueError, match=r"ModelCheckpoint\(filepath\).*'.numnet'"):
        callbacks.ModelCheckpoint(tmp_path / "model.txt")
    with pytest.raises(ValueError, match=r"weights.*'.weights.h5'"):
        callbacks.ModelCheckpoint(tmp_path / "model.keras", save_weights_only=True)
    with pytest.raises(ValueError, match=r"save_freq"):
        callbacks.ModelCheckpoint(tmp_path / "m.numnet", save_freq="batch")
    with pytest.raises(KeyError, match=r"cannot fill the filepath.*val_acc"):
        model.fit(X, Y, epochs=1, verbose=0, callbacks=[
            callbacks.ModelCheckpoint(str(tmp_path / "{val_acc:.2f}.numnet"))])


def test_model_checkpoint_writes_a_whole_model_to_h5(tmp_path):
    # Keras 3 takes ".keras" or ".h5" for a whole-model checkpoint; ".h5" is its legacy HDF5
    pytest.importorskip("h5py")
    path = tmp_path / "best_model.h5"
    model = linear_model(lr=0.05)
    snapshots = []
    model.fit(X, Y, epochs=3, verbose=0, callbacks=[
        scripted([2.0, 1.0, 1.5]),
        callbacks.ModelCheckpoint(path, monitor="score", mode="min", save_best_only=True),
        callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: snapshots.append(
            model.get_weights()))])
    saved = numnet.models.load_model(path)
    for w, expected in zip(saved.get_weights(), snapshots[1], strict=True):
        np.testing.assert_array_equal(w, expected)


# ----------------------------------------------------------------------------- learning rates


def test_reduce_lr_on_plateau_changes_the_rate_at_the_right_epochs():
    lr0, factor = 0.1, 0.5
    scores = [10, 9, 9, 9, 9, 9, 8, 8, 8, 8, 8, 8]
    model = linear_model(lr=lr0)
    used = []
    record = callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: used.append(model.optimizer.current_learning_rate()))
    reduce = callbacks.ReduceLROnPlateau(monitor="score", factor=factor, patience=2,
                                         cooldown=1, min_lr=0.02, mode="min")
    history = model.fit(X, Y, epochs=len(scores), verbose=0,
                        callbacks=[record, scripted(scores), reduce])
    # By hand, as Keras counts: best 9 at epoch 1; epochs 2, 3 wait 1, 2 -> reduce at the end
    # of epoch 3 (0.05), cooldown 1. Epoch 4: the cooldown ends (counter 1 -> 0, wait 0)
    # before the check, so it waits 1; epoch 5 waits 2 -> 0.025. Epoch 6 improves (8),
    # 7, 8 wait 1, 2 -> max(0.0125, min_lr) = 0.02. Later: lr is not > min_lr, no change.
    expected_used = [0.1] * 4 + [0.05] * 2 + [0.025] * 3 + [0.02] * 3
    np.testing.assert_allclose(used, expected_used, rtol=1e-12)
    logged = expected_used  # logged at each epoch end, before that epoch's reduction
    np.testing.assert_allclose(history.history["learning_rate"], logged, rtol=1e-12)
    assert model.optimizer.current_learning_rate() == pytest.approx(0.02)
    with pytest.raises(ValueError, match=r"factor must be in \[0, 1\)"):
        callbacks.ReduceLROnPlateau(factor=2.0)


def test_reduce_lr_on_plateau_min_delta_counts_small_gains_as_none():
    model = linear_model(lr=1.0)
    reduce = callbacks.ReduceLROnPlateau(monitor="score", factor=0.1, patience=1,
                                         min_delta=0.5, mode="min")
    model.fit(X, Y, epochs=3, verbose=0,
              callbacks=[scripted([1.0, 0.8, 0.6]), reduce])  # 0.2 < min_delta: no gain
    assert model.optimizer.current_learning_rate() == pytest.approx(0.01)


def test_learning_rate_scheduler_sets_the_rate_each_step_uses():
    # One full-batch SGD step per epoch on a linear model: w <- w - lr_e * grad(w), by hand.
    schedule = [0.1, 0.1, 0.05, 0.02, 0.02]
    model = linear_model(lr=0.3)
    history = model.fit(X, Y, epochs=len(schedule), batch_size=len(X), shuffle=False,
                        verbose=0, callbacks=[callbacks.LearningRateScheduler(
                            lambda epoch, lr: schedule[epoch])])
    kernel, bias = linear_model().get_weights()
    kernel, bias = kernel.astype(np.float64), bias.astype(np.float64)
    for lr in schedule:
        err = (X @ kernel + bias)[:, 0] - Y
        kernel = kernel - lr * 2 / len(X) * X.T @ err[:, None]
        bias = bias - lr * 2 / len(X) * err.sum()
    got_kernel, got_bias = model.get_weights()
    np.testing.assert_allclose(got_kernel, kernel, rtol=1e-5)
    np.testing.assert_allclose(got_bias, bias, rtol=1e-5)
    assert history.history["learning_rate"] == schedule
    one_arg = linear_model(lr=0.3)
    one_arg.fit(X, Y, epochs=3, verbose=0, callbacks=[
        callbacks.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))])
    assert one_arg.optimizer.current_learning_rate() == pytest.approx(0.1 / 3)
    with pytest.raises(ValueError, match="must return a number"):
        linear_model().fit(X, Y, epochs=1, verbose=0, callbacks=[
            callbacks.LearningRateScheduler(lambda epoch, lr: "fast")])


def test_learning_rate_callbacks_refuse_a_schedule():
    model = linear_model()
    schedule = numnet.optimizers.schedules.ExponentialDecay(0.1, decay_steps=10,
                                                            decay_rate=0.5)
    model.compile(optimizer=numnet.optimizers.SGD(schedule), loss="mse")
    with pytest.raises(TypeError, match="is a schedule"):
        model.fit(X, Y, epochs=1, verbose=0,
                  callbacks=[callbacks.LearningRateScheduler(lambda e, lr: lr)])


# ----------------------------------------------------------------------------- TerminateOnNaN


@pytest.mark.filterwarnings("ignore::numnet.AdviceWarning", "ignore::RuntimeWarning")
def test_terminate_on_nan_stops_a_diverging_run(capsys):
    model = linear_model(lr=1e6)
    losses = []
    record = callbacks.LambdaCallback(
        on_train_batch_end=lambda batch, logs: losses.append(logs["loss"]))
    history = model.fit(X * 100, Y, epochs=5, batch_size=4, verbose=0,
                        callbacks=[record, callbacks.TerminateOnNaN()])
    first_bad = next(i for i, v in enumerate(losses) if not np.isfinite(v))
    assert len(losses) == first_bad + 1 < 10   # stopped at once, within the first epoch
    assert len(history.history["loss"]) == 1
    assert not np.isfinite(history.history["loss"][0])
    assert f"Batch {first_bad}: Invalid loss, terminating training" in capsys.readouterr().out
    with pytest.raises(RuntimeError, match="NaN or Inf loss encountered at batch"):
        linear_model(lr=1e6).fit(X * 100, Y, epochs=5, batch_size=4, verbose=0,
                                 callbacks=[callbacks.TerminateOnNaN(raise_error=True)])


# ----------------------------------------------------------------------------- CSVLogger


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    path = tmp_path / "log.csv"
    model = linear_model(lr=0.05)
    model.compile(optimizer=numnet.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    history = model.fit(X, Y, epochs=3, validation_split=0.25, validation_freq=2, verbose=0,
                        callbacks=[callbacks.CSVLogger(path, separator=";")])
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == ["epoch", "loss", "mae", "val_loss", "val_mae"]
    assert [r[0] for r in rows[1:]] == ["0", "1", "2"]
    assert [float(r[1]) for r in rows[1:]] == history.history["loss"]
    assert [r[3] for r in rows[1:]] == ["NA", repr(history.history["val_loss"][0]), "NA"]
    model.fit(X, Y, epochs=2, verbose=0,
              callbacks=[callbacks.CSVLogger(path, separator=";", append=True)])
    with open(path, newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert len(rows) == 6 and rows[0][0] == "epoch" and rows[4][0] == "0"
    model.fit(X, Y, epochs=1, verbose=0, callbacks=[callbacks.CSVLogger(path)])
    assert len(path.read_text().splitlines()) == 2  # overwritten


# ----------------------------------------------------------------------------- hooks


class Recorder(callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def __getattribute__(self, name):
        if name.startswith("on_"):
            calls = object.__getattribute__(self, "calls")
            return lambda *args: calls.append((name, args[0] if args and
                                               isinstance(args[0], int) else None))
        return object.__getattribute__(self, name)


def test_fit_calls_the_hooks_in_keras_order():
    rec = Recorder()
    # __getattribute__ hides the base methods from CallbackList's override check, so every
    # hook counts as overridden.
    model = linear_model()
    model.fit(X, Y, epochs=2, batch_size=20, validation_split=0.5, verbose=0, callbacks=[rec])
    names = [c for c in rec.calls if not c[0].startswith("on_batch")]
    epoch = [("on_epoch_begin", 0), ("on_train_batch_begin", 0), ("on_train_batch_end", 0),
             ("on_test_begin", None), ("on_test_batch_begin", 0), ("on_test_batch_end", 0),
             ("on_test_end", None), ("on_epoch_end", 0)]
    expected = [("on_train_begin", None)] + epoch + [(n, 1 if i is not None and n.startswith(
        "on_epoch") else i) for n, i in epoch] + [("on_train_end", None)]
    assert names == expected
    assert rec.params == {"verbose": 0, "epochs": 2, "steps": 1}  # Keras 3's keys, no more


def test_batch_logs_are_the_running_epoch_values():
    model = linear_model(lr=0.0)
    logs_seen = []
    model.fit(X, Y, epochs=1, batch_size=10, shuffle=False, verbose=0, callbacks=[
        callbacks.LambdaCallback(on_train_batch_end=lambda b, logs: logs_seen.append(
            logs["loss"]))])
    w, b = model.get_weights()
    per_sample = ((X @ w + b)[:, 0] - Y) ** 2
    expected = [per_sample[:10 * (i + 1)].mean() for i in range(4)]
    np.testing.assert_allclose(logs_seen, expected, rtol=1e-5)


def test_callbacks_argument_is_checked():
    with pytest.raises(TypeError, match=r"fit\(callbacks\): expected a list of Callback"):
        linear_model().fit(X, Y, verbose=0, callbacks=["early"])
    cbl = callbacks.CallbackList([callbacks.History()])
    history = linear_model().fit(X, Y, epochs=2, verbose=0, callbacks=cbl)
    assert history is cbl.callbacks[0] and len(history.history["loss"]) == 2


def test_validation_freq_int_and_list():
    model = linear_model(lr=0.05)
    history = model.fit(X, Y, epochs=6, validation_split=0.25, validation_freq=2, verbose=0)
    assert len(history.history["val_loss"]) == 3
    assert history.epochs_of["val_loss"] == [1, 3, 5]
    model = linear_model(lr=0.05)
    history = model.fit(X, Y, epochs=6, validation_split=0.25, validation_freq=[1, 4, 6],
                        verbose=0)
    assert history.epochs_of["val_loss"] == [0, 3, 5]
    # The value logged at epoch 4 (index 3) is the validation loss of the weights then.
    again = linear_model(lr=0.05)
    again.fit(X, Y, epochs=4, validation_split=0.25, verbose=0)
    val = again.evaluate(X[30:], Y[30:], verbose=0)
    assert history.history["val_loss"][1] == pytest.approx(val, rel=1e-6)
    with pytest.raises(ValueError, match=r"validation_freq.*list of epoch numbers"):
        model.fit(X, Y, validation_split=0.25, validation_freq=[0, 2], verbose=0)
    with pytest.raises(ValueError, match=r"validation_freq"):
        model.fit(X, Y, validation_split=0.25, validation_freq=0, verbose=0)


def test_class_weight_does_not_weight_the_validation_split():
    labels = (Y > 0).astype("float32")
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(optimizer=numnet.optimizers.SGD(0.0), loss="binary_crossentropy")
    history = model.fit(X, labels, class_weight={0: 0.2, 1: 5.0}, validation_split=0.25,
                        verbose=0)
    plain = model.evaluate(X[30:], labels[30:], verbose=0)
    assert history.history["val_loss"][0] == pytest.approx(plain, rel=1e-6)


def test_lambda_callback_rejects_unknown_hooks():
    with pytest.raises(TypeError, match="unknown hook"):
        callbacks.LambdaCallback(epoch_end=print)


# ----------------------------------------------------------------------------- History plots


def test_plot_history_draws_the_training_and_validation_curves(tmp_path):
    pytest.importorskip("matplotlib", reason="plot_history needs matplotlib (optional extra "
                        "'plot': pip install 'numnet[plot]')")
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([layers.Dense(1, activation="sigmoid", input_shape=(3,))])
    model.compile(numnet.optimizers.SGD(0.1), "binary_crossentropy", metrics=["accuracy"])
    history = model.fit(X, (Y > 0).astype("float32"), epochs=4, validation_split=0.25,
                        validation_freq=2, verbose=0)
    path = tmp_path / "history.png"
    for source in (history, history.history):
        fig = numnet.utils.plot_history(source, path=path)
        axes = [ax for ax in fig.axes if ax.get_visible()]
        assert [ax.get_title() for ax in axes] == ["loss", "accuracy"]
        for ax, name in zip(axes, ("loss", "accuracy"), strict=True):
            train, val = ax.get_lines()
            assert train.get_label() == "training" and val.get_label() == "validation"
            np.testing.assert_array_equal(train.get_xdata(), [1, 2, 3, 4])
            np.testing.assert_array_equal(train.get_ydata(), history.history[name])
            np.testing.assert_array_equal(val.get_xdata(), [2, 4])
            np.testing.assert_array_equal(val.get_ydata(), history.history[f"val_{name}"])
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(TypeError, match=r"plot_history\(history\): expected the History"):
        numnet.utils.plot_history([1, 2])


def test_optional_packages_missing_give_an_install_hint(monkeypatch):
    import sys

    for name in [n for n in sys.modules if n.split(".")[0] in
                 ("matplotlib", "tensorboard", "tensorboardX")]:
        monkeypatch.setitem(sys.modules, name, None)
    for name in ("matplotlib", "matplotlib.figure", "tensorboard", "tensorboardX"):
        monkeypatch.setitem(sys.modules, name, None)
    with pytest.raises(ImportError, match=r"plot_history needs matplotlib.*numnet\[plot\]"):
        numnet.utils.plot_history({"loss": [1.0, 0.5]})
    callbacks.TensorBoard()  # writes its own event files without tensorboard
