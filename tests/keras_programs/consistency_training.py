"""The Keras example "Consistency training with supervision" (vision/consistency_training.py),
on small synthetic images.

As the example: one tf.data pipeline shuffled twice with the same seed, once mapped to clean
crops (tf.image.random_flip_left_right, tf.image.resize up, tf.image.random_crop back) and once
to noisy ones (the example's RandAugment, written here as random brightness, contrast and
Gaussian noise), zipped with tf.data.Dataset.zip; a teacher (a Rescaling layer in front of a
small convolutional network) saved with save_weights and reloaded, trained with
ReduceLROnPlateau and EarlyStopping(restore_best_weights=True); then a SelfTrainer model that
overrides compile (extra loss functions and a temperature) and train_step / test_step: the
frozen teacher's predictions on the clean crops, the student's on the noisy ones, the mean of
the sparse cross-entropy and the KL divergence of their softened softmaxes (tf.nn.softmax of
logits / temperature) under tf.GradientTape, self.compiled_metrics.update_state, and the
total loss added to the returned logs. The example's tfa SWA optimizer is Keras 3's Adam with
use_ema=True here. The crops, flips and noise are each framework's own draws: the runs compare
by level.
"""

import numpy as np
from numnet.keras import layers

import numnet as tf

tf.random.set_seed(42)

AUTO = tf.data.AUTOTUNE
BATCH_SIZE = 32
EPOCHS = 4
CROP_TO = 12
RESIZE_TO = 16

rng = np.random.default_rng(4)


def make_images(n):
    labels = rng.integers(0, 3, n)
    images = rng.uniform(0, 110, (n, 12, 12, 3)).astype("float32")
    for image, label in zip(images, labels):
        # the class is the colour of a central blob
        image[3:9, 3:9, label] += 45.0
    return images, labels.reshape(-1, 1)


x_train, y_train = make_images(320)
x_test, y_test = make_images(96)
val_samples = 256
new_train_x, new_y_train = x_train[:val_samples], y_train[:val_samples]
val_x, val_y = x_train[val_samples:], y_train[val_samples:]


def distort(image):
    image = tf.image.random_brightness(image, 30.0)
    image = tf.image.random_contrast(image, 0.7, 1.3)
    return image + tf.random.normal(tf.shape(image), stddev=8.0)


def preprocess_train(image, label, noisy=True):
    image = tf.image.random_flip_left_right(image)
    image = tf.image.resize(image, [RESIZE_TO, RESIZE_TO])
    image = tf.image.random_crop(image, [CROP_TO, CROP_TO, 3])
    if noisy:
        image = distort(image)
    return image, label


def preprocess_test(image, label):
    image = tf.image.resize(image, [CROP_TO, CROP_TO])
    return image, label


train_ds = tf.data.Dataset.from_tensor_slices((new_train_x, new_y_train))
validation_ds = tf.data.Dataset.from_tensor_slices((val_x, val_y))
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test))

train_clean_ds = (
    train_ds.shuffle(BATCH_SIZE * 10, seed=42)
    .map(lambda x, y: (preprocess_train(x, y, noisy=False)), num_parallel_calls=AUTO)
    .batch(BATCH_SIZE)
    .prefetch(AUTO)
)
train_noisy_ds = (
    train_ds.shuffle(BATCH_SIZE * 10, seed=42)
    .map(preprocess_train, num_parallel_calls=AUTO)
    .batch(BATCH_SIZE)
    .prefetch(AUTO)
)
validation_ds = (
    validation_ds.map(preprocess_test, num_parallel_calls=AUTO).batch(BATCH_SIZE).prefetch(AUTO)
)
test_ds = test_ds.map(preprocess_test, num_parallel_calls=AUTO).batch(BATCH_SIZE).prefetch(AUTO)
consistency_training_ds = tf.data.Dataset.zip((train_clean_ds, train_noisy_ds))

(clean_images, clean_labels), (noisy_images, noisy_labels) = next(iter(consistency_training_ds))
RESULT = {"clean_shape_sum": float(sum(clean_images.shape)),
          "same_labels": float(np.array_equal(clean_labels.numpy(), noisy_labels.numpy())),
          "views_differ": float(not np.allclose(clean_images.numpy(), noisy_images.numpy()))}


def get_training_model(num_classes=3):
    backbone = tf.keras.Sequential(
        [layers.Conv2D(8, 3, activation="relu"), layers.MaxPooling2D(),
         layers.Conv2D(16, 3, activation="relu")], name="backbone")
    model = tf.keras.Sequential(
        [
            layers.Input((CROP_TO, CROP_TO, 3)),
            layers.Rescaling(scale=1.0 / 127.5, offset=-1),
            backbone,
            layers.GlobalAveragePooling2D(),
            layers.Dense(num_classes),
        ]
    )
    return model


initial_teacher_model = get_training_model()
initial_teacher_model.save_weights("initial_teacher_model.weights.h5")

reduce_lr = tf.keras.callbacks.ReduceLROnPlateau(patience=3)
early_stopping = tf.keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True)

teacher_model = get_training_model()
teacher_model.load_weights("initial_teacher_model.weights.h5")
teacher_model.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.01, use_ema=True),
    loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
history = teacher_model.fit(
    train_clean_ds,
    epochs=EPOCHS,
    validation_data=validation_ds,
    callbacks=[reduce_lr, early_stopping],
    verbose=0,
)
_, acc = teacher_model.evaluate(test_ds, verbose=0)
print(f"Test accuracy: {acc*100}%")
RESULT["teacher_accuracy"] = float(acc)
RESULT["teacher_epochs"] = float(len(history.history["loss"]))
RESULT["teacher_loss_first"] = float(history.history["loss"][0])
RESULT["teacher_loss_last"] = float(history.history["loss"][-1])


class SelfTrainer(tf.keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.student = student
        self.teacher = teacher

    def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn,
                temperature=3):
        super().compile(optimizer=optimizer, metrics=metrics)
        self.student_loss_fn = student_loss_fn
        self.distillation_loss_fn = distillation_loss_fn
        self.temperature = temperature

    def train_step(self, data):
        clean_ds, noisy_ds = data
        clean_images, _ = clean_ds
        noisy_images, y = noisy_ds

        teacher_predictions = self.teacher(clean_images, training=False)

        with tf.GradientTape() as tape:
            student_predictions = self.student(noisy_images, training=True)
            student_loss = self.student_loss_fn(y, student_predictions)
            distillation_loss = self.distillation_loss_fn(
                tf.nn.softmax(teacher_predictions / self.temperature, axis=1),
                tf.nn.softmax(student_predictions / self.temperature, axis=1),
            )
            total_loss = (student_loss + distillation_loss) / 2

        trainable_vars = self.student.trainable_variables
        gradients = tape.gradient(total_loss, trainable_vars)
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))

        self.compiled_metrics.update_state(y, tf.nn.softmax(student_predictions, axis=1))
        results = {m.name: m.result() for m in self.metrics}
        results.update({"total_loss": total_loss})
        return results

    def test_step(self, data):
        x, y = data
        y_prediction = self.student(x, training=False)
        self.compiled_metrics.update_state(y, tf.nn.softmax(y_prediction, axis=1))
        results = {m.name: m.result() for m in self.metrics}
        return results


reduce_lr = tf.keras.callbacks.ReduceLROnPlateau(patience=3, factor=0.5, monitor="val_accuracy")
early_stopping = tf.keras.callbacks.EarlyStopping(patience=10, restore_best_weights=True,
                                                  monitor="val_accuracy")
teacher_weights = [w.copy() for w in teacher_model.get_weights()]
self_trainer = SelfTrainer(student=get_training_model(), teacher=teacher_model)
self_trainer.compile(
    optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
    metrics=["accuracy"],
    student_loss_fn=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    distillation_loss_fn=tf.keras.losses.KLDivergence(),
    temperature=10,
)
history = self_trainer.fit(
    consistency_training_ds,
    epochs=EPOCHS,
    validation_data=validation_ds,
    callbacks=[reduce_lr, early_stopping],
    verbose=0,
)
acc = self_trainer.evaluate(test_ds, verbose=0)
print(f"Test accuracy from student model: {acc*100}%")
RESULT["student_history_keys"] = float(len(history.history))
RESULT["student_accuracy_0"] = float(history.history["accuracy"][0])
RESULT["student_accuracy_last"] = float(history.history["accuracy"][-1])
RESULT["student_val_accuracy"] = float(history.history["val_accuracy"][-1])
RESULT["student_total_loss_last"] = float(history.history["total_loss"][-1])
RESULT["student_test_accuracy"] = float(acc[-1])
RESULT["teacher_unchanged"] = float(all(
    np.array_equal(a, b) for a, b in zip(teacher_model.get_weights(), teacher_weights)))
print(RESULT)
