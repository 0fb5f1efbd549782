"""After the TensorFlow tutorial "Classification on imbalanced data": a rare positive class in
a table split by hand into train / validation / test, the features standardized and clipped;
the tutorial's METRICS list (MeanSquaredError, BinaryCrossentropy, TruePositives,
FalsePositives, TrueNegatives, FalseNegatives, BinaryAccuracy, Precision, Recall, AUC of the
ROC and of the PR curve); make_model with an output bias from
tf.keras.initializers.Constant(np.log([pos / neg])) and Dropout; the loss of the initial bias
checked by evaluate; the initial weights kept with save_weights / load_weights; EarlyStopping
on val_prc (mode="max", restore_best_weights=True); evaluate with return_dict;
class_weight; and oversampling with a tf.data pipeline per class, repeat,
Dataset.sample_from_datasets and steps_per_epoch.

The data is synthetic and small. Dropout and the oversampled stream are each framework's
own draws, so the trained models compare in level only; the initial-bias evaluation compares
exactly.
"""

import os

import numpy as np

import numnet as tf

RESULT = {}
tf.keras.utils.set_random_seed(1)
rng = np.random.default_rng(21)
n_rows = 3000
labels_all = (rng.random(n_rows) < 0.04).astype("int64")
shift = np.array([1.2, -0.8, 1.0, 0.0, 0.6, -1.1])
features_all = rng.normal(0.0, 1.0, (n_rows, 6)) + labels_all[:, None] * shift
features_all[:, 3] = np.exp(features_all[:, 3])  # one skewed column, as "Amount"

neg, pos = np.bincount(labels_all)
total = neg + pos
RESULT["positive_share"] = float(pos / total)

# Use a utility from sklearn to split and shuffle your dataset (here by hand)
order = rng.permutation(n_rows)
train_idx, val_idx, test_idx = order[:1920], order[1920:2400], order[2400:]
train_labels, val_labels, test_labels = (labels_all[train_idx], labels_all[val_idx],
                                         labels_all[test_idx])
bool_train_labels = train_labels != 0
# labels as columns, the shape of the model's output: Keras 3's BinaryCrossentropy metric
# refuses labels of shape (n,) against predictions of shape (n, 1)
train_labels, val_labels, test_labels = (train_labels[:, None], val_labels[:, None],
                                         test_labels[:, None])
train_features, val_features, test_features = (features_all[train_idx],
                                               features_all[val_idx],
                                               features_all[test_idx])
train_features[:, 3] = np.log(train_features[:, 3] + 1e-3)
val_features[:, 3] = np.log(val_features[:, 3] + 1e-3)
test_features[:, 3] = np.log(test_features[:, 3] + 1e-3)

# StandardScaler, by hand
mean, std = train_features.mean(axis=0), train_features.std(axis=0)
train_features = np.clip((train_features - mean) / std, -5, 5).astype("float32")
val_features = np.clip((val_features - mean) / std, -5, 5).astype("float32")
test_features = np.clip((test_features - mean) / std, -5, 5).astype("float32")

METRICS = [
    tf.keras.metrics.BinaryCrossentropy(name="cross entropy"),  # same as model's loss
    tf.keras.metrics.MeanSquaredError(name="Brier score"),
    tf.keras.metrics.TruePositives(name="tp"),
    tf.keras.metrics.FalsePositives(name="fp"),
    tf.keras.metrics.TrueNegatives(name="tn"),
    tf.keras.metrics.FalseNegatives(name="fn"),
    tf.keras.metrics.BinaryAccuracy(name="accuracy"),
    tf.keras.metrics.Precision(name="precision"),
    tf.keras.metrics.Recall(name="recall"),
    tf.keras.metrics.AUC(name="auc"),
    tf.keras.metrics.AUC(name="prc", curve="PR"),  # precision-recall curve
]


def make_model(metrics=METRICS, output_bias=None):
    if output_bias is not None:
        output_bias = tf.keras.initializers.Constant(output_bias)
    model = tf.keras.Sequential([
        tf.keras.layers.Input(shape=(train_features.shape[-1],)),
        tf.keras.layers.Dense(16, activation="relu"),
        tf.keras.layers.Dropout(0.5),
        tf.keras.layers.Dense(1, activation="sigmoid", bias_initializer=output_bias),
    ])
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=1e-2),
                  loss=tf.keras.losses.BinaryCrossentropy(),
                  metrics=metrics)
    return model


EPOCHS = 8
BATCH_SIZE = 256


def early_stopping():
    return tf.keras.callbacks.EarlyStopping(monitor="val_prc", verbose=0, patience=4,
                                            mode="max", restore_best_weights=True)


# the same first layer in every framework: a NumPy draw
kernel = np.random.default_rng(5).normal(0.0, 0.4, (6, 16)).astype("float32")
last_kernel = np.random.default_rng(6).normal(0.0, 0.01, (16, 1)).astype("float32")

model = make_model()
model.set_weights([kernel, np.zeros(16, "float32"), last_kernel, np.zeros(1, "float32")])
results = model.evaluate(train_features, train_labels, batch_size=BATCH_SIZE, verbose=0)
RESULT["zero_bias_loss"] = float(results[0])

initial_bias = np.log([pos / neg])
model = make_model(output_bias=initial_bias)
RESULT["initial_bias_set"] = float(np.allclose(model.layers[-1].bias.numpy(), initial_bias))
model.set_weights([kernel, np.zeros(16, "float32"), last_kernel,
                   initial_bias.astype("float32")])
results = model.evaluate(train_features, train_labels, batch_size=BATCH_SIZE, verbose=0)
RESULT["careful_bias_loss"] = float(results[0])
p0 = pos / total
RESULT["entropy_by_hand"] = float(-p0 * np.log(p0) - (1 - p0) * np.log(1 - p0))
RESULT["predict_mean"] = float(np.mean(model.predict(train_features[:10], verbose=0)))

initial_weights = os.path.join("initial.weights.h5")
model.save_weights(initial_weights)

# the model trained with the careful bias
model = make_model()
model.load_weights(initial_weights)
RESULT["loaded_bias"] = float(model.layers[-1].bias.numpy()[0])
baseline_history = model.fit(
    train_features, train_labels, batch_size=BATCH_SIZE, epochs=EPOCHS,
    callbacks=[early_stopping()], validation_data=(val_features, val_labels), verbose=0)
RESULT["history_keys"] = float(len(baseline_history.history))
RESULT["has_val_prc"] = float("val_prc" in baseline_history.history)
baseline_results = model.evaluate(test_features, test_labels, batch_size=BATCH_SIZE,
                                  verbose=0, return_dict=True)
RESULT["baseline_auc"] = float(baseline_results["auc"])
RESULT["cross_entropy_is_loss"] = float(abs(baseline_results["cross entropy"]
                                            - baseline_results["loss"]) < 1e-5)
RESULT["baseline_recall"] = float(baseline_results["recall"])
RESULT["counts_add_up"] = float(
    sum(baseline_results[k] for k in ("tp", "fp", "tn", "fn")) == len(test_labels))
RESULT["baseline_accuracy"] = float(baseline_results["accuracy"])
predictions = model.predict(test_features, batch_size=BATCH_SIZE, verbose=0)
tp_by_hand = np.sum((predictions[:, 0] > 0.5) & (test_labels[:, 0] == 1))
RESULT["tp_matches"] = float(tp_by_hand == baseline_results["tp"])

# class weights
weight_for_0 = (1 / neg) * (total / 2.0)
weight_for_1 = (1 / pos) * (total / 2.0)
class_weight = {0: weight_for_0, 1: weight_for_1}
weighted_model = make_model()
weighted_model.load_weights(initial_weights)
weighted_history = weighted_model.fit(
    train_features, train_labels, batch_size=BATCH_SIZE, epochs=EPOCHS,
    callbacks=[early_stopping()], validation_data=(val_features, val_labels),
    class_weight=class_weight, verbose=0)
weighted_results = weighted_model.evaluate(test_features, test_labels,
                                           batch_size=BATCH_SIZE, verbose=0,
                                           return_dict=True)
RESULT["weighted_recall"] = float(weighted_results["recall"])
RESULT["weighted_auc"] = float(weighted_results["auc"])

# oversampling with tf.data
pos_features = train_features[bool_train_labels]
neg_features = train_features[~bool_train_labels]
pos_labels = train_labels[bool_train_labels]
neg_labels = train_labels[~bool_train_labels]
BUFFER_SIZE = 1000


def make_ds(features, labels):
    ds = tf.data.Dataset.from_tensor_slices((features, labels))  # .cache()
    ds = ds.shuffle(BUFFER_SIZE, seed=3).repeat()
    return ds


pos_ds = make_ds(pos_features, pos_labels)
neg_ds = make_ds(neg_features, neg_labels)
for _, label in pos_ds.take(1):
    RESULT["pos_ds_label"] = float(label.numpy()[0])
resampled_ds = tf.data.Dataset.sample_from_datasets([pos_ds, neg_ds], weights=[0.5, 0.5],
                                                    seed=11)
resampled_ds = resampled_ds.batch(BATCH_SIZE).prefetch(2)
for _, label in resampled_ds.take(1):
    RESULT["resampled_batch_mean"] = float(label.numpy().mean())
resampled_steps_per_epoch = int(np.ceil(2.0 * neg / BATCH_SIZE))
RESULT["resampled_steps"] = float(resampled_steps_per_epoch)
val_ds = tf.data.Dataset.from_tensor_slices((val_features, val_labels)).cache()
val_ds = val_ds.batch(BATCH_SIZE).prefetch(2)
resampled_model = make_model()
resampled_model.load_weights(initial_weights)
# Reset the bias to zero, since this dataset is balanced.
output_layer = resampled_model.layers[-1]
output_layer.bias.assign([0])
resampled_history = resampled_model.fit(
    resampled_ds, epochs=4, steps_per_epoch=20, callbacks=[early_stopping()],
    validation_data=val_ds, verbose=0)
resampled_results = resampled_model.evaluate(test_features, test_labels,
                                             batch_size=BATCH_SIZE, verbose=0,
                                             return_dict=True)
RESULT["resampled_recall"] = float(resampled_results["recall"])
RESULT["resampled_auc"] = float(resampled_results["auc"])
RESULT["resampled_epochs"] = float(len(resampled_history.history["loss"]))
print(RESULT)
