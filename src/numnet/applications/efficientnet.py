"""``keras.applications.efficientnet``: EfficientNetB0 ... B7 (Tan and Le, 2019), layer for
layer as Keras builds them, so that Keras's weight files load into them.

The models take pixels in [0, 255]: their first layers rescale and normalize the input, so
``preprocess_input`` here returns its input unchanged.
"""

from __future__ import annotations

import math

from .. import config, initializers, layers
from . import imagenet_utils

WEIGHTS_URL = "https://storage.googleapis.com/keras-applications/"
IMAGENET_STDDEV_RGB = (0.229, 0.224, 0.225)

# (kernel_size, repeats, filters_in, filters_out, expand_ratio, strides) of the seven stages;
# every block has an identity skip where shapes allow and squeeze-and-excitation ratio 0.25
_STAGES = ((3, 1, 32, 16, 1, 1),
           (3, 2, 16, 24, 6, 2),
           (5, 2, 24, 40, 6, 2),
           (3, 3, 40, 80, 6, 2),
           (5, 3, 80, 112, 6, 1),
           (5, 4, 112, 192, 6, 2),
           (3, 1, 192, 320, 6, 1))
_SE_RATIO = 0.25


def _conv_init():
    return initializers.VarianceScaling(scale=2.0, mode="fan_out",
                                        distribution="truncated_normal")


def _dense_init():
    return initializers.VarianceScaling(scale=1.0 / 3.0, mode="fan_out", distribution="uniform")


def _bn_axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else 3


def squeeze_excite(x, filters, squeezed, activation, name):
    """``x`` (``filters`` channels) times a gate per channel: the channels averaged, squeezed
    to ``squeezed`` by a 1x1 convolution, expanded back, sigmoid. Named ``{name}se_*``."""
    se = layers.GlobalAveragePooling2D(name=f"{name}se_squeeze")(x)
    se = layers.Reshape((filters, 1, 1) if _bn_axis() == 1 else (1, 1, filters),
                        name=f"{name}se_reshape")(se)
    se = layers.Conv2D(squeezed, 1, padding="same", activation=activation,
                       kernel_initializer=_conv_init(), name=f"{name}se_reduce")(se)
    se = layers.Conv2D(filters, 1, padding="same", activation="sigmoid",
                       kernel_initializer=_conv_init(), name=f"{name}se_expand")(se)
    return layers.multiply([x, se], name=f"{name}se_excite")


def _block(inputs, activation, drop_rate, name, filters_in, filters_out, kernel_size, strides,
           expand_ratio):
    """One mobile inverted bottleneck: 1x1 expansion (unless ``expand_ratio`` is 1), depthwise
    convolution, squeeze-and-excitation, 1x1 projection, and the skip with drop-connect."""
    axis = _bn_axis()
    filters = filters_in * expand_ratio
    x = inputs
    if expand_ratio != 1:
        x = layers.Conv2D(filters, 1, padding="same", use_bias=False,
                          kernel_initializer=_conv_init(), name=f"{name}expand_conv")(x)
        x = layers.BatchNormalization(axis=axis, name=f"{name}expand_bn")(x)
        x = layers.Activation(activation, name=f"{name}expand_activation")(x)
    if strides == 2:
        x = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, kernel_size),
                                 name=f"{name}dwconv_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=strides,
                               padding="valid" if strides == 2 else "same", use_bias=False,
                               depthwise_initializer=_conv_init(), name=f"{name}dwconv")(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}bn")(x)
    x = layers.Activation(activation, name=f"{name}activation")(x)
    x = squeeze_excite(x, filters, max(1, int(filters_in * _SE_RATIO)), activation, name)
    x = layers.Conv2D(filters_out, 1, padding="same", use_bias=False,
                      kernel_initializer=_conv_init(), name=f"{name}project_conv")(x)
    x = layers.BatchNormalization(axis=axis, name=f"{name}project_bn")(x)
    return skip(x, inputs, strides == 1 and filters_in == filters_out, drop_rate, name)


def skip(x, inputs, identity, drop_rate, name):
    """``x + inputs`` where the block keeps the shape (``identity``), dropping whole examples'
    branches at ``drop_rate`` while training (none at 0); else ``x``."""
    if not identity:
        return x
    if drop_rate > 0:
        x = layers.Dropout(drop_rate, noise_shape=(None, 1, 1, 1), name=f"{name}drop")(x)
    return layers.add([x, inputs], name=f"{name}add")


def _efficientnet(width, depth, default_size, dropout_rate, include_top, weights,
                  input_tensor, input_shape, pooling, classes, classifier_activation, name,
                  what, drop_connect_rate=0.2, divisor=8, activation="swish"):
    image, inputs, _ = imagenet_utils.application_input(
        input_tensor, input_shape, weights, include_top, classes, default_size)
    axis = _bn_axis()

    def round_filters(filters):
        filters *= width
        rounded = max(divisor, int(filters + divisor / 2) // divisor * divisor)
        return int(rounded + divisor if rounded < 0.9 * filters else rounded)

    def round_repeats(repeats):
        return int(math.ceil(depth * repeats))

    x = layers.Rescaling(1.0 / 255.0)(image)
    x = layers.Normalization(axis=axis)(x)
    if isinstance(weights, str) and weights == "imagenet":
        # as Keras: the pretrained weights expect the standard deviations' square roots here
        x = layers.Rescaling([1.0 / math.sqrt(s) for s in IMAGENET_STDDEV_RGB])(x)
    x = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, 3), name="stem_conv_pad")(x)
    x = layers.Conv2D(round_filters(32), 3, strides=2, padding="valid", use_bias=False,
                      kernel_initializer=_conv_init(), name="stem_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="stem_bn")(x)
    x = layers.Activation(activation, name="stem_activation")(x)
    total = float(sum(round_repeats(stage[1]) for stage in _STAGES))
    done = 0
    for i, (kernel_size, repeats, filters_in, filters_out, expand, strides) in enumerate(
            _STAGES):
        filters_in, filters_out = round_filters(filters_in), round_filters(filters_out)
        for j in range(round_repeats(repeats)):
            if j > 0:
                strides, filters_in = 1, filters_out
            x = _block(x, activation, drop_connect_rate * done / total,
                       f"block{i + 1}{chr(j + 97)}_", filters_in, filters_out, kernel_size,
                       strides, expand)
            done += 1
    x = layers.Conv2D(round_filters(1280), 1, padding="same", use_bias=False,
                      kernel_initializer=_conv_init(), name="top_conv")(x)
    x = layers.BatchNormalization(axis=axis, name="top_bn")(x)
    x = layers.Activation(activation, name="top_activation")(x)
    x = imagenet_utils.classifier(x, include_top, pooling, classes, classifier_activation, weights,
                                  named=True, dropout=dropout_rate,
                                  kernel_initializer=_dense_init())
    file_name = name + (".h5" if include_top else "_notop.h5")  # Keras names it by the model
    return imagenet_utils.application_model(inputs, x, name, weights, file_name,
                                            WEIGHTS_URL + file_name, what)


_VARIANTS = {  # name: (width, depth, size, dropout, Keras's parameter count with the top)
    "B0": (1.0, 1.0, 224, 0.2, "5,330,571"),
    "B1": (1.0, 1.1, 240, 0.2, "7,856,239"),
    "B2": (1.1, 1.2, 260, 0.3, "9,177,569"),
    "B3": (1.2, 1.4, 300, 0.3, "12,320,535"),
    "B4": (1.4, 1.8, 380, 0.4, "19,466,823"),
    "B5": (1.6, 2.2, 456, 0.4, "30,562,527"),
    "B6": (1.8, 2.6, 528, 0.5, "43,265,143"),
    "B7": (2.0, 3.1, 600, 0.5, "66,658,687"),
}


def builder_doc(summary: str, dropout: float, name: str, size: int, **more) -> str:
    """An EfficientNet builder's docstring (V1 and V2): ``summary``, then the arguments, the
    top with its ``dropout``, the pretrained files named by the model's ``name``."""
    return imagenet_utils.builder_doc(
        summary, top=f'global average pooling ("avg_pool"), dropout ({dropout}) and the '
                     '1000-class ``Dense`` layer "predictions"',
        weights_file=f"``{name}.h5`` (``{name}_notop.h5`` without the top)", min_size=32,
        size=size, name=name, name_note=" (and, as in Keras, the pretrained file's)", **more)


def _variant(key):
    width, depth, size, dropout, params = _VARIANTS[key]
    what = f"EfficientNet{key}"
    default_name = f"efficientnet{key.lower()}"

    def build(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax",
              name=default_name):
        return _efficientnet(width, depth, size, dropout, include_top, weights, input_tensor,
                             input_shape, pooling, classes, classifier_activation, name, what)

    build.__name__ = build.__qualname__ = what
    build.__doc__ = builder_doc(
        f"{what}: EfficientNet scaled to width x{width}, depth x{depth}, input {size}x{size};"
        f"\n    {params} parameters with the top. Same layers, names and weights as Keras's."
        "\n\n    The model takes pixels in [0, 255] (its first layers rescale and normalize "
        "them), so no\n    preprocessing is needed (``efficientnet.preprocess_input`` returns "
        "its input).", dropout, default_name, size)
    return build


EfficientNetB0 = _variant("B0")
EfficientNetB1 = _variant("B1")
EfficientNetB2 = _variant("B2")
EfficientNetB3 = _variant("B3")
EfficientNetB4 = _variant("B4")
EfficientNetB5 = _variant("B5")
EfficientNetB6 = _variant("B6")
EfficientNetB7 = _variant("B7")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "EfficientNet", None, itself="rescale and normalize")


__all__ = [f"EfficientNet{k}" for k in _VARIANTS] + ["decode_predictions", "preprocess_input"]
