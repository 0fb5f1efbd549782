"""After the keras.io example "Video Vision Transformer" (Keras 3): tubelet embedding by a Conv3D
whose kernel and strides are the patch size (padding written "VALID") and a Reshape to
(-1, embed_dim), a positional encoder that makes its Embedding and its ops.arange positions
in build from the token count, Transformer blocks (LayerNormalization, MultiHeadAttention,
Add, a Sequential of Dense layers with ops.gelu), GlobalAvgPool1D and a softmax classifier
with top-5 accuracy.

The MedMNIST videos are replaced by 8 frames of 16x16 showing a square moving in one of six
directions; the attention's dropout is 0 and the weights are set from a NumPy draw with
unshuffled batches, so the losses follow Keras's.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

rng = np.random.default_rng(73)
RESULT = {}

INPUT_SHAPE = (8, 16, 16, 1)
NUM_CLASSES = 6
BATCH_SIZE = 32
EPOCHS = 4
LEARNING_RATE = 1e-3
PATCH_SIZE = (4, 4, 4)
NUM_PATCHES = (INPUT_SHAPE[0] // PATCH_SIZE[0]) ** 2
LAYER_NORM_EPS = 1e-6
PROJECTION_DIM = 16
NUM_HEADS = 2
NUM_LAYERS = 2

directions = [(0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, -1)]


def videos(n):
    labels = rng.integers(0, NUM_CLASSES, n)
    clips = rng.uniform(0.0, 0.2, (n,) + INPUT_SHAPE).astype("float32")
    for clip, label in zip(clips, labels, strict=True):
        dr, dc = directions[label]
        r, c = rng.integers(5, 9, 2)
        for t in range(8):
            rr, cc = r + dr * t, c + dc * t
            clip[t, max(rr - 2, 0):rr + 2, max(cc - 2, 0):cc + 2, 0] += 0.8
    return clips, labels


train_x, train_y = videos(256)
test_x, test_y = videos(64)


class TubeletEmbedding(layers.Layer):
    def __init__(self, embed_dim, patch_size, **kwargs):
        super().__init__(**kwargs)
        self.projection = layers.Conv3D(
            filters=embed_dim,
            kernel_size=patch_size,
            strides=patch_size,
            padding="VALID",
        )
        self.flatten = layers.Reshape(target_shape=(-1, embed_dim))

    def call(self, videos):
        projected_patches = self.projection(videos)
        flattened_patches = self.flatten(projected_patches)
        return flattened_patches


class PositionalEncoder(layers.Layer):
    def __init__(self, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.embed_dim = embed_dim

    def build(self, input_shape):
        _, num_tokens, _ = input_shape
        self.position_embedding = layers.Embedding(
            input_dim=num_tokens, output_dim=self.embed_dim
        )
        self.positions = ops.arange(0, num_tokens, 1)

    def call(self, encoded_tokens):
        encoded_positions = self.position_embedding(self.positions)
        encoded_tokens = encoded_tokens + encoded_positions
        return encoded_tokens


def create_vivit_classifier(
    tubelet_embedder,
    positional_encoder,
    input_shape=INPUT_SHAPE,
    transformer_layers=NUM_LAYERS,
    num_heads=NUM_HEADS,
    embed_dim=PROJECTION_DIM,
    layer_norm_eps=LAYER_NORM_EPS,
    num_classes=NUM_CLASSES,
):
    inputs = layers.Input(shape=input_shape)
    patches = tubelet_embedder(inputs)
    encoded_patches = positional_encoder(patches)

    for _ in range(transformer_layers):
        x1 = layers.LayerNormalization(epsilon=1e-6)(encoded_patches)
        attention_output = layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=embed_dim // num_heads, dropout=0.0
        )(x1, x1)

        x2 = layers.Add()([attention_output, encoded_patches])

        x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
        x3 = keras.Sequential(
            [
                layers.Dense(units=embed_dim * 4, activation=ops.gelu),
                layers.Dense(units=embed_dim, activation=ops.gelu),
            ]
        )(x3)

        encoded_patches = layers.Add()([x3, x2])

    representation = layers.LayerNormalization(epsilon=layer_norm_eps)(encoded_patches)
    representation = layers.GlobalAvgPool1D()(representation)

    outputs = layers.Dense(units=num_classes, activation="softmax")(representation)

    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


model = create_vivit_classifier(
    tubelet_embedder=TubeletEmbedding(embed_dim=PROJECTION_DIM, patch_size=PATCH_SIZE),
    positional_encoder=PositionalEncoder(embed_dim=PROJECTION_DIM),
)
RESULT["tokens"] = float(model.layers[1].output.shape[1])  # 2 x 4 x 4 tubelets
RESULT["params"] = float(model.count_params())
model.set_weights([rng.normal(0.0, 0.2, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])

optimizer = keras.optimizers.Adam(learning_rate=LEARNING_RATE)
model.compile(
    optimizer=optimizer,
    loss="sparse_categorical_crossentropy",
    metrics=[
        keras.metrics.SparseCategoricalAccuracy(name="accuracy"),
        keras.metrics.SparseTopKCategoricalAccuracy(5, name="top-5-accuracy"),
    ],
)
history = model.fit(train_x, train_y, batch_size=BATCH_SIZE, epochs=EPOCHS, shuffle=False,
                    validation_data=(test_x, test_y), verbose=0)
for epoch, loss in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = loss
_, accuracy, top_5_accuracy = model.evaluate(test_x, test_y, verbose=0)
RESULT["test_accuracy"] = float(accuracy)
RESULT["test_top_5"] = float(top_5_accuracy)
print(RESULT)
