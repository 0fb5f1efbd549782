"""The Keras example "Supervised Contrastive Learning" (vision/supervised-contrastive-learning.py),
on small synthetic images.

As the example (Keras 3's port): a data_augmentation Sequential (Normalization adapted to the
training images, RandomFlip, RandomRotation and RandomZoom, where tf.keras 2 had RandomWidth
and RandomHeight, which Keras 3 dropped) in front of a convolutional encoder pooled to one
vector (the example's ResNet50V2 with pooling="avg", a small one here); a classifier made by
create_classifier, which sets layer.trainable on every encoder layer and adds Dropout and Dense
layers; a SupervisedContrastiveLoss subclass of keras.losses.Loss that overrides __call__
itself (keras.utils.normalize of the feature vectors, their scaled similarity matrix, and the
n-pairs loss: a categorical cross-entropy from logits against the rows of the same-label
matrix); an encoder with a projection head pretrained on that loss, then a classifier on the
frozen encoder. The baseline classifier and the projection head start from a NumPy draw; the
random augmentations are each framework's own, so the runs compare by their levels.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(11)
num_classes = 4
input_shape = (16, 16, 3)


def make_images(n):
    labels = rng.integers(0, num_classes, n)
    images = rng.uniform(0, 120, (n,) + input_shape).astype("float32")
    for image, label in zip(images, labels):
        # a bright disc in one channel (label % 3), large for labels 0-2, small for 3
        radius = 3 if label == 3 else 6
        rows, cols = np.ogrid[:16, :16]
        disc = (rows - 8) ** 2 + (cols - 8) ** 2 <= radius**2
        image[disc, label % 3] += 110.0
    return images, labels.reshape(-1, 1)


x_train, y_train = make_images(256)
x_test, y_test = make_images(128)

data_augmentation = keras.Sequential(
    [
        layers.Normalization(),
        layers.RandomFlip("horizontal"),
        layers.RandomRotation(0.02),
        layers.RandomZoom(height_factor=0.2, width_factor=0.2),
    ]
)
data_augmentation.layers[0].adapt(x_train)
RESULT = {"normalization_mean": float(np.mean(data_augmentation.layers[0].mean)),
          "pixel_mean": float(x_train.mean())}


def create_encoder():
    backbone = keras.Sequential(
        [
            layers.Conv2D(8, 3, activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(16, 3, activation="relu"),
            layers.GlobalAveragePooling2D(),
        ],
        name="backbone",
    )
    inputs = keras.Input(shape=input_shape)
    augmented = data_augmentation(inputs)
    outputs = backbone(augmented)
    model = keras.Model(inputs=inputs, outputs=outputs, name="cifar10-encoder")
    return model


encoder = create_encoder()
encoder.summary()

learning_rate = 0.003
batch_size = 32
hidden_units = 32
projection_units = 16
num_epochs = 6
dropout_rate = 0.5
temperature = 0.05


def from_draw(model):
    draw = [rng.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else
            np.zeros(w.shape, "float32") for w in model.get_weights()]
    for index, weight in enumerate(model.weights):
        if "normalization" in weight.path:
            draw[index] = model.get_weights()[index]
    model.set_weights(draw)


def create_classifier(encoder, trainable=True):
    for layer in encoder.layers:
        layer.trainable = trainable

    inputs = keras.Input(shape=input_shape)
    features = encoder(inputs)
    features = layers.Dropout(dropout_rate)(features)
    features = layers.Dense(hidden_units, activation="relu")(features)
    features = layers.Dropout(dropout_rate)(features)
    outputs = layers.Dense(num_classes, activation="softmax")(features)

    model = keras.Model(inputs=inputs, outputs=outputs, name="cifar10-classifier")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    return model


# Experiment 1: the baseline classifier, encoder and head trained together.
encoder = create_encoder()
classifier = create_classifier(encoder)
from_draw(classifier)
classifier.summary()
RESULT["baseline_trainable"] = float(len(classifier.trainable_weights))
history = classifier.fit(x=x_train, y=y_train, batch_size=batch_size, epochs=num_epochs,
                         verbose=0)
RESULT["baseline_loss_0"] = float(history.history["loss"][0])
RESULT["baseline_loss_last"] = float(history.history["loss"][-1])
accuracy = classifier.evaluate(x_test, y_test, verbose=0)[1]
RESULT["baseline_accuracy"] = float(accuracy)


# Experiment 2: supervised contrastive pretraining, then a classifier on the frozen encoder.
def npairs_loss(y_true, y_pred):
    y_true = keras.ops.expand_dims(y_true, -1)
    y_true = keras.ops.cast(keras.ops.equal(y_true, keras.ops.transpose(y_true)), "float32")
    y_true /= keras.ops.sum(y_true, 1, keepdims=True)
    loss = keras.ops.categorical_crossentropy(y_true, y_pred, from_logits=True)
    return keras.ops.mean(loss)


class SupervisedContrastiveLoss(keras.losses.Loss):
    def __init__(self, temperature=1, name=None):
        super().__init__(name=name)
        self.temperature = temperature

    def __call__(self, labels, feature_vectors, sample_weight=None):
        feature_vectors_normalized = keras.utils.normalize(feature_vectors, axis=1, order=2)
        logits = keras.ops.divide(
            keras.ops.matmul(
                feature_vectors_normalized, keras.ops.transpose(feature_vectors_normalized)
            ),
            self.temperature,
        )
        return npairs_loss(keras.ops.squeeze(labels), logits)


def add_projection_head(encoder):
    inputs = keras.Input(shape=input_shape)
    features = encoder(inputs)
    outputs = layers.Dense(projection_units, activation="relu")(features)
    model = keras.Model(inputs=inputs, outputs=outputs,
                        name="cifar-encoder_with_projection-head")
    return model


# The loss of a fixed batch, by hand: labels [0, 0, 1], features at 0, 60 and 90 degrees.
features = np.array([[1.0, 0.0], [0.5, 3 ** 0.5 / 2], [0.0, 2.0]], "float32")
probe = SupervisedContrastiveLoss(temperature=1.0)(np.array([[0], [0], [1]]), features)
RESULT["probe_loss"] = float(keras.ops.convert_to_numpy(probe))
unit = features / np.linalg.norm(features, axis=1, keepdims=True)
logits = unit @ unit.T
log_softmax = logits - np.log(np.exp(logits).sum(1, keepdims=True))
targets = np.array([[0.5, 0.5, 0.0], [0.5, 0.5, 0.0], [0.0, 0.0, 1.0]])
RESULT["probe_by_hand"] = float(np.mean(-(targets * log_softmax).sum(1)))

encoder = create_encoder()
encoder_with_projection_head = add_projection_head(encoder)
from_draw(encoder_with_projection_head)
encoder_with_projection_head.compile(
    optimizer=keras.optimizers.Adam(learning_rate),
    loss=SupervisedContrastiveLoss(temperature),
)
encoder_with_projection_head.summary()
history = encoder_with_projection_head.fit(x=x_train, y=y_train, batch_size=batch_size,
                                           epochs=num_epochs, verbose=0)
RESULT["pretrain_loss_0"] = float(history.history["loss"][0])
RESULT["pretrain_loss_last"] = float(history.history["loss"][-1])

encoder_weights = [w.copy() for w in encoder.get_weights()]
classifier = create_classifier(encoder, trainable=False)
RESULT["frozen_trainable"] = float(len(classifier.trainable_weights))
RESULT["encoder_trainable"] = float(len(encoder.trainable_weights))
history = classifier.fit(x=x_train, y=y_train, batch_size=batch_size, epochs=num_epochs,
                         verbose=0)
RESULT["frozen_loss_last"] = float(history.history["loss"][-1])
RESULT["encoder_unchanged"] = float(all(
    np.array_equal(a, b) for a, b in zip(encoder.get_weights(), encoder_weights)))
accuracy = classifier.evaluate(x_test, y_test, verbose=0)[1]
RESULT["contrastive_accuracy"] = float(accuracy)
print(RESULT)
