"""GradientTape.watched_variables(): the explicit watches, then the trainable Variables that
the ops of the tape's block read (as TensorFlow's, known once a gradient is asked)."""

import pytest

import numnet
import numnet as tf


def test_the_variables_the_block_read():
    x0 = tf.Variable(3.0, name="x0")
    x1 = tf.Variable(3.0, name="x1", trainable=False)
    x2 = tf.Variable(2.0, name="x2") + 1.0  # read before the tape: not the tape's
    x3 = tf.constant(3.0, name="x3")
    with tf.GradientTape() as tape:
        y = (x0 ** 2) + (x1 ** 2) + (x2 ** 2)
    grads = tape.gradient(y, [x0, x1, x2, x3])
    assert float(grads[0]) == 6.0 and grads[1:] == [None, None, None]
    assert [v.name for v in tape.watched_variables()] == ["x0"]


def test_a_layers_weights_and_explicit_watches():
    layer = tf.keras.layers.Dense(2)
    x = tf.ones((1, 3))
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        loss = tf.reduce_sum(layer(x))
    tape.gradient(loss, layer.trainable_variables)
    watched = tape.watched_variables()
    assert watched[0] is x and [v.name for v in watched[1:]] == ["kernel", "bias"]
    with tf.GradientTape(watch_accessed_variables=False) as quiet:
        loss = tf.reduce_sum(layer(x))
    quiet.gradient(loss, layer.trainable_variables)
    assert quiet.watched_variables() == ()


def test_integer_sources_have_no_gradient():
    """TensorFlow: watching an int32 tensor warns and its gradient is None (zeros of its dtype
    with unconnected_gradients="zero"); the float Variable beside it still gets 3."""
    x, v = numnet.constant(3), numnet.Variable(2.0)
    with pytest.warns(UserWarning, match="dtype must be floating"):
        with numnet.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = numnet.cast(x, "float32") * v
    gx, gv = tape.gradient(y, [x, v])
    assert gx is None and float(gv) == 3.0
    zx, _ = tape.gradient(y, [x, v], unconnected_gradients="zero")
    assert zx.dtype == "int32" and int(zx) == 0


def test_tensor_repr_names_the_dtype_once():
    assert repr(numnet.constant(3.0)) == "<Tensor shape=() dtype=float32: 3.>"
    assert repr(numnet.constant([1, 2])) == "<Tensor shape=(2,) dtype=int32: [1, 2]>"
