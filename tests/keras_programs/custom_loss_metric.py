"""A loss and a metric of one's own, subclassing keras.losses.Loss and keras.metrics.Metric
(with its state made by add_variable), used through compile(); fit() also gets class weights,
and evaluate() per-sample weights.

The metric counts the correct predictions of a classifier on one-hot targets. Given in
``metrics`` it ignores the sample weights; given in ``weighted_metrics`` it sums them. Both must
agree with counts made by hand from predict().
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class CustomMSE(keras.losses.Loss):
    """Mean squared error on one-hot targets plus a pull of the probabilities toward 0.5."""

    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
        return mse + reg * self.regularization_factor


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(
            shape=(), name="ctp", initializer="zeros"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        y_true = ops.reshape(ops.argmax(y_true, axis=1), (-1, 1))
        values = ops.cast(ops.equal(y_true, y_pred), "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(ops.reshape(sample_weight, (-1, 1)), "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return ops.convert_to_tensor(self.true_positives)

    def reset_state(self):
        self.true_positives.assign(0.0)


keras.utils.set_random_seed(22)
rng = np.random.default_rng(22)
num_classes = 3
centers = rng.normal(0.0, 1.5, (num_classes, 5))
labels = rng.choice(num_classes, size=900, p=[0.6, 0.3, 0.1])
x = (centers[labels] + rng.normal(0.0, 1.0, (900, 5))).astype("float32")
y = np.eye(num_classes, dtype="float32")[labels]

model = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(32, activation="relu"),
                          layers.Dense(num_classes, activation="softmax")])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2),
              loss=CustomMSE(), metrics=[CategoricalTruePositives()],
              weighted_metrics=[CategoricalTruePositives(name="weighted_true_positives")])
history = model.fit(x[:700], y[:700], batch_size=35, epochs=8, verbose=0,
                    class_weight={0: 0.5, 1: 1.0, 2: 3.0})

sample_weight = np.where(labels[700:] == 2, 2.0, 1.0).astype("float32")
results = model.evaluate(x[700:], y[700:], sample_weight=sample_weight, verbose=0,
                         return_dict=True)
predicted = np.argmax(model.predict(x[700:], verbose=0), axis=1)
correct = predicted == labels[700:]
minority_recall = float(np.mean(predicted[labels[700:] == 2] == 2))

RESULT = {
    "true_positives": float(results["categorical_true_positives"]),
    "true_positives_by_hand": float(np.sum(correct)),
    "weighted_true_positives": float(results["weighted_true_positives"]),
    "weighted_true_positives_by_hand": float(np.sum(correct * sample_weight)),
    "accuracy": float(np.mean(predicted == labels[700:])),
    "minority_recall": minority_recall,
    "loss_ratio": history.history["loss"][-1] / history.history["loss"][0],
}
print(RESULT)
