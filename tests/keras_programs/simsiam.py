"""After the keras.io example "Self-supervised contrastive learning with SimSiam": two views of
each image made in tf.data by a custom_augment map (tf.image.random_flip_left_right and
random_crop, a colour jitter of random_brightness / contrast / saturation / hue applied with
a probability through tf.random.uniform, a colour drop by rgb_to_grayscale and tf.tile), the
two pipelines zipped; an encoder (Rescaling, a small residual CNN, a projection of Dense
layers with l2 kernel regularizers and BatchNormalization) and a predictor Sequential; the
negative cosine similarity with tf.stop_gradient and tf.math.l2_normalize; a SimSiam model
subclass with a Mean tracker, a metrics property and a train_step over both sub-models'
trainable variables; SGD on a CosineDecay schedule with EarlyStopping on the loss; then a
linear probe on the frozen backbone taken with get_layer("backbone_pool").output.

The example trains a ResNet-20 on CIFAR-10 (32x32, projections of 2048); here the images are
16x16 synthetic textures of three classes (vertical stripes, horizontal stripes, checks), the
backbone a stem and one residual block of 8 filters, projections of 32 and a latent of 8. The
encoder and predictor weights are a NumPy draw, so their outputs on the raw images and the
SimSiam loss between them are TensorFlow's; the augmentations draw with tf.random, so the
training is compared loosely.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, regularizers

AUTO = tf.data.AUTOTUNE
BATCH_SIZE = 16
EPOCHS = 6
CROP_TO = 16
SEED = 26

PROJECT_DIM = 32
LATENT_DIM = 8
WEIGHT_DECAY = 0.0005

tf.random.set_seed(SEED)
rng = np.random.default_rng(SEED)


def make_textures(count):
    labels = rng.integers(0, 3, count)
    rows, cols = np.meshgrid(np.arange(16), np.arange(16), indexing="ij")
    patterns = [(cols // 2) % 2, (rows // 2) % 2, ((rows // 2) + (cols // 2)) % 2]
    tint = rng.uniform(0.4, 1.0, (count, 1, 1, 3))
    images = np.stack([patterns[label] for label in labels])[..., None] * tint * 200.0
    images = images + rng.uniform(0.0, 40.0, images.shape)
    return images.astype(np.float32), labels.astype(np.int64)


x_train, y_train = make_textures(96)
x_test, y_test = make_textures(48)


def flip_random_crop(image):
    # With random crops we also apply horizontal flipping.
    image = tf.image.random_flip_left_right(image)
    image = tf.image.random_crop(image, (CROP_TO, CROP_TO, 3))
    return image


def color_jitter(x, strength=(0.4, 0.4, 0.4, 0.1)):
    x = tf.image.random_brightness(x, max_delta=0.8 * strength[0])
    x = tf.image.random_contrast(x, lower=1 - 0.8 * strength[1], upper=1 + 0.8 * strength[1])
    x = tf.image.random_saturation(x, lower=1 - 0.8 * strength[2],
                                   upper=1 + 0.8 * strength[2])
    x = tf.image.random_hue(x, max_delta=0.2 * strength[3])
    # Affine transformations can disturb the natural range of
    # RGB images, hence this is needed.
    x = tf.clip_by_value(x, 0, 255)
    return x


def color_drop(x):
    x = tf.image.rgb_to_grayscale(x)
    x = tf.tile(x, [1, 1, 3])
    return x


def random_apply(func, x, p):
    if tf.random.uniform([], minval=0, maxval=1) < p:
        return func(x)
    else:
        return x


def custom_augment(image):
    # As discussed in the SimCLR paper, the series of augmentation
    # transformations (except for random crops) need to be applied
    # randomly to impose translational invariance.
    image = flip_random_crop(image)
    image = random_apply(color_jitter, image, p=0.8)
    image = random_apply(color_drop, image, p=0.2)
    return image


ssl_ds_one = tf.data.Dataset.from_tensor_slices(x_train)
ssl_ds_one = (
    ssl_ds_one.shuffle(1024, seed=SEED)
    .map(custom_augment, num_parallel_calls=AUTO)
    .batch(BATCH_SIZE)
    .prefetch(AUTO)
)

ssl_ds_two = tf.data.Dataset.from_tensor_slices(x_train)
ssl_ds_two = (
    ssl_ds_two.shuffle(1024, seed=SEED)
    .map(custom_augment, num_parallel_calls=AUTO)
    .batch(BATCH_SIZE)
    .prefetch(AUTO)
)

# We then zip both of these datasets.
ssl_ds = tf.data.Dataset.zip((ssl_ds_one, ssl_ds_two))

view_one, view_two = next(iter(ssl_ds))


def stem(x):
    # (the example's resnet_cifar10.stem and learner, a downloaded module: a small stand-in)
    x = layers.Conv2D(8, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    return layers.ReLU()(x)


def learner(x):
    shortcut = x
    x = layers.Conv2D(8, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Conv2D(8, 3, padding="same", use_bias=False)(x)
    x = layers.BatchNormalization()(x)
    x = layers.Add()([x, shortcut])
    return layers.ReLU()(x)


def get_encoder():
    # Input and backbone.
    inputs = layers.Input((CROP_TO, CROP_TO, 3))
    x = layers.Rescaling(scale=1.0 / 127.5, offset=-1)(inputs)
    x = stem(x)
    x = learner(x)
    x = layers.GlobalAveragePooling2D(name="backbone_pool")(x)

    # Projection head.
    x = layers.Dense(PROJECT_DIM, use_bias=False,
                     kernel_regularizer=regularizers.l2(WEIGHT_DECAY))(x)
    x = layers.BatchNormalization()(x)
    x = layers.ReLU()(x)
    x = layers.Dense(PROJECT_DIM, use_bias=False,
                     kernel_regularizer=regularizers.l2(WEIGHT_DECAY))(x)
    outputs = layers.BatchNormalization()(x)
    return keras.Model(inputs, outputs, name="encoder")


def get_predictor():
    model = keras.Sequential(
        [
            # Note the AutoEncoder-like structure.
            layers.Input((PROJECT_DIM,)),
            layers.Dense(LATENT_DIM, use_bias=False,
                         kernel_regularizer=regularizers.l2(WEIGHT_DECAY)),
            layers.ReLU(),
            layers.BatchNormalization(),
            layers.Dense(PROJECT_DIM),
        ],
        name="predictor",
    )
    return model


def compute_loss(p, z):
    # The authors of SimSiam emphasize the impact of
    # the `stop_gradient` operator in the paper as it
    # has an important role in the overall optimization.
    z = tf.stop_gradient(z)
    p = tf.math.l2_normalize(p, axis=1)
    z = tf.math.l2_normalize(z, axis=1)
    # Negative cosine similarity (minimizing this is
    # equivalent to maximizing the similarity).
    return -tf.reduce_mean(tf.reduce_sum((p * z), axis=1))


class SimSiam(keras.Model):
    def __init__(self, encoder, predictor):
        super().__init__()
        self.encoder = encoder
        self.predictor = predictor
        self.loss_tracker = keras.metrics.Mean(name="loss")

    @property
    def metrics(self):
        return [self.loss_tracker]

    def train_step(self, data):
        # Unpack the data.
        ds_one, ds_two = data

        # Forward pass through the encoder and predictor.
        with tf.GradientTape() as tape:
            z1, z2 = self.encoder(ds_one), self.encoder(ds_two)
            p1, p2 = self.predictor(z1), self.predictor(z2)
            # Note that here we are enforcing the network to match
            # the representations of two differently augmented batches
            # of data.
            loss = compute_loss(p1, z2) / 2 + compute_loss(p2, z1) / 2

        # Compute gradients and update the parameters.
        learnable_params = (
            self.encoder.trainable_variables + self.predictor.trainable_variables
        )
        gradients = tape.gradient(loss, learnable_params)
        self.optimizer.apply_gradients(zip(gradients, learnable_params))

        # Monitor loss.
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


def numpy_draw(model):
    # kernels a NumPy draw; BatchNormalization's gammas and variances 1, betas and means 0
    model.set_weights([rng.normal(0.0, 0.3, w.shape).astype(np.float32) if w.ndim > 1 else w
                       for w in model.get_weights()])


encoder = get_encoder()
predictor = get_predictor()
numpy_draw(encoder)
numpy_draw(predictor)

z_fixed = encoder(x_train[:8], training=False)
p_fixed = predictor(z_fixed, training=False)
loss_fixed = float(compute_loss(p_fixed, z_fixed))
loss_self = float(compute_loss(z_fixed, z_fixed))

# Create a cosine decay learning scheduler.
num_training_samples = len(x_train)
steps = EPOCHS * (num_training_samples // BATCH_SIZE)
lr_decayed_fn = keras.optimizers.schedules.CosineDecay(
    initial_learning_rate=0.03, decay_steps=steps)

# Create an early stopping callback.
early_stopping = keras.callbacks.EarlyStopping(
    monitor="loss", patience=5, restore_best_weights=True)

# Compile model and start training.
simsiam = SimSiam(encoder, predictor)
simsiam.compile(optimizer=keras.optimizers.SGD(lr_decayed_fn, momentum=0.6))
history = simsiam.fit(ssl_ds, epochs=EPOCHS, callbacks=[early_stopping], verbose=0)

# We first create labeled `Dataset` objects.
train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train))
test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test))

# Then we shuffle, batch, and prefetch this dataset for performance. We
# also apply random resized crops as an augmentation but only to the
# training set.
train_ds = (
    train_ds.shuffle(1024)
    .map(lambda x, y: (flip_random_crop(x), y), num_parallel_calls=AUTO)
    .batch(BATCH_SIZE)
    .prefetch(AUTO)
)
test_ds = test_ds.batch(BATCH_SIZE).prefetch(AUTO)

# Extract the backbone ResNet20.
backbone = keras.Model(
    simsiam.encoder.input, simsiam.encoder.get_layer("backbone_pool").output)

# We then create our linear classifier and train it.
backbone.trainable = False
inputs = layers.Input((CROP_TO, CROP_TO, 3))
x = backbone(inputs, training=False)
outputs = layers.Dense(3, activation="softmax")(x)
linear_model = keras.Model(inputs, outputs, name="linear_model")

# Compile model and start training.
linear_model.compile(
    loss="sparse_categorical_crossentropy",
    metrics=["accuracy"],
    # (the example reuses lr_decayed_fn; the probe here has its own, longer schedule, as the
    # few steps of the small data set leave it untrained at 0.03 decayed over 36 steps)
    optimizer=keras.optimizers.SGD(
        keras.optimizers.schedules.CosineDecay(initial_learning_rate=0.3, decay_steps=steps * 3),
        momentum=0.9),
)
linear_history = linear_model.fit(
    train_ds, validation_data=test_ds, epochs=EPOCHS * 3, callbacks=[early_stopping],
    verbose=0)
_, test_acc = linear_model.evaluate(test_ds, verbose=0)

view_one = np.asarray(view_one)
RESULT = {
    "view_shape_sum": float(sum(view_one.shape)),
    "views_in_range": float(view_one.min() >= 0.0 and view_one.max() <= 255.0),
    "views_differ": float(np.abs(view_one - np.asarray(view_two)).mean() > 0.0),
    "encoder_params": float(encoder.count_params()),
    "predictor_params": float(predictor.count_params()),
    "encoder_losses": float(len(encoder.losses)),
    "z_sum": float(np.sum(z_fixed)),
    "z_abs_sum": float(np.abs(np.asarray(z_fixed)).sum()),
    "p_abs_sum": float(np.abs(np.asarray(p_fixed)).sum()),
    "loss_fixed": loss_fixed,
    "loss_self": loss_self,
    "ssl_epochs": float(len(history.history["loss"])),
    "ssl_loss_first": float(history.history["loss"][0]),
    "ssl_loss_last": float(history.history["loss"][-1]),
    "lr_end": float(lr_decayed_fn(steps)),
    "lr_middle": float(lr_decayed_fn(steps // 2)),
    "backbone_width": float(backbone.output.shape[-1]),
    "linear_trainable_weights": float(len(linear_model.trainable_weights)),
    "test_accuracy": float(test_acc),
}

if __name__ == "__main__":
    for key, value in RESULT.items():
        print(f"{key}: {value:.6g}")
