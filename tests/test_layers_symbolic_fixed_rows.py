"""Functional graphs where a tensor of a fixed number of rows meets a batch of the Input's.

``ops.segment_sum(x, ids, num_segments=4)`` gives 4 rows whatever the batch; the message-passing
examples add such a tensor to one of the batch's (a GRUCell called on (messages, state)).
Keras on TensorFlow traces the batch as None, which broadcasts with 4, so the model builds and
the output has 4 rows. numnet learns a node's output from calls on samples of 2 and 3 rows; a
broadcast between those and the fixed size is rerun on samples of that size, as Keras's shape
is. Numbers recorded from Keras 3.15 on TensorFlow 2.21 (the same script with ``import keras``).
"""

from __future__ import annotations

import numpy as np
import pytest

import numnet as keras
from numnet import layers, ops

X = np.arange(12, dtype="float32").reshape(4, 3) / 10
IDS = np.array([0, 0, 2, 3], "int32")


def _model():
    x = keras.Input((3,))
    ids = keras.Input((), dtype="int32")
    state = keras.Input((3,))
    pooled = ops.segment_sum(x, ids, num_segments=4)
    y = x + pooled
    h, _ = layers.GRUCell(3, kernel_initializer="ones", recurrent_initializer="ones")(
        pooled, state)
    return keras.Model([x, ids, state], [y, h]), pooled, y, h


def test_a_fixed_size_segment_sum_added_to_the_batch_builds_with_its_rows():
    _, pooled, y, h = _model()
    # Keras on TensorFlow: (4, 3) for each
    assert tuple(pooled.shape) == (4, 3)
    assert tuple(y.shape) == (4, 3)
    assert tuple(h.shape) == (4, 3)


def test_the_model_computes_keras_values():
    model, *_ = _model()
    y, h = model([X, IDS, np.zeros((4, 3), "float32")])
    # segment sums: row 0 = X[0] + X[1] = [.3, .5, .7], row 1 = 0, rows 2, 3 = X[2], X[3];
    # y = X + those (Keras: [[.3, .6, .9], [.3, .4, .5], [1.2, 1.4, 1.6], [1.8, 2, 2.2]])
    np.testing.assert_allclose(
        np.asarray(y), [[0.3, 0.6, 0.9], [0.3, 0.4, 0.5], [1.2, 1.4, 1.6], [1.8, 2.0, 2.2]],
        rtol=1e-6)
    # Keras's GRU output (every unit alike, ones kernels):
    np.testing.assert_allclose(
        np.asarray(h)[:, 0], [0.165122, 0.0, 0.105873, 0.047191], atol=1e-6)
    # by hand, from a zero state: h = (1 - z) * tanh(s), z = sigmoid(s), s the row's sum of
    # the pooled features (ones kernels, zero biases)
    s = np.array([0.3 + 0.5 + 0.7, 0.0, 0.6 + 0.7 + 0.8, 0.9 + 1.0 + 1.1])
    z = 1 / (1 + np.exp(-s))
    np.testing.assert_allclose(np.asarray(h)[:, 0], (1 - z) * np.tanh(s), atol=1e-6)


def test_shapes_that_differ_elsewhere_than_the_rows_are_still_refused():
    x = keras.Input((3,))
    # Keras: "Cannot broadcast shape ... Input shapes are: [None, 3] and [4, 5]"
    with pytest.raises(ValueError, match=r"broadcast.*\(2,3\) \(4,5\)"):
        keras.Model(x, x + ops.ones((4, 5)))
