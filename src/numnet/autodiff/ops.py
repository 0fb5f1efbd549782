"""Differentiable ops: each computes its forward value and records its vector-Jacobian product.

Every op follows one pattern::

    def op(a):
        out = <forward on a.value>
        def backward(g):           # g = d loss / d out
            accumulate(a, <g times d out / d a>)
        return node(out, (a,), backward)

``node`` records nothing when no input needs a gradient (inference, or inside ``no_grad``).
The fused ops at the end (dense + activation, cross-entropy from logits) are single nodes whose
backward is written out by hand: they are what a training step spends its time in.

Why one file of about 1400 lines: the engine's differentiable ops follow one pattern and share
its plumbing (node, accumulate, unbroadcast).
"""

from __future__ import annotations

import itertools
import math
import sys as _sys

import numpy as _numpy

from .. import backend
from ..fast import conv as _fast_conv
from ..fast import kernels as fused
from ..fast import threads as _threads
from . import tensor as _tensor
from .tensor import Tensor

# ----------------------------------------------------------------------------- plumbing


def as_tensor(x, dtype=None) -> Tensor:
    """``x`` if it is a Tensor, else a constant Tensor holding it (float data in floatx)."""
    if isinstance(x, Tensor):
        return x
    value = backend.to_device(x)
    if dtype is not None:
        value = value.astype(dtype, copy=False)
    elif value.dtype.kind == "f" or value.dtype.kind in "biu" and value.ndim == 0:
        value = value.astype(backend.floatx(), copy=False)
    return Tensor(value)


def _pair(a, b):
    """Two Tensors; a constant takes the float type of its Tensor partner."""
    if isinstance(a, Tensor) and not isinstance(b, Tensor):
        return a, _constant_like(b, a)
    if isinstance(b, Tensor) and not isinstance(a, Tensor):
        return _constant_like(a, b), b
    return as_tensor(a), as_tensor(b)


def _constant_like(x, ref: Tensor) -> Tensor:
    if isinstance(x, (int, float)) and not isinstance(x, bool):
        return Tensor(backend.xp.asarray(x, dtype=ref.dtype))
    value = backend.to_device(x)
    if value.dtype.kind in "fbiu" and ref.dtype.kind == "f":
        value = value.astype(ref.dtype, copy=False)
    return Tensor(value)


def node(value, parents, backward) -> Tensor:
    """A Tensor that records ``backward`` if any parent needs a gradient."""
    if _tensor._grad_enabled and _any_requires_grad(parents):
        return Tensor(value, parents, backward, True)
    return Tensor(value)


def _any_requires_grad(parents) -> bool:
    for p in parents:
        if p.requires_grad:
            return True
    return False


def accumulate(t: Tensor, g) -> None:
    """Add ``g`` to ``t.grad`` (the sum rule for a Tensor used more than once)."""
    if t.requires_grad:
        t.grad = g if t.grad is None else t.grad + g


def unbroadcast(g, shape):
    """Sum ``g`` over the axes that broadcasting added or stretched, back to ``shape``."""
    if g.shape == tuple(shape):
        return g
    extra = g.ndim - len(shape)
    if extra > 0:
        g = g.sum(axis=tuple(range(extra)))
    axes = tuple(i for i, n in enumerate(shape) if n == 1 and g.shape[i] != 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    return g.reshape(shape)


# ----------------------------------------------------------------------------- arithmetic


def add(a, b) -> Tensor:
    a, b = _pair(a, b)

    def backward(g):
        accumulate(a, unbroadcast(g, a.shape))
        accumulate(b, unbroadcast(g, b.shape))

    return node(a.value + b.value, (a, b), backward)


def subtract(a, b) -> Tensor:
    a, b = _pair(a, b)

    def backward(g):
        accumulate(a, unbroadcast(g, a.shape))
        accumulate(b, unbroadcast(-g, b.shape))

    return node(a.value - b.value, (a, b), backward)


def multiply(a, b) -> Tensor:
    a, b = _pair(a, b)

    def backward(g):
        accumulate(a, unbroadcast(g * b.value, a.shape))
        accumulate(b, unbroadcast(g * a.value, b.shape))

    return node(a.value * b.value, (a, b), backward)


def divide(a, b) -> Tensor:
    a, b = _pair(a, b)
    out = a.value / b.value

    def backward(g):
        accumulate(a, unbroadcast(g / b.value, a.shape))
        accumulate(b, unbroadcast(-g * out / b.value, b.shape))

    return node(out, (a, b), backward)


def negative(a) -> Tensor:
    a = as_tensor(a)
    return node(-a.value, (a,), lambda g: accumulate(a, -g))


def power(a, exponent: float) -> Tensor:
    """a ** exponent for a constant exponent; d a = exponent * a ** (exponent - 1) * g."""
    a = as_tensor(a)
    exponent = float(getattr(exponent, "value", exponent))

    def backward(g):
        if exponent == 0:
            return
        accumulate(a, g * exponent * a.value ** (exponent - 1))

    return node(a.value**exponent, (a,), backward)


def square(a) -> Tensor:
    a = as_tensor(a)
    return node(a.value * a.value, (a,), lambda g: accumulate(a, 2 * g * a.value))


def sqrt(a) -> Tensor:
    a = as_tensor(a)
    out = backend.xp.sqrt(a.value)
    return node(out, (a,), lambda g: accumulate(a, 0.5 * g / out))


def exp(a) -> Tensor:
    a = as_tensor(a)
    out = backend.xp.exp(a.value)
    return node(out, (a,), lambda g: accumulate(a, g * out))


def log(a) -> Tensor:
    a = as_tensor(a)
    return node(backend.xp.log(a.value), (a,), lambda g: accumulate(a, g / a.value))


def log1p(a) -> Tensor:
    a = as_tensor(a)
    return node(backend.xp.log1p(a.value), (a,), lambda g: accumulate(a, g / (1 + a.value)))


def abs(a) -> Tensor:  # noqa: A001 - mirrors numpy's name
    a = as_tensor(a)
    xp = backend.xp
    return node(xp.abs(a.value), (a,), lambda g: accumulate(a, g * xp.sign(a.value)))


def maximum(a, b) -> Tensor:
    """Element-wise maximum; where the two are equal the gradient goes to ``a``."""
    a, b = _pair(a, b)
    take_a = a.value >= b.value

    def backward(g):
        accumulate(a, unbroadcast(g * take_a, a.shape))
        accumulate(b, unbroadcast(g * ~take_a, b.shape))

    return node(backend.xp.where(take_a, a.value, b.value), (a, b), backward)


def minimum(a, b) -> Tensor:
    """Element-wise minimum; where the two are equal the gradient goes to ``a``."""
    a, b = _pair(a, b)
    take_a = a.value <= b.value

    def backward(g):
        accumulate(a, unbroadcast(g * take_a, a.shape))
        accumulate(b, unbroadcast(g * ~take_a, b.shape))

    return node(backend.xp.where(take_a, a.value, b.value), (a, b), backward)


def cast(a, dtype) -> Tensor:
    """``a`` as ``dtype``; between float types the gradient is cast back (d a = g), into
    integer or boolean types none flows."""
    a = as_tensor(a)
    value = a.value.astype(dtype, copy=False)
    if value is a.value:
        return a
    if not backend.is_float_dtype(value.dtype):
        return Tensor(value)
    return node(value, (a,), lambda g: accumulate(a, g.astype(a.value.dtype)))


def clip(a, low: float, high: float) -> Tensor:
    """Clip to [low, high]; the gradient is zero where the value was clipped."""
    a = as_tensor(a)
    inside = (a.value >= low) & (a.value <= high)
    return node(backend.xp.clip(a.value, low, high), (a,), lambda g: accumulate(a, g * inside))


def matmul(a, b) -> Tensor:
    """a @ b with NumPy's rules: a 1-D operand is a row (left) or a column (right), then dropped.

    Backward on the matrices: d a = g b^T, d b = a^T g, each summed over broadcast batch axes.
    """
    a, b = _pair(a, b)
    xp = backend.xp
    # 2-D products go through the thread policy, which cuts a large one across the cores
    product = _threads.matmul if a.ndim == 2 and b.ndim == 2 else _mul
    out = product(a.value, b.value)

    def backward(g):
        a2 = a.value[None, :] if a.ndim == 1 else a.value
        b2 = b.value[:, None] if b.ndim == 1 else b.value
        if b.ndim == 1:
            g = xp.expand_dims(g, -1)
        if a.ndim == 1:
            g = xp.expand_dims(g, -2)
        if a.requires_grad:
            accumulate(a, unbroadcast(product(g, xp.swapaxes(b2, -1, -2)), a2.shape).reshape(
                a.shape))
        if b.requires_grad:
            accumulate(b, unbroadcast(product(xp.swapaxes(a2, -1, -2), g), b2.shape).reshape(
                b.shape))

    return node(out, (a, b), backward)


def _mul(a, b):
    return a @ b


# ----------------------------------------------------------------------------- reductions, shapes


def _expand_reduced(g, shape, axis, keepdims):
    if axis is None or keepdims:
        return g
    axes = (axis,) if isinstance(axis, int) else axis
    axes = sorted(ax % len(shape) for ax in axes)
    for ax in axes:
        g = backend.xp.expand_dims(g, ax)
    return g


def sum(a, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    a = as_tensor(a)

    def backward(g):
        g = _expand_reduced(g, a.shape, axis, keepdims)
        accumulate(a, backend.xp.broadcast_to(g, a.shape).astype(a.dtype, copy=True))

    return node(a.value.sum(axis=axis, keepdims=keepdims), (a,), backward)


def weighted_sum(a, weights=None, scale: float = 1.0) -> Tensor:
    """scale * sum(a * weights) as one node (a loss's reduction); d a = scale * weights * g."""
    a = as_tensor(a)
    xp = backend.xp
    w = None if weights is None else xp.broadcast_to(weights, a.shape)
    total = a.value.sum() if w is None else (a.value * w).sum()
    out = (total * scale).astype(a.dtype, copy=False)

    def backward(g):
        grad = xp.empty(a.value.shape, a.dtype)
        grad[...] = g * scale if w is None else w * (g * scale)
        accumulate(a, grad)

    return node(out, (a,), backward)


def mean(a, axis=None, keepdims: bool = False) -> Tensor:
    a = as_tensor(a)
    count = a.size if axis is None else _count(a.shape, axis)

    def backward(g):
        g = _expand_reduced(g, a.shape, axis, keepdims) / count
        accumulate(a, backend.xp.broadcast_to(g, a.shape).astype(a.dtype, copy=True))

    return node(a.value.mean(axis=axis, keepdims=keepdims), (a,), backward)


def _count(shape, axis) -> int:
    axes = (axis,) if isinstance(axis, int) else axis
    return math.prod(shape[ax] for ax in axes)


class ReshapeError(ValueError):
    """A reshape between sizes that differ (a ValueError); ``size`` (the values given) and
    ``shape`` (the shape asked for) let a caller see what the shape assumed.

    Args:
        message: what went wrong and the fix.
        size: the number of values given.
        shape: the shape asked for.

    Example:
        >>> try:
        ...     numnet.ops.reshape(np.ones((2, 3)), (4,))
        ... except ValueError as err:
        ...     print(err.size, err.shape)
        6 (4,)
    """

    def __init__(self, message: str, size: int, shape: tuple):
        super().__init__(message)
        self.size, self.shape = size, shape


def reshape(a, shape) -> Tensor:
    a = as_tensor(a)
    try:
        value = a.value.reshape(shape)
    except ValueError as err:
        wanted = tuple(shape) if isinstance(shape, (tuple, list)) else (shape,)
        raise ReshapeError(f"reshape: cannot reshape a tensor of shape {tuple(a.shape)} "
                           f"({a.value.size} values) into shape {wanted}; the sizes must "
                           f"multiply to the same total (one entry may be -1).", a.value.size,
                           wanted) from err
    return node(value, (a,), lambda g: accumulate(a, g.reshape(a.shape)))


def _device_index(index):
    """An index with its arrays (integer or boolean) on the device in use."""
    if isinstance(index, tuple):
        return tuple(_device_index(i) for i in index)
    if hasattr(index, "dtype") and hasattr(index, "shape"):
        return backend.to_device(index)
    return index


def _add_at(full, index, g):
    """full[index] += g, adding once per occurrence of a repeated integer index."""
    add_at = getattr(backend.xp.add, "at", None)
    if add_at is not None:
        add_at(full, index, g)
    else:  # CuPy before ufunc.at
        import cupyx

        cupyx.scatter_add(full, index, g)


def transpose(a, axes=None) -> Tensor:
    a = as_tensor(a)
    xp = backend.xp
    if axes is not None:
        axes = tuple(ax % a.ndim for ax in axes)
    inverse = None if axes is None else tuple(sorted(range(a.ndim), key=axes.__getitem__))
    return node(
        xp.transpose(a.value, axes), (a,), lambda g: accumulate(a, xp.transpose(g, inverse))
    )


def getitem(a, index) -> Tensor:
    a = as_tensor(a)
    index = _device_index(getattr(index, "value", index))

    def backward(g):
        full = backend.xp.zeros_like(a.value)
        _add_at(full, index, g)
        accumulate(a, full)

    return node(a.value[index], (a,), backward)


def index_add(g, shape, index) -> Tensor:
    """zeros(shape) with ``g`` added at ``index`` (once per occurrence of a repeated integer
    index): the gradient of ``getitem``, as an op of its own so that it can be differentiated
    again. Backward: d g = upstream[index]."""
    g = as_tensor(g)
    index = _device_index(index)
    full = backend.xp.zeros(tuple(shape), dtype=g.dtype)
    _add_at(full, index, g.value)
    return node(full, (g,), lambda up: accumulate(g, up[index]))


def concatenate(tensors, axis: int = -1) -> Tensor:
    tensors = [as_tensor(t) for t in tensors]
    xp = backend.xp
    splits = list(itertools.accumulate(t.shape[axis] for t in tensors))[:-1]

    def backward(g):
        for t, part in zip(tensors, xp.split(g, splits, axis=axis), strict=True):
            accumulate(t, part)

    return node(xp.concatenate([t.value for t in tensors], axis=axis), tuple(tensors), backward)


def max(a, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001 - Keras's name
    """The largest element over ``axis``; the gradient is shared equally among the elements
    equal to it (as TensorFlow and JAX): d a = g * [a == max] / count(a == max)."""
    a = as_tensor(a)
    out = a.value.max(axis=axis, keepdims=True)

    def backward(g):
        g = _expand_reduced(g, a.shape, axis, keepdims)
        hits = a.value == out
        share = g / hits.sum(axis=axis, keepdims=True).astype(a.dtype)
        accumulate(a, (hits * share).astype(a.dtype, copy=False))

    if not keepdims:
        reduced = out.reshape(()) if axis is None else out.squeeze(axis)
        return node(reduced, (a,), backward)
    return node(out, (a,), backward)


# ----------------------------------------------------------------------------- sliding windows


def _per_axis(value, rank: int, where: str) -> tuple:
    """An int or a tuple of ``rank`` ints, as a tuple of ``rank`` ints."""
    values = (value,) * rank if isinstance(value, int) else tuple(value)
    if len(values) != rank:
        raise ValueError(f"{where}: expected an int or {rank} ints, given {value!r}.")
    return values


def window_geometry(size, window: int, stride: int, dilation: int, padding: str) -> tuple:
    """(output size, padding before, padding after) of one spatial axis, as Keras computes them.

    A window of ``window`` taps ``dilation`` apart spans d (k - 1) + 1 positions;
    "valid": out = floor((size - span) / stride) + 1, no padding;
    "same": out = ceil(size / stride), padded by (out - 1) stride + span - size, the smaller
    half before; "causal": out = ceil(size / stride), padded by span - 1, all before.
    ``size`` None (unknown) gives an unknown output size.
    """
    if padding not in ("valid", "same", "causal"):
        raise ValueError(f"padding: expected 'valid', 'same' or 'causal', given {padding!r}.")
    span = dilation * (window - 1) + 1
    if padding == "valid":
        return (None if size is None else (size - span) // stride + 1), 0, 0
    if padding == "causal":
        return (None if size is None else -(-size // stride)), span - 1, 0
    if size is None:
        return None, 0, 0
    out = -(-size // stride)
    total = (out - 1) * stride + span - size
    total = total if total > 0 else 0
    return out, total // 2, total - total // 2


def _window_plan(shape, window, strides, dilation, padding) -> tuple:
    """(the output's spatial shape, the padding before each spatial axis) of windows over
    channels-last data of ``shape``; a ValueError names the fix where the output is empty."""
    geometry = [window_geometry(n, k, s, d, padding)
                for n, k, s, d in zip(shape[1:-1], window, strides, dilation, strict=True)]
    out = tuple(o for o, _, _ in geometry)
    if any(o < 1 for o in out):
        raise ValueError(
            f"A window of size {tuple(window)} (dilation {tuple(dilation)}) does not fit the "
            f"input's spatial shape {tuple(shape[1:-1])} with padding={padding!r}: the output "
            f"would be empty. Use a smaller window or larger inputs, or padding='same'.")
    return out, tuple(b for _, b, _ in geometry)


def _windows(x, window, strides, dilation, padding, fill=0.0):
    """The padded input and, for each tap of the window, the index of the padded input that the
    tap sees at every output position: padded[index] has the output's shape.

    ``x`` is channels-last, (batch, *spatial, channels); the taps are in row-major order.
    """
    rank = len(window)
    geometry = [window_geometry(n, k, s, d, padding)
                for n, k, s, d in zip(x.shape[1:-1], window, strides, dilation, strict=True)]
    out = tuple(o for o, _, _ in geometry)
    if any(o < 1 for o in out):
        raise ValueError(
            f"A window of size {tuple(window)} (dilation {tuple(dilation)}) does not fit the "
            f"input's spatial shape {tuple(x.shape[1:-1])} with padding={padding!r}: the output "
            f"would be empty. Use a smaller window or larger inputs, or padding='same'.")
    pads = ((0, 0), *((b, a) for _, b, a in geometry), (0, 0))
    padded = x
    if any(b or a for b, a in pads):
        padded = backend.xp.pad(x, pads, constant_values=fill)
    taps = [(slice(None),) + tuple(slice(t * d, t * d + s * (o - 1) + 1, s)
                                   for t, d, s, o in zip(tap, dilation, strides, out, strict=True))
            + (slice(None),) for tap in itertools.product(*(range(k) for k in window))]
    inner = (slice(None),) + tuple(slice(b, b + n) for (b, _), n in
                                   zip(pads[1:1 + rank], x.shape[1:-1], strict=True))
    return padded, taps, inner + (slice(None),)


def _scatter_taps(parts, padded_shape, taps, inner, dtype):
    """The gradient of the input from the gradient of each tap's view, parts(i): the views
    overlap where windows do, so their shares are added, then the padding is cut off."""
    full = backend.xp.zeros(padded_shape, dtype=dtype)
    for i, tap in enumerate(taps):
        full[tap] += parts(i)
    return full[inner]


def conv(x, kernel, bias=None, strides=1, padding: str = "valid", dilation_rate=1,
         act=None) -> Tensor:
    """Convolution of channels-last ``x`` (batch, *spatial, in) with ``kernel`` (*window, in,
    out), a cross-correlation as in Keras, computed as one matrix product over the patches,
    then the activation kernel ``act`` (None: linear; as ``dense``'s, applied to the last axis):

        z[n, p, f] = sum_{t, c} x_pad[n, p * stride + t * dilation, c] kernel[t, c, f] + bias[f]

    Backward, with patches P (one row per output position), the kernel as a matrix K and
    dz = act'(z) g: d K = P^T dz, d bias = sum_rows dz, d P = dz K^T, added back onto x tap by
    tap. For 1-D and 2-D inputs the patches are built and used a block of images at a time by
    compiled loops (fast/conv.py), and a relu with the bias is one compiled pass each way.
    """
    x, kernel = as_tensor(x), as_tensor(kernel)
    rank = kernel.ndim - 2
    if x.ndim != rank + 2:
        raise ValueError(f"conv: a {rank}-D kernel of shape {kernel.shape} needs an input of "
                         f"rank {rank + 2} (batch, {rank} spatial axes, channels), given shape "
                         f"{x.shape}.")
    if x.shape[-1] != kernel.shape[-2]:
        raise ValueError(f"conv: the input has {x.shape[-1]} channels (shape {x.shape}), the "
                         f"kernel of shape {kernel.shape} expects {kernel.shape[-2]}.")
    strides = _per_axis(strides, rank, "conv(strides)")
    dilation = _per_axis(dilation_rate, rank, "conv(dilation_rate)")
    window = kernel.shape[:rank]
    out_shape, before = _window_plan(x.shape, window, strides, dilation, padding)
    geometry = (window, strides, dilation, before, out_shape)
    matrix = kernel.value.reshape(-1, kernel.shape[-1])
    rows = None  # the patches, kept for the backward on the plain path only
    b = None if bias is None else bias.value
    # a bias and a relu: applied by the compiled blocks while each block's product is cached
    relu_bias = b if b is not None and getattr(act, "fused", None) == "relu" else None
    with _threads.scope():  # its blocks' products on one BLAS thread, the blocks on the cores
        _threads.pin()
        z = _fast_conv.conv_forward(x.value, matrix, *geometry, relu_bias=relu_bias)
        if z is None and relu_bias is not None:
            relu_bias = None
            z = _fast_conv.conv_forward(x.value, matrix, *geometry)
    if z is None:
        relu_bias = None
        padded, taps, inner = _windows(x.value, window, strides, dilation, padding)
        rows = backend.xp.stack([padded[tap] for tap in taps], axis=-2).reshape(
            -1, matrix.shape[0])  # (batch, *out, taps, in): one row per output position
        z = _threads.matmul(rows, matrix)
    if relu_bias is not None:
        out = z  # max(z + b, 0), made in place by the blocks
    elif act is None:
        if b is not None:
            z += b
        out = z
    else:
        out = bias_and_activation(z, b, act)

    def backward(g):
        g = g.reshape(z.shape)
        if (rows is None and getattr(act, "fused", None) == "relu"
                and (kernel.requires_grad or x.requires_grad)):
            with _threads.scope():  # the relu's backward inside the blocks' loop
                _threads.pin()
                done = _fast_conv.conv_relu_backward(x.value, g, out, matrix, *geometry,
                                                     kernel.requires_grad, x.requires_grad)
            if done is not None:
                d_matrix, dx, d_bias = done
                if bias is not None and bias.requires_grad:
                    accumulate(bias, d_bias)
                if kernel.requires_grad:
                    accumulate(kernel, d_matrix.reshape(kernel.shape))
                if x.requires_grad:
                    accumulate(x, dx)
                return
        dz, sums = (g, None) if act is None else activation_backward(g, z, out, act,
                                                                   _bias_buffer(bias, g))
        if bias is not None and bias.requires_grad:
            accumulate(bias, bias_gradient(dz, _grad_buffer(bias, dz)) if sums is None
                       else sums)
        if not (kernel.requires_grad or x.requires_grad):
            return
        done = None
        if rows is None:
            with _threads.scope():
                _threads.pin()
                done = _fast_conv.conv_backward(x.value, dz, matrix, *geometry,
                                                kernel.requires_grad, x.requires_grad)
        if done is not None:
            d_matrix, dx = done
        else:
            patches = rows
            if patches is None:
                padded, taps, inner = _windows(x.value, window, strides, dilation, padding)
                patches = backend.xp.stack([padded[tap] for tap in taps], axis=-2).reshape(
                    -1, matrix.shape[0])
            d_matrix = _threads.matmul(patches.T, dz) if kernel.requires_grad else None
            dx = None
            if x.requires_grad:
                d_patches = _threads.matmul(dz, matrix.T).reshape(
                    x.shape[:1] + out_shape + (-1, x.shape[-1]))
                padded, taps, inner = _windows(x.value, window, strides, dilation, padding)
                dx = _scatter_taps(lambda i: d_patches[..., i, :], padded.shape, taps, inner,
                                   x.dtype)
        if kernel.requires_grad:
            accumulate(kernel, d_matrix.reshape(kernel.shape))
        if x.requires_grad:
            accumulate(x, dx)

    parents = (x, kernel) if bias is None else (x, kernel, bias)
    return node(out.reshape(x.shape[:1] + out_shape + (kernel.shape[-1],)), parents, backward)


def max_pool(x, pool_size, strides=None, padding: str = "valid") -> Tensor:
    """Max pooling of channels-last ``x`` (batch, *spatial, channels) over windows of
    ``pool_size``, ``strides`` apart (pool_size if None), the padding never chosen:

        out[n, p, c] = max_t x_pad[n, p * stride + t, c],

    Backward: g goes to the position of the window's maximum (the first, if tied). For 1-D and
    2-D inputs both run as one compiled pass where they apply (fast/conv.py).
    """
    x = as_tensor(x)
    rank = x.ndim - 2
    pool_size = _per_axis(pool_size, rank, "max_pool(pool_size)")
    strides = pool_size if strides is None else _per_axis(strides, rank, "max_pool(strides)")
    out_shape, before = _window_plan(x.shape, pool_size, strides, (1,) * rank, padding)
    fast = _fast_conv.max_pool(x.value, pool_size, strides, before, out_shape)
    if fast is not None:
        out, choice = fast

        def backward(g):
            dx = _fast_conv.max_pool_backward(g, choice, x.shape, pool_size, strides, before)
            if dx is None:
                padded, taps, inner = _windows(x.value, pool_size, strides, (1,) * rank,
                                               padding, fill=-math.inf)
                dx = _scatter_taps(lambda i: g * (choice == i), padded.shape, taps, inner,
                                   x.dtype)
            accumulate(x, dx)

        return node(out, (x,), backward)
    padded, taps, inner = _windows(x.value, pool_size, strides, (1,) * rank, padding,
                                   fill=-math.inf)
    windows = backend.xp.stack([padded[tap] for tap in taps], axis=-2)
    choice = windows.argmax(axis=-2)
    out = windows.max(axis=-2)
    del windows

    def backward(g):
        accumulate(x, _scatter_taps(lambda i: g * (choice == i), padded.shape, taps, inner,
                                    x.dtype))

    return node(out, (x,), backward)


def average_pool(x, pool_size, strides=None, padding: str = "valid") -> Tensor:
    """Average pooling of channels-last ``x`` over windows of ``pool_size``, ``strides`` apart
    (pool_size if None); as Keras, a window is averaged over its positions inside the input
    (padding is not counted):

        out[n, p, c] = sum_t x_pad[n, p * stride + t, c] / count_p.

    Backward: each position of a window receives g / count_p. For 1-D and 2-D inputs both run
    as one compiled pass where they apply (fast/conv.py).
    """
    x = as_tensor(x)
    rank = x.ndim - 2
    xp = backend.xp
    pool_size = _per_axis(pool_size, rank, "average_pool(pool_size)")
    strides = pool_size if strides is None else _per_axis(strides, rank,
                                                          "average_pool(strides)")
    out_shape, before = _window_plan(x.shape, pool_size, strides, (1,) * rank, padding)
    fast = _fast_conv.average_pool(x.value, pool_size, strides, before, out_shape)
    if fast is not None:
        out, count = fast

        def backward(g):
            dx = _fast_conv.average_pool_backward(g, count, x.shape, pool_size, strides, before)
            if dx is None:
                padded, taps, inner = _windows(x.value, pool_size, strides, (1,) * rank,
                                               padding)
                share = g / count
                dx = _scatter_taps(lambda i: share, padded.shape, taps, inner, x.dtype)
            accumulate(x, dx)

        return node(out, (x,), backward)
    padded, taps, inner = _windows(x.value, pool_size, strides, (1,) * rank, padding)
    total = padded[taps[0]].copy()
    for tap in taps[1:]:
        total += padded[tap]
    if padded is x.value:
        count = x.dtype.type(len(taps))
    else:
        ones = xp.ones((1,) + x.shape[1:-1] + (1,), dtype=x.dtype)
        inside, _, _ = _windows(ones, pool_size, strides, (1,) * rank, padding)
        count = inside[taps[0]].copy()
        for tap in taps[1:]:
            count += inside[tap]
    out = total / count

    def backward(g):
        share = g / count
        accumulate(x, _scatter_taps(lambda i: share, padded.shape, taps, inner, x.dtype))

    return node(out.astype(x.dtype, copy=False), (x,), backward)


# ----------------------------------------------------------------------------- activations


class Logits(Tensor):
    """The logits z that a softmax (over ``axis``) or a sigmoid output was computed from.

    Set as ``probabilities.logits``; ``kind`` is "softmax" or "sigmoid". A cross-entropy loss given
    those probabilities computes from z instead (the stable path) when the kind is the one it needs.
    """

    __slots__ = ("kind", "axis")

    def __init__(self, value, parents, backward_fn, kind: str, axis: int = -1):
        wants = _tensor._grad_enabled and _any_requires_grad(parents)
        super().__init__(value, parents if wants else (), backward_fn if wants else None, wants)
        self.kind = kind
        self.axis = axis


def _logits_kind(kernel):
    kind = getattr(kernel, "keeps_logits", False)
    return kind if isinstance(kind, str) else None


def activation(a, kernel) -> Tensor:
    """Apply an activation kernel (an object with ``forward(z)`` and ``backward(z, out, g)``)."""
    a = as_tensor(a)
    out = kernel.forward(a.value)
    result = node(out, (a,), lambda g: accumulate(a, kernel.backward(a.value, out, g)))
    kind = _logits_kind(kernel)
    if kind is not None:
        result.logits = Logits(a.value, (a,), lambda g: accumulate(a, g), kind,
                               getattr(kernel, "axis", -1))
    return result


def softmax_values(z, axis: int = -1):
    """softmax(z) = exp(z - max z) / sum exp(z - max z): stable for any z."""
    xp = backend.xp
    e = xp.exp(z - z.max(axis=axis, keepdims=True))
    e /= e.sum(axis=axis, keepdims=True)
    return e


def log_softmax_values(z, axis: int = -1):
    """log softmax(z) = (z - max z) - log sum exp(z - max z)."""
    xp = backend.xp
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - xp.log(xp.exp(shifted).sum(axis=axis, keepdims=True))


def sigmoid_values(z):
    """1 / (1 + exp(-z)), computed without overflow for large |z|."""
    xp = backend.xp
    e = xp.exp(-xp.abs(z))
    return xp.where(z >= 0, 1 / (1 + e), e / (1 + e)).astype(z.dtype, copy=False)


def log_softmax(a, axis: int = -1) -> Tensor:
    a = as_tensor(a)
    out = log_softmax_values(a.value, axis)

    def backward(g):
        p = backend.xp.exp(out)
        accumulate(a, g - p * g.sum(axis=axis, keepdims=True))

    return node(out, (a,), backward)


# ----------------------------------------------------------------------------- fused hot-path ops


def dense(x, kernel: Tensor, bias: Tensor | None, act=None) -> Tensor:
    """act(x @ kernel + bias) as one node.

    Backward, with dz = act'(z) * g:  d kernel = x^T dz,  d bias = sum_rows dz,  d x = dz kernel^T.
    Inputs of rank > 2 are treated as a batch of rows over their last axis. The bias with a relu
    or softmax, and their gradients, run as compiled kernels where numba is installed (fused).
    """
    x = as_tensor(x)
    value = x.value
    flat = value.ndim != 2
    rows = value.reshape(-1, value.shape[-1]) if flat else value
    gpu = fused._gpu(rows)
    z = None if gpu is None else gpu.matmul(rows, kernel.value)
    if z is None:
        z = _threads.matmul(rows, kernel.value)
    out = bias_and_activation(z, None if bias is None else bias.value, act)
    from_dz = _dense_backward(x, rows, kernel, bias, flat)

    def backward(g):
        if flat:
            g = g.reshape(z.shape)
        from_dz(*activation_backward(g, z, out, act, _bias_buffer(bias, g)))

    parents = (x, kernel) if bias is None else (x, kernel, bias)
    if flat:
        out_shape = x.shape[:-1] + (kernel.shape[-1],)
    result = node(out.reshape(out_shape) if flat else out, parents, backward)
    kind = _logits_kind(act)
    if kind is not None:
        # The logits z as a Tensor of their own, whose gradient flows into the same parameters.
        result.logits = Logits(z.reshape(out_shape) if flat else z, parents,
                               (lambda g: from_dz(g.reshape(z.shape))) if flat else from_dz,
                               kind, getattr(act, "axis", -1))
    return result


def _dense_backward(x, rows, kernel, bias, flat):
    """Given dz = d loss / d z (and its column sums, if known): d kernel = rows^T dz,
    d bias = sum_rows dz, d x = dz kernel^T."""

    def from_dz(dz, column_sums=None):
        gpu = fused._gpu(dz)
        if kernel.requires_grad:
            buffer = _grad_buffer(kernel, dz)
            product = None if gpu is None else gpu.matmul(rows, dz, trans_a=True, out=buffer)
            if product is not None:
                if buffer is not None:
                    kernel.grad = product
                else:
                    accumulate(kernel, product)
            elif buffer is not None:
                kernel.grad = _threads.matmul(rows.T, dz, out=buffer)
            else:
                accumulate(kernel, _threads.matmul(rows.T, dz))
        if bias is not None and bias.requires_grad:
            if column_sums is None:
                column_sums = bias_gradient(dz, _grad_buffer(bias, dz))
            accumulate(bias, column_sums)
        if x.requires_grad:
            dx = None if gpu is None else gpu.matmul(dz, kernel.value, trans_b=True)
            if dx is None:
                dx = _threads.matmul(dz, kernel.value.T)
            accumulate(x, dx.reshape(x.value.shape) if flat else dx)

    return from_dz


def bias_and_activation(z, b, act):
    """act(z + b) for the product z of a dense layer (changed in place), b its bias value or
    None, act an activation kernel or None (linear): the layer's output. Relu, softmax and
    sigmoid with a bias run as one compiled kernel where that applies (fused)."""
    name = getattr(act, "fused", None)
    out = None
    if b is not None and name is not None:
        if name == "relu":
            out = z if fused.bias_relu(z, b) else None
        elif name == "softmax":
            out = fused.bias_softmax(z, b)
        elif name == "sigmoid":
            out = fused.bias_sigmoid(z, b)
    if out is None:
        if b is not None:
            z += b
        if act is None:
            out = z
        elif getattr(act, "in_place", False):
            out = act.forward(z, z)
        else:
            out = act.forward(z)
    return out


def activation_backward(g, z, out, act, db=None):
    """(dz, the column sums of dz or None) for the gradient g of a dense layer's output ``out``
    = act(z): dz = act'(z) * g. Relu's backward computes the sums too (into ``db`` when it can
    hold them: a bias's gradient buffer)."""
    if act is None:
        return g, None
    if getattr(act, "fused", None) == "relu":
        done = fused.relu_backward(g, out, db)
        if done is not None:
            return done
    return act.backward(z, out, g), None


def bias_gradient(dz, buffer=None):
    """sum_rows dz, the gradient of a dense layer's bias (into ``buffer`` where it can hold it)."""
    sums = fused.column_sums(dz, buffer)
    if sums is None:
        sums = dz.sum(axis=0) if buffer is None else dz.sum(axis=0, out=buffer)
    return sums


def _bias_buffer(bias, dz):
    """Where the bias gradient (the column sums of ``dz``) may be written, or None."""
    if bias is None or not bias.requires_grad:
        return None
    return _grad_buffer(bias, dz)


def _grad_buffer(variable, like):
    """The variable's gradient buffer, when a training step may write its only gradient there."""
    if not _tensor._grad_buffers or variable.grad is not None:
        return None
    buffer = getattr(variable, "grad_buffer", None)
    if buffer is None or buffer.dtype != like.dtype or buffer.shape != variable.value.shape:
        return None
    return buffer


def _labels_like(labels, logits: Tensor):
    """Targets as an array of the logits' float type (they are not differentiated)."""
    y = backend.to_device(getattr(labels, "value", labels))
    return y if y.dtype == logits.dtype else y.astype(logits.dtype)


def softmax_cross_entropy(labels, logits, axis: int = -1) -> Tensor:
    """Per-sample -sum_j y_j log softmax(z)_j, with d z = softmax(z) * sum_j y_j - y."""
    logits = as_tensor(logits)
    y = _labels_like(labels, logits)
    logp = log_softmax_values(logits.value, axis)
    loss = -(y * logp).sum(axis=axis)

    def backward(g):
        p = backend.xp.exp(logp)
        dz = p * y.sum(axis=axis, keepdims=True) - y
        accumulate(logits, backend.xp.expand_dims(g, axis) * dz)

    return node(loss, (logits,), backward)


def sparse_softmax_cross_entropy(labels, logits) -> Tensor:
    """Per-sample -log softmax(z)[label] over the last axis, with d z = softmax(z) - onehot."""
    logits = as_tensor(logits)
    xp = backend.xp
    labels = backend.to_device(getattr(labels, "value", labels))
    if labels.dtype.kind != "i":
        labels = labels.astype("int64")
    flat = logits.value.reshape(-1, logits.shape[-1])
    idx = labels.reshape(-1)
    logp = log_softmax_values(flat, -1)
    rows = xp.arange(flat.shape[0])
    loss = -logp[rows, idx]

    def backward(g):
        dz = xp.exp(logp)
        dz[rows, idx] -= 1
        dz *= g.reshape(-1, 1)
        accumulate(logits, dz.reshape(logits.shape))

    return node(loss.reshape(logits.shape[:-1]), (logits,), backward)


def softmax_cross_entropy_mean(labels, logits, axis: int = -1) -> Tensor:
    """mean over samples of -sum_j y_j log softmax(z)_j, as one node (a loss's batch mean).

    d z = (softmax(z) * sum_j y_j - y) / n, n = the number of samples (z.size / classes).
    """
    logits = as_tensor(logits)
    xp = backend.xp
    y = _labels_like(labels, logits)
    z = logits.value
    n = z.size // z.shape[axis] if z.shape[axis] else 0
    scale = 1.0 / n if n else 0.0
    want_grad = _tensor._grad_enabled and logits.requires_grad
    done = None
    if z.ndim == 2 and axis in (-1, 1):
        done = fused.softmax_cross_entropy(z, y, scale, want_grad)
    if done is not None:
        value, dz = done
    else:
        shifted = z - z.max(axis=axis, keepdims=True)
        e = xp.exp(shifted)
        total = e.sum(axis=axis, keepdims=True)
        mass = y.sum(axis=axis, keepdims=True)
        value = ((mass * xp.log(total)).sum() - (y * shifted).sum()) * scale
        value = value.astype(z.dtype, copy=False)
        if want_grad:
            e *= mass * scale / total
            e -= y * scale
        dz = e

    def backward(g):
        accumulate(logits, dz * g)

    backward.constants = {"y": y, "scale": scale, "axis": axis}  # for a second derivative
    return node(value, (logits,), backward)


def sparse_softmax_cross_entropy_mean(labels, logits) -> Tensor:
    """mean over samples of -log softmax(z)[label] over the last axis, as one node.

    d z = (softmax(z) - onehot(label)) / n. Where the fused kernel runs it also checks that each
    label lies in [0, classes) (an IndexError names one that does not); the NumPy path leaves
    that to its callers (fit checks every label before it reaches the step).
    """
    logits = as_tensor(logits)
    xp = backend.xp
    labels = backend.to_device(getattr(labels, "value", labels))
    if labels.dtype.kind not in "iu":
        labels = labels.astype("int64")
    z = logits.value
    if z.ndim != 2:
        z = z.reshape(-1, z.shape[-1])
    idx = labels.reshape(-1)
    n = z.shape[0]
    scale = 1.0 / n if n else 0.0
    want_grad = _tensor._grad_enabled and logits.requires_grad
    done = fused.sparse_softmax_cross_entropy(z, idx, scale, want_grad)
    if done is not None:
        value, dz = done
    else:
        shifted = z - z.max(axis=-1, keepdims=True)
        e = xp.exp(shifted)
        total = e.sum(axis=-1, keepdims=True)
        rows = xp.arange(n)
        value = (xp.log(total).sum() - shifted[rows, idx].sum()) * scale
        value = value.astype(z.dtype, copy=False)
        if want_grad:
            e *= scale / total
            e[rows, idx] -= scale
        dz = e

    def backward(g):
        accumulate(logits, (dz * g).reshape(logits.value.shape))

    backward.constants = {"idx": idx, "scale": scale}  # for a second derivative
    return node(value, (logits,), backward)


def _sigmoid_cross_entropy_values(z, y):
    """max(z, 0) - z y + log1p(e^-|z|), element-wise: -y log sigmoid(z) - (1-y) log(1-sigmoid(z))
    without overflow."""
    xp = backend.xp
    return xp.maximum(z, 0) - z * y + xp.log1p(xp.exp(-xp.abs(z)))


def sigmoid_cross_entropy_mean(labels, logits) -> Tensor:
    """mean over all elements of max(z, 0) - z y + log1p(e^-|z|), as one node: binary
    cross-entropy's batch mean (the mean over the last axis, then over the samples).

    d z = (sigmoid(z) - y) / N, N = the number of elements.
    """
    logits = as_tensor(logits)
    y = _labels_like(labels, logits)
    z = logits.value
    scale = 1.0 / z.size if z.size else 0.0
    want_grad = _tensor._grad_enabled and logits.requires_grad
    done = fused.sigmoid_cross_entropy(z, y, scale, want_grad)
    if done is not None:
        value, dz = done
    else:
        value = (_sigmoid_cross_entropy_values(z, y).sum() * scale).astype(z.dtype, copy=False)
        dz = (sigmoid_values(z) - y) * z.dtype.type(scale) if want_grad else None

    def backward(g):
        accumulate(logits, dz * g)

    backward.constants = {"y": y, "scale": scale}  # for a second derivative
    return node(value, (logits,), backward)


def sigmoid_cross_entropy(labels, logits) -> Tensor:
    """Element-wise -y log sigmoid(z) - (1-y) log(1-sigmoid(z)) = max(z,0) - z y + log1p(e^-|z|).

    d z = sigmoid(z) - y.
    """
    logits = as_tensor(logits)
    y = _labels_like(labels, logits)
    z = logits.value
    loss = _sigmoid_cross_entropy_values(z, y)

    def backward(g):
        accumulate(logits, g * (sigmoid_values(z) - y))

    return node(loss, (logits,), backward)


# ----------------------------------------------------------------------------- sequences


def stack(tensors, axis: int = 0) -> Tensor:
    """Tensors of one shape joined along a new axis; d t_i = g[..., i, ...] (index i of it)."""
    tensors = [as_tensor(t) for t in tensors]
    out = backend.xp.stack([t.value for t in tensors], axis=axis)
    axis = axis % out.ndim

    def backward(g):
        for i, t in enumerate(tensors):
            accumulate(t, g[(slice(None),) * axis + (i,)].copy())

    return node(out, tuple(tensors), backward)


def unstack(a, axis: int = 0) -> list[Tensor]:
    """The slices a[..., i, ...] along ``axis``, as Tensors (the steps of a sequence).

    Backward: the slices' gradients are written into one array of a's shape, handed to ``a``
    once, rather than one array of a's shape per slice (as ``getitem`` would make).
    """
    a = as_tensor(a)
    axis = axis % a.ndim
    index = [(slice(None),) * axis + (i,) for i in range(a.shape[axis])]
    if not (_tensor._grad_enabled and a.requires_grad):
        return [Tensor(a.value[i]) for i in index]
    # The slices' parent: a node of its own, whose gradient buffer only the slices write.
    gathered = Tensor(a.value, (a,), lambda g: accumulate(a, g), True)

    def piece(i):
        def backward(g):
            if gathered.grad is None:
                gathered.grad = backend.xp.zeros_like(a.value)
            gathered.grad[i] += g

        return Tensor(a.value[i], (gathered,), backward, True)

    return [piece(i) for i in index]


# ----------------------------------------------------------------------------- keras.ops primitives
# The ops below back numnet.ops (Keras 3's names); each is a forward and its vector-Jacobian
# product, and the inputs arrive with one dtype already (numnet.ops promotes them).


def unary(a, value, slope=None) -> Tensor:
    """``value(x)`` element-wise, with d a = g * slope(x, out); no gradient when ``slope`` is None
    (steps such as floor, sign and comparisons, whose derivative is zero almost everywhere)."""
    a = as_tensor(a)
    out = value(a.value)
    if slope is None:
        return Tensor(out)
    return node(out, (a,), lambda g: accumulate(a, g * slope(a.value, out)))


def binary(a, b, value, slope_a=None, slope_b=None) -> Tensor:
    """``value(x, y)`` element-wise with broadcasting; d a = g * slope_a(x, y, out), likewise b.
    No gradient when both slopes are None."""
    a, b = _pair(a, b)
    out = value(a.value, b.value)
    if slope_a is None and slope_b is None:
        return Tensor(out)

    def backward(g):
        if a.requires_grad:
            accumulate(a, unbroadcast(g * slope_a(a.value, b.value, out), a.shape))
        if b.requires_grad:
            accumulate(b, unbroadcast(g * slope_b(a.value, b.value, out), b.shape))

    return node(out, (a, b), backward)


def where(condition, a, b) -> Tensor:
    """a where condition holds, else b (broadcast); d a = g [condition], d b = g [not condition]."""
    a, b = _pair(a, b)
    cond = backend.to_device(getattr(condition, "value", condition)).astype(bool)

    def backward(g):
        accumulate(a, unbroadcast(g * cond, a.shape))
        accumulate(b, unbroadcast(g * ~cond, b.shape))

    return node(backend.xp.where(cond, a.value, b.value), (a, b), backward)


def regather(a, rearrange, value=None) -> Tensor:
    """An op that only moves, copies or drops elements: tile, repeat, flip, roll, pad, take,
    diagonal, ... ``rearrange`` maps an array to the output; applied to the positions 1..n of a's
    elements it says where each output element came from (0: from none, such as padding).

    Backward: each output element's gradient is added to the element it came from.
    ``value``, if given, is the output (for a rearrangement that fills with nonzero constants).
    """
    a = as_tensor(a)
    xp = backend.xp
    out = rearrange(a.value) if value is None else value
    if not (_tensor._grad_enabled and a.requires_grad):
        return Tensor(out)
    source = rearrange(xp.arange(1, a.size + 1).reshape(a.shape))

    def backward(g):
        full = xp.zeros(a.size + 1, dtype=a.dtype)
        _add_at(full, source.reshape(-1), g.reshape(-1))
        accumulate(a, full[1:].reshape(a.shape))

    return node(out, (a,), backward)


def broadcast_to(a, shape) -> Tensor:
    """a stretched to ``shape``; d a = g summed over the stretched axes."""
    a = as_tensor(a)
    out = backend.xp.broadcast_to(a.value, tuple(shape))
    return node(out, (a,), lambda g: accumulate(a, unbroadcast(g, a.shape)))


def segment_sum(data, segment_ids, num_segments: int) -> Tensor:
    """out[k] = sum of data[i] over i with segment_ids[i] == k; d data[i] = g[segment_ids[i]]."""
    data = as_tensor(data)
    xp = backend.xp
    ids = backend.to_device(getattr(segment_ids, "value", segment_ids)).astype("int64")
    out = xp.zeros((num_segments,) + data.shape[ids.ndim:], dtype=data.dtype)
    keep = (ids >= 0) & (ids < num_segments)
    _add_at(out, ids[keep], data.value[keep])

    def backward(g):
        accumulate(data, xp.where(keep.reshape(keep.shape + (1,) * (data.ndim - ids.ndim)),
                                  g[xp.clip(ids, 0, num_segments - 1 if num_segments else 0)], 0))

    return node(out, (data,), backward)


def cumsum(a, axis: int) -> Tensor:
    """Running sums along ``axis``; d a = the running sums of g taken from the end."""
    a = as_tensor(a)
    xp = backend.xp

    def backward(g):
        accumulate(a, xp.flip(xp.cumsum(xp.flip(g, axis), axis=axis), axis))

    return node(xp.cumsum(a.value, axis=axis, dtype=a.dtype), (a,), backward)


def cumprod(a, axis: int) -> Tensor:
    """Running products along ``axis``; d a_i = sum_{j >= i} g_j out_j / a_i (a nonzero)."""
    a = as_tensor(a)
    xp = backend.xp
    out = xp.cumprod(a.value, axis=axis, dtype=a.dtype)

    def backward(g):
        accumulate(a, xp.flip(xp.cumsum(xp.flip(g * out, axis), axis=axis), axis) / a.value)

    return node(out, (a,), backward)


def prod(a, axis=None, keepdims: bool = False) -> Tensor:
    """The product over ``axis``; d a = g * prod / a (a nonzero)."""
    a = as_tensor(a)
    out = a.value.prod(axis=axis, keepdims=True)

    def backward(g):
        g = _expand_reduced(g, a.shape, axis, keepdims)
        accumulate(a, (g * out / a.value).astype(a.dtype, copy=False))

    if keepdims:
        return node(out, (a,), backward)
    return node(out.reshape(()) if axis is None else out.squeeze(axis), (a,), backward)


def einsum_arrays(spec: str, *arrays):
    """``xp.einsum(spec, *arrays)``; bfloat16 operands (NumPy's einsum has no kernel for
    ml_dtypes' bfloat16) are summed in float32, their values unchanged, and the result is
    float32, as the products of bfloat16 arrays are (numnet.dtype_policies)."""
    if any(a.dtype.name == "bfloat16" for a in arrays):
        arrays = [a.astype("float32") if a.dtype.name == "bfloat16" else a for a in arrays]
    return backend.xp.einsum(spec, *arrays)


def einsum(subscripts: str, *operands) -> Tensor:
    """Einstein summation. d operand_k = einsum(g, the other operands, ones like operand_k ->
    operand_k's indices): the ones bring back the indices only operand_k has (summed in the
    forward, so broadcast in the backward). Repeated indices within one operand (a diagonal,
    'ii->i') have no gradient here."""
    xp = backend.xp
    operands = [as_tensor(t) for t in operands]
    inputs, arrow, output = subscripts.replace(" ", "").partition("->")
    inputs = inputs.split(",")
    if not arrow:  # NumPy's implicit output: the indices seen once, in alphabetical order
        letters = [c for c in "".join(inputs) if c.isalpha()]
        output = ("..." if "..." in subscripts else "") + "".join(
            sorted(c for c in set(letters) if letters.count(c) == 1))
    out = einsum_arrays(f"{','.join(inputs)}->{output}", *[t.value for t in operands])

    def backward(g):
        for k, t in enumerate(operands):
            if t.requires_grad:
                others = [i for i in range(len(operands)) if i != k]
                spec = ",".join([output, *(inputs[i] for i in others), inputs[k]])
                # broadcast axes summed away in the forward: kept here, then unbroadcast
                target = inputs[k] if "..." in inputs[k] or "..." not in spec else \
                    "..." + inputs[k]
                part = einsum_arrays(f"{spec}->{target}", g,
                                     *(operands[i].value for i in others),
                                     xp.ones_like(t.value))
                accumulate(t, unbroadcast(part, t.shape).astype(t.dtype, copy=False))

    return node(out, tuple(operands), backward)


def inv(a) -> Tensor:
    """The inverse matrix (over the last two axes); d a = -inv^T g inv^T."""
    a = as_tensor(a)
    xp = backend.xp
    out = xp.linalg.inv(a.value)

    def backward(g):
        t = xp.swapaxes(out, -1, -2)
        accumulate(a, -(t @ g @ t))

    return node(out, (a,), backward)


def det(a) -> Tensor:
    """The determinant (over the last two axes); d a = g det(a) inv(a)^T."""
    a = as_tensor(a)
    xp = backend.xp
    out = xp.linalg.det(a.value)

    def backward(g):
        t = xp.swapaxes(xp.linalg.inv(a.value), -1, -2)
        accumulate(a, (g * out)[..., None, None] * t)

    return node(out, (a,), backward)


def solve(a, b) -> Tensor:
    """x with a x = b; d b = solve(a^T, g), d a = -d b x^T."""
    a, b = _pair(a, b)
    xp = backend.xp
    vector = b.ndim == a.ndim - 1
    x = xp.linalg.solve(a.value, b.value[..., None] if vector else b.value)

    def backward(g):
        g = g[..., None] if vector else g
        db = xp.linalg.solve(xp.swapaxes(a.value, -1, -2), g)
        accumulate(b, db[..., 0] if vector else db)
        accumulate(a, -(db @ xp.swapaxes(x, -1, -2)))

    return node(x[..., 0] if vector else x, (a, b), backward)


# ----------------------------------------------------------------------------- Keras's dtype rules


def is_weak(x) -> bool:
    """A Python number: it takes the type of the tensors it meets (Keras's weak types)."""
    return type(x) in (bool, int, float)


def _is_float(dtype) -> bool:
    return backend.is_float_dtype(_numpy.dtype(dtype))


def keras_dtype(x):
    """The dtype ``x`` has as a Keras tensor: a Python int int32, a float floatx, a bool bool,
    a list of ints int32, a float64 array floatx (no silent float64); other arrays keep theirs."""
    if isinstance(x, Tensor):
        return x.dtype
    kind = type(x)
    if kind is bool or kind is int or kind is float:
        return _numpy.dtype({bool: "bool", int: "int32", float: backend.floatx()}[kind])
    dtype = getattr(x, "dtype", None)
    if dtype is None:
        dtype = _numpy.asarray(x).dtype
        if dtype == _numpy.int64:  # a list of Python ints
            return _numpy.dtype("int32")
    dtype = _numpy.dtype(dtype)
    if dtype == _numpy.float64 and backend.floatx() != "float64":
        return _numpy.dtype(backend.floatx())
    return dtype


def result_type(*dtypes) -> str:
    """The dtype of an op on inputs of ``dtypes``, as Keras: bools stay bool; ints give the int
    that holds them all; any float gives the widest of the floats alone (``int64`` with
    ``float32`` is float32, not NumPy's float64)."""
    dtypes = [_numpy.dtype(d) for d in dtypes]
    floats = [d for d in dtypes if _is_float(d)]
    if floats:
        out = floats[0]
        for d in floats[1:]:
            out = out if d == out else _numpy.promote_types(out, d)
        return str(out)
    out = _numpy.dtype(bool)
    for d in dtypes:
        out = _numpy.promote_types(out, d)
    return "int64" if out.kind == "f" else str(out)  # uint64 with a signed int


def to_dtype(x, dtype) -> Tensor:
    """``x`` as a Tensor of ``dtype``; a Tensor is cast (the gradient flows between floats)."""
    if isinstance(x, Tensor):
        return x if x.dtype == dtype else cast(x, dtype)
    return Tensor(backend.to_device(getattr(x, "value", x), dtype))


def promote(*xs) -> list:
    """``xs`` as Tensors of one dtype by Keras's rules; Python numbers are weak: ``int32 + 1`` is
    int32, ``int32 + 0.5`` floatx, ``float16 + 0.5`` float16, ``bool + 1`` int32."""
    if len(xs) == 2:  # the operators' common case, kept quick
        a, b = xs
        if isinstance(a, Tensor) and (isinstance(b, Tensor) and a.dtype == b.dtype
                                      or type(b) is float and a.dtype.kind == "f"):
            return [a, _constant_like(b, a) if type(b) is float else b]
    strong = [keras_dtype(x) for x in xs if not is_weak(x)]
    dtype = _numpy.dtype(result_type(*strong)) if strong else None
    weak = [type(x) for x in xs if is_weak(x)]
    if float in weak and (dtype is None or not _is_float(dtype)):
        dtype = _numpy.dtype(backend.floatx())
    elif int in weak and (dtype is None or dtype.kind == "b"):
        dtype = _numpy.dtype("int32")
    elif dtype is None:
        dtype = _numpy.dtype(bool)
    return [to_dtype(x, dtype) for x in xs]


# ----------------------------------------------------------------------------- operators' ops


def mod(a, b) -> Tensor:
    """a - floor(a / b) b element-wise (the sign of b, as Python's %), Keras's dtype;
    d a = 1, d b = -floor(a / b)."""
    a, b = promote(a, b)
    xp = backend.xp
    if not _is_float(a.dtype):
        return binary(a, b, xp.mod)
    return binary(a, b, xp.mod, lambda u, v, y: 1, lambda u, v, y: -xp.floor(u / v))


def floor_divide(a, b) -> Tensor:
    """floor(a / b) element-wise in Keras's dtype of the two (no gradient, as in Keras)."""
    return binary(*promote(a, b), backend.xp.floor_divide)


def elementwise_power(a, b) -> Tensor:
    """a ** b element-wise in Keras's dtype of the two; d a = b a^(b - 1),
    d b = a^b log a (0 where a <= 0). Ints to int powers stay ints."""
    xp = backend.xp
    exponent = b
    a, b = promote(a, b)
    if not _is_float(a.dtype):
        return Tensor(xp.power(a.value, b.value))
    if type(exponent) in (int, float):  # a constant: the engine's power
        return power(a, exponent)

    def slope_b(u, v, y):
        return xp.where(u > 0, y * xp.log(xp.where(u > 0, u, 1)), 0)

    return binary(a, b, xp.power, lambda u, v, y: v * xp.power(u, v - 1), slope_b)


def compare(a, b, fn) -> Tensor:
    """fn(a, b) on the values in Keras's common dtype: a comparison or a logical op (no
    gradient); ``int32 tensor == 1.5`` compares as floats."""
    a, b = promote(a, b)
    return Tensor(fn(a.value, b.value))


def true_divide(a, b) -> Tensor:
    """a / b in Keras's dtype of the two, a float (ints give floatx); as ``divide``."""
    a, b = promote(a, b)
    if not _is_float(a.dtype):
        a, b = cast(a, backend.floatx()), cast(b, backend.floatx())
    return divide(a, b)


_tensor._ops = _sys.modules[__name__]  # Tensor's operators (+, *, ==, [i], ...) call these
