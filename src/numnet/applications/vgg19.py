"""``keras.applications.vgg19``: VGG19, layer for layer as Keras builds it."""

from __future__ import annotations

from . import imagenet_utils
from ._vgg import variant

VGG19 = variant("VGG19")
__test__ = {"VGG19": VGG19}  # (its example, for doctest)

preprocess_input, decode_predictions = imagenet_utils.family_functions(
    __name__, "VGG19", "caffe")

__all__ = ["VGG19", "decode_predictions", "preprocess_input"]
