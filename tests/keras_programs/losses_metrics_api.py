"""Keras 3's loss and metric classes called as their API documentation calls them, with their
options: reductions ("sum", "none", "mean"), sample weights, label smoothing, from_logits,
axis, focal losses with class balancing, Dice and Tversky, Huber's delta; metrics with
thresholds, top_k, class_id, AUC over ROC and PR curves and multi-label, F1 / F-beta with
averages, R2Score, IoU, PrecisionAtRecall, and a compiled model that reports several of them.
"""

import numpy as np

import numnet as keras
from numnet import ops

rng = np.random.default_rng(61)
RESULT = {}


def value(x):
    return float(np.sum(ops.convert_to_numpy(x)))


y_bin = rng.integers(0, 2, (8, 3)).astype("float32")
p_bin = rng.uniform(0.02, 0.98, (8, 3)).astype("float32")
logits = rng.normal(0.0, 2.0, (8, 3)).astype("float32")
labels = rng.integers(0, 4, 8)
one_hot = np.eye(4, dtype="float32")[labels]
p_cat = rng.dirichlet(np.ones(4), 8).astype("float32")
y_reg = rng.normal(size=(8, 3)).astype("float32")
p_reg = (y_reg + rng.normal(0.0, 0.7, (8, 3))).astype("float32")
weights = rng.uniform(0.0, 2.0, 8).astype("float32")

losses = {
    "bce_smooth": keras.losses.BinaryCrossentropy(label_smoothing=0.2),
    "bce_logits_sum": keras.losses.BinaryCrossentropy(from_logits=True, reduction="sum"),
    "bce_axis0": keras.losses.BinaryCrossentropy(axis=0, reduction="none"),
    "focal": keras.losses.BinaryFocalCrossentropy(gamma=2.0),
    "focal_balanced": keras.losses.BinaryFocalCrossentropy(apply_class_balancing=True,
                                                           alpha=0.3, gamma=1.5),
    "cat_focal": keras.losses.CategoricalFocalCrossentropy(alpha=0.5, gamma=2.0),
    "cce_smooth": keras.losses.CategoricalCrossentropy(label_smoothing=0.1),
    "huber": keras.losses.Huber(delta=0.5),
    "log_cosh": keras.losses.LogCosh(),
    "kld": keras.losses.KLDivergence(),
    "poisson": keras.losses.Poisson(),
    "cosine": keras.losses.CosineSimilarity(axis=1),
    "hinge": keras.losses.Hinge(),
    "squared_hinge": keras.losses.SquaredHinge(),
    "categorical_hinge": keras.losses.CategoricalHinge(),
    "mape": keras.losses.MeanAbsolutePercentageError(),
    "msle": keras.losses.MeanSquaredLogarithmicError(),
    "dice": keras.losses.Dice(),
    "tversky": keras.losses.Tversky(alpha=0.7, beta=0.3),
}
pairs = {
    "bce_smooth": (y_bin, p_bin), "bce_logits_sum": (y_bin, logits), "bce_axis0": (y_bin, p_bin),
    "focal": (y_bin, p_bin), "focal_balanced": (y_bin, p_bin), "cat_focal": (one_hot, p_cat),
    "cce_smooth": (one_hot, p_cat), "huber": (y_reg, p_reg), "log_cosh": (y_reg, p_reg),
    "kld": (p_cat[::-1], p_cat), "poisson": (np.abs(y_reg), np.abs(p_reg)),
    "cosine": (y_reg, p_reg), "hinge": (y_bin, logits), "squared_hinge": (y_bin, logits),
    "categorical_hinge": (one_hot, p_cat), "mape": (y_reg + 3.0, p_reg + 3.0),
    "msle": (np.abs(y_reg), np.abs(p_reg)), "dice": (y_bin, p_bin), "tversky": (y_bin, p_bin),
}
for name, loss in losses.items():
    y_true, y_pred = pairs[name]
    RESULT[f"loss_{name}"] = value(loss(y_true, y_pred))
    if name not in ("bce_axis0", "dice", "tversky", "kld", "cosine"):
        RESULT[f"loss_{name}_weighted"] = value(loss(y_true, y_pred, sample_weight=weights))
RESULT["sparse_none_sum"] = value(keras.losses.SparseCategoricalCrossentropy(
    reduction="none")(labels, p_cat))
RESULT["sparse_ignore"] = value(keras.losses.SparseCategoricalCrossentropy(
    ignore_class=2)(labels, p_cat))

metrics = {
    "binary_acc_07": (keras.metrics.BinaryAccuracy(threshold=0.7), y_bin, p_bin),
    "precision_top2": (keras.metrics.Precision(top_k=2), y_bin, p_bin),
    "recall_class1": (keras.metrics.Recall(class_id=1), y_bin, p_bin),
    "precision_thresholds": (keras.metrics.Precision(thresholds=[0.3, 0.6]), y_bin, p_bin),
    "auc_roc": (keras.metrics.AUC(num_thresholds=50), y_bin, p_bin),
    "auc_pr": (keras.metrics.AUC(curve="PR", num_thresholds=50), y_bin, p_bin),
    "auc_multi": (keras.metrics.AUC(multi_label=True, num_thresholds=50), y_bin, p_bin),
    "auc_logits": (keras.metrics.AUC(from_logits=True), y_bin, logits),
    "f1_micro": (keras.metrics.F1Score(average="micro", threshold=0.5), y_bin, p_bin),
    "f1_macro": (keras.metrics.F1Score(average="macro", threshold=0.5), y_bin, p_bin),
    "f1_weighted": (keras.metrics.F1Score(average="weighted"), one_hot, p_cat),
    "fbeta_2": (keras.metrics.FBetaScore(beta=2.0, average="micro", threshold=0.4),
                y_bin, p_bin),
    "r2": (keras.metrics.R2Score(), y_reg, p_reg),
    "r2_adjusted": (keras.metrics.R2Score(class_aggregation="variance_weighted_average",
                                          num_regressors=2), y_reg, p_reg),
    "top2_cat": (keras.metrics.TopKCategoricalAccuracy(k=2), one_hot, p_cat),
    "sparse_top2": (keras.metrics.SparseTopKCategoricalAccuracy(k=2), labels, p_cat),
    "one_hot_iou": (keras.metrics.OneHotMeanIoU(num_classes=4), one_hot, p_cat),
    "mean_iou": (keras.metrics.MeanIoU(num_classes=4), labels, np.argmax(p_cat, axis=1)),
    "precision_at_recall": (keras.metrics.PrecisionAtRecall(recall=0.5), y_bin, p_bin),
    "recall_at_precision": (keras.metrics.RecallAtPrecision(precision=0.5), y_bin, p_bin),
    "specificity_at_sensitivity": (keras.metrics.SpecificityAtSensitivity(0.5), y_bin, p_bin),
    "pearson": (keras.metrics.PearsonCorrelation(), y_reg[:, 0], p_reg[:, 0]),
    "concordance": (keras.metrics.ConcordanceCorrelation(), y_reg[:, 0], p_reg[:, 0]),
    "log_cosh_error": (keras.metrics.LogCoshError(), y_reg, p_reg),
    "poisson_metric": (keras.metrics.Poisson(), np.abs(y_reg), np.abs(p_reg)),
}
for name, (metric, y_true, y_pred) in metrics.items():
    metric.update_state(y_true[:4], y_pred[:4])
    metric.update_state(y_true[4:], y_pred[4:])
    RESULT[f"metric_{name}"] = value(metric.result())
weighted = keras.metrics.BinaryAccuracy()
weighted.update_state(y_bin, p_bin, sample_weight=weights)
RESULT["metric_weighted_accuracy"] = value(weighted.result())
weighted_mean = keras.metrics.Mean()
weighted_mean.update_state([1.0, 3.0, 5.0, 7.0], sample_weight=[1.0, 0.0, 2.0, 1.0])
RESULT["metric_weighted_mean"] = value(weighted_mean.result())  # (1 + 10 + 7) / 4

inputs = keras.Input((5,))
outputs = keras.layers.Dense(3, activation="sigmoid")(inputs)
model = keras.Model(inputs, outputs)
x = rng.normal(size=(64, 5)).astype("float32")
y = (x[:, :3] > 0).astype("float32")
model.set_weights([rng.normal(0.0, 0.3, (5, 3)).astype("float32"), np.zeros(3, "float32")])
model.compile(optimizer="adam", loss=keras.losses.BinaryFocalCrossentropy(gamma=1.0),
              metrics=[keras.metrics.AUC(name="auc"), keras.metrics.F1Score(threshold=0.5),
                       keras.metrics.Precision(thresholds=0.6, name="p60")])
history = model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0)
RESULT["fit_loss_1"] = history.history["loss"][1]
RESULT["fit_auc_1"] = history.history["auc"][1]
RESULT["fit_f1_1"] = float(np.sum(history.history["f1_score"][1]))
RESULT["fit_p60_1"] = history.history["p60"][1]
print(RESULT)
