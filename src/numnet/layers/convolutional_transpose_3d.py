"""Conv3DTranspose (and its alias Convolution3DTranspose): the transposed 3-D convolution, with
Keras 3's arguments (in Keras's order), output shapes and kernel layout."""

from __future__ import annotations

from .convolutional_transpose import _ConvTranspose


class Conv3DTranspose(_ConvTranspose):
    """Transposed 3-D convolution over (batch, depth, height, width, channels), as Keras: the
    gradient of a Conv3D with respect to its input, with a kernel of its own.

    Args:
        filters: the number of output channels.
        kernel_size: an int or (kd, kh, kw).
        strides: an int or 3 ints. Defaults to ``(1, 1, 1)``.
        padding: ``'valid'`` or ``'same'``. Defaults to ``'valid'``.
        data_format: None or ``'channels_last'`` (numnet computes channels last only). Defaults
            to ``None``.
        output_padding: None or an int / 3 ints, each less than its stride: the extra planes,
            rows and columns of the output. Defaults to ``None``.
        dilation_rate: an int or 3 ints (not together with strides > 1). Defaults to
            ``(1, 1, 1)``.
        activation: the activation applied to the output, or None for linear. Defaults to
            ``None``.
        use_bias: whether to add a bias vector. Defaults to ``True``.
        kernel_initializer: how the kernel starts. Defaults to ``'glorot_uniform'``.
        bias_initializer: how the bias starts. Defaults to ``'zeros'``.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties, or None.
            Defaults to ``None``.
        kernel_constraint, bias_constraint: constraints, or None. Defaults to ``None``.
        **kwargs: the Layer arguments (``name``, ``dtype``, ``trainable``, ``input_shape``).

    Output size of each spatial axis of size n (span = dilation (k - 1) + 1): "valid":
    (n - 1) stride + span + output_padding (None: max(span, stride) - span); "same":
    n stride (output_padding None) or (n - 1) stride + span % 2 + output_padding.

    Weights: kernel (kd, kh, kw, filters, channels), bias (filters,): Keras's shapes and order.

    Example:
        >>> x = np.ones((1, 4, 4, 4, 8), "float32")
        >>> numnet.layers.Conv3DTranspose(2, 3, strides=2, padding="same")(x).shape
        (1, 8, 8, 8, 2)
    """

    rank = 3

    def __init__(self, filters: int, kernel_size, strides=(1, 1, 1), padding: str = "valid",
                 data_format=None, output_padding=None, dilation_rate=(1, 1, 1),
                 activation=None, use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(filters, kernel_size, strides=strides, padding=padding,
                         output_padding=output_padding, data_format=data_format,
                         dilation_rate=dilation_rate, activation=activation, use_bias=use_bias,
                         kernel_initializer=kernel_initializer,
                         bias_initializer=bias_initializer,
                         kernel_regularizer=kernel_regularizer,
                         bias_regularizer=bias_regularizer,
                         activity_regularizer=activity_regularizer,
                         kernel_constraint=kernel_constraint, bias_constraint=bias_constraint,
                         **kwargs)


Convolution3DTranspose = Conv3DTranspose

__all__ = ["Conv3DTranspose", "Convolution3DTranspose"]
