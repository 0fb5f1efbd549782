"""After the TensorFlow tutorial "Introduction to gradients and automatic differentiation":
tf.Variable and tf.constant, GradientTape on a scalar, on a list and a dict of variables, a
persistent tape used twice, tape.watch on a constant, stop_recording, a non-trainable variable
and an unconnected variable whose gradients are None, a gradient through control flow, and
tape.jacobian of a layer's output.
"""

import numpy as np

import numnet as tf

x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x**2
dy_dx = tape.gradient(y, x)

w = tf.Variable(tf.random.normal((3, 2)), name="w")
b = tf.Variable(tf.zeros(2, dtype=tf.float32), name="b")
x_in = [[1.0, 2.0, 3.0]]
with tf.GradientTape(persistent=True) as tape:
    y = x_in @ w + b
    loss = tf.reduce_mean(y**2)
[dl_dw, dl_db] = tape.gradient(loss, [w, b])
my_vars = {"w": w, "b": b}
grad = tape.gradient(loss, my_vars)
del tape
w_expected = 2.0 * np.asarray(x_in).T @ (np.asarray(x_in) @ w.numpy() + b.numpy()) / 2.0

layer = tf.keras.layers.Dense(2, activation="relu")
x_layer = tf.constant([[1.0, 2.0, 3.0]])
with tf.GradientTape() as tape:
    y = layer(x_layer)
    loss = tf.reduce_mean(y**2)
grads = tape.gradient(loss, layer.trainable_variables)
grad_shapes = [tuple(g.shape) for g in grads]

x0 = tf.Variable(3.0, name="x0")
x1 = tf.Variable(3.0, name="x1", trainable=False)
x2 = tf.Variable(2.0, name="x2") + 1.0
x3 = tf.constant(3.0, name="x3")
with tf.GradientTape() as tape:
    y = (x0**2) + (x1**2) + (x2**2)
grad = tape.gradient(y, [x0, x1, x2, x3])
none_count = sum(g is None for g in grad)

x = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
watched = tape.gradient(y, x)

x = tf.constant(3.0)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    y = x * x
    z = y * y
dz_dx = tape.gradient(z, x)
dy_dx_persistent = tape.gradient(y, x)
del tape

x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as t:
    x_sq = x * x
    with t.stop_recording():
        y_sq = y * y
    z = x_sq + y_sq
grad = t.gradient(z, {"x": x, "y": y})
stopped_y = grad["y"] is None

x = tf.constant(1.0)
v0 = tf.Variable(2.0)
v1 = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    if x > 0.0:
        result = v0
    else:
        result = v1**2
dv0, dv1 = tape.gradient(result, [v0, v1])

v = tf.Variable(2.0)
for _ in range(2):
    with tf.GradientTape() as tape:
        y = v * v + 1
    v.assign_sub(0.1 * tape.gradient(y, v))

x = tf.linspace(-10.0, 10.0, 200 + 1)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.nn.sigmoid(x)
dy_dx_sigmoid = tape.gradient(y, x)
sigmoid_slope_error = float(np.max(np.abs(
    dy_dx_sigmoid.numpy() - y.numpy() * (1.0 - y.numpy()))))

x = tf.random.normal([7, 5])
layer = tf.keras.layers.Dense(10, activation=tf.nn.relu)
with tf.GradientTape(persistent=True) as tape:
    y = layer(x)
j = tape.jacobian(y, layer.kernel)
j_sum = tape.gradient(y, layer.kernel)
jacobian_error = float(np.max(np.abs(tf.reduce_sum(j, axis=[0, 1]).numpy() - j_sum.numpy())))

RESULT = {
    "dy_dx": float(dy_dx.numpy()),
    "w_grad_error": float(np.max(np.abs(dl_dw.numpy() - w_expected))),
    "dict_grad_error": float(np.max(np.abs(grad["x"].numpy() - 4.0))),
    "layer_grads": float(len(grads)),
    "kernel_grad_rows": float(grad_shapes[0][0]),
    "none_count": float(none_count),
    "watched": float(watched.numpy()),
    "dz_dx": float(dz_dx.numpy()),
    "dy_dx_persistent": float(dy_dx_persistent.numpy()),
    "stopped_y": float(stopped_y),
    "dv0": float(dv0.numpy()),
    "dv1_is_none": float(dv1 is None),
    "v_after_steps": float(v.numpy()),
    "jacobian_size": float(np.prod(j.shape)),
    "sigmoid_slope_error": sigmoid_slope_error,
    "jacobian_error": jacobian_error,
}
print(RESULT)
