"""Image classification with augmentation inside the model, after the "image classification
from scratch" example: random flips, rotations and zooms (active only in training), Rescaling
of 0-255 pixels, Resizing and CenterCrop, separable convolutions and global max pooling.

The augmentation must leave images untouched at inference and change them in training; the
model must still learn the task (is the bright shape a square or a bar? Flips, small rotations
and zooms keep the answer, and pooling over the whole image does not need its place).
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(31)
rng = np.random.default_rng(31)
n, size = 600, 20
labels = rng.integers(0, 2, n)
images = rng.uniform(0.0, 60.0, (n, size, size, 3)).astype("float32")
for index, label in enumerate(labels):
    row, col = rng.integers(3, 14), rng.integers(3, 10)
    if label == 0:
        images[index, row:row + 3, col:col + 3, :] = 255.0
    else:
        images[index, row + 1, col:col + 8, :] = 255.0

data_augmentation = keras.Sequential(
    [layers.RandomFlip("horizontal"), layers.RandomRotation(0.05), layers.RandomZoom(0.1)]
)
batch = images[:8]
inference_change = float(np.max(np.abs(np.asarray(data_augmentation(batch, training=False))
                                       - batch)))
training_change = float(np.max(np.abs(np.asarray(data_augmentation(batch, training=True))
                                      - batch)))

inputs = keras.Input(shape=(size, size, 3))
x = data_augmentation(inputs)
x = layers.Rescaling(1.0 / 255)(x)
x = layers.Resizing(18, 18)(x)
x = layers.CenterCrop(16, 16)(x)
x = layers.Conv2D(8, 3, padding="same", activation="relu")(x)
x = layers.SeparableConv2D(16, 3, padding="same", activation="relu")(x)
x = layers.MaxPooling2D(2)(x)
x = layers.SeparableConv2D(16, 3, padding="same", activation="relu")(x)
x = layers.GlobalMaxPooling2D()(x)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(images[:500], labels[:500], batch_size=32, epochs=8, verbose=0)
_, accuracy = model.evaluate(images[500:], labels[500:], verbose=0)

RESULT = {
    "inference_change": inference_change,
    "training_change": training_change,
    "accuracy": float(accuracy),
    "params": float(model.count_params()),
}
print(RESULT)
