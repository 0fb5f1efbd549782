"""Seed 000: a 784-32-10 network on MNIST with RMSprop and categorical cross-entropy.

    python examples/seed_000_rmsprop_mnist.py

The model and compile cells are the seed's, with `from keras import ...` read as
`from numnet import ...`. Set NUMNET_EXAMPLE_EPOCHS to train for fewer epochs than 20.
"""

import os

import numnet as keras
from numnet import layers, models, optimizers

EPOCHS = int(os.environ.get("NUMNET_EXAMPLE_EPOCHS", "20"))

keras.utils.set_random_seed(0)
(x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
x_train = x_train.reshape(-1, 784).astype("float32") / 255
x_test = x_test.reshape(-1, 784).astype("float32") / 255
# categorical_crossentropy takes one-hot labels.
y_train = keras.utils.to_categorical(y_train, 10)
y_test = keras.utils.to_categorical(y_test, 10)

# Model definition
model = models.Sequential()
model.add(layers.Dense(32, activation="relu", input_shape=(784,)))
model.add(layers.Dense(10, activation="softmax"))
model.summary()

# Compiling the model (numnet accepts Keras 2's `lr=` and says learning_rate= is the new name)
model.compile(optimizer=optimizers.RMSprop(lr=0.001),
              loss="categorical_crossentropy",
              metrics=["accuracy"])

model.fit(x_train, y_train, epochs=EPOCHS, batch_size=32, verbose=2)

loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
print(f"test loss: {loss:.4f}")
print(f"test accuracy: {accuracy:.4f}")
