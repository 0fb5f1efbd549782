"""After the TensorFlow tutorial "Load NumPy data": an MNIST-like .npz file of uint8 images
fetched with get_file from a file:// address and read with np.load, its arrays turned into
datasets with Dataset.from_tensor_slices, shuffled and batched, and a Flatten + Dense model
compiled with RMSprop and sparse_categorical_accuracy fitted and evaluated on them; then the
same model from weights drawn with NumPy on the unshuffled batches, whose losses are
TensorFlow's to float32 rounding.
"""

import os
import tempfile

import numpy as np

import numnet as tf

tf.keras.utils.set_random_seed(4)
RESULT = {}

# ----- an mnist.npz of uint8 digits: each class a bright bar at its own row
rng = np.random.default_rng(31)


def digits(count):
    labels = rng.integers(0, 10, count).astype(np.uint8)
    images = rng.integers(0, 60, (count, 28, 28)).astype(np.uint8)
    for i, label in enumerate(labels):
        images[i, 2 + 2 * label: 4 + 2 * label, 4:24] = 200 + rng.integers(0, 55)
    return images, labels


x_train, y_train = digits(640)
x_test, y_test = digits(192)
source = os.path.join(tempfile.mkdtemp(), "mnist.npz")
np.savez(source, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)

DATA_URL = "file://" + source
path = tf.keras.utils.get_file("mnist.npz", DATA_URL, cache_dir=tempfile.mkdtemp())
with np.load(path) as data:
    train_examples = data["x_train"]
    train_labels = data["y_train"]
    test_examples = data["x_test"]
    test_labels = data["y_test"]
RESULT["fetched_equal"] = float(np.array_equal(train_examples, x_train))

# ----- load NumPy arrays with tf.data.Dataset
train_dataset = tf.data.Dataset.from_tensor_slices((train_examples, train_labels))
test_dataset = tf.data.Dataset.from_tensor_slices((test_examples, test_labels))
example, label = next(iter(train_dataset))
RESULT["example_is_uint8"] = float(example.dtype == tf.uint8)
RESULT["example_rank"] = float(len(example.shape))
RESULT["cardinality"] = float(train_dataset.cardinality().numpy())

# ----- use the datasets
BATCH_SIZE = 64
SHUFFLE_BUFFER_SIZE = 100

train_dataset = train_dataset.shuffle(SHUFFLE_BUFFER_SIZE, seed=1).batch(BATCH_SIZE)
test_dataset = test_dataset.batch(BATCH_SIZE)
RESULT["train_batches"] = float(len(train_dataset))

model = tf.keras.Sequential([
    tf.keras.layers.Flatten(input_shape=(28, 28)),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10)
])

model.compile(optimizer=tf.keras.optimizers.RMSprop(),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["sparse_categorical_accuracy"])
history = model.fit(train_dataset, epochs=4, verbose=0)
loss, accuracy = model.evaluate(test_dataset, verbose=0)
RESULT["history_keys"] = float(len(history.history))
RESULT["test_accuracy"] = float(accuracy)

# ----- the same model from NumPy weights on the batches in order
draw = np.random.default_rng(6)
model = tf.keras.Sequential([
    tf.keras.Input(shape=(28, 28)),
    tf.keras.layers.Flatten(),
    tf.keras.layers.Dense(128, activation="relu"),
    tf.keras.layers.Dense(10)
])
model.set_weights([draw.normal(0, 0.002, (784, 128)).astype("float32"),
                   np.zeros(128, "float32"),
                   draw.normal(0, 0.1, (128, 10)).astype("float32"),
                   np.zeros(10, "float32")])
model.compile(optimizer=tf.keras.optimizers.RMSprop(learning_rate=1e-4),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
              metrics=["sparse_categorical_accuracy"])
ordered = tf.data.Dataset.from_tensor_slices((train_examples, train_labels)).batch(BATCH_SIZE)
history = model.fit(ordered, epochs=4, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
loss, accuracy = model.evaluate(test_dataset, verbose=0)
RESULT["ordered_test_loss"] = float(loss)
RESULT["ordered_test_accuracy"] = float(accuracy)
print(RESULT)
