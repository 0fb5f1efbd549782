"""Metric.add_weight: the tf.keras name of add_variable that Keras 3 keeps (metric.py), used by
metrics written for tf.keras such as the F1Score of "Introduction to Keras for Researchers"."""

import numpy as np
import pytest

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


def test_add_weight_takes_tf_keras_positional_name():
    class Counter(keras.metrics.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.count = self.add_weight("count", initializer="zeros")

        def update_state(self, y_true, y_pred, sample_weight=None):
            self.count.assign_add(float(np.shape(y_true)[0]))

        def result(self):
            return self.count

    metric = Counter()
    metric.update_state(np.zeros(3), np.zeros(3))
    assert metric.variables[0].name == "count" and metric.variables[0].shape == ()
    assert float(metric.result()) == 3.0


class Keras2Weights(keras.layers.Layer):
    """A layer written in tf.keras's order, add_weight(name, shape, ...)."""

    def build(self, input_shape):
        self.w = self.add_weight("w", shape=(input_shape[-1], 2), initializer="ones")
        self.b = self.add_weight("b", shape=(2,), initializer="zeros")
        self.s = self.add_weight(shape=(), name="s", initializer="ones")

    def call(self, x):
        return ops.matmul(x, self.w) * self.s + self.b


def test_layer_add_weight_takes_the_name_first_as_tf_keras():
    layer = Keras2Weights()
    out = layer(np.ones((1, 3), "float32"))
    assert [(w.name, tuple(w.shape)) for w in layer.weights] == [
        ("w", (3, 2)), ("b", (2,)), ("s", ())]
    np.testing.assert_array_equal(np.asarray(out), [[3.0, 3.0]])


def test_layer_add_weight_refuses_a_shape_given_twice():
    layer = keras.layers.Layer()
    with pytest.raises(TypeError, match="`shape` was given twice"):
        layer.add_weight((2,), shape=(3,))
    with pytest.raises(TypeError, match="a name was given twice"):
        layer.add_weight("w", shape=(3,), name="v")


def test_a_keras_file_loads_a_layer_written_with_names_first(tmp_path):
    model = keras.Sequential([keras.Input((3,)), Keras2Weights()])
    path = tmp_path / "m.keras"
    model.save(path)
    loaded = keras.models.load_model(path, custom_objects={"Keras2Weights": Keras2Weights})
    np.testing.assert_array_equal(np.asarray(loaded.predict(np.ones((2, 3)), verbose=0)),
                                  [[3.0, 3.0], [3.0, 3.0]])
