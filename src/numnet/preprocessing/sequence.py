"""``keras.preprocessing.sequence``: pad_sequences (also ``numnet.utils.pad_sequences``), and
what ``tf.keras`` keeps from Keras 2: the word2vec helpers ``skipgrams`` and
``make_sampling_table``, and ``TimeseriesGenerator``."""

from __future__ import annotations

import random

import numpy as np

from ..data.py_dataset import PyDataset


def pad_sequences(sequences, maxlen: int | None = None, dtype="int32", padding: str = "pre",
                  truncating: str = "pre", value=0.0) -> np.ndarray:
    """Sequences of different lengths as one array (len(sequences), maxlen, ...), as Keras's
    ``pad_sequences``: each padded with ``value`` and cut to ``maxlen`` (the longest when None),
    at the start ("pre") or the end ("post").

    Args:
        sequences: a list of sequences (lists or arrays of numbers, or of vectors).
        maxlen: the output length; None for the longest sequence's. Defaults to ``None``.
        dtype: the output's dtype. Defaults to ``'int32'``.
        padding: 'pre' (pad at the start) or 'post' (at the end). Defaults to ``'pre'``.
        truncating: 'pre' (cut from the start) or 'post' (from the end) for sequences longer than
            maxlen. Defaults to ``'pre'``.
        value: the padding value. Defaults to ``0.0``.

    Returns:
        An array of shape (len(sequences), maxlen).

    Example:
        >>> numnet.utils.pad_sequences([[1, 2, 3], [4]], maxlen=3)
        array([[1, 2, 3],
               [0, 0, 4]], dtype=int32)
    """
    for argument, given in (("padding", padding), ("truncating", truncating)):
        if given not in ("pre", "post"):
            raise ValueError(f"pad_sequences({argument}): expected 'pre' or 'post', given "
                             f"{given!r}.")
    if maxlen is not None and (isinstance(maxlen, bool) or not isinstance(maxlen, int)
                               or maxlen < 1):
        raise ValueError(f"pad_sequences(maxlen): expected a positive integer or None, given "
                         f"{maxlen!r}.")
    try:
        rows = [np.asarray(seq) for seq in sequences]
    except TypeError:
        raise TypeError(f"pad_sequences(sequences): expected a list of sequences (lists or "
                        f"arrays), given {type(sequences).__name__}.") from None
    for i, row in enumerate(rows):
        if row.ndim == 0:
            raise ValueError(f"pad_sequences(sequences): sequence {i} is the single value "
                             f"{row.item()!r}; each sequence must be a list or array.")
    step_shape = next((row.shape[1:] for row in rows if len(row)), ())
    dtype = np.dtype(dtype)
    if dtype.kind in "US" and not isinstance(value, str):
        raise ValueError(f"pad_sequences(value): a {dtype} array needs a string value to pad "
                         f"with, given {value!r}.")
    length = maxlen if maxlen is not None else max((len(row) for row in rows), default=0)
    out = np.full((len(rows), length) + step_shape, value, dtype=dtype)
    for i, row in enumerate(rows):
        if not len(row):
            continue
        if row.shape[1:] != step_shape:
            raise ValueError(f"pad_sequences(sequences): sequence {i} has steps of shape "
                             f"{row.shape[1:]}, the first non-empty one {step_shape}.")
        kept = row[-length:] if truncating == "pre" else row[:length]
        if padding == "post":
            out[i, :len(kept)] = kept
        else:
            out[i, length - len(kept):] = kept
    return out


def make_sampling_table(size: int, sampling_factor: float = 1e-5) -> np.ndarray:
    """The probability of keeping the word of each frequency rank, for ``skipgrams``'s
    ``sampling_table``: word2vec's subsampling ``p = min(1, sqrt(f / t) / (f / t))`` for a word of
    frequency ``f`` and ``t = sampling_factor``, with the frequency of rank ``r`` taken from
    Zipf's law, ``1 / f ~ r (ln r + gamma) + 1/2 - 1 / (12 r)`` (gamma = 0.577; rank 0, the
    padding, is read as rank 1).

    Args:
        size: the number of ranks (the vocabulary size).
        sampling_factor: ``t`` in the formula; smaller keeps fewer frequent words. Defaults to
            ``1e-5``.

    Returns:
        A float64 array of shape (size,), rising from about 0.003 towards 1.

    Raises:
        ValueError: size is not a non-negative integer.

    Example:
        >>> numnet.preprocessing.sequence.make_sampling_table(4).round(5).tolist()
        [0.00315, 0.00315, 0.00548, 0.00742]
    """
    if isinstance(size, bool) or not isinstance(size, (int, np.integer)) or size < 0:
        raise ValueError(f"make_sampling_table(size): expected a non-negative integer (the "
                         f"vocabulary size), given {size!r}.")
    gamma = 0.577
    rank = np.arange(size)
    rank[:1] = 1
    inverse_frequency = rank * (np.log(rank) + gamma) + 0.5 - 1.0 / (12.0 * rank)
    ratio = sampling_factor * inverse_frequency
    return np.minimum(1.0, ratio / np.sqrt(ratio))


def skipgrams(sequence, vocabulary_size: int, window_size: int = 4, negative_samples: float = 1.0,
              shuffle: bool = True, categorical: bool = False, sampling_table=None,
              seed=None) -> tuple[list, list]:
    """The skip-gram pairs of a sequence of word ids, as Keras's ``skipgrams``: each word with
    each word at most ``window_size`` places before or after it (label 1), then, for
    ``negative_samples`` > 0, that many times as many pairs of a word with a random id from
    [1, vocabulary_size) (label 0). Id 0 is padding: it is never a word of a pair.

    The draws go through Python's ``random`` module in Keras's order (a ``random.random()`` per
    word against ``sampling_table``, a shuffle of the words and a ``randint`` per negative pair,
    then two shuffles under ``seed``), so the same Python random state gives Keras's pairs.

    Args:
        sequence: a list (or 1-D array) of word ids; with a sampling_table, ids are frequency
            ranks (1 the most frequent word).
        vocabulary_size: the largest id + 1.
        window_size: how far either side of a word its context goes. Defaults to ``4``.
        negative_samples: negative pairs per positive pair (0 for none). Defaults to ``1.0``.
        shuffle: shuffle the pairs (and their labels the same way). Defaults to ``True``.
        categorical: labels as ``[0, 1]`` / ``[1, 0]`` instead of 1 / 0. Defaults to ``False``.
        sampling_table: the probability of keeping each word as a target (from
            ``make_sampling_table``). Defaults to ``None`` (keep every word).
        seed: the seed of the shuffle. Defaults to ``None`` (drawn from ``random``).

    Returns:
        ``(couples, labels)``: a list of ``[word, context]`` pairs and a list of labels.

    Raises:
        ValueError: window_size is negative or vocabulary_size is below 2 while negative pairs
            are asked for.

    Example:
        >>> pairs, labels = numnet.preprocessing.sequence.skipgrams(
        ...     [1, 2, 3], vocabulary_size=4, window_size=1, negative_samples=0, shuffle=False)
        >>> pairs, labels
        ([[1, 2], [2, 1], [2, 3], [3, 2]], [1, 1, 1, 1])
    """
    if isinstance(window_size, bool) or int(window_size) != window_size or window_size < 0:
        raise ValueError(f"skipgrams(window_size): expected a non-negative integer, given "
                         f"{window_size!r}.")
    if negative_samples > 0 and int(vocabulary_size) < 2:
        raise ValueError(f"skipgrams(vocabulary_size): negative pairs draw ids from [1, "
                         f"vocabulary_size); given {vocabulary_size!r}, pass the vocabulary "
                         "size (the largest id + 1) or negative_samples=0.")
    words = [int(w) for w in (sequence.tolist() if hasattr(sequence, "tolist") else sequence)]
    window_size = int(window_size)
    positive, negative = ([0, 1], [1, 0]) if categorical else (1, 0)
    couples, labels = [], []
    for i, word in enumerate(words):
        if not word:
            continue
        if sampling_table is not None and sampling_table[word] < random.random():
            continue
        for j in range(max(0, i - window_size), min(len(words), i + window_size + 1)):
            if j != i and words[j]:
                couples.append([word, words[j]])
                labels.append(positive)
    if negative_samples > 0:
        count = int(len(labels) * negative_samples)
        targets = [pair[0] for pair in couples]
        random.shuffle(targets)
        couples += [[targets[k % len(targets)], random.randint(1, int(vocabulary_size) - 1)]
                    for k in range(count)]
        labels += [negative] * count
    if shuffle:
        if seed is None:
            seed = random.randint(0, 10_000_000)
        random.seed(seed)
        random.shuffle(couples)
        random.seed(seed)
        random.shuffle(labels)
    return couples, labels


class TimeseriesGenerator(PyDataset):
    """Batches of windows of a time series and the target that follows each window, as
    Keras 2's ``TimeseriesGenerator`` (a PyDataset: give it to ``fit`` or index it).

    Batch ``i`` holds the windows that end before the rows ``start_index + length + i *
    batch_size * stride``, then every ``stride``-th row up to ``end_index``: for a row r, the
    sample is ``data[r - length:r:sampling_rate]`` and its target ``targets[r]``.

    Args:
        data: the series, time on the first axis (a list or array).
        targets: one target per time step (as long as data).
        length: how many time steps a window spans.
        sampling_rate: the step between the time steps of a window. Defaults to ``1``.
        stride: the step between the rows of consecutive windows. Defaults to ``1``.
        start_index: the first row a window may begin at. Defaults to ``0``.
        end_index: the last row a target may come from. Defaults to ``None`` (the last row).
        shuffle: draw each batch's rows at random (with NumPy's global generator, as Keras).
            Defaults to ``False``.
        reverse: give each window's time steps last first. Defaults to ``False``.
        batch_size: windows per batch. Defaults to ``128``.
        **kwargs: PyDataset's ``workers``, ``use_multiprocessing``, ``max_queue_size``.

    Raises:
        ValueError: data and targets differ in length, or ``start_index + length`` is past
            ``end_index`` (no window would have a target).

    Example:
        >>> gen = numnet.preprocessing.sequence.TimeseriesGenerator(
        ...     np.arange(10), np.arange(10), length=3, batch_size=2)
        >>> x, y = gen[0]
        >>> x.tolist(), y.tolist(), len(gen)
        ([[0, 1, 2], [1, 2, 3]], [3, 4], 4)
    """

    def __init__(self, data, targets, length, sampling_rate=1, stride=1, start_index=0,
                 end_index=None, shuffle=False, reverse=False, batch_size=128, **kwargs):
        super().__init__(**kwargs)
        if len(data) != len(targets):
            raise ValueError(f"TimeseriesGenerator(targets): expected one target per time step "
                             f"of data ({len(data)}), given {len(targets)}.")
        self.data, self.targets = data, targets
        self.length, self.sampling_rate, self.stride = int(length), int(sampling_rate), int(
            stride)
        self.start_index = int(start_index) + self.length
        self.end_index = len(data) - 1 if end_index is None else int(end_index)
        self.shuffle, self.reverse, self.batch_size = shuffle, reverse, int(batch_size)
        if self.start_index > self.end_index:
            raise ValueError(f"TimeseriesGenerator(length): start_index + length = "
                             f"{self.start_index} is past end_index = {self.end_index}, so no "
                             "window would have a target; shorten length or give more data.")

    def __len__(self) -> int:
        span = self.batch_size * self.stride
        return (self.end_index - self.start_index + span) // span

    def __getitem__(self, index):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            first = self.start_index + self.batch_size * self.stride * int(index)
            rows = np.arange(first, min(first + self.batch_size * self.stride,
                                        self.end_index + 1), self.stride)
        samples = np.array([self.data[row - self.length:row:self.sampling_rate]
                            for row in rows])
        targets = np.array([self.targets[row] for row in rows])
        return (samples[:, ::-1, ...] if self.reverse else samples), targets

    def get_config(self) -> dict:
        """The arguments, with data and targets as JSON text (as Keras's)."""
        import json

        def as_json(values, name):
            values = values.tolist() if isinstance(values, np.ndarray) else values
            try:
                return json.dumps(values)
            except TypeError:
                raise TypeError(f"TimeseriesGenerator.get_config: the {name} cannot be written "
                                "as JSON (give numbers).") from None

        return {"data": as_json(self.data, "data"), "targets": as_json(self.targets, "targets"),
                "length": self.length, "sampling_rate": self.sampling_rate,
                "stride": self.stride, "start_index": self.start_index,
                "end_index": self.end_index, "shuffle": self.shuffle,
                "reverse": self.reverse, "batch_size": self.batch_size}


__all__ = ["TimeseriesGenerator", "make_sampling_table", "pad_sequences", "skipgrams"]
