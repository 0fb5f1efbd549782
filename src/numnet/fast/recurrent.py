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
the per-step tape. LSTM and GRU (reset_after, Keras's default) without recurrent dropout have
element loops of their own (``*_loops``): the forward in float32 with an exp, sigmoid and tanh
written as arithmetic the compiler vectorises (numba has no SIMD exp), each step's small
product one BLAS call into a buffer; where there are cores for it, on parts of the batch at
once (``_parts``). The per-step path remains the reference: the tests compare the outputs and
every gradient with it. It is also what runs on CuPy, for a cell of one's own, and for
activations other than tanh / sigmoid (see ``applies``).

Masks (batch, time), dropout masks of the inputs (in the projection) and of the recurrent
state (one a gate), ``go_backwards`` (outputs in the order computed, as Keras) and
``zero_output_for_mask`` follow the per-step path exactly.

Why one file of about 1,050 lines: each kernel has an array form (the NumPy fallback and the
compiled form of the rarer options) and element loops of its own, and both share the dispatch
(``_run``), the buffers' layout and the node's backward.
"""

from __future__ import annotations

import math
import os

import numpy as np

from .. import activations, backend
from ..autodiff import ops
from ..autodiff import tensor as _tensor
from ..autodiff.tensor import Tensor
from . import threads

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
# numba has no vectorised exp or tanh of its own (a scalar call an element, several times slower
# than NumPy's), so the compiled forward loops of float32 use the three functions below: plain
# arithmetic that the compiler turns into SIMD code, as accurate as NumPy's float32 exp and tanh
# (about 1.5e-7 relative, see the tests). Float64 and recurrent dropout run the array forms.
# Each step's small product h U (or dz U^T) is one BLAS call into a buffer made once a call.


def _exp32(x):
    """e^x of a float32, to a few 1e-8 relative: e^x = 2^k e^r with k = round(x / ln 2) and
    |r| <= ln 2 / 2 (ln 2 split in two so that x - k ln 2 is exact), e^r by Cephes' degree-6
    polynomial, 2^k written straight into the float's exponent bits. x is clamped to
    [-87, 88], where e^x stays a normal float32; NaN stays NaN."""
    x = np.float32(-87.0) if x < np.float32(-87.0) else x
    x = np.float32(88.0) if x > np.float32(88.0) else x
    shifted = x * np.float32(1.44269504088896341) + np.float32(12582912.0)  # 1.5 * 2^23
    k = shifted - np.float32(12582912.0)  # x / ln 2 rounded to an integer (as a float)
    r = x - k * np.float32(0.693359375)
    r = r + k * np.float32(2.12194440e-4)
    p = np.float32(1.9875691500e-4)
    p = p * r + np.float32(1.3981999507e-3)
    p = p * r + np.float32(8.3334519073e-3)
    p = p * r + np.float32(4.1665795894e-2)
    p = p * r + np.float32(1.6666665459e-1)
    p = p * r + np.float32(5.0000001201e-1)
    p = p * r * r + r + np.float32(1.0)
    # the integer k sits in the low bits of ``shifted``; 2^k's bits are (k + 127) << 23
    bits = (np.float32(shifted).view(np.int32) - np.int32(0x4B400000) + np.int32(127)) \
        << np.int32(23)
    return p * np.int32(bits).view(np.float32)


def _sigmoid32(x):
    return np.float32(1.0) / (np.float32(1.0) + _exp32(-x))


def _tanh32(x):
    """tanh of a float32: (1 - e^-2|x|) / (1 + e^-2|x|) with x's sign, and below |x| = 0.625
    (where 1 - e^-2|x| would lose digits) Cephes' odd polynomial x + x^3 P(x^2)."""
    a = abs(x)
    e = _exp32(np.float32(-2.0) * a)
    large = (np.float32(1.0) - e) / (np.float32(1.0) + e)
    z = x * x
    p = np.float32(-5.70498872745e-3)
    p = p * z + np.float32(2.06390887954e-2)
    p = p * z - np.float32(5.37397155531e-2)
    p = p * z + np.float32(1.33314422036e-1)
    p = p * z - np.float32(3.33332819422e-1)
    small = p * z * x + x
    return small if a < np.float32(0.625) else (large if x >= 0 else -large)


def lstm_forward_loops(xw, u, h0, c0, keep, backwards, zero_out, out, hp, cs, acts, z):
    """``lstm_forward`` of float32 without recurrent dropout, as element loops; ``z`` (batch,
    4 units) holds each step's h U, then the new c and h in its first two blocks. ``out`` may
    have one step (batch, 1, units): it then gets the last output only."""
    batch, steps, width = xw.shape
    n = width // 4
    one = np.float32(1.0)
    h = h0.copy()
    c = c0.copy()
    cs[0] = c
    masked = keep.shape[1] > 0
    for s in range(steps):
        t = steps - 1 - s if backwards else s
        np.dot(h, u, z)
        for b in range(batch):
            # one array written a loop, few read: each loop compiles to SIMD code
            zb = z[b]
            xb = xw[b, t]
            ab = acts[s, b]
            hb = h[b]
            cb = c[b]
            hpb = hp[b, t]
            for j in range(n):
                hpb[j] = hb[j]
            for j in range(width):
                zb[j] += xb[j]
            for j in range(2 * n):
                ab[j] = _sigmoid32(zb[j])
            for j in range(2 * n, 3 * n):
                ab[j] = _tanh32(zb[j])
            for j in range(3 * n, width):
                ab[j] = _sigmoid32(zb[j])
            for j in range(n):
                zb[j] = ab[n + j] * cb[j] + ab[j] * ab[2 * n + j]
            for j in range(n):
                ab[4 * n + j] = _tanh32(zb[j])
            for j in range(n):
                zb[n + j] = ab[3 * n + j] * ab[4 * n + j]
            _masked_step(zb, hb, cb, out[b, s if out.shape[1] == steps else 0],
                         keep[b, t] if masked else one, masked, zero_out)
            csb = cs[s + 1, b]
            for j in range(n):
                csb[j] = cb[j]
    return h, c


def _masked_step(new, h, c, out, k, masked, zero_out):
    """The step's output into ``out`` and the states h (and c, where given) updated in place
    from ``new`` (the new c, then the new h, one block of ``h``'s size each), under the mask
    value k of the step."""
    n = h.shape[0]
    hn = new[n:2 * n] if c.shape[0] else new[:n]
    cn = new[:n]
    if not masked:
        for j in range(n):
            out[j] = hn[j]
        for j in range(n):
            h[j] = hn[j]
        for j in range(c.shape[0]):
            c[j] = cn[j]
        return
    skip = np.float32(1.0) - k
    if zero_out:
        for j in range(n):
            out[j] = k * hn[j]
    else:
        for j in range(n):
            out[j] = k * hn[j] + skip * h[j]
    for j in range(n):
        h[j] = k * hn[j] + skip * h[j]
    for j in range(c.shape[0]):
        c[j] = k * cn[j] + skip * c[j]


def lstm_backward_loops(dout, dh, dc, keep, ut, backwards, zero_out, one, cs, acts, dxw, dz,
                        dr):
    """``lstm_backward`` without recurrent dropout, as element loops; ``dz`` (batch, 4 units)
    and ``dr`` (batch, units) hold a step's dz and dz U^T. ``dout`` may hold the gradients of
    the last outputs only (batch, 1, units): the others are zero."""
    batch, steps, width = dxw.shape
    n = width // 4
    dh = dh.copy()
    dc = dc.copy()
    e = np.empty((2, n), dxw.dtype)  # d of the new h, of the new c
    dhn = e[0]
    dcn = e[1]
    masked = keep.shape[1] > 0
    through = one - one if zero_out else one  # how much of dout a masked step passes back
    first = steps - dout.shape[1]  # the first step whose output has a gradient in dout
    zero = np.zeros(n, dxw.dtype)
    for s in range(steps - 1, -1, -1):
        t = steps - 1 - s if backwards else s
        for b in range(batch):
            k = keep[b, t] if masked else one
            skip = one - k
            ab = acts[s, b]
            cp = cs[s, b]
            go = dout[b, s - first] if s >= first else zero
            dzb = dz[b]
            dhb = dh[b]
            dcb = dc[b]
            for j in range(n):
                dhn[j] = k * (dhb[j] + go[j])
            for j in range(n):
                o = ab[3 * n + j]
                tc = ab[4 * n + j]
                dcn[j] = k * dcb[j] + dhn[j] * o * (one - tc * tc)
            for j in range(n):
                i = ab[j]
                dzb[j] = dcn[j] * ab[2 * n + j] * i * (one - i)
            for j in range(n):
                f = ab[n + j]
                dzb[n + j] = dcn[j] * cp[j] * f * (one - f)
            for j in range(n):
                g = ab[2 * n + j]
                dzb[2 * n + j] = dcn[j] * ab[j] * (one - g * g)
            for j in range(n):
                o = ab[3 * n + j]
                dzb[3 * n + j] = dhn[j] * ab[4 * n + j] * o * (one - o)
            for j in range(n):
                dcb[j] = dcn[j] * ab[n + j] + skip * dcb[j]
            for j in range(n):
                dhb[j] = skip * (dhb[j] + through * go[j])
            dxb = dxw[b, t]
            for j in range(width):
                dxb[j] = dzb[j]
        np.dot(dz, ut, dr)
        for b in range(batch):
            dhb = dh[b]
            drb = dr[b]
            for j in range(n):
                dhb[j] += drb[j]
    return dh, dc


def gru_after_forward_loops(xw, u, rb, h0, keep, backwards, zero_out, out, hp, acts, inner):
    """``gru_after_forward`` of float32 without recurrent dropout, as element loops;
    ``inner`` (batch, 3 units) holds each step's h U + rb, then the new h in its first block;
    ``out`` as in ``lstm_forward_loops``."""
    batch, steps, width = xw.shape
    n = width // 3
    one = np.float32(1.0)
    h = h0.copy()
    nothing = h0[0, :0]
    masked = keep.shape[1] > 0
    for s in range(steps):
        t = steps - 1 - s if backwards else s
        np.dot(h, u, inner)
        for b in range(batch):
            ib = inner[b]
            xb = xw[b, t]
            ab = acts[s, b]
            hb = h[b]
            hpb = hp[b, t]
            for j in range(n):
                hpb[j] = hb[j]
            for j in range(width):
                ib[j] += rb[j]
            for j in range(2 * n):
                ab[j] = _sigmoid32(xb[j] + ib[j])
            for j in range(n):
                ab[3 * n + j] = ib[2 * n + j]
            for j in range(n):
                ab[2 * n + j] = _tanh32(xb[2 * n + j] + ab[n + j] * ab[3 * n + j])
            for j in range(n):
                z = ab[j]
                ib[j] = z * hb[j] + (one - z) * ab[2 * n + j]
            _masked_step(ib, hb, nothing, out[b, s if out.shape[1] == steps else 0],
                         keep[b, t] if masked else one, masked, zero_out)
    return h


def gru_after_backward_loops(dout, dh, keep, ut, backwards, zero_out, one, hp, acts, dxw,
                             drh, d, dr):
    """``gru_after_backward`` without recurrent dropout, as element loops; ``d`` (batch,
    3 units) and ``dr`` (batch, units) hold a step's d inner and d inner U^T; ``dout`` as in
    ``lstm_backward_loops``."""
    batch, steps, width = dxw.shape
    n = width // 3
    dh = dh.copy()
    e = np.empty((2, n), dxw.dtype)  # d of the new h, of the candidate's pre-activation
    dhn = e[0]
    da = e[1]
    masked = keep.shape[1] > 0
    through = one - one if zero_out else one
    first = steps - dout.shape[1]
    zero = np.zeros(n, dxw.dtype)
    for s in range(steps - 1, -1, -1):
        t = steps - 1 - s if backwards else s
        for b in range(batch):
            k = keep[b, t] if masked else one
            skip = one - k
            ab = acts[s, b]
            hb = hp[b, t]
            go = dout[b, s - first] if s >= first else zero
            db = d[b]
            dxb = dxw[b, t]
            drb = drh[b, t]
            dhb = dh[b]
            for j in range(n):
                dhn[j] = k * (dhb[j] + go[j])
            for j in range(n):
                z = ab[j]
                hh = ab[2 * n + j]
                da[j] = dhn[j] * (one - z) * (one - hh * hh)
            for j in range(n):
                z = ab[j]
                db[j] = dhn[j] * (hb[j] - ab[2 * n + j]) * z * (one - z)
            for j in range(n):
                r = ab[n + j]
                db[n + j] = da[j] * ab[3 * n + j] * r * (one - r)
            for j in range(n):
                db[2 * n + j] = da[j] * ab[n + j]
            for j in range(n):
                dhb[j] = dhn[j] * ab[j] + skip * (dhb[j] + through * go[j])
            for j in range(2 * n):
                dxb[j] = db[j]
            for j in range(n):
                dxb[2 * n + j] = da[j]
            for j in range(n):
                drb[j] = db[2 * n + j]
        np.dot(d, ut, dr)
        for b in range(batch):
            dhb = dh[b]
            drb = dr[b]
            for j in range(n):
                dhb[j] += drb[j]
    return dh


_HELPERS = ("_sigmoid", "_rec", "_rec_t", "_time", "_masked_state", "_masked_output",
            "_split_grad", "_exp32", "_sigmoid32", "_tanh32", "_masked_step")


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
            njit = _switch._numba.njit(cache=True, error_model="numpy", nogil=True,
                                       fastmath=_FASTMATH)
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


_FASTMATH = {"nsz", "arcp", "contract", "afn"}
"""The compiler's licences: fused multiply-adds, reciprocals; not reassociation (which would
undo the exact range reduction of ``_exp32``) nor the assumption that no value is NaN or inf."""
_jit_globals: dict = {}
_compiled_kernels: dict[str, object] = {}  # backward kernel name -> dispatcher, or False


def _call(name: str, *args):
    """Backward kernel ``name`` on ``args``: compiled where it can be, else as NumPy."""
    kernel = _compiled(name)
    if kernel is not None:
        try:
            return kernel(*args)
        except Exception:  # a signature numba cannot compile: NumPy does it, now and later
            _compiled_kernels[name] = False
    return globals()[name](*args)


_FAILED = object()

PART_ROWS = 8
"""Rows of the batch, at least, in each part that runs on a thread of its own: the recurrence
of one row does not depend on the others', so the batch is cut into parts that run at the
same time, each with its own small product a step."""


def _parts(batch: int, one_blas_thread: bool) -> list:
    """The (start, stop) row ranges of the batch that the element loops run on, one a worker
    thread (fast/updates.py's, ``NUMNET_FUSED_THREADS``): one range unless the BLAS is on one
    thread (else its own threads would compete), a core is free (``_free_cores``) and the batch
    has rows for two parts."""
    from . import updates as switch

    workers = switch._threads if one_blas_thread else 1
    if workers > 1:
        workers = min(workers, _free_cores(workers))
    pieces = max(1, min(workers, batch // PART_ROWS))
    cuts = [batch * i // pieces for i in range(pieces + 1)]
    return list(zip(cuts[:-1], cuts[1:], strict=True))


def _free_cores(workers: int) -> int:
    """Of ``workers`` cores, how many are not busy with other work: workers + 1 - the load
    (``_load``: the threads running or ready to run now, this one included), rounded up. A
    part waits for its core at each call, and on a machine busy with other work that wait costs
    more than the part saves (measured on W6: about 20% slower on two busy cores, 15% faster on
    two free ones)."""
    load = _load()
    if load is None:  # no load figure here (Windows): trust the count
        return workers
    return max(1, min(workers, math.ceil(workers + 1 - load)))


def _load():
    """The threads of the whole machine running or ready to run at this moment (Linux's
    /proc/loadavg, its fourth field), else the 1-minute load average, else None. The moment's
    count follows the machine as it is now: the 1-minute average still counts, for a minute,
    a process that has just ended (in a benchmark, the peer that ran before)."""
    try:
        with open("/proc/loadavg", "rb") as f:
            return int(f.read().split()[3].split(b"/")[0])
    except (OSError, IndexError, ValueError):
        pass
    try:
        return os.getloadavg()[0]
    except (AttributeError, OSError):
        return None


def _on_parts(name: str, parts: list, args_of):
    """Element-loop kernel ``name`` on each part (its arguments ``args_of(k, start, stop)``),
    the first on this thread, the others on the worker threads (all here where there are
    none): the results in order, or ``_FAILED`` where numba is off or cannot compile it (the
    caller then runs the array form, whose outputs overwrite anything written here), once
    every part has stopped."""
    kernel = _compiled(name)
    if kernel is None:
        return _FAILED
    waits = []
    try:
        if len(parts) > 1 and _switch._threads > 1:
            pool = _switch._executor()
            waits = [pool.submit(kernel, *args_of(k, lo, hi))
                     for k, (lo, hi) in enumerate(parts) if k]
            results = [kernel(*args_of(0, *parts[0]))]
            return results + [wait.result() for wait in waits]
        return [kernel(*args_of(k, lo, hi)) for k, (lo, hi) in enumerate(parts)]
    except Exception:
        for wait in waits:  # none may still write when the caller starts over
            wait.exception()
        _compiled_kernels[name] = False
        return _FAILED


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

_threads = {"controller": None, "libraries": -1}


class _one_blas_thread:
    """``with _one_blas_thread(size):`` the BLAS on one thread for products of ``size``
    multiply-adds below SMALL_STEP, unless fast/threads.py's policy does not apply (the user set
    the BLAS's threads, or NUMNET_BLAS_THREADS=keep) or threadpoolctl is missing; the setting is
    put back after. Its own view of the thread pools (not fast/threads.py's, made once a
    process): numba's compiled products load a second BLAS (scipy's) that must be limited
    too."""

    def __init__(self, size: int):
        self.limits = None
        if size >= SMALL_STEP or not threads._policy_applies():
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
    with _one_blas_thread(width) as blas:
        return _run(cell, xw, states, recurrent_masks, keep, go_backwards, zero_output,
                    return_sequences, width, blas.limits is not None)


def _run(cell, xw: Tensor, states: list, recurrent_masks, keep, go_backwards: bool,
         zero_output: bool, return_sequences: bool, width: int, one_blas_thread: bool):
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
    # the element loops write the last output only unless every step's is returned
    out = np.empty((batch, steps if return_sequences else 1, n), dtype)
    hp = np.empty((batch, steps, n), dtype)
    kind = ("lstm" if cell_kind == "LSTMCell" else
            ("gru_after" if cell.reset_after else "gru_before") if cell_kind == "GRUCell"
            else "simple")
    gates = {"simple": 1, "lstm": 4}.get(kind, 3)
    per_gate = rmask.shape[0] > 1
    ut = np.ascontiguousarray(u.T)
    rb_tensor = rh = None
    parts = None  # the batch's row ranges where the element loops ran, each its acts and cs
    if kind == "simple":
        acts = np.empty((steps, batch, n), dtype)
        rblocks = _blocks(u, 1, n, False) if per_gate else u[None]
        out = _every_step(out, steps)
        final = [simple_forward(x, u, h0, keep, rmask, rblocks, go_backwards, zero_output, one,
                                out, hp, acts)]
    elif kind == "lstm":
        c0 = np.ascontiguousarray(states[1].value, dtype=dtype)
        rblocks = _blocks(u, 4, n, False) if per_gate else u[None]
        final = _FAILED
        if rmask.shape[0] == 0 and dtype == np.float32:
            parts = _parts(batch, one_blas_thread)
            cs = [np.empty((steps + 1, hi - lo, n), dtype) for lo, hi in parts]
            acts = [np.empty((steps, hi - lo, 5 * n), dtype) for lo, hi in parts]
            final = _on_parts("lstm_forward_loops", parts, lambda k, lo, hi: (
                x[lo:hi], u, h0[lo:hi], c0[lo:hi], keep[lo:hi], go_backwards, zero_output,
                out[lo:hi], hp[lo:hi], cs[k], acts[k], np.empty((hi - lo, 4 * n), dtype)))
        if final is _FAILED:
            parts = None
            cs = np.empty((steps + 1, batch, n), dtype)
            acts = np.empty((steps, batch, 5 * n), dtype)
            out = _every_step(out, steps)
            final = lstm_forward(x, u, h0, c0, keep, rmask, rblocks, go_backwards, zero_output,
                                 one, out, hp, cs, acts)
        final = list(final)
        if parts is not None:  # (h, c) of each part
            final = [np.concatenate(states_of) for states_of in zip(*final, strict=True)]
        elif rmask.shape[0] == 0 and _compiled("lstm_backward_loops") is not None:
            parts, cs, acts = [(0, batch)], [cs], [acts]  # float64: the backward loops apply
    elif kind == "gru_after":
        if cell.bias is not None:
            rb_tensor = ops.getitem(cell._weight(cell.bias), 1)
            rb = np.ascontiguousarray(rb_tensor.value)
        else:
            rb = np.zeros(3 * n, dtype)
        rblocks = _blocks(u, 3, n, False) if per_gate else u[None]
        final = _FAILED
        if rmask.shape[0] == 0 and dtype == np.float32:
            parts = _parts(batch, one_blas_thread)
            acts = [np.empty((steps, hi - lo, 4 * n), dtype) for lo, hi in parts]
            final = _on_parts("gru_after_forward_loops", parts, lambda k, lo, hi: (
                x[lo:hi], u, rb, h0[lo:hi], keep[lo:hi], go_backwards, zero_output,
                out[lo:hi], hp[lo:hi], acts[k], np.empty((hi - lo, 3 * n), dtype)))
        if final is _FAILED:
            parts = None
            acts = np.empty((steps, batch, 4 * n), dtype)
            out = _every_step(out, steps)
            final = gru_after_forward(x, u, rb, h0, keep, rmask, rblocks, go_backwards,
                                      zero_output, one, out, hp, acts)
        final = [final if parts is None else np.concatenate(final)]
        if parts is None and rmask.shape[0] == 0 and _compiled(
                "gru_after_backward_loops") is not None:
            parts, acts = [(0, batch)], [acts]
    else:
        u_zr = np.ascontiguousarray(u[:, :2 * n])
        u_h = np.ascontiguousarray(u[:, 2 * n:])
        acts = np.empty((steps, batch, 3 * n), dtype)
        rh = np.empty((batch, steps, n), dtype)
        rblocks = _blocks(u_zr, 2, n, False) if per_gate else u_zr[None]
        out = _every_step(out, steps)
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
        # the gradient of every output, or (batch, 1, units) of the last one: the element
        # loops take either, the array forms every step's (``_every_step``)
        dout = np.ascontiguousarray(g, dtype=dtype).reshape(batch, -1, n)

        def dall():
            return _every_step(dout, steps, True)

        dfinal = [state_grads.get(k, np.zeros((batch, n), dtype)) for k in range(len(final))]
        dxw = np.empty((batch, steps, gates * n), dtype)
        if kind == "simple":
            rblocks_t = _blocks(u, 1, n, True) if per_gate else ut[None]
            d0 = [_call("simple_backward", dall(), dfinal[0], keep, rmask, ut, rblocks_t,
                        go_backwards, zero_output, one, acts, dxw)]
        elif kind == "lstm":
            rblocks_t = _blocks(u, 4, n, True) if per_gate else ut[None]
            d0 = _FAILED
            if parts is not None:  # the element loops, on the forward's parts
                d0 = _on_parts("lstm_backward_loops", parts, lambda k, lo, hi: (
                    dout[lo:hi], dfinal[0][lo:hi], dfinal[1][lo:hi], keep[lo:hi], ut,
                    go_backwards, zero_output, one, cs[k], acts[k], dxw[lo:hi],
                    np.empty((hi - lo, 4 * n), dtype), np.empty((hi - lo, n), dtype)))
            if d0 is _FAILED:
                d0 = _call("lstm_backward", dall(), dfinal[0], dfinal[1], keep, rmask, ut,
                           rblocks_t, go_backwards, zero_output, one, _whole(cs, parts),
                           _whole(acts, parts), dxw)
            else:
                d0 = [np.concatenate(d) for d in zip(*d0, strict=True)]
            d0 = list(d0)
        elif kind == "gru_after":
            drh = np.empty((batch, steps, n), dtype)
            rblocks_t = _blocks(u, 3, n, True) if per_gate else ut[None]
            d0 = _FAILED
            if parts is not None:
                d0 = _on_parts("gru_after_backward_loops", parts, lambda k, lo, hi: (
                    dout[lo:hi], dfinal[0][lo:hi], keep[lo:hi], ut, go_backwards,
                    zero_output, one, hp[lo:hi], acts[k], dxw[lo:hi], drh[lo:hi],
                    np.empty((hi - lo, 3 * n), dtype), np.empty((hi - lo, n), dtype)))
            if d0 is _FAILED:
                d0 = [_call("gru_after_backward", dall(), dfinal[0], keep, rmask, ut, rblocks_t,
                            go_backwards, zero_output, one, hp, _whole(acts, parts), dxw, drh)]
            else:
                d0 = [np.concatenate(d0)]
        else:
            ut_zr = np.ascontiguousarray(u_zr.T)
            rblocks_t = _blocks(u_zr, 2, n, True) if per_gate else ut_zr[None]
            d0 = [_call("gru_before_backward", dall(), dfinal[0], keep, rmask, ut_zr, rblocks_t,
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


def _whole(pieces, parts):
    """The (steps, batch, .) buffer the forward wrote in ``parts`` (a list, one a part), as one
    array; itself where it is one already (``parts`` None)."""
    if parts is None:
        return pieces
    return pieces[0] if len(pieces) == 1 else np.concatenate(pieces, axis=1)


def _every_step(a, steps: int, zeros: bool = False):
    """``a`` (batch, steps or 1, units) as (batch, steps, units): itself, or a new array with
    ``a`` as its last step (the steps before it zero with ``zeros``, else not written)."""
    if a.shape[1] == steps:
        return a
    whole = (np.zeros if zeros else np.empty)((a.shape[0], steps, a.shape[2]), a.dtype)
    if zeros:
        whole[:, -1:] = a
    return whole


def _transposed_product(h, dz):
    """h^T dz for h (rows, units), dz (rows, width), computed as (dz^T h)^T: its width rows can
    be cut across the cores by ``threads.matmul`` (h^T has only units rows)."""
    return threads.matmul(dz.T, h).T


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
        block = _transposed_product(hm, dz[:, :gates * n])
    else:
        block = np.empty((n, gates * n), dxw.dtype)
        for g in range(gates):
            hm = (hp * rmask[g][:, None, :]).reshape(rows, n)
            block[:, g * n:(g + 1) * n] = hm.T @ dz[:, g * n:(g + 1) * n]
    if target is None:
        return block
    target[:, :2 * n] = block
    return target
