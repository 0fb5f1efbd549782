"""Correlation metrics: Pearson's and Lin's concordance coefficient between y_true and y_pred.

As Keras's, the functions correlate the values along ``axis`` (by default the last: the outputs
of each sample) and return one coefficient per sample; the classes average those over every
sample seen, weighted by ``sample_weight``. To correlate along the batch instead, pass
``axis=0``: one coefficient per output column of each batch, averaged over the batches.
"""

from __future__ import annotations

from .. import backend
from .base import MeanMetricWrapper, check_axis
from .regression import _pair

# ----------------------------------------------------------------------------- functions


def _centred(y, axis):
    """y - mean(y) along ``axis``, and mean(y) (both keeping the reduced axes)."""
    mean = y.mean(axis=axis, keepdims=True)
    return y - mean, mean


def pearson_correlation(y_true, y_pred, axis=-1):
    """r = cov(y_true, y_pred) / (std(y_true) std(y_pred)) along ``axis`` (population moments,
    as Keras): the mean of the product of the standardized values. NaN where either has zero
    variance, e.g. everywhere for a single output per sample along the default axis.

    Defaults: axis=-1.

    Args:
        y_true: the targets, an array of shape (N, ...).
        y_pred: the predictions, an array of shape (N, ...).
        axis: the axis the values are computed along. Defaults to ``-1``.
    """
    xp = backend.xp
    y_true, y_pred = _pair(y_true, y_pred, "pearson_correlation")
    axis = check_axis(axis, "pearson_correlation", y_pred.ndim)
    t, _ = _centred(y_true, axis)
    p, _ = _centred(y_pred, axis)
    std_t = xp.sqrt((t * t).mean(axis=axis, keepdims=True))
    std_p = xp.sqrt((p * p).mean(axis=axis, keepdims=True))
    flat = (std_t == 0) | (std_p == 0)  # 0 / 0: NaN, without a division warning
    r = ((t / xp.where(flat, 1, std_t)) * (p / xp.where(flat, 1, std_p))).mean(axis=axis,
                                                                              keepdims=True)
    return xp.where(flat, xp.nan, r).squeeze(axis=axis)


def concordance_correlation(y_true, y_pred, axis=-1):
    """Lin's concordance ccc = 2 cov(y_true, y_pred) / (var(y_true) + var(y_pred) +
    (mean(y_true) - mean(y_pred))² + 1e-7) along ``axis`` (population moments, as Keras): 1
    only when y_pred equals y_true, where Pearson's r is 1 for any y_pred = a y_true + b.

    Defaults: axis=-1.

    Args:
        y_true: the targets, an array of shape (N, ...).
        y_pred: the predictions, an array of shape (N, ...).
        axis: the axis the values are computed along. Defaults to ``-1``.
    """
    y_true, y_pred = _pair(y_true, y_pred, "concordance_correlation")
    axis = check_axis(axis, "concordance_correlation", y_pred.ndim)
    t, mean_t = _centred(y_true, axis)
    p, mean_p = _centred(y_pred, axis)
    covariance = (t * p).mean(axis=axis)
    spread = (t * t).mean(axis=axis) + (p * p).mean(axis=axis) \
        + ((mean_t - mean_p) ** 2).squeeze(axis=axis)
    return 2.0 * covariance / (spread + backend.epsilon())


# ----------------------------------------------------------------------------- classes


class PearsonCorrelation(MeanMetricWrapper):
    """mean over samples of Pearson's r between y_true and y_pred along ``axis`` (see
    pearson_correlation): from -1 (opposed) through 0 (unrelated) to 1 (on a rising line).

    Args:
        name: Defaults to "pearson_correlation".
        dtype: the result's dtype. Defaults to floatx.
        axis: the axis (or tuple of axes) to correlate along. Defaults to -1 (the outputs of
            each sample; with one output per sample use axis=0, else every r is NaN).

    Example: y_true [[1, 2, 3], [1, 2, 3]], y_pred [[2, 4, 6], [3, 2, 1]] give (1 - 1) / 2 = 0.
    """

    _direction = "up"

    def __init__(self, name: str = "pearson_correlation", dtype=None, axis=-1):
        check_axis(axis, "PearsonCorrelation")
        super().__init__(pearson_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class ConcordanceCorrelation(MeanMetricWrapper):
    """mean over samples of Lin's concordance coefficient between y_true and y_pred along
    ``axis`` (see concordance_correlation): 1 when they agree exactly, lower as they differ in
    correlation, scale or offset.

    Args:
        name: Defaults to "concordance_correlation".
        dtype: the result's dtype. Defaults to floatx.
        axis: the axis (or tuple of axes) to correlate along. Defaults to -1.

    Example: y_true [[1, 2, 3]], y_pred [[2, 3, 4]]: var 2/3 each, means 2 and 3, covariance
    2/3, so ccc = (4/3) / (2/3 + 2/3 + 1) = 4/7 = 0.5714.
    """

    _direction = "up"

    def __init__(self, name: str = "concordance_correlation", dtype=None, axis=-1):
        check_axis(axis, "ConcordanceCorrelation")
        super().__init__(concordance_correlation, name=name, dtype=dtype, axis=axis)
        self.axis = axis


__all__ = ["ConcordanceCorrelation", "PearsonCorrelation", "concordance_correlation",
           "pearson_correlation"]
