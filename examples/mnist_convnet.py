"""A convnet on MNIST, as Keras's "Simple MNIST convnet" example builds it.

    python examples/mnist_convnet.py

Two Conv2D + MaxPooling2D blocks, Dropout and a softmax output, trained with Adam on one-hot
labels; only the import line differs from the Keras program. Set NUMNET_EXAMPLE_EPOCHS to train
for fewer epochs than 5.
"""

import os

import numpy as np

import numnet as keras
from numnet import layers

EPOCHS = int(os.environ.get("NUMNET_EXAMPLE_EPOCHS", "5"))
num_classes = 10
input_shape = (28, 28, 1)

keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
# Scale images to the [0, 1] range and give them their one channel.
x_train = np.expand_dims(x_train.astype("float32") / 255, -1)
x_test = np.expand_dims(x_test.astype("float32") / 255, -1)
y_train = keras.utils.to_categorical(y_train, num_classes)
y_test = keras.utils.to_categorical(y_test, num_classes)

model = keras.Sequential([
    keras.Input(shape=input_shape),
    layers.Conv2D(32, kernel_size=(3, 3), activation="relu"),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Conv2D(64, kernel_size=(3, 3), activation="relu"),
    layers.MaxPooling2D(pool_size=(2, 2)),
    layers.Flatten(),
    layers.Dropout(0.5),
    layers.Dense(num_classes, activation="softmax"),
])
model.summary()

model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(x_train, y_train, batch_size=128, epochs=EPOCHS, validation_split=0.1, verbose=2)

score = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss: {score[0]:.4f}")
print(f"test accuracy: {score[1]:.4f}")
