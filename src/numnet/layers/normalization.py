"""BatchNormalization, LayerNormalization and UnitNormalization."""

from __future__ import annotations

import warnings

from .. import backend, constraints, initializers, regularizers
from ..autodiff import ops
from .base import Layer


class BatchNormalization(Layer):
    """y = gamma * (x - mean) / sqrt(var + epsilon) + beta, normalising over all axes but ``axis``.

    Training: mean and var of the batch (var biased); then
    moving_mean = momentum * moving_mean + (1 - momentum) * mean (likewise moving_variance).
    Inference: the moving statistics. Weights in Keras's order: gamma, beta, moving_mean,
    moving_variance.

    Args:
        axis: the features axis, whose every entry gets its own mean, variance, gamma and beta.
            Defaults to ``-1``.
        momentum: the moving statistics' momentum: moving = momentum · moving + (1 − momentum) ·
            batch statistic. Defaults to ``0.99``.
        epsilon: the small constant added to the variance before the square root. Defaults to
            ``0.001``.
        center: whether to add the learned offset beta. Defaults to ``True``.
        scale: whether to multiply by the learned factor gamma. Defaults to ``True``.
        beta_initializer: how beta starts: an initializer: a name ('glorot_uniform', 'zeros', ...)
            or an Initializer. Defaults to ``'zeros'``.
        gamma_initializer: how gamma starts: an initializer: a name ('glorot_uniform', 'zeros', ...)
            or an Initializer. Defaults to ``'ones'``.
        moving_mean_initializer: how the moving mean starts: an initializer: a name
            ('glorot_uniform', 'zeros', ...) or an Initializer. Defaults to ``'zeros'``.
        moving_variance_initializer: how the moving variance starts: an initializer: a name
            ('glorot_uniform', 'zeros', ...) or an Initializer. Defaults to ``'ones'``.
        beta_regularizer: beta's penalty: a regularizer whose penalty is added to the loss (a name
            such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        gamma_regularizer: gamma's penalty: a regularizer whose penalty is added to the loss (a name
            such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        beta_constraint: beta's constraint: a constraint applied after each optimizer step (a name
            or a Constraint), or None. Defaults to ``None``.
        gamma_constraint: gamma's constraint: a constraint applied after each optimizer step (a name
            or a Constraint), or None. Defaults to ``None``.
        synchronized: Keras's switch for statistics across devices (TensorFlow only); numnet
            trains on one device, so it changes nothing. Defaults to ``False``.
        renorm: batch renormalization (Ioffe 2017), as Keras's: in training the normalized
            values become x_hat * r + d, with r = std_batch / renorm_stddev and d = (mean_batch
            - renorm_mean) / renorm_stddev held constant for the gradient, renorm_mean and
            renorm_stddev moving averages of the batch statistics. Adds the non-trainable
            weights moving_stddev, renorm_mean and renorm_stddev; inference is unchanged.
            Defaults to ``False``.
        renorm_clipping: with renorm, a dict of optional "rmin", "rmax" (bounds of r) and
            "dmax" (d is clipped to [-dmax, dmax]). Defaults to ``None`` (no clipping).
        renorm_momentum: the momentum of renorm_mean and renorm_stddev. Defaults to ``0.99``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> bn = numnet.layers.BatchNormalization()
        >>> y = bn(np.array([[1.0], [3.0]], 'float32'), training=True)   # batch statistics
        >>> y.numpy().round(3)
        array([[-1.],
           [ 1.]], dtype=float32)
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 synchronized: bool = False, renorm: bool = False, renorm_clipping=None,
                 renorm_momentum: float = 0.99, **kwargs):
        super().__init__(**kwargs)
        self.synchronized, self.renorm = bool(synchronized), bool(renorm)
        self.renorm_clipping = _renorm_clipping(renorm_clipping) if renorm else renorm_clipping
        self.renorm_momentum = float(renorm_momentum)
        self.axis, self.momentum, self.epsilon = axis, float(momentum), float(epsilon)
        self.center, self.scale = bool(center), bool(scale)
        self.beta_initializer, self.gamma_initializer = beta_initializer, gamma_initializer
        self.moving_mean_initializer = moving_mean_initializer
        self.moving_variance_initializer = moving_variance_initializer
        self.beta_regularizer, self.gamma_regularizer = beta_regularizer, gamma_regularizer
        self.beta_constraint = constraints.get(beta_constraint)
        self.gamma_constraint = constraints.get(gamma_constraint)
        self.gamma = self.beta = None

    def build(self, input_shape):
        dim = input_shape[self.axis]
        if self.scale:
            self.gamma = self.add_weight((dim,), self.gamma_initializer, "gamma",
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center:
            self.beta = self.add_weight((dim,), self.beta_initializer, "beta",
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)
        self.moving_mean = self.add_weight((dim,), self.moving_mean_initializer, "moving_mean",
                                           trainable=False)
        self.moving_variance = self.add_weight((dim,), self.moving_variance_initializer,
                                               "moving_variance", trainable=False)
        if self.renorm:
            def stddev_initializer(shape, dtype=None):
                return backend.xp.sqrt(initializers.get(self.moving_variance_initializer)(
                    shape, dtype))

            self.moving_stddev = self.add_weight((dim,), stddev_initializer, "moving_stddev",
                                                 trainable=False)
            self.renorm_mean = self.add_weight((dim,), self.moving_mean_initializer,
                                               "renorm_mean", trainable=False)
            self.renorm_stddev = self.add_weight((dim,), stddev_initializer, "renorm_stddev",
                                                 trainable=False)

    def _broadcast_shape(self, ndim):
        shape = [1] * ndim
        shape[self.axis] = -1
        return tuple(shape)

    def call(self, inputs, training: bool = False):
        # As Keras: a frozen BatchNormalization (trainable=False) runs in inference mode, its
        # moving statistics left as they are (the transfer-learning recipe relies on it).
        training = bool(training) and self.trainable
        dtype = inputs.value.dtype
        if dtype.itemsize < 4 and backend.is_float_dtype(dtype):
            # Under a 16-bit policy the statistics overflow or lose their precision: as Keras 3,
            # normalize in float32 (the float32 weights as they are) and cast the result back.
            return ops.cast(self._normalize(ops.cast(inputs, "float32"), training), dtype)
        return self._normalize(inputs, training)

    def _normalize(self, inputs, training: bool):
        x = inputs.value
        xp = backend.xp
        axis = self.axis % x.ndim
        reduce = tuple(i for i in range(x.ndim) if i != axis)
        bshape = self._broadcast_shape(x.ndim)
        gamma = self.gamma.value.reshape(bshape) if self.scale else 1.0
        r = d = None
        if training:
            mean = x.mean(axis=reduce)
            var = x.var(axis=reduce)
            if self.renorm:
                r, d = self._renorm_step(mean, var)
            else:
                m = 1.0 - self.momentum
                self.moving_mean.value *= self.momentum
                self.moving_mean.value += m * mean
                self.moving_variance.value *= self.momentum
                self.moving_variance.value += m * var
        else:
            mean, var = self.moving_mean.value, self.moving_variance.value
        inv_std = 1.0 / xp.sqrt(var + self.epsilon)
        x_hat = (x - mean.reshape(bshape)) * inv_std.reshape(bshape)
        if r is not None:  # x_hat r + d, with r and d constants of the gradient
            shown = x_hat * r.reshape(bshape) + d.reshape(bshape)
            gamma = gamma * r.reshape(bshape)  # (the input's gradient scale)
            out = shown * (self.gamma.value.reshape(bshape) if self.scale else 1.0)
        else:
            shown = x_hat
            out = x_hat * gamma
        if self.center:
            out = out + self.beta.value.reshape(bshape)
        count = x.size // x.shape[axis]

        def backward(g):
            if self.scale and self.gamma.requires_grad:
                ops.accumulate(self.gamma, (g * shown).sum(axis=reduce))
            if self.center and self.beta.requires_grad:
                ops.accumulate(self.beta, g.sum(axis=reduce))
            if inputs.requires_grad:
                g_hat = g * gamma
                if training:
                    # d x = inv_std / N * (N g_hat - sum g_hat - x_hat sum(g_hat x_hat))
                    dx = (count * g_hat - g_hat.sum(axis=reduce, keepdims=True)
                          - x_hat * (g_hat * x_hat).sum(axis=reduce, keepdims=True))
                    dx *= inv_std.reshape(bshape) / count
                else:
                    dx = g_hat * inv_std.reshape(bshape)
                ops.accumulate(inputs, dx)

        params = [p for p in (self.gamma, self.beta) if p is not None]
        return ops.node(out.astype(x.dtype, copy=False), (inputs, *params), backward)

    def _renorm_step(self, mean, var):
        """Batch renormalization's corrections (r, d) from the renorm statistics as they were,
        then the updates of renorm_mean / renorm_stddev (renorm_momentum) and of the moving
        statistics (momentum; moving_variance = max(moving_stddev^2 - epsilon, 0)), as Keras."""
        xp = backend.xp
        std = xp.sqrt(var + self.epsilon)
        renorm_std = xp.maximum(self.renorm_stddev.value, xp.sqrt(xp.asarray(self.epsilon,
                                                                            std.dtype)))
        r = std / renorm_std
        d = (mean - self.renorm_mean.value) / renorm_std
        clip = self.renorm_clipping
        if clip.get("rmin") is not None:
            r = xp.maximum(r, clip["rmin"])
        if clip.get("rmax") is not None:
            r = xp.minimum(r, clip["rmax"])
        if clip.get("dmax") is not None:
            d = xp.clip(d, -clip["dmax"], clip["dmax"])
        rm = 1.0 - self.renorm_momentum
        self.renorm_mean.value[...] = self.renorm_mean.value * self.renorm_momentum + mean * rm
        self.renorm_stddev.value[...] = self.renorm_stddev.value * self.renorm_momentum + std * rm
        m = 1.0 - self.momentum
        self.moving_mean.value[...] = self.moving_mean.value * self.momentum + mean * m
        moving_std = self.moving_stddev.value * self.momentum + std * m
        self.moving_stddev.value[...] = moving_std
        self.moving_variance.value[...] = xp.maximum(moving_std * moving_std - self.epsilon, 0)
        return r.astype(mean.dtype, copy=False), d.astype(mean.dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **{key: initializers.serialize(initializers.get(getattr(self, key)))
                   for key in ("beta_initializer", "gamma_initializer",
                               "moving_mean_initializer", "moving_variance_initializer")},
                **{key: regularizers.serialize(regularizers.get(getattr(self, key)))
                   for key in ("beta_regularizer", "gamma_regularizer")},
                **{key: constraints.serialize(getattr(self, key))
                   for key in ("beta_constraint", "gamma_constraint")},
                "synchronized": self.synchronized, "renorm": self.renorm,
                "renorm_clipping": self.renorm_clipping,
                "renorm_momentum": self.renorm_momentum}


def _renorm_clipping(clipping) -> dict:
    """Keras's checks of renorm_clipping: keys among rmax, rmin, dmax; rmax >= rmin; dmax >= 0."""
    clipping = dict(clipping or {})
    unknown = set(clipping) - {"rmax", "rmin", "dmax"}
    if unknown:
        raise ValueError(f"BatchNormalization(renorm_clipping): unknown keys {sorted(unknown)}; "
                         "the keys are 'rmax', 'rmin' and 'dmax'.")
    rmax, rmin, dmax = (clipping.get(k) for k in ("rmax", "rmin", "dmax"))
    if rmax is not None and rmin is not None and rmax < rmin:
        raise ValueError(f"BatchNormalization(renorm_clipping): rmax ({rmax}) must be at least "
                         f"rmin ({rmin}).")
    if dmax is not None and dmax < 0:
        raise ValueError(f"BatchNormalization(renorm_clipping): dmax must be >= 0, given {dmax}.")
    return clipping


def _check_axis(axis, where: str):
    """``axis`` as Keras keeps it: an int, or a list of ints."""
    if isinstance(axis, (list, tuple)) and axis and all(
            isinstance(a, int) and not isinstance(a, bool) for a in axis):
        return list(axis)
    if isinstance(axis, int) and not isinstance(axis, bool):
        return axis
    raise TypeError(f"{where}: expected an int or a list of ints (the axes to normalize over, "
                    f"e.g. -1 for the features), given {axis!r}.")


def _axes_of(axis, input_shape, where: str) -> tuple:
    """The axes of ``axis`` as sorted non-negative indices into ``input_shape``."""
    ndim = len(input_shape)
    axes = [axis] if isinstance(axis, int) else axis
    for a in axes:
        if not -ndim <= a < ndim:
            raise ValueError(
                f"{where}: axis {a} is out of bounds for input shape {tuple(input_shape)} "
                f"(given axis={axis!r}); use an axis in [{-ndim}, {ndim - 1}], such as -1.")
    return tuple(sorted({a % ndim for a in axes}))


def _float32_if_16_bit(normalize, inputs):
    """normalize(inputs), computed in float32 where the inputs are 16-bit floats (as Keras 3:
    their mean, variance or norm would overflow or lose precision), cast back."""
    dtype = inputs.value.dtype
    if dtype.itemsize < 4 and backend.is_float_dtype(dtype):
        return ops.cast(normalize(ops.cast(inputs, "float32")), dtype)
    return normalize(inputs)


class LayerNormalization(Layer):
    """y = gamma * (x - mean) / sqrt(var + epsilon) + beta, with the mean and the (biased)
    variance of each sample over ``axis`` (an int or a list of ints; default -1).

    gamma (ones) and beta (zeros) have the shape of the normalized axes, e.g. (features,); weights
    in Keras's order: gamma, beta. ``rms_scaling=True`` (deprecated in Keras 3) keeps gamma only
    and computes gamma * x / sqrt(var + epsilon), as Keras does: x is divided by its standard
    deviation, not by its root mean square.

    Args:
        axis: the axis (or axes) normalized: the features. Defaults to ``-1``.
        epsilon: the small constant added to the variance before the square root. Defaults to
            ``0.001``.
        center: whether to add the learned offset beta. Defaults to ``True``.
        scale: whether to multiply by the learned factor gamma. Defaults to ``True``.
        beta_initializer: how beta starts: an initializer: a name ('glorot_uniform', 'zeros', ...)
            or an Initializer. Defaults to ``'zeros'``.
        gamma_initializer: how gamma starts: an initializer: a name ('glorot_uniform', 'zeros', ...)
            or an Initializer. Defaults to ``'ones'``.
        beta_regularizer: beta's penalty: a regularizer whose penalty is added to the loss (a name
            such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        gamma_regularizer: gamma's penalty: a regularizer whose penalty is added to the loss (a name
            such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        beta_constraint: beta's constraint: a constraint applied after each optimizer step (a name
            or a Constraint), or None. Defaults to ``None``.
        gamma_constraint: gamma's constraint: a constraint applied after each optimizer step (a name
            or a Constraint), or None. Defaults to ``None``.
        rms_scaling: divide by the root mean square only, without centering (RMS normalization).
            Defaults to ``False``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> y = numnet.layers.LayerNormalization()(np.array([[1.0, 2.0, 3.0]], 'float32'))
        >>> y.numpy().round(3)
        array([[-1.224,  0.   ,  1.224]], dtype=float32)
    """

    supports_masking = True

    def __init__(self, axis=-1, epsilon: float = 1e-3, center: bool = True, scale: bool = True,
                 beta_initializer="zeros", gamma_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None,
                 rms_scaling: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.axis = _check_axis(axis, "LayerNormalization(axis)")
        if isinstance(epsilon, bool) or not isinstance(epsilon, (int, float)) or epsilon < 0:
            raise ValueError(f"LayerNormalization(epsilon): expected a small number >= 0, given "
                             f"{epsilon!r}; the default is 1e-3.")
        if rms_scaling:
            warnings.warn(
                "LayerNormalization(rms_scaling=True) divides the inputs by their standard "
                "deviation (as Keras 3, where the argument is deprecated), not by their root "
                "mean square.", UserWarning, stacklevel=2)
        self.epsilon, self.center, self.scale = float(epsilon), bool(center), bool(scale)
        self.rms_scaling = bool(rms_scaling)
        self._weight_options("beta", beta_initializer, beta_regularizer, beta_constraint)
        self._weight_options("gamma", gamma_initializer, gamma_regularizer, gamma_constraint)
        self.gamma = self.beta = None

    def build(self, input_shape):
        self._axes = _axes_of(self.axis, input_shape, self.name)
        shape = tuple(input_shape[a] for a in self._axes)
        if None in shape:
            raise ValueError(
                f"{self.name}: the normalized axes {self.axis!r} of the input must have known "
                f"sizes to build gamma and beta, given input shape {tuple(input_shape)}; "
                "declare them with input_shape=... or normalize over other axes.")
        self._broadcast = tuple(input_shape[a] if a in self._axes else 1
                                for a in range(len(input_shape)))
        if self.scale or self.rms_scaling:
            self.gamma = self.add_weight(shape, self.gamma_initializer, "gamma",
                                         regularizer=self.gamma_regularizer,
                                         constraint=self.gamma_constraint)
        if self.center and not self.rms_scaling:
            self.beta = self.add_weight(shape, self.beta_initializer, "beta",
                                        regularizer=self.beta_regularizer,
                                        constraint=self.beta_constraint)

    def compute_output_shape(self, input_shape):
        _axes_of(self.axis, input_shape, self.name)
        return tuple(input_shape)

    def call(self, inputs, training: bool = False):
        built_for = self._broadcast
        if inputs.ndim != len(built_for) or any(inputs.shape[a] != built_for[a]
                                                for a in self._axes):
            want = tuple(d if a in self._axes else None for a, d in enumerate(built_for))
            raise ValueError(
                f"Input of layer {self.name!r}: expected shape {want} (None: any size), the "
                f"shape it was built for, given {inputs.shape}.")
        return _float32_if_16_bit(self._normalize, inputs)

    def _weight_like(self, weight, x):
        """gamma or beta shaped to broadcast against x."""
        return weight if self._axes == (x.ndim - 1,) else ops.reshape(weight, self._broadcast)

    def _normalize(self, x):
        mean = ops.mean(x, axis=self._axes, keepdims=True)
        centered = ops.subtract(x, mean)
        variance = ops.mean(ops.square(centered), axis=self._axes, keepdims=True)
        inv_std = ops.power(ops.add(variance, self.epsilon), -0.5)
        out = ops.multiply(x if self.rms_scaling else centered, inv_std)
        if self.gamma is not None:
            out = ops.multiply(out, self._weight_like(self.gamma, x))
        if self.beta is not None:
            out = ops.add(out, self._weight_like(self.beta, x))
        return out

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "epsilon": self.epsilon,
                "center": self.center, "scale": self.scale, "rms_scaling": self.rms_scaling,
                "beta_initializer": initializers.serialize(self.beta_initializer),
                "gamma_initializer": initializers.serialize(self.gamma_initializer),
                "beta_regularizer": regularizers.serialize(self.beta_regularizer),
                "gamma_regularizer": regularizers.serialize(self.gamma_regularizer),
                "beta_constraint": constraints.serialize(self.beta_constraint),
                "gamma_constraint": constraints.serialize(self.gamma_constraint)}


class UnitNormalization(Layer):
    """y = x / max(||x||, 1e-12), the L2 norm of each sample over ``axis`` (an int or a list of
    ints; default -1): rows of length 1. No weights.

    Args:
        axis: the axis (or axes) normalized: the features. Defaults to ``-1``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.
    """

    supports_masking = True

    def __init__(self, axis=-1, **kwargs):
        super().__init__(**kwargs)
        self.axis = _check_axis(axis, "UnitNormalization(axis)")

    def compute_output_shape(self, input_shape):
        _axes_of(self.axis, input_shape, self.name)
        return tuple(input_shape)

    def call(self, inputs, training: bool = False):
        return _float32_if_16_bit(self._normalize, inputs)

    def _normalize(self, x):
        axes = _axes_of(self.axis, x.shape, self.name)
        square_sum = ops.sum(ops.square(x), axis=axes, keepdims=True)
        # max(||x||, 1e-12) as the square root of max(||x||^2, 1e-24): no sqrt of 0 to differentiate
        return ops.divide(x, ops.sqrt(ops.maximum(square_sum, 1e-24)))

    def get_config(self):
        return {**super().get_config(), "axis": self.axis}
