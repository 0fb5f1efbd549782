"""TensorFlow's ``tf.sparse`` for the programs that build a small sparse tensor and make it
dense: ``tf.SparseTensor(indices, values, dense_shape)``, ``tf.sparse.to_dense``,
``from_dense``, ``reorder``, ``reduce_sum``, ``add`` and ``sparse_dense_matmul``.

numnet computes on dense arrays: a SparseTensor keeps its three parts and gives them to these
functions, each of which works through the dense array (fine for the masks and one-hot tables
programs make; not a sparse engine). The dense results are differentiable with respect to the
values where TensorFlow's are.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops


class SparseTensor:
    """A tensor given by the positions and values of its non-default entries, as
    ``tf.SparseTensor``.

    Args:
        indices: int64 array of shape (N, rank): the position of each value.
        values: array of shape (N,): the values.
        dense_shape: the shape of the whole tensor (rank ints).

    Raises:
        ValueError: the three do not fit together (named, with the shapes given).

    Example:
        >>> st = numnet.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2],
        ...                          dense_shape=[3, 4])
        >>> numnet.sparse.to_dense(st).numpy().tolist()
        [[1, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]]
    """

    def __init__(self, indices, values, dense_shape):
        indices = np.asarray(backend.to_numpy(getattr(indices, "value", indices)),
                             dtype=np.int64)
        shape = tuple(int(d) for d in np.asarray(
            backend.to_numpy(getattr(dense_shape, "value", dense_shape))).reshape(-1))
        if not isinstance(values, Tensor):
            array = np.asarray(values)
            if array.dtype == np.float64 and not isinstance(values, np.ndarray):
                array = array.astype(np.float32)  # Python floats: float32, as TensorFlow
            elif array.dtype == np.int64 and not isinstance(values, np.ndarray):
                array = array.astype(np.int32)
            values = Tensor(backend.to_device(array))
        if indices.ndim != 2 or indices.shape[1] != len(shape):
            raise ValueError(f"SparseTensor(indices): expected shape (N, {len(shape)}) for a "
                             f"dense_shape of rank {len(shape)}, given {indices.shape}.")
        if values.ndim != 1 or values.shape[0] != indices.shape[0]:
            raise ValueError(f"SparseTensor(values): expected shape ({indices.shape[0]},), one "
                             f"value per row of indices, given {tuple(values.shape)}.")
        if indices.size and ((indices < 0).any() or (indices >= np.asarray(shape)).any()):
            raise ValueError(f"SparseTensor(indices): an index is outside dense_shape "
                             f"{list(shape)}.")
        self.indices = Tensor(indices)
        self.values = values
        self.dense_shape = Tensor(np.asarray(shape, dtype=np.int64))
        self._shape = shape

    @property
    def shape(self) -> tuple:
        """The dense shape as a tuple."""
        return self._shape

    @property
    def dtype(self):
        """The dtype of the values."""
        return self.values.dtype

    @property
    def ndim(self) -> int:
        return len(self._shape)

    def to_dense(self, default_value=None) -> Tensor:
        """The dense tensor (``tf.sparse.to_dense(self)``)."""
        return to_dense(self, default_value)

    def __repr__(self) -> str:
        return (f"SparseTensor(indices={self.indices.numpy().tolist()}, values="
                f"{self.values.numpy().tolist()}, dense_shape={list(self._shape)})")


def _check(sp_input, where: str) -> SparseTensor:
    if not isinstance(sp_input, SparseTensor):
        raise TypeError(f"{where}: expected a SparseTensor, given {type(sp_input).__name__}; "
                        "make one with tf.SparseTensor(indices, values, dense_shape) or "
                        "tf.sparse.from_dense(x).")
    return sp_input


def to_dense(sp_input, default_value=None, validate_indices=True, name=None) -> Tensor:
    """The dense tensor of ``sp_input``: its values at its indices, ``default_value`` (0)
    elsewhere; a repeated index keeps the last value. Differentiable in the values.

    Example:
        >>> st = numnet.SparseTensor([[1]], [-float("inf")], [3])
        >>> numnet.sparse.to_dense(st).numpy().tolist()
        [0.0, -inf, 0.0]
    """
    sp = _check(sp_input, "sparse.to_dense(sp_input)")
    xp = backend.xp
    values = sp.values
    fill = 0 if default_value is None else default_value
    base = xp.full(sp.shape, fill, dtype=values.value.dtype)
    flat = np.ravel_multi_index(tuple(sp.indices.value.T), sp.shape) if sp.shape else \
        np.zeros(len(values.value), dtype=np.int64)
    keep = backend.to_device(np.asarray(flat, dtype=np.int64))
    out = base.reshape(-1).copy()
    out[keep] = values.value
    dense = out.reshape(sp.shape)
    if not values.requires_grad:
        return Tensor(dense)

    def backward(g):
        _ops.accumulate(values, g.reshape(-1)[keep])

    return _ops.node(dense, (values,), backward)


def from_dense(tensor, name=None) -> SparseTensor:
    """The SparseTensor of the non-zero entries of ``tensor``, in row-major order.

    Example:
        >>> numnet.sparse.from_dense([[0, 3], [4, 0]]).indices.numpy().tolist()
        [[0, 1], [1, 0]]
    """
    array = np.asarray(backend.to_numpy(getattr(tensor, "value", tensor)))
    indices = np.argwhere(array != 0)
    return SparseTensor(indices, array[tuple(indices.T)] if array.ndim else array.reshape(-1),
                        array.shape)


def reorder(sp_input, name=None) -> SparseTensor:
    """The same entries with the indices in row-major order (as TensorFlow's canonical form)."""
    sp = _check(sp_input, "sparse.reorder(sp_input)")
    indices = sp.indices.numpy()
    order = np.lexsort(indices.T[::-1]) if len(indices) else np.zeros(0, dtype=np.int64)
    return SparseTensor(indices[order], sp.values[order], sp.shape)


def reduce_sum(sp_input, axis=None, keepdims=False, output_is_sparse=False, name=None):
    """The sum of the entries (over ``axis``), as a dense Tensor."""
    dense = to_dense(_check(sp_input, "sparse.reduce_sum(sp_input)"))
    out = _ops.sum(dense, axis=axis, keepdims=keepdims)
    return from_dense(out) if output_is_sparse else out


def add(a, b, threshold=0, name=None):
    """``a + b`` where one or both are SparseTensors: dense when either is dense, as
    TensorFlow's; sparse when both are."""
    da = to_dense(a) if isinstance(a, SparseTensor) else _ops.as_tensor(a)
    db = to_dense(b) if isinstance(b, SparseTensor) else _ops.as_tensor(b)
    out = _ops.add(da, db)
    return from_dense(out) if isinstance(a, SparseTensor) and isinstance(b, SparseTensor) \
        else out


def sparse_dense_matmul(sp_a, b, adjoint_a=False, adjoint_b=False, name=None) -> Tensor:
    """The matrix product of a SparseTensor (or dense) ``sp_a`` with dense ``b``."""
    a = to_dense(sp_a) if isinstance(sp_a, SparseTensor) else _ops.as_tensor(sp_a)
    b = _ops.as_tensor(b)
    if adjoint_a:
        a = _ops.transpose(a)
    if adjoint_b:
        b = _ops.transpose(b)
    return _ops.matmul(a, b)


SPARSE = {"SparseTensor": SparseTensor, "to_dense": to_dense, "from_dense": from_dense,
          "reorder": reorder, "reduce_sum": reduce_sum, "add": add,
          "sparse_dense_matmul": sparse_dense_matmul}
