"""A functional model with several inputs and several outputs, after the functional API guide's
ticket-ranking model: a title and a body (word ids) and a vector of tags go in; a priority score
(one sigmoid) and a department (softmax) come out. compile() takes a loss and a loss weight per
output name, and fit() takes dicts keyed by the inputs' and outputs' names.

The weights start from a fixed NumPy draw, in the order of model.get_weights(), the optimizer
is SGD with momentum and batches are not shuffled, so the loss per epoch is Keras's to float32
rounding: that needs model.layers (and so the weights) in Keras's order for parallel branches.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(21)
rng = np.random.default_rng(21)
num_tags, num_words, num_departments, n = 12, 100, 4, 1200

title_data = rng.integers(1, num_words, size=(n, 10))
body_data = rng.integers(1, num_words, size=(n, 40))
tags_data = rng.integers(0, 2, size=(n, num_tags)).astype("float32")
urgent = (title_data < 5).any(axis=1)  # words 1-4 in a title mean urgency
priority_targets = (urgent | (tags_data[:, 0] * tags_data[:, 1] > 0)).astype("float32")[:, None]
dept_targets = np.eye(num_departments, dtype="float32")[
    np.argmax(tags_data[:, 1:1 + num_departments] + 0.1 * np.arange(num_departments), axis=1)]

title_input = keras.Input(shape=(None,), name="title")
body_input = keras.Input(shape=(None,), name="body")
tags_input = keras.Input(shape=(num_tags,), name="tags")

title_features = layers.Embedding(num_words, 16)(title_input)
body_features = layers.Embedding(num_words, 16)(body_input)
title_features = layers.LSTM(16)(title_features)
body_features = layers.GlobalAveragePooling1D()(body_features)
x = layers.concatenate([title_features, body_features, tags_input])

priority_pred = layers.Dense(1, activation="sigmoid", name="priority")(x)
department_pred = layers.Dense(num_departments, activation="softmax", name="department")(x)

model = keras.Model(
    inputs=[title_input, body_input, tags_input],
    outputs={"priority": priority_pred, "department": department_pred},
)
model.set_weights([rng.normal(0.0, 0.2, w.shape).astype("float32") for w in model.get_weights()])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
    loss={
        "priority": keras.losses.BinaryCrossentropy(),
        "department": keras.losses.CategoricalCrossentropy(),
    },
    loss_weights={"priority": 1.0, "department": 0.2},
    metrics={"priority": ["accuracy"], "department": ["accuracy"]},
)
history = model.fit(
    {"title": title_data[:1000], "body": body_data[:1000], "tags": tags_data[:1000]},
    {"priority": priority_targets[:1000], "department": dept_targets[:1000]},
    epochs=6,
    batch_size=32,
    shuffle=False,
    verbose=0,
)
results = model.evaluate(
    {"title": title_data[1000:], "body": body_data[1000:], "tags": tags_data[1000:]},
    {"priority": priority_targets[1000:], "department": dept_targets[1000:]},
    verbose=0,
    return_dict=True,
)
predictions = model.predict(
    {"title": title_data[1000:], "body": body_data[1000:], "tags": tags_data[1000:]}, verbose=0)
assert sorted(predictions) == ["department", "priority"]
assert predictions["department"].shape == (200, num_departments)
priority_hits = (predictions["priority"] > 0.5) == (priority_targets[1000:] > 0.5)
priority_accuracy = float(np.mean(priority_hits))
weighted = results["priority_loss"] + 0.2 * results["department_loss"]

RESULT = {
    "priority_accuracy": priority_accuracy,
    "department_accuracy": float(results["department_accuracy"]),
    "loss_weighting_gap": abs(float(results["loss"]) - float(weighted)),
    "mean_predictor_accuracy": float(max(priority_targets.mean(), 1 - priority_targets.mean())),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["params"] = float(model.count_params())
print(RESULT)
