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
