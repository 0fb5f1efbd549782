"""Metrics: aggregated over the whole epoch (never a mean of per-batch values), checked against
scikit-learn's implementations on random data streamed in uneven batches, with and without
sample weights; AUC against its exact value; log names in History as Keras 3 names them; vector
results, configs, saving, state and errors.

scikit-learn is the reference here (it is in the ``test`` extra); the tests that need it skip
without it. A last group compares with Keras 3 itself where keras and jax are installed.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import metrics as M

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

RNG = np.random.default_rng(20240611)
N, C = 257, 4
CUTS = (0, 1, 30, 31, 128, 200, N)  # uneven batches, one of a single sample

Y_BIN = (RNG.random((N, 1)) < 0.4).astype("float32")
P_BIN = RNG.random((N, 1)).astype("float32")
Y_MULTI = (RNG.random((N, C)) < 0.5).astype("float32")
P_MULTI = RNG.random((N, C)).astype("float32")
LABELS = RNG.integers(0, C, N)
ONE_HOT = np.eye(C, dtype="float32")[LABELS]
W = RNG.uniform(0.1, 2.0, N).astype("float32")
Y_REG = (RNG.choice([-1.0, 1.0], (N, 3)) * RNG.uniform(0.5, 5.0, (N, 3))).astype("float32")
P_REG = (Y_REG + RNG.normal(0.0, 1.0, (N, 3))).astype("float32")


@pytest.fixture(scope="module")
def skm():
    return pytest.importorskip(
        "sklearn.metrics",
        reason="scikit-learn is the reference implementation (pip install scikit-learn; it is "
               "in numnet's test extra)")


@pytest.fixture(params=[None, W], ids=["unweighted", "weighted"])
def weights(request):
    return request.param


def stream(metric, y_true, y_pred, sample_weight=None, cuts=CUTS):
    """Feed the data batch by batch (uneven batches) and return the result."""
    for lo, hi in zip(cuts[:-1], cuts[1:]):
        metric.update_state(y_true[lo:hi], y_pred[lo:hi],
                            None if sample_weight is None else sample_weight[lo:hi])
    return np.asarray(metric.result())


def identity_model(metrics, weighted_metrics=None):
    """y_pred = x exactly (one unit, weight 1, bias 0, learning rate 0): the inputs are the
    predictions, so a metric's value in fit / evaluate can be computed by hand."""
    model = numnet.Sequential([
        numnet.Input((1,)),
        numnet.layers.Dense(1, kernel_initializer="ones", bias_initializer="zeros"),
    ])
    model.compile(optimizer=numnet.optimizers.SGD(learning_rate=0.0), loss="mse",
                  metrics=metrics, weighted_metrics=weighted_metrics)
    return model


def column(values):
    return np.asarray(values, dtype="float32").reshape(-1, 1)


# ----------------------------------------------------------------------------- whole epoch

# Two batches of 4. Batch 1 has precision = recall = F1 = ROC-AUC = 0.5; batch 2 has no
# predicted and no actual positive (all four are 0 there), so the mean of the batch values is
# 0.25, while the counts of the whole epoch give 0.5.
PR_Y = [1, 1, 0, 0, 0, 0, 0, 0]
PR_P = [0.9, 0.1, 0.8, 0.2, 0.1, 0.2, 0.3, 0.4]
# ROC-AUC over all 8: 0.9 outranks 4 of the 6 negatives, 0.1 outranks 2: (4 + 2) / 12 = 0.5.
AUC_P = [0.9, 0.1, 0.8, 0.2, 0.95, 0.97, 0.05, 0.06]

EPOCH_CASES = [
    (lambda: M.Precision(), PR_P),
    (lambda: M.Recall(), PR_P),
    (lambda: M.F1Score(threshold=0.5), PR_P),
    (lambda: M.F1Score(average="micro", threshold=0.5), PR_P),
    (lambda: M.AUC(), AUC_P),
]


@pytest.mark.parametrize("make, predictions", EPOCH_CASES,
                         ids=["precision", "recall", "f1", "f1-micro", "auc"])
def test_the_epoch_value_comes_from_the_epoch_counts_not_the_mean_of_batch_values(make,
                                                                                 predictions):
    y, p = column(PR_Y), column(predictions)
    per_batch = [float(np.ravel(make()(y[lo:lo + 4], p[lo:lo + 4]))[0]) for lo in (0, 4)]
    assert per_batch == pytest.approx([0.5, 0.0], abs=1e-6)
    assert np.mean(per_batch) == pytest.approx(0.25, abs=1e-6)

    direct = make()
    assert float(np.ravel(stream(direct, y, p, cuts=(0, 4, 8)))[0]) == pytest.approx(0.5,
                                                                                    abs=1e-6)

    metric = make()
    model = identity_model([metric])
    history = model.fit(p, y, batch_size=4, epochs=2, shuffle=False, verbose=0,
                        validation_data=(p, y), validation_batch_size=4)
    for key in (metric.name, f"val_{metric.name}"):
        values = [float(np.ravel(v)[0]) for v in history.history[key]]
        assert values == pytest.approx([0.5, 0.5], abs=1e-6), key
    logs = model.evaluate(p, y, batch_size=4, verbose=0, return_dict=True)
    assert float(np.ravel(logs[metric.name])[0]) == pytest.approx(0.5, abs=1e-6)


def test_training_and_validation_values_each_come_from_their_own_data():
    precision = M.Precision(name="precision")
    model = identity_model([precision])
    x_val, y_val = column([0.9, 0.8, 0.7, 0.1]), column([1, 1, 0, 1])  # precision 2/3
    history = model.fit(column(PR_P), column(PR_Y), batch_size=3, epochs=2, shuffle=False,
                        verbose=0, validation_data=(x_val, y_val), validation_batch_size=2)
    assert history.history["precision"] == pytest.approx([0.5, 0.5])
    assert history.history["val_precision"] == pytest.approx([2 / 3, 2 / 3])


# ----------------------------------------------------------------------------- accuracy


@pytest.mark.parametrize("threshold", [0.5, 0.3])
def test_binary_accuracy_matches_sklearn(skm, weights, threshold):
    got = stream(M.BinaryAccuracy(threshold=threshold), Y_BIN, P_BIN, weights)
    want = skm.accuracy_score(Y_BIN.ravel(), P_BIN.ravel() > threshold, sample_weight=weights)
    assert float(got) == pytest.approx(want, abs=1e-6)


def test_categorical_and_sparse_accuracy_match_sklearn(skm, weights):
    want = skm.accuracy_score(LABELS, P_MULTI.argmax(axis=1), sample_weight=weights)
    assert float(stream(M.CategoricalAccuracy(), ONE_HOT, P_MULTI, weights)) == \
        pytest.approx(want, abs=1e-6)
    for labels in (LABELS, LABELS.reshape(-1, 1), LABELS.astype("float32")):
        got = stream(M.SparseCategoricalAccuracy(), labels, P_MULTI, weights)
        assert float(got) == pytest.approx(want, abs=1e-6)


def test_accuracy_is_exact_equality(skm, weights):
    predicted = RNG.integers(0, 3, (N, 1))
    truth = np.where(RNG.random((N, 1)) < 0.6, predicted, RNG.integers(0, 3, (N, 1)))
    got = stream(M.Accuracy(), truth, predicted, weights)
    want = skm.accuracy_score(truth.ravel(), predicted.ravel(), sample_weight=weights)
    assert float(got) == pytest.approx(want, abs=1e-6)


@pytest.mark.parametrize("k", [1, 2, 3])
def test_top_k_accuracy_matches_sklearn(skm, weights, k):
    want = skm.top_k_accuracy_score(LABELS, P_MULTI, k=k, labels=range(C),
                                    sample_weight=weights)
    assert float(stream(M.TopKCategoricalAccuracy(k=k), ONE_HOT, P_MULTI, weights)) == \
        pytest.approx(want, abs=1e-6)
    assert float(stream(M.SparseTopKCategoricalAccuracy(k=k), LABELS, P_MULTI, weights)) == \
        pytest.approx(want, abs=1e-6)
    ranked_ids = np.argsort(-P_MULTI, axis=1, kind="stable")
    assert float(stream(M.SparseTopKCategoricalAccuracy(k=k, from_sorted_ids=True), LABELS,
                        ranked_ids, weights)) == pytest.approx(want, abs=1e-6)


def test_top_k_counts_a_tie_at_the_k_th_score_as_a_hit():
    scores = np.array([[0.5, 0.5, 0.1], [0.2, 0.3, 0.3]], "float32")
    # rank = 1 + number of strictly larger scores: label 1 in row 0 and label 2 in row 1
    # both have rank 1 (k = 1), label 0 in row 1 has rank 3.
    hits = M.sparse_top_k_categorical_accuracy(np.array([1, 2]), scores, k=1)
    assert hits.tolist() == [1.0, 1.0]
    assert M.sparse_top_k_categorical_accuracy(np.array([1, 0]), scores, k=2).tolist() == \
        [1.0, 0.0]


@pytest.mark.parametrize("true_shape, pred_shape, expected", [
    ((N, 1), (N, 1), M.BinaryAccuracy), ((N,), (N, 1), M.BinaryAccuracy),
    ((N,), (N, C), M.SparseCategoricalAccuracy), ((N, 1), (N, C), M.SparseCategoricalAccuracy),
    ((N, C), (N, C), M.CategoricalAccuracy)])
def test_the_string_accuracy_resolves_by_shapes_as_keras(true_shape, pred_shape, expected):
    for name in ("accuracy", "acc", "Accuracy"):
        metric = M.get(name, np.zeros(true_shape), np.zeros(pred_shape))
        assert type(metric) is expected and metric.name == name
    # Without shapes the name means what keras.metrics.get gives: exact equality.
    assert type(M.get("accuracy")) is M.Accuracy


# ----------------------------------------------------------------------------- precision, recall

SCORES = {M.Precision: "precision_score", M.Recall: "recall_score"}


@pytest.mark.parametrize("cls", [M.Precision, M.Recall], ids=["precision", "recall"])
def test_precision_and_recall_match_sklearn(skm, weights, cls):
    score = getattr(skm, SCORES[cls])
    y, p = Y_BIN.ravel(), P_BIN.ravel()
    got = stream(cls(), Y_BIN, P_BIN, weights)
    assert got.shape == () and float(got) == pytest.approx(
        score(y, p > 0.5, sample_weight=weights), abs=1e-6)
    thresholds = [0.7, 0.2, 0.5, 0.0, 1.0]
    got = stream(cls(thresholds=thresholds), Y_BIN, P_BIN, weights)
    want = [score(y, p > t, sample_weight=weights, zero_division=0) for t in thresholds]
    np.testing.assert_allclose(got, want, atol=1e-6)


@pytest.mark.parametrize("cls", [M.Precision, M.Recall], ids=["precision", "recall"])
def test_precision_and_recall_by_class_flattened_and_top_k(skm, weights, cls):
    score = getattr(skm, SCORES[cls])
    for class_id in range(C):
        got = stream(cls(class_id=class_id, thresholds=0.3), Y_MULTI, P_MULTI, weights)
        want = score(Y_MULTI[:, class_id], P_MULTI[:, class_id] > 0.3, sample_weight=weights)
        assert float(got) == pytest.approx(want, abs=1e-6)
    # Without class_id every value is one decision: scikit-learn's micro average.
    want = score(Y_MULTI, P_MULTI > 0.5, average="micro", sample_weight=weights)
    assert float(stream(cls(), Y_MULTI, P_MULTI, weights)) == pytest.approx(want, abs=1e-6)
    # top_k: only each row's k largest predictions can be positive.
    order = np.argsort(-P_MULTI, axis=1, kind="stable")
    in_top_2 = np.zeros_like(P_MULTI, dtype=bool)
    np.put_along_axis(in_top_2, order[:, :2], True, axis=1)
    repeated = None if weights is None else np.repeat(weights, C)
    want = score(Y_MULTI.ravel(), in_top_2.ravel(), sample_weight=repeated)
    assert float(stream(cls(top_k=2), Y_MULTI, P_MULTI, weights)) == pytest.approx(want,
                                                                                  abs=1e-6)
    want = score(Y_MULTI.ravel(), (in_top_2 & (P_MULTI > 0.6)).ravel(), sample_weight=repeated)
    got = stream(cls(top_k=2, thresholds=0.6), Y_MULTI, P_MULTI, weights)
    assert float(got) == pytest.approx(want, abs=1e-6)


def test_confusion_counts_match_sklearn(skm, weights):
    tn, fp, fn, tp = skm.confusion_matrix(Y_BIN.ravel(), P_BIN.ravel() > 0.5, labels=[0, 1],
                                          sample_weight=weights).ravel()
    for cls, want in ((M.TruePositives, tp), (M.FalsePositives, fp), (M.TrueNegatives, tn),
                      (M.FalseNegatives, fn)):
        assert float(stream(cls(), Y_BIN, P_BIN, weights)) == pytest.approx(want, rel=1e-6)
    counts = stream(M.TruePositives(thresholds=[0.25, 0.75]), Y_BIN, P_BIN, weights)
    w = np.ones(N) if weights is None else weights
    want = [(w * Y_BIN.ravel() * (P_BIN.ravel() > t)).sum() for t in (0.25, 0.75)]
    np.testing.assert_allclose(counts, want, rtol=1e-6)


def test_a_prediction_equal_to_the_threshold_is_negative():
    precision, recall = M.Precision(thresholds=0.5), M.Recall(thresholds=0.5)
    y, p = column([1, 1, 0]), column([0.5, 0.75, 0.5])
    assert float(precision(y, p)) == 1.0  # only 0.75 > 0.5 is positive
    assert float(recall(y, p)) == 0.5


def test_nan_predictions_count_as_negative_and_do_not_break_the_counts():
    y = column([1, 1, 0, 0])
    p = column([0.9, np.nan, np.nan, 0.2])
    with np.errstate(all="raise"):  # no warning either
        assert float(M.Recall()(y, p)) == 0.5
        assert float(M.FalsePositives()(y, p)) == 0.0
        for auc in (M.AUC(), M.AUC(thresholds=[0.3, 0.6])):
            auc.update_state(y, p)
            assert auc.true_positives.numpy()[0] == 1.0  # only 0.9 is above -1e-7
            assert auc.false_positives.numpy()[0] == 1.0  # only 0.2


# ----------------------------------------------------------------------------- F-scores


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_f1_of_argmax_predictions_matches_sklearn(skm, weights, average):
    got = stream(M.F1Score(average=average), ONE_HOT, P_MULTI, weights)
    want = skm.f1_score(LABELS, P_MULTI.argmax(axis=1), labels=range(C), average=average,
                        sample_weight=weights)
    np.testing.assert_allclose(got, want, atol=1e-6)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_f1_of_multi_label_predictions_matches_sklearn(skm, weights, average):
    got = stream(M.F1Score(average=average, threshold=0.5), Y_MULTI, P_MULTI, weights)
    want = skm.f1_score(Y_MULTI, P_MULTI > 0.5, average=average, sample_weight=weights)
    np.testing.assert_allclose(got, want, atol=1e-6)


@pytest.mark.parametrize("beta", [0.5, 2.0])
@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
def test_fbeta_matches_sklearn(skm, weights, beta, average):
    got = stream(M.FBetaScore(average=average, beta=beta, threshold=0.4), Y_MULTI, P_MULTI,
                 weights)
    want = skm.fbeta_score(Y_MULTI, P_MULTI > 0.4, beta=beta, average=average,
                           sample_weight=weights)
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_fbeta_example_from_the_keras_documentation():
    y_true = np.array([[1, 1, 1], [1, 0, 0], [1, 1, 0]], "int32")
    y_pred = np.array([[0.2, 0.6, 0.7], [0.2, 0.6, 0.6], [0.6, 0.8, 0.0]], "float32")
    got = M.FBetaScore(beta=2.0, threshold=0.5)(y_true, y_pred)
    # class 0: tp 1, fn 2 -> p 1, r 1/3 -> 5 (1/3) / (4 + 1/3) = 0.3846 ...
    np.testing.assert_allclose(got.numpy(), [5 / 13, 10 / 11, 5 / 6], atol=1e-6)


# ----------------------------------------------------------------------------- AUC


def between(values) -> list:
    """Thresholds strictly between each pair of neighbouring distinct values (float32)."""
    distinct = np.unique(np.asarray(values, "float32"))
    middle = ((distinct[:-1].astype("float64") + distinct[1:]) / 2).astype("float32")
    assert (middle > distinct[:-1]).all() and (middle < distinct[1:]).all()
    return middle.tolist()


def test_roc_auc_with_a_threshold_between_every_prediction_is_sklearns_exact_value(skm,
                                                                                  weights):
    # Every distinct prediction separated: the trapezoids are exactly roc_auc_score's.
    got = stream(M.AUC(thresholds=between(P_BIN)), Y_BIN, P_BIN, weights)
    want = skm.roc_auc_score(Y_BIN.ravel(), P_BIN.ravel(), sample_weight=weights)
    assert float(got) == pytest.approx(want, abs=1e-6)
    # Tied predictions: a trapezoid across each tie, as roc_auc_score.
    tied = np.round(P_BIN, 1)
    got = stream(M.AUC(thresholds=between(tied)), Y_BIN, tied, weights)
    want = skm.roc_auc_score(Y_BIN.ravel(), tied.ravel(), sample_weight=weights)
    assert float(got) == pytest.approx(want, abs=1e-6)


def test_roc_auc_with_200_thresholds_is_the_exact_area_of_the_bucketed_scores(skm, weights):
    """AUC() puts each prediction in one of 199 buckets between its evenly spaced thresholds;
    its area is exactly roc_auc_score of the bucket numbers (a bucket is a tie). The exact AUC
    of the raw scores differs only on (positive, negative) pairs sharing a bucket, which the
    ties count as 1/2 instead of 0 or 1: |AUC() - roc_auc_score| <= sum_b P_b N_b / (2 P N),
    with P_b, N_b the weight of positives and negatives in bucket b."""
    y, p = Y_BIN.ravel(), P_BIN.ravel()
    got = float(stream(M.AUC(), Y_BIN, P_BIN, weights))
    bucket = np.ceil(p * np.float32(199))
    assert got == pytest.approx(skm.roc_auc_score(y, bucket, sample_weight=weights), abs=1e-6)
    w = np.ones(N) if weights is None else weights.astype("float64")
    pos = np.bincount(bucket.astype(int), w * y, 200)
    neg = np.bincount(bucket.astype(int), w * (1 - y), 200)
    bound = (pos * neg).sum() / (2 * pos.sum() * neg.sum())
    exact = skm.roc_auc_score(y, p, sample_weight=weights)
    assert 0 < abs(got - exact) <= bound + 1e-9
    # Predictions at the buckets' centres have no such pairs: AUC() is then the exact value.
    centred = ((RNG.integers(0, 199, N) + 0.5) / 199).astype("float32")
    got = float(stream(M.AUC(), Y_BIN.ravel(), centred, weights))
    assert got == pytest.approx(skm.roc_auc_score(y, centred, sample_weight=weights),
                                abs=1e-6)


def test_multi_label_auc_is_the_mean_of_per_label_areas(skm, weights):
    thresholds = between(P_MULTI)
    per_label = [skm.roc_auc_score(Y_MULTI[:, j], P_MULTI[:, j], sample_weight=weights)
                 for j in range(C)]
    got = stream(M.AUC(thresholds=thresholds, multi_label=True), Y_MULTI, P_MULTI, weights)
    assert float(got) == pytest.approx(np.mean(per_label), abs=1e-6)
    assert float(got) == pytest.approx(skm.roc_auc_score(Y_MULTI, P_MULTI, average="macro",
                                                         sample_weight=weights), abs=1e-6)
    label_weights = [1.0, 2.0, 0.5, 3.0]
    got = stream(M.AUC(thresholds=thresholds, multi_label=True, num_labels=C,
                       label_weights=label_weights), Y_MULTI, P_MULTI, weights)
    assert float(got) == pytest.approx(np.average(per_label, weights=label_weights), abs=1e-6)
    # Without multi_label every value is one decision on a single curve: the micro average.
    got = stream(M.AUC(thresholds=thresholds), Y_MULTI, P_MULTI, weights)
    assert float(got) == pytest.approx(skm.roc_auc_score(Y_MULTI, P_MULTI, average="micro",
                                                         sample_weight=weights), abs=1e-6)


def test_auc_from_logits_applies_a_sigmoid_first():
    logits = (RNG.normal(0.0, 4.0, (N, 1))).astype("float32")
    logits[:3] = [[-200.0], [200.0], [0.0]]  # no overflow warning at the extremes
    probabilities = 1.0 / (1.0 + np.exp(-logits.astype("float64")))
    for kwargs in ({}, {"curve": "PR"}):
        from_logits = stream(M.AUC(from_logits=True, **kwargs), Y_BIN, logits)
        direct = stream(M.AUC(**kwargs), Y_BIN, probabilities.astype("float32"))
        assert float(from_logits) == pytest.approx(float(direct), abs=1e-6)


def _counts_at(thresholds, y, p, w):
    """TP and FP at each threshold by direct comparison, in float32 as the metric compares."""
    above = p.astype("float32")[None, :] > np.asarray(thresholds, "float32")[:, None]
    return (above * (w * y)).sum(axis=1), (above * (w * (1 - y))).sum(axis=1)


def _davis_goadrich_area(tp, fp, positives):
    """The interpolated PR area by numerical integration: between two neighbouring thresholds
    TP and P = TP + FP move linearly, precision = TP / P; integrate precision d(recall) with
    64-point Gauss-Legendre on each step."""
    nodes, node_weights = np.polynomial.legendre.leggauss(64)
    area = 0.0
    for i in range(len(tp) - 1):
        d_tp, d_p = tp[i] - tp[i + 1], (tp[i] + fp[i]) - (tp[i + 1] + fp[i + 1])
        if d_tp <= 0:
            continue
        s = 0.5 * (nodes + 1.0)  # position along the step, 0 at threshold i + 1
        tp_s = tp[i + 1] + s * d_tp
        p_s = (tp[i + 1] + fp[i + 1]) + s * d_p
        area += 0.5 * d_tp * np.sum(node_weights * tp_s / p_s) / positives
    return area


def test_pr_auc_majoring_is_average_precision_and_interpolation_is_davis_goadrich(skm,
                                                                                 weights):
    y, p = Y_BIN.ravel().astype("float64"), P_BIN.ravel()
    w = np.ones(N) if weights is None else weights.astype("float64")
    inner = between(P_BIN)
    # Without ties, each step between thresholds adds one sample; the height "majoring" takes
    # (the larger precision) is then the precision at the new recall: average precision.
    majoring = stream(M.AUC(curve="PR", summation_method="majoring", thresholds=inner),
                      Y_BIN, P_BIN, weights)
    ap = skm.average_precision_score(y, p, sample_weight=weights)
    assert float(majoring) == pytest.approx(ap, abs=1e-6)
    # Keras's default PR-AUC interpolates between the same points (Davis & Goadrich): the
    # precision TP/P along each step rather than a step function, so it is not AP.
    interpolated = float(stream(M.AUC(curve="PR", thresholds=inner), Y_BIN, P_BIN, weights))
    thresholds = [-1e-7] + inner + [1 + 1e-7]
    tp, fp = _counts_at(thresholds, y, p, w)
    assert interpolated == pytest.approx(_davis_goadrich_area(tp, fp, (w * y).sum()), abs=1e-6)
    assert abs(interpolated - ap) > 1e-3
    # The default 200 evenly spaced thresholds, against the same integral at those thresholds.
    default = float(stream(M.AUC(curve="PR"), Y_BIN, P_BIN, weights))
    evenly = [-1e-7] + [(i + 1) / 199 for i in range(198)] + [1 + 1e-7]
    tp, fp = _counts_at(evenly, y, p, w)
    assert default == pytest.approx(_davis_goadrich_area(tp, fp, (w * y).sum()), abs=1e-6)


@pytest.mark.parametrize("method, height", [("minoring", np.minimum), ("majoring", np.maximum),
                                            ("interpolation", lambda a, b: (a + b) / 2)])
def test_roc_summation_methods_follow_their_formulas(method, height):
    thresholds = [0.2, 0.45, 0.7]
    got = float(stream(M.AUC(summation_method=method, thresholds=thresholds), Y_BIN, P_BIN))
    y, p = Y_BIN.ravel(), P_BIN.ravel()
    tp, fp = _counts_at([-1e-7] + thresholds + [1 + 1e-7], y, p, np.ones(N))
    tpr, fpr = tp / y.sum(), fp / (1 - y).sum()
    want = np.sum((fpr[:-1] - fpr[1:]) * height(tpr[:-1], tpr[1:]))
    assert got == pytest.approx(want, abs=1e-6)


# ----------------------------------------------------------------------------- regression


def test_mean_errors_match_sklearn(skm, weights):
    for metric, reference in (
            (M.MeanSquaredError(), skm.mean_squared_error),
            (M.MeanAbsoluteError(), skm.mean_absolute_error)):
        got = stream(metric, Y_REG, P_REG, weights)
        assert float(got) == pytest.approx(reference(Y_REG, P_REG, sample_weight=weights),
                                           rel=1e-6)
    # Keras's MAPE is a percentage: 100 times scikit-learn's fraction.
    got = stream(M.MeanAbsolutePercentageError(), Y_REG, P_REG, weights)
    want = skm.mean_absolute_percentage_error(Y_REG, P_REG, sample_weight=weights)
    assert float(got) == pytest.approx(100 * want, rel=1e-6)
    got = stream(M.MeanSquaredLogarithmicError(), np.abs(Y_REG), np.abs(P_REG), weights)
    want = skm.mean_squared_log_error(np.abs(Y_REG), np.abs(P_REG), sample_weight=weights)
    assert float(got) == pytest.approx(want, rel=1e-6)
    # The root of the epoch's mean squared error, not a mean of per-batch roots.
    got = stream(M.RootMeanSquaredError(), Y_REG, P_REG, weights)
    want = np.sqrt(skm.mean_squared_error(Y_REG, P_REG, sample_weight=weights))
    assert float(got) == pytest.approx(want, rel=1e-6)
    batch_roots = [np.sqrt(skm.mean_squared_error(Y_REG[lo:hi], P_REG[lo:hi]))
                   for lo, hi in zip(CUTS[:-1], CUTS[1:])]
    assert abs(np.mean(batch_roots) - float(got)) > 1e-2


@pytest.mark.parametrize("aggregation, multioutput", [
    ("uniform_average", "uniform_average"), (None, "raw_values"),
    ("variance_weighted_average", "variance_weighted")])
def test_r2_score_matches_sklearn(skm, weights, aggregation, multioutput):
    got = stream(M.R2Score(class_aggregation=aggregation), Y_REG, P_REG, weights)
    want = skm.r2_score(Y_REG, P_REG, sample_weight=weights, multioutput=multioutput)
    np.testing.assert_allclose(got, want, atol=1e-6)


def test_r2_score_keeps_its_digits_when_the_targets_have_a_large_mean(skm, weights):
    # y = 1e4 + noise: sum(y^2) - sum(y)^2 / n would cancel 8 of float32's 7 digits.
    y = (1e4 + RNG.normal(0.0, 1.0, (N, 2))).astype("float32")
    p = (y + RNG.normal(0.0, 0.5, (N, 2))).astype("float32")
    got = stream(M.R2Score(), y, p, weights)
    want = skm.r2_score(y.astype("float64"), p.astype("float64"), sample_weight=weights)
    assert float(got) == pytest.approx(want, abs=1e-6)


def test_adjusted_r2_and_one_dimensional_targets(skm):
    r2 = skm.r2_score(Y_REG, P_REG)
    n, p = Y_REG.size, 5  # Keras counts every target value
    got = stream(M.R2Score(num_regressors=p), Y_REG, P_REG)
    assert float(got) == pytest.approx(1 - (1 - r2) * (n - 1) / (n - p - 1), abs=1e-6)
    got = stream(M.R2Score(), Y_REG[:, 0], P_REG[:, 0])
    assert float(got) == pytest.approx(skm.r2_score(Y_REG[:, 0], P_REG[:, 0]), abs=1e-6)
    with pytest.warns(UserWarning, match="num_regressors"):
        small = M.R2Score(num_regressors=10)
        small.update_state(Y_REG[:4, :1], P_REG[:4, :1])
        assert float(small.result()) == pytest.approx(
            skm.r2_score(Y_REG[:4, 0], P_REG[:4, 0]), abs=1e-6)


def test_r2_score_of_a_constant_column_follows_keras():
    metric = M.R2Score(class_aggregation=None)
    metric.update_state(np.array([[1.0, 2.0], [1.0, 3.0]]), np.array([[1.5, 2.0], [1.0, 3.0]]))
    # Column 0 has zero variance and an error: 0 (Keras's rule); column 1 is perfect.
    np.testing.assert_allclose(metric.result().numpy(), [0.0, 1.0])


# ----------------------------------------------------------------------------- reductions


def test_mean_and_sum_weighted():
    values = RNG.normal(size=(N, 3)).astype("float32")
    mean, total = M.Mean(), M.Sum()
    for lo, hi in zip(CUTS[:-1], CUTS[1:]):
        mean.update_state(values[lo:hi], sample_weight=W[lo:hi])
        total.update_state(values[lo:hi], sample_weight=W[lo:hi])
    # A sample of 3 values counts once, with its weight, at the mean of its values.
    per_sample = values.astype("float64").mean(axis=1)
    assert float(mean.result()) == pytest.approx(np.average(per_sample, weights=W), rel=1e-6)
    assert float(total.result()) == pytest.approx(
        (values.astype("float64").sum(axis=1) * W).sum(), rel=1e-6)
    assert float(M.Mean()([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])) == 2.0
    assert float(M.Sum()([1, 3, 5, 7])) == 16.0


def worst_error(y_true, y_pred):
    """A metric written as a plain function: the largest absolute error of each sample (NumPy
    functions, which take CuPy arrays on the GPU too)."""
    return np.abs(y_true - y_pred).max(axis=-1)


def test_any_function_of_y_true_and_y_pred_is_a_metric(weights):
    got = stream(M.MeanMetricWrapper(worst_error), Y_REG, P_REG, weights)
    per_sample = np.abs(Y_REG.astype("float64") - P_REG).max(axis=1)
    assert float(got) == pytest.approx(np.average(per_sample, weights=weights), rel=1e-6)
    x, y = column(PR_P), column(PR_Y)
    history = identity_model([worst_error]).fit(x, y, batch_size=3, shuffle=False, verbose=0)
    assert history.history["worst_error"] == pytest.approx([np.abs(x - y).mean()], rel=1e-6)


# ----------------------------------------------------------------------------- logs


def test_log_names_are_keras_names(fresh_names):
    x = RNG.random((64, 3)).astype("float32")
    y = (RNG.random((64, 1)) > 0.5).astype("float32")
    model = numnet.Sequential([numnet.Input((3,)),
                               numnet.layers.Dense(1, activation="sigmoid")])
    model.compile("sgd", "binary_crossentropy", metrics=[
        "precision", M.Precision(), "Precision", "mse", "MSE", "acc", "auc", M.Precision(),
        "f1_score", "f_beta_score", M.F1Score(threshold=0.5),
        M.Precision(thresholds=[0.3, 0.6])], weighted_metrics=["accuracy", "precision"])
    history = model.fit(x, y, epochs=1, verbose=0, validation_split=0.25)
    # What Keras 3 logs for the same compile call in a fresh session.
    expected = ["MSE", "Precision", "acc", "accuracy", "auc", "f1_score", "f1_score_1",
                "f_beta_score", "loss", "mse", "precision", "precision_1", "precision_2",
                "weighted_precision"]
    assert sorted(history.history) == sorted(expected + [f"val_{k}" for k in expected])
    assert model.metrics_names[:5] == ["loss", "precision", "precision_1", "Precision", "mse"]


def test_metric_objects_are_named_once_per_session_as_keras(fresh_names):
    first, second = M.Precision(), M.Precision()
    assert (first.name, second.name) == ("precision", "precision_1")
    assert (M.AUC().name, M.Recall().name, M.AUC(name="roc").name) == ("auc", "recall", "roc")
    x, y = column(PR_P), column(PR_Y)
    logs = identity_model([first, "recall", M.Recall()]).fit(x, y, verbose=0).history
    assert sorted(logs) == ["loss", "precision", "recall", "recall_1"]
    # A second model in the same session: its new Precision() is precision_2, like Keras's.
    logs = identity_model([M.Precision(), "precision"]).fit(x, y, verbose=0).history
    assert sorted(logs) == ["loss", "precision", "precision_2"]


def test_only_weighted_metrics_see_sample_and_class_weights(skm):
    x, y = P_BIN, Y_BIN
    model = identity_model(["binary_accuracy", M.Precision()],
                           weighted_metrics=["binary_accuracy", M.Precision(name="wp")])
    logs = model.evaluate(x, y, sample_weight=W, batch_size=50, verbose=0, return_dict=True)
    predicted = x.ravel() > 0.5
    assert logs["binary_accuracy"] == pytest.approx(skm.accuracy_score(y.ravel(), predicted))
    assert logs["weighted_binary_accuracy"] == pytest.approx(
        skm.accuracy_score(y.ravel(), predicted, sample_weight=W), abs=1e-6)
    assert logs["wp"] == pytest.approx(
        skm.precision_score(y.ravel(), predicted, sample_weight=W), abs=1e-6)
    class_weight = {0: 1.0, 1: 3.0}
    history = model.fit(x, y, class_weight=class_weight, batch_size=50, shuffle=False,
                        verbose=0)
    per_sample = np.where(y.ravel() == 1, 3.0, 1.0)
    assert history.history["binary_accuracy"] == pytest.approx(
        [skm.accuracy_score(y.ravel(), predicted)], abs=1e-6)
    assert history.history["weighted_binary_accuracy"] == pytest.approx(
        [skm.accuracy_score(y.ravel(), predicted, sample_weight=per_sample)], abs=1e-6)


def test_vector_results_are_logged_as_arrays(skm):
    model = identity_model([M.Precision(thresholds=[0.3, 0.7]),
                            M.F1Score(threshold=0.5, name="f1")])
    history = model.fit(P_BIN, Y_BIN, batch_size=64, verbose=0)
    precision = history.history[model.metrics[1].metrics[0].name][0]  # (0: the loss tracker,
    # 1: the compiled metrics' container, as Keras's CompileMetrics)
    assert isinstance(precision, np.ndarray) and precision.shape == (2,)
    np.testing.assert_allclose(precision, [
        skm.precision_score(Y_BIN.ravel(), P_BIN.ravel() > t) for t in (0.3, 0.7)], atol=1e-6)
    f1 = history.history["f1"][0]
    assert isinstance(f1, np.ndarray) and f1.shape == (1,)  # one column: one class, as Keras
    assert f1[0] == pytest.approx(skm.f1_score(Y_BIN.ravel(), P_BIN.ravel() > 0.5), abs=1e-6)
    result = model.evaluate(P_BIN, Y_BIN, verbose=0)
    np.testing.assert_allclose(result[1], precision, atol=1e-6)


# ----------------------------------------------------------------------------- names, configs


@pytest.mark.parametrize("name, cls", [
    ("precision", M.Precision), ("recall", M.Recall), ("auc", M.AUC), ("AUC", M.AUC),
    ("f1_score", M.F1Score), ("F1Score", M.F1Score), ("f_beta_score", M.FBetaScore),
    ("r2_score", M.R2Score), ("mse", M.MeanSquaredError), ("MAE", M.MeanAbsoluteError),
    ("mape", M.MeanAbsolutePercentageError), ("msle", M.MeanSquaredLogarithmicError),
    ("root_mean_squared_error", M.RootMeanSquaredError), ("rmse", M.RootMeanSquaredError),
    ("binary_accuracy", M.BinaryAccuracy), ("top_k_categorical_accuracy",
                                            M.TopKCategoricalAccuracy),
    ("sparse_top_k_categorical_accuracy", M.SparseTopKCategoricalAccuracy),
    ("true_positives", M.TruePositives), ("mean", M.Mean), ("sum", M.Sum),
    ("binary_crossentropy", M.BinaryCrossentropy), ("bce", M.BinaryCrossentropy)])
def test_string_names_give_keras_metrics_logged_under_that_string(name, cls):
    metric = M.get(name)
    assert type(metric) is cls and metric.name == name


def test_unknown_names_and_objects_are_refused_with_a_hint():
    with pytest.raises(ValueError, match=r"'precison'.*Did you mean 'precision'"):
        M.get("precison")
    with pytest.raises(TypeError, match="given int 3"):
        M.get(3)
    with pytest.raises(ValueError, match="'fbeta_score'"):  # Keras's name is f_beta_score
        M.validate("fbeta_score")


CONFIG_EXAMPLES = [
    M.Precision(thresholds=[0.3, 0.6], class_id=1, name="p"),
    M.Recall(top_k=2),
    M.AUC(num_thresholds=50, curve="PR", summation_method="majoring", multi_label=True,
          num_labels=C, label_weights=[1.0, 2.0, 0.5, 3.0]),
    M.AUC(thresholds=[0.2, 0.5, 0.8], from_logits=True),
    M.F1Score(average="macro", threshold=0.4),
    M.FBetaScore(average="weighted", beta=2.0, threshold=0.6),
    M.R2Score(class_aggregation="variance_weighted_average", num_regressors=2),
    M.TruePositives(thresholds=[0.1, 0.9]),
    M.SparseTopKCategoricalAccuracy(k=2, from_sorted_ids=True),
    M.BinaryCrossentropy(from_logits=True, label_smoothing=0.1),
]


@pytest.mark.parametrize("metric", CONFIG_EXAMPLES, ids=lambda m: type(m).__name__)
def test_configs_round_trip_and_the_clone_computes_the_same(metric):
    import json

    config = json.loads(json.dumps(metric.get_config()))
    clone = type(metric).from_config(config)
    assert clone.get_config() == config and clone.name == metric.name
    again = M.deserialize(json.loads(json.dumps(M.serialize(metric))))
    assert again.get_config() == config
    if isinstance(metric, M.SparseTopKCategoricalAccuracy):
        y, p = LABELS, np.argsort(-P_MULTI, axis=1)
    elif isinstance(metric, M.R2Score):
        y, p = Y_MULTI, P_MULTI
    else:
        y, p = (Y_MULTI, P_MULTI) if not isinstance(metric, M.BinaryCrossentropy) \
            else (Y_BIN, P_BIN)
    np.testing.assert_array_equal(stream(type(metric).from_config(config), y, p),
                                  stream(clone, y, p))


def test_compiled_metrics_survive_save_and_load(tmp_path):
    model = identity_model([M.Precision(thresholds=[0.3, 0.6]), M.AUC(curve="PR"),
                            M.F1Score(average="macro", threshold=0.4), M.R2Score(), "recall"],
                           weighted_metrics=["recall"])
    before = model.evaluate(P_BIN, Y_BIN, sample_weight=W, batch_size=40, verbose=0,
                            return_dict=True)
    assert abs(before["weighted_recall"] - before["recall"]) > 1e-3  # the weights matter
    path = tmp_path / "model.numnet"
    model.save(str(path))
    loaded = numnet.saving.load_model(str(path))
    after = loaded.evaluate(P_BIN, Y_BIN, sample_weight=W, batch_size=40, verbose=0,
                            return_dict=True)
    assert sorted(after) == sorted(before)
    for key in before:
        np.testing.assert_allclose(after[key], before[key], rtol=1e-6)


# ----------------------------------------------------------------------------- state, errors


def test_state_snapshots_restore_and_reset():
    auc = M.AUC(multi_label=True)
    assert auc.variables == []  # built from the first batch's shape
    auc.update_state(Y_MULTI[:100], P_MULTI[:100])
    snapshot, value = auc.get_state(), float(auc.result())
    auc.update_state(Y_MULTI[100:], P_MULTI[100:])
    assert float(auc.result()) != value
    auc.set_state(snapshot)
    assert float(auc.result()) == value
    auc.reset_state()
    assert all(not v.numpy().any() for v in auc.variables) and len(auc.variables) == 4
    assert all(v.dtype == np.float64 for v in auc.variables)


class CountAbove(M.Metric):
    """A Keras-style custom metric: state from add_variable, the default reset_state."""

    def __init__(self, name="count_above", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.count = self.add_variable((), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        self.count.assign_add((y_pred > 0.5).sum())

    def result(self):
        return self.count


def test_a_custom_metric_with_add_variable_counts_over_the_epoch_and_resets():
    model = identity_model([CountAbove()])
    history = model.fit(column(PR_P), column(PR_Y), batch_size=3, epochs=2, verbose=0,
                        validation_data=(column([0.9, 0.1]), column([1, 0])))
    assert history.history["count_above"] == [2.0, 2.0]  # 0.9 and 0.8, each epoch afresh
    assert history.history["val_count_above"] == [1.0, 1.0]


@pytest.mark.parametrize("make, message", [
    (lambda: M.Precision(thresholds=1.5), r"Precision: thresholds must be numbers in \[0, 1\]"),
    (lambda: M.Recall(top_k=0), r"Recall\(top_k\): expected an integer >= 1"),
    (lambda: M.AUC(curve="ROCK"), r"AUC\(curve\): expected 'ROC', 'PR' or 'PRGAIN'"),
    (lambda: M.AUC(num_thresholds=1), r"AUC\(num_thresholds\): expected an integer > 1"),
    (lambda: M.AUC(summation_method="simpson"), r"AUC\(summation_method\)"),
    (lambda: M.AUC(num_labels=3), "only with multi_label=True"),
    (lambda: M.F1Score(average="samples"), r"F1Score\(average\): expected one of"),
    (lambda: M.FBetaScore(beta=0), r"FBetaScore\(beta\): expected a number > 0"),
    (lambda: M.F1Score(threshold=1.5), r"F1Score\(threshold\)"),
    (lambda: M.R2Score(class_aggregation="mean"), r"R2Score\(class_aggregation\)"),
    (lambda: M.R2Score(num_regressors=-1), r"R2Score\(num_regressors\)"),
    (lambda: M.TopKCategoricalAccuracy(k=0), "k: expected a positive integer"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


@pytest.mark.parametrize("update, message", [
    (lambda: M.F1Score().update_state(LABELS, P_MULTI),
     r"F1Score: expects y_true and y_pred of the same shape .*to_categorical"),
    (lambda: M.Precision().update_state(LABELS, P_MULTI),
     r"Precision: y_true of shape \(257,\) does not fit y_pred of shape \(257, 4\)"),
    (lambda: M.Precision(class_id=7).update_state(Y_MULTI, P_MULTI), "class_id=7"),
    (lambda: M.CategoricalAccuracy().update_state(LABELS, P_MULTI), "sparse_"),
    (lambda: M.SparseCategoricalAccuracy().update_state(ONE_HOT, P_MULTI), "integer class"),
    (lambda: M.AUC().update_state(Y_BIN, P_BIN, sample_weight=W[:10]),
     r"sample_weight of shape \(10,\) does not fit y_pred of shape \(257, 1\)"),
    (lambda: M.MeanSquaredError().update_state(Y_REG, P_REG[:, :2]),
     r"mean_squared_error: y_true of shape \(257, 3\) does not fit"),
    (lambda: M.AUC(multi_label=True).update_state(Y_BIN.ravel(), P_BIN.ravel()),
     r"multi_label=True expects y_pred of shape \(samples, labels\)"),
])
def test_data_that_does_not_fit_is_refused_with_the_shapes(update, message):
    with pytest.raises(ValueError, match=message):
        update()


# ----------------------------------------------------------------------------- Keras itself

KERAS_CASES = [
    ("BinaryAccuracy", {"threshold": 0.3}, "bin"), ("CategoricalAccuracy", {}, "onehot"),
    ("SparseTopKCategoricalAccuracy", {"k": 2}, "labels"),
    ("Precision", {"thresholds": [0.7, 0.2, 0.5]}, "multi"), ("Precision", {"top_k": 2}, "multi"),
    ("Recall", {"thresholds": [0.3, 0.6], "class_id": 1}, "multi"),
    ("Precision", {"thresholds": [0.0, 0.25, 0.5, 0.75, 1.0]}, "multi"),
    ("FalsePositives", {"thresholds": [0.2, 0.8]}, "multi"),
    ("AUC", {}, "bin"), ("AUC", {"curve": "PR"}, "bin"), ("AUC", {"curve": "PRGAIN"}, "bin"),
    ("AUC", {"summation_method": "minoring", "num_thresholds": 17}, "multi"),
    ("AUC", {"multi_label": True, "curve": "PR", "label_weights": [1, 2, 0.5, 3]}, "multi"),
    ("AUC", {"label_weights": [1, 2, 0.5, 3]}, "multi"),
    ("AUC", {"thresholds": [0.1, 0.5, 0.52, 0.9]}, "bin"),
    ("F1Score", {}, "onehot"), ("F1Score", {"average": "weighted", "threshold": 0.5}, "multi"),
    ("FBetaScore", {"beta": 2.0, "average": "macro"}, "onehot"),
    ("R2Score", {"class_aggregation": "variance_weighted_average"}, "reg"),
    ("R2Score", {"num_regressors": 3}, "reg"), ("RootMeanSquaredError", {}, "reg"),
    ("MeanAbsolutePercentageError", {}, "reg"),
]
KERAS_DATA = {"bin": (Y_BIN, P_BIN), "onehot": (ONE_HOT, P_MULTI), "labels": (LABELS, P_MULTI),
              "multi": (Y_MULTI, P_MULTI), "reg": (Y_REG, P_REG)}


@pytest.fixture(scope="module")
def keras():
    if not os.environ.get("NUMNET_KERAS_METRICS"):
        pytest.skip("slow (about a minute: Keras on JAX compiles for each batch shape); set "
                    "NUMNET_KERAS_METRICS=1 to compare with Keras 3")
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="the Keras comparison runs Keras on its JAX backend")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


@pytest.mark.parametrize("name, kwargs, data", KERAS_CASES,
                         ids=[f"{n}-{i}" for i, (n, _, _) in enumerate(KERAS_CASES)])
def test_the_same_stream_gives_keras_3s_result(keras, weights, name, kwargs, data):
    y, p = KERAS_DATA[data]
    want = stream(getattr(keras.metrics, name)(**kwargs), y, p, weights)
    got = stream(getattr(M, name)(**kwargs), y, p, weights)
    # Keras accumulates in float32: its sums of a few hundred weights carry ~1e-7 relative.
    np.testing.assert_allclose(got, want, rtol=2e-6, atol=2e-6)


@pytest.mark.parametrize("labels", ["column", "flat", "int", "not_binary"])
def test_binary_accuracy_counts_hits_as_the_per_sample_mean_does(labels):
    """BinaryAccuracy's direct count of an (n, 1) output equals the general path's mean."""
    rs = np.random.default_rng(11)
    pred = rs.random((50, 1)).astype("float32")
    pred[3] = np.nan  # never above the threshold
    y = (rs.random((50, 1)) > 0.4).astype("float32")
    if labels == "flat":
        y = y[:, 0]
    elif labels == "int":
        y = y.astype("int64")
    elif labels == "not_binary":
        y[::7] = 2.0  # a label that no prediction matches
    direct, general = M.BinaryAccuracy(threshold=0.3), M.BinaryAccuracy(threshold=0.3)
    for lo in range(0, 50, 16):
        direct.update_state(y[lo:lo + 16], pred[lo:lo + 16])
        # the general path: MeanMetricWrapper's per-sample mean of binary_accuracy
        M.MeanMetricWrapper.update_state(general, y[lo:lo + 16], pred[lo:lo + 16])
    want = np.mean((pred > 0.3).astype("float32").reshape(-1) == np.reshape(y, -1))
    assert float(direct.result()) == float(general.result()) == pytest.approx(want, abs=1e-7)
    assert float(direct.count.value) == float(general.count.value) == 50
