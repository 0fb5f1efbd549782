"""Lambda layers and a learning-rate schedule of one's own through a .keras file: Lambda of
registered functions with a fixed output_shape and with output_shape given as a (registered)
function, and a Python lambda with `arguments` (Keras stores its bytecode); a registered
LearningRateSchedule subclass (__call__ on the step, get_config) driving Adam; model.save to
.keras, load_model with safe_mode=False (a Lambda's Python code is only loaded when asked), and
training resumed from the loaded file, which must continue exactly as the original model.

The weights start from a fixed NumPy draw and batches are not shuffled, so the losses are
Keras's to rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


@keras.saving.register_keras_serializable(package="programs")
class LinearWarmupInverseSqrt(keras.optimizers.schedules.LearningRateSchedule):
    """peak * step / warmup during the warm-up, then peak * sqrt(warmup / step)."""

    def __init__(self, peak, warmup_steps):
        self.peak = peak
        self.warmup_steps = warmup_steps

    def __call__(self, step):
        step = ops.cast(step, "float32") + 1.0
        warmup = ops.cast(self.warmup_steps, "float32")
        rising = self.peak * step / warmup
        falling = self.peak * ops.sqrt(warmup / step)
        return ops.where(step < warmup, rising, falling)

    def get_config(self):
        return {"peak": self.peak, "warmup_steps": self.warmup_steps}


@keras.saving.register_keras_serializable(package="programs")
def with_squares(x):
    return ops.concatenate([x, ops.square(x)], axis=-1)


@keras.saving.register_keras_serializable(package="programs")
def mirror(x):
    return ops.concatenate([x, -x], axis=-1)


@keras.saving.register_keras_serializable(package="programs")
def pair_shape(input_shape):
    return input_shape[:-1] + (input_shape[-1] * 2,)


rng = np.random.default_rng(4)
n = 256
x = rng.uniform(-1.5, 1.5, (n, 3)).astype("float32")
y = (np.sum(x**2, axis=1, keepdims=True) - 1.5 * x[:, :1]).astype("float32")

inputs = keras.Input(shape=(3,))
h = layers.Lambda(with_squares, output_shape=(6,), name="squares")(inputs)
h = layers.Dense(16, activation="tanh")(h)
h = layers.Lambda(lambda t, scale: t * scale, arguments={"scale": 0.5}, name="halve")(h)
h = layers.Lambda(mirror, output_shape=pair_shape, name="mirror")(h)
outputs = layers.Dense(1)(h)
model = keras.Model(inputs, outputs)
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32") for w in model.get_weights()])

schedule = LinearWarmupInverseSqrt(peak=0.02, warmup_steps=12)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=schedule), loss="mse",
              metrics=["mae"])
history = model.fit(x, y, batch_size=32, epochs=4, shuffle=False, verbose=0)
RESULT = {f"loss_{epoch}": float(v) for epoch, v in enumerate(history.history["loss"])}
RESULT["rate_at_5"] = float(ops.convert_to_numpy(schedule(5)))
RESULT["rate_at_47"] = float(ops.convert_to_numpy(schedule(47)))
RESULT["squares_width"] = float(model.get_layer("squares").output.shape[-1])
RESULT["mirror_width"] = float(model.get_layer("mirror").output.shape[-1])

model.save("lambda_schedule.keras")
try:
    keras.models.load_model("lambda_schedule.keras")
    RESULT["safe_mode_refused"] = 0.0
except ValueError:
    RESULT["safe_mode_refused"] = 1.0
restored = keras.models.load_model("lambda_schedule.keras", safe_mode=False)
rate = restored.optimizer.get_config()["learning_rate"]
RESULT["restored_schedule"] = float(rate["class_name"] == "LinearWarmupInverseSqrt")
RESULT["restored_peak"] = float(rate["config"]["peak"])
RESULT["restored_current_rate"] = float(ops.convert_to_numpy(restored.optimizer.learning_rate))
RESULT["current_rate"] = float(ops.convert_to_numpy(model.optimizer.learning_rate))
RESULT["restored_iterations"] = float(ops.convert_to_numpy(restored.optimizer.iterations))
RESULT["restored_prediction_gap"] = float(
    np.max(np.abs(restored.predict(x[:16], verbose=0) - model.predict(x[:16], verbose=0)))
)
RESULT["restored_halve_scale"] = float(restored.get_layer("halve").arguments["scale"])

more = model.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
more_restored = restored.fit(x, y, batch_size=32, epochs=2, shuffle=False, verbose=0)
for epoch in range(2):
    RESULT[f"more_loss_{epoch}"] = float(more.history["loss"][epoch])
    RESULT[f"restored_loss_{epoch}"] = float(more_restored.history["loss"][epoch])
RESULT["resumed_weight_gap"] = float(
    max(np.max(np.abs(a - b)) for a, b in zip(model.get_weights(), restored.get_weights()))
)
RESULT["eval_mae"] = float(model.evaluate(x, y, verbose=0)[1])
print(RESULT)
