"""A GAN trained by fit(), after the guide "Customizing what happens in fit()": the model's
compile() is overridden to take two optimizers and a loss function, and train_step runs the
discriminator's update and then the generator's, each through its own optimizer. Loss trackers
are keras.metrics.Mean objects listed by the metrics property, so fit() resets them each epoch.

The data are 2-D points on a ring; the generator maps 4-D noise to points. The weights start
from a fixed NumPy draw and the noise comes from keras.random with a seed generator, so the
number to compare with Keras is the shape of training (losses finite, discriminator not
perfect) rather than a trajectory.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

keras.utils.set_random_seed(3)
rng = np.random.default_rng(3)
angles = rng.uniform(0, 2 * np.pi, size=512)
real_points = np.stack([np.cos(angles), np.sin(angles)], axis=1).astype("float32")
latent_dim = 4

discriminator = keras.Sequential(
    [keras.Input(shape=(2,)), layers.Dense(32, activation="relu"), layers.Dense(1)],
    name="discriminator",
)
generator = keras.Sequential(
    [keras.Input(shape=(latent_dim,)), layers.Dense(32, activation="relu"), layers.Dense(2)],
    name="generator",
)


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)
        self.d_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.g_loss_tracker = keras.metrics.Mean(name="g_loss")

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    @property
    def metrics(self):
        return [self.d_loss_tracker, self.g_loss_tracker]

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        generated_images = self.generator(random_latent_vectors)
        combined_images = ops.concatenate([generated_images, real_images], axis=0)
        labels = ops.concatenate(
            [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0)
        labels += 0.05 * keras.random.uniform(ops.shape(labels), seed=self.seed_generator)
        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator)
        misleading_labels = ops.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(random_latent_vectors))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_tracker.update_state(d_loss)
        self.g_loss_tracker.update_state(g_loss)
        return {"d_loss": self.d_loss_tracker.result(), "g_loss": self.g_loss_tracker.result()}


for model in (discriminator, generator):
    model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
generator_before = [w.copy() for w in generator.get_weights()]
discriminator_before = [w.copy() for w in discriminator.get_weights()]

gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
gan.compile(
    d_optimizer=keras.optimizers.Adam(learning_rate=0.003),
    g_optimizer=keras.optimizers.Adam(learning_rate=0.003),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)
history = gan.fit(real_points, batch_size=64, epochs=4, verbose=0)
assert sorted(history.history) == ["d_loss", "g_loss"], sorted(history.history)

fake = ops.convert_to_numpy(generator(keras.random.normal((256, latent_dim), seed=5)))
radius_error_before = float(np.mean(np.abs(np.linalg.norm(
    np.maximum(rng.normal(size=(256, latent_dim)) @ generator_before[0] + generator_before[1], 0)
    @ generator_before[2] + generator_before[3], axis=1) - 1.0)))
radius_error = float(np.mean(np.abs(np.linalg.norm(fake, axis=1) - 1.0)))

RESULT = {
    "d_loss": float(history.history["d_loss"][-1]),
    "g_loss": float(history.history["g_loss"][-1]),
    "d_optimizer_iterations": float(ops.convert_to_numpy(gan.d_optimizer.iterations)),
    "g_optimizer_iterations": float(ops.convert_to_numpy(gan.g_optimizer.iterations)),
    "generator_change": float(max(np.abs(a - b).max() for a, b in
                                  zip(generator.get_weights(), generator_before))),
    "discriminator_change": float(max(np.abs(a - b).max() for a, b in
                                      zip(discriminator.get_weights(), discriminator_before))),
    "radius_error": radius_error,
    "radius_error_before": radius_error_before,
}
print(RESULT)
