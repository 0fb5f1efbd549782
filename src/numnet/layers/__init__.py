"""Layers: from numnet.layers import Dense."""

from .activation import ELU, LeakyReLU, ReLU, Softmax
from .base import Input, InputLayer, Layer, SymbolicTensor
from .core import Activation, Dense, Lambda
from .normalization import BatchNormalization
from .preprocessing import Normalization, Rescaling
from .regularization import Dropout, GaussianNoise
from .reshaping import Flatten, Reshape

__all__ = [
    "ELU", "Activation", "BatchNormalization", "Dense", "Dropout", "Flatten", "GaussianNoise",
    "Input", "InputLayer", "Lambda", "Layer", "LeakyReLU", "Normalization", "ReLU", "Rescaling",
    "Reshape", "Softmax", "SymbolicTensor",
]
