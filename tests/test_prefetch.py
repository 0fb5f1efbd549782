"""models/prefetch.py: fit's shuffled batches gathered ahead by a thread of their own.

The gathered batches must be exactly the rows the permutation names, and a fit with the
gatherer must give the same numbers as one without it; the thread must be gone when the fit
ends, however it ends.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import numnet as keras
from numnet.models import prefetch, threads
from numnet.optimizers import fused

pytestmark = [
    pytest.mark.skipif(not fused.is_available(),
                       reason="the gatherer is a compiled loop; numba is not installed"),
    pytest.mark.skipif(prefetch._gather_kernel() is None,
                       reason="the gatherer needs Linux's usleep and prctl"),
    pytest.mark.cpu_only,  # NumPy arrays only
]

RS = np.random.default_rng(0)


def _gatherers():
    return [t for t in threading.enumerate() if t.name == "numnet-prefetch" and t.is_alive()]


@pytest.fixture
def used(monkeypatch):
    """Make fit's conditions hold on any machine (two cores, one BLAS thread) and count the
    passes gathered ahead."""
    monkeypatch.setattr(prefetch, "_cores", lambda: 2)
    monkeypatch.setattr(threads.Limit, "active", property(lambda self: True))
    passes = []
    original = prefetch.PrefetchedPass.__init__

    def counted(self, *args, **kwargs):
        passes.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(prefetch.PrefetchedPass, "__init__", counted)
    yield passes
    assert not _gatherers()


@pytest.mark.parametrize("start", [0, 3])
def test_a_pass_gives_the_rows_the_permutation_names(start):
    x = RS.random((103, 70), dtype=np.float32)
    y = RS.integers(0, 5, 103)
    w = RS.random(103)
    order = RS.permutation(103)
    seen = 0
    # each batch is a view of its slot, valid until the next batch is taken
    for b, (xb, yb, wb) in enumerate(prefetch.PrefetchedPass(x, y, w, order, 16, start), start):
        idx = order[b * 16:(b + 1) * 16]
        for got, want in ((xb, x[idx]), (yb, y[idx]), (wb, w[idx])):
            assert got.dtype == want.dtype and got.shape == want.shape
        np.testing.assert_array_equal(xb, x[idx])
        np.testing.assert_array_equal(yb, y[idx])
        np.testing.assert_array_equal(wb, w[idx])
        seen += 1
    assert seen == 7 - start  # 6 batches of 16 rows and one of 7
    assert not _gatherers()


def test_a_pass_without_targets_and_with_rows_of_any_shape():
    x = RS.random((40, 3, 5)).astype(np.float32)
    y = np.eye(4, dtype=np.float32)[RS.integers(0, 4, 40)]
    order = RS.permutation(40)
    seen = 0
    for b, (xb, yb, wb) in enumerate(prefetch.PrefetchedPass(x, y, None, order, 8)):
        np.testing.assert_array_equal(xb, x[order[b * 8:(b + 1) * 8]])
        np.testing.assert_array_equal(yb, y[order[b * 8:(b + 1) * 8]])
        assert wb is None
        seen += 1
    assert seen == 5


def test_the_step_waits_for_a_slow_gatherer(monkeypatch):
    kernel = prefetch._gather_kernel()

    def slow(*args):
        time.sleep(0.05)
        return kernel(*args)

    monkeypatch.setattr(prefetch, "_kernel", slow)
    x = RS.random((64, 300), dtype=np.float32)
    order = RS.permutation(64)
    for b, (xb, _, _) in enumerate(prefetch.PrefetchedPass(x, None, None, order, 16)):
        np.testing.assert_array_equal(xb, x[order[b * 16:(b + 1) * 16]])


def test_a_gatherer_that_fails_is_reported_not_waited_for(monkeypatch):
    def broken(*args):
        raise MemoryError("no memory for the slots")

    monkeypatch.setattr(prefetch, "_kernel", broken)
    x = RS.random((64, 300), dtype=np.float32)
    batches = prefetch.PrefetchedPass(x, None, None, RS.permutation(64), 16)
    with pytest.raises(RuntimeError, match=r"stopped at batch 0 \(MemoryError.*NUMNET_FUSED=0"):
        next(batches)


def test_closing_a_pass_stops_its_thread():
    x = RS.random((400, 300), dtype=np.float32)
    batches = prefetch.PrefetchedPass(x, None, None, RS.permutation(400), 10)
    next(batches)
    time.sleep(0.01)  # the gatherer has filled the slots and naps
    assert _gatherers()
    batches.close()
    assert not _gatherers()
    dropped = prefetch.PrefetchedPass(x, None, None, RS.permutation(400), 10)
    next(dropped)
    del dropped  # dropping it stops it too
    assert not _gatherers()


def test_applies_only_where_the_slots_are_small_and_the_arrays_plain(monkeypatch):
    monkeypatch.setattr(prefetch, "_cores", lambda: 2)
    x = RS.random((100, 784), dtype=np.float32)
    y = RS.integers(0, 10, 100)
    assert prefetch.applies(x, y, None, 128)
    assert not prefetch.applies(x[:, ::2], y, None, 128)  # not in C order
    rows = prefetch.SLOT_BYTES // (prefetch.SLOTS * (784 * 4 + 8))
    assert prefetch.applies(x, y, None, rows)
    assert not prefetch.applies(x, y, None, rows + 1)  # the slots would take too much
    monkeypatch.setattr(prefetch, "_cores", lambda: 1)
    assert not prefetch.applies(x, y, None, 128)  # no second core
    monkeypatch.setattr(prefetch, "_cores", lambda: 2)
    previous = prefetch.set_enabled(False)
    try:
        assert not prefetch.applies(x, y, None, 128)
    finally:
        prefetch.set_enabled(previous)


def _fit(**fit_args):
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.layers.Input((70,)), keras.layers.Dense(12, activation="relu"),
                              keras.layers.Dense(4, activation="softmax")])
    model.compile(keras.optimizers.Adam(0.01), "sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(X, Y, batch_size=16, verbose=0, **fit_args)
    return model.get_weights(), history.history


X = RS.random((250, 70), dtype=np.float32)
Y = RS.integers(0, 4, 250)


@pytest.mark.parametrize("fit_args", [
    {"epochs": 3},
    {"epochs": 2, "validation_split": 0.2, "class_weight": {0: 2.0, 1: 0.5, 2: 1.0, 3: 1.0}},
    {"epochs": 2, "sample_weight": RS.random(250).astype(np.float32)},
    {"epochs": 3, "steps_per_epoch": 5},  # one pass of 16 batches over three epochs
], ids=["plain", "validation-class-weights", "sample-weights", "steps-per-epoch"])
def test_fit_gives_the_same_numbers_with_the_gatherer(used, fit_args):
    weights, history = _fit(**fit_args)
    assert used  # the passes were gathered ahead
    previous = prefetch.set_enabled(False)
    try:
        used.clear()
        weights_alone, history_alone = _fit(**fit_args)
        assert not used
    finally:
        prefetch.set_enabled(previous)
    assert history == history_alone
    for a, b in zip(weights, weights_alone, strict=True):
        np.testing.assert_array_equal(a, b)


def test_no_gatherer_outlives_a_fit_stopped_early_or_failing(used):
    class Stop(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                self.model.stop_training = True

    _, history = _fit(epochs=3, callbacks=[Stop()])
    assert len(history["loss"]) == 1 and used
    assert not _gatherers()

    class Fail(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 4:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _fit(epochs=3, callbacks=[Fail()])
    assert not _gatherers()


def test_fit_gathers_in_its_own_thread_where_the_step_is_the_tape(used):
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.layers.Input((70,)), keras.layers.Dense(12, activation="relu"),
                              keras.layers.Dense(4, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", jit_compile=False)
    model.fit(X, Y, batch_size=16, epochs=1, verbose=0)
    assert not used  # a layer on the tape might keep its input past the step
