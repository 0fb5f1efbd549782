"""``keras.preprocessing``: ``from numnet.preprocessing.sequence import pad_sequences``."""

from . import sequence

__all__ = ["sequence"]
