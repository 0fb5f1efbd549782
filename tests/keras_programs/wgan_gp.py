"""After the keras.io example "WGAN-GP overriding Model.train_step": a critic of strided
Conv2D + LeakyReLU + Dropout + Flatten + Dense (no activation), a generator of Dense +
BatchNormalization + Reshape + UpSampling2D + Conv2D, a WGAN Model subclass whose compile takes
two optimizers and two loss functions, and a train_step that trains the critic ``d_steps``
times per generator step with a gradient penalty: the gradient of the critic with respect to
images interpolated between real and generated ones, taken by a tape inside the critic's
tape, whose norm is pushed towards 1.

The latent vectors and the interpolation weights come from a NumPy draw (the example draws
them with tf.random), and the weights too, so the losses can be compared with TensorFlow's.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

rng = np.random.default_rng(21)
size, n, batch_size, latent_dim = 8, 32, 8, 6
rows = rng.integers(1, size - 1, n)
images = np.zeros((n, size, size, 1), "float32")
images[np.arange(n), rows, :, 0] = 1.0
images = images * 2.0 - 1.0


def conv_block(x, filters, activation, strides=(2, 2), use_dropout=False, drop_value=0.3):
    x = layers.Conv2D(filters, (3, 3), strides=strides, padding="same")(x)
    x = activation(x)
    if use_dropout:
        x = layers.Dropout(drop_value)(x)
    return x


def get_discriminator_model():
    img_input = layers.Input(shape=(size, size, 1))
    x = conv_block(img_input, 8, layers.LeakyReLU(0.2))
    x = conv_block(x, 16, layers.LeakyReLU(0.2), use_dropout=True, drop_value=0.0)
    x = layers.Flatten()(x)
    x = layers.Dropout(0.0)(x)
    x = layers.Dense(1)(x)
    return keras.models.Model(img_input, x, name="discriminator")


def get_generator_model():
    noise = layers.Input(shape=(latent_dim,))
    x = layers.Dense(2 * 2 * 16, use_bias=False)(noise)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.Reshape((2, 2, 16))(x)
    x = layers.UpSampling2D((2, 2))(x)
    x = layers.Conv2D(8, (3, 3), padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.LeakyReLU(0.2)(x)
    x = layers.UpSampling2D((2, 2))(x)
    x = layers.Conv2D(1, (3, 3), padding="same", activation="tanh")(x)
    return keras.models.Model(noise, x, name="generator")


d_model = get_discriminator_model()
g_model = get_generator_model()
for model in (d_model, g_model):
    model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.2
                       if w.ndim > 1 else np.zeros(w.shape, "float32") + (w.max() == 1)
                       for w in model.get_weights()])

steps = n // batch_size * 2
d_steps = 3
latent_bank = rng.normal(size=(steps * (d_steps + 1), batch_size, latent_dim)).astype("float32")
alpha_bank = rng.uniform(size=(steps * d_steps, batch_size, 1, 1, 1)).astype("float32")


class WGAN(keras.Model):
    def __init__(self, discriminator, generator, latent_dim, discriminator_extra_steps=3,
                 gp_weight=10.0):
        super().__init__()
        self.discriminator = discriminator
        self.generator = generator
        self.latent_dim = latent_dim
        self.d_steps = discriminator_extra_steps
        self.gp_weight = gp_weight
        self.draws = 0
        self.alphas = 0

    def compile(self, d_optimizer, g_optimizer, d_loss_fn, g_loss_fn):
        super().compile()
        self.d_optimizer = d_optimizer
        self.g_optimizer = g_optimizer
        self.d_loss_fn = d_loss_fn
        self.g_loss_fn = g_loss_fn

    def latent(self):
        self.draws += 1
        return tf.constant(latent_bank[self.draws - 1])

    def gradient_penalty(self, batch_size, real_images, fake_images):
        self.alphas += 1
        alpha = tf.constant(alpha_bank[self.alphas - 1])
        diff = fake_images - real_images
        interpolated = real_images + alpha * diff
        with tf.GradientTape() as gp_tape:
            gp_tape.watch(interpolated)
            pred = self.discriminator(interpolated, training=True)
        grads = gp_tape.gradient(pred, [interpolated])[0]
        norm = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2, 3]))
        gp = tf.reduce_mean((norm - 1.0) ** 2)
        return gp

    def train_step(self, real_images):
        if isinstance(real_images, tuple):
            real_images = real_images[0]
        batch_size = tf.shape(real_images)[0]
        for _ in range(self.d_steps):
            random_latent_vectors = self.latent()
            with tf.GradientTape() as tape:
                fake_images = self.generator(random_latent_vectors, training=True)
                fake_logits = self.discriminator(fake_images, training=True)
                real_logits = self.discriminator(real_images, training=True)
                d_cost = self.d_loss_fn(real_img=real_logits, fake_img=fake_logits)
                gp = self.gradient_penalty(batch_size, real_images, fake_images)
                d_loss = d_cost + gp * self.gp_weight
            d_gradient = tape.gradient(d_loss, self.discriminator.trainable_variables)
            self.d_optimizer.apply_gradients(
                zip(d_gradient, self.discriminator.trainable_variables))
        random_latent_vectors = self.latent()
        with tf.GradientTape() as tape:
            generated_images = self.generator(random_latent_vectors, training=True)
            gen_img_logits = self.discriminator(generated_images, training=True)
            g_loss = self.g_loss_fn(gen_img_logits)
        gen_gradient = tape.gradient(g_loss, self.generator.trainable_variables)
        self.g_optimizer.apply_gradients(zip(gen_gradient, self.generator.trainable_variables))
        return {"d_loss": d_loss, "g_loss": g_loss, "gp": gp}


def discriminator_loss(real_img, fake_img):
    real_loss = tf.reduce_mean(real_img)
    fake_loss = tf.reduce_mean(fake_img)
    return fake_loss - real_loss


def generator_loss(fake_img):
    return -tf.reduce_mean(fake_img)


generator_optimizer = keras.optimizers.Adam(learning_rate=0.0002, beta_1=0.5, beta_2=0.9)
discriminator_optimizer = keras.optimizers.Adam(learning_rate=0.0002, beta_1=0.5, beta_2=0.9)

wgan = WGAN(discriminator=d_model, generator=g_model, latent_dim=latent_dim,
            discriminator_extra_steps=d_steps)
wgan.compile(d_optimizer=discriminator_optimizer, g_optimizer=generator_optimizer,
             g_loss_fn=generator_loss, d_loss_fn=discriminator_loss)
wgan.run_eagerly = True
history = wgan.fit(images, batch_size=batch_size, epochs=2, shuffle=False, verbose=0)

RESULT = {
    **{f"d_loss_{i}": float(v) for i, v in enumerate(history.history["d_loss"])},
    **{f"g_loss_{i}": float(v) for i, v in enumerate(history.history["g_loss"])},
    **{f"gp_{i}": float(v) for i, v in enumerate(history.history["gp"])},
    "latent_draws": float(wgan.draws),
}
print(RESULT)
