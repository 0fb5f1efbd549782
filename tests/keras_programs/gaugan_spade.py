"""After the keras.io example "GauGAN for conditional image generation": its building blocks.
SPADE (a layer whose build keeps the input's spatial size and whose call takes the features
and a raw segmentation mask: ops.image.resize of the mask with nearest interpolation, a shared
ReLU convolution then gamma and beta convolutions, batch statistics by ops.moments over
(0, 1, 2)), ResBlock (SPADEs and convolutions made in build from the input's channels, a learned
skip when the filters change, keras.activations.leaky_relu), GaussianSampler (keras.random.normal
with a SeedGenerator), downsample Sequentials (GlorotNormal kernels, GroupNormalization(
groups=-1), LeakyReLU, Dropout), the encoder (mean and variance heads), the generator (Dense,
Reshape, ResBlocks called with the mask as a second tensor, UpSampling2D, tanh) and the
discriminator on a concatenated pair of images returning its five feature maps; the losses:
generator_loss, kl_divergence_loss, FeatureMatchingLoss and DiscriminatorLoss as
keras.losses.Loss subclasses wrapping MeanAbsoluteError and Hinge.

The images are 32x32 with 4 mask classes (the example's 256x256 facades with 12), the
filters 8 to 32 (the example's 64 to 1024), the latent 8 (256). The weights are a NumPy draw,
so the generated images, the discriminator's maps and all the losses are Keras's; the
generator is then fit alone with mean absolute error on a fixed latent per image, on
unshuffled batches, and its losses follow Keras's too.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

rng = np.random.default_rng(23)

IMAGE = 32
NUM_CLASSES = 4
LATENT = 8
BATCH_SIZE = 4


class SPADE(layers.Layer):
    def __init__(self, filters, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.epsilon = epsilon
        self.conv = layers.Conv2D(16, 3, padding="same", activation="relu")
        self.conv_gamma = layers.Conv2D(filters, 3, padding="same")
        self.conv_beta = layers.Conv2D(filters, 3, padding="same")

    def build(self, input_shape):
        self.resize_shape = input_shape[1:3]

    def call(self, input_tensor, raw_mask):
        mask = ops.image.resize(raw_mask, self.resize_shape, interpolation="nearest")
        x = self.conv(mask)
        gamma = self.conv_gamma(x)
        beta = self.conv_beta(x)
        mean, var = ops.moments(input_tensor, axes=(0, 1, 2), keepdims=True)
        std = ops.sqrt(var + self.epsilon)
        normalized = (input_tensor - mean) / std
        output = gamma * normalized + beta
        return output


class ResBlock(layers.Layer):
    def __init__(self, filters, **kwargs):
        super().__init__(**kwargs)
        self.filters = filters

    def build(self, input_shape):
        input_filter = input_shape[-1]
        self.spade_1 = SPADE(input_filter)
        self.spade_2 = SPADE(self.filters)
        self.conv_1 = layers.Conv2D(self.filters, 3, padding="same")
        self.conv_2 = layers.Conv2D(self.filters, 3, padding="same")
        self.learned_skip = False

        if self.filters != input_filter:
            self.learned_skip = True
            self.spade_3 = SPADE(input_filter)
            self.conv_3 = layers.Conv2D(self.filters, 3, padding="same")

    def call(self, input_tensor, mask):
        x = self.spade_1(input_tensor, mask)
        x = self.conv_1(keras.activations.leaky_relu(x, 0.2))
        x = self.spade_2(x, mask)
        x = self.conv_2(keras.activations.leaky_relu(x, 0.2))
        skip = (
            self.conv_3(keras.activations.leaky_relu(self.spade_3(input_tensor, mask), 0.2))
            if self.learned_skip
            else input_tensor
        )
        output = skip + x
        return output


class GaussianSampler(layers.Layer):
    def __init__(self, batch_size, latent_dim, **kwargs):
        super().__init__(**kwargs)
        self.batch_size = batch_size
        self.latent_dim = latent_dim
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs):
        means, variance = inputs
        epsilon = keras.random.normal(
            shape=(self.batch_size, self.latent_dim), mean=0.0, stddev=1.0,
            seed=self.seed_generator)
        samples = means + ops.exp(0.5 * variance) * epsilon
        return samples


def downsample(channels, kernels, strides=2, apply_norm=True, apply_activation=True,
               apply_dropout=False):
    block = keras.Sequential()
    block.add(layers.Conv2D(channels, kernels, strides=strides, padding="same", use_bias=False,
                            kernel_initializer=keras.initializers.GlorotNormal()))
    if apply_norm:
        block.add(layers.GroupNormalization(groups=-1))
    if apply_activation:
        block.add(layers.LeakyReLU(0.2))
    if apply_dropout:
        block.add(layers.Dropout(0.5))
    return block


def build_encoder(image_shape, encoder_downsample_factor=8, latent_dim=LATENT):
    input_image = keras.Input(shape=image_shape)
    x = downsample(encoder_downsample_factor, 3, apply_norm=False)(input_image)
    x = downsample(2 * encoder_downsample_factor, 3)(x)
    x = downsample(4 * encoder_downsample_factor, 3)(x)
    x = layers.Flatten()(x)
    mean = layers.Dense(latent_dim, name="mean")(x)
    variance = layers.Dense(latent_dim, name="variance")(x)
    return keras.Model(input_image, [mean, variance], name="encoder")


def build_generator(mask_shape, latent_dim=LATENT):
    latent = keras.Input(shape=(latent_dim,))
    mask = keras.Input(shape=mask_shape)
    x = layers.Dense(8 * 8 * 32)(latent)
    x = layers.Reshape((8, 8, 32))(x)
    x = ResBlock(filters=32)(x, mask)
    x = layers.UpSampling2D((2, 2))(x)
    x = ResBlock(filters=16)(x, mask)
    x = layers.UpSampling2D((2, 2))(x)
    x = ResBlock(filters=8)(x, mask)
    x = keras.activations.leaky_relu(x, 0.2)
    output_image = keras.activations.tanh(layers.Conv2D(3, 4, padding="same")(x))
    return keras.Model([latent, mask], output_image, name="generator")


def build_discriminator(image_shape, downsample_factor=8):
    input_image_A = keras.Input(shape=image_shape, name="discriminator_image_A")
    input_image_B = keras.Input(shape=image_shape, name="discriminator_image_B")
    x = layers.Concatenate()([input_image_A, input_image_B])
    x1 = downsample(downsample_factor, 4, apply_norm=False)(x)
    x2 = downsample(2 * downsample_factor, 4)(x1)
    x3 = downsample(4 * downsample_factor, 4)(x2)
    x4 = downsample(8 * downsample_factor, 4, strides=1)(x3)
    x5 = layers.Conv2D(1, 4)(x4)
    outputs = [x1, x2, x3, x4, x5]
    return keras.Model([input_image_A, input_image_B], outputs)


def generator_loss(y):
    return -ops.mean(y)


def kl_divergence_loss(mean, variance):
    return -0.5 * ops.sum(1 + variance - ops.square(mean) - ops.exp(variance))


class FeatureMatchingLoss(keras.losses.Loss):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.mae = keras.losses.MeanAbsoluteError()

    def call(self, y_true, y_pred):
        loss = 0
        for i in range(len(y_true) - 1):
            loss += self.mae(y_true[i], y_pred[i])
        return loss


class DiscriminatorLoss(keras.losses.Loss):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hinge_loss = keras.losses.Hinge()

    def call(self, y, is_real):
        return self.hinge_loss(is_real, y)


def numpy_draw(model, scale=0.3):
    # kernels a NumPy draw; biases and the GroupNormalization betas 0, its gammas 1
    model.set_weights([rng.normal(0.0, scale, w.shape).astype(np.float32) if w.ndim > 1
                       else w for w in model.get_weights()])


# Synthetic "facades": a mask of 4 classes in horizontal bands and an image coloured by it.
labels = np.minimum(
    (np.arange(IMAGE)[None, :, None] + rng.integers(0, 10, (8, 1, 1))) // 10, NUM_CLASSES - 1)
labels = np.broadcast_to(labels, (8, IMAGE, IMAGE))
masks = np.eye(NUM_CLASSES, dtype=np.float32)[labels]
palette = rng.uniform(-0.8, 0.8, (NUM_CLASSES, 3)).astype(np.float32)
images = palette[labels] + rng.normal(0.0, 0.05, (8, IMAGE, IMAGE, 3)).astype(np.float32)

image_shape = (IMAGE, IMAGE, 3)
mask_shape = (IMAGE, IMAGE, NUM_CLASSES)
encoder = build_encoder(image_shape)
generator = build_generator(mask_shape)
discriminator = build_discriminator(image_shape)
sampler = GaussianSampler(BATCH_SIZE, LATENT)
for model in (encoder, generator, discriminator):
    numpy_draw(model)

mean, variance = encoder(images[:BATCH_SIZE])
latent_vector = sampler([mean, variance])
latents = rng.normal(size=(8, LATENT)).astype(np.float32)
fake_images = generator([latents[:BATCH_SIZE], masks[:BATCH_SIZE]])
real_output = discriminator([images[:BATCH_SIZE], images[:BATCH_SIZE]])
# (the real images as a tensor beside the generated ones: Keras refuses a call on a list that
# mixes tensors and NumPy arrays)
fake_output = discriminator([fake_images, ops.convert_to_tensor(images[:BATCH_SIZE])])

discriminator_loss = DiscriminatorLoss()
feature_matching_loss = FeatureMatchingLoss()
loss_real = discriminator_loss(real_output[-1], 1.0)
loss_fake = discriminator_loss(fake_output[-1], -1.0)
g_loss = generator_loss(fake_output[-1])
kl_loss = kl_divergence_loss(mean, variance)
fm_loss = feature_matching_loss(real_output, fake_output)

spade = SPADE(8)
features = rng.normal(1.0, 2.0, (BATCH_SIZE, 8, 8, 8)).astype(np.float32)
spade(features, masks[:BATCH_SIZE])  # built by its first call, then given NumPy weights
numpy_draw(spade)
spade_out = spade(features, masks[:BATCH_SIZE])
resblock = ResBlock(filters=16)
resblock(features, masks[:BATCH_SIZE])
numpy_draw(resblock)
res_out = resblock(features, masks[:BATCH_SIZE])

# The generator fit alone: a fixed latent per image, the image as its target.
# (the example's generator optimizer; the convolutions before each SPADE normalization get
# gradients of float32 rounding only, which a larger Adam step would amplify into noise)
gen_lr = 1e-4
generator.compile(optimizer=keras.optimizers.Adam(gen_lr, beta_1=0.0, beta_2=0.999),
                  loss="mae")
history = generator.fit([latents, masks], images, batch_size=BATCH_SIZE, epochs=6,
                        shuffle=False, verbose=0)
losses = history.history["loss"]

RESULT = {
    "mean_shape_sum": float(sum(mean.shape)),
    "latent_shape_sum": float(sum(latent_vector.shape)),
    "fake_shape_sum": float(sum(fake_images.shape)),
    "fake_in_range": float(np.abs(np.asarray(fake_images)).max() <= 1.0),
    "discriminator_outputs": float(len(real_output)),
    "last_map_shape_sum": float(sum(real_output[-1].shape)),
    "fake_sum": float(np.sum(fake_images)),
    "fake_abs_sum": float(np.abs(np.asarray(fake_images)).sum()),
    "real_score_sum": float(np.sum(real_output[-1])),
    "fake_score_sum": float(np.sum(fake_output[-1])),
    "loss_real": float(loss_real),
    "loss_fake": float(loss_fake),
    "generator_loss": float(g_loss),
    "kl_loss": float(kl_loss),
    "feature_matching_loss": float(fm_loss),
    "spade_sum": float(np.sum(spade_out)),
    "spade_abs_sum": float(np.abs(np.asarray(spade_out)).sum()),
    "spade_weights": float(len(spade.weights)),
    "resblock_learned_skip": float(resblock.learned_skip),
    "resblock_weights": float(len(resblock.weights)),
    "resblock_abs_sum": float(np.abs(np.asarray(res_out)).sum()),
    "generator_params": float(generator.count_params()),
    "discriminator_params": float(discriminator.count_params()),
    **{f"loss_{epoch}": float(value) for epoch, value in enumerate(losses)},
}

if __name__ == "__main__":
    for key, value in RESULT.items():
        print(f"{key}: {value:.6g}")
