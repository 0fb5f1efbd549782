"""keras.ops control flow inside a model's layers, as the keras.ops API pages show it: a running
state over time steps with ops.scan, a fixed number of refinement steps with ops.fori_loop, a
per-sample function with ops.vectorized_map, prefix sums with ops.associative_scan, and a
branch taken on a tensor's value with ops.cond. ops.while_loop, ops.switch and ops.map are
used eagerly on the trained model's outputs.

The task: tell whether a sequence's running mean ever leaves a band. The weights start from a
fixed NumPy draw and batches are not shuffled, so the loss per epoch is Keras's to rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class LeakyIntegrator(layers.Layer):
    """h_t = decay * h_{t-1} + x_t @ w, run over the time axis with ops.scan."""

    def __init__(self, units, decay=0.8, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.decay = decay

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")

    def call(self, inputs):
        steps = ops.transpose(inputs, (1, 0, 2))  # time first, as scan walks the leading axis

        def step(carry, x_t):
            new = self.decay * carry + ops.matmul(x_t, self.w)
            return new, new

        start = ops.zeros((ops.shape(inputs)[0], self.units), dtype=inputs.dtype)
        _, states = ops.scan(step, start, steps)
        return ops.transpose(states, (1, 0, 2))

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (self.units,)


class Refine(layers.Layer):
    """Three residual steps x <- x + 0.5 * tanh(x @ w) with ops.fori_loop."""

    def __init__(self, steps=3, **kwargs):
        super().__init__(**kwargs)
        self.steps = steps

    def build(self, input_shape):
        width = input_shape[-1]
        self.w = self.add_weight(shape=(width, width), initializer="orthogonal")

    def call(self, inputs):
        def body(i, x):
            return x + 0.5 * ops.tanh(ops.matmul(x, self.w))

        return ops.fori_loop(0, self.steps, body, inputs)


class PerSampleScale(layers.Layer):
    """Each sample divided by its own root-mean-square, one sample at a time."""

    def call(self, inputs):
        def scale(sample):
            return sample / ops.sqrt(ops.mean(ops.square(sample)) + 1e-3)

        return ops.vectorized_map(scale, inputs)


class RunningMean(layers.Layer):
    """The mean of the first t steps, from prefix sums made by ops.associative_scan."""

    def call(self, inputs):
        sums = ops.associative_scan(ops.add, inputs, axis=1)
        counts = ops.arange(1, ops.shape(inputs)[1] + 1, dtype=inputs.dtype)
        return sums / ops.reshape(counts, (1, -1, 1))


class SignFlip(layers.Layer):
    """Flips the batch when its mean is negative: a branch taken on a tensor's value."""

    def call(self, inputs):
        return ops.cond(ops.mean(inputs) < 0.0, lambda: -inputs, lambda: inputs)


rng = np.random.default_rng(21)
n, steps, features = 384, 10, 3
x = rng.normal(0.0, 1.0, (n, steps, features)).astype("float32")
drift = rng.choice([-0.6, 0.0, 0.6], size=(n, 1, 1))
x = x + drift.astype("float32")
running = np.cumsum(x[:, :, 0], axis=1) / np.arange(1, steps + 1)
y = (np.abs(running[:, 2:]).max(axis=1) > 0.8).astype("float32")[:, None]

inputs = keras.Input(shape=(steps, features))
h = RunningMean()(inputs)
h = LeakyIntegrator(8)(h)
h = layers.Lambda(lambda t: t[:, -1, :])(h)
h = PerSampleScale()(h)
h = Refine()(h)
h = SignFlip()(h)
h = layers.Dense(8, activation="relu")(h)
outputs = layers.Dense(1, activation="sigmoid")(h)
model = keras.Model(inputs, outputs)
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32") for w in model.get_weights()])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.1, momentum=0.9),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(x, y, batch_size=32, epochs=6, shuffle=False, verbose=0)
loss, accuracy = model.evaluate(x, y, verbose=0)
probabilities = ops.convert_to_tensor(model.predict(x[:16], verbose=0))

# Eager control flow on the predictions: halve until below 0.05 (ops.while_loop), a branch
# picked by an index (ops.switch) and a function mapped over rows (ops.map).
halvings, value = ops.while_loop(
    lambda count, v: ops.max(v) > 0.05,
    lambda count, v: (count + 1, v / 2.0),
    (0, probabilities),
)
index = ops.cast(ops.mean(probabilities) > 0.5, "int32")
branch = ops.switch(index, [lambda v: ops.sum(v), lambda v: ops.max(v)], probabilities)
row_max = ops.map(lambda row: ops.max(row), probabilities)

scan_probe, _ = ops.scan(lambda c, v: (c + v, c), 0.0, ops.arange(5, dtype="float32"))

RESULT = {
    "accuracy": float(accuracy),
    "eval_loss": float(loss),
    "positive_share": float(y.mean()),
    "halvings": float(ops.convert_to_numpy(halvings)),
    "halved_max": float(ops.convert_to_numpy(ops.max(value))),
    "branch": float(ops.convert_to_numpy(branch)),
    "row_max_sum": float(ops.convert_to_numpy(ops.sum(row_max))),
    "scan_probe": float(ops.convert_to_numpy(scan_probe)),
    "prediction_sum": float(ops.convert_to_numpy(ops.sum(probabilities))),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
