"""After the keras.io example "Image classification with Perceiver": patches of the images
(keras.ops.image.extract_patches) encoded with a Dense projection plus an Embedding of their
positions; a latent array made in the model's build() with add_weight, expanded to a batch of
one (ops.expand_dims) and fed with the patches, as a dict of two inputs, to a cross-attention
functional model (layers.Attention with use_scale, whose query has batch 1 and key and value the
real batch: they broadcast) and then to a transformer functional model (MultiHeadAttention);
the two modules are applied num_iterations times, sharing weights; GlobalAveragePooling1D and a
feed-forward head give the logits. The model is a keras.Model subclass that builds its
sub-models in build(). Trained with AdamW and ReduceLROnPlateau / EarlyStopping callbacks on
sparse categorical cross-entropy from logits, with accuracy and top-2 accuracy.

The toy task: 12x12 one-channel images hold a bright bar, horizontal or vertical, in the top or
bottom half (four classes). Dropout is 0 and the weights start from a fixed NumPy draw, and
batches are not shuffled, so the loss per epoch is Keras's to rounding.
"""

import numpy as np

import numnet as keras
from numnet import activations, layers, ops

rng = np.random.default_rng(17)
num_classes = 4
n, size = 288, 12
labels = rng.integers(0, num_classes, n)
images = rng.normal(0.0, 0.4, (n, size, size, 1)).astype("float32")
for index, label in enumerate(labels):
    row = (label // 2) * 6 + rng.integers(1, 5)
    start = rng.integers(0, 6)
    if label % 2 == 0:
        images[index, row, start:start + 6, 0] += 2.0
    else:
        images[index, (label // 2) * 6:(label // 2) * 6 + 6, start + 3, 0] += 2.0
x_train, y_train = images[:224], labels[:224]
x_test, y_test = images[224:], labels[224:]

input_shape = (size, size, 1)
learning_rate = 0.005
weight_decay = 0.0001
batch_size = 32
num_epochs = 12
dropout_rate = 0.0
image_size = 12
patch_size = 3
num_patches = (image_size // patch_size) ** 2
latent_dim = 8
projection_dim = 16
num_heads = 2
ffn_units = [projection_dim, projection_dim]
num_transformer_blocks = 2
num_iterations = 2
classifier_units = [projection_dim, num_classes]

data_augmentation = keras.Sequential(
    [
        layers.Normalization(),
        layers.Resizing(image_size, image_size),
    ],
    name="data_augmentation",
)
data_augmentation.layers[0].adapt(x_train)


def create_ffn(hidden_units, dropout_rate):
    ffn_layers = []
    for units in hidden_units[:-1]:
        ffn_layers.append(layers.Dense(units, activation=activations.gelu))

    ffn_layers.append(layers.Dense(units=hidden_units[-1]))
    ffn_layers.append(layers.Dropout(dropout_rate))

    ffn = keras.Sequential(ffn_layers)
    return ffn


class Patches(layers.Layer):
    def __init__(self, patch_size):
        super().__init__()
        self.patch_size = patch_size

    def call(self, images):
        batch_size = ops.shape(images)[0]
        patches = ops.image.extract_patches(
            images=images,
            size=(self.patch_size, self.patch_size),
            strides=(self.patch_size, self.patch_size),
            dilation_rate=1,
            padding="valid",
        )
        patch_dims = patches.shape[-1]
        patches = ops.reshape(patches, [batch_size, -1, patch_dims])
        return patches


class PatchEncoder(layers.Layer):
    def __init__(self, num_patches, projection_dim):
        super().__init__()
        self.num_patches = num_patches
        self.projection = layers.Dense(units=projection_dim)
        self.position_embedding = layers.Embedding(
            input_dim=num_patches, output_dim=projection_dim
        )

    def call(self, patches):
        positions = ops.arange(start=0, stop=self.num_patches, step=1)
        encoded = self.projection(patches) + self.position_embedding(positions)
        return encoded


def create_cross_attention_module(latent_dim, data_dim, projection_dim, ffn_units, dropout_rate):
    inputs = {
        "latent_array": layers.Input(shape=(latent_dim, projection_dim), name="latent_array"),
        "data_array": layers.Input(shape=(data_dim, projection_dim), name="data_array"),
    }

    latent_array = layers.LayerNormalization(epsilon=1e-6)(inputs["latent_array"])
    data_array = layers.LayerNormalization(epsilon=1e-6)(inputs["data_array"])

    query = layers.Dense(units=projection_dim)(latent_array)
    key = layers.Dense(units=projection_dim)(data_array)
    value = layers.Dense(units=projection_dim)(data_array)

    attention_output = layers.Attention(use_scale=True, dropout=dropout_rate)(
        [query, key, value], return_attention_scores=False
    )
    attention_output = layers.Add()([attention_output, latent_array])

    attention_output = layers.LayerNormalization(epsilon=1e-6)(attention_output)
    ffn = create_ffn(hidden_units=ffn_units, dropout_rate=dropout_rate)
    outputs = ffn(attention_output)
    outputs = layers.Add()([outputs, attention_output])

    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def create_transformer_module(
    latent_dim, projection_dim, num_heads, num_transformer_blocks, ffn_units, dropout_rate
):
    inputs = layers.Input(shape=(latent_dim, projection_dim))
    x0 = inputs
    for _ in range(num_transformer_blocks):
        x1 = layers.LayerNormalization(epsilon=1e-6)(x0)
        attention_output = layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=projection_dim, dropout=dropout_rate
        )(x1, x1)
        x2 = layers.Add()([attention_output, x0])
        x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
        ffn = create_ffn(hidden_units=ffn_units, dropout_rate=dropout_rate)
        x3 = ffn(x3)
        x0 = layers.Add()([x3, x2])

    model = keras.Model(inputs=inputs, outputs=x0)
    return model


class Perceiver(keras.Model):
    def __init__(
        self,
        patch_size,
        data_dim,
        latent_dim,
        projection_dim,
        num_heads,
        num_transformer_blocks,
        ffn_units,
        dropout_rate,
        num_iterations,
        classifier_units,
    ):
        super().__init__()

        self.latent_dim = latent_dim
        self.data_dim = data_dim
        self.patch_size = patch_size
        self.projection_dim = projection_dim
        self.num_heads = num_heads
        self.num_transformer_blocks = num_transformer_blocks
        self.ffn_units = ffn_units
        self.dropout_rate = dropout_rate
        self.num_iterations = num_iterations
        self.classifier_units = classifier_units

    def build(self, input_shape):
        self.latent_array = self.add_weight(
            shape=(self.latent_dim, self.projection_dim),
            initializer="random_normal",
            trainable=True,
        )
        self.patcher = Patches(self.patch_size)
        self.patch_encoder = PatchEncoder(self.data_dim, self.projection_dim)
        self.cross_attention = create_cross_attention_module(
            self.latent_dim, self.data_dim, self.projection_dim, self.ffn_units,
            self.dropout_rate,
        )
        self.transformer = create_transformer_module(
            self.latent_dim, self.projection_dim, self.num_heads,
            self.num_transformer_blocks, self.ffn_units, self.dropout_rate,
        )
        self.global_average_pooling = layers.GlobalAveragePooling1D()
        self.classification_head = create_ffn(
            hidden_units=self.classifier_units, dropout_rate=self.dropout_rate
        )
        super().build(input_shape)

    def call(self, inputs):
        augmented = data_augmentation(inputs)
        patches = self.patcher(augmented)
        encoded_patches = self.patch_encoder(patches)
        cross_attention_inputs = {
            "latent_array": ops.expand_dims(self.latent_array, 0),
            "data_array": encoded_patches,
        }
        for _ in range(self.num_iterations):
            latent_array = self.cross_attention(cross_attention_inputs)
            latent_array = self.transformer(latent_array)
            cross_attention_inputs["latent_array"] = latent_array

        representation = self.global_average_pooling(latent_array)
        logits = self.classification_head(representation)
        return logits


def run_experiment(model):
    optimizer = keras.optimizers.AdamW(learning_rate=learning_rate, weight_decay=weight_decay)
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="acc"),
            keras.metrics.SparseTopKCategoricalAccuracy(2, name="top2-acc"),
        ],
    )
    reduce_lr = keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.2, patience=3)
    early_stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=15, restore_best_weights=True
    )
    history = model.fit(
        x=x_train,
        y=y_train,
        batch_size=batch_size,
        epochs=num_epochs,
        validation_split=0.125,
        shuffle=False,
        callbacks=[early_stopping, reduce_lr],
        verbose=0,
    )
    _, accuracy, top_2_accuracy = model.evaluate(x_test, y_test, verbose=0)
    return history, accuracy, top_2_accuracy


perceiver_classifier = Perceiver(
    patch_size,
    num_patches,
    latent_dim,
    projection_dim,
    num_heads,
    num_transformer_blocks,
    ffn_units,
    dropout_rate,
    num_iterations,
    classifier_units,
)
perceiver_classifier(x_train[:2])
# Kernels, embeddings and the latent array from a NumPy draw; biases and scales as built.
perceiver_classifier.set_weights(
    [
        rng.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1 else w
        for w in perceiver_classifier.get_weights()
    ]
)
params = perceiver_classifier.count_params()
shapes_in_order = [tuple(w.shape) for w in perceiver_classifier.trainable_weights]
history, accuracy, top_2_accuracy = run_experiment(perceiver_classifier)

RESULT = {
    "params": float(params),
    "first_weight_is_latent": float(shapes_in_order[0] == (latent_dim, projection_dim)),
    "test_accuracy": float(accuracy),
    "test_top2": float(top_2_accuracy),
    "val_loss": float(history.history["val_loss"][-1]),
    "epochs_run": float(len(history.history["loss"])),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
