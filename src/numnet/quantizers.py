"""Post-training quantization, as ``keras.quantizers``: the abs-max scheme, int4 packing, float8
scales, and the quantizers and configs that ``Model.quantize`` and ``Layer.quantize`` use.

The abs-max scheme maps a float tensor ``x`` to integers in ``value_range`` (lo, hi) with one
scale per slice along ``axis``::

    scale = hi / (max(|x|, axis) + epsilon)
    q     = clip(round(x * scale), lo, hi)        (stored as int8)
    x    ~= q / scale

``round`` is round-half-to-even, as in NumPy and Keras. A Dense layer quantized to int8 keeps
its kernel as ``q`` with one scale per output unit (``axis=0``), and quantizes its inputs the
same way at each call, one scale per row (``axis=-1``); its output is
``(q_x @ q_kernel) / (scale_x * scale_kernel)``.

The functions take NumPy arrays or Tensors and return Tensors; they record no gradient.
"""

from __future__ import annotations

import inspect

import numpy as np

from . import backend
from .autodiff.tensor import Tensor

_EPSILON = 1e-7  # backend.epsilon()'s default, as Keras's functions bind it


def _array(x):
    """The array of ``x`` on the device (a Tensor's value, or the array itself)."""
    return backend.to_device(getattr(x, "value", x))


def _float(x):
    """``x`` as a float array: its own float dtype (an array's, a Tensor's), else floatx."""
    typed = hasattr(x, "dtype")
    x = _array(x)
    return x if typed and backend.is_float_dtype(x.dtype) else x.astype(backend.floatx())


def _axes(axis, ndim: int) -> tuple:
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    for a in axes:
        if not -ndim <= int(a) < ndim:
            raise ValueError(f"axis: {a} is out of range for a tensor of {ndim} dimensions; "
                             f"give axes in [-{ndim}, {ndim}).")
    return tuple(int(a) % ndim for a in axes)


def abs_max_quantize(inputs, axis, value_range=(-127, 127), dtype="int8",
                     epsilon=_EPSILON, to_numpy=False):
    """Quantize ``inputs`` by its absolute maximum along ``axis``.

    ``scale = value_range[1] / (max(|inputs|, axis, keepdims) + epsilon)`` and
    ``quantized = clip(round(inputs * scale), *value_range)`` cast to ``dtype``. The scale
    keeps the reduced axes (size 1), in the input's float dtype.

    Args:
        inputs: the float tensor (array or Tensor).
        axis: the axis (an int) or axes (a tuple) to take the maximum over; -1 gives one
            scale per row.
        value_range: (lo, hi), the integer range. Defaults to ``(-127, 127)``.
        dtype: the dtype of the quantized values. Defaults to ``"int8"``.
        epsilon: added to the maximum so that an all-zero slice gets a finite scale.
            Defaults to ``1e-7``.
        to_numpy: accepted for Keras (which then computes on the host); numnet computes on
            the array's own device either way. Defaults to ``False``.

    Returns:
        (quantized, scale): two Tensors.

    Raises:
        ValueError: for an axis out of range.

    Example:
        >>> q, scale = numnet.quantizers.abs_max_quantize(
        ...     np.array([[1.0, -2.0, 0.5]], "float32"), axis=-1)
        >>> q.numpy().tolist(), round(float(scale.numpy()[0, 0]), 3)
        ([[64, -127, 32]], 63.5)
    """
    del to_numpy
    xp = backend.xp
    x = _float(inputs)
    axes = _axes(axis, x.ndim)
    peak = xp.max(xp.abs(x), axis=axes, keepdims=True)
    scale = (x.dtype.type(value_range[1]) / (peak + x.dtype.type(epsilon))).astype(x.dtype)
    quantized = xp.clip(xp.round(x * scale), value_range[0], value_range[1]).astype(dtype)
    return Tensor(quantized), Tensor(scale)


def abs_max_quantize_grouped_with_zero_point(inputs, block_size: int, value_range=(-8, 7),
                                             dtype="int8", epsilon=_EPSILON, to_numpy=False):
    """Asymmetric quantization of a 2-D ``(input_dim, output_dim)`` tensor in groups of
    ``block_size`` rows: each group and column gets a scale and a zero point::

        scale = (max - min + epsilon) / (hi - lo)
        zero  = clip(round(-min / scale) + lo, lo, hi)
        q     = clip(round(x / scale) + zero, lo, hi)        x ~= (q - zero) * scale

    (the last group is padded with zeros when ``block_size`` does not divide input_dim).

    Args:
        inputs: the (input_dim, output_dim) float tensor.
        block_size: rows per group, a positive integer.
        value_range: (lo, hi). Defaults to ``(-8, 7)`` (int4).
        dtype: the quantized values' dtype. Defaults to ``"int8"``.
        epsilon: keeps a constant group's scale positive. Defaults to ``1e-7``.
        to_numpy: accepted for Keras. Defaults to ``False``.

    Returns:
        (quantized (input_dim, output_dim), scale (n_groups, output_dim),
        zero_point (n_groups, output_dim) int8), n_groups = ceil(input_dim / block_size).

    Example:
        >>> q, scale, zero = numnet.quantizers.abs_max_quantize_grouped_with_zero_point(
        ...     np.array([[0.0], [1.5]], "float32"), block_size=2)
        >>> q.numpy().ravel().tolist(), zero.numpy().tolist()
        ([-8, 7], [[-8]])
    """
    del to_numpy
    xp = backend.xp
    x = _float(inputs)
    if x.ndim != 2:
        raise ValueError(f"abs_max_quantize_grouped_with_zero_point(inputs): expected a 2-D "
                         f"(input_dim, output_dim) tensor, given shape {tuple(x.shape)}.")
    rows, cols = x.shape
    groups = -(-rows // int(block_size))
    padded = xp.concatenate([x, xp.zeros((groups * block_size - rows, cols), x.dtype)])
    blocks = padded.reshape(groups, block_size, cols)
    lo, hi = value_range
    low = blocks.min(axis=1, keepdims=True)
    scale = (blocks.max(axis=1, keepdims=True) - low + x.dtype.type(epsilon)) / x.dtype.type(
        hi - lo)
    zero = xp.clip(xp.round(-low / scale) + lo, lo, hi)
    q = xp.clip(xp.round(blocks / scale) + zero, lo, hi).astype(dtype)
    return (Tensor(q.reshape(groups * block_size, cols)[:rows]),
            Tensor(scale[:, 0].astype(x.dtype)), Tensor(zero[:, 0].astype("int8")))


def dequantize_with_sz_map(weights_matrix, scale, zero, g_idx, group_axis=-1):
    """``(weights_matrix - zero[g]) * scale[g]``, each position's group ``g`` read from
    ``g_idx`` and taken from ``scale`` and ``zero`` along ``group_axis``.

    Args:
        weights_matrix: the quantized values.
        scale, zero: per-group scales and zero points (n_groups along ``group_axis``).
        g_idx: each position's group index (a 1-D tensor).
        group_axis: the groups' axis of ``scale`` and ``zero``. Defaults to ``-1``.

    Example:
        >>> numnet.quantizers.dequantize_with_sz_map(
        ...     np.array([[3, 5]], "int8"), np.array([[0.5]], "float32"),
        ...     np.array([[1]], "int8"), np.array([0, 0]), group_axis=-1).numpy().tolist()
        [[1.0, 2.0]]
    """
    xp = backend.xp
    groups = _array(g_idx).astype("int32")
    scales = xp.take(_array(scale), groups, axis=group_axis)
    zeros = xp.take(_array(zero), groups, axis=group_axis).astype(scales.dtype)
    return Tensor((_array(weights_matrix) - zeros) * scales)


def quantize_and_dequantize(inputs, scale, quantized_dtype, compute_dtype):
    """``inputs`` through a float8 (or other narrow float) type and back:
    ``cast(clip(inputs / scale, -max, max), quantized_dtype) * scale`` in ``compute_dtype``,
    ``max`` being the quantized dtype's largest finite value.

    Args:
        inputs: the tensor.
        scale: the scale (a scalar or broadcastable tensor).
        quantized_dtype: e.g. ``"float8_e4m3fn"`` or ``"float8_e5m2"`` (these need the
            ml_dtypes package: ``pip install ml_dtypes``).
        compute_dtype: the dtype of the arithmetic and the result, e.g. ``"float32"``.

    Raises:
        ValueError: for a float8 dtype without ml_dtypes installed.

    Example:
        >>> out = numnet.quantizers.quantize_and_dequantize(
        ...     np.array([1.0, 600.0], "float32"), 1.0, "float16", "float32")
        >>> out.numpy().tolist()
        [1.0, 600.0]
    """
    xp = backend.xp
    qdtype = _narrow_dtype(quantized_dtype)
    info = np.finfo(qdtype) if qdtype.kind == "f" and qdtype.itemsize > 1 else _ml_finfo(qdtype)
    limit = np.dtype(compute_dtype).type(float(info.max))
    s = xp.asarray(_array(scale)).astype(compute_dtype)
    x = xp.clip(_array(inputs).astype(compute_dtype) / s, -limit, limit)
    return Tensor(x.astype(qdtype).astype(compute_dtype) * s)


def _narrow_dtype(name):
    try:
        return np.dtype(name)
    except TypeError:
        try:
            import ml_dtypes
        except ImportError:
            raise ValueError(f"quantized_dtype={name!r} needs the ml_dtypes package; install it "
                             "with: pip install ml_dtypes") from None
        return np.dtype(getattr(ml_dtypes, str(name)))


def _ml_finfo(dtype):
    import ml_dtypes

    return ml_dtypes.finfo(dtype)


def compute_float8_scale(amax, scale, dtype_max, margin=0):
    """The next float8 scale from the running absolute maximum ``amax`` (NVIDIA Transformer
    Engine's rule): ``1 / (dtype_max / amax / 2**margin)``, keeping ``scale`` where ``amax`` is
    zero or not finite.

    Args:
        amax: the largest absolute value seen.
        scale: the current scale.
        dtype_max: the float8 type's largest finite value (448 for e4m3fn).
        margin: powers of two of headroom. Defaults to ``0``.

    Example:
        >>> float(numnet.quantizers.compute_float8_scale(224.0, 1.0, 448.0).numpy())
        0.5
    """
    xp = backend.xp
    amax = xp.asarray(_float(amax))
    keep = 1.0 / xp.asarray(_float(scale)).astype(amax.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = (amax.dtype.type(dtype_max) / amax) / amax.dtype.type(2.0 ** margin)
    factor = xp.where(xp.isfinite(amax) & (amax > 0), factor, keep)
    return Tensor((1.0 / factor).astype(amax.dtype))


def compute_float8_amax_history(x, amax_history):
    """The history of absolute maxima rolled by one, with ``max(|x|)`` as its first entry.

    Example:
        >>> numnet.quantizers.compute_float8_amax_history(
        ...     np.array([-3.0, 2.0], "float32"), np.array([1.0, 2.0, 5.0], "float32")
        ... ).numpy().tolist()
        [3.0, 5.0, 1.0]
    """
    xp = backend.xp
    history = _array(amax_history)
    rolled = xp.roll(history, -1).copy()
    rolled[0] = xp.max(xp.abs(_array(x))).astype(history.dtype)
    return Tensor(rolled)


def pack_int4(arr, axis=0, dtype="int8"):
    """Pack int4 values (int8 in [-8, 7]) two to a byte along ``axis``: the first of each pair
    in the low nibble, the second in the high nibble (an odd length is padded with a zero).

    Args:
        arr: an int8 (or uint8) tensor of int4 values.
        axis: the axis to pack. Defaults to ``0``.
        dtype: ``"int8"`` or ``"uint8"``, the dtype of ``arr`` and of the result. Defaults to
            ``"int8"``.

    Returns:
        (packed, packed_shape, orig_len): the packed tensor, its shape, and the length of
        ``axis`` before packing (what ``unpack_int4`` needs).

    Raises:
        ValueError: for a dtype other than int8 / uint8.
        TypeError: when ``arr``'s dtype is not ``dtype``.

    Example:
        >>> packed, shape, n = numnet.quantizers.pack_int4(np.array([[-3, 7], [2, -8], [1, 0]],
        ...                                                          "int8"))
        >>> packed.numpy().tolist(), n
        ([[45, -121], [1, 0]], 3)
    """
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"pack_int4(dtype): expected 'int8' or 'uint8', given {dtype!r}.")
    xp = backend.xp
    a = _array(arr)
    if str(a.dtype) != dtype:
        raise TypeError(f"pack_int4(arr): expected a {dtype} tensor, given {a.dtype}; cast the "
                        "int4 values to it first.")
    a = xp.moveaxis(a, axis, 0)
    n = a.shape[0]
    if n % 2:
        a = xp.concatenate([a, xp.zeros((1,) + a.shape[1:], a.dtype)])
    low, high = a[0::2].view("uint8") & 0x0F, a[1::2].view("uint8") & 0x0F
    packed = xp.moveaxis((low | (high << 4)).astype("uint8").view(dtype), 0, axis)
    return Tensor(packed), tuple(packed.shape), n


def unpack_int4(packed, orig_len, axis=0, dtype="int8"):
    """Undo ``pack_int4``: each byte's low nibble then its high nibble along ``axis``, the
    padding dropped (``orig_len`` values kept); signed values in [-8, 7] for int8.

    Args:
        packed: the packed int8 (or uint8) tensor.
        orig_len: the axis' length before packing.
        axis: the packed axis. Defaults to ``0``.
        dtype: ``"int8"`` (signed nibbles) or ``"uint8"`` (0..15). Defaults to ``"int8"``.

    Example:
        >>> packed = np.array([[45, -121], [1, 0]], "int8")
        >>> numnet.quantizers.unpack_int4(packed, 3).numpy().tolist()
        [[-3, 7], [2, -8], [1, 0]]
    """
    if dtype not in ("int8", "uint8"):
        raise ValueError(f"unpack_int4(dtype): expected 'int8' or 'uint8', given {dtype!r}.")
    xp = backend.xp
    p = _array(packed)
    if str(p.dtype) not in ("int8", "uint8"):
        raise TypeError(f"unpack_int4(packed): expected an int8 or uint8 tensor, given "
                        f"{p.dtype}.")
    p = xp.moveaxis(p, axis, 0).view("uint8")
    low, high = (p & 0x0F).astype("int8"), (p >> 4).astype("int8")
    if dtype == "int8":
        low, high = (low ^ 8) - 8, (high ^ 8) - 8
    both = xp.stack([low, high], axis=1).reshape((-1,) + p.shape[1:])[:orig_len]
    return Tensor(xp.moveaxis(both.astype(dtype), 0, axis))


def fake_quant_with_min_max_vars(inputs, min_vals, max_vals, num_bits=8, narrow_range=False,
                                 axis=None):
    """Fake quantization (quantization-aware training): ``inputs`` clamped to [min, max],
    rounded to one of the ``2**num_bits`` levels of that range (``narrow_range``: one fewer) and
    returned as floats, as TensorFlow's ``fake_quant_with_min_max_vars``. The range is first
    nudged so that 0.0 falls on a level. The gradient passes straight through inside the range;
    the part of it from values clamped below (above) goes to ``min_vals`` (``max_vals``), so the
    range can be trained.

    Args:
        inputs: the float tensor.
        min_vals, max_vals: the range, scalars or one value per channel along ``axis``
            (Tensors or Variables, which then get gradients).
        num_bits: the levels' bits. Defaults to ``8``.
        narrow_range: use [1, 2**num_bits - 1] instead of [0, 2**num_bits - 1]. Defaults to
            ``False``.
        axis: the channel axis of per-channel ranges; None for one range. Defaults to ``None``.

    Returns:
        A Tensor shaped as ``inputs``.

    Example:
        >>> out = numnet.quantizers.fake_quant_with_min_max_vars(
        ...     np.array([-0.2, 0.26, 2.0], "float32"), 0.0, 1.0, num_bits=2)
        >>> [round(v, 4) for v in out.numpy().tolist()]
        [0.0, 0.3333, 1.0]
    """
    from .autodiff import ops as _ops

    xp = backend.xp
    parents = [t if isinstance(t, Tensor) else Tensor(_float(t))
               for t in (inputs, min_vals, max_vals)]
    x, low, high = (_float(t) for t in parents)
    dtype = np.result_type(low.dtype, np.float32)
    low, high = low.astype(dtype), high.astype(dtype)
    levels_max = (1 << int(num_bits)) - 1
    levels_min = 1 if narrow_range else 0
    span = levels_max - levels_min
    scale = (high - low) / dtype.type(span)
    inv_scale = dtype.type(span) / (high - low)
    zero = xp.round(xp.clip(levels_min - low / scale, levels_min, levels_max))
    nudged_low, nudged_high = (levels_min - zero) * scale, (levels_max - zero) * scale
    quant_zero = xp.floor(-nudged_low * inv_scale + dtype.type(0.5))
    shifted = xp.clip(x.astype(dtype), nudged_low, nudged_high) - nudged_low
    out = (xp.floor(shifted * inv_scale - quant_zero + dtype.type(0.5)) * scale).astype(x.dtype)
    inside = (x >= nudged_low) & (x <= nudged_high)
    below, above = x <= nudged_low, x >= nudged_high
    reduce_axes = None if axis is None else tuple(
        i for i in range(x.ndim) if i != int(axis) % x.ndim)

    def backward(g):
        zero_g = xp.zeros_like(g)
        _ops.accumulate(parents[0], xp.where(inside, g, zero_g))
        for parent, mask in ((parents[1], below), (parents[2], above)):
            part = xp.where(mask, g, zero_g).sum(axis=reduce_axes)
            _ops.accumulate(parent, part.reshape(parent.shape).astype(parent.value.dtype))

    return _ops.node(out, tuple(parents), backward)


# ----------------------------------------------------------------------------- quantizers


class Quantizer:
    """The base of quantizers: ``quantizer(x)`` gives the quantized form of ``x`` (here, ``x``
    itself). Subclasses define ``__call__`` and ``get_config``.

    Args:
        output_dtype: the dtype of the quantized values. Defaults to ``"int8"``.

    Example:
        >>> numnet.quantizers.Quantizer()(3.0)
        3.0
    """

    def __init__(self, output_dtype="int8"):
        self.output_dtype = output_dtype

    def __call__(self, x):
        return x

    @classmethod
    def from_config(cls, config: dict):
        """The quantizer ``get_config`` describes."""
        return cls(**config)

    def get_config(self) -> dict:
        raise NotImplementedError(f"{type(self).__name__} does not define get_config(); "
                                  "define it to return the constructor's arguments.")


class AbsMaxQuantizer(Quantizer):
    """The abs-max quantizer: ``quantizer(x, axis)`` is ``abs_max_quantize(x, axis,
    value_range, output_dtype, epsilon)``, a (quantized, scale) pair.

    Args:
        axis: the default axis (or axes) of ``__call__``; None for -1 (Keras deprecates
            setting it here). Defaults to ``None``.
        value_range: (lo, hi). Defaults to ``(-127, 127)``.
        epsilon: Defaults to ``1e-7``.
        output_dtype: Defaults to ``"int8"``.

    Raises:
        ValueError: an int8 ``value_range`` outside [-128, 127].

    Example:
        >>> q, scale = numnet.quantizers.AbsMaxQuantizer()(np.array([[0.5, -1.0]], "float32"))
        >>> q.numpy().tolist()  # 0.5 * 127 / (1 + 1e-7) = 63.4999...
        [[63, -127]]
    """

    def __init__(self, axis=None, value_range=(-127, 127), epsilon=_EPSILON,
                 output_dtype="int8"):
        super().__init__(output_dtype=output_dtype)
        self.axis = None if axis is None else ((axis,) if isinstance(axis, int) else tuple(axis))
        self.value_range = tuple(value_range)
        self.epsilon = epsilon
        if output_dtype == "int8" and (value_range[0] < -128 or value_range[1] > 127):
            raise ValueError(f"AbsMaxQuantizer(value_range): with output_dtype='int8' the range "
                             f"must lie in [-128, 127], given {tuple(value_range)}.")

    def __call__(self, x, axis=None, to_numpy=False):
        """(quantized, scale) of ``x`` along ``axis`` (else the constructor's, else -1)."""
        if axis is None:
            axis = self.axis if self.axis is not None else -1
        return abs_max_quantize(x, axis, self.value_range, self.output_dtype, self.epsilon,
                                to_numpy)

    def get_config(self) -> dict:
        config = {"value_range": self.value_range, "epsilon": self.epsilon,
                  "output_dtype": self.output_dtype}
        if self.axis is not None:
            config["axis"] = self.axis
        return config

    def __repr__(self) -> str:
        return f"AbsMaxQuantizer(value_range={self.value_range}, axis={self.axis})"


# ----------------------------------------------------------------------------- configs

QUANTIZATION_MODES = ("int8", "float8", "int4", "gptq", "awq")
"""The modes Keras names; numnet quantizes to int8, int4 and float8."""
SUPPORTED_MODES = ("int8", "int4", "float8")


class QuantizationConfig:
    """What ``quantize(config=...)`` uses: a weight quantizer and an activation quantizer (None
    for the layer's defaults). Use a subclass (``Int8QuantizationConfig``, ...).

    Args:
        weight_quantizer: Defaults to ``None``.
        activation_quantizer: Defaults to ``None``.
    """

    def __init__(self, weight_quantizer=None, activation_quantizer=None):
        self.weight_quantizer = weight_quantizer
        self.activation_quantizer = activation_quantizer

    @property
    def mode(self) -> str:
        raise NotImplementedError("QuantizationConfig is a base class; use "
                                  "Int8QuantizationConfig or Int4QuantizationConfig.")

    def get_config(self) -> dict:
        return {"weight_quantizer": serialize(self.weight_quantizer),
                "activation_quantizer": serialize(self.activation_quantizer)}

    @classmethod
    def from_config(cls, config: dict):
        return cls(weight_quantizer=deserialize(config.get("weight_quantizer")),
                   activation_quantizer=deserialize(config.get("activation_quantizer")))

    @staticmethod
    def weight_quantizer_or_default(config, default):
        """``config``'s weight quantizer, else ``default``."""
        if config is not None and config.weight_quantizer is not None:
            return config.weight_quantizer
        return default

    @staticmethod
    def activation_quantizer_or_default(config, default):
        """``config``'s activation quantizer (None included) when a config is given, else
        ``default``."""
        return config.activation_quantizer if config is not None else default


class Int8QuantizationConfig(QuantizationConfig):
    """int8 weights (per output channel) and, by default, inputs quantized at each call
    (``AbsMaxQuantizer()``, one scale per row).

    Args:
        weight_quantizer: an int8 quantizer, or None for the layer's default. Defaults to
            ``None``.
        activation_quantizer: ``"default"`` for ``AbsMaxQuantizer()``, None for weight-only
            quantization, or a quantizer. Defaults to ``"default"``.

    Example:
        >>> numnet.quantizers.Int8QuantizationConfig().mode
        'int8'
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default"):
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = AbsMaxQuantizer()
        super().__init__(weight_quantizer, activation_quantizer)
        if weight_quantizer is not None and weight_quantizer.output_dtype != "int8":
            raise ValueError("Int8QuantizationConfig(weight_quantizer): expected "
                             f"output_dtype='int8', given {weight_quantizer.output_dtype!r}.")

    @property
    def mode(self) -> str:
        return "int8"


class Int4QuantizationConfig(QuantizationConfig):
    """int4 weights, packed two to a byte. ``block_size`` rows share a scale and a zero point
    (asymmetric, the default 128); None or -1 gives one symmetric scale per output channel.
    Inputs are not quantized unless an ``activation_quantizer`` is given.

    Args:
        weight_quantizer: for per-channel mode, a quantizer with value_range (-8, 7). Defaults
            to ``None``.
        activation_quantizer: ``"default"`` (None: weight-only) or a quantizer. Defaults to
            ``"default"``.
        block_size: rows per group; None or -1 for per-channel. Defaults to ``128``.

    Raises:
        ValueError: a block_size that is not None, -1 or positive; custom quantizers with
            grouped mode; a weight quantizer of another range.

    Example:
        >>> numnet.quantizers.Int4QuantizationConfig(block_size=-1).mode
        'int4'
    """

    def __init__(self, weight_quantizer=None, activation_quantizer="default", block_size=128):
        if isinstance(activation_quantizer, str) and activation_quantizer == "default":
            activation_quantizer = None
        super().__init__(weight_quantizer, activation_quantizer)
        if block_size is not None and block_size != -1 and block_size <= 0:
            raise ValueError(f"Int4QuantizationConfig(block_size): expected None, -1 or a "
                             f"positive integer, given {block_size!r}.")
        self.block_size = block_size
        if block_size is not None and block_size > 0 and (
                weight_quantizer is not None or activation_quantizer is not None):
            raise ValueError("Int4QuantizationConfig: grouped quantization (block_size > 0) "
                             "takes no custom quantizers; give block_size=-1 to use them.")
        if weight_quantizer is not None and tuple(weight_quantizer.value_range) != (-8, 7):
            raise ValueError("Int4QuantizationConfig(weight_quantizer): expected "
                             f"value_range=(-8, 7), given {weight_quantizer.value_range}.")

    @property
    def mode(self) -> str:
        return "int4"

    def get_config(self) -> dict:
        return {**super().get_config(), "block_size": self.block_size}

    @classmethod
    def from_config(cls, config: dict):
        return cls(weight_quantizer=deserialize(config.get("weight_quantizer")),
                   activation_quantizer=deserialize(config.get("activation_quantizer")),
                   block_size=config.get("block_size"))


class Float8QuantizationConfig(QuantizationConfig):
    """The config of float8 training (``quantize(config=Float8QuantizationConfig())`` is
    ``quantize("float8")``); it takes no quantizers, as Keras's.

    Example:
        >>> numnet.quantizers.Float8QuantizationConfig().mode
        'float8'
    """

    def __init__(self):
        super().__init__(None, None)

    @property
    def mode(self) -> str:
        return "float8"

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls()


def resolve_config(mode, config):
    """(mode, config) for ``quantize(mode, config)``: the config a mode implies, or the mode a
    config names; Keras's errors for an unknown mode or a missing one, numnet's for a mode it
    does not implement."""
    if isinstance(config, str):
        mode, config = config, None
    if mode is not None and mode not in QUANTIZATION_MODES:
        raise ValueError(f"Invalid quantization mode. Expected one of {QUANTIZATION_MODES}. "
                         f"Received: mode={mode}")
    if config is None:
        if mode is None:
            raise ValueError("quantize: give a mode ('int8', 'int4' or 'float8') or a config.")
        not_implemented(mode)
        config = {"int8": Int8QuantizationConfig, "int4": Int4QuantizationConfig,
                  "float8": Float8QuantizationConfig}[mode]()
    elif not isinstance(config, QuantizationConfig):
        raise ValueError(f"quantize(config): expected a QuantizationConfig such as "
                         f"Int8QuantizationConfig(), given {type(config).__name__} {config!r}.")
    elif mode is not None and mode != config.mode:
        raise ValueError(f"quantize: mode={mode!r} contradicts config's mode {config.mode!r}; "
                         "give one of them.")
    not_implemented(config.mode)
    return config.mode, config


def not_implemented(mode) -> None:
    """Raise NotImplementedError for a Keras mode that numnet does not implement."""
    if mode not in SUPPORTED_MODES:
        raise NotImplementedError(
            f"quantize: mode={mode!r} is a Keras mode that numnet does not implement; numnet "
            "quantizes to 'int8' and 'int4' (Dense, EinsumDense and Embedding layers) and "
            "trains in 'float8' (Dense and EinsumDense).")


_OVERWRITTEN: set = set()


def set_overwrite_with_gradient(variable) -> None:
    """Mark ``variable`` as one the optimizer sets to its "gradient" instead of updating it
    (Keras 3's ``variable.overwrite_with_gradient = True``; numnet's Variable keeps no such
    attribute). A float8 layer marks its scales and histories of absolute maxima so, and its
    backward hands each of them its next value as the gradient. The optimizer keeps no slots
    for a marked variable and neither clips nor decays its value.

    Args:
        variable: a trainable ``numnet.Variable``.

    Example:
        >>> scale = numnet.Variable(np.array(1.0, "float32"))
        >>> numnet.quantizers.set_overwrite_with_gradient(scale)
        >>> numnet.optimizers.SGD(0.1).apply([np.array(0.25, "float32")], [scale])
        >>> float(scale.numpy())
        0.25
    """
    _OVERWRITTEN.add(variable.uid)


def overwrites_with_gradient(variable) -> bool:
    """Whether the optimizer sets ``variable`` to its gradient (``set_overwrite_with_gradient``
    marked it).

    Args:
        variable: a ``numnet.Variable`` (anything else gives False).

    Example:
        >>> numnet.quantizers.overwrites_with_gradient(numnet.Variable(np.zeros(2)))
        False
    """
    return getattr(variable, "uid", None) in _OVERWRITTEN


# ----------------------------------------------------------------------------- look-up

ALL_OBJECTS = {cls.__name__: cls for cls in (Quantizer, AbsMaxQuantizer, QuantizationConfig,
                                             Int8QuantizationConfig, Int4QuantizationConfig,
                                             Float8QuantizationConfig)}
ALL_OBJECTS.update({"quantizer": Quantizer, "abs_max_quantizer": AbsMaxQuantizer,
                    "int8_quantization_config": Int8QuantizationConfig,
                    "int4_quantization_config": Int4QuantizationConfig})


def serialize(quantizer) -> dict | None:
    """``{"module", "class_name", "config", "registered_name"}`` as Keras writes a quantizer or a
    quantization config (None for None).

    Example:
        >>> numnet.quantizers.serialize(numnet.quantizers.AbsMaxQuantizer())["class_name"]
        'AbsMaxQuantizer'
    """
    if quantizer is None:
        return None
    config = quantizer.get_config()
    if "value_range" in config:
        config = {**config, "value_range": list(config["value_range"])}
    if "axis" in config:
        config = {**config, "axis": list(config["axis"])}
    builtin = ALL_OBJECTS.get(type(quantizer).__name__) is type(quantizer)
    return {"module": "keras.quantizers" if builtin else type(quantizer).__module__,
            "class_name": type(quantizer).__name__, "config": config,
            "registered_name": None if builtin else type(quantizer).__name__}


def deserialize(config, custom_objects=None):
    """The quantizer (or config) a ``serialize`` dict describes; None for None.

    Raises:
        ValueError: an unknown class name.

    Example:
        >>> q = numnet.quantizers.deserialize({"class_name": "AbsMaxQuantizer",
        ...                                    "config": {"value_range": [-8, 7]}})
        >>> q.value_range
        (-8, 7)
    """
    if config is None:
        return None
    if not isinstance(config, dict) or "class_name" not in config:
        raise ValueError(f"quantizers.deserialize(config): expected a dict with 'class_name' "
                         f"and 'config', given {config!r}.")
    table = {**ALL_OBJECTS, **(custom_objects or {})}
    name = config.get("registered_name") or config["class_name"]
    cls = table.get(name) or table.get(config["class_name"])
    if cls is None:
        raise ValueError(f"quantizers.deserialize: unknown quantizer {config['class_name']!r}; "
                         f"expected one of {sorted(k for k in ALL_OBJECTS if k[0].isupper())}, "
                         "or pass custom_objects.")
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier, **kwargs):
    """A quantizer from a name ("AbsMaxQuantizer", "abs_max_quantizer"), a ``serialize`` dict,
    a quantizer (returned as it is) or None.

    Raises:
        ValueError: for anything else.

    Example:
        >>> type(numnet.quantizers.get("abs_max_quantizer")).__name__
        'AbsMaxQuantizer'
    """
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        return deserialize(identifier)
    obj = ALL_OBJECTS.get(identifier) if isinstance(identifier, str) else identifier
    if inspect.isclass(obj):
        return obj(**kwargs)
    if callable(obj):
        return obj
    raise ValueError(f"quantizers.get(identifier): could not interpret {identifier!r} as a "
                     f"quantizer; give one of {sorted(k for k in ALL_OBJECTS if k[0].isupper())}"
                     ", a dict from serialize, or a Quantizer.")


__all__ = ["AbsMaxQuantizer", "Float8QuantizationConfig", "Int4QuantizationConfig",
           "Int8QuantizationConfig", "QuantizationConfig", "Quantizer", "abs_max_quantize",
           "abs_max_quantize_grouped_with_zero_point", "compute_float8_amax_history",
           "compute_float8_scale", "dequantize_with_sz_map", "deserialize",
           "fake_quant_with_min_max_vars", "get",
           "pack_int4", "quantize_and_dequantize", "serialize", "unpack_int4"]
