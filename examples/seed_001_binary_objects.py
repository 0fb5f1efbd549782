"""Seed 001: a binary classifier compiled with loss and metric objects, and the seed's optimizers.

    python examples/seed_001_binary_objects.py

The task: tell a handwritten 3 from a 5 (labels 0 and 1), two digits that are easy to confuse.
The same network is trained with each optimizer the seed lists, in Keras 2's spelling
(`lr=`, `decay=`, `epsilon=None`), which numnet accepts. Set NUMNET_EXAMPLE_EPOCHS to change the
number of epochs (default 5).
"""

import os

import numnet as keras
from numnet import layers, losses, metrics, models

EPOCHS = int(os.environ.get("NUMNET_EXAMPLE_EPOCHS", "5"))

(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()


def three_or_five(x, y):
    keep = (y == 3) | (y == 5)
    return x[keep].reshape(-1, 784).astype("float32") / 255, (y[keep] == 5).astype("float32")


x_train, y_train = three_or_five(x_train, y_train)
x_test, y_test = three_or_five(x_test, y_test)


def build_model():
    return models.Sequential([
        layers.Dense(16, activation="relu", input_shape=(784,)),
        layers.Dense(1, activation="sigmoid"),
    ])


# The seed's simplest compile step: everything by name.
keras.utils.set_random_seed(0)
model = build_model()
model.compile(optimizer="rmsprop", loss="binary_crossentropy", metrics=["accuracy"])
model.fit(x_train, y_train, epochs=EPOCHS, verbose=0)
print(f"rmsprop (by name) test accuracy: {model.evaluate(x_test, y_test, verbose=0)[1]:.4f}")

# The seed's optimizers, compiled with a loss function and a metric function as objects.
candidates = {
    "SGD": lambda: keras.optimizers.SGD(lr=0.01, momentum=0.0, decay=0.0, nesterov=False),
    "RMSprop": lambda: keras.optimizers.RMSprop(lr=0.001, rho=0.9, epsilon=None, decay=0.0),
    "Adam": lambda: keras.optimizers.Adam(lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=None,
                                          decay=0.0, amsgrad=False),
}
for name, make_optimizer in candidates.items():
    keras.utils.set_random_seed(0)
    model = build_model()
    model.compile(optimizer=make_optimizer(), loss=losses.binary_crossentropy,
                  metrics=[metrics.binary_accuracy])
    history = model.fit(x_train, y_train, epochs=EPOCHS, verbose=0)
    results = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    print(f"{name:8s} final training loss {history.history['loss'][-1]:.4f}  "
          f"test accuracy: {results['binary_accuracy']:.4f}")
