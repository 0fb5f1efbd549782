"""After the keras.io example "Next-frame video prediction with Convolutional LSTMs": videos as
(samples, frames, height, width, 1), create_shifted_frames to make the targets (each frame's
successor), a stack of ConvLSTM2D layers (return_sequences=True, padding="same", ReLU) with
BatchNormalization between them, a Conv3D with a sigmoid to give the predicted frames,
binary cross-entropy, Adam, EarlyStopping and ReduceLROnPlateau on val_loss; then frames are
predicted one at a time, each prediction appended to the frames and the last five fed back.

The toy videos: a bright 2x2 square that moves one pixel a frame in a fixed direction. The
Input's frame axis is given (the example leaves it None: numnet's fit then refuses the targets,
see causal_dilated_conv in FAILS), so the frames fed back are always the last five (numnet
refuses another count for a fixed axis, where Keras warns and runs).

The weights start from a fixed NumPy draw and batches are not shuffled, so the loss per epoch is
Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(47)
n, frames, size = 60, 6, 8
dataset = np.zeros((n, frames, size, size, 1), "float32")
for index in range(n):
    y0, x0 = rng.integers(0, size - 2, 2)
    dy, dx = [(0, 1), (1, 0), (0, -1), (-1, 0)][rng.integers(0, 4)]
    for frame in range(frames):
        y, x = (y0 + dy * frame) % (size - 1), (x0 + dx * frame) % (size - 1)
        dataset[index, frame, y:y + 2, x:x + 2, 0] = 1.0

train_dataset, val_dataset = dataset[:48], dataset[48:]


def create_shifted_frames(data):
    x = data[:, 0 : data.shape[1] - 1, :, :]
    y = data[:, 1 : data.shape[1], :, :]
    return x, y


x_train, y_train = create_shifted_frames(train_dataset)
x_val, y_val = create_shifted_frames(val_dataset)

inp = layers.Input(shape=x_train.shape[1:])

x = layers.ConvLSTM2D(
    filters=4,
    kernel_size=(3, 3),
    padding="same",
    return_sequences=True,
    activation="relu",
)(inp)
x = layers.BatchNormalization()(x)
x = layers.ConvLSTM2D(
    filters=4,
    kernel_size=(1, 1),
    padding="same",
    return_sequences=True,
    activation="relu",
)(x)
x = layers.Conv3D(
    filters=1, kernel_size=(3, 3, 3), activation="sigmoid", padding="same"
)(x)

model = keras.models.Model(inp, x)
draw = np.random.default_rng(16)
model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
model.compile(
    loss=keras.losses.binary_crossentropy,
    optimizer=keras.optimizers.Adam(learning_rate=0.01),
)

early_stopping = keras.callbacks.EarlyStopping(monitor="val_loss", patience=10)
reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", patience=5)

history = model.fit(
    x_train,
    y_train,
    batch_size=8,
    epochs=5,
    validation_data=(x_val, y_val),
    callbacks=[early_stopping, reduce_lr],
    shuffle=False,
    verbose=0,
)

example = val_dataset[0]
frames = example[:5]
original_frames = example[5:]
for _ in range(2):
    new_prediction = model.predict(np.expand_dims(frames[-5:], axis=0), verbose=0)
    new_prediction = np.squeeze(new_prediction, axis=0)
    predicted_frame = np.expand_dims(new_prediction[-1, ...], axis=0)
    frames = np.concatenate((frames, predicted_frame), axis=0)
predicted_frames = frames[5:]

RESULT = {"params": float(model.count_params()),
          "output_rank": float(len(model.output.shape)),
          "predicted_frames": float(predicted_frames.shape[0]),
          "predicted_sum": float(np.sum(predicted_frames)),
          "bright_overlap": float(np.sum(predicted_frames[0] * original_frames[0])
                                  / np.sum(original_frames[0])),
          "val_loss": float(history.history["val_loss"][-1])}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
