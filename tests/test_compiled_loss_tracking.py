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


def test_the_loss_tracker_holds_the_loss_of_the_built_in_steps():
    """After the built-in fit, evaluate, train_on_batch and test_on_batch, the loss tracker
    (``model.metrics[0]``, read by ``get_metrics_result()`` and by callbacks) holds the loss
    they report, as Keras's steps update it: the mean over the rows, each batch weighted by its
    size; evaluate's own when it ran last."""
    rng = np.random.default_rng(0)
    x = rng.random((40, 3)).astype("float32")
    y = (x.sum(1) > 1.5).astype("float32")
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(
        1, activation="sigmoid", kernel_initializer="ones")])
    model.compile("sgd", "binary_crossentropy", metrics=["accuracy"])
    tracker = model.metrics[0]

    def bce(rows):
        p = np.clip(1 / (1 + np.exp(-(x[rows].sum(1)))), 1e-7, 1 - 1e-7)
        return float(np.mean(-(y[rows] * np.log(p) + (1 - y[rows]) * np.log(1 - p))))

    # the initial weights (ones, zero bias) give the loss by hand; batches of 16, 16, 8
    evaluated = model.evaluate(x, y, batch_size=16, verbose=0)[0]
    np.testing.assert_allclose(evaluated, bce(slice(None)), rtol=1e-6)
    np.testing.assert_allclose(float(tracker.result()), evaluated, rtol=1e-6)
    assert model.get_metrics_result()["loss"] == tracker.result()
    batch = model.test_on_batch(x[:8], y[:8], return_dict=True)["loss"]
    np.testing.assert_allclose(batch, bce(slice(0, 8)), rtol=1e-6)
    np.testing.assert_allclose(float(tracker.result()), batch, rtol=1e-6)
    history = model.fit(x, y, batch_size=16, epochs=1, verbose=0).history
    np.testing.assert_allclose(float(tracker.result()), history["loss"][0], rtol=1e-6)
    trained = model.train_on_batch(x[:8], y[:8], return_dict=True)["loss"]
    np.testing.assert_allclose(float(tracker.result()), trained, rtol=1e-6)
