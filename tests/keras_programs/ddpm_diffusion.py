"""After the keras.io example "Denoising Diffusion Probabilistic Model": the GaussianDiffusion
utilities (a linear variance schedule worked out in float64 NumPy and kept as tf.constant
tables; _extract by tf.gather and a reshape to (batch, 1, 1, 1); q_sample, q_mean_variance,
predict_start_from_noise, q_posterior, p_mean_variance with tf.clip_by_value, p_sample with a
mask that drops the noise at t == 0), a U-Net taking an image and an int64 time step
(TimeEmbedding of sines and cosines made with tf.exp in __init__, TimeMLP, ResidualBlocks of
GroupNormalization, swish and Conv2D with the time embedding added through [:, None, None, :],
an AttentionBlock of tf.einsum and tf.nn.softmax, DownSample, UpSample, skips concatenated)
with VarianceScaling(mode="fan_avg", distribution="uniform") kernels, and a DiffusionModel whose
train_step samples time steps and noise, takes a tf.GradientTape of self.loss and updates an
EMA network by assign; generation runs the reverse process with ema_network.predict.

The images are 8x8 blobs (the example's 64x64 flowers), the U-Net has widths 8 and 16 with
attention at the second, one residual block per level, and 20 time steps (the example's
1000). The networks' weights are a NumPy draw, so the schedule's tables, a diffusion of NumPy
noise at fixed time steps, the U-Net's prediction and a reverse step at t == 0 (which draws no
noise) are TensorFlow's; the training draws time steps and noise with tf.random and is
compared loosely.
"""

import math

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

tf.random.set_seed(3)
rng = np.random.default_rng(11)

batch_size = 8
num_epochs = 4
total_timesteps = 20
norm_groups = 4  # Number of groups used in GroupNormalization layer
learning_rate = 2e-3

img_size = 8
img_channels = 3
clip_min = -1.0
clip_max = 1.0

first_conv_channels = 8
channel_multiplier = [1, 2]
widths = [first_conv_channels * mult for mult in channel_multiplier]
has_attention = [False, True]
num_res_blocks = 1  # Number of residual blocks


def make_blobs(count):
    grid = np.stack(np.meshgrid(np.arange(img_size), np.arange(img_size), indexing="ij"), -1)
    centres = rng.uniform(2.0, img_size - 2.0, (count, 1, 1, 2))
    colours = rng.uniform(-0.5, 1.0, (count, 1, 1, img_channels))
    distance = np.sum((grid[None] - centres) ** 2, axis=-1, keepdims=True)
    return (np.exp(-distance / 4.0) * (colours + 1.0) * 2.0 - 1.0).clip(-1, 1).astype(np.float32)


images = make_blobs(64)
train_ds = (
    tf.data.Dataset.from_tensor_slices(images)
    .batch(batch_size, drop_remainder=True)
    .shuffle(batch_size * 2)
    .prefetch(tf.data.AUTOTUNE)
)


class GaussianDiffusion:
    """Gaussian diffusion utility.

    Args:
        beta_start: Start value of the scheduled variance
        beta_end: End value of the scheduled variance
        timesteps: Number of time steps in the forward process
    """

    def __init__(self, beta_start=1e-4, beta_end=0.02, timesteps=1000, clip_min=-1.0,
                 clip_max=1.0):
        self.beta_start = beta_start
        self.beta_end = beta_end
        self.timesteps = timesteps
        self.clip_min = clip_min
        self.clip_max = clip_max

        # Define the linear variance schedule (in float64 for the precision)
        self.betas = betas = np.linspace(beta_start, beta_end, timesteps, dtype=np.float64)
        self.num_timesteps = int(timesteps)

        alphas = 1.0 - betas
        alphas_cumprod = np.cumprod(alphas, axis=0)
        alphas_cumprod_prev = np.append(1.0, alphas_cumprod[:-1])

        self.betas = tf.constant(betas, dtype=tf.float32)
        self.alphas_cumprod = tf.constant(alphas_cumprod, dtype=tf.float32)
        self.alphas_cumprod_prev = tf.constant(alphas_cumprod_prev, dtype=tf.float32)

        # Calculations for diffusion q(x_t | x_{t-1}) and others
        self.sqrt_alphas_cumprod = tf.constant(np.sqrt(alphas_cumprod), dtype=tf.float32)
        self.sqrt_one_minus_alphas_cumprod = tf.constant(
            np.sqrt(1.0 - alphas_cumprod), dtype=tf.float32)
        self.log_one_minus_alphas_cumprod = tf.constant(
            np.log(1.0 - alphas_cumprod), dtype=tf.float32)
        self.sqrt_recip_alphas_cumprod = tf.constant(
            np.sqrt(1.0 / alphas_cumprod), dtype=tf.float32)
        self.sqrt_recipm1_alphas_cumprod = tf.constant(
            np.sqrt(1.0 / alphas_cumprod - 1), dtype=tf.float32)

        # Calculations for posterior q(x_{t-1} | x_t, x_0)
        posterior_variance = betas * (1.0 - alphas_cumprod_prev) / (1.0 - alphas_cumprod)
        self.posterior_variance = tf.constant(posterior_variance, dtype=tf.float32)

        # Log calculation clipped because the posterior variance is 0 at the beginning
        # of the diffusion chain
        self.posterior_log_variance_clipped = tf.constant(
            np.log(np.maximum(posterior_variance, 1e-20)), dtype=tf.float32)
        self.posterior_mean_coef1 = tf.constant(
            betas * np.sqrt(alphas_cumprod_prev) / (1.0 - alphas_cumprod), dtype=tf.float32)
        self.posterior_mean_coef2 = tf.constant(
            (1.0 - alphas_cumprod_prev) * np.sqrt(alphas) / (1.0 - alphas_cumprod),
            dtype=tf.float32)

    def _extract(self, a, t, x_shape):
        """Extract some coefficients at specified timesteps, then reshape to
        [batch_size, 1, 1, 1] for broadcasting purposes."""
        batch_size = x_shape[0]
        out = tf.gather(a, t)
        return tf.reshape(out, [batch_size, 1, 1, 1])

    def q_mean_variance(self, x_start, t):
        """Extracts the mean, and the variance at current timestep."""
        x_start_shape = tf.shape(x_start)
        mean = self._extract(self.sqrt_alphas_cumprod, t, x_start_shape) * x_start
        variance = self._extract(1.0 - self.alphas_cumprod, t, x_start_shape)
        log_variance = self._extract(self.log_one_minus_alphas_cumprod, t, x_start_shape)
        return mean, variance, log_variance

    def q_sample(self, x_start, t, noise):
        """Diffuse the data."""
        x_start_shape = tf.shape(x_start)
        return (
            self._extract(self.sqrt_alphas_cumprod, t, tf.shape(x_start)) * x_start
            + self._extract(self.sqrt_one_minus_alphas_cumprod, t, x_start_shape) * noise
        )

    def predict_start_from_noise(self, x_t, t, noise):
        x_t_shape = tf.shape(x_t)
        return (
            self._extract(self.sqrt_recip_alphas_cumprod, t, x_t_shape) * x_t
            - self._extract(self.sqrt_recipm1_alphas_cumprod, t, x_t_shape) * noise
        )

    def q_posterior(self, x_start, x_t, t):
        """Compute the mean and variance of the diffusion posterior q(x_{t-1} | x_t, x_0)."""
        x_t_shape = tf.shape(x_t)
        posterior_mean = (
            self._extract(self.posterior_mean_coef1, t, x_t_shape) * x_start
            + self._extract(self.posterior_mean_coef2, t, x_t_shape) * x_t
        )
        posterior_variance = self._extract(self.posterior_variance, t, x_t_shape)
        posterior_log_variance_clipped = self._extract(
            self.posterior_log_variance_clipped, t, x_t_shape)
        return posterior_mean, posterior_variance, posterior_log_variance_clipped

    def p_mean_variance(self, pred_noise, x, t, clip_denoised=True):
        x_recon = self.predict_start_from_noise(x, t=t, noise=pred_noise)
        if clip_denoised:
            x_recon = tf.clip_by_value(x_recon, self.clip_min, self.clip_max)

        model_mean, posterior_variance, posterior_log_variance = self.q_posterior(
            x_start=x_recon, x_t=x, t=t)
        return model_mean, posterior_variance, posterior_log_variance

    def p_sample(self, pred_noise, x, t, clip_denoised=True):
        """Sample from the diffusion model."""
        model_mean, _, model_log_variance = self.p_mean_variance(
            pred_noise, x=x, t=t, clip_denoised=clip_denoised)
        noise = tf.random.normal(shape=x.shape, dtype=x.dtype)
        # No noise when t == 0
        nonzero_mask = tf.reshape(
            1 - tf.cast(tf.equal(t, 0), tf.float32), [tf.shape(x)[0], 1, 1, 1])
        return model_mean + nonzero_mask * tf.exp(0.5 * model_log_variance) * noise


# Kernel initializer to use
def kernel_init(scale):
    scale = max(scale, 1e-10)
    return keras.initializers.VarianceScaling(scale, mode="fan_avg", distribution="uniform")


class AttentionBlock(layers.Layer):
    """Applies self-attention."""

    def __init__(self, units, groups=8, **kwargs):
        self.units = units
        self.groups = groups
        super().__init__(**kwargs)

        self.norm = layers.GroupNormalization(groups=groups)
        self.query = layers.Dense(units, kernel_initializer=kernel_init(1.0))
        self.key = layers.Dense(units, kernel_initializer=kernel_init(1.0))
        self.value = layers.Dense(units, kernel_initializer=kernel_init(1.0))
        self.proj = layers.Dense(units, kernel_initializer=kernel_init(0.0))

    def call(self, inputs):
        batch_size = tf.shape(inputs)[0]
        height = tf.shape(inputs)[1]
        width = tf.shape(inputs)[2]
        scale = tf.cast(self.units, tf.float32) ** (-0.5)

        inputs = self.norm(inputs)
        q = self.query(inputs)
        k = self.key(inputs)
        v = self.value(inputs)

        attn_score = tf.einsum("bhwc, bHWc->bhwHW", q, k) * scale
        attn_score = tf.reshape(attn_score, [batch_size, height, width, height * width])

        attn_score = tf.nn.softmax(attn_score, -1)
        attn_score = tf.reshape(attn_score, [batch_size, height, width, height, width])

        proj = tf.einsum("bhwHW,bHWc->bhwc", attn_score, v)
        proj = self.proj(proj)
        return inputs + proj


class TimeEmbedding(layers.Layer):
    def __init__(self, dim, **kwargs):
        super().__init__(**kwargs)
        self.dim = dim
        self.half_dim = dim // 2
        self.emb = math.log(10000) / (self.half_dim - 1)
        self.emb = tf.exp(tf.range(self.half_dim, dtype=tf.float32) * -self.emb)

    def call(self, inputs):
        inputs = tf.cast(inputs, dtype=tf.float32)
        emb = inputs[:, None] * self.emb[None, :]
        emb = tf.concat([tf.sin(emb), tf.cos(emb)], axis=-1)
        return emb


def ResidualBlock(width, groups=8, activation_fn=keras.activations.swish):
    def apply(inputs):
        x, t = inputs
        input_width = x.shape[3]

        if input_width == width:
            residual = x
        else:
            residual = layers.Conv2D(width, kernel_size=1, kernel_initializer=kernel_init(1.0))(x)

        temb = activation_fn(t)
        temb = layers.Dense(width, kernel_initializer=kernel_init(1.0))(temb)[:, None, None, :]

        x = layers.GroupNormalization(groups=groups)(x)
        x = activation_fn(x)
        x = layers.Conv2D(width, kernel_size=3, padding="same",
                          kernel_initializer=kernel_init(1.0))(x)

        x = layers.Add()([x, temb])
        x = layers.GroupNormalization(groups=groups)(x)
        x = activation_fn(x)

        x = layers.Conv2D(width, kernel_size=3, padding="same",
                          kernel_initializer=kernel_init(0.0))(x)
        x = layers.Add()([x, residual])
        return x

    return apply


def DownSample(width):
    def apply(x):
        x = layers.Conv2D(width, kernel_size=3, strides=2, padding="same",
                          kernel_initializer=kernel_init(1.0))(x)
        return x

    return apply


def UpSample(width, interpolation="nearest"):
    def apply(x):
        x = layers.UpSampling2D(size=2, interpolation=interpolation)(x)
        x = layers.Conv2D(width, kernel_size=3, padding="same",
                          kernel_initializer=kernel_init(1.0))(x)
        return x

    return apply


def TimeMLP(units, activation_fn=keras.activations.swish):
    def apply(inputs):
        temb = layers.Dense(units, activation=activation_fn,
                            kernel_initializer=kernel_init(1.0))(inputs)
        temb = layers.Dense(units, kernel_initializer=kernel_init(1.0))(temb)
        return temb

    return apply


def build_model(img_size, img_channels, widths, has_attention, num_res_blocks=2,
                norm_groups=8, interpolation="nearest", activation_fn=keras.activations.swish):
    image_input = layers.Input(shape=(img_size, img_size, img_channels), name="image_input")
    time_input = keras.Input(shape=(), dtype=tf.int64, name="time_input")

    x = layers.Conv2D(first_conv_channels, kernel_size=(3, 3), padding="same",
                      kernel_initializer=kernel_init(1.0))(image_input)

    temb = TimeEmbedding(dim=first_conv_channels * 4)(time_input)
    temb = TimeMLP(units=first_conv_channels * 4, activation_fn=activation_fn)(temb)

    skips = [x]

    # DownBlock
    for i in range(len(widths)):
        for _ in range(num_res_blocks):
            x = ResidualBlock(widths[i], groups=norm_groups, activation_fn=activation_fn)(
                [x, temb])
            if has_attention[i]:
                x = AttentionBlock(widths[i], groups=norm_groups)(x)
            skips.append(x)

        if widths[i] != widths[-1]:
            x = DownSample(widths[i])(x)
            skips.append(x)

    # MiddleBlock
    x = ResidualBlock(widths[-1], groups=norm_groups, activation_fn=activation_fn)([x, temb])
    x = AttentionBlock(widths[-1], groups=norm_groups)(x)
    x = ResidualBlock(widths[-1], groups=norm_groups, activation_fn=activation_fn)([x, temb])

    # UpBlock
    for i in reversed(range(len(widths))):
        for _ in range(num_res_blocks + 1):
            x = layers.Concatenate(axis=-1)([x, skips.pop()])
            x = ResidualBlock(widths[i], groups=norm_groups, activation_fn=activation_fn)(
                [x, temb])
            if has_attention[i]:
                x = AttentionBlock(widths[i], groups=norm_groups)(x)

        if i != 0:
            x = UpSample(widths[i], interpolation=interpolation)(x)

    # End block
    x = layers.GroupNormalization(groups=norm_groups)(x)
    x = activation_fn(x)
    x = layers.Conv2D(3, (3, 3), padding="same", kernel_initializer=kernel_init(0.0))(x)
    return keras.Model([image_input, time_input], x, name="unet")


class DiffusionModel(keras.Model):
    def __init__(self, network, ema_network, timesteps, gdf_util, ema=0.999):
        super().__init__()
        self.network = network
        self.ema_network = ema_network
        self.timesteps = timesteps
        self.gdf_util = gdf_util
        self.ema = ema

    def train_step(self, images):
        # 1. Get the batch size
        batch_size = tf.shape(images)[0]

        # 2. Sample timesteps uniformly
        t = tf.random.uniform(minval=0, maxval=self.timesteps, shape=(batch_size,),
                              dtype=tf.int64)

        with tf.GradientTape() as tape:
            # 3. Sample random noise to be added to the images in the batch
            noise = tf.random.normal(shape=tf.shape(images), dtype=images.dtype)

            # 4. Diffuse the images with noise
            images_t = self.gdf_util.q_sample(images, t, noise)

            # 5. Pass the diffused images and time steps to the network
            pred_noise = self.network([images_t, t], training=True)

            # 6. Calculate the loss
            loss = self.loss(noise, pred_noise)

        # 7. Get the gradients
        gradients = tape.gradient(loss, self.network.trainable_weights)

        # 8. Update the weights of the network
        self.optimizer.apply_gradients(zip(gradients, self.network.trainable_weights))

        # 9. Updates the weight values for the network with EMA weights
        for weight, ema_weight in zip(self.network.weights, self.ema_network.weights):
            ema_weight.assign(self.ema * ema_weight + (1 - self.ema) * weight)

        # 10. Return loss values
        return {"loss": loss}

    def generate_images(self, num_images=16):
        # 1. Randomly sample noise (starting point for reverse process)
        samples = tf.random.normal(shape=(num_images, img_size, img_size, img_channels),
                                   dtype=tf.float32)
        # 2. Sample from the model iteratively
        for t in reversed(range(0, self.timesteps)):
            tt = tf.cast(tf.fill(num_images, t), dtype=tf.int64)
            pred_noise = self.ema_network.predict([samples, tt], verbose=0,
                                                  batch_size=num_images)
            samples = self.gdf_util.p_sample(pred_noise, samples, tt, clip_denoised=True)
        # 3. Return generated samples
        return samples


# Build the unet model
network = build_model(img_size=img_size, img_channels=img_channels, widths=widths,
                      has_attention=has_attention, num_res_blocks=num_res_blocks,
                      norm_groups=norm_groups, activation_fn=keras.activations.swish)
ema_network = build_model(img_size=img_size, img_channels=img_channels, widths=widths,
                          has_attention=has_attention, num_res_blocks=num_res_blocks,
                          norm_groups=norm_groups, activation_fn=keras.activations.swish)
# kernels a NumPy draw; biases (zeros) and the GroupNormalization gammas (ones) and betas
# (zeros) as initialized
network.set_weights([rng.normal(0.0, 0.2, w.shape).astype(np.float32) if w.ndim > 1 else w
                     for w in network.get_weights()])
ema_network.set_weights(network.get_weights())  # Initially the weights are the same
initial_weights = network.get_weights()

# Get an instance of the Gaussian Diffusion utilities
gdf_util = GaussianDiffusion(timesteps=total_timesteps)

# The forward process on NumPy noise at fixed time steps, the U-Net's prediction of that
# noise, and the reverse step at t == 0 (no noise drawn)
x_start = images[:batch_size]
fixed_noise = rng.normal(size=x_start.shape).astype(np.float32)
fixed_t = tf.constant(np.arange(batch_size) * 2 + 1, dtype=tf.int64)
x_t = gdf_util.q_sample(x_start, fixed_t, fixed_noise)
mean, variance, log_variance = gdf_util.q_mean_variance(x_start, fixed_t)
recovered = gdf_util.predict_start_from_noise(x_t, fixed_t, fixed_noise)
pred_noise = network.predict([x_t, fixed_t], verbose=0)
zero_t = tf.zeros((batch_size,), dtype=tf.int64)
step_at_zero = gdf_util.p_sample(pred_noise, x_t, zero_t, clip_denoised=True)
posterior_mean, posterior_var, _ = gdf_util.q_posterior(x_start, x_t, fixed_t)

# Get the model
model = DiffusionModel(network=network, ema_network=ema_network, gdf_util=gdf_util,
                       timesteps=total_timesteps, ema=0.9)

# Compile the model
model.compile(
    loss=keras.losses.MeanSquaredError(),
    optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
    jit_compile=False,
)

# The example plots images at each epoch's end; here the callback keeps the epochs and each
# batch's loss (the epoch's logs report the compiled loss tracker, which this train_step
# leaves alone, as Keras does)
epoch_ends = []
batch_losses = []
history = model.fit(
    train_ds,
    epochs=num_epochs,
    batch_size=batch_size,
    callbacks=[keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: epoch_ends.append(epoch),
        on_train_batch_end=lambda batch, logs: batch_losses.append(float(logs["loss"])))],
    verbose=0,
)

generated = np.asarray(model.generate_images(num_images=4))


def distance(weights_a, weights_b):
    return float(sum(np.abs(a - b).sum() for a, b in zip(weights_a, weights_b, strict=True)))


ema_moved = distance(ema_network.get_weights(), initial_weights)
network_moved = distance(network.get_weights(), initial_weights)
steps = len(images) // batch_size
losses = [np.mean(batch_losses[i:i + steps]) for i in range(0, len(batch_losses), steps)]

RESULT = {
    "network_params": float(network.count_params()),
    "network_inputs": float(len(network.inputs)),
    "alphas_cumprod_last": float(gdf_util.alphas_cumprod[-1]),
    "posterior_variance_first": float(gdf_util.posterior_variance[0]),
    "coef1_first": float(gdf_util.posterior_mean_coef1[0]),
    "coef2_first": float(gdf_util.posterior_mean_coef2[0]),
    "coef_sum": float(np.sum(gdf_util.posterior_mean_coef1) + np.sum(
        gdf_util.posterior_mean_coef2)),
    "x_t_sum": float(np.sum(x_t)),
    "x_t_abs_sum": float(np.abs(np.asarray(x_t)).sum()),
    "mean_sum": float(np.sum(mean)),
    "variance_sum": float(np.sum(variance)),
    "log_variance_sum": float(np.sum(log_variance)),
    "recovered_gap": float(np.abs(np.asarray(recovered) - x_start).max()),
    "posterior_mean_sum": float(np.sum(posterior_mean)),
    "posterior_var_sum": float(np.sum(posterior_var)),
    "pred_noise_sum": float(pred_noise.sum()),
    "pred_noise_abs_sum": float(np.abs(pred_noise).sum()),
    "step_at_zero_sum": float(np.sum(step_at_zero)),
    "step_at_zero_in_range": float(np.abs(np.asarray(step_at_zero)).max() <= 1.0),
    "epochs_seen": float(len(epoch_ends)),
    "history_loss": float(history.history["loss"][-1]),
    "batches_seen": float(len(batch_losses)),
    "loss_first": float(losses[0]),
    "loss_last": float(losses[-1]),
    "ema_over_network_moved": ema_moved / network_moved,
    "generated_shape_sum": float(sum(generated.shape)),
    "generated_in_range": float(np.abs(generated).max() <= 1.0),
}

if __name__ == "__main__":
    for key, value in RESULT.items():
        print(f"{key}: {value:.6g}")
