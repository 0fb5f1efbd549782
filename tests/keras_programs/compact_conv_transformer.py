"""After the keras.io example "Compact Convolutional Transformers" (Keras 3): a tokenizer layer
holding a Sequential it fills with add() (Conv2D without bias, he_normal, ZeroPadding2D,
MaxPool2D), its output flattened to tokens with keras.ops.reshape, a learned position
embedding added with +=, Transformer blocks of LayerNormalization, MultiHeadAttention, a
StochasticDepth layer drawing keras.random.uniform from a SeedGenerator in training only, Dense
layers with keras.ops.gelu as their activation, Add; sequence pooling (a softmax over the
tokens of a Dense(1) score, transposed and multiplied with the tokens); AdamW, categorical
cross-entropy from logits with label_smoothing, top-5 accuracy, a ModelCheckpoint of the best
weights (save_best_only, save_weights_only) loaded back before the evaluation.

CIFAR-10 is replaced by 16x16 images of six classes; the example's random flip is left out, its
RandomCrop is to the image's own size, and its dropout and stochastic depth rates are 0, and
the weights are set from a NumPy draw with unshuffled batches, so the losses follow Keras's.
"""

import os

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(19)
RESULT = {}

positional_emb = True
conv_layers = 2
projection_dim = 16

num_heads = 2
transformer_units = [
    projection_dim,
    projection_dim,
]
transformer_layers = 2
stochastic_depth_rate = 0.0

learning_rate = 0.001
weight_decay = 0.0001
batch_size = 32
num_epochs = 5
image_size = 16

num_classes = 6
input_shape = (16, 16, 3)
centres = rng.uniform(0, 255, (num_classes, 4, 4, 3))
labels = rng.integers(0, num_classes, 448)
x_all = np.kron(centres[labels], np.ones((1, 4, 4, 1))) + rng.normal(0, 40.0, (448, 16, 16, 3))
x_all = np.clip(x_all, 0, 255).astype("float32")
y_all = keras.utils.to_categorical(labels, num_classes)
x_train, y_train, x_test, y_test = x_all[:384], y_all[:384], x_all[384:], y_all[384:]


class CCTTokenizer(layers.Layer):
    def __init__(
        self,
        kernel_size=3,
        stride=1,
        padding=1,
        pooling_kernel_size=3,
        pooling_stride=2,
        num_conv_layers=conv_layers,
        num_output_channels=[8, 16],  # noqa: B006 - the example's default
        positional_emb=positional_emb,
        **kwargs,
    ):
        super().__init__(**kwargs)

        self.conv_model = keras.Sequential()
        for i in range(num_conv_layers):
            self.conv_model.add(
                layers.Conv2D(
                    num_output_channels[i],
                    kernel_size,
                    stride,
                    padding="valid",
                    use_bias=False,
                    activation="relu",
                    kernel_initializer="he_normal",
                )
            )
            self.conv_model.add(layers.ZeroPadding2D(padding))
            self.conv_model.add(
                layers.MaxPooling2D(pooling_kernel_size, pooling_stride, "same")
            )

        self.positional_emb = positional_emb

    def call(self, images):
        outputs = self.conv_model(images)
        reshaped = keras.ops.reshape(
            outputs,
            (
                -1,
                keras.ops.shape(outputs)[1] * keras.ops.shape(outputs)[2],
                keras.ops.shape(outputs)[-1],
            ),
        )
        return reshaped


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


class SequencePooling(layers.Layer):
    def __init__(self):
        super().__init__()
        self.attention = layers.Dense(1)

    def call(self, x):
        attention_weights = keras.ops.softmax(self.attention(x), axis=1)
        attention_weights = keras.ops.transpose(attention_weights, axes=(0, 2, 1))
        weighted_representation = keras.ops.matmul(attention_weights, x)
        return keras.ops.squeeze(weighted_representation, -2)


class StochasticDepth(layers.Layer):
    def __init__(self, drop_prop, **kwargs):
        super().__init__(**kwargs)
        self.drop_prob = drop_prop
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, x, training=None):
        if training:
            keep_prob = 1 - self.drop_prob
            shape = (keras.ops.shape(x)[0],) + (1,) * (len(x.shape) - 1)
            random_tensor = keep_prob + keras.random.uniform(
                shape, 0, 1, seed=self.seed_generator
            )
            random_tensor = keras.ops.floor(random_tensor)
            return (x / keep_prob) * random_tensor
        return x


def mlp(x, hidden_units, dropout_rate):
    for units in hidden_units:
        x = layers.Dense(units, activation=keras.ops.gelu)(x)
        x = layers.Dropout(dropout_rate)(x)
    return x


data_augmentation = keras.Sequential(
    [
        layers.Rescaling(scale=1.0 / 255),
        layers.RandomCrop(image_size, image_size),
    ],
    name="data_augmentation",
)

depth = StochasticDepth(0.5)
kept = keras.ops.convert_to_numpy(depth(np.ones((400, 3, 2), "float32"), training=True))
RESULT["depth_rows_whole"] = float(np.all(kept.min(axis=(1, 2)) == kept.max(axis=(1, 2))))
RESULT["depth_kept"] = float(np.mean(kept[:, 0, 0] > 0))
RESULT["depth_scale"] = float(kept.max())
RESULT["depth_inference_gap"] = float(np.max(np.abs(keras.ops.convert_to_numpy(
    depth(np.ones((4, 3, 2), "float32"))) - 1.0)))


def create_cct_model(
    image_size=image_size,
    input_shape=input_shape,
    num_heads=num_heads,
    projection_dim=projection_dim,
    transformer_units=transformer_units,
):
    inputs = layers.Input(input_shape)

    augmented = data_augmentation(inputs)

    cct_tokenizer = CCTTokenizer()
    encoded_patches = cct_tokenizer(augmented)

    if positional_emb:
        sequence_length = encoded_patches.shape[1]
        encoded_patches += PositionEmbedding(sequence_length=sequence_length)(
            encoded_patches
        )

    dpr = [x for x in np.linspace(0, stochastic_depth_rate, transformer_layers)]

    for i in range(transformer_layers):
        x1 = layers.LayerNormalization(epsilon=1e-5)(encoded_patches)

        attention_output = layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=projection_dim, dropout=0.0
        )(x1, x1)

        attention_output = StochasticDepth(dpr[i])(attention_output)
        x2 = layers.Add()([attention_output, encoded_patches])

        x3 = layers.LayerNormalization(epsilon=1e-5)(x2)

        x3 = mlp(x3, hidden_units=transformer_units, dropout_rate=0.0)

        x3 = StochasticDepth(dpr[i])(x3)
        encoded_patches = layers.Add()([x3, x2])

    representation = layers.LayerNormalization(epsilon=1e-5)(encoded_patches)
    weighted_representation = SequencePooling()(representation)

    logits = layers.Dense(num_classes)(weighted_representation)
    model = keras.Model(inputs=inputs, outputs=logits)
    return model


def run_experiment(model):
    optimizer = keras.optimizers.AdamW(learning_rate=0.001, weight_decay=0.0001)

    model.compile(
        optimizer=optimizer,
        loss=keras.losses.CategoricalCrossentropy(
            from_logits=True, label_smoothing=0.1
        ),
        metrics=[
            keras.metrics.CategoricalAccuracy(name="accuracy"),
            keras.metrics.TopKCategoricalAccuracy(5, name="top-5-accuracy"),
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
        validation_split=0.1,
        callbacks=[checkpoint_callback],
        shuffle=False,
        verbose=0,
    )

    model.load_weights(checkpoint_filepath)
    _, accuracy, top_5_accuracy = model.evaluate(x_test, y_test, verbose=0)
    os.remove(checkpoint_filepath)
    return history, accuracy, top_5_accuracy


cct_model = create_cct_model()
RESULT["tokens"] = float(cct_model.layers[2].output.shape[1])  # 16 -> 8 -> 4: 4 x 4
RESULT["params"] = float(cct_model.count_params())
cct_model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                       for w in cct_model.get_weights()])
history, accuracy, top_5_accuracy = run_experiment(cct_model)
for epoch, loss in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = loss
best = int(np.argmax(history.history["val_accuracy"]))
RESULT["best_val_accuracy"] = history.history["val_accuracy"][best]
RESULT["test_accuracy"] = float(accuracy)
RESULT["test_top5"] = float(top_5_accuracy)
print(RESULT)
