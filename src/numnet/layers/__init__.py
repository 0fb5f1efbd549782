"""Layers: from numnet.layers import Dense."""

from .activation import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .base import Input, InputLayer, Layer, SymbolicTensor
from .core import Activation, Dense, Identity, Lambda
from .merging import (
    Add,
    Average,
    Concatenate,
    Dot,
    Maximum,
    Minimum,
    Multiply,
    Subtract,
    add,
    average,
    concatenate,
    dot,
    maximum,
    minimum,
    multiply,
    subtract,
)
from .normalization import BatchNormalization, LayerNormalization, UnitNormalization
from .preprocessing import Normalization, Rescaling
from .regularization import (
    ActivityRegularization,
    AlphaDropout,
    Dropout,
    GaussianDropout,
    GaussianNoise,
)
from .reshaping import Flatten, Permute, RepeatVector, Reshape

__all__ = [
    "ELU", "Activation", "ActivityRegularization", "AlphaDropout", "BatchNormalization", "Dense",
    "Dropout", "Flatten", "GaussianDropout", "GaussianNoise", "Identity", "Input", "InputLayer",
    "Lambda", "Layer", "LayerNormalization", "LeakyReLU", "Normalization", "PReLU", "Permute",
    "ReLU", "RepeatVector", "Rescaling", "Reshape", "Softmax", "SymbolicTensor",
    "UnitNormalization",
    "Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum", "Multiply", "Subtract", "add",
    "average", "concatenate", "dot", "maximum", "minimum", "multiply", "subtract",
]
