"""After the keras.io example "Timeseries anomaly detection using an Autoencoder": a series
normalized by its training mean and std, create_sequences cutting it into windows of
TIME_STEPS, a Conv1D / Dropout / Conv1DTranspose (strides=2) autoencoder trained on the normal
series with mse and EarlyStopping(patience=5, mode="min"), the threshold as the largest training
MAE, and the anomalous windows and data points of a second series found from it.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(71)
n = 720
t = np.arange(n)
normal_values = np.sin(2 * np.pi * t / 48) + rng.normal(0.0, 0.05, n)
anomaly_values = np.sin(2 * np.pi * t / 48) + rng.normal(0.0, 0.05, n)
anomaly_values[400:420] += 1.5

training_mean = normal_values.mean()
training_std = normal_values.std()
df_training_value = (normal_values - training_mean) / training_std

TIME_STEPS = 32


def create_sequences(values, time_steps=TIME_STEPS):
    output = []
    for i in range(len(values) - time_steps + 1):
        output.append(values[i: (i + time_steps)])
    return np.stack(output)


x_train = create_sequences(df_training_value[:, None]).astype("float32")

model = keras.Sequential(
    [
        layers.Input(shape=(x_train.shape[1], x_train.shape[2])),
        layers.Conv1D(filters=16, kernel_size=7, padding="same", strides=2, activation="relu"),
        layers.Dropout(rate=0.2),
        layers.Conv1D(filters=8, kernel_size=7, padding="same", strides=2, activation="relu"),
        layers.Conv1DTranspose(filters=8, kernel_size=7, padding="same", strides=2,
                               activation="relu"),
        layers.Dropout(rate=0.2),
        layers.Conv1DTranspose(filters=16, kernel_size=7, padding="same", strides=2,
                               activation="relu"),
        layers.Conv1DTranspose(filters=1, kernel_size=7, padding="same"),
    ]
)
draw = np.random.default_rng(3)
model.set_weights([draw.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005), loss="mse")
history = model.fit(
    x_train, x_train, epochs=10, batch_size=64, validation_split=0.1, shuffle=False, verbose=0,
    callbacks=[keras.callbacks.EarlyStopping(monitor="val_loss", patience=5, mode="min")],
)

x_train_pred = model.predict(x_train, verbose=0)
train_mae_loss = np.mean(np.abs(x_train_pred - x_train), axis=1)
threshold = np.max(train_mae_loss)

df_test_value = (anomaly_values - training_mean) / training_std
x_test = create_sequences(df_test_value[:, None]).astype("float32")
x_test_pred = model.predict(x_test, verbose=0)
test_mae_loss = np.mean(np.abs(x_test_pred - x_test), axis=1).reshape(-1)
anomalies = test_mae_loss > threshold

anomalous_data_indices = []
for data_idx in range(TIME_STEPS - 1, len(df_test_value) - TIME_STEPS + 1):
    if np.all(anomalies[data_idx - TIME_STEPS + 1: data_idx]):
        anomalous_data_indices.append(data_idx)

found = np.array(anomalous_data_indices)
RESULT = {
    "windows": float(len(x_train)),
    "output_steps": float(model.output_shape[1]),
    "params": float(model.count_params()),
    "threshold": float(threshold),
    "anomalous_windows": float(np.sum(anomalies)),
    "points_found": float(len(found)),
    "points_inside": float(np.mean((found >= 400) & (found < 420 + TIME_STEPS))) if len(found)
    else 0.0,
}
for epoch, value in enumerate(history.history["loss"][:6]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
