"""DepthwiseConv1D / 2D and SeparableConv1D / 2D (channels last), and Conv3D.

A depthwise convolution convolves each input channel with its own ``depth_multiplier`` filters;
a separable convolution follows it with a 1x1 (pointwise) convolution that mixes the channels.
Weights have Keras's names, shapes and order, so ``set_weights(keras_layer.get_weights())``
works.
"""

from __future__ import annotations

from .. import activations, constraints, initializers, regularizers
from ..autodiff import ops
from ..autodiff.conv_more import depthwise_conv
from .base import Layer
from .convolutional import (
    _Conv,
    channels_last,
    check_rank,
    padding_mode,
    positive_ints,
    window_output_shape,
)
from .core import ActivationAttribute

_ARGS_DOC = """
    Args:
        kernel_size: the window's size: an int or a tuple of ``rank`` ints.
        strides: the step of the window: an int or a tuple. Defaults to ``1``.
        padding: 'valid' (no padding) or 'same' (output size ceil(input / stride)). Defaults
            to ``'valid'``.
        depth_multiplier: the number of filters each input channel gets. Defaults to ``1``.
        data_format: 'channels_last' (the only layout numnet has) or None. Defaults to ``None``.
        dilation_rate: the spacing between the window's taps. Defaults to ``1``.
        activation: a name, a function, or None for linear. Defaults to ``None``.
        use_bias: whether to add a bias vector. Defaults to ``True``.
        depthwise_initializer: how the depthwise kernel starts. Defaults to
            ``'glorot_uniform'``.
        bias_initializer: how the bias starts. Defaults to ``'zeros'``.
        depthwise_regularizer, bias_regularizer, activity_regularizer: penalties added to the
            loss, or None. Default to ``None``.
        depthwise_constraint, bias_constraint: constraints applied after each optimizer step,
            or None. Default to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, ``input_shape``.
"""


class _DepthwiseBase(Layer):
    """What the depthwise and separable layers share: the window's arguments and checks."""

    rank = 2

    activation = ActivationAttribute()

    def _window_args(self, kernel_size, strides, padding, data_format, dilation_rate,
                     depth_multiplier, activation, use_bias) -> None:
        where = type(self).__name__
        if (isinstance(depth_multiplier, bool) or not isinstance(depth_multiplier, int)
                or depth_multiplier < 1):
            raise ValueError(f"{where}(depth_multiplier): expected a positive integer (the "
                             f"filters per input channel), given {depth_multiplier!r}.")
        self.depth_multiplier = depth_multiplier
        self.kernel_size = positive_ints(kernel_size, self.rank, f"{where}(kernel_size)")
        self.strides = positive_ints(strides, self.rank, f"{where}(strides)")
        self.dilation_rate = positive_ints(dilation_rate, self.rank, f"{where}(dilation_rate)")
        self.padding = padding_mode(padding, f"{where}(padding)")
        self.data_format = channels_last(data_format, f"{where}(data_format)")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)

    def _channels(self, input_shape) -> int:
        check_rank(self, input_shape, self.rank)
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f"Input of layer {self.name!r}: the channels axis (the last) must "
                             f"be known to build the kernel, given input shape {input_shape}.")
        return channels

    def _check_input(self, inputs) -> None:
        check_rank(self, inputs.shape, self.rank)
        channels = self.depthwise_kernel.shape[-2]
        if inputs.shape[-1] != channels:
            raise ValueError(
                f"Input of layer {self.name!r}: expected {channels} channels on the last axis "
                f"(the number it was built for), given shape {inputs.shape}.")
        window_output_shape(self, inputs.shape, self.kernel_size, self.strides,
                            self.dilation_rate, self.padding, 1)

    def _activate(self, out):
        return out if self.activation is activations.linear else self.activation(out)

    def _window_config(self) -> dict:
        return {"depth_multiplier": self.depth_multiplier, "kernel_size": self.kernel_size,
                "strides": self.strides, "padding": self.padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias}

    @staticmethod
    def _options(layer, *names) -> dict:
        config = {}
        for name in names:
            config[f"{name}_initializer"] = initializers.serialize(
                getattr(layer, f"{name}_initializer"))
            config[f"{name}_regularizer"] = regularizers.serialize(
                getattr(layer, f"{name}_regularizer"))
            config[f"{name}_constraint"] = constraints.serialize(
                getattr(layer, f"{name}_constraint"))
        return config


class _DepthwiseConv(_DepthwiseBase):
    """output = activation(depthwise_conv(inputs, depthwise_kernel) + bias).

    depthwise_kernel: (*kernel_size, channels, depth_multiplier); bias: (channels *
    depth_multiplier,). Output channel c * depth_multiplier + m is input channel c convolved
    with depthwise_kernel[..., c, m], as Keras orders them.
    """

    def __init__(self, kernel_size, strides=1, padding: str = "valid", depth_multiplier: int = 1,
                 data_format=None, dilation_rate=1, activation=None, use_bias: bool = True,
                 depthwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 depthwise_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        self._window_args(kernel_size, strides, padding, data_format, dilation_rate,
                          depth_multiplier, activation, use_bias)
        self._weight_options("depthwise", depthwise_initializer, depthwise_regularizer,
                             depthwise_constraint)
        self._weight_options("bias", bias_initializer, bias_regularizer, bias_constraint)
        self.depthwise_kernel = self.bias = None

    def build(self, input_shape) -> None:
        channels = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            (*self.kernel_size, channels, self.depth_multiplier), self.depthwise_initializer,
            name="kernel", regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        if self.use_bias:
            self.bias = self.add_weight((channels * self.depth_multiplier,),
                                        self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    @property
    def kernel(self):
        """The depthwise kernel under Keras 3's name (``layer.kernel``); ``depthwise_kernel``
        is the same Variable under Keras 2's. None before the layer is built."""
        return self.depthwise_kernel

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, self.rank)
        channels = None if input_shape[-1] is None else input_shape[-1] * self.depth_multiplier
        shape = window_output_shape(self, input_shape, self.kernel_size, self.strides,
                                    self.dilation_rate, self.padding, channels)
        return activations.output_shape(self.activation, shape)

    def call(self, inputs, training: bool = False):
        self._check_input(inputs)
        out = depthwise_conv(inputs, self._weight(self.depthwise_kernel), self.strides,
                             self.padding, self.dilation_rate)
        if self.use_bias:
            out = ops.add(out, self._weight(self.bias))
        return self._activate(out)

    def get_config(self):
        return {**super().get_config(), **self._window_config(),
                **self._options(self, "depthwise", "bias")}


class DepthwiseConv1D(_DepthwiseConv):
    __doc__ = """Depthwise 1-D convolution over (batch, steps, channels): each channel
    convolved with its own ``depth_multiplier`` filters; depthwise_kernel (kernel_size,
    channels, depth_multiplier), bias (channels * depth_multiplier,).
    """ + _ARGS_DOC + """
    Example:
        >>> x = np.ones((2, 5, 3), 'float32')
        >>> numnet.layers.DepthwiseConv1D(3, depth_multiplier=2)(x).shape
        (2, 3, 6)
    """

    rank = 1


class DepthwiseConv2D(_DepthwiseConv):
    __doc__ = """Depthwise 2-D convolution over (batch, height, width, channels): each channel
    convolved with its own ``depth_multiplier`` filters; depthwise_kernel (kh, kw, channels,
    depth_multiplier), bias (channels * depth_multiplier,).
    """ + _ARGS_DOC + """
    Example:
        >>> x = np.ones((2, 8, 8, 3), 'float32')
        >>> numnet.layers.DepthwiseConv2D(3, padding='same')(x).shape
        (2, 8, 8, 3)
    """

    rank = 2


class _SeparableConv(_DepthwiseBase):
    """output = activation(pointwise(depthwise_conv(inputs)) + bias).

    depthwise_kernel: (*kernel_size, channels, depth_multiplier); pointwise_kernel:
    (1, ..., 1, channels * depth_multiplier, filters); bias: (filters,). Keras's order.
    """

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid",
                 data_format=None, dilation_rate=1, depth_multiplier: int = 1, activation=None,
                 use_bias: bool = True, depthwise_initializer="glorot_uniform",
                 pointwise_initializer="glorot_uniform", bias_initializer="zeros",
                 depthwise_regularizer=None, pointwise_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, depthwise_constraint=None, pointwise_constraint=None,
                 bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = type(self).__name__
        if isinstance(filters, bool) or not isinstance(filters, int) or filters < 1:
            raise ValueError(f"{where}(filters): expected a positive integer (the number of "
                             f"output channels), given {filters!r}.")
        self.filters = filters
        self._window_args(kernel_size, strides, padding, data_format, dilation_rate,
                          depth_multiplier, activation, use_bias)
        self._weight_options("depthwise", depthwise_initializer, depthwise_regularizer,
                             depthwise_constraint)
        self._weight_options("pointwise", pointwise_initializer, pointwise_regularizer,
                             pointwise_constraint)
        self._weight_options("bias", bias_initializer, bias_regularizer, bias_constraint)
        self.depthwise_kernel = self.pointwise_kernel = self.bias = None

    def build(self, input_shape) -> None:
        channels = self._channels(input_shape)
        self.depthwise_kernel = self.add_weight(
            (*self.kernel_size, channels, self.depth_multiplier), self.depthwise_initializer,
            name="depthwise_kernel", regularizer=self.depthwise_regularizer,
            constraint=self.depthwise_constraint)
        self.pointwise_kernel = self.add_weight(
            (1,) * self.rank + (channels * self.depth_multiplier, self.filters),
            self.pointwise_initializer, name="pointwise_kernel",
            regularizer=self.pointwise_regularizer, constraint=self.pointwise_constraint)
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer, name="bias",
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, self.rank)
        shape = window_output_shape(self, input_shape, self.kernel_size, self.strides,
                                    self.dilation_rate, self.padding, self.filters)
        return activations.output_shape(self.activation, shape)

    def call(self, inputs, training: bool = False):
        self._check_input(inputs)
        depthwise = depthwise_conv(inputs, self._weight(self.depthwise_kernel), self.strides,
                                   self.padding, self.dilation_rate)
        out = ops.conv(depthwise, self._weight(self.pointwise_kernel),
                       self._weight(self.bias) if self.use_bias else None)
        return self._activate(out)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, **self._window_config(),
                **self._options(self, "depthwise", "pointwise", "bias")}


_SEPARABLE_DOC = """
    Args:
        filters: the number of output channels (of the pointwise convolution).
        kernel_size: the depthwise window's size: an int or a tuple of ``rank`` ints.
        strides: the step of the window. Defaults to ``1``.
        padding: 'valid' or 'same'. Defaults to ``'valid'``.
        data_format: 'channels_last' or None. Defaults to ``None``.
        dilation_rate: the spacing between the window's taps. Defaults to ``1``.
        depth_multiplier: the depthwise filters per input channel. Defaults to ``1``.
        activation: a name, a function, or None for linear. Defaults to ``None``.
        use_bias: whether to add a bias vector (filters,). Defaults to ``True``.
        depthwise_initializer, pointwise_initializer: Default to ``'glorot_uniform'``.
        bias_initializer: Defaults to ``'zeros'``.
        depthwise_regularizer, pointwise_regularizer, bias_regularizer, activity_regularizer,
            depthwise_constraint, pointwise_constraint, bias_constraint: Default to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, ``input_shape``.
"""


class SeparableConv1D(_SeparableConv):
    __doc__ = """Depthwise 1-D convolution followed by a pointwise (size 1) convolution over
    (batch, steps, channels).
    """ + _SEPARABLE_DOC + """
    Example:
        >>> x = np.ones((2, 5, 3), 'float32')
        >>> numnet.layers.SeparableConv1D(4, 3)(x).shape
        (2, 3, 4)
    """

    rank = 1


class SeparableConv2D(_SeparableConv):
    __doc__ = """Depthwise 2-D convolution followed by a pointwise (1x1) convolution over
    (batch, height, width, channels).
    """ + _SEPARABLE_DOC + """
    Example:
        >>> x = np.ones((2, 8, 8, 3), 'float32')
        >>> numnet.layers.SeparableConv2D(16, 3, activation='relu')(x).shape
        (2, 6, 6, 16)
    """

    rank = 2


class Conv3D(_Conv):
    """3-D convolution over (batch, depth, height, width, channels): kernel (kd, kh, kw,
    channels, filters), bias (filters,); the arguments and defaults of Conv2D.

    Args:
        filters: the number of output channels.
        kernel_size: an int or a tuple of 3 ints.
        strides: Defaults to ``1``. padding: 'valid' or 'same'; Defaults to ``'valid'``.
        data_format: 'channels_last' or None. Defaults to ``None``.
        dilation_rate: Defaults to ``1``. groups: only ``1``. activation: Defaults to ``None``.
        use_bias: Defaults to ``True``. kernel_initializer: Defaults to ``'glorot_uniform'``.
        bias_initializer: Defaults to ``'zeros'``.
        kernel_regularizer: the kernel's penalty. Defaults to ``None``.
        bias_regularizer: the bias's penalty. Defaults to ``None``.
        activity_regularizer: a penalty on the output. Defaults to ``None``.
        kernel_constraint: the kernel's constraint. Defaults to ``None``.
        bias_constraint: the bias's constraint. Defaults to ``None``.
        **kwargs: the Layer arguments.

    Example:
        >>> x = np.ones((2, 4, 4, 4, 1), 'float32')
        >>> numnet.layers.Conv3D(2, 3)(x).shape
        (2, 2, 2, 2, 2)
    """

    rank = 3


Convolution3D = Conv3D

__all__ = ["Conv3D", "Convolution3D", "DepthwiseConv1D", "DepthwiseConv2D", "SeparableConv1D",
           "SeparableConv2D", "depthwise_conv"]
