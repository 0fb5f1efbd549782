"""Dense and Activation."""

from __future__ import annotations

from .. import activations, constraints, initializers, regularizers
from ..autodiff import ops
from .base import Layer


class Dense(Layer):
    """output = activation(inputs @ kernel + bias).

    kernel: (input_dim, units), glorot_uniform by default; bias: (units,), zeros by default.
    The product, the bias and a built-in activation are one fused node of the tape.
    """

    def __init__(self, units: int, activation=None, use_bias: bool = True,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        if isinstance(units, bool) or not isinstance(units, int) or units <= 0:
            try:
                ok = int(units) == units and units > 0 and not isinstance(units, bool)
            except (TypeError, ValueError):
                ok = False
            if not ok:
                raise ValueError(
                    f"Dense(units): expected a positive integer, given {units!r}."
                )
        self.units = int(units)
        self.activation = activations.get(activation)
        self._kernel_fn = activations.kernel_of(self.activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.kernel = self.bias = None

    def build(self, input_shape) -> None:
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                f"{self.name}: the last axis of the input must be known to build a Dense layer, "
                f"given input shape {input_shape}."
            )
        self.kernel = self.add_weight((input_dim, self.units), self.kernel_initializer,
                                      "kernel", regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if self.use_bias:
            self.bias = self.add_weight((self.units,), self.bias_initializer, "bias",
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[:-1]) + (self.units,)

    def call(self, inputs, training: bool = False):
        if inputs.value.shape[-1] != self.kernel.value.shape[0]:
            raise ValueError(
                f"Input of layer {self.name!r}: expected shape (..., {self.kernel.shape[0]}) "
                f"(the width it was built for), given {inputs.shape}. Reshape or select the "
                f"features so that each row has {self.kernel.shape[0]} values."
            )
        if self._kernel_fn is not None or self.activation is activations.linear:
            return ops.dense(inputs, self.kernel, self.bias, self._kernel_fn)
        return self.activation(ops.dense(inputs, self.kernel, self.bias, None))

    def get_config(self):
        config = super().get_config()
        config.update(
            units=self.units,
            activation=activations.serialize(self.activation),
            use_bias=self.use_bias,
            kernel_initializer=initializers.serialize(self.kernel_initializer),
            bias_initializer=initializers.serialize(self.bias_initializer),
            kernel_regularizer=regularizers.serialize(self.kernel_regularizer),
            bias_regularizer=regularizers.serialize(self.bias_regularizer),
            kernel_constraint=constraints.serialize(self.kernel_constraint),
            bias_constraint=constraints.serialize(self.bias_constraint),
        )
        return config


class Activation(Layer):
    """Applies an activation function: Activation('relu'), Activation(activations.tanh)."""

    def __init__(self, activation, **kwargs):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, inputs, training: bool = False):
        return self.activation(inputs)

    def get_config(self):
        config = super().get_config()
        config["activation"] = activations.serialize(self.activation)
        return config
