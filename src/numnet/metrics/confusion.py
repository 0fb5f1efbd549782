"""Metrics from confusion counts: TruePositives ... FalseNegatives, Precision, Recall, AUC, and
the best rate at a target rate (PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity,
SpecificityAtSensitivity).

For each threshold t, a prediction p counts as positive when p > t (strictly), a label as
positive when it is nonzero; every (label, prediction) pair adds its weight to one of

    TP(t) = sum w [y] [p > t]       FP(t) = sum w [not y] [p > t]
    FN(t) = sum w [y] [p <= t]      TN(t) = sum w [not y] [p <= t]

The counts add up over every batch since the last reset, so Precision, Recall and AUC are those
of the whole epoch, never a mean of per-batch values. Unless told otherwise (``class_id``,
``multi_label``) every value of a (samples, classes) array counts as one binary decision.

One pass counts all thresholds at once: each prediction falls in the bucket of how many
thresholds lie below it (a search in the sorted thresholds, or Keras's arithmetic
ceil(p (T - 1)) when they are evenly spaced on [0, 1]); a weighted histogram of the buckets,
summed from the top down, gives TP(t) and FP(t) for every t: O(N log T + T) per batch.

Why one file of about 800 lines: these metrics share one accumulator of confusion counts at
thresholds and its helpers.
"""

from __future__ import annotations

from .. import backend
from .base import (
    ACCUMULATOR_DTYPE,
    Metric,
    as_array,
    broadcast_weights,
    divide_no_nan,
    float_array,
    match_ranks,
)

NEG_INF = -1e10
"""The threshold used with ``top_k`` (every kept prediction is above it), as Keras."""


# ----------------------------------------------------------------------------- thresholds


def _check_thresholds(thresholds, where: str) -> list:
    many = hasattr(thresholds, "__len__") and not isinstance(thresholds, str)
    values = list(thresholds) if many else [thresholds]
    bad = [t for t in values if not _is_unit_number(t)]
    if bad or not values:
        raise ValueError(
            f"{where}: thresholds must be numbers in [0, 1], one or a list; given "
            f"{thresholds!r}."
        )
    return [float(t) for t in values]


def _is_unit_number(t) -> bool:
    if isinstance(t, (bool, str)) or t is None:
        return False
    try:
        return 0.0 <= float(t) <= 1.0
    except (TypeError, ValueError):
        return False


def evenly_spaced(thresholds) -> bool:
    """True for 3 or more thresholds equal (to 1e-7) to 0, 1/(T-1), ..., 1: the layout whose
    buckets Keras computes by arithmetic instead of comparisons."""
    count = len(thresholds)
    if count < 3:
        return False
    return all(abs(t - i / (count - 1)) <= 1e-7 for i, t in enumerate(thresholds))


def _as_given(thresholds):
    """The ``thresholds`` argument as a config holds it: None, a number or a list."""
    if thresholds is None:
        return None
    if hasattr(thresholds, "__len__") and not isinstance(thresholds, str):
        return [float(t) for t in thresholds]
    return float(thresholds)


def _compare_dtype(dtype: str) -> str:
    """Predictions and thresholds are compared in the metric's float type (Keras's rule)."""
    return dtype if dtype.startswith("float") else "float32"


class _Thresholds:
    """Thresholds kept sorted on the device, with the permutation back to the given order."""

    def __init__(self, values: list, evenly: bool, dtype: str):
        self.values = list(values)
        self.count = len(values)
        self.evenly = evenly
        self.with_epsilon = evenly and (values[0] < 0.0 or values[-1] > 1.0)
        order = sorted(range(self.count), key=lambda i: values[i])
        self.order = None if order == list(range(self.count)) else order
        self.inverse = None
        if self.order is not None:
            inverse = [0] * self.count
            for position, i in enumerate(order):
                inverse[i] = position
            self.inverse = backend.to_device(inverse, dtype="int64")
        self.sorted = backend.to_device(sorted(values), dtype=dtype)
        self.dtype = dtype

    def buckets(self, y_pred):
        """For each prediction, how many thresholds lie strictly below it (0 ... T). A NaN
        prediction is above none (p > t is false), as a diverging model's outputs may be."""
        xp = backend.xp
        nan = xp.isnan(y_pred)
        if self.evenly:
            p = xp.where(nan, 0.0, xp.clip(y_pred, 0.0, 1.0))
            index = xp.ceil(p * self.sorted.dtype.type(self.count - 1)).astype("int64")
            if self.with_epsilon:
                index = xp.maximum(index, 1)
        else:
            index = xp.searchsorted(self.sorted, y_pred, side="left").astype("int64")
        return xp.where(nan, 0, index)

    def unsort(self, counts):
        """Counts over sorted thresholds (first axis) put back in the given order."""
        return counts if self.inverse is None else counts[self.inverse]


def _filter_top_k(y_pred, k: int):
    """y_pred with all but the k largest of each row (ties: lower index first) set to NEG_INF."""
    xp = backend.xp
    order = xp.argsort(-y_pred, axis=-1, kind="stable")
    rank = xp.argsort(order, axis=-1, kind="stable")
    return xp.where(rank < k, y_pred, y_pred.dtype.type(NEG_INF))


def confusion_counts(y_true, y_pred, thresholds: _Thresholds, sample_weight=None, *,
                     top_k: int | None = None, class_id: int | None = None,
                     multi_label: bool = False, label_weights=None, where: str = "metric"):
    """Weighted counts over one batch, all thresholds at once.

    Returns (tp, fp, positives, negatives): tp and fp of shape (T,) — (T, C) with
    ``multi_label`` — in the thresholds' given order, and the total weight of positive and of
    negative labels, shape () or (C,). FN = positives - TP and TN = negatives - FP.
    """
    xp = backend.xp
    y_pred = float_array(y_pred, thresholds.dtype)
    y_true = as_array(y_true)
    y_pred, y_true = match_ranks(y_pred, y_true)
    if tuple(y_true.shape) != tuple(y_pred.shape):
        raise ValueError(
            f"{where}: y_true of shape {tuple(y_true.shape)} does not fit y_pred of shape "
            f"{tuple(y_pred.shape)}; it expects labels of the same shape as the predictions "
            "(0/1, or one-hot / multi-hot for several classes). Integer class labels can be "
            "one-hot encoded with numnet.utils.to_categorical(y, num_classes)."
        )
    weights = None
    if sample_weight is not None:
        weights = broadcast_weights(sample_weight, y_pred.shape, where)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim < 2 or not 0 <= class_id < y_pred.shape[-1]:
            raise ValueError(
                f"{where}: class_id={class_id} needs y_pred of shape (samples, classes) with "
                f"more than {class_id} classes; given y_pred of shape {tuple(y_pred.shape)}."
            )
        y_true = y_true[..., class_id:class_id + 1]
        y_pred = y_pred[..., class_id:class_id + 1]
        weights = None if weights is None else weights[..., class_id:class_id + 1]
    if label_weights is not None and not multi_label:
        lw = xp.broadcast_to(label_weights, y_pred.shape)
        weights = lw if weights is None else weights * lw
    positive = (y_true != 0).astype("int64")
    bucket = thresholds.buckets(y_pred)
    width = thresholds.count + 1
    if multi_label:
        if y_pred.ndim != 2:
            raise ValueError(
                f"{where}: multi_label=True expects y_pred of shape (samples, labels); given "
                f"shape {tuple(y_pred.shape)}."
            )
        labels = y_pred.shape[1]
        column = xp.arange(labels, dtype="int64")[None, :]
        key = bucket + width * (column + labels * positive)
    else:
        labels = 1
        key = bucket + width * labels * positive
    flat_weights = None if weights is None else weights.reshape(-1)
    hist = xp.bincount(key.reshape(-1), weights=flat_weights, minlength=2 * labels * width)
    hist = hist.astype(ACCUMULATOR_DTYPE, copy=False).reshape(2, labels, width)
    above = xp.cumsum(hist[..., ::-1], axis=-1)[..., ::-1][..., 1:]  # (2, labels, T)
    totals = hist.sum(axis=-1)  # (2, labels)
    negatives_above, positives_above = above[0].T, above[1].T  # (T, labels)
    if not multi_label:
        negatives_above, positives_above = negatives_above[:, 0], positives_above[:, 0]
        totals = totals[:, 0]
    return (thresholds.unsort(positives_above), thresholds.unsort(negatives_above),
            totals[1], totals[0])


# ----------------------------------------------------------------------------- counts


class _ConfusionCount(Metric):
    """One confusion count per threshold (a number for one threshold, else a vector)."""

    _kind = ""

    def __init__(self, thresholds=None, name: str | None = None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        where = type(self).__name__
        self.thresholds = _check_thresholds(0.5 if thresholds is None else thresholds, where)
        self.init_thresholds = _as_given(thresholds)
        self._sorted = _Thresholds(self.thresholds, evenly_spaced(self.thresholds),
                                   _compare_dtype(self.dtype))
        self.accumulator = self.add_variable((len(self.thresholds),), name="accumulator",
                                             dtype=ACCUMULATOR_DTYPE)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        tp, fp, positives, negatives = confusion_counts(
            y_true, y_pred, self._sorted, sample_weight, where=type(self).__name__)
        count = {"tp": tp, "fp": fp, "fn": positives - tp, "tn": negatives - fp}[self._kind]
        self.accumulator.value += count

    def result(self):
        value = self.accumulator.value
        return self._result(value[0] if len(self.thresholds) == 1 else value)

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionCount):
    """The weighted count of positives predicted positive: Σ w · y · (p > t).

    Args:
        thresholds: a prediction p counts as positive when p > threshold: one number in [0, 1] or a
            list (then the result has one value per threshold); None gives 0.5. Defaults to
            ``None``.
        name: the name shown in logs and in History. Defaults to ``None``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    _kind = "tp"


class FalsePositives(_ConfusionCount):
    """The weighted count of negatives predicted positive: Σ w · (1 − y) · (p > t).

    Args:
        thresholds: a prediction p counts as positive when p > threshold: one number in [0, 1] or a
            list (then the result has one value per threshold); None gives 0.5. Defaults to
            ``None``.
        name: the name shown in logs and in History. Defaults to ``None``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    _kind = "fp"


class TrueNegatives(_ConfusionCount):
    """The weighted count of negatives predicted negative: Σ w · (1 − y) · (p ≤ t).

    Args:
        thresholds: a prediction p counts as positive when p > threshold: one number in [0, 1] or a
            list (then the result has one value per threshold); None gives 0.5. Defaults to
            ``None``.
        name: the name shown in logs and in History. Defaults to ``None``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    _kind = "tn"


class FalseNegatives(_ConfusionCount):
    """The weighted count of positives predicted negative: Σ w · y · (p ≤ t).

    Args:
        thresholds: a prediction p counts as positive when p > threshold: one number in [0, 1] or a
            list (then the result has one value per threshold); None gives 0.5. Defaults to
            ``None``.
        name: the name shown in logs and in History. Defaults to ``None``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    _kind = "fn"


# ----------------------------------------------------------------------------- precision, recall


def _check_index(value, name: str, where: str, minimum: int):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ValueError(f"{where}({name}): expected an integer >= {minimum} or None, given "
                         f"{value!r}.")
    return value


class _PrecisionRecall(Metric):
    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        where = type(self).__name__
        self.top_k = _check_index(top_k, "top_k", where, 1)
        self.class_id = _check_index(class_id, "class_id", where, 0)
        if thresholds is None:
            self.thresholds = [0.5 if top_k is None else NEG_INF]
        else:
            self.thresholds = _check_thresholds(thresholds, where)
        self.init_thresholds = _as_given(thresholds)
        self._sorted = _Thresholds(self.thresholds, evenly_spaced(self.thresholds),
                                   _compare_dtype(self.dtype))
        count = len(self.thresholds)
        self.true_positives = self.add_variable((count,), name="true_positives",
                                                dtype=ACCUMULATOR_DTYPE)
        self._other = self.add_variable((count,), name=self._other_name,
                                        dtype=ACCUMULATOR_DTYPE)
        setattr(self, self._other_name, self._other)

    def _counts(self, y_true, y_pred, sample_weight):
        return confusion_counts(y_true, y_pred, self._sorted, sample_weight, top_k=self.top_k,
                                class_id=self.class_id, where=type(self).__name__)

    def result(self):
        tp = self.true_positives.value
        value = divide_no_nan(tp, tp + self._other.value)
        return self._result(value[0] if len(self.thresholds) == 1 else value)

    def get_config(self) -> dict:
        return {**super().get_config(), "thresholds": self.init_thresholds,
                "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionRecall):
    """precision = TP / (TP + FP) over everything seen (0 when nothing was predicted positive).

    Args:
        thresholds: a prediction p is positive when p > threshold; one number in [0, 1] or a
            list (then ``result()`` is one precision per threshold). Defaults to 0.5 (to
            NEG_INF, i.e. "every top-k prediction", with ``top_k``).
        top_k: only the k largest predictions of each sample can be positive. Defaults to None.
        class_id: look only at this column of (samples, classes) data. Defaults to None (every
            value is one binary decision).
        name: Defaults to "precision" (made unique in the session, as Keras: "precision_1").
        dtype: the result's dtype. Defaults to floatx.

    Example: y_true [0, 1, 1, 1], y_pred [1, 0, 1, 1] give 2/3.
    """

    _other_name = "false_positives"

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        tp, fp, _, _ = self._counts(y_true, y_pred, sample_weight)
        self.true_positives.value += tp
        self.false_positives.value += fp


class Recall(_PrecisionRecall):
    """recall = TP / (TP + FN) over everything seen (0 when there was no positive label).

    Example: y_true [0, 1, 1, 1], y_pred [1, 0, 1, 1] give 2/3.

    Args:
        thresholds: a prediction p counts as positive when p > threshold: one number in [0, 1] or a
            list (then the result has one value per threshold); None gives 0.5. Defaults to
            ``None``.
        top_k: only the k highest predictions of each sample can be positive, or None. Defaults to
            ``None``.
        class_id: look only at this column of (samples, classes) data, or None (every value is one
            binary decision). Defaults to ``None``.
        name: the name shown in logs and in History. Defaults to ``None``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    _other_name = "false_negatives"

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        tp, _, positives, _ = self._counts(y_true, y_pred, sample_weight)
        self.true_positives.value += tp
        self.false_negatives.value += positives - tp


# ----------------------------------------------------------------------------- AUC

_CURVES = {"roc": "ROC", "pr": "PR", "prgain": "PRGAIN"}
_SUMMATIONS = ("interpolation", "majoring", "minoring")


class AUC(Metric):
    """The area under the ROC or the precision-recall curve, from confusion counts at
    ``num_thresholds`` thresholds accumulated over everything seen.

    Thresholds: -1e-7, 1/(T-1), 2/(T-1), ..., (T-2)/(T-1), 1 + 1e-7 (or the given
    ``thresholds`` between -1e-7 and 1 + 1e-7). Points of the curve, one per threshold i:

        ROC: x_i = FP/(FP + TN) (false positive rate), y_i = TP/(TP + FN) (recall)
        PR:  x_i = recall, y_i = TP/(TP + FP) (precision)

    ``summation_method`` "interpolation" sums trapezoids, sum (x_i - x_i+1)(y_i + y_i+1)/2,
    for ROC; for PR it follows Davis & Goadrich (2006): between two thresholds TP and
    P = TP + FP move linearly, precision = TP/P, and the area of each step is integrated in
    closed form. "minoring" / "majoring" take min / max(y_i, y_i+1) as the height.

    With every distinct prediction separated by a threshold, ROC-AUC is the exact area
    (scikit-learn's roc_auc_score), and PR-AUC with "majoring" equals average precision
    (scikit-learn's average_precision_score) when no two predictions tie. The default
    PR-AUC ("interpolation") is not average precision: average precision takes the
    precision at each new recall as a step (a step function), the interpolated area follows
    TP/P along each step; the two converge as the data grow.

    Args:
        num_thresholds: T, at least 2. Defaults to 200.
        curve: "ROC" (the default), "PR" or "PRGAIN" (precision-recall gain).
        summation_method: "interpolation" (the default), "minoring" or "majoring".
        name: Defaults to "auc" (made unique in the session, as Keras: "auc_1").
        dtype: the result's dtype. Defaults to floatx.
        thresholds: thresholds in [0, 1] to use instead of ``num_thresholds`` evenly spaced
            ones. Defaults to None.
        multi_label: for (samples, labels) data, one curve per label and the mean of their
            areas (weighted by ``label_weights`` if given); else (the default, False) every
            value is one binary decision of a single curve.
        num_labels: the number of labels with ``multi_label`` (else read from the first batch).
        label_weights: a weight per label: with ``multi_label`` for averaging the areas, else
            multiplied into each value's weight. Defaults to None.
        from_logits: predictions are logits; a sigmoid is applied first. Defaults to False.
    """

    def __init__(self, num_thresholds: int = 200, curve: str = "ROC",
                 summation_method: str = "interpolation", name: str | None = None, dtype=None,
                 thresholds=None, multi_label: bool = False, num_labels: int | None = None,
                 label_weights=None, from_logits: bool = False):
        super().__init__(name=name, dtype=dtype)
        self.curve = _CURVES.get(str(curve).lower()) if isinstance(curve, str) else None
        if self.curve is None:
            raise ValueError(f"AUC(curve): expected 'ROC', 'PR' or 'PRGAIN', given {curve!r}.")
        method = str(summation_method).lower() if isinstance(summation_method, str) else None
        if method not in _SUMMATIONS:
            raise ValueError(f"AUC(summation_method): expected one of {list(_SUMMATIONS)}, "
                             f"given {summation_method!r}.")
        self.summation_method = method
        self._init_from_thresholds = thresholds is not None
        if thresholds is not None:
            inner = sorted(_check_thresholds(thresholds, "AUC"))
            self.num_thresholds = len(inner) + 2
            evenly = evenly_spaced([0.0] + inner + [1.0])
        else:
            if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) \
                    or num_thresholds <= 1:
                raise ValueError(f"AUC(num_thresholds): expected an integer > 1, given "
                                 f"{num_thresholds!r}.")
            self.num_thresholds = num_thresholds
            inner = [(i + 1) / (num_thresholds - 1) for i in range(num_thresholds - 2)]
            evenly = True
        eps = 1e-7
        self._thresholds = _Thresholds([0.0 - eps] + inner + [1.0 + eps], evenly,
                                       _compare_dtype(self.dtype))
        self.multi_label = bool(multi_label)
        if num_labels is not None and not self.multi_label:
            raise ValueError("AUC(num_labels): num_labels is needed only with multi_label=True.")
        self.num_labels = _check_index(num_labels, "num_labels", "AUC", 1)
        self.label_weights = None
        if label_weights is not None:
            self.label_weights = float_array(label_weights, ACCUMULATOR_DTYPE).reshape(-1)
            if bool((self.label_weights < 0).any()):
                raise ValueError("AUC(label_weights): weights must be non-negative; given "
                                 f"{backend.to_numpy(self.label_weights).tolist()}.")
        self.from_logits = bool(from_logits)
        self._built = False
        if not self.multi_label:
            self._build(None)
        elif self.num_labels:
            self._build(self.num_labels)

    @property
    def thresholds(self) -> list:
        """The thresholds, the two end points included."""
        return list(self._thresholds.values)

    def _build(self, labels: int | None) -> None:
        shape = (self.num_thresholds,) if labels is None else (self.num_thresholds, labels)
        if self.label_weights is not None and labels is not None \
                and self.label_weights.shape[0] != labels:
            raise ValueError(f"AUC(label_weights): {self.label_weights.shape[0]} weights for "
                             f"{labels} labels; give one weight per label.")
        for name in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, name, self.add_variable(shape, name=name, dtype=ACCUMULATOR_DTYPE))
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_pred = float_array(y_pred)
        if self.from_logits:
            y_pred = 0.5 * (1.0 + backend.xp.tanh(0.5 * y_pred))  # sigmoid without overflow
        if not self._built:
            if y_pred.ndim != 2:
                raise ValueError(f"AUC: multi_label=True expects y_pred of shape (samples, "
                                 f"labels); given shape {tuple(y_pred.shape)}.")
            self._build(y_pred.shape[1])
        label_weights = None if self.multi_label else self.label_weights
        tp, fp, positives, negatives = confusion_counts(
            y_true, y_pred, self._thresholds, sample_weight, multi_label=self.multi_label,
            label_weights=label_weights, where="AUC")
        if tp.shape != self.true_positives.shape:
            raise ValueError(f"AUC: this metric counts {self.true_positives.shape[1]} labels, "
                             f"now given {tp.shape[1]}; call reset_state() or use a new AUC.")
        self.true_positives.value += tp
        self.false_positives.value += fp
        self.false_negatives.value += positives - tp
        self.true_negatives.value += negatives - fp

    def _average(self, per_label):
        if not self.multi_label:
            return per_label
        if self.label_weights is None:
            return per_label.mean()
        return divide_no_nan((per_label * self.label_weights).sum(), self.label_weights.sum())

    def _interpolated_pr_auc(self):
        xp = backend.xp
        tp, fp, fn = (self.true_positives.value, self.false_positives.value,
                      self.false_negatives.value)
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        slope = divide_no_nan(dtp, xp.maximum(dp, 0))
        intercept = tp[1:] - slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        ratio = xp.where(both_positive, divide_no_nan(p[:-1], xp.maximum(p[1:], 0)), 1.0)
        increments = divide_no_nan(slope * (dtp + intercept * xp.log(ratio)),
                                   xp.maximum(tp[1:] + fn[1:], 0))
        return self._average(increments.sum(axis=0))

    def result(self):
        if not self._built:
            return self._result(0.0)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self._result(self._interpolated_pr_auc())
        xp = backend.xp
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, divide_no_nan(tp, tp + fp)
        else:  # precision-recall gain; (no true positive: recall gain 0, precision gain 1)
            scale = divide_no_nan(tp + fn, tn + fp)
            recall_gain = xp.maximum(xp.where(tp == 0, 0.0, 1.0 - scale *
                                              divide_no_nan(fn, tp)), 0.0)
            precision_gain = xp.where(tp == 0, 1.0, 1.0 - scale * divide_no_nan(fp, tp))
            x, y = recall_gain, precision_gain
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = xp.minimum(y[:-1], y[1:])
        else:
            heights = xp.maximum(y[:-1], y[1:])
        return self._result(self._average(((x[:-1] - x[1:]) * heights).sum(axis=0)))

    def get_config(self) -> dict:
        config = {
            **super().get_config(), "num_thresholds": self.num_thresholds, "curve": self.curve,
            "summation_method": self.summation_method, "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None
            else backend.to_numpy(self.label_weights).tolist(),
            "from_logits": self.from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config


# ----------------------------------------------------------------------------- at a target rate


class _AtTarget(Metric):
    """The best value of one rate over the thresholds where another rate reaches a target.

    The four counts are kept at ``num_thresholds`` thresholds, 0, 1/(T-1), ..., 1 (0.5 alone
    for T = 1), over everything seen; ``result`` is

        max over t with constrained(t) >= target of dependent(t)   (0 when no t qualifies)

    with recall = sensitivity = TP/(TP + FN), precision = TP/(TP + FP), specificity =
    TN/(TN + FP) (each 0 where its denominator is). A subclass names its target (``_target``,
    its first argument) and defines ``result`` with ``_best``.
    """

    _target = ""
    _direction = "up"

    def __init__(self, value, num_thresholds=200, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        where = type(self).__name__
        if not _is_unit_number(value):
            raise ValueError(f"{where}({self._target}): expected a number in [0, 1], given "
                             f"{value!r}; for example {where}({self._target}=0.8).")
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, int) \
                or num_thresholds < 1:
            raise ValueError(f"{where}(num_thresholds): expected an integer >= 1, given "
                             f"{num_thresholds!r}. Defaults to 200.")
        self.value = value
        self.num_thresholds = num_thresholds
        self.class_id = _check_index(class_id, "class_id", where, 0)
        if num_thresholds == 1:
            self.thresholds = [0.5]
        else:
            self.thresholds = [i / (num_thresholds - 1) for i in range(num_thresholds)]
        self._sorted = _Thresholds(self.thresholds, num_thresholds > 1,
                                   _compare_dtype(self.dtype))
        for count in ("true_positives", "false_positives", "true_negatives", "false_negatives"):
            setattr(self, count, self.add_variable((num_thresholds,), name=count,
                                                   dtype=ACCUMULATOR_DTYPE))

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        tp, fp, positives, negatives = confusion_counts(
            y_true, y_pred, self._sorted, sample_weight, class_id=self.class_id,
            where=type(self).__name__)
        self.true_positives.value += tp
        self.false_positives.value += fp
        self.true_negatives.value += negatives - fp
        self.false_negatives.value += positives - tp

    def _recall(self):
        tp = self.true_positives.value
        return divide_no_nan(tp, tp + self.false_negatives.value)

    def _precision(self):
        tp = self.true_positives.value
        return divide_no_nan(tp, tp + self.false_positives.value)

    def _specificity(self):
        tn = self.true_negatives.value
        return divide_no_nan(tn, tn + self.false_positives.value)

    def _best(self, constrained, dependent):
        feasible = constrained >= self.value
        return self._result(backend.xp.where(feasible, dependent, 0.0).max())

    def get_config(self) -> dict:
        return {**super().get_config(), "class_id": self.class_id,
                "num_thresholds": self.num_thresholds, self._target: self.value}


class PrecisionAtRecall(_AtTarget):
    """The best precision among the thresholds where recall >= ``recall``: max over t with
    TP/(TP + FN) >= recall of TP/(TP + FP), from the counts over everything seen (0 when no
    threshold reaches the recall).

    Args:
        recall: the recall to reach, in [0, 1].
        num_thresholds: T, the thresholds 0, 1/(T-1), ..., 1 tried (0.5 alone for T = 1).
            Defaults to 200.
        class_id: look only at this column of (samples, classes) data. Defaults to None (every
            value is one binary decision).
        name: Defaults to "precision_at_recall" (made unique in the session, as Keras).
        dtype: the result's dtype. Defaults to floatx.

    Example: y_true [0, 0, 1, 1], y_pred [0.2, 0.6, 0.4, 0.8] with recall=1: only thresholds
    below 0.4 keep both positives, and there 0.6 is a false positive: precision 2/3.
    """

    _target = "recall"

    def __init__(self, recall: float, num_thresholds: int = 200, class_id: int | None = None,
                 name: str | None = None, dtype=None):
        super().__init__(recall, num_thresholds, class_id, name, dtype)
        self.recall = recall

    def result(self):
        return self._best(self._recall(), self._precision())


class RecallAtPrecision(_AtTarget):
    """The best recall among the thresholds where precision >= ``precision``: max over t with
    TP/(TP + FP) >= precision of TP/(TP + FN), over everything seen (0 when no threshold
    reaches the precision).

    Example: y_true [0, 0, 1, 1], y_pred [0.2, 0.6, 0.4, 0.8] with precision=1: above 0.6
    only 0.8 is predicted positive, a true positive: recall 1/2.

    Args:
        precision: the precision to reach, in [0, 1].
        num_thresholds: T: the thresholds 0, 1/(T − 1), ..., 1 are tried. Defaults to ``200``.
        class_id: look only at this column of (samples, classes) data, or None (every value is one
            binary decision). Defaults to ``None``.
        name: the name shown in logs and in History. Defaults to ``None``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    _target = "precision"

    def __init__(self, precision: float, num_thresholds: int = 200,
                 class_id: int | None = None, name: str | None = None, dtype=None):
        super().__init__(precision, num_thresholds, class_id, name, dtype)
        self.precision = precision

    def result(self):
        return self._best(self._precision(), self._recall())


class SensitivityAtSpecificity(_AtTarget):
    """The best sensitivity (recall, TP/(TP + FN)) among the thresholds where specificity
    TN/(TN + FP) >= ``specificity``, over everything seen (0 when none reaches it).

    Example: y_true [0, 0, 1, 1], y_pred [0.2, 0.6, 0.4, 0.8] with specificity=1: both
    negatives below the threshold needs t >= 0.6, where only 0.8 is caught: sensitivity 1/2.

    Args:
        specificity: the specificity to reach, in [0, 1].
        num_thresholds: T: the thresholds 0, 1/(T − 1), ..., 1 are tried. Defaults to ``200``.
        class_id: look only at this column of (samples, classes) data, or None (every value is one
            binary decision). Defaults to ``None``.
        name: the name shown in logs and in History. Defaults to ``None``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    _target = "specificity"

    def __init__(self, specificity: float, num_thresholds: int = 200,
                 class_id: int | None = None, name: str | None = None, dtype=None):
        super().__init__(specificity, num_thresholds, class_id, name, dtype)
        self.specificity = specificity

    def result(self):
        return self._best(self._specificity(), self._recall())


class SpecificityAtSensitivity(_AtTarget):
    """The best specificity TN/(TN + FP) among the thresholds where sensitivity (recall)
    TP/(TP + FN) >= ``sensitivity``, over everything seen (0 when none reaches it).

    Example: y_true [0, 0, 1, 1], y_pred [0.2, 0.6, 0.4, 0.8] with sensitivity=1: catching
    both positives needs t < 0.4, where 0.2 stays negative and 0.6 does not: specificity 1/2.

    Args:
        sensitivity: the sensitivity to reach, in [0, 1].
        num_thresholds: T: the thresholds 0, 1/(T − 1), ..., 1 are tried. Defaults to ``200``.
        class_id: look only at this column of (samples, classes) data, or None (every value is one
            binary decision). Defaults to ``None``.
        name: the name shown in logs and in History. Defaults to ``None``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    _target = "sensitivity"

    def __init__(self, sensitivity: float, num_thresholds: int = 200,
                 class_id: int | None = None, name: str | None = None, dtype=None):
        super().__init__(sensitivity, num_thresholds, class_id, name, dtype)
        self.sensitivity = sensitivity

    def result(self):
        return self._best(self._recall(), self._specificity())


__all__ = ["AUC", "FalseNegatives", "FalsePositives", "Precision", "PrecisionAtRecall",
           "Recall", "RecallAtPrecision", "SensitivityAtSpecificity",
           "SpecificityAtSensitivity", "TrueNegatives", "TruePositives", "confusion_counts"]
