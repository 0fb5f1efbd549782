"""After the keras.io example "Image classification with Vision Transformer": a Patches layer
that cuts images with keras.ops.image.extract_patches and flattens them, a PatchEncoder layer
that projects each patch with Dense and adds an Embedding of the patch positions, transformer
blocks (LayerNormalization, MultiHeadAttention, Add, a gelu MLP), a flattened representation, an
MLP head and logits, trained with AdamW (weight decay) on sparse categorical cross-entropy from
logits, with the accuracy and top-k accuracy metrics. The data_augmentation step keeps the
example's adapted Normalization and Resizing (the random flips and zooms would draw differently
from Keras), and dropout is 0 so the run is deterministic.

The toy task: 12x12 two-channel images hold a bright 3x3 square in one of four quadrants.

The weights start from a fixed NumPy draw and batches are not shuffled, so the loss per epoch is
Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

rng = np.random.default_rng(31)
num_classes = 4
n, size = 320, 12
labels = rng.integers(0, num_classes, n)
images = rng.normal(0.0, 0.5, (n, size, size, 2)).astype("float32")
for index, label in enumerate(labels):
    top = (label // 2) * 6 + rng.integers(0, 3)
    left = (label % 2) * 6 + rng.integers(0, 3)
    images[index, top:top + 3, left:left + 3, :] += 2.0
x_train, y_train = images[:256], labels[:256]
x_test, y_test = images[256:], labels[256:]

input_shape = (size, size, 2)
learning_rate = 0.002
weight_decay = 0.0001
batch_size = 32
num_epochs = 5
image_size = 16  # the images are resized to this size
patch_size = 4  # size of the patches to be extracted from the input images
num_patches = (image_size // patch_size) ** 2
projection_dim = 16
num_heads = 2
transformer_units = [projection_dim * 2, projection_dim]
transformer_layers = 2
mlp_head_units = [32, 16]

data_augmentation = keras.Sequential(
    [
        layers.Normalization(),
        layers.Resizing(image_size, image_size),
    ],
    name="data_augmentation",
)
data_augmentation.layers[0].adapt(x_train)


def mlp(x, hidden_units, dropout_rate):
    for units in hidden_units:
        x = layers.Dense(units, activation=keras.activations.gelu)(x)
        x = layers.Dropout(dropout_rate)(x)
    return x


class Patches(layers.Layer):
    def __init__(self, patch_size):
        super().__init__()
        self.patch_size = patch_size

    def call(self, images):
        input_shape = ops.shape(images)
        batch_size = input_shape[0]
        height = input_shape[1]
        width = input_shape[2]
        channels = input_shape[3]
        num_patches_h = height // self.patch_size
        num_patches_w = width // self.patch_size
        patches = keras.ops.image.extract_patches(images, size=self.patch_size)
        patches = ops.reshape(
            patches,
            (
                batch_size,
                num_patches_h * num_patches_w,
                self.patch_size * self.patch_size * channels,
            ),
        )
        return patches

    def get_config(self):
        config = super().get_config()
        config.update({"patch_size": self.patch_size})
        return config


patches = Patches(patch_size)(ops.convert_to_tensor(images[:2]))
first_patch = np.asarray(patches)[0, 1]
expected_patch = images[0, 0:4, 4:8, :].reshape(-1)


class PatchEncoder(layers.Layer):
    def __init__(self, num_patches, projection_dim):
        super().__init__()
        self.num_patches = num_patches
        self.projection = layers.Dense(units=projection_dim)
        self.position_embedding = layers.Embedding(
            input_dim=num_patches, output_dim=projection_dim
        )

    def call(self, patch):
        positions = ops.expand_dims(
            ops.arange(start=0, stop=self.num_patches, step=1), axis=0
        )
        projected_patches = self.projection(patch)
        encoded = projected_patches + self.position_embedding(positions)
        return encoded

    def get_config(self):
        config = super().get_config()
        config.update({"num_patches": self.num_patches})
        return config


def create_vit_classifier():
    inputs = keras.Input(shape=input_shape)
    augmented = data_augmentation(inputs)
    patches = Patches(patch_size)(augmented)
    encoded_patches = PatchEncoder(num_patches, projection_dim)(patches)

    for _ in range(transformer_layers):
        x1 = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
        attention_output = layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=projection_dim, dropout=0.0
        )(x1, x1)
        x2 = layers.Add()([attention_output, encoded_patches])
        x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
        x3 = mlp(x3, hidden_units=transformer_units, dropout_rate=0.0)
        encoded_patches = layers.Add()([x3, x2])

    representation = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
    representation = layers.Flatten()(representation)
    representation = layers.Dropout(0.0)(representation)
    features = mlp(representation, hidden_units=mlp_head_units, dropout_rate=0.0)
    logits = layers.Dense(num_classes)(features)
    model = keras.Model(inputs=inputs, outputs=logits)
    return model


def run_experiment(model):
    optimizer = keras.optimizers.AdamW(
        learning_rate=learning_rate, weight_decay=weight_decay
    )

    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
            keras.metrics.SparseTopKCategoricalAccuracy(2, name="top-2-accuracy"),
        ],
    )

    checkpoint_filepath = "checkpoint.weights.h5"
    checkpoint_callback = keras.callbacks.ModelCheckpoint(
        checkpoint_filepath,
        monitor="val_accuracy",
        save_best_only=True,
        save_weights_only=True,
    )

    history = model.fit(
        x=x_train,
        y=y_train,
        batch_size=batch_size,
        epochs=num_epochs,
        validation_split=0.125,
        shuffle=False,
        callbacks=[checkpoint_callback],
        verbose=0,
    )

    model.load_weights(checkpoint_filepath)
    _, accuracy, top_2_accuracy = model.evaluate(x_test, y_test, verbose=0)
    return history, accuracy, top_2_accuracy


vit_classifier = create_vit_classifier()
draw = np.random.default_rng(5)
vit_classifier.set_weights(
    [draw.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1 and w.shape != (2,) else w
     for w in vit_classifier.get_weights()])
history, accuracy, top_2_accuracy = run_experiment(vit_classifier)

RESULT = {"accuracy": float(accuracy), "top_2_accuracy": float(top_2_accuracy),
          "patch_error": float(np.max(np.abs(first_patch - expected_patch))),
          "patches": float(patches.shape[1]), "patch_width": float(patches.shape[2]),
          "params": float(vit_classifier.count_params()),
          "best_val_accuracy": float(max(history.history["val_accuracy"]))}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
