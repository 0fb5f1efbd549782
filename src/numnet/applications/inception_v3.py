"""``keras.applications.inception_v3``: Inception v3 (Szegedy et al., 2015), layer for layer as
Keras builds it, so that Keras's weight files load into it. Its concatenations are named
"mixed0" ... "mixed10" (the DeepDream tutorial's taps); its other layers are unnamed, as in
Keras."""

from __future__ import annotations

from .. import config, layers
from . import imagenet_utils

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/"


def _axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters, num_row, num_col, padding="same", strides=(1, 1), name=None):
    """A convolution without bias, batch normalization without scale, and ReLU; named
    ``{name}_conv``, ``{name}_bn`` and ``name`` when ``name`` is given."""
    x = layers.Conv2D(filters, (num_row, num_col), strides=strides, padding=padding,
                      use_bias=False, name=None if name is None else f"{name}_conv")(x)
    x = layers.BatchNormalization(axis=_axis(), scale=False,
                                  name=None if name is None else f"{name}_bn")(x)
    return layers.Activation("relu", name=name)(x)


def _avg_pool_branch(x, filters):
    x = layers.AveragePooling2D((3, 3), strides=(1, 1), padding="same")(x)
    return conv2d_bn(x, filters, 1, 1)


def _block_35(x, pool_filters, name):
    """35x35: 1x1; 1x1 then 5x5; 1x1 then two 3x3; average pooling then 1x1."""
    a = conv2d_bn(x, 64, 1, 1)
    b = conv2d_bn(conv2d_bn(x, 48, 1, 1), 64, 5, 5)
    c = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    d = _avg_pool_branch(x, pool_filters)
    return layers.concatenate([a, b, c, d], axis=_axis(), name=name)


def _reduction_35(x):
    """35x35 to 17x17: strided 3x3; 1x1, 3x3, strided 3x3; strided max pooling."""
    a = conv2d_bn(x, 384, 3, 3, strides=(2, 2), padding="valid")
    b = conv2d_bn(conv2d_bn(x, 64, 1, 1), 96, 3, 3)
    b = conv2d_bn(b, 96, 3, 3, strides=(2, 2), padding="valid")
    c = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    return layers.concatenate([a, b, c], axis=_axis(), name="mixed3")


def _block_17(x, width, name):
    """17x17 with factorized 7x7 convolutions of ``width`` filters inside."""
    a = conv2d_bn(x, 192, 1, 1)
    b = conv2d_bn(x, width, 1, 1)
    b = conv2d_bn(conv2d_bn(b, width, 1, 7), 192, 7, 1)
    c = conv2d_bn(x, width, 1, 1)
    c = conv2d_bn(conv2d_bn(c, width, 7, 1), width, 1, 7)
    c = conv2d_bn(conv2d_bn(c, width, 7, 1), 192, 1, 7)
    d = _avg_pool_branch(x, 192)
    return layers.concatenate([a, b, c, d], axis=_axis(), name=name)


def _reduction_17(x):
    """17x17 to 8x8."""
    a = conv2d_bn(conv2d_bn(x, 192, 1, 1), 320, 3, 3, strides=(2, 2), padding="valid")
    b = conv2d_bn(conv2d_bn(conv2d_bn(x, 192, 1, 1), 192, 1, 7), 192, 7, 1)
    b = conv2d_bn(b, 192, 3, 3, strides=(2, 2), padding="valid")
    c = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    return layers.concatenate([a, b, c], axis=_axis(), name="mixed8")


def _block_8(x, i):
    """8x8 with the 3x3 convolutions split into 1x3 and 3x1 side by side."""
    a = conv2d_bn(x, 320, 1, 1)
    b = conv2d_bn(x, 384, 1, 1)
    b = layers.concatenate([conv2d_bn(b, 384, 1, 3), conv2d_bn(b, 384, 3, 1)], axis=_axis(),
                           name=f"mixed9_{i}")
    c = conv2d_bn(conv2d_bn(x, 448, 1, 1), 384, 3, 3)
    c = layers.concatenate([conv2d_bn(c, 384, 1, 3), conv2d_bn(c, 384, 3, 1)], axis=_axis())
    d = _avg_pool_branch(x, 192)
    return layers.concatenate([a, b, c, d], axis=_axis(), name=f"mixed{9 + i}")


def InceptionV3(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="inception_v3"):
    image, inputs, _ = imagenet_utils.application_input(
        input_tensor, input_shape, weights, include_top, classes, 299, 75)
    x = conv2d_bn(image, 32, 3, 3, strides=(2, 2), padding="valid")
    x = conv2d_bn(x, 32, 3, 3, padding="valid")
    x = conv2d_bn(x, 64, 3, 3)
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    x = conv2d_bn(x, 80, 1, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, 3, padding="valid")
    x = layers.MaxPooling2D((3, 3), strides=(2, 2))(x)
    for i, pool_filters in enumerate((32, 64, 64)):
        x = _block_35(x, pool_filters, f"mixed{i}")
    x = _reduction_35(x)
    for i, width in enumerate((128, 160, 160, 192)):
        x = _block_17(x, width, f"mixed{4 + i}")
    x = _reduction_17(x)
    for i in range(2):
        x = _block_8(x, i)
    x = imagenet_utils.classifier(x, include_top, pooling, classes, classifier_activation, weights)
    file_name = "inception_v3_weights_tf_dim_ordering_tf_kernels" + (
        ".h5" if include_top else "_notop.h5")
    return imagenet_utils.application_model(inputs, x, name, weights, file_name,
                                            WEIGHTS_URL + file_name, "InceptionV3")


InceptionV3.__doc__ = imagenet_utils.builder_doc(
    """Inception v3: factorized convolutions in parallel branches; 23,851,784 parameters with
    the top. Same layers, names and weights as Keras's.

    Feed it images prepared by ``keras.applications.inception_v3.preprocess_input`` (pixels
    scaled to [-1, 1]).
""",
    top='global average pooling ("avg_pool") and the 1000-class ``Dense`` layer "predictions"',
    weights_file=("``inception_v3_weights_tf_dim_ordering_tf_kernels.h5`` (``..._notop.h5`` "
                  "without the top)"),
    min_size=75,
    size=299,
    name="inception_v3",
    pooling=" (global pooling to ``(batch, 2048)``)",
    example="""\
        >>> base = keras.applications.InceptionV3(include_top=False, weights=None,
        ...                                       input_shape=(75, 75, 3))
        >>> base.get_layer("mixed3").output.shape
        (None, 3, 3, 768)
""")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "Inception v3", "tf")


__all__ = ["InceptionV3", "decode_predictions", "preprocess_input"]
