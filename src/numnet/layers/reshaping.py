"""Flatten, Reshape, RepeatVector and Permute."""

from __future__ import annotations

import math

from .. import backend
from ..autodiff import ops
from .base import Layer, normalize_shape


class Flatten(Layer):
    """(batch, d1, d2, ...) -> (batch, d1 * d2 * ...).

    Args:
        data_format: 'channels_last' (the only layout numnet has) or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> x = np.ones((2, 8, 8, 3), 'float32')
        >>> numnet.layers.Flatten()(x).shape
        (2, 192)
    """

    def __init__(self, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.data_format = data_format

    def compute_output_shape(self, input_shape):
        rest = input_shape[1:]
        return (input_shape[0], None if None in rest else math.prod(rest))

    def call(self, inputs, training=False):
        if inputs.ndim == 2:
            return inputs
        return ops.reshape(inputs, (inputs.shape[0], -1))

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class Reshape(Layer):
    """(batch, ...) -> (batch,) + target_shape; one entry may be -1.

    Args:
        target_shape: the output shape without the batch axis; one entry may be -1 (inferred).
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> x = np.ones((2, 6), 'float32')
        >>> numnet.layers.Reshape((3, 2))(x).shape
        (2, 3, 2)
    """

    def __init__(self, target_shape, **kwargs):
        super().__init__(**kwargs)
        self.target_shape = tuple(int(d) for d in target_shape)

    def compute_output_shape(self, input_shape):
        if -1 not in self.target_shape or None in input_shape[1:]:
            return (input_shape[0],) + tuple(None if d == -1 else d for d in self.target_shape)
        known = math.prod(d for d in self.target_shape if d != -1)
        total = math.prod(input_shape[1:])
        return (input_shape[0],) + tuple(total // known if d == -1 else d
                                         for d in self.target_shape)

    def call(self, inputs, training=False):
        return ops.reshape(inputs, (inputs.shape[0],) + self.target_shape)

    def get_config(self):
        return {**super().get_config(), "target_shape": self.target_shape}


class RepeatVector(Layer):
    """(batch, features) -> (batch, n, features): each sample repeated n times.

    Args:
        n: how many times the input vector is repeated.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> x = np.ones((2, 6), 'float32')
        >>> numnet.layers.RepeatVector(4)(x).shape
        (2, 4, 6)
    """

    def __init__(self, n: int, **kwargs):
        super().__init__(**kwargs)
        if isinstance(n, bool) or not isinstance(n, int):
            raise TypeError(f"RepeatVector(n): expected a positive integer (how many times to "
                            f"repeat each sample), given {type(n).__name__} {n!r}.")
        if n <= 0:
            raise ValueError(f"RepeatVector(n): expected a positive integer, given {n!r}.")
        self.n = n

    def compute_output_shape(self, input_shape):
        _check_rank(self, input_shape, 2, "(batch, features)")
        return (input_shape[0], self.n, input_shape[1])

    def call(self, inputs, training=False):
        _check_rank(self, inputs.shape, 2, "(batch, features)")
        batch, features = inputs.shape
        # broadcast along the new axis; the backward pass sums the n copies' gradients
        ones = backend.xp.ones((1, self.n, 1), dtype=inputs.dtype)
        return ops.multiply(ops.reshape(inputs, (batch, 1, features)), ones)

    def get_config(self):
        return {**super().get_config(), "n": self.n}


class Permute(Layer):
    """Permutes the axes of each sample: Permute((2, 1)) turns (batch, a, b) into (batch, b, a).

    ``dims`` numbers the axes from 1 (axis 0 is the batch, which stays in place).

    Args:
        dims: the new order of the non-batch axes, counted from 1: (2, 1) swaps the two.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> x = np.ones((2, 5, 3), 'float32')
        >>> numnet.layers.Permute((2, 1))(x).shape
        (2, 3, 5)
    """

    def __init__(self, dims, **kwargs):
        super().__init__(**kwargs)
        try:
            permutation = tuple(int(d) for d in dims)
        except (TypeError, ValueError):
            permutation = ()
        if not permutation or sorted(permutation) != list(range(1, len(permutation) + 1)):
            raise ValueError(
                f"Permute(dims): expected a permutation of 1, ..., k (the sample's axes, "
                f"numbered from 1), given {dims!r}; e.g. Permute((2, 1)) swaps two axes.")
        self.dims = permutation

    def compute_output_shape(self, input_shape):
        _check_rank(self, input_shape, len(self.dims) + 1, f"(batch, {len(self.dims)} axes)")
        return (input_shape[0],) + tuple(input_shape[d] for d in self.dims)

    def call(self, inputs, training=False):
        _check_rank(self, inputs.shape, len(self.dims) + 1, f"(batch, {len(self.dims)} axes)")
        return ops.transpose(inputs, (0,) + self.dims)

    def get_config(self):
        return {**super().get_config(), "dims": self.dims}


def _check_rank(layer: Layer, shape, ndim: int, described: str) -> None:
    if len(shape) != ndim:
        raise ValueError(f"Input of layer {layer.name!r}: expected {ndim} axes {described}, "
                         f"given shape {tuple(shape)}.")


__all__ = ["Flatten", "Permute", "RepeatVector", "Reshape", "normalize_shape"]
