"""Keras behaviours of functional models found by the Keras examples: those numnet has are
plain tests; one it does not have yet is a strict xfail naming the defect (in
src/numnet/models/), so the day it is fixed its test fails and the mark can go. Each test
states what Keras 3 does."""

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet import layers


def _chain_model():
    inputs = numnet.Input((6, 6, 2))
    x = layers.Conv2D(3, 3, padding="same", activation="relu", name="last_conv")(inputs)
    x = layers.GlobalAveragePooling2D()(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    return numnet.Model(inputs, outputs)


@pytest.mark.parametrize("kind", ["functional", "sequential"])
def test_grad_model_of_a_chain_model_shares_the_conv_output(kind):
    """Grad-CAM (keras.io): the gradient of the class score with respect to the last conv
    output of a model built from another model's layer output and output. Keras: the
    gradient exists (the score is computed from that very tensor)."""
    model = _chain_model() if kind == "functional" else numnet.Sequential(
        [numnet.Input((6, 6, 2)), layers.Conv2D(3, 3, padding="same", name="last_conv"),
         layers.GlobalAveragePooling2D(), layers.Dense(2, activation="softmax")])
    grad_model = numnet.Model(model.inputs,
                              [model.get_layer("last_conv").output, model.output])
    image = np.random.default_rng(0).normal(size=(1, 6, 6, 2)).astype("float32")
    with tf.GradientTape() as tape:
        conv_output, preds = grad_model(image)
        score = preds[:, 1]
    grads = tape.gradient(score, conv_output)
    assert grads is not None and grads.shape == (1, 6, 6, 3)
    head = [model.layers[-2], model.layers[-1]]  # the same score from the conv output alone
    conv = numnet.Variable(conv_output.numpy())
    with tf.GradientTape() as tape:
        score = head[1](head[0](conv))[:, 1]
    np.testing.assert_allclose(grads.numpy(), tape.gradient(score, conv).numpy(), rtol=1e-5,
                               atol=1e-8)


class _TwoOutputs(layers.Layer):
    def call(self, x):
        return x * 2.0, x + 1.0


@pytest.mark.xfail(strict=True, reason=(
    "models/functional.py _init_graph: Model(outputs=[(a, b), (c, d)]) is refused ('expected "
    "the tensors returned by Input(...) and by calling layers on them, given tuple'); Keras 3 "
    "takes any nested structure of outputs and predict returns it"))
def test_nested_outputs_of_layers_that_return_pairs():
    """The involution example's visualisation model: outputs are the (output, kernel) pairs of
    three layers. Keras: predict gives a list of pairs."""
    inputs = numnet.Input((3,))
    first = _TwoOutputs(name="first")(inputs)
    second = _TwoOutputs(name="second")(first[0])
    model = numnet.Model(inputs, [first, second])
    out = model.predict(np.ones((2, 3), "float32"), verbose=0)
    assert len(out) == 2 and len(out[0]) == 2
    np.testing.assert_allclose(out[1][1], np.full((2, 3), 3.0))
