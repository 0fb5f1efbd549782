"""After the keras.io example "Gradient Centralization for Better Training Performance": a
small convolutional classifier trained twice from the same weights, once with RMSprop and once
with GCRMSprop, an RMSprop subclass that takes the mean out of every gradient with more than
one axis (over all axes but the last, ``ops.mean(..., keepdims=True)``) before the update, and
a TimeHistory callback that records the time of each epoch.

The example overrides ``get_gradients``, which Keras 3's optimizers no longer call; here the
subclass overrides ``apply(grads, trainable_variables)``, the method that Keras 3's fit calls
on every backend, and hands the centred gradients to ``super().apply``. Images are 12x12
stripes from a NumPy seed (the example's horses and humans at 300x300), the model has no
Dropout (so that both runs follow Keras's loss per epoch from the NumPy weights, batches
unshuffled) and one step on a Dense layer checks that the kernel's update has zero mean per
unit while the bias's update is plain RMSprop's.
"""

from time import time

import numpy as np

import numnet as keras
from numnet import layers, ops
from numnet.optimizers import RMSprop

num_classes = 2
input_shape = (12, 12, 3)
batch_size = 16
epochs = 4

rng = np.random.default_rng(7)


def make_images(count):
    labels = rng.integers(0, num_classes, size=count)
    images = rng.uniform(0.0, 0.3, size=(count, *input_shape))
    rows = np.arange(input_shape[0]) % 4 < 2
    for index, label in enumerate(labels):
        if label:  # horizontal stripes
            images[index, rows, :, :] += 0.6
        else:  # vertical stripes
            images[index, :, rows, :] += 0.6
    return images.astype("float32"), labels.astype("float32")


x_train, y_train = make_images(128)
x_test, y_test = make_images(64)


def make_model():
    return keras.Sequential(
        [
            keras.Input(shape=input_shape),
            layers.Conv2D(4, (3, 3), activation="relu"),
            layers.MaxPooling2D(2, 2),
            layers.Conv2D(8, (3, 3), activation="relu"),
            layers.MaxPooling2D(2, 2),
            layers.Flatten(),
            layers.Dense(16, activation="relu"),
            layers.Dense(1, activation="sigmoid"),
        ]
    )


model = make_model()
initial_weights = [rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()]


class GCRMSprop(RMSprop):
    def apply(self, grads, trainable_variables=None):
        # Gradient Centralization: remove the mean of each column (output unit) of the
        # gradient of every kernel; biases (one axis) are left as they are.
        centralized = []
        for grad in grads:
            grad_len = len(grad.shape)
            if grad_len > 1:
                axis = list(range(grad_len - 1))
                grad = grad - ops.mean(grad, axis=axis, keepdims=True)
            centralized.append(grad)
        return super().apply(centralized, trainable_variables)


class TimeHistory(keras.callbacks.Callback):
    def on_train_begin(self, logs=None):
        self.times = []

    def on_epoch_begin(self, batch, logs=None):
        self.epoch_time_start = time()

    def on_epoch_end(self, batch, logs=None):
        self.times.append(time() - self.epoch_time_start)


# Train the model without GC
time_callback_no_gc = TimeHistory()
model.set_weights(initial_weights)
model.compile(
    loss="binary_crossentropy",
    optimizer=RMSprop(learning_rate=1e-3),
    metrics=["accuracy"],
)
history_no_gc = model.fit(
    x_train, y_train, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0,
    callbacks=[time_callback_no_gc],
)
no_gc_loss, no_gc_accuracy = model.evaluate(x_test, y_test, verbose=0)

# Train the model with GC, from the same weights
optimizer = GCRMSprop(learning_rate=1e-3)
time_callback_gc = TimeHistory()
model.set_weights(initial_weights)
model.compile(loss="binary_crossentropy", optimizer=optimizer, metrics=["accuracy"])
history_gc = model.fit(
    x_train, y_train, batch_size=batch_size, epochs=epochs, shuffle=False, verbose=0,
    callbacks=[time_callback_gc],
)
gc_loss, gc_accuracy = model.evaluate(x_test, y_test, verbose=0)

print("Not using Gradient Centralization")
print(f"Loss: {history_no_gc.history['loss'][-1]}")
print(f"Accuracy: {history_no_gc.history['accuracy'][-1]}")
print(f"Training Time: {sum(time_callback_no_gc.times)}")
print("Using Gradient Centralization")
print(f"Loss: {history_gc.history['loss'][-1]}")
print(f"Accuracy: {history_gc.history['accuracy'][-1]}")
print(f"Training Time: {sum(time_callback_gc.times)}")

# One step of each optimizer on one Dense layer from the same weights: RMSprop's first step
# moves every weight by lr * g / sqrt(0.1 g^2 + eps) (about 3.16 lr, the sign of g); with GC
# the kernel's gradient has zero mean per unit before that, the bias's is as it was.
probe_x = rng.normal(size=(8, 5)).astype("float32")
probe_y = rng.normal(size=(8, 3)).astype("float32")
probe_weights = [rng.normal(size=(5, 3)).astype("float32"), np.zeros(3, "float32")]
steps = {}
for name, opt in (("plain", RMSprop(learning_rate=0.01)), ("gc", GCRMSprop(learning_rate=0.01))):
    probe = keras.Sequential([keras.Input(shape=(5,)), layers.Dense(3)])
    probe.set_weights(probe_weights)
    probe.compile(optimizer=opt, loss="mse")
    probe.train_on_batch(probe_x, probe_y)
    steps[name] = [after - before for after, before in zip(probe.get_weights(), probe_weights)]

dense_kernel_grad = (
    2.0 / probe_y.size * probe_x.T @ (probe_x @ probe_weights[0] - probe_y)
)
centred = dense_kernel_grad - dense_kernel_grad.mean(axis=0, keepdims=True)
expected_gc_step = -0.01 * centred / np.sqrt(0.1 * centred**2 + 1e-7)

RESULT = {
    "epochs_timed_no_gc": float(len(time_callback_no_gc.times)),
    "epochs_timed_gc": float(len(time_callback_gc.times)),
    "no_gc_accuracy": float(no_gc_accuracy),
    "gc_accuracy": float(gc_accuracy),
    "no_gc_eval_loss": float(no_gc_loss),
    "gc_eval_loss": float(gc_loss),
    "plain_bias_step_sum": float(np.sum(np.abs(steps["plain"][1]))),
    "gc_bias_step_gap": float(np.max(np.abs(steps["gc"][1] - steps["plain"][1]))),
    "gc_kernel_step_gap": float(np.max(np.abs(steps["gc"][0] - expected_gc_step))),
    "plain_kernel_step_size": float(np.max(np.abs(steps["plain"][0]))),
}
for epoch in range(epochs):
    RESULT[f"no_gc_loss_{epoch}"] = float(history_no_gc.history["loss"][epoch])
    RESULT[f"gc_loss_{epoch}"] = float(history_gc.history["loss"][epoch])
print(RESULT)
