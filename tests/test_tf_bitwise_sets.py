"""tf.bitwise and tf.sets (numnet.tf_api.bitwise, sets): hand values. TensorFlow 2.21 gives the
same results, errors included (checked while writing these; it is not needed here)."""

import doctest

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.tf_api import bitwise, sets


def values(t):
    return np.asarray(t).tolist()


def test_and_or_xor_keep_the_dtype():
    x, y = tf.constant([5, 12], tf.uint8), tf.constant(6, tf.uint8)
    out = tf.bitwise.bitwise_and(x, y)
    assert out.dtype == np.uint8 and values(out) == [4, 4]  # 0101 & 0110, 1100 & 0110
    assert values(tf.bitwise.bitwise_or(x, y)) == [7, 14]
    assert values(tf.bitwise.bitwise_xor(x, y)) == [3, 10]
    assert tf.bitwise.bitwise_and([5, 12], 6).dtype == np.int32
    grid = tf.bitwise.bitwise_xor(tf.constant([[5], [12]], tf.int16),
                                  tf.constant([3, 10, 1], tf.int16))
    assert values(grid) == [[6, 15, 4], [15, 6, 13]]


def test_invert_signed_and_unsigned():
    assert values(tf.bitwise.invert(tf.constant([0, 5, -1], tf.int8))) == [-1, -6, 0]
    assert values(tf.bitwise.invert(tf.constant([0, 5, 255], tf.uint8))) == [255, 250, 0]


def test_shifts_wrap_and_clamp_the_amount():
    out = tf.bitwise.left_shift(tf.constant([1, -1, 3, 1], tf.int8),
                                tf.constant([2, 1, 7, 9], tf.int8))
    assert values(out) == [4, -2, -128, -128]  # 3 << 7 wraps; 9 is clamped to 7
    assert values(tf.bitwise.left_shift(tf.constant([1, 8]), tf.constant([-1, 40]))) == [1, 0]
    assert values(tf.bitwise.right_shift(tf.constant([-8, 8, -1, 100]),
                                         tf.constant([1, 2, 33, 31]))) == [-4, 2, -1, 0]
    assert values(tf.bitwise.right_shift(tf.constant([200, 255], tf.uint8),
                                         tf.constant([1, 9], tf.uint8))) == [100, 1]
    assert values(tf.bitwise.left_shift(tf.constant([1], tf.int64), 40)) == [2**40]


def test_bitwise_rejects_floats_and_mixed_dtypes():
    with pytest.raises(tf.errors.InvalidArgumentError, match="integer"):
        tf.bitwise.bitwise_or([1.0], [2.0])
    with pytest.raises(tf.errors.InvalidArgumentError, match="one dtype"):
        tf.bitwise.bitwise_and(tf.constant([5], tf.int64), tf.constant([6], tf.int32))


def sparse(st):
    return values(st.indices), values(st.values), values(st.dense_shape)


A = [[[1, 2], [3, 4]], [[5, 6], [7, 8]]]
B = [[[1, 3], [2, 4]], [[6, 5], [0, 9]]]


def test_set_operations_row_by_row():
    a, b = tf.constant(A), tf.constant(B)
    assert sparse(tf.sets.intersection(a, b)) == (
        [[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 0, 1]], [1, 4, 5, 6], [2, 2, 2])
    union = tf.sets.union(a, b)
    assert values(union.dense_shape) == [2, 2, 4]
    assert values(union.values) == [1, 2, 3, 2, 3, 4, 5, 6, 0, 7, 8, 9]
    assert sparse(tf.sets.difference(a, b)) == (
        [[0, 0, 0], [0, 1, 0], [1, 1, 0], [1, 1, 1]], [2, 3, 7, 8], [2, 2, 2])
    assert values(tf.sets.difference(a, b, aminusb=False).values) == [3, 2, 0, 9]
    assert tf.sets.set_union is tf.sets.union


def test_dense_rows_count_every_value_sparse_rows_their_entries():
    a, b = tf.constant([[3, 1, 1, 2], [0, 0, 0, 0]]), tf.constant([[2, 5], [0, 7]])
    assert sparse(tf.sets.union(a, b)) == (
        [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1]], [1, 2, 3, 5, 0, 7], [2, 4])
    st = tf.SparseTensor([[0, 0], [0, 2], [1, 1]], [4, 1, 4], [2, 3])
    assert sparse(tf.sets.union(st, b)) == (
        [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1], [1, 2]], [1, 2, 4, 5, 0, 4, 7], [2, 4])
    assert sparse(tf.sets.intersection(a, st)) == ([[0, 0]], [1], [2, 1])
    assert values(tf.sets.size(st)) == [2, 1]
    assert tf.sets.size(st).dtype == np.int32
    assert values(tf.sets.size(tf.sparse.from_dense(tf.constant(A)))) == [[2, 2], [2, 2]]


def test_sets_of_strings_and_empty_results():
    out = tf.sets.intersection(tf.constant([["a", "b", "c"]]), tf.constant([["c", "a"]]))
    assert sparse(out) == ([[0, 0], [0, 1]], [b"a", b"c"], [1, 2])
    assert sparse(tf.sets.intersection([[1]], [[2]])) == ([], [], [1, 0])


def test_sets_errors():
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.sets.size(tf.constant(A))
    with pytest.raises(tf.errors.InvalidArgumentError, match="rank"):
        tf.sets.intersection([1, 2], [2, 3])
    with pytest.raises(TypeError, match="float32"):
        tf.sets.intersection([[1.0, 2.0]], [[2.0, 3.0]])
    with pytest.raises(tf.errors.InvalidArgumentError, match="batch shapes"):
        tf.sets.union(tf.constant([[1]]), tf.constant([[2], [3]]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="out of order"):
        tf.sets.size(tf.SparseTensor([[0, 1], [0, 0]], [1, 2], [1, 2]))


@pytest.mark.parametrize("module", [bitwise, sets])
def test_docstring_examples_run(module):
    result = doctest.testmod(module, extraglobs={"numnet": numnet, "np": np},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0 and result.attempted > 0
