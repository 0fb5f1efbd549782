"""After the keras.io example "Image Super-Resolution using an Efficient Sub-Pixel CNN" (ESPCN):
images read with keras.utils.image_dataset_from_directory (label_mode=None, a validation split),
scaled and turned into (low-resolution luminance, luminance) pairs by Dataset.map with
tf.image.rgb_to_yuv, tf.split and tf.image.resize(method="area"); convolutions with the
"Orthogonal" initializer and a DepthToSpace layer written with ops.shape, ops.reshape and
ops.transpose (the pixel shuffle); a callback that keeps the PSNR of each validation batch from
on_test_batch_end's logs and upscales a test image through PIL's YCbCr channels at each epoch's
end; EarlyStopping and ModelCheckpoint on the loss; the best weights loaded back; the PSNR of
the reconstruction and of bicubic upscaling with tf.image.psnr.

BSDS500 becomes smooth synthetic pictures (sums of low-frequency waves) written as PNG files,
24x24 crops upscaled by 3 from 8x8, and test pictures of another size (30x30). The directory is
read unshuffled and the weights are set from a NumPy draw after the orthogonal initializer is
checked, so the losses are Keras's to float32 rounding.
"""

import math
import os

import numpy as np
import PIL

import numnet as keras
import numnet as tf
from numnet import layers, ops
from numnet.preprocessing.image import array_to_img, img_to_array, load_img

rng = np.random.default_rng(71)
RESULT = {}


def smooth_picture(size):
    rows, cols = np.meshgrid(np.arange(size), np.arange(size), indexing="ij")
    picture = np.zeros((size, size, 3))
    for channel in range(3):
        for _ in range(3):
            fy, fx = rng.uniform(0.05, 0.3, 2)
            phase = rng.uniform(0, 2 * np.pi)
            picture[..., channel] += np.sin(fy * rows + fx * cols + phase)
    picture = (picture - picture.min()) / (picture.max() - picture.min())
    return (255 * picture).astype("uint8")


root_dir = "pictures"
os.makedirs(os.path.join(root_dir, "train"), exist_ok=True)
for index in range(40):
    array_to_img(smooth_picture(24), scale=False).save(
        os.path.join(root_dir, "train", f"{index:03d}.png"))
test_path = "test_pictures"
os.makedirs(test_path, exist_ok=True)
for index in range(3):
    array_to_img(smooth_picture(30), scale=False).save(os.path.join(test_path, f"{index}.png"))
test_img_paths = sorted(
    [
        os.path.join(test_path, fname)
        for fname in os.listdir(test_path)
        if fname.endswith(".png")
    ]
)

crop_size = 24
upscale_factor = 3
batch_size = 8

train_ds = keras.utils.image_dataset_from_directory(
    root_dir,
    batch_size=batch_size,
    image_size=(crop_size, crop_size),
    validation_split=0.2,
    subset="training",
    shuffle=False,
    label_mode=None,
)

valid_ds = keras.utils.image_dataset_from_directory(
    root_dir,
    batch_size=batch_size,
    image_size=(crop_size, crop_size),
    validation_split=0.2,
    subset="validation",
    shuffle=False,
    label_mode=None,
)


def scaling(input_image):
    input_image = input_image / 255.0
    return input_image


# Scale from (0, 255) to (0, 1)
train_ds = train_ds.map(scaling)
valid_ds = valid_ds.map(scaling)

for batch in train_ds.take(1):
    RESULT["first_batch_max"] = float(np.max(batch))
    RESULT["first_batch_size"] = float(len(batch))


# Use TF Ops to process.
def process_input(input, crop_size, upscale_factor):  # noqa: A002
    input = tf.image.rgb_to_yuv(input)  # noqa: A001
    last_dimension_axis = len(input.shape) - 1
    y, u, v = tf.split(input, 3, axis=last_dimension_axis)
    crop_size = crop_size // upscale_factor
    return tf.image.resize(y, [crop_size, crop_size], method="area")


def process_target(input):  # noqa: A002
    input = tf.image.rgb_to_yuv(input)  # noqa: A001
    last_dimension_axis = len(input.shape) - 1
    y, u, v = tf.split(input, 3, axis=last_dimension_axis)
    return y


train_ds = train_ds.map(
    lambda x: (process_input(x, crop_size, upscale_factor), process_target(x))
)

valid_ds = valid_ds.map(
    lambda x: (process_input(x, crop_size, upscale_factor), process_target(x))
)

for batch in train_ds.take(1):
    RESULT["input_shape"] = float(np.prod(batch[0].shape[1:]))
    RESULT["target_shape"] = float(np.prod(batch[1].shape[1:]))
    pooled = np.asarray(batch[1]).reshape(-1, 8, 3, 8, 3, 1).mean(axis=(2, 4))
    RESULT["area_is_pooling"] = float(np.max(np.abs(pooled - np.asarray(batch[0]))))


class DepthToSpace(layers.Layer):
    def __init__(self, block_size):
        super().__init__()
        self.block_size = block_size

    def call(self, input):  # noqa: A002
        batch, height, width, depth = ops.shape(input)
        depth = depth // (self.block_size**2)

        x = ops.reshape(
            input, [batch, height, width, self.block_size, self.block_size, depth]
        )
        x = ops.transpose(x, [0, 1, 3, 2, 4, 5])
        x = ops.reshape(
            x, [batch, height * self.block_size, width * self.block_size, depth]
        )
        return x


features = np.random.default_rng(2).normal(size=(2, 4, 5, 18)).astype("float32")
shuffled = DepthToSpace(3)(features)
RESULT["shuffle_vs_tf"] = float(np.max(np.abs(
    np.asarray(shuffled) - np.asarray(tf.nn.depth_to_space(features, 3)))))
RESULT["shuffle_vs_ops"] = float(np.max(np.abs(
    np.asarray(shuffled) - np.asarray(ops.depth_to_space(features, 3)))))
RESULT["space_round_trip"] = float(np.max(np.abs(
    np.asarray(tf.nn.space_to_depth(shuffled, 3)) - features)))


def get_model(upscale_factor=3, channels=1):
    conv_args = {
        "activation": "relu",
        "kernel_initializer": "Orthogonal",
        "padding": "same",
    }
    inputs = keras.Input(shape=(None, None, channels))
    x = layers.Conv2D(16, 5, **conv_args)(inputs)
    x = layers.Conv2D(16, 3, **conv_args)(x)
    x = layers.Conv2D(8, 3, **conv_args)(x)
    x = layers.Conv2D(channels * (upscale_factor**2), 3, **conv_args)(x)
    outputs = DepthToSpace(upscale_factor)(x)

    return keras.Model(inputs, outputs)


def get_lowres_image(img, upscale_factor):
    """Return low-resolution image and will use it as input."""
    lowres_img = img.resize(
        (img.size[0] // upscale_factor, img.size[1] // upscale_factor),
        PIL.Image.BICUBIC,
    )
    return lowres_img


def upscale_image(model, img):
    """Predict the result based on input image and restore the image as RGB."""
    ycbcr = img.convert("YCbCr")
    y, cb, cr = ycbcr.split()
    y = img_to_array(y)
    y = y.astype("float32") / 255.0

    input = np.expand_dims(y, axis=0)  # noqa: A001
    out = model.predict(input, verbose=0)

    out_img_y = out[0]
    out_img_y *= 255.0

    # Restore the image in RGB color space.
    out_img_y = out_img_y.clip(0, 255)
    out_img_y = out_img_y.reshape((np.shape(out_img_y)[0], np.shape(out_img_y)[1]))
    out_img_y = PIL.Image.fromarray(np.uint8(out_img_y), mode="L")
    out_img_cb = cb.resize(out_img_y.size, PIL.Image.BICUBIC)
    out_img_cr = cr.resize(out_img_y.size, PIL.Image.BICUBIC)
    out_img = PIL.Image.merge("YCbCr", (out_img_y, out_img_cb, out_img_cr)).convert(
        "RGB"
    )
    return out_img


class ESPCNCallback(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.test_img = get_lowres_image(load_img(test_img_paths[0]), upscale_factor)
        self.epoch_psnr = []
        self.prediction_sizes = []

    # Store PSNR value in each epoch.
    def on_epoch_begin(self, epoch, logs=None):
        self.psnr = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_psnr.append(np.mean(self.psnr))
        prediction = upscale_image(self.model, self.test_img)
        self.prediction_sizes.append(prediction.size)

    def on_test_batch_end(self, batch, logs=None):
        self.psnr.append(10 * math.log10(1 / logs["loss"]))


early_stopping_callback = keras.callbacks.EarlyStopping(monitor="loss", patience=10)

checkpoint_filepath = "checkpoint.weights.h5"

model_checkpoint_callback = keras.callbacks.ModelCheckpoint(
    filepath=checkpoint_filepath,
    save_weights_only=True,
    monitor="loss",
    mode="min",
    save_best_only=True,
)

model = get_model(upscale_factor=upscale_factor, channels=1)
kernel = model.layers[-2].get_weights()[0].reshape(-1, 9)
RESULT["orthogonal_gap"] = float(np.max(np.abs(kernel.T @ kernel - np.eye(9))))
draw = np.random.default_rng(13)
model.set_weights([
    draw.normal(0.0, np.sqrt(1.0 / np.prod(w.shape[:-1])), w.shape).astype("float32")
    if w.ndim > 1 else np.full(w.shape, 0.05, "float32")
    for w in model.get_weights()
])

espcn_callback = ESPCNCallback()
callbacks = [espcn_callback, early_stopping_callback, model_checkpoint_callback]
loss_fn = keras.losses.MeanSquaredError()
optimizer = keras.optimizers.Adam(learning_rate=0.003)

epochs = 20

model.compile(
    optimizer=optimizer, loss=loss_fn,
)

history = model.fit(
    train_ds, epochs=epochs, callbacks=callbacks, validation_data=valid_ds, verbose=0
)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
    RESULT[f"val_loss_{epoch}"] = float(history.history["val_loss"][epoch])
    RESULT[f"psnr_{epoch}"] = float(espcn_callback.epoch_psnr[epoch])
RESULT["prediction_width"] = float(espcn_callback.prediction_sizes[-1][0])

# The model weights (that are considered the best) are loaded into the model.
model.load_weights(checkpoint_filepath)

total_bicubic_psnr = 0.0
total_test_psnr = 0.0

for index, test_img_path in enumerate(test_img_paths):  # noqa: B007
    img = load_img(test_img_path)
    lowres_input = get_lowres_image(img, upscale_factor)
    w = lowres_input.size[0] * upscale_factor
    h = lowres_input.size[1] * upscale_factor
    highres_img = img.resize((w, h))
    prediction = upscale_image(model, lowres_input)
    lowres_img = lowres_input.resize((w, h))
    lowres_img_arr = img_to_array(lowres_img)
    highres_img_arr = img_to_array(highres_img)
    predict_img_arr = img_to_array(prediction)
    bicubic_psnr = tf.image.psnr(lowres_img_arr, highres_img_arr, max_val=255)
    test_psnr = tf.image.psnr(predict_img_arr, highres_img_arr, max_val=255)

    total_bicubic_psnr += bicubic_psnr
    total_test_psnr += test_psnr

mse = np.mean((predict_img_arr - highres_img_arr) ** 2)
RESULT["psnr_by_hand_gap"] = float(abs(float(test_psnr) - 10 * math.log10(255**2 / mse)))
RESULT["avg_bicubic_psnr"] = float(total_bicubic_psnr / 3)
RESULT["avg_test_psnr"] = float(total_test_psnr / 3)
print(RESULT)
