"""Data adapters: everything fit / evaluate / predict accept, turned into batches.

    in-memory arrays: NumPy, lists, pandas      ArraySource: checked whole before training;
      DataFrame / Series, Tensors               one permutation per epoch, batches gathered
    memory-mapped arrays: np.load(path,         ArraySource(mapped=True): checked on the first
      mmap_mode='r'), np.memmap                 batch; each step copies its rows out of the
                                                file and hands the pages back (see read_rows)
    numnet.utils.PyDataset                      PyDatasetSource: batch i is dataset[i]
    generators, iterators and other iterables   IteratorSource: each item is one batch,
      of (x, y) or (x, y, sample_weight)        checked on the first batch
    numnet.data.Dataset (tf.data)               IteratorSource: iterated afresh each pass

Memory-mapped arrays and PyDatasets stream: only the batches in flight are in memory, so data
larger than memory trains with bounded memory. ``EpochIterator`` applies Keras's rules for
cutting a source into epochs (``steps_per_epoch``, running out of data).

Why one file of about 600 lines: every kind of input fit / evaluate / predict take meets one
interface (the sources) here.
"""

from __future__ import annotations

import collections
import itertools
import math
import mmap
import warnings

import numpy as np

from .. import backend
from ..data.py_dataset import PyDataset
from ..fast import kernels as fused
from ..fast.kernels import take_rows

_DONTNEED = getattr(mmap, "MADV_DONTNEED", None)
_CHUNK_BYTES = 16 << 20
"""How much of a memory-mapped file one copy maps before its pages are handed back."""

DEVICE_DATA_SHARE = 0.25
"""On a GPU, in-memory training data is copied to the device once, before the first batch, when
it takes at most this share of the device's free memory; batches are then gathered there."""

_RAN_OUT = ("Your input ran out of data; interrupting training. Make sure that your dataset or "
            "generator can generate at least `steps_per_epoch * epochs` batches.")


# ----------------------------------------------------------------------------- reading arrays


def kind_of(x) -> str:
    """'pydataset', 'stream' (a generator, iterator or other iterable of batches) or 'array'
    (arrays, lists, pandas objects, Tensors, memory-mapped arrays, and anything else, which
    the array checks then reject with a clear message)."""
    if isinstance(x, PyDataset):
        return "pydataset"
    if x is None or isinstance(x, (np.ndarray, list, tuple, range, str, bytes, dict)):
        return "array"
    if any(hasattr(x, a) for a in ("to_numpy", "__array__", "__cuda_array_interface__")):
        return "array"
    if hasattr(x, "__iter__") or hasattr(x, "__next__"):
        return "stream"
    return "array"


def is_memmap(value) -> bool:
    """Whether ``value`` is (a view of) a memory-mapped array, e.g. from np.load(mmap_mode='r')."""
    return isinstance(value, np.memmap)


def _mapping(array):
    """The mmap behind a memmap view whose pages may be handed back; None otherwise (plain
    arrays, copies, copy-on-write maps, whose changes live only in those pages)."""
    mm = getattr(array, "_mmap", None)
    if mm is None or _DONTNEED is None or getattr(array, "mode", "r") == "c":
        return None
    return mm


def _release(mm) -> None:
    try:
        mm.madvise(_DONTNEED)
    except (ValueError, OSError):  # a closed map, or a system without madvise
        pass


def read_rows(array, key, dtype=None) -> np.ndarray:
    """``array[key]`` (a slice or an index array) as an in-memory array of ``dtype``.

    For a memory-mapped array the rows are read in windows of about 16 MiB of the file (an
    index array is read in sorted order, window by window), and after each window its pages
    are handed back to the OS (madvise MADV_DONTNEED: the data stays in the file and in the
    OS's cache, but no longer counts in this process's memory). Without that, every page
    read stays mapped and resident until the map is closed: streaming a 2 GB file would
    leave 2 GB resident, and gathering a shuffled batch maps a whole block of the file (up to
    2 MiB on recent kernels) for each row.
    """
    mm = _mapping(array)
    if mm is None:
        return np.asarray(array[key], dtype=dtype)
    dtype = array.dtype if dtype is None else np.dtype(dtype)
    row_bytes = max(1, array.itemsize * math.prod(array.shape[1:]))
    window = max(1, _CHUNK_BYTES // row_bytes)
    if isinstance(key, slice):
        rows = range(*key.indices(len(array)))
        chunk = max(1, window // abs(rows.step))
        out = np.empty((len(rows),) + array.shape[1:], dtype)
        for lo in range(0, len(rows), chunk):
            part = rows[lo:lo + chunk]
            out[lo:lo + len(part)] = array[part.start:part.stop:part.step]
            _release(mm)
        return out
    index = np.asarray(key).reshape(-1)
    out = np.empty((len(index),) + array.shape[1:], dtype)
    if not len(index):
        return out
    order = np.argsort(index, kind="stable")
    ordered = index[order]
    groups = np.flatnonzero(np.diff(ordered // window)) + 1
    for positions in np.split(order, groups):
        out[positions] = array[index[positions]]
        _release(mm)
    return out


def as_array(value, dtype=None) -> np.ndarray:
    """One part of a batch as a NumPy array: memory-mapped views are copied out of the file
    (read_rows), Tensors and pandas objects converted."""
    if isinstance(value, np.memmap) and value.ndim:
        return read_rows(value, slice(None), dtype)
    if not isinstance(value, np.ndarray):
        value = getattr(value, "value", value)
        if hasattr(value, "to_numpy"):
            value = value.to_numpy()
        from .. import backend

        value = backend.to_numpy(value)
    return np.asarray(value, dtype=dtype)


def standardize_batch(batch, where: str, index) -> tuple:
    """(x, y, sample_weight) from what a generator or PyDataset gives for one batch."""
    if isinstance(batch, list):
        batch = tuple(batch)
    if not isinstance(batch, tuple):  # inputs alone (a dict: by input name)
        return batch, None, None
    if not 1 <= len(batch) <= 3:
        raise ValueError(f"{where}: batch {index} is a tuple of {len(batch)} items; expected "
                         "(x,), (x, y) or (x, y, sample_weight).")
    return batch + (None,) * (3 - len(batch))


# ----------------------------------------------------------------------------- sources


class ArraySource:
    """Batches of arrays held in memory or memory-mapped, in one permutation per pass.

    shuffle=True draws a permutation of the samples from the generator given to new_pass;
    'batch' keeps each batch contiguous and shuffles the order of the batches (Keras's option
    for data on disk: contiguous reads); False keeps the order. ``convert(x, y, sw)`` turns the
    rows read from mapped arrays into training arrays (in-memory arrays are already prepared).

    On a GPU, in-memory arrays that fit in ``DEVICE_DATA_SHARE`` of the device's free memory are
    copied there on the first pass and held until the source is dropped: each pass then draws
    its permutation on the host (the same shuffles as on the CPU), copies it over once, and
    gathers every batch on the device.
    """

    reiterable = True
    indexable = True

    def __init__(self, x, y=None, sample_weight=None, batch_size: int = 32, shuffle=False,
                 convert=None):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.num_samples = len(x)
        self.num_batches = math.ceil(self.num_samples / batch_size)
        self.mapped = any(is_memmap(a) for a in (x, y, sample_weight))
        self.convert = convert
        self._held = None  # (x, y, sample_weight) on the device, False if not held there
        self.helper = None  # fit's helper thread, which gathers shuffled passes ahead

    def on_epoch_begin(self) -> None:
        pass

    def on_epoch_end(self) -> None:
        pass

    def new_pass(self, rng, start: int = 0):
        """An iterator over the batches of one pass, from batch ``start``; the permutation is
        drawn now (one draw per pass)."""
        order = batch_order = None
        if self.shuffle == "batch":
            batch_order = rng.permutation(self.num_batches)
        elif self.shuffle:
            order = rng.permutation(self.num_samples)
        if self.mapped:
            return self._mapped_batches(order, batch_order, start)
        if self.helper is not None and order is not None and batch_order is None:
            from ..fast.helper_thread import PrefetchedPass  # (fast/helper_thread.py)

            return PrefetchedPass(self.x, self.y, self.sample_weight, order, self.batch_size,
                                  start, self.helper)
        return self._batches(order, batch_order, start)

    def _keys(self, order, batch_order, start):
        n, size = self.num_samples, self.batch_size
        for b in range(start, self.num_batches):
            if batch_order is not None:
                k = int(batch_order[b])
                yield slice(k * size, min(n, (k + 1) * size))
            elif order is not None:
                yield order[b * size:(b + 1) * size]
            else:
                yield slice(b * size, min(n, (b + 1) * size))

    def _on_device(self):
        """The arrays copied to the GPU, or None where they stay on the host (on the CPU, or too
        large for ``DEVICE_DATA_SHARE`` of the free device memory)."""
        xp = backend.xp
        if xp is np:
            return None
        if self._held is None:
            arrays = (self.x, self.y, self.sample_weight)
            size = sum(a.nbytes for a in arrays if a is not None)
            try:
                free = xp.cuda.runtime.memGetInfo()[0]
            except Exception:  # no answer: keep the data on the host
                free = 0
            self._held = False
            if size <= DEVICE_DATA_SHARE * free:
                self._held = tuple(None if a is None else xp.asarray(a) for a in arrays)
        return self._held or None

    def _batches(self, order, batch_order, start):
        held = self._on_device()
        x, y, sw = held or (self.x, self.y, self.sample_weight)
        if order is not None and batch_order is None:  # shuffled rows: the common case
            if held is not None:
                yield from self._device_gathers(held, order, start)
                return
            size = self.batch_size
            for b in range(start, self.num_batches):
                idx = order[b * size:(b + 1) * size]
                yield (take_rows(x, idx), None if y is None else take_rows(y, idx),
                       None if sw is None else sw[idx])
            return
        for key in self._keys(order, batch_order, start):
            yield x[key], None if y is None else y[key], None if sw is None else sw[key]

    def _device_gathers(self, held, order, start):
        """The shuffled batches of arrays held on the GPU, gathered there."""
        x, y, sw = held
        take = backend.xp.take  # one gather kernel a batch (fancy indexing costs more to set up)
        order = backend.xp.asarray(order)  # one copy a pass
        both = fused._gpu(x)  # x's and y's rows in one launch, where the kernel applies
        for key in self._keys(order, None, start):
            pair = None if both is None or y is None else both.take_rows(x, y, key)
            xb, yb = pair if pair is not None else (
                take(x, key, axis=0), None if y is None else take(y, key, axis=0))
            yield xb, yb, None if sw is None else take(sw, key, axis=0)

    def _mapped_batches(self, order, batch_order, start):
        x, y, sw = self.x, self.y, self.sample_weight
        for key in self._keys(order, batch_order, start):
            batch = (read_rows(x, key), None if y is None else read_rows(y, key),
                     None if sw is None else read_rows(sw, key))
            yield self.convert(*batch) if self.convert else batch


class InputsSource(ArraySource):
    """Batches of a model with several inputs: ``x`` a list of in-memory arrays of one length,
    each batch the same rows of each (a list of arrays), with y and sample_weight, in one
    permutation per pass as ArraySource. The arrays stay on the host."""

    def __init__(self, x: list, y=None, sample_weight=None, batch_size: int = 32,
                 shuffle=False):
        super().__init__(x[0], y, sample_weight, batch_size, shuffle)
        self.x = list(x)
        self.mapped = False

    def new_pass(self, rng, start: int = 0):
        order = batch_order = None
        if self.shuffle == "batch":
            batch_order = rng.permutation(self.num_batches)
        elif self.shuffle:
            order = rng.permutation(self.num_samples)
        return self._input_batches(order, batch_order, start)

    def _input_batches(self, order, batch_order, start):
        xs, y, sw = self.x, self.y, self.sample_weight
        for key in self._keys(order, batch_order, start):
            if isinstance(key, slice):
                yield ([a[key] for a in xs], None if y is None else y[key],
                       None if sw is None else sw[key])
            else:
                yield ([take_rows(a, key) for a in xs], None if y is None else take_rows(y, key),
                       None if sw is None else sw[key])


class PyDatasetSource:
    """Batches of a PyDataset: batch i of a pass is dataset[order[i]]; shuffle permutes the
    batch indices (drawn from the generator given to new_pass)."""

    reiterable = True
    indexable = True

    def __init__(self, dataset: PyDataset, shuffle=False, convert=None, where: str = "fit"):
        self.dataset = dataset
        self.shuffle = bool(shuffle)
        self.convert = convert
        self.where = where
        try:
            self.num_batches = dataset.num_batches
        except NotImplementedError as err:
            raise TypeError(f"{where}(x): {err}") from None
        if self.num_batches is not None and (
                not isinstance(self.num_batches, (int, np.integer)) or self.num_batches < 1):
            raise ValueError(f"{where}(x): {type(dataset).__name__} has {self.num_batches!r} "
                             "batches; expected a positive number (its __len__).")
        workers = dataset.workers
        if not isinstance(workers, (int, np.integer)) or workers < 0:
            raise ValueError(f"{where}(x): {type(dataset).__name__}(workers=...) must be an "
                             f"integer >= 0, given {workers!r}.")

    def first_batch(self) -> tuple:
        return standardize_batch(self.dataset[0], self.where, 0)

    def on_epoch_begin(self) -> None:
        self.dataset.on_epoch_begin()

    def on_epoch_end(self) -> None:
        self.dataset.on_epoch_end()

    def _fetch(self, index):
        batch = standardize_batch(self.dataset[index], self.where, index)
        return self.convert(*batch) if self.convert else batch

    def new_pass(self, rng, start: int = 0):
        if self.num_batches is None:
            indices = itertools.count(start)
        elif self.shuffle:
            indices = (int(i) for i in rng.permutation(self.num_batches)[start:])
        else:
            indices = iter(range(start, self.num_batches))
        workers = int(self.dataset.workers)
        if workers > 1:
            return _prefetched(self._fetch, indices, workers, max(1, self.dataset.max_queue_size))
        return map(self._fetch, indices)


def _prefetched(fetch, indices, workers: int, queue_size: int):
    """fetch(i) for each index, in order, computed up to queue_size ahead in worker threads."""
    from concurrent.futures import ThreadPoolExecutor

    pool = ThreadPoolExecutor(workers)
    pending = collections.deque()
    try:
        for index in itertools.islice(indices, queue_size):
            pending.append(pool.submit(fetch, index))
        while pending:
            future = pending.popleft()
            for index in itertools.islice(indices, 1):
                pending.append(pool.submit(fetch, index))
            yield future.result()
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class IteratorSource:
    """Batches from a generator, iterator or other iterable of (x, y[, sample_weight]).

    A generator or iterator is one stream: epochs continue it. Another iterable (one whose
    iter() gives a fresh iterator each time, such as a list-like loader) starts again at each
    pass. The first batch is read ahead to check it and build the model.
    """

    indexable = False

    def __init__(self, data, convert=None, where: str = "fit"):
        self.data = data
        self.convert = convert
        self.where = where
        iterator = _iterate(data)
        self.reiterable = iterator is not data
        self.num_batches = None
        if self.reiterable and hasattr(data, "__len__"):
            try:
                self.num_batches = len(data) or None
            except TypeError:
                self.num_batches = None
        self._iterator = iterator
        self._first = None
        self._first_pending = False

    def first_batch(self) -> tuple:
        if self._first is None:
            try:
                raw = next(self._iterator)
            except StopIteration:
                raise ValueError(f"{self.where}(x): the generator / iterable gave no batch; "
                                 "expected at least one (x, y) tuple.") from None
            self._first = standardize_batch(raw, self.where, 0)
            self._first_pending = True
        return self._first

    def on_epoch_begin(self) -> None:
        pass

    def on_epoch_end(self) -> None:
        pass

    def new_pass(self, rng=None, start: int = 0):
        if self._first_pending:
            self._first_pending = False
            return self._stream(itertools.chain([None], self._iterator), first=True)
        if self.reiterable:
            self._iterator = _iterate(self.data)
        return self._stream(self._iterator, first=False)

    def _stream(self, iterator, first: bool):
        convert, where = self.convert, self.where
        for index, raw in enumerate(iterator):
            batch = self._first if first and index == 0 else standardize_batch(raw, where, index)
            yield convert(*batch) if convert else batch


def _iterate(data):
    """A new iterator over ``data``; a numnet.data.Dataset gives its batches as NumPy arrays."""
    batches = getattr(data, "_numpy_batches", None)
    return batches() if callable(batches) else iter(data)


# ----------------------------------------------------------------------------- epochs


class EpochIterator:
    """Cuts a source into epochs by Keras's rules.

    Without ``steps_per_epoch`` an epoch is one pass over the source (a new permutation each
    epoch). With it, an epoch is that many batches and the next epoch continues the same pass
    until it is used up; a new pass then starts with the next epoch. If an epoch needs more
    batches than the pass has left, it ends early with Keras's warning "Your input ran out of
    data". A stream that cannot start again (a generator) and has run dry sets ``ran_out``, and
    fit stops after that epoch.

    For resuming (BackupAndRestore): ``pass_rng_state`` is the random state the pass's
    permutation was drawn from and ``position`` the batches of the pass used so far;
    ``restore`` rebuilds that pass exactly for sources that can be indexed.
    """

    def __init__(self, source, steps_per_epoch: int | None = None):
        from .. import config

        cap = config._max_steps_per_epoch  # numnet.config.set_max_steps_per_epoch: debugging
        if cap is not None and (steps_per_epoch is None or cap < steps_per_epoch):
            warnings.warn(f"Limiting steps_per_epoch to {cap} "
                          "(numnet.config.set_max_steps_per_epoch).", stacklevel=3)
            steps_per_epoch = cap
        self.source = source
        self.steps_per_epoch = steps_per_epoch
        self.num_batches = source.num_batches
        self._pass = None
        self._restored = False
        self.position = 0
        self.pass_rng_state = None
        self.ran_out = False

    @property
    def steps(self) -> int | None:
        """Batches per epoch, when known."""
        return self.steps_per_epoch or self.num_batches

    def _start_pass(self, rng, start: int = 0) -> None:
        self.pass_rng_state = None if rng is None else rng.bit_generator.state
        self._pass = self.source.new_pass(rng, start)
        self.position = start if self.source.indexable else 0

    def restore(self, rng, pass_rng_state, position: int) -> None:
        """Rebuild the pass drawn from ``pass_rng_state`` and move to batch ``position``
        (indexable sources; a stream starts where it is). Leaves ``rng`` as it was."""
        saved = rng.bit_generator.state
        if self.num_batches is not None and position >= self.num_batches:
            self._pass = None
        else:
            rng.bit_generator.state = pass_rng_state
            self._start_pass(rng, position)
            self._restored = True
        rng.bit_generator.state = saved

    def epoch(self, rng, start_step: int = 0):
        """An iterator over the (x, y, sample_weight) batches of one epoch, from step
        ``start_step`` (call ``end_epoch`` after it, also after a break)."""
        self.source.on_epoch_begin()
        if self._restored:
            self._restored = False
        elif self._pass is None or self.steps_per_epoch is None:
            self._start_pass(rng)
        limit = self.steps_per_epoch or self.num_batches
        return self._epoch(rng, limit, start_step)

    def _epoch(self, rng, limit, step):
        pass_ = self._pass
        yielded = 0
        while limit is None or step < limit:
            if self.num_batches is not None and self.position >= self.num_batches:
                if self.steps_per_epoch:
                    warnings.warn(_RAN_OUT, stacklevel=3)
                return
            try:
                batch = next(pass_)
            except StopIteration:
                if yielded == 0 and self.position > 0 and self.source.reiterable:
                    # The pass ended exactly at the end of the last epoch: start the next one.
                    self.num_batches = self.num_batches or self.position
                    self._start_pass(rng)
                    pass_ = self._pass
                    continue
                self._pass_ended()
                return
            self.position += 1
            step += 1
            yielded += 1
            yield batch

    def _pass_ended(self) -> None:
        reiterable = self.source.reiterable
        if reiterable and self.num_batches is None and self.position:
            self.num_batches = self.position  # the length of a pass, learnt
        if self.steps_per_epoch:
            warnings.warn(_RAN_OUT, stacklevel=4)
            self.ran_out = not reiterable
        elif self.position == 0:
            warnings.warn(_RAN_OUT, stacklevel=4)
            self.ran_out = True
        self._pass = None

    def reset(self, peek: bool = False) -> None:
        """The start of a fit / evaluate, as Keras's epoch iterator's reset: the source's
        ``on_epoch_end`` runs once more (a PyDataset that reshuffles there reshuffles), after
        its ``on_epoch_begin`` where Keras first reads a batch to build the model (``peek``)."""
        if peek:
            self.source.on_epoch_begin()
        self.source.on_epoch_end()

    def end_epoch(self) -> None:
        if self.num_batches is not None and self.position >= self.num_batches:
            self.close()  # (a helper thread's pass stops now, not whenever it is collected)
        self.source.on_epoch_end()

    def close(self) -> None:
        close = getattr(self._pass, "close", None)
        if close is not None:
            close()
        self._pass = None


__all__ = ["ArraySource", "EpochIterator", "InputsSource", "IteratorSource", "PyDataset",
           "PyDatasetSource", "as_array", "is_memmap", "kind_of", "read_rows",
           "standardize_batch"]
