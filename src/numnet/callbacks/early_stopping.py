"""EarlyStopping: stop when a monitored quantity has stopped improving."""

from __future__ import annotations

import warnings

from .callback import Callback


def _mode_is_max(mode: str, monitor: str) -> bool:
    if mode == "max":
        return True
    if mode == "min":
        return False
    return any(word in monitor for word in ("acc", "auc", "precision", "recall", "f1", "r2"))


class EarlyStopping(Callback):
    """Stop training after ``patience`` epochs without an improvement of at least ``min_delta``.

    restore_best_weights=True puts back the weights of the best epoch when it stops.
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0):
        super().__init__()
        if mode not in ("auto", "min", "max"):
            raise ValueError(
                f"EarlyStopping(mode): expected 'auto', 'min' or 'max', given {mode!r}.")
        self.monitor, self.patience, self.verbose = monitor, int(patience), verbose
        self.baseline, self.restore_best_weights = baseline, restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.maximize = _mode_is_max(mode, monitor)
        self.min_delta = abs(min_delta) if self.maximize else -abs(min_delta)
        self.mode = mode

    def _improved(self, value, reference) -> bool:
        if reference is None:
            return True
        if self.maximize:
            return value - self.min_delta > reference
        return value - self.min_delta < reference

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        value = (logs or {}).get(self.monitor)
        if value is None:
            warnings.warn(
                f"EarlyStopping: the monitored metric {self.monitor!r} is not in the logs "
                f"(available: {sorted(logs or {})}).", stacklevel=2)
            return
        if epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
        self.wait += 1
        if self._improved(value, self.best):
            self.best, self.best_epoch = value, epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._improved(value, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch and self.verbose:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None and self.stopped_epoch:
            if self.verbose:
                print(f"Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
