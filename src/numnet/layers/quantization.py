"""Post-training quantization of Dense, EinsumDense and Embedding (Keras 3's ``layer.quantize``).

``layer.quantize("int8")`` replaces the float kernel by an int8 ``kernel`` (not trainable) and
a float ``kernel_scale``, and sets the policy "int8_from_<policy>"; the layer then computes::

    q_x, s_x = abs_max_quantize(x, axis=-1)            (each row of the input, at each call)
    y = (q_x @ kernel) / (s_x * kernel_scale) + bias    (the integer product is exact)

with ``kernel, kernel_scale = abs_max_quantize(float_kernel, axis=0)`` (one scale per output
unit). The gradient reaches the input through the dequantized kernel
``kernel / kernel_scale`` (the rounding of the input counts as the identity), and the bias (and
LoRA's weights, when enabled) still train: the quantized kernel is frozen, as in Keras.
"float8" (Keras 3's float8 training, below) keeps the float kernel and trains it.
"int4" keeps values in [-8, 7] packed two to a byte along the output axis; by default (Keras 3's
``Int4QuantizationConfig(block_size=128)``) each group of 128 input rows has its own scale and
zero point (``kernel_zero``, ``g_idx``), and the inputs stay float; ``block_size=-1`` gives one
symmetric scale per output unit. EinsumDense takes its axes from the equation (the summed ones
are reduced; for int4 its kernel is seen as a (summed, other) matrix); Embedding scales each row
of its table (int4: in groups of ``block_size`` columns). The
weights are laid out as Keras 3 lays them out (``kernel``, ``bias``, ``kernel_scale``, ...), so
a quantized model's ``.keras`` file loads in Keras and the other way round.

A layer made with a quantized policy (``dtype="int8_from_float32"``, as a loaded file gives)
is quantized as soon as it is built.

``layer.quantize("float8")`` (Dense and EinsumDense) adds six float32 weights, trainable but
never updated by a rule: ``inputs_scale``, ``kernel_scale``, ``outputs_grad_scale`` (start at
1) and their histories of absolute maxima ``*_amax_history`` (``amax_history_length`` zeros,
1024 by default). The layer then computes, with ``qdq(v, s, t) = cast(clip(v / s, -max_t,
max_t), t) * s`` (``max_t`` the largest value of the float8 type ``t``)::

    y = qdq(x, inputs_scale, e4m3fn) @ qdq(kernel, kernel_scale, e4m3fn) + bf16(bias)
    dy <- qdq(dy, outputs_grad_scale, e5m2)             (in the backward pass)

the gradients passing the input and kernel casts as they are, and the bias rounded to
bfloat16 on its way in and its gradient on its way back (Keras's fusion cast under a float32
policy). The backward pass gives each scale, as its "gradient", its next value
``quantizers.compute_float8_scale(max(history), scale, max_t)`` (from the history before this
step), and each history the history rolled by one with this step's ``max(|v|)`` first; the
optimizer sets those weights to these values instead of updating them (Keras 3's
``overwrite_with_gradient``; numnet marks them with
``quantizers.set_overwrite_with_gradient``, as its Variable has no such attribute). As in
Keras, the input's and kernel's scales move only after a call with ``training=True`` (as
``fit`` makes), the output gradient's whenever a gradient is taken; LoRA is refused with
float8. Needs ml_dtypes (so runs on the CPU: CuPy has no float8 arrays).
"""

from __future__ import annotations

import math
import string
import warnings

import numpy as np

from .. import backend, quantizers
from ..autodiff import ops
from ..autodiff.tensor import Tensor, Variable
from ..dtype_policies import Int4DTypePolicy, QuantizedDTypePolicy, QuantizedFloat8DTypePolicy
from .base import Layer

_EXACT = 2 ** 24  # float32 holds every integer up to this: an int8 product summed below it


def _int_matmul(a, b, subscripts=None):
    """The exact product of two integer arrays (int8 values), in float32: float32 when no sum
    can pass 2**24, else float64 and then rounded, as an int32 product cast to float32."""
    xp = backend.xp
    terms = a.shape[-1] if subscripts is None else a.size // max(1, a.shape[0])
    dtype = "float32" if terms * 128 * 128 < _EXACT else "float64"
    a, b = a.astype(dtype), b.astype(dtype)
    out = xp.matmul(a, b) if subscripts is None else xp.einsum(subscripts, a, b)
    return out.astype("float32")


def _replace(layer, attr: str, value, name: str | None = None) -> Variable:
    """Put a frozen Variable holding ``value`` where the layer's ``attr`` Variable was (same
    place in ``weights``, same path): the float weight is gone, as Keras deletes it."""
    old = layer.__dict__[attr]
    var = Variable(value, name=name or old.name, trainable=False)
    var.path = old.path
    weights = layer._weights
    index = next(i for i, w in enumerate(weights) if w is old)
    weights[index] = var
    regularized = getattr(layer, "_regularized", None)
    if regularized:
        layer._regularized = [(v, r) for v, r in regularized if v is not old]
    setattr(layer, attr, var)
    return var


def _add(layer, name: str, value) -> Variable:
    value = backend.to_device(np.asarray(backend.to_numpy(getattr(value, "value", value))))
    var = layer.add_weight(tuple(value.shape), "zeros", dtype=str(value.dtype), trainable=False,
                           name=name)
    var.assign(value)
    _beside(layer, var, name)
    setattr(layer, name, var)
    return var


def _beside(layer, var, name: str) -> None:
    """Give a weight added after the build the path of the layer's own weights (the scope
    they were built in: "seq/dense/kernel_scale"), as Keras names it."""
    first = next((w for w in layer._weights if w is not var and "/" in (w.path or "")), None)
    if first is not None:
        var.path = f"{first.path.rsplit('/', 1)[0]}/{name}"


def _values(t):
    return t.value if isinstance(t, Tensor) else t


# ----------------------------------------------------------------------------- the mixin


class Quantizable:
    """What Dense, EinsumDense and Embedding take from Keras's ``Layer.quantize``: ``quantize``,
    ``quantization_mode`` and the quantized call (the layer's own ``call`` hands over to it
    once quantized)."""

    _quantized_mode = None  # "int8" / "int4" once the weights are quantized
    _inputs_quantizer = None

    @property
    def quantization_mode(self):
        """The quantization mode of this layer ("int8", "int4"), None if not quantized."""
        return self.dtype_policy.quantization_mode

    @property
    def dtype_policy(self):
        """The layer's DTypePolicy. Setting a quantized one ("int8_from_float32") on a built
        layer quantizes it, as in Keras."""
        return self._dtype_policy

    @dtype_policy.setter
    def dtype_policy(self, policy) -> None:
        Layer.dtype_policy.fset(self, policy)
        if self.__dict__.get("built") and self._quantized_mode is None:
            self._quantize_if_asked()

    def quantize(self, mode=None, type_check: bool = True, config=None) -> None:
        """Quantize the layer's weights in place, as Keras 3: ``"int8"`` (int8 kernel, one scale
        per output unit, inputs quantized at each call), ``"int4"`` (packed int4 kernel) or
        ``"float8"`` (float8 training of Dense and EinsumDense: the module's docstring).

        Args:
            mode: "int8", "int4" or "float8" ("gptq" and "awq" are Keras modes numnet does
                not implement). Optional when ``config`` is given.
            type_check: refuse a subclass of the layer (whose call may differ), as Keras.
                Defaults to ``True``.
            config: a ``numnet.quantizers.Int8QuantizationConfig``,
                ``Int4QuantizationConfig`` or ``Float8QuantizationConfig`` choosing the
                quantizers (and int4's block size). Defaults to ``None`` (the mode's
                defaults).

        Raises:
            ValueError: an unknown mode, a layer not built yet, or one already quantized.
            NotImplementedError: a Keras mode numnet does not implement, or a subclass (with
                ``type_check``).

        Example:
            >>> layer = numnet.layers.Dense(2)
            >>> layer.build((None, 3))
            >>> layer.quantize("int8")
            >>> layer.dtype_policy.name, str(layer.kernel.dtype), [w.name for w in layer.weights]
            ('int8_from_float32', 'int8', ['kernel', 'bias', 'kernel_scale'])
        """
        mode, config = quantizers.resolve_config(mode, config)
        if not self.built:
            raise ValueError(f"Cannot quantize a layer that isn't yet built. Layer "
                             f"'{self.name}' (of type '{type(self).__name__}') is not built "
                             "yet; call it on an input (or build it) first.")
        if self._quantized_mode is not None:
            raise ValueError(f"Layer '{self.name}' is already quantized with "
                             f"dtype_policy='{self.dtype_policy.name}'. Received: mode={mode}")
        if type_check and _own(type(self)) is None:
            raise NotImplementedError(f"Layer {type(self).__name__} does not have a `quantize` "
                                      "method implemented.")
        _kind(self).quantize(self, mode, config)
        if self.dtype_policy.quantization_mode is None:
            source = self.dtype_policy.name
            if mode == "float8":
                self.dtype_policy = QuantizedFloat8DTypePolicy(mode, source)
            elif mode == "int4":
                block = getattr(config, "block_size", None)
                self.dtype_policy = Int4DTypePolicy(
                    f"int4/{-1 if block is None else block}", source)
            else:
                self.dtype_policy = QuantizedDTypePolicy(mode, source)

    def _quantize_if_asked(self) -> None:
        """At the end of build: a layer whose policy is quantized (a loaded file's) gets its
        quantized weights now, as Keras builds them."""
        policy = self.dtype_policy
        mode = policy.quantization_mode
        if mode is None or self._quantized_mode is not None:
            return
        given = getattr(self, "quantization_config", None)  # (EinsumDense keeps Keras's)
        if isinstance(given, dict):
            given = quantizers.deserialize(given)
        if isinstance(given, quantizers.QuantizationConfig) and given.mode == mode:
            config = given
        elif mode == "int4":
            block = getattr(policy, "block_size", None)
            config = quantizers.Int4QuantizationConfig(block_size=block)
        elif mode == "float8":
            config = quantizers.Float8QuantizationConfig()
        else:
            config = quantizers.Int8QuantizationConfig()
        _kind(self).quantize(self, mode, config)

    def _quantized_call(self, inputs, training=None):
        if self._quantized_mode == "float8":
            return _float8_call(self, inputs, _kind(self).products(self), training)
        return _kind(self).call(self, inputs)


# ----------------------------------------------------------------------------- Dense


class _Dense:
    @staticmethod
    def quantize(layer, mode, config) -> None:
        if mode == "float8":
            _float8_build(layer)
            return
        kernel = backend.to_numpy(layer.__dict__["kernel"].value)
        units = kernel.shape[1]
        if mode == "int8":
            quantizer = quantizers.QuantizationConfig.weight_quantizer_or_default(
                config, quantizers.AbsMaxQuantizer(axis=0))
            q, scale = quantizer(kernel, to_numpy=True)
            _replace(layer, "kernel", _values(q))
            _add(layer, "kernel_scale", _values(scale).reshape(units))
            layer._inputs_quantizer = quantizers.QuantizationConfig.\
                activation_quantizer_or_default(config, quantizers.AbsMaxQuantizer())
        else:
            _int4_weights(layer, kernel, config)
        layer._quantized_mode = mode

    @staticmethod
    def products(layer):
        return _DENSE_PRODUCTS

    @staticmethod
    def call(layer, inputs):
        kernel = layer.__dict__["kernel"].value
        scale = layer.kernel_scale.value
        if inputs.value.shape[-1] != kernel.shape[0]:
            raise ValueError(f"Input of layer {layer.name!r}: expected shape (..., "
                             f"{kernel.shape[0]}) (the width it was built for), given "
                             f"{inputs.shape}.")
        if layer._quantized_mode == "int4":
            y = _int4_product(layer, inputs, kernel, scale)
        else:
            y = _scaled_product(layer, inputs, kernel, scale, scale)
        if layer.lora_enabled:
            update = ops.matmul(ops.matmul(inputs, layer.lora_kernel_a), layer.lora_kernel_b)
            y = ops.add(y, ops.multiply(update, layer.lora_alpha / layer.lora_rank))
        if layer.bias is not None:
            y = ops.add(y, layer.bias)
        return y if layer.activation is _linear() else layer.activation(y)


def _linear():
    from .. import activations

    return activations.linear


def _scaled_product(layer, inputs, kernel, kernel_scale, grad_scale):
    """``(q_x @ kernel) / (s_x * kernel_scale)`` (or ``(x @ kernel) / kernel_scale`` without
    an input quantizer), its gradient to ``x``: ``g @ (kernel / grad_scale).T``."""
    x = inputs.value
    quantizer = layer._inputs_quantizer
    if quantizer is not None:
        qx, sx = quantizer(x, axis=-1)
        out = _int_matmul(_values(qx), kernel) / (kernel_scale * _values(sx))
    else:
        out = backend.xp.matmul(x, kernel.astype(x.dtype)) / kernel_scale
    return _node(out.astype(x.dtype, copy=False), inputs,
                 lambda: kernel.astype("float32") / grad_scale, "matmul")


def _node(out, inputs, dequantized, how, subscripts=None):
    def backward(g):
        w = dequantized().astype(g.dtype, copy=False)
        if how == "matmul":
            d = backend.xp.matmul(g, backend.xp.swapaxes(w, -1, -2))
        else:
            d = backend.xp.einsum(subscripts, g, w)
        ops.accumulate(inputs, d)

    return ops.node(out, (inputs,), backward)


def _int4_weights(layer, kernel, config) -> None:
    """Dense's int4 weights: values in [-8, 7] packed along the output axis, per-channel
    (symmetric) or per group of ``block_size`` input rows (with zero points)."""
    block = getattr(config, "block_size", None)
    rows, units = kernel.shape
    if block is None or block == -1:
        quantizer = quantizers.QuantizationConfig.weight_quantizer_or_default(
            config, quantizers.AbsMaxQuantizer(axis=0, value_range=(-8, 7)))
        q, scale = quantizer(kernel, to_numpy=True)
        scale, zero = _values(scale).reshape(units), None
    else:
        q, scale, zero = quantizers.abs_max_quantize_grouped_with_zero_point(kernel, block)
        scale = _values(scale)
    packed = quantizers.pack_int4(_values(q), axis=-1)[0]
    _replace(layer, "kernel", _values(packed))
    _add(layer, "kernel_scale", scale)
    if zero is not None:
        _add(layer, "kernel_zero", _values(zero))
        _add(layer, "g_idx", np.arange(rows, dtype="float32") // np.float32(block))
    layer._int4_block_size = block
    layer._inputs_quantizer = quantizers.QuantizationConfig.activation_quantizer_or_default(
        config, None)


def _int4_dequantized(layer, packed, scale, columns):
    """The float (rows, columns) kernel of an int4 layer: ``q / scale`` per channel, or
    ``(q - zero[g]) * scale[g]`` for the group g of each row."""
    xp = backend.xp
    q = _values(quantizers.unpack_int4(packed, columns, axis=-1))
    if getattr(layer, "kernel_zero", None) is None:
        return q.astype(scale.dtype) / scale
    groups = layer.g_idx.value.astype("int32")
    return (q - xp.take(layer.kernel_zero.value, groups, axis=0).astype(scale.dtype)) \
        * xp.take(scale, groups, axis=0)


def _int4_product(layer, inputs, packed, scale):
    if getattr(layer, "kernel_zero", None) is None:
        q = _values(quantizers.unpack_int4(packed, layer.units, axis=-1))
        return _scaled_product(layer, inputs, q, scale, scale)
    weights = _int4_dequantized(layer, packed, scale, layer.units)
    x = inputs.value
    out = backend.xp.matmul(x, weights.astype(x.dtype))
    return _node(out, inputs, lambda: weights, "matmul")


# ----------------------------------------------------------------------------- Embedding


class _Embedding:
    @staticmethod
    def quantize(layer, mode, config) -> None:
        if mode == "float8":
            raise NotImplementedError(
                f"Invalid quantization mode. Expected one of ('int8', 'int4'). Received: "
                f"quantization_mode={mode} (Embedding has no float8 form, as in Keras)")
        table = backend.to_numpy(layer.__dict__["embeddings"].value)
        rows, width = table.shape
        if mode == "int8":
            quantizer = quantizers.QuantizationConfig.weight_quantizer_or_default(
                config, quantizers.AbsMaxQuantizer(axis=-1))
            q, scale = quantizer(table, to_numpy=True)
            _replace(layer, "embeddings", _values(q))
            _add(layer, "embeddings_scale", _values(scale).reshape(rows))
        else:  # int4: each row's values (in groups of block_size columns), packed along a row
            block = getattr(config, "block_size", None)
            if block is None or block == -1:
                quantizer = quantizers.QuantizationConfig.weight_quantizer_or_default(
                    config, quantizers.AbsMaxQuantizer(axis=-1, value_range=(-8, 7)))
                q, scale = quantizer(table, to_numpy=True)
                q, scale, zero = _values(q), _values(scale).reshape(rows), None
            else:
                q, scale, zero = (_values(t).T for t in
                                  quantizers.abs_max_quantize_grouped_with_zero_point(
                                      table.T, block))
            _replace(layer, "embeddings", _values(quantizers.pack_int4(q, axis=-1)[0]))
            _add(layer, "embeddings_scale", backend.xp.ascontiguousarray(scale))
            if zero is not None:
                _add(layer, "embeddings_zero", backend.xp.ascontiguousarray(zero))
                _add(layer, "g_idx", np.arange(width, dtype="float32") // np.float32(block))
        layer._quantized_mode = mode

    @staticmethod
    def call(layer, inputs):
        ids = layer._indices(inputs.value)
        xp = backend.xp
        table = layer.__dict__["embeddings"].value
        scale = layer.embeddings_scale.value
        if layer._quantized_mode == "int4":
            table = _values(quantizers.unpack_int4(table, layer.output_dim, axis=-1))
        picked = table[ids].astype(layer.compute_dtype)
        if getattr(layer, "embeddings_zero", None) is None:
            rows = picked / xp.expand_dims(scale[ids], -1)
        else:
            groups = layer.g_idx.value.astype("int32")
            zero = xp.take(layer.embeddings_zero.value[ids], groups, axis=-1)
            rows = (picked - zero.astype(scale.dtype)) * xp.take(scale[ids], groups, axis=-1)
        out = Tensor(rows)
        if layer.lora_enabled:
            update = ops.matmul(ops.getitem(layer.lora_embeddings_a, ids),
                                layer.lora_embeddings_b)
            out = ops.add(out, ops.multiply(update, layer.lora_alpha / layer.lora_rank))
        return out


# ----------------------------------------------------------------------------- EinsumDense


def einsum_quantization_axes(equation: str, ndim: int) -> dict:
    """The axes EinsumDense's int8 mode works with, from its equation and the input's rank:
    the input's and the kernel's summed axes (reduced by their quantizers), and how a scale
    with those axes kept is moved onto the output's axes (transpose, then expand, then
    squeeze) -- Keras's analysis, so that ``kernel_scale`` has Keras's shape."""
    compact = equation.replace(" ", "").replace("...", "0")
    left, _, out = compact.partition("->")
    inp, ker = left.split(",")
    free = sorted(set(string.ascii_letters) - set(inp) - set(ker) - set(out))
    if inp.startswith("0"):
        inp, out = inp[1:], out[1:]
        pad = "".join(free[:ndim - len(inp)])
        inp, out = pad + inp, pad + out
    elif inp.endswith("0"):
        inp, out = inp[:-1], out[:-1]
        pad = "".join(free[:ndim - len(inp)])
        inp, out = inp + pad, out + pad
    info = {"backward": f"{out},{ker}->{inp}"}
    last = None  # Keras's analysis carries the index of its last search from step to step
    for name, spec in (("input", inp), ("kernel", ker)):
        reduced = []
        for i, label in enumerate(spec):
            last = out.find(label)
            if last == -1:
                reduced.append(i)
        info[name + "_reduced"] = reduced
    for name, spec in (("input", inp), ("kernel", ker)):
        expand = [i for i, label in enumerate(out) if label not in spec]
        transpose = [spec.index(label) for label in out if label in spec]
        squeeze = []
        for axis in info[name + "_reduced"]:
            if expand:
                last = expand.pop(0)
            else:
                squeeze.append(axis)
            transpose.insert(last, axis)
        info[name] = (transpose, expand, squeeze)
    return info


def _to_output(scale, moves):
    """A scale with the reduced axes kept, moved onto the output's axes."""
    xp = backend.xp
    transpose, expand, squeeze = moves
    if transpose:
        scale = xp.transpose(scale, transpose)
    if expand:
        scale = xp.expand_dims(scale, tuple(expand))
    if squeeze:
        scale = xp.squeeze(scale, tuple(squeeze))
    return scale


def _to_kernel(scale, moves):
    """Undo ``_to_output`` for the kernel's scale (to divide the kernel by it)."""
    xp = backend.xp
    transpose, expand, squeeze = moves
    if squeeze:
        scale = xp.expand_dims(scale, tuple(squeeze))
    if expand:
        scale = xp.squeeze(scale, tuple(expand))
    if transpose:
        scale = xp.transpose(scale, list(np.argsort(transpose)))
    return scale


class _EinsumDense:
    @staticmethod
    def quantize(layer, mode, config) -> None:
        if mode == "float8":
            _float8_build(layer)
            return
        info = einsum_quantization_axes(layer.equation, len(layer.input_shape))
        layer._quantization_axes = info
        kernel = backend.to_numpy(layer.__dict__["kernel"].value)
        if mode == "int8":
            quantizer = quantizers.QuantizationConfig.weight_quantizer_or_default(
                config, quantizers.AbsMaxQuantizer(axis=tuple(info["kernel_reduced"])))
            q, scale = quantizer(kernel, to_numpy=True)
            _replace(layer, "kernel", _values(q))
            _add(layer, "kernel_scale", _to_output(_values(scale), info["kernel"]))
            layer._inputs_quantizer = quantizers.QuantizationConfig.\
                activation_quantizer_or_default(config, quantizers.AbsMaxQuantizer())
        else:
            # int4: the kernel as a (summed axes, other axes) matrix -- Keras reshapes it so,
            # in the kernel's own axis order -- quantized as Dense's and packed along a row
            rows = int(np.prod([kernel.shape[a] for a in info["kernel_reduced"]]))
            layer._int4_shape = kernel.shape
            layer._int4_columns = kernel.size // rows
            _int4_weights(layer, kernel.reshape(rows, kernel.size // rows), config)
        layer._quantized_mode = mode

    @staticmethod
    def products(layer):
        return _einsum_products(layer.equation)

    @staticmethod
    def call(layer, inputs):
        info = layer._quantization_axes
        kernel = layer.__dict__["kernel"].value
        scale = layer.kernel_scale.value
        x = inputs.value
        quantizer = layer._inputs_quantizer
        if layer._quantized_mode == "int4":
            weights = _int4_dequantized(layer, kernel, scale, layer._int4_columns)
            weights = weights.reshape(layer._int4_shape).astype(x.dtype, copy=False)
            if quantizer is not None:
                qx, sx = quantizer(x, axis=tuple(info["input_reduced"]))
                out = backend.xp.einsum(layer.equation, _values(qx).astype(x.dtype), weights)
                out = out / _to_output(_values(sx), info["input"])
            else:
                out = backend.xp.einsum(layer.equation, x, weights)
            dequantized = lambda: weights  # noqa: E731
        elif quantizer is not None:
            qx, sx = quantizer(x, axis=tuple(info["input_reduced"]))
            out = _int_matmul(_values(qx), kernel, layer.equation)
            out = out / (_to_output(_values(sx), info["input"]) * scale)
            dequantized = lambda: kernel.astype("float32") / _to_kernel(scale,  # noqa: E731
                                                                        info["kernel"])
        else:
            out = backend.xp.einsum(layer.equation, x, kernel.astype(x.dtype)) / scale
            dequantized = lambda: kernel.astype("float32") / _to_kernel(scale,  # noqa: E731
                                                                        info["kernel"])
        y = _node(out.astype(x.dtype, copy=False), inputs, dequantized, "einsum",
                  info["backward"])
        if layer.bias is not None:
            y = ops.add(y, layer.bias)
        return y if layer.activation is _linear() else layer.activation(y)


# ----------------------------------------------------------------------------- float8

_FLOAT8_WEIGHTS = ("inputs_scale", "inputs_amax_history", "kernel_scale", "kernel_amax_history",
                   "outputs_grad_scale", "outputs_grad_amax_history")


def _float8_build(layer) -> None:
    """Keras's float8 weights, in its order: a scale (one, shape ()) and a history of
    absolute maxima (zeros) for the inputs, the kernel and the output gradient."""
    if getattr(layer, "lora_enabled", False):
        raise NotImplementedError("Currently, `_float8_call` doesn't support LoRA")
    for name, var in _float8_weights(layer, layer.dtype_policy):
        _beside(layer, var, name)
        setattr(layer, name, var)
    layer._quantized_mode = "float8"


def _float8_weights(owner, policy):
    """[(name, Variable)]: the six float8 weights, made by ``owner.add_weight`` and marked to
    be set to their gradients."""
    length = getattr(policy, "amax_history_length",
                     QuantizedFloat8DTypePolicy.default_amax_history_length)
    made = []
    for name in _FLOAT8_WEIGHTS:
        history = name.endswith("history")
        var = owner.add_weight((length,) if history else (), "zeros" if history else "ones",
                               dtype="float32", trainable=True, autocast=False, name=name)
        quantizers.set_overwrite_with_gradient(var)
        made.append((name, var))
    return made


def float8_build_projection(owner, part) -> None:
    """Give one of MultiHeadAttention's projections (its ``query``, ``key``, ...) the float8
    weights an EinsumDense gets, with the projection's paths ("mha/query/inputs_scale")."""
    for name, var in _float8_weights(owner, owner.dtype_policy):
        var.path = f"{part.kernel.path.rsplit('/', 1)[0]}/{name}"
        setattr(part, name, var)
        part.float8.append(var)
    part.activation = _linear()


def float8_projection(part, x, bound: int, training=None):
    """A float8 MultiHeadAttention projection: ``x (..., *inner) -> (..., *outer)`` as
    ``_float8_call`` computes an EinsumDense (the contraction of the input's last ``bound``
    axes with the kernel's first)."""
    shape = tuple(part.kernel.shape)
    rows, columns = math.prod(shape[:bound]), math.prod(shape[bound:])
    xp = backend.xp

    def product(a, k):
        out = xp.matmul(a.reshape(-1, rows), k.reshape(rows, columns))
        return out.reshape(a.shape[:a.ndim - bound] + shape[bound:])

    def input_grad(g, k):
        d = xp.matmul(g.reshape(-1, columns), k.reshape(rows, columns).T)
        return d.reshape(g.shape[:g.ndim - (len(shape) - bound)] + shape[:bound])

    def kernel_grad(a, g):
        return xp.matmul(a.reshape(-1, rows).T, g.reshape(-1, columns)).reshape(shape)

    return _float8_call(part, x, (product, input_grad, kernel_grad), training)


def _qdq(values, scale, dtype: str, compute: str):
    """``values`` through the float8 ``dtype`` with ``scale`` and back (``quantizers.
    quantize_and_dequantize``), as an array."""
    return quantizers.quantize_and_dequantize(values, scale, dtype, compute).value


def _float8_max(dtype: str) -> float:
    import ml_dtypes

    return float(ml_dtypes.finfo(getattr(ml_dtypes, dtype)).max)


def _dense_product(x, k):
    return backend.xp.matmul(x, k)


def _dense_input_grad(g, k):
    return backend.xp.matmul(g, backend.xp.swapaxes(k, -1, -2))


def _dense_kernel_grad(x, g):
    return backend.xp.matmul(x.reshape(-1, x.shape[-1]).T, g.reshape(-1, g.shape[-1]))


_DENSE_PRODUCTS = (_dense_product, _dense_input_grad, _dense_kernel_grad)


def _einsum_products(equation: str):
    """(product, input gradient, kernel gradient) of ``equation`` ("in,kernel->out")."""
    inputs, rest = equation.replace(" ", "").split(",")
    kernel, out = rest.split("->")
    xp = backend.xp
    return (lambda x, k: xp.einsum(equation, x, k),
            lambda g, k: xp.einsum(f"{out},{kernel}->{inputs}", g, k),
            lambda x, g: xp.einsum(f"{inputs},{out}->{kernel}", x, g))


def _float8_call(layer, inputs, products, training=None):
    """The float8 layer's output (the module's docstring): its product of the float8 input and
    kernel, then the bias and the activation. Only a call with ``training`` moves the input's
    and the kernel's scales (the output gradient's moves whenever a gradient is taken), as
    Keras's."""
    product, input_grad, kernel_grad = products
    compute = layer.dtype_policy.compute_dtype
    kernel = layer.__dict__["kernel"]
    w = {name: getattr(layer, name) for name in _FLOAT8_WEIGHTS}
    x = inputs.value
    qx = _qdq(x, w["inputs_scale"].value, "float8_e4m3fn", compute)
    qk = _qdq(kernel.value, w["kernel_scale"].value, "float8_e4m3fn", compute)
    e4m3, e5m2 = _float8_max("float8_e4m3fn"), _float8_max("float8_e5m2")

    def backward(g):
        qg = _qdq(g, w["outputs_grad_scale"].value, "float8_e5m2", compute)
        ops.accumulate(inputs, input_grad(qg, qk).astype(x.dtype, copy=False))
        ops.accumulate(kernel, kernel_grad(qx, qg).astype(kernel.value.dtype, copy=False))
        # each scale's and history's next value, handed over as its gradient
        moved = [("outputs_grad", g, e5m2)]
        if training:
            moved[:0] = [("inputs", x, e4m3), ("kernel", kernel.value, e4m3)]
        for prefix, seen, top in moved:
            scale, history = w[f"{prefix}_scale"], w[f"{prefix}_amax_history"]
            amax = backend.xp.max(history.value, axis=0)
            ops.accumulate(scale, quantizers.compute_float8_scale(
                amax, scale.value, top).value)
            ops.accumulate(history, quantizers.compute_float8_amax_history(
                seen, history.value).value)

    y = ops.node(product(qx, qk).astype(x.dtype, copy=False),
                 (inputs, kernel, *w.values()), backward)
    if layer.bias is not None:
        bias = layer.bias
        if compute == "float32":
            bias = _bfloat16_rounded(bias)
        y = ops.add(y, bias)
    return y if layer.activation is _linear() else layer.activation(y)


def _bfloat16_rounded(bias):
    """``bias`` cast to bfloat16 and back, its gradient too (what Keras's float8 layers do
    to the bias under a float32 policy)."""
    import ml_dtypes

    def rounded(v):
        return v.astype(ml_dtypes.bfloat16).astype(v.dtype)

    return ops.node(rounded(bias.value), (bias,),
                    lambda g: ops.accumulate(bias, rounded(g)))


_KINDS = {("numnet.layers.core", "Dense"): _Dense,
          ("numnet.layers.einsum_dense", "EinsumDense"): _EinsumDense,
          ("numnet.layers.embedding", "Embedding"): _Embedding}
"""numnet's layers that have a quantized form, by (module, class name)."""


def _own(cls):
    return _KINDS.get((cls.__module__, cls.__qualname__))


def _kind(layer):
    for cls in type(layer).__mro__:
        kind = _own(cls)
        if kind is not None:
            return kind
    raise NotImplementedError(f"Layer {type(layer).__name__} does not have a `quantize` method "
                              "implemented.")


# ----------------------------------------------------------------------------- models


def quantize_model(model, mode=None, config=None, filters=None, **kwargs) -> None:
    """``Model.quantize``: each layer without sublayers that has a quantized form (Dense,
    EinsumDense, Embedding) quantized in place; the others left as they are, each with
    Keras's warning that it has no ``quantize``."""
    import re

    type_check = kwargs.pop("type_check", True)
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments passed to {type(model).__name__}: "
                         f"{kwargs}")
    mode, config = quantizers.resolve_config(mode, config)
    if not model.built:
        raise ValueError(f"Cannot quantize a layer that isn't yet built. Layer '{model.name}' "
                         f"(of type '{type(model).__name__}') is not built yet; build the model "
                         "(or call it on data) first.")
    if filters is not None and not isinstance(filters, (str, list, tuple)) \
            and not callable(filters):
        raise ValueError("The `filters` argument must be a regex string, a list of regex "
                         f"strings, or a callable. Received: {type(filters)}")

    def wanted(layer) -> bool:
        if filters is None:
            return True
        if callable(filters):
            return bool(filters(layer))
        patterns = [filters] if isinstance(filters, str) else list(filters)
        return any(re.search(p, layer.name) for p in patterns)

    for layer in _flatten(model):
        if not wanted(layer) or layer._sublayers():
            continue
        if not hasattr(layer, "quantize"):
            warnings.warn(f"Layer {type(layer).__name__} does not have a `quantize` method "
                          "implemented.", stacklevel=3)
            continue
        try:
            layer.quantize(mode, type_check=type_check, config=config)
        except NotImplementedError as error:
            warnings.warn(str(error), stacklevel=3)


def _flatten(model) -> list:
    """The model's layers at every depth, each once, in order (Keras's _flatten_layers)."""
    seen, out = set(), []

    def walk(layer):
        children = list(getattr(layer, "layers", None) or layer._sublayers())
        first = getattr(layer, "_input_layer", None)  # a Sequential's input, as Keras walks it
        if first is not None and first not in children:
            children.insert(0, first)
        for child in children:
            if id(child) in seen:
                continue
            seen.add(id(child))
            out.append(child)
            walk(child)

    walk(model)
    return out


__all__ = ["Quantizable", "einsum_quantization_axes", "quantize_model"]
