"""After the keras.io example "Conditional GAN": one-hot labels concatenated to the generator's
noise and, spread over the image by tf.repeat (no axis: the flattened labels, each repeated
image_size**2 times) and tf.reshape, to the discriminator's image channels; a discriminator
of strided Conv2D + LeakyReLU(alpha=0.2) + GlobalMaxPooling2D + Dense, a generator of Dense +
Reshape + Conv2DTranspose + a sigmoid Conv2D, both Sequential with an InputLayer; a Model
subclass with its own compile(d_optimizer, g_optimizer, loss_fn), two Mean trackers as its
metrics and a train_step with two tapes, fit on a tf.data.Dataset; then the interpolation
between two classes (tf.linspace, to_categorical, predict) and tf.image.resize.

MNIST is replaced by 8x8 images of four classes (a bright row, column, diagonal or corner).
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

tf.random.set_seed(9)
rng = np.random.default_rng(9)
RESULT = {}

batch_size = 32
num_channels = 1
num_classes = 4
image_size = 8
latent_dim = 12


def draw(label):
    image = np.zeros((image_size, image_size), "float32")
    k = rng.integers(1, image_size - 1)
    if label == 0:
        image[k, :] = 1.0
    elif label == 1:
        image[:, k] = 1.0
    elif label == 2:
        image[np.arange(image_size), np.arange(image_size)] = 1.0
    else:
        image[:3, :3] = 1.0
    return image


all_labels = rng.integers(0, num_classes, 512)
all_digits = np.stack([draw(label) for label in all_labels])
all_digits = np.reshape(all_digits, (-1, image_size, image_size, 1))
all_labels = keras.utils.to_categorical(all_labels, num_classes)
RESULT["one_hot_sum"] = float(all_labels.sum())

dataset = tf.data.Dataset.from_tensor_slices((all_digits, all_labels))
dataset = dataset.shuffle(buffer_size=1024).batch(batch_size)

generator_in_channels = latent_dim + num_classes
discriminator_in_channels = num_channels + num_classes

discriminator = keras.Sequential(
    [
        keras.layers.InputLayer((image_size, image_size, discriminator_in_channels)),
        layers.Conv2D(16, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(alpha=0.2),
        layers.Conv2D(32, (3, 3), strides=(2, 2), padding="same"),
        layers.LeakyReLU(alpha=0.2),
        layers.GlobalMaxPooling2D(),
        layers.Dense(1),
    ],
    name="discriminator",
)

generator = keras.Sequential(
    [
        keras.layers.InputLayer((generator_in_channels,)),
        layers.Dense(2 * 2 * generator_in_channels),
        layers.LeakyReLU(alpha=0.2),
        layers.Reshape((2, 2, generator_in_channels)),
        layers.Conv2DTranspose(16, (4, 4), strides=(2, 2), padding="same"),
        layers.LeakyReLU(alpha=0.2),
        layers.Conv2DTranspose(16, (4, 4), strides=(2, 2), padding="same"),
        layers.LeakyReLU(alpha=0.2),
        layers.Conv2D(1, (7, 7), padding="same", activation="sigmoid"),
    ],
    name="generator",
)
RESULT["generator_params"] = float(generator.count_params())
RESULT["discriminator_params"] = float(discriminator.count_params())
RESULT["generator_output_size"] = float(generator.output_shape[1])


class ConditionalGAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.gen_loss_tracker = keras.metrics.Mean(name="generator_loss")
        self.disc_loss_tracker = keras.metrics.Mean(name="discriminator_loss")

    @property
    def metrics(self):
        return [self.gen_loss_tracker, self.disc_loss_tracker]

    def compile(self, d_optimizer, g_optimizer, loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.loss_fn = loss_fn

    def train_step(self, data):
        real_images, one_hot_labels = data

        image_one_hot_labels = one_hot_labels[:, :, None, None]
        image_one_hot_labels = tf.repeat(
            image_one_hot_labels, repeats=[image_size * image_size]
        )
        image_one_hot_labels = tf.reshape(
            image_one_hot_labels, (-1, image_size, image_size, num_classes)
        )

        batch_size = tf.shape(real_images)[0]
        random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))
        random_vector_labels = tf.concat(
            [random_latent_vectors, one_hot_labels], axis=1
        )

        generated_images = self.generator(random_vector_labels)

        fake_image_and_labels = tf.concat([generated_images, image_one_hot_labels], -1)
        real_image_and_labels = tf.concat([real_images, image_one_hot_labels], -1)
        combined_images = tf.concat(
            [fake_image_and_labels, real_image_and_labels], axis=0
        )

        labels = tf.concat(
            [tf.ones((batch_size, 1)), tf.zeros((batch_size, 1))], axis=0
        )

        with tf.GradientTape() as tape:
            predictions = self.discriminator(combined_images)
            d_loss = self.loss_fn(labels, predictions)
        grads = tape.gradient(d_loss, self.discriminator.trainable_weights)
        self.d_optimizer.apply_gradients(
            zip(grads, self.discriminator.trainable_weights)
        )

        random_latent_vectors = tf.random.normal(shape=(batch_size, self.latent_dim))
        random_vector_labels = tf.concat(
            [random_latent_vectors, one_hot_labels], axis=1
        )

        misleading_labels = tf.zeros((batch_size, 1))

        with tf.GradientTape() as tape:
            fake_images = self.generator(random_vector_labels)
            fake_image_and_labels = tf.concat([fake_images, image_one_hot_labels], -1)
            predictions = self.discriminator(fake_image_and_labels)
            g_loss = self.loss_fn(misleading_labels, predictions)
        grads = tape.gradient(g_loss, self.generator.trainable_weights)
        self.g_optimizer.apply_gradients(zip(grads, self.generator.trainable_weights))

        self.gen_loss_tracker.update_state(g_loss)
        self.disc_loss_tracker.update_state(d_loss)
        return {
            "g_loss": self.gen_loss_tracker.result(),
            "d_loss": self.disc_loss_tracker.result(),
        }


labels = keras.utils.to_categorical([1, 3], num_classes)
spread = tf.reshape(tf.repeat(labels[:, :, None, None], repeats=[image_size * image_size]),
                    (-1, image_size, image_size, num_classes))
RESULT["spread_shape_sum"] = float(sum(spread.shape))  # 2 + 8 + 8 + 4
RESULT["spread_first_pixel"] = float(np.argmax(spread.numpy()[0, 0, 0]))
RESULT["spread_total"] = float(tf.reduce_sum(spread))  # each label's 1 repeated 64 times

cond_gan = ConditionalGAN(
    discriminator=discriminator, generator=generator, latent_dim=latent_dim
)
cond_gan.compile(
    d_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    g_optimizer=keras.optimizers.Adam(learning_rate=0.0003),
    loss_fn=keras.losses.BinaryCrossentropy(from_logits=True),
)

history = cond_gan.fit(dataset, epochs=3, verbose=0)
RESULT["history_keys"] = float(len(history.history))
RESULT["d_loss"] = history.history["d_loss"][-1]
RESULT["g_loss"] = history.history["g_loss"][-1]
RESULT["d_iterations"] = float(cond_gan.d_optimizer.iterations.numpy())  # 3 epochs of 16
RESULT["g_iterations"] = float(cond_gan.g_optimizer.iterations.numpy())

trained_gen = cond_gan.generator

num_interpolation = 9
interpolation_noise = tf.random.normal(shape=(1, latent_dim))
interpolation_noise = tf.repeat(interpolation_noise, repeats=num_interpolation)
interpolation_noise = tf.reshape(interpolation_noise, (num_interpolation, latent_dim))
RESULT["noise_rows_equal"] = float(np.ptp(interpolation_noise.numpy(), axis=0).max() == 0)


def interpolate_class(first_number, second_number):
    first_label = keras.utils.to_categorical([first_number], num_classes)
    second_label = keras.utils.to_categorical([second_number], num_classes)
    first_label = tf.cast(first_label, tf.float32)
    second_label = tf.cast(second_label, tf.float32)

    percent_second_label = tf.linspace(0, 1, num_interpolation)[:, None]
    percent_second_label = tf.cast(percent_second_label, tf.float32)
    interpolation_labels = (
        first_label * (1 - percent_second_label) + second_label * percent_second_label
    )
    RESULT["label_weight_4"] = float(interpolation_labels[4, second_number])  # 0.5

    noise_and_labels = tf.concat([interpolation_noise, interpolation_labels], 1)
    fake = trained_gen.predict(noise_and_labels, verbose=0)
    return fake


fake_images = interpolate_class(1, 3)
RESULT["fake_images"] = float(fake_images.shape[0])
RESULT["fake_min"] = float(fake_images.min())
RESULT["fake_max"] = float(fake_images.max())
fake_images *= 255.0
converted_images = fake_images.astype(np.uint8)
converted_images = tf.image.resize(converted_images, (24, 24)).numpy().astype(np.uint8)
RESULT["resized_size"] = float(converted_images.shape[1])
print(RESULT)
