"""Defects that TensorFlow's own docstring examples (tf.* under ``import numnet as tf``) showed.

Each test pins TensorFlow's numbers (recorded from TensorFlow 2 on CPU, in the comments) so it
runs without TensorFlow installed.
"""

import numpy as np
import pytest

import numnet as tf

# ----------------------------------------------------------------------------- tf.lookup


def test_static_vocabulary_table_buckets_are_tensorflows():
    # tf.lookup.StaticVocabularyTable's docstring: the out-of-vocabulary keys hash with
    # Fingerprint64 (numnet used CRC-32, so 'crimson' landed in another bucket).
    init = tf.lookup.KeyValueTensorInitializer(
        keys=tf.constant(["emerson", "lake", "palmer"]),
        values=tf.constant([0, 1, 2], dtype=tf.int64))
    table = tf.lookup.StaticVocabularyTable(init, num_oov_buckets=5)
    got = table[tf.constant(["emerson", "lake", "palmer", "king", "crimson", "tarkus",
                             "moon", ""])].numpy()
    # TensorFlow: [0, 1, 2, 6, 7, 7, 3, 6]
    np.testing.assert_array_equal(got, [0, 1, 2, 6, 7, 7, 3, 6])


def test_static_vocabulary_table_integer_keys_hash_their_text():
    init = tf.lookup.KeyValueTensorInitializer(
        keys=tf.constant([10, 20], dtype=tf.int64), values=tf.constant([0, 1], dtype=tf.int64))
    table = tf.lookup.StaticVocabularyTable(init, num_oov_buckets=7)
    got = table.lookup(tf.constant([10, 3, 99, -5, 123456789], dtype=tf.int64)).numpy()
    # TensorFlow: [0, 4, 6, 2, 5]
    np.testing.assert_array_equal(got, [0, 4, 6, 2, 5])


# ----------------------------------------------------------------------------- tf.transpose


def test_transpose_conjugate():
    # tf.transpose's docstring: conjugate=True was ignored (the complex entries kept their sign).
    x = tf.constant([[1 + 1j, 2 + 2j, 3 + 3j], [4 + 4j, 5 + 5j, 6 + 6j]])
    got = tf.transpose(x, conjugate=True).numpy()
    # TensorFlow: [[1-1j, 4-4j], [2-2j, 5-5j], [3-3j, 6-6j]]
    np.testing.assert_array_equal(got, [[1 - 1j, 4 - 4j], [2 - 2j, 5 - 5j], [3 - 3j, 6 - 6j]])
    real = tf.transpose(tf.constant([[1.0, 2.0]]), conjugate=True)
    np.testing.assert_array_equal(real.numpy(), [[1.0], [2.0]])


# ----------------------------------------------------------------------------- tf.nn pooling


def _matrix():
    m = tf.constant([[0, 0, 1, 7], [0, 2, 0, 0], [5, 2, 0, 0], [0, 0, 9, 8]])
    return tf.reshape(m, (1, 4, 4, 1))


@pytest.mark.parametrize("ksize,strides,padding,want", [
    (2, 2, "SAME", [2, 7, 5, 9]),   # TensorFlow's values (tf.nn.max_pool's docstring)
    (3, 2, "SAME", [5, 7, 9, 9]),
    (3, 3, "VALID", [5]),
])
def test_max_pool_of_integers_stays_integer(ksize, strides, padding, want):
    out = tf.nn.max_pool(_matrix(), ksize=ksize, strides=strides, padding=padding)
    assert out.dtype == np.int32  # TensorFlow keeps int32 (numnet gave float32)
    np.testing.assert_array_equal(out.numpy().ravel(), want)


def test_max_pool1d_uint8():
    out = tf.nn.max_pool1d(tf.constant([[[3], [1], [200], [7]]], dtype=tf.uint8), 2, 2, "VALID")
    assert out.dtype == np.uint8  # TensorFlow: uint8 [3, 200]
    np.testing.assert_array_equal(out.numpy().ravel(), [3, 200])


def _grid():
    x = tf.constant([[1., 2., 3., 4.], [5., 6., 7., 8.], [9., 10., 11., 12.]])
    return x[tf.newaxis, :, :, tf.newaxis]


def test_max_pool2d_explicit_padding():
    # tf.nn.max_pool2d's docstring: padding=[[0, 0], [1, 1], [1, 1], [0, 0]] was refused.
    out = tf.nn.max_pool2d(_grid(), ksize=(2, 2), strides=(2, 2),
                           padding=[[0, 0], [1, 1], [1, 1], [0, 0]])
    # TensorFlow: [[1, 3, 4], [9, 11, 12]]
    np.testing.assert_array_equal(out[0, :, :, 0].numpy(), [[1., 3., 4.], [9., 11., 12.]])
    # the padding never wins a window, even over negative values
    out = tf.nn.max_pool2d(-_grid(), ksize=(2, 2), strides=(1, 1),
                           padding=[[0, 0], [1, 0], [0, 1], [0, 0]])
    # TensorFlow: [[-1, -2, -3, -4], [-1, -2, -3, -4], [-5, -6, -7, -8]]
    np.testing.assert_array_equal(out[0, :, :, 0].numpy(),
                                  [[-1, -2, -3, -4], [-1, -2, -3, -4], [-5, -6, -7, -8]])


def test_max_pool2d_explicit_padding_gradient_and_channels_first():
    v = tf.Variable(_grid())
    weights = tf.constant([[1., 2., 3.], [4., 5., 6.]])[None, :, :, None]
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.max_pool2d(v, ksize=2, strides=2,
                                           padding=[[0, 0], [1, 1], [1, 1], [0, 0]]) * weights)
    # TensorFlow: [[1, 0, 2, 3], [0, 0, 0, 0], [4, 0, 5, 6]]
    np.testing.assert_array_equal(tape.gradient(y, v)[0, :, :, 0].numpy(),
                                  [[1, 0, 2, 3], [0, 0, 0, 0], [4, 0, 5, 6]])
    first = tf.nn.max_pool(tf.transpose(_grid(), [0, 3, 1, 2]), 2, 2,
                           padding=[[0, 0], [0, 0], [1, 1], [1, 1]], data_format="NCHW")
    np.testing.assert_array_equal(first.numpy().ravel(), [1., 3., 4., 9., 11., 12.])


def test_max_pool_explicit_padding_errors():
    with pytest.raises(ValueError, match="batch and channel axes"):
        tf.nn.max_pool2d(_grid(), 2, 2, padding=[[1, 1], [1, 1], [1, 1], [0, 0]])
    with pytest.raises(ValueError, match="one \\[before, after\\] pair per axis"):
        tf.nn.max_pool2d(_grid(), 2, 2, padding=[[1, 1], [1, 1]])


# ----------------------------------------------------------------------------- tf.image


def test_convert_image_dtype_matches_tensorflow():
    x = tf.constant([1.0, 0.5, 2.0, -0.5, 0.0, 0.999])
    # TensorFlow: saturating to int32 clips to float32's largest value below 2**31
    np.testing.assert_array_equal(
        tf.image.convert_image_dtype(x, tf.int32, saturate=True).numpy(),
        [2147483520, 1073741824, 2147483520, -1073741824, 0, 2145336192])
    # uint8 -> int8: TensorFlow floor-divides by (255 + 1) // (127 + 1) = 2
    y = tf.constant([0, 1, 255, 128], dtype=tf.uint8)
    np.testing.assert_array_equal(tf.image.convert_image_dtype(y, tf.int8).numpy(),
                                  [0, 0, 127, 64])
    # int32 -> uint8 saturating: -5 // 2**23 = -1 saturates to 0 (wraps to 255 otherwise)
    z = tf.constant([0, 1, 2147483647, -5, -2147483648], dtype=tf.int32)
    np.testing.assert_array_equal(tf.image.convert_image_dtype(z, tf.uint8).numpy(),
                                  [0, 0, 255, 255, 0])
    np.testing.assert_array_equal(
        tf.image.convert_image_dtype(z, tf.uint8, saturate=True).numpy(), [0, 0, 255, 0, 0])


def _images():
    img8 = tf.constant(np.arange(18).reshape(3, 2, 3) * 13, dtype=tf.uint8)
    img32 = tf.constant(np.arange(18).reshape(3, 2, 3) + 1, dtype=tf.int32)
    return img8, img32


@pytest.mark.parametrize("fn,want8,want32", [
    # TensorFlow's first six values (integer images are scaled to [0, 1] and back)
    (lambda i: tf.image.adjust_hue(i, 0.2), [18, 0, 26, 57, 39, 65], [2, 1, 3, 5, 4, 6]),
    (lambda i: tf.image.adjust_saturation(i, 1.7), [0, 13, 26, 20, 42, 65],
     [0, 1, 3, 2, 4, 6]),
    (lambda i: tf.image.adjust_contrast(i, 1.5), [0, 0, 0, 9, 22, 35], [-2, -1, 0, 1, 2, 3]),
    (lambda i: tf.image.adjust_gamma(i, 0.5), [0, 57, 81, 99, 115, 128],
     [46340, 65536, 80264, 92681, 103621, 113511]),
    (tf.image.rgb_to_grayscale, [10, 49, 88, 127, 166, 205], [1, 4, 7, 10, 13, 16]),
])
def test_colour_adjustments_of_integer_images(fn, want8, want32):
    img8, img32 = _images()
    out8, out32 = fn(img8), fn(img32)
    assert out8.dtype == np.uint8 and out32.dtype == np.int32  # numnet gave float32 for some
    np.testing.assert_array_equal(out8.numpy().ravel()[:6], want8)
    np.testing.assert_array_equal(out32.numpy().ravel()[:6], want32)


def test_adjust_hue_keeps_the_extreme_channels_exactly():
    # tf.image.adjust_hue's docstring: TensorFlow keeps each pixel's largest and smallest
    # channel as they are (numnet went through HSV and gave 0.99999994 for the 1.0)
    x = [[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[7.0, 8.0, 9.0], [10.0, 11.0, 12.0]]]
    got = tf.image.adjust_hue(x, 0.2).numpy()
    # TensorFlow: [[[2.3999996, 1, 3], [5.3999996, 4, 6]], [[8.4, 7, 9], [11.4, 10, 12]]]
    want = np.array([[[2.3999996, 1, 3], [5.3999996, 4, 6]], [[8.4, 7, 9], [11.4, 10, 12]]],
                    dtype=np.float32)
    np.testing.assert_array_equal(got[..., 1:], want[..., 1:])
    np.testing.assert_allclose(got, want, rtol=1e-6)
    # a turn through every sixth of the circle comes back (TensorFlow: [0.2, 0.7, 0.7])
    np.testing.assert_allclose(tf.image.adjust_hue([[[0.2, 0.7, 0.7]]], 1.0).numpy(),
                               [[[0.2, 0.7, 0.7]]], rtol=1e-6)
    with pytest.raises(ValueError, match="delta must be in the interval"):
        tf.image.adjust_hue(x, 1.5)


# ----------------------------------------------------------------------------- dtypes


def test_as_dtype_takes_tensorflows_names_and_enum_numbers():
    # tf.as_dtype's docstring: tf.as_dtype(2) is float64 (numnet refused the enum number), and
    # 'float' / Python's float are float32 in TensorFlow (numnet gave NumPy's float64)
    assert tf.as_dtype(2) == np.float64
    assert tf.as_dtype(3) == np.int32 and tf.as_dtype(9) == np.int64 and tf.as_dtype(10) == np.bool_
    assert tf.as_dtype(7) == tf.string
    assert tf.as_dtype("float") == np.float32 and tf.as_dtype(float) == np.float32
    assert tf.as_dtype("double") == np.float64 and tf.as_dtype("half") == np.float16
    # TensorFlow: tf.cast(1, 'float'), tf.zeros([2], 'float') and tf.constant(1, float) are float32
    assert tf.cast(1, "float").dtype == np.float32
    assert tf.zeros([2], "float").dtype == np.float32
    assert tf.constant(1, float).dtype == np.float32
    # tf.einsum's docstring writes tf.ones(2, 3): shape [2], dtype 3 (int32)
    ones = tf.ones(2, 3)
    assert ones.dtype == np.int32 and tuple(ones.shape) == (2,)
    with pytest.raises(TypeError, match="DataType numbers"):
        tf.as_dtype(99)


# ----------------------------------------------------------------------------- py_function


def test_py_function_and_numpy_function_as_decorators():
    # tf.py_function's and tf.numpy_function's docstrings decorate with @tf.py_function(Tout=...)
    @tf.py_function(Tout=tf.float32)
    def log_huber(x, m):
        if tf.abs(x) <= m:
            return x ** 2
        return m ** 2 * (1 - 2 * tf.math.log(m) + tf.math.log(x ** 2))

    x = tf.constant(1.0)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = log_huber(x, tf.constant(2.0))
    # TensorFlow: 1.0, and the gradient 2.0
    assert float(y.numpy()) == 1.0 and y.dtype == np.float32
    assert float(tape.gradient(y, x).numpy()) == 2.0

    @tf.numpy_function(Tout=tf.float32)
    def sinh(a):
        assert isinstance(a, np.ndarray)
        return np.sinh(a)

    # TensorFlow: 1.1752012
    np.testing.assert_allclose(sinh(1.0).numpy(), 1.1752012, rtol=1e-6)
    with pytest.raises(TypeError, match="Tout"):
        tf.py_function(lambda a: a, [1.0])


# ----------------------------------------------------------------------------- tf.math.special


# TensorFlow's values at x = [0.5, 2.5] (rounded to 4 places) and its gradients there
_SPECIAL = {
    "bessel_i0": ([1.0635, 3.2898], [0.2579, 2.5167]),
    "bessel_j0": ([0.9385, -0.0484], [-0.2423, -0.4971]),
    "bessel_j1": ([0.2423, 0.4971], [0.4539, -0.2472]),
    "bessel_y0": ([-0.4445, 0.4981], [1.4715, -0.1459]),
    "bessel_y1": ([-1.4715, 0.1459], [2.4984, 0.4397]),
    "bessel_k0": ([0.9244, 0.0624], [-1.6564, -0.0739]),
    "bessel_k0e": ([1.5241, 0.7595], [-1.2069, -0.1406]),
    "bessel_k1": ([1.6564, 0.0739], [-4.2373, -0.0919]),
    "bessel_k1e": ([2.731, 0.9002], [-4.2551, -0.2194]),
    "dawsn": ([0.4244, 0.2231], [0.5756, -0.1154]),
    "expint": ([0.4542, 7.0738], [3.2974, 4.873]),
    "fresnel_cos": ([0.4923, 0.4574], [0.9239, -0.9239]),
    "fresnel_sin": ([0.0647, 0.6192], [0.3827, -0.3827]),
    "spence": ([0.5822, -1.1474], [-1.3863, -0.6109]),
}


@pytest.mark.parametrize("name", sorted(_SPECIAL))
def test_math_special_functions(name):
    # tf.math.bessel_i0's docstring calls tf.math.special.bessel_i0 (numnet had no
    # tf.math.special); the Bessel J / Y / K, Dawson, Fresnel, Ei and Spence functions were
    # missing
    want, slope = _SPECIAL[name]
    fn = getattr(tf.math.special, name)
    x = tf.Variable(np.array([0.5, 2.5], np.float32))
    with tf.GradientTape() as tape:
        y = fn(x)
    assert y.dtype == np.float32
    np.testing.assert_allclose(y.numpy(), want, atol=1e-4)
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), slope, atol=1e-4)


# ----------------------------------------------------------------------------- ragged, sparse, io


def test_ragged_nested_value_rowids():
    # tf.RaggedTensor.nested_value_rowids's docstring (numnet had no such method)
    rt = tf.ragged.constant([[[[3, 1, 4, 1], [], [5, 9, 2]], [], [[6], []]]])
    got = [ids.numpy().tolist() for ids in rt.nested_value_rowids()]
    # TensorFlow: [0 0 0], [0 0 0 2 2], [0 0 0 0 2 2 2 3]
    assert got == [[0, 0, 0], [0, 0, 0, 2, 2], [0, 0, 0, 0, 2, 2, 2, 3]]


def test_sparse_tensor_shape_answers_tensorshape_methods():
    # tf.sparse.from_dense's docstring: sp.shape.as_list() (numnet's shape was a plain tuple)
    sp = tf.sparse.from_dense(tf.constant([[0, 1], [2, 0], [0, 0]]))
    assert sp.shape.as_list() == [3, 2] and sp.shape.rank == 2 and sp.shape == (3, 2)
    # tf.sparse.expand_dims's docstring: TensorFlow gives [1, 3, 2]
    assert tf.sparse.expand_dims(sp, axis=0).shape.as_list() == [1, 3, 2]
    assert sp.get_shape().as_list() == [3, 2]


def test_decode_raw_fixed_length():
    # tf.io.decode_raw's docstring: fixed_length pads with zero bytes or cuts (it was ignored,
    # and strings of different lengths failed inside NumPy)
    got = tf.io.decode_raw(tf.constant([["1"], ["23"]]), tf.uint8, fixed_length=4)
    # TensorFlow: shape (2, 1, 4), [[[49, 0, 0, 0]], [[50, 51, 0, 0]]]
    assert got.shape == (2, 1, 4)
    np.testing.assert_array_equal(got.numpy(), [[[49, 0, 0, 0]], [[50, 51, 0, 0]]])
    x = "".join([chr(1), chr(2), chr(3), chr(4)])
    # TensorFlow: [513] little-endian, [258] big-endian (the first two bytes only)
    np.testing.assert_array_equal(tf.io.decode_raw(x, tf.uint16, fixed_length=2).numpy(), [513])
    np.testing.assert_array_equal(
        tf.io.decode_raw(x, tf.uint16, fixed_length=2, little_endian=False).numpy(), [258])
    np.testing.assert_array_equal(
        tf.io.decode_raw(tf.constant(["1212"]), tf.uint16, fixed_length=4).numpy(),
        [[12849, 12849]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="different lengths"):
        tf.io.decode_raw(tf.constant(["1", "23"]), tf.uint8)
    with pytest.raises(tf.errors.InvalidArgumentError, match="not a multiple"):
        tf.io.decode_raw(tf.constant("123"), tf.uint16)


def test_edit_distance():
    # tf.edit_distance's docstring (numnet had no tf.edit_distance)
    hypothesis = tf.SparseTensor([[0, 0, 0], [1, 0, 0]], ["a", "b"], (2, 1, 1))
    truth = tf.SparseTensor([[0, 1, 0], [1, 0, 0], [1, 0, 1], [1, 1, 0]],
                            ["a", "b", "c", "a"], (2, 2, 2))
    got = tf.edit_distance(hypothesis, truth, normalize=True)
    # TensorFlow: [[inf, 1.0], [0.5, 1.0]] float32
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got.numpy(), [[np.inf, 1.0], [0.5, 1.0]])
    np.testing.assert_array_equal(tf.edit_distance(hypothesis, truth, normalize=False).numpy(),
                                  [[1.0, 1.0], [1.0, 1.0]])
    h = tf.SparseTensor([[0, 0], [0, 1], [0, 2], [2, 0]], [1, 2, 3, 5], (3, 3))
    t = tf.SparseTensor([[0, 0], [0, 1], [1, 0], [1, 1]], [1, 3, 7, 8], (3, 4))
    # TensorFlow: [0.5, 1.0, inf] and, unnormalized, [1.0, 2.0, 1.0]
    np.testing.assert_array_equal(tf.edit_distance(h, t).numpy(), [0.5, 1.0, np.inf])
    np.testing.assert_array_equal(tf.edit_distance(h, t, normalize=False).numpy(), [1, 2, 1])
    # both sequences empty: 0
    empty = tf.SparseTensor(np.zeros((0, 2), np.int64), tf.constant([], tf.int32), (2, 3))
    np.testing.assert_array_equal(tf.edit_distance(empty, empty).numpy(), [0.0, 0.0])
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.edit_distance([[1, 2]], truth)


# ----------------------------------------------------------------------------- constant, arrays


def test_constant_of_a_tensor_keeps_the_gradient():
    # tf.constant's docstring: with a tape, tf.constant(v + v) passes the gradient (numnet cut
    # it and gave None)
    v = tf.Variable([0.0])
    with tf.GradientTape() as g:
        loss = tf.constant(v + v)
    # TensorFlow: array([2.], dtype=float32)
    np.testing.assert_array_equal(g.gradient(loss, v).numpy(), [2.0])
    x = tf.constant([1.0])
    assert tf.constant(x) is x  # TensorFlow: True
    w = tf.Variable([1.0, 2.0])
    with tf.GradientTape(persistent=True) as g:
        of_variable = tf.constant(w)  # TensorFlow: the Variable's values, no gradient
        reshaped = tf.constant(w * 3, shape=[2, 1])  # TensorFlow: a new constant, no gradient
    assert g.gradient(of_variable, w) is None and g.gradient(reshaped, w) is None
    np.testing.assert_array_equal(reshaped.numpy(), [[3.0], [6.0]])


def test_tensor_array_unstack_of_a_list():
    # tf.TensorArray's docstring: ta.unstack([0.0, 1.0]) (numnet refused a list of numbers)
    @tf.function
    def fibonacci(n):
        ta = tf.TensorArray(tf.float32, size=0, dynamic_size=True)
        ta = ta.unstack([0.0, 1.0])
        for i in range(2, n):
            ta = ta.write(i, ta.read(i - 1) + ta.read(i - 2))
        return ta.stack()

    # TensorFlow: [0., 1., 1., 2., 3., 5., 8.]
    np.testing.assert_array_equal(fibonacci(7).numpy(), [0, 1, 1, 2, 3, 5, 8])
    x = tf.Variable(2.0)
    with tf.GradientTape() as g:
        y = tf.reduce_sum(tf.TensorArray(tf.float32, size=2).unstack([x, x * 3.0]).stack())
    assert float(g.gradient(y, x).numpy()) == 4.0
    ta = tf.TensorArray(tf.int32, size=3).scatter([2, 0], [5, 7])
    np.testing.assert_array_equal(ta.stack().numpy(), [7, 0, 5])


def test_reshape_and_clip_by_value_raise_invalid_argument():
    # tf.errors.InvalidArgumentError's and tf.reshape's docstrings catch
    # tf.errors.InvalidArgumentError (numnet raised a ValueError of its own)
    with pytest.raises(tf.errors.InvalidArgumentError, match="cannot reshape"):
        tf.reshape([1, 2, 3], (2,))
    t = tf.constant([[-1.0, 0.0, 10.0], [-1.0, 0.0, 10.0]])
    # tf.clip_by_value's docstring: bounds that do not broadcast to t's shape
    with pytest.raises(tf.errors.InvalidArgumentError, match="does not broadcast"):
        tf.clip_by_value(t, clip_value_min=tf.constant([[[1.0, 2.0]]]), clip_value_max=100)
    np.testing.assert_array_equal(tf.clip_by_value(t, [[-1.0], [0.0]], 5.0).numpy(),
                                  [[-1.0, 0.0, 5.0], [0.0, 0.0, 5.0]])


def test_constant_initializer_fills_the_shape_with_a_list():
    # tf.constant_initializer's docstring: 8 values fill shape [2, 4] in row-major order
    # (numnet's Keras Constant broadcast them and failed); other sizes are a TypeError
    init = tf.constant_initializer([0, 1, 2, 3, 4, 5, 6, 7])
    got = tf.Variable(init(shape=[2, 4], dtype=tf.float32))
    # TensorFlow: [[0, 1, 2, 3], [4, 5, 6, 7]]
    np.testing.assert_array_equal(got.numpy(), [[0, 1, 2, 3], [4, 5, 6, 7]])
    with pytest.raises(TypeError, match="cannot fill shape"):
        init(shape=[3, 4], dtype=tf.float32)
    with pytest.raises(TypeError, match="cannot fill shape"):
        tf.constant_initializer([1, 2])(shape=[2, 2], dtype=tf.float32)  # TensorFlow: TypeError
    # TensorFlow: [[5, 5], [5, 5]] and [0, 1, 2, 3]
    np.testing.assert_array_equal(tf.constant_initializer([5])(shape=[2, 2]), [[5, 5], [5, 5]])
    np.testing.assert_array_equal(
        tf.constant_initializer(np.arange(4).reshape(2, 2))(shape=[4]), [0, 1, 2, 3])
    # one value: Keras's Constant, which a model file records as Keras's
    assert type(tf.constant_initializer(2.0)) is tf.keras.initializers.Constant
    np.testing.assert_array_equal(tf.constant_initializer(2.0)(shape=[3]), [2.0, 2.0, 2.0])


# ----------------------------------------------------------------------------- tf.linalg


def test_set_diag_band_of_diagonals():
    # tf.linalg.banded_triangular_solve's docstring: set_diag(..., k=(-1, 0), align=...) (numnet
    # took one k only)
    z = tf.linalg.set_diag(tf.zeros([3, 3]), [[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]],
                           align="LEFT_RIGHT", k=(-1, 0))
    # TensorFlow: [[2, 0, 0], [2, 3, 0], [0, 3, 4]]
    np.testing.assert_array_equal(z.numpy(), [[2, 0, 0], [2, 3, 0], [0, 3, 4]])
    d = np.arange(1.0, 10.0).reshape(3, 3)
    inp = np.full((3, 4), 7.0)
    # TensorFlow, for k=(-1, 1) of a (3, 4) matrix by each alignment:
    want = {
        "RIGHT_LEFT": [[4, 1, 7, 7], [7, 5, 2, 7], [7, 8, 6, 3]],
        "LEFT_RIGHT": [[4, 1, 7, 7], [8, 5, 2, 7], [7, 9, 6, 3]],
        "LEFT_LEFT": [[4, 1, 7, 7], [7, 5, 2, 7], [7, 8, 6, 3]],
        "RIGHT_RIGHT": [[4, 1, 7, 7], [8, 5, 2, 7], [7, 9, 6, 3]],
    }
    for align, expected in want.items():
        got = tf.linalg.set_diag(inp, d, k=(-1, 1), align=align)
        np.testing.assert_array_equal(got.numpy(), expected, err_msg=align)
    # integers, superdiagonals only: TensorFlow [[0, 3, 2], [0, 0, 4], [0, 0, 0]]
    got = tf.linalg.set_diag(np.zeros((3, 3), np.int32), [[1, 2], [3, 4]], k=(1, 2))
    np.testing.assert_array_equal(got.numpy(), [[0, 3, 2], [0, 0, 4], [0, 0, 0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected the last two axes"):
        tf.linalg.set_diag(inp, np.ones((3, 4)), k=(-1, 1))


def test_set_diag_band_gradient():
    d = tf.Variable(np.arange(1.0, 10.0).reshape(3, 3))
    weights = tf.reshape(tf.range(12, dtype=tf.float64), (3, 4))
    with tf.GradientTape() as g:
        y = tf.reduce_sum(tf.linalg.set_diag(tf.zeros([3, 4], tf.float64), d, k=(-1, 1)) * weights)
    # each diagonal entry's weight; the padded slot (the short subdiagonal's last) gets 0
    np.testing.assert_array_equal(g.gradient(y, d).numpy(), [[1, 6, 11], [0, 5, 10], [4, 9, 0]])


def test_banded_triangular_solve():
    # tf.linalg.banded_triangular_solve's docstring (numnet had none); TensorFlow's numbers
    ones = tf.ones([3, 1])
    bands = [[2.0, 3.0, 4.0], [1.0, 2.0, 3.0]]
    np.testing.assert_allclose(tf.linalg.banded_triangular_solve(bands, ones).numpy().ravel(),
                               [0.5, 0.0, 0.25])
    np.testing.assert_allclose(
        tf.linalg.banded_triangular_solve([[2.0, 3.0, 4.0]], ones).numpy().ravel(),
        [0.5, 1 / 3, 0.25], rtol=1e-6)
    np.testing.assert_allclose(
        tf.linalg.banded_triangular_solve(bands, ones, lower=False).numpy().ravel(),
        [1.0, 0.0, 1 / 3], rtol=1e-6, atol=1e-7)
    np.testing.assert_allclose(
        tf.linalg.banded_triangular_solve(bands, ones, lower=False, adjoint=True).numpy().ravel(),
        [1.0, -0.5, 0.8333333], rtol=1e-6)


def test_matmul_adjoint_conjugates():
    # adjoint_a / adjoint_b transposed without conjugating complex entries
    a = tf.constant([[1 + 1j, 2 - 1j], [3j, 4]])
    b = tf.constant([[1 + 2j, 1], [0, 1j]])
    # TensorFlow's results
    want = {
        "adjoint_a": [[3 + 1j, 4 - 1j], [5j, 2 + 5j]],
        "adjoint_b": [[5 - 2j, -1 - 2j], [10 + 3j, -4j]],
    }
    for matmul in (tf.matmul, tf.linalg.matmul):
        np.testing.assert_allclose(matmul(a, b, adjoint_a=True).numpy(), want["adjoint_a"])
        np.testing.assert_allclose(matmul(a, b, adjoint_b=True).numpy(), want["adjoint_b"])
        np.testing.assert_allclose(matmul(a, b, adjoint_a=True, adjoint_b=True).numpy(),
                                   [[-1 - 6j, -3], [8 - 3j, -4j]])
    # TensorFlow: [1-2j, 3+2j]
    np.testing.assert_allclose(tf.linalg.matvec(a, [1j, 1], adjoint_a=True).numpy(),
                               [1 - 2j, 3 + 2j])


def test_embedding_lookup_of_a_list_is_partitioned():
    # a Python list is TensorFlow's partitioned parameters, even a list of lists (numnet took
    # [[1., 2.], [3., 4.], [5., 6.]] as one matrix)
    got = tf.nn.embedding_lookup([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]], [2, 0])
    np.testing.assert_array_equal(got.numpy(), [3.0, 1.0])  # TensorFlow: [3., 1.]
    shards = [tf.constant([[1.0, 2.0], [3.0, 4.0]]), tf.constant([[5.0, 6.0]])]
    np.testing.assert_array_equal(tf.nn.embedding_lookup(shards, [2, 0]).numpy(),
                                  [[5.0, 6.0], [1.0, 2.0]])  # TensorFlow: the same
    table = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    np.testing.assert_array_equal(tf.nn.embedding_lookup(table, [2, 0]).numpy(),
                                  [[5.0, 6.0], [1.0, 2.0]])


def test_reduce_euclidean_norm_of_integers_stays_integer():
    # TensorFlow: [2, 2, 5] int32 (the root truncated) and [[2]] int64
    got = tf.math.reduce_euclidean_norm([[1, 2], [2, 2], [3, 4]], axis=1)
    assert got.dtype == np.int32
    np.testing.assert_array_equal(got.numpy(), [2, 2, 5])
    got = tf.math.reduce_euclidean_norm(tf.constant([[1, 2]], tf.int64), keepdims=True)
    assert got.dtype == np.int64
    np.testing.assert_array_equal(got.numpy(), [[2]])


def test_diag_part_and_diag_of_a_band():
    # k=(low, high) was refused by diag_part and diag; TensorFlow's numbers
    m = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    np.testing.assert_array_equal(tf.linalg.diag_part(m, k=(-1, 1)).numpy(),
                                  [[0, 2, 6], [1, 5, 9], [4, 8, 0]])
    np.testing.assert_array_equal(
        tf.linalg.diag_part(m, k=(-1, 1), align="LEFT_RIGHT", padding_value=-1).numpy(),
        [[2, 6, -1], [1, 5, 9], [-1, 4, 8]])
    np.testing.assert_array_equal(tf.linalg.diag([[1, 2], [3, 4]], k=(-1, 0)).numpy(),
                                  [[1, 0], [3, 2]])
    np.testing.assert_array_equal(tf.linalg.diag([[1, 2], [3, 4]], k=(1, 2)).numpy(),
                                  [[0, 3, 2], [0, 0, 4], [0, 0, 0]])
    got = tf.linalg.diag([[1, 2, 3], [4, 5, 6]], k=(-1, 0), num_rows=3, num_cols=4,
                         align="LEFT_RIGHT")
    np.testing.assert_array_equal(got.numpy(), [[1, 0, 0, 0], [5, 2, 0, 0], [0, 6, 3, 0]])
    x = tf.Variable(np.arange(1.0, 13.0).reshape(3, 4))
    with tf.GradientTape() as g:
        parts = tf.linalg.diag_part(x, k=(-1, 1), padding_value=5.0)
        y = tf.reduce_sum(parts * tf.reshape(tf.range(9, dtype=tf.float64), (3, 3)))
    # TensorFlow: [[3, 0, 0, 0], [6, 4, 1, 0], [0, 7, 5, 2]]
    np.testing.assert_array_equal(g.gradient(y, x).numpy(),
                                  [[3, 0, 0, 0], [6, 4, 1, 0], [0, 7, 5, 2]])


def test_strings_substr_one_position_per_string():
    # pos and len one per string were refused (int() of a list); TensorFlow's results
    got = tf.strings.substr(["hello", "world"], [0, 1], [2, 3])
    assert got.numpy().tolist() == [b"he", b"orl"]
    got = tf.strings.substr(["hello", "world"], tf.constant([1, 2]), tf.constant([10, 1]))
    assert got.numpy().tolist() == [b"ello", b"r"]
    assert tf.strings.substr(["héllo"], [1], [2], unit="UTF8_CHAR").numpy().tolist() == [
        "él".encode()]
    with pytest.raises(tf.errors.InvalidArgumentError, match="outside"):
        tf.strings.substr(["hello"], [7], [2])


# ----------------------------------------------------------------------------- gradients, hints


def test_unconnected_gradients_zero_enum():
    # tf.UnconnectedGradients.ZERO gave None (the tape compares with the string "zero")
    x = tf.Variable(2.0)
    with tf.GradientTape() as tape:
        y = tf.constant(1.0)
    got = tape.gradient(y, x, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    assert got is not None and float(got.numpy()) == 0.0  # TensorFlow: 0.0
    assert tf.UnconnectedGradients.ZERO == "zero"
    assert tf.UnconnectedGradients("none").value == "none"


def test_floormod_gradient():
    # tf.math.floormod had no gradient; TensorFlow's: 1 for x, -floor(x / y) for y
    x = tf.Variable([1.0, 2.0, 3.5, -1.5])
    y = tf.Variable([2.0, 2.0, -1.5, 2.0])
    with tf.GradientTape() as tape:
        z = tf.reduce_sum(tf.math.floormod(x, y) * [1.0, 2.0, 3.0, 4.0])
    gx, gy = tape.gradient(z, [x, y])
    # TensorFlow: [1, 2, 3, 4] and [-0, -2, 9, 4]
    np.testing.assert_array_equal(gx.numpy(), [1, 2, 3, 4])
    np.testing.assert_array_equal(gy.numpy(), [0, -2, 9, 4])
    np.testing.assert_array_equal(tf.math.floormod(x, y).numpy(), [1.0, 0.0, -1.0, 0.5])
    np.testing.assert_array_equal(tf.math.floormod([7, -7], 3).numpy(), [1, 2])


@pytest.mark.parametrize("value,hint,dtype,want", [
    # TensorFlow's results: a NumPy value is cast to the hint (even with loss) ...
    (np.array([1, 2]), "float32", np.float32, [1.0, 2.0]),
    (np.array([1.5]), "int32", np.int32, [1]),
    (np.array([300]), "uint8", np.uint8, [44]),
    (np.array([True]), "float32", np.float32, [1.0]),
    (np.array([1], np.int32), "int64", np.int64, [1]),
    # ... a Python value takes it only without loss: [1.5] stays float32 (numnet gave int32 [1])
    ([1.5], "int32", np.float32, [1.5]),
    ([1, 2], "float32", np.float32, [1.0, 2.0]),
    (1, "float64", np.float64, 1.0),
])
def test_convert_to_tensor_dtype_hint(value, hint, dtype, want):
    got = tf.convert_to_tensor(value, dtype_hint=hint)
    assert got.dtype == dtype
    np.testing.assert_array_equal(got.numpy(), want)


# ----------------------------------------------------------------------------- tf.map_fn


def test_map_fn_ragged_and_sparse():
    # tf.map_fn's docstring: ragged results, SparseTensor rows and SparseTensor results
    got = tf.map_fn(tf.range, tf.constant([3, 5, 0, 2]),
                    fn_output_signature=tf.RaggedTensorSpec(shape=[None], dtype=tf.int32))
    # TensorFlow: <tf.RaggedTensor [[0, 1, 2], [0, 1, 2, 3, 4], [], [0, 1]]>
    assert got.to_list() == [[0, 1, 2], [0, 1, 2, 3, 4], [], [0, 1]]
    st = tf.sparse.SparseTensor([[0, 0], [2, 0], [2, 1]], [2, 3, 4], [4, 4])
    sums = tf.map_fn(tf.sparse.reduce_sum, st, fn_output_signature=tf.int32)
    np.testing.assert_array_equal(sums.numpy(), [2, 0, 7, 0])  # TensorFlow: [2, 0, 7, 0]
    eyes = tf.map_fn(tf.sparse.eye, tf.constant([2, 3]),
                     fn_output_signature=tf.SparseTensorSpec(None, tf.float32))
    # TensorFlow: [[[1, 0, 0], [0, 1, 0], [0, 0, 0]], [[1, 0, 0], [0, 1, 0], [0, 0, 1]]]
    np.testing.assert_array_equal(tf.sparse.to_dense(eyes).numpy(),
                                  [[[1, 0, 0], [0, 1, 0], [0, 0, 0]],
                                   [[1, 0, 0], [0, 1, 0], [0, 0, 1]]])
    spec = tf.SparseTensorSpec([None, 3], tf.int32)
    assert spec.is_compatible_with(tf.SparseTensor([[0, 1]], tf.constant([5]), [2, 3]))
    assert not spec.is_compatible_with(tf.SparseTensor([[0, 1]], tf.constant([5]), [2, 4]))


def test_numpy_function_python_inputs_are_numpy_arrays():
    # TensorFlow gives func np.asarray of a Python input: 1.0 arrives as float64, [1, 2] as
    # int64 (numnet converted them as tensors: float32, int32); Tensors give their arrays
    seen = []

    def record(*arrays):
        seen.extend(a.dtype for a in arrays)
        return np.float32(0)

    tf.numpy_function(record, [1.0, [1, 2], tf.constant(1.0), tf.constant([1, 2])], tf.float32)
    assert seen == [np.float64, np.int64, np.float32, np.int32]


# ----------------------------------------------------------------------------- more missing names


def test_create_rng_state_layout():
    # tf.random.create_rng_state's docstring: [12, 34] was refused; TensorFlow's states
    assert tf.random.create_rng_state(1234, "philox").numpy().tolist() == [1234, 0, 0]
    assert tf.random.create_rng_state([12, 34], "threefry").numpy().tolist() == [12, 34]
    assert tf.random.create_rng_state([1, 2, 3, 4], "philox").numpy().tolist() == [1, 2, 3]
    assert tf.random.create_rng_state(-1, "philox").numpy().tolist() == [-1, -1, -1]
    assert tf.random.create_rng_state(2 ** 70, 1).numpy().tolist() == [0, 64, 0]
    # a Generator continues from such a state
    a = tf.random.Generator.from_state(tf.random.create_rng_state(7, "philox"), "philox")
    b = tf.random.Generator.from_seed(7)
    np.testing.assert_array_equal(a.normal([3]).numpy(), b.normal([3]).numpy())
    with pytest.raises(ValueError, match="alg"):
        tf.random.create_rng_state(1, "mersenne")


def test_signal_windows():
    # TensorFlow's values (tf.signal.kaiser_window / kaiser_bessel_derived_window /
    # vorbis_window were missing)
    np.testing.assert_allclose(tf.signal.kaiser_window(5).numpy(),
                               [5.2773448e-05, 0.21567266, 1.0, 0.21567266, 5.2773448e-05],
                               rtol=1e-6)
    np.testing.assert_allclose(tf.signal.kaiser_window(4, beta=6.0).numpy(),
                               [0.014873336, 0.7318953, 0.7318953, 0.014873336], rtol=1e-6)
    np.testing.assert_allclose(tf.signal.kaiser_bessel_derived_window(6, beta=4.0).numpy(),
                               [0.22047876, 0.70710677, 0.97539175, 0.97539175, 0.70710677,
                                0.22047876], rtol=1e-6)
    np.testing.assert_allclose(tf.signal.vorbis_window(3, dtype=tf.float64).numpy(),
                               [0.38268343236508967, 1.0, 0.3826834323650902], rtol=1e-12)
    assert tf.signal.vorbis_window(4).dtype == np.float32


def test_max_pool_with_argmax():
    # TensorFlow's values; the index is ((b * height + y) * width + x) * channels + c
    x = tf.constant(np.array([[1, 5, 2, 0], [3, 3, 7, 1], [0, 9, 9, 4]],
                             np.float32).reshape(1, 3, 4, 1))
    x2 = tf.concat([x, -x], axis=-1)
    out, where = tf.nn.max_pool_with_argmax(x2, 2, 2, "SAME")
    np.testing.assert_array_equal(out.numpy(), [[[[5, -1], [7, 0]], [[9, 0], [9, -4]]]])
    np.testing.assert_array_equal(where.numpy(), [[[[2, 1], [12, 7]], [[18, 17], [20, 23]]]])
    assert where.dtype == np.int64
    _, where = tf.nn.max_pool_with_argmax(tf.stack([x2[0], x2[0] * 2]), [1, 2, 2, 1],
                                          [1, 1, 2, 1], "VALID", output_dtype=tf.int32,
                                          include_batch_in_index=True)
    assert where.dtype == np.int32
    np.testing.assert_array_equal(where.numpy(), [[[[2, 1], [12, 7]], [[18, 17], [20, 15]]],
                                                  [[[26, 25], [36, 31]], [[42, 41], [44, 39]]]])


def test_sparse_bincount_and_set_shape():
    # tf.sparse.bincount's docstring (numnet had none); TensorFlow's results
    data = np.array([[10, 20, 30, 20], [11, 101, 11, 10001]], dtype=np.int64)
    out = tf.sparse.bincount(data, axis=-1)
    assert out.indices.numpy().tolist() == [[0, 10], [0, 20], [0, 30], [1, 11], [1, 101],
                                            [1, 10001]]
    assert out.values.numpy().tolist() == [1, 2, 1, 2, 1, 1] and out.values.dtype == np.int64
    assert list(out.shape) == [2, 10002]
    out = tf.sparse.bincount(data, axis=-1, minlength=500, maxlength=500)
    assert out.values.numpy().tolist() == [1, 2, 1, 2, 1] and list(out.shape) == [2, 500]
    out = tf.sparse.bincount(data, binary_output=True, axis=-1)
    assert out.values.numpy().tolist() == [1, 1, 1, 1, 1, 1]
    out = tf.sparse.bincount(data, weights=[[2, 0.25, 15, 0.5], [2, 17, 3, 0.9]], axis=-1)
    np.testing.assert_allclose(out.values.numpy(), [2.0, 0.75, 15.0, 5.0, 17.0, 0.9])
    assert out.values.dtype == np.float32
    out = tf.sparse.bincount(data)
    assert out.indices.numpy().tolist() == [[10], [11], [20], [30], [101], [10001]]
    assert out.values.numpy().tolist() == [1, 2, 2, 1, 1, 1]
    out = tf.sparse.bincount(tf.sparse.SparseTensor([[0, 3], [0, 7], [1, 9]], [10, 20, 10],
                                                    [2, 30]), axis=-1)
    assert out.indices.numpy().tolist() == [[0, 10], [0, 20], [1, 10]]
    assert out.values.dtype == np.int32
    # tf.SparseTensor.set_shape's docstring
    st = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4])
    st.set_shape([3, None])
    with pytest.raises(ValueError, match="not compatible"):
        st.set_shape([1, 4])


def test_stack_dynamic_partitions_and_isotonic_regression():
    # tf.ragged.stack_dynamic_partitions's docstring (missing): TensorFlow gives
    # [[b'b'], [], [b'c', b'd'], [b'a', b'e'], []]
    got = tf.ragged.stack_dynamic_partitions(["a", "b", "c", "d", "e"], [3, 0, 2, 2, 3], 5)
    assert got.to_list() == [[b"b"], [], [b"c", b"d"], [b"a", b"e"], []]
    got = tf.ragged.stack_dynamic_partitions(tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]),
                                             [1, 0, 1], 2)
    assert got.to_list() == [[[3.0, 4.0]], [[1.0, 2.0], [5.0, 6.0]]]
    # tf.nn.isotonic_regression's docstring (missing); TensorFlow's results
    x = tf.constant([[3, 1, 2], [1, 3, 4]], dtype=tf.float32)
    y, segments = tf.nn.isotonic_regression(x, axis=1)
    np.testing.assert_allclose(y.numpy(), [[3, 1.5, 1.5], [8 / 3, 8 / 3, 8 / 3]], rtol=1e-6)
    assert segments.numpy().tolist() == [[0, 1, 1], [0, 0, 0]] and segments.dtype == np.int32
    y, segments = tf.nn.isotonic_regression(x, decreasing=False)
    np.testing.assert_array_equal(y.numpy(), [[2, 2, 2], [1, 3, 4]])
    assert segments.numpy().tolist() == [[0, 0, 1], [0, 1, 2]]
    y, segments = tf.nn.isotonic_regression(x, axis=0)
    np.testing.assert_array_equal(y.numpy(), [[3, 2, 3], [1, 2, 3]])
    assert segments.numpy().tolist() == [[0, 0, 0], [1, 0, 0]]


def test_embedding_lookup_sparse_and_safe():
    # tf.nn.embedding_lookup_sparse's docstring (numnet had neither); TensorFlow's numbers
    params = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]])
    indices = [[0, 0], [0, 1], [2, 0], [2, 3]]
    ids = tf.SparseTensor(indices, tf.constant([1, 3, 0, 0], tf.int64), [4, 5])
    w = tf.SparseTensor(indices, [2.0, 1.0, 0.5, 1.5], [4, 5])
    want = {  # rows up to the largest row present; an empty row is zeros
        ("sum", False): [[10, 12], [0, 0], [2, 4]],
        ("sum", True): [[13, 16], [0, 0], [2, 4]],
        ("mean", False): [[5, 6], [0, 0], [1, 2]],
        ("mean", True): [[4.3333335, 5.3333335], [0, 0], [1, 2]],
        ("sqrtn", False): [[7.0710678, 8.485281], [0, 0], [1.4142135, 2.828427]],
        ("sqrtn", True): [[5.8137765, 7.1554174], [0, 0], [1.264911, 2.529822]],
    }
    for (combiner, weighted), expected in want.items():
        got = tf.nn.embedding_lookup_sparse(params, ids, w if weighted else None,
                                            combiner=combiner)
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, err_msg=combiner)
    got = tf.nn.embedding_lookup_sparse(params, ids, None, max_norm=3.0)
    np.testing.assert_allclose(got.numpy(), [[1.8877568, 2.328865], [0, 0], [1, 2]], rtol=1e-6)
    got = tf.nn.safe_embedding_lookup_sparse(params, ids, w, combiner="mean")
    np.testing.assert_allclose(got.numpy(), [[4.3333335, 5.3333335], [0, 0], [1, 2], [0, 0]],
                               rtol=1e-6)
    got = tf.nn.safe_embedding_lookup_sparse(params, ids, None, default_id=2)
    np.testing.assert_allclose(got.numpy(), [[5, 6], [5, 6], [1, 2], [5, 6]])
    v = tf.Variable(params)
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.embedding_lookup_sparse(v, ids, w, combiner="sqrtn")
                          * [[1.0, 2.0]])
    np.testing.assert_allclose(tf.convert_to_tensor(tape.gradient(y, v)).numpy(),
                               [[1.264911, 2.529822], [0.8944272, 1.7888544], [0, 0],
                                [0.4472136, 0.8944272]], rtol=1e-6)


def test_linalg_lu_family():
    # tf.linalg.lu and its companions were missing; TensorFlow's numbers
    lower_upper, perm = tf.linalg.lu([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(lower_upper.numpy(), [[3.0, 4.0], [1 / 3, 2 / 3]], rtol=1e-6)
    assert perm.numpy().tolist() == [1, 0] and perm.dtype == np.int32
    draws = np.random.RandomState(3)
    draws.randn(4, 4)
    a = draws.randn(2, 3, 3)
    lower_upper, perm = tf.linalg.lu(a, output_idx_type=tf.int64)
    assert perm.numpy().tolist() == [[2, 0, 1], [2, 1, 0]] and perm.dtype == np.int64
    np.testing.assert_allclose(tf.linalg.lu_reconstruct(lower_upper, perm).numpy(), a,
                               rtol=1e-12, atol=1e-12)
    x = tf.linalg.lu_solve(lower_upper, perm, np.ones((2, 3, 1)))
    np.testing.assert_allclose(a @ x.numpy(), np.ones((2, 3, 1)), atol=1e-10)
    np.testing.assert_allclose(tf.linalg.lu_matrix_inverse(lower_upper, perm).numpy(),
                               np.linalg.inv(a), rtol=1e-10)


def test_ragged_from_tensor_takes_nested_lengths():
    # TensorFlow's docstring: lengths=([2, 0, 3], [1, 1, 2, 0, 1]) cuts the rows, then the
    # rows kept of the next dimension: [[[5], [7]], [], [[6, 0], [], [0]]]
    dt = tf.constant([[[5, 0], [7, 0], [0, 0]], [[0, 0], [3, 0], [0, 0]],
                      [[6, 0], [0, 0], [0, 0]]])
    ragged = tf.RaggedTensor.from_tensor(dt, lengths=([2, 0, 3], [1, 1, 2, 0, 1]))
    assert ragged.to_list() == [[[5], [7]], [], [[6, 0], [], [0]]]


def test_cardinality_compares_to_a_boolean_tensor():
    # TensorFlow's docstring: (dataset.cardinality() == tf.data.INFINITE_CARDINALITY).numpy()
    # is True for a repeated dataset; the count is still an int for len, range and sums
    dataset = tf.data.Dataset.range(3)
    assert (dataset.repeat().cardinality() == tf.data.INFINITE_CARDINALITY).numpy()
    assert not (dataset.cardinality() != 3).numpy() and bool(dataset.cardinality() > 2)
    assert dataset.cardinality() + 1 == 4 and list(range(dataset.cardinality())) == [0, 1, 2]
    assert dataset.cardinality().numpy() == 3 and {dataset.cardinality(): "x"}[3] == "x"
