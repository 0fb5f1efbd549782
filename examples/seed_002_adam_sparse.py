"""Seed 002: a 784-128-10 network trained with Adam on integer labels.

    python examples/seed_002_adam_sparse.py

The seed's TensorFlow example with `tensorflow.keras` read as `numnet.keras`.
Set NUMNET_EXAMPLE_EPOCHS to train for fewer epochs than 10.
"""

import os

from numnet.keras.layers import Dense
from numnet.keras.models import Sequential

import numnet as tf

EPOCHS = int(os.environ.get("NUMNET_EXAMPLE_EPOCHS", "10"))

tf.keras.utils.set_random_seed(0)
(X_train, y_train), (X_test, y_test) = tf.keras.datasets.mnist.load_data()
X_train = X_train.reshape(-1, 784).astype("float32") / 255
X_test = X_test.reshape(-1, 784).astype("float32") / 255

# Create a simple model
model = Sequential([
    Dense(128, activation="relu", input_shape=(784,)),
    Dense(10, activation="softmax"),
])

# Compile the model with the Adam optimizer
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])

# sparse_categorical_crossentropy takes the integer labels 0-9 as they are.
model.fit(X_train, y_train, epochs=EPOCHS, batch_size=32, verbose=2)

loss, accuracy = model.evaluate(X_test, y_test, verbose=0)
print(f"test loss: {loss:.4f}")
print(f"test accuracy: {accuracy:.4f}")
