"""CSVLogger: one row of logs per epoch, written to a CSV file as training goes."""

from __future__ import annotations

import csv
import os

import numpy as np

from .callback import Callback


def _cell(value):
    if isinstance(value, str):
        return value
    array = np.asarray(value)
    if array.ndim == 0:
        return array.item()
    return f"[{', '.join(str(v) for v in array.reshape(-1).tolist())}]"


class CSVLogger(Callback):
    """Write ``epoch`` and the epoch's logs (columns: the first epoch's logs in sorted order,
    then, with validation data not yet run, their 'val_' columns, 'NA' until filled) to
    ``filename``, one row per epoch, flushed after each row.

    separator: the column separator (','). append: False overwrites the file; True adds to it
    (no second header when it already has rows), e.g. to continue after a restart.

    Args:
        filename: the CSV file to write.
        separator: the column separator. Defaults to ``','``.
        append: add to an existing file (no second header) instead of overwriting it. Defaults to
            ``False``.
    """

    def __init__(self, filename, separator: str = ",", append: bool = False):
        super().__init__()
        path = os.fspath(filename)
        if not isinstance(path, str):
            raise TypeError(f"CSVLogger(filename): expected a str or os.PathLike, given "
                            f"{type(filename).__name__}.")
        if not isinstance(separator, str) or len(separator) != 1:
            raise ValueError(f"CSVLogger(separator): expected one character, given "
                             f"{separator!r}.")
        self.filename = path
        self.sep = separator
        self.append = append
        self.keys = None
        self.writer = None
        self.csv_file = None
        self._header = True

    def on_train_begin(self, logs=None):
        self._header = True
        if self.append and os.path.exists(self.filename):
            with open(self.filename, encoding="utf-8") as f:
                self._header = not f.readline()
        self.close()
        folder = os.path.dirname(self.filename)
        if folder:
            os.makedirs(folder, exist_ok=True)
        self.csv_file = open(self.filename, "a" if self.append else "w", newline="",
                             encoding="utf-8")
        self.keys = None
        self.writer = None

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        if self.keys is None:
            keys = sorted(logs)
            if getattr(self.model, "_fit_validates", False):
                keys += [f"val_{k}" for k in keys
                         if not k.startswith("val_") and f"val_{k}" not in logs
                         and k != "learning_rate"]
            self.keys = keys
        if self.writer is None:
            self.writer = csv.writer(self.csv_file, delimiter=self.sep)
            if self._header:
                self.writer.writerow(["epoch"] + self.keys)
        self.writer.writerow([epoch] + [_cell(logs[k]) if k in logs else "NA"
                                        for k in self.keys])
        self.csv_file.flush()

    def on_train_end(self, logs=None):
        self.close()

    def close(self) -> None:
        if self.csv_file is not None and not self.csv_file.closed:
            self.csv_file.close()
        self.writer = None
