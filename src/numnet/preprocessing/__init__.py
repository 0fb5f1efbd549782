"""``keras.preprocessing``: ``sequence`` (pad_sequences, skipgrams, TimeseriesGenerator),
``text`` (Keras 2's Tokenizer), ``image`` (array_to_img, img_to_array,
load_img, save_img), ``timeseries_dataset_from_array``, ``text_dataset_from_directory`` and
``image_dataset_from_directory``."""

from . import image, image_data_generator, sequence, text
from .directory import image_dataset_from_directory, text_dataset_from_directory
from .timeseries import timeseries_dataset_from_array

# tf.keras.preprocessing.image also holds Keras 2's ImageDataGenerator and its transforms; they
# live in image_data_generator.py, which reads files through image.py's load_img.
for _name in image_data_generator.__all__:
    setattr(image, _name, getattr(image_data_generator, _name))
image.__all__ = sorted({*image.__all__, *image_data_generator.__all__})
del _name

__all__ = ["image", "image_dataset_from_directory", "sequence", "text",
           "text_dataset_from_directory", "timeseries_dataset_from_array"]
