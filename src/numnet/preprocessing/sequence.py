"""``keras.preprocessing.sequence``: pad_sequences, as ``numnet.utils.pad_sequences``."""

from ..utils import pad_sequences

__all__ = ["pad_sequences"]
