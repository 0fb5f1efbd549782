"""``keras.applications.vgg19``: VGG19, layer for layer as Keras builds it."""

from __future__ import annotations

from . import imagenet_utils
from ._vgg import ARGS, PREPROCESS_DOC, vgg


def VGG19(include_top=True, weights="imagenet", input_tensor=None, input_shape=None,
          pooling=None, classes=1000, classifier_activation="softmax", name="vgg19"):
    return vgg((2, 2, 4, 4, 4), include_top, weights, input_tensor, input_shape, pooling,
               classes, classifier_activation, name, "VGG19")


VGG19.__doc__ = """VGG19: 16 convolutions in five blocks (2, 2, 4, 4, 4) and three dense
    layers; 143,667,240 parameters with the top. Same layers, names and weights as Keras's.
""" + ARGS.format(module="vgg19") + """
    Example:
        >>> base = keras.applications.VGG19(include_top=False, weights=None,
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


preprocess_input.__doc__ = PREPROCESS_DOC.format(model="VGG19")

__all__ = ["VGG19", "decode_predictions", "preprocess_input"]
