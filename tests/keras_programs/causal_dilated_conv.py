"""A WaveNet-style forecaster, as keras.io's timeseries and audio examples build one: a stack of
Conv1D layers with padding="causal" and growing dilation_rate, each a gated activation (a tanh
branch Multiply'd by a sigmoid branch), a 1x1 Conv1D back to the residual width, Add for the
residual and for the skip connections, and a Conv1D head that predicts the next value at every
step. It trains with the Huber loss, Adam with clipvalue, and the mean absolute error metric; a
check that the causal padding sees no future step comes first.

The weights start from a fixed NumPy draw and batches are not shuffled, so the loss per epoch is
Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(23)
n, timesteps = 160, 40
t = np.arange(timesteps + 1)
phase = rng.uniform(0, 2 * np.pi, (n, 1))
period = rng.uniform(6.0, 12.0, (n, 1))
waves = np.sin(2 * np.pi * t / period + phase) + 0.5 * np.sin(4 * np.pi * t / period + 2 * phase)
waves = (waves + rng.normal(0.0, 0.05, waves.shape)).astype("float32")
x_all = waves[:, :-1, None]
y_all = waves[:, 1:, None]
x_train, y_train = x_all[:128], y_all[:128]
x_test, y_test = x_all[128:], y_all[128:]

residual_channels, skip_channels = 8, 8
dilations = [1, 2, 4, 8]


def residual_block(x, dilation_rate):
    tanh_out = layers.Conv1D(residual_channels, 2, padding="causal",
                             dilation_rate=dilation_rate, activation="tanh")(x)
    sigm_out = layers.Conv1D(residual_channels, 2, padding="causal",
                             dilation_rate=dilation_rate, activation="sigmoid")(x)
    gated = layers.Multiply()([tanh_out, sigm_out])
    residual = layers.Conv1D(residual_channels, 1)(gated)
    skip = layers.Conv1D(skip_channels, 1)(gated)
    return layers.Add()([x, residual]), skip


inputs = keras.Input(shape=(None, 1))
x = layers.Conv1D(residual_channels, 2, padding="causal")(inputs)
skips = []
for dilation_rate in dilations:
    x, skip = residual_block(x, dilation_rate)
    skips.append(skip)
out = layers.Add()(skips)
out = layers.Activation("relu")(out)
out = layers.Conv1D(skip_channels, 1, activation="relu")(out)
outputs = layers.Conv1D(1, 1)(out)
model = keras.Model(inputs, outputs, name="wavenet")

draw = np.random.default_rng(8)
model.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])

# causality: changing the last step leaves the outputs of every earlier step as they were
probe = x_test[:2].copy()
before = model.predict(probe, verbose=0)
probe[:, -1, 0] += 5.0
after = model.predict(probe, verbose=0)
past_change = float(np.max(np.abs(after[:, :-1] - before[:, :-1])))
last_change = float(np.max(np.abs(after[:, -1] - before[:, -1])))
receptive_field = 1 + sum(dilations) + 1

model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.005, clipvalue=0.5),
              loss=keras.losses.Huber(delta=0.5), metrics=["mae"])
history = model.fit(x_train, y_train, batch_size=16, epochs=5, shuffle=False,
                    validation_data=(x_test, y_test), verbose=0)
test_loss, test_mae = model.evaluate(x_test, y_test, verbose=0)
short = model.predict(x_test[:4, :10], verbose=0)

RESULT = {"past_change": past_change, "last_change": last_change,
          "receptive_field": float(receptive_field), "params": float(model.count_params()),
          "test_loss": float(test_loss), "test_mae": float(test_mae),
          "naive_mae": float(np.mean(np.abs(x_test - y_test))),
          "short_steps": float(short.shape[1]), "short_sum": float(np.sum(short))}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
    RESULT[f"val_loss_{epoch}"] = float(history.history["val_loss"][epoch])
print(RESULT)
