"""Models: Sequential, Model, and loading / cloning helpers."""

from ..saving import load_model, model_from_json
from .cloning import clone_model
from .model import Model
from .sequential import Sequential

__all__ = ["Model", "Sequential", "clone_model", "load_model", "model_from_json"]
