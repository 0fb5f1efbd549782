"""ModelCheckpoint: save the model (or its weights) during training."""

from __future__ import annotations

import os

from .monitor_callback import MonitorCallback

_MODEL_SUFFIXES = (".numnet", ".keras", ".h5")
_WEIGHTS_SUFFIXES = (".weights.h5", ".h5", ".numnet")


class ModelCheckpoint(MonitorCallback):
    """Save the model after each epoch (``save_freq='epoch'``) or every ``save_freq`` batches.

    filepath may hold format fields filled with ``epoch`` (counted from 1), ``batch`` (counted
    from 1, batch-level saves) and the logs: ``'ckpt-{epoch:02d}-{val_loss:.2f}.numnet'``.
    The whole model goes to a ``.numnet`` file (``model.save``; a ``.keras`` name holds the same
    numnet format, an ``.h5`` name Keras's legacy HDF5 model file, as Keras allows), the weights
    alone (``save_weights_only=True``) to ``.weights.h5`` (Keras's
    HDF5 layout, needs h5py) or ``.numnet`` (``model.save_weights``). Every write is atomic.

    save_best_only=True saves only when ``monitor`` improves on the best value so far
    (``initial_value_threshold``, when given, is the value to beat at first); without format
    fields the file then always holds the best model. When the monitored log is missing it
    warns and saves. With batch-level saves the monitored value is the epoch's running value.

    Defaults, as Keras: monitor='val_loss', verbose=0, save_best_only=False,
    save_weights_only=False, mode='auto', save_freq='epoch', initial_value_threshold=None.

    Args:
        filepath: where to save; may hold format fields such as ``{epoch:02d}`` and
            ``{val_loss:.2f}``.
        monitor: the log to follow: 'val_loss', 'loss', 'val_accuracy', ... Defaults to
            ``'val_loss'``.
        verbose: 0 (silent) or 1 (print a line when it acts). Defaults to ``0``.
        save_best_only: save only when the monitored value improves. Defaults to ``False``.
        save_weights_only: save the weights alone (``save_weights``) instead of the whole model.
            Defaults to ``False``.
        mode: 'min', 'max' or 'auto' (losses and errors go down, accuracies and scores up). Defaults
            to ``'auto'``.
        save_freq: 'epoch' or a number of batches. Defaults to ``'epoch'``.
        initial_value_threshold: the value to beat at first with ``save_best_only``, or None.
            Defaults to ``None``.

    Example:
        >>> checkpoint = numnet.callbacks.ModelCheckpoint("best.numnet", save_best_only=True)
        >>> # model.fit(x, y, validation_split=0.2, epochs=10, callbacks=[checkpoint])
    """

    def __init__(self, filepath, monitor: str = "val_loss", verbose: int = 0,
                 save_best_only: bool = False, save_weights_only: bool = False,
                 mode: str = "auto", save_freq="epoch", initial_value_threshold=None):
        super().__init__(monitor, mode, baseline=initial_value_threshold)
        path = os.fspath(filepath)
        if not isinstance(path, str):
            raise TypeError(f"ModelCheckpoint(filepath): expected a str or os.PathLike, given "
                            f"{type(filepath).__name__}.")
        if save_freq != "epoch" and (isinstance(save_freq, bool) or
                                     not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"ModelCheckpoint(save_freq): expected 'epoch' or a positive "
                             f"number of batches, given {save_freq!r}.")
        suffixes = _WEIGHTS_SUFFIXES if save_weights_only else _MODEL_SUFFIXES
        if not path.endswith(suffixes):
            what = "weights (save_weights_only=True)" if save_weights_only else "a whole model"
            raise ValueError(
                f"ModelCheckpoint(filepath): {what} is saved to a name ending in "
                f"{' or '.join(repr(s) for s in suffixes)}; given {path!r}. "
                + ("E.g. 'ckpt.weights.h5' or 'ckpt.numnet'." if save_weights_only
                   else "E.g. 'ckpt-{epoch:02d}.numnet'."))
        self.filepath = path
        self.verbose = verbose
        self.save_best_only = save_best_only
        self.save_weights_only = save_weights_only
        self.save_freq = save_freq
        self._batches_since_save = 0
        self._current_epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._current_epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            self._save(self._current_epoch, batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch, None, logs)

    def _path(self, epoch, batch, logs) -> str:
        fields = dict(logs or {})
        fields["epoch"] = epoch + 1
        if batch is not None and "batch" not in fields:
            fields["batch"] = batch + 1
        try:
            return self.filepath.format(**fields)
        except (KeyError, IndexError, ValueError) as err:
            raise KeyError(
                f"ModelCheckpoint: cannot fill the filepath {self.filepath!r} ({err!r}); its "
                f"fields must be epoch, batch or logs: {', '.join(sorted(fields))}.") from None

    def _should_save(self, epoch, logs, path) -> bool:
        if not self.save_best_only:
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: saving model to {path}")
            return True
        self._set_direction()
        current = self._monitored(logs, "saving the best model only is conditioned")
        if current is None:
            return True
        best = "None" if self.best is None else f"{self.best:.5f}"
        if self._is_improvement(current, self.best):
            if self.verbose > 0:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {best} to "
                      f"{current:.5f}, saving model to {path}")
            self.best = current
            return True
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from {best}")
        return False

    def _save(self, epoch, batch, logs) -> None:
        path = self._path(epoch, batch, logs)
        if not self._should_save(epoch, logs, path):
            return
        if os.path.isdir(path):
            raise IsADirectoryError(f"ModelCheckpoint: {path!r} is a directory; give a file "
                                    "name such as 'ckpt.numnet'.")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        if self.save_weights_only:
            self.model.save_weights(path, overwrite=True)
        else:
            self.model.save(path, overwrite=True)
        if self.verbose > 0:
            print(f"\nEpoch {epoch + 1}: finished saving model to {path}")


__all__ = ["ModelCheckpoint"]
