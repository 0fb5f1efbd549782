"""Keras 3's neural-network ops (``keras.ops.nn``): activations, one-hot encodings,
cross-entropies, moments and normalization, convolution and pooling.

The activations are numnet.activations' kernels (one node each, the derivative written out);
the cross-entropies are Keras's per-sample formulas (no reduction over the batch).
"""

from __future__ import annotations

import builtins
import math

import numpy as _numpy

from .. import activations as _act
from .. import backend
from ..autodiff import ops as _ops
from ..autodiff import tensor as _tensor
from ..autodiff.symbolic import symbolic_op
from ..autodiff.tensor import Tensor
from .core import _axis, _float, _index, _is_float, _promote, _raw


def _activation(fn, name, doc):
    def op(x, *args, **kwargs):
        return fn(_float(x), *args, **kwargs)

    op.__name__ = op.__qualname__ = name
    op.__doc__ = (f"{doc}\n\nArgs:\n    x: the input: an array, a number or a Tensor (the "
                  f"output has its shape).\n"
                  f"    *args: further arguments of ``numnet.activations.{name}``.\n"
                  f"    **kwargs: further keyword arguments of ``numnet.activations.{name}``.\n")
    return symbolic_op(op, name=name)


@symbolic_op
def relu(x) -> Tensor:
    """max(x, 0); d x = [x > 0]. Integers stay integers (booleans give int32), as Keras's.

    Args:
        x: the input: an array, a number or a Tensor (the output has its shape).
    """
    return _act.relu(x)


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


@symbolic_op
def hard_tanh(x) -> Tensor:
    """clip(x, -1, 1). Integers stay integers (booleans give int32), as Keras's.

    Args:
        x: the input: an array, a number or a Tensor (the output has its shape).
    """
    return _act.hard_tanh(x)


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
        default_value: the value given to the elements not above the threshold (an integer
            one keeps integer inputs integers, as Keras's).
    """
    return _act.threshold(x, threshold, default_value)


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
        if _tensor.needs_grad(target):  # softplus(z) - t z: d t = -z, as Keras differentiates
            return _ops.subtract(_act.softplus(output), _ops.multiply(output, target))
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
        if _tensor.needs_grad(target):  # -sum t log softmax(z): d t = -log softmax(z)
            return _ops.negative(_ops.sum(_ops.multiply(target, log_softmax(output, axis)),
                                          axis))
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
    if order == 2:  # the square root of the sum of squares over axis (all axes for None),
        # as Keras's: with axis=None a matrix is divided by its Frobenius norm, not by
        # norm(x, 2) (its largest singular value)
        axes = None if axis is None else _axis(axis)
        magnitude = _ops.sqrt(_ops.sum(_ops.square(x), axes, True))
        return _ops.divide(x, _ops.maximum(magnitude, eps))
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


# ----------------------------------------------------------------------------- attention, norms


@symbolic_op
def dot_product_attention(query, key, value, bias=None, mask=None, scale=None, is_causal=False,
                          flash_attention=None, attn_logits_soft_cap=None) -> Tensor:
    """Scaled dot-product attention, softmax(q k^T * scale + bias, masked) v, per head.

    logits[b, n, t, s] = scale * sum_h query[b, t, n, h] key[b, s, n, h] (+ bias); where
    ``mask`` is false (or s > t with ``is_causal``) a logit becomes -0.7 * the dtype's largest
    value; the softmax runs over s. Keys and values may have fewer heads than the queries
    (grouped-query attention): each is shared by num_heads / num_key_heads query heads.
    Differentiable in query, key, value and bias.

    Args:
        query: (batch, target_length, num_heads, head_dim).
        key: (batch, source_length, num_key_heads, head_dim).
        value: (batch, source_length, num_key_heads, value_dim).
        bias: added to the logits; broadcast to (batch, num_heads, target, source).
            Defaults to ``None``.
        mask: bool, broadcast to (batch, num_heads, target, source): True where a query may
            attend. Defaults to ``None``.
        scale: the logits' factor; None for 1 / sqrt(head_dim). Defaults to ``None``.
        is_causal: mask out the source positions after each target's. Defaults to ``False``.
        flash_attention: accepted as Keras's; numnet always computes the plain form (True
            raises). Defaults to ``None``.
        attn_logits_soft_cap: if given, the logits become logits / (1 + |logits| / cap) before
            masking. Defaults to ``None``.

    Returns:
        (batch, target_length, num_heads, value_dim).

    Example:
        >>> q = numnet.ops.ones((1, 2, 1, 4))
        >>> numnet.ops.dot_product_attention(q, q, q).shape
        (1, 2, 1, 4)
    """
    if flash_attention:
        raise ValueError("dot_product_attention(flash_attention=True): numnet has no flash "
                         "attention kernel; pass flash_attention=None or False.")
    q, k, v = _promote(query, key, value)
    if not _is_float(q.dtype):
        q, k, v = (_ops.cast(t, backend.floatx()) for t in (q, k, v))
    for name, t in (("query", q), ("key", k), ("value", v)):
        if t.ndim != 4:
            raise ValueError(f"dot_product_attention({name}): expected a 4-D tensor (batch, "
                             f"length, heads, dim), given shape {t.shape}.")
    heads, key_heads = q.shape[2], k.shape[2]
    if heads % key_heads or v.shape[2] != key_heads:
        raise ValueError(f"dot_product_attention: query has {heads} heads, key {key_heads} and "
                         f"value {v.shape[2]}; key and value need the same number of heads, "
                         "one that divides the query's.")
    if key_heads != heads:
        k = _ops.regather(k, lambda a: backend.xp.repeat(a, heads // key_heads, axis=2))
        v = _ops.regather(v, lambda a: backend.xp.repeat(a, heads // key_heads, axis=2))
    scale = 1 / math.sqrt(q.shape[-1]) if scale is None else float(_raw(scale))
    logits = _ops.multiply(_ops.einsum("btnh,bsnh->bnts", q, k), scale)
    if bias is not None:
        logits = _ops.add(logits, _promote(logits, bias)[1])
    if attn_logits_soft_cap is not None:
        cap = float(attn_logits_soft_cap)
        logits = _ops.divide(logits, _ops.add(_ops.multiply(_ops.abs(logits), 1 / cap), 1.0))
    keep = None
    if mask is not None:
        keep = backend.xp.broadcast_to(backend.to_device(_raw(mask)).astype(bool), logits.shape)
    if is_causal:
        causal = backend.xp.tril(backend.xp.ones(logits.shape[-2:], dtype=bool))
        keep = causal if keep is None else keep & causal
    if keep is not None:
        low = backend.xp.asarray(-0.7 * _numpy.finfo(logits.dtype).max, dtype=logits.dtype)
        logits = _ops.where(keep, logits, Tensor(low))
    weights = _act.softmax(logits, axis=-1)
    return _ops.einsum("bnts,bsnh->btnh", weights, v)


def _along(t, x, axes):
    """``t`` shaped to broadcast against x: its axes placed at ``axes`` of x (a 1-D t at the
    last of them); a t of x's rank, or a scalar, as it is."""
    t = _promote(x, t)[1]
    if t.ndim == x.ndim or t.ndim == 0:
        return t
    shape = [1] * x.ndim
    places = axes if t.ndim == len(axes) else axes[-1:]
    for a, n in zip(places, t.shape, strict=True):
        shape[a] = n
    return _ops.reshape(t, tuple(shape))


@symbolic_op
def batch_normalization(x, mean, variance, axis, offset=None, scale=None,
                        epsilon=0.001) -> Tensor:
    """(x - mean) / sqrt(variance + epsilon) * scale + offset, with the statistics given
    (1-D along ``axis``); differentiable in every tensor.

    Args:
        x: the input.
        mean: the mean per entry of ``axis``.
        variance: the variance per entry of ``axis``.
        axis: the axis the statistics run along (the features).
        offset: added after normalizing (beta); None for 0. Defaults to ``None``.
        scale: multiplied after normalizing (gamma); None for 1. Defaults to ``None``.
        epsilon: added to the variance. Defaults to ``0.001``.

    Example:
        >>> numnet.ops.batch_normalization([[1.0, 4.0]], [1.0, 2.0], [1.0, 4.0], axis=1,
        ...                                 epsilon=0.0).tolist()
        [[0.0, 1.0]]
    """
    x = _float(x)
    axes = [axis % x.ndim]
    inv = _ops.divide(1.0, _ops.sqrt(_ops.add(_along(variance, x, axes), float(epsilon))))
    if scale is not None:
        inv = _ops.multiply(inv, _along(scale, x, axes))
    out = _ops.multiply(_ops.subtract(x, _along(mean, x, axes)), inv)
    return out if offset is None else _ops.add(out, _along(offset, x, axes))


def _axes(axis, rank):
    if axis is None:  # every axis, as Keras's (its mean over axis=None)
        return list(range(rank))
    return sorted(a % rank for a in ((axis,) if isinstance(axis, int) else axis))


@symbolic_op
def layer_normalization(x, gamma=None, beta=None, axis=-1, epsilon=None, **kwargs) -> Tensor:
    """(x - mean) / sqrt(var + epsilon) * gamma + beta, the statistics over ``axis`` of each
    sample; with ``rms_scaling=True`` x / sqrt(var + epsilon) * gamma (no centring, no beta).

    Args:
        x: the input.
        gamma: the scale, of the normalized axes' shape; None for 1. Defaults to ``None``.
        beta: the offset; None for 0. Defaults to ``None``.
        axis: the axis (or axes) normalized over. Defaults to ``-1``.
        epsilon: added to the variance; None for backend.epsilon() (1e-7). Defaults to ``None``.
        **kwargs: ``rms_scaling`` (bool), as Keras's.

    Example:
        >>> numnet.ops.layer_normalization([[1.0, 3.0]], epsilon=0.0).tolist()
        [[-1.0, 1.0]]
    """
    rms_scaling = kwargs.pop("rms_scaling", False)
    if kwargs:
        raise TypeError(f"layer_normalization: unexpected arguments {sorted(kwargs)}; expected "
                        "rms_scaling.")
    x = _float(x)
    axes = _axes(axis, x.ndim)
    eps = backend.epsilon() if epsilon is None else float(epsilon)
    mean = _ops.mean(x, tuple(axes), True)
    centered = _ops.subtract(x, mean)
    variance = _ops.mean(_ops.square(centered), tuple(axes), True)
    inv = _ops.divide(1.0, _ops.sqrt(_ops.add(variance, eps)))
    if gamma is not None:
        inv = _ops.multiply(inv, _along(gamma, x, axes))
    if rms_scaling:
        return _ops.multiply(x, inv)
    out = _ops.multiply(centered, inv)
    return out if beta is None else _ops.add(out, _along(beta, x, axes))


@symbolic_op
def rms_normalization(x, scale=None, axis=-1, epsilon=None) -> Tensor:
    """x / sqrt(mean(x^2) + epsilon) * scale, the mean over ``axis`` of each sample.

    Args:
        x: the input.
        scale: multiplied after normalizing, of the normalized axes' shape; None for 1.
            Defaults to ``None``.
        axis: the axis (or axes) normalized over; None for all. Defaults to ``-1``.
        epsilon: added to the mean square; None for backend.epsilon(). Defaults to ``None``.

    Example:
        >>> numnet.ops.rms_normalization([[3.0, 4.0]], epsilon=0.0).tolist()
        [[0.8485281..., 1.1313709...]]
    """
    x = _float(x)
    axes = _axes(axis, x.ndim)
    eps = backend.epsilon() if epsilon is None else float(epsilon)
    square = _ops.mean(_ops.square(x), tuple(axes), True)
    out = _ops.divide(x, _ops.sqrt(_ops.add(square, eps)))
    return out if scale is None else _ops.multiply(out, _along(scale, x, axes))


@symbolic_op
def psnr(x1, x2, max_val) -> Tensor:
    """The peak signal-to-noise ratio 20 log10(max_val) - 10 log10(mean((x1 - x2)^2)), in dB,
    over all entries; differentiable.

    Args:
        x1: the first image (batch).
        x2: the second, of x1's shape.
        max_val: the largest possible value of a pixel (1.0, or 255).

    Example:
        >>> round(numnet.ops.psnr([0.0, 1.0], [0.0, 0.9], 1.0).item(), 3)
        23.01
    """
    a, b = _promote(x1, x2)
    if not _is_float(a.dtype):
        a, b = _ops.cast(a, backend.floatx()), _ops.cast(b, backend.floatx())
    if a.shape != b.shape:
        raise ValueError(f"psnr: x1 and x2 need one shape, given {a.shape} and {b.shape}.")
    mse = _ops.mean(_ops.square(_ops.subtract(a, b)))
    return _ops.subtract(20 * math.log10(float(_raw(max_val))),
                         _ops.multiply(_ops.log(mse), 10 / math.log(10)))


# ----------------------------------------------------------------------------- more convolution


def _conv_layers():
    # The convolution primitives the layers use too (their backward written out).
    from ..autodiff import conv_more

    return conv_more.depthwise_conv, conv_more.conv_transpose


def _per_axis(strides, dilation_rate, rank, where):
    return (_ops._per_axis(strides, rank, f"{where}(strides)"),
            _ops._per_axis(dilation_rate, rank, f"{where}(dilation_rate)"))


@symbolic_op
def depthwise_conv(inputs, kernel, strides=1, padding="valid", data_format=None,
                   dilation_rate=1) -> Tensor:
    """Per-channel convolution: each input channel c convolved with its own ``M`` filters
    kernel[..., c, :], giving channels c * M + m; differentiable in both.

    Args:
        inputs: (batch, *spatial, channels) (channels first with data_format).
        kernel: (*window, channels, M), M the depth multiplier.
        strides: the step of the window: an int or one per spatial axis. Defaults to ``1``.
        padding: 'valid' or 'same'. Defaults to ``'valid'``.
        data_format: 'channels_last', 'channels_first' or None (the config's). Defaults to
            ``None``.
        dilation_rate: the spacing of the kernel's taps. Defaults to ``1``.

    Example:
        >>> numnet.ops.depthwise_conv(numnet.ops.ones((1, 4, 2)),
        ...                           numnet.ops.ones((3, 2, 2))).shape
        (1, 2, 4)
    """
    depthwise, _ = _conv_layers()
    x, back = _channels_last(_float(inputs), data_format)
    kernel = _promote(x, kernel)[1]
    strides, dilation_rate = _per_axis(strides, dilation_rate, x.ndim - 2, "depthwise_conv")
    return _restore(depthwise(x, kernel, strides, padding, dilation_rate), back)


@symbolic_op
def separable_conv(inputs, depthwise_kernel, pointwise_kernel, strides=1, padding="valid",
                   data_format=None, dilation_rate=1) -> Tensor:
    """A depthwise convolution followed by a 1x1 convolution that mixes the channels.

    Args:
        inputs: (batch, *spatial, channels) (channels first with data_format).
        depthwise_kernel: (*window, channels, M).
        pointwise_kernel: (1, ..., 1, channels * M, filters).
        strides: the depthwise step: an int or one per spatial axis. Defaults to ``1``.
        padding: 'valid' or 'same'. Defaults to ``'valid'``.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.
        dilation_rate: the spacing of the depthwise taps. Defaults to ``1``.

    Example:
        >>> numnet.ops.separable_conv(numnet.ops.ones((1, 4, 2)), numnet.ops.ones((3, 2, 1)),
        ...                           numnet.ops.ones((1, 2, 5))).shape
        (1, 2, 5)
    """
    depthwise, _ = _conv_layers()
    x, back = _channels_last(_float(inputs), data_format)
    strides, dilation_rate = _per_axis(strides, dilation_rate, x.ndim - 2, "separable_conv")
    middle = depthwise(x, _promote(x, depthwise_kernel)[1], strides, padding, dilation_rate)
    out = _ops.conv(middle, _promote(x, pointwise_kernel)[1], None, 1, "valid", 1)
    return _restore(out, back)


@symbolic_op
def conv_transpose(inputs, kernel, strides=1, padding="valid", output_padding=None,
                   data_format=None, dilation_rate=1) -> Tensor:
    """The transposed convolution (the gradient of ``conv`` with respect to its input), with
    Keras's output sizes; differentiable in both.

    Args:
        inputs: (batch, *spatial, in_channels) (channels first with data_format).
        kernel: (*window, out_channels, in_channels), Keras's layout.
        strides: the step: an int or one per spatial axis. Defaults to ``1``.
        padding: 'valid' or 'same'. Defaults to ``'valid'``.
        output_padding: extra size added on each spatial axis's end; None for Keras's rule.
            Defaults to ``None``.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.
        dilation_rate: the spacing of the kernel's taps. Defaults to ``1``.

    Example:
        >>> numnet.ops.conv_transpose(numnet.ops.ones((1, 3, 2)), numnet.ops.ones((2, 4, 2)),
        ...                           strides=2).shape
        (1, 6, 4)
    """
    _, transpose = _conv_layers()
    x, back = _channels_last(_float(inputs), data_format)
    out = transpose(x, _promote(x, kernel)[1], None, strides, padding, output_padding,
                    dilation_rate)
    return _restore(out, back)


def _block_args(x, block_size, data_format, where):
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"{where}(data_format): expected 'channels_last' or 'channels_first', "
                         f"given {data_format!r}.")
    x = _promote(x)[0] if not isinstance(x, Tensor) else x
    if x.ndim != 4:
        raise ValueError(f"{where}(x): expected a 4-D tensor, given shape {x.shape}.")
    return x, int(block_size)


@symbolic_op
def depth_to_space(x, block_size, data_format="channels_last") -> Tensor:
    """Pixel shuffle: (N, H, W, C * r^2) -> (N, H r, W r, C), channel block (i, j) of each
    pixel going to position (i, j) of its r x r block.

    Args:
        x: a 4-D tensor.
        block_size: r, the side of the spatial blocks.
        data_format: 'channels_last' or 'channels_first'. Defaults to ``'channels_last'``.

    Example:
        >>> numnet.ops.depth_to_space(numnet.ops.ones((1, 2, 2, 8)), 2).shape
        (1, 4, 4, 2)
    """
    x, r = _block_args(x, block_size, data_format, "depth_to_space")
    if data_format == "channels_last":
        n, h, w, c = x.shape
        y = _ops.reshape(x, (n, h, w, r, r, c // (r * r)))
        return _ops.reshape(_ops.transpose(y, (0, 1, 3, 2, 4, 5)), (n, h * r, w * r, -1))
    n, c, h, w = x.shape
    y = _ops.reshape(x, (n, c // (r * r), r, r, h, w))
    return _ops.reshape(_ops.transpose(y, (0, 1, 4, 2, 5, 3)), (n, -1, h * r, w * r))


@symbolic_op
def space_to_depth(x, block_size, data_format="channels_last") -> Tensor:
    """Pixel unshuffle, the inverse of ``depth_to_space``: (N, H r, W r, C) -> (N, H, W, C r^2).

    Args:
        x: a 4-D tensor.
        block_size: r, the side of the spatial blocks.
        data_format: 'channels_last' or 'channels_first'. Defaults to ``'channels_last'``.

    Example:
        >>> numnet.ops.space_to_depth(numnet.ops.ones((1, 4, 4, 2)), 2).shape
        (1, 2, 2, 8)
    """
    x, r = _block_args(x, block_size, data_format, "space_to_depth")
    if data_format == "channels_last":
        n, h, w, c = x.shape
        y = _ops.reshape(x, (n, h // r, r, w // r, r, c))
        return _ops.reshape(_ops.transpose(y, (0, 1, 3, 2, 4, 5)), (n, h // r, w // r, -1))
    n, c, h, w = x.shape
    y = _ops.reshape(x, (n, c, h // r, r, w // r, r))
    return _ops.reshape(_ops.transpose(y, (0, 1, 3, 5, 2, 4)), (n, -1, h // r, w // r))


def _adaptive(inputs, output_size, data_format, reduce, where):
    x, back = _channels_last(_float(inputs), data_format)
    rank = x.ndim - 2
    sizes = (output_size,) * rank if isinstance(output_size, int) else tuple(output_size)
    if len(sizes) != rank:
        raise ValueError(f"{where}(output_size): expected an int or {rank} ints for a "
                         f"{rank}-D input of shape {x.shape}, given {output_size!r}.")
    for axis, out in enumerate(sizes, start=1):
        size = x.shape[axis]
        head = (builtins.slice(None),) * axis
        parts = [reduce(_ops.getitem(x, head + (builtins.slice(
            (i * size) // out, -((-(i + 1) * size) // out)),)), axis)
            for i in range(out)]
        x = _ops.concatenate(parts, axis=axis)
    return _restore(x, back)


@symbolic_op
def adaptive_average_pool(inputs, output_size, data_format=None) -> Tensor:
    """Average pooling to a fixed ``output_size``: output i of an axis of n averages the entries
    floor(i n / out) .. ceil((i + 1) n / out) - 1 (PyTorch's bins, as Keras).

    Args:
        inputs: (batch, *spatial, channels) with 1, 2 or 3 spatial axes.
        output_size: an int or one int per spatial axis.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Example:
        >>> numnet.ops.adaptive_average_pool([[[1.0], [2.0], [3.0], [5.0]]], 2).tolist()
        [[[1.5], [4.0]]]
    """
    return _adaptive(inputs, output_size, data_format,
                     lambda t, a: _ops.mean(t, a, True), "adaptive_average_pool")


@symbolic_op
def adaptive_max_pool(inputs, output_size, data_format=None) -> Tensor:
    """Max pooling to a fixed ``output_size`` over the bins of ``adaptive_average_pool``.

    Args:
        inputs: (batch, *spatial, channels) with 1, 2 or 3 spatial axes.
        output_size: an int or one int per spatial axis.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Example:
        >>> numnet.ops.adaptive_max_pool([[[1.0], [2.0], [3.0], [5.0]]], 2).tolist()
        [[[2.0], [5.0]]]
    """
    return _adaptive(inputs, output_size, data_format,
                     lambda t, a: _ops.max(t, a, True), "adaptive_max_pool")


def _pair_of(value, where):
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2:
        raise ValueError(f"{where}: expected an int or two ints, given {value!r}.")
    return pair


def _unfold_positions(channels, height, width, kernel_size, dilation, padding, stride):
    """For unfold of a (C, H, W) image: the flat position (in the zero-padded image, 0 for the
    padding) of every entry of the (C kh kw, L) output, and the padded image's size."""
    xp = backend.xp
    (kh, kw), (dh, dw) = _pair_of(kernel_size, "unfold(kernel_size)"), \
        _pair_of(dilation, "unfold(dilation)")
    (ph, pw), (sh, sw) = _pair_of(padding, "unfold(padding)"), _pair_of(stride, "unfold(stride)")
    hp, wp = height + 2 * ph, width + 2 * pw
    rows = (hp - dh * (kh - 1) - 1) // sh + 1
    cols = (wp - dw * (kw - 1) - 1) // sw + 1
    image = xp.zeros((channels, hp, wp), dtype="int64")
    image[:, ph:ph + height, pw:pw + width] = xp.arange(
        1, channels * height * width + 1).reshape(channels, height, width)
    i = (xp.arange(kh) * dh)[:, None, None, None] + (xp.arange(rows) * sh)[None, None, :, None]
    j = (xp.arange(kw) * dw)[None, :, None, None] + (xp.arange(cols) * sw)[None, None, None, :]
    picked = image[:, i, j]  # (C, kh, kw, rows, cols)
    return picked.reshape(channels * kh * kw, rows * cols)


@symbolic_op
def unfold(x, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """im2col of channels-first images: (N, C, H, W) -> (N, C kh kw, L), column l the
    flattened l-th window (row-major over the windows); differentiable.

    Args:
        x: a 4-D tensor (N, C, H, W), channels first.
        kernel_size: the window: an int or (kh, kw).
        dilation: the spacing of a window's taps. Defaults to ``1``.
        padding: zeros added on each side of H and W. Defaults to ``0``.
        stride: the step between windows. Defaults to ``1``.

    Example:
        >>> numnet.ops.unfold(numnet.ops.ones((1, 2, 4, 4)), 2, stride=2).shape
        (1, 8, 4)
    """
    x = _promote(x)[0] if not isinstance(x, Tensor) else x
    if x.ndim != 4:
        raise ValueError(f"unfold(x): expected a 4-D (N, C, H, W) tensor, given shape {x.shape}.")
    n, c, h, w = x.shape
    where = _unfold_positions(c, h, w, kernel_size, dilation, padding, stride)
    flat = _ops.reshape(x, (n, c * h * w))
    padded = _ops.concatenate([Tensor(backend.xp.zeros((n, 1), x.dtype)), flat], axis=1)
    return _ops.getitem(padded, (builtins.slice(None), where))


@symbolic_op
def fold(x, output_size, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:
    """col2im, the adjoint of ``unfold``: (N, C kh kw, L) -> (N, C, H, W), the windows' entries
    added up where they overlap; differentiable.

    Args:
        x: a 3-D tensor (N, C kh kw, L).
        output_size: (H, W), the image's size.
        kernel_size: the window: an int or (kh, kw).
        dilation: the spacing of a window's taps. Defaults to ``1``.
        padding: zeros that were added on each side of H and W. Defaults to ``0``.
        stride: the step between windows. Defaults to ``1``.

    Example:
        >>> patches = numnet.ops.unfold(numnet.ops.ones((1, 1, 3, 3)), 2)
        >>> numnet.ops.fold(patches, (3, 3), 2)[0, 0].tolist()
        [[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]]
    """
    x = _float(x)
    h, w = _pair_of(output_size, "fold(output_size)")
    kh, kw = _pair_of(kernel_size, "fold(kernel_size)")
    if x.ndim != 3 or x.shape[1] % (kh * kw):
        raise ValueError(f"fold(x): expected (N, C * {kh * kw}, L), given shape {x.shape}.")
    n, c = x.shape[0], x.shape[1] // (kh * kw)
    where = _unfold_positions(c, h, w, kernel_size, dilation, padding, stride)
    if where.shape[1] != x.shape[2]:
        raise ValueError(f"fold(x): an output of {(h, w)} with these windows has "
                         f"{where.shape[1]} of them, given L = {x.shape[2]}.")
    ids = (where[None] + (backend.xp.arange(n) * (c * h * w + 1))[:, None, None]).reshape(-1)
    summed = _ops.segment_sum(_ops.reshape(x, (-1,)), ids, n * (c * h * w + 1))
    summed = _ops.reshape(summed, (n, c * h * w + 1))
    return _ops.reshape(_ops.getitem(summed, (builtins.slice(None), builtins.slice(1, None))),
                        (n, c, h, w))


# ----------------------------------------------------------------------------- CTC

_LOG_ZERO = -1e5  # log(0) as Keras on JAX takes it: an impossible alignment costs ~1e5, not inf


def _ctc_one(logp, labels, blank):
    """(loss, d loss / d logp) of one sequence by the forward-backward recursions in log space:
    alpha over the labels with blanks between them (blank, l1, blank, l2, ..., blank)."""
    steps = logp.shape[0]
    ext = _numpy.full(2 * len(labels) + 1, blank)
    ext[1::2] = labels
    size = len(ext)
    skip = _numpy.zeros(size, bool)  # s may come from s - 2: a label unlike the one before
    skip[3::2] = ext[3::2] != ext[1:-2:2]
    emit = logp[:, ext]  # (T, S)
    alpha = _numpy.full((steps, size), _LOG_ZERO)
    beta = _numpy.full((steps, size), _LOG_ZERO)
    alpha[0, :2] = emit[0, :2]
    for t in range(1, steps):
        prev = alpha[t - 1]
        one = _numpy.concatenate([[_LOG_ZERO], prev[:-1]])
        two = _numpy.where(skip, _numpy.concatenate([[_LOG_ZERO] * 2, prev[:-2]]), _LOG_ZERO)
        alpha[t] = _numpy.logaddexp(_numpy.logaddexp(prev, one), two) + emit[t]
    beta[-1, -2:] = emit[-1, -2:]
    later_skip = _numpy.concatenate([skip[2:], [False, False]])  # s + 2 may come from s
    for t in range(steps - 2, -1, -1):
        nxt = beta[t + 1]
        one = _numpy.concatenate([nxt[1:], [_LOG_ZERO]])
        two = _numpy.where(later_skip, _numpy.concatenate([nxt[2:], [_LOG_ZERO] * 2]), _LOG_ZERO)
        beta[t] = _numpy.logaddexp(_numpy.logaddexp(nxt, one), two) + emit[t]
    log_p = _numpy.logaddexp(alpha[-1, -1], alpha[-1, -2]) if size > 1 else alpha[-1, -1]
    # d(-log p)/d logp[t, k] = -sum_{s: ext[s] = k} alpha beta / (p y[t, k])
    occupancy = _numpy.exp(alpha + beta - emit - log_p)
    grad = _numpy.zeros_like(logp)
    for t in range(steps):
        _numpy.add.at(grad[t], ext, -occupancy[t])
    return -log_p, grad


@symbolic_op
def ctc_loss(target, output, target_length, output_length, mask_index=0) -> Tensor:
    """The connectionist temporal classification loss per sequence: -log of the probability
    of ``target`` summed over every alignment of it with ``output`` (blanks between labels,
    repeats merged). ``output`` holds logits (a log-softmax is applied over the classes).
    Differentiable in output: d logits = softmax - the expected label occupancy.

    Args:
        target: (batch, max_label_length) int labels (entries past target_length ignored).
        output: (batch, max_time, num_classes) logits.
        target_length: (batch,) the length of each label sequence.
        output_length: (batch,) the number of valid time steps of each output.
        mask_index: the class used as the blank. Defaults to ``0``.

    Returns:
        (batch,) losses.

    Example:
        >>> logits = numnet.ops.zeros((1, 2, 2))  # two steps, classes {blank, a}, uniform
        >>> round(numnet.ops.ctc_loss([[1]], logits, [1], [2]).item(), 4)  # -log(3/4)
        0.2877
    """
    logits = _float(output)
    if logits.ndim != 3:
        raise ValueError(f"ctc_loss(output): expected (batch, time, classes) logits, given "
                         f"shape {logits.shape}.")
    labels = backend.to_numpy(_index(target))
    label_lengths = backend.to_numpy(_index(target_length)).reshape(-1)
    output_lengths = backend.to_numpy(_index(output_length)).reshape(-1)
    log_probs = _act.log_softmax(logits, axis=-1)
    values = backend.to_numpy(log_probs.value).astype(_numpy.float64)
    losses = _numpy.zeros(logits.shape[0])
    grads = _numpy.zeros(values.shape)
    for b in range(logits.shape[0]):
        steps = int(output_lengths[b])
        if steps <= 0:
            continue
        losses[b], grads[b, :steps] = _ctc_one(values[b, :steps], labels[b, :label_lengths[b]],
                                               int(mask_index))
    dtype = logits.dtype

    def backward(g):
        d = backend.to_device(grads).astype(dtype) * g[:, None, None]
        _ops.accumulate(log_probs, d)

    return _ops.node(backend.to_device(losses).astype(dtype), (log_probs,), backward)


def _greedy_paths(logits, lengths, merge_repeated, blank):
    steps = logits.shape[1]
    best = logits.argmax(-1)
    valid = _numpy.arange(steps)[None, :] < lengths[:, None]
    scores = -_numpy.where(valid, logits.max(-1), 0.0).sum(-1)
    paths = _numpy.full((logits.shape[0], steps), -1, dtype="int32")
    for b in range(logits.shape[0]):
        labels = best[b, :lengths[b]]
        if merge_repeated:
            labels = labels[_numpy.r_[True, labels[1:] != labels[:-1]]] if len(labels) else labels
        labels = labels[labels != blank]
        paths[b, :len(labels)] = labels
    return paths[None], scores[:, None]


def prefix_beam_search(log_probs, beam_width: int, top_paths: int, blank: int) -> list:
    """CTC prefix beam search over one sequence's log-softmax rows (frames, classes): each
    prefix keeps the log probability of its alignments ending in a blank and in a label; the
    ``beam_width`` best totals survive each frame, prefixes no alignment gives dropped. The
    ``top_paths`` best (labels, log probability), best first (fewer when fewer exist).

    Example:
        >>> import numpy as np
        >>> rows = np.log(np.array([[0.6, 0.4], [0.6, 0.4]]))  # class 1 is the blank: [0] is
        >>> # 00, 0- or -0 (0.84), [] is -- (0.16)
        >>> [(p, round(s, 4)) for p, s in prefix_beam_search(rows, 4, 2, blank=1)]
        [([0], -0.1744), ([], -1.8326)]
    """
    beams = {(): (0.0, -_numpy.inf)}  # prefix: (ends in blank, ends in a label)
    for row in log_probs:
        grown: dict = {}

        def add(prefix, with_blank, with_label, grown=grown):
            old = grown.get(prefix, (-_numpy.inf, -_numpy.inf))
            grown[prefix] = (_numpy.logaddexp(old[0], with_blank),
                             _numpy.logaddexp(old[1], with_label))

        for prefix, (pb, pl) in beams.items():
            add(prefix, _numpy.logaddexp(pb, pl) + row[blank], -_numpy.inf)
            for c in range(len(row)):
                if c == blank:
                    continue
                if prefix and prefix[-1] == c:
                    add(prefix, -_numpy.inf, pl + row[c])  # the label held on
                    add(prefix + (c,), -_numpy.inf, pb + row[c])  # repeated after a blank
                else:
                    add(prefix + (c,), -_numpy.inf, _numpy.logaddexp(pb, pl) + row[c])
        ranked = sorted(((prefix, scores) for prefix, scores in grown.items()
                         if _numpy.logaddexp(*scores) > -_numpy.inf),
                        key=lambda kv: -_numpy.logaddexp(*kv[1]))
        beams = dict(ranked[:beam_width])
    ranked = sorted(beams.items(), key=lambda kv: -_numpy.logaddexp(*kv[1]))[:top_paths]
    return [(list(prefix), float(_numpy.logaddexp(pb, pl))) for prefix, (pb, pl) in ranked]


def _beam_paths(logits, lengths, beam_width, top_paths, blank):
    """prefix_beam_search of each sequence, as ops.ctc_decode gives them: paths (top_paths,
    batch, steps) padded with -1, scores (batch, top_paths), -inf where none."""
    log_probs = logits - _numpy.logaddexp.reduce(logits, axis=-1, keepdims=True)
    batch, steps, _ = logits.shape
    paths = _numpy.full((top_paths, batch, steps), -1, dtype="int32")
    scores = _numpy.full((batch, top_paths), -_numpy.inf)
    for b in range(batch):
        found = prefix_beam_search(log_probs[b, :int(lengths[b])], beam_width, top_paths, blank)
        for k, (prefix, score) in enumerate(found):
            paths[k, b, :len(prefix)] = prefix
            scores[b, k] = score
    return paths, scores


@symbolic_op
def ctc_decode(inputs, sequence_lengths, strategy="greedy", beam_width=100, top_paths=1,
               merge_repeated=True, mask_index=0) -> tuple:
    """Label sequences from CTC outputs: "greedy" takes the best class per step, merges repeats
    (``merge_repeated``) and drops blanks; "beam_search" keeps the ``beam_width`` most likely
    prefixes (summing over their alignments) and returns the ``top_paths`` best. No gradient.

    Args:
        inputs: (batch, max_time, num_classes) logits.
        sequence_lengths: (batch,) the valid steps of each.
        strategy: 'greedy' or 'beam_search'. Defaults to ``'greedy'``.
        beam_width: the beam's size. Defaults to ``100``.
        top_paths: how many sequences beam search returns. Defaults to ``1``.
        merge_repeated: greedy only: merge repeated labels. Defaults to ``True``.
        mask_index: the blank class. Defaults to ``0``.

    Returns:
        (decoded, scores): decoded int32 (top_paths, batch, max_time), padded with -1; scores
        (batch, top_paths): greedy, minus the sum of the chosen logits; beam search, the log
        probability of each sequence.

    Example:
        >>> logits = numnet.ops.one_hot([[1, 1, 0, 2, 2]], 3) * 5.0
        >>> decoded, _ = numnet.ops.ctc_decode(logits, [5])
        >>> decoded.tolist()
        [[[1, 2, -1, -1, -1]]]
    """
    logits = backend.to_numpy(_float(inputs).value).astype(_numpy.float64)
    if logits.ndim != 3:
        raise ValueError(f"ctc_decode(inputs): expected (batch, time, classes) logits, given "
                         f"shape {logits.shape}.")
    lengths = backend.to_numpy(_index(sequence_lengths)).reshape(-1)
    blank = logits.shape[-1] - 1 if mask_index is None else int(mask_index)
    if strategy == "greedy":
        paths, scores = _greedy_paths(logits, lengths, merge_repeated, blank)
    elif strategy == "beam_search":
        paths, scores = _beam_paths(logits, lengths, int(beam_width), int(top_paths), blank)
    else:
        raise ValueError(f"ctc_decode(strategy): expected 'greedy' or 'beam_search', given "
                         f"{strategy!r}.")
    dtype = _float(inputs).dtype
    return (Tensor(backend.to_device(paths)),
            Tensor(backend.to_device(scores).astype(dtype)))


@symbolic_op
def polar(abs_, angle) -> Tensor:
    """The complex numbers abs_ * (cos(angle) + i sin(angle)), as torch.polar (complex64 for
    float32 input). Forward only.

    Args:
        abs_: the magnitudes.
        angle: the angles in radians (broadcast against abs_).

    Example:
        >>> numnet.ops.polar([2.0], [0.0]).tolist()
        [(2+0j)]
    """
    r, theta = _promote(abs_, angle)
    if not _is_float(r.dtype):
        r, theta = _ops.cast(r, backend.floatx()), _ops.cast(theta, backend.floatx())
    xp = backend.xp
    dtype = _numpy.complex128 if r.dtype == _numpy.float64 else _numpy.complex64
    value = r.value * xp.cos(theta.value) + 1j * (r.value * xp.sin(theta.value))
    return Tensor(value.astype(dtype))



__all__ = [
    "adaptive_average_pool", "adaptive_max_pool", "batch_normalization", "conv_transpose",
    "ctc_decode", "ctc_loss",
    "depth_to_space", "depthwise_conv", "dot_product_attention", "fold", "layer_normalization",
    "polar", "psnr", "rms_normalization", "separable_conv", "space_to_depth", "unfold",
    "average_pool", "binary_crossentropy", "categorical_crossentropy", "celu", "conv", "elu",
    "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "leaky_relu", "log_sigmoid", "log_softmax", "max_pool", "moments", "multi_hot",
    "normalize", "one_hot", "relu", "relu6", "selu", "sigmoid", "silu", "soft_shrink",
    "softmax", "softplus", "softsign", "sparse_categorical_crossentropy", "sparse_plus",
    "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh_shrink", "threshold",
]
