"""After the keras.io example "DCGAN to generate face images" (and "Conditional GAN"): a
discriminator of Conv2D + LeakyReLU(negative_slope=0.2) + Flatten + Dropout + sigmoid Dense, a
generator of Dense + Reshape + Conv2DTranspose + LeakyReLU, a GAN Model subclass whose compile
takes two optimizers and a loss function, a train_step that draws latent vectors with
keras.random.normal and a SeedGenerator, trains the discriminator on real and generated images
with noisy labels and then the generator through the frozen discriminator, and Mean loss
trackers reported as metrics; a callback draws images at each epoch's end.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

import_rng = np.random.default_rng(13)
size = 8
n = 256
rows = import_rng.integers(1, size - 1, n)
images = np.zeros((n, size, size, 1), "float32")
images[np.arange(n), rows, :, 0] = 1.0
images = images * 2.0 - 1.0  # the generator's tanh range

discriminator = keras.Sequential(
    [
        keras.Input(shape=(size, size, 1)),
        layers.Conv2D(8, kernel_size=3, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(16, kernel_size=3, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Flatten(),
        layers.Dropout(0.2),
        layers.Dense(1, activation="sigmoid"),
    ],
    name="discriminator",
)

latent_dim = 8

generator = keras.Sequential(
    [
        keras.Input(shape=(latent_dim,)),
        layers.Dense(2 * 2 * 16),
        layers.Reshape((2, 2, 16)),
        layers.Conv2DTranspose(16, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2DTranspose(8, kernel_size=4, strides=2, padding="same"),
        layers.LeakyReLU(negative_slope=0.2),
        layers.Conv2D(1, kernel_size=3, padding="same", activation="tanh"),
    ],
    name="generator",
)


class GAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn
        self.d_loss_metric = keras.metrics.Mean(name="d_loss")
        self.g_loss_metric = keras.metrics.Mean(name="g_loss")

    @property
    def metrics(self):
        return [self.d_loss_metric, self.g_loss_metric]

    def train_step(self, real_images):
        batch_size = ops.shape(real_images)[0]
        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        generated_images = self.generator(random_latent_vectors)
        combined_images = ops.concatenate([generated_images, real_images], axis=0)
        labels = ops.concatenate(
            [ops.ones((batch_size, 1)), ops.zeros((batch_size, 1))], axis=0
        )
        labels += 0.05 * keras.random.uniform(ops.shape(labels), seed=self.seed_generator)

        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(zip(grads, self.discriminator.trainable_weights))

        random_latent_vectors = keras.random.normal(
            shape=(batch_size, self.latent_dim), seed=self.seed_generator
        )
        misleading_labels = ops.zeros((batch_size, 1))
        with tf.GradientTape() as tape:
            predictions = self.discriminator(self.generator(random_latent_vectors))
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.d_loss_metric.update_state(d_loss)
        self.g_loss_metric.update_state(g_loss)
        return {
            "d_loss": self.d_loss_metric.result(),
            "g_loss": self.g_loss_metric.result(),
        }


class GANMonitor(keras.callbacks.Callback):
    def __init__(self, num_img=3, latent_dim=8):
        self.num_img = num_img
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(42)
        self.generated = []

    def on_epoch_end(self, epoch, logs=None):
        random_latent_vectors = keras.random.normal(
            shape=(self.num_img, self.latent_dim), seed=self.seed_generator
        )
        generated_images = self.model.generator(random_latent_vectors)
        generated_images = (generated_images + 1.0) * 127.5
        self.generated.append(ops.convert_to_numpy(generated_images))


gan = GAN(discriminator=discriminator, generator=generator, latent_dim=latent_dim)
draw = np.random.default_rng(4)
for net in (discriminator, generator):
    net.set_weights([draw.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1 else w
                     for w in net.get_weights()])
gan.compile(
    d_optimizer=keras.optimizers.Adam(learning_rate=0.002, beta_1=0.5),
    g_optimizer=keras.optimizers.Adam(learning_rate=0.002, beta_1=0.5),
    loss_fn=keras.losses.BinaryCrossentropy(),
)
monitor = GANMonitor(num_img=3, latent_dim=latent_dim)
history = gan.fit(images, epochs=4, batch_size=32, callbacks=[monitor], verbose=0)

samples = generator.predict(keras.random.normal((64, latent_dim), seed=7), verbose=0)
row_means = samples[..., 0].mean(axis=2)
RESULT = {
    "d_loss": float(history.history["d_loss"][-1]),
    "g_loss": float(history.history["g_loss"][-1]),
    "history_keys": float(len(history.history)),
    "monitor_images": float(len(monitor.generated)),
    "monitor_range": float(np.ptp(monitor.generated[-1])),
    "sample_min": float(samples.min()),
    "sample_max": float(samples.max()),
    "row_contrast": float(np.mean(row_means.max(axis=1) - row_means.min(axis=1))),
    "generator_params": float(generator.count_params()),
    "discriminator_params": float(discriminator.count_params()),
}
print(RESULT)
