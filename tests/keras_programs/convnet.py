"""A small convnet after the "simple MNIST convnet" example: Conv2D, BatchNormalization,
MaxPooling2D, Flatten and a softmax head, on 12x12 images of a horizontal bar, a vertical bar or
a diagonal, with noise.

The weights start from a fixed NumPy draw, the optimizer is SGD with momentum and batches are
not shuffled, so the loss per epoch is Keras's to float32 rounding, BatchNormalization's batch
statistics and moving averages included.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(24)
num_classes, size, n = 3, 12, 600
labels = rng.integers(0, num_classes, n)
images = rng.normal(0.0, 0.3, (n, size, size, 1)).astype("float32")
for index, label in enumerate(labels):
    offset = rng.integers(2, size - 2)
    if label == 0:
        images[index, offset, :, 0] += 1.0
    elif label == 1:
        images[index, :, offset, 0] += 1.0
    else:
        images[index, np.arange(size), np.arange(size), 0] += 1.0
y = keras.utils.to_categorical(labels, num_classes)

model = keras.Sequential(
    [
        keras.Input(shape=(size, size, 1)),
        layers.Conv2D(8, kernel_size=(3, 3), activation="relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Conv2D(8, kernel_size=(3, 3), padding="same", use_bias=False),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.MaxPooling2D(pool_size=(2, 2)),
        layers.Flatten(),
        layers.Dense(num_classes, activation="softmax"),
    ]
)
weights = []
for w in model.get_weights():
    weights.append(rng.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w)
model.set_weights(weights)
model.compile(loss="categorical_crossentropy",
              optimizer=keras.optimizers.SGD(learning_rate=0.05, momentum=0.9),
              metrics=["accuracy"])
history = model.fit(images[:500], y[:500], batch_size=25, epochs=4, shuffle=False, verbose=0)
score = model.evaluate(images[500:], y[500:], verbose=0)
moving_mean = np.asarray(model.layers[3].moving_mean)

RESULT = {"test_loss": float(score[0]), "test_accuracy": float(score[1]),
          "moving_mean_sum": float(np.sum(moving_mean))}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["params"] = float(model.count_params())
print(RESULT)
