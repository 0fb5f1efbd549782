"""Dataset.window, scan, take_while, unique, counter, random, group_by_window and
bucket_by_sequence_length, with values TensorFlow 2.21 gives for the same pipelines."""

import numpy as np
import pytest

import numnet as tf

D = tf.data.Dataset


def plain(x):
    if isinstance(x, tuple):
        return tuple(plain(v) for v in x)
    return x.tolist() if hasattr(x, "tolist") else x


def values(ds):
    return [plain(x) for x in ds.as_numpy_iterator()]


def windows(ds):
    return [[int(v) for v in w] for w in ds]


def test_window_shift_stride_and_remainder():
    assert windows(D.range(7).window(3, shift=2)) == [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
    assert windows(D.range(7).window(3, shift=2, stride=2)) == [[0, 2, 4], [2, 4, 6], [4, 6],
                                                                [6]]
    dropped = D.range(7).window(3, shift=2, stride=2, drop_remainder=True)
    assert windows(dropped) == [[0, 2, 4], [2, 4, 6]]
    assert int(dropped.cardinality()) == 2
    apart = D.range(10).window(2, shift=4)
    assert windows(apart) == [[0, 1], [4, 5], [8, 9]] and int(apart.cardinality()) == 3
    assert windows(D.range(5).window(2)) == [[0, 1], [2, 3], [4]]
    assert int(D.range(7).window(3, shift=2).cardinality()) == 4
    assert int(D.range(6).window(3, shift=1, drop_remainder=True).cardinality()) == 4
    assert int(D.range(6).window(4).cardinality()) == 2
    assert int(D.range(2).window(3, drop_remainder=True).cardinality()) == 0
    assert int(D.range(3).repeat().window(2).cardinality()) == -1


def test_window_flat_map_idioms():
    flat = D.range(6).window(3, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(3))
    assert values(flat) == [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]]
    xy = D.from_tensor_slices((np.arange(5), np.arange(5) * 10))
    pairs = xy.window(2, shift=1, drop_remainder=True).flat_map(
        lambda x, y: D.zip((x.batch(2), y.batch(2))))
    assert values(pairs) == [([0, 1], [0, 10]), ([1, 2], [10, 20]), ([2, 3], [20, 30]),
                             ([3, 4], [30, 40])]
    dicts = D.from_tensor_slices({"a": np.arange(4)}).window(3, 1, drop_remainder=True)
    assert values(dicts.flat_map(lambda d: d["a"].batch(3))) == [[0, 1, 2], [1, 2, 3]]
    spec = xy.window(2).element_spec
    assert isinstance(spec, tuple) and spec[0].element_spec == tf.data.TensorSpec((), "int64")
    assert repr(D.range(3).window(2).element_spec).startswith("DatasetSpec(TensorSpec(")
    # an endless input: windows made as they are read
    endless = D.range(10**9).repeat().window(2, shift=3).take(2)
    assert windows(endless) == [[0, 1], [3, 4]]


def test_reprs_of_new_pipelines():
    assert repr(D.range(3).map(lambda x: x).batch(2)) == "<BatchDataset element_spec=None>"
    assert "DatasetSpec(TensorSpec(shape=(), dtype=tf.int64" in repr(D.range(3).window(2))
    first = next(iter(D.range(3).window(2)))
    assert repr(first) == ("<ListedDataset element_spec=TensorSpec(shape=(), dtype=tf.int64, "
                           "name=None)>")


def test_window_errors():
    with pytest.raises(ValueError, match=r"window\(size\).*positive.*given 0"):
        D.range(3).window(0)
    with pytest.raises(ValueError, match=r"window\(shift\)"):
        D.range(3).window(2, shift=-1)
    with pytest.raises(TypeError, match="as_numpy_iterator"):
        list(D.range(3).window(2).as_numpy_iterator())


def test_scan():
    ds = D.range(5).scan(np.int64(0), lambda s, x: (s + x, s * 10))
    assert values(ds) == [0, 0, 10, 30, 60] and int(ds.cardinality()) == 5
    xy = D.from_tensor_slices((np.arange(5), np.arange(5) * 10))
    ds = xy.scan(0, lambda s, e: (s + 1, e[0] + e[1] + tf.cast(s, "int64")))
    assert values(ds) == [0, 12, 24, 36, 48]
    ds = D.range(4).scan((np.int64(0), np.int64(1)),
                         lambda s, x: ((s[0] + x, s[1] * 2), s[0] + s[1]))
    assert values(ds) == [1, 2, 5, 11]
    with pytest.raises(TypeError, match=r"scan\(scan_func\).*new_state, output"):
        list(D.range(2).scan(0, lambda s, x: s))
    with pytest.raises(TypeError, match=r"scan\(scan_func\)"):
        D.range(2).scan(0, None)


def test_take_while_and_unique():
    ds = D.range(10).take_while(lambda x: x < 4)
    assert values(ds) == [0, 1, 2, 3] and int(ds.cardinality()) == -2
    assert values(D.counter().take_while(lambda x: x * x < 10)) == [0, 1, 2, 3]
    ds = D.from_tensor_slices([1, 37, 2, 37, 2, 1]).unique()
    assert values(ds) == [1, 37, 2] and int(ds.cardinality()) == -2
    words = D.from_tensor_slices(["b", "a", "b"]).unique()
    assert [w.numpy() for w in words] == [b"b", b"a"]
    with pytest.raises(TypeError, match="int32, int64 or string.*float32"):
        list(D.range(3).map(lambda x: tf.cast(x, "float32")).unique())


def test_counter_and_random():
    assert values(D.counter(3, 2).take(3)) == [3, 5, 7]
    assert int(D.counter().cardinality()) == -1
    assert D.counter().element_spec == tf.data.TensorSpec((), "int64")
    assert D.counter(dtype=tf.int32).element_spec == tf.data.TensorSpec((), "int32")
    r = D.random(seed=4)
    assert int(r.cardinality()) == -1 and r.element_spec == tf.data.TensorSpec((), "int64")
    first = values(r.take(5))
    assert first == values(r.take(5)) == values(D.random(seed=4).take(5))
    assert all(0 <= v < 2**32 for v in first)
    again = D.random(seed=4, rerandomize_each_iteration=True)
    assert values(again.take(5)) != values(again.take(5))


def test_group_by_window():
    g = D.range(10).group_by_window(lambda x: x % 2, lambda k, ds: ds.batch(3), window_size=3)
    assert values(g) == [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]] and int(g.cardinality()) == -2
    g = D.range(10).group_by_window(lambda x: x % 3, lambda k, ds: ds.batch(4),
                                    window_size_func=lambda k: k + 1)
    assert values(g) == [[0], [3], [1, 4], [6], [2, 5, 8], [9], [7]]
    # groups left at the end come in increasing key order; the key is a Tensor
    g = D.range(10).group_by_window(lambda x: 2 - x % 3,
                                    lambda k, ds: ds.batch(5).map(lambda b: b + 100 * k),
                                    window_size=5)
    assert values(g) == [[2, 5, 8], [101, 104, 107], [200, 203, 206, 209]]
    xy = D.from_tensor_slices((np.arange(5), np.arange(5) * 10))
    g = xy.group_by_window(lambda x, y: x % 2, lambda k, ds: ds.batch(2), window_size=2)
    assert values(g) == [([0, 2], [0, 20]), ([1, 3], [10, 30]), ([4], [40])]
    with pytest.raises(ValueError, match="exactly one of window_size and window_size_func"):
        D.range(3).group_by_window(lambda x: x, lambda k, d: d)
    with pytest.raises(ValueError, match="exactly one"):
        D.range(3).group_by_window(lambda x: x, lambda k, d: d, 2, lambda k: 2)
    with pytest.raises(TypeError, match=r"reduce_func\).*Dataset"):
        list(D.range(3).group_by_window(lambda x: x, lambda k, d: 1, window_size=1))


SEQS = [[1], [1, 2, 3], [1, 2], [1, 2, 3, 4, 5], [7, 7, 7, 7], [8], [9, 9, 9, 9, 9, 9, 9]]


def sequences(n=7):
    return D.from_generator(lambda: iter(SEQS[:n]),
                            output_signature=tf.TensorSpec((None,), tf.int32))


def length(x):
    return tf.shape(x)[0]


def test_bucket_by_sequence_length():
    b = sequences().bucket_by_sequence_length(length, [3, 5], [2, 2, 2])
    assert values(b) == [[[1, 0], [1, 2]], [[1, 2, 3, 0], [7, 7, 7, 7]],
                         [[1, 2, 3, 4, 5, 0, 0], [9, 9, 9, 9, 9, 9, 9]], [[8]]]
    b = sequences(5).bucket_by_sequence_length(length, [3, 6], [2, 2, 2],
                                               pad_to_bucket_boundary=True)
    assert values(b) == [[[1, 0], [1, 2]], [[1, 2, 3, 0, 0], [1, 2, 3, 4, 5]],
                         [[7, 7, 7, 7, 0]]]
    b = sequences().bucket_by_sequence_length(length, [3, 5], [2, 2, 2], drop_remainder=True,
                                              padding_values=-1)
    assert values(b) == [[[1, -1], [1, 2]], [[1, 2, 3, -1], [7, 7, 7, 7]],
                         [[1, 2, 3, 4, 5, -1, -1], [9, 9, 9, 9, 9, 9, 9]]]
    b = D.range(7).bucket_by_sequence_length(lambda x: x, [3], [2, 3], no_padding=True)
    assert values(b) == [[0, 1], [3, 4, 5], [2], [6]] and int(b.cardinality()) == -2
    applied = sequences().apply(tf.data.experimental.bucket_by_sequence_length(
        length, [3, 5], [2, 2, 2]))
    assert len(values(applied)) == 4


def test_bucket_by_sequence_length_of_pairs():
    pairs = [([1], [5]), ([1, 2, 3], [6]), ([1, 2], [7, 7]), ([4, 4, 4, 4], [8])]
    ds = D.from_generator(lambda: iter(pairs), output_signature=(
        tf.TensorSpec((None,), tf.int32), tf.TensorSpec((None,), tf.int32)))

    def buckets(**kw):
        return values(ds.bucket_by_sequence_length(lambda x, y: tf.shape(x)[0], [3, 6],
                                                   [2, 2, 2], **kw))

    assert buckets() == [([[1, 0], [1, 2]], [[5, 0], [7, 7]]),
                         ([[1, 2, 3, 0], [4, 4, 4, 4]], [[6], [8]])]
    assert buckets(pad_to_bucket_boundary=True) == [
        ([[1, 0], [1, 2]], [[5, 0], [7, 7]]),
        ([[1, 2, 3, 0, 0], [4, 4, 4, 4, 0]], [[6, 0, 0, 0, 0], [8, 0, 0, 0, 0]])]
    assert buckets(padded_shapes=([None], [4]), padding_values=(-1, -2)) == [
        ([[1, -1], [1, 2]], [[5, -2, -2, -2], [7, 7, -2, -2]]),
        ([[1, 2, 3, -1], [4, 4, 4, 4]], [[6, -2, -2, -2], [8, -2, -2, -2]])]


def test_bucket_by_sequence_length_errors():
    with pytest.raises(ValueError, match=r"len\(bucket_batch_sizes\).*given 1 batch sizes"):
        D.range(3).bucket_by_sequence_length(lambda x: x, [3], [2])
    with pytest.raises(ValueError, match="increasing"):
        D.range(3).bucket_by_sequence_length(lambda x: x, [3, 2], [2, 2, 2])
    with pytest.raises(ValueError, match="last boundary 5"):
        list(sequences().bucket_by_sequence_length(length, [3, 5], [2, 2, 2],
                                                   pad_to_bucket_boundary=True))


def test_experimental_aliases():
    e = tf.data.experimental
    assert values(D.range(3).apply(e.scan(np.int64(0), lambda s, x: (s + x, s)))) == [0, 0, 1]
    assert values(D.range(9).apply(e.take_while(lambda x: x < 2))) == [0, 1]
    assert values(D.from_tensor_slices([3, 3, 1]).apply(e.unique())) == [3, 1]
    assert values(e.Counter(2, 3).take(3)) == [2, 5, 8]
    g = D.range(4).apply(e.group_by_window(lambda x: x % 2, lambda k, d: d.batch(2), 2))
    assert values(g) == [[0, 2], [1, 3]]


def test_same_as_tensorflow():
    real = pytest.importorskip("tensorflow")
    pipelines = [
        lambda m: m.data.Dataset.range(9).window(4, shift=3, stride=2).flat_map(
            lambda w: w.batch(4)),
        lambda m: m.data.Dataset.range(12).scan(np.int64(1), lambda s, x: (s * 2 % 7, s + x)),
        lambda m: m.data.Dataset.range(20).group_by_window(
            lambda x: x % 4, lambda k, d: d.batch(3), window_size_func=lambda k: k + 2),
    ]
    for make in pipelines:
        assert values(make(tf)) == values(make(real))


def test_from_generator_with_structured_output_shapes():
    """TensorFlow's tf.data guide: output_shapes ((), (None,)) are the shapes of two
    components; padded_batch pads the second to the batch's longest."""
    def gen_series():
        i = 0
        while True:
            yield i, np.arange(i % 7 + 1)
            i += 1

    ds = D.from_generator(gen_series, output_types=("int32", "float32"),
                          output_shapes=((), (None,)))
    assert [tuple(s.shape) for s in ds.element_spec] == [(), (None,)]
    ids, batch = next(iter(ds.take(10).padded_batch(10)))
    assert ids.numpy().tolist() == list(range(10)) and tuple(batch.shape) == (10, 7)
    assert batch.numpy()[8].tolist() == [0, 1, 0, 0, 0, 0, 0]


def test_rejection_resample_balances_classes_as_tensorflow():
    # 1 in 10 elements is of class 1; TensorFlow 2.21 gives (class, element) pairs about half
    # of class 1, 0.514 over 2000 with initial_dist and 0.492 with the estimate
    ds = tf.data.Dataset.range(4000).map(lambda x: (x, tf.cast(x % 10 == 0, tf.int32)))
    for initial in ([0.9, 0.1], None):
        resampled = ds.rejection_resample(lambda x, label: label, target_dist=[0.5, 0.5],
                                          initial_dist=initial, seed=3)
        pairs = list(resampled.take(1000).as_numpy_iterator())
        classes = np.array([int(c) for c, _ in pairs])
        assert 0.44 < classes.mean() < 0.56
        assert all(int(c) == int(label) for c, (_, label) in pairs)  # the class, then the element
    # target = initial: every element as it comes, in order (TensorFlow takes the original)
    same = ds.apply(tf.data.experimental.rejection_resample(
        lambda x, label: label, target_dist=[0.9, 0.1], initial_dist=[0.9, 0.1]))
    assert [int(x) for _, (x, _) in same.take(12).as_numpy_iterator()] == list(range(12))
    # a class that is wanted alone: only the filtered pass, which keeps that class only
    only = ds.rejection_resample(lambda x, label: label, [0.0, 1.0], [0.9, 0.1], seed=1)
    assert [int(x) for _, (x, _) in only.take(3).as_numpy_iterator()] == [0, 10, 20]
    # one element (not a tuple): the pair's second part is the element itself
    single = tf.data.Dataset.range(10).rejection_resample(
        lambda x: tf.cast(x % 2, tf.int32), [0.5, 0.5], [0.5, 0.5])
    first = next(iter(single))
    assert int(first[0]) == 0 and int(first[1]) == 0
    with pytest.raises(ValueError, match="initial_dist"):
        ds.rejection_resample(lambda x, label: label, [0.5, 0.5], [0.2, 0.3, 0.5])
    with pytest.raises(ValueError, match=r"class in \[0, 2\)"):
        list(tf.data.Dataset.range(3).rejection_resample(
            lambda x: tf.cast(x, tf.int32), [0.5, 0.5], [0.5, 0.5]).as_numpy_iterator())


def test_get_next_as_optional_and_optional():
    # TensorFlow 2.21: an Optional of the next element, empty at the end; get_value of an
    # empty one raises InvalidArgumentError
    it = iter(tf.data.Dataset.range(2))
    first = it.get_next_as_optional()
    assert bool(first.has_value()) and int(first.get_value()) == 0
    assert first.element_spec == tf.TensorSpec((), tf.int64)
    assert int(tf.data.experimental.get_next_as_optional(it).get_value()) == 1
    end = it.get_next_as_optional()
    assert not bool(end.has_value())
    with pytest.raises(tf.errors.InvalidArgumentError, match="has_value"):
        end.get_value()
    pair = tf.data.experimental.Optional.from_value((1, 2.0))
    assert [float(v) for v in pair.get_value()] == [1.0, 2.0]
    assert [p.dtype for p in pair.element_spec] == [tf.int32, tf.float32]
    policy = tf.data.experimental.AutoShardPolicy
    assert [int(p) for p in policy] == [-1, 0, 1, 2, 3] and policy.DATA.name == "DATA"
    options = tf.data.Options()
    options.experimental_distribute.auto_shard_policy = policy.OFF
    assert [int(x) for x in tf.data.Dataset.range(3).with_options(options)] == [0, 1, 2]


def test_with_options_keeps_the_options_downstream():
    # TensorFlow 2.21: options set later win; a group set earlier stays; unset options are None
    first = tf.data.Options()
    first.threading.private_threadpool_size = 2
    first.deterministic = True
    second = tf.data.Options()
    second.deterministic = False
    ds = tf.data.Dataset.range(4).with_options(first).map(lambda x: x).with_options(second)
    ds = ds.batch(2)
    options = ds.options()
    assert options.deterministic is False and options.threading.private_threadpool_size == 2
    assert tf.data.Options().deterministic is None
    assert tf.data.Options().autotune.enabled is None
    assert tf.data.Dataset.range(2).options().deterministic is None
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [[0, 1], [2, 3]]
    assert int(ds.cardinality()) == 2
    assert first.merge(second).deterministic is False
    with pytest.raises(TypeError, match="tf.data.Options"):
        tf.data.Dataset.range(2).with_options({})


def test_rebatch_as_tensorflow():
    # the batches TensorFlow 2.21 gives for the same calls
    ds = tf.data.Dataset.range(8).batch(4)
    assert [b.tolist() for b in ds.rebatch(2).as_numpy_iterator()] == [
        [0, 1], [2, 3], [4, 5], [6, 7]]
    assert [b.tolist() for b in ds.rebatch([1, 3]).as_numpy_iterator()] == [
        [0], [1, 2, 3], [4], [5, 6, 7]]
    seven = tf.data.Dataset.range(7).batch(3)
    assert [b.tolist() for b in seven.rebatch(2, drop_remainder=True).as_numpy_iterator()] == [
        [0, 1], [2, 3], [4, 5]]
    assert [b.tolist() for b in seven.rebatch([2, 3]).as_numpy_iterator()] == [
        [0, 1], [2, 3, 4], [5, 6]]
    pairs = tf.data.Dataset.from_tensor_slices(([1, 2, 3], [4, 5, 6])).batch(3).rebatch(2)
    assert [(a.tolist(), b.tolist()) for a, b in pairs.as_numpy_iterator()] == [
        ([1, 2], [4, 5]), ([3], [6])]
    assert ds.rebatch(2).element_spec == tf.TensorSpec((None,), tf.int64)
    assert int(ds.rebatch(2).cardinality()) == -2
    with pytest.raises(ValueError, match="add a batch"):
        list(tf.data.Dataset.range(3).rebatch(2))
    with pytest.raises(ValueError, match="positive int"):
        ds.rebatch([2, 0])


def test_tf_experimental_optional_is_the_iterators_optional():
    import numnet as tf

    assert tf.experimental.Optional is tf.data.experimental.Optional
    assert tf.experimental.Optional.from_value(3).get_value() == 3
    optional = iter(tf.data.Dataset.range(1)).get_next_as_optional()
    assert isinstance(optional, tf.experimental.Optional) and bool(optional.has_value())
