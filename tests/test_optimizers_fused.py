"""The fused kernels (numba) against the NumPy path: the same numbers, and a clean fallback.

float64: equal to 1e-12 relative (the kernels do the NumPy path's operations in its order);
float32: equal within float32 rounding. Arrays the kernels do not take (strided, mixed dtypes)
go through NumPy and still follow the rule.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

from numnet import optimizers
from numnet.autodiff import Variable
from numnet.fast import updates as fused

try:
    import numba  # noqa: F401

    HAS_NUMBA = True
except ImportError:
    HAS_NUMBA = False
needs_numba = pytest.mark.skipif(not HAS_NUMBA, reason="the fused kernels need numba")
pytestmark = pytest.mark.cpu_only  # the GPU's kernels are checked in test_device.py

CASES = [
    (optimizers.SGD, {"learning_rate": 0.1}),
    (optimizers.SGD, {"learning_rate": 0.1, "momentum": 0.9}),
    (optimizers.SGD, {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    (optimizers.RMSprop, {}),
    (optimizers.RMSprop, {"momentum": 0.5}),
    (optimizers.RMSprop, {"centered": True}),
    (optimizers.RMSprop, {"centered": True, "momentum": 0.5, "epsilon": 1e-3}),
    (optimizers.Adam, {"learning_rate": 0.01}),
    (optimizers.Adam, {"learning_rate": 0.01, "amsgrad": True, "beta_2": 0.5}),
    (optimizers.AdamW, {"learning_rate": 0.01, "weight_decay": 0.1}),
    (optimizers.Adagrad, {"learning_rate": 0.1}),
    (optimizers.Adadelta, {"learning_rate": 1.0}),
    (optimizers.Adamax, {"learning_rate": 0.01}),
    (optimizers.Nadam, {"learning_rate": 0.01}),
    (optimizers.Ftrl, {"learning_rate": 0.1, "l1_regularization_strength": 0.01}),
    (optimizers.Ftrl, {"learning_rate": 0.1, "l2_shrinkage_regularization_strength": 0.1}),
    (optimizers.Lion, {"learning_rate": 0.01}),
    (optimizers.Adam, {"clipnorm": 1.0, "use_ema": True, "gradient_accumulation_steps": 2}),
]


def _id(case):
    cls, kwargs = case
    return cls.__name__ + "".join(f"-{k}={v}" for k, v in kwargs.items())


def trajectory(cls, kwargs, dtype, use_fused, shape=(37, 29), steps=8, seed=0):
    fused.set_enabled(use_fused)
    try:
        rs = np.random.default_rng(seed)
        var = Variable(rs.normal(size=shape).astype(dtype))
        opt = cls(**kwargs)
        out = []
        for _ in range(steps):
            g = (rs.normal(size=shape) * rs.uniform(0.01, 3.0)).astype(dtype)
            opt.apply([g], [var])
            out.append(var.value.copy())
        return out
    finally:
        fused.set_enabled(True)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=_id)
def test_fused_equals_numpy_path(case, dtype):
    cls, kwargs = case
    got = trajectory(cls, kwargs, dtype, True)
    want = trajectory(cls, kwargs, dtype, False)
    assert not np.array_equal(want[0], want[-1])
    for t, (a, b) in enumerate(zip(got, want, strict=True)):
        assert a.dtype == dtype
        if dtype == np.float64:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, err_msg=f"step {t + 1}")
        else:
            spacing = np.spacing(np.abs(b).astype(np.float32))
            assert np.all(np.abs(a - b) <= 4 * spacing), f"step {t + 1}"


# Slots that decay while the gradient is zero: (case, slot names). Adagrad's and Ftrl's only grow
# or stay.
DECAYING = {
    0: (), 1: ("velocity",), 2: ("velocity",), 3: ("velocity",), 4: ("velocity", "momentum"),
    5: ("velocity", "average_gradient"), 6: ("velocity", "average_gradient", "momentum"),
    7: ("m", "v"), 8: ("m", "v"), 9: ("m", "v"), 10: (), 11: ("accumulated_grad",
    "accumulated_delta_var"), 12: ("m", "u"), 13: ("m", "v"), 14: (), 15: (), 16: ("m",),
}


def _step_from_the_edge(cls, kwargs, dtype, use_fused):
    """Every slot set just above the dtype's smallest normal number, then one zero gradient:
    (the slots, the weights) after that step."""
    fused.set_enabled(use_fused)
    try:
        var = Variable(np.linspace(-1, 1, 64).astype(dtype))
        opt = cls(**kwargs)
        opt.build([var])
        tiny = np.finfo(dtype).tiny
        slots = {k: a for k, a in opt._slots[var.uid].items() if not k.startswith("_")}
        for a in slots.values():
            a[...] = tiny * 1.0001
        opt.apply([np.zeros(64, dtype)], [var])
        return slots, var.value.copy()
    finally:
        fused.set_enabled(True)


@needs_numba
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("index", range(17))
def test_fused_kernels_flush_decaying_slots_to_zero(index, dtype):
    """Below finfo.tiny the kernels store 0 where NumPy goes on with subnormal numbers, whose
    arithmetic is many times slower; the weights are the same."""
    cls, kwargs = CASES[index]
    fast, w_fast = _step_from_the_edge(cls, kwargs, dtype, True)
    slow, w_slow = _step_from_the_edge(cls, kwargs, dtype, False)
    tiny = np.finfo(dtype).tiny
    for name, a in fast.items():
        assert not np.any((a != 0) & (abs(a) < tiny)), f"{name} holds subnormal numbers"
        if name in DECAYING[index]:
            assert np.all(a == 0), name
            assert np.all((slow[name] != 0) & (abs(slow[name]) < tiny)), name  # NumPy's
        else:
            np.testing.assert_array_equal(a, slow[name])
    np.testing.assert_array_equal(w_fast, w_slow)


@needs_numba
def test_fused_path_is_taken_for_numpy_float_arrays():
    g, w, v = np.ones(10, np.float32), np.ones(10, np.float32), np.zeros(10, np.float32)
    assert fused.run("sgd_momentum", (g, w, v), (0.1, 0.9, False))
    np.testing.assert_allclose(v, 0.9 * 0 - 0.1 * 1, rtol=1e-7)  # velocity
    np.testing.assert_allclose(w, 1 + v, rtol=1e-7)


@needs_numba
def test_read_only_gradient_is_taken_and_read_only_weights_are_declined():
    g, w, v = np.ones(10), np.ones(10), np.zeros(10)
    g.flags.writeable = False
    assert fused.run("sgd_momentum", (g, w, v), (0.1, 0.9, False))
    np.testing.assert_allclose(w, 0.9, rtol=1e-15)
    w.flags.writeable = False  # the kernel cannot compile for it: nothing runs
    assert not fused.run("sgd_momentum", (g, w, v), (0.1, 0.9, False))
    np.testing.assert_allclose(w, 0.9, rtol=1e-15)
    np.testing.assert_allclose(v, -0.1, rtol=1e-15)


@needs_numba
@pytest.mark.parametrize(
    "arrays",
    [
        lambda: (np.ones((4, 6)).T, np.ones((6, 4)), np.zeros((6, 4))),  # strided gradient
        lambda: (np.ones(5, np.float32), np.ones(5), np.zeros(5)),  # mixed dtypes
        lambda: (np.ones(5, np.float16), np.ones(5, np.float16), np.zeros(5, np.float16)),
        lambda: (np.ones(5), np.ones(6), np.zeros(6)),  # sizes differ
    ],
)
def test_fused_path_declines_what_it_does_not_take(arrays):
    g, w, v = arrays()
    before = w.copy()
    assert not fused.run("sgd_momentum", (g, w, v), (0.1, 0.9, False))
    np.testing.assert_array_equal(w, before)


@pytest.mark.parametrize("use_fused", [pytest.param(True, marks=needs_numba), False])
def test_strided_and_mixed_dtype_gradients_follow_the_rule(use_fused):
    """A transposed float64 gradient for a float32 variable: the NumPy path takes it."""
    fused.set_enabled(use_fused)
    try:
        w0 = np.linspace(-1, 1, 24).reshape(6, 4)
        var = Variable(w0.astype(np.float32))
        opt = optimizers.SGD(learning_rate=0.1, momentum=0.9)
        g = np.arange(24, dtype=np.float64).reshape(4, 6).T / 24
        opt.apply([g], [var])
        opt.apply([g], [var])
    finally:
        fused.set_enabled(True)
    velocity = -0.1 * g
    velocity = 0.9 * velocity - 0.1 * g
    want = w0 - 0.1 * g + velocity
    np.testing.assert_allclose(var.value, want, rtol=0, atol=1e-6)
    assert var.value.dtype == np.float32


@needs_numba
@pytest.mark.parametrize(
    "case",
    [
        (optimizers.Adam, {"learning_rate": 0.01}),
        (optimizers.SGD, {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
        (optimizers.RMSprop, {"centered": True, "momentum": 0.5}),
    ],
    ids=_id,
)
def test_threaded_pieces_give_the_same_result(case, monkeypatch):
    """Large arrays are cut into pieces updated on several threads; nothing changes."""
    cls, kwargs = case
    monkeypatch.setattr(fused, "_threads", 3)
    shape = (3 * fused._PIECE + 17,)
    got = trajectory(cls, kwargs, np.float64, True, shape=shape, steps=3)
    want = trajectory(cls, kwargs, np.float64, False, shape=shape, steps=3)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)


def _python(code: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, **env},
        timeout=120,
    )


def test_import_numnet_does_not_import_numba():
    result = _python(
        "import sys, numnet; from numnet import optimizers; optimizers.Adam(); "
        "print('numba' in sys.modules)"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@needs_numba
def test_numnet_fused_0_turns_the_fused_path_off():
    code = "from numnet.fast import updates as fused; print(fused.is_available())"
    assert _python(code, NUMNET_FUSED="0").stdout.strip() == "False"
    assert _python(code, NUMNET_FUSED="1").stdout.strip() == "True"


def test_bad_thread_count_names_the_variable():
    result = _python("import numnet.fast.updates", NUMNET_FUSED_THREADS="many")
    assert result.returncode != 0
    assert "NUMNET_FUSED_THREADS" in result.stderr and "'many'" in result.stderr
