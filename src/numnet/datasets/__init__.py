"""Datasets: ``mnist.load_data()`` as Keras's, from the real MNIST sample bundled here."""

from . import mnist

__all__ = ["mnist"]
