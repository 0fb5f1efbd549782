"""train_step and test_step of one's own, with metric trackers listed by the ``metrics``
property and no loss given to compile().

Listing the trackers in ``metrics`` is what makes fit() and evaluate() reset them at the
start of each epoch and of each evaluation.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers


class CustomModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.mae_metric = keras.metrics.MeanAbsoluteError(name="mae")

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = keras.losses.mean_squared_error(y, y_pred)
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))
        self.loss_tracker.update_state(loss)
        self.mae_metric.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "mae": self.mae_metric.result()}

    def test_step(self, data):
        x, y = data
        y_pred = self(x, training=False)
        self.loss_tracker.update_state(keras.losses.mean_squared_error(y, y_pred))
        self.mae_metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}

    @property
    def metrics(self):
        return [self.loss_tracker, self.mae_metric]


keras.utils.set_random_seed(4)
rng = np.random.default_rng(4)
x = rng.uniform(-1.0, 1.0, size=(800, 8)).astype("float32")
y = (np.sin(2.0 * x[:, :1]) + x[:, 1:2] * x[:, 2:3]).astype("float32")

inputs = keras.Input(shape=(8,))
hidden = layers.Dense(32, activation="tanh")(inputs)
outputs = layers.Dense(1)(hidden)
model = CustomModel(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2))
history = model.fit(x[:600], y[:600], batch_size=32, epochs=10, verbose=0,
                    validation_data=(x[600:], y[600:]))
results = model.evaluate(x[600:], y[600:], verbose=0, return_dict=True)

# The trackers were reset before evaluate(): its numbers are the held-out set's alone.
held_out_mae = float(np.mean(np.abs(model.predict(x[600:], verbose=0) - y[600:])))
assert abs(results["mae"] - held_out_mae) < 1e-4, (results, held_out_mae)
assert sorted(history.history) == ["loss", "mae", "val_loss", "val_mae"], history.history.keys()
RESULT = {
    "val_mae": float(results["mae"]),
    "mean_predictor_mae": float(np.mean(np.abs(y[600:] - y[:600].mean()))),
    "val_loss": float(results["loss"]),
    "loss_ratio": history.history["loss"][-1] / history.history["loss"][0],
}
print(RESULT)
