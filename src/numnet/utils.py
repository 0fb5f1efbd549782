"""Utilities Keras users reach for: to_categorical, set_random_seed, normalize."""

from __future__ import annotations

import numpy as np

from .backend import set_random_seed


def to_categorical(x, num_classes: int | None = None) -> np.ndarray:
    """One-hot encode integer labels: shape (N,) -> (N, num_classes), float32."""
    labels = np.asarray(x)
    if labels.dtype.kind == "f":
        if not np.all(np.floor(labels) == labels):
            raise ValueError("to_categorical(x): expected integer class labels, given fractions.")
    elif labels.dtype.kind not in "biu":
        raise TypeError(f"to_categorical(x): expected integer labels, given dtype {labels.dtype}.")
    labels = labels.astype(np.int64)
    if labels.ndim >= 2 and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if labels.size and labels.min() < 0:
        raise ValueError(f"to_categorical(x): labels must be >= 0, given {labels.min()}.")
    top = int(labels.max()) + 1 if labels.size else 0
    if num_classes is None:
        num_classes = top
    elif top > num_classes:
        raise ValueError(
            f"to_categorical(x, num_classes={num_classes}): label {top - 1} does not fit; "
            f"use num_classes >= {top}."
        )
    out = np.zeros(labels.shape + (num_classes,), dtype=np.float32)
    np.put_along_axis(out, labels[..., None], 1.0, axis=-1)
    return out


def normalize(x, axis: int = -1, order: int = 2) -> np.ndarray:
    """x divided by its L-order norm along ``axis`` (zero rows stay zero)."""
    x = np.asarray(x, dtype=np.float32)
    norm = np.linalg.norm(x, ord=order, axis=axis, keepdims=True)
    return x / np.where(norm == 0, 1, norm)


__all__ = ["normalize", "set_random_seed", "to_categorical"]
