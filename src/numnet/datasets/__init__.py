"""Datasets: ``<name>.load_data()`` as Keras's. mnist ships a real sample; the others read the
files of Keras's cache, a path, or download them from Keras's origins (see ``_files``)."""

from . import (
    boston_housing,
    california_housing,
    cifar10,
    cifar100,
    fashion_mnist,
    imdb,
    mnist,
    reuters,
)
from ._files import DatasetFileError

__all__ = ["DatasetFileError", "boston_housing", "california_housing", "cifar10", "cifar100",
           "fashion_mnist", "imdb", "mnist", "reuters"]
