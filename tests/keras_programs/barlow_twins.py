"""The Keras example "Barlow Twins for Contrastive SSL" (vision/barlow_twins.py), on small
synthetic images.

As the example: augmentation layers subclassing a keras.layers.Layer whose random_execute is a
tf.function method returning a boolean tensor that a Python if reads (tf.image's
rgb_to_grayscale with tf.tile, random_brightness, random_contrast, random_saturation,
random_hue, random_flip_left_right, random_crop to a size drawn by tf.random.uniform of int32
and tf.image.resize back, solarizing with tf.where; the example's tfa gaussian blur is left
out), chained in a RandomAugmentor model that clips to [0, 1]; a BTDatasetCreator that maps it
over tf.data.Dataset.from_tensor_slices(...).shuffle(seed=...), batches with drop_remainder,
sets tf.data.Options().threading.max_intra_op_parallelism and zips two augmented versions; a
BarlowLoss (keras.losses.Loss whose call takes the two embeddings: standardized with
tf.reduce_mean and tf.math.reduce_std, the cross-correlation matrix, tf.linalg.diag_part and
tf.linalg.set_diag for its two terms); a ResNet of identity and convolutional blocks
(ZeroPadding2D, Conv2D, BatchNormalization(axis=3), Add, MaxPool2D, AveragePooling2D) with a
Dense-BatchNormalization-ReLU projector; a BarlowModel whose train_step calls self.loss on the
two views' embeddings under tf.GradientTape, with Keras 3's Lamb optimizer where the example
took LAMB from TensorFlow Addons; then a linear classifier on the frozen encoder (a Sequential
of the trained model and an l2-regularized Dense). The augmentations are each framework's own
draws, so the runs compare by level; the loss of a fixed pair of embeddings is exact.
"""

import numpy as np

import numnet as keras
import numnet as tf

rng = np.random.default_rng(3)
BATCH_SIZE = 64
IMAGE_SIZE = 16
NUM_CLASSES = 4


def make_images(n):
    labels = rng.integers(0, NUM_CLASSES, n)
    images = rng.uniform(0, 0.5, (n, IMAGE_SIZE, IMAGE_SIZE, 3)).astype("float32")
    for image, label in zip(images, labels):
        # class 0: a horizontal bar, 1: a vertical bar, 2: a square, 3: a cross
        if label in (0, 3):
            image[7:10, 2:14] += 0.5
        if label in (1, 3):
            image[2:14, 7:10] += 0.5
        if label == 2:
            image[4:12, 4:12] += 0.5
    return np.clip(images, 0, 1), labels


train_features, train_labels = make_images(192)
test_features, test_labels = make_images(128)


class Augmentation(keras.layers.Layer):
    def __init__(self):
        super().__init__()

    @tf.function
    def random_execute(self, prob: float) -> bool:
        return tf.random.uniform([], minval=0, maxval=1) < prob


class RandomToGrayscale(Augmentation):
    @tf.function
    def call(self, x):
        if self.random_execute(0.2):
            x = tf.image.rgb_to_grayscale(x)
            x = tf.tile(x, [1, 1, 3])
        return x


class RandomColorJitter(Augmentation):
    @tf.function
    def call(self, x):
        if self.random_execute(0.8):
            x = tf.image.random_brightness(x, 0.8)
            x = tf.image.random_contrast(x, 0.4, 1.6)
            x = tf.image.random_saturation(x, 0.4, 1.6)
            x = tf.image.random_hue(x, 0.2)
        return x


class RandomFlip(Augmentation):
    @tf.function
    def call(self, x):
        if self.random_execute(0.5):
            x = tf.image.random_flip_left_right(x)
        return x


class RandomResizedCrop(Augmentation):
    def __init__(self, image_size):
        super(Augmentation, self).__init__()
        self.image_size = image_size

    def call(self, x):
        rand_size = tf.random.uniform(
            shape=[],
            minval=int(0.75 * self.image_size),
            maxval=1 * self.image_size,
            dtype=tf.int32,
        )
        crop = tf.image.random_crop(x, (rand_size, rand_size, 3))
        crop_resize = tf.image.resize(crop, (self.image_size, self.image_size))
        return crop_resize


class RandomSolarize(Augmentation):
    @tf.function
    def call(self, x):
        if self.random_execute(0.2):
            x = tf.where(x < 10, x, 255 - x)
        return x


class RandomAugmentor(keras.Model):
    def __init__(self, image_size: int):
        super().__init__()
        self.image_size = image_size
        self.random_resized_crop = RandomResizedCrop(image_size)
        self.random_flip = RandomFlip()
        self.random_color_jitter = RandomColorJitter()
        self.random_to_grayscale = RandomToGrayscale()
        self.random_solarize = RandomSolarize()

    def call(self, x):
        x = self.random_resized_crop(x)
        x = self.random_flip(x)
        x = self.random_color_jitter(x)
        x = self.random_to_grayscale(x)
        x = self.random_solarize(x)
        x = tf.clip_by_value(x, 0, 1)
        return x


bt_augmentor = RandomAugmentor(IMAGE_SIZE)


class BTDatasetCreator:
    def __init__(self, augmentor: RandomAugmentor, seed: int = 1024):
        self.options = tf.data.Options()
        self.options.threading.max_intra_op_parallelism = 1
        self.seed = seed
        self.augmentor = augmentor

    def augmented_version(self, ds: list):
        return (
            tf.data.Dataset.from_tensor_slices(ds)
            .shuffle(1000, seed=self.seed)
            .map(self.augmentor, num_parallel_calls=tf.data.AUTOTUNE)
            .batch(BATCH_SIZE, drop_remainder=True)
            .prefetch(tf.data.AUTOTUNE)
            .with_options(self.options)
        )

    def __call__(self, ds: list):
        a1 = self.augmented_version(ds)
        a2 = self.augmented_version(ds)
        return tf.data.Dataset.zip((a1, a2)).with_options(self.options)


augment_versions = BTDatasetCreator(bt_augmentor)(train_features)
a1, a2 = next(iter(augment_versions))
RESULT = {"view_shape_sum": float(sum(a1.shape)),
          "views_in_range": float(min(a1.numpy().min(), a2.numpy().min()) >= 0
                                  and max(a1.numpy().max(), a2.numpy().max()) <= 1),
          "views_differ": float(not np.allclose(a1.numpy(), a2.numpy())),
          "batches": float(augment_versions.cardinality())}
# The two versions shuffle alike (one seed), epoch after epoch, so each pair is one image.
index_pairs = BTDatasetCreator(lambda i: i)(np.arange(128))
firsts = [[int(i) for i in one.numpy()] for one, _ in index_pairs]
RESULT["pairs_aligned"] = float(all(np.array_equal(one, two) for one, two in index_pairs))
RESULT["reshuffled"] = float(firsts != [[int(i) for i in one.numpy()] for one, _ in index_pairs])
grey = tf.tile(tf.image.rgb_to_grayscale(train_features[0]), [1, 1, 3]).numpy()
RESULT["grey_error"] = float(np.abs(grey[..., 0] - train_features[0] @ np.array(
    [0.2989, 0.587, 0.114], "float32")).max())


class BarlowLoss(keras.losses.Loss):
    def __init__(self, batch_size: int):
        super().__init__()
        self.lambda_amt = 5e-3
        self.batch_size = batch_size

    def get_off_diag(self, c):
        zero_diag = tf.zeros(c.shape[-1])
        return tf.linalg.set_diag(c, zero_diag)

    def cross_corr_matrix_loss(self, c):
        c_diff = tf.pow(tf.linalg.diag_part(c) - 1, 2)
        off_diag = tf.pow(self.get_off_diag(c), 2) * self.lambda_amt
        loss = tf.reduce_sum(c_diff) + tf.reduce_sum(off_diag)
        return loss

    def normalize(self, output):
        return (output - tf.reduce_mean(output, axis=0)) / tf.math.reduce_std(output, axis=0)

    def cross_corr_matrix(self, z_a_norm, z_b_norm):
        return (tf.transpose(z_a_norm) @ z_b_norm) / self.batch_size

    def call(self, z_a, z_b):
        z_a_norm, z_b_norm = self.normalize(z_a), self.normalize(z_b)
        c = self.cross_corr_matrix(z_a_norm, z_b_norm)
        loss = self.cross_corr_matrix_loss(c)
        return loss


# The loss of a fixed pair of embeddings, and by hand.
z_a = rng.normal(0, 1, (8, 3)).astype("float32")
z_b = (z_a + rng.normal(0, 0.5, (8, 3))).astype("float32")
RESULT["probe_loss"] = float(BarlowLoss(8)(z_a, z_b))
norm_a = (z_a - z_a.mean(0)) / z_a.std(0)
norm_b = (z_b - z_b.mean(0)) / z_b.std(0)
c = norm_a.T @ norm_b / 8
off = c - np.diag(np.diag(c))
RESULT["probe_by_hand"] = float(((np.diag(c) - 1) ** 2).sum() + 5e-3 * (off**2).sum())


class ResNet34:
    def identity_block(self, x, filter):
        x_skip = x
        x = tf.keras.layers.Conv2D(filter, (3, 3), padding="same")(x)
        x = tf.keras.layers.BatchNormalization(axis=3)(x)
        x = tf.keras.layers.Activation("relu")(x)
        x = tf.keras.layers.Conv2D(filter, (3, 3), padding="same")(x)
        x = tf.keras.layers.BatchNormalization(axis=3)(x)
        x = tf.keras.layers.Add()([x, x_skip])
        x = tf.keras.layers.Activation("relu")(x)
        return x

    def convolutional_block(self, x, filter):
        x_skip = x
        x = tf.keras.layers.Conv2D(filter, (3, 3), padding="same", strides=(2, 2))(x)
        x = tf.keras.layers.BatchNormalization(axis=3)(x)
        x = tf.keras.layers.Activation("relu")(x)
        x = tf.keras.layers.Conv2D(filter, (3, 3), padding="same")(x)
        x = tf.keras.layers.BatchNormalization(axis=3)(x)
        x_skip = tf.keras.layers.Conv2D(filter, (1, 1), strides=(2, 2))(x_skip)
        x = tf.keras.layers.Add()([x, x_skip])
        x = tf.keras.layers.Activation("relu")(x)
        return x

    def __call__(self, shape=(IMAGE_SIZE, IMAGE_SIZE, 3)):
        x_input = tf.keras.layers.Input(shape)
        x = tf.keras.layers.ZeroPadding2D((3, 3))(x_input)
        x = tf.keras.layers.Conv2D(8, kernel_size=7, strides=2, padding="same")(x)
        x = tf.keras.layers.BatchNormalization()(x)
        x = tf.keras.layers.Activation("relu")(x)
        x = tf.keras.layers.MaxPool2D(pool_size=3, strides=2, padding="same")(x)
        block_layers = [1, 1]
        filter_size = 8
        for i in range(2):
            if i == 0:
                for _ in range(block_layers[i]):
                    x = self.identity_block(x, filter_size)
            else:
                filter_size = filter_size * 2
                x = self.convolutional_block(x, filter_size)
                for _ in range(block_layers[i] - 1):
                    x = self.identity_block(x, filter_size)
        x = tf.keras.layers.AveragePooling2D((2, 2), padding="same")(x)
        x = tf.keras.layers.Flatten()(x)
        model = tf.keras.models.Model(inputs=x_input, outputs=x, name="ResNet34")
        return model


def build_twin() -> keras.Model:
    n_dense_neurons = 32
    resnet = ResNet34()()
    last_layer = resnet.layers[-1].output
    n_layers = 2
    for i in range(n_layers):
        dense = tf.keras.layers.Dense(n_dense_neurons, name=f"projector_dense_{i}")
        if i == 0:
            x = dense(last_layer)
        else:
            x = dense(x)
        x = tf.keras.layers.BatchNormalization(name=f"projector_bn_{i}")(x)
        x = tf.keras.layers.ReLU(name=f"projector_relu_{i}")(x)
    x = tf.keras.layers.Dense(n_dense_neurons, name=f"projector_dense_{n_layers}")(x)
    model = keras.Model(resnet.input, x)
    return model


class BarlowModel(keras.Model):
    def __init__(self):
        super().__init__()
        self.model = build_twin()
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_tracker]

    def train_step(self, batch):
        y_a, y_b = batch
        with tf.GradientTape() as tape:
            z_a, z_b = self.model(y_a, training=True), self.model(y_b, training=True)
            loss = self.loss(z_a, z_b)
        grads_model = tape.gradient(loss, self.model.trainable_variables)
        self.optimizer.apply_gradients(zip(grads_model, self.model.trainable_variables))
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


bm = BarlowModel()
RESULT["twin_params"] = float(bm.model.count_params())
optimizer = keras.optimizers.Lamb(learning_rate=0.01)
loss = BarlowLoss(BATCH_SIZE)
bm.compile(optimizer=optimizer, loss=loss)
history = bm.fit(augment_versions, epochs=4, verbose=0)
RESULT["loss_0"] = float(history.history["loss"][0])
RESULT["loss_last"] = float(history.history["loss"][-1])
RESULT["iterations"] = float(optimizer.iterations.numpy())

xy_ds = (
    tf.data.Dataset.from_tensor_slices((train_features, train_labels))
    .shuffle(1000)
    .batch(BATCH_SIZE, drop_remainder=True)
    .prefetch(tf.data.AUTOTUNE)
)
test_ds = (
    tf.data.Dataset.from_tensor_slices((test_features, test_labels))
    .shuffle(1000)
    .batch(BATCH_SIZE, drop_remainder=True)
    .prefetch(tf.data.AUTOTUNE)
)
model = keras.models.Sequential(
    [
        bm.model,
        keras.layers.Dense(
            NUM_CLASSES, activation="softmax", kernel_regularizer=keras.regularizers.l2(0.02)
        ),
    ]
)
model.layers[0].trainable = False
frozen = [w.copy() for w in bm.model.get_weights()]
linear_optimizer = keras.optimizers.Lamb(learning_rate=0.02)
model.compile(optimizer=linear_optimizer, loss="sparse_categorical_crossentropy",
              metrics=["accuracy"])
history = model.fit(xy_ds, epochs=12, validation_data=test_ds, verbose=0)
RESULT["linear_trainable"] = float(len(model.trainable_weights))
RESULT["encoder_unchanged"] = float(all(
    np.array_equal(a, b) for a, b in zip(bm.model.get_weights(), frozen)))
RESULT["linear_loss_0"] = float(history.history["loss"][0])
RESULT["linear_loss_last"] = float(history.history["loss"][-1])
RESULT["val_accuracy"] = float(history.history["val_accuracy"][-1])
print(RESULT)
