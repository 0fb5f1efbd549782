"""TensorFlow's math and shaping names under ``import numnet as tf`` (numnet.tf_api.array):
values against NumPy / hand values, gradients against central differences (float64), and,
where TensorFlow is installed, values equal to TensorFlow's."""

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.autodiff.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(0)


def close(t, expected, **kw):
    np.testing.assert_allclose(np.asarray(t), expected, rtol=kw.pop("rtol", 1e-5),
                               atol=kw.pop("atol", 1e-6), **kw)


def check_grad(fn, *values, tol=1e-5):
    """The gradient of sum(fn(*xs) * weights) for each x against central differences."""
    xs = [numnet.Variable(np.array(v, dtype="float64")) for v in values]
    out = fn(*xs)
    weights = RNG.normal(size=out.shape)
    tf.reduce_sum(out * weights).backward()
    for x in xs:
        numeric = numerical_gradient(
            lambda: float(np.sum(np.asarray(fn(*[numnet.Tensor(v.value) for v in xs]))
                                 * weights)), x.value)
        analytic = x.grad if x.grad is not None else np.zeros_like(x.value)
        assert relative_error(analytic, numeric) < tol, (analytic, numeric)


# ----------------------------------------------------------------------------- values


def test_trigonometry_and_hyperbolic_values_and_gradients():
    x = np.array([-0.7, 0.1, 0.5])
    for name, ref in [("sin", np.sin), ("cos", np.cos), ("tan", np.tan), ("sinh", np.sinh),
                      ("cosh", np.cosh), ("asin", np.arcsin), ("acos", np.arccos),
                      ("atan", np.arctan), ("asinh", np.arcsinh), ("atanh", np.arctanh),
                      ("tanh", np.tanh), ("sigmoid", lambda v: 1 / (1 + np.exp(-v)))]:
        close(getattr(tf, name)(x.astype("float32")), ref(x), rtol=1e-5)
        close(getattr(tf.math, name)(x), ref(x))
        check_grad(getattr(tf, name), x)
    close(tf.acosh([1.5, 3.0]), np.arccosh([1.5, 3.0]))
    check_grad(tf.acosh, [1.5, 3.0])
    close(tf.atan2([1.0, -1.0], [-1.0, -1.0]), np.arctan2([1, -1], [-1, -1]))
    check_grad(tf.atan2, [0.3, -1.2], [0.7, 0.4])
    assert tf.sin(1).dtype == np.float32  # integers become floats


def test_special_functions_against_scipy_with_gradients():
    sp = pytest.importorskip("scipy.special")
    x = np.array([0.3, 1.2, 2.5])
    p = np.array([-0.6, 0.1, 0.8])
    for name, fn, arg in [("erf", sp.erf, p), ("erfc", sp.erfc, p), ("erfinv", sp.erfinv, p),
                          ("expm1", np.expm1, p), ("lgamma", sp.gammaln, x),
                          ("digamma", sp.digamma, x), ("bessel_i0", sp.i0, p),
                          ("bessel_i0e", sp.i0e, p), ("bessel_i1", sp.i1, p),
                          ("bessel_i1e", sp.i1e, p), ("ndtri", sp.ndtri, x / 3),
                          ("erfcinv", sp.erfcinv, x / 2)]:
        fn_tf = getattr(tf.math, name)
        close(fn_tf(arg), fn(arg), rtol=1e-6)
        check_grad(fn_tf, arg)
    close(tf.math.softsign([1.0, -3.0]), [0.5, -0.75])
    check_grad(tf.math.softsign, [0.4, -1.3])
    close(tf.math.log_sigmoid([0.0, -100.0]), [-np.log(2), -100.0])
    check_grad(tf.math.log_sigmoid, [0.4, -1.3])
    close(tf.math.polygamma(1.0, 1.0), np.pi ** 2 / 6, rtol=1e-6)
    close(tf.math.igamma(2.0, 1.5), sp.gammainc(2.0, 1.5))
    check_grad(lambda x: tf.math.igamma(2.0, x), [0.5, 1.5])
    close(tf.math.lbeta([2.0, 3.0]), np.log(sp.beta(2, 3)))
    check_grad(tf.math.lbeta, [[2.0, 3.0, 0.5]])


def test_no_nan_products_and_logs():
    close(tf.math.reciprocal_no_nan([2.0, 0.0]), [0.5, 0.0])
    close(tf.math.multiply_no_nan([np.inf, np.nan, 2.0], [0.0, 0.0, 3.0]), [0.0, 0.0, 6.0])
    close(tf.math.xlogy([0.0, 2.0], [0.0, 3.0]), [0.0, 2 * np.log(3)])
    close(tf.math.xlog1py([0.0, 2.0], [-1.0, 3.0]), [0.0, 2 * np.log(4)])
    close(tf.math.xdivy([0.0, 3.0], [0.0, 2.0]), [0.0, 1.5])
    for fn in (tf.math.xlogy, tf.math.xdivy, tf.math.xlog1py, tf.math.multiply_no_nan):
        check_grad(fn, [0.5, 2.0], [1.5, 0.7])
    check_grad(tf.math.reciprocal_no_nan, [0.5, -2.0])


def test_integer_division_and_casts():
    close(tf.truncatediv([-7, 7, -7], [2, 2, -2]), [-3, 3, 3])
    close(tf.truncatemod([-7, 7], 2), [-1, 1])
    close(tf.realdiv(3.0, 2.0), 1.5)
    close(tf.scalar_mul(2.0, [1.0, 3.0]), [2.0, 6.0])
    out = tf.saturate_cast([-5.0, 300.0, 7.6], tf.uint8)
    assert out.dtype == np.uint8 and out.numpy().tolist() == [0, 255, 7]
    assert tf.saturate_cast([1e20], tf.int32).numpy().tolist() == [2 ** 31 - 1]
    assert tf.bitcast(tf.constant(1.0), tf.int32).numpy() == 1065353216
    assert tf.bitcast(tf.constant([1], tf.int32), tf.uint8).shape == (1, 4)
    close(tf.math.rint([0.5, 1.5, -1.7]), [0.0, 2.0, -2.0])


def test_rearrangements_values_and_gradients():
    x = np.arange(12.0).reshape(3, 4)
    close(tf.roll(x, 1, 1), np.roll(x, 1, 1))
    close(tf.roll(x, [1, -1], [0, 1]), np.roll(x, (1, -1), (0, 1)))
    close(tf.repeat(x, [1, 2, 0], axis=0), np.repeat(x, [1, 2, 0], axis=0))
    close(tf.repeat([[1, 2]], 2), [1, 1, 2, 2])
    close(tf.reverse(x, [1]), x[:, ::-1])
    close(tf.slice(x, [1, 1], [2, -1]), x[1:3, 1:])
    close(tf.strided_slice(x, [0, 1], [3, 4], [2, 2]), x[0:3:2, 1:4:2])
    close(tf.strided_slice(x, [0, 3], [0, 0], [1, -1], begin_mask=1, end_mask=3), x[:, 3::-1])
    assert tf.strided_slice(x, [1, 0], [2, 4], shrink_axis_mask=1).shape == (4,)
    close(tf.reverse_sequence([[1, 2, 3], [4, 5, 6]], [2, 3], seq_axis=1),
          [[2, 1, 3], [6, 5, 4]])
    check_grad(lambda v: tf.roll(v, 2, 0), np.arange(5.0))
    check_grad(lambda v: tf.repeat(v, [2, 1], axis=0), x[:2])
    check_grad(lambda v: tf.strided_slice(v, [0, 1], [3, 4], [2, 2]), x)
    check_grad(lambda v: tf.reverse(v, [0, 1]), x)
    check_grad(lambda v: tf.reverse_sequence(v, [2, 3, 1], seq_axis=1), x)
    X, Y = tf.meshgrid([1.0, 2.0, 3.0], [4.0, 5.0])
    ex, ey = np.meshgrid([1, 2, 3], [4, 5])
    close(X, ex)
    close(Y, ey)
    assert tf.meshgrid([1, 2, 3], [4, 5], indexing="ij")[0].shape == (3, 2)


def test_unique_sequence_mask_searchsorted_unravel():
    y, idx = tf.unique([1, 1, 2, 4, 4, 4, 7, 8, 8])
    assert y.numpy().tolist() == [1, 2, 4, 7, 8]
    assert idx.numpy().tolist() == [0, 0, 1, 2, 2, 2, 3, 4, 4]
    y, idx, count = tf.unique_with_counts([3, 1, 3, 2])
    assert y.numpy().tolist() == [3, 1, 2] and count.numpy().tolist() == [2, 1, 1]
    assert idx.numpy().tolist() == [0, 1, 0, 2]
    assert tf.sequence_mask([1, 3], 4).numpy().tolist() == [[True, False, False, False],
                                                           [True, True, True, False]]
    assert tf.sequence_mask([[1], [2]]).shape == (2, 1, 2)
    assert tf.searchsorted([0.0, 3.0, 9.0], [2.0, 3.0, 10.0]).numpy().tolist() == [1, 1, 3]
    assert tf.searchsorted([[1, 2], [3, 4]], [[2], [2]], side="right").numpy().tolist() == [
        [2], [0]]
    assert tf.unravel_index([2, 5, 7], [3, 3]).numpy().tolist() == [[0, 1, 2], [2, 2, 1]]


def test_gather_and_scatter_nd():
    p = np.arange(24.0).reshape(2, 3, 4)
    close(tf.gather_nd(p, [[0, 1], [1, 2]]), p[[0, 1], [1, 2]])
    close(tf.gather_nd(p, [[[0, 1, 2]]]), [[p[0, 1, 2]]])
    close(tf.gather_nd(p, [[1], [0]], batch_dims=1), np.stack([p[0, 1], p[1, 0]]))
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.gather_nd(p, [[2, 0]])
    check_grad(lambda v: tf.gather_nd(v, [[0, 1], [0, 1], [1, 2]]), p)
    close(tf.scatter_nd([[4], [3], [1], [7], [4]], [9.0, 10.0, 11.0, 12.0, 1.0], [8]),
          [0, 11, 0, 10, 10, 0, 0, 12])
    check_grad(lambda u: tf.scatter_nd([[1, 0], [1, 0]], u, [2, 2, 3]), np.ones((2, 3)))
    t = np.arange(6.0).reshape(2, 3)
    close(tf.tensor_scatter_nd_update(t, [[0, 1]], [9.0]), [[0, 9, 2], [3, 4, 5]])
    close(tf.tensor_scatter_nd_add(t, [[1]], [[1.0, 1.0, 1.0]]), t + [[0], [1]])
    close(tf.tensor_scatter_nd_sub(t, [[1, 2], [1, 2]], [1.0, 1.0]), t - [[0, 0, 0],
                                                                          [0, 0, 2]])
    close(tf.tensor_scatter_nd_max(t, [[0, 0], [1, 1]], [5.0, 1.0]), [[5, 1, 2], [3, 4, 5]])
    close(tf.tensor_scatter_nd_min(t, [[0, 0], [1, 1]], [5.0, 1.0]), [[0, 1, 2], [3, 1, 5]])
    check_grad(lambda a, u: tf.tensor_scatter_nd_update(a, [[0, 1], [1, 0]], u), t, [7.0, 8.0])
    check_grad(lambda a, u: tf.tensor_scatter_nd_add(a, [[0, 1], [0, 1]], u), t, [7.0, 8.0])
    check_grad(lambda a, u: tf.tensor_scatter_nd_max(a, [[0, 1], [1, 0]], u), t, [7.0, 0.5])


def test_segments_sorted_and_unsorted():
    data = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    close(tf.math.segment_sum(data, [0, 0, 2, 2]), [[4, 6], [0, 0], [12, 14]])
    close(tf.math.segment_mean(data, [0, 0, 1, 1]), [[2, 3], [6, 7]])
    close(tf.math.segment_max(data, [0, 0, 2, 2]), [[3, 4], [0, 0], [7, 8]])
    close(tf.math.segment_min(data, [0, 0, 1, 1]), [[1, 2], [5, 6]])
    close(tf.math.segment_prod(data, [0, 0, 1, 1]), [[3, 8], [35, 48]])
    ids = [1, 0, 1, 3]
    close(tf.math.unsorted_segment_sum(data, ids, 4), [[3, 4], [6, 8], [0, 0], [7, 8]])
    close(tf.math.unsorted_segment_mean(data, ids, 3), [[3, 4], [3, 4], [0, 0]])
    close(tf.math.unsorted_segment_sqrt_n(data, ids, 2), [[3, 4], [6 / np.sqrt(2),
                                                                   8 / np.sqrt(2)]])
    low = np.finfo(np.float64).min
    close(tf.math.unsorted_segment_max(data, ids, 3), [[3, 4], [5, 6], [low, low]])
    close(tf.math.unsorted_segment_prod(data, ids, 3), [[3, 4], [5, 12], [1, 1]])
    for fn in (tf.math.segment_sum, tf.math.segment_mean, tf.math.segment_max,
               tf.math.segment_min, tf.math.segment_prod):
        check_grad(lambda v, fn=fn: fn(v, [0, 0, 1, 1]), data + RNG.normal(size=(4, 2)) * 0.1)
    for fn in (tf.math.unsorted_segment_sum, tf.math.unsorted_segment_mean,
               tf.math.unsorted_segment_max, tf.math.unsorted_segment_min,
               tf.math.unsorted_segment_prod, tf.math.unsorted_segment_sqrt_n):
        check_grad(lambda v, fn=fn: fn(v, [1, 0, 1, -1], 2), data + RNG.normal(size=(4, 2)))
    # products with zeros: the gradient is the product of the others
    check_grad(lambda v: tf.math.segment_prod(v, [0, 0, 0, 1]), [0.0, 2.0, 3.0, 0.0])
    check_grad(lambda v: tf.math.segment_prod(v, [0, 0, 0]), [0.0, 2.0, 0.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="sorted"):
        tf.math.segment_sum(data, [1, 0, 0, 0])


def test_scans_counts_polynomials():
    x = np.array([1.0, 2.0, 3.0, 4.0])
    close(tf.math.cumprod(x), np.cumprod(x))
    close(tf.math.cumprod(x, exclusive=True), [1, 1, 2, 6])
    close(tf.math.cumprod(x, reverse=True), [24, 24, 12, 4])
    check_grad(lambda v: tf.math.cumprod(v, exclusive=True, reverse=True), x)
    check_grad(lambda v: tf.math.cumprod(v), [2.0, 0.0, 3.0, 0.5])
    close(tf.math.cumulative_logsumexp(x), np.logaddexp.accumulate(x))
    close(tf.math.cumulative_logsumexp(x, exclusive=True)[1:], np.logaddexp.accumulate(x)[:-1])
    check_grad(lambda v: tf.math.cumulative_logsumexp(v, reverse=True), x)
    close(tf.math.bincount([1, 1, 3], minlength=5), [0, 2, 0, 1, 0])
    close(tf.math.bincount([1, 1, 3], weights=[0.5, 1.0, 2.0]), [0, 1.5, 0, 2])
    close(tf.math.bincount([[0, 1], [1, 1]], axis=-1), [[1, 1], [0, 2]])
    close(tf.math.polyval([2.0, 0.0, 1.0], [3.0, 1.0]), [19, 3])
    check_grad(lambda v: tf.math.polyval([1.5, -2.0, 0.5], v), [0.3, 2.0])
    assert bool(tf.math.is_non_decreasing([1, 1, 2]))
    assert not bool(tf.math.is_strictly_increasing([1, 1, 2]))
    close(tf.math.zero_fraction([0.0, 1.0, 0.0, 2.0]), 0.5)
    close(tf.math.invert_permutation([3, 4, 0, 2, 1]), [2, 4, 3, 0, 1])


def test_einsum_tensordot_and_misc():
    a, b = RNG.normal(size=(2, 3)), RNG.normal(size=(3, 4))
    close(tf.einsum("ij,jk->ik", a, b), a @ b)
    close(tf.tensordot(a, b, 1), a @ b)
    c = RNG.normal(size=(3, 2, 5))
    close(tf.tensordot(a, c, [[0, 1], [1, 0]]), np.tensordot(a, c, [[0, 1], [1, 0]]))
    check_grad(lambda u, v: tf.tensordot(u, v, [[1], [0]]), a, b)
    assert [t.numpy().tolist() for t in tf.shape_n([np.ones((2, 3)), [1]])] == [[2, 3], [1]]
    assert tf.parallel_stack([[1, 2], [3, 4]]).shape == (2, 2)
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        outs = tf.identity_n([v, v * 2.0])
        total = tf.reduce_sum(outs[0]) + tf.reduce_sum(outs[1])
    close(tape.gradient(total, v), [3.0, 3.0])
    assert tf.ensure_shape(np.ones((2, 3)), (None, 3)).shape == (2, 3)
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.ensure_shape(np.ones((2, 3)), (None, 4))
    with pytest.raises(ValueError):  # an InvalidArgumentError is a ValueError too
        tf.ensure_shape(np.ones((2, 3)), (2,))
    assert tf.get_static_value(tf.constant([1, 2])).tolist() == [1, 2]
    assert tf.executing_eagerly() is True and tf.inside_function() is False
    z = np.array([1 + 2j, -1 - 1j])
    close(tf.math.real(z), z.real)
    close(tf.math.imag(z), z.imag)
    close(tf.math.conj(z), np.conj(z))
    close(tf.math.angle(z), np.angle(z))
    close(tf.math.angle([-2.0, 3.0]), [np.pi, 0.0])


# ----------------------------------------------------------------------------- against TensorFlow


def _tf():
    return pytest.importorskip("tensorflow")


def same(ours, theirs, rtol=1e-5, atol=1e-6):
    theirs = theirs.numpy() if hasattr(theirs, "numpy") else np.asarray(theirs)
    ours = np.asarray(ours)
    assert ours.shape == theirs.shape, (ours.shape, theirs.shape)
    assert ours.dtype == theirs.dtype, (ours.dtype, theirs.dtype)
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol)


def test_values_equal_tensorflows():
    real = _tf()
    x = RNG.normal(size=(3, 4)).astype("float32")
    p = RNG.uniform(0.1, 0.9, size=(5,)).astype("float32")
    for name in ("sin", "cos", "tan", "sinh", "cosh", "asinh", "atan", "sigmoid", "tanh"):
        same(getattr(tf, name)(x), getattr(real, name)(x))
    for name in ("asin", "acos", "atanh"):
        same(getattr(tf, name)(p), getattr(real, name)(p))
    for name in ("erf", "erfc", "erfinv", "expm1", "lgamma", "digamma", "softsign",
                 "log_sigmoid", "bessel_i0", "bessel_i0e", "bessel_i1", "bessel_i1e", "rint",
                 "ndtri", "reciprocal_no_nan"):
        arg = p if name in ("erfinv", "ndtri") else np.abs(x) + 0.1 if name in (
            "lgamma", "digamma") else x
        same(getattr(tf.math, name)(arg), getattr(real.math, name)(arg), rtol=2e-5, atol=2e-6)
    for name in ("xlogy", "xdivy", "xlog1py", "multiply_no_nan"):
        same(getattr(tf.math, name)(x, np.abs(x)), getattr(real.math, name)(x, np.abs(x)),
             rtol=2e-5)
    same(tf.atan2(x, x[::-1]), real.atan2(x, x[::-1]))
    i = np.array([-7, 7, 5, -3], "int32")
    same(tf.truncatediv(i, 2), real.truncatediv(i, 2))
    same(tf.truncatemod(i, 3), real.truncatemod(i, 3))
    same(tf.roll(x, [1, 2], [0, 1]), real.roll(x, [1, 2], [0, 1]))
    same(tf.repeat(x, [1, 0, 2], axis=0), real.repeat(x, [1, 0, 2], axis=0))
    same(tf.repeat(x, 2), real.repeat(x, 2))
    same(tf.reverse(x, [0, 1]), real.reverse(x, [0, 1]))
    same(tf.slice(x, [1, 0], [-1, 2]), real.slice(x, [1, 0], [-1, 2]))
    for args in ([[0, 1], [3, 4], [1, 2]], [[-1, 3], [0, 0], [1, -1]]):
        for masks in ({}, {"begin_mask": 1}, {"end_mask": 2}, {"shrink_axis_mask": 1},
                      {"new_axis_mask": 2}, {"ellipsis_mask": 1}):
            same(tf.strided_slice(x, *args, **masks), real.strided_slice(x, *args, **masks))
    for a, b in zip(tf.meshgrid([1, 2, 3], [4, 5]), real.meshgrid([1, 2, 3], [4, 5])):
        np.testing.assert_array_equal(a, b)
    ua, ub = tf.unique_with_counts([4, 1, 4, 3, 1]), real.unique_with_counts([4, 1, 4, 3, 1])
    for a, b in zip(ua, ub):
        same(a, b)
    same(tf.sequence_mask([1, 3, 2], 5), real.sequence_mask([1, 3, 2], 5))
    same(tf.sequence_mask([1, 3], dtype=tf.float32), real.sequence_mask([1, 3],
                                                                          dtype="float32"))
    p3 = RNG.normal(size=(2, 3, 4)).astype("float32")
    for idx, bd in (([[0, 1], [1, 2]], 0), ([[[0, 1, 2]]], 0), ([[1], [0]], 1)):
        same(tf.gather_nd(p3, idx, batch_dims=bd), real.gather_nd(p3, idx, batch_dims=bd))
    ind = [[1, 0], [0, 2], [1, 0]]
    u = np.arange(12, dtype="float32").reshape(3, 4)
    same(tf.scatter_nd(ind, u, [2, 3, 4]), real.scatter_nd(ind, u, [2, 3, 4]))
    for fn in ("tensor_scatter_nd_add", "tensor_scatter_nd_sub", "tensor_scatter_nd_max",
               "tensor_scatter_nd_min"):
        same(getattr(tf, fn)(p3, ind, u), getattr(real, fn)(p3, ind, u))
    same(tf.tensor_scatter_nd_update(p3, [[1, 0], [0, 2]], u[:2]),
         real.tensor_scatter_nd_update(p3, [[1, 0], [0, 2]], u[:2]))
    seq = np.sort(RNG.normal(size=(2, 6)).astype("float32"), axis=1)
    for side in ("left", "right"):
        same(tf.searchsorted(seq, x[:2], side=side), real.searchsorted(seq, x[:2], side=side))
    same(tf.unravel_index([2, 5, 7], [3, 3]), real.unravel_index([2, 5, 7], [3, 3]))
    same(tf.saturate_cast([-5.0, 300.0, 7.6], "uint8"),
         real.saturate_cast([-5.0, 300.0, 7.6], "uint8"))
    same(tf.bitcast(x, tf.int32), real.bitcast(x, "int32"))
    same(tf.bitcast(x, tf.uint8), real.bitcast(x, "uint8"))
    data = RNG.normal(size=(5, 2)).astype("float32")
    for fn in ("segment_sum", "segment_mean", "segment_max", "segment_min", "segment_prod"):
        same(getattr(tf.math, fn)(data, [0, 0, 2, 2, 3]),
             getattr(real.math, fn)(data, [0, 0, 2, 2, 3]))
    for fn in ("unsorted_segment_sum", "unsorted_segment_mean", "unsorted_segment_max",
               "unsorted_segment_min", "unsorted_segment_prod", "unsorted_segment_sqrt_n"):
        same(getattr(tf.math, fn)(data, [3, 0, 3, -1, 1], 5),
             getattr(real.math, fn)(data, [3, 0, 3, -1, 1], 5))
    for kw in ({}, {"exclusive": True}, {"reverse": True}, {"exclusive": True, "reverse": True}):
        same(tf.math.cumprod(x, axis=1, **kw), real.math.cumprod(x, axis=1, **kw))
        same(tf.math.cumulative_logsumexp(x, axis=1, **kw),
             real.math.cumulative_logsumexp(x, axis=1, **kw), rtol=2e-5)
    same(tf.math.bincount([1, 1, 3], minlength=5), real.math.bincount([1, 1, 3], minlength=5))
    same(tf.math.bincount([1, 1, 3], weights=[0.5, 1.0, 2.0]),
         real.math.bincount([1, 1, 3], weights=[0.5, 1.0, 2.0]))
    same(tf.math.polyval([2.0, 0.5, 1.0], x), real.math.polyval([2.0, 0.5, 1.0], x))
    same(tf.math.zero_fraction([0.0, 1.0, 0.0]), real.math.zero_fraction([0.0, 1.0, 0.0]))
    same(tf.einsum("ij,kj->ik", x, x), real.einsum("ij,kj->ik", x, x))
    same(tf.tensordot(x, x.T, 1), real.tensordot(x, x.T, 1), rtol=1e-5, atol=1e-5)


def test_gradients_equal_tensorflows():
    real = _tf()
    x = RNG.uniform(0.2, 0.8, size=(2, 3)).astype("float64")
    fns = [("erfinv", tf.math.erfinv, real.math.erfinv),
           ("lgamma", tf.math.lgamma, real.math.lgamma),
           ("bessel_i1e", tf.math.bessel_i1e, real.math.bessel_i1e),
           ("xlogy", lambda v: tf.math.xlogy(v, v + 1), lambda v: real.math.xlogy(v, v + 1)),
           ("cumprod", lambda v: tf.math.cumprod(v, axis=1, exclusive=True),
            lambda v: real.math.cumprod(v, axis=1, exclusive=True)),
           ("segment_max", lambda v: tf.math.unsorted_segment_max(v, [1, 0], 2),
            lambda v: real.math.unsorted_segment_max(v, [1, 0], 2))]
    for name, ours, theirs in fns:
        v = tf.Variable(x)
        with tf.GradientTape() as tape:
            y = tf.reduce_sum(ours(v) * np.arange(1.0, 1 + ours(x).numpy().size).reshape(
                ours(x).shape))
        mine = tape.gradient(y, v).numpy()
        rv = real.Variable(x)
        with real.GradientTape() as rtape:
            ry = real.reduce_sum(theirs(rv) * np.arange(1.0, 1 + ours(x).numpy().size).reshape(
                ours(x).shape))
        np.testing.assert_allclose(mine, rtape.gradient(ry, rv).numpy(), rtol=1e-6,
                                   err_msg=name)


def test_gather_with_batch_dims_as_tensorflow():
    """Values from TensorFlow 2.21 (the tensor-slicing guide's tables)."""
    t4 = tf.constant([[0, 5], [1, 6], [2, 7], [3, 8], [4, 9]])
    got = tf.gather(t4, [[0], [1], [0], [1], [0]], batch_dims=1)
    assert got.numpy().tolist() == [[0], [6], [2], [8], [4]]
    x = np.arange(24).reshape(2, 3, 4)
    # axis 2 with one batch axis: out[b, m, i] = x[b, m, idx[b, i]]
    got = tf.gather(x, [[3, 0], [1, 1]], axis=2, batch_dims=1).numpy()
    want = np.stack([x[0][:, [3, 0]], x[1][:, [1, 1]]])
    np.testing.assert_array_equal(got, want)
    assert got.shape == (2, 3, 2)
    with pytest.raises(ValueError, match="batch axes"):
        tf.gather(x, [[0], [1], [2]], batch_dims=1)


def test_gather_batch_dims_gradient():
    x = tf.Variable(np.arange(6, dtype="float32").reshape(2, 3))
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.gather(x, [[2, 2], [0, 1]], batch_dims=1))
    np.testing.assert_array_equal(tape.gradient(y, x).numpy(), [[0, 0, 2], [1, 1, 0]])


def test_python_list_beside_a_tensor_takes_its_dtype():
    t = tf.constant([[2, 7, 0], [9, 0, 1], [0, 3, 8]])
    got = tf.tensor_scatter_nd_update(t, [[0, 2], [1, 1], [2, 0]], [6, 5, 4])
    assert got.dtype == "int32" and got.numpy().tolist() == [[2, 7, 6], [9, 5, 1], [4, 3, 8]]
    added = tf.tensor_scatter_nd_add(tf.zeros([3], tf.float16), [[1]], [2])
    assert added.dtype == "float16" and added.numpy().tolist() == [0.0, 2.0, 0.0]
