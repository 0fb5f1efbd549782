"""After the keras.io example "Image classification with ConvMixer", as Keras 3 has it: a
functional ConvMixer whose stem is a strided Conv2D (the patches), whose blocks are a
depthwise Conv2D written with groups=filters and padding "same", gelu Activation and
BatchNormalization, an Add residual and a pointwise Conv2D; Rescaling(1 / 255),
GlobalAvgPool2D and a softmax Dense; AdamW, sparse categorical cross-entropy and "accuracy";
a ModelCheckpoint on val_accuracy with save_best_only and save_weights_only, whose file is
loaded back before the test; the patch embeddings read with model.layers[2].get_weights(),
and the depthwise layers found by isinstance and get_config()["kernel_size"] == (5, 5).

CIFAR-10 becomes 16x16 images whose class is the colour of an 8x8 square. The random crop and
flip are left out, the weights start from a NumPy draw and the batches are not shuffled, so
the losses are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers

RESULT = {}

learning_rate = 0.005
weight_decay = 0.0001
batch_size = 16
num_epochs = 6

rng = np.random.default_rng(31)
n = 384
y_all = rng.integers(0, 4, (n, 1))
x_all = rng.uniform(0, 60, (n, 16, 16, 3)).astype("float32")
for index, label in enumerate(y_all[:, 0]):
    top, left = rng.integers(0, 8, 2)
    channels = [0, 1, 2][label:label + 1] if label < 3 else [0, 1, 2]
    x_all[index, top:top + 8, left:left + 8, channels] += 180.0
(x_train, y_train), (x_test, y_test) = (x_all[:320], y_all[:320]), (x_all[320:], y_all[320:])
val_split = 0.2

val_indices = int(len(x_train) * val_split)
new_x_train, new_y_train = x_train[val_indices:], y_train[val_indices:]
x_val, y_val = x_train[:val_indices], y_train[:val_indices]

print(f"Training data samples: {len(new_x_train)}")
print(f"Validation data samples: {len(x_val)}")
print(f"Test data samples: {len(x_test)}")


def activation_block(x):
    x = layers.Activation("gelu")(x)
    return layers.BatchNormalization()(x)


def conv_stem(x, filters: int, patch_size: int):
    x = layers.Conv2D(filters, kernel_size=patch_size, strides=patch_size)(x)
    return activation_block(x)


def conv_mixer_block(x, filters: int, kernel_size: int):
    # Depthwise convolution.
    x0 = x
    x = layers.Conv2D(filters, kernel_size=kernel_size, groups=filters, padding="same")(x)
    x = layers.Add()([activation_block(x), x0])  # Residual.

    # Pointwise convolution.
    x = layers.Conv2D(filters, kernel_size=1)(x)
    x = activation_block(x)

    return x


def get_conv_mixer_256_8(
    image_size=32, filters=256, depth=8, kernel_size=5, patch_size=2, num_classes=10
):
    """ConvMixer-256/8: https://openreview.net/pdf?id=TVHS5Y4dNvM.
    The hyperparameter values are taken from the paper.
    """
    inputs = keras.Input((image_size, image_size, 3))
    x = layers.Rescaling(scale=1.0 / 255)(inputs)

    # Extract patch embeddings.
    x = conv_stem(x, filters, patch_size)

    # ConvMixer blocks.
    for _ in range(depth):
        x = conv_mixer_block(x, filters, kernel_size)

    # Classification block.
    x = layers.GlobalAvgPool2D()(x)
    outputs = layers.Dense(num_classes, activation="softmax")(x)

    return keras.Model(inputs, outputs)


def run_experiment(model):
    optimizer = keras.optimizers.AdamW(
        learning_rate=learning_rate, weight_decay=weight_decay
    )

    model.compile(
        optimizer=optimizer,
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )

    checkpoint_filepath = "checkpoint.weights.h5"
    checkpoint_callback = keras.callbacks.ModelCheckpoint(
        checkpoint_filepath,
        monitor="val_accuracy",
        save_best_only=True,
        save_weights_only=True,
    )

    history = model.fit(
        new_x_train,
        new_y_train,
        batch_size=batch_size,
        validation_data=(x_val, y_val),
        epochs=num_epochs,
        callbacks=[checkpoint_callback],
        shuffle=False,
        verbose=0,
    )
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"loss_{epoch}"] = float(value)
    for epoch, value in enumerate(history.history["val_accuracy"]):
        RESULT[f"val_accuracy_{epoch}"] = float(value)
    RESULT["best_val_accuracy"] = float(max(history.history["val_accuracy"]))
    RESULT["last_test_loss"] = float(model.evaluate(x_test, y_test, verbose=0)[0])

    model.load_weights(checkpoint_filepath)
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=batch_size, verbose=0)
    print(f"Test accuracy: {round(accuracy * 100, 2)}%")
    RESULT["test_loss"] = float(loss)
    RESULT["test_accuracy"] = float(accuracy)

    return history, model


conv_mixer_model = get_conv_mixer_256_8(
    image_size=16, filters=16, depth=2, kernel_size=5, patch_size=2, num_classes=4
)
draw = np.random.default_rng(7)
conv_mixer_model.set_weights([
    draw.normal(0.0, np.sqrt(1.0 / np.prod(weight.shape[:-1])), weight.shape).astype("float32")
    if weight.ndim > 1 else weight
    for weight in conv_mixer_model.get_weights()])
RESULT["params"] = float(conv_mixer_model.count_params())
RESULT["layers"] = float(len(conv_mixer_model.layers))
history, conv_mixer_model = run_experiment(conv_mixer_model)


def visualization_plot(weights, idx=1):
    # First apply min-max normalization to the
    # given weights to avoid isotrophic scaling.
    p_min, p_max = weights.min(), weights.max()
    weights = (weights - p_min) / (p_max - p_min)
    return weights


patch_embeddings = conv_mixer_model.layers[2].get_weights()[0]
RESULT["patch_embedding_size"] = float(patch_embeddings.size)
RESULT["patch_embedding_min"] = float(visualization_plot(patch_embeddings).min())

# First, print the indices of the convolution layers that are not
# pointwise convolutions.
depthwise = []
for i, layer in enumerate(conv_mixer_model.layers):
    if isinstance(layer, layers.Conv2D):
        if layer.get_config()["kernel_size"] == (5, 5):
            print(i, layer)
            depthwise.append(i)
RESULT["depthwise_layers"] = float(len(depthwise))
RESULT["first_depthwise_index"] = float(depthwise[0])

idx = depthwise[-1]  # Taking a kernel from the middle of the network.

kernel = conv_mixer_model.layers[idx].get_weights()[0]
RESULT["depthwise_kernel_size"] = float(kernel.size)
RESULT["depthwise_kernel_in"] = float(kernel.shape[2])
print(RESULT)
