"""``keras.applications.mobilenet_v2``: MobileNetV2 (Sandler et al., 2018), layer for layer as
Keras builds it, so that Keras's weight files load into it."""

from __future__ import annotations

import warnings

from .. import config, layers
from . import imagenet_utils

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
SIZES = (96, 128, 160, 192, 224)
"""The input sizes ImageNet weights were trained at."""
ALPHAS = (0.35, 0.5, 0.75, 1.0, 1.3, 1.4)
"""The width multipliers ImageNet weights exist for."""

# (filters, stride, expansion) of the 17 inverted residual blocks, in order
_BLOCKS = ((16, 1, 1),
           (24, 2, 6), (24, 1, 6),
           (32, 2, 6), (32, 1, 6), (32, 1, 6),
           (64, 2, 6), (64, 1, 6), (64, 1, 6), (64, 1, 6),
           (96, 1, 6), (96, 1, 6), (96, 1, 6),
           (160, 2, 6), (160, 1, 6), (160, 1, 6),
           (320, 1, 6))


def _make_divisible(value, divisor: int = 8) -> int:
    """``value`` rounded to the nearest multiple of ``divisor`` (at least ``divisor``), and
    never more than 10% below ``value``."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded + divisor if rounded < 0.9 * value else rounded


def _batch_norm(name):
    axis = 1 if config.image_data_format() == "channels_first" else -1
    return layers.BatchNormalization(axis=axis, epsilon=1e-3, momentum=0.999, name=name)


def _inverted_residual(inputs, filters, stride, expansion, alpha, block_id):
    """Expand (1x1, skipped in block 0), depthwise 3x3, project (1x1, linear); the input is
    added back when the shapes allow."""
    axis = 1 if config.image_data_format() == "channels_first" else -1
    in_channels = inputs.shape[axis]
    out_channels = _make_divisible(int(filters * alpha), 8)
    x = inputs
    if block_id:
        prefix = f"block_{block_id}_"
        x = layers.Conv2D(expansion * in_channels, 1, padding="same", use_bias=False,
                          name=prefix + "expand")(x)
        x = _batch_norm(prefix + "expand_BN")(x)
        x = layers.ReLU(6.0, name=prefix + "expand_relu")(x)
    else:
        prefix = "expanded_conv_"
    if stride == 2:
        x = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, 3), name=prefix + "pad")(x)
    x = layers.DepthwiseConv2D(3, strides=stride, use_bias=False,
                               padding="same" if stride == 1 else "valid",
                               name=prefix + "depthwise")(x)
    x = _batch_norm(prefix + "depthwise_BN")(x)
    x = layers.ReLU(6.0, name=prefix + "depthwise_relu")(x)
    x = layers.Conv2D(out_channels, 1, padding="same", use_bias=False,
                      name=prefix + "project")(x)
    x = _batch_norm(prefix + "project_BN")(x)
    if stride == 1 and in_channels == out_channels:
        x = layers.Add(name=prefix + "add")([inputs, x])
    return x


def _default_size(input_shape, input_tensor) -> int:
    """The side of the square input ImageNet weights are chosen for: the given side when it is
    one of SIZES and the input is square, otherwise 224."""
    first = config.image_data_format() == "channels_first"
    if input_shape is not None:
        shape = tuple(input_shape)
    elif input_tensor is not None:
        shape = tuple(input_tensor.shape[1:])
    else:
        return 224
    if len(shape) != 3:
        return 224
    rows, cols = shape[1:] if first else shape[:2]
    return rows if rows == cols and rows in SIZES else 224


def MobileNetV2(input_shape=None, alpha=1.0, include_top=True, weights="imagenet",
                input_tensor=None, pooling=None, classes=1000,
                classifier_activation="softmax", name=None):
    """MobileNetV2: inverted residual blocks with linear bottlenecks; 3,538,984 parameters
    at ``alpha=1.0`` with the top. Same layers, names and weights as Keras's.

    Feed it images prepared by ``keras.applications.mobilenet_v2.preprocess_input`` (pixels
    scaled to [-1, 1]).

    Args:
        input_shape: ``(rows, cols, 3)``, at least 32x32. Defaults to ``None``: (224, 224, 3)
            with the top, ``(None, None, 3)`` without. With the top and ImageNet weights it
            must be (224, 224, 3). Ignored when ``input_tensor`` is given.
        alpha: width multiplier: each layer's filters are scaled by it. Defaults to 1.0.
            ImageNet weights exist for 0.35, 0.5, 0.75, 1.0, 1.3 and 1.4.
        include_top: whether to end with global average pooling and the 1000-class
            ``Dense`` layer "predictions". Defaults to ``True``.
        weights: ``None`` (random weights), ``"imagenet"`` or the path of a weights file
            (Keras's ``.weights.h5`` or legacy ``.h5``, or numnet's). Defaults to
            ``"imagenet"``, read from Keras's cache: ``~/.keras/models/`` must hold
            ``mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5`` (``..._no_top.h5``
            without the top); numnet does not download it.
        input_tensor: a symbolic tensor (``keras.Input(...)`` or a layer's output) to build
            the model on. Defaults to ``None``.
        pooling: without the top: ``None`` (the 4D feature map), ``"avg"`` or ``"max"``
            (global pooling to ``(batch, 1280)``). Defaults to ``None``.
        classes: the classifier's classes, with the top. Defaults to 1000.
        classifier_activation: the classifier's activation; ``None`` gives logits. Defaults
            to ``"softmax"``; with pretrained weights only ``None`` or ``"softmax"``.
        name: the model's name. Defaults to ``"mobilenetv2_{alpha:.2f}_{rows}"``.

    Returns:
        A functional ``Model``.

    Raises:
        ValueError: for a bad ``weights``, ``classes``, ``alpha``, ``input_shape`` or
            ``classifier_activation``.
        FileNotFoundError: for ``weights="imagenet"`` when the file is not in the cache.

    Example:
        >>> base = keras.applications.MobileNetV2(input_shape=(96, 96, 3), include_top=False,
        ...                                       weights=None, pooling="avg")
        >>> base.output_shape
        (None, 1280)
    """
    imagenet_utils.check_weights(weights, include_top, classes)
    imagenet_utils.check_input_tensor(input_tensor, input_shape)
    default = _default_size(input_shape, input_tensor)
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default, min_size=32,
        data_format=config.image_data_format(), require_flatten=include_top, weights=weights)
    first = config.image_data_format() == "channels_first"
    rows, cols = input_shape[1:] if first else input_shape[:2]
    if weights == "imagenet":
        if alpha not in ALPHAS:
            raise ValueError(f"ImageNet weights exist for alpha in {ALPHAS}; got alpha={alpha}. "
                             f"Use weights=None for another width.")
        if rows != cols or rows not in SIZES:
            rows = 224
            warnings.warn(f"input_shape is unknown, not square or not one of {SIZES}: the "
                          f"weights for (224, 224) are loaded.", stacklevel=2)
    image, inputs = imagenet_utils.model_input(input_tensor, input_shape)

    x = layers.Conv2D(_make_divisible(32 * alpha, 8), 3, strides=(2, 2), padding="same",
                      use_bias=False, name="Conv1")(image)
    x = _batch_norm("bn_Conv1")(x)
    x = layers.ReLU(6.0, name="Conv1_relu")(x)
    for block_id, (filters, stride, expansion) in enumerate(_BLOCKS):
        x = _inverted_residual(x, filters, stride, expansion, alpha, block_id)
    last = _make_divisible(1280 * alpha, 8) if alpha > 1.0 else 1280
    x = layers.Conv2D(last, 1, use_bias=False, name="Conv_1")(x)
    x = _batch_norm("Conv_1_bn")(x)
    x = layers.ReLU(6.0, name="out_relu")(x)
    x = imagenet_utils.classifier(x, include_top, pooling, classes, classifier_activation, weights,
                                  pool_name=None)
    file_name = (f"mobilenet_v2_weights_tf_dim_ordering_tf_kernels_{float(alpha)}_{rows}"
                 f"{'' if include_top else '_no_top'}.h5")
    return imagenet_utils.application_model(inputs, x, name or f"mobilenetv2_{alpha:0.2f}_{rows}",
                                            weights, file_name, WEIGHTS_URL + file_name,
                                            "MobileNetV2")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "MobileNetV2", "tf", example="""\
        >>> preprocess_input(np.array([0.0, 127.5, 255.0]))
        array([-1.,  0.,  1.])
""")


__all__ = ["MobileNetV2", "decode_predictions", "preprocess_input"]
