"""TimeDistributed over a model, or over a layer of one's own without compute_output_shape,
on a symbolic input: the output has the wrapped layer's per-step shape (its build on a sample),
as Keras 3 traces it, where the input's shape came out. Shapes recorded from Keras 3.15 on JAX
running the same code with ``import keras``."""

from __future__ import annotations

import numpy as np

import numnet as keras
from numnet import layers, ops

FRAMES = np.random.default_rng(0).normal(size=(2, 8, 6, 6, 3)).astype("float32")


def _cnn():
    return keras.Sequential([keras.Input((6, 6, 3)), layers.Conv2D(4, 3, kernel_initializer="ones"),
                             layers.GlobalAveragePooling2D()])


def test_a_sequential_under_time_distributed_gives_its_features_per_step():
    cnn = _cnn()
    frames = keras.Input((8, 6, 6, 3))
    features = layers.TimeDistributed(cnn)(frames)
    assert tuple(features.shape) == (None, 8, 4)  # Keras: (None, 8, 4)
    model = keras.Model(frames, layers.GRU(3)(features))
    assert tuple(model.output_shape) == (None, 3)
    per_step = np.stack([np.asarray(cnn(FRAMES[:, t])) for t in range(8)], axis=1)
    np.testing.assert_allclose(np.asarray(keras.Model(frames, features)(FRAMES)), per_step,
                               rtol=1e-5)


def test_a_functional_model_with_an_op_inside():
    inner_in = keras.Input((6, 6, 3))
    inner = keras.Model(inner_in, _cnn()(inner_in * 2.0 - 1.0))
    frames = keras.Input((8, 6, 6, 3))
    assert tuple(layers.TimeDistributed(inner)(frames).shape) == (None, 8, 4)  # Keras: same


class RowSum(layers.Layer):
    def call(self, x):
        return ops.sum(x, axis=-1)


def test_a_layer_of_ones_own_without_compute_output_shape():
    # (Keras 3.15 refuses it: "Layer RowSum does not have a `compute_output_shape` method
    # implemented"; numnet calls it on samples, as it does for such a layer outside a wrapper)
    x = keras.Input((5, 3))
    y = layers.TimeDistributed(RowSum())(x)
    assert tuple(y.shape) == (None, 5)
    values = np.arange(30, dtype="float32").reshape(2, 5, 3)
    np.testing.assert_allclose(np.asarray(keras.Model(x, y)(values)), values.sum(-1))


def test_builtin_layers_keep_their_compute_output_shape():
    x = keras.Input((5, 3))
    assert tuple(layers.TimeDistributed(layers.Dense(7))(x).shape) == (None, 5, 7)
