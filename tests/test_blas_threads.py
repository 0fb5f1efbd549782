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


def test_large_products_keep_the_blas_setting(no_user_setting, monkeypatch):
    monkeypatch.setattr(threads, "SMALL_PRODUCT", 100)  # 16 x 20 x 8 is above it now
    before = _blas_threads()
    assert _threads_seen_in_fit() == before


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


def _product_threads(n: int) -> list:
    """numpy's BLAS thread counts right after numnet multiplies two n x n matrices."""
    a = numnet.ops.ones((n, n))
    numnet.ops.matmul(a, a)
    return _blas_threads()


def test_a_tape_gives_each_product_threads_by_its_size(no_user_setting):
    before = _blas_threads()
    assert set(before) == {2}
    with numnet.GradientTape():
        small = _product_threads(64)  # 64^3 multiply-adds: one thread
        large = _product_threads(256)  # 256^3 = SMALL_PRODUCT: all of them
        again = _product_threads(8)
    assert set(small) == {1} and large == before and set(again) == {1}
    assert _blas_threads() == before  # the user's count is back after the block


def test_a_tape_gradient_runs_its_products_by_size_and_restores(no_user_setting):
    before = _blas_threads()
    w = numnet.Variable(np.ones((32, 32), "float32"))
    seen = []

    class Spy(numnet.layers.Layer):
        def call(self, x):
            return x

    with numnet.GradientTape() as tape:
        loss = numnet.ops.sum(numnet.ops.matmul(np.ones((32, 32), "float32"), w))
    seen.append(_blas_threads())  # outside the block: the user's count
    grad = tape.gradient(loss, w)
    seen.append(_blas_threads())
    assert seen == [before, before]
    np.testing.assert_allclose(grad.numpy(), np.full((32, 32), 32.0))


def test_outside_numnet_s_computations_nothing_changes(no_user_setting):
    before = _blas_threads()
    assert _product_threads(16) == before  # eager, no tape, no fit: the BLAS as it was


def test_evaluate_and_predict_run_small_products_on_one_thread(no_user_setting):
    seen = {}

    class Probe(numnet.callbacks.Callback):
        def on_test_batch_end(self, batch, logs=None):
            seen["evaluate"] = _blas_threads()

        def on_predict_batch_end(self, batch, logs=None):
            seen["predict"] = _blas_threads()

    rs = np.random.default_rng(0)
    x, y = rs.normal(size=(64, 20)).astype("float32"), rs.integers(0, 3, 64)
    model = _model(8)
    before = _blas_threads()
    model.evaluate(x, y, batch_size=16, verbose=0, callbacks=[Probe()])
    model.predict(x, batch_size=16, verbose=0, callbacks=[Probe()])
    assert set(seen["evaluate"]) == {1} and set(seen["predict"]) == {1}
    assert _blas_threads() == before


def test_a_conv_model_s_large_products_get_every_thread_during_fit(no_user_setting):
    """A small Dense head pins one thread at fit's start; a convolution's large product takes
    the BLAS's full count back while it runs (the 2-D weights alone would say 'small')."""
    seen = []

    class After(numnet.layers.Layer):
        def call(self, x):
            seen.append(_blas_threads())
            return x

    model = numnet.Sequential([numnet.Input((32, 32, 16)),
                               numnet.layers.Conv2D(64, 3, padding="same"), After(),
                               numnet.layers.GlobalAveragePooling2D(),
                               numnet.layers.Dense(3, "softmax")])
    model.compile("sgd", "sparse_categorical_crossentropy")
    rs = np.random.default_rng(0)
    x, y = rs.normal(size=(128, 32, 32, 16)).astype("float32"), rs.integers(0, 3, 128)
    before = _blas_threads()
    model.fit(x, y, batch_size=128, epochs=1, verbose=0)  # 128*32*32 x 144 x 64 = 1.2 G
    assert seen and all(s == before for s in seen)
    assert _blas_threads() == before


@pytest.mark.parametrize("name,value", [("OPENBLAS_NUM_THREADS", "2"),
                                        ("NUMNET_BLAS_THREADS", "keep")])
def test_a_tape_leaves_a_user_setting_alone(no_user_setting, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    before = _blas_threads()
    with numnet.GradientTape():
        assert _product_threads(16) == before
