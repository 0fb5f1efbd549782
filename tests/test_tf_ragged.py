"""tf.RaggedTensor and tf.ragged: the expected values and texts are TensorFlow 2.21's."""

import numpy as np
import pytest

import numnet as tf


def _r():
    return tf.ragged.constant([[3, 1, 4, 1], [], [5, 9, 2], [6], []])


def test_constant_parts_and_repr():
    r = _r()
    assert repr(r) == str(r) == "<tf.RaggedTensor [[3, 1, 4, 1], [], [5, 9, 2], [6], []]>"
    assert r.shape.as_list() == [5, None] and r.dtype == np.int32 and r.ragged_rank == 1
    assert r.row_splits.numpy().tolist() == [0, 4, 4, 7, 8, 8]
    assert r.row_splits.dtype == np.int64
    assert r.row_lengths().numpy().tolist() == [4, 0, 3, 1, 0]
    assert r.value_rowids().numpy().tolist() == [0, 0, 0, 0, 2, 2, 2, 3]
    assert int(r.nrows()) == 5
    assert r.flat_values.numpy().tolist() == r.values.numpy().tolist() == [3, 1, 4, 1, 5, 9, 2, 6]
    assert r.bounding_shape().numpy().tolist() == [5, 4]
    assert r.row_starts().numpy().tolist() == [0, 4, 4, 7, 8]
    assert r.row_limits().numpy().tolist() == [4, 4, 7, 8, 8]
    assert r.to_list() == [[3, 1, 4, 1], [], [5, 9, 2], [6], []]
    rows = r.numpy()
    assert rows.dtype == object and rows.shape == (5,)
    assert rows[2].dtype == np.int32 and rows[2].tolist() == [5, 9, 2]
    assert isinstance(r, tf.RaggedTensor)


def test_constant_floats_strings_nested_and_empty():
    f = tf.ragged.constant([[1.5, 2.], [3.]])
    assert f.dtype == np.float32 and repr(f) == "<tf.RaggedTensor [[1.5, 2.0], [3.0]]>"
    s = tf.ragged.constant([["Hi"], ["How", "are", "you"]])
    assert repr(s) == "<tf.RaggedTensor [[b'Hi'], [b'How', b'are', b'you']]>"
    assert s.to_list() == [[b"Hi"], [b"How", b"are", b"you"]]
    n = tf.ragged.constant([[[1, 2], [3]], [[4]]])
    assert n.shape.as_list() == [2, None, None] and n.ragged_rank == 2
    assert [t.numpy().tolist() for t in n.nested_row_splits] == [[0, 2, 3], [0, 2, 3, 4]]
    u = tf.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)
    assert u.shape.as_list() == [2, None, 2] and u.ragged_rank == 1
    assert repr(u) == "<tf.RaggedTensor [[[1, 2],\n  [3, 4]], [[5, 6]]]>"
    e = tf.ragged.constant([[], []])
    assert repr(e) == "<tf.RaggedTensor [[], []]>" and e.dtype == np.float32
    assert tf.ragged.constant([[1, 2], [3]], dtype=tf.float64).dtype == np.float64
    assert tf.ragged.constant([[1], [2]], row_splits_dtype=tf.int32).row_splits.dtype == np.int32
    with pytest.raises(ValueError, match="same depth"):
        tf.ragged.constant([[1, [2]], [3]])


def test_repr_wraps_long_rows_as_tensorflow():
    r = tf.ragged.constant([list(range(1, 31)), [1]])
    assert repr(r) == (
        "<tf.RaggedTensor [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, "
        "20, 21,\n  22, 23, 24, 25, 26, 27, 28, 29, 30]" + " " * 39 + ",\n [1]]>")


def test_factories():
    R = tf.RaggedTensor
    assert R.from_row_lengths([3, 1, 4, 1, 5, 9, 2], [4, 0, 3]).to_list() == \
        [[3, 1, 4, 1], [], [5, 9, 2]]
    assert R.from_value_rowids([3, 1, 4, 1, 5], [0, 0, 0, 2, 2], nrows=4).to_list() == \
        [[3, 1, 4], [], [1, 5], []]
    assert R.from_row_starts([3, 1, 4, 1, 5], [0, 4, 4]).to_list() == [[3, 1, 4, 1], [], [5]]
    assert R.from_row_limits([3, 1, 4, 1, 5], [4, 4, 5]).to_list() == [[3, 1, 4, 1], [], [5]]
    assert R.from_row_splits([1, 2, 3], [0, 1, 3]).to_list() == [[1], [2, 3]]
    assert R.from_tensor([[1, 0, 0], [2, 3, 0]], padding=0).to_list() == [[1], [2, 3]]
    assert R.from_tensor([[1, 0, 0], [2, 3, 0]], lengths=[1, 3]).to_list() == [[1], [2, 3, 0]]
    assert R.from_tensor([[[1, 1], [0, 0]], [[2, 2], [3, 3]]], padding=[0, 0]).to_list() == \
        [[[1, 1]], [[2, 2], [3, 3]]]
    assert R.from_nested_row_splits([1, 2, 3, 4, 5], ([0, 2, 3], [0, 2, 4, 5])).to_list() == \
        [[[1, 2], [3, 4]], [[5]]]
    assert R.from_nested_row_lengths([1, 2, 3], ([2, 0], [1, 2])).to_list() == [[[1], [2, 3]], []]
    with pytest.raises(ValueError, match="last split"):
        R.from_row_splits([1, 2, 3], [0, 1, 2])
    with pytest.raises(ValueError, match="starting at 0"):
        R.from_row_splits([1, 2], [1, 2])


def test_to_tensor_default_and_shape():
    r = _r()
    assert r.to_tensor().numpy().tolist() == [[3, 1, 4, 1], [0, 0, 0, 0], [5, 9, 2, 0],
                                              [6, 0, 0, 0], [0, 0, 0, 0]]
    assert r.to_tensor(default_value=-1, shape=[5, 2]).numpy().tolist() == \
        [[3, 1], [-1, -1], [5, 9], [6, -1], [-1, -1]]
    assert r.to_tensor(shape=[2, 6]).numpy().tolist() == [[3, 1, 4, 1, 0, 0], [0] * 6]
    s = tf.ragged.constant([["a", "bc"], ["d"]]).to_tensor()
    assert s.numpy().tolist() == [[b"a", b"bc"], [b"d", b""]]
    n = tf.ragged.constant([[[1, 2], [3]], [[4]]])
    assert n.to_tensor().numpy().tolist() == [[[1, 2], [3, 0]], [[4, 0], [0, 0]]]
    assert n.bounding_shape().numpy().tolist() == [2, 2, 2]


def test_indexing():
    r = _r()
    assert r[1].numpy().tolist() == [] and r[2].numpy().tolist() == [5, 9, 2]
    assert r[-1].numpy().tolist() == []
    assert repr(r[1:3]) == "<tf.RaggedTensor [[], [5, 9, 2]]>"
    assert repr(r[:, :2]) == "<tf.RaggedTensor [[3, 1], [], [5, 9], [6], []]>"
    assert repr(r[::2]) == "<tf.RaggedTensor [[3, 1, 4, 1], [5, 9, 2], []]>"
    assert repr(r[1:, 0:1]) == "<tf.RaggedTensor [[], [5], [6], []]>"
    assert repr(r[2:, -1:]) == "<tf.RaggedTensor [[2], [6], []]>"
    assert int(r[2, 1]) == 9
    with pytest.raises(ValueError, match="inner ragged dimension"):
        r[:, 0]
    assert [row.numpy().tolist() for row in r] == [[3, 1, 4, 1], [], [5, 9, 2], [6], []]
    with pytest.raises(TypeError, match="boolean"):
        bool(r)


def test_merge_dims_and_flat_values():
    n = tf.ragged.constant([[[1, 2], [3]], [[4]]])
    assert repr(n.merge_dims(1, 2)) == "<tf.RaggedTensor [[1, 2, 3], [4]]>"
    assert repr(n.merge_dims(0, 1)) == "<tf.RaggedTensor [[1, 2], [3], [4]]>"
    assert n.merge_dims(0, 2).numpy().tolist() == [1, 2, 3, 4]
    u = tf.ragged.constant([[[1, 2], [3, 4]], [[5, 6]]], ragged_rank=1)
    assert u.merge_dims(1, 2).to_list() == [[1, 2, 3, 4], [5, 6]]
    f = tf.ragged.constant([[1.5, 2.], [3.]])
    assert repr(f.with_flat_values(f.flat_values * 2)) == "<tf.RaggedTensor [[3.0, 4.0], [6.0]]>"
    assert n.row_lengths().numpy().tolist() == [2, 1]
    assert repr(n.row_lengths(axis=2)) == "<tf.RaggedTensor [[2, 1], [1]]>"


def test_elementwise_math_and_comparisons():
    r = _r()
    assert repr(r + 1) == "<tf.RaggedTensor [[4, 2, 5, 2], [], [6, 10, 3], [7], []]>"
    assert (r * 2).to_list() == (r + r).to_list() == [[6, 2, 8, 2], [], [10, 18, 4], [12], []]
    assert tf.add(r, 3).to_list() == [[6, 4, 7, 4], [], [8, 12, 5], [9], []]
    assert (r > 2).to_list() == [[True, False, True, False], [], [True, True, False], [True], []]
    assert (-r).to_list() == [[-3, -1, -4, -1], [], [-5, -9, -2], [-6], []]
    f = tf.ragged.constant([[1.5, 2.], [3.]])
    assert repr(tf.math.square(f)) == "<tf.RaggedTensor [[2.25, 4.0], [9.0]]>"
    assert repr(tf.sqrt(f)) == "<tf.RaggedTensor [[1.2247449, 1.4142135], [1.7320508]]>"
    assert repr(f / 2) == "<tf.RaggedTensor [[0.75, 1.0], [1.5]]>"
    assert repr(2 - f) == "<tf.RaggedTensor [[0.5, 0.0], [-1.0]]>"
    assert repr(f ** 2) == "<tf.RaggedTensor [[2.25, 4.0], [9.0]]>"
    assert repr(tf.ragged.map_flat_values(tf.ones_like, r)) == \
        "<tf.RaggedTensor [[1, 1, 1, 1], [], [1, 1, 1], [1], []]>"
    a = tf.ragged.constant([[1, 2], [3]])
    assert (a * a).to_list() == [[1, 4], [9]]
    assert (a + tf.constant([[10], [20]])).to_list() == [[11, 12], [23]]
    assert (tf.ragged.constant([[1., 2.], [3.]]) + tf.constant([10.])).to_list() == \
        [[11.0, 12.0], [13.0]]
    assert tf.cast(a, tf.float32).dtype == np.float32
    with pytest.raises(ValueError, match="same row lengths"):
        a + tf.ragged.constant([[1], [2, 3]])


def test_reductions():
    r = _r()
    assert tf.reduce_sum(r, axis=1).numpy().tolist() == [9, 0, 16, 6, 0]
    assert tf.reduce_max(r, axis=1).numpy().tolist() == [4, -2147483648, 9, 6, -2147483648]
    assert tf.reduce_min(r, axis=1).numpy().tolist() == [1, 2147483647, 2, 6, 2147483647]
    assert tf.reduce_sum(r, axis=0).numpy().tolist() == [14, 10, 6, 1]
    assert int(tf.reduce_sum(r)) == 31
    f = tf.ragged.constant([[1.5, 2.], [], [3.]])
    np.testing.assert_allclose(tf.reduce_max(f, axis=1).numpy(), [2.0, -3.4028235e+38, 3.0])
    np.testing.assert_allclose(tf.reduce_mean(f, axis=1).numpy(), [1.75, np.nan, 3.0])
    np.testing.assert_allclose(tf.reduce_prod(f, axis=1).numpy(), [3.0, 1.0, 3.0])
    np.testing.assert_allclose(tf.reduce_mean(f, axis=0).numpy(), [2.25, 2.0])
    np.testing.assert_allclose(tf.reduce_max(f, axis=0).numpy(), [3.0, 2.0])
    n = tf.ragged.constant([[[1, 2], [3]], [[4]]])
    assert repr(tf.reduce_sum(n, axis=2)) == repr(tf.reduce_sum(n, axis=-1)) == \
        "<tf.RaggedTensor [[3, 3], [4]]>"


def test_concat_stack_and_ragged_functions():
    r = _r()
    assert tf.concat([r, r], axis=0).to_list() == r.to_list() * 2
    f = tf.ragged.constant([[1.5, 2.], [3.]])
    assert repr(tf.concat([f, f], axis=1)) == "<tf.RaggedTensor [[1.5, 2.0, 1.5, 2.0], [3.0, 3.0]]>"
    assert repr(tf.stack([f, f], axis=0)) == \
        "<tf.RaggedTensor [[[1.5, 2.0], [3.0]],\n [[1.5, 2.0], [3.0]]]>"
    assert tf.stack([f, f], axis=1).to_list() == [[[1.5, 2.0], [1.5, 2.0]], [[3.0], [3.0]]]
    assert tf.ragged.stack([f, f]).to_list() == [[[1.5, 2.0], [3.0]], [[1.5, 2.0], [3.0]]]
    n = tf.ragged.constant([[[1, 2], [3]], [[4]]])
    assert tf.concat([n, n], axis=1).to_list() == [[[1, 2], [3], [1, 2], [3]], [[4], [4]]]
    assert tf.ragged.range([3, 0, 2]).to_list() == [[0, 1, 2], [], [0, 1]]
    assert tf.ragged.range([1, 2], [4, 3]).to_list() == [[1, 2, 3], [2]]
    assert tf.ragged.boolean_mask(r, r > 2).to_list() == [[3, 4], [], [5, 9], [6], []]
    assert tf.boolean_mask(r, r > 2).to_list() == [[3, 4], [], [5, 9], [6], []]
    assert tf.ragged.boolean_mask([[1, 2, 3], [4, 5, 6]],
                                  [[True, False, True], [False, False, True]]).to_list() == \
        [[1, 3], [6]]
    assert tf.ragged.boolean_mask(r, [True, False, True, False, False]).to_list() == \
        [[3, 1, 4, 1], [5, 9, 2]]
    assert tf.gather(r, [2, 0]).to_list() == [[5, 9, 2], [3, 1, 4, 1]]
    assert tf.math.bincount(r).numpy().tolist() == [0, 2, 1, 1, 1, 1, 1, 0, 0, 1]
    assert int(tf.size(r)) == 8
    assert repr(tf.shape(r)) == \
        "<DynamicRaggedShape lengths=[5, (4, 0, 3, 1, 0)] num_row_partitions=1>"
    assert repr(tf.shape(n)) == \
        "<DynamicRaggedShape lengths=[2, (2, 1), (2, 1, 1)] num_row_partitions=2>"
    assert int(tf.shape(r)[0]) == 5


def test_gradient_through_ragged_values():
    x = tf.Variable([1., 2., 3.])
    with tf.GradientTape() as tape:
        rr = tf.RaggedTensor.from_row_splits(x, [0, 2, 3])
        y = tf.reduce_sum(tf.reduce_max(rr * rr, axis=1))
    assert float(y) == 13.0
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [0.0, 4.0, 6.0])
    with tf.GradientTape() as tape:
        rr = tf.RaggedTensor.from_row_splits(x, [0, 2, 3])
        y = tf.reduce_sum(tf.reduce_mean(rr, axis=1) * tf.constant([1., 10.])) + \
            tf.reduce_sum(rr.to_tensor() ** 2)
    assert float(y) == 45.5
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.5, 4.5, 16.0])


def test_strings_functions_give_ragged():
    assert repr(tf.strings.split(["a b", "c d e"])) == \
        "<tf.RaggedTensor [[b'a', b'b'], [b'c', b'd', b'e']]>"
    assert tf.strings.split("a b").numpy().tolist() == [b"a", b"b"]
    assert repr(tf.strings.split([["a b", "c"], ["d e f", ""]])) == \
        "<tf.RaggedTensor [[[b'a', b'b'], [b'c']],\n [[b'd', b'e', b'f'], []]]>"
    assert repr(tf.strings.unicode_split(["né", "ab"], "UTF-8")) == \
        "<tf.RaggedTensor [[b'n', b'\\xc3\\xa9'],\n [b'a', b'b']]>"
    assert repr(tf.strings.unicode_decode(["héllo", "x"], "UTF-8")) == \
        "<tf.RaggedTensor [[104, 233, 108, 108, 111], [120]]>"
    assert repr(tf.strings.bytes_split(["ab", "c"])) == "<tf.RaggedTensor [[b'a', b'b'], [b'c']]>"
    codes = tf.strings.unicode_decode(["né", "ab"], "UTF-8")
    assert tf.strings.unicode_encode(codes, "UTF-8").numpy().tolist() == [b"n\xc3\xa9", b"ab"]


def test_dataset_slices_and_ragged_batch():
    r = _r()
    rows = [t.numpy().tolist() for t in tf.data.Dataset.from_tensor_slices(r).take(3)]
    assert rows == [[3, 1, 4, 1], [], [5, 9, 2]]
    batches = tf.data.Dataset.from_tensor_slices(tf.ragged.constant([[1, 2], [3], [4, 5, 6]]))
    assert [repr(b) for b in batches.ragged_batch(2)] == [
        "<tf.RaggedTensor [[1, 2], [3]]>", "<tf.RaggedTensor [[4, 5, 6]]>"]
    dense = tf.data.Dataset.from_tensor_slices([[1, 2], [3, 4], [5, 6]]).ragged_batch(2)
    assert [b.numpy().tolist() for b in dense] == [[[1, 2], [3, 4]], [[5, 6]]]
    mapped = tf.data.Dataset.range(4).map(lambda n: tf.range(n)).ragged_batch(2)
    assert [b.to_list() for b in mapped] == [[[], [0]], [[0, 1], [0, 1, 2]]]
    applied = tf.data.Dataset.range(4).map(lambda n: tf.range(n)).apply(
        tf.data.experimental.dense_to_ragged_batch(2))
    assert [b.to_list() for b in applied] == [[[], [0]], [[0, 1], [0, 1, 2]]]


def test_dense_consumers_name_to_tensor():
    r = tf.ragged.constant([[1, 2], [3]])
    with pytest.raises(TypeError, match=r"to_tensor\(\)"):
        tf.keras.layers.Embedding(5, 2)(r)
    with pytest.raises(TypeError, match=r"dense tensor .* rt\.to_tensor\(\)"):
        tf.constant(r)
    assert (r == None) is False and (r != None) is True  # noqa: E711 - TensorFlow's answer
    assert tf.keras.layers.Embedding(5, 2)(r.to_tensor()).shape == (2, 2, 2)


def test_map_fn_sparse_and_string_functions_on_ragged():
    digits = _r()
    assert repr(tf.map_fn(tf.math.square, digits)) == \
        "<tf.RaggedTensor [[9, 1, 16, 1], [], [25, 81, 4], [36], []]>"
    assert tf.map_fn(tf.reduce_sum, digits).numpy().tolist() == [9, 0, 16, 6, 0]
    mean = tf.reduce_mean(digits, axis=1)  # TensorFlow's ragged mean of integers: float64
    assert mean.dtype == np.float64
    np.testing.assert_allclose(mean.numpy(), [2.25, np.nan, 16 / 3, 6.0, np.nan])
    np.testing.assert_allclose(tf.reduce_mean(digits, axis=0).numpy(), [14 / 3, 5.0, 3.0, 1.0])
    f = tf.ragged.constant([[1.5, 2.], [], [3.]])
    np.testing.assert_allclose(tf.reduce_mean(f, axis=1, keepdims=True).numpy(),
                               [[1.75], [np.nan], [3.0]])
    assert tf.reduce_sum(f, axis=0, keepdims=True).numpy().tolist() == [[4.5, 2.0]]
    a = tf.ragged.constant([[1, 2], [3]])
    st = a.to_sparse()
    assert st.indices.numpy().tolist() == [[0, 0], [0, 1], [1, 0]]
    assert st.dense_shape.numpy().tolist() == [2, 2]
    assert tf.RaggedTensor.from_sparse(st).to_list() == [[1, 2], [3]]
    n = tf.ragged.constant([[[1, 2], [3]], [[4]]])
    assert n.to_sparse().indices.numpy().tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0],
                                                      [1, 0, 0]]
    words = tf.ragged.constant([["So", "long"], ["thanks", "for", "all", "the", "fish"]])
    assert repr(tf.strings.substr(words, 0, 2)) == \
        "<tf.RaggedTensor [[b'So', b'lo'], [b'th', b'fo', b'al', b'th', b'fi']]>"
    assert tf.strings.length(words).to_list() == [[2, 4], [6, 3, 3, 3, 4]]
    assert tf.strings.reduce_join(words, axis=1, separator=" ").numpy().tolist() == \
        [b"So long", b"thanks for all the fish"]
    codes = tf.ragged.constant([[[104, 105], [33]], [[120]]])
    assert tf.strings.unicode_encode(codes, "UTF-8").to_list() == [[b"hi", b"!"], [b"x"]]


def test_broadcasting_as_the_guide():
    x = tf.ragged.constant([[10, 87, 12], [19, 53], [12, 32]])
    assert (x + [[1000], [2000], [3000]]).to_list() == [[1010, 1087, 1012], [2019, 2053],
                                                        [3012, 3032]]
    u = tf.ragged.constant([[[1, 2], [3, 4], [5, 6]], [[7, 8]]], ragged_rank=1)
    assert (u + tf.constant([[10]])).to_list() == [[[11, 12], [13, 14], [15, 16]], [[17, 18]]]
    deep = tf.ragged.constant([[[[1], [2]], [], [[3]], [[4]]], [[[5], [6]], [[7]]]],
                              ragged_rank=2)
    assert (deep + tf.constant([10, 20, 30])).to_list() == [
        [[[11, 21, 31], [12, 22, 32]], [], [[13, 23, 33]], [[14, 24, 34]]],
        [[[15, 25, 35], [16, 26, 36]], [[17, 27, 37]]]]
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.ragged.constant([[1, 2], [3, 4, 5, 6], [7]]) + tf.ones((3, 4), dtype="int32")
    with pytest.raises(tf.errors.InvalidArgumentError):
        tf.ragged.constant([[1, 2, 3], [4], [5, 6]]) + tf.ragged.constant([[10, 20], [30, 40],
                                                                           [50]])


def test_bigrams_embeddings_tile_and_uniform_rows():
    queries = tf.ragged.constant([["Who", "is", "George", "Washington"],
                                  ["What", "is", "the", "weather", "tomorrow"], ["Goodnight"]])
    marker = tf.fill([queries.nrows(), 1], "#")
    padded = tf.concat([marker, queries, marker], axis=1)
    bigrams = tf.strings.join([padded[:, :-1], padded[:, 1:]], separator="+")
    assert bigrams.to_list()[2] == [b"#+Goodnight", b"Goodnight+#"]
    table = tf.Variable(np.arange(40, dtype="float32").reshape(10, 4))
    ids = tf.ragged.constant([[1, 2], [3]])
    looked = tf.nn.embedding_lookup(table, ids)
    assert looked.shape.as_list() == [2, None, 4]
    assert tf.reduce_mean(looked, axis=1).numpy().tolist() == [[6, 7, 8, 9], [12, 13, 14, 15]]
    digits = _r()
    assert repr(tf.tile(digits, [1, 2])) == \
        "<tf.RaggedTensor [[3, 1, 4, 1, 3, 1, 4, 1], [], [5, 9, 2, 5, 9, 2], [6, 6], []]>"
    assert tf.tile(digits, [2, 1]).to_list() == digits.to_list() * 2
    inner = tf.RaggedTensor.from_row_splits(list(range(10, 20)), [0, 3, 5, 9, 10])
    rt = tf.RaggedTensor.from_uniform_row_length(inner, uniform_row_length=2)
    assert repr(rt) == "<tf.RaggedTensor [[[10, 11, 12], [13, 14]],\n [[15, 16, 17, 18], [19]]]>"
    assert rt.shape.as_list() == [2, 2, None] and rt.ragged_rank == 2
    assert int(rt.uniform_row_length) == 2
    spec = tf.RaggedTensorSpec(shape=[None, None], dtype=tf.int32)
    assert repr(spec) == "RaggedTensorSpec(TensorShape([None, None]), tf.int32, 1, tf.int64)"
    assert spec.is_compatible_with(ids)


def test_segment_ids_and_is_tensor():
    assert tf.ragged.row_splits_to_segment_ids([0, 2, 2, 3]).numpy().tolist() == [0, 0, 2]
    assert tf.ragged.segment_ids_to_row_splits([0, 0, 2]).numpy().tolist() == [0, 2, 2, 3]
    assert tf.is_tensor(tf.ragged.constant([[1], [2, 3]]))
    assert sorted(tf.ragged.__all__) == [
        "boolean_mask", "constant", "map_flat_values", "range", "row_splits_to_segment_ids",
        "segment_ids_to_row_splits", "stack", "stack_dynamic_partitions"]


def test_batch_of_ragged_elements_from_map():
    texts = tf.data.Dataset.from_tensor_slices(tf.constant(["a b", "c", "d e f"]))
    ds = texts.map(lambda x: tf.strings.split(tf.reshape(x, [1]))).batch(2)
    assert [b.to_list() for b in ds] == [[[[b"a", b"b"]], [[b"c"]]], [[[b"d", b"e", b"f"]]]]
    unbatched = tf.data.Dataset.from_tensor_slices(_r()).batch(2).unbatch()
    assert [x.numpy().tolist() for x in unbatched] == _r().to_list()


def test_unicode_decode_with_offsets():
    points, offsets = tf.strings.unicode_decode_with_offsets("🎈🎉🎊", "UTF-8")
    assert points.numpy().tolist() == [127880, 127881, 127882]
    assert offsets.numpy().tolist() == [0, 4, 8] and offsets.dtype == np.int64
    points, offsets = tf.strings.unicode_decode_with_offsets(["héllo", "x"], "UTF-8")
    assert repr(points) == "<tf.RaggedTensor [[104, 233, 108, 108, 111], [120]]>"
    assert repr(offsets) == "<tf.RaggedTensor [[0, 1, 3, 4, 5], [0]]>"


def test_reductions_over_the_ragged_axes_of_nested_ragged():
    n = tf.ragged.constant([[[1, 2], [3]], [], [[4, 5, 6], [7], []]])
    assert repr(tf.reduce_sum(n, axis=0)) == "<tf.RaggedTensor [[5, 7, 6], [10], []]>"
    assert repr(tf.reduce_max(n, axis=0)) == "<tf.RaggedTensor [[4, 5, 6], [7], []]>"
    assert repr(tf.reduce_mean(n, axis=0)) == "<tf.RaggedTensor [[2.5, 3.5, 6.0], [5.0], []]>"
    assert repr(tf.reduce_sum(n, axis=1)) == "<tf.RaggedTensor [[4, 2], [], [11, 5, 6]]>"
    assert repr(tf.reduce_max(n, axis=1)) == "<tf.RaggedTensor [[3, 2], [], [7, 5, 6]]>"
    assert repr(tf.reduce_mean(n, axis=1)) == "<tf.RaggedTensor [[2.0, 2.0], [], [5.5, 5.0, 6.0]]>"
    e = tf.ragged.constant([[], []])
    np.testing.assert_allclose(tf.reduce_max(e, axis=1).numpy(), [-3.4028235e+38] * 2)
    x = tf.Variable([1., 2., 3., 4.])
    with tf.GradientTape() as tape:
        rt = tf.RaggedTensor.from_nested_row_lengths(x, ([2, 1], [1, 2, 1]))
        y = tf.reduce_sum(tf.reduce_sum(rt * rt, axis=1))
    assert float(y) == 30.0
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0, 8.0])


def test_nn_activations_and_rank_on_ragged():
    r = tf.ragged.constant([[-1., 2.], [3.]])
    assert tf.nn.relu(r).to_list() == [[0.0, 2.0], [3.0]]
    np.testing.assert_allclose(tf.nn.sigmoid(r).flat_values.numpy(),
                               [0.26894143, 0.8807971, 0.95257413], rtol=1e-6)
    assert int(tf.rank(r)) == 2


def test_tensor_on_the_left_of_a_ragged_operand():
    rt = tf.ragged.constant([[1.0, 2.0], [3.0]])
    assert (tf.constant(2.0) + rt).to_list() == [[3.0, 4.0], [5.0]]
    assert (tf.constant(10.0) - rt).to_list() == [[9.0, 8.0], [7.0]]
    assert (tf.constant(2.0) * rt).to_list() == [[2.0, 4.0], [6.0]]


def test_ragged_input_is_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"Input\(ragged=True\).*to_tensor"):
        tf.keras.Input(shape=(None,), ragged=True)
    sparse = tf.keras.Input(shape=(4,), sparse=True)  # taken, computed on densely
    model = tf.keras.Model(sparse, tf.keras.layers.Dense(1, kernel_initializer="ones")(sparse))
    st = tf.SparseTensor(indices=[[0, 1], [1, 3]], values=[2.0, 5.0], dense_shape=[2, 4])
    assert model(st).numpy().ravel().tolist() == [2.0, 5.0]
    assert model.layers[0].get_config()["sparse"] is True
    assert tuple(tf.keras.Input(shape=(None,), ragged=False).shape) == (None, None)


def test_split_of_a_list_of_scalar_string_tensors():
    """TensorFlow: tf.strings.split([tf.constant("a b"), tf.constant("c d e")])."""
    got = tf.strings.split([tf.constant("a b"), tf.constant("c d e")])
    assert got.to_list() == [[b"a", b"b"], [b"c", b"d", b"e"]]
