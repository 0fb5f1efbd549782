"""Checks of the arguments of fit, evaluate and predict, each error naming the argument."""

from __future__ import annotations

import warnings

import numpy as np

from .. import config
from ..callbacks import Callback, CallbackList

_FIT_ARGS = ["x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
             "validation_data", "shuffle", "class_weight", "sample_weight", "initial_epoch",
             "steps_per_epoch", "validation_steps", "validation_batch_size", "validation_freq",
             "learning_rate"]


def _check_batch_size(batch_size, where: str) -> int:
    if batch_size is None:
        return 32
    return _check_positive_int(batch_size, f"{where}(batch_size)")


def _check_positive_int(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{where}: expected a positive integer, given {value!r}.")
    return int(value)


def _callback_list(callbacks, where: str) -> list:
    if callbacks is None:
        return []
    if isinstance(callbacks, CallbackList):
        return list(callbacks.callbacks)
    cbs = [callbacks] if isinstance(callbacks, Callback) else callbacks
    if not isinstance(cbs, (list, tuple)) or not all(isinstance(c, Callback) for c in cbs):
        raise TypeError(
            f"{where}(callbacks): expected a list of Callback objects (e.g. "
            f"[EarlyStopping(patience=3)]), given {callbacks!r}."
        )
    return list(cbs)


def _check_validation_freq(freq) -> None:
    if isinstance(freq, (list, tuple, set, range)):
        if all(isinstance(e, (int, np.integer)) and not isinstance(e, bool) and e >= 1
               for e in freq):
            return
    elif isinstance(freq, (int, np.integer)) and not isinstance(freq, bool) and freq >= 1:
        return
    raise ValueError(
        "fit(validation_freq): expected a positive integer n (validate every n-th epoch) or a "
        f"list of epoch numbers counted from 1 (e.g. [1, 5, 10]), given {freq!r}.")


def _should_eval(epoch: int, freq) -> bool:
    """Whether to validate after ``epoch`` (counted from 0): every freq-th epoch, or the epochs
    listed in freq (counted from 1), as Keras."""
    if isinstance(freq, (int, np.integer)):
        return (epoch + 1) % int(freq) == 0
    return epoch + 1 in freq


def _check_shuffle(shuffle) -> None:
    if not (isinstance(shuffle, (bool, np.bool_)) or shuffle == "batch"):
        raise ValueError(f"fit(shuffle): expected True, False or 'batch', given {shuffle!r}.")


def _rows(x) -> int:
    """len(x) for an array or a sequence of rows; 0 where it has none (a scalar)."""
    try:
        return len(x)
    except TypeError:
        return 0


def _resolve_verbose(verbose) -> int:
    if verbose == "auto":
        import sys

        return 1 if getattr(sys.stdout, "isatty", lambda: False)() else 2
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"verbose: expected 'auto', 0, 1 or 2, given {verbose!r}.")
    return int(verbose)


def _check_fit_arguments(epochs, initial_epoch, validation_split, validation_freq, shuffle,
                         **counts) -> int:
    """fit's numbers checked, each error naming the argument; returns the epochs to run
    (capped by numnet.config.set_max_epochs, for debugging runs)."""
    if not isinstance(epochs, (int, np.integer)) or isinstance(epochs, bool) or epochs < 0:
        raise ValueError(f"fit(epochs): expected a non-negative integer, given {epochs!r}.")
    if config._max_epochs is not None and config._max_epochs < epochs:
        warnings.warn(f"Limiting epochs to {config._max_epochs} "
                      "(numnet.config.set_max_epochs).", stacklevel=3)
        epochs = config._max_epochs
    if isinstance(initial_epoch, bool) or not isinstance(initial_epoch, (int, np.integer)) \
            or initial_epoch < 0:
        raise ValueError(
            f"fit(initial_epoch): expected a non-negative integer, given {initial_epoch!r}.")
    if isinstance(validation_split, bool) or not isinstance(
            validation_split, (int, float, np.integer, np.floating)):
        raise TypeError(
            "fit(validation_split): expected a fraction in [0, 1), given "
            f"{type(validation_split).__name__} {validation_split!r}.")
    if not 0.0 <= float(validation_split) < 1.0:
        raise ValueError(
            f"fit(validation_split): expected a fraction in [0, 1), given {validation_split}.")
    _check_validation_freq(validation_freq)
    for name, value in counts.items():
        if value is not None:
            _check_positive_int(value, f"fit({name})")
    _check_shuffle(shuffle)
    return int(epochs)
