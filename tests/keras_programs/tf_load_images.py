"""After the TensorFlow tutorial "Load and preprocess images": a small flower-like directory of
PNG files of three classes and varied sizes written with Pillow, read by
image_dataset_from_directory (validation_split with a seed, image_size, class_names), the
batches rescaled in Dataset.map by a Rescaling layer, cache / prefetch with AUTOTUNE and a
small CNN fitted on them; then the tutorial's tf.data route: Dataset.list_files, a fixed
shuffle, skip / take for the split, cardinality, labels from tf.strings.split of the path,
tf.io.read_file + decode_png + tf.image.resize in a map, configure_for_performance, fit; and
one JPEG read with tf.io.decode_jpeg.
"""

import os
import pathlib
import tempfile

import numpy as np
from PIL import Image

import numnet as tf

tf.keras.utils.set_random_seed(5)
RESULT = {}

# ----- a small directory of flower photos: one folder a class
rng = np.random.default_rng(17)
data_dir = pathlib.Path(tempfile.mkdtemp()) / "flower_photos"
tints = {"daisy": (230, 230, 90), "roses": (200, 40, 60), "tulips": (150, 60, 200)}
for index, (name, tint) in enumerate(tints.items()):
    (data_dir / name).mkdir(parents=True)
    for i in range(30):
        height, width = int(rng.integers(20, 29)), int(rng.integers(22, 33))
        noise = rng.normal(0, 40, (height, width, 3))
        pixels = np.clip(np.array(tint) + noise, 0, 255).astype(np.uint8)
        if index == 0:  # the daisies have a dark centre
            pixels[height // 3: 2 * height // 3, width // 3: 2 * width // 3] //= 3
        Image.fromarray(pixels).save(data_dir / name / f"{name}_{i:02d}.png")
(data_dir / "LICENSE.txt").write_text("synthetic images\n")

image_count = len(list(data_dir.glob("*/*.png")))
print(image_count)
roses = list(data_dir.glob("roses/*"))
first_rose = Image.open(str(roses[0]))
RESULT["image_count"] = float(image_count)
RESULT["rose_is_rgb"] = float(first_rose.mode == "RGB")

# ----- load data using a Keras utility
batch_size = 8
img_height = 16
img_width = 16
train_ds = tf.keras.utils.image_dataset_from_directory(
    data_dir,
    validation_split=0.2,
    subset="training",
    seed=123,
    image_size=(img_height, img_width),
    batch_size=batch_size)
val_ds = tf.keras.utils.image_dataset_from_directory(
    data_dir,
    validation_split=0.2,
    subset="validation",
    seed=123,
    image_size=(img_height, img_width),
    batch_size=batch_size)
class_names = train_ds.class_names
print(class_names)
RESULT["class_names_sorted"] = float(class_names == ["daisy", "roses", "tulips"])
RESULT["train_batches"] = float(tf.data.experimental.cardinality(train_ds).numpy())
RESULT["val_batches"] = float(tf.data.experimental.cardinality(val_ds).numpy())

for image_batch, labels_batch in train_ds:
    print(image_batch.shape)
    print(labels_batch.shape)
    break
RESULT["batch_shape_sum"] = float(sum(image_batch.shape))
RESULT["labels_is_int32"] = float(labels_batch.dtype == tf.int32)

# the whole validation set, in any order: its pixels and labels are the files'
val_pixel_sum, val_label_sum, val_count = 0.0, 0, 0
for images, labels in val_ds:
    val_pixel_sum += float(tf.reduce_sum(tf.cast(images, tf.float64)))
    val_label_sum += int(tf.reduce_sum(labels))
    val_count += int(labels.shape[0])
RESULT["val_pixel_mean"] = val_pixel_sum / (val_count * img_height * img_width * 3)
RESULT["val_label_sum"] = float(val_label_sum)
RESULT["val_count"] = float(val_count)

# ----- standardize the data
normalization_layer = tf.keras.layers.Rescaling(1. / 255)
normalized_ds = train_ds.map(lambda x, y: (normalization_layer(x), y))
image_batch, labels_batch = next(iter(normalized_ds))
first_image = image_batch[0]
print(np.min(first_image), np.max(first_image))
RESULT["normalized_min"] = float(np.min(first_image))
RESULT["normalized_max"] = float(np.max(first_image))

# ----- configure the dataset for performance, and train a model
AUTOTUNE = tf.data.AUTOTUNE
train_ds = train_ds.cache().prefetch(buffer_size=AUTOTUNE)
val_ds = val_ds.cache().prefetch(buffer_size=AUTOTUNE)

num_classes = 3
model = tf.keras.Sequential([
    tf.keras.layers.Rescaling(1. / 255),
    tf.keras.layers.Conv2D(8, 3, activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Conv2D(8, 3, activation="relu"),
    tf.keras.layers.MaxPooling2D(),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(16, activation="relu"),
    tf.keras.layers.Dense(num_classes)
])
model.compile(
    optimizer="adam",
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"])
history = model.fit(train_ds, validation_data=val_ds, epochs=6, verbose=0)
RESULT["keras_utility_loss_0"] = float(history.history["loss"][0])
RESULT["keras_utility_loss_last"] = float(history.history["loss"][-1])
RESULT["keras_utility_val_accuracy"] = float(history.history["val_accuracy"][-1])

# ----- using tf.data for finer control
list_ds = tf.data.Dataset.list_files(str(data_dir / "*/*.png"), shuffle=False)
list_ds = list_ds.shuffle(image_count, seed=7, reshuffle_each_iteration=False)
for f in list_ds.take(5):
    print(f.numpy())
RESULT["listed_files"] = float(tf.data.experimental.cardinality(list_ds).numpy())
RESULT["listed_are_png"] = float(all(f.numpy().endswith(b".png") for f in list_ds))

class_names = np.array(sorted([item.name for item in data_dir.glob("*")
                               if item.name != "LICENSE.txt"]))
print(class_names)

val_size = int(image_count * 0.2)
train_ds = list_ds.skip(val_size)
val_ds = list_ds.take(val_size)
print(tf.data.experimental.cardinality(train_ds).numpy())
print(tf.data.experimental.cardinality(val_ds).numpy())
RESULT["train_files"] = float(tf.data.experimental.cardinality(train_ds).numpy())
RESULT["val_files"] = float(tf.data.experimental.cardinality(val_ds).numpy())


def get_label(file_path):
    # Convert the path to a list of path components
    parts = tf.strings.split(file_path, os.path.sep)
    # The second to last is the class-directory
    one_hot = parts[-2] == class_names
    # Integer encode the label
    return tf.argmax(one_hot)


def decode_img(img):
    # Convert the compressed string to a 3D uint8 tensor
    img = tf.io.decode_png(img, channels=3)
    # Resize the image to the desired size
    return tf.image.resize(img, [img_height, img_width])


def process_path(file_path):
    label = get_label(file_path)
    # Load the raw data from the file as a string
    img = tf.io.read_file(file_path)
    img = decode_img(img)
    return img, label


train_ds = train_ds.map(process_path, num_parallel_calls=AUTOTUNE)
val_ds = val_ds.map(process_path, num_parallel_calls=AUTOTUNE)
for image, label in train_ds.take(1):
    print("Image shape: ", image.numpy().shape)
    print("Label: ", label.numpy())
RESULT["image_shape_sum"] = float(sum(image.numpy().shape))
RESULT["label_is_int64"] = float(label.dtype == tf.int64)

# the labels and pixels of each file, by its path
tulip_path = str(data_dir / "tulips" / "tulips_03.png")
tulip_image, tulip_label = process_path(tf.constant(tulip_path))
RESULT["tulip_label"] = float(tulip_label.numpy())
RESULT["tulip_pixel_mean"] = float(tf.reduce_mean(tulip_image))
RESULT["daisy_label"] = float(get_label(str(data_dir / "daisy" / "daisy_00.png")).numpy())
all_labels = [int(label) for _, label in train_ds.concatenate(val_ds)]
RESULT["label_total"] = float(sum(all_labels))  # 30 * (0 + 1 + 2)


def configure_for_performance(ds):
    ds = ds.cache()
    ds = ds.shuffle(buffer_size=1000, seed=3)
    ds = ds.batch(batch_size)
    ds = ds.prefetch(buffer_size=AUTOTUNE)
    return ds


train_ds = configure_for_performance(train_ds)
val_ds = configure_for_performance(val_ds)
image_batch, label_batch = next(iter(train_ds))
RESULT["tf_data_batch_rows"] = float(image_batch.shape[0])

history = model.fit(train_ds, validation_data=val_ds, epochs=3, verbose=0)
RESULT["tf_data_val_accuracy"] = float(history.history["val_accuracy"][-1])
RESULT["tf_data_loss_last"] = float(history.history["loss"][-1])

# ----- a JPEG photo through tf.io.decode_jpeg
jpeg_path = str(data_dir / "rose.jpg")
Image.open(roses[0]).convert("RGB").save(jpeg_path, quality=90)
jpeg = tf.io.decode_jpeg(tf.io.read_file(jpeg_path), channels=3)
png = tf.io.decode_png(tf.io.read_file(str(roses[0])), channels=3)
RESULT["jpeg_is_uint8"] = float(jpeg.dtype == tf.uint8)
RESULT["jpeg_shape_equal"] = float(jpeg.shape == png.shape)
RESULT["jpeg_mean"] = float(tf.reduce_mean(tf.cast(jpeg, tf.float32)))
print(RESULT)
