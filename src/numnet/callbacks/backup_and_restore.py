"""BackupAndRestore: resume a fit that was interrupted, from its last backup, exactly."""

from __future__ import annotations

import json
import os
import re

from .. import backend
from .callback import Callback, get_learning_rate, set_learning_rate

STATE_FILE = "training_state.json"
_MODEL_FILE = re.compile(r"^backup-(\d+)\.numnet$")


# The saving floor registers how a backup is written and read (numnet.saving.backup:
# write(model, path), read(model, path), atomic_write(path, fill, where)); callbacks sit below
# it and do not import it.
storage = None


def _storage():
    if storage is None:
        raise RuntimeError("BackupAndRestore needs numnet.saving (import numnet).")
    return storage


def _write_backup(model, path: str) -> None:
    _storage().write(model, path)


def _read_backup(model, path: str) -> None:
    _storage().read(model, path)


class BackupAndRestore(Callback):
    """Back up the training state to ``backup_dir`` during fit; when fit runs again after an
    interruption (an exception, a killed process), it starts from the last backup.

    A backup holds the weights, the optimizer's state and learning rate, the epoch and step
    reached, the epoch's running loss, and numnet's random state (``backend.rng()``) with the
    state it had when the current pass over the data was shuffled. Restored, training goes on
    with the same batches, the same dropout masks and the same updates: it ends with the
    weights an uninterrupted fit would have, bit for bit, for arrays, memory-mapped arrays and
    PyDatasets (a generator starts again wherever it starts). The callbacks' own state
    (EarlyStopping's patience count, ...) and the metrics of a resumed epoch's first part are
    not backed up (as Keras).

    Each backup is written to a new file, then ``training_state.json`` is replaced atomically
    to point at it, then the previous file is removed: a crash at any moment leaves a complete
    backup. At the end of a fit that finishes, the backup is deleted (delete_checkpoint=True).

    save_freq: 'epoch' (after each epoch) or a number of batches. double_checkpoint: also keep
    the previous backup, used if the latest cannot be read. The model must be the same (and
    compiled the same way) as the one backed up. Defaults, as Keras: save_freq='epoch',
    double_checkpoint=False, delete_checkpoint=True.

    Args:
        backup_dir: the folder the backups are written to (created if needed).
        save_freq: 'epoch' (after each epoch) or a number of batches. Defaults to ``'epoch'``.
        double_checkpoint: also keep the previous backup, used when the latest cannot be read.
            Defaults to ``False``.
        delete_checkpoint: delete the backup when fit ends normally. Defaults to ``True``.
    """

    def __init__(self, backup_dir, save_freq="epoch", double_checkpoint: bool = False,
                 delete_checkpoint: bool = True):
        super().__init__()
        if not backup_dir:
            raise ValueError("BackupAndRestore(backup_dir): expected a directory path, given "
                             f"{backup_dir!r}.")
        path = os.fspath(backup_dir)
        if not isinstance(path, str):
            raise TypeError(f"BackupAndRestore(backup_dir): expected a str or os.PathLike, "
                            f"given {type(backup_dir).__name__}.")
        if save_freq != "epoch" and (isinstance(save_freq, bool) or
                                     not isinstance(save_freq, int) or save_freq < 1):
            raise ValueError(f"BackupAndRestore(save_freq): expected 'epoch' or a positive "
                             f"number of batches, given {save_freq!r}.")
        self.backup_dir = path
        self.save_freq = save_freq
        self.double_checkpoint = double_checkpoint
        self.delete_checkpoint = delete_checkpoint
        self._state_path = os.path.join(path, STATE_FILE)
        self._previous_path = self._state_path + ".bkp"
        self._batches_since_save = 0
        self._epoch = 0
        self._counter = 0

    # ----- restoring -----
    def on_train_begin(self, logs=None):
        self._batches_since_save = 0
        self._counter = max([int(m.group(1)) for m in map(_MODEL_FILE.match, self._files())
                             if m] + [0])
        state = None
        for path in (self._state_path, self._previous_path):
            if not os.path.exists(path):
                continue
            try:
                state = self._load(path)
                break
            except (OSError, ValueError, KeyError) as err:
                if path == self._previous_path or not os.path.exists(self._previous_path):
                    raise type(err)(f"BackupAndRestore: cannot restore from {path!r}: {err}. "
                                    "Delete the backup directory to start afresh.") from err
        if state is not None:
            self.model._resume_state = state

    def _load(self, state_path: str) -> dict:
        with open(state_path, encoding="utf-8") as f:
            state = json.load(f)
        _read_backup(self.model, os.path.join(self.backup_dir, state["model_file"]))
        if state.get("learning_rate") is not None and isinstance(
                getattr(self.model.optimizer, "_learning_rate", None), float):
            set_learning_rate(self.model.optimizer, state["learning_rate"], "BackupAndRestore")
        return state

    # ----- backing up -----
    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        if self.save_freq == "epoch":
            return
        self._batches_since_save += 1
        if self._batches_since_save >= self.save_freq:
            self._batches_since_save = 0
            loss_total, seen = getattr(logs, "running", None) or (0.0, 0)
            self._save(self._epoch, batch + 1, loss_total, seen)

    def on_epoch_end(self, epoch, logs=None):
        if self.save_freq == "epoch":
            self._save(epoch + 1, 0, 0.0, 0)

    def _save(self, epoch: int, step: int, loss_total: float, seen: int) -> None:
        os.makedirs(self.backup_dir, exist_ok=True)
        self._counter += 1
        name = f"backup-{self._counter}.numnet"
        _write_backup(self.model, os.path.join(self.backup_dir, name))
        train = getattr(self.model, "_train_iterator", None)
        optimizer = self.model.optimizer
        state = {
            "epoch": epoch, "step": step, "loss_total": float(loss_total), "seen": seen,
            "model_file": name,
            "rng": backend.rng().bit_generator.state,
            "pass_rng": None if train is None else train.pass_rng_state,
            "position": 0 if train is None else train.position,
            "learning_rate": (get_learning_rate(optimizer)
                              if isinstance(getattr(optimizer, "_learning_rate", None), float)
                              else None),
        }
        keep = {name}
        if self.double_checkpoint and os.path.exists(self._state_path):
            os.replace(self._state_path, self._previous_path)
        if os.path.exists(self._previous_path):
            with open(self._previous_path, encoding="utf-8") as f:
                keep.add(json.load(f).get("model_file"))
        text = json.dumps(state).encode("utf-8")
        _storage().atomic_write(self._state_path, lambda f: f.write(text),
                                where="BackupAndRestore")
        for old in self._files():
            if _MODEL_FILE.match(old) and old not in keep:
                os.remove(os.path.join(self.backup_dir, old))

    def _files(self) -> list:
        try:
            return os.listdir(self.backup_dir)
        except FileNotFoundError:
            return []

    def on_train_end(self, logs=None):
        if not self.delete_checkpoint:
            return
        for name in self._files():
            if name in (STATE_FILE, STATE_FILE + ".bkp") or _MODEL_FILE.match(name) or (
                    name.startswith((f".{STATE_FILE}.", ".backup-")) and name.endswith(".tmp")):
                os.remove(os.path.join(self.backup_dir, name))
        try:
            os.rmdir(self.backup_dir)
        except OSError:  # other files are there: leave them
            pass
