"""After the keras.io example "Image classification with modern MLP models" (Keras 3): images
normalized by an adapted Normalization and resized inside the model, cut into patches by a
layer calling keras.ops.image.extract_patches and reshaping by keras.ops.shape, a Dense patch
encoding, then blocks of the MLP-Mixer (mixing across patches on the transposed tokens, GELU
Dense layers, LayerNormalization, skip connections), the FNet (the real part of
keras.ops.fft2 on the tokens in place of attention) and the gMLP (a spatial gating unit:
keras.ops.split, a Dense across patches with bias_initializer "Ones"), each trained with
AdamW, SparseCategoricalAccuracy and SparseTopKCategoricalAccuracy(5), ReduceLROnPlateau and
EarlyStopping(restore_best_weights=True) on a validation split.

CIFAR-100 is replaced by 12x12 colour images of eight classes, resized to 16x16 and cut into
16 patches; the example's random flips and zooms are left out and its dropout rate is 0, and
the weights are set from a NumPy draw and the batches not shuffled, so the losses follow Keras's.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(31)
RESULT = {}

num_classes = 8
input_shape = (12, 12, 3)
centres = rng.normal(0.0, 1.0, (num_classes, 3, 3, 3))
y_train = rng.integers(0, num_classes, 480)
y_test = rng.integers(0, num_classes, 160)


def images(labels):
    base = np.kron(centres[labels], np.ones((1, 4, 4, 1)))
    return (40.0 * base + 120.0 + rng.normal(0.0, 70.0, base.shape)).astype("float32")


x_train, x_test = images(y_train), images(y_test)

learning_rate = 0.005
weight_decay = 0.0001
batch_size = 32
num_epochs = 5
dropout_rate = 0.0
image_size = 16
patch_size = 4
num_patches = (image_size // patch_size) ** 2
embedding_dim = 16
num_blocks = 2

data_augmentation = keras.Sequential(
    [
        layers.Normalization(),
        layers.Resizing(image_size, image_size),
    ],
    name="data_augmentation",
)
data_augmentation.layers[0].adapt(x_train)
normalized = keras.ops.convert_to_numpy(data_augmentation(x_train[:64]))
RESULT["augmented_size"] = float(normalized.shape[1])


def build_classifier(blocks, positional_encoding=False):
    inputs = layers.Input(shape=input_shape)
    augmented = data_augmentation(inputs)
    patches = Patches(patch_size)(augmented)
    x = layers.Dense(units=embedding_dim)(patches)
    if positional_encoding:
        x = x + PositionEmbedding(sequence_length=num_patches)(x)
    x = blocks(x)
    representation = layers.GlobalAveragePooling1D()(x)
    representation = layers.Dropout(rate=dropout_rate)(representation)
    logits = layers.Dense(num_classes)(representation)
    return keras.Model(inputs=inputs, outputs=logits)


def run_experiment(model, name):
    model.set_weights([rng.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1 else w
                       for w in model.get_weights()])
    optimizer = keras.optimizers.AdamW(
        learning_rate=learning_rate,
        weight_decay=weight_decay,
    )
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=[
            keras.metrics.SparseCategoricalAccuracy(name="acc"),
            keras.metrics.SparseTopKCategoricalAccuracy(5, name="top5-acc"),
        ],
    )
    reduce_lr = keras.callbacks.ReduceLROnPlateau(
        monitor="val_loss", factor=0.5, patience=2
    )
    early_stopping = keras.callbacks.EarlyStopping(
        monitor="val_loss", patience=3, restore_best_weights=True
    )
    history = model.fit(
        x=x_train,
        y=y_train,
        batch_size=batch_size,
        epochs=num_epochs,
        validation_split=0.1,
        callbacks=[early_stopping, reduce_lr],
        shuffle=False,
        verbose=0,
    )
    _, accuracy, top_5_accuracy = model.evaluate(x_test, y_test, verbose=0)
    for epoch, loss in enumerate(history.history["loss"]):
        RESULT[f"{name}_loss_{epoch}"] = loss
    RESULT[f"{name}_params"] = float(model.count_params())
    RESULT[f"{name}_accuracy"] = float(accuracy)
    RESULT[f"{name}_top5"] = float(top_5_accuracy)
    RESULT[f"{name}_val_top5"] = history.history["val_top5-acc"][-1]
    return history


class Patches(layers.Layer):
    def __init__(self, patch_size, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size

    def call(self, x):
        patches = keras.ops.image.extract_patches(x, self.patch_size)
        batch_size = keras.ops.shape(patches)[0]
        num_patches = keras.ops.shape(patches)[1] * keras.ops.shape(patches)[2]
        patch_dim = keras.ops.shape(patches)[3]
        out = keras.ops.reshape(patches, (batch_size, num_patches, patch_dim))
        return out


class PositionEmbedding(keras.layers.Layer):
    def __init__(
        self,
        sequence_length,
        initializer="glorot_uniform",
        **kwargs,
    ):
        super().__init__(**kwargs)
        if sequence_length is None:
            raise ValueError("`sequence_length` must be an Integer, received `None`.")
        self.sequence_length = int(sequence_length)
        self.initializer = keras.initializers.get(initializer)

    def get_config(self):
        config = super().get_config()
        config.update(
            {
                "sequence_length": self.sequence_length,
                "initializer": keras.initializers.serialize(self.initializer),
            }
        )
        return config

    def build(self, input_shape):
        feature_size = input_shape[-1]
        self.position_embeddings = self.add_weight(
            name="embeddings",
            shape=[self.sequence_length, feature_size],
            initializer=self.initializer,
            trainable=True,
        )

        super().build(input_shape)

    def call(self, inputs, start_index=0):
        shape = keras.ops.shape(inputs)
        feature_length = shape[-1]
        sequence_length = shape[-2]
        position_embeddings = keras.ops.convert_to_tensor(self.position_embeddings)
        position_embeddings = keras.ops.slice(
            position_embeddings,
            (start_index, 0),
            (sequence_length, feature_length),
        )
        return keras.ops.broadcast_to(position_embeddings, shape)

    def compute_output_shape(self, input_shape):
        return input_shape


sample = Patches(patch_size)(normalized[:2])
RESULT["patches"] = float(sample.shape[1])
RESULT["patch_dim"] = float(sample.shape[2])
RESULT["patch_error"] = float(np.max(np.abs(
    keras.ops.convert_to_numpy(sample)[1, 5]
    - normalized[1, 4:8, 4:8, :].reshape(-1))))


class MLPMixerLayer(layers.Layer):
    def __init__(self, num_patches, hidden_units, dropout_rate, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.mlp1 = keras.Sequential(
            [
                layers.Dense(units=num_patches, activation="gelu"),
                layers.Dense(units=num_patches),
                layers.Dropout(rate=dropout_rate),
            ]
        )
        self.mlp2 = keras.Sequential(
            [
                layers.Dense(units=num_patches, activation="gelu"),
                layers.Dense(units=hidden_units),
                layers.Dropout(rate=dropout_rate),
            ]
        )
        self.normalize = layers.LayerNormalization(epsilon=1e-6)

    def build(self, input_shape):
        return super().build(input_shape)

    def call(self, inputs):
        x = self.normalize(inputs)
        x_channels = keras.ops.transpose(x, axes=(0, 2, 1))
        mlp1_outputs = self.mlp1(x_channels)
        mlp1_outputs = keras.ops.transpose(mlp1_outputs, axes=(0, 2, 1))
        x = mlp1_outputs + inputs
        x_patches = self.normalize(x)
        mlp2_outputs = self.mlp2(x_patches)
        x = x + mlp2_outputs
        return x


mlpmixer_blocks = keras.Sequential(
    [MLPMixerLayer(num_patches, embedding_dim, dropout_rate) for _ in range(num_blocks)]
)
mlpmixer_classifier = build_classifier(mlpmixer_blocks)
run_experiment(mlpmixer_classifier, "mixer")


class FNetLayer(layers.Layer):
    def __init__(self, embedding_dim, dropout_rate, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.ffn = keras.Sequential(
            [
                layers.Dense(units=embedding_dim, activation="gelu"),
                layers.Dropout(rate=dropout_rate),
                layers.Dense(units=embedding_dim),
            ]
        )

        self.normalize1 = layers.LayerNormalization(epsilon=1e-6)
        self.normalize2 = layers.LayerNormalization(epsilon=1e-6)

    def call(self, inputs):
        real_part = inputs
        im_part = keras.ops.zeros_like(inputs)
        x = keras.ops.fft2((real_part, im_part))[0]
        x = x + inputs
        x = self.normalize1(x)
        x_ffn = self.ffn(x)
        x = x + x_ffn
        return self.normalize2(x)


tokens = rng.normal(size=(2, 4, 6)).astype("float32")
real, imaginary = keras.ops.fft2((tokens, np.zeros_like(tokens)))
RESULT["fft2_real_error"] = float(np.max(np.abs(keras.ops.convert_to_numpy(real)
                                               - np.fft.fft2(tokens).real)))
RESULT["fft2_imag_error"] = float(np.max(np.abs(keras.ops.convert_to_numpy(imaginary)
                                               - np.fft.fft2(tokens).imag)))

fnet_blocks = keras.Sequential(
    [FNetLayer(embedding_dim, dropout_rate) for _ in range(num_blocks)]
)
fnet_classifier = build_classifier(fnet_blocks, positional_encoding=True)
run_experiment(fnet_classifier, "fnet")


class gMLPLayer(layers.Layer):  # noqa: N801 - the example's name
    def __init__(self, num_patches, embedding_dim, dropout_rate, *args, **kwargs):
        super().__init__(*args, **kwargs)

        self.channel_projection1 = keras.Sequential(
            [
                layers.Dense(units=embedding_dim * 2, activation="gelu"),
                layers.Dropout(rate=dropout_rate),
            ]
        )

        self.channel_projection2 = layers.Dense(units=embedding_dim)

        self.spatial_projection = layers.Dense(
            units=num_patches, bias_initializer="Ones"
        )

        self.normalize1 = layers.LayerNormalization(epsilon=1e-6)
        self.normalize2 = layers.LayerNormalization(epsilon=1e-6)

    def spatial_gating_unit(self, x):
        u, v = keras.ops.split(x, indices_or_sections=2, axis=2)
        v = self.normalize2(v)
        v_channels = keras.ops.transpose(v, axes=(0, 2, 1))
        v_projected = self.spatial_projection(v_channels)
        v_projected = keras.ops.transpose(v_projected, axes=(0, 2, 1))
        return u * v_projected

    def call(self, inputs):
        x = self.normalize1(inputs)
        x_projected = self.channel_projection1(x)
        x_spatial = self.spatial_gating_unit(x_projected)
        x_projected = self.channel_projection2(x_spatial)
        return x + x_projected


gmlp_blocks = keras.Sequential(
    [gMLPLayer(num_patches, embedding_dim, dropout_rate) for _ in range(num_blocks)]
)
gmlp_classifier = build_classifier(gmlp_blocks)
spatial = gmlp_blocks.layers[0].spatial_projection
RESULT["ones_bias_sum"] = float(np.sum(keras.ops.convert_to_numpy(spatial.bias)))
run_experiment(gmlp_classifier, "gmlp")
print(RESULT)
