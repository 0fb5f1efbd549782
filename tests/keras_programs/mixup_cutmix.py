"""The Keras examples "MixUp augmentation for image classification" (vision/mixup.py) and
"CutMix data augmentation for image classification" (vision/cutmix.py), on small synthetic
images.

As the examples: two shuffled tf.data pipelines of the same arrays joined with
tf.data.Dataset.zip and mapped with a function of both elements; a Beta(alpha, alpha) draw as the
ratio of two tf.random.gamma draws; mix_up blends a batch of images and their one-hot labels by a
per-row lambda (tf.reshape of it to (batch, 1, 1, 1) and (batch, 1)); cutmix (a tf.function of
two unbatched elements) cuts a box found by get_box (tf.math.sqrt, tf.cast to int32,
tf.random.uniform of int32, tf.clip_by_value, a Python if on a tensor) out of the second image
with tf.image.crop_to_bounding_box and tf.image.pad_to_bounding_box, pastes it into the first
and mixes the labels by the box's share of pixels. The initial weights are saved with
save_weights and reloaded before each run (Keras 3 asks for the .weights.h5 ending); a small
CNN (input_shape given to the first layer, GlobalAvgPool2D) is trained on the mixed-up
batches and a ResNet of resnet_layer blocks (he_normal kernels, an l2 kernel regularizer,
BatchNormalization, layers.add) on the CutMix ones and on the plain ones.

The draws differ from TensorFlow's, so the augmented runs compare by accuracy; the plain run
is unshuffled from the saved weights, so its losses are TensorFlow's to float32 rounding, and
CutMix of a fixed pair through a fixed box is exact.
"""

import numpy as np
from numnet.keras import layers

import numnet as keras
import numnet as tf

rng = np.random.default_rng(5)
IMG_SIZE = 16
NUM_CLASSES = 4


def make_images(n):
    labels = rng.integers(0, NUM_CLASSES, n)
    images = rng.uniform(0, 120, (n, IMG_SIZE, IMG_SIZE, 3)).astype("float32")
    for image, label in zip(images, labels):
        # the class is which quadrant is bright, in the channel of its number mod 3
        row, col = divmod(int(label), 2)
        image[row * 8:row * 8 + 8, col * 8:col * 8 + 8, label % 3] += 90.0
    return images, labels


x_train, y_train = make_images(256)
x_test, y_test = make_images(128)
x_train = x_train / 255.0
x_test = x_test / 255.0
y_train = tf.one_hot(y_train, NUM_CLASSES)
y_test = tf.one_hot(y_test, NUM_CLASSES)

AUTO = tf.data.AUTOTUNE
BATCH_SIZE = 32
EPOCHS = 3
RESULT = {}

# ---- MixUp ----
val_samples = 64
x_val, y_val = x_train[:val_samples], y_train[:val_samples]
new_x_train, new_y_train = x_train[val_samples:], y_train[val_samples:]

train_ds_one = (
    tf.data.Dataset.from_tensor_slices((new_x_train, new_y_train))
    .shuffle(BATCH_SIZE * 100)
    .batch(BATCH_SIZE)
)
train_ds_two = (
    tf.data.Dataset.from_tensor_slices((new_x_train, new_y_train))
    .shuffle(BATCH_SIZE * 100)
    .batch(BATCH_SIZE)
)
train_ds = tf.data.Dataset.zip((train_ds_one, train_ds_two))
val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(BATCH_SIZE)
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(BATCH_SIZE)


def sample_beta_distribution(size, concentration_0=0.2, concentration_1=0.2):
    gamma_1_sample = tf.random.gamma(shape=[size], alpha=concentration_1)
    gamma_2_sample = tf.random.gamma(shape=[size], alpha=concentration_0)
    return gamma_1_sample / (gamma_1_sample + gamma_2_sample)


def mix_up(ds_one, ds_two, alpha=0.2):
    images_one, labels_one = ds_one
    images_two, labels_two = ds_two
    batch_size = tf.shape(images_one)[0]

    l = sample_beta_distribution(batch_size, alpha, alpha)  # noqa: E741
    x_l = tf.reshape(l, (batch_size, 1, 1, 1))
    y_l = tf.reshape(l, (batch_size, 1))

    images = images_one * x_l + images_two * (1 - x_l)
    labels = labels_one * y_l + labels_two * (1 - y_l)
    return (images, labels)


train_ds_mu = train_ds.map(
    lambda ds_one, ds_two: mix_up(ds_one, ds_two, alpha=0.2), num_parallel_calls=AUTO
)
sample_images, sample_labels = next(iter(train_ds_mu))
RESULT["mixup_batch"] = float(sample_images.shape[0])
RESULT["mixup_label_sum_error"] = float(np.abs(sample_labels.numpy().sum(1) - 1).max())
RESULT["mixup_in_range"] = float(sample_images.numpy().min() >= 0
                                 and sample_images.numpy().max() <= 1)
RESULT["mixup_batches"] = float(sum(1 for _ in train_ds_mu))
lam = sample_beta_distribution(4000, 0.2, 0.2).numpy()
RESULT["beta_mean"] = float(lam.mean())
RESULT["beta_extreme_share"] = float(np.mean((lam < 0.1) | (lam > 0.9)))


def get_training_model():
    model = tf.keras.Sequential(
        [
            layers.Conv2D(8, (3, 3), activation="relu", input_shape=(IMG_SIZE, IMG_SIZE, 3)),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Conv2D(16, (3, 3), activation="relu"),
            layers.MaxPooling2D(pool_size=(2, 2)),
            layers.Dropout(0.2),
            layers.GlobalAvgPool2D(),
            layers.Dense(32, activation="relu"),
            layers.Dense(NUM_CLASSES, activation="softmax"),
        ]
    )
    return model


initial_model = get_training_model()
initial_model.save_weights("initial_weights.weights.h5")

model = get_training_model()
model.load_weights("initial_weights.weights.h5")
RESULT["reloaded_equal"] = float(all(
    np.array_equal(a, b) for a, b in zip(model.get_weights(), initial_model.get_weights())))
model.compile(loss="categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01),
              metrics=["accuracy"])
model.fit(train_ds_mu, validation_data=val_ds, epochs=6, verbose=0)
_, test_acc = model.evaluate(test_ds, verbose=0)
RESULT["mixup_test_accuracy"] = float(test_acc)

# ---- CutMix ----


def preprocess_image(image, label):
    image = tf.image.resize(image, (IMG_SIZE, IMG_SIZE))
    image = tf.image.convert_image_dtype(image, tf.float32)
    return image, label


cut_one = (
    tf.data.Dataset.from_tensor_slices((x_train, y_train))
    .shuffle(1024)
    .map(preprocess_image, num_parallel_calls=AUTO)
)
cut_two = (
    tf.data.Dataset.from_tensor_slices((x_train, y_train))
    .shuffle(1024)
    .map(preprocess_image, num_parallel_calls=AUTO)
)
train_ds_simple = tf.data.Dataset.from_tensor_slices((x_train, y_train))
train_ds_simple = (
    train_ds_simple.map(preprocess_image, num_parallel_calls=AUTO)
    .batch(BATCH_SIZE)
    .prefetch(AUTO)
)
cut_ds = tf.data.Dataset.zip((cut_one, cut_two))
cut_test_ds = (
    tf.data.Dataset.from_tensor_slices((x_test, y_test))
    .map(preprocess_image, num_parallel_calls=AUTO)
    .batch(BATCH_SIZE)
    .prefetch(AUTO)
)


@tf.function
def get_box(lambda_value):
    cut_rat = tf.math.sqrt(1.0 - lambda_value)

    cut_w = IMG_SIZE * cut_rat
    cut_w = tf.cast(cut_w, tf.int32)

    cut_h = IMG_SIZE * cut_rat
    cut_h = tf.cast(cut_h, tf.int32)

    cut_x = tf.random.uniform((1,), minval=0, maxval=IMG_SIZE, dtype=tf.int32)
    cut_y = tf.random.uniform((1,), minval=0, maxval=IMG_SIZE, dtype=tf.int32)

    boundaryx1 = tf.clip_by_value(cut_x[0] - cut_w // 2, 0, IMG_SIZE)
    boundaryy1 = tf.clip_by_value(cut_y[0] - cut_h // 2, 0, IMG_SIZE)
    bbx2 = tf.clip_by_value(cut_x[0] + cut_w // 2, 0, IMG_SIZE)
    bby2 = tf.clip_by_value(cut_y[0] + cut_h // 2, 0, IMG_SIZE)

    target_h = bby2 - boundaryy1
    if target_h == 0:
        target_h += 1

    target_w = bbx2 - boundaryx1
    if target_w == 0:
        target_w += 1

    return boundaryx1, boundaryy1, target_h, target_w


def paste(image1, image2, boundaryx1, boundaryy1, target_h, target_w):
    crop2 = tf.image.crop_to_bounding_box(image2, boundaryy1, boundaryx1, target_h, target_w)
    image2 = tf.image.pad_to_bounding_box(crop2, boundaryy1, boundaryx1, IMG_SIZE, IMG_SIZE)
    crop1 = tf.image.crop_to_bounding_box(image1, boundaryy1, boundaryx1, target_h, target_w)
    img1 = tf.image.pad_to_bounding_box(crop1, boundaryy1, boundaryx1, IMG_SIZE, IMG_SIZE)
    image1 = image1 - img1
    return image1 + image2


@tf.function
def cutmix(train_ds_one, train_ds_two):
    (image1, label1), (image2, label2) = train_ds_one, train_ds_two

    alpha = [0.25]
    beta = [0.25]
    lambda_value = sample_beta_distribution(1, alpha, beta)
    lambda_value = lambda_value[0][0]

    boundaryx1, boundaryy1, target_h, target_w = get_box(lambda_value)
    image = paste(image1, image2, boundaryx1, boundaryy1, target_h, target_w)

    lambda_value = 1 - (target_w * target_h) / (IMG_SIZE * IMG_SIZE)
    lambda_value = tf.cast(lambda_value, tf.float32)

    label = lambda_value * label1 + (1 - lambda_value) * label2
    return image, label


train_ds_cmu = cut_ds.shuffle(1024).map(cutmix, num_parallel_calls=AUTO).batch(
    BATCH_SIZE).prefetch(AUTO)
image_batch, label_batch = next(iter(train_ds_cmu))
RESULT["cutmix_batch_shape_sum"] = float(sum(image_batch.shape))
RESULT["cutmix_label_sum_error"] = float(np.abs(label_batch.numpy().sum(1) - 1).max())

# A fixed pair through a fixed box: rows 3..8, columns 5..11 come from the second image.
first = tf.ones((IMG_SIZE, IMG_SIZE, 3))
second = tf.fill((IMG_SIZE, IMG_SIZE, 3), 2.0)
pasted = paste(first, second, 5, 3, 6, 7).numpy()
RESULT["pasted_sum"] = float(pasted.sum())
RESULT["pasted_corner"] = float(pasted[3, 5, 0] + 10 * pasted[2, 5, 0] + 100 * pasted[8, 11, 0]
                                + 1000 * pasted[9, 12, 2])
box = [int(value) for value in get_box(tf.constant(0.75))]
RESULT["box_area_ok"] = float(1 <= box[2] <= 8 and 1 <= box[3] <= 8)
RESULT["box_inside"] = float(box[0] + box[3] <= IMG_SIZE and box[1] + box[2] <= IMG_SIZE)


def resnet_layer(inputs, num_filters=8, kernel_size=3, strides=1, activation="relu",
                 batch_normalization=True, conv_first=True):
    conv = keras.layers.Conv2D(
        num_filters,
        kernel_size=kernel_size,
        strides=strides,
        padding="same",
        kernel_initializer="he_normal",
        kernel_regularizer=keras.regularizers.l2(1e-4),
    )
    x = inputs
    if conv_first:
        x = conv(x)
        if batch_normalization:
            x = keras.layers.BatchNormalization()(x)
        if activation is not None:
            x = keras.layers.Activation(activation)(x)
    else:
        if batch_normalization:
            x = keras.layers.BatchNormalization()(x)
        if activation is not None:
            x = keras.layers.Activation(activation)(x)
        x = conv(x)
    return x


def resnet_v20(input_shape, depth, num_classes=10):
    if (depth - 2) % 6 != 0:
        raise ValueError("depth should be 6n+2 (eg 20, 32, 44 in [a])")
    num_filters = 8
    num_res_blocks = int((depth - 2) / 6)

    inputs = keras.layers.Input(shape=input_shape)
    x = resnet_layer(inputs=inputs)
    for stack in range(3):
        for res_block in range(num_res_blocks):
            strides = 1
            if stack > 0 and res_block == 0:
                strides = 2
            y = resnet_layer(inputs=x, num_filters=num_filters, strides=strides)
            y = resnet_layer(inputs=y, num_filters=num_filters, activation=None)
            if stack > 0 and res_block == 0:
                x = resnet_layer(inputs=x, num_filters=num_filters, kernel_size=1,
                                 strides=strides, activation=None, batch_normalization=False)
            x = keras.layers.add([x, y])
            x = keras.layers.Activation("relu")(x)
        num_filters *= 2

    x = keras.layers.AveragePooling2D(pool_size=4)(x)
    y = keras.layers.Flatten()(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax",
                                 kernel_initializer="he_normal")(y)
    return keras.models.Model(inputs=inputs, outputs=outputs)


def training_model():
    return resnet_v20((IMG_SIZE, IMG_SIZE, 3), 8, NUM_CLASSES)


initial_model = training_model()
RESULT["resnet_params"] = float(initial_model.count_params())
RESULT["resnet_penalties"] = float(len(initial_model.losses))
draw = [rng.normal(0.0, 0.25, w.shape).astype("float32") if w.ndim > 1 else
        np.zeros(w.shape, "float32") for w in initial_model.get_weights()]
for index, weight in enumerate(initial_model.weights):
    if weight.path.endswith(("gamma", "moving_variance")):
        draw[index] = np.ones(weight.shape, "float32")
initial_model.set_weights(draw)
initial_model.save_weights("initial_weights.weights.h5")

model = training_model()
model.load_weights("initial_weights.weights.h5")
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
model.fit(train_ds_cmu, validation_data=cut_test_ds, epochs=EPOCHS, verbose=0)
test_loss, test_accuracy = model.evaluate(cut_test_ds, verbose=0)
RESULT["cutmix_test_accuracy"] = float(test_accuracy)

model = training_model()
model.load_weights("initial_weights.weights.h5")
model.compile(loss="categorical_crossentropy", optimizer="adam", metrics=["accuracy"])
history = model.fit(train_ds_simple, validation_data=cut_test_ds, epochs=EPOCHS, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
test_loss, test_accuracy = model.evaluate(cut_test_ds, verbose=0)
RESULT["simple_test_loss"] = float(test_loss)
RESULT["simple_test_accuracy"] = float(test_accuracy)
print(RESULT)
