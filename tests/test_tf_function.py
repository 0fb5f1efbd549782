"""tf.function's traces, counted as TensorFlow counts them (experimental_get_tracing_count):
each count here is the one TensorFlow 2.21 gives for the same calls (the TensorFlow guides
"Introduction to graphs and tf.function" and "Better performance with tf.function")."""

from __future__ import annotations

import pytest

import numnet as tf


@pytest.fixture(autouse=True)
def _traced():
    yield
    tf.config.run_functions_eagerly(False)


def test_a_new_dtype_or_shape_traces_again():
    @tf.function
    def double(a):
        return a + a

    double(tf.constant(1))
    double(tf.constant(1.1))
    double(tf.constant("a"))
    assert double.experimental_get_tracing_count() == 3
    double(tf.constant(2))  # int32 scalar again: served
    double(tf.constant([1, 2]))
    assert double.experimental_get_tracing_count() == 4
    double.get_concrete_function(tf.constant("a"))  # served by the string trace
    assert double.experimental_get_tracing_count() == 4
    double.get_concrete_function(tf.TensorSpec(shape=None, dtype=tf.string))  # any rank: new
    assert double.experimental_get_tracing_count() == 5


def test_python_values_trace_by_value_tensors_by_signature():
    @tf.function
    def train(num_steps):
        return num_steps

    train(num_steps=10)
    train(num_steps=20)
    assert train.experimental_get_tracing_count() == 2
    train(num_steps=tf.constant(10))
    train(num_steps=tf.constant(20))
    train(10)  # positional or keyword: the same trace
    assert train.experimental_get_tracing_count() == 3

    @tf.function
    def f(x):
        return x + 1

    f(tf.constant([1.0, 1.0]))
    f(tf.constant([[3.0]]))
    f(tf.constant([2.0, 2.0]))
    f(1)
    f(1.0)  # equal to 1: served, as in TensorFlow
    f(True)
    f(2)
    assert f.experimental_get_tracing_count() == 4
    f(tf.constant([[5.0]]).numpy())  # a NumPy array as a Tensor of its dtype and shape
    assert f.experimental_get_tracing_count() == 4
    f(tf.Variable(1.0))
    f(tf.Variable(2.0))
    assert f.experimental_get_tracing_count() == 5


def test_reduce_retracing_widens_the_shape():
    @tf.function(reduce_retracing=True)
    def g(x):
        return x

    for n in (3, 5, 7, 9):
        g(tf.constant(list(range(n))))
    assert g.experimental_get_tracing_count() == 2  # [3], then [None] for all the others
    g(tf.constant([[1]]))  # another rank: any shape of int32
    g(tf.constant([[1, 2]]))
    assert g.experimental_get_tracing_count() == 3
    g(tf.constant([1.0]))
    assert g.experimental_get_tracing_count() == 4


def test_input_signature_traces_once_and_a_wider_concrete_function_serves_calls():
    @tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
    def next_collatz(x):
        return tf.where(x % 2 == 0, x // 2, 3 * x + 1)

    assert next_collatz.experimental_get_tracing_count() == 0
    next_collatz(tf.constant([1, 2]))
    next_collatz(tf.constant([1, 2, 3]))
    assert next_collatz.experimental_get_tracing_count() == 1

    @tf.function
    def double(a):
        return a + a

    concrete = double.get_concrete_function(tf.TensorSpec([None], tf.float32))
    assert concrete(tf.constant([1.0, 2.0, 3.0])).numpy().tolist() == [2.0, 4.0, 6.0]
    double(tf.constant([4.0, 5.0]))
    assert double.experimental_get_tracing_count() == 1
    assert "double(a=TensorSpec(shape=(None,), dtype=tf.float32))" in \
        double.pretty_printed_concrete_signatures()


def test_a_concrete_function_refuses_another_dtype_as_tensorflow():
    @tf.function
    def double(a):
        return a + a

    strings = double.get_concrete_function(tf.constant("a"))
    assert strings(tf.constant("b")).numpy() == b"bb"
    with pytest.raises(tf.errors.InvalidArgumentError, match="expected to be a string tensor "
                                                             "but is a int32 tensor"):
        strings(tf.constant(1))
    floats = double.get_concrete_function(tf.TensorSpec([2], tf.float32))
    assert floats(tf.constant([1.0, 2.0, 3.0])).shape == (3,)  # shapes are not checked


def test_each_instance_of_a_method_has_its_traces():
    class Scale(tf.Module):
        def __init__(self, factor):
            super().__init__()
            self.factor = tf.Variable(factor)

        @tf.function
        def __call__(self, x):
            return x * self.factor

    a, b = Scale(2.0), Scale(3.0)
    assert float(a(tf.constant(1.0))) == 2.0 and float(b(tf.constant(1.0))) == 3.0
    a(tf.constant([1.0, 2.0]))
    assert a.__call__.experimental_get_tracing_count() == 2
    assert b.__call__.experimental_get_tracing_count() == 1
    assert Scale.__call__.experimental_get_tracing_count() == 0


def test_run_functions_eagerly_stops_the_count():
    @tf.function
    def f(x):
        return x + 1

    f(tf.constant(1.0))
    tf.config.run_functions_eagerly(True)
    assert tf.config.functions_run_eagerly()
    f(tf.constant([1.0, 2.0]))
    assert f.experimental_get_tracing_count() == 1
    tf.config.run_functions_eagerly(False)
    assert not tf.config.functions_run_eagerly()
    f(tf.constant([1.0, 2.0]))
    assert f.experimental_get_tracing_count() == 2
