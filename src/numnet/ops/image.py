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

import itertools

import numpy as np

from .. import backend
from ..autodiff import ops
from ..autodiff.symbolic import symbolic_op
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


def _gaussian(x):
    # TensorFlow's scale_and_translate kernel: sigma 1/2, cut at 3 sigma (radius 1.5)
    return np.where(x >= 1.5, 0.0, np.exp(-2.0 * x * x))


def _mitchell_cubic(x):
    # Mitchell-Netravali's cubic with B = C = 1/3, as TensorFlow's scale_and_translate
    inner = ((7.0 / 6.0 * x - 2.0) * x) * x + 8.0 / 9.0
    outer = ((-7.0 / 18.0 * x + 2.0) * x - 10.0 / 3.0) * x + 16.0 / 9.0
    return np.where(x >= 2.0, 0.0, np.where(x >= 1.0, outer, inner))


# gaussian and mitchellcubic are TensorFlow's (tf.image.resize): Keras's resize has neither
_KERNELS = {"bilinear": _triangle, "bicubic": _keys_cubic, "lanczos3": _lanczos(3.0),
            "lanczos5": _lanczos(5.0), "gaussian": _gaussian, "mitchellcubic": _mitchell_cubic}


def _tf_bicubic_weights(in_size: int, out_size: int) -> np.ndarray:
    """The weights of TensorFlow's resize_bicubic with half-pixel centres (tf.image.resize's
    "bicubic" without antialias): Keys' cubic (a = -0.5) read from a table of 1024 steps per
    pixel at the rounded fraction of each sample, taps outside the image dropped and the rest
    scaled to sum to one; positions in float32, as TensorFlow computes them."""
    steps = 1024
    a = -0.5
    x = np.arange(steps + 1, dtype=np.float64) / steps
    near = (((a + 2) * x - (a + 3)) * x * x + 1).astype(np.float32)
    x1 = x + 1.0
    far = (((a * x1 - 5 * a) * x1 + 8 * a) * x1 - 4 * a).astype(np.float32)
    scale = np.float32(in_size) / np.float32(out_size)
    sample = (np.arange(out_size, dtype=np.float32) + np.float32(0.5)) * scale \
        - np.float32(0.5)
    start = np.floor(sample).astype(np.int64)
    offset = np.rint((sample - np.floor(sample)) * np.float32(steps)).astype(np.int64)
    taps = np.stack([far[offset], near[offset], near[steps - offset], far[steps - offset]])
    rows = start[None, :] + np.arange(-1, 3)[:, None]
    inside = (rows >= 0) & (rows < in_size)
    taps = np.where(inside, taps, 0.0).astype(np.float64)
    taps /= taps.sum(axis=0, keepdims=True)
    w = np.zeros((in_size, out_size))
    for tap in range(4):
        ok = inside[tap]
        np.add.at(w, (rows[tap][ok], np.arange(out_size)[ok]), taps[tap][ok])
    return w


def resize_weights(in_size: int, out_size: int, interpolation: str = "bilinear",
                   antialias: bool = False) -> np.ndarray:
    """The (in_size, out_size) matrix W of one axis of a resize: out[j] = sum_i W[i, j] in[i].

    nearest: in index floor((j + 0.5) in / out). area (TensorFlow's resize_area): output j
    averages the input over [j s, (j + 1) s), s = in / out, each pixel i weighted by its overlap
    with that box: W[i, j] = |[i, i + 1) & [j s, (j + 1) s)| / s. Otherwise (jax.image.resize):
    s_j = (j + 0.5) in / out - 0.5, W[i, j] = k(|s_j - i| / c) normalized over i, with
    c = max(in / out, 1) when ``antialias`` (a wider kernel when shrinking), else 1; a column
    whose s_j lies outside [-0.5, in - 0.5] is zero.
    """
    if interpolation == "tf_bicubic":
        return _tf_bicubic_weights(in_size, out_size)
    if interpolation == "area":  # the overlap of pixel i with output j's box, over its width
        inv_scale = in_size / out_size
        low = np.arange(out_size) * inv_scale
        high = low + inv_scale
        pixels = np.arange(in_size)[:, None]
        overlap = np.minimum(pixels + 1.0, high[None, :]) - np.maximum(pixels, low[None, :])
        return np.maximum(overlap, 0.0) / inv_scale
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


def _layout(images, data_format, where: str) -> tuple:
    """(images of 3 or 4 axes with the channels last, a function that restores the layout)."""
    x = images if isinstance(images, Tensor) else ops.as_tensor(images)
    if x.ndim not in (3, 4):
        raise ValueError(f"{where}(images): expected 3 axes (height, width, channels) or 4 "
                         f"(batch, height, width, channels), given shape {tuple(x.shape)}.")
    return _last(x, data_format, where)


def _unbatched(x: Tensor, single: bool) -> Tensor:
    return ops.reshape(x, x.shape[1:]) if single else x


@symbolic_op
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
        data_format: 'channels_last', 'channels_first' or None (the config's). Defaults to
            ``None``.

    Raises:
        ValueError: for a bad size, interpolation, rank, or both aspect-ratio options.

    Example:
        >>> x = np.arange(4, dtype='float32').reshape(2, 2, 1)
        >>> numnet.ops.image.resize(x, (1, 1)).numpy().ravel()
        array([1.5], dtype=float32)
    """
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
    images, restore = _layout(images, data_format, "resize")
    x, single = _images(images, "resize")
    out = _resize_like_keras(x, size, interpolation, antialias, crop_to_aspect_ratio,
                             pad_to_aspect_ratio, fill_value)
    return restore(_unbatched(out, single))


@symbolic_op
def affine_transform(images, transform, interpolation: str = "bilinear",
                     fill_mode: str = "constant", fill_value: float = 0,
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
        data_format: 'channels_last', 'channels_first' or None (the config's). Defaults to
            ``None``.

    Raises:
        ValueError: for a bad interpolation, fill mode, rank or transform shape.

    Example:
        >>> x = np.arange(4, dtype='float32').reshape(1, 4, 1)
        >>> shift = [1, 0, 1, 0, 1, 0, 0, 0]        # read one column to the right
        >>> numnet.ops.image.affine_transform(x, shift).numpy().ravel()
        array([1., 2., 3., 0.], dtype=float32)
    """
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"affine_transform(interpolation): expected 'bilinear' or 'nearest', "
                         f"given {interpolation!r}.")
    if fill_mode not in FILL_MODES:
        raise ValueError(f"affine_transform(fill_mode): expected one of {list(FILL_MODES)}, "
                         f"given {fill_mode!r}.")
    images, restore = _layout(images, data_format, "affine_transform")
    x, single = _images(images, "affine_transform")
    t = np.asarray(backend.to_numpy(getattr(transform, "value", transform)), dtype=np.float32)
    if t.shape == (8,):
        t = np.broadcast_to(t, (x.shape[0], 8))
    if t.shape != (x.shape[0], 8):
        raise ValueError(f"affine_transform(transform): expected shape (8,) or ({x.shape[0]}, "
                         f"8), given {t.shape}.")
    out = affine_kernel(x, t, interpolation, fill_mode, fill_value)
    return restore(_unbatched(out, single))


def _two_of(first, second, target, names: str, where: str) -> None:
    if [first, second, target].count(None) != 1:
        raise ValueError(f"{where}: give exactly two of {names}; given {first!r}, {second!r}, "
                         f"{target!r}.")


@symbolic_op
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
        data_format: 'channels_last', 'channels_first' or None (the config's). Defaults to
            ``None``.

    Raises:
        ValueError: unless exactly two of each triple are given and the box fits.

    Example:
        >>> x = np.zeros((5, 6, 1), 'float32')
        >>> numnet.ops.image.crop_images(x, 1, 2, target_height=3, target_width=2).shape
        (3, 2, 1)
    """
    _two_of(top_cropping, bottom_cropping, target_height,
            "top_cropping, bottom_cropping, target_height", "crop_images")
    _two_of(left_cropping, right_cropping, target_width,
            "left_cropping, right_cropping, target_width", "crop_images")
    images, restore = _layout(images, data_format, "crop_images")
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
    return restore(_unbatched(out, single))


@symbolic_op
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
        data_format: 'channels_last', 'channels_first' or None (the config's). Defaults to
            ``None``.

    Raises:
        ValueError: unless exactly two of each triple are given and every padding is >= 0.

    Example:
        >>> x = np.ones((2, 2, 1), 'float32')
        >>> numnet.ops.image.pad_images(x, 1, 0, target_height=4, target_width=3).shape
        (4, 3, 1)
    """
    _two_of(top_padding, bottom_padding, target_height,
            "top_padding, bottom_padding, target_height", "pad_images")
    _two_of(left_padding, right_padding, target_width,
            "left_padding, right_padding, target_width", "pad_images")
    images, restore = _layout(images, data_format, "pad_images")
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
    return restore(_unbatched(out, single))


# ----------------------------------------------------------------------------- colour, patches
# Differentiable: built from the engine's ops (or one convolution), so gradients flow.


def _last(images, data_format, where: str, ranks=(3, 4)):
    """(a float Tensor with the channels last, a function that restores the given layout)."""
    x = images if isinstance(images, Tensor) else ops.as_tensor(images)
    if x.ndim not in ranks:
        raise ValueError(f"{where}(images): expected rank {' or '.join(map(str, ranks))} "
                         "((batch,) height, width, channels), given shape "
                         f"{tuple(x.shape)}.")
    data_format = data_format or backend.image_data_format()
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"{where}(data_format): expected 'channels_last' or 'channels_first', "
                         f"given {data_format!r}.")
    if data_format == "channels_last":
        return x, lambda t: t
    order = (*range(x.ndim - 3), x.ndim - 2, x.ndim - 1, x.ndim - 3)
    back = (*range(x.ndim - 3), x.ndim - 1, x.ndim - 3, x.ndim - 2)
    return ops.transpose(x, order), lambda t: ops.transpose(t, back)


def _planes(x: Tensor) -> list:
    return [ops.getitem(x, (Ellipsis, i)) for i in range(x.shape[-1])]


@symbolic_op
def rgb_to_grayscale(images, data_format=None) -> Tensor:
    """Luma 0.2989 R + 0.5870 G + 0.1140 B of RGB images, one channel (as tf.image); a
    1-channel input is returned as it is; int images stay ints.

    Args:
        images: (height, width, 3) or (batch, height, width, 3) (channels first with
            data_format).
        data_format: 'channels_last', 'channels_first' or None (the config's). Defaults to
            ``None``.

    Example:
        >>> numnet.ops.image.rgb_to_grayscale([[[1.0, 1.0, 1.0]]]).shape
        (1, 1, 1)
    """
    x, restore = _last(images, data_format, "rgb_to_grayscale")
    if x.shape[-1] not in (1, 3):
        raise ValueError("rgb_to_grayscale(images): expected 3 channels (RGB) or 1, given "
                         f"shape {tuple(x.shape)}.")
    if x.shape[-1] == 1:
        return images if isinstance(images, Tensor) else restore(x)
    dtype = x.dtype
    if not backend.is_float_dtype(dtype):
        x = ops.cast(x, backend.floatx())
    weights = Tensor(backend.xp.asarray([[0.2989], [0.5870], [0.1140]], dtype=x.dtype))
    out = ops.matmul(x, weights)
    return restore(out if out.dtype == dtype else ops.cast(out, dtype))


def _float_images(images, data_format, where):
    x, restore = _last(images, data_format, where)
    if not backend.is_float_dtype(x.dtype):
        raise ValueError(f"{where}(images): expected a float dtype, given {x.dtype}; cast the "
                         "images first (ops.cast(images, 'float32') / 255).")
    if x.shape[-1] != 3:
        raise ValueError(f"{where}(images): expected 3 channels, given shape {tuple(x.shape)}.")
    return x, restore


@symbolic_op
def rgb_to_hsv(images, data_format=None) -> Tensor:
    """RGB to HSV, each in [0, 1] (hue in turns): value = max(R, G, B), saturation =
    (max - min) / max, hue from the channel that is largest. Float images only.

    Args:
        images: (height, width, 3) or (batch, height, width, 3), floats in [0, 1].
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Example:
        >>> [round(v, 4) for v in numnet.ops.image.rgb_to_hsv([[[0.0, 0.5, 1.0]]])[0, 0].tolist()]
        [0.5833, 1.0, 1.0]
    """
    x, restore = _float_images(images, data_format, "rgb_to_hsv")
    xp = backend.xp
    zero = Tensor(xp.zeros((), x.dtype))
    x = ops.where(xp.abs(x.value) < np.finfo(x.dtype).eps, zero, x)
    r, g, b = _planes(x)
    value = ops.maximum(ops.maximum(r, g), b)
    low = ops.minimum(ops.minimum(r, g), b)
    spread = ops.subtract(value, low)
    one = Tensor(xp.ones((), x.dtype))
    positive, varied = value.value > 0, spread.value > 0
    saturation = ops.where(positive, ops.divide(spread, ops.where(positive, value, one)), zero)
    norm = ops.divide(1.0 / 6.0, ops.where(varied, spread, one))
    hue = ops.where(value.value == g.value, ops.add(ops.multiply(norm, ops.subtract(b, r)), 2 / 6),
                    ops.add(ops.multiply(norm, ops.subtract(r, g)), 4 / 6))
    hue = ops.where(value.value == r.value, ops.multiply(norm, ops.subtract(g, b)), hue)
    wrap = (hue.value < 0).astype(x.dtype)
    hue = ops.add(ops.where(varied, hue, zero), Tensor(wrap))
    return restore(ops.stack([hue, saturation, value], axis=-1))


@symbolic_op
def hsv_to_rgb(images, data_format=None) -> Tensor:
    """HSV (each in [0, 1], hue in turns) to RGB, the inverse of ``rgb_to_hsv``. Float images
    only.

    Args:
        images: (height, width, 3) or (batch, height, width, 3), floats.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Example:
        >>> numnet.ops.image.hsv_to_rgb([[[0.5, 1.0, 1.0]]]).tolist()
        [[[0.0, 1.0, 1.0]]]
    """
    x, restore = _float_images(images, data_format, "hsv_to_rgb")
    hue, saturation, value = _planes(x)
    sector = ops.multiply(ops.mod(hue, Tensor(backend.xp.ones((), x.dtype))), 6.0)

    def ramp(shift, rising):
        distance = ops.abs(ops.subtract(sector, shift))
        return ops.clip(ops.subtract(distance, 1.0) if rising else ops.subtract(2.0, distance),
                        0.0, 1.0)

    grey = ops.subtract(1.0, saturation)
    planes = [ops.multiply(value, ops.add(grey, ops.multiply(saturation, d)))
              for d in (ramp(3.0, True), ramp(2.0, False), ramp(4.0, False))]
    return restore(ops.stack(planes, axis=-1))


@symbolic_op
def extract_patches(images, size, strides=None, dilation_rate=1, padding="valid",
                    data_format=None) -> Tensor:
    """The ``size`` patches of images, each flattened into the channels (patch row, patch
    column, channel order): (batch, out_h, out_w, size_h * size_w * channels); a 3-int size
    takes patches of volumes. Differentiable.

    Args:
        images: (batch,) height, width, channels (or depth, height, width, channels).
        size: the patch: an int or (size_h, size_w) (or 3 ints for volumes).
        strides: the step between patches; None for ``size``. Defaults to ``None``.
        dilation_rate: the spacing of a patch's taps. Defaults to ``1``.
        padding: 'valid' or 'same'. Defaults to ``'valid'``.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Example:
        >>> numnet.ops.image.extract_patches(numnet.ops.ones((1, 4, 4, 3)), 2).shape
        (1, 2, 2, 12)
    """
    spatial = 3 if not isinstance(size, int) and len(size) == 3 else 2
    x, restore = _last(images, data_format, "extract_patches", (spatial + 1, spatial + 2))
    if not backend.is_float_dtype(x.dtype):
        x = ops.cast(x, backend.floatx())
    single = x.ndim == spatial + 1
    if single:
        x = ops.reshape(x, (1, *x.shape))
    window = (size,) * spatial if isinstance(size, int) else tuple(size)
    depth = int(np.prod(window)) * x.shape[-1]
    kernel = Tensor(backend.xp.eye(depth, dtype=x.dtype).reshape(*window, x.shape[-1], depth))
    out = ops.conv(x, kernel, None, window if not strides else strides, padding, dilation_rate)
    return restore(_unbatched(out, single))


def _depthwise_same(x: Tensor, kernel) -> Tensor:
    """Each channel of (batch, h, w, c) convolved with the 2-D ``kernel``, 'same' zero padding."""
    n, h, w, c = x.shape
    planes = ops.reshape(ops.transpose(x, (0, 3, 1, 2)), (n * c, h, w, 1))
    k = Tensor(backend.xp.asarray(kernel, dtype=x.dtype)[:, :, None, None])
    out = ops.conv(planes, k, None, 1, "same", 1)
    return ops.transpose(ops.reshape(out, (n, c, h, w)), (0, 2, 3, 1))


@symbolic_op
def gaussian_blur(images, kernel_size=(3, 3), sigma=(1.0, 1.0), data_format=None) -> Tensor:
    """Each channel convolved with a normalised Gaussian kernel ('same' size, zeros outside);
    as Keras, kernel_size[0] and sigma[0] shape the horizontal profile, [1] the vertical one.
    Differentiable in the images.

    Args:
        images: (height, width, channels) or (batch, height, width, channels).
        kernel_size: the kernel's (horizontal, vertical) size. Defaults to ``(3, 3)``.
        sigma: the standard deviations, (horizontal, vertical). Defaults to ``(1.0, 1.0)``.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Example:
        >>> out = numnet.ops.image.gaussian_blur(numnet.ops.ones((5, 5, 1)))
        >>> round(float(out[2, 2, 0]), 5)
        1.0
    """
    x, restore = _last(images, data_format, "gaussian_blur")
    if not backend.is_float_dtype(x.dtype):
        x = ops.cast(x, backend.floatx())
    sizes = (kernel_size, kernel_size) if isinstance(kernel_size, int) else tuple(kernel_size)
    sigmas = (sigma, sigma) if np.ndim(sigma) == 0 else tuple(sigma)

    kernel = np.outer(_gaussian_profile(sizes[1], sigmas[1]),
                      _gaussian_profile(sizes[0], sigmas[0]))
    single = x.ndim == 3
    x = ops.reshape(x, (1, *x.shape)) if single else x
    return restore(_unbatched(_depthwise_same(x, kernel), single))


@symbolic_op
def sobel_edges(images, data_format=None) -> Tensor:
    """The Sobel derivatives of each channel of a batch of images, (..., 2) = [d/dy, d/dx]
    ('same' size, zeros outside). Differentiable.

    Args:
        images: (batch, height, width, channels) (channels first with data_format).
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Returns:
        (batch, height, width, channels, 2) (channels first: (batch, channels, height, width, 2)).

    Example:
        >>> numnet.ops.image.sobel_edges(numnet.ops.ones((1, 4, 4, 3))).shape
        (1, 4, 4, 3, 2)
    """
    x, restore = _last(images, data_format, "sobel_edges", (4,))
    if not backend.is_float_dtype(x.dtype):
        x = ops.cast(x, backend.floatx())
    across = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    dy, dx = _depthwise_same(x, across.T), _depthwise_same(x, across)
    return ops.stack([restore(dy), restore(dx)], axis=-1)


@symbolic_op
def extract_patches_3d(volumes, size, strides=None, dilation_rate=1, padding="valid",
                       data_format=None) -> Tensor:
    """``extract_patches`` of volumes: the (size_d, size_h, size_w) patches flattened into the
    channels: (batch, out_d, out_h, out_w, size_d * size_h * size_w * channels).

    Args:
        volumes: (batch,) depth, height, width, channels.
        size: the patch: an int or 3 ints.
        strides: the step between patches; None for ``size``. Defaults to ``None``.
        dilation_rate: the spacing of a patch's taps. Defaults to ``1``.
        padding: 'valid' or 'same'. Defaults to ``'valid'``.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Example:
        >>> numnet.ops.image.extract_patches_3d(numnet.ops.ones((1, 4, 4, 4, 1)), 2).shape
        (1, 2, 2, 2, 8)
    """
    size = (size,) * 3 if isinstance(size, int) else tuple(size)
    if len(size) != 3:
        raise ValueError(f"extract_patches_3d(size): expected an int or 3 ints, given {size!r}.")
    return extract_patches(volumes, size, strides, dilation_rate, padding, data_format)


def _gaussian_profile(n, sigma):
    t = np.arange(n) - (n - 1) / 2
    k = np.exp(-0.5 * (t / float(sigma)) ** 2)
    return k / k.sum()


@symbolic_op
def ssim(image1, image2, max_val=1.0, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         data_format=None) -> Tensor:
    """The structural similarity index (Wang et al., 2004) of image pairs: local means,
    variances and covariance under a ``filter_size`` Gaussian window ('valid' positions),
    SSIM = (2 mu1 mu2 + c1)(2 s12 + c2) / ((mu1^2 + mu2^2 + c1)(s1^2 + s2^2 + c2)) with
    c1 = (k1 max_val)^2, c2 = (k2 max_val)^2, averaged over positions and channels.
    Differentiable in both images.

    Args:
        image1: (height, width, channels) or (batch, height, width, channels).
        image2: image1's shape.
        max_val: the largest pixel value (1.0, or 255.0). Defaults to ``1.0``.
        filter_size: the Gaussian window's side (odd). Defaults to ``11``.
        filter_sigma: the window's standard deviation. Defaults to ``1.5``.
        k1: the first stabilising constant. Defaults to ``0.01``.
        k2: the second stabilising constant. Defaults to ``0.03``.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Returns:
        One value per image pair: (batch,), or a scalar for single images.

    Example:
        >>> image = numnet.ops.ones((16, 16, 3)) * 0.5
        >>> numnet.ops.image.ssim(image, image).item()
        1.0
    """
    a, restore = _last(image1, data_format, "ssim")
    b, _ = _last(image2, data_format, "ssim")
    if a.shape != b.shape:
        raise ValueError(f"ssim: image1 and image2 need one shape, given {tuple(a.shape)} and "
                         f"{tuple(b.shape)}.")
    dtype = a.dtype
    if not backend.is_float_dtype(dtype):
        a, b = ops.cast(a, backend.floatx()), ops.cast(b, backend.floatx())
    if b.dtype != a.dtype:
        b = ops.cast(b, a.dtype)
    single = a.ndim == 3
    if single:
        a, b = ops.reshape(a, (1, *a.shape)), ops.reshape(b, (1, *b.shape))
    n, h, w, c = a.shape
    profile = _gaussian_profile(filter_size, filter_sigma)
    kernel = Tensor(backend.xp.asarray(np.outer(profile, profile)[:, :, None, None],
                                       dtype=a.dtype))

    def local_mean(t):
        planes = ops.reshape(ops.transpose(t, (0, 3, 1, 2)), (n * c, h, w, 1))
        return ops.conv(planes, kernel, None, 1, "valid", 1)

    mu1, mu2 = local_mean(a), local_mean(b)
    mu11, mu22, mu12 = ops.multiply(mu1, mu1), ops.multiply(mu2, mu2), ops.multiply(mu1, mu2)
    s11 = ops.subtract(local_mean(ops.multiply(a, a)), mu11)
    s22 = ops.subtract(local_mean(ops.multiply(b, b)), mu22)
    s12 = ops.subtract(local_mean(ops.multiply(a, b)), mu12)
    c1, c2 = (k1 * max_val) ** 2, (k2 * max_val) ** 2
    top = ops.multiply(ops.add(ops.multiply(mu12, 2.0), c1), ops.add(ops.multiply(s12, 2.0), c2))
    bottom = ops.multiply(ops.add(ops.add(mu11, mu22), c1), ops.add(ops.add(s11, s22), c2))
    per_plane = ops.mean(ops.divide(top, bottom), (1, 2, 3))
    out = ops.mean(ops.reshape(per_plane, (n, c)), 1)
    out = ops.reshape(out, ()) if single else out
    return out if out.dtype == dtype or not backend.is_float_dtype(dtype) else \
        ops.cast(out, dtype)


_MAP_FILL_MODES = ("constant", "nearest", "wrap", "mirror", "reflect")


def _fixed_index(index, size: int, mode: str):
    """Indices outside [0, size) moved in by ``mode`` (constant: left, and marked invalid)."""
    xp = backend.xp
    if mode == "constant":
        return xp.clip(index, 0, size - 1), (index >= 0) & (index < size)
    if mode == "nearest":
        return xp.clip(index, 0, size - 1), None
    if mode == "wrap":
        return xp.mod(index, size), None
    if size == 1:
        return xp.zeros_like(index), None
    if mode == "mirror":  # d c b | a b c d | c b a: period 2 (size - 1), edges not repeated
        period = 2 * (size - 1)
        folded = xp.mod(index, period)
        return xp.where(folded < size, folded, period - folded), None
    period = 2 * size  # reflect: d c b a | a b c d | d c b a
    folded = xp.mod(index, period)
    return xp.where(folded < size, folded, period - 1 - folded), None


@symbolic_op
def map_coordinates(inputs, coordinates, order, fill_mode="constant", fill_value=0) -> Tensor:
    """``inputs`` sampled at ``coordinates`` (one row of positions per axis of inputs) by
    nearest-neighbour (order 0, halves away from zero) or linear (order 1) interpolation, as
    jax.scipy.ndimage.map_coordinates; outside the array ``fill_mode`` decides (constant:
    each corner outside takes ``fill_value``). Differentiable in inputs, and for order 1 in
    the coordinates.

    Args:
        inputs: the array sampled.
        coordinates: (rank of inputs, ...) positions.
        order: 0 (nearest) or 1 (linear).
        fill_mode: 'constant', 'nearest', 'wrap', 'mirror' or 'reflect'. Defaults to
            ``'constant'``.
        fill_value: the value outside, for 'constant'. Defaults to ``0``.

    Example:
        >>> numnet.ops.image.map_coordinates([[0.0, 1.0], [2.0, 3.0]],
        ...                                  [[0.5], [0.5]], 1).tolist()
        [1.5]
    """
    x = inputs if isinstance(inputs, Tensor) else ops.as_tensor(
        np.asarray(inputs, dtype=np.float32) if isinstance(inputs, list) else inputs)
    coords = coordinates if isinstance(coordinates, Tensor) else ops.as_tensor(
        np.asarray(coordinates, dtype=np.float32) if isinstance(coordinates, list)
        else coordinates)
    if coords.ndim < 2 or coords.shape[0] != x.ndim:
        raise ValueError(f"map_coordinates(coordinates): expected (rank of inputs = {x.ndim}, "
                         f"...) positions, given shape {tuple(coords.shape)}.")
    if fill_mode not in _MAP_FILL_MODES:
        raise ValueError(f"map_coordinates(fill_mode): expected one of {_MAP_FILL_MODES}, "
                         f"given {fill_mode!r}.")
    if order not in (0, 1):
        raise ValueError(f"map_coordinates(order): expected 0 or 1, given {order!r}.")
    xp = backend.xp
    dtype = x.dtype
    values = x if backend.is_float_dtype(dtype) else ops.cast(x, backend.floatx())
    if not backend.is_float_dtype(coords.dtype):
        coords = ops.cast(coords, values.dtype)
    elif coords.dtype != values.dtype:
        coords = ops.cast(coords, values.dtype)
    per_axis = []
    for axis in range(x.ndim):
        c = ops.getitem(coords, axis)
        if order == 0:
            index = _round_half_away(c.value).astype("int64")
            per_axis.append([(index, None)])
        else:
            low = xp.floor(c.value)
            upper = ops.subtract(c, Tensor(low))
            lower = ops.subtract(Tensor(xp.ones((), values.dtype)), upper)
            low = low.astype("int64")
            per_axis.append([(low, lower), (low + 1, upper)])
    total = None
    for corner in itertools.product(*per_axis):
        where, valid, weight = [], None, None
        for (index, w), size in zip(corner, x.shape, strict=True):
            fixed, ok = _fixed_index(index, size, fill_mode)
            where.append(fixed)
            if ok is not None:
                valid = ok if valid is None else valid & ok
            if w is not None:
                weight = w if weight is None else ops.multiply(weight, w)
        picked = ops.getitem(values, tuple(where))
        if valid is not None:
            picked = ops.where(valid, picked, Tensor(xp.asarray(fill_value, values.dtype)))
        term = picked if weight is None else ops.multiply(picked, weight)
        total = term if total is None else ops.add(total, term)
    if not backend.is_float_dtype(dtype):
        return Tensor(_round_half_away(total.value).astype(dtype))
    return total


def _homographies(start_points, end_points):
    """The 8 coefficients (a0 a1 a2 b0 b1 b2 c0 c1) per batch entry of the homography that
    takes each end point to its start point: x_in = (a0 x + a1 y + a2) / (c0 x + c1 y + 1)."""
    start = np.asarray(backend.to_numpy(getattr(start_points, "value", start_points)),
                       dtype=np.float64)
    end = np.asarray(backend.to_numpy(getattr(end_points, "value", end_points)),
                     dtype=np.float64)
    for name, points in (("start_points", start), ("end_points", end)):
        if points.shape[-2:] != (4, 2) or points.ndim not in (2, 3):
            raise ValueError(f"perspective_transform({name}): expected (4, 2) or (batch, 4, 2) "
                             f"corners, given shape {points.shape}.")
    if start.shape != end.shape:
        raise ValueError(f"perspective_transform: start_points and end_points need one shape, "
                         f"given {start.shape} and {end.shape}.")
    start, end = start.reshape(-1, 4, 2), end.reshape(-1, 4, 2)
    (sx, sy), (ex, ey) = np.moveaxis(start, -1, 0), np.moveaxis(end, -1, 0)
    zero, one = np.zeros_like(ex), np.ones_like(ex)
    rows_x = np.stack([ex, ey, one, zero, zero, zero, -sx * ex, -sx * ey], -1)
    rows_y = np.stack([zero, zero, zero, ex, ey, one, -sy * ex, -sy * ey], -1)
    system = np.concatenate([rows_x, rows_y], axis=1)
    return np.linalg.solve(system, np.concatenate([sx, sy], axis=-1)[..., None])[..., 0]


@symbolic_op
def perspective_transform(images, start_points, end_points, interpolation="bilinear",
                          fill_value=0, data_format=None) -> Tensor:
    """Images warped so that the four ``start_points`` (x, y) land on the ``end_points``: each
    output pixel samples the input where the homography from end to start points takes it
    ('bilinear' or 'nearest'; ``fill_value`` outside). Differentiable in the images.

    Args:
        images: (height, width, channels) or (batch, height, width, channels).
        start_points: (4, 2) or (batch, 4, 2) corners (x, y) in the input.
        end_points: where they go in the output, of start_points' shape.
        interpolation: 'bilinear' or 'nearest'. Defaults to ``'bilinear'``.
        fill_value: the value outside the input. Defaults to ``0``.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Example:
        >>> corners = [[0, 0], [3, 0], [0, 3], [3, 3]]
        >>> image = numnet.ops.ones((4, 4, 1))
        >>> numnet.ops.image.perspective_transform(image, corners, corners).shape
        (4, 4, 1)
    """
    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"perspective_transform(interpolation): expected 'bilinear' or "
                         f"'nearest', given {interpolation!r}.")
    x, restore = _last(images, data_format, "perspective_transform")
    if not backend.is_float_dtype(x.dtype):
        x = ops.cast(x, backend.floatx())
    single = x.ndim == 3
    if single:
        x = ops.reshape(x, (1, *x.shape))
    n, h, w, c = x.shape
    transforms = _homographies(start_points, end_points)
    if transforms.shape[0] not in (1, n):
        raise ValueError(f"perspective_transform: {transforms.shape[0]} sets of points for "
                         f"{n} images; give one set, or one per image.")
    col, row = np.meshgrid(np.arange(w), np.arange(h), indexing="xy")
    col, row = col.ravel().astype(np.float64), row.ravel().astype(np.float64)
    order = 1 if interpolation == "bilinear" else 0
    outputs = []
    for b in range(n):
        t = transforms[b if transforms.shape[0] == n else 0]
        denom = t[6] * col + t[7] * row + 1.0
        coords = np.stack([(t[3] * col + t[4] * row + t[5]) / denom,
                           (t[0] * col + t[1] * row + t[2]) / denom]).astype(np.float32)
        coords = Tensor(backend.to_device(coords).astype(x.dtype))
        channels = [ops.reshape(map_coordinates(ops.getitem(x, (b, Ellipsis, k)), coords, order,
                                                "constant", fill_value), (h, w))
                    for k in range(c)]
        outputs.append(ops.stack(channels, axis=-1))
    return restore(_unbatched(ops.stack(outputs, axis=0), single))


_SCALE_METHODS = {"linear": "bilinear", "bilinear": "bilinear", "trilinear": "bilinear",
                  "triangle": "bilinear", "cubic": "bicubic", "bicubic": "bicubic",
                  "tricubic": "bicubic", "lanczos3": "lanczos3", "lanczos5": "lanczos5"}


def _scale_weights(in_size, out_size, scale, translation, method, antialias):
    """(in_size, out_size) weights of one axis: output j samples the input at
    s_j = (j + 0.5 - translation) / scale - 0.5 (zero outside [-0.5, in - 0.5])."""
    inv_scale = 1.0 / scale
    kernel_scale = max(inv_scale, 1.0) if antialias else 1.0
    sample = (np.arange(out_size) + 0.5) * inv_scale - translation * inv_scale - 0.5
    w = _KERNELS[method](np.abs(sample[None, :] - np.arange(in_size)[:, None]) / kernel_scale)
    total = w.sum(axis=0, keepdims=True)
    w = np.where(np.abs(total) > 1000.0 * float(np.finfo(np.float32).eps),
                 w / np.where(total != 0, total, 1.0), 0.0)
    inside = (sample >= -0.5) & (sample <= in_size - 0.5)
    return np.where(inside[None, :], w, 0.0)


@symbolic_op
def scale_and_translate(images, output_shape, scale, translation, spatial_dims, method,
                        antialias=True) -> Tensor:
    """Resample ``images`` to ``output_shape`` with a scale and translation per spatial axis,
    as jax.image.scale_and_translate: output position o (pixel centres at o + 0.5) samples the
    input at (o + 0.5 - translation) / scale - 0.5; zeros where that falls outside the input.
    Differentiable in the images.

    Args:
        images: the input array.
        output_shape: the output's full shape (images' rank).
        scale: one scale per entry of ``spatial_dims``.
        translation: one translation per entry of ``spatial_dims``.
        spatial_dims: the axes scaled and translated.
        method: 'linear' ('bilinear', 'trilinear', 'triangle'), 'cubic' ('bicubic',
            'tricubic'), 'lanczos3' or 'lanczos5'.
        antialias: widen the kernel when shrinking. Defaults to ``True``.

    Example:
        >>> images = numnet.ops.reshape(numnet.ops.arange(9.0), (3, 3))
        >>> out = numnet.ops.image.scale_and_translate(images, (5, 5), [2.0, 2.0],
        ...                                            [-0.5, -0.5], (0, 1), "linear")
        >>> out.shape
        (5, 5)
    """
    if method not in _SCALE_METHODS:
        raise ValueError(f"scale_and_translate(method): expected one of "
                         f"{sorted(_SCALE_METHODS)}, given {method!r}.")
    x = images if isinstance(images, Tensor) else ops.as_tensor(images)
    if not backend.is_float_dtype(x.dtype):
        x = ops.cast(x, backend.floatx())
    output_shape = tuple(int(n) for n in output_shape)
    spatial_dims = tuple(int(d) % x.ndim for d in spatial_dims)
    scale = np.asarray(backend.to_numpy(getattr(scale, "value", scale)), np.float64).ravel()
    translation = np.asarray(backend.to_numpy(getattr(translation, "value", translation)),
                             np.float64).ravel()
    if len(output_shape) != x.ndim or not (len(scale) == len(translation) == len(spatial_dims)):
        raise ValueError("scale_and_translate: output_shape needs one size per axis of images "
                         f"({x.ndim}), scale and translation one per spatial dim; given "
                         f"{output_shape}, {len(scale)}, {len(translation)}, {spatial_dims}.")
    for axis, s, t in zip(spatial_dims, scale, translation, strict=True):
        w = _scale_weights(x.shape[axis], output_shape[axis], s, t, _SCALE_METHODS[method],
                           antialias)
        moved = ops.transpose(x, (*[a for a in range(x.ndim) if a != axis], axis))
        mixed = ops.matmul(moved, Tensor(backend.to_device(w).astype(x.dtype)))
        back = list(range(x.ndim - 1))
        back.insert(axis, x.ndim - 1)
        x = ops.transpose(mixed, tuple(back))
    return x


@symbolic_op
def elastic_transform(images, alpha=20.0, sigma=5.0, interpolation="bilinear",
                      fill_mode="reflect", fill_value=0.0, seed=None, data_format=None) -> Tensor:
    """Elastic deformation (Simard et al., 2003): a random displacement field, N(0, sigma^2)
    per pixel smoothed by a Gaussian of ``sigma`` (kernel int(6 sigma) | 1), scaled by
    ``alpha``, moves where each output pixel samples the image (``map_coordinates`` with
    ``fill_mode``). The row and column fields are drawn independently. Differentiable in the
    images.

    Args:
        images: (height, width, channels) or (batch, height, width, channels).
        alpha: the displacement's scale, in pixels. Defaults to ``20.0``.
        sigma: the smoothness of the field (and its noise's scale). Defaults to ``5.0``.
        interpolation: 'bilinear' or 'nearest'. Defaults to ``'bilinear'``.
        fill_mode: 'reflect', 'constant', 'nearest', 'wrap' or 'mirror'. Defaults to
            ``'reflect'``.
        fill_value: the value outside, for 'constant'. Defaults to ``0.0``.
        seed: None, an int or a SeedGenerator. Defaults to ``None``.
        data_format: 'channels_last', 'channels_first' or None. Defaults to ``None``.

    Example:
        >>> out = numnet.ops.image.elastic_transform(numnet.ops.ones((8, 8, 1)), seed=1)
        >>> out.shape, bool(numnet.ops.all(numnet.ops.abs(out - 1.0) < 1e-6))
        ((8, 8, 1), True)
    """
    from .. import random as _random

    if interpolation not in ("bilinear", "nearest"):
        raise ValueError(f"elastic_transform(interpolation): expected 'bilinear' or 'nearest', "
                         f"given {interpolation!r}.")
    x, restore = _last(images, data_format, "elastic_transform")
    single = x.ndim == 3
    if single:
        x = ops.reshape(x, (1, *x.shape))
    n, h, w, c = x.shape
    dtype = x.dtype if backend.is_float_dtype(x.dtype) else np.dtype(backend.floatx())
    size = int(6 * float(sigma)) | 1
    noise = _random.normal((n, h, w, 2), stddev=float(sigma), dtype=dtype, seed=seed)
    field = gaussian_blur(noise, (size, size), (float(sigma), float(sigma)),
                          "channels_last").value * float(alpha)
    rows = backend.xp.arange(h, dtype=dtype)[:, None] + field[..., 0]
    cols = backend.xp.arange(w, dtype=dtype)[None, :] + field[..., 1]
    order = 1 if interpolation == "bilinear" else 0
    outputs = []
    for b in range(n):
        coords = Tensor(backend.xp.stack([rows[b], cols[b]]))
        outputs.append(ops.stack([map_coordinates(ops.getitem(x, (b, Ellipsis, k)), coords,
                                                  order, fill_mode, fill_value)
                                  for k in range(c)], axis=-1))
    return restore(_unbatched(ops.stack(outputs, axis=0), single))


__all__ = ["affine_transform", "crop_images", "elastic_transform", "extract_patches",
           "extract_patches_3d", "gaussian_blur", "hsv_to_rgb", "map_coordinates", "pad_images",
           "perspective_transform", "resize", "rgb_to_grayscale", "rgb_to_hsv",
           "scale_and_translate", "sobel_edges", "ssim"]
