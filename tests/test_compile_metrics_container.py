"""model.metrics lists the compiled metrics before a batch with targets has made them (as
Keras 3's CompileMetrics): a train_step that makes its own labels and runs Keras's metrics
loop reports them."""

import numpy as np
import pytest

import numnet as keras
import numnet as tf


class Pairs(keras.utils.PyDataset):  # inputs only: the step makes the labels
    def __len__(self):
        return 3

    def __getitem__(self, i):
        return np.random.default_rng(i).normal(size=(4, 5)).astype("float32")


class OwnLabels(keras.Model):
    def train_step(self, x):
        y = tf.range(4)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(y=y, y_pred=y_pred)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.trainable_variables))
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_compiled_metrics_made_by_the_first_update_reach_the_history():
    inputs = keras.Input((5,))
    model = OwnLabels(inputs, keras.layers.Dense(4, kernel_initializer="zeros")(inputs))
    model.compile(optimizer=keras.optimizers.SGD(0.0),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]
    history = model.fit(Pairs(), epochs=1, verbose=0).history
    # zero weights and no learning: every logit ties, argmax is class 0, one label in 4 is 0
    assert history["accuracy"] == [0.25]
    np.testing.assert_allclose(history["loss"], [np.log(4.0)], rtol=1e-6)
    assert [m.name for m in model.metrics] == ["loss", "compile_metrics"]  # as Keras keeps it
    assert model.metrics[1].result()["accuracy"] == pytest.approx(0.25)
