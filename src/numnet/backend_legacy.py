"""The Keras 1/2 backend functions that ``tf.keras.backend`` still carries under TensorFlow 2 with
Keras 3 (``K.sum``, ``K.clip``, ``K.random_normal``, ``K.set_value``, ``K.int_shape``, ...), on
numnet's ops: ``from numnet.keras import backend as K`` then ``K.mean(K.square(y_true - y_pred),
axis=-1)``.

Each function takes arrays, Python numbers or Tensors and returns a numnet Tensor that records
its gradient, so custom losses, metrics and layers written with ``K.*`` train under numnet.
Argument names and defaults are those of Keras's legacy backend (``axis=None, keepdims=False``
for the reductions, ``from_logits=False`` for the cross-entropies). numnet imports this module
the first time a program asks ``numnet.backend`` for one of these names, not at ``import numnet``.

Where numnet differs: ``K.gradients`` reads numnet's tape eagerly (TensorFlow 2 refuses it
outside a graph); ``K.set_value`` works on an optimizer's ``learning_rate`` (Keras 3 on
TensorFlow 2.21 raises AttributeError there); ``ctc_label_dense_to_sparse`` returns a
``SparseLabels`` (indices, values, dense_shape) in place of a ``tf.SparseTensor``; ``variable``
of a SciPy sparse matrix holds its dense values.
"""

from __future__ import annotations

import builtins
import math as _math
from typing import NamedTuple

import numpy

from . import backend as _backend
from . import nn as _nn
from . import ops as _ops
from . import random as _random
from . import scopes as _scopes
from .autodiff.tape import GradientTape
from .autodiff.tensor import Tensor, Variable

_py_all = builtins.all
_py_any = builtins.any
_py_sum = builtins.sum
_py_round = builtins.round
_py_max = builtins.max


def _tensor(x) -> Tensor:
    return x if isinstance(x, Tensor) else _ops.convert_to_tensor(x)


def _data_format(data_format, fn: str) -> str:
    data_format = _backend.image_data_format() if data_format is None else data_format
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"{fn}(data_format): expected 'channels_first' or 'channels_last', "
                         f"given {data_format!r}.")
    return data_format


def _padding(padding, fn: str) -> str:
    if padding not in ("same", "valid"):
        raise ValueError(f"{fn}(padding): expected 'same' or 'valid', given {padding!r}.")
    return padding


def _float_name(dtype) -> str:
    return numpy.dtype(_backend.floatx() if dtype is None else dtype).name


def _as_float(x: Tensor) -> Tensor:
    """Booleans as floatx (what the legacy mean / std / var do); other dtypes unchanged."""
    return _ops.cast(x, _backend.floatx()) if x.dtype == numpy.bool_ else x


# ----- element-wise -----

def abs(x) -> Tensor:  # noqa: A001 - Keras's name
    """|x| element-wise. ``K.abs([-1.0, 2.0])`` is [1, 2]."""
    return _ops.abs(_tensor(x))


def exp(x) -> Tensor:
    """e^x element-wise."""
    return _ops.exp(_tensor(x))


def log(x) -> Tensor:
    """The natural logarithm element-wise (-inf at 0: clip first, ``K.log(K.clip(p, K.epsilon(),
    1))``)."""
    return _ops.log(_tensor(x))


def sqrt(x) -> Tensor:
    """The square root element-wise, of ``max(x, 0)``: negative entries give 0, not NaN."""
    x = _tensor(x)
    return _ops.sqrt(_ops.maximum(x, _ops.zeros((), dtype=x.dtype)))


def square(x) -> Tensor:
    """x² element-wise."""
    return _ops.square(_tensor(x))


def pow(x, a) -> Tensor:  # noqa: A001
    """x ** a element-wise. ``K.pow([2.0, 3.0], 2)`` is [4, 9]."""
    return _ops.power(_tensor(x), a)


def sin(x) -> Tensor:
    """sin(x) element-wise."""
    return _ops.sin(_tensor(x))


def cos(x) -> Tensor:
    """cos(x) element-wise."""
    return _ops.cos(_tensor(x))


def sign(x) -> Tensor:
    """-1, 0 or 1 element-wise, the sign of x."""
    return _ops.sign(_tensor(x))


def round(x) -> Tensor:  # noqa: A001
    """x rounded to the nearest integer element-wise, halves to even (``K.round(0.5)`` is 0,
    ``K.round(1.5)`` is 2)."""
    return _ops.round(_tensor(x))


def clip(x, min_value, max_value) -> Tensor:
    """x limited to [min_value, max_value] element-wise; None means no bound on that side, and a
    ``max_value`` below ``min_value`` is raised to it.

    Example:
        >>> K.clip([-1.0, 0.5, 2.0], 0, 1).tolist()
        [0.0, 0.5, 1.0]
    """
    if isinstance(min_value, (int, float)) and isinstance(max_value, (int, float)):
        max_value = _py_max(max_value, min_value)
    x = _tensor(x)
    low = -numpy.inf if min_value is None else min_value
    high = numpy.inf if max_value is None else max_value
    return _ops.clip(x, low, high)


def maximum(x, y) -> Tensor:
    """The larger of x and y element-wise (broadcast)."""
    return _ops.maximum(_tensor(x), y)


def minimum(x, y) -> Tensor:
    """The smaller of x and y element-wise (broadcast)."""
    return _ops.minimum(_tensor(x), y)


def equal(x, y) -> Tensor:
    """x == y element-wise, a boolean Tensor."""
    return _ops.equal(_tensor(x), y)


def not_equal(x, y) -> Tensor:
    """x != y element-wise, a boolean Tensor."""
    return _ops.not_equal(_tensor(x), y)


def greater(x, y) -> Tensor:
    """x > y element-wise, a boolean Tensor."""
    return _ops.greater(_tensor(x), y)


def greater_equal(x, y) -> Tensor:
    """x >= y element-wise, a boolean Tensor."""
    return _ops.greater_equal(_tensor(x), y)


def less(x, y) -> Tensor:
    """x < y element-wise, a boolean Tensor."""
    return _ops.less(_tensor(x), y)


def less_equal(x, y) -> Tensor:
    """x <= y element-wise, a boolean Tensor."""
    return _ops.less_equal(_tensor(x), y)


# ----- activations -----

def sigmoid(x) -> Tensor:
    """1 / (1 + e^-x) element-wise."""
    return _ops.sigmoid(_tensor(x))


def hard_sigmoid(x) -> Tensor:
    """clip(0.2 x + 0.5, 0, 1) element-wise: the legacy backend's slope 0.2 (Keras 3's
    ``activations.hard_sigmoid`` uses 1/6)."""
    x = _tensor(x)
    return _ops.clip(x * 0.2 + 0.5, 0.0, 1.0)


def tanh(x) -> Tensor:
    """tanh(x) element-wise."""
    return _ops.tanh(_tensor(x))


def softplus(x) -> Tensor:
    """log(1 + e^x) element-wise."""
    return _ops.softplus(_tensor(x))


def softsign(x) -> Tensor:
    """x / (1 + |x|) element-wise."""
    return _ops.softsign(_tensor(x))


def elu(x, alpha: float = 1.0) -> Tensor:
    """x for x > 0, alpha * (e^x - 1) otherwise.

    Args:
        x: a Tensor.
        alpha: the scale of the negative part. Defaults to ``1.0``.
    """
    x = _tensor(x)
    return _ops.where(x > 0, x, alpha * _ops.expm1(_ops.minimum(x, 0.0)))


def relu(x, alpha: float = 0.0, max_value=None, threshold: float = 0.0) -> Tensor:
    """The rectifier with Keras's options: x for x > threshold, ``alpha * (x - threshold)``
    below it, and at most ``max_value``.

    Args:
        x: a Tensor.
        alpha: the slope below the threshold. Defaults to ``0.0``.
        max_value: the largest output, or None for none. Defaults to ``None``.
        threshold: where the rectifier bends. Defaults to ``0.0``.

    Example:
        >>> K.relu([-2.0, 1.0, 8.0], alpha=0.1, max_value=6.0).tolist()
        [-0.2, 1.0, 6.0]
    """
    x = _tensor(x)
    below = None
    if alpha != 0.0:
        below = _ops.relu(threshold - x)
    if threshold != 0:
        out = x * _ops.cast(x > threshold, x.dtype)
    else:
        out = _ops.relu(x)
    if max_value is not None:
        out = _ops.clip(out, 0.0, float(max_value))
    if below is not None:
        out = out - alpha * below
    return out


def softmax(x, axis=-1) -> Tensor:
    """e^x / sum(e^x) over ``axis`` (an int or a tuple of ints).

    Args:
        x: a Tensor of at least 2 axes.
        axis: the axis the probabilities sum to 1 over. Defaults to ``-1``.

    Raises:
        ValueError: for a 1-D ``x``, as Keras.
    """
    x = _tensor(x)
    if x.ndim <= 1:
        raise ValueError(f"softmax(x): expected a Tensor of at least 2 axes (batch, classes), "
                         f"given shape {x.shape}; add a batch axis with K.expand_dims(x, 0).")
    return _ops.softmax(x, axis=axis)


def l2_normalize(x, axis=None) -> Tensor:
    """x / sqrt(max(sum(x²), 1e-12)) over ``axis`` (None: all entries).

    Example:
        >>> K.l2_normalize([[3.0, 4.0]], axis=-1).tolist()
        [[0.6, 0.8]]
    """
    x = _tensor(x)
    squares = _ops.sum(_ops.square(x), axis=axis, keepdims=True)
    return x * _ops.rsqrt(_ops.maximum(squares, 1e-12))


def dropout(x, level: float, noise_shape=None, seed=None) -> Tensor:
    """x with a share ``level`` of its entries set to 0 and the others scaled by 1 / (1 - level).

    Args:
        x: a Tensor.
        level: the share of entries dropped, in [0, 1).
        noise_shape: the shape of the keep/drop mask (broadcast to x's), or None for x's.
            Defaults to ``None``.
        seed: an int for a repeatable mask, or None for numnet's random state. Defaults to
            ``None``.
    """
    return _nn.dropout(_tensor(x), rate=level, noise_shape=noise_shape, seed=seed)


# ----- reductions -----

def sum(x, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """The sum over ``axis`` (an int, a list of ints or None for all).

    Args:
        x: a Tensor.
        axis: the axes to sum over. Defaults to ``None`` (all).
        keepdims: keep the summed axes with length 1. Defaults to ``False``.

    Example:
        >>> K.sum([[1.0, 2.0], [3.0, 4.0]], axis=-1).tolist()
        [3.0, 7.0]
    """
    return _ops.sum(_tensor(x), axis=axis, keepdims=keepdims)


def prod(x, axis=None, keepdims: bool = False) -> Tensor:
    """The product over ``axis`` (None: all entries). ``keepdims`` defaults to ``False``."""
    return _ops.prod(_tensor(x), axis=axis, keepdims=keepdims)


def mean(x, axis=None, keepdims: bool = False) -> Tensor:
    """The mean over ``axis`` (None: all entries); booleans count as 0 and 1.

    Example:
        >>> K.mean([[1.0, 2.0], [3.0, 5.0]], axis=-1).tolist()
        [1.5, 4.0]
    """
    return _ops.mean(_as_float(_tensor(x)), axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims: bool = False) -> Tensor:
    """The (population) variance over ``axis`` (None: all entries), mean((x - mean(x))²)."""
    return _ops.var(_as_float(_tensor(x)), axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims: bool = False) -> Tensor:
    """The (population) standard deviation over ``axis`` (None: all entries)."""
    return _ops.std(_as_float(_tensor(x)), axis=axis, keepdims=keepdims)


def max(x, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """The largest entry over ``axis`` (None: all entries)."""
    return _ops.max(_tensor(x), axis=axis, keepdims=keepdims)


def min(x, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """The smallest entry over ``axis`` (None: all entries)."""
    return _ops.min(_tensor(x), axis=axis, keepdims=keepdims)


def all(x, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether every entry over ``axis`` is true (non-zero); a boolean Tensor."""
    return _ops.all(_ops.cast(_tensor(x), "bool"), axis=axis, keepdims=keepdims)


def any(x, axis=None, keepdims: bool = False) -> Tensor:  # noqa: A001
    """Whether some entry over ``axis`` is true (non-zero); a boolean Tensor."""
    return _ops.any(_ops.cast(_tensor(x), "bool"), axis=axis, keepdims=keepdims)


def argmax(x, axis: int = -1) -> Tensor:
    """The index of the largest entry along ``axis``. Defaults to the last axis."""
    return _ops.argmax(_tensor(x), axis=axis)


def argmin(x, axis: int = -1) -> Tensor:
    """The index of the smallest entry along ``axis``. Defaults to the last axis."""
    return _ops.argmin(_tensor(x), axis=axis)


def cumsum(x, axis: int = 0) -> Tensor:
    """Running sums along ``axis``. Defaults to the first axis."""
    return _ops.cumsum(_tensor(x), axis=axis)


def cumprod(x, axis: int = 0) -> Tensor:
    """Running products along ``axis``. Defaults to the first axis."""
    return _ops.cumprod(_tensor(x), axis=axis)


# ----- shapes -----

def shape(x) -> Tensor:
    """The shape of ``x`` as a 1-D int32 Tensor: ``K.shape(z_mean)[0]`` is the batch size, as
    ``tf.shape``. For a tuple of Python ints use ``K.int_shape``."""
    return Tensor(_backend.xp.asarray(tuple(int(n) for n in numpy.shape(
        x.value if isinstance(x, Tensor) else x)), dtype="int32"))


def int_shape(x):
    """The shape of ``x`` as a tuple of ints (None for an axis a symbolic input leaves free),
    or None when ``x`` has no shape.

    Example:
        >>> K.int_shape(numpy.zeros((2, 3)))
        (2, 3)
    """
    try:
        return tuple(x.shape)
    except (AttributeError, TypeError, ValueError):
        return None


def ndim(x) -> int:
    """The number of axes of ``x``, a Python int."""
    return len(numpy.shape(x)) if not hasattr(x, "shape") else len(tuple(x.shape))


def dtype(x) -> str:
    """The dtype of ``x`` as a string: ``K.dtype(K.variable(1.0))`` is 'float32'."""
    return numpy.dtype(getattr(x, "dtype", None) or numpy.asarray(x).dtype).name


def count_params(x) -> int:
    """The number of entries of ``x`` (a Variable or a Tensor): the product of its shape."""
    return int(_math.prod(int(n) for n in x.shape))


def reshape(x, shape) -> Tensor:
    """``x`` with a new shape (one entry may be -1)."""
    return _ops.reshape(_tensor(x), tuple(int(n) for n in shape))


def flatten(x) -> Tensor:
    """All entries of ``x`` in one axis."""
    return _ops.reshape(_tensor(x), (-1,))


def batch_flatten(x) -> Tensor:
    """``x`` as (batch, everything else): (2, 3, 4) becomes (2, 12)."""
    x = _tensor(x)
    return _ops.reshape(x, (x.shape[0], -1))


def expand_dims(x, axis: int = -1) -> Tensor:
    """``x`` with a new axis of length 1 at ``axis``. Defaults to a last axis."""
    return _ops.expand_dims(_tensor(x), axis)


def squeeze(x, axis: int) -> Tensor:
    """``x`` without the length-1 axis ``axis``."""
    return _ops.squeeze(_tensor(x), axis=axis)


def permute_dimensions(x, pattern) -> Tensor:
    """The axes of ``x`` reordered: ``K.permute_dimensions(x, (0, 2, 1))`` swaps the last two."""
    return _ops.transpose(_tensor(x), tuple(pattern))


def transpose(x) -> Tensor:
    """``x`` with its axes in reverse order (a matrix's transpose)."""
    return _ops.transpose(_tensor(x))


def concatenate(tensors, axis: int = -1) -> Tensor:
    """``tensors`` joined along the existing ``axis``. Defaults to the last axis."""
    tensors = [to_dense(t) for t in tensors]
    return _ops.concatenate([_tensor(t) for t in tensors], axis=axis)


def stack(x, axis: int = 0) -> Tensor:
    """The Tensors of the list ``x`` (one shape) joined along a new ``axis``."""
    return _ops.stack([_tensor(t) for t in x], axis=axis)


def tile(x, n) -> Tensor:
    """``x`` repeated ``n[i]`` times along each axis i (an int for a 1-D ``x``)."""
    reps = [n] if isinstance(n, int) else [int(r) for r in n]
    return _ops.tile(_tensor(x), reps)


def repeat(x, n: int) -> Tensor:
    """A (batch, dim) ``x`` as (batch, n, dim): each row repeated n times on a new axis 1.

    Raises:
        ValueError: when ``x`` is not 2-D.
    """
    x = _tensor(x)
    if x.ndim != 2:
        raise ValueError(f"repeat(x): expected a 2-D (batch, features) Tensor, given shape "
                         f"{x.shape}; for other ranks use K.repeat_elements or K.tile.")
    return _ops.tile(_ops.expand_dims(x, 1), [1, int(n), 1])


def repeat_elements(x, rep: int, axis: int) -> Tensor:
    """Each entry of ``x`` repeated ``rep`` times along ``axis``, as ``numpy.repeat``:
    [1, 2] becomes [1, 1, 2, 2] for rep=2."""
    return _ops.repeat(_tensor(x), int(rep), axis=axis)


def reverse(x, axes) -> Tensor:
    """``x`` reversed along ``axes`` (an int or a list of ints)."""
    x = _tensor(x)
    return _ops.flip(x, axis=(axes,) if isinstance(axes, int) else tuple(axes))


def gather(reference, indices) -> Tensor:
    """The rows of ``reference`` (its axis 0) at ``indices``: ``K.gather(table, [2, 0])``."""
    return _ops.take(_tensor(reference), _tensor(indices), axis=0)


def one_hot(indices, num_classes: int) -> Tensor:
    """Integer ``indices`` of shape (...) as floatx one-hot rows of shape (..., num_classes)."""
    return _ops.one_hot(_tensor(indices), int(num_classes))


def temporal_padding(x, padding=(1, 1)) -> Tensor:
    """Zeros added before and after the time axis (axis 1) of a 3-D ``x``.

    Args:
        x: a (batch, time, features) Tensor.
        padding: (steps before, steps after). Defaults to ``(1, 1)``.
    """
    if len(padding) != 2:
        raise ValueError(f"temporal_padding(padding): expected 2 ints, given {padding!r}.")
    return _ops.pad(_tensor(x), [[0, 0], list(padding), [0, 0]])


def spatial_2d_padding(x, padding=((1, 1), (1, 1)), data_format=None) -> Tensor:
    """Zeros around the rows and columns of a 4-D image batch.

    Args:
        x: (batch, rows, cols, channels), or (batch, channels, rows, cols) for channels_first.
        padding: ((top, bottom), (left, right)). Defaults to ``((1, 1), (1, 1))``.
        data_format: 'channels_last' or 'channels_first'; None for
            ``K.image_data_format()``. Defaults to ``None``.
    """
    if len(padding) != 2 or _py_any(len(p) != 2 for p in padding):
        raise ValueError(f"spatial_2d_padding(padding): expected 2 pairs of ints, given "
                         f"{padding!r}.")
    pairs = [list(p) for p in padding]
    if _data_format(data_format, "spatial_2d_padding") == "channels_first":
        return _ops.pad(_tensor(x), [[0, 0], [0, 0], *pairs])
    return _ops.pad(_tensor(x), [[0, 0], *pairs, [0, 0]])


def spatial_3d_padding(x, padding=((1, 1), (1, 1), (1, 1)), data_format=None) -> Tensor:
    """Zeros around the three spatial axes of a 5-D volume batch.

    Args:
        x: (batch, d1, d2, d3, channels), or channels first.
        padding: 3 pairs (before, after). Defaults to ``((1, 1), (1, 1), (1, 1))``.
        data_format: as ``spatial_2d_padding``. Defaults to ``None``.
    """
    if len(padding) != 3 or _py_any(len(p) != 2 for p in padding):
        raise ValueError(f"spatial_3d_padding(padding): expected 3 pairs of ints, given "
                         f"{padding!r}.")
    pairs = [list(p) for p in padding]
    if _data_format(data_format, "spatial_3d_padding") == "channels_first":
        return _ops.pad(_tensor(x), [[0, 0], [0, 0], *pairs])
    return _ops.pad(_tensor(x), [[0, 0], *pairs, [0, 0]])


def resize_images(x, height_factor: int, width_factor: int, data_format,
                  interpolation: str = "nearest") -> Tensor:
    """A 4-D image batch scaled up by integer factors (what UpSampling2D does).

    Args:
        x: (batch, rows, cols, channels) or channels first.
        height_factor, width_factor: positive ints.
        data_format: 'channels_last' or 'channels_first' (required, as Keras).
        interpolation: 'nearest' (each pixel repeated), or a method of
            ``numnet.image.resize`` such as 'bilinear'. Defaults to ``'nearest'``.
    """
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"resize_images(data_format): expected 'channels_first' or "
                         f"'channels_last', given {data_format!r}.")
    x = _tensor(x)
    rows = 2 if data_format == "channels_first" else 1
    if interpolation == "nearest":
        x = _ops.repeat(x, int(height_factor), axis=rows)
        return _ops.repeat(x, int(width_factor), axis=rows + 1)
    if data_format == "channels_first":
        x = _ops.transpose(x, (0, 2, 3, 1))
    size = (x.shape[1] * int(height_factor), x.shape[2] * int(width_factor))
    x = _ops.image.resize(x, size, interpolation=interpolation, data_format="channels_last")
    return _ops.transpose(x, (0, 3, 1, 2)) if data_format == "channels_first" else x


def resize_volumes(x, depth_factor: int, height_factor: int, width_factor: int,
                   data_format) -> Tensor:
    """A 5-D volume batch scaled up by repeating entries along its three spatial axes."""
    if data_format not in ("channels_first", "channels_last"):
        raise ValueError(f"resize_volumes(data_format): expected 'channels_first' or "
                         f"'channels_last', given {data_format!r}.")
    first = 2 if data_format == "channels_first" else 1
    x = _tensor(x)
    for offset, factor in enumerate((depth_factor, height_factor, width_factor)):
        x = _ops.repeat(x, int(factor), axis=first + offset)
    return x


# ----- linear algebra -----

def dot(x, y) -> Tensor:
    """The product of ``x`` and ``y`` summed over x's last axis and y's second to last (y's
    only one when 1-D), as ``numpy.dot``: (2, 3, 4) · (4, 5) is (2, 3, 5)."""
    x, y = _tensor(x), _tensor(y)
    if x.ndim <= 2 and y.ndim <= 2:
        return _ops.matmul(x, y)
    return _ops.tensordot(x, y, axes=[[x.ndim - 1], [_py_max(y.ndim - 2, 0)]])


def batch_dot(x, y, axes=None) -> Tensor:
    """Per-sample dot products: for each i along axis 0, x[i] and y[i] are contracted over
    ``axes`` (x's axis, y's axis).

    Args:
        x, y: Tensors of at least 2 axes with the same batch size.
        axes: an int (the same axis of both), a pair, or None for (x's last, y's last when
            y is 2-D, else y's second to last). Defaults to ``None``.

    Returns:
        x's remaining axes, then y's; a (batch,) x with (batch,) y contracted gives (batch, 1).

    Example:
        >>> K.batch_dot(numpy.ones((32, 20, 1)), numpy.ones((32, 30, 20)), axes=(1, 2)).shape
        (32, 1, 30)
    """
    x, y = _tensor(x), _tensor(y)
    if x.ndim < 2 or y.ndim < 2:
        raise ValueError(f"batch_dot(x, y): expected Tensors of at least 2 axes, given shapes "
                         f"{x.shape} and {y.shape}.")
    if x.shape[0] != y.shape[0]:
        raise ValueError(f"batch_dot(x, y): expected the same batch size, given shapes "
                         f"{x.shape} and {y.shape}.")
    if isinstance(axes, int):
        axes = (axes, axes)
    if axes is None:
        axes = (x.ndim - 1, y.ndim - 1 if y.ndim == 2 else y.ndim - 2)
    if _py_any(isinstance(a, (list, tuple)) for a in axes):
        raise ValueError(f"batch_dot(axes): expected None, an int or a pair of ints, given "
                         f"{axes!r}.")
    a0, a1 = (a % n for a, n in zip(axes, (x.ndim, y.ndim)))
    if a0 == 0 or a1 == 0:
        raise ValueError("batch_dot(axes): axis 0 is the batch; add a batch axis to inputs "
                         "that have none with K.expand_dims(x, 0).")
    if x.shape[a0] != y.shape[a1]:
        raise ValueError(f"batch_dot(x, y): x.shape[{a0}] != y.shape[{a1}] "
                         f"({x.shape[a0]} != {y.shape[a1]}) for shapes {x.shape}, {y.shape}.")
    x_rest = [d for i, d in enumerate(x.shape) if i not in (0, a0)]
    y_rest = [d for i, d in enumerate(y.shape) if i not in (0, a1)]
    xm = _ops.transpose(x, [0] + [i for i in range(1, x.ndim) if i != a0] + [a0])
    ym = _ops.transpose(y, [0, a1] + [i for i in range(1, y.ndim) if i != a1])
    xm = _ops.reshape(xm, (x.shape[0], -1, x.shape[a0]))
    ym = _ops.reshape(ym, (y.shape[0], y.shape[a1], -1))
    out = _ops.matmul(xm, ym)
    out_shape = [x.shape[0], *x_rest, *y_rest]
    if len(out_shape) == 1:  # two (batch, n) vectors: Keras keeps a last axis of 1
        out_shape.append(1)
    return _ops.reshape(out, tuple(out_shape))


# ----- losses -----

def binary_crossentropy(target, output, from_logits: bool = False) -> Tensor:
    """Element-wise binary cross-entropy (no mean: ``K.mean(..., axis=-1)`` makes Keras's loss).

    Probabilities are clipped to [ε, 1 - ε] and ε is added inside each log, as the legacy
    backend: -(t log(p + ε) + (1 - t) log(1 - p + ε)), ε = ``K.epsilon()``.

    Args:
        target: labels in [0, 1].
        output: probabilities, or logits with ``from_logits=True``.
        from_logits: whether ``output`` holds logits. Defaults to ``False``.
    """
    target, output = _tensor(target), _tensor(output)
    target = _ops.cast(target, output.dtype)
    if from_logits:
        return _nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    eps = _backend.epsilon()
    output = _ops.clip(output, eps, 1.0 - eps)
    return -(target * _ops.log(output + eps) + (1.0 - target) * _ops.log(1.0 - output + eps))


def binary_focal_crossentropy(target, output, apply_class_balancing: bool = False,
                              alpha: float = 0.25, gamma: float = 2.0,
                              from_logits: bool = False) -> Tensor:
    """Element-wise focal binary cross-entropy: (1 - p_t)^gamma times ``binary_crossentropy``,
    p_t = t p + (1 - t)(1 - p); with ``apply_class_balancing`` also weighted by alpha for
    positives and 1 - alpha for negatives.

    Args:
        target, output, from_logits: as ``binary_crossentropy``.
        apply_class_balancing: weigh by alpha. Defaults to ``False``.
        alpha: the positives' weight. Defaults to ``0.25``.
        gamma: the focusing exponent. Defaults to ``2.0``.
    """
    target, output = _tensor(target), _tensor(output)
    target = _ops.cast(target, output.dtype)
    probabilities = _ops.sigmoid(output) if from_logits else output
    p_t = target * probabilities + (1.0 - target) * (1.0 - probabilities)
    focal = _ops.power(1.0 - p_t, gamma) * binary_crossentropy(target, output, from_logits)
    if apply_class_balancing:
        focal = (target * alpha + (1.0 - target) * (1.0 - alpha)) * focal
    return focal


def categorical_crossentropy(target, output, from_logits: bool = False, axis: int = -1) -> Tensor:
    """Cross-entropy between one-hot (or soft) ``target`` and ``output`` along ``axis``, one
    value per sample: -sum(t log p). Probabilities are first scaled to sum to 1, then clipped to
    [ε, 1 - ε].

    Args:
        target: (batch, classes) labels.
        output: probabilities, or logits with ``from_logits=True``.
        from_logits: whether ``output`` holds logits. Defaults to ``False``.
        axis: the classes' axis. Defaults to ``-1``.

    Example:
        >>> round(float(K.categorical_crossentropy([[0.0, 1.0]], [[0.5, 0.5]])[0]), 4)
        0.6931
    """
    target, output = _tensor(target), _tensor(output)
    if tuple(target.shape) != tuple(output.shape):
        raise ValueError(f"categorical_crossentropy(target, output): expected the same shape, "
                         f"given {target.shape} and {output.shape}; for integer labels use "
                         "K.sparse_categorical_crossentropy.")
    target = _ops.cast(target, output.dtype)
    if from_logits:
        return _nn.softmax_cross_entropy_with_logits(labels=target, logits=output, axis=axis)
    output = output / _ops.sum(output, axis=axis, keepdims=True)
    eps = _backend.epsilon()
    output = _ops.clip(output, eps, 1.0 - eps)
    return -_ops.sum(target * _ops.log(output), axis=axis)


def categorical_focal_crossentropy(target, output, alpha: float = 0.25, gamma: float = 2.0,
                                   from_logits: bool = False, axis: int = -1) -> Tensor:
    """Focal categorical cross-entropy, one value per sample:
    -sum(alpha (1 - p)^gamma t log p) over ``axis``, p scaled to sum to 1 and clipped to
    [ε, 1 - ε].

    Args:
        target, output, from_logits, axis: as ``categorical_crossentropy``.
        alpha: the weight. Defaults to ``0.25``.
        gamma: the focusing exponent. Defaults to ``2.0``.
    """
    target, output = _tensor(target), _tensor(output)
    target = _ops.cast(target, output.dtype)
    if from_logits:
        output = _ops.softmax(output, axis=axis)
    output = output / _ops.sum(output, axis=axis, keepdims=True)
    eps = _backend.epsilon()
    output = _ops.clip(output, eps, 1.0 - eps)
    focal = alpha * _ops.power(1.0 - output, gamma) * (-target * _ops.log(output))
    return _ops.sum(focal, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits: bool = False, axis: int = -1,
                                    ignore_class=None) -> Tensor:
    """Cross-entropy between integer labels and ``output``, one value per sample (and per
    step or pixel): -log p[label]. Probabilities are clipped to [ε, 1 - ε] and renormalised.

    Args:
        target: integer labels of shape (batch, ...) or (batch, ..., 1).
        output: (batch, ..., classes) probabilities, or logits with ``from_logits=True``.
        from_logits: whether ``output`` holds logits. Defaults to ``False``.
        axis: the classes' axis. Defaults to ``-1``.
        ignore_class: a label whose entries give 0, or None. Defaults to ``None``.
    """
    target, output = _tensor(target), _tensor(output)
    if not from_logits:
        eps = _backend.epsilon()
        output = _ops.log(_ops.clip(output, eps, 1.0 - eps))
    axis = axis % output.ndim
    if axis != output.ndim - 1:
        output = _ops.moveaxis(output, axis, -1)
    labels = _ops.cast(target, "int32")
    if labels.ndim == output.ndim:
        labels = _ops.squeeze(labels, axis=-1)
    if tuple(labels.shape) != tuple(output.shape[:-1]):
        labels = _ops.reshape(labels, tuple(output.shape[:-1]))
    valid = None
    if ignore_class is not None:
        valid = _ops.not_equal(labels, int(ignore_class))
        labels = _ops.where(valid, labels, 0)
    log_p = _ops.log_softmax(output, axis=-1)
    picked = _ops.take_along_axis(log_p, _ops.expand_dims(labels, -1), axis=-1)
    loss = -_ops.squeeze(picked, axis=-1)
    if valid is not None:
        loss = _ops.where(valid, loss, _ops.zeros_like(loss))
    return loss


# ----- CTC -----

class SparseLabels(NamedTuple):
    """Label sequences as sparse entries, the fields of a ``tf.SparseTensor``: ``indices``
    (n, 2) int64 (row, position), ``values`` (n,), ``dense_shape`` (rows, max length)."""

    indices: numpy.ndarray
    values: numpy.ndarray
    dense_shape: tuple


def ctc_label_dense_to_sparse(labels, label_lengths) -> SparseLabels:
    """The first ``label_lengths[i]`` labels of each row of ``labels`` as sparse entries.

    Example:
        >>> K.ctc_label_dense_to_sparse([[1, 2, 0], [3, 0, 0]], [2, 1]).values.tolist()
        [1, 2, 3]
    """
    dense = numpy.asarray(_backend.to_numpy(labels))
    lengths = numpy.asarray(_backend.to_numpy(label_lengths)).reshape(-1)
    keep = numpy.arange(dense.shape[1])[None, :] < lengths[:, None]
    rows, cols = numpy.nonzero(keep)
    indices = numpy.stack([rows, cols], axis=1).astype(numpy.int64)
    return SparseLabels(indices, dense[rows, cols], tuple(int(n) for n in dense.shape))


def ctc_batch_cost(y_true, y_pred, input_length, label_length) -> Tensor:
    """The CTC loss of each sequence, (batch, 1), as the classic OCR and speech examples use it.

    Args:
        y_true: (batch, max_label_length) integer labels.
        y_pred: (batch, time, classes) softmax probabilities; the last class is the blank.
        input_length: (batch, 1) valid time steps of each ``y_pred``.
        label_length: (batch, 1) length of each label sequence.

    The probabilities are taken as logits log(p + ε) and renormalised, as TensorFlow's
    ``ctc_loss`` does. Differentiable in ``y_pred``.
    """
    y_pred = _tensor(y_pred)
    label_length = numpy.asarray(_backend.to_numpy(label_length)).reshape(-1).astype("int32")
    input_length = numpy.asarray(_backend.to_numpy(input_length)).reshape(-1).astype("int32")
    logits = _ops.log(y_pred + _backend.epsilon())
    loss = _ops.ctc_loss(_ops.cast(_tensor(y_true), "int32"), logits, label_length,
                         input_length, mask_index=y_pred.shape[-1] - 1)
    return _ops.expand_dims(loss, 1)


def ctc_decode(y_pred, input_length, greedy: bool = True, beam_width: int = 100,
               top_paths: int = 1):
    """Label sequences read from softmax outputs, the last class being the blank.

    Args:
        y_pred: (batch, time, classes) probabilities.
        input_length: (batch,) valid time steps of each.
        greedy: the best class per step (repeats merged, blanks dropped), or beam search.
            Defaults to ``True``.
        beam_width: the beam's size for beam search. Defaults to ``100``.
        top_paths: how many sequences beam search returns. Defaults to ``1``.

    Returns:
        (decoded, log_prob): a list of ``top_paths`` int (batch, time) Tensors padded with -1,
        and (batch, top_paths) scores (greedy: minus the sum of each step's best log
        probability; beam search: each sequence's log probability).
    """
    y_pred = _tensor(y_pred)
    logits = _ops.log(y_pred + _backend.epsilon())
    decoded, scores = _ops.ctc_decode(logits, _tensor(input_length),
                                      strategy="greedy" if greedy else "beam_search",
                                      beam_width=beam_width, top_paths=1 if greedy else top_paths,
                                      mask_index=y_pred.shape[-1] - 1)
    steps = y_pred.shape[1]
    paths = []
    for path in decoded:
        path = _backend.to_numpy(path).astype(numpy.int64)
        if path.shape[1] < steps:
            path = numpy.pad(path, [(0, 0), (0, steps - path.shape[1])], constant_values=-1)
        paths.append(Tensor(_backend.to_device(path[:, :steps])))
    return paths, scores


# ----- convolution and pooling -----

def _tuple(value, n: int) -> tuple:
    return (int(value),) * n if isinstance(value, int) else tuple(int(v) for v in value)


def conv1d(x, kernel, strides: int = 1, padding: str = "valid", data_format=None,
           dilation_rate: int = 1) -> Tensor:
    """1-D convolution of (batch, steps, channels) ``x`` with a (width, in, out) ``kernel``.

    Args:
        strides: the step. Defaults to ``1``.
        padding: 'valid', 'same' or 'causal' (zeros before the first step only). Defaults to
            ``'valid'``.
        data_format: 'channels_last' or 'channels_first'; None for the configured one.
            Defaults to ``None``.
        dilation_rate: the kernel's dilation. Defaults to ``1``.
    """
    data_format = _data_format(data_format, "conv1d")
    x, kernel = _tensor(x), _tensor(kernel)
    if padding == "causal":
        left = int(dilation_rate) * (kernel.shape[0] - 1)
        pad = [[0, 0], [0, 0], [left, 0]] if data_format == "channels_first" else \
            [[0, 0], [left, 0], [0, 0]]
        x, padding = _ops.pad(x, pad), "valid"
    return _ops.conv(x, kernel, strides=strides, padding=_padding(padding, "conv1d"),
                     data_format=data_format, dilation_rate=dilation_rate)


def conv2d(x, kernel, strides=(1, 1), padding: str = "valid", data_format=None,
           dilation_rate=(1, 1)) -> Tensor:
    """2-D convolution of an image batch with a (rows, cols, in, out) ``kernel``.

    Args:
        strides: (rows, cols) steps. Defaults to ``(1, 1)``.
        padding: 'valid' or 'same'. Defaults to ``'valid'``.
        data_format: 'channels_last' or 'channels_first'; None for the configured one.
            Defaults to ``None``.
        dilation_rate: the kernel's dilation. Defaults to ``(1, 1)``.
    """
    return _ops.conv(_tensor(x), _tensor(kernel), strides=strides,
                     padding=_padding(padding, "conv2d"),
                     data_format=_data_format(data_format, "conv2d"), dilation_rate=dilation_rate)


def conv3d(x, kernel, strides=(1, 1, 1), padding: str = "valid", data_format=None,
           dilation_rate=(1, 1, 1)) -> Tensor:
    """3-D convolution of a volume batch with a (d1, d2, d3, in, out) ``kernel``; arguments as
    ``conv2d``."""
    return _ops.conv(_tensor(x), _tensor(kernel), strides=strides,
                     padding=_padding(padding, "conv3d"),
                     data_format=_data_format(data_format, "conv3d"), dilation_rate=dilation_rate)


def conv2d_transpose(x, kernel, output_shape, strides=(1, 1), padding: str = "valid",
                     data_format=None, dilation_rate=(1, 1)) -> Tensor:
    """The transpose (gradient) of ``conv2d``: an image batch of ``output_shape``.

    Args:
        x: the input batch.
        kernel: (rows, cols, out channels, in channels), TensorFlow's layout.
        output_shape: the full output shape (batch may be None for x's).
        strides, padding, data_format, dilation_rate: as ``conv2d``.
    """
    data_format = _data_format(data_format, "conv2d_transpose")
    x = _tensor(x)
    output_shape = list(output_shape)
    if output_shape[0] is None:
        output_shape[0] = x.shape[0]
    strides = _tuple(strides, 2)
    if data_format == "channels_first":
        x = _ops.transpose(x, (0, 2, 3, 1))
        output_shape = [output_shape[0], output_shape[2], output_shape[3], output_shape[1]]
    out = _nn.conv2d_transpose(x, _tensor(kernel), output_shape, strides,
                               padding=_padding(padding, "conv2d_transpose").upper(),
                               dilations=_tuple(dilation_rate, 2))
    return _ops.transpose(out, (0, 3, 1, 2)) if data_format == "channels_first" else out


def depthwise_conv2d(x, depthwise_kernel, strides=(1, 1), padding: str = "valid",
                     data_format=None, dilation_rate=(1, 1)) -> Tensor:
    """Each channel convolved with its own filters: ``depthwise_kernel`` is (rows, cols,
    channels, multiplier); arguments as ``conv2d``."""
    return _ops.depthwise_conv(_tensor(x), _tensor(depthwise_kernel), strides=strides,
                               padding=_padding(padding, "depthwise_conv2d"),
                               data_format=_data_format(data_format, "depthwise_conv2d"),
                               dilation_rate=dilation_rate)


def separable_conv2d(x, depthwise_kernel, pointwise_kernel, strides=(1, 1),
                     padding: str = "valid", data_format=None, dilation_rate=(1, 1)) -> Tensor:
    """A depthwise convolution then a 1x1 (``pointwise_kernel``: (1, 1, channels *
    multiplier, out)) one; arguments as ``conv2d``."""
    if len(_tuple(strides, 2)) != 2:
        raise ValueError(f"separable_conv2d(strides): expected 2 ints, given {strides!r}.")
    return _ops.separable_conv(_tensor(x), _tensor(depthwise_kernel), _tensor(pointwise_kernel),
                               strides=strides, padding=_padding(padding, "separable_conv2d"),
                               data_format=_data_format(data_format, "separable_conv2d"),
                               dilation_rate=dilation_rate)


def _pool(x, pool_size, strides, padding, data_format, pool_mode, fn, n) -> Tensor:
    if len(pool_size) != n or len(strides) != n:
        raise ValueError(f"{fn}(pool_size, strides): expected {n} ints each, given "
                         f"{pool_size!r} and {strides!r}.")
    kwargs = dict(strides=tuple(strides), padding=_padding(padding, fn),
                  data_format=_data_format(data_format, fn))
    if pool_mode == "max":
        return _ops.max_pool(_tensor(x), tuple(pool_size), **kwargs)
    if pool_mode == "avg":
        return _ops.average_pool(_tensor(x), tuple(pool_size), **kwargs)
    raise ValueError(f"{fn}(pool_mode): expected 'max' or 'avg', given {pool_mode!r}.")


def pool2d(x, pool_size, strides=(1, 1), padding: str = "valid", data_format=None,
           pool_mode: str = "max") -> Tensor:
    """2-D max or average pooling.

    Args:
        pool_size: (rows, cols) window.
        strides: (rows, cols) steps. Defaults to ``(1, 1)``.
        padding: 'valid' or 'same'. Defaults to ``'valid'``.
        data_format: None for the configured one. Defaults to ``None``.
        pool_mode: 'max' or 'avg'. Defaults to ``'max'``.
    """
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, "pool2d", 2)


def pool3d(x, pool_size, strides=(1, 1, 1), padding: str = "valid", data_format=None,
           pool_mode: str = "max") -> Tensor:
    """3-D max or average pooling; arguments as ``pool2d`` with 3 ints."""
    return _pool(x, pool_size, strides, padding, data_format, pool_mode, "pool3d", 3)


def bias_add(x, bias, data_format=None) -> Tensor:
    """``x`` plus ``bias`` on its channels: a (channels,) bias, or one with x's shape less the
    batch axis.

    Args:
        x: a Tensor of shape (batch, ..., channels), or (batch, channels, ...).
        bias: the bias.
        data_format: where x keeps its channels; None for the configured one. Defaults to
            ``None``.
    """
    data_format = _data_format(data_format, "bias_add")
    x, bias = _tensor(x), _tensor(bias)
    if bias.ndim not in (1, x.ndim - 1):
        raise ValueError(f"bias_add(bias): expected 1 or {x.ndim - 1} axes, given shape "
                         f"{bias.shape}.")
    if data_format == "channels_first" and x.ndim > 2:
        if bias.ndim == 1:
            return x + _ops.reshape(bias, (1, bias.shape[0]) + (1,) * (x.ndim - 2))
        moved = (bias.ndim - 1,) + tuple(range(bias.ndim - 1))
        return x + _ops.expand_dims(_ops.transpose(bias, moved), 0)
    return x + bias


def batch_normalization(x, mean, var, beta, gamma, axis: int = -1,
                        epsilon: float = 1e-3) -> Tensor:
    """(x - mean) / sqrt(var + epsilon) * gamma + beta, all broadcast against x.

    Args:
        x: the Tensor.
        mean, var: the statistics.
        beta, gamma: the offset and scale, or None for 0 and 1.
        axis: accepted as Keras's (the statistics are already shaped to broadcast).
            Defaults to ``-1``.
        epsilon: added to the variance. Defaults to ``1e-3``.
    """
    out = (_tensor(x) - mean) * _ops.rsqrt(_tensor(var) + epsilon)
    if gamma is not None:
        out = out * gamma
    return out if beta is None else out + beta


def in_top_k(predictions, targets, k: int) -> Tensor:
    """Whether each ``targets[i]`` is among the ``k`` largest entries of ``predictions[i]``."""
    return _ops.in_top_k(_tensor(targets), _tensor(predictions), k)


# ----- values, variables and state -----

def cast(x, dtype) -> Tensor:
    """``x`` as ``dtype``: ``K.cast(K.greater(y_pred, 0.5), 'float32')``."""
    return _ops.cast(_tensor(x), dtype)


def cast_to_floatx(x):
    """``x`` as floatx: a Tensor for a Tensor, a NumPy array for anything else."""
    if isinstance(x, Tensor):
        return _ops.cast(x, _backend.floatx())
    return numpy.asarray(x, dtype=_backend.floatx())


def constant(value, dtype=None, shape=None, name=None) -> Tensor:
    """A constant Tensor of ``value`` (floatx unless ``dtype``), filled or reshaped to ``shape``.

    Example:
        >>> K.constant(2.0, shape=(2,)).tolist()
        [2.0, 2.0]
    """
    value = value.value if isinstance(value, Tensor) else value
    array = numpy.array(_backend.to_numpy(value), dtype=_float_name(dtype) if dtype is None
                        else numpy.dtype(dtype))
    if shape is not None:
        shape = (int(shape),) if isinstance(shape, int) else tuple(int(n) for n in shape)
        array = numpy.full(shape, array.reshape(()), array.dtype) if array.size == 1 else \
            array.reshape(shape)
    return Tensor(_backend.to_device(array))


def variable(value, dtype=None, name=None, constraint=None) -> Variable:
    """A Variable holding ``value`` (floatx unless ``dtype``): it has ``assign``, works with
    ``K.get_value`` / ``K.set_value`` and takes part in gradients.

    Args:
        value: an array, a number or a Tensor (a SciPy sparse matrix gives its dense values).
        dtype: the dtype. Defaults to floatx.
        name: the variable's name. Defaults to ``None``.
        constraint: applied after optimizer steps. Defaults to ``None``.

    Example:
        >>> v = K.variable([[1, 2], [3, 4]])
        >>> K.eval(v).dtype
        dtype('float32')
    """
    if hasattr(value, "tocoo") and hasattr(value, "toarray"):
        value = value.toarray()
    value = value.value if isinstance(value, Tensor) else value
    array = numpy.array(_backend.to_numpy(value), dtype=numpy.dtype(dtype or _backend.floatx()))
    result = Variable(_backend.to_device(array), name=name or "Variable",
                      trainable=bool(_backend.is_float_dtype(array.dtype)))
    result.constraint = constraint
    result.path = _scopes.scoped(result.name)  # under K.name_scope
    return result


def _filled(fill, shape, dtype, name):
    shape = (int(shape),) if isinstance(shape, int) else tuple(int(n) for n in shape)
    value = numpy.full(shape, fill, dtype=_float_name(dtype) if dtype is None else dtype)
    if _py_all(shape):  # Keras makes a Variable unless an axis is empty
        return variable(value, dtype=value.dtype, name=name)
    return Tensor(_backend.to_device(value))


def zeros(shape, dtype=None, name=None):
    """A Variable of zeros of ``shape`` (floatx unless ``dtype``); a Tensor if an axis is 0."""
    return _filled(0, shape, dtype, name)


def ones(shape, dtype=None, name=None):
    """A Variable of ones of ``shape`` (floatx unless ``dtype``); a Tensor if an axis is 0."""
    return _filled(1, shape, dtype, name)


def eye(size, dtype=None, name=None) -> Variable:
    """An identity-matrix Variable: ``size`` an int n (n x n) or a pair (rows, cols)."""
    rows, cols = (size, size) if isinstance(size, int) else size
    return variable(numpy.eye(int(rows), int(cols)), dtype=_float_name(dtype), name=name)


def zeros_like(x, dtype=None, name=None) -> Tensor:
    """Zeros with the shape of ``x`` (and its dtype unless ``dtype``)."""
    return _ops.zeros_like(_tensor(x), dtype=dtype)


def ones_like(x, dtype=None, name=None) -> Tensor:
    """Ones with the shape of ``x`` (and its dtype unless ``dtype``)."""
    return _ops.ones_like(_tensor(x), dtype=dtype)


def arange(start, stop=None, step=1, dtype="int32") -> Tensor:
    """start, start + step, ... below stop, as ``range`` (one argument: 0 .. start - 1, and
    nothing for a negative start).

    Example:
        >>> K.arange(3).tolist()
        [0, 1, 2]
    """
    if stop is None:
        start, stop = 0, _py_max(start, 0)
    return _ops.arange(start, stop, step, dtype=dtype)


def _scalar(array):
    return array[()] if getattr(array, "ndim", None) == 0 else array


def get_value(x):
    """The value of a Variable or Tensor as a NumPy array (a NumPy scalar for a 0-d one):
    ``K.get_value(model.optimizer.learning_rate)``. Anything else is returned as it is."""
    if isinstance(x, Tensor):
        return _scalar(numpy.array(_backend.to_numpy(x), copy=True))
    return x


def eval(x):  # noqa: A001 - Keras's name
    """The value of ``x`` as a NumPy array, as ``get_value`` (sparse labels made dense)."""
    return get_value(to_dense(x))


def batch_get_value(tensors) -> list:
    """``[K.get_value(x) for x in tensors]``."""
    return [get_value(x) for x in tensors]


def set_value(x, value) -> None:
    """Write ``value`` into the Variable ``x`` in place (cast to its dtype; same shape):
    ``K.set_value(model.optimizer.learning_rate, 1e-4)`` changes the rate of the next step.

    Raises:
        TypeError: ``x`` is not a Variable (a float, an array); assign to the attribute
            that holds it instead (``optimizer.learning_rate = 1e-4``).
    """
    if not isinstance(x, Variable):
        raise TypeError(f"set_value(x): expected a Variable (K.variable(...), a layer weight, "
                        f"optimizer.learning_rate), given {type(x).__name__} {x!r}; a plain "
                        "value cannot be changed in place: assign the attribute instead, e.g. "
                        "optimizer.learning_rate = 1e-4.")
    array = numpy.asarray(_backend.to_numpy(value), dtype=numpy.dtype(x.dtype))
    if array.shape != tuple(x.shape) and array.size == 1 and _math.prod(x.shape) == 1:
        array = array.reshape(tuple(x.shape))
    x.assign(array)


def batch_set_value(tuples) -> None:
    """``K.set_value(x, value)`` for each (x, value) pair of ``tuples``."""
    for x, value in tuples:
        set_value(x, value)


def update(x, new_x) -> Variable:
    """Assign ``new_x`` to the Variable ``x``; returns x."""
    return x.assign(new_x)


def update_add(x, increment) -> Variable:
    """x += increment, in place; returns x."""
    return x.assign_add(increment)


def update_sub(x, decrement) -> Variable:
    """x -= decrement, in place; returns x."""
    return x.assign_sub(decrement)


def moving_average_update(x, value, momentum) -> Variable:
    """x <- momentum x + (1 - momentum) value, in place (what BatchNormalization does to its
    moving statistics); returns x."""
    value = numpy.asarray(_backend.to_numpy(value), dtype=numpy.dtype(x.dtype))
    return x.assign_sub((x.value - _backend.to_device(value)) * (1.0 - float(momentum)))


def stop_gradient(variables):
    """The same values with no gradient flowing back; a list for a list of Tensors."""
    if isinstance(variables, (list, tuple)):
        return [_ops.stop_gradient(_tensor(v)) for v in variables]
    return _ops.stop_gradient(_tensor(variables))


def gradients(loss, variables) -> list:
    """d loss / d v for each Variable (or watched Tensor) of ``variables``, read from
    numnet's tape; None for one that ``loss`` does not depend on.

    TensorFlow 2 refuses ``K.gradients`` outside a graph (RuntimeError: use tf.GradientTape);
    numnet records every op eagerly, so it answers. New code: ``tf.GradientTape``.

    Example:
        >>> v = K.variable([3.0])
        >>> K.gradients(K.sum(v * v), [v])[0].tolist()
        [6.0]
    """
    sources = list(variables) if isinstance(variables, (list, tuple)) else [variables]
    return GradientTape().gradient(loss, sources)


def is_sparse(tensor) -> bool:
    """Whether ``tensor`` holds sparse entries (a ``SparseLabels``); numnet's Tensors are
    dense."""
    return isinstance(tensor, SparseLabels)


def to_dense(tensor):
    """The dense values of sparse labels (-1 is not filled in: 0 where no entry); anything
    else unchanged."""
    if isinstance(tensor, SparseLabels):
        dense = numpy.zeros(tensor.dense_shape, dtype=numpy.asarray(tensor.values).dtype)
        dense[tuple(numpy.asarray(tensor.indices).T)] = tensor.values
        return Tensor(_backend.to_device(dense))
    return tensor


def name_scope(name: str):
    """A context manager that prefixes the names of variables made inside it."""
    return _scopes.name_scope(name)


# ----- random -----

def random_normal(shape, mean: float = 0.0, stddev: float = 1.0, dtype=None,
                  seed=None) -> Tensor:
    """Draws from N(mean, stddev²) of ``shape`` (entries may be int Tensors, e.g.
    ``K.shape(z_mean)[0]``).

    Args:
        shape: the output's shape.
        mean: the mean. Defaults to ``0.0``.
        stddev: the standard deviation. Defaults to ``1.0``.
        dtype: a float type. Defaults to floatx.
        seed: an int for repeatable draws, or None for numnet's random state
            (``numnet.utils.set_random_seed``). Defaults to ``None``.

    Example:
        >>> epsilon = K.random_normal(shape=(K.shape(z_mean)[0], 2))   # the VAE's noise
    """
    return _random.normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def random_uniform(shape, minval: float = 0.0, maxval: float = 1.0, dtype=None,
                   seed=None) -> Tensor:
    """Draws from U[minval, maxval) of ``shape``; ``minval`` defaults to ``0.0``, ``maxval`` to
    ``1.0``, ``dtype`` to floatx, ``seed`` to None (numnet's random state)."""
    return _random.uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)


def truncated_normal(shape, mean: float = 0.0, stddev: float = 1.0, dtype=None,
                     seed=None) -> Tensor:
    """Draws from N(mean, stddev²) redrawn beyond 2 standard deviations; arguments as
    ``random_normal``."""
    return _random.truncated_normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def random_bernoulli(shape, p: float = 0.0, dtype=None, seed=None) -> Tensor:
    """1 with probability ``p`` (defaults to ``0.0``), else 0, of ``shape``, as floatx."""
    draws = random_uniform(shape, dtype=dtype, seed=seed)
    return _ops.cast(draws <= p, draws.dtype)


def random_normal_variable(shape, mean, scale, dtype=None, name=None, seed=None) -> Variable:
    """A Variable drawn from N(mean, scale²); ``dtype`` defaults to floatx."""
    return variable(random_normal(shape, mean, scale, dtype=_float_name(dtype), seed=seed),
                    dtype=_float_name(dtype), name=name)


def random_uniform_variable(shape, low, high, dtype=None, name=None, seed=None) -> Variable:
    """A Variable drawn from U[low, high); ``dtype`` defaults to floatx."""
    return variable(random_uniform(shape, low, high, dtype=_float_name(dtype), seed=seed),
                    dtype=_float_name(dtype), name=name)


# ----- control flow -----

def switch(condition, then_expression, else_expression):
    """``then_expression`` where ``condition`` holds, else ``else_expression``. A scalar
    condition picks one whole expression (callables are called only then); a Tensor condition
    picks entry by entry, its shape padded with trailing axes of 1 to the expressions' rank.

    Example:
        >>> K.switch(K.greater([1.0, -1.0], 0), [10.0, 10.0], [0.0, 0.0]).tolist()
        [10.0, 0.0]
    """
    condition = _ops.cast(_tensor(condition), "bool")
    if condition.ndim == 0:
        chosen = then_expression if bool(condition) else else_expression
        return chosen() if callable(chosen) else chosen
    then_value = then_expression() if callable(then_expression) else then_expression
    else_value = else_expression() if callable(else_expression) else else_expression
    then_value, else_value = _tensor(then_value), _tensor(else_value)
    if condition.ndim > then_value.ndim:
        raise ValueError(f"switch(condition): its rank ({condition.ndim}) must not exceed the "
                         f"expressions' ({then_value.ndim}).")
    if condition.ndim > 1:
        condition = _ops.reshape(condition, tuple(condition.shape)
                                 + (1,) * (then_value.ndim - condition.ndim))
    return _ops.where(condition, then_value, else_value)


def map_fn(fn, elems, name=None, dtype=None):
    """``fn`` applied to each slice of ``elems`` along axis 0, the results stacked."""
    out = _ops.map(fn, _tensor(elems))
    return out if dtype is None else _ops.cast(out, dtype)


def foldl(fn, elems, initializer=None, name=None):
    """``fn(accumulator, element)`` over ``elems`` from the first; starts from
    ``initializer`` (or the first element)."""
    rows = list(_tensor(elems))
    acc = rows.pop(0) if initializer is None else initializer
    for row in rows:
        acc = fn(acc, row)
    return acc


def foldr(fn, elems, initializer=None, name=None):
    """As ``foldl``, from the last element."""
    rows = list(_tensor(elems))[::-1]
    acc = rows.pop(0) if initializer is None else initializer
    for row in rows:
        acc = fn(acc, row)
    return acc


def rnn(step_function, inputs, initial_states, go_backwards: bool = False, mask=None,
        constants=None, unroll: bool = False, input_length=None, time_major: bool = False,
        zero_output_for_mask: bool = False, return_all_outputs: bool = True):
    """Run ``step_function`` over the time axis of ``inputs``, as a recurrent layer does.

    Args:
        step_function: ``(input_t, states) -> (output_t, new_states)``; input_t is
            (batch, features), states a tuple (the states, then the constants).
        inputs: (batch, time, features) (``time_major``: (time, batch, features)).
        initial_states: a list of (batch, ...) Tensors.
        go_backwards: run from the last step to the first. Defaults to ``False``.
        mask: (batch, time) booleans, or None; a masked step keeps the previous states and
            output (zeros with ``zero_output_for_mask``). Defaults to ``None``.
        constants: Tensors passed to every step after the states. Defaults to ``None``.
        unroll, input_length: accepted as Keras's (numnet always runs the loop in Python).
        time_major: whether time is axis 0. Defaults to ``False``.
        zero_output_for_mask: masked steps output zeros. Defaults to ``False``.
        return_all_outputs: keep every step's output (else only the last). Defaults to
            ``True``.

    Returns:
        (last_output, outputs, new_states): (batch, ...), (batch, time, ...) and a list.

    Raises:
        NotImplementedError: for nested (list or dict) inputs; run the loop in Python with a
            list of per-step slices instead.
    """
    if isinstance(inputs, (list, tuple, dict)):
        raise NotImplementedError("rnn(inputs): numnet runs one (batch, time, features) Tensor; "
                                  "for nested inputs concatenate them on the feature axis or "
                                  "loop over the time steps in Python.")
    inputs = _tensor(inputs)
    if inputs.ndim < 3:
        raise ValueError(f"rnn(inputs): expected at least 3 axes (batch, time, features), "
                         f"given shape {inputs.shape}.")
    if not time_major:
        inputs = _ops.swapaxes(inputs, 0, 1)
    steps = inputs.shape[0]
    if mask is not None:
        mask = _ops.cast(_tensor(mask), "bool")
        if mask.ndim == 3:
            mask = _ops.squeeze(mask, axis=-1)
        if not time_major:
            mask = _ops.swapaxes(mask, 0, 1)
    constants = tuple(constants or ())
    states = tuple(initial_states)
    order = range(steps - 1, -1, -1) if go_backwards else range(steps)
    outputs, previous = [], None

    def keep(mask_t, new, old):
        mask_t = _ops.reshape(mask_t, tuple(mask_t.shape) + (1,) * (new.ndim - 1))
        return _ops.where(mask_t, new, old)

    for t in order:
        output, new_states = step_function(inputs[t], states + constants)
        new_states = tuple(new_states) if isinstance(new_states, (list, tuple)) else \
            (new_states,)
        if mask is not None:
            if previous is None:
                previous = _ops.zeros_like(output)
            fill = _ops.zeros_like(output) if zero_output_for_mask else previous
            output = keep(mask[t], output, fill)
            new_states = tuple(keep(mask[t], s, old) for s, old in zip(new_states, states))
            previous = output
        states = new_states
        outputs = outputs + [output] if return_all_outputs else [output]
    stacked = _ops.stack(outputs, axis=0)
    if not time_major:
        stacked = _ops.swapaxes(stacked, 0, 1)
    return outputs[-1], stacked, list(states)


__all__ = sorted(name for name, value in list(globals().items())
                 if not name.startswith("_") and callable(value)
                 and getattr(value, "__module__", None) == __name__)
