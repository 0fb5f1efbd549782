"""``keras.utils.timeseries_dataset_from_array``: sliding windows over a series, in batches."""

from __future__ import annotations

import math

import numpy as np


def _check_int(name: str, value, low: int, high: int | None = None, what: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low or (
            high is not None and value >= high):
        bound = f" and < {high}{what}" if high is not None else ""
        raise ValueError(f"timeseries_dataset_from_array({name}): expected an integer >= {low}"
                         f"{bound}, given {value!r}.")
    return int(value)


def timeseries_dataset_from_array(data, targets, sequence_length: int, sequence_stride: int = 1,
                                  sampling_rate: int = 1, batch_size: int | None = 128,
                                  shuffle: bool = False, seed: int | None = None,
                                  start_index: int | None = None,
                                  end_index: int | None = None, format: str = "tf"):
    """Windows of ``sequence_length`` steps taken along a series, as batches ``fit`` takes.

    Window i starts at ``start_index + p_i`` (p_i = 0, sequence_stride, 2 * sequence_stride,
    ...) and holds the steps ``data[start + k * sampling_rate]`` for k < sequence_length; its
    target is ``targets[start]`` (the target of the window's first step, as Keras: to predict
    the step after a window of n steps, pass ``targets=data[n:]``). Windows never reach
    ``end_index``; with targets, there are at most ``len(targets) - start_index`` of them.

    Args:
        data: array of shape (steps, ...) (a list is made an array).
        targets: array aligned with ``data`` (one target per step), or None for windows alone.
        sequence_length: steps per window.
        sequence_stride: steps between the starts of consecutive windows. Defaults to 1.
        sampling_rate: keep every n-th step inside a window. Defaults to 1.
        batch_size: windows per batch (the last may be smaller); None gives single windows.
            Defaults to 128.
        shuffle: shuffle the order of the windows, once. Defaults to False.
        seed: seed of the shuffle (``np.random.RandomState(seed).shuffle`` of the window
            starts, as Keras; Keras's TensorFlow path shuffles its batches once more).
        start_index, end_index: use only ``data[start_index:end_index]``. Default to the
            whole series.
        format: accepted for Keras ("tf" or "grain"); a numnet Dataset either way. Defaults
            to "tf".

    Returns:
        A ``numnet.data.Dataset`` (as Keras returns a ``tf.data.Dataset``; also indexable by
        batch) whose elements are the batches ``(windows, targets)`` of
        shapes (batch, sequence_length, ...) and (batch, ...), or ``windows`` alone without
        targets; pass it to ``fit`` / ``evaluate`` / ``predict`` as x.

    Raises:
        ValueError: a stride, rate or index out of range, or a format other than "tf" or
            "grain", naming the argument.

    Example::

        >>> ds = timeseries_dataset_from_array(np.arange(10), None, sequence_length=5,
        ...                                    batch_size=None)
        >>> ds[0], ds[5]
        (array([0, 1, 2, 3, 4]), array([5, 6, 7, 8, 9]))
    """

    if format not in ("tf", "grain"):
        raise ValueError(f"timeseries_dataset_from_array(format): expected 'tf' or 'grain', "
                         f"given {format!r}.")
    data = np.asarray(data)
    if data.ndim == 0:
        raise ValueError("timeseries_dataset_from_array(data): expected an array of steps "
                         f"(steps, ...), given the single value {data!r}.")
    n = len(data)
    sampling_rate = _check_int("sampling_rate", sampling_rate, 1, n,
                               f" (the length of the data, {n})")
    sequence_stride = _check_int("sequence_stride", sequence_stride, 1, n,
                                 f" (the length of the data, {n})")
    sequence_length = _check_int("sequence_length", sequence_length, 1)
    start = 0 if start_index is None else _check_int("start_index", start_index, 0, n,
                                                     f" (the length of the data, {n})")
    end = n if end_index is None else _check_int("end_index", end_index, start + 1, n + 1,
                                                 f" + 1 (the length of the data, {n})")
    if batch_size is not None:
        batch_size = _check_int("batch_size", batch_size, 1)
    if targets is not None:
        targets = np.asarray(targets)
        if targets.ndim == 0:
            raise ValueError("timeseries_dataset_from_array(targets): expected one target per "
                             f"step, given the single value {targets!r}.")
    count = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        count = min(count, len(targets) - start)
    starts = np.arange(0, max(count, 0), sequence_stride)
    if shuffle:
        np.random.RandomState(np.random.randint(1_000_000) if seed is None else seed).shuffle(
            starts)
    offsets = np.arange(sequence_length) * sampling_rate
    return _Windows(None, data[start:end], None if targets is None else targets[start:],
                    starts, offsets, batch_size)


def _Windows(base, data, targets, starts, offsets, batch_size):
    """A Dataset (``tf.data``-like: ``take``, ``map``, iteration) of the batches of windows at
    ``starts``, each batch made when it is asked for."""
    from ..data.dataset import Dataset

    class TimeseriesDataset(Dataset):
        """Windows of a series, batch by batch (see timeseries_dataset_from_array)."""

        def __init__(self):
            self.data, self.targets, self.starts = data, targets, starts
            self.offsets, self.batch_size = offsets, batch_size

        def _elements(self):
            return (self[i] for i in range(len(self)))

        def _cardinality(self) -> int:
            return len(self)

        def __len__(self) -> int:
            if self.batch_size is None:
                return len(self.starts)
            return math.ceil(len(self.starts) / self.batch_size)

        def __getitem__(self, index: int):
            if not -len(self) <= index < len(self):
                raise IndexError(f"TimeseriesDataset: batch {index} of {len(self)}.")
            index %= len(self)
            if self.batch_size is None:
                begin = self.starts[index]
                window = self.data[begin + self.offsets]
                return window if self.targets is None else (window, self.targets[begin])
            begins = self.starts[index * self.batch_size:(index + 1) * self.batch_size]
            windows = self.data[begins[:, None] + self.offsets]
            return windows if self.targets is None else (windows, self.targets[begins])

        def __repr__(self) -> str:
            return (f"<TimeseriesDataset: {len(self.starts)} windows of "
                    f"{len(self.offsets)} steps, {len(self)} items>")

    return TimeseriesDataset()
