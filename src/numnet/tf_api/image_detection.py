"""TensorFlow's ``tf.image`` functions for detection models beyond non_max_suppression
(numnet.tf_api.image_boxes): soft NMS with scores, batched per-class NMS, padded NMS, and
drawing boxes on images.

    idx, scores = tf.image.non_max_suppression_with_scores(boxes, scores, 10,
                                                           soft_nms_sigma=0.5)
    out = tf.image.combined_non_max_suppression(boxes, scores, 10, 20)
    out.nmsed_boxes, out.nmsed_scores, out.nmsed_classes, out.valid_detections

Boxes are (y1, x1, y2, x2) rows as in TensorFlow. Everything runs on the host (greedy loops
over boxes by score), as TensorFlow's CPU kernels do; none of these has a gradient.
"""

from __future__ import annotations

import collections
import heapq

import numpy as np

from .. import backend
from ..autodiff import Tensor
from .base import array, plain, to_tensor
from .errors import InvalidArgumentError
from .image_boxes import _boxes, _check_threshold, _iou, _scores_and_limit


def _result(values, dtype) -> Tensor:
    return Tensor(backend.to_device(np.asarray(values, dtype=dtype)))


def non_max_suppression_with_scores(boxes, scores, max_output_size, iou_threshold=0.5,
                                    score_threshold=float("-inf"), soft_nms_sigma=0.0,
                                    name=None) -> tuple:
    """Greedy non-maximum suppression that also returns the kept boxes' scores, with Soft-NMS
    (Bodla et al., 2017) when ``soft_nms_sigma`` > 0, as TensorFlow's.

    The best remaining box is taken each time. With ``soft_nms_sigma`` 0 a box whose IoU with
    a kept box is above ``iou_threshold`` is dropped (plain NMS). With ``soft_nms_sigma`` > 0
    no box is dropped for overlap: its score is multiplied by exp(-iou^2 / (2 sigma)) for each
    box kept before it, and it goes back among the candidates with that score (so the order
    may change); boxes whose score falls to ``score_threshold`` or below are dropped.

    Args:
        boxes: (num_boxes, 4) float (y1, x1, y2, x2) rows.
        scores: (num_boxes,) float scores.
        max_output_size: the most boxes to keep (an int >= 0).
        iou_threshold: the overlap above which plain NMS drops a box, in [0, 1]. Defaults to
            0.5.
        score_threshold: scores at or below it are dropped. Defaults to ``-inf``.
        soft_nms_sigma: Soft-NMS's sigma; 0 gives plain NMS. Defaults to ``0.0``.
        name: ignored.

    Returns:
        (selected_indices, selected_scores): int32 (k,) indices into ``boxes``, best first,
        and float32 (k,) their scores after the soft decay.

    Raises:
        InvalidArgumentError: bad shapes, a negative ``max_output_size`` or
            ``soft_nms_sigma``, or an ``iou_threshold`` outside [0, 1].

    Example:
        >>> boxes = [[0, 0, 1, 1], [0, 0.5, 1, 1.5]]   # IoU 1/3
        >>> idx, s = numnet.image.non_max_suppression_with_scores(
        ...     boxes, [0.9, 0.8], 2, soft_nms_sigma=0.5)
        >>> idx.numpy().tolist(), [round(v, 4) for v in s.numpy().tolist()]
        ([0, 1], [0.9, 0.7159])
    """
    where = "non_max_suppression_with_scores"
    values = _boxes(boxes, where)
    score, limit = _scores_and_limit(scores, values.shape[0], max_output_size, where)
    threshold = _check_threshold(iou_threshold, where)
    sigma = np.float32(plain(soft_nms_sigma))
    if sigma < 0:
        raise InvalidArgumentError(None, None, f"{where}(soft_nms_sigma): expected a value "
                                               f">= 0, given {float(sigma)}.")
    floor = np.float32(plain(score_threshold))
    soft = bool(sigma > 0)
    scale = np.float32(-0.5) / sigma if soft else np.float32(0.0)
    # candidates: (-score, index, number of kept boxes already compared with)
    heap = [(-s, i, 0) for i, s in enumerate(score.tolist()) if np.float32(s) > floor]
    heapq.heapify(heap)
    kept: list[int] = []
    kept_scores: list[float] = []
    while heap and len(kept) < limit:
        negative, index, compared = heapq.heappop(heap)
        original = current = np.float32(-negative)
        dropped = False
        for j in range(len(kept) - 1, compared - 1, -1):
            overlap = _iou(values[index], values[kept[j]][None])[0]
            if not soft and overlap > threshold:
                dropped = True
                break
            current = np.float32(current * np.exp(np.float32(scale * overlap * overlap)))
            if current <= floor:
                break
        if dropped:
            continue
        if current == original:
            kept.append(index)
            kept_scores.append(float(current))
        elif current > floor:
            heapq.heappush(heap, (-float(current), index, len(kept)))
    return _result(kept, np.int32), _result(kept_scores, np.float32)


def non_max_suppression_overlaps(overlaps, scores, max_output_size, overlap_threshold=0.5,
                                 score_threshold=float("-inf"), name=None) -> Tensor:
    """Greedy non-maximum suppression with the overlaps given rather than computed from boxes,
    as TensorFlow's: boxes are taken by descending score (the lower index first among equal
    scores) and one is kept unless its overlap with a kept box, ``overlaps[i, j]``, is above
    ``overlap_threshold``.

    Args:
        overlaps: (num_boxes, num_boxes) float, the overlap of each pair (any measure).
        scores: (num_boxes,) float scores.
        max_output_size: the most boxes to keep (an int >= 0).
        overlap_threshold: the overlap above which a box is dropped. Defaults to 0.5.
        score_threshold: scores at or below it are dropped. Defaults to ``-inf``.
        name: ignored.

    Returns:
        An int32 Tensor (k,) of indices, best first.

    Raises:
        InvalidArgumentError: ``overlaps`` not square, or not one score per box.

    Example:
        >>> overlaps = [[1.0, 0.8, 0.0], [0.8, 1.0, 0.1], [0.0, 0.1, 1.0]]
        >>> numnet.image.non_max_suppression_overlaps(overlaps, [0.9, 0.8, 0.7], 3).numpy()
        array([0, 2], dtype=int32)
    """
    where = "non_max_suppression_overlaps"
    matrix = array(overlaps).astype(np.float32)
    if matrix.ndim != 2 or matrix.shape[0] != matrix.shape[1]:
        raise InvalidArgumentError(None, None, f"{where}(overlaps): expected a square "
                                               f"(num_boxes, num_boxes) matrix, given shape "
                                               f"{matrix.shape}.")
    score, limit = _scores_and_limit(scores, matrix.shape[0], max_output_size, where)
    threshold = np.float32(plain(overlap_threshold))
    floor = np.float32(plain(score_threshold))
    order = np.argsort(-score, kind="stable")
    kept: list[int] = []
    for index in order[score[order] > floor]:
        if len(kept) >= limit:
            break
        if kept and np.any(matrix[index, kept] > threshold):
            continue
        kept.append(int(index))
    return _result(kept, np.int32)


CombinedNonMaxSuppression = collections.namedtuple(
    "CombinedNonMaxSuppression",
    ["nmsed_boxes", "nmsed_scores", "nmsed_classes", "valid_detections"])


def combined_non_max_suppression(boxes, scores, max_output_size_per_class, max_total_size,
                                 iou_threshold=0.5, score_threshold=float("-inf"),
                                 pad_per_class=False, clip_boxes=True, name=None):
    """Non-maximum suppression per image and per class, the kept boxes of all classes then
    ranked by score, as TensorFlow's ``tf.image.combined_non_max_suppression`` (the last step
    of SSD / YOLO style detectors).

    Args:
        boxes: (batch, num_boxes, q, 4) float boxes, q 1 (one box for every class) or
            num_classes (a box per class).
        scores: (batch, num_boxes, num_classes) float scores.
        max_output_size_per_class: the most boxes each class keeps.
        max_total_size: the most boxes each image keeps over all classes.
        iou_threshold: the overlap above which a box is dropped, in [0, 1]. Defaults to 0.5.
        score_threshold: scores at or below it are dropped. Defaults to ``-inf``.
        pad_per_class: pad the results to min(max_total_size, max_output_size_per_class *
            num_classes) instead of max_total_size. Defaults to ``False``.
        clip_boxes: clip the returned coordinates to [0, 1]. Defaults to ``True``.
        name: ignored.

    Returns:
        A namedtuple (nmsed_boxes (batch, n, 4) float32, nmsed_scores (batch, n) float32,
        nmsed_classes (batch, n) float32, valid_detections (batch,) int32); rows past
        valid_detections are zeros.

    Raises:
        InvalidArgumentError: shapes that do not fit, or an ``iou_threshold`` outside [0, 1].

    Example:
        >>> boxes = [[[[0, 0, 1, 1]], [[0, 0.1, 1, 1.1]]]]      # 1 image, 2 boxes, q = 1
        >>> scores = [[[0.9, 0.1], [0.8, 0.7]]]                  # 2 classes
        >>> out = numnet.image.combined_non_max_suppression(boxes, scores, 2, 3)
        >>> out.nmsed_scores.numpy().astype(float).round(4).tolist(), out.valid_detections.numpy()
        ([[0.9, 0.7, 0.0]], array([2], dtype=int32))
    """
    where = "combined_non_max_suppression"
    box_values = array(boxes).astype(np.float32)
    score_values = array(scores).astype(np.float32)
    if box_values.ndim != 4 or box_values.shape[-1] != 4:
        raise InvalidArgumentError(None, None, f"{where}(boxes): expected shape (batch, "
                                               f"num_boxes, q, 4), given {box_values.shape}.")
    if score_values.ndim != 3 or score_values.shape[:2] != box_values.shape[:2]:
        raise InvalidArgumentError(None, None, f"{where}(scores): expected shape (batch, "
                                               f"num_boxes={box_values.shape[1]}, num_classes) "
                                               f"beside boxes {box_values.shape}, given "
                                               f"{score_values.shape}.")
    batch, num_boxes, q, _ = box_values.shape
    classes = score_values.shape[2]
    if q not in (1, classes):
        raise InvalidArgumentError(None, None, f"{where}(boxes): the third dimension q must "
                                               f"be 1 or num_classes ({classes}), given {q}.")
    per_class = int(plain(max_output_size_per_class))
    total = int(plain(max_total_size))
    if per_class <= 0 or total <= 0:
        raise InvalidArgumentError(None, None, f"{where}: max_output_size_per_class and "
                                               f"max_total_size must be > 0, given "
                                               f"{per_class} and {total}.")
    threshold = _check_threshold(iou_threshold, where)
    floor = np.float32(plain(score_threshold))
    size_per_class = min(per_class, num_boxes)
    width = min(total, per_class * classes) if pad_per_class else total
    out_boxes = np.zeros((batch, width, 4), np.float32)
    out_scores = np.zeros((batch, width), np.float32)
    out_classes = np.zeros((batch, width), np.float32)
    valid = np.zeros(batch, np.int32)
    for b in range(batch):
        found = []  # (score, class, box)
        for c in range(classes):
            column = score_values[b, :, c]
            class_boxes = box_values[b, :, c if q > 1 else 0]
            order = np.argsort(-column, kind="stable")
            kept: list[int] = []
            for index in order[column[order] > floor]:
                if len(kept) >= size_per_class:
                    break
                if kept and np.any(_iou(class_boxes[index], class_boxes[kept]) > threshold):
                    continue
                kept.append(int(index))
                found.append((column[index], c, class_boxes[index]))
        found.sort(key=lambda item: -item[0])  # stable: class order among equal scores
        count = min(len(found), width)
        valid[b] = count
        for k, (s, c, box) in enumerate(found[:count]):
            out_boxes[b, k] = np.clip(box, 0.0, 1.0) if clip_boxes else box
            out_scores[b, k] = s
            out_classes[b, k] = c
    return CombinedNonMaxSuppression(_result(out_boxes, np.float32),
                                     _result(out_scores, np.float32),
                                     _result(out_classes, np.float32), _result(valid, np.int32))


def _padded_overlap(box: np.ndarray, others: np.ndarray) -> np.ndarray:
    """IoU as non_max_suppression_padded computes it: coordinates taken as (y_min, x_min,
    y_max, x_max) and 1e-8 added to the union."""
    height = np.maximum(np.minimum(box[2], others[:, 2]) - np.maximum(box[0], others[:, 0]), 0)
    width = np.maximum(np.minimum(box[3], others[:, 3]) - np.maximum(box[1], others[:, 1]), 0)
    inter = height * width
    area = (box[2] - box[0]) * (box[3] - box[1])
    areas = (others[:, 2] - others[:, 0]) * (others[:, 3] - others[:, 1])
    return (inter / (area + areas - inter + np.float32(1e-8))).astype(np.float32)


def non_max_suppression_padded(boxes, scores, max_output_size, iou_threshold=0.5,
                               score_threshold=float("-inf"), pad_to_max_output_size=False,
                               name=None, sorted_input=False, canonicalized_coordinates=False,
                               tile_size=512) -> tuple:
    """Non-maximum suppression over a batch of images, with the selection padded to
    ``max_output_size``, as TensorFlow's ``tf.image.non_max_suppression_padded``.

    As TensorFlow's: a box is dropped when its IoU with a kept box is at or above
    ``iou_threshold`` (1e-8 added to the union); a box counts as selected only if one of its
    coordinates is above 0; boxes scoring at or below ``score_threshold`` are zeroed; the
    corner order (y1 <= y2 or not, x1 <= x2 or not) is read from the first box of the batch.

    Args:
        boxes: (..., num_boxes, 4) float (y1, x1, y2, x2) rows; leading axes are the batch.
        scores: (..., num_boxes) float scores.
        max_output_size: the most boxes to keep per image.
        iou_threshold: the overlap at which a box is dropped. Defaults to 0.5.
        score_threshold: scores at or below it are dropped. Defaults to ``-inf``.
        pad_to_max_output_size: pad each image's indices with 0 to ``max_output_size``;
            required for a batch. Defaults to ``False``.
        name: ignored.
        sorted_input: the boxes are sorted by descending score already (the returned indices
            are then positions in that order, as TensorFlow's). Defaults to ``False``.
        canonicalized_coordinates: the boxes are (y_min, x_min, y_max, x_max) already.
            Defaults to ``False``.
        tile_size: accepted as TensorFlow's (its batching of the work). Defaults to 512.

    Returns:
        (selected_indices, num_valid): int32 (..., max_output_size) indices (only the first
        num_valid of each image are meaningful, the rest 0), or (num_valid,) for one image
        without padding; int32 num_valid with the batch's shape.

    Raises:
        ValueError: a batch with ``pad_to_max_output_size=False``.

    Example:
        >>> boxes = [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 2, 1, 3]]
        >>> idx, n = numnet.image.non_max_suppression_padded(
        ...     boxes, [0.9, 0.8, 0.7], 4, pad_to_max_output_size=True)
        >>> idx.numpy().tolist(), int(n)
        ([0, 2, 0, 0], 2)
    """
    where = "non_max_suppression_padded"
    box_values = array(boxes).astype(np.float32)
    if box_values.ndim < 2 or box_values.shape[-1] != 4:
        raise ValueError(f"{where}(boxes): expected shape (..., num_boxes, 4), given "
                         f"{box_values.shape}.")
    if not pad_to_max_output_size and box_values.ndim > 2:
        raise ValueError(f"{where}(pad_to_max_output_size): must be True for batched input "
                         f"(boxes of shape {box_values.shape}); pass "
                         f"pad_to_max_output_size=True.")
    batch_shape = box_values.shape[:-2]
    num_boxes = box_values.shape[-2]
    box_values = box_values.reshape(-1, num_boxes, 4)
    score_values = array(scores).astype(np.float32).reshape(-1, num_boxes)
    if score_values.shape[0] != box_values.shape[0]:
        raise ValueError(f"{where}(scores): expected shape {(*batch_shape, num_boxes)}, one "
                         f"score per box.")
    limit = int(plain(max_output_size))
    threshold = np.float32(plain(iou_threshold))
    floor = float(plain(score_threshold))
    if floor != float("-inf"):
        mask = score_values > np.float32(floor)
        score_values = score_values * mask
        box_values = box_values * mask[..., None]
    if not canonicalized_coordinates and box_values.size:
        first = box_values[0, 0]
        if not first[0] <= first[2]:
            box_values = box_values[..., [2, 1, 0, 3]]
        if not first[1] <= first[3]:
            box_values = box_values[..., [0, 3, 2, 1]]
    selected = np.zeros((box_values.shape[0], limit), np.int32)
    counts = np.zeros(box_values.shape[0], np.int32)
    for b in range(box_values.shape[0]):
        order = (np.arange(num_boxes) if sorted_input
                 else np.argsort(-score_values[b], kind="stable"))
        ordered = box_values[b, order]
        alive: list[int] = []
        chosen: list[int] = []
        for k in range(num_boxes):
            if len(chosen) >= limit:
                break
            if alive and np.any(_padded_overlap(ordered[k], ordered[alive]) >= threshold):
                continue
            alive.append(k)
            if np.any(ordered[k] > 0):
                chosen.append(k if sorted_input else int(order[k]))
        counts[b] = len(chosen)
        selected[b, :len(chosen)] = chosen
    if not pad_to_max_output_size:
        return _result(selected[0, :counts[0]], np.int32), _result(counts[0], np.int32)
    return (_result(selected.reshape(*batch_shape, limit), np.int32),
            _result(counts.reshape(batch_shape), np.int32))


# TensorFlow's colours for boxes drawn without ``colors``, RGBA, taken in turn
_BOX_COLOURS = np.array([[1, 1, 0, 1], [0, 0, 1, 1], [1, 0, 0, 1], [0, 1, 0, 1],
                         [0.5, 0, 0.5, 1], [0.5, 0.5, 0, 1], [0.5, 0, 0, 1], [0, 0, 0.5, 1],
                         [0, 1, 1, 1], [1, 0, 1, 1]], np.float32)


def draw_bounding_boxes(images, boxes, colors=None, name=None) -> Tensor:
    """``images`` with the outline (one pixel wide) of each box drawn on it, as TensorFlow's
    ``tf.image.draw_bounding_boxes``.

    A box (y_min, x_min, y_max, x_max) in [0, 1] covers rows int(y_min * (height - 1)) to
    int(y_max * (height - 1)) and likewise columns; the four sides inside the image are drawn
    (parts outside are clipped, inverted boxes skipped). Box k takes colour k modulo the
    number of colours.

    Args:
        images: (batch, height, width, depth) float images, depth 1, 3 or 4.
        boxes: (batch, num_boxes, 4) float boxes, normalized.
        colors: (num_colours, >= depth) float colours (RGBA rows), or None for TensorFlow's
            ten (yellow, blue, red, lime, purple, olive, maroon, navy, aqua, fuchsia; white on
            grey images). Defaults to ``None``.
        name: ignored.

    Returns:
        A Tensor of ``images``' shape and dtype.

    Raises:
        InvalidArgumentError: shapes that do not fit, or a depth other than 1, 3 or 4.

    Example:
        >>> out = numnet.image.draw_bounding_boxes(numnet.zeros((1, 3, 3, 1)),
        ...                                        [[[0.0, 0.0, 1.0, 1.0]]])
        >>> out.numpy()[0, :, :, 0].tolist()
        [[1.0, 1.0, 1.0], [1.0, 0.0, 1.0], [1.0, 1.0, 1.0]]
    """
    where = "draw_bounding_boxes"
    x = to_tensor(images)
    canvas = np.array(backend.to_numpy(x.value))
    if canvas.ndim != 4:
        raise InvalidArgumentError(None, None, f"{where}(images): expected rank 4 (batch, "
                                               f"height, width, depth), given shape "
                                               f"{canvas.shape}.")
    if x.dtype.kind != "f":
        raise InvalidArgumentError(None, None, f"{where}(images): expected a float dtype, "
                                               f"given {x.dtype}; convert with "
                                               f"tf.image.convert_image_dtype first.")
    batch, height, width, depth = canvas.shape
    if depth not in (1, 3, 4):
        raise InvalidArgumentError(None, None, f"{where}(images): channel depth should be 1 "
                                               f"(grey), 3 (RGB) or 4 (RGBA), given {depth}.")
    box_values = array(boxes).astype(np.float32)
    if box_values.ndim != 3 or box_values.shape[0] != batch or box_values.shape[2] != 4:
        raise InvalidArgumentError(None, None, f"{where}(boxes): expected shape (batch={batch}"
                                               f", num_boxes, 4), given {box_values.shape}.")
    if colors is None or array(colors).size == 0:
        table = _BOX_COLOURS.copy()
        if depth == 1:
            table[:, 0] = 1.0
    else:
        table = array(colors).astype(np.float32)
        if table.ndim != 2 or table.shape[1] < depth:
            raise InvalidArgumentError(None, None, f"{where}(colors): expected shape "
                                                   f"(num_colours, >= {depth}), given "
                                                   f"{table.shape}.")
    for b in range(batch):
        for k, box in enumerate(box_values[b]):
            colour = table[k % len(table), :depth]
            top, bottom = (int(np.float32(v) * np.float32(height - 1)) for v in (box[0], box[2]))
            left, right = (int(np.float32(v) * np.float32(width - 1)) for v in (box[1], box[3]))
            if top > bottom or left > right:
                continue
            if top >= height or bottom < 0 or left >= width or right < 0:
                continue
            rows = slice(max(top, 0), min(bottom, height - 1) + 1)
            cols = slice(max(left, 0), min(right, width - 1) + 1)
            if top >= 0:
                canvas[b, top, cols] = colour
            if bottom < height:
                canvas[b, bottom, cols] = colour
            if left >= 0:
                canvas[b, rows, left] = colour
            if right < width:
                canvas[b, rows, right] = colour
    return Tensor(backend.to_device(canvas.astype(x.dtype)))


DETECTION = {
    "non_max_suppression_with_scores": non_max_suppression_with_scores,
    "combined_non_max_suppression": combined_non_max_suppression,
    "non_max_suppression_padded": non_max_suppression_padded,
    "non_max_suppression_overlaps": non_max_suppression_overlaps,
    "draw_bounding_boxes": draw_bounding_boxes,
}
"""The functions of this module, as they join ``tf.image``."""
