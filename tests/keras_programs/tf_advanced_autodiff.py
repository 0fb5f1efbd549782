"""After the TensorFlow guide "Advanced automatic differentiation": higher-order gradients
(a tape inside a tape), input-gradient regularization of a Dense layer, the Hessian of a
two-layer network as the Jacobian of a gradient and one Newton step with it, batch Jacobians,
and a gradient penalty on a small convolutional critic (as the WGAN-GP example writes it).
The weights come from a NumPy draw, so every number can be compared with TensorFlow's.
"""

import numpy as np

import numnet as tf

rng = np.random.default_rng(0)

# higher-order gradients of x^3
x = tf.Variable(1.0)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        y = x * x * x
    dy_dx = t1.gradient(y, x)
d2y_dx2 = t2.gradient(dy_dx, x)

# input-gradient regularization: the gradient of |d out / d x| with respect to the layer
x = tf.constant(rng.normal(size=(7, 5)).astype("float32"))
layer = tf.keras.layers.Dense(10, activation=tf.nn.relu)
layer.build((None, 5))
layer.set_weights([rng.normal(size=(5, 10)).astype("float32") * 0.5,
                   rng.normal(size=(10,)).astype("float32") * 0.1])
with tf.GradientTape() as t2:
    with tf.GradientTape(watch_accessed_variables=False) as t1:
        t1.watch(x)
        y = layer(x)
        out = tf.reduce_sum(layer(x) ** 2)
    g1 = t1.gradient(out, x)
    g1_mag = tf.norm(g1)
dg1_mag = t2.gradient(g1_mag, layer.trainable_variables)

# the Hessian of a loss with respect to one layer's kernel, and a Newton step
x = tf.constant(rng.normal(size=(7, 5)).astype("float32"))
layer1 = tf.keras.layers.Dense(8, activation=tf.nn.relu)
layer2 = tf.keras.layers.Dense(6, activation=tf.nn.relu)
layer1.build((None, 5))
layer2.build((None, 8))
layer1.set_weights([rng.normal(size=(5, 8)).astype("float32") * 0.5,
                    np.full((8,), 0.1, "float32")])
layer2.set_weights([rng.normal(size=(8, 6)).astype("float32") * 0.5,
                    np.full((6,), 0.1, "float32")])
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        h = layer1(x)
        h = layer2(h)
        loss = tf.reduce_mean(h**2)
    g = t1.gradient(loss, layer1.kernel)
hessian = t2.jacobian(g, layer1.kernel)
n_params = tf.reduce_prod(layer1.kernel.shape)
g_vec = tf.reshape(g, [n_params, 1])
h_mat = tf.reshape(hessian, [n_params, n_params])
eps = 1e-3
eye_eps = tf.eye(h_mat.shape[0]) * eps
update = tf.linalg.solve(h_mat + eye_eps, g_vec)
_ = layer1.kernel.assign_sub(tf.reshape(update, layer1.kernel.shape))
loss_after = tf.reduce_mean(layer2(layer1(x)) ** 2)

# batch Jacobians
x = tf.constant(rng.normal(size=(7, 5)).astype("float32"))
layer1 = tf.keras.layers.Dense(8, activation=tf.nn.elu)
layer2 = tf.keras.layers.Dense(6, activation=tf.nn.elu)
layer1.build((None, 5))
layer2.build((None, 8))
layer1.set_weights([rng.normal(size=(5, 8)).astype("float32") * 0.5, np.zeros(8, "float32")])
layer2.set_weights([rng.normal(size=(8, 6)).astype("float32") * 0.5, np.zeros(6, "float32")])
with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
    tape.watch(x)
    y = layer1(x)
    y = layer2(y)
j = tape.jacobian(y, x)
jb = tape.batch_jacobian(y, x)
j_sum = tf.reduce_sum(j, axis=2)
batch_error = float(tf.reduce_max(abs(j_sum - jb)).numpy())

# a gradient penalty, as the WGAN-GP example computes it, and one critic step with it
critic = tf.keras.Sequential([
    tf.keras.layers.Input((8, 8, 1)),
    tf.keras.layers.Conv2D(4, 3, strides=2, padding="same"),
    tf.keras.layers.LeakyReLU(0.2),
    tf.keras.layers.Conv2D(8, 3, strides=2, padding="same"),
    tf.keras.layers.LeakyReLU(0.2),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(1),
])
critic.set_weights([rng.normal(size=w.shape).astype("float32") * 0.3
                    for w in critic.get_weights()])
real = tf.constant(rng.normal(size=(4, 8, 8, 1)).astype("float32"))
fake = tf.constant(rng.normal(size=(4, 8, 8, 1)).astype("float32"))
alpha = tf.constant(rng.uniform(size=(4, 1, 1, 1)).astype("float32"))
optimizer = tf.keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9)
penalties = []
for _ in range(3):
    with tf.GradientTape() as tape:
        interpolated = real + alpha * (fake - real)
        with tf.GradientTape() as gp_tape:
            gp_tape.watch(interpolated)
            pred = critic(interpolated, training=True)
        grads = gp_tape.gradient(pred, [interpolated])[0]
        norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))
        gp = tf.reduce_mean((norm - 1.0) ** 2)
        d_cost = tf.reduce_mean(critic(fake, training=True)) - tf.reduce_mean(
            critic(real, training=True))
        d_loss = d_cost + 10.0 * gp
    d_gradient = tape.gradient(d_loss, critic.trainable_variables)
    optimizer.apply_gradients(zip(d_gradient, critic.trainable_variables))
    penalties.append(float(gp.numpy()))

RESULT = {
    "dy_dx": float(dy_dx.numpy()),
    "d2y_dx2": float(d2y_dx2.numpy()),
    "dg1_kernel_sum": float(tf.reduce_sum(dg1_mag[0]).numpy()),
    "dg1_bias_sum": float(tf.reduce_sum(dg1_mag[1]).numpy()),
    "hessian_trace": float(tf.linalg.trace(h_mat).numpy()),
    "hessian_sum": float(tf.reduce_sum(hessian).numpy()),
    "loss_before": float(loss.numpy()),
    "loss_after_newton": float(loss_after.numpy()),
    "jacobian_size": float(np.prod(j.shape)),
    "batch_jacobian_size": float(np.prod(jb.shape)),
    "batch_error": batch_error,
    "gp_0": penalties[0],
    "gp_2": penalties[2],
}
print(RESULT)
