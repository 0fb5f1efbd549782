"""Activation functions: by name, as functions on Tensors or arrays, and as raw kernels.

Each activation is a kernel pair, forward ``y = f(z)`` and backward ``dz = f'(z) * g`` written from
``z`` and the output ``y``. ``Dense`` fuses the kernel into its own node; called on a Tensor the
function records a node of its own. Defaults follow Keras 3.

Why one file of about 1000 lines: each activation is a small forward/backward pair, and the
registry by name sits beside them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable

from . import backend
from .autodiff import ops
from .autodiff import symbolic as _symbolic
from .autodiff.tensor import Tensor
from .naming import close_matches as _close_matches


class Kernel:
    """forward(z) -> y and backward(z, y, g) -> dz of one activation, on raw arrays.

    ``keeps_logits`` is "softmax" or "sigmoid" for the outputs a cross-entropy can take back to
    their logits (a softmax over ``axis``), else False. ``in_place``: forward(z, z) may write y
    over z, and backward(y, y, g) equals backward(z, y, g) (relu: z > 0 exactly where y > 0).
    ``fused``: "relu" or "softmax" (over the last axis) where Dense may run the activation, its
    bias and their gradients as the compiled kernels of ``fast.kernels``; else None.
    """

    __slots__ = ("name", "forward", "backward", "keeps_logits", "axis", "in_place", "fused")

    def __init__(self, name, forward, backward, keeps_logits=False, axis=-1, in_place=False,
                 fused=None):
        self.name = name
        self.forward = forward
        self.backward = backward
        self.keeps_logits = keeps_logits
        self.axis = axis
        self.in_place = in_place
        self.fused = fused

    def __repr__(self) -> str:
        return f"<activation kernel {self.name}>"


def _xp():
    return backend.xp


# ----------------------------------------------------------------------------- kernels


def _relu_forward(z, out=None):
    return _xp().maximum(z, 0, out=out)


def _relu_backward(z, y, g):
    return g * (z > 0)


def _relu_kernel(negative_slope=0.0, max_value=None, threshold=0.0) -> Kernel:
    """As Keras: y = clip(z if z > threshold else 0, 0, max_value) - slope * max(threshold - z, 0).

    The clip at 0 applies only with a ``max_value``.
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return _KERNELS["relu"]

    def forward(z):
        xp = _xp()
        y = xp.where(z > threshold, z, 0)
        if max_value is not None:
            y = xp.clip(y, 0, max_value)
        if negative_slope:
            y = y - negative_slope * xp.maximum(threshold - z, 0)
        return y.astype(z.dtype, copy=False)

    def backward(z, y, g):
        slope = z > threshold
        if max_value is not None:
            slope = slope & (z > 0) & (z < max_value)
        slope = slope.astype(z.dtype)
        if negative_slope:
            slope += negative_slope * (z < threshold)
        return g * slope

    return Kernel("relu", forward, backward)


def _sigmoid_backward(z, y, g):
    return g * y * (1 - y)


def _tanh_backward(z, y, g):
    return g * (1 - y * y)


def _softmax_kernel(axis=-1) -> Kernel:
    if axis == -1 and "softmax" in _KERNELS:
        return _KERNELS["softmax"]

    def backward(z, y, g):
        return y * (g - (g * y).sum(axis=axis, keepdims=True))

    return Kernel("softmax", lambda z: ops.softmax_values(z, axis), backward, "softmax", axis,
                  fused="softmax" if axis == -1 else None)


def _log_softmax_kernel(axis=-1) -> Kernel:
    def backward(z, y, g):
        return g - _xp().exp(y) * g.sum(axis=axis, keepdims=True)

    return Kernel("log_softmax", lambda z: ops.log_softmax_values(z, axis), backward)


def _leaky_relu_kernel(negative_slope=0.2) -> Kernel:
    def forward(z):
        return _xp().where(z > 0, z, negative_slope * z).astype(z.dtype, copy=False)

    def backward(z, y, g):
        return g * _xp().where(z > 0, 1.0, negative_slope).astype(z.dtype, copy=False)

    return Kernel("leaky_relu", forward, backward)


def _elu_kernel(alpha=1.0, scale=1.0, name="elu") -> Kernel:
    def forward(z):
        xp = _xp()
        neg = alpha * xp.expm1(xp.minimum(z, 0))
        return (scale * xp.where(z > 0, z, neg)).astype(z.dtype, copy=False)

    def backward(z, y, g):
        xp = _xp()
        slope = xp.where(z > 0, scale, scale * alpha * xp.exp(xp.minimum(z, 0)))
        return g * slope.astype(z.dtype, copy=False)

    return Kernel(name, forward, backward)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)


def _erf(x):
    """erf(x) from the Chebyshev fit of erfc in Numerical Recipes (fractional error < 1.2e-7)."""
    xp = _xp()
    z = xp.abs(x)
    t = 1 / (1 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (
        -0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (
            -0.82215223 + t * 0.17087277))))))))
    erfc = t * xp.exp(poly)
    return xp.where(x >= 0, 1 - erfc, erfc - 1)


def _gelu_kernel(approximate=False) -> Kernel:
    if approximate:

        def forward(z):
            inner = _SQRT_2_OVER_PI * (z + 0.044715 * z**3)
            return 0.5 * z * (1 + _xp().tanh(inner))

        def backward(z, y, g):
            t = _xp().tanh(_SQRT_2_OVER_PI * (z + 0.044715 * z**3))
            d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * z * z)
            return g * (0.5 * (1 + t) + 0.5 * z * (1 - t * t) * d_inner)

        return Kernel("gelu", forward, backward)

    def forward(z):
        return (0.5 * z * (1 + _erf(z / math.sqrt(2)))).astype(z.dtype, copy=False)

    def backward(z, y, g):
        cdf = 0.5 * (1 + _erf(z / math.sqrt(2)))
        pdf = _xp().exp(-0.5 * z * z) / math.sqrt(2 * math.pi)
        return (g * (cdf + z * pdf)).astype(z.dtype, copy=False)

    return Kernel("gelu", forward, backward)


def _silu_forward(z):
    return z * ops.sigmoid_values(z)


def _silu_backward(z, y, g):
    s = ops.sigmoid_values(z)
    return g * s * (1 + z * (1 - s))


def _softplus_forward(z):
    xp = _xp()
    return xp.log1p(xp.exp(-xp.abs(z))) + xp.maximum(z, 0)


def _softplus_backward(z, y, g):
    return g * ops.sigmoid_values(z)


def _softsign_backward(z, y, g):
    d = 1 + _xp().abs(z)
    return g / (d * d)


def _hard_sigmoid_forward(z):
    return _xp().clip(z / 6 + 0.5, 0, 1)


def _hard_sigmoid_backward(z, y, g):
    return g * ((z > -3) & (z < 3)) / 6


def _hard_silu_forward(z):
    return z * _hard_sigmoid_forward(z)


def _hard_silu_backward(z, y, g):
    return g * (_hard_sigmoid_forward(z) + z * ((z > -3) & (z < 3)) / 6)


def _mish_forward(z):
    return z * _xp().tanh(_softplus_forward(z))


def _mish_backward(z, y, g):
    t = _xp().tanh(_softplus_forward(z))
    return g * (t + z * (1 - t * t) * ops.sigmoid_values(z))


def _celu_kernel(alpha=1.0) -> Kernel:
    def forward(z):
        xp = _xp()
        return (xp.maximum(z, 0) + alpha * xp.expm1(xp.minimum(z, 0) / alpha)).astype(
            z.dtype, copy=False)

    def backward(z, y, g):
        xp = _xp()
        slope = xp.where(z > 0, 1, xp.exp(xp.minimum(z, 0) / alpha))
        return g * slope.astype(z.dtype, copy=False)

    return Kernel("celu", forward, backward)


def _hard_shrink_kernel(threshold=0.5) -> Kernel:
    def forward(z):
        return _xp().where(_xp().abs(z) > threshold, z, 0).astype(z.dtype, copy=False)

    def backward(z, y, g):
        return g * (_xp().abs(z) > threshold)

    return Kernel("hard_shrink", forward, backward)


def _soft_shrink_kernel(threshold=0.5) -> Kernel:
    def forward(z):
        xp = _xp()
        shrunk = xp.where(z < -threshold, z + threshold, 0)
        return xp.where(z > threshold, z - threshold, shrunk).astype(z.dtype, copy=False)

    def backward(z, y, g):
        return g * ((z > threshold) | (z < -threshold))

    return Kernel("soft_shrink", forward, backward)


def _threshold_kernel(threshold, default_value) -> Kernel:
    def forward(z):
        return _xp().where(z > threshold, z, default_value).astype(z.dtype, copy=False)

    def backward(z, y, g):
        return g * (z > threshold)

    return Kernel("threshold", forward, backward)


def _squareplus_kernel(b=4) -> Kernel:
    def forward(z):
        return ((z + _xp().sqrt(z * z + b)) / 2).astype(z.dtype, copy=False)

    def backward(z, y, g):
        return (g * (1 + z / _xp().sqrt(z * z + b)) / 2).astype(z.dtype, copy=False)

    return Kernel("squareplus", forward, backward)


def _hard_tanh_backward(z, y, g):
    return g * ((z >= -1) & (z <= 1))


def _log_sigmoid_forward(z):
    xp = _xp()
    return xp.minimum(z, 0) - xp.log1p(xp.exp(-xp.abs(z)))


def _log_sigmoid_backward(z, y, g):
    return g * ops.sigmoid_values(-z)


def _sparse_plus_forward(z):
    xp = _xp()
    inside = (z + 1) * (z + 1) / 4
    return xp.where(z <= -1, 0, xp.where(z < 1, inside, z)).astype(z.dtype, copy=False)


def _sparse_plus_backward(z, y, g):
    xp = _xp()
    return g * xp.where(z <= -1, 0, xp.where(z < 1, (z + 1) / 2, 1)).astype(z.dtype, copy=False)


def _tanh_shrink_backward(z, y, g):
    t = _xp().tanh(z)
    return g * t * t


def _sparse_sigmoid_backward(z, y, g):
    return g * ((z > -1) & (z < 1)) / 2


def _sparsemax_values(z, axis=-1):
    """max(z - tau, 0), tau the threshold at which the outputs sum to 1 (Martins & Astudillo):
    with z sorted in decreasing order, k = max{j : 1 + j z_(j) > z_(1) + ... + z_(j)} and
    tau = (z_(1) + ... + z_(k) - 1) / k."""
    xp = _xp()
    z = z - z.max(axis=axis, keepdims=True)  # the same result, with smaller partial sums
    ordered = -xp.sort(-z, axis=axis)
    partial = xp.cumsum(ordered, axis=axis)
    shape = [1] * z.ndim
    shape[axis] = -1
    j = xp.arange(1, z.shape[axis] + 1, dtype=z.dtype).reshape(shape)
    k = (1 + j * ordered > partial).sum(axis=axis, keepdims=True)
    tau = (xp.take_along_axis(partial, k - 1, axis=axis) - 1) / k.astype(z.dtype)
    return xp.maximum(z - tau, 0).astype(z.dtype, copy=False)


def _sparsemax_kernel(axis=-1) -> Kernel:
    if axis == -1 and "sparsemax" in _KERNELS:
        return _KERNELS["sparsemax"]

    def backward(z, y, g):
        # The Jacobian is diag(s) - s s^T / |S| on the support S (s its indicator): y > 0.
        s = (y > 0).astype(g.dtype)
        mean_on_support = (g * s).sum(axis=axis, keepdims=True) / s.sum(axis=axis, keepdims=True)
        return s * (g - mean_on_support)

    return Kernel("sparsemax", lambda z: _sparsemax_values(z, axis), backward, axis=axis)


_KERNELS: dict[str, Kernel] = {}
_KERNELS["relu"] = Kernel("relu", _relu_forward, _relu_backward, in_place=True, fused="relu")
_KERNELS["sigmoid"] = Kernel("sigmoid", ops.sigmoid_values, _sigmoid_backward, "sigmoid",
                             fused="sigmoid")
_KERNELS["tanh"] = Kernel("tanh", lambda z: _xp().tanh(z), _tanh_backward)
_KERNELS["softmax"] = _softmax_kernel(-1)
_KERNELS["log_softmax"] = _log_softmax_kernel(-1)
_KERNELS["leaky_relu"] = _leaky_relu_kernel(0.2)
_KERNELS["elu"] = _elu_kernel(1.0)
_KERNELS["selu"] = _elu_kernel(_SELU_ALPHA, _SELU_SCALE, "selu")
_KERNELS["gelu"] = _gelu_kernel(False)
_KERNELS["silu"] = Kernel("silu", _silu_forward, _silu_backward)
_KERNELS["softplus"] = Kernel("softplus", _softplus_forward, _softplus_backward)
_KERNELS["softsign"] = Kernel("softsign", lambda z: z / (1 + _xp().abs(z)), _softsign_backward)
_KERNELS["hard_sigmoid"] = Kernel("hard_sigmoid", _hard_sigmoid_forward, _hard_sigmoid_backward)
_KERNELS["hard_silu"] = Kernel("hard_silu", _hard_silu_forward, _hard_silu_backward)
_KERNELS["exponential"] = Kernel("exponential", lambda z: _xp().exp(z), lambda z, y, g: g * y)
_KERNELS["relu6"] = _relu_kernel(max_value=6.0)
_KERNELS["relu6"].name = "relu6"
_KERNELS["mish"] = Kernel("mish", _mish_forward, _mish_backward)
_KERNELS["celu"] = _celu_kernel(1.0)
_KERNELS["hard_shrink"] = _hard_shrink_kernel(0.5)
_KERNELS["soft_shrink"] = _soft_shrink_kernel(0.5)
_KERNELS["squareplus"] = _squareplus_kernel(4)
_KERNELS["hard_tanh"] = Kernel("hard_tanh", lambda z: _xp().clip(z, -1, 1), _hard_tanh_backward)
_KERNELS["log_sigmoid"] = Kernel("log_sigmoid", _log_sigmoid_forward, _log_sigmoid_backward)
_KERNELS["sparse_plus"] = Kernel("sparse_plus", _sparse_plus_forward, _sparse_plus_backward)
_KERNELS["tanh_shrink"] = Kernel("tanh_shrink", lambda z: z - _xp().tanh(z),
                                 _tanh_shrink_backward)
_KERNELS["sparse_sigmoid"] = Kernel("sparse_sigmoid", lambda z: _xp().clip((z + 1) / 2, 0, 1),
                                    _sparse_sigmoid_backward)
_KERNELS["sparsemax"] = _sparsemax_kernel(-1)


# kernels whose result on integers is an integer (as Keras's relu on an int tensor; booleans
# give int32); Keras's relu6 of integers is a float
_KEEPS_INTEGERS = frozenset({"relu", "hard_tanh"})


def _apply(x, kernel: Kernel | None):
    if kernel is None:
        return x if isinstance(x, Tensor) else ops.as_tensor(x)
    if not isinstance(x, Tensor) and not _symbolic.is_symbolic(x):
        x = ops.as_tensor(x)
    if isinstance(x, Tensor) and x.dtype.kind in "biu":
        if kernel.name not in _KEEPS_INTEGERS:
            # sigmoid, tanh, elu ... of integers or booleans compute in floatx, as Keras's: the
            # kernels would otherwise write their results into an integer array (sigmoid(1) = 0)
            x = ops.cast(x, backend.floatx())
        elif x.dtype.kind == "b":
            x = ops.cast(x, "int32")
    return ops.activation(x, kernel)


# ----------------------------------------------------------------------------- public functions


def linear(x):
    """Identity: f(z) = z.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.linear(z).numpy()
        array([-2.,  0.,  3.], dtype=float32)
    """
    return _apply(x, None)


def relu(x, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0):
    """max(z, 0); with ``negative_slope``, ``max_value`` and ``threshold`` as Keras's relu.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).
        negative_slope: the slope below the threshold (0: the plain ReLU). Defaults to ``0.0``.
        max_value: the largest output, or None for no cap. Defaults to ``None``.
        threshold: the value below which the output is ``negative_slope * (z - threshold)``.
            Defaults to ``0.0``.

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.relu(z).numpy()
        array([0., 0., 3.], dtype=float32)
        >>> numnet.activations.relu(z, negative_slope=0.1, max_value=2.0).numpy()
        array([-0.2,  0. ,  2. ], dtype=float32)
    """
    return _apply(x, _relu_kernel(negative_slope, max_value, threshold))


def relu6(x):
    """min(max(z, 0), 6).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> numnet.activations.relu6(np.array([-1.0, 3.0, 8.0], 'float32')).numpy()
        array([0., 3., 6.], dtype=float32)
    """
    return _apply(x, _KERNELS["relu6"])


def sigmoid(x):
    """1 / (1 + exp(-z)). The result remembers its logits for a stable cross-entropy.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.sigmoid(z).numpy().round(4)
        array([0.1192, 0.5   , 0.9526], dtype=float32)
    """
    return _apply(x, _KERNELS["sigmoid"])


def tanh(x):
    """tanh(z).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.tanh(z).numpy().round(4)
        array([-0.964 ,  0.    ,  0.9951], dtype=float32)
    """
    return _apply(x, _KERNELS["tanh"])


def softmax(x, axis: int = -1):
    """exp(z_j) / sum_k exp(z_k) along ``axis``, computed stably (the max is subtracted first).

    Args:
        x: the input z: an array or a Tensor of any shape (the output has the same).
        axis: the axis the probabilities are taken over. Defaults to ``-1``.

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> p = numnet.activations.softmax(np.array([[1.0, 2.0, 3.0]], 'float32')).numpy()
        >>> p.round(4), float(p.sum())
        (array([[0.09  , 0.2447, 0.6652]], dtype=float32), 1.0)
    """
    return _apply(x, _softmax_kernel(axis))


def log_softmax(x, axis: int = -1):
    """z_j - log sum_k exp(z_k) along ``axis``.

    Args:
        x: the input z: an array or a Tensor of any shape (the output has the same).
        axis: the axis the probabilities are taken over. Defaults to ``-1``.

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _log_softmax_kernel(axis))


def leaky_relu(x, negative_slope: float = 0.2):
    """z if z > 0 else negative_slope * z (Keras 3 default slope 0.2).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).
        negative_slope: the slope for z < 0. Defaults to ``0.2``.

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.leaky_relu(z).numpy()
        array([-0.4,  0. ,  3. ], dtype=float32)
    """
    return _apply(x, _leaky_relu_kernel(negative_slope))


def elu(x, alpha: float = 1.0):
    """z if z > 0 else alpha * (exp(z) - 1).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).
        alpha: the scale of the negative part, which tends to -alpha. Defaults to ``1.0``.

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.elu(z).numpy().round(4)
        array([-0.8647,  0.    ,  3.    ], dtype=float32)
    """
    return _apply(x, _elu_kernel(alpha))


def selu(x):
    """scale * elu(z, alpha) with alpha = 1.67326324, scale = 1.05070098.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _KERNELS["selu"])


def gelu(x, approximate: bool = False):
    """z * Phi(z) = 0.5 z (1 + erf(z / sqrt 2)); the tanh form when ``approximate``.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).
        approximate: use the tanh approximation 0.5 z (1 + tanh(sqrt(2 / pi) (z + 0.044715 z^3))).
            Defaults to ``False``.

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.gelu(z).numpy().round(4)
        array([-0.0455,  0.    ,  2.996 ], dtype=float32)
    """
    return _apply(x, _gelu_kernel(approximate))


def silu(x):
    """z * sigmoid(z) (also called swish).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.silu(z).numpy().round(4)
        array([-0.2384,  0.    ,  2.8577], dtype=float32)
    """
    return _apply(x, _KERNELS["silu"])


swish = silu


def softplus(x):
    """log(1 + exp(z)), computed stably.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.softplus(z).numpy().round(4)
        array([0.1269, 0.6931, 3.0486], dtype=float32)
    """
    return _apply(x, _KERNELS["softplus"])


def softsign(x):
    """z / (1 + |z|).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.softsign(z).numpy().round(4)
        array([-0.6667,  0.    ,  0.75  ], dtype=float32)
    """
    return _apply(x, _KERNELS["softsign"])


def hard_sigmoid(x):
    """0 if z <= -3, 1 if z >= 3, else z / 6 + 0.5.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.

    Example:
        >>> z = np.array([-2.0, 0.0, 3.0], 'float32')
        >>> numnet.activations.hard_sigmoid(z).numpy().round(4)
        array([0.1667, 0.5   , 1.    ], dtype=float32)
    """
    return _apply(x, _KERNELS["hard_sigmoid"])


def hard_silu(x):
    """z * hard_sigmoid(z) (also called hard_swish).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _KERNELS["hard_silu"])


hard_swish = hard_silu


def exponential(x):
    """exp(z).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _KERNELS["exponential"])


def mish(x):
    """z * tanh(softplus(z)).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _KERNELS["mish"])


def celu(x, alpha: float = 1.0):
    """z if z >= 0 else alpha * (exp(z / alpha) - 1) (Keras 3 default alpha 1.0).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).
        alpha: the scale of the negative part. Defaults to ``1.0``.

    Returns:
        A Tensor of the same shape as ``x``.
    """
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or alpha == 0:
        raise ValueError(f"celu(alpha): expected a nonzero number (it divides z), given "
                         f"{alpha!r}; the default is 1.0.")
    return _apply(x, _KERNELS["celu"] if alpha == 1.0 else _celu_kernel(alpha))


def glu(x, axis: int = -1):
    """a * sigmoid(b), where a and b are the first and the second half of z along ``axis``.

    The output has half as many values along ``axis`` as the input.

    Args:
        x: the input z: its ``axis`` must have an even size.
        axis: the axis that is split in two halves. Defaults to ``-1``.

    Returns:
        A Tensor like ``x`` with ``axis`` halved.
    """
    x = x if isinstance(x, Tensor) else ops.as_tensor(x)
    if x.dtype.kind in "biu":  # halves of integers: floatx, as the other activations
        x = ops.cast(x, backend.floatx())
    size = x.shape[axis]
    if size % 2:
        raise ValueError(
            f"glu(x, axis={axis}): the size of axis {axis} must be even to split it into two "
            f"halves, given shape {x.shape}; give the layer before it an even number of units.")
    head = [slice(None)] * x.ndim
    tail = list(head)
    head[axis], tail[axis] = slice(0, size // 2), slice(size // 2, size)
    return ops.multiply(ops.getitem(x, tuple(head)), sigmoid(ops.getitem(x, tuple(tail))))


def hard_shrink(x, threshold: float = 0.5):
    """z if |z| > threshold else 0 (Keras 3 default threshold 0.5).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).
        threshold: the magnitude below which values become 0. Defaults to ``0.5``.

    Returns:
        A Tensor of the same shape as ``x``.
    """
    kernel = _KERNELS["hard_shrink"] if threshold == 0.5 else _hard_shrink_kernel(threshold)
    return _apply(x, kernel)


def hard_tanh(x):
    """-1 if z < -1, 1 if z > 1, else z.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _KERNELS["hard_tanh"])


def log_sigmoid(x):
    """log(sigmoid(z)) = -softplus(-z), computed stably.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _KERNELS["log_sigmoid"])


def soft_shrink(x, threshold: float = 0.5):
    """z - threshold if z > threshold, z + threshold if z < -threshold, else 0 (default 0.5).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).
        threshold: the magnitude subtracted from every value (values within it become 0). Defaults
            to ``0.5``.

    Returns:
        A Tensor of the same shape as ``x``.
    """
    kernel = _KERNELS["soft_shrink"] if threshold == 0.5 else _soft_shrink_kernel(threshold)
    return _apply(x, kernel)


def sparse_plus(x):
    """0 if z <= -1, (z + 1)^2 / 4 if -1 < z < 1, z if z >= 1.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _KERNELS["sparse_plus"])


def squareplus(x, b: float = 4):
    """(z + sqrt(z^2 + b)) / 2, a smooth relu whose smoothness is ``b`` >= 0 (default 4).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).
        b: the smoothness, b ≥ 0 (b = 0 gives the ReLU). Defaults to ``4``.

    Returns:
        A Tensor of the same shape as ``x``.
    """
    if isinstance(b, bool) or not isinstance(b, numbers.Real) or b < 0:
        raise ValueError(f"squareplus(b): expected a number >= 0, given {b!r}; the default is 4.")
    return _apply(x, _KERNELS["squareplus"] if b == 4 else _squareplus_kernel(b))


def tanh_shrink(x):
    """z - tanh(z).

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _KERNELS["tanh_shrink"])


def threshold(x, threshold: float | None = None, default_value: float | None = None):
    """z if z > threshold else default_value. Both arguments are required, as in Keras; as a
    layer's activation, pass a function: Activation(lambda z: threshold(z, 0.5, 0.0)).

    Integers (booleans as int32) with an integer ``default_value`` stay integers, as Keras's;
    a float default_value gives floatx.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).
        threshold: values above it are kept (required). Defaults to ``None``.
        default_value: the value given to the others (required). Defaults to ``None``.

    Returns:
        A Tensor of the same shape as ``x``.
    """
    if threshold is None or default_value is None:
        raise TypeError(
            f"threshold(x, threshold, default_value): both values are required, given "
            f"threshold={threshold!r}, default_value={default_value!r}; the name 'threshold' "
            "alone cannot choose them, so pass a function such as "
            "lambda z: activations.threshold(z, 0.5, 0.0).")
    if not isinstance(x, Tensor) and not _symbolic.is_symbolic(x):
        x = ops.as_tensor(x)
    integral = isinstance(default_value, numbers.Integral) and not isinstance(default_value, bool)
    if isinstance(x, Tensor) and x.dtype.kind in "biu" and integral:
        z = x.value.astype("int32") if x.dtype.kind == "b" else x.value
        return Tensor(backend.xp.where(z > threshold, z, default_value).astype(z.dtype))
    return _apply(x, _threshold_kernel(threshold, default_value))


def sparse_sigmoid(x):
    """0 if z <= -1, 1 if z >= 1, else (z + 1) / 2.

    Args:
        x: the input z: an array, a number or a Tensor, of any shape (the output has the same).

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _KERNELS["sparse_sigmoid"])


def sparsemax(x, axis: int = -1):
    """max(z - tau, 0) along ``axis``: the point of the probability simplex closest to z, so

    the outputs sum to 1 and the small ones are exactly 0 (tau as in Martins & Astudillo, 2016).

    Args:
        x: the input z: an array or a Tensor of any shape (the output has the same).
        axis: the axis the probabilities are taken over. Defaults to ``-1``.

    Returns:
        A Tensor of the same shape as ``x``.
    """
    return _apply(x, _sparsemax_kernel(axis))


_FUNCTIONS: dict[str, Callable] = {
    "linear": linear,
    "relu": relu,
    "relu6": relu6,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "leaky_relu": leaky_relu,
    "elu": elu,
    "selu": selu,
    "gelu": gelu,
    "silu": silu,
    "swish": silu,
    "softplus": softplus,
    "softsign": softsign,
    "hard_sigmoid": hard_sigmoid,
    "hard_silu": hard_silu,
    "hard_swish": hard_silu,
    "exponential": exponential,
    "mish": mish,
    "celu": celu,
    "glu": glu,
    "hard_shrink": hard_shrink,
    "hard_tanh": hard_tanh,
    "log_sigmoid": log_sigmoid,
    "soft_shrink": soft_shrink,
    "sparse_plus": sparse_plus,
    "squareplus": squareplus,
    "tanh_shrink": tanh_shrink,
    "threshold": threshold,
    "sparse_sigmoid": sparse_sigmoid,
    "sparsemax": sparsemax,
}


def _symbolic_activations() -> None:
    """Called on a symbolic tensor (``keras.Input``), an activation records a node of the
    graph, as Keras's do: each public function is wrapped once, under its own name."""
    wrapped: dict = {}
    for name, fn in _FUNCTIONS.items():
        if fn not in wrapped:
            wrapped[fn] = _symbolic.symbolic_op(fn, name=f"activations.{fn.__name__}")
            globals()[fn.__name__] = wrapped[fn]
        _FUNCTIONS[name] = wrapped[fn]
    by_id = {id(fn): symbolic for fn, symbolic in wrapped.items()}
    module = globals()
    for alias, value in list(module.items()):  # swish = silu, hard_swish = hard_silu
        if id(value) in by_id:
            module[alias] = by_id[id(value)]


_symbolic_activations()
_NAME_OF = {fn: name for name, fn in reversed(list(_FUNCTIONS.items()))}


def get(identifier) -> Callable:
    """The activation for a name, a function, or None (linear).

    Args:
        identifier: a name ('relu'), a function, a Keras config dict, or None (linear).

    Returns:
        The activation function.

    Raises:
        ValueError: for an unknown name, with the closest names.

    Example:
        >>> numnet.activations.get('relu') is numnet.activations.relu
        True
    """
    if identifier is None:
        return linear
    if isinstance(identifier, str):
        fn = _FUNCTIONS.get(identifier.lower())
        if fn is None:
            close = _close_matches(identifier.lower(), list(_FUNCTIONS), n=3)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(
                f"activation: unknown name {identifier!r}; expected one of "
                f"{sorted(_FUNCTIONS)}.{hint}"
            )
        return fn
    if isinstance(identifier, dict):
        inner = identifier.get("config", identifier)
        if isinstance(inner, str):  # Keras's {"class_name": "function", "config": "relu"}
            return get(inner)
        return get(inner.get("name", identifier.get("class_name")))
    if callable(identifier):
        return identifier
    raise TypeError(
        f"activation: expected a name, a callable or None, given {type(identifier).__name__} "
        f"{identifier!r}."
    )


def kernel_of(fn: Callable) -> Kernel | None:
    """The fusable kernel of a built-in activation at its defaults (None for linear or custom)."""
    name = _NAME_OF.get(fn)
    if name is None or name == "linear":
        return None
    # glu changes the shape and threshold has no defaults: they run as functions of their own.
    return _KERNELS.get("silu" if name == "swish" else name)


def output_shape(fn: Callable, input_shape) -> tuple:
    """The shape of ``fn``'s output for an input of ``input_shape``: glu halves the last axis,
    the other built-in activations keep the shape."""
    input_shape = tuple(input_shape)
    if fn is glu and input_shape and input_shape[-1] is not None:
        return input_shape[:-1] + (input_shape[-1] // 2,)
    return input_shape


def serialize(activation: Callable) -> str:
    """The name of a built-in activation (custom functions by their ``__name__``).

    Args:
        activation: an activation function.

    Returns:
        Its name, which ``deserialize`` and ``get`` accept.

    Example:
        >>> numnet.activations.serialize(numnet.activations.relu)
        'relu'
    """
    return _NAME_OF.get(activation, getattr(activation, "__name__", str(activation)))


def deserialize(config, custom_objects: dict | None = None) -> Callable:
    """The activation function ``config`` names (as ``get``), looked up first in
    ``custom_objects`` and among the objects registered with numnet.saving.

    Args:
        config: an activation's name, or a Keras config dict such as
            ``{"class_name": "function", "config": "relu"}``.
        custom_objects: ``{name: function}`` of one's own activations, or None. Defaults to
            ``None``.

    Returns:
        The activation function.

    Raises:
        ValueError: for an unknown name, with the closest names.

    Example:
        >>> def scaled(x):
        ...     return 2 * x
        >>> numnet.activations.deserialize("scaled", custom_objects={"scaled": scaled}) is scaled
        True
    """
    from .registry import get_registered_object

    name = config
    if isinstance(config, dict):
        inner = config.get("config")
        name = inner if isinstance(inner, str) else config.get("class_name")
    found = get_registered_object(name, custom_objects) if isinstance(name, str) else None
    return found if callable(found) else get(config)


__all__ = [
    "celu", "deserialize", "elu", "exponential", "gelu", "get", "glu", "hard_shrink",
    "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh", "leaky_relu", "linear",
    "log_sigmoid", "log_softmax", "mish", "relu", "relu6", "selu", "serialize", "sigmoid", "silu",
    "soft_shrink", "softmax", "softplus", "softsign", "sparse_plus", "sparse_sigmoid",
    "sparsemax", "squareplus", "swish", "tanh", "tanh_shrink", "threshold",
]
