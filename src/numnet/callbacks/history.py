"""History: the per-epoch logs that fit returns."""

from __future__ import annotations

from .callback import Callback


class History(Callback):
    """``history.history``: a dict from each log name ('loss', 'val_accuracy', ...) to a list
    with one value per epoch that logged it; ``history.epoch``: the epoch numbers (from 0).
    ``epochs_of[name]``: the epochs each log was written at (validation logs with
    ``validation_freq`` > 1 miss some), which numnet.utils.plot_history uses."""

    def __init__(self):
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []
        self.epochs_of: dict[str, list] = {}

    def on_train_begin(self, logs=None):
        self.epoch = []
        self.history = {}
        self.epochs_of = {}

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
            self.epochs_of.setdefault(key, []).append(epoch)
        if self.model is not None:
            self.model.history = self
