"""Keras 3's NumPy-like ops (``keras.ops.numpy``): creation, element-wise math, comparisons,
reductions, shapes and indexing, products.

Each takes arrays, Python numbers or Tensors and returns a Tensor; where Keras's op has a gradient
the Tensor records it (``d x`` in a docstring is the factor the incoming gradient is multiplied
by). Dtypes follow Keras (see ``numnet.ops.core``).

>>> x = numnet.ops.reshape(numnet.ops.arange(6), (2, 3))  # int32
>>> numnet.ops.mean(x, axis=0).tolist()                   # float32
[1.5, 2.5, 3.5]

Why one file of about 1600 lines: Keras keeps keras.ops.numpy as one namespace of some 180 short
functions; this file mirrors it name for name.
"""

from __future__ import annotations

import builtins
import math

import numpy as _numpy

from .. import backend
from ..autodiff import ops as _ops
from ..autodiff.symbolic import symbolic_op
from ..autodiff.tensor import Tensor
from .core import _axis, _dtype_of, _float, _index, _is_float, _promote, _raw, _tensor, cast


def _xp():
    return backend.xp


def _floats(*xs) -> list:
    """``xs`` promoted to one dtype, then to floatx if that is not a float."""
    xs = _promote(*xs)
    if _is_float(xs[0].dtype):
        return xs
    return [_ops.cast(x, backend.floatx()) for x in xs]


def _made(value, dtype) -> Tensor:
    return Tensor(backend.to_device(value).astype(dtype, copy=False))


def _default(dtype, fallback=None):
    return _numpy.dtype(dtype if dtype is not None else fallback or backend.floatx())


# ----------------------------------------------------------------------------- creation


@symbolic_op
def zeros(shape, dtype=None) -> Tensor:
    """A tensor of ``shape`` filled with 0 (floatx unless ``dtype``).

    Args:
        shape: the output's shape, a tuple of ints.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
    """
    return Tensor(_xp().zeros(shape, dtype=_default(dtype)))


@symbolic_op
def ones(shape, dtype=None) -> Tensor:
    """A tensor of ``shape`` filled with 1 (floatx unless ``dtype``).

    Args:
        shape: the output's shape, a tuple of ints.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
    """
    return Tensor(_xp().ones(shape, dtype=_default(dtype)))


@symbolic_op
def full(shape, fill_value, dtype=None) -> Tensor:
    """A tensor of ``shape`` filled with ``fill_value``, floatx unless ``dtype`` (as Keras,
    also for an int or bool value).

    Args:
        shape: the output's shape, a tuple of ints.
        fill_value: the value of every element.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.

    Example:
        >>> numnet.ops.full((2,), 7).tolist()
        [7.0, 7.0]
    """
    dtype = _default(dtype)
    return Tensor(_xp().full(shape, _raw(fill_value), dtype=dtype))


@symbolic_op
def zeros_like(x, dtype=None) -> Tensor:
    """Zeros of ``x``'s shape and (unless ``dtype``) dtype.

    Args:
        x: the input: an array, a number or a Tensor.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
    """
    return zeros(_shape_of(x), dtype or _dtype_of(x))


@symbolic_op
def ones_like(x, dtype=None) -> Tensor:
    """Ones of ``x``'s shape and (unless ``dtype``) dtype.

    Args:
        x: the input: an array, a number or a Tensor.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
    """
    return ones(_shape_of(x), dtype or _dtype_of(x))


@symbolic_op
def full_like(x, fill_value, dtype=None) -> Tensor:
    """``fill_value`` in ``x``'s shape and (unless ``dtype``) dtype.

    Args:
        x: the input: an array, a number or a Tensor.
        fill_value: the value of every element.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
    """
    return full(_shape_of(x), fill_value, dtype or _dtype_of(x))


def _shape_of(x) -> tuple:
    return tuple(x.shape) if hasattr(x, "shape") else _numpy.shape(x)


@symbolic_op
def arange(start, stop=None, step=None, dtype=None) -> Tensor:
    """Evenly spaced values in [start, stop), ``step`` apart (1 by default); int32 when the
    arguments are ints, else floatx. ``arange(3)`` is [0, 1, 2].

    Args:
        start: the first value (or, with ``stop`` None, the end, counting from 0).
        stop: the end (excluded for arange). Defaults to ``None``.
        step: the spacing. Defaults to ``None``.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.

    Example:
        >>> numnet.ops.arange(1, 2, 0.25).tolist()
        [1.0, 1.25, 1.5, 1.75]
    """
    step = 1 if step is None else step
    values = [v for v in (start, stop, step) if v is not None]
    fallback = backend.floatx() if builtins.any(_is_float(_dtype_of(v)) for v in values) \
        else "int32"
    start, stop = (0, start) if stop is None else (start, stop)
    dtype = _default(dtype, fallback)
    return Tensor(_xp().arange(_raw(start), _raw(stop), _raw(step)).astype(dtype))


@symbolic_op
def linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None, axis=0):
    """``num`` evenly spaced values from ``start`` to ``stop`` (included if ``endpoint``);
    with ``retstep`` also the spacing. floatx unless ``dtype``.

    Args:
        start: the first value (or, with ``stop`` None, the end, counting from 0).
        stop: the end (excluded for arange).
        num: the number of values. Defaults to ``50``.
        endpoint: include ``stop``. Defaults to ``True``.
        retstep: also return the spacing. Defaults to ``False``.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to ``0``.

    Example:
        >>> numnet.ops.linspace(0, 1, 5).tolist()
        [0.0, 0.25, 0.5, 0.75, 1.0]
    """
    values, step = _xp().linspace(_raw(start), _raw(stop), num, endpoint=endpoint, retstep=True,
                                  axis=axis)
    out = _made(values, _default(dtype))
    return (out, step) if retstep else out


@symbolic_op
def eye(N, M=None, k=0, dtype=None) -> Tensor:  # noqa: N803 - Keras's names
    """An N x M matrix with ones on diagonal ``k`` (0: the main one) and zeros elsewhere.

    Args:
        N: the number of rows.
        M: the number of columns; None for N. Defaults to ``None``.
        k: the diagonal: 0 the main one, k > 0 above it, k < 0 below it. Defaults to ``0``.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
    """
    return Tensor(_xp().eye(N, M, k, dtype=_default(dtype)))


@symbolic_op
def identity(n, dtype=None) -> Tensor:
    """The n x n identity matrix.

    Args:
        n: the size of the square matrix.
        dtype: the output's dtype; None for floatx. Defaults to ``None``.
    """
    return Tensor(_xp().eye(n, dtype=_default(dtype)))


@symbolic_op
def tri(N, M=None, k=0, dtype=None) -> Tensor:  # noqa: N803 - Keras's names
    """An N x M matrix with ones at and below diagonal ``k``, zeros above.

    Args:
        N: the number of rows.
        M: the number of columns; None for N. Defaults to ``None``.
        k: the diagonal: 0 the main one, k > 0 above it, k < 0 below it. Defaults to ``0``.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
    """
    return Tensor(_xp().tri(N, M, k, dtype=_default(dtype)))


@symbolic_op
def tril(x, k=0) -> Tensor:
    """``x`` with the entries above diagonal ``k`` of its last two axes set to 0; d x = [kept].

    Args:
        x: the input: an array, a number or a Tensor.
        k: the diagonal: 0 the main one, k > 0 above it, k < 0 below it. Defaults to ``0``.
    """
    x = _tensor(x)
    keep = _xp().tri(x.shape[-2], x.shape[-1], k, dtype=bool)
    return _ops.where(keep, x, 0)


@symbolic_op
def triu(x, k=0) -> Tensor:
    """``x`` with the entries below diagonal ``k`` of its last two axes set to 0; d x = [kept].

    Args:
        x: the input: an array, a number or a Tensor.
        k: the diagonal: 0 the main one, k > 0 above it, k < 0 below it. Defaults to ``0``.
    """
    x = _tensor(x)
    keep = ~_xp().tri(x.shape[-2], x.shape[-1], k - 1, dtype=bool)
    return _ops.where(keep, x, 0)


# ----------------------------------------------------------------------------- arithmetic


@symbolic_op
def add(x1, x2) -> Tensor:
    """x1 + x2 element-wise (broadcast); ints stay ints. d x1 = d x2 = 1.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.add(*_promote(x1, x2))


@symbolic_op
def subtract(x1, x2) -> Tensor:
    """x1 - x2 element-wise; d x1 = 1, d x2 = -1.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.subtract(*_promote(x1, x2))


@symbolic_op
def multiply(x1, x2) -> Tensor:
    """x1 * x2 element-wise; d x1 = x2, d x2 = x1.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.multiply(*_promote(x1, x2))


@symbolic_op
def divide(x1, x2) -> Tensor:
    """x1 / x2 element-wise, a float (ints give floatx); d x1 = 1 / x2, d x2 = -x1 / x2^2.

    ``true_divide`` is the same op.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.divide(*_floats(x1, x2))


true_divide = divide


@symbolic_op
def floor_divide(x1, x2) -> Tensor:
    """floor(x1 / x2) element-wise, in the inputs' dtype (no gradient, as in Keras).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.floor_divide(x1, x2)


@symbolic_op
def mod(x1, x2) -> Tensor:
    """x1 - floor(x1 / x2) x2 element-wise (the sign of x2, as Python's %);
    d x1 = 1, d x2 = -floor(x1 / x2).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.mod(x1, x2)


@symbolic_op
def power(x1, x2) -> Tensor:
    """x1 ** x2 element-wise; d x1 = x2 x1^(x2 - 1), d x2 = x1^x2 log x1 (0 where x1 <= 0).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).

    Example:
        >>> numnet.ops.power([1, 2, 3], 2).tolist()  # ints stay ints
        [1, 4, 9]
    """
    return _ops.elementwise_power(x1, x2)


@symbolic_op
def negative(x) -> Tensor:
    """-x element-wise; d x = -1.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.negative(_tensor(x))


@symbolic_op
def abs(x) -> Tensor:  # noqa: A001 - Keras's name
    """|x| element-wise; d x = sign(x). ``absolute`` is the same op.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.abs(_tensor(x))


absolute = abs


@symbolic_op
def sign(x) -> Tensor:
    """-1, 0 or 1 by the sign of x, in x's dtype (no gradient).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_tensor(x), lambda v: _xp().sign(v))


@symbolic_op
def square(x) -> Tensor:
    """x * x element-wise; d x = 2 x.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.square(_tensor(x))


@symbolic_op
def sqrt(x) -> Tensor:
    """sqrt(x) element-wise (ints give floatx); d x = 1 / (2 sqrt(x)).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.sqrt(_float(x))


@symbolic_op
def reciprocal(x) -> Tensor:
    """1 / x element-wise; d x = -1 / x^2.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: 1 / v, lambda v, y: -y * y)


@symbolic_op
def exp(x) -> Tensor:
    """e^x element-wise; d x = e^x.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.exp(_float(x))


@symbolic_op
def expm1(x) -> Tensor:
    """e^x - 1, accurate for small x; d x = e^x.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().expm1(v), lambda v, y: y + 1)


@symbolic_op
def log(x) -> Tensor:
    """The natural logarithm element-wise; d x = 1 / x.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.log(_float(x))


@symbolic_op
def log1p(x) -> Tensor:
    """log(1 + x), accurate for small x; d x = 1 / (1 + x).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.log1p(_float(x))


@symbolic_op
def log2(x) -> Tensor:
    """The base-2 logarithm; d x = 1 / (x ln 2).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().log2(v), lambda v, y: 1 / (v * math.log(2)))


@symbolic_op
def log10(x) -> Tensor:
    """The base-10 logarithm; d x = 1 / (x ln 10).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().log10(v), lambda v, y: 1 / (v * math.log(10)))


@symbolic_op
def logaddexp(x1, x2) -> Tensor:
    """log(e^x1 + e^x2), computed stably; d x1 = sigmoid(x1 - x2), d x2 = sigmoid(x2 - x1).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.binary(*_floats(x1, x2), lambda a, b: _xp().logaddexp(a, b),
                       lambda a, b, y: _xp().exp(a - y), lambda a, b, y: _xp().exp(b - y))


@symbolic_op
def sin(x) -> Tensor:
    """sin(x); d x = cos(x).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().sin(v), lambda v, y: _xp().cos(v))


@symbolic_op
def cos(x) -> Tensor:
    """cos(x); d x = -sin(x).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().cos(v), lambda v, y: -_xp().sin(v))


@symbolic_op
def tan(x) -> Tensor:
    """tan(x); d x = 1 + tan(x)^2.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().tan(v), lambda v, y: 1 + y * y)


@symbolic_op
def arcsin(x) -> Tensor:
    """The inverse sine; d x = 1 / sqrt(1 - x^2).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().arcsin(v),
                      lambda v, y: 1 / _xp().sqrt(1 - v * v))


@symbolic_op
def arccos(x) -> Tensor:
    """The inverse cosine; d x = -1 / sqrt(1 - x^2).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().arccos(v),
                      lambda v, y: -1 / _xp().sqrt(1 - v * v))


@symbolic_op
def arctan(x) -> Tensor:
    """The inverse tangent; d x = 1 / (1 + x^2).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().arctan(v), lambda v, y: 1 / (1 + v * v))


@symbolic_op
def arctan2(x1, x2) -> Tensor:
    """The angle of the point (x2, x1), in (-pi, pi]; d x1 = x2 / r^2, d x2 = -x1 / r^2.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.binary(*_floats(x1, x2), lambda a, b: _xp().arctan2(a, b),
                       lambda a, b, y: b / (a * a + b * b), lambda a, b, y: -a / (a * a + b * b))


@symbolic_op
def sinh(x) -> Tensor:
    """sinh(x); d x = cosh(x).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().sinh(v), lambda v, y: _xp().cosh(v))


@symbolic_op
def cosh(x) -> Tensor:
    """cosh(x); d x = sinh(x).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().cosh(v), lambda v, y: _xp().sinh(v))


@symbolic_op
def tanh(x) -> Tensor:
    """tanh(x); d x = 1 - tanh(x)^2.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().tanh(v), lambda v, y: 1 - y * y)


@symbolic_op
def arcsinh(x) -> Tensor:
    """The inverse hyperbolic sine; d x = 1 / sqrt(x^2 + 1).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().arcsinh(v),
                      lambda v, y: 1 / _xp().sqrt(v * v + 1))


@symbolic_op
def arccosh(x) -> Tensor:
    """The inverse hyperbolic cosine (x >= 1); d x = 1 / sqrt(x^2 - 1).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().arccosh(v),
                      lambda v, y: 1 / _xp().sqrt(v * v - 1))


@symbolic_op
def arctanh(x) -> Tensor:
    """The inverse hyperbolic tangent (|x| < 1); d x = 1 / (1 - x^2).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().arctanh(v), lambda v, y: 1 / (1 - v * v))


@symbolic_op
def floor(x) -> Tensor:
    """The largest integer <= x, as a float (no gradient).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().floor(v))


@symbolic_op
def ceil(x) -> Tensor:
    """The smallest integer >= x, as a float (no gradient).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.unary(_float(x), lambda v: _xp().ceil(v))


@symbolic_op
def round(x, decimals=0) -> Tensor:  # noqa: A001 - Keras's name
    """x rounded to ``decimals`` places, halves to even; ints stay ints (no gradient).

    Args:
        x: the input: an array, a number or a Tensor.
        decimals: the number of decimals. Defaults to ``0``.
    """
    return _ops.unary(_tensor(x), lambda v: _xp().round(v, decimals))


@symbolic_op
def clip(x, x_min, x_max) -> Tensor:
    """x limited to [x_min, x_max], in x's dtype; d x = 1 inside, 0 where clipped.

    Args:
        x: the input: an array, a number or a Tensor.
        x_min: the lower bound.
        x_max: the upper bound.

    Example:
        >>> numnet.ops.clip([-2.0, 0.5, 3.0], 0.0, 1.0).tolist()
        [0.0, 0.5, 1.0]
    """
    x = _tensor(x)
    if x.dtype == bool:
        x = _ops.cast(x, "int32")
    low, high = _raw(x_min), _raw(x_max)
    if not _is_float(x.dtype):
        return Tensor(_xp().clip(x.value, low, high).astype(x.dtype, copy=False))
    out = _ops.clip(x, low, high)
    return out if out.dtype == x.dtype else _ops.cast(out, x.dtype)


@symbolic_op
def maximum(x1, x2) -> Tensor:
    """The larger of x1 and x2 element-wise; the gradient goes to the larger (to x1 if equal).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.maximum(*_promote(x1, x2))


@symbolic_op
def minimum(x1, x2) -> Tensor:
    """The smaller of x1 and x2 element-wise; the gradient goes to the smaller (x1 if equal).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.minimum(*_promote(x1, x2))


@symbolic_op
def nan_to_num(x, nan=0.0, posinf=None, neginf=None) -> Tensor:
    """x with NaN replaced by ``nan`` and infinities by ``posinf`` / ``neginf`` (default: the
    dtype's largest and lowest values); d x = 1 where x was finite, else 0.

    Args:
        x: the input: an array, a number or a Tensor.
        nan: the value that replaces NaN. Defaults to ``0.0``.
        posinf: the value that replaces +inf; None for the largest finite value. Defaults to
            ``None``.
        neginf: the value that replaces -inf; None for the most negative finite value. Defaults to
            ``None``.
    """
    return _ops.unary(_tensor(x), lambda v: _xp().nan_to_num(v, nan=nan, posinf=posinf,
                                                             neginf=neginf),
                      lambda v, y: _xp().isfinite(v))


@symbolic_op
def where(condition, x1=None, x2=None):
    """x1 where ``condition`` holds, else x2 (broadcast; d x1 = [condition], d x2 = [not]).
    With only ``condition``: the indices of its nonzero entries, a tuple of int32 tensors.

    Args:
        condition: a boolean array: where true, take x1, else x2.
        x1: the values taken where the condition holds; None (with x2 None) returns the indices
            where it holds. Defaults to ``None``.
        x2: the values taken elsewhere. Defaults to ``None``.

    Example:
        >>> numnet.ops.where([True, False], 1.0, -1.0).tolist()
        [1.0, -1.0]
    """
    condition = backend.to_device(_raw(condition))
    if x1 is None and x2 is None:
        return tuple(Tensor(i.astype("int32")) for i in _xp().nonzero(condition))
    if x1 is None or x2 is None:
        raise ValueError("where(condition, x1, x2): give both x1 and x2, or neither (for the "
                         f"indices where condition holds); given x1={x1!r}, x2={x2!r}.")
    return _ops.where(condition, *_promote(x1, x2))


@symbolic_op
def isnan(x) -> Tensor:
    """Whether each entry is NaN (bool).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return Tensor(_xp().isnan(backend.to_device(_raw(x))))


@symbolic_op
def isinf(x) -> Tensor:
    """Whether each entry is +inf or -inf (bool).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return Tensor(_xp().isinf(backend.to_device(_raw(x))))


@symbolic_op
def isfinite(x) -> Tensor:
    """Whether each entry is neither infinite nor NaN (bool).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return Tensor(_xp().isfinite(backend.to_device(_raw(x))))


# ----------------------------------------------------------------------------- comparisons, logic


def _compare(x1, x2, fn) -> Tensor:
    return _ops.compare(x1, x2, fn)


@symbolic_op
def equal(x1, x2) -> Tensor:
    """x1 == x2 element-wise (bool).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _compare(x1, x2, lambda a, b: a == b)


@symbolic_op
def not_equal(x1, x2) -> Tensor:
    """x1 != x2 element-wise (bool).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _compare(x1, x2, lambda a, b: a != b)


@symbolic_op
def less(x1, x2) -> Tensor:
    """x1 < x2 element-wise (bool).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _compare(x1, x2, lambda a, b: a < b)


@symbolic_op
def less_equal(x1, x2) -> Tensor:
    """x1 <= x2 element-wise (bool).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _compare(x1, x2, lambda a, b: a <= b)


@symbolic_op
def greater(x1, x2) -> Tensor:
    """x1 > x2 element-wise (bool).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _compare(x1, x2, lambda a, b: a > b)


@symbolic_op
def greater_equal(x1, x2) -> Tensor:
    """x1 >= x2 element-wise (bool).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _compare(x1, x2, lambda a, b: a >= b)


@symbolic_op
def logical_and(x1, x2) -> Tensor:
    """x1 and x2 element-wise, nonzero counting as true (bool).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _compare(x1, x2, lambda a, b: _xp().logical_and(a, b))


@symbolic_op
def logical_or(x1, x2) -> Tensor:
    """x1 or x2 element-wise (bool).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _compare(x1, x2, lambda a, b: _xp().logical_or(a, b))


@symbolic_op
def logical_xor(x1, x2) -> Tensor:
    """Exactly one of x1, x2 element-wise (bool).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _compare(x1, x2, lambda a, b: _xp().logical_xor(a, b))


@symbolic_op
def logical_not(x) -> Tensor:
    """not x element-wise (bool).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return Tensor(_xp().logical_not(_tensor(x).value))


@symbolic_op
def all(x, axis=None, keepdims=False) -> Tensor:  # noqa: A001 - Keras's name
    """Whether every entry over ``axis`` is nonzero (bool).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return Tensor(_xp().all(_tensor(x).value, axis=_axis(axis), keepdims=keepdims))


@symbolic_op
def any(x, axis=None, keepdims=False) -> Tensor:  # noqa: A001 - Keras's name
    """Whether some entry over ``axis`` is nonzero (bool).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return Tensor(_xp().any(_tensor(x).value, axis=_axis(axis), keepdims=keepdims))


# ----------------------------------------------------------------------------- reductions


def _integers(x) -> Tensor:
    """x with bools as int32 (sums and products of bools count)."""
    return _ops.cast(x, "int32") if x.dtype == bool else x


@symbolic_op
def sum(x, axis=None, keepdims=False) -> Tensor:  # noqa: A001 - Keras's name
    """The sum over ``axis`` (all axes if None); ints stay in their dtype, bools count as
    int32. d x = 1.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> numnet.ops.sum([[1, 2], [3, 4]], axis=1).tolist()
        [3, 7]
    """
    x, axis = _integers(_tensor(x)), _axis(axis)
    if not _is_float(x.dtype):
        return Tensor(x.value.sum(axis=axis, keepdims=keepdims, dtype=x.dtype))
    return _ops.sum(x, axis, keepdims)


@symbolic_op
def mean(x, axis=None, keepdims=False) -> Tensor:
    """The mean over ``axis`` (all axes if None), a float (ints give floatx); d x = 1 / n.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return _ops.mean(_float(x), _axis(axis), keepdims)


def _initial(out, initial, pick):
    return out if initial is None else pick(out, initial)


@symbolic_op
def max(x, axis=None, keepdims=False, initial=None) -> Tensor:  # noqa: A001 - Keras's name
    """The largest entry over ``axis``, at least ``initial`` if given; the gradient is shared
    among the entries equal to the maximum.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
        initial: a value to start the reduction from (it takes part in the result), or None.
            Defaults to ``None``.
    """
    x, axis = _tensor(x), _axis(axis)
    if not _is_float(x.dtype):
        out = Tensor(x.value.max(axis=axis, keepdims=keepdims))
    else:
        out = _ops.max(x, axis, keepdims)
    return _initial(out, initial, maximum)


@symbolic_op
def min(x, axis=None, keepdims=False, initial=None) -> Tensor:  # noqa: A001 - Keras's name
    """The smallest entry over ``axis``, at most ``initial`` if given; the gradient is shared
    among the entries equal to the minimum.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
        initial: a value to start the reduction from (it takes part in the result), or None.
            Defaults to ``None``.
    """
    x, axis = _tensor(x), _axis(axis)
    if not _is_float(x.dtype):
        out = Tensor(x.value.min(axis=axis, keepdims=keepdims))
    else:
        out = _ops.negative(_ops.max(_ops.negative(x), axis, keepdims))
    return _initial(out, initial, minimum)


@symbolic_op
def prod(x, axis=None, keepdims=False, dtype=None) -> Tensor:
    """The product over ``axis``; ints stay ints, bools give int32. d x = prod / x.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
        dtype: the dtype of the result; None for the default (floatx for floats).
    """
    x, axis = _integers(_tensor(x)), _axis(axis)
    if dtype is not None:
        x = cast(x, dtype)
    if not _is_float(x.dtype):
        return Tensor(x.value.prod(axis=axis, keepdims=keepdims, dtype=x.dtype))
    return _ops.prod(x, axis, keepdims)


@symbolic_op
def var(x, axis=None, keepdims=False) -> Tensor:
    """The variance over ``axis``: mean((x - mean(x))^2) (divided by n); ints give floatx.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    x, axis = _float(x), _axis(axis)
    centered = _ops.subtract(x, _ops.mean(x, axis, True))
    return _ops.mean(_ops.square(centered), axis, keepdims)


@symbolic_op
def std(x, axis=None, keepdims=False) -> Tensor:
    """The standard deviation over ``axis``: sqrt(var(x)) (divided by n).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return _ops.sqrt(var(x, axis, keepdims))


def _arg(x, axis, keepdims, fn) -> Tensor:
    value = _tensor(x).value
    out = fn(value if axis is not None else value.reshape(-1), axis=axis or 0)
    if keepdims:
        out = out.reshape((1,) * value.ndim) if axis is None else _xp().expand_dims(out, axis)
    return Tensor(out.astype("int32"))


@symbolic_op
def argmax(x, axis=None, keepdims=False) -> Tensor:
    """The index of the largest entry over ``axis`` (of the flattened x if None), int32; the
    first one if tied.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to search along; None for the flattened input. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return _arg(x, axis, keepdims, _xp().argmax)


@symbolic_op
def argmin(x, axis=None, keepdims=False) -> Tensor:
    """The index of the smallest entry over ``axis`` (of the flattened x if None), int32.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to search along; None for the flattened input. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return _arg(x, axis, keepdims, _xp().argmin)


@symbolic_op
def count_nonzero(x, axis=None) -> Tensor:
    """How many entries over ``axis`` are nonzero (int32).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None (all axes) reduces to a scalar. Defaults to
            ``None``.
    """
    value = _tensor(x).value != 0
    return Tensor(value.sum(axis=_axis(axis), dtype="int32"))


def _running(x, axis, dtype, op, op_name):
    x = _integers(_tensor(x))
    if dtype is not None:
        x = cast(x, dtype)
    if axis is None:
        x, axis = _ops.reshape(x, (-1,)), 0
    if not _is_float(x.dtype):
        return Tensor(getattr(_xp(), op_name)(x.value, axis=axis, dtype=x.dtype))
    return op(x, axis)


@symbolic_op
def cumsum(x, axis=None, dtype=None) -> Tensor:
    """Running sums along ``axis`` (of the flattened x if None); d x = the running sums of the
    gradient from the end.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to accumulate along; None for the flattened input. Defaults to ``None``.
        dtype: the dtype of the result; None for the default (floatx for floats).

    Example:
        >>> numnet.ops.cumsum([1, 2, 3]).tolist()
        [1, 3, 6]
    """
    return _running(x, axis, dtype, _ops.cumsum, "cumsum")


@symbolic_op
def cumprod(x, axis=None, dtype=None) -> Tensor:
    """Running products along ``axis`` (of the flattened x if None).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to accumulate along; None for the flattened input. Defaults to ``None``.
        dtype: the dtype of the result; None for the default (floatx for floats).
    """
    return _running(x, axis, dtype, _ops.cumprod, "cumprod")


# ----------------------------------------------------------------------------- shapes, indexing


@symbolic_op
def reshape(x, newshape) -> Tensor:
    """x with the shape ``newshape`` (one -1 is inferred).

    Args:
        x: the input: an array, a number or a Tensor.
        newshape: the new shape; one entry may be -1 (inferred).
    """
    return _ops.reshape(_tensor(x), newshape)


@symbolic_op
def transpose(x, axes=None) -> Tensor:
    """x with its axes permuted (reversed if ``axes`` is None).

    Args:
        x: the input: an array, a number or a Tensor.
        axes: the new order of the axes; None reverses them. Defaults to ``None``.
    """
    return _ops.transpose(_tensor(x), axes)


@symbolic_op
def expand_dims(x, axis) -> Tensor:
    """x with a new axis of size 1 at ``axis`` (an int or a tuple).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the position of the new axis (of size 1).
    """
    x = _tensor(x)
    return _ops.reshape(x, _numpy.expand_dims(_numpy.empty(x.shape, bool), _axis(axis)).shape)


@symbolic_op
def squeeze(x, axis=None) -> Tensor:
    """x without its axes of size 1 (only ``axis`` if given).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) of size 1 to remove; None for all of them. Defaults to ``None``.
    """
    x = _tensor(x)
    return _ops.reshape(x, _numpy.squeeze(_numpy.empty(x.shape, bool), _axis(axis)).shape)


@symbolic_op
def ravel(x) -> Tensor:
    """x as one axis, in row-major order.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.reshape(_tensor(x), (-1,))


@symbolic_op
def concatenate(xs, axis=0) -> Tensor:
    """The tensors ``xs`` joined along an existing ``axis`` (Keras's default 0); d each = its
    part of g.

    Args:
        xs: a list of arrays or Tensors with the same shape except along ``axis``.
        axis: the axis to join along. Defaults to ``0``.
    """
    return _ops.concatenate(_promote(*xs), axis=axis)


@symbolic_op
def stack(x, axis=0) -> Tensor:
    """The tensors ``x`` (of one shape) joined along a new ``axis``.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the position of the new axis in the output. Defaults to ``0``.
    """
    return _ops.stack(_promote(*x), axis=axis)


@symbolic_op
def split(x, indices_or_sections, axis=0) -> list:
    """x cut along ``axis``: into that many equal parts (an int), or at those indices (a list).

    Args:
        x: the input: an array, a number or a Tensor.
        indices_or_sections: a number of equal parts, or the positions to split at.
        axis: the axis to split along. Defaults to ``0``.

    Example:
        >>> [p.tolist() for p in numnet.ops.split([1, 2, 3, 4, 5], [2, 3])]
        [[1, 2], [3], [4, 5]]
    """
    x = _tensor(x)
    size = x.shape[axis]
    if isinstance(indices_or_sections, int):
        if size % indices_or_sections:
            raise ValueError(f"split(indices_or_sections={indices_or_sections}): axis {axis} "
                             f"of size {size} does not divide evenly; give split points as a "
                             "list instead.")
        step = size // indices_or_sections
        cuts = list(range(step, size, step))
    else:
        cuts = [int(c) for c in indices_or_sections]
    bounds = [0, *cuts, size]
    head = (builtins.slice(None),) * (axis % x.ndim)
    return [_ops.getitem(x, head + (builtins.slice(a, b),))
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


@symbolic_op
def tile(x, repeats) -> Tensor:
    """x repeated ``repeats`` times along each axis (NumPy's tile); d x = the sum of its copies.

    Args:
        x: the input: an array, a number or a Tensor.
        repeats: the number of repetitions along each axis.
    """
    return _ops.regather(_tensor(x), lambda v: _xp().tile(v, repeats))


@symbolic_op
def repeat(x, repeats, axis=None) -> Tensor:
    """Each entry of x repeated ``repeats`` times along ``axis`` (of the flattened x if None).

    Args:
        x: the input: an array, a number or a Tensor.
        repeats: the number of repetitions of each element.
        axis: the axis to repeat along; None for the flattened input. Defaults to ``None``.
    """
    repeats = _raw(repeats)
    return _ops.regather(_tensor(x), lambda v: _xp().repeat(v, repeats, axis))


@symbolic_op
def take(x, indices, axis=None) -> Tensor:
    """The entries (slices along ``axis``) of x at ``indices`` (of the flattened x if None);
    d x adds up the gradients of each index taken.

    Args:
        x: the input: an array, a number or a Tensor.
        indices: the integer positions.
        axis: the axis to take along; None for the flattened input. Defaults to ``None``.

    Example:
        >>> numnet.ops.take([[1, 2], [3, 4]], [1, 1, 0], axis=0).tolist()
        [[3, 4], [3, 4], [1, 2]]
    """
    indices = _index(indices)
    return _ops.regather(_tensor(x), lambda v: _xp().take(v, indices, axis))


@symbolic_op
def take_along_axis(x, indices, axis=None) -> Tensor:
    """x[..., indices[..., i, ...], ...] along ``axis``: the entries picked per position by
    ``indices`` (of x's rank; of the flattened x if axis is None).

    Args:
        x: the input: an array, a number or a Tensor.
        indices: the integer positions.
        axis: the axis to take along; None for the flattened input. Defaults to ``None``.
    """
    indices = _index(indices)
    x = _tensor(x)
    if axis is None:
        x, axis = _ops.reshape(x, (-1,)), 0
    shape = list(_numpy.broadcast_shapes(
        tuple(1 if i == axis % x.ndim else n for i, n in enumerate(x.shape)),
        tuple(1 if i == axis % x.ndim else n for i, n in enumerate(indices.shape))))
    indices = _xp().broadcast_to(indices, tuple(shape[:axis % x.ndim])
                                 + (indices.shape[axis],) + tuple(shape[axis % x.ndim + 1:]))
    shape[axis % x.ndim] = x.shape[axis]
    x = broadcast_to(x, shape) if tuple(shape) != x.shape else x
    return _ops.regather(x, lambda v: _xp().take_along_axis(v, indices, axis))


_COPYING_PADS = ("constant", "edge", "reflect", "symmetric", "wrap")


@symbolic_op
def pad(x, pad_width, mode="constant", constant_values=None) -> Tensor:
    """x with ``pad_width`` = ((before, after), ...) entries added on each axis (NumPy's pad).

    ``mode``: "constant" (``constant_values``, default 0), "edge", "reflect", "symmetric",
    "wrap" (these pass the gradient back to the entries copied), or "maximum", "minimum",
    "mean", "median", "linear_ramp" (forward only: no gradient).

    Args:
        x: the input: an array, a number or a Tensor.
        pad_width: the padding before and after each axis: ((before, after), ...), or one pair for
            all.
        mode: the padding mode: 'constant', 'reflect', 'symmetric', 'edge', ... Defaults to
            ``'constant'``.
        constant_values: the value padded with in 'constant' mode. Defaults to ``None``.
    """
    x = _tensor(x)
    xp = _xp()
    width = _numpy.asarray(_raw(pad_width)).tolist()
    if mode == "constant":
        value = xp.pad(x.value, width, constant_values=constant_values or 0)
        return _ops.regather(x, lambda v: xp.pad(v, width), value)
    if constant_values is not None:
        raise ValueError(f"pad(constant_values={constant_values!r}) is for mode='constant', "
                         f"given mode={mode!r}; drop constant_values.")
    if mode in _COPYING_PADS:
        return _ops.regather(x, lambda v: xp.pad(v, width, mode=mode))
    return Tensor(xp.pad(x.value, width, mode=mode))


@symbolic_op
def flip(x, axis=None) -> Tensor:
    """x with the order of its entries reversed along ``axis`` (all axes if None).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reverse; None for all. Defaults to ``None``.
    """
    return _ops.regather(_tensor(x), lambda v: _xp().flip(v, _axis(axis)))


@symbolic_op
def roll(x, shift, axis=None) -> Tensor:
    """x shifted by ``shift`` along ``axis`` (of the flattened x if None), the entries that
    leave at one end coming back at the other.

    Args:
        x: the input: an array, a number or a Tensor.
        shift: how far to roll (per axis).
        axis: the axis (or axes) to roll; None for the flattened input. Defaults to ``None``.
    """
    return _ops.regather(_tensor(x), lambda v: _xp().roll(v, shift, _axis(axis)))


@symbolic_op
def broadcast_to(x, shape) -> Tensor:
    """x stretched to ``shape`` by NumPy's broadcasting; d x sums over the stretched axes.

    Args:
        x: the input: an array, a number or a Tensor.
        shape: the output's shape, a tuple of ints.
    """
    return _ops.broadcast_to(_tensor(x), tuple(shape))


@symbolic_op
def ndim(x) -> int:
    """The number of axes of x.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return len(_shape_of(x))


@symbolic_op
def size(x) -> int:
    """The number of entries of x.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return math.prod(_shape_of(x))


@symbolic_op
def moveaxis(x, source, destination) -> Tensor:
    """x with the axes ``source`` moved to the positions ``destination`` (the rest in order).

    Args:
        x: the input: an array, a number or a Tensor.
        source: the axes to move.
        destination: where they go.
    """
    x = _tensor(x)
    source = [a % x.ndim for a in ((source,) if isinstance(source, int) else source)]
    destination = [a % x.ndim for a in
                   ((destination,) if isinstance(destination, int) else destination)]
    order = [i for i in range(x.ndim) if i not in source]
    for where, axis in sorted(zip(destination, source, strict=True)):
        order.insert(where, axis)
    return _ops.transpose(x, tuple(order))


@symbolic_op
def swapaxes(x, axis1, axis2) -> Tensor:
    """x with axes ``axis1`` and ``axis2`` exchanged.

    Args:
        x: the input: an array, a number or a Tensor.
        axis1: the first axis of the 2-D planes.
        axis2: the second axis of the 2-D planes.
    """
    x = _tensor(x)
    order = list(range(x.ndim))
    order[axis1], order[axis2] = order[axis2], order[axis1]
    return _ops.transpose(x, tuple(order))


@symbolic_op
def meshgrid(*x, indexing="xy") -> list:
    """Coordinate grids from 1-D tensors: "xy" (Cartesian: the first two axes swapped) or "ij"
    (matrix) indexing, as NumPy's meshgrid.

    Args:
        x: the input: an array, a number or a Tensor.
        indexing: 'xy' (Cartesian) or 'ij' (matrix) indexing. Defaults to ``'xy'``.
    """
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid(indexing): expected 'xy' or 'ij', given {indexing!r}.")
    xs = [_ops.reshape(t, (-1,)) for t in _promote(*x)]
    shape = [t.size for t in xs]
    if indexing == "xy" and len(xs) > 1:
        shape[0], shape[1] = shape[1], shape[0]
    grids = []
    for i, t in enumerate(xs):
        where = (1 - i if i < 2 else i) if indexing == "xy" and len(xs) > 1 else i
        view = [1] * len(xs)
        view[where] = t.size
        grids.append(_ops.broadcast_to(_ops.reshape(t, tuple(view)), tuple(shape)))
    return grids


@symbolic_op
def diag(x, k=0) -> Tensor:
    """The diagonal ``k`` of a matrix, or a matrix with a vector on its diagonal ``k``.

    Args:
        x: the input: an array, a number or a Tensor.
        k: the diagonal: 0 the main one, k > 0 above it, k < 0 below it. Defaults to ``0``.
    """
    return _ops.regather(_tensor(x), lambda v: _xp().diag(v, k))


@symbolic_op
def diagonal(x, offset=0, axis1=0, axis2=1) -> Tensor:
    """The diagonal ``offset`` of the matrices on axes ``axis1``, ``axis2`` (moved last).

    Args:
        x: the input: an array, a number or a Tensor.
        offset: the diagonal: 0 the main one, > 0 above, < 0 below. Defaults to ``0``.
        axis1: the first axis of the 2-D planes. Defaults to ``0``.
        axis2: the second axis of the 2-D planes. Defaults to ``1``.
    """
    return _ops.regather(_tensor(x),
                         lambda v: _xp().diagonal(v, offset, axis1, axis2).copy())


@symbolic_op
def trace(x, offset=0, axis1=0, axis2=1) -> Tensor:
    """The sum of the diagonal ``offset`` of the matrices on axes ``axis1``, ``axis2``.

    Args:
        x: the input: an array, a number or a Tensor.
        offset: the diagonal: 0 the main one, > 0 above, < 0 below. Defaults to ``0``.
        axis1: the first axis of the 2-D planes. Defaults to ``0``.
        axis2: the second axis of the 2-D planes. Defaults to ``1``.
    """
    return sum(diagonal(x, offset, axis1, axis2), axis=-1)


# ----------------------------------------------------------------------------- products


@symbolic_op
def matmul(x1, x2) -> Tensor:
    """The matrix product x1 @ x2 (NumPy's rules for batches and vectors);
    d x1 = g x2^T, d x2 = x1^T g.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.matmul(*_promote(x1, x2))


@symbolic_op
def outer(x1, x2) -> Tensor:
    """out[i, j] = x1[i] * x2[j] (both flattened).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    a, b = _promote(x1, x2)
    return _ops.multiply(_ops.reshape(a, (-1, 1)), _ops.reshape(b, (1, -1)))


_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"


@symbolic_op
def tensordot(x1, x2, axes=2) -> Tensor:
    """The sum of x1 * x2 over the pairs of ``axes``: an int n (x1's last n with x2's first
    n) or two lists of axes.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
        axes: an int n (the last n axes of x1 with the first n of x2) or a pair of axis lists.
            Defaults to ``2``.
    """
    a, b = _promote(x1, x2)
    if isinstance(axes, int):
        pairs = (list(range(a.ndim - axes, a.ndim)), list(range(axes)))
    else:
        pairs = tuple([i] if isinstance(i, int) else list(i) for i in axes)
    left = list(_LETTERS[:a.ndim])
    right = list(_LETTERS[a.ndim:a.ndim + b.ndim])
    for i, j in zip(*pairs, strict=True):
        right[j % b.ndim] = left[i % a.ndim]
    summed = {left[i % a.ndim] for i in pairs[0]}
    out = [c for c in left if c not in summed] + [c for c in right if c not in summed]
    return _ops.einsum(f"{''.join(left)},{''.join(right)}->{''.join(out)}", a, b)


@symbolic_op
def dot(x1, x2) -> Tensor:
    """NumPy's dot: a product for scalars, matmul for vectors and matrices, otherwise the sum
    over x1's last axis and x2's second-to-last.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    a, b = _promote(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return _ops.multiply(a, b)
    if b.ndim <= 2:
        return _ops.matmul(a, b)
    return tensordot(a, b, ([a.ndim - 1], [b.ndim - 2]))


@symbolic_op
def einsum(subscripts, *operands, **kwargs) -> Tensor:
    """Einstein summation over ``operands`` by ``subscripts`` ("ij,jk->ik"), differentiable in
    each operand (except across an index repeated within one operand, such as "ii->i").

    Args:
        subscripts: the Einstein summation, e.g. 'ij,jk->ik'.
        operands: the arrays, one per term of ``subscripts``.
        **kwargs: further keyword arguments of the activation, as in ``numnet.activations``.

    Example:
        >>> numnet.ops.einsum("i,i->", [1.0, 2.0], [3.0, 4.0]).item()
        11.0
    """
    return _ops.einsum(subscripts, *_promote(*operands))


@symbolic_op
def slogdet(x) -> tuple:
    """(sign, log |det|) of each square matrix, stable where det over- or underflows.
    Forward only (no gradient).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    sign, logdet = _xp().linalg.slogdet(_float(x).value)
    return Tensor(sign), Tensor(logdet)


# ----------------------------------------------------------------------------- sorting


@symbolic_op
def argsort(x, axis=-1) -> Tensor:
    """The indices that sort x along ``axis`` (of the flattened x if None), int32, stable.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to sort along; None for the flattened input. Defaults to ``-1``.
    """
    value = _tensor(x).value
    if axis is None:
        value, axis = value.reshape(-1), 0
    return Tensor(_xp().argsort(value, axis=axis, kind="stable").astype("int32"))


@symbolic_op
def sort(x, axis=-1) -> Tensor:
    """x sorted along ``axis`` (of the flattened x if None); the gradient goes back to each
    entry's place.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to sort along; None for the flattened input. Defaults to ``-1``.
    """
    x = _tensor(x)
    if axis is None:
        x, axis = _ops.reshape(x, (-1,)), 0
    order = _xp().argsort(x.value, axis=axis, kind="stable")
    return _ops.regather(x, lambda v: _xp().take_along_axis(v, order, axis))


__all__ = [
    "abs", "absolute", "add", "all", "any", "arange", "arccos", "arccosh", "arcsin", "arcsinh",
    "arctan", "arctan2", "arctanh", "argmax", "argmin", "argsort", "broadcast_to", "ceil",
    "clip", "concatenate", "cos", "cosh", "count_nonzero", "cumprod", "cumsum", "diag",
    "diagonal", "divide", "dot", "einsum", "equal", "exp", "expand_dims", "expm1", "eye",
    "flip", "floor", "floor_divide", "full", "full_like", "greater", "greater_equal",
    "identity", "isfinite", "isinf", "isnan", "less", "less_equal", "linspace", "log", "log10",
    "log1p", "log2", "logaddexp", "logical_and", "logical_not", "logical_or", "logical_xor",
    "matmul", "max", "maximum", "mean", "meshgrid", "min", "minimum", "mod", "moveaxis",
    "multiply", "nan_to_num", "ndim", "negative", "not_equal", "ones", "ones_like", "outer",
    "pad", "power", "prod", "ravel", "reciprocal", "repeat", "reshape", "roll", "round", "sign",
    "sin", "sinh", "size", "slogdet", "sort", "split", "sqrt", "square", "squeeze", "stack", "std",
    "subtract", "sum", "swapaxes", "take", "take_along_axis", "tan", "tanh", "tensordot",
    "tile", "trace", "transpose", "tri", "tril", "triu", "true_divide", "var", "where", "zeros",
    "zeros_like",
]
