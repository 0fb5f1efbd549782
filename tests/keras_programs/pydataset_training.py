"""Feeding fit() from a keras.utils.PyDataset subclass (``__len__``, ``__getitem__``,
``on_epoch_end``), validating on another, and predicting from a Python generator with ``steps``.

The weights start from a fixed NumPy draw and fit(shuffle=False) keeps the batches in the
dataset's order, so the loss per epoch is Keras's to float32 rounding. (Keras 3.15 also calls
on_epoch_end once before the first epoch, so a dataset that reshuffles there would not see the
same order twice; this one only counts the calls.)
"""

import math

import numpy as np

import numnet as keras
from numnet import layers


class ArrayBatches(keras.utils.PyDataset):
    def __init__(self, x, y, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y = x, y
        self.batch_size = batch_size
        self.epochs_ended = 0

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, idx):
        rows = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        return self.x[rows], self.y[rows]

    def on_epoch_end(self):
        self.epochs_ended += 1


rng = np.random.default_rng(26)
x = rng.normal(size=(700, 10)).astype("float32")
w = rng.normal(size=(10, 3))
y = np.argmax(x @ w + 0.3 * rng.normal(size=(700, 3)), axis=1).astype("int32")

train = ArrayBatches(x[:500], y[:500], batch_size=64)
val = ArrayBatches(x[500:], y[500:], batch_size=100)

model = keras.Sequential([keras.Input(shape=(10,)), layers.Dense(32, activation="relu"),
                          layers.Dense(3, activation="softmax")])
model.set_weights([rng.normal(0.0, 0.3, v.shape).astype("float32") for v in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3),
              loss="sparse_categorical_crossentropy", metrics=["accuracy"])
history = model.fit(train, validation_data=val, epochs=5, shuffle=False, verbose=0)


def batches_of_features():
    for start in range(500, 700, 50):
        yield (x[start:start + 50],)


probabilities = model.predict(batches_of_features(), steps=4, verbose=0)
assert probabilities.shape == (200, 3), probabilities.shape
accuracy = float(np.mean(np.argmax(probabilities, axis=1) == y[500:]))

RESULT = {
    "val_accuracy": float(history.history["val_accuracy"][-1]),
    "predict_accuracy": accuracy,
    "epochs_ended": float(train.epochs_ended),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
