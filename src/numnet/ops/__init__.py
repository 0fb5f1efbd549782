"""Keras 3's ``keras.ops`` for numnet: ``numnet.ops.mean(numnet.ops.square(y_true - y_pred))``.

Each function takes arrays, Python numbers or Tensors and returns a Tensor that records its
gradient where Keras's op has one, so custom layers, losses and metrics written with
``keras.ops`` train under numnet. Names, arguments, defaults and dtypes are Keras 3's. The ops
live in ``numnet.ops.numpy`` (NumPy-like), ``numnet.ops.nn`` (activations, cross-entropies),
``numnet.ops.linalg`` and ``numnet.ops.core`` (conversion, scatters, math), all importable from
here. Called on a functional model's symbolic inputs, an op becomes a node of the model.

>>> from numnet import ops
>>> ops.sum(ops.square(ops.convert_to_tensor([1.0, 2.0]))).item()
5.0
"""

from __future__ import annotations

from ..autodiff.ops import as_tensor as as_tensor
from ..autodiff.tensor import Tensor as Tensor
from . import core, linalg, nn, numpy
from . import image as image  # keras.ops.image: numnet.ops.image.resize, ...
from .core import *  # noqa: F403
from .core import result_type as result_type
from .linalg import *  # noqa: F403
from .nn import *  # noqa: F403
from .numpy import *  # noqa: F403

__all__ = sorted({*core.__all__, *linalg.__all__, *nn.__all__, *numpy.__all__})
