"""tf.random's stateless draws and tf.image's stateless random ops give TensorFlow's own
numbers (its Philox-4x32-10 generator keyed from the seed pair). The expected values are
TensorFlow 2.21's."""

import numpy as np
import pytest

import numnet as tf


def test_uniform_floats_and_integers_are_tensorflows():
    np.testing.assert_array_equal(tf.random.stateless_uniform([3], seed=(1, 0)).numpy(),
                                  np.array([0.8784882, 0.45998025, 0.60029125], "float32"))
    assert float(tf.random.stateless_uniform([], seed=(0, 0), minval=-0.95, maxval=0.95)) == \
        pytest.approx(-0.5490706, abs=1e-7)
    np.testing.assert_allclose(  # (the values as TensorFlow prints them, to 8 digits)
        tf.random.stateless_uniform([5], seed=(123456789012, -3)).numpy(),
        [0.73732483, 0.8922577, 0.8728671, 0.00512826, 0.3968904], rtol=2e-6)
    assert tf.random.stateless_uniform([2], seed=(5, 6), dtype=tf.float64).numpy().tolist() == \
        [0.0960498402399732, 0.3278204503496094]
    ints = tf.random.stateless_uniform([4], seed=(5, 6), minval=0, maxval=10, dtype=tf.int32)
    assert ints.numpy().tolist() == [9, 9, 8, 5] and ints.dtype == tf.int32
    assert tf.random.stateless_uniform([3], seed=(5, 6), minval=-7, maxval=1000,
                                       dtype=tf.int64).numpy().tolist() == [488, 613, 774]
    assert tf.random.stateless_uniform([4], seed=(5, 6), minval=None, maxval=None,
                                       dtype=tf.int32).numpy().tolist() == [
        -180254357, -1901470197, 1629830848, -1475124591]
    assert tf.random.stateless_uniform([3], seed=(5, 6), minval=None, maxval=None,
                                       dtype=tf.int64).numpy().tolist() == [
        -8166752306318964373, -6335611874240545088, -1107207716418095382]
    with pytest.raises(ValueError, match="maxval"):
        tf.random.stateless_uniform([2], seed=(1, 2), dtype=tf.int32)


def test_split_and_fold_in_are_tensorflows_in_the_seeds_dtype():
    seeds = tf.random.split([1, 2], 3)
    assert seeds.dtype == tf.int32
    assert seeds.numpy().tolist() == [[1105988140, 1738052849], [-335576002, 370444179],
                                      [10670227, -246211131]]
    wide = tf.random.split(tf.constant([0, 0], tf.int64), num=1)
    assert wide.dtype == tf.int64
    assert wide.numpy().tolist() == [[-6856063536328932722, -6061095977527908230]]
    # a pair of int64 scalars (a Counter's) packs to int64
    pair = (tf.constant(np.int64(2)), tf.constant(np.int64(2)))
    assert tf.random.split(pair, num=1).numpy().tolist() == [
        [8858162621086089191, 4809491438165178485]]
    assert tf.random.fold_in([1, 2], 7).numpy().tolist() == [1105988140, 7]
    big = (tf.constant(np.int64(2 ** 40)), tf.constant(np.int64(-3)))
    np.testing.assert_array_equal(tf.random.stateless_uniform([2], seed=big).numpy(),
                                  np.array([0.5850338, 0.99485075], "float32"))


def test_stateless_image_ops_draw_tensorflows_factors():
    image = np.full((4, 4, 3), 0.5, "float32")
    out = tf.image.stateless_random_brightness(image, 0.95, seed=(0, 0))
    np.testing.assert_allclose(out.numpy(), 0.5 - 0.5490706, atol=1e-6)
    # the crop's offsets: int32 draws below 2**31 - 1, modulo the room on each axis
    values = np.arange(6 * 7 * 3, dtype="float32").reshape(6, 7, 3)
    crop = tf.image.stateless_random_crop(values, [3, 4, 3], seed=(0, 3))
    draws = tf.random.stateless_uniform([3], seed=(0, 3), maxval=2 ** 31 - 1, dtype=tf.int32)
    top, left, _ = (int(d) % room for d, room in zip(draws.numpy(), (4, 4, 1)))
    np.testing.assert_array_equal(crop.numpy(), values[top:top + 3, left:left + 4])
    # one image flips when its draw is below 0.5; a batch flips those whose draw rounds to 1
    row = np.arange(4, dtype="float32").reshape(1, 4, 1)
    for i in range(6):
        u = float(tf.random.stateless_uniform([], seed=(i, 1)))
        flipped = tf.image.stateless_random_flip_left_right(row, seed=(i, 1)).numpy()
        assert flipped[0, 0, 0] == (3.0 if u < 0.5 else 0.0)
    batch = np.repeat(row[None], 5, axis=0)
    draws = tf.random.stateless_uniform([5], seed=(2, 2)).numpy()
    firsts = tf.image.stateless_random_flip_left_right(batch, seed=(2, 2)).numpy()[:, 0, 0, 0]
    assert firsts.tolist() == [3.0 if d >= 0.5 else 0.0 for d in draws]
