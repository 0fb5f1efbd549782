"""MonitorCallback: what EarlyStopping, ModelCheckpoint and ReduceLROnPlateau share: a monitored
log, whether it should go up or down, and what counts as an improvement."""

from __future__ import annotations

import warnings

import numpy as np

from .callback import Callback

_UP = ("acc", "auc", "precision", "recall", "f1", "fbeta", "r2", "iou", "true_positives",
       "true_negatives", "steps_per_second")
_DOWN = ("loss", "error", "crossentropy", "hinge", "poisson", "divergence", "mse", "mae", "mape",
         "msle", "false_positives", "false_negatives", "logcosh", "huber")


def check_mode(mode, who: str) -> str:
    if mode not in ("auto", "min", "max"):
        raise ValueError(f"{who}(mode): expected 'auto', 'min' or 'max', given {mode!r}.")
    return mode


def maximizes(model, monitor: str, mode: str, who: str) -> bool:
    """Whether higher values of ``monitor`` are better.

    mode 'max' / 'min' say so; 'auto' decides as Keras: 'loss' and 'val_loss' go down; a
    metric of the model with a ``_direction`` ('up' / 'down') says which; otherwise the name
    does (accuracy, AUC, precision, recall, F-scores, R2 go up; errors, cross-entropies and
    other losses go down). A ValueError asks for a mode when the name says nothing.
    """
    if mode != "auto":
        return mode == "max"
    name = monitor[4:] if monitor.startswith("val_") else monitor
    if name == "loss":
        return False
    listed = []
    for metric in getattr(model, "metrics", None) or []:  # a container's (compile_metrics) too
        inner = getattr(metric, "metrics", None)
        listed += inner if isinstance(inner, list) else [metric]
    for metric in listed:
        direction = getattr(metric, "_direction", None)
        if getattr(metric, "name", None) == name and direction in ("up", "down"):
            return direction == "up"
    lowered = name.lower()
    if any(word in lowered for word in _UP):
        return True
    if any(word in lowered for word in _DOWN):
        return False
    raise ValueError(
        f"{who}(monitor={monitor!r}): cannot tell whether {monitor!r} should be maximized or "
        "minimized; pass mode='max' (higher is better) or mode='min' (lower is better).")


def scalar(value):
    """A log value as a float, or None when it is not a single number (a vector metric)."""
    array = np.asarray(value)
    return float(array) if array.size == 1 else None


class MonitorCallback(Callback):
    """A callback that follows the log ``monitor`` (default 'val_loss').

    Improvement, as Keras: ``current - min_delta > best`` when maximizing, ``current +
    min_delta < best`` when minimizing (min_delta >= 0); anything beats a ``best`` of None.
    The direction is settled at the first epoch end, once the model's metrics exist.

    Args:
        monitor: the log to follow: 'val_loss', 'loss', 'val_accuracy', ... Defaults to
            ``'val_loss'``.
        mode: 'min', 'max' or 'auto' (losses and errors go down, accuracies and scores up). Defaults
            to ``'auto'``.
        baseline: a value the monitored quantity must beat; None for none. Defaults to ``None``.
        min_delta: the smallest change that counts as an improvement (≥ 0). Defaults to ``0.0``.
    """

    def __init__(self, monitor: str = "val_loss", mode: str = "auto", baseline=None,
                 min_delta: float = 0.0):
        super().__init__()
        who = type(self).__name__
        if not isinstance(monitor, str):
            raise TypeError(f"{who}(monitor): expected the name of a log such as 'val_loss', "
                            f"given {type(monitor).__name__}.")
        self.monitor = monitor
        self.mode = check_mode(mode, who)
        self.best = baseline
        self.min_delta = abs(float(min_delta))
        self.maximize: bool | None = None

    def _set_direction(self) -> None:
        if self.maximize is None:
            self.maximize = maximizes(self.model, self.monitor, self.mode, type(self).__name__)

    def _is_improvement(self, value, reference) -> bool:
        if reference is None:
            return True
        if self.maximize:
            return value - self.min_delta > reference
        return value + self.min_delta < reference

    def _monitored(self, logs, what: str):
        """The monitored value from ``logs``, or None (with a warning naming the logs there)."""
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"{type(self).__name__}: {what} on {self.monitor!r}, which is not in the logs; "
                f"available: {', '.join(logs or {}) or 'none'}.", stacklevel=3)
            return None
        return scalar(value)
