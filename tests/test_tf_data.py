"""numnet.data.Dataset against tf.data's semantics, and fit / evaluate / predict on Datasets."""

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.data import Dataset


def as_list(ds):
    return [np.asarray(e).tolist() if not isinstance(e, (tuple, dict)) else e
            for e in ds.as_numpy_iterator()]


# ----------------------------------------------------------------------------- sources


def test_from_tensor_slices_tuple_dict_and_nested():
    x = np.arange(6, dtype="float32").reshape(3, 2)
    y = np.array([0, 1, 2])
    elements = list(Dataset.from_tensor_slices((x, y)).as_numpy_iterator())
    assert len(elements) == 3
    np.testing.assert_array_equal(elements[1][0], [2.0, 3.0])
    assert elements[1][1] == 1 and elements[1][0].dtype == np.float32

    d = list(Dataset.from_tensor_slices({"a": x, "b": y}).as_numpy_iterator())
    assert set(d[2]) == {"a", "b"} and d[2]["b"] == 2

    nested = Dataset.from_tensor_slices(((x, y), {"w": y * 10}))
    (xe, ye), we = next(nested.as_numpy_iterator())
    np.testing.assert_array_equal(xe, [0.0, 1.0])
    assert ye == 0 and we["w"] == 0


def test_python_numbers_take_tensorflows_dtypes():
    floats = next(Dataset.from_tensor_slices([1.5, 2.5]).as_numpy_iterator())
    ints = next(Dataset.from_tensor_slices([1, 2]).as_numpy_iterator())
    kept = next(Dataset.from_tensor_slices(np.array([1.0, 2.0])).as_numpy_iterator())
    assert floats.dtype == np.float32 and ints.dtype == np.int32 and kept.dtype == np.float64


def test_from_tensor_slices_checks_rows():
    with pytest.raises(ValueError, match="same number of rows"):
        Dataset.from_tensor_slices((np.zeros(3), np.zeros(4)))


def test_from_tensors_is_one_element():
    ds = Dataset.from_tensors(np.arange(4))
    assert ds.cardinality() == 1
    np.testing.assert_array_equal(next(ds.as_numpy_iterator()), np.arange(4))


def test_range_and_iteration_gives_tensors():
    ds = Dataset.range(2, 11, 3)
    assert as_list(ds) == [2, 5, 8]
    first = next(iter(ds))
    assert isinstance(first, numnet.Tensor) and first.numpy() == 2 and first.dtype == np.int64
    assert len(ds) == 3


def test_from_generator_streams_and_casts():
    calls = []

    def gen():
        calls.append("start")
        for i in range(1000):
            calls.append(i)
            yield np.full(2, i), i

    ds = Dataset.from_generator(gen, output_signature=(
        tf.TensorSpec(shape=(2,), dtype=tf.float32), tf.TensorSpec(shape=(), dtype=tf.int32)))
    assert calls == []  # lazy: nothing read until iterated
    got = list(ds.take(3).as_numpy_iterator())
    assert calls == ["start", 0, 1, 2]  # only what was needed
    assert got[2][0].dtype == np.float32 and got[2][1].dtype == np.int32
    np.testing.assert_array_equal(got[2][0], [2.0, 2.0])
    assert ds.cardinality() == tf.data.experimental.UNKNOWN_CARDINALITY
    assert ds.element_spec[0] == tf.TensorSpec((2,), tf.float32)
    list(ds.take(1))
    assert calls.count("start") == 2  # each iteration calls the generator again


def test_from_generator_output_types_and_args():
    def gen(n):
        yield from range(n)

    ds = Dataset.from_generator(gen, output_types=tf.int64, args=(4,))
    assert as_list(ds) == [0, 1, 2, 3]
    assert next(ds.as_numpy_iterator()).dtype == np.int64
    with pytest.raises(TypeError, match="not `gen\\(\\)`"):
        Dataset.from_generator(gen(3))


def test_from_generator_matches_dicts_by_key_and_checks_shapes():
    def gen():
        yield {"label": 1, "image": [0.5, 0.25]}  # keys in another order than the signature

    ds = Dataset.from_generator(gen, output_signature={
        "image": tf.TensorSpec((2,), tf.float32), "label": tf.TensorSpec((), tf.int64)})
    element = next(ds.as_numpy_iterator())
    assert element["label"] == 1 and element["label"].dtype == np.int64
    np.testing.assert_array_equal(element["image"], np.array([0.5, 0.25], "float32"))

    def wrong():
        yield np.zeros(3), 0

    bad = Dataset.from_generator(wrong, output_signature=(
        tf.TensorSpec((None, 2), tf.float32), tf.TensorSpec((), tf.int32)))
    with pytest.raises(ValueError, match=r"shape \(3,\) where the output_signature expects"):
        list(bad)
    with pytest.raises(ValueError, match="structure of the output_signature"):
        list(Dataset.from_generator(wrong, output_signature=(tf.TensorSpec((3,)),)))


def test_zip_stops_at_shortest():
    ds = Dataset.zip((Dataset.range(3), Dataset.range(10, 20)))
    assert [(int(a), int(b)) for a, b in ds.as_numpy_iterator()] == [(0, 10), (1, 11), (2, 12)]
    assert ds.cardinality() == 3
    two = Dataset.zip(Dataset.range(2), Dataset.range(2))
    assert len(two) == 2


# ----------------------------------------------------------------------------- transformations


def test_shuffle_with_seed_repeats_and_reshuffles_each_iteration():
    ds = Dataset.range(20).shuffle(20, seed=3)
    first, second = as_list(ds), as_list(ds)
    assert sorted(first) == list(range(20)) and first != list(range(20))
    assert second != first  # reshuffle_each_iteration=True
    again = Dataset.range(20).shuffle(20, seed=3)
    assert as_list(again) == first and as_list(again) == second  # the same orders, in order
    fixed = Dataset.range(20).shuffle(20, seed=3, reshuffle_each_iteration=False)
    assert as_list(fixed) == as_list(fixed)


def test_shuffle_follows_the_global_seed():
    tf.random.set_seed(7)
    a = as_list(Dataset.range(30).shuffle(30))
    tf.random.set_seed(7)
    b = as_list(Dataset.range(30).shuffle(30))
    assert a == b


def test_shuffle_buffer_only_mixes_nearby_elements():
    # With a buffer of 2, element i can only come out after at least i - 1 others were taken:
    # the k-th output is always one of the first k + 2 inputs, never further ahead.
    for seed in range(20):
        out = as_list(Dataset.range(50).shuffle(2, seed=seed))
        assert sorted(out) == list(range(50))
        assert all(v <= k + 1 for k, v in enumerate(out))
    # buffer_size 1: no shuffling at all
    assert as_list(Dataset.range(10).shuffle(1, seed=0)) == list(range(10))


def test_batch_and_drop_remainder():
    ds = Dataset.range(7).batch(3)
    assert as_list(ds) == [[0, 1, 2], [3, 4, 5], [6]]
    assert ds.cardinality() == 3
    dropped = Dataset.range(7).batch(3, drop_remainder=True)
    assert as_list(dropped) == [[0, 1, 2], [3, 4, 5]] and len(dropped) == 2
    assert dropped.element_spec == tf.TensorSpec((3,), tf.int64)
    assert ds.element_spec == tf.TensorSpec((None,), tf.int64)
    with pytest.raises(ValueError, match="padded_batch"):
        list(Dataset.range(3).map(lambda i: np.arange(i)).batch(3))


def test_batch_of_tuples_and_unbatch():
    x = np.arange(10, dtype="float32").reshape(5, 2)
    y = np.arange(5)
    batches = list(Dataset.from_tensor_slices((x, y)).batch(2).as_numpy_iterator())
    assert [b[0].shape for b in batches] == [(2, 2), (2, 2), (1, 2)]
    np.testing.assert_array_equal(batches[1][1], [2, 3])
    rows = list(Dataset.from_tensor_slices((x, y)).batch(2).unbatch().as_numpy_iterator())
    assert len(rows) == 5
    np.testing.assert_array_equal(rows[3][0], x[3])
    assert Dataset.range(4).batch(2).unbatch().cardinality() == -2


def test_map_passes_tuple_components_as_arguments():
    x = np.arange(4, dtype="uint8")
    y = np.arange(4)
    ds = Dataset.from_tensor_slices((x, y)).map(
        lambda image, label: (tf.cast(image, tf.float32) / 255.0, tf.one_hot(label, 4)),
        num_parallel_calls=tf.data.AUTOTUNE)
    image, label = list(ds.as_numpy_iterator())[2]
    assert image.dtype == np.float32 and np.isclose(image, 2 / 255)
    np.testing.assert_array_equal(label, [0, 0, 1, 0])
    assert label.dtype == np.float32
    # a dict element is passed whole
    d = Dataset.from_tensor_slices({"a": y}).map(lambda e: e["a"] * 2)
    assert as_list(d) == [0, 2, 4, 6]
    assert d.element_spec == tf.TensorSpec((), np.int64)


def test_filter_repeat_take_skip():
    evens = Dataset.range(10).filter(lambda i: i % 2 == 0)
    assert as_list(evens) == [0, 2, 4, 6, 8]
    assert evens.cardinality() == tf.data.experimental.UNKNOWN_CARDINALITY
    assert as_list(Dataset.range(3).repeat(2)) == [0, 1, 2, 0, 1, 2]
    endless = Dataset.range(3).repeat()
    assert endless.cardinality() == tf.data.experimental.INFINITE_CARDINALITY == -1
    assert as_list(endless.take(7)) == [0, 1, 2, 0, 1, 2, 0]
    assert endless.take(7).cardinality() == 7
    assert as_list(Dataset.range(5).skip(2)) == [2, 3, 4]
    assert Dataset.range(5).skip(2).cardinality() == 3
    assert as_list(Dataset.range(5).take(-1)) == [0, 1, 2, 3, 4]
    assert as_list(Dataset.range(5).skip(-1)) == []
    with pytest.raises(TypeError, match="infinite"):
        len(endless)
    with pytest.raises(TypeError, match="unknown"):
        len(evens)
    assert tf.data.experimental.cardinality(Dataset.range(5)).numpy() == 5


def test_repeat_reshuffles_each_round():
    ds = Dataset.range(10).shuffle(10, seed=1).repeat(2)
    out = as_list(ds)
    assert sorted(out[:10]) == sorted(out[10:]) == list(range(10))
    assert out[:10] != out[10:]


def test_batches_gathered_from_arrays_equal_batches_stacked_row_by_row():
    # batch over from_tensor_slices (+ shuffle / take / skip / repeat) gathers rows by index;
    # through a map it stacks elements one by one: the batches must be the same.
    x = np.arange(46, dtype="float32").reshape(23, 2)
    y = np.arange(23)
    for tail in (lambda d: d.shuffle(7, seed=4).batch(5),
                 lambda d: d.skip(2).shuffle(30, seed=1).take(19).batch(4, drop_remainder=True),
                 lambda d: d.shuffle(23, seed=2).repeat(3).batch(10)):
        gathered = list(tail(Dataset.from_tensor_slices((x, y))).as_numpy_iterator())
        stacked = list(tail(Dataset.from_tensor_slices((x, y)).map(lambda a, b: (a, b)))
                       .as_numpy_iterator())
        assert len(gathered) == len(stacked)
        for (ga, gb), (sa, sb) in zip(gathered, stacked):
            np.testing.assert_array_equal(ga, sa)
            np.testing.assert_array_equal(gb, sb)
    rounds = np.concatenate([b for _, b in Dataset.from_tensor_slices((x, y)).shuffle(
        23, seed=0).repeat(2).batch(23).as_numpy_iterator()])
    assert sorted(rounds[:23]) == sorted(rounds[23:]) == list(range(23))
    assert rounds[:23].tolist() != rounds[23:].tolist()  # each round reshuffled


def test_cache_reads_the_source_once():
    calls = []

    def gen():
        for i in range(3):
            calls.append(i)
            yield i

    ds = Dataset.from_generator(gen, output_types=tf.int64).cache()
    assert as_list(ds) == [0, 1, 2]
    assert as_list(ds) == [0, 1, 2]
    assert calls == [0, 1, 2]


def test_concatenate_enumerate_prefetch():
    ds = Dataset.range(2).concatenate(Dataset.range(5, 7)).prefetch(tf.data.AUTOTUNE)
    assert as_list(ds) == [0, 1, 5, 6] and ds.cardinality() == 4
    pairs = [(int(i), int(v)) for i, v in Dataset.range(3, 6).enumerate(start=1)
             .as_numpy_iterator()]
    assert pairs == [(1, 3), (2, 4), (3, 5)]
    assert tf.data.AUTOTUNE == tf.data.experimental.AUTOTUNE == -1


def test_padded_batch_pads_to_longest_or_given_shape():
    ds = Dataset.range(1, 4).map(lambda n: np.arange(n) + 1)
    got = as_list(ds.padded_batch(2))
    assert got == [[[1, 0], [1, 2]], [[1, 2, 3]]]
    fixed = as_list(ds.padded_batch(3, padded_shapes=(4,), padding_values=-1))
    assert fixed == [[[1, -1, -1, -1], [1, 2, -1, -1], [1, 2, 3, -1]]]


def test_reduce_and_element_spec_of_slices():
    total = Dataset.range(5).reduce(np.int64(0), lambda s, e: s + e)
    assert int(total) == 10
    spec = Dataset.from_tensor_slices((np.zeros((4, 3), "float32"), np.zeros(4, "int64")))
    assert spec.element_spec == (tf.TensorSpec((3,), tf.float32), tf.TensorSpec((), tf.int64))


def test_element_spec_does_not_advance_a_shuffle():
    ds = Dataset.range(10).shuffle(10, seed=5)
    reference = as_list(Dataset.range(10).shuffle(10, seed=5))
    mapped = ds.map(lambda i: i)
    # element_spec reads one element, without using up an epoch of the shuffle
    assert mapped.element_spec == tf.TensorSpec((), tf.int64)
    assert as_list(mapped) == reference


def test_sample_and_choose_from_datasets():
    zeros = Dataset.from_tensors(np.int64(0)).repeat()
    ones = Dataset.from_tensors(np.int64(1)).repeat()
    mixed = Dataset.sample_from_datasets([zeros, ones], weights=[0.75, 0.25], seed=0).take(4000)
    draws = np.array(as_list(mixed))
    assert abs(draws.mean() - 0.25) < 0.03  # 4000 draws: the standard error is 0.007
    again = Dataset.sample_from_datasets([zeros, ones], weights=[0.75, 0.25], seed=0).take(4000)
    assert as_list(again) == draws.tolist()
    # finite datasets: all their elements come out, each dataset in its own order
    both = as_list(Dataset.sample_from_datasets([Dataset.range(3), Dataset.range(10, 14)],
                                                seed=1))
    assert sorted(both) == [0, 1, 2, 10, 11, 12, 13]
    assert [v for v in both if v < 10] == [0, 1, 2]
    chosen = Dataset.choose_from_datasets([Dataset.range(3), Dataset.range(10, 13)],
                                          Dataset.range(2).repeat(3))
    assert as_list(chosen) == [0, 10, 1, 11, 2, 12]
    assert tf.data.experimental.sample_from_datasets is Dataset.sample_from_datasets


# ----------------------------------------------------------------------------- training


def _model(seed=1):
    numnet.utils.set_random_seed(seed)
    model = numnet.Sequential([numnet.layers.Input((4,)),
                               numnet.layers.Dense(6, activation="relu"),
                               numnet.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def _data(n=60):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(n, 4)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("float32")
    return x, y


def test_fit_on_a_dataset_matches_fit_on_arrays():
    x, y = _data()
    a = _model()
    ha = a.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    b = _model()
    hb = b.fit(Dataset.from_tensor_slices((x, y)).batch(16), batch_size=999, epochs=3,
               verbose=0)
    for wa, wb in zip(a.get_weights(), b.get_weights()):
        np.testing.assert_array_equal(wa, wb)
    np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-6)
    ev = b.evaluate(Dataset.from_tensor_slices((x, y)).batch(7), verbose=0)
    np.testing.assert_allclose(ev, a.evaluate(x, y, verbose=0), rtol=1e-5)
    pred = b.predict(Dataset.from_tensor_slices(x).batch(25), verbose=0)
    np.testing.assert_allclose(pred, a.predict(x, verbose=0), rtol=1e-5)


def test_fit_with_sample_weights_and_validation_dataset():
    x, y = _data()
    w = np.linspace(0.5, 1.5, len(x)).astype("float32")
    a = _model()
    ha = a.fit(x, y, sample_weight=w, batch_size=20, epochs=2, shuffle=False, verbose=0,
               validation_data=(x[:30], y[:30]))
    b = _model()
    hb = b.fit(Dataset.from_tensor_slices((x, y, w)).batch(20), epochs=2, verbose=0,
               validation_data=Dataset.from_tensor_slices((x[:30], y[:30])).batch(8))
    np.testing.assert_allclose(ha.history["loss"], hb.history["loss"], rtol=1e-6)
    np.testing.assert_allclose(ha.history["val_loss"], hb.history["val_loss"], rtol=1e-5)


def test_fit_reiterates_the_dataset_each_epoch_so_it_reshuffles():
    x, y = _data(32)
    seen = []

    def record(xb, yb):
        seen.append(np.asarray(yb).copy())
        return xb, yb

    ds = Dataset.from_tensor_slices((x, np.arange(32).astype("float32") % 2)).shuffle(
        32, seed=2).batch(32).map(record)
    _model().fit(ds, epochs=3, verbose=0)
    assert len(seen) == 3  # one pass an epoch (the first batch is read once, ahead)
    orders = [s.tolist() for s in seen]
    assert orders[0] != orders[1] or orders[1] != orders[2]


def test_fit_honours_steps_per_epoch_on_a_repeated_dataset():
    x, y = _data(40)
    count = []
    ds = Dataset.from_tensor_slices((x, y)).batch(8).repeat().map(
        lambda xb, yb: (count.append(1) or xb, yb))
    history = _model().fit(ds, steps_per_epoch=3, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    assert len(count) == 6  # 3 batches an epoch, no more read


def test_datasets_train_with_every_array_on_a_device(runs_on_a_device):
    """This module again with NUMNET_DEVICE=gpu, on the strict stand-in for CuPy."""
    runs_on_a_device(__file__)
