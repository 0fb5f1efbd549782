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
import operator

import numpy as _numpy

from .. import backend
from ..autodiff import ops as _ops
from ..autodiff.symbolic import _registry as _symbolic_registry
from ..autodiff.symbolic import any_symbolic as _any_symbolic
from ..autodiff.symbolic import symbolic_op
from ..autodiff.tensor import Tensor
from .core import (
    _axis,
    _dtype_of,
    _float,
    _index,
    _is_float,
    _promote,
    _raw,
    _static_ints,
    _tensor,
    cast,
)
from .core import vectorize as vectorize  # keras.ops.numpy.vectorize is keras.ops.vectorize


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
    return Tensor(_xp().zeros(_static_ints(shape), dtype=_default(dtype)))


@symbolic_op
def ones(shape, dtype=None) -> Tensor:
    """A tensor of ``shape`` filled with 1 (floatx unless ``dtype``).

    Args:
        shape: the output's shape, a tuple of ints.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
    """
    return Tensor(_xp().ones(_static_ints(shape), dtype=_default(dtype)))


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
    return Tensor(_xp().full(_static_ints(shape), _raw(fill_value), dtype=dtype))


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
    return Tensor(_xp().eye(_static_ints(N, "N"), _static_ints(M, "M"), _static_ints(k, "k"),
                            dtype=_default(dtype)))


@symbolic_op
def identity(n, dtype=None) -> Tensor:
    """The n x n identity matrix.

    Args:
        n: the size of the square matrix.
        dtype: the output's dtype; None for floatx. Defaults to ``None``.
    """
    return Tensor(_xp().eye(_static_ints(n, "n"), dtype=_default(dtype)))


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


def _bools_as_ints(x1, x2) -> tuple:
    """Two booleans as int32 (Keras's dtype for their quotients, remainders, powers and
    shifts; NumPy's would be int8); other operands as given."""
    a, b = _tensor(x1), _tensor(x2)
    if a.dtype == bool and b.dtype == bool:
        return _ops.cast(a, "int32"), _ops.cast(b, "int32")
    return x1, x2


@symbolic_op
def floor_divide(x1, x2) -> Tensor:
    """floor(x1 / x2) element-wise, in the inputs' dtype (no gradient, as in Keras); two
    booleans give int32.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.floor_divide(*_bools_as_ints(x1, x2))


@symbolic_op
def mod(x1, x2) -> Tensor:
    """x1 - floor(x1 / x2) x2 element-wise (the sign of x2, as Python's %);
    d x1 = 1, d x2 = -floor(x1 / x2).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    return _ops.mod(*_bools_as_ints(x1, x2))


@symbolic_op
def power(x1, x2) -> Tensor:
    """x1 ** x2 element-wise; d x1 = x2 x1^(x2 - 1), d x2 = x1^x2 log x1 (0 where x1 <= 0).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).

    Integers to negative integer powers give integers, as Keras's: 1 for a base of 1, +-1 for
    -1, else 0 (the fraction truncated).

    Example:
        >>> numnet.ops.power([1, 2, 3], 2).tolist()  # ints stay ints
        [1, 4, 9]
        >>> numnet.ops.power([2, -1, 1], -1).tolist()
        [0, -1, 1]

    Two booleans give int32, as Keras's.
    """
    x1, x2 = _bools_as_ints(x1, x2)
    base, exponent = _tensor(x1), _tensor(x2)
    if base.dtype.kind in "iu" and exponent.dtype.kind in "iu" and bool((exponent.value < 0).any()):
        xp = _xp()
        out = _ops.elementwise_power(base, Tensor(xp.abs(exponent.value)))
        b, e = xp.broadcast_arrays(base.value, exponent.value)
        inverse = xp.where(b == 1, 1, xp.where(b == -1, xp.where(e % 2 == 0, 1, -1), 0))
        return Tensor(xp.where(e < 0, inverse, out.value).astype(out.dtype))
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
    """x * x element-wise (booleans give int32, as Keras's); d x = 2 x.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    x = _tensor(x)
    return _ops.square(_ops.cast(x, "int32") if x.dtype == bool else x)


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


_ACCUMULATOR = {"bool": "int32", "int8": "int32", "int16": "int32", "uint8": "uint32",
                "uint16": "uint32"}


def _integers(x) -> Tensor:
    """x with bools as int32 (sums and products of bools count) and 8- or 16-bit integers
    widened to 32 bits, as Keras's (JAX's) sums and products: a uint8 image sums to uint32,
    not round modulo 256."""
    wide = _ACCUMULATOR.get(str(x.dtype))
    return _ops.cast(x, wide) if wide is not None else x


@symbolic_op
def sum(x, axis=None, keepdims=False) -> Tensor:  # noqa: A001 - Keras's name
    """The sum over ``axis`` (all axes if None); int32 and int64 stay in their dtype, bools
    and 8- or 16-bit ints sum as int32 (unsigned ones as uint32), as Keras's. d x = 1.

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
    """The product over ``axis``; ints stay ints (8- and 16-bit ones widened to 32 bits, as
    Keras's), bools give int32. d x = prod / x.

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
    x = _tensor(x)
    x = _ops.cast(x, "int32") if x.dtype == bool else x  # small ints stay, as Keras's
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
    return _ops.reshape(_tensor(x), _static_ints(newshape, "newshape"))


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
        repeats: the number of repetitions along each axis: an int, or a list, tuple, array or
            Tensor of ints (a multiples vector built with ops, as TensorFlow's tile takes).
    """
    repeats = _repeat_counts(repeats)
    return _ops.regather(_tensor(x), lambda v: _xp().tile(v, repeats))


def _repeat_counts(repeats):
    """Repetition counts as Python ints: an int, or a tuple of them from a sequence (whose
    entries may be 0-d Tensors) or from an integer array or Tensor."""
    if isinstance(repeats, (list, tuple)):
        return tuple(int(backend.to_numpy(r)) for r in repeats)
    counts = backend.to_numpy(repeats)
    if counts.dtype.kind not in "iub":
        raise TypeError(f"tile(repeats): expected integer counts, given {counts.dtype} values "
                        f"{counts.tolist()}; cast them to int32.")
    return int(counts) if counts.ndim == 0 else tuple(int(r) for r in counts.reshape(-1))


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
    return _ops.broadcast_to(_tensor(x), tuple(_static_ints(shape)))


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


# ============================================================================= more of keras.ops
# Creation and copies.


@symbolic_op
def array(x, dtype=None) -> Tensor:
    """``x`` as a tensor (Keras's dtype of ``x`` unless ``dtype``): as ``convert_to_tensor``.

    Args:
        x: the data: an array, a list, a number or a Tensor.
        dtype: the dtype wanted; None for Keras's (int32 for ints, floatx for floats).
            Defaults to ``None``.

    Example:
        >>> numnet.ops.array([1, 2]).dtype
        dtype('int32')
    """
    if dtype is not None:
        return _made(_raw(x), _numpy.dtype(dtype))
    return _made(_raw(x), _dtype_of(x))


@symbolic_op
def copy(x) -> Tensor:
    """A copy of ``x`` (its own memory); d x = 1.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.regather(_tensor(x), lambda v: v.copy())


@symbolic_op
def empty(shape, dtype=None) -> Tensor:
    """A tensor of ``shape`` (floatx unless ``dtype``) whose values are not to be relied on;
    numnet fills it with zeros.

    Args:
        shape: the output's shape, a tuple of ints.
        dtype: the output's dtype; None for floatx. Defaults to ``None``.
    """
    return zeros(shape, dtype)


@symbolic_op
def empty_like(x, dtype=None) -> Tensor:
    """An uninitialised tensor of ``x``'s shape and (unless ``dtype``) dtype (zeros in numnet).

    Args:
        x: the input: an array, a number or a Tensor.
        dtype: the output's dtype; None for x's. Defaults to ``None``.
    """
    return zeros(_shape_of(x), dtype or _dtype_of(x))


@symbolic_op
def geomspace(start, stop, num=50, endpoint=True, dtype=None, axis=0) -> Tensor:
    """``num`` values from ``start`` to ``stop`` evenly spaced on a log scale (a geometric
    progression); floatx unless ``dtype``.

    Args:
        start: the first value (nonzero).
        stop: the last value (included if ``endpoint``), of start's sign.
        num: the number of values. Defaults to ``50``.
        endpoint: include ``stop``. Defaults to ``True``.
        dtype: the output's dtype; None for floatx. Defaults to ``None``.
        axis: where the values run when start or stop is an array. Defaults to ``0``.

    Example:
        >>> numnet.ops.geomspace(1, 1000, 4).tolist()
        [1.0, 10.0, 100.0, 1000.0]
    """
    values = _xp().geomspace(_raw(start), _raw(stop), num, endpoint=endpoint, axis=axis)
    return _made(values, _default(dtype))


@symbolic_op
def logspace(start, stop, num=50, endpoint=True, base=10, dtype=None, axis=0) -> Tensor:
    """``base ** linspace(start, stop, num)``: values evenly spaced on a log scale.

    Args:
        start: the first exponent.
        stop: the last exponent (included if ``endpoint``).
        num: the number of values. Defaults to ``50``.
        endpoint: include ``stop``. Defaults to ``True``.
        base: the base of the powers. Defaults to ``10``.
        dtype: the output's dtype; None for floatx. Defaults to ``None``.
        axis: where the values run when start or stop is an array. Defaults to ``0``.

    Example:
        >>> numnet.ops.logspace(0, 2, 3).tolist()
        [1.0, 10.0, 100.0]
    """
    values = _xp().logspace(_raw(start), _raw(stop), num, endpoint=endpoint, base=base,
                            axis=axis)
    return _made(values, _default(dtype))


def _window_op(name, values, doc):
    def op(x) -> Tensor:
        return _made(values(int(_raw(x))), backend.floatx())

    op.__name__ = op.__qualname__ = name
    op.__doc__ = doc
    return symbolic_op(op)


_WINDOW_DOC = """The {what} window of ``x`` points (floatx), as NumPy's ``{name}``.

    Args:
        x: the number of points, an int.

    Example:
        >>> numnet.ops.{name}({example}
    """

hamming = _window_op("hamming", _numpy.hamming, _WINDOW_DOC.format(
    what="Hamming", name="hamming", example="5).shape\n        (5,)"))
hanning = _window_op("hanning", _numpy.hanning, _WINDOW_DOC.format(
    what="Hann", name="hanning", example="3).tolist()\n        [0.0, 1.0, 0.0]"))
blackman = _window_op("blackman", _numpy.blackman, _WINDOW_DOC.format(
    what="Blackman", name="blackman", example="5).shape\n        (5,)"))
bartlett = _window_op("bartlett", _numpy.bartlett, _WINDOW_DOC.format(
    what="Bartlett (triangular)", name="bartlett", example="3).tolist()\n        [0.0, 1.0, 0.0]"))


@symbolic_op
def kaiser(x, beta) -> Tensor:
    """The Kaiser window of ``x`` points with shape parameter ``beta`` (floatx).

    Args:
        x: the number of points, an int.
        beta: the shape: 0 is a rectangle, larger values narrow the window.

    Example:
        >>> numnet.ops.kaiser(3, 0.0).tolist()
        [1.0, 1.0, 1.0]
    """
    return _made(_numpy.kaiser(int(_raw(x)), float(_raw(beta))), backend.floatx())


# ----------------------------------------------------------------------------- more element-wise


def _unary_float(x, value, slope=None) -> Tensor:
    return _ops.unary(_float(x), value, slope)


@symbolic_op
def trunc(x) -> Tensor:
    """x rounded toward zero; ints stay ints (no gradient).

    Args:
        x: the input: an array, a number or a Tensor.

    Example:
        >>> numnet.ops.trunc([-1.7, 1.7]).tolist()
        [-1.0, 1.0]
    """
    return _ops.unary(_tensor(x), lambda v: _xp().trunc(v).astype(v.dtype, copy=False))


@symbolic_op
def fabs(x) -> Tensor:
    """|x| element-wise as a float (ints give floatx); d x = sign(x).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _ops.abs(_float(x))


@symbolic_op
def cbrt(x) -> Tensor:
    """The real cube root, also of negative x; d x = 1 / (3 cbrt(x)^2).

    Args:
        x: the input: an array, a number or a Tensor.

    Example:
        >>> numnet.ops.cbrt([-8.0, 1.0]).tolist()
        [-2.0, 1.0]
    """
    return _unary_float(x, lambda v: _xp().cbrt(v), lambda v, y: 1 / (3 * y * y))


@symbolic_op
def exp2(x) -> Tensor:
    """2 ** x element-wise; d x = 2^x ln 2.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return _unary_float(x, lambda v: _xp().exp2(v), lambda v, y: y * math.log(2))


@symbolic_op
def deg2rad(x) -> Tensor:
    """Degrees to radians, x * pi / 180; d x = pi / 180.

    Args:
        x: the input, in degrees.
    """
    return _unary_float(x, lambda v: _xp().deg2rad(v), lambda v, y: math.pi / 180)


@symbolic_op
def rad2deg(x) -> Tensor:
    """Radians to degrees, x * 180 / pi; d x = 180 / pi.

    Args:
        x: the input, in radians.
    """
    return _unary_float(x, lambda v: _xp().rad2deg(v), lambda v, y: 180 / math.pi)


@symbolic_op
def signbit(x) -> Tensor:
    """Whether the sign bit of each entry is set (negative numbers and -0.0), bool.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return Tensor(_xp().signbit(_tensor(x).value))


@symbolic_op
def isneginf(x) -> Tensor:
    """Whether each entry is -inf (bool).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return Tensor(_xp().isneginf(_tensor(x).value))


@symbolic_op
def isposinf(x) -> Tensor:
    """Whether each entry is +inf (bool).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return Tensor(_xp().isposinf(_tensor(x).value))


@symbolic_op
def isreal(x) -> Tensor:
    """Whether each entry has no imaginary part (bool; always true for real dtypes).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return Tensor(_xp().isreal(_tensor(x).value))


@symbolic_op
def real(x) -> Tensor:
    """The real part of each entry (x itself for real dtypes; d x = 1).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    x = _tensor(x)
    if x.dtype.kind != "c":
        return _ops.regather(x, lambda v: v.copy())
    return Tensor(_xp().real(x.value))


@symbolic_op
def imag(x) -> Tensor:
    """The imaginary part of each entry (zeros for real dtypes; no gradient).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    return Tensor(_xp().imag(_tensor(x).value).copy())


@symbolic_op
def conjugate(x) -> Tensor:
    """The complex conjugate element-wise (x itself for real dtypes; d x = 1).
    ``conj`` is the same op.

    Args:
        x: the input: an array, a number or a Tensor.
    """
    x = _tensor(x)
    if x.dtype.kind != "c":
        return _ops.regather(x, lambda v: v.copy())
    return Tensor(_xp().conjugate(x.value))


conj = conjugate


@symbolic_op
def angle(x) -> Tensor:
    """The argument of each (complex) entry in radians: 0 for x >= 0, pi for x < 0 when real;
    ints give floatx (no gradient for real x).

    Args:
        x: the input: an array, a number or a Tensor.
    """
    x = _tensor(x)
    if x.dtype.kind != "c":
        x = _float(x)
    return Tensor(_xp().angle(x.value).astype(x.dtype if x.dtype.kind == "f" else None))


@symbolic_op
def sinc(x) -> Tensor:
    """The normalised sinc, sin(pi x) / (pi x), 1 at 0; d x = (cos(pi x) - sinc(x)) / x.

    Args:
        x: the input: an array, a number or a Tensor.

    Example:
        >>> numnet.ops.sinc([0.0, 0.5]).tolist()
        [1.0, 0.6366197466850281]
    """
    xp = _xp()

    def slope(v, y):
        safe = xp.where(v == 0, 1, v)
        return xp.where(v == 0, 0, (xp.cos(math.pi * v) - y) / safe)

    return _unary_float(x, lambda v: xp.sinc(v), slope)


def _i1(v):
    """The modified Bessel function I1 (the derivative of I0) by its power series."""
    xp = _xp()
    half = v.astype(_numpy.float64) / 2
    term = half.copy()
    total = term.copy()
    for k in range(1, 200):
        term = term * half * half / (k * (k + 1))
        total = total + term
        if not bool(xp.any(xp.abs(term) > 1e-17 * xp.abs(total))):
            break
    return total.astype(v.dtype)


@symbolic_op
def i0(x) -> Tensor:
    """The modified Bessel function of the first kind, order 0; d x = I1(x).

    Args:
        x: the input: an array, a number or a Tensor.

    Example:
        >>> numnet.ops.i0([0.0]).tolist()
        [1.0]
    """
    return _unary_float(x, lambda v: _xp().i0(v.astype(_numpy.float64)).astype(v.dtype),
                        lambda v, y: _i1(v))


@symbolic_op
def hypot(x1, x2) -> Tensor:
    """sqrt(x1^2 + x2^2) without overflow; d x1 = x1 / h, d x2 = x2 / h.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).

    Example:
        >>> numnet.ops.hypot(3.0, 4.0).item()
        5.0
    """
    xp = _xp()

    def slope(u, h):
        return u / xp.where(h == 0, 1, h)

    return _ops.binary(*_floats(x1, x2), lambda a, b: xp.hypot(a, b),
                       lambda a, b, h: slope(a, h), lambda a, b, h: slope(b, h))


@symbolic_op
def logaddexp2(x1, x2) -> Tensor:
    """log2(2^x1 + 2^x2), computed stably; d x1 = 2^(x1 - out), d x2 = 2^(x2 - out).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).

    Example:
        >>> numnet.ops.logaddexp2(1.0, 1.0).item()
        2.0
    """
    xp = _xp()
    return _ops.binary(*_floats(x1, x2), lambda a, b: xp.logaddexp2(a, b),
                       lambda a, b, y: xp.exp2(a - y), lambda a, b, y: xp.exp2(b - y))


@symbolic_op
def divide_no_nan(x1, x2) -> Tensor:
    """x1 / x2, with 0 where x2 is 0 (no NaN, no inf); the gradient is 0 there too.

    Args:
        x1: the numerator: an array, a number or a Tensor.
        x2: the denominator (broadcast against the first).

    Example:
        >>> numnet.ops.divide_no_nan([1.0, 1.0], [2.0, 0.0]).tolist()
        [0.5, 0.0]
    """
    a, b = _floats(x1, x2)
    zero = b.value == 0
    safe = _ops.where(zero, _ops.cast(Tensor(_xp().ones((), b.dtype)), b.dtype), b)
    return _ops.where(zero, Tensor(_xp().zeros((), a.dtype)), _ops.divide(a, safe))


@symbolic_op
def fmod(x1, x2) -> Tensor:
    """The remainder of x1 / x2 with the sign of x1 (C's fmod, unlike ``mod``); ints stay ints.
    d x1 = 1, d x2 = -trunc(x1 / x2).

    Args:
        x1: the dividend: an array, a number or a Tensor.
        x2: the divisor (broadcast against the first).

    Example:
        >>> numnet.ops.fmod([-3, 3], 2).tolist()
        [-1, 1]
    """
    xp = _xp()
    a, b = _promote(x1, x2)
    if a.dtype == bool:
        a, b = _ops.cast(a, "int32"), _ops.cast(b, "int32")
    if not _is_float(a.dtype):
        return Tensor(xp.fmod(a.value, b.value))
    return _ops.binary(a, b, lambda u, v: xp.fmod(u, v), lambda u, v, y: 1,
                       lambda u, v, y: -xp.trunc(u / v))


def _nan_pick(first):
    """Slopes of fmax / fmin: the gradient goes to the entry picked (the non-NaN one)."""
    xp = _xp()

    def slope_a(u, v, y):
        return ((y == u) & ~xp.isnan(u)) | (xp.isnan(v) & xp.isnan(u) & first)

    def slope_b(u, v, y):
        return (y == v) & ~xp.isnan(v) & ~((y == u) & ~xp.isnan(u))

    return slope_a, slope_b


@symbolic_op
def fmax(x1, x2) -> Tensor:
    """The larger of x1 and x2 element-wise, ignoring a NaN (NaN only if both are); the gradient
    goes to the entry picked (to x1 if equal).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).

    Example:
        >>> numnet.ops.fmax([1.0, float("nan")], [2.0, 3.0]).tolist()
        [2.0, 3.0]
    """
    a, b = _promote(x1, x2)
    if not _is_float(a.dtype):
        return Tensor(_xp().fmax(a.value, b.value))
    return _ops.binary(a, b, lambda u, v: _xp().fmax(u, v), *_nan_pick(True))


@symbolic_op
def fmin(x1, x2) -> Tensor:
    """The smaller of x1 and x2 element-wise, ignoring a NaN (NaN only if both are).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
    """
    a, b = _promote(x1, x2)
    if not _is_float(a.dtype):
        return Tensor(_xp().fmin(a.value, b.value))
    return _ops.binary(a, b, lambda u, v: _xp().fmin(u, v), *_nan_pick(True))


@symbolic_op
def heaviside(x1, x2) -> Tensor:
    """The step function: 0 where x1 < 0, x2 where x1 == 0, 1 where x1 > 0, as a float
    (ints give floatx; no gradient).

    Args:
        x1: the input: an array, a number or a Tensor.
        x2: the value at x1 == 0.

    Example:
        >>> numnet.ops.heaviside([-1.0, 0.0, 2.0], 0.5).tolist()
        [0.0, 0.5, 1.0]
    """
    a, b = _floats(x1, x2)
    return Tensor(_xp().heaviside(a.value, b.value))


@symbolic_op
def ldexp(x1, x2) -> Tensor:
    """x1 * 2 ** x2 with integer exponents x2; d x1 = 2^x2.

    Args:
        x1: the mantissas (floats).
        x2: the exponents, ints.

    Example:
        >>> numnet.ops.ldexp(3.0, 2).item()
        12.0
    """
    exponent = _index(x2)
    return _unary_float(x1, lambda v: _xp().ldexp(v, exponent).astype(v.dtype, copy=False),
                        lambda v, y: _xp().ldexp(_xp().ones_like(v), exponent))


@symbolic_op
def nextafter(x1, x2) -> Tensor:
    """The next representable float after x1 in the direction of x2 (floats; no gradient).

    Args:
        x1: the start values.
        x2: the direction.
    """
    a, b = _floats(x1, x2)
    return Tensor(_xp().nextafter(a.value, b.value))


def _ints(x1, x2, fn) -> Tensor:
    a, b = _promote(x1, x2)
    return Tensor(fn(a.value, b.value))


@symbolic_op
def gcd(x1, x2) -> Tensor:
    """The greatest common divisor of integers element-wise.

    Args:
        x1: the first integers.
        x2: the second integers (broadcast).

    Example:
        >>> numnet.ops.gcd([12, 9], 6).tolist()
        [6, 3]
    """
    return _ints(x1, x2, _xp().gcd)


@symbolic_op
def lcm(x1, x2) -> Tensor:
    """The least common multiple of integers element-wise.

    Args:
        x1: the first integers.
        x2: the second integers (broadcast).
    """
    return _ints(x1, x2, _xp().lcm)


@symbolic_op
def bitwise_and(x, y) -> Tensor:
    """x & y on integers or bools.

    Args:
        x: the first operand (ints or bools).
        y: the second operand (broadcast).

    Example:
        >>> numnet.ops.bitwise_and([12], [10]).tolist()
        [8]
    """
    return _ints(x, y, _xp().bitwise_and)


@symbolic_op
def bitwise_or(x, y) -> Tensor:
    """x | y on integers or bools.

    Args:
        x: the first operand (ints or bools).
        y: the second operand (broadcast).
    """
    return _ints(x, y, _xp().bitwise_or)


@symbolic_op
def bitwise_xor(x, y) -> Tensor:
    """x ^ y on integers or bools.

    Args:
        x: the first operand (ints or bools).
        y: the second operand (broadcast).
    """
    return _ints(x, y, _xp().bitwise_xor)


@symbolic_op
def bitwise_invert(x) -> Tensor:
    """~x: every bit flipped (not, for bools). ``bitwise_not`` is the same op.

    Args:
        x: the input, ints or bools.

    Example:
        >>> numnet.ops.bitwise_invert([0, 1]).tolist()
        [-1, -2]
    """
    return Tensor(_xp().invert(_tensor(x).value))


bitwise_not = bitwise_invert


@symbolic_op
def bitwise_left_shift(x, y) -> Tensor:
    """x << y on integers. ``left_shift`` is the same op.

    Args:
        x: the integers shifted.
        y: by how many bits (broadcast).
    """
    return _ints(*_bools_as_ints(x, y), _xp().left_shift)


@symbolic_op
def bitwise_right_shift(x, y) -> Tensor:
    """x >> y on integers (arithmetic shift). ``right_shift`` is the same op.

    Args:
        x: the integers shifted.
        y: by how many bits (broadcast).
    """
    return _ints(*_bools_as_ints(x, y), _xp().right_shift)


left_shift = bitwise_left_shift
right_shift = bitwise_right_shift


@symbolic_op
def isclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    """Whether |x1 - x2| <= atol + rtol |x2| element-wise (bool); infinities of one sign are
    close, NaNs are close only with ``equal_nan``.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
        rtol: the relative tolerance. Defaults to ``1e-05``.
        atol: the absolute tolerance. Defaults to ``1e-08``.
        equal_nan: count NaN as close to NaN. Defaults to ``False``.

    Example:
        >>> numnet.ops.isclose([1.0, 1.1], 1.0).tolist()
        [True, False]
    """
    a, b = _promote(x1, x2)
    return Tensor(_xp().isclose(a.value, b.value, rtol=rtol, atol=atol, equal_nan=equal_nan))


@symbolic_op
def allclose(x1, x2, rtol=1e-05, atol=1e-08, equal_nan=False) -> Tensor:
    """Whether every entry is ``isclose``: a bool scalar tensor.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand (broadcast against the first).
        rtol: the relative tolerance. Defaults to ``1e-05``.
        atol: the absolute tolerance. Defaults to ``1e-08``.
        equal_nan: count NaN as close to NaN. Defaults to ``False``.
    """
    return Tensor(_xp().asarray(_xp().all(isclose(x1, x2, rtol, atol, equal_nan).value)))


@symbolic_op
def select(condlist, choicelist, default=0) -> Tensor:
    """Element-wise, the entry of the first choice whose condition holds, else ``default``;
    the gradient goes to the choice picked.

    Args:
        condlist: a list of bool tensors.
        choicelist: a list of tensors, one per condition (broadcast together).
        default: the value where no condition holds. Defaults to ``0``.

    Example:
        >>> x = numnet.ops.arange(4)
        >>> numnet.ops.select([x < 1, x > 2], [x, x * 10], -1).tolist()
        [0, -1, -1, 30]
    """
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: expected one choice per condition, given {len(condlist)} "
                         f"conditions and {len(choicelist)} choices.")
    *choices, out = _promote(*choicelist, default)
    for cond, choice in zip(reversed(condlist), reversed(choices), strict=True):
        out = _ops.where(backend.to_device(_raw(cond)).astype(bool), choice, out)
    return out


@symbolic_op
def get_item(x, key) -> Tensor:
    """``x[key]`` (ints, slices, None, Ellipsis, index arrays or a bool mask); d x adds the
    gradient of each entry taken.

    Args:
        x: the input: an array, a number or a Tensor.
        key: the index.
    """
    if isinstance(key, Tensor):
        key = key.value
    elif isinstance(key, tuple):
        key = tuple(k.value if isinstance(k, Tensor) else k for k in key)
    return _ops.getitem(_tensor(x), key)


@symbolic_op
def view(x, dtype=None) -> Tensor:
    """The same bytes read as ``dtype`` (a bit cast; the last axis rescales when the item
    sizes differ). No gradient.

    Args:
        x: the input: an array, a number or a Tensor.
        dtype: the dtype to read the bytes as; None keeps x's. Defaults to ``None``.

    Example:
        >>> numnet.ops.view(numnet.ops.array([1.0]), "int32").tolist()
        [1065353216]
    """
    value = _tensor(x).value
    return Tensor(value.copy() if dtype is None else value.view(_numpy.dtype(dtype)).copy())


__all__ += [
    "allclose", "angle", "array", "bartlett", "bitwise_and", "bitwise_invert",
    "bitwise_left_shift", "bitwise_not", "bitwise_or", "bitwise_right_shift", "bitwise_xor",
    "blackman", "cbrt", "conj", "conjugate", "copy", "deg2rad", "divide_no_nan", "empty",
    "empty_like", "exp2", "fabs", "fmax", "fmin", "fmod", "gcd", "geomspace", "get_item",
    "hamming", "hanning", "heaviside", "hypot", "i0", "imag", "isclose", "isneginf",
    "isposinf", "isreal", "kaiser", "lcm", "ldexp", "left_shift", "logaddexp2", "logspace",
    "nextafter", "rad2deg", "real", "right_shift", "select", "signbit",
    "sinc", "trunc", "view",
]


# ----------------------------------------------------------------------------- more reductions


@symbolic_op
def amax(x, axis=None, keepdims=False) -> Tensor:
    """The largest entry over ``axis`` (all if None): ``max`` without ``initial``.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None reduces all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return max(x, axis, keepdims)


@symbolic_op
def amin(x, axis=None, keepdims=False) -> Tensor:
    """The smallest entry over ``axis`` (all if None): ``min`` without ``initial``.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None reduces all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return min(x, axis, keepdims)


@symbolic_op
def ptp(x, axis=None, keepdims=False) -> Tensor:
    """The range max - min over ``axis`` ("peak to peak"); ints stay ints.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None reduces all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> numnet.ops.ptp([[1, 5], [2, 3]], axis=1).tolist()
        [4, 1]
    """
    x = _tensor(x)
    return subtract(max(x, axis, keepdims), min(x, axis, keepdims))


@symbolic_op
def average(x, axis=None, weights=None) -> Tensor:
    """The weighted mean sum(x w) / sum(w) over ``axis``; the plain mean without weights.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to average over; None for all. Defaults to ``None``.
        weights: x's shape, or 1-D along ``axis``; None for equal weights. Defaults to ``None``.

    Example:
        >>> numnet.ops.average([1.0, 2.0, 4.0], weights=[1.0, 1.0, 2.0]).item()
        2.75
    """
    if weights is None:
        return mean(x, axis)
    x, w = _floats(x, weights)
    if w.ndim == 1 and x.ndim > 1:
        if axis is None or isinstance(axis, (tuple, list)):
            raise ValueError("average(weights): 1-D weights need a single int axis of x, given "
                             f"axis={axis!r} for x of shape {x.shape}; pass weights of x's shape.")
        shape = [1] * x.ndim
        shape[axis] = w.shape[0]
        w = _ops.reshape(w, tuple(shape))
    axis = _axis(axis)
    return _ops.divide(_ops.sum(_ops.multiply(x, w), axis),
                       _ops.sum(_ops.broadcast_to(w, x.shape), axis))


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _rows_last(x: Tensor, axis):
    """x with the reduced axes moved to the end and merged: (..., n), and the kept shape."""
    if axis is None:
        return _ops.reshape(x, (-1,)), ()
    axes = sorted(a % x.ndim for a in ((axis,) if isinstance(axis, int) else axis))
    kept = [a for a in range(x.ndim) if a not in axes]
    moved = _ops.transpose(x, tuple(kept + axes))
    shape = tuple(x.shape[a] for a in kept)
    return _ops.reshape(moved, shape + (-1,)), shape


def _kept_dims(out: Tensor, x_shape, axis, lead: int) -> Tensor:
    """``out`` (lead axes, then the kept axes) with the reduced axes back as size 1."""
    rank = len(x_shape)
    axes = range(rank) if axis is None else \
        [a % rank for a in ((axis,) if isinstance(axis, int) else axis)]
    shape = list(out.shape[:lead]) + [1 if i in axes else n for i, n in enumerate(x_shape)]
    return _ops.reshape(out, tuple(shape))


def _quantile(x, q, axis, method, keepdims, skip_nan, where) -> Tensor:
    if method not in _QUANTILE_METHODS:
        raise ValueError(f"{where}(method): expected one of {_QUANTILE_METHODS}, given "
                         f"{method!r}.")
    xp = _xp()
    x = _float(x)
    q_value = _numpy.asarray(backend.to_numpy(_raw(q)), dtype=_numpy.float64)
    if q_value.ndim > 1:
        raise ValueError(f"{where}(q): expected a number or a 1-D list, given shape "
                         f"{q_value.shape}.")
    axis = _axis(axis)
    rows, kept = _rows_last(x, axis)
    ordered = sort(rows, axis=-1)  # NaNs last
    length = ordered.shape[-1]
    nan = xp.isnan(rows.value)
    count = (length - nan.sum(axis=-1)) if skip_nan else xp.full(kept, length)
    qs = xp.asarray(q_value.reshape(-1))
    position = qs * (count[..., None] - 1)  # (*kept, nq)
    low = xp.clip(xp.floor(position), 0, builtins.max(length - 1, 0)).astype("int64")
    high = xp.clip(xp.ceil(position), 0, builtins.max(length - 1, 0)).astype("int64")
    if method == "lower":
        high = low
    elif method == "higher":
        low = high
    elif method == "nearest":  # a tie (position k + 0.5) takes the lower entry, as Keras's
        low = high = xp.where(position - low <= 0.5, low, high)
    fraction = (position - xp.floor(position)) if method == "linear" else \
        xp.full(position.shape, 0.5 if method == "midpoint" else 0.0)
    fraction = Tensor(fraction.astype(x.dtype))
    below = take_along_axis(ordered, Tensor(low), axis=-1)
    above = take_along_axis(ordered, Tensor(high), axis=-1)
    out = _ops.add(below, _ops.multiply(_ops.subtract(above, below), fraction))
    invalid = (count[..., None] == 0) if skip_nan else nan.any(axis=-1)[..., None]
    invalid = xp.broadcast_to(invalid, out.shape)
    if bool(invalid.any()):
        out = _ops.where(invalid, Tensor(xp.asarray(xp.nan, dtype=x.dtype)), out)
    out = _ops.transpose(out, (out.ndim - 1, *range(out.ndim - 1)))  # (nq, *kept)
    lead = q_value.ndim
    if not lead:
        out = _ops.reshape(out, out.shape[1:])
    if keepdims:
        out = _kept_dims(out, x.shape, axis, lead)
    return out


@symbolic_op
def quantile(x, q, axis=None, method="linear", keepdims=False) -> Tensor:
    """The ``q``-th quantiles (0 <= q <= 1) of x over ``axis``; for a list of q the quantiles
    come first in the output. Differentiable: the gradient goes to the entries interpolated.

    Args:
        x: the input: an array, a number or a Tensor.
        q: a probability or a 1-D list of them, in [0, 1].
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        method: 'linear', 'lower', 'higher', 'midpoint' or 'nearest' (between two entries;
            halfway between two takes the lower, as Keras's). Defaults to ``'linear'``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> numnet.ops.quantile([1.0, 2.0, 3.0, 4.0], [0.25, 0.5]).tolist()
        [1.75, 2.5]
    """
    return _quantile(x, q, axis, method, keepdims, False, "quantile")


@symbolic_op
def percentile(x, q, axis=None, method="linear", keepdims=False) -> Tensor:
    """The ``q``-th percentiles (0 <= q <= 100) of x over ``axis``: ``quantile(x, q / 100)``.

    Args:
        x: the input: an array, a number or a Tensor.
        q: a percentage or a 1-D list of them, in [0, 100].
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        method: 'linear', 'lower', 'higher', 'midpoint' or 'nearest'. Defaults to ``'linear'``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> numnet.ops.percentile([1.0, 2.0, 3.0], 50).item()
        2.0
    """
    q = _numpy.asarray(backend.to_numpy(_raw(q)), dtype=_numpy.float64) / 100
    return _quantile(x, q, axis, method, keepdims, False, "percentile")


@symbolic_op
def median(x, axis=None, keepdims=False) -> Tensor:
    """The median over ``axis``: the middle entry, or the mean of the two middle ones.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> numnet.ops.median([3.0, 1.0, 4.0, 2.0]).item()
        2.5
    """
    return _quantile(x, 0.5, axis, "linear", keepdims, False, "median")


@symbolic_op
def nanquantile(x, q, axis=None, method="linear", keepdims=False) -> Tensor:
    """``quantile`` over the entries that are not NaN (NaN where all are).

    Args:
        x: the input: an array, a number or a Tensor.
        q: a probability or a 1-D list of them, in [0, 1].
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        method: 'linear', 'lower', 'higher', 'midpoint' or 'nearest'. Defaults to ``'linear'``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return _quantile(x, q, axis, method, keepdims, True, "nanquantile")


@symbolic_op
def nanpercentile(x, q, axis=None, method="linear", keepdims=False) -> Tensor:
    """``percentile`` over the entries that are not NaN.

    Args:
        x: the input: an array, a number or a Tensor.
        q: a percentage or a 1-D list of them, in [0, 100].
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        method: 'linear', 'lower', 'higher', 'midpoint' or 'nearest'. Defaults to ``'linear'``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    q = _numpy.asarray(backend.to_numpy(_raw(q)), dtype=_numpy.float64) / 100
    return _quantile(x, q, axis, method, keepdims, True, "nanpercentile")


@symbolic_op
def nanmedian(x, axis=None, keepdims=False) -> Tensor:
    """``median`` over the entries that are not NaN.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> numnet.ops.nanmedian([1.0, float("nan"), 3.0]).item()
        2.0
    """
    return _quantile(x, 0.5, axis, "linear", keepdims, True, "nanmedian")


def _without_nan(x: Tensor, fill) -> tuple:
    """x with its NaNs replaced by ``fill`` (no gradient to them), and where they were."""
    if not _is_float(x.dtype):
        return x, _xp().zeros(x.shape, bool)
    nan = _xp().isnan(x.value)
    return _ops.where(nan, Tensor(_xp().asarray(fill, dtype=x.dtype)), x), nan


@symbolic_op
def nansum(x, axis=None, keepdims=False) -> Tensor:
    """The sum over ``axis``, NaNs counted as 0.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> numnet.ops.nansum([1.0, float("nan"), 2.0]).item()
        3.0
    """
    return sum(_without_nan(_tensor(x), 0)[0], axis, keepdims)


@symbolic_op
def nanprod(x, axis=None, keepdims=False) -> Tensor:
    """The product over ``axis``, NaNs counted as 1.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return prod(_without_nan(_tensor(x), 1)[0], axis, keepdims)


@symbolic_op
def nanmean(x, axis=None, keepdims=False) -> Tensor:
    """The mean of the entries that are not NaN over ``axis`` (NaN where all are).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> numnet.ops.nanmean([1.0, float("nan"), 2.0]).item()
        1.5
    """
    x = _float(x)
    clean, nan = _without_nan(x, 0)
    axis = _axis(axis)
    count = (~nan).sum(axis=axis, keepdims=keepdims).astype(x.dtype)
    with _numpy.errstate(invalid="ignore", divide="ignore"):  # all NaN: 0 / 0 is NaN, wanted
        return _ops.divide(_ops.sum(clean, axis, keepdims), Tensor(count))


@symbolic_op
def nanvar(x, axis=None, keepdims=False) -> Tensor:
    """The variance (divided by n) of the entries that are not NaN over ``axis``.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    x = _float(x)
    centered = _ops.subtract(x, nanmean(x, axis, True))
    return nanmean(_ops.square(centered), axis, keepdims)


@symbolic_op
def nanstd(x, axis=None, keepdims=False) -> Tensor:
    """The standard deviation of the entries that are not NaN: sqrt(nanvar(x)).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return _ops.sqrt(nanvar(x, axis, keepdims))


def _nan_extreme(x, axis, keepdims, fill, pick):
    x = _tensor(x)
    clean, nan = _without_nan(x, fill)
    out = pick(clean, axis, keepdims)
    every = nan.all(axis=_axis(axis), keepdims=keepdims)
    if bool(_xp().any(every)):
        out = _ops.where(every, Tensor(_xp().asarray(_xp().nan, dtype=x.dtype)), out)
    return out


@symbolic_op
def nanmax(x, axis=None, keepdims=False) -> Tensor:
    """The largest entry that is not NaN over ``axis`` (NaN where all are).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.

    Example:
        >>> numnet.ops.nanmax([1.0, float("nan"), 2.0]).item()
        2.0
    """
    return _nan_extreme(x, axis, keepdims, -_numpy.inf, max)


@symbolic_op
def nanmin(x, axis=None, keepdims=False) -> Tensor:
    """The smallest entry that is not NaN over ``axis`` (NaN where all are).

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis (or axes) to reduce; None for all. Defaults to ``None``.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
    """
    return _nan_extreme(x, axis, keepdims, _numpy.inf, min)


@symbolic_op
def nanargmax(x, axis=None, keepdims=False) -> Tensor:
    """The index of the largest entry that is not NaN over ``axis`` (-1 where all are), int32.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to search along; None for the flattened input. Defaults to ``None``.
        keepdims: keep the reduced axis, with size 1. Defaults to ``False``.
    """
    return _nan_arg(x, axis, keepdims, -_numpy.inf, argmax)


@symbolic_op
def nanargmin(x, axis=None, keepdims=False) -> Tensor:
    """The index of the smallest entry that is not NaN over ``axis`` (-1 where all are), int32.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to search along; None for the flattened input. Defaults to ``None``.
        keepdims: keep the reduced axis, with size 1. Defaults to ``False``.
    """
    return _nan_arg(x, axis, keepdims, _numpy.inf, argmin)


def _nan_arg(x, axis, keepdims, fill, pick):
    x = _tensor(x)
    clean, nan = _without_nan(x, fill)
    out = pick(clean, axis, keepdims).value
    if axis is None:
        every = nan.all()
        every = every.reshape((1,) * x.ndim) if keepdims else every
    else:
        every = nan.all(axis=axis, keepdims=keepdims)
    return Tensor(_xp().where(every, -1, out).astype("int32"))


@symbolic_op
def nancumsum(x, axis=None, dtype=None) -> Tensor:
    """Running sums along ``axis`` (of the flattened x if None), NaNs counted as 0.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to accumulate along; None for the flattened input. Defaults to ``None``.
        dtype: the dtype of the result; None for x's. Defaults to ``None``.
    """
    return cumsum(_without_nan(_tensor(x), 0)[0], axis, dtype)


@symbolic_op
def nancumprod(x, axis=None, dtype=None) -> Tensor:
    """Running products along ``axis`` (of the flattened x if None), NaNs counted as 1.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis to accumulate along; None for the flattened input. Defaults to ``None``.
        dtype: the dtype of the result; None for x's. Defaults to ``None``.
    """
    return cumprod(_without_nan(_tensor(x), 1)[0], axis, dtype)


@symbolic_op
def diff(a, n=1, axis=-1) -> Tensor:
    """The ``n``-th differences along ``axis``: a[1:] - a[:-1], n times; ints stay ints.

    Args:
        a: the input: an array, a number or a Tensor.
        n: how many times to take differences. Defaults to ``1``.
        axis: the axis along which. Defaults to ``-1``.

    Example:
        >>> numnet.ops.diff([1, 4, 9, 16]).tolist()
        [3, 5, 7]
    """
    x = _tensor(a)
    head = (builtins.slice(None),) * (axis % x.ndim)
    for _ in range(n):
        later = _ops.getitem(x, head + (builtins.slice(1, None),))
        earlier = _ops.getitem(x, head + (builtins.slice(None, -1),))
        x = _ops.subtract(later, earlier) if x.dtype != bool else \
            Tensor(later.value != earlier.value)
    return x


@symbolic_op
def trapezoid(y, x=None, dx=1.0, axis=-1) -> Tensor:
    """The integral of ``y`` along ``axis`` by the trapezoidal rule, at sample points ``x``
    (or ``dx`` apart); differentiable in y and x.

    Args:
        y: the values to integrate.
        x: the sample points (1-D, or y's shape); None for points ``dx`` apart.
            Defaults to ``None``.
        dx: the spacing when ``x`` is None. Defaults to ``1.0``.
        axis: the axis to integrate along. Defaults to ``-1``.

    Example:
        >>> numnet.ops.trapezoid([1.0, 2.0, 3.0]).item()
        4.0
    """
    y = _float(y)
    head = (builtins.slice(None),) * (axis % y.ndim)
    heights = _ops.add(_ops.getitem(y, head + (builtins.slice(1, None),)),
                       _ops.getitem(y, head + (builtins.slice(None, -1),)))
    if x is None:
        widths = Tensor(_xp().asarray(float(_raw(dx)) / 2, dtype=y.dtype))
    else:
        x = _promote(y, x)[1] if _is_float(_dtype_of(x)) else cast(x, y.dtype)
        if x.ndim == 1 and y.ndim > 1:
            shape = [1] * y.ndim
            shape[axis] = x.shape[0]
            x = _ops.reshape(x, tuple(shape))
        widths = _ops.multiply(diff(x, 1, axis), 0.5)
    return _ops.sum(_ops.multiply(heights, widths), axis % y.ndim)


@symbolic_op
def corrcoef(x) -> Tensor:
    """The Pearson correlation coefficients of the rows of ``x`` (variables) over its columns
    (observations): a (rows, rows) matrix, clipped to [-1, 1]; differentiable.

    Args:
        x: a 1-D or 2-D tensor; each row a variable.

    Example:
        >>> numnet.ops.corrcoef([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]).tolist()
        [[1.0, -1.0], [-1.0, 1.0]]
    """
    x = _float(x)
    if x.ndim == 1:
        x = _ops.reshape(x, (1, -1))
    centered = _ops.subtract(x, _ops.mean(x, 1, True))
    cov = _ops.matmul(centered, _ops.transpose(centered))
    scale = _ops.sqrt(_ops.sum(_ops.square(centered), 1, True))
    out = _ops.clip(_ops.divide(cov, _ops.multiply(scale, _ops.transpose(scale))), -1.0, 1.0)
    return _ops.reshape(out, ()) if out.shape == (1, 1) else out


__all__ += [
    "amax", "amin", "average", "corrcoef", "diff", "median", "nanargmax", "nanargmin",
    "nancumprod", "nancumsum", "nanmax", "nanmean", "nanmedian", "nanmin", "nanpercentile",
    "nanprod", "nanquantile", "nanstd", "nansum", "nanvar", "percentile", "ptp", "quantile",
    "trapezoid",
]


# ----------------------------------------------------------------------------- joining, splitting


def _at_least(x: Tensor, rank: int) -> Tensor:
    if x.ndim >= rank:
        return x
    if rank == 1:
        return _ops.reshape(x, (1,))
    if rank == 2:
        return _ops.reshape(x, (1, -1) if x.ndim == 1 else (1, 1))
    shape = {0: (1, 1, 1), 1: (1, x.size, 1), 2: x.shape + (1,)}[x.ndim]
    return _ops.reshape(x, shape)


@symbolic_op
def vstack(xs) -> Tensor:
    """The tensors stacked as rows: joined along axis 0, 1-D ones as rows of a matrix.

    Args:
        xs: a list of tensors.

    Example:
        >>> numnet.ops.vstack([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
    """
    return _ops.concatenate([_at_least(t, 2) for t in _promote(*xs)], axis=0)


@symbolic_op
def hstack(xs) -> Tensor:
    """The tensors joined column-wise: along axis 1 (axis 0 for 1-D ones).

    Args:
        xs: a list of tensors (numbers count as 1-D ones; a single tensor is the list of its
            rows, as NumPy and Keras take it).

    Example:
        >>> numnet.ops.hstack([[1, 2], [3]]).tolist()
        [1, 2, 3]
    """
    xs = [_at_least(t, 1) for t in _promote(*xs)]
    return _ops.concatenate(xs, axis=0 if xs[0].ndim <= 1 else 1)


@symbolic_op
def dstack(xs) -> Tensor:
    """The tensors joined along the third axis (depth), 1-D and 2-D ones made 3-D first.

    Args:
        xs: a list of tensors.

    Example:
        >>> numnet.ops.dstack([[1, 2], [3, 4]]).shape
        (1, 2, 2)
    """
    return _ops.concatenate([_at_least(t, 3) for t in _promote(*xs)], axis=2)


@symbolic_op
def append(x1, x2, axis=None) -> Tensor:
    """x2 appended to x1 along ``axis`` (both flattened if None).

    Args:
        x1: the first tensor.
        x2: the values appended.
        axis: the axis to join along; None flattens both. Defaults to ``None``.

    Example:
        >>> numnet.ops.append([1, 2], [[3]]).tolist()
        [1, 2, 3]
    """
    a, b = _promote(x1, x2)
    if axis is None:
        a, b, axis = _ops.reshape(a, (-1,)), _ops.reshape(b, (-1,)), 0
    return _ops.concatenate([a, b], axis=axis)


@symbolic_op
def array_split(x, indices_or_sections, axis=0) -> list:
    """x cut along ``axis`` into that many parts (an int; the first size % n parts one longer)
    or at the indices of a list.

    Args:
        x: the input: an array, a number or a Tensor.
        indices_or_sections: a number of parts, or the positions to split at.
        axis: the axis to split along. Defaults to ``0``.

    Example:
        >>> [p.tolist() for p in numnet.ops.array_split([1, 2, 3, 4, 5], 3)]
        [[1, 2], [3, 4], [5]]
    """
    x = _tensor(x)
    if not isinstance(indices_or_sections, int):
        return split(x, indices_or_sections, axis)
    if indices_or_sections <= 0:
        raise ValueError(f"array_split(indices_or_sections): expected a positive number of parts, "
                         f"given {indices_or_sections}.")
    size = x.shape[axis]
    step, extra = divmod(size, indices_or_sections)
    sizes = [step + 1] * extra + [step] * (indices_or_sections - extra)
    cuts = _numpy.cumsum(sizes)[:-1].tolist()
    return split(x, cuts, axis)


def _split_on(x, indices_or_sections, axis, where, rank):
    x = _tensor(x)
    if x.ndim < rank:
        raise ValueError(f"{where}(x): expected a tensor of rank >= {rank}, given shape "
                         f"{x.shape}.")
    return split(x, indices_or_sections, axis)


@symbolic_op
def hsplit(x, indices_or_sections) -> list:
    """``split`` along axis 1 (axis 0 for a 1-D x).

    Args:
        x: the input: an array or a Tensor.
        indices_or_sections: a number of equal parts, or the positions to split at.
    """
    x = _tensor(x)
    return _split_on(x, indices_or_sections, 1 if x.ndim > 1 else 0, "hsplit", 1)


@symbolic_op
def vsplit(x, indices_or_sections) -> list:
    """``split`` along axis 0 of an x of rank >= 2.

    Args:
        x: the input: an array or a Tensor.
        indices_or_sections: a number of equal parts, or the positions to split at.
    """
    return _split_on(x, indices_or_sections, 0, "vsplit", 2)


@symbolic_op
def dsplit(x, indices_or_sections) -> list:
    """``split`` along axis 2 of an x of rank >= 3.

    Args:
        x: the input: an array or a Tensor.
        indices_or_sections: a number of equal parts, or the positions to split at.
    """
    return _split_on(x, indices_or_sections, 2, "dsplit", 3)


@symbolic_op
def fliplr(x) -> Tensor:
    """x with its columns (axis 1) in reverse order.

    Args:
        x: the input, of rank >= 2.
    """
    return flip(x, 1)


@symbolic_op
def flipud(x) -> Tensor:
    """x with its rows (axis 0) in reverse order.

    Args:
        x: the input, of rank >= 1.
    """
    return flip(x, 0)


@symbolic_op
def rot90(array, k=1, axes=(0, 1)) -> Tensor:
    """x rotated by 90 degrees ``k`` times in the plane of ``axes`` (from the first axis
    towards the second).

    Args:
        array: the input, of rank >= 2.
        k: how many quarter turns. Defaults to ``1``.
        axes: the two axes of the plane. Defaults to ``(0, 1)``.

    Example:
        >>> numnet.ops.rot90([[1, 2], [3, 4]]).tolist()
        [[2, 4], [1, 3]]
    """
    axes = tuple(axes)
    try:
        k = operator.index(k.item() if hasattr(k, "item") and getattr(k, "ndim", 1) == 0 else k)
    except TypeError:
        raise TypeError(f"rot90(k): expected an integer number of quarter turns, given "
                        f"{type(k).__name__} {k!r}.") from None
    return _ops.regather(_tensor(array), lambda v: _xp().rot90(v, k, axes).copy())


@symbolic_op
def diagflat(x, k=0) -> Tensor:
    """A square matrix with the flattened x on its diagonal ``k``.

    Args:
        x: the input: an array or a Tensor (flattened).
        k: the diagonal: 0 the main one, k > 0 above it, k < 0 below it. Defaults to ``0``.
    """
    return _ops.regather(_tensor(x), lambda v: _xp().diagflat(v, k))


@symbolic_op
def vander(x, N=None, increasing=False) -> Tensor:  # noqa: N803 - Keras's name
    """The Vandermonde matrix of a 1-D x: columns x^(N-1), ..., x, 1 (the reverse if
    ``increasing``); ints stay ints. d x = the powers' derivatives.

    Args:
        x: a 1-D tensor.
        N: the number of columns; None for len(x). Defaults to ``None``.
        increasing: powers increasing from the left. Defaults to ``False``.

    Example:
        >>> numnet.ops.vander([2, 3], 3).tolist()
        [[4, 2, 1], [9, 3, 1]]
    """
    x = _tensor(x)
    if x.ndim != 1:
        raise ValueError(f"vander(x): expected a 1-D tensor, given shape {x.shape}.")
    n = x.shape[0] if N is None else int(N)
    if x.dtype == bool:
        x = _ops.cast(x, "int32")
    powers = list(range(n)) if increasing else list(range(n - 1, -1, -1))
    if not _is_float(x.dtype):
        return Tensor(_xp().vander(x.value, n, increasing).astype(x.dtype))
    columns = [_ops.power(x, p) if p else _made(_xp().ones(x.shape), x.dtype) for p in powers]
    return _ops.stack(columns, axis=1)


# ----------------------------------------------------------------------------- more products


@symbolic_op
def kron(x1, x2) -> Tensor:
    """The Kronecker product: blocks x1[i, j] * x2, of shape x1.shape * x2.shape.

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand.

    Example:
        >>> numnet.ops.kron([1, 10], [1, 2]).tolist()
        [1, 2, 10, 20]
    """
    a, b = _promote(x1, x2)
    rank = builtins.max(a.ndim, b.ndim)
    a = _ops.reshape(a, (1,) * (rank - a.ndim) + a.shape)
    b = _ops.reshape(b, (1,) * (rank - b.ndim) + b.shape)
    left = tuple(n for m in a.shape for n in (m, 1))
    right = tuple(n for m in b.shape for n in (1, m))
    out = _ops.multiply(_ops.reshape(a, left), _ops.reshape(b, right))
    return _ops.reshape(out, tuple(m * n for m, n in zip(a.shape, b.shape, strict=True)))


@symbolic_op
def inner(x1, x2) -> Tensor:
    """The sum of products over the last axes of x1 and x2 (a product for scalars).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand.

    Example:
        >>> numnet.ops.inner([1, 2], [3, 4]).item()
        11
    """
    a, b = _promote(x1, x2)
    if a.ndim == 0 or b.ndim == 0:
        return multiply(a, b)
    if not _is_float(a.dtype):
        return Tensor(_xp().inner(a.value, b.value))
    return tensordot(a, b, ([a.ndim - 1], [b.ndim - 1]))


@symbolic_op
def vdot(x1, x2) -> Tensor:
    """The dot product of the flattened x1 and x2 (x1 conjugated if complex).

    Args:
        x1: the first operand: an array, a number or a Tensor.
        x2: the second operand, of as many entries.

    Example:
        >>> numnet.ops.vdot([[1, 2], [3, 4]], [1, 1, 1, 1]).item()
        10
    """
    a, b = _promote(x1, x2)
    return inner(_ops.reshape(a, (-1,)), _ops.reshape(b, (-1,)))


@symbolic_op
def cross(x1, x2, axisa=-1, axisb=-1, axisc=-1, axis=None) -> Tensor:
    """The cross product of 3-vectors (or 2-vectors, whose z is 0) along the given axes;
    differentiable in both.

    Args:
        x1: the first vectors, of size 2 or 3 along ``axisa``.
        x2: the second vectors, along ``axisb``.
        axisa: the vector axis of x1. Defaults to ``-1``.
        axisb: the vector axis of x2. Defaults to ``-1``.
        axisc: the vector axis of the result (for 3-vectors). Defaults to ``-1``.
        axis: if given, overrides the three axes. Defaults to ``None``.

    Example:
        >>> numnet.ops.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]).tolist()
        [0.0, 0.0, 1.0]
    """
    if axis is not None:
        axisa = axisb = axisc = axis
    a, b = _promote(x1, x2)
    a, b = moveaxis(a, axisa, -1), moveaxis(b, axisb, -1)
    for name, t in (("x1", a), ("x2", b)):
        if t.shape[-1] not in (2, 3):
            raise ValueError(f"cross({name}): expected vectors of size 2 or 3, given size "
                             f"{t.shape[-1]}.")

    def parts(t):
        got = [_ops.getitem(t, (Ellipsis, i)) for i in range(t.shape[-1])]
        return got if len(got) == 3 else got + [None]

    (a0, a1, a2), (b0, b1, b2) = parts(a), parts(b)

    def term(p, q, r, s):  # p q - r s, with None as 0
        left = None if p is None or q is None else _ops.multiply(p, q)
        right = None if r is None or s is None else _ops.multiply(r, s)
        if right is None:
            return left
        return _ops.negative(right) if left is None else _ops.subtract(left, right)

    z = term(a0, b1, a1, b0)
    if a2 is None and b2 is None:
        return z
    out = _ops.stack(_promote(term(a1, b2, a2, b1), term(a2, b0, a0, b2), z), axis=-1)
    return moveaxis(out, -1, axisc)


@symbolic_op
def correlate(x1, x2, mode="valid") -> Tensor:
    """The cross-correlation of two 1-D tensors, c[k] = sum_n x1[n + k] x2[n], as NumPy's;
    differentiable in both.

    Args:
        x1: the first 1-D tensor.
        x2: the second 1-D tensor.
        mode: 'valid' (only full overlaps), 'same' (the longer input's length, centred) or
            'full' (every overlap). Defaults to ``'valid'``.

    Example:
        >>> numnet.ops.correlate([1.0, 2.0, 3.0], [0.0, 1.0, 0.5]).tolist()
        [3.5]
    """
    if mode not in ("valid", "same", "full"):
        raise ValueError(f"correlate(mode): expected 'valid', 'same' or 'full', given {mode!r}.")
    a, v = _floats(x1, x2)
    if a.ndim != 1 or v.ndim != 1:
        raise ValueError(f"correlate: expected two 1-D tensors, given shapes {a.shape} and "
                         f"{v.shape}.")
    n, m = a.shape[0], v.shape[0]
    padded = _ops.concatenate([Tensor(_xp().zeros(m - 1, a.dtype)), a,
                               Tensor(_xp().zeros(m - 1, a.dtype))], axis=0)
    rows = _xp().arange(n + m - 1)[:, None] + _xp().arange(m)[None, :]
    full = _ops.matmul(_ops.getitem(padded, rows), v)  # k = -(m - 1) ... n - 1
    if mode == "full":
        return full
    length = builtins.max(n, m) if mode == "same" else builtins.max(n, m) - builtins.min(n, m) + 1
    start = (n + m - 1 - length) // 2 if mode == "same" else builtins.min(n, m) - 1
    if mode == "same" and m > n:
        start = (n + m - length) // 2
    return _ops.getitem(full, builtins.slice(start, start + length))


# ----------------------------------------------------------------------------- searching, counting


@symbolic_op
def argpartition(x, kth, axis=-1) -> Tensor:
    """Indices that partition x along ``axis`` around its ``kth`` entry: that entry in its
    sorted place, smaller ones before it, larger after (each side in any order); int32.

    Args:
        x: the input: an array, a number or a Tensor.
        kth: the position (or positions) put in sorted place.
        axis: the axis to partition along. Defaults to ``-1``.
    """
    return Tensor(_xp().argpartition(_tensor(x).value, kth, axis=axis).astype("int32"))


@symbolic_op
def searchsorted(sorted_sequence, values, side="left") -> Tensor:
    """Where each of ``values`` would go in the 1-D ascending ``sorted_sequence`` to keep it
    sorted (the first such place, or the last with side='right'); int32.

    Args:
        sorted_sequence: a 1-D ascending tensor.
        values: the values to place.
        side: 'left' or 'right': which place among equal entries. Defaults to ``'left'``.

    Example:
        >>> numnet.ops.searchsorted([1, 3, 5], [3, 4]).tolist()
        [1, 2]
    """
    if side not in ("left", "right"):
        raise ValueError(f"searchsorted(side): expected 'left' or 'right', given {side!r}.")
    seq, vals = _promote(sorted_sequence, values)
    if seq.ndim != 1:
        raise ValueError(f"searchsorted(sorted_sequence): expected a 1-D tensor, given shape "
                         f"{seq.shape}.")
    return Tensor(_xp().searchsorted(seq.value, vals.value, side=side).astype("int32"))


@symbolic_op
def digitize(x, bins) -> Tensor:
    """The index of the bin of each entry: i with bins[i - 1] <= x < bins[i] for ascending
    ``bins`` (0 below the first edge, len(bins) at or above the last); int32.

    Args:
        x: the input: an array, a number or a Tensor.
        bins: a 1-D tensor of ascending (or descending) edges.

    Example:
        >>> numnet.ops.digitize([0.5, 1.0, 2.5], [1.0, 2.0]).tolist()
        [0, 1, 2]
    """
    a, b = _promote(x, bins)
    return Tensor(_xp().digitize(a.value, b.value).astype("int32"))


@symbolic_op
def bincount(x, weights=None, minlength=0, sparse=False) -> Tensor:
    """How often each non-negative int occurs in ``x`` (or the sum of ``weights`` at them): a
    vector of length max(max(x) + 1, minlength); a 2-D x gives one row per row. int32, or the
    weights' dtype.

    Args:
        x: non-negative ints, 1-D or 2-D.
        weights: a weight per entry of x; None counts 1 each. Defaults to ``None``.
        minlength: the least length of the output. Defaults to ``0``.
        sparse: must be False (numnet's tensors are dense). Defaults to ``False``.

    Example:
        >>> numnet.ops.bincount([0, 2, 2]).tolist()
        [1, 0, 2]
    """
    if sparse:
        raise ValueError("bincount(sparse=True): numnet's tensors are dense; pass sparse=False.")
    xp = _xp()
    ids = _index(x)
    if ids.ndim not in (1, 2):
        raise ValueError(f"bincount(x): expected a 1-D or 2-D tensor, given shape {ids.shape}.")
    if ids.size and int(ids.min()) < 0:
        raise ValueError("bincount(x): expected non-negative ints, given a minimum of "
                         f"{int(ids.min())}.")
    length = builtins.max(int(ids.max()) + 1 if ids.size else 0, int(minlength))
    rows = ids if ids.ndim == 2 else ids[None]
    offsets = (xp.arange(rows.shape[0]) * length)[:, None]
    flat = (rows + offsets).reshape(-1)
    if weights is None:
        counts = xp.bincount(flat, minlength=rows.shape[0] * length).astype("int32")
        out = Tensor(counts.reshape(rows.shape[0], length))
    else:
        w = _tensor(weights)
        if w.dtype == bool:
            w = _ops.cast(w, "int32")
        out = _ops.segment_sum(_ops.reshape(_ops.broadcast_to(w, ids.shape), (-1,)), flat,
                               rows.shape[0] * length) if _is_float(w.dtype) else Tensor(
            xp.bincount(flat, w.value.reshape(-1), rows.shape[0] * length).astype(w.dtype))
        out = _ops.reshape(out, (rows.shape[0], length))
    return _ops.reshape(out, (length,)) if ids.ndim == 1 else out


@symbolic_op
def histogram(x, bins=10, range=None) -> tuple:  # noqa: A002 - Keras's name
    """(counts, edges): how many entries of a 1-D x fall in each of ``bins`` equal bins over
    ``range`` (x's min to max if None); both floatx, as Keras (bins + 1 edges).

    Args:
        x: a 1-D tensor.
        bins: the number of bins. Defaults to ``10``.
        range: (low, high) covered by the bins; None for x's range. Defaults to ``None``.

    Example:
        >>> counts, edges = numnet.ops.histogram([0.0, 0.5, 1.0], bins=2)
        >>> counts.tolist(), edges.tolist()
        ([1.0, 2.0], [0.0, 0.5, 1.0])
    """
    x = _float(x)
    if x.ndim != 1:
        raise ValueError(f"histogram(x): expected a 1-D tensor, given shape {x.shape}.")
    counts, edges = _xp().histogram(x.value, bins=bins, range=range)
    return Tensor(counts.astype(x.dtype)), Tensor(edges.astype(x.dtype))


@symbolic_op
def isin(x1, x2, assume_unique=False, invert=False) -> Tensor:
    """Whether each entry of x1 occurs in x2 (bool, x1's shape); the opposite with ``invert``.

    Args:
        x1: the entries to look up.
        x2: the values to look among.
        assume_unique: a hint that both hold unique values. Defaults to ``False``.
        invert: return "not in" instead. Defaults to ``False``.

    Example:
        >>> numnet.ops.isin([1, 2, 3], [2, 5]).tolist()
        [False, True, False]
    """
    a, b = _promote(x1, x2)
    return Tensor(_xp().isin(a.value, b.value, assume_unique=assume_unique, invert=invert))


@symbolic_op
def nonzero(x) -> tuple:
    """The indices of the nonzero entries of x: a tuple of one int32 tensor per axis.
    The output's length depends on the values, so in a functional model only its batch-free
    uses are shaped ahead of time.

    Args:
        x: the input: an array, a number or a Tensor.

    Example:
        >>> [i.tolist() for i in numnet.ops.nonzero([[0, 1], [2, 0]])]
        [[0, 1], [1, 0]]
    """
    return tuple(Tensor(i.astype("int32")) for i in _xp().nonzero(_tensor(x).value))


def unique(x, sorted=True, return_index=False, return_inverse=False,  # noqa: A002
           return_counts=False, axis=None, size=None, fill_value=None):
    """The distinct entries of x, sorted (of the flattened x, or the distinct slices along
    ``axis``), with optionally the index of each one's first occurrence, the inverse (x's entries
    as indices into the result) and the counts. Eager only: the output's shape depends on the
    values, so a call on a functional model's symbolic input raises ValueError.

    Args:
        x: the input: an array, a number or a Tensor.
        sorted: sort the distinct values (numnet always does). Defaults to ``True``.
        return_index: also return the first index of each. Defaults to ``False``.
        return_inverse: also return the inverse indices. Defaults to ``False``.
        return_counts: also return the counts. Defaults to ``False``.
        axis: the axis whose slices are compared; None flattens x. Defaults to ``None``.
        size: pad (with ``fill_value``, else the smallest value) or cut the result to this
            length. Defaults to ``None``.
        fill_value: the padding value when ``size`` is given. Defaults to ``None``.

    Example:
        >>> numnet.ops.unique([3, 1, 3, 2]).tolist()
        [1, 2, 3]
    """
    if _any_symbolic(x):
        raise ValueError("unique(x): the number of distinct values is known only from the "
                         "values, so unique cannot be a node of a functional model on a "
                         "symbolic input; call it on real tensors (eagerly), for example in a "
                         "data pipeline or a layer's eager code.")
    x = _tensor(x)
    value = x.value
    got = _xp().unique(value, return_index=True, return_inverse=True, return_counts=True,
                       axis=axis)
    values, first, inverse, counts = got
    if size is not None:
        n = values.shape[0 if axis is None else axis]
        if n < size:
            fill = values.min() if fill_value is None else fill_value
            width = [(0, 0)] * values.ndim
            width[0 if axis is None else axis] = (0, size - n)
            values = _xp().pad(values, width, constant_values=fill)
            first = _xp().pad(first, (0, size - n))
            counts = _xp().pad(counts, (0, size - n))
        else:
            values = _xp().take(values, _xp().arange(size), axis=0 if axis is None else axis)
            first, counts = first[:size], counts[:size]
    out = [Tensor(values.astype(x.dtype, copy=False))]
    if return_index:
        out.append(Tensor(first.astype("int32")))
    if return_inverse:
        shape = value.shape if axis is None else (value.shape[axis],)
        out.append(Tensor(inverse.reshape(shape).astype("int32")))
    if return_counts:
        out.append(Tensor(counts.astype("int32")))
    return out[0] if len(out) == 1 else tuple(out)


unique.op_name = "unique"  # a public op, but never a graph node (see the ValueError above)
_symbolic_registry.setdefault("unique", unique)


@symbolic_op
def unravel_index(indices, shape) -> tuple:
    """Flat indices into an array of ``shape`` as a tuple of coordinate tensors (int32).

    Args:
        indices: flat (row-major) indices.
        shape: the array's shape.

    Example:
        >>> [i.tolist() for i in numnet.ops.unravel_index([5, 1], (2, 3))]
        [[1, 0], [2, 1]]
    """
    got = _xp().unravel_index(_index(indices), tuple(int(n) for n in shape))
    return tuple(Tensor(_xp().asarray(i).astype("int32")) for i in got)


__all__ += [
    "append", "argpartition", "array_split", "bincount", "correlate", "cross", "diagflat",
    "digitize", "dsplit", "dstack", "fliplr", "flipud", "histogram", "hsplit", "hstack",
    "inner", "isin", "kron", "nonzero", "rot90", "searchsorted", "unique", "unravel_index",
    "vander", "vdot", "vectorize", "vsplit", "vstack",
]


# ----------------------------------------------------------------------------- second derivatives
# f'(x) of the element-wise functions above, written with differentiable ops, so that a
# gradient through them can be differentiated again (a tape inside a tape).


def _second_order_rules() -> None:
    from ..autodiff import higher

    one = 1.0

    def const(value, like):
        return Tensor(_xp().asarray(value, like.dtype))

    def inv_sqrt(t):
        return _ops.divide(const(1, t), _ops.sqrt(t))

    rules = {
        reciprocal: lambda x, y: _ops.negative(_ops.multiply(y, y)),
        expm1: lambda x, y: _ops.exp(x),
        log2: lambda x, y: _ops.divide(const(1 / math.log(2), x), x),
        log10: lambda x, y: _ops.divide(const(1 / math.log(10), x), x),
        sin: lambda x, y: cos(x),
        cos: lambda x, y: negative(sin(x)),
        tan: lambda x, y: add(one, multiply(y, y)),
        arcsin: lambda x, y: inv_sqrt(subtract(one, multiply(x, x))),
        arccos: lambda x, y: negative(inv_sqrt(subtract(one, multiply(x, x)))),
        arctan: lambda x, y: divide(one, add(one, multiply(x, x))),
        sinh: lambda x, y: cosh(x),
        cosh: lambda x, y: sinh(x),
        tanh: lambda x, y: subtract(one, multiply(y, y)),
        arcsinh: lambda x, y: inv_sqrt(add(multiply(x, x), one)),
        arccosh: lambda x, y: inv_sqrt(subtract(multiply(x, x), one)),
        arctanh: lambda x, y: divide(one, subtract(one, multiply(x, x))),
    }
    for function, derivative in rules.items():
        higher.register_unary(function, derivative)


_second_order_rules()
