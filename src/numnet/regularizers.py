"""Weight penalties added to the loss: L1 = l1 sum|w|, L2 = l2 sum w^2, L1L2 = both."""

from __future__ import annotations

from ._config import Configurable, by_name
from .autodiff import ops


class Regularizer(Configurable):
    """Base class of weight penalties: ``regularizer(w)`` returns a scalar added to the loss.

    Subclass it and override ``__call__(self, x)`` (and ``get_config`` for saving); pass one as
    ``kernel_regularizer=``, ``bias_regularizer=`` or ``activity_regularizer=`` of a layer.

    Args:
        x: (of ``__call__``) the weight, or the layer's output for an activity regularizer.

    Example:
        >>> import numpy as np
        >>> float(numnet.regularizers.L2(0.1)(np.array([1.0, -2.0], "float32")))
        0.5
    """

    def __call__(self, x):
        raise NotImplementedError


class L1L2(Regularizer):
    """The penalty l1 · Σ|w| + l2 · Σw².

    Args:
        l1: the factor of the sum of absolute values. Defaults to 0.0.
        l2: the factor of the sum of squares. Defaults to 0.0.

    Raises:
        ValueError: when a factor is negative or not a number.

    Example:
        >>> import numpy as np
        >>> reg = numnet.regularizers.L1L2(l1=0.1, l2=0.1)
        >>> round(float(reg(np.array([1.0, -2.0], "float32"))), 4)
        0.8
    """

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        _check_factor("l1", l1)
        _check_factor("l2", l2)
        self.l1, self.l2 = float(l1), float(l2)

    def __call__(self, x):
        penalty = 0.0
        if self.l1:
            penalty = ops.multiply(ops.sum(ops.abs(x)), self.l1)
        if self.l2:
            penalty = ops.add(penalty, ops.multiply(ops.sum(ops.square(x)), self.l2))
        return ops.as_tensor(penalty) if isinstance(penalty, float) else penalty

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """The penalty l1 · Σ|w|, which pushes weights to exactly zero.

    Args:
        l1: the factor. Defaults to 0.01.

    Example:
        >>> import numpy as np
        >>> round(float(numnet.regularizers.L1(0.1)(np.array([1.0, -2.0], "float32"))), 4)
        0.3
    """

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=l1)

    def get_config(self):
        return {"l1": self.l1}


class L2(L1L2):
    """The penalty l2 · Σw² (weight decay through the loss).

    Args:
        l2: the factor. Defaults to 0.01.

    Example:
        >>> import numpy as np
        >>> float(numnet.regularizers.L2(0.1)(np.array([1.0, -2.0], "float32")))
        0.5
    """

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=l2)

    def get_config(self):
        return {"l2": self.l2}


def _check_factor(name, value):
    if not isinstance(value, (int, float)) or isinstance(value, bool) or value < 0:
        raise ValueError(f"regularizer: {name} must be a non-negative number, given {value!r}.")


class OrthogonalRegularizer(Regularizer):
    """A penalty that pushes the rows (or columns) of a 2-D weight to be orthogonal.

    With u_i the rows of w scaled to unit length (columns when ``mode="columns"``), n of
    them, the penalty is factor · ½ · Σ_{i≠j} |u_i · u_j| / (n (n − 1) / 2): the factor times
    the mean |cosine| over the pairs. A row of zeros stays zero (its norm is taken as at least
    ``backend.epsilon()``), as in Keras.

    Args:
        factor: the factor. Defaults to 0.01.
        mode: "rows" or "columns". Defaults to ``"rows"``.

    Raises:
        ValueError: for a negative factor, another mode, or a weight that is not 2-D.

    Example:
        >>> import numpy as np
        >>> reg = numnet.regularizers.OrthogonalRegularizer(factor=1.0)
        >>> round(float(reg(np.array([[1.0, 0.0], [1.0, 1.0]], "float32"))), 4)
        0.7071
    """

    def __init__(self, factor: float = 0.01, mode: str = "rows"):
        _check_factor("factor", factor)
        if mode not in ("rows", "columns"):
            raise ValueError(f"OrthogonalRegularizer(mode): expected 'rows' or 'columns', "
                             f"given {mode!r}.")
        self.factor, self.mode = float(factor), mode

    def __call__(self, x):
        from . import backend

        x = ops.as_tensor(x)
        if x.ndim != 2:
            raise ValueError(f"OrthogonalRegularizer: expected a 2-D weight, given shape "
                             f"{tuple(x.shape)}.")
        axis = 1 if self.mode == "rows" else 0
        norm = ops.sqrt(ops.sum(ops.square(x), axis=axis, keepdims=True))
        u = ops.divide(x, ops.maximum(norm, backend.epsilon()))
        if self.mode == "rows":
            product = ops.matmul(u, ops.transpose(u))
        else:
            product = ops.matmul(ops.transpose(u), u)
        n = product.shape[0]
        off = 1.0 - backend.xp.eye(n, dtype=product.value.dtype)
        total = ops.sum(ops.abs(ops.multiply(product, off)))
        return ops.multiply(total, self.factor * 0.5 / (n * (n - 1) / 2.0))

    def get_config(self):
        return {"factor": self.factor, "mode": self.mode}


l1, l2, l1_l2 = L1, L2, L1L2
orthogonal_regularizer = OrthogonalRegularizer

_CLASSES = {"l1": L1, "l2": L2, "l1_l2": L1L2, "L1": L1, "L2": L2, "L1L2": L1L2,
            "orthogonal_regularizer": OrthogonalRegularizer,
            "OrthogonalRegularizer": OrthogonalRegularizer}


def get(identifier):
    """Returns a regularizer from a name, a config dict, an instance or a callable.

    Args:
        identifier: ``"l1"``, ``"l2"``, ``"l1_l2"``, a ``{"class_name", "config"}`` dict, a
            Regularizer, a callable ``fn(w)``, or None (returned as it is).

    Raises:
        TypeError: for anything else.
    """
    if identifier is None or isinstance(identifier, Regularizer):
        return identifier
    if isinstance(identifier, str):
        return by_name("regularizer", identifier, _CLASSES)()
    if isinstance(identifier, dict):
        return _CLASSES[identifier["class_name"]].from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise TypeError(
        f"regularizer: expected a name, a Regularizer or a callable, given {identifier!r}.")


def deserialize(config, custom_objects=None):
    """The regularizer a ``serialize`` dict describes (or a name, as ``get``).

    Args:
        config: ``{"class_name": ..., "config": ...}`` or a name.
        custom_objects: ``{name: class}`` for regularizers of your own. Defaults to ``None``.

    Example:
        >>> numnet.regularizers.deserialize({"class_name": "L2", "config": {"l2": 0.1}})
        L2(l2=0.1)
    """
    if isinstance(config, dict) and custom_objects and config.get("class_name") in custom_objects:
        return custom_objects[config["class_name"]].from_config(config.get("config", {}))
    if isinstance(config, dict) and config.get("class_name") not in _CLASSES:
        raise ValueError(f"regularizers.deserialize(config): unknown class_name "
                         f"{config.get('class_name')!r}; expected one of {sorted(_CLASSES)}, or "
                         "give your class in custom_objects.")
    return get(config)


def serialize(regularizer) -> dict | None:
    """Returns ``{"class_name", "config"}`` of a regularizer.

    Args:
        regularizer: a Regularizer, or None (gives None).
    """
    if regularizer is None:
        return None
    return {"class_name": type(regularizer).__name__, "config": regularizer.get_config()}


__all__ = ["L1", "L1L2", "L2", "OrthogonalRegularizer", "Regularizer", "deserialize", "get",
           "l1", "l1_l2", "l2", "orthogonal_regularizer", "serialize"]
