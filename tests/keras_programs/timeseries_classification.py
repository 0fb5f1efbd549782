"""After the keras.io example "Timeseries classification from scratch": univariate series
reshaped to (samples, timesteps, 1), labels remapped from {-1, 1} to {0, 1}, a fully
convolutional network (three Conv1D + BatchNormalization + ReLU blocks, GlobalAveragePooling1D,
a softmax Dense), callbacks ModelCheckpoint("best_model.keras", save_best_only=True),
ReduceLROnPlateau and EarlyStopping on val_loss, sparse_categorical_crossentropy with the
sparse_categorical_accuracy metric, validation_split=0.2, then keras.models.load_model of the
best model and evaluate.
"""

import numpy as np

import numnet as keras

rng = np.random.default_rng(9)
n, timesteps = 360, 48
t = np.linspace(0.0, 1.0, timesteps)
raw_labels = rng.choice([-1, 1], n)
frequency = np.where(raw_labels == 1, 6.0, 3.0)[:, None] + rng.normal(0.0, 0.3, (n, 1))
series = np.sin(2 * np.pi * frequency * t + rng.uniform(0, 2 * np.pi, (n, 1)))
series = (series + rng.normal(0.0, 0.4, series.shape)).astype("float32")
x_train, y_train = series[:300], raw_labels[:300]
x_test, y_test = series[300:], raw_labels[300:]

x_train = x_train.reshape((x_train.shape[0], x_train.shape[1], 1))
x_test = x_test.reshape((x_test.shape[0], x_test.shape[1], 1))
num_classes = len(np.unique(y_train))
idx = np.random.default_rng(0).permutation(len(x_train))
x_train = x_train[idx]
y_train = y_train[idx]
y_train[y_train == -1] = 0
y_test[y_test == -1] = 0


def make_model(input_shape):
    input_layer = keras.layers.Input(input_shape)

    conv1 = keras.layers.Conv1D(filters=8, kernel_size=3, padding="same")(input_layer)
    conv1 = keras.layers.BatchNormalization()(conv1)
    conv1 = keras.layers.ReLU()(conv1)

    conv2 = keras.layers.Conv1D(filters=8, kernel_size=3, padding="same")(conv1)
    conv2 = keras.layers.BatchNormalization()(conv2)
    conv2 = keras.layers.ReLU()(conv2)

    conv3 = keras.layers.Conv1D(filters=8, kernel_size=3, padding="same")(conv2)
    conv3 = keras.layers.BatchNormalization()(conv3)
    conv3 = keras.layers.ReLU()(conv3)

    gap = keras.layers.GlobalAveragePooling1D()(conv3)

    output_layer = keras.layers.Dense(num_classes, activation="softmax")(gap)

    return keras.models.Model(inputs=input_layer, outputs=output_layer)


model = make_model(input_shape=x_train.shape[1:])
draw = np.random.default_rng(1)
model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])

epochs = 10
batch_size = 30

callbacks = [
    keras.callbacks.ModelCheckpoint("best_model.keras", save_best_only=True, monitor="val_loss"),
    keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=2, min_lr=0.0001),
    keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, verbose=0),
]
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
    loss="sparse_categorical_crossentropy",
    metrics=["sparse_categorical_accuracy"],
)
history = model.fit(
    x_train,
    y_train,
    batch_size=batch_size,
    epochs=epochs,
    callbacks=callbacks,
    validation_split=0.2,
    shuffle=False,
    verbose=0,
)

model = keras.models.load_model("best_model.keras")
test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)
best_epoch = int(np.argmin(history.history["val_loss"]))

RESULT = {
    "test_accuracy": float(test_acc),
    "test_loss": float(test_loss),
    "best_val_loss": float(min(history.history["val_loss"])),
    "best_val_accuracy": float(history.history["val_sparse_categorical_accuracy"][best_epoch]),
    "epochs_run": float(len(history.history["loss"])),
    "final_learning_rate": float(history.history["learning_rate"][-1]),
    "params": float(model.count_params()),
}
for epoch, value in enumerate(history.history["loss"][:6]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
