"""A layer of one's own: weights made in build() with add_weight(), used in call(inputs).

The layer is first called eagerly on a batch (which builds it), then stacked twice in a
Sequential model and trained on two separable blobs. The weights start from a fixed NumPy
draw, the optimizer is plain SGD and batches are not shuffled, so the loss per epoch is the
same as Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class Linear(layers.Layer):
    """y = x @ w + b, with w and b created once the input width is known."""

    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True
        )
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b


# Eager use: the first call builds the layer.
probe = Linear(4)
y = probe(ops.ones((2, 3)))
assert tuple(y.shape) == (2, 4)
assert len(probe.weights) == 2 and len(probe.trainable_weights) == 2

rng = np.random.default_rng(0)
n = 400
x = np.concatenate([rng.normal(-1.0, 0.7, (n // 2, 4)), rng.normal(1.0, 0.7, (n // 2, 4))])
x = x.astype("float32")
y = np.concatenate([np.zeros(n // 2), np.ones(n // 2)]).astype("float32")[:, None]
order = rng.permutation(n)
x, y = x[order], y[order]

model = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        Linear(16),
        layers.Activation("relu"),
        Linear(1),
        layers.Activation("sigmoid"),
    ]
)
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(x, y, batch_size=32, epochs=5, shuffle=False, verbose=0)
loss, accuracy = model.evaluate(x, y, verbose=0)

RESULT = {"accuracy": float(accuracy), "eval_loss": float(loss)}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
