"""Whole-sequence kernels of SimpleRNN, LSTM and GRU: one tape node a layer.

The per-step path of ``layers/recurrent.py`` records a dozen nodes a time step (the product
h U, the gate slices, the activations, the products with the gates), each a few small NumPy
calls, and the tape walks them all back. Here the loop over the steps runs inside one function
that writes every step's gates into buffers made once a call; its backward runs the same loop
in reverse (back-propagation through time) and leaves the weight gradients to two large matrix
products over all the steps at once:

    dU = sum over steps  h_{t-1}^T dz_t  =  H_prev^T dZ       (H_prev, dZ: (batch * time, .))

so the loops hold only one small product a step each way (h U forward, dz U^T backward). The
input projection x W + b of every step is one product before the loop (a node of its own), as
on the per-step path.

With numba installed (and ``NUMNET_FUSED`` not 0) the loops are compiled; otherwise the same
functions run as NumPy, one array expression per line, which is still a few times faster than
the per-step tape. The per-step path remains the reference: the tests compare the outputs and
every gradient with it. It is also what runs on CuPy, for a cell of one's own, and for
activations other than tanh / sigmoid (see ``applies``).

Masks (batch, time), dropout masks of the inputs (in the projection) and of the recurrent
state (one a gate), ``go_backwards`` (outputs in the order computed, as Keras) and
``zero_output_for_mask`` follow the per-step path exactly.
"""

from __future__ import annotations

import numpy as np

from .. import activations, backend
from ..autodiff import ops
from ..autodiff import tensor as _tensor
from ..autodiff.tensor import Tensor

enabled = True
"""False makes every recurrent layer take the per-step path (the reference)."""

_FLOATS = (np.dtype("float32"), np.dtype("float64"))
_switch = None  # numnet.fast.updates: its switch and its numba import


# ----------------------------------------------------------------------------- step helpers
# Written in array expressions that NumPy runs as they are and numba compiles to loops.


def _sigmoid(z, one):
    return one / (one + np.exp(-z))


def _rec(h, u, rmask, rblocks):
    """h U, or with recurrent dropout (h m_g) U_g for each gate g (``rblocks`` the U_g)."""
    m = rmask.shape[0]
    if m == 0:
        return np.dot(h, u)
    if m == 1:
        return np.dot(h * rmask[0], u)
    n = rblocks.shape[2]
    out = np.empty((h.shape[0], rblocks.shape[0] * n), h.dtype)
    for g in range(rblocks.shape[0]):
        out[:, g * n:(g + 1) * n] = np.dot(h * rmask[g], rblocks[g])
    return out


def _rec_t(dz, ut, rmask, rblocks_t):
    """The gradient of ``_rec`` for h: dz U^T, or sum_g (dz_g U_g^T) m_g."""
    m = rmask.shape[0]
    if m == 0:
        return np.dot(dz, ut)
    if m == 1:
        return np.dot(dz, ut) * rmask[0]
    n = rblocks_t.shape[1]
    out = np.zeros((dz.shape[0], n), dz.dtype)
    for g in range(rblocks_t.shape[0]):
        out += np.dot(np.ascontiguousarray(dz[:, g * n:(g + 1) * n]), rblocks_t[g]) * rmask[g]
    return out


def _time(s, steps, backwards):
    return steps - 1 - s if backwards else s


def _masked_state(new, old, keep, t, one):
    """The state after step t under the mask: new where the step counts, else old."""
    k = keep[:, t:t + 1]
    return k * new + (one - k) * old


def _masked_output(hn, h, keep, t, zero_out, one):
    k = keep[:, t:t + 1]
    if zero_out:
        return k * hn
    return k * hn + (one - k) * h


def _split_grad(dh, dout, keep, t, zero_out, one):
    """(d of the step's new h, d of the previous h past the cell) from the gradients of the
    state h_t (``dh``) and of the step's output (``dout``)."""
    if keep.shape[1] == 0:
        return dh + dout, np.zeros_like(dh)
    k = keep[:, t:t + 1]
    if zero_out:
        return k * (dh + dout), (one - k) * dh
    total = dh + dout
    return k * total, (one - k) * total


# ----------------------------------------------------------------------------- SimpleRNN


def simple_forward(xw, u, h0, keep, rmask, rblocks, backwards, zero_out, one, out, hp, acts):
    """h_t = tanh(x_t W + b + h_{t-1} U). Writes the outputs ``out`` (batch, time, units) in
    the order computed, h_{t-1} in ``hp`` (batch, time, units) at each step's time, and the new
    h of each step in ``acts`` (time, batch, units). Returns the final h."""
    steps = xw.shape[1]
    h = h0.copy()
    for s in range(steps):
        t = _time(s, steps, backwards)
        hp[:, t] = h
        hn = np.tanh(xw[:, t] + _rec(h, u, rmask, rblocks))
        acts[s] = hn
        if keep.shape[1] == 0:
            out[:, s] = hn
            h = hn
        else:
            out[:, s] = _masked_output(hn, h, keep, t, zero_out, one)
            h = _masked_state(hn, h, keep, t, one)
    return h


def simple_backward(dout, dh, keep, rmask, ut, rblocks_t, backwards, zero_out, one, acts, dxw):
    """Back-propagation through time of ``simple_forward``: writes d(x_t W + b) into ``dxw``
    (batch, time, units) and returns d h_0."""
    steps = dxw.shape[1]
    dh = dh.copy()
    for s in range(steps - 1, -1, -1):
        t = _time(s, steps, backwards)
        dhn, carry = _split_grad(dh, dout[:, s], keep, t, zero_out, one)
        hn = acts[s]
        da = dhn * (one - hn * hn)
        dxw[:, t] = da
        dh = _rec_t(da, ut, rmask, rblocks_t) + carry
    return dh


# ----------------------------------------------------------------------------- LSTM


def lstm_forward(xw, u, h0, c0, keep, rmask, rblocks, backwards, zero_out, one, out, hp,
                 cs, acts):
    """i, f, o = sigmoid, g = tanh of the blocks of z = x_t W + b + h U; c = f c + i g,
    h = o tanh(c). ``cs`` (time + 1, batch, units) gets the cell states, ``acts`` (time, batch,
    5 units) i, f, g, o and tanh(c_new) of each step. Returns the final (h, c)."""
    steps = xw.shape[1]
    n = u.shape[0]
    h = h0.copy()
    c = c0.copy()
    cs[0] = c
    for s in range(steps):
        t = _time(s, steps, backwards)
        hp[:, t] = h
        z = xw[:, t] + _rec(h, u, rmask, rblocks)
        i = _sigmoid(z[:, :n], one)
        f = _sigmoid(z[:, n:2 * n], one)
        g = np.tanh(z[:, 2 * n:3 * n])
        o = _sigmoid(z[:, 3 * n:], one)
        cn = f * c + i * g
        tc = np.tanh(cn)
        hn = o * tc
        a = acts[s]
        a[:, :n] = i
        a[:, n:2 * n] = f
        a[:, 2 * n:3 * n] = g
        a[:, 3 * n:4 * n] = o
        a[:, 4 * n:] = tc
        if keep.shape[1] == 0:
            out[:, s] = hn
            h = hn
            c = cn
        else:
            out[:, s] = _masked_output(hn, h, keep, t, zero_out, one)
            h = _masked_state(hn, h, keep, t, one)
            c = _masked_state(cn, c, keep, t, one)
        cs[s + 1] = c
    return h, c


def lstm_backward(dout, dh, dc, keep, rmask, ut, rblocks_t, backwards, zero_out, one, cs, acts,
                  dxw):
    """Back-propagation through time of ``lstm_forward``; returns (d h_0, d c_0)."""
    steps = dxw.shape[1]
    n = ut.shape[1]
    dh = dh.copy()
    dc = dc.copy()
    for s in range(steps - 1, -1, -1):
        t = _time(s, steps, backwards)
        dhn, carry_h = _split_grad(dh, dout[:, s], keep, t, zero_out, one)
        if keep.shape[1] == 0:
            dcn = dc
            carry_c = np.zeros_like(dc)
        else:
            k = keep[:, t:t + 1]
            dcn = k * dc
            carry_c = (one - k) * dc
        a = acts[s]
        i = a[:, :n]
        f = a[:, n:2 * n]
        g = a[:, 2 * n:3 * n]
        o = a[:, 3 * n:4 * n]
        tc = a[:, 4 * n:]
        dcn = dcn + dhn * o * (one - tc * tc)
        dz = np.empty((dh.shape[0], 4 * n), dh.dtype)
        dz[:, :n] = dcn * g * i * (one - i)
        dz[:, n:2 * n] = dcn * cs[s] * f * (one - f)
        dz[:, 2 * n:3 * n] = dcn * i * (one - g * g)
        dz[:, 3 * n:] = dhn * tc * o * (one - o)
        dxw[:, t] = dz
        dh = _rec_t(dz, ut, rmask, rblocks_t) + carry_h
        dc = dcn * f + carry_c
    return dh, dc


# ----------------------------------------------------------------------------- GRU


def gru_after_forward(xw, u, rb, h0, keep, rmask, rblocks, backwards, zero_out, one, out, hp,
                      acts):
    """reset_after: inner = h U + rb; z, r = sigmoid(x_{z,r} + inner_{z,r});
    hh = tanh(x_h + r inner_h); h = z h + (1 - z) hh. ``acts`` (time, batch, 4 units) gets z,
    r, hh and inner_h. Returns the final h."""
    steps = xw.shape[1]
    n = u.shape[0]
    h = h0.copy()
    for s in range(steps):
        t = _time(s, steps, backwards)
        hp[:, t] = h
        x = xw[:, t]
        inner = _rec(h, u, rmask, rblocks) + rb
        z = _sigmoid(x[:, :n] + inner[:, :n], one)
        r = _sigmoid(x[:, n:2 * n] + inner[:, n:2 * n], one)
        ih = inner[:, 2 * n:]
        hh = np.tanh(x[:, 2 * n:] + r * ih)
        hn = z * h + (one - z) * hh
        a = acts[s]
        a[:, :n] = z
        a[:, n:2 * n] = r
        a[:, 2 * n:3 * n] = hh
        a[:, 3 * n:] = ih
        if keep.shape[1] == 0:
            out[:, s] = hn
            h = hn
        else:
            out[:, s] = _masked_output(hn, h, keep, t, zero_out, one)
            h = _masked_state(hn, h, keep, t, one)
    return h


def gru_after_backward(dout, dh, keep, rmask, ut, rblocks_t, backwards, zero_out, one, hp, acts,
                       dxw, drh):
    """Back-propagation through time of ``gru_after_forward``: d(x W + b) into ``dxw``, and
    the gradient of inner_h (the h block of h U + rb) into ``drh`` (batch, time, units).
    Returns d h_0."""
    steps = dxw.shape[1]
    n = ut.shape[1]
    dh = dh.copy()
    for s in range(steps - 1, -1, -1):
        t = _time(s, steps, backwards)
        dhn, carry = _split_grad(dh, dout[:, s], keep, t, zero_out, one)
        a = acts[s]
        z = a[:, :n]
        r = a[:, n:2 * n]
        hh = a[:, 2 * n:3 * n]
        ih = a[:, 3 * n:]
        da = dhn * (one - z) * (one - hh * hh)
        d = np.empty((dh.shape[0], 3 * n), dh.dtype)
        d[:, :n] = dhn * (hp[:, t] - hh) * z * (one - z)
        d[:, n:2 * n] = da * ih * r * (one - r)
        d[:, 2 * n:] = da
        dxw[:, t] = d
        dih = da * r
        drh[:, t] = dih
        d[:, 2 * n:] = dih
        dh = dhn * z + _rec_t(d, ut, rmask, rblocks_t) + carry
    return dh


def gru_before_forward(xw, u_zr, u_h, h0, keep, rmask, rblocks, backwards, zero_out, one, out,
                       hp, acts, rh):
    """reset_before: z, r = sigmoid(x_{z,r} + h U_{z,r}); hh = tanh(x_h + (r h) U_h);
    h = z h + (1 - z) hh. ``acts`` (time, batch, 3 units) gets z, r, hh; ``rh`` (batch, time,
    units) r h (h under its recurrent dropout mask), at each step's time. Returns the final h."""
    steps = xw.shape[1]
    n = u_h.shape[0]
    h = h0.copy()
    m = rmask.shape[0]
    for s in range(steps):
        t = _time(s, steps, backwards)
        hp[:, t] = h
        x = xw[:, t]
        inner = _rec(h, u_zr, rmask, rblocks)
        z = _sigmoid(x[:, :n] + inner[:, :n], one)
        r = _sigmoid(x[:, n:2 * n] + inner[:, n:], one)
        if m == 0:
            rhm = r * h
        else:
            rhm = r * (h * rmask[m - 1])
        hh = np.tanh(x[:, 2 * n:] + np.dot(rhm, u_h))
        hn = z * h + (one - z) * hh
        a = acts[s]
        a[:, :n] = z
        a[:, n:2 * n] = r
        a[:, 2 * n:] = hh
        rh[:, t] = rhm
        if keep.shape[1] == 0:
            out[:, s] = hn
            h = hn
        else:
            out[:, s] = _masked_output(hn, h, keep, t, zero_out, one)
            h = _masked_state(hn, h, keep, t, one)
    return h


def gru_before_backward(dout, dh, keep, rmask, ut_zr, rblocks_t, ut_h, backwards, zero_out, one,
                        hp, acts, dxw):
    """Back-propagation through time of ``gru_before_forward``; returns d h_0."""
    steps = dxw.shape[1]
    n = ut_h.shape[1]
    m = rmask.shape[0]
    dh = dh.copy()
    for s in range(steps - 1, -1, -1):
        t = _time(s, steps, backwards)
        dhn, carry = _split_grad(dh, dout[:, s], keep, t, zero_out, one)
        a = acts[s]
        z = a[:, :n]
        r = a[:, n:2 * n]
        hh = a[:, 2 * n:]
        h = hp[:, t]
        hm = h.copy() if m == 0 else h * rmask[m - 1]
        da = dhn * (one - z) * (one - hh * hh)
        drhm = np.dot(da, ut_h)
        d = np.empty((dh.shape[0], 3 * n), dh.dtype)
        d[:, :n] = dhn * (h - hh) * z * (one - z)
        d[:, n:2 * n] = drhm * hm * r * (one - r)
        d[:, 2 * n:] = da
        dxw[:, t] = d
        dhm = drhm * r
        if m > 0:
            dhm = dhm * rmask[m - 1]
        dh = dhn * z + dhm + _rec_t(np.ascontiguousarray(d[:, :2 * n]), ut_zr, rmask,
                                    rblocks_t) + carry
    return dh


# ----------------------------------------------------------------------------- compiled loops
# numba's exp and tanh are scalar calls, several times slower than NumPy's vectorised ones, so
# the forward loops (a few exp and tanh an element) run as NumPy; the backward loops read the
# stored gates and do only arithmetic, which numba compiles to one pass over each step.
# These two take the common case, no recurrent dropout; the array forms above do the rest.


def lstm_backward_loops(dout, dh, dc, keep, ut, backwards, zero_out, one, cs, acts, dxw):
    """``lstm_backward`` without recurrent dropout, as element loops."""
    batch, steps, width = dxw.shape
    n = width // 4
    dh = dh.copy()
    dc = dc.copy()
    dz = np.empty((batch, width), dxw.dtype)
    masked = keep.shape[1] > 0
    for s in range(steps - 1, -1, -1):
        t = steps - 1 - s if backwards else s
        for b in range(batch):
            k = keep[b, t] if masked else one
            for j in range(n):
                if zero_out:
                    dhn = k * (dh[b, j] + dout[b, s, j])
                    carry = (one - k) * dh[b, j]
                else:
                    total = dh[b, j] + dout[b, s, j]
                    dhn = k * total
                    carry = (one - k) * total
                i = acts[s, b, j]
                f = acts[s, b, n + j]
                g = acts[s, b, 2 * n + j]
                o = acts[s, b, 3 * n + j]
                tc = acts[s, b, 4 * n + j]
                dcn = k * dc[b, j] + dhn * o * (one - tc * tc)
                dz[b, j] = dcn * g * i * (one - i)
                dz[b, n + j] = dcn * cs[s, b, j] * f * (one - f)
                dz[b, 2 * n + j] = dcn * i * (one - g * g)
                dz[b, 3 * n + j] = dhn * tc * o * (one - o)
                dc[b, j] = dcn * f + (one - k) * dc[b, j]
                dh[b, j] = carry
        dxw[:, t] = dz
        dh += np.dot(dz, ut)
    return dh, dc


def gru_after_backward_loops(dout, dh, keep, ut, backwards, zero_out, one, hp, acts, dxw,
                             drh):
    """``gru_after_backward`` without recurrent dropout, as element loops."""
    batch, steps, width = dxw.shape
    n = width // 3
    dh = dh.copy()
    d = np.empty((batch, width), dxw.dtype)
    masked = keep.shape[1] > 0
    for s in range(steps - 1, -1, -1):
        t = steps - 1 - s if backwards else s
        for b in range(batch):
            k = keep[b, t] if masked else one
            for j in range(n):
                if zero_out:
                    dhn = k * (dh[b, j] + dout[b, s, j])
                    carry = (one - k) * dh[b, j]
                else:
                    total = dh[b, j] + dout[b, s, j]
                    dhn = k * total
                    carry = (one - k) * total
                z = acts[s, b, j]
                r = acts[s, b, n + j]
                hh = acts[s, b, 2 * n + j]
                ih = acts[s, b, 3 * n + j]
                da = dhn * (one - z) * (one - hh * hh)
                dzz = dhn * (hp[b, t, j] - hh) * z * (one - z)
                dr = da * ih * r * (one - r)
                dxw[b, t, j] = dzz
                dxw[b, t, n + j] = dr
                dxw[b, t, 2 * n + j] = da
                d[b, j] = dzz
                d[b, n + j] = dr
                d[b, 2 * n + j] = da * r
                drh[b, t, j] = da * r
                dh[b, j] = dhn * z + carry
        dh += np.dot(d, ut)
    return dh


_HELPERS = ("_sigmoid", "_rec", "_rec_t", "_time", "_masked_state", "_masked_output",
            "_split_grad")
_BACKWARD = ("simple_backward", "lstm_backward", "gru_after_backward", "gru_before_backward",
             "lstm_backward_loops", "gru_after_backward_loops")


# ----------------------------------------------------------------------------- dispatch


def _compiled(name: str):
    """The backward kernel ``name`` compiled by numba, or None where the fused path is off or
    numba cannot compile it. It is compiled from the same code with the helpers compiled
    too (in globals of its own: the NumPy forms keep calling the plain helpers)."""
    global _switch
    if _switch is None:
        from . import updates as _switch
    if not _switch._enabled or not _switch.is_available():
        return None
    kernel = _compiled_kernels.get(name)
    if kernel is None:
        try:
            njit = _switch._numba.njit(cache=True, error_model="numpy", nogil=True)
            if not _jit_globals:
                _jit_globals.update(globals())
                for helper in _HELPERS:
                    _jit_globals[helper] = njit(_function(globals()[helper]))
            kernel = njit(_function(globals()[name]))
        except Exception:
            kernel = False
        _compiled_kernels[name] = kernel
    return kernel or None


def _function(fn):
    """A copy of ``fn`` that looks its globals up in ``_jit_globals``."""
    import types

    copy = types.FunctionType(fn.__code__, _jit_globals, fn.__name__, fn.__defaults__)
    copy.__qualname__ = fn.__qualname__
    copy.__module__ = fn.__module__
    return copy


_jit_globals: dict = {}
_compiled_kernels: dict[str, object] = {}  # backward kernel name -> dispatcher, or False


def _call(name: str, *args):
    """Backward kernel ``name`` on ``args``: compiled where it can be, else as NumPy (``name``
    ending in _loops has no NumPy form: ``fallback`` names the array form)."""
    kernel = _compiled(name)
    if kernel is not None:
        try:
            return kernel(*args)
        except Exception:  # a signature numba cannot compile: NumPy does it, now and later
            _compiled_kernels[name] = False
    return globals()[name](*args)


_TANH = activations.get("tanh")
_SIGMOID = activations.get("sigmoid")


def _cell_kind(cell) -> str | None:
    """"SimpleRNNCell", "LSTMCell" or "GRUCell" for numnet's own cells (not a subclass), else
    None: read from the class, so that this module need not import the layers that use it."""
    cls = type(cell)
    if cls.__module__ == "numnet.layers.recurrent" and cls.__name__ in (
            "SimpleRNNCell", "LSTMCell", "GRUCell"):
        return cls.__name__
    return None


def applies(cell, inputs) -> bool:
    """Whether the sequence kernels can run ``cell`` over ``inputs``: one of numnet's three
    cells (not a subclass) with tanh and sigmoid, NumPy arrays of float32 or float64."""
    kind = _cell_kind(cell)
    if not enabled or backend.xp is not np or kind is None:
        return False
    if cell.activation is not _TANH or (kind != "SimpleRNNCell"
                                        and cell.recurrent_activation is not _SIGMOID):
        return False
    dtype = getattr(inputs, "dtype", None)
    return dtype in _FLOATS and cell.recurrent_kernel.value.dtype == dtype


def _blocks(u, gates: int, n: int, transpose: bool):
    """U's gate blocks U_g (gates, n, n), or their transposes, each contiguous."""
    blocks = u.reshape(n, gates, n).transpose(1, 0, 2)
    return np.ascontiguousarray(blocks.transpose(0, 2, 1) if transpose else blocks)


SMALL_STEP = 1 << 22
"""Multiply-adds of a step's product (batch x units x gates x units) below which the loops run
with one BLAS thread: a multi-threaded BLAS gains nothing on products this small, and on a busy
machine its threads wait for a core at every step (each of a hundred steps)."""

_USER_SETTINGS = ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")
_threads = {"controller": None, "libraries": -1}


class _one_blas_thread:
    """``with _one_blas_thread(size):`` the BLAS on one thread for products of ``size``
    multiply-adds below SMALL_STEP, unless the user set its threads (the variables above, or
    NUMNET_BLAS_THREADS=keep) or threadpoolctl is missing; the setting is put back after."""

    def __init__(self, size: int):
        self.limits = None
        if size >= SMALL_STEP:
            return
        import os

        if os.environ.get("NUMNET_BLAS_THREADS", "").lower() == "keep" or any(
                os.environ.get(name) for name in _USER_SETTINGS):
            return
        try:
            # made again once numba has loaded a BLAS of its own (scipy's) for its products
            if _threads["libraries"] != len(_compiled_kernels):
                from threadpoolctl import ThreadpoolController

                _threads["controller"] = ThreadpoolController()
                _threads["libraries"] = len(_compiled_kernels)
            self.limits = _threads["controller"].limit(limits=1, user_api="blas")
        except Exception:  # threadpoolctl absent, or a BLAS it cannot set: leave it
            self.limits = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.limits is not None:
            self.limits.restore_original_limits()


def run(cell, xw: Tensor, states: list, recurrent_masks, keep, go_backwards: bool,
        zero_output: bool, return_sequences: bool):
    """Runs ``cell`` over the projected inputs ``xw`` (batch, time, gates * units) from
    ``states``: (the output, the final states), as the per-step path gives them; one node.

    ``recurrent_masks``: None or the list of (batch, units) dropout masks of the state;
    ``keep``: None or the (batch, time) mask as 1 / 0 of xw's dtype."""
    width = xw.shape[0] * xw.shape[2] * cell.units
    with _one_blas_thread(width):
        return _run(cell, xw, states, recurrent_masks, keep, go_backwards, zero_output,
                    return_sequences, width)


def _run(cell, xw: Tensor, states: list, recurrent_masks, keep, go_backwards: bool,
         zero_output: bool, return_sequences: bool, width: int):
    cell_kind = _cell_kind(cell)
    x = np.ascontiguousarray(xw.value)
    batch, steps, _ = x.shape
    dtype = x.dtype
    one = dtype.type(1)
    n = cell.units
    u_tensor = cell._weight(cell.recurrent_kernel)
    u = np.ascontiguousarray(u_tensor.value)
    rmask = (np.empty((0, batch, n), dtype) if recurrent_masks is None
             else np.ascontiguousarray(np.stack(recurrent_masks)).astype(dtype, copy=False))
    keep = (np.empty((batch, 0), dtype) if keep is None
            else np.ascontiguousarray(keep, dtype=dtype))
    h0 = np.ascontiguousarray(states[0].value, dtype=dtype)
    out = np.empty((batch, steps, n), dtype)
    hp = np.empty((batch, steps, n), dtype)
    kind = ("lstm" if cell_kind == "LSTMCell" else
            ("gru_after" if cell.reset_after else "gru_before") if cell_kind == "GRUCell"
            else "simple")
    gates = {"simple": 1, "lstm": 4}.get(kind, 3)
    per_gate = rmask.shape[0] > 1
    ut = np.ascontiguousarray(u.T)
    rb_tensor = rh = None
    if kind == "simple":
        acts = np.empty((steps, batch, n), dtype)
        rblocks = _blocks(u, 1, n, False) if per_gate else u[None]
        final = [simple_forward(x, u, h0, keep, rmask, rblocks, go_backwards, zero_output, one,
                                out, hp, acts)]
    elif kind == "lstm":
        c0 = np.ascontiguousarray(states[1].value, dtype=dtype)
        cs = np.empty((steps + 1, batch, n), dtype)
        acts = np.empty((steps, batch, 5 * n), dtype)
        rblocks = _blocks(u, 4, n, False) if per_gate else u[None]
        final = list(lstm_forward(x, u, h0, c0, keep, rmask, rblocks, go_backwards,
                                  zero_output, one, out, hp, cs, acts))
    elif kind == "gru_after":
        if cell.bias is not None:
            rb_tensor = ops.getitem(cell._weight(cell.bias), 1)
            rb = np.ascontiguousarray(rb_tensor.value)
        else:
            rb = np.zeros(3 * n, dtype)
        acts = np.empty((steps, batch, 4 * n), dtype)
        rblocks = _blocks(u, 3, n, False) if per_gate else u[None]
        final = [gru_after_forward(x, u, rb, h0, keep, rmask, rblocks, go_backwards,
                                   zero_output, one, out, hp, acts)]
    else:
        u_zr = np.ascontiguousarray(u[:, :2 * n])
        u_h = np.ascontiguousarray(u[:, 2 * n:])
        acts = np.empty((steps, batch, 3 * n), dtype)
        rh = np.empty((batch, steps, n), dtype)
        rblocks = _blocks(u_zr, 2, n, False) if per_gate else u_zr[None]
        final = [gru_before_forward(x, u_zr, u_h, h0, keep, rmask, rblocks, go_backwards,
                                    zero_output, one, out, hp, acts, rh)]

    value = out if return_sequences else np.ascontiguousarray(out[:, -1])
    parents = (xw, u_tensor, *states) + ((rb_tensor,) if rb_tensor is not None else ())
    if not (_tensor._grad_enabled and any(p.requires_grad for p in parents)):
        return Tensor(value), [Tensor(s) for s in final]

    state_grads: dict[int, object] = {}

    def backward(g):
        with _one_blas_thread(width):
            d0, dxw, drh = through_time(g)
        rows = batch * steps  # the products over every step at once: on all BLAS threads
        ops.accumulate(xw, dxw)
        if u_tensor.requires_grad:
            ops.accumulate(u_tensor, _recurrent_grad(kind, hp, dxw, rmask, n, rows, drh, rh))
        if rb_tensor is not None:
            d_inner = dxw.reshape(rows, 3 * n).sum(0)
            d_inner[2 * n:] = drh.reshape(rows, n).sum(0)
            ops.accumulate(rb_tensor, d_inner)
        for state, d in zip(states, d0, strict=True):
            ops.accumulate(state, d)

    def through_time(g):
        """(d of the initial states, d xw, d inner_h of GRU reset_after) from g."""
        drh = None
        dout = np.zeros((batch, steps, n), dtype)
        if return_sequences:
            dout += g
        else:
            dout[:, -1] = g
        dfinal = [state_grads.get(k, np.zeros((batch, n), dtype)) for k in range(len(final))]
        dxw = np.empty((batch, steps, gates * n), dtype)
        if kind == "simple":
            rblocks_t = _blocks(u, 1, n, True) if per_gate else ut[None]
            d0 = [_call("simple_backward", dout, dfinal[0], keep, rmask, ut, rblocks_t,
                        go_backwards, zero_output, one, acts, dxw)]
        elif kind == "lstm":
            rblocks_t = _blocks(u, 4, n, True) if per_gate else ut[None]
            if rmask.shape[0] == 0 and _compiled("lstm_backward_loops") is not None:
                d0 = list(_call("lstm_backward_loops", dout, dfinal[0], dfinal[1], keep, ut,
                                go_backwards, zero_output, one, cs, acts, dxw))
            else:
                d0 = list(_call("lstm_backward", dout, dfinal[0], dfinal[1], keep, rmask, ut,
                                rblocks_t, go_backwards, zero_output, one, cs, acts, dxw))
        elif kind == "gru_after":
            drh = np.empty((batch, steps, n), dtype)
            rblocks_t = _blocks(u, 3, n, True) if per_gate else ut[None]
            if rmask.shape[0] == 0 and _compiled("gru_after_backward_loops") is not None:
                d0 = [_call("gru_after_backward_loops", dout, dfinal[0], keep, ut, go_backwards,
                            zero_output, one, hp, acts, dxw, drh)]
            else:
                d0 = [_call("gru_after_backward", dout, dfinal[0], keep, rmask, ut, rblocks_t,
                            go_backwards, zero_output, one, hp, acts, dxw, drh)]
        else:
            ut_zr = np.ascontiguousarray(u_zr.T)
            rblocks_t = _blocks(u_zr, 2, n, True) if per_gate else ut_zr[None]
            d0 = [_call("gru_before_backward", dout, dfinal[0], keep, rmask, ut_zr, rblocks_t,
                        np.ascontiguousarray(u_h.T), go_backwards, zero_output, one, hp, acts,
                        dxw)]
        return d0, dxw, drh

    core = Tensor(value, parents, backward, True)

    def state_node(k):
        def backward_state(g):
            state_grads[k] = g
            if core.grad is None:
                core.grad = np.zeros_like(value)

        return Tensor(final[k], (core,), backward_state, True)

    return core, [state_node(k) for k in range(len(final))]


def _recurrent_grad(kind, hp, dxw, rmask, n, rows, drh, rh):
    """dU = sum over steps of (masked h_{t-1})^T dz_t, as products over every step at once."""
    gates = dxw.shape[2] // n
    h = hp.reshape(rows, n)
    dz = dxw.reshape(rows, gates * n).copy() if kind == "gru_after" else dxw.reshape(rows, -1)
    if kind == "gru_after":
        dz[:, 2 * n:] = drh.reshape(rows, n)
    if kind == "gru_before":  # the h block comes from (r h) U_h
        du = np.empty((n, 3 * n), dxw.dtype)
        du[:, 2 * n:] = rh.reshape(rows, n).T @ dz[:, 2 * n:]
        gates, target = 2, du
    else:
        target = None
    m = rmask.shape[0]
    if m <= 1:
        hm = h if m == 0 else (hp * rmask[0][:, None, :]).reshape(rows, n)
        block = hm.T @ dz[:, :gates * n]
    else:
        block = np.empty((n, gates * n), dxw.dtype)
        for g in range(gates):
            hm = (hp * rmask[g][:, None, :]).reshape(rows, n)
            block[:, g * n:(g + 1) * n] = hm.T @ dz[:, g * n:(g + 1) * n]
    if target is None:
        return block
    target[:, :2 * n] = block
    return target
