"""IoU, MeanIoU, BinaryIoU, OneHotIoU, OneHotMeanIoU: against confusion matrices counted here
in NumPy (and scikit-learn's jaccard_score where installed), hand values, configs, and Keras 3
(JAX) where installed."""

from __future__ import annotations

import os

import numpy as np
import pytest

from numnet import metrics

RNG = np.random.default_rng(3)


def iou_reference(labels, predictions, num_classes, target, weights=None):
    """The mean over ``target`` classes that occur of TP / (TP + FP + FN), counted pair by
    pair."""
    labels, predictions = np.ravel(labels), np.ravel(predictions)
    weights = np.ones(labels.size) if weights is None else np.ravel(weights)
    values = []
    for c in target:
        tp = weights[(labels == c) & (predictions == c)].sum()
        fp = weights[(labels != c) & (predictions == c)].sum()
        fn = weights[(labels == c) & (predictions != c)].sum()
        if tp + fp + fn > 0:
            values.append(tp / (tp + fp + fn))
    return np.mean(values) if values else 0.0


def test_hand_values_from_keras_docs():
    m = metrics.MeanIoU(num_classes=2)
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1])
    assert float(m.result()) == pytest.approx(1 / 3)
    m.reset_state()
    # cm = [[0.3, 0.3], [0.3, 0.1]]: IoU_0 = 0.3 / 0.9, IoU_1 = 0.1 / 0.7
    m.update_state([0, 0, 1, 1], [0, 1, 0, 1], sample_weight=[0.3, 0.3, 0.3, 0.1])
    assert float(m.result()) == pytest.approx((0.3 / 0.9 + 0.1 / 0.7) / 2)
    b = metrics.BinaryIoU(target_class_ids=[0, 1], threshold=0.3)
    b.update_state([0, 1, 0, 1], [0.1, 0.2, 0.4, 0.7], sample_weight=[0.2, 0.3, 0.4, 0.1])
    # cm = [[0.2, 0.4], [0.3, 0.1]]: IoU = [0.2 / 0.9, 0.1 / 0.8]
    assert float(b.result()) == pytest.approx((0.2 / 0.9 + 0.1 / 0.8) / 2, rel=1e-6)
    o = metrics.OneHotIoU(num_classes=3, target_class_ids=[0, 2])
    y_true = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0], [1, 0, 0]])
    y_pred = np.array([[0.2, 0.3, 0.5], [0.1, 0.2, 0.7], [0.5, 0.3, 0.1], [0.1, 0.4, 0.5]])
    o.update_state(y_true, y_pred, sample_weight=[0.1, 0.2, 0.3, 0.4])
    assert float(o.result()) == pytest.approx((0 / 0.9 + 0.1 / 0.7) / 2, rel=1e-6)


@pytest.mark.parametrize("ignore_class", [None, 2])
def test_mean_iou_accumulates_batches_like_the_reference(ignore_class):
    labels = RNG.integers(0, 4, size=(3, 5, 6))
    predictions = np.where(RNG.random((3, 5, 6)) < 0.6, labels, RNG.integers(0, 4, (3, 5, 6)))
    weights = RNG.random((3, 5, 6))
    m = metrics.MeanIoU(4, ignore_class=ignore_class)
    for i in range(3):
        m.update_state(labels[i], predictions[i], sample_weight=weights[i])
    keep = np.ones(labels.shape, bool) if ignore_class is None else labels != ignore_class
    want = iou_reference(labels[keep], predictions[keep], 4, range(4), weights[keep])
    assert float(m.result()) == pytest.approx(want, rel=1e-6)
    m.reset_state()
    assert float(m.result()) == 0.0


def test_per_sample_weights_broadcast_over_pixels_and_out_of_range_ids_are_dropped():
    labels = np.array([[0, 1], [1, 1]])
    predictions = np.array([[0, 1], [0, 7]])  # 7 is outside [0, 2): the pair is dropped
    m = metrics.IoU(2, [1])
    m.update_state(labels, predictions, sample_weight=[1.0, 2.0])
    # class 1: TP = 1 (weight 1), FN = 2 (label 1, predicted 0, weight 2)
    assert float(m.result()) == pytest.approx(1 / 3)


def test_one_hot_mean_iou_is_mean_iou_of_the_argmax():
    y_true = np.eye(3)[RNG.integers(0, 3, 20)]
    scores = RNG.random((20, 3))
    a = metrics.OneHotMeanIoU(3)
    a.update_state(y_true, scores)
    b = metrics.MeanIoU(3)
    b.update_state(y_true.argmax(-1), scores.argmax(-1))
    assert float(a.result()) == float(b.result())
    c = metrics.MeanIoU(3, sparse_y_true=False, sparse_y_pred=False)
    c.update_state(y_true, scores)
    assert float(c.result()) == float(b.result())


def test_against_scikit_learn_jaccard():
    sklearn_metrics = pytest.importorskip("sklearn.metrics")
    labels = RNG.integers(0, 3, 50)
    predictions = RNG.integers(0, 3, 50)
    m = metrics.MeanIoU(3)
    m.update_state(labels, predictions)
    want = sklearn_metrics.jaccard_score(labels, predictions, average="macro")
    assert float(m.result()) == pytest.approx(want, rel=1e-6)


def test_errors_name_the_argument():
    with pytest.raises(ValueError, match="target_class_ids"):
        metrics.IoU(2, [2])
    with pytest.raises(ValueError, match="num_classes"):
        metrics.MeanIoU(0)
    with pytest.raises(TypeError, match=r"MeanIoU\(num_classes=3\)"):
        metrics.get("MeanIoU")


def test_configs_round_trip_and_match_keras():
    examples = [metrics.IoU(3, [0, 2], ignore_class=1), metrics.MeanIoU(4, axis=1),
                metrics.BinaryIoU([1], threshold=0.3), metrics.OneHotIoU(3, [1]),
                metrics.OneHotMeanIoU(2, sparse_y_pred=True)]
    for m in examples:
        assert type(m).from_config(m.get_config()).get_config() == m.get_config()
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    for m in examples:
        theirs = getattr(keras.metrics, type(m).__name__).from_config(
            {**m.get_config(), "dtype": "float32"}).get_config()
        assert set(theirs) == set(m.get_config()), type(m).__name__


@pytest.mark.parametrize("name", ["IoU", "MeanIoU", "BinaryIoU", "OneHotIoU", "OneHotMeanIoU"])
def test_against_keras(name):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    kwargs = {"IoU": dict(num_classes=4, target_class_ids=[1, 3], ignore_class=0),
              "MeanIoU": dict(num_classes=4), "BinaryIoU": dict(threshold=0.4),
              "OneHotIoU": dict(num_classes=4, target_class_ids=[0, 2]),
              "OneHotMeanIoU": dict(num_classes=4)}[name]
    ours = getattr(metrics, name)(**kwargs)
    # float32: Keras 3's default int confusion matrix would truncate the weights
    theirs = getattr(keras.metrics, name)(**kwargs, dtype="float32")
    for _ in range(3):
        labels = RNG.integers(0, 4, (6, 5))
        if name == "BinaryIoU":
            labels, predictions = labels % 2, RNG.random((6, 5)).astype("float32")
        elif name.startswith("OneHot"):
            labels, predictions = np.eye(4)[labels], RNG.random((6, 5, 4)).astype("float32")
        else:
            predictions = RNG.integers(0, 4, (6, 5))
        weights = RNG.random((6, 5)).astype("float32")
        ours.update_state(labels, predictions, sample_weight=weights)
        theirs.update_state(labels, predictions, sample_weight=weights)
    assert float(ours.result()) == pytest.approx(float(theirs.result()), rel=1e-5)
