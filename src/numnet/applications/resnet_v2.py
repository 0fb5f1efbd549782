"""``keras.applications.resnet_v2``: ResNet50V2, ResNet101V2 and ResNet152V2 (He et al., 2016,
"Identity Mappings in Deep Residual Networks"): batch normalization and ReLU before each
convolution; layer for layer as Keras builds them."""

from __future__ import annotations

from .. import layers
from . import imagenet_utils
from .resnet import _batch_norm, build_resnet
from .resnet import _doc as _resnet_doc


def residual_block_v2(x, filters, kernel_size=3, stride=1, conv_shortcut=False, name=None):
    """One pre-activation bottleneck block: BN and ReLU first ("{name}_preact_bn"), then 1x1
    (``filters``), ``kernel_size`` x ``kernel_size`` (with ``stride``), 1x1 (``4 * filters``),
    added to the shortcut: a 1x1 convolution of the pre-activation when ``conv_shortcut``,
    else the input (1x1 max-pooled when ``stride`` > 1)."""
    preact = _batch_norm(f"{name}_preact_bn")(x)
    preact = layers.Activation("relu", name=f"{name}_preact_relu")(preact)
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(preact)
    else:
        shortcut = layers.MaxPooling2D(1, strides=stride)(x) if stride > 1 else x
    x = layers.Conv2D(filters, 1, strides=1, use_bias=False, name=f"{name}_1_conv")(preact)
    x = _batch_norm(f"{name}_1_bn")(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.ZeroPadding2D(((1, 1), (1, 1)), name=f"{name}_2_pad")(x)
    x = layers.Conv2D(filters, kernel_size, strides=stride, use_bias=False,
                      name=f"{name}_2_conv")(x)
    x = _batch_norm(f"{name}_2_bn")(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    return layers.Add(name=f"{name}_out")([shortcut, x])


def stack_residual_blocks_v2(x, filters, blocks, stride1=2, name=None):
    """``blocks`` pre-activation blocks: the first with a convolution shortcut, the last with
    stride ``stride1`` (defaults to 2), where v2 downsamples."""
    x = residual_block_v2(x, filters, conv_shortcut=True, name=f"{name}_block1")
    for i in range(2, blocks):
        x = residual_block_v2(x, filters, name=f"{name}_block{i}")
    return residual_block_v2(x, filters, stride=stride1, name=f"{name}_block{blocks}")


def _resnet_v2(depths, include_top, weights, input_tensor, input_shape, pooling, classes,
               classifier_activation, name, what):
    def stacks(x):
        for stage, (filters, blocks) in enumerate(zip((64, 128, 256, 512), depths,
                                                      strict=True)):
            x = stack_residual_blocks_v2(x, filters, blocks, stride1=1 if stage == 3 else 2,
                                         name=f"conv{stage + 2}")
        return x

    return build_resnet(stacks, True, include_top, weights, input_tensor, input_shape,
                        pooling, classes, classifier_activation, name, name, what)


def ResNet50V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
               pooling=None, classes=1000, classifier_activation="softmax",
               name="resnet50v2"):
    return _resnet_v2((3, 4, 6, 3), include_top, weights, input_tensor, input_shape, pooling,
                      classes, classifier_activation, name, "ResNet50V2")


def ResNet101V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet101v2"):
    return _resnet_v2((3, 4, 23, 3), include_top, weights, input_tensor, input_shape, pooling,
                      classes, classifier_activation, name, "ResNet101V2")


def ResNet152V2(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
                pooling=None, classes=1000, classifier_activation="softmax",
                name="resnet152v2"):
    return _resnet_v2((3, 8, 36, 3), include_top, weights, input_tensor, input_shape, pooling,
                      classes, classifier_activation, name, "ResNet152V2")


def _doc(what, stages, params, file):
    return _resnet_doc(f"{what}: pre-activation bottleneck blocks ({stages} per stage); "
                       f"{params} parameters with the top. Same layers, names and weights as "
                       "Keras's.", file, "resnet_v2.preprocess_input`` (pixels scaled to "
                       "[-1, 1])")


ResNet50V2.__doc__ = _doc("ResNet50V2", "3, 4, 6, 3", "25,613,800", "resnet50v2")
ResNet101V2.__doc__ = _doc("ResNet101V2", "3, 4, 23, 3", "44,675,560", "resnet101v2")
ResNet152V2.__doc__ = _doc("ResNet152V2", "3, 8, 36, 3", "60,380,648", "resnet152v2")


preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "ResNet v2", "tf")


__all__ = ["ResNet50V2", "ResNet101V2", "ResNet152V2", "decode_predictions",
           "preprocess_input"]
