"""Optimizers: SGD, RMSprop, Adam, Adagrad; by object or by name ('adam')."""

from __future__ import annotations

import difflib

from . import schedules
from .adagrad import Adagrad
from .adam import Adam
from .base import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

_CLASSES = {"sgd": SGD, "rmsprop": RMSprop, "adam": Adam, "adagrad": Adagrad}


def get(identifier) -> Optimizer:
    """An optimizer from a name ('adam'), a config dict, a class or an instance."""
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _CLASSES.get(identifier.lower())
        if cls is None:
            close = difflib.get_close_matches(identifier.lower(), list(_CLASSES), n=3)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(
                f"compile(optimizer): unknown optimizer {identifier!r}; expected one of "
                f"{sorted(_CLASSES)} or an Optimizer object.{hint}"
            )
        return cls()
    if isinstance(identifier, dict):
        cls = _CLASSES.get(str(identifier.get("class_name", "")).lower())
        if cls is None:
            raise ValueError(f"optimizer: unknown class_name {identifier.get('class_name')!r}.")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise TypeError(
        f"compile(optimizer): expected an optimizer name or an Optimizer object, given "
        f"{type(identifier).__name__} {identifier!r}."
    )


def serialize(optimizer: Optimizer) -> dict:
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def deserialize(config: dict) -> Optimizer:
    return get(config)


__all__ = ["SGD", "Adagrad", "Adam", "Optimizer", "RMSprop", "get", "schedules"]
