"""After the keras.io example "Distilling Vision Transformers" (DeiT): StochasticDepth, an FFN
of Dense layers with a gelu, pre-norm transformer blocks as functional models, a ViTClassifier
subclass (a strided Conv2D and a Reshape to patches, a CLS token tiled over the batch,
positional embeddings, a final LayerNormalization and a head on the CLS token), ViTDistilled
(a second, distillation token and a second head; separate logits in training, their mean in
inference), and a DeiT trainer model with its own compile(optimizer, metrics,
student_loss_fn, distillation_loss_fn), a metrics property extending super().metrics with
two Mean trackers, a train_step that takes the teacher's argmax as hard labels for the
distillation head (CategoricalCrossentropy with label smoothing for the class head,
SparseCategoricalCrossentropy for the distillation head, averaged), compiled_metrics, and a
test_step and call on the student.

Images are 16x16 from a NumPy seed with a bright bar whose orientation is the class (the
example's tf_flowers at 224x224); the teacher is a small convolutional network trained here
first (the example loads a BiT ResNet); the tokens and positional embeddings are add_weight
weights (the example's tf.Variables, which a Keras 3 model does not track). The weights are
NumPy draws and the batches unshuffled, so the teacher's losses and the student's
predictions after distillation are TensorFlow's.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

# Model
MODEL_TYPE = "deit_distilled_tiny_patch4_16"
RESOLUTION = 16
PATCH_SIZE = 4
NUM_PATCHES = (RESOLUTION // PATCH_SIZE) ** 2
LAYER_NORM_EPS = 1e-6
PROJECTION_DIM = 16
NUM_HEADS = 2
NUM_LAYERS = 2
MLP_UNITS = [PROJECTION_DIM * 2, PROJECTION_DIM]
DROPOUT_RATE = 0.0
DROP_PATH_RATE = 0.0

# Training
NUM_EPOCHS = 6
BASE_LR = 0.02
WEIGHT_DECAY = 0.0001

# Data
BATCH_SIZE = 16
NUM_CLASSES = 3

rng = np.random.default_rng(23)


def make_images(count):
    """A bright bar across the image: horizontal (0), vertical (1) or diagonal (2)."""
    labels = np.arange(count) % NUM_CLASSES
    rng.shuffle(labels)
    images = rng.uniform(0, 80, size=(count, RESOLUTION, RESOLUTION, 3))
    for image, label in zip(images, labels):
        at = int(rng.integers(3, RESOLUTION - 3))
        if label == 0:
            image[at - 1 : at + 1, :] += 160
        elif label == 1:
            image[:, at - 1 : at + 1] += 160
        else:
            for i in range(RESOLUTION):
                image[i, (i + at) % RESOLUTION] += 160
    return images.astype("float32"), labels


x_train, y_train = make_images(96)
x_val, y_val = make_images(48)
train_dataset = tf.data.Dataset.from_tensor_slices(
    (x_train, tf.one_hot(y_train, NUM_CLASSES))
).batch(BATCH_SIZE)
val_dataset = tf.data.Dataset.from_tensor_slices(
    (x_val, tf.one_hot(y_val, NUM_CLASSES))
).batch(BATCH_SIZE)


class StochasticDepth(layers.Layer):
    def __init__(self, drop_prop, **kwargs):
        super().__init__(**kwargs)
        self.drop_prob = drop_prop

    def call(self, x, training=True):
        if training:
            keep_prob = 1 - self.drop_prob
            shape = (tf.shape(x)[0],) + (1,) * (len(tf.shape(x)) - 1)
            random_tensor = keep_prob + tf.random.uniform(shape, 0, 1)
            random_tensor = tf.floor(random_tensor)
            return (x / keep_prob) * random_tensor
        return x


def mlp(x, dropout_rate, hidden_units):
    """FFN for a Transformer block."""
    for idx, units in enumerate(hidden_units):
        x = layers.Dense(units, activation=tf.nn.gelu if idx == 0 else None)(x)
        x = layers.Dropout(dropout_rate)(x)
    return x


def transformer(drop_prob, name):
    """Transformer block with pre-norm."""
    num_patches = NUM_PATCHES + 2 if "distilled" in MODEL_TYPE else NUM_PATCHES + 1
    encoded_patches = layers.Input((num_patches, PROJECTION_DIM))

    x1 = layers.LayerNormalization(epsilon=LAYER_NORM_EPS)(encoded_patches)
    attention_output = layers.MultiHeadAttention(
        num_heads=NUM_HEADS,
        key_dim=PROJECTION_DIM,
        dropout=DROPOUT_RATE,
    )(x1, x1)
    attention_output = (
        StochasticDepth(drop_prob)(attention_output) if drop_prob else attention_output
    )
    x2 = layers.Add()([attention_output, encoded_patches])
    x3 = layers.LayerNormalization(epsilon=LAYER_NORM_EPS)(x2)
    x4 = mlp(x3, hidden_units=MLP_UNITS, dropout_rate=DROPOUT_RATE)
    x4 = StochasticDepth(drop_prob)(x4) if drop_prob else x4
    outputs = layers.Add()([x2, x4])

    return keras.Model(encoded_patches, outputs, name=name)


class ViTClassifier(keras.Model):
    """Vision Transformer base class."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

        # Patchify + linear projection + reshaping.
        self.projection = keras.Sequential(
            [
                layers.Conv2D(
                    filters=PROJECTION_DIM,
                    kernel_size=(PATCH_SIZE, PATCH_SIZE),
                    strides=(PATCH_SIZE, PATCH_SIZE),
                    padding="VALID",
                    name="conv_projection",
                ),
                layers.Reshape(
                    target_shape=(NUM_PATCHES, PROJECTION_DIM),
                    name="flatten_projection",
                ),
            ],
            name="projection",
        )

        # Positional embedding.
        init_shape = (1, NUM_PATCHES + 1, PROJECTION_DIM)
        self.positional_embedding = self.add_weight(
            shape=init_shape, initializer="zeros", name="pos_embedding"
        )

        # Transformer blocks.
        dpr = [x for x in np.linspace(0.0, DROP_PATH_RATE, NUM_LAYERS)]
        self.transformer_blocks = [
            transformer(drop_prob=dpr[i], name=f"transformer_block_{i}")
            for i in range(NUM_LAYERS)
        ]

        # CLS token.
        self.cls_token = self.add_weight(
            shape=(1, 1, PROJECTION_DIM), initializer="zeros", trainable=True, name="cls"
        )

        # Other layers.
        self.dropout = layers.Dropout(DROPOUT_RATE)
        self.layer_norm = layers.LayerNormalization(epsilon=LAYER_NORM_EPS)
        self.head = layers.Dense(NUM_CLASSES, name="classification_head")

    def call(self, inputs, training=True):
        n = tf.shape(inputs)[0]
        projected_patches = self.projection(inputs)
        cls_token = tf.tile(self.cls_token, (n, 1, 1))
        cls_token = tf.cast(cls_token, projected_patches.dtype)
        projected_patches = tf.concat([cls_token, projected_patches], axis=1)
        encoded_patches = self.positional_embedding + projected_patches
        encoded_patches = self.dropout(encoded_patches)
        for transformer_module in self.transformer_blocks:
            encoded_patches = transformer_module(encoded_patches)
        representation = self.layer_norm(encoded_patches)
        encoded_patches = representation[:, 0]
        output = self.head(encoded_patches)
        return output


class ViTDistilled(ViTClassifier):
    def __init__(self, regular_training=False, **kwargs):
        super().__init__(**kwargs)
        self.num_tokens = 2
        self.regular_training = regular_training

        # CLS and distillation tokens, positional embedding.
        self.dist_token = self.add_weight(
            shape=(1, 1, PROJECTION_DIM), initializer="zeros", name="dist_token"
        )
        self.positional_embedding = self.add_weight(
            shape=(1, NUM_PATCHES + self.num_tokens, PROJECTION_DIM),
            initializer="zeros",
            name="pos_embedding",
        )

        # Head layers.
        self.head = layers.Dense(NUM_CLASSES, name="classification_head")
        self.head_dist = layers.Dense(NUM_CLASSES, name="distillation_head")

    def call(self, inputs, training=True):
        n = tf.shape(inputs)[0]
        projected_patches = self.projection(inputs)

        # Append the tokens.
        cls_token = tf.tile(self.cls_token, (n, 1, 1))
        dist_token = tf.tile(self.dist_token, (n, 1, 1))
        cls_token = tf.cast(cls_token, projected_patches.dtype)
        dist_token = tf.cast(dist_token, projected_patches.dtype)
        projected_patches = tf.concat([cls_token, dist_token, projected_patches], axis=1)

        encoded_patches = self.positional_embedding + projected_patches
        encoded_patches = self.dropout(encoded_patches)
        for transformer_module in self.transformer_blocks:
            encoded_patches = transformer_module(encoded_patches)
        representation = self.layer_norm(encoded_patches)

        # Classification heads.
        x, x_dist = (
            self.head(representation[:, 0]),
            self.head_dist(representation[:, 1]),
        )

        if not training or self.regular_training:
            # During standard train / finetune, inference average the classifier
            # predictions.
            return (x + x_dist) / 2

        elif training:
            # Only return separate classification predictions when training in distilled
            # mode.
            return x, x_dist


deit_tiny_distilled = ViTDistilled()
dummy_inputs = tf.ones((2, RESOLUTION, RESOLUTION, 3))
outputs = deit_tiny_distilled(dummy_inputs, training=False)
training_outputs = deit_tiny_distilled(dummy_inputs, training=True)
print(outputs.shape)


class DeiT(keras.Model):
    # Reference:
    # https://keras.io/examples/vision/knowledge_distillation/
    def __init__(self, student, teacher, **kwargs):
        super().__init__(**kwargs)
        self.student = student
        self.teacher = teacher

        self.student_loss_tracker = keras.metrics.Mean(name="student_loss")
        self.dist_loss_tracker = keras.metrics.Mean(name="distillation_loss")

    @property
    def metrics(self):
        metrics = super().metrics
        metrics.append(self.student_loss_tracker)
        metrics.append(self.dist_loss_tracker)
        return metrics

    def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn):
        super().compile(optimizer=optimizer, metrics=metrics)
        self.student_loss_fn = student_loss_fn
        self.distillation_loss_fn = distillation_loss_fn

    def train_step(self, data):
        # Unpack data.
        x, y = data

        # Forward pass of teacher
        teacher_predictions = tf.nn.softmax(self.teacher(x, training=False), -1)
        teacher_predictions = tf.argmax(teacher_predictions, -1)

        with tf.GradientTape() as tape:
            # Forward pass of student.
            cls_predictions, dist_predictions = self.student(x / 255.0, training=True)

            # Compute losses.
            student_loss = self.student_loss_fn(y, cls_predictions)
            distillation_loss = self.distillation_loss_fn(teacher_predictions, dist_predictions)
            loss = (student_loss + distillation_loss) / 2

        # Compute gradients.
        trainable_vars = self.student.trainable_variables
        gradients = tape.gradient(loss, trainable_vars)

        # Update weights.
        self.optimizer.apply_gradients(zip(gradients, trainable_vars))

        # Update the metrics configured in `compile()`.
        student_predictions = (cls_predictions + dist_predictions) / 2
        self.compiled_metrics.update_state(y, student_predictions)
        self.dist_loss_tracker.update_state(distillation_loss)
        self.student_loss_tracker.update_state(student_loss)

        # Return a dict of performance.
        results = {m.name: m.result() for m in self.metrics}
        return results

    def test_step(self, data):
        x, y = data
        y_prediction = self.student(x / 255.0, training=False)
        student_loss = self.student_loss_fn(y, y_prediction)
        self.compiled_metrics.update_state(y, y_prediction)
        self.student_loss_tracker.update_state(student_loss)
        results = {m.name: m.result() for m in self.metrics}
        return results

    def call(self, inputs):
        return self.student(inputs / 255.0, training=False)


# The teacher: a small CNN trained here from NumPy weights (the example's BiT ResNet).
teacher = keras.Sequential(
    [
        keras.Input((RESOLUTION, RESOLUTION, 3)),
        layers.Rescaling(1.0 / 255),
        layers.Conv2D(8, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(8, 3, activation="relu"),
        layers.GlobalMaxPooling2D(),
        layers.Dense(NUM_CLASSES),
    ],
    name="teacher",
)
teacher.set_weights(
    [rng.normal(0.0, 0.3, w.shape).astype("float32") for w in teacher.get_weights()]
)
teacher.compile(
    optimizer=keras.optimizers.Adam(1e-2),
    loss=keras.losses.CategoricalCrossentropy(from_logits=True),
    metrics=["accuracy"],
)
teacher_history = teacher.fit(train_dataset, epochs=6, verbose=0)
_, teacher_accuracy = teacher.evaluate(val_dataset, verbose=0)

deit_tiny = ViTDistilled()
deit_tiny(dummy_inputs)
deit_tiny.set_weights(
    [rng.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1 else w
     for w in deit_tiny.get_weights()]
)
deit_distiller = DeiT(student=deit_tiny, teacher=teacher)

lr_scaled = (BASE_LR / 512) * BATCH_SIZE * 8
deit_distiller.compile(
    optimizer=keras.optimizers.AdamW(weight_decay=WEIGHT_DECAY, learning_rate=lr_scaled),
    metrics=["accuracy"],
    student_loss_fn=keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
    distillation_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
)
history = deit_distiller.fit(
    train_dataset, validation_data=val_dataset, epochs=NUM_EPOCHS, verbose=0
)
val_predictions = np.asarray(deit_distiller.predict(x_val, verbose=0))
student_accuracy = float(np.mean(np.argmax(val_predictions, -1) == y_val))
teacher_labels = np.argmax(np.asarray(teacher.predict(x_val, verbose=0)), -1)

RESULT = {
    "inference_shape_sum": float(sum(outputs.shape)),
    "training_outputs": float(len(training_outputs)),
    "student_params": float(deit_tiny.count_params()),
    "student_weights": float(len(deit_tiny.weights)),
    "metrics_names": float(len(deit_distiller.metrics)),
    "history_has_trackers": float(
        "student_loss" in history.history and "distillation_loss" in history.history
    ),
    "teacher_loss_0": float(teacher_history.history["loss"][0]),
    "teacher_loss_5": float(teacher_history.history["loss"][5]),
    "teacher_accuracy": float(teacher_accuracy),
    "val_prediction_sum": float(val_predictions.sum()),
    "val_prediction_abs_sum": float(np.abs(val_predictions).sum()),
    "student_accuracy": student_accuracy,
    "agrees_with_teacher": float(np.mean(np.argmax(val_predictions, -1) == teacher_labels)),
    "train_accuracy_last": float(history.history["accuracy"][-1]),
}
print(RESULT)
