"""keras.preprocessing.sequence's Keras 2 helpers: skipgrams, make_sampling_table and
TimeseriesGenerator, by hand and (where Keras is installed) against Keras's own (skipgrams
under the same Python random state)."""

import os
import random

import numpy as np
import pytest

from numnet.preprocessing import sequence


def test_make_sampling_table_follows_the_zipf_formula():
    table = sequence.make_sampling_table(5, sampling_factor=1e-3)
    for rank in range(5):
        r = max(rank, 1)
        f = 1e-3 * (r * (np.log(r) + 0.577) + 0.5 - 1 / (12 * r))
        assert table[rank] == pytest.approx(min(1.0, np.sqrt(f)), rel=1e-12)
    assert table.dtype == np.float64 and table.shape == (5,)
    assert sequence.make_sampling_table(3, sampling_factor=2.0).tolist() == [1.0, 1.0, 1.0]
    with pytest.raises(ValueError, match="non-negative integer"):
        sequence.make_sampling_table(-1)


def test_positive_pairs_of_the_tutorial_sentence():
    # "the wide road shimmered in the hot sun": ids 1..6 with "the" twice; window 2
    ids = [1, 2, 3, 4, 5, 1, 6, 7]
    pairs, labels = sequence.skipgrams(ids, vocabulary_size=8, window_size=2, negative_samples=0,
                                       shuffle=False)
    # 8 words, each with up to 4 neighbours: 2 + 3 + 4 * 4 + 3 + 2 = 26
    assert len(pairs) == 26 and labels == [1] * 26
    assert pairs[:5] == [[1, 2], [1, 3], [2, 1], [2, 3], [2, 4]]
    shuffled, _ = sequence.skipgrams(ids, 8, window_size=2, negative_samples=0, seed=1)
    assert sorted(shuffled) == sorted(pairs) and shuffled != pairs


def test_padding_is_never_a_word_and_negative_pairs_are_labelled_zero():
    random.seed(0)
    pairs, labels = sequence.skipgrams([0, 3, 0, 4, 5, 0], vocabulary_size=6, window_size=1,
                                       negative_samples=2.0, categorical=True, seed=4)
    assert all(0 not in pair for pair in pairs)
    positive = [p for p, y in zip(pairs, labels) if y == [0, 1]]
    negative = [p for p, y in zip(pairs, labels) if y == [1, 0]]
    assert sorted(positive) == [[4, 5], [5, 4]]
    assert len(negative) == 4 and all(1 <= p[1] < 6 and p[0] in (4, 5) for p in negative)


def test_a_sampling_table_of_zeros_keeps_no_word():
    pairs, labels = sequence.skipgrams([1, 2, 3], 4, sampling_table=np.zeros(4),
                                       negative_samples=0)
    assert pairs == [] and labels == []
    with pytest.raises(ValueError, match="window_size"):
        sequence.skipgrams([1, 2], 3, window_size=-1)
    with pytest.raises(ValueError, match="vocabulary_size"):
        sequence.skipgrams([1, 2], 1)


def test_same_pairs_as_keras_under_the_same_random_state():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax")
    legacy = pytest.importorskip("keras.src.legacy.preprocessing.sequence")
    ids = [0, 3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 0]
    table = sequence.make_sampling_table(10, sampling_factor=0.05)
    np.testing.assert_array_equal(table, legacy.make_sampling_table(10, 0.05))
    for options in ({}, {"negative_samples": 0.5, "categorical": True},
                    {"sampling_table": table, "seed": 3}):
        random.seed(7)
        ours = sequence.skipgrams(ids, 10, window_size=2, **options)
        random.seed(7)
        assert ours == legacy.skipgrams(ids, 10, window_size=2, **options)


def test_timeseries_generator_windows_by_hand():
    data = np.arange(20, dtype="float32").reshape(10, 2)
    gen = sequence.TimeseriesGenerator(data, np.arange(10), length=4, sampling_rate=2,
                                       stride=3, batch_size=2)
    # start_index 0 + length 4: targets from row 4 to end_index 9, every 3rd, 2 a batch:
    # (9 - 4 + 6) // 6 = 1 batch, rows 4 and 7; row 4 reads rows 0 and 2, row 7 rows 3 and 5
    assert len(gen) == 1
    x, y = gen[0]
    assert y.tolist() == [4, 7]
    assert x[:, :, 0].tolist() == [[0.0, 4.0], [6.0, 10.0]]
    back, _ = sequence.TimeseriesGenerator(data, np.arange(10), length=3, reverse=True,
                                           batch_size=1)[0]
    assert back[0, :, 0].tolist() == [4.0, 2.0, 0.0]
    with pytest.raises(ValueError, match="one target per time step"):
        sequence.TimeseriesGenerator(data, np.arange(9), length=2)
    with pytest.raises(ValueError, match="past end_index"):
        sequence.TimeseriesGenerator(data, np.arange(10), length=10)


def test_timeseries_generator_trains_a_model_and_matches_keras():
    import numnet

    series = np.sin(np.arange(120) / 4.0).astype("float32")[:, None]
    gen = sequence.TimeseriesGenerator(series, series[:, 0], length=8, stride=2,
                                       start_index=4, end_index=100, batch_size=16)
    model = numnet.Sequential([numnet.Input((8, 1)), numnet.layers.Flatten(),
                               numnet.layers.Dense(1)])
    model.compile("adam", "mse")
    history = model.fit(gen, epochs=2, verbose=0)
    assert len(history.history["loss"]) == 2
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax")
    legacy = pytest.importorskip("keras.src.legacy.preprocessing.sequence")
    theirs = legacy.TimeseriesGenerator(series, series[:, 0], length=8, stride=2,
                                        start_index=4, end_index=100, batch_size=16)
    assert len(theirs) == len(gen)
    for i in range(len(gen)):
        for ours_part, their_part in zip(gen[i], theirs[i], strict=True):
            np.testing.assert_array_equal(ours_part, their_part)
