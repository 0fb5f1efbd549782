"""numnet's version, at the bottom floor (the model files record it)."""

__version__ = "0.1.0"
