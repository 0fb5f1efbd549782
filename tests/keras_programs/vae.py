"""A variational autoencoder: an encoder that ends in a Sampling layer returning z, a decoder,
and a VAE model whose train_step adds the reconstruction and KL losses and reports them through
its own loss trackers. fit() gets x alone.

The data are 8x8 "images" drawn from a 2-dimensional latent space, so a 2-dimensional VAE can
reconstruct them far better than the mean image does.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops


class Sampling(layers.Layer):
    """z = z_mean + exp(z_log_var / 2) * epsilon, epsilon ~ N(0, 1)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = ops.shape(z_mean)[0]
        dim = ops.shape(z_mean)[1]
        epsilon = keras.random.normal(shape=(batch, dim), seed=self.seed_generator)
        return z_mean + ops.exp(0.5 * z_log_var) * epsilon


latent_dim = 2

encoder_inputs = keras.Input(shape=(8, 8, 1))
x = layers.Flatten()(encoder_inputs)
x = layers.Dense(32, activation="relu")(x)
z_mean = layers.Dense(latent_dim, name="z_mean")(x)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
z = Sampling()([z_mean, z_log_var])
encoder = keras.Model(encoder_inputs, [z_mean, z_log_var, z], name="encoder")

latent_inputs = keras.Input(shape=(latent_dim,))
x = layers.Dense(32, activation="relu")(latent_inputs)
x = layers.Dense(64, activation="sigmoid")(x)
decoder_outputs = layers.Reshape((8, 8, 1))(x)
decoder = keras.Model(latent_inputs, decoder_outputs, name="decoder")


class VAE(keras.Model):
    def __init__(self, encoder, decoder, **kwargs):
        super().__init__(**kwargs)
        self.encoder = encoder
        self.decoder = decoder
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.kl_loss_tracker = keras.metrics.Mean(name="kl_loss")

    @property
    def metrics(self):
        return [self.total_loss_tracker, self.reconstruction_loss_tracker, self.kl_loss_tracker]

    def train_step(self, data):
        with tf.GradientTape() as tape:
            z_mean, z_log_var, z = self.encoder(data)
            reconstruction = self.decoder(z)
            reconstruction_loss = ops.mean(
                ops.sum(keras.losses.binary_crossentropy(data, reconstruction), axis=(1, 2))
            )
            kl_loss = -0.5 * (1 + z_log_var - ops.square(z_mean) - ops.exp(z_log_var))
            kl_loss = ops.mean(ops.sum(kl_loss, axis=1))
            total_loss = reconstruction_loss + kl_loss
        grads = tape.gradient(total_loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(grads, self.trainable_weights))
        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.kl_loss_tracker.update_state(kl_loss)
        return {
            "loss": self.total_loss_tracker.result(),
            "reconstruction_loss": self.reconstruction_loss_tracker.result(),
            "kl_loss": self.kl_loss_tracker.result(),
        }


keras.utils.set_random_seed(10)
rng = np.random.default_rng(10)
codes = rng.normal(size=(2000, 2))
grid = np.linspace(-1.0, 1.0, 8)
rows = np.exp(-np.square(grid[None, :] - np.tanh(codes[:, :1])) * 4.0)
cols = np.exp(-np.square(grid[None, :] - np.tanh(codes[:, 1:])) * 4.0)
images = (rows[:, :, None] * cols[:, None, :])[..., None].astype("float32")

vae = VAE(encoder, decoder)
vae.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3))
history = vae.fit(images, epochs=8, batch_size=64, verbose=0)

def bce_sum(target, predicted):
    predicted = np.clip(predicted, 1e-7, 1 - 1e-7)
    terms = target * np.log(predicted) + (1 - target) * np.log(1 - predicted)
    return float(-np.mean(np.sum(terms, axis=(1, 2, 3))))


z_mean_values, _, _ = encoder.predict(images, verbose=0)
reconstructed = decoder.predict(z_mean_values, verbose=0)
mean_image = np.broadcast_to(images.mean(axis=0), images.shape)

RESULT = {
    "reconstruction_loss": bce_sum(images, reconstructed),
    "mean_image_loss": bce_sum(images, mean_image),
    "kl_loss": float(history.history["kl_loss"][-1]),
    "loss_ratio": history.history["loss"][-1] / history.history["loss"][0],
}
print(RESULT)
