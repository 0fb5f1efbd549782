"""``keras.applications.densenet``: DenseNet121, DenseNet169 and DenseNet201 (Huang et al.,
2017): every layer of a dense block sees the concatenation of all the block's earlier outputs.
Layer for layer as Keras builds them, so that Keras's weight files load into them."""

from __future__ import annotations

from .. import config, layers
from . import imagenet_utils

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/densenet/"
GROWTH_RATE = 32


def _axis() -> int:
    return 3 if config.image_data_format() == "channels_last" else 1


def _batch_norm(name):
    return layers.BatchNormalization(axis=_axis(), epsilon=1.001e-5, name=name)


def conv_block(x, growth_rate, name):
    """BN, ReLU, 1x1 (``4 * growth_rate``), BN, ReLU, 3x3 (``growth_rate``), concatenated to
    the input."""
    y = _batch_norm(f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = _batch_norm(f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=_axis(), name=f"{name}_concat")([x, y])


def dense_block(x, blocks, name):
    """``blocks`` conv blocks named ``{name}_block1`` ..."""
    for i in range(blocks):
        x = conv_block(x, GROWTH_RATE, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """BN, ReLU, a 1x1 convolution keeping ``reduction`` of the channels, 2x2 average
    pooling."""
    x = _batch_norm(f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[_axis()] * reduction), 1, use_bias=False,
                      name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def _densenet(blocks, include_top, weights, input_tensor, input_shape, pooling, classes,
              classifier_activation, name, what):
    image, inputs, _ = imagenet_utils.application_input(
        input_tensor, input_shape, weights, include_top, classes, 224)
    x = layers.ZeroPadding2D(((3, 3), (3, 3)))(image)
    x = layers.Conv2D(64, 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _batch_norm("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(((1, 1), (1, 1)))(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for stage, count in enumerate(blocks):
        x = dense_block(x, count, name=f"conv{stage + 2}")
        if stage < 3:
            x = transition_block(x, 0.5, name=f"pool{stage + 2}")
    x = _batch_norm("bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = imagenet_utils.classifier(x, include_top, pooling, classes, classifier_activation, weights,
                                  named=True)
    file_name = f"{what.lower()}_weights_tf_dim_ordering_tf_kernels" + (
        ".h5" if include_top else "_notop.h5")
    return imagenet_utils.application_model(inputs, x, name, weights, file_name,
                                            WEIGHTS_URL + file_name, what)


def _doc(what: str, blocks: str, params: str) -> str:
    return imagenet_utils.builder_doc(
        f"{what}: dense blocks of {blocks} layers (growth rate 32) joined by transitions;\n    "
        f"{params} parameters with the top. Same layers, names and weights as Keras's.\n\n    "
        "Feed it images prepared by ``keras.applications.densenet.preprocess_input`` (\"torch\"\n"
        "    mode: pixels scaled to [0, 1], then normalized per channel).",
        top='global average pooling ("avg_pool") and the 1000-class ``Dense`` layer '
            '"predictions"',
        weights_file=f"``{what.lower()}_weights_tf_dim_ordering_tf_kernels.h5`` "
                     "(``..._notop.h5`` without the top)",
        min_size=32, size=224, name=what.lower())


def DenseNet121(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet121"):
    return _densenet((6, 12, 24, 16), include_top, weights, input_tensor, input_shape,
                     pooling, classes, classifier_activation, name, "DenseNet121")


def DenseNet169(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet169"):
    return _densenet((6, 12, 32, 32), include_top, weights, input_tensor, input_shape,
                     pooling, classes, classifier_activation, name, "DenseNet169")


def DenseNet201(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="densenet201"):
    return _densenet((6, 12, 48, 32), include_top, weights, input_tensor, input_shape,
                     pooling, classes, classifier_activation, name, "DenseNet201")


DenseNet121.__doc__ = _doc("DenseNet121", "6, 12, 24, 16", "8,062,504")
DenseNet169.__doc__ = _doc("DenseNet169", "6, 12, 32, 32", "14,307,880")
DenseNet201.__doc__ = _doc("DenseNet201", "6, 12, 48, 32", "20,242,984")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "DenseNet", "torch")


__all__ = ["DenseNet121", "DenseNet169", "DenseNet201", "decode_predictions",
           "preprocess_input"]
