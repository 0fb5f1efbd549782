"""Callbacks from the guide "Training & evaluation with the built-in methods" working together:
ModelCheckpoint keeping the best weights only, EarlyStopping restoring the best weights,
ReduceLROnPlateau, and BackupAndRestore resuming a fit() that was interrupted (as the callback's
documentation shows: a callback raises at the start of an epoch; the second fit() starts at
that epoch from the weights and optimizer state of the last one that ended).

The weights start from a fixed NumPy draw and batches are not shuffled, so the losses are
Keras's to float32 rounding, and a resumed fit() must give the same weights as one that was
never interrupted.
"""

import os

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(11)
rng = np.random.default_rng(11)
x = rng.normal(size=(400, 6)).astype("float32")
y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2] * x[:, 2:3]).astype("float32")
x_val, y_val = x[320:], y[320:]
x, y = x[:320], y[:320]


def make_model(learning_rate=0.02):
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation="tanh"),
                              layers.Dense(1)])
    draw = np.random.default_rng(5)
    model.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss="mse",
                  metrics=["mae"])
    return model


RESULT = {}

# An uninterrupted run, and the same run stopped by an error at the start of epoch 3 and resumed.
reference = make_model()
reference_history = reference.fit(x, y, batch_size=40, epochs=6, shuffle=False, verbose=0)


class InterruptingCallback(keras.callbacks.Callback):
    def on_epoch_begin(self, epoch, logs=None):
        if epoch == 3:
            raise RuntimeError("Interrupting!")


backup_dir = os.path.join(os.getcwd(), "backup")
model = make_model()
callback = keras.callbacks.BackupAndRestore(backup_dir=backup_dir)
try:
    model.fit(x, y, batch_size=40, epochs=6, shuffle=False, verbose=0,
              callbacks=[callback, InterruptingCallback()])
except RuntimeError:
    pass
RESULT["backup_left"] = float(os.path.exists(backup_dir))
model = make_model()
history = model.fit(x, y, batch_size=40, epochs=6, shuffle=False, verbose=0,
                    callbacks=[callback])
RESULT["resumed_epochs"] = float(len(history.history["loss"]))
RESULT["resumed_gap"] = float(max(np.abs(a - b).max() for a, b in
                                  zip(model.get_weights(), reference.get_weights())))
RESULT["resumed_iterations"] = float(keras.ops.convert_to_numpy(model.optimizer.iterations))
RESULT["backup_removed"] = float(not os.path.exists(backup_dir))
for epoch, value in enumerate(reference_history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["resumed_last_loss"] = float(history.history["loss"][-1])

# Best checkpoint, early stopping with restored weights, learning rate cut on a plateau.
model = make_model(learning_rate=0.005)
checkpoint_path = "best.weights.h5"
callbacks = [
    keras.callbacks.ModelCheckpoint(filepath=checkpoint_path, save_best_only=True,
                                    save_weights_only=True, monitor="val_loss"),
    keras.callbacks.EarlyStopping(monitor="val_loss", min_delta=1e-3, patience=3,
                                  restore_best_weights=True),
    keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1,
                                      min_delta=1e-3, min_lr=1e-4),
]
history = model.fit(x, y, batch_size=40, epochs=40, shuffle=False, verbose=0,
                    validation_data=(x_val, y_val), callbacks=callbacks)
val_losses = history.history["val_loss"]
RESULT["epochs_run"] = float(len(val_losses))
RESULT["best_val_loss"] = float(min(val_losses))
RESULT["best_epoch"] = float(int(np.argmin(val_losses)))
RESULT["restored_val_loss"] = float(model.evaluate(x_val, y_val, verbose=0)[0])
RESULT["restored_gap"] = abs(RESULT["restored_val_loss"] - RESULT["best_val_loss"])
checkpointed = make_model()
checkpointed.load_weights(checkpoint_path)
RESULT["checkpoint_gap"] = float(max(np.abs(a - b).max() for a, b in
                                     zip(model.get_weights(), checkpointed.get_weights())))
RESULT["final_learning_rate"] = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))
RESULT["lr_cuts"] = float(sum(1 for a, b in zip(history.history["learning_rate"],
                                                 history.history["learning_rate"][1:]) if b < a))
print(RESULT)
