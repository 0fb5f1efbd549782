"""Keras 3's ``keras.ops`` for numnet: ``numnet.ops.mean(numnet.ops.square(y_true - y_pred))``.

Each function takes arrays or Tensors and returns a Tensor that records its gradient, so custom
losses, metrics and Lambda layers written with ``keras.ops`` train under numnet. They are the
engine's own ops (numnet.autodiff.ops) and activations under Keras 3's names; ``clip`` takes
``(x, x_min, x_max)`` and ``reshape`` ``(x, newshape)`` as there.
"""

from __future__ import annotations

from .activations import (
    elu,
    gelu,
    leaky_relu,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    tanh,
)
from .autodiff.ops import (
    abs,  # noqa: A004
    add,
    as_tensor,
    cast,
    clip,
    concatenate,
    divide,
    exp,
    log,
    log1p,
    matmul,
    maximum,
    mean,
    minimum,
    multiply,
    negative,
    power,
    reshape,
    sqrt,
    square,
    subtract,
    sum,  # noqa: A004
    transpose,
)
from .autodiff.tensor import Tensor


def convert_to_tensor(x, dtype=None) -> Tensor:
    """``x`` as a Tensor (float data in floatx unless ``dtype`` is given)."""
    tensor = as_tensor(x)
    return tensor if dtype is None else cast(tensor, dtype)


swish = silu

__all__ = ["abs", "add", "cast", "clip", "concatenate", "convert_to_tensor", "divide", "elu",
           "exp", "gelu", "leaky_relu", "log", "log1p", "log_softmax", "matmul", "maximum",
           "mean", "minimum", "multiply", "negative", "power", "relu", "relu6", "reshape",
           "selu", "sigmoid", "silu", "softmax", "softplus", "softsign", "sqrt", "square",
           "subtract", "sum", "swish", "tanh", "transpose"]
