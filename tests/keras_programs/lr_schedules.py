"""Learning rates that change during training: an ExponentialDecay schedule given to AdamW
(with weight decay and gradient clipping by global norm), and the LearningRateScheduler and
ReduceLROnPlateau callbacks driving SGD, each read back from the optimizer after training.

The weights start from a fixed NumPy draw and batches are not shuffled, so the loss per epoch
is Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(25)
x = rng.normal(size=(256, 6)).astype("float32")
y = (np.tanh(x[:, :2].sum(axis=1, keepdims=True)) + 0.1 * x[:, 2:3]).astype("float32")
initial = None


def make_model():
    global initial
    model = keras.Sequential([keras.Input(shape=(6,)), layers.Dense(16, activation="tanh"),
                              layers.Dense(1)])
    if initial is None:
        initial = [rng.normal(0.0, 0.5, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(initial)
    return model


lr_schedule = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate=0.02, decay_steps=8, decay_rate=0.9)
model = make_model()
model.compile(optimizer=keras.optimizers.AdamW(learning_rate=lr_schedule, weight_decay=0.01,
                                               global_clipnorm=1.0),
              loss="mse")
first = model.fit(x, y, batch_size=32, epochs=4, shuffle=False, verbose=0)
decayed = float(lr_schedule(model.optimizer.iterations))


def scheduler(epoch, lr):
    return lr if epoch < 2 else lr * 0.5


model = make_model()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.5), loss="mse")
second = model.fit(
    x, y, batch_size=32, epochs=5, shuffle=False, verbose=0,
    callbacks=[keras.callbacks.LearningRateScheduler(scheduler),
               keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0,
                                                 min_delta=0.05)],
)
final_learning_rate = float(np.asarray(model.optimizer.learning_rate))

RESULT = {"decayed_learning_rate": decayed, "final_learning_rate": final_learning_rate}
for epoch, value in enumerate(first.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
for epoch, value in enumerate(second.history["loss"]):
    RESULT[f"sgd_loss_{epoch}"] = float(value)
print(RESULT)
