"""Keras 3's ``keras.config``: the global settings, under the names programs use.

``backend()`` is "numpy" (numnet computes with NumPy, or CuPy on a GPU; Keras's own numpy backend
is the closest of its names); ``floatx`` / ``set_floatx`` and ``epsilon`` / ``set_epsilon`` are
``numnet.backend``'s; ``dtype_policy`` / ``set_dtype_policy`` are ``numnet.mixed_precision``'s
global policy; ``image_data_format`` is recorded for programs that read it back (numnet has no
image layers that use it).
"""

from __future__ import annotations

from .backend import epsilon, floatx, set_epsilon, set_floatx
from .mixed_precision import dtype_policy, set_dtype_policy

_image_data_format = "channels_last"


def backend() -> str:
    """The name of the array library underneath: "numpy"."""
    return "numpy"


def image_data_format() -> str:
    """"channels_last" (Keras's default) unless set."""
    return _image_data_format


def set_image_data_format(data_format: str) -> None:
    """Record "channels_last" or "channels_first"."""
    global _image_data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"set_image_data_format(data_format): expected 'channels_last' or "
                         f"'channels_first', given {data_format!r}.")
    _image_data_format = data_format


__all__ = ["backend", "dtype_policy", "epsilon", "floatx", "image_data_format",
           "set_dtype_policy", "set_epsilon", "set_floatx", "set_image_data_format"]
