"""After the keras.io example "Self-supervised contrastive learning with NNCLR": unlabeled and
labeled tf.data datasets zipped together; two augmenters (Rescaling, RandomFlip, a random crop
and resize, RandomBrightness); a convolutional encoder, a projection head and a linear probe in
a Model subclass that keeps a support set of past projections in a non-trainable
keras.Variable (keras.utils.normalize of keras.random.normal), whose compile takes two
optimizers, whose train_step swaps each projection for its nearest neighbour in the queue
(ops.matmul similarities, ops.argmax, ops.take, a straight-through ops.stop_gradient), takes
the four-way contrastive loss under one tape, pushes the batch into the queue with assign,
tracks a contrastive and a cross-correlation accuracy made from ops.mean / ops.std, and trains
the probe under another tape; metrics created in __init__ are tracked by attribute.

STL-10 is replaced by 16x16 images of four classes (a centre bright in the red, the green,
the blue or all channels: flips and crops keep the class), keras_cv's
RandomCropAndResize by Keras's RandomCrop then Resizing, the queue holds 96 projections.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

tf.random.set_seed(11)
keras.utils.set_random_seed(11)
rng = np.random.default_rng(11)
RESULT = {}

AUTOTUNE = tf.data.AUTOTUNE
shuffle_buffer = 256
labelled_train_images = 128
unlabelled_images = 384

temperature = 0.1
queue_size = 96
contrastive_augmenter = {
    "brightness": 0.5,
    "name": "contrastive_augmenter",
    "scale": 12,
}
classification_augmenter = {
    "brightness": 0.2,
    "name": "classification_augmenter",
    "scale": 14,
}
input_shape = (16, 16, 3)
width = 16
num_epochs = 3
steps_per_epoch = 8
num_classes = 4


def images(n):
    labels = rng.integers(0, num_classes, n)
    x = rng.uniform(0, 90, (n,) + input_shape)
    for i, label in enumerate(labels):  # a bright centre in one channel, or in all three
        channels = slice(None) if label == 3 else int(label)
        x[i, 4:12, 4:12, channels] += 150
    return x.astype("float32"), labels


def prepare_dataset():
    unlabeled_batch_size = unlabelled_images // steps_per_epoch
    labeled_batch_size = labelled_train_images // steps_per_epoch
    batch_size = unlabeled_batch_size + labeled_batch_size

    unlabeled_x, _ = images(unlabelled_images)
    labeled_x, labeled_y = images(labelled_train_images)
    test_x, test_y = images(128)
    unlabeled_train_dataset = (
        tf.data.Dataset.from_tensor_slices((unlabeled_x, np.full(unlabelled_images, -1)))
        .shuffle(buffer_size=shuffle_buffer)
        .batch(unlabeled_batch_size, drop_remainder=True)
    )
    labeled_train_dataset = (
        tf.data.Dataset.from_tensor_slices((labeled_x, labeled_y))
        .shuffle(buffer_size=shuffle_buffer)
        .batch(labeled_batch_size, drop_remainder=True)
    )
    test_dataset = (
        tf.data.Dataset.from_tensor_slices((test_x, test_y))
        .batch(batch_size)
        .prefetch(buffer_size=AUTOTUNE)
    )
    train_dataset = tf.data.Dataset.zip(
        (unlabeled_train_dataset, labeled_train_dataset)
    ).prefetch(buffer_size=AUTOTUNE)

    return batch_size, train_dataset, labeled_train_dataset, test_dataset


batch_size, train_dataset, labeled_train_dataset, test_dataset = prepare_dataset()
RESULT["batch_size"] = float(batch_size)  # 48 + 16


def augmenter(brightness, name, scale):
    return keras.Sequential(
        [
            layers.Input(shape=input_shape),
            layers.Rescaling(1 / 255),
            layers.RandomFlip("horizontal"),
            layers.RandomCrop(scale, scale),
            layers.Resizing(input_shape[0], input_shape[1]),
            layers.RandomBrightness(factor=brightness, value_range=(0.0, 1.0)),
        ],
        name=name,
    )


sample = images(8)[0]
aug = augmenter(**contrastive_augmenter)
view = ops.convert_to_numpy(aug(sample, training=True))
plain = ops.convert_to_numpy(aug(sample, training=False))
RESULT["view_rows"] = float(view.shape[0] * view.shape[1])  # 8 * 16
RESULT["view_min"] = float(view.min())
RESULT["view_max"] = float(view.max())
RESULT["view_differs"] = float(np.max(np.abs(view - plain)) > 0.05)
RESULT["plain_in_range"] = float(plain.min() >= 0 and plain.max() <= 1)


def encoder():
    return keras.Sequential(
        [
            layers.Input(shape=input_shape),
            layers.Conv2D(width, kernel_size=3, strides=2, activation="relu"),
            layers.Conv2D(width, kernel_size=3, strides=2, activation="relu"),
            layers.Flatten(),
            layers.Dense(width, activation="relu"),
        ],
        name="encoder",
    )


class NNCLR(keras.Model):
    def __init__(
        self,
        temperature,
        queue_size,
    ):
        super().__init__()
        self.probe_accuracy = keras.metrics.SparseCategoricalAccuracy()
        self.correlation_accuracy = keras.metrics.SparseCategoricalAccuracy()
        self.contrastive_accuracy = keras.metrics.SparseCategoricalAccuracy()
        self.probe_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

        self.contrastive_augmenter = augmenter(**contrastive_augmenter)
        self.classification_augmenter = augmenter(**classification_augmenter)
        self.encoder = encoder()
        self.projection_head = keras.Sequential(
            [
                layers.Input(shape=(width,)),
                layers.Dense(width, activation="relu"),
                layers.Dense(width),
            ],
            name="projection_head",
        )
        self.linear_probe = keras.Sequential(
            [layers.Input(shape=(width,)), layers.Dense(num_classes)], name="linear_probe"
        )
        self.temperature = temperature

        feature_dimensions = self.encoder.output_shape[1]
        self.feature_queue = keras.Variable(
            keras.utils.normalize(
                keras.random.normal(shape=(queue_size, feature_dimensions)),
                axis=1,
                order=2,
            ),
            trainable=False,
        )

    def compile(self, contrastive_optimizer, probe_optimizer, **kwargs):
        super().compile(**kwargs)
        self.contrastive_optimizer = contrastive_optimizer
        self.probe_optimizer = probe_optimizer

    def nearest_neighbour(self, projections):
        support_similarities = ops.matmul(projections, ops.transpose(self.feature_queue))
        nn_projections = ops.take(
            self.feature_queue, ops.argmax(support_similarities, axis=1), axis=0
        )
        return projections + ops.stop_gradient(nn_projections - projections)

    def update_contrastive_accuracy(self, features_1, features_2):
        features_1 = keras.utils.normalize(features_1, axis=1, order=2)
        features_2 = keras.utils.normalize(features_2, axis=1, order=2)
        similarities = ops.matmul(features_1, ops.transpose(features_2))
        batch_size = ops.shape(features_1)[0]
        contrastive_labels = ops.arange(batch_size)
        self.contrastive_accuracy.update_state(
            ops.concatenate([contrastive_labels, contrastive_labels], axis=0),
            ops.concatenate([similarities, ops.transpose(similarities)], axis=0),
        )

    def update_correlation_accuracy(self, features_1, features_2):
        features_1 = (features_1 - ops.mean(features_1, axis=0)) / (
            ops.std(features_1, axis=0) + 1e-6
        )
        features_2 = (features_2 - ops.mean(features_2, axis=0)) / (
            ops.std(features_2, axis=0) + 1e-6
        )

        batch_size = ops.shape(features_1)[0]
        cross_correlation = (
            ops.matmul(ops.transpose(features_1), features_2) / batch_size
        )

        feature_dim = ops.shape(features_1)[1]
        correlation_labels = ops.arange(feature_dim)
        self.correlation_accuracy.update_state(
            ops.concatenate([correlation_labels, correlation_labels], axis=0),
            ops.concatenate(
                [cross_correlation, ops.transpose(cross_correlation)], axis=0
            ),
        )

    def contrastive_loss(self, projections_1, projections_2):
        projections_1 = keras.utils.normalize(projections_1, axis=1, order=2)
        projections_2 = keras.utils.normalize(projections_2, axis=1, order=2)

        similarities_1_2_1 = (
            ops.matmul(
                self.nearest_neighbour(projections_1), ops.transpose(projections_2)
            )
            / self.temperature
        )
        similarities_1_2_2 = (
            ops.matmul(
                projections_2, ops.transpose(self.nearest_neighbour(projections_1))
            )
            / self.temperature
        )

        similarities_2_1_1 = (
            ops.matmul(
                self.nearest_neighbour(projections_2), ops.transpose(projections_1)
            )
            / self.temperature
        )
        similarities_2_1_2 = (
            ops.matmul(
                projections_1, ops.transpose(self.nearest_neighbour(projections_2))
            )
            / self.temperature
        )

        batch_size = ops.shape(projections_1)[0]
        contrastive_labels = ops.arange(batch_size)
        loss = keras.losses.sparse_categorical_crossentropy(
            ops.concatenate(
                [
                    contrastive_labels,
                    contrastive_labels,
                    contrastive_labels,
                    contrastive_labels,
                ],
                axis=0,
            ),
            ops.concatenate(
                [
                    similarities_1_2_1,
                    similarities_1_2_2,
                    similarities_2_1_1,
                    similarities_2_1_2,
                ],
                axis=0,
            ),
            from_logits=True,
        )

        self.feature_queue.assign(
            ops.concatenate([projections_1, self.feature_queue[:-batch_size]], axis=0)
        )
        return loss

    def train_step(self, data):
        (unlabeled_images, _), (labeled_images, labels) = data
        images = ops.concatenate((unlabeled_images, labeled_images), axis=0)
        augmented_images_1 = self.contrastive_augmenter(images)
        augmented_images_2 = self.contrastive_augmenter(images)

        with tf.GradientTape() as tape:
            features_1 = self.encoder(augmented_images_1)
            features_2 = self.encoder(augmented_images_2)
            projections_1 = self.projection_head(features_1)
            projections_2 = self.projection_head(features_2)
            contrastive_loss = self.contrastive_loss(projections_1, projections_2)
        gradients = tape.gradient(
            contrastive_loss,
            self.encoder.trainable_weights + self.projection_head.trainable_weights,
        )
        self.contrastive_optimizer.apply_gradients(
            zip(
                gradients,
                self.encoder.trainable_weights + self.projection_head.trainable_weights,
            )
        )
        self.update_contrastive_accuracy(features_1, features_2)
        self.update_correlation_accuracy(features_1, features_2)
        preprocessed_images = self.classification_augmenter(labeled_images)

        with tf.GradientTape() as tape:
            features = self.encoder(preprocessed_images)
            class_logits = self.linear_probe(features)
            probe_loss = self.probe_loss(labels, class_logits)
        gradients = tape.gradient(probe_loss, self.linear_probe.trainable_weights)
        self.probe_optimizer.apply_gradients(
            zip(gradients, self.linear_probe.trainable_weights)
        )
        self.probe_accuracy.update_state(labels, class_logits)

        return {
            "c_loss": ops.mean(contrastive_loss),
            "c_acc": self.contrastive_accuracy.result(),
            "r_acc": self.correlation_accuracy.result(),
            "p_loss": probe_loss,
            "p_acc": self.probe_accuracy.result(),
        }

    def test_step(self, data):
        labeled_images, labels = data

        preprocessed_images = self.classification_augmenter(
            labeled_images, training=False
        )
        features = self.encoder(preprocessed_images, training=False)
        class_logits = self.linear_probe(features, training=False)
        probe_loss = self.probe_loss(labels, class_logits)

        self.probe_accuracy.update_state(labels, class_logits)
        return {"p_loss": probe_loss, "p_acc": self.probe_accuracy.result()}


model = NNCLR(temperature=temperature, queue_size=queue_size)
queue_0 = ops.convert_to_numpy(model.feature_queue)
RESULT["queue_rows"] = float(queue_0.shape[0])
RESULT["queue_norm_gap"] = float(np.max(np.abs(np.linalg.norm(queue_0, axis=1) - 1)))
RESULT["queue_not_trainable"] = float(
    not model.feature_queue.trainable
    and all(w is not model.feature_queue for w in model.trainable_weights)
)

# the nearest neighbour of each queue row is itself; the straight-through estimator
# passes the gradient of the looked-up rows back to the projections unchanged
probe = ops.convert_to_tensor(queue_0[[5, 40, 7]] * 3.0)
RESULT["neighbour_gap"] = float(np.max(np.abs(
    ops.convert_to_numpy(model.nearest_neighbour(probe)) - queue_0[[5, 40, 7]])))
RESULT["neighbour_is_queue_row"] = float(np.array_equal(
    np.argmax(ops.convert_to_numpy(probe) @ queue_0.T, axis=1), [5, 40, 7]))
x = tf.Variable(queue_0[[5, 40, 7]] * 3.0)
with tf.GradientTape() as tape:
    y = ops.sum(model.nearest_neighbour(x) * ops.arange(16, dtype="float32"))
grad = ops.convert_to_numpy(tape.gradient(y, x))
RESULT["straight_through_gap"] = float(np.max(np.abs(grad - np.arange(16)[None, :])))
RESULT["normalize_gap"] = float(np.max(np.abs(
    ops.convert_to_numpy(keras.utils.normalize(np.array([[3.0, 4.0]]), axis=1, order=2))
    - np.array([[0.6, 0.8]]))))

model.compile(
    contrastive_optimizer=keras.optimizers.Adam(),
    probe_optimizer=keras.optimizers.Adam(),
    jit_compile=False,
)
pretrain_history = model.fit(
    train_dataset, epochs=num_epochs, validation_data=test_dataset, verbose=0
)
queue_1 = ops.convert_to_numpy(model.feature_queue)
RESULT["history_keys"] = float(len(pretrain_history.history))  # 5 + val_p_loss, val_p_acc
RESULT["c_loss_0"] = pretrain_history.history["c_loss"][0]
RESULT["c_loss_last"] = pretrain_history.history["c_loss"][-1]
RESULT["c_acc_last"] = pretrain_history.history["c_acc"][-1]
RESULT["r_acc_last"] = pretrain_history.history["r_acc"][-1]
RESULT["val_p_acc"] = pretrain_history.history["val_p_acc"][-1]
RESULT["contrastive_iterations"] = float(model.contrastive_optimizer.iterations)
RESULT["probe_iterations"] = float(model.probe_optimizer.iterations)
# 24 steps of 64 projections pushed through a queue of 96: all of it replaced, unit rows
RESULT["queue_replaced"] = float(np.min(np.abs(queue_1 - queue_0).max(axis=1)) > 1e-3)
RESULT["queue_norm_after_gap"] = float(np.max(np.abs(np.linalg.norm(queue_1, axis=1) - 1)))

finetuning_model = keras.Sequential(
    [
        layers.Input(shape=input_shape),
        augmenter(**classification_augmenter),
        model.encoder,
        layers.Dense(num_classes),
    ],
    name="finetuning_model",
)
finetuning_model.compile(
    optimizer=keras.optimizers.Adam(),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
    jit_compile=False,
)

finetuning_history = finetuning_model.fit(
    labeled_train_dataset, epochs=4, validation_data=test_dataset, verbose=0
)
RESULT["finetune_loss_0"] = finetuning_history.history["loss"][0]
RESULT["finetune_loss_last"] = finetuning_history.history["loss"][-1]
RESULT["finetune_val_acc"] = finetuning_history.history["val_acc"][-1]
print(RESULT)
