"""Imbalanced classification, after the credit-card fraud example: a rare positive class,
class_weight to make it count, and the metrics that example watches (TruePositives,
FalseNegatives, Precision, Recall, AUC), also checked against counts made by hand.

The weights start from a fixed NumPy draw and training is SGD on unshuffled batches, so the
loss per epoch and every metric are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(33)
n = 2000
x = rng.normal(size=(n, 10)).astype("float32")
score = x[:, 0] + 0.8 * x[:, 1] - 0.5 * x[:, 2]
y = (score + 0.5 * rng.normal(size=n) > 2.2).astype("float32")[:, None]  # about 6% positive
negatives, positives = np.bincount(y[:1500, 0].astype(int))
class_weight = {0: 1.0 / negatives * 1500 / 2.0, 1: 1.0 / positives * 1500 / 2.0}

model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(16, activation="relu"),
                          layers.Dense(1, activation="sigmoid")])
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
metrics = [
    keras.metrics.TruePositives(name="tp"),
    keras.metrics.FalseNegatives(name="fn"),
    keras.metrics.Precision(name="precision"),
    keras.metrics.Recall(name="recall"),
    keras.metrics.AUC(name="auc"),
]
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
              loss="binary_crossentropy", metrics=metrics)
history = model.fit(x[:1500], y[:1500], batch_size=100, epochs=6, shuffle=False, verbose=0,
                    class_weight=class_weight)
results = model.evaluate(x[1500:], y[1500:], batch_size=100, verbose=0, return_dict=True)

predicted = model.predict(x[1500:], verbose=0) > 0.5
actual = y[1500:] > 0.5
tp = float(np.sum(predicted & actual))
fn = float(np.sum(~predicted & actual))
fp = float(np.sum(predicted & ~actual))

RESULT = {key: float(value) for key, value in results.items()}
RESULT.update({
    "tp_by_hand": tp,
    "fn_by_hand": fn,
    "precision_by_hand": tp / max(tp + fp, 1.0),
    "recall_by_hand": tp / max(tp + fn, 1.0),
    "positive_rate": float(y.mean()),
})
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
