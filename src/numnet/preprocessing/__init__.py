"""``keras.preprocessing``: ``sequence.pad_sequences``, ``image`` (array_to_img, img_to_array,
load_img, save_img) and ``timeseries_dataset_from_array``."""

from . import image, sequence
from .timeseries import timeseries_dataset_from_array

__all__ = ["image", "sequence", "timeseries_dataset_from_array"]
