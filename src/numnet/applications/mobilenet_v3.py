"""``keras.applications.mobilenet_v3``: MobileNetV3Small and MobileNetV3Large (Howard et al.,
2019), layer for layer as Keras builds them, so that Keras's weight files load into them.

The models take pixels in [0, 255]: with ``include_preprocessing=True`` (the default) their
first layer rescales them to [-1, 1], so ``preprocess_input`` here returns its input unchanged.
"""

from __future__ import annotations

import warnings

from .. import config, layers
from . import imagenet_utils
from .mobilenet_v2 import _make_divisible as _depth

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v3/"

# (expansion, filters, kernel ("k": the model's kernel), stride, squeeze-excite, activation
# ("relu" or "act": the model's activation)) of each inverted residual block
_SMALL = ((1, 16, 3, 2, True, "relu"), (72 / 16, 24, 3, 2, False, "relu"),
          (88 / 24, 24, 3, 1, False, "relu"), (4, 40, "k", 2, True, "act"),
          (6, 40, "k", 1, True, "act"), (6, 40, "k", 1, True, "act"),
          (3, 48, "k", 1, True, "act"), (3, 48, "k", 1, True, "act"),
          (6, 96, "k", 2, True, "act"), (6, 96, "k", 1, True, "act"),
          (6, 96, "k", 1, True, "act"))
_LARGE = ((1, 16, 3, 1, False, "relu"), (4, 24, 3, 2, False, "relu"),
          (3, 24, 3, 1, False, "relu"), (3, 40, "k", 2, True, "relu"),
          (3, 40, "k", 1, True, "relu"), (3, 40, "k", 1, True, "relu"),
          (6, 80, 3, 2, False, "act"), (2.5, 80, 3, 1, False, "act"),
          (2.3, 80, 3, 1, False, "act"), (2.3, 80, 3, 1, False, "act"),
          (6, 112, 3, 1, True, "act"), (6, 112, 3, 1, True, "act"),
          (6, 160, "k", 2, True, "act"), (6, 160, "k", 1, True, "act"),
          (6, 160, "k", 1, True, "act"))


def _axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else -1


def _batch_norm(name):
    return layers.BatchNormalization(axis=_axis(), epsilon=1e-3, momentum=0.999, name=name)


def _relu(x):
    return layers.ReLU()(x)


def _hard_swish(x):
    return layers.Activation("hard_swish")(x)


def _hard_sigmoid(x):
    return layers.ReLU(6.0)(x + 3.0) * (1.0 / 6.0)


def _squeeze_excite(inputs, filters, se_ratio, prefix):
    x = layers.GlobalAveragePooling2D(keepdims=True,
                                      name=f"{prefix}squeeze_excite_avg_pool")(inputs)
    x = layers.Conv2D(_depth(filters * se_ratio), kernel_size=1, padding="same",
                      name=f"{prefix}squeeze_excite_conv")(x)
    x = layers.ReLU(name=f"{prefix}squeeze_excite_relu")(x)
    x = layers.Conv2D(filters, kernel_size=1, padding="same",
                      name=f"{prefix}squeeze_excite_conv_1")(x)
    x = _hard_sigmoid(x)
    return layers.Multiply(name=f"{prefix}squeeze_excite_mul")([inputs, x])


def _inverted_residual(x, expansion, filters, kernel_size, stride, se_ratio, activation,
                       block_id):
    shortcut = x
    in_channels = x.shape[_axis()]
    prefix = f"expanded_conv_{block_id}_" if block_id else "expanded_conv_"
    if block_id:
        x = layers.Conv2D(_depth(in_channels * expansion), kernel_size=1, padding="same",
                          use_bias=False, name=f"{prefix}expand")(x)
        x = _batch_norm(f"{prefix}expand_bn")(x)
        x = activation(x)
    if stride == 2:
        x = layers.ZeroPadding2D(imagenet_utils.correct_pad(x, kernel_size),
                                 name=f"{prefix}depthwise_pad")(x)
    x = layers.DepthwiseConv2D(kernel_size, strides=stride,
                               padding="same" if stride == 1 else "valid", use_bias=False,
                               name=f"{prefix}depthwise")(x)
    x = _batch_norm(f"{prefix}depthwise_bn")(x)
    x = activation(x)
    if se_ratio:
        x = _squeeze_excite(x, _depth(in_channels * expansion), se_ratio, prefix)
    x = layers.Conv2D(filters, kernel_size=1, padding="same", use_bias=False,
                      name=f"{prefix}project")(x)
    x = _batch_norm(f"{prefix}project_bn")(x)
    if stride == 1 and in_channels == filters:
        x = layers.Add(name=f"{prefix}add")([shortcut, x])
    return x


def _mobilenet_v3(blocks, last_point_ch, input_shape, alpha, model_type, minimalistic,
                  include_top, weights, input_tensor, classes, pooling, dropout_rate,
                  classifier_activation, include_preprocessing, name):
    imagenet_utils.check_weights(weights, include_top, classes)
    imagenet_utils.check_input_tensor(input_tensor, input_shape)
    first = config.image_data_format() == "channels_first"
    if input_shape is None and input_tensor is not None:
        rows, cols = tuple(input_tensor.shape[2:4] if first else input_tensor.shape[1:3])
        input_shape = (3, cols, rows) if first else (cols, rows, 3)  # (as Keras orders them)
    if input_shape is None:
        input_shape = (3, None, None) if first else (None, None, 3)
    rows, cols = tuple(input_shape)[1:3] if first else tuple(input_shape)[0:2]
    if rows and cols and (rows < 32 or cols < 32):
        raise ValueError(f"Input size must be at least 32x32; got input_shape="
                         f"{tuple(input_shape)}.")
    if weights == "imagenet":
        if (alpha not in (0.75, 1.0)) if not minimalistic else alpha != 1.0:
            raise ValueError(f"ImageNet weights exist for alpha 0.75 or 1.0 (1.0 only when "
                             f"minimalistic); got alpha={alpha}, minimalistic={minimalistic}. "
                             f"Use weights=None for another width.")
        if rows != cols or rows != 224:
            warnings.warn("input_shape is unknown, not square or not 224x224: the weights "
                          "for (224, 224) are loaded.", stacklevel=3)
    image, inputs = imagenet_utils.model_input(input_tensor, input_shape)
    kernel, activation, se_ratio = ((3, _relu, None) if minimalistic
                                    else (5, _hard_swish, 0.25))
    x = image
    if include_preprocessing:
        x = layers.Rescaling(scale=1.0 / 127.5, offset=-1.0)(x)
    x = layers.Conv2D(16, kernel_size=3, strides=(2, 2), padding="same", use_bias=False,
                      name="conv")(x)
    x = _batch_norm("conv_bn")(x)
    x = activation(x)
    for block_id, (expansion, filters, size, stride, se, act) in enumerate(blocks):
        x = _inverted_residual(x, expansion, _depth(filters * alpha),
                               kernel if size == "k" else size, stride,
                               se_ratio if se else None,
                               activation if act == "act" else _relu, block_id)
    last_conv_ch = _depth(x.shape[_axis()] * 6)
    if alpha > 1.0:
        last_point_ch = _depth(last_point_ch * alpha)
    x = layers.Conv2D(last_conv_ch, kernel_size=1, padding="same", use_bias=False,
                      name="conv_1")(x)
    x = _batch_norm("conv_1_bn")(x)
    x = activation(x)
    if include_top:
        x = layers.GlobalAveragePooling2D(keepdims=True)(x)
        x = layers.Conv2D(last_point_ch, kernel_size=1, padding="same", use_bias=True,
                          name="conv_2")(x)
        x = activation(x)
        if dropout_rate > 0:
            x = layers.Dropout(dropout_rate)(x)
        x = layers.Conv2D(classes, kernel_size=1, padding="same", name="logits")(x)
        x = layers.Flatten()(x)
        imagenet_utils.validate_activation(classifier_activation, weights)
        x = layers.Activation(activation=classifier_activation, name="predictions")(x)
    else:
        x = imagenet_utils.global_pool(x, pooling, named=True)
    kind = f"{model_type}{'_minimalistic' if minimalistic else ''}_224_{alpha}_float"
    file_name = f"weights_mobilenet_v3_{kind}" + (".h5" if include_top else "_no_top_v2.h5")
    return imagenet_utils.application_model(inputs, x, name, weights, file_name,
                                            WEIGHTS_URL + file_name,
                                            f"MobileNetV3{model_type.title()}")


_DOC = """MobileNetV3{kind}: inverted residual blocks with squeeze-and-excitation and hard-swish,
    found by architecture search; {params} parameters at ``alpha=1.0`` with the top. Same
    layers, names and weights as Keras's.

    The model takes pixels in [0, 255] (its first layer rescales them to [-1, 1] while
    ``include_preprocessing`` is ``True``), so no preprocessing is needed.

    Args:
        input_shape: ``(rows, cols, 3)``, at least 32x32. Defaults to ``None``:
            ``(None, None, 3)``, with or without the top.
        alpha: width multiplier of the blocks' filters. Defaults to 1.0; ImageNet weights
            exist for 0.75 and 1.0 (1.0 only with ``minimalistic``).
        minimalistic: ReLU and 3x3 kernels only, without squeeze-and-excitation. Defaults to
            ``False``.
        include_top: whether to end with pooling, the 1x1 convolutions "conv_2" and
            "logits", and the activation "predictions". Defaults to ``True``.
        weights: ``None`` (random weights), ``"imagenet"`` or the path of a weights file
            (Keras's ``.weights.h5`` or legacy ``.h5``, or numnet's). Defaults to
            ``"imagenet"``, read from Keras's cache: ``~/.keras/models/`` must hold
            ``weights_mobilenet_v3_{file}_224_1.0_float.h5`` (``..._no_top_v2.h5`` without
            the top); numnet does not download it.
        input_tensor: a symbolic tensor (``keras.Input(...)`` or a layer's output) to build
            the model on. Defaults to ``None``.
        classes: the classifier's classes, with the top. Defaults to 1000.
        pooling: without the top: ``None`` (the 4D feature map), ``"avg"`` or ``"max"``.
            Defaults to ``None``.
        dropout_rate: the dropout before the classifier. Defaults to 0.2.
        classifier_activation: the classifier's activation; ``None`` gives logits. Defaults
            to ``"softmax"``; with pretrained weights only ``None`` or ``"softmax"``.
        include_preprocessing: whether the model starts by rescaling pixels to [-1, 1].
            Defaults to ``True``.
        name: the model's name. Defaults to ``"MobileNetV3{kind}"``.

    Returns:
        A functional ``Model``.

    Raises:
        ValueError: for a bad ``weights``, ``classes``, ``alpha``, ``input_shape`` or
            ``classifier_activation``.
        FileNotFoundError: for ``weights="imagenet"`` when the file is not in the cache.
"""


def MobileNetV3Small(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Small"):
    return _mobilenet_v3(_SMALL, 1024, input_shape, alpha, "small", minimalistic, include_top,
                         weights, input_tensor, classes, pooling, dropout_rate,
                         classifier_activation, include_preprocessing, name)


def MobileNetV3Large(input_shape=None, alpha=1.0, minimalistic=False, include_top=True,
                     weights="imagenet", input_tensor=None, classes=1000, pooling=None,
                     dropout_rate=0.2, classifier_activation="softmax",
                     include_preprocessing=True, name="MobileNetV3Large"):
    return _mobilenet_v3(_LARGE, 1280, input_shape, alpha, "large", minimalistic, include_top,
                         weights, input_tensor, classes, pooling, dropout_rate,
                         classifier_activation, include_preprocessing, name)


MobileNetV3Small.__doc__ = _DOC.format(kind="Small", params="2,554,968", file="small")
MobileNetV3Large.__doc__ = _DOC.format(kind="Large", params="5,507,432", file="large")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "MobileNetV3", None, itself="rescale")


__all__ = ["MobileNetV3Large", "MobileNetV3Small", "decode_predictions", "preprocess_input"]
