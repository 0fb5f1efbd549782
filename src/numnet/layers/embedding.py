"""Embedding: integer indices to rows of a trainable matrix."""

from __future__ import annotations

import warnings

import numpy as np

from .. import backend, constraints, initializers, regularizers
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from ..fast import rows as fast_rows
from .base import Layer
from .lora import lora_property
from .quantization import Quantizable


class Embedding(Quantizable, Layer):
    """output[..., :] = embeddings[index]: (batch, ...) integers in [0, input_dim) ->
    (batch, ..., output_dim).

    embeddings: (input_dim, output_dim), "uniform" (RandomUniform(-0.05, 0.05)) by default, as
    Keras. The backward pass adds each position's gradient into the row it read (a scatter-add,
    so a repeated index collects all of its gradients). Indices may be of any integer type, or
    floats holding whole numbers (as a float32 model input gives them); an index outside
    [0, input_dim) is an error. ``mask_zero=True`` makes a mask (input != 0) that the
    layers after it use to skip the padding steps, as Keras; index 0 is then padding only.

    Args:
        input_dim: the vocabulary size: token ids lie in [0, input_dim).
        output_dim: the size of each token's vector.
        embeddings_initializer: how the vectors start: an initializer: a name ('glorot_uniform',
            'zeros', ...) or an Initializer. Defaults to ``'uniform'``.
        embeddings_regularizer: their penalty: a regularizer whose penalty is added to the loss (a
            name such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        embeddings_constraint: their constraint: a constraint applied after each optimizer step (a
            name or a Constraint), or None. Defaults to ``None``.
        mask_zero: treat id 0 as padding: the output carries a mask that hides those steps from the
            layers after it (then input_dim must count the 0). Defaults to ``False``.
        weights: initial weights, as a list of arrays (Keras 2's form), or None. Defaults to
            ``None``.
        activity_regularizer: a penalty on the layer's output: a regularizer whose penalty is added
            to the loss (a name such as 'l2', or a Regularizer), or None. Defaults to ``None``.
        lora_rank: when set, the layer calls ``enable_lora(lora_rank, lora_alpha)`` once built.
            Defaults to ``None``.
        lora_alpha: the LoRA scale's numerator (the update is scaled by
            ``lora_alpha / lora_rank``); None for ``lora_rank``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Low-rank adaptation (LoRA): ``layer.enable_lora(rank)`` freezes the embeddings and trains
    ``lora_embeddings_a`` (input_dim, rank) and ``lora_embeddings_b`` (rank, output_dim); the
    rows are then read from ``embeddings + (lora_alpha / rank) * a @ b``, which is also what
    ``layer.embeddings`` gives, as in Keras.

    Example:
        >>> x = np.array([[4, 20, 7]])
        >>> numnet.layers.Embedding(1000, 64)(x).shape
        (1, 3, 64)
    """

    supports_masking = True

    embeddings = lora_property("embeddings", """The embeddings Variable; with LoRA enabled, the
        table the rows are read from: ``embeddings + (lora_alpha / lora_rank) *
        lora_embeddings_a @ lora_embeddings_b``.""")

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer="uniform",
                 embeddings_regularizer=None, embeddings_constraint=None,
                 mask_zero: bool = False, weights=None, activity_regularizer=None,
                 lora_rank=None, lora_alpha=None, **kwargs):
        if kwargs.pop("input_length", None) is not None:
            warnings.warn("Embedding(input_length): the argument is deprecated in Keras 3 and "
                          "ignored; just remove it.", UserWarning, stacklevel=2)
        super().__init__(activity_regularizer=activity_regularizer, **kwargs)
        for arg, value in (("input_dim", input_dim), ("output_dim", output_dim)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"Embedding({arg}): expected a positive integer, given "
                                 f"{value!r}." + (" input_dim is the vocabulary size: the "
                                                  "largest index + 1." if arg == "input_dim"
                                                  else ""))
        self.input_dim, self.output_dim = input_dim, output_dim
        self._weight_options("embeddings", embeddings_initializer, embeddings_regularizer,
                             embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self.embeddings = None
        self.lora_rank = lora_rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else lora_rank
        self.lora_enabled = False
        if weights is not None:
            weights = weights if isinstance(weights, list) else [weights]
            shapes = [tuple(getattr(w, "shape", None) or _nested_shape(w)) for w in weights]
            if shapes != [(input_dim, output_dim)]:  # checked before the matrix is allocated
                raise ValueError(
                    f"Embedding(weights): expected one array of shape (input_dim, output_dim) = "
                    f"({input_dim}, {output_dim}), given {len(weights)} of shapes {shapes}.")
            self.build(None)
            self.set_weights(weights)

    def build(self, input_shape=None) -> None:
        self.embeddings = self.add_weight((self.input_dim, self.output_dim),
                                          self.embeddings_initializer, "embeddings",
                                          regularizer=self.embeddings_regularizer,
                                          constraint=self.embeddings_constraint)
        self._quantize_if_asked()  # a quantized policy ("int8_from_float32"): int8 weights
        if self.lora_rank and not self.lora_enabled:
            self.built = True
            self.enable_lora(self.lora_rank, self.lora_alpha)

    def enable_lora(self, rank: int, lora_alpha=None, a_initializer="he_uniform",
                    b_initializer="zeros") -> None:
        """Fine-tune through a low-rank update: freeze the embeddings and train
        ``lora_embeddings_a`` (input_dim, rank) and ``lora_embeddings_b`` (rank, output_dim),
        the rows read from ``embeddings + (lora_alpha / rank) * a @ b``.

        Args:
            rank: the rank of the update, a positive integer.
            lora_alpha: the scale's numerator; None for ``rank``. Defaults to ``None``.
            a_initializer: how ``lora_embeddings_a`` starts. Defaults to ``"he_uniform"``.
            b_initializer: how ``lora_embeddings_b`` starts. Defaults to ``"zeros"``.

        Raises:
            ValueError: when the layer is not built, has an embeddings constraint, already has
                LoRA enabled, or ``rank`` is not a positive integer.

        Example:
            >>> layer = numnet.layers.Embedding(10, 4)
            >>> layer.build()
            >>> layer.enable_lora(2)
            >>> [w.name for w in layer.trainable_weights]
            ['lora_embeddings_a', 'lora_embeddings_b']
        """
        table = self.__dict__.get("embeddings")
        if self.embeddings_constraint is not None:
            raise ValueError(
                f"{self.name}.enable_lora: LoRA cannot be used with an embeddings constraint "
                f"(given {self.embeddings_constraint!r}); build the layer without "
                "embeddings_constraint.")
        if not self.built or table is None:
            raise ValueError(f"{self.name}.enable_lora: the layer is not built yet; call it on "
                             "an input (or build it) before enabling LoRA.")
        if self.lora_enabled:
            raise ValueError(
                f"{self.name}.enable_lora: LoRA is already enabled; it can be enabled once.")
        if isinstance(rank, bool) or not isinstance(rank, int) or rank <= 0:
            raise ValueError(
                f"{self.name}.enable_lora(rank): expected a positive integer, given {rank!r}.")
        self.lora_embeddings_a = self.add_weight(
            (self.input_dim, rank), a_initializer, "lora_embeddings_a",
            regularizer=self.embeddings_regularizer)
        self.lora_embeddings_b = self.add_weight(
            (rank, self.output_dim), b_initializer, "lora_embeddings_b",
            regularizer=self.embeddings_regularizer)
        table.trainable = False
        self.lora_enabled = True
        self.lora_rank = rank
        self.lora_alpha = lora_alpha if lora_alpha is not None else rank

    def compute_output_shape(self, input_shape):
        return tuple(input_shape) + (self.output_dim,)

    @property
    def _makes_mask(self) -> bool:
        return self.mask_zero

    def compute_mask(self, inputs, mask=None):
        if not self.mask_zero:
            return None
        if getattr(inputs, "_symbolic", False):  # a symbolic mask, as Keras's KerasTensor
            from .. import ops as public_ops

            return public_ops.not_equal(inputs, 0)
        return backend.to_device(getattr(inputs, "value", inputs)) != 0

    def __call__(self, inputs, training=None, **kwargs):
        value = getattr(inputs, "value", inputs)
        if not getattr(inputs, "_symbolic", False) and backend.is_float_dtype(
                getattr(value, "dtype", backend.xp.dtype("float64"))):
            # as integers before the base class sees them: it would cast floats to a 16-bit
            # compute dtype under a mixed policy, which cannot hold every index
            inputs = Tensor(self._indices(value))
        return super().__call__(inputs, training=training, **kwargs)

    def _output_dtype(self, input_dtype):
        return self.compute_dtype

    def call(self, inputs, training: bool = False):
        if self._quantized_mode is not None:
            return self._quantized_call(inputs)
        return take_rows(self._weight(self.embeddings), self._indices(inputs.value))

    def _indices(self, value):
        """``value`` as an integer array on the device, each index checked to lie in
        [0, input_dim)."""
        xp = backend.xp
        ids = backend.to_device(value)
        if backend.is_float_dtype(ids.dtype):
            if ids.size and not bool(xp.all(ids == xp.floor(ids))):
                raise ValueError(
                    f"Input of layer {self.name!r}: expected integer indices, given floats "
                    "with a fractional part (or NaN). Round them, or pass integers.")
            ids = ids.astype("int64")
        elif ids.dtype.kind not in "iu":
            raise TypeError(f"Input of layer {self.name!r}: expected integer indices, given "
                            f"dtype {ids.dtype}.")
        if ids.size:
            low, high = int(ids.min()), int(ids.max())
            if low < 0 or high >= self.input_dim:
                bad = low if low < 0 else high
                raise ValueError(
                    f"Input of layer {self.name!r}: index {bad} is outside [0, "
                    f"{self.input_dim}) (input_dim={self.input_dim}, the number of rows of the "
                    f"embedding). Give input_dim = the largest index + 1 "
                    f"(at least {high + 1}), or map the data's indices into range.")
        return ids

    def get_config(self):
        return {**super().get_config(), "input_dim": self.input_dim,
                "output_dim": self.output_dim,
                "embeddings_initializer": initializers.serialize(self.embeddings_initializer),
                "embeddings_regularizer": regularizers.serialize(self.embeddings_regularizer),
                "embeddings_constraint": constraints.serialize(self.embeddings_constraint),
                "mask_zero": self.mask_zero,
                **({"lora_rank": self.lora_rank, "lora_alpha": self.lora_alpha}
                   if self.lora_rank else {})}


def _nested_shape(value) -> tuple:
    """The shape of nested lists (their first items' lengths): () for a number."""
    shape = []
    while isinstance(value, (list, tuple)):
        shape.append(len(value))
        value = value[0] if value else None
    return tuple(shape)


def row_sums(ids, g, rows: int):
    """The scatter-add of the gradient: out[r] = the sum of g[k] over the positions k with
    ids[k] == r (a zero row for an index never read); ids (m,) integers, g (m, dim).

    On NumPy the positions are sorted by index (a stable sort, so each row's terms keep their
    order) and each run of one index summed by ``np.add.reduceat``: the same sums as
    ``np.add.at`` term by term, without its per-element cost. Elsewhere (CuPy) ``add.at``."""
    xp = backend.xp
    out = xp.zeros((rows, g.shape[-1]), g.dtype)
    if ids.size == 0:
        return out
    if xp is not np:
        xp.add.at(out, ids, g)
        return out
    if fast_rows.scatter_add(out, ids, g):  # the same sums, compiled (fast/rows.py)
        return out
    order = np.argsort(ids, kind="stable")
    ordered = ids[order]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    out[ordered[starts]] = np.add.reduceat(g[order], starts, axis=0)
    return out


def take_rows(table: Tensor, ids) -> Tensor:
    """table[ids]: the rows of a (rows, dim) Tensor at integer ``ids`` of any shape, as
    (*ids.shape, dim); its gradient is ``row_sums`` of the output's gradient."""
    rows, dim = table.shape

    def backward(g):
        ops.accumulate(table, row_sums(ids.reshape(-1), g.reshape(-1, dim), rows))

    return ops.node(table.value[ids], (table,), backward)


__all__ = ["Embedding"]

