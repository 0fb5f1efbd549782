"""Integer and boolean inputs where Keras and TensorFlow compute in floating point or refuse:
keras.activations of int tensors (sigmoid(1) is 0.731, not 0), and tf.reduce_sum /
reduce_mean / reduce_prod of booleans (TensorFlow's InvalidArgumentError, not a bool)."""

import math
import os

import numpy as np
import pytest

import numnet
import numnet as tf

INTS = np.array([1, -1, 0], dtype="int32")


def by_hand(name, z):
    sig = 1 / (1 + math.exp(-z))
    return {
        "sigmoid": sig, "tanh": math.tanh(z), "softplus": math.log1p(math.exp(z)),
        "silu": z * sig, "elu": z if z > 0 else math.exp(z) - 1,
        "log_sigmoid": math.log(sig), "softsign": z / (1 + abs(z)),
        "hard_sigmoid": min(max(z / 6 + 0.5, 0.0), 1.0), "exponential": math.exp(z),
        "selu": 1.0507009873554805 * (z if z > 0 else 1.6732632423543772 * (math.exp(z) - 1)),
        "gelu": 0.5 * z * (1 + math.erf(z / math.sqrt(2))),
    }[name]


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "softplus", "silu", "elu", "log_sigmoid",
                                  "softsign", "hard_sigmoid", "exponential", "selu", "gelu"])
def test_activations_of_integers_compute_in_floatx(name):
    out = getattr(numnet.activations, name)(numnet.ops.convert_to_tensor(INTS))
    assert out.dtype == np.float32, (name, out.dtype)
    np.testing.assert_allclose(np.asarray(out), [by_hand(name, z) for z in INTS.tolist()],
                               rtol=1e-5, atol=1e-6)


def test_activations_of_python_ints_bools_and_symbolic_int_inputs():
    assert float(numnet.activations.sigmoid(0)) == 0.5
    np.testing.assert_allclose(np.asarray(numnet.activations.sigmoid(np.array([True]))),
                               [1 / (1 + math.exp(-1))], rtol=1e-6)
    inputs = numnet.Input((3,), dtype="int32")
    model = numnet.Model(inputs, numnet.activations.sigmoid(inputs))
    np.testing.assert_allclose(model.predict(INTS[None], verbose=0),
                               [[by_hand("sigmoid", z) for z in INTS.tolist()]], rtol=1e-6)


def test_relu_keeps_integers_and_tf_math_sigmoid_of_ints():
    out = numnet.activations.relu(numnet.ops.convert_to_tensor(INTS))
    assert out.dtype.kind == "i" and np.asarray(out).tolist() == [1, 0, 0]
    np.testing.assert_allclose(np.asarray(tf.math.sigmoid(tf.constant([1, -1]))),
                               [0.7310586, 0.2689414], rtol=1e-6)


@pytest.mark.parametrize("reduce", ["reduce_sum", "reduce_mean", "reduce_prod"])
def test_reductions_of_booleans_are_refused_as_tensorflow(reduce):
    correct = tf.equal(tf.constant([1, 2, 3]), tf.constant([1, 0, 3]))
    with pytest.raises(tf.errors.InvalidArgumentError, match=r"tf\.cast\(x, tf\.float32\)"):
        getattr(tf, reduce)(correct)
    # the cast the message names gives the fraction (the sum, the product) of True
    value = float(getattr(tf, reduce)(tf.cast(correct, tf.float32)))
    assert value == {"reduce_sum": 2.0, "reduce_mean": 2 / 3, "reduce_prod": 0.0}[reduce] or \
        math.isclose(value, 2 / 3, rel_tol=1e-6)


def test_same_as_keras_on_jax():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    for name in ("tanh", "softplus", "elu", "selu", "log_sigmoid", "hard_sigmoid", "softsign"):
        theirs = np.asarray(getattr(keras.activations, name)(INTS))
        ours = getattr(numnet.activations, name)(numnet.ops.convert_to_tensor(INTS))
        assert str(ours.dtype) == str(theirs.dtype), (name, ours.dtype, theirs.dtype)
        np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-5, atol=1e-6, err_msg=name)
