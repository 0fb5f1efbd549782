"""A train_step written for tf.keras 2 (``self.compiled_loss``, ``self.compiled_metrics``,
``{m.name: m.result() for m in self.metrics}``) reports the loss it trains on."""

import numpy as np

import numnet as tf
from numnet import keras


class CustomModel(keras.Model):
    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(y, y_pred, regularization_losses=self.losses)
        trainable_vars = self.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_one_batch_epoch_reports_exactly_its_loss():
    rng = np.random.default_rng(1)
    x = rng.random((16, 4)).astype("float32")
    y = rng.random((16, 1)).astype("float32")
    inputs = keras.Input(shape=(4,))
    model = CustomModel(inputs, keras.layers.Dense(1)(inputs))
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    before = model.predict(x, verbose=0)
    logs = model.fit(x, y, epochs=1, batch_size=16, verbose=0).history
    np.testing.assert_allclose(logs["loss"][0], np.mean((before - y) ** 2), rtol=1e-5)
    np.testing.assert_allclose(logs["mae"][0], np.mean(np.abs(before - y)), rtol=1e-5)
