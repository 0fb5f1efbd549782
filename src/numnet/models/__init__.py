"""Models: Sequential, Model, and loading / cloning helpers."""

from .cloning import clone_model
from .model import Model
from .sequential import Sequential

# load_model and model_from_json (Keras's keras.models names) are set here by numnet.saving when
# it is imported: the file formats sit above models.
__all__ = ["Model", "Sequential", "clone_model", "load_model", "model_from_json"]
