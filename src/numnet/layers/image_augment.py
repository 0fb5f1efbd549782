"""Image augmentations of Keras 3: MixUp, CutMix, RandomGrayscale, RandomInvert, RandomErasing,
Solarization, and AutoContrast, channels last.

Like numnet's other random image layers (``image._RandomImageLayer``) they act only when called
with ``training=True`` (their default, as Keras), draw from ``seed`` (numnet's generator when
None), and take a batch (4 axes) or one image (3 axes); AutoContrast is not random and always
applies. MixUp and CutMix also take ``{"images": ..., "labels": ...}`` and then mix the labels
with the images' weights, as Keras does. Every op is built from the engine's ops, so gradients
flow through the images.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from .image import _as_float, _batched, _image_rank, _RandomImageLayer


def _factor_in_unit(factor, where: str) -> tuple:
    """(lower, upper) in [0, 1] from a number f (0, f) or a pair, as Keras's factor."""
    def number(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    if number(factor) and 0 <= factor <= 1:
        return 0.0, float(factor)
    if isinstance(factor, (tuple, list)) and len(factor) == 2 and all(map(number, factor)) \
            and all(0 <= v <= 1 for v in factor):
        low, high = sorted(float(v) for v in factor)
        return low, high
    raise ValueError(f"{where}: expected a number in [0, 1] or a pair (lower, upper) of them, "
                     f"given {factor!r}.")


def _value_range(value_range, where: str) -> list:
    try:
        low, high = sorted(float(v) for v in value_range)
    except (TypeError, ValueError):
        raise ValueError(f"{where}: expected (low, high), such as (0, 255) or (0, 1), given "
                         f"{value_range!r}.") from None
    return [low, high]


def _rescale(x, source, target):
    """x mapped linearly from the range ``source`` to ``target`` (unchanged when equal)."""
    if list(source) == list(target):
        return x
    scale = (target[1] - target[0]) / (source[1] - source[0])
    return ops.add(ops.multiply(ops.subtract(x, source[0]), scale), target[0])


def _device(array, dtype):
    return backend.to_device(array, dtype)


def _box_mask(height: int, width: int, x0, x1, y0, y1):
    """(batch, height, width) booleans of the array module in use: True at the pixels inside
    each image's box [x0, x1) x [y0, y1) (the bounds, one a batch entry, drawn on the host)."""
    xp = backend.xp
    x0, x1, y0, y1 = (backend.to_device(v)[:, None, None] for v in (x0, x1, y0, y1))
    cols = xp.arange(width, dtype=xp.float32)[None, None, :]
    rows = xp.arange(height, dtype=xp.float32)[None, :, None]
    return (cols >= x0) & (cols < x1) & (rows >= y0) & (rows < y1)


class _MixLayer(_RandomImageLayer):
    """MixUp and CutMix: images, or {"images", "labels"} whose labels are mixed as well."""

    _takes_structures = True

    def call(self, inputs, training=True):
        if isinstance(inputs, dict):
            if "images" not in inputs:
                raise ValueError(f"{self.name}: a dict input needs an 'images' entry (and "
                                 f"optionally 'labels'), given keys {sorted(inputs)}.")
            images = _as_float(self, inputs["images"])
            labels = inputs.get("labels")
        else:
            images, labels = _as_float(self, inputs), None
        _image_rank(self, images.shape, (3, 4))
        if training and images.ndim == 4:
            plan = self._plan(images)
            images = self._mix_images(images, plan)
            if labels is not None:
                labels = ops.as_tensor(labels)
                labels = ops.cast(labels, self._compute) if labels.dtype != self._compute \
                    else labels
                weight = _device(plan["weight"].reshape(-1, *([1] * (labels.ndim - 1))),
                                 labels.dtype)
                other = ops.getitem(labels, plan["order"])
                labels = ops.add(ops.multiply(labels, weight), ops.multiply(other, 1 - weight))
        if isinstance(inputs, dict):
            out = dict(inputs)
            out["images"] = images
            if labels is not None:
                out["labels"] = labels
            return out
        return images

    def compute_output_shape(self, input_shape):
        return input_shape


class MixUp(_MixLayer):
    """MixUp (Zhang et al., 2018): in training, each image becomes a blend with another image
    of the batch, out_i = w_i x_i + (1 - w_i) x_perm(i), w_i ~ Beta(alpha, alpha) and perm a
    random permutation of the batch; labels (given as ``{"images": x, "labels": y}``) are
    blended with the same weights. The identity in inference and for a single image.

    Args:
        alpha: the Beta distribution's parameter (small: weights near 0 or 1). Defaults to
            ``0.2``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> mix = numnet.layers.MixUp(alpha=0.2, seed=0)
        >>> out = mix({"images": np.ones((4, 8, 8, 3)), "labels": np.eye(4)}, training=True)
        >>> out["images"].shape, out["labels"].shape
        ((4, 8, 8, 3), (4, 4))
    """

    def __init__(self, alpha: float = 0.2, data_format=None, seed: int | None = None,
                 **kwargs):
        super().__init__(seed, data_format, **kwargs)
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"MixUp(alpha): expected a positive number, given {alpha!r}.")
        self.alpha = alpha

    def _plan(self, images):
        rng = self._generator()
        n = images.shape[0]
        return {"order": rng.permutation(n), "weight": rng.beta(self.alpha, self.alpha, n)}

    def _mix_images(self, images, plan):
        weight = _device(plan["weight"].reshape(-1, 1, 1, 1), images.dtype)
        other = ops.getitem(images, plan["order"])
        return ops.add(ops.multiply(images, weight), ops.multiply(other, 1 - weight))

    def get_config(self):
        return {**super().get_config(), "alpha": self.alpha}


class CutMix(_MixLayer):
    """CutMix (Yun et al., 2019): in training, each image gets a box pasted from another image
    of the batch (a random permutation); the box's sides are sqrt(1 - w) of the image's, w ~
    Beta(a, a) with a uniform in ``factor`` (plus 1e-6), at a random place. Labels (given as
    ``{"images": x, "labels": y}``) are blended by the area kept, 1 - box area / image area.
    The identity in inference and for a single image.

    Args:
        factor: a number f in [0, 1] (a uniform in [0, f]) or a pair (lower, upper). Defaults
            to ``1.0``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> cut = numnet.layers.CutMix(seed=0)
        >>> cut(np.ones((4, 8, 8, 3)), training=True).shape
        (4, 8, 8, 3)
    """

    def __init__(self, factor=1.0, seed: int | None = None, data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor_in_unit(factor, "CutMix(factor)")

    def _plan(self, images):
        rng = self._generator()
        n, h, w = images.shape[:3]
        alpha = rng.uniform(*self.factor) + 1e-6
        ratio = np.sqrt(1.0 - rng.beta(alpha, alpha, n)).astype(np.float32)
        (x0, x1), (y0, y1) = (self._bounds(rng, n, size, ratio) for size in (w, h))
        inside = _box_mask(h, w, x0, x1, y0, y1)
        weight = 1.0 - (x1 - x0) * (y1 - y0) / (w * h)
        return {"order": rng.permutation(n), "mask": inside[..., None], "weight": weight}

    @staticmethod
    def _bounds(rng, n, size, ratio):
        length = ratio * size
        start = rng.uniform(0, 1, n).astype(np.float32) * (size - length)
        return start, start + length

    def _mix_images(self, images, plan):
        return ops.where(plan["mask"], ops.getitem(images, plan["order"]), images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class RandomGrayscale(_RandomImageLayer):
    """In training, turns each image to grayscale with probability ``factor``:
    gray = 0.2989 R + 0.5870 G + 0.1140 B, repeated on the three channels (the shape is kept).
    Images of one channel are left as they are.

    Args:
        factor: the probability of grayscale, in [0, 1]. Defaults to ``0.5``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> gray = numnet.layers.RandomGrayscale(factor=1.0)
        >>> gray(np.array([[[[255.0, 0.0, 0.0]]]]), training=True).numpy().round(3)
        array([[[[76.22, 76.22, 76.22]]]], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor: float = 0.5, data_format=None, seed: int | None = None,
                 **kwargs):
        super().__init__(seed, data_format, **kwargs)
        if isinstance(factor, bool) or not isinstance(factor, (int, float)) or \
                not 0 <= factor <= 1:
            raise ValueError(f"RandomGrayscale(factor): expected a probability in [0, 1], "
                             f"given {factor!r}.")
        self.factor = factor

    def _augment(self, images):
        if images.shape[-1] == 1:
            return images
        apply = self._uniform(0, 1, images.shape[0]) < self.factor
        weights = _device([0.2989, 0.5870, 0.1140], images.dtype)
        gray = ops.sum(ops.multiply(images, weights), axis=-1, keepdims=True)
        return ops.where(apply.reshape(-1, 1, 1, 1), ops.broadcast_to(gray, images.shape),
                         images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class RandomInvert(_RandomImageLayer):
    """In training, inverts images: out = value_range[1] - x, for each image where a uniform
    draw falls below a probability itself drawn uniformly from ``factor`` (so ``factor=1.0``
    inverts about half the images), as Keras.

    Args:
        factor: a number f in [0, 1] (the probability drawn from [0, f]) or a pair. Defaults to
            ``1.0``.
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> invert = numnet.layers.RandomInvert(factor=(1.0, 1.0), value_range=(0, 1))
        >>> invert(np.array([[[[0.25]]]]), training=True).numpy().ravel()
        array([0.75], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor=1.0, value_range=(0, 255), seed: int | None = None,
                 data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor_in_unit(factor, "RandomInvert(factor)")
        self.value_range = _value_range(value_range, "RandomInvert(value_range)")

    def _augment(self, images):
        n = images.shape[0]
        probability = self._uniform(*self.factor, n)
        apply = self._uniform(0, 1, n) < probability
        return ops.where(apply.reshape(-1, 1, 1, 1),
                         ops.subtract(self.value_range[1], images), images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomErasing(_RandomImageLayer):
    """Random erasing (Zhong et al., 2020): in training, fills a random box of each chosen image
    (chosen as RandomInvert chooses, from ``factor``) with ``fill_value``. The box's width and
    height are sqrt(u) of the image's, u uniform in ``scale`` (one u per side).

    Args:
        factor: a number f in [0, 1] (the probability drawn from [0, f]) or a pair. Defaults to
            ``1.0``.
        scale: (lower, upper) of the box's area fraction draws, in [0, 1]. Defaults to
            ``(0.02, 0.33)``.
        fill_value: a number, three numbers (one a channel), or None for Gaussian noise times
            value_range[1]; clipped to value_range. Defaults to ``None``.
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> erase = numnet.layers.RandomErasing(factor=(1.0, 1.0), scale=(0.25, 0.25),
        ...                                    fill_value=0.0, seed=0)
        >>> int((erase(np.ones((1, 8, 8, 1)), training=True).numpy() == 0).sum())
        16
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor=1.0, scale=(0.02, 0.33), fill_value=None, value_range=(0, 255),
                 seed: int | None = None, data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor_in_unit(factor, "RandomErasing(factor)")
        self.scale = _factor_in_unit(scale, "RandomErasing(scale)")
        if fill_value is not None and not (
                isinstance(fill_value, (int, float)) and not isinstance(fill_value, bool)
                or isinstance(fill_value, (list, tuple)) and len(fill_value) == 3):
            raise ValueError(f"RandomErasing(fill_value): expected a number, three numbers or "
                             f"None, given {fill_value!r}.")
        self.fill_value = fill_value
        self.value_range = _value_range(value_range, "RandomErasing(value_range)")

    def _draws(self, rng, shape):
        """The seeded draws of a batch, on the host: each box's bounds, whether each image is
        erased, and the noise (None for a given fill_value)."""
        n, h, w = shape[:3]
        sides = np.sqrt(rng.uniform(*self.scale, (n, 2))).astype(np.float32)
        boxes = []
        for size, ratio in ((w, sides[:, 0]), (h, sides[:, 1])):
            length = ratio * size
            start = rng.uniform(0, 1, n).astype(np.float32) * (size - length)
            boxes.append((start, start + length))
        probability = rng.uniform(*self.factor, n)
        apply = rng.uniform(0, 1, n) < probability
        noise = rng.standard_normal(shape) if self.fill_value is None else None
        return boxes, apply, noise

    def _augment(self, images):
        xp = backend.xp
        n, h, w = images.shape[:3]
        ((x0, x1), (y0, y1)), apply, noise = self._draws(self._generator(), images.shape)
        inside = _box_mask(h, w, x0, x1, y0, y1)[..., None]
        apply = backend.to_device(apply).reshape(-1, 1, 1, 1)
        if noise is None:
            fill = xp.broadcast_to(xp.asarray(self.fill_value, xp.float64), images.shape)
        else:
            fill = backend.to_device(noise) * self.value_range[1]
        fill = xp.clip(fill, *self.value_range).astype(images.dtype)
        return ops.where(inside & apply, Tensor(fill), images)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "fill_value": self.fill_value, "value_range": self.value_range}


class Solarization(_RandomImageLayer):
    """Solarization, as Keras: in training, the images are mapped to [0, 255], a random
    addition a is added (clipped to [0, 255]), and every value at or above a random threshold t
    becomes 255 - value; then mapped back to ``value_range``. a and t are drawn per image
    uniformly from [lower, upper * 255] of ``addition_factor`` and ``threshold_factor`` (Keras
    scales only the upper end). With the default threshold_factor 0 every value is inverted.

    Args:
        addition_factor: a number f in [0, 1] ((0, f)) or a pair. Defaults to ``0.0``.
        threshold_factor: a number f in [0, 1] ((0, f)) or a pair. Defaults to ``0.0``.
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> solarize = numnet.layers.Solarization(threshold_factor=(0.5, 0.5))  # t in [0.5, 127.5]
        >>> solarize(np.array([[[[0.25, 200.0]]]]), training=True).numpy().ravel()
        array([ 0.25, 55.  ], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, addition_factor=0.0, threshold_factor=0.0, value_range=(0, 255),
                 seed: int | None = None, data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.addition_factor = _factor_in_unit(addition_factor,
                                               "Solarization(addition_factor)")
        self.threshold_factor = _factor_in_unit(threshold_factor,
                                                "Solarization(threshold_factor)")
        self.value_range = _value_range(value_range, "Solarization(value_range)")

    def _augment(self, images):
        n = images.shape[0]
        low_a, high_a = self.addition_factor
        low_t, high_t = self.threshold_factor
        additions = self._uniform(low_a, high_a * 255, n).reshape(-1, 1, 1, 1)
        thresholds = self._uniform(low_t, high_t * 255, n).reshape(-1, 1, 1, 1)
        x = _rescale(images, self.value_range, (0, 255))
        x = ops.clip(ops.add(x, _device(additions, images.dtype)), 0, 255)
        below = backend.to_numpy(x.value) < thresholds
        x = ops.where(below, x, ops.subtract(255.0, x))
        return _rescale(x, (0, 255), self.value_range)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "addition_factor": self.addition_factor,
                "threshold_factor": self.threshold_factor}


class AutoContrast(_RandomImageLayer):
    """Stretches each image's values, per channel, to fill ``value_range``: in [0, 255] terms
    out = (x - min) * 255 / (max - min), min and max over the image's height and width (a
    channel with max = min is left as it was), clipped, then mapped back. Applies in training
    and in inference, as Keras; gradients flow through the minimum and maximum too.

    Args:
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> contrast = numnet.layers.AutoContrast(value_range=(0, 1))
        >>> contrast(np.array([[[[0.2], [0.4], [0.6]]]])).numpy().ravel()
        array([0. , 0.5, 1. ], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, value_range=(0, 255), data_format=None, **kwargs):
        super().__init__(None, data_format, **kwargs)
        self.value_range = _value_range(value_range, "AutoContrast(value_range)")

    def call(self, inputs, training=True):
        _image_rank(self, inputs.shape, (3, 4))
        return _batched(self._augment, _as_float(self, inputs))

    def _augment(self, images):
        x = _rescale(images, self.value_range, (0, 255))
        lo = ops.negative(ops.max(ops.negative(x), axis=(1, 2), keepdims=True))
        hi = ops.max(x, axis=(1, 2), keepdims=True)
        flat = hi.value == lo.value
        span = ops.where(flat, 1.0, ops.subtract(hi, lo))
        stretched = ops.multiply(ops.subtract(x, lo), ops.divide(255.0, span))
        out = _rescale(ops.clip(stretched, 0.0, 255.0), (0, 255), self.value_range)
        return ops.where(backend.xp.broadcast_to(flat, images.shape), images, out)

    def get_config(self):
        config = super().get_config()
        config.pop("seed", None)
        return {**config, "value_range": self.value_range}


__all__ = ["AutoContrast", "CutMix", "MixUp", "RandomErasing", "RandomGrayscale",
           "RandomInvert", "Solarization"]


class MaxNumBoundingBoxes(_RandomImageLayer):
    """Pads or cuts the bounding boxes of each image to ``max_number``, as Keras's: boxes
    ``(batch, N, 4)`` become ``(batch, max_number, 4)`` and labels ``(batch, N)`` become
    ``(batch, max_number)``, the added entries ``fill_value``. Images, labels and masks pass
    unchanged. The input is Keras's data dict; the layer needs a ``bounding_box_format``.

    Args:
        max_number: the number of boxes each image gets.
        fill_value: the value of added boxes and labels. Defaults to ``-1``.
        **kwargs: the layer arguments, among them ``bounding_box_format``.

    Example:
        >>> layer = numnet.layers.MaxNumBoundingBoxes(4, bounding_box_format="xyxy")
        >>> out = layer({"images": np.zeros((1, 8, 8, 3)),
        ...              "bounding_boxes": {"boxes": np.array([[[1, 2, 5, 6], [0, 0, 3, 3]]]),
        ...                                 "labels": np.array([[7, 8]])}})
        >>> out["bounding_boxes"]["labels"].numpy().tolist()
        [[7, 8, -1, -1]]
    """

    _keeps_geometry = True

    def __init__(self, max_number, fill_value=-1, **kwargs):
        super().__init__(**kwargs)
        self.max_number, self.fill_value = int(max_number), int(fill_value)

    def _call_on_dict(self, data: dict, *args, **kwargs) -> dict:
        out = super()._call_on_dict(data, *args, **kwargs)
        if "bounding_boxes" in data:
            out["bounding_boxes"] = self._fit_boxes(data["bounding_boxes"])
        return out

    def _fit_boxes(self, bounding_boxes: dict) -> dict:
        extra = sorted(set(bounding_boxes) - {"boxes", "labels"})
        if extra:
            raise KeyError(f"{self.name}: bounding_boxes holds 'boxes' and 'labels' only; "
                           f"given also {extra}.")
        xp = backend.xp
        boxes, labels = (backend.to_device(getattr(v, "value", v))
                         for v in (bounding_boxes["boxes"], bounding_boxes["labels"]))
        n = self.max_number
        pad = max(n - boxes.shape[1], 0)
        boxes = xp.pad(boxes[:, :n], [(0, 0), (0, pad), (0, 0)], constant_values=self.fill_value)
        labels = xp.pad(labels[:, :n], [(0, 0), (0, pad)], constant_values=self.fill_value)
        return {**bounding_boxes, "boxes": ops.as_tensor(boxes), "labels": ops.as_tensor(labels)}

    def call(self, inputs, training=True):
        return inputs  # images pass unchanged (their dtype too, as Keras's)

    def get_config(self):
        return {**super().get_config(), "max_number": self.max_number,
                "fill_value": self.fill_value}
