"""fit with an optimizer's ``use_ema``: after the last epoch the weights are the moving
averages, as Keras's fit leaves them (``optimizer.finalize_variable_values``)."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet

X = np.random.default_rng(0).normal(size=(64, 3)).astype("float32")
Y = X @ np.array([[1.0], [2.0], [-1.0]], "float32")


def _fit(keras, use_ema=True):
    model = keras.Sequential([keras.Input((3,)),
                              keras.layers.Dense(1, kernel_initializer="ones")])
    model.compile(keras.optimizers.SGD(0.05, use_ema=use_ema, ema_momentum=0.9), "mse")
    model.fit(X, Y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    return model.get_weights()


def _by_hand():
    """SGD on the mean squared error, batch by batch, and the average Keras keeps: the weights
    after the first step, then 0.9 average + 0.1 weights after each later step."""
    w, b = np.ones((3, 1)), np.zeros(1)
    average = None
    for _ in range(2):
        for start in range(0, 64, 16):
            xb, yb = X[start:start + 16].astype(float), Y[start:start + 16].astype(float)
            error = xb @ w + b - yb
            w = w - 0.05 * 2 * xb.T @ error / len(xb)
            b = b - 0.05 * 2 * error.sum(0) / len(xb)
            average = ((w, b) if average is None
                       else (0.9 * average[0] + 0.1 * w, 0.9 * average[1] + 0.1 * b))
    return (w, b), average


def test_the_weights_after_fit_are_the_moving_averages():
    trained, average = _by_hand()
    kernel, bias = _fit(numnet)
    np.testing.assert_allclose(kernel, average[0], rtol=1e-5)
    np.testing.assert_allclose(bias, average[1], rtol=1e-5, atol=1e-6)
    assert np.abs(average[0] - trained[0]).max() > 1e-2  # the two differ: the test can fail
    kernel, bias = _fit(numnet, use_ema=False)
    np.testing.assert_allclose(kernel, trained[0], rtol=1e-5)


def test_the_same_weights_as_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    for ours, theirs in zip(_fit(numnet), _fit(keras), strict=True):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
