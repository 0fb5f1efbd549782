"""Gradients of one's own, after the TensorFlow guide "Advanced automatic differentiation"
(tf.custom_gradient: a gradient clipped in the backward pass only, and log1pexp made stable
where the automatic gradient overflows) and keras.ops.custom_gradient as its API page writes
it (the gradient function taking the upstream gradient by position or as upstream=), used in a
quantizing layer whose rounding passes the gradient straight through, trained with fit.

The weights start from a fixed NumPy draw and batches are not shuffled, so the losses are
Keras's to rounding.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops


@tf.custom_gradient
def clip_gradients(y):
    def backward(dy):
        return tf.clip_by_norm(dy, 0.5)

    return y, backward


@tf.custom_gradient
def log1pexp(x):
    e = tf.exp(x)

    def grad(upstream):
        return upstream * (1 - 1 / (1 + e))

    return tf.math.log(1 + e), grad


@ops.custom_gradient
def round_straight_through(x):
    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return upstream

    return ops.round(x), grad


@ops.custom_gradient
def scaled_softplus(x):
    e = ops.exp(x)

    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))

    return ops.log(1 + e), grad


class Quantize(layers.Layer):
    """Rounds to a grid of 1 / levels; the gradient passes as if it were the identity."""

    def __init__(self, levels=4, **kwargs):
        super().__init__(**kwargs)
        self.levels = levels

    def call(self, inputs):
        return round_straight_through(inputs * self.levels) / self.levels


RESULT = {}

# tf.custom_gradient: the backward pass clips the upstream gradient to norm 0.5.
v = tf.Variable([3.0, 4.0])
with tf.GradientTape() as tape:
    output = clip_gradients(v)
    loss = tf.reduce_sum(output * tf.constant([6.0, 8.0]))
clipped = tape.gradient(loss, v)
RESULT["clipped_norm"] = float(tf.norm(clipped))
RESULT["clipped_first"] = float(clipped[0])

# log1pexp at 100: the automatic gradient of log(1 + exp(x)) is nan, the custom one 1.
x = tf.constant(100.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = log1pexp(x)
RESULT["log1pexp_grad"] = float(tape.gradient(y, x))
x = tf.constant(0.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = log1pexp(x)
RESULT["log1pexp_grad_at_0"] = float(tape.gradient(y, x))
RESULT["log1pexp_at_0"] = float(y)

# keras.ops.custom_gradient under a tape: straight through, and the softplus derivative.
z = tf.Variable([0.26, -1.4, 2.05])
with tf.GradientTape(persistent=True) as tape:
    rounded = round_straight_through(z * 2.0)
    soft = scaled_softplus(z)
    total = tf.reduce_sum(rounded * tf.constant([1.0, 2.0, 3.0]))
    soft_total = tf.reduce_sum(soft)
RESULT["rounded_sum"] = float(tf.reduce_sum(rounded))
RESULT["straight_through_grad_sum"] = float(tf.reduce_sum(tape.gradient(total, z)))
RESULT["softplus_grad_sum"] = float(tf.reduce_sum(tape.gradient(soft_total, z)))
del tape

# A model with the quantizing layer, trained by fit: the gradient reaches the first layer.
rng = np.random.default_rng(13)
n = 256
features = rng.normal(0.0, 1.0, (n, 4)).astype("float32")
target = (np.sin(features[:, :1]) + 0.5 * features[:, 1:2]).astype("float32")
model = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        layers.Dense(8, activation="tanh"),
        Quantize(levels=4),
        layers.Dense(1),
    ]
)
model.set_weights([rng.normal(0.0, 0.5, w.shape).astype("float32") for w in model.get_weights()])
first_kernel = model.layers[0].get_weights()[0].copy()
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05), loss="mse")
history = model.fit(features, target, batch_size=32, epochs=5, shuffle=False, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["first_kernel_change"] = float(
    np.abs(model.layers[0].get_weights()[0] - first_kernel).sum()
)
hidden = keras.Model(model.inputs, model.layers[1].output).predict(features[:32], verbose=0)
RESULT["on_grid"] = float(np.allclose(hidden * 4, np.round(hidden * 4), atol=1e-5))
RESULT["eval_loss"] = float(model.evaluate(features, target, verbose=0))
print(RESULT)
