"""F-scores: the harmonic mean of precision and recall, per class, over everything seen."""

from __future__ import annotations

from .. import backend
from .base import ACCUMULATOR_DTYPE, Metric, as_array, broadcast_weights, float_array, match_ranks

_AVERAGES = (None, "micro", "macro", "weighted")


class FBetaScore(Metric):
    """F-beta over everything seen, per class of (samples, classes) one-hot or multi-hot data:

        precision = TP / (TP + FP + 1e-7),   recall = TP / (TP + FN + 1e-7)
        F_beta = (1 + beta²) precision recall / (beta² precision + recall + 1e-7)

    with TP, FP, FN the weighted counts of each class accumulated over all batches (the 1e-7
    are Keras's; they change a score by less than 1e-7 / count).

    A prediction is positive when it is > ``threshold``; with ``threshold=None`` the largest
    value of each row is the prediction (values tied with it too; an all-zero row predicts
    nothing), which suits softmax outputs. Give a threshold for sigmoid outputs and for a
    single column.

    Args:
        average: None (the default: one score per class), "micro" (one score from the counts
            summed over classes), "macro" (the mean of the per-class scores) or "weighted"
            (their mean weighted by each class's support, the weighted count of its labels).
        beta: how much more recall counts than precision; > 0. Defaults to 1.0.
        threshold: in (0, 1], or None (the default: argmax, see above).
        name: Defaults to "fbeta_score".
        dtype: the result's dtype. Defaults to floatx.

    Example: y_true [[1, 1, 1], [1, 0, 0], [1, 1, 0]], y_pred [[0.2, 0.6, 0.7],
    [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], average=None, beta=2, threshold=0.5 give
    [0.3846, 0.9091, 0.8333].
    """

    def __init__(self, average: str | None = None, beta: float = 1.0,
                 threshold: float | None = None, name: str = "fbeta_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        where = type(self).__name__
        if average not in _AVERAGES:
            raise ValueError(f"{where}(average): expected one of {list(_AVERAGES)}, given "
                             f"{average!r}.")
        if isinstance(beta, bool) or not isinstance(beta, (int, float)) or not beta > 0:
            raise ValueError(f"{where}(beta): expected a number > 0, given {beta!r}.")
        if threshold is not None and (isinstance(threshold, bool)
                                      or not isinstance(threshold, (int, float))
                                      or not 0.0 < threshold <= 1.0):
            raise ValueError(f"{where}(threshold): expected a number in (0, 1] or None, given "
                             f"{threshold!r}.")
        self.average = average
        self.beta = float(beta)
        self.threshold = None if threshold is None else float(threshold)
        self.axis = None if average == "micro" else 0
        self._built = False

    def _build(self, num_classes: int) -> None:
        shape = () if self.average == "micro" else (num_classes,)
        for name in ("true_positives", "false_positives", "false_negatives",
                     "intermediate_weights"):
            setattr(self, name, self.add_variable(shape, name=name, dtype=ACCUMULATOR_DTYPE))
        self._num_classes = num_classes
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        where = type(self).__name__
        y_pred = float_array(y_pred)
        y_true, y_pred = match_ranks(as_array(y_true), y_pred)
        if y_pred.ndim != 2 or tuple(y_true.shape) != tuple(y_pred.shape):
            raise ValueError(
                f"{where}: expects y_true and y_pred of the same shape (samples, classes), "
                f"y_true one-hot or multi-hot; given y_true of shape {tuple(y_true.shape)} and "
                f"y_pred of shape {tuple(y_pred.shape)}. Integer class labels can be one-hot "
                "encoded with numnet.utils.to_categorical(y, num_classes)."
            )
        if not self._built:
            self._build(y_pred.shape[1])
        elif y_pred.shape[1] != self._num_classes:
            raise ValueError(f"{where}: this metric counts {self._num_classes} classes, now "
                             f"given {y_pred.shape[1]}; call reset_state() or use a new one.")
        if self.threshold is None:
            top = y_pred.max(axis=-1, keepdims=True)
            predicted = (y_pred >= top) & (backend.xp.abs(y_pred) > 1e-9)
        else:
            predicted = y_pred > self.threshold
        predicted = predicted.astype(ACCUMULATOR_DTYPE)
        truth = y_true.astype(ACCUMULATOR_DTYPE)
        if sample_weight is not None:
            w = broadcast_weights(sample_weight, (y_pred.shape[0], 1), where)
            predicted_w, truth_w = predicted * w, truth * w
        else:
            predicted_w, truth_w = predicted, truth
        tp = (predicted_w * truth).sum(axis=self.axis)
        self.true_positives.value += tp
        self.false_positives.value += predicted_w.sum(axis=self.axis) - tp
        self.false_negatives.value += truth_w.sum(axis=self.axis) - tp
        self.intermediate_weights.value += truth_w.sum(axis=self.axis)

    def result(self):
        if not self._built:
            return self._result(0.0)
        tp = self.true_positives.value
        eps = backend.epsilon()
        precision = tp / (tp + self.false_positives.value + eps)
        recall = tp / (tp + self.false_negatives.value + eps)
        beta2 = self.beta**2
        score = (1.0 + beta2) * precision * recall / (beta2 * precision + recall + eps)
        if self.average == "weighted":
            support = self.intermediate_weights.value
            score = (score * support / (support.sum() + eps)).sum()
        elif self.average is not None:
            score = score.mean()
        return self._result(score)

    def get_config(self) -> dict:
        return {**super().get_config(), "average": self.average, "beta": self.beta,
                "threshold": self.threshold}


class F1Score(FBetaScore):
    """F1 = 2 precision recall / (precision + recall): FBetaScore with beta = 1.

    Args:
        average: how the per-class scores are combined: None (one score per class), 'micro' (from
            the pooled counts), 'macro' (their mean) or 'weighted' (their mean weighted by each
            class's support). Defaults to ``None``.
        threshold: predictions above it count as positive; None takes the highest-scored class of
            each sample. Defaults to ``None``.
        name: the name shown in logs and in History. Defaults to ``'f1_score'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, average: str | None = None, threshold: float | None = None,
                 name: str = "f1_score", dtype=None):
        super().__init__(average=average, beta=1.0, threshold=threshold, name=name, dtype=dtype)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["beta"]
        return config


__all__ = ["F1Score", "FBetaScore"]
