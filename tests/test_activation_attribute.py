"""A layer's ``activation`` assigned after it is built changes what it computes, as in Keras
(the Grad-CAM recipe sets ``model.layers[-1].activation = None`` to read logits)."""

import numpy as np
import pytest

import numnet
from numnet import layers


def _x(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape).astype("float32")


def test_dense_softmax_set_to_none_gives_logits():
    model = numnet.Sequential([numnet.Input((3,)), layers.Dense(4, activation="softmax")])
    x = _x((5, 3))
    kernel, bias = model.layers[-1].get_weights()
    probabilities = model.predict(x, verbose=0)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)
    model.layers[-1].activation = None
    logits = x @ kernel + bias
    assert model.layers[-1].activation is numnet.activations.linear
    np.testing.assert_allclose(model.predict(x, verbose=0), logits, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(model(x).numpy(), logits, rtol=1e-5, atol=1e-6)


def test_dense_activation_set_by_name_after_build():
    layer = layers.Dense(3)
    x = _x((4, 2), seed=1)
    linear = layer(x).numpy()
    layer.activation = "relu"
    np.testing.assert_allclose(layer(x).numpy(), np.maximum(linear, 0.0), rtol=1e-6)
    assert layer.get_config()["activation"] == "relu"


def test_fit_after_the_change_trains_the_linear_output():
    model = numnet.Sequential([numnet.Input((2,)), layers.Dense(2, activation="sigmoid")])
    model.layers[-1].activation = None
    model.compile(optimizer="sgd", loss="mse")
    x, y = _x((8, 2), seed=2), _x((8, 2), seed=3)
    kernel, bias = model.layers[-1].get_weights()
    expected = float(np.mean((x @ kernel + bias - y) ** 2))
    assert model.evaluate(x, y, verbose=0) == pytest.approx(expected, rel=1e-5)


@pytest.mark.parametrize("make", [
    lambda: layers.Conv2D(2, 3, activation="relu"),
    lambda: layers.DepthwiseConv2D(3, activation="relu"),
    lambda: layers.SeparableConv2D(2, 3, activation="relu"),
    lambda: layers.Conv2DTranspose(2, 3, activation="relu"),
])
def test_convolutions_set_to_none_become_linear(make):
    layer = make()
    x = _x((1, 6, 6, 2), seed=4)
    rectified = layer(x).numpy()
    assert rectified.min() >= 0.0
    layer.activation = None
    linear = layer(x).numpy()
    assert linear.min() < 0.0
    np.testing.assert_allclose(np.maximum(linear, 0.0), rectified, rtol=1e-5, atol=1e-6)


def test_einsum_dense_and_activation_layer():
    dense = layers.EinsumDense("ab,bc->ac", output_shape=3, activation="relu")
    x = _x((4, 2), seed=5)
    rectified = dense(x).numpy()
    dense.activation = None
    np.testing.assert_allclose(np.maximum(dense(x).numpy(), 0.0), rectified, rtol=1e-6)
    activation = layers.Activation("relu")
    activation.activation = "tanh"
    np.testing.assert_allclose(activation(x).numpy(), np.tanh(x), rtol=1e-6)


def test_unknown_name_is_refused_when_assigned():
    layer = layers.Dense(2)
    with pytest.raises(ValueError, match="unknown name"):
        layer.activation = "relux"
