"""After the TensorFlow tutorial "Data augmentation": Keras preprocessing layers (Resizing,
Rescaling, RandomFlip, RandomRotation) in a Sequential, applied to one image, inside a model
and in Dataset.map; a custom augmentation as a Lambda and as a Layer subclass; the tf.image
functions on one image (flip_left_right, rgb_to_grayscale, adjust_saturation,
adjust_brightness, central_crop, rot90) and their stateless random versions with seeds
(stateless_random_brightness / contrast / crop); the tutorial's augment function with
tf.random.split seeds, over a Dataset zipped with a Counter and with a tf.random.Generator;
a small CNN trained on the augmented batches.
"""

import numpy as np

import numnet as tf
from numnet import layers

tf.keras.utils.set_random_seed(11)
RESULT = {}

# ----- a small flowers-like dataset of uint8 images: warm or cool, with a bright square
rng = np.random.default_rng(3)
n = 96
labels = (np.arange(n) % 2).astype("int64")
base = np.where(labels[:, None, None, None] == 0, [[[[200, 120, 60]]]], [[[[60, 110, 200]]]])
images = np.clip(base + rng.normal(0, 30, (n, 24, 24, 3)), 0, 255).astype(np.uint8)
images[:, 4:10, 14:20] = 250
train_ds = tf.data.Dataset.from_tensor_slices((images[:64], labels[:64]))
val_ds = tf.data.Dataset.from_tensor_slices((images[64:80], labels[64:80]))
test_ds = tf.data.Dataset.from_tensor_slices((images[80:], labels[80:]))
num_classes = 2

image, label = next(iter(train_ds))
RESULT["image_is_uint8"] = float(image.dtype == tf.uint8)
RESULT["first_label"] = float(label.numpy())

# ----- Keras preprocessing layers
IMG_SIZE = 16
resize_and_rescale = tf.keras.Sequential([
    layers.Resizing(IMG_SIZE, IMG_SIZE),
    layers.Rescaling(1. / 255)
])
result = resize_and_rescale(image)
print("Min and max pixel values:", result.numpy().min(), result.numpy().max())
RESULT["rescaled_min"] = float(result.numpy().min())
RESULT["rescaled_max"] = float(result.numpy().max())
RESULT["rescaled_size"] = float(result.shape[0])
RESULT["rescaled_mean"] = float(np.mean(result.numpy()))

data_augmentation = tf.keras.Sequential([
    layers.RandomFlip("horizontal_and_vertical"),
    layers.RandomRotation(0.2),
])
image = tf.cast(tf.expand_dims(image, 0), tf.float32)
augmented = [data_augmentation(image) for _ in range(4)]
RESULT["augmented_shape_sum"] = float(sum(augmented[0].shape))
RESULT["augmented_differ"] = float(not np.allclose(augmented[0].numpy(), augmented[1].numpy()))
RESULT["inference_is_identity"] = float(np.allclose(
    data_augmentation(image, training=False).numpy(), image.numpy()))

# option 2: the layers on the dataset
aug_ds = train_ds.map(lambda x, y: (resize_and_rescale(x, training=True), y))
RESULT["aug_ds_size"] = float(next(iter(aug_ds))[0].shape[0])

batch_size = 16
AUTOTUNE = tf.data.AUTOTUNE


def prepare(ds, shuffle=False, augment=False):
    # Resize and rescale all datasets.
    ds = ds.map(lambda x, y: (resize_and_rescale(x), y), num_parallel_calls=AUTOTUNE)
    if shuffle:
        ds = ds.shuffle(1000, seed=2)
    # Batch all datasets.
    ds = ds.batch(batch_size)
    # Use data augmentation only on the training set.
    if augment:
        ds = ds.map(lambda x, y: (data_augmentation(x, training=True), y),
                    num_parallel_calls=AUTOTUNE)
    # Use buffered prefetching on all datasets.
    return ds.prefetch(buffer_size=AUTOTUNE)


prepared_train = prepare(train_ds, shuffle=True, augment=True)
prepared_val = prepare(val_ds)
prepared_test = prepare(test_ds)
x_batch, y_batch = next(iter(prepared_train))
RESULT["prepared_batch_shape_sum"] = float(sum(x_batch.shape))

model = tf.keras.Sequential([
    layers.Conv2D(8, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(8, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(16, activation="relu"),
    layers.Dense(num_classes)
])
model.compile(optimizer="adam",
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(prepared_train, validation_data=prepared_val, epochs=5, verbose=0)
loss, acc = model.evaluate(prepared_test, verbose=0)
print("Accuracy", acc)
RESULT["layers_loss_0"] = float(history.history["loss"][0])
RESULT["layers_loss_last"] = float(history.history["loss"][-1])
RESULT["layers_test_accuracy"] = float(acc)


# ----- custom data augmentation
def random_invert_img(x, p=0.5):
    if tf.random.uniform([]) < p:
        x = (255 - x)
    return x


def random_invert(factor=0.5):
    return layers.Lambda(lambda x: random_invert_img(x, factor))


random_invert = random_invert(factor=1.0)
inverted = random_invert(image)
RESULT["lambda_inverted_gap"] = float(np.max(np.abs(inverted.numpy() - (255 - image.numpy()))))


class RandomInvert(layers.Layer):
    def __init__(self, factor=0.5, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, x):
        return random_invert_img(x, self.factor)


never = RandomInvert(factor=0.0)(image)
RESULT["layer_kept_gap"] = float(np.max(np.abs(never.numpy() - image.numpy())))

# ----- tf.image
image = tf.convert_to_tensor(images[0].astype("float32") / 255.0)
flipped = tf.image.flip_left_right(image)
RESULT["flip_gap"] = float(np.max(np.abs(flipped.numpy() - image.numpy()[:, ::-1])))
grayscaled = tf.image.rgb_to_grayscale(image)
RESULT["gray_channels"] = float(grayscaled.shape[-1])
RESULT["gray_mean"] = float(tf.reduce_mean(tf.squeeze(grayscaled)))
saturated = tf.image.adjust_saturation(image, 3)
RESULT["saturated_mean"] = float(tf.reduce_mean(saturated))
bright = tf.image.adjust_brightness(image, 0.4)
RESULT["bright_gap"] = float(np.max(np.abs(bright.numpy() - image.numpy() - 0.4)))
cropped = tf.image.central_crop(image, central_fraction=0.5)
RESULT["cropped_size"] = float(cropped.shape[0])
RESULT["cropped_mean"] = float(tf.reduce_mean(cropped))
rotated = tf.image.rot90(image)
RESULT["rot90_gap"] = float(np.max(np.abs(rotated.numpy() - np.rot90(image.numpy()))))

for i in range(3):
    seed = (i, 0)  # tuple of size (2,)
    stateless_random_brightness = tf.image.stateless_random_brightness(
        image, max_delta=0.95, seed=seed)
    RESULT[f"brightness_shift_{i}"] = float(
        tf.reduce_mean(stateless_random_brightness - image))
    stateless_random_contrast = tf.image.stateless_random_contrast(
        image, lower=0.1, upper=0.9, seed=seed)
    RESULT[f"contrast_std_{i}"] = float(tf.math.reduce_std(stateless_random_contrast))
    stateless_random_crop = tf.image.stateless_random_crop(
        image, size=[12, 14, 3], seed=seed)
    RESULT[f"crop_sum_{i}"] = float(tf.reduce_sum(stateless_random_crop))
again = tf.image.stateless_random_brightness(image, max_delta=0.95, seed=(2, 0))
RESULT["same_seed_same_image"] = float(np.array_equal(
    again.numpy(), stateless_random_brightness.numpy()))


# ----- apply augmentation to a dataset
def resize_and_rescale(image, label):
    image = tf.cast(image, tf.float32)
    image = tf.image.resize(image, [IMG_SIZE, IMG_SIZE])
    image = (image / 255.0)
    return image, label


def augment(image_label, seed):
    image, label = image_label
    image, label = resize_and_rescale(image, label)
    image = tf.image.resize_with_crop_or_pad(image, IMG_SIZE + 6, IMG_SIZE + 6)
    # Make a new seed.
    new_seed = tf.random.split(seed, num=1)[0, :]
    # Random crop back to the original size.
    image = tf.image.stateless_random_crop(
        image, size=[IMG_SIZE, IMG_SIZE, 3], seed=seed)
    # Random brightness.
    image = tf.image.stateless_random_brightness(
        image, max_delta=0.5, seed=new_seed)
    image = tf.clip_by_value(image, 0, 1)
    return image, label


# option 1: tf.data.experimental.Counter
counter = tf.data.experimental.Counter()
train_counted = tf.data.Dataset.zip((train_ds, (counter, counter)))
counted_ds = (
    train_counted
    .map(augment, num_parallel_calls=AUTOTUNE)
    .batch(batch_size)
    .prefetch(AUTOTUNE)
)
counted_pixels = sum(float(tf.reduce_sum(x)) for x, _ in counted_ds)
RESULT["counted_pixel_mean"] = counted_pixels / (64 * IMG_SIZE * IMG_SIZE * 3)
first_seed = tf.random.split(tf.constant([0, 0], tf.int64), num=1)[0, :]
RESULT["split_seed_is_int64"] = float(first_seed.dtype == tf.int64)

# option 2: tf.random.Generator
rng_gen = tf.random.Generator.from_seed(123, alg="philox")


def f(x, y):
    seed = rng_gen.make_seeds(1)[:, 0]
    image, label = augment((x, y), seed)
    return image, label


train_generated = (
    train_ds
    .shuffle(1000, seed=4)
    .map(f, num_parallel_calls=AUTOTUNE)
    .batch(batch_size)
    .prefetch(AUTOTUNE)
)
val_plain = (
    val_ds
    .map(resize_and_rescale, num_parallel_calls=AUTOTUNE)
    .batch(batch_size)
    .prefetch(AUTOTUNE)
)
x_batch, _ = next(iter(train_generated))
RESULT["generated_in_range"] = float(x_batch.numpy().min() >= 0 and x_batch.numpy().max() <= 1)
model = tf.keras.Sequential([
    layers.Conv2D(8, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(num_classes)
])
model.compile(optimizer="adam",
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(train_generated, validation_data=val_plain, epochs=5, verbose=0)
RESULT["generator_loss_0"] = float(history.history["loss"][0])
RESULT["generator_loss_last"] = float(history.history["loss"][-1])
RESULT["generator_val_accuracy"] = float(history.history["val_accuracy"][-1])
print(RESULT)
