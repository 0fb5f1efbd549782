"""``keras.applications.nasnet``: NASNet-A Mobile and Large (Zoph et al., 2018), the cells found
by architecture search, layer for layer as Keras builds them, so that Keras's weight files load
into them.

The network is a stem of two reduction cells, then three stacks of normal cells with a
reduction cell between them. Each cell takes the two previous cells' outputs (``x`` and ``p``),
first brought to the same size and width (``_adjust``). Channels last only, as in Keras.
"""

from __future__ import annotations

from .. import config, layers
from . import imagenet_utils

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/nasnet/"
_URL_NAMES = {"nasnet_mobile": "NASNet-mobile", "nasnet_large": "NASNet-large"}


def _bn(name=None):
    return layers.BatchNormalization(axis=-1, momentum=0.9997, epsilon=1e-3, name=name)


def _conv_bn(x, filters, conv_name, bn_name):
    """ReLU, 1x1 convolution, batch normalization."""
    x = layers.Activation("relu")(x)
    x = layers.Conv2D(filters, 1, padding="same", use_bias=False, name=conv_name,
                      kernel_initializer="he_normal")(x)
    return _bn(bn_name)(x)


def _separable(x, filters, kernel_size=3, strides=1, block_id=""):
    """Twice ReLU, separable convolution (the first with the stride, after TensorFlow's 'same'
    padding), batch normalization."""
    x = layers.Activation("relu")(x)
    padding = "same"
    if strides == 2:
        x = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, kernel_size),
                                 name=f"separable_conv_1_pad_{block_id}")(x)
        padding = "valid"
    x = layers.SeparableConv2D(filters, kernel_size, strides=strides, padding=padding,
                               use_bias=False, name=f"separable_conv_1_{block_id}")(x)
    x = _bn(f"separable_conv_1_bn_{block_id}")(x)
    x = layers.Activation("relu")(x)
    x = layers.SeparableConv2D(filters, kernel_size, padding="same", use_bias=False,
                               name=f"separable_conv_2_{block_id}")(x)
    return _bn(f"separable_conv_2_bn_{block_id}")(x)


def _adjust(p, ip, filters, block_id):
    """The previous cell's output ``p`` made to match ``ip``: halved in size by two 1x1
    convolutions on offset grids (concatenated) where ``ip`` is smaller, else projected to
    ``filters`` channels where the widths differ; ``ip`` itself at the first cell."""
    if p is None:
        return ip
    if p.shape[-2] != ip.shape[-2]:
        p = layers.Activation("relu", name=f"adjust_relu_1_{block_id}")(p)
        p1 = layers.AveragePooling2D(1, strides=2, padding="valid",
                                     name=f"adjust_avg_pool_1_{block_id}")(p)
        p1 = layers.Conv2D(filters // 2, 1, padding="same", use_bias=False,
                           kernel_initializer="he_normal", name=f"adjust_conv_1_{block_id}")(p1)
        p2 = layers.ZeroPadding2D(((0, 1), (0, 1)))(p)
        p2 = layers.Cropping2D(((1, 0), (1, 0)))(p2)  # the grid shifted by one pixel
        p2 = layers.AveragePooling2D(1, strides=2, padding="valid",
                                     name=f"adjust_avg_pool_2_{block_id}")(p2)
        p2 = layers.Conv2D(filters // 2, 1, padding="same", use_bias=False,
                           kernel_initializer="he_normal", name=f"adjust_conv_2_{block_id}")(p2)
        p = layers.concatenate([p1, p2], axis=-1)
        return _bn(f"adjust_bn_{block_id}")(p)
    if p.shape[-1] != filters:
        return _conv_bn(p, filters, f"adjust_conv_projection_{block_id}",
                        f"adjust_bn_{block_id}")
    return p


def _pool(kind, strides, name):
    if kind == "avg":
        return layers.AveragePooling2D(3, strides=strides,
                                       padding="same" if strides == 1 else "valid", name=name)
    return layers.MaxPooling2D(3, strides=strides, padding="valid", name=name)


def _normal_cell(ip, p, filters, block_id):
    """NASNet-A's normal cell: five pairs of operations on ``h`` (this cell's input, 1x1
    convolved) and ``p``, each pair added, concatenated with ``p``. Returns (output, ip)."""
    p = _adjust(p, ip, filters, block_id)
    h = _conv_bn(ip, filters, f"normal_conv_1_{block_id}", f"normal_bn_1_{block_id}")
    x1 = layers.add([_separable(h, filters, 5, block_id=f"normal_left1_{block_id}"),
                     _separable(p, filters, block_id=f"normal_right1_{block_id}")],
                    name=f"normal_add_1_{block_id}")
    x2 = layers.add([_separable(p, filters, 5, block_id=f"normal_left2_{block_id}"),
                     _separable(p, filters, 3, block_id=f"normal_right2_{block_id}")],
                    name=f"normal_add_2_{block_id}")
    x3 = layers.add([_pool("avg", 1, f"normal_left3_{block_id}")(h), p],
                    name=f"normal_add_3_{block_id}")
    x4 = layers.add([_pool("avg", 1, f"normal_left4_{block_id}")(p),
                     _pool("avg", 1, f"normal_right4_{block_id}")(p)],
                    name=f"normal_add_4_{block_id}")
    x5 = layers.add([_separable(h, filters, block_id=f"normal_left5_{block_id}"), h],
                    name=f"normal_add_5_{block_id}")
    x = layers.concatenate([p, x1, x2, x3, x4, x5], axis=-1, name=f"normal_concat_{block_id}")
    return x, ip


def _reduction_cell(ip, p, filters, block_id):
    """NASNet-A's reduction cell: the same form with strided operations, halving the size.
    Returns (output, ip). (Keras's names, including its "reduction_left4" twice, kept so that
    its weight files load.)"""
    p = _adjust(p, ip, filters, block_id)
    h = _conv_bn(ip, filters, f"reduction_conv_1_{block_id}", f"reduction_bn_1_{block_id}")
    h3 = layers.ZeroPadding2D(imagenet_utils.correct_pad(h, 3),
                              name=f"reduction_pad_1_{block_id}")(h)
    x1 = layers.add([_separable(h, filters, 5, 2, f"reduction_left1_{block_id}"),
                     _separable(p, filters, 7, 2, f"reduction_right1_{block_id}")],
                    name=f"reduction_add_1_{block_id}")
    x2 = layers.add([_pool("max", 2, f"reduction_left2_{block_id}")(h3),
                     _separable(p, filters, 7, 2, f"reduction_right2_{block_id}")],
                    name=f"reduction_add_2_{block_id}")
    x3 = layers.add([_pool("avg", 2, f"reduction_left3_{block_id}")(h3),
                     _separable(p, filters, 5, 2, f"reduction_right3_{block_id}")],
                    name=f"reduction_add3_{block_id}")
    x4 = layers.add([x2, _pool("avg", 1, f"reduction_left4_{block_id}")(x1)])
    x5 = layers.add([_separable(x1, filters, 3, block_id=f"reduction_left4_{block_id}"),
                     _pool("max", 2, f"reduction_right5_{block_id}")(h3)],
                    name=f"reduction_add4_{block_id}")
    x = layers.concatenate([x2, x3, x4, x5], axis=-1, name=f"reduction_concat_{block_id}")
    return x, ip


def _nasnet(input_shape, penultimate_filters, num_blocks, stem_block_filters, skip_reduction,
            filter_multiplier, include_top, weights, input_tensor, pooling, classes,
            default_size, classifier_activation, name, what):
    if config.image_data_format() == "channels_first":
        raise ValueError("NASNet works on channels_last images only, as in Keras; set "
                         "keras.config.set_image_data_format('channels_last').")
    imagenet_utils.check_weights(weights, include_top, classes)
    if isinstance(input_shape, tuple) and None in input_shape and weights == "imagenet":
        raise ValueError(f"With weights='imagenet' the input_shape of {what} must have no "
                         f"None entries; got input_shape={input_shape}. Give the size, e.g. "
                         f"({default_size}, {default_size}, 3).")
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default_size, min_size=32, data_format="channels_last",
        require_flatten=include_top, weights=weights)
    image, inputs = imagenet_utils.model_input(input_tensor, input_shape)
    filters = penultimate_filters // 24
    x = layers.Conv2D(stem_block_filters, 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer="he_normal", name="stem_conv1")(image)
    x = _bn("stem_bn1")(x)
    x, p = _reduction_cell(x, None, filters // filter_multiplier ** 2, "stem_1")
    x, p = _reduction_cell(x, p, filters // filter_multiplier, "stem_2")
    for stack in range(3):  # normal cells, with a reduction cell before the second and third
        width = filters * filter_multiplier ** stack
        if stack:
            x, reduced = _reduction_cell(x, p, width, f"reduce_{stack * num_blocks}")
            p = p if skip_reduction else reduced
        for i in range(num_blocks):
            x, p = _normal_cell(x, p, width, str(stack * num_blocks + i + (stack > 0)))
    x = layers.Activation("relu")(x)
    x = imagenet_utils.classifier(x, include_top, pooling, classes, classifier_activation,
                                  weights, pool_name=None)
    file_name = "nasnet_mobile" if default_size == 224 else "nasnet_large"  # (not by name)
    url = WEIGHTS_URL + _URL_NAMES[file_name] + ("" if include_top else "-no-top") + ".h5"
    file_name += ".h5" if include_top else "_no_top.h5"
    return imagenet_utils.application_model(inputs, x, name, weights, file_name, url, what)


def NASNetMobile(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                 pooling=None, classes=1000, classifier_activation="softmax",
                 name="nasnet_mobile"):
    if not include_top and input_shape is None:
        input_shape = (224, 224, 3)  # (as Keras: the headless model is sized too)
    return _nasnet(input_shape, 1056, 4, 32, False, 2, include_top, weights, input_tensor,
                   pooling, classes, 224, classifier_activation, name, "NASNetMobile")


def NASNetLarge(input_shape=None, include_top=True, weights="imagenet", input_tensor=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="nasnet_large"):
    return _nasnet(input_shape, 4032, 6, 96, True, 2, include_top, weights, input_tensor,
                   pooling, classes, 331, classifier_activation, name, "NASNetLarge")


def _doc(what, blocks, penultimate, params, size, file, default=""):
    return imagenet_utils.builder_doc(
        f"{what}: NASNet-A ({blocks} @ {penultimate}): cells found by architecture search, "
        f"three stacks\n    of {blocks} normal cells between reduction cells; {params} "
        "parameters with the top. Same\n    layers, names and weights as Keras's.\n\n    "
        "Feed it images prepared by ``keras.applications.nasnet.preprocess_input`` (pixels\n"
        "    scaled to [-1, 1]).",
        top='global average pooling and the 1000-class ``Dense`` layer "predictions"',
        weights_file=f"``{file}.h5`` (``{file}_no_top.h5`` without the top)",
        min_size=32, size=size, name=file,
        default=default, shape=f"; with the top and ImageNet weights it must be ({size}, "
                               f"{size}, 3). Channels last only, as in Keras")


NASNetMobile.__doc__ = _doc("NASNetMobile", 4, 1056, "5,326,716", 224, "nasnet_mobile",
                            default="(224, 224, 3), with or without the top, as in Keras")
NASNetLarge.__doc__ = _doc("NASNetLarge", 6, 4032, "88,949,818", 331, "nasnet_large")

preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "NASNet", "tf")

__all__ = ["NASNetLarge", "NASNetMobile", "decode_predictions", "preprocess_input"]
