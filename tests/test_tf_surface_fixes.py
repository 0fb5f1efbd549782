"""TensorFlow's behaviour in small corners of the tf surface: indexing a string tensor,
Dataset.as_numpy_iterator on text, the integer unsorted segment means, tf.nn's activations
under TensorFlow's argument names. Expected values are TensorFlow 2.21's, written out by
hand; the last test compares with TensorFlow itself when it is installed."""

from __future__ import annotations

import numpy as np
import pytest

import numnet as tf
from numnet.autodiff.tensor import StringTensor

# ----------------------------------------------------------------------------- strings


def test_string_tensor_element_is_a_scalar_string_tensor():
    t = tf.constant(["ab", "cd"])
    first = t[0]
    assert isinstance(first, StringTensor)
    assert first.shape == () and first.numpy() == b"ab"
    assert tf.expand_dims(first, -1).numpy().tolist() == [b"ab"]
    assert tf.reshape(first, [1, 1]).numpy().tolist() == [[b"ab"]]
    assert tf.stack([t[1], t[0]]).numpy().tolist() == [b"cd", b"ab"]
    assert bool((first == b"ab").numpy())
    assert tf.strings.upper(t[1]).numpy() == b"CD"


def test_string_tensor_slices_and_tensor_indices():
    m = tf.constant([["a", "b"], ["c", "d"]])
    assert m[1, 0].numpy() == b"c"
    assert isinstance(m[:, 1], StringTensor) and m[:, 1].numpy().tolist() == [b"b", b"d"]
    assert m[-1].numpy().tolist() == [b"c", b"d"]
    assert tf.constant(["ab", "cd"])[tf.constant(1)].numpy() == b"cd"


def test_strings_moved_by_ops_compare_as_strings():
    t = tf.constant(["ab", "cd"])
    e = tf.expand_dims(t[0], -1)
    assert (e == b"ab").numpy().tolist() == [True]
    assert (e == "ab").numpy().tolist() == [True] and (b"ab" == e).numpy().tolist() == [True]
    assert (e != "ab").numpy().tolist() == [False]
    assert (tf.gather(t, [1, 0]) == t).numpy().tolist() == [False, False]
    assert (tf.reshape(t, [2, 1]) == "cd").numpy().tolist() == [[False], [True]]
    assert tf.equal(e, "ab").numpy().tolist() == [True]
    assert tf.not_equal(tf.gather(t, [1, 0]), t).numpy().tolist() == [True, True]
    assert (tf.constant([1, 2]) == 2).numpy().tolist() == [False, True]  # numbers as before


# ----------------------------------------------------------------------------- tf.data


def test_as_numpy_iterator_gives_text_as_bytes():
    ds = tf.data.Dataset.from_tensor_slices(["ab", "cd"])
    got = list(ds.as_numpy_iterator())
    assert got == [b"ab", b"cd"] and all(type(v) is bytes for v in got)
    assert got == [e.numpy() for e in ds]
    (words, numbers), = tf.data.Dataset.from_tensor_slices(
        (["ab", "cd"], [1, 2])).batch(2).as_numpy_iterator()
    assert words.dtype == object and words.tolist() == [b"ab", b"cd"]
    assert numbers.tolist() == [1, 2]
    rows = list(tf.data.Dataset.from_tensor_slices({"a": [["p", "q"], ["r", "s"]]})
                .as_numpy_iterator())
    assert [r["a"].tolist() for r in rows] == [[b"p", b"q"], [b"r", b"s"]]
    assert list(tf.data.Dataset.from_tensors("abc").as_numpy_iterator()) == [b"abc"]
    assert list(tf.data.Dataset.from_tensor_slices(np.array([b"x", b"yz"]))
                .as_numpy_iterator()) == [b"x", b"yz"]


def test_text_line_dataset_numpy_lines_are_utf8_bytes(tmp_path):
    path = tmp_path / "lines.txt"
    path.write_text("hello\nwörld\n", encoding="utf-8")
    got = list(tf.data.TextLineDataset(str(path)).as_numpy_iterator())
    assert got == [b"hello", b"w\xc3\xb6rld"]


def test_as_numpy_iterator_numbers_unchanged():
    got = list(tf.data.Dataset.from_tensor_slices(np.array([1.5, 2.5], np.float32))
               .as_numpy_iterator())
    assert got == [1.5, 2.5] and isinstance(got[0], np.float32)


# ----------------------------------------------------------------------------- segments


@pytest.mark.parametrize("dtype, expected", [
    ("int32", np.float64), ("int64", np.float64), ("uint32", np.float64),
    ("int8", np.float32), ("int16", np.float32), ("uint8", np.float32),
    ("uint16", np.float32), ("float32", np.float32), ("float16", np.float16),
])
def test_unsorted_segment_mean_of_integers_is_a_true_quotient(dtype, expected):
    data = tf.constant(np.array([1, 2, 4, 7, 5], dtype))
    out = tf.math.unsorted_segment_mean(data, tf.constant([0, 0, 1, 1, 3]), num_segments=4)
    assert out.numpy().dtype == expected
    np.testing.assert_array_equal(out.numpy(), [1.5, 5.5, 0.0, 5.0])


def test_unsorted_segment_mean_integer_rows_and_negatives():
    out = tf.math.unsorted_segment_mean(tf.constant([[1, 2], [3, 4], [5, 6]]),
                                        tf.constant([1, 1, 0]), 3)
    assert out.numpy().dtype == np.float64
    assert out.numpy().tolist() == [[5.0, 6.0], [2.0, 3.0], [0.0, 0.0]]
    out = tf.math.unsorted_segment_mean(tf.constant([-1, -2, 4]), tf.constant([0, 0, 1]), 2)
    assert out.numpy().tolist() == [-1.5, 4.0]
    out = tf.math.unsorted_segment_mean(tf.constant([1, 2, 4]), tf.constant([0, 0, 0]), 1)
    assert out.numpy().tolist() == [7 / 3]


def test_unsorted_segment_sqrt_n_refuses_integers_as_tensorflow():
    with pytest.raises(tf.errors.InvalidArgumentError, match="floating-point"):
        tf.math.unsorted_segment_sqrt_n(tf.constant([1, 2]), tf.constant([0, 0]), 1)
    out = tf.math.unsorted_segment_sqrt_n(tf.constant([1.0, 2.0, 4.0, 7.0, 5.0]),
                                          tf.constant([0, 0, 1, 1, 3]), 4)
    np.testing.assert_allclose(out.numpy(), [2.1213205, 7.778175, 0.0, 5.0], rtol=1e-6)


# ----------------------------------------------------------------------------- tf.nn

X = [-3.0, -1.0, 0.0, 0.5, 2.0, 7.0]
M = [[1.0, 2.0, 3.0], [0.0, -1.0, 1.0]]
# TensorFlow 2.21's values for X (M for the softmaxes), with its keyword names
TF_VALUES = [
    ("leaky_relu", {"features": X, "alpha": 0.1}, [-0.3, -0.1, 0.0, 0.5, 2.0, 7.0]),
    ("leaky_relu", {"features": X, "alpha": 2.0}, [-6.0, -2.0, 0.0, 0.5, 2.0, 7.0]),
    ("leaky_relu", {"features": X}, [-0.6, -0.2, 0.0, 0.5, 2.0, 7.0]),
    ("relu", {"features": X, "name": "r"}, [0.0, 0.0, 0.0, 0.5, 2.0, 7.0]),
    ("relu6", {"features": X, "name": "r"}, [0.0, 0.0, 0.0, 0.5, 2.0, 6.0]),
    ("elu", {"features": X, "name": "e"},
     [-0.9502129554748535, -0.6321205496788025, 0.0, 0.5, 2.0, 7.0]),
    ("selu", {"features": X, "name": "s"},
     [-1.6705687046051025, -1.1113307476043701, 0.0, 0.5253505110740662, 2.1014020442962646,
      7.354907035827637]),
    ("softplus", {"features": X, "name": "s"},
     [0.04858735203742981, 0.3132616877555847, 0.6931471824645996, 0.9740769863128662,
      2.1269280910491943, 7.000911712646484]),
    ("silu", {"features": X, "beta": 2.0},
     [-0.007417869754135609, -0.11920291930437088, 0.0, 0.36552929878234863,
      1.9640275239944458, 6.999994277954102]),
    ("swish", {"features": X, "beta": 0.5},
     [-0.5472765564918518, -0.3775406777858734, 0.0, 0.281088262796402, 1.4621171951293945,
      6.794814109802246]),
    ("gelu", {"features": X, "approximate": True, "name": "g"},
     [-0.0036374330520629883, -0.15880799293518066, 0.0, 0.3457140028476715,
      1.9545977115631104, 7.0]),
    ("gelu", {"features": X},
     [-0.004049695562571287, -0.15865525603294373, 0.0, 0.3457312285900116,
      1.9544997215270996, 7.0]),
    ("sigmoid", {"x": X, "name": "s"},
     [0.04742587357759476, 0.2689414322376251, 0.5, 0.622459352016449, 0.8807970881462097,
      0.9990889430046082]),
    ("tanh", {"x": X, "name": "t"},
     [-0.9950547218322754, -0.7615941762924194, 0.0, 0.46211713552474976, 0.9640275835990906,
      0.9999983310699463]),
    ("softsign", {"features": X, "name": "s"},
     [-0.75, -0.5, 0.0, 0.3333333432674408, 0.6666666865348816, 0.875]),
    ("softmax", {"logits": M, "axis": 0, "name": "s"},
     [[0.7310585379600525, 0.9525741338729858, 0.8807970285415649],
      [0.2689414322376251, 0.04742587357759476, 0.11920291185379028]]),
    ("log_softmax", {"logits": M, "axis": 0, "name": "s"},
     [[-0.31326165795326233, -0.04858732968568802, -0.12692804634571075],
      [-1.31326162815094, -3.0485873222351074, -2.1269280910491943]]),
    ("softmax", {"logits": M},
     [[0.09003056585788727, 0.2447284758090973, 0.6652408838272095],
      [0.2447284758090973, 0.09003056585788727, 0.6652408838272095]]),
]


@pytest.mark.parametrize("name, kwargs, expected", TF_VALUES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(TF_VALUES)])
def test_tf_nn_activations_take_tensorflow_keywords(name, kwargs, expected):
    out = getattr(tf.nn, name)(**kwargs)
    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-7)


def test_tf_nn_positional_and_dtypes_as_tensorflow():
    x = tf.constant(X)
    np.testing.assert_allclose(tf.nn.leaky_relu(x, 0.1).numpy()[:2], [-0.3, -0.1], rtol=1e-6)
    np.testing.assert_allclose(tf.nn.softmax(tf.constant(M), 0).numpy()[0, 0], 0.7310585,
                               rtol=1e-6)
    ints = tf.nn.leaky_relu(tf.constant([-2, 3]))  # integers become float32
    assert ints.dtype == np.float32
    np.testing.assert_allclose(ints.numpy(), [-0.4, 3.0], rtol=1e-6)
    assert tf.nn.relu(tf.constant([-2, 3])).numpy().tolist() == [0, 3]
    assert tf.nn.relu(tf.constant([-2, 3])).dtype == np.int32
    assert tf.nn.relu6(tf.constant([-2, 9])).numpy().tolist() == [0, 6]
    assert tf.nn.relu([-1, 2]).dtype == np.int32
    assert tf.nn.sigmoid(np.array([0.0, 1.0])).dtype == np.float64  # NumPy keeps its dtype
    np.testing.assert_allclose(tf.nn.silu(tf.constant([1.0, 2.0]), beta=tf.constant(2.0)),
                               [0.8807970881462097, 1.9640275239944458], rtol=1e-6)
    np.testing.assert_allclose(tf.nn.leaky_relu(x, alpha=np.float32(0.3)).numpy()[:2],
                               [-0.9, -0.3], rtol=1e-6)
    with pytest.raises(TypeError, match=r"tf\.nn\.sigmoid.*floating-point.*int32"):
        tf.nn.sigmoid(tf.constant([1, 2]))


def test_tf_nn_leaky_relu_gradient():
    x = tf.Variable([-2.0, 3.0])
    with tf.GradientTape() as tape:
        y = tf.reduce_sum(tf.nn.leaky_relu(x, alpha=0.1))
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.1, 1.0], rtol=1e-6)


def test_keras_activations_are_untouched_and_dense_fuses_tf_nn():
    assert tf.activations.leaky_relu(tf.constant([-1.0]), negative_slope=0.5).numpy()[0] == -0.5
    assert tf.nn.relu is not tf.activations.relu
    for fn, name in ((tf.nn.relu, "relu"), (tf.nn.softmax, "softmax"),
                     (tf.nn.leaky_relu, "leaky_relu"), (tf.nn.gelu, "gelu")):
        layer = tf.layers.Dense(2, activation=fn)
        assert tf.activations.kernel_of(layer.activation) is tf.activations.kernel_of(
            tf.activations.get(name))
        assert layer.get_config()["activation"] == name


def test_tf_nn_on_a_symbolic_input():
    inputs = tf.Input((3,))
    model = tf.Model(inputs, tf.nn.leaky_relu(inputs, alpha=0.1))
    np.testing.assert_allclose(model(np.array([[-1.0, 2.0, 3.0]], np.float32)).numpy(),
                               [[-0.1, 2.0, 3.0]], rtol=1e-6)


def test_tf_nn_matches_tensorflow():
    real = pytest.importorskip("tensorflow")
    for name, kwargs, _ in TF_VALUES:
        ours = getattr(tf.nn, name)(**kwargs).numpy()
        theirs = getattr(real.nn, name)(**kwargs).numpy()
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-7, err_msg=name)
