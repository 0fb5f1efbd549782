"""Image ops (keras.ops.image), channels last: resize, affine_transform, crop_images,
pad_images; and the kernels numnet.layers' image layers compute with.

Resizing follows ``jax.image.resize`` (what Keras 3 computes on JAX): each output pixel's centre
maps back to input position (i + 0.5) * in / out - 0.5, weighted by the method's kernel over
the input pixels, normalized over those inside the image. ``affine_transform`` follows Keras's:
the output pixel (row, col) samples the input at (b0 col + b1 row + b2, a0 col + a1 row + a2),
its fill mode deciding what lies outside. Every op is linear in the image, with its backward
written out, so gradients flow through it.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import ops
from ..autodiff.tensor import Tensor

INTERPOLATIONS = ("bilinear", "nearest", "bicubic", "lanczos3", "lanczos5")
FILL_MODES = ("reflect", "wrap", "constant", "nearest")


# ----------------------------------------------------------------------------- resizing


def _triangle(x):
    return np.maximum(0.0, 1.0 - np.abs(x))


def _keys_cubic(x):
    out = ((1.5 * x - 2.5) * x) * x + 1.0
    out = np.where(x >= 1.0, ((-0.5 * x + 2.5) * x - 4.0) * x + 2.0, out)
    return np.where(x >= 2.0, 0.0, out)


def _lanczos(radius):
    def kernel(x):
        with np.errstate(divide="ignore", invalid="ignore"):
            y = radius * np.sin(np.pi * x) * np.sin(np.pi * x / radius) / (np.pi ** 2 * x ** 2)
        out = np.where(x > 1e-3, y, 1.0)
        return np.where(x > radius, 0.0, out)

    return kernel


_KERNELS = {"bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3.0),
            "lanczos5": _lanczos(5.0)}


def resize_weights(in_size: int, out_size: int, interpolation: str = "bilinear",
                   antialias: bool = False) -> np.ndarray:
    """The (in_size, out_size) matrix W of one axis of a resize: out[j] = sum_i W[i, j] in[i].

    nearest: in index floor((j + 0.5) in / out). Otherwise (jax.image.resize):
    s_j = (j + 0.5) in / out - 0.5, W[i, j] = k(|s_j - i| / c) normalized over i, with
    c = max(in / out, 1) when ``antialias`` (a wider kernel when shrinking), else 1; a column
    whose s_j lies outside [-0.5, in - 0.5] is zero.
    """
    if interpolation == "nearest":
        offsets = np.floor((np.arange(out_size, dtype=np.float32) + 0.5)
                           * np.float32(in_size) / np.float32(out_size)).astype(np.int64)
        w = np.zeros((in_size, out_size))
        w[offsets, np.arange(out_size)] = 1.0
        return w
    inv_scale = in_size / out_size
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    sample = (np.arange(out_size) + 0.5) * inv_scale - 0.5
    w = _KERNELS[interpolation](np.abs(sample[None, :] - np.arange(in_size)[:, None])
                                / kernel_scale)
    total = w.sum(axis=0, keepdims=True)
    w = np.where(np.abs(total) > 1000.0 * float(np.finfo(np.float32).eps),
                 w / np.where(total != 0, total, 1.0), 0.0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return np.where(inside[None, :], w, 0.0)


def resize_images(images, size, interpolation: str = "bilinear",
                  antialias: bool = False) -> Tensor:
    """``images`` (batch, height, width, channels) resized to ``size`` = (height, width):
    out = H^T x W per image and channel, H and W from ``resize_weights``.
    Backward: d x = H g W^T."""
    images = ops.as_tensor(images)
    xp = backend.xp
    _, h, w, _ = images.shape
    out_h, out_w = size
    dtype = images.dtype
    rows = None if out_h == h else backend.to_device(
        resize_weights(h, out_h, interpolation, antialias).astype(dtype))
    cols = None if out_w == w else backend.to_device(
        resize_weights(w, out_w, interpolation, antialias).astype(dtype))
    x = xp.moveaxis(images.value, -1, 1)  # (batch, channels, height, width)
    if rows is not None:
        x = rows.T @ x
    if cols is not None:
        x = x @ cols
    out = xp.ascontiguousarray(xp.moveaxis(x, 1, -1))

    def backward(g):
        g = xp.moveaxis(g, -1, 1)
        if cols is not None:
            g = g @ cols.T
        if rows is not None:
            g = rows @ g
        ops.accumulate(images, xp.ascontiguousarray(xp.moveaxis(g, 1, -1)))

    return ops.node(out, (images,), backward)


def _aspect_box(height: int, width: int, target_h: int, target_w: int, grow: bool) -> tuple:
    """(rows, cols) of the box of the target's aspect ratio inside (``grow`` False) or around
    (True) the image, as Keras computes them."""
    box_h = int(float(width * target_h) / target_w)
    box_w = int(float(height * target_w) / target_h)
    if grow:
        return max(height, box_h), max(width, box_w)
    return max(min(height, box_h), 1), max(min(width, box_w), 1)


def _resize_like_keras(x: Tensor, size, interpolation, antialias=False, crop=False, pad=False,
                       fill_value=0.0) -> Tensor:
    """Resizing's computation on (batch, h, w, c): crop or pad to the target's aspect ratio
    (centred), then resize."""
    _, h, w, c = x.shape
    if crop:
        box_h, box_w = _aspect_box(h, w, *size, grow=False)
        top, left = int(float(h - box_h) / 2), int(float(w - box_w) / 2)
        x = ops.getitem(x, (slice(None), slice(top, top + box_h), slice(left, left + box_w)))
    elif pad:
        box_h, box_w = _aspect_box(h, w, *size, grow=True)
        top, left = int(float(box_h - h) / 2), int(float(box_w - w) / 2)
        x = pad_constant(x, ((top, top), (left, left)), fill_value)
    return resize_images(x, size, interpolation, antialias)


def pad_constant(images, padding, value: float = 0.0) -> Tensor:
    """``images`` (batch, *spatial, channels) with ``padding`` ((before, after) per spatial
    axis) of ``value`` around them; the gradient is g cut back to the image."""
    images = ops.as_tensor(images)
    pads = ((0, 0), *padding, (0, 0))
    out = backend.xp.pad(images.value, pads, constant_values=value)
    inner = tuple(slice(b, b + n) for (b, _), n in zip(pads, images.shape, strict=True))
    return ops.node(out, (images,), lambda g: ops.accumulate(images, g[inner]))



def _round_half_away(x):
    xp = backend.xp
    return xp.sign(x) * xp.floor(xp.abs(x) + 0.5)


def _fix_index(index, size: int, mode: str):
    """Indices outside [0, size) mapped back in as ``mode`` extends the image (scipy's and
    jax's rules): reflect (d c b a | a b c d | d c b a), wrap (a b c d | a b c d), nearest
    (a a a a | a b c d | d d d d); constant leaves them (they read the fill value)."""
    xp = backend.xp
    if mode == "nearest":
        return xp.clip(index, 0, size - 1)
    if mode == "wrap":
        return index % size
    if mode == "reflect":
        period = 2 * size + 1
        s = period - 1
        mirrored = xp.abs((2 * index + 1 + s) % (2 * s) - s)
        return (mirrored - 1) // 2
    return index


def affine_kernel(images, transforms, interpolation: str = "bilinear",
                     fill_mode: str = "constant", fill_value: float = 0.0) -> Tensor:
    """Each image of ``images`` (batch, h, w, c) resampled by its row of ``transforms``
    (batch, 8) = [a0, a1, a2, b0, b1, b2, 0, 0] (Keras's layout): output pixel (r, c) reads the
    input at row b0 c + b1 r + b2, column a0 c + a1 r + a2, bilinearly (or the nearest
    pixel), outside the image as ``fill_mode`` says (constant: ``fill_value``).

    The output is a weighted sum of input pixels: backward adds each weight times g back to
    the pixel it read.
    """
    images = ops.as_tensor(images)
    xp = backend.xp
    n, h, w, c = images.shape
    t = backend.to_device(np.asarray(transforms, dtype=np.float32).reshape(n, 8))
    rows = xp.arange(h, dtype=xp.float32)[None, :, None]
    cols = xp.arange(w, dtype=xp.float32)[None, None, :]
    at_row = t[:, 3, None, None] * cols + t[:, 4, None, None] * rows + t[:, 5, None, None]
    at_col = t[:, 0, None, None] * cols + t[:, 1, None, None] * rows + t[:, 2, None, None]

    def taps(coord):
        if interpolation == "nearest":
            return [(_round_half_away(coord).astype(xp.int64), None)]
        low = xp.floor(coord)
        upper = coord - low
        low = low.astype(xp.int64)
        return [(low, 1 - upper), (low + 1, upper)]

    batch = xp.arange(n)[:, None, None] * (h * w)
    flat = images.value.reshape(n * h * w, c)
    dtype = images.dtype
    terms = []  # (flat index, weight, inside)
    for r_index, r_weight in taps(at_row):
        for c_index, c_weight in taps(at_col):
            inside = ((r_index >= 0) & (r_index < h) & (c_index >= 0) & (c_index < w)
                      if fill_mode == "constant" else None)
            fr = xp.clip(_fix_index(r_index, h, fill_mode), 0, h - 1)
            fc = xp.clip(_fix_index(c_index, w, fill_mode), 0, w - 1)
            weight = (xp.ones(fr.shape, dtype) if r_weight is None
                      else (r_weight * c_weight).astype(dtype))
            terms.append((batch + fr * w + fc, weight, inside))
    out = xp.zeros((n, h, w, c), dtype=dtype)
    for index, weight, inside in terms:
        read = flat[index]
        if inside is not None:
            read = xp.where(inside[..., None], read, dtype.type(fill_value))
        out += weight[..., None] * read

    def backward(g):
        grad = xp.zeros_like(flat)
        for index, weight, inside in terms:
            share = weight if inside is None else weight * inside
            ops._add_at(grad, index.reshape(-1), (share[..., None] * g).reshape(-1, c))
        ops.accumulate(images, grad.reshape(images.shape))

    return ops.node(out, (images,), backward)


# ----------------------------------------------------------------------------- keras.ops.image


def _images(images, where: str) -> tuple:
    """(a float (batch, h, w, c) Tensor, whether a batch axis was added) from 3 or 4 axes."""
    x = images if isinstance(images, Tensor) else ops.as_tensor(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"{where}(images): expected 3 axes (height, width, channels) or 4 "
                         f"(batch, height, width, channels), given shape {tuple(x.shape)}.")
    if not backend.is_float_dtype(x.dtype):
        x = ops.cast(x, backend.floatx())
    single = x.ndim == 3
    return (ops.reshape(x, (1, *x.shape)) if single else x), single


def _unbatched(x: Tensor, single: bool) -> Tensor:
    return ops.reshape(x, x.shape[1:]) if single else x


def _channels_last(data_format, where: str) -> None:
    if data_format is None:
        data_format = backend.image_data_format()
    if data_format != "channels_last":
        raise ValueError(f"{where}(data_format): numnet's image ops take channels last, given "
                         f"{data_format!r}. Move the channels last (np.moveaxis(x, 1, -1)).")


def resize(images, size, interpolation: str = "bilinear", antialias: bool = False,
           crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
           fill_mode: str = "constant", fill_value: float = 0.0, data_format=None) -> Tensor:
    """Resize images to ``size`` = (height, width).

    Args:
        images: (height, width, channels) or (batch, height, width, channels).
        size: the output's (height, width).
        interpolation: 'bilinear', 'nearest', 'bicubic', 'lanczos3' or 'lanczos5'. Defaults
            to ``'bilinear'``.
        antialias: widen the kernel when shrinking. Defaults to ``False``.
        crop_to_aspect_ratio: first crop the largest centred box of the target's aspect
            ratio. Defaults to ``False``.
        pad_to_aspect_ratio: first pad (with ``fill_value``) to the target's aspect ratio.
            Defaults to ``False``.
        fill_mode: only 'constant'. Defaults to ``'constant'``.
        fill_value: the padding's value. Defaults to ``0.0``.
        data_format: 'channels_last' or None. Defaults to ``None``.

    Raises:
        ValueError: for a bad size, interpolation, rank, or both aspect-ratio options.

    Example:
        >>> x = np.arange(4, dtype='float32').reshape(2, 2, 1)
        >>> numnet.ops.image.resize(x, (1, 1)).numpy().ravel()
        array([1.5], dtype=float32)
    """
    _channels_last(data_format, "resize")
    try:
        size = tuple(int(s) for s in size)
        ok = len(size) == 2 and min(size) >= 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ValueError(f"resize(size): expected (height, width), two positive integers, "
                         f"given {size!r}.")
    if interpolation not in INTERPOLATIONS:
        raise ValueError(f"resize(interpolation): expected one of {list(INTERPOLATIONS)}, "
                         f"given {interpolation!r}.")
    if crop_to_aspect_ratio and pad_to_aspect_ratio:
        raise ValueError("resize: crop_to_aspect_ratio and pad_to_aspect_ratio cannot both be "
                         "True; choose one.")
    if fill_mode != "constant":
        raise ValueError(f"resize(fill_mode): only 'constant' is supported, given "
                         f"{fill_mode!r}.")
    x, single = _images(images, "resize")
    out = _resize_like_keras(x, size, interpolation, antialias, crop_to_aspect_ratio,
                             pad_to_aspect_ratio, fill_value)
    return _unbatched(out, single)


def affine_transform(images, transform, interpolation: str = "bilinear",
                     fill_mode: str = "constant", fill_value: float = 0.0,
                     data_format=None) -> Tensor:
    """Resample each image by a projective-free affine map, as Keras's: ``transform`` is
    [a0, a1, a2, b0, b1, b2, c0, c1] (one for all images, or one row per image); output pixel
    (row, col) reads the input at row b0 col + b1 row + b2, column a0 col + a1 row + a2.

    Args:
        images: (height, width, channels) or (batch, height, width, channels).
        transform: shape (8,) or (batch, 8); c0 and c1 must be 0.
        interpolation: 'bilinear' or 'nearest'. Defaults to ``'bilinear'``.
        fill_mode: what lies outside: 'constant', 'nearest', 'wrap' or 'reflect'. Defaults to
            ``'constant'``.
        fill_value: the value outside with 'constant'. Defaults to ``0.0``.
        data_format: 'channels_last' or None. Defaults to ``None``.

    Raises:
        ValueError: for a bad interpolation, fill mode, rank or transform shape.

    Example:
        >>> x = np.arange(4, dtype='float32').reshape(1, 4, 1)
        >>> shift = [1, 0, 1, 0, 1, 0, 0, 0]        # read one column to the right
        >>> numnet.ops.image.affine_transform(x, shift).numpy().ravel()
        array([1., 2., 3., 0.], dtype=float32)
    """
    _channels_last(data_format, "affine_transform")
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"affine_transform(interpolation): expected 'bilinear' or 'nearest', "
                         f"given {interpolation!r}.")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"affine_transform(fill_mode): expected one of {list(FILL_MODES)}, "
                         f"given {fill_mode!r}.")
    x, single = _images(images, "affine_transform")
    t = np.asarray(backend.to_numpy(getattr(transform, "value", transform)), dtype=np.float32)
    if t.shape == (8,):
        t = np.broadcast_to(t, (x.shape[0], 8))
    if t.shape != (x.shape[0], 8):
        raise ValueError(f"affine_transform(transform): expected shape (8,) or ({x.shape[0]}, "
                         f"8), given {t.shape}.")
    out = affine_kernel(x, t, interpolation, fill_mode, fill_value)
    return _unbatched(out, single)


def _two_of(first, second, target, names: str, where: str) -> None:
    if [first, second, target].count(None) != 1:
        raise ValueError(f"{where}: give exactly two of {names}; given {first!r}, {second!r}, "
                         f"{target!r}.")


def crop_images(images, top_cropping=None, left_cropping=None, bottom_cropping=None,
                right_cropping=None, target_height=None, target_width=None,
                data_format=None) -> Tensor:
    """Cut a box out of images: two of (top_cropping, bottom_cropping, target_height) and two
    of (left_cropping, right_cropping, target_width) decide it.

    Args:
        images: (height, width, channels) or (batch, height, width, channels).
        top_cropping, bottom_cropping: rows cut at the top / bottom. Default to ``None``.
        left_cropping, right_cropping: columns cut at the left / right. Default to ``None``.
        target_height, target_width: the box's size. Default to ``None``.
        data_format: 'channels_last' or None. Defaults to ``None``.

    Raises:
        ValueError: unless exactly two of each triple are given and the box fits.

    Example:
        >>> x = np.zeros((5, 6, 1), 'float32')
        >>> numnet.ops.image.crop_images(x, 1, 2, target_height=3, target_width=2).shape
        (3, 2, 1)
    """
    _channels_last(data_format, "crop_images")
    _two_of(top_cropping, bottom_cropping, target_height,
            "top_cropping, bottom_cropping, target_height", "crop_images")
    _two_of(left_cropping, right_cropping, target_width,
            "left_cropping, right_cropping, target_width", "crop_images")
    x, single = _images(images, "crop_images")
    height, width = x.shape[1:3]
    if top_cropping is None:
        top_cropping = height - target_height - bottom_cropping
    if target_height is None:
        target_height = height - bottom_cropping - top_cropping
    if left_cropping is None:
        left_cropping = width - target_width - right_cropping
    if target_width is None:
        target_width = width - right_cropping - left_cropping
    for name, value in (("top_cropping", top_cropping), ("left_cropping", left_cropping),
                        ("target_height", target_height), ("target_width", target_width)):
        if value < 0:
            raise ValueError(f"crop_images({name}): must be >= 0, given (or implied) {value}.")
    if top_cropping + target_height > height or left_cropping + target_width > width:
        raise ValueError(f"crop_images: a box of {target_height}x{target_width} at ("
                         f"{top_cropping}, {left_cropping}) does not fit images of "
                         f"{height}x{width}.")
    out = ops.getitem(x, (slice(None), slice(top_cropping, top_cropping + target_height),
                          slice(left_cropping, left_cropping + target_width)))
    return _unbatched(out, single)


def pad_images(images, top_padding=None, left_padding=None, bottom_padding=None,
               right_padding=None, target_height=None, target_width=None,
               data_format=None) -> Tensor:
    """Pad images with zeros: two of (top_padding, bottom_padding, target_height) and two of
    (left_padding, right_padding, target_width) decide the padding.

    Args:
        images: (height, width, channels) or (batch, height, width, channels).
        top_padding, bottom_padding: rows added at the top / bottom. Default to ``None``.
        left_padding, right_padding: columns added at the left / right. Default to ``None``.
        target_height, target_width: the padded size. Default to ``None``.
        data_format: 'channels_last' or None. Defaults to ``None``.

    Raises:
        ValueError: unless exactly two of each triple are given and every padding is >= 0.

    Example:
        >>> x = np.ones((2, 2, 1), 'float32')
        >>> numnet.ops.image.pad_images(x, 1, 0, target_height=4, target_width=3).shape
        (4, 3, 1)
    """
    _channels_last(data_format, "pad_images")
    _two_of(top_padding, bottom_padding, target_height,
            "top_padding, bottom_padding, target_height", "pad_images")
    _two_of(left_padding, right_padding, target_width,
            "left_padding, right_padding, target_width", "pad_images")
    x, single = _images(images, "pad_images")
    height, width = x.shape[1:3]
    if top_padding is None:
        top_padding = target_height - bottom_padding - height
    if bottom_padding is None:
        bottom_padding = target_height - top_padding - height
    if left_padding is None:
        left_padding = target_width - right_padding - width
    if right_padding is None:
        right_padding = target_width - left_padding - width
    for name, value in (("top_padding", top_padding), ("bottom_padding", bottom_padding),
                        ("left_padding", left_padding), ("right_padding", right_padding)):
        if value < 0:
            raise ValueError(f"pad_images({name}): must be >= 0, given (or implied) {value}.")
    out = pad_constant(x, ((top_padding, bottom_padding), (left_padding, right_padding)))
    return _unbatched(out, single)


__all__ = ["affine_transform", "crop_images", "pad_images", "resize"]
