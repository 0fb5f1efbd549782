"""Keras 3's neural-network ops (``keras.ops.nn``): activations, one-hot encodings,
cross-entropies, moments and normalization, convolution and pooling.

The activations are numnet.activations' kernels (one node each, the derivative written out);
the cross-entropies are Keras's per-sample formulas (no reduction over the batch).
"""

from __future__ import annotations

from .. import activations as _act
from .. import backend
from ..autodiff import ops as _ops
from ..autodiff.symbolic import symbolic_op
from ..autodiff.tensor import Tensor
from .core import _axis, _float, _index, _promote


def _activation(fn, name, doc):
    def op(x, *args, **kwargs):
        return fn(_float(x), *args, **kwargs)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"{doc}\n\nArgs:\n    x: the input: an array, a number or a Tensor (the "
                  f"output has its shape).\n"
                  f"    *args: further arguments of ``numnet.activations.{name}``.\n"
                  f"    **kwargs: further keyword arguments of ``numnet.activations.{name}``.\n")
    return symbolic_op(op, name=name)


relu = _activation(lambda x: _act.relu(x), "relu", "max(x, 0); d x = [x > 0].")
relu6 = _activation(_act.relu6, "relu6", "min(max(x, 0), 6).")
sigmoid = _activation(_act.sigmoid, "sigmoid", "1 / (1 + exp(-x)); d x = s (1 - s).")
softplus = _activation(_act.softplus, "softplus", "log(1 + exp(x)), computed stably.")
softsign = _activation(_act.softsign, "softsign", "x / (1 + |x|).")
silu = _activation(_act.silu, "silu", "x * sigmoid(x); ``swish`` is the same op.")
swish = silu
log_sigmoid = _activation(_act.log_sigmoid, "log_sigmoid", "log(sigmoid(x)), computed stably.")
hard_sigmoid = _activation(_act.hard_sigmoid, "hard_sigmoid", "clip(x / 6 + 0.5, 0, 1).")
hard_silu = _activation(_act.hard_silu, "hard_silu",
                        "x * hard_sigmoid(x); ``hard_swish`` is the same op.")
hard_swish = hard_silu
hard_tanh = _activation(_act.hard_tanh, "hard_tanh", "clip(x, -1, 1).")
selu = _activation(_act.selu, "selu",
                   "scale * elu(x, alpha), alpha = 1.67326324, scale = 1.05070098.")
sparse_plus = _activation(_act.sparse_plus, "sparse_plus",
                          "0 if x <= -1, (x + 1)^2 / 4 if |x| < 1, x if x >= 1.")
sparse_sigmoid = _activation(_act.sparse_sigmoid, "sparse_sigmoid", "clip((x + 1) / 2, 0, 1).")
tanh_shrink = _activation(_act.tanh_shrink, "tanh_shrink", "x - tanh(x).")


@symbolic_op
def elu(x, alpha=1.0) -> Tensor:
    """x if x > 0 else alpha (exp(x) - 1).

    Args:
        x: the input: an array, a number or a Tensor.
        alpha: the scale of the negative part. Defaults to ``1.0``.
    """
    return _act.elu(_float(x), alpha)


@symbolic_op
def celu(x, alpha=1.0) -> Tensor:
    """max(x, 0) + alpha (exp(min(x, 0) / alpha) - 1).

    Args:
        x: the input: an array, a number or a Tensor.
        alpha: the scale of the negative part. Defaults to ``1.0``.
    """
    return _act.celu(_float(x), alpha)


@symbolic_op
def leaky_relu(x, negative_slope=0.2) -> Tensor:
    """x if x > 0 else negative_slope * x (Keras's default slope 0.2).

    Args:
        x: the input: an array, a number or a Tensor.
        negative_slope: the slope for x < 0. Defaults to ``0.2``.
    """
    return _act.leaky_relu(_float(x), negative_slope)


@symbolic_op
def gelu(x, approximate=True) -> Tensor:
    """x Phi(x), Phi the normal distribution function; by default (as keras.ops) its tanh
    approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))), exact with
    ``approximate=False``. (The activation ``"gelu"`` of a layer is the exact one.)

    Args:
        x: the input: an array, a number or a Tensor.
        approximate: use the tanh approximation. Defaults to ``True``.
    """
    return _act.gelu(_float(x), approximate)


@symbolic_op
def softmax(x, axis=-1) -> Tensor:
    """exp(x) / sum(exp(x)) along ``axis``, computed stably.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis the probabilities are taken over. Defaults to ``-1``.
    """
    return _act.softmax(_float(x), axis)


@symbolic_op
def log_softmax(x, axis=-1) -> Tensor:
    """x - logsumexp(x) along ``axis``.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis the probabilities are taken over. Defaults to ``-1``.
    """
    return _act.log_softmax(_float(x), axis)


@symbolic_op
def glu(x, axis=-1) -> Tensor:
    """a * sigmoid(b), a and b the two halves of x along ``axis``.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis split into two halves. Defaults to ``-1``.
    """
    return _act.glu(_float(x), axis)


@symbolic_op
def soft_shrink(x, threshold=0.5) -> Tensor:
    """x - threshold above it, x + threshold below -threshold, else 0.

    Args:
        x: the input: an array, a number or a Tensor.
        threshold: the magnitude subtracted from every value (values within it become 0). Defaults
            to ``0.5``.
    """
    return _act.soft_shrink(_float(x), threshold)


@symbolic_op
def hard_shrink(x, threshold=0.5) -> Tensor:
    """x where |x| > threshold, else 0.

    Args:
        x: the input: an array, a number or a Tensor.
        threshold: values of magnitude at or below it become 0. Defaults to ``0.5``.
    """
    return _act.hard_shrink(_float(x), threshold)


@symbolic_op
def threshold(x, threshold, default_value) -> Tensor:
    """x where x > threshold, else default_value.

    Args:
        x: the input: an array, a number or a Tensor.
        threshold: values above it are kept.
        default_value: the value given to the elements not above the threshold.
    """
    return _act.threshold(_float(x), threshold, default_value)


@symbolic_op
def squareplus(x, b=4) -> Tensor:
    """(x + sqrt(x^2 + b)) / 2.

    Args:
        x: the input: an array, a number or a Tensor.
        b: the smoothness, b ≥ 0. Defaults to ``4``.
    """
    return _act.squareplus(_float(x), b)


@symbolic_op
def sparsemax(x, axis=-1) -> Tensor:
    """The Euclidean projection of x onto the probability simplex along ``axis``.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis the probabilities are taken over. Defaults to ``-1``.
    """
    return _act.sparsemax(_float(x), axis)


# ----------------------------------------------------------------------------- encodings


@symbolic_op
def one_hot(x, num_classes, axis=-1, dtype=None, sparse=False) -> Tensor:
    """Integer labels as one-hot vectors of length ``num_classes`` on a new ``axis`` (floatx
    unless ``dtype``); a label outside [0, num_classes) gives a row of zeros.

    Args:
        x: integer class indices, any shape.
        num_classes: the number of classes K.
        axis: where the new class axis goes. Defaults to ``-1``.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
        sparse: accepted as Keras's; numnet's tensors are dense (True raises). Defaults to
            ``False``.

    Example:
        >>> numnet.ops.one_hot([2, 0], 3).tolist()
        [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    """
    if sparse:
        raise ValueError("one_hot(sparse=True): numnet's tensors are dense; use sparse=False.")
    xp = backend.xp
    labels = _index(x)
    hot = labels[..., None] == xp.arange(num_classes)
    return Tensor(xp.moveaxis(hot, -1, axis).astype(dtype or backend.floatx()))


@symbolic_op
def multi_hot(inputs, num_classes=None, axis=-1, dtype=None, sparse=False, **kwargs) -> Tensor:
    """For each row of integer labels, a vector of ``num_classes`` with 1 at every label in the
    row (a 1-D input is one row).

    Args:
        inputs: integer class indices, (batch, n).
        num_classes: the number of classes K. Defaults to ``None``.
        axis: where the class axis goes. Defaults to ``-1``.
        dtype: the output's dtype; None for floatx (or the input's, for the ``_like`` ops). Defaults
            to ``None``.
        sparse: accepted as Keras's; numnet's tensors are dense (True raises). Defaults to
            ``False``.
        **kwargs: further keyword arguments of the activation, as in ``numnet.activations``.

    Example:
        >>> numnet.ops.multi_hot([[0, 2], [1, 1]], 3).tolist()
        [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]
    """
    num_classes = kwargs.pop("num_tokens", num_classes)
    if num_classes is None:
        raise ValueError("multi_hot(num_classes): give the number of classes, e.g. "
                         "multi_hot(labels, num_classes=10).")
    hot = one_hot(inputs, num_classes, axis, dtype, sparse).value
    return Tensor(hot.max(axis=1 if hot.ndim > 2 else 0))


# ----------------------------------------------------------------------------- cross-entropies


def _check_same_shape(target, output, where):
    if target.shape != output.shape:
        raise ValueError(f"{where}(target, output): the two must have the same shape, given "
                         f"target {target.shape} and output {output.shape}.")


def _probabilities(output, axis):
    eps = backend.epsilon()
    output = _ops.divide(output, _ops.sum(output, axis, True))
    return _ops.clip(output, eps, 1 - eps)


@symbolic_op
def binary_crossentropy(target, output, from_logits=False) -> Tensor:
    """-(t log p + (1 - t) log(1 - p)) element-wise, p = ``output`` clipped to [eps, 1 - eps]
    (or sigmoid(output) with ``from_logits``, computed stably). No mean is taken.

    Args:
        target: the targets (labels or probabilities, as the loss expects).
        output: the predictions: probabilities, or logits with ``from_logits``.
        from_logits: whether ``output`` holds logits rather than probabilities. Defaults to
            ``False``.
    """
    target, output = _promote(target, _float(output))
    _check_same_shape(target, output, "binary_crossentropy")
    if from_logits:
        return _ops.sigmoid_cross_entropy(target, output)
    eps = backend.epsilon()
    p = _ops.clip(output, eps, 1 - eps)
    return _ops.negative(_ops.add(_ops.multiply(target, _ops.log(p)),
                                  _ops.multiply(_ops.subtract(1.0, target),
                                                _ops.log(_ops.subtract(1.0, p)))))


@symbolic_op
def categorical_crossentropy(target, output, from_logits=False, axis=-1) -> Tensor:
    """-sum(t log p) along ``axis``, p = ``output`` / its sum, clipped to [eps, 1 - eps] (or
    softmax(output) with ``from_logits``).

    Args:
        target: the targets (labels or probabilities, as the loss expects).
        output: the predictions: probabilities, or logits with ``from_logits``.
        from_logits: whether ``output`` holds logits rather than probabilities. Defaults to
            ``False``.
        axis: the class axis. Defaults to ``-1``.
    """
    target, output = _promote(target, _float(output))
    _check_same_shape(target, output, "categorical_crossentropy")
    if from_logits:
        return _ops.softmax_cross_entropy(target, output, axis)
    logp = _ops.log(_probabilities(output, axis))
    return _ops.negative(_ops.sum(_ops.multiply(target, logp), axis))


@symbolic_op
def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1) -> Tensor:
    """-log p[target] with integer ``target`` (one axis fewer than ``output``, or a last axis
    of 1), p as in categorical_crossentropy.

    Args:
        target: the targets (labels or probabilities, as the loss expects).
        output: the predictions: probabilities, or logits with ``from_logits``.
        from_logits: whether ``output`` holds logits rather than probabilities. Defaults to
            ``False``.
        axis: the class axis. Defaults to ``-1``.
    """
    output = _float(output)
    labels = _index(target)
    if labels.ndim == output.ndim and labels.shape[-1] == 1:
        labels = labels[..., 0]
    if labels.shape != output.shape[:-1]:
        raise ValueError(f"sparse_categorical_crossentropy(target, output): target needs the "
                         f"shape of output without its last axis, {output.shape[:-1]}; given "
                         f"{labels.shape}.")
    hot = one_hot(labels, output.shape[axis], axis, output.dtype)
    if from_logits:
        return _ops.softmax_cross_entropy(hot, output, axis)
    logp = _ops.log(_probabilities(output, axis))
    return _ops.negative(_ops.sum(_ops.multiply(hot, logp), axis))


# ----------------------------------------------------------------------------- statistics


@symbolic_op
def moments(x, axes, keepdims=False, synchronized=False) -> tuple:
    """(mean, variance) of x over ``axes``, both differentiable.

    Args:
        x: the input: an array, a number or a Tensor.
        axes: the axes the mean and variance are taken over.
        keepdims: keep the reduced axes, with size 1. Defaults to ``False``.
        synchronized: accepted as Keras's; ignored (one process). Defaults to ``False``.

    Example:
        >>> mean, variance = numnet.ops.moments([1.0, 2.0, 3.0, 4.0], axes=0)
        >>> float(mean), float(variance)
        (2.5, 1.25)
    """
    x, axes = _float(x), _axis(axes)
    mean = _ops.mean(x, axes, True)
    variance = _ops.mean(_ops.square(_ops.subtract(x, mean)), axes, keepdims)
    return (mean if keepdims else _ops.mean(x, axes, False)), variance


@symbolic_op
def normalize(x, axis=-1, order=2, epsilon=None) -> Tensor:
    """x / max(||x||_order, epsilon) along ``axis`` (L2 by default; epsilon defaults to
    backend.epsilon()): unit vectors, as ``tf.math.l2_normalize``.

    Args:
        x: the input: an array, a number or a Tensor.
        axis: the axis the norm is taken along. Defaults to ``-1``.
        order: the norm's order (2: Euclidean). Defaults to ``2``.
        epsilon: the smallest norm divided by. Defaults to ``None``.

    Example:
        >>> numnet.ops.normalize([3.0, 4.0]).tolist()
        [0.6000000238418579, 0.800000011920929]
    """
    if not isinstance(order, int) or order < 1:
        raise ValueError(f"normalize(order): expected an int >= 1, given {order!r}.")
    from .linalg import norm

    x = _float(x)
    eps = backend.epsilon() if epsilon is None else epsilon
    return _ops.divide(x, _ops.maximum(norm(x, order, axis, True), eps))


# ----------------------------------------------------------------------------- convolution


def _channels_last(x, data_format):
    fmt = data_format or backend.image_data_format()
    if fmt == "channels_last":
        return x, None
    order = (0, *range(2, x.ndim), 1)
    back = (0, x.ndim - 1, *range(1, x.ndim - 1))
    return _ops.transpose(x, order), back


def _restore(out, back):
    return out if back is None else _ops.transpose(out, back)


@symbolic_op
def conv(inputs, kernel, strides=1, padding="valid", data_format=None, dilation_rate=1):
    """N-D convolution (a cross-correlation, as Keras) of ``inputs`` (batch, *spatial, in) with
    ``kernel`` (*window, in, out); "valid" or "same" padding; differentiable in both.

    Args:
        inputs: the input batch, channels last: (batch, *spatial, channels).
        kernel: the filters, (*window, in_channels, out_channels).
        strides: the step of the window: an int or one per spatial axis. Defaults to ``1``.
        padding: 'valid' (the windows that fit) or 'same' (padded to ceil(size / stride) positions).
            Defaults to ``'valid'``.
        data_format: 'channels_last' or None. Defaults to ``None``.
        dilation_rate: the spacing of the kernel's taps: an int or a tuple. Defaults to ``1``.
    """
    x, back = _channels_last(_float(inputs), data_format)
    out = _ops.conv(x, _float(kernel), None, strides, padding, dilation_rate)
    return _restore(out, back)


@symbolic_op
def max_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The maximum over windows of ``pool_size``, ``strides`` apart (pool_size if None).

    Args:
        inputs: the input batch, channels last: (batch, *spatial, channels).
        pool_size: the window's size: an int or one int per spatial axis.
        strides: the step between windows: an int or a tuple; None for ``pool_size``. Defaults to
            ``None``.
        padding: 'valid' (the windows that fit) or 'same' (padded to ceil(size / stride) positions).
            Defaults to ``'valid'``.
        data_format: 'channels_last' or None. Defaults to ``None``.
    """
    x, back = _channels_last(_float(inputs), data_format)
    return _restore(_ops.max_pool(x, pool_size, strides, padding), back)


@symbolic_op
def average_pool(inputs, pool_size, strides=None, padding="valid", data_format=None):
    """The mean over windows of ``pool_size`` (padding not counted), ``strides`` apart.

    Args:
        inputs: the input batch, channels last: (batch, *spatial, channels).
        pool_size: the window's size: an int or one int per spatial axis.
        strides: the step between windows: an int or a tuple; None for ``pool_size``. Defaults to
            ``None``.
        padding: 'valid' (the windows that fit) or 'same' (padded to ceil(size / stride) positions).
            Defaults to ``'valid'``.
        data_format: 'channels_last' or None. Defaults to ``None``.
    """
    x, back = _channels_last(_float(inputs), data_format)
    return _restore(_ops.average_pool(x, pool_size, strides, padding), back)



__all__ = [
    "average_pool", "binary_crossentropy", "categorical_crossentropy", "celu", "conv", "elu",
    "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "leaky_relu", "log_sigmoid", "log_softmax", "max_pool", "moments", "multi_hot",
    "normalize", "one_hot", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink",
    "softmax", "softplus", "softsign", "sparse_categorical_crossentropy", "sparse_plus",
    "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh_shrink", "threshold",
]
