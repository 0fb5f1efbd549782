"""``keras.applications.resnet50``: ResNet50 and its input preparation (the same as
``keras.applications.resnet``'s)."""

from .resnet import ResNet50, decode_predictions, preprocess_input

__all__ = ["ResNet50", "decode_predictions", "preprocess_input"]
