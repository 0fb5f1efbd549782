"""TensorFlow's ``tf.nn`` functions beyond the activations and cross-entropies of numnet.nn:
convolutions, pooling, dropout, normalization statistics, losses, ...

    y = tf.nn.conv2d(x, filters, strides=1, padding="SAME")   # x (batch, h, w, in)
    y = tf.nn.max_pool2d(y, ksize=2, strides=2, padding="VALID")

TensorFlow's layouts: inputs channels last ("NHWC", the default; "NCHW" is transposed in and
out), filters (*window, in, out), transposed-convolution filters (*window, out, in). Strides,
kernel sizes and dilations are an int, one per spatial axis, or one per axis of the input
(TensorFlow's [1, s, s, 1]). padding is "SAME", "VALID" or, for convolutions, explicit
[[before, after], ...] per axis of the input. Each records its gradient on numnet's tape.
"""

from __future__ import annotations

import numpy as np

from .. import activations, backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from .array import zero_fraction
from .base import array, axis_of, pair, plain, to_float, to_tensor
from .errors import InvalidArgumentError


def _channels_first(data_format) -> bool:
    if data_format is None:
        return False
    fmt = str(data_format).upper()
    if fmt in ("NWC", "NHWC", "NDHWC", "CHANNELS_LAST"):
        return False
    if fmt in ("NCW", "NCHW", "NCDHW", "CHANNELS_FIRST"):
        return True
    raise ValueError(f"data_format: expected 'NHWC'-style (channels last) or 'NCHW'-style, "
                     f"given {data_format!r}.")


def _to_last(x: Tensor, first: bool) -> Tensor:
    return _ops.transpose(x, (0, *range(2, x.ndim), 1)) if first else x


def _from_last(x: Tensor, first: bool) -> Tensor:
    return _ops.transpose(x, (0, x.ndim - 1, *range(1, x.ndim - 1))) if first else x


def _spatial(value, rank: int, first: bool, where: str, default: int = 1) -> tuple:
    """An int, ``rank`` ints, or one per axis of the input (the batch and channel ones 1), as
    ``rank`` ints."""
    if value is None:
        return (default,) * rank
    value = plain(value)
    if isinstance(value, int):
        return (value,) * rank
    value = [int(v) for v in value]
    if len(value) == 1:
        return (value[0],) * rank
    if len(value) == rank:
        return tuple(value)
    if len(value) == rank + 2:
        return tuple(value[2:] if first else value[1:-1])
    raise ValueError(f"{where}: expected an int, {rank} ints or {rank + 2} ints, given "
                     f"{value!r}.")


def _padding(x: Tensor, padding, first: bool, where: str):
    """("valid" | "same", x padded explicitly where ``padding`` lists the pairs)."""
    if isinstance(padding, str):
        mode = padding.lower()
        if mode not in ("valid", "same"):
            raise ValueError(f"{where}(padding): expected 'SAME', 'VALID' or a list of "
                             f"[before, after] pairs, given {padding!r}.")
        return mode, x
    pairs = [[int(a) for a in p] for p in plain(padding)]
    if len(pairs) == x.ndim and first:  # given in the NCHW order: moved to channels last
        pairs = [pairs[0], *pairs[2:], pairs[1]]
    elif len(pairs) == x.ndim - 2:
        pairs = [[0, 0], *pairs, [0, 0]]
    if len(pairs) != x.ndim:
        raise ValueError(f"{where}(padding): expected one [before, after] pair per axis of the "
                         f"input ({x.ndim}), given {padding!r}.")
    inner = tuple(slice(a, a + n) for (a, _), n in zip(pairs, x.shape))
    out_shape = tuple(n + a + b for (a, b), n in zip(pairs, x.shape))

    def rearrange(v):
        full = backend.xp.zeros(out_shape, dtype=v.dtype)
        full[inner] = v
        return full

    return "valid", _ops.regather(x, rearrange)


def convolution(input, filters, strides=None, padding="VALID", data_format=None,  # noqa: A002
                dilations=None, name=None) -> Tensor:
    """An N-D convolution (a cross-correlation, as TensorFlow): ``input`` (batch, *spatial,
    in), ``filters`` (*window, in, out) -> (batch, *out_spatial, out); the rank comes from the
    filters.

    Args:
        input: the input batch (channels last unless ``data_format`` says otherwise).
        filters: the kernel, (*window, in_channels, out_channels).
        strides: the window's step. Defaults to ``None`` (1).
        padding: "VALID", "SAME" or explicit [before, after] pairs. Defaults to ``"VALID"``.
        data_format: "NWC"/"NHWC"/"NDHWC" (None) or the channels-first forms. Defaults to
            ``None``.
        dilations: the spacing of the window's taps. Defaults to ``None`` (1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> x = numnet.ones((1, 3, 3, 1)); k = numnet.ones((2, 2, 1, 1))
        >>> numnet.nn.convolution(x, k).shape
        (1, 2, 2, 1)
    """
    x, kernel = pair(to_float(input), to_float(filters))
    rank = kernel.ndim - 2
    first = _channels_first(data_format)
    x = _to_last(x, first)
    strides = _spatial(strides, rank, first, "convolution(strides)")
    dilations = _spatial(dilations, rank, first, "convolution(dilations)")
    mode, x = _padding(x, padding, first, "convolution")
    out = _ops.conv(x, kernel, strides=strides, padding=mode, dilation_rate=dilations)
    return _from_last(out, first)


def conv1d(input, filters, stride, padding, data_format="NWC", dilations=None,  # noqa: A002
           name=None) -> Tensor:
    """A 1-D convolution: ``input`` (batch, width, in), ``filters`` (window, in, out).

    Args:
        input: the input batch.
        filters: the kernel, (window, in_channels, out_channels).
        stride: the window's step.
        padding: "VALID", "SAME" or explicit pairs.
        data_format: "NWC" or "NCW". Defaults to ``"NWC"``.
        dilations: the spacing of the taps. Defaults to ``None`` (1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.conv1d(numnet.ones((1, 5, 1)), numnet.ones((3, 1, 2)), 1, "VALID").shape
        (1, 3, 2)
    """
    return convolution(input, filters, stride, padding, data_format, dilations)


def conv2d(input, filters, strides, padding, data_format="NHWC", dilations=None,  # noqa: A002
           name=None) -> Tensor:
    """A 2-D convolution: ``input`` (batch, h, w, in), ``filters`` (kh, kw, in, out).

    Args:
        input: the input batch.
        filters: the kernel, (kh, kw, in_channels, out_channels).
        strides: an int, [sh, sw] or [1, sh, sw, 1].
        padding: "VALID", "SAME" or explicit pairs.
        data_format: "NHWC" or "NCHW". Defaults to ``"NHWC"``.
        dilations: the spacing of the taps. Defaults to ``None`` (1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> x = numnet.ones((1, 4, 4, 1)); k = numnet.ones((3, 3, 1, 1))
        >>> numnet.nn.conv2d(x, k, strides=1, padding="SAME")[0, :, :, 0].numpy()[0].tolist()
        [4.0, 6.0, 6.0, 4.0]
    """
    return convolution(input, filters, strides, padding, data_format, dilations)


def conv3d(input, filters, strides, padding, data_format="NDHWC", dilations=None,  # noqa: A002
           name=None) -> Tensor:
    """A 3-D convolution: ``input`` (batch, d, h, w, in), ``filters`` (kd, kh, kw, in, out).

    Args:
        input: the input batch.
        filters: the kernel.
        strides: an int, 3 ints or 5 ints ([1, sd, sh, sw, 1]).
        padding: "VALID", "SAME" or explicit pairs.
        data_format: "NDHWC" or "NCDHW". Defaults to ``"NDHWC"``.
        dilations: the spacing of the taps. Defaults to ``None`` (1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.conv3d(numnet.ones((1, 3, 3, 3, 1)), numnet.ones((2, 2, 2, 1, 4)),
        ...                  strides=1, padding="VALID").shape
        (1, 2, 2, 2, 4)
    """
    return convolution(input, filters, strides, padding, data_format, dilations)


def atrous_conv2d(value, filters, rate, padding, name=None) -> Tensor:
    """A dilated 2-D convolution (conv2d with dilations=rate).

    Args:
        value: the input batch (batch, h, w, in).
        filters: the kernel (kh, kw, in, out).
        rate: the dilation.
        padding: "VALID" or "SAME".
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.atrous_conv2d(numnet.ones((1, 5, 5, 1)), numnet.ones((2, 2, 1, 1)), 2,
        ...                         "VALID").shape
        (1, 3, 3, 1)
    """
    return convolution(value, filters, 1, padding, None, rate)


def conv_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                   data_format=None, dilations=None, name=None) -> Tensor:
    """The transposed convolution (the gradient of ``convolution`` with respect to its input):
    ``input`` (batch, *spatial, in), ``filters`` (*window, out, in) -> ``output_shape``.

    Args:
        input: the input batch.
        filters: the kernel, (*window, out_channels, in_channels).
        output_shape: the full output shape (batch, *spatial, out) (channels-first when
            ``data_format`` is).
        strides: the steps of the corresponding forward convolution.
        padding: "SAME" or "VALID". Defaults to ``"SAME"``.
        data_format: channels last (None) or first. Defaults to ``None``.
        dilations: the spacing of the taps. Defaults to ``None`` (1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.conv_transpose(numnet.ones((1, 2, 2, 1)), numnet.ones((3, 3, 1, 1)),
        ...                          [1, 4, 4, 1], strides=2).shape
        (1, 4, 4, 1)
    """
    from ..layers.convolutional_transpose import conv_transpose as _conv_transpose

    x, kernel = pair(to_float(input), to_float(filters))
    rank = kernel.ndim - 2
    first = _channels_first(data_format)
    x = _to_last(x, first)
    strides = _spatial(strides, rank, first, "conv_transpose(strides)")
    dilations = _spatial(dilations, rank, first, "conv_transpose(dilations)")
    shape = [int(d) for d in plain(output_shape)]
    if len(shape) == rank:
        shape = [x.shape[0], *shape, kernel.shape[-2]]
    if first:
        shape = [shape[0], *shape[2:], shape[1]]
    if kernel.shape[-1] != x.shape[-1] or shape[-1] != kernel.shape[-2]:
        raise InvalidArgumentError(None, None, f"conv_transpose: filters of shape "
                                               f"{kernel.shape} need input channels "
                                               f"{kernel.shape[-1]} (given {x.shape[-1]}) and "
                                               f"output channels {kernel.shape[-2]} (given "
                                               f"{shape[-1]}).")
    mode = str(padding).lower()
    if mode not in ("same", "valid"):
        raise ValueError(f"conv_transpose(padding): expected 'SAME' or 'VALID', given "
                         f"{padding!r}.")
    full = _conv_transpose(x, kernel, strides=strides, padding="valid",
                           output_padding=(0,) * rank, dilation_rate=dilations)
    index, widths = [slice(None)], [(0, 0)]
    for axis in range(rank):
        out, stride = shape[axis + 1], strides[axis]
        span = dilations[axis] * (kernel.shape[axis] - 1) + 1
        expected_in = -(-out // stride) if mode == "same" else (out - span) // stride + 1
        if expected_in != x.shape[axis + 1]:
            raise InvalidArgumentError(None, None, f"conv_transpose(output_shape): an output "
                                                   f"of size {out} on spatial axis {axis} "
                                                   f"comes from an input of size "
                                                   f"{expected_in}, given {x.shape[axis + 1]}.")
        before = 0
        if mode == "same":
            before = max((expected_in - 1) * stride + span - out, 0) // 2
        have = full.shape[axis + 1] - before
        index.append(slice(before, before + min(out, have)))
        widths.append((0, max(out - have, 0)))
    index.append(slice(None))
    widths.append((0, 0))
    out = _ops.getitem(full, tuple(index))
    if any(b for _, b in widths):
        target = tuple(n + b for n, (_, b) in zip(out.shape, widths))
        inner = tuple(slice(0, n) for n in out.shape)

        def grow(v):
            big = backend.xp.zeros(target, dtype=v.dtype)
            big[inner] = v
            return big

        out = _ops.regather(out, grow)
    return _from_last(out, first)


def conv1d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NWC", dilations=None, name=None) -> Tensor:
    """The 1-D transposed convolution; ``filters`` (window, out, in).

    Args:
        input: the input batch (batch, width, in).
        filters: the kernel.
        output_shape: (batch, out_width, out).
        strides: the step.
        padding: "SAME" or "VALID". Defaults to ``"SAME"``.
        data_format: "NWC" or "NCW". Defaults to ``"NWC"``.
        dilations: the spacing of the taps. Defaults to ``None`` (1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.conv1d_transpose(numnet.ones((1, 3, 1)), numnet.ones((2, 1, 1)),
        ...                            [1, 6, 1], 2).numpy().ravel().tolist()
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]
    """
    return conv_transpose(input, filters, output_shape, strides, padding, data_format,
                          dilations)


def conv2d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NHWC", dilations=None, name=None) -> Tensor:
    """The 2-D transposed convolution (a "deconvolution"); ``filters`` (kh, kw, out, in).

    Args:
        input: the input batch (batch, h, w, in).
        filters: the kernel.
        output_shape: (batch, out_h, out_w, out).
        strides: an int, 2 ints or [1, sh, sw, 1].
        padding: "SAME" or "VALID". Defaults to ``"SAME"``.
        data_format: "NHWC" or "NCHW". Defaults to ``"NHWC"``.
        dilations: the spacing of the taps. Defaults to ``None`` (1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.conv2d_transpose(numnet.ones((1, 2, 2, 3)), numnet.ones((3, 3, 5, 3)),
        ...                            [1, 4, 4, 5], strides=2).shape
        (1, 4, 4, 5)
    """
    return conv_transpose(input, filters, output_shape, strides, padding, data_format,
                          dilations)


def conv3d_transpose(input, filters, output_shape, strides, padding="SAME",  # noqa: A002
                     data_format="NDHWC", dilations=None, name=None) -> Tensor:
    """The 3-D transposed convolution; ``filters`` (kd, kh, kw, out, in).

    Args:
        input: the input batch (batch, d, h, w, in).
        filters: the kernel.
        output_shape: (batch, out_d, out_h, out_w, out).
        strides: an int, 3 ints or 5 ints.
        padding: "SAME" or "VALID". Defaults to ``"SAME"``.
        data_format: "NDHWC" or "NCDHW". Defaults to ``"NDHWC"``.
        dilations: the spacing of the taps. Defaults to ``None`` (1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.conv3d_transpose(numnet.ones((1, 2, 2, 2, 1)),
        ...                            numnet.ones((2, 2, 2, 1, 1)), [1, 4, 4, 4, 1], 2).shape
        (1, 4, 4, 4, 1)
    """
    return conv_transpose(input, filters, output_shape, strides, padding, data_format,
                          dilations)


def depthwise_conv2d(input, filter, strides, padding, data_format=None,  # noqa: A002
                     dilations=None, name=None) -> Tensor:
    """Each input channel convolved with its own ``channel_multiplier`` filters: ``filter``
    (kh, kw, in, multiplier) -> in * multiplier channels, channel c * multiplier + m.

    Args:
        input: the input batch (batch, h, w, in).
        filter: the kernel, (kh, kw, in_channels, channel_multiplier).
        strides: 2 or 4 ints ([1, s, s, 1]) or an int.
        padding: "VALID", "SAME" or explicit pairs.
        data_format: "NHWC" (None) or "NCHW". Defaults to ``None``.
        dilations: the spacing of the taps. Defaults to ``None`` (1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.depthwise_conv2d(numnet.ones((1, 3, 3, 2)), numnet.ones((2, 2, 2, 3)),
        ...                            [1, 1, 1, 1], "VALID").shape
        (1, 2, 2, 6)
    """
    from ..layers.convolutional_more import depthwise_conv

    x, kernel = pair(to_float(input), to_float(filter))
    first = _channels_first(data_format)
    x = _to_last(x, first)
    strides = _spatial(strides, 2, first, "depthwise_conv2d(strides)")
    dilations = _spatial(dilations, 2, first, "depthwise_conv2d(dilations)")
    mode, x = _padding(x, padding, first, "depthwise_conv2d")
    if x.shape[-1] != kernel.shape[-2]:
        raise InvalidArgumentError(None, None, f"depthwise_conv2d: the input has {x.shape[-1]} "
                                               f"channels, the filter of shape {kernel.shape} "
                                               f"expects {kernel.shape[-2]}.")
    return _from_last(depthwise_conv(x, kernel, strides, mode, dilations), first)


def separable_conv2d(input, depthwise_filter, pointwise_filter, strides, padding,  # noqa: A002
                     data_format=None, dilations=None, name=None) -> Tensor:
    """A depthwise convolution followed by a 1x1 convolution mixing the channels.

    Args:
        input: the input batch (batch, h, w, in).
        depthwise_filter: (kh, kw, in, multiplier).
        pointwise_filter: (1, 1, in * multiplier, out).
        strides: 4 ints ([1, s, s, 1]), 2 ints or an int.
        padding: "VALID" or "SAME".
        data_format: "NHWC" (None) or "NCHW". Defaults to ``None``.
        dilations: the depthwise taps' spacing. Defaults to ``None`` (1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.separable_conv2d(numnet.ones((1, 3, 3, 2)), numnet.ones((2, 2, 2, 1)),
        ...                            numnet.ones((1, 1, 2, 4)), [1, 1, 1, 1], "VALID").shape
        (1, 2, 2, 4)
    """
    depth = depthwise_conv2d(input, depthwise_filter, strides, padding, data_format, dilations)
    return convolution(depth, pointwise_filter, 1, "VALID", data_format)


def _explicit_padding(padding, x: Tensor, first: bool, kind: str):
    """TensorFlow's explicit padding (one [before, after] pair per axis of the input, the
    batch and channel ones [0, 0]) as per-axis widths in channels-last order, or None for
    "SAME" / "VALID"."""
    if isinstance(padding, (str, bytes)):
        return None
    try:
        pairs = [tuple(int(n) for n in p) for p in plain(padding)]
    except (TypeError, ValueError):
        return None
    if len(pairs) != x.ndim or any(len(p) != 2 for p in pairs):
        raise ValueError(f"{kind}_pool(padding): explicit padding needs one [before, after] "
                         f"pair per axis of the input ({x.ndim}), given {padding!r}.")
    chan = 1 if first else x.ndim - 1
    if pairs[0] != (0, 0) or pairs[chan] != (0, 0):
        raise ValueError(f"{kind}_pool(padding): the batch and channel axes cannot be padded, "
                         f"given {padding!r}.")
    return _to_last_order(pairs, first)


def _to_last_order(pairs: list, first: bool) -> list:
    return [pairs[0], *pairs[2:], pairs[1]] if first else pairs


def _pad_lowest(x: Tensor, widths: list) -> Tensor:
    """``x`` padded with -inf (padding never wins a max window); the gradient drops it."""
    out = np.pad(array(x), widths, mode="constant", constant_values=-np.inf)
    inner = tuple(slice(a, a + n) for (a, _), n in zip(widths, x.shape))
    return _ops.node(backend.xp.asarray(out), (x,),
                     lambda g: _ops.accumulate(x, g[inner]))


def _pool(kind: str, input, ksize, strides, padding, data_format, rank=None):  # noqa: A002
    raw = to_tensor(input)
    keep = raw.dtype if kind == "max" and raw.dtype.kind in "iu" else None
    # max_pool of integers stays integer (as TensorFlow's): pooled exactly in float64
    x = _ops.cast(raw, np.dtype(np.float64)) if keep is not None else to_float(raw)
    first = _channels_first(data_format)
    rank = x.ndim - 2 if rank is None else rank
    if x.ndim != rank + 2:
        raise ValueError(f"{kind}_pool: expected an input of rank {rank + 2} (batch, "
                         f"{rank} spatial axes, channels), given shape {x.shape}.")
    x = _to_last(x, first)
    window = _spatial(ksize, rank, first, f"{kind}_pool(ksize)")
    steps = _spatial(strides, rank, first, f"{kind}_pool(strides)", default=None)
    steps = window if steps[0] is None else steps
    widths = _explicit_padding(padding, raw, first, kind) if kind == "max" else None
    if widths is not None:
        x, mode = _pad_lowest(x, widths), "valid"
    else:
        mode = str(padding).lower()
    if mode not in ("valid", "same"):
        raise ValueError(f"{kind}_pool(padding): expected 'SAME' or 'VALID'"
                         f"{' or [[0, 0], [before, after], ..., [0, 0]]' if kind == 'max' else ''}"
                         f", given {padding!r}.")
    fn = _ops.max_pool if kind == "max" else _ops.average_pool
    out = _from_last(fn(x, window, steps, mode), first)
    return Tensor(out.value.astype(keep)) if keep is not None else out


def max_pool(input, ksize, strides, padding, data_format=None, name=None) -> Tensor:  # noqa: A002
    """The largest entry of each window (rank from the input: 1-, 2- or 3-D); padding
    is never chosen.

    Args:
        input: the input batch (batch, *spatial, channels).
        ksize: the window: an int, one per spatial axis or one per axis.
        strides: the step, likewise.
        padding: "VALID" or "SAME".
        data_format: channels last (None) or first ("NCHW"). Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> x = numnet.reshape(numnet.range(16.0), (1, 4, 4, 1))
        >>> numnet.nn.max_pool(x, 2, 2, "VALID")[0, :, :, 0].tolist()
        [[5.0, 7.0], [13.0, 15.0]]
    """
    return _pool("max", input, ksize, strides, padding, data_format)


def max_pool_with_argmax(input, ksize, strides, padding, data_format="NHWC",  # noqa: A002
                         output_dtype=np.int64, include_batch_in_index=False, name=None):
    """2-D max pooling that also gives where each maximum was, as TensorFlow's
    ``tf.nn.max_pool_with_argmax`` (the first of equal values in row-major window order).

    Args:
        input: (batch, height, width, channels).
        ksize: the window: an int, 2 ints or 4 ([1, kh, kw, 1]).
        strides: the step, likewise.
        padding: "VALID" or "SAME" (padding never wins).
        data_format: "NHWC" only. Defaults to ``"NHWC"``.
        output_dtype: the argmax dtype, tf.int64 or tf.int32. Defaults to ``tf.int64``.
        include_batch_in_index: count the batch in the flat index. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Returns:
        ``(output, argmax)``: the pooled values (their gradient reaches the maxima) and, for
        each, its flat index ``((b * height + y) * width + x) * channels + c`` (without the
        ``b * height`` term unless ``include_batch_in_index``).

    Raises:
        ValueError: another data_format, a padding other than "SAME" / "VALID".

    Example:
        >>> x = numnet.reshape(numnet.constant([1.0, 5.0, 2.0, 0.0]), (1, 2, 2, 1))
        >>> out, where = numnet.nn.max_pool_with_argmax(x, 2, 2, "VALID")
        >>> float(out[0, 0, 0, 0]), int(where[0, 0, 0, 0])
        (5.0, 1)
    """
    if str(data_format).upper() != "NHWC":
        raise ValueError(f"max_pool_with_argmax(data_format): only 'NHWC' is supported, as "
                         f"TensorFlow's, given {data_format!r}.")
    out = max_pool(input, ksize, strides, padding, data_format=None)
    x = array(to_tensor(input))
    batch, height, width, channels = x.shape
    kh, kw = _spatial(ksize, 2, False, "max_pool_with_argmax(ksize)")
    sh, sw = _spatial(strides, 2, False, "max_pool_with_argmax(strides)")
    oh, ow = out.shape[1:3]
    if str(padding).upper() == "SAME":
        top = max((oh - 1) * sh + kh - height, 0) // 2
        left = max((ow - 1) * sw + kw - width, 0) // 2
    else:
        top = left = 0
    best = np.full((batch, oh, ow, channels), -np.inf)
    where = np.zeros((batch, oh, ow, channels), dtype=np.int64)
    rows = np.arange(oh) * sh - top
    cols = np.arange(ow) * sw - left
    chan = np.arange(channels)
    for dy in range(kh):
        for dx in range(kw):
            y, xx = rows + dy, cols + dx
            inside = ((y >= 0) & (y < height))[:, None] & ((xx >= 0) & (xx < width))[None, :]
            values = x[:, np.clip(y, 0, height - 1)][:, :, np.clip(xx, 0, width - 1)]
            values = np.where(inside[None, :, :, None], values.astype(np.float64), -np.inf)
            flat = ((y[:, None] * width + xx[None, :])[None, :, :, None] * channels
                    + chan[None, None, None, :])
            better = values > best
            best = np.where(better, values, best)
            where = np.where(better, flat, where)
    if include_batch_in_index:
        where = where + (np.arange(batch) * height * width * channels)[:, None, None, None]
    return out, Tensor(backend.to_device(where.astype(np.dtype(output_dtype))))


def isotonic_regression(inputs, decreasing=True, axis=-1):
    """The closest (least squares) non-increasing sequence to each vector along ``axis``
    (non-decreasing with ``decreasing=False``), by pooling adjacent violators, as
    TensorFlow's ``tf.nn.isotonic_regression`` (forward only).

    Args:
        inputs: a float Tensor.
        decreasing: fit a non-increasing sequence. Defaults to ``True``.
        axis: the axis of the sequences. Defaults to ``-1``.

    Returns:
        ``(output, segments)``: the fitted values (inputs' dtype) and, for each entry, the
        int32 index of the block of equal values it belongs to.

    Example:
        >>> y, segments = numnet.nn.isotonic_regression([[3.0, 1.0, 2.0]])
        >>> y.numpy().tolist(), segments.numpy().tolist()
        ([[3.0, 1.5, 1.5]], [[0, 1, 1]])
    """
    x = to_float(inputs)
    values = np.moveaxis(array(x).astype(np.float64), int(axis), -1)
    flat = values.reshape(-1, values.shape[-1]) if values.size else values.reshape(0, 0)
    fitted = np.empty_like(flat)
    segments = np.zeros(flat.shape, dtype=np.int32)
    for r, row in enumerate(flat):
        sign = 1.0 if decreasing else -1.0
        blocks: list = []  # [sum, count] of each block, sign-adjusted to non-increasing
        for v in row * sign:
            blocks.append([v, 1])
            while len(blocks) > 1 and blocks[-2][0] / blocks[-2][1] < blocks[-1][0] / \
                    blocks[-1][1]:
                total, count = blocks.pop()
                blocks[-1][0] += total
                blocks[-1][1] += count
        i = 0
        for b, (total, count) in enumerate(blocks):
            fitted[r, i:i + count] = sign * total / count
            segments[r, i:i + count] = b
            i += count
    fitted = np.moveaxis(fitted.reshape(values.shape), -1, int(axis)).astype(x.dtype)
    segments = np.moveaxis(segments.reshape(values.shape), -1, int(axis))
    return Tensor(backend.to_device(fitted)), Tensor(backend.to_device(segments))


def max_pool1d(input, ksize, strides, padding, data_format="NWC", name=None) -> Tensor:  # noqa: A002
    """1-D max pooling over (batch, width, channels).

    Args:
        input: the input batch.
        ksize: the window.
        strides: the step.
        padding: "VALID" or "SAME".
        data_format: "NWC" or "NCW". Defaults to ``"NWC"``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.max_pool1d([[[1.0], [3.0], [2.0], [0.0]]], 2, 2, "VALID").numpy().ravel()
        array([3., 2.], dtype=float32)
    """
    return _pool("max", input, ksize, strides, padding, data_format, 1)


def max_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None) -> Tensor:  # noqa: A002
    """2-D max pooling over (batch, h, w, channels).

    Args:
        input: the input batch.
        ksize: the window.
        strides: the step.
        padding: "VALID" or "SAME".
        data_format: "NHWC" or "NCHW". Defaults to ``"NHWC"``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.max_pool2d(numnet.ones((1, 4, 4, 3)), 2, 2, "VALID").shape
        (1, 2, 2, 3)
    """
    return _pool("max", input, ksize, strides, padding, data_format, 2)


def max_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None) -> Tensor:  # noqa: A002
    """3-D max pooling over (batch, d, h, w, channels).

    Args:
        input: the input batch.
        ksize: the window.
        strides: the step.
        padding: "VALID" or "SAME".
        data_format: "NDHWC" or "NCDHW". Defaults to ``"NDHWC"``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.max_pool3d(numnet.ones((1, 4, 4, 4, 1)), 2, 2, "VALID").shape
        (1, 2, 2, 2, 1)
    """
    return _pool("max", input, ksize, strides, padding, data_format, 3)


def avg_pool(input, ksize, strides, padding, data_format=None, name=None) -> Tensor:  # noqa: A002
    """The mean of each window (padding not counted); rank from the input.

    Args:
        input: the input batch (batch, *spatial, channels).
        ksize: the window.
        strides: the step.
        padding: "VALID" or "SAME".
        data_format: channels last (None) or first. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> x = numnet.reshape(numnet.range(16.0), (1, 4, 4, 1))
        >>> numnet.nn.avg_pool(x, 2, 2, "VALID")[0, :, :, 0].tolist()
        [[2.5, 4.5], [10.5, 12.5]]
    """
    return _pool("avg", input, ksize, strides, padding, data_format)


def avg_pool1d(input, ksize, strides, padding, data_format="NWC", name=None) -> Tensor:  # noqa: A002
    """1-D average pooling over (batch, width, channels).

    Args:
        input: the input batch.
        ksize: the window.
        strides: the step.
        padding: "VALID" or "SAME".
        data_format: "NWC" or "NCW". Defaults to ``"NWC"``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.avg_pool1d([[[1.0], [3.0]]], 2, 2, "VALID").numpy().ravel()
        array([2.], dtype=float32)
    """
    return _pool("avg", input, ksize, strides, padding, data_format, 1)


def avg_pool2d(input, ksize, strides, padding, data_format="NHWC", name=None) -> Tensor:  # noqa: A002
    """2-D average pooling over (batch, h, w, channels).

    Args:
        input: the input batch.
        ksize: the window.
        strides: the step.
        padding: "VALID" or "SAME".
        data_format: "NHWC" or "NCHW". Defaults to ``"NHWC"``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.avg_pool2d(numnet.ones((1, 4, 4, 3)), 2, 2, "SAME").shape
        (1, 2, 2, 3)
    """
    return _pool("avg", input, ksize, strides, padding, data_format, 2)


def avg_pool3d(input, ksize, strides, padding, data_format="NDHWC", name=None) -> Tensor:  # noqa: A002
    """3-D average pooling over (batch, d, h, w, channels).

    Args:
        input: the input batch.
        ksize: the window.
        strides: the step.
        padding: "VALID" or "SAME".
        data_format: "NDHWC" or "NCDHW". Defaults to ``"NDHWC"``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.avg_pool3d(numnet.ones((1, 2, 2, 2, 1)), 2, 2, "VALID").shape
        (1, 1, 1, 1, 1)
    """
    return _pool("avg", input, ksize, strides, padding, data_format, 3)


def pool(input, window_shape, pooling_type, strides=None, padding="VALID",  # noqa: A002
         data_format=None, dilations=None, name=None) -> Tensor:
    """Max or average pooling by name ("MAX" or "AVG").

    Args:
        input: the input batch (batch, *spatial, channels).
        window_shape: one size per spatial axis.
        pooling_type: "MAX" or "AVG".
        strides: the step; None for 1. Defaults to ``None``.
        padding: "VALID" or "SAME". Defaults to ``"VALID"``.
        data_format: channels last (None) or first. Defaults to ``None``.
        dilations: only 1 is supported. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.pool(numnet.ones((1, 4, 4, 1)), [2, 2], "AVG", strides=[2, 2]).shape
        (1, 2, 2, 1)
    """
    if dilations is not None and any(d != 1 for d in np.ravel(plain(dilations))):
        raise NotImplementedError("pool(dilations): numnet pools with dilation 1 only.")
    kind = str(pooling_type).upper()
    if kind not in ("MAX", "AVG"):
        raise ValueError(f"pool(pooling_type): expected 'MAX' or 'AVG', given {pooling_type!r}.")
    rank = len(plain(window_shape))
    return _pool(kind.lower(), input, window_shape,
                 1 if strides is None else strides, padding, data_format, rank)


def bias_add(value, bias, data_format=None, name=None) -> Tensor:
    """``value`` + ``bias`` along the channel axis (the last, or the second with "NC..."
    formats).

    Args:
        value: a Tensor (batch, ..., channels).
        bias: a 1-D Tensor of one entry per channel.
        data_format: None / "N...C" or "NC...". Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.bias_add([[1.0, 2.0]], [10.0, 20.0]).tolist()
        [[11.0, 22.0]]
    """
    x, b = pair(value, bias)
    if b.ndim != 1:
        raise ValueError(f"bias_add(bias): expected a 1-D Tensor, given shape {b.shape}.")
    if _channels_first(data_format) and x.ndim > 2:
        b = _ops.reshape(b, (b.shape[0],) + (1,) * (x.ndim - 2))
    return _ops.add(x, b)


def dropout(x, rate, noise_shape=None, seed=None, name=None) -> Tensor:
    """Each entry set to 0 with probability ``rate``, the others scaled by 1 / (1 - rate), so
    the expected value is unchanged (always on: ``tf.nn.dropout`` has no training flag).

    Args:
        x: a float Tensor.
        rate: the probability of dropping, in [0, 1).
        noise_shape: the shape of the keep/drop pattern, broadcast over x (e.g. [batch, 1,
            channels] drops whole channels). Defaults to ``None`` (x's shape).
        seed: an int for a repeatable pattern. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> y = numnet.nn.dropout(numnet.ones((1000,)), rate=0.5, seed=1)
        >>> sorted(set(y.numpy().tolist()))
        [0.0, 2.0]
    """
    x = to_float(x)
    rate = float(plain(rate))
    if not 0 <= rate < 1:
        raise ValueError(f"dropout(rate): expected a probability in [0, 1), given {rate}.")
    if rate == 0:
        return x
    shape = x.shape if noise_shape is None else tuple(
        x.shape[i] if d is None else int(d) for i, d in enumerate(plain(noise_shape)))
    rng = backend.rng() if seed is None else np.random.default_rng(int(plain(seed)))
    keep = (rng.random(shape) >= rate).astype(x.dtype) / x.dtype.type(1 - rate)
    return _ops.multiply(x, Tensor(backend.to_device(keep)))


def embedding_lookup(params, ids, max_norm=None, name=None) -> Tensor:
    """The rows of ``params`` at ``ids`` (any shape): out.shape = ids.shape + params.shape[1:].
    The gradient adds back into the rows looked up. A list (or tuple) is TensorFlow's
    partitioned parameters: its elements (Tensors, arrays or lists) are joined along axis 0
    first, so ``[[1., 2.], [3., 4.]]`` is two shards of two rows each, as in TensorFlow.

    Args:
        params: the embedding matrix (vocabulary, dim), or a list of row blocks.
        ids: integer indices.
        max_norm: rows with a larger L2 norm are scaled down to it. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.embedding_lookup(numnet.constant([[0.0, 1.0], [2.0, 3.0]]), [1, 1]).tolist()
        [[2.0, 3.0], [2.0, 3.0]]
        >>> numnet.nn.embedding_lookup([[0.0, 1.0], [2.0, 3.0]], [1, 2]).tolist()  # 2 shards
        [1.0, 2.0]
    """
    if isinstance(params, (list, tuple)) and params and (
            isinstance(params[0], Tensor) or np.ndim(array(params[0])) >= 1):
        # a list is TensorFlow's partitioned parameters (its "div" layout: the shards' rows
        # in order), even a list of lists: [[1., 2.], [3., 4.]] is two shards of 2 rows
        table = _ops.concatenate([to_tensor(p) for p in params], axis=0)
    else:
        table = to_tensor(params)
    index = array(ids).astype(np.int64)
    if index.size and (index.min() < 0 or index.max() >= table.shape[0]):
        raise InvalidArgumentError(None, None, f"embedding_lookup(ids): indices must lie in "
                                               f"[0, {table.shape[0]}); given {index.min()} "
                                               f"... {index.max()}.")
    rows = _ops.getitem(table, backend.to_device(index)) if table.dtype.kind in "fc" else \
        Tensor(table.value[backend.to_device(index)])
    if max_norm is not None:
        norms = _ops.sqrt(_ops.sum(_ops.square(rows), axis=-1, keepdims=True))
        scale = _ops.divide(float(max_norm), _ops.maximum(norms, float(max_norm)))
        rows = _ops.multiply(rows, scale)
    return rows


def _combine(emb: Tensor, rows: np.ndarray, weights, count: int, combiner: str, where: str):
    """Each row's embeddings (emb, one per id) combined as TensorFlow's combiners do."""
    if combiner not in ("sum", "mean", "sqrtn"):
        raise ValueError(f"{where}(combiner): expected 'sum', 'mean' or 'sqrtn', given "
                         f"{combiner!r}.")
    dtype = emb.dtype
    w = np.ones(len(rows), dtype=dtype) if weights is None else np.asarray(weights, dtype=dtype)
    seg = backend.to_device(rows.astype(np.int64))
    weighted = _ops.multiply(emb, Tensor(backend.to_device(w.reshape(-1, 1))))
    summed = _ops.segment_sum(weighted, seg, count)
    if combiner == "sum":
        return summed
    scale = np.zeros(count, dtype=np.float64)
    np.add.at(scale, rows, w.astype(np.float64) if combiner == "mean" else
              w.astype(np.float64) ** 2)
    scale = scale if combiner == "mean" else np.sqrt(scale)
    inverse = np.where(scale > 0, 1 / np.where(scale > 0, scale, 1), 0).astype(dtype)
    return _ops.multiply(summed, Tensor(backend.to_device(inverse.reshape(-1, 1))))


def _sparse_parts(sp, where: str):
    idx = np.asarray(backend.to_numpy(sp.indices.value))
    shape = [int(d) for d in sp.shape]
    if len(shape) < 2:
        raise ValueError(f"{where}: expected a SparseTensor of rank >= 2 (batch, ids), given "
                         f"dense shape {shape}.")
    rows = np.ravel_multi_index(idx[:, :-1].T, shape[:-1]) if len(idx) else \
        np.zeros(0, dtype=np.int64)
    return rows.astype(np.int64), np.asarray(backend.to_numpy(sp.values.value)), shape


def embedding_lookup_sparse(params, sp_ids, sp_weights, partition_strategy=None, name=None,
                            combiner="mean", max_norm=None, allow_fast_lookup=False) -> Tensor:
    """Embeddings of each row of a SparseTensor of ids, combined: "sum" (sum of w * e),
    "mean" (that over the sum of w) or "sqrtn" (over sqrt of the sum of w^2), as
    TensorFlow's ``tf.nn.embedding_lookup_sparse``. The result has a row for each row index
    up to the largest one present (rows without ids: zeros).

    Args:
        params: the embedding matrix (vocabulary, dim), or a list of shards (as
            embedding_lookup takes them).
        sp_ids: a SparseTensor (batch, ...) of int ids.
        sp_weights: a SparseTensor of weights with the same indices, or None (1 each).
        partition_strategy: accepted as TensorFlow 1's. Defaults to ``None``.
        name: ignored. Defaults to ``None``.
        combiner: "sum", "mean" or "sqrtn". Defaults to ``"mean"``.
        max_norm: each embedding with a larger L2 norm is scaled down to it first.
            Defaults to ``None``.
        allow_fast_lookup: accepted. Defaults to ``False``.

    Returns:
        A Tensor (rows, dim); the gradient reaches params.

    Example:
        >>> ids = numnet.SparseTensor([[0, 0], [0, 1], [1, 0]], [0, 1, 1], [2, 2])
        >>> table = numnet.constant([[1.0, 0.0], [0.0, 1.0]])
        >>> numnet.nn.embedding_lookup_sparse(table, ids, None, combiner="sum").numpy().tolist()
        [[1.0, 1.0], [0.0, 1.0]]
    """
    rows, ids, shape = _sparse_parts(sp_ids, "embedding_lookup_sparse(sp_ids)")
    count = int(rows.max()) + 1 if len(rows) else 0
    emb = embedding_lookup(params, ids.astype(np.int64), max_norm=max_norm)
    weights = None if sp_weights is None else np.asarray(backend.to_numpy(
        sp_weights.values.value))
    return _combine(emb, rows, weights, count, combiner, "embedding_lookup_sparse")


def safe_embedding_lookup_sparse(embedding_weights, sparse_ids, sparse_weights=None,
                                 combiner="mean", default_id=None, max_norm=None, name=None,
                                 partition_strategy=None, allow_fast_lookup=False) -> Tensor:
    """embedding_lookup_sparse that drops invalid ids (< 0) and weights (<= 0) and gives
    every row of the dense shape: a row without ids gets zeros, or the embedding of
    ``default_id``, as TensorFlow's ``tf.nn.safe_embedding_lookup_sparse``.

    Args:
        embedding_weights: the embedding matrix (vocabulary, dim), or a list of shards.
        sparse_ids: a SparseTensor (d0, ..., ids) of int ids.
        sparse_weights: a SparseTensor of weights with the same indices, or None.
            Defaults to ``None``.
        combiner: "sum", "mean" or "sqrtn". Defaults to ``"mean"``.
        default_id: the id whose embedding fills empty rows. Defaults to ``None`` (zeros).
        max_norm: each embedding's largest L2 norm. Defaults to ``None``.
        name: ignored. Defaults to ``None``.
        partition_strategy: accepted. Defaults to ``None``.
        allow_fast_lookup: accepted. Defaults to ``False``.

    Returns:
        A Tensor of shape dense_shape[:-1] + (dim,).

    Example:
        >>> ids = numnet.SparseTensor([[0, 0], [2, 0]], [1, -1], [3, 2])
        >>> table = numnet.constant([[1.0, 0.0], [0.0, 1.0]])
        >>> numnet.nn.safe_embedding_lookup_sparse(table, ids, default_id=0).numpy().tolist()
        [[0.0, 1.0], [1.0, 0.0], [1.0, 0.0]]
    """
    rows, ids, shape = _sparse_parts(sparse_ids, "safe_embedding_lookup_sparse(sparse_ids)")
    weights = None if sparse_weights is None else np.asarray(backend.to_numpy(
        sparse_weights.values.value))
    keep = ids >= 0
    if weights is not None:
        keep &= weights > 0
    rows, ids = rows[keep], ids[keep]
    weights = None if weights is None else weights[keep]
    count = int(np.prod(shape[:-1]))
    emb = embedding_lookup(embedding_weights, ids.astype(np.int64), max_norm=max_norm)
    out = _combine(emb, rows, weights, count, combiner, "safe_embedding_lookup_sparse")
    if default_id is not None:
        empty = np.ones(count, dtype=bool)
        empty[rows] = False
        if empty.any():
            fill = embedding_lookup(embedding_weights, [int(default_id)], max_norm=max_norm)
            mask = Tensor(backend.to_device(empty.reshape(-1, 1).astype(out.dtype)))
            out = _ops.add(out, _ops.multiply(mask, fill))
    return _ops.reshape(out, tuple(shape[:-1]) + tuple(out.shape[1:]))


def l2_loss(t, name=None) -> Tensor:
    """sum(t^2) / 2 (no square root).

    Args:
        t: a Tensor.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.nn.l2_loss([1.0, 2.0]))
        2.5
    """
    return _ops.multiply(_ops.sum(_ops.square(to_float(t))), 0.5)


def batch_normalization(x, mean, variance, offset, scale, variance_epsilon, name=None) -> Tensor:
    """(x - mean) / sqrt(variance + variance_epsilon) * scale + offset, broadcast; the
    gradient reaches every argument.

    Args:
        x: the input.
        mean: the mean (broadcast to x).
        variance: the variance.
        offset: beta, or None.
        scale: gamma, or None.
        variance_epsilon: a small float avoiding division by zero.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.batch_normalization([1.0, 3.0], 2.0, 1.0, None, None, 0.0).tolist()
        [-1.0, 1.0]
    """
    x = to_float(x)
    inv = _ops.divide(1.0, _ops.sqrt(_ops.add(*_ops._pair(_as(variance, x),
                                                          float(variance_epsilon)))))
    if scale is not None:
        inv = _ops.multiply(*_ops._pair(inv, _as(scale, x)))
    out = _ops.multiply(*_ops._pair(_ops.subtract(*_ops._pair(x, _as(mean, x))), inv))
    if offset is not None:
        out = _ops.add(*_ops._pair(out, _as(offset, x)))
    return out


def _as(value, like: Tensor) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor(
        backend.to_device(array(value).astype(like.dtype)))


def _axes(axes) -> tuple:
    axes = axis_of(axes)
    return (axes,) if isinstance(axes, int) else tuple(axes)


def weighted_moments(x, axes, frequency_weights, keepdims=False, name=None) -> tuple:
    """(mean, variance) of ``x`` over ``axes`` with each entry counted
    ``frequency_weights`` times: mean = sum(w x) / sum(w), variance = sum(w (x - mean)^2) /
    sum(w).

    Args:
        x: the input.
        axes: the axes to reduce.
        frequency_weights: weights broadcast to x.
        keepdims: keep the reduced axes as size 1. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> [float(t) for t in numnet.nn.weighted_moments([1.0, 3.0], [0], [1.0, 3.0])]
        [2.5, 0.75]
    """
    x = to_float(x)
    w = _ops.broadcast_to(_as(frequency_weights, x) if not isinstance(frequency_weights, Tensor)
                          else frequency_weights, x.shape)
    axes = _axes(axes)
    total = _ops.sum(w, axis=axes, keepdims=True)
    mean = _ops.divide(_ops.sum(_ops.multiply(w, x), axis=axes, keepdims=True), total)
    variance = _ops.divide(_ops.sum(_ops.multiply(w, _ops.square(_ops.subtract(x, mean))),
                                    axis=axes, keepdims=True), total)
    if not keepdims:
        shape = tuple(n for i, n in enumerate(x.shape) if i not in {a % x.ndim for a in axes})
        mean, variance = _ops.reshape(mean, shape), _ops.reshape(variance, shape)
    return mean, variance


def sufficient_statistics(x, axes, shift=None, keepdims=False, name=None) -> tuple:
    """(count, sum(x - shift), sum((x - shift)^2), shift) over ``axes``: what
    normalize_moments turns into a mean and a variance.

    Args:
        x: the input.
        axes: the axes to reduce.
        shift: a value subtracted first for accuracy, or None. Defaults to ``None``.
        keepdims: keep the reduced axes as size 1. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> [float(t) for t in numnet.nn.sufficient_statistics([1.0, 3.0], [0])[:3]]
        [2.0, 4.0, 10.0]
    """
    x = to_float(x)
    axes = _axes(axes)
    count = float(np.prod([x.shape[a] for a in axes]))
    centred = x if shift is None else _ops.subtract(*_ops._pair(x, _as(shift, x)))
    mean_ss = _ops.sum(centred, axis=axes, keepdims=keepdims)
    var_ss = _ops.sum(_ops.square(centred), axis=axes, keepdims=keepdims)
    return Tensor(backend.xp.asarray(count, dtype=x.dtype)), mean_ss, var_ss, (
        None if shift is None else _as(shift, x))


def normalize_moments(counts, mean_ss, variance_ss, shift, name=None) -> tuple:
    """(mean, variance) from sufficient statistics: mean = mean_ss / counts (+ shift),
    variance = variance_ss / counts - (mean_ss / counts)^2.

    Args:
        counts: the number of entries.
        mean_ss: the (shifted) sums.
        variance_ss: the (shifted) sums of squares.
        shift: the shift used, or None.
        name: ignored. Defaults to ``None``.

    Example:
        >>> [float(t) for t in numnet.nn.normalize_moments(2.0, 4.0, 10.0, None)]
        [2.0, 1.0]
    """
    mean_ss, variance_ss = to_float(mean_ss), to_float(variance_ss)
    n = _as(counts, mean_ss)
    shifted_mean = _ops.divide(mean_ss, n)
    variance = _ops.subtract(_ops.divide(variance_ss, n), _ops.square(shifted_mean))
    mean = shifted_mean if shift is None else _ops.add(*_ops._pair(shifted_mean,
                                                                   _as(shift, mean_ss)))
    return mean, variance


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None) -> Tensor:
    """The sigmoid cross-entropy with the positive term weighted by ``pos_weight``:
    -q z log sigmoid(x) - (1 - z) log(1 - sigmoid(x)), computed stably as
    (1 - z) x + (1 + (q - 1) z) (log(1 + exp(-|x|)) + max(-x, 0)).

    Args:
        labels: targets z in [0, 1].
        logits: x.
        pos_weight: q, the weight of positive examples.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.nn.weighted_cross_entropy_with_logits([1.0], [0.0], 2.0)[0]), 4)
        1.3863
    """
    x = to_float(logits)
    z = _as(labels, x)
    q = _as(pos_weight, x) if not isinstance(pos_weight, Tensor) else pos_weight
    xp = backend.xp
    softplus_neg = _ops.unary(x, lambda v: xp.log1p(xp.exp(-xp.abs(v))) + xp.maximum(-v, 0),
                              lambda v, out: -1 / (1 + xp.exp(v)))
    weight = _ops.add(1.0, _ops.multiply(_ops.subtract(q, 1.0), z))
    return _ops.add(_ops.multiply(_ops.subtract(1.0, z), x), _ops.multiply(weight,
                                                                           softplus_neg))


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None) -> Tensor:
    """The Poisson negative log-likelihood with the rate given as its log c:
    exp(c) - z c, plus Stirling's approximation z log z - z + log(2 pi z) / 2 (for z > 1)
    when ``compute_full_loss``.

    Args:
        targets: the counts z.
        log_input: c, the log of the predicted rate.
        compute_full_loss: add the term that does not depend on c. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.nn.log_poisson_loss([2.0], [0.0])[0])
        1.0
    """
    c = to_float(log_input)
    z = _as(targets, c)
    loss = _ops.subtract(_ops.exp(c), _ops.multiply(z, c))
    if compute_full_loss:
        zv = array(z).astype(np.float64)
        safe = np.where(zv > 1, zv, 1)
        stirling = np.where(zv > 1, safe * np.log(safe) - safe + 0.5 * np.log(2 * np.pi * safe),
                            0)
        loss = _ops.add(loss, Tensor(backend.to_device(stirling.astype(c.dtype))))
    return loss


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None) -> Tensor:
    """sum(per_example_loss * sample_weight) / global_batch_size (the batch's size by
    default): the mean a distributed training step divides by the global batch.

    Args:
        per_example_loss: one loss per example (batch, ...).
        sample_weight: weights, or None. Defaults to ``None``.
        global_batch_size: the divisor; None for the first axis's size. Defaults to ``None``.

    Example:
        >>> float(numnet.nn.compute_average_loss([1.0, 3.0], global_batch_size=4))
        1.0
    """
    loss = to_float(per_example_loss)
    if sample_weight is not None:
        loss = _ops.multiply(*_ops._pair(loss, sample_weight if isinstance(sample_weight, Tensor)
                                         else _as(sample_weight, loss)))
    n = loss.shape[0] if global_batch_size is None and loss.ndim else (
        1 if global_batch_size is None else int(plain(global_batch_size)))
    return _ops.divide(_ops.sum(loss), float(n))


def scale_regularization_loss(regularization_loss) -> Tensor:
    """The regularization loss (a Tensor or a list summed) divided by the number of replicas
    (1: numnet trains on one).

    Args:
        regularization_loss: a Tensor or a list of Tensors.

    Example:
        >>> float(numnet.nn.scale_regularization_loss([1.0, 2.0]))
        3.0
    """
    if isinstance(regularization_loss, (list, tuple)):
        parts = [to_float(t) for t in regularization_loss]
        total = parts[0]
        for p in parts[1:]:
            total = _ops.add(total, p)
        return total
    return to_float(regularization_loss)


def local_response_normalization(input, depth_radius=5, bias=1, alpha=1, beta=0.5,  # noqa: A002
                                 name=None) -> Tensor:
    """Each entry divided by (bias + alpha * the sum of squares of its channel neighbours
    within ``depth_radius``)^beta, along the last axis (AlexNet's normalization).

    Args:
        input: a 4-D Tensor (batch, h, w, channels).
        depth_radius: the half-width of the channel window. Defaults to ``5``.
        bias: the offset. Defaults to ``1``.
        alpha: the scale of the sum. Defaults to ``1``.
        beta: the exponent. Defaults to ``0.5``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.nn.lrn(numnet.ones((1, 1, 1, 1)))[0, 0, 0, 0]), 4)
        0.7071
    """
    x = to_float(input)
    r = int(depth_radius)
    squares = _ops.square(x)
    channels = x.shape[-1]
    padded_shape = x.shape[:-1] + (channels + 2 * r,)

    def grow(v):
        full = backend.xp.zeros(padded_shape, dtype=v.dtype)
        full[..., r:r + channels] = v
        return full

    padded = _ops.regather(squares, grow)
    total = None
    for k in range(2 * r + 1):
        part = _ops.getitem(padded, (Ellipsis, slice(k, k + channels)))
        total = part if total is None else _ops.add(total, part)
    base = _ops.add(_ops.multiply(total, float(alpha)), float(bias))
    return _ops.multiply(x, _ops.power(base, -float(beta)))


def crelu(features, axis=-1, name=None) -> Tensor:
    """The concatenation of relu(x) and relu(-x) along ``axis`` (twice the channels).

    Args:
        features: a Tensor.
        axis: where to join. Defaults to ``-1``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.crelu([1.0, -2.0]).tolist()
        [1.0, 0.0, 0.0, 2.0]
    """
    x = to_float(features)
    return _ops.concatenate([activations.relu(x), activations.relu(_ops.negative(x))],
                            axis=int(axis))


def depth_to_space(input, block_size, data_format="NHWC", name=None) -> Tensor:  # noqa: A002
    """Channels moved into blocks of space: (b, h, w, c * bs^2) -> (b, h * bs, w * bs, c),
    out[b, h bs + i, w bs + j, k] = in[b, h, w, (i bs + j) c + k].

    Args:
        input: a 4-D Tensor.
        block_size: bs, at least 2.
        data_format: "NHWC" or "NCHW". Defaults to ``"NHWC"``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.depth_to_space(numnet.reshape(numnet.range(4.0), (1, 1, 1, 4)), 2
        ...                          )[0, :, :, 0].tolist()
        [[0.0, 1.0], [2.0, 3.0]]
    """
    first = _channels_first(data_format)
    x = _to_last(to_tensor(input), first)
    bs = int(block_size)
    b, h, w, c = x.shape
    if c % (bs * bs):
        raise InvalidArgumentError(None, None, f"depth_to_space: the {c} channels must be a "
                                               f"multiple of block_size^2 = {bs * bs}.")
    out = _ops.reshape(x, (b, h, w, bs, bs, c // (bs * bs)))
    out = _ops.transpose(out, (0, 1, 3, 2, 4, 5))
    return _from_last(_ops.reshape(out, (b, h * bs, w * bs, c // (bs * bs))), first)


def space_to_depth(input, block_size, data_format="NHWC", name=None) -> Tensor:  # noqa: A002
    """Blocks of space moved into channels, the inverse of depth_to_space:
    (b, h, w, c) -> (b, h / bs, w / bs, c * bs^2).

    Args:
        input: a 4-D Tensor whose h and w are multiples of block_size.
        block_size: bs, at least 2.
        data_format: "NHWC" or "NCHW". Defaults to ``"NHWC"``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.nn.space_to_depth(numnet.reshape(numnet.range(4.0), (1, 2, 2, 1)), 2
        ...                          ).numpy().ravel().tolist()
        [0.0, 1.0, 2.0, 3.0]
    """
    first = _channels_first(data_format)
    x = _to_last(to_tensor(input), first)
    bs = int(block_size)
    b, h, w, c = x.shape
    if h % bs or w % bs:
        raise InvalidArgumentError(None, None, f"space_to_depth: height {h} and width {w} must "
                                               f"be multiples of block_size {bs}.")
    out = _ops.reshape(x, (b, h // bs, bs, w // bs, bs, c))
    out = _ops.transpose(out, (0, 1, 3, 2, 4, 5))
    return _from_last(_ops.reshape(out, (b, h // bs, w // bs, bs * bs * c)), first)


NN = {
    "atrous_conv2d": atrous_conv2d, "avg_pool": avg_pool, "avg_pool1d": avg_pool1d,
    "avg_pool2d": avg_pool2d, "avg_pool3d": avg_pool3d,
    "batch_normalization": batch_normalization, "bias_add": bias_add,
    "compute_average_loss": compute_average_loss, "conv1d": conv1d,
    "conv1d_transpose": conv1d_transpose, "conv2d": conv2d, "conv2d_transpose": conv2d_transpose,
    "conv3d": conv3d, "conv3d_transpose": conv3d_transpose, "conv_transpose": conv_transpose,
    "convolution": convolution, "crelu": crelu, "depth_to_space": depth_to_space,
    "depthwise_conv2d": depthwise_conv2d, "dropout": dropout,
    "embedding_lookup": embedding_lookup, "l2_loss": l2_loss,
    "local_response_normalization": local_response_normalization,
    "log_poisson_loss": log_poisson_loss, "lrn": local_response_normalization,
    "max_pool": max_pool, "max_pool1d": max_pool1d, "max_pool2d": max_pool2d,
    "max_pool_with_argmax": max_pool_with_argmax, "isotonic_regression": isotonic_regression,
    "embedding_lookup_sparse": embedding_lookup_sparse,
    "safe_embedding_lookup_sparse": safe_embedding_lookup_sparse,
    "max_pool3d": max_pool3d, "normalize_moments": normalize_moments, "pool": pool,
    "scale_regularization_loss": scale_regularization_loss,
    "separable_conv2d": separable_conv2d, "space_to_depth": space_to_depth,
    "sufficient_statistics": sufficient_statistics,
    "weighted_cross_entropy_with_logits": weighted_cross_entropy_with_logits,
    "weighted_moments": weighted_moments, "zero_fraction": zero_fraction,
}
"""The functions that join ``tf.nn`` (numnet.nn)."""
