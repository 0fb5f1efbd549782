"""3-D (volumetric) layers over (batch, dim1, dim2, dim3, channels): MaxPooling3D,
AveragePooling3D, GlobalAveragePooling3D, GlobalMaxPooling3D, UpSampling3D, ZeroPadding3D and
Cropping3D, with Keras's arguments, defaults and configs. Channels last only.
"""

from __future__ import annotations

from ..autodiff import ops
from ..ops.image import pad_constant
from .base import Layer
from .convolutional import channels_last, check_rank, positive_ints
from .image import repeat
from .pooling import _AveragePooling, _GlobalPooling, _Pooling

_POOL_ARGS = """
    Args:
        pool_size: the window: an int or a tuple of 3 ints.{default}
        strides: the step between windows, or None for ``pool_size``. Defaults to ``None``.
        padding: 'valid' or 'same'. Defaults to ``'valid'``.
        data_format: 'channels_last' or None. Defaults to ``None``.
        name: the layer's name, or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``dtype``, ``trainable``, ``input_shape``.
"""


class MaxPooling3D(_Pooling):
    __doc__ = """The maximum of each pool_size window of (batch, d1, d2, d3, channels), per
    channel; padding never wins.
    """ + _POOL_ARGS.format(default=" Defaults to ``(2, 2, 2)``.") + """
    Example:
        >>> numnet.layers.MaxPooling3D()(np.ones((1, 4, 4, 4, 2), 'float32')).shape
        (1, 2, 2, 2, 2)
    """

    rank = 3


class AveragePooling3D(_AveragePooling):
    __doc__ = """The mean of each pool_size window of (batch, d1, d2, d3, channels), per
    channel (padding not counted).
    """ + _POOL_ARGS.format(default="") + """
    Example:
        >>> numnet.layers.AveragePooling3D(2)(np.ones((1, 4, 4, 4, 2), 'float32')).shape
        (1, 2, 2, 2, 2)
    """

    rank = 3


_GLOBAL_ARGS = """
    Args:
        data_format: 'channels_last' or None. Defaults to ``None``.
        keepdims: keep the spatial axes with size 1. Defaults to ``False``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, ``input_shape``.
"""


class GlobalAveragePooling3D(_GlobalPooling):
    __doc__ = """out[n, c] = mean over (i, j, k) of x[n, i, j, k, c].
    """ + _GLOBAL_ARGS + """
    Example:
        >>> numnet.layers.GlobalAveragePooling3D()(np.ones((2, 3, 3, 3, 4), 'float32')).shape
        (2, 4)
    """

    rank = 3


class GlobalMaxPooling3D(_GlobalPooling):
    __doc__ = """out[n, c] = max over (i, j, k) of x[n, i, j, k, c].
    """ + _GLOBAL_ARGS + """
    Example:
        >>> numnet.layers.GlobalMaxPooling3D()(np.ones((2, 3, 3, 3, 4), 'float32')).shape
        (2, 4)
    """

    rank = 3
    _average = False


def _three_pairs(value, where: str) -> tuple:
    """((a, b), (c, d), (e, f)) of ints >= 0 from an int, three ints, or three pairs."""
    def pair(v):
        if isinstance(v, int) and not isinstance(v, bool):
            v = (v, v)
        v = tuple(v)
        if len(v) != 2 or not all(isinstance(i, int) and not isinstance(i, bool) and i >= 0
                                  for i in v):
            raise ValueError
        return v

    try:
        if isinstance(value, int) and not isinstance(value, bool):
            return (pair(value),) * 3
        parts = tuple(value)
        if len(parts) != 3:
            raise ValueError
        return tuple(pair(p) for p in parts)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: expected an int, a tuple of 3 ints, or 3 pairs of ints "
                         f"((before, after) for each spatial axis), each >= 0; given "
                         f"{value!r}.") from None


class UpSampling3D(Layer):
    """Repeat each entry ``size`` times along each spatial axis: (batch, d1, d2, d3, c) ->
    (batch, d1 * s1, d2 * s2, d3 * s3, c).

    Args:
        size: an int or 3 ints. Defaults to ``(2, 2, 2)``.
        data_format: 'channels_last' or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, ``input_shape``.

    Example:
        >>> numnet.layers.UpSampling3D(2)(np.ones((1, 1, 2, 3, 1), 'float32')).shape
        (1, 2, 4, 6, 1)
    """

    def __init__(self, size=(2, 2, 2), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.size = positive_ints(size, 3, "UpSampling3D(size)")
        self.data_format = channels_last(data_format, "UpSampling3D(data_format)")

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, 3)
        return (input_shape[0], *(None if n is None else n * s for n, s in
                                  zip(input_shape[1:4], self.size, strict=True)),
                input_shape[-1])

    def call(self, inputs):
        check_rank(self, inputs.shape, 3)
        out = inputs
        for axis, times in enumerate(self.size, start=1):
            if times > 1:
                out = repeat(out, times, axis)
        return out

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format}


class ZeroPadding3D(Layer):
    """Zeros around each volume of (batch, d1, d2, d3, c).

    Args:
        padding: an int (the same on every side), 3 ints (per axis, both sides) or 3 pairs
            ((before, after) per axis). Defaults to ``((1, 1), (1, 1), (1, 1))``.
        data_format: 'channels_last' or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, ``input_shape``.

    Example:
        >>> numnet.layers.ZeroPadding3D(1)(np.ones((1, 2, 2, 2, 3), 'float32')).shape
        (1, 4, 4, 4, 3)
    """

    def __init__(self, padding=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _three_pairs(padding, "ZeroPadding3D(padding)")
        self.data_format = channels_last(data_format, "ZeroPadding3D(data_format)")

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, 3)
        return (input_shape[0], *(None if n is None else n + a + b for n, (a, b) in
                                  zip(input_shape[1:4], self.padding, strict=True)),
                input_shape[-1])

    def call(self, inputs):
        check_rank(self, inputs.shape, 3)
        return pad_constant(inputs, self.padding)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding,
                "data_format": self.data_format}


class Cropping3D(Layer):
    """Cut entries from the edges of each volume of (batch, d1, d2, d3, c).

    Args:
        cropping: an int, 3 ints or 3 pairs ((before, after) per axis). Defaults to
            ``((1, 1), (1, 1), (1, 1))``.
        data_format: 'channels_last' or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, ``input_shape``.

    Raises:
        ValueError: when the cropping leaves nothing of an axis.

    Example:
        >>> numnet.layers.Cropping3D(((1, 0), 1, (0, 2)))(np.ones((1, 3, 4, 5, 2))).shape
        (1, 2, 2, 3, 2)
    """

    def __init__(self, cropping=((1, 1), (1, 1), (1, 1)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _three_pairs(cropping, "Cropping3D(cropping)")
        self.data_format = channels_last(data_format, "Cropping3D(data_format)")

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, 3)
        out = []
        for n, (a, b) in zip(input_shape[1:4], self.cropping, strict=True):
            if n is not None and n - a - b < 1:
                raise ValueError(f"Input of layer {self.name!r}: cropping {self.cropping} "
                                 f"leaves nothing of shape {tuple(input_shape)}; crop less.")
            out.append(None if n is None else n - a - b)
        return (input_shape[0], *out, input_shape[-1])

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        index = (slice(None), *(slice(a, n - b) for n, (a, b) in
                                zip(inputs.shape[1:4], self.cropping, strict=True)))
        return ops.getitem(inputs, index)

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}


AvgPool3D = AveragePooling3D
MaxPool3D = MaxPooling3D
GlobalAvgPool3D = GlobalAveragePooling3D
GlobalMaxPool3D = GlobalMaxPooling3D

__all__ = ["AveragePooling3D", "AvgPool3D", "Cropping3D", "GlobalAveragePooling3D",
           "GlobalAvgPool3D", "GlobalMaxPool3D", "GlobalMaxPooling3D", "MaxPool3D",
           "MaxPooling3D", "UpSampling3D", "ZeroPadding3D"]
