"""Accuracy metrics: how often predictions match labels, as a fraction of samples.

Each is a per-sample function (1.0 for a hit, 0.0 for a miss) and a class that averages it over
every sample seen, weighted by ``sample_weight``: accuracy = sum(w hit) / sum(w).
"""

from __future__ import annotations

import operator

from .. import backend
from ..fast import kernels as fused
from .base import MeanMetricWrapper, as_array, float_array, same_shape


def _hits(condition):
    return condition.astype(backend.floatx())


def _squeeze_labels(labels, y_pred, where: str):
    """Integer labels of shape y_pred.shape[:-1] (a trailing axis of 1 dropped)."""
    if labels.ndim == y_pred.ndim and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if tuple(labels.shape) != tuple(y_pred.shape[:-1]):
        raise ValueError(
            f"{where}: y_true of shape {tuple(labels.shape)} does not fit y_pred of shape "
            f"{tuple(y_pred.shape)}; it expects integer class labels of shape "
            f"{tuple(y_pred.shape[:-1])}. For one-hot labels use the non-sparse metric, or "
            "pass y.argmax(axis=-1)."
        )
    return labels


def _one_hot(y_true, y_pred, where: str):
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            f"{where}: y_true of shape {tuple(y_true.shape)} does not fit y_pred of shape "
            f"{tuple(y_pred.shape)}; it expects one-hot labels of the same shape. For integer "
            "class labels use the sparse_ metric, or one-hot encode them with "
            "numnet.utils.to_categorical(y, num_classes)."
        )
    return y_true


# ----------------------------------------------------------------------------- functions


def accuracy(y_true, y_pred):
    """1.0 where y_pred == y_true exactly, element-wise.

    Args:
        y_true: the targets, an array of shape (N, ...).
        y_pred: the predictions, an array of shape (N, ...).
    """
    y_pred = as_array(y_pred)
    y_true, y_pred = same_shape(as_array(y_true), y_pred, "accuracy")
    return _hits(y_true == y_pred)


def binary_accuracy(y_true, y_pred, threshold: float = 0.5):
    """1.0 where (y_pred > threshold) == y_true, element-wise; labels are 0 or 1.

    Defaults: threshold=0.5 (for probabilities; use 0.0 for logits).

    Args:
        y_true: 0/1 labels, shape (N, ...) like ``y_pred``.
        y_pred: probabilities (or scores), shape (N, ...).
        threshold: predictions above it count as 1 (0.5 for probabilities; use 0.0 for logits).
            Defaults to ``0.5``.
    """
    return _hits(_binary_hits(y_true, y_pred, threshold))


def _binary_hits(y_true, y_pred, threshold: float):
    """(y_pred > threshold) == y_true, element-wise (True for a hit)."""
    y_true, y_pred = same_shape(as_array(y_true), float_array(y_pred), "binary_accuracy")
    return (y_pred > threshold).astype(y_true.dtype) == y_true


def categorical_accuracy(y_true, y_pred):
    """1.0 where argmax(y_true) == argmax(y_pred) over the last axis; y_true one-hot.

    Args:
        y_true: one-hot labels, shape (N, K).
        y_pred: the scores of the K classes, shape (N, K).
    """
    y_pred = as_array(y_pred)
    y_true = _one_hot(as_array(y_true), y_pred, "categorical_accuracy")
    return _hits(y_true.argmax(axis=-1) == y_pred.argmax(axis=-1))


def sparse_categorical_accuracy(y_true, y_pred):
    """1.0 where the integer label == argmax(y_pred); labels of shape (N,) or (N, 1).

    Args:
        y_true: integer labels, shape (N,) or (N, 1).
        y_pred: the scores of the K classes, shape (N, K).
    """
    y_pred = as_array(y_pred)
    labels = _squeeze_labels(as_array(y_true), y_pred, "sparse_categorical_accuracy")
    return _hits(labels == y_pred.argmax(axis=-1))


def sparse_top_k_categorical_accuracy(y_true, y_pred, k: int = 5, from_sorted_ids: bool = False):
    """1.0 where the integer label is among the k largest predictions.

    A label whose score ties the k-th largest counts as in the top k (rank = 1 + the number of
    strictly larger scores, hit when rank <= k), as Keras's ``in_top_k``; a NaN score never is.
    With ``from_sorted_ids=True`` y_pred holds class ids sorted by score, best first, and the
    label must be among its first k. Defaults: k=5, from_sorted_ids=False.

    Args:
        y_true: integer labels, shape (N,) or (N, 1).
        y_pred: the scores of the K classes, shape (N, K), or with ``from_sorted_ids`` class ids
            sorted by score.
        k: how many of the highest-scored classes count as a hit. Defaults to ``5``.
        from_sorted_ids: whether ``y_pred`` holds class ids sorted by score (best first) instead of
            scores. Defaults to ``False``.
    """
    xp = backend.xp
    y_pred = as_array(y_pred)
    if from_sorted_ids:
        labels = as_array(y_true)
        if labels.ndim == y_pred.ndim:
            labels = labels.reshape(labels.shape[:-1])
        return _hits((y_pred[..., :k] == labels[..., None]).any(axis=-1))
    labels = _squeeze_labels(as_array(y_true), y_pred,
                             "sparse_top_k_categorical_accuracy").astype("int64")
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= y_pred.shape[-1]):
        raise ValueError(
            f"sparse_top_k_categorical_accuracy: labels must lie in [0, {y_pred.shape[-1]}) "
            f"for y_pred with {y_pred.shape[-1]} classes; given labels from {int(labels.min())}"
            f" to {int(labels.max())}."
        )
    target = xp.take_along_axis(y_pred, labels[..., None], axis=-1)
    target = xp.where(xp.isnan(target), -xp.inf, target)
    rank = 1 + (y_pred > target).sum(axis=-1)
    return _hits(rank <= k)


def top_k_categorical_accuracy(y_true, y_pred, k: int = 5):
    """1.0 where argmax(y_true) is among the k largest predictions; y_true one-hot.

    Ties as in sparse_top_k_categorical_accuracy. Defaults: k=5.

    Args:
        y_true: one-hot labels, shape (N, K).
        y_pred: the scores of the K classes, shape (N, K).
        k: how many of the highest-scored classes count as a hit. Defaults to ``5``.
    """
    y_pred = as_array(y_pred)
    y_true = _one_hot(as_array(y_true), y_pred, "top_k_categorical_accuracy")
    return sparse_top_k_categorical_accuracy(y_true.argmax(axis=-1), y_pred, k)


# ----------------------------------------------------------------------------- classes


class Accuracy(MeanMetricWrapper):
    """How often y_pred equals y_true exactly (``accuracy``), averaged over all values.

    Example: y_true [[1], [2], [3], [4]], y_pred [[0], [2], [3], [4]] give 0.75.

    Args:
        name: the name shown in logs and in History. Defaults to ``'accuracy'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "accuracy", dtype=None):
        super().__init__(accuracy, name=name, dtype=dtype)


class BinaryAccuracy(MeanMetricWrapper):
    """How often (y_pred > threshold) matches the 0/1 label (``binary_accuracy``).

    Example: y_true [[1], [1], [0], [0]], y_pred [[0.98], [1], [0], [0.6]] give 0.75.

    Args:
        name: the name shown in logs and in History. Defaults to ``'binary_accuracy'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
        threshold: predictions above it count as 1 (0.5 for probabilities; use 0.0 for logits).
            Defaults to ``0.5``.
    """

    def __init__(self, name: str = "binary_accuracy", dtype=None, threshold: float = 0.5):
        super().__init__(binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = float_array(y_pred)
        if sample_weight is not None or y_pred.ndim != 2 or y_pred.shape[1] != 1:
            return super().update_state(y_true, y_pred, sample_weight)
        _add_hits(self, _binary_hits(y_true, y_pred, self.fn_kwargs["threshold"]))


class CategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) matches the one-hot label (``categorical_accuracy``).

    Args:
        name: the name shown in logs and in History. Defaults to ``'categorical_accuracy'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "categorical_accuracy", dtype=None):
        super().__init__(categorical_accuracy, name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = as_array(y_pred)
        if sample_weight is not None or y_pred.ndim != 2:
            return super().update_state(y_true, y_pred, sample_weight)
        y_true = _one_hot(as_array(y_true), y_pred, "categorical_accuracy")
        if not _hits_on_gpu(self, y_pred, y_true, sparse=False):
            _add_hits(self, y_true.argmax(axis=-1) == y_pred.argmax(axis=-1))


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often argmax(y_pred) equals the integer label (``sparse_categorical_accuracy``).

    Args:
        name: the name shown in logs and in History. Defaults to ``'sparse_categorical_accuracy'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "sparse_categorical_accuracy", dtype=None):
        super().__init__(sparse_categorical_accuracy, name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = as_array(y_pred)
        if sample_weight is not None or y_pred.ndim != 2:
            return super().update_state(y_true, y_pred, sample_weight)
        labels = _squeeze_labels(as_array(y_true), y_pred, "sparse_categorical_accuracy")
        if not _hits_on_gpu(self, y_pred, labels, sparse=True):
            _add_hits(self, labels == y_pred.argmax(axis=-1))


class TopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the one-hot label is among the k largest predictions.

    Args:
        k: how many of the highest-scored classes count as a hit. Defaults to ``5``.
        name: the name shown in logs and in History. Defaults to ``'top_k_categorical_accuracy'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, k: int = 5, name: str = "top_k_categorical_accuracy", dtype=None):
        super().__init__(top_k_categorical_accuracy, name=name, dtype=dtype, k=_check_k(k))
        self.k = k


class SparseTopKCategoricalAccuracy(MeanMetricWrapper):
    """How often the integer label is among the k largest predictions.

    Args:
        k: how many of the highest-scored classes count as a hit. Defaults to ``5``.
        name: the name shown in logs and in History. Defaults to
            ``'sparse_top_k_categorical_accuracy'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
        from_sorted_ids: whether ``y_pred`` holds class ids sorted by score (best first) instead of
            scores. Defaults to ``False``.
    """

    def __init__(self, k: int = 5, name: str = "sparse_top_k_categorical_accuracy", dtype=None,
                 from_sorted_ids: bool = False):
        super().__init__(sparse_top_k_categorical_accuracy, name=name, dtype=dtype,
                         k=_check_k(k), from_sorted_ids=bool(from_sorted_ids))
        self.k = k
        self.from_sorted_ids = bool(from_sorted_ids)


def _add_hits(metric: MeanMetricWrapper, hits) -> None:
    """An unweighted batch of one hit (True) or miss per sample: total += hits, count += samples,
    the sums Mean keeps."""
    metric.total.value[()] += backend.xp.count_nonzero(hits)
    metric.count.value[()] += hits.shape[0]


def _hits_on_gpu(metric: MeanMetricWrapper, y_pred, y_true, sparse: bool) -> bool:
    """_add_hits for CuPy arrays in one kernel launch (``fast/kernels_cuda.py``); False, having
    done nothing, where it does not apply."""
    gpu = fused._gpu(y_pred)
    return gpu is not None and gpu.add_hits(metric.total.value, metric.count.value, y_pred,
                                            y_true, sparse)


def _check_k(k) -> int:
    try:
        value = operator.index(k)
    except TypeError:
        value = 0
    if isinstance(k, bool) or value < 1:
        raise ValueError(f"k: expected a positive integer (how many top classes count), "
                         f"given {k!r}.")
    return value


def resolve_accuracy(name: str, y_true, y_pred) -> MeanMetricWrapper:
    """The metric Keras's ``compile`` makes of the string 'accuracy' / 'acc' for these shapes:
    binary accuracy for one output unit, sparse categorical accuracy when the labels have one
    axis fewer (or a last axis of 1) against several units, else categorical accuracy; plain
    ``Accuracy`` when no shapes are known."""
    if y_pred is None:
        return Accuracy(name=name)
    pred_shape = tuple(y_pred.shape)
    true_shape = tuple(y_true.shape) if y_true is not None else pred_shape
    if pred_shape[-1] == 1:
        return BinaryAccuracy(name=name)
    if len(true_shape) < len(pred_shape) or true_shape[-1] == 1:
        return SparseCategoricalAccuracy(name=name)
    return CategoricalAccuracy(name=name)


__all__ = ["Accuracy", "BinaryAccuracy", "CategoricalAccuracy", "SparseCategoricalAccuracy",
           "SparseTopKCategoricalAccuracy", "TopKCategoricalAccuracy", "accuracy",
           "binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy",
           "sparse_top_k_categorical_accuracy", "top_k_categorical_accuracy"]
