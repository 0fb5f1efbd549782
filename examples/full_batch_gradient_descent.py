"""Plain (full-batch) gradient descent against mini-batch stochastic gradient descent.

    python examples/full_batch_gradient_descent.py

Gradient descent as the textbook writes it, w = w - learning_rate * dL/dw with L the loss on the
whole training set, is `SGD` (no momentum) trained with `batch_size=len(x_train)`: every epoch
is then exactly one step on the full gradient. With `batch_size=32` the same optimizer takes
one step per batch of 32, len(x_train) / 32 = 125 steps an epoch, each on a noisy gradient.
Each full-batch step is exact and can be larger (learning_rate=0.5 here against 0.05), but costs
a whole pass over the data: after 2 epochs full-batch descent has taken 2 steps (test accuracy
about 0.49) and mini-batch SGD 250 (about 0.87); full-batch descent needs about 100 epochs to
reach what mini-batches reach in 5 (about 0.90 and 0.89 on the bundled data).

Set NUMNET_EXAMPLE_EPOCHS to train both for that many epochs instead of 100 and 5.
"""

import os

import numnet as keras
from numnet import layers, models, optimizers

EPOCHS = os.environ.get("NUMNET_EXAMPLE_EPOCHS")
FULL_BATCH_EPOCHS = int(EPOCHS or 100)
MINI_BATCH_EPOCHS = int(EPOCHS or 5)

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784).astype("float32") / 255


def make_model():
    keras.utils.set_random_seed(0)  # the same initial weights for both runs
    model = models.Sequential([
        layers.Dense(32, activation="relu", input_shape=(784,)),
        layers.Dense(10, activation="softmax"),
    ])
    return model


for name, epochs, batch_size, learning_rate in [
    ("full-batch gradient descent", FULL_BATCH_EPOCHS, len(x_train), 0.5),
    ("mini-batch SGD (batch_size=32)", MINI_BATCH_EPOCHS, 32, 0.05),
]:
    model = make_model()
    model.compile(optimizer=optimizers.SGD(learning_rate=learning_rate),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size, verbose=0)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    steps = int(model.optimizer.iterations)
    print(f"{name}: {epochs} epochs = {steps} steps, "
          f"training loss {history.history['loss'][-1]:.4f}")
    print(f"test accuracy: {accuracy:.4f}")
