"""Callbacks: one of one's own that records the logs fit passes it (at the start of training,
after every batch and every epoch), EarlyStopping that restores the best weights, and
ModelCheckpoint that keeps the best model in a temporary directory.
"""

import os
import tempfile

import numpy as np

import numnet as keras
from numnet import layers


class LogRecorder(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.began_with = dict(logs or {})
        self.batch_losses = []
        self.epoch_logs = []

    def on_train_batch_end(self, batch, logs=None):
        self.batch_losses.append(float(logs["loss"]))

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_logs.append({key: float(value) for key, value in logs.items()})


keras.utils.set_random_seed(12)
rng = np.random.default_rng(12)
x = rng.normal(size=(500, 6)).astype("float32")
y = (x[:, :3].sum(axis=1, keepdims=True) + 0.3 * rng.normal(size=(500, 1))).astype("float32")

model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation="relu"),
                          layers.Dense(1)])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse", metrics=["mae"])

checkpoint_dir = tempfile.mkdtemp()
checkpoint_path = os.path.join(checkpoint_dir, "best.keras")
recorder = LogRecorder()
callbacks = [
    recorder,
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=3,
                                  restore_best_weights=True),
    keras.callbacks.ModelCheckpoint(checkpoint_path, monitor="val_loss", save_best_only=True),
]
history = model.fit(x[:400], y[:400], validation_data=(x[400:], y[400:]), batch_size=40,
                    epochs=60, callbacks=callbacks, verbose=0)

epochs_run = len(history.history["loss"])
assert len(recorder.epoch_logs) == epochs_run
assert len(recorder.batch_losses) == 10 * epochs_run
assert sorted(recorder.epoch_logs[0]) == ["loss", "mae", "val_loss", "val_mae"]
assert all(abs(logs["val_loss"] - value) < 1e-6
           for logs, value in zip(recorder.epoch_logs, history.history["val_loss"]))
# The batch logs carry the epoch's running mean: the last one is the epoch's loss.
assert abs(recorder.batch_losses[9] - history.history["loss"][0]) < 1e-5

best_val_loss = min(history.history["val_loss"])
restored_val_loss = model.evaluate(x[400:], y[400:], verbose=0)[0]
checkpoint = keras.models.load_model(checkpoint_path)
checkpoint_val_loss = checkpoint.evaluate(x[400:], y[400:], verbose=0)[0]

RESULT = {
    "epochs_run": float(epochs_run),
    "best_val_loss": float(best_val_loss),
    "restored_gap": abs(float(restored_val_loss) - best_val_loss),
    "checkpoint_gap": abs(float(checkpoint_val_loss) - best_val_loss),
}
print(RESULT)
