"""Image layers, channels last: UpSampling1D/2D, ZeroPadding1D/2D, Cropping1D/2D, Resizing,
CenterCrop, and the augmentations RandomFlip, RandomRotation, RandomTranslation, RandomZoom,
RandomContrast, RandomBrightness and RandomCrop (random in training only).

Resizing follows ``jax.image.resize`` (what Keras 3 computes on JAX): each output pixel's centre
maps back to input position (i + 0.5) * in / out - 0.5, weighted by the method's kernel over
the input pixels, normalized over those inside the image. Rotations, translations and zooms
follow Keras's ``affine_transform``: the output pixel (row, col) samples the input at
(b0 col + b1 row + b2, a0 col + a1 row + a2), its fill mode deciding what lies outside.
Every op here is linear in the image, with its backward written out, so the layers can sit
anywhere in a model.

Why one file of about 800 lines: the image layers share the argument checks, the random
layers' base and the affine transforms defined here.
"""

from __future__ import annotations

import math

import numpy as np

from .. import backend
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from ..ops.image import (  # noqa: F401  (the kernels live with the ops; names kept here)
    FILL_MODES,
    INTERPOLATIONS,
    _resize_like_keras,
    resize_images,
    resize_weights,
)
from ..ops.image import affine_kernel as affine_transform
from ..ops.image import pad_constant as pad_images
from .base import Layer
from .convolutional import channels_last

# ----------------------------------------------------------------------------- checks


def _choice(value, allowed, where: str) -> str:
    if value not in allowed:
        raise ValueError(f"{where}: expected one of {list(allowed)}, given {value!r}.")
    return value


def _int_pair(value, where: str, allow_zero: bool = True) -> tuple:
    """An int or two ints (>= 0, or >= 1 unless ``allow_zero``) as a pair."""
    low = 0 if allow_zero else 1
    values = (value, value) if isinstance(value, int) and not isinstance(value, bool) else value
    try:
        values = tuple(values)
        ok = len(values) == 2 and all(isinstance(v, int) and not isinstance(v, bool)
                                      and v >= low for v in values)
    except TypeError:
        ok = False
    if not ok:
        raise ValueError(f"{where}: expected an integer >= {low} or a tuple of two of them, "
                         f"given {value!r}.")
    return values


def _pairs_2d(value, where: str) -> tuple:
    """((top, bottom), (left, right)) from an int, (rows, cols) or two pairs, each >= 0."""
    if isinstance(value, int) and not isinstance(value, bool):
        return (_int_pair(value, where),) * 2
    try:
        first, second = value
    except (TypeError, ValueError):
        raise ValueError(f"{where}: expected an int, a tuple of two ints, or two tuples of two "
                         f"ints ((top, bottom), (left, right)), given {value!r}.") from None
    return _int_pair(first, where), _int_pair(second, where)


def _image_rank(layer: Layer, shape, ranks=(4,)) -> None:
    if len(shape) not in ranks:
        wanted = " or ".join(
            {3: "3 axes (height, width, channels)",
             4: "4 axes (batch, height, width, channels)"}[r] for r in ranks)
        raise ValueError(f"Input of layer {layer.name!r}: expected {wanted}, given shape "
                         f"{tuple(shape)}." + (" Add a channels axis, e.g. x[..., None]."
                                               if len(shape) == min(ranks) - 1 else ""))


def _factor_range(factor, where: str, bounds=(-1.0, 1.0)) -> tuple:
    """(lower, upper) of a random layer's factor: a number f gives (-f, f) cut to ``bounds``,
    a pair is sorted; every number must lie in ``bounds``."""
    def number(v):
        return isinstance(v, (int, float)) and not isinstance(v, bool)

    if number(factor):
        if not bounds[0] <= factor <= bounds[1]:
            raise ValueError(f"{where}: expected a number in [{bounds[0]}, {bounds[1]}] or a "
                             f"pair of them, given {factor!r}.")
        f = abs(float(factor))
        return max(-f, bounds[0]), f
    if isinstance(factor, (tuple, list)) and len(factor) == 2 and all(map(number, factor)) \
            and all(bounds[0] <= v <= bounds[1] for v in factor):
        lower, upper = sorted(float(v) for v in factor)
        return lower, upper
    raise ValueError(f"{where}: expected a number in [{bounds[0]}, {bounds[1]}] or a pair "
                     f"(lower, upper) of them, given {factor!r}.")


def repeat(x, times: int, axis: int) -> Tensor:
    """Each entry of ``x`` repeated ``times`` along ``axis`` (nearest up-sampling);
    backward: the gradient summed over each block of copies."""
    x = ops.as_tensor(x)
    axis = axis % x.ndim
    out = backend.xp.repeat(x.value, times, axis=axis)
    shape = (*x.shape[:axis], x.shape[axis], times, *x.shape[axis + 1:])
    return ops.node(out, (x,), lambda g: ops.accumulate(x, g.reshape(shape).sum(axis=axis + 1)))


def _as_float(layer: Layer, inputs) -> Tensor:
    """The images as a float Tensor of the layer's compute dtype (as Keras casts them)."""
    x = inputs if isinstance(inputs, Tensor) else ops.as_tensor(inputs)
    return x if x.dtype == layer._compute else ops.cast(x, layer._compute)


def _batched(fn, x: Tensor):
    """``fn`` on a batch; a single image (3 axes) gets a batch axis of 1 around the call."""
    if x.ndim == 3:
        out = fn(ops.reshape(x, (1, *x.shape)))
        return ops.reshape(out, out.shape[1:])
    return fn(x)


# ----------------------------------------------------------------------------- affine maps


def rotation_transforms(angles, height: int, width: int) -> np.ndarray:
    """(batch, 8) transforms rotating each image by its angle (radians, counter-clockwise)
    about its centre ((width - 1) / 2, (height - 1) / 2), as Keras's RandomRotation."""
    angles = np.asarray(angles, dtype=np.float32).reshape(-1)
    cx, cy = np.float32(0.5 * (width - 1)), np.float32(0.5 * (height - 1))
    cos, sin = np.cos(angles), np.sin(angles)
    zeros = np.zeros_like(angles)
    a0, a1, b0, b1 = cos, -sin, sin, cos
    return np.stack([a0, a1, cx - cx * a0 - cy * a1, b0, b1, cy - cx * b0 - cy * b1,
                     zeros, zeros], axis=1).astype(np.float32)


# ----------------------------------------------------------------------------- layers


class UpSampling1D(Layer):
    """Repeat each step ``size`` times: (batch, steps, features) -> (batch, steps * size,
    features).

    Args:
        size: how many times each step is repeated, a positive integer. Defaults to 2.

    Example:
        >>> numnet.layers.UpSampling1D(2)(np.array([[[1.0], [2.0]]])).numpy()[0, :, 0]
        array([1., 1., 2., 2.], dtype=float32)
    """

    def __init__(self, size: int = 2, **kwargs):
        super().__init__(**kwargs)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"UpSampling1D(size): expected a positive integer (how many times "
                             f"to repeat each step), given {size!r}.")
        self.size = size

    def compute_output_shape(self, input_shape):
        if len(input_shape) != 3:
            raise ValueError(f"Input of layer {self.name!r}: expected 3 axes (batch, steps, "
                             f"features), given shape {tuple(input_shape)}.")
        steps = input_shape[1]
        return (input_shape[0], None if steps is None else steps * self.size, input_shape[2])

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        return repeat(inputs, self.size, 1)

    def get_config(self):
        return {**super().get_config(), "size": self.size}


class UpSampling2D(Layer):
    """Enlarge images by integer factors: (batch, h, w, c) -> (batch, h * size[0],
    w * size[1], c).

    Args:
        size: an int or (rows, cols). Defaults to (2, 2).
        data_format: None or "channels_last" (the only layout numnet computes).
        interpolation: "nearest" (default: each pixel repeated) or "bilinear" (also "bicubic",
            "lanczos3", "lanczos5"), computed as Keras on JAX (half-pixel centres, edges
            clamped).

    Example:
        >>> x = np.arange(4, dtype="float32").reshape(1, 2, 2, 1)
        >>> numnet.layers.UpSampling2D((1, 2))(x).numpy()[0, :, :, 0]
        array([[0., 0., 1., 1.],
               [2., 2., 3., 3.]], dtype=float32)
        >>> numnet.layers.UpSampling2D((1, 2), interpolation="bilinear")(x).numpy()[0, 0, :, 0]
        array([0.  , 0.25, 0.75, 1.  ], dtype=float32)
    """

    def __init__(self, size=(2, 2), data_format=None, interpolation: str = "nearest",
                 **kwargs):
        super().__init__(**kwargs)
        self.size = _int_pair(size, "UpSampling2D(size)", allow_zero=False)
        self.data_format = channels_last(data_format, "UpSampling2D(data_format)")
        mode = interpolation.lower() if isinstance(interpolation, str) else interpolation
        self.interpolation = _choice(mode, INTERPOLATIONS, "UpSampling2D(interpolation)")

    def compute_output_shape(self, input_shape):
        _image_rank(self, input_shape)
        b, h, w, c = input_shape
        return (b, None if h is None else h * self.size[0],
                None if w is None else w * self.size[1], c)

    def call(self, inputs):
        _image_rank(self, inputs.shape)
        if self.interpolation == "nearest":
            return repeat(repeat(inputs, self.size[0], 1), self.size[1], 2)
        size = (inputs.shape[1] * self.size[0], inputs.shape[2] * self.size[1])
        return resize_images(inputs, size, self.interpolation)

    def get_config(self):
        return {**super().get_config(), "size": self.size, "data_format": self.data_format,
                "interpolation": self.interpolation}


class ZeroPadding1D(Layer):
    """Zeros added at the start and end of the steps axis of (batch, steps, features).

    Args:
        padding: an int (both ends) or (start, end). Defaults to 1.
        data_format: None or "channels_last".

    Example:
        >>> numnet.layers.ZeroPadding1D((1, 2))(np.ones((1, 2, 1))).numpy()[0, :, 0]
        array([0., 1., 1., 0., 0.], dtype=float32)
    """

    def __init__(self, padding=1, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _int_pair(padding, "ZeroPadding1D(padding)")
        self.data_format = channels_last(data_format, "ZeroPadding1D(data_format)")

    def compute_output_shape(self, input_shape):
        steps = input_shape[1]
        return (input_shape[0], None if steps is None else steps + sum(self.padding),
                *input_shape[2:])

    def call(self, inputs):
        return pad_images(inputs, (self.padding,))

    def get_config(self):
        return {**super().get_config(), "padding": self.padding,
                "data_format": self.data_format}


class ZeroPadding2D(Layer):
    """Rows and columns of zeros around images (batch, h, w, c).

    Args:
        padding: an int (all sides), (rows, cols) (symmetric), or ((top, bottom),
            (left, right)). Defaults to (1, 1).
        data_format: None or "channels_last".

    Example:
        >>> numnet.layers.ZeroPadding2D(((1, 0), (2, 2)))(np.ones((1, 5, 5, 3))).shape
        (1, 6, 9, 3)
    """

    def __init__(self, padding=(1, 1), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.padding = _pairs_2d(padding, "ZeroPadding2D(padding)")
        self.data_format = channels_last(data_format, "ZeroPadding2D(data_format)")

    def compute_output_shape(self, input_shape):
        _image_rank(self, input_shape)
        b, h, w, c = input_shape
        (top, bottom), (left, right) = self.padding
        return (b, None if h is None else h + top + bottom,
                None if w is None else w + left + right, c)

    def call(self, inputs):
        _image_rank(self, inputs.shape)
        return pad_images(inputs, self.padding)

    def get_config(self):
        return {**super().get_config(), "padding": self.padding,
                "data_format": self.data_format}


class Cropping1D(Layer):
    """Steps cut from the start and end of (batch, steps, features).

    Args:
        cropping: an int (both ends) or (start, end). Defaults to (1, 1).

    Example:
        >>> x = np.arange(6.0).reshape(1, 6, 1)
        >>> numnet.layers.Cropping1D((1, 2))(x).numpy()[0, :, 0]
        array([1., 2., 3.], dtype=float32)
    """

    def __init__(self, cropping=(1, 1), **kwargs):
        super().__init__(**kwargs)
        self.cropping = _int_pair(cropping, "Cropping1D(cropping)")

    def compute_output_shape(self, input_shape):
        steps = input_shape[1]
        if steps is not None and steps - sum(self.cropping) < 1:
            raise ValueError(f"Input of layer {self.name!r}: cropping {self.cropping} leaves no "
                             f"step of the {steps} given (shape {tuple(input_shape)}).")
        return (input_shape[0], None if steps is None else steps - sum(self.cropping),
                *input_shape[2:])

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        start, end = self.cropping
        return ops.getitem(inputs, (slice(None), slice(start, inputs.shape[1] - end)))

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping}


class Cropping2D(Layer):
    """Rows and columns cut from the edges of images (batch, h, w, c).

    Args:
        cropping: an int (all sides), (rows, cols) (symmetric), or ((top, bottom),
            (left, right)). Defaults to ((0, 0), (0, 0)).
        data_format: None or "channels_last".

    Example:
        >>> numnet.layers.Cropping2D(((2, 2), (4, 4)))(np.ones((1, 28, 28, 3))).shape
        (1, 24, 20, 3)
    """

    def __init__(self, cropping=((0, 0), (0, 0)), data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.cropping = _pairs_2d(cropping, "Cropping2D(cropping)")
        self.data_format = channels_last(data_format, "Cropping2D(data_format)")

    def compute_output_shape(self, input_shape):
        _image_rank(self, input_shape)
        b, h, w, c = input_shape
        (top, bottom), (left, right) = self.cropping
        for size, cut in ((h, top + bottom), (w, left + right)):
            if size is not None and size - cut < 1:
                raise ValueError(
                    f"Input of layer {self.name!r}: cropping {self.cropping} leaves nothing "
                    f"of an image of shape {tuple(input_shape[1:3])}; crop less.")
        return (b, None if h is None else h - top - bottom,
                None if w is None else w - left - right, c)

    def call(self, inputs):
        self.compute_output_shape(inputs.shape)
        (top, bottom), (left, right) = self.cropping
        h, w = inputs.shape[1:3]
        return ops.getitem(inputs, (slice(None), slice(top, h - bottom),
                                    slice(left, w - right)))

    def get_config(self):
        return {**super().get_config(), "cropping": self.cropping,
                "data_format": self.data_format}


class Resizing(Layer):
    """Resize images to (height, width), as Keras 3 on JAX (``jax.image.resize``).

    Args:
        height, width: the output size.
        interpolation: "bilinear" (default), "nearest", "bicubic", "lanczos3" or "lanczos5".
            Bilinear uses half-pixel centres: output pixel j reads input position
            (j + 0.5) in / out - 0.5, weights normalized at the edges.
        crop_to_aspect_ratio: first crop the largest centred box of the target's aspect
            ratio (no distortion). Defaults to False.
        pad_to_aspect_ratio: first pad (with ``fill_value``) to the target's aspect ratio.
            Defaults to False.
        fill_mode: "constant" only (as Keras). fill_value: defaults to 0.
        antialias: widen the kernel when shrinking (a low-pass filter). Defaults to False.
        data_format: None or "channels_last".

    Accepts (batch, h, w, c) or one image (h, w, c). Integer images come back rounded, in
    their dtype (as Keras). The op is linear, so gradients flow through it.

    Example:
        >>> x = np.array([1.0, 3.0, 5.0, 9.0]).reshape(1, 1, 4, 1)
        >>> numnet.layers.Resizing(1, 2)(x).numpy().ravel()   # pixel centres 0.5 and 2.5
        array([2., 7.], dtype=float32)
    """

    def __init__(self, height: int, width: int, interpolation: str = "bilinear",
                 crop_to_aspect_ratio: bool = False, pad_to_aspect_ratio: bool = False,
                 fill_mode: str = "constant", fill_value: float = 0.0, antialias: bool = False,
                 data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = _int_pair((height, width), "Resizing(height, width)",
                                            allow_zero=False)
        self.interpolation = _choice(interpolation, INTERPOLATIONS, "Resizing(interpolation)")
        if crop_to_aspect_ratio and pad_to_aspect_ratio:
            raise ValueError("Resizing: crop_to_aspect_ratio and pad_to_aspect_ratio cannot "
                             "both be True; choose one.")
        self.crop_to_aspect_ratio = bool(crop_to_aspect_ratio)
        self.pad_to_aspect_ratio = bool(pad_to_aspect_ratio)
        self.fill_mode = _choice(fill_mode, ("constant",), "Resizing(fill_mode)")
        self.fill_value = float(fill_value)
        self.antialias = bool(antialias)
        self.data_format = channels_last(data_format, "Resizing(data_format)")

    def compute_output_shape(self, input_shape):
        _image_rank(self, input_shape, (3, 4))
        return (*input_shape[:-3], self.height, self.width, input_shape[-1])

    def call(self, inputs):
        _image_rank(self, inputs.shape, (3, 4))
        x = inputs if isinstance(inputs, Tensor) else ops.as_tensor(inputs)
        integer = not backend.is_float_dtype(x.dtype)
        if integer:
            x = ops.cast(x, backend.floatx())

        def resize(batch):
            return _resize_like_keras(batch, (self.height, self.width), self.interpolation,
                                      self.antialias, self.crop_to_aspect_ratio,
                                      self.pad_to_aspect_ratio, self.fill_value)

        out = _batched(resize, x)
        if integer:
            info = np.iinfo(inputs.dtype)
            value = backend.xp.clip(backend.xp.round(out.value), info.min, info.max)
            return Tensor(value.astype(inputs.dtype))
        return out

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "interpolation": self.interpolation,
                "crop_to_aspect_ratio": self.crop_to_aspect_ratio,
                "pad_to_aspect_ratio": self.pad_to_aspect_ratio, "fill_mode": self.fill_mode,
                "fill_value": self.fill_value, "antialias": self.antialias,
                "data_format": self.data_format}


class CenterCrop(Layer):
    """The centred (height, width) box of each image; an image smaller than that is first
    cropped to the target's aspect ratio, then resized bilinearly (Keras's smart resize).

    Args:
        height, width: the output size.
        data_format: None or "channels_last".

    Example:
        >>> x = np.arange(16.0).reshape(1, 4, 4, 1)
        >>> numnet.layers.CenterCrop(2, 2)(x).numpy()[0, :, :, 0]
        array([[ 5.,  6.],
               [ 9., 10.]], dtype=float32)
    """

    def __init__(self, height: int, width: int, data_format=None, **kwargs):
        super().__init__(**kwargs)
        self.height, self.width = _int_pair((height, width), "CenterCrop(height, width)",
                                            allow_zero=False)
        self.data_format = channels_last(data_format, "CenterCrop(data_format)")

    def compute_output_shape(self, input_shape):
        _image_rank(self, input_shape, (3, 4))
        return (*input_shape[:-3], self.height, self.width, input_shape[-1])

    def call(self, inputs):
        _image_rank(self, inputs.shape, (3, 4))
        x = _as_float(self, inputs)
        h, w = x.shape[-3:-1]
        if h >= self.height and w >= self.width:
            top, left = (h - self.height) // 2, (w - self.width) // 2
            box = (slice(top, top + self.height), slice(left, left + self.width))
            return ops.getitem(x, (Ellipsis, *box, slice(None)))

        def smart_resize(batch):
            return _resize_like_keras(batch, (self.height, self.width), "bilinear", crop=True)

        return _batched(smart_resize, x)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width,
                "data_format": self.data_format}


class _RandomImageLayer(Layer):
    """What the augmentation layers share: active only when called with training=True (the
    identity in inference, as Keras), random numbers from ``seed`` (numnet's generator when
    None), one draw per image, images of 4 axes or one image of 3.

    As Keras's, each also takes a dict ``{"images": ..., "labels": ..., "segmentation_masks":
    ..., "bounding_boxes": ...}`` (only "images" required) and returns the dict with the images
    augmented. Labels pass unchanged. A layer that changes colours only (``_keeps_geometry``)
    passes masks and boxes unchanged, as Keras's. A layer that moves pixels moves the masks by
    the same draws when it can replay them (``_replay``: the affine and shear-like layers, in
    the compute dtype as Keras's); boxes (and masks where it cannot) it refuses with
    NotImplementedError, since numnet would leave them where they were."""

    _keeps_geometry = False
    _last_draw = None
    _DATA_KEYS = ("images", "labels", "segmentation_masks", "bounding_boxes")

    def __init__(self, seed: int | None = None, data_format=None, bounding_box_format=None,
                 **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self._rng = None
        self.data_format = channels_last(data_format, f"{type(self).__name__}(data_format)")
        self.bounding_box_format = bounding_box_format

    def __call__(self, inputs, *args, **kwargs):
        if isinstance(inputs, dict) and not getattr(self, "_takes_structures", False):
            return self._call_on_dict(inputs, *args, **kwargs)
        return super().__call__(inputs, *args, **kwargs)

    def _call_on_dict(self, data: dict, *args, **kwargs) -> dict:
        where = f"{self.name} ({type(self).__name__})"
        unknown = sorted(set(data) - set(self._DATA_KEYS))
        if "images" not in data or unknown:
            raise ValueError(f"{where}: a dict input holds 'images' and optionally 'labels', "
                             f"'segmentation_masks', 'bounding_boxes'; given keys "
                             f"{sorted(data, key=str)}.")
        if "bounding_boxes" in data and not self.bounding_box_format:
            raise ValueError(f"{where}: the input has 'bounding_boxes' but the layer has no "
                             "bounding_box_format; pass one, e.g. "
                             f"{type(self).__name__}(..., bounding_box_format='xyxy').")
        replays = type(self)._replay is not _RandomImageLayer._replay
        boxes_move = callable(getattr(self, "transform_bounding_boxes", None))
        moved = [k for k in ("segmentation_masks", "bounding_boxes") if k in data
                 and not (k == "segmentation_masks" and replays)
                 and not (k == "bounding_boxes" and boxes_move)]
        if moved and not self._keeps_geometry:
            raise NotImplementedError(
                f"{where}: this layer moves pixels, and numnet does not move "
                f"{' or '.join(repr(k) for k in moved)} with the images (Keras does). Augment "
                "the images (and masks) alone, or use a layer that changes colours only.")
        self._last_draw = None
        out = dict(data)
        out["images"] = super().__call__(data["images"], *args, **kwargs)
        draw, self._last_draw = self._last_draw, None
        if "segmentation_masks" in data and replays and not self._keeps_geometry:
            masks = _as_float(self, data["segmentation_masks"])
            if draw is not None:  # (None: inference, nothing moved)
                single = masks.ndim == 3
                masks = ops.reshape(masks, (1, *masks.shape)) if single else masks
                masks = self._replay(masks, draw)
                masks = ops.reshape(masks, masks.shape[1:]) if single else masks
            out["segmentation_masks"] = masks
        if "bounding_boxes" in data and boxes_move and not self._keeps_geometry:
            out["bounding_boxes"] = self.transform_bounding_boxes(
                dict(data["bounding_boxes"]), draw, training=draw is not None)
        return out

    def _replay(self, masks, draw):
        """``masks`` moved by the draw ``_augment`` recorded in ``_last_draw``."""
        raise NotImplementedError

    def _generator(self):
        if self.seed is None:
            return backend.rng()
        if self._rng is None:
            self._rng = np.random.default_rng(self.seed)
        return self._rng

    def _uniform(self, low: float, high: float, count: int) -> np.ndarray:
        return self._generator().uniform(low, high, count).astype(np.float32)

    def compute_output_shape(self, input_shape):
        _image_rank(self, input_shape, (3, 4))
        return tuple(input_shape)

    def call(self, inputs, training=True):
        _image_rank(self, inputs.shape, (3, 4))
        x = _as_float(self, inputs)
        if not training:
            return x
        return _batched(self._augment, x)

    def _augment(self, images: Tensor) -> Tensor:
        raise NotImplementedError

    def get_config(self):
        config = {**super().get_config(), "seed": self.seed, "data_format": self.data_format}
        if self.bounding_box_format is not None:
            config["bounding_box_format"] = self.bounding_box_format
        return config


class RandomCrop(_RandomImageLayer):
    """In training, a random (height, width) window of each batch (one position for the
    batch, as Keras); in inference, and for images not larger than the window, the largest
    centred box of the window's aspect ratio resized to (height, width) (as CenterCrop's
    smart resize).

    Args:
        height, width: the output size.
        seed: for reproducible windows. Defaults to None (numnet's generator).
        data_format: None or "channels_last".

    Keras 3.15 returns the image uncropped in inference, which breaks any layer after it; its
    documentation describes the behaviour numnet follows.

    Example:
        >>> crop = numnet.layers.RandomCrop(24, 24, seed=0)
        >>> crop(np.ones((2, 28, 28, 3)), training=True).shape
        (2, 24, 24, 3)
    """

    def __init__(self, height: int, width: int, seed: int | None = None, data_format=None,
                 **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.height, self.width = _int_pair((height, width), "RandomCrop(height, width)",
                                            allow_zero=False)

    def compute_output_shape(self, input_shape):
        _image_rank(self, input_shape, (3, 4))
        return (*input_shape[:-3], self.height, self.width, input_shape[-1])

    def call(self, inputs, training=True):
        _image_rank(self, inputs.shape, (3, 4))
        x = _as_float(self, inputs)
        h, w = x.shape[-3:-1]
        if training and h > self.height and w > self.width:
            top = int(self._generator().integers(0, h - self.height + 1))
            left = int(self._generator().integers(0, w - self.width + 1))
            box = (slice(top, top + self.height), slice(left, left + self.width))
            return ops.getitem(x, (Ellipsis, *box, slice(None)))

        def smart_resize(batch):
            return _resize_like_keras(batch, (self.height, self.width), "bilinear", crop=True)

        return _batched(smart_resize, x)

    def get_config(self):
        return {**super().get_config(), "height": self.height, "width": self.width}


class RandomBrightness(_RandomImageLayer):
    """In training, add to each image a random delta (one per image, all channels), then clip
    to ``value_range``; the identity in inference::

        out = clip(x + u * (high - low), low, high),   u uniform in [lower, upper]

    Args:
        factor: a number f in [0, 1] (u in [-f, f]) or a pair (lower, upper) in [-1, 1].
        value_range: (low, high) of the images. Defaults to (0, 255).
        seed: for reproducible deltas. Defaults to None (numnet's generator).
        data_format: None or "channels_last".

    Example:
        >>> brighter = numnet.layers.RandomBrightness((0.5, 0.5), value_range=(0, 1))
        >>> brighter(np.array([0.1, 0.7]).reshape(1, 1, 2, 1), training=True).numpy().ravel()
        array([0.6, 1. ], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor, value_range=(0, 255), seed: int | None = None,
                 data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor_range(factor, "RandomBrightness(factor)")
        try:
            low, high = sorted(float(v) for v in value_range)
        except (TypeError, ValueError):
            raise ValueError(f"RandomBrightness(value_range): expected (low, high), given "
                             f"{value_range!r}.") from None
        self.value_range = (low, high)

    def _augment(self, images):
        low, high = self.value_range
        delta = self._uniform(*self.factor, images.shape[0]) * np.float32(high - low)
        delta = backend.to_device(delta.astype(images.dtype).reshape(-1, 1, 1, 1))
        return ops.clip(ops.add(images, delta), low, high)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


class RandomFlip(_RandomImageLayer):
    """In training, flip each image with probability 1/2 (identity in inference).

    Args:
        mode: "horizontal" (left-right), "vertical" (up-down) or "horizontal_and_vertical"
            (default: both at once, by one draw per image, as Keras).
        seed: for reproducible flips. Defaults to None (numnet's generator).
        data_format: None or "channels_last".

    Example:
        >>> x = np.arange(3.0).reshape(1, 1, 3, 1)
        >>> flip = numnet.layers.RandomFlip("horizontal", seed=2)
        >>> flip(x, training=False).numpy().ravel()
        array([0., 1., 2.], dtype=float32)
        >>> flip(x, training=True).numpy().ravel()
        array([2., 1., 0.], dtype=float32)
    """

    def __init__(self, mode: str = "horizontal_and_vertical", seed: int | None = None,
                 data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.mode = _choice(mode, ("horizontal", "vertical", "horizontal_and_vertical"),
                            "RandomFlip(mode)")

    _keeps_geometry = True  # (masks and boxes are flipped with the images: _call_on_dict)

    def _call_on_dict(self, data: dict, *args, **kwargs) -> dict:
        """Keras's data dict: the segmentation masks flipped as their images, the boxes (in
        ``bounding_box_format``) mirrored, a box left with no area labelled -1."""
        self._last_flips = None
        out = super()._call_on_dict(data, *args, **kwargs)
        flips, self._last_flips = self._last_flips, None
        if "segmentation_masks" in data:  # (as images: in the compute dtype, as Keras's)
            masks = _as_float(self, data["segmentation_masks"])
            if flips is not None:
                single = masks.ndim == 3
                masks = ops.reshape(masks, (1, *masks.shape)) if single else masks
                masks = self._augment(masks, flips)
                masks = ops.reshape(masks, masks.shape[1:]) if single else masks
            out["segmentation_masks"] = masks
        if flips is None:  # inference: nothing moved
            return out
        if "bounding_boxes" in data:
            height, width = tuple(ops.as_tensor(data["images"]).shape)[-3:-1]
            out["bounding_boxes"] = self._flip_boxes(dict(data["bounding_boxes"]), flips,
                                                     height, width)
        return out

    def _flip_boxes(self, boxes: dict, flips, height: int, width: int) -> dict:
        from ..preprocessing import bounding_boxes as bb

        xp = backend.xp
        rel = bb.convert_format(dict(boxes), self.bounding_box_format, "rel_xyxy",
                                height=height, width=width)
        values = backend.to_device(rel["boxes"].value)
        x1, y1, x2, y2 = (values[..., i] for i in range(4))
        chosen = backend.to_device(flips).reshape((-1,) + (1,) * (values.ndim - 2))
        if self.mode in ("horizontal", "horizontal_and_vertical"):
            x1, x2 = xp.where(chosen, 1 - x2, x1), xp.where(chosen, 1 - x1, x2)
        if self.mode in ("vertical", "horizontal_and_vertical"):
            y1, y2 = xp.where(chosen, 1 - y2, y1), xp.where(chosen, 1 - y1, y2)
        rel["boxes"] = xp.stack([x1, y1, x2, y2], axis=-1)
        rel = bb.clip_to_image_size(rel, height=height, width=width)  # (labels of empty: -1)
        return bb.convert_format(rel, "rel_xyxy", self.bounding_box_format, height=height,
                                 width=width)

    def _augment(self, images, flips=None):
        """The images flipped by ``flips`` (one bool an image), drawn here when None."""
        if flips is None:
            flips = self._generator().random(images.shape[0]) <= 0.5
            self._last_flips = flips
        h, w = images.shape[1:3]
        rows, cols = np.arange(h), np.arange(w)
        # One gather: a flipped image reads row h-1-r and/or column w-1-c.
        row_index = np.where(flips[:, None], rows[::-1], rows)
        col_index = np.where(flips[:, None], cols[::-1], cols)
        if self.mode == "horizontal":
            row_index = np.broadcast_to(rows, (images.shape[0], h))
        elif self.mode == "vertical":
            col_index = np.broadcast_to(cols, (images.shape[0], w))
        batch = np.arange(images.shape[0])[:, None, None]
        index = (batch, row_index[:, :, None], col_index[:, None, :])
        return ops.getitem(images, index)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode}


class _AffineLayer(_RandomImageLayer):
    """A random affine map per image, resampled with ``interpolation`` and ``fill_mode``."""

    def __init__(self, fill_mode="reflect", interpolation="bilinear", seed=None,
                 fill_value=0.0, data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        where = type(self).__name__
        self.fill_mode = _choice(fill_mode, FILL_MODES, f"{where}(fill_mode)")
        self.interpolation = _choice(interpolation, ("bilinear", "nearest"),
                                     f"{where}(interpolation)")
        self.fill_value = float(fill_value)

    def _augment(self, images):
        transforms = self._transforms(images.shape[0], *images.shape[1:3])
        self._last_draw = transforms
        return self._replay(images, transforms)

    def _replay(self, masks, draw):
        return affine_transform(masks, draw, self.interpolation, self.fill_mode,
                                self.fill_value)

    def _transforms(self, count: int, height: int, width: int) -> np.ndarray:
        raise NotImplementedError

    def get_config(self):
        return {**super().get_config(), "fill_mode": self.fill_mode,
                "interpolation": self.interpolation, "fill_value": self.fill_value}


class RandomRotation(_AffineLayer):
    """In training, rotate each image about its centre by a random angle (identity in
    inference).

    Args:
        factor: a fraction of a full turn: f rotates by an angle uniform in
            [-f * 2 pi, f * 2 pi]; a pair (lower, upper) by one in [lower * 2 pi,
            upper * 2 pi]. Each in [-1, 1]. Positive angles turn counter-clockwise.
        fill_mode: how the image extends past its edges: "reflect" (default), "wrap",
            "constant" (``fill_value``) or "nearest".
        interpolation: "bilinear" (default) or "nearest".
        seed: for reproducible angles. fill_value: defaults to 0.

    Example:
        >>> x = np.arange(4.0).reshape(1, 2, 2, 1)
        >>> quarter = numnet.layers.RandomRotation((0.25, 0.25))   # always a quarter turn
        >>> quarter(x, training=True).numpy()[0, :, :, 0].round(4)
        array([[1., 3.],
               [0., 2.]], dtype=float32)
    """

    def __init__(self, factor, fill_mode: str = "reflect", interpolation: str = "bilinear",
                 seed: int | None = None, fill_value: float = 0.0, data_format=None,
                 **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.lower, self.upper = _factor_range(factor, "RandomRotation(factor)")
        self.factor = factor

    def _transforms(self, count, height, width):
        degrees = self._uniform(self.lower * 360.0, self.upper * 360.0, count)
        return rotation_transforms(degrees * np.float32(math.pi / 180.0), height, width)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


class RandomTranslation(_AffineLayer):
    """In training, shift each image by a random fraction of its height and width (identity
    in inference).

    Args:
        height_factor, width_factor: f shifts by up to f * size either way; a pair (lower,
            upper) by a fraction in that range (negative: up / left). Each in [-1, 1].
        fill_mode ("reflect"), interpolation ("bilinear"), seed, fill_value (0): as
            RandomRotation.

    Example:
        >>> x = np.arange(4.0).reshape(1, 2, 2, 1)
        >>> down = numnet.layers.RandomTranslation((0.5, 0.5), 0.0, fill_mode="constant")
        >>> down(x, training=True).numpy()[0, :, :, 0]   # half the height: one row
        array([[0., 0.],
               [0., 1.]], dtype=float32)
    """

    def __init__(self, height_factor, width_factor, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None,
                 fill_value: float = 0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_range = _factor_range(height_factor, "RandomTranslation(height_factor)")
        self.width_range = _factor_range(width_factor, "RandomTranslation(width_factor)")
        self.height_factor, self.width_factor = height_factor, width_factor

    def _transforms(self, count, height, width):
        dy = self._uniform(*self.height_range, count) * np.float32(height)
        dx = self._uniform(*self.width_range, count) * np.float32(width)
        one, zero = np.ones(count, np.float32), np.zeros(count, np.float32)
        return np.stack([one, zero, -dx, zero, one, -dy, zero, zero], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}


class RandomZoom(_AffineLayer):
    """In training, zoom each image about its centre by a random factor (identity in
    inference).

    Args:
        height_factor: f zooms the height by 1 + z, z uniform in [-f, f] (positive z: zoom
            out, the image smaller; negative: zoom in); a pair (lower, upper) gives z's range.
            Each in [-1, 1].
        width_factor: likewise for the width; None (default) keeps the aspect ratio (one z
            for both).
        fill_mode ("reflect"), interpolation ("bilinear"), seed, fill_value (0): as
            RandomRotation.

    Example:
        >>> x = np.arange(9.0).reshape(1, 3, 3, 1)
        >>> out = numnet.layers.RandomZoom((1.0, 1.0), fill_mode="constant")   # 2x out
        >>> out(x, training=True).numpy()[0, :, :, 0]
        array([[0., 0., 0.],
               [0., 4., 0.],
               [0., 0., 0.]], dtype=float32)
    """

    def __init__(self, height_factor, width_factor=None, fill_mode: str = "reflect",
                 interpolation: str = "bilinear", seed: int | None = None,
                 fill_value: float = 0.0, data_format=None, **kwargs):
        super().__init__(fill_mode, interpolation, seed, fill_value, data_format, **kwargs)
        self.height_range = _factor_range(height_factor, "RandomZoom(height_factor)")
        self.width_range = (None if width_factor is None else
                            _factor_range(width_factor, "RandomZoom(width_factor)"))
        self.height_factor, self.width_factor = height_factor, width_factor

    def _transforms(self, count, height, width):
        zy = self._uniform(1.0 + self.height_range[0], 1.0 + self.height_range[1], count)
        zx = zy if self.width_range is None else self._uniform(
            1.0 + self.width_range[0], 1.0 + self.width_range[1], count)
        zero = np.zeros(count, np.float32)
        x_offset = np.float32((width - 1.0) / 2.0) * (1.0 - zx)
        y_offset = np.float32((height - 1.0) / 2.0) * (1.0 - zy)
        return np.stack([zx, zero, x_offset, zero, zy, y_offset, zero, zero], axis=1)

    def get_config(self):
        return {**super().get_config(), "height_factor": self.height_factor,
                "width_factor": self.width_factor}


class RandomContrast(_RandomImageLayer):
    """In training, scale each image's deviations from its per-channel mean by a random
    factor c, then clip to ``value_range`` (identity in inference)::

        out = clip((x - mean_hw(x)) * c + mean_hw(x), *value_range)

    Args:
        factor: a number f or a pair (lower, upper) in [0, 1]; c is uniform in
            [1 - lower, 1 + upper], where a single f gives (lower, upper) = (0, f) as Keras 3
            sets it.
        value_range: (low, high) of the images. Defaults to (0, 255).
        seed: for reproducible factors. Defaults to None (numnet's generator).
        data_format: None or "channels_last".

    Example:
        >>> same = numnet.layers.RandomContrast(0.0, value_range=(0, 1))  # c = 1: clip only
        >>> same(np.array([-1.0, 0.5, 2.0]).reshape(1, 1, 3, 1), training=True).numpy().ravel()
        array([0. , 0.5, 1. ], dtype=float32)
    """

    _keeps_geometry = True  # masks and boxes pass unchanged, as Keras's

    def __init__(self, factor, value_range=(0, 255), seed: int | None = None,
                 data_format=None, **kwargs):
        super().__init__(seed, data_format, **kwargs)
        self.factor = _factor_range(factor, "RandomContrast(factor)", bounds=(0.0, 1.0))
        try:
            low, high = (float(v) for v in value_range)
        except (TypeError, ValueError):
            raise ValueError(f"RandomContrast(value_range): expected (low, high), given "
                             f"{value_range!r}.") from None
        self.value_range = (low, high)

    def _augment(self, images):
        c = self._uniform(1.0 - self.factor[0], 1.0 + self.factor[1], images.shape[0])
        c = backend.to_device(c.astype(images.dtype).reshape(-1, 1, 1, 1))
        mean = ops.mean(ops.mean(images, axis=1, keepdims=True), axis=2, keepdims=True)
        out = ops.add(ops.multiply(ops.subtract(images, mean), c), mean)
        return ops.clip(out, *self.value_range)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor, "value_range": self.value_range}


__all__ = ["CenterCrop", "Cropping1D", "Cropping2D", "RandomBrightness", "RandomContrast",
           "RandomCrop", "RandomFlip",
           "RandomRotation", "RandomTranslation", "RandomZoom", "Resizing", "UpSampling1D",
           "UpSampling2D", "ZeroPadding1D", "ZeroPadding2D"]
