"""``keras.applications.efficientnet_v2``: EfficientNetV2 B0 ... B3, S, M and L (Tan and Le,
2021), layer for layer as Keras builds them, so that Keras's weight files load into them.

The first stages are fused MBConv blocks (one full convolution in place of the 1x1 expansion
and the depthwise convolution), the later ones MBConv blocks with squeeze-and-excitation.
The models take pixels in [0, 255]: with ``include_preprocessing=True`` (the default) their
first layers rescale them (B0-B3: to [0, 1], then ImageNet's mean and deviation; S, M, L: to
[-1, 1]), so ``preprocess_input`` here returns its input unchanged. Without those layers the
models expect [-1, 1].
"""

from __future__ import annotations

import math

from .. import initializers, layers
from . import imagenet_utils
from .efficientnet import _bn_axis, _conv_init, _dense_init, builder_doc, skip, squeeze_excite

WEIGHTS_URL = ("https://storage.googleapis.com/tensorflow/keras-applications/"
               "efficientnet_v2/")
_BN_MOMENTUM = 0.9

# the stages: (kernel_size, repeats, filters_in, filters_out, expand_ratio, se_ratio, strides,
# fused); B0 ... B3 share theirs and scale them
_B = ((3, 1, 32, 16, 1, 0, 1, True),
      (3, 2, 16, 32, 4, 0, 2, True),
      (3, 2, 32, 48, 4, 0, 2, True),
      (3, 3, 48, 96, 4, 0.25, 2, False),
      (3, 5, 96, 112, 6, 0.25, 1, False),
      (3, 8, 112, 192, 6, 0.25, 2, False))
_S = ((3, 2, 24, 24, 1, 0, 1, True),
      (3, 4, 24, 48, 4, 0, 2, True),
      (3, 4, 48, 64, 4, 0, 2, True),
      (3, 6, 64, 128, 4, 0.25, 2, False),
      (3, 9, 128, 160, 6, 0.25, 1, False),
      (3, 15, 160, 256, 6, 0.25, 2, False))
_M = ((3, 3, 24, 24, 1, 0, 1, True),
      (3, 5, 24, 48, 4, 0, 2, True),
      (3, 5, 48, 80, 4, 0, 2, True),
      (3, 7, 80, 160, 4, 0.25, 2, False),
      (3, 14, 160, 176, 6, 0.25, 1, False),
      (3, 18, 176, 304, 6, 0.25, 2, False),
      (3, 5, 304, 512, 6, 0.25, 1, False))
_L = ((3, 4, 32, 32, 1, 0, 1, True),
      (3, 7, 32, 64, 4, 0, 2, True),
      (3, 7, 64, 96, 4, 0, 2, True),
      (3, 10, 96, 192, 4, 0.25, 2, False),
      (3, 19, 192, 224, 6, 0.25, 1, False),
      (3, 25, 224, 384, 6, 0.25, 2, False),
      (3, 7, 384, 640, 6, 0.25, 1, False))

_VARIANTS = {  # key: (stages, width, depth, default size, Keras's parameter count with the top)
    "B0": (_B, 1.0, 1.0, 224, "7,200,312"),
    "B1": (_B, 1.0, 1.1, 240, "8,212,124"),
    "B2": (_B, 1.1, 1.2, 260, "10,178,374"),
    "B3": (_B, 1.2, 1.4, 300, "14,467,622"),
    "S": (_S, 1.0, 1.0, 384, "21,612,360"),
    "M": (_M, 1.0, 1.0, 480, "54,431,388"),
    "L": (_L, 1.0, 1.0, 480, "119,027,848"),
}


def _conv(filters, kernel_size, name, strides=1):
    return layers.Conv2D(filters, kernel_size, strides=strides, padding="same", use_bias=False,
                         kernel_initializer=_conv_init(), name=name)


def _bn_act(x, activation, bn_name, act_name):
    x = layers.BatchNormalization(axis=_bn_axis(), momentum=_BN_MOMENTUM, name=bn_name)(x)
    return x if act_name is None else layers.Activation(activation, name=act_name)(x)


def _block(inputs, activation, drop_rate, name, kernel_size, filters_in, filters_out,
           expand_ratio, se_ratio, strides, fused):
    """One (fused) MBConv block: the expansion (a 1x1 convolution, or for a fused block the
    full ``kernel_size`` convolution, with the stride; none at ``expand_ratio`` 1), for an
    MBConv block the depthwise convolution, squeeze-and-excitation where ``se_ratio`` > 0, the
    projection, and the skip with drop-connect."""
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = _conv(filters, kernel_size if fused else 1, f"{name}expand_conv",
                  strides if fused else 1)(x)
        x = _bn_act(x, activation, f"{name}expand_bn", f"{name}expand_activation")
    if not fused:
        x = layers.DepthwiseConv2D(kernel_size, strides=strides, padding="same",
                                   use_bias=False, depthwise_initializer=_conv_init(),
                                   name=f"{name}dwconv2")(x)
        x = _bn_act(x, activation, f"{name}bn", f"{name}activation")
    if 0 < se_ratio <= 1:
        x = squeeze_excite(x, filters, max(1, int(filters_in * se_ratio)), activation, name)
    projects_alone = fused and expand_ratio == 1  # the block's one convolution
    x = _conv(filters_out, kernel_size if projects_alone else 1, f"{name}project_conv",
              strides if projects_alone else 1)(x)
    x = _bn_act(x, activation, f"{name}project_bn",
                f"{name}project_activation" if projects_alone else None)
    return skip(x, inputs, strides == 1 and filters_in == filters_out, drop_rate, name)


def _round_filters(filters, width, divisor=8):
    return int(max(divisor, int(filters * width + divisor / 2) // divisor * divisor))


def _efficientnet_v2(key, include_top, weights, input_tensor, input_shape, pooling, classes,
                     classifier_activation, include_preprocessing, name,
                     dropout_rate=0.2, drop_connect_rate=0.2, activation="swish"):
    stages, width, depth, default_size, _ = _VARIANTS[key]
    what = f"EfficientNetV2{key}"
    image, inputs, input_shape = imagenet_utils.application_input(
        input_tensor, input_shape, weights, include_top, classes, default_size)
    axis = _bn_axis()
    x = image
    if include_preprocessing:
        if key.startswith("B") and input_shape[axis - 1] == 3:  # EfficientNet's (V1) scaling
            x = layers.Rescaling(1.0 / 255)(x)
            x = layers.Normalization(mean=list(imagenet_utils.TORCH_MEAN),
                                     variance=[s ** 2 for s in imagenet_utils.TORCH_STD],
                                     axis=axis)(x)
        else:
            x = layers.Rescaling(1.0 / 128.0, offset=-1)(x)
    x = _conv(_round_filters(stages[0][2], width), 3, "stem_conv", strides=2)(x)
    x = _bn_act(x, activation, "stem_bn", "stem_activation")
    total = float(sum(stage[1] for stage in stages))  # (Keras counts the unscaled repeats)
    done = 0
    for i, (kernel_size, repeats, filters_in, filters_out, expand, se_ratio, strides,
            fused) in enumerate(stages):
        filters_in = _round_filters(filters_in, width)
        filters_out = _round_filters(filters_out, width)
        for j in range(int(math.ceil(depth * repeats))):
            if j > 0:
                strides, filters_in = 1, filters_out
            x = _block(x, activation, drop_connect_rate * done / total,
                       f"block{i + 1}{chr(j + 97)}_", kernel_size, filters_in, filters_out,
                       expand, se_ratio, strides, fused)
            done += 1
    x = _conv(_round_filters(1280, width), 1, "top_conv")(x)
    x = _bn_act(x, activation, "top_bn", "top_activation")
    x = imagenet_utils.classifier(x, include_top, pooling, classes, classifier_activation, weights,
                                  named=True, dropout=dropout_rate,
                                  kernel_initializer=_dense_init(),
                                  bias_initializer=initializers.Constant(0.0))
    file_name = name + (".h5" if include_top else "_notop.h5")  # Keras names it by the model
    return imagenet_utils.application_model(inputs, x, name, weights, file_name,
                                            WEIGHTS_URL + file_name, what)


_EXAMPLE = """\
    >>> model = keras.applications.EfficientNetV2B0(weights=None, input_shape=(32, 32, 3),
    ...                                              classes=4)
    >>> model.output_shape
    (None, 4)
"""


def _variant(key):
    _, width, depth, size, params = _VARIANTS[key]
    what = f"EfficientNetV2{key}"
    default_name = f"efficientnetv2-{key.lower()}"

    def build(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax",
              include_preprocessing=True, name=default_name):
        return _efficientnet_v2(key, include_top, weights, input_tensor, input_shape, pooling,
                                classes, classifier_activation, include_preprocessing, name)

    build.__name__ = build.__qualname__ = what
    build.__doc__ = builder_doc(
        f"{what}: EfficientNetV2-{key} (depth x{depth}, width x{width}), input {size}x{size};"
        f"\n    {params} parameters with the top. Same layers, names and weights as Keras's."
        "\n\n    The model takes pixels in [0, 255] and scales them itself "
        "(``include_preprocessing``), so\n    no preprocessing is needed "
        "(``efficientnet_v2.preprocess_input`` returns its input).", 0.2, default_name, size,
        after=[("include_preprocessing", "whether the model starts with its ``Rescaling`` "
                "(and, for B0-B3, ``Normalization``) layers; without them it expects values in "
                "[-1, 1]. Defaults to ``True``.")], example=_EXAMPLE)
    return build


EfficientNetV2B0 = _variant("B0")
EfficientNetV2B1 = _variant("B1")
EfficientNetV2B2 = _variant("B2")
EfficientNetV2B3 = _variant("B3")
EfficientNetV2S = _variant("S")
EfficientNetV2M = _variant("M")
EfficientNetV2L = _variant("L")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "EfficientNetV2", None, itself="scale")


__all__ = [f"EfficientNetV2{k}" for k in _VARIANTS] + ["decode_predictions", "preprocess_input"]
