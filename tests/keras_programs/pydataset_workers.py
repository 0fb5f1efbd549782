"""Feeding fit() as the Keras "Training & evaluation with the built-in methods" guide and the
PyDataset API page show, with the options the other programs leave out: a keras.utils.PyDataset
that returns (inputs, targets, sample_weights), validation_data as an infinite Python generator
with validation_steps, validation_freq=2; then a second fit that continues the epoch count with
initial_epoch, runs steps_per_epoch shorter than the dataset, and weighs the classes with
class_weight (on a PyDataset without sample weights: Keras refuses the two together); evaluate
from a PyDataset that runs with workers=2 threads and max_queue_size. (Keras 3.15 on JAX, fed
for training by a PyDataset with workers=2, takes its batches in the order 1, 2, ..., 0 each
epoch, shuffle=False or not; numnet keeps 0, 1, 2, ...: the training sets here use one worker.
And Keras's second validation from the generator reads one new batch where validation_steps
asks for 3, so only the first validation loss is compared.)

The weights start from a fixed NumPy draw and fit(shuffle=False) keeps the dataset's batches in
order (shuffle=True would shuffle the order of a PyDataset's batches), so the loss per epoch is
Keras's to float32 rounding.
"""

import math

import numpy as np

import numnet as keras
from numnet import layers


class WeightedBatches(keras.utils.PyDataset):
    def __init__(self, x, y, weights, batch_size, **kwargs):
        super().__init__(**kwargs)
        self.x, self.y, self.weights = x, y, weights
        self.batch_size = batch_size

    def __len__(self):
        return math.ceil(len(self.x) / self.batch_size)

    def __getitem__(self, idx):
        rows = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        if self.weights is None:
            return self.x[rows], self.y[rows]
        return self.x[rows], self.y[rows], self.weights[rows]


rng = np.random.default_rng(53)
n, features, num_classes = 480, 8, 3
centers = rng.normal(0.0, 1.2, (num_classes, features))
labels = rng.choice(num_classes, n, p=[0.6, 0.3, 0.1])
x_all = (centers[labels] + rng.normal(0.0, 1.0, (n, features))).astype("float32")
row_weights = np.where(np.arange(n) % 4 == 0, 2.0, 1.0).astype("float32")
x_train, y_train, w_train = x_all[:384], labels[:384], row_weights[:384]
x_val, y_val = x_all[384:], labels[384:]


def validation_generator(batch_size=32):
    while True:
        for start in range(0, len(x_val), batch_size):
            yield x_val[start:start + batch_size], y_val[start:start + batch_size]


model = keras.Sequential([
    keras.Input(shape=(features,)),
    layers.Dense(16, activation="relu"),
    layers.Dense(num_classes, activation="softmax"),
])
draw = np.random.default_rng(18)
model.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
              loss="sparse_categorical_crossentropy",
              metrics=["sparse_categorical_accuracy"])

train_data = WeightedBatches(x_train, y_train, w_train, batch_size=32)
class_weight = {0: 0.5, 1: 1.0, 2: 3.0}
history = model.fit(train_data, epochs=4, validation_data=validation_generator(),
                    validation_steps=3, validation_freq=2, shuffle=False, verbose=0)
# class weights and sample weights do not go together (Keras refuses both at once)
unweighted_data = WeightedBatches(x_train, y_train, None, batch_size=32)
more = model.fit(unweighted_data, epochs=6, initial_epoch=4, steps_per_epoch=6,
                 class_weight=class_weight, shuffle=False, verbose=0)
eval_data = WeightedBatches(x_val, y_val, np.ones(len(x_val), "float32"), batch_size=32,
                            workers=2, use_multiprocessing=False, max_queue_size=4)
eval_loss, eval_accuracy = model.evaluate(eval_data, verbose=0)
predicted = model.predict(x_val, verbose=0).argmax(-1)
minority_recall = float(np.mean(predicted[y_val == 2] == 2))

RESULT = {"val_epochs": float(len(history.history.get("val_loss", []))),
          "more_epochs": float(len(more.history["loss"])),
          "more_epoch_numbers": float(sum(more.epoch)),
          "iterations": float(model.optimizer.iterations),
          "eval_loss": float(eval_loss), "eval_accuracy": float(eval_accuracy),
          "minority_recall": minority_recall}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
for index, value in enumerate(history.history.get("val_loss", [])):
    RESULT[f"val_loss_{index}"] = float(value)
for epoch, value in enumerate(more.history["loss"]):
    RESULT[f"more_loss_{epoch}"] = float(value)
print(RESULT)
