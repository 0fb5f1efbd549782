"""After the TensorFlow tutorial "Image classification": a small flower-photo directory of
PNG files in three classes, image_dataset_from_directory with a validation split,
cache / shuffle / prefetch, a Sequential CNN with Rescaling and a summary, trained and its
history read; overfitting handled with a data_augmentation Sequential (RandomFlip,
RandomRotation, RandomZoom with an input_shape) and Dropout, named output layer "outputs";
then one new photo read by tf.keras.utils.load_img (target_size) and img_to_array, batched
with tf.expand_dims, predicted, and scored with tf.nn.softmax.
"""

import pathlib
import tempfile

import numpy as np
from PIL import Image

import numnet as tf
from numnet import layers
from numnet.models import Sequential

tf.keras.utils.set_random_seed(1)
RESULT = {}

# ----- a small flower_photos directory
rng = np.random.default_rng(41)
data_dir = pathlib.Path(tempfile.mkdtemp()) / "flower_photos"
colours = {"daisy": (235, 235, 120), "roses": (205, 35, 55), "sunflowers": (240, 170, 20)}
for index, (name, colour) in enumerate(colours.items()):
    (data_dir / name).mkdir(parents=True)
    for i in range(32):
        size = int(rng.integers(26, 34))
        pixels = np.clip(np.array(colour) + rng.normal(0, 35, (size, size, 3)), 0, 255)
        centre = slice(size // 3, 2 * size // 3)
        pixels[centre, centre] = (60, 40, 20) if index != 1 else (120, 10, 20)
        Image.fromarray(pixels.astype(np.uint8)).save(data_dir / name / f"{i:03d}.png")

image_count = len(list(data_dir.glob("*/*.png")))
print(image_count)
RESULT["image_count"] = float(image_count)

# ----- load data using a Keras utility
batch_size = 16
img_height = 24
img_width = 24
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
RESULT["classes"] = float(len(class_names))

for image_batch, labels_batch in train_ds:
    print(image_batch.shape)
    print(labels_batch.shape)
    break
RESULT["image_batch_rows"] = float(image_batch.shape[0])

# ----- configure the dataset for performance
AUTOTUNE = tf.data.AUTOTUNE
train_ds = train_ds.cache().shuffle(1000, seed=5).prefetch(buffer_size=AUTOTUNE)
val_ds = val_ds.cache().prefetch(buffer_size=AUTOTUNE)

normalization_layer = layers.Rescaling(1. / 255)
normalized_ds = train_ds.map(lambda x, y: (normalization_layer(x), y))
image_batch, labels_batch = next(iter(normalized_ds))
first_image = image_batch[0]
print(np.min(first_image), np.max(first_image))
RESULT["normalized_in_range"] = float(np.min(first_image) >= 0 and np.max(first_image) <= 1)

# ----- a basic Keras model
num_classes = len(class_names)
model = Sequential([
    layers.Rescaling(1. / 255, input_shape=(img_height, img_width, 3)),
    layers.Conv2D(8, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(16, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Flatten(),
    layers.Dense(32, activation="relu"),
    layers.Dense(num_classes)
])
model.compile(optimizer="adam",
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.summary()
RESULT["basic_params"] = float(model.count_params())
epochs = 6
history = model.fit(train_ds, validation_data=val_ds, epochs=epochs, verbose=0)
acc = history.history["accuracy"]
val_acc = history.history["val_accuracy"]
loss = history.history["loss"]
val_loss = history.history["val_loss"]
epochs_range = range(epochs)
RESULT["history_epochs"] = float(len(list(epochs_range)))
RESULT["basic_val_accuracy"] = float(val_acc[-1])
RESULT["basic_loss_drop"] = float(loss[-1] / loss[0])

# ----- data augmentation and dropout
data_augmentation = Sequential([
    layers.RandomFlip("horizontal", input_shape=(img_height, img_width, 3)),
    layers.RandomRotation(0.1),
    layers.RandomZoom(0.1),
])
augmented = data_augmentation(image_batch[:4] * 255, training=True)
RESULT["augmented_shape_sum"] = float(sum(augmented.shape))

model = Sequential([
    data_augmentation,
    layers.Rescaling(1. / 255),
    layers.Conv2D(8, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Conv2D(16, 3, padding="same", activation="relu"),
    layers.MaxPooling2D(),
    layers.Dropout(0.2),
    layers.Flatten(),
    layers.Dense(32, activation="relu"),
    layers.Dense(num_classes, name="outputs")
])
model.compile(optimizer="adam",
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["accuracy"])
model.summary()
RESULT["augmented_params"] = float(model.count_params())
RESULT["outputs_named"] = float(model.layers[-1].name == "outputs")
history = model.fit(train_ds, validation_data=val_ds, epochs=8, verbose=0)
RESULT["dropout_val_accuracy"] = float(history.history["val_accuracy"][-1])
RESULT["dropout_loss_drop"] = float(history.history["loss"][-1] / history.history["loss"][0])

# ----- predict on new data
rose = np.clip(np.array(colours["roses"]) + rng.normal(0, 35, (40, 40, 3)), 0, 255)
rose[13:27, 13:27] = (120, 10, 20)
rose_path = str(data_dir.parent / "red_rose.png")
Image.fromarray(rose.astype(np.uint8)).save(rose_path)

img = tf.keras.utils.load_img(rose_path, target_size=(img_height, img_width))
img_array = tf.keras.utils.img_to_array(img)
RESULT["loaded_size"] = float(img.size[0])
RESULT["array_is_float32"] = float(img_array.dtype == np.float32)
img_array = tf.expand_dims(img_array, 0)  # Create a batch

predictions = model.predict(img_array, verbose=0)
score = tf.nn.softmax(predictions[0])
print(f"This image most likely belongs to {class_names[np.argmax(score)]} with a "
      f"{100 * np.max(score):.2f} percent confidence.")
RESULT["predicted_is_rose"] = float(class_names[np.argmax(score)] == "roses")
RESULT["score_sum"] = float(np.sum(score))
print(RESULT)
