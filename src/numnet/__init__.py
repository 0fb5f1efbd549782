"""numnet: the Keras API on a small reverse-mode autodiff engine over NumPy (CuPy on a GPU).

    import numnet as keras                  # programs written for keras run unchanged
    import numnet as tf                     # tf.keras.Sequential, tf.nn.softmax, ...
"""

from __future__ import annotations

import sys as _sys

from . import (
    activations,
    backend,
    callbacks,
    config,
    constraints,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    mixed_precision,
    models,
    nn,
    ops,
    optimizers,
    preprocessing,
    regularizers,
    saving,
    utils,
)
from .advice import AdviceWarning
from .autodiff import Tensor, Variable
from .constraints import Constraint
from .initializers import Initializer
from .layers import Input, Layer
from .layers import SymbolicTensor as KerasTensor
from .losses import Loss
from .metrics import Metric
from .models import Model, Sequential
from .optimizers import Optimizer
from .regularizers import Regularizer

__version__ = "0.1.0"


def version() -> str:
    """numnet's version (``keras.version()``)."""
    return __version__

keras = _sys.modules[__name__]
"""``numnet.keras`` is numnet itself, so that ``tf.keras.layers.Dense`` reads as in TensorFlow."""

# Make ``import numnet.keras.layers`` and ``from numnet.keras.models import Sequential`` work.
_sys.modules[__name__ + ".keras"] = keras
for _name in ("activations", "backend", "callbacks", "config", "constraints", "datasets",
              "initializers", "layers", "losses", "metrics", "mixed_precision", "models", "ops",
              "optimizers", "preprocessing", "regularizers", "saving", "utils"):
    _sys.modules[f"{__name__}.keras.{_name}"] = _sys.modules[f"{__name__}.{_name}"]
for _name in ("boston_housing", "cifar10", "cifar100", "fashion_mnist", "imdb", "mnist",
              "reuters"):
    _sys.modules[f"{__name__}.keras.datasets.{_name}"] = getattr(datasets, _name)
_sys.modules[f"{__name__}.keras.optimizers.schedules"] = optimizers.schedules
_sys.modules[f"{__name__}.keras.preprocessing.sequence"] = preprocessing.sequence


def __getattr__(name):
    if name == "tools":
        import importlib

        return importlib.import_module(".tools", __name__)
    raise AttributeError(f"module 'numnet' has no attribute {name!r}")


__all__ = [
    "AdviceWarning", "Constraint", "Initializer", "Input", "KerasTensor", "Layer", "Loss",
    "Metric", "Model", "Optimizer", "Regularizer", "Sequential", "Tensor", "Variable",
    "activations", "backend", "callbacks", "config", "constraints", "datasets", "initializers",
    "keras", "layers", "losses", "metrics", "mixed_precision", "models", "nn", "ops",
    "optimizers", "preprocessing", "regularizers", "saving", "utils", "version",
]
