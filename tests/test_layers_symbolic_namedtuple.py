"""A layer that returns a namedtuple (TensorFlow's combined_non_max_suppression gives one) on
symbolic inputs: its output is the namedtuple of symbolic tensors, whose fields build a model,
as under Keras 3 (on TensorFlow and JAX, ``type(outputs).__name__`` is the namedtuple's)."""

from __future__ import annotations

import collections

import numpy as np

import numnet as keras

Pair = collections.namedtuple("Pair", ["low", "high"])


class Split(keras.layers.Layer):
    def call(self, x):
        return Pair(x - 1.0, 2.0 * x)


def test_a_symbolic_call_gives_the_namedtuple_by_its_fields():
    inputs = keras.Input((2,))
    outputs = Split()(inputs)
    assert type(outputs) is Pair
    assert tuple(outputs.low.shape) == tuple(outputs.high.shape) == (None, 2)
    model = keras.Model(inputs, keras.layers.Add()([outputs.low, outputs.high]))
    x = np.array([[1.0, 2.0], [3.0, -1.0]], "float32")
    # (x - 1) + 2x = 3x - 1
    np.testing.assert_allclose(np.asarray(model(x)), 3 * x - 1)


def test_combined_non_max_suppression_in_a_functional_model():
    import numnet as tf

    boxes = keras.Input((3, 1, 4))
    scores = keras.Input((3, 2))
    found = tf.keras.layers.Lambda(lambda args: tf.image.combined_non_max_suppression(
        args[0], args[1], 2, 3, 0.5, 0.1, clip_boxes=False))([boxes, scores])
    assert type(found).__name__ == "CombinedNonMaxSuppression"
    model = keras.Model([boxes, scores], [found.nmsed_scores, found.valid_detections])
    box_values = np.array([[[[0, 0, 1, 1]], [[0, 0, 1, 1]], [[5, 5, 6, 6]]]], "float32")
    score_values = np.array([[[0.9, 0.05], [0.8, 0.3], [0.2, 0.6]]], "float32")
    kept, count = model([box_values, score_values])
    # class 0: 0.9 (box 0) suppresses 0.8 (box 1, IOU 1), then 0.2; class 1: 0.6, 0.3 (0.05 is
    # under the 0.1 threshold); the three best: 0.9, 0.6, 0.3
    np.testing.assert_allclose(np.asarray(kept)[0], [0.9, 0.6, 0.3], rtol=1e-6)
    assert int(np.asarray(count)[0]) == 3
