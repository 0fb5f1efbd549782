"""Losses: per-sample functions and the classes that add a name and a reduction.

Each function ``f(y_true, y_pred)`` returns one value per sample (the mean or sum over the last
axis, as Keras). A ``Loss`` object reduces those values: by default their mean over the batch
("sum_over_batch_size"), with ``sample_weight`` multiplied in first. Targets of shape (N,) against
predictions of shape (N, 1) are matched by adding the axis, never broadcast to (N, N).

Cross-entropy from probabilities clips them to [1e-7, 1 - 1e-7] as Keras does; when the
probabilities come straight from the activation the loss assumes (a sigmoid for the binary loss,
a softmax over the class axis for the categorical ones), the loss is computed from the logits
instead (the stable path, with the fused gradient softmax(z) - y).

Targets are constants, unless y_true is a Tensor that needs a gradient (another network's
output, as in distillation): then, as in Keras, the loss is differentiated with respect to it
too, on the tape (the stable path through the logits stays; the fused nodes are for constant
targets only).

Why one file of about 1400 lines: Keras keeps its losses as one module of function / class
pairs; this file mirrors it.
"""

from __future__ import annotations

import inspect
import math
from types import FunctionType

import numpy as np

from . import backend
from ._config import Configurable, by_name
from .autodiff import ops
from .autodiff.tensor import Tensor, needs_grad
from .naming import close_matches as _close_matches

# ----------------------------------------------------------------------------- shape matching


def _labels(y_true, like: Tensor):
    """The target in the prediction's float type: a Tensor when gradients flow into it (cast
    on the tape), else an array (a constant)."""
    if needs_grad(y_true):
        return y_true if y_true.dtype == like.dtype else ops.cast(y_true, like.dtype)
    value = getattr(y_true, "value", y_true)
    value = backend.to_device(value)
    if value.dtype != like.dtype:
        value = value.astype(like.dtype)
    return value


def match_rank(y_true, y_pred: Tensor):
    """Add or drop a trailing axis of size 1 so that the ranks agree (Keras's rule)."""
    if y_true.ndim == y_pred.ndim + 1 and y_true.shape[-1] == 1:
        if y_pred.ndim == 1:
            return y_true, _reshape_keeping_logits(y_pred, y_pred.shape + (1,))
        return _reshape(y_true, y_true.shape[:-1]), y_pred
    if y_pred.ndim == y_true.ndim + 1 and y_pred.shape[-1] == 1:
        if y_true.ndim == 1:
            return _reshape(y_true, y_true.shape + (1,)), y_pred
        return y_true, _reshape_keeping_logits(y_pred, y_pred.shape[:-1])
    return y_true, y_pred


def _reshape(y, shape):
    """An array reshaped, or a Tensor reshaped on the tape."""
    return ops.reshape(y, shape) if isinstance(y, Tensor) else y.reshape(shape)


def _reshape_keeping_logits(y_pred: Tensor, shape) -> Tensor:
    """y_pred reshaped; a sigmoid's logits (element-wise) are reshaped with it."""
    out = ops.reshape(y_pred, shape)
    logits = y_pred.logits
    if isinstance(logits, ops.Logits) and logits.kind == "sigmoid":
        out.logits = ops.Logits(logits.value.reshape(shape), (logits,),
                                lambda g: ops.accumulate(logits, g.reshape(logits.shape)),
                                "sigmoid")
    return out


def _logits_of(y_pred: Tensor, kind: str, axis: int = -1):
    """The logits y_pred was computed from, if it is a ``kind`` ("softmax" over ``axis``, or
    "sigmoid") output; else None."""
    logits = y_pred.logits
    if (not isinstance(logits, ops.Logits) or logits.kind != kind
            or logits.value.shape != y_pred.value.shape):
        return None
    if kind == "softmax" and logits.axis % y_pred.ndim != axis % y_pred.ndim:
        return None
    return logits


def _same_shape(y_true, y_pred: Tensor, name: str):
    y_true, y_pred = match_rank(_labels(y_true, y_pred), y_pred)
    if tuple(y_true.shape) != y_pred.shape and _broadcast_shape(
            tuple(y_true.shape), tuple(y_pred.shape)) == tuple(y_pred.shape):
        # Keras subtracts them as they broadcast: targets (1,) against a (1, 10) output (a
        # batch of one) count for every unit
        if isinstance(y_true, Tensor):
            return ops.broadcast_to(y_true, y_pred.shape), y_pred
        return backend.xp.broadcast_to(y_true, y_pred.shape), y_pred
    if tuple(y_true.shape) != y_pred.shape:
        raise ValueError(
            f"{name}: y_true of shape {tuple(y_true.shape)} does not fit y_pred of shape "
            f"{y_pred.shape}; they must have the same shape (a trailing axis of size 1 may "
            "differ). Reshape y, or change the last layer's units."
        )
    return y_true, y_pred


# ----------------------------------------------------------------------------- regression


def mean_squared_error(y_true, y_pred):
    """mean((y_pred - y_true)^2) over the last axis.

    Args:
        y_true: the targets, an array of shape (N, ..., K) like ``y_pred`` (a trailing axis of size
            1 may differ).
        y_pred: the predictions, shape (N, ..., K): an array or a Tensor.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> y_true, y_pred = np.array([[0.0, 1.0]]), np.array([[1.0, 1.0]])
        >>> numnet.losses.mean_squared_error(y_true, y_pred).numpy()
        array([0.5], dtype=float32)
        >>> float(numnet.losses.MeanSquaredError()(y_true, y_pred))
        0.5
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "mean_squared_error")
    return ops.mean(ops.square(ops.subtract(y_pred, y_true)), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """mean(|y_pred - y_true|) over the last axis.

    Args:
        y_true: the targets, an array of shape (N, ..., K) like ``y_pred`` (a trailing axis of size
            1 may differ).
        y_pred: the predictions, shape (N, ..., K): an array or a Tensor.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> y_true, y_pred = np.array([[0.0, 1.0]]), np.array([[1.0, 3.0]])
        >>> numnet.losses.mean_absolute_error(y_true, y_pred).numpy()
        array([1.5], dtype=float32)
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "mean_absolute_error")
    return ops.mean(ops.abs(ops.subtract(y_pred, y_true)), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """100 * mean(|y_true - y_pred| / max(|y_true|, 1e-7)) over the last axis.

    Args:
        y_true: the targets, an array of shape (N, ..., K) like ``y_pred`` (a trailing axis of size
            1 may differ).
        y_pred: the predictions, shape (N, ..., K): an array or a Tensor.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> numnet.losses.mean_absolute_percentage_error(np.array([[2.0, 4.0]]),
        ...                                              np.array([[1.0, 5.0]])).numpy()
        array([37.5], dtype=float32)
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "mean_absolute_percentage_error")
    if isinstance(y_true, Tensor):
        scale = ops.maximum(ops.abs(y_true), backend.epsilon())
    else:
        scale = backend.xp.maximum(backend.xp.abs(y_true), backend.epsilon())
    diff = ops.abs(ops.divide(ops.subtract(y_true, y_pred), scale))
    return ops.multiply(ops.mean(diff, axis=-1), 100.0)


def mean_squared_logarithmic_error(y_true, y_pred):
    """mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))^2) over the last axis.

    Args:
        y_true: the targets, an array of shape (N, ..., K) like ``y_pred`` (a trailing axis of size
            1 may differ).
        y_pred: the predictions, shape (N, ..., K): an array or a Tensor.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> numnet.losses.mean_squared_logarithmic_error(np.array([[0.0, 1.0]]),
        ...                                              np.array([[1.0, 1.0]])).numpy().round(4)
        array([0.2402], dtype=float32)
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "mean_squared_logarithmic_error")
    first = ops.log(ops.add(ops.maximum(y_pred, backend.epsilon()), 1.0))
    if isinstance(y_true, Tensor):
        second = ops.log(ops.add(ops.maximum(y_true, backend.epsilon()), 1.0))
    else:
        second = backend.xp.log(backend.xp.maximum(y_true, backend.epsilon()) + 1)
    return ops.mean(ops.square(ops.subtract(first, second)), axis=-1)


def huber(y_true, y_pred, delta: float = 1.0):
    """mean(0.5 e^2 if |e| <= delta else delta (|e| - 0.5 delta)), e = y_pred - y_true.

    Args:
        y_true: the targets, an array of shape (N, ..., K) like ``y_pred`` (a trailing axis of size
            1 may differ).
        y_pred: the predictions, shape (N, ..., K): an array or a Tensor.
        delta: the error size where the loss turns from quadratic to linear. Defaults to ``1.0``.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> numnet.losses.huber(np.array([[0.0, 0.0]]), np.array([[0.5, 3.0]])).numpy()
        array([1.3125], dtype=float32)
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "huber")
    abs_error = ops.abs(ops.subtract(y_pred, y_true))
    quadratic = ops.minimum(abs_error, float(delta))
    linear = ops.subtract(abs_error, quadratic)
    per_element = ops.add(ops.multiply(ops.square(quadratic), 0.5), ops.multiply(linear, delta))
    return ops.mean(per_element, axis=-1)


def log_cosh(y_true, y_pred):
    """mean(log(cosh(y_pred - y_true))) = mean(e + softplus(-2e) - log 2), computed stably.

    Args:
        y_true: the targets, an array of shape (N, ..., K) like ``y_pred`` (a trailing axis of size
            1 may differ).
        y_pred: the predictions, shape (N, ..., K): an array or a Tensor.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> numnet.losses.log_cosh(np.array([[0.0]]), np.array([[1.0]])).numpy().round(4)
        array([0.4338], dtype=float32)
    """
    from . import activations

    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "log_cosh")
    e = ops.subtract(y_pred, y_true)
    value = ops.add(e, activations.softplus(ops.multiply(e, -2.0)))
    return ops.mean(ops.subtract(value, math.log(2.0)), axis=-1)


# ----------------------------------------------------------------------------- probabilistic


def binary_crossentropy(y_true, y_pred, from_logits: bool = False,
                        label_smoothing: float = 0.0, axis: int = -1):
    """mean over ``axis`` of -(y log p + (1 - y) log(1 - p)).

    With label_smoothing s: y <- y (1 - s) + s / 2.

    Args:
        y_true: 0/1 targets (or probabilities), shape (N, ..., K) like ``y_pred``.
        y_pred: probabilities p in [0, 1] (clipped to [1e-7, 1 - 1e-7]), or logits with
            ``from_logits=True``; shape (N, ..., K).
        from_logits: whether ``y_pred`` holds logits z (any real numbers, p = sigmoid(z)) rather
            than probabilities; computing from logits is exact where probabilities round to 0 or 1.
            Defaults to ``False``.
        label_smoothing: s in [0, 1]: the targets become y (1 - s) + s / 2. Defaults to ``0.0``.
        axis: the axis the mean is taken over. Defaults to ``-1``.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> y_true = np.array([[1.0], [0.0]])
        >>> numnet.losses.binary_crossentropy(y_true, np.array([[0.9], [0.2]])).numpy().round(4)
        array([0.1054, 0.2231], dtype=float32)
        >>> round(float(numnet.losses.BinaryCrossentropy()(y_true, np.array([[0.9], [0.2]]))), 4)
        0.1643
        >>> numnet.losses.binary_crossentropy(y_true, np.array([[2.0], [-1.0]]),
        ...                                   from_logits=True).numpy().round(4)
        array([0.1269, 0.3133], dtype=float32)
    """
    y_true, y_pred, logits = _binary_arguments(y_true, y_pred, from_logits, label_smoothing)
    if logits is not None:
        return ops.mean(_sigmoid_cross_entropy(y_true, logits), axis=axis)
    return ops.negative(ops.mean(_binary_log_likelihood(y_true, y_pred), axis=axis))


def _sigmoid_cross_entropy(y_true, logits: Tensor) -> Tensor:
    """Element-wise -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z)) = softplus(z) - y z.

    Constant targets take the fused node (d z = sigmoid(z) - y); targets that are Tensors are
    differentiated too (d y = -z), through softplus and a product on the tape.
    """
    if isinstance(y_true, Tensor):
        from . import activations

        return ops.subtract(activations.softplus(logits), ops.multiply(logits, y_true))
    return ops.sigmoid_cross_entropy(y_true, logits)


def _softmax_cross_entropy(y_true, logits: Tensor, axis: int) -> Tensor:
    """Per-sample -sum_j y_j log softmax(z)_j over ``axis``.

    Constant targets take the fused node (d z = softmax(z) sum_j y_j - y); targets that are
    Tensors are differentiated too (d y = -log softmax(z)), through log_softmax on the tape.
    """
    if isinstance(y_true, Tensor):
        log_p = ops.log_softmax(logits, axis)
        return ops.negative(ops.sum(ops.multiply(log_p, y_true), axis=axis))
    return ops.softmax_cross_entropy(y_true, logits, axis)


def _binary_log_likelihood(y_true, y_pred: Tensor) -> Tensor:
    """Element-wise y log p + (1 - y) log(1 - p), p = y_pred clipped to [1e-7, 1 - 1e-7]."""
    p = ops.clip(y_pred, backend.epsilon(), 1.0 - backend.epsilon())
    log_p = ops.log(p)
    log_not_p = ops.log(ops.subtract(1.0, p))
    return ops.add(ops.multiply(log_p, y_true), ops.multiply(log_not_p, 1.0 - y_true))


def _binary_arguments(y_true, y_pred, from_logits, label_smoothing,
                      name: str = "binary_crossentropy"):
    """(targets, y_pred as a Tensor, the logits to compute from or None) for a binary
    cross-entropy; an error when the targets do not fit y_pred's shape."""
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, name)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    logits = y_pred if from_logits else _logits_of(y_pred, "sigmoid")
    return y_true, y_pred, logits


def categorical_crossentropy(y_true, y_pred, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1):
    """-sum_j y_j log p_j over ``axis``; y one-hot (or a distribution) of the same shape as p.

    With label_smoothing s over K classes: y <- y (1 - s) + s / K.

    Args:
        y_true: one-hot targets (or distributions), shape (N, ..., K) like ``y_pred``; integer
            labels need ``sparse_categorical_crossentropy``.
        y_pred: probabilities over the K classes (normalized to sum 1 and clipped to [1e-7, 1 -
            1e-7]), or logits with ``from_logits=True``.
        from_logits: whether ``y_pred`` holds logits z (p = softmax(z)) rather than probabilities;
            computing from logits is exact where probabilities round to 0 or 1. Defaults to
            ``False``.
        label_smoothing: s in [0, 1]: the targets become y (1 - s) + s / K over K classes. Defaults
            to ``0.0``.
        axis: the class axis. Defaults to ``-1``.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> y_true, y_pred = np.array([[0.0, 1.0, 0.0]]), np.array([[0.1, 0.8, 0.1]])
        >>> numnet.losses.categorical_crossentropy(y_true, y_pred).numpy().round(4)
        array([0.2231], dtype=float32)
        >>> round(float(numnet.losses.CategoricalCrossentropy()(y_true, y_pred)), 4)
        0.2231
    """
    y_true, y_pred, logits = _categorical_arguments(y_true, y_pred, from_logits, label_smoothing,
                                                    axis)
    if logits is not None:
        return _softmax_cross_entropy(y_true, logits, axis)
    p = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
    p = ops.clip(p, backend.epsilon(), 1.0 - backend.epsilon())
    return ops.negative(ops.sum(ops.multiply(ops.log(p), y_true), axis=axis))


def _one_hot_labels(y_true, y_pred: Tensor, name: str):
    """The targets as an array of y_pred's float type; an error when they are not one-hot rows
    of y_pred's shape."""
    y_true = _labels(y_true, y_pred)
    if tuple(y_true.shape) != y_pred.shape:
        sparse = ("use sparse_categorical_crossentropy, or " if name == "categorical_crossentropy"
                  else "")
        raise ValueError(
            f"{name}: y_true of shape {tuple(y_true.shape)} does not fit "
            f"y_pred of shape {y_pred.shape}; it expects one-hot labels of the same shape. "
            f"For integer class labels {sparse}one-hot encode "
            "them with numnet.utils.to_categorical(y, num_classes)."
        )
    return y_true


def _categorical_arguments(y_true, y_pred, from_logits, label_smoothing, axis,
                           name: str = "categorical_crossentropy"):
    """(targets, y_pred as a Tensor, the logits to compute from or None) for a categorical
    cross-entropy; an error when the targets are not one-hot rows of y_pred's shape."""
    y_pred = ops.as_tensor(y_pred)
    y_true = _one_hot_labels(y_true, y_pred, name)
    if label_smoothing:
        # K is the size of the targets' last axis, whatever ``axis`` is, as in Keras and
        # TensorFlow (their categorical cross-entropies count the classes so).
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / y_pred.shape[-1]
    logits = y_pred if from_logits else _logits_of(y_pred, "softmax", axis)
    return y_true, y_pred, logits


def _categorical_crossentropy_mean(y_true, y_pred, from_logits: bool = False,
                                   label_smoothing: float = 0.0, axis: int = -1):
    """The batch mean of categorical_crossentropy as one node, or None when it is computed from
    probabilities (not logits) or the targets are differentiated."""
    y_true, _, logits = _categorical_arguments(y_true, y_pred, from_logits, label_smoothing,
                                               axis)
    if logits is None or isinstance(y_true, Tensor):
        return None
    return ops.softmax_cross_entropy_mean(y_true, logits, axis)


def _binary_crossentropy_mean(y_true, y_pred, from_logits: bool = False,
                              label_smoothing: float = 0.0, axis: int = -1):
    """The batch mean of binary_crossentropy as one node, or None when it is computed from
    probabilities (not logits), over another axis than the last, or the targets are
    differentiated."""
    y_pred = ops.as_tensor(y_pred)
    if axis % max(y_pred.ndim, 1) != max(y_pred.ndim, 1) - 1:
        return None
    y_true, _, logits = _binary_arguments(y_true, y_pred, from_logits, label_smoothing)
    if logits is None or isinstance(y_true, Tensor):
        return None
    return ops.sigmoid_cross_entropy_mean(y_true, logits)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing: bool = False,
                              alpha: float = 0.25, gamma: float = 2.0, from_logits: bool = False,
                              label_smoothing: float = 0.0, axis: int = -1):
    """mean over ``axis`` of w (1 - p_t)^gamma bce, the focal loss of Lin et al. (2017).

    bce is binary_crossentropy's element-wise term, p_t = y p + (1 - y)(1 - p) the probability
    given to the target, and w = y alpha + (1 - y)(1 - alpha) with ``apply_class_balancing``
    (else 1). With label_smoothing s: y <- y (1 - s) + s / 2. With gamma = 0 and no balancing
    it is binary_crossentropy. From logits (or a sigmoid's output) bce is log-sigmoid of the
    logits, where Keras clips sigmoid(z) to [1e-7, 1 - 1e-7]: the two differ only for |z| > 16.

    Args:
        y_true: 0/1 targets, shape (N, ..., K) like ``y_pred``.
        y_pred: probabilities, or logits with ``from_logits=True``.
        apply_class_balancing: whether to weigh positives by alpha and negatives by 1 - alpha.
            Defaults to ``False``.
        alpha: the weight of the positive class when balancing. Defaults to ``0.25``.
        gamma: the focusing exponent: larger values down-weigh well-classified samples more.
            Defaults to ``2.0``.
        from_logits: whether ``y_pred`` holds logits z (any real numbers, p = sigmoid(z)) rather
            than probabilities; computing from logits is exact where probabilities round to 0 or 1.
            Defaults to ``False``.
        label_smoothing: s in [0, 1]: the targets become y (1 - s) + s / 2. Defaults to ``0.0``.
        axis: the axis the mean is taken over. Defaults to ``-1``.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> y_true, y_pred = np.array([[1.0]]), np.array([[0.9]])
        >>> numnet.losses.binary_focal_crossentropy(y_true, y_pred).numpy().round(5)
        array([0.00105], dtype=float32)
    """
    from . import activations

    y_true, y_pred, logits = _binary_arguments(y_true, y_pred, from_logits, label_smoothing,
                                               "binary_focal_crossentropy")
    if logits is not None:
        bce = _sigmoid_cross_entropy(y_true, logits)
        p = activations.sigmoid(y_pred) if from_logits else y_pred
    else:
        bce = ops.negative(_binary_log_likelihood(y_true, y_pred))
        p = y_pred
    not_p_t = ops.add(ops.multiply(p, 1.0 - 2.0 * y_true), y_true)
    focal = ops.multiply(ops.power(not_p_t, gamma), bce)
    if apply_class_balancing:
        focal = ops.multiply(focal, y_true * alpha + (1.0 - y_true) * (1.0 - alpha))
    return ops.mean(focal, axis=axis)


def _class_weights(alpha, y_pred: Tensor, name: str):
    """``alpha`` as a float, or as an array of y_pred's float type with one weight per class
    (the last axis)."""
    if isinstance(alpha, (int, float)) and not isinstance(alpha, bool):
        return float(alpha)
    try:
        weights = backend.to_device(alpha, dtype=y_pred.dtype)
    except (TypeError, ValueError):
        weights = None
    if weights is None or weights.ndim > 1 or weights.size not in (1, y_pred.shape[-1]):
        raise ValueError(
            f"{name}(alpha): expected a float or one weight per class ({y_pred.shape[-1]} "
            f"values for y_pred of shape {y_pred.shape}), given {alpha!r}. Pass a float, or a "
            "list as long as the last axis."
        )
    return weights


def categorical_focal_crossentropy(y_true, y_pred, alpha: float = 0.25, gamma: float = 2.0,
                                   from_logits: bool = False, label_smoothing: float = 0.0,
                                   axis: int = -1):
    """-sum_j alpha_j (1 - p_j)^gamma y_j log p_j over ``axis``, the focal loss of Lin et al.

    p = y_pred / sum(y_pred) clipped to [1e-7, 1 - 1e-7]; alpha a float or one weight per class
    (along the last axis). With label_smoothing s over K classes: y <- y (1 - s) + s / K. With
    gamma = 0 and alpha = 1 it is categorical_crossentropy. From logits (or a softmax's output)
    log p is log_softmax(z), unclipped, where Keras clips softmax(z): they differ only for p
    within 1e-7 of 0 or 1.

    Args:
        y_true: one-hot targets, shape (N, ..., K) like ``y_pred``.
        y_pred: probabilities over the K classes, or logits with ``from_logits=True``.
        alpha: a weight for every class, or one weight per class (a list as long as the last axis).
            Defaults to ``0.25``.
        gamma: the focusing exponent: larger values down-weigh well-classified samples more.
            Defaults to ``2.0``.
        from_logits: whether ``y_pred`` holds logits z (p = softmax(z)) rather than probabilities;
            computing from logits is exact where probabilities round to 0 or 1. Defaults to
            ``False``.
        label_smoothing: s in [0, 1]: the targets become y (1 - s) + s / K over K classes. Defaults
            to ``0.0``.
        axis: the class axis. Defaults to ``-1``.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> y_true, y_pred = np.array([[0.0, 1.0, 0.0]]), np.array([[0.1, 0.8, 0.1]])
        >>> numnet.losses.categorical_focal_crossentropy(y_true, y_pred).numpy().round(5)
        array([0.00223], dtype=float32)
    """
    name = "categorical_focal_crossentropy"
    y_true, y_pred, logits = _categorical_arguments(y_true, y_pred, from_logits, label_smoothing,
                                                    axis, name)
    if logits is not None:
        log_p = ops.log_softmax(logits, axis)
        p = ops.exp(log_p)
    else:
        p = ops.divide(y_pred, ops.sum(y_pred, axis=axis, keepdims=True))
        p = ops.clip(p, backend.epsilon(), 1.0 - backend.epsilon())
        log_p = ops.log(p)
    weight = ops.multiply(ops.power(ops.subtract(1.0, p), gamma),
                          _class_weights(alpha, y_pred, name))
    return ops.negative(ops.sum(ops.multiply(ops.multiply(log_p, y_true), weight), axis=axis))


def _sparse_labels(y_true, y_pred: Tensor):
    """Integer labels of shape y_pred.shape[:-1] (a trailing axis of 1 dropped); an error when
    they do not fit."""
    labels = backend.to_device(getattr(y_true, "value", y_true))
    shape = y_pred.value.shape
    if labels.ndim == len(shape) and labels.shape[-1] == 1:
        labels = labels.reshape(labels.shape[:-1])
    if tuple(labels.shape) != shape[:-1]:
        raise ValueError(
            f"sparse_categorical_crossentropy: y_true of shape {tuple(labels.shape)} does not "
            f"fit y_pred of shape {y_pred.shape}; it expects integer labels of shape "
            f"{y_pred.shape[:-1]}. For one-hot labels use categorical_crossentropy, or pass "
            "y.argmax(axis=-1)."
        )
    return labels.astype("int64", copy=False)


def _classes_last(y_true, y_pred: Tensor, axis: int):
    """(labels, y_pred) with y_pred's class ``axis`` moved last (the labels' too where they keep
    it as an axis of 1), so that the rest computes along the last axis."""
    ndim = y_pred.ndim
    if not ndim or axis in (-1, ndim - 1):
        return y_true, y_pred
    if not -ndim <= axis < ndim:
        raise ValueError(f"sparse_categorical_crossentropy(axis): expected an axis of y_pred's "
                         f"{ndim} axes, given {axis}.")
    axis %= ndim
    order = (*range(axis), *range(axis + 1, ndim), axis)
    labels = backend.to_device(getattr(y_true, "value", y_true))
    if labels.ndim == ndim and labels.shape[axis] == 1:
        labels = labels.reshape(labels.shape[:axis] + labels.shape[axis + 1:])
    return labels, ops.transpose(y_pred, order)


def _check_label_range(labels, classes: int) -> None:
    """An error naming a label outside [0, classes)."""
    if labels.size and (int(labels.min()) < 0 or int(labels.max()) >= classes):
        bad = int(labels.min()) if int(labels.min()) < 0 else int(labels.max())
        raise ValueError(
            f"sparse_categorical_crossentropy: label {bad} is outside [0, "
            f"{classes - 1}] for predictions over {classes} classes. Give "
            "the last layer as many units as there are classes, or fix the labels."
        )


def _sparse_categorical_crossentropy_mean(y_true, y_pred, from_logits: bool = False,
                                          ignore_class: int | None = None, axis: int = -1):
    """The batch mean of sparse_categorical_crossentropy as one node, or None with an
    ``ignore_class`` or when it is computed from probabilities (not logits).

    Labels are range-checked only where that costs no extra pass (the fused kernel).
    """
    if ignore_class is not None:
        return None
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _classes_last(y_true, y_pred, axis)
    logits = y_pred if from_logits else _logits_of(y_pred, "softmax")
    if logits is None:
        return None
    labels = _sparse_labels(y_true, y_pred)
    try:
        return ops.sparse_softmax_cross_entropy_mean(labels, logits)
    except IndexError:
        _check_label_range(labels, y_pred.shape[-1])
        raise


def sparse_categorical_crossentropy(y_true, y_pred, from_logits: bool = False,
                                    ignore_class: int | None = None, axis: int = -1):
    """Cross-entropy of integer labels: −log p_y, p_y the probability given to the label.

    The labels are class indices, shape (N,) or (N, 1), not one-hot rows (those take
    ``categorical_crossentropy``); the predictions are K probabilities (or logits) per sample.

    Args:
        y_true: integer class labels in [0, K), shape (N,) or (N, 1).
        y_pred: probabilities over the K classes, shape (N, K) (normalized to sum 1 and clipped to
            [1e-7, 1 - 1e-7]), or logits with ``from_logits=True``.
        from_logits: whether ``y_pred`` holds logits z (p = softmax(z)) rather than probabilities;
            computing from logits is exact where probabilities round to 0 or 1. Defaults to
            ``False``.
        ignore_class: a label whose samples get loss 0 (padding, say), or None. Defaults to
            ``None``.
        axis: the class axis of ``y_pred``; ``y_true`` has ``y_pred``'s shape without it.
            Defaults to ``-1``.

    Returns:
        The per-sample losses: a Tensor of ``y_pred``'s shape without the class axis.

    Raises:
        ValueError: for a label outside [0, K) or one-hot labels.

    Example:
        >>> y_true = np.array([1, 2])
        >>> y_pred = np.array([[0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
        >>> numnet.losses.sparse_categorical_crossentropy(y_true, y_pred).numpy().round(4)
        array([0.2231, 0.5108], dtype=float32)
        >>> loss = numnet.losses.SparseCategoricalCrossentropy()     # the batch mean
        >>> round(float(loss(y_true, y_pred)), 4)
        0.367
        >>> logits = np.log(y_pred)                                # softmax(log p) = p
        >>> loss = numnet.losses.SparseCategoricalCrossentropy(from_logits=True)
        >>> round(float(loss(y_true, logits)), 4)
        0.367
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _classes_last(y_true, y_pred, axis)
    labels = _sparse_labels(y_true, y_pred)
    mask = None
    if ignore_class is not None:
        mask = labels != ignore_class
        labels = backend.xp.where(mask, labels, 0)
    _check_label_range(labels, y_pred.shape[-1])
    logits = y_pred if from_logits else _logits_of(y_pred, "softmax")
    if logits is not None:
        loss = ops.sparse_softmax_cross_entropy(labels, logits)
    else:
        p = ops.divide(y_pred, ops.sum(y_pred, axis=-1, keepdims=True))
        p = ops.clip(p, backend.epsilon(), 1.0 - backend.epsilon())
        onehot = backend.xp.eye(y_pred.shape[-1], dtype=y_pred.dtype)[labels]
        loss = ops.negative(ops.sum(ops.multiply(ops.log(p), onehot), axis=-1))
    if mask is not None:
        loss = ops.multiply(loss, mask.astype(y_pred.dtype))
    return loss


def _hinge_labels(y_true):
    xp = backend.xp
    values = getattr(y_true, "value", y_true)
    is_binary = bool(xp.all((values == 0) | (values == 1)))
    return 2.0 * y_true - 1.0 if is_binary else y_true


def hinge(y_true, y_pred):
    """mean(max(1 - y_true y_pred, 0)); labels in {0, 1} are mapped to {-1, 1}.

    Args:
        y_true: labels in {-1, 1} (or {0, 1}), shape (N, ..., K) like ``y_pred``.
        y_pred: the scores, shape (N, ..., K).

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> numnet.losses.hinge(np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]])).numpy()
        array([1.], dtype=float32)
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "hinge")
    margin = ops.subtract(1.0, ops.multiply(y_pred, _hinge_labels(y_true)))
    return ops.mean(ops.maximum(margin, 0.0), axis=-1)


def squared_hinge(y_true, y_pred):
    """mean(max(1 - y_true y_pred, 0)^2); labels in {0, 1} are mapped to {-1, 1}.

    Args:
        y_true: labels in {-1, 1} (or {0, 1}), shape (N, ..., K) like ``y_pred``.
        y_pred: the scores, shape (N, ..., K).

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> numnet.losses.squared_hinge(np.array([[1.0, 0.0]]), np.array([[0.5, 0.5]])).numpy()
        array([1.25], dtype=float32)
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "squared_hinge")
    margin = ops.subtract(1.0, ops.multiply(y_pred, _hinge_labels(y_true)))
    return ops.mean(ops.square(ops.maximum(margin, 0.0)), axis=-1)


def _max_over_last_axis(t: Tensor) -> Tensor:
    """max of ``t`` over its last axis, as a gather of the largest entries (which get the
    gradient: the first of them where several tie)."""
    xp = backend.xp
    largest = xp.argmax(t.value, axis=-1)
    return ops.getitem(t, (*xp.indices(largest.shape), largest))


def categorical_hinge(y_true, y_pred):
    """max(neg - pos + 1, 0) with pos = sum(y_true y_pred), neg = max((1 - y_true) y_pred) over

    the last axis; y_true one-hot (or in {-1, 1}) of y_pred's shape.

    Args:
        y_true: one-hot targets, shape (N, K) like ``y_pred``.
        y_pred: the scores, shape (N, K).

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> numnet.losses.categorical_hinge(np.array([[0.0, 1.0]]), np.array([[0.3, 0.6]])).numpy()
        array([0.7], dtype=float32)
    """
    y_pred = ops.as_tensor(y_pred)
    y_true = _one_hot_labels(y_true, y_pred, "categorical_hinge")
    pos = ops.sum(ops.multiply(y_pred, y_true), axis=-1)
    neg = _max_over_last_axis(ops.multiply(y_pred, 1.0 - y_true))
    return ops.maximum(ops.add(ops.subtract(neg, pos), 1.0), 0.0)


def kl_divergence(y_true, y_pred):
    """sum(y_true log(y_true / y_pred)) over the last axis, both clipped to [1e-7, 1].

    Args:
        y_true: the target distributions, shape (N, ..., K) like ``y_pred``.
        y_pred: the predicted distributions, shape (N, ..., K).

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> y_true, y_pred = np.array([[0.5, 0.5]]), np.array([[0.25, 0.75]])
        >>> numnet.losses.kl_divergence(y_true, y_pred).numpy().round(4)
        array([0.1438], dtype=float32)
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "kl_divergence")
    p = ops.clip(y_pred, backend.epsilon(), 1.0)
    if isinstance(y_true, Tensor):
        y_true = ops.clip(y_true, backend.epsilon(), 1.0)
        log_ratio = ops.subtract(ops.log(y_true), ops.log(p))
    else:
        y_true = backend.xp.clip(y_true, backend.epsilon(), 1.0)
        log_ratio = ops.subtract(backend.xp.log(y_true), ops.log(p))
    return ops.sum(ops.multiply(log_ratio, y_true), axis=-1)


def poisson(y_true, y_pred):
    """mean(y_pred - y_true log(y_pred + 1e-7)) over the last axis.

    Args:
        y_true: the observed counts, shape (N, ..., K) like ``y_pred``.
        y_pred: the predicted rates (positive), shape (N, ..., K).

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> numnet.losses.poisson(np.array([[2.0]]), np.array([[1.0]])).numpy().round(4)
        array([1.], dtype=float32)
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "poisson")
    eps = backend.epsilon()
    value = ops.subtract(y_pred, ops.multiply(ops.log(ops.add(y_pred, eps)), y_true))
    return ops.mean(value, axis=-1)


def _l2_normalize(t, axis):
    """t / max(||t||, 1e-7) along ``axis``, as Keras's normalize."""
    squares = ops.sum(ops.square(t), axis=axis, keepdims=True)
    norm = ops.sqrt(ops.maximum(squares, backend.epsilon() ** 2))
    return ops.divide(t, norm)


def cosine_similarity(y_true, y_pred, axis: int = -1):
    """-sum(normalize(y_true) * normalize(y_pred)) over ``axis`` (so that minimising aligns).

    normalize(v) = v / max(||v||, 1e-7).

    Args:
        y_true: the targets, shape (N, ..., K) like ``y_pred``.
        y_pred: the predictions, shape (N, ..., K).
        axis: the axis the similarity is computed along. Defaults to ``-1``.

    Returns:
        The per-sample losses: a Tensor of shape (N, ...), the last axis reduced.

    Example:
        >>> y_true, y_pred = np.array([[1.0, 0.0]]), np.array([[1.0, 1.0]])
        >>> numnet.losses.cosine_similarity(y_true, y_pred).numpy().round(4)
        array([-0.7071], dtype=float32)
    """
    y_pred = ops.as_tensor(y_pred)
    y_true, y_pred = _same_shape(y_true, y_pred, "cosine_similarity")
    if isinstance(y_true, Tensor):
        true_n = _l2_normalize(y_true, axis)
    else:
        true_n = _l2_normalize(Tensor(y_true), axis).value
    return ops.negative(ops.sum(ops.multiply(_l2_normalize(y_pred, axis), true_n), axis=axis))


# ----------------------------------------------------------------------------- classes

_REDUCTIONS = ("sum_over_batch_size", "sum", "none", "mean", "mean_with_sample_weight")


class Reduction:
    """tf.keras 2's names for a loss's ``reduction`` (Keras 3 takes the strings themselves):
    ``Reduction.NONE`` keeps one loss per sample, ``SUM`` adds them, ``SUM_OVER_BATCH_SIZE``
    (and ``AUTO``, its alias here) averages them.

    Example:
        >>> loss = numnet.losses.SparseCategoricalCrossentropy(
        ...     from_logits=True, reduction=numnet.losses.Reduction.NONE)
        >>> loss([1, 0], [[0.0, 2.0], [0.0, 0.0]]).shape
        (2,)
    """

    AUTO = "sum_over_batch_size"
    NONE = "none"
    SUM = "sum"
    SUM_OVER_BATCH_SIZE = "sum_over_batch_size"

    @classmethod
    def all(cls) -> tuple:
        """The reductions by name."""
        return (cls.AUTO, cls.NONE, cls.SUM, cls.SUM_OVER_BATCH_SIZE)

    @classmethod
    def validate(cls, key) -> None:
        """Raise ValueError unless ``key`` is one of them."""
        if key not in cls.all():
            raise ValueError(f"Reduction: expected one of {list(cls.all())}, given {key!r}.")


def reduce_values(values: Tensor, sample_weight=None, reduction: str = "sum_over_batch_size",
                  mask=None):
    """Weight per-sample values, then reduce them, as Keras.

    With weights w (ranks matched as Keras does): v <- v * w; then "sum": sum v;
    "sum_over_batch_size" / "mean": sum v / size(v); "mean_with_sample_weight": sum v / sum w;
    "none" / None: v itself. A boolean ``mask`` (the entries that count) joins the weights; for
    the means, kept entries are scaled by size / count, so that the mean is over them only.
    """
    w = None
    if sample_weight is not None:
        w = backend.to_device(getattr(sample_weight, "value", sample_weight)).astype(values.dtype)
        values, w = _match_rank_of_weights(values, w)
    if mask is not None:
        m = backend.to_device(mask).astype(values.dtype).reshape(values.shape)
        if reduction in ("sum_over_batch_size", "mean"):
            kept = float(m.sum())
            m = m * (m.size / kept if kept else 0.0)
        w = m if w is None else w * m
    if reduction in ("none", None) or values.ndim == 0:
        return values if w is None else ops.multiply(values, w)
    if reduction == "sum":
        scale = 1.0
    elif reduction == "mean_with_sample_weight" and w is not None:
        total_weight = float(w.sum())
        scale = 1.0 / total_weight if total_weight else 0.0
    else:
        scale = 1.0 / values.size if values.size else 0.0
    return ops.weighted_sum(values, w, scale)


def _broadcast_shape(a: tuple, b: tuple) -> tuple | None:
    """The shape ``a`` and ``b`` broadcast to, or None where they do not (shapes only)."""
    a, b = (1,) * (len(b) - len(a)) + a, (1,) * (len(a) - len(b)) + b
    if any(x != y and 1 not in (x, y) for x, y in zip(a, b)):
        return None
    return tuple(y if x == 1 else x for x, y in zip(a, b))


def _match_rank_of_weights(values: Tensor, w):
    """Keras's rule for ranks that differ by one where the longer ends in 1: a rank-1 side gains
    a trailing axis, else the longer loses it. Weights of still lower rank gain trailing axes."""
    if w.ndim == values.ndim + 1 and w.shape[-1] == 1:
        if values.ndim == 1:
            values = ops.reshape(values, values.shape + (1,))
        else:
            w = w.reshape(w.shape[:-1])
    elif values.ndim == w.ndim + 1 and values.shape[-1] == 1:
        if w.ndim == 1:
            w = w.reshape(w.shape + (1,))
        else:
            values = ops.reshape(values, values.shape[:-1])
    while 0 < w.ndim < values.ndim:
        w = w.reshape(w.shape + (1,))
    if w.ndim > values.ndim:
        # Keras multiplies them as they broadcast: a scalar loss (Dice's) by (batch,)
        shape = _broadcast_shape(tuple(values.shape), tuple(w.shape))
        if shape is not None:
            return ops.broadcast_to(values, shape), w
        raise ValueError(
            f"sample_weight of shape {tuple(w.shape)} has more axes than the loss's values "
            f"{tuple(values.shape)} (the loss averages its last axis away): give one weight "
            "per value of the loss, shape (batch,) here.")
    return values, w


class Loss(Configurable):
    """Base class of the losses: ``call`` gives per-sample values, ``__call__`` reduces them.

    Subclass it and override ``call(self, y_true, y_pred)`` to return one value per sample
    (shape (N,) or (N, ...)); ``loss(y_true, y_pred, sample_weight=None)`` then weights and
    reduces them, as every built-in loss does.

    Args:
        name: the name shown in logs; None (the default) gives the class name in snake case.
        reduction: how the per-sample values are combined: 'sum_over_batch_size' (the mean over the
            batch), 'sum', 'mean', 'mean_with_sample_weight' or 'none' / None (no reduction).
            Defaults to ``'sum_over_batch_size'``.
        dtype: the dtype the loss computes in; None (the default) uses floatx.

    Raises:
        ValueError: for an unknown ``reduction``.

    Example:
        >>> class MeanFourth(numnet.losses.Loss):
        ...     def call(self, y_true, y_pred):
        ...         return numnet.ops.mean((y_pred - y_true) ** 4, axis=-1)
        >>> float(MeanFourth()(np.array([[0.0], [0.0]]), np.array([[1.0], [2.0]])))
        8.5
    """

    def __init__(self, name: str | None = None, reduction: str = "sum_over_batch_size",
                 dtype=None):
        if reduction not in _REDUCTIONS and reduction is not None:
            raise ValueError(
                f"{type(self).__name__}(reduction): expected one of {list(_REDUCTIONS)} or None, "
                f"given {reduction!r}."
            )
        self.name = name or _snake(type(self).__name__)
        self.reduction = reduction
        self.dtype = dtype

    def __call__(self, y_true, y_pred, sample_weight=None) -> Tensor:
        if _is_structure(y_true) or _is_structure(y_pred):
            # lists / tuples / dicts of arrays (a subclass comparing several feature maps,
            # GauGAN's FeatureMatchingLoss): each leaf converted, the structures handed to
            # call as they are, as Keras's Loss.__call__ maps over them
            values = self.call(_structure_leaves(y_true, self._leaf_target),
                               _structure_leaves(y_pred, self._leaf_prediction))
            return reduce_values(ops.as_tensor(values), sample_weight, self.reduction)
        y_true, y_pred = self._check_arguments(y_true, y_pred)
        values = self.call(y_true, y_pred)
        return reduce_values(values, sample_weight, self.reduction, self.mask(y_true, values))

    def _leaf_prediction(self, value) -> Tensor:
        return self._in_loss_dtype(value if isinstance(value, Tensor)
                                   else ops.as_tensor(backend.to_device(value)))

    @staticmethod
    def _leaf_target(value):
        return value if needs_grad(value) else backend.to_device(getattr(value, "value", value))

    def reduced(self, y_true, y_pred: Tensor, sample_weight=None) -> Tensor:
        """The reduced loss without the checks of ``__call__`` (of the arguments, and of the
        labels' range where that costs a pass): for the training loop, whose data was checked
        once before the first step. A subclass that overrides ``__call__`` itself (Keras's
        compile calls the loss object, so its ``__call__`` is the loss) is called as it is."""
        if type(self).__call__ is not Loss.__call__:
            return self(y_true, y_pred, sample_weight)
        y_pred = self._in_loss_dtype(y_pred)
        values = self.call(y_true, y_pred)
        return reduce_values(values, sample_weight, self.reduction, self.mask(y_true, values))

    def _in_loss_dtype(self, y_pred: Tensor) -> Tensor:
        """16-bit float predictions (a mixed precision model's) cast to the loss's dtype (its
        ``dtype``, else floatx): losses compute in float32, as Keras 3's do."""
        dtype = y_pred.value.dtype
        if dtype.itemsize < 4 and backend.is_float_dtype(dtype):
            target = self.dtype or backend.floatx()
            if dtype != target:
                return ops.cast(y_pred, target)
        return y_pred

    def _check_arguments(self, y_true, y_pred):
        """Numeric arrays with a batch axis; integer predictions become floats, 16-bit ones the
        loss's dtype. Targets that gradients flow into stay Tensors (Keras differentiates the
        loss with respect to them too); other targets become arrays."""
        if not isinstance(y_pred, Tensor):
            y_pred = backend.to_device(y_pred)
            if y_pred.dtype.kind in "biu":
                y_pred = y_pred.astype(backend.floatx())
        y_pred = self._in_loss_dtype(ops.as_tensor(y_pred))
        true_value = getattr(y_true, "value", y_true)
        true_value = backend.to_device(true_value)
        for name, value in (("y_true", true_value), ("y_pred", y_pred.value)):
            if value.dtype.kind not in "biuf":
                raise TypeError(f"{self.name}({name}): expected numbers, given an array of dtype "
                                f"{value.dtype}. Convert it with .astype('float32').")
        if true_value.ndim == 0 and y_pred.ndim == 0:
            raise ValueError(f"{self.name}: expected arrays with a batch axis, given two "
                             f"scalars. Pass one value per sample, shape (N, ...).")
        # a scalar on one side broadcasts against the other's samples, as Keras's losses
        # subtract it (hinge(1.0, scores): every score's target is 1)
        if true_value.ndim and y_pred.ndim and len(true_value) != len(y_pred.value):
            raise ValueError(f"{self.name}: y_true has {len(true_value)} samples but y_pred has "
                             f"{len(y_pred.value)}; pass one target per prediction.")
        if y_pred.ndim >= 2 and y_pred.shape[-1] == 0:
            raise ValueError(f"{self.name}(y_pred): expected at least one output per sample, "
                             f"given shape {y_pred.shape}.")
        if needs_grad(y_true):
            return y_true, y_pred
        if true_value.dtype.kind == "b":
            true_value = true_value.astype(backend.floatx())
        return true_value, y_pred

    def call(self, y_true, y_pred) -> Tensor:
        """The per-sample losses; a subclass defines it.

        Args:
            y_true: the targets, (N, ...).
            y_pred: the predictions, a Tensor (N, ...).

        Returns:
            A Tensor of one value per sample, (N,) or (N, ...), before the reduction.
        """
        raise NotImplementedError

    def mask(self, y_true, values: Tensor):
        """Which per-sample values count (a boolean array like ``values``), or None for all."""
        return None

    def get_config(self) -> dict:
        return {"name": self.name, "reduction": self.reduction}


def _is_structure(value) -> bool:
    return isinstance(value, (list, tuple, dict))


def _structure_leaves(value, convert):
    """The structure with each leaf converted (lists stay lists, tuples tuples)."""
    if isinstance(value, dict):
        return {key: _structure_leaves(item, convert) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_structure_leaves(item, convert) for item in value)
    return convert(value)


def _snake(name):
    import re

    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


class LossFunctionWrapper(Loss):
    """A per-sample loss function with fixed keyword arguments, as a Loss object.

    Args:
        fn: a function ``fn(y_true, y_pred, **kwargs)`` that returns one value per sample.
        reduction: as for Loss. Defaults to ``'sum_over_batch_size'``.
        name: the name shown in logs; None (the default) uses the function's name.
        dtype: the dtype the loss computes in; None (the default) uses floatx.
        **kwargs: fixed keyword arguments passed to ``fn`` on every call.

    Example:
        >>> def scaled_mse(y_true, y_pred, scale=1.0):
        ...     return scale * numnet.ops.mean((y_pred - y_true) ** 2, axis=-1)
        >>> loss = numnet.losses.LossFunctionWrapper(scaled_mse, scale=2.0)
        >>> float(loss(np.array([[0.0]]), np.array([[1.0]])))
        2.0
    """

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name or getattr(fn, "__name__", "loss"), reduction=reduction,
                         dtype=dtype)
        self.fn = fn
        self.fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        if hasattr(y_true, "ndim") and hasattr(y_pred, "ndim"):
            # as Keras: a (n,) target meets a (n, 1) prediction as (n, 1), before the function
            y_true, y_pred = match_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self.fn_kwargs)

    def reduced(self, y_true, y_pred: Tensor, sample_weight=None) -> Tensor:
        """As ``Loss.reduced``; an unweighted batch mean of a softmax cross-entropy from logits
        is one fused node."""
        if type(self).__call__ is not Loss.__call__:
            return self(y_true, y_pred, sample_weight)
        y_pred = self._in_loss_dtype(y_pred)
        if sample_weight is None and self.reduction in ("sum_over_batch_size", "mean"):
            batch_mean = _BATCH_MEANS.get(self.fn) if isinstance(self.fn, FunctionType) else None
            if batch_mean is not None:
                value = batch_mean(y_true, y_pred, **self.fn_kwargs)
                if value is not None:
                    return value
        return super().reduced(y_true, y_pred, sample_weight)

    def get_config(self):
        return {**super().get_config(), **self.fn_kwargs}


_CLASS_ARGS = {
    "from_logits": "whether ``y_pred`` holds logits z (p = sigmoid(z) or softmax(z)) rather "
                   "than probabilities; from logits the loss is exact where probabilities round "
                   "to 0 or 1.",
    "label_smoothing": "s in [0, 1]: each target y becomes y (1 - s) + s / K, K the number of "
                       "classes (2 for the binary losses).",
    "axis": "the axis the loss is computed along (the class axis).",
    "ignore_class": "a label whose samples count for nothing (padding, say), or None.",
    "delta": "the error size where the loss turns from quadratic to linear.",
    "apply_class_balancing": "whether to weigh positives by alpha and negatives by 1 - alpha.",
    "alpha": "the class weight: a float, or (categorical) one weight per class.",
    "gamma": "the focusing exponent: larger values down-weigh well-classified samples more.",
}


def _class_doc(fn, params, default_name) -> str:
    """A loss class's docstring: the function's formula, the arguments and the example."""
    doc = inspect.getdoc(fn) or ""
    summary = doc.splitlines()[0] if doc else ""
    example = doc.partition("\nExample:\n")[2]
    args = "".join(f"    {p}: {_CLASS_ARGS[p]} Defaults to ``{d!r}``.\n" for p, d in params)
    return (
        f"{summary}\n\n"
        f"The loss object of :func:`{fn.__name__}`: ``loss(y_true, y_pred, sample_weight=None)`` "
        "computes it for each sample, weights the values by ``sample_weight`` (one weight per "
        "sample, or None) and reduces them to a scalar Tensor.\n\n"
        f"Args:\n{args}"
        "    reduction: how the values are combined: 'sum_over_batch_size' (the mean over the "
        "batch, the default), 'sum', 'mean_with_sample_weight' (the weighted mean) or "
        "'none' / None (the per-sample values).\n"
        f"    name: the name shown in logs. Defaults to ``{default_name!r}``.\n"
        "    dtype: the dtype the loss computes in; None (the default) uses floatx.\n"
        + (f"\nExample:\n{example}\n" if example else ""))


def _loss_class(class_name, fn, default_name, params=(), order=None):
    """A Loss class named ``class_name`` around ``fn`` with keyword ``params`` (name, default).

    ``order`` is the positional order of the arguments, Keras's: by default ``params`` then
    ``reduction``, ``name``, ``dtype``."""
    names = [p for p, _ in params]
    order = list(order or [*names, "reduction", "name", "dtype"])
    defaults = {**dict(params), "reduction": "sum_over_batch_size", "name": default_name,
                "dtype": None}

    def __init__(self, *args, **kwargs):
        if len(args) > len(order):
            raise TypeError(f"{class_name}() takes at most {len(order)} positional arguments "
                            f"({', '.join(order)}), given {len(args)}.")
        for key in kwargs:
            if key not in defaults:
                close = _close_matches(key, order, n=1)
                hint = f" Did you mean {close[0]!r}?" if close else ""
                raise TypeError(f"{class_name}() got an unexpected keyword argument {key!r}.{hint}")
        for key in order[:len(args)]:
            if key in kwargs:
                raise TypeError(f"{class_name}() got multiple values for argument {key!r}.")
        values = {**defaults, **dict(zip(order, args, strict=False)), **kwargs}
        reduction, name, dtype = values.pop("reduction"), values.pop("name"), values.pop("dtype")
        LossFunctionWrapper.__init__(self, fn, reduction=reduction, name=name, dtype=dtype,
                                     **values)
        for key, value in values.items():
            setattr(self, key, value)

    def from_config(cls, config):
        return cls(**config)

    __init__.__signature__ = inspect.Signature(
        [inspect.Parameter("self", inspect.Parameter.POSITIONAL_OR_KEYWORD)]
        + [inspect.Parameter(p, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=defaults[p])
           for p in order])
    doc = _class_doc(fn, [(p, defaults[p]) for p in order if p in dict(params)], default_name)
    return type(class_name, (LossFunctionWrapper,), {
        "__init__": __init__, "__doc__": doc, "from_config": classmethod(from_config),
        "__module__": __name__,
    })


MeanSquaredError = _loss_class("MeanSquaredError", mean_squared_error, "mean_squared_error")
MeanAbsoluteError = _loss_class("MeanAbsoluteError", mean_absolute_error, "mean_absolute_error")
MeanAbsolutePercentageError = _loss_class(
    "MeanAbsolutePercentageError", mean_absolute_percentage_error,
    "mean_absolute_percentage_error")
MeanSquaredLogarithmicError = _loss_class(
    "MeanSquaredLogarithmicError", mean_squared_logarithmic_error,
    "mean_squared_logarithmic_error")
Huber = _loss_class("Huber", huber, "huber_loss", (("delta", 1.0),))
LogCosh = _loss_class("LogCosh", log_cosh, "log_cosh")
BinaryCrossentropy = _loss_class(
    "BinaryCrossentropy", binary_crossentropy, "binary_crossentropy",
    (("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)))
CategoricalCrossentropy = _loss_class(
    "CategoricalCrossentropy", categorical_crossentropy, "categorical_crossentropy",
    (("from_logits", False), ("label_smoothing", 0.0), ("axis", -1)))
SparseCategoricalCrossentropy = _loss_class(
    "SparseCategoricalCrossentropy", sparse_categorical_crossentropy,
    "sparse_categorical_crossentropy",
    (("from_logits", False), ("ignore_class", None), ("axis", -1)),
    order=("from_logits", "ignore_class", "reduction", "axis", "name", "dtype"))
BinaryFocalCrossentropy = _loss_class(
    "BinaryFocalCrossentropy", binary_focal_crossentropy, "binary_focal_crossentropy",
    (("apply_class_balancing", False), ("alpha", 0.25), ("gamma", 2.0), ("from_logits", False),
     ("label_smoothing", 0.0), ("axis", -1)))
CategoricalFocalCrossentropy = _loss_class(
    "CategoricalFocalCrossentropy", categorical_focal_crossentropy,
    "categorical_focal_crossentropy",
    (("alpha", 0.25), ("gamma", 2.0), ("from_logits", False), ("label_smoothing", 0.0),
     ("axis", -1)))


def _valid_labels(self, y_true, values):
    """With ``ignore_class``, the mean is over the other labels only (Keras's masking)."""
    if self.ignore_class is None:
        return None
    labels = backend.to_device(getattr(y_true, "value", y_true))
    return labels.reshape(values.shape) != self.ignore_class


def _sparse_config(self) -> dict:
    """Keras's config (no ``axis`` unless it is not the default -1, which Keras drops)."""
    config = LossFunctionWrapper.get_config(self)
    if config.get("axis") == -1:
        config.pop("axis")
    return config


SparseCategoricalCrossentropy.mask = _valid_labels
SparseCategoricalCrossentropy.get_config = _sparse_config
Hinge = _loss_class("Hinge", hinge, "hinge")
SquaredHinge = _loss_class("SquaredHinge", squared_hinge, "squared_hinge")
CategoricalHinge = _loss_class("CategoricalHinge", categorical_hinge, "categorical_hinge")
KLDivergence = _loss_class("KLDivergence", kl_divergence, "kl_divergence")
Poisson = _loss_class("Poisson", poisson, "poisson")
CosineSimilarity = _loss_class("CosineSimilarity", cosine_similarity, "cosine_similarity",
                               (("axis", -1),))

# Keras's short names.
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error
kld = KLD = kullback_leibler_divergence = kl_divergence
logcosh = log_cosh

_FUNCTIONS = {
    "mean_squared_error": mean_squared_error, "mse": mean_squared_error,
    "mean_absolute_error": mean_absolute_error, "mae": mean_absolute_error,
    "mean_absolute_percentage_error": mean_absolute_percentage_error,
    "mape": mean_absolute_percentage_error,
    "mean_squared_logarithmic_error": mean_squared_logarithmic_error,
    "msle": mean_squared_logarithmic_error,
    "huber": huber, "huber_loss": huber, "log_cosh": log_cosh, "logcosh": log_cosh,
    "binary_crossentropy": binary_crossentropy, "bce": binary_crossentropy,
    "categorical_crossentropy": categorical_crossentropy,
    "sparse_categorical_crossentropy": sparse_categorical_crossentropy,
    "binary_focal_crossentropy": binary_focal_crossentropy,
    "categorical_focal_crossentropy": categorical_focal_crossentropy,
    "hinge": hinge, "squared_hinge": squared_hinge, "categorical_hinge": categorical_hinge,
    "kl_divergence": kl_divergence, "kld": kl_divergence,
    "kullback_leibler_divergence": kl_divergence,
    "poisson": poisson, "cosine_similarity": cosine_similarity,
}
_BATCH_MEANS = {
    binary_crossentropy: _binary_crossentropy_mean,
    categorical_crossentropy: _categorical_crossentropy_mean,
    sparse_categorical_crossentropy: _sparse_categorical_crossentropy_mean,
}
_CLASSES = {cls.__name__: cls for cls in (
    MeanSquaredError, MeanAbsoluteError, MeanAbsolutePercentageError,
    MeanSquaredLogarithmicError, Huber, LogCosh, BinaryCrossentropy, CategoricalCrossentropy,
    SparseCategoricalCrossentropy, BinaryFocalCrossentropy, CategoricalFocalCrossentropy, Hinge,
    SquaredHinge, CategoricalHinge, KLDivergence, Poisson, CosineSimilarity)}
_CLASS_OF_FUNCTION = {
    mean_squared_error: MeanSquaredError, mean_absolute_error: MeanAbsoluteError,
    mean_absolute_percentage_error: MeanAbsolutePercentageError,
    mean_squared_logarithmic_error: MeanSquaredLogarithmicError, huber: Huber,
    log_cosh: LogCosh, binary_crossentropy: BinaryCrossentropy,
    categorical_crossentropy: CategoricalCrossentropy,
    sparse_categorical_crossentropy: SparseCategoricalCrossentropy,
    binary_focal_crossentropy: BinaryFocalCrossentropy,
    categorical_focal_crossentropy: CategoricalFocalCrossentropy, hinge: Hinge,
    squared_hinge: SquaredHinge, categorical_hinge: CategoricalHinge, kl_divergence: KLDivergence,
    poisson: Poisson, cosine_similarity: CosineSimilarity,
}


def get(identifier):
    """Keras's ``keras.losses.get``: the loss a name, config or object stands for.

    Args:
        identifier: a loss function's name ('mse', 'sparse_categorical_crossentropy'), a class
            name ('MeanSquaredError'), a config dict as ``serialize`` gives, a function or a
            Loss object, or None.

    Returns:
        For a function's name, the function (per-sample values, no reduction:
        ``get("mse")(y_true, y_pred)`` has one value a sample); for a class name or a config,
        a new Loss object; a function or Loss object itself; None for None.

    Raises:
        ValueError: for an unknown name, with the closest names.
        TypeError: for anything else.

    Example:
        >>> numnet.losses.get("mse").__name__
        'mean_squared_error'
        >>> type(numnet.losses.get("Huber")).__name__
        'Huber'
    """
    if identifier is None or isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        fn = _FUNCTIONS.get(identifier)
        if fn is None and identifier not in _CLASSES:
            fn = _FUNCTIONS.get(identifier.lower())  # ("BCE", as Keras reads it)
        if fn is not None:
            return fn
    elif callable(identifier) and not isinstance(identifier, type):
        return identifier
    return loss_object(identifier)


def loss_object(identifier) -> Loss:
    """A Loss object from a name ('mse'), a class name, a loss function or a Loss: how
    ``compile(loss=...)`` reads its argument.

    Args:
        identifier: a loss name ('mse', 'sparse_categorical_crossentropy'), a class name
            ('MeanSquaredError'), a loss function, a Loss class or object, or a config dict as
            ``serialize`` gives.

    Returns:
        A Loss object (a function of numnet's own gives its Loss class; any other function
        ``f(y_true, y_pred)`` is wrapped in a LossFunctionWrapper).

    Raises:
        ValueError: for an unknown name, with the closest names.
        TypeError: for anything else.

    Example:
        >>> type(numnet.losses.loss_object("mse")).__name__
        'MeanSquaredError'
    """
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, str):
        fn = _FUNCTIONS.get(identifier) or _FUNCTIONS.get(identifier.lower())
        if fn is not None:
            loss = _CLASS_OF_FUNCTION[fn]()
            loss.name = identifier
            return loss
        if identifier in _CLASSES:
            return _CLASSES[identifier]()
        candidates = list(_FUNCTIONS) + list(_CLASSES)
        close = _close_matches(identifier, candidates, n=3)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(
            f"compile(loss): unknown loss {identifier!r}; expected one of "
            f"{sorted(_FUNCTIONS)} or a Loss object.{hint}"
        )
    if isinstance(identifier, dict):
        return loss_object(deserialize(identifier))
    if isinstance(identifier, type) and issubclass(identifier, Loss):
        return identifier()
    if identifier in _CLASS_OF_FUNCTION:
        loss = _CLASS_OF_FUNCTION[identifier]()
        loss.name = identifier.__name__
        return loss
    if callable(identifier):
        return LossFunctionWrapper(identifier)
    raise TypeError(
        f"compile(loss): expected a loss name, a Loss object or a function "
        f"f(y_true, y_pred), given {type(identifier).__name__} {identifier!r}."
    )


def serialize(loss: Loss) -> dict:
    """Returns the config dict of a loss, as Keras's ``serialize``.

    Args:
        loss: a Loss object.

    Returns:
        ``{"class_name": ..., "config": ...}``, which ``deserialize`` turns back into the loss.
    """
    return {"class_name": type(loss).__name__, "config": loss.get_config()}


def deserialize(name, custom_objects: dict | None = None):
    """The loss that ``serialize`` described, as Keras's ``deserialize``.

    ``{"class_name": "BinaryFocalCrossentropy", "config": {...}}`` gives that Loss (other keys,
    such as Keras's "module", are ignored); ``{"class_name": "function", "config": name}`` or a
    function's name ("categorical_hinge", "mse") gives the function itself; a class name gives
    an instance with the defaults. Names are looked up in ``custom_objects``, then among the
    objects registered with numnet.saving, then among numnet's losses.

    Args:
        name: a dict as ``serialize`` gives, a ``{'class_name': 'function', 'config': name}``
            dict, or a loss's name (Keras's argument name; the config is called ``config``
            below).
        custom_objects: ``{name: class or function}`` looked up first, or None. Defaults to
            ``None``.

    Raises:
        ValueError: for an unknown class name.
        TypeError: for a config of another form.

    Example:
        >>> numnet.losses.deserialize({"class_name": "Huber", "config": {"delta": 2.0}}).delta
        2.0
    """
    from .registry import get_registered_object

    config = name

    if config is None:
        return None
    if isinstance(config, str):
        found = get_registered_object(config, custom_objects)
        if found is None:
            found = _FUNCTIONS.get(config) or _FUNCTIONS.get(config.lower()) or by_name(
                "losses.deserialize(config)", config, {**_FUNCTIONS, **_CLASSES})
        return found() if isinstance(found, type) else found
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise TypeError(
            f"losses.deserialize(config): expected a loss name or a dict with a 'class_name' "
            f"(as losses.serialize gives), given {type(config).__name__} {config!r}."
        )
    if config["class_name"] == "function":
        name = config.get("config")
        if not isinstance(name, str):
            raise TypeError(f"losses.deserialize(config): a function is named by a string in "
                            f"'config', given {name!r}.")
        return deserialize(name, custom_objects)
    name = config["class_name"]
    cls = get_registered_object(name, custom_objects) or _CLASSES.get(name)
    if cls is None:
        close = _close_matches(name, list(_CLASSES), n=3)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(
            f"losses.deserialize(config): unknown class_name {name!r}; expected one of "
            f"{sorted(_CLASSES)}, or a custom class passed as custom_objects={{{name!r}: ...}}."
            f"{hint}"
        )
    if not isinstance(cls, type):
        raise TypeError(f"losses.deserialize(config): {name!r} names {cls!r}, which is not a "
                        "class; name a function with {'class_name': 'function', 'config': name}.")
    return cls.from_config(dict(config.get("config") or {}))


def kind_of(loss) -> str | None:
    """'binary', 'categorical', 'sparse' for the cross-entropies (focal ones included), else
    None."""
    fn = getattr(loss, "fn", loss)
    return {binary_crossentropy: "binary", categorical_crossentropy: "categorical",
            sparse_categorical_crossentropy: "sparse", binary_focal_crossentropy: "binary",
            categorical_focal_crossentropy: "categorical"}.get(fn)


def validate_targets(loss: Loss, y, output_shape) -> None:
    """Check once, before training, that the labels fit the loss; a clear error if not.

    ``y`` is the whole target array (NumPy), ``output_shape`` the model's output shape.
    """
    kind = kind_of(loss)
    y = np.asarray(y)
    n_out = output_shape[-1] if output_shape else None
    if kind == "sparse":
        labels = y.reshape(y.shape[:-1]) if y.ndim >= 2 and y.shape[-1] == 1 else y
        if labels.ndim == len(output_shape) and n_out and labels.shape[-1] == n_out and n_out > 1:
            raise ValueError(
                f"{loss.name}: y has shape {y.shape}, which looks like one-hot labels, but "
                "this loss expects integer class labels of shape (N,). Use "
                "loss='categorical_crossentropy', or pass y.argmax(axis=-1)."
            )
        if labels.size and not _is_integral(labels):
            raise ValueError(
                f"{loss.name}: expected integer class labels, given values such as "
                f"{_non_integral_example(labels)!r}. Pass class indices 0..K-1."
            )
        if labels.size and n_out:
            low, high = labels.min(), labels.max()
            ignore = getattr(loss, "ignore_class", None)
            if low < 0 and low != ignore or high >= n_out and high != ignore:
                bad = low if low < 0 else high
                raise ValueError(
                    f"{loss.name}: label {int(bad)} is outside [0, {n_out - 1}]: the model "
                    f"outputs {n_out} classes. Give the last layer as many units as there are "
                    "classes (max label + 1), or fix the labels."
                )
    elif kind == "categorical":
        if y.ndim < len(output_shape) or (n_out and y.shape[-1] != n_out):
            if (y.ndim == 1 or y.shape[-1] == 1) and _is_integral(y):
                raise ValueError(
                    f"{loss.name}: y has shape {y.shape} with integer labels, but this loss "
                    f"expects one-hot labels of shape (N, {n_out}). Use "
                    "loss='sparse_categorical_crossentropy', or one-hot encode y with "
                    f"numnet.utils.to_categorical(y, {n_out})."
                )
            raise ValueError(
                f"{loss.name}: y has shape {y.shape}, expected one-hot labels of shape "
                f"(N, {n_out}) to match the model's output {tuple(output_shape)}."
            )
    elif y.ndim >= 1 and output_shape and _numnet_loss(loss):
        # (a loss the user wrote gets y as given, as in Keras: its shape is its own business)
        expected = tuple(output_shape[1:])
        given = tuple(y.shape[1:])

        def fits(a, b):  # (None in the output's shape: an axis of any length)
            return len(a) == len(b) and all(e is None or g == e for g, e in zip(a, b))

        # (batch,) targets against a (batch, units) output: Keras subtracts them as they
        # broadcast, which a batch of one allows (its EarlyStopping example fits with
        # batch_size=1); the loss itself refuses the other batch sizes, naming both shapes
        per_batch = y.ndim == 1 and len(expected) == 1
        if not (per_batch or fits(given, expected) or fits(given + (1,), expected)
                or fits(given, expected + (1,))):
            raise ValueError(
                f"{loss.name}: y has shape {y.shape}, which does not fit the model's output "
                f"shape {tuple(output_shape)}; expected (N,{' ' if expected else ''}"
                f"{', '.join(str(d) for d in expected)}). Reshape y, or change the last "
                "layer's units."
            )


def _numnet_loss(loss) -> bool:
    """Whether ``loss`` is one of numnet's (a class or function of this module)."""
    target = getattr(loss, "fn", None) if type(loss) is LossFunctionWrapper else loss
    target = target if callable(target) and not isinstance(target, Loss) else type(target)
    return getattr(target, "__module__", "") == __name__


def _is_integral(a) -> bool:
    if a.dtype.kind in "biu":
        return True
    if a.dtype.kind != "f":
        return False
    return bool(np.all(np.floor(a) == a))


def _non_integral_example(a):
    flat = a.reshape(-1)
    if a.dtype.kind == "f":
        bad = flat[np.floor(flat) != flat]
        return float(bad[0]) if bad.size else None
    return flat[0].item() if flat.size else None


__all__ = [
    "BinaryCrossentropy", "BinaryFocalCrossentropy", "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy", "CategoricalHinge", "CosineSimilarity", "Hinge", "Huber",
    "KLD", "KLDivergence", "LogCosh", "Loss", "LossFunctionWrapper", "MAE", "MAPE", "MSE", "MSLE",
    "MeanAbsoluteError", "MeanAbsolutePercentageError", "MeanSquaredError",
    "MeanSquaredLogarithmicError", "Poisson", "SparseCategoricalCrossentropy", "SquaredHinge",
    "binary_crossentropy", "binary_focal_crossentropy", "categorical_crossentropy",
    "categorical_focal_crossentropy", "categorical_hinge", "cosine_similarity", "deserialize",
    "get", "hinge", "huber", "kl_divergence", "kld", "kullback_leibler_divergence", "log_cosh",
    "logcosh", "loss_object", "mae", "mape", "mean_absolute_error",
    "mean_absolute_percentage_error", "mean_squared_error", "mean_squared_logarithmic_error",
    "mse", "msle", "poisson",
    "serialize", "sparse_categorical_crossentropy", "squared_hinge",
]
