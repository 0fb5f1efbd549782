"""The Keras example "Vector-Quantized Variational Autoencoders" (generative/vq_vae.py), on
small synthetic images.

As the example: a VectorQuantizer layer holds a codebook variable made from
tf.random_uniform_initializer (a keras.Variable here: Keras 3 does not track a tf.Variable set on
a layer), flattens its input to rows of embedding_dim with tf.reshape, picks each row's nearest
code (tf.matmul, tf.reduce_sum, tf.argmin), turns the indices into one-hot rows multiplied by the
transposed codebook (tf.matmul(..., transpose_b=True)), adds the commitment and codebook losses
with add_loss (tf.stop_gradient on either side) and returns the straight-through estimate
x + tf.stop_gradient(quantized - x). A convolutional encoder and a transposed-convolution
decoder (functional models) sit around it, and a VQVAETrainer model overrides train_step with
tf.GradientTape over the inner model's losses, three keras.metrics.Mean trackers and the metrics
property. The weights start from a NumPy draw and the batches are unshuffled, so the losses per
epoch are Keras's to float32 rounding; then the codes of some images through get_layer.
"""

import numpy as np
from numnet.keras import layers

import numnet as keras
import numnet as tf


class VectorQuantizer(layers.Layer):
    def __init__(self, num_embeddings, embedding_dim, beta=0.25, **kwargs):
        super().__init__(**kwargs)
        self.embedding_dim = embedding_dim
        self.num_embeddings = num_embeddings
        self.beta = beta

        w_init = tf.random_uniform_initializer()
        self.embeddings = keras.Variable(
            initializer=w_init(shape=(self.embedding_dim, self.num_embeddings), dtype="float32"),
            trainable=True,
            name="embeddings_vqvae",
        )

    def call(self, x):
        input_shape = tf.shape(x)
        flattened = tf.reshape(x, [-1, self.embedding_dim])

        encoding_indices = self.get_code_indices(flattened)
        encodings = tf.one_hot(encoding_indices, self.num_embeddings)
        quantized = tf.matmul(encodings, self.embeddings, transpose_b=True)
        quantized = tf.reshape(quantized, input_shape)

        commitment_loss = self.beta * tf.reduce_mean((tf.stop_gradient(quantized) - x) ** 2)
        codebook_loss = tf.reduce_mean((quantized - tf.stop_gradient(x)) ** 2)
        self.add_loss(commitment_loss + codebook_loss)

        quantized = x + tf.stop_gradient(quantized - x)
        return quantized

    def get_code_indices(self, flattened_inputs):
        similarity = tf.matmul(flattened_inputs, self.embeddings)
        distances = (
            tf.reduce_sum(flattened_inputs**2, axis=1, keepdims=True)
            + tf.reduce_sum(self.embeddings**2, axis=0)
            - 2 * similarity
        )
        encoding_indices = tf.argmin(distances, axis=1)
        return encoding_indices


def get_encoder(latent_dim=16):
    encoder_inputs = keras.Input(shape=(12, 12, 1))
    x = layers.Conv2D(8, 3, activation="relu", strides=2, padding="same")(encoder_inputs)
    x = layers.Conv2D(16, 3, activation="relu", strides=2, padding="same")(x)
    encoder_outputs = layers.Conv2D(latent_dim, 1, padding="same")(x)
    return keras.Model(encoder_inputs, encoder_outputs, name="encoder")


def get_decoder(latent_dim=16):
    latent_inputs = keras.Input(shape=get_encoder(latent_dim).output.shape[1:])
    x = layers.Conv2DTranspose(16, 3, activation="relu", strides=2, padding="same")(
        latent_inputs)
    x = layers.Conv2DTranspose(8, 3, activation="relu", strides=2, padding="same")(x)
    decoder_outputs = layers.Conv2DTranspose(1, 3, padding="same")(x)
    return keras.Model(latent_inputs, decoder_outputs, name="decoder")


def get_vqvae(latent_dim=16, num_embeddings=64):
    vq_layer = VectorQuantizer(num_embeddings, latent_dim, name="vector_quantizer")
    encoder = get_encoder(latent_dim)
    decoder = get_decoder(latent_dim)
    inputs = keras.Input(shape=(12, 12, 1))
    encoder_outputs = encoder(inputs)
    quantized_latents = vq_layer(encoder_outputs)
    reconstructions = decoder(quantized_latents)
    return keras.Model(inputs, reconstructions, name="vq_vae")


class VQVAETrainer(keras.models.Model):
    def __init__(self, train_variance, latent_dim=32, num_embeddings=128, **kwargs):
        super().__init__(**kwargs)
        self.train_variance = train_variance
        self.latent_dim = latent_dim
        self.num_embeddings = num_embeddings

        self.vqvae = get_vqvae(self.latent_dim, self.num_embeddings)

        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.reconstruction_loss_tracker = keras.metrics.Mean(name="reconstruction_loss")
        self.vq_loss_tracker = keras.metrics.Mean(name="vq_loss")

    @property
    def metrics(self):
        return [
            self.total_loss_tracker,
            self.reconstruction_loss_tracker,
            self.vq_loss_tracker,
        ]

    def train_step(self, x):
        with tf.GradientTape() as tape:
            reconstructions = self.vqvae(x)
            reconstruction_loss = tf.reduce_mean((x - reconstructions) ** 2) / self.train_variance
            total_loss = reconstruction_loss + sum(self.vqvae.losses)

        grads = tape.gradient(total_loss, self.vqvae.trainable_variables)
        self.optimizer.apply_gradients(zip(grads, self.vqvae.trainable_variables))

        self.total_loss_tracker.update_state(total_loss)
        self.reconstruction_loss_tracker.update_state(reconstruction_loss)
        self.vq_loss_tracker.update_state(sum(self.vqvae.losses))

        return {
            "loss": self.total_loss_tracker.result(),
            "reconstruction_loss": self.reconstruction_loss_tracker.result(),
            "vqvae_loss": self.vq_loss_tracker.result(),
        }


# Blobs: a bright square of random place and size on a dim noisy background.
rng = np.random.default_rng(21)
x_train = np.zeros((256, 12, 12, 1), "float32")
for image in x_train:
    row, col, size = rng.integers(0, 7), rng.integers(0, 7), rng.integers(3, 6)
    image[row:row + size, col:col + size, 0] = 200.0
x_train += rng.uniform(0, 40, x_train.shape).astype("float32")
x_train_scaled = (x_train / 255.0) - 0.5
data_variance = float(np.var(x_train / 255.0))

vqvae_trainer = VQVAETrainer(data_variance, latent_dim=4, num_embeddings=16)
vqvae = vqvae_trainer.vqvae
vqvae.summary()
RESULT = {"params": float(vqvae.count_params()),
          "trainable_weights": float(len(vqvae.trainable_weights))}
draw = [rng.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1 else
        np.zeros(w.shape, "float32") for w in vqvae.get_weights()]
vqvae.set_weights(draw)
codebook = vqvae.get_layer("vector_quantizer").embeddings
RESULT["codebook_rows"] = float(codebook.shape[0])

vqvae_trainer.compile(optimizer=keras.optimizers.Adam(learning_rate=0.003))
history = vqvae_trainer.fit(x_train_scaled, epochs=5, batch_size=32, shuffle=False, verbose=0)
for key in ("loss", "reconstruction_loss", "vqvae_loss"):
    for epoch, value in enumerate(history.history[key]):
        RESULT[f"{key}_{epoch}"] = float(value)
RESULT["history_keys"] = float(len(history.history))

trained_vqvae_model = vqvae_trainer.vqvae
test_images = x_train_scaled[:10]
reconstructions_test = trained_vqvae_model.predict(test_images, verbose=0)
RESULT["test_mse"] = float(np.mean((reconstructions_test - test_images) ** 2))
RESULT["vq_layer_losses"] = float(len(trained_vqvae_model.get_layer("vector_quantizer").losses))

encoder = vqvae_trainer.vqvae.get_layer("encoder")
quantizer = vqvae_trainer.vqvae.get_layer("vector_quantizer")
encoded_outputs = encoder.predict(test_images, verbose=0)
flat_enc_outputs = encoded_outputs.reshape(-1, encoded_outputs.shape[-1])
codebook_indices = quantizer.get_code_indices(flat_enc_outputs)
codebook_indices = codebook_indices.numpy().reshape(encoded_outputs.shape[:-1])
RESULT["codes_shape_sum"] = float(sum(codebook_indices.shape))
RESULT["codes_in_range"] = float(codebook_indices.min() >= 0 and codebook_indices.max() < 16)
nearest = np.argmin(((flat_enc_outputs[:, :, None] - codebook.numpy()[None]) ** 2).sum(1), 1)
RESULT["codes_by_hand_agree"] = float(np.mean(nearest == codebook_indices.reshape(-1)))
RESULT["codebook_moved"] = float(np.abs(codebook.numpy() - draw[[i for i, w in enumerate(
    vqvae.weights) if "embeddings_vqvae" in w.path][0]]).max() > 0)
print(RESULT)
