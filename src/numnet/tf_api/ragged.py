"""TensorFlow's ``tf.RaggedTensor`` and ``tf.ragged``: tensors whose rows have different
lengths (sentences of words, words of characters).

    r = tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])
    r.row_lengths()                    # Tensor([4, 0, 3, 1, 0])
    tf.reduce_sum(r, axis=1)           # Tensor([9, 0, 16, 6, 0])
    (r * 2).to_tensor()                # dense, the short rows padded with 0

A RaggedTensor is its ``values`` (a Tensor, or a RaggedTensor for more ragged dimensions) cut
into rows by ``row_splits``: row i is ``values[row_splits[i]:row_splits[i + 1]]``. The splits
are host integers (they only say where rows start); the values are numnet Tensors, so
arithmetic on them records its gradient like any other op.

The TensorFlow functions that accept ragged tensors (element-wise math and comparisons,
with TensorFlow's broadcasting; ``reduce_*``, ``concat``, ``stack``, ``tile``, ``gather``,
``boolean_mask``, ``map_fn``, ``shape``, ``size``, ``rank``, ``math.bincount``; tf.nn's
activations and ``embedding_lookup``; tf.strings' element-wise functions and ``reduce_join``)
take them through :func:`install`, which ``numnet.tf_compat`` calls on its names: a ragged
argument goes to this module's version, anything else to the function as it was.
``tf.strings.split`` and ``unicode_decode`` of several strings give RaggedTensors, and
``tf.data`` slices, batches and ``ragged_batch``-es them. Keras layers and ``fit`` take dense
arrays: make one with ``rt.to_tensor()`` (padded), which names itself in the error a
RaggedTensor raises where an array is needed.
"""

from __future__ import annotations

import builtins
import functools
import inspect

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from ..autodiff import tensor as _tensor_module
from ..autodiff.tensor import StringTensor, string_tensor
from ..data.structure import to_component
from . import control as _control
from .base import namespace
from .errors import InvalidArgumentError

__all__ = ["RaggedTensor", "constant", "ragged_range", "map_flat_values", "boolean_mask",
           "stack", "install"]

_range = builtins.range


# ----------------------------------------------------------------------------- helpers


def _is_text(values) -> bool:
    return isinstance(values, StringTensor) or (
        isinstance(values, Tensor) and values.dtype == object)


def _dense(value, dtype=None) -> Tensor:
    """``value`` as a Tensor with TensorFlow's dtypes (Python floats float32, ints int32,
    strings a string Tensor of bytes)."""
    if isinstance(value, RaggedTensor):
        raise TypeError("expected a dense tensor here, given a RaggedTensor; make it dense "
                        "with rt.to_tensor().")
    if isinstance(value, Tensor):
        if dtype is not None and value.dtype != np.dtype(dtype):
            return _ops.cast(value, np.dtype(dtype))
        return value
    if isinstance(value, (list, tuple)) and any(isinstance(v, Tensor) for v in value):
        return _dense(_ops.stack([_dense(v) for v in value], axis=0), dtype)
    array = to_component(value)
    if array.dtype == object or array.dtype.kind in "US":
        return string_tensor(array)
    if dtype is not None:
        array = array.astype(np.dtype(dtype), copy=False)
    return Tensor(backend.to_device(array))


def _splits_array(splits, where: str) -> np.ndarray:
    """Row splits (or lengths, ids) as a host array of int64 (int32 kept)."""
    array = np.asarray(backend.to_numpy(getattr(splits, "value", splits)))
    if array.size == 0:
        array = array.astype(np.int64)
    if array.ndim != 1 or array.dtype.kind not in "iu":
        raise ValueError(f"{where}: expected a 1-D vector of integers, given "
                         f"{array.dtype} of shape {array.shape}.")
    return array if array.dtype in (np.int32, np.int64) else array.astype(np.int64)


def _take(values, index):
    """The rows ``index`` (a host int array) of a Tensor or RaggedTensor, differentiably."""
    if isinstance(values, RaggedTensor):
        return values._gather_rows(index)
    index = np.asarray(index, dtype=np.int64)
    if _is_text(values):
        return string_tensor(values.value[index])
    return _ops.getitem(values, index)


def _length(values) -> int:
    return values.nrows_int() if isinstance(values, RaggedTensor) else int(values.shape[0])


def _ranges(starts, stops) -> np.ndarray:
    """The concatenation of range(starts[i], stops[i]) for each i (host int64)."""
    starts = np.asarray(starts, dtype=np.int64)
    lengths = np.maximum(np.asarray(stops, dtype=np.int64) - starts, 0)
    if lengths.sum() == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.arange(int(lengths.sum()), dtype=np.int64) + offsets


def _lengths_to_splits(lengths, dtype=np.int64) -> np.ndarray:
    return np.concatenate([[0], np.cumsum(lengths)]).astype(dtype)


_UNARY = object()  # RaggedTensor._apply's "no second operand"


def _format(x) -> str:
    if isinstance(x, np.ndarray):
        return np.array2string(x, separator=", ") if x.size else repr(x.tolist())
    return str(x)


# ----------------------------------------------------------------------------- the class


class RaggedTensor:
    """A tensor with rows of different lengths, as ``tf.RaggedTensor``: ``values`` cut into
    rows by ``row_splits`` (row i is ``values[row_splits[i]:row_splits[i + 1]]``).

    Build one with :func:`constant` (``tf.ragged.constant``) or a factory:
    ``RaggedTensor.from_row_splits``, ``from_row_lengths``, ``from_value_rowids``,
    ``from_row_starts``, ``from_row_limits``, ``from_tensor``, ``from_nested_row_splits``,
    ``from_nested_row_lengths``.

    Its shape has None for each ragged dimension (``(5, None)``); ``values`` is a Tensor, or a
    RaggedTensor when ``ragged_rank`` > 1; ``flat_values`` is the innermost Tensor.
    ``to_tensor()`` pads it to a dense Tensor, ``to_list()`` gives nested Python lists.
    Operators (``+ - * / // % ** -``, comparisons, ``& | ~``) apply to the values.

    Example:
        >>> r = numnet.RaggedTensor.from_row_splits([3, 1, 4, 1, 5], row_splits=[0, 2, 2, 5])
        >>> r
        <tf.RaggedTensor [[3, 1], [], [4, 1, 5]]>
        >>> r.row_lengths().numpy().tolist(), r.to_tensor().numpy().tolist()
        ([2, 0, 3], [[3, 1, 0], [0, 0, 0], [4, 1, 5]])
    """

    __array_priority__ = 2000  # above Tensor's: ``array + rt`` comes to RaggedTensor.__radd__

    def __init__(self, values, row_splits, validate: bool = True):
        splits = _splits_array(row_splits, "RaggedTensor(row_splits)")
        if not isinstance(values, RaggedTensor):
            values = _dense(values)
            if values.ndim == 0:
                raise ValueError("RaggedTensor(values): expected a tensor of rank >= 1 (one "
                                 "entry per value), given a scalar.")
        if validate:
            if splits.size == 0 or splits[0] != 0:
                raise ValueError(f"RaggedTensor(row_splits): expected a vector starting at 0, "
                                 f"given {splits.tolist()}.")
            if (np.diff(splits) < 0).any():
                raise ValueError(f"RaggedTensor(row_splits): expected non-decreasing splits, "
                                 f"given {splits.tolist()}.")
            if int(splits[-1]) != _length(values):
                raise ValueError(f"RaggedTensor(row_splits): the last split must equal the "
                                 f"number of values, {_length(values)}; given "
                                 f"{int(splits[-1])}.")
        self._values = values
        self._splits = splits
        self._uniform = None  # the row length of from_uniform_row_length, shown in the shape

    # ----- factories -----
    @classmethod
    def from_row_splits(cls, values, row_splits, name=None, validate: bool = True):
        """Rows ``values[row_splits[i]:row_splits[i + 1]]``.

        Args:
            values: a tensor (or RaggedTensor) of shape (nvals, ...).
            row_splits: int vector starting at 0, non-decreasing, ending at nvals.
            name: ignored. Defaults to ``None``.
            validate: check the splits. Defaults to ``True``.

        Raises:
            ValueError: the splits do not fit the values.
        """
        return cls(values, row_splits, validate=validate)

    @classmethod
    def from_row_lengths(cls, values, row_lengths, name=None, validate: bool = True):
        """Rows of the given lengths, taken in order from ``values``.

        Example:
            >>> numnet.RaggedTensor.from_row_lengths([3, 1, 4, 1, 5], [2, 0, 3]).to_list()
            [[3, 1], [], [4, 1, 5]]
        """
        lengths = _splits_array(row_lengths, "RaggedTensor.from_row_lengths(row_lengths)")
        if (lengths < 0).any():
            raise ValueError(f"RaggedTensor.from_row_lengths(row_lengths): expected lengths "
                             f">= 0, given {lengths.tolist()}.")
        return cls(values, _lengths_to_splits(lengths, lengths.dtype), validate=validate)

    @classmethod
    def from_value_rowids(cls, values, value_rowids, nrows=None, name=None,
                          validate: bool = True):
        """Value j goes to row ``value_rowids[j]`` (ids sorted ascending); ``nrows`` rows
        (defaults to the last id + 1), so trailing rows may be empty.

        Example:
            >>> numnet.RaggedTensor.from_value_rowids([3, 1, 4], [0, 0, 2], nrows=4).to_list()
            [[3, 1], [], [4], []]
        """
        ids = _splits_array(value_rowids, "RaggedTensor.from_value_rowids(value_rowids)")
        if ids.size and ((np.diff(ids) < 0).any() or ids[0] < 0):
            raise ValueError("RaggedTensor.from_value_rowids(value_rowids): expected sorted "
                             f"non-negative row ids, given {ids.tolist()}.")
        count = int(ids[-1]) + 1 if ids.size else 0
        nrows = count if nrows is None else int(np.asarray(getattr(nrows, "value", nrows)))
        if nrows < count:
            raise ValueError(f"RaggedTensor.from_value_rowids(nrows): expected at least "
                             f"{count} rows for these ids, given {nrows}.")
        lengths = np.bincount(ids, minlength=nrows)
        return cls(values, _lengths_to_splits(lengths, ids.dtype), validate=validate)

    @classmethod
    def from_row_starts(cls, values, row_starts, name=None, validate: bool = True):
        """Row i starts at ``row_starts[i]``; the last row ends at the last value."""
        starts = _splits_array(row_starts, "RaggedTensor.from_row_starts(row_starts)")
        end = np.asarray([_length(_dense(values) if not isinstance(values, RaggedTensor)
                                  else values)], dtype=starts.dtype)
        return cls(values, np.concatenate([starts, end]), validate=validate)

    @classmethod
    def from_row_limits(cls, values, row_limits, name=None, validate: bool = True):
        """Row i ends at ``row_limits[i]``; the first starts at 0."""
        limits = _splits_array(row_limits, "RaggedTensor.from_row_limits(row_limits)")
        return cls(values, np.concatenate([np.zeros(1, limits.dtype), limits]),
                   validate=validate)

    @classmethod
    def from_uniform_row_length(cls, values, uniform_row_length, nrows=None, name=None,
                                validate: bool = True):
        """Rows of ``uniform_row_length`` values each: a dimension of known size that can sit
        outside ragged ones (shape (2, 2, None) for rows of ragged rows).

        Example:
            >>> rt = numnet.ragged.constant([[1, 2], [3], [4, 5, 6], []])
            >>> numnet.RaggedTensor.from_uniform_row_length(rt, 2).shape
            TensorShape([2, 2, None])
        """
        length = int(np.asarray(getattr(uniform_row_length, "value", uniform_row_length)))
        total = _length(values if isinstance(values, RaggedTensor) else _dense(values))
        count = (total // length if length else int(nrows or 0)) if nrows is None else \
            int(nrows)
        out = cls(values, np.arange(count + 1, dtype=np.int64) * length, validate=validate)
        out._uniform = length
        return out

    @classmethod
    def from_nested_row_splits(cls, flat_values, nested_row_splits, name=None,
                               validate: bool = True):
        """A RaggedTensor with one ragged dimension per splits vector, outermost first."""
        result = flat_values
        for splits in reversed(list(nested_row_splits)):
            result = cls(result, splits, validate=validate)
        return result

    @classmethod
    def from_nested_row_lengths(cls, flat_values, nested_row_lengths, name=None,
                                validate: bool = True):
        """A RaggedTensor with one ragged dimension per lengths vector, outermost first."""
        result = flat_values
        for lengths in reversed(list(nested_row_lengths)):
            result = cls.from_row_lengths(result, lengths, validate=validate)
        return result

    @classmethod
    def from_tensor(cls, tensor, lengths=None, padding=None, ragged_rank: int = 1, name=None,
                    row_splits_dtype=np.int64):
        """The rows of a dense ``tensor`` (nrows, ncols, ...), each cut to its length:
        ``lengths[i]`` when given, else where the trailing ``padding`` entries begin, else
        the whole row. ``ragged_rank`` > 1 makes the next dimensions ragged too (each cut the
        same way). ``lengths`` as a tuple or list of 1-D lengths cuts one ragged dimension
        each, as TensorFlow's: the rows by the first, the rows kept of the next dimension by
        the second, and so on.

        Example:
            >>> numnet.RaggedTensor.from_tensor([[1, 0, 0], [2, 3, 0]], padding=0).to_list()
            [[1], [2, 3]]
        """
        if lengths is not None and padding is not None:
            raise ValueError("RaggedTensor.from_tensor: give lengths or padding, not both.")
        if isinstance(lengths, (list, tuple)) and lengths and isinstance(
                lengths[0], (list, tuple, np.ndarray, Tensor)):
            outer = cls.from_tensor(tensor, lengths=lengths[0], row_splits_dtype=row_splits_dtype)
            if len(lengths) == 1:
                return outer
            rest = lengths[1] if len(lengths) == 2 else tuple(lengths[1:])
            inner = cls.from_tensor(outer.values, lengths=rest,
                                    row_splits_dtype=row_splits_dtype)
            return cls.from_row_splits(inner, outer.row_splits)
        tensor = _dense(tensor)
        if tensor.ndim < ragged_rank + 1:
            raise ValueError(f"RaggedTensor.from_tensor(ragged_rank): expected a tensor of rank "
                             f"> {ragged_rank}, given rank {tensor.ndim}.")
        if ragged_rank > 1:
            shape = tuple(tensor.shape)
            inner = cls.from_tensor(_ops.reshape(tensor, (shape[0] * shape[1],) + shape[2:]),
                                    lengths=None, padding=padding, ragged_rank=ragged_rank - 1,
                                    row_splits_dtype=row_splits_dtype)
            splits = np.arange(0, shape[0] * shape[1] + 1, shape[1], dtype=row_splits_dtype)
            return cls(inner, splits, validate=False)
        nrows, ncols = int(tensor.shape[0]), int(tensor.shape[1])
        if lengths is not None:
            row_lengths = np.minimum(_splits_array(lengths, "RaggedTensor.from_tensor"
                                                             "(lengths)"), ncols)
        elif padding is not None:
            host = np.asarray(backend.to_numpy(tensor.value))
            pad = np.asarray(backend.to_numpy(getattr(padding, "value", padding)))
            if host.dtype == object:
                pad = pad.astype(object)
                pad = np.vectorize(lambda v: v.encode() if isinstance(v, str) else v,
                                   otypes=[object])(pad) if pad.size else pad
            same = host == pad
            same = same.reshape(nrows, ncols, -1).all(axis=2)
            keep = ~same
            # a row's length: one past its last entry that is not padding
            last = np.where(keep.any(axis=1), ncols - np.argmax(keep[:, ::-1], axis=1), 0)
            row_lengths = last
        else:
            row_lengths = np.full(nrows, ncols)
        row_lengths = np.asarray(row_lengths, dtype=np.int64)
        index = _ranges(np.arange(nrows) * ncols, np.arange(nrows) * ncols + row_lengths)
        flat = _ops.reshape(tensor, (nrows * ncols,) + tuple(tensor.shape[2:])) \
            if not _is_text(tensor) else string_tensor(
                tensor.value.reshape((nrows * ncols,) + tuple(tensor.shape[2:])))
        return cls(_take(flat, index), _lengths_to_splits(row_lengths, row_splits_dtype),
                   validate=False)

    # ----- parts -----
    @property
    def values(self):
        """The concatenated rows: a Tensor, or a RaggedTensor when ragged_rank > 1."""
        return self._values

    @property
    def row_splits(self) -> Tensor:
        """Where each row starts and the last ends (int64 vector of nrows + 1)."""
        return Tensor(self._splits.copy())

    @property
    def flat_values(self) -> Tensor:
        """The innermost values: a Tensor of shape (number of values, uniform inner dims...)."""
        values = self._values
        while isinstance(values, RaggedTensor):
            values = values._values
        return values

    @property
    def nested_row_splits(self) -> tuple:
        """The row splits of each ragged dimension, outermost first."""
        out, rt = [], self
        while isinstance(rt, RaggedTensor):
            out.append(rt.row_splits)
            rt = rt._values
        return tuple(out)

    def _nested_splits(self) -> list:
        out, rt = [], self
        while isinstance(rt, RaggedTensor):
            out.append(rt._splits)
            rt = rt._values
        return out

    @property
    def ragged_rank(self) -> int:
        """How many ragged dimensions there are (1 for a matrix of ragged rows)."""
        return len(self._nested_splits())

    @property
    def dtype(self):
        """The dtype of the values."""
        return self.flat_values.dtype

    @property
    def row_splits_dtype(self):
        """The dtype of the row splits (int64, or int32 when asked for)."""
        return self._splits.dtype

    @property
    def shape(self):
        """The static shape: nrows, None for each ragged dimension, then the uniform ones."""
        from .control import TensorShape

        dims, rt = [self.nrows_int()], self
        while isinstance(rt, RaggedTensor):
            dims.append(rt._uniform)
            rt = rt._values
        return TensorShape(dims + list(rt.shape[1:]))

    @property
    def uniform_row_length(self):
        """The length of every row when made with from_uniform_row_length, else None."""
        return None if self._uniform is None else Tensor(np.asarray(self._uniform, np.int64))

    @property
    def ndim(self) -> int:
        """The rank: the rows, each ragged dimension and the uniform inner ones."""
        return self.ragged_rank + self.flat_values.ndim

    def get_shape(self):
        """The same as :attr:`shape`."""
        return self.shape

    def nrows_int(self) -> int:
        """The number of rows as a Python int."""
        return len(self._splits) - 1

    def nrows(self, out_type=None, name=None) -> Tensor:
        """The number of rows (int64 scalar)."""
        return Tensor(np.asarray(self.nrows_int(), dtype=out_type or self._splits.dtype))

    def row_lengths(self, axis: int = 1, name=None):
        """Each row's length (int64 vector); ``axis=2`` the lengths one dimension in, as a
        RaggedTensor shaped like self's first two dimensions."""
        if axis in (1, -self.ndim + 1):
            return Tensor(np.diff(self._splits))
        if axis == 0:
            raise ValueError("RaggedTensor.row_lengths(axis): expected axis >= 1 (rows have "
                             "lengths; the tensor itself has nrows()), given 0.")
        if not isinstance(self._values, RaggedTensor):
            return RaggedTensor(Tensor(np.full(_length(self._values), self._values.shape[1],
                                               dtype=np.int64)), self._splits, validate=False)
        return RaggedTensor(self._values.row_lengths(axis - 1), self._splits, validate=False)

    def row_starts(self, name=None) -> Tensor:
        """Where each row starts in ``values`` (``row_splits[:-1]``)."""
        return Tensor(self._splits[:-1].copy())

    def row_limits(self, name=None) -> Tensor:
        """Where each row ends in ``values`` (``row_splits[1:]``)."""
        return Tensor(self._splits[1:].copy())

    def value_rowids(self, name=None) -> Tensor:
        """The row of each value (int64 vector of nvals)."""
        return Tensor(self._rowids())

    def nested_value_rowids(self, name=None) -> tuple:
        """The row ids of each ragged dimension, outermost first (``value_rowids()`` of this
        tensor, then of its values, ...): one int vector a ragged dimension.

        Example:
            >>> rt = numnet.ragged.constant([[[1, 2], []], [[3]]])
            >>> [ids.numpy().tolist() for ids in rt.nested_value_rowids()]
            [[0, 0, 1], [0, 0, 2]]
        """
        out, rt = [], self
        while isinstance(rt, RaggedTensor):
            out.append(rt.value_rowids())
            rt = rt._values
        return tuple(out)

    def nested_row_lengths(self, name=None) -> tuple:
        """The row lengths of each ragged dimension, outermost first."""
        out, rt = [], self
        while isinstance(rt, RaggedTensor):
            out.append(rt.row_lengths())
            rt = rt._values
        return tuple(out)

    def _rowids(self) -> np.ndarray:
        return np.repeat(np.arange(self.nrows_int(), dtype=self._splits.dtype),
                         np.diff(self._splits))

    def bounding_shape(self, axis=None, name=None, out_type=None) -> Tensor:
        """The smallest dense shape that holds every row (int64): nrows, the longest row,
        ... ``axis`` picks one dimension."""
        dims = [self.nrows_int(), int(np.diff(self._splits).max()) if self.nrows_int() else 0]
        if isinstance(self._values, RaggedTensor):
            dims += backend.to_numpy(self._values.bounding_shape().value).tolist()[1:]
        else:
            dims += list(self._values.shape[1:])
        out = np.asarray(dims, dtype=out_type or self._splits.dtype)
        return Tensor(out if axis is None else out[axis])

    # ----- replacing parts -----
    def with_values(self, new_values) -> RaggedTensor:
        """The same rows over ``new_values`` (as many as ``values``)."""
        return RaggedTensor(new_values, self._splits)

    def with_flat_values(self, new_values) -> RaggedTensor:
        """The same ragged structure over ``new_values`` (as many as ``flat_values``)."""
        if isinstance(self._values, RaggedTensor):
            return RaggedTensor(self._values.with_flat_values(new_values), self._splits)
        return RaggedTensor(new_values, self._splits)

    def with_row_splits_dtype(self, dtype) -> RaggedTensor:
        """The same tensor with row splits of ``dtype`` (tf.int32 or tf.int64)."""
        values = self._values
        if isinstance(values, RaggedTensor):
            values = values.with_row_splits_dtype(dtype)
        return RaggedTensor(values, self._splits.astype(np.dtype(dtype)), validate=False)

    # ----- conversions -----
    def to_tensor(self, default_value=None, name=None, shape=None) -> Tensor:
        """The dense Tensor: each row padded with ``default_value`` (0, or b"" for strings)
        to the longest row, or cut and padded to ``shape`` (None entries keep the bounding
        size). Differentiable with respect to the values.

        Example:
            >>> numnet.ragged.constant([[1, 2], [3]]).to_tensor(-1).numpy().tolist()
            [[1, 2], [3, -1]]
        """
        shape = None if shape is None else [
            None if d is None else int(d)
            for d in np.asarray(getattr(shape, "value", shape), dtype=object).tolist()]
        if shape is not None and len(shape) != self.ndim:
            raise ValueError(f"RaggedTensor.to_tensor(shape): expected {self.ndim} dimensions, "
                             f"given {shape}.")
        return self._to_dense(default_value, shape)

    def _to_dense(self, default_value, shape):
        inner_shape = None if shape is None else [None] + shape[2:]
        values = self._values
        if isinstance(values, RaggedTensor):
            values = values._to_dense(default_value, inner_shape)
        elif inner_shape is not None:
            values = _fit_inner(values, inner_shape, default_value)
        lengths = np.diff(self._splits)
        nrows = self.nrows_int() if shape is None or shape[0] is None else shape[0]
        width = (int(lengths.max()) if lengths.size else 0) if shape is None or \
            shape[1] is None else shape[1]
        n = _length(values)
        # each output position: the index of its value, or n (the default appended after them)
        take = np.full((nrows, width), n, dtype=np.int64)
        rows = min(nrows, self.nrows_int())
        cols = np.arange(width)
        inside = cols[None, :] < lengths[:rows, None]
        take[:rows][inside] = (self._splits[:rows, None] + cols[None, :])[inside]
        fill = _default_block(values, default_value)
        if _is_text(values):
            joined = np.concatenate([values.value, fill.value], axis=0)
            return string_tensor(joined[take])
        joined = _ops.concatenate([values, fill], axis=0)
        return _ops.getitem(joined, take)

    def to_sparse(self, name=None):
        """The same entries as a ``tf.SparseTensor`` whose dense shape is the bounding shape."""
        from .sparse import SparseTensor

        flat = self.flat_values
        values = _ops.reshape(flat, (-1,)) if not _is_text(flat) else string_tensor(
            flat.value.reshape(-1))
        return SparseTensor(self._entry_indices(), values, self.bounding_shape().numpy())

    def _entry_indices(self) -> np.ndarray:
        """The full index (one column a dimension) of each entry of the flat values."""
        rowids = self._rowids().astype(np.int64)
        if isinstance(self._values, RaggedTensor):
            inner = self._values._entry_indices()
            first = inner[:, 0]
            outer = np.stack([rowids[first], first - self._splits[rowids[first]]], axis=1)
            return np.concatenate([outer, inner[:, 1:]], axis=1)
        shape = tuple(self._values.shape[1:])
        where = np.stack([rowids, np.arange(len(rowids)) - self._splits[rowids]], axis=1)
        if not shape:
            return where
        cells = np.indices(shape).reshape(len(shape), -1).T
        return np.concatenate([np.repeat(where, len(cells), axis=0),
                               np.tile(cells, (len(where), 1))], axis=1)

    @classmethod
    def from_sparse(cls, st_input, name=None, row_splits_dtype=np.int64):
        """A 2-D ``tf.SparseTensor`` whose entries fill each row from its start (row-major
        order) as a RaggedTensor of those rows."""
        indices = np.asarray(backend.to_numpy(st_input.indices.value))
        nrows = int(st_input.shape[0])
        if indices.shape[1] != 2:
            raise ValueError(f"RaggedTensor.from_sparse(st_input): expected a 2-D SparseTensor, "
                             f"given rank {indices.shape[1]}.")
        lengths = np.bincount(indices[:, 0], minlength=nrows)
        splits = _lengths_to_splits(lengths, row_splits_dtype)
        rowids = np.repeat(np.arange(nrows), lengths)
        if not (np.array_equal(indices[:, 0], rowids) and np.array_equal(
                indices[:, 1], np.arange(len(rowids)) - splits[rowids])):
            raise ValueError("RaggedTensor.from_sparse(st_input): expected the entries of each "
                             "row from its first column on, in row-major order.")
        return cls(st_input.values, splits, validate=False)

    def to_list(self) -> list:
        """Nested Python lists of the values (``bytes`` for strings, as TensorFlow)."""
        values = self._values.to_list() if isinstance(self._values, RaggedTensor) else \
            np.asarray(backend.to_numpy(self._values.value)).tolist()
        return [values[a:b] for a, b in zip(self._splits[:-1].tolist(),
                                            self._splits[1:].tolist(), strict=True)]

    def tolist(self) -> list:
        """The same as :meth:`to_list`."""
        return self.to_list()

    def numpy(self) -> np.ndarray:
        """The rows as NumPy arrays, as TensorFlow: a 1-D object array of arrays when the rows
        differ in length, one array of one more dimension when they do not."""
        values = self._values.numpy() if isinstance(self._values, RaggedTensor) else \
            np.asarray(backend.to_numpy(self._values.value))
        rows = [values[a:b] for a, b in zip(self._splits[:-1].tolist(),
                                            self._splits[1:].tolist(), strict=True)]
        if not rows:
            return np.zeros((0, 0) + values.shape[1:], dtype=values.dtype)
        if all(len(row) == len(rows[0]) for row in rows):
            return np.array(rows)
        out = np.empty(len(rows), dtype=object)
        for i, row in enumerate(rows):
            out[i] = row
        return out

    def __repr__(self) -> str:
        with np.printoptions(formatter={"all": _format}):
            text = _format(self.numpy())
        return f"<tf.RaggedTensor {text}>"

    __str__ = __repr__

    def __bool__(self):
        raise TypeError("RaggedTensor may not be used as a boolean.")

    def __iter__(self):
        return (self[i] for i in _range(self.nrows_int()))

    def __array__(self, dtype=None, copy=None):
        raise TypeError("a RaggedTensor was given where a dense tensor (one array) is needed; "
                        "its rows differ in length. Pad it with rt.to_tensor() (the default "
                        "value 0, or to_tensor(default_value=...)), or take rt.flat_values or "
                        "rt.numpy() (an array of rows).")

    # ----- reshaping -----
    def merge_dims(self, outer_axis: int, inner_axis: int):
        """Dimensions ``outer_axis`` to ``inner_axis`` made one (rows of rows joined, or rows
        with their values when outer_axis is 0).

        Example:
            >>> numnet.ragged.constant([[[1, 2], [3]], [[4]]]).merge_dims(1, 2).to_list()
            [[1, 2, 3], [4]]
        """
        rank = self.ndim
        outer, inner = outer_axis % rank, inner_axis % rank
        if outer > inner:
            raise ValueError(f"RaggedTensor.merge_dims: expected outer_axis <= inner_axis, "
                             f"given {outer_axis} and {inner_axis}.")
        if outer == inner:
            return self
        if outer == 0:
            merged, _ = _merge_leading(self._values, inner - 1, self._splits)
            return merged
        if outer == 1:
            merged, splits = _merge_leading(self._values, inner - 1, self._splits)
            return RaggedTensor(merged, splits, validate=False)
        values = self._values
        values = values.merge_dims(outer - 1, inner - 1) if isinstance(
            values, RaggedTensor) else _merge_leading_dense(values, outer - 1, inner - 1)
        return RaggedTensor(values, self._splits, validate=False)

    # ----- indexing -----
    def _gather_rows(self, index) -> RaggedTensor:
        index = np.asarray(index, dtype=np.int64).reshape(-1)
        n = self.nrows_int()
        if index.size and (index.min() < -n or index.max() >= n):
            raise IndexError(f"RaggedTensor: row index out of range for {n} rows, given "
                             f"{index.tolist()}.")
        index = index % n if n else index
        starts, stops = self._splits[index], self._splits[index + 1]
        values = _take(self._values, _ranges(starts, stops))
        return RaggedTensor(values, _lengths_to_splits(stops - starts, self._splits.dtype),
                            validate=False)

    def _row(self, i: int):
        n = self.nrows_int()
        if not -n <= i < n:
            raise IndexError(f"RaggedTensor: row {i} is out of range for {n} rows.")
        i %= n
        a, b = int(self._splits[i]), int(self._splits[i + 1])
        if isinstance(self._values, RaggedTensor):
            return self._values._gather_rows(np.arange(a, b))
        if _is_text(self._values):
            return string_tensor(self._values.value[a:b])
        return self._values[a:b]

    def __getitem__(self, key):
        """Rows by index (a row: Tensor or RaggedTensor) or slice, then positions inside each
        row by slice: ``rt[1]``, ``rt[1:3]``, ``rt[:, :2]``, ``rt[2, 1]``."""
        if not isinstance(key, tuple):
            key = (key,)
        if not key:
            return self
        first, rest = key[0], key[1:]
        if first is Ellipsis:
            if rest and rest != (Ellipsis,):
                raise ValueError("RaggedTensor: indexing with ... is supported only alone.")
            return self
        if isinstance(first, Tensor):
            first = backend.to_numpy(first.value)
            first = first.item() if first.ndim == 0 else first
        if isinstance(first, (int, np.integer)):
            row = self._row(int(first))
            return row[rest] if rest else row
        if isinstance(first, builtins.slice):
            rows = self._gather_rows(np.arange(self.nrows_int())[first])
            return rows._index_inner(rest) if rest else rows
        if isinstance(first, (list, np.ndarray)) and rest in ((), (Ellipsis,)):
            return self._gather_rows(first)  # rows by index (a dataset's batch)
        raise TypeError(f"RaggedTensor indices: expected ints and slices, given {first!r}.")

    def _index_inner(self, key: tuple):
        """Each row indexed by ``key`` (the dimensions after the rows)."""
        first, rest = key[0], key[1:]
        if isinstance(first, (int, np.integer)):
            raise ValueError("Cannot index into an inner ragged dimension.")
        if not isinstance(first, builtins.slice):
            raise TypeError(f"RaggedTensor indices: expected slices inside rows, given "
                            f"{first!r}.")
        lengths = np.diff(self._splits)
        pieces = [np.arange(n)[first] for n in lengths.tolist()]
        new_lengths = np.asarray([len(p) for p in pieces], dtype=np.int64)
        index = np.concatenate([p + s for p, s in zip(pieces, self._splits[:-1].tolist(),
                                                      strict=True)]) if pieces else \
            np.zeros(0, dtype=np.int64)
        values = _take(self._values, index.astype(np.int64))
        if rest:
            inner = (builtins.slice(None),) + rest
            values = values._index_inner(rest) if isinstance(values, RaggedTensor) else \
                values[inner]
        return RaggedTensor(values, _lengths_to_splits(new_lengths, self._splits.dtype),
                            validate=False)

    # ----- operators: on the values -----
    def _apply(self, fn, other=_UNARY, reverse=False):
        if other is _UNARY:
            return self.with_flat_values(fn(self.flat_values))
        return _elementwise(lambda a, b: fn(b, a) if reverse else fn(a, b), self, other)

    def __add__(self, other):
        return self._apply(lambda a, b: a + b, other)

    def __radd__(self, other):
        return self._apply(lambda a, b: a + b, other, reverse=True)

    def __sub__(self, other):
        return self._apply(lambda a, b: a - b, other)

    def __rsub__(self, other):
        return self._apply(lambda a, b: a - b, other, reverse=True)

    def __mul__(self, other):
        return self._apply(lambda a, b: a * b, other)

    def __rmul__(self, other):
        return self._apply(lambda a, b: a * b, other, reverse=True)

    def __truediv__(self, other):
        return self._apply(lambda a, b: a / b, other)

    def __rtruediv__(self, other):
        return self._apply(lambda a, b: a / b, other, reverse=True)

    def __floordiv__(self, other):
        return self._apply(lambda a, b: a // b, other)

    def __rfloordiv__(self, other):
        return self._apply(lambda a, b: a // b, other, reverse=True)

    def __mod__(self, other):
        return self._apply(lambda a, b: a % b, other)

    def __rmod__(self, other):
        return self._apply(lambda a, b: a % b, other, reverse=True)

    def __pow__(self, other):
        return self._apply(lambda a, b: a ** b, other)

    def __rpow__(self, other):
        return self._apply(lambda a, b: a ** b, other, reverse=True)

    def __neg__(self):
        return self._apply(lambda a: -a)

    def __abs__(self):
        return self._apply(abs)

    def __invert__(self):
        return self._apply(lambda a: Tensor(~a.value))

    def __and__(self, other):
        return self._apply(lambda a, b: Tensor(a.value & b.value), other)

    def __or__(self, other):
        return self._apply(lambda a, b: Tensor(a.value | b.value), other)

    def __xor__(self, other):
        return self._apply(lambda a, b: Tensor(a.value ^ b.value), other)

    __rand__, __ror__, __rxor__ = __and__, __or__, __xor__

    def __eq__(self, other):
        if other is None:  # as TensorFlow's: no element-wise comparison with None
            return False
        return self._apply(lambda a, b: a == b, other)

    def __ne__(self, other):
        if other is None:
            return True
        return self._apply(lambda a, b: a != b, other)

    def __lt__(self, other):
        return self._apply(lambda a, b: a < b, other)

    def __le__(self, other):
        return self._apply(lambda a, b: a <= b, other)

    def __gt__(self, other):
        return self._apply(lambda a, b: a > b, other)

    def __ge__(self, other):
        return self._apply(lambda a, b: a >= b, other)

    __hash__ = object.__hash__


# ----------------------------------------------------------------------------- structure helpers


def _default_block(values: Tensor, default_value) -> Tensor:
    """One row (1, *inner) of the padding value, in the values' dtype."""
    shape = (1,) + tuple(values.shape[1:])
    if _is_text(values):
        fill = b"" if default_value is None else default_value
        block = np.empty(shape, dtype=object)
        block[...] = fill.encode() if isinstance(fill, str) else fill
        return string_tensor(block)
    fill = 0 if default_value is None else backend.to_numpy(
        getattr(default_value, "value", default_value))
    block = np.broadcast_to(np.asarray(fill, dtype=values.dtype), shape)
    return Tensor(backend.to_device(np.ascontiguousarray(block)))


def _fit_inner(values: Tensor, shape: list, default_value) -> Tensor:
    """A dense ``values`` cut or padded in its uniform dimensions to ``shape`` (None: kept)."""
    for axis in _range(1, values.ndim):
        want = shape[axis]
        size = int(values.shape[axis])
        if want is None or want == size:
            continue
        if want < size:
            index = (builtins.slice(None),) * axis + (builtins.slice(0, want),)
            values = values[index]
        else:
            pad_shape = list(values.shape)
            pad_shape[axis] = want - size
            block = _default_block(values, default_value)
            fill = _ops.broadcast_to(_ops.reshape(block, (1,) * values.ndim), tuple(pad_shape))
            values = _ops.concatenate([values, fill], axis=axis)
    return values


def _merge_leading(values, depth: int, positions: np.ndarray):
    """``values``' dimensions 0..depth made one, and ``positions`` (indices into values' first
    dimension) mapped to indices into the merged one."""
    if depth == 0:
        return values, positions
    if isinstance(values, RaggedTensor):
        return _merge_leading(values._values, depth - 1, values._splits[positions])
    shape = tuple(values.shape)
    size = int(np.prod(shape[1:depth + 1], dtype=np.int64))
    merged = _merge_leading_dense(values, 0, depth)
    return merged, (positions * size).astype(positions.dtype)


def _merge_leading_dense(values: Tensor, outer: int, inner: int) -> Tensor:
    shape = tuple(values.shape)
    new = shape[:outer] + (int(np.prod(shape[outer:inner + 1], dtype=np.int64)),) + \
        shape[inner + 1:]
    if _is_text(values):
        return string_tensor(values.value.reshape(new))
    return _ops.reshape(values, new)


def _same_structure(a: RaggedTensor, b: RaggedTensor) -> bool:
    sa, sb = a._nested_splits(), b._nested_splits()
    return len(sa) == len(sb) and all(np.array_equal(x, y) for x, y in zip(sa, sb, strict=True))


def _dense_for(rt: RaggedTensor, dense: Tensor) -> Tensor:
    """A dense operand of an element-wise op with ``rt``, made to line up with its flat values
    (broadcast as TensorFlow does: over the uniform inner dimensions, or a scalar per row)."""
    inner = rt.flat_values.ndim - 1
    if dense.ndim <= inner or dense.size == 1:
        return dense if dense.ndim <= inner else _ops.reshape(dense, ())
    if rt.ragged_rank == 1 and dense.ndim == rt.ndim and dense.shape[1] == 1 and \
            dense.shape[0] in (1, rt.nrows_int()):
        per_row = _ops.reshape(dense, (int(dense.shape[0]),) + tuple(dense.shape[2:]))
        ids = rt._rowids() if dense.shape[0] != 1 else np.zeros(
            len(rt.flat_values.value), dtype=np.int64)
        return _ops.getitem(per_row, ids.astype(np.int64))
    raise InvalidArgumentError(
        None, None, f"a dense tensor of shape {tuple(dense.shape)} does not broadcast with a "
                    f"RaggedTensor of shape {rt.shape}: give a scalar, a tensor of its uniform "
                    f"inner dimensions, or make the ragged one dense with rt.to_tensor().")


def _numeric_list(value) -> bool:
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return isinstance(value, (int, float, np.number, builtins.bool)) and not isinstance(
        value, type)


def _elementwise(fn, *args, **kwargs):
    """``fn`` on the flat values of the ragged arguments (all of one ragged structure), the
    dense ones lined up with them; the result has that structure."""
    ragged = [a for a in (*args, *kwargs.values()) if isinstance(a, RaggedTensor)]
    for v in (*args, *kwargs.values()):
        if isinstance(v, (list, tuple)):
            ragged += [a for a in v if isinstance(a, RaggedTensor)]
    template = ragged[0]
    for other in ragged[1:]:
        if not _same_structure(template, other):
            raise InvalidArgumentError(
                None, None, f"Ragged element-wise op: the inputs must have the same row "
                            f"lengths, given shapes {template.shape} with row splits "
                            f"{[s.tolist() for s in template._nested_splits()]} and "
                            f"{[s.tolist() for s in other._nested_splits()]}.")

    def lift(v):
        if isinstance(v, RaggedTensor):
            return v.flat_values
        if isinstance(v, (Tensor, np.ndarray)) and not isinstance(v, np.generic):
            return _dense_for(template, _dense(v))
        if isinstance(v, (list, tuple)) and any(isinstance(a, RaggedTensor) for a in v):
            return type(v)(lift(a) for a in v)
        if isinstance(v, (list, tuple)) and _numeric_list(v):  # an operand given as a list
            return _dense_for(template, _dense(v))
        return v

    out = fn(*[lift(a) for a in args], **{k: lift(v) for k, v in kwargs.items()})
    return template.with_flat_values(_dense(out))


# ----------------------------------------------------------------------------- tf.ragged


def _depth(pylist) -> int:
    """How deep the scalars of ``pylist`` sit (empty lists fit any depth)."""
    leaves, deepest = set(), 0

    def walk(item, level):
        nonlocal deepest
        if isinstance(item, (list, tuple)):
            deepest = builtins.max(deepest, level + 1)
            for x in item:
                walk(x, level + 1)
        else:
            leaves.add(level + (np.ndim(item) if isinstance(item, np.ndarray) else 0))

    walk(pylist, 0)
    if len(leaves) > 1:
        raise ValueError("ragged.constant(pylist): all scalars must be at the same depth of "
                         f"nesting; given scalars at depths {sorted(leaves)}.")
    return leaves.pop() if leaves else deepest


def constant(pylist, dtype=None, ragged_rank=None, inner_shape=None, name=None,
             row_splits_dtype=np.int64):
    """A RaggedTensor from nested Python lists whose rows differ in length.

    Args:
        pylist: nested lists of numbers, bools or strings, all at one depth.
        dtype: the values' dtype. Defaults to ``None`` (TensorFlow's: float32 for Python
            floats, int32 for ints, bytes for strings).
        ragged_rank: how many dimensions are ragged. Defaults to ``None`` (all but the
            innermost ``inner_shape``, so every list level below the first).
        inner_shape: the shape of the innermost uniform values. Defaults to ``None``.
        name: ignored. Defaults to ``None``.
        row_splits_dtype: int64 (default) or int32.

    Returns:
        A RaggedTensor (a Tensor when ``ragged_rank`` is 0).

    Raises:
        ValueError: scalars at different depths, or uniform dimensions that are not.

    Example:
        >>> numnet.ragged.constant([["Hi"], ["How", "are", "you"]])
        <tf.RaggedTensor [[b'Hi'], [b'How', b'are', b'you']]>
        >>> numnet.ragged.constant([[1, 2], [3]]).shape
        TensorShape([2, None])
    """
    depth = _depth(pylist)
    if depth == 0:
        raise ValueError(f"ragged.constant(pylist): expected a (nested) list, given "
                         f"{pylist!r}.")
    inner = 0 if inner_shape is None else len(tuple(inner_shape))
    if ragged_rank is None:
        ragged_rank = builtins.max(0, depth - 1 - inner)
    if not 0 <= ragged_rank < depth:
        raise ValueError(f"ragged.constant(ragged_rank): expected 0 <= ragged_rank < {depth} "
                         f"for lists nested {depth} deep, given {ragged_rank}.")
    levels, items = [], list(pylist)
    for _ in _range(ragged_rank):
        lengths = [len(row) for row in items]
        levels.append(_lengths_to_splits(lengths, np.dtype(row_splits_dtype)))
        items = [x for row in items for x in row]
    if not items:
        shape = (0,) + (tuple(inner_shape) if inner_shape is not None else ())
        array = np.zeros(shape, dtype=np.float32 if dtype is None else np.dtype(dtype))
        flat = Tensor(backend.to_device(array))
    else:
        try:
            flat = _dense(items, dtype)
        except ValueError as error:
            raise ValueError(f"ragged.constant(pylist): the dimensions inside the "
                             f"{ragged_rank} ragged ones must be uniform ({error}).") from None
        if flat.dtype == object and flat.ndim != depth - ragged_rank:
            raise ValueError("ragged.constant(pylist): the dimensions inside the ragged ones "
                             "must be uniform.")
    if dtype is not None and flat.dtype != object:
        flat = _ops.cast(flat, np.dtype(dtype))
    return RaggedTensor.from_nested_row_splits(flat, levels, validate=False)


def ragged_range(starts, limits=None, deltas=1, dtype=None, name=None,
                 row_splits_dtype=np.int64) -> RaggedTensor:
    """Row i is ``range(starts[i], limits[i], deltas[i])`` (scalars broadcast); with one
    argument, rows ``range(0, starts[i])``.

    Example:
        >>> numnet.ragged.range([3, 0, 2]).to_list()
        [[0, 1, 2], [], [0, 1]]
    """
    if limits is None:
        starts, limits = 0, starts
    s, lim, d = (np.asarray(backend.to_numpy(getattr(v, "value", v))) for v in
                 (starts, limits, deltas))
    kind = np.result_type(s, lim, d)
    if dtype is None:
        dtype = np.float32 if kind.kind == "f" else np.int32
    s, lim, d = np.broadcast_arrays(s, lim, d)
    rows = [np.arange(a, b, c) for a, b, c in zip(s.reshape(-1).tolist(),
                                                    lim.reshape(-1).tolist(),
                                                    d.reshape(-1).tolist(), strict=True)]
    flat = np.concatenate(rows).astype(dtype) if rows else np.zeros(0, dtype)
    return RaggedTensor(Tensor(backend.to_device(flat)),
                        _lengths_to_splits([len(r) for r in rows], np.dtype(row_splits_dtype)),
                        validate=False)


def map_flat_values(op, *args, **kwargs):
    """``op`` applied to the flat values of the RaggedTensor arguments (of one ragged
    structure), giving a RaggedTensor of that structure.

    Example:
        >>> r = numnet.ragged.constant([[1, 2], [3]])
        >>> numnet.ragged.map_flat_values(numnet.ones_like, r).to_list()
        [[1, 1], [1]]
    """
    if not any(isinstance(a, RaggedTensor) for a in (*args, *kwargs.values())):
        return op(*args, **kwargs)
    return _elementwise(op, *args, **kwargs)


def _mask_parts(data, mask):
    """data and mask as RaggedTensors of one outer structure (dense data cut like mask)."""
    if not isinstance(mask, RaggedTensor):
        mask_t = _dense(mask, np.bool_)
        if mask_t.ndim == 1:
            return data, mask_t
        mask = RaggedTensor.from_tensor(mask_t, ragged_rank=mask_t.ndim - 1)
    if not isinstance(data, RaggedTensor):
        data = RaggedTensor.from_tensor(_dense(data), ragged_rank=mask.ragged_rank)
    return data, mask


def boolean_mask(data, mask, name=None):
    """The entries of ``data`` where ``mask`` is True, keeping the rows: a ragged result.
    ``mask`` has data's outer shape (a RaggedTensor of bools, or dense); a 1-D mask keeps
    whole rows.

    Example:
        >>> r = numnet.ragged.constant([[3, 1, 4], [], [5, 9]])
        >>> numnet.ragged.boolean_mask(r, r > 2).to_list()
        [[3, 4], [], [5, 9]]
    """
    data, mask = _mask_parts(data, mask)
    if not isinstance(mask, RaggedTensor):  # one flag a row
        keep = np.flatnonzero(np.asarray(backend.to_numpy(mask.value)))
        if isinstance(data, RaggedTensor):
            return data._gather_rows(keep)
        return _take(_dense(data), keep)
    if not isinstance(data, RaggedTensor):
        data = RaggedTensor.from_tensor(_dense(data), ragged_rank=mask.ragged_rank)
    return _mask_ragged(data, mask)


def _mask_ragged(data: RaggedTensor, mask: RaggedTensor) -> RaggedTensor:
    if not np.array_equal(data._splits, mask._splits):
        raise ValueError(f"ragged.boolean_mask(mask): expected the row lengths of data, "
                         f"{np.diff(data._splits).tolist()}; given "
                         f"{np.diff(mask._splits).tolist()}.")
    if isinstance(mask._values, RaggedTensor):
        values = _mask_ragged(data._values, mask._values)
        return RaggedTensor(values, data._splits, validate=False)
    flags = np.asarray(backend.to_numpy(mask._values.value)).astype(bool)
    if flags.ndim > 1:
        raise ValueError("ragged.boolean_mask(mask): expected a mask of data's ragged "
                         "dimensions only.")
    kept = np.bincount(data._rowids(), weights=flags, minlength=data.nrows_int())
    values = _take(data._values, np.flatnonzero(flags))
    splits = _lengths_to_splits(kept.astype(np.int64), data._splits.dtype)
    return RaggedTensor(values, splits, validate=False)


def _as_ragged(value, ragged_rank: int = 1) -> RaggedTensor:
    if isinstance(value, RaggedTensor):
        return value
    return RaggedTensor.from_tensor(_dense(value), ragged_rank=ragged_rank)


def concat(values, axis: int = 0, name=None) -> RaggedTensor:
    """The ragged tensors (or dense ones of the same rank) joined along ``axis``: 0 adds rows,
    1 joins each row with the same row of the others."""
    values = list(values)
    ranked = [v for v in values if isinstance(v, RaggedTensor)]
    rank = ranked[0].ndim
    axis = axis % rank if axis < 0 else axis
    if axis == 0:
        parts = [_as_ragged(v, ranked[0].ragged_rank) for v in values]
        splits, offset = [np.zeros(1, dtype=np.int64)], 0
        for p in parts:
            splits.append(p._splits[1:].astype(np.int64) + offset)
            offset += int(p._splits[-1])
        inner = [p._values for p in parts]
        if any(isinstance(v, RaggedTensor) for v in inner):
            joined = concat(inner, axis=0)
        elif any(_is_text(v) for v in inner):
            joined = string_tensor(np.concatenate([v.value for v in inner], axis=0))
        else:
            joined = _ops.concatenate(inner, axis=0)
        return RaggedTensor(joined, np.concatenate(splits).astype(parts[0]._splits.dtype),
                            validate=False)
    if axis == 1:
        parts = [_as_ragged(v) for v in values]
        nrows = {p.nrows_int() for p in parts}
        if len(nrows) > 1:
            raise ValueError(f"concat(axis=1): expected tensors of one number of rows, given "
                             f"{sorted(nrows)}.")
        n = nrows.pop()
        offsets = np.cumsum([0] + [int(p._splits[-1]) for p in parts])
        starts = np.stack([p._splits[:-1] + o for p, o in zip(parts, offsets, strict=False)],
                          axis=1)
        stops = np.stack([p._splits[1:] + o for p, o in zip(parts, offsets, strict=False)],
                         axis=1)
        index = _ranges(starts.reshape(-1), stops.reshape(-1))
        inner = [p._values for p in parts]
        if any(isinstance(v, RaggedTensor) for v in inner):
            joined = concat(inner, axis=0)
        elif any(_is_text(v) for v in inner):
            joined = string_tensor(np.concatenate([v.value for v in inner], axis=0))
        else:
            joined = _ops.concatenate(inner, axis=0)
        lengths = (stops - starts).sum(axis=1) if n else np.zeros(0, np.int64)
        return RaggedTensor(_take(joined, index),
                            _lengths_to_splits(lengths, parts[0]._splits.dtype),
                            validate=False)
    parts = [_as_ragged(v) for v in values]
    if all(np.array_equal(p._splits, parts[0]._splits) for p in parts):
        return RaggedTensor(concat([p._values for p in parts], axis=axis - 1)
                            if isinstance(parts[0]._values, RaggedTensor)
                            else _ops.concatenate([p._values for p in parts], axis=axis - 1),
                            parts[0]._splits, validate=False)
    raise ValueError(f"concat(axis={axis}): the ragged tensors must have the same rows.")


def stack(values, axis: int = 0, name=None) -> RaggedTensor:
    """The tensors (ragged or dense) stacked along a new dimension ``axis`` (0 or 1); always a
    RaggedTensor (``tf.ragged.stack``).

    Example:
        >>> r = numnet.ragged.constant([[1, 2], [3]])
        >>> numnet.ragged.stack([r, r]).to_list()
        [[[1, 2], [3]], [[1, 2], [3]]]
    """
    values = list(values)
    if not any(isinstance(v, RaggedTensor) for v in values):
        values = [_as_ragged(v) if _dense(v).ndim > 1 else _dense(v) for v in values]
    if axis == 0:
        if all(not isinstance(v, RaggedTensor) for v in values):  # vectors: one a row
            dense = [_dense(v) for v in values]
            flat = string_tensor(np.concatenate([d.value for d in dense])) if any(
                _is_text(d) for d in dense) else _ops.concatenate(dense, axis=0)
            return RaggedTensor.from_row_lengths(flat, [int(d.shape[0]) for d in dense])
        parts = [_as_ragged(v) for v in values]
        joined = concat(parts, axis=0)
        lengths = [p.nrows_int() for p in parts]
        return RaggedTensor(joined, _lengths_to_splits(lengths, parts[0]._splits.dtype),
                            validate=False)
    if axis == 1:
        parts = [_as_ragged(v) for v in values]
        wrapped = [RaggedTensor(p, np.arange(p.nrows_int() + 1, dtype=p._splits.dtype),
                                validate=False) for p in parts]
        return concat(wrapped, axis=1)
    raise NotImplementedError(f"stack of RaggedTensors along axis {axis}: numnet stacks along "
                              f"0 or 1.")


# ----------------------------------------------------------------------------- reductions

_IDENTITY = {"sum": 0, "prod": 1, "any": False, "all": True}


def _identity(kind: str, dtype):
    if kind in _IDENTITY:
        return _IDENTITY[kind]
    dtype = np.dtype(dtype)
    info = np.finfo(dtype) if dtype.kind == "f" else np.iinfo(dtype)
    return info.min if kind == "max" else info.max


def _reduce(kind: str, reduce_dense, rt: RaggedTensor, axis=None, keepdims: bool = False):
    """``reduce_dense`` (tf.reduce_<kind>) over ``axis`` of ``rt``: None all values, 0 the
    column of each position across rows, 1 each row, > 1 inside the values."""
    if axis is None:
        return reduce_dense(rt.flat_values)
    axis = int(np.asarray(getattr(axis, "value", axis)))
    axis = axis % rt.ndim if axis < 0 else axis
    if axis >= 2:
        values = rt._values
        inner = _reduce(kind, reduce_dense, values, axis - 1, keepdims) if isinstance(
            values, RaggedTensor) else reduce_dense(values, axis=axis - 1, keepdims=keepdims)
        return RaggedTensor(inner, rt._splits, validate=False)
    if rt.ragged_rank > 1:
        if keepdims:
            raise NotImplementedError(f"reduce_{kind}(keepdims=True) over axis {axis} of a "
                                      f"RaggedTensor with ragged_rank {rt.ragged_rank}.")
        if axis == 0:
            return _reduce_across_rows(kind, reduce_dense, rt)
        # axis 1: inside each row, across its inner rows
        rows = [_reduce(kind, reduce_dense, rt[i], 0) for i in _range(rt.nrows_int())]
        if not rows:
            return RaggedTensor(_reduce(kind, reduce_dense, rt._values, 0)[0:0], rt._splits[:1])
        return stack(rows, axis=0)
    if kind == "mean":
        total = _reduce("sum", _sum_of, rt, axis, keepdims)
        lengths = np.diff(rt._splits)
        if axis == 0:  # how many rows reach each position
            width = int(lengths.max()) if lengths.size else 0
            lengths = (lengths[:, None] > np.arange(width)[None, :]).sum(axis=0)
        lead = (1,) if keepdims and axis == 0 else ()
        shape = lead + lengths.shape
        shape += (1,) * (total.ndim - len(shape))
        if total.dtype.kind not in "fc":  # TensorFlow's ragged mean of integers: float64
            total = _ops.cast(total, np.float64)
        count = Tensor(backend.to_device(lengths.reshape(shape).astype(total.dtype)))
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / count
    fill = _identity(kind, rt.dtype)
    dense = rt.to_tensor(default_value=fill)
    if dense.shape[axis] == 0:  # nothing to reduce (no rows, or only empty ones): the identity
        shape = list(dense.shape)
        shape[axis] = 1
        out = np.full(shape if keepdims else shape[:axis] + shape[axis + 1:], fill,
                      dtype=dense.dtype)
        return Tensor(backend.to_device(out))
    return reduce_dense(dense, axis=axis, keepdims=keepdims)


def _reduce_across_rows(kind: str, reduce_dense, rt: RaggedTensor) -> RaggedTensor:
    """Axis 0 of a RaggedTensor with ragged_rank > 1: entry j of the result reduces entry j of
    every row that has one (each an inner ragged row), so rows of different lengths meet."""
    lengths = np.diff(rt._splits)
    width = int(lengths.max()) if lengths.size else 0
    columns = []
    for j in _range(width):
        rows = np.flatnonzero(lengths > j)
        inner = rt._values._gather_rows(rt._splits[rows] + j)  # the j-th inner row of each
        columns.append(_reduce(kind, reduce_dense, inner, 0))
    if not columns:
        empty = _reduce(kind, reduce_dense, rt._values._gather_rows([]), 0)
        return RaggedTensor(empty, np.zeros(1, dtype=rt._splits.dtype), validate=False)
    return stack(columns, axis=0)


def _sum_of(x, axis=None, keepdims=False):
    return _ops.sum(x, axis=axis, keepdims=keepdims) if x.dtype.kind in "fc" else Tensor(
        x.value.sum(axis=axis, keepdims=keepdims).astype(x.dtype))


class DynamicRaggedShape:
    """The shape of a RaggedTensor (what ``tf.shape`` gives for one): ``lengths`` lists each
    dimension's size, a tuple of row lengths for a ragged one."""

    def __init__(self, rt: RaggedTensor):
        self._lengths = [rt.nrows_int()]
        for splits in rt._nested_splits():
            self._lengths.append(tuple(np.diff(splits).tolist()))
        self._lengths += list(rt.flat_values.shape[1:])
        self.num_row_partitions = rt.ragged_rank
        self.rank = len(self._lengths)

    def __getitem__(self, index):
        value = self._lengths[index]
        if isinstance(value, tuple):
            raise ValueError(f"Index {index} is not uniform")
        return Tensor(np.asarray(value, dtype=np.int64))

    def __len__(self) -> int:
        return self.rank

    def __repr__(self) -> str:
        lengths = ", ".join(str(v) for v in self._lengths)
        return f"<DynamicRaggedShape lengths=[{lengths}] num_row_partitions=" \
               f"{self.num_row_partitions}>"


# ----------------------------------------------------------------------------- dispatch

_ELEMENTWISE = (
    "abs", "negative", "square", "sqrt", "rsqrt", "exp", "expm1", "log", "log1p", "sign",
    "round", "ceil", "floor", "sigmoid", "tanh", "sin", "cos", "tan", "asin", "acos", "atan",
    "sinh", "cosh", "asinh", "acosh", "atanh", "softplus", "reciprocal", "is_finite", "is_nan",
    "is_inf", "logical_not", "cast", "ones_like", "zeros_like", "erf", "rint", "softsign",
    "add", "subtract", "multiply", "divide", "truediv", "floordiv", "floormod", "mod",
    "maximum", "minimum", "pow", "squared_difference", "divide_no_nan", "equal", "not_equal",
    "greater", "greater_equal", "less", "less_equal", "logical_and", "logical_or",
    "logical_xor", "add_n", "atan2", "xdivy", "xlogy", "multiply_no_nan", "bitwise_and",
    "saturate_cast", "clip_by_value", "identity", "stop_gradient", "relu", "elu", "selu",
    "gelu", "leaky_relu", "relu6", "silu", "swish", "lgamma", "digamma",
    # tf.strings' element-wise functions
    "lower", "upper", "length", "strip", "regex_replace", "regex_full_match", "substr",
    "to_number", "as_string", "to_hash_bucket_fast", "join", "unicode_script",
    "unicode_transcode")
_REDUCTIONS = ("sum", "mean", "max", "min", "prod", "any", "all")
NN = ("embedding_lookup", "relu", "relu6", "elu", "selu", "gelu", "leaky_relu", "silu", "swish",
      "sigmoid", "tanh", "softplus", "softsign")
"""The tf.nn names that take RaggedTensors (numnet.nn's others are left as they are)."""


def _has_ragged(args, kwargs) -> bool:
    for v in (*args, *kwargs.values()):
        if isinstance(v, RaggedTensor):
            return True
        if isinstance(v, (list, tuple)) and any(isinstance(a, RaggedTensor) for a in v):
            return True
    return False


def _dispatcher(fn, ragged_fn):
    """``fn`` that sends calls with a RaggedTensor argument to ``ragged_fn(fn, ...)``."""
    @functools.wraps(fn)
    def call(*args, **kwargs):
        if _has_ragged(args, kwargs):
            return ragged_fn(fn, *args, **kwargs)
        return fn(*args, **kwargs)

    call.ragged_dispatch = True
    return call


def _bind(fn, args, kwargs) -> dict:
    bound = inspect.signature(fn).bind(*args, **kwargs)
    return dict(bound.arguments)


def _ragged_elementwise(fn, *args, **kwargs):
    return _elementwise(fn, *args, **kwargs)


def _ragged_reduction(kind):
    def reduce(fn, *args, **kwargs):
        bound = _bind(fn, args, kwargs)
        names = list(bound)
        rt = bound[names[0]]
        return _reduce(kind, fn, rt, bound.get("axis"), builtins.bool(bound.get("keepdims")))
    return reduce


def _ragged_concat(fn, values, axis, *args, **kwargs):
    return concat(values, axis)


def _ragged_stack(fn, values, axis=0, *args, **kwargs):
    return stack(values, axis)


def _ragged_shape(fn, input, *args, **kwargs):  # noqa: A002 - TensorFlow's name
    return DynamicRaggedShape(input)


def _ragged_size(fn, input, out_type=np.int32, *args, **kwargs):  # noqa: A002
    return Tensor(np.asarray(int(np.prod(input.flat_values.shape, dtype=np.int64)),
                             dtype=np.dtype(out_type)))


def _ragged_mask(fn, tensor, mask, *args, **kwargs):
    return boolean_mask(tensor, mask)


def _ragged_gather(fn, params, indices, *args, **kwargs):
    if isinstance(indices, RaggedTensor):
        return indices.with_flat_values(fn(params, indices.flat_values, *args, **kwargs))
    bound = _bind(fn, (params, indices) + args, kwargs)
    if bound.get("axis") not in (None, 0) or bound.get("batch_dims", 0):
        raise NotImplementedError("gather of a RaggedTensor: numnet gathers rows (axis=0, "
                                  "batch_dims=0) only.")
    index = np.asarray(backend.to_numpy(getattr(indices, "value", indices)))
    if index.ndim == 0:
        return params._row(int(index))
    if index.ndim > 1:
        raise NotImplementedError("gather of a RaggedTensor: numnet takes a 1-D vector of "
                                  "row indices.")
    return params._gather_rows(index)


def _ragged_reduce_join(fn, inputs, axis=None, keepdims: bool = False, separator: str = "",
                        name=None):
    if axis is None:
        return fn(inputs.flat_values, separator=separator)
    axis = int(np.asarray(getattr(axis, "value", axis)))
    if inputs.ragged_rank != 1 or inputs.flat_values.ndim != 1 or axis not in (1, -1):
        raise NotImplementedError("strings.reduce_join of a RaggedTensor: numnet joins each "
                                  "row of a 2-D one (axis=1 or -1).")
    texts = [separator.join(p.decode("utf-8") for p in row) for row in inputs.to_list()]
    out = string_tensor(np.array(texts, dtype=object) if texts else np.zeros(0, object))
    return _ops.reshape(out, (-1, 1)) if keepdims else out


def _ragged_map_fn(fn, call, elems, *args, **kwargs):
    """tf.map_fn over the rows of a RaggedTensor: rows of results make a RaggedTensor (the
    elements' own kind, TensorFlow's default signature), scalars a Tensor."""
    if not isinstance(elems, RaggedTensor):
        return fn(call, elems, *args, **kwargs)
    results = [call(row) for row in elems]
    if results and all(isinstance(r, Tensor) and r.ndim == 0 for r in results):
        return _ops.stack(results, axis=0)
    return stack(results, axis=0)


def _ragged_tile(fn, input, multiples, name=None):  # noqa: A002 - TensorFlow's name
    """tf.tile of a RaggedTensor of ragged_rank 1: the rows repeated ``multiples[0]`` times,
    each row's contents ``multiples[1]`` times (the uniform dimensions by the rest)."""
    times = [int(m) for m in np.asarray(backend.to_numpy(getattr(multiples, "value",
                                                                  multiples))).tolist()]
    if input.ragged_rank != 1 or len(times) != input.ndim:
        raise NotImplementedError("tile of a RaggedTensor: numnet tiles ragged_rank 1, given "
                                  "one multiple a dimension.")
    starts, stops = input._splits[:-1], input._splits[1:]
    inner = np.concatenate([np.tile(np.arange(a, b), times[1]) for a, b in
                            zip(starts.tolist(), stops.tolist(), strict=True)] or
                           [np.zeros(0, np.int64)]).astype(np.int64)
    lengths = (stops - starts) * times[1]
    index = np.tile(inner, times[0])
    values = _take(input._values, index)
    if len(times) > 2 and any(t != 1 for t in times[2:]):
        values = fn(values, [1] + times[2:])
    return RaggedTensor(values, _lengths_to_splits(np.tile(lengths, times[0]),
                                                   input._splits.dtype), validate=False)


def _ragged_lookup(fn, params, ids, *args, **kwargs):
    """tf.nn.embedding_lookup with ragged ids: the rows of params in the ids' ragged shape."""
    return ids.with_flat_values(fn(params, ids.flat_values, *args, **kwargs))


_tensor_module._DEFERS.add(RaggedTensor)  # ``tensor + rt`` comes to RaggedTensor.__radd__


class RaggedTensorSpec:
    """The type of a RaggedTensor (``tf.RaggedTensorSpec``), for ``tf.function``'s
    ``input_signature``: a record of shape, dtype, ragged_rank and row_splits_dtype."""

    def __init__(self, shape=None, dtype=np.float32, ragged_rank=None,
                 row_splits_dtype=np.int64, flat_values_spec=None):
        self.shape = None if shape is None else tuple(None if d is None else int(d)
                                                      for d in shape)
        self.dtype = np.dtype(dtype) if dtype is not object else np.dtype(object)
        rank = len(self.shape) if self.shape is not None else None
        self.ragged_rank = ragged_rank if ragged_rank is not None else (
            rank - 1 if rank else 1)
        self.row_splits_dtype = np.dtype(row_splits_dtype)

    def is_compatible_with(self, value) -> bool:
        """Whether ``value`` is a RaggedTensor of this rank and ragged_rank."""
        return isinstance(value, RaggedTensor) and value.ragged_rank == self.ragged_rank and \
            (self.shape is None or len(self.shape) == value.ndim)

    def __repr__(self) -> str:
        shape = "None" if self.shape is None else f"TensorShape({list(self.shape)})"
        return (f"RaggedTensorSpec({shape}, tf.{self.dtype.name}, {self.ragged_rank}, "
                f"tf.{self.row_splits_dtype.name})")


def _ragged_flat(fn, arr, *args, **kwargs):
    return fn(arr.flat_values, *args, **kwargs)


def _ragged_one_hot(fn, indices, *args, **kwargs):
    # one row of depth values for each index: the indices' ragged rows over the one-hot rows
    return indices.with_flat_values(fn(indices.flat_values, *args, **kwargs))


def install(names: dict, *namespaces, only=None) -> None:
    """Make the TensorFlow functions in ``names`` (tf_compat's globals) and in the
    ``namespaces`` (tf.math, tf.strings) accept RaggedTensors (only the names ``only`` when
    given); each function is wrapped once, so a name shared by two namespaces stays one
    object."""
    table = {name: _ragged_elementwise for name in _ELEMENTWISE}
    table.update({f"reduce_{kind}": _ragged_reduction(kind) for kind in _REDUCTIONS})
    table.update({"concat": _ragged_concat, "stack": _ragged_stack, "shape": _ragged_shape,
                  "size": _ragged_size, "boolean_mask": _ragged_mask,
                  "gather": _ragged_gather, "bincount": _ragged_flat,
                  "one_hot": _ragged_one_hot,
                  "reduce_join": _ragged_reduce_join, "map_fn": _ragged_map_fn,
                  "tile": _ragged_tile, "embedding_lookup": _ragged_lookup,
                  "is_tensor": lambda fn, x: True,
                  "rank": lambda fn, x, name=None: Tensor(np.asarray(x.ndim, np.int32))})
    if only is not None:
        table = {name: table[name] for name in only}
    done = {}
    for space in (names, *(vars(ns) for ns in namespaces)):
        for name, handler in table.items():
            fn = space.get(name)
            if fn is None or not callable(fn) or isinstance(fn, type) or \
                    getattr(fn, "ragged_dispatch", False):
                continue
            if id(fn) not in done:
                done[id(fn)] = _dispatcher(fn, handler)
            space[name] = done[id(fn)]


def row_splits_to_segment_ids(splits, name=None, out_type=None) -> Tensor:
    """The row of each value from row splits (``value_rowids`` of such a RaggedTensor).

    Example:
        >>> numnet.ragged.row_splits_to_segment_ids([0, 2, 2, 3]).numpy().tolist()
        [0, 0, 2]
    """
    splits = _splits_array(splits, "ragged.row_splits_to_segment_ids(splits)")
    ids = np.repeat(np.arange(len(splits) - 1), np.diff(splits))
    return Tensor(ids.astype(out_type or splits.dtype))


def segment_ids_to_row_splits(segment_ids, num_segments=None, out_type=None,
                              name=None) -> Tensor:
    """Row splits from the (sorted) row of each value, ``num_segments`` rows (defaults to the
    last id + 1).

    Example:
        >>> numnet.ragged.segment_ids_to_row_splits([0, 0, 2]).numpy().tolist()
        [0, 2, 2, 3]
    """
    ids = _splits_array(segment_ids, "ragged.segment_ids_to_row_splits(segment_ids)")
    count = int(ids.max()) + 1 if ids.size else 0
    count = count if num_segments is None else int(np.asarray(
        getattr(num_segments, "value", num_segments)))
    lengths = np.bincount(ids, minlength=count)
    return Tensor(_lengths_to_splits(lengths, out_type or np.int64))


def _batch_rows(rows) -> RaggedTensor:
    """A dataset's elements (arrays or RaggedTensors of one rank) as the rows of one
    RaggedTensor: ``Dataset.ragged_batch``'s batches."""
    return stack([r if isinstance(r, RaggedTensor) else _dense(r) for r in rows], axis=0)


def _install_dataset() -> None:
    from ..data.dataset import _Batch

    _Batch.ragged_rows = staticmethod(_batch_rows)


_install_dataset()

def stack_dynamic_partitions(data, partitions, num_partitions, name=None) -> RaggedTensor:
    """The rows of ``data`` grouped by their partition: row ``p`` of the result holds, in
    order, the rows of data whose ``partitions`` entry is p (``tf.ragged.stack_dynamic_
    partitions``).

    Args:
        data: a Tensor, array or list (its rows are grouped).
        partitions: an int per row of data, in [0, num_partitions).
        num_partitions: the number of groups (rows of the result).
        name: ignored. Defaults to ``None``.

    Returns:
        A RaggedTensor of num_partitions rows.

    Raises:
        InvalidArgumentError: a partition outside [0, num_partitions).

    Example:
        >>> numnet.ragged.stack_dynamic_partitions(["a", "b", "c"], [1, 0, 1], 3).to_list()
        [[b'b'], [b'a', b'c'], []]
    """
    parts = np.asarray(to_component(partitions)).reshape(-1).astype(np.int64)
    count = int(np.asarray(to_component(num_partitions)))
    if parts.size and (parts.min() < 0 or parts.max() >= count):
        raise InvalidArgumentError(
            None, None, f"stack_dynamic_partitions(partitions): expected values in [0, "
                        f"{count}), given {parts.min()} ... {parts.max()}.")
    order = np.argsort(parts, kind="stable")
    lengths = np.bincount(parts, minlength=count)
    if isinstance(data, RaggedTensor):
        rows = data.to_list()
        values = constant([rows[i] for i in order], dtype=data.dtype)
    else:
        values = _take_rows(data, order)
    return RaggedTensor.from_row_lengths(values, lengths)


def _take_rows(data, order):
    if isinstance(data, Tensor):
        return _ops.getitem(data, backend.to_device(order)) if data.dtype.kind in "fc" else \
            Tensor(data.value[backend.to_device(order)])
    items = np.asarray(to_component(data))
    if items.dtype.kind in "OSU":
        return string_tensor(np.asarray(items, dtype=object)[order])
    return Tensor(backend.to_device(items[order]))


_control._RAGGED.update(types=(RaggedTensor, RaggedTensorSpec), stack=stack)  # map_fn's

RAGGED = {"constant": constant, "stack_dynamic_partitions": stack_dynamic_partitions,
          "range": ragged_range, "map_flat_values": map_flat_values,
          "boolean_mask": boolean_mask, "stack": stack,
          "row_splits_to_segment_ids": row_splits_to_segment_ids,
          "segment_ids_to_row_splits": segment_ids_to_row_splits}
"""``tf.ragged``'s members."""

TOP = {"RaggedTensor": RaggedTensor, "RaggedTensorSpec": RaggedTensorSpec}

ragged = namespace("numnet.ragged", "TensorFlow's ``tf.ragged``: RaggedTensors "
                   "(numnet.tf_api.ragged).", **RAGGED)
