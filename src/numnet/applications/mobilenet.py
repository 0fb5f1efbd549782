"""``keras.applications.mobilenet``: MobileNet (Howard et al., 2017), depthwise separable
convolutions, layer for layer as Keras builds it, so that Keras's weight files load into it."""

from __future__ import annotations

import warnings

from .. import config, layers
from . import imagenet_utils

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet/"
SIZES = (128, 160, 192, 224)
"""The input sizes ImageNet weights were trained at."""
ALPHAS = {1.0: "1_0", 0.75: "7_5", 0.5: "5_0", 0.25: "2_5"}
"""The width multipliers ImageNet weights exist for, and how the files spell them."""

# (pointwise filters, stride) of the 13 depthwise separable blocks
_BLOCKS = ((64, 1), (128, 2), (128, 1), (256, 2), (256, 1), (512, 2), (512, 1), (512, 1),
           (512, 1), (512, 1), (512, 1), (1024, 2), (1024, 1))


def _axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def _separable_block(x, filters, alpha, depth_multiplier, stride, block_id):
    """Depthwise 3x3 (padded on the bottom and right when strided), BN, ReLU6, then pointwise
    1x1 with ``int(filters * alpha)`` filters, BN, ReLU6."""
    if stride != 1:
        x = layers.ZeroPadding2D(((0, 1), (0, 1)), name=f"conv_pad_{block_id}")(x)
    x = layers.DepthwiseConv2D((3, 3), padding="same" if stride == 1 else "valid",
                               depth_multiplier=depth_multiplier, strides=(stride, stride),
                               use_bias=False, name=f"conv_dw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_axis(), name=f"conv_dw_{block_id}_bn")(x)
    x = layers.ReLU(6.0, name=f"conv_dw_{block_id}_relu")(x)
    x = layers.Conv2D(int(filters * alpha), (1, 1), padding="same", use_bias=False,
                      strides=(1, 1), name=f"conv_pw_{block_id}")(x)
    x = layers.BatchNormalization(axis=_axis(), name=f"conv_pw_{block_id}_bn")(x)
    return layers.ReLU(6.0, name=f"conv_pw_{block_id}_relu")(x)


def MobileNet(input_shape=None, alpha=1.0, depth_multiplier=1, dropout=1e-3, include_top=True,
              weights="imagenet", input_tensor=None, pooling=None, classes=1000,
              classifier_activation="softmax", name=None):
    """MobileNet: a 3x3 convolution and 13 depthwise separable blocks; 4,253,864 parameters
    at ``alpha=1.0`` with the top. Same layers, names and weights as Keras's.

    Feed it images prepared by ``keras.applications.mobilenet.preprocess_input`` (pixels
    scaled to [-1, 1]).

    Args:
        input_shape: ``(rows, cols, 3)``, at least 32x32. Defaults to ``None``: (224, 224, 3)
            with the top, ``(None, None, 3)`` without. Ignored when ``input_tensor`` is given.
        alpha: width multiplier of every layer's filters. Defaults to 1.0; ImageNet weights
            exist for 0.25, 0.5, 0.75 and 1.0.
        depth_multiplier: the depthwise convolutions' channel multiplier. Defaults to 1 (the
            only value with ImageNet weights).
        dropout: the dropout rate before the classifier. Defaults to 0.001.
        include_top: whether to end with global average pooling, dropout, the 1x1
            convolution "conv_preds" and the activation "predictions". Defaults to ``True``.
        weights: ``None`` (random weights), ``"imagenet"`` or the path of a weights file
            (Keras's ``.weights.h5`` or legacy ``.h5``, or numnet's). Defaults to
            ``"imagenet"``, read from Keras's cache: ``~/.keras/models/`` must hold
            ``mobilenet_1_0_224_tf.h5`` (``mobilenet_1_0_224_tf_no_top.h5`` without the top,
            other widths and sizes alike); numnet does not download it.
        input_tensor: a symbolic tensor (``keras.Input(...)`` or a layer's output) to build
            the model on. Defaults to ``None``.
        pooling: without the top: ``None`` (the 4D feature map), ``"avg"`` or ``"max"``.
            Defaults to ``None``.
        classes: the classifier's classes, with the top. Defaults to 1000.
        classifier_activation: the classifier's activation; ``None`` gives logits. Defaults
            to ``"softmax"``; with pretrained weights only ``None`` or ``"softmax"``.
        name: the model's name. Defaults to ``"mobilenet_{alpha:.2f}_{rows}"``.

    Returns:
        A functional ``Model``.

    Raises:
        ValueError: for a bad ``weights``, ``classes``, ``alpha``, ``depth_multiplier``,
            ``input_shape`` or ``classifier_activation``.
        FileNotFoundError: for ``weights="imagenet"`` when the file is not in the cache.

    Example:
        >>> base = keras.applications.MobileNet(input_shape=(128, 128, 3), include_top=False,
        ...                                     weights=None, alpha=0.25, pooling="avg")
        >>> base.output_shape
        (None, 256)
    """
    imagenet_utils.check_weights(weights, include_top, classes)
    first = config.image_data_format() == "channels_first"
    default = 224
    if input_shape is not None and len(input_shape) == 3:
        rows, cols = tuple(input_shape)[1:] if first else tuple(input_shape)[:2]
        default = rows if rows == cols and rows in SIZES else 224
    input_shape = imagenet_utils.obtain_input_shape(
        input_shape, default_size=default, min_size=32, data_format=config.image_data_format(),
        require_flatten=include_top, weights=weights)
    rows, cols = input_shape[1:] if first else input_shape[:2]
    if weights == "imagenet":
        if depth_multiplier != 1:
            raise ValueError(f"ImageNet weights exist for depth_multiplier=1 only; got "
                             f"depth_multiplier={depth_multiplier}. Use weights=None.")
        if alpha not in ALPHAS:
            raise ValueError(f"ImageNet weights exist for alpha in {tuple(ALPHAS)}; got "
                             f"alpha={alpha}. Use weights=None for another width.")
        if rows != cols or rows not in SIZES:
            rows = 224
            warnings.warn(f"input_shape is unknown, not square or not one of {SIZES}: the "
                          f"weights for (224, 224) are loaded.", stacklevel=2)
    image, inputs = imagenet_utils.model_input(input_tensor, input_shape)
    x = layers.Conv2D(int(32 * alpha), (3, 3), padding="same", use_bias=False,
                      strides=(2, 2), name="conv1")(image)
    x = layers.BatchNormalization(axis=_axis(), name="conv1_bn")(x)
    x = layers.ReLU(6.0, name="conv1_relu")(x)
    for block_id, (filters, stride) in enumerate(_BLOCKS, start=1):
        x = _separable_block(x, filters, alpha, depth_multiplier, stride, block_id)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Dropout(dropout, name="dropout")(x)
        x = layers.Conv2D(classes, (1, 1), padding="same", name="conv_preds")(x)
        x = layers.Reshape((classes,), name="reshape_2")(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pool(x, pooling)
    if isinstance(weights, str) and weights == "imagenet":
        file_name = (f"mobilenet_{ALPHAS[alpha]}_{rows}_tf"
                     f"{'' if include_top else '_no_top'}.h5")
    else:
        file_name = ""
    return imagenet_utils.application_model(inputs, x, name or f"mobilenet_{alpha:0.2f}_{rows}",
                                            weights, file_name, WEIGHTS_URL + file_name,
                                            "MobileNet")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "MobileNet", "tf")


__all__ = ["MobileNet", "decode_predictions", "preprocess_input"]
