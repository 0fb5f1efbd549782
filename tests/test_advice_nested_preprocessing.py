"""The scaling advice looks inside a model used as a layer: a Sequential of preprocessing layers
that starts with Normalization or Rescaling (the keras.io examples' ``data_augmentation``)
scales the raw pixels itself, so fit on them draws no "unscaled_inputs" advice; a nested model
that starts with a Dense still does."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import numnet
from numnet import advice, layers
from numnet.advice import AdviceWarning


@pytest.fixture(autouse=True)
def advice_on():
    advice.enable()
    numnet.utils.set_random_seed(0)
    yield
    advice.enable()


def unscaled_warnings(model, x, y) -> int:
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    return sum(1 for w in caught if issubclass(w.category, AdviceWarning)
               and w.message.rule == "unscaled_inputs")


def pixels():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (32, 6, 6, 3)).astype("float32")  # reaches about 255
    return x, rng.integers(0, 3, 32)


@pytest.mark.parametrize("first", ["normalization", "rescaling"])
def test_nested_preprocessing_model_scales_the_inputs(first):
    x, y = pixels()
    scaler = layers.Normalization() if first == "normalization" else layers.Rescaling(1 / 255)
    augmentation = numnet.Sequential([scaler, layers.Resizing(4, 4)], name="data_augmentation")
    if first == "normalization":
        augmentation.layers[0].adapt(x)
    inputs = layers.Input(shape=(6, 6, 3))
    hidden = layers.Flatten()(augmentation(inputs))
    model = numnet.Model(inputs, layers.Dense(3, activation="softmax")(hidden))
    assert unscaled_warnings(model, x, y) == 0


def test_nested_model_starting_with_a_dense_is_still_advised():
    x, y = pixels()
    body = numnet.Sequential([layers.Flatten(), layers.Dense(4, activation="relu")])
    inputs = layers.Input(shape=(6, 6, 3))
    model = numnet.Model(inputs, layers.Dense(3, activation="softmax")(body(inputs)))
    assert unscaled_warnings(model, x, y) == 1


def test_sequential_inside_sequential():
    x, y = pixels()
    model = numnet.Sequential([
        layers.Input(shape=(6, 6, 3)),
        numnet.Sequential([layers.Rescaling(1 / 255)]),
        layers.Flatten(),
        layers.Dense(3, activation="softmax"),
    ])
    assert unscaled_warnings(model, x, y) == 0
