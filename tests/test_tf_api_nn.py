"""TensorFlow's tf.nn names beyond the activations (numnet.tf_api.nn): values against NumPy
and hand values, gradients against central differences (float64), and, where TensorFlow is
installed, values and gradients equal to TensorFlow's."""

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.autodiff.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(1)


def close(t, expected, **kw):
    np.testing.assert_allclose(np.asarray(t), expected, rtol=kw.pop("rtol", 1e-5),
                               atol=kw.pop("atol", 1e-6), **kw)


def check_grad(fn, *values, tol=1e-5):
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


def conv_reference(x, k, stride=1):
    """A direct 2-D valid cross-correlation, channels last."""
    n, h, w, _ = x.shape
    kh, kw, _, out = k.shape
    oh, ow = (h - kh) // stride + 1, (w - kw) // stride + 1
    y = np.zeros((n, oh, ow, out))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            y[:, i, j, :] = np.tensordot(patch, k, axes=3)
    return y


def test_convolutions_against_a_direct_loop_with_gradients():
    x = RNG.normal(size=(2, 5, 6, 3))
    k = RNG.normal(size=(3, 2, 3, 4))
    close(tf.nn.conv2d(x, k, strides=[1, 2, 2, 1], padding="VALID"), conv_reference(x, k, 2))
    padded = np.pad(x, ((0, 0), (1, 1), (0, 1), (0, 0)))
    close(tf.nn.conv2d(x, k, 1, [[0, 0], [1, 1], [0, 1], [0, 0]]), conv_reference(padded, k))
    nchw = np.transpose(x, (0, 3, 1, 2))
    close(tf.nn.conv2d(nchw, k, 1, "VALID", data_format="NCHW"),
          np.transpose(conv_reference(x, k), (0, 3, 1, 2)))
    check_grad(lambda a, b: tf.nn.conv2d(a, b, 1, "SAME"), x[:1, :4, :4], k)
    check_grad(lambda a, b: tf.nn.conv1d(a, b, 2, "SAME"), x[:, 0], k[0])
    check_grad(lambda a, b: tf.nn.conv2d_transpose(a, b, [1, 7, 8, 2], 2, "SAME"),
               x[:1, :4, :4, :2], k[:, :, :2, :2])
    check_grad(lambda a, b: tf.nn.depthwise_conv2d(a, b, [1, 1, 1, 1], "VALID"),
               x[:1, :4, :4], k[:2, :2, :, :2])


def test_pooling_values_and_gradients():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    close(tf.nn.max_pool(x, 2, 2, "VALID")[0, :, :, 0], [[5, 7], [13, 15]])
    close(tf.nn.avg_pool2d(x, 2, 2, "VALID")[0, :, :, 0], [[2.5, 4.5], [10.5, 12.5]])
    close(tf.nn.avg_pool(x, 3, 2, "SAME")[0, :, :, 0], [[5, 6.5], [11, 12.5]])
    close(tf.nn.pool(x, [2, 2], "MAX", strides=[2, 2]), tf.nn.max_pool2d(x, 2, 2, "VALID"))
    close(tf.nn.max_pool1d([[[1.0], [3.0], [2.0], [0.0]]], 2, 2, "VALID"), [[[3.0], [2.0]]])
    check_grad(lambda a: tf.nn.avg_pool(a, 3, 2, "SAME"), RNG.normal(size=(1, 5, 5, 2)))
    check_grad(lambda a: tf.nn.max_pool(a, 2, 1, "VALID"), RNG.normal(size=(1, 4, 4, 2)))


def test_dropout_bias_embedding_losses():
    y = tf.nn.dropout(tf.ones((2000,)), rate=0.25, seed=3).numpy()
    assert set(np.unique(y).tolist()) == {0.0, float(np.float32(1) / np.float32(0.75))}
    assert abs((y == 0).mean() - 0.25) < 0.05
    z = tf.nn.dropout(tf.ones((50, 4)), 0.5, noise_shape=[50, 1], seed=1).numpy()
    assert np.all(z == z[:, :1])  # whole rows kept or dropped
    with pytest.raises(ValueError, match="rate"):
        tf.nn.dropout(tf.ones(3), 1.0)
    close(tf.nn.bias_add(np.zeros((2, 3, 2)), [1.0, 2.0]), np.broadcast_to([1, 2], (2, 3, 2)))
    close(tf.nn.bias_add(np.zeros((1, 2, 3)), [1.0, 2.0], data_format="NCW"),
          [[[1, 1, 1], [2, 2, 2]]])
    table = RNG.normal(size=(5, 3))
    close(tf.nn.embedding_lookup(table, [[4, 0], [0, 0]]), table[[[4, 0], [0, 0]]])
    check_grad(lambda t: tf.nn.embedding_lookup(t, [1, 1, 3]), table)
    close(tf.nn.l2_loss([1.0, 2.0]), 2.5)
    close(tf.nn.compute_average_loss([1.0, 3.0], sample_weight=[1.0, 0.5]), 1.25)
    close(tf.nn.scale_regularization_loss([1.0, 2.0]), 3.0)
    z, q = np.array([1.0, 0.0, 0.3]), 2.5
    x = np.array([0.2, -1.0, 3.0])
    s = 1 / (1 + np.exp(-x))
    close(tf.nn.weighted_cross_entropy_with_logits(z, x, q),
          -q * z * np.log(s) - (1 - z) * np.log(1 - s))
    check_grad(lambda v: tf.nn.weighted_cross_entropy_with_logits(z, v, q), x)
    close(tf.nn.log_poisson_loss([2.0], [0.5]), np.exp(0.5) - 1.0)
    full = np.exp(0.5) - 3 * 0.5 + 3 * np.log(3) - 3 + 0.5 * np.log(2 * np.pi * 3)
    close(tf.nn.log_poisson_loss([3.0], [0.5], compute_full_loss=True), [full])


def test_moments_and_batch_normalization():
    x = RNG.normal(size=(4, 3))
    w = RNG.uniform(0.5, 2, size=(4, 1))
    mean, var = tf.nn.weighted_moments(x, [0], w)
    ref_mean = (w * x).sum(0) / w.sum()
    close(mean, ref_mean)
    close(var, (w * (x - ref_mean) ** 2).sum(0) / w.sum())
    count, mss, vss, _ = tf.nn.sufficient_statistics(x, [0])
    m, v = tf.nn.normalize_moments(count, mss, vss, None)
    close(m, x.mean(0))
    close(v, x.var(0))
    close(tf.nn.batch_normalization(x, x.mean(0), x.var(0), 0.5, 2.0, 1e-3),
          (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-3) * 2 + 0.5)
    check_grad(lambda a, g: tf.nn.batch_normalization(a, 0.1, 2.0, 0.5, g, 1e-3), x, [1.0, 2.0,
                                                                                   3.0])


def test_lrn_crelu_space_depth():
    x = RNG.normal(size=(1, 2, 2, 7))
    r, bias, alpha, beta = 2, 1.0, 0.5, 0.75
    sq = np.pad(x ** 2, ((0, 0), (0, 0), (0, 0), (r, r)))
    sums = sum(sq[..., k:k + 7] for k in range(2 * r + 1))
    close(tf.nn.lrn(x, r, bias, alpha, beta), x / (bias + alpha * sums) ** beta)
    check_grad(lambda a: tf.nn.local_response_normalization(a, 1, 1.0, 0.3, 0.5), x)
    close(tf.nn.crelu([1.0, -2.0]), [1.0, 0.0, 0.0, 2.0])
    d = np.arange(16.0).reshape(1, 1, 2, 8)
    s = tf.nn.depth_to_space(d, 2)
    assert s.shape == (1, 2, 4, 2)
    close(tf.nn.space_to_depth(s, 2), d)
    check_grad(lambda a: tf.nn.depth_to_space(a, 2), d)


def _tf():
    return pytest.importorskip("tensorflow")


def same(ours, theirs, rtol=1e-4, atol=1e-5):
    theirs = theirs.numpy() if hasattr(theirs, "numpy") else np.asarray(theirs)
    assert np.asarray(ours).shape == theirs.shape
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=rtol, atol=atol)


def test_values_equal_tensorflows():
    real = _tf()
    x = RNG.normal(size=(2, 7, 6, 3)).astype("float32")
    k = RNG.normal(size=(3, 3, 3, 4)).astype("float32")
    for strides, padding, dil in ((1, "SAME", 1), (2, "VALID", 1), ([1, 2, 1, 1], "SAME", 1),
                                  (1, "VALID", 2), (1, [[0, 0], [2, 1], [0, 3], [0, 0]], 1)):
        same(tf.nn.conv2d(x, k, strides, padding, dilations=dil),
             real.nn.conv2d(x, k, strides, padding, dilations=dil))
    same(tf.nn.conv1d(x[:, 0], k[0], 2, "SAME"), real.nn.conv1d(x[:, 0], k[0], 2, "SAME"))
    x3 = RNG.normal(size=(1, 4, 5, 4, 2)).astype("float32")
    k3 = RNG.normal(size=(2, 3, 2, 2, 3)).astype("float32")
    same(tf.nn.conv3d(x3, k3, [1, 1, 2, 1, 1], "SAME"),
         real.nn.conv3d(x3, k3, [1, 1, 2, 1, 1], "SAME"))
    kt = RNG.normal(size=(3, 3, 5, 3)).astype("float32")
    for shape, strides, padding in (([2, 14, 12, 5], 2, "SAME"), ([2, 13, 11, 5], 2, "SAME"),
                                    ([2, 15, 13, 5], 2, "VALID"), ([2, 16, 14, 5], 2, "VALID"),
                                    ([2, 9, 8, 5], 1, "VALID")):
        same(tf.nn.conv2d_transpose(x, kt, shape, strides, padding),
             real.nn.conv2d_transpose(x, kt, shape, strides, padding))
    same(tf.nn.conv1d_transpose(x[:, 0], kt[0], [2, 12, 5], 2),
         real.nn.conv1d_transpose(x[:, 0], kt[0], [2, 12, 5], 2))
    kd = RNG.normal(size=(3, 2, 3, 2)).astype("float32")
    same(tf.nn.depthwise_conv2d(x, kd, [1, 2, 2, 1], "SAME"),
         real.nn.depthwise_conv2d(x, kd, [1, 2, 2, 1], "SAME"))
    kp = RNG.normal(size=(1, 1, 6, 4)).astype("float32")
    same(tf.nn.separable_conv2d(x, kd, kp, [1, 1, 1, 1], "VALID"),
         real.nn.separable_conv2d(x, kd, kp, [1, 1, 1, 1], "VALID"))
    for fn in ("max_pool", "avg_pool"):
        for ksize, strides, padding in ((2, 2, "VALID"), (3, 2, "SAME"), ([1, 3, 2, 1], 1,
                                                                          "SAME")):
            same(getattr(tf.nn, fn)(x, ksize, strides, padding),
                 getattr(real.nn, fn)(x, ksize, strides, padding))
    same(tf.nn.avg_pool3d(x3, 2, 2, "SAME"), real.nn.avg_pool3d(x3, 2, 2, "SAME"))
    same(tf.nn.lrn(x, 2, 1.5, 0.3, 0.6), real.nn.lrn(x, 2, 1.5, 0.3, 0.6))
    same(tf.nn.depth_to_space(np.tile(x, 4), 2), real.nn.depth_to_space(np.tile(x, 4), 2))
    same(tf.nn.space_to_depth(x[:, :6], 2), real.nn.space_to_depth(x[:, :6], 2))
    y = RNG.uniform(size=x.shape).astype("float32")
    same(tf.nn.weighted_cross_entropy_with_logits(y, x, 1.7),
         real.nn.weighted_cross_entropy_with_logits(y, x, 1.7))
    same(tf.nn.log_poisson_loss(y * 4, x, True), real.nn.log_poisson_loss(y * 4, x, True))
    same(tf.nn.crelu(x), real.nn.crelu(x))
    for a, b in zip(tf.nn.weighted_moments(x, [0, 1], y), real.nn.weighted_moments(x, [0, 1], y)):
        same(a, b)
    for a, b in zip(tf.nn.sufficient_statistics(x, [0, 2], shift=0.5)[:3],
                    real.nn.sufficient_statistics(x, [0, 2], shift=0.5)[:3]):
        same(a, b)
    same(tf.nn.compute_average_loss(x[:, 0, 0, 0], global_batch_size=8),
         real.nn.compute_average_loss(x[:, 0, 0, 0], global_batch_size=8))


def test_gradients_equal_tensorflows():
    real = _tf()
    x = RNG.normal(size=(1, 6, 5, 2))
    kt = RNG.normal(size=(3, 3, 3, 2))
    kd = RNG.normal(size=(2, 2, 2, 2))
    cases = [("conv2d_transpose", lambda n, a, b: n.conv2d_transpose(a, b, [1, 11, 10, 3], 2)),
             ("depthwise", lambda n, a, b: n.depthwise_conv2d(a, kd, [1, 1, 1, 1], "SAME") * 1.0
              + 0 * n.l2_loss(b))]
    for name, fn in cases:
        a, b = tf.Variable(x), tf.Variable(kt)
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(fn(tf.nn, a, b)))
        mine = tape.gradient(loss, [a, b])
        ra, rb = real.Variable(x), real.Variable(kt)
        with real.GradientTape() as rtape:
            rloss = real.reduce_sum(real.square(fn(real.nn, ra, rb)))
        theirs = rtape.gradient(rloss, [ra, rb])
        for m, t in zip(mine, theirs):
            np.testing.assert_allclose(np.asarray(m), t.numpy(), rtol=1e-6, atol=1e-8,
                                       err_msg=name)
