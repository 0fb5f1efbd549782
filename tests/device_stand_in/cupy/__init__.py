"""A strict stand-in for CuPy on a machine without a GPU, for testing only.

Its arrays hold NumPy arrays but behave as CuPy's do where numnet's device rules matter:

- a NumPy array (of any rank) given to one of its functions, ufuncs or ``out=`` raises
  TypeError, as CuPy raises for host data passed to device code;
- ``numpy.asarray(device_array)`` raises TypeError (CuPy forbids implicit conversion); host copies
  come from ``.get()`` or ``cupy.asnumpy``;
- reductions give 0-d device arrays, not NumPy scalars, and indexing down to one element gives
  a 0-d view of it (``old = a[i]; a[i] = 5`` changes ``old``, as in CuPy);
- assigning a non-scalar NumPy array into a device array raises, as CuPy's fill does.

``tests/test_device.py`` runs the engine, optimizer and fit test modules with this module first
on the path and ``NUMNET_DEVICE=gpu``, so that code computing with NumPy on device data fails on
every machine, not only on one with a GPU. It compiles no kernels: ``ElementwiseKernel`` is
missing, so numnet's GPU kernels decline and the array path runs.
"""

from __future__ import annotations

import types as _types

import numpy as _np
from numpy.lib.mixins import NDArrayOperatorsMixin as _Operators

__version__ = "0.0-stand-in"


def _unwrap(value, where: str = "argument"):
    """The NumPy array inside a device array; TypeError for host arrays, as CuPy raises."""
    if type(value) is ndarray:
        return value._a
    if isinstance(value, _np.ndarray):
        raise TypeError(f"Unsupported type {type(value)} ({where}): host data given to the "
                        "device (the stand-in for CuPy)")
    if isinstance(value, (list, tuple)):
        return type(value)(_unwrap(v, where) for v in value)
    if isinstance(value, dict):
        return {k: _unwrap(v, where) for k, v in value.items()}
    return value


def _wrap(value):
    """Device arrays for NumPy results; NumPy scalars become 0-d device arrays, as in CuPy."""
    if isinstance(value, _np.ndarray):
        return ndarray(value)
    if isinstance(value, _np.generic) and not isinstance(value, (_np.str_, _np.bytes_)):
        return ndarray(_np.asarray(value))
    if isinstance(value, tuple):
        return tuple(_wrap(v) for v in value)
    if isinstance(value, list):
        return [_wrap(v) for v in value]
    return value


def _given_out(result, out):
    """The ``out`` array the caller gave, as CuPy returns it, when the result was written there."""
    if isinstance(out, tuple) and len(out) == 1:
        out = out[0]
    if type(out) is ndarray and result is out._a:
        return out
    return _wrap(result)


def _strict(function):
    def call(*args, **kwargs):
        result = function(*_unwrap(args), **_unwrap(kwargs))
        return _given_out(result, kwargs.get("out"))

    call.__name__ = getattr(function, "__name__", "function")
    return call


class ndarray(_Operators):  # noqa: N801  (CuPy's name)
    __slots__ = ("_a",)

    def __init__(self, a):
        self._a = a

    # NumPy's protocols: computing on device arrays stays on the device; conversion is refused
    def __array__(self, *args, **kwargs):
        raise TypeError("Implicit conversion to a NumPy array is not allowed. Please use "
                        "`.get()` to construct a NumPy array explicitly.")

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = _unwrap(inputs, f"{ufunc.__name__} input")
        out = kwargs.get("out")
        if out is not None:
            kwargs["out"] = _unwrap(out, f"{ufunc.__name__} out")
        result = getattr(ufunc, method)(*inputs, **kwargs)
        return _given_out(result, out)

    def __array_function__(self, function, types, args, kwargs):
        return _wrap(function(*_unwrap(args), **_unwrap(kwargs)))

    @property
    def __cuda_array_interface__(self):
        return {"shape": self._a.shape, "typestr": self._a.dtype.str, "version": 3,
                "data": (self._a.ctypes.data, False)}

    def get(self):
        return self._a.copy()

    def astype(self, dtype, order="K", casting=None, subok=None, copy=True):
        if not copy and self._a.dtype == _np.dtype(dtype):
            return self  # CuPy returns the array itself
        return ndarray(self._a.astype(dtype, order=order))

    # attributes
    shape = property(lambda self: self._a.shape)
    dtype = property(lambda self: self._a.dtype)
    ndim = property(lambda self: self._a.ndim)
    size = property(lambda self: self._a.size)
    nbytes = property(lambda self: self._a.nbytes)
    itemsize = property(lambda self: self._a.itemsize)
    strides = property(lambda self: self._a.strides)
    flags = property(lambda self: self._a.flags)
    T = property(lambda self: ndarray(self._a.T))

    def __getattr__(self, name):
        if name.startswith("__"):  # NumPy's __array_interface__ and the like: not offered
            raise AttributeError(name)
        attribute = getattr(self._a, name)
        return _strict(attribute) if callable(attribute) else _wrap(attribute)

    def __getitem__(self, key):
        if isinstance(key, tuple):
            key = tuple(k._a if type(k) is ndarray else k for k in key)
        elif type(key) is ndarray:
            key = key._a
        result = self._a[key]
        if isinstance(result, _np.generic):  # one element: CuPy gives a 0-d view of it
            result = self._a[(*key, Ellipsis) if isinstance(key, tuple) else (key, Ellipsis)]
        return _wrap(result)

    def __setitem__(self, key, value):
        if isinstance(key, tuple):
            key = tuple(k._a if type(k) is ndarray else k for k in key)
        elif type(key) is ndarray:
            key = key._a
        if isinstance(value, _np.ndarray) and value.ndim > 0:
            raise ValueError("non-scalar numpy.ndarray cannot be used for fill")
        self._a[key] = _unwrap(value)

    def __len__(self):
        return len(self._a)

    def __iter__(self):
        return (ndarray(_np.asarray(v)) for v in self._a)

    def __float__(self):
        return float(self._a)

    def __int__(self):
        return int(self._a)

    def __bool__(self):
        return bool(self._a)

    def __complex__(self):
        return complex(self._a)

    def __repr__(self):
        return "array(" + _np.array2string(self._a, separator=", ") + ")"

    def __str__(self):
        return str(self._a)

    def __copy__(self):
        return ndarray(self._a.copy())

    def __deepcopy__(self, memo):
        return ndarray(self._a.copy())

    def __reduce__(self):  # as CuPy: the data travels through the host
        return (array, (self._a.copy(),))


def _should_use_rop(other) -> bool:
    """CuPy's rule for a binary operator with a foreign object: defer to the object's reflected
    operator when it opts out of ufuncs, or has no ``__array_ufunc__`` and a higher
    ``__array_priority__`` than CuPy's 100."""
    try:
        handler = other.__array_ufunc__
    except AttributeError:
        return getattr(other, "__array_priority__", 0) > 100
    return handler is None


def _cupy_binary(method):
    def operator(self, other):
        if type(other) is not ndarray and _should_use_rop(other):
            return NotImplemented
        return method(self, other)

    operator.__name__ = method.__name__
    return operator


for _name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow", "matmul", "and", "or",
              "xor", "lt", "le", "gt", "ge", "eq", "ne"):
    for _form in (f"__{_name}__", f"__r{_name}__"):
        if hasattr(_Operators, _form):
            setattr(ndarray, _form, _cupy_binary(getattr(_Operators, _form)))


# ----------------------------------------------------------------------------- the module


def asarray(a, dtype=None, order=None):
    if type(a) is ndarray:
        return a if dtype is None or a.dtype == dtype else ndarray(a._a.astype(dtype))
    return ndarray(_np.array(a, dtype=dtype, order=order or "K", copy=True))


def array(a, dtype=None, copy=True, order="K", ndmin=0):
    inner = a._a if type(a) is ndarray else a
    return ndarray(_np.array(inner, dtype=dtype, copy=True, order=order, ndmin=ndmin))


def asnumpy(a, *args, **kwargs):
    return a._a.copy() if type(a) is ndarray else _np.asarray(a)


def get_array_module(*args):
    return _types.ModuleType("cupy") if any(type(a) is ndarray for a in args) else _np


class _Ufunc:
    def __init__(self, ufunc):
        self._u = ufunc
        self.__name__ = ufunc.__name__

    def __call__(self, *args, **kwargs):
        return _strict(self._u)(*args, **kwargs)

    def __getattr__(self, name):
        return _strict(getattr(self._u, name))


def _namespace(module):
    space = _types.SimpleNamespace()
    for name in dir(module):
        if not name.startswith("_"):
            value = getattr(module, name)
            setattr(space, name, _strict(value) if callable(value) and not isinstance(
                value, type) else value)
    return space


random = _namespace(_np.random)
linalg = _namespace(_np.linalg)


class _Device:
    def __init__(self, index=0):
        self.id = index

    def synchronize(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


cuda = _types.SimpleNamespace(
    runtime=_types.SimpleNamespace(getDeviceCount=lambda: 1,
                                   memGetInfo=lambda: (8 << 30, 16 << 30),
                                   getDeviceProperties=lambda i: {"name": b"stand-in"}),
    Device=_Device)


def __getattr__(name):
    value = getattr(_np, name)
    if isinstance(value, _np.ufunc):
        return _Ufunc(value)
    if isinstance(value, type) or not callable(value):
        return value  # dtypes, constants
    return _strict(value)
