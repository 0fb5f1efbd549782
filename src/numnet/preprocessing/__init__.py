"""``keras.preprocessing``: ``sequence`` (pad_sequences, skipgrams, TimeseriesGenerator),
``text`` (Keras 2's Tokenizer), ``image`` (array_to_img, img_to_array,
load_img, save_img), ``timeseries_dataset_from_array``, ``text_dataset_from_directory`` and
``image_dataset_from_directory``."""

from . import image, sequence, text
from .directory import image_dataset_from_directory, text_dataset_from_directory
from .timeseries import timeseries_dataset_from_array

__all__ = ["image", "image_dataset_from_directory", "sequence", "text",
           "text_dataset_from_directory", "timeseries_dataset_from_array"]
