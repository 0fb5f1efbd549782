"""Attention layers as Keras 3 computes them: MultiHeadAttention (scaled dot-product attention
over several heads, with its projections), Attention (Luong's dot product) and
AdditiveAttention (Bahdanau's). Each is written with the engine's differentiable ops.

Why one file of about 600 lines: the three attention layers share the score, mask and softmax
helpers.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from .. import backend, constraints, initializers, regularizers
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from . import base as _base
from .base import Layer, apply_to_list, is_symbolic_list

LARGE_NEGATIVE = -1e9
"""What a masked score becomes before the softmax (Keras's value for float32 and wider; -3e4,
as Keras, in float16, where -1e9 would be -inf)."""


def _positive_int(value, where: str, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: expected a positive integer ({what}), given {value!r}.")
    return value


def masked_softmax(scores, mask=None, zero_masked: bool = True) -> Tensor:
    """softmax over the last axis of ``scores``; where ``mask`` (a boolean array broadcastable to
    the scores) is False the score is first replaced by -1e9 (-3e4 in float16), so those keys
    get no weight:

        p = softmax(where(mask, s, -1e9)),   then p = where(mask, p, 0) if ``zero_masked``.

    A row whose keys are all masked is uniform (all its scores are equal), or zeros with
    ``zero_masked``. Backward: d s = p (g - sum(g p)) where the mask is True, 0 where it is not.
    """
    scores = ops.as_tensor(scores)
    xp = backend.xp
    z = scores.value
    if mask is not None:
        mask = xp.broadcast_to(backend.to_device(mask).astype(bool), z.shape)
        fill = -3e4 if z.dtype == xp.float16 else LARGE_NEGATIVE
        z = xp.where(mask, z, z.dtype.type(fill))
    p = ops.softmax_values(z, -1)
    if mask is not None and zero_masked:
        p = xp.where(mask, p, p.dtype.type(0))

    def backward(g):
        if mask is not None and zero_masked:
            g = g * mask
        d = p * (g - (g * p).sum(axis=-1, keepdims=True))
        if mask is not None:
            d = d * mask
        ops.accumulate(scores, d.astype(scores.dtype, copy=False))

    return ops.node(p, (scores,), backward)


class _Projection:
    """The kernel and bias of one of MultiHeadAttention's projections (Keras's EinsumDense
    sublayers ``query``, ``key``, ``value``, ``attention_output``): weights of the attention
    layer itself, made in Keras's order; the input's last ``bound`` axes are contracted with
    the kernel's first ``bound`` axes."""

    def __init__(self, name: str, owner: MultiHeadAttention, kernel_shape, bias_shape):
        self.name = name
        self.kernel = owner.add_weight(kernel_shape, owner.kernel_initializer, name="kernel",
                                       regularizer=owner.kernel_regularizer,
                                       constraint=owner.kernel_constraint)
        self.bias = None
        if owner.use_bias:
            self.bias = owner.add_weight(bias_shape, owner.bias_initializer, name="bias",
                                         regularizer=owner.bias_regularizer,
                                         constraint=owner.bias_constraint)
        self.owner = owner
        self.float8 = []  # the float8 scales and histories, once quantized ("float8")
        for var in self.weights:  # the owner's path (its scope's too), then the projection's
            scope = var.path.rsplit("/", 1)[0] if "/" in (var.path or "") else owner.name
            var.path = f"{scope}/{name}/{var.name}"

    @property
    def weights(self) -> list:
        own = [self.kernel] if self.bias is None else [self.kernel, self.bias]
        return own + self.float8

    @property
    def dtype_policy(self):
        return self.owner.dtype_policy

    def project(self, x: Tensor, bound: int, weight, training=None) -> Tensor:
        """x (..., *contracted) -> (..., *kernel.shape[bound:]) as one dense node."""
        if self.float8:
            from .quantization import float8_projection

            return float8_projection(self, x, bound, training)
        inner = self.kernel.shape[:bound]
        outer = self.kernel.shape[bound:]
        rows = ops.reshape(x, (-1, math.prod(inner)))
        kernel = ops.reshape(weight(self.kernel), (math.prod(inner), math.prod(outer)))
        bias = None if self.bias is None else ops.reshape(weight(self.bias), (-1,))
        out = ops.dense(rows, kernel, bias)
        return ops.reshape(out, tuple(x.shape[:x.ndim - bound]) + tuple(outer))


def attention_arguments(layer, args, kwargs):
    """The (args, kwargs) of an attention layer's call as ``call`` takes them: ``[query,
    value(, key)]`` given as one list spread out, ``query=`` as the first argument, and
    ``mask=[query mask, value mask(, key mask)]`` (as a model's graph passes them) as the
    three masks; the layer built from its inputs' shapes on its first call on arrays."""
    if args and isinstance(args[0], (list, tuple)) and not is_symbolic_list(args[0]):
        args = (*args[0], *args[1:])
    if not args and "query" in kwargs:  # mha(query=q, value=v)
        args = (kwargs.pop("query"),)
    given_mask = kwargs.pop("mask", None)
    if given_mask is not None:
        masks = given_mask if isinstance(given_mask, (list, tuple)) else [given_mask]
        for name, m in zip(("query_mask", "value_mask", "key_mask"), masks, strict=False):
            if m is not None and kwargs.get(name) is None:
                kwargs[name] = m
    if not layer.built and not (args and is_symbolic_list(args[0])):
        values = inspect.signature(layer.call).bind(*args, **kwargs).arguments
        shapes = [None if values.get(n) is None else (None, *tuple(values[n].shape)[1:])
                  for n in ("query", "value", "key")]
        layer.build(*shapes)
    return args, kwargs


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017) with Keras 3's arguments, weights and masks.

    Each of the ``num_heads`` heads projects the query, key and value, and attends::

        Q = query @ W_q + b_q      (B, T, N, key_dim)      W_q: (query_dim, N, key_dim)
        K = key @ W_k + b_k        (B, S, N, key_dim)      W_k: (key_dim_in, N, key_dim)
        V = value @ W_v + b_v      (B, S, N, value_dim)    W_v: (value_dim_in, N, value_dim)
        A = softmax(Q K^T / sqrt(key_dim), over S, masked positions excluded)   (B, N, T, S)
        output = (A V) @ W_o + b_o (B, T, output_shape)    W_o: (N, value_dim, query_dim)

    Args:
        num_heads: number of heads N.
        key_dim: size of each head's query and key.
        value_dim: size of each head's value; defaults to ``key_dim``.
        dropout: rate of dropout on the attention probabilities (training only). Defaults to 0.
        use_bias: whether the four projections have biases. Defaults to True.
        output_shape: the last axes of the output; defaults to the query's last axis.
        attention_axes: the axes attention runs over (None: all axes between the batch and the
            features). For (B, T, dim) inputs that is axis 1.
        kernel_initializer, bias_initializer: defaults "glorot_uniform" and "zeros".
        kernel_regularizer, bias_regularizer, kernel_constraint, bias_constraint: applied to
            each projection's kernel and bias.
        use_gate: multiply the attention output by sigmoid(query @ W_g + b_g) before the output
            projection (Keras's gated attention). Defaults to False.
        sliding_window: attend only to keys less than this many positions away (None: all).
        seed: seed of the dropout. ``flash_attention`` is accepted and changes nothing.

    Call arguments: ``query`` (B, T, dim), ``value`` (B, S, dim_v), ``key`` (B, S, dim_k;
    defaults to ``value``), ``attention_mask`` (B, T, S) booleans (True: may attend; shared by
    the heads), ``query_mask`` / ``value_mask`` / ``key_mask`` (B, T) / (B, S) booleans
    (also read from a ``_keras_mask`` attribute of the inputs, and from ``mask=[query mask,
    value mask]`` as a model passes them), ``return_attention_scores`` (also return A),
    ``training``, ``use_causal_mask`` (query step t attends to keys up to t). The masks are
    combined with "and". A masked score becomes -1e9 before the softmax. As Keras 3 on JAX, a
    query row whose keys are all masked gets uniform weights when no dropout is set and the
    scores are not returned (Keras's fused path), and zero weights otherwise.

    Weights, in Keras's order and shapes (so ``set_weights(keras_layer.get_weights())``
    works): query kernel and bias (dim, N, key_dim), (N, key_dim); key kernel and bias;
    [gate kernel and bias;] value kernel and bias (dim_v, N, value_dim), (N, value_dim);
    output kernel (N, value_dim, dim) and bias (dim,).

    Raises:
        ValueError: for a non-positive ``num_heads``, ``key_dim`` or ``value_dim``, inputs of
            fewer than 3 axes, or value and key of different lengths.

    >>> mha = MultiHeadAttention(num_heads=2, key_dim=4)
    >>> x = np.zeros((3, 5, 8), "float32")
    >>> mha(x, x).shape            # self-attention
    (3, 5, 8)
    """

    supports_masking = True
    _takes_list = True

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None,
                 dropout: float = 0.0, use_bias: bool = True, output_shape=None,
                 attention_axes=None, sliding_window=None, flash_attention=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros",
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                 kernel_constraint=None, bias_constraint=None, use_gate: bool = False,
                 seed: int | None = None, **kwargs):
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        where = "MultiHeadAttention"
        self.num_heads = _positive_int(num_heads, f"{where}(num_heads)", "the number of heads")
        self.key_dim = _positive_int(key_dim, f"{where}(key_dim)", "the size of each head")
        self.value_dim = (self.key_dim if not value_dim else
                          _positive_int(value_dim, f"{where}(value_dim)", "or None"))
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) \
                or not 0 <= dropout < 1:
            raise ValueError(f"{where}(dropout): expected a number in [0, 1), given "
                             f"{dropout!r}.")
        self.dropout = float(dropout)
        self.use_bias = bool(use_bias)
        self.use_gate = bool(use_gate)
        if output_shape:
            if isinstance(output_shape, int):
                output_shape = (output_shape,)
            try:
                output_shape = tuple(int(d) for d in output_shape)
            except (TypeError, ValueError):
                raise ValueError(f"{where}(output_shape): expected an int or a tuple of ints "
                                 f"(the output's last axes), given {output_shape!r}.") from None
        self._output_dims = output_shape or None
        if isinstance(attention_axes, int):
            attention_axes = (attention_axes,)
        elif attention_axes is not None:
            if not isinstance(attention_axes, (list, tuple)):
                raise ValueError(f"{where}(attention_axes): expected an int, a list or a tuple "
                                 f"of axes, or None, given {attention_axes!r}.")
            attention_axes = tuple(attention_axes)
        self.attention_axes = attention_axes
        if sliding_window is not None:
            _positive_int(sliding_window, f"{where}(sliding_window)", "or None")
        self.sliding_window = sliding_window
        self.flash_attention = flash_attention
        self._weight_options("kernel", kernel_initializer, kernel_regularizer, kernel_constraint)
        self._weight_options("bias", bias_initializer, bias_regularizer, bias_constraint)
        self.seed = seed
        self._rng = None
        self._inverse_sqrt_key_dim = 1.0 / math.sqrt(float(self.key_dim))
        self.query_dense = self.key_dense = self.value_dense = None
        self.gate_dense = self.output_dense = None

    # ----- build -----
    def build(self, query_shape, value_shape=None, key_shape=None) -> None:
        """Make the projections' weights for a query, value (default: the query) and key
        (default: the value) of these shapes (with the batch axis)."""
        if query_shape and isinstance(query_shape[0], (list, tuple)):
            # the shapes of [query, value(, key)]
            query_shape, value_shape, key_shape = (list(query_shape) + [None, None])[:3]
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        self._check_shapes(query_shape, value_shape, key_shape)
        n, hk, hv = self.num_heads, self.key_dim, self.value_dim
        dim = query_shape[-1]
        out = self._output_dims or (dim,)
        self.query_dense = _Projection("query", self, (dim, n, hk), (n, hk))
        self.key_dense = _Projection("key", self, (key_shape[-1], n, hk), (n, hk))
        if self.use_gate:
            self.gate_dense = _Projection("gate", self, (dim, n, hv), (n, hv))
        self.value_dense = _Projection("value", self, (value_shape[-1], n, hv), (n, hv))
        self.output_dense = _Projection("attention_output", self, (n, hv, *out), out)
        rank = len(query_shape) + 1  # of the projected tensors (..., heads, channels)
        if self.attention_axes is None:
            self.attention_axes = tuple(range(1, rank - 2))
        else:
            self.attention_axes = tuple(a if a >= 0 else (rank - 1) + a
                                        for a in self.attention_axes)
            bad = [a for a in self.attention_axes if not 1 <= a < rank - 2]
            if bad:
                raise ValueError(
                    f"MultiHeadAttention(attention_axes): for inputs of {rank - 1} axes the "
                    f"attention axes lie in 1..{rank - 3} (between the batch and the features), "
                    f"given {self.attention_axes!r}.")

    def _check_shapes(self, query_shape, value_shape, key_shape) -> None:
        for what, shape in (("query", query_shape), ("value", value_shape), ("key", key_shape)):
            if len(shape) < 3:
                raise ValueError(
                    f"Input of layer {self.name!r}: the {what} needs at least 3 axes (batch, "
                    f"sequence, features), given shape {shape}. Add a sequence axis, e.g. "
                    "x[:, None, :].")
        if tuple(value_shape[1:-1]) != tuple(key_shape[1:-1]):
            raise ValueError(
                f"Input of layer {self.name!r}: value and key must have the same shape except "
                f"their last axis, given value {value_shape} and key {key_shape}.")
        if len(query_shape) != len(value_shape):
            raise ValueError(
                f"Input of layer {self.name!r}: query and value must have the same number of "
                f"axes, given query {query_shape} and value {value_shape}.")

    def quantize(self, mode=None, type_check: bool = True, config=None) -> None:
        """Train the query, key, value and output projections in float8, as Keras's
        ``model.quantize("float8")`` does to MultiHeadAttention's EinsumDense sublayers:
        each projection gets the float8 scales and histories of absolute maxima that
        ``numnet.layers.quantization`` describes, after its kernel and bias (paths
        ``<layer>/query/inputs_scale``, ...). The layer's own policy stays as it is, as
        Keras's does, so a model file keeps the float8 weights but its config does not ask
        for them: loading it is refused (Keras 3 cannot load its own either).

        Args:
            mode: "float8" (numnet does not quantize the projections to int8 or int4).
            type_check: refuse a subclass (whose call may differ). Defaults to ``True``.
            config: a ``Float8QuantizationConfig``, or None. Defaults to ``None``.

        Raises:
            ValueError: an unknown mode, or a layer not built yet or already in float8.
            NotImplementedError: int8, int4 or another Keras mode, or a subclass (with
                ``type_check``); ``model.quantize`` turns it into a warning.

        Example:
            >>> mha = numnet.layers.MultiHeadAttention(num_heads=2, key_dim=4, name="mha")
            >>> _ = mha(np.ones((1, 3, 8), "float32"), np.ones((1, 3, 8), "float32"))
            >>> mha.quantize("float8")
            >>> len(mha.weights), mha.weights[2].path
            (32, 'mha/query/inputs_scale')
        """
        from .. import quantizers
        from .quantization import float8_build_projection

        mode, config = quantizers.resolve_config(mode, config)
        if type_check and type(self) is not MultiHeadAttention:
            raise NotImplementedError(f"Layer {type(self).__name__} does not have a `quantize` "
                                      "method implemented.")
        if mode != "float8":
            raise NotImplementedError(
                f"Layer MultiHeadAttention: numnet quantizes its projections to 'float8' "
                f"only; mode={mode!r} leaves them as they are.")
        if not self.built:
            raise ValueError(f"Cannot quantize a layer that isn't yet built. Layer "
                             f"'{self.name}' (of type 'MultiHeadAttention') is not built yet; "
                             "call it on an input (or build it) first.")
        parts = [part for _, part in self._held_layers()]
        if parts[0].float8:
            raise ValueError(f"Layer '{self.name}' is already quantized with mode=float8.")
        for part in parts:
            float8_build_projection(self, part)
        held = {id(w) for part in parts for w in part.weights}
        rest = [w for w in self._weights if id(w) not in held]
        self._weights[:] = [w for part in parts for w in part.weights] + rest

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        if query_shape and isinstance(query_shape[0], (list, tuple)):
            query_shape = query_shape[0]
        query_shape = tuple(query_shape)
        if self._output_dims:
            return query_shape[:-1] + tuple(self._output_dims)
        return query_shape

    def _held_layers(self) -> list:
        """[(attribute, projection)] as Keras's weight files nest them: query_dense,
        key_dense, [gate_dense,] value_dense, output_dense."""
        parts = [("query_dense", self.query_dense), ("key_dense", self.key_dense),
                 ("gate_dense", self.gate_dense), ("value_dense", self.value_dense),
                 ("output_dense", self.output_dense)]
        return [(key, part) for key, part in parts if part is not None]

    def compute_mask(self, inputs, mask=None):
        """The query's mask: the output has the query's steps."""
        if isinstance(mask, (list, tuple)):
            return mask[0] if mask else None
        return mask

    # ----- calling -----
    def __call__(self, *args, **kwargs):
        """``mha(query, value, key=None, ...)`` as Keras; also ``mha([query, value(, key)])``
        and ``mask=[query mask, value mask(, key mask)]`` as a model's graph passes them."""
        args, kwargs = attention_arguments(self, args, kwargs)
        return super().__call__(*args, **kwargs)

    def _as_input(self, x) -> Tensor:
        x = x if isinstance(x, Tensor) else ops.as_tensor(x)
        dtype = x.value.dtype
        if dtype is not self._compute and backend.is_float_dtype(dtype) and (
                self._autocast is not None or dtype.itemsize < 4):
            x = ops.cast(x, self._compute)
        return x

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None,
             attention_mask=None, return_attention_scores=False, training=None,
             use_causal_mask=False):
        query_mask = _carried(query, query_mask)
        value_mask = _carried(value, value_mask)
        if key is None:
            key = value
        else:
            key_mask = None if key is value else _carried(key, key_mask)
        query, value, key = (self._as_input(t) for t in (query, value, key))
        self._check_shapes(query.shape, value.shape, key.shape)
        for what, x, part in (("query", query, self.query_dense),
                              ("value", value, self.value_dense), ("key", key, self.key_dense)):
            if x.shape[-1] != part.kernel.shape[0]:
                raise ValueError(
                    f"Input of layer {self.name!r}: the {what} has {x.shape[-1]} features on "
                    f"its last axis, the layer was built for {part.kernel.shape[0]} (given "
                    f"shape {x.shape}).")
        mask = self._attention_mask(query, value, query_mask, value_mask,
                                    None if key is value else key_mask, attention_mask,
                                    use_causal_mask)
        weight = self._weight
        q = self.query_dense.project(query, 1, weight, training)  # (B, *T, N, key_dim)
        k = self.key_dense.project(key, 1, weight, training)      # (B, *S, N, key_dim)
        v = self.value_dense.project(value, 1, weight, training)  # (B, *S, N, value_dim)
        # Keras 3 on JAX takes a fused kernel (a fully masked row: uniform weights) when there
        # is no dropout, the scores are not returned and the inputs have 3 axes.
        fused = self.dropout == 0 and not return_attention_scores and q.ndim == 4
        out, scores = self._attend(q, k, v, mask, bool(training), not fused)
        if self.use_gate:
            gate = ops.activation(self.gate_dense.project(query, 1, weight, training),
                                  _SIGMOID)
            out = ops.multiply(out, gate)
        out = self.output_dense.project(out, 2, weight, training)
        if return_attention_scores:
            return out, scores
        return out

    def _attention_mask(self, query, value, query_mask, value_mask, key_mask, attention_mask,
                        use_causal_mask):
        """(B, T, S) booleans (or a shape that broadcasts to it), True where query step t may
        attend to key step s: the "and" of all masks given; None when there are none."""
        xp = backend.xp

        def boolean(m):
            m = backend.to_device(getattr(m, "value", m))
            return m if m.dtype == bool else m > 0.5 if m.dtype.kind == "f" else m != 0

        combined = None

        def both(a, b):
            return b if a is None else a if b is None else a & b

        if query_mask is not None:
            combined = both(combined, boolean(query_mask)[..., None])
        if value_mask is not None:
            combined = both(combined, xp.expand_dims(boolean(value_mask), -2))
        if key_mask is not None:
            combined = both(combined, xp.expand_dims(boolean(key_mask), -2))
        t, s = query.shape[1], value.shape[1]
        rows = xp.arange(t)[:, None]
        cols = xp.arange(s)[None, :]
        if use_causal_mask:
            combined = both(combined, (rows >= cols)[None])
        if self.sliding_window is not None:
            combined = both(combined, (xp.abs(rows - cols) < self.sliding_window)[None])
        if attention_mask is not None:
            combined = both(boolean(attention_mask), combined)
        return combined

    def _attend(self, q, k, v, mask, training: bool, zero_masked: bool):
        """A V with A = softmax(Q K^T / sqrt(key_dim)) over the attention axes, per head."""
        rank = q.ndim
        heads, attn = rank - 2, self.attention_axes
        batch_axes = [a for a in range(rank - 2) if a not in attn]
        order = (*batch_axes, heads, *attn, rank - 1)

        def gather(x):  # (prod batch axes, N, prod attention axes, channels)
            x = ops.transpose(x, order)
            lead = x.shape[:len(batch_axes)]
            return ops.reshape(x, (math.prod(lead), self.num_heads, -1, x.shape[-1]))

        qf = gather(ops.multiply(q, self._inverse_sqrt_key_dim))
        kf, vf = gather(k), gather(v)
        scores = ops.matmul(qf, ops.transpose(kf, (0, 1, 3, 2)))  # (b, N, T, S)
        # Keras's layout of the scores: (*batch axes, N, *query attention axes, *key ones)
        full_shape = (*(q.shape[a] for a in batch_axes), self.num_heads,
                      *(q.shape[a] for a in attn), *(k.shape[a] for a in attn))
        flat_mask = None
        if mask is not None:
            m = mask
            while m.ndim < len(full_shape):
                m = backend.xp.expand_dims(m, -2 * len(attn) - 1)
            flat_mask = backend.xp.broadcast_to(m, full_shape).reshape(scores.shape)
        probs = masked_softmax(scores, flat_mask, zero_masked)
        weights = probs
        if training and self.dropout > 0:
            keep = 1.0 - self.dropout
            draw = _generator(self).random(probs.shape, dtype="float32") < keep
            scale = backend.to_device(draw).astype(probs.dtype) / probs.dtype.type(keep)
            weights = ops.multiply(probs, scale)
        out = ops.matmul(weights, vf)  # (b, N, T, value_dim)
        unflat = (*(q.shape[a] for a in batch_axes), self.num_heads,
                  *(q.shape[a] for a in attn), self.value_dim)
        out = ops.reshape(out, unflat)
        out = ops.transpose(out, tuple(int(i) for i in np.argsort(order)))
        return out, ops.reshape(probs, full_shape)

    # ----- config -----
    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "key_dim": self.key_dim,
                "value_dim": self.value_dim, "dropout": self.dropout, "use_bias": self.use_bias,
                "use_gate": self.use_gate, "output_shape": self._output_dims,
                "attention_axes": self.attention_axes, "sliding_window": self.sliding_window,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "seed": self.seed}


class Attention(Layer):
    """Dot-product (Luong) attention over a list [query, value] or [query, value, key]::

        scores = query @ key^T  (* scale)                       (batch, Tq, Tv)
        ("concat": scores = c * sum(tanh(scale * (q + k)), features))
        output = softmax(scores, masked keys excluded) @ value  (batch, Tq, dim)

    Args:
        use_scale: learn a scalar ``scale`` (initialized to 1) multiplying the scores.
            Defaults to False.
        score_mode: "dot" (default) or "concat" (with a learnt scalar
            ``concat_score_weight``).
        dropout: rate of dropout on the attention weights (training only). Defaults to 0.
        seed: seed of the dropout.

    Call: ``layer([query, value(, key)], mask=[query mask, value mask], training=...,
    return_attention_scores=False, use_causal_mask=False)``; the key defaults to the value.
    Masked value steps get -1e9 added to their scores (65504 in float16), as Keras, and the
    output rows of masked query steps are zero. Masks carried by the inputs (``_keras_mask``)
    are used when ``mask`` is not given.

    >>> Attention()([np.ones((2, 3, 4)), np.ones((2, 5, 4))]).shape
    (2, 3, 4)
    """

    supports_masking = True
    _takes_list = True

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0,
                 seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        where = type(self).__name__
        if score_mode not in ("dot", "concat"):
            raise ValueError(f"{where}(score_mode): expected 'dot' or 'concat', given "
                             f"{score_mode!r}.")
        if isinstance(dropout, bool) or not isinstance(dropout, (int, float)) \
                or not 0 <= dropout < 1:
            raise ValueError(f"{where}(dropout): expected a number in [0, 1), given "
                             f"{dropout!r}.")
        self.use_scale = bool(use_scale)
        self.score_mode = score_mode
        self.dropout = float(dropout)
        self.seed = seed
        self._rng = None
        self.scale = self.concat_score_weight = None

    def _check(self, shapes) -> list:
        if not isinstance(shapes, (list, tuple)) or not 2 <= len(shapes) <= 3 or not all(
                isinstance(s, (list, tuple)) for s in shapes):
            raise ValueError(
                f"{self.name}: {type(self).__name__} is called on a list [query, value] or "
                f"[query, value, key]; given shapes {shapes!r}.")
        return [tuple(s) for s in shapes]

    def build(self, input_shape) -> None:
        self._check(input_shape)
        if self.use_scale:
            self.scale = self.add_weight((), "ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight((), "ones", name="concat_score_weight")

    def compute_output_shape(self, input_shape):
        query, value = self._check(input_shape)[:2]
        return (*query[:-1], value[-1])

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            return mask[0] if mask else None
        return None

    def __call__(self, inputs, training=None, mask=None, return_attention_scores=False,
                 use_causal_mask=False, **kwargs):
        if not isinstance(inputs, (list, tuple)):
            raise TypeError(f"{self.name}: {type(self).__name__} is called on a list [query, "
                            f"value] or [query, value, key]; given {type(inputs).__name__}.")
        options = dict(return_attention_scores=return_attention_scores,
                       use_causal_mask=use_causal_mask, **kwargs)
        if any(getattr(t, "_symbolic", False) for t in inputs):
            if is_symbolic_list(inputs) and not (return_attention_scores or use_causal_mask
                                                 or kwargs):
                return apply_to_list(self, inputs)
            return super().__call__(inputs, **options)  # a node of the general kind
        xs = [t if isinstance(t, Tensor) else ops.as_tensor(t) for t in inputs]
        if not self.built:
            self.build([(None, *t.shape[1:]) for t in xs])
        if mask is None:
            mask = [getattr(t, "_keras_mask", None) for t in inputs]
        xs = [ops.cast(t, self._compute) if t.dtype != self._compute
              and backend.is_float_dtype(t.dtype) else t for t in xs]
        if training is None:
            training = getattr(getattr(_base, "_context", None), "training", None)
        return self.call(xs, mask=mask, training=bool(training), **options)

    def _scores(self, query: Tensor, key: Tensor) -> Tensor:
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.transpose(key, (0, 2, 1)))
            return scores if self.scale is None else ops.multiply(scores, self._weight(
                self.scale))
        pairs = ops.add(ops.reshape(query, (query.shape[0], query.shape[1], 1, -1)),
                        ops.reshape(key, (key.shape[0], 1, key.shape[1], -1)))
        if self.scale is not None:
            pairs = ops.multiply(pairs, self._weight(self.scale))
        scores = ops.sum(ops.activation(pairs, _TANH), axis=-1)
        return ops.multiply(scores, self._weight(self.concat_score_weight))

    def call(self, inputs, mask=None, training=False, return_attention_scores=False,
             use_causal_mask=False):
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask, value_mask = (list(mask) + [None, None])[:2] if mask else (None, None)
        scores = self._scores(query, key)
        xp = backend.xp
        keep = None
        if value_mask is not None:
            keep = xp.expand_dims(backend.to_device(getattr(value_mask, "value", value_mask))
                                  .astype(bool), -2)
        if use_causal_mask:
            t, s = scores.shape[-2:]
            causal = (xp.arange(t)[:, None] >= xp.arange(s)[None, :])[None]
            keep = causal if keep is None else keep & causal
        if keep is not None:
            big = 65504.0 if scores.dtype == xp.float16 else 1.0e9
            penalty = xp.where(keep, 0.0, -big).astype(scores.dtype)
            scores = ops.add(scores, penalty)
        weights = ops.activation(scores, _SOFTMAX)
        applied = weights
        if training and self.dropout > 0:
            keep_prob = 1.0 - self.dropout
            draw = _generator(self).random(weights.shape, dtype="float32") < keep_prob
            applied = ops.multiply(weights, backend.to_device(draw).astype(weights.dtype)
                                   / weights.dtype.type(keep_prob))
        out = ops.matmul(applied, value)
        if query_mask is not None:
            rows = backend.to_device(getattr(query_mask, "value", query_mask)).astype(bool)
            out = ops.multiply(out, rows[..., None].astype(out.dtype))
        if return_attention_scores:
            return out, weights
        return out

    def get_config(self):
        return {**super().get_config(), "use_scale": self.use_scale,
                "score_mode": self.score_mode, "dropout": self.dropout, "seed": self.seed}


class AdditiveAttention(Attention):
    """Additive (Bahdanau) attention over [query, value(, key)]::

        scores[t, s] = sum_d scale_d tanh(query[t, d] + key[s, d])     (batch, Tq, Tv)
        output = softmax(scores, masked keys excluded) @ value

    Args:
        use_scale: learn ``scale`` (shape (dim,), glorot_uniform) weighting the features.
            Defaults to True (without it every feature weighs 1).
        dropout: rate of dropout on the attention weights (training only). Defaults to 0.

    Call as ``Attention``.
    """

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs):
        kwargs.pop("score_mode", None)
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape) -> None:
        query = self._check(input_shape)[0]
        if self.use_scale:
            self.scale = self.add_weight((query[-1],), "glorot_uniform", name="scale")

    def _scores(self, query: Tensor, key: Tensor) -> Tensor:
        pairs = ops.add(ops.reshape(query, (query.shape[0], query.shape[1], 1, -1)),
                        ops.reshape(key, (key.shape[0], 1, key.shape[1], -1)))
        tanh = ops.activation(pairs, _TANH)
        if self.scale is not None:
            tanh = ops.multiply(tanh, self._weight(self.scale))
        return ops.sum(tanh, axis=-1)

    def get_config(self):
        config = super().get_config()
        config.pop("score_mode")
        return config


def _generator(layer):
    """The layer's dropout generator: its own from ``seed``, else numnet's."""
    if layer.seed is None:
        return backend.rng()
    if layer._rng is None:
        layer._rng = np.random.default_rng(layer.seed)
    return layer._rng


def _carried(x, mask):
    """``mask`` if given, else the mask ``x`` carries (``_keras_mask``), else None."""
    return mask if mask is not None else getattr(x, "_keras_mask", None)


class _Sigmoid:
    """The sigmoid kernel of the gate (forward, backward from its output)."""

    def forward(self, z):
        return ops.sigmoid_values(z)

    def backward(self, z, out, g):
        return g * out * (1 - out)


class _Tanh:
    def forward(self, z):
        return backend.xp.tanh(z)

    def backward(self, z, out, g):
        return g * (1 - out * out)


class _Softmax:
    """softmax over the last axis; backward: p (g - sum(g p))."""

    def forward(self, z):
        return ops.softmax_values(z, -1)

    def backward(self, z, out, g):
        return out * (g - (g * out).sum(axis=-1, keepdims=True))


_SIGMOID, _TANH, _SOFTMAX = _Sigmoid(), _Tanh(), _Softmax()

__all__ = ["AdditiveAttention", "Attention", "MultiHeadAttention"]
