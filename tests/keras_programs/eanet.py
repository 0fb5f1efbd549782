"""After the keras.io example "Image classification with EANet (External Attention
Transformer)", as Keras 3 has it: a Sequential whose Normalization is adapted to the training
images, a PatchExtract layer written with ops.image.extract_patches and ops.reshape of the
batch size read with ops.shape, a PatchEmbedding layer that adds an Embedding of
ops.arange positions to a Dense projection, the external attention block built in the
functional API on symbolic tensors (ops.reshape with -1, ops.transpose, Dense "memory units"
on a 4-D tensor, Softmax(axis=2) and a Lambda that renormalises with ops.sum along the last
axis), an MLP with the gelu activation, layers.add residuals, GlobalAvgPool1D; a
CategoricalCrossentropy with label_smoothing, AdamW, CategoricalAccuracy and
TopKCategoricalAccuracy, fit with validation_split, evaluate. The same block with
MultiHeadAttention in the place of external attention is trained too, as the example offers.

CIFAR-100 becomes 16x16 images of four classes: the quadrant a bright square sits in. The
random augmentations and the drop rates are left out, the weights start from a NumPy draw and
the batches are not shuffled, so the losses are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

RESULT = {}
rng = np.random.default_rng(23)

num_classes = 4
input_shape = (16, 16, 3)

n = 320
labels = rng.integers(0, num_classes, n)
x_all = rng.uniform(0, 100, (n,) + input_shape).astype("float32")
for index, label in enumerate(labels):
    top, left = 8 * (label // 2), 8 * (label % 2)
    x_all[index, top + 1:top + 7, left + 1:left + 7, :] += 150.0
x_train, x_test = x_all[:256], x_all[256:]
y_train = keras.utils.to_categorical(labels[:256], num_classes)
y_test = keras.utils.to_categorical(labels[256:], num_classes)
print(f"x_train shape: {x_train.shape} - y_train shape: {y_train.shape}")
print(f"x_test shape: {x_test.shape} - y_test shape: {y_test.shape}")

weight_decay = 0.0001
learning_rate = 0.01
label_smoothing = 0.1
validation_split = 0.2
batch_size = 32
num_epochs = 8
patch_size = 2  # Size of the patches to be extracted from the input images.
num_patches = (input_shape[0] // patch_size) ** 2  # Number of patch
embedding_dim = 16  # Number of hidden units.
mlp_dim = 16
dim_coefficient = 4
num_heads = 2
attention_dropout = 0.0
projection_dropout = 0.0
num_transformer_blocks = 2  # Number of repetitions of the transformer layer

print(f"Patch size: {patch_size} X {patch_size} = {patch_size ** 2} ")
print(f"Patches per image: {num_patches}")

data_augmentation = keras.Sequential(
    [
        layers.Normalization(),
    ],
    name="data_augmentation",
)
# Compute the mean and the variance of the training data for normalization.
data_augmentation.layers[0].adapt(x_train)


class PatchExtract(layers.Layer):
    def __init__(self, patch_size, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size

    def call(self, x):
        B, C = ops.shape(x)[0], ops.shape(x)[-1]
        x = ops.image.extract_patches(x, self.patch_size)
        x = ops.reshape(x, (B, -1, self.patch_size * self.patch_size * C))
        return x


class PatchEmbedding(layers.Layer):
    def __init__(self, num_patch, embed_dim, **kwargs):
        super().__init__(**kwargs)
        self.num_patch = num_patch
        self.proj = layers.Dense(embed_dim)
        self.pos_embed = layers.Embedding(input_dim=num_patch, output_dim=embed_dim)

    def call(self, patch):
        pos = ops.arange(start=0, stop=self.num_patch, step=1)
        return self.proj(patch) + self.pos_embed(pos)


# Patches by hand: patch (row 1, column 2) of the first image is its pixels [2:4, 4:6], row by
# row, channels last
patches = ops.convert_to_numpy(PatchExtract(patch_size)(x_train[:2]))
RESULT["patches"] = float(patches.shape[1])
RESULT["patch_width"] = float(patches.shape[2])
RESULT["patch_error"] = float(np.max(np.abs(
    patches[0, 1 * 8 + 2] - x_train[0, 2:4, 4:6, :].reshape(-1))))


def external_attention(
    x,
    dim,
    num_heads,
    dim_coefficient=4,
    attention_dropout=0,
    projection_dropout=0,
):
    _, num_patch, channel = x.shape
    assert dim % num_heads == 0
    num_heads = num_heads * dim_coefficient

    x = layers.Dense(dim * dim_coefficient)(x)
    # create tensor [batch_size, num_patches, num_heads, dim*dim_coefficient//num_heads]
    x = ops.reshape(x, (-1, num_patch, num_heads, dim * dim_coefficient // num_heads))
    x = ops.transpose(x, axes=[0, 2, 1, 3])
    # a linear layer M_k
    attn = layers.Dense(dim // dim_coefficient)(x)
    # normalize attention map
    attn = layers.Softmax(axis=2)(attn)
    # dobule-normalization
    attn = layers.Lambda(
        lambda attn: ops.divide(
            attn,
            ops.convert_to_tensor(1e-9) + ops.sum(attn, axis=-1, keepdims=True),
        )
    )(attn)
    attn = layers.Dropout(attention_dropout)(attn)
    # a linear layer M_v
    x = layers.Dense(dim * dim_coefficient // num_heads)(attn)
    x = ops.transpose(x, axes=[0, 2, 1, 3])
    x = ops.reshape(x, [-1, num_patch, dim * dim_coefficient])
    # a linear layer to project original dim
    x = layers.Dense(dim)(x)
    x = layers.Dropout(projection_dropout)(x)
    return x


def mlp(x, embedding_dim, mlp_dim, drop_rate=0.2):
    x = layers.Dense(mlp_dim, activation=ops.gelu)(x)
    x = layers.Dropout(drop_rate)(x)
    x = layers.Dense(embedding_dim)(x)
    x = layers.Dropout(drop_rate)(x)
    return x


def transformer_encoder(
    x,
    embedding_dim,
    mlp_dim,
    num_heads,
    dim_coefficient,
    attention_dropout,
    projection_dropout,
    attention_type="external_attention",
):
    residual_1 = x
    x = layers.LayerNormalization(epsilon=1e-5)(x)
    if attention_type == "external_attention":
        x = external_attention(
            x,
            embedding_dim,
            num_heads,
            dim_coefficient,
            attention_dropout,
            projection_dropout,
        )
    elif attention_type == "self_attention":
        x = layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=embedding_dim, dropout=attention_dropout
        )(x, x)
    x = layers.add([x, residual_1])
    residual_2 = x
    x = layers.LayerNormalization(epsilon=1e-5)(x)
    x = mlp(x, embedding_dim, mlp_dim, drop_rate=0.0)
    x = layers.add([x, residual_2])
    return x


def get_model(attention_type="external_attention"):
    inputs = layers.Input(shape=input_shape)
    # Image augment
    x = data_augmentation(inputs)
    # Extract patches.
    x = PatchExtract(patch_size)(x)
    # Create patch embedding.
    x = PatchEmbedding(num_patches, embedding_dim)(x)
    # Create Transformer block.
    for _ in range(num_transformer_blocks):
        x = transformer_encoder(
            x,
            embedding_dim,
            mlp_dim,
            num_heads,
            dim_coefficient,
            attention_dropout,
            projection_dropout,
            attention_type,
        )

    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def start_from_draw(model, seed):
    draw = np.random.default_rng(seed)
    weights = []
    for weight in model.get_weights():
        if weight.ndim > 1:
            fan_in = np.prod(weight.shape[:-1])
            weight = draw.normal(0.0, np.sqrt(1.0 / fan_in), weight.shape)
        weights.append(weight.astype("float32"))
    model.set_weights(weights)


for tag, attention_type in (("", "external_attention"), ("self_", "self_attention")):
    model = get_model(attention_type=attention_type)
    start_from_draw(model, 5)
    RESULT[f"{tag}params"] = float(model.count_params())

    model.compile(
        loss=keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing),
        optimizer=keras.optimizers.AdamW(
            learning_rate=learning_rate, weight_decay=weight_decay
        ),
        metrics=[
            keras.metrics.CategoricalAccuracy(name="accuracy"),
            keras.metrics.TopKCategoricalAccuracy(2, name="top-2-accuracy"),
        ],
    )

    history = model.fit(
        x_train,
        y_train,
        batch_size=batch_size,
        epochs=num_epochs,
        validation_split=validation_split,
        shuffle=False,
        verbose=0,
    )
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"{tag}loss_{epoch}"] = float(value)
    RESULT[f"{tag}val_loss_last"] = float(history.history["val_loss"][-1])

    loss, accuracy, top_2_accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test loss: {round(loss, 2)}")
    print(f"Test accuracy: {round(accuracy * 100, 2)}%")
    print(f"Test top 2 accuracy: {round(top_2_accuracy * 100, 2)}%")
    RESULT[f"{tag}test_loss"] = float(loss)
    RESULT[f"{tag}test_accuracy"] = float(accuracy)
    RESULT[f"{tag}test_top_2"] = float(top_2_accuracy)

print(RESULT)
