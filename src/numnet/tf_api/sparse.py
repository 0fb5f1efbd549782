"""TensorFlow's ``tf.sparse``: ``tf.SparseTensor(indices, values, dense_shape)`` and the ops
the TensorFlow guide "Working with sparse tensors" uses and their neighbours: ``to_dense``,
``from_dense``, ``reorder``, ``add``, ``sparse_dense_matmul``, ``concat``, ``slice``,
``split``, ``map_values``, ``retain``, ``transpose``, ``reshape``, ``expand_dims``,
``reset_shape``, ``reduce_sum``, ``reduce_max``, ``maximum``, ``minimum``, ``softmax``,
``fill_empty_rows``, ``to_indicator``, ``eye``; a SparseTensor times (or over) a dense tensor.

numnet keeps the three parts of a SparseTensor and moves its indices about on the host (they
are bookkeeping, int64, as TensorFlow's); arithmetic on the values goes through numnet's ops,
so results stay differentiable with respect to the values where TensorFlow's are. The
reductions, matmul and softmax work through the dense array: fine for the masks, bags of
words and one-hot tables that programs make, not a sparse engine for huge shapes.

Missing entries are "not there", as in TensorFlow: ``reduce_max`` and ``softmax`` look only at
the stored values, while ``to_dense``, ``add``, ``maximum``, ``minimum`` and
``sparse_dense_matmul`` read a missing entry as zero. An explicitly stored zero stays stored
(``add`` keeps a sum that is 0; ``retain`` drops what you ask it to).
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from ..autodiff.tensor import Shape
from .base import array as _array
from .base import plain as _plain


def _host(x) -> np.ndarray:
    return np.asarray(backend.to_numpy(getattr(x, "value", x)))


def _int_list(x, where: str) -> list:
    array = _host(x)
    if array.dtype.kind not in "iu" and not (array.dtype.kind == "f" and array.size == 0):
        raise TypeError(f"{where}: expected integers, given {array.tolist()!r} ({array.dtype}).")
    return [int(d) for d in array.reshape(-1)]


def _values_tensor(values) -> Tensor:
    if isinstance(values, Tensor):
        return values
    array = np.asarray(values)
    if array.dtype == np.float64 and not isinstance(values, np.ndarray):
        array = array.astype(np.float32)  # Python floats: float32, as TensorFlow
    elif array.dtype == np.int64 and not isinstance(values, np.ndarray):
        array = array.astype(np.int32)
    return Tensor(backend.to_device(array.reshape(-1) if array.ndim == 0 else array))


class SparseTensor:
    """A tensor given by the positions and values of its stored entries, as
    ``tf.sparse.SparseTensor`` (also ``tf.SparseTensor``).

    Args:
        indices: integers of shape (N, rank): the position of each stored value.
        values: N values (Python numbers give int32 or float32, as TensorFlow; a Tensor or
            NumPy array keeps its dtype).
        dense_shape: the shape of the whole tensor (rank integers).

    Attributes:
        indices: an int64 Tensor of shape (N, rank).
        values: a Tensor of shape (N,).
        dense_shape: an int64 Tensor of shape (rank,).
        shape: the dense shape as a tuple; dtype: the values' dtype.

    ``st * x`` and ``st / x`` for a dense (or broadcastable) ``x`` give a SparseTensor with the
    same indices, as TensorFlow's operators; ``numpy.asarray(st)`` is the dense array.

    Raises:
        ValueError: the three do not fit together (named, with the shapes given), or an index
            is outside dense_shape.

    Example:
        >>> st = numnet.sparse.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2],
        ...                                 dense_shape=[3, 4])
        >>> numnet.sparse.to_dense(st).numpy().tolist()
        [[1, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]]
    """

    def __init__(self, indices, values, dense_shape):
        indices = _host(indices)
        shape = tuple(_int_list(dense_shape, "SparseTensor(dense_shape)"))
        if indices.size == 0:
            indices = indices.reshape(0, len(shape))
        if indices.dtype.kind not in "iu":
            raise TypeError(f"SparseTensor(indices): expected integers, given dtype "
                            f"{indices.dtype}.")
        indices = indices.astype(np.int64)
        values = _values_tensor(values)
        if indices.ndim != 2 or indices.shape[1] != len(shape):
            raise ValueError(f"SparseTensor(indices): expected shape (N, {len(shape)}) for a "
                             f"dense_shape of rank {len(shape)}, given {indices.shape}.")
        if values.ndim != 1 or values.shape[0] != indices.shape[0]:
            raise ValueError(f"SparseTensor(values): expected shape ({indices.shape[0]},), one "
                             f"value per row of indices, given {tuple(values.shape)}.")
        if indices.size and ((indices < 0).any() or (indices >= np.asarray(shape)).any()):
            bad = indices[((indices < 0) | (indices >= np.asarray(shape))).any(axis=1)][0]
            raise ValueError(f"SparseTensor(indices): the index {bad.tolist()} is outside "
                             f"dense_shape {list(shape)}; make dense_shape larger or drop it.")
        self.indices = Tensor(indices)
        self.values = values
        self.dense_shape = Tensor(np.asarray(shape, dtype=np.int64))
        self._shape = shape

    @classmethod
    def from_value(cls, value) -> SparseTensor:
        """``value`` itself if it is a SparseTensor, else ``from_dense(value)``."""
        return value if isinstance(value, SparseTensor) else from_dense(value)

    @property
    def shape(self) -> Shape:
        """The dense shape: a tuple that also answers TensorFlow's TensorShape methods
        (``sp.shape.as_list()``, ``sp.shape.rank``)."""
        return Shape(self._shape)

    def get_shape(self) -> Shape:
        """The dense shape (TensorFlow's older name)."""
        return Shape(self._shape)

    def set_shape(self, shape) -> None:
        """Check that the dense shape fits ``shape`` (None entries match any size), as
        TensorFlow's; the dense shape is known, so nothing changes.

        Raises:
            ValueError: the shapes are not compatible.
        """
        wanted = None if shape is None else list(np.asarray(shape, dtype=object).reshape(-1))
        if wanted is None:
            return
        if len(wanted) != len(self._shape) or any(
                w is not None and int(w) != int(d) for w, d in zip(wanted, self._shape)):
            raise ValueError(f"Shapes {tuple(self._shape)} and "
                             f"{tuple(None if w is None else int(w) for w in wanted)} are not "
                             "compatible.")

    @property
    def dtype(self):
        """The dtype of the values."""
        return self.values.dtype

    @property
    def ndim(self) -> int:
        return len(self._shape)

    def with_values(self, new_values) -> SparseTensor:
        """A SparseTensor with the same indices and shape and ``new_values`` (one per index).

        Example:
            >>> st = numnet.sparse.SparseTensor([[0, 1]], [2.0], [2, 2])
            >>> st.with_values(st.values * 3).values.numpy().tolist()
            [6.0]
        """
        return SparseTensor(self.indices, new_values, self._shape)

    def to_dense(self, default_value=None) -> Tensor:
        """The dense tensor (``tf.sparse.to_dense(self)``)."""
        return to_dense(self, default_value)

    def __getitem__(self, key) -> SparseTensor:
        """Rows of the first axis, as tf.data slices and batches sparse components:
        ``st[i]`` (or ``st[i, ...]``) is row i, a SparseTensor of one rank less; ``st[rows]``
        (a vector of ints) gathers those rows in that order.

        Raises:
            IndexError: a row outside the first axis.
            TypeError: any other key (slice the SparseTensor with tf.sparse.slice).
        """
        if isinstance(key, tuple) and len(key) == 2 and key[1] is Ellipsis:
            key = key[0]
        if not self._shape:
            raise TypeError("SparseTensor[...]: a scalar SparseTensor has no rows.")
        rows, length = self.indices.value[:, 0], self._shape[0]
        picked = _host(key)
        if picked.dtype == bool and picked.ndim == 1:
            picked = np.flatnonzero(picked)
        if picked.dtype.kind not in "iu" or picked.ndim > 1:
            raise TypeError(f"SparseTensor[{key!r}]: only rows of the first axis (an int or a "
                            "vector of ints) can be taken; use tf.sparse.slice for a box.")
        if ((picked < -length) | (picked >= length)).any():
            raise IndexError(f"SparseTensor[{picked.tolist()}]: the first axis has {length} "
                             "rows.")
        picked = picked % length if length else picked
        if picked.ndim == 0:
            keep = np.flatnonzero(rows == int(picked))
            return SparseTensor(self.indices.value[keep, 1:], _take(self, keep), self._shape[1:])
        parts = [np.flatnonzero(rows == r) for r in picked.tolist()]
        keep = np.concatenate(parts) if parts else np.zeros(0, np.int64)
        first = np.repeat(np.arange(len(parts)), [len(p) for p in parts])
        indices = np.concatenate([first[:, None], self.indices.value[keep, 1:]], axis=1)
        return SparseTensor(indices, _take(self, keep), (len(parts),) + self._shape[1:])

    @staticmethod
    def _batched(rows) -> SparseTensor:
        """SparseTensors of one rank stacked on a new first axis (tf.data's batch of sparse
        elements); the dense shape is the largest of theirs on each axis."""
        rank = rows[0].ndim
        if any(r.ndim != rank for r in rows):
            raise ValueError(f"Dataset.batch: sparse elements of ranks {[r.ndim for r in rows]} "
                             "cannot be batched together; give them one rank.")
        shape = tuple(int(d) for d in np.max([r.shape for r in rows], axis=0)) if rank else ()
        indices = np.concatenate([np.concatenate(
            [np.full((len(r.indices.value), 1), j, np.int64), r.indices.value], axis=1)
            for j, r in enumerate(rows)])
        values = _ops.concatenate([r.values for r in rows], axis=0)
        return SparseTensor(indices, values, (len(rows),) + shape)

    def __array__(self, dtype=None, copy=None):
        dense = backend.to_numpy(to_dense(self).value)
        return dense if dtype is None else dense.astype(dtype)

    def _at_indices(self, other, where: str) -> Tensor:
        other = _ops.as_tensor(other) if not isinstance(other, Tensor) else other
        if isinstance(other, SparseTensor):
            raise TypeError(f"{where}: expected a dense tensor, given a SparseTensor; use "
                            "tf.sparse.map_values(tf.multiply, a, b) for two with the same "
                            "indices.")
        dense = _ops.broadcast_to(other, self._shape) if tuple(other.shape) != self._shape \
            else other
        if not self._shape:
            return _ops.reshape(dense, (1,))[np.zeros(len(self.indices.value), np.int64)]
        return dense[tuple(self.indices.value.T)]

    def __mul__(self, other) -> SparseTensor:
        picked = self._at_indices(other, "SparseTensor * x")
        return self.with_values(_ops.multiply(*_ops.promote(self.values, picked)))

    def __truediv__(self, other) -> SparseTensor:
        picked = self._at_indices(other, "SparseTensor / x")
        return self.with_values(_ops.true_divide(self.values, picked))

    __div__ = __truediv__

    def __repr__(self) -> str:
        return (f"SparseTensor(indices={self.indices.numpy().tolist()}, values="
                f"{self.values.numpy().tolist()}, dense_shape={list(self._shape)})")


class SparseTensorSpec:
    """The type of a SparseTensor (``tf.SparseTensorSpec``): its dense shape (None entries or
    None for unknown) and dtype, for ``tf.map_fn``'s ``fn_output_signature`` and
    ``tf.function``'s ``input_signature``.

    Args:
        shape: the dense shape, or None. Defaults to ``None``.
        dtype: the values' dtype. Defaults to ``float32``.

    Example:
        >>> spec = numnet.SparseTensorSpec([None, 3], numnet.int32)
        >>> spec.is_compatible_with(numnet.SparseTensor([[0, 1]], [5], [2, 3]))
        True
    """

    def __init__(self, shape=None, dtype=np.float32):
        self.shape = None if shape is None else tuple(None if d is None else int(d)
                                                      for d in shape)
        self.dtype = np.dtype(dtype)

    def is_compatible_with(self, value) -> bool:
        """Whether ``value`` is a SparseTensor of this dtype and a dense shape that fits."""
        if not isinstance(value, SparseTensor) or value.values.dtype != self.dtype:
            return False
        if self.shape is None:
            return True
        return len(self.shape) == len(value.shape) and all(
            a is None or a == int(b) for a, b in zip(self.shape, value.shape))

    def __repr__(self) -> str:
        shape = "None" if self.shape is None else f"TensorShape({list(self.shape)})"
        return f"SparseTensorSpec({shape}, tf.{self.dtype.name})"


def _check(sp_input, where: str) -> SparseTensor:
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"{where}: expected a SparseTensor, given {type(sp_input).__name__}; "
                        "make one with tf.sparse.SparseTensor(indices, values, dense_shape) or "
                        "tf.sparse.from_dense(x).")
    return sp_input


def _take(sp: SparseTensor, keep) -> Tensor:
    """The values at the positions ``keep`` (an int array), differentiably."""
    keep = np.asarray(keep, dtype=np.int64)
    return sp.values[keep]


def _flat(indices: np.ndarray, shape: tuple) -> np.ndarray:
    if not shape:
        return np.zeros(len(indices), dtype=np.int64)
    return np.ravel_multi_index(tuple(indices.T), shape).astype(np.int64)


def _sorted(indices: np.ndarray) -> np.ndarray:
    """The order that puts ``indices`` in row-major (TensorFlow's canonical) order."""
    if not len(indices) or indices.shape[1] == 0:
        return np.arange(len(indices), dtype=np.int64)
    return np.lexsort(indices.T[::-1])


def _scatter(values: Tensor, positions, size: int) -> Tensor:
    """A length-``size`` vector, zero except ``values`` at ``positions`` (differentiable)."""
    return to_dense(SparseTensor(np.asarray(positions, np.int64).reshape(-1, 1), values, [size]))


def to_dense(sp_input, default_value=None, validate_indices=True, name=None) -> Tensor:
    """The dense tensor of ``sp_input``: its values at its indices, ``default_value`` (0)
    elsewhere; a repeated index keeps the last value. Differentiable in the values.

    Args:
        sp_input: a SparseTensor.
        default_value: the value of the missing entries. Defaults to ``None`` (zero).
        validate_indices: accepted as TensorFlow's. Defaults to ``True``.
        name: ignored. Defaults to ``None``.

    Returns:
        A Tensor of shape ``sp_input.dense_shape`` and the values' dtype.

    Raises:
        TypeError: ``sp_input`` is not a SparseTensor.

    Example:
        >>> st = numnet.sparse.SparseTensor([[1]], [5.0], [3])
        >>> numnet.sparse.to_dense(st, default_value=-1).numpy().tolist()
        [-1.0, 5.0, -1.0]
    """
    sp = _check(sp_input, "sparse.to_dense(sp_input)")
    xp = backend.xp
    values = sp.values
    fill = 0 if default_value is None else _host(default_value).item()
    base = xp.full(sp.shape, fill, dtype=values.value.dtype)
    keep = backend.to_device(_flat(sp.indices.value, sp.shape))
    out = base.reshape(-1).copy()
    out[keep] = values.value
    dense = out.reshape(sp.shape)
    if not values.requires_grad:
        return Tensor(dense)

    def backward(g):
        _ops.accumulate(values, g.reshape(-1)[keep])

    return _ops.node(dense, (values,), backward)


def from_dense(tensor, name=None) -> SparseTensor:
    """The SparseTensor of the non-zero entries of ``tensor``, in row-major order, with the
    tensor's dtype.

    Example:
        >>> numnet.sparse.from_dense([[0, 3], [4, 0]]).indices.numpy().tolist()
        [[0, 1], [1, 0]]
    """
    if isinstance(tensor, Tensor):
        dense = tensor
    else:
        array = np.asarray(tensor)
        if not isinstance(tensor, np.ndarray):
            array = array.astype(np.float32) if array.dtype == np.float64 else \
                array.astype(np.int32) if array.dtype == np.int64 else array
        dense = Tensor(backend.to_device(array))
    array = _host(dense)
    indices = np.argwhere(array != 0)
    if not array.ndim:
        return SparseTensor(indices.reshape(len(indices), 0), _ops.reshape(dense, (1,))
                            [np.arange(len(indices))], ())
    return SparseTensor(indices, dense[tuple(indices.T)], array.shape)


def reorder(sp_input, name=None) -> SparseTensor:
    """The same entries with the indices in row-major order (TensorFlow's canonical order).

    Example:
        >>> st = numnet.sparse.SparseTensor([[1, 0], [0, 1]], [1, 2], [2, 2])
        >>> numnet.sparse.reorder(st).values.numpy().tolist()
        [2, 1]
    """
    sp = _check(sp_input, "sparse.reorder(sp_input)")
    order = _sorted(sp.indices.value)
    return SparseTensor(sp.indices.value[order], _take(sp, order), sp.shape)


def _axes(axis, rank: int, where: str) -> list:
    if axis is None:
        return list(range(rank))
    axes = _int_list(axis, where)
    for a in axes:
        if not -rank <= a < rank:
            raise ValueError(f"{where}: axis {a} is out of range for a SparseTensor of rank "
                             f"{rank}; use an axis in [{-rank}, {rank}).")
    return sorted({a % rank for a in axes})


def _reduced(dense: Tensor, sp: SparseTensor, axes: list, keepdims: bool,
             output_is_sparse: bool):
    if not output_is_sparse:
        return dense
    # a sparse result holds the groups that had a stored entry, as TensorFlow's
    kept = [d for d in range(sp.ndim) if d not in axes]
    groups = np.unique(sp.indices.value[:, kept], axis=0) if len(sp.indices.value) else \
        np.zeros((0, len(kept)), np.int64)
    if keepdims:
        full = np.zeros((len(groups), sp.ndim), np.int64)
        full[:, kept] = groups
        groups, shape = full, tuple(1 if d in axes else n for d, n in enumerate(sp.shape))
    else:
        shape = tuple(sp.shape[d] for d in kept)
    values = dense[tuple(groups.T)] if shape else _ops.reshape(dense, (1,))[
        np.zeros(len(groups), np.int64)]
    return SparseTensor(groups, values, shape)


def reduce_sum(sp_input, axis=None, keepdims=False, output_is_sparse=False, name=None):
    """The sum of the stored entries over ``axis`` (all axes when None).

    Args:
        sp_input: a SparseTensor.
        axis: an int or list of ints. Defaults to ``None`` (every axis).
        keepdims: keep the reduced axes with length 1. Defaults to ``False``.
        output_is_sparse: return a SparseTensor holding the sums of the groups that have a
            stored entry. Defaults to ``False`` (a dense Tensor).
        name: ignored. Defaults to ``None``.

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 1], [2, 0], [2, 2]], [1, 2, 3], [3, 3])
        >>> numnet.sparse.reduce_sum(st, axis=1).numpy().tolist()
        [1, 0, 5]
    """
    sp = _check(sp_input, "sparse.reduce_sum(sp_input)")
    axes = _axes(axis, sp.ndim, "sparse.reduce_sum(axis)")
    dense = _ops.sum(to_dense(sp), axis=tuple(axes), keepdims=keepdims or output_is_sparse)
    if not (keepdims or output_is_sparse):
        return dense
    if output_is_sparse and not keepdims:
        dense = _ops.reshape(dense, tuple(n for d, n in enumerate(sp.shape) if d not in axes))
    return _reduced(dense, sp, axes, keepdims, output_is_sparse)


def reduce_max(sp_input, axis=None, keepdims=False, output_is_sparse=False, name=None):
    """The largest stored entry over ``axis``: missing entries are not read as zero (a row of
    negative values has a negative maximum); a group with no stored entry gives 0, as
    TensorFlow. The gradient goes to the largest values.

    Args:
        sp_input: a SparseTensor.
        axis: an int or list of ints. Defaults to ``None`` (every axis).
        keepdims: keep the reduced axes with length 1. Defaults to ``False``.
        output_is_sparse: a SparseTensor of the groups that have a stored entry. Defaults to
            ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 1], [1, 0]], [-2.0, 5.0], [3, 2])
        >>> numnet.sparse.reduce_max(st, axis=1).numpy().tolist()
        [-2.0, 5.0, 0.0]
    """
    sp = _check(sp_input, "sparse.reduce_max(sp_input)")
    axes = _axes(axis, sp.ndim, "sparse.reduce_max(axis)")
    dtype = np.dtype(sp.dtype)
    lowest = -np.inf if dtype.kind == "f" else np.iinfo(dtype).min if dtype.kind in "iu" else 0
    dense = to_dense(sp, default_value=np.asarray(lowest, dtype=dtype))
    present = np.zeros(sp.shape, dtype=bool)
    if len(sp.indices.value):
        present[tuple(sp.indices.value.T)] = True
    seen = present.any(axis=tuple(axes), keepdims=True) if axes else present
    largest = _ops.max(dense, axis=tuple(axes), keepdims=True) if axes else dense
    largest = _ops.where(backend.to_device(seen), largest, _ops.as_tensor(
        np.zeros((), dtype=dtype), dtype=dtype))
    if not (keepdims or output_is_sparse) or (output_is_sparse and not keepdims):
        largest = _ops.reshape(largest, tuple(n for d, n in enumerate(sp.shape)
                                              if d not in axes))
    return _reduced(largest, sp, axes, keepdims, output_is_sparse)


def _union(a: SparseTensor, b: SparseTensor, where: str):
    """The sorted union of the indices of ``a`` and ``b``, both value vectors on it (zero
    where one of them has no entry), and where both have an entry."""
    if a.shape != b.shape:
        raise ValueError(f"{where}: the two SparseTensors have dense shapes {list(a.shape)} and "
                         f"{list(b.shape)}; they must be equal.")
    flat_a, flat_b = _flat(a.indices.value, a.shape), _flat(b.indices.value, b.shape)
    union = np.unique(np.concatenate([flat_a, flat_b]))
    at_a, at_b = np.searchsorted(union, flat_a), np.searchsorted(union, flat_b)
    indices = np.stack(np.unravel_index(union, a.shape), axis=1) if a.shape else \
        np.zeros((len(union), 0), np.int64)
    va, vb = _ops.promote(_scatter(a.values, at_a, len(union)),
                          _scatter(b.values, at_b, len(union)))
    both = np.zeros(len(union), dtype=bool)
    both[np.intersect1d(at_a, at_b)] = True
    return indices, va, vb, both


def add(a, b, threshold=0, name=None):
    """``a + b`` where one or both are SparseTensors. Two SparseTensors give a SparseTensor
    on the union of their indices (a sum that is 0 stays stored; with ``threshold``, a sum of
    two stored values whose magnitude is below it is dropped, while an entry stored in one of
    them only is kept as it is, as TensorFlow's kernel); a dense operand gives a dense Tensor.

    Args:
        a, b: SparseTensors or dense tensors (at least one sparse).
        threshold: for two SparseTensors, the smallest magnitude of a sum that is kept.
            Defaults to ``0``.
        name: ignored. Defaults to ``None``.

    Raises:
        ValueError: two SparseTensors of different dense shapes.

    Example:
        >>> a = numnet.sparse.SparseTensor([[0, 0]], [1.0], [2, 2])
        >>> b = numnet.sparse.SparseTensor([[0, 0], [1, 1]], [-1.0, 3.0], [2, 2])
        >>> numnet.sparse.add(a, b).values.numpy().tolist()
        [0.0, 3.0]
    """
    if isinstance(a, SparseTensor) and isinstance(b, SparseTensor):
        indices, va, vb, both = _union(a, b, "sparse.add(a, b)")
        total = _ops.add(va, vb)
        limit = float(_host(threshold))
        if limit > 0:
            keep = np.flatnonzero(~both | (np.abs(_host(total)) >= limit))
            indices, total = indices[keep], total[keep]
        return SparseTensor(indices, total, a.shape)
    da = to_dense(a) if isinstance(a, SparseTensor) else _ops.as_tensor(a)
    db = to_dense(b) if isinstance(b, SparseTensor) else _ops.as_tensor(b)
    return _ops.add(*_ops.promote(da, db))


def maximum(sp_a, sp_b, name=None) -> SparseTensor:
    """The element-wise maximum of two SparseTensors of one shape, on the union of their
    indices; a missing entry counts as zero there.

    Example:
        >>> a = numnet.sparse.SparseTensor([[0], [1]], [-1.0, 2.0], [3])
        >>> b = numnet.sparse.SparseTensor([[1], [2]], [4.0, -3.0], [3])
        >>> numnet.sparse.maximum(a, b).values.numpy().tolist()
        [0.0, 4.0, 0.0]
    """
    indices, va, vb, _ = _union(_check(sp_a, "sparse.maximum(sp_a)"),
                             _check(sp_b, "sparse.maximum(sp_b)"), "sparse.maximum")
    return SparseTensor(indices, _ops.maximum(va, vb), sp_a.shape)


def minimum(sp_a, sp_b, name=None) -> SparseTensor:
    """The element-wise minimum of two SparseTensors of one shape, on the union of their
    indices; a missing entry counts as zero there (as ``maximum``).

    Example:
        >>> a = numnet.sparse.SparseTensor([[0], [1]], [-1.0, 2.0], [3])
        >>> b = numnet.sparse.SparseTensor([[1]], [4.0], [3])
        >>> numnet.sparse.minimum(a, b).values.numpy().tolist()
        [-1.0, 2.0]
    """
    indices, va, vb, _ = _union(_check(sp_a, "sparse.minimum(sp_a)"),
                             _check(sp_b, "sparse.minimum(sp_b)"), "sparse.minimum")
    return SparseTensor(indices, _ops.minimum(va, vb), sp_a.shape)


def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None) -> Tensor:
    """The matrix product of a SparseTensor (or dense) ``sp_a`` with a dense ``b``; a missing
    entry of ``sp_a`` is zero. ``adjoint_a`` / ``adjoint_b`` transpose the operand first.

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 1], [1, 0]], [13, 15], [2, 2])
        >>> numnet.sparse.sparse_dense_matmul(st, [[4], [6]]).numpy().tolist()
        [[78], [60]]
    """
    a = to_dense(sp_a) if isinstance(sp_a, SparseTensor) else _ops.as_tensor(sp_a)
    b = to_dense(b) if isinstance(b, SparseTensor) else _ops.as_tensor(
        b, dtype=a.dtype if not isinstance(b, Tensor) else None)
    if adjoint_a:
        a = _ops.transpose(a)
    if adjoint_b:
        b = _ops.transpose(b)
    return _ops.matmul(a, b)


def concat(axis, sp_inputs, name=None, expand_nonconcat_dims=False, concat_dim=None):
    """SparseTensors joined along ``axis``: the indices of each input move by the sizes of
    the inputs before it, and the result is in row-major order.

    Args:
        axis: the axis to join along.
        sp_inputs: a list of SparseTensors of one rank (dense tensors are made sparse).
        name: ignored. Defaults to ``None``.
        expand_nonconcat_dims: let the other axes differ and take the largest. Defaults to
            ``False`` (they must be equal).
        concat_dim: TensorFlow 1's name for ``axis``. Defaults to ``None``.

    Raises:
        ValueError: ranks differ, or the other axes differ without expand_nonconcat_dims.

    Example:
        >>> a = numnet.sparse.SparseTensor([[0, 1]], [1], [2, 2])
        >>> b = numnet.sparse.SparseTensor([[1, 0]], [2], [2, 3])
        >>> numnet.sparse.concat(axis=1, sp_inputs=[a, b]).indices.numpy().tolist()
        [[0, 1], [1, 2]]
    """
    axis = concat_dim if concat_dim is not None else axis
    inputs = [x if isinstance(x, SparseTensor) else from_dense(x) for x in sp_inputs]
    if not inputs:
        raise ValueError("sparse.concat(sp_inputs): expected at least one SparseTensor, given "
                         "none.")
    rank = inputs[0].ndim
    if any(x.ndim != rank for x in inputs):
        raise ValueError(f"sparse.concat(sp_inputs): ranks {[x.ndim for x in inputs]} differ; "
                         "give SparseTensors of one rank.")
    axis = _axes(axis, rank, "sparse.concat(axis)")[0]
    shapes = np.asarray([x.shape for x in inputs], dtype=np.int64)
    others = np.delete(shapes, axis, axis=1)
    if not expand_nonconcat_dims and (others != others[:1]).any():
        raise ValueError(f"sparse.concat(sp_inputs): dense shapes {shapes.tolist()} differ off "
                         f"axis {axis}; make them equal or pass expand_nonconcat_dims=True.")
    shape = list(shapes.max(axis=0))
    shape[axis] = int(shapes[:, axis].sum())
    offsets = np.concatenate([[0], np.cumsum(shapes[:, axis])[:-1]])
    parts = []
    for x, offset in zip(inputs, offsets, strict=True):
        moved = x.indices.value.copy()
        moved[:, axis] += offset
        parts.append(moved)
    indices = np.concatenate(parts) if parts else np.zeros((0, rank), np.int64)
    values = _ops.concatenate([_ops.promote(x.values, inputs[0].values)[0] for x in inputs],
                              axis=0)
    order = _sorted(indices)
    return SparseTensor(indices[order], values[order], shape)


def slice(sp_input, start, size, name=None) -> SparseTensor:  # noqa: A001 - TensorFlow's name
    """The entries of ``sp_input`` inside the box ``start`` .. ``start + size`` (cut at the
    dense shape), moved so that ``start`` is the origin.

    Args:
        sp_input: a SparseTensor.
        start: the first position on each axis.
        size: the length on each axis (a box that runs past the dense shape is cut there).
        name: ignored. Defaults to ``None``.

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 1], [1, 3]], [1, 2], [2, 4])
        >>> cut = numnet.sparse.slice(st, start=[0, 2], size=[2, 5])
        >>> cut.indices.numpy().tolist(), cut.dense_shape.numpy().tolist()
        ([[1, 1]], [2, 2])
    """
    sp = _check(sp_input, "sparse.slice(sp_input)")
    start = np.asarray(_int_list(start, "sparse.slice(start)"), np.int64)
    size = np.asarray(_int_list(size, "sparse.slice(size)"), np.int64)
    if len(start) != sp.ndim or len(size) != sp.ndim:
        raise ValueError(f"sparse.slice(start, size): expected {sp.ndim} integers each, given "
                         f"{start.tolist()} and {size.tolist()}.")
    dims = np.asarray(sp.shape, np.int64)
    stop = np.minimum(start + size, dims)
    shape = np.maximum(stop - np.minimum(start, dims), 0)
    indices = sp.indices.value
    inside = np.flatnonzero(((indices >= start) & (indices < stop)).all(axis=1))
    return SparseTensor(indices[inside] - start, _take(sp, inside), shape.tolist())


def split(keyword_required=None, sp_input=None, num_split=None, axis=None, name=None,
          split_dim=None):
    """``sp_input`` cut along ``axis`` into ``num_split`` SparseTensors; the first
    ``size % num_split`` parts are one longer. Call it with keywords, as TensorFlow asks.

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 0], [1, 3], [0, 4]], [1, 2, 3], [2, 5])
        >>> parts = numnet.sparse.split(sp_input=st, num_split=2, axis=1)
        >>> [p.dense_shape.numpy().tolist() for p in parts]
        [[2, 3], [2, 2]]
    """
    if keyword_required is not None:
        raise ValueError("sparse.split: pass sp_input=, num_split= and axis= as keywords.")
    sp = _check(sp_input, "sparse.split(sp_input)")
    axis = _axes(split_dim if split_dim is not None else axis, sp.ndim, "sparse.split(axis)")[0]
    num_split = int(num_split)
    length = sp.shape[axis]
    sizes = [length // num_split + (i < length % num_split) for i in range(num_split)]
    parts, begin = [], 0
    for part in sizes:
        start, box = [0] * sp.ndim, list(sp.shape)
        start[axis], box[axis] = begin, part
        parts.append(slice(reorder(sp), start, box))
        begin += part
    return parts


def map_values(op, *args, **kwargs) -> SparseTensor:
    """``op`` applied to the values of the SparseTensors among ``args`` / ``kwargs`` (all
    with the same indices); the result has those indices. Other arguments pass as they are.

    Example:
        >>> st = numnet.sparse.from_dense([[1, 0], [0, 3]])
        >>> numnet.sparse.map_values(numnet.add, st, 5).values.numpy().tolist()
        [6, 8]
    """
    sparse = [x for x in list(args) + list(kwargs.values()) if isinstance(x, SparseTensor)]
    if not sparse:
        raise ValueError("sparse.map_values: expected at least one SparseTensor among the "
                         "arguments, given none.")
    first = sparse[0]
    for other in sparse[1:]:
        if other.shape != first.shape or not np.array_equal(other.indices.value,
                                                            first.indices.value):
            raise ValueError("sparse.map_values: the SparseTensors must have the same indices "
                             "and dense_shape.")

    def unwrap(x):
        return x.values if isinstance(x, SparseTensor) else x

    values = op(*[unwrap(x) for x in args], **{k: unwrap(v) for k, v in kwargs.items()})
    return first.with_values(values)


def retain(sp_input, to_retain) -> SparseTensor:
    """The entries of ``sp_input`` where the boolean vector ``to_retain`` (one flag per stored
    value) is true.

    Example:
        >>> st = numnet.sparse.SparseTensor([[0], [2]], [0, 7], [3])
        >>> numnet.sparse.retain(st, numnet.not_equal(st.values, 0)).values.numpy().tolist()
        [7]
    """
    sp = _check(sp_input, "sparse.retain(sp_input)")
    flags = _host(to_retain).astype(bool).reshape(-1)
    if flags.shape[0] != len(sp.indices.value):
        raise ValueError(f"sparse.retain(to_retain): expected {len(sp.indices.value)} flags, one "
                         f"per stored value, given {flags.shape[0]}.")
    keep = np.flatnonzero(flags)
    return SparseTensor(sp.indices.value[keep], _take(sp, keep), sp.shape)


def transpose(sp_input, perm=None, name=None) -> SparseTensor:
    """The SparseTensor with its axes permuted by ``perm`` (reversed when None), in row-major
    order.

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 3], [2, 4]], [10, 20], [3, 10])
        >>> numnet.sparse.transpose(st).indices.numpy().tolist()
        [[3, 0], [4, 2]]
    """
    sp = _check(sp_input, "sparse.transpose(sp_input)")
    perm = list(range(sp.ndim))[::-1] if perm is None else _int_list(perm,
                                                                      "sparse.transpose(perm)")
    if sorted(perm) != list(range(sp.ndim)):
        raise ValueError(f"sparse.transpose(perm): expected a permutation of "
                         f"{list(range(sp.ndim))}, given {perm}.")
    indices = sp.indices.value[:, perm]
    order = _sorted(indices)
    return SparseTensor(indices[order], _take(sp, order), [sp.shape[p] for p in perm])


def reshape(sp_input, shape, name=None) -> SparseTensor:
    """The same entries in a new dense shape of the same size (one axis may be -1), as a dense
    reshape moves them (row-major).

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 3], [2, 4]], [10, 20], [3, 10])
        >>> numnet.sparse.reshape(st, [5, 6]).indices.numpy().tolist()
        [[0, 3], [4, 0]]
    """
    sp = _check(sp_input, "sparse.reshape(sp_input)")
    new = _int_list(shape, "sparse.reshape(shape)")
    total = int(np.prod(sp.shape)) if sp.shape else 1
    if new.count(-1) > 1:
        raise ValueError(f"sparse.reshape(shape): at most one -1, given {new}.")
    if -1 in new:
        known = int(np.prod([d for d in new if d != -1])) if len(new) > 1 else 1
        if known == 0 or total % known:
            raise ValueError(f"sparse.reshape(shape): {new} cannot hold {total} entries.")
        new[new.index(-1)] = total // known
    if int(np.prod(new)) != total:
        raise ValueError(f"sparse.reshape(shape): {new} holds {int(np.prod(new))} entries, the "
                         f"SparseTensor of dense shape {list(sp.shape)} has {total}; give a "
                         "shape of the same size.")
    flat = _flat(sp.indices.value, sp.shape)
    indices = np.stack(np.unravel_index(flat, new), axis=1) if new else \
        np.zeros((len(flat), 0), np.int64)
    return SparseTensor(indices, sp.values, new)


def expand_dims(sp_input, axis=None, name=None) -> SparseTensor:
    """The SparseTensor with a new axis of length 1 at ``axis`` (-1: the end).

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 0], [1, 1]], [1.0, 2.0], [2, 2])
        >>> numnet.sparse.expand_dims(st, 1).dense_shape.numpy().tolist()
        [2, 1, 2]
    """
    sp = _check(sp_input, "sparse.expand_dims(sp_input)")
    axis = -1 if axis is None else int(_host(axis))
    rank = sp.ndim + 1
    if not -rank <= axis < rank:
        raise ValueError(f"sparse.expand_dims(axis): {axis} is out of range for the new rank "
                         f"{rank}.")
    axis %= rank
    indices = np.insert(sp.indices.value, axis, 0, axis=1)
    return SparseTensor(indices, sp.values, sp.shape[:axis] + (1,) + sp.shape[axis:])


def reset_shape(sp_input, new_shape=None) -> SparseTensor:
    """The same entries with dense shape ``new_shape`` (no smaller than needed), or the
    tightest shape that holds them when None.

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 1]], [1.0], [4, 4])
        >>> numnet.sparse.reset_shape(st).dense_shape.numpy().tolist()
        [1, 2]
    """
    sp = _check(sp_input, "sparse.reset_shape(sp_input)")
    indices = sp.indices.value
    if new_shape is None:
        shape = (indices.max(axis=0) + 1).tolist() if len(indices) else [0] * sp.ndim
    else:
        shape = _int_list(new_shape, "sparse.reset_shape(new_shape)")
        if len(shape) != sp.ndim or (len(indices) and (indices >= np.asarray(shape)).any()):
            raise ValueError(f"sparse.reset_shape(new_shape): {shape} does not hold the stored "
                             f"entries of the SparseTensor of dense shape {list(sp.shape)}.")
    return SparseTensor(indices, sp.values, shape)


def softmax(sp_input, name=None) -> SparseTensor:
    """The softmax over the stored entries of each row of the last axis (missing entries take
    no share), with the same indices.

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 0], [0, 2], [1, 1]], [0.0, 0.0, 3.0], [2, 3])
        >>> numnet.sparse.softmax(st).values.numpy().tolist()
        [0.5, 0.5, 1.0]
    """
    sp = _check(sp_input, "sparse.softmax(sp_input)")
    dense = to_dense(sp, default_value=np.asarray(-np.inf, dtype=np.dtype(sp.dtype)))
    largest = _ops.max(dense, axis=-1, keepdims=True)
    present = np.zeros(sp.shape, dtype=bool)
    if len(sp.indices.value):
        present[tuple(sp.indices.value.T)] = True
    largest = _ops.where(backend.to_device(present.any(axis=-1, keepdims=True)), largest, 0.0)
    shifted = _ops.where(backend.to_device(present), _ops.subtract(dense, largest), 0.0)
    weights = _ops.where(backend.to_device(present), _ops.exp(shifted), 0.0)
    total = _ops.sum(weights, axis=-1, keepdims=True)
    probabilities = _ops.divide(weights, _ops.where(
        backend.to_device(present.any(axis=-1, keepdims=True)), total, 1.0))
    return sp.with_values(probabilities[tuple(sp.indices.value.T)])


def fill_empty_rows(sp_input, default_value, name=None):
    """The SparseTensor with ``default_value`` stored at column 0 of each row (first axis)
    that has no entry, and a boolean vector that marks those rows.

    Example:
        >>> st = numnet.sparse.SparseTensor([[1, 0]], [3], [3, 2])
        >>> filled, empty = numnet.sparse.fill_empty_rows(st, -1)
        >>> filled.values.numpy().tolist(), empty.numpy().tolist()
        ([-1, 3, -1], [True, False, True])
    """
    sp = _check(sp_input, "sparse.fill_empty_rows(sp_input)")
    rows = sp.shape[0] if sp.ndim else 0
    empty = np.ones(rows, dtype=bool)
    empty[sp.indices.value[:, 0]] = False
    added = np.zeros((int(empty.sum()), sp.ndim), np.int64)
    added[:, 0] = np.flatnonzero(empty)
    fill = _ops.as_tensor(np.full(len(added), _host(default_value).item(),
                                  dtype=np.dtype(sp.dtype)), dtype=np.dtype(sp.dtype))
    indices = np.concatenate([sp.indices.value, added])
    values = _ops.concatenate([sp.values, fill], axis=0)
    order = _sorted(indices)
    return SparseTensor(indices[order], values[order], sp.shape), \
        Tensor(backend.to_device(empty))


def to_indicator(sp_input, vocab_size, name=None) -> Tensor:
    """A dense boolean tensor of shape ``dense_shape[:-1] + [vocab_size]``: for each row, True
    at the ids stored in it (the values are ids in [0, vocab_size)).

    Example:
        >>> st = numnet.sparse.SparseTensor([[0, 0], [0, 1], [1, 0]], [1, 3, 0], [2, 2])
        >>> numnet.sparse.to_indicator(st, 4).numpy().tolist()
        [[False, True, False, True], [True, False, False, False]]
    """
    sp = _check(sp_input, "sparse.to_indicator(sp_input)")
    ids = _host(sp.values).astype(np.int64)
    vocab_size = int(_host(vocab_size))
    if len(ids) and (ids.min() < 0 or ids.max() >= vocab_size):
        raise ValueError(f"sparse.to_indicator(sp_input): ids must lie in [0, {vocab_size}), "
                         f"given ids from {ids.min()} to {ids.max()}; raise vocab_size.")
    out = np.zeros(sp.shape[:-1] + (vocab_size,), dtype=bool)
    out[tuple(sp.indices.value[:, :-1].T) + (ids,)] = True
    return Tensor(backend.to_device(out))


def eye(num_rows, num_columns=None, dtype=np.float32, name=None) -> SparseTensor:
    """The identity matrix as a SparseTensor: ones at (i, i).

    Example:
        >>> numnet.sparse.eye(2, 3).indices.numpy().tolist()
        [[0, 0], [1, 1]]
    """
    rows = int(_host(num_rows))
    columns = rows if num_columns is None else int(_host(num_columns))
    diagonal = np.arange(min(rows, columns), dtype=np.int64)
    return SparseTensor(np.stack([diagonal, diagonal], axis=1),
                        np.ones(len(diagonal), dtype=np.dtype(dtype)), [rows, columns])


def _sequences(sp: SparseTensor) -> dict:
    """{leading index (a tuple): the values along the last axis, in index order}."""
    idx = backend.to_numpy(sp.indices.value)
    vals = backend.to_numpy(sp.values.value).tolist()
    vals = [v.decode("utf-8", "surrogateescape") if isinstance(v, bytes) else v for v in vals]
    out: dict = {}
    for i in np.lexsort(idx.T[::-1]) if len(idx) else []:
        out.setdefault(tuple(idx[i, :-1].tolist()), []).append(vals[i])
    return out


def _levenshtein(a: list, b: list) -> int:
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        prev, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (x != y))
    return row[-1]


def edit_distance(hypothesis, truth, normalize=True, name="edit_distance") -> Tensor:
    """The Levenshtein distance between the sequences of two SparseTensors (each sequence:
    the values along the last axis at one leading index), as TensorFlow's ``tf.edit_distance``.

    Args:
        hypothesis: a SparseTensor of rank R (the predicted sequences, e.g. CTC's decoded
            labels).
        truth: a SparseTensor of rank R (the reference sequences).
        normalize: divide each distance by the length of its truth sequence (an empty truth
            gives inf, or 0 when the hypothesis is empty too). Defaults to ``True``.
        name: ignored. Defaults to ``"edit_distance"``.

    Returns:
        A float32 Tensor of rank R - 1, the larger of the two dense shapes without their
        last axis.

    Raises:
        TypeError: an argument is not a SparseTensor.
        ValueError: the two have different ranks.

    Example:
        >>> hypothesis = numnet.SparseTensor([[0, 0], [0, 1], [1, 0]], ["a", "b", "c"], [2, 2])
        >>> truth = numnet.SparseTensor([[0, 0], [1, 0], [1, 1]], ["a", "c", "d"], [2, 2])
        >>> numnet.edit_distance(hypothesis, truth).numpy().tolist()
        [1.0, 0.5]
    """
    hyp = _check(hypothesis, "edit_distance(hypothesis)")
    ref = _check(truth, "edit_distance(truth)")
    if len(hyp.shape) != len(ref.shape):
        raise ValueError(f"edit_distance: hypothesis and truth must have the same rank, given "
                         f"dense shapes {list(hyp.shape)} and {list(ref.shape)}.")
    shape = tuple(max(int(a), int(b)) for a, b in zip(hyp.shape[:-1], ref.shape[:-1]))
    out = np.zeros(shape, dtype=np.float32)
    hyps, refs = _sequences(hyp), _sequences(ref)
    for key in set(hyps) | set(refs):
        h, r = hyps.get(key, []), refs.get(key, [])
        d = float(_levenshtein(h, r))
        if normalize:
            d = d / len(r) if r else (np.inf if d else 0.0)
        out[key] = d
    return Tensor(backend.to_device(out))


def bincount(values, weights=None, axis=0, minlength=None, maxlength=None,
             binary_output=False, name=None) -> SparseTensor:
    """Counts of each value as a SparseTensor (``tf.sparse.bincount``): with ``axis=-1`` one
    row of counts per row of a 2-D input, else one row for all values. Only the values that
    occur are stored, in order.

    Args:
        values: non-negative integers: a Tensor, array or SparseTensor (its values).
        weights: the amount each value adds (same shape as values). Defaults to ``None``
            (1 each).
        axis: 0 or None (count all), or -1 (count each row). Defaults to ``0``.
        minlength: the dense shape's last size is at least this. Defaults to ``None``.
        maxlength: values at or past it are dropped; the last size is at most this.
            Defaults to ``None``.
        binary_output: 1 for each value that occurs instead of its count. Defaults to
            ``False``.
        name: ignored. Defaults to ``None``.

    Returns:
        A SparseTensor of counts in the values' dtype (the weights' when weighted).

    Example:
        >>> out = numnet.sparse.bincount([[1, 3, 3], [2, 2, 0]], axis=-1)
        >>> out.indices.numpy().tolist(), out.values.numpy().tolist(), list(out.shape)
        ([[0, 1], [0, 3], [1, 0], [1, 2]], [1, 2, 1, 2], [2, 4])
    """
    if isinstance(values, SparseTensor):
        idx = np.asarray(backend.to_numpy(values.indices.value))
        raw = np.asarray(backend.to_numpy(values.values.value))
        vals = raw.astype(np.int64)
        rows = idx[:, 0] if len(values.shape) > 1 else np.zeros(len(vals), dtype=np.int64)
        nrows = int(values.shape[0]) if len(values.shape) > 1 else 1
        w = None if weights is None else np.asarray(_array(weights)).reshape(-1)
    else:
        raw = np.asarray(_array(values))
        data = raw.astype(np.int64)
        if data.ndim == 1 or axis in (0, None):
            data2 = data.reshape(1, -1)
        else:
            data2 = data.reshape(data.shape[0], -1)
        nrows = data2.shape[0]
        rows = np.repeat(np.arange(nrows), data2.shape[1])
        vals = data2.reshape(-1)
        w = None if weights is None else np.asarray(_array(weights)).reshape(-1)
    per_row = axis not in (0, None)
    if not per_row:
        rows, nrows = np.zeros_like(rows), 1
    if maxlength is not None:
        keep = vals < int(_plain(maxlength))
        rows, vals = rows[keep], vals[keep]
        w = None if w is None else w[keep]
    size = int(vals.max()) + 1 if len(vals) else 0
    if minlength is not None:
        size = max(size, int(_plain(minlength)))
    if maxlength is not None:
        size = min(size, int(_plain(maxlength)))
    # counts in the values' dtype, as TensorFlow's (the weights' when weighted)
    dtype = raw.dtype if w is None or binary_output else np.asarray(w).dtype
    table: dict = {}
    for i, (r, v) in enumerate(zip(rows.tolist(), vals.tolist())):
        add = 1 if w is None else w[i]
        table[(r, v)] = 1 if binary_output else table.get((r, v), 0) + add
    keys = sorted(table)
    shape = [nrows, size] if per_row else [size]
    indices = np.asarray([list(k) if per_row else [k[1]] for k in keys],
                         dtype=np.int64).reshape(-1, len(shape))
    out_values = np.asarray([table[k] for k in keys], dtype=dtype)
    return SparseTensor(indices, out_values, shape)


SPARSE = {"SparseTensor": SparseTensor, "bincount": bincount, "to_dense": to_dense,
          "from_dense": from_dense,
          "reorder": reorder, "reduce_sum": reduce_sum, "reduce_max": reduce_max, "add": add,
          "maximum": maximum, "minimum": minimum, "sparse_dense_matmul": sparse_dense_matmul,
          "concat": concat, "slice": slice, "split": split,
          "map_values": map_values, "retain": retain, "transpose": transpose,
          "reshape": reshape, "expand_dims": expand_dims, "reset_shape": reset_shape,
          "softmax": softmax, "fill_empty_rows": fill_empty_rows, "to_indicator": to_indicator,
          "eye": eye}
