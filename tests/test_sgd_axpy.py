"""Plain SGD on large arrays steps through the BLAS's axpy (scipy) when it is there."""

from __future__ import annotations

import numpy as np
import pytest

import numnet
from numnet import optimizers
from numnet.autodiff import Variable
from numnet.fast import updates as fused

pytest.importorskip("scipy.linalg", reason="the axpy path uses scipy's BLAS")


@pytest.fixture
def small_min(monkeypatch):
    monkeypatch.setattr(fused, "_AXPY_MIN", 1)
    monkeypatch.setattr(fused, "_blas", None)
    monkeypatch.setattr(fused, "_blas_allowed", True)
    calls = []
    original = fused.axpy

    def spy(g, w, alpha):
        done = original(g, w, alpha)
        calls.append(done)
        return done

    monkeypatch.setattr(fused, "axpy", spy)
    return calls


def _steps(dtype, steps=4):
    rs = np.random.default_rng(5)
    w = Variable(rs.normal(size=(300, 7)).astype(dtype))
    opt = optimizers.SGD(learning_rate=0.05)
    for _ in range(steps):
        opt.apply([(rs.normal(size=w.shape) + w.value).astype(dtype)], [w])
    return w.value


def test_axpy_step_equals_the_rule_in_float64(small_min, monkeypatch):
    got = _steps(np.float64)
    assert small_min and all(small_min)
    monkeypatch.setattr(fused, "_enabled", False)  # the NumPy path: w - g * lr
    np.testing.assert_allclose(got, _steps(np.float64), rtol=1e-12, atol=0)


def test_axpy_step_in_float32_within_one_rounding(small_min):
    """The BLAS may fuse the multiply and the add: one rounding where NumPy has two."""
    rs = np.random.default_rng(6)
    w0 = rs.normal(size=(300, 7)).astype(np.float32)
    g = rs.normal(size=(300, 7)).astype(np.float32)
    w = Variable(w0.copy())
    optimizers.SGD(learning_rate=0.05).apply([g], [w])
    assert small_min == [True]
    exact = w0.astype(np.float64) - np.float64(np.float32(0.05)) * g.astype(np.float64)
    scale = np.abs(w0) + np.abs(np.float32(0.05) * g)  # the size of the terms
    assert np.all(np.abs(w.value - exact) <= np.spacing(scale.astype(np.float32)))
    assert not np.array_equal(w.value, w0)


def test_without_scipy_the_kernels_step(small_min, monkeypatch):
    monkeypatch.setattr(fused, "_blas", False)
    got = _steps(np.float64)
    assert small_min == [False] * 4
    monkeypatch.setattr(fused, "_enabled", False)
    np.testing.assert_allclose(got, _steps(np.float64), rtol=1e-12, atol=0)


def test_not_used_below_the_size_or_for_other_arrays(monkeypatch):
    monkeypatch.setattr(fused, "_blas_allowed", True)
    w, g = np.zeros(10, np.float32), np.ones(10, np.float32)
    assert not fused.axpy(g, w, -0.1)  # below _AXPY_MIN
    monkeypatch.setattr(fused, "_AXPY_MIN", 1)
    assert not fused.axpy(g.astype(np.float64), w, -0.1)  # mixed dtypes
    assert not fused.axpy(g[::2], w[::2], -0.1)  # strided views
    w.flags.writeable = False
    assert not fused.axpy(g, w, -0.1)
    np.testing.assert_array_equal(w, 0.0)


def test_a_fit_on_one_blas_thread_keeps_plain_sgd_off_the_blas(small_min, monkeypatch):
    """While fit keeps the BLAS to one thread, a BLAS loaded later must not start its own."""
    pytest.importorskip("threadpoolctl", reason="the thread limit needs threadpoolctl")
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS",
                 "NUMNET_BLAS_THREADS"):
        monkeypatch.delenv(name, raising=False)
    rs = np.random.default_rng(0)
    x, y = rs.normal(size=(32, 5)).astype("float32"), rs.normal(size=(32, 1)).astype("float32")
    model = numnet.Sequential([numnet.Input(shape=(5,)), numnet.layers.Dense(1)])
    model.compile(optimizer=optimizers.SGD(0.01), loss="mse")
    model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert small_min and not any(small_min)
    assert fused._blas_allowed  # given back after fit
