"""``keras.applications``: ImageNet models built layer for layer as Keras builds them (same
layer names, shapes and parameter counts), so that weights saved by Keras load into them.

    base = keras.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False,
                                          weights="imagenet")
    base.trainable = False

``weights="imagenet"`` reads Keras's pretrained file from its cache (``~/.keras/models``, under
Keras's file name); numnet does not download, and says which file to put there when it is
missing. ``weights=None`` builds the model with random weights; a path loads that file.

Each model's module holds its ``preprocess_input`` and ``decode_predictions``:
``keras.applications.mobilenet``, ``mobilenet_v2``, ``mobilenet_v3``, ``resnet`` / ``resnet50``,
``resnet_v2``, ``vgg16``, ``vgg19``, ``efficientnet``, ``efficientnet_v2``, ``xception``,
``inception_v3``, ``inception_resnet_v2``, ``densenet``, ``convnext``, ``nasnet``.
"""

import importlib as _importlib
import sys as _sys

if __name__ == "numnet.applications":
    from . import (
        convnext,
        densenet,
        efficientnet,
        efficientnet_v2,
        imagenet_utils,
        inception_resnet_v2,
        inception_v3,
        mobilenet,
        mobilenet_v2,
        mobilenet_v3,
        nasnet,
        resnet,
        resnet50,
        resnet_v2,
        vgg16,
        vgg19,
        xception,
    )
    from .convnext import (
        ConvNeXtBase,
        ConvNeXtLarge,
        ConvNeXtSmall,
        ConvNeXtTiny,
        ConvNeXtXLarge,
    )
    from .densenet import DenseNet121, DenseNet169, DenseNet201
    from .efficientnet import (
        EfficientNetB0,
        EfficientNetB1,
        EfficientNetB2,
        EfficientNetB3,
        EfficientNetB4,
        EfficientNetB5,
        EfficientNetB6,
        EfficientNetB7,
    )
    from .efficientnet_v2 import (
        EfficientNetV2B0,
        EfficientNetV2B1,
        EfficientNetV2B2,
        EfficientNetV2B3,
        EfficientNetV2L,
        EfficientNetV2M,
        EfficientNetV2S,
    )
    from .inception_resnet_v2 import InceptionResNetV2
    from .inception_v3 import InceptionV3
    from .mobilenet import MobileNet
    from .mobilenet_v2 import MobileNetV2
    from .mobilenet_v3 import MobileNetV3Large, MobileNetV3Small
    from .nasnet import NASNetLarge, NASNetMobile
    from .resnet import ResNet50, ResNet101, ResNet152
    from .resnet_v2 import ResNet50V2, ResNet101V2, ResNet152V2
    from .vgg16 import VGG16
    from .vgg19 import VGG19
    from .xception import Xception

    # ``from numnet.keras.applications.resnet50 import ResNet50`` (tf.keras's spelling)
    for _name in ("convnext", "densenet", "efficientnet", "efficientnet_v2", "imagenet_utils",
                  "inception_resnet_v2", "inception_v3", "mobilenet", "mobilenet_v2",
                  "mobilenet_v3", "nasnet", "resnet", "resnet50", "resnet_v2", "vgg16", "vgg19",
                  "xception"):
        _sys.modules[f"numnet.keras.applications.{_name}"] = _sys.modules[f"{__name__}.{_name}"]
    _sys.modules["numnet.keras.applications"] = _sys.modules[__name__]
    del _name
else:  # imported first as numnet.keras.applications: be numnet.applications, not a copy
    _sys.modules[__name__] = _importlib.import_module("numnet.applications")

__all__ = [
    "ConvNeXtBase", "ConvNeXtLarge", "ConvNeXtSmall", "ConvNeXtTiny", "ConvNeXtXLarge",
    "DenseNet121", "DenseNet169", "DenseNet201", "EfficientNetB0", "EfficientNetB1",
    "EfficientNetB2", "EfficientNetB3", "EfficientNetB4", "EfficientNetB5", "EfficientNetB6",
    "EfficientNetB7", "EfficientNetV2B0", "EfficientNetV2B1", "EfficientNetV2B2",
    "EfficientNetV2B3", "EfficientNetV2L", "EfficientNetV2M", "EfficientNetV2S",
    "InceptionResNetV2", "InceptionV3", "MobileNet", "MobileNetV2", "MobileNetV3Large",
    "MobileNetV3Small", "NASNetLarge", "NASNetMobile", "ResNet50", "ResNet101", "ResNet152",
    "ResNet50V2", "ResNet101V2", "ResNet152V2", "VGG16", "VGG19", "Xception", "convnext",
    "densenet", "efficientnet", "efficientnet_v2", "imagenet_utils", "inception_resnet_v2",
    "inception_v3", "mobilenet", "mobilenet_v2", "mobilenet_v3", "nasnet", "resnet", "resnet50",
    "resnet_v2", "vgg16", "vgg19", "xception",
]
