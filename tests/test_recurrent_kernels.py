"""The whole-sequence kernels of SimpleRNN, LSTM and GRU against the per-step tape path (their
reference), outputs and every gradient, in float32 and float64, compiled and as NumPy; gradient
checks with masks; return_state and initial_state called eagerly."""

from __future__ import annotations

import contextlib
import os

import numpy as np
import pytest

from numnet import layers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor
from numnet.fast import recurrent as recurrent_kernels
from numnet.fast import updates as fused

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

KINDS = {
    "simple_rnn": lambda **kw: layers.SimpleRNN(4, **kw),
    "lstm": lambda **kw: layers.LSTM(4, **kw),
    "gru": lambda **kw: layers.GRU(4, **kw),
    "gru_reset_before": lambda **kw: layers.GRU(4, reset_after=False, **kw),
}
OPTIONS = {
    "last": dict(),
    "sequences": dict(return_sequences=True),
    "backwards_states": dict(go_backwards=True, return_state=True),
    "sequences_backwards": dict(return_sequences=True, go_backwards=True),
    "no_bias_states": dict(use_bias=False, return_sequences=True, return_state=True),
    "dropout": dict(dropout=0.3, recurrent_dropout=0.4, return_sequences=True, seed=5),
    "dropout_one_mask": dict(dropout=0.3, return_state=True, seed=2),
}
MASKS = {"no_mask": None, "mask": False, "mask_zero_output": True}


@contextlib.contextmanager
def reference_path():
    recurrent_kernels.enabled = False
    try:
        yield
    finally:
        recurrent_kernels.enabled = True


def _make(kind, options, dtype, zero_output):
    layer = KINDS[kind](dtype=dtype, **options)
    if zero_output:
        layer.zero_output_for_mask = True
    return layer


def _weights(layer, shape, seed=1):
    layer(np.zeros(shape, layer.dtype))
    rng = np.random.default_rng(seed)
    layer.set_weights([rng.uniform(-0.7, 0.7, w.shape).astype(w.dtype)
                       for w in layer.get_weights()])
    return layer


def _run(layer, x, mask, states, weights, training):
    """The outputs and the gradients of a random projection of them (inputs, initial states,
    every weight)."""
    xt = Tensor(x, requires_grad=True)
    initial = [Tensor(s, requires_grad=True) for s in states]
    out = layer(xt, training=training, mask=mask, initial_state=initial)
    outs = out if isinstance(out, (list, tuple)) else [out]
    rng = np.random.default_rng(9)
    loss = None
    for o in outs:
        term = ops.sum(ops.multiply(o, rng.normal(size=o.shape).astype(x.dtype)))
        loss = term if loss is None else ops.add(loss, term)
    for w in layer.trainable_weights:
        w.grad = None
    loss.backward()
    grads = [xt.grad, *(s.grad for s in initial), *(w.grad for w in layer.trainable_weights)]
    return [o.numpy() for o in outs], grads


def _compare(kind, option, mask_kind, dtype, tol):
    options = OPTIONS[option]
    shape = (3, 6, 5)
    rng = np.random.default_rng(0)
    x = rng.normal(size=shape).astype(dtype)
    mask = None
    if MASKS[mask_kind] is not None:
        mask = np.ones(shape[:2], bool)
        mask[0, 3:] = False     # padded at the end
        mask[1, :2] = False     # at the start
        mask[2, 2] = False      # one step in the middle
    n_states = 2 if kind == "lstm" else 1
    states = [rng.normal(size=(shape[0], 4)).astype(dtype) for _ in range(n_states)]
    training = "dropout" in option
    fast = _weights(_make(kind, options, dtype, MASKS[mask_kind]), shape)
    slow = _weights(_make(kind, options, dtype, MASKS[mask_kind]), shape)
    outs, grads = _run(fast, x, mask, states, None, training)
    with reference_path():
        want_outs, want_grads = _run(slow, x, mask, states, None, training)
    assert len(outs) == len(want_outs) == 1 + (n_states if options.get("return_state") else 0)
    for got, want in zip(outs + grads, want_outs + want_grads, strict=True):
        assert got is not None and want is not None
        assert got.dtype == np.dtype(dtype) and got.shape == want.shape
        scale = max(1.0, float(np.abs(want).max()))
        np.testing.assert_allclose(got, want, rtol=0, atol=tol * scale)


@pytest.mark.parametrize("mask_kind", sorted(MASKS))
@pytest.mark.parametrize("option", sorted(OPTIONS))
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_kernels_match_the_per_step_path_in_float32(kind, option, mask_kind):
    _compare(kind, option, mask_kind, "float32", 1e-6)


@pytest.mark.parametrize("option", ["sequences_backwards", "dropout", "no_bias_states"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_kernels_match_the_per_step_path_in_float64(kind, option):
    _compare(kind, option, "mask", "float64", 1e-12)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_numpy_form_matches_the_compiled_one(kind):
    """With the fused path off the same kernels run as NumPy: the same numbers to rounding."""
    if not fused.is_available():
        pytest.skip("the compiled kernels need numba")
    fused.set_enabled(False)
    try:
        _compare(kind, "sequences_backwards", "mask", "float32", 1e-6)
    finally:
        fused.set_enabled(True)


def _float64_layer(make, shape):
    layer = make(dtype="float64")
    layer(np.zeros(shape))
    rng = np.random.default_rng(3)
    layer.set_weights([rng.uniform(-0.8, 0.8, w.shape) for w in layer.get_weights()])
    return layer


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_gradient_check_with_a_mask_and_initial_states(kind):
    shape = (2, 4, 3)
    rng = np.random.default_rng(4)
    x = rng.normal(size=shape)
    mask = np.array([[1, 1, 0, 1], [0, 1, 1, 1]], bool)
    n_states = 2 if kind == "lstm" else 1
    states = [rng.normal(size=(2, 4)) for _ in range(n_states)]
    layer = _float64_layer(lambda **kw: KINDS[kind](return_sequences=True, return_state=True,
                                                    **kw), shape)

    def loss(x, *states):
        outs = layer(x, mask=mask, initial_state=list(states))
        total = ops.sum(ops.square(outs[0]))
        for s in outs[1:]:
            total = ops.add(total, ops.sum(ops.multiply(s, s)))
        return total

    error = check_gradients(loss, [x, *states], params=layer.trainable_weights)
    assert error < 1e-6, f"relative error {error:.3g}"


def test_the_kernel_is_one_node_a_layer():
    layer = _weights(layers.LSTM(4, return_sequences=True), (2, 7, 3))
    out = layer(Tensor(np.ones((2, 7, 3), "float32"), requires_grad=True))
    # the output's node has the projection (x W + b), U and the two initial states as parents
    assert len(out.parents) == 4
    assert out.parents[0].shape == (2, 7, 16)


# ----------------------------------------------------------------------------- eager states


@pytest.mark.parametrize("kind,count", [("lstm", 2), ("gru", 1), ("simple_rnn", 1)])
def test_return_state_gives_the_output_and_the_states_as_keras(kind, count):
    layer = _weights(KINDS[kind](return_state=True), (2, 5, 3))
    x = np.random.default_rng(1).normal(size=(2, 5, 3)).astype("float32")
    outs = layer(x)
    assert isinstance(outs, (list, tuple)) and len(outs) == 1 + count
    # the output of the last step is the final h
    np.testing.assert_array_equal(outs[0].numpy(), outs[1].numpy())
    seq = _weights(KINDS[kind](return_sequences=True, return_state=True), (2, 5, 3))
    outs = seq(x)
    np.testing.assert_array_equal(outs[0].numpy()[:, -1], outs[1].numpy())


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_initial_state_is_used_and_receives_gradients(kind):
    shape = (2, 5, 3)
    x = np.random.default_rng(1).normal(size=shape).astype("float32")
    layer = _weights(KINDS[kind](), shape)
    n_states = 2 if kind == "lstm" else 1
    states = [Tensor(np.full((2, 4), 0.5, "float32"), requires_grad=True)
              for _ in range(n_states)]
    out = layer(x, initial_state=states)
    zeros = layer(x)
    assert not np.allclose(out.numpy(), zeros.numpy())
    ops.sum(out).backward()
    for s in states:
        assert s.grad is not None and s.grad.shape == (2, 4) and np.abs(s.grad).sum() > 0
    # a state as a plain array works too, and equals the Tensor's result
    again = layer(x, initial_state=[s.numpy() for s in states])
    np.testing.assert_array_equal(again.numpy(), out.numpy())
    # the call's arguments, in Keras's order
    again = layer.call(Tensor(x), [Tensor(s.numpy()) for s in states])
    np.testing.assert_array_equal(again.numpy(), out.numpy())


# ----------------------------------------------------------------------------- float32 functions


def test_the_compiled_float32_exp_sigmoid_and_tanh_are_as_accurate_as_numpy():
    """The forward loops' own exp, sigmoid and tanh (SIMD arithmetic, no library call) against
    float64 NumPy: within 2.5e-7 relative (NumPy's float32 exp and tanh: about 2e-7), the
    limits (0, +-inf, NaN) as NumPy gives them, to 1e-38."""
    if not fused.is_available():
        pytest.skip("the compiled kernels need numba")
    assert recurrent_kernels._compiled("lstm_forward_loops") is not None
    helpers = recurrent_kernels._jit_globals
    exp32, sigmoid32, tanh32 = (helpers[k] for k in ("_exp32", "_sigmoid32", "_tanh32"))
    njit = fused._numba.njit

    @njit
    def apply_all(x, out):
        for k in range(x.shape[0]):
            out[0, k] = exp32(x[k])
            out[1, k] = sigmoid32(x[k])
            out[2, k] = tanh32(x[k])

    x = np.concatenate([np.linspace(-40, 40, 400_001), np.geomspace(1e-30, 1, 3001),
                        -np.geomspace(1e-30, 1, 3001), [0.625, -0.625, 0.0]]).astype("float32")
    got = np.empty((3, x.size), "float32")
    apply_all(x, got)
    x64 = x.astype("float64")
    wants = [np.exp(x64), 1 / (1 + np.exp(-x64)), np.tanh(x64)]
    for name, value, want in zip(("exp", "sigmoid", "tanh"), got, wants, strict=True):
        rel = np.abs(value - want) / np.maximum(np.abs(want), 1e-38)
        assert rel.max() < 2.5e-7, (name, float(rel.max()), float(x[rel.argmax()]))
    special = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0], "float32")
    out = np.empty((3, special.size), "float32")
    apply_all(special, out)
    assert np.isnan(out[:, 2]).all()
    np.testing.assert_array_equal(out[1, [0, 3]], [1.0, 0.5])
    assert 0 <= out[1, 1] < 1e-38  # e^-88 and below: the smallest normal floats, not 0
    np.testing.assert_array_equal(out[2, [0, 1, 3, 4]], [1.0, -1.0, 0.0, 0.0])
    assert out[0, 3] == 1.0 and out[0, 1] < 1e-37 and out[0, 0] > 1e38


# ----------------------------------------------------------------------------- batch parts


@pytest.mark.parametrize("kind", ["lstm", "gru"])
@pytest.mark.parametrize("option", ["sequences_backwards", "backwards_states", "last"])
def test_the_batch_cut_into_parts_gives_the_same_numbers(kind, option, monkeypatch):
    """The element loops run on parts of the batch at once (a row's recurrence does not read
    the others'): cut into two uneven parts, outputs and gradients as the per-step path."""
    if not fused.is_available():
        pytest.skip("the compiled kernels need numba")
    cuts = []

    def two_parts(batch, one_blas_thread):
        cuts.append(batch)
        return [(0, 1), (1, batch)]

    monkeypatch.setattr(recurrent_kernels, "_parts", two_parts)
    monkeypatch.setattr(fused, "_threads", 2)
    _compare(kind, option, "mask", "float32", 1e-6)
    assert cuts, "the element loops did not run"
    prefix = "lstm" if kind == "lstm" else "gru_after"
    for name in (f"{prefix}_forward_loops", f"{prefix}_backward_loops"):
        assert recurrent_kernels._compiled_kernels.get(name), f"{name} fell back"
    # and the cut itself: whole parts of at least PART_ROWS rows, one a worker
    monkeypatch.undo()
    monkeypatch.setattr(recurrent_kernels, "_free_cores", lambda workers: workers)
    for batch, workers in [(32, 2), (7, 4), (64, 4), (20, 1)]:
        monkeypatch.setattr(fused, "_threads", workers)
        parts = recurrent_kernels._parts(batch, True)
        assert parts[0][0] == 0 and parts[-1][1] == batch
        assert all(a[1] == b[0] for a, b in zip(parts, parts[1:]))
        assert len(parts) == max(1, min(workers, batch // recurrent_kernels.PART_ROWS))
        assert len(recurrent_kernels._parts(batch, False)) == 1


@pytest.mark.parametrize("kind", ["lstm", "gru"])
def test_the_array_form_takes_over_where_the_backward_loops_fail(kind, monkeypatch):
    """A backward loop that cannot run (numba failing on a signature) leaves the gradients to
    the array form, on the forward's buffers joined from their parts."""
    if not fused.is_available():
        pytest.skip("the compiled kernels need numba")
    real = recurrent_kernels._on_parts
    tried = []

    def failing(name, parts, args_of):
        if "backward" in name:
            tried.append(name)
            return recurrent_kernels._FAILED
        return real(name, parts, args_of)

    monkeypatch.setattr(recurrent_kernels, "_on_parts", failing)
    monkeypatch.setattr(recurrent_kernels, "_parts", lambda batch, one: [(0, 1), (1, batch)])
    _compare(kind, "sequences_backwards", "mask", "float32", 1e-6)
    assert tried


def test_parts_only_for_cores_that_are_free(monkeypatch):
    """The machine's load now (this thread included) decides how many cores take a part."""
    for load, workers, free in [(0.2, 2, 2), (1, 2, 2), (1.4, 2, 2), (2, 2, 1), (2.3, 2, 1),
                                (5, 2, 1), (2.5, 4, 3), (0, 4, 4), (None, 2, 2)]:
        monkeypatch.setattr(recurrent_kernels, "_load", lambda load=load: load)
        assert recurrent_kernels._free_cores(workers) == free
        monkeypatch.setattr(fused, "_threads", workers)
        assert len(recurrent_kernels._parts(64, True)) == free


def test_the_load_is_the_moment_s_runnable_threads():
    """On Linux, /proc/loadavg's count of runnable threads (this one at least); elsewhere the
    1-minute average or None."""
    load = recurrent_kernels._load()
    if os.path.exists("/proc/loadavg"):
        with open("/proc/loadavg") as f:
            assert isinstance(load, int) and 1 <= load <= int(f.read().split()[3].split("/")[1])
    else:
        assert load is None or load >= 0
