"""Layers written with keras.ops alone: attention pooling over time (ops.einsum, ops.softmax,
ops.where on a padding mask built with ops.not_equal), a loss built from ops.one_hot and
ops.logsumexp, and the top-2 accuracy metric.

The weights start from a fixed NumPy draw and training is SGD on unshuffled batches, so the
loss per epoch is Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class AttentionPooling(layers.Layer):
    """A learned query scores each time step; padded steps (all zeros) get no weight."""

    def build(self, input_shape):
        self.query = self.add_weight(shape=(input_shape[-1],), initializer="random_normal",
                                     name="query")

    def call(self, inputs):
        present = ops.any(ops.not_equal(inputs, 0.0), axis=-1)
        scores = ops.einsum("btd,d->bt", inputs, self.query)
        scores = ops.where(present, scores, ops.full_like(scores, -1e9))
        weights = ops.softmax(scores, axis=1)
        return ops.einsum("bt,btd->bd", weights, inputs)


def cross_entropy_from_logits(y_true, y_pred):
    labels = ops.one_hot(ops.cast(ops.reshape(y_true, (-1,)), "int32"), 4)
    log_probabilities = y_pred - ops.logsumexp(y_pred, axis=-1, keepdims=True)
    return -ops.sum(labels * log_probabilities, axis=-1)


rng = np.random.default_rng(32)
n, steps, dim = 800, 6, 8
x = rng.normal(size=(n, steps, dim)).astype("float32")
lengths = rng.integers(2, steps + 1, n)
for row, length in enumerate(lengths):
    x[row, length:] = 0.0
y = np.argmax(x[:, :, :4].sum(axis=1), axis=1).astype("int32")

inputs = keras.Input(shape=(steps, dim))
hidden = layers.Dense(16, activation="tanh", use_bias=False)(inputs)  # zero rows stay zero
pooled = AttentionPooling()(hidden)
outputs = layers.Dense(4)(pooled)
model = keras.Model(inputs, outputs)
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
              loss=cross_entropy_from_logits,
              metrics=[keras.metrics.SparseTopKCategoricalAccuracy(k=2, name="top2"),
                       keras.metrics.SparseCategoricalAccuracy(name="accuracy")])
history = model.fit(x[:600], y[:600], batch_size=40, epochs=6, shuffle=False, verbose=0)
results = model.evaluate(x[600:], y[600:], verbose=0, return_dict=True)

padded = np.concatenate([x[600:610], np.zeros((10, 3, dim), dtype="float32")], axis=1)
longer_model_inputs = keras.Input(shape=(steps + 3, dim))
longer = keras.Model(longer_model_inputs,
                     model.layers[3](model.layers[2](model.layers[1](longer_model_inputs))))
padding_change = float(np.max(np.abs(longer.predict(padded, verbose=0)
                                     - model.predict(x[600:610], verbose=0))))

RESULT = {"accuracy": float(results["accuracy"]), "top2": float(results["top2"]),
          "padding_change": padding_change}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
