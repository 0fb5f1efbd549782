"""Weather-style timeseries forecasting: hourly readings of several features, normalized with
the training split's mean and standard deviation, windowed by
keras.utils.timeseries_dataset_from_array (one reading in six, 5 days of history, the
temperature 12 hours after the window as the target), and an LSTM regressor trained on the
datasets with validation.

The LSTM must beat the naive forecast (the last temperature in the window).
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(20)
rng = np.random.default_rng(20)
hours = np.arange(6000)
daily = np.sin(2 * np.pi * hours / 24.0)
weather = np.cumsum(rng.normal(0.0, 0.15, hours.size))
temperature = 10.0 + 6.0 * daily + 3.0 * np.sin(2 * np.pi * hours / 700.0) + weather
pressure = 1000.0 - 2.0 * weather + rng.normal(0.0, 0.5, hours.size)
humidity = 60.0 - 10.0 * daily + rng.normal(0.0, 3.0, hours.size)
features = np.stack([temperature, pressure, humidity], axis=1)

train_split = 4000
mean = features[:train_split].mean(axis=0)
std = features[:train_split].std(axis=0)
features = ((features - mean) / std).astype("float32")

step = 6
past = 120
future = 12
sequence_length = past // step
batch_size = 64

x_train = features[:train_split - past - future]
y_train = features[past + future:train_split, :1]
dataset_train = keras.utils.timeseries_dataset_from_array(
    x_train, y_train, sequence_length=sequence_length, sampling_rate=step,
    batch_size=batch_size,
)
x_val = features[train_split:-(past + future)]
y_val = features[train_split + past + future:, :1]
dataset_val = keras.utils.timeseries_dataset_from_array(
    x_val, y_val, sequence_length=sequence_length, sampling_rate=step, batch_size=batch_size,
)

for batch in dataset_train.take(1):
    inputs, targets = batch
assert tuple(inputs.shape) == (batch_size, sequence_length, 3), inputs.shape
assert tuple(targets.shape) == (batch_size, 1), targets.shape

inputs = keras.Input(shape=(sequence_length, 3))
lstm_out = layers.LSTM(16)(inputs)
outputs = layers.Dense(1)(lstm_out)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=5e-3), loss="mse")
history = model.fit(dataset_train, epochs=4, validation_data=dataset_val, verbose=0)

last_in_window = []
truth = []
for x, y in dataset_val:
    last_in_window.append(np.asarray(x)[:, -1, 0])
    truth.append(np.asarray(y)[:, 0])
naive_mse = float(np.mean(np.square(np.concatenate(last_in_window) - np.concatenate(truth))))

RESULT = {
    "val_mse": float(history.history["val_loss"][-1]),
    "naive_mse": naive_mse,
    "loss_ratio": history.history["loss"][-1] / history.history["loss"][0],
}
print(RESULT)
