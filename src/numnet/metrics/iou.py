"""Intersection over union from a confusion matrix: IoU, MeanIoU, BinaryIoU, OneHotIoU,
OneHotMeanIoU (as Keras defines them).

Each (label, prediction) pair of class ids adds its weight to cm[label, prediction] of a
(num_classes, num_classes) matrix kept over every batch since the last reset. For class c,

    TP = cm[c, c],   TP + FP = sum_i cm[i, c],   TP + FN = sum_j cm[c, j],
    IoU_c = TP / (TP + FP + FN),

and the result is the mean of IoU_c over the target classes that occur (a class never seen
and never predicted, with TP + FP + FN = 0, is left out of the mean). Pairs whose label or
prediction is outside [0, num_classes), or whose label is ``ignore_class``, count for nothing.

Keras 3 keeps the matrix in integers by default (``dtype='int'``), so float sample weights are
truncated there; numnet adds weights in float64 always, as ``dtype='float32'`` does in Keras.
"""

from __future__ import annotations

from .. import backend
from .base import ACCUMULATOR_DTYPE, Metric, as_array, divide_no_nan


def _check_classes(num_classes, where: str) -> int:
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"{where}(num_classes): expected a positive integer (the number of "
                         f"classes, the confusion matrix's size), given {num_classes!r}.")
    return num_classes


def confusion_matrix(labels, predictions, num_classes: int, weights=None):
    """cm[i, j] = sum of the weights of the pairs with label i and prediction j (float64);
    pairs with a label or prediction outside [0, num_classes) are dropped."""
    xp = backend.xp
    labels = as_array(labels).reshape(-1).astype("int64")
    predictions = as_array(predictions).reshape(-1).astype("int64")
    if weights is None:
        weights = xp.ones(labels.shape, dtype=ACCUMULATOR_DTYPE)
    else:
        weights = as_array(weights).astype(ACCUMULATOR_DTYPE)
        weights = (weights.reshape(-1) if weights.size == labels.size
                   else xp.broadcast_to(weights, labels.shape))
    inside = (labels >= 0) & (labels < num_classes) & (predictions >= 0) & (
        predictions < num_classes)
    flat = labels[inside] * num_classes + predictions[inside]
    counts = xp.bincount(flat, weights=weights[inside], minlength=num_classes * num_classes)
    return counts.reshape(num_classes, num_classes)


class IoU(Metric):
    """The mean intersection over union of the classes ``target_class_ids``, from the
    confusion matrix of every batch since the last reset (see the module's formula).

    Args:
        num_classes: the number of classes (the confusion matrix is num_classes squared).
        target_class_ids: the classes whose IoUs are averaged, e.g. ``[0]`` or ``[0, 2]``.
        name: Defaults to ``'io_u'`` (made unique).
        dtype: the result's dtype. Defaults to floatx.
        ignore_class: a label id whose pairs count for nothing (a "void" class such as 255
            or -1), or None. Defaults to ``None``.
        sparse_y_true: whether labels are class ids (else one score per class, argmax over
            ``axis``). Defaults to ``True``.
        sparse_y_pred: whether predictions are class ids (else scores, argmax over ``axis``).
            Defaults to ``True``.
        axis: the class axis for the argmax. Defaults to ``-1``.

    Raises:
        ValueError: for a target class id outside [0, num_classes).

    Example:
        >>> m = numnet.metrics.IoU(num_classes=2, target_class_ids=[0])
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> float(m.result())                  # class 0: TP 1, FP 1, FN 1
        0.3333333432674408
    """

    _target = "num_classes"  # a name alone cannot build it
    _target_example = 3

    def __init__(self, num_classes: int, target_class_ids, name: str | None = None,
                 dtype=None, ignore_class: int | None = None, sparse_y_true: bool = True,
                 sparse_y_pred: bool = True, axis: int = -1):
        super().__init__(name=name, dtype=dtype)
        where = type(self).__name__
        self.num_classes = _check_classes(num_classes, where)
        try:
            ids = [int(i) for i in target_class_ids]
        except (TypeError, ValueError):
            raise ValueError(f"{where}(target_class_ids): expected a list of class ids, given "
                             f"{target_class_ids!r}.") from None
        if not ids or min(ids) < 0 or max(ids) >= num_classes:
            raise ValueError(f"{where}(target_class_ids): expected ids in [0, {num_classes}), "
                             f"given {target_class_ids!r}.")
        self.target_class_ids = ids
        self.ignore_class = ignore_class
        self.sparse_y_true, self.sparse_y_pred = bool(sparse_y_true), bool(sparse_y_pred)
        self.axis = axis
        self.total_cm = self.add_variable((num_classes, num_classes), dtype=ACCUMULATOR_DTYPE,
                                          name="total_confusion_matrix")

    def _class_ids(self, y_true, y_pred):
        y_true, y_pred = as_array(y_true), as_array(y_pred)
        if not self.sparse_y_true:
            y_true = y_true.argmax(axis=self.axis)
        if not self.sparse_y_pred:
            y_pred = y_pred.argmax(axis=self.axis)
        return y_true, y_pred

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Add the batch's (label, prediction) pairs, weighted, to the confusion matrix."""
        y_true, y_pred = self._class_ids(y_true, y_pred)
        labels = y_true.reshape(-1).astype("int64")
        predictions = y_pred.reshape(-1).astype("int64")
        if labels.shape != predictions.shape:
            raise ValueError(
                f"{type(self).__name__}.update_state: y_true has {labels.size} class ids, "
                f"y_pred {predictions.size} (shapes {tuple(y_true.shape)} and "
                f"{tuple(y_pred.shape)}); give one prediction per label.")
        xp = backend.xp
        weights = xp.ones(labels.shape, dtype=ACCUMULATOR_DTYPE)
        if sample_weight is not None:
            given = as_array(sample_weight).astype(ACCUMULATOR_DTYPE)
            if given.size != labels.size and given.ndim:  # one weight per sample
                given = given.reshape(given.shape + (1,) * (y_true.ndim - given.ndim))
                given = xp.broadcast_to(given, y_true.shape)
            weights = weights * given.reshape(-1) if given.ndim else weights * given
        if self.ignore_class is not None:
            weights = weights * (labels != self.ignore_class)
        self.total_cm.value += confusion_matrix(labels, predictions, self.num_classes, weights)

    def result(self):
        cm = self.total_cm.value
        true_positives = cm.diagonal()
        union = cm.sum(axis=0) + cm.sum(axis=1) - true_positives
        ids = backend.xp.asarray(self.target_class_ids)
        tp, union = true_positives[ids], union[ids]
        present = union > 1e-9
        iou = divide_no_nan(tp, union) * present
        return self._result(divide_no_nan(iou.sum(), present.sum()))

    def get_config(self) -> dict:
        return {**super().get_config(), "num_classes": self.num_classes,
                "target_class_ids": list(self.target_class_ids),
                "ignore_class": self.ignore_class, "sparse_y_true": self.sparse_y_true,
                "sparse_y_pred": self.sparse_y_pred, "axis": self.axis}


class MeanIoU(IoU):
    """The mean IoU over all ``num_classes`` classes (those that occur): semantic
    segmentation's usual score. Arguments as IoU's, without ``target_class_ids``.

    Args:
        num_classes: the number of classes.
        name: Defaults to ``'mean_io_u'``. dtype: Defaults to floatx.
        ignore_class: Defaults to ``None``. sparse_y_true, sparse_y_pred: Default to ``True``.
        axis: Defaults to ``-1``.

    Example:
        >>> m = numnet.metrics.MeanIoU(num_classes=2)
        >>> m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
        >>> round(float(m.result()), 4)        # (1/3 + 1/3) / 2
        0.3333
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype=None,
                 ignore_class: int | None = None, sparse_y_true: bool = True,
                 sparse_y_pred: bool = True, axis: int = -1):
        _check_classes(num_classes, type(self).__name__)
        super().__init__(num_classes, list(range(num_classes)), name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=sparse_y_true,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("target_class_ids")
        return config


class BinaryIoU(IoU):
    """IoU of a binary task: a prediction >= ``threshold`` is class 1, else class 0; the mean
    IoU of ``target_class_ids`` among {0, 1}.

    Args:
        target_class_ids: ``[0]``, ``[1]`` or ``[0, 1]``. Defaults to ``(0, 1)``.
        threshold: the score from which a prediction is class 1. Defaults to ``0.5``.
        name: Defaults to ``'binary_io_u'``. dtype: Defaults to floatx.

    Example:
        >>> m = numnet.metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
        >>> m.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7])
        >>> round(float(m.result()), 4)
        0.3333
    """

    _target = None

    def __init__(self, target_class_ids=(0, 1), threshold: float = 0.5,
                 name: str | None = None, dtype=None):
        super().__init__(2, target_class_ids, name=name, dtype=dtype)
        self.threshold = float(threshold)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        predicted = as_array(y_pred).astype("float32") >= self.threshold
        super().update_state(y_true, predicted, sample_weight)

    def get_config(self) -> dict:
        return {"name": self.name, "dtype": self.dtype,
                "target_class_ids": list(self.target_class_ids), "threshold": self.threshold}


class OneHotIoU(IoU):
    """IoU (of ``target_class_ids``) for one-hot labels and per-class scores: both turned into
    class ids by argmax over ``axis``.

    Args:
        num_classes: the number of classes. target_class_ids: the classes averaged.
        name: Defaults to ``'one_hot_io_u'``. dtype: Defaults to floatx.
        ignore_class: Defaults to ``None``.
        sparse_y_pred: whether predictions are already class ids. Defaults to ``False``.
        axis: Defaults to ``-1``.

    Example:
        >>> m = numnet.metrics.OneHotIoU(num_classes=2, target_class_ids=[1])
        >>> m.update_state([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]])
        >>> float(m.result())                   # class 1: TP 1, FP 1
        0.5
    """

    def __init__(self, num_classes: int, target_class_ids, name: str | None = None,
                 dtype=None, ignore_class: int | None = None, sparse_y_pred: bool = False,
                 axis: int = -1):
        super().__init__(num_classes, target_class_ids, name=name, dtype=dtype,
                         ignore_class=ignore_class, sparse_y_true=False,
                         sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("sparse_y_true")
        return config


class OneHotMeanIoU(MeanIoU):
    """MeanIoU for one-hot labels and per-class scores (argmax over ``axis``).

    Args:
        num_classes: the number of classes.
        name: Defaults to ``'one_hot_mean_io_u'``. dtype: Defaults to floatx.
        ignore_class: Defaults to ``None``.
        sparse_y_pred: whether predictions are already class ids. Defaults to ``False``.
        axis: Defaults to ``-1``.

    Example:
        >>> m = numnet.metrics.OneHotMeanIoU(num_classes=2)
        >>> m.update_state([[0, 1], [1, 0]], [[0.2, 0.8], [0.3, 0.7]])
        >>> float(m.result())                   # (0 + 1/2) / 2
        0.25
    """

    def __init__(self, num_classes: int, name: str | None = None, dtype=None,
                 ignore_class: int | None = None, sparse_y_pred: bool = False,
                 axis: int = -1):
        super().__init__(num_classes, name=name, dtype=dtype, ignore_class=ignore_class,
                         sparse_y_true=False, sparse_y_pred=sparse_y_pred, axis=axis)

    def get_config(self) -> dict:
        config = super().get_config()
        config.pop("sparse_y_true")
        return config


__all__ = ["BinaryIoU", "IoU", "MeanIoU", "OneHotIoU", "OneHotMeanIoU", "confusion_matrix"]
