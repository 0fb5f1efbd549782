"""TensorFlow's ``tf.experimental.numpy`` (``tnp``): NumPy's functions on numnet Tensors.

    import numnet as tf
    tnp = tf.experimental.numpy
    tnp.experimental_enable_numpy_behavior(prefer_float32=True)
    x = tnp.asarray([[1.0, 2.0], [3.0, 4.0]])       # a Tensor (tnp.ndarray is numnet's Tensor)
    tnp.sum(tnp.square(x - tnp.mean(x)))            # 5.0, differentiable under GradientTape

Every function computes through numnet's ops, so a GradientTape sees it; the dtypes are
NumPy's, as TensorFlow's tnp gives them: ``tnp.ones([2])`` is float64, ``tnp.asarray(1)`` int64,
``tnp.sum`` of int32 is int64, ``tnp.mean`` and ``tnp.sqrt`` of ints are float64, and a function
of two arrays promotes them with NumPy's rules (int32 with float32 is float64; a Python number
takes its partner's type where it fits). ``experimental_enable_numpy_behavior`` adds NumPy's
methods to Tensors (``x.reshape(-1)``, ``x.astype(tnp.float32)``, ``x.ravel()``, ...), and with
``prefer_float32=True`` Python floats become float32 rather than float64.

One difference from TensorFlow: TensorFlow's switch also makes the operators of every tensor
promote as NumPy does (``int32_tensor + float32_tensor`` is float64 there); numnet's operators
keep Keras's promotion (float32). The tnp functions (``tnp.add``, ``tnp.multiply``, ...) promote
as NumPy in both.

Why one file: tnp is a flat table of NumPy's names, each a line or two over numnet.ops.
"""

from __future__ import annotations

import builtins
import types

import numpy as np

from .. import backend
from .. import ops as _k
from ..autodiff import Tensor

_STATE = {"enabled": False, "prefer_float32": False}

ndarray = Tensor
newaxis = None
pi, e, inf, nan = np.pi, np.e, np.inf, np.nan
bool_, int8, int16, int32, int64 = np.bool_, np.int8, np.int16, np.int32, np.int64
uint8, uint16, uint32, uint64 = np.uint8, np.uint16, np.uint32, np.uint64
float16, float32, float64 = np.float16, np.float32, np.float64
complex64, complex128 = np.complex64, np.complex128
float_, complex_, int_ = np.float64, np.complex128, np.int64
dtype, iinfo, finfo, issubdtype = np.dtype, np.iinfo, np.finfo, np.issubdtype

_SCALARS = (builtins.bool, builtins.int, builtins.float, builtins.complex)


def experimental_enable_numpy_behavior(prefer_float32: builtins.bool = False,
                                       dtype_conversion_mode: str = "legacy") -> None:
    """Switch on NumPy's ways for Tensors: NumPy's methods on every Tensor (``reshape``,
    ``astype``, ``ravel``, ``flatten``, ``transpose``, ``clip``, ``max``, ``min``, ``mean``,
    ``round()``, unary ``+``; ``T``, ``ndim``, ``size`` and ``tolist`` are always there).

    Args:
        prefer_float32: Python floats (``tnp.asarray(1.0)``, ``tnp.linspace(0, 1, 3)``) become
            float32 rather than NumPy's float64. Defaults to False. Explicit NumPy arrays and
            dtypes keep theirs (``tnp.ones([2])`` stays float64, as in TensorFlow).
        dtype_conversion_mode: accepted for TensorFlow's signature ("legacy", "safe", "all").

    Example:
        >>> tnp = numnet.experimental.numpy
        >>> tnp.experimental_enable_numpy_behavior(prefer_float32=True)
        >>> tnp.ones([2, 3], dtype=tnp.float32).reshape(-1).shape
        (6,)
        >>> tnp.asarray(1.0).dtype
        dtype('float32')
        >>> tnp.experimental_enable_numpy_behavior()  # Python floats float64 again
    """
    _STATE["enabled"] = True
    _STATE["prefer_float32"] = builtins.bool(prefer_float32)
    for name, method in _METHODS.items():
        if name not in Tensor.__dict__:
            setattr(Tensor, name, method)


# ----------------------------------------------------------------------------- conversion


def _from_python(value) -> builtins.bool:
    """Whether ``value`` is Python data (numbers, nested lists), whose floats prefer_float32
    makes float32."""
    if isinstance(value, (list, tuple)):
        return builtins.all(_from_python(v) for v in value)
    return isinstance(value, _SCALARS)


def asarray(a, dtype=None) -> Tensor:
    """``a`` as a Tensor (tnp.ndarray) with NumPy's dtype: a Tensor as it is (cast when
    ``dtype`` differs), Python ints int64, Python floats float64 (float32 under
    ``prefer_float32``), NumPy arrays keep theirs; a list holding Tensors is stacked.

    Args:
        a: the data: a Tensor, array, number or (nested) list.
        dtype: the dtype wanted. Defaults to None (NumPy's).

    Example:
        >>> numnet.experimental.numpy.asarray([1, 2]).dtype
        dtype('int64')
    """
    if isinstance(a, Tensor):
        return a if dtype is None or a.dtype == np.dtype(dtype) else _k.cast(a, np.dtype(dtype))
    if isinstance(a, (list, tuple)) and builtins.any(isinstance(v, Tensor) for v in a):
        parts = [asarray(v) for v in a]
        out = _k.stack(_promoted(*parts), axis=0)
        return out if dtype is None else asarray(out, dtype)
    array_ = np.asarray(backend.to_numpy(a) if hasattr(a, "__cuda_array_interface__") else a,
                        dtype=None if dtype is None else np.dtype(dtype))
    if dtype is None and array_.dtype == np.float64 and _STATE["prefer_float32"] \
            and _from_python(a):
        array_ = array_.astype(np.float32)
    return Tensor(backend.to_device(array_))


def array(val, dtype=None, copy: builtins.bool = True, ndmin: int = 0) -> Tensor:
    """``val`` as a Tensor (see :func:`asarray`), with at least ``ndmin`` axes.

    Args:
        val: the data. dtype: the dtype wanted (NumPy's by default).
        copy: accepted (Tensors are immutable). Defaults to True.
        ndmin: the fewest axes the result has (ones are put in front). Defaults to 0.

    Example:
        >>> numnet.experimental.numpy.array(3.0, ndmin=2).shape
        (1, 1)
    """
    out = asarray(val, dtype)
    if out.ndim < ndmin:
        out = _k.reshape(out, (1,) * (ndmin - out.ndim) + tuple(out.shape))
    return out


asanyarray = asarray


def _dtype_of(value) -> np.dtype:
    return value.dtype if isinstance(value, (Tensor, np.ndarray)) else asarray(value).dtype


def result_type(*arrays_and_dtypes) -> np.dtype:
    """The dtype NumPy gives an operation on ``arrays_and_dtypes``: Tensors and arrays by their
    dtype, Python numbers weakly (``result_type(int32_array, 1.5)`` is float64,
    ``result_type(float32_array, 1.5)`` float32).

    Example:
        >>> tnp = numnet.experimental.numpy
        >>> tnp.result_type(tnp.ones([1], tnp.int32), tnp.ones([1], tnp.float32))
        dtype('float64')
    """
    strong = [a.dtype if isinstance(a, (Tensor, np.ndarray)) else np.dtype(a)
              for a in arrays_and_dtypes if not isinstance(a, _SCALARS)
              and not isinstance(a, (list, tuple))]
    weak = [a for a in arrays_and_dtypes if isinstance(a, _SCALARS)]
    lists = [asarray(a).dtype for a in arrays_and_dtypes if isinstance(a, (list, tuple))]
    if not strong and not lists:
        return np.result_type(*[asarray(a).dtype for a in weak])
    return np.result_type(*strong, *lists, *weak)


def _promoted(*values) -> list:
    """``values`` as Tensors of their NumPy result type."""
    common = result_type(*values)
    return [asarray(v, common) for v in values]


# ----------------------------------------------------------------------------- creation


def _creation_dtype(dtype, python_floats: builtins.bool = False):
    if dtype is None:
        return np.float32 if python_floats and _STATE["prefer_float32"] else np.float64
    return np.dtype(dtype)


def _host(values) -> Tensor:
    return Tensor(backend.to_device(values))


def _shape(shape) -> tuple:
    shape = getattr(shape, "value", shape)
    if isinstance(shape, (builtins.int, np.integer)):
        return (builtins.int(shape),)
    return tuple(builtins.int(s) for s in np.asarray(backend.to_numpy(shape)).reshape(-1))


def ones(shape, dtype=float) -> Tensor:
    """A Tensor of ``shape`` filled with 1, float64 unless ``dtype`` (NumPy's default).

    Example:
        >>> numnet.experimental.numpy.ones([2, 3]).dtype
        dtype('float64')
    """
    return _host(np.ones(_shape(shape), dtype=np.dtype(dtype)))


def zeros(shape, dtype=float) -> Tensor:
    """A Tensor of ``shape`` filled with 0, float64 unless ``dtype``.

    Example:
        >>> numnet.experimental.numpy.zeros(3).tolist()
        [0.0, 0.0, 0.0]
    """
    return _host(np.zeros(_shape(shape), dtype=np.dtype(dtype)))


empty = zeros


def full(shape, fill_value, dtype=None) -> Tensor:
    """A Tensor of ``shape`` filled with ``fill_value``, of its dtype unless ``dtype``.

    Example:
        >>> numnet.experimental.numpy.full([2], 3).tolist()
        [3, 3]
    """
    value = asarray(fill_value, dtype)
    return _k.broadcast_to(value, _shape(shape))


def ones_like(a, dtype=None) -> Tensor:
    """Ones of ``a``'s shape and dtype (or ``dtype``)."""
    a = asarray(a)
    return _host(np.ones(tuple(a.shape), dtype=a.dtype if dtype is None else np.dtype(dtype)))


def zeros_like(a, dtype=None) -> Tensor:
    """Zeros of ``a``'s shape and dtype (or ``dtype``)."""
    a = asarray(a)
    return _host(np.zeros(tuple(a.shape), dtype=a.dtype if dtype is None else np.dtype(dtype)))


def full_like(a, fill_value, dtype=None) -> Tensor:
    """``fill_value`` in ``a``'s shape, of ``a``'s dtype (or ``dtype``)."""
    a = asarray(a)
    return full(tuple(a.shape), fill_value, a.dtype if dtype is None else dtype)


def eye(N, M=None, k: int = 0, dtype=float) -> Tensor:  # noqa: N803 - NumPy's names
    """The N x M matrix with ones on diagonal ``k``, float64 unless ``dtype``."""
    return _host(np.eye(builtins.int(N), None if M is None else builtins.int(M), k,
                        dtype=np.dtype(dtype)))


def identity(n, dtype=float) -> Tensor:
    """The n x n identity matrix, float64 unless ``dtype``."""
    return eye(n, dtype=dtype)


def arange(start, stop=None, step=1, dtype=None) -> Tensor:
    """Values from ``start`` to ``stop`` (left out), ``step`` apart: int64 for ints, else
    float64 (float32 for Python floats under ``prefer_float32``), or ``dtype``.

    Example:
        >>> numnet.experimental.numpy.arange(1, 7, 2).tolist()
        [1, 3, 5]
    """
    values = np.arange(start, stop, step) if stop is not None else np.arange(0, start, step)
    if dtype is not None:
        values = values.astype(np.dtype(dtype))
    elif values.dtype == np.float64 and _STATE["prefer_float32"]:
        values = values.astype(np.float32)
    return _host(values)


def linspace(start, stop, num: int = 50, endpoint: builtins.bool = True,
             retstep: builtins.bool = False, dtype=float, axis: int = 0):
    """``num`` evenly spaced values from ``start`` to ``stop``; float64 (float32 under
    ``prefer_float32``) unless ``dtype``."""
    if dtype is float:
        dtype = _creation_dtype(None, python_floats=True)
    values, step = np.linspace(start, stop, num, endpoint, retstep=True, dtype=np.dtype(dtype),
                               axis=axis)
    return (_host(values), step) if retstep else _host(values)


def copy(a) -> Tensor:
    """A copy of ``a`` (the gradient flows through)."""
    return _k.copy(asarray(a))


# ----------------------------------------------------------------------------- NumPy's dtypes


def _out_dtype(name: str, *dtypes_) -> np.dtype:
    """The dtype NumPy's function ``name`` gives for arguments of ``dtypes_``."""
    probes = [np.ones((3, 3), d) for d in dtypes_]
    with np.errstate(all="ignore"):
        return np.asarray(getattr(np, name)(*probes)).dtype


def _unary(name: str, keras_fn, cast_first: builtins.bool = True):
    """NumPy's ``name`` of one array through ``keras_fn``, in NumPy's dtype: ints made float64
    (or int64 for sums) first where NumPy computes in that type."""
    def fn(x, *args, **kwargs):
        x = asarray(x)
        want = _out_dtype(name, x.dtype)
        if cast_first and want != x.dtype and (
                want.kind in "fc" or (want.kind in "iu" and x.dtype.kind in "biu")):
            x = _k.cast(x, want)  # computed in NumPy's type (a sum of int32 in int64)
        out = keras_fn(x, *args, **kwargs)
        return out if not isinstance(out, Tensor) or out.dtype == want else _k.cast(out, want)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"NumPy's ``{name}`` on a Tensor, array or number (numnet.ops.{name}), with "
                  "NumPy's result dtype; differentiable.")
    return fn


def _binary(name: str, keras_fn):
    """NumPy's ``name`` of two arrays: both promoted to NumPy's result type, then ``keras_fn``,
    the result in the dtype NumPy gives."""
    def fn(x1, x2, *args, **kwargs):
        x1, x2 = _promoted(x1, x2)
        want = _out_dtype(name, x1.dtype, x2.dtype)
        if want.kind in "fc" and x1.dtype != want:
            x1, x2 = _k.cast(x1, want), _k.cast(x2, want)
        out = keras_fn(x1, x2, *args, **kwargs)
        return out if out.dtype == want else _k.cast(out, want)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"NumPy's ``{name}`` of two Tensors, arrays or numbers (numnet.ops.{name}), "
                  "promoted as NumPy promotes them; differentiable.")
    return fn


def _reduction(name: str, keras_fn):
    def fn(a, axis=None, dtype=None, out=None, keepdims: builtins.bool = False, **kwargs):
        _no_out(out, name)
        a = asarray(a, dtype)
        want = _out_dtype(name, a.dtype)
        if want != a.dtype and want.kind != "b":
            a = _k.cast(a, want)
        out = keras_fn(a, axis=axis, keepdims=keepdims, **kwargs)
        return out if out.dtype == want else _k.cast(out, want)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"NumPy's ``{name}`` over ``axis`` (all axes if None), in NumPy's dtype "
                  f"(numnet.ops.{name}); differentiable.")
    return fn


def _extreme(name: str, reduce):
    def fn(a, axis=None, out=None, keepdims: builtins.bool = False, **kwargs):
        return reduce(a, axis, out=out, keepdims=keepdims, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = reduce.__doc__
    return fn


def _passing(name: str, keras_fn):
    """A function whose first argument is an array and whose dtype is the array's."""
    def fn(a, *args, **kwargs):
        return keras_fn(asarray(a), *args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"NumPy's ``{name}`` on a Tensor, array or number (numnet.ops.{name})."
    return fn


def _many(name: str, keras_fn):
    """A function of a sequence of arrays, promoted together."""
    def fn(arrays, *args, **kwargs):
        return keras_fn(_promoted(*arrays), *args, **kwargs)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"NumPy's ``{name}`` of a sequence of arrays, promoted together."
    return fn


_UNARY = ("sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan",
          "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh", "arccosh", "arctanh",
          "cbrt", "reciprocal", "deg2rad", "rad2deg", "sinc")
_SAME = ("abs", "absolute", "negative", "square", "sign", "floor", "ceil", "trunc", "isnan",
         "isinf", "isfinite", "logical_not", "conjugate", "conj", "real", "imag")
_BINARY = ("add", "subtract", "multiply", "divide", "true_divide", "floor_divide", "power",
           "mod", "maximum", "minimum", "arctan2", "hypot", "matmul", "dot", "inner", "outer",
           "vdot", "kron", "cross", "equal", "not_equal", "greater", "greater_equal", "less",
           "less_equal", "logical_and", "logical_or", "logical_xor", "logaddexp", "fmod",
           "heaviside", "isclose")
_REDUCTIONS = ("sum", "prod", "mean", "std", "var")
_EXTREMES = ("max", "min", "amax", "amin", "all", "any")  # NumPy's: no dtype argument
_SHAPING = ("reshape", "transpose", "expand_dims", "squeeze", "swapaxes", "moveaxis", "ravel",
            "flip", "fliplr", "flipud", "roll", "rot90", "tile", "repeat", "broadcast_to",
            "diag", "diagonal", "trace", "tril", "triu", "cumsum", "cumprod", "sort", "argsort",
            "argmax", "argmin", "nonzero", "count_nonzero", "take", "take_along_axis", "split",
            "array_split", "clip", "round", "nan_to_num", "pad", "ptp", "diff", "average",
            "median", "quantile", "percentile", "unique", "isreal", "diagflat")
_SEQUENCES = ("concatenate", "stack", "hstack", "vstack", "dstack")

_NAMES: dict = {}
for _name in _UNARY + _SAME:
    _NAMES[_name] = _unary(_name, getattr(_k, _name), cast_first=_name in _UNARY)
for _name in _BINARY:
    _NAMES[_name] = _binary(_name, getattr(_k, _name))
for _name in _REDUCTIONS:
    _NAMES[_name] = _reduction(_name, getattr(_k, _name))
for _name in _EXTREMES:
    _NAMES[_name] = _extreme(_name, _NAMES.get(_name) or _reduction(_name, getattr(_k, _name)))
for _name in _SHAPING:
    _NAMES[_name] = _passing(_name, getattr(_k, _name))
for _name in _SEQUENCES:
    _NAMES[_name] = _many(_name, getattr(_k, _name))
del _name
# ints summed as int64, averaged as float64; indices and counts int64, as NumPy's
for _name in ("cumsum", "cumprod", "average", "median", "trace", "argmax", "argmin", "argsort",
              "count_nonzero"):
    _NAMES[_name] = _unary(_name, getattr(_k, _name))


def _where(condition, x=None, y=None):
    """NumPy's ``where``: ``x`` where ``condition`` holds, else ``y`` (promoted together); with
    only ``condition``, the indices of its nonzero entries."""
    if x is None and y is None:
        return _k.where(asarray(condition))
    x, y = _promoted(x, y)
    return _k.where(asarray(condition), x, y)


def _einsum(subscripts, *operands, **kwargs):
    """NumPy's ``einsum`` of Tensors promoted together (numnet.ops.einsum)."""
    return _k.einsum(subscripts, *_promoted(*operands), **kwargs)


def _tensordot(a, b, axes=2):
    """NumPy's ``tensordot`` of two Tensors promoted together."""
    a, b = _promoted(a, b)
    return _k.tensordot(a, b, axes=axes)


def _size(a) -> int:
    return builtins.int(np.prod(asarray(a).shape, dtype=np.int64))


def _shape_of(a) -> tuple:
    return tuple(asarray(a).shape)


def _ndim(a) -> int:
    return asarray(a).ndim


def _allclose(a, b, rtol: float = 1e-5, atol: float = 1e-8) -> builtins.bool:
    return builtins.bool(np.allclose(np.asarray(asarray(a)), np.asarray(asarray(b)), rtol, atol))


def _array_equal(a1, a2) -> builtins.bool:
    return builtins.bool(np.array_equal(np.asarray(asarray(a1)), np.asarray(asarray(a2))))


def _around(a, decimals: int = 0) -> Tensor:
    return _k.round(asarray(a), decimals)


_NAMES.update(where=_where, einsum=_einsum, tensordot=_tensordot, size=_size, shape=_shape_of,
              ndim=_ndim, allclose=_allclose, array_equal=_array_equal, around=_around,
              result_type=result_type)


# ----------------------------------------------------------------------------- tnp.random


class _Random:
    """The generator behind ``tnp.random``: numnet's own until ``tnp.random.seed``."""

    generator: np.random.Generator | None = None

    @classmethod
    def get(cls) -> np.random.Generator:
        return cls.generator if cls.generator is not None else backend.rng()


def _seed(s) -> None:
    """Seed ``tnp.random``'s draws (``tnp.random.seed(1)``)."""
    _Random.generator = np.random.default_rng(builtins.int(s))


def _size_of(size) -> tuple:
    return () if size is None else _shape(size)


def _randn(*args) -> Tensor:
    """Standard normal values of shape ``args`` (``randn(2, 3)``), float64 as NumPy's."""
    return _host(_Random.get().standard_normal(tuple(builtins.int(a) for a in args)))


def _rand(*args) -> Tensor:
    """Uniform values in [0, 1) of shape ``args`` (``rand(2, 3)``), float64."""
    return _host(_Random.get().random(tuple(builtins.int(a) for a in args)))


def _uniform(low=0.0, high=1.0, size=None) -> Tensor:
    """Uniform values in [low, high) of shape ``size``, float64."""
    return _host(_Random.get().uniform(low, high, _size_of(size)))


def _standard_normal(size=None) -> Tensor:
    """Standard normal values of shape ``size``, float64."""
    return _host(_Random.get().standard_normal(_size_of(size)))


def _random(size=None) -> Tensor:
    """Uniform values in [0, 1) of shape ``size``, float64."""
    return _host(_Random.get().random(_size_of(size)))


def _randint(low, high=None, size=None, dtype=int) -> Tensor:
    """Integers in [low, high) (in [0, low) without ``high``) of shape ``size``, int64."""
    lo, hi = (0, low) if high is None else (low, high)
    return _host(_Random.get().integers(lo, hi, _size_of(size)).astype(np.dtype(dtype)))


def _poisson(lam=1.0, size=None) -> Tensor:
    """Poisson counts of rate ``lam`` of shape ``size``, int64."""
    return _host(_Random.get().poisson(lam, _size_of(size)).astype(np.int64))


random = types.ModuleType("numnet.experimental.numpy.random",
                          "tnp.random: NumPy's random functions (float64 draws), seeded by "
                          "tnp.random.seed.")
random.__dict__.update(seed=_seed, randn=_randn, rand=_rand, uniform=_uniform,
                       standard_normal=_standard_normal, random=_random, randint=_randint,
                       poisson=_poisson)
random.__all__ = sorted(n for n in random.__dict__ if not n.startswith("_"))


# ----------------------------------------------------------------------------- ndarray methods


def _no_out(out, name: str) -> None:
    if out is not None:
        raise TypeError(f"Tensor.{name}(out=...): Tensors are immutable, so there is no array "
                        f"to write into; given out={type(out).__name__}. Use the returned "
                        "Tensor instead.")


def _reshape_method(self, *shape, order: str = "C"):
    if len(shape) == 1 and not isinstance(shape[0], (builtins.int, np.integer)):
        shape = shape[0]
    return _k.reshape(self, _shape(shape))


def _transpose_method(self, *axes):
    if len(axes) == 1 and not isinstance(axes[0], (builtins.int, np.integer)):
        axes = axes[0]  # transpose((1, 0)) or NumPy's transpose(None)
    return _k.transpose(self, None if axes is None or len(axes) == 0 else tuple(axes))


def _clip_method(self, min=None, max=None, out=None, **kwargs):  # noqa: A002 - NumPy's names
    _no_out(out, "clip")
    return _k.clip(self, kwargs.get("a_min", min), kwargs.get("a_max", max))


def _reducing_method(name: str):
    def method(self, axis=None, dtype=None, out=None, keepdims=False, **kwargs):
        _no_out(out, name)  # (NumPy's np.mean(x) and np.max(x) call these methods)
        if dtype is not None:
            self = asarray(self, dtype)
        return _NAMES[name](self, axis, keepdims=builtins.bool(keepdims), **kwargs)

    method.__name__ = name
    return method


_METHODS = {
    "reshape": _reshape_method,
    "astype": lambda self, dtype, **kwargs: asarray(self, dtype),
    "ravel": lambda self, order="C": _k.reshape(self, (-1,)),
    "flatten": lambda self, order="C": _k.reshape(self, (-1,)),
    "transpose": _transpose_method,
    "clip": _clip_method,
    "max": _reducing_method("max"),
    "min": _reducing_method("min"),
    "mean": _reducing_method("mean"),
    "__round__": lambda self, ndigits=None: _k.round(self, ndigits or 0),
    "__pos__": lambda self: self,
}

# ----------------------------------------------------------------------------- more of NumPy
# NumPy's names that TensorFlow's tnp has too: thin wrappers with NumPy's semantics and dtypes.

inexact, object_, string_, unicode_ = np.inexact, np.object_, np.bytes_, np.str_

_NAMES["fix"] = _unary("fix", _k.trunc)
for _name in ("signbit", "isneginf", "isposinf", "bitwise_not", "positive"):
    _NAMES[_name] = _unary(_name, _k.copy if _name == "positive" else getattr(_k, _name),
                           cast_first=False)
for _name in ("bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm", "logaddexp2",
              "nextafter"):
    _NAMES[_name] = _binary(_name, getattr(_k, _name))
# TensorFlow's tnp.fabs keeps integer dtypes and float_power promotes as power does (int32
# stays int32), where NumPy goes to float64: TensorFlow's dtypes here
_NAMES["fabs"] = _unary("absolute", _k.abs, cast_first=False)
_NAMES["float_power"] = _binary("power", _k.power)
for _name in ("fabs", "float_power"):
    _NAMES[_name].__name__ = _NAMES[_name].__qualname__ = _name
_NAMES["remainder"] = _binary("remainder", _k.mod)
for _name in ("nansum", "nanprod", "nanmean"):
    _NAMES[_name] = _reduction(_name, getattr(_k, _name))
for _name in ("hsplit", "vsplit", "dsplit"):
    _NAMES[_name] = _passing(_name, getattr(_k, _name))
del _name


def _flatten(a, order: str = "C") -> Tensor:
    """``a`` as one axis (NumPy's ``ndarray.flatten``); differentiable."""
    return _k.reshape(asarray(a), (-1,))


def _ascontiguousarray(a, dtype=None) -> Tensor:
    """``a`` as a Tensor (Tensors are always contiguous), cast to ``dtype`` if given."""
    return asarray(a, dtype)


def _empty_like(prototype, dtype=None) -> Tensor:
    """Zeros of ``prototype``'s shape and dtype (or ``dtype``): Tensors have no uninitialized
    memory."""
    return zeros_like(prototype, dtype)


def _at_least(rank: int, arys: tuple):
    """Each array with ones added to reach ``rank`` axes, as NumPy places them (1-D (n,)
    becomes (1, n) and then (1, n, 1)); one array alone, else a list."""
    out = []
    for a in arys:
        a = asarray(a)
        shape = tuple(a.shape)
        if a.ndim < rank:
            if rank == 3 and a.ndim == 2:
                shape = shape + (1,)
            elif rank == 3 and a.ndim == 1:
                shape = (1,) + shape + (1,)
            else:
                shape = (1,) * (rank - a.ndim) + shape
            a = _k.reshape(a, shape)
        out.append(a)
    return out[0] if len(out) == 1 else out


def _atleast_1d(*arys):
    """Each argument with at least one axis (a scalar becomes shape (1,))."""
    return _at_least(1, arys)


def _atleast_2d(*arys):
    """Each argument with at least two axes: (n,) becomes (1, n)."""
    return _at_least(2, arys)


def _atleast_3d(*arys):
    """Each argument with at least three axes: (n,) becomes (1, n, 1), (m, n) (m, n, 1).

    Example:
        >>> numnet.experimental.numpy.atleast_3d([1, 2]).shape
        (1, 2, 1)
    """
    return _at_least(3, arys)


def _broadcast_arrays(*args, subok: builtins.bool = False):
    """The arguments broadcast to their common shape (each keeps its dtype)."""
    tensors = [asarray(a) for a in args]
    shape = np.broadcast_shapes(*(tuple(t.shape) for t in tensors))
    return [_k.broadcast_to(t, shape) for t in tensors]


def _compress(condition, a, axis=None) -> Tensor:
    """The slices of ``a`` along ``axis`` (of the flattened ``a`` when None) where
    ``condition`` is true (a shorter condition leaves the rest out, as NumPy).

    Example:
        >>> numnet.experimental.numpy.compress([True, False, True], [7, 8, 9]).tolist()
        [7, 9]
    """
    keep = np.flatnonzero(np.asarray(backend.to_numpy(asarray(condition).value)).astype(bool))
    a = asarray(a)
    if axis is None:
        a, axis = _k.reshape(a, (-1,)), 0
    return _k.take(a, _host(keep.astype(np.int64)), axis=axis)


def _diag_indices(n, ndim: int = 2) -> tuple:
    """The indices of the main diagonal of an n x ... x n array: ``ndim`` int32 aranges (as
    TensorFlow's tnp gives them; NumPy's are int64)."""
    index = _host(np.arange(builtins.int(n), dtype=np.int32))
    return (index,) * builtins.int(ndim)


def _divmod(x1, x2) -> tuple:
    """(floor_divide(x1, x2), remainder(x1, x2)), promoted as NumPy promotes them.

    Example:
        >>> q, r = numnet.experimental.numpy.divmod([7, -7], 3)
        >>> q.tolist(), r.tolist()
        ([2, -3], [1, 2])
    """
    return _NAMES["floor_divide"](x1, x2), _NAMES["mod"](x1, x2)


def _iscomplex(x) -> Tensor:
    """Whether each element has a nonzero imaginary part (all False for real dtypes)."""
    x = asarray(x)
    if x.dtype.kind != "c":
        return _host(np.zeros(tuple(x.shape), dtype=bool))
    return _k.not_equal(_k.imag(x), 0)


def _iscomplexobj(x) -> builtins.bool:
    """Whether ``x``'s dtype is complex."""
    return _dtype_of(x).kind == "c"


def _isrealobj(x) -> builtins.bool:
    """Whether ``x``'s dtype is not complex."""
    return _dtype_of(x).kind != "c"


def _isscalar(num) -> builtins.bool:
    """Whether ``num`` is one number: a Python or NumPy scalar, or a Tensor of rank 0 (as
    TensorFlow's tnp answers; NumPy says False for 0-d arrays).

    Example:
        >>> tnp = numnet.experimental.numpy
        >>> tnp.isscalar(tnp.asarray(1.0)), tnp.isscalar([1.0])
        (True, False)
    """
    if isinstance(num, Tensor):
        return num.ndim == 0
    return builtins.bool(np.isscalar(num))


def _ix_(*args) -> tuple:
    """An open mesh: argument i (1-D) reshaped to length n along axis i and 1 elsewhere, so
    that ``a[ix_(rows, cols)]`` picks a cross product of indices (bool arguments give their
    true positions).

    Example:
        >>> [t.shape for t in numnet.experimental.numpy.ix_([0, 1], [2, 0, 1])]
        [(2, 1), (1, 3)]
    """
    out = []
    for i, arg in enumerate(args):
        x = asarray(arg)
        if x.ndim != 1:
            raise ValueError(f"ix_(args[{i}]): expected a 1-D sequence, given shape "
                             f"{tuple(x.shape)}.")
        if x.dtype == np.bool_:
            x = _host(np.flatnonzero(np.asarray(backend.to_numpy(x.value))).astype(np.int64))
        shape = [1] * len(args)
        shape[i] = x.shape[0]
        out.append(_k.reshape(x, tuple(shape)))
    return tuple(out)


def _polyval(p, x) -> Tensor:
    """The polynomial with coefficients ``p`` (highest power first) at ``x``, by Horner's
    rule, promoted as NumPy; differentiable.

    Example:
        >>> numnet.experimental.numpy.polyval([1, 2, 3], [0, 1, 2]).tolist()  # x^2 + 2x + 3
        [3, 6, 11]
    """
    p = asarray(p)
    x, p = _promoted(x, p)
    out = _k.zeros_like(x)
    for i in range(p.shape[0]):
        out = _k.add(_k.multiply(out, x), _k.take(p, i))
    return out


def _promote_types(type1, type2) -> np.dtype:
    """NumPy's smallest dtype both convert to safely (int32 with float32 is float64)."""
    return np.promote_types(type1, type2)


def _append(arr, values, axis=None) -> Tensor:
    """``values`` put after ``arr`` (both flattened when ``axis`` is None), promoted.

    Example:
        >>> numnet.experimental.numpy.append([[1, 2]], [3]).tolist()
        [1, 2, 3]
    """
    arr, values = _promoted(arr, values)
    return _k.append(arr, values, axis=axis)


def _meshgrid(*xi, **kwargs) -> list:
    """Coordinate arrays from 1-D vectors (``indexing="xy"`` by default, or "ij"), each keeping
    its dtype.

    Example:
        >>> xs, ys = numnet.experimental.numpy.meshgrid([1, 2, 3], [10, 20])
        >>> xs.tolist(), ys.tolist()
        ([[1, 2, 3], [1, 2, 3]], [[10, 10, 10], [20, 20, 20]])
    """
    tensors = [asarray(x) for x in xi]
    grids = _k.meshgrid(*tensors, **kwargs)
    return [g if g.dtype == t.dtype else _k.cast(g, t.dtype) for g, t in zip(grids, tensors)]


def _select(condlist, choicelist, default=0) -> Tensor:
    """From the first true condition's choice at each position, else ``default``; the choices
    promoted together.

    Example:
        >>> tnp = numnet.experimental.numpy
        >>> x = tnp.asarray([0, 1, 2, 3])
        >>> tnp.select([x < 1, x > 2], [x, x * 10], default=-1).tolist()
        [0, -1, -1, 30]
    """
    choices = _promoted(*choicelist, default)
    conditions = [asarray(c, np.bool_) for c in condlist]
    return _k.select(conditions, choices[:-1], choices[-1])


def _tri(N, M=None, k: int = 0, dtype=None) -> Tensor:  # noqa: N803 - NumPy's names
    """The N x M matrix with ones at and below diagonal ``k``, float64 unless ``dtype``.

    Example:
        >>> numnet.experimental.numpy.tri(2).tolist()
        [[1.0, 0.0], [1.0, 1.0]]
    """
    return _host(np.tri(builtins.int(N), None if M is None else builtins.int(M), builtins.int(k),
                        dtype=np.dtype(float if dtype is None else dtype)))


def _vander(x, N=None, increasing: builtins.bool = False) -> Tensor:  # noqa: N803
    """The Vandermonde matrix of ``x``: columns x**(N-1), ..., x, 1 (the reverse when
    ``increasing``), in ``x``'s dtype as TensorFlow's tnp (NumPy makes int32 int64);
    differentiable.

    Example:
        >>> numnet.experimental.numpy.vander([1, 2, 3]).tolist()
        [[1, 1, 1], [4, 2, 1], [9, 3, 1]]
    """
    x = asarray(x)
    out = _k.vander(x, N, increasing)
    return out if out.dtype == x.dtype else _k.cast(out, x.dtype)


def _angle(z, deg: builtins.bool = False) -> Tensor:
    """The argument of each complex number, in radians (degrees with ``deg``): 0 or pi for
    reals; float32 for complex64 / float32, else float64 (NumPy's dtype).

    Example:
        >>> print(f"{float(numnet.experimental.numpy.angle(1j)):.4f}")
        1.5708
    """
    z = asarray(z)
    want = _out_dtype("angle", z.dtype)
    out = _k.angle(z if z.dtype.kind in "fc" else _k.cast(z, want))
    out = out if out.dtype == want else _k.cast(out, want)
    return _k.multiply(out, 180.0 / np.pi) if deg else out


def _logspace(start, stop, num: int = 50, endpoint: builtins.bool = True, base=10.0,
              dtype=None, axis: int = 0) -> Tensor:
    """``num`` values base ** t for t evenly spaced from ``start`` to ``stop``; float64
    (float32 under ``prefer_float32``) unless ``dtype``."""
    return _host(np.logspace(start, stop, builtins.int(num), endpoint, base,
                             dtype=_creation_dtype(dtype, python_floats=True), axis=axis))


def _geomspace(start, stop, num: int = 50, endpoint: builtins.bool = True, dtype=None,
               axis: int = 0) -> Tensor:
    """``num`` values from ``start`` to ``stop`` evenly spaced on a log scale; float64
    (float32 under ``prefer_float32``) unless ``dtype``."""
    return _host(np.geomspace(start, stop, builtins.int(num), endpoint,
                              dtype=_creation_dtype(dtype, python_floats=True), axis=axis))


_NAMES.update(
    flatten=_flatten, ascontiguousarray=_ascontiguousarray, empty_like=_empty_like,
    atleast_1d=_atleast_1d, atleast_2d=_atleast_2d, atleast_3d=_atleast_3d,
    broadcast_arrays=_broadcast_arrays, compress=_compress, diag_indices=_diag_indices,
    divmod=_divmod, iscomplex=_iscomplex, iscomplexobj=_iscomplexobj, isrealobj=_isrealobj,
    isscalar=_isscalar, ix_=_ix_, polyval=_polyval, promote_types=_promote_types,
    append=_append, meshgrid=_meshgrid, angle=_angle, select=_select, tri=_tri, vander=_vander,
    logspace=_logspace, geomspace=_geomspace)

globals().update(_NAMES)

TNP = {name: value for name, value in globals().items()
       if not name.startswith("_") and name not in (
           "annotations", "builtins", "types", "np", "backend", "Tensor", "TNP")}
