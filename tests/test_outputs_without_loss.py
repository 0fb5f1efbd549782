"""A model of several outputs where some have no loss and no metrics: those take no target,
so one array (or a list of as many as need one) goes to the outputs that do, as in Keras."""

import numpy as np
import pytest

import numnet as keras
from numnet import layers


def _model():
    inputs = layers.Input(shape=(6,), dtype="int32")
    hidden = layers.Dense(8, activation="relu")(layers.Embedding(20, 8)(inputs))
    return keras.Model(inputs, [layers.Dense(20)(hidden), hidden])


def test_one_target_array_goes_to_the_one_output_with_a_loss():
    keras.utils.set_random_seed(0)
    model = _model()
    loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile("adam", loss=[loss, None])
    xs = np.random.default_rng(0).integers(0, 20, (64, 6))
    ys = np.roll(xs, -1, axis=1)
    want = float(loss(ys, model.predict(xs, verbose=0)[0]))
    got = float(model.evaluate(xs, ys, verbose=0))
    np.testing.assert_allclose(got, want, rtol=1e-5)
    history = model.fit(xs, ys, epochs=2, verbose=0).history
    assert list(history) == ["loss"] and history["loss"][1] < history["loss"][0]
    # the list form, with None for the output without a loss, is the same
    np.testing.assert_allclose(float(model.evaluate(xs, [ys, None], verbose=0)),
                               float(model.evaluate(xs, ys, verbose=0)), rtol=1e-6)


def test_outputs_that_all_need_targets_still_ask_for_each():
    model = _model()
    model.compile("adam", loss=["sparse_categorical_crossentropy", "mse"])
    xs = np.zeros((4, 6), "int32")
    with pytest.raises(ValueError, match="given one ndarray"):
        model.fit(xs, np.zeros((4, 6)), epochs=1, verbose=0)
