"""The keras.ops linalg and image ops added beside the first set: pinv, matrix_rank,
solve_triangular, lu_factor, cholesky_inverse, logdet; rgb_to_grayscale, rgb_to_hsv,
hsv_to_rgb, extract_patches, gaussian_blur, sobel_edges. Hand values, NumPy, central
differences, and (with keras) keras.ops on JAX."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import ops
from numnet.autodiff.gradcheck import check_gradients

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

rng = np.random.default_rng(21)
A = rng.normal(size=(2, 4, 4))
WIDE = rng.normal(size=(3, 5))
SPD = A @ np.swapaxes(A, -1, -2) + 4 * np.eye(4)
LOWER = np.linalg.cholesky(SPD)
B = rng.normal(size=(2, 4, 3))
RGB = rng.uniform(size=(2, 5, 6, 3))
COORDS = rng.uniform(-2.0, 7.0, size=(2, 30)) + 0.013  # away from integer (kink) positions
CORNERS = np.array([[0, 0], [5, 0], [0, 4], [5, 4]], "float32")
MOVED = np.array([[0.5, 0.2], [5.0, 0.6], [0.3, 3.5], [4.6, 4.2]], "float32")
HSV = np.stack([rng.uniform(size=(2, 5, 6)), rng.uniform(0.1, 1, size=(2, 5, 6)),
                rng.uniform(0.1, 1, size=(2, 5, 6))], -1)


def test_linalg_by_hand_and_against_numpy():
    np.testing.assert_allclose(ops.pinv(WIDE).numpy(), np.linalg.pinv(WIDE), rtol=1e-5,
                               atol=1e-6)
    assert ops.pinv([[2.0, 0.0], [0.0, 0.0]]).tolist() == [[0.5, 0.0], [0.0, 0.0]]
    assert ops.matrix_rank([[1.0, 2.0], [2.0, 4.0]]).item() == 1
    assert ops.matrix_rank(A).tolist() == [4, 4]
    assert ops.matrix_rank(np.eye(3) * [1.0, 1e-3, 1e-9], tol=1e-6).item() == 2
    lower = np.tril(A)
    np.testing.assert_allclose(ops.solve_triangular(A, B, lower=True).numpy(),
                               np.linalg.solve(lower, B), rtol=1e-4)
    np.testing.assert_allclose(ops.solve_triangular(A, B[..., 0]).numpy(),
                               np.linalg.solve(np.triu(A), B[..., :1])[..., 0], rtol=1e-4)
    np.testing.assert_allclose(ops.cholesky_inverse(LOWER).numpy(), np.linalg.inv(SPD),
                               rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(
        ops.cholesky_inverse(np.swapaxes(LOWER, -1, -2), upper=True).numpy(),
        np.linalg.inv(SPD), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(ops.logdet(SPD).numpy(), np.linalg.slogdet(SPD)[1], rtol=1e-5)
    lu, pivots = ops.lu_factor(A)
    for k in range(2):  # P A = L U, rebuilt from the factors
        lower_k = np.tril(lu.numpy()[k], -1) + np.eye(4)
        upper_k = np.triu(lu.numpy()[k])
        rows = np.arange(4)
        for i, p in enumerate(pivots.numpy()[k]):
            rows[[i, p]] = rows[[p, i]]
        np.testing.assert_allclose(lower_k @ upper_k, A[k][rows], rtol=1e-4, atol=1e-5)
    assert pivots.dtype == np.int32


GRADS = {
    "pinv": (lambda x: ops.pinv(x), [WIDE]),
    "pinv_tall": (lambda x: ops.pinv(x), [np.ascontiguousarray(WIDE.T)]),
    "solve_triangular": (lambda a, b: ops.solve_triangular(a, b, lower=True),
                         [A + 3 * np.eye(4), B]),
    "cholesky_inverse": (lambda x: ops.cholesky_inverse(x), [LOWER]),
    "logdet": (lambda x: ops.logdet(x), [SPD]),
    "rgb_to_grayscale": (lambda x: ops.image.rgb_to_grayscale(x), [RGB]),
    "rgb_to_hsv": (lambda x: ops.image.rgb_to_hsv(x), [RGB[:1, :2]]),
    "hsv_to_rgb": (lambda x: ops.image.hsv_to_rgb(x), [HSV[:1, :2]]),
    "extract_patches": (lambda x: ops.image.extract_patches(x, (2, 3), strides=1,
                                                            padding="same"), [RGB[:1]]),
    "gaussian_blur": (lambda x: ops.image.gaussian_blur(x, (3, 5), (1.0, 2.0)), [RGB[:1]]),
    "sobel_edges": (lambda x: ops.image.sobel_edges(x), [RGB[:1]]),
    "ssim": (lambda a, b: ops.image.ssim(a, b, filter_size=3), [RGB, RGB[::-1].copy()]),
    "extract_patches_3d": (lambda x: ops.image.extract_patches_3d(x, 2, strides=1),
                           [RGB[:1, :3, :3, :2, None]]),
    "map_coordinates": (lambda x, c: ops.image.map_coordinates(x, c, 1, "reflect"),
                        [RGB[0, :, :, 0], COORDS]),
    "map_coordinates_constant": (lambda x: ops.image.map_coordinates(x, COORDS, 1, "constant",
                                                                     0.5), [RGB[0, :, :, 0]]),
    "perspective_transform": (lambda x: ops.image.perspective_transform(x, CORNERS, MOVED),
                              [RGB[:1]]),
    "scale_and_translate": (lambda x: ops.image.scale_and_translate(
        x, (1, 4, 9, 3), [0.7, 1.6], [0.2, -0.4], (1, 2), "cubic"), [RGB[:1]]),
    "map_coordinates_nearest": (lambda x: ops.image.map_coordinates(x, COORDS, 0, "wrap"),
                                [RGB[0, :, :, 0]]),
}


@pytest.mark.parametrize("name", sorted(GRADS))
def test_gradients_match_central_differences(name):
    fn, inputs = GRADS[name]
    inputs = [np.asarray(a, dtype=np.float64) for a in inputs]
    assert np.isfinite(np.asarray(fn(*[numnet.Tensor(a) for a in inputs]))).all()
    assert check_gradients(fn, inputs) < 1e-6


def test_image_ops_by_hand():
    assert ops.image.rgb_to_hsv([[[1.0, 0.0, 0.0]]]).tolist() == [[[0.0, 1.0, 1.0]]]
    assert ops.image.hsv_to_rgb([[[1 / 3, 1.0, 0.5]]]).tolist() == [[[0.0, 0.5, 0.0]]]
    np.testing.assert_allclose(ops.image.hsv_to_rgb(ops.image.rgb_to_hsv(RGB)).numpy(), RGB,
                               atol=1e-6)
    gray = ops.image.rgb_to_grayscale(np.full((2, 2, 3), 100, "uint8"))
    assert gray.dtype == np.uint8 and gray.shape == (2, 2, 1)
    patches = ops.image.extract_patches(np.arange(16.0).reshape(1, 4, 4, 1), 2)
    assert patches.numpy()[0, 0, 1].tolist() == [2.0, 3.0, 6.0, 7.0]
    edges = ops.image.sobel_edges(np.tile(np.arange(5.0), (1, 5, 1)).reshape(1, 5, 5, 1))
    assert edges.numpy()[0, 2, 2, 0].tolist() == [0.0, 8.0]  # [d/dy, d/dx] of a ramp along x
    grid = np.array([[0.0, 1.0], [2.0, 3.0]], "float32")
    assert ops.image.map_coordinates(grid, [[0.5, 5.0], [0.5, 0.0]], 1).tolist() == [1.5, 0.0]
    assert ops.image.map_coordinates(grid, [[0.5, 2.0], [0.5, 0.0]], 0, "wrap").tolist() == \
        [3.0, 0.0]
    with pytest.raises(ValueError, match="order"):
        ops.image.map_coordinates(grid, [[0.5], [0.5]], 3)
    same = ops.image.perspective_transform(RGB[0], CORNERS, CORNERS)  # the identity warp
    np.testing.assert_allclose(same.numpy(), RGB[0], atol=1e-5)
    shifted = ops.image.scale_and_translate(np.arange(4.0), (4,), [1.0], [1.0], (0,), "linear")
    assert shifted.tolist() == [0.0, 0.0, 1.0, 2.0]
    image = np.full((16, 16, 3), 0.5, "float32")
    assert ops.image.ssim(image, image).item() == 1.0
    assert ops.image.ssim(RGB, RGB[::-1], filter_size=3).shape == (2,)
    assert ops.image.extract_patches_3d(np.ones((4, 4, 4, 1)), 2).shape == (2, 2, 2, 8)
    with pytest.raises(ValueError, match="float dtype"):
        ops.image.rgb_to_hsv(np.ones((2, 2, 3), "int32"))
    with pytest.raises(ValueError, match="data_format"):
        ops.image.gaussian_blur(RGB, data_format="nhwc")


CASES = {
    "pinv": lambda o: o.linalg.pinv(WIDE.astype("float32")),
    "matrix_rank": lambda o: o.linalg.matrix_rank(A.astype("float32")),
    "solve_triangular": lambda o: o.linalg.solve_triangular(A.astype("float32"),
                                                            B.astype("float32"), lower=True),
    "lu_factor": lambda o: o.linalg.lu_factor(A.astype("float32")),
    # Keras 3.15 on JAX takes one matrix here (a batch fails to broadcast)
    "cholesky_inverse": lambda o: o.linalg.cholesky_inverse(LOWER[0].astype("float32")),
    "logdet": lambda o: o.logdet(SPD.astype("float32")),
    "rgb_to_grayscale": lambda o: o.image.rgb_to_grayscale(RGB.astype("float32")),
    "rgb_to_grayscale_first": lambda o: o.image.rgb_to_grayscale(
        np.moveaxis(RGB, -1, 1).astype("float32"), data_format="channels_first"),
    "rgb_to_hsv": lambda o: o.image.rgb_to_hsv(RGB.astype("float32")),
    "hsv_to_rgb": lambda o: o.image.hsv_to_rgb(HSV.astype("float32")),
    "extract_patches": lambda o: o.image.extract_patches(RGB.astype("float32"), (2, 3)),
    "extract_patches_same": lambda o: o.image.extract_patches(RGB.astype("float32"), 3,
                                                              strides=2, padding="same"),
    # data_format given: Keras 3.15 on JAX leaves None unresolved here and blurs the wrong axes
    "gaussian_blur": lambda o: o.image.gaussian_blur(RGB.astype("float32"), (3, 5),
                                                     (1.0, 2.0), data_format="channels_last"),
    "gaussian_blur_first": lambda o: o.image.gaussian_blur(
        np.moveaxis(RGB, -1, 1).astype("float32"), (3, 3), (1.5, 1.5),
        data_format="channels_first"),
    "sobel_edges": lambda o: o.image.sobel_edges(RGB.astype("float32")),
    "ssim": lambda o: o.image.ssim(RGB.astype("float32"), HSV.astype("float32"), 2.0, 3, 1.0),
    "ssim_single": lambda o: o.image.ssim(RGB[0].astype("float32"), RGB[1].astype("float32"),
                                          filter_size=5),
    "map_coordinates": lambda o: o.image.map_coordinates(RGB[0, :, :, 0].astype("float32"),
                                                         COORDS.astype("float32"), 1),
    "map_coordinates_mirror": lambda o: o.image.map_coordinates(
        RGB[0].astype("float32"), np.concatenate([COORDS, COORDS[:1] / 3]).astype("float32"),
        0, "mirror"),
    "perspective_transform": lambda o: o.image.perspective_transform(
        RGB.astype("float32"), np.stack([CORNERS, CORNERS + 0.5]), np.stack([MOVED, MOVED[::-1]]),
        fill_value=0.25, data_format="channels_last"),
    "perspective_transform_nearest": lambda o: o.image.perspective_transform(
        RGB[0].astype("float32"), CORNERS, MOVED, "nearest"),
    "scale_and_translate": lambda o: o.image.scale_and_translate(
        RGB.astype("float32"), (2, 3, 8, 3), np.array([0.6, 1.4], "float32"),
        np.array([0.2, -0.3], "float32"), (1, 2), "linear"),
    "scale_and_translate_lanczos": lambda o: o.image.scale_and_translate(
        RGB.astype("float32"), (2, 5, 4, 3), np.array([0.5], "float32"),
        np.array([0.0], "float32"), (2,), "lanczos3", False),
    "map_coordinates_int": lambda o: o.image.map_coordinates(
        (RGB[0, :, :, 0] * 100).astype("int32"), COORDS.astype("float32"), 1, "nearest"),
    "extract_patches_3d": lambda o: o.image.extract_patches_3d(
        RGB[..., None].astype("float32"), (2, 3, 2), strides=(1, 2, 1)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_the_same_values_as_keras(name):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    pytest.importorskip("jax")
    ours, theirs = CASES[name](ops), CASES[name](keras.ops)
    ours = ours if isinstance(ours, tuple) else (ours,)
    theirs = theirs if isinstance(theirs, tuple) else (theirs,)
    for a, b in zip(ours, theirs, strict=True):
        a, b = np.asarray(a), np.asarray(b)
        assert a.dtype == b.dtype and a.shape == b.shape, (a.dtype, b.dtype, a.shape, b.shape)
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-5)


def test_eig_jvp_and_complex_views():
    m = rng.normal(size=(3, 3))
    w, v = ops.linalg.eig(m.astype("float32"))
    assert w.dtype == np.complex64 and v.dtype == np.complex64
    np.testing.assert_allclose(m @ v.numpy(), v.numpy() * w.numpy(), atol=1e-4)

    x, t = rng.normal(size=3), rng.normal(size=3)

    def fn(a, b):
        return ops.tanh(ops.matmul(a, b)) * 2.0

    out, tangent = ops.linalg.jvp(fn, (m, x), (m * 0.5, t))
    eps = 1e-6  # central differences along the tangent direction (jvp computes in float32)
    plus = 2 * np.tanh((m + eps * m * 0.5) @ (x + eps * t))
    minus = 2 * np.tanh((m - eps * m * 0.5) @ (x - eps * t))
    np.testing.assert_allclose(out.numpy(), 2 * np.tanh(m @ x), rtol=1e-5)
    np.testing.assert_allclose(tangent.numpy(), (plus - minus) / (2 * eps), rtol=1e-5,
                               atol=1e-5)
    (total, parts), (d_total, d_parts), aux = ops.linalg.jvp(
        lambda a: ((ops.sum(a), {"s": a * 3.0}), "aux"), (x,), (t,), has_aux=True)
    assert aux == "aux" and d_total.item() == pytest.approx(t.sum())
    np.testing.assert_allclose(d_parts["s"].numpy(), 3 * t)

    z = ops.polar([2.0, 1.0], [0.0, np.pi / 2])
    assert z.dtype == np.complex64
    np.testing.assert_allclose(z.numpy(), [2.0, 1j], atol=1e-7)
    np.testing.assert_array_equal(ops.view_as_real(ops.view_as_complex(RGB[..., :2])).numpy(),
                                  RGB[..., :2].astype("float32"))
    with pytest.raises(ValueError, match="last axis of size 2"):
        ops.view_as_complex(RGB)


@pytest.mark.parametrize("name", ["eig", "jvp", "polar", "view_as_real", "view_as_complex"])
def test_complex_and_forward_mode_ops_equal_keras(name):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    pytest.importorskip("jax")
    m = rng.normal(size=(3, 3)).astype("float32")
    cases = {
        "eig": lambda o: o.linalg.eig(m)[0],
        "jvp": lambda o: o.linalg.jvp(lambda a: o.sin(o.matmul(a, a)), (m,), (m[::-1].copy(),))[1],
        "polar": lambda o: o.polar(m, m[::-1].copy()),
        "view_as_real": lambda o: o.view_as_real(o.polar(m, m)),
        "view_as_complex": lambda o: o.view_as_complex(m[:, :2].copy()),
    }
    ours, theirs = np.asarray(cases[name](ops)), np.asarray(cases[name](keras.ops))
    if name == "eig":  # the same eigenvalues, in any order
        ours, theirs = np.sort_complex(ours), np.sort_complex(theirs)
    assert ours.dtype == theirs.dtype and ours.shape == theirs.shape
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-5)


def test_elastic_transform_moves_pixels_by_a_smooth_seeded_field():
    x = RGB.astype("float32")
    a = ops.image.elastic_transform(x, alpha=3.0, sigma=2.0, seed=7)
    b = ops.image.elastic_transform(x, alpha=3.0, sigma=2.0, seed=7)
    assert a.shape == x.shape and a.dtype == np.float32
    np.testing.assert_array_equal(a.numpy(), b.numpy())  # the seed fixes the field
    assert np.abs(a.numpy() - x).mean() > 1e-3
    # alpha 0: no displacement, every pixel samples itself
    np.testing.assert_allclose(ops.image.elastic_transform(x, alpha=0.0, seed=1).numpy(), x)
    # a constant image stays constant under any displacement with reflected borders
    flat = np.full((6, 7, 2), 0.25, "float32")
    np.testing.assert_allclose(ops.image.elastic_transform(flat, seed=2).numpy(), flat)
    assert ops.image.elastic_transform((x * 255).astype("uint8"), seed=1).dtype == np.uint8
    image = numnet.Tensor(x[:1].astype("float64"), requires_grad=True)
    ops.sum(ops.image.elastic_transform(image, 2.0, 1.0, seed=3)).backward()
    assert image.grad.shape == image.shape and np.isfinite(image.grad).all()
    # each output pixel is a convex combination of input pixels: the gradient sums to the
    # number of output pixels per channel
    assert image.grad.sum() == pytest.approx(image.size, rel=1e-6)
