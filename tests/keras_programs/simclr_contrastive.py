"""After the keras.io example "Semi-supervised image classification using contrastive
pretraining with SimCLR": unlabeled and labeled tf.data datasets zipped together; augmenters
(Rescaling, RandomFlip, RandomTranslation, RandomZoom and a RandomColorAffine layer of its own
drawing brightness and jitter with keras.random from a SeedGenerator); a convolutional
encoder, a projection head and a linear probe in a Model subclass whose compile takes two
optimizers, whose train_step makes two augmented views of every image, takes the contrastive
loss of their normalized projections (cosine similarities over a temperature, cross-entropy
both ways against ops.arange labels) under one tape and the probe's loss on the labeled
images under another, and whose test_step reports the probe's metrics only; then the
pretrained encoder fine-tuned in a Sequential with an augmenter.

STL-10 is replaced by 16x16 images of four classes (a bright quadrant), the encoder is narrower.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops

tf.random.set_seed(37)
keras.utils.set_random_seed(37)
rng = np.random.default_rng(37)
RESULT = {}

unlabeled_dataset_size = 384
labeled_dataset_size = 128
image_size = 16
image_channels = 3
num_classes = 4

num_epochs = 3
batch_size = 64
width = 16
temperature = 0.1
contrastive_augmentation = {"min_area": 0.25, "brightness": 0.6, "jitter": 0.2}
classification_augmentation = {"min_area": 0.75, "brightness": 0.3, "jitter": 0.1}


def images(n):
    labels = rng.integers(0, num_classes, n)
    x = rng.uniform(0, 90, (n, image_size, image_size, image_channels))
    for i, label in enumerate(labels):
        r, c = divmod(int(label), 2)
        x[i, r * 8:(r + 1) * 8, c * 8:(c + 1) * 8] += 150
    return x.astype("float32"), labels


unlabeled_images, _ = images(unlabeled_dataset_size)
labeled_images, labeled_labels = images(labeled_dataset_size)
test_images, test_labels = images(128)

steps_per_epoch = (unlabeled_dataset_size + labeled_dataset_size) // batch_size
unlabeled_batch_size = unlabeled_dataset_size // steps_per_epoch
labeled_batch_size = labeled_dataset_size // steps_per_epoch

unlabeled_train_dataset = (
    tf.data.Dataset.from_tensor_slices((unlabeled_images, np.full(unlabeled_dataset_size, -1)))
    .shuffle(buffer_size=10 * unlabeled_batch_size)
    .batch(unlabeled_batch_size)
)
labeled_train_dataset = (
    tf.data.Dataset.from_tensor_slices((labeled_images, labeled_labels))
    .shuffle(buffer_size=10 * labeled_batch_size)
    .batch(labeled_batch_size)
)
test_dataset = (
    tf.data.Dataset.from_tensor_slices((test_images, test_labels))
    .batch(batch_size)
    .prefetch(buffer_size=tf.data.AUTOTUNE)
)
train_dataset = tf.data.Dataset.zip(
    (unlabeled_train_dataset, labeled_train_dataset)
).prefetch(buffer_size=tf.data.AUTOTUNE)
(first_unlabeled, _), (first_labeled, _) = next(iter(train_dataset))
RESULT["unlabeled_batch"] = float(first_unlabeled.shape[0])  # 384 / 8 steps
RESULT["labeled_batch"] = float(first_labeled.shape[0])  # 128 / 8 steps


class RandomColorAffine(layers.Layer):
    def __init__(self, brightness=0, jitter=0, **kwargs):
        super().__init__(**kwargs)

        self.seed_generator = keras.random.SeedGenerator(1337)
        self.brightness = brightness
        self.jitter = jitter

    def get_config(self):
        config = super().get_config()
        config.update({"brightness": self.brightness, "jitter": self.jitter})
        return config

    def call(self, images, training=True):
        if training:
            batch_size = ops.shape(images)[0]

            brightness_scales = 1 + keras.random.uniform(
                (batch_size, 1, 1, 1),
                minval=-self.brightness,
                maxval=self.brightness,
                seed=self.seed_generator,
            )
            jitter_matrices = keras.random.uniform(
                (batch_size, 1, 3, 3),
                minval=-self.jitter,
                maxval=self.jitter,
                seed=self.seed_generator,
            )

            color_transforms = (
                ops.tile(ops.expand_dims(ops.eye(3), axis=0), (batch_size, 1, 1, 1))
                * brightness_scales
                + jitter_matrices
            )
            images = ops.clip(ops.matmul(images, color_transforms), 0, 1)
        return images


def get_augmenter(min_area, brightness, jitter):
    zoom_factor = 1.0 - np.sqrt(min_area)
    return keras.Sequential(
        [
            layers.Input(shape=(image_size, image_size, image_channels)),
            layers.Rescaling(1 / 255),
            layers.RandomFlip("horizontal"),
            layers.RandomTranslation(zoom_factor / 2, zoom_factor / 2),
            layers.RandomZoom((-zoom_factor, 0.0), (-zoom_factor, 0.0)),
            RandomColorAffine(brightness, jitter),
        ]
    )


augmenter = get_augmenter(**contrastive_augmentation)
view_1 = ops.convert_to_numpy(augmenter(unlabeled_images[:8], training=True))
view_2 = ops.convert_to_numpy(augmenter(unlabeled_images[:8], training=True))
plain = ops.convert_to_numpy(augmenter(unlabeled_images[:8], training=False))
RESULT["views_differ"] = float(np.max(np.abs(view_1 - view_2)) > 0.05)
RESULT["view_min"] = float(view_1.min())
RESULT["view_max"] = float(view_1.max())
RESULT["inference_rescaled_gap"] = float(np.max(np.abs(plain - unlabeled_images[:8] / 255)))


def get_encoder():
    return keras.Sequential(
        [
            layers.Input(shape=(image_size, image_size, image_channels)),
            layers.Conv2D(width, kernel_size=3, strides=2, activation="relu"),
            layers.Conv2D(width, kernel_size=3, strides=2, activation="relu"),
            layers.Flatten(),
            layers.Dense(width, activation="relu"),
        ],
        name="encoder",
    )


class ContrastiveModel(keras.Model):
    def __init__(self):
        super().__init__()

        self.temperature = temperature
        self.contrastive_augmenter = get_augmenter(**contrastive_augmentation)
        self.classification_augmenter = get_augmenter(**classification_augmentation)
        self.encoder = get_encoder()
        self.projection_head = keras.Sequential(
            [
                layers.Input(shape=(width,)),
                layers.Dense(width, activation="relu"),
                layers.Dense(width),
            ],
            name="projection_head",
        )
        self.linear_probe = keras.Sequential(
            [layers.Input(shape=(width,)), layers.Dense(num_classes)],
            name="linear_probe",
        )

    def compile(self, contrastive_optimizer, probe_optimizer, **kwargs):
        super().compile(**kwargs)

        self.contrastive_optimizer = contrastive_optimizer
        self.probe_optimizer = probe_optimizer

        self.probe_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

        self.contrastive_loss_tracker = keras.metrics.Mean(name="c_loss")
        self.contrastive_accuracy = keras.metrics.SparseCategoricalAccuracy(
            name="c_acc"
        )
        self.probe_loss_tracker = keras.metrics.Mean(name="p_loss")
        self.probe_accuracy = keras.metrics.SparseCategoricalAccuracy(name="p_acc")

    @property
    def metrics(self):
        return [
            self.contrastive_loss_tracker,
            self.contrastive_accuracy,
            self.probe_loss_tracker,
            self.probe_accuracy,
        ]

    def contrastive_loss(self, projections_1, projections_2):
        projections_1 = ops.normalize(projections_1, axis=1)
        projections_2 = ops.normalize(projections_2, axis=1)
        similarities = (
            ops.matmul(projections_1, ops.transpose(projections_2)) / self.temperature
        )

        batch_size = ops.shape(projections_1)[0]
        contrastive_labels = ops.arange(batch_size)
        self.contrastive_accuracy.update_state(contrastive_labels, similarities)
        self.contrastive_accuracy.update_state(
            contrastive_labels, ops.transpose(similarities)
        )

        loss_1_2 = keras.losses.sparse_categorical_crossentropy(
            contrastive_labels, similarities, from_logits=True
        )
        loss_2_1 = keras.losses.sparse_categorical_crossentropy(
            contrastive_labels, ops.transpose(similarities), from_logits=True
        )
        return (loss_1_2 + loss_2_1) / 2

    def train_step(self, data):
        (unlabeled_images, _), (labeled_images, labels) = data

        images = ops.concatenate((unlabeled_images, labeled_images), axis=0)
        augmented_images_1 = self.contrastive_augmenter(images, training=True)
        augmented_images_2 = self.contrastive_augmenter(images, training=True)
        with tf.GradientTape() as tape:
            features_1 = self.encoder(augmented_images_1, training=True)
            features_2 = self.encoder(augmented_images_2, training=True)
            projections_1 = self.projection_head(features_1, training=True)
            projections_2 = self.projection_head(features_2, training=True)
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
        self.contrastive_loss_tracker.update_state(contrastive_loss)

        preprocessed_images = self.classification_augmenter(
            labeled_images, training=True
        )
        with tf.GradientTape() as tape:
            features = self.encoder(preprocessed_images, training=False)
            class_logits = self.linear_probe(features, training=True)
            probe_loss = self.probe_loss(labels, class_logits)
        gradients = tape.gradient(probe_loss, self.linear_probe.trainable_weights)
        self.probe_optimizer.apply_gradients(
            zip(gradients, self.linear_probe.trainable_weights)
        )
        self.probe_loss_tracker.update_state(probe_loss)
        self.probe_accuracy.update_state(labels, class_logits)

        return {m.name: m.result() for m in self.metrics}

    def test_step(self, data):
        labeled_images, labels = data

        preprocessed_images = self.classification_augmenter(
            labeled_images, training=False
        )
        features = self.encoder(preprocessed_images, training=False)
        class_logits = self.linear_probe(features, training=False)
        probe_loss = self.probe_loss(labels, class_logits)
        self.probe_loss_tracker.update_state(probe_loss)
        self.probe_accuracy.update_state(labels, class_logits)

        return {m.name: m.result() for m in self.metrics[2:]}


pretraining_model = ContrastiveModel()
pretraining_model.compile(
    contrastive_optimizer=keras.optimizers.Adam(),
    probe_optimizer=keras.optimizers.Adam(),
)

pretraining_history = pretraining_model.fit(
    train_dataset, epochs=num_epochs, validation_data=test_dataset, verbose=0
)
RESULT["history_keys"] = float(len(pretraining_history.history))  # 4 + val_p_loss, val_p_acc
RESULT["has_val_p_acc"] = float("val_p_acc" in pretraining_history.history)
RESULT["c_loss_0"] = pretraining_history.history["c_loss"][0]
RESULT["c_loss_2"] = pretraining_history.history["c_loss"][2]
RESULT["c_acc_2"] = pretraining_history.history["c_acc"][2]
RESULT["val_p_acc"] = pretraining_history.history["val_p_acc"][-1]
RESULT["contrastive_iterations"] = float(pretraining_model.contrastive_optimizer.iterations)
RESULT["probe_iterations"] = float(pretraining_model.probe_optimizer.iterations)

finetuning_model = keras.Sequential(
    [
        layers.Input(shape=(image_size, image_size, image_channels)),
        get_augmenter(**classification_augmentation),
        pretraining_model.encoder,
        layers.Dense(num_classes),
    ],
    name="finetuning_model",
)
finetuning_model.compile(
    optimizer=keras.optimizers.Adam(),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
)

finetuning_history = finetuning_model.fit(
    labeled_train_dataset, epochs=4, validation_data=test_dataset, verbose=0
)
RESULT["finetune_val_acc"] = finetuning_history.history["val_acc"][-1]
RESULT["finetune_loss_3"] = finetuning_history.history["loss"][3]
RESULT["finetune_loss_0"] = finetuning_history.history["loss"][0]
print(RESULT)
