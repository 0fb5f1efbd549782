"""image_dataset_from_directory resizes as Keras's loader does with TensorFlow
(tf.image.resize: half-pixel centres, no antialiasing; smart_resize for crop_to_aspect_ratio;
tf.image.resize_with_pad for pad_to_aspect_ratio). The expected pixels are worked by hand and
are the ones Keras 3 on TensorFlow 2.21 gives for the same files."""

import numpy as np
import pytest

import numnet

Image = pytest.importorskip("PIL.Image")


def _one_image_dataset(tmp_path, pixels, **kwargs):
    (tmp_path / "a").mkdir(parents=True)
    Image.fromarray(np.repeat(pixels[..., None], 3, axis=-1).astype(np.uint8)).save(
        tmp_path / "a" / "x.png")
    ds = numnet.utils.image_dataset_from_directory(tmp_path, batch_size=None, shuffle=False,
                                                   verbose=False, **kwargs)
    image, _ = next(iter(ds))
    return np.asarray(image)[..., 0]


def test_shrinking_samples_at_half_pixel_centres_without_antialiasing(tmp_path):
    # 6 columns to 2: the sources are x = (j + 0.5) * 3 - 0.5 = 1 and 4, whole pixels (a
    # filter widened for shrinking, as Pillow's, would blend their neighbours in)
    row = np.array([[0, 10, 20, 30, 40, 50]])
    assert _one_image_dataset(tmp_path, row, image_size=(1, 2)).tolist() == [[10.0, 40.0]]


def test_growing_blends_neighbours_and_clamps_at_the_edges(tmp_path):
    # 2 columns to 4: x = -0.25, 0.25, 0.75, 1.25, clamped to the edge pixels
    row = np.array([[0, 40]])
    assert _one_image_dataset(tmp_path, row, image_size=(1, 4)).tolist() == [
        [0.0, 10.0, 30.0, 40.0]]


def test_crop_and_pad_to_aspect_ratio(tmp_path):
    # crop: the centred 2 x 2 box of a 2 x 6 image, columns 2 and 3
    rows = np.array([[0, 10, 20, 30, 40, 50], [60, 70, 80, 90, 100, 110]])
    assert _one_image_dataset(tmp_path / "crop", rows, image_size=(2, 2),
                              crop_to_aspect_ratio=True).tolist() == [[20, 30], [80, 90]]
    # pad: a 2 x 4 image fits a 4 x 4 box as it is, one row of zeros above and below
    rows = np.array([[10, 20, 30, 40], [50, 60, 70, 80]])
    padded = _one_image_dataset(tmp_path / "pad", rows, image_size=(4, 4),
                                pad_to_aspect_ratio=True)
    assert padded.tolist() == [[0] * 4, [10, 20, 30, 40], [50, 60, 70, 80], [0] * 4]
