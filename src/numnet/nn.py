"""Functions on arrays, as ``tf.nn``: ``numnet.nn.softmax(logits)``, ``numnet.nn.sigmoid(z)``.

Each takes an array or Tensor and returns a Tensor (``.numpy()``, ``np.asarray``, indexing).
"""

from __future__ import annotations

from .activations import (
    elu,
    gelu,
    leaky_relu,
    log_sigmoid,
    log_softmax,
    relu,
    relu6,
    selu,
    sigmoid,
    silu,
    softmax,
    softplus,
    softsign,
    swish,
    tanh,
)

__all__ = ["elu", "gelu", "leaky_relu", "log_sigmoid", "log_softmax", "relu", "relu6", "selu",
           "sigmoid", "silu", "softmax", "softplus", "softsign", "swish", "tanh"]
