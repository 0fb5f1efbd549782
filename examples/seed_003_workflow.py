"""Seed 003: define, compile, fit; sigmoid, softmax from logits, and multi-label outputs.

    python examples/seed_003_workflow.py

Three programs from the seed, on MNIST:
1. a 25-15-1 sigmoid network with BinaryCrossentropy: is the digit a 1 or a 0?
2. a 25-15-10 network with a linear output and SparseCategoricalCrossentropy(from_logits=True),
   then tf.nn.softmax on the logits to get probabilities;
3. one network with three sigmoid outputs (multi-label): is the digit even, greater than 4, zero?
Set NUMNET_EXAMPLE_EPOCHS to train each for that many epochs.
"""

import os

import numpy as np

import numnet as tf

EPOCHS = os.environ.get("NUMNET_EXAMPLE_EPOCHS")


def epochs(default: int) -> int:
    return int(EPOCHS) if EPOCHS else default


tf.keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = tf.keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784).astype("float32") / 255

# 1. Binary classification with sigmoid units ----------------------------------------------
train01, test01 = y_train < 2, y_test < 2
X, Y = x_train[train01], y_train[train01].astype("float32")

model = tf.keras.Sequential([
    tf.keras.layers.Dense(units=25, activation="sigmoid"),  # Layer 1 (Hidden)
    tf.keras.layers.Dense(units=15, activation="sigmoid"),  # Layer 2 (Hidden)
    tf.keras.layers.Dense(units=1, activation="sigmoid"),   # Layer 3 (Output)
])
model.compile(loss=tf.keras.losses.BinaryCrossentropy())  # optimizer: rmsprop, the default
model.fit(X, Y, epochs=epochs(100), verbose=0)

probabilities = model.predict(x_test[test01], verbose=0)[:, 0]
accuracy = np.mean((probabilities > 0.5) == y_test[test01])
print(f"1. 0-or-1, 25-15-1 sigmoid: test accuracy: {accuracy:.4f}")

# 2. Multi-class from logits ----------------------------------------------------------------
model = tf.keras.Sequential([
    tf.keras.layers.Dense(units=25, activation="relu"),
    tf.keras.layers.Dense(units=15, activation="relu"),
    tf.keras.layers.Dense(units=10, activation="linear"),  # outputs logits z1 ... z10
])
model.compile(
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
)
model.fit(x_train, y_train, epochs=epochs(10), verbose=0)

logits = model(x_test)       # z1, z2, ...
f_x = tf.nn.softmax(logits)  # a1, a2, ...: each row sums to 1
print("probabilities of the first test image:", np.round(f_x.numpy()[0], 3))
print(f"   (a row sums to {float(f_x.numpy()[0].sum()):.4f}; the label is {y_test[0]})")
accuracy = np.mean(f_x.numpy().argmax(axis=1) == y_test)
print(f"2. digits 0-9, 25-15-10 from logits + softmax: test accuracy: {accuracy:.4f}")

# 3. Multi-label: several yes/no answers per image -------------------------------------------


def labels(y):
    return np.stack([y % 2 == 0, y > 4, y == 0], axis=1).astype("float32")


model = tf.keras.Sequential([
    tf.keras.layers.Dense(units=25, activation="relu"),
    tf.keras.layers.Dense(units=15, activation="relu"),
    tf.keras.layers.Dense(units=3, activation="sigmoid"),  # one independent probability a label
])
model.compile(
    loss=tf.keras.losses.BinaryCrossentropy(),
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.001),
    metrics=["binary_accuracy"],  # per label; 'accuracy' would be categorical here, as in Keras
)
model.fit(x_train, labels(y_train), epochs=epochs(10), verbose=0)

a = model.predict(x_test, verbose=0)
per_label = np.mean((a > 0.5) == labels(y_test), axis=0)
for name, value in zip(["is_even", "is_greater_than_4", "is_zero"], per_label, strict=True):
    print(f"   {name:18s} {value:.4f}")
print(f"3. multi-label [even, >4, zero]: test accuracy: {per_label.mean():.4f}")
