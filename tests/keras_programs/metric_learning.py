"""After the keras.io example "Metric learning for image similarity search": a PyDataset of
(anchor, positive) pairs, one pair per class in each batch, stacked in one array of shape
(2, classes, height, width, channels); an embedding model (strided Conv2D layers, global
pooling, a Dense projection normalized to unit length) as a Model subclass whose train_step
embeds anchors and positives under a tape, takes their pairwise dot products (tf.einsum) over a
temperature as logits against the labels tf.range(classes), and updates the compiled loss and
metrics; then near neighbours of the test embeddings by an einsum Gram matrix and argsort,
counted in a confusion matrix.

CIFAR-10 is replaced by 16x16 images of eight classes (a bright patch at a class's place), and
the guide's compiled_loss / compiled_metrics (removed in Keras 3) by compute_loss and the
metrics loop of Keras 3's version of the guide.
"""

import random
from collections import defaultdict

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

random.seed(41)
tf.random.set_seed(41)
rng = np.random.default_rng(41)
RESULT = {}

height_width = 16
num_classes = 8


def images(n):
    labels = rng.integers(0, num_classes, n)
    x = rng.uniform(0.0, 0.4, (n, height_width, height_width, 3))
    for i, label in enumerate(labels):
        r, c = divmod(int(label), 4)
        x[i, r * 8:r * 8 + 6, c * 4:c * 4 + 4, int(label) % 3] += 0.6
    return x.astype("float32"), labels


x_train, y_train = images(480)
x_test, y_test = images(160)

class_idx_to_train_idxs = defaultdict(list)
for y_train_idx, y in enumerate(y_train):
    class_idx_to_train_idxs[y].append(y_train_idx)

class_idx_to_test_idxs = defaultdict(list)
for y_test_idx, y in enumerate(y_test):
    class_idx_to_test_idxs[y].append(y_test_idx)


class AnchorPositivePairs(keras.utils.PyDataset):
    def __init__(self, num_batchs, **kwargs):
        super().__init__(**kwargs)
        self.num_batchs = num_batchs

    def __len__(self):
        return self.num_batchs

    def __getitem__(self, _idx):
        x = np.empty((2, num_classes, height_width, height_width, 3), dtype=np.float32)
        for class_idx in range(num_classes):
            examples_for_class = class_idx_to_train_idxs[class_idx]
            anchor_idx = random.choice(examples_for_class)
            positive_idx = random.choice(examples_for_class)
            while positive_idx == anchor_idx:
                positive_idx = random.choice(examples_for_class)
            x[0, class_idx] = x_train[anchor_idx]
            x[1, class_idx] = x_train[positive_idx]
        return x


examples = next(iter(AnchorPositivePairs(num_batchs=1)))
RESULT["pair_batch_rank"] = float(examples.ndim)
RESULT["pair_batch_classes"] = float(examples.shape[1])


class EmbeddingModel(keras.Model):
    def train_step(self, data):
        if isinstance(data, tuple):
            data = data[0]
        anchors, positives = data[0], data[1]

        with tf.GradientTape() as tape:
            anchor_embeddings = self(anchors, training=True)
            positive_embeddings = self(positives, training=True)

            similarities = tf.einsum(
                "ae,pe->ap", anchor_embeddings, positive_embeddings
            )

            temperature = 0.2
            similarities /= temperature

            sparse_labels = tf.range(num_classes)
            loss = self.compute_loss(y=sparse_labels, y_pred=similarities)

        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_variables))

        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(sparse_labels, similarities)

        return {m.name: m.result() for m in self.metrics}


inputs = layers.Input(shape=(height_width, height_width, 3))
x = layers.Conv2D(filters=16, kernel_size=3, strides=2, activation="relu")(inputs)
x = layers.Conv2D(filters=32, kernel_size=3, strides=2, activation="relu")(x)
x = layers.GlobalAveragePooling2D()(x)
embeddings = layers.Dense(units=8, activation=None)(x)
embeddings = layers.UnitNormalization()(embeddings)

model = EmbeddingModel(inputs, embeddings)

model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=1e-2),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)

history = model.fit(AnchorPositivePairs(num_batchs=40), epochs=5, verbose=0)
RESULT["history_keys"] = float(len(history.history))  # loss, accuracy
RESULT["loss_0"] = history.history["loss"][0]
RESULT["loss_4"] = history.history["loss"][4]
RESULT["pair_accuracy"] = history.history["accuracy"][4]
RESULT["iterations"] = float(model.optimizer.iterations)  # 5 epochs of 40 batches

near_neighbours_per_example = 10

embeddings = model.predict(x_test, verbose=0)
RESULT["unit_norm_gap"] = float(np.max(np.abs(np.linalg.norm(embeddings, axis=1) - 1.0)))
gram_matrix = np.einsum("ae,be->ab", embeddings, embeddings)
near_neighbours = np.argsort(gram_matrix.T)[:, -(near_neighbours_per_example + 1):]
RESULT["self_is_nearest"] = float(np.mean(near_neighbours[:, -1] == np.arange(len(x_test))))

confusion_matrix = np.zeros((num_classes, num_classes))

for class_idx in range(num_classes):
    example_idxs = class_idx_to_test_idxs[class_idx][:10]
    for y_test_idx in example_idxs:
        for nn_idx in near_neighbours[y_test_idx][:-1]:
            nn_class_idx = y_test[nn_idx]
            confusion_matrix[class_idx, nn_class_idx] += 1

RESULT["neighbour_accuracy"] = float(np.trace(confusion_matrix) / confusion_matrix.sum())
print(RESULT)
