"""After the keras.io example "CycleGAN": a ReflectionPadding2D layer of one's own (ops.pad in
reflect mode), GroupNormalization(groups=1) after every convolution, ResNet generators of
downsampling, residual and Conv2DTranspose upsampling blocks, PatchGAN discriminators with
LeakyReLU, a CycleGan Model subclass holding the four networks whose compile takes four
optimizers and two loss functions, a train_step with a persistent GradientTape (adversarial,
cycle and identity losses; four tape.gradient calls and four apply_gradients), a callback
that translates test images through model.gen_G, a ModelCheckpoint of the weights, and
load_weights into a new CycleGan.

The two domains are 16x16 images of horizontal and of vertical stripes (the example's horses
and zebras at 256x256), read through tf.data (map, cache, batch, Dataset.zip, take); the
networks are narrow and short. The weights come from a NumPy draw, so the losses compare with
TensorFlow's.
"""

import os

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

orig_img_size = (20, 20)
input_img_size = (16, 16, 3)
buffer_size = 32
batch_size = 4

kernel_init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)
gamma_init = keras.initializers.RandomNormal(mean=0.0, stddev=0.02)

rng = np.random.default_rng(17)


def stripes(count, vertical):
    images = np.zeros((count,) + orig_img_size + (3,), "float32")
    for i in range(count):
        period = rng.integers(3, 6)
        lines = (np.arange(orig_img_size[0]) % period) < period // 2 + 1
        colour = rng.uniform(60, 255, size=3)
        images[i] = (lines[None, :, None] if vertical else lines[:, None, None]) * colour
    return images + rng.uniform(0, 20, size=images.shape).astype("float32")


def normalize_img(img):
    img = ops.cast(img, dtype="float32")
    return (img / 127.5) - 1.0


def preprocess_image(img):
    img = tf.image.resize(img, [input_img_size[0], input_img_size[1]])
    return normalize_img(img)


def make_dataset(images):
    return (tf.data.Dataset.from_tensor_slices(images)
            .map(preprocess_image, num_parallel_calls=tf.data.AUTOTUNE)
            .cache()
            .batch(batch_size))


train_horses = make_dataset(stripes(32, vertical=False))
train_zebras = make_dataset(stripes(32, vertical=True))
test_horses = make_dataset(stripes(8, vertical=False))


class ReflectionPadding2D(layers.Layer):
    def __init__(self, padding=(1, 1), **kwargs):
        self.padding = tuple(padding)
        super().__init__(**kwargs)

    def call(self, input_tensor, mask=None):
        padding_width, padding_height = self.padding
        padding_tensor = [
            [0, 0],
            [padding_height, padding_height],
            [padding_width, padding_width],
            [0, 0],
        ]
        return ops.pad(input_tensor, padding_tensor, mode="reflect")


def residual_block(x, activation, kernel_initializer=kernel_init, kernel_size=(3, 3),
                   strides=(1, 1), padding="valid", gamma_initializer=gamma_init,
                   use_bias=False):
    dim = x.shape[-1]
    input_tensor = x

    x = ReflectionPadding2D()(input_tensor)
    x = layers.Conv2D(dim, kernel_size, strides=strides, kernel_initializer=kernel_initializer,
                      padding=padding, use_bias=use_bias)(x)
    x = keras.layers.GroupNormalization(groups=1, gamma_initializer=gamma_initializer)(x)
    x = activation(x)

    x = ReflectionPadding2D()(x)
    x = layers.Conv2D(dim, kernel_size, strides=strides, kernel_initializer=kernel_initializer,
                      padding=padding, use_bias=use_bias)(x)
    x = keras.layers.GroupNormalization(groups=1, gamma_initializer=gamma_initializer)(x)
    x = layers.add([input_tensor, x])
    return x


def downsample(x, filters, activation, kernel_initializer=kernel_init, kernel_size=(3, 3),
               strides=(2, 2), padding="same", gamma_initializer=gamma_init, use_bias=False):
    x = layers.Conv2D(filters, kernel_size, strides=strides,
                      kernel_initializer=kernel_initializer, padding=padding,
                      use_bias=use_bias)(x)
    x = keras.layers.GroupNormalization(groups=1, gamma_initializer=gamma_initializer)(x)
    if activation:
        x = activation(x)
    return x


def upsample(x, filters, activation, kernel_size=(3, 3), strides=(2, 2), padding="same",
             kernel_initializer=kernel_init, gamma_initializer=gamma_init, use_bias=False):
    x = layers.Conv2DTranspose(filters, kernel_size, strides=strides, padding=padding,
                               kernel_initializer=kernel_initializer, use_bias=use_bias)(x)
    x = keras.layers.GroupNormalization(groups=1, gamma_initializer=gamma_initializer)(x)
    if activation:
        x = activation(x)
    return x


def get_resnet_generator(filters=4, num_downsampling_blocks=1, num_residual_blocks=1,
                         num_upsample_blocks=1, gamma_initializer=gamma_init, name=None):
    img_input = layers.Input(shape=input_img_size, name=name + "_img_input")
    x = ReflectionPadding2D(padding=(3, 3))(img_input)
    x = layers.Conv2D(filters, (7, 7), kernel_initializer=kernel_init, use_bias=False)(x)
    x = keras.layers.GroupNormalization(groups=1, gamma_initializer=gamma_initializer)(x)
    x = layers.Activation("relu")(x)

    for _ in range(num_downsampling_blocks):
        filters *= 2
        x = downsample(x, filters=filters, activation=layers.Activation("relu"))

    for _ in range(num_residual_blocks):
        x = residual_block(x, activation=layers.Activation("relu"))

    for _ in range(num_upsample_blocks):
        filters //= 2
        x = upsample(x, filters, activation=layers.Activation("relu"))

    x = ReflectionPadding2D(padding=(3, 3))(x)
    x = layers.Conv2D(3, (7, 7), padding="valid")(x)
    x = layers.Activation("tanh")(x)

    model = keras.models.Model(img_input, x, name=name)
    return model


def get_discriminator(filters=4, kernel_initializer=kernel_init, num_downsampling=2,
                      name=None):
    img_input = layers.Input(shape=input_img_size, name=name + "_img_input")
    x = layers.Conv2D(filters, (4, 4), strides=(2, 2), padding="same",
                      kernel_initializer=kernel_initializer)(img_input)
    x = layers.LeakyReLU(0.2)(x)

    num_filters = filters
    for num_downsample_block in range(num_downsampling):
        num_filters *= 2
        if num_downsample_block < num_downsampling - 1:
            x = downsample(x, filters=num_filters, activation=layers.LeakyReLU(0.2),
                           kernel_size=(4, 4), strides=(2, 2))
        else:
            x = downsample(x, filters=num_filters, activation=layers.LeakyReLU(0.2),
                           kernel_size=(4, 4), strides=(1, 1))

    x = layers.Conv2D(1, (4, 4), strides=(1, 1), padding="same",
                      kernel_initializer=kernel_initializer)(x)

    model = keras.models.Model(inputs=img_input, outputs=x, name=name)
    return model


gen_G = get_resnet_generator(name="generator_G")
gen_F = get_resnet_generator(name="generator_F")
disc_X = get_discriminator(name="discriminator_X")
disc_Y = get_discriminator(name="discriminator_Y")
weights_rng = np.random.default_rng(3)
for network in (gen_G, gen_F, disc_X, disc_Y):
    network.set_weights([weights_rng.normal(size=w.shape).astype("float32")
                         * (0.3 if w.ndim > 1 else 0.02) + (w.ndim == 1) * 1.0 * (w.max() == 1)
                         for w in network.get_weights()])


class CycleGan(keras.Model):
    def __init__(self, generator_G, generator_F, discriminator_X, discriminator_Y,
                 lambda_cycle=10.0, lambda_identity=0.5):
        super().__init__()
        self.gen_G = generator_G
        self.gen_F = generator_F
        self.disc_X = discriminator_X
        self.disc_Y = discriminator_Y
        self.lambda_cycle = lambda_cycle
        self.lambda_identity = lambda_identity

    def call(self, inputs):
        return (
            self.disc_X(inputs),
            self.disc_Y(inputs),
            self.gen_G(inputs),
            self.gen_F(inputs),
        )

    def compile(self, gen_G_optimizer, gen_F_optimizer, disc_X_optimizer, disc_Y_optimizer,
                gen_loss_fn, disc_loss_fn):
        super().compile()
        self.gen_G_optimizer = gen_G_optimizer
        self.gen_F_optimizer = gen_F_optimizer
        self.disc_X_optimizer = disc_X_optimizer
        self.disc_Y_optimizer = disc_Y_optimizer
        self.generator_loss_fn = gen_loss_fn
        self.discriminator_loss_fn = disc_loss_fn
        self.cycle_loss_fn = keras.losses.MeanAbsoluteError()
        self.identity_loss_fn = keras.losses.MeanAbsoluteError()

    def train_step(self, batch_data):
        real_x, real_y = batch_data

        with tf.GradientTape(persistent=True) as tape:
            fake_y = self.gen_G(real_x, training=True)
            fake_x = self.gen_F(real_y, training=True)

            cycled_x = self.gen_F(fake_y, training=True)
            cycled_y = self.gen_G(fake_x, training=True)

            same_x = self.gen_F(real_x, training=True)
            same_y = self.gen_G(real_y, training=True)

            disc_real_x = self.disc_X(real_x, training=True)
            disc_fake_x = self.disc_X(fake_x, training=True)

            disc_real_y = self.disc_Y(real_y, training=True)
            disc_fake_y = self.disc_Y(fake_y, training=True)

            gen_G_loss = self.generator_loss_fn(disc_fake_y)
            gen_F_loss = self.generator_loss_fn(disc_fake_x)

            cycle_loss_G = self.cycle_loss_fn(real_y, cycled_y) * self.lambda_cycle
            cycle_loss_F = self.cycle_loss_fn(real_x, cycled_x) * self.lambda_cycle

            id_loss_G = (self.identity_loss_fn(real_y, same_y) * self.lambda_cycle
                         * self.lambda_identity)
            id_loss_F = (self.identity_loss_fn(real_x, same_x) * self.lambda_cycle
                         * self.lambda_identity)

            total_loss_G = gen_G_loss + cycle_loss_G + id_loss_G
            total_loss_F = gen_F_loss + cycle_loss_F + id_loss_F

            disc_X_loss = self.discriminator_loss_fn(disc_real_x, disc_fake_x)
            disc_Y_loss = self.discriminator_loss_fn(disc_real_y, disc_fake_y)

        grads_G = tape.gradient(total_loss_G, self.gen_G.trainable_variables)
        grads_F = tape.gradient(total_loss_F, self.gen_F.trainable_variables)

        disc_X_grads = tape.gradient(disc_X_loss, self.disc_X.trainable_variables)
        disc_Y_grads = tape.gradient(disc_Y_loss, self.disc_Y.trainable_variables)

        self.gen_G_optimizer.apply_gradients(zip(grads_G, self.gen_G.trainable_variables))
        self.gen_F_optimizer.apply_gradients(zip(grads_F, self.gen_F.trainable_variables))

        self.disc_X_optimizer.apply_gradients(zip(disc_X_grads,
                                                  self.disc_X.trainable_variables))
        self.disc_Y_optimizer.apply_gradients(zip(disc_Y_grads,
                                                  self.disc_Y.trainable_variables))

        return {
            "G_loss": total_loss_G,
            "F_loss": total_loss_F,
            "D_X_loss": disc_X_loss,
            "D_Y_loss": disc_Y_loss,
        }


class GANMonitor(keras.callbacks.Callback):
    """Translates a few test images with the generator G after each epoch."""

    def __init__(self, num_img=2):
        self.num_img = num_img
        self.saved = []

    def on_epoch_end(self, epoch, logs=None):
        for i, img in enumerate(test_horses.take(self.num_img)):
            prediction = self.model.gen_G(img)[0].numpy()
            prediction = (prediction * 127.5 + 127.5).astype(np.uint8)
            img = (img[0] * 127.5 + 127.5).numpy().astype(np.uint8)
            prediction = keras.utils.array_to_img(prediction)
            prediction.save(f"generated_img_{i}_{epoch + 1}.png")
            self.saved.append(np.asarray(prediction, dtype="float32").mean())


adv_loss_fn = keras.losses.MeanSquaredError()


def generator_loss_fn(fake):
    fake_loss = adv_loss_fn(ops.ones_like(fake), fake)
    return fake_loss


def discriminator_loss_fn(real, fake):
    real_loss = adv_loss_fn(ops.ones_like(real), real)
    fake_loss = adv_loss_fn(ops.zeros_like(fake), fake)
    return (real_loss + fake_loss) * 0.5


cycle_gan_model = CycleGan(generator_G=gen_G, generator_F=gen_F, discriminator_X=disc_X,
                           discriminator_Y=disc_Y)
cycle_gan_model.compile(
    gen_G_optimizer=keras.optimizers.Adam(learning_rate=2e-3, beta_1=0.5),
    gen_F_optimizer=keras.optimizers.Adam(learning_rate=2e-3, beta_1=0.5),
    disc_X_optimizer=keras.optimizers.Adam(learning_rate=2e-3, beta_1=0.5),
    disc_Y_optimizer=keras.optimizers.Adam(learning_rate=2e-3, beta_1=0.5),
    gen_loss_fn=generator_loss_fn,
    disc_loss_fn=discriminator_loss_fn,
)
# Keras 3 writes the weights of a built model only, and fit with a train_step of one's own
# leaves the model unbuilt: one call builds it
cycle_gan_model(next(iter(test_horses)))
plotter = GANMonitor()
checkpoint_filepath = "./model_checkpoints/cyclegan_checkpoints.{epoch:03d}.weights.h5"
model_checkpoint_callback = keras.callbacks.ModelCheckpoint(filepath=checkpoint_filepath,
                                                            save_weights_only=True)
history = cycle_gan_model.fit(
    tf.data.Dataset.zip((train_horses, train_zebras)),
    epochs=3,
    callbacks=[plotter, model_checkpoint_callback],
    verbose=0,
)

RESULT = {f"{key}_{epoch}": float(value) for key in ("G_loss", "F_loss", "D_X_loss", "D_Y_loss")
          for epoch, value in enumerate(history.history[key])}
RESULT["generator_params"] = float(gen_G.count_params())
RESULT["discriminator_params"] = float(disc_X.count_params())
RESULT["reflection_layers"] = float(sum(isinstance(layer, ReflectionPadding2D)
                                        for layer in gen_G.layers))
RESULT["group_norm_layers"] = float(sum(isinstance(layer, layers.GroupNormalization)
                                        for layer in gen_G.layers))
RESULT["optimizer_iterations"] = float(cycle_gan_model.gen_G_optimizer.iterations.numpy()
                                       + cycle_gan_model.disc_Y_optimizer.iterations.numpy())
RESULT["monitor_images"] = float(len(plotter.saved))
RESULT["monitor_mean"] = float(np.mean(plotter.saved))
RESULT["checkpoints"] = float(len(os.listdir("model_checkpoints")))

sample = next(iter(test_horses))
translated = cycle_gan_model.gen_G(sample, training=False)
RESULT["translated_mean"] = float(ops.mean(translated))
restored = CycleGan(generator_G=get_resnet_generator(name="generator_G"),
                    generator_F=get_resnet_generator(name="generator_F"),
                    discriminator_X=get_discriminator(name="discriminator_X"),
                    discriminator_Y=get_discriminator(name="discriminator_Y"))
restored(sample)
restored.load_weights("./model_checkpoints/cyclegan_checkpoints.003.weights.h5")
RESULT["restored_gap"] = float(ops.max(ops.abs(restored.gen_G(sample, training=False)
                                               - translated)))
# the reflection pads mirror without repeating the edge
padded = ReflectionPadding2D(padding=(2, 1))(ops.reshape(ops.arange(12.0), (1, 3, 4, 1)))
RESULT["padded_shape_sum"] = float(sum(padded.shape))
RESULT["padded_corner"] = float(padded[0, 0, 0, 0])
print(RESULT)
