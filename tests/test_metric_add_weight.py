"""Metric.add_weight: the tf.keras name of add_variable that Keras 3 keeps (metric.py), used by
metrics written for tf.keras such as the F1Score of "Introduction to Keras for Researchers"."""

import numpy as np

import numnet as keras
from numnet import ops


class F1Score(keras.metrics.Metric):
    def __init__(self, name="f1_score", dtype="float32", **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.true_positives = self.add_weight(name="tp", dtype=dtype, initializer="zeros")
        self.false_positives = self.add_weight(name="fp", dtype=dtype, initializer="zeros")
        self.false_negatives = self.add_weight(name="fn", dtype=dtype, initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(y_true, "bool")
        y_pred = ops.greater_equal(y_pred, 0.5)
        weight = 1.0 if sample_weight is None else ops.cast(sample_weight, "float32")
        self.true_positives.assign_add(ops.sum(ops.cast(y_true & y_pred, "float32") * weight))
        self.false_positives.assign_add(ops.sum(ops.cast(~y_true & y_pred, "float32") * weight))
        self.false_negatives.assign_add(ops.sum(ops.cast(y_true & ~y_pred, "float32") * weight))

    def result(self):
        return 2 * self.true_positives / (
            2 * self.true_positives + self.false_positives + self.false_negatives)


def test_add_weight_makes_tracked_scalar_zeros():
    metric = F1Score()
    assert [v.name for v in metric.variables] == ["tp", "fp", "fn"]
    for variable in metric.variables:
        assert variable.shape == ()
        assert str(variable.dtype) == "float32"
        assert float(variable.numpy()) == 0.0
        assert not variable.trainable


def test_f1_of_the_guide():
    metric = F1Score()
    metric.update_state([0, 1, 0, 0], [0.3, 0.5, 0.8, 0.9])
    assert float(metric.result()) == 0.5  # tp 1, fp 2, fn 0
    metric.update_state([1, 1, 1, 1], [0.1, 0.7, 0.6, 0.0])
    np.testing.assert_allclose(float(metric.result()), 0.6, rtol=1e-6)  # tp 3, fp 2, fn 2
    metric.update_state([1, 0], [0.9, 0.9], sample_weight=[2.0, 0.5])
    np.testing.assert_allclose(float(metric.result()), 10 / 14.5, rtol=1e-6)
    metric.reset_state()
    assert [float(v.numpy()) for v in metric.variables] == [0.0, 0.0, 0.0]


def test_add_weight_defaults_and_shape():
    class Counts(keras.metrics.Metric):
        def __init__(self):
            super().__init__(name="counts")
            self.counts = self.add_weight(shape=(3,), initializer="zeros")
            self.ones = self.add_weight(shape=(2,), initializer="ones", dtype="int32")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.counts.assign_add(ops.sum(ops.one_hot(y_true, 3), axis=0))

        def result(self):
            return self.counts

    metric = Counts()
    assert metric.counts.shape == (3,) and float(ops.sum(metric.counts)) == 0.0
    assert str(metric.ones.dtype) == "int32" and metric.ones.numpy().tolist() == [1, 1]
    metric.update_state(np.array([0, 2, 2]), None)
    assert metric.result().numpy().tolist() == [1.0, 0.0, 2.0]
