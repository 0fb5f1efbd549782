"""TensorFlow's methods of tf.Variable and tf.GradientTape that numnet's own classes lack,
added to them when the tf surface loads (``install``): ``v.read_value()``,
``v.scatter_nd_update(...)``, ``v.get_shape()``, ``v.ref()``, ``v.device``,
``tape.batch_jacobian(...)``, ``tape.watched_variables()``, ...

Each is added only where the class has no attribute of that name, so numnet's own methods
stay as they are. ``v.initial_value`` is known for Variables made by ``tf.Variable`` (it
records the value given); numnet's layers make their weights otherwise and have none.
"""

from __future__ import annotations

import enum
import weakref

import numpy as np

from .. import backend
from ..autodiff import Tensor, Variable
from ..autodiff.tape import GradientTape
from .base import array, to_tensor
from .control import IndexedSlices, TensorShape

DEVICE = "/job:localhost/replica:0/task:0/device:CPU:0"

# id -> (a weak reference, the first value); keyed by id because a Tensor's == is
# element-wise, which a WeakKeyDictionary would call
_initial_values: dict = {}


def remember_initial_value(variable: Variable) -> None:
    """Record ``variable``'s value now as its ``initial_value`` (tf.Variable calls this)."""
    key = id(variable)
    _initial_values[key] = (weakref.ref(variable, lambda _: _initial_values.pop(key, None)),
                            variable.value.copy())


class VariableAggregation(enum.Enum):
    """How a distributed Variable's replicas combine updates (numnet has one replica)."""

    NONE = 0
    SUM = 1
    MEAN = 2
    ONLY_FIRST_REPLICA = 3


class VariableSynchronization(enum.Enum):
    """When a distributed Variable synchronizes (numnet has one replica)."""

    AUTO = 0
    NONE = 1
    ON_WRITE = 2
    ON_READ = 3


class Reference:
    """A hashable reference to a Tensor or Variable (``x.ref()``), for dict keys and sets;
    ``deref()`` gives the object back. Two references are equal when they refer to one
    object."""

    def __init__(self, obj):
        self._obj = obj

    def deref(self):
        """The Tensor or Variable referred to."""
        return self._obj

    def __eq__(self, other) -> bool:
        return isinstance(other, Reference) and other._obj is self._obj

    def __hash__(self) -> int:
        return id(self._obj)

    def __repr__(self) -> str:
        return f"<Reference wrapping {self._obj!r}>"


# ----------------------------------------------------------------------------- Tensor methods


def _get_shape(self) -> TensorShape:
    """The shape as a TensorShape (``x.get_shape().as_list()``)."""
    return TensorShape(list(self.shape))


def _set_shape(self, shape) -> None:
    """Check that ``shape`` fits the Tensor's shape (numnet's shapes are always known);
    raises ValueError when it does not."""
    if not TensorShape(list(self.shape)).is_compatible_with(shape):
        raise ValueError(f"set_shape: the shape {tuple(self.shape)} is not compatible with "
                         f"{TensorShape(shape)}.")


def _ref(self) -> Reference:
    """A hashable reference to this object (``x.ref()``)."""
    return Reference(self)


def _device(self) -> str:
    return DEVICE if backend.device() != "gpu" else DEVICE.replace("CPU", "GPU")


# ----------------------------------------------------------------------------- Variable methods


def _read_value(self) -> Tensor:
    """The value now, as a Tensor that takes part in gradients (``v.read_value()``)."""
    from ..autodiff import ops as _ops

    return _ops.node(self.value.copy(), (self,), lambda g: _ops.accumulate(self, g))


def _initial_value(self) -> Tensor:
    ref, value = _initial_values.get(id(self), (None, None))
    if ref is None or ref() is not self:
        raise AttributeError(f"initial_value: the variable {self.path!r} was not made by "
                             "tf.Variable, so its first value was not recorded.")
    return Tensor(value.copy())


def _positions(shape, indices) -> np.ndarray:
    from .array import _scatter_positions

    return _scatter_positions(tuple(shape), indices)


def _scatter_nd(self, indices, updates, combine):
    """Write ``updates`` into the entries (or slices) at ``indices`` (..., k) in place."""
    positions = _positions(self.shape, indices)
    values = array(updates).astype(self.dtype)
    values = np.broadcast_to(values, positions.shape)
    flat = self.value.reshape(-1)
    index = backend.to_device(positions.reshape(-1))
    combine(flat, index, backend.to_device(np.ascontiguousarray(values).reshape(-1)))
    return self


def _rows_of(sparse_delta):
    if not isinstance(sparse_delta, IndexedSlices):
        raise TypeError(f"expected a tf.IndexedSlices(values, indices), given "
                        f"{type(sparse_delta).__name__}.")
    index = array(sparse_delta.indices).astype(np.int64).reshape(-1, 1)
    return index, sparse_delta.values


def _set(flat, index, values):
    flat[index] = values


def _add(flat, index, values):
    np.add.at(flat, index, values) if backend.xp is np else backend.xp.add.at(
        flat, index, values)


def _sub(flat, index, values):
    _add(flat, index, -values)


def _mul(flat, index, values):
    np.multiply.at(flat, index, values)


def _div(flat, index, values):
    np.divide.at(flat, index, values) if flat.dtype.kind == "f" else np.floor_divide.at(
        flat, index, values)


def _max(flat, index, values):
    np.maximum.at(flat, index, values)


def _min(flat, index, values):
    np.minimum.at(flat, index, values)


def _sparse(combine, doc):
    def method(self, sparse_delta, use_locking=False, name=None):
        index, values = _rows_of(sparse_delta)
        return _scatter_nd(self, index, values, combine)

    method.__doc__ = doc
    return method


def _dense(combine, doc):
    def method(self, indices, updates, name=None):
        return _scatter_nd(self, indices, updates, combine)

    method.__doc__ = doc
    return method


def _gather_nd(self, indices, name=None) -> Tensor:
    """``tf.gather_nd(v, indices)``."""
    from .array import gather_nd

    return gather_nd(self, indices)


def _sparse_read(self, indices, name=None) -> Tensor:
    """The rows of the variable at ``indices`` (``tf.gather(v, indices)``)."""
    from ..autodiff import ops as _ops

    index = backend.to_device(array(indices).astype(np.int64))
    return _ops.getitem(self, index) if self.dtype.kind in "fc" else Tensor(self.value[index])


VARIABLE_METHODS = {
    "read_value": _read_value,
    "initial_value": property(_initial_value, doc="The value the variable was made with."),
    "scatter_update": _sparse(_set, "Set the rows of an IndexedSlices in place."),
    "scatter_add": _sparse(_add, "Add the rows of an IndexedSlices in place."),
    "scatter_sub": _sparse(_sub, "Subtract the rows of an IndexedSlices in place."),
    "scatter_mul": _sparse(_mul, "Multiply by the rows of an IndexedSlices in place."),
    "scatter_div": _sparse(_div, "Divide by the rows of an IndexedSlices in place."),
    "scatter_max": _sparse(_max, "The larger of each row and an IndexedSlices' row."),
    "scatter_min": _sparse(_min, "The smaller of each row and an IndexedSlices' row."),
    "scatter_nd_update": _dense(_set, "Set the entries at indices (..., k) in place."),
    "scatter_nd_add": _dense(_add, "Add to the entries at indices (..., k) in place."),
    "scatter_nd_sub": _dense(_sub, "Subtract from the entries at indices in place."),
    "scatter_nd_max": _dense(_max, "The larger of each entry at indices and its update."),
    "scatter_nd_min": _dense(_min, "The smaller of each entry at indices and its update."),
    "gather_nd": _gather_nd,
    "sparse_read": _sparse_read,
    "aggregation": property(lambda self: VariableAggregation.NONE,
                            doc="VariableAggregation.NONE (one replica)."),
    "synchronization": property(lambda self: VariableSynchronization.AUTO,
                                doc="VariableSynchronization.AUTO (one replica)."),
}
TENSOR_METHODS = {
    "get_shape": _get_shape,
    "set_shape": _set_shape,
    "ref": _ref,
    "experimental_ref": _ref,
    "device": property(_device, doc="The device the values live on, named as TensorFlow."),
}


# ----------------------------------------------------------------------------- GradientTape


def _batch_jacobian(self, target, source, unconnected_gradients="none",
                    parallel_iterations=None, experimental_use_pfor=True):
    """The Jacobian of each example's ``target[b]`` with respect to its ``source[b]``: shape
    (batch,) + target.shape[1:] + source.shape[1:], assuming examples do not mix (one
    backward pass per entry of target.shape[1:])."""
    xp = backend.xp
    target = to_tensor(target)
    batch, inner = target.shape[0], int(np.prod(target.shape[1:], dtype=np.int64))
    if source.shape[0] != batch:
        raise ValueError(f"batch_jacobian: target and source must share the first axis; "
                         f"given {target.shape} and {source.shape}.")
    rows = []
    persistent, self.persistent = self.persistent, True
    try:
        for j in range(inner):
            seed = xp.zeros((batch, inner), dtype=target.dtype)
            seed[:, j] = 1
            self._used = False
            grad = self.gradient(target, source, output_gradients=seed.reshape(target.shape),
                                 unconnected_gradients=unconnected_gradients)
            rows.append(xp.zeros(source.shape, dtype=source.dtype) if grad is None
                        else grad.value)
    finally:
        self.persistent = persistent
    out = xp.stack(rows, axis=1) if rows else xp.zeros((batch, 0) + source.shape[1:])
    return Tensor(out.reshape((batch,) + target.shape[1:] + source.shape[1:]))


def _watched_variables(self) -> tuple:
    """The Tensors and Variables watched explicitly with ``tape.watch``, then the trainable
    Variables that ops of the tape's block read (as TensorFlow's accessed variables; numnet
    finds them in the graphs of the targets given to ``gradient``, so before a gradient is
    asked, or once its target is gone, only the explicit ones are listed)."""
    seen, out = set(), []
    for t in [*self._watched, *self._accessed_variables()]:
        if id(t) not in seen:
            seen.add(id(t))
            out.append(t)
    return tuple(out)


TAPE_METHODS = {"batch_jacobian": _batch_jacobian, "watched_variables": _watched_variables}


def install() -> None:
    """Add the methods above to numnet's Tensor, Variable and GradientTape where missing."""
    for cls, methods in ((Tensor, TENSOR_METHODS), (Variable, VARIABLE_METHODS),
                         (GradientTape, TAPE_METHODS)):
        for name, method in methods.items():
            if not hasattr(cls, name):
                setattr(cls, name, method)


TOP = {"VariableAggregation": VariableAggregation,
       "VariableSynchronization": VariableSynchronization}
