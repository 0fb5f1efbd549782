"""keras.utils.pad_sequences: ragged sequences as one array, padded and cut as Keras does."""

from __future__ import annotations

import os

import numpy as np
import pytest

from numnet.utils import pad_sequences

SEQS = [[1, 2, 3], [4], [], [5, 6, 7, 8, 9]]


def test_pads_and_cuts_at_the_start_by_default():
    np.testing.assert_array_equal(pad_sequences(SEQS), [[0, 0, 1, 2, 3], [0, 0, 0, 0, 4],
                                                        [0, 0, 0, 0, 0], [5, 6, 7, 8, 9]])
    out = pad_sequences(SEQS, maxlen=3)
    np.testing.assert_array_equal(out, [[1, 2, 3], [0, 0, 4], [0, 0, 0], [7, 8, 9]])
    assert out.dtype == np.int32


def test_padding_and_truncating_at_the_end():
    np.testing.assert_array_equal(pad_sequences(SEQS, maxlen=3, padding="post"),
                                  [[1, 2, 3], [4, 0, 0], [0, 0, 0], [7, 8, 9]])
    np.testing.assert_array_equal(pad_sequences(SEQS, maxlen=3, truncating="post"),
                                  [[1, 2, 3], [0, 0, 4], [0, 0, 0], [5, 6, 7]])


def test_value_dtype_and_steps_of_several_features():
    out = pad_sequences([[0.5, 1.5], [2.5]], maxlen=3, dtype="float32", value=-1.0)
    np.testing.assert_array_equal(out, np.array([[-1, 0.5, 1.5], [-1, -1, 2.5]], "float32"))
    assert out.dtype == np.float32
    steps = [np.ones((2, 3)), np.full((1, 3), 2.0)]
    out = pad_sequences(steps, dtype="float32")
    assert out.shape == (2, 2, 3)
    np.testing.assert_array_equal(out[1], [[0, 0, 0], [2, 2, 2]])


@pytest.mark.parametrize("kwargs, error, message", [
    ({"padding": "middle"}, ValueError, r"pad_sequences\(padding\): expected 'pre' or 'post'"),
    ({"truncating": "start"}, ValueError, r"pad_sequences\(truncating\)"),
    ({"maxlen": 0}, ValueError, r"pad_sequences\(maxlen\): expected a positive integer"),
    ({"sequences": [[1], 2]}, ValueError, r"sequence 1 is the single value 2"),
    ({"sequences": 5}, TypeError, r"expected a list of sequences"),
    ({"sequences": [np.ones((2, 3)), np.ones((2, 4))]}, ValueError, r"sequence 1 has steps"),
    ({"dtype": "<U3"}, ValueError, r"needs a string value"),
])
def test_bad_arguments_say_what_was_expected(kwargs, error, message):
    kwargs = {"sequences": SEQS, **kwargs}
    with pytest.raises(error, match=message):
        pad_sequences(**kwargs)


def test_the_same_arrays_as_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="the Keras comparison runs Keras on its JAX backend")
    keras = pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")
    for kwargs in ({}, {"maxlen": 2}, {"maxlen": 4, "padding": "post", "truncating": "post"},
                   {"maxlen": 6, "value": 7, "dtype": "float32"}):
        ours, theirs = pad_sequences(SEQS, **kwargs), keras.utils.pad_sequences(SEQS, **kwargs)
        np.testing.assert_array_equal(ours, theirs)
        assert ours.dtype == theirs.dtype


def test_keras_2_import_paths():
    from numnet.keras.preprocessing.sequence import pad_sequences as keras_path

    from numnet.preprocessing.sequence import pad_sequences as short_path

    assert keras_path is short_path is pad_sequences
