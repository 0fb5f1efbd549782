"""Metrics that are losses averaged over every sample seen: cross-entropies, KL divergence,
Poisson, hinges, log-cosh. Each per-sample value is the loss function's (see numnet.losses).

Keras also exports some losses from keras.metrics as functions only (huber, log_cosh,
binary_focal_crossentropy, categorical_focal_crossentropy): they are here too, for
``compile(metrics=[numnet.metrics.huber])``.
"""

from __future__ import annotations

import inspect

from .. import losses
from ..autodiff.tensor import Tensor, no_grad
from .base import MeanMetricWrapper, float_array


def _loss_as_metric(fn):
    def metric(y_true, y_pred, *args, **kwargs):
        with no_grad():
            return fn(y_true, Tensor(float_array(y_pred)), *args, **kwargs).value

    metric.__signature__ = inspect.signature(fn)  # Keras's arguments, positional too
    metric.__name__ = fn.__name__
    metric.__qualname__ = fn.__name__
    metric.__doc__ = fn.__doc__
    metric._direction = "down"  # a loss: lower is better (see MeanMetricWrapper)
    return metric


binary_crossentropy = _loss_as_metric(losses.binary_crossentropy)
categorical_crossentropy = _loss_as_metric(losses.categorical_crossentropy)
sparse_categorical_crossentropy = _loss_as_metric(losses.sparse_categorical_crossentropy)
kl_divergence = _loss_as_metric(losses.kl_divergence)
poisson = _loss_as_metric(losses.poisson)
hinge = _loss_as_metric(losses.hinge)
squared_hinge = _loss_as_metric(losses.squared_hinge)
categorical_hinge = _loss_as_metric(losses.categorical_hinge)
huber = _loss_as_metric(losses.huber)
log_cosh = _loss_as_metric(losses.log_cosh)
binary_focal_crossentropy = _loss_as_metric(losses.binary_focal_crossentropy)
categorical_focal_crossentropy = _loss_as_metric(losses.categorical_focal_crossentropy)


class BinaryCrossentropy(MeanMetricWrapper):
    """mean over samples of binary_crossentropy (numnet.losses).

    Args:
        name: the name shown in logs and in History. Defaults to ``'binary_crossentropy'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
        from_logits: whether ``y_pred`` holds logits rather than probabilities. Defaults to
            ``False``.
        label_smoothing: s in [0, 1]: the targets become y (1 − s) + s / K. Defaults to ``0.0``.
    """

    def __init__(self, name: str = "binary_crossentropy", dtype=None, from_logits: bool = False,
                 label_smoothing: float = 0.0):
        super().__init__(binary_crossentropy, name=name, dtype=dtype, from_logits=from_logits,
                         label_smoothing=label_smoothing)


class CategoricalCrossentropy(MeanMetricWrapper):
    """mean over samples of categorical_crossentropy (numnet.losses); one-hot labels.

    Args:
        name: the name shown in logs and in History. Defaults to ``'categorical_crossentropy'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
        from_logits: whether ``y_pred`` holds logits rather than probabilities. Defaults to
            ``False``.
        label_smoothing: s in [0, 1]: the targets become y (1 − s) + s / K. Defaults to ``0.0``.
        axis: the axis the values are computed along. Defaults to ``-1``.
    """

    def __init__(self, name: str = "categorical_crossentropy", dtype=None,
                 from_logits: bool = False, label_smoothing: float = 0.0, axis: int = -1):
        super().__init__(categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """mean over samples of sparse_categorical_crossentropy (numnet.losses); integer labels.

    Args:
        name: the name shown in logs and in History. Defaults to
            ``'sparse_categorical_crossentropy'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
        from_logits: whether ``y_pred`` holds logits rather than probabilities. Defaults to
            ``False``.
        ignore_class: a label whose samples give 0 (still counted in the mean, as Keras's
            metric counts them), or None. Defaults to ``None``.
        axis: the axis the values are computed along. Defaults to ``-1``.

    Example:
        >>> m = numnet.metrics.SparseCategoricalCrossentropy(ignore_class=1)
        >>> m.update_state([0, 1, 2], [[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
        >>> round(float(m.result()), 5)          # (-log 0.7 + 0 - log 0.6) / 3
        0.28917
    """

    def __init__(self, name: str = "sparse_categorical_crossentropy", dtype=None,
                 from_logits: bool = False, ignore_class: int | None = None, axis: int = -1):
        super().__init__(sparse_categorical_crossentropy, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)


class KLDivergence(MeanMetricWrapper):
    """mean over samples of sum(y_true log(y_true / y_pred)).

    Args:
        name: the name shown in logs and in History. Defaults to ``'kl_divergence'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "kl_divergence", dtype=None):
        super().__init__(kl_divergence, name=name, dtype=dtype)


class Poisson(MeanMetricWrapper):
    """mean over samples of mean(y_pred - y_true log(y_pred + 1e-7)).

    Args:
        name: the name shown in logs and in History. Defaults to ``'poisson'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "poisson", dtype=None):
        super().__init__(poisson, name=name, dtype=dtype)


class Hinge(MeanMetricWrapper):
    """mean over samples of mean(max(1 - y_true y_pred, 0)); 0/1 labels become -1/1. Args:
    name (Defaults to "hinge"), dtype.

    Args:
        name: the name shown in logs and in History. Defaults to ``'hinge'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "hinge", dtype=None):
        super().__init__(hinge, name=name, dtype=dtype)


class SquaredHinge(MeanMetricWrapper):
    """mean over samples of mean(max(1 - y_true y_pred, 0)²); 0/1 labels become -1/1. Args:
    name (Defaults to "squared_hinge"), dtype.

    Args:
        name: the name shown in logs and in History. Defaults to ``'squared_hinge'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "squared_hinge", dtype=None):
        super().__init__(squared_hinge, name=name, dtype=dtype)


class CategoricalHinge(MeanMetricWrapper):
    """mean over samples of max(neg - pos + 1, 0), with pos = sum(y_true y_pred) and
    neg = max((1 - y_true) y_pred) over the last axis; y_true one-hot.

    Example: y_true [[0, 1], [1, 0]], y_pred [[0.6, 0.4], [0.7, 0.3]] give
    (max(0.6 - 0.4 + 1, 0) + max(0.3 - 0.7 + 1, 0)) / 2 = (1.2 + 0.6) / 2 = 0.9.

    Args:
        name: the name shown in logs and in History. Defaults to ``'categorical_hinge'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, name=name, dtype=dtype)


class LogCoshError(MeanMetricWrapper):
    """mean over samples of mean(log(cosh(y_pred - y_true))) over the last axis (computed as
    e + softplus(-2e) - log 2, which does not overflow).

    Example: y_true [[0, 1]], y_pred [[1, 1]] give (log(cosh(1)) + 0) / 2 = 0.21689.

    Args:
        name: the name shown in logs and in History. Defaults to ``'logcosh'``.
        dtype: the dtype of the metric's state and result; None uses floatx. Defaults to ``None``.
    """

    def __init__(self, name: str = "logcosh", dtype=None):
        super().__init__(log_cosh, name=name, dtype=dtype)


__all__ = ["BinaryCrossentropy", "CategoricalCrossentropy", "CategoricalHinge", "Hinge",
           "KLDivergence", "LogCoshError", "Poisson", "SparseCategoricalCrossentropy",
           "SquaredHinge", "binary_crossentropy", "binary_focal_crossentropy",
           "categorical_crossentropy", "categorical_focal_crossentropy", "categorical_hinge",
           "hinge", "huber", "kl_divergence", "log_cosh", "poisson",
           "sparse_categorical_crossentropy", "squared_hinge"]
