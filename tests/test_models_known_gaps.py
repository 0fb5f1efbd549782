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


def test_nested_outputs_of_layers_that_return_pairs():
    """The involution example's visualisation model: outputs are the (output, kernel) pairs of
    three layers. Keras: predict gives a list of pairs."""
    inputs = numnet.Input((3,))
    first = _TwoOutputs(name="first")(inputs)
    second = _TwoOutputs(name="second")(first[0])
    model = numnet.Model(inputs, [first, second])
    out = model.predict(np.ones((2, 3), "float32"), verbose=0)
    assert isinstance(out, list) and all(isinstance(pair, tuple) for pair in out)
    assert len(out) == 2 and len(out[0]) == 2
    np.testing.assert_allclose(out[1][1], np.full((2, 3), 3.0))  # (1 * 2) + 1
    np.testing.assert_allclose(out[0][0], np.full((2, 3), 2.0))
    called = model(np.ones((2, 3), "float32"))
    np.testing.assert_allclose(called[1][0].numpy(), np.full((2, 3), 4.0))
    assert model.output_names == ["first", "first_1", "second", "second_1"]
    flat = numnet.Model(inputs, [first[0], first[1]])  # Keras takes these too
    assert [a.shape for a in flat.predict(np.ones((2, 3), "float32"), verbose=0)] == [
        (2, 3), (2, 3)]


@pytest.mark.parametrize("suffix", [".numnet", ".keras"])
def test_nested_outputs_survive_a_model_file(tmp_path, suffix):
    """Keras writes the pairs as nested lists of references, and reads them back as lists."""
    numnet.saving.get_custom_objects()["_TwoOutputs"] = _TwoOutputs
    try:
        inputs = numnet.Input((3,))
        first = _TwoOutputs(name="first")(inputs)
        model = numnet.Model(inputs, [first, layers.Dense(2, name="d")(first[1])])
        model.save(tmp_path / f"m{suffix}")
        loaded = numnet.saving.load_model(tmp_path / f"m{suffix}")
    finally:
        del numnet.saving.get_custom_objects()["_TwoOutputs"]
    x = np.random.default_rng(2).normal(size=(4, 3)).astype("float32")
    ours, theirs = model.predict(x, verbose=0), loaded.predict(x, verbose=0)
    assert len(theirs) == 2 and len(theirs[0]) == 2 and theirs[1].shape == (4, 2)
    np.testing.assert_allclose(theirs[0][1], x + 1.0, rtol=1e-6)
    np.testing.assert_allclose(theirs[1], ours[1], rtol=1e-6)
