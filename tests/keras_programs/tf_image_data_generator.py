"""After the classic tf.keras 2 tutorials "Building powerful image classification models using
very little data" and "Image classification" (ImageDataGenerator era): a small directory of
synthetic cats and dogs PNGs (train/ and validation/, one folder a class) written with
tf.keras.utils.save_img; an augmenting ImageDataGenerator (rescale, rotation_range, shifts,
shear, zoom, horizontal_flip, fill_mode) and a rescale-only one; flow_from_directory with
target_size, batch_size and class_mode='binary'; a small CNN fitted with steps_per_epoch and
validation_data / validation_steps from the second generator, then evaluate and predict on it;
the generators' class_indices, classes, filenames, samples, len and next().

Then the CIFAR-10 example's route: datagen.fit(x_train) for featurewise_center and
featurewise_std_normalization, model.fit(datagen.flow(x, y, batch_size)) with sample_weight, and
random_transform / apply_transform on one image with a seed and with explicit parameters.

Augmentation draws differ from run to run of a framework's fit (TensorFlow peeks at batches),
so the augmented training is compared by its level; a run on unshuffled, unaugmented batches
from NumPy weights follows TensorFlow's losses exactly, as do the explicit transforms.
"""

import os
import tempfile

import numpy as np
from numnet.keras.preprocessing.image import ImageDataGenerator

import numnet as tf

tf.keras.utils.set_random_seed(3)
RESULT = {}

# ----- a small cats-and-dogs directory: cats reddish, dogs bluish, with noise and a patch
rng = np.random.default_rng(11)
base_dir = os.path.join(tempfile.mkdtemp(), "cats_and_dogs_small")
tints = {"cats": (170, 90, 70), "dogs": (70, 100, 170)}
for split, count in (("train", 24), ("validation", 8)):
    for name, tint in tints.items():
        os.makedirs(os.path.join(base_dir, split, name))
        for i in range(count):
            pixels = np.clip(np.array(tint) + rng.normal(0, 35, (28, 28, 3)), 0, 255)
            top, left = rng.integers(0, 18, size=2)
            pixels[top: top + 10, left: left + 10] = 235.0
            path = os.path.join(base_dir, split, name, f"{name[:-1]}.{i}.png")
            tf.keras.utils.save_img(path, pixels.astype("uint8"), scale=False)
train_dir = os.path.join(base_dir, "train")
validation_dir = os.path.join(base_dir, "validation")

# ----- data preprocessing: augment the training images, only rescale the validation ones
train_datagen = ImageDataGenerator(
    rescale=1.0 / 255,
    rotation_range=40,
    width_shift_range=0.2,
    height_shift_range=0.2,
    shear_range=0.2,
    zoom_range=0.2,
    horizontal_flip=True,
    fill_mode="nearest")
test_datagen = ImageDataGenerator(rescale=1.0 / 255)

train_generator = train_datagen.flow_from_directory(
    train_dir,
    target_size=(24, 24),
    batch_size=8,
    class_mode="binary",
    seed=1)
validation_generator = test_datagen.flow_from_directory(
    validation_dir,
    target_size=(24, 24),
    batch_size=8,
    class_mode="binary",
    shuffle=False)

print(train_generator.class_indices)
RESULT["cats_index"] = float(train_generator.class_indices["cats"])
RESULT["dogs_index"] = float(train_generator.class_indices["dogs"])
RESULT["train_samples"] = float(train_generator.samples)
RESULT["validation_samples"] = float(validation_generator.samples)
RESULT["train_batches"] = float(len(train_generator))
RESULT["dog_labels"] = float(np.sum(validation_generator.classes))
RESULT["first_file_is_cat"] = float(validation_generator.filenames[0].startswith("cats"))
data_batch, labels_batch = next(train_generator)
print("data batch shape:", data_batch.shape)
print("labels batch shape:", labels_batch.shape)
RESULT["batch_rows"] = float(data_batch.shape[0])
RESULT["batch_height"] = float(data_batch.shape[1])
RESULT["batch_channels"] = float(data_batch.shape[3])
RESULT["batch_in_unit_range"] = float(data_batch.min() >= 0.0 and data_batch.max() <= 1.0)
first_val, _ = validation_generator[0]
RESULT["validation_pixel_sum"] = float(np.sum(first_val))

# ----- the model: a small convnet with a sigmoid output
model = tf.keras.models.Sequential([
    tf.keras.layers.Conv2D(8, (3, 3), activation="relu", input_shape=(24, 24, 3)),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Conv2D(16, (3, 3), activation="relu"),
    tf.keras.layers.MaxPooling2D(2, 2),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(32, activation="relu"),
    tf.keras.layers.Dense(1, activation="sigmoid"),
])
model.compile(loss="binary_crossentropy",
              optimizer=tf.keras.optimizers.RMSprop(learning_rate=2e-3),
              metrics=["acc"])
history = model.fit(
    train_generator,
    steps_per_epoch=6,
    epochs=8,
    validation_data=validation_generator,
    validation_steps=2,
    verbose=0)
acc = history.history["acc"]
val_acc = history.history["val_acc"]
loss = history.history["loss"]
RESULT["epochs_run"] = float(len(loss))
RESULT["aug_loss_first"] = float(loss[0])
RESULT["aug_loss_last"] = float(loss[-1])
RESULT["aug_acc_last"] = float(acc[-1])
RESULT["aug_val_acc_last"] = float(val_acc[-1])
eval_loss, eval_acc = model.evaluate(validation_generator, verbose=0)
RESULT["aug_eval_acc"] = float(eval_acc)
validation_generator.reset()
probabilities = model.predict(validation_generator, verbose=0)
RESULT["predict_rows"] = float(probabilities.shape[0])
RESULT["predict_matches_labels"] = float(np.mean(
    (probabilities.ravel() > 0.5) == (validation_generator.classes == 1)))

# ----- the same network from NumPy weights on unshuffled, unaugmented batches
plain_generator = test_datagen.flow_from_directory(
    train_dir, target_size=(24, 24), batch_size=12, class_mode="binary", shuffle=False)
weights_rng = np.random.default_rng(0)
exact = tf.keras.models.clone_model(model)
exact.set_weights([weights_rng.normal(0, 0.2, w.shape).astype("float32")
                   for w in model.get_weights()])
exact.compile(loss="binary_crossentropy",
              optimizer=tf.keras.optimizers.RMSprop(learning_rate=1e-3), metrics=["acc"])
exact_history = exact.fit(plain_generator, epochs=4, shuffle=False, verbose=0)
for epoch, value in enumerate(exact_history.history["loss"]):
    RESULT[f"exact_loss_{epoch}"] = float(value)
RESULT["exact_eval_loss"] = float(exact.evaluate(validation_generator, verbose=0)[0])

# ----- the CIFAR-10 example's route: featurewise statistics from datagen.fit, then flow
x_train = np.stack([plain_generator[i][0] for i in range(len(plain_generator))]).reshape(
    -1, 24, 24, 3) * 255.0
y_train = plain_generator.classes.astype("float32")
datagen = ImageDataGenerator(
    featurewise_center=True,
    featurewise_std_normalization=True,
    width_shift_range=0.1,
    height_shift_range=0.1,
    horizontal_flip=True)
datagen.fit(x_train)
RESULT["feature_mean_red"] = float(datagen.mean.ravel()[0])
RESULT["feature_mean_blue"] = float(datagen.mean.ravel()[2])
RESULT["feature_std_green"] = float(datagen.std.ravel()[1])
weights = np.where(y_train == 1, 1.5, 1.0)
flow = datagen.flow(x_train, y_train, batch_size=16, sample_weight=weights, seed=4)
xb, yb, wb = flow[0]
RESULT["flow_batch_rows"] = float(xb.shape[0])
RESULT["flow_weight_sum"] = float(np.sum(wb) - 1.5 * np.sum(yb) - np.sum(1 - yb))
cifar_model = tf.keras.models.clone_model(model)
cifar_model.compile(loss="binary_crossentropy", optimizer="adam", metrics=["accuracy"])
cifar_history = cifar_model.fit(flow, epochs=6, verbose=0)
RESULT["flow_loss_first"] = float(cifar_history.history["loss"][0])
RESULT["flow_loss_last"] = float(cifar_history.history["loss"][-1])
x_check = (x_train - datagen.mean) / (datagen.std + 1e-6)
RESULT["flow_accuracy"] = float(cifar_model.evaluate(x_check, y_train, verbose=0)[1])

# ----- one image: a seeded random transform and an explicit one
image = x_train[0]
seeded = train_datagen.random_transform(image, seed=7)
RESULT["random_transform_sum"] = float(np.sum(seeded))
params = train_datagen.get_random_transform(image.shape, seed=7)
RESULT["seeded_params_theta"] = float(params["theta"])
RESULT["seeded_params_reapplied"] = float(
    np.allclose(train_datagen.apply_transform(image, params), seeded))
explicit = train_datagen.apply_transform(
    image, {"theta": 90, "tx": 2, "zy": 1.25, "flip_horizontal": True})
RESULT["explicit_transform_sum"] = float(np.sum(explicit))
RESULT["explicit_corner"] = float(explicit[0, 0, 0])
RESULT["standardized_max"] = float(np.max(test_datagen.standardize(np.copy(image))))
print(RESULT)
