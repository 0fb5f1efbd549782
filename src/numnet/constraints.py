"""Weight constraints, applied to a weight after each optimizer step (as Keras 3 does).

With n = sqrt(sum of w^2 over ``axis``) and eps = backend.epsilon():

- MaxNorm(max_value=2, axis=0):  w * clip(n, 0, max_value) / (eps + n)
- MinMaxNorm(min_value=0, max_value=1, rate=1, axis=0):
  w * (rate * clip(n, min_value, max_value) + (1 - rate) * n) / (eps + n)
- UnitNorm(axis=0):  w / (eps + n)
- NonNeg():  w * (w >= 0)

For a Dense kernel of shape (inputs, units), axis=0 constrains the weights into each unit.
"""

from __future__ import annotations

from . import backend
from ._config import Configurable, by_name


class Constraint(Configurable):
    """Base class of weight constraints: ``constraint(w)`` returns the constrained weight.

    Subclass it and override ``__call__(self, w)`` (and ``get_config`` for saving). Pass one as
    ``kernel_constraint=`` or ``bias_constraint=`` of a layer: it is applied to the weight after
    each optimizer step.

    Args:
        w: (of ``__call__``) the weight's array.

    Example:
        >>> import numpy as np
        >>> numnet.constraints.NonNeg()(np.array([-1.0, 2.0], "float32")).tolist()
        [-0.0, 2.0]
    """

    def __call__(self, w):
        return w


def _array(w):
    """The weight as an array of the device in use (a Variable's value, or host data moved)."""
    return backend.to_device(getattr(w, "value", w))


def _norms(w, axis):
    xp = backend.xp
    return xp.sqrt(xp.sum(xp.square(w), axis=axis, keepdims=True))


def _axis(axis):
    return axis if isinstance(axis, int) else tuple(int(a) for a in axis)


class MaxNorm(Constraint):
    """Rescales the weights into each unit whose norm exceeds ``max_value`` down to it.

    With n the L2 norm over ``axis``: w ← w · clip(n, 0, max_value) / (ε + n).

    Args:
        max_value: the largest norm allowed. Defaults to 2.0.
        axis: the axis (or axes) the norm is taken over; 0, the default, constrains the
            incoming weights of each unit of a Dense kernel of shape (inputs, units).

    Example:
        >>> import numpy as np
        >>> w = np.array([[3.0], [4.0]], "float32")          # norm 5
        >>> print(numnet.constraints.MaxNorm(1.0)(w).round(3))
        [[0.6]
         [0.8]]
    """

    def __init__(self, max_value: float = 2.0, axis=0):
        self.max_value, self.axis = float(max_value), _axis(axis)

    def __call__(self, w):
        w = _array(w)
        norms = _norms(w, self.axis)
        desired = backend.xp.clip(norms, 0, self.max_value)
        return (w * (desired / (backend.epsilon() + norms))).astype(w.dtype, copy=False)

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Moves the norm of the weights into each unit towards [min_value, max_value].

    With n the L2 norm over ``axis``:
    w ← w · (rate · clip(n, min_value, max_value) + (1 − rate) · n) / (ε + n).

    Args:
        min_value: the smallest norm. Defaults to 0.0.
        max_value: the largest norm. Defaults to 1.0.
        rate: how far to move towards the interval each step, in [0, 1]; 1.0 (the default)
            puts the norm inside at once.
        axis: the axis (or axes) of the norm. Defaults to 0.

    Example:
        >>> import numpy as np
        >>> c = numnet.constraints.MinMaxNorm(min_value=1.0, max_value=2.0)
        >>> round(float(np.linalg.norm(c(np.array([[0.3], [0.4]], "float32")))), 4)  # 0.5 -> 1
        1.0
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0,
                 axis=0):
        self.min_value, self.max_value = float(min_value), float(max_value)
        self.rate, self.axis = float(rate), _axis(axis)

    def __call__(self, w):
        w = _array(w)
        norms = _norms(w, self.axis)
        desired = (self.rate * backend.xp.clip(norms, self.min_value, self.max_value)
                   + (1 - self.rate) * norms)
        return (w * (desired / (backend.epsilon() + norms))).astype(w.dtype, copy=False)

    def get_config(self):
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate,
                "axis": self.axis}


class UnitNorm(Constraint):
    """Scales the weights into each unit to norm 1: w ← w / (ε + n), n the L2 norm over axis.

    Args:
        axis: the axis (or axes) of the norm. Defaults to 0.

    Example:
        >>> import numpy as np
        >>> print(numnet.constraints.UnitNorm()(np.array([[3.0], [4.0]], "float32")).round(3))
        [[0.6]
         [0.8]]
    """

    def __init__(self, axis=0):
        self.axis = _axis(axis)

    def __call__(self, w):
        w = _array(w)
        return (w / (backend.epsilon() + _norms(w, self.axis))).astype(w.dtype, copy=False)

    def get_config(self):
        return {"axis": self.axis}


class NonNeg(Constraint):
    """Sets negative weights to zero: w ← w · (w ≥ 0). Takes no arguments.

    Example:
        >>> import numpy as np
        >>> numnet.constraints.NonNeg()(np.array([-1.0, 2.0], "float32")).tolist()
        [-0.0, 2.0]
    """

    def __call__(self, w):
        w = _array(w)
        return w * (w >= 0).astype(w.dtype)


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

_CLASSES = {"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg,
            "unit_norm": UnitNorm, "MaxNorm": MaxNorm, "MinMaxNorm": MinMaxNorm,
            "NonNeg": NonNeg, "UnitNorm": UnitNorm}


def get(identifier):
    """Returns a constraint from a name, a config dict, an instance or a callable.

    Args:
        identifier: a name (``"max_norm"``), a ``{"class_name", "config"}`` dict, a Constraint,
            a callable ``fn(w)``, or None (returned as it is).

    Returns:
        The Constraint (or the callable, or None).

    Raises:
        TypeError: for anything else.
    """
    if identifier is None or isinstance(identifier, Constraint):
        return identifier
    if isinstance(identifier, str):
        return by_name("constraint", identifier, _CLASSES)()
    if isinstance(identifier, dict) and identifier.get("class_name") in _CLASSES:
        return _CLASSES[identifier["class_name"]].from_config(identifier.get("config", {}))
    if callable(identifier):
        return identifier
    raise TypeError(f"constraint: expected a name such as 'max_norm', a Constraint or a "
                    f"callable fn(w), given {identifier!r}.")


def deserialize(config, custom_objects=None):
    """The constraint a ``serialize`` dict describes (or a name, as ``get``).

    Args:
        config: ``{"class_name": ..., "config": ...}`` or a name.
        custom_objects: ``{name: class}`` for constraints of your own. Defaults to ``None``.

    Example:
        >>> numnet.constraints.deserialize({"class_name": "MaxNorm", "config": {"max_value": 2}})
        MaxNorm(max_value=2.0, axis=0)
    """
    if isinstance(config, dict):
        name = config.get("class_name")
        if custom_objects and name in custom_objects:
            return custom_objects[name].from_config(config.get("config", {}))
        if name not in _CLASSES:
            raise ValueError(f"constraints.deserialize(config): unknown class_name {name!r}; "
                             f"expected one of {sorted(_CLASSES)}, or give your class in "
                             "custom_objects.")
    return get(config)


def serialize(constraint):
    """Returns ``{"class_name", "config"}`` of a built-in constraint.

    Args:
        constraint: a Constraint; None and plain callables are returned as they are (a model
            file holds a callable only when it is registered; see numnet.saving).
    """
    if not isinstance(constraint, Constraint):
        return constraint
    return {"class_name": type(constraint).__name__, "config": constraint.get_config()}


__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "deserialize", "get",
           "max_norm", "min_max_norm", "non_neg", "serialize", "unit_norm"]
