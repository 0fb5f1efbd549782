"""Keras 3's ``keras.config``: the global settings, under the names programs use.

``backend()`` is "numpy" (numnet computes with NumPy, or CuPy on a GPU; Keras's own numpy backend
is the closest of its names); ``floatx`` / ``set_floatx`` and ``epsilon`` / ``set_epsilon`` are
``numnet.backend``'s; ``dtype_policy`` / ``set_dtype_policy`` are ``numnet.mixed_precision``'s
global policy; ``image_data_format`` is "channels_last", the layout numnet's convolution and
pooling layers compute in (they refuse "channels_first").

Keras's debugging switches work as in Keras: ``set_max_epochs(n)`` caps the epochs of every
``fit`` and ``set_max_steps_per_epoch(n)`` the batches of every epoch (fit, validation,
evaluate), each with a warning (also set by the environment variables ``NUMNET_MAX_EPOCHS`` and
``NUMNET_MAX_STEPS_PER_EPOCH``); ``disable_interactive_logging()`` sends the progress bars'
lines to the ``numnet`` logger instead of stdout, one line per bar.
``enable_unsafe_deserialization()`` is accepted and changes nothing: loading a model file never
runs code from it (``numnet.saving.load_model``).

The switches of Keras's other backends are kept as settings a program can set and read back:
traceback filtering (on by default, as Keras; numnet's errors are raised where the problem is
found, so there are no framework frames to hide), flash attention (None: automatic) and JAX's
NNX (False). ``set_backend(name)`` accepts only "numpy", the one backend numnet has.
"""

from __future__ import annotations

import os

from .backend import (
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from .dtype_policies import dtype_policy, set_dtype_policy

_interactive_logging = True
_traceback_filtering = True
_flash_attention = None


def _check_limit(value, where: str):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: expected a positive integer or None (no limit), given "
                         f"{value!r}.")
    return int(value)


def _limit_from_env(name: str):
    value = os.environ.get(name)
    if value is None or not value.strip():
        return None
    try:
        limit = int(value)
    except ValueError:
        raise ValueError(f"{name}: expected a positive integer, given {value!r}.") from None
    return _check_limit(limit, name)


_max_epochs = _limit_from_env("NUMNET_MAX_EPOCHS")
_max_steps_per_epoch = _limit_from_env("NUMNET_MAX_STEPS_PER_EPOCH")


def backend() -> str:
    """The name of the array library underneath: "numpy"."""
    return "numpy"


def set_max_epochs(max_epochs) -> None:
    """Cap the epochs of every ``fit`` at ``max_epochs`` (None: no cap), for quick debugging
    runs; fit warns when it cuts."""
    global _max_epochs
    _max_epochs = _check_limit(max_epochs, "set_max_epochs(max_epochs)")


def max_epochs():
    """The cap set by ``set_max_epochs`` (or NUMNET_MAX_EPOCHS), or None."""
    return _max_epochs


def set_max_steps_per_epoch(max_steps_per_epoch) -> None:
    """Cap the batches of every epoch (fit, validation, evaluate) at ``max_steps_per_epoch``
    (None: no cap), for quick debugging runs; a warning says when it cuts."""
    global _max_steps_per_epoch
    _max_steps_per_epoch = _check_limit(max_steps_per_epoch,
                                        "set_max_steps_per_epoch(max_steps_per_epoch)")


def max_steps_per_epoch():
    """The cap set by ``set_max_steps_per_epoch`` (or NUMNET_MAX_STEPS_PER_EPOCH), or None."""
    return _max_steps_per_epoch


def enable_interactive_logging() -> None:
    """Progress bars write to stdout (the default)."""
    global _interactive_logging
    _interactive_logging = True


def disable_interactive_logging() -> None:
    """Progress bars send their lines to the ``numnet`` logger (``logging.getLogger("numnet")``,
    level INFO) instead of stdout: one line for each bar when it is done, none in between."""
    global _interactive_logging
    _interactive_logging = False


def is_interactive_logging_enabled() -> bool:
    """Whether progress bars write to stdout (True, the default) or to the ``numnet`` logger."""
    return _interactive_logging


def enable_unsafe_deserialization() -> None:
    """Accepted for Keras programs; changes nothing. numnet never runs code from a model file,
    so there is nothing unsafe to allow (custom objects come from ``custom_objects`` or the
    registry)."""


def enable_traceback_filtering() -> None:
    """Turn traceback filtering on (the default, as Keras). numnet raises its errors where it
    finds the problem, so the setting is recorded for programs that read it and hides nothing.
    """
    global _traceback_filtering
    _traceback_filtering = True


def disable_traceback_filtering() -> None:
    """Turn traceback filtering off, as Keras's debugging advice says to; see
    ``enable_traceback_filtering``."""
    global _traceback_filtering
    _traceback_filtering = False


def is_traceback_filtering_enabled() -> bool:
    """Whether traceback filtering is on: True unless ``disable_traceback_filtering()``."""
    return _traceback_filtering


def enable_flash_attention() -> None:
    """Record that flash attention is wanted (numnet's attention has one kernel; the setting is
    kept so that ``is_flash_attention_enabled()`` returns True, as Keras)."""
    global _flash_attention
    _flash_attention = True


def disable_flash_attention() -> None:
    """Record that flash attention is not wanted (``is_flash_attention_enabled()`` is False)."""
    global _flash_attention
    _flash_attention = False


def is_flash_attention_enabled():
    """None (the default: automatic, as Keras), or what the last enable / disable set."""
    return _flash_attention


def is_nnx_enabled() -> bool:
    """False: JAX's NNX is a Keras JAX-backend option; numnet does not use JAX."""
    return False


def set_backend(backend: str) -> None:
    """Accepts "numpy", the one backend numnet has, and changes nothing. Any other name raises
    ValueError: numnet computes with NumPy (CuPy on a GPU); run Keras itself for jax, torch or
    tensorflow."""
    if backend != "numpy":
        raise ValueError(f"set_backend(backend): numnet has one backend, 'numpy'; given "
                         f"{backend!r}. To run on {backend!r}, use Keras itself with "
                         f"KERAS_BACKEND={backend!r}.")


__all__ = ["backend", "disable_flash_attention", "disable_interactive_logging",
           "disable_traceback_filtering", "dtype_policy", "enable_flash_attention",
           "enable_interactive_logging", "enable_traceback_filtering",
           "enable_unsafe_deserialization", "epsilon", "floatx", "image_data_format",
           "is_flash_attention_enabled", "is_interactive_logging_enabled", "is_nnx_enabled",
           "is_traceback_filtering_enabled", "max_epochs", "max_steps_per_epoch",
           "set_backend", "set_dtype_policy", "set_epsilon", "set_floatx",
           "set_image_data_format", "set_max_epochs", "set_max_steps_per_epoch"]
