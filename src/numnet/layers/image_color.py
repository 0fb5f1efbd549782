"""Colour augmentations of Keras 3: RandomColorDegeneration, RandomPosterization and
RandomSharpness (channels last; random in training only, as numnet's other image layers)."""

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

    def __init__(self, factor, value_range=(0, 255), data_format=None, seed: int | None = None,
                 **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor(factor, (1, 8), "RandomPosterization(factor)")
        self.value_range = _value_range(value_range, "RandomPosterization(value_range)")

    def _augment(self, images):
        n = images.shape[0]
        low, high = int(self.factor[0]), int(self.factor[1])
        bits = (self._generator().integers(low, high, n) if low != high
                else np.full(n, low)).astype(np.uint8)
        shift = (8 - bits).reshape(-1, 1, 1, 1)
        values = backend.to_numpy(_rescale(images, self.value_range, (0, 255)).value)
        kept = ((values.astype(np.uint8) >> shift) << shift).astype(values.dtype)
        return _rescale(Tensor(backend.to_device(kept)), (0, 255), self.value_range)

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


__all__ = ["RandomColorDegeneration", "RandomPosterization", "RandomSharpness"]
