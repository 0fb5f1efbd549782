"""The TensorFlow tutorial "Convolutional Variational Autoencoder": binarized images in a
shuffled and batched tf.data pipeline, a CVAE subclass of tf.keras.Model holding an encoder
and a decoder Sequential (InputLayer(input_shape=...), Conv2D, Flatten, Dense, Reshape,
Conv2DTranspose), a @tf.function sample method with a default eps, encode with tf.split,
reparameterize with tf.random.normal, log_normal_pdf, the loss from
tf.nn.sigmoid_cross_entropy_with_logits, a @tf.function train_step taking the model and the
optimizer, and the ELBO of each epoch from a keras.metrics.Mean called on the test losses.

The images are 16x16 bars (the tutorial's MNIST digits at 28x28) and the networks narrower;
the weights come from a NumPy draw, but the noise of reparameterize is TensorFlow's own draw,
so the comparison with TensorFlow is on the ELBO's level.
"""

import numpy as np

import numnet as tf

rng = np.random.default_rng(9)
size = 16


def bars(count):
    images = np.zeros((count, size, size), "float32")
    for i in range(count):
        width = rng.integers(2, 5)
        start = rng.integers(0, size - width)
        if i % 2:
            images[i, :, start:start + width] = 1.0
        else:
            images[i, start:start + width, :] = 1.0
    return images * 255.0


train_images, test_images = bars(256), bars(64)


def preprocess_images(images):
    images = images.reshape((images.shape[0], size, size, 1)) / 255.
    return np.where(images > .5, 1.0, 0.0).astype("float32")


train_images = preprocess_images(train_images)
test_images = preprocess_images(test_images)
train_size = 256
batch_size = 32
test_size = 64
train_dataset = (tf.data.Dataset.from_tensor_slices(train_images)
                 .shuffle(train_size).batch(batch_size))
test_dataset = (tf.data.Dataset.from_tensor_slices(test_images)
                .shuffle(test_size).batch(batch_size))


class CVAE(tf.keras.Model):
    """Convolutional variational autoencoder."""

    def __init__(self, latent_dim):
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = tf.keras.Sequential(
            [
                tf.keras.layers.InputLayer(input_shape=(size, size, 1)),
                tf.keras.layers.Conv2D(
                    filters=8, kernel_size=3, strides=(2, 2), activation="relu"),
                tf.keras.layers.Conv2D(
                    filters=16, kernel_size=3, strides=(2, 2), activation="relu"),
                tf.keras.layers.Flatten(),
                tf.keras.layers.Dense(latent_dim + latent_dim),
            ]
        )

        self.decoder = tf.keras.Sequential(
            [
                tf.keras.layers.InputLayer(input_shape=(latent_dim,)),
                tf.keras.layers.Dense(units=4 * 4 * 8, activation=tf.nn.relu),
                tf.keras.layers.Reshape(target_shape=(4, 4, 8)),
                tf.keras.layers.Conv2DTranspose(
                    filters=16, kernel_size=3, strides=2, padding="same",
                    activation="relu"),
                tf.keras.layers.Conv2DTranspose(
                    filters=8, kernel_size=3, strides=2, padding="same",
                    activation="relu"),
                tf.keras.layers.Conv2DTranspose(
                    filters=1, kernel_size=3, strides=1, padding="same"),
            ]
        )

    @tf.function
    def sample(self, eps=None):
        if eps is None:
            eps = tf.random.normal(shape=(100, self.latent_dim))
        return self.decode(eps, apply_sigmoid=True)

    def encode(self, x):
        mean, logvar = tf.split(self.encoder(x), num_or_size_splits=2, axis=1)
        return mean, logvar

    def reparameterize(self, mean, logvar):
        eps = tf.random.normal(shape=mean.shape)
        return eps * tf.exp(logvar * .5) + mean

    def decode(self, z, apply_sigmoid=False):
        logits = self.decoder(z)
        if apply_sigmoid:
            probs = tf.sigmoid(logits)
            return probs
        return logits


optimizer = tf.keras.optimizers.Adam(3e-3)


def log_normal_pdf(sample, mean, logvar, raxis=1):
    log2pi = tf.math.log(2. * np.pi)
    return tf.reduce_sum(
        -.5 * ((sample - mean) ** 2. * tf.exp(-logvar) + logvar + log2pi),
        axis=raxis)


def compute_loss(model, x):
    mean, logvar = model.encode(x)
    z = model.reparameterize(mean, logvar)
    x_logit = model.decode(z)
    cross_ent = tf.nn.sigmoid_cross_entropy_with_logits(logits=x_logit, labels=x)
    logpx_z = -tf.reduce_sum(cross_ent, axis=[1, 2, 3])
    logpz = log_normal_pdf(z, 0., 0.)
    logqz_x = log_normal_pdf(z, mean, logvar)
    return -tf.reduce_mean(logpx_z + logpz - logqz_x)


@tf.function
def train_step(model, x, optimizer):
    """One step of Adam on the negative ELBO of the batch x."""
    with tf.GradientTape() as tape:
        loss = compute_loss(model, x)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))


epochs = 6
latent_dim = 2
num_examples_to_generate = 16

random_vector_for_generation = tf.random.normal(
    shape=[num_examples_to_generate, latent_dim])
model = CVAE(latent_dim)
weights_rng = np.random.default_rng(1)
model.set_weights([weights_rng.normal(size=w.shape).astype("float32")
                   * np.sqrt(1.0 / np.prod(w.shape[:-1])) if w.ndim > 1
                   else np.zeros(w.shape, "float32") for w in model.get_weights()])

RESULT = {"encoder_params": float(model.encoder.count_params()),
          "decoder_params": float(model.decoder.count_params()),
          "trainable_variables": float(len(model.trainable_variables))}

sample_shapes = []


def generate_and_save_images(model, epoch, test_sample):
    mean, logvar = model.encode(test_sample)
    z = model.reparameterize(mean, logvar)
    predictions = model.sample(z)
    sample_shapes.append(tuple(predictions.shape))
    return predictions


assert batch_size >= num_examples_to_generate
for test_batch in test_dataset.take(1):
    test_sample = test_batch[0:num_examples_to_generate, :, :, :]

generate_and_save_images(model, 0, test_sample)
for epoch in range(1, epochs + 1):
    for train_x in train_dataset:
        train_step(model, train_x, optimizer)
    loss = tf.keras.metrics.Mean()
    for test_x in test_dataset:
        loss(compute_loss(model, test_x))
    elbo = -loss.result()
    RESULT[f"elbo_{epoch}"] = float(elbo)
    print(f"Epoch: {epoch}, Test set ELBO: {float(elbo)}")
    predictions = generate_and_save_images(model, epoch, test_sample)

RESULT["optimizer_iterations"] = float(optimizer.iterations.numpy())
RESULT["sample_rows"] = float(sample_shapes[-1][0])
RESULT["sample_size"] = float(sample_shapes[-1][1])
RESULT["prediction_min"] = float(tf.reduce_min(predictions))
RESULT["prediction_max"] = float(tf.reduce_max(predictions))
default_samples = model.sample()
RESULT["default_sample_rows"] = float(default_samples.shape[0])
RESULT["generated_mean"] = float(tf.reduce_mean(model.sample(random_vector_for_generation)))
# log N(0 | 0, 1) per axis is -log(2 pi) / 2
RESULT["log_pdf_at_zero"] = float(log_normal_pdf(tf.zeros((1, 2)), 0., 0.)[0])
mean, logvar = model.encode(test_images)
reconstructed = model.decode(mean, apply_sigmoid=True).numpy() > 0.5
RESULT["reconstruction_accuracy"] = float(np.mean(reconstructed == (test_images > 0.5)))
print(RESULT)
