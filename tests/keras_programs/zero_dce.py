"""After the keras.io example "Zero-DCE for low-light image enhancement", as Keras 3 has it:
PNG files read by a tf.data pipeline (tf.io.read_file, tf.image.decode_png, tf.image.resize,
batch with drop_remainder); a functional DCE-Net of seven Conv2D with Concatenate skips and a
tanh output of 24 curve maps, on Input(shape=[None, None, 3]); four zero-reference losses
written with TensorFlow's names (tf.reduce_mean over axes with keepdims, tf.square, tf.sqrt,
tf.nn.avg_pool2d, slices bounded by tf.shape, tf.cast) and a keras.losses.Loss subclass with
reduction="none" whose call runs tf.nn.conv2d with fixed tf.constant kernels; a subclassed
ZeroDCE model that overrides compile (its own Adam and loss), tracks five keras.metrics.Mean
listed by a metrics property, returns the trackers' results from train_step and test_step,
applies the eight light-enhancement curves in call, and saves and loads only the DCE-Net's
weights; inference through keras.utils.img_to_array of a PIL image, tf.cast to uint8.

The LoL photographs become 40x40 PNGs of dim gradients and blobs, resized to 32x32. The
weights start from a NumPy draw and the pipeline is not shuffled, so the losses are Keras's
(TensorFlow) to float32 rounding.
"""

import os
from glob import glob

import numpy as np
from PIL import Image

import numnet as keras
import numnet as tf
from numnet import layers

RESULT = {}

IMAGE_SIZE = 32
BATCH_SIZE = 8
MAX_TRAIN_IMAGES = 24

rng = np.random.default_rng(61)
os.makedirs("lol_dataset/our485/low", exist_ok=True)
rows, columns = np.mgrid[0:40, 0:40] / 40.0
for index in range(40):
    level = rng.uniform(0.05, 0.25, 3)
    picture = level * (0.6 + 0.4 * rows[..., None] * rng.uniform(0.5, 1.5))
    top, left = rng.integers(0, 30, 2)
    picture[top:top + 10, left:left + 10] += rng.uniform(0.0, 0.2, 3)
    picture = np.clip(picture * 255 + rng.normal(0, 2, picture.shape), 0, 255)
    png = tf.image.encode_png(picture.astype("uint8"))
    tf.io.write_file(f"lol_dataset/our485/low/{index:03d}.png", png)


def load_data(image_path):
    image = tf.io.read_file(image_path)
    image = tf.image.decode_png(image, channels=3)
    image = tf.image.resize(images=image, size=[IMAGE_SIZE, IMAGE_SIZE])
    image = image / 255.0
    return image


def data_generator(low_light_images):
    dataset = tf.data.Dataset.from_tensor_slices(low_light_images)
    dataset = dataset.map(load_data, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.batch(BATCH_SIZE, drop_remainder=True)
    return dataset


train_low_light_images = sorted(glob("./lol_dataset/our485/low/*"))[:MAX_TRAIN_IMAGES]
val_low_light_images = sorted(glob("./lol_dataset/our485/low/*"))[MAX_TRAIN_IMAGES:]

train_dataset = data_generator(train_low_light_images)
val_dataset = data_generator(val_low_light_images)

print("Train Dataset:", train_dataset)
print("Validation Dataset:", val_dataset)
first_batch = next(iter(train_dataset))
RESULT["batch_rows"] = float(first_batch.shape[0])
RESULT["batch_width"] = float(first_batch.shape[2])
RESULT["batch_max"] = float(tf.reduce_max(first_batch))


def build_dce_net():
    input_img = keras.Input(shape=[None, None, 3])
    conv1 = layers.Conv2D(
        32, (3, 3), strides=(1, 1), activation="relu", padding="same"
    )(input_img)
    conv2 = layers.Conv2D(
        32, (3, 3), strides=(1, 1), activation="relu", padding="same"
    )(conv1)
    conv3 = layers.Conv2D(
        32, (3, 3), strides=(1, 1), activation="relu", padding="same"
    )(conv2)
    conv4 = layers.Conv2D(
        32, (3, 3), strides=(1, 1), activation="relu", padding="same"
    )(conv3)
    int_con1 = layers.Concatenate(axis=-1)([conv4, conv3])
    conv5 = layers.Conv2D(
        32, (3, 3), strides=(1, 1), activation="relu", padding="same"
    )(int_con1)
    int_con2 = layers.Concatenate(axis=-1)([conv5, conv2])
    conv6 = layers.Conv2D(
        32, (3, 3), strides=(1, 1), activation="relu", padding="same"
    )(int_con2)
    int_con3 = layers.Concatenate(axis=-1)([conv6, conv1])
    x_r = layers.Conv2D(24, (3, 3), strides=(1, 1), activation="tanh", padding="same")(
        int_con3
    )
    return keras.Model(inputs=input_img, outputs=x_r)


def color_constancy_loss(x):
    mean_rgb = tf.reduce_mean(x, axis=(1, 2), keepdims=True)
    mr, mg, mb = (
        mean_rgb[:, :, :, 0],
        mean_rgb[:, :, :, 1],
        mean_rgb[:, :, :, 2],
    )
    d_rg = tf.square(mr - mg)
    d_rb = tf.square(mr - mb)
    d_gb = tf.square(mb - mg)
    return tf.sqrt(tf.square(d_rg) + tf.square(d_rb) + tf.square(d_gb))


def exposure_loss(x, mean_val=0.6):
    x = tf.reduce_mean(x, axis=3, keepdims=True)
    mean = tf.nn.avg_pool2d(x, ksize=16, strides=16, padding="VALID")
    return tf.reduce_mean(tf.square(mean - mean_val))


def illumination_smoothness_loss(x):
    batch_size = tf.shape(x)[0]
    h_x = tf.shape(x)[1]
    w_x = tf.shape(x)[2]
    count_h = (tf.shape(x)[2] - 1) * tf.shape(x)[3]
    count_w = tf.shape(x)[2] * (tf.shape(x)[3] - 1)
    h_tv = tf.reduce_sum(tf.square(x[:, 1:, :, :] - x[:, : h_x - 1, :, :]))
    w_tv = tf.reduce_sum(tf.square(x[:, :, 1:, :] - x[:, :, : w_x - 1, :]))
    batch_size = tf.cast(batch_size, dtype=tf.float32)
    count_h = tf.cast(count_h, dtype=tf.float32)
    count_w = tf.cast(count_w, dtype=tf.float32)
    return 2 * (h_tv / count_h + w_tv / count_w) / batch_size


class SpatialConsistencyLoss(keras.losses.Loss):
    def __init__(self, **kwargs):
        super().__init__(reduction="none")

        self.left_kernel = tf.constant(
            [[[[0, 0, 0]], [[-1, 1, 0]], [[0, 0, 0]]]], dtype=tf.float32
        )
        self.right_kernel = tf.constant(
            [[[[0, 0, 0]], [[0, 1, -1]], [[0, 0, 0]]]], dtype=tf.float32
        )
        self.up_kernel = tf.constant(
            [[[[0, -1, 0]], [[0, 1, 0]], [[0, 0, 0]]]], dtype=tf.float32
        )
        self.down_kernel = tf.constant(
            [[[[0, 0, 0]], [[0, 1, 0]], [[0, -1, 0]]]], dtype=tf.float32
        )

    def call(self, y_true, y_pred):
        original_mean = tf.reduce_mean(y_true, 3, keepdims=True)
        enhanced_mean = tf.reduce_mean(y_pred, 3, keepdims=True)
        original_pool = tf.nn.avg_pool2d(
            original_mean, ksize=4, strides=4, padding="VALID"
        )
        enhanced_pool = tf.nn.avg_pool2d(
            enhanced_mean, ksize=4, strides=4, padding="VALID"
        )

        d_original_left = tf.nn.conv2d(
            original_pool, self.left_kernel, strides=[1, 1, 1, 1], padding="SAME"
        )
        d_original_right = tf.nn.conv2d(
            original_pool, self.right_kernel, strides=[1, 1, 1, 1], padding="SAME"
        )
        d_original_up = tf.nn.conv2d(
            original_pool, self.up_kernel, strides=[1, 1, 1, 1], padding="SAME"
        )
        d_original_down = tf.nn.conv2d(
            original_pool, self.down_kernel, strides=[1, 1, 1, 1], padding="SAME"
        )

        d_enhanced_left = tf.nn.conv2d(
            enhanced_pool, self.left_kernel, strides=[1, 1, 1, 1], padding="SAME"
        )
        d_enhanced_right = tf.nn.conv2d(
            enhanced_pool, self.right_kernel, strides=[1, 1, 1, 1], padding="SAME"
        )
        d_enhanced_up = tf.nn.conv2d(
            enhanced_pool, self.up_kernel, strides=[1, 1, 1, 1], padding="SAME"
        )
        d_enhanced_down = tf.nn.conv2d(
            enhanced_pool, self.down_kernel, strides=[1, 1, 1, 1], padding="SAME"
        )

        d_left = tf.square(d_original_left - d_enhanced_left)
        d_right = tf.square(d_original_right - d_enhanced_right)
        d_up = tf.square(d_original_up - d_enhanced_up)
        d_down = tf.square(d_original_down - d_enhanced_down)
        return d_left + d_right + d_up + d_down


# The losses by hand on a 32x32 grey ramp (each row brighter by 1/64) and its double:
# the colour loss is 0 on grey, the exposure loss averages 16x16 blocks, and the spatial
# loss's kernels, as the example writes them, have the shape (1, 3, 1, 3): a 1x3 window
# along each row, three output channels, "SAME" padding of one zero column on either side
ramp = np.repeat(np.repeat((np.arange(32) / 64.0)[None, :, None, None], 32, 2), 3, 3)
ramp = ramp.astype("float32")
RESULT["color_on_grey"] = float(tf.reduce_sum(color_constancy_loss(ramp)))
blocks = ramp[0, :, :, 0].reshape(2, 16, 2, 16).mean(axis=(1, 3))
RESULT["exposure_error"] = float(abs(
    float(exposure_loss(ramp)) - np.mean((blocks - 0.6) ** 2)))
pooled = ramp[0, :, :, 0].reshape(8, 4, 8, 4).mean(axis=(1, 3))
taps = {
    "left": [[0, -1, 0], [0, 1, 0], [0, 0, 0]],
    "right": [[0, 0, 0], [0, 1, 0], [0, -1, 0]],
    "up": [[0, 0, 0], [-1, 1, 0], [0, 0, 0]],
    "down": [[0, 0, 0], [0, 1, -1], [0, 0, 0]],
}


def row_window(grid, columns):
    padded = np.pad(grid, ((0, 0), (1, 1)))
    return np.stack([sum(weight * padded[:, offset:offset + grid.shape[1]]
                         for offset, weight in enumerate(column)) for column in columns], -1)


by_hand = sum((row_window(pooled, columns) - row_window(2 * pooled, columns)) ** 2
              for columns in taps.values())
spatial = SpatialConsistencyLoss(reduction="none")(ramp, 2 * ramp)
RESULT["spatial_shape_sum"] = float(sum(spatial.shape))
RESULT["spatial_error"] = float(np.max(np.abs(np.asarray(spatial)[0] - by_hand)))
RESULT["spatial_sum"] = float(np.sum(by_hand))
smooth_ramp = np.repeat(ramp, 8, axis=3)[:2]
# rows differ by 1/64: 31 row pairs over 32 columns and 24 maps, per (W - 1) * C = 31 * 24
RESULT["smoothness"] = float(illumination_smoothness_loss(smooth_ramp))


class ZeroDCE(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dce_model = build_dce_net()

    def compile(self, learning_rate, **kwargs):
        super().compile(**kwargs)
        self.optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
        self.spatial_constancy_loss = SpatialConsistencyLoss(reduction="none")
        self.total_loss_tracker = keras.metrics.Mean(name="total_loss")
        self.illumination_smoothness_loss_tracker = keras.metrics.Mean(
            name="illumination_smoothness_loss"
        )
        self.spatial_constancy_loss_tracker = keras.metrics.Mean(
            name="spatial_constancy_loss"
        )
        self.color_constancy_loss_tracker = keras.metrics.Mean(
            name="color_constancy_loss"
        )
        self.exposure_loss_tracker = keras.metrics.Mean(name="exposure_loss")

    @property
    def metrics(self):
        return [
            self.total_loss_tracker,
            self.illumination_smoothness_loss_tracker,
            self.spatial_constancy_loss_tracker,
            self.color_constancy_loss_tracker,
            self.exposure_loss_tracker,
        ]

    def get_enhanced_image(self, data, output):
        r1 = output[:, :, :, :3]
        r2 = output[:, :, :, 3:6]
        r3 = output[:, :, :, 6:9]
        r4 = output[:, :, :, 9:12]
        r5 = output[:, :, :, 12:15]
        r6 = output[:, :, :, 15:18]
        r7 = output[:, :, :, 18:21]
        r8 = output[:, :, :, 21:24]
        x = data + r1 * (tf.square(data) - data)
        x = x + r2 * (tf.square(x) - x)
        x = x + r3 * (tf.square(x) - x)
        enhanced_image = x + r4 * (tf.square(x) - x)
        x = enhanced_image + r5 * (tf.square(enhanced_image) - enhanced_image)
        x = x + r6 * (tf.square(x) - x)
        x = x + r7 * (tf.square(x) - x)
        enhanced_image = x + r8 * (tf.square(x) - x)
        return enhanced_image

    def call(self, data):
        dce_net_output = self.dce_model(data)
        return self.get_enhanced_image(data, dce_net_output)

    def compute_losses(self, data, output):
        enhanced_image = self.get_enhanced_image(data, output)
        loss_illumination = 200 * illumination_smoothness_loss(output)
        loss_spatial_constancy = tf.reduce_mean(
            self.spatial_constancy_loss(enhanced_image, data)
        )
        loss_color_constancy = 5 * tf.reduce_mean(color_constancy_loss(enhanced_image))
        loss_exposure = 10 * tf.reduce_mean(exposure_loss(enhanced_image))
        total_loss = (
            loss_illumination
            + loss_spatial_constancy
            + loss_color_constancy
            + loss_exposure
        )

        return {
            "total_loss": total_loss,
            "illumination_smoothness_loss": loss_illumination,
            "spatial_constancy_loss": loss_spatial_constancy,
            "color_constancy_loss": loss_color_constancy,
            "exposure_loss": loss_exposure,
        }

    def train_step(self, data):
        with tf.GradientTape() as tape:
            output = self.dce_model(data)
            losses = self.compute_losses(data, output)

        gradients = tape.gradient(
            losses["total_loss"], self.dce_model.trainable_weights
        )
        self.optimizer.apply_gradients(zip(gradients, self.dce_model.trainable_weights))

        self.total_loss_tracker.update_state(losses["total_loss"])
        self.illumination_smoothness_loss_tracker.update_state(
            losses["illumination_smoothness_loss"]
        )
        self.spatial_constancy_loss_tracker.update_state(
            losses["spatial_constancy_loss"]
        )
        self.color_constancy_loss_tracker.update_state(losses["color_constancy_loss"])
        self.exposure_loss_tracker.update_state(losses["exposure_loss"])

        return {metric.name: metric.result() for metric in self.metrics}

    def test_step(self, data):
        output = self.dce_model(data)
        losses = self.compute_losses(data, output)

        self.total_loss_tracker.update_state(losses["total_loss"])
        self.illumination_smoothness_loss_tracker.update_state(
            losses["illumination_smoothness_loss"]
        )
        self.spatial_constancy_loss_tracker.update_state(
            losses["spatial_constancy_loss"]
        )
        self.color_constancy_loss_tracker.update_state(losses["color_constancy_loss"])
        self.exposure_loss_tracker.update_state(losses["exposure_loss"])

        return {metric.name: metric.result() for metric in self.metrics}

    def save_weights(self, filepath, overwrite=True):
        """While saving the weights, we simply save the weights of the DCE-Net"""
        self.dce_model.save_weights(filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch=False):
        """While loading the weights, we simply load the weights of the DCE-Net"""
        self.dce_model.load_weights(filepath=filepath, skip_mismatch=skip_mismatch)


zero_dce_model = ZeroDCE()
draw = np.random.default_rng(3)
zero_dce_model.dce_model.set_weights([
    draw.normal(0.0, np.sqrt(1.0 / np.prod(weight.shape[:-1])), weight.shape).astype("float32")
    if weight.ndim > 1 else weight
    for weight in zero_dce_model.dce_model.get_weights()])
zero_dce_model.compile(learning_rate=1e-3)
history = zero_dce_model.fit(
    train_dataset, validation_data=val_dataset, epochs=4, verbose=0
)
for item in (
    "total_loss",
    "illumination_smoothness_loss",
    "spatial_constancy_loss",
    "color_constancy_loss",
    "exposure_loss",
):
    RESULT[f"{item}_first"] = float(history.history[item][0])
    RESULT[f"{item}_last"] = float(history.history[item][-1])
    RESULT[f"val_{item}_last"] = float(history.history["val_" + item][-1])
RESULT["history_keys"] = float(len(history.history))
RESULT["iterations"] = float(zero_dce_model.optimizer.iterations)
RESULT["trainable_weights"] = float(len(zero_dce_model.trainable_weights))


def infer(original_image):
    image = keras.utils.img_to_array(original_image)
    image = image.astype("float32") / 255.0
    image = np.expand_dims(image, axis=0)
    output_image = zero_dce_model(image)
    output_image = tf.cast((output_image[0, :, :, :] * 255), dtype=np.uint8)
    output_image = Image.fromarray(output_image.numpy())
    return output_image


original_image = Image.open(val_low_light_images[0])
enhanced_image = infer(original_image)
RESULT["original_mean"] = float(np.mean(np.asarray(original_image)))
RESULT["enhanced_mean"] = float(np.mean(np.asarray(enhanced_image)))
RESULT["enhanced_width"] = float(enhanced_image.size[0])

zero_dce_model.save_weights("zero_dce.weights.h5")
restored = ZeroDCE()
restored.load_weights("zero_dce.weights.h5")
probe = np.asarray(first_batch)[:2]
RESULT["reload_gap"] = float(np.max(np.abs(
    np.asarray(restored(probe)) - np.asarray(zero_dce_model(probe)))))
print(RESULT)
