"""EarlyStopping: stop when a monitored quantity has stopped improving."""

from __future__ import annotations

from .monitor_callback import MonitorCallback


class EarlyStopping(MonitorCallback):
    """Stop training when ``monitor`` has not improved for ``patience`` epochs.

    At each epoch end (from epoch ``start_from_epoch`` on): if the value improves on the best
    so far (by more than ``min_delta``: ``value < best - min_delta`` for a quantity to
    minimize, ``value > best + min_delta`` to maximize) it becomes the best, and the count of
    epochs waited restarts at 0 when it also improves on ``baseline`` (when given);
    otherwise the count goes up by one, and at ``patience`` (from the second epoch on) training
    stops. ``restore_best_weights=True`` puts back the weights of the best epoch when training
    ends, whether it stopped early or ran all its epochs (as Keras 3); if no epoch improved on
    ``baseline`` the best of those seen is restored all the same.

    Defaults, as Keras: monitor='val_loss', min_delta=0, patience=0, verbose=0, mode='auto'
    (see MonitorCallback: loss goes down, accuracy up), baseline=None,
    restore_best_weights=False, start_from_epoch=0.

    After fit: ``stopped_epoch`` (0 if it did not stop), ``best``, ``best_epoch``.

    Args:
        monitor: the log to follow: 'val_loss', 'loss', 'val_accuracy', ... Defaults to
            ``'val_loss'``.
        min_delta: the smallest change that counts as an improvement (≥ 0). Defaults to ``0.0``.
        patience: how many epochs without improvement are allowed. Defaults to ``0``.
        verbose: 0 (silent) or 1 (print a line when it acts). Defaults to ``0``.
        mode: 'min', 'max' or 'auto' (losses and errors go down, accuracies and scores up). Defaults
            to ``'auto'``.
        baseline: a value the monitored quantity must beat; None for none. Defaults to ``None``.
        restore_best_weights: put back the weights of the best epoch when training ends. Defaults to
            ``False``.
        start_from_epoch: the number of epochs to wait before monitoring starts. Defaults to ``0``.

    Example:
        >>> stop = numnet.callbacks.EarlyStopping(monitor="val_loss", patience=3,
        ...                                       restore_best_weights=True)
        >>> # model.fit(x, y, validation_split=0.2, epochs=100, callbacks=[stop])
    """

    def __init__(self, monitor: str = "val_loss", min_delta: float = 0.0, patience: int = 0,
                 verbose: int = 0, mode: str = "auto", baseline: float | None = None,
                 restore_best_weights: bool = False, start_from_epoch: int = 0):
        super().__init__(monitor, mode, min_delta=min_delta)
        for value, name in ((patience, "patience"), (start_from_epoch, "start_from_epoch")):
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ValueError(f"EarlyStopping({name}): expected an integer >= 0, given "
                                 f"{value!r}.")
        self.patience = patience
        self.verbose = verbose
        self.baseline = baseline
        self.restore_best_weights = restore_best_weights
        self.start_from_epoch = start_from_epoch
        self.wait = 0
        self.stopped_epoch = 0
        self.best_weights = None
        self.best_epoch = 0

    def on_train_begin(self, logs=None):
        self.wait = 0
        self.stopped_epoch = 0
        self.best = None
        self.best_weights = None
        self.best_epoch = 0

    def on_epoch_end(self, epoch, logs=None):
        self._set_direction()
        current = self._monitored(logs, "early stopping is conditioned")
        if current is None or epoch < self.start_from_epoch:
            return
        if self.restore_best_weights and self.best_weights is None:
            self.best_weights = self.model.get_weights()
            self.best_epoch = epoch
        self.wait += 1
        if self._is_improvement(current, self.best):
            self.best = current
            self.best_epoch = epoch
            if self.restore_best_weights:
                self.best_weights = self.model.get_weights()
            if self.baseline is None or self._is_improvement(current, self.baseline):
                self.wait = 0
            return
        if self.wait >= self.patience and epoch > 0:
            self.stopped_epoch = epoch
            self.model.stop_training = True

    def on_train_end(self, logs=None):
        if self.stopped_epoch > 0 and self.verbose > 0:
            print(f"Epoch {self.stopped_epoch + 1}: early stopping")
        if self.restore_best_weights and self.best_weights is not None:
            if self.verbose > 0:
                print("Restoring model weights from the end of the best epoch: "
                      f"{self.best_epoch + 1}.")
            self.model.set_weights(self.best_weights)
