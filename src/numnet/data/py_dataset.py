"""``PyDataset``: Keras's batch-indexable dataset, the base class of a user's data source.

It sits with the other data sources below the layers, so that a preprocessing layer's ``adapt``
and the trainer's data adapters (models/adapters.py) both know it.
"""

from __future__ import annotations

import itertools
import warnings


class PyDataset:
    """Keras's batch-indexable dataset: subclass it, define ``__len__`` (the number of batches)
    and ``__getitem__(index)`` returning the batch ``(x, y)`` or ``(x, y, sample_weight)``
    (or ``x`` alone for predict). ``on_epoch_begin`` / ``on_epoch_end`` run around each epoch.

    Only the batches being used are in memory, so a PyDataset that reads from files (or from a
    memory-mapped array) trains on data larger than memory. ``workers`` > 1 loads up to
    ``max_queue_size`` batches ahead in that many threads (in order; ``use_multiprocessing`` is
    accepted and also uses threads). An endless dataset defines ``num_batches`` returning None
    and is trained with ``steps_per_epoch``.

    Defaults: workers=1, use_multiprocessing=False, max_queue_size=10.

        class Batches(numnet.utils.PyDataset):
            def __init__(self, x, y, batch_size, **kwargs):
                super().__init__(**kwargs)
                self.x, self.y, self.batch_size = x, y, batch_size
            def __len__(self):
                return math.ceil(len(self.x) / self.batch_size)
            def __getitem__(self, i):
                s = slice(i * self.batch_size, (i + 1) * self.batch_size)
                return self.x[s], self.y[s]

    Args:
        workers: how many threads load batches ahead (1: none). Defaults to ``1``.
        use_multiprocessing: accepted; batches are loaded by threads. Defaults to ``False``.
        max_queue_size: how many batches may be loaded ahead. Defaults to ``10``.
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False,
                 max_queue_size: int = 10):
        self._workers = workers
        self._use_multiprocessing = use_multiprocessing
        self._max_queue_size = max_queue_size

    def _setting(self, name: str, default):
        if not hasattr(self, name):
            warnings.warn(
                f"{type(self).__name__}: call super().__init__(**kwargs) in __init__ so that "
                "workers, use_multiprocessing and max_queue_size are set; using the defaults.",
                stacklevel=3)
            setattr(self, name, default)
        return getattr(self, name)

    @property
    def workers(self) -> int:
        return self._setting("_workers", 1)

    @workers.setter
    def workers(self, value: int) -> None:
        self._workers = value

    @property
    def use_multiprocessing(self) -> bool:
        return self._setting("_use_multiprocessing", False)

    @use_multiprocessing.setter
    def use_multiprocessing(self, value: bool) -> None:
        self._use_multiprocessing = value

    @property
    def max_queue_size(self) -> int:
        return self._setting("_max_queue_size", 10)

    @max_queue_size.setter
    def max_queue_size(self, value: int) -> None:
        self._max_queue_size = value

    def __getitem__(self, index):
        raise NotImplementedError(f"{type(self).__name__}.__getitem__(index) must return the "
                                  "batch at that index: (x, y) or (x, y, sample_weight).")

    @property
    def num_batches(self) -> int | None:
        """The number of batches: ``len(self)``; None for an endless dataset."""
        if hasattr(self, "__len__"):
            return len(self)
        raise NotImplementedError(
            f"{type(self).__name__}: define __len__ (the number of batches), or a num_batches "
            "property returning None for an endless dataset.")

    def on_epoch_begin(self) -> None:
        """Called before each epoch."""

    def on_epoch_end(self) -> None:
        """Called after each epoch (shuffle your files here, for instance)."""

    def __iter__(self):
        count = self.num_batches
        for index in range(count) if count is not None else itertools.count():
            yield self[index]
