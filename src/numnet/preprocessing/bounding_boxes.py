"""Bounding boxes, as Keras's ``keras.utils.bounding_boxes``: converting between formats,
clipping to the image, cropping, padding and affine transforms of boxes.

Formats (case-insensitive), each box four numbers on the last axis:

    "xyxy"            [left, top, right, bottom]
    "yxyx"            [top, left, bottom, right]
    "xywh"            [left, top, width, height]
    "center_xywh"     [center_x, center_y, width, height]
    "center_yxhw"     [center_y, center_x, height, width]
    "rel_xyxy", "rel_yxyx", "rel_xywh", "rel_center_xywh": the same divided by the image's
                      width (x values) and height (y values)

The functions compute on the host with NumPy and return tensors; a dict ``{"boxes": ...,
"labels": ...}`` is accepted where Keras accepts one.
"""

from __future__ import annotations

import math

import numpy as np

from ..ops import convert_to_tensor

SUPPORTED_FORMATS = ("xyxy", "yxyx", "xywh", "center_xywh", "center_yxhw", "rel_xyxy",
                     "rel_yxyx", "rel_xywh", "rel_center_xywh")


def _host(value) -> np.ndarray:
    value = getattr(value, "value", value)
    return np.asarray(value.get() if hasattr(value, "get") and not isinstance(value, dict)
                      else value)


def _split(boxes):
    return [boxes[..., i:i + 1] for i in range(4)]


def _to_xyxy(boxes, fmt: str, height, width):
    a, b, c, d = _split(boxes)
    if fmt == "xyxy":
        return boxes
    if fmt == "yxyx":
        return np.concatenate([b, a, d, c], axis=-1)
    if fmt == "xywh":
        return np.concatenate([a, b, a + c, b + d], axis=-1)
    if fmt == "center_xywh":
        return np.concatenate([a - c / 2.0, b - d / 2.0, a + c / 2.0, b + d / 2.0], axis=-1)
    if fmt == "center_yxhw":
        return np.concatenate([b - d / 2.0, a - c / 2.0, b + d / 2.0, a + c / 2.0], axis=-1)
    if fmt == "rel_xyxy":
        return np.concatenate([a * width, b * height, c * width, d * height], axis=-1)
    if fmt == "rel_yxyx":
        return np.concatenate([b * width, a * height, d * width, c * height], axis=-1)
    if fmt == "rel_xywh":
        return np.concatenate([a * width, b * height, (a + c) * width, (b + d) * height],
                              axis=-1)
    # rel_center_xywh
    return np.concatenate([(a - c / 2.0) * width, (b - d / 2.0) * height,
                           (a + c / 2.0) * width, (b + d / 2.0) * height], axis=-1)


def _from_xyxy(boxes, fmt: str, height, width):
    x1, y1, x2, y2 = _split(boxes)
    w, h = x2 - x1, y2 - y1
    cx, cy = x1 + w / 2.0, y1 + h / 2.0
    parts = {
        "xyxy": [x1, y1, x2, y2], "yxyx": [y1, x1, y2, x2], "xywh": [x1, y1, w, h],
        "center_xywh": [cx, cy, w, h], "center_yxhw": [cy, cx, h, w],
    }
    if fmt in parts:
        return np.concatenate(parts[fmt], axis=-1)
    rel = {
        "rel_xyxy": lambda: [x1 / width, y1 / height, x2 / width, y2 / height],
        "rel_yxyx": lambda: [y1 / height, x1 / width, y2 / height, x2 / width],
        "rel_xywh": lambda: [x1 / width, y1 / height, w / width, h / height],
        "rel_center_xywh": lambda: [cx / width, cy / height, w / width, h / height],
    }
    return np.concatenate(rel[fmt](), axis=-1)


def convert_format(boxes, source: str, target: str, height=None, width=None,
                   dtype: str = "float32"):
    """Boxes converted from format ``source`` to format ``target`` (see the module docstring).

    Args:
        boxes: an array or tensor of shape ``(..., 4)``, or a dict whose ``"boxes"`` entry is
            one (the dict is updated in place and returned, as Keras's).
        source: the format of ``boxes``.
        target: the format wanted.
        height: the image's height; needed when either format is relative ("rel_...").
        width: the image's width; likewise.
        dtype: the dtype of the result. Defaults to "float32".

    Returns:
        The converted boxes (a tensor of ``dtype``), or the dict holding them.

    Raises:
        ValueError: for a last axis other than 4, an unknown format, or a relative format
            without ``height`` and ``width``.

    Example:
        >>> import numpy as np
        >>> boxes = np.array([[10, 20, 30, 40], [50, 60, 70, 80]])
        >>> convert_format(boxes, source="xyxy", target="xywh").numpy().tolist()
        [[10.0, 20.0, 20.0, 20.0], [50.0, 60.0, 20.0, 20.0]]
        >>> convert_format(boxes, "xyxy", "rel_xyxy", height=200, width=300).numpy()[0]
        array([0.03333334, 0.1       , 0.1       , 0.2       ], dtype=float32)
    """
    if isinstance(boxes, dict):
        boxes["boxes"] = convert_format(boxes["boxes"], source, target, height=height,
                                        width=width, dtype=dtype)
        return boxes
    values = _host(boxes)
    if values.ndim == 0 or values.shape[-1] != 4:
        raise ValueError(f"convert_format(boxes): expected a last axis of 4 (one box each), "
                         f"given shape {values.shape}.")
    source, target = str(source).lower(), str(target).lower()
    for name, fmt in (("source", source), ("target", target)):
        if fmt not in SUPPORTED_FORMATS:
            raise ValueError(f"convert_format({name}): expected one of {list(SUPPORTED_FORMATS)}, "
                             f"given {fmt!r}.")
    relative = source.startswith("rel_") or target.startswith("rel_")
    if relative and (height is None or width is None):
        raise ValueError(f"convert_format(height, width): converting {source!r} to {target!r} "
                         f"needs the image's height and width; given height={height}, "
                         f"width={width}.")
    values = values.astype(dtype)
    if source == target:
        return convert_to_tensor(values)
    if source.startswith("rel_") and target.startswith("rel_"):
        source, target = source[4:], target[4:]
    h = None if height is None else np.asarray(height, dtype=dtype)
    w = None if width is None else np.asarray(width, dtype=dtype)
    out = _from_xyxy(_to_xyxy(values, source, h, w), target, h, w)
    return convert_to_tensor(out.astype(dtype, copy=False))


def clip_to_image_size(bounding_boxes: dict, height=None, width=None,
                       bounding_box_format: str = "xyxy") -> dict:
    """Boxes clipped to the image; a box left with no area gets the label -1.

    Args:
        bounding_boxes: a dict with ``"boxes"`` of shape ``(N, 4)`` or ``(batch, N, 4)`` and
            optionally ``"labels"`` of shape ``(N,)`` or ``(batch, N)``.
        height: the image's height (needed for "xyxy").
        width: the image's width (needed for "xyxy").
        bounding_box_format: "xyxy" (clipped to [0, width] x [0, height]) or "rel_xyxy"
            (clipped to [0, 1]). Defaults to "xyxy".

    Returns:
        A new dict with the clipped boxes (their dtype kept) and the labels.

    Raises:
        NotImplementedError: for another format (as Keras's).
        ValueError: for "xyxy" without height and width.

    Example:
        >>> import numpy as np
        >>> boxes = {"boxes": np.array([[-10, -20, 150, 160], [50, 40, 70, 80]]),
        ...          "labels": np.array([0, 1])}
        >>> out = clip_to_image_size(boxes, height=100, width=120)
        >>> out["boxes"].numpy().tolist(), out["labels"].numpy().tolist()
        ([[0, 0, 120, 100], [50, 40, 70, 80]], [0, 1])
    """
    if bounding_box_format not in ("xyxy", "rel_xyxy"):
        raise NotImplementedError(f"clip_to_image_size(bounding_box_format): 'xyxy' and "
                                  f"'rel_xyxy' only (as Keras), given {bounding_box_format!r}; "
                                  "convert the boxes with convert_format first.")
    if bounding_box_format == "xyxy" and (height is None or width is None):
        raise ValueError("clip_to_image_size(height, width): both are needed for "
                         f"bounding_box_format='xyxy'; given height={height}, width={width}.")
    boxes = _host(bounding_boxes["boxes"])
    if bounding_box_format == "xyxy":
        top = np.asarray([width, height, width, height]).astype(boxes.dtype)
    else:
        top = np.ones(4, dtype=boxes.dtype)
    clipped = np.clip(boxes, np.zeros(4, boxes.dtype), top).astype(boxes.dtype)
    result = dict(bounding_boxes)
    result["boxes"] = convert_to_tensor(clipped)
    labels = bounding_boxes.get("labels")
    if labels is not None:
        areas = (clipped[..., 2] - clipped[..., 0]) * (clipped[..., 3] - clipped[..., 1])
        labels = _host(labels)
        result["labels"] = convert_to_tensor(np.where(areas > 0, labels, -1).astype(labels.dtype))
    return result


def _xyxy_only(where: str, bounding_box_format: str) -> None:
    if bounding_box_format != "xyxy":
        raise NotImplementedError(f"{where}(bounding_box_format): 'xyxy' only (as Keras), "
                                  f"given {bounding_box_format!r}; convert the boxes with "
                                  "convert_format first.")


def crop(boxes, top, left, height, width, bounding_box_format: str = "xyxy"):
    """Boxes in the frame of a crop: shifted by (-left, -top), then clipped to
    [0, width] x [0, height].

    Args:
        boxes: ``(N, 4)`` or ``(batch, N, 4)`` boxes.
        top: the crop's top offset.
        left: the crop's left offset.
        height: the crop's height.
        width: the crop's width.
        bounding_box_format: "xyxy" only. Defaults to "xyxy".

    Returns:
        The cropped boxes, of the input's dtype.

    Example:
        >>> import numpy as np
        >>> boxes = np.array([[10, 20, 50, 60], [70, 80, 100, 120]])
        >>> crop(boxes, top=10, left=20, height=40, width=30).numpy().tolist()
        [[0, 10, 30, 40], [30, 40, 30, 40]]
    """
    _xyxy_only("crop", bounding_box_format)
    values = _host(boxes)
    shifted = values - np.asarray([left, top, left, top])
    out = np.clip(shifted, 0, np.asarray([width, height, width, height]))
    return convert_to_tensor(out.astype(np.result_type(values, np.asarray(top)), copy=False))


def pad(boxes, top, left, height=None, width=None, bounding_box_format: str = "xyxy"):
    """Boxes in the frame of a padded image: shifted by (left, top).

    Args:
        boxes: ``(N, 4)`` or ``(batch, N, 4)`` boxes.
        top: the padding added above the image.
        left: the padding added on its left.
        height: unused (Keras's signature). Defaults to None.
        width: unused (Keras's signature). Defaults to None.
        bounding_box_format: "xyxy" only. Defaults to "xyxy".

    Returns:
        The shifted boxes.

    Example:
        >>> import numpy as np
        >>> pad(np.array([[10, 20, 50, 60]]), top=5, left=3).numpy().tolist()
        [[13, 25, 53, 65]]
    """
    _xyxy_only("pad", bounding_box_format)
    values = _host(boxes)
    return convert_to_tensor(values + np.asarray([left, top, left, top]))


def affine_transform(boxes, angle, translate_x, translate_y, scale, shear_x, shear_y, height,
                     width, center_x=None, center_y=None, bounding_box_format: str = "xyxy"):
    """Boxes moved by an affine transform of the image (a batch of them, one transform each):
    the four corners of each box are mapped and the result is their enclosing box.

    Args:
        boxes: ``(batch, N, 4)`` boxes.
        angle: ``(batch,)`` rotation angles in degrees.
        translate_x: ``(batch,)`` horizontal shifts, as fractions of ``width - 1``.
        translate_y: ``(batch,)`` vertical shifts, as fractions of ``height - 1``.
        scale: ``(batch,)`` scale factors.
        shear_x: ``(batch,)`` shear angles along x, in degrees.
        shear_y: ``(batch,)`` shear angles along y, in degrees.
        height: the image's height.
        width: the image's width.
        center_x: the centre of the transform as a fraction of the width. Defaults to 0.5.
        center_y: likewise for the height. Defaults to 0.5.
        bounding_box_format: "xyxy" only. Defaults to "xyxy".

    Returns:
        The moved boxes, ``(batch, N, 4)``, in the angles' dtype.

    Example:
        >>> import numpy as np
        >>> z = np.zeros(1, "float32")
        >>> affine_transform(np.array([[[10., 20., 30., 40.]]]), z, z + 0.1, z, z + 1, z, z,
        ...                  height=101, width=101).numpy().tolist()
        [[[20.0, 20.0, 40.0, 40.0]]]
    """
    _xyxy_only("affine_transform", bounding_box_format)
    angle = np.asarray(_host(angle))
    dtype = angle.dtype
    center_x = 0.5 if center_x is None else center_x
    center_y = 0.5 if center_y is None else center_y

    def arr(v):
        return np.asarray(_host(v), dtype=dtype)

    rot = -angle * (math.pi / 180.0)
    sx, sy = -arr(shear_x) * (math.pi / 180.0), -arr(shear_y) * (math.pi / 180.0)
    cx, cy = np.asarray(center_x * (width - 1), dtype), np.asarray(center_y * (height - 1), dtype)
    tx, ty = -arr(translate_x) * (width - 1), -arr(translate_y) * (height - 1)
    scale = arr(scale)
    a = np.cos(rot - sy) / np.cos(sy)
    b = a * np.tan(sx) + np.sin(rot)
    c = -np.sin(rot - sy) / np.cos(sy)
    d = np.cos(rot) - c * np.tan(sx)
    a0, a1, b0, b1 = d * scale, -b * scale, -c * scale, a * scale
    a2 = cx - a0 * (cx + tx) - a1 * (cy + ty)
    b2 = cy - b0 * (cx + tx) - b1 * (cy + ty)
    values = np.asarray(_host(boxes), dtype=dtype)
    x1, y1, x2, y2 = (values[..., i] for i in range(4))
    xs = np.stack([x1, x2, x2, x1], axis=-1)  # the corners (x1, y1) (x2, y1) (x2, y2) (x1, y2)
    ys = np.stack([y1, y1, y2, y2], axis=-1)
    new_x = a0[:, None, None] * xs + a1[:, None, None] * ys + a2[:, None, None]
    new_y = b0[:, None, None] * xs + b1[:, None, None] * ys + b2[:, None, None]
    out = np.stack([new_x.min(-1), new_y.min(-1), new_x.max(-1), new_y.max(-1)], axis=-1)
    return convert_to_tensor(out.astype(dtype, copy=False))


__all__ = ["SUPPORTED_FORMATS", "affine_transform", "clip_to_image_size", "convert_format",
           "crop", "pad"]
