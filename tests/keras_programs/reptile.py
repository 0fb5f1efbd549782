"""After the keras.io example "Few-Shot learning with Reptile": a Dataset class that keeps
images per class in a dict and samples few-shot tasks with random.choices into a tf.data
pipeline (from_tensor_slices of float64 arrays cast to float32 and int32, batch, repeat); a
functional network of strided Conv2D + BatchNormalization + ReLU blocks and a softmax Dense,
compiled with no arguments; an SGD optimizer used outside fit; the meta-training loop that
keeps model.get_weights(), trains on the task with tf.GradientTape over
keras.losses.sparse_categorical_crossentropy (a loss per sample, whose gradient is that of
the sum), applies the gradients, and moves the old weights a decreasing step toward the new
ones with set_weights; evaluation that adapts on a task, predicts the held-out images, takes
tf.argmax of the predictions (over axis 0, as the example writes it) and restores the
weights.

Omniglot becomes 28x28 "characters": each class a fixed random stroke pattern with noise, 24
classes to meta-train on and 12 to test; the convolutions have 16 filters, not 64, and there
are 40 meta-iterations. The tf.data shuffle is left out, the tasks come from Python's random
with a fixed seed and the weights start from a NumPy draw: the first 75 inner steps follow
Keras (TensorFlow) to float32 rounding, and then a ReLU input that rounds to the other side
of 0 in one framework starts them apart (the loss still agrees there to 1e-6, the gradients
by 3e-3), so only counts, the conserved sum of the Dense kernel and coarse accuracies are
compared.
"""

import random

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

RESULT = {}

learning_rate = 0.003
meta_step_size = 0.25

inner_batch_size = 25
eval_batch_size = 25

meta_iters = 40
eval_iters = 5
inner_iters = 4

eval_interval = 10
train_shots = 20
shots = 5
classes = 5

random.seed(5)
rng = np.random.default_rng(37)


def make_characters(count, per_class):
    data = {}
    for label in range(count):
        pattern = (rng.uniform(size=(7, 7)) < 0.35).astype("float32")
        pattern = np.kron(pattern, np.ones((4, 4), "float32"))
        data[str(label)] = [
            np.clip(pattern + rng.normal(0, 0.3, pattern.shape), 0, 1)[..., None]
            for _ in range(per_class)]
    return data


class Dataset:
    # This class will facilitate the creation of a few-shot dataset
    # from the Omniglot dataset that can be sampled from quickly while also
    # allowing to create new labels at the same time.
    def __init__(self, training):
        self.data = make_characters(24 if training else 12, 20)
        self.labels = list(self.data.keys())

    def get_mini_dataset(self, batch_size, repetitions, shots, num_classes, split=False):
        temp_labels = np.zeros(shape=(num_classes * shots))
        temp_images = np.zeros(shape=(num_classes * shots, 28, 28, 1))
        if split:
            test_labels = np.zeros(shape=(num_classes))
            test_images = np.zeros(shape=(num_classes, 28, 28, 1))

        # Get a random subset of labels from the entire label set.
        label_subset = random.choices(self.labels, k=num_classes)
        for class_idx, class_obj in enumerate(label_subset):  # noqa: B007
            # Use enumerated index value as a temporary label for mini-batch in
            # few shot learning.
            temp_labels[class_idx * shots : (class_idx + 1) * shots] = class_idx
            # If creating a split dataset for testing, select an extra sample from each
            # label to create the test dataset.
            if split:
                test_labels[class_idx] = class_idx
                images_to_split = random.choices(
                    self.data[label_subset[class_idx]], k=shots + 1
                )
                test_images[class_idx] = images_to_split[-1]
                temp_images[class_idx * shots : (class_idx + 1) * shots] = images_to_split[:-1]
            else:
                # For each index in the randomly selected label_subset, sample the
                # necessary number of images.
                temp_images[class_idx * shots : (class_idx + 1) * shots] = random.choices(
                    self.data[label_subset[class_idx]], k=shots
                )

        dataset = tf.data.Dataset.from_tensor_slices(
            (temp_images.astype(np.float32), temp_labels.astype(np.int32))
        )
        dataset = dataset.batch(batch_size).repeat(repetitions)
        if split:
            return dataset, test_images, test_labels
        return dataset


train_dataset = Dataset(training=True)
test_dataset = Dataset(training=False)

probe = train_dataset.get_mini_dataset(inner_batch_size, inner_iters, train_shots, classes)
RESULT["task_batches"] = float(sum(1 for _ in probe))
probe_images, probe_labels = next(iter(probe))
RESULT["task_images_are_float32"] = float(probe_images.dtype == tf.float32)
RESULT["task_labels_are_int32"] = float(probe_labels.dtype == tf.int32)


def conv_bn(x):
    x = layers.Conv2D(filters=16, kernel_size=3, strides=2, padding="same")(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


inputs = layers.Input(shape=(28, 28, 1))
x = conv_bn(inputs)
x = conv_bn(x)
x = conv_bn(x)
x = conv_bn(x)
x = layers.Flatten()(x)
outputs = layers.Dense(classes, activation="softmax")(x)
model = keras.Model(inputs=inputs, outputs=outputs)
model.compile()
optimizer = keras.optimizers.SGD(learning_rate=learning_rate)

draw = np.random.default_rng(41)
model.set_weights([
    draw.normal(0.0, np.sqrt(2.0 / np.prod(w.shape[:-1])), w.shape).astype("float32")
    if w.ndim > 1 else w
    for w in model.get_weights()])
start_weights = model.get_weights()
# the softmax's outputs sum to 1, so SGD never changes the sum of the Dense kernel
RESULT["dense_kernel_sum_start"] = float(np.sum(start_weights[-2]))

# The gradient of a per-sample loss is that of its sum, as TensorFlow's tape takes it
images, labels = next(iter(probe))
with tf.GradientTape() as tape:
    preds = model(images)
    loss = keras.losses.sparse_categorical_crossentropy(labels, preds)
per_sample = tape.gradient(loss, model.trainable_weights)
with tf.GradientTape() as tape:
    summed = tf.reduce_sum(keras.losses.sparse_categorical_crossentropy(labels, model(images)))
RESULT["loss_rows"] = float(loss.shape[0])
RESULT["per_sample_gradient_gap"] = float(max(
    np.max(np.abs(np.asarray(a) - np.asarray(b)))
    for a, b in zip(per_sample, tape.gradient(summed, model.trainable_weights), strict=True)))

# Keras draws its default seeds from Python's random when it builds layers: seed it again
random.seed(7)
training = []
testing = []
for meta_iter in range(meta_iters):
    frac_done = meta_iter / meta_iters
    cur_meta_step_size = (1 - frac_done) * meta_step_size
    # Temporarily save the weights from the model.
    old_vars = model.get_weights()
    # Get a sample from the full dataset.
    mini_dataset = train_dataset.get_mini_dataset(
        inner_batch_size, inner_iters, train_shots, classes
    )
    for images, labels in mini_dataset:
        with tf.GradientTape() as tape:
            preds = model(images)
            loss = keras.losses.sparse_categorical_crossentropy(labels, preds)
        grads = tape.gradient(loss, model.trainable_weights)
        optimizer.apply_gradients(zip(grads, model.trainable_weights))
    new_vars = model.get_weights()
    # Perform SGD for the meta step.
    for var in range(len(new_vars)):
        new_vars[var] = old_vars[var] + ((new_vars[var] - old_vars[var]) * cur_meta_step_size)
    # After the meta-learning step, reload the newly-trained weights into the model.
    model.set_weights(new_vars)
    # Evaluation loop
    if meta_iter % eval_interval == 0:
        accuracies = []
        for dataset in (train_dataset, test_dataset):
            # Sample a mini dataset from the full dataset.
            train_set, test_images, test_labels = dataset.get_mini_dataset(
                eval_batch_size, eval_iters, shots, classes, split=True
            )
            old_vars = model.get_weights()
            # Train on the samples and get the resulting accuracies.
            for images, labels in train_set:
                with tf.GradientTape() as tape:
                    preds = model(images)
                    loss = keras.losses.sparse_categorical_crossentropy(labels, preds)
                grads = tape.gradient(loss, model.trainable_weights)
                optimizer.apply_gradients(zip(grads, model.trainable_weights))
            test_preds = model.predict(test_images, verbose=0)
            test_preds = tf.argmax(test_preds).numpy()
            num_correct = (test_preds == test_labels).sum()
            # Reset the weights after getting the evaluation accuracies.
            model.set_weights(old_vars)
            accuracies.append(num_correct / classes)
        training.append(accuracies[0])
        testing.append(accuracies[1])
        print("batch %d: train=%f test=%f" % (meta_iter, accuracies[0], accuracies[1]))  # noqa: UP031

RESULT["evaluations"] = float(len(training))
RESULT["train_accuracy_sum"] = float(sum(training))
RESULT["test_accuracy_sum"] = float(sum(testing))
RESULT["iterations"] = float(optimizer.iterations)
final = model.get_weights()
RESULT["weight_change"] = float(sum(
    np.sum(np.abs(a - b)) for a, b in zip(final, start_weights, strict=True)))
RESULT["dense_kernel_sum"] = float(np.sum(final[-2]))

# The last task, adapted on its support set: argmax over the classes of each prediction
train_set, test_images, test_labels = test_dataset.get_mini_dataset(
    eval_batch_size, eval_iters, shots, classes, split=True
)
for images, labels in train_set:
    with tf.GradientTape() as tape:
        preds = model(images)
        loss = keras.losses.sparse_categorical_crossentropy(labels, preds)
    grads = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(grads, model.trainable_weights))
test_preds = model.predict(test_images, verbose=0)
RESULT["adapted_accuracy"] = float(np.mean(np.argmax(test_preds, axis=1) == test_labels))
test_preds = tf.argmax(test_preds).numpy()
RESULT["argmax_axis_0_length"] = float(len(test_preds))
print(RESULT)
