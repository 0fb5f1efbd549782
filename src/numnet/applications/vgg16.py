"""``keras.applications.vgg16``: VGG16, layer for layer as Keras builds it."""

from __future__ import annotations

from . import imagenet_utils
from ._vgg import ARGS, PREPROCESS_DOC, vgg


def VGG16(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg16"):
    return vgg((2, 2, 3, 3, 3), include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation, name, "VGG16")


VGG16.__doc__ = """VGG16: 13 convolutions in five blocks (2, 2, 3, 3, 3) and three dense
    layers; 138,357,544 parameters with the top. Same layers, names and weights as Keras's.
""" + ARGS.format(module="vgg16") + """
    Example:
        >>> base = keras.applications.VGG16(include_top=False, weights=None,
        ...                                 input_shape=(32, 32, 3))
        >>> base.output_shape
        (None, 1, 1, 512)
"""


def preprocess_input(x, data_format=None):
    return imagenet_utils.preprocess_input(x, data_format=data_format, mode="caffe")


def decode_predictions(preds, top=5):
    """The ``top`` ImageNet classes of each prediction: see
    ``keras.applications.imagenet_utils.decode_predictions``."""
    return imagenet_utils.decode_predictions(preds, top=top)


preprocess_input.__doc__ = PREPROCESS_DOC.format(model="VGG16")

__all__ = ["VGG16", "decode_predictions", "preprocess_input"]
