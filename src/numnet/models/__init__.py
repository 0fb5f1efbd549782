"""Models: Sequential, Model, and loading / cloning helpers."""

from __future__ import annotations

from ..saving import load_model, model_from_json
from .model import Model
from .sequential import Sequential


def clone_model(model, input_tensors=None, clone_function=None):
    """A new model with the same architecture and freshly initialised weights."""
    if not isinstance(model, Sequential):
        raise TypeError(
            f"clone_model(model): only Sequential models can be cloned, given "
            f"{type(model).__name__}."
        )
    config = model.get_config()
    config["name"] = None
    for spec in config["layers"]:
        spec["config"].pop("name", None)
    return Sequential.from_config(config)


__all__ = ["Model", "Sequential", "clone_model", "load_model", "model_from_json"]
