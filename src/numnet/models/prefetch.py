"""Shuffled batches gathered ahead, on the second core, while the training step runs.

Gathering a shuffled batch is waiting for memory: 128 rows of 3 KB drawn at random from a
188 MB array took about 45 us of a 280 us W1 step (bench/RESULTS.md), while the step's matrix
products, on one BLAS thread, leave the machine's other core idle. ``PrefetchedPass`` hands the
gathering of a pass to a thread of its own, which copies each batch into one of a few reused
slots while the training thread works on the batches before it. The gathering thread runs a
compiled loop (``models/_gather.py``) that never takes the GIL, and the two threads pass the
slots to each other through two counters, so neither waits for the other except where the
gatherer has fallen behind. The batches are the very rows the same permutation gives without
it, so training gives the same numbers.

It is used by ``fit`` only where all of these hold (``applies``):
- the step is the stack step (``models/stack_step.py``), which keeps no batch past its step:
  a batch's slot is gathered into again a few steps later;
- the BLAS runs on one thread during the fit (``models/threads.py``), and the process may run on
  at least two cores, so that the gatherer has a core to itself;
- in-memory NumPy arrays in C order, shuffled by rows, Linux, numba and the fused kernels on
  (``NUMNET_FUSED=0`` turns this off with them), and slots of at most ``SLOT_BYTES`` in all.
"""

from __future__ import annotations

import os
import sys
import threading

import numpy as np

SLOTS = 4
"""Batches in the ring: the gatherer runs up to SLOTS - 1 batches ahead of the step."""

SLOT_BYTES = 32 << 20
"""The most memory the slots of one pass may take; larger batches are gathered by the step."""

_ENABLED = True
_kernel = None  # models._gather.gather_pass once imported; False if it cannot be


def set_enabled(flag: bool) -> bool:
    """Switch prefetching on or off (for tests and measurements); returns the previous state."""
    global _ENABLED
    previous, _ENABLED = _ENABLED, bool(flag)
    return previous


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def _gather_kernel():
    global _kernel
    if _kernel is None:
        try:
            from ._gather import gather_pass
        except Exception:  # numba missing or unable to build it: the step gathers
            gather_pass = False
        _kernel = gather_pass
    return _kernel or None


def _rows(a):
    """``a`` as a 2-D uint8 array of its rows' bytes (a view), or None if it is not a NumPy array
    in C order."""
    if type(a) is not np.ndarray or not a.flags.c_contiguous or a.ndim == 0:
        return None
    return a.reshape(len(a), -1).view(np.uint8)


def applies(x, y, sample_weight, batch_size: int) -> bool:
    """Whether fit's shuffled batches of these arrays may be gathered ahead (see the module's
    conditions; the caller checks the step and the BLAS threads)."""
    from ..optimizers import fused

    if not _ENABLED or sys.platform != "linux" or _cores() < 2 or not fused.is_available():
        return False
    arrays = [a for a in (x, y, sample_weight) if a is not None]
    if any(_rows(a) is None for a in arrays):
        return False
    row_bytes = sum(a.nbytes // max(len(a), 1) for a in arrays)
    return SLOTS * batch_size * row_bytes <= SLOT_BYTES and _gather_kernel() is not None


def _gather(kernel, args, outcome: list) -> None:
    try:
        outcome.append(kernel(*args))
    except BaseException as error:  # reported by the training thread, which would wait
        outcome.append(error)


class PrefetchedPass:
    """An iterator over the (x, y, sample_weight) batches of one pass of ``order``, from batch
    ``start``, gathered by a thread of its own; ``close()`` stops it (also done when the pass
    ends or is dropped). Each batch is a view of its slot, valid until the next is taken."""

    def __init__(self, x, y, sample_weight, order, batch_size: int, start: int = 0):
        kernel = _gather_kernel()
        self._arrays = (x, y, sample_weight)
        self._batch = batch_size
        self._n = len(order)
        self._next = start
        self._batches = -(-self._n // batch_size)
        self._order = np.ascontiguousarray(order, dtype=np.intp)
        rings, views = [], []
        for a in self._arrays:
            rows = _rows(a) if a is not None else np.empty((len(x), 0), np.uint8)
            ring = np.empty((SLOTS, batch_size, rows.shape[1]), np.uint8)
            rings.append((rows, ring))
            # the slots as the arrays' dtype and row shape, as the step receives them
            views.append(None if a is None else [
                ring[s].view(a.dtype).reshape((batch_size,) + a.shape[1:]) for s in range(SLOTS)])
        self._views = views
        # the counters, each on a cache line of its own: batches ready, batches released, stop
        flags = np.zeros(24, np.int64)
        self._ready, self._released, self._stop = flags[0:1], flags[8:9], flags[16:17]
        self._ready[0] = self._released[0] = start
        self._outcome = []  # what the thread's loop returned or raised
        (xr, rx), (yr, ry), (wr, rw) = rings
        args = (xr, yr, wr, self._order, rx, ry, rw, batch_size, start, self._ready,
                self._released, self._stop)
        # the thread holds the arrays, not this object, so that dropping it stops the thread
        self._thread = threading.Thread(target=_gather, args=(kernel, args, self._outcome),
                                        name="numnet-prefetch", daemon=True)
        self._thread.start()

    def __iter__(self):
        return self

    def __next__(self):
        b = self._next
        if b >= self._batches:
            self.close()
            raise StopIteration
        self._released[0] = b  # the batch before is done with: its slot may be gathered into
        if self._ready[0] <= b:
            self._wait(b)
        self._next = b + 1
        slot = b % SLOTS
        count = min(self._batch, self._n - b * self._batch)
        out = []
        for views in self._views:
            if views is None:
                out.append(None)
            else:
                view = views[slot]
                out.append(view if count == self._batch else view[:count])
        return tuple(out)

    def _wait(self, b):
        """Until batch b is gathered: spin, then give the core away between looks."""
        ready, thread = self._ready, self._thread
        for _ in range(2000):
            if ready[0] > b:
                return
        while ready[0] <= b:
            if not thread.is_alive() and ready[0] <= b:
                error = self._outcome[0] if self._outcome else None
                self.close()
                raise RuntimeError(
                    f"fit: the thread gathering the training batches stopped at batch {b}"
                    + (f" ({error!r})" if isinstance(error, BaseException) else "")
                    + "; set NUMNET_FUSED=0 to gather them in the training thread.")
            os.sched_yield()

    def close(self) -> None:
        """Stop the gathering thread and wait for it (a few microseconds: it checks between
        batches and naps of at most 0.2 ms)."""
        stop = getattr(self, "_stop", None)
        if stop is None:
            return
        stop[0] = 1
        thread = getattr(self, "_thread", None)
        if thread is not None and thread is not threading.current_thread():
            thread.join()

    def __del__(self):
        self.close()
