"""Max and average pooling, over windows (1-D, 2-D) or over all positions (global)."""

from __future__ import annotations

from .. import backend
from ..autodiff import ops
from .base import Layer
from .convolutional import (
    channels_last,
    check_rank,
    padding_mode,
    positive_ints,
    window_output_shape,
)


class _Pooling(Layer):
    """Pools windows of ``pool_size``, ``strides`` apart (pool_size when None), per channel.

    padding "valid" keeps the windows that fit; "same" pads so that the output has
    ceil(size / stride) positions (padding never wins a max and is not counted in an average,
    as in Keras).
    """

    rank = 2
    _op = staticmethod(ops.max_pool)

    def __init__(self, pool_size=2, strides=None, padding: str = "valid", data_format=None,
                 name=None, **kwargs):
        super().__init__(name=name, **kwargs)
        where = type(self).__name__
        self.pool_size = positive_ints(pool_size, self.rank, f"{where}(pool_size)")
        self.strides = (self.pool_size if strides is None
                        else positive_ints(strides, self.rank, f"{where}(strides)"))
        self.padding = padding_mode(padding, f"{where}(padding)")
        self.data_format = channels_last(data_format, f"{where}(data_format)")

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, self.rank)
        return window_output_shape(self, input_shape, self.pool_size, self.strides,
                                   (1,) * self.rank, self.padding, input_shape[-1])

    def call(self, inputs, training: bool = False):
        self.compute_output_shape(inputs.shape)
        return self._op(inputs, self.pool_size, self.strides, self.padding)

    def get_config(self):
        return {**super().get_config(), "pool_size": self.pool_size, "padding": self.padding,
                "strides": self.strides, "data_format": self.data_format}


class MaxPooling1D(_Pooling):
    """out[n, i, c] = max of x[n, i * stride : i * stride + pool_size, c]; pool_size 2 by
    default.

    Args:
        pool_size: the window's size: an int. Defaults to ``2``.
        strides: the step between windows (same form), or None for ``pool_size``. Defaults to
            ``None``.
        padding: 'valid' (only the windows that fit) or 'same' (padded so that the output has
            ceil(size / stride) positions). Defaults to ``'valid'``.
        data_format: 'channels_last' (the only layout numnet has) or None. Defaults to ``None``.
        name: the layer's name, or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Input shape (batch, steps, channels); output shape (batch, pooled steps, channels).

    Example:
        >>> x = np.arange(8, dtype='float32').reshape(1, 4, 2)
        >>> numnet.layers.MaxPooling1D(2)(x).shape
        (1, 2, 2)
    """

    rank = 1


class MaxPooling2D(_Pooling):
    """out[n, i, j, c] = max of the pool_size window at (i, j) * strides; pool_size (2, 2) by
    default, so that (None, 26, 26, 32) -> (None, 13, 13, 32).

    Args:
        pool_size: the window's size: an int, or a tuple of 2 ints (height, width). Defaults to
            ``2``.
        strides: the step between windows (same form), or None for ``pool_size``. Defaults to
            ``None``.
        padding: 'valid' (only the windows that fit) or 'same' (padded so that the output has
            ceil(size / stride) positions). Defaults to ``'valid'``.
        data_format: 'channels_last' (the only layout numnet has) or None. Defaults to ``None``.
        name: the layer's name, or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Input shape (batch, height, width, channels); output shape (batch, pooled height, pooled width,
    channels).

    Example:
        >>> x = np.arange(16, dtype='float32').reshape(1, 4, 4, 1)
        >>> numnet.layers.MaxPooling2D(2)(x).shape
        (1, 2, 2, 1)
    """

    rank = 2


class _AveragePooling(_Pooling):
    _op = staticmethod(ops.average_pool)

    def __init__(self, pool_size, strides=None, padding: str = "valid", data_format=None,
                 name=None, **kwargs):  # pool_size has no default here, as in Keras
        super().__init__(pool_size, strides, padding, data_format, name, **kwargs)


class AveragePooling1D(_AveragePooling):
    """out[n, i, c] = mean of x[n, i * stride : i * stride + pool_size, c].

    Args:
        pool_size: the window's size: an int.
        strides: the step between windows (same form), or None for ``pool_size``. Defaults to
            ``None``.
        padding: 'valid' (only the windows that fit) or 'same' (padded so that the output has
            ceil(size / stride) positions). Defaults to ``'valid'``.
        data_format: 'channels_last' (the only layout numnet has) or None. Defaults to ``None``.
        name: the layer's name, or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Input shape (batch, steps, channels); output shape (batch, pooled steps, channels).

    Example:
        >>> x = np.arange(8, dtype='float32').reshape(1, 4, 2)
        >>> numnet.layers.AveragePooling1D(2)(x).shape
        (1, 2, 2)
    """

    rank = 1


class AveragePooling2D(_AveragePooling):
    """out[n, i, j, c] = mean of the pool_size window at (i, j) * strides.

    Args:
        pool_size: the window's size: an int, or a tuple of 2 ints (height, width).
        strides: the step between windows (same form), or None for ``pool_size``. Defaults to
            ``None``.
        padding: 'valid' (only the windows that fit) or 'same' (padded so that the output has
            ceil(size / stride) positions). Defaults to ``'valid'``.
        data_format: 'channels_last' (the only layout numnet has) or None. Defaults to ``None``.
        name: the layer's name, or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Input shape (batch, height, width, channels); output shape (batch, pooled height, pooled width,
    channels).

    Example:
        >>> x = np.arange(16, dtype='float32').reshape(1, 4, 4, 1)
        >>> numnet.layers.AveragePooling2D(2)(x).shape
        (1, 2, 2, 1)
    """

    rank = 2


class _GlobalPooling(Layer):
    """Pools each channel over all spatial positions: (batch, *spatial, channels) ->
    (batch, channels), or (batch, 1, ..., 1, channels) with keepdims=True."""

    rank = 1
    _average = True

    def __init__(self, data_format=None, keepdims: bool = False, **kwargs):
        super().__init__(**kwargs)
        # Pooling over every position needs no layout of its own: channels first only moves
        # the axes pooled (2, 3, ...) and the one kept (1).
        if data_format == "channels_first":
            self.data_format = data_format
        else:
            self.data_format = channels_last(data_format,
                                             f"{type(self).__name__}(data_format)")
        self.keepdims = bool(keepdims)

    def _axes(self) -> tuple:
        """The axes pooled: the spatial ones of the data format."""
        first = 2 if self.data_format == "channels_first" else 1
        return tuple(range(first, first + self.rank))

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, self.rank)
        channels = input_shape[1] if self.data_format == "channels_first" else input_shape[-1]
        if not self.keepdims:
            return (input_shape[0], channels)
        ones = (1,) * self.rank
        if self.data_format == "channels_first":
            return (input_shape[0], channels) + ones
        return (input_shape[0],) + ones + (channels,)

    def call(self, inputs, training: bool = False, mask=None):
        check_rank(self, inputs.shape, self.rank)
        axes = self._axes()
        if mask is not None and self.supports_masking:
            # the mean over the steps the mask keeps (NaN for a row it hides all of, as Keras)
            keep = backend.to_device(mask).astype(inputs.dtype)
            keep = keep[:, None] if self.data_format == "channels_first" else keep[..., None]
            total = ops.sum(ops.multiply(inputs, keep), axis=axes, keepdims=self.keepdims)
            return ops.divide(total, keep.sum(axis=axes, keepdims=self.keepdims))
        reduce = ops.mean if self._average else ops.max
        return reduce(inputs, axis=axes, keepdims=self.keepdims)

    def compute_mask(self, inputs, mask=None):
        return None

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format,
                "keepdims": self.keepdims}


class GlobalAveragePooling1D(_GlobalPooling):
    """out[n, c] = mean over t of x[n, t, c]; with a mask (Embedding(mask_zero=True),
    Masking), the mean over the steps it keeps.

    Args:
        data_format: 'channels_last' (the channels on the last axis) or 'channels_first'
            (on axis 1: the positions pooled are the axes after it). Defaults to ``None``
            (the configured image_data_format).
        keepdims: keep the pooled axes with size 1. Defaults to ``False``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Input shape (batch, steps, channels); output shape (batch, channels), or with ``keepdims``
    (batch, 1, channels).

    Example:
        >>> x = np.ones((2, 5, 3), 'float32')
        >>> numnet.layers.GlobalAveragePooling1D()(x).shape
        (2, 3)
    """

    rank = 1
    supports_masking = True


class GlobalAveragePooling2D(_GlobalPooling):
    """out[n, c] = mean over (i, j) of x[n, i, j, c].

    Args:
        data_format: 'channels_last' (the channels on the last axis) or 'channels_first'
            (on axis 1: the positions pooled are the axes after it). Defaults to ``None``
            (the configured image_data_format).
        keepdims: keep the pooled axes with size 1. Defaults to ``False``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Input shape (batch, height, width, channels); output shape (batch, channels), or with
    ``keepdims`` (batch, 1, 1, channels).

    Example:
        >>> x = np.ones((2, 4, 4, 3), 'float32')
        >>> numnet.layers.GlobalAveragePooling2D()(x).shape
        (2, 3)
    """

    rank = 2


class GlobalMaxPooling1D(_GlobalPooling):
    """out[n, c] = max over t of x[n, t, c]; a mask is not used (every step counts) and is
    dropped with a warning, as Keras 3.

    Args:
        data_format: 'channels_last' (the channels on the last axis) or 'channels_first'
            (on axis 1: the positions pooled are the axes after it). Defaults to ``None``
            (the configured image_data_format).
        keepdims: keep the pooled axes with size 1. Defaults to ``False``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Input shape (batch, steps, channels); output shape (batch, channels), or with ``keepdims``
    (batch, 1, channels).

    Example:
        >>> x = np.ones((2, 5, 3), 'float32')
        >>> numnet.layers.GlobalMaxPooling1D()(x).shape
        (2, 3)
    """

    rank = 1
    _average = False


class GlobalMaxPooling2D(_GlobalPooling):
    """out[n, c] = max over (i, j) of x[n, i, j, c].

    Args:
        data_format: 'channels_last' (the channels on the last axis) or 'channels_first'
            (on axis 1: the positions pooled are the axes after it). Defaults to ``None``
            (the configured image_data_format).
        keepdims: keep the pooled axes with size 1. Defaults to ``False``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Input shape (batch, height, width, channels); output shape (batch, channels), or with
    ``keepdims`` (batch, 1, 1, channels).

    Example:
        >>> x = np.ones((2, 4, 4, 3), 'float32')
        >>> numnet.layers.GlobalMaxPooling2D()(x).shape
        (2, 3)
    """

    rank = 2
    _average = False


MaxPool1D, MaxPool2D = MaxPooling1D, MaxPooling2D
AvgPool1D, AvgPool2D = AveragePooling1D, AveragePooling2D
GlobalAvgPool1D, GlobalAvgPool2D = GlobalAveragePooling1D, GlobalAveragePooling2D
GlobalMaxPool1D, GlobalMaxPool2D = GlobalMaxPooling1D, GlobalMaxPooling2D

__all__ = ["AveragePooling1D", "AveragePooling2D", "AvgPool1D", "AvgPool2D",
           "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAveragePooling1D",
           "GlobalAveragePooling2D", "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPooling1D",
           "GlobalMaxPooling2D", "MaxPool1D", "MaxPool2D", "MaxPooling1D", "MaxPooling2D"]
