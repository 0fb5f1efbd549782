"""A tensor's shape is a tuple that also answers TensorFlow's TensorShape methods
(``x.shape.as_list()``, ``.rank``, ``.num_elements()``), eager and symbolic."""

import numpy as np
import pytest

import numnet as tf


def test_shape_answers_tensorshape_methods():
    x = tf.ones((2, 3))
    assert x.shape == (2, 3) and x.shape.as_list() == [2, 3] and x.shape.rank == 2
    assert x.shape.num_elements() == 6 and x.shape.is_fully_defined()
    assert tf.Variable([[1.0], [2.0]]).shape.as_list() == [2, 1]
    inputs = tf.keras.Input((4,))
    assert inputs.shape.as_list() == [None, 4] and inputs.shape.num_elements() is None
    assert not inputs.shape.is_fully_defined() and inputs.shape.is_compatible_with((8, 4))
    assert not inputs.shape.is_compatible_with((8, 5))
    y = tf.keras.layers.Dense(3)(inputs)
    assert y.shape.as_list() == [None, 3] and hash(y.shape) == hash((None, 3))
    z = tf.keras.ops.reshape(y, (-1,) + tuple(y.shape[1:]))  # a shape inside a graph's op
    model = tf.keras.Model(inputs, z)
    assert model(np.ones((2, 4), "float32")).shape.as_list() == [2, 3]
    with pytest.raises(ValueError, match="incompatible"):
        x.shape.assert_is_compatible_with([2, 4])


def test_an_integer_scalar_tensor_is_an_index_and_a_slice_bound():
    table = np.arange(20.0).reshape(1, 10, 2)
    x = tf.ones((3, 4))
    length = tf.shape(x)[1]
    assert table[:, :length, :].shape == (1, 4, 2)
    encoding = tf.constant(table[0])
    assert tuple(encoding[tf.newaxis, :length, :].shape) == (1, 4, 2)
    assert [0, 1, 2, 3, 4][tf.constant(2)] == 2
    with pytest.raises(TypeError, match="integer scalar"):
        [0, 1][tf.constant(1.0)]
    with pytest.raises(TypeError, match="integer scalar"):
        [0, 1][tf.constant([1, 0])]
    assert float(tf.math.rsqrt(0.0)) == np.inf


def test_a_slice_is_a_shape_and_takes_a_list_added():
    """TensorFlow's docstrings build shapes as ``x.shape[:-1] + [2]`` (TensorShape([3, 2]));
    a slice of a shape is a shape, and a list or tuple adds on either side."""
    shape = tf.zeros((3, 4)).shape
    assert shape[:-1] + [2] == (3, 2) and type(shape[:-1] + [2]).__name__ == "Shape"
    assert [1] + shape[1:] == (1, 4) and (shape[:1] + (5,)).as_list() == [3, 5]
    assert shape[0] == 3 and shape[1:].rank == 1


def test_variable_assignments_take_tensorflows_other_arguments():
    v = tf.Variable(np.array([1.0, 2.0], "float32"))
    v.assign_sub([1.0, 1.0], read_value=False)
    v.assign_add([2.0, 2.0], use_locking=True, name="add")
    v.assign(v.numpy() * 2, read_value=True)
    np.testing.assert_array_equal(v.numpy(), [4.0, 6.0])
