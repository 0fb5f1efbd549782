"""Regression metrics: mean errors over every sample seen, the root mean squared error, R² and
the cosine similarity.

The per-sample functions average over the last axis, as Keras's do; the classes average those
over all samples, weighted by ``sample_weight``.
"""

from __future__ import annotations

import warnings

from .. import backend
from .base import (
    ACCUMULATOR_DTYPE,
    Mean,
    MeanMetricWrapper,
    Metric,
    broadcast_weights,
    check_axis,
    divide_no_nan,
    float_array,
    same_shape,
)


def _pair(y_true, y_pred, where: str):
    y_pred = float_array(y_pred)
    return same_shape(float_array(y_true, y_pred.dtype), y_pred, where)


# ----------------------------------------------------------------------------- functions


def mean_squared_error(y_true, y_pred):
    """mean((y_true - y_pred)^2) over the last axis.

    Args:
        y_true: the targets, an array of shape (N, ...).
        y_pred: the predictions, an array of shape (N, ...).
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_error")
    return ((y_true - y_pred) ** 2).mean(axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_true - y_pred|) over the last axis.

    Args:
        y_true: the targets, an array of shape (N, ...).
        y_pred: the predictions, an array of shape (N, ...).
    """
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_error")
    return backend.xp.abs(y_true - y_pred).mean(axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|y_true - y_pred| / max(|y_true|, 1e-7)) over the last axis.

    Args:
        y_true: the targets, an array of shape (N, ...).
        y_pred: the predictions, an array of shape (N, ...).
    """
    xp = backend.xp
    y_true, y_pred = _pair(y_true, y_pred, "mean_absolute_percentage_error")
    scale = xp.maximum(xp.abs(y_true), backend.epsilon())
    return 100.0 * (xp.abs(y_true - y_pred) / scale).mean(axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(max(y_pred, 1e-7) + 1) - log(max(y_true, 1e-7) + 1))^2) over the last axis.

    Args:
        y_true: the targets, an array of shape (N, ...).
        y_pred: the predictions, an array of shape (N, ...).
    """
    xp = backend.xp
    y_true, y_pred = _pair(y_true, y_pred, "mean_squared_logarithmic_error")
    first = xp.log(xp.maximum(y_pred, backend.epsilon()) + 1.0)
    second = xp.log(xp.maximum(y_true, backend.epsilon()) + 1.0)
    return ((first - second) ** 2).mean(axis=-1)


def cosine_similarity(y_true, y_pred, axis=-1):
    """sum(normalize(y_true) normalize(y_pred)) over ``axis``, normalize(v) = v / max(||v||,
    1e-7): the cosine of the angle between the two (the loss of the same name is its negative).
    """
    xp = backend.xp
    y_true, y_pred = _pair(y_true, y_pred, "cosine_similarity")
    axis = check_axis(axis, "cosine_similarity", y_pred.ndim)

    def normalize(v):
        return v / xp.maximum(xp.sqrt((v * v).sum(axis=axis, keepdims=True)), backend.epsilon())

    return (normalize(y_true) * normalize(y_pred)).sum(axis=axis)


# ----------------------------------------------------------------------------- classes


class MeanSquaredError(MeanMetricWrapper):
    """mean((y_true - y_pred)^2) over all samples seen.

    Args:
        name: the name shown in logs and in History. Defaults to ``'mean_squared_error'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, dtype=dtype)


class MeanAbsoluteError(MeanMetricWrapper):
    """mean(|y_true - y_pred|) over all samples seen.

    Args:
        name: the name shown in logs and in History. Defaults to ``'mean_absolute_error'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, dtype=dtype)


class MeanAbsolutePercentageError(MeanMetricWrapper):
    """100 * mean(|y_true - y_pred| / max(|y_true|, 1e-7)) over all samples seen.

    Args:
        name: the name shown in logs and in History. Defaults to
            ``'mean_absolute_percentage_error'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(MeanMetricWrapper):
    """mean((log(y_pred + 1) - log(y_true + 1))^2) over all samples seen (values below 1e-7
    clipped to 1e-7 first).

    Args:
        name: the name shown in logs and in History. Defaults to
            ``'mean_squared_logarithmic_error'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, name=name, dtype=dtype)


class RootMeanSquaredError(Mean):
    """sqrt(sum(w (y_true - y_pred)^2) / sum(w)) over all samples seen: the root of the epoch's
    mean squared error, not the mean of per-batch roots.

    Args:
        name: the name shown in logs and in History. Defaults to ``'root_mean_squared_error'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "root_mean_squared_error", dtype=None):
        super().__init__(name=name, dtype=dtype)

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _pair(y_true, y_pred, "RootMeanSquaredError")
        super().update_state((y_true - y_pred) ** 2, sample_weight)

    def result(self):
        return self._result(backend.xp.sqrt(divide_no_nan(self.total.value, self.count.value)))


class CosineSimilarity(MeanMetricWrapper):
    """mean over samples of the cosine similarity of y_true and y_pred along ``axis``:
    sum(normalize(y_true) normalize(y_pred)), normalize(v) = v / max(||v||, 1e-7). 1 when they
    point the same way, 0 when orthogonal, -1 when opposed.

    Args:
        name: Defaults to "cosine_similarity".
        dtype: the result's dtype. Defaults to floatx.
        axis: the axis (or tuple of axes) the vectors lie along. Defaults to -1.

    ``get_config`` includes ``axis`` (Keras's leaves it out, so its clones use -1).

    Example: y_true [[0, 1], [1, 1]], y_pred [[1, 0], [1, 1]] give (0 + 1) / 2 = 0.5; with
    sample_weight [0.3, 0.7], (0.3 * 0 + 0.7 * 1) / 1 = 0.7.
    """

    _direction = "up"

    def __init__(self, name: str = "cosine_similarity", dtype=None, axis=-1):
        check_axis(axis, "CosineSimilarity")
        super().__init__(cosine_similarity, name=name, dtype=dtype, axis=axis)
        self.axis = axis


_AGGREGATIONS = (None, "uniform_average", "variance_weighted_average")


class R2Score(Metric):
    """The coefficient of determination over all samples seen, per output column j:

        R²_j = 1 - sum_i w_i (y_ij - ŷ_ij)² / sum_i w_i (y_ij - ȳ_j)²,   ȳ_j = sum w y_j / sum w

    A column with zero variance and a nonzero error scores 0 (Keras's rule; with zero error
    too the score is NaN). With ``num_regressors`` p > 0 the adjusted score
    1 - (1 - R²)(n - 1)/(n - p - 1) is returned, n being the number of target *values* seen
    (samples × outputs, as Keras counts them); when n - p - 1 <= 0 it warns and returns R².

    Args:
        class_aggregation: how columns combine: "uniform_average" (their mean; the default),
            "variance_weighted_average" (weighted by each column's sum w (y - ȳ)²) or None (one
            score per column).
        num_regressors: p, the number of independent variables, for the adjusted score.
            Defaults to 0 (no adjustment).
        name: Defaults to "r2_score".
        dtype: the result's dtype. Defaults to floatx.

    The state is per column: the weight sum, the weighted mean and the weighted sum of
    squared deviations, merged batch by batch (Chan's update: no cancellation however large
    the targets' mean), and the weighted sum of squared errors.
    """

    def __init__(self, class_aggregation: str | None = "uniform_average",
                 num_regressors: int = 0, name: str = "r2_score", dtype=None):
        super().__init__(name=name, dtype=dtype)
        if class_aggregation not in _AGGREGATIONS:
            raise ValueError(
                f"R2Score(class_aggregation): expected one of {list(_AGGREGATIONS)}, given "
                f"{class_aggregation!r}."
            )
        if isinstance(num_regressors, bool) or not isinstance(num_regressors, int) \
                or num_regressors < 0:
            raise ValueError(
                f"R2Score(num_regressors): expected an integer >= 0, given {num_regressors!r}."
            )
        self.class_aggregation = class_aggregation
        self.num_regressors = num_regressors
        self.num_samples = self.add_variable((), name="num_samples", dtype=ACCUMULATOR_DTYPE)
        self._built = False

    def _build(self, num_outputs: int) -> None:
        def column(name):
            return self.add_variable((num_outputs,), name=name, dtype=ACCUMULATOR_DTYPE)

        self.count, self.mean = column("count"), column("mean")
        self.squared_deviation, self.squared_error = column("squared_deviation"), \
            column("squared_error")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        y_true, y_pred = _pair(y_true, y_pred, "R2Score")
        if y_pred.ndim == 1:
            y_true, y_pred = y_true[:, None], y_pred[:, None]
        if y_pred.ndim != 2:
            raise ValueError(
                f"R2Score: expects y of shape (samples, outputs) or (samples,); given y_pred of "
                f"shape {tuple(y_pred.shape)}."
            )
        if not self._built:
            self._build(y_pred.shape[1])
        elif self.mean.shape[0] != y_pred.shape[1]:
            raise ValueError(
                f"R2Score: this metric has seen {self.mean.shape[0]} outputs, now given "
                f"{y_pred.shape[1]}; call reset_state() or use a new R2Score."
            )
        acc = ACCUMULATOR_DTYPE
        y_true, y_pred = y_true.astype(acc), y_pred.astype(acc)
        if sample_weight is None:
            w = backend.xp.ones_like(y_true)
        else:
            w = broadcast_weights(sample_weight, y_true.shape, "R2Score").astype(acc)
        batch_count = w.sum(axis=0)
        batch_mean = divide_no_nan((w * y_true).sum(axis=0), batch_count)
        batch_m2 = (w * (y_true - batch_mean) ** 2).sum(axis=0)
        count = self.count.value
        total = count + batch_count
        delta = batch_mean - self.mean.value
        self.squared_deviation.value += batch_m2 + divide_no_nan(delta**2 * count * batch_count,
                                                                 total)
        self.mean.value += divide_no_nan(delta * batch_count, total)
        self.count.value += batch_count
        self.squared_error.value += (w * (y_true - y_pred) ** 2).sum(axis=0)
        self.num_samples.value += y_true.size

    def result(self):
        xp = backend.xp
        if not self._built:
            return self._result(0.0)
        deviation, error = self.squared_deviation.value, self.squared_error.value
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            with _errstate(xp):
                raw = 1.0 - error / deviation
        raw = xp.where(xp.isinf(raw), 0.0, raw)
        if self.class_aggregation == "uniform_average":
            score = raw.mean()
        elif self.class_aggregation == "variance_weighted_average":
            score = divide_no_nan((deviation * raw).sum(), deviation.sum())
        else:
            score = raw
        p = self.num_regressors
        if p:
            n = float(self.num_samples.value)
            if p > n - 1:
                warnings.warn("R2Score: more independent predictors (num_regressors) than "
                              "data points; returning the unadjusted R2 score.", stacklevel=2)
            elif p == n - 1:
                warnings.warn("R2Score: num_regressors = n - 1 divides by zero in the adjusted "
                              "R2 score; returning the unadjusted R2 score.", stacklevel=2)
            else:
                score = 1.0 - (1.0 - score) * (n - 1.0) / (n - p - 1.0)
        return self._result(score)

    def get_config(self) -> dict:
        return {**super().get_config(), "class_aggregation": self.class_aggregation,
                "num_regressors": self.num_regressors}


def _errstate(xp):
    errstate = getattr(xp, "errstate", None)
    if errstate is None:  # CuPy computes inf / nan silently
        import contextlib

        return contextlib.nullcontext()
    return errstate(divide="ignore", invalid="ignore")


__all__ = ["CosineSimilarity", "MeanAbsoluteError", "MeanAbsolutePercentageError",
           "MeanSquaredError", "MeanSquaredLogarithmicError", "R2Score", "RootMeanSquaredError",
           "cosine_similarity", "mean_absolute_error", "mean_absolute_percentage_error",
           "mean_squared_error", "mean_squared_logarithmic_error"]
