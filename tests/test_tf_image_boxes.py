"""tf.image.non_max_suppression and tf.image.crop_and_resize: TensorFlow 2.21's values written
out by hand; the last tests compare with TensorFlow itself when it is installed."""

from __future__ import annotations

import numpy as np
import pytest

import numnet as tf

BOXES = [[0, 0, 1, 2], [0, 0, 1, 1], [0, 0, 1, 1.0]]  # IoU(0, 1) = 0.5, IoU(1, 2) = 1


@pytest.mark.parametrize("kwargs, expected", [
    ({"iou_threshold": 0.5}, [0, 1]),  # suppressed only above the threshold
    ({"iou_threshold": 0.49}, [0]),
    ({"iou_threshold": 1.0}, [0, 1, 2]),
    ({"iou_threshold": 0.5, "score_threshold": 0.8}, [0]),  # kept only above it
])
def test_non_max_suppression_thresholds(kwargs, expected):
    keep = tf.image.non_max_suppression(BOXES, [0.9, 0.8, 0.8], 10, **kwargs)
    assert keep.dtype == np.int32 and keep.numpy().tolist() == expected


def test_non_max_suppression_order_ties_corners_and_limit():
    keep = tf.image.non_max_suppression(tf.constant(BOXES), tf.constant([0.5, 0.8, 0.8]), 10,
                                        iou_threshold=0.99)
    assert keep.numpy().tolist() == [1, 0]  # equal scores: the lower index first
    flipped = [[1, 1, 0, 0], [0, 0, 1, 1.0], [0, 0, 0, 0]]  # corners in either order
    assert tf.image.non_max_suppression(flipped, [0.5, 0.8, 0.9], 10).numpy().tolist() == [2, 1]
    far = [[0, 0, 1, 1], [0, 0.1, 1, 1.1], [0, 2, 1, 3], [5, 5, 6, 6]]
    scores = [0.9, 0.8, 0.7, 0.6]
    assert tf.image.non_max_suppression(far, scores, 3).numpy().tolist() == [0, 2, 3]
    assert tf.image.non_max_suppression(far, scores, 2).numpy().tolist() == [0, 2]
    assert tf.image.non_max_suppression(far, scores, 0).numpy().tolist() == []
    assert tf.image.non_max_suppression(np.zeros((0, 4)), np.zeros(0), 3).shape == (0,)


def test_non_max_suppression_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"iou_threshold.*\[0, 1\]"):
        tf.image.non_max_suppression(BOXES, [0.9, 0.8, 0.8], 10, iou_threshold=1.5)
    with pytest.raises(tf.errors.InvalidArgumentError, match="max_output_size"):
        tf.image.non_max_suppression(BOXES, [0.9, 0.8, 0.8], -1)
    with pytest.raises(tf.errors.InvalidArgumentError, match="one score per box"):
        tf.image.non_max_suppression(BOXES, [0.9], 3)
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"\(num_boxes, 4\)"):
        tf.image.non_max_suppression([[0, 0, 1]], [0.9], 3)


def _image():
    return tf.reshape(tf.range(16.0), (1, 4, 4, 1))  # pixel (y, x) holds 4 y + x


def _crop(*args, **kwargs):
    out = tf.image.crop_and_resize(_image(), *args, **kwargs)
    assert out.dtype == np.float32
    return out.numpy()[..., 0].tolist()


def test_crop_and_resize_bilinear_and_nearest():
    assert _crop([[0, 0, 1, 1]], [0], [2, 2]) == [[[0.0, 3.0], [12.0, 15.0]]]
    assert _crop([[0, 0, 1, 1]], [0], [3, 3]) == [
        [[0.0, 1.5, 3.0], [6.0, 7.5, 9.0], [12.0, 13.5, 15.0]]]
    assert _crop([[0, 0, 1, 1]], [0], [3, 3], method="nearest") == [
        [[0.0, 2.0, 3.0], [8.0, 10.0, 11.0], [12.0, 14.0, 15.0]]]
    # one sample: the box's centre (1.5, 1.5); nearest rounds half away from zero
    assert _crop([[0.5, 0.5, 0.5, 0.5]], [0], [1, 1]) == [[[7.5]]]
    assert _crop([[0.5, 0.5, 0.5, 0.5]], [0], [1, 1], method="nearest") == [[[10.0]]]
    assert _crop([[1, 1, 0, 0]], [0], [2, 2]) == [[[15.0, 12.0], [3.0, 0.0]]]  # flipped


def test_crop_and_resize_extrapolation_and_box_indices():
    assert _crop([[-0.5, 0, 0.5, 1]], [0], [3, 2], extrapolation_value=9.0) == [
        [[9.0, 9.0], [0.0, 3.0], [6.0, 9.0]]]
    two = tf.concat([_image(), _image() + 100.0], axis=0)
    out = tf.image.crop_and_resize(two, [[0, 0, 1, 1], [0, 0, 1, 1]], [1, 0], [2, 2])
    assert out.numpy()[..., 0].tolist() == [[[100.0, 103.0], [112.0, 115.0]],
                                           [[0.0, 3.0], [12.0, 15.0]]]
    ints = tf.image.crop_and_resize(np.arange(16, dtype=np.uint8).reshape(1, 4, 4, 1),
                                    [[0, 0, 1, 1]], [0], [3, 3])
    assert ints.dtype == np.float32 and ints.numpy()[0, 1, 1, 0] == 7.5


def test_crop_and_resize_gradient_reaches_the_image():
    x = tf.Variable(_image())
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.image.crop_and_resize(x, [[0, 0, 1, 1]], [0], [3, 3]))
    grad = tape.gradient(y, x).numpy()[0, :, :, 0]
    # samples at 0, 1.5, 3 on each axis: weights 1, (0.5, 0.5), 1 per axis
    per_axis = np.array([1.0, 0.5, 0.5, 1.0])
    np.testing.assert_allclose(grad, np.outer(per_axis, per_axis))


def test_crop_and_resize_errors():
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"box_indices.*\[0, 1\)"):
        tf.image.crop_and_resize(_image(), [[0, 0, 1, 1]], [1], [2, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="crop_size"):
        tf.image.crop_and_resize(_image(), [[0, 0, 1, 1]], [0], [0, 2])
    with pytest.raises(tf.errors.InvalidArgumentError, match="method"):
        tf.image.crop_and_resize(_image(), [[0, 0, 1, 1]], [0], [2, 2], method="bicubic")
    with pytest.raises(tf.errors.InvalidArgumentError, match="4-D"):
        tf.image.crop_and_resize(tf.zeros((4, 4, 1)), [[0, 0, 1, 1]], [0], [2, 2])


def _crop_cases():
    rng = np.random.default_rng(0)
    image = rng.normal(size=(2, 5, 7, 3)).astype(np.float32)
    boxes = np.array([[0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9], [0.9, 0.8, 0.1, 0.3],
                      [-0.2, -0.1, 1.3, 0.5], [0.3, 0.3, 0.3, 0.3], [0.5, 0.5, 1.5, 1.7],
                      [0.05, 0.4, 0.66, 0.41]], np.float32)
    return image, boxes, np.array([0, 1, 0, 1, 0, 1, 1], np.int32)


def test_crop_and_resize_matches_tensorflow():
    real = pytest.importorskip("tensorflow")
    image, boxes, indices = _crop_cases()
    for size in [(3, 4), (1, 1), (1, 5), (6, 2)]:
        for method in ("bilinear", "nearest"):
            kwargs = {"method": method, "extrapolation_value": -1.5}
            ours = tf.image.crop_and_resize(image, boxes, indices, size, **kwargs).numpy()
            theirs = real.image.crop_and_resize(image, boxes, indices, size, **kwargs).numpy()
            np.testing.assert_allclose(ours, theirs, rtol=1e-6, atol=1e-6)


def test_non_max_suppression_matches_tensorflow():
    real = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(3)
    corners = rng.uniform(0, 1, size=(60, 2, 2)).astype(np.float32)
    boxes = np.concatenate([corners.min(1), corners.max(1)], axis=1)
    scores = rng.uniform(size=60).astype(np.float32)
    for iou, floor in ((0.5, float("-inf")), (0.3, 0.4), (0.0, 0.2)):
        ours = tf.image.non_max_suppression(boxes, scores, 20, iou, floor).numpy()
        theirs = real.image.non_max_suppression(boxes, scores, 20, iou, floor).numpy()
        assert ours.tolist() == theirs.tolist()
