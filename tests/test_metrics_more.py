"""CategoricalHinge, CosineSimilarity, LogCoshError, PearsonCorrelation, ConcordanceCorrelation,
PrecisionAtRecall, RecallAtPrecision, SensitivityAtSpecificity, SpecificityAtSensitivity, and the
metric functions huber, log_cosh, categorical_hinge, pearson_correlation,
concordance_correlation, binary_focal_crossentropy and categorical_focal_crossentropy.

Each is checked against the same quantity computed here in NumPy (float64) on random data
streamed in uneven batches, with and without sample weights; in compile / fit, with the names
Keras logs; through configs and saved models; and, where keras and jax are installed, against
Keras 3 itself (those tests skip otherwise).
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

import numnet
from numnet import metrics as M
from numnet.callbacks.monitor_callback import maximizes

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

RNG = np.random.default_rng(20240917)
N, C = 257, 4
CUTS = (0, 1, 30, 31, 128, 200, N)  # uneven batches, one of a single sample
T = 200  # the default num_thresholds

W = RNG.uniform(0.1, 2.0, N).astype("float32")
Y_REG = RNG.normal(size=(N, C)).astype("float32")
P_REG = (0.6 * Y_REG + RNG.normal(0.0, 0.8, (N, C))).astype("float32")
LABELS = RNG.integers(0, C, N)
ONE_HOT = np.eye(C, dtype="float32")[LABELS]
SCORES = RNG.normal(0.0, 1.5, (N, C)).astype("float32")
# Predictions that lean towards the labels, so that the rates trade off along the thresholds.
Y_BIN = (RNG.random((N, 1)) < 0.4).astype("float32")
P_BIN = (0.2 * Y_BIN + 0.8 * RNG.random((N, 1))).astype("float32")
Y_MULTI = (RNG.random((N, C)) < 0.5).astype("float32")
P_MULTI = (0.2 * Y_MULTI + 0.8 * RNG.random((N, C))).astype("float32")


def centred(y, steps: int):
    """Predictions leaning towards y at the centres of the buckets (k + 1/2) / steps: none lies
    near a threshold i / steps, so comparing with the thresholds is unambiguous."""
    k = np.floor((0.25 * y + 0.75 * RNG.random(y.shape)) * steps)
    return ((k + 0.5) / steps).astype("float32")


P_CENTRED = centred(Y_MULTI, T - 1)


@pytest.fixture(params=[None, W], ids=["unweighted", "weighted"])
def weights(request):
    return request.param


def stream(metric, y_true, y_pred, sample_weight=None, cuts=CUTS):
    """Feed the data batch by batch (uneven batches) and return the result."""
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        metric.update_state(y_true[lo:hi], y_pred[lo:hi],
                            None if sample_weight is None else sample_weight[lo:hi])
    return np.asarray(metric.result())


def average(per_sample, sample_weight=None):
    """The weighted mean of one value per sample, in float64."""
    return np.average(np.asarray(per_sample, "float64"), weights=sample_weight)


def f64(*arrays):
    return [np.asarray(a, "float64") for a in arrays]


# ----------------------------------------------------------------------------- by hand: losses


def test_categorical_hinge(weights):
    y, p = f64(ONE_HOT, SCORES)
    per_sample = np.maximum(((1 - y) * p).max(axis=1) - (y * p).sum(axis=1) + 1, 0)
    np.testing.assert_allclose(M.categorical_hinge(ONE_HOT, SCORES), per_sample, atol=1e-6)
    got = stream(M.CategoricalHinge(), ONE_HOT, SCORES, weights)
    assert float(got) == pytest.approx(average(per_sample, weights), rel=1e-6)
    assert float(M.CategoricalHinge()([[0, 1], [1, 0]], [[0.6, 0.4], [0.7, 0.3]])) == \
        pytest.approx(0.9, abs=1e-6)  # (1.2 + 0.6) / 2, the docstring's example


@pytest.mark.parametrize("delta", [1.0, 0.5])
def test_huber(weights, delta):
    error = np.abs(P_REG.astype("float64") - Y_REG)
    per_sample = np.where(error <= delta, 0.5 * error**2,
                          delta * error - 0.5 * delta**2).mean(axis=1)
    np.testing.assert_allclose(M.huber(Y_REG, P_REG, delta=delta), per_sample, rtol=1e-5)
    got = stream(M.MeanMetricWrapper(M.huber, delta=delta), Y_REG, P_REG, weights)
    assert float(got) == pytest.approx(average(per_sample, weights), rel=1e-6)


def test_log_cosh_and_log_cosh_error(weights):
    per_sample = np.log(np.cosh(P_REG.astype("float64") - Y_REG)).mean(axis=1)
    np.testing.assert_allclose(M.log_cosh(Y_REG, P_REG), per_sample, rtol=1e-5, atol=1e-7)
    got = stream(M.LogCoshError(), Y_REG, P_REG, weights)
    assert float(got) == pytest.approx(average(per_sample, weights), rel=1e-6)
    # cosh(100) overflows float32; log(cosh(e)) = |e| - log 2 there, without a warning.
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        big = M.log_cosh(np.zeros((1, 2), "float32"), np.array([[100.0, -100.0]], "float32"))
    np.testing.assert_allclose(big, [100.0 - np.log(2.0)], rtol=1e-6)


def test_focal_crossentropies(weights):
    p = np.clip(P_MULTI.astype("float64"), 1e-7, 1 - 1e-7)
    y = Y_MULTI.astype("float64")
    bce = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    p_t = y * p + (1 - y) * (1 - p)
    per_sample = ((1 - p_t) ** 2.0 * bce).mean(axis=1)  # gamma 2, no class balancing
    np.testing.assert_allclose(M.binary_focal_crossentropy(Y_MULTI, P_MULTI), per_sample,
                               rtol=1e-4, atol=1e-6)
    got = stream(M.MeanMetricWrapper(M.binary_focal_crossentropy), Y_MULTI, P_MULTI, weights)
    assert float(got) == pytest.approx(average(per_sample, weights), rel=1e-4)

    q = P_MULTI / P_MULTI.sum(axis=1, keepdims=True)
    q = np.clip(q.astype("float64"), 1e-7, 1 - 1e-7)
    per_sample = -(0.25 * (1 - q) ** 2.0 * ONE_HOT * np.log(q)).sum(axis=1)
    np.testing.assert_allclose(M.categorical_focal_crossentropy(ONE_HOT, P_MULTI), per_sample,
                               rtol=1e-4, atol=1e-6)


# ----------------------------------------------------------------------------- by hand: similarity


def test_cosine_similarity(weights):
    y, p = f64(Y_REG, P_REG)
    per_sample = (y * p).sum(axis=1) / (np.linalg.norm(y, axis=1) * np.linalg.norm(p, axis=1))
    got = stream(M.CosineSimilarity(), Y_REG, P_REG, weights)
    assert float(got) == pytest.approx(average(per_sample, weights), rel=1e-6)
    got = float(M.CosineSimilarity()([[0, 1], [1, 1]], [[1, 0], [1, 1]], sample_weight=[0.3, 0.7]))
    assert got == pytest.approx(0.7, abs=1e-6)  # the docstring's example
    # A zero vector has a cosine of 0 with anything (its norm is taken as 1e-7), not NaN.
    assert M.CosineSimilarity()(np.zeros((2, 3)), np.ones((2, 3))).numpy() == 0.0


def test_cosine_similarity_along_other_axes():
    y, p = f64(Y_REG, P_REG)
    cuts = (0, 50, 51, 180, N)
    # axis 0: one cosine per column of each batch, averaged over every (batch, column).
    per_column = [(y[lo:hi] * p[lo:hi]).sum(0)
                  / (np.linalg.norm(y[lo:hi], axis=0) * np.linalg.norm(p[lo:hi], axis=0))
                  for lo, hi in zip(cuts[:-1], cuts[1:])]
    got = stream(M.CosineSimilarity(axis=0), Y_REG, P_REG, cuts=cuts)
    assert float(got) == pytest.approx(np.mean(per_column), rel=1e-6)
    whole = (y * p).sum() / (np.linalg.norm(y) * np.linalg.norm(p))
    assert float(M.CosineSimilarity(axis=(0, 1))(Y_REG, P_REG)) == pytest.approx(whole, rel=1e-6)
    assert float(M.CosineSimilarity(axis=[0, 1])(Y_REG, P_REG)) == pytest.approx(whole, rel=1e-6)


def pearson(a, b):
    return np.corrcoef(a, b)[0, 1]


def concordance(a, b):
    """Lin's coefficient with population moments (and Keras's 1e-7 in the denominator)."""
    covariance = ((a - a.mean()) * (b - b.mean())).mean()
    return 2 * covariance / (a.var() + b.var() + (a.mean() - b.mean()) ** 2 + 1e-7)


@pytest.mark.parametrize("cls, fn, reference", [
    (M.PearsonCorrelation, M.pearson_correlation, pearson),
    (M.ConcordanceCorrelation, M.concordance_correlation, concordance)],
    ids=["pearson", "concordance"])
def test_correlations_per_sample(weights, cls, fn, reference):
    y, p = f64(Y_REG, P_REG)
    per_sample = np.array([reference(y[i], p[i]) for i in range(N)])
    np.testing.assert_allclose(fn(Y_REG, P_REG), per_sample, rtol=1e-4, atol=1e-5)
    got = stream(cls(), Y_REG, P_REG, weights)
    assert float(got) == pytest.approx(average(per_sample, weights), rel=1e-5)


@pytest.mark.parametrize("cls, reference", [(M.PearsonCorrelation, pearson),
                                            (M.ConcordanceCorrelation, concordance)],
                         ids=["pearson", "concordance"])
def test_correlations_along_the_batch(cls, reference):
    y, p = f64(Y_REG, P_REG)
    cuts = (0, 50, 52, 180, N)  # batches of 2 or more samples
    per_column = [reference(y[lo:hi, j], p[lo:hi, j])
                  for lo, hi in zip(cuts[:-1], cuts[1:]) for j in range(C)]
    got = stream(cls(axis=0), Y_REG, P_REG, cuts=cuts)
    assert float(got) == pytest.approx(np.mean(per_column), rel=1e-5)
    # Every value of the batch at once: one coefficient.
    got = cls(axis=(0, 1))(Y_REG, P_REG)
    assert float(got) == pytest.approx(reference(y.ravel(), p.ravel()), rel=1e-5)
    got = cls(axis=0)(Y_REG[:, 0], P_REG[:, 0])  # targets of shape (N,)
    assert float(got) == pytest.approx(reference(y[:, 0], p[:, 0]), rel=1e-5)


def test_correlations_of_one_output_per_sample_follow_keras():
    """Along the default axis a single value has no variance: Pearson's r is 0 / 0 (NaN, as
    Keras gives, and no warning), the concordance 0 / (error² + 1e-7) = 0."""
    with np.errstate(all="raise"):
        assert np.isnan(M.PearsonCorrelation()(Y_BIN, P_BIN).numpy())
        assert M.ConcordanceCorrelation()(Y_BIN, P_BIN).numpy() == 0.0
        r = M.pearson_correlation(np.array([[1.0, 1.0], [1.0, 2.0]]),
                                  np.array([[1.0, 2.0], [2.0, 4.0]]))
    assert np.isnan(r[0]) and r[1] == pytest.approx(1.0)


def test_correlation_examples():
    y = np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]])
    assert float(M.PearsonCorrelation()(y, [[2.0, 4.0, 6.0], [3.0, 2.0, 1.0]])) == \
        pytest.approx(0.0, abs=1e-6)  # r = 1 and r = -1
    assert float(M.ConcordanceCorrelation()([[1.0, 2.0, 3.0]], [[2.0, 3.0, 4.0]])) == \
        pytest.approx(4 / 7, abs=1e-6)
    # Pearson's r ignores scale and offset; the concordance does not.
    assert float(M.pearson_correlation(y[:1], 3 * y[:1] + 5)[0]) == pytest.approx(1.0)
    assert float(M.concordance_correlation(y[:1], y[:1])[0]) == pytest.approx(1.0, abs=1e-6)


# ----------------------------------------------------------------------------- by hand: rates


def rates(y, p, w, thresholds):
    """recall, precision and specificity at each threshold, by direct comparison (float64)."""
    y, p = y.reshape(-1).astype("float64"), p.reshape(-1).astype("float64")
    w = np.ones_like(y) if w is None else np.broadcast_to(w, y.shape).astype("float64")
    above = p[None, :] > np.asarray(thresholds, "float64")[:, None]
    tp, fp = (above * (w * y)).sum(axis=1), (above * (w * (1 - y))).sum(axis=1)
    fn, tn = (w * y).sum() - tp, (w * (1 - y)).sum() - fp
    with np.errstate(invalid="ignore", divide="ignore"):
        recall, precision, specificity = (np.nan_to_num(a / b) for a, b in (
            (tp, tp + fn), (tp, tp + fp), (tn, tn + fp)))
    return {"recall": recall, "sensitivity": recall, "precision": precision,
            "specificity": specificity}


def best(dependent, constrained, target):
    """max of ``dependent`` where ``constrained`` >= target; 0 when nowhere."""
    return max(dependent[constrained >= target], default=0.0)


# class, its target, the rate it reports
AT_TARGET = [(M.PrecisionAtRecall, "recall", "precision"),
             (M.RecallAtPrecision, "precision", "recall"),
             (M.SensitivityAtSpecificity, "specificity", "sensitivity"),
             (M.SpecificityAtSensitivity, "sensitivity", "specificity")]
AT_IDS = [cls.__name__ for cls, _, _ in AT_TARGET]


def thresholds_of(count):
    return [0.5] if count == 1 else [i / (count - 1) for i in range(count)]


@pytest.mark.parametrize("cls, target, reported", AT_TARGET, ids=AT_IDS)
@pytest.mark.parametrize("value", [0.0, 0.35, 0.8, 1.0])
def test_rate_at_target(weights, cls, target, reported, value):
    y, p = Y_MULTI[:, :1], P_CENTRED[:, :1]
    table = rates(y, p, weights, thresholds_of(T))
    want = best(table[reported], table[target], value)
    got = stream(cls(value), y, p, weights)
    assert got.shape == () and float(got) == pytest.approx(want, abs=1e-6)


@pytest.mark.parametrize("cls, target, reported", AT_TARGET, ids=AT_IDS)
@pytest.mark.parametrize("num_thresholds", [1, 2, 7])
def test_rate_at_target_with_few_thresholds(weights, cls, target, reported, num_thresholds):
    # Predictions at the centres of the buckets of these thresholds (0.25 and 0.75 for 1 and 2).
    p = centred(Y_BIN, max(num_thresholds - 1, 2))
    table = rates(Y_BIN, p, weights, thresholds_of(num_thresholds))
    want = best(table[reported], table[target], 0.5)
    got = stream(cls(0.5, num_thresholds=num_thresholds), Y_BIN, p, weights)
    assert float(got) == pytest.approx(want, abs=1e-6)
    assert len(cls(0.5, num_thresholds=num_thresholds).thresholds) == num_thresholds


@pytest.mark.parametrize("cls, target, reported", AT_TARGET, ids=AT_IDS)
def test_rate_at_target_by_class_and_flattened(weights, cls, target, reported):
    for class_id in (0, 2):
        table = rates(Y_MULTI[:, class_id], P_CENTRED[:, class_id], weights, thresholds_of(T))
        want = best(table[reported], table[target], 0.6)
        got = stream(cls(0.6, class_id=class_id), Y_MULTI, P_CENTRED, weights)
        assert float(got) == pytest.approx(want, abs=1e-6)
    # Without class_id every value is one decision, weighted by its sample's weight.
    repeated = None if weights is None else np.repeat(weights, C)
    table = rates(Y_MULTI, P_CENTRED, repeated, thresholds_of(T))
    got = stream(cls(0.6), Y_MULTI, P_CENTRED, weights)
    assert float(got) == pytest.approx(best(table[reported], table[target], 0.6), abs=1e-6)


@pytest.mark.parametrize("make, unweighted, weighted", [
    # Thresholds in [0.2, 0.4) keep both positives with one false positive (0.6).
    (lambda: M.PrecisionAtRecall(1.0), 2 / 3, 4 / 7),
    # Precision 1 needs t >= 0.6; then only 0.8 is caught.
    (lambda: M.RecallAtPrecision(1.0), 1 / 2, 3 / 4),
    (lambda: M.SensitivityAtSpecificity(1.0), 1 / 2, 3 / 4),
    # Sensitivity 1 needs t < 0.4; then 0.2 is a true negative at best.
    (lambda: M.SpecificityAtSensitivity(1.0), 1 / 2, 2 / 5),
], ids=AT_IDS)
def test_rate_at_target_examples(make, unweighted, weighted):
    y, p, w = [0, 0, 1, 1], [0.2, 0.6, 0.4, 0.8], [2.0, 3.0, 1.0, 3.0]
    metric = make()
    assert float(metric(y, p)) == pytest.approx(unweighted, abs=1e-6)
    metric.reset_state()
    assert all(not v.numpy().any() for v in metric.variables) and len(metric.variables) == 4
    metric.update_state(y, p, sample_weight=w)
    assert float(metric.result()) == pytest.approx(weighted, abs=1e-6)


def test_an_unreachable_target_gives_zero():
    # Precision 1 is reachable only where TP > 0 and FP = 0: never, when a negative scores
    # highest and ties nothing.
    y, p = [1, 1, 0], [0.3, 0.5, 0.9]
    assert float(M.RecallAtPrecision(1.0)(y, p)) == 0.0
    assert float(M.PrecisionAtRecall(0.5)([0, 0], [0.3, 0.7])) == 0.0  # no positive label


def test_rate_at_target_state_is_kept_and_restored():
    metric = M.SpecificityAtSensitivity(0.7)
    metric.update_state(Y_BIN[:100], P_BIN[:100])
    snapshot, value = metric.get_state(), float(metric.result())
    metric.update_state(Y_BIN[100:], 1 - P_BIN[100:])
    assert float(metric.result()) != value
    metric.set_state(snapshot)
    assert float(metric.result()) == value
    assert [v.name for v in metric.variables] == ["true_positives", "false_positives",
                                                  "true_negatives", "false_negatives"]
    assert all(v.shape == (T,) and v.dtype == np.float64 for v in metric.variables)


# ----------------------------------------------------------------------------- compile and fit

NEW_METRICS = [
    "categorical_hinge", lambda: M.CategoricalHinge(), "cosine_similarity", "log_cosh_error",
    lambda: M.LogCoshError(), "pearson_correlation", "concordance_correlation",
    lambda: M.PrecisionAtRecall(0.5), lambda: M.RecallAtPrecision(0.5),
    lambda: M.SensitivityAtSpecificity(0.5), lambda: M.SpecificityAtSensitivity(0.5),
    lambda: M.huber, lambda: M.log_cosh,
]
# What Keras 3 logs for that compile call in a fresh session: a string logs under itself, an
# object under its name (LogCoshError's is 'logcosh'), a function under its __name__.
NEW_KEYS = ["categorical_hinge", "categorical_hinge_1", "concordance_correlation",
            "cosine_similarity", "huber", "log_cosh", "log_cosh_error", "logcosh", "loss",
            "pearson_correlation", "precision_at_recall", "recall_at_precision",
            "sensitivity_at_specificity", "specificity_at_sensitivity"]


def softmax_model(lib, metrics, learning_rate=0.0):
    """3 inputs -> C softmax units; learning rate 0 keeps the predictions fixed in fit."""
    model = lib.Sequential([lib.layers.Input((3,)), lib.layers.Dense(C, activation="softmax")])
    model.compile(optimizer=lib.optimizers.SGD(learning_rate=learning_rate),
                  loss="categorical_crossentropy", metrics=metrics)
    return model


def built(specs):
    return [spec() if callable(spec) and not isinstance(spec, str) else spec for spec in specs]


X = RNG.normal(size=(N, 3)).astype("float32")


def test_compile_by_name_object_and_function_logs_keras_names(fresh_names):
    model = softmax_model(numnet, built(NEW_METRICS))
    history = model.fit(X, ONE_HOT, batch_size=64, epochs=2, verbose=0, validation_split=0.25)
    assert sorted(history.history) == sorted(NEW_KEYS + [f"val_{k}" for k in NEW_KEYS])
    # The predictions do not change (learning rate 0): each epoch's value is the metric of
    # the whole training part at once, whatever the batches.
    train = int(N * 0.75)
    predicted = model.predict(X[:train], verbose=0)
    for name, metric in zip(model.metrics_names[1:], model.metrics[1].metrics, strict=True):
        fresh = type(metric).from_config(metric.get_config()) if type(metric) is not \
            M.MeanMetricWrapper else M.MeanMetricWrapper(metric.fn)
        want = float(fresh(ONE_HOT[:train], predicted))
        assert history.history[name] == pytest.approx([want, want], rel=1e-5, abs=1e-6), name


def test_targets_cannot_be_given_by_name():
    for spec, target in (("precision_at_recall", "recall"), ("RecallAtPrecision", "precision"),
                         ("sensitivity_at_specificity", "specificity"),
                         (M.SpecificityAtSensitivity, "sensitivity")):
        with pytest.raises(TypeError, match=rf"needs its target {target}.*{target}=0\.8"):
            softmax_model(numnet, [spec])
    with pytest.raises(ValueError, match=r"'logcosh'.*Did you mean 'log_cosh'"):
        softmax_model(numnet, ["logcosh"])


@pytest.mark.parametrize("name, cls", [
    ("categorical_hinge", M.CategoricalHinge), ("CategoricalHinge", M.CategoricalHinge),
    ("cosine_similarity", M.CosineSimilarity), ("log_cosh_error", M.LogCoshError),
    ("LogCoshError", M.LogCoshError), ("pearson_correlation", M.PearsonCorrelation),
    ("ConcordanceCorrelation", M.ConcordanceCorrelation)])
def test_names_give_the_class_logged_under_that_name(name, cls):
    metric = M.get(name)
    assert type(metric) is cls and metric.name == name


@pytest.mark.parametrize("name", ["huber", "log_cosh", "binary_focal_crossentropy",
                                  "categorical_focal_crossentropy"])
def test_function_names_give_the_function(name):
    metric = M.get(name)
    assert type(metric) is M.MeanMetricWrapper and metric.fn is getattr(M, name)
    assert metric.name == name


@pytest.mark.parametrize("monitor, higher_is_better", [
    ("val_cosine_similarity", True), ("val_pearson_correlation", True),
    ("val_concordance_correlation", True), ("val_sensitivity_at_specificity", True),
    ("val_specificity_at_sensitivity", True), ("val_logcosh", False),
    ("val_log_cosh", False), ("val_categorical_hinge", False)])
def test_early_stopping_reads_which_way_is_better(fresh_names, monitor, higher_is_better):
    model = softmax_model(numnet, built(NEW_METRICS))
    model.fit(X[:32], ONE_HOT[:32], verbose=0)
    assert maximizes(model, monitor, "auto", "EarlyStopping") is higher_is_better


# ----------------------------------------------------------------------------- configs, saving

CONFIG_EXAMPLES = [
    (lambda: M.CategoricalHinge(name="ch"), {"name": "ch", "dtype": "float32"}),
    (lambda: M.LogCoshError(), {"name": "logcosh", "dtype": "float32"}),
    (lambda: M.CosineSimilarity(axis=0), {"name": "cosine_similarity", "dtype": "float32",
                                          "axis": 0}),
    (lambda: M.PearsonCorrelation(axis=[0, 1]), {"name": "pearson_correlation",
                                                 "dtype": "float32", "axis": [0, 1]}),
    (lambda: M.ConcordanceCorrelation(dtype="float64"), {"name": "concordance_correlation",
                                                         "dtype": "float64", "axis": -1}),
    (lambda: M.PrecisionAtRecall(0.8, num_thresholds=50, class_id=1, name="p@r"),
     {"name": "p@r", "dtype": "float32", "class_id": 1, "num_thresholds": 50, "recall": 0.8}),
    (lambda: M.RecallAtPrecision(0.25, name="r@p"),
     {"name": "r@p", "dtype": "float32", "class_id": None, "num_thresholds": 200,
      "precision": 0.25}),
    (lambda: M.SensitivityAtSpecificity(0.5, num_thresholds=1, name="s@s"),
     {"name": "s@s", "dtype": "float32", "class_id": None, "num_thresholds": 1,
      "specificity": 0.5}),
    (lambda: M.SpecificityAtSensitivity(1, class_id=3, name="sp@se"),
     {"name": "sp@se", "dtype": "float32", "class_id": 3, "num_thresholds": 200,
      "sensitivity": 1}),
]


@pytest.mark.parametrize("make, config", CONFIG_EXAMPLES,
                         ids=[f"{i}" for i in range(len(CONFIG_EXAMPLES))])
def test_configs_are_keras_configs_and_round_trip(make, config):
    metric = make()
    assert metric.get_config() == config
    text = json.loads(json.dumps(metric.get_config()))
    clone = type(metric).from_config(text)
    assert clone.get_config() == text
    again = M.deserialize(json.loads(json.dumps(M.serialize(metric))))
    assert type(again) is type(metric) and again.get_config() == text
    y, p = (Y_REG, P_REG) if isinstance(metric, M.MeanMetricWrapper) else (Y_MULTI, P_MULTI)
    w = W if getattr(metric, "axis", -1) == -1 else None  # along the batch: no sample weights
    np.testing.assert_array_equal(stream(metric, y, p, w), stream(clone, y, p, w))


def test_compiled_metrics_survive_save_and_load(tmp_path, fresh_names):
    model = softmax_model(numnet, built(NEW_METRICS) + [
        M.CosineSimilarity(axis=0, name="cos0"), M.PrecisionAtRecall(0.3, class_id=1),
        M.binary_focal_crossentropy])
    before = model.evaluate(X, ONE_HOT, sample_weight=W, batch_size=50, verbose=0,
                            return_dict=True)
    path = tmp_path / "model.numnet"
    model.save(str(path))
    loaded = numnet.saving.load_model(str(path))
    after = loaded.evaluate(X, ONE_HOT, sample_weight=W, batch_size=50, verbose=0,
                            return_dict=True)
    assert sorted(after) == sorted(before)
    for key in before:
        np.testing.assert_allclose(after[key], before[key], rtol=1e-6, err_msg=key)
    configs = [m.get_config() for m in model.metrics if type(m) is not M.MeanMetricWrapper]
    assert [m.get_config() for m in loaded.metrics
            if type(m) is not M.MeanMetricWrapper] == configs


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("make, message", [
    (lambda: M.PrecisionAtRecall(1.5),
     r"PrecisionAtRecall\(recall\): expected a number in \[0, 1\], given 1\.5"),
    (lambda: M.RecallAtPrecision(None), r"RecallAtPrecision\(precision\): .* given None"),
    (lambda: M.SensitivityAtSpecificity("high"), r"\(specificity\): .* given 'high'"),
    (lambda: M.SpecificityAtSensitivity(0.5, num_thresholds=0),
     r"SpecificityAtSensitivity\(num_thresholds\): expected an integer >= 1, given 0"),
    (lambda: M.PrecisionAtRecall(0.5, num_thresholds=2.5), r"\(num_thresholds\)"),
    (lambda: M.PrecisionAtRecall(0.5, class_id=-1),
     r"PrecisionAtRecall\(class_id\): expected an integer >= 0"),
    (lambda: M.CosineSimilarity(axis="last"),
     r"CosineSimilarity\(axis\): expected an integer or a tuple of integers.*'last'"),
    (lambda: M.PearsonCorrelation(axis=[0, 1.5]), r"PearsonCorrelation\(axis\)"),
    (lambda: M.ConcordanceCorrelation(axis=()), r"ConcordanceCorrelation\(axis\)"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("update, message", [
    (lambda: M.pearson_correlation(Y_REG, P_REG, axis=2),
     r"pearson_correlation: axis=2 does not fit y_pred of rank 2; give axes from -2 to 1"),
    (lambda: M.CosineSimilarity(axis=(0, -3)).update_state(Y_REG, P_REG),
     r"cosine_similarity: axis=\(0, -3\) does not fit"),
    (lambda: M.ConcordanceCorrelation().update_state(Y_REG, P_REG[:, :2]),
     r"concordance_correlation: y_true of shape \(257, 4\) does not fit y_pred"),
    (lambda: M.CategoricalHinge().update_state(LABELS, SCORES),
     r"categorical_hinge: y_true of shape \(257,\) does not fit .*to_categorical"),
    (lambda: M.PrecisionAtRecall(0.5, class_id=7).update_state(Y_MULTI, P_MULTI), "class_id=7"),
    (lambda: M.RecallAtPrecision(0.5).update_state(LABELS, P_MULTI),
     r"RecallAtPrecision: y_true of shape \(257,\) does not fit y_pred of shape \(257, 4\)"),
    (lambda: M.SensitivityAtSpecificity(0.5).update_state(Y_BIN, P_BIN, sample_weight=W[:9]),
     r"sample_weight of shape \(9,\) does not fit y_pred of shape \(257, 1\)"),
])
def test_data_that_does_not_fit_is_refused_with_the_shapes(update, message):
    with pytest.raises(ValueError, match=message):
        update()


# ----------------------------------------------------------------------------- Keras itself


@pytest.fixture(scope="module")
def keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="the Keras comparison runs Keras on its JAX backend")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


KERAS_CASES = [
    ("CategoricalHinge", {}, "scores"), ("LogCoshError", {}, "reg"),
    ("CosineSimilarity", {}, "reg"), ("PearsonCorrelation", {}, "reg"),
    ("ConcordanceCorrelation", {}, "reg"),
    ("PrecisionAtRecall", {"recall": 0.7}, "bin"),
    ("RecallAtPrecision", {"precision": 0.7}, "bin"),
    ("SensitivityAtSpecificity", {"specificity": 0.6, "num_thresholds": 50}, "bin"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.8}, "multi"),
    ("PrecisionAtRecall", {"recall": 0.8, "class_id": 2}, "multi"),
    ("RecallAtPrecision", {"precision": 0.5, "num_thresholds": 1}, "multi"),
    ("PrecisionAtRecall", {"recall": 0.3, "num_thresholds": 2}, "bin"),
    ("SpecificityAtSensitivity", {"sensitivity": 0.75, "num_thresholds": 13, "class_id": 0},
     "multi"),
]
KERAS_DATA = {"scores": (ONE_HOT, SCORES), "reg": (Y_REG, P_REG), "bin": (Y_BIN, P_BIN),
              "multi": (Y_MULTI, P_MULTI)}


def keras_stream(keras_metric, ours, y, p, sample_weight, cuts=CUTS):
    """Both metrics fed the same batches; their results."""
    return stream(keras_metric, y, p, sample_weight, cuts), stream(ours, y, p, sample_weight,
                                                                   cuts)


@pytest.mark.parametrize("name, kwargs, data", KERAS_CASES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(KERAS_CASES)])
def test_the_same_stream_gives_keras_3s_result(keras, weights, name, kwargs, data):
    y, p = KERAS_DATA[data]
    theirs, ours = getattr(keras.metrics, name)(**kwargs), getattr(M, name)(**kwargs)
    want, got = keras_stream(theirs, ours, y, p, weights)
    # Keras accumulates in float32: its sums of a few hundred weights carry ~1e-7 relative.
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-6)
    # The same config (Keras's CosineSimilarity leaves its axis out); names are numbered by
    # each library's own session.
    assert {**ours.get_config(), "name": None} == {
        **theirs.get_config(), "name": None, **({"axis": -1} if name == "CosineSimilarity"
                                                else {})}
    # After reset_state both start again from nothing: other data, in other batches.
    theirs.reset_state()
    ours.reset_state()
    want, got = keras_stream(theirs, ours, y[::-1], p[::-1] ** 2, weights, cuts=(0, 100, N))
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("name, axis", [("CosineSimilarity", 0), ("PearsonCorrelation", 0),
                                        ("ConcordanceCorrelation", 0),
                                        ("PearsonCorrelation", (0, 1))])
def test_other_axes_give_keras_3s_result(keras, name, axis):
    cuts = (0, 50, 51, 180, N)
    want = stream(getattr(keras.metrics, name)(axis=axis), Y_REG, P_REG, cuts=cuts)
    got = stream(getattr(M, name)(axis=axis), Y_REG, P_REG, cuts=cuts)
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=2e-6)


FUNCTION_CASES = [
    ("categorical_hinge", {}, "scores"), ("huber", {}, "reg"), ("huber", {"delta": 0.3}, "reg"),
    ("log_cosh", {}, "reg"), ("pearson_correlation", {}, "reg"),
    ("pearson_correlation", {"axis": 0}, "reg"), ("concordance_correlation", {}, "reg"),
    ("concordance_correlation", {"axis": 0}, "reg"),
    ("binary_focal_crossentropy", {}, "multi"),
    ("binary_focal_crossentropy", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5,
                                   "label_smoothing": 0.1}, "multi"),
    ("binary_focal_crossentropy", {"from_logits": True}, "logits"),
    ("categorical_focal_crossentropy", {}, "softmax"),
    ("categorical_focal_crossentropy", {"alpha": 0.5, "gamma": 1.0, "label_smoothing": 0.2},
     "softmax"),
    ("categorical_focal_crossentropy", {"from_logits": True}, "scores"),
]
FUNCTION_DATA = {**KERAS_DATA, "logits": (Y_MULTI, SCORES),
                 "softmax": (ONE_HOT, np.exp(SCORES) / np.exp(SCORES).sum(1, keepdims=True))}


@pytest.mark.parametrize("name, kwargs, data", FUNCTION_CASES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(FUNCTION_CASES)])
def test_functions_give_keras_3s_values(keras, name, kwargs, data):
    y, p = FUNCTION_DATA[data]
    want = np.asarray(getattr(keras.metrics, name)(y, p, **kwargs))
    got = np.asarray(getattr(M, name)(y, p, **kwargs))
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=2e-6)


def test_compile_logs_what_keras_logs(keras, fresh_names):
    keras.utils.clear_session()  # Keras's session of names starts afresh too
    keras_specs = [
        "categorical_hinge", keras.metrics.CategoricalHinge(), "cosine_similarity",
        "log_cosh_error", keras.metrics.LogCoshError(), "pearson_correlation",
        "concordance_correlation", keras.metrics.PrecisionAtRecall(0.5),
        keras.metrics.RecallAtPrecision(0.5), keras.metrics.SensitivityAtSpecificity(0.5),
        keras.metrics.SpecificityAtSensitivity(0.5), keras.metrics.huber, keras.metrics.log_cosh]
    theirs = softmax_model(keras, keras_specs)
    history = theirs.fit(X, ONE_HOT, batch_size=64, epochs=1, verbose=0, validation_split=0.25)
    assert sorted(history.history) == sorted(NEW_KEYS + [f"val_{k}" for k in NEW_KEYS])
