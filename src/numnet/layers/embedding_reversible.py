"""ReversibleEmbedding: an Embedding that also maps vectors back to logits over its tokens."""

from __future__ import annotations

from .. import activations
from ..autodiff import ops
from .base import Layer
from .embedding import Embedding


class ReversibleEmbedding(Embedding):
    """An Embedding that can also run in reverse, as Keras 3's: ``layer(ids)`` looks rows up
    in ``embeddings`` (input_dim, output_dim); ``layer(vectors, reverse=True)`` gives logits
    over the vocabulary, vectors @ embeddingsᵀ (the same weights: ``tie_weights=True``) or
    vectors @ reverse_embeddings (output_dim, input_dim) of its own. Used for language models
    whose output projection shares the input embedding.

    Args:
        input_dim: the vocabulary size (ids lie in [0, input_dim)).
        output_dim: the size of each embedding vector.
        tie_weights: reverse with the transposed embeddings; False adds ``reverse_embeddings``
            of its own. Defaults to ``True``.
        embeddings_initializer: how the embeddings (and reverse_embeddings) start. Defaults to
            ``'uniform'``.
        embeddings_regularizer: the embeddings' penalty, or None. Defaults to ``None``.
        embeddings_constraint: the embeddings' constraint, or None. Defaults to ``None``.
        mask_zero: id 0 is padding: the forward output carries a mask. Defaults to ``False``.
        reverse_dtype: the dtype the reverse product is computed in, or None for the layer's.
            Defaults to ``None``.
        logit_soft_cap: c > 0 caps the reverse logits smoothly: c tanh(logits / c); None for
            none. Defaults to ``None``.
        quantization_config: accepted for Keras configs; must be None. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``.

    Input / output: forward (batch, ...) ids -> (batch, ..., output_dim); reverse
    (batch, ..., output_dim) -> (batch, ..., input_dim).

    Weights: ``embeddings``, then ``reverse_embeddings`` when tie_weights=False (Keras's order).

    Example:
        >>> layer = numnet.layers.ReversibleEmbedding(10, 4)
        >>> vectors = layer(np.array([[1, 2, 3]]))
        >>> vectors.shape, layer(vectors, reverse=True).shape
        ((1, 3, 4), (1, 3, 10))
    """

    def __init__(self, input_dim: int, output_dim: int, tie_weights: bool = True,
                 embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero: bool = False, reverse_dtype=None,
                 logit_soft_cap=None, quantization_config=None, **kwargs):
        if quantization_config is not None:
            raise ValueError("ReversibleEmbedding(quantization_config): numnet does not "
                             f"quantize layers, given {quantization_config!r}; leave it None.")
        super().__init__(input_dim, output_dim, embeddings_initializer=embeddings_initializer,
                         embeddings_regularizer=embeddings_regularizer,
                         embeddings_constraint=embeddings_constraint, mask_zero=mask_zero,
                         **kwargs)
        self.tie_weights = bool(tie_weights)
        self.reverse_dtype = reverse_dtype
        if logit_soft_cap is not None and (isinstance(logit_soft_cap, bool) or not isinstance(
                logit_soft_cap, (int, float)) or logit_soft_cap <= 0):
            raise ValueError(f"ReversibleEmbedding(logit_soft_cap): expected a positive number "
                             f"or None, given {logit_soft_cap!r}.")
        self.logit_soft_cap = logit_soft_cap
        self.reverse_embeddings = None
        self._reversing = False

    def build(self, input_shape=None) -> None:
        super().build(input_shape)
        if not self.tie_weights:
            self.reverse_embeddings = self.add_weight(
                (self.output_dim, self.input_dim), self.embeddings_initializer,
                "reverse_embeddings")

    @property
    def _makes_mask(self) -> bool:
        return self.mask_zero and not self._reversing

    def compute_mask(self, inputs, mask=None):
        return None if self._reversing else super().compute_mask(inputs, mask)

    def __call__(self, inputs, *args, reverse: bool = False, **kwargs):
        if not reverse:
            return super().__call__(inputs, *args, **kwargs)
        self._reversing = True
        try:
            return Layer.__call__(self, inputs, *args, reverse=True, **kwargs)
        finally:
            self._reversing = False

    def call(self, inputs, training: bool = False, reverse: bool = False):
        if not reverse:
            return super().call(inputs, training=training)
        if inputs.shape[-1] != self.output_dim:
            raise ValueError(f"Input of layer {self.name!r} (reverse=True): expected vectors of "
                             f"{self.output_dim} on the last axis, given shape {inputs.shape}.")
        kernel = (ops.transpose(self._weight(self.embeddings)) if self.tie_weights
                  else self._weight(self.reverse_embeddings))
        if self.reverse_dtype is not None:
            inputs, kernel = ops.cast(inputs, self.reverse_dtype), ops.cast(kernel,
                                                                            self.reverse_dtype)
        logits = ops.matmul(inputs, kernel)
        if self.logit_soft_cap is not None:
            cap = float(self.logit_soft_cap)
            logits = ops.multiply(activations.tanh(ops.divide(logits, cap)), cap)
        return logits

    def compute_output_shape(self, input_shape, reverse: bool = False):
        if reverse:
            return (*tuple(input_shape)[:-1], self.input_dim)
        return super().compute_output_shape(input_shape)

    def get_config(self):
        return {**super().get_config(), "tie_weights": self.tie_weights,
                "reverse_dtype": self.reverse_dtype, "logit_soft_cap": self.logit_soft_cap}


__all__ = ["ReversibleEmbedding"]
