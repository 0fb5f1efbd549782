"""TensorFlow's names under ``import numnet as tf``: values against NumPy, gradients against
central differences, TensorFlow's conventions (dtypes, defaults), and the missing-name error."""

import sys

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.autodiff.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(0)
A = RNG.normal(size=(3, 4))


def close(t, expected, **kw):
    np.testing.assert_allclose(numnet.backend.to_numpy(t), expected, rtol=kw.pop("rtol", 1e-5),
                               atol=kw.pop("atol", 1e-6), **kw)


def check_grad(fn, value):
    """The gradient of sum(fn(x) * weights) at ``value`` against central differences."""
    x = numnet.Variable(np.array(value, dtype="float64"))
    weights = RNG.normal(size=np.shape(np.asarray(fn(np.array(value, dtype="float64")))))
    out = fn(x)
    (out * weights).backward() if out.ndim == 0 else tf.reduce_sum(out * weights).backward()
    numeric = numerical_gradient(lambda: float(np.sum(np.asarray(fn(numnet.Tensor(x.value)))
                                                      * weights)),
                                 x.value)
    assert relative_error(x.grad, numeric) < 1e-5, (x.grad, numeric)


# ----------------------------------------------------------------------------- creation, dtypes


def test_constant_and_convert_follow_tensorflows_dtypes():
    assert tf.constant([1.0, 2.0]).dtype == tf.float32
    assert tf.constant([1, 2]).dtype == tf.int32
    assert tf.constant(np.array([1.0])).dtype == tf.float64  # NumPy keeps its dtype
    assert tf.constant(3, dtype=tf.float32).dtype == np.float32
    close(tf.constant(7.0, shape=(2, 3)), np.full((2, 3), 7.0))
    close(tf.constant([1, 2, 3, 4], shape=(2, 2)), [[1, 2], [3, 4]])
    t = tf.constant([1.0])
    assert tf.convert_to_tensor(t) is t
    v = tf.Variable([1.0, 2.0])
    source = np.array([1.0, 2.0])
    frozen, copied = tf.constant(v), tf.constant(source)
    v.assign([3.0, 4.0])
    source[0] = 9.0
    close(frozen, [1.0, 2.0])
    close(copied, [1.0, 2.0])
    assert not frozen.requires_grad
    assert tf.convert_to_tensor([1, 2], dtype_hint=tf.float32).dtype == np.float32
    assert tf.is_tensor(t) and not tf.is_tensor(np.ones(2))


def test_dtypes_are_numpy_dtypes():
    assert tf.float32 == np.float32 and tf.int64 == np.int64 and tf.bool == np.bool_
    assert tf.uint8 == np.uint8 and tf.float16 == np.float16 and tf.float64 == np.float64
    assert tf.dtypes.float32 is tf.float32 and tf.as_dtype("int32") == tf.int32
    assert tf.newaxis is None
    assert tf.constant([[1.0]])[:, tf.newaxis].shape == (1, 1, 1)


def test_variable_in_tensorflow_keras_and_numnet_forms():
    v = tf.Variable(1.0)
    assert isinstance(v, tf.Variable) and isinstance(v, numnet.autodiff.Variable)
    assert v.dtype == np.float32 and v.requires_grad
    v.assign_add(2.0)
    assert float(v) == 3.0
    named = tf.Variable([1, 2], trainable=False, name="counts")
    assert named.name == "counts" and named.dtype == np.int32 and not named.requires_grad
    assert not tf.Variable([1, 2]).requires_grad  # integers take no gradient
    k = tf.Variable("ones", shape=(2, 3))  # Keras 3: keras.Variable(initializer, shape)
    close(k, np.ones((2, 3)))
    assert k.dtype == np.float32
    legacy = numnet.Variable(np.zeros(2, "float32"), "w")  # numnet's (value, name) form
    assert legacy.name == "w"
    layer = numnet.layers.Dense(2)
    layer.build((None, 3))
    assert isinstance(layer.kernel, tf.Variable)
    source = np.ones(2)
    copy = tf.Variable(source)
    copy.assign([5.0, 5.0])
    assert source.tolist() == [1.0, 1.0]  # the variable owns its own copy
    with pytest.raises(ValueError, match="initial_value"):
        tf.Variable(None)


def test_creation_functions():
    close(tf.ones((2, 3)), np.ones((2, 3)))
    assert tf.zeros([2], dtype=tf.int32).dtype == np.int32
    close(tf.ones_like(A), np.ones_like(A))
    close(tf.zeros_like(A), np.zeros_like(A))
    close(tf.fill([2, 2], 9), np.full((2, 2), 9))
    assert tf.fill([2], 9).dtype == np.int32
    r = tf.range(5)
    assert r.dtype == np.int32 and np.asarray(r).tolist() == [0, 1, 2, 3, 4]
    close(tf.range(1, 2, 0.25), [1.0, 1.25, 1.5, 1.75])
    assert tf.range(1, 2, 0.25).dtype == np.float32
    close(tf.linspace(0.0, 1.0, 5), np.linspace(0, 1, 5))
    close(tf.eye(2, 3), np.eye(2, 3))
    assert tf.eye(2, batch_shape=[4]).shape == (4, 2, 2)


def test_one_hot_like_tensorflow():
    out = tf.one_hot([0, 2, -1, 5], depth=3)
    close(out, [[1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0]])  # out of range: all zeros
    assert out.dtype == np.float32
    close(tf.one_hot([1], 2, on_value=5.0, off_value=-1.0), [[-1.0, 5.0]])
    close(tf.one_hot([[1, 0]], 2, axis=0), np.moveaxis(np.eye(2)[[[1, 0]]], -1, 0))


# ----------------------------------------------------------------------------- shapes


def test_shape_rank_size_reshape():
    assert np.asarray(tf.shape(A)).tolist() == [3, 4] and tf.shape(A).dtype == np.int32
    assert int(tf.shape(A)[0]) == 3
    assert int(tf.rank(A)) == 2 and int(tf.size(A)) == 12
    close(tf.reshape(A, [4, -1]), A.reshape(4, 3))
    close(tf.reshape(A, tf.shape(A.T)), A.reshape(4, 3))


def test_concat_stack_unstack_split():
    close(tf.concat([A, A], axis=0), np.concatenate([A, A], 0))
    close(tf.concat([A, A], -1), np.concatenate([A, A], -1))
    close(tf.stack([A, A], axis=1), np.stack([A, A], 1))
    parts = tf.unstack(A, axis=1)
    assert len(parts) == 4
    close(parts[2], A[:, 2])
    halves = tf.split(A, 2, axis=1)
    close(halves[1], A[:, 2:])
    sized = tf.split(A, [1, -1], axis=0)
    assert [p.shape for p in sized] == [(1, 4), (2, 4)]
    with pytest.raises(ValueError, match="cannot divide"):
        tf.split(A, 3, axis=1)
    check_grad(lambda x: tf.split(x, [1, 3], axis=1)[1], A)
    check_grad(lambda x: tf.concat([x, x * 2], axis=0), A)


def test_expand_squeeze_transpose_tile():
    assert tf.expand_dims(A, 0).shape == (1, 3, 4)
    assert tf.expand_dims(A, -1).shape == (3, 4, 1)
    assert tf.squeeze(np.zeros((1, 3, 1))).shape == (3,)
    assert tf.squeeze(np.zeros((1, 3, 1)), axis=[2]).shape == (1, 3)
    with pytest.raises(ValueError, match="not of size 1"):
        tf.squeeze(np.zeros((1, 3)), axis=1)
    close(tf.transpose(A), A.T)
    b = RNG.normal(size=(2, 3, 4))
    close(tf.transpose(b, perm=[1, 0, 2]), b.transpose(1, 0, 2))
    close(tf.tile(A, [2, 3]), np.tile(A, (2, 3)))
    check_grad(lambda x: tf.tile(x, [2, 3]), A)
    close(tf.broadcast_to([1.0, 2.0], (3, 2)), np.broadcast_to([1.0, 2.0], (3, 2)))
    check_grad(lambda x: tf.broadcast_to(x, (2, 3, 4)), A)


def test_gather_where_boolean_mask_pad():
    close(tf.gather(A, [2, 0, 2]), A[[2, 0, 2]])
    close(tf.gather(A, [3, 1], axis=1), A[:, [3, 1]])
    check_grad(lambda x: tf.gather(x, [2, 0, 2]), A)  # a repeated row gets both gradients
    with pytest.raises(IndexError, match="indices"):
        tf.gather(A, [3])
    cond = A > 0
    close(tf.where(cond, A, -A), np.abs(A))
    close(tf.where(cond, A, 0.0), np.where(cond, A, 0.0))
    close(tf.where(cond, A, 0.0, name="picked"), np.where(cond, A, 0.0))
    check_grad(lambda x: tf.where(cond, x * 3, x), A)
    coords = tf.where(np.array([[True, False], [False, True]]))
    assert np.asarray(coords).tolist() == [[0, 0], [1, 1]] and coords.dtype == np.int64
    close(tf.boolean_mask(A, cond[:, 0] | True), A)
    close(tf.boolean_mask(A, cond), A[cond])
    close(tf.pad(A, [[1, 0], [0, 2]]), np.pad(A, [(1, 0), (0, 2)]))
    close(tf.pad(A, [[1, 1], [0, 0]], constant_values=5), np.pad(A, [(1, 1), (0, 0)],
                                                                constant_values=5))
    check_grad(lambda x: tf.pad(x, [[1, 0], [2, 1]]), A)


# ----------------------------------------------------------------------------- reductions


@pytest.mark.parametrize("name, ref", [
    ("reduce_sum", np.sum), ("reduce_mean", np.mean), ("reduce_max", np.max),
    ("reduce_min", np.min), ("reduce_prod", np.prod), ("reduce_std", np.std),
    ("reduce_variance", np.var),
])
@pytest.mark.parametrize("axis", [None, 0, 1, [0, 1], -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(name, ref, axis, keepdims):
    fn = getattr(tf, name)
    np_axis = tuple(axis) if isinstance(axis, list) else axis
    close(fn(A, axis=axis, keepdims=keepdims), ref(A, axis=np_axis, keepdims=keepdims))
    assert getattr(tf.math, name) is fn


@pytest.mark.parametrize("name", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
                                  "reduce_prod", "reduce_std", "reduce_variance",
                                  "reduce_logsumexp", "reduce_euclidean_norm"])
def test_reduction_gradients(name):
    fn = getattr(tf, name, None) or getattr(tf.math, name)
    check_grad(lambda x: fn(x, axis=1), A)
    check_grad(lambda x: fn(x), A)


def test_reduce_prod_gradient_with_a_zero():
    value = np.array([[2.0, 0.0, 3.0], [1.0, 4.0, 0.5]])
    x = numnet.Variable(value)
    tf.reduce_sum(tf.reduce_prod(x, axis=1)).backward()
    close(x.grad, [[0.0, 6.0, 0.0], [2.0, 0.5, 4.0]])


def test_logsumexp_is_stable_and_integer_reductions_stay_integer():
    big = np.array([[1000.0, 1000.0], [-1000.0, -1001.0]])
    expected = np.array([1000 + np.log(2), -1000 + np.log1p(np.exp(-1))])
    close(tf.reduce_logsumexp(big, axis=1), expected)
    assert int(tf.reduce_mean([1, 2])) == 1  # TensorFlow's integer mean
    assert int(tf.reduce_mean([-1, -2])) == -1  # truncated toward zero
    assert tf.reduce_sum([1, 2, 3]).dtype == np.int32
    assert bool(tf.reduce_all([True, False])) is False
    assert bool(tf.reduce_any([[False], [True]])) is True
    close(tf.reduce_any([[False, True], [False, False]], axis=1), [True, False])


def test_argmax_argmin_default_axis_zero():
    assert np.asarray(tf.argmax(A)).tolist() == A.argmax(0).tolist()  # TensorFlow: axis 0
    assert np.asarray(tf.argmin(A, axis=1)).tolist() == A.argmin(1).tolist()
    assert tf.argmax(A, axis=1).dtype == np.int64
    assert tf.math.argmax(A, axis=-1, output_type=tf.int32).dtype == np.int32


# ----------------------------------------------------------------------------- arithmetic


def test_arithmetic_and_add_n():
    b = RNG.normal(size=(3, 4))
    close(tf.add(A, b), A + b)
    close(tf.subtract(A, 1.0), A - 1)
    close(tf.multiply(A, b), A * b)
    close(tf.divide(A, b), A / b)
    close(tf.add_n([A, b, A]), 2 * A + b)
    assert tf.divide(3, 2).dtype == np.float64 and float(tf.divide(3, 2)) == 1.5
    assert int(tf.add(1, 2)) == 3 and tf.add(1, 2).dtype == np.int32
    close(tf.math.floordiv(7, 2), 3)
    close(tf.math.mod(-7, 3), np.mod(-7, 3))
    close(tf.math.squared_difference(A, b), (A - b) ** 2)
    close(tf.math.divide_no_nan([1.0, 2.0], [0.0, 4.0]), [0.0, 0.5])
    check_grad(lambda x: tf.multiply(x, x), A)


def test_matmul_transposes():
    b = RNG.normal(size=(4, 5))
    close(tf.matmul(A, b), A @ b)
    close(tf.matmul(A, A, transpose_b=True), A @ A.T)
    close(tf.matmul(A, A, transpose_a=True), A.T @ A)
    batch = RNG.normal(size=(2, 3, 4))
    close(tf.matmul(batch, batch, transpose_b=True), batch @ batch.transpose(0, 2, 1))
    check_grad(lambda x: tf.matmul(x, x, transpose_b=True), A)


@pytest.mark.parametrize("name, ref", [
    ("square", np.square), ("exp", np.exp), ("abs", np.abs), ("negative", np.negative),
    ("sin", np.sin), ("cos", np.cos),
])
def test_elementwise(name, ref):
    fn = getattr(tf, name, None) or getattr(tf.math, name)
    close(fn(A), ref(A))
    check_grad(fn, A + 0.1)


@pytest.mark.parametrize("name, ref", [
    ("sqrt", np.sqrt), ("log", np.log), ("log1p", np.log1p), ("rsqrt", lambda v: 1 / np.sqrt(v)),
    ("reciprocal", lambda v: 1 / v),
])
def test_elementwise_on_positive_values(name, ref):
    pos = np.abs(A) + 0.5
    fn = getattr(tf.math, name)
    close(fn(pos), ref(pos))
    check_grad(fn, pos)


def test_math_namespace_activations_and_rounding():
    close(tf.math.sigmoid(A), 1 / (1 + np.exp(-A)))
    close(tf.math.tanh(A), np.tanh(A))
    close(tf.math.softplus(A), np.log1p(np.exp(A)))
    close(tf.math.round([0.5, 1.5, 2.5, -0.5]), [0.0, 2.0, 2.0, -0.0])  # halves to even
    close(tf.math.floor(A), np.floor(A))
    close(tf.math.ceil(A), np.ceil(A))
    close(tf.math.sign(A), np.sign(A))
    close(tf.math.pow(np.abs(A), 3.0), np.abs(A) ** 3)
    close(tf.pow(2.0, [1.0, 3.0]), [2.0, 8.0])
    base = np.abs(A) + 0.5
    check_grad(lambda x: tf.math.pow(x, 2.5), base)
    check_grad(lambda e: tf.math.pow(base, e), A)  # the gradient reaches the exponent too
    close(tf.maximum(A, 0.0), np.maximum(A, 0))
    close(tf.minimum(A, 0.0), np.minimum(A, 0))
    close(tf.clip_by_value(A, -0.5, 0.5), np.clip(A, -0.5, 0.5))
    check_grad(lambda x: tf.clip_by_value(x, -0.5, 0.5), A)


def test_cumsum_like_tensorflow():
    v = np.array([1.0, 2.0, 3.0])
    close(tf.math.cumsum(v), [1, 3, 6])
    close(tf.math.cumsum(v, exclusive=True), [0, 1, 3])
    close(tf.math.cumsum(v, reverse=True), [6, 5, 3])
    close(tf.math.cumsum(v, exclusive=True, reverse=True), [5, 3, 0])
    close(tf.math.cumsum(A, axis=1), np.cumsum(A, 1))
    check_grad(lambda x: tf.math.cumsum(x, axis=1, exclusive=True), A)
    check_grad(lambda x: tf.math.cumsum(x, axis=0, reverse=True), A)


def test_comparisons_and_logic():
    b = RNG.normal(size=(3, 4))
    for name, ref in [("equal", np.equal), ("not_equal", np.not_equal), ("greater", np.greater),
                      ("greater_equal", np.greater_equal), ("less", np.less),
                      ("less_equal", np.less_equal)]:
        out = getattr(tf, name)(A, b)
        assert out.dtype == np.bool_
        np.testing.assert_array_equal(np.asarray(out), ref(A, b))
    p, q = np.array([True, True, False]), np.array([True, False, False])
    np.testing.assert_array_equal(np.asarray(tf.logical_and(p, q)), p & q)
    np.testing.assert_array_equal(np.asarray(tf.logical_or(p, q)), p | q)
    np.testing.assert_array_equal(np.asarray(tf.logical_not(p)), ~p)
    np.testing.assert_array_equal(np.asarray(tf.math.is_nan([1.0, np.nan])), [False, True])
    np.testing.assert_array_equal(np.asarray(tf.math.is_finite([1.0, np.inf])), [True, False])


def test_sort_argsort_top_k():
    close(tf.sort(A), np.sort(A))
    close(tf.sort(A, axis=0, direction="DESCENDING"), -np.sort(-A, axis=0))
    assert np.asarray(tf.argsort(A)).tolist() == np.argsort(A, kind="stable").tolist()
    assert tf.argsort(A).dtype == np.int32
    check_grad(lambda x: tf.sort(x, direction="DESCENDING"), A)
    values, indices = tf.math.top_k(A, k=2)
    order = np.argsort(-A, axis=1)[:, :2]
    close(values, np.take_along_axis(A, order, 1))
    assert np.asarray(indices).tolist() == order.tolist()
    top = tf.math.top_k([1.0, 3.0, 3.0, 2.0], k=2)
    assert np.asarray(top.indices).tolist() == [1, 2]  # ties: lower index first
    check_grad(lambda x: tf.math.top_k(x, k=2).values, A)


def test_confusion_matrix_and_l2_normalize():
    cm = tf.math.confusion_matrix([0, 1, 2, 1], [0, 2, 2, 1])
    assert np.asarray(cm).tolist() == [[1, 0, 0], [0, 1, 1], [0, 0, 1]]
    assert cm.dtype == np.int32
    cm4 = tf.math.confusion_matrix([0, 1], [1, 1], num_classes=4, weights=[2.0, 0.5],
                                   dtype=tf.float32)
    close(cm4[0], [0.0, 2.0, 0.0, 0.0])
    close(tf.math.l2_normalize(A, axis=1), A / np.linalg.norm(A, axis=1, keepdims=True))
    close(tf.nn.l2_normalize(A, axis=0), A / np.linalg.norm(A, axis=0, keepdims=True))
    close(tf.math.l2_normalize(np.zeros(3)), np.zeros(3))
    check_grad(lambda x: tf.math.l2_normalize(x, axis=1), A)


def test_norms_and_clipping():
    close(tf.norm(A), np.linalg.norm(A))
    close(tf.norm(A, axis=1), np.linalg.norm(A, axis=1))
    close(tf.norm(A, ord=1, axis=0), np.abs(A).sum(0))
    close(tf.norm(A, ord=np.inf), np.abs(A).max())
    close(tf.clip_by_norm([3.0, 4.0], 1.0), [0.6, 0.8])
    close(tf.clip_by_norm([0.3, 0.4], 1.0), [0.3, 0.4])  # already inside: unchanged
    grads = [np.array([3.0, 4.0]), None, tf.constant([[12.0]])]
    clipped, global_norm = tf.clip_by_global_norm(grads, 6.5)
    assert float(global_norm) == 13.0 and clipped[1] is None
    close(clipped[0], [1.5, 2.0])
    close(clipped[2], [[6.0]])
    check_grad(lambda x: tf.clip_by_norm(x, 1.0), A)


def test_tensorflow_initializer_names():
    init = tf.random_normal_initializer(0.0, 0.02, seed=1)
    values = numnet.backend.to_numpy(init((200, 50)))
    assert abs(values.std() - 0.02) < 0.002 and abs(values.mean()) < 0.002
    close(tf.zeros_initializer()((2, 2)), np.zeros((2, 2)))
    close(tf.constant_initializer(3.0)((2,)), [3.0, 3.0])
    layer = numnet.layers.Dense(3, kernel_initializer=tf.ones_initializer())
    layer.build((None, 2))
    close(layer.kernel, np.ones((2, 3)))


def test_identity_and_stop_gradient():
    x = numnet.Variable(np.array([1.0, 2.0]))
    y = tf.reduce_sum(tf.identity(x) * 3 + tf.stop_gradient(x) * 5)
    y.backward()
    close(x.grad, [3.0, 3.0])


# ----------------------------------------------------------------------------- tf.nn


def test_nn_cross_entropies_match_formulas():
    z = RNG.normal(size=(4, 3))
    y = np.eye(3)[[0, 2, 1, 1]]
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    close(tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=z), -(y * np.log(p)).sum(1))
    close(tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 2, 1, 1], logits=z),
          -np.log(p[np.arange(4), [0, 2, 1, 1]]))
    t = (RNG.random((4, 3)) > 0.5).astype(float)
    s = 1 / (1 + np.exp(-z))
    close(tf.nn.sigmoid_cross_entropy_with_logits(labels=t, logits=z),
          -(t * np.log(s) + (1 - t) * np.log(1 - s)))
    check_grad(lambda x: tf.nn.softmax_cross_entropy_with_logits(labels=y, logits=x), z)
    check_grad(lambda x: tf.nn.sigmoid_cross_entropy_with_logits(labels=t, logits=x), z)
    with pytest.raises(ValueError, match="same shape"):
        tf.nn.sigmoid_cross_entropy_with_logits(labels=t[:2], logits=z)
    with pytest.raises(ValueError, match=r"\[0, 3\)"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(labels=[0, 3, 1, 1], logits=z)


def test_nn_moments_and_activations():
    mean, variance = tf.nn.moments(A, axes=[0])
    close(mean, A.mean(0))
    close(variance, A.var(0))
    mean, variance = tf.nn.moments(A, axes=[0, 1], keepdims=True)
    assert mean.shape == variance.shape == (1, 1)
    close(tf.nn.relu(A), np.maximum(A, 0))
    close(tf.nn.softmax(A), np.exp(A) / np.exp(A).sum(1, keepdims=True))
    close(tf.nn.log_softmax(A), A - np.log(np.exp(A).sum(1, keepdims=True)))
    close(tf.nn.sigmoid(A), 1 / (1 + np.exp(-A)))


# ----------------------------------------------------------------------------- tf.random


def test_random_with_seeds_repeats():
    tf.random.set_seed(3)
    a = tf.random.normal((1000,), mean=2.0, stddev=0.5)
    tf.random.set_seed(3)
    b = tf.random.normal((1000,), mean=2.0, stddev=0.5)
    close(a, np.asarray(b))
    assert a.dtype == np.float32
    assert abs(float(tf.reduce_mean(a)) - 2.0) < 0.1
    assert abs(float(tf.math.reduce_std(a)) - 0.5) < 0.05
    u = tf.random.uniform((1000,), minval=-1, maxval=3, seed=5)
    assert -1 <= float(tf.reduce_min(u)) and float(tf.reduce_max(u)) < 3
    # tf.random and keras.random are one module: an int seed repeats its draw at every call
    # (Keras 3's rule; TensorFlow would draw anew), and a SeedGenerator draws anew each call
    u2 = tf.random.uniform((1000,), minval=-1, maxval=3, seed=5)
    close(u2, np.asarray(u))
    generator = tf.random.SeedGenerator(5)
    first = tf.random.uniform((1000,), minval=-1, maxval=3, seed=generator)
    second = tf.random.uniform((1000,), minval=-1, maxval=3, seed=generator)
    assert not np.array_equal(np.asarray(first), np.asarray(second))
    ints = tf.random.uniform((50,), maxval=4, dtype=tf.int32, seed=1)
    assert ints.dtype == np.int32 and set(np.asarray(ints).tolist()) <= {0, 1, 2, 3}


def test_truncated_normal_shuffle_categorical():
    t = np.asarray(tf.random.truncated_normal((2000,), stddev=2.0, seed=0))
    assert np.abs(t).max() <= 4.0 and t.std() > 1.5
    s = np.asarray(tf.random.shuffle(np.arange(10), seed=0))
    assert sorted(s.tolist()) == list(range(10))
    logits = np.log([[0.1, 0.9], [1.0, 1e-9]])
    draws = np.asarray(tf.random.categorical(logits, 2000, seed=0))
    assert draws.shape == (2, 2000) and draws.dtype == np.int32  # (Keras 3's default)
    assert abs(draws[0].mean() - 0.9) < 0.05 and draws[1].max() == 0


# ----------------------------------------------------------------------------- the rest


def test_function_decorator_in_every_form():
    def step(x):
        return x * 2

    assert tf.function(step).python_function is step and tf.function(step)(2) == 4

    @tf.function
    def a(x):
        return x + 1

    @tf.function(jit_compile=True, reduce_retracing=True)
    def b(x):
        return x + 2

    @tf.function(input_signature=[tf.TensorSpec(shape=(None,), dtype=tf.float32)])
    def c(x):
        return x + 3

    assert a(1) == 2 and b(1) == 3 and c([1.0]).numpy().tolist() == [4.0]


def test_tensor_spec_record():
    spec = tf.TensorSpec(shape=(None, 3), dtype=tf.float32, name="x")
    assert spec.shape == (None, 3) and spec.dtype == np.float32 and spec.name == "x"
    assert spec.is_compatible_with(np.zeros((5, 3), "float32"))
    assert not spec.is_compatible_with(np.zeros((5, 4), "float32"))
    assert "TensorSpec(shape=(None, 3), dtype=tf.float32" in repr(spec)


def test_print_writes_values_to_stderr(capsys):
    tf.print("loss:", tf.constant(0.5), tf.constant([1, 2, 3]))
    assert capsys.readouterr().err == "loss: 0.5 [1 2 3]\n"
    tf.print(tf.range(100), output_stream=sys.stdout, summarize=2)
    assert capsys.readouterr().out == "[ 0  1 ... 98 99]\n"


def test_config_devices():
    assert tf.config.list_physical_devices("GPU") == [] or numnet.backend.device() == "gpu"
    cpu = tf.config.list_physical_devices("CPU")
    assert len(cpu) == 1 and cpu[0].device_type == "CPU"
    tf.config.experimental.set_memory_growth(cpu[0], True)
    assert tf.config.floatx() == "float32"  # Keras's config is still there


def test_keras_names_still_there():
    assert tf.keras is numnet and tf.keras.layers.Dense is numnet.layers.Dense
    assert tf.nn is numnet.nn and tf.data.Dataset is numnet.data.Dataset
    import numnet.math as nm

    assert nm.reduce_sum is tf.reduce_sum


def test_missing_names_say_so_and_what_to_use():
    with pytest.raises(AttributeError, match="numnet does not provide tf.reduce_mena") as err:
        tf.reduce_mena  # noqa: B018
    assert "numnet.reduce_mean" in str(err.value)
    with pytest.raises(AttributeError, match="tf.nn.sparse_softmax_cross_entropy_with_logits"):
        tf.sparse_softmax_cross_entropy_with_logits  # noqa: B018
    with pytest.raises(AttributeError, match="runs eagerly"):
        tf.Session  # noqa: B018
    with pytest.raises(AttributeError, match="numnet.saving.load_model"):
        tf.saved_model  # noqa: B018
    with pytest.raises(AttributeError, match=r"keras.export.*model.save\('model.keras'\)"):
        tf.export  # noqa: B018
    model = tf.keras.Sequential([tf.keras.Input((2,)), tf.keras.layers.Dense(1)])
    with pytest.raises(NotImplementedError, match=r"export\('served', format='onnx'\).*"
                                                  r"model.save\('model.keras'\)"):
        model.export("served", format="onnx")
    assert not hasattr(tf, "__wrapped__")
    with pytest.raises(ImportError):
        from numnet import no_such_name  # noqa: F401


def test_the_tensorflow_names_run_with_every_array_on_a_device(runs_on_a_device):
    """This module again with NUMNET_DEVICE=gpu, on the strict stand-in for CuPy."""
    runs_on_a_device(__file__)


def test_bfloat16_is_imported_only_when_asked_for():
    import subprocess

    code = ("import sys, numnet; assert 'ml_dtypes' not in sys.modules; "
            "import importlib.util as u; "
            "assert u.find_spec('ml_dtypes') is None or numnet.bfloat16.name == 'bfloat16'")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]


def test_function_checks_its_input_signature_as_tensorflow():
    """TensorFlow's tf.function guide: next_collatz with a [None] int32 signature takes a
    vector and refuses a matrix with a TypeError."""
    @tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
    def next_collatz(x):
        return tf.where(x % 2 == 0, x // 2, 3 * x + 1)

    assert next_collatz(tf.constant([1, 2])).numpy().tolist() == [4, 1]
    with pytest.raises(TypeError, match="input_signature"):
        next_collatz(tf.constant([[1, 2], [3, 4]]))
    with pytest.raises(TypeError, match="dtype float32"):
        next_collatz(tf.constant([1.0, 2.0]))
    assert next_collatz.python_function(tf.constant([3])).numpy().tolist() == [10]


def test_function_as_a_method_and_its_concrete_function():
    class Scale(tf.Module):
        def __init__(self):
            super().__init__()
            self.factor = tf.Variable(3.0)

        @tf.function
        def __call__(self, x):
            return x * self.factor

    module = Scale()
    assert float(module(tf.constant(2.0))) == 6.0
    relu = tf.function(lambda x: tf.maximum(0.0, x))
    concrete = relu.get_concrete_function(tf.constant(1.0))
    assert float(concrete(tf.constant(-1.0))) == 0.0
    assert concrete.structured_input_signature[0][0].shape == ()


def test_pow_keeps_integer_dtype():
    assert tf.pow(tf.constant([1, 2]), 2).dtype == "int32"
    assert tf.pow(tf.constant([1, 2]), 2).numpy().tolist() == [1, 4]


def test_numpy_of_a_scalar_is_a_numpy_scalar():
    """TensorFlow: a 0-d Tensor's numpy() is a NumPy scalar (hashable, a dict key); a Keras
    Variable's numpy() is a 0-d array."""
    value = tf.constant(3).numpy()
    assert type(value) is np.int32 and {value: "three"}[3] == "three"
    assert type(tf.constant(2.5).numpy()) is np.float32
    assert isinstance(tf.Variable(2.0).numpy(), np.ndarray)
    assert np.asarray(tf.constant(3)).shape == ()
    assert tf.constant("a").numpy() == b"a"


def test_shape_functions_take_tensorflow_s_name_argument():
    """TensorFlow's array functions take ``name=`` (programs name their ops); it changes no
    value."""
    x = tf.constant(A)
    close(tf.reshape(x, (4, 3), name="r"), A.reshape(4, 3))
    close(tf.transpose(x, name="t"), A.T)
    close(tf.concat([x, x], axis=0, name="c"), np.concatenate([A, A]))
    close(tf.stack([x, x], axis=1, name="s"), np.stack([A, A], axis=1))
    close(tf.expand_dims(x, 0, name="e"), A[None])
    close(tf.squeeze(tf.expand_dims(x, 0), name="q"), A)
    close(tf.tile(x, [2, 1], name="t"), np.tile(A, (2, 1)))
    close(tf.broadcast_to(x[:1], (3, 4), name="b"), np.broadcast_to(A[:1], (3, 4)))
    close(tf.identity(x, name="i"), A)
    close(tf.boolean_mask(x, A[:, 0] > 0, name="m"), A[A[:, 0] > 0])
    assert tf.cast(x, tf.int32, name="c").dtype == np.int32
    assert [p.shape for p in tf.split(x, 2, axis=1, name="s")] == [(3, 2), (3, 2)]
    assert len(tf.unstack(x, name="u")) == 3
    assert tf.shape(x, name="s").numpy().tolist() == [3, 4]
    assert int(tf.rank(x, name="r")) == 2 and int(tf.size(x, name="n")) == 12


def test_clip_by_value_keeps_the_dtype_of_its_tensor():
    """TensorFlow converts the bounds to the tensor's dtype: Python ints or floats beside a
    float32 tensor leave it float32 (a DeepDream loop feeds the result back into a float32
    input_signature), ints beside int32 stay int32; the gradient is 1 inside, 0 where clipped."""
    x = tf.Variable([-2.0, 0.5, 3.0])
    with tf.GradientTape() as tape:
        out = tf.clip_by_value(x, -1, 1)
    assert out.dtype == np.float32 and out.numpy().tolist() == [-1.0, 0.5, 1.0]
    assert tape.gradient(tf.reduce_sum(out), x).numpy().tolist() == [0.0, 1.0, 0.0]
    assert tf.clip_by_value(x, -1.0, 1.0).dtype == np.float32
    ints = tf.clip_by_value(tf.constant([3, -4]), 0, 2)
    assert ints.dtype == np.int32 and ints.numpy().tolist() == [2, 0]
    rows = tf.clip_by_value(tf.constant([[3.0, -4.0]]), [[0.0, -1.0]], [[1.0, 2.0]])
    assert rows.numpy().tolist() == [[1.0, -1.0]]
