"""SpatialDropout1D / 2D / 3D (drop whole channels in training) and GroupNormalization."""

from __future__ import annotations

from .. import backend, constraints, initializers, regularizers
from ..autodiff import ops
from .base import Layer
from .convolutional import channels_last
from .regularization import _Noise, check_rate


class _SpatialDropout(_Noise):
    """In training, zero whole channels (the same channels at every spatial position of a
    sample) with probability ``rate`` and scale the rest by 1 / (1 - rate): a Dropout whose
    mask has shape (batch, 1, ..., 1, channels). In inference the layer is the identity."""

    rank = 1

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(seed, **kwargs)
        self.rate = check_rate(rate, f"{type(self).__name__}(rate)")

    def _check(self, shape) -> None:
        if len(shape) != self.rank + 2:
            raise ValueError(
                f"Input of layer {self.name!r}: expected {self.rank + 2} axes (batch, "
                f"{self.rank} spatial axes, channels), given shape {tuple(shape)}.")

    def compute_output_shape(self, input_shape):
        self._check(input_shape)
        return tuple(input_shape)

    def call(self, inputs, training: bool = False):
        self._check(inputs.shape)
        if not training or self.rate == 0:
            return inputs
        keep = 1.0 - self.rate
        shape = (inputs.shape[0],) + (1,) * self.rank + (inputs.shape[-1],)
        draw = self._generator().random(shape, dtype="float32")
        mask = backend.to_device(draw < keep).astype(inputs.dtype) / inputs.dtype.type(keep)
        return ops.multiply(inputs, mask)

    def get_config(self):
        # Keras's config has no "trainable" here (its __init__ does not take one)
        config = {**super().get_config(), "rate": self.rate}
        config.pop("trainable", None)
        return config


_SPATIAL_ARGS = """
    Args:
        rate: the fraction of the channels to drop, in [0, 1).
        data_format: (2D and 3D) 'channels_last' or None. Defaults to ``None``.
        seed: an int for repeatable noise, or None for numnet's generator. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Raises:
        ValueError: for a rate outside [0, 1) or an input of the wrong rank.
"""


class SpatialDropout1D(_SpatialDropout):
    __doc__ = """Dropout of whole channels of (batch, steps, channels): the mask is
    (batch, 1, channels).
    """ + _SPATIAL_ARGS + """
    Example:
        >>> layer = numnet.layers.SpatialDropout1D(0.5, seed=0)
        >>> y = layer(np.ones((1, 3, 4), 'float32'), training=True).numpy()
        >>> bool((y == y[:, :1]).all())     # the same channels dropped at every step
        True
    """

    rank = 1


class _SpatialDropoutND(_SpatialDropout):
    def __init__(self, rate: float, data_format=None, seed: int | None = None, **kwargs):
        super().__init__(rate, seed, **kwargs)
        self.data_format = channels_last(data_format, f"{type(self).__name__}(data_format)")

    def get_config(self):
        return {**super().get_config(), "data_format": self.data_format}


class SpatialDropout2D(_SpatialDropoutND):
    __doc__ = """Dropout of whole feature maps of (batch, height, width, channels): the mask
    is (batch, 1, 1, channels).
    """ + _SPATIAL_ARGS + """
    Example:
        >>> numnet.layers.SpatialDropout2D(0.2)(np.ones((2, 4, 4, 3), 'float32')).shape
        (2, 4, 4, 3)
    """

    rank = 2


class SpatialDropout3D(_SpatialDropoutND):
    __doc__ = """Dropout of whole feature volumes of (batch, d1, d2, d3, channels): the mask
    is (batch, 1, 1, 1, channels).
    """ + _SPATIAL_ARGS + """
    Example:
        >>> numnet.layers.SpatialDropout3D(0.2)(np.ones((2, 2, 2, 2, 3), 'float32')).shape
        (2, 2, 2, 2, 3)
    """

    rank = 3


class GroupNormalization(Layer):
    """Normalise each sample over groups of channels: the ``axis`` channels are split into
    ``groups`` groups of equal size; for each sample and group, with the mean and (biased)
    variance over the group's channels and all other non-batch axes,

        y = (x - mean) / sqrt(var + epsilon) * gamma + beta   (gamma, beta per channel).

    groups=1 is LayerNormalization over all non-batch axes; groups=channels is
    InstanceNormalization. Weights in Keras's order: gamma (channels,), beta (channels,).

    Args:
        groups: the number of groups; must divide the channels; -1 makes one group per
            channel (set to the channels when the layer is built, as Keras). Defaults to
            ``32``.
        axis: the channels axis. Defaults to ``-1``.
        epsilon: added to the variance. Defaults to ``1e-3``.
        center: whether to add beta. Defaults to ``True``.
        scale: whether to multiply by gamma. Defaults to ``True``.
        beta_initializer: Defaults to ``'zeros'``. gamma_initializer: Defaults to ``'ones'``.
        beta_regularizer, gamma_regularizer, beta_constraint, gamma_constraint: Default to
            ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, ``input_shape``.

    Raises:
        ValueError: when ``groups`` does not divide the channels, or exceeds them.

    Example:
        >>> gn = numnet.layers.GroupNormalization(groups=2)
        >>> gn(np.array([[1., 3., 0., 4.]], 'float32')).numpy().round(2)
        array([[-1.,  1., -1.,  1.]], dtype=float32)
    """

    def __init__(self, groups: int = 32, axis: int = -1, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer="zeros",
                 gamma_initializer="ones", beta_regularizer=None, gamma_regularizer=None,
                 beta_constraint=None, gamma_constraint=None, **kwargs):
        super().__init__(**kwargs)
        if isinstance(groups, bool) or not isinstance(groups, int) or (groups < 1
                                                                          and groups != -1):
            raise ValueError(f"GroupNormalization(groups): expected a positive integer (or -1 "
                             f"for one group per channel), given {groups!r}.")
        self.groups, self.axis, self.epsilon = groups, int(axis), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self._weight_options("beta", beta_initializer, beta_regularizer, beta_constraint)
        self._weight_options("gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        self.gamma = self.beta = None

    def _channels(self, shape) -> int:
        axis = self.axis % len(shape)
        if axis == 0:
            raise ValueError(f"GroupNormalization(axis): the batch axis cannot be the channels "
                             f"axis; given axis={self.axis} for input shape {tuple(shape)}.")
        dim = shape[axis]
        if dim is None:
            raise ValueError(f"Input of layer {self.name!r}: the channels axis {self.axis} must "
                             f"be known, given shape {tuple(shape)}.")
        if self.groups == -1:  # one group per channel (instance normalization), as Keras
            self.groups = dim
        if dim < self.groups or dim % self.groups:
            raise ValueError(
                f"GroupNormalization(groups): the {dim} channels of axis {self.axis} must be a "
                f"multiple of groups (and at least as many), given groups={self.groups}. Pick "
                "a groups value that divides the channels.")
        return dim

    def build(self, input_shape) -> None:
        dim = self._channels(input_shape)
        if self.scale:
            self.gamma = self.add_weight((dim,), self.gamma_initializer, name="gamma",
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight((dim,), self.beta_initializer, name="beta",
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def call(self, inputs, training: bool = False):
        dtype = inputs.value.dtype
        if dtype.itemsize < 4 and backend.is_float_dtype(dtype):
            # 16-bit statistics overflow: as Keras, normalize in float32 and cast back
            return ops.cast(self._normalize(ops.cast(inputs, "float32")), dtype)
        return self._normalize(inputs)

    def _normalize(self, inputs):
        shape = tuple(inputs.shape)
        dim = self._channels(shape)
        axis = self.axis % len(shape)
        grouped = shape[:axis] + (self.groups, dim // self.groups) + shape[axis + 1:]
        x = ops.reshape(inputs, grouped)
        reduce = tuple(i for i in range(1, len(grouped)) if i != axis)
        mean = ops.mean(x, axis=reduce, keepdims=True)
        centered = ops.subtract(x, mean)
        var = ops.mean(ops.square(centered), axis=reduce, keepdims=True)
        y = ops.multiply(centered, ops.power(ops.add(var, self.epsilon), -0.5))
        y = ops.reshape(y, shape)
        per_channel = [1] * len(shape)
        per_channel[axis] = dim
        if self.scale:
            y = ops.multiply(y, ops.reshape(self.gamma, tuple(per_channel)))
        if self.center:
            y = ops.add(y, ops.reshape(self.beta, tuple(per_channel)))
        return y

    def get_config(self):
        config = {**super().get_config(), "groups": self.groups, "axis": self.axis,
                  "epsilon": self.epsilon, "center": self.center, "scale": self.scale}
        for name in ("beta", "gamma"):
            config[f"{name}_initializer"] = initializers.serialize(
                getattr(self, f"{name}_initializer"))
            config[f"{name}_regularizer"] = regularizers.serialize(
                getattr(self, f"{name}_regularizer"))
            config[f"{name}_constraint"] = constraints.serialize(
                getattr(self, f"{name}_constraint"))
        return config


__all__ = ["GroupNormalization", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D"]
