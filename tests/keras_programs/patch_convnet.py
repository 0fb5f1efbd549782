"""After the keras.io example "Augmenting convnets with aggregated attention": a tf.data
pipeline; preprocessing and augmentation Sequentials (Rescaling, Resizing, RandomCrop,
RandomFlip); a convolutional stem with tf.nn.gelu; a residual Trunk layer that builds its
blocks in build (LayerNormalization, 1x1 and 3x3 Conv2D, a SqueezeExcite layer of
GlobalAveragePooling2D(keepdims=True), two bias-free Dense and Multiply) and flattens the
patches with Reshape((-1, d)); an AttentionPooling layer whose class token is a tf.Variable
made in __init__, repeated over the batch with tf.repeat, prepended with tf.concat and
attended by MultiHeadAttention(return_attention_scores=True), returning the logits and the
squeezed patch weights; a PatchConvNet Model subclass whose train_step takes compiled_loss
under a tf.GradientTape over three lists of trainable variables and updates
compiled_metrics; a TrainMonitor callback reading the attention map; a WarmUpCosine
LearningRateSchedule subclass (tf.cos, tf.where) with get_config; AdamW with weight decay
(tensorflow_addons's AdamW in the example); top-1 and top-5 accuracy. The plots are left out.

CIFAR-10 is replaced by 16x16 images of six classes (a band bright in one channel, in the
top or the bottom half: a horizontal flip keeps the class),
the model is narrower and one trunk block deep.
"""

import math

import numpy as np
from numnet.keras import layers

import numnet as keras
import numnet as tf

SEED = 42
keras.utils.set_random_seed(SEED)
rng = np.random.default_rng(SEED)
RESULT = {}

BATCH_SIZE = 32
BUFFER_SIZE = BATCH_SIZE * 2
AUTO = tf.data.AUTOTUNE
INPUT_SHAPE = (16, 16, 3)
NUM_CLASSES = 6

IMAGE_SIZE = 16

DIMENSIONS = 16
SE_RATIO = 4
TRUNK_DEPTH = 1

LEARNING_RATE = 3e-3
WEIGHT_DECAY = 1e-4

EPOCHS = 4


def load_data(n):
    labels = rng.integers(0, NUM_CLASSES, (n, 1))
    x = rng.uniform(0, 80, (n,) + INPUT_SHAPE)
    for i, label in enumerate(labels[:, 0]):  # the top or bottom half, one channel bright
        half, channel = divmod(int(label), 3)
        x[i, 1 + 8 * half:7 + 8 * half, 3:13, channel] += 170
    return x.astype("uint8"), labels.astype("uint8")


(x_train, y_train), (x_test, y_test) = load_data(384), load_data(64)
(x_train, y_train), (x_val, y_val) = (
    (x_train[:320], y_train[:320]),
    (x_train[320:], y_train[320:]),
)

train_ds = tf.data.Dataset.from_tensor_slices((x_train, y_train))
train_ds = train_ds.shuffle(BUFFER_SIZE).batch(BATCH_SIZE).prefetch(AUTO)

val_ds = tf.data.Dataset.from_tensor_slices((x_val, y_val))
val_ds = val_ds.batch(BATCH_SIZE).prefetch(AUTO)

test_ds = tf.data.Dataset.from_tensor_slices((x_test, y_test))
test_ds = test_ds.batch(BATCH_SIZE).prefetch(AUTO)


def get_preprocessing():
    model = keras.Sequential(
        [
            layers.Rescaling(1 / 255.0),
            layers.Resizing(IMAGE_SIZE, IMAGE_SIZE),
        ],
        name="preprocessing",
    )
    return model


def get_train_augmentation_model():
    model = keras.Sequential(
        [
            layers.Rescaling(1 / 255.0),
            layers.Resizing(INPUT_SHAPE[0] + 2, INPUT_SHAPE[0] + 2),
            layers.RandomCrop(IMAGE_SIZE, IMAGE_SIZE),
            layers.RandomFlip("horizontal"),
        ],
        name="train_data_augmentation",
    )
    return model


def build_convolutional_stem(dimensions):
    config = {
        "kernel_size": (3, 3),
        "strides": (2, 2),
        "activation": tf.nn.gelu,
        "padding": "same",
    }

    convolutional_stem = keras.Sequential(
        [
            layers.Conv2D(filters=dimensions // 2, **config),
            layers.Conv2D(filters=dimensions, **config),
        ],
        name="convolutional_stem",
    )

    return convolutional_stem


class SqueezeExcite(layers.Layer):
    def __init__(self, ratio, **kwargs):
        super().__init__(**kwargs)
        self.ratio = ratio

    def get_config(self):
        config = super().get_config()
        config.update({"ratio": self.ratio})
        return config

    def build(self, input_shape):
        filters = input_shape[-1]
        self.squeeze = layers.GlobalAveragePooling2D(keepdims=True)
        self.reduction = layers.Dense(
            units=filters // self.ratio,
            activation="relu",
            use_bias=False,
        )
        self.excite = layers.Dense(units=filters, activation="sigmoid", use_bias=False)
        self.multiply = layers.Multiply()

    def call(self, x):
        shortcut = x
        x = self.squeeze(x)
        x = self.reduction(x)
        x = self.excite(x)
        x = self.multiply([shortcut, x])
        return x


class Trunk(layers.Layer):
    def __init__(self, depth, dimensions, ratio, **kwargs):
        super().__init__(**kwargs)
        self.ratio = ratio
        self.dimensions = dimensions
        self.depth = depth

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "ratio": self.ratio,
                "dimensions": self.dimensions,
                "depth": self.depth,
            }
        )
        return config

    def build(self, input_shape):
        config = {
            "filters": self.dimensions,
            "activation": tf.nn.gelu,
            "padding": "same",
        }

        trunk_block = [
            layers.LayerNormalization(epsilon=1e-6),
            layers.Conv2D(kernel_size=(1, 1), **config),
            layers.Conv2D(kernel_size=(3, 3), **config),
            SqueezeExcite(ratio=self.ratio),
            layers.Conv2D(kernel_size=(1, 1), filters=self.dimensions, padding="same"),
        ]

        self.trunk_blocks = [keras.Sequential(trunk_block) for _ in range(self.depth)]
        self.add = layers.Add()
        self.flatten_spatial = layers.Reshape((-1, self.dimensions))

    def call(self, x):
        shortcut = x
        for trunk_block in self.trunk_blocks:
            output = trunk_block(x)
            shortcut = self.add([output, shortcut])
            x = shortcut
        x = self.flatten_spatial(x)
        return x


class AttentionPooling(layers.Layer):
    def __init__(self, dimensions, num_classes, **kwargs):
        super().__init__(**kwargs)
        self.dimensions = dimensions
        self.num_classes = num_classes
        self.cls = tf.Variable(tf.zeros((1, 1, dimensions)))

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "dimensions": self.dimensions,
                "num_classes": self.num_classes,
                "cls": self.cls.numpy(),
            }
        )
        return config

    def build(self, input_shape):
        self.attention = layers.MultiHeadAttention(
            num_heads=1,
            key_dim=self.dimensions,
            dropout=0.2,
        )
        self.layer_norm1 = layers.LayerNormalization(epsilon=1e-6)
        self.layer_norm2 = layers.LayerNormalization(epsilon=1e-6)
        self.layer_norm3 = layers.LayerNormalization(epsilon=1e-6)
        self.mlp = keras.Sequential(
            [
                layers.Dense(units=self.dimensions, activation=tf.nn.gelu),
                layers.Dropout(0.2),
                layers.Dense(units=self.dimensions, activation=tf.nn.gelu),
            ]
        )
        self.dense = layers.Dense(units=self.num_classes)
        self.flatten = layers.Flatten()

    def call(self, x):
        batch_size = tf.shape(x)[0]
        class_token = tf.repeat(self.cls, repeats=batch_size, axis=0)
        x = tf.concat([class_token, x], axis=1)
        x = self.layer_norm1(x)
        x, viz_weights = self.attention(
            query=x[:, 0:1], key=x, value=x, return_attention_scores=True
        )
        class_token = class_token + x
        class_token = self.layer_norm2(class_token)
        class_token = self.flatten(class_token)
        class_token = self.layer_norm3(class_token)
        class_token = class_token + self.mlp(class_token)
        logits = self.dense(class_token)
        return logits, tf.squeeze(viz_weights)[..., 1:]


class PatchConvNet(keras.Model):
    def __init__(
        self,
        stem,
        trunk,
        attention_pooling,
        preprocessing_model,
        train_augmentation_model,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.stem = stem
        self.trunk = trunk
        self.attention_pooling = attention_pooling
        self.train_augmentation_model = train_augmentation_model
        self.preprocessing_model = preprocessing_model

    def _calculate_loss(self, inputs, test=False):
        images, labels = inputs
        if test:
            augmented_images = self.preprocessing_model(images)
        else:
            augmented_images = self.train_augmentation_model(images)
        x = self.stem(augmented_images)
        x = self.trunk(x)
        logits, _ = self.attention_pooling(x)
        total_loss = self.compiled_loss(labels, logits)
        return total_loss, logits

    def train_step(self, inputs):
        with tf.GradientTape() as tape:
            total_loss, logits = self._calculate_loss(inputs)
        train_vars = [
            self.stem.trainable_variables,
            self.trunk.trainable_variables,
            self.attention_pooling.trainable_variables,
        ]
        grads = tape.gradient(total_loss, train_vars)
        trainable_variable_list = []
        for (grad, var) in zip(grads, train_vars):
            for g, v in zip(grad, var):
                trainable_variable_list.append((g, v))
        self.optimizer.apply_gradients(trainable_variable_list)
        _, labels = inputs
        self.compiled_metrics.update_state(labels, logits)
        return {m.name: m.result() for m in self.metrics}

    def test_step(self, inputs):
        total_loss, logits = self._calculate_loss(inputs, test=True)
        _, labels = inputs
        self.compiled_metrics.update_state(labels, logits)
        return {m.name: m.result() for m in self.metrics}

    def call(self, images):
        augmented_images = self.preprocessing_model(images)
        x = self.stem(augmented_images)
        x = self.trunk(x)
        logits, viz_weights = self.attention_pooling(x)
        return logits, viz_weights


test_images, test_labels = next(iter(test_ds))
monitored = []


class TrainMonitor(keras.callbacks.Callback):
    def __init__(self, epoch_interval=None):
        self.epoch_interval = epoch_interval

    def on_epoch_end(self, epoch, logs=None):
        if self.epoch_interval and epoch % self.epoch_interval == 1:
            test_augmented_images = self.model.preprocessing_model(test_images)
            test_x = self.model.stem(test_augmented_images)
            test_x = self.model.trunk(test_x)
            _, test_viz_weights = self.model.attention_pooling(test_x)
            num_patches = tf.shape(test_viz_weights)[-1]
            height = width = int(math.sqrt(num_patches))
            test_viz_weights = layers.Reshape((height, width))(test_viz_weights)
            index = np.random.randint(low=0, high=tf.shape(test_augmented_images)[0])
            selected_weight = test_viz_weights[index]
            monitored.append((epoch, tuple(selected_weight.shape),
                              float(tf.reduce_sum(selected_weight))))


class WarmUpCosine(keras.optimizers.schedules.LearningRateSchedule):
    def __init__(
        self, learning_rate_base, total_steps, warmup_learning_rate, warmup_steps
    ):
        super().__init__()
        self.learning_rate_base = learning_rate_base
        self.total_steps = total_steps
        self.warmup_learning_rate = warmup_learning_rate
        self.warmup_steps = warmup_steps
        self.pi = tf.constant(np.pi)

    def __call__(self, step):
        if self.total_steps < self.warmup_steps:
            raise ValueError("Total_steps must be larger or equal to warmup_steps.")
        cos_annealed_lr = tf.cos(
            self.pi
            * (tf.cast(step, tf.float32) - self.warmup_steps)
            / float(self.total_steps - self.warmup_steps)
        )
        learning_rate = 0.5 * self.learning_rate_base * (1 + cos_annealed_lr)
        if self.warmup_steps > 0:
            if self.learning_rate_base < self.warmup_learning_rate:
                raise ValueError(
                    "Learning_rate_base must be larger or equal to "
                    "warmup_learning_rate."
                )
            slope = (
                self.learning_rate_base - self.warmup_learning_rate
            ) / self.warmup_steps
            warmup_rate = slope * tf.cast(step, tf.float32) + self.warmup_learning_rate
            learning_rate = tf.where(
                step < self.warmup_steps, warmup_rate, learning_rate
            )
        return tf.where(
            step > self.total_steps, 0.0, learning_rate, name="learning_rate"
        )

    def get_config(self):
        return {
            "learning_rate_base": self.learning_rate_base,
            "total_steps": self.total_steps,
            "warmup_learning_rate": self.warmup_learning_rate,
            "warmup_steps": self.warmup_steps,
        }


total_steps = int((len(x_train) / BATCH_SIZE) * EPOCHS)
warmup_epoch_percentage = 0.15
warmup_steps = int(total_steps * warmup_epoch_percentage)
scheduled_lrs = WarmUpCosine(
    learning_rate_base=LEARNING_RATE,
    total_steps=total_steps,
    warmup_learning_rate=0.0,
    warmup_steps=warmup_steps,
)
RESULT["warmup_steps"] = float(warmup_steps)  # int(40 * 0.15)
RESULT["lr_0"] = float(scheduled_lrs(0))
RESULT["lr_3"] = float(scheduled_lrs(3))  # 3 / 6 of the way up
RESULT["lr_peak"] = float(scheduled_lrs(warmup_steps))
RESULT["lr_23"] = float(scheduled_lrs(23))  # half way down the cosine: half the base
RESULT["lr_after"] = float(scheduled_lrs(total_steps + 1))
rebuilt = WarmUpCosine.from_config(scheduled_lrs.get_config())
RESULT["rebuilt_gap"] = float(abs(float(rebuilt(10)) - float(scheduled_lrs(10))))
try:
    WarmUpCosine(1e-3, total_steps=2, warmup_learning_rate=0.0, warmup_steps=5)(0)
    RESULT["bad_steps_refused"] = 0.0
except ValueError:
    RESULT["bad_steps_refused"] = 1.0

train_augmentation_model = get_train_augmentation_model()
preprocessing_model = get_preprocessing()
conv_stem = build_convolutional_stem(dimensions=DIMENSIONS)
conv_trunk = Trunk(depth=TRUNK_DEPTH, dimensions=DIMENSIONS, ratio=SE_RATIO)
attention_pooling = AttentionPooling(dimensions=DIMENSIONS, num_classes=NUM_CLASSES)

patch_conv_net = PatchConvNet(
    stem=conv_stem,
    trunk=conv_trunk,
    attention_pooling=attention_pooling,
    train_augmentation_model=train_augmentation_model,
    preprocessing_model=preprocessing_model,
)

train_callbacks = [TrainMonitor(epoch_interval=2)]
optimizer = keras.optimizers.AdamW(learning_rate=scheduled_lrs, weight_decay=WEIGHT_DECAY)
patch_conv_net.compile(
    optimizer=optimizer,
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[
        keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
        keras.metrics.SparseTopKCategoricalAccuracy(5, name="top-5-accuracy"),
    ],
)
cls_before = attention_pooling.cls.numpy()
history = patch_conv_net.fit(
    train_ds,
    epochs=EPOCHS,
    validation_data=val_ds,
    callbacks=train_callbacks,
    verbose=0,
)
RESULT["history_has_top5"] = float("top-5-accuracy" in history.history)
RESULT["history_has_val_accuracy"] = float("val_accuracy" in history.history)
RESULT["accuracy_0"] = history.history["accuracy"][0]
RESULT["accuracy_last"] = history.history["accuracy"][-1]
RESULT["val_accuracy_last"] = history.history["val_accuracy"][-1]
RESULT["iterations"] = float(optimizer.iterations)
RESULT["cls_trained"] = float(np.max(np.abs(attention_pooling.cls.numpy() - cls_before)) > 0)
RESULT["monitor_calls"] = float(len(monitored))  # epochs 1 and 3
RESULT["monitor_map_size"] = float(monitored[0][1][0] * monitored[0][1][1])  # 4 x 4 patches
RESULT["monitor_weight_sum"] = monitored[-1][2]  # the patches' share beside the class token

loss, acc_top1, acc_top5 = patch_conv_net.evaluate(test_ds, verbose=0)
RESULT["test_top1"] = float(acc_top1)
RESULT["test_top5"] = float(acc_top5)

logits, viz_weights = patch_conv_net.predict(x_test, verbose=0)
RESULT["logits_shape_sum"] = float(sum(logits.shape))  # 64 + 6
RESULT["viz_shape_sum"] = float(sum(viz_weights.shape))  # 64 + 16
RESULT["viz_below_one"] = float(np.all(viz_weights.sum(axis=-1) <= 1 + 1e-6))
print(RESULT)
