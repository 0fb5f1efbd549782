"""LearningRateScheduler: set the learning rate at the start of each epoch."""

from __future__ import annotations

import inspect
import numbers

from .callback import Callback, get_learning_rate, set_learning_rate


class LearningRateScheduler(Callback):
    """Before each epoch, set the optimizer's learning rate to ``schedule(epoch, lr)`` (epoch
    counted from 0, lr the current rate) or ``schedule(epoch)`` for a one-argument function;
    after it, log the rate as 'learning_rate'. The optimizer must have been compiled with a
    number as its learning rate (a schedule's rate cannot be overwritten, as in Keras).

        LearningRateScheduler(lambda epoch, lr: lr if epoch < 10 else lr * 0.9)

    Defaults: verbose=0 (1 prints each new rate).

    Args:
        schedule: ``schedule(epoch, lr)`` (or ``schedule(epoch)``) giving the epoch's learning rate.
        verbose: 0 (silent) or 1 (print a line when it acts). Defaults to ``0``.
    """

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        if not callable(schedule):
            raise TypeError("LearningRateScheduler(schedule): expected a function "
                            f"schedule(epoch, lr) -> new lr, given {type(schedule).__name__}.")
        self.schedule, self.verbose = schedule, verbose
        try:
            params = inspect.signature(schedule).parameters.values()
            positional = [p for p in params if p.kind in (
                p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL)]
            self._two_args = len(positional) >= 2 or any(
                p.kind == p.VAR_POSITIONAL for p in positional)
        except (TypeError, ValueError):
            self._two_args = True

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        lr = get_learning_rate(optimizer)
        new = self.schedule(epoch, lr) if self._two_args else self.schedule(epoch)
        new = getattr(new, "value", new)
        if isinstance(new, bool) or not isinstance(new, (numbers.Real, float)):
            try:
                new = float(new)
            except (TypeError, ValueError):
                raise ValueError("LearningRateScheduler: schedule(epoch, lr) must return a "
                                 f"number, returned {new!r} for epoch {epoch}.") from None
        set_learning_rate(optimizer, float(new), "LearningRateScheduler")
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to "
                  f"{float(new)}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = get_learning_rate(self.model.optimizer)
