"""``keras.applications.vgg16``: VGG16, layer for layer as Keras builds it."""

from __future__ import annotations

from . import imagenet_utils
from ._vgg import variant

VGG16 = variant("VGG16")
__test__ = {"VGG16": VGG16}  # (its example, for doctest)

preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "VGG16", "caffe")

__all__ = ["VGG16", "decode_predictions", "preprocess_input"]
