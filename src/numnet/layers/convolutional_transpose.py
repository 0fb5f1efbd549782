"""Conv1DTranspose and Conv2DTranspose: transposed (fractionally strided) convolutions, channels
last, with Keras 3's arguments, output shapes and kernel layout."""

from __future__ import annotations

from .. import activations, constraints, initializers, regularizers
from ..autodiff.conv_more import conv_transpose, transpose_geometry
from .base import Layer
from .convolutional import channels_last, check_rank, padding_mode, positive_ints
from .core import ActivationAttribute


class _ConvTranspose(Layer):
    """output = activation(conv_transpose(inputs, kernel) + bias), channels last.

    kernel: (*kernel_size, filters, input channels) (Keras's layout: the transpose of a
    convolution from ``filters`` channels to the input's), glorot_uniform by default; bias:
    (filters,), zeros by default, so ``set_weights`` takes ``keras_layer.get_weights()``.
    """

    rank = 2

    activation = ActivationAttribute()

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid",
                 output_padding=None, data_format=None, dilation_rate=1, activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = type(self).__name__
        if isinstance(filters, bool) or not isinstance(filters, int) or filters < 1:
            raise ValueError(f"{where}(filters): expected a positive integer (the number of "
                             f"output channels), given {filters!r}.")
        self.filters = filters
        self.kernel_size = positive_ints(kernel_size, self.rank, f"{where}(kernel_size)")
        self.strides = positive_ints(strides, self.rank, f"{where}(strides)")
        self.dilation_rate = positive_ints(dilation_rate, self.rank, f"{where}(dilation_rate)")
        self.padding = padding_mode(padding, f"{where}(padding)")
        self.data_format = channels_last(data_format, f"{where}(data_format)")
        if output_padding is not None:
            values = ((output_padding,) * self.rank if isinstance(output_padding, int)
                      else output_padding)
            try:
                values = tuple(values)
                ok = len(values) == self.rank and all(
                    isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in values)
            except TypeError:
                ok = False
            if not ok:
                raise ValueError(f"{where}(output_padding): expected None, an integer >= 0 or "
                                 f"{self.rank} of them, given {output_padding!r}.")
            for i, (extra, stride) in enumerate(zip(values, self.strides, strict=True)):
                if extra >= stride:
                    raise ValueError(
                        f"{where}(output_padding): each value must be less than the stride "
                        f"of its axis; axis {i} has output_padding {extra} and stride "
                        f"{stride}. Lower output_padding or raise strides.")
            output_padding = values
        self.output_padding = output_padding
        if max(self.strides) > 1 and max(self.dilation_rate) > 1:
            raise ValueError(
                f"{where}: strides > 1 and dilation_rate > 1 together are not supported (as in "
                f"Keras), given strides={self.strides}, dilation_rate={self.dilation_rate}.")
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self._weight_options("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        self._weight_options("bias", bias_initializer, bias_regularizer, bias_constraint)
        self.kernel = self.bias = None

    def build(self, input_shape) -> None:
        check_rank(self, input_shape, self.rank)
        channels = input_shape[-1]
        if channels is None:
            raise ValueError(f"Input of layer {self.name!r}: the channels axis (the last) must "
                             f"be known to build the kernel, given input shape {input_shape}.")
        self.kernel = self.add_weight((*self.kernel_size, self.filters, channels),
                                      self.kernel_initializer, "kernel",
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer, "bias",
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, self.rank)
        extras = self.output_padding or (None,) * self.rank
        spatial = tuple(transpose_geometry(n, k, s, d, self.padding, e)[0] for n, k, s, d, e in
                        zip(input_shape[1:-1], self.kernel_size, self.strides,
                            self.dilation_rate, extras, strict=True))
        shape = (input_shape[0], *spatial, self.filters)
        return activations.output_shape(self.activation, shape)

    def call(self, inputs, training=None):
        check_rank(self, inputs.shape, self.rank)
        channels = self.kernel.shape[-1]
        if inputs.shape[-1] != channels:
            raise ValueError(
                f"Input of layer {self.name!r}: expected {channels} channels on the last axis "
                f"(the number it was built for), given shape {inputs.shape}.")
        out = conv_transpose(inputs, self._weight(self.kernel), self._weight(self.bias),
                             self.strides, self.padding, self.output_padding,
                             self.dilation_rate)
        return out if self.activation is activations.linear else self.activation(out)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "output_padding": self.output_padding,
                "data_format": self.data_format, "dilation_rate": self.dilation_rate,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


class Conv1DTranspose(_ConvTranspose):
    """Transposed 1-D convolution over (batch, steps, channels): kernel (kernel_size, filters,
    channels). With strides=2 and padding="same", steps double.

    Args:
        filters: the number of output channels.
        kernel_size: the window's size: an int, or (for 2D) a tuple of 2 ints.
        strides: the step of the window: an int or a tuple. Defaults to ``1``.
        padding: 'valid' or 'same'. Defaults to ``'valid'``.
        output_padding: extra size added to one side of the output, or None. Defaults to ``None``.
        data_format: 'channels_last' (the only layout numnet has) or None. Defaults to ``None``.
        dilation_rate: the spacing between the window's elements: an int or a tuple. Defaults to
            ``1``.
        activation: the activation applied to the output: a name, a function, or None for linear.
            Defaults to ``None``.
        use_bias: whether to add a bias vector. Defaults to ``True``.
        kernel_initializer: how the kernel starts: an initializer: a name ('glorot_uniform',
            'zeros', ...) or an Initializer. Defaults to ``'glorot_uniform'``.
        bias_initializer: how the bias starts: an initializer: a name ('glorot_uniform', 'zeros',
            ...) or an Initializer. Defaults to ``'zeros'``.
        kernel_regularizer: the kernel's penalty: a regularizer whose penalty is added to the loss
            (a name such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        bias_regularizer: the bias's penalty: a regularizer whose penalty is added to the loss (a
            name such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        activity_regularizer: a penalty on the layer's output: a regularizer whose penalty is added
            to the loss (a name such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        kernel_constraint: the kernel's constraint: a constraint applied after each optimizer step
            (a name or a Constraint), or None. Defaults to ``None``.
        bias_constraint: the bias's constraint: a constraint applied after each optimizer step (a
            name or a Constraint), or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> x = np.ones((2, 5, 3), 'float32')
        >>> numnet.layers.Conv1DTranspose(4, 3, strides=2)(x).shape
        (2, 11, 4)
        >>> numnet.layers.Conv1DTranspose(8, 3, strides=2, padding="same")(x).shape
        (2, 10, 8)
    """

    rank = 1


class Conv2DTranspose(_ConvTranspose):
    """Transposed 2-D convolution ("deconvolution") over (batch, height, width, channels), as
    Keras: the gradient of a Conv2D with respect to its input, with a kernel of its own.

    Args:
        filters: output channels.
        kernel_size: an int or (kh, kw).
        strides: an int or 2 ints. Defaults to (1, 1).
        padding: "valid" (default) or "same".
        output_padding: None (default) or an int / 2 ints, each less than its stride: the
            extra rows / columns of the output.
        data_format: None or "channels_last" (numnet computes channels last only).
        dilation_rate: an int or 2 ints. Defaults to 1 (not together with strides > 1).
        activation: the activation applied to the output: a name, a function, or None for
            linear. Defaults to None.
        use_bias: whether to add a bias vector. Defaults to True.
        kernel_initializer: how the kernel starts. Defaults to "glorot_uniform".
        bias_initializer: how the bias starts. Defaults to "zeros".
        kernel_regularizer: the kernel's penalty, or None (the default).
        bias_regularizer: the bias's penalty, or None (the default).
        activity_regularizer: a penalty on the output, or None (the default).
        kernel_constraint: the kernel's constraint, or None (the default).
        bias_constraint: the bias's constraint, or None (the default).
        **kwargs: the Layer arguments (``name``, ``dtype``, ``trainable``, ``input_shape``).

    Output size of each spatial axis of size n (span = dilation (k - 1) + 1): "valid":
    (n - 1) stride + span + output_padding (None: max(span, stride) - span); "same":
    n stride (output_padding None) or (n - 1) stride + span % 2 + output_padding.

    Weights: kernel (kh, kw, filters, channels), bias (filters,), Keras's shapes and order.

    Example:
        >>> x = np.ones((2, 7, 7, 32), "float32")
        >>> numnet.layers.Conv2DTranspose(16, 3, strides=2, padding="same")(x).shape
        (2, 14, 14, 16)
    """

    rank = 2


Convolution1DTranspose = Conv1DTranspose
Convolution2DTranspose = Conv2DTranspose

__all__ = ["Conv1DTranspose", "Conv2DTranspose", "Convolution1DTranspose",
           "Convolution2DTranspose"]
