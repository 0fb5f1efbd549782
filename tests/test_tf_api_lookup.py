"""tf.lookup tables, the candidate samplers and approx_max_k under ``import numnet as tf``:
lookups of strings and integers, file initializers, sampling probabilities, and
TensorFlow's results where they are deterministic and TensorFlow is installed."""

import numpy as np
import pytest

import numnet as tf


def test_static_tables():
    init = tf.lookup.KeyValueTensorInitializer(["cat", "dog", "emu"], [0, 1, 2])
    table = tf.lookup.StaticHashTable(init, default_value=-1)
    out = table.lookup(tf.constant(np.array([["dog", "yak"], ["emu", "cat"]], dtype=object)))
    assert out.dtype == np.int32 and out.numpy().tolist() == [[1, -1], [2, 0]]
    assert table.lookup([b"cat"]).numpy().tolist() == [0]  # bytes and str keys match
    assert int(table.size()) == 3
    keys, values = table.export()
    assert keys.numpy().tolist() == [b"cat", b"dog", b"emu"] and values.numpy().tolist() == [
        0, 1, 2]
    by_int = tf.lookup.StaticHashTable(
        tf.lookup.KeyValueTensorInitializer(tf.constant([3, 7], tf.int64),
                                            tf.constant(["three", "seven"])), "?")
    assert by_int.lookup(tf.constant([7, 1], tf.int64)).numpy().tolist() == [b"seven", b"?"]
    vocab = tf.lookup.StaticVocabularyTable(
        tf.lookup.KeyValueTensorInitializer(["a", "b"], tf.constant([0, 1], tf.int64)), 3)
    ids = vocab.lookup(["b", "zzz", "zzz", "a"]).numpy()
    assert ids.dtype == np.int64 and ids[0] == 1 and ids[3] == 0
    assert 2 <= ids[1] < 5 and ids[1] == ids[2] and int(vocab.size()) == 5
    with pytest.raises(ValueError, match="3 keys but 2"):
        tf.lookup.KeyValueTensorInitializer(["a", "b", "c"], [1, 2])


def test_text_file_initializer_and_mutable_table(tmp_path):
    path = tmp_path / "vocab.txt"
    path.write_text("the\t10\nof\t20\nand\t30\n")
    words = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        str(path), tf.string, 0, tf.int64,
        tf.lookup.TextFileIndex.LINE_NUMBER), -1)
    assert words.lookup(["of", "zzz"]).numpy().tolist() == [1, -1]
    counts = tf.lookup.StaticHashTable(tf.lookup.TextFileInitializer(
        str(path), tf.string, 0, tf.int64, 1), 0)
    assert counts.lookup(["and"]).numpy().tolist() == [30]
    table = tf.lookup.experimental.MutableHashTable(tf.string, tf.int64, default_value=-1)
    table.insert(["a", "b"], [1, 2])
    table.insert(["a"], [5])
    table.remove(["b"])
    assert table.lookup(["a", "b"]).numpy().tolist() == [5, -1] and int(table.size()) == 1


def test_candidate_samplers_and_approx_top_k():
    s = tf.random.log_uniform_candidate_sampler([[1, 2]], 2, 50, True, 1000, seed=0)
    sampled = s.sampled_candidates.numpy()
    assert sampled.shape == (50,) and len(set(sampled.tolist())) == 50 and sampled.max() < 1000
    assert s.true_expected_count.shape == (1, 2) and s.sampled_expected_count.shape == (50,)
    draws = tf.random.log_uniform_candidate_sampler([[0]], 1, 20000, False, 10,
                                                    seed=1).sampled_candidates.numpy()
    p = (np.log(np.arange(10) + 2) - np.log(np.arange(10) + 1)) / np.log(11)
    np.testing.assert_allclose(np.bincount(draws, minlength=10) / 20000, p, atol=0.01)
    plain = tf.random.log_uniform_candidate_sampler([[3]], 1, 8, False, 10, seed=2)
    np.testing.assert_allclose(plain.true_expected_count, [[8 * p[3]]], rtol=1e-5)
    uni = tf.nn.uniform_candidate_sampler([[1]], 1, 5, True, 5, seed=3)
    assert sorted(uni.sampled_candidates.numpy().tolist()) == [0, 1, 2, 3, 4]
    values, index = tf.math.approx_max_k([[1.0, 5.0, 3.0]], 2)
    assert values.numpy().tolist() == [[5.0, 3.0]] and index.numpy().tolist() == [[1, 2]]
    assert tf.nn.approx_min_k([4, 1, 3], 1)[0].numpy().tolist() == [1]


def test_same_lookups_as_tensorflow():
    real = pytest.importorskip("tensorflow")
    keys, values = ["cat", "dog", "emu"], [0, 1, 2]
    ours = tf.lookup.StaticHashTable(tf.lookup.KeyValueTensorInitializer(keys, values), -1)
    theirs = real.lookup.StaticHashTable(real.lookup.KeyValueTensorInitializer(keys, values), -1)
    query = [["dog", "yak"], ["emu", "cat"]]
    assert np.array_equal(ours.lookup(np.array(query, dtype=object)).numpy(),
                          theirs.lookup(real.constant(query)).numpy())
    assert int(ours.size()) == int(theirs.size())
    vocab = real.lookup.StaticVocabularyTable(
        real.lookup.KeyValueTensorInitializer(keys, real.constant(values, real.int64)), 2)
    mine = tf.lookup.StaticVocabularyTable(
        tf.lookup.KeyValueTensorInitializer(keys, tf.constant(values, tf.int64)), 2)
    known = ["emu", "cat"]
    assert mine.lookup(known).numpy().tolist() == vocab.lookup(real.constant(known)).numpy(
        ).tolist()
    assert int(mine.size()) == int(vocab.size())
    s = real.random.log_uniform_candidate_sampler(real.constant([[1, 4]], real.int64), 2, 6,
                                                  False, 100)
    o = tf.random.log_uniform_candidate_sampler([[1, 4]], 2, 6, False, 100)
    np.testing.assert_allclose(o.true_expected_count, s.true_expected_count.numpy(), rtol=1e-5)


def test_candidate_sampler_with_an_op_seed_advances_per_call_as_tensorflow_eager():
    # TensorFlow keeps one kernel (and its random state) per op seed in eager mode: calling
    # the word2vec tutorial's sampler again with seed=42 gives the next candidates
    def draw():
        return tf.random.log_uniform_candidate_sampler(
            true_classes=tf.constant([[3]], dtype="int64"), num_true=1, num_sampled=4,
            unique=True, range_max=10, seed=42).sampled_candidates.numpy().tolist()

    tf.random.set_seed(1)
    first = [draw() for _ in range(6)]
    assert len({tuple(d) for d in first}) > 1
    tf.random.set_seed(1)
    assert [draw() for _ in range(6)] == first  # set_seed starts the streams over
