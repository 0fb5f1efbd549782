"""Keras 3's stateless API, as the migration guide's "backend-agnostic" advice and the JAX
training-loop guides use it: a model called with stateless_call on lists of variable values (the
new non-trainable state returned, the model's own variables untouched), its optimizer stepped
with stateless_apply on lists of values, and the final values assigned back.

A linear regression trained that way, its gradients written by hand (d mean((xW + b - y)^2)), must
follow the same weights as the same optimizer's apply on the model's variables; then a small
model with BatchNormalization and Dropout (a SeedGenerator's state among its non-trainable
variables) and an activity regularizer, called with stateless_call(training=True,
return_losses=True): the moving statistics and the seed state come back moved on, the losses
come back, and the model's own variables are as they were.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(23)
n, features = 64, 3
x = rng.normal(size=(n, features)).astype("float32")
w_true = np.array([[1.5], [-2.0], [0.5]], "float32")
y = (x @ w_true + 0.25).astype("float32")


def make_model():
    model = keras.Sequential([keras.Input(shape=(features,)), layers.Dense(1)])
    model.set_weights([np.full((features, 1), 0.1, "float32"), np.zeros(1, "float32")])
    return model


def gradients(y_pred):
    error = 2.0 * (np.asarray(y_pred) - y) / n
    return [(x.T @ error).astype("float32"), error.sum(axis=0).astype("float32")]


# --- stateless: values in, values out ---
model = make_model()
optimizer = keras.optimizers.Adam(learning_rate=0.05)
optimizer.build(model.trainable_variables)
trainable_variables = [v.value for v in model.trainable_variables]
non_trainable_variables = [v.value for v in model.non_trainable_variables]
optimizer_variables = [v.value for v in optimizer.variables]
stateless_losses = []
for _ in range(40):
    y_pred, non_trainable_variables = model.stateless_call(
        trainable_variables, non_trainable_variables, x, training=True)
    stateless_losses.append(float(np.mean((np.asarray(y_pred) - y) ** 2)))
    grads = gradients(y_pred)
    trainable_variables, optimizer_variables = optimizer.stateless_apply(
        optimizer_variables, grads, trainable_variables)
untouched_kernel = float(np.max(np.abs(np.asarray(model.layers[0].kernel) - 0.1)))
untouched_iterations = float(np.asarray(optimizer.iterations))
for variable, value in zip(model.trainable_variables, trainable_variables):
    variable.assign(value)
for variable, value in zip(optimizer.variables, optimizer_variables):
    variable.assign(value)
assigned_iterations = float(np.asarray(optimizer.iterations))

# --- stateful: the same optimizer's apply on the variables ---
reference = make_model()
reference_optimizer = keras.optimizers.Adam(learning_rate=0.05)
for _ in range(40):
    y_pred = reference(x, training=True)
    reference_optimizer.apply(gradients(y_pred),
                              reference.trainable_variables)
weight_gap = float(max(np.max(np.abs(np.asarray(a) - np.asarray(b)))
                       for a, b in zip(model.get_weights(), reference.get_weights())))
fitted = model.get_weights()

# --- non-trainable state and losses through stateless_call ---
block = keras.Sequential([
    keras.Input(shape=(4,)),
    layers.Dense(6, activity_regularizer=keras.regularizers.L2(0.01)),
    layers.BatchNormalization(momentum=0.5),
    layers.Dropout(0.5, seed=3),
])
batch = rng.normal(2.0, 1.5, size=(16, 4)).astype("float32")
before = [np.asarray(v).copy() for v in block.non_trainable_variables]
outputs, new_state, losses = block.stateless_call(
    [v.value for v in block.trainable_variables],
    [v.value for v in block.non_trainable_variables],
    batch, training=True, return_losses=True)
after = [np.asarray(v) for v in block.non_trainable_variables]
dense_out = batch @ np.asarray(block.layers[0].kernel) + np.asarray(block.layers[0].bias)
moved = [float(not np.array_equal(np.asarray(new), old)) for new, old in zip(new_state, before)]

RESULT = {
    "loss_first": stateless_losses[0],
    "loss_last": stateless_losses[-1],
    "untouched_kernel": untouched_kernel,
    "untouched_iterations": untouched_iterations,
    "assigned_iterations": assigned_iterations,
    "weight_gap": weight_gap,
    "kernel_0": float(fitted[0][0, 0]),
    "bias": float(fitted[1][0]),
    "state_entries": float(len(new_state)),
    "state_moved": float(sum(moved)),
    "state_kept": float(all(np.array_equal(a, b) for a, b in zip(after, before))),
    "moving_mean_error": float(np.max(np.abs(np.asarray(new_state[0])
                                             - 0.5 * dense_out.mean(axis=0)))),
    "losses": float(len(losses)),
    "activity_loss_error": float(abs(float(np.asarray(losses[0]))
                                     - 0.01 * np.sum(dense_out ** 2) / len(batch))),
    "dropped_share": float(np.mean(np.asarray(outputs) == 0.0)),
}
print(RESULT)
