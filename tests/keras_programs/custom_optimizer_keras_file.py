"""An optimizer of one's own in a .keras file: a registered Optimizer subclass written as Keras 3
writes one (slots made in build() with add_variable_from_reference, update_step() with assign,
get_config() with its own argument) compiles a model that is trained, saved with model.save and
loaded with keras.models.load_model; the loaded model holds the same optimizer class, settings
and state (iterations and slots), so that training goes on exactly as the original's.

The weights start from a fixed NumPy draw and batches are not shuffled, so the losses are
Keras's to rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


@keras.saving.register_keras_serializable(package="programs")
class MomentumSign(keras.optimizers.Optimizer):
    """w -= lr * sign(m), with m = beta * m + (1 - beta) * g (signSGD with momentum)."""

    def __init__(self, learning_rate=0.01, beta=0.9, name="momentum_sign", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta = beta

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = [
            self.add_variable_from_reference(variable, "momentum") for variable in variables
        ]

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(m, self.beta * m + (1 - self.beta) * gradient)
        self.assign_sub(variable, learning_rate * ops.sign(m))

    def get_config(self):
        config = super().get_config()
        config.update({"beta": self.beta})
        return config


rng = np.random.default_rng(9)
n = 256
x = rng.normal(0.0, 1.0, (n, 4)).astype("float32")
y = (x @ np.array([[1.0], [-1.0], [0.5], [2.0]]) + 0.1 * rng.normal(size=(n, 1)))
y = y.astype("float32")

model = keras.Sequential(
    [keras.Input(shape=(4,)), layers.Dense(8, activation="tanh"), layers.Dense(1)]
)
model.set_weights([rng.normal(0.0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=MomentumSign(learning_rate=0.01, beta=0.8), loss="mse")
history = model.fit(x, y, batch_size=32, epochs=4, shuffle=False, verbose=0)

model.save("momentum_sign.keras")
restored = keras.models.load_model("momentum_sign.keras")

RESULT = {f"loss_{epoch}": float(v) for epoch, v in enumerate(history.history["loss"])}
RESULT["restored_class_matches"] = float(type(restored.optimizer).__name__ == "MomentumSign")
RESULT["restored_beta"] = float(restored.optimizer.beta)
RESULT["restored_iterations"] = float(ops.convert_to_numpy(restored.optimizer.iterations))
RESULT["restored_momentum_gap"] = float(
    max(
        np.max(np.abs(ops.convert_to_numpy(a) - ops.convert_to_numpy(b)))
        for a, b in zip(restored.optimizer.momentums, model.optimizer.momentums)
    )
)
RESULT["restored_prediction_gap"] = float(
    np.max(np.abs(restored.predict(x[:8], verbose=0) - model.predict(x[:8], verbose=0)))
)
more = model.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
more_restored = restored.fit(x, y, batch_size=32, epochs=1, shuffle=False, verbose=0)
RESULT["more_loss"] = float(more.history["loss"][0])
RESULT["more_restored_loss"] = float(more_restored.history["loss"][0])
RESULT["resumed_gap"] = float(
    max(np.max(np.abs(a - b)) for a, b in zip(restored.get_weights(), model.get_weights()))
)
print(RESULT)
