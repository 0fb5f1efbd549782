"""tf.sparse: the SparseTensor ops against the values TensorFlow 2.21 gives (worked by hand in
the comments), their gradients with respect to the values, and sparse elements in tf.data."""

import numpy as np
import pytest

import numnet as tf
from numnet.tf_api import sparse


def dense(st):
    return tf.sparse.to_dense(st).numpy().tolist()


def test_add_keeps_a_zero_sum_and_threshold_drops_small_sums():
    a = tf.sparse.SparseTensor([[0, 0], [1, 1]], [1.0, 2.0], [2, 2])
    b = tf.sparse.SparseTensor([[0, 0], [1, 0]], [-1.0, 0.5], [2, 2])
    total = tf.sparse.add(a, b)
    assert isinstance(total, sparse.SparseTensor)
    assert total.indices.numpy().tolist() == [[0, 0], [1, 0], [1, 1]]
    assert total.values.numpy().tolist() == [0.0, 0.5, 2.0]  # 1 - 1 stays stored
    # the threshold drops the sum 1 - 1 only: TensorFlow copies an entry that one side alone
    # stores (0.5) without comparing it
    kept = tf.sparse.add(a, b, threshold=0.6)
    assert kept.indices.numpy().tolist() == [[1, 0], [1, 1]]
    assert kept.values.numpy().tolist() == [0.5, 2.0]
    assert tf.sparse.add(a, np.ones((2, 2), "float32")).numpy().tolist() == [[2, 1], [1, 3]]


def test_add_gradient_reaches_both_value_vectors():
    va, vb = tf.Variable([1.0, 2.0]), tf.Variable([-1.0, 0.5])
    with tf.GradientTape() as tape:
        a = tf.sparse.SparseTensor([[0, 0], [1, 1]], va, [2, 2])
        b = tf.sparse.SparseTensor([[0, 0], [1, 0]], vb, [2, 2])
        loss = tf.reduce_sum(tf.sparse.add(a, b).values * tf.constant([1.0, 2.0, 3.0]))
    ga, gb = tape.gradient(loss, [va, vb])
    # union [0,0] [1,0] [1,1]: a feeds slots 0 and 2, b slots 0 and 1
    assert ga.numpy().tolist() == [1.0, 3.0]
    assert gb.numpy().tolist() == [1.0, 2.0]


def test_concat_and_slice_as_the_guide():
    a = tf.sparse.SparseTensor([[0, 2], [1, 0]], [1, 2], [2, 3])
    b = tf.sparse.SparseTensor([[0, 1]], [3], [2, 4])
    joined = tf.sparse.concat(axis=1, sp_inputs=[a, b])
    assert joined.dense_shape.numpy().tolist() == [2, 7]
    assert joined.indices.numpy().tolist() == [[0, 2], [0, 4], [1, 0]]
    assert joined.values.numpy().tolist() == [1, 3, 2]
    with pytest.raises(ValueError, match="expand_nonconcat_dims"):
        tf.sparse.concat(axis=0, sp_inputs=[a, b])
    wide = tf.sparse.concat(axis=0, sp_inputs=[a, b], expand_nonconcat_dims=True)
    assert wide.dense_shape.numpy().tolist() == [4, 4]
    # a box that runs past the dense shape is cut there; past the end it is empty
    cut = tf.sparse.slice(joined, start=[0, 3], size=[2, 10])
    assert cut.dense_shape.numpy().tolist() == [2, 4]
    assert cut.indices.numpy().tolist() == [[0, 1]]
    empty = tf.sparse.slice(joined, start=[0, 7], size=[2, 3])
    assert empty.dense_shape.numpy().tolist() == [2, 0] and empty.values.shape[0] == 0


def test_split_transpose_reshape_expand_dims_reset_shape():
    st = tf.sparse.SparseTensor([[0, 0], [1, 3], [0, 4]], [1, 2, 3], [2, 5])
    left, right = tf.sparse.split(sp_input=st, num_split=2, axis=1)
    assert left.dense_shape.numpy().tolist() == [2, 3] and dense(left) == [[1, 0, 0], [0, 0, 0]]
    assert dense(right) == [[0, 3], [2, 0]]
    assert right.indices.numpy().tolist() == [[0, 1], [1, 0]]
    flipped = tf.sparse.transpose(st)
    assert flipped.indices.numpy().tolist() == [[0, 0], [3, 1], [4, 0]]
    assert flipped.values.numpy().tolist() == [1, 2, 3]
    st1 = tf.sparse.SparseTensor([[0, 3], [2, 4]], [10, 20], [3, 10])
    assert tf.sparse.reshape(st1, [-1, 6]).indices.numpy().tolist() == [[0, 3], [4, 0]]
    with pytest.raises(ValueError, match="same size"):
        tf.sparse.reshape(st1, [4, 7])
    grown = tf.sparse.expand_dims(st1, 1)
    assert grown.dense_shape.numpy().tolist() == [3, 1, 10]
    assert grown.indices.numpy().tolist() == [[0, 0, 3], [2, 0, 4]]
    assert tf.sparse.reset_shape(st1).dense_shape.numpy().tolist() == [3, 5]
    with pytest.raises(ValueError, match="does not hold"):
        tf.sparse.reset_shape(st1, [2, 10])


def test_reduce_max_reads_only_stored_values():
    st = tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 1]], [-2.0, -3.0, 5.0], [3, 3])
    assert tf.sparse.reduce_max(st, axis=1).numpy().tolist() == [-2.0, 5.0, 0.0]
    assert tf.sparse.reduce_max(st, axis=0).numpy().tolist() == [-3.0, 5.0, 0.0]
    assert tf.sparse.reduce_max(st).numpy() == 5.0
    assert tf.sparse.reduce_max(st, axis=1, keepdims=True).shape == (3, 1)
    out = tf.sparse.reduce_max(st, axis=1, output_is_sparse=True)
    assert out.indices.numpy().tolist() == [[0], [1]] and out.values.numpy().tolist() == [-2, 5]
    ints = tf.sparse.SparseTensor([[0, 1], [1, 0]], [-2, -3], [2, 2])
    assert tf.sparse.reduce_max(ints, axis=1).numpy().tolist() == [-2, -3]
    values = tf.Variable([-2.0, -3.0, 5.0])
    with tf.GradientTape() as tape:
        total = tf.reduce_sum(tf.sparse.reduce_max(
            tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 1]], values, [3, 3]), axis=1))
    assert tape.gradient(total, values).numpy().tolist() == [1.0, 0.0, 1.0]


def test_reduce_sum_axes_and_sparse_output():
    st = tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 1]], [-2, -3, 5], [3, 3])
    assert tf.sparse.reduce_sum(st, axis=-1).numpy().tolist() == [-2, 2, 0]
    assert tf.sparse.reduce_sum(st, axis=[0, 1]).numpy() == 0
    out = tf.sparse.reduce_sum(st, axis=1, output_is_sparse=True)
    assert out.indices.numpy().tolist() == [[0], [1]] and out.values.numpy().tolist() == [-2, 2]
    with pytest.raises(ValueError, match="out of range"):
        tf.sparse.reduce_sum(st, axis=2)


def test_maximum_minimum_read_a_missing_entry_as_zero():
    a = tf.sparse.SparseTensor([[0, 1], [1, 0], [1, 1]], [-2.0, -3.0, 5.0], [3, 3])
    b = tf.sparse.SparseTensor([[0, 1]], [1.0], [3, 3])
    assert tf.sparse.minimum(a, b).values.numpy().tolist() == [-2.0, -3.0, 0.0]
    assert tf.sparse.maximum(a, b).values.numpy().tolist() == [1.0, 0.0, 5.0]
    with pytest.raises(ValueError, match="dense shapes"):
        tf.sparse.maximum(a, tf.sparse.SparseTensor([[0, 0]], [1.0], [2, 2]))


def test_softmax_over_stored_entries_and_its_gradient():
    values = tf.Variable([0.0, np.log(3.0), 2.0])
    with tf.GradientTape() as tape:
        st = tf.sparse.SparseTensor([[0, 0], [0, 2], [1, 1]], values, [3, 3])
        out = tf.sparse.softmax(st)
        first = out.values[0]
    np.testing.assert_allclose(out.values.numpy(), [0.25, 0.75, 1.0], rtol=1e-6)
    # d p0 / d z = p0 (e0 - p) on the row's two entries: [0.1875, -0.1875]; the lone entry 0
    np.testing.assert_allclose(tape.gradient(first, values).numpy(), [0.1875, -0.1875, 0.0],
                               atol=1e-6)


def test_map_values_retain_fill_empty_rows_indicator_eye():
    st = tf.sparse.from_dense([[1, 0, 0, 8], [0, 0, 0, 0], [0, 0, 3, 0]])
    assert st.dtype == tf.int32 and st.indices.dtype == tf.int64
    assert tf.sparse.map_values(tf.add, st, 5).values.numpy().tolist() == [6, 13, 8]
    assert tf.sparse.map_values(tf.multiply, st, st).values.numpy().tolist() == [1, 64, 9]
    with pytest.raises(ValueError, match="same indices"):
        tf.sparse.map_values(tf.add, st, tf.sparse.from_dense([[1, 0, 0, 0], [0] * 4, [0] * 4]))
    zeros = tf.sparse.SparseTensor([[0], [2], [3]], [0, 7, 0], [4])
    assert tf.sparse.retain(zeros, tf.not_equal(zeros.values, 0)).values.numpy().tolist() == [7]
    filled, empty = tf.sparse.fill_empty_rows(tf.sparse.SparseTensor([[1, 0]], [3], [3, 2]), -1)
    assert filled.indices.numpy().tolist() == [[0, 0], [1, 0], [2, 0]]
    assert filled.values.numpy().tolist() == [-1, 3, -1]
    assert empty.numpy().tolist() == [True, False, True]
    ids = tf.sparse.SparseTensor([[0, 0], [0, 1], [1, 0]], [1, 3, 0], [2, 2])
    assert tf.sparse.to_indicator(ids, 4).numpy().tolist() == [
        [False, True, False, True], [True, False, False, False]]
    with pytest.raises(ValueError, match="vocab_size"):
        tf.sparse.to_indicator(ids, 3)
    eye = tf.sparse.eye(2, 3)
    assert eye.indices.numpy().tolist() == [[0, 0], [1, 1]] and eye.dtype == tf.float32


def test_operators_with_a_dense_tensor_keep_the_indices():
    a = tf.sparse.SparseTensor([[0, 0], [1, 1]], [1.0, 2.0], [2, 2])
    product = a * tf.constant([[2.0, 3.0], [4.0, 5.0]])
    assert isinstance(product, sparse.SparseTensor)
    assert product.values.numpy().tolist() == [2.0, 10.0]
    assert (a * 2.0).values.numpy().tolist() == [2.0, 4.0]
    assert (a / tf.constant([4.0, 8.0])).values.numpy().tolist() == [0.25, 0.25]
    assert np.asarray(a).tolist() == [[1.0, 0.0], [0.0, 2.0]]


def test_sparse_dense_matmul_and_its_gradient():
    values = tf.Variable([13.0, 15.0, 17.0])
    with tf.GradientTape() as tape:
        st = tf.sparse.SparseTensor(([0, 1], [1, 0], [1, 1]), values, (2, 2))
        product = tf.sparse.sparse_dense_matmul(st, tf.constant([[4.0], [6.0]]))
    assert product.numpy().tolist() == [[78.0], [162.0]]
    # d sum / d a[i, j] = b[j]
    assert tape.gradient(product, values).numpy().tolist() == [6.0, 4.0, 6.0]
    int_product = tf.sparse.sparse_dense_matmul(
        tf.sparse.SparseTensor([[0, 1]], [13], [1, 2]), [[4], [6]])
    assert int_product.numpy().tolist() == [[78]]


def test_rows_of_a_sparse_tensor_and_bad_keys():
    st = tf.sparse.SparseTensor([[0, 0], [2, 1], [2, 3]], [1, 2, 3], [3, 4])
    row = st[2]
    assert row.dense_shape.numpy().tolist() == [4] and row.indices.numpy().tolist() == [[1], [3]]
    assert st[1, ...].values.shape[0] == 0
    both = st[np.array([2, 0])]
    assert both.indices.numpy().tolist() == [[0, 1], [0, 3], [1, 0]]
    with pytest.raises(IndexError, match="3 rows"):
        st[3]
    with pytest.raises(TypeError, match="sparse.slice"):
        st[:, 1]
    with pytest.raises(ValueError, match="outside dense_shape"):
        tf.sparse.SparseTensor([[0, 4]], [1], [3, 4])


def test_sparse_elements_in_tf_data():
    st = tf.sparse.SparseTensor([(0, 0), (0, 1), (0, 2), (4, 3), (5, 0), (5, 1)], [1] * 6,
                                (6, 4))
    dataset = tf.data.Dataset.from_tensor_slices(st)
    rows = list(dataset)
    assert [r.values.shape[0] for r in rows] == [3, 0, 0, 0, 1, 2]
    assert rows[4].indices.numpy().tolist() == [[3]]
    batches = list(dataset.batch(4))
    assert [b.dense_shape.numpy().tolist() for b in batches] == [[4, 4], [2, 4]]
    assert batches[1].indices.numpy().tolist() == [[0, 3], [1, 0], [1, 1]]
    again = list(dataset.batch(4).unbatch())
    assert len(again) == 6 and again[5].indices.numpy().tolist() == [[0], [1]]
    mapped = list(dataset.map(lambda x: tf.sparse.to_dense(x)).batch(6))[0]
    assert mapped.numpy().tolist() == tf.sparse.to_dense(st).numpy().tolist()
