"""tf.image's soft / combined / padded NMS, draw_bounding_boxes, YIQ, decode_bmp, decode_gif,
is_jpeg and extract_jpeg_shape (numnet.tf_api.image_detection, image_formats): hand values.
TensorFlow 2.21 gives the same numbers (checked while writing these; it is not needed here)."""

import doctest
import struct

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.tf_api import image_detection, image_formats

SQUARE, SHIFTED, FAR = [0, 0, 1, 1], [0, 0.5, 1, 1.5], [0, 2, 1, 3]  # IoU(SQUARE, SHIFTED) 1/3


def test_with_scores_without_sigma_is_plain_nms():
    idx, scores = tf.image.non_max_suppression_with_scores([SQUARE, SHIFTED, FAR],
                                                           [0.9, 0.8, 0.7], 3, iou_threshold=0.3)
    assert idx.dtype == np.int32 and scores.dtype == np.float32
    assert np.asarray(idx).tolist() == [0, 2]
    np.testing.assert_allclose(np.asarray(scores), [0.9, 0.7], rtol=1e-6)


def test_soft_nms_decays_and_reorders():
    # sigma 0.5: a box's score is multiplied by exp(-iou^2 / (2 * 0.5)) per kept box
    idx, scores = tf.image.non_max_suppression_with_scores([SQUARE, SQUARE, FAR],
                                                           [0.9, 0.85, 0.5], 3,
                                                           soft_nms_sigma=0.5)
    assert np.asarray(idx).tolist() == [0, 2, 1]  # the twin fell to 0.85 / e < 0.5
    np.testing.assert_allclose(np.asarray(scores), [0.9, 0.5, 0.85 * np.exp(-1.0)], rtol=1e-6)
    idx, scores = tf.image.non_max_suppression_with_scores([SQUARE, SHIFTED], [0.9, 0.8], 2,
                                                           soft_nms_sigma=0.5)
    np.testing.assert_allclose(np.asarray(scores), [0.9, 0.8 * np.exp(-1 / 9)], rtol=1e-6)
    # a decayed score at or below score_threshold drops the box
    idx, _ = tf.image.non_max_suppression_with_scores([SQUARE, SQUARE], [0.9, 0.85], 2,
                                                      score_threshold=0.4, soft_nms_sigma=0.5)
    assert np.asarray(idx).tolist() == [0]


def test_with_scores_rejects_bad_arguments():
    with pytest.raises(tf.errors.InvalidArgumentError, match="soft_nms_sigma"):
        tf.image.non_max_suppression_with_scores([SQUARE], [1.0], 1, soft_nms_sigma=-1.0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="iou_threshold"):
        tf.image.non_max_suppression_with_scores([SQUARE], [1.0], 1, iou_threshold=2.0)


def test_combined_nms_per_class_then_by_score():
    boxes = np.array([[[SQUARE], [[0, 0.1, 1, 1.1]], [[-0.5, 0.2, 0.5, 1.2]]]], np.float32)
    scores = np.array([[[0.9, 0.1], [0.8, 0.7], [0.05, 0.6]]], np.float32)
    out = tf.image.combined_non_max_suppression(boxes, scores, 2, 4, iou_threshold=0.5,
                                                score_threshold=0.1)
    # class 0 keeps box 0 (box 1 overlaps it, IoU 0.82; box 2 scores below 0.1); class 1
    # keeps 1 then 2 (IoU 0.35; box 0's 0.1 is not above the threshold)
    np.testing.assert_allclose(np.asarray(out.nmsed_scores), [[0.9, 0.7, 0.6, 0.0]])
    np.testing.assert_array_equal(np.asarray(out.nmsed_classes), [[0, 1, 1, 0]])
    assert np.asarray(out.valid_detections).tolist() == [3]
    assert out.valid_detections.dtype == np.int32
    # clipped to [0, 1] by default
    np.testing.assert_allclose(np.asarray(out.nmsed_boxes)[0, 2], [0, 0.2, 0.5, 1])
    raw = tf.image.combined_non_max_suppression(boxes, scores, 2, 4, score_threshold=0.1,
                                                clip_boxes=False)
    np.testing.assert_allclose(np.asarray(raw.nmsed_boxes)[0, 2], [-0.5, 0.2, 0.5, 1.2])
    padded = tf.image.combined_non_max_suppression(boxes, scores, 1, 10, pad_per_class=True)
    assert padded.nmsed_scores.shape == (1, 2)  # min(10, 1 per class * 2 classes)


def test_combined_nms_checks_q():
    with pytest.raises(tf.errors.InvalidArgumentError, match="q"):
        tf.image.combined_non_max_suppression(np.zeros((1, 2, 2, 4)), np.zeros((1, 2, 3)), 1, 1)


def test_padded_nms_pads_and_batches():
    boxes = [SQUARE, [0, 0.1, 1, 1.1], FAR]
    idx, n = tf.image.non_max_suppression_padded(boxes, [0.9, 0.8, 0.7], 4,
                                                 pad_to_max_output_size=True)
    assert np.asarray(idx).tolist() == [0, 2, 0, 0] and int(n) == 2
    idx, n = tf.image.non_max_suppression_padded(boxes, [0.7, 0.8, 0.9], 4)
    assert np.asarray(idx).tolist() == [2, 1] and int(n) == 2
    batch = np.array([boxes, boxes], np.float32)
    idx, n = tf.image.non_max_suppression_padded(batch, [[0.9, 0.8, 0.7], [0.1, 0.8, 0.7]], 2,
                                                 pad_to_max_output_size=True)
    assert np.asarray(idx).tolist() == [[0, 2], [1, 2]] and np.asarray(n).tolist() == [2, 2]
    with pytest.raises(ValueError, match="pad_to_max_output_size"):
        tf.image.non_max_suppression_padded(batch, np.ones((2, 3)), 2)


def test_padded_nms_suppresses_at_the_threshold_itself():
    # IoU(SQUARE, SHIFTED) is 1/3: the padded variant drops at >= the threshold
    idx, n = tf.image.non_max_suppression_padded([SQUARE, SHIFTED], [0.9, 0.8], 2,
                                                 iou_threshold=np.float32(1 / 3) - 1e-7)
    assert int(n) == 1


def test_draw_bounding_boxes_outlines():
    out = tf.image.draw_bounding_boxes(np.zeros((1, 4, 5, 3), np.float32),
                                       [[[0.0, 0.0, 1.0, 0.5], [0.9, 0.0, 0.1, 1.0]]])
    pixels = np.asarray(out)[0]
    yellow = [1.0, 1.0, 0.0]
    # rows 0..3, columns 0..int(0.5 * 4) = 2: the outline of a 4 x 3 rectangle
    for r, c in [(0, 0), (0, 1), (0, 2), (3, 0), (3, 2), (1, 0), (2, 2)]:
        np.testing.assert_array_equal(pixels[r, c], yellow)
    np.testing.assert_array_equal(pixels[1, 1], 0.0)
    np.testing.assert_array_equal(pixels[:, 3:], 0.0)  # the inverted second box is not drawn
    grey = tf.image.draw_bounding_boxes(np.zeros((1, 3, 3, 1), np.float32),
                                        [[[0, 0, 1, 1]] * 2])
    assert np.asarray(grey)[0, 0, 0, 0] == 1.0  # grey images get white boxes
    red = tf.image.draw_bounding_boxes(np.zeros((1, 3, 3, 3), np.float32), [[[0, 0, 1, 1]]],
                                       colors=[[1.0, 0.0, 0.0, 1.0]])
    np.testing.assert_array_equal(np.asarray(red)[0, 0, 0], [1, 0, 0])


def test_draw_bounding_boxes_clips_partly_outside_boxes():
    out = np.asarray(tf.image.draw_bounding_boxes(np.zeros((1, 5, 5, 1), np.float32),
                                                  [[[-0.5, 0.25, 0.5, 2.0]]]))[0, :, :, 0]
    # rows int(-2.0) = -2 .. 2, columns 1 .. 8: only the bottom and left sides are inside
    expected = np.zeros((5, 5))
    expected[2, 1:] = 1
    expected[0:3, 1] = 1
    np.testing.assert_array_equal(out, expected)


def test_draw_bounding_boxes_checks_depth():
    with pytest.raises(tf.errors.InvalidArgumentError, match="depth"):
        tf.image.draw_bounding_boxes(np.zeros((1, 2, 2, 2), np.float32), [[[0, 0, 1, 1]]])


def test_yiq_round_trip_and_values():
    yiq = tf.image.rgb_to_yiq([[[1.0, 2.0, 3.0]]])
    np.testing.assert_allclose(np.asarray(yiq)[0, 0], [1.815, -0.91724455, 0.09962624],
                               rtol=1e-6)
    x = np.random.default_rng(0).uniform(size=(2, 4, 3)).astype(np.float32)
    back = tf.image.yiq_to_rgb(tf.image.rgb_to_yiq(x))
    # TensorFlow's two matrices are inverses to about 1e-4 only (their digits are rounded)
    np.testing.assert_allclose(np.asarray(back), x, atol=2e-4)
    v = tf.Variable(x)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.image.rgb_to_yiq(v)[..., 0])
    np.testing.assert_allclose(np.asarray(tape.gradient(y, v))[0, 0], [0.299, 0.587, 0.114],
                               rtol=1e-6)


def bmp(pixels: np.ndarray, bpp: int, top_down: bool = False) -> bytes:
    """A BMP file of ``pixels`` (h, w, c) RGB(A) or (h, w) grey, written by hand."""
    h, w = pixels.shape[:2]
    depth = bpp // 8
    stride = (w * depth + 3) // 4 * 4
    stored = pixels if depth == 1 else pixels[:, :, [2, 1, 0, 3][:depth]]
    rows = stored.reshape(h, w * depth)
    body = b"".join(bytes(r.astype(np.uint8)) + bytes(stride - w * depth)
                    for r in (rows if top_down else rows[::-1]))
    palette = bytes(1024) if depth == 1 else b""
    offset = 54 + len(palette)
    header = b"BM" + struct.pack("<IHHI", offset + len(body), 0, 0, offset)
    info = struct.pack("<IiiHHIIiiII", 40, w, -h if top_down else h, 1, bpp, 0, len(body),
                       2835, 2835, 0, 0)
    return header + info + palette + body


def test_decode_bmp_24_32_and_8_bit():
    rng = np.random.default_rng(1)
    rgb = rng.integers(0, 256, (3, 5, 3)).astype(np.uint8)
    out = tf.image.decode_bmp(bmp(rgb, 24))
    assert out.dtype == np.uint8 and out.shape == (3, 5, 3)
    np.testing.assert_array_equal(np.asarray(out), rgb)
    np.testing.assert_array_equal(np.asarray(tf.io.decode_bmp(bmp(rgb, 24, top_down=True))),
                                  rgb)
    rgba = rng.integers(0, 256, (2, 3, 4)).astype(np.uint8)
    np.testing.assert_array_equal(np.asarray(tf.image.decode_bmp(bmp(rgba, 32))), rgba)
    grey = rng.integers(0, 256, (4, 3)).astype(np.uint8)
    np.testing.assert_array_equal(np.asarray(tf.image.decode_bmp(bmp(grey, 8))), grey[..., None])
    with pytest.raises(tf.errors.InvalidArgumentError, match="channels"):
        tf.image.decode_bmp(bmp(rgb, 24), channels=4)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a BMP"):
        tf.image.decode_bmp(b"GIF89a" + bytes(60))


def test_decode_gif_frames():
    image = pytest.importorskip("PIL.Image")
    import io

    frames = [image.new("RGB", (4, 3), colour) for colour in [(255, 0, 0), (0, 0, 255)]]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:])
    out = tf.image.decode_gif(tf.constant(buffer.getvalue()))
    assert out.dtype == np.uint8 and out.shape == (2, 3, 4, 3)
    assert np.asarray(out)[0, 1, 1].tolist() == [255, 0, 0]
    assert np.asarray(out)[1, 1, 1].tolist() == [0, 0, 255]
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a GIF"):
        tf.image.decode_gif(b"BM" + bytes(10))


def test_is_jpeg_and_extract_jpeg_shape():
    assert bool(tf.image.is_jpeg(b"\xff\xd8\xff\xe0"))
    assert not bool(tf.image.is_jpeg(b"\x89PNG"))
    both = tf.image.is_jpeg(tf.constant([b"\xff\xd8\xff", b"\xff\xd8"]))
    assert both.dtype == np.bool_ and np.asarray(both).tolist() == [True, False]
    app0 = b"\xff\xe0\x00\x10JFIF\x00" + bytes(9)  # a 16-byte APP0 segment
    sof2 = b"\xff\xc2\x00\x0b\x08" + struct.pack(">HH", 480, 640) + b"\x01\x01\x11\x00"
    jpeg = b"\xff\xd8" + app0 + sof2 + b"\xff\xd9"
    shape = tf.image.extract_jpeg_shape(jpeg)
    assert shape.dtype == np.int32 and np.asarray(shape).tolist() == [480, 640, 1]
    assert tf.image.extract_jpeg_shape(jpeg, tf.int64).dtype == np.int64
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a JPEG"):
        tf.image.extract_jpeg_shape(b"\x89PNG")
    with pytest.raises(tf.errors.InvalidArgumentError, match="frame header"):
        tf.image.extract_jpeg_shape(b"\xff\xd8" + app0 + b"\xff\xd9")


@pytest.mark.parametrize("module", [image_detection, image_formats])
def test_docstring_examples_run(module):
    if module is image_formats:
        pytest.importorskip("PIL")
    result = doctest.testmod(module, extraglobs={"numnet": numnet, "np": np},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0


def test_nms_with_given_overlaps():
    overlaps = [[1.0, 0.8, 0.0], [0.8, 1.0, 0.1], [0.0, 0.1, 1.0]]
    keep = tf.image.non_max_suppression_overlaps(overlaps, [0.9, 0.8, 0.7], 3)
    assert keep.dtype == np.int32 and np.asarray(keep).tolist() == [0, 2]
    # a higher threshold keeps the pair overlapping by 0.8; the score threshold drops box 2
    assert np.asarray(tf.image.non_max_suppression_overlaps(
        overlaps, [0.9, 0.8, 0.7], 3, overlap_threshold=0.85, score_threshold=0.75)).tolist() \
        == [0, 1]
    with pytest.raises(tf.errors.InvalidArgumentError, match="square"):
        tf.image.non_max_suppression_overlaps([[1.0, 0.0]], [0.5], 1)


def test_yiq_on_a_functional_models_input():
    inputs = tf.keras.Input((4, 4, 3))
    model = tf.keras.Model(inputs, tf.image.yiq_to_rgb(tf.image.rgb_to_yiq(inputs)))
    x = np.random.default_rng(2).uniform(size=(2, 4, 4, 3)).astype(np.float32)
    np.testing.assert_allclose(np.asarray(model(x)), x, atol=2e-4)
