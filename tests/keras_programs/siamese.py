"""A siamese network: one tower applied to both members of a pair (shared weights), a Lambda
layer computing the Euclidean distance from the list of the two embeddings, and a contrastive
loss written as a function: similar pairs (label 1) are pulled together, dissimilar pairs
pushed at least ``margin`` apart.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


def euclidean_distance(vects):
    x, y = vects
    sum_square = ops.sum(ops.square(x - y), axis=1, keepdims=True)
    return ops.sqrt(ops.maximum(sum_square, 1e-7))


def contrastive_loss(margin=1.0):
    def loss(y_true, y_pred):
        similar = y_true * ops.square(y_pred)
        dissimilar = (1.0 - y_true) * ops.square(ops.maximum(margin - y_pred, 0.0))
        return ops.mean(similar + dissimilar)

    return loss


keras.utils.set_random_seed(17)
rng = np.random.default_rng(17)
num_classes, dim = 6, 12
centers = rng.normal(0.0, 1.0, (num_classes, dim))


def make_pairs(count):
    first_class = rng.integers(0, num_classes, count)
    same = rng.integers(0, 2, count)
    offset = rng.integers(1, num_classes, count)
    second_class = np.where(same == 1, first_class, (first_class + offset) % num_classes)
    first = centers[first_class] + 0.5 * rng.normal(size=(count, dim))
    second = centers[second_class] + 0.5 * rng.normal(size=(count, dim))
    return first.astype("float32"), second.astype("float32"), same.astype("float32")[:, None]


a_train, b_train, y_train = make_pairs(2000)
a_test, b_test, y_test = make_pairs(500)

tower = keras.Sequential(
    [keras.Input(shape=(dim,)), layers.Dense(32, activation="relu"), layers.Dense(8)],
    name="tower",
)
input_1 = keras.Input(shape=(dim,))
input_2 = keras.Input(shape=(dim,))
tower_1 = tower(input_1)
tower_2 = tower(input_2)
distance = layers.Lambda(euclidean_distance, output_shape=(1,))([tower_1, tower_2])
siamese = keras.Model(inputs=[input_1, input_2], outputs=distance)
assert len(siamese.trainable_weights) == 4  # the tower's, once

siamese.compile(loss=contrastive_loss(margin=1.0),
                optimizer=keras.optimizers.RMSprop(learning_rate=1e-3))
history = siamese.fit([a_train, b_train], y_train, batch_size=32, epochs=5, verbose=0)
distances = siamese.predict([a_test, b_test], verbose=0)
accuracy = float(np.mean((distances < 0.5) == (y_test > 0.5)))

RESULT = {
    "accuracy": accuracy,
    "loss_ratio": history.history["loss"][-1] / history.history["loss"][0],
}
print(RESULT)
