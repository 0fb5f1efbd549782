"""Functions on arrays, as ``tf.nn``: ``numnet.nn.softmax(logits)``, ``numnet.nn.sigmoid(z)``.

Each takes an array or Tensor and returns a Tensor (``.numpy()``, ``np.asarray``, indexing).
The cross-entropies take TensorFlow's keyword arguments ``labels=`` and ``logits=`` and give one
loss per sample (per entry for the sigmoid), recording their gradient.
"""

from __future__ import annotations

from . import backend
from .activations import (
    elu,
    gelu,
    leaky_relu,
    log_sigmoid,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    swish,
    tanh,
)
from .autodiff import ops as _ops
from .autodiff.symbolic import symbolic_op


@symbolic_op(name="nn.sigmoid_cross_entropy_with_logits")
def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Per entry: -y log sigmoid(z) - (1 - y) log(1 - sigmoid(z)), computed stably as
    max(z, 0) - z y + log(1 + exp(-|z|)). labels and logits: one shape.

        >>> float(numnet.nn.sigmoid_cross_entropy_with_logits(labels=[1.0], logits=[0.0])[0])
        0.6931...
    """
    return _ops.sigmoid_cross_entropy(_check_pair(labels, logits, "sigmoid"), logits)


@symbolic_op(name="nn.softmax_cross_entropy_with_logits")
def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """Per sample: -sum_j y_j log softmax(z)_j along ``axis`` (-1); labels are probabilities
    (one-hot or soft) of the logits' shape; the result drops ``axis``."""
    return _ops.softmax_cross_entropy(_check_pair(labels, logits, "softmax"), logits, axis)


@symbolic_op(name="nn.sparse_softmax_cross_entropy_with_logits")
def sparse_softmax_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """Per sample: -log softmax(z)[label], labels integer class indices of shape
    logits.shape[:-1]. Raises ValueError for labels outside [0, classes)."""
    y = backend.to_numpy(getattr(labels, "value", labels))
    z = _ops.as_tensor(logits)
    if y.shape != z.shape[:-1]:
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits: labels of shape {y.shape} "
                         f"must have the logits' shape without its last axis, {z.shape[:-1]}.")
    if y.size and (y.min() < 0 or y.max() >= z.shape[-1]):
        raise ValueError(f"sparse_softmax_cross_entropy_with_logits(labels): class indices must "
                         f"lie in [0, {z.shape[-1]}); given {y.min()} ... {y.max()}.")
    return _ops.sparse_softmax_cross_entropy(y, z)


def _check_pair(labels, logits, kind):
    if labels is None or logits is None:
        raise ValueError(f"{kind}_cross_entropy_with_logits: give both labels= and logits=.")
    shape_y = getattr(labels, "shape", None)
    y = labels if shape_y is not None else backend.to_numpy(labels)
    z_shape = _ops.as_tensor(logits).shape
    if tuple(y.shape) != tuple(z_shape):
        raise ValueError(f"{kind}_cross_entropy_with_logits: labels and logits must have the same "
                         f"shape; given {tuple(y.shape)} and {tuple(z_shape)}.")
    return y


@symbolic_op(name="nn.l2_normalize")
def l2_normalize(x, axis=None, epsilon=1e-12, name=None, dim=None):
    """x / sqrt(max(sum(x^2 over axis), epsilon)): unit vectors along ``axis`` (all axes when
    None). ``dim`` is TensorFlow 1's name for axis."""
    axis = dim if axis is None else axis
    axis = tuple(axis) if isinstance(axis, list) else axis
    x = _ops.as_tensor(x)
    squares = _ops.sum(_ops.square(x), axis=axis, keepdims=True)
    return _ops.divide(x, _ops.sqrt(_ops.maximum(squares, epsilon)))


@symbolic_op(name="nn.moments")
def moments(x, axes, shift=None, keepdims=False, name=None):
    """(mean, variance) of ``x`` over ``axes`` (a list), as BatchNormalization computes them:
    variance = mean((x - mean)^2)."""
    axes = tuple(axes) if isinstance(axes, (list, tuple)) else (axes,)
    x = _ops.as_tensor(x)
    mean = _ops.mean(x, axis=axes, keepdims=True)
    variance = _ops.mean(_ops.square(_ops.subtract(x, mean)), axis=axes, keepdims=keepdims)
    if not keepdims:
        mean = _ops.reshape(mean, variance.shape)
    return mean, variance


__all__ = ["elu", "gelu", "l2_normalize", "leaky_relu", "log_sigmoid", "log_softmax", "moments",
           "relu", "relu6", "selu", "sigmoid", "sigmoid_cross_entropy_with_logits", "silu",
           "softmax", "softmax_cross_entropy_with_logits",
           "sparse_softmax_cross_entropy_with_logits", "softplus", "softsign", "swish", "tanh"]
