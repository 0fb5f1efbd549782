"""fit trains small models with one BLAS thread and gives the BLAS its setting back after."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet.fast import threads

threadpoolctl = pytest.importorskip("threadpoolctl", reason="the thread limit needs threadpoolctl")


# numpy's own BLAS (its wheel ships it under numpy.libs); another one loaded into the process
# (scipy's, once any test has imported scipy) is not the one NumPy's products use.
_BLAS = [i for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
_NUMPY_BLAS = ({i["filepath"] for i in _BLAS if "numpy" in os.path.basename(
    os.path.dirname(i["filepath"]))} or {i["filepath"] for i in _BLAS})


def _blas_threads():
    """The thread counts of numpy's BLAS (a library loaded later, e.g. scipy's, is not ours)."""
    info = threadpoolctl.threadpool_info()
    return [i["num_threads"] for i in info if i["filepath"] in _NUMPY_BLAS]


class Probe(numnet.callbacks.Callback):
    def on_train_batch_end(self, batch, logs=None):
        self.seen = _blas_threads()


def _model(width):
    model = numnet.Sequential([numnet.Input(shape=(20,)), numnet.layers.Dense(width, "relu"),
                               numnet.layers.Dense(3, "softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    return model


def test_largest_product_counts_multiply_adds():
    model = _model(7)
    model.build((None, 20))
    assert threads.largest_product(model.trainable_weights, 32) == 32 * 20 * 7


@pytest.fixture
def no_user_setting(monkeypatch):
    for name in threads._USER_SETTINGS + ("NUMNET_BLAS_THREADS",):
        monkeypatch.delenv(name, raising=False)
    if not _blas_threads():
        pytest.skip("threadpoolctl sees no BLAS library in this process")
    with threadpoolctl.threadpool_limits(2, user_api="blas"):
        yield


def _threads_seen_in_fit() -> list:
    """numpy's BLAS thread counts seen during a fit of a small model (batch 16, 20 -> 8)."""
    rs = np.random.default_rng(0)
    x, y = rs.normal(size=(64, 20)).astype("float32"), rs.integers(0, 3, 64)
    probe = Probe()
    _model(8).fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[probe])
    return probe.seen


def test_small_model_trains_with_one_thread_and_restores(no_user_setting):
    before = _blas_threads()
    assert set(_threads_seen_in_fit()) == {1}
    assert _blas_threads() == before


def test_the_fast_step_of_large_products_keeps_the_blas_setting(no_user_setting, monkeypatch):
    monkeypatch.setattr(threads, "SMALL_PRODUCT", 100)  # 16 x 20 x 8 is above it now
    monkeypatch.setattr(threads, "BLAS_THREADED", 100)
    before = _blas_threads()

    class Step(Probe):
        def on_train_batch_end(self, batch, logs=None):
            super().on_train_batch_end(batch, logs)
            self.fast = self.model._stack_step is not None

    rs = np.random.default_rng(0)
    x, y = rs.normal(size=(64, 20)).astype("float32"), rs.integers(0, 3, 64)
    probe = Step()
    _model(8).fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[probe])
    if probe.fast:  # numba: the Dense stack's fast step, on the BLAS's own threads
        assert probe.seen == before
    else:  # through the tape: one BLAS thread, large products cut by numnet
        assert set(probe.seen) == {1}
    assert _blas_threads() == before


@pytest.mark.parametrize("name,value", [("OPENBLAS_NUM_THREADS", "2"),
                                        ("NUMNET_BLAS_THREADS", "keep")])
def test_a_user_setting_is_left_alone(no_user_setting, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    before = _blas_threads()
    assert _threads_seen_in_fit() == before


def test_the_limit_is_restored_when_fit_raises(no_user_setting):
    before = _blas_threads()

    class Boom(numnet.callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            raise RuntimeError("stop")

    rs = np.random.default_rng(0)
    x, y = rs.normal(size=(64, 20)).astype("float32"), rs.integers(0, 3, 64)
    with pytest.raises(RuntimeError, match="stop"):
        _model(8).fit(x, y, batch_size=16, epochs=1, verbose=0, callbacks=[Boom()])
    assert _blas_threads() == before


def test_the_thread_pools_are_looked_up_once_a_process(no_user_setting, monkeypatch):
    monkeypatch.setattr(threads, "_controllers", {})
    before = _blas_threads()
    assert set(_threads_seen_in_fit()) == {1}
    first = threads._controllers[os.getpid()]
    assert set(_threads_seen_in_fit()) == {1}
    assert threads._controllers == {os.getpid(): first}
    assert _blas_threads() == before


class _Spy:
    """The worker pool of fast/updates.py, counting what it is given."""

    def __init__(self, pool):
        self.pool, self.given = pool, 0

    def submit(self, *args, **kwargs):
        self.given += 1
        return self.pool.submit(*args, **kwargs)


@pytest.fixture
def two_workers(monkeypatch):
    """Two workers (the caller and one pool thread), whatever the machine's cores."""
    monkeypatch.setattr(threads.fused, "_threads", 2)
    monkeypatch.setattr(threads.fused, "_pool", None)
    pool = threads.fused._executor()
    spy = _Spy(pool)
    monkeypatch.setattr(threads.fused, "_executor", lambda: spy)
    yield spy
    pool.shutdown()


def test_a_tape_runs_the_blas_on_one_thread_and_cuts_large_products(no_user_setting,
                                                                    two_workers):
    before = _blas_threads()
    assert set(before) == {2}
    rs = np.random.default_rng(0)
    a, b = rs.normal(size=(512, 256)).astype("float32"), rs.normal(size=(256, 256)).astype(
        "float32")  # 512 x 256 x 256 = 2 x SMALL_PRODUCT
    with numnet.GradientTape():
        small = numnet.ops.matmul(a[:8], b)
        inside = _blas_threads()
        assert two_workers.given == 0  # a small product: one call, on this thread
        large = numnet.ops.matmul(a, b)
        assert two_workers.given == 1  # the second half of the rows, on the pool's thread
    assert set(inside) == {1}
    assert _blas_threads() == before  # the user's count is back after the block
    np.testing.assert_allclose(large.numpy(), a @ b, rtol=1e-5, atol=1e-4)
    np.testing.assert_allclose(small.numpy(), a[:8] @ b, rtol=1e-5, atol=1e-4)


def test_a_cut_product_writes_every_row_once(no_user_setting, two_workers, monkeypatch):
    monkeypatch.setattr(threads.fused, "_threads", 3)  # three blocks of uneven sizes
    rs = np.random.default_rng(1)
    a, b = rs.normal(size=(1001, 300)).astype("float64"), rs.normal(size=(300, 70))
    out = np.full((1001, 70), np.nan)
    with threads.scope():
        got = threads.matmul(a, b, out=out)
        transposed = threads.matmul(a.T.copy().T, b)  # a transposed view's row blocks
    assert got is out and two_workers.given == 4
    np.testing.assert_allclose(out, a @ b, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(transposed, a @ b, rtol=1e-12, atol=1e-12)


def test_a_tape_gradient_runs_on_one_thread_and_restores(no_user_setting):
    before = _blas_threads()
    w = numnet.Variable(np.ones((32, 32), "float32"))
    seen = []
    with numnet.GradientTape() as tape:
        loss = numnet.ops.sum(numnet.ops.matmul(np.ones((32, 32), "float32"), w))
    seen.append(_blas_threads())  # outside the block: the user's count
    grad = tape.gradient(loss, w)
    seen.append(_blas_threads())
    assert seen == [before, before]
    np.testing.assert_allclose(grad.numpy(), np.full((32, 32), 32.0))


def test_outside_numnet_s_computations_nothing_changes(no_user_setting):
    before = _blas_threads()
    a = numnet.ops.ones((16, 16))
    numnet.ops.matmul(a, a)
    assert _blas_threads() == before  # eager, no tape, no fit: the BLAS as it was


def test_evaluate_and_predict_run_on_one_thread(no_user_setting):
    seen = {}

    class Probe(numnet.callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            seen["evaluate"] = _blas_threads()

        def on_predict_batch_end(self, batch, logs=None):
            seen["predict"] = _blas_threads()

    rs = np.random.default_rng(0)
    x, y = rs.normal(size=(512, 20)).astype("float32"), rs.integers(0, 3, 512)
    model = _model(64)  # 256 x 20 x 64 multiply-adds: a product the BLAS would thread
    before = _blas_threads()
    model.evaluate(x, y, batch_size=256, verbose=0, callbacks=[Probe()])
    model.predict(x, batch_size=256, verbose=0, callbacks=[Probe()])
    assert set(seen["evaluate"]) == {1} and set(seen["predict"]) == {1}
    assert _blas_threads() == before
    # one row: products OpenBLAS runs on one thread by itself; the BLAS is not touched
    model.predict(x[:1], verbose=0, callbacks=[Probe()])
    assert seen["predict"] == before


def test_a_large_dense_product_is_cut_during_fit_and_predict(no_user_setting, two_workers):
    """A subclassed model trains through the tape: its 256 x 512 x 512 products (above
    SMALL_PRODUCT) are cut across the workers, forward and backward, with the BLAS on one
    thread; the weights come out as an uncut run's to float32 rounding."""

    def run():
        numnet.utils.set_random_seed(0)
        model = numnet.Sequential([numnet.Input((512,)), numnet.layers.Dense(512, "relu"),
                                   numnet.layers.Dense(3)])
        model.compile(numnet.optimizers.SGD(0.01), numnet.losses.SparseCategoricalCrossentropy(
            from_logits=True), jit_compile=False)
        rs = np.random.default_rng(0)
        x, y = rs.normal(size=(256, 512)).astype("float32"), rs.integers(0, 3, 256)
        model.fit(x, y, batch_size=256, epochs=2, verbose=0)
        return model.get_weights(), model.predict(x, batch_size=256, verbose=0)

    before = _blas_threads()
    cut_weights, cut_out = run()
    assert two_workers.given >= 3  # forward, the kernel's gradient, predict
    assert _blas_threads() == before
    threads.fused._threads = 1  # (restored by the fixture) one worker: nothing is cut
    given = two_workers.given
    whole_weights, whole_out = run()
    assert two_workers.given == given
    for cut, whole in zip(cut_weights, whole_weights, strict=True):
        np.testing.assert_allclose(cut, whole, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(cut_out, whole_out, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name,value", [("OPENBLAS_NUM_THREADS", "2"),
                                        ("NUMNET_BLAS_THREADS", "keep")])
def test_a_tape_leaves_a_user_setting_alone(no_user_setting, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    before = _blas_threads()
    with numnet.GradientTape():
        a = numnet.ops.ones((16, 16))
        numnet.ops.matmul(a, a)
        assert _blas_threads() == before
