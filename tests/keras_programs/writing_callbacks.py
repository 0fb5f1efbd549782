"""The "writing your own callbacks" guide: a callback that stops training from its own test
(``self.model.stop_training``), one that sets the optimizer's learning rate each epoch, hooks
for evaluate and predict batches, LambdaCallback and CSVLogger.

The weights start from a fixed NumPy draw and batches are not shuffled, so training stops at
the same epoch as in Keras, with the same loss.
"""

import csv
import os
import tempfile

import numpy as np

import numnet as keras
from numnet import layers


class StopAtLoss(keras.callbacks.Callback):
    def __init__(self, threshold):
        super().__init__()
        self.threshold = threshold
        self.stopped_epoch = None

    def on_epoch_end(self, epoch, logs=None):
        if logs["loss"] < self.threshold:
            self.stopped_epoch = epoch
            self.model.stop_training = True


class HalveLearningRate(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.rates = []

    def on_epoch_begin(self, epoch, logs=None):
        rate = 0.1 * 0.5**epoch
        self.model.optimizer.learning_rate = rate
        self.rates.append(float(np.asarray(self.model.optimizer.learning_rate)))


class CountBatches(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.test_batches = 0
        self.predict_batches = 0

    def on_test_batch_end(self, batch, logs=None):
        self.test_batches += 1

    def on_predict_batch_end(self, batch, logs=None):
        self.predict_batches += 1


keras.utils.set_random_seed(34)
rng = np.random.default_rng(34)
x = rng.normal(size=(320, 4)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], dtype="float32")).astype("float32")

model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(1)])
model.set_weights([rng.normal(0.0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")

log_path = os.path.join(tempfile.mkdtemp(), "training.csv")
epoch_ends = []
stopper, halver, counter = StopAtLoss(0.01), HalveLearningRate(), CountBatches()
history = model.fit(
    x, y, batch_size=32, epochs=50, shuffle=False, verbose=0,
    callbacks=[stopper, halver, counter, keras.callbacks.CSVLogger(log_path),
               keras.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: epoch_ends.append(e))],
)
model.evaluate(x, y, batch_size=64, verbose=0, callbacks=[counter])
model.predict(x, batch_size=80, verbose=0, callbacks=[counter])

with open(log_path, newline="") as handle:
    rows = list(csv.DictReader(handle))
epochs_run = len(history.history["loss"])
assert epoch_ends == list(range(epochs_run))
assert [int(row["epoch"]) for row in rows] == list(range(epochs_run))
assert all(abs(float(row["loss"]) - value) < 1e-6
           for row, value in zip(rows, history.history["loss"]))
assert np.allclose(halver.rates[:3], [0.1, 0.05, 0.025])
assert stopper.stopped_epoch == epochs_run - 1  # stop_training ends fit after that epoch

RESULT = {
    "epochs_run": float(epochs_run),
    "stopped_epoch": float(stopper.stopped_epoch),
    "final_loss": float(history.history["loss"][-1]),
    "test_batches": float(counter.test_batches),
    "predict_batches": float(counter.predict_batches),
}
print(RESULT)
