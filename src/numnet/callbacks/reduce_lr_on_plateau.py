"""ReduceLROnPlateau: lower the learning rate when a monitored quantity stops improving."""

from __future__ import annotations

import numpy as np

from .callback import get_learning_rate, set_learning_rate
from .monitor_callback import MonitorCallback, maximizes


class ReduceLROnPlateau(MonitorCallback):
    """Multiply the learning rate by ``factor`` after ``patience`` epochs without improvement.

    At each epoch end, as Keras: the current rate goes into the logs as 'learning_rate'. If
    the monitored value improves on the best (``value < best - min_delta`` to minimize,
    ``value > best + min_delta`` to maximize) it becomes the best and the wait restarts;
    otherwise, outside a cooldown, the wait grows by one, and when it reaches ``patience`` the
    rate becomes ``max(lr * factor, min_lr)`` (if lr > min_lr), the wait restarts and
    ``cooldown`` epochs follow in which the wait stays 0.

    Defaults, as Keras: monitor='val_loss', factor=0.1 (must be < 1), patience=10, verbose=0,
    mode='auto' (as MonitorCallback; a name it cannot place is minimized, as Keras does),
    min_delta=1e-4, cooldown=0, min_lr=0.

    Args:
        monitor: the log to follow: 'val_loss', 'loss', 'val_accuracy', ... Defaults to
            ``'val_loss'``.
        factor: the factor the rate is multiplied by, in (0, 1). Defaults to ``0.1``.
        patience: how many epochs without improvement are allowed. Defaults to ``10``.
        verbose: 0 (silent) or 1 (print a line when it acts). Defaults to ``0``.
        mode: 'min', 'max' or 'auto' (losses and errors go down, accuracies and scores up). Defaults
            to ``'auto'``.
        min_delta: the smallest change that counts as an improvement (≥ 0). Defaults to ``0.0001``.
        cooldown: epochs to wait after a reduction before counting again. Defaults to ``0``.
        min_lr: the lowest learning rate. Defaults to ``0.0``.
        **kwargs: Keras 2's ``epsilon`` (the old name of min_delta).

    Example:
        >>> reduce = numnet.callbacks.ReduceLROnPlateau(factor=0.5, patience=2, min_lr=1e-5)
    """

    def __init__(self, monitor: str = "val_loss", factor: float = 0.1, patience: int = 10,
                 verbose: int = 0, mode: str = "auto", min_delta: float = 1e-4,
                 cooldown: int = 0, min_lr: float = 0.0, **kwargs):
        if "epsilon" in kwargs:  # Keras 2's name for min_delta
            min_delta = kwargs.pop("epsilon")
        if kwargs:
            raise TypeError(f"ReduceLROnPlateau() got an unexpected keyword argument "
                            f"{next(iter(kwargs))!r}.")
        super().__init__(monitor, mode, min_delta=min_delta)
        if not 0 <= factor < 1:
            raise ValueError(f"ReduceLROnPlateau(factor): the new rate is lr * factor, so "
                             f"factor must be in [0, 1); given {factor!r}.")
        for value, name in ((patience, "patience"), (cooldown, "cooldown")):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"ReduceLROnPlateau({name}): expected an integer >= 0, given "
                                 f"{value!r}.")
        if min_lr < 0:
            raise ValueError(f"ReduceLROnPlateau(min_lr): expected >= 0, given {min_lr!r}.")
        self.factor = float(factor)
        self.patience = patience
        self.verbose = verbose
        self.cooldown = cooldown
        self.min_lr = float(min_lr)
        self.cooldown_counter = 0
        self.wait = 0

    def _set_direction(self) -> None:
        if self.maximize is None:
            try:
                self.maximize = maximizes(self.model, self.monitor, self.mode,
                                          "ReduceLROnPlateau")
            except ValueError:
                self.maximize = False

    def on_train_begin(self, logs=None):
        self.best = None
        self.cooldown_counter = 0
        self.wait = 0

    def in_cooldown(self) -> bool:
        return self.cooldown_counter > 0

    def on_epoch_end(self, epoch, logs=None):
        logs = logs if logs is not None else {}
        optimizer = self.model.optimizer
        logs["learning_rate"] = get_learning_rate(optimizer)
        self._set_direction()
        current = self._monitored(logs, "learning-rate reduction is conditioned")
        if current is None:
            return
        if self.in_cooldown():
            self.cooldown_counter -= 1
            self.wait = 0
        if self._is_improvement(current, self.best):
            self.best = current
            self.wait = 0
        elif not self.in_cooldown():
            self.wait += 1
            if self.wait >= self.patience:
                old = get_learning_rate(optimizer)
                if old > np.float32(self.min_lr):
                    new = max(old * self.factor, self.min_lr)
                    set_learning_rate(optimizer, new, "ReduceLROnPlateau")
                    if self.verbose > 0:
                        print(f"\nEpoch {epoch + 1}: ReduceLROnPlateau reducing learning rate "
                              f"to {new}.")
                    self.cooldown_counter = self.cooldown
                    self.wait = 0


__all__ = ["ReduceLROnPlateau"]
