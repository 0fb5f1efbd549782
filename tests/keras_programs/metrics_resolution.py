"""compile(metrics=...) as the guides write it, resolved by the loss and the targets' shapes:
"accuracy" / "acc" after binary, categorical and sparse categorical cross-entropy (and after
a loss object with from_logits), metric names given as strings ("mae", "mse", "AUC",
"top_k_categorical_accuracy"), a metric function of one's own, class_weight with one-hot
targets, and the names the history and evaluate(return_dict=True) give them all.

Weights start from a fixed NumPy draw and batches are not shuffled, so every number is Keras's
to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(67)
rng = np.random.default_rng(67)
RESULT = {}
x = rng.normal(size=(192, 6)).astype("float32")
labels = np.argmax(x[:, :3] + 0.3 * rng.normal(size=(192, 3)), axis=1)
one_hot = np.eye(3, dtype="float32")[labels]
binary = (x[:, :1] > 0).astype("float32")


def model_for(units, activation):
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(8, activation="relu"),
                              layers.Dense(units, activation=activation)])
    draw = np.random.default_rng(5)
    model.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32")
                       for w in model.get_weights()])
    return model


def mean_prediction(y_true, y_pred):
    return ops.mean(y_pred, axis=-1)


cases = {
    "binary": (1, "sigmoid", "binary_crossentropy", ["accuracy", "AUC", mean_prediction], binary),
    "binary_logits": (1, None, keras.losses.BinaryCrossentropy(from_logits=True), ["acc"],
                      binary),
    "categorical": (3, "softmax", "categorical_crossentropy",
                    ["accuracy", "top_k_categorical_accuracy", "mse"], one_hot),
    "sparse": (3, "softmax", "sparse_categorical_crossentropy",
               ["accuracy", "sparse_top_k_categorical_accuracy"], labels),
    "sparse_logits": (3, None, keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      ["acc"], labels),
}
names = {}
for case, (units, activation, loss, metrics, targets) in cases.items():
    model = model_for(units, activation)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss, metrics=metrics)
    history = model.fit(x, targets, batch_size=32, epochs=2, shuffle=False, verbose=0)
    evaluated = model.evaluate(x, targets, batch_size=64, verbose=0, return_dict=True)
    names[case] = sorted(history.history)
    for key, values in history.history.items():
        RESULT[f"{case}_{key}"] = float(values[-1])
    for key, value in evaluated.items():
        RESULT[f"{case}_eval_{key}"] = float(value)
    RESULT[f"{case}_names"] = float(len(history.history))

# class_weight with one-hot targets: the weight of each row's class (by argmax).
model = model_for(3, "softmax")
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
              loss="categorical_crossentropy", metrics=["accuracy"])
history = model.fit(x, one_hot, class_weight={0: 1.0, 1: 3.0, 2: 0.5}, batch_size=32,
                    epochs=2, shuffle=False, verbose=0)
RESULT["class_weight_one_hot_loss"] = float(history.history["loss"][-1])
print(names)
print(RESULT)
