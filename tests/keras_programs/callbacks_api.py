"""Callbacks the guides name, with the arguments their documentation shows: CSVLogger (the
file read back), LambdaCallback, LearningRateScheduler with a function of epoch and rate,
ModelCheckpoint with a file name template ({epoch:02d}-{val_loss:.2f}), EarlyStopping with
start_from_epoch and with a baseline, ReduceLROnPlateau with a cooldown, and TerminateOnNaN
stopping a fit whose learning rate makes the loss overflow.

Weights start from a fixed NumPy draw and batches are not shuffled, so each number (epochs
run, rates, file names, logged values) is Keras's.
"""

import csv
import math
import os

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(71)
rng = np.random.default_rng(71)
RESULT = {}
x = rng.normal(size=(160, 4)).astype("float32")
y = (x @ np.array([[1.0], [-2.0], [0.5], [0.0]], dtype="float32")
     + 0.3 * rng.normal(size=(160, 1))).astype("float32")
x_val, y_val = x[128:], y[128:]
x, y = x[:128], y[:128]


def make_model(learning_rate=0.05):
    model = keras.Sequential([keras.Input(shape=(4,)), layers.Dense(8, activation="tanh"),
                              layers.Dense(1)])
    draw = np.random.default_rng(9)
    model.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=learning_rate), loss="mse",
                  metrics=["mae"])
    return model


def scheduler(epoch, lr):
    if epoch < 2:
        return lr
    return lr * math.exp(-0.5)


batch_ends = []
model = make_model()
history = model.fit(
    x, y, batch_size=32, epochs=5, shuffle=False, verbose=0, validation_data=(x_val, y_val),
    callbacks=[
        keras.callbacks.CSVLogger("training.log", separator=";", append=False),
        keras.callbacks.LambdaCallback(on_batch_end=lambda batch, logs: batch_ends.append(
            logs["loss"])),
        keras.callbacks.LearningRateScheduler(scheduler),
        keras.callbacks.ModelCheckpoint("model_{epoch:02d}-{val_loss:.2f}.keras"),
    ])
with open("training.log") as f:
    rows = list(csv.DictReader(f, delimiter=";"))
RESULT["csv_rows"] = float(len(rows))
RESULT["csv_columns"] = float(len(rows[0]))
RESULT["csv_last_val_loss"] = float(rows[-1]["val_loss"])
RESULT["csv_epoch_column"] = float(rows[-1]["epoch"])
RESULT["batch_ends"] = float(len(batch_ends))
RESULT["last_batch_loss_gap"] = abs(batch_ends[-1] - history.history["loss"][-1])
RESULT["scheduled_rate"] = float(history.history["learning_rate"][-1])
checkpoints = sorted(name for name in os.listdir(".") if name.startswith("model_"))
RESULT["checkpoints"] = float(len(checkpoints))
RESULT["checkpoint_name_matches"] = float(
    checkpoints[-1] == "model_05-{:.2f}.keras".format(history.history["val_loss"][-1]))
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)

# EarlyStopping that may not stop before epoch 3, and one that needs a baseline.
model = make_model(learning_rate=0.001)
history = model.fit(x, y, batch_size=32, epochs=10, shuffle=False, verbose=0,
                    validation_data=(x_val, y_val),
                    callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=0,
                                                             min_delta=10.0,
                                                             start_from_epoch=3)])
RESULT["start_from_epoch_epochs"] = float(len(history.history["loss"]))
model = make_model()
history = model.fit(x, y, batch_size=32, epochs=10, shuffle=False, verbose=0,
                    validation_data=(x_val, y_val),
                    callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=2,
                                                             baseline=0.01)])
RESULT["baseline_epochs"] = float(len(history.history["loss"]))

# ReduceLROnPlateau with a cooldown: after a cut, two epochs pass before it waits again.
model = make_model(learning_rate=0.2)
history = model.fit(x, y, batch_size=32, epochs=8, shuffle=False, verbose=0,
                    validation_data=(x_val, y_val),
                    callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="val_loss",
                                                                 factor=0.5, patience=0,
                                                                 min_delta=1.0, cooldown=2)])
RESULT["cooldown_rates"] = float(sum(history.history["learning_rate"]))

# TerminateOnNaN: a learning rate that makes the loss overflow.
model = make_model(learning_rate=1e4)
history = model.fit(x * 100.0, y * 100.0, batch_size=32, epochs=3, shuffle=False, verbose=0,
                    callbacks=[keras.callbacks.TerminateOnNaN()])
RESULT["nan_epochs"] = float(len(history.history["loss"]))
RESULT["nan_seen"] = float(not np.isfinite(history.history["loss"][-1]))
print(RESULT)
