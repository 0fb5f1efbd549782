"""Elements of a Dataset: nested tuples and dicts of NumPy arrays, and their TensorSpecs.

As in ``tf.data``, tuples (named or not) and dicts are structure; anything else, a list
included, is one component, converted to an array (a list of numbers becomes one array).
Python floats become float32 and Python ints int32, TensorFlow's defaults; NumPy arrays keep
their dtype.
"""

from __future__ import annotations

import numpy as np

from .. import backend


class TensorSpec:
    """The shape and dtype of one component: ``TensorSpec(shape, dtype='float32', name=None)``.

    A plain record, as ``tf.TensorSpec``: ``shape`` a tuple whose unknown sizes are None,
    ``dtype`` a NumPy dtype. ``from_generator(output_signature=...)`` reads it; a Dataset's
    ``element_spec`` gives it.

    Args:
        shape: the shape, a tuple whose unknown sizes are None.
        dtype: a NumPy dtype or its name. Defaults to ``'float32'``.
        name: an optional name. Defaults to ``None``.

    Example:
        >>> numnet.data.TensorSpec((None, 28, 28), "float32")
        TensorSpec(shape=(None, 28, 28), dtype=tf.float32, name=None)
    """

    def __init__(self, shape, dtype="float32", name: str | None = None):
        if shape is None:
            self.shape = None
        else:
            shape = getattr(shape, "shape", shape) if not isinstance(shape, (list, tuple)) \
                else shape
            self.shape = tuple(None if d is None else int(d) for d in shape)
        self.dtype = np.dtype(dtype)
        self.name = name

    @classmethod
    def from_tensor(cls, tensor, name: str | None = None) -> TensorSpec:
        """The spec of an array or Tensor."""
        array = to_component(tensor)
        return cls(array.shape, array.dtype, name)

    def is_compatible_with(self, other) -> bool:
        """Whether ``other`` (a TensorSpec, array or Tensor) has this dtype and a shape that
        fits this one (None matches any size)."""
        if not isinstance(other, TensorSpec):
            other = TensorSpec.from_tensor(other)
        if other.dtype != self.dtype:
            return False
        if self.shape is None or other.shape is None:
            return True
        return len(self.shape) == len(other.shape) and all(
            a is None or b is None or a == b for a, b in zip(self.shape, other.shape))

    def __eq__(self, other) -> bool:
        return (isinstance(other, TensorSpec) and self.shape == other.shape
                and self.dtype == other.dtype and self.name == other.name)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        # TensorFlow's form, dtypes as tf.float32
        return f"TensorSpec(shape={self.shape}, dtype=tf.{self.dtype.name}, name={self.name!r})"


def is_structure(value) -> bool:
    return isinstance(value, (tuple, dict))


def map_structure(fn, value):
    """``fn`` applied to each component, keeping tuples, named tuples and dicts."""
    if isinstance(value, dict):
        return type(value)((k, map_structure(fn, v)) for k, v in value.items())
    if isinstance(value, tuple):
        parts = [map_structure(fn, v) for v in value]
        return type(value)(*parts) if hasattr(value, "_fields") else tuple(parts)
    return fn(value)


def flatten(value) -> list:
    """The components in order (dicts in their insertion order)."""
    if isinstance(value, dict):
        return [c for v in value.values() for c in flatten(v)]
    if isinstance(value, tuple):
        return [c for v in value for c in flatten(v)]
    return [value]


def pack_like(structure, components):
    """The components (in flatten's order) put back into ``structure``'s shape."""
    parts = iter(components)
    return map_structure(lambda _: next(parts), structure)


def to_component(value) -> np.ndarray:
    """One component as a NumPy array, with TensorFlow's default dtypes for Python numbers."""
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, np.generic):
        return np.asarray(value)
    if hasattr(value, "value") and hasattr(value, "backward"):  # a numnet Tensor
        return backend.to_numpy(value.value)
    if hasattr(value, "nested_row_splits"):  # a RaggedTensor: kept, its rows sliced by index
        return value
    if callable(getattr(type(value), "_batched", None)):  # a SparseTensor: kept, its rows
        return value  # sliced by index
    if hasattr(value, "to_numpy"):  # pandas
        return np.asarray(value.to_numpy())
    array = np.asarray(backend.to_numpy(value))
    if array.dtype.kind == "S":  # Python bytes: NumPy's "S" would drop their trailing NULs
        return np.array(value, dtype=object)
    if array.dtype == np.float64 and not _holds_numpy_floats(value):
        array = array.astype(np.float32)
    elif array.dtype == np.int64 and not _holds_numpy_ints(value) and (
            array.size == 0 or (array.min() >= -2**31 and array.max() < 2**31)):
        array = array.astype(np.int32)  # Python ints: int32 where they fit, else int64
    return array


def _holds_numpy_floats(value) -> bool:
    return isinstance(value, np.floating) or _first_leaf_is(value, np.floating)


def _holds_numpy_ints(value) -> bool:
    return isinstance(value, np.integer) or _first_leaf_is(value, np.integer)


def _first_leaf_is(value, kind) -> bool:
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return isinstance(value, (kind, np.ndarray))


def spec_of(element):
    """The TensorSpecs of an element (shapes and dtypes as they are)."""
    return map_structure(lambda a: TensorSpec(np.shape(a), np.asarray(a).dtype), element)


def describe(element) -> str:
    """A short description of an element's structure, for error messages."""
    return repr(map_structure(lambda a: f"array{tuple(np.shape(a))}", element))
