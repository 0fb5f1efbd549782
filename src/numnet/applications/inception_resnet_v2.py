"""``keras.applications.inception_resnet_v2``: Inception-ResNet v2 (Szegedy et al., 2016),
layer for layer as Keras builds it, so that Keras's weight files load into it."""

from __future__ import annotations

from .. import config, layers
from ..registry import register_serializable
from . import imagenet_utils

WEIGHTS_URL = ("https://storage.googleapis.com/tensorflow/keras-applications/"
               "inception_resnet_v2/")


@register_serializable(package="keras.applications")
class CustomScaleLayer(layers.Layer):
    """``inputs[0] + scale * inputs[1]``: a residual branch added to its shortcut, scaled
    down (Keras's layer of the same name, with the same config)."""

    _takes_list = True  # numnet's graph gives a layer a list only where it says it takes one

    def __init__(self, scale, **kwargs):
        super().__init__(**kwargs)
        self.scale = scale

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def call(self, inputs):
        return inputs[0] + inputs[1] * self.scale

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


def _axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else 3


def conv2d_bn(x, filters, kernel_size, strides=1, padding="same", activation="relu",
              use_bias=False, name=None):
    """A convolution; batch normalization without scale unless ``use_bias``; the activation.
    Named ``name``, ``{name}_bn`` and ``{name}_ac`` when ``name`` is given."""
    x = layers.Conv2D(filters, kernel_size, strides=strides, padding=padding,
                      use_bias=use_bias, name=name)(x)
    if not use_bias:
        x = layers.BatchNormalization(axis=_axis(), scale=False,
                                      name=None if name is None else f"{name}_bn")(x)
    if activation is not None:
        x = layers.Activation(activation, name=None if name is None else f"{name}_ac")(x)
    return x


# the residual branches of the three kinds of block: [(filters, kernel), ...] per branch
_BRANCHES = {
    "block35": ([(32, 1)], [(32, 1), (32, 3)], [(32, 1), (48, 3), (64, 3)]),
    "block17": ([(192, 1)], [(128, 1), (160, [1, 7]), (192, [7, 1])]),
    "block8": ([(192, 1)], [(192, 1), (224, [1, 3]), (256, [3, 1])]),
}


def inception_resnet_block(x, scale, block_type, block_idx, activation="relu"):
    """``x + scale * r``, where ``r`` is a 1x1 convolution of the concatenated branches of
    ``block_type`` ("block35", "block17" or "block8"); layers named ``{block_type}_{idx}_*``."""
    if block_type not in _BRANCHES:
        raise ValueError(f"block_type must be 'block35', 'block17' or 'block8'; got "
                         f"{block_type!r}.")
    outputs = []
    for branch in _BRANCHES[block_type]:
        y = x
        for filters, kernel in branch:
            y = conv2d_bn(y, filters, kernel)
        outputs.append(y)
    name = f"{block_type}_{block_idx}"
    mixed = layers.Concatenate(axis=_axis(), name=f"{name}_mixed")(outputs)
    up = conv2d_bn(mixed, x.shape[_axis()], 1, activation=None, use_bias=True,
                   name=f"{name}_conv")
    x = CustomScaleLayer(scale)([x, up])
    if activation is not None:
        x = layers.Activation(activation, name=f"{name}_ac")(x)
    return x


def InceptionResNetV2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                      pooling=None, classes=1000, classifier_activation="softmax",
                      name="inception_resnet_v2"):
    image, inputs, _ = imagenet_utils.application_input(
        input_tensor, input_shape, weights, include_top, classes, 299, 75)
    axis = _axis()
    x = conv2d_bn(image, 32, 3, strides=2, padding="valid")
    x = conv2d_bn(x, 32, 3, padding="valid")
    x = conv2d_bn(x, 64, 3)
    x = layers.MaxPooling2D(3, strides=2)(x)
    x = conv2d_bn(x, 80, 1, padding="valid")
    x = conv2d_bn(x, 192, 3, padding="valid")
    x = layers.MaxPooling2D(3, strides=2)(x)
    a = conv2d_bn(x, 96, 1)
    b = conv2d_bn(conv2d_bn(x, 48, 1), 64, 5)
    c = conv2d_bn(conv2d_bn(conv2d_bn(x, 64, 1), 96, 3), 96, 3)
    d = conv2d_bn(layers.AveragePooling2D(3, strides=1, padding="same")(x), 64, 1)
    x = layers.Concatenate(axis=axis, name="mixed_5b")([a, b, c, d])
    for idx in range(1, 11):
        x = inception_resnet_block(x, scale=0.17, block_type="block35", block_idx=idx)
    a = conv2d_bn(x, 384, 3, strides=2, padding="valid")
    b = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 256, 3), 384, 3, strides=2, padding="valid")
    c = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=axis, name="mixed_6a")([a, b, c])
    for idx in range(1, 21):
        x = inception_resnet_block(x, scale=0.1, block_type="block17", block_idx=idx)
    a = conv2d_bn(conv2d_bn(x, 256, 1), 384, 3, strides=2, padding="valid")
    b = conv2d_bn(conv2d_bn(x, 256, 1), 288, 3, strides=2, padding="valid")
    c = conv2d_bn(conv2d_bn(conv2d_bn(x, 256, 1), 288, 3), 320, 3, strides=2, padding="valid")
    d = layers.MaxPooling2D(3, strides=2, padding="valid")(x)
    x = layers.Concatenate(axis=axis, name="mixed_7a")([a, b, c, d])
    for idx in range(1, 10):
        x = inception_resnet_block(x, scale=0.2, block_type="block8", block_idx=idx)
    x = inception_resnet_block(x, scale=1.0, activation=None, block_type="block8",
                               block_idx=10)
    x = conv2d_bn(x, 1536, 1, name="conv_7b")
    x = imagenet_utils.classifier(x, include_top, pooling, classes, classifier_activation, weights)
    file_name = "inception_resnet_v2_weights_tf_dim_ordering_tf_kernels" + (
        ".h5" if include_top else "_notop.h5")
    return imagenet_utils.application_model(inputs, x, name, weights, file_name,
                                            WEIGHTS_URL + file_name, "InceptionResNetV2")


InceptionResNetV2.__doc__ = imagenet_utils.builder_doc(
    """Inception-ResNet v2: Inception branches in residual blocks (10 x block35, 20 x
    block17, 10 x block8); 55,873,736 parameters with the top. Same layers, names and weights
    as Keras's.

    Feed it images prepared by ``keras.applications.inception_resnet_v2.preprocess_input``
    (pixels scaled to [-1, 1]).
""",
    top='global average pooling ("avg_pool") and the 1000-class ``Dense`` layer "predictions"',
    weights_file=("``inception_resnet_v2_weights_tf_dim_ordering_tf_kernels.h5`` (``..._notop.h5`` "
                  "without the top)"),
    min_size=75,
    size=299,
    name="inception_resnet_v2",
    pooling=" (global pooling to ``(batch, 1536)``)")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "Inception-ResNet v2", "tf")


__all__ = ["CustomScaleLayer", "InceptionResNetV2", "decode_predictions", "preprocess_input"]
