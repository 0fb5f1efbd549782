"""Conversions shared by the tf_api modules: TensorFlow's dtypes for Python values, plain
numbers from Tensors, and a namespace maker."""

from __future__ import annotations

import types

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from ..autodiff.tensor import StringTensor, string_tensor  # noqa: F401  (re-exported)
from ..data.structure import to_component


def to_tensor(value, dtype=None) -> Tensor:
    """``value`` as a Tensor: a Tensor as it is (cast when ``dtype``), a list holding Tensors
    stacked (differentiably), anything else converted with TensorFlow's dtypes (Python floats
    float32, ints int32, NumPy arrays keep theirs)."""
    if isinstance(value, Tensor):
        return value if dtype is None or value.dtype == np.dtype(dtype) else _ops.cast(
            value, np.dtype(dtype))
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        stacked = _ops.stack([to_tensor(v) for v in value], axis=0)
        return stacked if dtype is None else _ops.cast(stacked, np.dtype(dtype))
    if dtype is not None and isinstance(value, (int, float, list, tuple)):
        exact = np.asarray(value)  # Python numbers at full width before the cast
        if exact.dtype.kind in "iuf":
            value = exact
    array = to_component(value)
    if dtype is not None:
        array = array.astype(np.dtype(dtype), copy=False)
    return Tensor(backend.to_device(array))


def to_float(value) -> Tensor:
    """``value`` as a Tensor of a float type (integers become floatx)."""
    x = to_tensor(value)
    return x if x.dtype.kind in "fc" else _ops.cast(x, np.dtype(backend.floatx()))


def array(value) -> np.ndarray:
    """The NumPy (host) array of a Tensor, array, list or number (Python numbers with
    TensorFlow's dtypes: float32, int32)."""
    if isinstance(value, Tensor):
        return np.asarray(backend.to_numpy(value.value))
    return to_component(value)


def plain(value):
    """A Python number or (nested) list from a number, array or Tensor: a shape, an axis."""
    value = getattr(value, "value", value)
    if hasattr(value, "tolist"):
        return backend.to_numpy(value).tolist()
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def axis_of(axis):
    """An axis argument as NumPy takes it: None, an int or a tuple of ints."""
    axis = plain(axis)
    return tuple(axis) if isinstance(axis, list) else axis


def pair(x, y) -> tuple:
    """Two Tensors of one dtype: Python values converted with TensorFlow's dtypes unless the
    partner is a Tensor (then they take its float type, as the engine's operators do)."""
    if not isinstance(x, Tensor) and not isinstance(y, Tensor):
        x, y = to_tensor(x), to_tensor(y)
    elif isinstance(x, Tensor):
        y = _like(y, x)
    else:
        x = _like(x, y)
    return _ops._pair(x, y)


def _like(value, partner: Tensor):
    """A Python list or tuple beside a Tensor, converted to the Tensor's dtype as TensorFlow
    converts it (``tf.tensor_scatter_nd_add(int32_tensor, idx, [6, 5])`` stays int32)
    where the kinds agree (ints, or numbers for a float Tensor); anything else as it is."""
    if not isinstance(value, (list, tuple)) or any(isinstance(v, Tensor) for v in value):
        return value
    converted = to_tensor(value)
    kinds = converted.dtype.kind, partner.dtype.kind
    if kinds[0] == kinds[1] or (kinds[0] in "iub" and kinds[1] in "fc"):
        return to_tensor(converted, partner.dtype)
    return converted


def namespace(name: str, doc: str, **members) -> types.ModuleType:
    """A module object ``name`` holding ``members`` (``tf.linalg``, ``tf.io.gfile``, ...)."""
    module = types.ModuleType(name, doc)
    module.__dict__.update(members)
    module.__all__ = sorted(members)
    return module
