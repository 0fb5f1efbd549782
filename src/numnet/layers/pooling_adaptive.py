"""AdaptiveAveragePooling1D/2D/3D and AdaptiveMaxPooling1D/2D/3D: pooling to a fixed output
size whatever the input size, as Keras 3 (and PyTorch) define it.

Along an axis of n positions pooled to m, output position i covers the input positions
[floor(i n / m), ceil((i + 1) n / m)): windows that tile the axis, neighbours overlapping by at
most one position when m does not divide n. Both poolings are separable, so each axis is pooled
in turn: the average as a product with an (m, n) matrix of window weights, the maximum as a
gather of each window's positions (padded by repeating its last) and a max over them.
"""

from __future__ import annotations

import math

import numpy as np

from .. import backend
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from .base import Layer


def adaptive_windows(size: int, output_size: int) -> list:
    """[(start, end)] of the ``output_size`` windows over an axis of ``size`` positions."""
    return [(math.floor(i * size / output_size), math.ceil((i + 1) * size / output_size))
            for i in range(output_size)]


def _average_matrix(size: int, output_size: int, dtype) -> np.ndarray:
    matrix = np.zeros((output_size, size), dtype)
    for i, (start, end) in enumerate(adaptive_windows(size, output_size)):
        matrix[i, start:end] = 1.0 / (end - start)
    return matrix


def _window_index(size: int, output_size: int) -> np.ndarray:
    windows = adaptive_windows(size, output_size)
    widest = max(end - start for start, end in windows)
    return np.array([[min(start + k, end - 1) for k in range(widest)]
                     for start, end in windows], dtype=np.int64)


def _pool_axis(x: Tensor, axis: int, output_size: int, mode: str) -> Tensor:
    size = x.shape[axis]
    if mode == "average":
        letters = "abcdefgh"[:x.ndim]
        out = letters.replace(letters[axis], "z")
        matrix = Tensor(backend.to_device(_average_matrix(size, output_size, x.dtype)))
        return ops.einsum(f"{letters},z{letters[axis]}->{out}", x, matrix)
    index = _window_index(size, output_size)
    gathered = ops.getitem(x, (slice(None),) * axis + (backend.to_device(index),))
    return ops.max(gathered, axis=axis + 1)


class _AdaptivePooling(Layer):
    rank = 2
    mode = "average"

    def __init__(self, output_size, data_format=None, **kwargs):
        super().__init__(**kwargs)
        where = f"{type(self).__name__}(output_size)"
        sizes = (output_size,) * self.rank if isinstance(output_size, int) and not isinstance(
            output_size, bool) else output_size
        try:
            sizes = tuple(sizes)
            ok = len(sizes) == self.rank and all(
                isinstance(s, (int, np.integer)) and not isinstance(s, bool) and s >= 1
                for s in sizes)
        except TypeError:
            ok = False
        if not ok:
            raise TypeError(f"{where}: expected a positive integer or a tuple of {self.rank} "
                            f"of them, given {output_size!r}.")
        self.output_size = tuple(int(s) for s in sizes)
        if data_format is None:
            data_format = backend.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"{type(self).__name__}(data_format): expected 'channels_last' or "
                             f"'channels_first', given {data_format!r}.")
        self.data_format = data_format

    def _spatial_axes(self) -> range:
        return range(1, self.rank + 1) if self.data_format == "channels_last" \
            else range(2, self.rank + 2)

    def _check(self, shape) -> None:
        if len(shape) != self.rank + 2:
            raise ValueError(
                f"Input of layer {self.name!r}: expected {self.rank + 2} axes (batch, "
                f"{self.rank} spatial axes, channels), given shape {tuple(shape)}.")

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        if self.data_format == "channels_last":
            return (input_shape[0], *self.output_size, input_shape[-1])
        return (input_shape[0], input_shape[1], *self.output_size)

    def call(self, inputs, training=None):
        self._check(inputs.shape)
        x = inputs
        for axis, size in zip(self._spatial_axes(), self.output_size, strict=True):
            x = _pool_axis(x, axis, size, self.mode)
        return x

    def get_config(self):
        return {**super().get_config(), "output_size": self.output_size,
                "data_format": self.data_format}


_DOC = """Adaptive {what} pooling over {axes}: the output has ``output_size`` positions along
    each spatial axis whatever the input's size; output position i of an axis of n positions
    pooled to m is the {what} over input positions [floor(i n / m), ceil((i + 1) n / m)).

    Args:
        output_size: {size_doc}
        data_format: ``'channels_last'`` (batch, {shape}, channels) or ``'channels_first'``
            (batch, channels, {shape}); None for the configured image data format. Defaults
            to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``input_shape``.

    Raises:
        TypeError: when ``output_size`` is not a positive integer or {rank} of them.
        ValueError: for an input of another rank or an unknown data_format.

    Example:
        >>> x = np.arange({count}, dtype="float32").reshape({example_shape})
        >>> numnet.layers.{name}({example_size})(x).numpy().ravel()
        {example_out}
"""


def _document(cls, what, axes, shape, rank, count, example_shape, example_size, example_out):
    size_doc = ("the output length, an int or a tuple of 1." if rank == 1 else
                f"an int (the same on every axis) or a tuple of {rank} ints.")
    cls.__doc__ = _DOC.format(what=what, axes=axes, shape=shape, rank=rank, size_doc=size_doc,
                              count=count, example_shape=example_shape, name=cls.__name__,
                              example_size=example_size, example_out=example_out)
    return cls


class AdaptiveAveragePooling1D(_AdaptivePooling):
    rank, mode = 1, "average"


class AdaptiveAveragePooling2D(_AdaptivePooling):
    rank, mode = 2, "average"


class AdaptiveAveragePooling3D(_AdaptivePooling):
    rank, mode = 3, "average"


class AdaptiveMaxPooling1D(_AdaptivePooling):
    rank, mode = 1, "max"


class AdaptiveMaxPooling2D(_AdaptivePooling):
    rank, mode = 2, "max"


class AdaptiveMaxPooling3D(_AdaptivePooling):
    rank, mode = 3, "max"


_document(AdaptiveAveragePooling1D, "average", "steps", "steps", 1, 5, "(1, 5, 1)", 2,
          "array([1., 3.], dtype=float32)")
_document(AdaptiveAveragePooling2D, "average", "height and width", "height, width", 2, 16,
          "(1, 4, 4, 1)", 2, "array([ 2.5,  4.5, 10.5, 12.5], dtype=float32)")
_document(AdaptiveAveragePooling3D, "average", "depth, height and width",
          "depth, height, width", 3, 8, "(1, 2, 2, 2, 1)", 1,
          "array([3.5], dtype=float32)")
_document(AdaptiveMaxPooling1D, "max", "steps", "steps", 1, 5, "(1, 5, 1)", 2,
          "array([2., 4.], dtype=float32)")
_document(AdaptiveMaxPooling2D, "max", "height and width", "height, width", 2, 16,
          "(1, 4, 4, 1)", 2, "array([ 5.,  7., 13., 15.], dtype=float32)")
_document(AdaptiveMaxPooling3D, "max", "depth, height and width", "depth, height, width", 3,
          8, "(1, 2, 2, 2, 1)", 1, "array([7.], dtype=float32)")

__all__ = ["AdaptiveAveragePooling1D", "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D",
           "AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D",
           "adaptive_windows"]
