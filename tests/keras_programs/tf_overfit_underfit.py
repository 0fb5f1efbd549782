"""After the TensorFlow tutorial "Overfit and underfit": an InverseTimeDecay learning-rate
schedule given to Adam, a small model, one with tf.keras.regularizers.l2 on its kernels and one
with Dropout, each compiled with BinaryCrossentropy(from_logits=True) and metrics that include
a named BinaryCrossentropy, trained with tf.keras.callbacks.EarlyStopping on
val_binary_crossentropy; the history's keys and the regularization losses are read.
"""

import numpy as np

import numnet as tf
from numnet import layers, regularizers

rng = np.random.default_rng(17)
FEATURES = 12
n_train, n_validation = 400, 200
x = rng.normal(0.0, 1.0, (n_train + n_validation, FEATURES)).astype("float32")
logit = x[:, 0] * x[:, 1] + x[:, 2] - 0.5 * x[:, 3] ** 2 + 0.5
y = (logit + rng.normal(0.0, 0.5, len(x)) > 0).astype("float32")[:, None]
train_x, train_y = x[:n_train], y[:n_train]
validate_x, validate_y = x[n_train:], y[n_train:]

BATCH_SIZE = 50
STEPS_PER_EPOCH = n_train // BATCH_SIZE
lr_schedule = tf.keras.optimizers.schedules.InverseTimeDecay(
    0.01, decay_steps=STEPS_PER_EPOCH * 10, decay_rate=1, staircase=False)


def get_optimizer():
    return tf.keras.optimizers.Adam(lr_schedule)


def compile_and_fit(model, name, optimizer=None, max_epochs=40):
    if optimizer is None:
        optimizer = get_optimizer()
    model.compile(optimizer=optimizer,
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=[tf.keras.metrics.BinaryCrossentropy(from_logits=True,
                                                               name="binary_crossentropy"),
                           "accuracy"])
    history = model.fit(
        train_x, train_y, batch_size=BATCH_SIZE, epochs=max_epochs,
        validation_data=(validate_x, validate_y),
        callbacks=[tf.keras.callbacks.EarlyStopping(monitor="val_binary_crossentropy",
                                                    patience=20)],
        shuffle=False, verbose=0)
    return history


def from_draw(model, seed):
    draw = np.random.default_rng(seed)
    model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                       for w in model.get_weights()])


small_model = tf.keras.Sequential([
    layers.Dense(16, activation="elu", input_shape=(FEATURES,)),
    layers.Dense(16, activation="elu"),
    layers.Dense(1),
])
from_draw(small_model, 1)
small_history = compile_and_fit(small_model, "sizes/Small")

l2_model = tf.keras.Sequential([
    layers.Dense(64, activation="elu", kernel_regularizer=regularizers.l2(0.001),
                 input_shape=(FEATURES,)),
    layers.Dense(64, activation="elu", kernel_regularizer=regularizers.l2(0.001)),
    layers.Dense(1),
])
from_draw(l2_model, 2)
l2_history = compile_and_fit(l2_model, "regularizers/l2")
l2_penalty = float(sum(np.asarray(loss) for loss in l2_model.losses))
by_hand = 0.001 * sum(float(np.sum(np.square(layer.kernel.numpy())))
                      for layer in l2_model.layers[:2])

dropout_model = tf.keras.Sequential([
    layers.Dense(64, activation="elu", input_shape=(FEATURES,)),
    layers.Dropout(0.5),
    layers.Dense(64, activation="elu"),
    layers.Dropout(0.5),
    layers.Dense(1),
])
from_draw(dropout_model, 3)
dropout_history = compile_and_fit(dropout_model, "regularizers/dropout")

keys = sorted(small_history.history)
RESULT = {
    "learning_rate_at_10_epochs": float(lr_schedule(STEPS_PER_EPOCH * 10)),
    "small_val_accuracy": float(max(small_history.history["val_accuracy"])),
    "l2_val_accuracy": float(max(l2_history.history["val_accuracy"])),
    "dropout_val_accuracy": float(max(dropout_history.history["val_accuracy"])),
    "l2_penalty": l2_penalty,
    "l2_penalty_gap": abs(l2_penalty - by_hand),
    "history_keys": float(len(keys)),
    "has_val_binary_crossentropy": float("val_binary_crossentropy" in keys),
    "small_epochs": float(len(small_history.history["loss"])),
    "l2_epochs": float(len(l2_history.history["loss"])),
}
for epoch, value in enumerate(small_history.history["loss"][:6]):
    RESULT[f"loss_{epoch}"] = float(value)
for epoch, value in enumerate(l2_history.history["loss"][:6]):
    RESULT[f"l2_loss_{epoch}"] = float(value)
print(RESULT)
