"""After the keras.io example "Density estimation using Real NVP": a Normalization layer
adapted to the two moons and called on them; affine coupling networks built as functional
models with two outputs (s through tanh, t linear) of Dense layers with l2 kernel
regularizers, Dense(input_shape) given the int 2; a subclassed RealNVP model holding a list of
them, alternating NumPy masks, a Mean loss tracker listed by a metrics property, a call(x,
training=True) that runs the couplings backwards (data to latent, with the log-determinant)
or forwards (latent to data) with tf.exp and tf.reduce_sum over axis [1], s *= mask on
tensors; a log_loss from the latent log-likelihood, train_step with tf.GradientTape over
self.trainable_variables and test_step; compile with only an optimizer; fit on x alone with
validation_split; model(data) to the latent space and model.predict(samples) back, a tuple.

The example takes the latent distribution from tensorflow_probability
(MultivariateNormalDiag); here its log_prob and sample are written by hand with tf ops, the
samples from a NumPy draw. scikit-learn's make_moons becomes the same curves drawn with NumPy;
the coupling networks are 16 wide, not 256. The weights start from a NumPy draw and the batches
are not shuffled, so the losses are Keras's (TensorFlow) to float32 rounding.
"""

import math

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, regularizers

RESULT = {}
rng = np.random.default_rng(13)


def make_moons(n_samples, noise):
    outer = np.linspace(0, np.pi, n_samples // 2)
    inner = np.linspace(0, np.pi, n_samples - n_samples // 2)
    points = np.concatenate([
        np.stack([np.cos(outer), np.sin(outer)], 1),
        np.stack([1 - np.cos(inner), 1 - np.sin(inner) - 0.5], 1)])
    points = points + rng.normal(0, noise, points.shape)
    return points[rng.permutation(n_samples)], None


data = make_moons(640, noise=0.05)[0].astype("float32")
norm = layers.Normalization()
norm.adapt(data)
normalized_data = norm(data)
RESULT["normalized_mean"] = float(np.max(np.abs(np.mean(np.asarray(normalized_data), 0))))
RESULT["normalized_std"] = float(np.mean(np.std(np.asarray(normalized_data), 0)))

# Creating a custom layer with keras API.
output_dim = 16
reg = 0.01


def Coupling(input_shape):
    input = keras.layers.Input(shape=(input_shape,))

    t_layer_1 = keras.layers.Dense(
        output_dim, activation="relu", kernel_regularizer=regularizers.l2(reg)
    )(input)
    t_layer_2 = keras.layers.Dense(
        output_dim, activation="relu", kernel_regularizer=regularizers.l2(reg)
    )(t_layer_1)
    t_layer_3 = keras.layers.Dense(
        output_dim, activation="relu", kernel_regularizer=regularizers.l2(reg)
    )(t_layer_2)
    t_layer_4 = keras.layers.Dense(
        output_dim, activation="relu", kernel_regularizer=regularizers.l2(reg)
    )(t_layer_3)
    t_layer_5 = keras.layers.Dense(
        input_shape, activation="linear", kernel_regularizer=regularizers.l2(reg)
    )(t_layer_4)

    s_layer_1 = keras.layers.Dense(
        output_dim, activation="relu", kernel_regularizer=regularizers.l2(reg)
    )(input)
    s_layer_2 = keras.layers.Dense(
        output_dim, activation="relu", kernel_regularizer=regularizers.l2(reg)
    )(s_layer_1)
    s_layer_3 = keras.layers.Dense(
        output_dim, activation="relu", kernel_regularizer=regularizers.l2(reg)
    )(s_layer_2)
    s_layer_4 = keras.layers.Dense(
        output_dim, activation="relu", kernel_regularizer=regularizers.l2(reg)
    )(s_layer_3)
    s_layer_5 = keras.layers.Dense(
        input_shape, activation="tanh", kernel_regularizer=regularizers.l2(reg)
    )(s_layer_4)

    return keras.Model(inputs=input, outputs=[s_layer_5, t_layer_5])


SAMPLE_DRAW = np.random.default_rng(29)


class MultivariateNormalDiag:
    """tfp.distributions.MultivariateNormalDiag's log_prob and sample, by hand."""

    def __init__(self, loc, scale_diag):
        self.loc = tf.constant(loc, dtype=tf.float32)
        self.scale_diag = tf.constant(scale_diag, dtype=tf.float32)

    def log_prob(self, value):
        z = (value - self.loc) / self.scale_diag
        return tf.reduce_sum(
            -0.5 * tf.square(z) - tf.math.log(self.scale_diag) - 0.5 * math.log(2 * math.pi),
            axis=-1,
        )

    def sample(self, sample_shape):
        noise = SAMPLE_DRAW.normal(size=(sample_shape, 2)).astype("float32")
        return np.asarray(self.loc) + noise * np.asarray(self.scale_diag)


class RealNVP(keras.Model):
    def __init__(self, num_coupling_layers):
        super().__init__()

        self.num_coupling_layers = num_coupling_layers

        # Distribution of the latent space.
        self.distribution = MultivariateNormalDiag(
            loc=[0.0, 0.0], scale_diag=[1.0, 1.0]
        )
        self.masks = np.array(
            [[0, 1], [1, 0]] * (num_coupling_layers // 2), dtype="float32"
        )
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.layers_list = [Coupling(2) for i in range(num_coupling_layers)]

    @property
    def metrics(self):
        """List of the model's metrics.

        We make sure the loss tracker is listed as part of `model.metrics`
        so that `fit()` and `evaluate()` are able to `reset()` the loss tracker
        at the start of each epoch and at the start of an `evaluate()` call.
        """
        return [self.loss_tracker]

    def call(self, x, training=True):
        log_det_inv = 0
        direction = 1
        if training:
            direction = -1
        for i in range(self.num_coupling_layers)[::direction]:
            x_masked = x * self.masks[i]
            reversed_mask = 1 - self.masks[i]
            s, t = self.layers_list[i](x_masked)
            s *= reversed_mask
            t *= reversed_mask
            gate = (direction - 1) / 2
            x = (
                reversed_mask
                * (x * tf.exp(direction * s) + direction * t * tf.exp(gate * s))
                + x_masked
            )
            log_det_inv += gate * tf.reduce_sum(s, [1])

        return x, log_det_inv

    # Log likelihood of the normal distribution plus the log determinant of the jacobian.

    def log_loss(self, x):
        y, logdet = self(x)
        log_likelihood = self.distribution.log_prob(y) + logdet
        return -tf.reduce_mean(log_likelihood)

    def train_step(self, data):
        with tf.GradientTape() as tape:
            loss = self.log_loss(data)

        g = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(g, self.trainable_variables))
        self.loss_tracker.update_state(loss)

        return {"loss": self.loss_tracker.result()}

    def test_step(self, data):
        loss = self.log_loss(data)
        self.loss_tracker.update_state(loss)

        return {"loss": self.loss_tracker.result()}


model = RealNVP(num_coupling_layers=6)
model(normalized_data[:2])
draw = np.random.default_rng(17)
for variable in model.trainable_variables:
    if len(variable.shape) > 1:
        fan_in = variable.shape[0]
        variable.assign(draw.normal(0.0, np.sqrt(1.0 / fan_in), variable.shape).astype(
            "float32"))
RESULT["trainable_variables"] = float(len(model.trainable_variables))
RESULT["regularization_losses"] = float(len(model.losses))

# The log-likelihood by hand: a standard normal in two dimensions at (1, -2)
RESULT["log_prob"] = float(model.distribution.log_prob(np.array([[1.0, -2.0]], "float32"))[0])

# One coupling inverted by the other direction: latent -> data -> latent gives the start back
probe = normalized_data[:16]
latent, log_det = model(probe)
back, _ = model(latent, training=False)
RESULT["round_trip_gap"] = float(np.max(np.abs(np.asarray(back) - np.asarray(probe))))
RESULT["log_det_rows"] = float(log_det.shape[0])

model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003))

history = model.fit(
    normalized_data, batch_size=64, epochs=8, verbose=0, validation_split=0.2,
    shuffle=False,
)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["val_loss_first"] = float(history.history["val_loss"][0])
RESULT["val_loss_last"] = float(history.history["val_loss"][-1])

# From data to latent space.
z, _ = model(normalized_data)
RESULT["latent_std"] = float(np.mean(np.std(np.asarray(z), 0)))

# From latent space to data.
samples = model.distribution.sample(3000)
x, log_det_generated = model.predict(samples, verbose=0)
RESULT["generated_rows"] = float(x.shape[0])
RESULT["generated_log_det"] = float(np.max(np.abs(log_det_generated)))
RESULT["generated_mean_x"] = float(np.mean(x[:, 0]))
RESULT["generated_mean_y"] = float(np.mean(x[:, 1]))
print(RESULT)
