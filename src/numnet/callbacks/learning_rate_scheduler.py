"""LearningRateScheduler: set the learning rate at the start of each epoch."""

from __future__ import annotations

import inspect

from .callback import Callback


class LearningRateScheduler(Callback):
    """``schedule(epoch, lr) -> new lr`` (or ``schedule(epoch)``), applied before each epoch."""

    def __init__(self, schedule, verbose: int = 0):
        super().__init__()
        self.schedule, self.verbose = schedule, verbose
        try:
            self._two_args = len(inspect.signature(schedule).parameters) >= 2
        except (TypeError, ValueError):
            self._two_args = True

    def on_epoch_begin(self, epoch, logs=None):
        optimizer = self.model.optimizer
        base = optimizer._learning_rate
        lr = base if isinstance(base, float) else optimizer.current_learning_rate()
        new = self.schedule(epoch, lr) if self._two_args else self.schedule(epoch)
        new = float(getattr(new, "value", new))
        optimizer.learning_rate = new
        if self.verbose:
            print(f"\nEpoch {epoch + 1}: LearningRateScheduler setting learning rate to {new}.")

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["learning_rate"] = self.model.optimizer.current_learning_rate()
