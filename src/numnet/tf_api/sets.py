"""TensorFlow's ``tf.sets``: set operations along the last axis, as TensorFlow gives them.

    a = tf.constant([[3, 1, 1, 2], [0, 0, 0, 0]])
    b = tf.constant([[2, 5], [0, 7]])
    tf.sets.union(a, b)          # SparseTensor: rows [1, 2, 3, 5] and [0, 7], shape (2, 4)
    tf.sets.size(tf.sparse.from_dense(a))

Each row (the last axis; the axes before it are the batch) is a set: a dense row holds all of
its values (0 too), a SparseTensor row its stored values. Results are SparseTensors whose rows
list the set sorted ascending, padded out to the largest set (dense_shape [..., max size]).
Values are integers (int8 ... int64, uint8, uint16) or strings. TensorFlow 1's names
(set_union, ...) are kept as well.
"""

from __future__ import annotations

import numpy as np

from ..autodiff import Tensor
from ..autodiff.tensor import string_tensor
from .base import array
from .errors import InvalidArgumentError
from .sparse import SparseTensor

_KINDS = ("int8", "int16", "int32", "int64", "uint8", "uint16")


def _values(x, where: str) -> np.ndarray:
    values = np.asarray(x.numpy()) if isinstance(x, Tensor) else array(x)
    if values.dtype.kind in "OSU":
        return values
    if values.dtype.name not in _KINDS:
        raise TypeError(f"{where}: expected integers (int8 ... int64, uint8, uint16) or strings, "
                        f"given dtype {values.dtype}.")
    return values


def _rows(x, where: str, validate: bool) -> tuple:
    """({batch index: list of values}, batch shape, dtype) of a dense tensor or SparseTensor."""
    if isinstance(x, SparseTensor):
        shape = tuple(x.shape)
        if len(shape) < 2:
            raise InvalidArgumentError(None, None, f"{where}: expected rank >= 2, given "
                                                   f"dense_shape {list(shape)}.")
        indices = np.asarray(array(x.indices))
        values = _values(x.values, where)
        if validate and len(indices) > 1:
            flat = np.ravel_multi_index(indices.T, shape) if indices.size else indices
            if (np.diff(flat) <= 0).any():
                bad = int(np.argmax(np.diff(flat) <= 0)) + 1
                raise InvalidArgumentError(None, None, f"{where}: indices[{bad}] = "
                                                       f"{indices[bad].tolist()} is out of "
                                                       f"order; reorder with "
                                                       f"tf.sparse.reorder.")
        rows: dict = {}
        for index, value in zip(map(tuple, indices[:, :-1].tolist()), values.tolist()):
            rows.setdefault(index, []).append(value)
        return rows, shape[:-1], values.dtype
    values = _values(x, where)
    if values.ndim < 2:
        raise InvalidArgumentError(None, None, f"{where}: expected rank >= 2 (a batch of sets "
                                               f"along the last axis), given shape "
                                               f"{values.shape}; add an axis with "
                                               f"tf.expand_dims(x, 0).")
    batch = values.shape[:-1]
    flat = values.reshape(-1, values.shape[-1])
    rows = {index: flat[i].tolist() for i, index in enumerate(np.ndindex(*batch))}
    return rows, batch, values.dtype


def _sparse_result(sets: dict, batch: tuple, dtype) -> SparseTensor:
    indices, values = [], []
    for index in np.ndindex(*batch):
        for j, value in enumerate(sorted(sets.get(index, ()))):
            indices.append([*index, j])
            values.append(value)
    width = max((len(s) for s in sets.values()), default=0)
    if dtype.kind in "OSU":
        flat = np.empty(len(values), dtype=object)
        flat[:] = [v.encode("utf-8") if isinstance(v, str) else v for v in values]
        tensor = string_tensor(flat)
    else:
        tensor = Tensor(np.asarray(values, dtype=dtype))
    return SparseTensor(np.asarray(indices, np.int64).reshape(-1, len(batch) + 1), tensor,
                        [*batch, width])


def _operation(a, b, how: str, validate_indices: bool, where: str) -> SparseTensor:
    rows_a, batch_a, dtype_a = _rows(a, where + "(a)", validate_indices)
    rows_b, batch_b, dtype_b = _rows(b, where + "(b)", validate_indices)
    if batch_a != batch_b:
        raise InvalidArgumentError(None, None, f"{where}: the batch shapes (all axes but the "
                                               f"last) must match, given {list(batch_a)} and "
                                               f"{list(batch_b)}.")
    if (dtype_a.kind in "OSU") != (dtype_b.kind in "OSU") or (
            dtype_a.kind not in "OSU" and dtype_a != dtype_b):
        raise TypeError(f"{where}: a and b must have one dtype, given {dtype_a} and {dtype_b}.")
    out = {}
    for index in np.ndindex(*batch_a):
        left, right = set(rows_a.get(index, ())), set(rows_b.get(index, ()))
        out[index] = {"intersection": left & right, "union": left | right,
                      "a-b": left - right, "b-a": right - left}[how]
    return _sparse_result(out, batch_a, dtype_a)


def intersection(a, b, validate_indices=True) -> SparseTensor:
    """The values in both ``a`` and ``b``, row by row (the last axis).

    Args:
        a: a dense tensor or SparseTensor of rank >= 2 (integers or strings).
        b: the same kind of values, with ``a``'s batch shape.
        validate_indices: check that SparseTensor indices are in order. Defaults to True.

    Returns:
        A SparseTensor: each row's intersection, sorted, dense_shape [..., largest].

    Raises:
        InvalidArgumentError: rank below 2, batch shapes that differ, unordered indices.
        TypeError: a float dtype, or dtypes that differ.

    Example:
        >>> out = numnet.sets.intersection([[3, 1, 2]], [[2, 5, 3]])
        >>> out.values.numpy().tolist(), out.dense_shape.numpy().tolist()
        ([2, 3], [1, 2])
    """
    return _operation(a, b, "intersection", validate_indices, "sets.intersection")


def union(a, b, validate_indices=True) -> SparseTensor:
    """The values in ``a`` or ``b``, row by row (the last axis); as intersection otherwise.

    Example:
        >>> out = numnet.sets.union([[3, 1, 1], [0, 0, 0]], [[2, 5], [0, 7]])
        >>> out.values.numpy().tolist(), out.dense_shape.numpy().tolist()
        ([1, 2, 3, 5, 0, 7], [2, 4])
    """
    return _operation(a, b, "union", validate_indices, "sets.union")


def difference(a, b, aminusb=True, validate_indices=True) -> SparseTensor:
    """The values of ``a`` not in ``b`` (of ``b`` not in ``a`` with ``aminusb=False``), row by
    row (the last axis); as intersection otherwise.

    Example:
        >>> out = numnet.sets.difference([[3, 1, 2]], [[2, 5]])
        >>> out.values.numpy().tolist(), out.indices.numpy().tolist()
        ([1, 3], [[0, 0], [0, 1]])
    """
    return _operation(a, b, "a-b" if aminusb else "b-a", validate_indices, "sets.difference")


def size(a, validate_indices=True) -> Tensor:
    """The number of distinct values in each row (the last axis) of a SparseTensor.

    Args:
        a: a SparseTensor of rank >= 2.
        validate_indices: check that its indices are in order. Defaults to True.

    Returns:
        An int32 Tensor of shape dense_shape[:-1].

    Raises:
        TypeError: ``a`` is not a SparseTensor (make one with tf.sparse.from_dense).

    Example:
        >>> st = numnet.SparseTensor([[0, 0], [0, 2], [1, 1]], [4, 1, 4], [2, 3])
        >>> numnet.sets.size(st).numpy().tolist()
        [2, 1]
    """
    if not isinstance(a, SparseTensor):
        raise TypeError(f"sets.size(a): expected a SparseTensor, given "
                        f"{type(a).__name__}; convert with tf.sparse.from_dense(a).")
    rows, batch, _ = _rows(a, "sets.size(a)", validate_indices)
    counts = np.zeros(batch, np.int32)
    for index, values in rows.items():
        counts[index] = len(set(values))
    return Tensor(counts)


SETS = {"intersection": intersection, "union": union, "difference": difference, "size": size,
        "set_intersection": intersection, "set_union": union, "set_difference": difference,
        "set_size": size}
"""The functions of ``tf.sets`` (with TensorFlow 1's set_* names)."""
