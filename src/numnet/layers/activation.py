"""Activation functions as layers with parameters: ReLU, LeakyReLU, ELU, Softmax, PReLU."""

from __future__ import annotations

from .. import activations, constraints, initializers, regularizers
from ..autodiff import ops
from .base import Layer


class ReLU(Layer):
    """The rectified linear unit as a layer, with an optional cap, slope and threshold.

    f(x) = max_value if x ≥ max_value; x if threshold ≤ x < max_value;
    negative_slope · (x − threshold) otherwise. Any input shape; the output has the same.

    Args:
        max_value: the largest output, or None (the default) for no cap.
        negative_slope: the slope below the threshold. Defaults to 0.0.
        threshold: where the unit starts to pass its input. Defaults to 0.0.
        **kwargs: the Layer arguments (``name``, ``dtype``, ...).

    Example:
        >>> import numpy as np
        >>> numnet.layers.ReLU(max_value=2.0)(np.array([-1.0, 1.0, 3.0], "float32")).numpy()
        array([0., 1., 2.], dtype=float32)
    """

    supports_masking = True

    def __init__(self, max_value=None, negative_slope: float = 0.0, threshold: float = 0.0,
                 **kwargs):
        super().__init__(**kwargs)
        self.max_value, self.negative_slope, self.threshold = max_value, negative_slope, threshold

    def call(self, inputs, training=False):
        return activations.relu(inputs, self.negative_slope, self.max_value, self.threshold)

    def get_config(self):
        return {**super().get_config(), "max_value": self.max_value,
                "negative_slope": self.negative_slope, "threshold": self.threshold}


class LeakyReLU(Layer):
    """z if z > 0 else negative_slope * z (the layer's default slope is 0.3, as Keras).

    Args:
        negative_slope: the slope for negative inputs. Defaults to ``0.3``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> numnet.layers.LeakyReLU()(np.array([-1.0, 2.0], 'float32')).numpy()
        array([-0.3,  2. ], dtype=float32)
    """

    supports_masking = True

    def __init__(self, negative_slope: float = 0.3, **kwargs):
        if "alpha" in kwargs:
            negative_slope = kwargs.pop("alpha")
        super().__init__(**kwargs)
        self.negative_slope = negative_slope

    def call(self, inputs, training=False):
        return activations.leaky_relu(inputs, self.negative_slope)

    def get_config(self):
        return {**super().get_config(), "negative_slope": self.negative_slope}


class ELU(Layer):
    """The exponential linear unit as a layer: x for x > 0, alpha · (eˣ − 1) otherwise.

    Any input shape; the output has the same.

    Args:
        alpha: the scale of the negative part. Defaults to 1.0.
        **kwargs: the Layer arguments (``name``, ``dtype``, ...).

    Example:
        >>> import numpy as np
        >>> numnet.layers.ELU()(np.array([-1.0, 2.0], "float32")).numpy().round(4)
        array([-0.6321,  2.    ], dtype=float32)
    """

    supports_masking = True

    def __init__(self, alpha: float = 1.0, **kwargs):
        super().__init__(**kwargs)
        self.alpha = alpha

    def call(self, inputs, training=False):
        return activations.elu(inputs, self.alpha)

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class Softmax(Layer):
    """Softmax as a layer: exp(x_i) / Σ_j exp(x_j) along ``axis``, so each slice sums to 1.

    Any input shape; the output has the same.

    Args:
        axis: the axis the probabilities are taken over. Defaults to -1.
        **kwargs: the Layer arguments (``name``, ``dtype``, ...).

    Example:
        >>> import numpy as np
        >>> numnet.layers.Softmax()(np.array([[1.0, 1.0]], "float32")).numpy()
        array([[0.5, 0.5]], dtype=float32)
    """

    def __init__(self, axis: int = -1, **kwargs):
        super().__init__(**kwargs)
        self.axis = axis

    def call(self, inputs, training=False):
        return activations.softmax(inputs, self.axis)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}


class PReLU(Layer):
    """z if z > 0 else alpha * z, with a learned slope alpha per input value.

    alpha has the shape of one sample, with 1 on each axis of ``shared_axes`` (e.g.
    shared_axes=[1, 2] for one slope per channel of images); zeros by default, so the layer
    starts as relu. Computed as relu(z) - alpha * relu(-z).

    Args:
        alpha_initializer: how the learned slopes start: an initializer: a name ('glorot_uniform',
            'zeros', ...) or an Initializer. Defaults to ``'Zeros'``.
        alpha_regularizer: their penalty: a regularizer whose penalty is added to the loss (a name
            such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        alpha_constraint: their constraint: a constraint applied after each optimizer step (a name
            or a Constraint), or None. Defaults to ``None``.
        shared_axes: axes along which one slope is shared (e.g. (1, 2) for images: one slope per
            channel), or None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.
    """

    supports_masking = True

    def __init__(self, alpha_initializer="Zeros", alpha_regularizer=None, alpha_constraint=None,
                 shared_axes=None, **kwargs):
        super().__init__(**kwargs)
        self._weight_options("alpha", alpha_initializer, alpha_regularizer, alpha_constraint)
        if shared_axes is not None and not isinstance(shared_axes, (list, tuple)):
            shared_axes = [shared_axes]
        if shared_axes is not None and not all(
                isinstance(a, int) and not isinstance(a, bool) and a >= 1 for a in shared_axes):
            raise ValueError(
                f"PReLU(shared_axes): expected axes >= 1 of the input (axis 0 is the batch), "
                f"given {shared_axes!r}; e.g. shared_axes=[1, 2] shares alpha over height and "
                "width.")
        self.shared_axes = None if shared_axes is None else list(shared_axes)
        self.alpha = None

    def build(self, input_shape):
        shape = list(input_shape[1:])
        for axis in self.shared_axes or ():
            if axis >= len(input_shape):
                raise ValueError(
                    f"{self.name}: shared axis {axis} is out of bounds for input shape "
                    f"{tuple(input_shape)}; PReLU(shared_axes) takes axes in [1, "
                    f"{len(input_shape) - 1}].")
            shape[axis - 1] = 1
        if None in shape:
            raise ValueError(
                f"{self.name}: every axis of the input but the batch must have a known size to "
                f"build alpha, given input shape {tuple(input_shape)}; share alpha over the "
                "unknown axes with shared_axes=[...].")
        self.alpha = self.add_weight(tuple(shape), self.alpha_initializer, "alpha",
                                     regularizer=self.alpha_regularizer,
                                     constraint=self.alpha_constraint)

    def call(self, inputs, training: bool = False):
        alpha = self.alpha.shape
        if inputs.ndim != len(alpha) + 1 or any(
                a != 1 and a != n for a, n in zip(alpha, inputs.shape[1:], strict=True)):
            want = tuple(None if a == 1 else a for a in alpha)
            raise ValueError(
                f"Input of layer {self.name!r}: expected samples of shape {want} (None: any "
                f"size), the shape it was built for, given {inputs.shape}.")
        negative = ops.multiply(self._weight(self.alpha),
                                activations.relu(ops.negative(inputs)))
        return ops.subtract(activations.relu(inputs), negative)

    def get_config(self):
        return {**super().get_config(),
                "alpha_initializer": initializers.serialize(self.alpha_initializer),
                "alpha_regularizer": regularizers.serialize(self.alpha_regularizer),
                "alpha_constraint": constraints.serialize(self.alpha_constraint),
                "shared_axes": self.shared_axes}
