"""ProgbarLogger: Keras's progress display for fit, evaluate and predict."""

from __future__ import annotations

import sys
import time

from .callback import Callback


def _format_time(seconds: float) -> str:
    if seconds >= 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds >= 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(round(seconds))}s"


def _format_per_step(seconds: float) -> str:
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def format_logs(logs) -> str:
    parts = []
    for key in sorted(logs):
        value = logs[key]
        try:
            parts.append(f"{key}: {float(value):.4f}")
        except (TypeError, ValueError):
            continue
    return " - ".join(parts)


class ProgbarLogger(Callback):
    """verbose=1: a live bar per epoch (steps, ETA or time, time per step, running metrics);
    verbose=2: one line per epoch. Updates are throttled so that drawing stays cheap."""

    def __init__(self, verbose: int = 1, stream=None, interval: float = 0.05):
        super().__init__()
        self.verbose = verbose
        self.stream = stream
        self.interval = interval
        self._epoch_start = 0.0
        self._last_draw = 0.0
        self._steps = None

    def _out(self):
        return self.stream or sys.stdout

    def on_train_begin(self, logs=None):
        self.epochs = self.params.get("epochs", 1)
        self._steps = self.params.get("steps")

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch_start = time.perf_counter()
        self._last_draw = 0.0
        self._out().write(f"Epoch {epoch + 1}/{self.epochs}\n")
        self._out().flush()

    def on_train_batch_end(self, batch, logs=None):
        if self.verbose != 1:
            return
        now = time.perf_counter()
        if now - self._last_draw < self.interval and batch + 1 != self._steps:
            return
        self._last_draw = now
        self._draw(batch + 1, logs or {}, final=False)

    def _bar(self, done: int) -> str:
        total = self._steps
        if not total:
            return f"{done}"
        width = 20
        filled = int(width * done / total)
        return f"{done}/{total} " + "━" * filled + "\x1b[2m" + "━" * (width - filled) + "\x1b[0m"

    def _draw(self, done, logs, final: bool):
        elapsed = time.perf_counter() - self._epoch_start
        per_step = elapsed / max(done, 1)
        if final or not self._steps:
            timing = f"{_format_time(elapsed)} {_format_per_step(per_step)}"
        else:
            timing = f"ETA: {_format_time(per_step * (self._steps - done))}"
        text = f"\r{self._bar(done)} {timing}"
        metrics = format_logs(logs)
        if metrics:
            text += " - " + metrics
        self._out().write(text + "\x1b[K" + ("\n" if final else ""))
        self._out().flush()

    def on_epoch_end(self, epoch, logs=None):
        logs = logs or {}
        done = self._steps or 0
        if self.verbose == 1:
            self._draw(done, logs, final=True)
            return
        elapsed = time.perf_counter() - self._epoch_start
        per_step = _format_per_step(elapsed / max(done, 1))
        line = f"{done}/{done} - {_format_time(elapsed)} - {per_step}"
        metrics = format_logs(logs)
        if metrics:
            line += " - " + metrics
        self._out().write(line + "\n")
        self._out().flush()
