"""BatchNormalization."""

from __future__ import annotations

from .. import backend, constraints, initializers, regularizers
from ..autodiff import ops
from .base import Layer


class BatchNormalization(Layer):
    """y = gamma * (x - mean) / sqrt(var + epsilon) + beta, normalising over all axes but ``axis``.

    Training: mean and var of the batch (var biased); then
    moving_mean = momentum * moving_mean + (1 - momentum) * mean (likewise moving_variance).
    Inference: the moving statistics. Weights in Keras's order: gamma, beta, moving_mean,
    moving_variance.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, beta_initializer="zeros",
                 gamma_initializer="ones", moving_mean_initializer="zeros",
                 moving_variance_initializer="ones", beta_regularizer=None,
                 gamma_regularizer=None, beta_constraint=None, gamma_constraint=None, **kwargs):
        kwargs.pop("synchronized", None)
        super().__init__(**kwargs)
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

    def _broadcast_shape(self, ndim):
        shape = [1] * ndim
        shape[self.axis] = -1
        return tuple(shape)

    def call(self, inputs, training: bool = False):
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
        if training:
            mean = x.mean(axis=reduce)
            var = x.var(axis=reduce)
            m = 1.0 - self.momentum
            self.moving_mean.value *= self.momentum
            self.moving_mean.value += m * mean
            self.moving_variance.value *= self.momentum
            self.moving_variance.value += m * var
        else:
            mean, var = self.moving_mean.value, self.moving_variance.value
        inv_std = 1.0 / xp.sqrt(var + self.epsilon)
        x_hat = (x - mean.reshape(bshape)) * inv_std.reshape(bshape)
        out = x_hat * gamma
        if self.center:
            out = out + self.beta.value.reshape(bshape)
        count = x.size // x.shape[axis]

        def backward(g):
            if self.scale and self.gamma.requires_grad:
                ops.accumulate(self.gamma, (g * x_hat).sum(axis=reduce))
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

    def get_config(self):
        return {**super().get_config(), "axis": self.axis, "momentum": self.momentum,
                "epsilon": self.epsilon, "center": self.center, "scale": self.scale,
                **{key: initializers.serialize(initializers.get(getattr(self, key)))
                   for key in ("beta_initializer", "gamma_initializer",
                               "moving_mean_initializer", "moving_variance_initializer")},
                **{key: regularizers.serialize(regularizers.get(getattr(self, key)))
                   for key in ("beta_regularizer", "gamma_regularizer")},
                **{key: constraints.serialize(getattr(self, key))
                   for key in ("beta_constraint", "gamma_constraint")}}
