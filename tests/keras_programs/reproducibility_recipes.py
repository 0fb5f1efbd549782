"""The Keras recipe "Reproducibility in Keras Models" (keras_recipes/reproducibility_recipes.py)
on small synthetic digit-like images.

As the recipe: keras.utils.set_random_seed and tf.config.experimental.enable_op_determinism;
each built-in initializer called with seed=42 gives the same value twice; two GlorotNormal
objects of the same seed give the same matrix, two unseeded ones do not; keras.random draws
with an integer seed repeat and a SeedGenerator's draws differ from call to call but repeat
after the seed is set again. The training process (a tf.data pipeline that shuffles, batches
and maps with tf.cast, tf.expand_dims and tf.image.resize, and a Sequential of Conv2D,
MaxPooling2D, Dropout and Dense layers compiled with jit_compile=False) is run twice after the
same set_random_seed: the two histories (saved to and read back from a JSON file, as the
recipe does between its runs) and the two sets of weights are equal. The values of seeded
draws are each framework's own, so only the equalities and the accuracy are compared.
"""

import json

import numpy as np

import numnet as keras
import numnet as tf
from numnet import initializers, layers

keras.utils.set_random_seed(812)
tf.config.experimental.enable_op_determinism()
RESULT = {}

initializers_list = [
    initializers.RandomNormal,
    initializers.RandomUniform,
    initializers.TruncatedNormal,
    initializers.VarianceScaling,
    initializers.GlorotNormal,
    initializers.GlorotUniform,
    initializers.HeNormal,
    initializers.HeUniform,
    initializers.LecunNormal,
    initializers.LecunUniform,
    initializers.Orthogonal,
]
repeated = 0
for initializer in initializers_list:
    results = [float(initializer(seed=42)(shape=(1, 1))[0, 0]) for iteration in range(2)]
    repeated += results[0] == results[1]
RESULT["initializers_repeat"] = float(repeated)

glorot_normal_1 = keras.initializers.GlorotNormal(seed=42)
glorot_normal_2 = keras.initializers.GlorotNormal(seed=42)
input_dim, neurons = 3, 5
result_1 = glorot_normal_1(shape=(input_dim, neurons))
result_2 = glorot_normal_2(shape=(input_dim, neurons))
RESULT["seeded_objects_equal"] = float(np.allclose(result_1, result_2))
RESULT["seeded_object_called_twice_equal"] = float(
    np.allclose(glorot_normal_1(shape=(input_dim, neurons)), result_1))

glorot_normal_3 = keras.initializers.GlorotNormal()
glorot_normal_4 = keras.initializers.GlorotNormal()
result_3 = glorot_normal_3(shape=(input_dim, neurons))
result_4 = glorot_normal_4(shape=(input_dim, neurons))
RESULT["unseeded_objects_equal"] = float(np.allclose(result_3, result_4))

# keras.random: an integer seed repeats; a SeedGenerator moves on, and starts over
RESULT["int_seed_repeats"] = float(np.array_equal(keras.random.uniform((3,), seed=7),
                                                  keras.random.uniform((3,), seed=7)))
generator = keras.random.SeedGenerator(3)
first = keras.random.normal((3,), seed=generator)
second = keras.random.normal((3,), seed=generator)
RESULT["generator_moves_on"] = float(not np.array_equal(first, second))
generator = keras.random.SeedGenerator(3)
RESULT["generator_starts_over"] = float(np.array_equal(
    keras.random.normal((3,), seed=generator), first))

# Synthetic "digits": a bar whose angle is the class, on noise, 24 x 24 uint8 images
rng = np.random.default_rng(0)


def make_images(n):
    labels = rng.integers(0, 4, n)
    yy, xx = np.mgrid[0:24, 0:24] - 11.5
    images = []
    for label in labels:
        angle = label * np.pi / 4
        distance = np.abs(np.cos(angle) * yy - np.sin(angle) * xx)
        image = 200 * (distance < 2.0) + rng.uniform(0, 55, (24, 24))
        images.append(image.astype("uint8"))
    return np.stack(images), labels.astype("uint8")


(train_images, train_labels), (test_images, test_labels) = make_images(384), make_images(128)


def train_model(train_data, test_data):
    model = keras.Sequential(
        [
            layers.Conv2D(8, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Dropout(0.2),
            layers.Conv2D(8, (3, 3), activation="relu"),
            layers.MaxPooling2D((2, 2)),
            layers.Dropout(0.2),
            layers.Conv2D(8, (3, 3), activation="relu"),
            layers.GlobalAveragePooling2D(),
            layers.Dense(16, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(4, activation="softmax"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.Adam(0.01),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=False,
    )
    history = model.fit(train_data, epochs=4, validation_data=test_data, verbose=0)
    accuracy = model.evaluate(test_data, verbose=0)[1]
    return history.history, model.get_weights(), accuracy


train_ds = tf.data.Dataset.from_tensor_slices((train_images, train_labels))
test_ds = tf.data.Dataset.from_tensor_slices((test_images, test_labels))


def prepare_dataset(image, label):
    # Cast and normalize the image
    image = tf.cast(image, tf.float32) / 255.0
    # Expand the channel dimension
    image = tf.expand_dims(image, axis=-1)
    # Resize the image
    image = tf.image.resize(image, (20, 20))
    return image, label


def make_data():
    train_data = (
        train_ds.shuffle(buffer_size=len(train_images))
        .batch(batch_size=32)
        .map(prepare_dataset, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(buffer_size=tf.data.AUTOTUNE)
    )
    test_data = (
        test_ds.batch(batch_size=32)
        .map(prepare_dataset, num_parallel_calls=tf.data.AUTOTUNE)
        .prefetch(buffer_size=tf.data.AUTOTUNE)
    )
    return train_data, test_data


for images, _ in make_data()[0].take(1):
    RESULT["batch_shape_sum"] = float(sum(images.shape))
    RESULT["pixel_max"] = float(np.max(images.numpy()))

keras.utils.set_random_seed(812)
history, weights, accuracy = train_model(*make_data())
with open("history.json", "w") as fp:
    json.dump(history, fp)

keras.utils.set_random_seed(812)
history_again, weights_again, accuracy_again = train_model(*make_data())
with open("history.json") as fp:
    history_loaded = json.load(fp)

unequal = 0
for key in history_again.keys():
    for i in range(len(history_again[key])):
        if not np.allclose(history_again[key][i], history_loaded[key][i]):
            unequal += 1
RESULT["history_entries_unequal"] = float(unequal)
RESULT["history_keys"] = float(len(history_loaded))
RESULT["weights_identical"] = float(all(np.array_equal(a, b)
                                        for a, b in zip(weights, weights_again)))
RESULT["accuracy_repeats"] = float(accuracy == accuracy_again)
RESULT["test_accuracy"] = float(accuracy)
RESULT["loss_first"] = float(history["loss"][0])
RESULT["loss_last"] = float(history["loss"][-1])
print(RESULT)
