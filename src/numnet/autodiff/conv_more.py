"""Two convolutions beside ``ops.conv``, each a tape node with its backward written out:
``depthwise_conv`` (each channel with its own filters) and ``conv_transpose`` (the gradient of a
convolution with respect to its input, in Keras's kernel layout). The layers
(DepthwiseConv*, SeparableConv*, Conv*Transpose) and ``numnet.ops.nn`` both use them.
"""

from __future__ import annotations

import itertools

from .. import backend
from . import ops


def depthwise_conv(x, kernel, strides, padding: str, dilation_rate):
    """Per-channel convolution of channels-last ``x`` (batch, *spatial, C) with ``kernel``
    (*window, C, M): output channel c * M + m is

        out[n, p, c M + m] = sum_t x_pad[n, p * stride + t * dilation, c] kernel[t, c, m].

    Backward, with the patches P[n, p, t, c]: d kernel[t, c, m] = sum_{n, p} P g[.., c, m],
    d P[.., t, c] = sum_m g[.., c, m] kernel[t, c, m], added back onto x tap by tap.
    """
    x, kernel = ops.as_tensor(x), ops.as_tensor(kernel)
    rank = kernel.ndim - 2
    xp = backend.xp
    window = kernel.shape[:rank]
    padded, taps, inner = ops._windows(x.value, window, strides, dilation_rate, padding)
    patches = xp.stack([padded[tap] for tap in taps], axis=-2)  # (batch, *out, taps, C)
    channels, multiplier = kernel.shape[-2:]
    k = kernel.value.reshape(len(taps), channels, multiplier)
    z = ops.einsum_arrays("...tc,tcm->...cm", patches, k)
    out_shape = z.shape[:-2] + (channels * multiplier,)

    def backward(g):
        g = g.reshape(z.shape)
        if kernel.requires_grad:
            rows = patches.reshape(-1, len(taps), channels)
            d_kernel = ops.einsum_arrays("ntc,ncm->tcm", rows,
                                         g.reshape(-1, channels, multiplier))
            ops.accumulate(kernel, d_kernel.reshape(kernel.shape).astype(kernel.dtype))
        if x.requires_grad:
            d_patches = ops.einsum_arrays("...cm,tcm->...tc", g, k)
            ops.accumulate(x, ops._scatter_taps(lambda i: d_patches[..., i, :], padded.shape,
                                                taps, inner, x.dtype))

    return ops.node(z.reshape(out_shape), (x, kernel), backward)


def transpose_geometry(size, window: int, stride: int, dilation: int, padding: str,
                       output_padding) -> tuple:
    """(output size, offset) of one spatial axis of a transposed convolution, as Keras.

    Scattering each input position p into p * stride + t * dilation (t = 0..window-1) fills a
    "full" axis of (size - 1) stride + span positions, span = dilation (window - 1) + 1. The
    output is that axis from ``offset`` on (zeros past its end):

    "valid": out = (size - 1) stride + span + output_padding (output_padding None:
    max(span, stride) - span), offset 0;
    "same": out = size * stride (output_padding None) or (size - 1) stride + span % 2 +
    output_padding, offset = span - 1 - left padding, the left padding as Keras gives JAX.
    """
    span = dilation * (window - 1) + 1
    if padding == "valid":
        extra = max(span, stride) - span if output_padding is None else output_padding
        out = None if size is None else (size - 1) * stride + span + extra
        return out, 0
    pad = stride + span - 2 if output_padding is None else span + span % 2 - 2 + output_padding
    left = min(pad // 2 + pad % 2, span - 1)
    if size is None:
        return None, span - 1 - left
    return (size - 1) * stride + 1 + pad - (span - 1), span - 1 - left


def conv_transpose(x, kernel, bias=None, strides=1, padding: str = "valid",
                   output_padding=None, dilation_rate=1):
    """Transposed convolution of channels-last ``x`` (batch, *spatial, in) with ``kernel``
    (*window, out, in), Keras's layout: the gradient of ``conv`` with respect to its input.

        full[n, p * stride + t * dilation, f] += sum_c x[n, p, c] kernel[t, f, c]
        out[n, o, f] = full[n, o + offset, f] + bias[f]

    computed as one matrix product (rows of x times the kernel as a (in, taps * out) matrix)
    and a scatter of the taps. Backward: the taps of g gathered back (G), d x = G K^T,
    d K = X^T G, d bias = sum g.
    """
    x, kernel = ops.as_tensor(x), ops.as_tensor(kernel)
    xp = backend.xp
    rank = kernel.ndim - 2
    window, filters, channels = kernel.shape[:rank], kernel.shape[-2], kernel.shape[-1]
    if x.ndim != rank + 2 or x.shape[-1] != channels:
        raise ValueError(f"conv_transpose: a kernel of shape {kernel.shape} needs an input of "
                         f"shape (batch, {rank} spatial axes, {channels}), given {x.shape}.")
    strides = ops._per_axis(strides, rank, "conv_transpose(strides)")
    dilation = ops._per_axis(dilation_rate, rank, "conv_transpose(dilation_rate)")
    extras = (None,) * rank if output_padding is None else ops._per_axis(
        output_padding, rank, "conv_transpose(output_padding)")
    spatial = x.shape[1:-1]
    geometry = [transpose_geometry(n, k, s, d, padding, e) for n, k, s, d, e in
                zip(spatial, window, strides, dilation, extras, strict=True)]
    full_size = tuple(max((n - 1) * s + d * (k - 1) + 1, off + o) for n, k, s, d, (o, off) in
                      zip(spatial, window, strides, dilation, geometry, strict=True))
    crop = (slice(None),) + tuple(slice(off, off + o) for o, off in geometry) + (slice(None),)
    taps = list(itertools.product(*(range(k) for k in window)))
    places = [(slice(None),) + tuple(slice(t * d, t * d + s * (n - 1) + 1, s) for t, d, s, n in
                                     zip(tap, dilation, strides, spatial, strict=True))
              + (slice(None),) for tap in taps]
    rows = x.value.reshape(-1, channels)
    # (in, taps, out): column block i of the matrix is tap i's (in, out) slice
    matrix = xp.moveaxis(kernel.value.reshape(len(taps), filters, channels), -1, 0)
    matrix = xp.ascontiguousarray(matrix).reshape(channels, len(taps) * filters)
    cols = (rows @ matrix).reshape(*x.shape[:-1], len(taps), filters)
    full = xp.zeros((x.shape[0], *full_size, filters), dtype=cols.dtype)
    for i, place in enumerate(places):
        full[place] += cols[..., i, :]
    out = full[crop]
    if bias is not None:
        out = out + bias.value

    def backward(g):
        g_full = xp.zeros(full.shape, dtype=g.dtype)
        g_full[crop] = g
        d_cols = xp.stack([g_full[place] for place in places], axis=-2)
        d_cols = d_cols.reshape(rows.shape[0], len(taps) * filters)
        if kernel.requires_grad:
            d_matrix = (rows.T @ d_cols).reshape(channels, len(taps), filters)
            ops.accumulate(kernel, xp.moveaxis(d_matrix, 0, -1).reshape(kernel.shape))
        if bias is not None and bias.requires_grad:
            ops.accumulate(bias, g.reshape(-1, filters).sum(axis=0))
        if x.requires_grad:
            ops.accumulate(x, (d_cols @ matrix.T).reshape(x.shape))

    parents = (x, kernel) if bias is None else (x, kernel, bias)
    return ops.node(xp.ascontiguousarray(out), parents, backward)
