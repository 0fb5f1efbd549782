"""The running logs of fit and evaluate: the loss summed on the device, and logs computed
only when a callback reads them."""

from __future__ import annotations

from .. import backend
from ..fast import kernels as fused


class _LazyLogs(dict):
    """Batch logs computed only when a callback reads them (keeps the training loop lean).

    ``running`` holds the epoch's (loss total, samples seen) so far, for BackupAndRestore."""

    def __init__(self, compute, running=None):
        super().__init__()
        self._compute = compute
        self._ready = False
        self.running = running

    def _fill(self):
        if not self._ready:
            self._ready = True
            super().update(self._compute())

    def __getitem__(self, key):
        self._fill()
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._fill()
        return super().get(key, default)

    def __iter__(self):
        self._fill()
        return super().__iter__()

    def __len__(self):
        self._fill()
        return super().__len__()

    def __contains__(self, key):
        self._fill()
        return super().__contains__(key)

    def items(self):
        self._fill()
        return super().items()

    def keys(self):
        self._fill()
        return super().keys()

    def values(self):
        self._fill()
        return super().values()


class _DeviceLossTotal:
    """An epoch's running loss total kept on the GPU in float64: each step adds its loss in one
    kernel launch, and the total comes back to the host (waiting for the GPU) only when logs are
    read or the epoch ends, so the host never stops to wait for a step."""

    __slots__ = ("total",)

    def __init__(self, start: float = 0.0):
        self.total = backend.xp.full((), float(start), dtype="float64")

    def add(self, loss, count: int) -> None:
        gpu = fused._gpu(loss)
        if gpu is None or not gpu.add_loss(self.total, loss, count):
            self.total += loss.astype("float64") * count

    def __float__(self) -> float:
        return float(self.total)


def _loss_total(start: float = 0.0):
    """An epoch's running loss total: a float on the CPU, a _DeviceLossTotal on the GPU."""
    return start if backend.device() == "cpu" else _DeviceLossTotal(start)


def _add_loss(total, loss, count: int):
    """``total`` with a step's mean ``loss`` over ``count`` samples added."""
    if type(total) is _DeviceLossTotal:
        total.add(loss, count)
        return total
    return total + float(loss) * count


class _BatchHooks:
    """The batch callbacks of one pass, called as Keras calls them under
    ``steps_per_execution`` = k: ``<prefix>_begin`` before the first step of each execution
    of k steps (with its index), ``<prefix>_end`` after its last (index first + k - 1, also
    for a last execution cut short, as Keras's), with the logs after that step. k = 1 is a
    call before and after every step."""

    def __init__(self, cb, prefix: str, every: int = 1):
        self.cb, self.every = cb, max(1, int(every))
        self.begin_name, self.end_name = f"{prefix}_begin", f"{prefix}_end"
        self.wants_begin, self.wants_end = cb.wants(self.begin_name), cb.wants(self.end_name)
        self.pending = None  # (index of the execution's first step, logs maker)

    def begin(self, step: int) -> None:
        if self.wants_begin and step % self.every == 0:
            self.cb.call(self.begin_name, step, {})

    def end(self, step: int, logs) -> None:
        """After step ``step``; ``logs()`` makes its logs (called only when needed)."""
        if not self.wants_end:
            return
        if (step + 1) % self.every == 0:
            self.pending = None
            self.cb.call(self.end_name, step, logs())
        else:
            self.pending = (step - step % self.every, logs)

    def finish(self) -> None:
        """The end of an execution that the data cut short."""
        if self.pending is not None:
            first, logs = self.pending
            self.pending = None
            self.cb.call(self.end_name, first + self.every - 1, logs())
