"""A learning-rate schedule of one's own, as the keras.io vision examples write it: WarmUpCosine,
a subclass of keras.optimizers.schedules.LearningRateSchedule whose __call__ computes the rate
from the step with keras.ops (a linear warm-up chosen with ops.where, then cosine annealing,
then 0 after total_steps) and whose get_config makes it rebuildable; the Transformer tutorial's
CustomSchedule (d_model ** -0.5 * min(step ** -0.5, step * warmup ** -1.5)) beside it. The
model trains batch by batch with train_on_batch(return_dict=True), and is checked with
test_on_batch and predict_on_batch; the optimizer is Nadam with clipnorm.

The weights start from a fixed NumPy draw and the batches come in order, so the loss of every
batch, and the rate of every step, follow Keras's.
"""

import math

import numpy as np

import numnet as keras
from numnet import layers, ops


class WarmUpCosine(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(
        self, learning_rate_base, total_steps, warmup_learning_rate, warmup_steps
    ):
        super().__init__()

        self.learning_rate_base = learning_rate_base
        self.total_steps = total_steps
        self.warmup_learning_rate = warmup_learning_rate
        self.warmup_steps = warmup_steps
        self.pi = np.pi

    def __call__(self, step):
        if self.total_steps < self.warmup_steps:
            raise ValueError("Total_steps must be larger or equal to warmup_steps.")

        cos_annealed_lr = ops.cos(
            self.pi
            * (ops.cast(step, "float32") - self.warmup_steps)
            / float(self.total_steps - self.warmup_steps)
        )
        learning_rate = 0.5 * self.learning_rate_base * (1 + cos_annealed_lr)

        if self.warmup_steps > 0:
            if self.learning_rate_base < self.warmup_learning_rate:
                raise ValueError(
                    "Learning_rate_base must be larger or equal to "
                    "warmup_learning_rate."
                )
            slope = (
                self.learning_rate_base - self.warmup_learning_rate
            ) / self.warmup_steps
            warmup_rate = slope * ops.cast(step, "float32") + self.warmup_learning_rate
            learning_rate = ops.where(
                step < self.warmup_steps, warmup_rate, learning_rate
            )
        return ops.where(
            step > self.total_steps, 0.0, learning_rate
        )

    def get_config(self):
        return {
            "learning_rate_base": self.learning_rate_base,
            "total_steps": self.total_steps,
            "warmup_learning_rate": self.warmup_learning_rate,
            "warmup_steps": self.warmup_steps,
        }


class CustomSchedule(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(self, d_model, warmup_steps=4000):
        super().__init__()
        self.d_model = d_model
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        step = ops.cast(step, dtype="float32")
        arg1 = ops.rsqrt(step)
        arg2 = step * (self.warmup_steps ** -1.5)
        return ops.rsqrt(ops.cast(self.d_model, "float32")) * ops.minimum(arg1, arg2)

    def get_config(self):
        return {"d_model": self.d_model, "warmup_steps": self.warmup_steps}


rng = np.random.default_rng(13)
n, features = 384, 10
x_all = rng.normal(0.0, 1.0, (n, features)).astype("float32")
y_all = (np.sin(x_all[:, 0]) + x_all[:, 1] * x_all[:, 2] > 0).astype("float32")
x_train, y_train = x_all[:320], y_all[:320]
x_test, y_test = x_all[320:], y_all[320:]

batch_size, epochs = 32, 4
total_steps = (len(x_train) // batch_size) * epochs
warmup_steps = int(total_steps * 0.15)
scheduled_lrs = WarmUpCosine(
    learning_rate_base=0.02,
    total_steps=total_steps,
    warmup_learning_rate=0.0,
    warmup_steps=warmup_steps,
)
rates = [float(scheduled_lrs(step)) for step in (0, 3, warmup_steps, 20, total_steps, 50)]
rebuilt = WarmUpCosine.from_config(scheduled_lrs.get_config())
transformer_schedule = CustomSchedule(d_model=128, warmup_steps=40)
transformer_rates = [float(transformer_schedule(step)) for step in (1, 20, 40, 160)]

model = keras.Sequential(
    [
        keras.Input(shape=(features,)),
        layers.Dense(32, activation="relu"),
        layers.Dense(16, activation="tanh"),
        layers.Dense(1, activation="sigmoid"),
    ]
)
draw = np.random.default_rng(4)
model.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
optimizer = keras.optimizers.Nadam(learning_rate=scheduled_lrs, clipnorm=1.0)
model.compile(optimizer=optimizer, loss="binary_crossentropy", metrics=["accuracy"])

epoch_losses = []
for _epoch in range(epochs):
    for start in range(0, len(x_train), batch_size):
        logs = model.train_on_batch(
            x_train[start:start + batch_size], y_train[start:start + batch_size],
            return_dict=True,
        )
    epoch_losses.append(logs["loss"])

test_logs = model.test_on_batch(x_test, y_test, return_dict=True)
test_list = model.test_on_batch(x_test, y_test)
batch_predictions = model.predict_on_batch(x_test)

RESULT = {
    "rebuilt_rate_gap": abs(float(rebuilt(17)) - float(scheduled_lrs(17))),
    "iterations": float(optimizer.iterations),
    "current_rate": float(optimizer.learning_rate),
    "test_loss": float(test_logs["loss"]),
    "test_accuracy": float(test_logs["accuracy"]),
    "test_list_gap": abs(float(test_list[0]) - float(test_logs["loss"])),
    "prediction_rows": float(batch_predictions.shape[0]),
    "prediction_mean": float(np.mean(batch_predictions)),
    "peak_rate": 0.02 * (1 + math.cos(0.0)) / 2,
}
for index, value in enumerate(rates):
    RESULT[f"rate_{index}"] = value
for index, value in enumerate(transformer_rates):
    RESULT[f"transformer_rate_{index}"] = value
for epoch, value in enumerate(epoch_losses):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
