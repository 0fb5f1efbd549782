"""After the keras.io example "Denoising Diffusion Implicit Models": a sinusoidal embedding of
the noise variance in a Lambda layer, a residual U-Net of closures (ResidualBlock, DownBlock,
UpBlock with a shared list of skips) built functionally, a registered DiffusionModel subclass
with its own compile, a metrics property, train_step / test_step overrides (GradientTape on the
network, an EMA copy made with keras.models.clone_model and updated with
``ema_weight.assign(ema * ema_weight + (1 - ema) * weight)``), keras.metrics.Mean trackers,
a KID metric subclass with an encoder of its own, a Normalization layer adapted on the
dataset and used to denormalize, reverse diffusion for generation, AdamW with
mean_absolute_error, and a ModelCheckpoint of the weights on the lowest val_kid that
load_weights reads back.

Images are 8x8 blobs from a NumPy seed (the example's flowers at 64x64), the network is small
and the KID encoder is one fixed convolution (the example's InceptionV3). The noise and the
diffusion times come from NumPy banks (the example draws them with keras.random), and the
weights too, so the losses compare with TensorFlow's.
"""

import math
import os

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

# data
image_size = 8
num_images = 64
batch_size = 8
dataset_repetitions = 2
num_epochs = 2
kid_image_size = 12
kid_diffusion_steps = 3
plot_diffusion_steps = 4

# sampling
min_signal_rate = 0.02
max_signal_rate = 0.95

# architecture
embedding_dims = 8
embedding_max_frequency = 1000.0
widths = [8, 16]
block_depth = 1

# optimization
ema = 0.999
learning_rate = 1e-3
weight_decay = 1e-4

rng = np.random.default_rng(11)
grid = np.stack(np.meshgrid(np.arange(image_size), np.arange(image_size), indexing="ij"), -1)


def blobs(count):
    centres = rng.uniform(2, image_size - 2, size=(count, 1, 1, 2))
    radius = rng.uniform(1.0, 2.5, size=(count, 1, 1))
    colour = rng.uniform(0.2, 1.0, size=(count, 1, 1, 3))
    inside = np.exp(-np.sum((grid - centres) ** 2, axis=-1) / radius**2)
    return (inside[..., None] * colour).astype("float32")


train_images, val_images = blobs(num_images), blobs(16)


def preprocess_image(image):
    return tf.clip_by_value(image, 0.0, 1.0)


def prepare_dataset(images, repetitions):
    return (tf.data.Dataset.from_tensor_slices(images)
            .map(preprocess_image, num_parallel_calls=tf.data.AUTOTUNE)
            .cache()
            .repeat(repetitions)
            .batch(batch_size, drop_remainder=True)
            .prefetch(buffer_size=tf.data.AUTOTUNE))


train_dataset = prepare_dataset(train_images, dataset_repetitions)
val_dataset = prepare_dataset(val_images, 1)

steps = num_epochs * dataset_repetitions * num_images // batch_size
noise_bank = rng.normal(size=(steps + 4, batch_size, image_size, image_size, 3)).astype("float32")
time_bank = rng.uniform(size=(steps + 4, batch_size, 1, 1, 1)).astype("float32")
draws = {"noise": 0, "time": 0}


def bank_normal(shape):
    draws["noise"] += 1
    return tf.constant(noise_bank[(draws["noise"] - 1) % len(noise_bank)][: shape[0]])


def bank_uniform(shape):
    draws["time"] += 1
    return tf.constant(time_bank[(draws["time"] - 1) % len(time_bank)][: shape[0]])


class KID(keras.metrics.Metric):
    def __init__(self, name, **kwargs):
        super().__init__(name=name, **kwargs)
        self.kid_tracker = keras.metrics.Mean(name="kid_tracker")
        self.encoder = keras.Sequential(
            [
                keras.Input(shape=(image_size, image_size, 3)),
                layers.Rescaling(255.0),
                layers.Resizing(height=kid_image_size, width=kid_image_size),
                layers.Lambda(keras.applications.inception_v3.preprocess_input),
                layers.Conv2D(16, 3, strides=2, activation="relu"),
                layers.GlobalAveragePooling2D(),
            ],
            name="inception_encoder",
        )
        self.encoder.set_weights([np.random.default_rng(2).normal(size=(3, 3, 3, 16))
                                  .astype("float32") * 0.3, np.zeros(16, "float32")])

    def polynomial_kernel(self, features_1, features_2):
        feature_dimensions = ops.cast(ops.shape(features_1)[1], dtype="float32")
        return (features_1 @ ops.transpose(features_2) / feature_dimensions + 1.0) ** 3.0

    def update_state(self, real_images, generated_images, sample_weight=None):
        real_features = self.encoder(real_images, training=False)
        generated_features = self.encoder(generated_images, training=False)
        kernel_real = self.polynomial_kernel(real_features, real_features)
        kernel_generated = self.polynomial_kernel(generated_features, generated_features)
        kernel_cross = self.polynomial_kernel(real_features, generated_features)
        batch_size = real_features.shape[0]
        batch_size_f = ops.cast(batch_size, dtype="float32")
        mean_kernel_real = ops.sum(kernel_real * (1.0 - ops.eye(batch_size))) / (
            batch_size_f * (batch_size_f - 1.0))
        mean_kernel_generated = ops.sum(kernel_generated * (1.0 - ops.eye(batch_size))) / (
            batch_size_f * (batch_size_f - 1.0))
        mean_kernel_cross = ops.mean(kernel_cross)
        kid = mean_kernel_real + mean_kernel_generated - 2.0 * mean_kernel_cross
        self.kid_tracker.update_state(kid)

    def result(self):
        return self.kid_tracker.result()

    def reset_state(self):
        self.kid_tracker.reset_state()


@keras.saving.register_keras_serializable()
def sinusoidal_embedding(x):
    embedding_min_frequency = 1.0
    frequencies = ops.exp(ops.linspace(ops.log(embedding_min_frequency),
                                       ops.log(embedding_max_frequency),
                                       embedding_dims // 2))
    angular_speeds = ops.cast(2.0 * math.pi * frequencies, "float32")
    embeddings = ops.concatenate([ops.sin(angular_speeds * x), ops.cos(angular_speeds * x)],
                                 axis=3)
    return embeddings


def ResidualBlock(width):
    def apply(x):
        input_width = x.shape[3]
        if input_width == width:
            residual = x
        else:
            residual = layers.Conv2D(width, kernel_size=1)(x)
        x = layers.BatchNormalization(center=False, scale=False)(x)
        x = layers.Conv2D(width, kernel_size=3, padding="same", activation="swish")(x)
        x = layers.Conv2D(width, kernel_size=3, padding="same")(x)
        x = layers.Add()([x, residual])
        return x

    return apply


def DownBlock(width, block_depth):
    def apply(x):
        x, skips = x
        for _ in range(block_depth):
            x = ResidualBlock(width)(x)
            skips.append(x)
        x = layers.AveragePooling2D(pool_size=2)(x)
        return x

    return apply


def UpBlock(width, block_depth):
    def apply(x):
        x, skips = x
        x = layers.UpSampling2D(size=2, interpolation="bilinear")(x)
        for _ in range(block_depth):
            x = layers.Concatenate()([x, skips.pop()])
            x = ResidualBlock(width)(x)
        return x

    return apply


def get_network(image_size, widths, block_depth):
    noisy_images = keras.Input(shape=(image_size, image_size, 3))
    noise_variances = keras.Input(shape=(1, 1, 1))

    e = layers.Lambda(sinusoidal_embedding, output_shape=(1, 1, embedding_dims))(noise_variances)
    e = layers.UpSampling2D(size=image_size, interpolation="nearest")(e)

    x = layers.Conv2D(widths[0], kernel_size=1)(noisy_images)
    x = layers.Concatenate()([x, e])

    skips = []
    for width in widths[:-1]:
        x = DownBlock(width, block_depth)([x, skips])

    for _ in range(block_depth):
        x = ResidualBlock(widths[-1])(x)

    for width in reversed(widths[:-1]):
        x = UpBlock(width, block_depth)([x, skips])

    x = layers.Conv2D(3, kernel_size=1, kernel_initializer="zeros")(x)

    return keras.Model([noisy_images, noise_variances], x, name="residual_unet")


@keras.saving.register_keras_serializable()
class DiffusionModel(keras.Model):
    def __init__(self, image_size, widths, block_depth, **kwargs):
        super().__init__(**kwargs)
        self.normalizer = layers.Normalization()
        self.network = get_network(image_size, widths, block_depth)
        self.ema_network = keras.models.clone_model(self.network)

    def compile(self, **kwargs):
        super().compile(**kwargs)
        self.noise_loss_tracker = keras.metrics.Mean(name="n_loss")
        self.image_loss_tracker = keras.metrics.Mean(name="i_loss")
        self.kid = KID(name="kid")

    @property
    def metrics(self):
        return [self.noise_loss_tracker, self.image_loss_tracker, self.kid]

    def denormalize(self, images):
        images = self.normalizer.mean + images * self.normalizer.variance**0.5
        return ops.clip(images, 0.0, 1.0)

    def diffusion_schedule(self, diffusion_times):
        start_angle = ops.cast(ops.arccos(max_signal_rate), "float32")
        end_angle = ops.cast(ops.arccos(min_signal_rate), "float32")
        diffusion_angles = start_angle + diffusion_times * (end_angle - start_angle)
        signal_rates = ops.cos(diffusion_angles)
        noise_rates = ops.sin(diffusion_angles)
        return noise_rates, signal_rates

    def denoise(self, noisy_images, noise_rates, signal_rates, training):
        if training:
            network = self.network
        else:
            network = self.ema_network
        pred_noises = network([noisy_images, noise_rates**2], training=training)
        pred_images = (noisy_images - noise_rates * pred_noises) / signal_rates
        return pred_noises, pred_images

    def reverse_diffusion(self, initial_noise, diffusion_steps):
        num_images = initial_noise.shape[0]
        step_size = 1.0 / diffusion_steps
        next_noisy_images = initial_noise
        for step in range(diffusion_steps):
            noisy_images = next_noisy_images
            diffusion_times = ops.ones((num_images, 1, 1, 1)) - step * step_size
            noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
            pred_noises, pred_images = self.denoise(noisy_images, noise_rates, signal_rates,
                                                    training=False)
            next_diffusion_times = diffusion_times - step_size
            next_noise_rates, next_signal_rates = self.diffusion_schedule(next_diffusion_times)
            next_noisy_images = next_signal_rates * pred_images + next_noise_rates * pred_noises
        return pred_images

    def generate(self, num_images, diffusion_steps):
        initial_noise = bank_normal(shape=(num_images, image_size, image_size, 3))
        generated_images = self.reverse_diffusion(initial_noise, diffusion_steps)
        generated_images = self.denormalize(generated_images)
        return generated_images

    def train_step(self, images):
        images = self.normalizer(images, training=True)
        noises = bank_normal(shape=(batch_size, image_size, image_size, 3))
        diffusion_times = bank_uniform(shape=(batch_size, 1, 1, 1))
        noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
        noisy_images = signal_rates * images + noise_rates * noises

        with tf.GradientTape() as tape:
            pred_noises, pred_images = self.denoise(noisy_images, noise_rates, signal_rates,
                                                    training=True)
            noise_loss = self.loss(noises, pred_noises)
            image_loss = self.loss(images, pred_images)

        gradients = tape.gradient(noise_loss, self.network.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.network.trainable_weights))

        self.noise_loss_tracker.update_state(noise_loss)
        self.image_loss_tracker.update_state(image_loss)

        for weight, ema_weight in zip(self.network.weights, self.ema_network.weights):
            ema_weight.assign(ema * ema_weight + (1 - ema) * weight)

        return {m.name: m.result() for m in self.metrics[:-1]}

    def test_step(self, images):
        images = self.normalizer(images, training=False)
        noises = bank_normal(shape=(batch_size, image_size, image_size, 3))
        diffusion_times = bank_uniform(shape=(batch_size, 1, 1, 1))
        noise_rates, signal_rates = self.diffusion_schedule(diffusion_times)
        noisy_images = signal_rates * images + noise_rates * noises

        pred_noises, pred_images = self.denoise(noisy_images, noise_rates, signal_rates,
                                                training=False)
        noise_loss = self.loss(noises, pred_noises)
        image_loss = self.loss(images, pred_images)

        self.image_loss_tracker.update_state(image_loss)
        self.noise_loss_tracker.update_state(noise_loss)

        images = self.denormalize(images)
        generated_images = self.generate(num_images=batch_size,
                                         diffusion_steps=kid_diffusion_steps)
        self.kid.update_state(images, generated_images)

        return {m.name: m.result() for m in self.metrics}

    def plot_images(self, epoch=None, logs=None, num_rows=2, num_cols=3):
        generated_images = self.generate(num_images=num_rows * num_cols,
                                         diffusion_steps=plot_diffusion_steps)
        plotted.append(ops.convert_to_numpy(generated_images))


plotted = []
model = DiffusionModel(image_size, widths, block_depth)
weights_rng = np.random.default_rng(5)
start = [weights_rng.normal(size=w.shape).astype("float32") * 0.2 if w.ndim == 4
         else np.zeros(w.shape, "float32") + (w.max() == 1) for w in model.network.get_weights()]
model.network.set_weights(start)
model.ema_network.set_weights(start)
model.compile(
    optimizer=keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay),
    loss=keras.losses.mean_absolute_error,
    run_eagerly=True,  # the NumPy banks are read once per step, not once per trace
)
model.normalizer.adapt(train_dataset)
# Keras 3 saves (and loads) the weights of a built model only: the example's model has no
# call, so it is built by hand
model.build((None, image_size, image_size, 3))
RESULT = {"normalizer_mean": float(np.mean(model.normalizer.mean)),
          "network_params": float(model.network.count_params()),
          "ema_is_clone": float(model.ema_network is not model.network
                                and len(model.ema_network.weights)
                                == len(model.network.weights))}

checkpoint_path = "checkpoints/diffusion_model.weights.h5"
checkpoint_callback = keras.callbacks.ModelCheckpoint(
    filepath=checkpoint_path, save_weights_only=True, monitor="val_kid", mode="min",
    save_best_only=True)
history = model.fit(
    train_dataset,
    epochs=num_epochs,
    validation_data=val_dataset,
    callbacks=[keras.callbacks.LambdaCallback(on_epoch_end=model.plot_images),
               checkpoint_callback],
    verbose=0,
)
for key in ("n_loss", "i_loss", "val_n_loss", "val_i_loss", "val_kid"):
    for epoch, value in enumerate(history.history[key]):
        RESULT[f"{key}_{epoch}"] = float(value)
RESULT["history_keys"] = float(len(history.history))
RESULT["plotted"] = float(len(plotted))
RESULT["plotted_min"] = float(np.min(plotted[-1]))
RESULT["plotted_max"] = float(np.max(plotted[-1]))
RESULT["ema_gap"] = float(sum(np.abs(a - b).sum() for a, b in zip(
    model.network.get_weights(), model.ema_network.get_weights())))
RESULT["checkpoint_written"] = float(os.path.exists(checkpoint_path))

saved = [w.copy() for w in model.get_weights()]
model.network.set_weights([w * 0 for w in model.network.get_weights()])
model.load_weights(checkpoint_path)
best_epoch = int(np.argmin(history.history["val_kid"]))
RESULT["best_epoch"] = float(best_epoch)
RESULT["reloaded_gap"] = float(sum(np.abs(a - b).sum()
                                   for a, b in zip(saved, model.get_weights())))
model.plot_images()
RESULT["final_plot_mean"] = float(np.mean(plotted[-1]))
print(RESULT)
