"""Keras 3's core ops and the dtype rules every op follows.

Conversion (``convert_to_tensor``, ``cast``, ``convert_to_numpy``), control (``cond``,
``vectorized_map``, ``stop_gradient``), scattering and slicing (``scatter``, ``scatter_update``,
``slice``, ``slice_update``), segment sums and the math ops (``logsumexp``, ``top_k``, ``in_top_k``,
``rsqrt``, ``erf``).

Dtypes are Keras's: a Python ``int`` is int32, a ``float`` float32 (floatx), a ``bool`` bool; a
NumPy float64 array becomes floatx (no silent float64); Python numbers next to a tensor take the
tensor's type ("weak" types: ``int32 tensor + 1`` is int32, ``float32 tensor + 0.5`` float32,
``int32 tensor + 0.5`` float32); two tensors of int and float types give the float type; ints stay
ints (``add``), comparisons give bool, ``mean`` of ints float32, ``argmax`` int32.
"""

from __future__ import annotations

import builtins
import math

import numpy as _numpy

from .. import backend
from ..autodiff import ops as _ops
from ..autodiff.ops import _is_float, is_weak, keras_dtype, promote, to_dtype
from ..autodiff.ops import result_type as result_type
from ..autodiff.symbolic import _registry as _symbolic_registry
from ..autodiff.symbolic import symbolic_op
from ..autodiff.tensor import Tensor
from ..autodiff.tensor import Variable as _Variable

_dtype_of, _is_weak, _promote, _to = keras_dtype, is_weak, promote, to_dtype


def _tensor(x) -> Tensor:
    """``x`` as a Tensor of its Keras dtype."""
    return x if isinstance(x, Tensor) else _to(x, _dtype_of(x))


def _float(x) -> Tensor:
    """``x`` as a Tensor of a float type: ints and bools become floatx (as Keras's sqrt, exp)."""
    x = _tensor(x)
    return x if _is_float(x.dtype) else _ops.cast(x, backend.floatx())


def _raw(x):
    """The array of a Tensor, or ``x`` as it is."""
    return x.value if isinstance(x, Tensor) else x


def _index(x):
    """Indices as an integer array on the device."""
    value = backend.to_device(_raw(x))
    return value if value.dtype.kind in "iu" else value.astype("int64")


def _axis(axis):
    """An axis argument as NumPy takes it (a list becomes a tuple; a Tensor or array of ints,
    as Keras takes it eagerly, becomes an int or a tuple)."""
    if isinstance(axis, (Tensor, _numpy.ndarray)) or (
            isinstance(axis, (list, tuple)) and any(isinstance(a, Tensor) for a in axis)):
        return _static_ints(axis, "axis")
    return tuple(axis) if isinstance(axis, list) else axis


def _static_ints(value, argument: str = "shape"):
    """A shape-like argument (a shape, an axis, a count) as Python ints: an int stays one; a
    list or tuple gives a tuple (its entries may be 0-d Tensors or None); a Tensor or array of
    integers gives an int (0-d) or a tuple. Keras's ops take all of these eagerly."""
    if value is None or isinstance(value, bool) or type(value) is int:
        return value
    if type(value) is tuple and all(type(v) is int for v in value):
        return value  # the common case, as it is
    if isinstance(value, (list, tuple)):
        return tuple(None if v is None else _static_ints(v, argument) for v in value)
    if isinstance(value, (int, _numpy.integer)):
        return int(value)
    array = backend.to_numpy(value)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{argument}: expected integers, given {array.dtype} values "
                        f"{array.tolist()}; cast them to int32.")
    return int(array) if array.ndim == 0 else tuple(int(v) for v in array.reshape(-1))


# ----------------------------------------------------------------------------- conversion


@symbolic_op
def convert_to_tensor(x, dtype=None, sparse=None, ragged=None) -> Tensor:
    """``x`` (array, list, number or Tensor) as a Tensor; a Tensor is returned as it is.

    Args:
        x: the data.
        dtype: the dtype wanted. Defaults to None: Keras's (int32 for Python ints, floatx for
            floats and float64 arrays, bool for bools; other arrays keep theirs).
        sparse, ragged: accepted for Keras's signature; numnet's tensors are dense.

    >>> numnet.ops.convert_to_tensor([1, 2]).dtype
    dtype('int32')
    """
    if dtype is not None:
        return _to(x, _numpy.dtype(dtype))
    return _tensor(x)


@symbolic_op
def convert_to_numpy(x):
    """``x`` as a NumPy array (copied from a GPU).

    A Variable gives a snapshot, as Keras's: a later ``assign`` or optimizer step leaves the
    returned array as it was, so ``before = ops.convert_to_numpy(v); fit(...)`` compares two
    states.

    Args:
        x: the input: an array, a number, a Tensor or a Variable.

    Example:
        >>> v = numnet.Variable([1.0, 2.0])
        >>> before = numnet.ops.convert_to_numpy(v)
        >>> _ = v.assign([5.0, 6.0])
        >>> before.tolist()
        [1.0, 2.0]
    """
    out = backend.to_numpy(_raw(x))
    if isinstance(x, _Variable) and out is x.value:
        return out.copy()  # the Variable's own buffer, which assign writes into
    return out


@symbolic_op
def cast(x, dtype) -> Tensor:
    """``x`` as ``dtype``; between float types the gradient flows back, into ints it stops.

    Args:
        x: the input: an array, a number or a Tensor.
        dtype: the dtype to cast to.

    Example:
        >>> numnet.ops.cast([1.7, -1.7], "int32").tolist()
        [1, -1]
    """
    return _ops.cast(_tensor(x), _cast_dtype(dtype))


def _cast_dtype(dtype):
    """NumPy's dtype of ``dtype``; the ml_dtypes names NumPy learns only once ml_dtypes is
    imported ("bfloat16", "float8_e4m3fn", ...) import it first (it is slow to import, so
    not before it is asked for)."""
    try:
        return _numpy.dtype(dtype)
    except TypeError:
        if not str(dtype).startswith(("bfloat16", "float8_", "float4_", "float6_", "int4",
                                      "uint4", "int2", "uint2")):
            raise
        try:
            import ml_dtypes
        except ImportError:
            raise TypeError(f"cast(dtype): {dtype!r} needs the ml_dtypes package; install it "
                            "with: pip install ml_dtypes") from None
        return _numpy.dtype(getattr(ml_dtypes, str(dtype)))


@symbolic_op
def saturate_cast(x, dtype) -> Tensor:
    """``x`` cast to ``dtype`` after clipping to the range that dtype holds (no wrap-around);
    between floats the gradient flows where x was not clipped.

    Args:
        x: the input: an array, a number or a Tensor.
        dtype: the dtype to cast to.

    Example:
        >>> numnet.ops.saturate_cast([-1.0, 300.0], "uint8").tolist()
        [0, 255]
    """
    x, dtype = _tensor(x), _numpy.dtype(dtype)
    info = _numpy.finfo(dtype) if dtype.kind == "f" else _numpy.iinfo(dtype) \
        if dtype.kind in "iu" else None
    if info is None or x.dtype == bool:
        return cast(x, dtype)
    low, high = info.min, info.max
    if _is_float(x.dtype):
        if x.dtype.kind == "f" and _numpy.finfo(x.dtype).max <= high:
            return cast(x, dtype)
        low_x, high_x = _numpy.asarray(low, x.dtype), _numpy.asarray(high, x.dtype)
        if dtype.kind in "iu":  # the largest float that fits the int (high may round up)
            while int(high_x) > high:
                high_x = _numpy.nextafter(high_x, _numpy.asarray(0, x.dtype))
            while int(low_x) < low:
                low_x = _numpy.nextafter(low_x, _numpy.asarray(0, x.dtype))
        return cast(_ops.clip(x, float(low_x), float(high_x)), dtype)
    info_x = _numpy.iinfo(x.dtype)
    clipped = backend.xp.clip(x.value, builtins.max(low, info_x.min),
                              builtins.min(high, info_x.max))
    return Tensor(clipped.astype(dtype))


@symbolic_op
def is_tensor(x) -> bool:
    """Whether ``x`` is a numnet Tensor (or Variable).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return isinstance(x, Tensor)


@symbolic_op
def dtype(x) -> str:
    """The name of ``x``'s dtype as Keras gives it: ``"float32"``, ``"int32"``, ``"bool"``.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return str(_dtype_of(x))


@symbolic_op(name="shape")
def _shape_node(x) -> tuple:
    return tuple(_numpy.shape(_raw(x))) if not hasattr(x, "shape") else tuple(x.shape)


def shape(x) -> tuple:
    """The shape of ``x`` as a tuple of ints.

    On a symbolic tensor (a functional model's), the axes of known length are ints, as in
    Keras, so ``ops.shape(x)[-1]`` can size a layer; an axis of unknown length (the batch) is
    a symbolic scalar that the model computes from each batch (Keras gives None there), so
    ``ops.reshape(x, (ops.shape(x)[0], -1))`` runs.

    Args:
        x: the input: an array, a number or a Tensor.

    Returns:
        A tuple with one entry an axis.

    Example:
        >>> numnet.ops.shape(numnet.ops.zeros((2, 3)))
        (2, 3)
        >>> x = numnet.Input((None, 4))
        >>> numnet.ops.shape(x)[2]
        4
    """
    if getattr(x, "_symbolic", False) is True:
        static = tuple(x.shape)
        if all(d is not None for d in static):
            return static
        whole = _shape_node(x)
        return tuple(whole[i] if d is None else d for i, d in enumerate(static))
    return _shape_node(x)


shape.op_name = "shape"  # a node of _shape_node, saved under this name, runs shape again
_symbolic_registry["shape"] = shape


@symbolic_op
def stop_gradient(variable) -> Tensor:
    """The same values with no gradient flowing back: ``d out / d variable = 0``.

    Args:
        variable: the Tensor whose gradient is cut.
    """
    return Tensor(_tensor(variable).value)


@symbolic_op
def cond(pred, true_fn, false_fn):
    """``true_fn()`` if ``pred`` holds, else ``false_fn()`` (eager: only the one taken runs).

    Args:
        pred: a boolean scalar.
        true_fn: a function of no arguments, called when pred is true.
        false_fn: called when pred is false.
    """
    return true_fn() if builtins.bool(_raw(pred)) else false_fn()


@symbolic_op
def vectorized_map(function, elements):
    """``function`` applied to each slice of ``elements`` along the first axis, the results
    stacked: ``stack([function(e) for e in elements])``. ``elements`` may be a tuple or list
    of tensors sliced together (``function`` then receives a tuple).

    Args:
        function: a function of one element.
        elements: the elements, stacked along axis 0.
    """
    if isinstance(elements, (tuple, list)):
        parts = [_ops.unstack(_tensor(e), 0) for e in elements]
        results = [function(type(elements)(row)) for row in zip(*parts, strict=True)]
    else:
        results = [function(e) for e in _ops.unstack(_tensor(elements), 0)]
    if isinstance(results[0], (tuple, list)):
        return type(results[0])(_ops.stack([_tensor(r) for r in col], 0)
                                for col in zip(*results, strict=True))
    return _ops.stack([_tensor(r) for r in results], 0)


# ----------------------------------------------------------------------------- slices, scatters


def _positions(shape, indices):
    """Flat positions in an array of ``shape`` of index rows ``indices`` (..., k), k <= rank: each
    row names the first k coordinates; the rest of the array's axes follow."""
    xp = backend.xp
    indices = _index(indices)
    k = indices.shape[-1]
    strides = _numpy.cumprod((1,) + tuple(shape[1:k][::-1]))[::-1]
    rows = (indices * xp.asarray(strides.copy(), dtype=indices.dtype)).sum(axis=-1)
    inner = math.prod(shape[k:])
    return (rows[..., None] * inner + xp.arange(inner)).reshape(indices.shape[:-1] + shape[k:])


@symbolic_op
def scatter(indices, values, shape) -> Tensor:
    """A tensor of zeros of ``shape`` with ``values`` added at ``indices`` (repeats add up).

    Args:
        indices: int array (..., k): each row the first k coordinates of an element (or, k <
            rank, of a slice).
        values: array (..., *shape[k:]) of what goes there.
        shape: the output's shape.

    >>> numnet.ops.scatter([[0, 1], [2, 0], [0, 1]], [1.0, 2.0, 3.0], (3, 2)).tolist()
    [[0.0, 4.0], [0.0, 0.0], [2.0, 0.0]]
    """
    shape = tuple(shape)
    values = _tensor(values)
    flat = _ops.segment_sum(_ops.reshape(values, (-1,)),
                            _positions(shape, indices).reshape(-1), math.prod(shape))
    return _ops.reshape(flat, shape)


def _replaced(inputs, positions, updates) -> Tensor:
    """``inputs`` with the elements at flat ``positions`` replaced by ``updates``: one gather
    from [inputs, updates] (so the gradient of each goes where its elements went)."""
    xp = backend.xp
    inputs, updates = _promote(inputs, updates)
    source = xp.arange(inputs.size)
    source[positions.reshape(-1)] = inputs.size + xp.arange(positions.size)
    both = _ops.concatenate([_ops.reshape(inputs, (-1,)),
                             _ops.reshape(_ops.broadcast_to(updates, positions.shape), (-1,))],
                            axis=0)
    return _ops.reshape(_ops.getitem(both, source), inputs.shape)


@symbolic_op
def scatter_update(inputs, indices, updates, reduction=None) -> Tensor:
    """``inputs`` with the elements (or slices) at ``indices`` set to ``updates``.

    Args:
        inputs: the tensor to update (it is not changed: a new tensor is returned).
        indices: int array (n, k): n rows of the first k coordinates.
        updates: array (n, *inputs.shape[k:]).
        reduction: None (replace) or "add" (``updates`` added, repeats adding up).

    >>> numnet.ops.scatter_update(numnet.ops.zeros((2, 2)), [[0, 1]], [5.0]).tolist()
    [[0.0, 5.0], [0.0, 0.0]]
    """
    inputs = _tensor(inputs)
    positions = _positions(inputs.shape, indices)
    if reduction == "add":
        added = scatter(indices, _promote(inputs, updates)[1], inputs.shape)
        return _ops.add(*_promote(inputs, added))
    if reduction is not None:
        raise ValueError(f"scatter_update(reduction): expected None or 'add', given "
                         f"{reduction!r}; for 'max', 'min' or 'mul' combine ops.scatter with "
                         "ops.maximum, ops.minimum or ops.multiply.")
    return _replaced(inputs, positions, updates)


def _window(shape, start_indices, size):
    starts = [int(_raw(s)) for s in start_indices]
    return tuple(builtins.slice(s, s + (n - s if k == -1 else k))
                 for s, k, n in zip(starts, size, shape, strict=False))


@symbolic_op
def slice(inputs, start_indices, shape) -> Tensor:  # noqa: A001 - Keras's name
    """The block of ``inputs`` of size ``shape`` starting at ``start_indices`` (-1 in ``shape``:
    to the end of that axis). ``slice(x, (1, 0), (2, -1))`` is ``x[1:3, 0:]``.

    Args:
        inputs: the input batch, channels last: (batch, *spatial, channels).
        start_indices: where the slice starts on each axis.
        shape: the slice's size on each axis.
    """
    inputs = _tensor(inputs)
    start_indices, shape = _static_ints(start_indices), _static_ints(shape)
    return _ops.getitem(inputs, _window(inputs.shape, start_indices, tuple(shape)))


@symbolic_op
def slice_update(inputs, start_indices, updates) -> Tensor:
    """``inputs`` with the block at ``start_indices`` of ``updates``'s shape set to ``updates``.

    Args:
        inputs: the input batch, channels last: (batch, *spatial, channels).
        start_indices: where the slice starts on each axis.
        updates: the values written.

    Example:
        >>> numnet.ops.slice_update(numnet.ops.zeros((2, 3)), (1, 1), [[7.0, 8.0]]).tolist()
        [[0.0, 0.0, 0.0], [0.0, 7.0, 8.0]]
    """
    inputs, updates = _tensor(inputs), _tensor(updates)
    xp = backend.xp
    where = _window(inputs.shape, start_indices, updates.shape)
    positions = xp.arange(inputs.size).reshape(inputs.shape)[where]
    return _replaced(inputs, positions, updates)


@symbolic_op
def unstack(x, num=None, axis=0) -> list:
    """The slices of ``x`` along ``axis``, as a list of Tensors (``num``, if given, is checked).

    Args:
        x: the input: an array, a number or a Tensor.
        num: the number of tensors (the axis's size); None to read it. Defaults to ``None``.
        axis: the axis to unstack along. Defaults to ``0``.
    """
    x = _tensor(x)
    if num is not None and num != x.shape[axis]:
        raise ValueError(f"unstack(num): axis {axis} of x has size {x.shape[axis]}, given "
                         f"num={num}; leave num=None.")
    return _ops.unstack(x, axis)


# ----------------------------------------------------------------------------- math


@symbolic_op
def segment_sum(data, segment_ids, num_segments=None, sorted=False) -> Tensor:  # noqa: A002
    """out[k] = the sum of ``data[i]`` over the i with ``segment_ids[i] == k``.

    ``num_segments`` defaults to max(segment_ids) + 1; ids outside [0, num_segments) are dropped.

    Args:
        data: the values, (N, ...).
        segment_ids: the segment of each row, integers of shape (N,).
        num_segments: the number of segments; None for max(segment_ids) + 1. Defaults to ``None``.
        sorted: whether segment_ids are sorted (a hint). Defaults to ``False``.

    Example:
        >>> numnet.ops.segment_sum([1.0, 2.0, 3.0], [0, 0, 1]).tolist()
        [3.0, 3.0]
    """
    ids = _index(segment_ids)
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    return _ops.segment_sum(_tensor(data), ids, int(num_segments))


@symbolic_op
def segment_max(data, segment_ids, num_segments=None, sorted=False) -> Tensor:  # noqa: A002
    """out[k] = the largest ``data[i]`` with ``segment_ids[i] == k`` (-inf, or the int
    dtype's lowest value, for an empty segment, as Keras on JAX); the gradient goes to the
    entries equal to their segment's maximum, shared among ties (a graph network's max
    aggregation trains through it).

    Args:
        data: the values, (N, ...).
        segment_ids: the segment of each row, integers of shape (N,).
        num_segments: the number of segments; None for max(segment_ids) + 1. Defaults to ``None``.
        sorted: whether segment_ids are sorted (a hint). Defaults to ``False``.

    Example:
        >>> numnet.ops.segment_max([1.0, 5.0, 3.0], [0, 0, 2], num_segments=3).tolist()
        [5.0, -inf, 3.0]
    """
    return _segment_extreme(data, segment_ids, num_segments, largest=True)


@symbolic_op
def logsumexp(x, axis=None, keepdims=False) -> Tensor:
    """log(sum(exp(x))) over ``axis``, computed stably: m + log(sum(exp(x - m))), m = max(x).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> float(numnet.ops.logsumexp([0.0, 0.0]))  # log 2
        0.6931471...
    """
    x = _float(x)
    axis = _axis(axis)
    top = x.value.max(axis=axis, keepdims=True)
    top = backend.xp.where(backend.xp.isfinite(top), top, 0)
    out = _ops.add(_ops.log(_ops.sum(_ops.exp(_ops.subtract(x, Tensor(top))), axis, True)),
                   Tensor(top))
    if keepdims:
        return out
    return _ops.reshape(out, _numpy.squeeze(_numpy.empty(out.shape), axis).shape)


@symbolic_op
def rsqrt(x) -> Tensor:
    """1 / sqrt(x); d x = -0.5 x^(-3/2).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: 1 / backend.xp.sqrt(v), lambda v, y: -0.5 * y ** 3)


def _erf_values(v):
    from ..activations import _erf

    return _erf(v).astype(v.dtype, copy=False)


@symbolic_op
def erf(x) -> Tensor:
    """The error function 2/sqrt(pi) * integral_0^x exp(-t^2) dt (to 1.2e-7);
    d x = 2/sqrt(pi) exp(-x^2).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), _erf_values,
                      lambda v, y: 2 / math.sqrt(math.pi) * backend.xp.exp(-v * v))


def _erfc_values(v):
    """erfc(x) by the Chebyshev fit of Numerical Recipes (fractional error < 1.2e-7 for
    x >= 0, also far in the tail where 1 - erf(x) would lose every digit)."""
    xp = backend.xp
    z = xp.abs(v).astype(_numpy.float64)
    t = 1 / (1 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    tail = t * xp.exp(poly)
    return xp.where(v >= 0, tail, 2 - tail).astype(v.dtype)


@symbolic_op
def erfc(x) -> Tensor:
    """The complementary error function 1 - erf(x), accurate in the tail;
    d x = -2/sqrt(pi) exp(-x^2).

    Args:
        x: the input: an array, a number or a Tensor.

    Example:
        >>> numnet.ops.erfc([0.0]).tolist()
        [1.0]
    """
    return _ops.unary(_float(x), _erfc_values,
                      lambda v, y: -2 / math.sqrt(math.pi) * backend.xp.exp(-v * v))


def _erfinv_values(v):
    """erfinv by Winitzki's closed form, refined by Newton's steps on erf (in float64)."""
    xp = backend.xp
    x = v.astype(_numpy.float64)
    a = 0.147
    log_term = xp.log(xp.maximum(1 - x * x, 1e-300))
    first = 2 / (math.pi * a) + log_term / 2
    y = xp.sign(x) * xp.sqrt(xp.sqrt(first * first - log_term / a) - first)
    inside = xp.abs(x) < 1
    for _ in range(3):
        step = (_erf_values(y) - x) / (2 / math.sqrt(math.pi) * xp.exp(-y * y))
        y = xp.where(inside, y - step, y)
    y = xp.where(x == 1, xp.inf, xp.where(x == -1, -xp.inf, y))
    return xp.where(xp.abs(x) > 1, xp.nan, y).astype(v.dtype)


@symbolic_op
def erfinv(x) -> Tensor:
    """The inverse error function: y with erf(y) = x, for -1 < x < 1 (+-inf at +-1, NaN
    outside); d x = sqrt(pi)/2 exp(y^2).

    Args:
        x: the input, in [-1, 1].

    Example:
        >>> round(float(numnet.ops.erfinv([0.5])[0]), 5)
        0.47694
    """
    return _ops.unary(_float(x), _erfinv_values,
                      lambda v, y: math.sqrt(math.pi) / 2 * backend.xp.exp(y * y))


@symbolic_op
def logdet(x) -> Tensor:
    """log |det(x)| of each square matrix (log det for the positive-definite matrices it is
    meant for), from slogdet: stable where det over- or underflows; d x = inv(x)^T.

    Args:
        x: (..., M, M) matrices.

    Example:
        >>> round(numnet.ops.logdet([[2.0, 0.0], [0.0, 3.0]]).item(), 5)
        1.79176
    """
    x = _float(x)
    xp = backend.xp
    value = xp.linalg.slogdet(x.value)[1].astype(x.dtype)

    def backward(g):
        _ops.accumulate(x, g[..., None, None] * xp.swapaxes(xp.linalg.inv(x.value), -1, -2))

    return _ops.node(value, (x,), backward)


@symbolic_op
def top_k(x, k, sorted=True) -> tuple:  # noqa: A002 - Keras's name
    """(values, indices) of the ``k`` largest entries along the last axis, largest first;
    ``indices`` are int32 and the gradient flows through ``values``.

    Args:
        x: the input: an array, a number or a Tensor.
        k: how many of the largest values to return.
        sorted: whether the output is sorted (for top_k: largest first); segment ids may be given
            sorted as a hint. Defaults to ``True``.

    Example:
        >>> values, indices = numnet.ops.top_k([1.0, 3.0, 2.0], 2)
        >>> values.tolist(), indices.tolist()
        ([3.0, 2.0], [1, 2])
    """
    x = _tensor(x)
    k = _static_ints(k, "k")
    xp = backend.xp
    order = xp.argsort(-x.value if x.dtype != bool else ~x.value, axis=-1, kind="stable")
    indices = order[..., :k]
    values = _ops.regather(x, lambda v: xp.take_along_axis(v, indices, axis=-1))
    return values, Tensor(indices.astype("int32"))


@symbolic_op
def in_top_k(targets, predictions, k) -> Tensor:
    """Whether the target class of each row is among the ``k`` largest predictions (ties count
    as in, NaN predictions as lowest): a bool tensor of the rows' shape.

    A target outside ``[-classes, classes)`` is never in the top ``k`` (False, as Keras's);
    a negative one counts from the end, as an index does.

    Args:
        targets: the true class of each sample, integers of shape (batch,).
        predictions: the scores, (batch, classes).
        k: how many of the top scores count.

    Returns:
        A bool tensor of shape (batch,).

    Example:

    >>> from numnet import ops
    >>> ops.in_top_k(ops.convert_to_tensor([2, 5, 3]),
    ...              ops.convert_to_tensor([[0.1, 0.4, 0.6, 0.9, 0.5],
    ...                                     [0.1, 0.7, 0.9, 0.8, 0.3],
    ...                                     [0.1, 0.6, 0.9, 0.9, 0.5]]), k=3).numpy()
    array([ True, False,  True])
    """
    xp = backend.xp
    predictions = backend.to_device(_raw(predictions))
    targets = _index(targets)
    classes = predictions.shape[-1]
    valid = (targets >= -classes) & (targets < classes)
    safe = xp.where(valid, targets, 0)
    at_target = xp.take_along_axis(predictions, safe[..., None], axis=-1)
    at_target = xp.where(xp.isnan(at_target), -xp.inf, at_target)
    return Tensor(((predictions > at_target).sum(axis=-1) < k) & valid)


# ----------------------------------------------------------------------------- control flow
# Eager Python loops: each step is recorded on the tape, so gradients flow through them.


def _leaves(structure) -> list:
    if isinstance(structure, dict):
        return [leaf for key in structure for leaf in _leaves(structure[key])]
    if isinstance(structure, (list, tuple)):
        return [leaf for item in structure for leaf in _leaves(item)]
    return [structure]


def _rebuild(structure, leaves):
    if isinstance(structure, dict):
        return {key: _rebuild(structure[key], leaves) for key in structure}
    if isinstance(structure, (list, tuple)):
        parts = [_rebuild(item, leaves) for item in structure]
        return type(structure)(*parts) if hasattr(structure, "_fields") else \
            type(structure)(parts)
    return next(leaves)


def _stack_trees(trees):
    """A list of like structures -> one structure whose leaves are stacked along axis 0."""
    first = trees[0]
    columns = zip(*(_leaves(t) for t in trees), strict=True)
    stacked = [None if col[0] is None else _ops.stack([_tensor(c) for c in col], 0)
               for col in columns]
    return _rebuild(first, iter(stacked))


def _slices(tree, length=None):
    """The slices along axis 0 of every leaf of ``tree``, as a list of like structures."""
    leaves = [_tensor(leaf) for leaf in _leaves(tree)]
    if length is None:
        length = leaves[0].shape[0]
    for leaf in leaves:
        if leaf.shape[0] != length:
            raise ValueError(f"the leaves of xs need one length along axis 0, given shapes "
                             f"{[t.shape for t in leaves]}.")
    parts = [_ops.unstack(leaf, 0) for leaf in leaves]
    return [_rebuild(tree, iter([p[i] for p in parts])) for i in range(length)]


@symbolic_op
def map(f, xs):  # noqa: A001 - Keras's name
    """``f`` applied to each slice of ``xs`` along axis 0, the results stacked (``xs`` may be a
    list, tuple or dict of tensors sliced together, and f's result such a structure too).

    Args:
        f: a function of one slice.
        xs: the tensor (or structure of tensors) to map over.

    Example:
        >>> numnet.ops.map(lambda x: x * 2, numnet.ops.arange(3)).tolist()
        [0, 2, 4]
    """
    return _stack_trees([f(x) for x in _slices(xs)])


@symbolic_op
def scan(f, init, xs=None, length=None, reverse=False, unroll=1):
    """A loop with a carry: ``carry, y = f(carry, x)`` for each slice x of ``xs`` (along axis 0,
    last first if ``reverse``); returns (the final carry, the ys stacked). Gradients flow
    through every step.

    Args:
        f: a function (carry, x) -> (carry, y); carry keeps its structure, y may be None.
        init: the first carry (a tensor or a structure of them).
        xs: the values scanned over; None to loop ``length`` times with x None. Defaults to
            ``None``.
        length: the number of steps when xs is None. Defaults to ``None``.
        reverse: scan from the end (the ys keep xs's order). Defaults to ``False``.
        unroll: accepted as Keras's (an eager loop has nothing to unroll). Defaults to ``1``.

    Example:
        >>> xs = numnet.ops.array([1.0, 2.0, 3.0])
        >>> carry, ys = numnet.ops.scan(lambda c, x: (c + x, c), 0.0, xs)
        >>> carry.item(), ys.tolist()
        (6.0, [0.0, 1.0, 3.0])
    """
    if xs is None:
        if length is None:
            raise ValueError("scan: give xs or length (the number of steps), given neither.")
        steps = [None] * int(length)
    else:
        steps = _slices(xs, length)
    order = range(len(steps) - 1, -1, -1) if reverse else range(len(steps))
    carry, ys = init, [None] * len(steps)
    for i in order:
        carry, ys[i] = f(carry, steps[i])
    if not ys or all(leaf is None for leaf in _leaves(ys[0])):
        return carry, None if not ys else _rebuild(ys[0], iter([None] * len(_leaves(ys[0]))))
    return carry, _stack_trees(ys)


@symbolic_op
def associative_scan(f, elems, reverse=False, axis=0):
    """The running combination of ``elems`` along ``axis`` by an associative ``f``:
    out[0] = e[0], out[i] = f(out[i - 1], e[i]) (from the end if ``reverse``); ``f`` gets
    slices that keep the axis (size 1). cumsum is associative_scan(add, x).

    Args:
        f: an associative function of two like structures (a + b, maximum, ...).
        elems: a tensor or a structure of tensors of one length along ``axis``.
        reverse: combine from the end. Defaults to ``False``.
        axis: the axis scanned. Defaults to ``0``.

    Example:
        >>> xs = numnet.ops.array([1.0, 2.0, 3.0])
        >>> numnet.ops.associative_scan(lambda a, b: a + b, xs).tolist()
        [1.0, 3.0, 6.0]
    """
    leaves = [_tensor(leaf) for leaf in _leaves(elems)]
    n = leaves[0].shape[axis]

    def part(i):
        where = (builtins.slice(None),) * (axis % leaves[0].ndim) + (builtins.slice(i, i + 1),)
        return _rebuild(elems, iter([_ops.getitem(t, where) for t in leaves]))

    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    outs = {order[0]: part(order[0])}
    for before, i in zip(order[:-1], order[1:], strict=True):
        outs[i] = f(part(i), outs[before]) if reverse else f(outs[before], part(i))
    columns = zip(*(_leaves(outs[i]) for i in range(n)), strict=True)
    joined = [_ops.concatenate([_tensor(c) for c in col], axis=axis) for col in columns]
    return _rebuild(elems, iter(joined))


@symbolic_op
def switch(index, branches, *operands):
    """``branches[index](*operands)``, the index clamped to [0, len(branches) - 1].

    Args:
        index: an int (or an int scalar tensor).
        branches: a list of functions.
        *operands: the arguments of the branch called.

    Example:
        >>> numnet.ops.switch(1, [lambda x: x + 1, lambda x: x * 10], 2.0)
        20.0
    """
    i = builtins.min(builtins.max(int(_raw(index)), 0), len(branches) - 1)
    return branches[i](*operands)


@symbolic_op
def fori_loop(lower, upper, body_fun, init_val):
    """``val = body_fun(i, val)`` for i from ``lower`` up to ``upper`` - 1; returns val.

    Args:
        lower: the first i.
        upper: one past the last i.
        body_fun: a function (i, val) -> val.
        init_val: the first val.

    Example:
        >>> numnet.ops.fori_loop(0, 4, lambda i, v: v + i, 0.0)
        6.0
    """
    value = init_val
    for i in range(int(_raw(lower)), int(_raw(upper))):
        value = body_fun(i, value)
    return value


@symbolic_op
def while_loop(cond, body, loop_vars, maximum_iterations=None):
    """``loop_vars = body(*loop_vars)`` while ``cond(*loop_vars)`` holds (at most
    ``maximum_iterations`` times); a tuple or list of loop_vars is passed spread out and a
    tuple comes back, a single value comes back as it is.

    Args:
        cond: a function of the loop variables returning a bool.
        body: a function of the loop variables returning their new values.
        loop_vars: a value, or a tuple or list of values.
        maximum_iterations: the most steps; None for no limit. Defaults to ``None``.

    Example:
        >>> numnet.ops.while_loop(lambda i, s: i < 3, lambda i, s: (i + 1, s * 2), (0, 1))
        (3, 8)
    """
    spread = isinstance(loop_vars, (tuple, list))
    values = tuple(loop_vars) if spread else (loop_vars,)
    steps = 0
    while maximum_iterations is None or steps < maximum_iterations:
        if not builtins.bool(_raw(cond(*values))):
            break
        out = body(*values)
        values = tuple(out) if spread else (out,)
        steps += 1
    return values if spread else values[0]


def _core_dims(signature):
    import re

    if signature is None:
        return None
    inputs, _, outputs = signature.replace(" ", "").partition("->")
    groups = re.findall(r"\(([^()]*)\)", inputs)
    return [[d for d in g.split(",") if d] for g in groups], outputs


def vectorize(pyfunc, *, excluded=None, signature=None):
    """``pyfunc`` made to broadcast over its inputs' leading axes, as NumPy's vectorize: it is
    called on the matching entries (or, with a ``signature`` such as "(n),(n)->()", on the
    matching core blocks) and the results are stacked; differentiable where pyfunc is.

    Args:
        pyfunc: a function of tensors.
        excluded: the positions or names of the arguments passed as they are. Defaults to
            ``None``.
        signature: the core dimensions, "(n),(n)->()" style; None for scalars. Defaults to
            ``None``.

    Returns:
        The vectorized function.

    Example:
        >>> total = numnet.ops.vectorize(lambda v: numnet.ops.sum(v), signature="(n)->()")
        >>> total(numnet.ops.ones((2, 3))).tolist()
        [3.0, 3.0]
    """
    excluded = set(excluded or ())
    parsed = _core_dims(signature)

    def vectorized(*args, **kwargs):
        moving = [i for i in range(len(args)) if i not in excluded]
        tensors = {i: _tensor(args[i]) for i in moving}
        named = {k: _tensor(v) for k, v in kwargs.items() if k not in excluded}
        order = [*moving, *named]
        values = [tensors[i] for i in moving] + list(named.values())
        cores = [0] * len(values) if parsed is None else \
            [len(g) for g in parsed[0]] + [0] * len(named)
        loops = [v.shape[:v.ndim - c] for v, c in zip(values, cores, strict=False)]
        shape = _numpy.broadcast_shapes(*loops) if loops else ()
        wide = [_ops.broadcast_to(v, shape + v.shape[v.ndim - c:])
                for v, c in zip(values, cores, strict=False)]
        flat = [_ops.reshape(v, (-1,) + v.shape[len(shape):]) for v in wide]
        results = []
        for n in range(math.prod(shape)):
            picked = dict(zip(order, (_ops.getitem(v, n) for v in flat), strict=True))
            call_args = [picked.get(i, a) for i, a in enumerate(args)]
            call_kwargs = {k: picked.get(k, v) for k, v in kwargs.items()}
            results.append(pyfunc(*call_args, **call_kwargs))
        if not results:
            raise ValueError("vectorize: the inputs broadcast to an empty shape; nothing to "
                             "call pyfunc on.")
        stacked = _stack_trees(results)
        return _rebuild(stacked, iter(
            [_ops.reshape(t, tuple(shape) + t.shape[1:]) for t in _leaves(stacked)]))

    vectorized.__name__ = getattr(pyfunc, "__name__", "vectorized")
    vectorized.__doc__ = pyfunc.__doc__
    return vectorized


def _function_maker(fn):
    """Register a public op that takes and returns functions (never a graph node itself)."""
    fn.op_name = fn.__name__
    _symbolic_registry.setdefault(fn.__name__, fn)
    return fn


vectorize = _function_maker(vectorize)


def custom_gradient(f):
    """Decorate ``f(*args) -> (y, grad_fn)`` so that the tape uses ``grad_fn`` for the gradient
    of y, as Keras on JAX and TensorFlow: ``grad_fn(upstream)`` returns d loss / d arg for each
    Tensor argument (one value, or a tuple when there are several). The forward inside f is not
    recorded.

    Args:
        f: a function of tensors returning (y, grad_fn).

    Returns:
        The function with the custom gradient.

    Example:
        >>> @numnet.ops.custom_gradient
        ... def clip_gradient(x):
        ...     def grad(upstream):
        ...         return numnet.ops.clip(upstream, -1.0, 1.0)
        ...     return x * 1.0, grad
        >>> x = numnet.Variable([3.0])
        >>> numnet.ops.sum(clip_gradient(x) * 5.0).backward()
        >>> x.grad.tolist()
        [1.0]
    """
    import functools

    from ..autodiff import tensor as _tensor_module

    @functools.wraps(f)
    def wrapped(*args, **kwargs):
        inputs = [a if isinstance(a, Tensor) else None for a in args]
        detached = [Tensor(a.value) if isinstance(a, Tensor) else a for a in args]
        before = _tensor_module._grad_enabled
        _tensor_module._grad_enabled = False
        try:
            y, grad_fn = f(*detached, **kwargs)
        finally:
            _tensor_module._grad_enabled = before
        y = _tensor(y)
        parents = [t for t in inputs if t is not None]

        def backward(g):
            grads = grad_fn(Tensor(g))
            grads = list(grads) if isinstance(grads, (tuple, list)) else [grads]
            tensors = [t for t in inputs if t is not None]
            if len(grads) == len(args):  # one per argument, Nones for the non-tensors
                grads = [d for d, t in zip(grads, inputs, strict=True) if t is not None]
            if len(grads) != len(tensors):
                raise ValueError(f"custom_gradient: grad_fn returned {len(grads)} gradients for "
                                 f"{len(tensors)} tensor arguments; return one per argument.")
            for t, d in zip(tensors, grads, strict=True):
                if d is not None:
                    value = backend.to_device(_raw(d)).astype(t.dtype, copy=False)
                    _ops.accumulate(t, _ops.unbroadcast(backend.xp.broadcast_to(
                        value, t.shape) if value.ndim < t.ndim else value, t.shape))

        return _ops.node(y.value, tuple(parents), backward)

    return wrapped


custom_gradient = _function_maker(custom_gradient)


# ----------------------------------------------------------------------------- more segments


def _segment_setup(data, segment_ids, num_segments):
    data, ids = _tensor(data), _index(segment_ids)
    if num_segments is None:
        num_segments = int(ids.max()) + 1 if ids.size else 0
    keep = (ids >= 0) & (ids < num_segments)
    return data, ids, int(num_segments), keep


@symbolic_op
def segment_min(data, segment_ids, num_segments=None, sorted=False) -> Tensor:  # noqa: A002
    """out[k] = the smallest ``data[i]`` with ``segment_ids[i] == k`` (+inf, or the int
    dtype's largest value, for an empty segment, as Keras on JAX); the gradient goes to the
    entries equal to their segment's minimum, shared among ties.

    Args:
        data: the values, (N, ...).
        segment_ids: the segment of each row, integers of shape (N,).
        num_segments: the number of segments; None for max(segment_ids) + 1. Defaults to ``None``.
        sorted: whether segment_ids are sorted (a hint). Defaults to ``False``.

    Example:
        >>> numnet.ops.segment_min([1.0, 5.0, 3.0], [0, 0, 2], num_segments=3).tolist()
        [1.0, inf, 3.0]
    """
    return _segment_extreme(data, segment_ids, num_segments, largest=False)


def _segment_extreme(data, segment_ids, num_segments, largest: bool) -> Tensor:
    """segment_max (``largest``) or segment_min: the empty segments hold -inf / +inf (the int
    dtype's extremes for integers); d data[i] = g[k] / (the number of entries of segment k
    equal to its extreme) where data[i] is one of them, else 0."""
    xp = backend.xp
    data, ids, num, keep = _segment_setup(data, segment_ids, num_segments)
    if _is_float(data.dtype):
        fill = -xp.inf if largest else xp.inf
    else:
        info = xp.iinfo(data.dtype)
        fill = info.min if largest else info.max
    out = xp.full((num,) + data.shape[ids.ndim:], fill, dtype=data.dtype)
    (xp.maximum if largest else xp.minimum).at(out, ids[keep], data.value[keep])
    if not _is_float(data.dtype):
        return Tensor(out)
    safe = xp.where(keep, ids, 0)
    hit = keep.reshape(keep.shape + (1,) * (data.ndim - ids.ndim)) & (data.value == out[safe])
    ties = xp.zeros(out.shape, dtype=data.dtype)
    xp.add.at(ties, ids[keep], hit[keep].astype(data.dtype))

    def backward(g):
        share = g / xp.where(ties == 0, 1, ties)
        _ops.accumulate(data, xp.where(hit, share[safe], 0).astype(data.dtype))

    return _ops.node(out, (data,), backward)


@symbolic_op
def segment_prod(data, segment_ids, num_segments=None, sorted=False) -> Tensor:  # noqa: A002
    """out[k] = the product of ``data[i]`` over the i with ``segment_ids[i] == k`` (1 for an
    empty segment); d data[i] = g[k] * the product of the other entries of its segment.

    Args:
        data: the values, (N, ...).
        segment_ids: the segment of each row, integers of shape (N,).
        num_segments: the number of segments; None for max(segment_ids) + 1. Defaults to ``None``.
        sorted: whether segment_ids are sorted (a hint). Defaults to ``False``.

    Example:
        >>> numnet.ops.segment_prod([2.0, 5.0, 3.0], [0, 0, 1]).tolist()
        [10.0, 3.0]
    """
    xp = backend.xp
    data, ids, num, keep = _segment_setup(data, segment_ids, num_segments)
    value = data.value[keep]
    out = xp.ones((num,) + data.shape[ids.ndim:], dtype=data.dtype)
    xp.multiply.at(out, ids[keep], value)
    if not _is_float(data.dtype):
        return Tensor(out)

    def backward(g):
        zero = value == 0
        nonzero_prod = xp.ones(out.shape, dtype=data.dtype)
        xp.multiply.at(nonzero_prod, ids[keep], xp.where(zero, 1, value))
        zeros = xp.zeros(out.shape, dtype="int64")
        xp.add.at(zeros, ids[keep], zero.astype("int64"))
        mine, count = nonzero_prod[ids[keep]], zeros[ids[keep]]
        others = xp.where(count == 0, mine / xp.where(zero, 1, value),
                          xp.where((count == 1) & zero, mine, 0))
        d = xp.zeros(data.shape, dtype=data.dtype)
        d[keep] = g[ids[keep]] * others
        _ops.accumulate(data, d)

    return _ops.node(out, (data,), backward)


@symbolic_op
def extract_sequences(x, sequence_length, sequence_stride) -> Tensor:
    """The frames of the last axis: (..., T) -> (..., frames, sequence_length), frame f being
    x[..., f * stride : f * stride + sequence_length]; differentiable.

    Args:
        x: the signal, time on the last axis.
        sequence_length: the length of each frame.
        sequence_stride: the step between frames' starts.

    Example:
        >>> numnet.ops.extract_sequences([1, 2, 3, 4, 5], 3, 2).tolist()
        [[1, 2, 3], [3, 4, 5]]
    """
    x = _tensor(x)
    length, stride = int(sequence_length), int(sequence_stride)
    frames = builtins.max((x.shape[-1] - length) // stride + 1, 0)
    where = (backend.xp.arange(frames) * stride)[:, None] + backend.xp.arange(length)[None, :]
    return _ops.getitem(x, (Ellipsis, where))


# ----------------------------------------------------------------------------- Fourier transforms
# Complex values travel as (real, imag) pairs of float tensors, as in Keras. Each transform is
# linear, so its backward is its adjoint: d x = A^H g for g = d real + i d imag.


def _pair_of_floats(x, where):
    if not isinstance(x, (tuple, list)) or len(x) != 2:
        raise ValueError(f"{where}(x): expected a (real, imag) pair of tensors, given "
                         f"{type(x).__name__}.")
    real, imag = _promote(*x)
    if not _is_float(real.dtype):
        real, imag = _ops.cast(real, backend.floatx()), _ops.cast(imag, backend.floatx())
    if real.shape != imag.shape:
        raise ValueError(f"{where}(x): the real and imaginary parts need one shape, given "
                         f"{real.shape} and {imag.shape}.")
    return real, imag


def _complex_node(parts, value, adjoint, dtype):
    """(real, imag) Tensors of the complex ``value``, one node whose backward hands
    ``adjoint(g complex)`` back to ``parts`` (a (real, imag) pair, or one real Tensor)."""
    xp = backend.xp
    both = xp.stack([value.real, value.imag], axis=-1).astype(dtype)
    inputs = parts if isinstance(parts, tuple) else (parts,)

    def backward(g):
        d = adjoint(g[..., 0] + 1j * g[..., 1])
        _ops.accumulate(inputs[0], d.real.astype(dtype))
        if len(inputs) == 2:
            _ops.accumulate(inputs[1], d.imag.astype(dtype))

    out = _ops.node(both, inputs, backward)
    return _ops.getitem(out, (Ellipsis, 0)), _ops.getitem(out, (Ellipsis, 1))


def _transform(x, where, forward, adjoint):
    real, imag = _pair_of_floats(x, where)
    value = forward(real.value + 1j * imag.value)
    return _complex_node((real, imag), value, adjoint, real.dtype)


@symbolic_op
def fft(x) -> tuple:
    """The discrete Fourier transform along the last axis, y_k = sum_n x_n e^(-2 pi i k n / N),
    of a (real, imag) pair; returns (real, imag). Differentiable.

    Args:
        x: a (real, imag) pair of float tensors of one shape.

    Example:
        >>> real, imag = numnet.ops.fft((numnet.ops.array([1.0, 0.0]), numnet.ops.zeros(2)))
        >>> real.tolist(), imag.tolist()
        ([1.0, 1.0], [0.0, 0.0])
    """
    xp = backend.xp
    return _transform(x, "fft", lambda z: xp.fft.fft(z),
                      lambda g: xp.fft.ifft(g) * g.shape[-1])


@symbolic_op
def fft2(x) -> tuple:
    """The 2-D discrete Fourier transform over the last two axes of a (real, imag) pair;
    returns (real, imag). Differentiable.

    Args:
        x: a (real, imag) pair of float tensors of one shape, rank >= 2.

    Example:
        >>> real, imag = numnet.ops.fft2((numnet.ops.ones((2, 2)), numnet.ops.zeros((2, 2))))
        >>> real.tolist()
        [[4.0, 0.0], [0.0, 0.0]]
    """
    xp = backend.xp
    return _transform(x, "fft2", lambda z: xp.fft.fft2(z),
                      lambda g: xp.fft.ifft2(g) * (g.shape[-1] * g.shape[-2]))


@symbolic_op
def ifft2(x) -> tuple:
    """The inverse 2-D discrete Fourier transform over the last two axes of a (real, imag)
    pair (divided by the number of points); returns (real, imag). Differentiable.

    Args:
        x: a (real, imag) pair of float tensors of one shape, rank >= 2.

    Example:
        >>> real, imag = numnet.ops.ifft2((numnet.ops.ones((2, 2)), numnet.ops.zeros((2, 2))))
        >>> real.tolist()
        [[1.0, 0.0], [0.0, 0.0]]
    """
    xp = backend.xp
    return _transform(x, "ifft2", lambda z: xp.fft.ifft2(z),
                      lambda g: xp.fft.fft2(g) / (g.shape[-1] * g.shape[-2]))


def _fitted(value, n):
    """``value`` cut or zero-padded to length n on its last axis (NumPy's rule for fft's n)."""
    size = value.shape[-1]
    if size >= n:
        return value[..., :n]
    return backend.xp.pad(value, [(0, 0)] * (value.ndim - 1) + [(0, n - size)])


@symbolic_op
def rfft(x, fft_length=None) -> tuple:
    """The discrete Fourier transform of a real signal along its last axis, the bins 0 ..
    n // 2 only (the rest mirror them); the signal cut or zero-padded to ``fft_length``.
    Returns (real, imag). Differentiable.

    Args:
        x: a real tensor.
        fft_length: n, the transform's length; None for x's last axis. Defaults to ``None``.

    Example:
        >>> real, imag = numnet.ops.rfft(numnet.ops.array([1.0, 1.0, 1.0, 1.0]))
        >>> real.tolist(), imag.tolist()
        ([4.0, 0.0, 0.0], [0.0, 0.0, 0.0])
    """
    xp = backend.xp
    x = _float(x)
    n = x.shape[-1] if fft_length is None else int(fft_length)
    value = xp.fft.rfft(x.value, n=n)

    def adjoint(g):
        full = xp.zeros(g.shape[:-1] + (n,), dtype=g.dtype)
        full[..., :g.shape[-1]] = g
        return _fitted(xp.fft.ifft(full).real * n, x.shape[-1])

    return _complex_node(x, value, adjoint, x.dtype)


@symbolic_op
def irfft(x, fft_length=None) -> Tensor:
    """The inverse of ``rfft``: the real signal of length ``fft_length`` (2 (bins - 1) if
    None) whose transform has the bins of the (real, imag) pair x. Differentiable.

    Args:
        x: a (real, imag) pair, the bins 0 .. n // 2 on the last axis.
        fft_length: n, the output's length; None for 2 (bins - 1). Defaults to ``None``.

    Example:
        >>> numnet.ops.irfft((numnet.ops.array([4.0, 0.0, 0.0]), numnet.ops.zeros(3))).tolist()
        [1.0, 1.0, 1.0, 1.0]
    """
    xp = backend.xp
    real, imag = _pair_of_floats(x, "irfft")
    bins = real.shape[-1]
    n = 2 * (bins - 1) if fft_length is None else int(fft_length)
    value = xp.fft.irfft(real.value + 1j * imag.value, n=n).astype(real.dtype)
    # y = (1/n) sum_k w_k (Re X_k cos - Im X_k sin): the bins other than 0 and n/2 count twice
    weight = xp.full(n // 2 + 1, 2.0)
    weight[0] = 1.0
    if n % 2 == 0:
        weight[-1] = 1.0
    imag_weight = weight.copy()
    imag_weight[0] = 0.0
    if n % 2 == 0:
        imag_weight[-1] = 0.0

    def backward(g):
        spectrum = xp.fft.rfft(g, n=n) / n
        _ops.accumulate(real, _fitted(weight * spectrum.real, bins).astype(real.dtype))
        _ops.accumulate(imag, _fitted(imag_weight * spectrum.imag, bins).astype(real.dtype))

    return _ops.node(value, (real, imag), backward)


def _window_values(window, length):
    if isinstance(window, str):
        if window not in ("hann", "hamming"):
            raise ValueError(f"stft(window): expected 'hann', 'hamming', None or an array, "
                             f"given {window!r}.")
        phase = 2 * math.pi * _numpy.arange(length) / length  # periodic, as scipy's get_window
        return 0.5 - 0.5 * _numpy.cos(phase) if window == "hann" else \
            0.54 - 0.46 * _numpy.cos(phase)
    values = _numpy.asarray(backend.to_numpy(_raw(window)), dtype=_numpy.float64)
    if values.shape != (length,):
        raise ValueError(f"stft(window): expected shape ({length},), given {values.shape}.")
    return values


@symbolic_op
def stft(x, sequence_length, sequence_stride, fft_length, window="hann", center=True) -> tuple:
    """The short-time Fourier transform of a real signal along its last axis: frames of
    ``sequence_length`` every ``sequence_stride`` samples, windowed, zero-padded (centred) to
    ``fft_length`` and transformed by ``rfft``. Returns (real, imag), each (..., frames,
    fft_length // 2 + 1). Differentiable.

    Args:
        x: a float signal, time on the last axis.
        sequence_length: the length of each frame (the window's).
        sequence_stride: the step between frames.
        fft_length: the transform's length, >= sequence_length.
        window: 'hann', 'hamming' (periodic), an array of sequence_length, or None (no
            window: each frame is fft_length samples, as Keras). Defaults to ``'hann'``.
        center: reflect-pad the signal by fft_length // 2 on both sides first. Defaults to
            ``True``.

    Example:
        >>> real, imag = numnet.ops.stft(numnet.ops.ones(16), 8, 4, 8, window=None, center=False)
        >>> real.shape, real[0, 0].item()
        ((3, 5), 8.0)
    """
    x = _float(x)
    if fft_length < sequence_length:
        raise ValueError(f"stft(fft_length): expected >= sequence_length ({sequence_length}), "
                         f"given {fft_length}.")
    if center:
        width = [(0, 0)] * (x.ndim - 1) + [(fft_length // 2, fft_length // 2)]
        x = _ops.regather(x, lambda v: backend.xp.pad(v, width, mode="reflect"))
    left = (fft_length - sequence_length) // 2
    win = _numpy.ones(fft_length)  # no window: the whole fft_length frame, as Keras
    if window is not None:
        win[:] = 0.0
        win[left:left + sequence_length] = _window_values(window, sequence_length)
    frames = extract_sequences(x, fft_length, sequence_stride)
    windowed = _ops.multiply(frames, Tensor(backend.to_device(win).astype(x.dtype)))
    return rfft(windowed, fft_length)


@symbolic_op
def istft(x, sequence_length, sequence_stride, fft_length, length=None, window="hann",
          center=True) -> Tensor:
    """The inverse of ``stft``: each frame's ``irfft`` windowed and overlap-added, divided by
    the overlapping windows' summed squares (as SciPy's istft; without a window, by the
    stride), then the ``center`` padding cut off (or ``length`` samples kept). Differentiable.

    Args:
        x: a (real, imag) pair, each (..., frames, fft_length // 2 + 1).
        sequence_length: the frame (window) length used by stft.
        sequence_stride: the step between frames.
        fft_length: the transform's length.
        length: how many samples to return; None for all (less the centring). Defaults to
            ``None``.
        window: 'hann', 'hamming', an array of sequence_length, or None. Defaults to
            ``'hann'``.
        center: the signal was reflect-padded by fft_length // 2 (cut it off). Defaults to
            ``True``.

    Example:
        >>> signal = numnet.ops.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0])
        >>> spectrum = numnet.ops.stft(signal, 4, 1, 4)
        >>> [round(v, 4) for v in numnet.ops.istft(spectrum, 4, 1, 4).tolist()]
        [0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]
    """
    real, imag = _pair_of_floats(x, "istft")
    if real.ndim < 2:
        raise ValueError(f"istft(x): expected (..., frames, bins), given shape {real.shape}.")
    frames = irfft((real, imag), fft_length)  # (..., F, n)
    count, n = frames.shape[-2], frames.shape[-1]
    left = (fft_length - sequence_length) // 2
    win = _numpy.ones(n)
    if window is not None:
        win[:] = 0.0
        win[left:left + sequence_length] = _window_values(window, sequence_length)
    scale = win.sum() if window is not None else n
    frames = _ops.multiply(frames, Tensor(backend.to_device(win * scale).astype(real.dtype)))
    total = n + sequence_stride * (count - 1)
    ids = (_numpy.arange(count)[:, None] * sequence_stride + _numpy.arange(n)[None, :]).ravel()
    lead = frames.ndim - 2
    moved = _ops.transpose(frames, (lead, lead + 1, *range(lead)))
    summed = _ops.segment_sum(_ops.reshape(moved, (count * n,) + frames.shape[:lead]),
                              backend.to_device(ids), total)
    signal = _ops.transpose(summed, (*range(1, lead + 1), 0))  # (..., total)
    norm = _numpy.zeros(total)
    _numpy.add.at(norm, ids, _numpy.tile(win * win, count))
    norm = _numpy.where(norm > 1e-10, norm, 1.0)
    norm = norm * (win.sum() if window is not None else sequence_stride)
    signal = _ops.divide(signal, Tensor(backend.to_device(norm).astype(real.dtype)))
    start = fft_length // 2 if center else 0
    end = start + length if length is not None else (total - fft_length // 2 if center
                                                     else total)
    return _ops.getitem(signal, (Ellipsis, builtins.slice(start, end)))


@symbolic_op
def view_as_real(x) -> Tensor:
    """A complex tensor as floats with a last axis of 2: [..., 0] the real parts, [..., 1] the
    imaginary ones.

    Args:
        x: a complex tensor (real floats count as complex numbers of imaginary part 0, as
            Keras takes them).

    Example:
        >>> numnet.ops.view_as_real(numnet.ops.view_as_complex([[1.0, 2.0]])).tolist()
        [[1.0, 2.0]]
    """
    value = _tensor(x).value
    if value.dtype.kind == "f":
        return Tensor(backend.xp.stack([value, backend.xp.zeros_like(value)], axis=-1))
    if value.dtype.kind != "c":
        raise ValueError(f"view_as_real(x): expected a complex tensor, given {value.dtype}; "
                         "view_as_complex makes one from (..., 2) floats.")
    return Tensor(backend.xp.stack([value.real, value.imag], axis=-1))


@symbolic_op
def view_as_complex(x) -> Tensor:
    """Floats with a last axis of 2 (real, imaginary) as a complex tensor (complex64 for
    float32).

    Args:
        x: a float tensor of shape (..., 2).

    Example:
        >>> numnet.ops.view_as_complex([[1.0, 2.0]]).tolist()
        [(1+2j)]
    """
    x = _float(x)
    if x.shape[-1:] != (2,):
        raise ValueError(f"view_as_complex(x): expected a last axis of size 2 (real, imag), "
                         f"given shape {x.shape}.")
    dtype = _numpy.complex128 if x.dtype == _numpy.float64 else _numpy.complex64
    return Tensor((x.value[..., 0] + 1j * x.value[..., 1]).astype(dtype))


@symbolic_op
def cdist(x, y) -> Tensor:
    """The Euclidean distances between the rows of x and of y: (..., m, d), (..., n, d) ->
    (..., m, n); differentiable (except at distance 0, where the square root's slope is
    infinite).

    Args:
        x: (..., m, d) points.
        y: (..., n, d) points.

    Example:
        >>> numnet.ops.cdist([[0.0, 0.0]], [[3.0, 4.0], [0.0, 1.0]]).tolist()
        [[5.0, 1.0]]
    """
    a, b = _promote(x, y)
    if not _is_float(a.dtype):
        a, b = _ops.cast(a, backend.floatx()), _ops.cast(b, backend.floatx())
    diff = _ops.subtract(_ops.reshape(a, a.shape[:-1] + (1, a.shape[-1])),
                         _ops.reshape(b, b.shape[:-2] + (1,) + b.shape[-2:]))
    return _ops.sqrt(_ops.sum(_ops.square(diff), -1))


# ----------------------------------------------------------------------------- einops


def _einops_groups(side: str, pattern: str) -> list:
    """'b (h w) c' -> [['b'], ['h', 'w'], ['c']]."""
    import re

    groups = []
    for token in re.findall(r"\([^()]*\)|[^\s()]+", side):
        names = token[1:-1].split() if token.startswith("(") else [token]
        for name in names:
            if not name.isidentifier():
                raise ValueError(f"rearrange(pattern): expected axis names (letters, digits, "
                                 f"_) and parentheses, given {name!r} in {pattern!r}.")
        groups.append(names)
    return groups


@symbolic_op
def rearrange(tensor, pattern, **axes_lengths) -> Tensor:
    """The axes of ``tensor`` split, reordered and merged as an einops pattern says:
    "b h w c -> b c h w" (a transpose), "b h w c -> b (h w c)" (merging), "b (h h1) w c ->
    b h (w h1) c" with h1=2 (splitting; a group's sizes given by keyword, one of them may be
    inferred). Differentiable.

    Args:
        tensor: the input.
        pattern: "<input axes> -> <output axes>", each side names every axis once.
        **axes_lengths: the sizes of the axes that splitting needs.

    Example:
        >>> numnet.ops.rearrange(numnet.ops.ones((2, 3, 4)), "b h w -> b (w h)").shape
        (2, 12)
    """
    x = _tensor(tensor)
    if pattern.count("->") != 1:
        raise ValueError(f"rearrange(pattern): expected '<input axes> -> <output axes>', given "
                         f"{pattern!r}.")
    left, right = (part.strip() for part in pattern.split("->"))
    inputs, outputs = _einops_groups(left, pattern), _einops_groups(right, pattern)
    if len(inputs) != x.ndim:
        raise ValueError(f"rearrange(pattern): the input side names {len(inputs)} axes, the "
                         f"tensor has {x.ndim} (shape {x.shape}).")
    flat_in = [n for g in inputs for n in g]
    flat_out = [n for g in outputs for n in g]
    if sorted(flat_in) != sorted(flat_out) or len(set(flat_in)) != len(flat_in):
        raise ValueError(f"rearrange(pattern): each side must name the same axes once each, "
                         f"given {pattern!r}.")
    sizes = {}
    for group, size in zip(inputs, x.shape, strict=True):
        unknown = [n for n in group if n not in axes_lengths]
        known = math.prod(int(axes_lengths[n]) for n in group if n in axes_lengths)
        if len(unknown) > 1:
            raise ValueError(f"rearrange: give the sizes of all but one of {group} "
                             f"(axes_lengths), given {sorted(axes_lengths)}.")
        if (size % known if unknown else size != known):
            raise ValueError(f"rearrange: the axis of size {size} cannot be split as {group} "
                             f"with {dict(axes_lengths)}.")
        for n in group:
            sizes[n] = int(axes_lengths[n]) if n in axes_lengths else size // known
    split = _ops.reshape(x, tuple(sizes[n] for n in flat_in))
    moved = _ops.transpose(split, tuple(flat_in.index(n) for n in flat_out))
    return _ops.reshape(moved, tuple(math.prod(sizes[n] for n in g) for g in outputs))


__all__ = ["associative_scan", "cast", "cdist", "cond", "convert_to_numpy", "convert_to_tensor",
           "custom_gradient", "dtype", "erf", "erfc", "erfinv", "extract_sequences", "fft",
           "fft2", "fori_loop", "ifft2", "in_top_k", "irfft", "is_tensor", "istft", "logdet",
           "logsumexp", "map", "rearrange", "rfft", "rsqrt", "saturate_cast", "scan", "scatter",
           "scatter_update", "segment_max", "segment_min", "segment_prod", "segment_sum", "shape",
           "slice", "slice_update", "stft", "stop_gradient", "switch", "top_k", "unstack",
           "vectorize", "vectorized_map", "view_as_complex", "view_as_real", "while_loop"]
