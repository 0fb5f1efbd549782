"""Dataset.ignore_errors on any dataset: the elements whose map or filter function raises are
left out, as TensorFlow's ``ignore_errors`` (and ``tf.data.experimental.ignore_errors()``)
leave them out. Numbers from TensorFlow 2.21 running the same pipelines.
"""

from __future__ import annotations

import numpy as np
import pytest

import numnet as tf

VALUES = np.array([1.0, 0.0, 4.0, -2.0, 0.5], "float32")


def _inverses():
    ds = tf.data.Dataset.from_tensor_slices(VALUES)
    return ds.map(lambda x: tf.debugging.check_numerics(1 / x, "1/x"))


def test_a_map_that_raises_on_one_element_skips_it():
    # TensorFlow: [1.0, 0.25, -0.5, 2.0] (1 / 0 fails check_numerics)
    values = [float(v) for v in _inverses().ignore_errors().as_numpy_iterator()]
    assert values == [1.0, 0.25, -0.5, 2.0]


def test_the_experimental_spelling_after_a_filter():
    ds = _inverses().filter(lambda v: v > 0).apply(tf.data.experimental.ignore_errors())
    # TensorFlow: [1.0, 0.25, 2.0]
    assert [float(v) for v in ds.as_numpy_iterator()] == [1.0, 0.25, 2.0]


def test_a_parsing_map_skips_the_records_it_cannot_read():
    parsed = tf.data.Dataset.from_tensor_slices(["1", "x", "3"]).map(tf.strings.to_number)
    # TensorFlow: [1.0, 3.0]
    assert [float(v) for v in parsed.prefetch(2).ignore_errors().as_numpy_iterator()] == [1, 3]
    with pytest.raises(ValueError, match="'x' is not a number"):  # without it, it ends
        list(parsed.as_numpy_iterator())


def test_each_iteration_starts_again_and_the_cardinality_is_unknown():
    ds = _inverses().ignore_errors()
    assert [float(v) for v in ds] == [float(v) for v in ds] == [1.0, 0.25, -0.5, 2.0]
    # TensorFlow: -2 (UNKNOWN_CARDINALITY) for both
    assert int(ds.cardinality()) == int(tf.data.Dataset.range(3).ignore_errors()
                                         .cardinality()) == tf.data.UNKNOWN_CARDINALITY


def test_batches_after_a_skipping_map_and_warnings():
    ds = _inverses().ignore_errors().batch(2)
    # every element but 1/0, two at a time
    assert [b.tolist() for b in ds.as_numpy_iterator()] == [[1.0, 0.25], [-0.5, 2.0]]
    with pytest.warns(UserWarning, match="an element was skipped: .*1/x"):
        assert len(list(_inverses().ignore_errors(log_warning=True))) == 4
