"""TensorFlow's ``tf.image`` functions on bounding boxes, as object-detection code uses them:

    keep = tf.image.non_max_suppression(boxes, scores, max_output_size=10, iou_threshold=0.5)
    boxes = tf.gather(boxes, keep)
    patches = tf.image.crop_and_resize(feature_map, boxes, box_indices, crop_size=[7, 7])

Boxes are (y1, x1, y2, x2) rows, as in TensorFlow: any two opposite corners (the order of each
pair may be flipped). non_max_suppression works on the host (a greedy loop over the boxes by
score); crop_and_resize gathers and blends the image's pixels with numnet's differentiable ops,
so the crops pass a gradient back to the image (the boxes are taken as constants).
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from .base import array, plain, to_tensor
from .errors import InvalidArgumentError


def _boxes(boxes, where: str) -> np.ndarray:
    values = array(boxes).astype(np.float32)
    if values.ndim != 2 or values.shape[1] != 4:
        raise InvalidArgumentError(None, None, f"{where}(boxes): expected a (num_boxes, 4) "
                                               f"tensor of (y1, x1, y2, x2) rows, given shape "
                                               f"{values.shape}.")
    return values


def _scores_and_limit(scores, count: int, max_output_size, where: str) -> tuple:
    """An NMS's scores (float32, one per box of ``count``) and its max_output_size (an int
    >= 0), checked as TensorFlow checks them."""
    score = array(scores).astype(np.float32).reshape(-1)
    if score.shape[0] != count:
        raise InvalidArgumentError(None, None, f"{where}(scores): expected one score per box "
                                               f"({count}), given {score.shape[0]}.")
    limit = int(plain(max_output_size))
    if limit < 0:
        raise InvalidArgumentError(None, None, f"{where}(max_output_size): expected an int "
                                               f">= 0, given {limit}.")
    return score, limit


def _check_threshold(iou_threshold, where: str) -> np.float32:
    threshold = np.float32(plain(iou_threshold))
    if not 0 <= threshold <= 1:
        raise InvalidArgumentError(None, None, f"{where}(iou_threshold): expected a value in "
                                               f"[0, 1], given {float(threshold)}.")
    return threshold


def _iou(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Intersection over union of ``box`` (4,) with each row of ``others`` (n, 4), in float32
    as TensorFlow computes it (0 where either box has no area)."""
    y_min = np.minimum(others[:, 0], others[:, 2])
    y_max = np.maximum(others[:, 0], others[:, 2])
    x_min = np.minimum(others[:, 1], others[:, 3])
    x_max = np.maximum(others[:, 1], others[:, 3])
    b_y_min, b_y_max = min(box[0], box[2]), max(box[0], box[2])
    b_x_min, b_x_max = min(box[1], box[3]), max(box[1], box[3])
    area = (b_y_max - b_y_min) * (b_x_max - b_x_min)
    areas = (y_max - y_min) * (x_max - x_min)
    height = np.maximum(np.minimum(y_max, b_y_max) - np.maximum(y_min, b_y_min), np.float32(0))
    width = np.maximum(np.minimum(x_max, b_x_max) - np.maximum(x_min, b_x_min), np.float32(0))
    inter = height * width
    with np.errstate(divide="ignore", invalid="ignore"):
        iou = inter / (area + areas - inter)
    return np.where((area <= 0) | (areas <= 0), np.float32(0), iou).astype(np.float32)


def non_max_suppression(boxes, scores, max_output_size, iou_threshold=0.5,
                        score_threshold=float("-inf"), name=None) -> Tensor:
    """The indices of the boxes that greedy non-maximum suppression keeps, best first.

    Boxes are taken by descending score (the lower index first among equal scores); a box is
    kept unless its intersection over union with a box kept before it is above
    ``iou_threshold``. Boxes whose score is not above ``score_threshold`` are never kept.

    Args:
        boxes: (num_boxes, 4) float, rows (y1, x1, y2, x2) (any two opposite corners).
        scores: (num_boxes,) float, one score per box.
        max_output_size: the most indices to return (an int >= 0).
        iou_threshold: overlap above which a box is suppressed, in [0, 1]. Defaults to 0.5.
        score_threshold: scores at or below it are dropped. Defaults to ``-inf``.
        name: ignored. Defaults to ``None``.

    Returns:
        An int32 Tensor (k,), k <= max_output_size: indices into ``boxes``; pass it to
        ``tf.gather`` to select the boxes.

    Raises:
        InvalidArgumentError: for a bad shape, a negative ``max_output_size`` or an
            ``iou_threshold`` outside [0, 1].

    Example:
        >>> boxes = [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 2, 1, 3]]
        >>> numnet.image.non_max_suppression(boxes, [0.9, 0.8, 0.7], 3).numpy().tolist()
        [0, 2]
    """
    where = "non_max_suppression"
    values = _boxes(boxes, where)
    score, limit = _scores_and_limit(scores, values.shape[0], max_output_size, where)
    threshold = _check_threshold(iou_threshold, where)
    floor = np.float32(plain(score_threshold))
    order = np.argsort(-score, kind="stable")  # equal scores: the lower index first
    order = order[score[order] > floor]
    kept: list[int] = []
    for index in order:
        if len(kept) >= limit:
            break
        if kept and np.any(_iou(values[index], values[kept]) > threshold):
            continue
        kept.append(int(index))
    return Tensor(backend.to_device(np.asarray(kept, dtype=np.int32)))


def _sample_points(start, end, size: int, extent: int) -> np.ndarray:
    """The (num_boxes, size) float32 positions in pixels that TensorFlow samples between the
    normalized coordinates ``start`` and ``end`` of an axis of ``extent`` pixels."""
    if size > 1:
        scale = (end - start) * np.float32(extent - 1) / np.float32(size - 1)
        steps = np.arange(size, dtype=np.float32)
        return start[:, None] * np.float32(extent - 1) + steps[None, :] * scale[:, None]
    middle = 0.5 * (start + end).astype(np.float64) * (extent - 1)  # one sample: the centre
    return middle.astype(np.float32)[:, None]


def crop_and_resize(image, boxes, box_indices, crop_size, method="bilinear",
                    extrapolation_value=0.0, name=None) -> Tensor:
    """Crops of ``image`` inside ``boxes``, each resized to ``crop_size`` (TensorFlow's
    ``tf.image.crop_and_resize``, the region-of-interest crop of detection models).

    For a box (y1, x1, y2, x2) in normalized coordinates (0 and 1 the first and last pixel
    centres; values outside [0, 1] reach beyond the image, and y1 > y2 flips the crop), output
    row i of ``crop_height`` samples the image at y = y1 * (height - 1) + i * (y2 - y1) *
    (height - 1) / (crop_height - 1) (the box's centre when crop_height is 1), and likewise
    for columns; samples outside the image get ``extrapolation_value``.

    Args:
        image: (batch, height, width, channels) Tensor or array, any real dtype.
        boxes: (num_boxes, 4) float, normalized (y1, x1, y2, x2) rows.
        box_indices: (num_boxes,) int, the image in the batch of each box.
        crop_size: (crop_height, crop_width), positive ints.
        method: ``"bilinear"`` or ``"nearest"``. Defaults to ``"bilinear"``.
        extrapolation_value: the value of samples outside the image. Defaults to 0.0.
        name: ignored. Defaults to ``None``.

    Returns:
        A float32 Tensor (num_boxes, crop_height, crop_width, channels). Its gradient flows
        to ``image`` (not to ``boxes``).

    Raises:
        InvalidArgumentError: for bad shapes, a box index outside the batch, a crop size
            below 1 or an unknown method.

    Example:
        >>> image = numnet.reshape(numnet.range(16.0), (1, 4, 4, 1))
        >>> crops = numnet.image.crop_and_resize(image, [[0, 0, 1, 1]], [0], [2, 2])
        >>> crops.numpy()[0, :, :, 0].tolist()
        [[0.0, 3.0], [12.0, 15.0]]
    """
    where = "crop_and_resize"
    x = to_tensor(image)
    if x.ndim != 4:
        raise InvalidArgumentError(None, None, f"{where}(image): expected a 4-D (batch, "
                                               f"height, width, channels) tensor, given shape "
                                               f"{tuple(x.shape)}.")
    if x.dtype != np.float32:
        x = _ops.cast(x, np.float32)
    batch, height, width, _ = x.shape
    values = _boxes(boxes, where)
    indices = array(box_indices).astype(np.int64).reshape(-1)
    if indices.shape[0] != values.shape[0]:
        raise InvalidArgumentError(None, None, f"{where}(box_indices): expected one index per "
                                               f"box ({values.shape[0]}), given "
                                               f"{indices.shape[0]}.")
    if indices.size and (indices.min() < 0 or indices.max() >= batch):
        raise InvalidArgumentError(None, None, f"{where}(box_indices): expected indices in "
                                               f"[0, {batch}), given {indices.tolist()}.")
    size = [int(v) for v in np.asarray(plain(crop_size)).reshape(-1)]
    if len(size) != 2 or min(size) < 1:
        raise InvalidArgumentError(None, None, f"{where}(crop_size): expected two positive "
                                               f"ints (crop_height, crop_width), given {size}.")
    method = str(method).lower()
    if method not in ("bilinear", "nearest"):
        raise InvalidArgumentError(None, None, f"{where}(method): expected 'bilinear' or "
                                               f"'nearest', given {method!r}.")
    in_y = _sample_points(values[:, 0], values[:, 2], size[0], height)  # (n, crop_height)
    in_x = _sample_points(values[:, 1], values[:, 3], size[1], width)  # (n, crop_width)
    inside_y = (in_y >= 0) & (in_y <= height - 1)
    inside_x = (in_x >= 0) & (in_x <= width - 1)
    inside = inside_y[:, :, None] & inside_x[:, None, :]
    in_y, in_x = np.where(inside_y, in_y, 0), np.where(inside_x, in_x, 0)
    rows = indices[:, None, None]

    def pixels(ys, xs):  # (n, crop_height, crop_width, channels)
        return _ops.getitem(x, (backend.to_device(rows), backend.to_device(ys[:, :, None]),
                                backend.to_device(xs[:, None, :])))

    if method == "nearest":  # in_y, in_x >= 0 here: floor(v + 0.5) rounds half away from 0
        out = pixels(np.floor(in_y + np.float32(0.5)).astype(np.int64),
                     np.floor(in_x + np.float32(0.5)).astype(np.int64))
    else:
        top, left = np.floor(in_y), np.floor(in_x)
        y_lerp = Tensor(backend.to_device((in_y - top)[:, :, None, None]))
        x_lerp = Tensor(backend.to_device((in_x - left)[:, None, :, None]))
        top, left = top.astype(np.int64), left.astype(np.int64)
        bottom, right = np.ceil(in_y).astype(np.int64), np.ceil(in_x).astype(np.int64)
        upper = _ops.add(pixels(top, left), _ops.multiply(
            _ops.subtract(pixels(top, right), pixels(top, left)), x_lerp))
        lower = _ops.add(pixels(bottom, left), _ops.multiply(
            _ops.subtract(pixels(bottom, right), pixels(bottom, left)), x_lerp))
        out = _ops.add(upper, _ops.multiply(_ops.subtract(lower, upper), y_lerp))
    fill = Tensor(backend.to_device(np.full((), extrapolation_value, dtype=np.float32)))
    return _ops.where(backend.to_device(inside[:, :, :, None]), out, fill)


BOXES = {"non_max_suppression": non_max_suppression, "crop_and_resize": crop_and_resize}
"""The functions of this module, as they join ``tf.image``."""
