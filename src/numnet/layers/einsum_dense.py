"""EinsumDense: a dense layer whose product is an einsum equation (Keras 3's arguments, weights)."""

from __future__ import annotations

import math
import re

from .. import activations, constraints, initializers, regularizers
from ..autodiff import ops
from .base import Layer
from .core import ActivationAttribute
from .quantization import Quantizable

_FORMS = (  # (pattern, whether '...' stands for leading axes)
    (r"([a-zA-Z]+),([a-zA-Z]+)->([a-zA-Z]+)", False),
    (r"0([a-zA-Z]+),([a-zA-Z]+)->0([a-zA-Z]+)", True),
    (r"([a-zA-Z]{2,})0,([a-zA-Z]+)->([a-zA-Z]+)0", False),
)


def _form(equation) -> tuple:
    """((input letters, kernel letters, output letters), whether '...' leads) of an equation."""
    where = "EinsumDense(equation)"
    if not isinstance(equation, str):
        raise TypeError(f"{where}: expected a string such as 'ab,bc->ac', given {equation!r}.")
    compact = equation.replace(" ", "").replace("...", "0")
    for pattern, left_elided in _FORMS:
        match = re.fullmatch(pattern, compact)
        if match:
            return match.groups(), left_elided
    raise ValueError(
        f"{where}: expected the form '[X],[Y]->[Z]', '...[X],[Y]->...[Z]' or "
        f"'[X]...,[Y]->[Z]...' (letters only; X the input's axes, Y the kernel's, Z the "
        f"output's), given {equation!r}.")


def einsum_shapes(equation: str, bias_axes, input_shape, output_shape) -> tuple:
    """(kernel shape, bias shape or None, full output shape, kernel input axes, kernel output
    axes) of an EinsumDense, as Keras reads its equation.

    ``output_shape`` gives the output's sizes without the batch axis and without the axes that
    '...' stands for; each kernel letter takes its size from the output (when the output has it)
    or else from the input. The bias covers the output axes from the first letter of
    ``bias_axes`` on, with size 1 on the axes between that ``bias_axes`` does not name.
    """
    where = "EinsumDense(equation)"
    (in_spec, w_spec, out_spec), left_elided = _form(equation)
    input_shape = tuple(input_shape)
    elided = len(input_shape) - len(in_spec)
    full = [output_shape] if isinstance(output_shape, int) else list(output_shape)
    full.insert(0, input_shape[0])
    if elided > 0 and left_elided:  # the axes '...' stands for, in the input's order
        full[1:1] = list(input_shape[1:elided])
    elif elided > 0:
        full += list(input_shape[len(input_shape) - elided:])
    if left_elided:
        in_index = {c: i + elided - len(input_shape) for i, c in enumerate(in_spec)}
        out_index = {c: i + elided for i, c in enumerate(out_spec)}
    else:
        in_index = {c: i for i, c in enumerate(in_spec)}
        out_index = {c: i for i, c in enumerate(out_spec)}
    if max(out_index.values(), default=-1) >= len(full):
        raise ValueError(
            f"EinsumDense(output_shape): the equation {equation!r} names {len(out_spec)} output "
            f"axes, given output_shape {output_shape!r} (without the batch axis) for input "
            f"shape {input_shape}; give one size for each output axis but the batch.")
    for c in in_spec:
        if c in out_index:
            size, wanted = input_shape[in_index[c]], full[out_index[c]]
            if wanted is not None and wanted != size:
                raise ValueError(
                    f"EinsumDense: the input and the output share axis {c!r} of equation "
                    f"{equation!r}, but the input has size {size} there and output_shape "
                    f"{wanted}; make output_shape's entry for {c!r} {size} (or None).")
            if wanted is None:  # known from the input (Keras leaves it None)
                full[out_index[c]] = size
    for c in out_spec:
        if c not in in_spec and c not in w_spec:
            raise ValueError(f"{where}: output axis {c!r} of {equation!r} is in neither the "
                             "input nor the kernel; every output letter must be in one of them.")
    kernel, in_axes, out_axes = [], [], []
    for i, c in enumerate(w_spec):
        if c in out_index:
            kernel.append(full[out_index[c]])
            out_axes.append(i)
        elif c in in_index:
            kernel.append(input_shape[in_index[c]])
            in_axes.append(i)
        else:
            raise ValueError(f"{where}: kernel axis {c!r} of {equation!r} is in neither the "
                             "input nor the output, so its size is unknown.")
    bias = None
    if bias_axes is not None:
        for c in bias_axes:
            if c not in out_spec:
                raise ValueError(f"EinsumDense(bias_axes): {c!r} is not an output axis of "
                                 f"{equation!r} (the output's letters are {out_spec!r}).")
        shift = elided if left_elided else 0
        sizes = {c: full[i + shift] for i, c in enumerate(out_spec)}
        first = min(out_spec.find(c) for c in bias_axes)
        bias = [sizes[c] if c in bias_axes else 1 for c in out_spec[first:]]
        if not left_elided:
            bias += [1] * max(elided, 0)
    return kernel, bias, tuple(full), in_axes, out_axes


class _AxesFans(initializers.Initializer):
    """A VarianceScaling initializer whose fans are the products of the kernel's input and
    output axes (as Keras 3 gives EinsumDense), drawn as that (fan_in, fan_out) matrix."""

    def __init__(self, base, in_axes, out_axes):
        self.base, self.in_axes, self.out_axes = base, in_axes, out_axes

    def __call__(self, shape, dtype=None):
        fan_in = math.prod(shape[i] for i in self.in_axes)
        fan_out = math.prod(shape[i] for i in self.out_axes)
        return self.base((fan_in, fan_out), dtype=dtype).reshape(shape)


class EinsumDense(Quantizable, Layer):
    """A dense layer of any rank: output = activation(einsum(equation, inputs, kernel) + bias).

    The equation names the input's axes, the kernel's and the output's with letters, e.g.
    ``"ab,bc->ac"`` is Dense, ``"abc,cd->abd"`` a Dense on every step of a sequence and
    ``"abc,cde->abde"`` the query projection of a multi-head attention (heads d, head size e).
    ``...`` may stand for leading (``"...b,bc->...c"``) or trailing axes. The kernel's shape
    comes from the equation: each kernel letter takes its size from ``output_shape`` when the
    output has that letter, else from the input.

    Args:
        equation: the einsum equation, '[X],[Y]->[Z]', '...[X],[Y]->...[Z]' or
            '[X]...,[Y]->[Z]...'.
        output_shape: the output's shape without the batch axis (and without the axes '...'
            stands for): an int or a tuple; None for an axis whose size the input gives.
        activation: the activation applied to the output, or None for linear. Defaults to
            ``None``.
        bias_axes: the output letters that get a bias (e.g. ``"c"``), or None for no bias.
            Defaults to ``None``.
        kernel_initializer: how the kernel starts (a name or an Initializer); for a variance
            scaling initializer (glorot, he, lecun) the fans are the products of the kernel's
            input and output axes, as Keras. Defaults to ``'glorot_uniform'``.
        bias_initializer: how the bias starts. Defaults to ``'zeros'``.
        kernel_regularizer: the kernel's penalty, or None. Defaults to ``None``.
        bias_regularizer: the bias's penalty, or None. Defaults to ``None``.
        kernel_constraint: the kernel's constraint, or None. Defaults to ``None``.
        bias_constraint: the bias's constraint, or None. Defaults to ``None``.
        lora_rank, lora_alpha: accepted for Keras configs; LoRA is not supported (a rank other
            than None raises). Defaults to ``None``.
        gptq_unpacked_column_size, quantization_config: accepted for Keras configs (a layer is
            quantized by ``quantize`` or by a quantized ``dtype``). Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, ``input_shape``.

    Weights: ``kernel`` (the equation's shape), then ``bias`` when ``bias_axes`` is given, as
    Keras (``set_weights(keras_layer.get_weights())`` lines up).

    Raises:
        ValueError: for an equation of another form, a kernel letter whose size is unknown, a
            bias letter that is not an output axis, or an output size that contradicts the input.

    Example:
        >>> layer = numnet.layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8),
        ...                                   bias_axes="de")
        >>> layer(np.ones((2, 5, 16), "float32")).shape
        (2, 5, 4, 8)
        >>> layer.kernel.shape, layer.bias.shape
        ((16, 4, 8), (4, 8))
    """

    activation = ActivationAttribute()

    def __init__(self, equation: str, output_shape, activation=None, bias_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, lora_rank=None, lora_alpha=None,
                 gptq_unpacked_column_size=None, quantization_config=None, **kwargs):
        super().__init__(**kwargs)
        # (Keras's setting for a layer built quantized; its quantized policy says how)
        self.quantization_config = quantization_config
        if lora_rank:
            raise ValueError(f"EinsumDense(lora_rank): LoRA is not supported by numnet, given "
                             f"{lora_rank!r}; leave lora_rank=None.")
        _form(equation)
        self.equation = equation
        self.partial_output_shape = ((output_shape,) if isinstance(output_shape, int)
                                     else tuple(output_shape))
        if bias_axes is not None and not isinstance(bias_axes, str):
            raise TypeError(f"EinsumDense(bias_axes): expected a string of output letters "
                            f"(e.g. 'c') or None, given {bias_axes!r}.")
        self.bias_axes = bias_axes
        self.activation = activations.get(activation)
        self.lora_rank, self.lora_alpha = lora_rank, lora_alpha
        self._weight_options("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        self._weight_options("bias", bias_initializer, bias_regularizer, bias_constraint)
        self.kernel = self.bias = None

    def build(self, input_shape) -> None:
        kernel, bias, _, in_axes, out_axes = einsum_shapes(
            self.equation, self.bias_axes, input_shape, self.partial_output_shape)
        if any(d is None for d in kernel):
            raise ValueError(
                f"{self.name}: the kernel's shape {tuple(kernel)} has an unknown size; give the "
                f"input axes the equation {self.equation!r} sums over a known size, and "
                "output_shape a size for each axis only the kernel has.")
        init = self.kernel_initializer
        if isinstance(init, initializers.VarianceScaling):
            init = _AxesFans(init, in_axes, out_axes)
        self.kernel = self.add_weight(tuple(kernel), init, "kernel",
                                      regularizer=self.kernel_regularizer,
                                      constraint=self.kernel_constraint)
        if bias is not None:
            self.bias = self.add_weight(tuple(bias), self.bias_initializer, "bias",
                                        regularizer=self.bias_regularizer,
                                        constraint=self.bias_constraint)
        self.input_shape = tuple(input_shape)
        self._quantize_if_asked()  # a quantized policy ("int8_from_float32"): int8 weights

    def compute_output_shape(self, input_shape):
        shape = einsum_shapes(self.equation, self.bias_axes, input_shape,
                              self.partial_output_shape)[2]
        return activations.output_shape(self.activation, shape)

    def call(self, inputs, training=None):
        if self._quantized_mode is not None:
            return self._quantized_call(inputs, training)
        out = ops.einsum(self.equation, inputs, self._weight(self.kernel))
        if self.bias is not None:
            out = ops.add(out, self._weight(self.bias))
        return out if self.activation is activations.linear else self.activation(out)

    def get_config(self):
        config = {**super().get_config(), "output_shape": self.partial_output_shape,
                  "equation": self.equation,
                  "activation": activations.serialize(self.activation),
                  "bias_axes": self.bias_axes,
                  "kernel_initializer": initializers.serialize(self.kernel_initializer),
                  "bias_initializer": initializers.serialize(self.bias_initializer),
                  "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                  "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                  "kernel_constraint": constraints.serialize(self.kernel_constraint),
                  "bias_constraint": constraints.serialize(self.bias_constraint)}
        if self.lora_rank:
            config.update(lora_rank=self.lora_rank, lora_alpha=self.lora_alpha)
        return config


__all__ = ["EinsumDense", "einsum_shapes"]
