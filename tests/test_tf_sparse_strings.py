"""tf.SparseTensor / tf.sparse made dense, string tensors whose numpy() gives bytes as
TensorFlow's, and RNN.get_initial_state: the pieces of TensorFlow's text-generation tutorial."""

import numpy as np
import pytest

import numnet as tf


def test_sparse_tensor_to_dense_and_back():
    st = tf.SparseTensor(indices=[[0, 0], [1, 2]], values=[1, 2], dense_shape=[3, 4])
    assert st.shape == (3, 4) and st.dtype == np.int32
    assert tf.sparse.to_dense(st).numpy().tolist() == [[1, 0, 0, 0], [0, 0, 2, 0], [0, 0, 0, 0]]
    assert tf.sparse.to_dense(st, default_value=-1).numpy()[2].tolist() == [-1, -1, -1, -1]
    # the tutorial's prediction mask: -inf at the [UNK] id, 0 elsewhere
    mask = tf.sparse.to_dense(tf.SparseTensor([[1]], [-float("inf")], [3])).numpy()
    assert mask.dtype == np.float32 and mask.tolist() == [0.0, -np.inf, 0.0]
    back = tf.sparse.from_dense([[0, 3], [4, 0]])
    assert back.indices.numpy().tolist() == [[0, 1], [1, 0]]
    assert back.values.numpy().tolist() == [3, 4] and back.shape == (2, 2)
    shuffled = tf.SparseTensor([[1, 0], [0, 1]], [1, 2], [2, 2])
    ordered = tf.sparse.reorder(shuffled)
    assert ordered.indices.numpy().tolist() == [[0, 1], [1, 0]]
    assert ordered.values.numpy().tolist() == [2, 1]
    product = tf.sparse.sparse_dense_matmul(st, np.arange(8).reshape(4, 2).astype("int32"))
    assert product.numpy().tolist() == [[0, 1], [8, 10], [0, 0]]
    assert int(tf.sparse.reduce_sum(st)) == 3


def test_to_dense_passes_gradients_to_the_values():
    v = tf.Variable([1.0, 2.0])
    with tf.GradientTape() as tape:
        dense = tf.sparse.to_dense(tf.SparseTensor([[0, 1], [1, 0]], v * 1.0, [2, 2]))
        loss = tf.reduce_sum(dense * tf.constant([[1.0, 3.0], [5.0, 7.0]]))
    assert tape.gradient(loss, v).numpy().tolist() == [3.0, 5.0]


def test_sparse_tensor_refuses_parts_that_do_not_fit():
    with pytest.raises(ValueError, match="indices"):
        tf.SparseTensor([[0, 0, 0]], [1.0], [2, 2])
    with pytest.raises(ValueError, match="values"):
        tf.SparseTensor([[0, 0]], [1.0, 2.0], [2, 2])
    with pytest.raises(ValueError, match="outside"):
        tf.SparseTensor([[2, 0]], [1.0], [2, 2])
    with pytest.raises(TypeError, match="SparseTensor"):
        tf.sparse.to_dense(np.zeros((2, 2)))


def test_string_tensors_give_bytes_as_tensorflow():
    assert tf.constant("Gray wolf").numpy() == b"Gray wolf"
    assert tf.constant(["a", "bc"]).numpy().tolist() == [b"a", b"bc"]
    assert tf.constant("é").numpy().decode("utf-8") == "é"
    ds = tf.data.Dataset.from_tensor_slices(np.array(["hello there", "bye"], dtype=object))
    first = next(iter(ds))
    assert first.numpy().decode("utf-8") == "hello there"
    lookup = tf.keras.layers.StringLookup(vocabulary=list("abc"), mask_token=None)
    chars = tf.keras.layers.StringLookup(vocabulary=lookup.get_vocabulary(), invert=True,
                                         mask_token=None)
    ids = lookup(tf.constant(list("cab")))  # bytes or str: the same ids
    assert ids.numpy().tolist() == [3, 1, 2]
    assert tf.strings.reduce_join(chars(ids), axis=-1).numpy().decode("utf-8") == "cab"


def test_rnn_initial_state_from_a_batch_size_or_the_inputs():
    assert [tuple(s.shape) for s in tf.keras.layers.LSTM(4).get_initial_state(2)] == [
        (2, 4), (2, 4)]
    gru = tf.keras.layers.GRU(3, return_sequences=True, return_state=True)
    x = np.ones((5, 2, 4), "float32")
    states = gru.get_initial_state(x)
    assert [tuple(s.shape) for s in states] == [(5, 3)]
    assert float(np.abs(states[0].numpy()).sum()) == 0.0
    out, state = gru(x, initial_state=states)
    plain, plain_state = gru(x)
    np.testing.assert_array_equal(out.numpy(), plain.numpy())
    with pytest.raises(TypeError, match="batch_size"):
        gru.get_initial_state("x")


def test_string_tensors_compare_with_str_and_bytes():
    line = tf.constant("m3")
    assert bool(line == "m3") and not bool(line != "m3")
    assert bool(tf.equal(line, "m3")) and not bool(tf.not_equal(line, b"m3"))
    assert (tf.constant(["a", "b"]) == "a").numpy().tolist() == [True, False]
    assert tf.equal(tf.constant(["a", "b"]), tf.constant(["a", "c"])).numpy().tolist() == [
        True, False]
    lines = tf.data.Dataset.from_tensor_slices(["m1", "m3", "m2"])
    assert [x.numpy() for x in lines.filter(lambda x: x != "m3")] == [b"m1", b"m2"]


def test_tf_keras_2_loss_reduction_names_and_metric_aliases():
    loss = tf.keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=tf.keras.losses.Reduction.NONE)
    per_sample = loss([1, 0], [[0.0, 2.0], [0.0, 0.0]]).numpy()
    np.testing.assert_allclose(per_sample, [np.log(1 + np.exp(-2.0)), np.log(2.0)], rtol=1e-6)
    total = tf.keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=tf.keras.losses.Reduction.SUM)
    np.testing.assert_allclose(float(total([1, 0], [[0.0, 2.0], [0.0, 0.0]])),
                               per_sample.sum(), rtol=1e-6)
    with pytest.raises(ValueError, match="Reduction"):
        tf.keras.losses.Reduction.validate("average")
    y, p = np.array([[0.5, 0.5]]), np.array([[0.4, 0.6]])
    want = (0.5 * np.log(0.5 / 0.4) + 0.5 * np.log(0.5 / 0.6))
    np.testing.assert_allclose(np.asarray(tf.keras.metrics.KLD(y, p)), [want], rtol=1e-5)
    assert tf.keras.metrics.kld is tf.keras.metrics.kl_divergence
    np.testing.assert_allclose(np.asarray(tf.keras.metrics.logcosh([[1.0]], [[2.0]])),
                               [np.log(np.cosh(1.0))], rtol=1e-6)
