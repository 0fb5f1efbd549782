"""After the keras.io example "Image classification using BigTransfer (BiT)": a pretrained
backbone fine-tuned with a zero-initialized Dense head in a keras.Model subclass, the
BiT-HyperRule schedule as keras.optimizers.schedules.PiecewiseConstantDecay handed to SGD with
momentum, a tf.data pipeline whose map functions call Keras preprocessing layers (RandomFlip,
Resizing, RandomCrop) on each image, the repeat count worked out from Dataset.cardinality(),
and fit with steps_per_epoch and EarlyStopping(monitor="val_accuracy",
restore_best_weights=True).

The example loads BiT-M R50x1 from TF-Hub; here the "pretrained" backbone is a small frozen
convolutional Sequential whose weights are a NumPy draw, the images are synthetic 16x16 stripes
(vertical or horizontal, the two classes, which a horizontal flip keeps), resized to 20 and
cropped back to 16 for training (the example's 384 and 224; the backbone, as BiT, takes any
size, and validates on the 20x20 images), and the schedule is 60 steps with boundaries at
24, 36 and 48 (the example's 500 steps scaled by 512 / BATCH_SIZE, boundaries 200, 300, 400).
The schedule's values and the frozen backbone's features are TensorFlow's; the fine-tuning
draws flips, crops and a shuffle, so it is compared loosely.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import ops

keras.utils.set_random_seed(1)
rng = np.random.default_rng(5)

SCHEDULE_LENGTH = 60
SCHEDULE_BOUNDARIES = [24, 36, 48]
BATCH_SIZE = 16
RESIZE_TO = 20
CROP_TO = 16
NUM_CLASSES = 2
STEPS_PER_EPOCH = 6
AUTO = tf.data.AUTOTUNE


def make_images(count):
    labels = rng.integers(0, NUM_CLASSES, count)
    images = rng.uniform(0.0, 60.0, (count, 16, 16, 3))
    for image, label in zip(images, labels, strict=True):
        stripes = (np.arange(16) // 2) % 2 == 0
        if label == 0:
            image[:, stripes, :] += 180.0  # vertical stripes
        else:
            image[stripes, :, :] += 180.0  # horizontal stripes
    return images.astype(np.float32), labels.astype(np.int64)


train_images, train_labels = make_images(96)
val_images, val_labels = make_images(48)
train_ds = tf.data.Dataset.from_tensor_slices((train_images, train_labels))
validation_ds = tf.data.Dataset.from_tensor_slices((val_images, val_labels))


# The layers are made once: a map function is traced, and Keras on TensorFlow refuses the
# variables (the random layers' seed states) of layers made inside it.
random_flip = keras.layers.RandomFlip("horizontal")
resize = keras.layers.Resizing(RESIZE_TO, RESIZE_TO)
random_crop = keras.layers.RandomCrop(CROP_TO, CROP_TO)


def preprocess_train(image, label):
    image = random_flip(image)
    image = resize(image)
    image = random_crop(image)
    image = image / 255.0
    return (image, label)


def preprocess_test(image, label):
    image = resize(image)
    image = ops.cast(image, dtype="float32")
    image = image / 255.0
    return (image, label)


DATASET_NUM_TRAIN_EXAMPLES = train_ds.cardinality().numpy()

repeat_count = int(SCHEDULE_LENGTH * BATCH_SIZE / DATASET_NUM_TRAIN_EXAMPLES * STEPS_PER_EPOCH)
repeat_count += 50 + 1  # To ensure at least there are 50 epochs of training

# Training pipeline
pipeline_train = (
    train_ds.shuffle(100)
    .repeat(repeat_count)  # Repeat dataset_size / num_steps
    .map(preprocess_train, num_parallel_calls=AUTO)
    .batch(BATCH_SIZE)
    .prefetch(AUTO)
)

# Validation pipeline
pipeline_validation = (
    validation_ds.map(preprocess_test, num_parallel_calls=AUTO)
    .batch(BATCH_SIZE)
    .prefetch(AUTO)
)

# The "pretrained" backbone: frozen, its weights a NumPy draw.
bit_module = keras.Sequential([
    keras.Input((None, None, 3)),
    keras.layers.Conv2D(16, 3, activation="relu"),
    keras.layers.MaxPooling2D(2),
    keras.layers.Conv2D(16, 3, activation="relu"),
    keras.layers.GlobalAveragePooling2D(),
], name="bit_module")
bit_module.set_weights([rng.normal(0.0, 0.5, w.shape).astype(np.float32)
                        for w in bit_module.get_weights()])
bit_module.trainable = False

sample_images, _ = next(iter(pipeline_validation))
features = np.asarray(bit_module(sample_images))


class MyBiTModel(keras.Model):
    def __init__(self, num_classes, module, **kwargs):
        super().__init__(**kwargs)

        self.num_classes = num_classes
        self.head = keras.layers.Dense(num_classes, kernel_initializer="zeros")
        self.bit_model = module

    def call(self, images):
        bit_embedding = self.bit_model(images)
        return self.head(bit_embedding)


model = MyBiTModel(num_classes=NUM_CLASSES, module=bit_module)

learning_rate = 0.01 * BATCH_SIZE / 16
lr_schedule = keras.optimizers.schedules.PiecewiseConstantDecay(
    boundaries=SCHEDULE_BOUNDARIES,
    values=[
        learning_rate,
        learning_rate * 0.1,
        learning_rate * 0.01,
        learning_rate * 0.001,
    ],
)
optimizer = keras.optimizers.SGD(learning_rate=lr_schedule, momentum=0.9)

loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)

model.compile(optimizer=optimizer, loss=loss_fn, metrics=["accuracy"])

before = model.evaluate(pipeline_validation, verbose=0)

train_callbacks = [
    keras.callbacks.EarlyStopping(
        monitor="val_accuracy", patience=2, restore_best_weights=True
    )
]

history = model.fit(
    pipeline_train,
    batch_size=BATCH_SIZE,
    epochs=int(SCHEDULE_LENGTH / STEPS_PER_EPOCH),
    steps_per_epoch=STEPS_PER_EPOCH,
    validation_data=pipeline_validation,
    callbacks=train_callbacks,
    verbose=0,
)

accuracy = model.evaluate(pipeline_validation, verbose=0)[1] * 100

schedule_at = {step: float(lr_schedule(step)) for step in (0, 24, 25, 36, 37, 48, 49, 100)}
epochs_run = len(history.history["loss"])

RESULT = {
    "num_train_examples": float(DATASET_NUM_TRAIN_EXAMPLES),
    "repeat_count": float(repeat_count),
    "sample_shape_sum": float(sum(sample_images.shape)),
    "feature_sum": float(features.sum()),
    "feature_abs_sum": float(np.abs(features).sum()),
    "trainable_weights": float(len(model.trainable_weights)),
    "non_trainable_weights": float(len(model.non_trainable_weights)),
    "loss_before": float(before[0]),
    "accuracy_before": float(before[1]),
    **{f"lr_at_{step}": value for step, value in schedule_at.items()},
    "iterations": float(model.optimizer.iterations),
    "epochs_run": float(epochs_run),
    "loss_first": float(history.history["loss"][0]),
    "loss_last": float(history.history["loss"][-1]),
    "best_val_accuracy": float(max(history.history["val_accuracy"])),
    "accuracy": float(accuracy),
}

if __name__ == "__main__":
    for key, value in RESULT.items():
        print(f"{key}: {value:.6g}")
