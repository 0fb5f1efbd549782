"""Colour augmentations of Keras 3: RandomColorDegeneration, RandomPosterization,
RandomSharpness, RandomSaturation, RandomHue, RandomGaussianBlur and Equalization (channels
last; active in training only, as numnet's other image layers)."""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from .image import _RandomImageLayer
from .image_augment import _device, _rescale, _value_range


def _factor(factor, bounds, where: str) -> tuple:
    """Keras's factor: a number f gives (max(-|f|, low), |f|), a pair is sorted; numbers in
    ``bounds``."""
    def number(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    low, high = bounds
    if number(factor) and low <= factor <= high:
        f = abs(float(factor))
        return max(-f, low), f
    if isinstance(factor, (tuple, list)) and len(factor) == 2 and all(map(number, factor)) \
            and not (factor[0] > high or factor[1] < low):
        lower, upper = sorted(float(v) for v in factor)
        return lower, upper
    raise ValueError(f"{where}: expected a number in [{low}, {high}] or a pair (lower, upper) "
                     f"of them, given {factor!r}.")


def _grayscale(images: Tensor) -> Tensor:
    """0.2989 R + 0.5870 G + 0.1140 B on a last axis of 1 (images of one channel as they are)."""
    if images.shape[-1] == 1:
        return images
    weights = _device([0.2989, 0.5870, 0.1140], images.dtype)
    return ops.sum(ops.multiply(images, weights), axis=-1, keepdims=True)


class RandomColorDegeneration(_RandomImageLayer):
    """In training, blends each image with its grayscale: out = clip(x + f (gray - x),
    value_range), f drawn per image uniformly from ``factor`` (f = 1: grayscale; negative f
    saturates), as Keras.

    Args:
        factor: a number f in [-1, 1] (f drawn from [-|f|, |f|]) or a pair (lower, upper).
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> layer = numnet.layers.RandomColorDegeneration((1.0, 1.0))
        >>> layer(np.array([[[[255.0, 0.0, 0.0]]]]), training=True).numpy().round(2)
        array([[[[76.22, 76.22, 76.22]]]], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed: int | None = None,
                 **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor(factor, (-1, 1), "RandomColorDegeneration(factor)")
        self.value_range = _value_range(value_range, "RandomColorDegeneration(value_range)")

    def _augment(self, images):
        f = _device(self._uniform(*self.factor, images.shape[0]).reshape(-1, 1, 1, 1),
                    images.dtype)
        out = ops.add(images, ops.multiply(f, ops.subtract(_grayscale(images), images)))
        return ops.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomPosterization(_RandomImageLayer):
    """In training, keeps only the top b bits of each 8-bit value (images mapped to [0, 255]
    and cut to integers first, then mapped back to ``value_range``), b drawn per image from
    ``factor`` (an integer from [lower, upper), or the one value when they are equal), as
    Keras. Not differentiable (the values are quantized).

    Args:
        factor: a number b in [1, 8] (b drawn from [1, b)) or a pair (lower, upper).
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> layer = numnet.layers.RandomPosterization((2, 2))  # keep 2 bits: multiples of 64
        >>> layer(np.array([[[[200.0, 63.0, 130.0]]]]), training=True).numpy()
        array([[[[192.,   0., 128.]]]], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed: int | None = None,
                 **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor(factor, (1, 8), "RandomPosterization(factor)")
        self.value_range = _value_range(value_range, "RandomPosterization(value_range)")

    def _augment(self, images):
        xp = backend.xp
        n = images.shape[0]
        low, high = int(self.factor[0]), int(self.factor[1])
        bits = (backend.to_device(self._generator().integers(low, high, n)) if low != high
                else xp.full(n, low)).astype(xp.uint8)
        shift = (8 - bits).reshape(-1, 1, 1, 1)
        values = _rescale(images, self.value_range, (0, 255)).value
        kept = ((values.astype(xp.uint8) >> shift) << shift).astype(values.dtype)
        return _rescale(Tensor(kept), (0, 255), self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomSharpness(_RandomImageLayer):
    """In training, sharpens or blurs: out = clip(x + (1 - s) (smooth(x) - x), value_range),
    s = 2 f with f drawn per image from ``factor`` (s = 1: unchanged, s < 1 blurs, s > 1
    sharpens), smooth the 3 x 3 filter [[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13 on each channel
    with zero padding, as Keras.

    Args:
        factor: a number f in [0, 1] (f drawn from [0, f]) or a pair (lower, upper).
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> layer = numnet.layers.RandomSharpness((0.5, 0.5))   # s = 1: unchanged
        >>> layer(np.full((1, 3, 3, 1), 100.0), training=True).numpy().ravel()[:3]
        array([100., 100., 100.], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed: int | None = None,
                 **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor(factor, (0, 1), "RandomSharpness(factor)")
        self.value_range = _value_range(value_range, "RandomSharpness(value_range)")

    def _augment(self, images):
        s = _device(2 * self._uniform(*self.factor, images.shape[0]).reshape(-1, 1, 1, 1),
                    images.dtype)
        h, w = images.shape[1:3]
        padded = ops.concatenate([Tensor(backend.xp.zeros((images.shape[0], 1, w,
                                                           images.shape[3]), images.dtype)),
                                  images,
                                  Tensor(backend.xp.zeros((images.shape[0], 1, w,
                                                           images.shape[3]), images.dtype))], 1)
        side = Tensor(backend.xp.zeros((images.shape[0], h + 2, 1, images.shape[3]),
                                       images.dtype))
        padded = ops.concatenate([side, padded, side], 2)
        total = None
        for di in range(3):
            for dj in range(3):
                tap = ops.getitem(padded, (slice(None), slice(di, di + h), slice(dj, dj + w)))
                tap = ops.multiply(tap, 5.0 / 13.0 if (di, dj) == (1, 1) else 1.0 / 13.0)
                total = tap if total is None else ops.add(total, tap)
        out = ops.add(images, ops.multiply(ops.subtract(1.0, s), ops.subtract(total, images)))
        return ops.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


def rgb_to_hsv(images):
    """RGB (last axis) to HSV, each in [0, 1] for RGB in [0, 1], as Keras (and TensorFlow)
    compute it: hue in turns, saturation = range / max, value = max."""
    xp = backend.xp
    eps = xp.finfo(images.dtype).eps
    images = xp.where(xp.abs(images) < eps, 0.0, images).astype(images.dtype)
    r, g, b = images[..., 0], images[..., 1], images[..., 2]
    value = xp.maximum(xp.maximum(r, g), b)
    spread = value - xp.minimum(xp.minimum(r, g), b)
    saturation = xp.where(value > 0, spread / xp.where(value > 0, value, 1.0), 0.0)
    norm = 1.0 / (6.0 * xp.where(spread > 0, spread, 1.0))
    hue = xp.where(value == g, norm * (b - r) + 2.0 / 6.0, norm * (r - g) + 4.0 / 6.0)
    hue = xp.where(value == r, norm * (g - b), hue)
    hue = xp.where(spread > 0, hue, 0.0) + (hue < 0.0)
    return xp.stack([hue, saturation, value], axis=-1).astype(images.dtype)


def hsv_to_rgb(images):
    """HSV (last axis) back to RGB: the inverse of ``rgb_to_hsv``."""
    xp = backend.xp
    hue, saturation, value = images[..., 0], images[..., 1], images[..., 2]
    dh = xp.mod(hue, 1.0) * 6.0
    channels = [xp.clip(xp.abs(dh - 3.0) - 1.0, 0.0, 1.0),
                xp.clip(2.0 - xp.abs(dh - 2.0), 0.0, 1.0),
                xp.clip(2.0 - xp.abs(dh - 4.0), 0.0, 1.0)]
    return xp.stack([value * (1.0 - saturation + saturation * d) for d in channels],
                    axis=-1).astype(images.dtype)


class RandomSaturation(_RandomImageLayer):
    """In training, scales each image's saturation (in HSV) by f / (1 - f), f drawn per image
    from ``factor`` (f = 0.5: unchanged, 0: grayscale, near 1: fully saturated), the saturation
    clipped to ``value_range``, as Keras. As in Keras 3.15, a single number f gives the range
    [-f, f] (negative draws make the image gray). Not differentiable.

    Args:
        factor: a number f in [-1, 1] (f drawn from [-|f|, |f|]) or a pair (lower, upper)
            such as (0.2, 0.8).
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> layer = numnet.layers.RandomSaturation((0.5, 0.5))   # unchanged
        >>> layer(np.array([[[[200.0, 100.0, 50.0]]]]), training=True).numpy().round(2)
        array([[[[200., 100.,  50.]]]], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed: int | None = None,
                 **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor(factor, (-1, 1), "RandomSaturation(factor)")
        self.value_range = _value_range(value_range, "RandomSaturation(value_range)")

    def _augment(self, images):
        f = self._uniform(*self.factor, images.shape[0])
        scale = backend.to_device((f / (1 - f + 1e-7)).astype(images.dtype).reshape(-1, 1, 1))
        hsv = rgb_to_hsv(images.value)
        saturation = backend.xp.clip(hsv[..., 1] * scale, *self.value_range)
        hsv = backend.xp.stack([hsv[..., 0], saturation.astype(hsv.dtype), hsv[..., 2]], -1)
        return Tensor(hsv_to_rgb(hsv))

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomHue(_RandomImageLayer):
    """In training, turns each image's hue (in HSV, images mapped to [0, 1]) by ±f / 2 of a
    full turn, f drawn per image from ``factor`` and the sign at random, then maps back to
    ``value_range`` (clipped), as Keras. Not differentiable.

    Args:
        factor: a number f in [0, 1] (f drawn from [0, f]) or a pair (lower, upper).
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> layer = numnet.layers.RandomHue(0.5, seed=0)
        >>> layer(np.ones((2, 4, 4, 3)) * 100, training=True).shape
        (2, 4, 4, 3)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed: int | None = None,
                 **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor(factor, (0, 1), "RandomHue(factor)")
        self.value_range = _value_range(value_range, "RandomHue(value_range)")

    def _augment(self, images):
        xp = backend.xp
        n = images.shape[0]
        sign = xp.where(backend.to_device(self._uniform(0, 1, n)) > 0.5, -1.0, 1.0)
        turn = (sign * backend.to_device(self._uniform(*self.factor, n)) * 0.5).astype(
            images.dtype)
        x = _rescale(images, self.value_range, (0, 1)).value
        hsv = rgb_to_hsv(x)
        hue = hsv[..., 0] + turn.reshape(-1, 1, 1)
        hue = backend.xp.where(hue > 1.0, hue - 1.0, hue)
        hue = backend.xp.where(hue < 0.0, hue + 1.0, hue)
        rgb = hsv_to_rgb(backend.xp.stack([hue.astype(hsv.dtype), hsv[..., 1], hsv[..., 2]], -1))
        return _rescale(Tensor(backend.xp.clip(rgb, 0.0, 1.0)), (0, 1), self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class Equalization(_RandomImageLayer):
    """Histogram equalization, as Keras: in training, each channel (over the whole batch, as
    Keras computes it) is mapped through the cumulative histogram of its values, in [0, 255]
    terms with ``bins`` bins, spreading the values evenly over the range; a channel whose
    values fall in one bin is left as it is. The identity in inference. Not differentiable.

    Args:
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        bins: the number of histogram bins. Defaults to ``256``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> layer = numnet.layers.Equalization()
        >>> layer(np.array([[[[10.0], [20.0], [30.0], [40.0]]]]), training=True).numpy().ravel()
        array([  0.,  85., 170., 255.], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, value_range=(0, 255), bins: int = 256, data_format=None, **kwargs):
        super().__init__(None, data_format, **kwargs)
        self.value_range = _value_range(value_range, "Equalization(value_range)")
        if isinstance(bins, bool) or not isinstance(bins, int) or bins < 2:
            raise ValueError(f"Equalization(bins): expected an integer >= 2, given {bins!r}.")
        self.bins = bins

    def _augment(self, images):
        xp = backend.xp
        x = _rescale(images, self.value_range, (0, 255)).value
        out = xp.empty_like(x)
        for c in range(x.shape[-1]):
            channel = x[..., c]
            index = xp.clip((channel.astype(xp.float32) * (self.bins - 1) / 255.0)
                            .astype(xp.int32), 0, self.bins - 1)
            hist = xp.bincount(index.ravel(), minlength=self.bins)
            if int(xp.count_nonzero(hist)) <= 1:
                out[..., c] = channel
                continue
            cdf = xp.cumsum(hist)
            low = cdf[xp.argmax(cdf > 0)]
            span = int(cdf[-1] - low)
            table = xp.clip(xp.round((cdf - low) * 255 / (span or 1)), 0, 255)
            lookup = xp.clip(channel / 255.0 * (self.bins - 1), 0, self.bins - 1).astype(xp.int32)
            out[..., c] = table[lookup]
        return _rescale(Tensor(out), (0, 255), self.value_range)

    def get_config(self):
        config = super().get_config()
        config.pop("seed", None)
        return {**config, "value_range": self.value_range, "bins": self.bins}


def _blur_kernel(kernel_size, sigma) -> np.ndarray:
    """The (height, width) Gaussian filter of a batch (float64 taps), from the host's draws
    ``sigma`` (one an axis)."""
    sigma = np.asarray(sigma, np.float64) + 1e-6
    return np.outer(_blur_1d(kernel_size[1], sigma[1]), _blur_1d(kernel_size[0], sigma[0]))


def _blur_1d(size: int, sigma: float) -> np.ndarray:
    taps = np.arange(size, dtype=np.float64) - (size - 1) / 2
    kernel = np.exp(-0.5 * (taps / sigma) ** 2)
    return kernel / kernel.sum()


class RandomGaussianBlur(_RandomImageLayer):
    """In training, blurs images with a Gaussian filter, as Keras: each image is blurred where
    a uniform draw falls below a probability drawn from ``factor``; the filter's two standard
    deviations (across the width, then the height) are drawn once a batch from ``sigma``
    (plus 1e-6); each channel is filtered with zero padding ("same" size), then clipped to
    ``value_range``.

    Args:
        factor: a number f in [0, 1] (the probability drawn from [0, f]) or a pair. Defaults to
            ``1.0``.
        kernel_size: an odd int or a pair of odd ints (width, height). Defaults to ``3``.
        sigma: a number s in [0, 1] (drawn from [0, s]) or a pair (lower, upper). Defaults to
            ``1.0``.
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> blur = numnet.layers.RandomGaussianBlur(factor=(1.0, 1.0), sigma=(1.0, 1.0))
        >>> float(blur(np.full((1, 3, 3, 1), 90.0), training=True).numpy()[0, 1, 1, 0].round(2))
        90.0
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor=1.0, kernel_size=3, sigma=1.0, value_range=(0, 255),
                 data_format=None, seed: int | None = None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor(factor, (0, 1), "RandomGaussianBlur(factor)")
        sizes = (kernel_size, kernel_size) if isinstance(kernel_size, int) else kernel_size
        if not (isinstance(sizes, (tuple, list)) and len(sizes) == 2 and all(
                isinstance(k, int) and not isinstance(k, bool) and k > 0 and k % 2 == 1
                for k in sizes)):
            raise ValueError(f"RandomGaussianBlur(kernel_size): expected an odd positive "
                             f"integer or a pair of them, given {kernel_size!r}.")
        self.kernel_size = tuple(sizes)
        self.sigma = _factor(sigma, (0, 1), "RandomGaussianBlur(sigma)")
        self.value_range = _value_range(value_range, "RandomGaussianBlur(value_range)")

    def _augment(self, images):
        n, h, w = images.shape[:3]
        probability = self._uniform(*self.factor, n)
        apply = (self._uniform(0, 1, n) < probability).reshape(-1, 1, 1, 1)
        kernel = _blur_kernel(self.kernel_size, self._uniform(*self.sigma, 2)).astype(
            images.dtype)
        kh, kw = kernel.shape
        top, left = (kh - 1) // 2, (kw - 1) // 2
        xp = backend.xp
        zeros_rows = Tensor(xp.zeros((n, top, w, images.shape[3]), images.dtype))
        zeros_end = Tensor(xp.zeros((n, kh - 1 - top, w, images.shape[3]), images.dtype))
        padded = ops.concatenate([zeros_rows, images, zeros_end], 1)
        side = Tensor(xp.zeros((n, h + kh - 1, left, images.shape[3]), images.dtype))
        side_end = Tensor(xp.zeros((n, h + kh - 1, kw - 1 - left, images.shape[3]),
                                   images.dtype))
        padded = ops.concatenate([side, padded, side_end], 2)
        total = None
        for i in range(kh):
            for j in range(kw):
                tap = ops.multiply(ops.getitem(padded, (slice(None), slice(i, i + h),
                                                        slice(j, j + w))), float(kernel[i, j]))
                total = tap if total is None else ops.add(total, tap)
        return ops.clip(ops.where(apply, total, images), *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "kernel_size": self.kernel_size,
                "sigma": self.sigma, "value_range": self.value_range}


__all__ = ["Equalization", "RandomColorDegeneration", "RandomGaussianBlur", "RandomHue",
           "RandomPosterization", "RandomSaturation", "RandomSharpness"]
