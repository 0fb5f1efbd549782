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


def test_gaussian_and_mitchellcubic_are_tensorflows_kernels(tmp_path):
    # 1 x 2 to 1 x 4: samples at x = -0.25, 0.25, 0.75, 1.25, each weighing the two pixels by
    # the kernel of its distances to them, the weights summed to one: (0.25, 1.25) at the
    # edges, (0.25, 0.75) inside. gaussian: exp(-2 d^2) (sigma 1/2, radius 1.5); Mitchell's
    # cubic (B = C = 1/3): 7/6 d^3 - 2 d^2 + 8/9 within 1, -7/18 d^3 + 2 d^2 - 10/3 d + 16/9
    # from 1 to 2
    row = np.array([[0, 90]])

    def expected(kernel):
        edge = 90 * kernel(1.25) / (kernel(0.25) + kernel(1.25))
        inside = 90 * kernel(0.75) / (kernel(0.25) + kernel(0.75))
        return [[edge, inside, 90 - inside, 90 - edge]]

    def gaussian(d):
        return np.exp(-2 * d * d)

    def mitchell(d):
        if d < 1:
            return 7 / 6 * d ** 3 - 2 * d ** 2 + 8 / 9
        return -7 / 18 * d ** 3 + 2 * d ** 2 - 10 / 3 * d + 16 / 9

    got = _one_image_dataset(tmp_path / "g", row, image_size=(1, 4), interpolation="gaussian")
    np.testing.assert_allclose(got, expected(gaussian), rtol=1e-5)
    got = _one_image_dataset(tmp_path / "m", row, image_size=(1, 4),
                             interpolation="mitchellcubic")
    np.testing.assert_allclose(got, expected(mitchell), rtol=1e-5)
    # tf.image.resize has them too, the kernel widened 3 times to shrink 6 columns to 2
    # (TensorFlow 2.21 gives 1.4226341, 3.5773659)
    image = numnet.ones((1, 6, 1)) * np.arange(6, dtype="float32")[None, :, None]
    shrunk = numnet.image.resize(image, [1, 2], method="gaussian", antialias=True)
    np.testing.assert_allclose(np.asarray(shrunk).ravel(), [1.4226341, 3.5773659], rtol=1e-6)


def test_bicubic_without_antialias_reads_tensorflows_table():
    # TensorFlow's resize_bicubic takes Keys' cubic from a table of 1024 steps a pixel at the
    # rounded fraction of each sample (3 -> 7 columns: fractions in sevenths), so its values
    # differ from the exact cubic (Keras on JAX: -9.6154, 9.8338, 59.2798, ...) by ~0.02;
    # these are TensorFlow 2.21's
    x = np.array([0, 100, 50], "float32").reshape(1, 3, 1)
    out = numnet.image.resize(x, [1, 7], method="bicubic")
    np.testing.assert_allclose(
        np.asarray(out).ravel(),
        [-9.624100685, 9.809958458, 59.261665344, 100.0, 84.616073608, 55.526054382,
         45.187950134], rtol=2e-6, atol=1e-5)
    # antialiased, it is the exact kernel (TensorFlow's scale_and_translate)
    smooth = numnet.image.resize(x, [1, 7], method="bicubic", antialias=True)
    assert abs(float(np.asarray(smooth).ravel()[0]) + 9.61537) < 1e-4
