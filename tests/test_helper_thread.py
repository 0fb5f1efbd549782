"""fast/helper_thread.py: fit's shuffled batches gathered ahead, and large products cut in two,
by a helper thread on the second core.

The gathered batches must be exactly the rows the permutation names, a product cut in two must
be NumPy's bit for bit, and a fit with the helper must give the same numbers as one without it;
the thread must be gone when the fit ends, however it ends.
"""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

import numnet as keras
from numnet.fast import helper_thread, threads
from numnet.fast import updates as fused

pytestmark = [
    pytest.mark.skipif(not fused.is_available(),
                       reason="the helper runs a compiled loop; numba is not installed"),
    pytest.mark.skipif(helper_thread._compiled() is None,
                       reason="the helper's loop needs Linux (usleep, prctl)"),
    pytest.mark.cpu_only,  # NumPy arrays only
]

needs_gemm = pytest.mark.skipif(
    not helper_thread._numpy_gemm(),
    reason="NumPy here does not link the 64-bit OpenBLAS of its wheels; products are not split")

RS = np.random.default_rng(0)


def _helpers():
    return [t for t in threading.enumerate() if t.name == "numnet-helper" and t.is_alive()]


@pytest.fixture
def used(monkeypatch):
    """Make fit's conditions hold on any machine (two cores, one BLAS thread), split every
    product, and record the helpers made and the passes gathered ahead."""
    monkeypatch.setattr(helper_thread, "_cores", lambda: 2)
    monkeypatch.setattr(helper_thread, "SPLIT_MACS", 1)
    monkeypatch.setattr(helper_thread, "SPLIT_BYTES", 1 << 40)
    monkeypatch.setattr(threads.Limit, "active", property(lambda self: True))
    made = {"passes": [], "helpers": []}
    for cls, key in ((helper_thread.PrefetchedPass, "passes"), (helper_thread.Helper, "helpers")):
        def counted(self, *args, __original=cls.__init__, __key=key, **kwargs):
            made[__key].append(self)
            __original(self, *args, **kwargs)

        monkeypatch.setattr(cls, "__init__", counted)
    yield made
    assert not _helpers()


@pytest.mark.parametrize("start", [0, 3])
def test_a_pass_gives_the_rows_the_permutation_names(start):
    x = RS.random((103, 70), dtype=np.float32)
    y = RS.integers(0, 5, 103)
    w = RS.random(103)
    order = RS.permutation(103)
    seen = 0
    # each batch is a view of its slot, valid until the next batch is taken
    for b, (xb, yb, wb) in enumerate(helper_thread.PrefetchedPass(x, y, w, order, 16, start),
                                     start):
        idx = order[b * 16:(b + 1) * 16]
        for got, want in ((xb, x[idx]), (yb, y[idx]), (wb, w[idx])):
            assert got.dtype == want.dtype and got.shape == want.shape
            np.testing.assert_array_equal(got, want)
        seen += 1
    assert seen == 7 - start  # 6 batches of 16 rows and one of 7
    assert not _helpers()


def test_a_pass_without_weights_and_with_rows_of_any_shape():
    x = RS.random((40, 3, 5)).astype(np.float32)
    y = np.eye(4, dtype=np.float32)[RS.integers(0, 4, 40)]
    order = RS.permutation(40)
    seen = 0
    for b, (xb, yb, wb) in enumerate(helper_thread.PrefetchedPass(x, y, None, order, 8)):
        np.testing.assert_array_equal(xb, x[order[b * 8:(b + 1) * 8]])
        np.testing.assert_array_equal(yb, y[order[b * 8:(b + 1) * 8]])
        assert wb is None
        seen += 1
    assert seen == 5


def test_the_step_waits_for_a_slow_helper(monkeypatch):
    loop = helper_thread._loop()

    def slow(*args):
        time.sleep(0.05)
        return loop(*args)

    monkeypatch.setattr(helper_thread, "_loop", lambda: slow)
    x = RS.random((64, 300), dtype=np.float32)
    order = RS.permutation(64)
    for b, (xb, _, _) in enumerate(helper_thread.PrefetchedPass(x, None, None, order, 16)):
        np.testing.assert_array_equal(xb, x[order[b * 16:(b + 1) * 16]])


def test_a_helper_that_fails_is_reported_not_waited_for(monkeypatch):
    def broken(*args):
        raise MemoryError("no memory for the slots")

    monkeypatch.setattr(helper_thread, "_loop", lambda: broken)
    x = RS.random((64, 300), dtype=np.float32)
    batches = helper_thread.PrefetchedPass(x, None, None, RS.permutation(64), 16)
    with pytest.raises(RuntimeError, match=r"stopped at batch 0 \(MemoryError.*NUMNET_FUSED=0"):
        next(batches)


def test_closing_or_dropping_a_pass_stops_its_thread():
    x = RS.random((400, 300), dtype=np.float32)
    batches = helper_thread.PrefetchedPass(x, None, None, RS.permutation(400), 10)
    next(batches)
    time.sleep(0.01)  # the helper has filled the slots and waits
    assert _helpers()
    batches.close()
    assert not _helpers()
    dropped = helper_thread.PrefetchedPass(x, None, None, RS.permutation(400), 10)
    next(dropped)
    del dropped
    assert not _helpers()


def test_applies_only_where_the_slots_are_small_and_the_arrays_plain(monkeypatch):
    monkeypatch.setattr(helper_thread, "_cores", lambda: 2)
    x = RS.random((100, 784), dtype=np.float32)
    y = RS.integers(0, 10, 100)
    assert helper_thread.applies(x, y, None, 128)
    assert not helper_thread.applies(x[:, ::2], y, None, 128)  # not in C order
    rows = helper_thread.SLOT_BYTES // (helper_thread.SLOTS * (784 * 4 + 8))
    assert helper_thread.applies(x, y, None, rows)
    assert not helper_thread.applies(x, y, None, rows + 1)  # the slots would take too much
    monkeypatch.setattr(helper_thread, "_cores", lambda: 1)
    assert not helper_thread.applies(x, y, None, 128)  # no second core
    monkeypatch.setattr(helper_thread, "_cores", lambda: 2)
    previous = helper_thread.set_enabled(False)
    try:
        assert not helper_thread.applies(x, y, None, 128)
    finally:
        helper_thread.set_enabled(previous)


def test_a_cpu_quota_counts_as_fewer_cores(tmp_path):
    (tmp_path / "cpu.max").write_text("150000 100000\n")
    assert helper_thread._cpu_quota(str(tmp_path)) == 1.5
    (tmp_path / "cpu.max").write_text("max 100000\n")
    assert helper_thread._cpu_quota(str(tmp_path)) is None
    (tmp_path / "cpu.max").unlink()
    (tmp_path / "cpu").mkdir()
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("100000\n")
    (tmp_path / "cpu" / "cpu.cfs_period_us").write_text("100000\n")
    assert helper_thread._cpu_quota(str(tmp_path)) == 1.0
    (tmp_path / "cpu" / "cpu.cfs_quota_us").write_text("-1\n")
    assert helper_thread._cpu_quota(str(tmp_path)) is None
    assert helper_thread._cpu_quota(str(tmp_path / "absent")) is None


def test_the_ranks_of_an_mpi_job_share_the_cores(monkeypatch):
    monkeypatch.setattr(helper_thread, "_cpu_quota", lambda: None)
    monkeypatch.setattr(helper_thread.os, "sched_getaffinity", lambda pid: {0, 1, 2, 3})
    monkeypatch.delenv("OMPI_COMM_WORLD_LOCAL_SIZE", raising=False)
    monkeypatch.delenv("MPI_LOCALNRANKS", raising=False)
    assert helper_thread._cores() == 4
    monkeypatch.setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "2")
    assert helper_thread._cores() == 2
    monkeypatch.setenv("OMPI_COMM_WORLD_LOCAL_SIZE", "4")
    assert helper_thread._cores() == 1  # one core each: no helper
    monkeypatch.delenv("OMPI_COMM_WORLD_LOCAL_SIZE")
    monkeypatch.setenv("MPI_LOCALNRANKS", "3")
    assert helper_thread._cores() == 1
    monkeypatch.setattr(helper_thread, "_cpu_quota", lambda: 2.5)
    monkeypatch.setenv("MPI_LOCALNRANKS", "garbage")
    assert helper_thread._cores() == 2  # the quota: two whole CPUs' time


# the products of the seeds' first layers (W1, W2, W3), forward, weight and input gradients
SHAPES = [(128, 784, 32), (32, 784, 128), (32, 784, 25), (31, 784, 128), (32, 128, 784)]


@needs_gemm
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("batch,fan_in,fan_out", SHAPES)
def test_a_product_cut_in_two_is_numpys(monkeypatch, dtype, batch, fan_in, fan_out):
    monkeypatch.setattr(helper_thread, "SPLIT_BYTES", 1 << 40)
    monkeypatch.setattr(helper_thread, "SPLIT_MACS", 1 << 19)  # (W3's 627k products cut too)
    rng = np.random.default_rng(batch + fan_out)
    x = rng.standard_normal((batch, fan_in)).astype(dtype)
    w = rng.standard_normal((fan_in, fan_out)).astype(dtype)
    dz = rng.standard_normal((batch, fan_out)).astype(dtype)
    helper = helper_thread.Helper()
    rows = RS.random((200, 8), dtype=np.float32)
    products = [(x, w), (x.T, dz), (dz, w.T)]
    # with a pass running, its thread computes half of each product; without, the caller does
    running = helper_thread.PrefetchedPass(rows, None, None, RS.permutation(200), 50,
                                           helper=helper)
    next(running)
    deadline = time.perf_counter() + 10.0  # until the helper has taken halves (at once, unless
    rounds = 0  # another process holds the second core)
    while rounds < 50 or (helper.handed == 0 and time.perf_counter() < deadline):
        for a, b in products:
            np.testing.assert_array_equal(helper.matmul(a, b), np.matmul(a, b))
            out = np.empty((a.shape[0], b.shape[1]), dtype)
            assert helper.matmul(a, b, out) is out
            np.testing.assert_array_equal(out, a @ b)
        rounds += 1
    running.close()
    assert helper.cut == 6 * rounds and helper.handed > 0  # the helper took halves
    handed = helper.handed
    for a, b in products:
        np.testing.assert_array_equal(helper.matmul(a, b), np.matmul(a, b))
    assert helper.cut == 6 * rounds + 3 and helper.handed == handed  # no thread: the caller


@needs_gemm
def test_a_shape_whose_halves_differ_from_numpys_is_not_cut(monkeypatch):
    monkeypatch.setattr(helper_thread, "SPLIT_BYTES", 1 << 40)
    loops = helper_thread._compiled()

    class OffByOneBit:
        """split_matmul, with one value a unit in the last place off."""

        @staticmethod
        def split_matmul(fn, a, b, out, task, state, by_rows, cut):
            loops.split_matmul(fn, a, b, out, task, state, by_rows, cut)
            out[0, 0] = np.nextafter(out[0, 0], np.inf)
            return True

    monkeypatch.setattr(helper_thread, "_same_bits", {})
    helper = helper_thread.Helper()
    OffByOneBit.TASK_FIELDS = loops.TASK_FIELDS
    helper._loops = OffByOneBit
    x = RS.random((64, 784), dtype=np.float32)
    w = RS.random((784, 64), dtype=np.float32)
    np.testing.assert_array_equal(helper.matmul(x, w), x @ w)  # compared, and NumPy's kept
    assert helper.cut == 1 and list(helper_thread._same_bits.values()) == [False]
    np.testing.assert_array_equal(helper.matmul(x, w), x @ w)
    assert helper.cut == 1  # not cut again


@needs_gemm
def test_small_or_odd_products_are_numpys_own():
    helper = helper_thread.Helper()
    x = RS.random((4, 10), dtype=np.float32)
    w = RS.random((10, 3), dtype=np.float32)
    np.testing.assert_array_equal(helper.matmul(x, w), x @ w)  # below SPLIT_MACS
    big = RS.random((64, 784), dtype=np.float32)
    kernel = RS.random((784, 64), dtype=np.float32)
    np.testing.assert_array_equal(helper.matmul(big[:, ::2], kernel[::2]),
                                  big[:, ::2] @ kernel[::2])  # strided: NumPy's path
    np.testing.assert_array_equal(helper.matmul(big, kernel.astype(np.float64)),
                                  big @ kernel.astype(np.float64))  # mixed dtypes
    wide = RS.random((784, 128), dtype=np.float32)  # W2's kernel: 400 KB
    np.testing.assert_array_equal(helper.matmul(big, wide), big @ wide)
    assert helper.cut == 0


def _fit(width=12, **fit_args):
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.layers.Input((70,)),
                              keras.layers.Dense(width, activation="relu"),
                              keras.layers.Dense(width, activation="tanh"),
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
    {"epochs": 2, "width": 40},
], ids=["plain", "validation-class-weights", "sample-weights", "steps-per-epoch", "wider"])
def test_fit_gives_the_same_numbers_with_the_helper(used, fit_args):
    weights, history = _fit(**fit_args)
    assert used["passes"] and used["helpers"]
    if helper_thread._numpy_gemm():
        assert sum(h.cut for h in used["helpers"]) > 0  # (which thread computes a half varies)
    previous = helper_thread.set_enabled(False)
    try:
        used["passes"].clear()
        weights_alone, history_alone = _fit(**fit_args)
        assert not used["passes"]
    finally:
        helper_thread.set_enabled(previous)
    assert history == history_alone
    for a, b in zip(weights, weights_alone, strict=True):
        np.testing.assert_array_equal(a, b)


def test_no_helper_outlives_a_fit_stopped_early_or_failing(used):
    class Stop(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 2:
                self.model.stop_training = True

    _, history = _fit(epochs=3, callbacks=[Stop()])
    assert len(history["loss"]) == 1 and used["passes"]
    assert not _helpers()

    class Fail(keras.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            if batch == 4:
                raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _fit(epochs=3, callbacks=[Fail()])
    assert not _helpers()


def test_the_tape_gathers_its_batches_itself(used):
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.layers.Input((70,)), keras.layers.Dense(12, activation="relu"),
                              keras.layers.Dense(4, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", jit_compile=False)
    model.fit(X, Y, batch_size=16, epochs=1, verbose=0)
    assert not used["passes"]  # a layer on the tape might keep its input past the step


@pytest.mark.parametrize("how", ["memory-mapped", "unshuffled", "batch-shuffled"])
def test_streamed_or_unshuffled_data_is_gathered_by_the_step(used, tmp_path, how):
    keras.utils.set_random_seed(5)
    model = keras.Sequential([keras.layers.Input((70,)), keras.layers.Dense(12, activation="relu"),
                              keras.layers.Dense(4, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    x, shuffle = X, {"unshuffled": False, "batch-shuffled": "batch"}.get(how, True)
    if how == "memory-mapped":
        np.save(tmp_path / "x.npy", X)
        x = np.load(tmp_path / "x.npy", mmap_mode="r")
    model.fit(x, Y, batch_size=16, epochs=1, verbose=0, shuffle=shuffle)
    assert not used["passes"]
