"""tf.constant, tf.cast, tf.Variable and tf.fill take Python numbers at TensorFlow's widths:
float32 / int32 by default, int64 for ints beyond int32, and full width when a wider dtype is
asked for. TensorFlow 2.21 gives the same values (checked while writing these)."""

import numpy as np

import numnet as tf


def test_constant_keeps_python_numbers_at_the_width_asked_for():
    # tf.constant(0.1, tf.float64) is the double 0.1, and 2**40 fits int64 (TensorFlow's);
    # they once went through float32 / int32 first
    assert tf.constant(0.1, tf.float64).numpy() == 0.1
    assert tf.constant([2**40], tf.int64).numpy().tolist() == [2**40]
    assert tf.convert_to_tensor([1 / 3], tf.float64).numpy()[0] == 1 / 3
    assert tf.constant([1, 2]).dtype == np.int32 and tf.constant(0.5).dtype == np.float32


def test_python_ints_beyond_int32_become_int64():
    # TensorFlow converts a Python int that does not fit int32 to int64 (3e9 wrapped, 2**40
    # became 0 before)
    assert tf.constant(3_000_000_000).dtype == np.int64
    assert tf.constant(3_000_000_000).numpy() == 3_000_000_000
    assert tf.cast(2**40, tf.int64).numpy() == 2**40
    assert tf.Variable(2**40, dtype=tf.int64).numpy() == 2**40
    assert tf.fill([2], 2**40).numpy().tolist() == [2**40] * 2
    assert tf.constant([1, -(2**31)]).dtype == np.int32
