"""TensorFlow's ``tf.image``: resizing, flips and rotations, crops and pads, colour
adjustments, random augmentations, patches, quality measures (PSNR, SSIM) and decoding.

    image = tf.image.decode_jpeg(tf.io.read_file("cat.jpg"), channels=3)
    image = tf.image.convert_image_dtype(image, tf.float32)      # [0, 1]
    image = tf.image.resize(image, [224, 224])
    image = tf.image.random_flip_left_right(image)

Images are (height, width, channels) or batches (batch, height, width, channels), as in
TensorFlow. The geometric and arithmetic functions record gradients (they are built from
numnet's differentiable ops); the HSV conversions and decoders are forward only. Random
functions draw from numnet's generator (``tf.random.set_seed``), or from ``seed``.

Why one file: TensorFlow's namespace is flat and each function is a few lines.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from ..autodiff.symbolic import symbolic_op
from .base import array, plain, string_tensor, to_float, to_tensor
from .errors import InvalidArgumentError


def _rng(seed):
    return backend.rng() if seed is None else np.random.default_rng(int(plain(seed)))


def _image(image, where: str) -> Tensor:
    x = to_tensor(image)
    if x.ndim not in (3, 4):
        raise ValueError(f"{where}(image): expected (height, width, channels) or (batch, "
                         f"height, width, channels), given shape {x.shape}.")
    return x


def _move(x: Tensor, rearrange) -> Tensor:
    return _ops.regather(x, rearrange) if x.dtype.kind in "fc" else Tensor(rearrange(x.value))


class ResizeMethod:
    """The names of tf.image.resize's methods."""

    BILINEAR = "bilinear"
    NEAREST_NEIGHBOR = "nearest"
    BICUBIC = "bicubic"
    AREA = "area"
    LANCZOS3 = "lanczos3"
    LANCZOS5 = "lanczos5"
    GAUSSIAN = "gaussian"
    MITCHELLCUBIC = "mitchellcubic"


def resize(images, size, method="bilinear", preserve_aspect_ratio=False, antialias=False,
           name=None) -> Tensor:
    """Images resized to ``size`` = [height, width] (half-pixel centres, as TensorFlow 2).
    The result is float32 except with "nearest", which keeps the dtype.

    Args:
        images: (h, w, c) or (batch, h, w, c).
        size: the new [height, width].
        method: "bilinear", "nearest", "bicubic", "area" (each output pixel the mean of the
            input box it covers, fractional pixels weighted by their share: for a whole
            factor, average pooling), "lanczos3", "lanczos5", "gaussian" (sigma 1/2, radius
            1.5) or "mitchellcubic" (B = C = 1/3, radius 2). Defaults to ``"bilinear"``.
        preserve_aspect_ratio: resize to fit inside size, keeping the aspect ratio.
            Defaults to ``False``.
        antialias: widen the filter when shrinking. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.resize(numnet.ones((4, 4, 3)), [2, 2]).shape
        (2, 2, 3)
    """
    from ..ops import image as _ops_image

    x = _image(images, "resize")
    method = str(getattr(method, "value", method)).lower()
    method = {"nearest_neighbor": "nearest"}.get(method, method)
    if method not in ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5",
                      "gaussian", "mitchellcubic"):
        raise ValueError(f"resize(method): numnet resizes with 'bilinear', 'nearest', "
                         f"'bicubic', 'area', 'lanczos3', 'lanczos5', 'gaussian' or "
                         f"'mitchellcubic'; given {method!r}.")
    height, width = (int(s) for s in plain(size))
    h, w = x.shape[-3], x.shape[-2]
    if preserve_aspect_ratio:
        scale = min(height / h, width / w)
        height, width = int(round(h * scale)), int(round(w * scale))
    dtype = x.dtype
    source = x if dtype in (np.float32, np.float64) else _ops.cast(x, np.float32)
    if method == "bicubic" and not antialias:  # TensorFlow's resize_bicubic: its table
        method = "tf_bicubic"
    if method in ("area", "gaussian", "mitchellcubic", "tf_bicubic"):  # TensorFlow's own
        batched, single = _ops_image._images(source, "resize")
        out = _ops_image._unbatched(_ops_image.resize_images(
            batched, (height, width), method, antialias=antialias), single)
    else:
        out = _ops_image.resize(source, (height, width), interpolation=method,
                                antialias=antialias, data_format="channels_last")
    if method == "nearest" and dtype.kind != "f":
        return Tensor(out.value.astype(dtype))
    return out


def resize_with_crop_or_pad(image, target_height, target_width) -> Tensor:
    """The image centred in target_height x target_width: cropped where larger, padded with
    zeros where smaller (the extra pixel after, as TensorFlow).

    Args:
        image: (h, w, c) or (batch, h, w, c).
        target_height: the new height.
        target_width: the new width.

    Example:
        >>> numnet.image.resize_with_crop_or_pad(numnet.ones((2, 2, 1)), 4, 1).shape
        (4, 1, 1)
    """
    x = _image(image, "resize_with_crop_or_pad")
    th, tw = int(plain(target_height)), int(plain(target_width))
    h, w = x.shape[-3], x.shape[-2]
    crop_top, crop_left = max((h - th) // 2, 0), max((w - tw) // 2, 0)
    x = crop_to_bounding_box(x, crop_top, crop_left, min(h, th), min(w, tw))
    pad_top, pad_left = max((th - h) // 2, 0), max((tw - w) // 2, 0)
    return pad_to_bounding_box(x, pad_top, pad_left, th, tw)


def resize_with_pad(image, target_height, target_width, method="bilinear",
                    antialias=False) -> Tensor:
    """The image resized to fit inside target_height x target_width with its aspect ratio
    kept, then padded with zeros (centred) to that size.

    Args:
        image: (h, w, c) or (batch, h, w, c).
        target_height: the new height.
        target_width: the new width.
        method: as resize's. Defaults to ``"bilinear"``.
        antialias: as resize's. Defaults to ``False``.

    Example:
        >>> numnet.image.resize_with_pad(numnet.ones((2, 4, 1)), 4, 4)[:, 0, 0].tolist()
        [0.0, 1.0, 1.0, 0.0]
    """
    x = _image(image, "resize_with_pad")
    th, tw = int(plain(target_height)), int(plain(target_width))
    h, w = x.shape[-3], x.shape[-2]
    f32 = np.float32  # in float32, as TensorFlow computes the new size
    ratio = max(f32(w) / f32(tw), f32(h) / f32(th))
    rh, rw = int(np.floor(f32(h) / ratio)), int(np.floor(f32(w) / ratio))
    resized = resize(x, [rh, rw], method=method, antialias=antialias)
    # the padding from the unrounded size, as TensorFlow
    top = max(int((f32(th) - f32(h) / ratio) / 2), 0)
    left = max(int((f32(tw) - f32(w) / ratio) / 2), 0)
    return pad_to_bounding_box(resized, top, left, th, tw)


def crop_to_bounding_box(image, offset_height, offset_width, target_height,
                         target_width) -> Tensor:
    """The box of target_height x target_width whose top-left corner is (offset_height,
    offset_width).

    Args:
        image: (h, w, c) or (batch, h, w, c).
        offset_height: the box's top row.
        offset_width: the box's left column.
        target_height: the box's height.
        target_width: the box's width.

    Raises:
        ValueError: the box does not fit in the image.

    Example:
        >>> x = numnet.reshape(numnet.range(9.0), (3, 3, 1))
        >>> numnet.image.crop_to_bounding_box(x, 1, 1, 2, 2)[..., 0].tolist()
        [[4.0, 5.0], [7.0, 8.0]]
    """
    x = _image(image, "crop_to_bounding_box")
    top, left = int(plain(offset_height)), int(plain(offset_width))
    th, tw = int(plain(target_height)), int(plain(target_width))
    h, w = x.shape[-3], x.shape[-2]
    if top < 0 or left < 0 or th <= 0 or tw <= 0 or top + th > h or left + tw > w:
        raise ValueError(f"crop_to_bounding_box: a box at ({top}, {left}) of size {th} x {tw} "
                         f"does not fit an image of {h} x {w}.")
    index = (Ellipsis, slice(top, top + th), slice(left, left + tw), slice(None))
    return _ops.getitem(x, index) if x.dtype.kind in "fc" else Tensor(x.value[index])


def pad_to_bounding_box(image, offset_height, offset_width, target_height,
                        target_width) -> Tensor:
    """The image placed at (offset_height, offset_width) in zeros of target_height x
    target_width.

    Args:
        image: (h, w, c) or (batch, h, w, c).
        offset_height: rows of zeros above.
        offset_width: columns of zeros on the left.
        target_height: the new height.
        target_width: the new width.

    Raises:
        ValueError: the image does not fit.

    Example:
        >>> numnet.image.pad_to_bounding_box(numnet.ones((1, 1, 1)), 1, 0, 2, 2)[..., 0].tolist()
        [[0.0, 0.0], [1.0, 0.0]]
    """
    x = _image(image, "pad_to_bounding_box")
    top, left = int(plain(offset_height)), int(plain(offset_width))
    th, tw = int(plain(target_height)), int(plain(target_width))
    h, w = x.shape[-3], x.shape[-2]
    if top < 0 or left < 0 or top + h > th or left + w > tw:
        raise ValueError(f"pad_to_bounding_box: an image of {h} x {w} at ({top}, {left}) does "
                         f"not fit in {th} x {tw}.")
    shape = x.shape[:-3] + (th, tw, x.shape[-1])

    def place(v):
        out = backend.xp.zeros(shape, dtype=v.dtype)
        out[..., top:top + h, left:left + w, :] = v
        return out

    return _move(x, place)


def central_crop(image, central_fraction) -> Tensor:
    """The centred box holding ``central_fraction`` of each side.

    Args:
        image: (h, w, c) or (batch, h, w, c).
        central_fraction: in (0, 1].

    Example:
        >>> numnet.image.central_crop(numnet.ones((4, 4, 3)), 0.5).shape
        (2, 2, 3)
    """
    fraction = float(plain(central_fraction))
    if not 0 < fraction <= 1:
        raise ValueError(f"central_crop(central_fraction): expected a fraction in (0, 1], "
                         f"given {fraction}.")
    x = _image(image, "central_crop")
    if fraction == 1:
        return x
    h, w = x.shape[-3], x.shape[-2]
    top = int((h - h * fraction) / 2)
    left = int((w - w * fraction) / 2)
    return crop_to_bounding_box(x, top, left, h - 2 * top, w - 2 * left)


def flip_left_right(image) -> Tensor:
    """The image mirrored left to right (the width axis reversed).

    Args:
        image: (h, w, c) or (batch, h, w, c).

    Example:
        >>> numnet.image.flip_left_right([[[1.0], [2.0]]])[..., 0].tolist()
        [[2.0, 1.0]]
    """
    x = _image(image, "flip_left_right")
    return _move(x, lambda v: backend.xp.flip(v, axis=-2))


def flip_up_down(image) -> Tensor:
    """The image upside down (the height axis reversed).

    Args:
        image: (h, w, c) or (batch, h, w, c).

    Example:
        >>> numnet.image.flip_up_down([[[1.0]], [[2.0]]])[..., 0].tolist()
        [[2.0], [1.0]]
    """
    x = _image(image, "flip_up_down")
    return _move(x, lambda v: backend.xp.flip(v, axis=-3))


def transpose(image, name=None) -> Tensor:
    """Height and width swapped.

    Args:
        image: (h, w, c) or (batch, h, w, c).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.transpose(numnet.ones((2, 3, 1))).shape
        (3, 2, 1)
    """
    x = _image(image, "transpose")
    return _move(x, lambda v: backend.xp.swapaxes(v, -3, -2))


def rot90(image, k=1, name=None) -> Tensor:
    """The image turned counter-clockwise by k times 90 degrees.

    Args:
        image: (h, w, c) or (batch, h, w, c).
        k: the number of quarter turns. Defaults to ``1``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.rot90([[[1.0], [2.0]], [[3.0], [4.0]]])[..., 0].tolist()
        [[2.0, 4.0], [1.0, 3.0]]
    """
    x = _image(image, "rot90")
    turns = int(plain(k)) % 4
    return _move(x, lambda v: backend.xp.rot90(v, turns, axes=(-3, -2)).copy())


def _random_flip(image, seed, axis, where):
    x = _image(image, where)
    rng = _rng(seed)
    if x.ndim == 3:
        return _move(x, lambda v: backend.xp.flip(v, axis=axis)) if rng.random() < 0.5 else x
    flips = backend.to_device(rng.random(x.shape[0]) < 0.5)
    return _move(x, lambda v: backend.xp.where(flips[:, None, None, None],
                                               backend.xp.flip(v, axis=axis), v))


def random_flip_left_right(image, seed=None) -> Tensor:
    """Each image mirrored left to right with probability 1/2 (each of a batch on its own).

    Args:
        image: (h, w, c) or (batch, h, w, c).
        seed: an int for a repeatable choice. Defaults to ``None``.

    Example:
        >>> numnet.image.random_flip_left_right(numnet.ones((2, 2, 1)), seed=1).shape
        (2, 2, 1)
    """
    return _random_flip(image, seed, -2, "random_flip_left_right")


def random_flip_up_down(image, seed=None) -> Tensor:
    """Each image turned upside down with probability 1/2.

    Args:
        image: (h, w, c) or (batch, h, w, c).
        seed: an int for a repeatable choice. Defaults to ``None``.

    Example:
        >>> numnet.image.random_flip_up_down(numnet.ones((2, 2, 1)), seed=1).shape
        (2, 2, 1)
    """
    return _random_flip(image, seed, -3, "random_flip_up_down")


def random_crop(value, size, seed=None, name=None) -> Tensor:
    """A box of ``size`` (one entry per axis of value) at a random offset.

    Args:
        value: a Tensor.
        size: the box's size, one per axis.
        seed: an int for a repeatable crop. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Raises:
        ValueError: the box is larger than value.

    Example:
        >>> numnet.image.random_crop(numnet.ones((8, 8, 3)), [4, 4, 3]).shape
        (4, 4, 3)
    """
    x = to_tensor(value)
    size = [int(s) for s in plain(size)]
    if len(size) != x.ndim or any(s > n or s < 0 for s, n in zip(size, x.shape)):
        raise ValueError(f"random_crop(size): expected one size per axis of {x.shape}, none "
                         f"larger; given {size}.")
    rng = _rng(seed)
    starts = [int(rng.integers(0, n - s + 1)) for s, n in zip(size, x.shape)]
    index = tuple(slice(a, a + s) for a, s in zip(starts, size))
    return _ops.getitem(x, index) if x.dtype.kind in "fc" else Tensor(x.value[index])


def adjust_brightness(image, delta) -> Tensor:
    """image + delta (for float images in [0, 1]; integer images are converted and back).

    Args:
        image: a Tensor.
        delta: the amount added.

    Example:
        >>> numnet.image.adjust_brightness([[[0.5]]], 0.25)[..., 0].tolist()
        [[0.75]]
    """
    x = to_tensor(image)
    if x.dtype.kind != "f":
        as_float = convert_image_dtype(x, np.float32)
        return convert_image_dtype(_ops.add(as_float, float(plain(delta))), x.dtype,
                                   saturate=True)
    return _ops.add(x, Tensor(backend.xp.asarray(plain(delta), dtype=x.dtype)))


def adjust_contrast(images, contrast_factor) -> Tensor:
    """(x - mean) * contrast_factor + mean, the mean of each channel of each image.

    Args:
        images: (h, w, c) or (batch, h, w, c).
        contrast_factor: the multiplier of the deviations.

    Example:
        >>> numnet.image.adjust_contrast([[[0.0], [1.0]]], 2.0)[..., 0].tolist()
        [[-0.5, 1.5]]
    """
    xf, dtype = _float_image(_image(images, "adjust_contrast"))
    mean = _ops.mean(xf, axis=(-3, -2), keepdims=True)
    out = _ops.add(_ops.multiply(_ops.subtract(xf, mean), float(plain(contrast_factor))), mean)
    return convert_image_dtype(out, dtype, saturate=True)


def saturate(x: Tensor, dtype) -> Tensor:
    info = np.iinfo(dtype)
    return Tensor(backend.xp.clip(backend.xp.round(x.value), info.min, info.max).astype(dtype))


def adjust_gamma(image, gamma=1, gain=1) -> Tensor:
    """gain * image^gamma (for images in [0, 1]).

    Args:
        image: a Tensor.
        gamma: the exponent. Defaults to ``1``.
        gain: the factor. Defaults to ``1``.

    Example:
        >>> numnet.image.adjust_gamma([[[0.25]]], gamma=0.5)[..., 0].tolist()
        [[0.5]]
    """
    if float(plain(gamma)) < 0:
        raise ValueError(f"adjust_gamma(gamma): Gamma should be a non-negative real number, "
                         f"given {plain(gamma)}.")
    x, dtype = _float_image(image)
    out = _ops.multiply(_ops.power(x, float(plain(gamma))), float(plain(gain)))
    return convert_image_dtype(out, dtype, saturate=True)


def random_brightness(image, max_delta, seed=None) -> Tensor:
    """adjust_brightness by a delta drawn uniformly from [-max_delta, max_delta).

    Args:
        image: a Tensor.
        max_delta: the largest change, >= 0.
        seed: an int for a repeatable draw. Defaults to ``None``.

    Example:
        >>> numnet.image.random_brightness(numnet.zeros((2, 2, 1)), 0.1, seed=0).shape
        (2, 2, 1)
    """
    max_delta = float(plain(max_delta))
    if max_delta < 0:
        raise ValueError(f"random_brightness(max_delta): must be non-negative, given "
                         f"{max_delta}.")
    return adjust_brightness(image, float(_rng(seed).uniform(-max_delta, max_delta)))


def random_contrast(image, lower, upper, seed=None) -> Tensor:
    """adjust_contrast by a factor drawn uniformly from [lower, upper).

    Args:
        image: (h, w, c) or (batch, h, w, c).
        lower: the smallest factor, >= 0.
        upper: the largest factor, > lower.
        seed: an int for a repeatable draw. Defaults to ``None``.

    Example:
        >>> numnet.image.random_contrast(numnet.zeros((2, 2, 1)), 0.5, 1.5, seed=0).shape
        (2, 2, 1)
    """
    lower, upper = float(plain(lower)), float(plain(upper))
    if not 0 <= lower < upper:
        raise ValueError(f"random_contrast: expected 0 <= lower < upper, given {lower}, "
                         f"{upper}.")
    return adjust_contrast(image, float(_rng(seed).uniform(lower, upper)))


def rgb_to_grayscale(images, name=None) -> Tensor:
    """Luma 0.2989 R + 0.5870 G + 0.1140 B, keeping a last axis of 1.

    Args:
        images: (..., 3).
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.image.rgb_to_grayscale([[[1.0, 1.0, 1.0]]])[0, 0, 0]), 4)
        0.9999
    """
    x = to_tensor(images)
    xf = convert_image_dtype(x, np.float32)  # integer pixels scaled to [0, 1], as TensorFlow's
    weights = Tensor(backend.xp.asarray([0.2989, 0.5870, 0.1140], dtype=xf.dtype))
    gray = _ops.sum(_ops.multiply(xf, weights), axis=-1, keepdims=True)
    return convert_image_dtype(gray, x.dtype)


def grayscale_to_rgb(images, name=None) -> Tensor:
    """The one channel repeated three times.

    Args:
        images: (..., 1).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.grayscale_to_rgb([[[0.5]]]).shape
        (1, 1, 3)
    """
    x = to_tensor(images)
    if x.shape[-1] != 1:
        raise ValueError(f"grayscale_to_rgb(images): expected one channel, given shape "
                         f"{x.shape}.")
    return _move(x, lambda v: backend.xp.concatenate([v, v, v], axis=-1))


def convert_image_dtype(image, dtype, saturate=False, name=None) -> Tensor:
    """Convert between integer pixels (0 .. the type's max) and float pixels in [0, 1]:
    uint8 -> float32 divides by 255, float -> uint8 multiplies by 255.5 and truncates
    (TensorFlow's rule); float -> float and int -> int keep the scale.

    Args:
        image: a Tensor.
        dtype: the target dtype.
        saturate: clip before casting (for float -> int). Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.convert_image_dtype(numnet.constant([255], numnet.uint8),
        ...                                  numnet.float32).tolist()
        [1.0]
    """
    x = to_tensor(image)
    target = np.dtype(dtype)
    src = x.dtype
    if src == target:
        return x
    if src.kind == "f" and target.kind == "f":
        return _ops.cast(x, target)
    if src.kind in "iu" and target.kind == "f":
        scale = 1.0 / np.iinfo(src).max
        return _ops.multiply(_ops.cast(x, target), scale)
    if src.kind == "f" and target.kind in "iu":
        info = np.iinfo(target)
        v = x.value * src.type(info.max + 0.5)  # in the image's float type, as TensorFlow's
        if saturate:
            return Tensor(_saturate_cast(v, target))
        with np.errstate(invalid="ignore"):  # out of range wraps, as TensorFlow's cast
            return Tensor(v.astype(target))
    if src.kind in "iu" and target.kind in "iu":  # TensorFlow's integer rescaling
        scale_in, scale_out = int(np.iinfo(src).max), int(np.iinfo(target).max)
        if scale_in > scale_out:
            v = x.value // src.type((scale_in + 1) // (scale_out + 1))
            return Tensor(_saturate_cast(v, target) if saturate else v.astype(target))
        v = _saturate_cast(x.value, target) if saturate else x.value.astype(target)
        return Tensor(v * target.type((scale_out + 1) // (scale_in + 1)))
    raise TypeError(f"convert_image_dtype: cannot convert {src} to {target}.")


def _saturate_cast(v, target: np.dtype):
    """``v`` clipped to the range of ``target`` (bounds as ``v``'s type can hold them, within
    the range: float32's largest below 2**31 for int32) and cast, as TensorFlow's
    saturate_cast."""
    xp = backend.xp
    info = np.iinfo(target)
    src = np.dtype(v.dtype)
    if src.kind == "f":
        hi, lo = src.type(info.max), src.type(info.min)
        if float(hi) > info.max:
            hi = np.nextafter(hi, src.type(-np.inf))
        if float(lo) < info.min:
            lo = np.nextafter(lo, src.type(np.inf))
        return xp.clip(v, lo, hi).astype(target)
    src_info = np.iinfo(src)
    lo, hi = max(info.min, src_info.min), min(info.max, src_info.max)
    return xp.clip(v, src.type(lo), src.type(hi)).astype(target)


def _float_image(image):
    """TensorFlow's colour adjustments: float16 / float32 images as they are, others (integer
    pixels, float64) through convert_image_dtype to float32. Returns (float image, dtype)."""
    x = to_tensor(image)
    if x.dtype in (np.float16, np.float32):
        return x, x.dtype
    return convert_image_dtype(x, np.float32), x.dtype


def per_image_standardization(image) -> Tensor:
    """Each image scaled to mean 0 and variance 1: (x - mean) / max(stddev, 1/sqrt(N)),
    over its pixels and channels (N of them).

    Args:
        image: (h, w, c) or (batch, h, w, c).

    Example:
        >>> numnet.image.per_image_standardization([[[1.0], [3.0]]])[..., 0].tolist()
        [[-1.0, 1.0]]
    """
    x = _image(image, "per_image_standardization")
    x = x if x.dtype.kind == "f" else _ops.cast(x, np.float32)
    axes = (-3, -2, -1)
    n = x.shape[-3] * x.shape[-2] * x.shape[-1]
    mean = _ops.mean(x, axis=axes, keepdims=True)
    centred = _ops.subtract(x, mean)
    std = _ops.sqrt(_ops.mean(_ops.square(centred), axis=axes, keepdims=True))
    return _ops.divide(centred, _ops.maximum(std, float(1 / np.sqrt(n))))


def rgb_to_hsv(images, name=None) -> Tensor:
    """RGB in [0, 1] to HSV, each in [0, 1] (forward only).

    Args:
        images: (..., 3) floats.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.rgb_to_hsv([[[1.0, 0.0, 0.0]]]).tolist()
        [[[0.0, 1.0, 1.0]]]
    """
    v = array(to_float(images)).astype(np.float64)
    r, g, b = v[..., 0], v[..., 1], v[..., 2]
    high, low = v.max(-1), v.min(-1)
    span = high - low
    safe = np.where(span == 0, 1, span)
    hue = np.where(high == r, (g - b) / safe, np.where(high == g, 2 + (b - r) / safe,
                                                       4 + (r - g) / safe))
    hue = np.where(span == 0, 0, (hue / 6) % 1)
    sat = np.where(high == 0, 0, span / np.where(high == 0, 1, high))
    out = np.stack([hue, sat, high], axis=-1)
    return Tensor(backend.to_device(out.astype(to_float(images).dtype)))


def hsv_to_rgb(images, name=None) -> Tensor:
    """HSV in [0, 1] to RGB in [0, 1] (forward only).

    Args:
        images: (..., 3) floats.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.hsv_to_rgb([[[0.0, 1.0, 1.0]]]).tolist()
        [[[1.0, 0.0, 0.0]]]
    """
    x = to_float(images)
    v = array(x).astype(np.float64)
    h, s, val = v[..., 0] * 6, v[..., 1], v[..., 2]
    c = val * s
    # each channel: value - c * clip(min(k, 4 - k), 0, 1), k = (n + h) mod 6 (n = 5, 3, 1)
    channels = []
    for n in (5, 3, 1):
        k = (n + h) % 6
        channels.append(val - c * np.clip(np.minimum(k, 4 - k), 0, 1))
    return Tensor(backend.to_device(np.stack(channels, axis=-1).astype(x.dtype)))


def adjust_saturation(image, saturation_factor, name=None) -> Tensor:
    """The saturation (in HSV) multiplied by ``saturation_factor`` and clipped to [0, 1]
    (forward only).

    Args:
        image: (..., 3) RGB floats in [0, 1].
        saturation_factor: the multiplier.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.adjust_saturation([[[1.0, 0.5, 0.5]]], 0.0)[0, 0].tolist()
        [1.0, 1.0, 1.0]
    """
    xf, dtype = _float_image(image)
    hsv = array(rgb_to_hsv(xf))
    hsv[..., 1] = np.clip(hsv[..., 1] * float(plain(saturation_factor)), 0, 1)
    return convert_image_dtype(hsv_to_rgb(hsv), dtype)


def adjust_hue(image, delta, name=None) -> Tensor:
    """The hue (in HSV) turned by ``delta`` (a fraction of the circle, in [-1, 1]; forward
    only).

    Args:
        image: (..., 3) RGB floats in [0, 1].
        delta: the turn.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.adjust_hue([[[1.0, 0.0, 0.0]]], 1 / 3)[0, 0].numpy().round(4).tolist()
        [0.0, 1.0, 0.0]
    """
    if not -1 <= float(plain(delta)) <= 1:
        raise ValueError(f"adjust_hue(delta): delta must be in the interval [-1, 1], given "
                         f"{plain(delta)}.")
    xf, dtype = _float_image(image)
    return convert_image_dtype(Tensor(backend.to_device(_turn_hue(array(xf), delta))), dtype)


def _turn_hue(v: np.ndarray, delta) -> np.ndarray:
    """TensorFlow's AdjustHue kernel in float32: each pixel's hue (in sixths of the circle,
    from its largest, middle and smallest channel) turned by ``delta``; the largest and
    smallest channel values are kept exactly, the middle one recomputed."""
    v = v.astype(np.float32)
    r, g, b = v[..., 0], v[..., 1], v[..., 2]
    cat = np.where(r < g, np.where(b < r, 1, np.where(b > g, 3, 2)),
                   np.where(b < g, 0, np.where(b > r, 4, 5)))
    hi = np.max(v, axis=-1)
    lo = np.min(v, axis=-1)
    mid = np.choose(cat, [g, r, b, g, r, b])
    span = hi - lo
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (mid - lo) / span
    ratio = np.where(cat % 2 == 0, ratio, np.float32(1) - ratio)
    h = np.where(hi == lo, np.float32(0), cat.astype(np.float32) + ratio).astype(np.float32)
    h = h + np.float32(float(plain(delta)) * 6)
    h = np.where(h < 0, h + np.float32(6), h)
    h = np.where(h >= 6, h - np.float32(6), h).astype(np.float32)
    cat = np.clip(h.astype(np.int64), 0, 5)
    ratio = h - cat.astype(np.float32)
    ratio = np.where(cat % 2 == 0, ratio, np.float32(1) - ratio)
    mid = (lo + ratio * (hi - lo)).astype(np.float32)
    rgb = [np.choose(cat, [hi, mid, lo, lo, mid, hi]),
           np.choose(cat, [mid, hi, hi, mid, lo, lo]),
           np.choose(cat, [lo, lo, mid, hi, hi, mid])]
    return np.stack(rgb, axis=-1).astype(np.float32)


def random_saturation(image, lower, upper, seed=None) -> Tensor:
    """adjust_saturation by a factor drawn uniformly from [lower, upper).

    Args:
        image: RGB floats.
        lower: the smallest factor, >= 0.
        upper: the largest factor, > lower.
        seed: an int for a repeatable draw. Defaults to ``None``.

    Example:
        >>> numnet.image.random_saturation(numnet.ones((1, 1, 3)), 0.5, 1.5, seed=0).shape
        (1, 1, 3)
    """
    return adjust_saturation(image, float(_rng(seed).uniform(float(lower), float(upper))))


def random_hue(image, max_delta, seed=None) -> Tensor:
    """adjust_hue by a delta drawn uniformly from [-max_delta, max_delta), max_delta <= 0.5.

    Args:
        image: RGB floats.
        max_delta: the largest turn, in [0, 0.5].
        seed: an int for a repeatable draw. Defaults to ``None``.

    Example:
        >>> numnet.image.random_hue(numnet.ones((1, 1, 3)), 0.1, seed=0).shape
        (1, 1, 3)
    """
    max_delta = float(plain(max_delta))
    if not 0 <= max_delta <= 0.5:
        raise ValueError(f"random_hue(max_delta): expected [0, 0.5], given {max_delta}.")
    return adjust_hue(image, float(_rng(seed).uniform(-max_delta, max_delta)))


def extract_patches(images, sizes, strides, rates, padding, name=None) -> Tensor:
    """The patches of each image, each flattened into the channel axis: (batch, out_h,
    out_w, kh * kw * c), the patch's pixels in row-major order. The gradient adds back into
    the pixels (a pixel in several patches gets all their gradients).

    Args:
        images: (batch, h, w, c).
        sizes: [1, kh, kw, 1].
        strides: [1, sh, sw, 1].
        rates: [1, rh, rw, 1]: the spacing of a patch's pixels.
        padding: "VALID" or "SAME" (zeros).
        name: ignored. Defaults to ``None``.

    Example:
        >>> x = numnet.reshape(numnet.range(16.0), (1, 4, 4, 1))
        >>> numnet.image.extract_patches(x, [1, 2, 2, 1], [1, 2, 2, 1], [1, 1, 1, 1],
        ...                              "VALID")[0, 0, 0].tolist()
        [0.0, 1.0, 4.0, 5.0]
    """
    from ..autodiff.ops import window_geometry

    x = to_tensor(images)
    if x.ndim != 4:
        raise ValueError(f"extract_patches(images): expected (batch, h, w, c), given {x.shape}.")
    kh, kw = (int(v) for v in plain(sizes)[1:3])
    sh, sw = (int(v) for v in plain(strides)[1:3])
    rh, rw = (int(v) for v in plain(rates)[1:3])
    mode = str(padding).lower()
    b, h, w, c = x.shape
    oh, top, bottom = window_geometry(h, kh, sh, rh, mode)
    ow, left, right = window_geometry(w, kw, sw, rw, mode)
    rows = (np.arange(oh)[:, None] * sh + np.arange(kh)[None, :] * rh)  # (oh, kh)
    cols = (np.arange(ow)[:, None] * sw + np.arange(kw)[None, :] * rw)  # (ow, kw)
    r_index = backend.to_device(rows[:, None, :, None])
    c_index = backend.to_device(cols[None, :, None, :])

    def rearrange(v):
        padded = backend.xp.pad(v, ((0, 0), (top, bottom), (left, right), (0, 0)))
        patches = padded[:, r_index, c_index, :]  # (b, oh, ow, kh, kw, c)
        return patches.reshape(b, oh, ow, kh * kw * c)

    return _move(x, rearrange)


def image_gradients(image) -> tuple:
    """(dy, dx): each pixel's difference to the one below and to the right (0 on the last
    row / column).

    Args:
        image: (batch, h, w, c).

    Example:
        >>> dy, dx = numnet.image.image_gradients(numnet.reshape(numnet.range(4.0), (1, 2, 2, 1)))
        >>> dy[0, :, :, 0].tolist(), dx[0, :, :, 0].tolist()
        ([[2.0, 2.0], [0.0, 0.0]], [[1.0, 0.0], [1.0, 0.0]])
    """
    x = to_float(image)
    if x.ndim != 4:
        raise ValueError(f"image_gradients(image): expected (batch, h, w, c), given {x.shape}.")
    dy = _ops.subtract(x[:, 1:], x[:, :-1])
    dx = _ops.subtract(x[:, :, 1:], x[:, :, :-1])
    b, h, w, c = x.shape
    dy = _ops.concatenate([dy, Tensor(backend.xp.zeros((b, 1, w, c), dtype=x.dtype))], axis=1)
    dx = _ops.concatenate([dx, Tensor(backend.xp.zeros((b, h, 1, c), dtype=x.dtype))], axis=2)
    return dy, dx


def total_variation(images, name=None) -> Tensor:
    """The sum of absolute differences between neighbouring pixels, per image.

    Args:
        images: (h, w, c) or (batch, h, w, c).
        name: ignored. Defaults to ``None``.

    Example:
        >>> float(numnet.image.total_variation([[[0.0], [1.0]], [[1.0], [1.0]]]))
        2.0
    """
    x = to_float(_image(images, "total_variation"))
    axes = (-3, -2, -1)
    down = _ops.abs(_ops.subtract(x[..., 1:, :, :], x[..., :-1, :, :]))
    across = _ops.abs(_ops.subtract(x[..., :, 1:, :], x[..., :, :-1, :]))
    return _ops.add(_ops.sum(down, axis=axes), _ops.sum(across, axis=axes))


def psnr(a, b, max_val, name=None) -> Tensor:
    """The peak signal-to-noise ratio 10 log10(max_val^2 / mse) of each image pair, in dB.

    Args:
        a: images (..., h, w, c).
        b: images of a's shape.
        max_val: the largest possible pixel value (1.0 or 255).
        name: ignored. Defaults to ``None``.

    Example:
        >>> round(float(numnet.image.psnr(numnet.zeros((2, 2, 1)),
        ...                               numnet.fill((2, 2, 1), 0.1), 1.0)), 4)
        20.0
    """
    x, y = to_float(a), to_float(b)
    mse = _ops.mean(_ops.square(_ops.subtract(x, y)), axis=(-3, -2, -1))
    ratio = _ops.divide(float(plain(max_val)) ** 2, mse)
    return _ops.multiply(_ops.log(ratio), float(10 / np.log(10)))


def _gaussian(size: int, sigma: float, dtype) -> np.ndarray:
    coords = np.arange(size, dtype=np.float64) - (size - 1) / 2
    g = np.exp(-coords ** 2 / (2 * sigma ** 2))
    g /= g.sum()
    return np.outer(g, g).astype(dtype)


def ssim(img1, img2, max_val, filter_size=11, filter_sigma=1.5, k1=0.01, k2=0.03,
         return_index_map=False) -> Tensor:
    """The structural similarity of each image pair (mean over pixels and channels), with
    TensorFlow's Gaussian window ("VALID" filtering): luminance (2 mu_x mu_y + C1) /
    (mu_x^2 + mu_y^2 + C1) times contrast-structure (2 s_xy + C2) / (s_x^2 + s_y^2 + C2),
    C1 = (k1 max_val)^2, C2 = (k2 max_val)^2.

    Args:
        img1: images (..., h, w, c).
        img2: images of img1's shape.
        max_val: the largest possible pixel value.
        filter_size: the Gaussian window's size. Defaults to ``11``.
        filter_sigma: its width. Defaults to ``1.5``.
        k1: the luminance constant. Defaults to ``0.01``.
        k2: the contrast constant. Defaults to ``0.03``.
        return_index_map: return the map instead of its mean. Defaults to ``False``.

    Example:
        >>> x = numnet.random.uniform((16, 16, 1), seed=0)
        >>> round(float(numnet.image.ssim(x, x, 1.0)), 4)
        1.0
    """
    from ..layers.convolutional_more import depthwise_conv

    x, y = to_float(img1), to_float(img2)
    single = x.ndim == 3
    if single:
        x, y = _ops.reshape(x, (1,) + x.shape), _ops.reshape(y, (1,) + y.shape)
    lead = x.shape[:-3]
    x = _ops.reshape(x, (-1,) + x.shape[-3:])
    y = _ops.reshape(y, (-1,) + y.shape[-3:])
    c = x.shape[-1]
    size = min(int(filter_size), x.shape[1], x.shape[2])
    window = _gaussian(size, float(filter_sigma), x.dtype)
    kernel = Tensor(backend.to_device(np.repeat(window[:, :, None, None], c, axis=2)))

    def blur(t):
        return depthwise_conv(t, kernel, (1, 1), "valid", (1, 1))

    c1 = (float(k1) * float(plain(max_val))) ** 2
    c2 = (float(k2) * float(plain(max_val))) ** 2
    mu_x, mu_y = blur(x), blur(y)
    mu_xx, mu_yy, mu_xy = (_ops.multiply(mu_x, mu_x), _ops.multiply(mu_y, mu_y),
                           _ops.multiply(mu_x, mu_y))
    var_x = _ops.subtract(blur(_ops.multiply(x, x)), mu_xx)
    var_y = _ops.subtract(blur(_ops.multiply(y, y)), mu_yy)
    cov = _ops.subtract(blur(_ops.multiply(x, y)), mu_xy)
    luminance = _ops.divide(_ops.add(_ops.multiply(mu_xy, 2.0), c1),
                            _ops.add(_ops.add(mu_xx, mu_yy), c1))
    structure = _ops.divide(_ops.add(_ops.multiply(cov, 2.0), c2),
                            _ops.add(_ops.add(var_x, var_y), c2))
    index_map = _ops.multiply(luminance, structure)
    if return_index_map:
        out = _ops.reshape(index_map, lead + index_map.shape[1:])
    else:
        out = _ops.reshape(_ops.mean(index_map, axis=(1, 2, 3)), lead)
    return _ops.reshape(out, out.shape[1:]) if single and not lead[1:] and out.ndim else out


def _decoded(contents, channels, where):
    try:
        from PIL import Image
    except ImportError:
        raise ImportError(f"{where} needs Pillow to decode images: pip install pillow") \
            from None
    import io

    data = np.asarray(contents.numpy()).item() if isinstance(contents, Tensor) else contents
    if isinstance(data, str):
        data = data.encode("latin-1")
    try:
        picture = Image.open(io.BytesIO(bytes(data)))
        picture.load()
    except Exception as e:  # Pillow's errors differ by format: one error for all
        raise InvalidArgumentError(None, None, f"{where}: the bytes are not an image Pillow "
                                               f"can read ({type(e).__name__}: {e}).") from None
    channels = int(channels or 0)
    mode = {1: "L", 3: "RGB", 4: "RGBA"}.get(channels)
    if mode is None and channels:
        raise ValueError(f"{where}(channels): expected 0, 1, 3 or 4, given {channels}.")
    if mode is None:
        mode = picture.mode if picture.mode in ("L", "RGB", "RGBA") else "RGB"
    pixels = np.asarray(picture.convert(mode), dtype=np.uint8)
    if pixels.ndim == 2:
        pixels = pixels[:, :, None]
    return Tensor(backend.to_device(pixels.copy()))


def decode_image(contents, channels=None, dtype=np.uint8, name=None, expand_animations=True):
    """The pixels of an encoded image (JPEG, PNG, GIF, BMP) as (h, w, channels) uint8 (or
    ``dtype``, scaled by convert_image_dtype). Needs Pillow.

    Args:
        contents: the file's bytes (a string Tensor from tf.io.read_file, or bytes).
        channels: 0/None (as stored), 1, 3 or 4. Defaults to ``None``.
        dtype: uint8, or a float type for [0, 1]. Defaults to ``tf.uint8``.
        name: ignored. Defaults to ``None``.
        expand_animations: accepted (the first frame is read). Defaults to ``True``.

    Example:
        >>> png = numnet.image.encode_png(numnet.zeros((2, 2, 3), numnet.uint8))
        >>> numnet.image.decode_image(png).shape
        (2, 2, 3)
    """
    out = _decoded(contents, channels, "decode_image")
    return out if np.dtype(dtype) == np.uint8 else convert_image_dtype(out, dtype)


def decode_jpeg(contents, channels=0, ratio=1, fancy_upscaling=True,
                try_recover_truncated=False, acceptable_fraction=1, dct_method="", name=None):
    """The pixels of a JPEG as (h, w, channels) uint8. Needs Pillow.

    Args:
        contents: the file's bytes.
        channels: 0 (as stored), 1 or 3. Defaults to ``0``.
        ratio: accepted as TensorFlow's. Defaults to ``1``.
        fancy_upscaling: accepted. Defaults to ``True``.
        try_recover_truncated: accepted. Defaults to ``False``.
        acceptable_fraction: accepted. Defaults to ``1``.
        dct_method: accepted. Defaults to ``""``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.decode_jpeg(numnet.image.encode_jpeg(numnet.zeros((2, 2, 3),
        ...                                                   numnet.uint8))).shape
        (2, 2, 3)
    """
    return _decoded(contents, channels, "decode_jpeg")


def decode_png(contents, channels=0, dtype=np.uint8, name=None):
    """The pixels of a PNG as (h, w, channels) uint8. Needs Pillow.

    Args:
        contents: the file's bytes.
        channels: 0 (as stored), 1, 3 or 4. Defaults to ``0``.
        dtype: uint8. Defaults to ``tf.uint8``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.decode_png(numnet.image.encode_png(numnet.zeros((2, 2, 1),
        ...                                                 numnet.uint8))).shape
        (2, 2, 1)
    """
    return _decoded(contents, channels, "decode_png")


def _encoded(image, fmt, **kwargs) -> Tensor:
    try:
        from PIL import Image
    except ImportError:
        raise ImportError("encoding images needs Pillow: pip install pillow") from None
    import io

    pixels = array(to_tensor(image))
    if pixels.dtype != np.uint8:
        raise ValueError(f"encode_{fmt.lower()}(image): expected uint8 pixels, given "
                         f"{pixels.dtype}; convert with tf.image.convert_image_dtype.")
    if pixels.ndim != 3 or pixels.shape[-1] not in (1, 3, 4):
        raise ValueError(f"encode_{fmt.lower()}(image): expected (h, w, 1, 3 or 4), given "
                         f"{pixels.shape}.")
    picture = Image.fromarray(pixels[..., 0] if pixels.shape[-1] == 1 else pixels)
    buffer = io.BytesIO()
    picture.save(buffer, format=fmt, **kwargs)
    return string_tensor(buffer.getvalue())


def encode_png(image, compression=-1, name=None) -> Tensor:
    """The PNG bytes of a uint8 image, as a string Tensor. Needs Pillow.

    Args:
        image: (h, w, c) uint8.
        compression: 0-9, or -1 for the default. Defaults to ``-1``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.image.encode_png(numnet.zeros((1, 1, 1), numnet.uint8)).numpy()[:4]
        b'\\x89PNG'
    """
    level = int(compression)
    return _encoded(image, "PNG", **({} if level < 0 else {"compress_level": level}))


def encode_jpeg(image, format="", quality=95, name=None, **kwargs) -> Tensor:  # noqa: A002
    """The JPEG bytes of a uint8 image, as a string Tensor. Needs Pillow.

    Args:
        image: (h, w, 1 or 3) uint8.
        format: accepted as TensorFlow's. Defaults to ``""``.
        quality: 0-100. Defaults to ``95``.
        name: ignored. Defaults to ``None``.
        **kwargs: TensorFlow's other options, accepted.

    Example:
        >>> numnet.image.encode_jpeg(numnet.zeros((1, 1, 3), numnet.uint8)).numpy()[:2]
        b'\\xff\\xd8'
    """
    return _encoded(image, "JPEG", quality=int(quality))


def _stateless_factor(seed, low: float, high: float, where: str) -> float:
    """TensorFlow's stateless_random_uniform([], low, high, seed): the factor its stateless
    image ops draw."""
    from .random_ops import _tf_uniform

    return float(_tf_uniform(seed, (), low, high, np.float32, where))


def _stateless_flip(image, seed, flip, where: str) -> Tensor:
    # as TensorFlow: one image flips when its draw is below 0.5; a batch draws one number an
    # image and flips those that round to 1
    from .random_ops import _tf_uniform

    x = _image(image, where)
    if x.ndim == 3:
        return flip(x) if _tf_uniform(seed, (), 0.0, 1.0, np.float32, where) < 0.5 else x
    draws = np.round(_tf_uniform(seed, (x.shape[0],), 0.0, 1.0, np.float32, where))
    flips = Tensor(backend.to_device(draws.reshape(-1, 1, 1, 1).astype(x.dtype)))
    return _ops.add(_ops.multiply(flips, flip(x)), _ops.multiply(_ops.subtract(1.0, flips), x))


def stateless_random_flip_left_right(image, seed) -> Tensor:
    """The image mirrored left to right or not, by ``seed`` (a pair of ints) alone, as
    TensorFlow: one image flips when stateless_uniform([], seed) < 0.5; a batch draws
    stateless_uniform([batch], seed) and flips the images whose draw rounds to 1.

    Args:
        image: (h, w, c) or (batch, h, w, c).
        seed: a pair of integers.

    Example:
        >>> numnet.image.stateless_random_flip_left_right(numnet.ones((2, 2, 1)), [1, 2]).shape
        (2, 2, 1)
    """
    return _stateless_flip(image, seed, flip_left_right, "stateless_random_flip_left_right")


def stateless_random_flip_up_down(image, seed) -> Tensor:
    """The image upside down or not, by ``seed`` alone, as TensorFlow (the draws of
    stateless_random_flip_left_right).

    Args:
        image: (h, w, c) or (batch, h, w, c).
        seed: a pair of integers.

    Example:
        >>> numnet.image.stateless_random_flip_up_down(numnet.ones((2, 2, 1)), [1, 2]).shape
        (2, 2, 1)
    """
    return _stateless_flip(image, seed, flip_up_down, "stateless_random_flip_up_down")


def stateless_random_brightness(image, max_delta, seed) -> Tensor:
    """adjust_brightness by delta = stateless_uniform([], -max_delta, max_delta, seed), as
    TensorFlow (the same delta for the same seed).

    Args:
        image: a Tensor.
        max_delta: the largest change.
        seed: a pair of integers.

    Example:
        >>> out = numnet.image.stateless_random_brightness(numnet.zeros((1, 1, 1)), 0.95, (0, 0))
        >>> round(float(out[0, 0, 0]), 4)
        -0.5491
    """
    delta = float(plain(max_delta))
    return adjust_brightness(image, _stateless_factor(seed, -delta, delta,
                                                      "stateless_random_brightness"))


def stateless_random_contrast(image, lower, upper, seed) -> Tensor:
    """adjust_contrast by a factor stateless_uniform([], lower, upper, seed), as TensorFlow.

    Args:
        image: (h, w, c) or (batch, h, w, c).
        lower: the smallest factor.
        upper: the largest factor.
        seed: a pair of integers.

    Example:
        >>> numnet.image.stateless_random_contrast(numnet.zeros((2, 2, 1)), 0.5, 1.5, [1, 2]).shape
        (2, 2, 1)
    """
    return adjust_contrast(image, _stateless_factor(seed, float(plain(lower)),
                                                    float(plain(upper)),
                                                    "stateless_random_contrast"))


def stateless_random_saturation(image, lower, upper, seed) -> Tensor:
    """adjust_saturation by a factor stateless_uniform([], lower, upper, seed), as
    TensorFlow.

    Args:
        image: RGB floats.
        lower: the smallest factor.
        upper: the largest factor.
        seed: a pair of integers.

    Example:
        >>> numnet.image.stateless_random_saturation(numnet.ones((1, 1, 3)), 0.5, 1.5, [1, 2]).shape
        (1, 1, 3)
    """
    return adjust_saturation(image, _stateless_factor(seed, float(plain(lower)),
                                                      float(plain(upper)),
                                                      "stateless_random_saturation"))


def stateless_random_hue(image, max_delta, seed) -> Tensor:
    """adjust_hue by delta = stateless_uniform([], -max_delta, max_delta, seed), as
    TensorFlow.

    Args:
        image: RGB floats.
        max_delta: the largest turn, in [0, 0.5].
        seed: a pair of integers.

    Example:
        >>> numnet.image.stateless_random_hue(numnet.ones((1, 1, 3)), 0.1, [1, 2]).shape
        (1, 1, 3)
    """
    delta = float(plain(max_delta))
    return adjust_hue(image, _stateless_factor(seed, -delta, delta, "stateless_random_hue"))


def stateless_random_crop(value, size, seed, name=None) -> Tensor:
    """A box of ``size`` at an offset drawn from ``seed`` alone, as TensorFlow: offset =
    stateless_uniform([rank], seed, maxval=2**31 - 1, dtype=int32) % (shape - size + 1).

    Args:
        value: a Tensor.
        size: the box's size, one per axis.
        seed: a pair of integers.
        name: ignored. Defaults to ``None``.

    Raises:
        ValueError: the box is larger than value.

    Example:
        >>> numnet.image.stateless_random_crop(numnet.ones((8, 8, 3)), [4, 4, 3], [1, 2]).shape
        (4, 4, 3)
    """
    from .random_ops import _tf_uniform

    x = to_tensor(value)
    size = [int(s) for s in plain(size)]
    if len(size) != x.ndim or any(s > n or s < 0 for s, n in zip(size, x.shape)):
        raise ValueError(f"stateless_random_crop(size): expected one size per axis of "
                         f"{x.shape}, none larger; given {size}.")
    draws = _tf_uniform(seed, (x.ndim,), 0, 2 ** 31 - 1, np.int32, "stateless_random_crop")
    starts = [int(d) % (n - s + 1) for d, s, n in zip(draws.tolist(), size, x.shape)]
    index = tuple(slice(a, a + s) for a, s in zip(starts, size))
    return _ops.getitem(x, index) if x.dtype.kind in "fc" else Tensor(x.value[index])


_YUV = np.array([[0.299, -0.14714119, 0.61497538],
                 [0.587, -0.28886916, -0.51496512],
                 [0.114, 0.43601035, -0.10001026]])


def rgb_to_yuv(images) -> Tensor:
    """RGB to YUV (a linear map of the last axis; differentiable).

    Args:
        images: (..., 3) floats.

    Example:
        >>> [round(v, 4) for v in numnet.image.rgb_to_yuv([[[1.0, 1.0, 1.0]]])[0, 0].tolist()]
        [1.0, 0.0, 0.0]
    """
    x = to_float(images)
    return _ops.matmul(x, Tensor(backend.to_device(_YUV.astype(x.dtype))))


def yuv_to_rgb(images) -> Tensor:
    """YUV to RGB, the inverse of rgb_to_yuv.

    Args:
        images: (..., 3) floats.

    Example:
        >>> [round(v, 4) for v in numnet.image.yuv_to_rgb([[[1.0, 0.0, 0.0]]])[0, 0].tolist()]
        [1.0, 1.0, 1.0]
    """
    x = to_float(images)
    return _ops.matmul(x, Tensor(backend.to_device(np.linalg.inv(_YUV).astype(x.dtype))))


def sobel_edges(image) -> Tensor:
    """The Sobel filters' responses (vertical, then horizontal gradient), reflect-padded:
    shape (batch, h, w, c, 2).

    Args:
        image: (batch, h, w, c).

    Example:
        >>> numnet.image.sobel_edges(numnet.ones((1, 3, 3, 1))).shape
        (1, 3, 3, 1, 2)
    """
    from ..layers.convolutional_more import depthwise_conv

    x = to_float(image)
    if x.ndim != 4:
        raise ValueError(f"sobel_edges(image): expected (batch, h, w, c), given {x.shape}.")
    c = x.shape[-1]
    dy = np.array([[-1, -2, -1], [0, 0, 0], [1, 2, 1]], dtype=np.float64)
    kernels = np.stack([dy, dy.T], axis=-1)  # (3, 3, 2)
    kernel = np.broadcast_to(kernels[:, :, None, :], (3, 3, c, 2)).astype(x.dtype)
    padded = _move(x, lambda v: backend.xp.pad(v, ((0, 0), (1, 1), (1, 1), (0, 0)),
                                               mode="reflect"))
    out = depthwise_conv(padded, Tensor(backend.to_device(np.ascontiguousarray(kernel))),
                         (1, 1), "valid", (1, 1))
    return _ops.reshape(out, x.shape + (2,))


IMAGE = {
    "ResizeMethod": ResizeMethod, "adjust_brightness": adjust_brightness,
    "adjust_contrast": adjust_contrast, "adjust_gamma": adjust_gamma, "adjust_hue": adjust_hue,
    "adjust_saturation": adjust_saturation, "central_crop": central_crop,
    "convert_image_dtype": convert_image_dtype, "crop_to_bounding_box": crop_to_bounding_box,
    "decode_image": decode_image, "decode_jpeg": decode_jpeg, "decode_png": decode_png,
    "encode_jpeg": encode_jpeg, "encode_png": encode_png, "extract_patches": extract_patches,
    "flip_left_right": flip_left_right, "flip_up_down": flip_up_down,
    "grayscale_to_rgb": grayscale_to_rgb, "hsv_to_rgb": hsv_to_rgb,
    "image_gradients": image_gradients, "pad_to_bounding_box": pad_to_bounding_box,
    "per_image_standardization": per_image_standardization, "psnr": psnr,
    "random_brightness": random_brightness, "random_contrast": random_contrast,
    "random_crop": random_crop, "random_flip_left_right": random_flip_left_right,
    "random_flip_up_down": random_flip_up_down, "random_hue": random_hue,
    "random_saturation": random_saturation, "resize": resize,
    "resize_with_crop_or_pad": resize_with_crop_or_pad, "resize_with_pad": resize_with_pad,
    "rgb_to_grayscale": rgb_to_grayscale, "rgb_to_hsv": rgb_to_hsv, "rot90": rot90,
    "ssim": ssim, "total_variation": total_variation, "transpose": transpose,
    "rgb_to_yuv": rgb_to_yuv, "yuv_to_rgb": yuv_to_rgb, "sobel_edges": sobel_edges,
    "stateless_random_brightness": stateless_random_brightness,
    "stateless_random_contrast": stateless_random_contrast,
    "stateless_random_crop": stateless_random_crop,
    "stateless_random_flip_left_right": stateless_random_flip_left_right,
    "stateless_random_flip_up_down": stateless_random_flip_up_down,
    "stateless_random_hue": stateless_random_hue,
    "stateless_random_saturation": stateless_random_saturation,
}
"""The functions of ``tf.image``."""

# As in tf.keras 2, these functions called on the symbolic tensors of a functional model
# (``tf.image.resize(keras.Input((None, None, 3)), (224, 224))``) record a node of its graph,
# which calls the function again on real tensors when the model runs; the random ones draw anew
# at each call then. Decoding and encoding take bytes, never symbolic tensors.
for _name in [name for name in IMAGE if name not in (
        "ResizeMethod", "decode_image", "decode_jpeg", "decode_png", "encode_jpeg",
        "encode_png")]:
    IMAGE[_name] = symbolic_op(IMAGE[_name], name="tf.image." + _name)
del _name
