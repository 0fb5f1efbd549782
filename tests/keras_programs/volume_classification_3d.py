"""After the keras.io example "3D image classification from CT scans": volumes rescaled and
turned with scipy's ndimage.rotate inside tf.numpy_function under @tf.function (with
tf.ensure_shape, as TensorFlow needs), tf.expand_dims for the channel,
tf.data.Dataset.from_tensor_slices(...).map(...).batch(...).prefetch(2); a 3D convnet of
Conv3D, MaxPool3D, BatchNormalization on 5-D tensors, GlobalAveragePooling3D, Dense and
Dropout, a sigmoid output; Adam on an ExponentialDecay(staircase=True) schedule, the "acc"
metric, ModelCheckpoint to a .keras file with save_best_only, EarlyStopping on "val_acc";
model.history read after fit, the best weights loaded back from the .keras file with
load_weights, and the scores of one scan.

The CT scans become 16x16x16 volumes of noise, half of them with a bright ball (class 1: the
example's "abnormal"). The datasets are not shuffled, Python's random is seeded, dropout is 0,
the batch normalization's momentum is 0.9 (72 steps would leave 0.99's moving statistics far
from the data) and the weights start from a NumPy draw, so the losses are Keras's to float32
rounding.
"""

import random

import numpy as np
from scipy import ndimage

import numnet as keras
import numnet as tf
from numnet import layers

random.seed(17)
rng = np.random.default_rng(17)
RESULT = {}

size = 16
n = 64
labels = np.arange(n) % 2
grid = np.stack(np.meshgrid(*[np.arange(size)] * 3, indexing="ij"), axis=-1)
volumes = rng.normal(0.0, 120.0, (n, size, size, size)) - 400.0
for index in range(n):
    if labels[index]:
        centre = rng.uniform(5, 11, 3)
        inside = np.sum((grid - centre) ** 2, axis=-1) < 3.0**2
        volumes[index][inside] += 500.0


def normalize(volume):
    """Normalize the volume"""
    min = -1000  # noqa: A001
    max = 400  # noqa: A001
    volume[volume < min] = min
    volume[volume > max] = max
    volume = (volume - min) / (max - min)
    volume = volume.astype("float32")
    return volume


scans = np.array([normalize(volume) for volume in volumes])
x_train, y_train = scans[:48], labels[:48].astype("float32")
x_val, y_val = scans[48:], labels[48:].astype("float32")
RESULT["scan_min"] = float(scans.min())
RESULT["scan_max"] = float(scans.max())


@tf.function
def rotate(volume):
    """Rotate the volume by a few degrees"""

    def scipy_rotate(volume):
        # define some rotation angles
        angles = [-20, -10, -5, 5, 10, 20]
        # pick angles at random
        angle = random.choice(angles)
        # rotate volume
        volume = ndimage.rotate(volume, angle, reshape=False)
        volume[volume < 0] = 0
        volume[volume > 1] = 1
        return volume

    augmented_volume = tf.numpy_function(scipy_rotate, [volume], tf.float32)
    # numpy_function's output has no static shape in a traced map, and Keras needs one
    return tf.ensure_shape(augmented_volume, volume.shape)


def train_preprocessing(volume, label):
    """Process training data by rotating and adding a channel."""
    # Rotate volume
    volume = rotate(volume)
    volume = tf.expand_dims(volume, axis=3)
    return volume, label


def validation_preprocessing(volume, label):
    """Process validation data by only adding a channel."""
    volume = tf.expand_dims(volume, axis=3)
    return volume, label


# Define data loaders.
train_loader = tf.data.Dataset.from_tensor_slices((x_train, y_train))
validation_loader = tf.data.Dataset.from_tensor_slices((x_val, y_val))

batch_size = 4
# Augment the on the fly during training.
train_dataset = train_loader.map(train_preprocessing).batch(batch_size).prefetch(2)
# Only rescale.
validation_dataset = (
    validation_loader.map(validation_preprocessing).batch(batch_size).prefetch(2)
)



def get_model(width=16, height=16, depth=16):
    """Build a 3D convolutional neural network model."""

    inputs = keras.Input((width, height, depth, 1))

    x = layers.Conv3D(filters=8, kernel_size=3, activation="relu")(inputs)
    x = layers.MaxPool3D(pool_size=2)(x)
    x = layers.BatchNormalization(momentum=0.9)(x)

    x = layers.Conv3D(filters=16, kernel_size=3, activation="relu")(x)
    x = layers.MaxPool3D(pool_size=2)(x)
    x = layers.BatchNormalization(momentum=0.9)(x)

    x = layers.GlobalAveragePooling3D()(x)
    x = layers.Dense(units=32, activation="relu")(x)
    x = layers.Dropout(0.0)(x)

    outputs = layers.Dense(units=1, activation="sigmoid")(x)

    # Define the model.
    model = keras.Model(inputs, outputs, name="3dcnn")
    return model


# Build model.
model = get_model(width=16, height=16, depth=16)
draw = np.random.default_rng(23)
model.set_weights([
    draw.normal(0.0, np.sqrt(2.0 / np.prod(w.shape[:-1])), w.shape).astype("float32")
    if w.ndim > 1 else w
    for w in model.get_weights()
])
RESULT["params"] = float(model.count_params())

# Compile model.
initial_learning_rate = 0.003
lr_schedule = keras.optimizers.schedules.ExponentialDecay(
    initial_learning_rate, decay_steps=12, decay_rate=0.96, staircase=True
)
model.compile(
    loss="binary_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=lr_schedule),
    metrics=["acc"],
)

# Define callbacks.
checkpoint_cb = keras.callbacks.ModelCheckpoint(
    "3d_image_classification.keras", save_best_only=True
)
early_stopping_cb = keras.callbacks.EarlyStopping(monitor="val_acc", patience=15)

# Train the model, doing validation at the end of each epoch
epochs = 6
random.seed(17)  # (Keras draws its layers' default seeds from Python's random)
model.fit(
    train_dataset,
    validation_data=validation_dataset,
    epochs=epochs,
    shuffle=True,
    verbose=0,
    callbacks=[checkpoint_cb, early_stopping_cb],
)

for i, met in enumerate(["acc", "loss"]):  # noqa: B007
    for epoch, value in enumerate(model.history.history[met]):
        RESULT[f"{met}_{epoch}"] = float(value)
        RESULT[f"val_{met}_{epoch}"] = float(model.history.history["val_" + met][epoch])
RESULT["iterations"] = float(model.optimizer.iterations.numpy())
RESULT["learning_rate"] = float(np.asarray(model.optimizer.learning_rate))
best_epoch = int(np.argmin(model.history.history["val_loss"]))

bn = model.layers[3]
RESULT["moving_mean_sum"] = float(np.sum(bn.moving_mean.numpy()))
RESULT["moving_variance_sum"] = float(np.sum(bn.moving_variance.numpy()))

# Load best weights.
model.load_weights("3d_image_classification.keras")
RESULT["best_val_loss_again"] = float(model.evaluate(validation_dataset, verbose=0)[0])
RESULT["best_val_loss"] = float(model.history.history["val_loss"][best_epoch])
# (the example gives the scan without its channel axis, which Keras adds to fit the Input)
prediction = model.predict(np.expand_dims(x_val[1][..., None], axis=0), verbose=0)[0]
scores = [1 - prediction[0], prediction[0]]

class_names = ["normal", "abnormal"]
for score, name in zip(scores, class_names, strict=True):
    RESULT[f"score_{name}"] = float(score)
# An augmented scan, looked at after training here: TensorFlow's tf.data reads ahead of a
# take(1) (its automatic prefetch), which would draw angles out of turn before fit
data = train_dataset.take(1)
images, first_labels = list(data)[0]
images = images.numpy()
image = images[0]
RESULT["augmented_rank"] = float(image.ndim)
RESULT["augmented_channels"] = float(image.shape[-1])
RESULT["augmented_in_range"] = float(0.0 <= image.min() and image.max() <= 1.0)
print(RESULT)
