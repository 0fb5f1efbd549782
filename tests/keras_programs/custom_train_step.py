"""Customizing what happens in fit(): train_step with GradientTape and compute_loss.

The model keeps compile()'s loss and metrics: train_step asks compute_loss for the loss and
updates every metric in ``self.metrics`` (the loss tracker by value, the others with y and
y_pred). evaluate() uses the default test_step.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers


class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


keras.utils.set_random_seed(3)
rng = np.random.default_rng(3)
x = rng.normal(size=(1000, 16)).astype("float32")
true_w = rng.normal(size=(16, 1)).astype("float32")
y = (x @ true_w + 0.05 * rng.normal(size=(1000, 1))).astype("float32")

inputs = keras.Input(shape=(16,))
hidden = layers.Dense(32, activation="relu")(inputs)
outputs = layers.Dense(1)(hidden)
model = CustomModel(inputs, outputs)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="mse", metrics=["mae"])
history = model.fit(x, y, batch_size=32, epochs=6, verbose=0)
eval_loss, eval_mae = model.evaluate(x, y, verbose=0)

assert set(history.history) == {"loss", "mae"}, history.history.keys()
RESULT = {
    "eval_mae": float(eval_mae),
    "eval_loss": float(eval_loss),
    "loss_ratio": history.history["loss"][-1] / history.history["loss"][0],
}
print(RESULT)
