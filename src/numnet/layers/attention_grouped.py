"""GroupQueryAttention (GroupedQueryAttention in Keras's source; Keras files name it
GroupQueryAttention): multi-head attention whose key and value
heads are shared by groups of query heads (Ainslie et al., 2023)."""

from __future__ import annotations

import math

from .. import backend, constraints, initializers, regularizers
from ..autodiff import ops
from .attention import (
    MultiHeadAttention,
    _carried,
    _generator,
    _positive_int,
    attention_arguments,
    masked_softmax,
)
from .base import Layer
from .einsum_dense import EinsumDense


class GroupQueryAttention(Layer):
    """Grouped-query attention, as Keras 3's ``GroupQueryAttention``: ``num_query_heads``
    query heads and ``num_key_value_heads`` key/value heads, each key/value head serving
    num_query_heads / num_key_value_heads query heads (1 key/value head: multi-query attention;
    as many as query heads: multi-head attention).

        q = query W_q + b_q  (B, T, Nq, H),  k = key W_k + b_k,  v = value W_v + b_v (B,S,Nkv,H)
        k, v repeated on the heads axis to Nq heads (head j uses key/value head j // groups)
        A = softmax(q kᵀ / sqrt(H)) per head (masked),   out = (A v) W_o + b_o  (B, T, features)

    Args:
        head_dim: the size of each head, H.
        num_query_heads: the number of query heads, Nq.
        num_key_value_heads: the number of key and value heads, Nkv; must divide Nq.
        dropout: the dropout rate on the attention weights (in training). Defaults to ``0.0``.
        use_bias: whether the projections have biases. Defaults to ``True``.
        sliding_window: attend only to keys fewer than this many positions away, or None.
            Defaults to ``None``.
        flash_attention: accepted; changes nothing. Defaults to ``None``.
        kernel_initializer: how the projections' kernels start. Defaults to
            ``'glorot_uniform'``.
        bias_initializer: how their biases start. Defaults to ``'zeros'``.
        kernel_regularizer, bias_regularizer, activity_regularizer: penalties, or None.
            Defaults to ``None``.
        kernel_constraint, bias_constraint: constraints, or None. Defaults to ``None``.
        use_gate: multiply the attention output by sigmoid(query W_g + b_g) before the output
            projection. Defaults to ``False``.
        seed: the dropout's seed. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``.

    Call arguments: ``query`` (B, T, dim), ``value`` (B, S, dim), ``key`` (default: value),
    ``query_mask`` / ``value_mask`` / ``key_mask`` (B, T) / (B, S), ``attention_mask``
    (B, T, S), ``return_attention_scores`` (also return A, (B, Nq, T, S)), ``training``,
    ``use_causal_mask``.

    Weights, Keras's order: query (kernel (dim, Nq, H), bias (Nq, H)), key and value (kernel
    (dim, Nkv, H), bias (Nkv, H)) [gate between key and value], attention_output (kernel
    (Nq, H, dim), bias (dim,)).

    Raises:
        ValueError: when Nkv does not divide Nq, for a bad sliding_window, or a query and value
            whose features differ.

    Example:
        >>> gqa = numnet.layers.GroupQueryAttention(head_dim=8, num_query_heads=4,
        ...                                         num_key_value_heads=2)
        >>> x = np.ones((2, 5, 16), "float32")
        >>> gqa(x, x).shape
        (2, 5, 16)
    """

    supports_masking = True

    def __init__(self, head_dim: int, num_query_heads: int, num_key_value_heads: int,
                 dropout: float = 0.0, use_bias: bool = True, sliding_window=None,
                 flash_attention=None, kernel_initializer="glorot_uniform",
                 bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                 use_gate: bool = False, seed=None, **kwargs):
        super().__init__(**kwargs)
        where = "GroupQueryAttention"
        self.head_dim = _positive_int(head_dim, f"{where}(head_dim)", "the size of a head")
        self.num_query_heads = _positive_int(num_query_heads, f"{where}(num_query_heads)",
                                             "the number of query heads")
        self.num_key_value_heads = _positive_int(
            num_key_value_heads, f"{where}(num_key_value_heads)", "the key/value heads")
        if num_query_heads % num_key_value_heads:
            raise ValueError(f"{where}: num_query_heads ({num_query_heads}) must be a multiple "
                             f"of num_key_value_heads ({num_key_value_heads}).")
        self.num_repeats = num_query_heads // num_key_value_heads
        if not 0 <= dropout < 1:
            raise ValueError(f"{where}(dropout): expected a rate in [0, 1), given {dropout!r}.")
        self.dropout = float(dropout)
        self.use_bias, self.use_gate = bool(use_bias), bool(use_gate)
        if sliding_window is not None:
            _positive_int(sliding_window, f"{where}(sliding_window)", "or None")
        self.sliding_window = sliding_window
        self.flash_attention = flash_attention
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.seed = seed
        self._rng = None
        self._inverse_sqrt_head_dim = 1.0 / math.sqrt(float(self.head_dim))

    def _dense(self, equation, output_shape, bias_axes, name, activation=None):
        return EinsumDense(
            equation, output_shape, activation=activation,
            bias_axes=bias_axes if self.use_bias else None, name=name,
            kernel_initializer=initializers.get(initializers.serialize(self.kernel_initializer)),
            bias_initializer=initializers.get(initializers.serialize(self.bias_initializer)),
            kernel_regularizer=self.kernel_regularizer, bias_regularizer=self.bias_regularizer,
            kernel_constraint=self.kernel_constraint, bias_constraint=self.bias_constraint,
            dtype=self.dtype_policy.name)

    def build(self, query_shape, value_shape=None, key_shape=None) -> None:
        if query_shape and isinstance(query_shape[0], (list, tuple)):
            query_shape, value_shape, key_shape = (list(query_shape) + [None, None])[:3]
        query_shape = tuple(query_shape)
        value_shape = query_shape if value_shape is None else tuple(value_shape)
        key_shape = value_shape if key_shape is None else tuple(key_shape)
        nq, nkv, h = self.num_query_heads, self.num_key_value_heads, self.head_dim
        self.feature_dim = query_shape[-1]
        self._query_dense = self._dense("bqm,muh->bquh", (None, nq, h), "uh", "query")
        self._query_dense.build(query_shape)
        self._key_dense = self._dense("bkm,mvh->bkvh", (None, nkv, h), "vh", "key")
        self._key_dense.build(key_shape)
        if self.use_gate:
            self._gate_dense = self._dense("bqm,muh->bquh", (None, nq, h), "uh", "gate",
                                           activation="sigmoid")
            self._gate_dense.build(query_shape)
        self._value_dense = self._dense("bkm,mvh->bkvh", (None, nkv, h), "vh", "value")
        self._value_dense.build(value_shape)
        self._output_dense = self._dense("bquh,uhm->bqm", (None, self.feature_dim), "m",
                                         "attention_output")
        self._output_dense.build((None, None, nq, h))

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        if query_shape and isinstance(query_shape[0], (list, tuple)):
            query_shape, value_shape = query_shape[0], query_shape[1]
        value_shape = query_shape if value_shape is None else value_shape
        if query_shape[-1] != value_shape[-1]:
            raise ValueError(
                f"Layer {self.name!r}: the last axes of the query and the value must be equal, "
                f"given query shape {tuple(query_shape)} and value shape "
                f"{tuple(value_shape)}.")
        return tuple(query_shape)

    def _held_layers(self) -> list:
        """[(attribute, layer)] as Keras's weight files nest the projections."""
        parts = [("_query_dense", "_query_dense"), ("_key_dense", "_key_dense"),
                 ("_gate_dense", "_gate_dense"), ("_value_dense", "_value_dense"),
                 ("_output_dense", "_output_dense")]
        return [(key, getattr(self, attr)) for key, attr in parts if hasattr(self, attr)]

    def compute_mask(self, inputs, mask=None):
        if isinstance(mask, (list, tuple)):
            return mask[0] if mask else None
        return mask

    def __call__(self, *args, **kwargs):
        args, kwargs = attention_arguments(self, args, kwargs)
        return super().__call__(*args, **kwargs)

    _as_input = MultiHeadAttention._as_input

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
        self.compute_output_shape(query.shape, value.shape)
        mask = MultiHeadAttention._attention_mask(
            self, query, value, query_mask, value_mask, None if key is value else key_mask,
            attention_mask, use_causal_mask)
        gate = self._gate_dense(query) if self.use_gate else None
        q = self._query_dense(query)                     # (B, T, Nq, H)
        k = self._repeat_heads(self._key_dense(key))     # (B, S, Nq, H)
        v = self._repeat_heads(self._value_dense(value))
        # as Keras on JAX: the fused kernel (a fully masked row gets uniform weights) unless
        # there is dropout or the scores are returned
        fused = self.dropout == 0 and not return_attention_scores
        scores = ops.einsum("bquh,bkuh->buqk", ops.multiply(q, self._inverse_sqrt_head_dim), k)
        if mask is not None:
            while mask.ndim < 4:
                mask = backend.xp.expand_dims(mask, -3)
        probs = masked_softmax(scores, mask, not fused)
        weights = probs
        if training and self.dropout > 0:
            keep = 1.0 - self.dropout
            draw = _generator(self).random(probs.shape, dtype="float32") < keep
            weights = ops.multiply(probs, backend.to_device(draw).astype(probs.dtype)
                                   / probs.dtype.type(keep))
        out = ops.einsum("buqk,bkuh->bquh", weights, v)
        if gate is not None:
            out = ops.multiply(out, gate)
        out = self._output_dense(out)
        if return_attention_scores:
            return out, probs
        return out

    def _repeat_heads(self, x):
        """(B, S, Nkv, H) -> (B, S, Nq, H): each key/value head repeated for its group."""
        if self.num_repeats == 1:
            return x
        index = backend.xp.repeat(backend.xp.arange(self.num_key_value_heads),
                                  self.num_repeats)
        return ops.getitem(x, (slice(None), slice(None), index))

    def get_config(self):
        return {**super().get_config(), "head_dim": self.head_dim,
                "num_query_heads": self.num_query_heads,
                "num_key_value_heads": self.num_key_value_heads, "use_bias": self.use_bias,
                "use_gate": self.use_gate, "sliding_window": self.sliding_window,
                "dropout": self.dropout,
                "kernel_initializer": initializers.serialize(self.kernel_initializer),
                "bias_initializer": initializers.serialize(self.bias_initializer),
                "kernel_regularizer": regularizers.serialize(self.kernel_regularizer),
                "bias_regularizer": regularizers.serialize(self.bias_regularizer),
                "activity_regularizer": regularizers.serialize(self.activity_regularizer),
                "kernel_constraint": constraints.serialize(self.kernel_constraint),
                "bias_constraint": constraints.serialize(self.bias_constraint),
                "seed": self.seed}


GroupedQueryAttention = GroupQueryAttention  # the class's name in Keras's source

__all__ = ["GroupQueryAttention", "GroupedQueryAttention"]
