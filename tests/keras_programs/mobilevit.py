"""After the keras.io example "MobileViT: A mobile-friendly Transformer-based model for image
classification", as Keras 3 has it: conv blocks of Conv2D with the swish activation;
MobileNetV2 inverted residual blocks (1x1 Conv2D, BatchNormalization,
keras.activations.swish, ZeroPadding2D by the example's own correct_pad read from the
symbolic shape and backend.image_data_format(), a strided "valid" DepthwiseConv2D, an Add
residual chosen by keras.ops.equal on the channel counts); the MobileViT block that
"unfolds" a feature map with layers.Reshape((patch_size, num_patches, projection_dim)) of
sizes read from the symbolic tensor, runs Transformer blocks on the 4-D tensor
(MultiHeadAttention over both middle axes, LayerNormalization, an MLP with swish), folds back
with Reshape((*shape[1:-1], projection_dim)), and fuses with a Concatenate; GlobalAvgPool2D;
CategoricalCrossentropy with label_smoothing, Adam, a tf.data pipeline that resizes and
one-hot encodes with tf.one_hot in map, a best-only weights checkpoint loaded back.

The XXS network becomes one MV2 stage and one MobileViT stage on 32x32 images; tf_flowers
becomes four classes, the colour of a square. The random crop and flip are left out and the
drop rates are 0, the weights start from a NumPy draw and the pipeline is not shuffled, so the
losses are Keras's (TensorFlow) to float32 rounding. In 96 steps the BatchNormalization
moving variances (from 1, momentum 0.99) are still far above the feature maps' own (about
0.01 after Rescaling), so the validation accuracy, in inference mode, stays low here as in
Keras: the training accuracy is the one that shows the network learned.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import backend, layers

RESULT = {}

# Values are from table 4.
patch_size = 4  # 2x2, for the Transformer blocks.
image_size = 32
expansion_factor = 2  # expansion factor for the MobileNetV2 blocks.


def correct_pad(inputs, kernel_size):
    img_dim = 2 if backend.image_data_format() == "channels_first" else 1
    input_size = inputs.shape[img_dim : (img_dim + 2)]
    if isinstance(kernel_size, int):
        kernel_size = (kernel_size, kernel_size)
    if input_size[0] is None:
        adjust = (1, 1)
    else:
        adjust = (1 - input_size[0] % 2, 1 - input_size[1] % 2)
    correct = (kernel_size[0] // 2, kernel_size[1] // 2)
    return (
        (correct[0] - adjust[0], correct[0]),
        (correct[1] - adjust[1], correct[1]),
    )


def conv_block(x, filters=16, kernel_size=3, strides=2):
    conv_layer = layers.Conv2D(
        filters,
        kernel_size,
        strides=strides,
        activation=keras.activations.swish,
        padding="same",
    )
    return conv_layer(x)


# Reference: https://github.com/keras-team/keras/blob/e3858739d178fe16a0c77ce7fab88b0be6dbbdc7/keras/applications/imagenet_utils.py#L413C17-L435


def inverted_residual_block(x, expanded_channels, output_channels, strides=1):
    m = layers.Conv2D(expanded_channels, 1, padding="same", use_bias=False)(x)
    m = layers.BatchNormalization()(m)
    m = keras.activations.swish(m)

    if strides == 2:
        m = layers.ZeroPadding2D(padding=correct_pad(m, 3))(m)
    m = layers.DepthwiseConv2D(
        3, strides=strides, padding="same" if strides == 1 else "valid", use_bias=False
    )(m)
    m = layers.BatchNormalization()(m)
    m = keras.activations.swish(m)

    m = layers.Conv2D(output_channels, 1, padding="same", use_bias=False)(m)
    m = layers.BatchNormalization()(m)

    if keras.ops.equal(x.shape[-1], output_channels) and strides == 1:
        return layers.Add()([m, x])
    return m


# Reference:
# https://keras.io/examples/vision/image_classification_with_vision_transformer/


def mlp(x, hidden_units, dropout_rate):
    for units in hidden_units:
        x = layers.Dense(units, activation=keras.activations.swish)(x)
        x = layers.Dropout(dropout_rate)(x)
    return x


def transformer_block(x, transformer_layers, projection_dim, num_heads=2):
    for _ in range(transformer_layers):
        # Layer normalization 1.
        x1 = layers.LayerNormalization(epsilon=1e-6)(x)
        # Create a multi-head attention layer.
        attention_output = layers.MultiHeadAttention(
            num_heads=num_heads, key_dim=projection_dim, dropout=0.0
        )(x1, x1)
        # Skip connection 1.
        x2 = layers.Add()([attention_output, x])
        # Layer normalization 2.
        x3 = layers.LayerNormalization(epsilon=1e-6)(x2)
        # MLP.
        x3 = mlp(
            x3,
            hidden_units=[x.shape[-1] * 2, x.shape[-1]],
            dropout_rate=0.0,
        )
        # Skip connection 2.
        x = layers.Add()([x3, x2])

    return x


def mobilevit_block(x, num_blocks, projection_dim, strides=1):
    # Local projection with convolutions.
    local_features = conv_block(x, filters=projection_dim, strides=strides)
    local_features = conv_block(
        local_features, filters=projection_dim, kernel_size=1, strides=strides
    )

    # Unfold into patches and then pass through Transformers.
    num_patches = int((local_features.shape[1] * local_features.shape[2]) / patch_size)
    non_overlapping_patches = layers.Reshape((patch_size, num_patches, projection_dim))(
        local_features
    )
    global_features = transformer_block(non_overlapping_patches, num_blocks, projection_dim)

    # Fold into conv-like feature-maps.
    folded_feature_map = layers.Reshape((*local_features.shape[1:-1], projection_dim))(
        global_features
    )

    # Apply point-wise conv -> concatenate with the input features.
    folded_feature_map = conv_block(
        folded_feature_map, filters=x.shape[-1], kernel_size=1, strides=strides
    )
    local_global_features = layers.Concatenate(axis=-1)([x, folded_feature_map])

    # Fuse the local and global features using a convoluion layer.
    local_global_features = conv_block(
        local_global_features, filters=projection_dim, strides=strides
    )

    return local_global_features


def create_mobilevit(num_classes=5):
    inputs = keras.Input((image_size, image_size, 3))
    x = layers.Rescaling(scale=1.0 / 255)(inputs)

    # Initial conv-stem -> MV2 block.
    x = conv_block(x, filters=8)
    x = inverted_residual_block(x, expanded_channels=8 * expansion_factor, output_channels=8)

    # Downsampling with MV2 block.
    x = inverted_residual_block(
        x, expanded_channels=8 * expansion_factor, output_channels=12, strides=2
    )

    # First MV2 -> MobileViT block.
    x = mobilevit_block(x, num_blocks=1, projection_dim=16)
    x = conv_block(x, filters=32, kernel_size=1, strides=1)

    # Classification head.
    x = layers.GlobalAvgPool2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)

    return keras.Model(inputs, outputs)


# correct_pad for a stride-2 3x3 window: an even side pads one row before and one after
# less; here 16x16 maps, so ((0, 1), (0, 1))
probe = keras.Input((16, 16, 4))
RESULT["pad_sum"] = float(np.sum(correct_pad(probe, 3)))
RESULT["pad_before"] = float(correct_pad(probe, 3)[0][0])

batch_size = 16
auto = tf.data.AUTOTUNE
resize_bigger = 40
num_classes = 4

rng = np.random.default_rng(71)
n = 240
all_labels = rng.integers(0, num_classes, n)
all_images = rng.uniform(0, 70, (n, 36, 36, 3)).astype("float32")
for index, label in enumerate(all_labels):
    top, left = rng.integers(0, 24, 2)
    channels = [0, 1, 2][label:label + 1] if label < 3 else [0, 1, 2]
    all_images[index, top:top + 12, left:left + 12, channels] += 170.0


def preprocess_dataset(is_training=True):
    def _pp(image, label):
        image = tf.image.resize(image, (image_size, image_size))
        label = tf.one_hot(label, depth=num_classes)
        return image, label

    return _pp


def prepare_dataset(dataset, is_training=True):
    dataset = dataset.map(preprocess_dataset(is_training), num_parallel_calls=auto)
    return dataset.batch(batch_size).prefetch(auto)


train_dataset = tf.data.Dataset.from_tensor_slices((all_images[:192], all_labels[:192]))
val_dataset = tf.data.Dataset.from_tensor_slices((all_images[192:], all_labels[192:]))

num_train = train_dataset.cardinality()
num_val = val_dataset.cardinality()
print(f"Number of training examples: {num_train}")
print(f"Number of validation examples: {num_val}")
RESULT["num_train"] = float(num_train)

train_dataset = prepare_dataset(train_dataset, is_training=True)
val_dataset = prepare_dataset(val_dataset, is_training=False)

learning_rate = 0.002
label_smoothing_factor = 0.1
epochs = 8

optimizer = keras.optimizers.Adam(learning_rate=learning_rate)
loss_fn = keras.losses.CategoricalCrossentropy(label_smoothing=label_smoothing_factor)


def run_experiment(epochs=epochs):
    mobilevit_xxs = create_mobilevit(num_classes=num_classes)
    draw = np.random.default_rng(43)
    mobilevit_xxs.set_weights([
        draw.normal(0.0, np.sqrt(1.0 / np.prod(w.shape[:-1])), w.shape).astype("float32")
        if w.ndim > 1 else w
        for w in mobilevit_xxs.get_weights()])
    RESULT["params"] = float(mobilevit_xxs.count_params())
    RESULT["attention_layers"] = float(sum(
        isinstance(layer, layers.MultiHeadAttention) for layer in mobilevit_xxs.layers))
    RESULT["unfolded_rank"] = float(len(mobilevit_xxs.get_layer(
        index=[isinstance(layer, layers.Reshape)
               for layer in mobilevit_xxs.layers].index(True)).output.shape))
    mobilevit_xxs.compile(optimizer=optimizer, loss=loss_fn, metrics=["accuracy"])

    checkpoint_filepath = "checkpoint.weights.h5"
    checkpoint_callback = keras.callbacks.ModelCheckpoint(
        checkpoint_filepath,
        monitor="val_accuracy",
        save_best_only=True,
        save_weights_only=True,
    )

    history = mobilevit_xxs.fit(
        train_dataset,
        validation_data=val_dataset,
        epochs=epochs,
        callbacks=[checkpoint_callback],
        verbose=0,
    )
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"loss_{epoch}"] = float(value)
    RESULT["accuracy"] = float(history.history["accuracy"][-1])
    RESULT["best_val_accuracy"] = float(max(history.history["val_accuracy"]))
    mobilevit_xxs.load_weights(checkpoint_filepath)
    _, accuracy = mobilevit_xxs.evaluate(val_dataset, verbose=0)
    print(f"Validation accuracy: {round(accuracy * 100, 2)}%")
    RESULT["val_accuracy"] = float(accuracy)
    return mobilevit_xxs


mobilevit_xxs = run_experiment()
print(RESULT)
