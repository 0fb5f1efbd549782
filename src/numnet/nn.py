"""Functions on arrays, as ``tf.nn``: ``numnet.nn.softmax(logits)``, ``numnet.nn.sigmoid(z)``.

Each takes an array or Tensor and returns a Tensor (``.numpy()``, ``np.asarray``, indexing).
The cross-entropies take TensorFlow's keyword arguments ``labels=`` and ``logits=`` and give one
loss per sample (per entry for the sigmoid), recording their gradient.
"""

from __future__ import annotations

import numpy as np

from . import activations, backend
from .activations import log_sigmoid
from .autodiff import Tensor
from .autodiff import ops as _ops
from .autodiff.symbolic import symbolic_op

# ----------------------------------------------------------------------------- activations
# tf.nn's activations take TensorFlow's argument names (features=, logits=, x=, alpha=, beta=,
# name=) and TensorFlow's dtypes; each runs numnet's Keras activation of the same name.
# numnet.activations stays Keras's: Dense(activation=tf.nn.relu) is recognised as "relu" (the
# fused kernel, saving by name) because each wrapper is registered under that name below.


def _features(value, where: str, floats_only: bool = True) -> Tensor:
    """``value`` as a Tensor with TensorFlow's dtypes (Python floats float32, ints int32,
    NumPy arrays their own); TypeError for integers where TensorFlow's op takes floats."""
    if not isinstance(value, Tensor):
        from .data.structure import to_component

        value = Tensor(backend.to_device(to_component(value)))
    if floats_only and value.dtype.kind not in "fc":
        raise TypeError(f"tf.nn.{where}: expected a floating-point tensor (TensorFlow's op "
                        f"takes half, float or double), given {value.dtype}; cast it first, "
                        "e.g. tf.cast(x, tf.float32).")
    return value


def _axis(axis):
    return -1 if axis is None else int(getattr(axis, "value", axis))


@symbolic_op(name="nn.relu")
def relu(features, name=None):
    """max(features, 0), element-wise; integers stay integers.

        >>> numnet.nn.relu(features=[-1.0, 2.0]).numpy().tolist()
        [0.0, 2.0]
    """
    return activations.relu(_features(features, "relu", floats_only=False))


@symbolic_op(name="nn.relu6")
def relu6(features, name=None):
    """min(max(features, 0), 6), element-wise; integers stay integers."""
    return activations.relu6(_features(features, "relu6", floats_only=False))


@symbolic_op(name="nn.leaky_relu")
def leaky_relu(features, alpha=0.2, name=None):
    """features where positive, else ``alpha`` * features (``alpha`` defaults to 0.2, as
    TensorFlow; any value, also above 1). Integer features become float32, as TensorFlow's.

        >>> numnet.nn.leaky_relu([-2.0, 3.0], alpha=0.1).numpy().tolist()
        [-0.20000000298023224, 3.0]
    """
    x = _features(features, "leaky_relu", floats_only=False)
    if x.dtype.kind not in "fc":
        x = _ops.cast(x, np.float32)
    alpha = alpha.item() if isinstance(alpha, np.ndarray) else alpha
    return activations.leaky_relu(x, negative_slope=float(getattr(alpha, "value", alpha)))


@symbolic_op(name="nn.sigmoid")
def sigmoid(x, name=None):
    """1 / (1 + exp(-x)), element-wise."""
    return activations.sigmoid(_features(x, "sigmoid"))


@symbolic_op(name="nn.tanh")
def tanh(x, name=None):
    """tanh(x), element-wise."""
    return activations.tanh(_features(x, "tanh"))


@symbolic_op(name="nn.softmax")
def softmax(logits, axis=None, name=None):
    """exp(logits) / sum(exp(logits)) along ``axis`` (the last when None).

        >>> numnet.nn.softmax(logits=[[0.0, 0.0]], axis=-1).numpy().tolist()
        [[0.5, 0.5]]
    """
    return activations.softmax(_features(logits, "softmax"), axis=_axis(axis))


@symbolic_op(name="nn.log_softmax")
def log_softmax(logits, axis=None, name=None):
    """logits - log(sum(exp(logits))) along ``axis`` (the last when None)."""
    return activations.log_softmax(_features(logits, "log_softmax"), axis=_axis(axis))


@symbolic_op(name="nn.gelu")
def gelu(features, approximate=False, name=None):
    """features * Phi(features) (the Gaussian CDF); its tanh approximation when
    ``approximate`` (defaults to False, as TensorFlow)."""
    return activations.gelu(_features(features, "gelu"), approximate=bool(approximate))


@symbolic_op(name="nn.silu")
def silu(features, beta=1.0):
    """features * sigmoid(beta * features) (``beta`` defaults to 1.0; a number or a
    Tensor). TensorFlow's tf.nn.swish is the same function.

        >>> round(float(numnet.nn.silu(features=[2.0], beta=2.0)[0]), 5)
        1.96403
    """
    x = _features(features, "silu")
    if not isinstance(beta, Tensor) and float(beta) == 1.0:
        return activations.silu(x)
    beta = beta if isinstance(beta, Tensor) else _ops.as_tensor(np.asarray(beta, x.dtype))
    return _ops.multiply(x, activations.sigmoid(_ops.multiply(beta, x)))


swish = silu


@symbolic_op(name="nn.elu")
def elu(features, name=None):
    """features where positive, else exp(features) - 1."""
    return activations.elu(_features(features, "elu"))


@symbolic_op(name="nn.selu")
def selu(features, name=None):
    """scale * elu(features, alpha), alpha = 1.67326324, scale = 1.05070098."""
    return activations.selu(_features(features, "selu"))


@symbolic_op(name="nn.softplus")
def softplus(features, name=None):
    """log(1 + exp(features)), computed stably."""
    return activations.softplus(_features(features, "softplus"))


@symbolic_op(name="nn.softsign")
def softsign(features, name=None):
    """features / (1 + |features|)."""
    return activations.softsign(_features(features, "softsign"))


_KERAS_NAMED = ("relu", "relu6", "leaky_relu", "sigmoid", "tanh", "softmax", "log_softmax",
                "gelu", "silu", "elu", "selu", "softplus", "softsign")


def register_activation_names() -> None:
    """Let a layer given one of these functions (``Dense(activation=tf.nn.relu)``) fuse and
    save it as the Keras activation of the same name (the same values at the defaults, which
    TensorFlow and Keras share). Called again by tf_compat once it has wrapped them for
    RaggedTensors."""
    here = globals()
    for name in _KERAS_NAMED:
        keras_name = activations._NAME_OF[getattr(activations, name)]
        activations._NAME_OF.setdefault(here[name], keras_name)


register_activation_names()


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
