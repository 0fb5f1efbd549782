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
    """fn(w) -> the constrained w; w is the weight's array."""

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
    def __init__(self, axis=0):
        self.axis = _axis(axis)

    def __call__(self, w):
        w = _array(w)
        return (w / (backend.epsilon() + _norms(w, self.axis))).astype(w.dtype, copy=False)

    def get_config(self):
        return {"axis": self.axis}


class NonNeg(Constraint):
    def __call__(self, w):
        w = _array(w)
        return w * (w >= 0).astype(w.dtype)


max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

_CLASSES = {"max_norm": MaxNorm, "min_max_norm": MinMaxNorm, "non_neg": NonNeg,
            "unit_norm": UnitNorm, "MaxNorm": MaxNorm, "MinMaxNorm": MinMaxNorm,
            "NonNeg": NonNeg, "UnitNorm": UnitNorm}


def get(identifier):
    """A constraint from a name ('max_norm'), a {"class_name", "config"} dict, an instance or a
    callable fn(w); None stays None."""
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


def serialize(constraint):
    """{"class_name", "config"} of a built-in constraint; None and plain callables as they are
    (a model file holds a callable only when it is registered; see numnet.saving)."""
    if not isinstance(constraint, Constraint):
        return constraint
    return {"class_name": type(constraint).__name__, "config": constraint.get_config()}


__all__ = ["Constraint", "MaxNorm", "MinMaxNorm", "NonNeg", "UnitNorm", "get", "max_norm",
           "min_max_norm", "non_neg", "serialize", "unit_norm"]
