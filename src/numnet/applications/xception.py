"""``keras.applications.xception``: Xception (Chollet, 2017), layer for layer as Keras builds
it, so that Keras's weight files load into it. The transfer-learning guide's base model."""

from __future__ import annotations

from .. import config, layers
from . import imagenet_utils

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/xception/"


def _axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def _separable(x, filters, name):
    """A 3x3 separable convolution (no bias) and its batch normalization."""
    x = layers.SeparableConv2D(filters, (3, 3), padding="same", use_bias=False, name=name)(x)
    return layers.BatchNormalization(axis=_axis(), name=f"{name}_bn")(x)


def _downsampling_block(x, block, filters, first_relu=True):
    """[ReLU,] separable, ReLU, separable, 3x3/2 max pooling, plus a strided 1x1 convolution
    of the input. ``filters`` is (first, second). Block 2 has no leading ReLU, and, as in
    Keras, its middle ReLU is named ``block2_sepconv2_act``."""
    residual = layers.Conv2D(filters[1], (1, 1), strides=(2, 2), padding="same",
                             use_bias=False)(x)
    residual = layers.BatchNormalization(axis=_axis())(residual)
    if first_relu:
        x = layers.Activation("relu", name=f"block{block}_sepconv1_act")(x)
    x = _separable(x, filters[0], f"block{block}_sepconv1")
    x = layers.Activation("relu", name=f"block{block}_sepconv2_act")(x)
    x = _separable(x, filters[1], f"block{block}_sepconv2")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2), padding="same",
                            name=f"block{block}_pool")(x)
    return layers.add([x, residual])


def Xception(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="xception"):
    image, inputs, _ = imagenet_utils.application_input(
        input_tensor, input_shape, weights, include_top, classes, 299, 71)
    axis = _axis()
    x = layers.Conv2D(32, (3, 3), strides=(2, 2), use_bias=False, name="block1_conv1")(image)
    x = layers.BatchNormalization(axis=axis, name="block1_conv1_bn")(x)
    x = layers.Activation("relu", name="block1_conv1_act")(x)
    x = layers.Conv2D(64, (3, 3), use_bias=False, name="block1_conv2")(x)
    x = layers.BatchNormalization(axis=axis, name="block1_conv2_bn")(x)
    x = layers.Activation("relu", name="block1_conv2_act")(x)
    x = _downsampling_block(x, 2, (128, 128), first_relu=False)
    x = _downsampling_block(x, 3, (256, 256))
    x = _downsampling_block(x, 4, (728, 728))
    for block in range(5, 13):  # the middle flow: three ReLU-separable pairs, added back
        residual = x
        for i in (1, 2, 3):
            x = layers.Activation("relu", name=f"block{block}_sepconv{i}_act")(x)
            x = _separable(x, 728, f"block{block}_sepconv{i}")
        x = layers.add([x, residual])
    x = _downsampling_block(x, 13, (728, 1024))
    x = _separable(x, 1536, "block14_sepconv1")
    x = layers.Activation("relu", name="block14_sepconv1_act")(x)
    x = _separable(x, 2048, "block14_sepconv2")
    x = layers.Activation("relu", name="block14_sepconv2_act")(x)
    x = imagenet_utils.classifier(x, include_top, pooling, classes, classifier_activation, weights)
    file_name = "xception_weights_tf_dim_ordering_tf_kernels" + (
        ".h5" if include_top else "_notop.h5")
    return imagenet_utils.application_model(inputs, x, name, weights, file_name,
                                            WEIGHTS_URL + file_name, "Xception")


Xception.__doc__ = imagenet_utils.builder_doc(
    """Xception: depthwise separable convolutions in 14 blocks with residual connections;
    22,910,480 parameters with the top. Same layers, names and weights as Keras's.

    Feed it images prepared by ``keras.applications.xception.preprocess_input`` (pixels
    scaled to [-1, 1]).
""",
    top='global average pooling ("avg_pool") and the 1000-class ``Dense`` layer "predictions"',
    weights_file=("``xception_weights_tf_dim_ordering_tf_kernels.h5`` (``..._notop.h5`` without "
                  "the top)"),
    min_size=71,
    size=299,
    name="xception",
    pooling=" (global pooling to ``(batch, 2048)``)",
    example="""\
        >>> base = keras.applications.Xception(include_top=False, weights=None,
        ...                                    input_shape=(150, 150, 3))
        >>> base.output_shape
        (None, 5, 5, 2048)
""")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "Xception", "tf")


__all__ = ["Xception", "decode_predictions", "preprocess_input"]
