"""Progbar and ProgbarLogger: Keras's progress display for fit, evaluate and predict."""

from __future__ import annotations

import math
import os
import sys
import time

import numpy as np

from .callback import Callback


def _format_duration(seconds: float) -> str:
    """The ETA as Keras shows it: '7s', '2:05', '1:02:05'."""
    if seconds > 3600:
        return f"{int(seconds // 3600)}:{int(seconds % 3600 // 60):02d}:{int(seconds % 60):02d}"
    if seconds > 60:
        return f"{int(seconds // 60)}:{int(seconds % 60):02d}"
    return f"{int(seconds)}s"


def format_per_unit(seconds: float, unit: str = "step") -> str:
    """' 3ms/step', ' 250us/step', ' 2s/step' (a leading space, as Keras)."""
    if seconds >= 1 or seconds == 0:
        return f" {seconds:.0f}s/{unit}"
    if seconds >= 1e-3:
        return f" {seconds * 1e3:.0f}ms/{unit}"
    return f" {seconds * 1e6:.0f}us/{unit}"


def format_value(value) -> str:
    """A log value as Keras prints it: 4 decimals, or 4 significant digits in e-notation
    when |value| <= 1e-3; a vector shows its mean."""
    try:
        number = float(np.mean(np.asarray(value, dtype=np.float64)))
    except (TypeError, ValueError):
        return str(value)
    return f"{number:.4f}" if abs(number) > 1e-3 else f"{number:.4e}"


def format_logs(logs) -> str:
    """'loss: 0.1234 - accuracy: 0.9500', in the logs' order."""
    return " - ".join(f"{key}: {format_value(value)}" for key, value in (logs or {}).items())


class _LoggedLines:
    """A stream for the progress bars while interactive logging is off
    (``numnet.config.disable_interactive_logging``): each finished line goes to the ``numnet``
    logger at level INFO; a frame redrawn in place (after a carriage return) replaces the
    unfinished line."""

    def __init__(self):
        self._line = ""

    def write(self, text: str) -> None:
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if "\r" in piece:
                self._line = piece.rsplit("\r", 1)[1]
            else:
                self._line += piece
            if i < len(pieces) - 1:  # a line break followed
                import logging

                logging.getLogger("numnet").info(self._line)
                self._line = ""

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


_logged_lines = _LoggedLines()


def _default_stream():
    """stdout, or the numnet logger's lines while interactive logging is off."""
    from .. import config

    return sys.stdout if config._interactive_logging else _logged_lines


def _stream_is_live(stream) -> bool:
    if isinstance(stream, _LoggedLines):
        return False
    return bool(getattr(stream, "isatty", lambda: False)()) or "ipykernel" in sys.modules \
        or "PYCHARM_HOSTED" in os.environ


class Progbar:
    """A progress bar, as ``keras.utils.Progbar``.

    ``update(current, values)`` shows step ``current`` of ``target`` (None: unknown) with the
    (name, value) pairs given; ``add(n, values)`` moves ``n`` steps on. As Keras's, a value is
    shown averaged over the steps so far (each update weighted by the steps it covers) unless
    its name is in ``stateful_metrics`` (or, with ``stateless_metrics`` given, unless it is in
    ``stateless_metrics``); the final update (``finalize``) shows the values given as they
    are. verbose=1 redraws one line in place (at most every ``interval`` seconds,
    and always for the last step): the step count, a bar of ``width`` characters, the time
    left (ETA, from the mean time of the steps after the first) or, when done, the time taken,
    the time per step and the values. verbose=2 writes one line when done; 0 nothing. Colours
    are used only on a terminal or in a notebook.

    Defaults: width=20, verbose=1, interval=0.05, unit_name='step', stream=sys.stdout.

    Args:
        target: the number of steps, or None when unknown.
        width: the bar's width in characters. Defaults to ``20``.
        verbose: 1 (a live bar), 2 (one line when done) or 0 (nothing). Defaults to ``1``.
        interval: the least time between two redraws, in seconds. Defaults to ``0.05``.
        stateful_metrics: names whose values are shown as they are rather than averaged, or None.
            Defaults to ``None``.
        stateless_metrics: instead, the names whose values are averaged (every other is shown
            as it is); give one of the two at most. Defaults to ``None`` (with
            ``stateful_metrics`` None too, every value is averaged).
        unit_name: the name of a step in the display. Defaults to ``'step'``.
        stream: where to write; None for sys.stdout. Defaults to ``None``.

    Raises:
        ValueError: when both ``stateful_metrics`` and ``stateless_metrics`` are given.
    """

    def __init__(self, target, width: int = 20, verbose: int = 1, interval: float = 0.05,
                 stateful_metrics=None, stateless_metrics=None, unit_name: str = "step",
                 stream=None):
        if stateful_metrics is not None and stateless_metrics is not None:
            raise ValueError("Progbar: give stateful_metrics (names shown as they are) or "
                             "stateless_metrics (names averaged), not both.")
        self.stateful_metrics = (set(stateful_metrics) if stateful_metrics is not None
                                 else None if stateless_metrics is not None else set())
        self.stateless_metrics = None if stateless_metrics is None else set(stateless_metrics)
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stream = stream
        self._values: dict = {}
        self._seen_so_far = 0
        self._start = time.perf_counter()
        self._last_update = 0.0
        self._time_after_first_step = None
        self._prev_width = 0

    def _out(self):
        return self.stream or _default_stream()

    def _per_unit(self, current: int, now: float) -> float:
        if not current:
            return 0.0
        if self._time_after_first_step is not None and current > 1:
            per = (now - self._time_after_first_step) / (current - 1)
        else:
            per = (now - self._start) / current
        if current == 1:
            self._time_after_first_step = now
        return per

    def update(self, current: int, values=None, finalize: bool | None = None) -> None:
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = time.perf_counter()
        for key, value in (values.items() if isinstance(values, dict) else values or []):
            averaged = (key not in self.stateful_metrics if self.stateful_metrics is not None
                        else key in self.stateless_metrics)
            if averaged and not finalize:
                steps = max(current - self._seen_so_far, 1)
                total, count = self._values.get(key, (0.0, 0))
                self._values[key] = (total + value * steps, count + steps)
            else:
                self._values[key] = (value, 1)
        if self.verbose == 1 and not finalize and now - self._last_update < self.interval:
            self._seen_so_far = current
            return
        self._seen_so_far = current
        per_unit = self._per_unit(current, now)
        if self.verbose == 1:
            self._draw(current, now, per_unit, finalize)
        elif self.verbose == 2 and finalize and self.target:
            digits = int(math.log10(self.target)) + 1
            line = f"{current:>{digits}}/{self.target} - {now - self._start:.0f}s -" + \
                format_per_unit(per_unit, self.unit_name)
            if self._values:
                line += " - " + format_logs(self._shown())
            self._out().write(line + "\n")
            self._out().flush()
        self._last_update = now

    def _draw(self, current: int, now: float, per_unit: float, finalize: bool) -> None:
        out = self._out()
        color = _stream_is_live(out)
        bold = (lambda s: f"\x1b[1m{s}\x1b[0m") if color else (lambda s: s)
        if self.target:
            digits = int(math.log10(self.target)) + 1
            done = int(self.width * min(current, self.target) / self.target)
            count = f"{current:>{digits}}/{self.target}"
            if color:
                bar = (f"{bold(count)} " + (f"\x1b[32m{'━' * done}\x1b[0m" if done else "")
                       + f"\x1b[37m{'━' * (self.width - done)}\x1b[0m")
            else:
                bar = f"{count} [{'=' * done}{'.' * (self.width - done)}]"
            plain_bar = len(count) + 1 + self.width + (0 if color else 2)
        else:
            bar = f"{current:7d}/Unknown"
            plain_bar = len(bar)
        if self.target and not finalize:
            timing = _format_duration(per_unit * (self.target - current))
        else:
            timing = f"{now - self._start:.0f}s"
        info = f" {bold(timing)}" + format_per_unit(per_unit, self.unit_name)
        plain_info = 1 + len(timing) + len(format_per_unit(per_unit, self.unit_name))
        if self._values:
            metrics = " - " + format_logs(self._shown())
            info += metrics
            plain_info += len(metrics)
        width = plain_bar + plain_info
        text = "\r" + bar + info + " " * max(0, self._prev_width - width)
        self._prev_width = width
        out.write(text + ("\n" if finalize else ""))
        out.flush()

    def _shown(self) -> dict:
        """What the bar shows of each value: its average, or the value itself."""
        return {key: total / max(1, count) if count != 1 else total
                for key, (total, count) in self._values.items()}

    def add(self, n: int, values=None) -> None:
        self.update(self._seen_so_far + n, values)


class ProgbarLogger(Callback):
    """Prints progress: fit adds one when verbose is not 0, evaluate and predict too.

    verbose=1: "Epoch i/N" (when N > 1), then a live bar per epoch redrawn in place: steps
    done / steps, the bar, the time left, the time per step, and the epoch's running loss and
    metrics; the last frame shows the time taken and, after validation, the 'val_' logs.
    verbose=2: one line per epoch: "32/32 - 1s - 30ms/step - loss: 0.1234 - val_loss: ...".
    Drawing is throttled to one frame every ``interval`` seconds (0.05), and between frames a
    batch costs one clock read, so the bar takes a negligible share of an epoch.

    verbose: None (default) takes fit's verbose; stream: where to write (sys.stdout).

    Args:
        verbose: 1 (a live bar), 2 (one line per epoch) or None (fit's verbose). Defaults to
            ``None``.
        stream: where to write; None for sys.stdout. Defaults to ``None``.
        interval: the least time between two redraws, in seconds. Defaults to ``0.05``.
    """

    def __init__(self, verbose: int | None = None, stream=None, interval: float = 0.05):
        super().__init__()
        self._verbose_arg = verbose
        self.verbose = 1 if verbose is None else verbose
        self.stream = stream
        self.interval = interval
        self.progbar = None
        self.target = None
        self.epochs = 1
        self.seen = 0
        self._in_fit = False

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        verbose = params.get("verbose", 1) if self._verbose_arg is None else self._verbose_arg
        self.verbose = 1 if verbose == "auto" else int(verbose)
        self.epochs = params.get("epochs", 1)
        self.target = params.get("steps")

    def _out(self):
        return self.stream or _default_stream()

    def _new_bar(self) -> None:
        self.seen = 0
        self.target = self.params.get("steps", self.target)
        self.progbar = Progbar(self.target, verbose=self.verbose, interval=self.interval,
                               stateless_metrics=set(), stream=self.stream)  # (as Keras's)

    def on_train_begin(self, logs=None):
        self._in_fit = True

    def on_train_end(self, logs=None):
        self._in_fit = False

    def on_epoch_begin(self, epoch, logs=None):
        self._new_bar()
        if self.verbose and self.epochs > 1:
            self._out().write(f"Epoch {epoch + 1}/{self.epochs}\n")
            self._out().flush()

    def _batch_end(self, batch, logs) -> None:
        self.seen = batch + 1
        if self.verbose != 1 or self.progbar is None:
            return
        bar = self.progbar
        # The last step is drawn by the epoch's end, with the validation logs.
        if (bar.target is not None and self.seen >= bar.target) or \
                time.perf_counter() - bar._last_update < bar.interval:
            bar._seen_so_far = self.seen
            return
        bar.update(self.seen, logs if logs is not None else {}, finalize=False)

    def on_train_batch_end(self, batch, logs=None):
        self._batch_end(batch, logs)

    def on_epoch_end(self, epoch, logs=None):
        self._finish(logs)

    def on_test_begin(self, logs=None):
        if not self._in_fit:
            self._new_bar()

    def on_test_batch_end(self, batch, logs=None):
        if not self._in_fit:
            self._batch_end(batch, logs)

    def on_test_end(self, logs=None):
        if not self._in_fit:
            self._finish(logs)

    def on_predict_begin(self, logs=None):
        self._new_bar()

    def on_predict_batch_end(self, batch, logs=None):
        self._batch_end(batch, None)

    def on_predict_end(self, logs=None):
        self._finish(None)

    def _finish(self, logs) -> None:
        if self.progbar is None or not self.verbose:
            return
        if self.progbar.target is None:
            self.progbar.target = self.seen
        self.progbar.update(self.progbar.target, logs or {}, finalize=True)
