"""More image augmentations of Keras 3: RandomColorJitter, RandomShear, RandomPerspective,
RandomElasticTransform, the policies RandAugment and AugMix (channels last; active in training
only, as numnet's other image layers), and ContrastLimitedAdaptiveHistogramEqualization
(always active).

The geometric layers split a call as Keras does: ``get_random_transformation(images)`` draws
the per-image parameters (host arrays, from ``seed`` or numnet's generator) and
``transform_images(images, transformation)`` applies them, so a transformation can be fixed
by hand (or taken from Keras's layer of the same name) and applied to the images.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from ..ops.image import _homographies, elastic_transform, perspective_transform
from .image import (
    FILL_MODES,
    RandomBrightness,
    RandomContrast,
    RandomRotation,
    RandomTranslation,
    _as_float,
    _batched,
    _choice,
    _image_rank,
    _RandomImageLayer,
    affine_transform,
)
from .image_augment import AutoContrast, Solarization, _rescale, _value_range
from .image_color import (
    Equalization,
    RandomColorDegeneration,
    RandomHue,
    RandomPosterization,
    RandomSaturation,
    RandomSharpness,
    _factor,
)


def _images_of(data):
    """The images of a call's data: the array itself or a dict's ``'images'``."""
    return data["images"] if isinstance(data, dict) else data


def _batch_size(images) -> int:
    shape = tuple(images.shape)
    return 1 if len(shape) == 3 else shape[0]


class _TransformLayer(_RandomImageLayer):
    """An augmentation drawn by ``get_random_transformation`` and applied by
    ``transform_images`` (Keras's split of the work)."""

    def get_random_transformation(self, data, training=True, seed=None):
        raise NotImplementedError

    def _transform(self, images: Tensor, transformation) -> Tensor:
        raise NotImplementedError

    def transform_images(self, images, transformation, training=True):
        """``images`` (a batch, or one image) changed by ``transformation`` (a dict from
        ``get_random_transformation``, or None for no change); unchanged unless training."""
        x = _as_float(self, images)
        _image_rank(self, x.shape, (3, 4))
        if not training or transformation is None:
            return x
        return _batched(lambda batch: self._transform(batch, transformation), x)

    def _augment(self, images):
        transformation = self.get_random_transformation(images)
        if transformation is None:
            return images
        self._last_draw = transformation
        return self._transform(images, transformation)

    def _replay(self, masks, draw):
        return self._transform(masks, draw)


def _shear_matrices(shear) -> np.ndarray:
    """(batch, 8) affine rows [1, sx, 0, sy, 1, 0, 0, 0] from (batch, 2) shears (sx, sy), on
    the host: output pixel (row, col) reads input column col + sx row, row sy col + row."""
    shear = np.asarray(shear, dtype=np.float32).reshape(-1, 2)
    ones, zeros = np.ones(len(shear), np.float32), np.zeros(len(shear), np.float32)
    return np.stack([ones, shear[:, 0], zeros, shear[:, 1], ones, zeros, zeros, zeros], axis=1)


class RandomShear(_TransformLayer):
    """In training, shears each image about its top-left corner, as Keras: the output pixel
    (row, col) reads the input at column col + sx * row and row sy * col + row, with sx drawn
    from ``x_factor`` and sy from ``y_factor`` per image, both then negated together for about
    half the images.

    Args:
        x_factor: a number f in [0, 1] (sx drawn from [-f, f]) or a pair (lower, upper) in
            [0, 1]. Defaults to ``0.0``.
        y_factor: the same for sy. Defaults to ``0.0``.
        interpolation: ``'bilinear'`` or ``'nearest'``. Defaults to ``'bilinear'``.
        fill_mode: ``'reflect'``, ``'wrap'``, ``'constant'`` or ``'nearest'``: what lies past
            the edges. Defaults to ``'reflect'``.
        fill_value: the value outside for ``'constant'``. Defaults to ``0.0``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> shear = numnet.layers.RandomShear(x_factor=0.5, fill_mode="constant")
        >>> t = {"shear_factor": np.array([[1.0, 0.0]])}      # sx = 1: each row moves left
        >>> shear.transform_images(np.arange(6.0).reshape(1, 2, 3, 1), t)[0, :, :, 0].numpy()
        array([[0., 1., 2.],
               [4., 5., 0.]], dtype=float32)
    """

    def __init__(self, x_factor=0.0, y_factor=0.0, interpolation="bilinear",
                 fill_mode="reflect", fill_value=0.0, data_format=None, seed=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.x_factor = _factor(x_factor, (0, 1), "RandomShear(x_factor)")
        self.y_factor = _factor(y_factor, (0, 1), "RandomShear(y_factor)")
        # a number f in [0, 1] gives (-f, f) here (Keras's own rule for the shears)
        for name, raw in (("x_factor", x_factor), ("y_factor", y_factor)):
            if not isinstance(raw, (tuple, list)):
                setattr(self, name, (-abs(float(raw)), abs(float(raw))))
        self.interpolation = _choice(interpolation, ("bilinear", "nearest"),
                                     "RandomShear(interpolation)")
        self.fill_mode = _choice(fill_mode, FILL_MODES, "RandomShear(fill_mode)")
        self.fill_value = fill_value

    def get_random_transformation(self, data, training=True, seed=None):
        """``{'shear_factor': (batch, 2) float32 (sx, sy), 'input_shape': ...}``, or None
        when not training."""
        if not training:
            return None
        images = _images_of(data)
        rng = self._generator()
        n = _batch_size(images)
        sign = np.where(rng.uniform(0, 1, (n, 1)) > 0.5, -1.0, 1.0)
        shear_y = rng.uniform(*self.y_factor, (n, 1))
        shear_x = rng.uniform(*self.x_factor, (n, 1))
        shear = (np.concatenate([shear_x, shear_y], axis=1) * sign).astype(np.float32)
        return {"shear_factor": shear, "input_shape": tuple(images.shape)}

    def _transform(self, images, transformation):
        return affine_transform(images, _shear_matrices(transformation["shear_factor"]),
                                self.interpolation, self.fill_mode, float(self.fill_value))

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        """Boxes (in ``bounding_box_format``) moved as Keras's RandomShear moves them: in
        relative xyxy, a box's x edges shift by -sx times its top or bottom y (the side that
        widens it) and its y edges by -sy times its left or right x; then clipped to the
        image, a box left with no area labelled -1. Unchanged when not training."""
        if not training or transformation is None:
            return bounding_boxes
        from ..preprocessing import bounding_boxes as bb

        xp = backend.xp
        height, width = transformation["input_shape"][-3:-1]
        rel = bb.convert_format(dict(bounding_boxes), self.bounding_box_format, "rel_xyxy",
                                height=height, width=width)
        boxes = backend.to_device(rel["boxes"].value)
        shear = backend.to_device(transformation["shear_factor"]).astype(boxes.dtype)
        expand = (slice(None),) + (None,) * (boxes.ndim - 2)
        sx, sy = shear[:, 0][expand], shear[:, 1][expand]
        x1, y1, x2, y2 = (boxes[..., i] for i in range(4))
        x1 = xp.where(sx < 0, x1 - sx * y1, x1 - sx * y2)
        x2 = xp.where(sx < 0, x2 - sx * y2, x2 - sx * y1)
        y1 = xp.where(sy > 0, y1 - sy * x2, y1 - sy * x1)
        y2 = xp.where(sy > 0, y2 - sy * x1, y2 - sy * x2)
        rel["boxes"] = xp.stack([x1, y1, x2, y2], axis=-1)
        rel = bb.clip_to_image_size(rel, bounding_box_format="rel_xyxy")
        return bb.convert_format(rel, "rel_xyxy", self.bounding_box_format, height=height,
                                 width=width)

    def get_config(self):
        return {**super().get_config(), "x_factor": self.x_factor, "y_factor": self.y_factor,
                "fill_mode": self.fill_mode, "interpolation": self.interpolation,
                "fill_value": self.fill_value}


def _apply_where(apply, changed: Tensor, images: Tensor) -> Tensor:
    """Per image, ``changed`` where ``apply`` (host booleans, one an image), else ``images``."""
    mask = backend.to_device(apply).astype(bool).reshape(-1, 1, 1, 1)
    return ops.where(mask, changed, images)


class RandomPerspective(_TransformLayer):
    """In training, warps images in perspective, as Keras: each image is changed with a
    probability drawn uniformly from ``factor``; then each corner (x, y) of the image (x in
    [0, width - 1], y in [0, height - 1]) moves to (x (1 + u), y (1 + v)), u and v uniform in
    [-scale / 2, scale / 2] (so the corner at the origin stays), and the image is resampled by
    the homography between the corners (``fill_value`` outside).

    Args:
        factor: a number f in [0, 1] (the probability drawn from [0, f]) or a pair. Defaults to
            ``1.0``.
        scale: how far the corners move, in [0, 1]. Defaults to ``1.0``.
        interpolation: ``'bilinear'`` or ``'nearest'``. Defaults to ``'bilinear'``.
        fill_value: the value outside the warped image. Defaults to ``0.0``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> layer = numnet.layers.RandomPerspective(factor=1.0, scale=0.5, seed=0)
        >>> layer(np.ones((2, 8, 8, 3)), training=True).shape
        (2, 8, 8, 3)
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_value=0.0,
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor(factor, (0, 1), "RandomPerspective(factor)")
        if isinstance(scale, bool) or not isinstance(scale, (int, float)) or \
                not 0 <= scale <= 1:
            raise ValueError(f"RandomPerspective(scale): expected a number in [0, 1], given "
                             f"{scale!r}.")
        self.scale = scale
        self.interpolation = _choice(interpolation, ("bilinear", "nearest"),
                                     "RandomPerspective(interpolation)")
        self.fill_value = fill_value

    def get_random_transformation(self, data, training=True, seed=None):
        """``{'apply_perspective': (batch,) bool, 'start_points': (batch, 4, 2),
        'end_points': (batch, 4, 2), 'input_shape': ...}`` (points (x, y)), or None when not
        training."""
        if not training:
            return None
        images = _images_of(data)
        rng = self._generator()
        n = _batch_size(images)
        height, width = tuple(images.shape)[-3:-1]
        probability = rng.uniform(*self.factor, n)
        apply = rng.uniform(0.0, 1.0, n) < probability
        moves = rng.uniform(-0.5 * self.scale, 0.5 * self.scale, (n, 4, 2)).astype(np.float32)
        corners = np.array([[0.0, 0.0], [width - 1, 0.0], [0.0, height - 1],
                            [width - 1, height - 1]], dtype=np.float32)
        start = np.repeat(corners[None], n, axis=0)
        return {"apply_perspective": apply, "start_points": start,
                "end_points": start + start * moves, "input_shape": tuple(images.shape)}

    def _transform(self, images, transformation):
        warped = perspective_transform(images, transformation["start_points"],
                                       transformation["end_points"], self.interpolation,
                                       self.fill_value)
        return _apply_where(transformation["apply_perspective"], warped, images)

    def transform_bounding_boxes(self, bounding_boxes, transformation, training=True):
        """Boxes (in ``bounding_box_format``) moved as Keras's RandomPerspective moves them: the
        four corners of each box taken through the homography from start to end points, the
        box their enclosing one (for the images the perspective applies to), clipped to the
        image, a box left with no area labelled -1. Unchanged when not training."""
        if not training or transformation is None:
            return bounding_boxes
        from ..preprocessing import bounding_boxes as bb

        xp = backend.xp
        height, width = transformation["input_shape"][-3:-1]
        xyxy = bb.convert_format(dict(bounding_boxes), self.bounding_box_format, "xyxy",
                                 height=height, width=width)
        boxes = backend.to_device(xyxy["boxes"].value)
        coefficients = backend.to_device(_homographies(transformation["start_points"],
                                                       transformation["end_points"]))
        matrix = xp.concatenate([coefficients, xp.ones_like(coefficients[:, :1])], axis=1)
        forward = xp.linalg.inv(matrix.reshape(-1, 3, 3)).astype(boxes.dtype)  # start -> end
        expand = (slice(None),) + (None,) * (boxes.ndim - 2)
        x0, y0, x1, y1 = (boxes[..., i] for i in range(4))
        xs, ys = xp.stack([x0, x1, x0, x1], axis=-1), xp.stack([y0, y1, y1, y0], axis=-1)
        m = [[forward[:, r, c][expand + (None,)] for c in range(3)] for r in range(3)]
        scale = m[2][0] * xs + m[2][1] * ys + m[2][2]
        new_x = (m[0][0] * xs + m[0][1] * ys + m[0][2]) / scale
        new_y = (m[1][0] * xs + m[1][1] * ys + m[1][2]) / scale
        moved = xp.stack([new_x.min(-1), new_y.min(-1), new_x.max(-1), new_y.max(-1)], axis=-1)
        apply = backend.to_device(transformation["apply_perspective"]).astype(bool)
        xyxy["boxes"] = xp.where(apply[expand + (None,)], moved, boxes)
        xyxy = bb.clip_to_image_size(xyxy, height=height, width=width)
        return bb.convert_format(xyxy, "xyxy", self.bounding_box_format, height=height,
                                 width=width)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_value": self.fill_value}


class RandomElasticTransform(_TransformLayer):
    """In training, distorts images elastically (Simard et al., 2003), as Keras: each image
    is changed with a probability drawn uniformly from ``factor``; a strength d drawn from
    ``scale`` (one for the batch) sets the displacement field's scale alpha = 0.1 d
    max(height, width) and smoothness sigma = 0.05 d min(height, width)
    (``numnet.ops.image.elastic_transform``); the batch is then clipped to ``value_range``.

    Args:
        factor: a number f in [0, 1] (the probability drawn from [0, f]) or a pair. Defaults to
            ``1.0``.
        scale: a number s in [0, 1] (d drawn from [0, s]) or a pair. Defaults to ``1.0``.
        interpolation: ``'bilinear'`` or ``'nearest'``. Defaults to ``'bilinear'``.
        fill_mode: ``'reflect'``, ``'wrap'``, ``'constant'``, ``'nearest'`` or ``'mirror'``.
            Defaults to ``'reflect'``.
        fill_value: the value outside for ``'constant'``. Defaults to ``0.0``.
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> layer = numnet.layers.RandomElasticTransform(seed=0)
        >>> layer(np.full((1, 16, 16, 1), 7.0), training=True).numpy().round(4).max()
        7.0
    """

    def __init__(self, factor=1.0, scale=1.0, interpolation="bilinear", fill_mode="reflect",
                 fill_value=0.0, value_range=(0, 255), seed=None, data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor(factor, (0, 1), "RandomElasticTransform(factor)")
        self.scale = _factor(scale, (0, 1), "RandomElasticTransform(scale)")
        self.interpolation = _choice(interpolation, ("bilinear", "nearest"),
                                     "RandomElasticTransform(interpolation)")
        self.fill_mode = _choice(fill_mode, (*FILL_MODES, "mirror"),
                                 "RandomElasticTransform(fill_mode)")
        self.fill_value = fill_value
        self.value_range = _value_range(value_range, "RandomElasticTransform(value_range)")

    def get_random_transformation(self, data, training=True, seed=None):
        """``{'apply_transform': (batch,) bool, 'distortion_factor': d, 'seed': an int for the
        displacement field}``, or None when not training or the factor or scale is 0."""
        if not training or self.scale[1] == 0 or self.factor[1] == 0:
            return None
        rng = self._generator()
        n = _batch_size(_images_of(data))
        probability = rng.uniform(*self.factor, n)
        apply = rng.uniform(0.0, 1.0, n) < probability
        strength = float(np.float32(rng.uniform(*self.scale)))
        return {"apply_transform": apply, "distortion_factor": strength,
                "seed": int(rng.integers(2 ** 31 - 1))}

    def _transform(self, images, transformation):
        height, width = images.shape[1:3]
        strength = float(transformation["distortion_factor"])
        alpha = max(height, width) * 0.1 * strength
        sigma = min(height, width) * 0.05 * strength
        moved = elastic_transform(images, alpha, sigma, self.interpolation, self.fill_mode,
                                  float(self.fill_value), seed=transformation["seed"])
        out = _apply_where(transformation["apply_transform"], moved, images)
        return ops.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "scale": self.scale,
                "interpolation": self.interpolation, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "value_range": self.value_range}


class RandomColorJitter(_RandomImageLayer):
    """In training, RandomBrightness, RandomContrast, RandomSaturation and RandomHue one after
    the other (those whose factor is given), each with its own draws, as Keras.

    Args:
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        brightness_factor: RandomBrightness's factor, or None to skip it. Defaults to
            ``None``.
        contrast_factor: RandomContrast's factor, or None. Defaults to ``None``.
        saturation_factor: RandomSaturation's factor, or None. Defaults to ``None``.
        hue_factor: RandomHue's factor, or None. Defaults to ``None``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> jitter = numnet.layers.RandomColorJitter(brightness_factor=(0.5, 0.5),
        ...                                          value_range=(0, 1))
        >>> jitter(np.array([[[[0.1, 0.2, 0.7]]]]), training=True).numpy().ravel()
        array([0.6, 0.7, 1. ], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, value_range=(0, 255), brightness_factor=None, contrast_factor=None,
                 saturation_factor=None, hue_factor=None, seed=None, data_format=None,
                 **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.value_range = value_range
        self.brightness_factor = brightness_factor
        self.contrast_factor = contrast_factor
        self.saturation_factor = saturation_factor
        self.hue_factor = hue_factor
        stages = []
        for factor, kind in ((brightness_factor, RandomBrightness),
                             (contrast_factor, RandomContrast),
                             (saturation_factor, RandomSaturation), (hue_factor, RandomHue)):
            if factor is not None:
                stage = kind(factor, value_range=value_range, name=f"{self.name}_{kind.__name__}")
                stage._generator = self._generator  # the jitter's seed drives every stage
                stages.append(stage)
        self._stages = stages

    def _augment(self, images):
        for stage in self._stages:
            images = stage._augment(images)
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "brightness_factor": self.brightness_factor,
                "contrast_factor": self.contrast_factor,
                "saturation_factor": self.saturation_factor, "hue_factor": self.hue_factor}


_STRUCTURE_OPS = ("random_shear", "random_translation", "random_rotation",
                  "random_posterization", "solarization", "auto_contrast", "equalization")
_COLOUR_OPS = ("random_brightness", "random_color_degeneration", "random_contrast",
               "random_sharpness")


def _augment_ops(owner: _RandomImageLayer, names, factor, value_range, interpolation) -> dict:
    """The named augmentations of RandAugment and AugMix, built as Keras builds them from one
    factor (lower, upper), each drawing from ``owner``'s generator."""
    makers = {
        "random_shear": lambda: RandomShear(factor, factor, interpolation=interpolation),
        "random_translation": lambda: RandomTranslation(factor, factor,
                                                        interpolation=interpolation),
        "random_rotation": lambda: RandomRotation(factor, interpolation=interpolation),
        "random_brightness": lambda: RandomBrightness(factor, value_range=value_range),
        "random_color_degeneration": lambda: RandomColorDegeneration(
            factor, value_range=value_range),
        "random_contrast": lambda: RandomContrast(factor, value_range=value_range),
        "random_sharpness": lambda: RandomSharpness(factor, value_range=value_range),
        "random_posterization": lambda: RandomPosterization(
            max(1, int(8 * factor[1])), value_range=value_range),
        "solarization": lambda: Solarization(factor, factor, value_range=value_range),
        "auto_contrast": lambda: AutoContrast(value_range=value_range),
        "equalization": lambda: Equalization(value_range=value_range),
    }
    built = {}
    for name in names:
        layer = makers[name]()
        layer._generator = owner._generator  # the owner's seed drives every augmentation
        built[name] = layer
    return built


def _check_count(value, where: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise ValueError(f"{where}: expected an integer >= {low}, given {value!r}.")
    return value


class RandAugment(_RandomImageLayer):
    """RandAugment (Cubuk et al., 2019), as Keras: in training, ``num_ops`` augmentations
    chosen at random (one choice for the whole batch, repeats allowed) from RandomShear,
    RandomTranslation, RandomRotation, RandomBrightness, RandomColorDegeneration,
    RandomContrast, RandomSharpness, RandomPosterization, Solarization, AutoContrast and
    Equalization are applied one after the other, each with its own draws. Every one is built
    from ``factor`` (lower, upper) as Keras builds it (RandomPosterization keeps
    max(1, int(8 upper)) bits at most).

    Args:
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        num_ops: how many augmentations each call applies. Defaults to ``2``.
        factor: the strength, a number f in [0, 1] ((0, f)) or a pair. Defaults to ``0.5``.
        interpolation: for the geometric ones, ``'bilinear'`` or ``'nearest'``. Defaults to
            ``'bilinear'``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> layer = numnet.layers.RandAugment(num_ops=3, seed=0)
        >>> layer(np.random.uniform(0, 255, (2, 16, 16, 3)), training=True).shape
        (2, 16, 16, 3)
    """

    def __init__(self, value_range=(0, 255), num_ops=2, factor=0.5, interpolation="bilinear",
                 seed=None, data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.value_range = value_range
        self.num_ops = _check_count(num_ops, "RandAugment(num_ops)", 0)
        self.factor = _factor(factor, (0, 1), "RandAugment(factor)")
        self.interpolation = _choice(interpolation, ("bilinear", "nearest"),
                                     "RandAugment(interpolation)")
        self._ops = _augment_ops(self, _STRUCTURE_OPS[:3] + _COLOUR_OPS
                                 + _STRUCTURE_OPS[3:], self.factor,
                                 _value_range(value_range, "RandAugment(value_range)"),
                                 interpolation)

    def _augment(self, images):
        names = list(self._ops)
        for index in self._generator().integers(0, len(names), self.num_ops):
            images = self._ops[names[int(index)]]._augment(images)
        return images

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "num_ops": self.num_ops, "factor": self.factor,
                "interpolation": self.interpolation}


class AugMix(_RandomImageLayer):
    """AugMix (Hendrycks et al., 2020), as Keras: in training, ``num_chains`` copies of the
    batch each pass through up to ``chain_depth`` augmentations (each step picks one of the
    list or none, uniformly), the copies are mixed with Dirichlet(alpha) weights, and the mix
    is blended with the original by w ~ Beta(alpha, alpha): out = clip(w x + (1 - w)
    sum_k m_k chain_k(x), value_range). The list holds RandomShear, RandomTranslation,
    RandomRotation, RandomPosterization, Solarization, AutoContrast and Equalization, and with
    ``all_ops`` also RandomBrightness, RandomColorDegeneration, RandomContrast and
    RandomSharpness, each built from ``factor`` as in RandAugment.

    Args:
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        num_chains: the augmented copies mixed. Defaults to ``3``.
        chain_depth: the most augmentations in a chain. Defaults to ``3``.
        factor: the strength, a number f in [0, 1] ((0, f)) or a pair. Defaults to ``0.3``.
        alpha: the Dirichlet and Beta parameter. Defaults to ``1.0``.
        all_ops: include the colour augmentations. Defaults to ``True``.
        interpolation: ``'bilinear'`` or ``'nearest'``. Defaults to ``'bilinear'``.
        seed: for reproducible draws. Defaults to ``None`` (numnet's generator).
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> layer = numnet.layers.AugMix(seed=0)
        >>> layer(np.random.uniform(0, 255, (2, 16, 16, 3)), training=True).shape
        (2, 16, 16, 3)
    """

    def __init__(self, value_range=(0, 255), num_chains=3, chain_depth=3, factor=0.3,
                 alpha=1.0, all_ops=True, interpolation="bilinear", seed=None,
                 data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.value_range = value_range
        self._range = _value_range(value_range, "AugMix(value_range)")
        self.num_chains = _check_count(num_chains, "AugMix(num_chains)")
        self.chain_depth = _check_count(chain_depth, "AugMix(chain_depth)")
        self.factor = _factor(factor, (0, 1), "AugMix(factor)")
        if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or alpha <= 0:
            raise ValueError(f"AugMix(alpha): expected a positive number, given {alpha!r}.")
        self.alpha = alpha
        self.all_ops = all_ops
        self.interpolation = _choice(interpolation, ("bilinear", "nearest"),
                                     "AugMix(interpolation)")
        names = _STRUCTURE_OPS + (_COLOUR_OPS if all_ops else ())
        self._ops = _augment_ops(self, names, self.factor, self._range, interpolation)

    def _augment(self, images):
        rng = self._generator()
        mixing = rng.dirichlet([self.alpha] * self.num_chains)
        weight = float(rng.beta(self.alpha, self.alpha))
        names = list(self._ops)
        mixed = None
        for k in range(self.num_chains):
            chain = images
            for pick in rng.integers(0, len(names) + 1, self.chain_depth):
                if int(pick) < len(names):  # the last choice is "no augmentation"
                    chain = self._ops[names[int(pick)]]._augment(chain)
            part = ops.multiply(chain, float(mixing[k]))
            mixed = part if mixed is None else ops.add(mixed, part)
        out = ops.add(ops.multiply(images, weight), ops.multiply(mixed, 1.0 - weight))
        return ops.clip(out, *self._range)

    def get_config(self):
        return {**super().get_config(), "value_range": self.value_range,
                "num_chains": self.num_chains, "chain_depth": self.chain_depth,
                "factor": self.factor, "alpha": self.alpha, "all_ops": self.all_ops,
                "interpolation": self.interpolation}


def _clahe_values(x, grid, clip_limit: float):
    """CLAHE of (batch, height, width, channels) values in [0, 255], an array of backend.xp
    in float32: one clipped histogram of 256 bins a tile, channel and image, its normalized
    cumulative sum as the tile's mapping, and each pixel mapped by the four nearest tiles'
    mappings, bilinearly weighted by its distance to their centres."""
    xp = backend.xp
    f32 = xp.float32
    n, height, width, channels = x.shape
    grid_h, grid_w = grid
    tile_h, tile_w = -(-height // grid_h), -(-width // grid_w)
    pad_h, pad_w = tile_h * grid_h - height, tile_w * grid_w - width
    if pad_h or pad_w:
        x = xp.pad(x, [(0, 0), (0, pad_h), (0, pad_w), (0, 0)], mode="symmetric")
    levels = xp.clip(x.astype(xp.int32), 0, 255)  # truncated, as an integer cast does
    tiles = levels.reshape(n, grid_h, tile_h, grid_w, tile_w, channels)
    tiles = tiles.transpose(0, 1, 3, 5, 2, 4).reshape(-1, tile_h * tile_w)
    rows = xp.arange(tiles.shape[0], dtype=xp.int64)[:, None] * 256
    hists = xp.bincount((rows + tiles).ravel(), minlength=tiles.shape[0] * 256)
    hists = hists.reshape(n, grid_h, grid_w, channels, 256).astype(f32)
    area = tile_h * tile_w
    if clip_limit > 0:
        clipped = xp.minimum(hists, f32(clip_limit * area / 256.0))
        excess = (hists - clipped).sum(axis=-1, keepdims=True)
        hists = clipped + excess / f32(256.0)
    cdf = xp.cumsum(hists, axis=-1)
    low = cdf.min(axis=-1, keepdims=True)
    span = f32(area) - low
    span = xp.where(span == 0, f32(1.0), span)
    table = xp.clip((cdf - low) * f32(255.0) / span, 0, 255)
    table = xp.concatenate([table[:, :1], table, table[:, -1:]], axis=1)
    table = xp.concatenate([table[:, :, :1], table, table[:, :, -1:]], axis=2)

    def corners(size, tile, count):
        position = (xp.arange(size, dtype=f32) - f32(tile / 2.0)) / f32(tile) + f32(1.0)
        first = xp.floor(position)
        weight = position - first
        return (xp.clip(first, 0, count + 1).astype(xp.int64),
                xp.clip(first + 1, 0, count + 1).astype(xp.int64), weight)

    y0, y1, wy = corners(tile_h * grid_h, tile_h, grid_h)
    x0, x1, wx = corners(tile_w * grid_w, tile_w, grid_w)
    b = xp.arange(n)[:, None, None, None]
    c = xp.arange(channels)[None, None, None, :]
    y0, y1, wy = (v[None, :, None, None] for v in (y0, y1, wy))
    x0, x1, wx = (v[None, None, :, None] for v in (x0, x1, wx))
    top = table[b, y0, x0, c, levels] * (1 - wx) + table[b, y0, x1, c, levels] * wx
    bottom = table[b, y1, x0, c, levels] * (1 - wx) + table[b, y1, x1, c, levels] * wx
    return (top * (1 - wy) + bottom * wy)[:, :height, :width].astype(f32)


class ContrastLimitedAdaptiveHistogramEqualization(_RandomImageLayer):
    """Contrast-limited adaptive histogram equalization (CLAHE), as Keras: the images (mapped
    to [0, 255] and cut to integer levels) are split into ``tile_grid_size`` tiles; each
    tile, channel and image gets a 256-bin histogram whose counts above clip_limit * tile
    pixels / 256 are cut and spread evenly over all bins, and its normalized cumulative sum
    maps levels to [0, 255] ((cdf - min cdf) * 255 / (pixels - min cdf), where the minimum
    runs over all 256 bins, as Keras); each pixel takes the bilinear blend of the mappings of
    the four tiles whose centres surround it. Images whose height or width is not a multiple of the
    grid are padded by mirroring for the histograms. Applies in training and in inference,
    as Keras. Not differentiable (the values are quantized).

    Args:
        value_range: (low, high) of the images. Defaults to ``(0, 255)``.
        clip_limit: the histogram's cap, in multiples of a flat histogram's height; 0 or less
            for plain adaptive equalization. Defaults to ``4.0``.
        tile_grid_size: (rows, cols) of tiles. Defaults to ``(8, 8)``.
        data_format: None or ``'channels_last'``. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Example:
        >>> clahe = numnet.layers.ContrastLimitedAdaptiveHistogramEqualization(
        ...     clip_limit=0, tile_grid_size=(1, 1))     # one tile, no limit: (cdf - 0) / 4
        >>> clahe(np.array([[[[10.0], [20.0], [30.0], [40.0]]]])).numpy().ravel()
        array([ 63.75, 127.5 , 191.25, 255.  ], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, value_range=(0, 255), clip_limit=4.0, tile_grid_size=(8, 8),
                 data_format=None, **kwargs):
        super().__init__(None, data_format, **kwargs)
        where = "ContrastLimitedAdaptiveHistogramEqualization"
        self.value_range = value_range
        self._range = _value_range(value_range, f"{where}(value_range)")
        if isinstance(clip_limit, bool) or not isinstance(clip_limit, (int, float)):
            raise ValueError(f"{where}(clip_limit): expected a number, given {clip_limit!r}.")
        self.clip_limit = clip_limit
        try:
            rows, cols = tile_grid_size
            ok = all(isinstance(v, int) and not isinstance(v, bool) and v >= 1
                     for v in (rows, cols))
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"{where}(tile_grid_size): expected two positive integers (rows, "
                             f"cols), given {tile_grid_size!r}.")
        self.tile_grid_size = tile_grid_size

    def call(self, inputs, training=True):
        _image_rank(self, inputs.shape, (3, 4))
        return _batched(self._augment, _as_float(self, inputs))

    def _augment(self, images):
        values = _rescale(images, self._range, (0, 255)).value.astype(backend.xp.float32)
        out = _clahe_values(values, tuple(self.tile_grid_size), float(self.clip_limit))
        out = _rescale(Tensor(out), (0, 255), self._range)
        return out if out.dtype == images.dtype else ops.cast(out, images.dtype)

    def get_config(self):
        config = super().get_config()
        config.pop("seed", None)
        return {**config, "value_range": self.value_range, "clip_limit": self.clip_limit,
                "tile_grid_size": self.tile_grid_size}


__all__ = ["AugMix", "ContrastLimitedAdaptiveHistogramEqualization", "RandAugment",
           "RandomColorJitter", "RandomElasticTransform", "RandomPerspective", "RandomShear"]
