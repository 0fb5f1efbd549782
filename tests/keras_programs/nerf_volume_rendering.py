"""After the keras.io example "3D volumetric rendering with NeRF": rays cast from camera poses,
points sampled along them and encoded with sines and cosines, an MLP with a skip connection
giving colour and density per point, and the volume rendering (transmittance as an exclusive
tf.math.cumprod, weights summed along the ray) in a keras.Model subclass whose train_step
takes a tf.GradientTape and reports tf.image.psnr.

The pipeline is the example's: tf.data.Dataset.from_tensor_slices of the poses mapped to
(rays_flat, t_vals) by get_rays and render_flat_rays (tf.meshgrid, tf.linspace, tf.broadcast_to,
uniform jitter of the samples), zipped with the images, shuffled, batched with drop_remainder
and prefetched. The scene is smaller (8x8 images, 8 samples per ray, 4 encoding frequencies,
a 6-layer MLP of 32 units; the example has 100x100 images, 32 samples and 16 frequencies) and
synthetic: each pose's image is a smooth colour ramp drawn with NumPy. The MLP's weights are a
NumPy draw, so the rendering of one batch without jitter (rand=False) is TensorFlow's to
float32 rounding; the training, with tf.random jitter and a shuffle, is compared loosely.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

tf.random.set_seed(42)

AUTO = tf.data.AUTOTUNE
BATCH_SIZE = 2
NUM_SAMPLES = 8
POS_ENCODE_DIMS = 4
EPOCHS = 6
H = W = 8
focal = np.float32(10.0)
rng = np.random.default_rng(7)


def pose_spherical(theta, phi, t):
    # the example's camera-to-world matrix at a given azimuth, elevation and radius
    c2w = np.array([[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, t], [0, 0, 0, 1]], dtype=np.float32)
    phi = phi / 180.0 * np.pi
    rot_phi = np.array([[1, 0, 0, 0], [0, np.cos(phi), -np.sin(phi), 0],
                        [0, np.sin(phi), np.cos(phi), 0], [0, 0, 0, 1]], dtype=np.float32)
    c2w = rot_phi @ c2w
    theta = theta / 180.0 * np.pi
    rot_theta = np.array([[np.cos(theta), 0, -np.sin(theta), 0], [0, 1, 0, 0],
                          [np.sin(theta), 0, np.cos(theta), 0], [0, 0, 0, 1]], dtype=np.float32)
    c2w = rot_theta @ c2w
    c2w = np.array([[-1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]) @ c2w
    return c2w.astype(np.float32)


num_images = 10
poses = np.stack([pose_spherical(36.0 * i, -30.0, 4.0) for i in range(num_images)])
ramp = np.linspace(0.0, 1.0, H, dtype=np.float32)
images = np.stack([
    np.stack([np.tile(ramp[:, None], (1, W)) * (0.5 + 0.05 * i),
              np.tile(ramp[None, :], (H, 1)) * 0.6,
              np.full((H, W), 0.2 + 0.05 * i, dtype=np.float32)], axis=-1)
    for i in range(num_images)]).astype(np.float32)

split_index = int(num_images * 0.8)
train_images, val_images = images[:split_index], images[split_index:]
train_poses, val_poses = poses[:split_index], poses[split_index:]


def encode_position(x):
    """Encodes the position into its corresponding Fourier feature."""
    positions = [x]
    for i in range(POS_ENCODE_DIMS):
        for fn in [tf.sin, tf.cos]:
            positions.append(fn(2.0**i * x))
    return tf.concat(positions, axis=-1)


def get_rays(height, width, focal, pose):
    """Computes origin point and direction vector of rays."""
    i, j = tf.meshgrid(
        tf.range(width, dtype=tf.float32),
        tf.range(height, dtype=tf.float32),
        indexing="xy",
    )
    transformed_i = (i - width * 0.5) / focal
    transformed_j = (j - height * 0.5) / focal
    directions = tf.stack([transformed_i, -transformed_j, -tf.ones_like(i)], axis=-1)
    camera_matrix = pose[:3, :3]
    height_width_focal = pose[:3, -1]
    transformed_dirs = directions[..., None, :]
    camera_dirs = transformed_dirs * camera_matrix
    ray_directions = tf.reduce_sum(camera_dirs, axis=-1)
    ray_origins = tf.broadcast_to(height_width_focal, tf.shape(ray_directions))
    return (ray_origins, ray_directions)


def render_flat_rays(ray_origins, ray_directions, near, far, num_samples, rand=False):
    """Renders the rays and flattens it."""
    t_vals = tf.linspace(near, far, num_samples)
    if rand:
        shape = list(ray_origins.shape[:-1]) + [num_samples]
        noise = tf.random.uniform(shape=shape) * (far - near) / num_samples
        t_vals = t_vals + noise
    rays = ray_origins[..., None, :] + (ray_directions[..., None, :] * t_vals[..., None])
    rays_flat = tf.reshape(rays, [-1, 3])
    rays_flat = encode_position(rays_flat)
    return (rays_flat, t_vals)


def map_fn(pose):
    """Maps individual pose to flattened rays and sample points."""
    (ray_origins, ray_directions) = get_rays(height=H, width=W, focal=focal, pose=pose)
    (rays_flat, t_vals) = render_flat_rays(
        ray_origins=ray_origins, ray_directions=ray_directions,
        near=2.0, far=6.0, num_samples=NUM_SAMPLES, rand=True)
    return (rays_flat, t_vals)


train_img_ds = tf.data.Dataset.from_tensor_slices(train_images)
train_pose_ds = tf.data.Dataset.from_tensor_slices(train_poses)
train_ray_ds = train_pose_ds.map(map_fn, num_parallel_calls=AUTO)
training_ds = tf.data.Dataset.zip((train_img_ds, train_ray_ds))
train_ds = (
    training_ds.shuffle(BATCH_SIZE)
    .batch(BATCH_SIZE, drop_remainder=True, num_parallel_calls=AUTO)
    .prefetch(AUTO)
)

val_img_ds = tf.data.Dataset.from_tensor_slices(val_images)
val_pose_ds = tf.data.Dataset.from_tensor_slices(val_poses)
val_ray_ds = val_pose_ds.map(map_fn, num_parallel_calls=AUTO)
validation_ds = tf.data.Dataset.zip((val_img_ds, val_ray_ds))
val_ds = (
    validation_ds.shuffle(BATCH_SIZE)
    .batch(BATCH_SIZE, drop_remainder=True, num_parallel_calls=AUTO)
    .prefetch(AUTO)
)


def get_nerf_model(num_layers, num_pos):
    """Generates the NeRF neural network."""
    inputs = keras.Input(shape=(num_pos, 2 * 3 * POS_ENCODE_DIMS + 3))
    x = inputs
    for i in range(num_layers):
        x = layers.Dense(units=32, activation="relu")(x)
        if i % 4 == 0 and i > 0:
            # Inject residual connection.
            x = layers.concatenate([x, inputs], axis=-1)
    outputs = layers.Dense(units=4)(x)
    return keras.Model(inputs=inputs, outputs=outputs)


def render_rgb_depth(model, rays_flat, t_vals, rand=True, train=True):
    """Generates the RGB image and depth map from model prediction."""
    if train:
        predictions = model(rays_flat)
    else:
        predictions = model.predict(rays_flat, verbose=0)
    predictions = tf.reshape(predictions, shape=(BATCH_SIZE, H, W, NUM_SAMPLES, 4))

    # Slice the predictions into rgb and sigma.
    rgb = tf.sigmoid(predictions[..., :-1])
    sigma_a = tf.nn.relu(predictions[..., -1])

    # Get the distance of adjacent intervals.
    delta = t_vals[..., 1:] - t_vals[..., :-1]
    # delta shape = (num_samples)
    if rand:
        delta = tf.concat(
            [delta, tf.broadcast_to([1e10], shape=(BATCH_SIZE, H, W, 1))], axis=-1)
        alpha = 1.0 - tf.exp(-sigma_a * delta)
    else:
        delta = tf.concat([delta, tf.broadcast_to([1e10], shape=(BATCH_SIZE, 1))], axis=-1)
        alpha = 1.0 - tf.exp(-sigma_a * delta[:, None, None, :])

    # Get transmittance.
    exp_term = 1.0 - alpha
    epsilon = 1e-10
    transmittance = tf.math.cumprod(exp_term + epsilon, axis=-1, exclusive=True)
    weights = alpha * transmittance
    rgb = tf.reduce_sum(weights[..., None] * rgb, axis=-2)

    if rand:
        depth_map = tf.reduce_sum(weights * t_vals, axis=-1)
    else:
        depth_map = tf.reduce_sum(weights * t_vals[:, None, None], axis=-1)
    return (rgb, depth_map)


class NeRF(keras.Model):
    def __init__(self, nerf_model):
        super().__init__()
        self.nerf_model = nerf_model

    def compile(self, optimizer, loss_fn):
        super().compile()
        self.optimizer = optimizer
        self.loss_fn = loss_fn
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.psnr_metric = keras.metrics.Mean(name="psnr")

    def train_step(self, inputs):
        # Get the images and the rays.
        (images, rays) = inputs
        (rays_flat, t_vals) = rays

        with tf.GradientTape() as tape:
            # Get the predictions from the model.
            rgb, _ = render_rgb_depth(
                model=self.nerf_model, rays_flat=rays_flat, t_vals=t_vals, rand=True)
            loss = self.loss_fn(images, rgb)

        # Get the trainable variables.
        trainable_variables = self.nerf_model.trainable_variables

        # Get the gradeints of the trainiable variables with respect to the loss.
        gradients = tape.gradient(loss, trainable_variables)

        # Apply the grads and optimize the model.
        self.optimizer.apply_gradients(zip(gradients, trainable_variables))

        # Get the PSNR of the reconstructed images and the source images.
        psnr = tf.image.psnr(images, rgb, max_val=1.0)

        # Compute our own metrics
        self.loss_tracker.update_state(loss)
        self.psnr_metric.update_state(psnr)
        return {"loss": self.loss_tracker.result(), "psnr": self.psnr_metric.result()}

    def test_step(self, inputs):
        # Get the images and the rays.
        (images, rays) = inputs
        (rays_flat, t_vals) = rays

        # Get the predictions from the model.
        rgb, _ = render_rgb_depth(
            model=self.nerf_model, rays_flat=rays_flat, t_vals=t_vals, rand=True)
        loss = self.loss_fn(images, rgb)

        # Get the PSNR of the reconstructed images and the source images.
        psnr = tf.image.psnr(images, rgb, max_val=1.0)

        # Compute our own metrics
        self.loss_tracker.update_state(loss)
        self.psnr_metric.update_state(psnr)
        return {"loss": self.loss_tracker.result(), "psnr": self.psnr_metric.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.psnr_metric]


num_pos = H * W * NUM_SAMPLES
nerf_model = get_nerf_model(num_layers=6, num_pos=num_pos)
nerf_model.set_weights([
    rng.normal(0.0, np.sqrt(2.0 / w.shape[0]) if w.ndim == 2 else 0.01, w.shape)
    .astype(np.float32) for w in nerf_model.get_weights()])

# One batch of rays without jitter, rendered by the untrained MLP through predict().
fixed = list(val_poses)
fixed_rays = [get_rays(height=H, width=W, focal=focal, pose=pose) for pose in fixed]
fixed_flat = [render_flat_rays(o, d, near=2.0, far=6.0, num_samples=NUM_SAMPLES, rand=False)
              for o, d in fixed_rays]
rays_flat_batch = tf.stack([flat for flat, _ in fixed_flat])
t_vals_batch = tf.stack([t for _, t in fixed_flat])
rgb_before, depth_before = render_rgb_depth(
    nerf_model, rays_flat_batch, t_vals_batch, rand=False, train=False)
rgb_before = np.asarray(rgb_before)
depth_before = np.asarray(depth_before)
ray_origins, ray_directions = fixed_rays[0]

model = NeRF(nerf_model)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss_fn=keras.losses.MeanSquaredError())
history = model.fit(train_ds, validation_data=val_ds, batch_size=BATCH_SIZE, epochs=EPOCHS,
                    verbose=0)

rgb_after, depth_after = render_rgb_depth(
    nerf_model, rays_flat_batch, t_vals_batch, rand=False, train=False)
rgb_after = np.asarray(rgb_after)
losses = history.history["loss"]

RESULT = {
    "rays_flat_width": float(rays_flat_batch.shape[-1]),
    "rays_per_image": float(rays_flat_batch.shape[1]),
    "t_vals_shape_sum": float(sum(t_vals_batch.shape)),
    "origin_gap": float(np.abs(np.asarray(ray_origins) - fixed[0][:3, -1]).max()),
    "direction_sum": float(np.asarray(ray_directions).sum()),
    "direction_abs_sum": float(np.abs(np.asarray(ray_directions)).sum()),
    "encoded_sum": float(np.asarray(rays_flat_batch).sum()),
    "rgb_shape_sum": float(sum(rgb_before.shape)),
    "depth_shape_sum": float(sum(depth_before.shape)),
    "rgb_sum_before": float(rgb_before.sum()),
    "depth_sum_before": float(depth_before.sum()),
    "rgb_in_range": float(rgb_before.min() >= 0.0 and rgb_before.max() <= 1.0),
    "depth_in_range": float(depth_before.min() >= 0.0 and depth_before.max() <= 6.0 + 1e-4),
    "mlp_params": float(nerf_model.count_params()),
    "history_keys": float(len(history.history)),
    "loss_first": float(losses[0]),
    "loss_last": float(losses[-1]),
    "psnr_first": float(history.history["psnr"][0]),
    "psnr_last": float(history.history["psnr"][-1]),
    "val_loss_last": float(history.history["val_loss"][-1]),
    "mse_after": float(np.mean((rgb_after - val_images) ** 2)),
    "mse_before": float(np.mean((rgb_before - val_images) ** 2)),
}

if __name__ == "__main__":
    for key, value in RESULT.items():
        print(f"{key}: {value:.6g}")
