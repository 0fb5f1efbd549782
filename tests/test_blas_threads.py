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
