"""The one error type for a bad model file."""

from __future__ import annotations


class ModelFileError(ValueError):
    """A model or weights file (or model JSON) that is truncated, tampered with, from a newer
    numnet, or does not fit the model: the message says what is wrong and where (the member of
    the archive, the field of config.json)."""


__all__ = ["ModelFileError"]
