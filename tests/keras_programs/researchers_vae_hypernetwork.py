"""The two end-to-end examples of "Introduction to Keras for Researchers".

A variational autoencoder written as nested layers (a Sampling layer drawing its noise with
tf.keras.backend.random_normal of a shape read by tf.shape, an Encoder and a Decoder layer,
and a VariationalAutoEncoder layer adding its KL term with add_loss), trained by a
tf.function step over a tf.data.Dataset with the KL term taken from ``vae.losses``; the same
VAE as functional models (an encoder and a decoder model, the decoder called on the encoder's
output) trained by fit on ``dataset.map(lambda x: (x, x))``.

Then a hypernetwork: a Sequential of Dense layers that never builds its own weights (its
layers are marked built) takes its kernels and biases from another network's output,
reshaped and set as the layers' ``kernel`` and ``bias`` in each step, so that only the
hypernetwork trains, one example at a time.

MNIST is replaced by 48-pixel rows of four bright bands.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

tf.random.set_seed(7)
rng = np.random.default_rng(7)
RESULT = {}

original_dim = 48
labels = rng.integers(0, 4, 1024)
bands = np.zeros((4, original_dim), "float32")
for k in range(4):
    bands[k, k * 12:(k + 1) * 12] = 1.0
x_train = np.clip(bands[labels] + rng.normal(0.0, 0.1, (1024, original_dim)), 0, 1)
x_train = x_train.astype("float32")


class Sampling(layers.Layer):
    """Uses (z_mean, z_log_var) to sample z, the vector encoding a digit."""

    def call(self, inputs):
        z_mean, z_log_var = inputs
        batch = tf.shape(z_mean)[0]
        dim = tf.shape(z_mean)[1]
        epsilon = tf.keras.backend.random_normal(shape=(batch, dim))
        return z_mean + tf.exp(0.5 * z_log_var) * epsilon


class Encoder(layers.Layer):
    """Maps MNIST digits to a triplet (z_mean, z_log_var, z)."""

    def __init__(self, latent_dim=32, intermediate_dim=64, **kwargs):
        super().__init__(**kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation=tf.nn.relu)
        self.dense_mean = layers.Dense(latent_dim)
        self.dense_log_var = layers.Dense(latent_dim)
        self.sampling = Sampling()

    def call(self, inputs):
        x = self.dense_proj(inputs)
        z_mean = self.dense_mean(x)
        z_log_var = self.dense_log_var(x)
        z = self.sampling((z_mean, z_log_var))
        return z_mean, z_log_var, z


class Decoder(layers.Layer):
    """Converts z, the encoded digit vector, back into a readable digit."""

    def __init__(self, original_dim, intermediate_dim=64, **kwargs):
        super().__init__(**kwargs)
        self.dense_proj = layers.Dense(intermediate_dim, activation=tf.nn.relu)
        self.dense_output = layers.Dense(original_dim, activation=tf.nn.sigmoid)

    def call(self, inputs):
        x = self.dense_proj(inputs)
        return self.dense_output(x)


class VariationalAutoEncoder(layers.Layer):
    """Combines the encoder and decoder into an end-to-end model for training."""

    def __init__(self, original_dim, intermediate_dim=64, latent_dim=32, **kwargs):
        super().__init__(**kwargs)
        self.original_dim = original_dim
        self.encoder = Encoder(latent_dim=latent_dim, intermediate_dim=intermediate_dim)
        self.decoder = Decoder(original_dim, intermediate_dim=intermediate_dim)

    def call(self, inputs):
        z_mean, z_log_var, z = self.encoder(inputs)
        reconstructed = self.decoder(z)
        kl_loss = -0.5 * tf.reduce_mean(
            z_log_var - tf.square(z_mean) - tf.exp(z_log_var) + 1
        )
        self.add_loss(kl_loss)
        return reconstructed


vae = VariationalAutoEncoder(original_dim=original_dim, intermediate_dim=32, latent_dim=4)
loss_fn = tf.keras.losses.MeanSquaredError()
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)

dataset = tf.data.Dataset.from_tensor_slices(x_train)
dataset = dataset.shuffle(buffer_size=1024).batch(32)


@tf.function
def training_step(x):
    with tf.GradientTape() as tape:
        reconstructed = vae(x)
        loss = loss_fn(x, reconstructed)
        loss += sum(vae.losses)
    grads = tape.gradient(loss, vae.trainable_weights)
    optimizer.apply_gradients(zip(grads, vae.trainable_weights))
    return loss


losses = []
for _epoch in range(4):
    for x in dataset:
        loss = training_step(x)
        losses.append(float(loss))
RESULT["vae_loss_first"] = float(np.mean(losses[:32]))
RESULT["vae_loss_last"] = float(np.mean(losses[-32:]))
RESULT["vae_weights"] = float(len(vae.trainable_weights))  # 3 + 2 Dense layers
RESULT["vae_losses"] = float(len(vae.losses))
mean_image_loss = float(np.mean((x_train - x_train.mean(axis=0)) ** 2))
RESULT["vae_reconstruction"] = float(loss_fn(x_train, vae(x_train)))
RESULT["mean_image_loss"] = mean_image_loss

intermediate_dim = 32
latent_dim = 4

original_inputs = tf.keras.Input(shape=(original_dim,), name="encoder_input")
x = layers.Dense(intermediate_dim, activation="relu")(original_inputs)
z_mean = layers.Dense(latent_dim, name="z_mean")(x)
z_log_var = layers.Dense(latent_dim, name="z_log_var")(x)
z = Sampling()((z_mean, z_log_var))
encoder = tf.keras.Model(inputs=original_inputs, outputs=z, name="encoder")

latent_inputs = tf.keras.Input(shape=(latent_dim,), name="z_sampling")
x = layers.Dense(intermediate_dim, activation="relu")(latent_inputs)
outputs = layers.Dense(original_dim, activation="sigmoid")(x)
decoder = tf.keras.Model(inputs=latent_inputs, outputs=outputs, name="decoder")

outputs = decoder(z)
vae = tf.keras.Model(inputs=original_inputs, outputs=outputs, name="vae")
RESULT["functional_layers"] = float(len(vae.layers))  # input, 3 Dense, Sampling, decoder
RESULT["functional_output_width"] = float(vae.output_shape[-1])

loss_fn = tf.keras.losses.MeanSquaredError()
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
dataset = tf.data.Dataset.from_tensor_slices(x_train)
dataset = dataset.map(lambda x: (x, x))
dataset = dataset.shuffle(buffer_size=1024).batch(32)
vae.compile(optimizer, loss=loss_fn)
history = vae.fit(dataset, epochs=3, verbose=0)
RESULT["fit_loss_0"] = history.history["loss"][0]
RESULT["fit_loss_2"] = history.history["loss"][2]

input_dim = original_dim
classes = 4

main_network = keras.Sequential(
    [keras.layers.Dense(16, activation=tf.nn.relu), keras.layers.Dense(classes)]
)
for layer in main_network.layers:
    layer.built = True

num_weights_to_generate = (classes * 16 + classes) + (16 * input_dim + 16)

hypernetwork = keras.Sequential(
    [
        keras.layers.Dense(16, activation=tf.nn.relu),
        keras.layers.Dense(num_weights_to_generate, activation=tf.nn.sigmoid),
    ]
)

loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)

dataset = tf.data.Dataset.from_tensor_slices((x_train, labels))
dataset = dataset.shuffle(buffer_size=1024).batch(1)


@tf.function
def train_step(x, y):
    with tf.GradientTape() as tape:
        weights_pred = hypernetwork(x)

        start_index = 0
        w0_shape = (input_dim, 16)
        w0_coeffs = weights_pred[:, start_index : start_index + np.prod(w0_shape)]
        w0 = tf.reshape(w0_coeffs, w0_shape)
        start_index += np.prod(w0_shape)
        b0_shape = (16,)
        b0_coeffs = weights_pred[:, start_index : start_index + np.prod(b0_shape)]
        b0 = tf.reshape(b0_coeffs, b0_shape)
        start_index += np.prod(b0_shape)
        w1_shape = (16, classes)
        w1_coeffs = weights_pred[:, start_index : start_index + np.prod(w1_shape)]
        w1 = tf.reshape(w1_coeffs, w1_shape)
        start_index += np.prod(w1_shape)
        b1_shape = (classes,)
        b1_coeffs = weights_pred[:, start_index : start_index + np.prod(b1_shape)]
        b1 = tf.reshape(b1_coeffs, b1_shape)
        start_index += np.prod(b1_shape)

        main_network.layers[0].kernel = w0
        main_network.layers[0].bias = b0
        main_network.layers[1].kernel = w1
        main_network.layers[1].bias = b1

        preds = main_network(x)
        loss = loss_fn(y, preds)

    grads = tape.gradient(loss, hypernetwork.trainable_weights)
    optimizer.apply_gradients(zip(grads, hypernetwork.trainable_weights))
    return loss


losses = []
for step, (x, y) in enumerate(dataset):
    loss = train_step(x, y)
    losses.append(float(loss))
    if step >= 400:
        break

RESULT["hyper_loss_first"] = float(np.mean(losses[:50]))
RESULT["hyper_loss_last"] = float(np.mean(losses[-50:]))
RESULT["hyper_steps"] = float(len(losses))
RESULT["main_network_weights"] = float(len(main_network.weights))
RESULT["hypernetwork_iterations"] = float(optimizer.iterations.numpy())
print(RESULT)
