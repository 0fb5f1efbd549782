"""Conv1D and Conv2D: channels-last convolutions with Keras's arguments, defaults and weights."""

from __future__ import annotations

from .. import activations, backend, constraints, initializers, regularizers
from ..autodiff import ops
from .base import Layer
from .core import ActivationAttribute


def positive_ints(value, rank: int, where: str) -> tuple:
    """An int or ``rank`` ints, each >= 1, as a tuple of ``rank`` ints (as Keras keeps them)."""
    values = (value,) * rank if isinstance(value, int) and not isinstance(value, bool) else value
    try:
        values = tuple(values)
        ok = len(values) == rank and all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in values)
    except TypeError:
        ok = False
    if not ok:
        example = "3" if rank == 1 else "(3, 3)"
        raise ValueError(f"{where}: expected a positive integer or a tuple of {rank} positive "
                         f"integers, e.g. {example}; given {value!r}.")
    return values


def padding_mode(padding, where: str, allowed=("valid", "same")) -> str:
    """``padding`` in lower case, one of ``allowed``."""
    mode = padding.lower() if isinstance(padding, str) else padding
    if mode not in allowed:
        raise ValueError(f"{where}: expected one of {list(allowed)}, given {padding!r}.")
    return mode


def channels_last(data_format, where: str) -> str:
    """"channels_last" for None or "channels_last"; a clear error for "channels_first"."""
    if data_format is None:
        data_format = backend.image_data_format()
    if data_format == "channels_first":
        raise ValueError(
            f"{where}: numnet computes with the channels on the last axis only, given "
            "'channels_first'. Move the channels last (x = np.moveaxis(x, 1, -1)) and leave "
            "data_format at its default 'channels_last'.")
    if data_format != "channels_last":
        raise ValueError(f"{where}: expected 'channels_last' (or None), given {data_format!r}.")
    return data_format


def check_rank(layer: Layer, shape, rank: int) -> None:
    """A ValueError unless ``shape`` is (batch, ``rank`` spatial axes, channels)."""
    if len(shape) != rank + 2:
        axes = {1: "(batch, steps, channels)", 2: "(batch, height, width, channels)"}.get(
            rank, "(batch, depth, height, width, channels)")
        raise ValueError(
            f"Input of layer {layer.name!r}: expected {rank + 2} axes {axes}, given shape "
            f"{tuple(shape)}." + (" Add a channels axis, e.g. x[..., None]."
                                  if len(shape) == rank + 1 else ""))


def window_output_shape(layer: Layer, input_shape, window, strides, dilation, padding,
                        channels) -> tuple:
    """(batch, *spatial out, channels) of a sliding window over ``input_shape``."""
    spatial = []
    for n, k, s, d in zip(input_shape[1:-1], window, strides, dilation, strict=True):
        out = ops.window_geometry(n, k, s, d, padding)[0]
        if out is not None and out < 1:
            raise ValueError(
                f"Input of layer {layer.name!r}: a window of size {tuple(window)} (dilation "
                f"{tuple(dilation)}) does not fit the spatial shape {tuple(input_shape[1:-1])} "
                f"with padding={padding!r}; the output would be empty. Use a smaller window, "
                "larger inputs, or padding='same'.")
        spatial.append(out)
    return (input_shape[0], *spatial, channels)


class _Conv(Layer):
    """output = activation(conv(inputs, kernel) + bias), channels last.

    kernel: (*kernel_size, input channels, filters), glorot_uniform by default; bias: (filters,),
    zeros by default: the shapes and order of Keras's weights, so ``set_weights`` takes
    ``keras_layer.get_weights()``. The convolution is one matrix product over the input's
    patches (numnet.autodiff.ops.conv); with groups > 1 the kernel is (*kernel_size, input
    channels / groups, filters) and each group of channels has its own slice of the filters.
    Only channels_last is supported; strides and dilation_rate both above 1 are computed
    (Keras refuses that combination).
    """

    rank = 2
    _paddings = ("valid", "same")

    activation = ActivationAttribute()

    def __init__(self, filters: int, kernel_size, strides=1, padding: str = "valid",
                 data_format=None, dilation_rate=1, groups: int = 1, activation=None,
                 use_bias: bool = True, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = type(self).__name__
        if isinstance(filters, bool) or not isinstance(filters, int) or filters < 1:
            raise ValueError(f"{where}(filters): expected a positive integer (the number of "
                             f"output channels), given {filters!r}.")
        if isinstance(groups, bool) or not isinstance(groups, int) or groups < 1:
            raise ValueError(f"{where}(groups): expected a positive integer, given {groups!r}.")
        if filters % groups:
            raise ValueError(f"{where}(groups): the filters ({filters}) must divide into the "
                             f"{groups} groups; give filters a multiple of groups.")
        self.filters = filters
        self.kernel_size = positive_ints(kernel_size, self.rank, f"{where}(kernel_size)")
        self.strides = positive_ints(strides, self.rank, f"{where}(strides)")
        self.dilation_rate = positive_ints(dilation_rate, self.rank, f"{where}(dilation_rate)")
        self.padding = padding_mode(padding, f"{where}(padding)", self._paddings)
        self.data_format = channels_last(data_format, f"{where}(data_format)")
        self.groups = groups
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
        if channels % self.groups:
            raise ValueError(f"Input of layer {self.name!r}: its {channels} channels do not "
                             f"divide into groups={self.groups}; give a number of channels that "
                             "groups divides.")
        self.kernel = self.add_weight((*self.kernel_size, channels // self.groups, self.filters),
                                      self.kernel_initializer, "kernel",
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight((self.filters,), self.bias_initializer, "bias",
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def compute_output_shape(self, input_shape):
        check_rank(self, input_shape, self.rank)
        shape = window_output_shape(self, input_shape, self.kernel_size, self.strides,
                                    self.dilation_rate, self.padding, self.filters)
        return activations.output_shape(self.activation, shape)

    def call(self, inputs, training: bool = False):
        check_rank(self, inputs.shape, self.rank)
        channels = self.kernel.shape[-2] * self.groups
        if inputs.shape[-1] != channels:
            raise ValueError(
                f"Input of layer {self.name!r}: expected {channels} channels on the last axis "
                f"(the number it was built for), given shape {inputs.shape}.")
        window_output_shape(self, inputs.shape, self.kernel_size, self.strides,
                            self.dilation_rate, self.padding, self.filters)
        if type(self).convolution_op is not _Conv.convolution_op:  # a subclass's own operation
            out = self.convolution_op(inputs, self._weight(self.kernel))
            if self.use_bias:
                out = ops.add(out, self._weight(self.bias))
            return out if self.activation is activations.linear else self.activation(out)
        if self.groups > 1:
            return self._grouped(inputs)
        act = activations.kernel_of(self.activation)
        fuse = getattr(act, "fused", None) == "relu"  # bias and relu inside the conv node
        out = ops.conv(inputs, self._weight(self.kernel), self._weight(self.bias), self.strides,
                       self.padding, self.dilation_rate, act if fuse else None)
        if fuse or self.activation is activations.linear:
            return out
        return self.activation(out)

    def convolution_op(self, inputs, kernel):
        """The convolution of ``inputs`` with ``kernel``, before the bias and the activation:
        Keras's hook for a subclass that changes the operation. When a subclass overrides it,
        ``call`` gives it the kernel and adds the bias and applies the activation to what it
        returns.

        Args:
            inputs: the input batch, channels last.
            kernel: the kernel, (*kernel_size, input channels / groups, filters).

        Returns:
            The convolution, (batch, *output spatial shape, filters).

        Example (a weight-standardized convolution, as the keras.io recipe):

            class StandardizedConv2D(numnet.layers.Conv2D):
                def convolution_op(self, inputs, kernel):
                    mean, var = ops.moments(kernel, axes=[0, 1, 2], keepdims=True)
                    return ops.conv(inputs, (kernel - mean) / ops.sqrt(var + 1e-10),
                                    padding="valid", strides=list(self.strides))
        """
        if self.groups > 1:
            return self._grouped(inputs, kernel, bias=False, activate=False)
        return ops.conv(inputs, kernel, None, self.strides, self.padding, self.dilation_rate,
                        None)

    def _grouped(self, inputs, kernel=None, bias: bool = True, activate: bool = True):
        """groups > 1: the input channels in groups, each convolved with its own slice of the
        filters (group g: channels g*c..(g+1)*c-1 to filters g*f..(g+1)*f-1), as Keras; then
        the bias and the activation (unless ``bias`` / ``activate`` is False)."""
        kernel = self._weight(self.kernel) if kernel is None else kernel
        per_channels, per_filters = kernel.shape[-2], self.filters // self.groups
        outs = []
        for g in range(self.groups):
            x = ops.getitem(inputs, (Ellipsis, slice(g * per_channels, (g + 1) * per_channels)))
            k = ops.getitem(kernel, (Ellipsis, slice(g * per_filters, (g + 1) * per_filters)))
            outs.append(ops.conv(x, k, None, self.strides, self.padding, self.dilation_rate,
                                 None))
        out = ops.concatenate(outs, axis=-1)
        if bias and self.use_bias:
            out = ops.add(out, self._weight(self.bias))
        if not activate or self.activation is activations.linear:
            return out
        return self.activation(out)

    def get_config(self):
        return {**super().get_config(), "filters": self.filters,
                "kernel_size": self.kernel_size, "strides": self.strides,
                "padding": self.padding, "data_format": self.data_format,
                "dilation_rate": self.dilation_rate, "groups": self.groups,
                "activation": activations.serialize(self.activation), "use_bias": self.use_bias,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint)}


class Conv1D(_Conv):
    """1-D convolution over (batch, steps, channels): kernel (kernel_size, channels, filters).

    padding: "valid" (default), "same" or "causal" (padded on the left only, so that output
    step t sees inputs up to t).

    Args:
        filters: the number of output channels.
        kernel_size: the window's size: an int, or (for 2D) a tuple of 2 ints.
        strides: the step of the window: an int or a tuple. Defaults to ``1``.
        padding: 'valid' (no padding), 'same' (output size ceil(input / stride)) or, for Conv1D,
            'causal'. Defaults to ``'valid'``.
        data_format: 'channels_last' (the only layout numnet has) or None. Defaults to ``None``.
        dilation_rate: the spacing between the window's elements: an int or a tuple. Defaults to
            ``1``.
        groups: split the input channels into this many groups, each convolved with its own filters.
            Defaults to ``1``.
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
        >>> numnet.layers.Conv1D(16, 3)(x).shape
        (2, 3, 16)
    """

    rank = 1
    _paddings = ("valid", "same", "causal")


class Conv2D(_Conv):
    """2-D convolution over (batch, height, width, channels): kernel (kh, kw, channels, filters).

    Args:
        filters: the number of output channels.
        kernel_size: the window's size: an int, or (for 2D) a tuple of 2 ints.
        strides: the step of the window: an int or a tuple. Defaults to ``1``.
        padding: 'valid' (no padding), 'same' (output size ceil(input / stride)) or, for Conv1D,
            'causal'. Defaults to ``'valid'``.
        data_format: 'channels_last' (the only layout numnet has) or None. Defaults to ``None``.
        dilation_rate: the spacing between the window's elements: an int or a tuple. Defaults to
            ``1``.
        groups: split the input channels into this many groups, each convolved with its own filters.
            Defaults to ``1``.
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
        >>> x = np.ones((2, 8, 8, 3), 'float32')
        >>> numnet.layers.Conv2D(32, (3, 3), activation='relu')(x).shape
        (2, 6, 6, 32)
    """

    rank = 2


Convolution1D = Conv1D
Convolution2D = Conv2D

__all__ = ["Conv1D", "Conv2D", "Convolution1D", "Convolution2D"]
