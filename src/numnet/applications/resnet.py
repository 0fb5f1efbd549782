"""``keras.applications.resnet``: ResNet50, ResNet101 and ResNet152 (He et al., 2015), the
bottleneck ("v1") form, layer for layer as Keras builds them, so that Keras's weight files load
into them."""

from __future__ import annotations

from .. import config, layers
from . import imagenet_utils

WEIGHTS_URL = "https://storage.googleapis.com/tensorflow/keras-applications/resnet/"


def _bn_axis() -> int:
    return 1 if config.image_data_format() == "channels_first" else 3


def _batch_norm(name):
    return layers.BatchNormalization(axis=_bn_axis(), epsilon=1.001e-5, name=name)


def residual_block_v1(x, filters, kernel_size=3, stride=1, conv_shortcut=True, name=None):
    """One bottleneck block: 1x1 (``filters``, with ``stride``), ``kernel_size`` x
    ``kernel_size``, 1x1 (``4 * filters``), each with batch normalization, added to the
    shortcut (a strided 1x1 convolution when ``conv_shortcut``, else the input), then ReLU.
    Its layers are named ``{name}_0_conv`` ... ``{name}_out``."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _batch_norm(f"{name}_0_bn")(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, kernel_size, padding="same", name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _batch_norm(f"{name}_3_bn")(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack_residual_blocks_v1(x, filters, blocks, stride1=2, name=None):
    """``blocks`` bottleneck blocks named ``{name}_block1`` ...: the first with a convolution
    shortcut and stride ``stride1`` (defaults to 2), the others with identity shortcuts."""
    x = residual_block_v1(x, filters, stride=stride1, name=f"{name}_block1")
    for i in range(2, blocks + 1):
        x = residual_block_v1(x, filters, conv_shortcut=False, name=f"{name}_block{i}")
    return x


def _resnet(depths, include_top, weights, input_tensor, input_shape, pooling, classes,
            classifier_activation, name, weights_name, what):
    """ResNet v1: four stacks of ``depths`` bottleneck blocks (64, 128, 256, 512 filters)."""
    def stacks(x):
        for stage, (filters, blocks) in enumerate(zip((64, 128, 256, 512), depths,
                                                      strict=True)):
            x = stack_residual_blocks_v1(x, filters, blocks, stride1=1 if stage == 0 else 2,
                                         name=f"conv{stage + 2}")
        return x

    return build_resnet(stacks, False, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name, weights_name, what)


def build_resnet(stacks, preact, include_top, weights, input_tensor, input_shape, pooling,
                 classes, classifier_activation, name, weights_name, what):
    """The stem (7x7/2 convolution, 3x3/2 max pooling), ``stacks(x)`` and the head. With
    ``preact`` (ResNet v2) the stem has no batch normalization and the stacks are followed by
    "post_bn" and "post_relu"."""
    image, inputs, _ = imagenet_utils.application_input(
        input_tensor, input_shape, weights, include_top, classes, 224)
    x = layers.ZeroPadding2D(((3, 3), (3, 3)), name="conv1_pad")(image)
    x = layers.Conv2D(64, 7, strides=2, use_bias=True, name="conv1_conv")(x)
    if not preact:
        x = _batch_norm("conv1_bn")(x)
        x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    x = stacks(x)
    if preact:
        x = _batch_norm("post_bn")(x)
        x = layers.Activation("relu", name="post_relu")(x)
    x = imagenet_utils.classifier(x, include_top, pooling, classes, classifier_activation, weights,
                                  named=True)
    file_name = (f"{weights_name}_weights_tf_dim_ordering_tf_kernels"
                 f"{'' if include_top else '_notop'}.h5")
    return imagenet_utils.application_model(inputs, x, name, weights, file_name,
                                            WEIGHTS_URL + file_name, what)


def _doc(summary: str, file: str, prepared: str = "resnet.preprocess_input`` (RGB to BGR, "
         "then ImageNet's mean pixel subtracted)", example: str = "") -> str:
    """The docstring of a ResNet builder (v1 and v2): ``summary``, how its input is
    ``prepared``, the arguments."""
    return imagenet_utils.builder_doc(
        f"{summary}\n\n    Feed it images prepared by ``keras.applications.{prepared}.",
        top='global average pooling ("avg_pool") and the 1000-class ``Dense`` layer '
            '"predictions"',
        weights_file=f"``{file}_weights_tf_dim_ordering_tf_kernels.h5`` (``..._notop.h5`` "
                     "without the top)",
        min_size=32, size=224, name=file,
        shape="; with the top and ImageNet weights it must be (224, 224, 3)",
        pooling=" (global pooling to ``(batch, 2048)``)", example=example)


def ResNet50(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
             pooling=None, classes=1000, classifier_activation="softmax", name="resnet50"):
    return _resnet((3, 4, 6, 3), include_top, weights, input_tensor, input_shape, pooling,
                   classes, classifier_activation, name, "resnet50", "ResNet50")


def ResNet101(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet101"):
    return _resnet((3, 4, 23, 3), include_top, weights, input_tensor, input_shape, pooling,
                   classes, classifier_activation, name, "resnet101", "ResNet101")


def ResNet152(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
              pooling=None, classes=1000, classifier_activation="softmax", name="resnet152"):
    return _resnet((3, 8, 36, 3), include_top, weights, input_tensor, input_shape, pooling,
                   classes, classifier_activation, name, "resnet152", "ResNet152")


ResNet50.__doc__ = _doc(
    "ResNet50: 50 layers of bottleneck residual blocks (3, 4, 6, 3 per stage);\n    "
    "25,636,712 parameters with the top. Same layers, names and weights as Keras's.",
    "resnet50", example="""\
        >>> base = keras.applications.ResNet50(include_top=False, weights=None,
        ...                                    input_shape=(64, 64, 3), pooling="avg")
        >>> base.output_shape
        (None, 2048)
""")
ResNet101.__doc__ = _doc(
    "ResNet101: bottleneck residual blocks (3, 4, 23, 3 per stage);\n    44,707,176 "
    "parameters with the top. Same layers, names and weights as Keras's.", "resnet101")
ResNet152.__doc__ = _doc(
    "ResNet152: bottleneck residual blocks (3, 8, 36, 3 per stage);\n    60,419,944 "
    "parameters with the top. Same layers, names and weights as Keras's.", "resnet152")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "ResNet", "caffe", example="""\
        >>> preprocess_input(np.array([[[255.0, 0.0, 0.0]]]))  # one red pixel
        array([[[-103.939, -116.779,  131.32 ]]])
""")


__all__ = ["ResNet50", "ResNet101", "ResNet152", "decode_predictions", "preprocess_input"]
