"""``numnet.data.Dataset``: TensorFlow's ``tf.data.Dataset`` pipelines, lazily, on NumPy.

A Dataset is a recipe: each method returns a new Dataset that reads from the one before, and
nothing is computed until it is iterated. Each iteration runs the recipe again from its source
(so a shuffle reshuffles, a generator is called again), except past a ``cache()``.

Why one file of about 1100 lines: tf.data's Dataset is one class of many small chainable
methods.
"""

from __future__ import annotations

import bisect
import glob
import itertools
import math
import operator
import os
import sys
import types

import numpy as np

from .. import backend
from .structure import (
    TensorSpec,
    describe,
    flatten,
    map_structure,
    pack_like,
    spec_of,
    to_component,
)

INFINITE_CARDINALITY = -1
"""``cardinality()`` of a dataset without end (``repeat()``)."""
UNKNOWN_CARDINALITY = -2
"""``cardinality()`` of a dataset whose length cannot be known without reading it
(``filter``, ``from_generator``, ``unbatch``)."""
AUTOTUNE = -1
"""Accepted wherever tf.data takes ``num_parallel_calls`` or ``buffer_size``; numnet runs the
pipeline in the calling thread, so it changes nothing."""

_END = object()
_peeking = False  # reading an element for element_spec: shuffles keep their epoch counter
_describing = False  # repr: element_spec from the pipeline alone, no element read


class Cardinality(int):
    """The number of elements, as an int that also has TensorFlow's ``.numpy()``; compared
    with a number it gives a boolean tensor, as TensorFlow's scalar does, so
    ``(ds.cardinality() == tf.data.INFINITE_CARDINALITY).numpy()`` works (and ``if``,
    ``assert`` read it as a bool)."""

    def numpy(self) -> np.int64:
        return np.int64(self)

    def _compared(self, other, op):
        from ..autodiff.tensor import Tensor

        other = getattr(other, "value", other)
        if not isinstance(other, (int, float, np.integer, np.floating, np.ndarray)):
            return NotImplemented
        return Tensor(np.asarray(op(int(self), other)))

    def __eq__(self, other):
        return self._compared(other, operator.eq)

    def __ne__(self, other):
        return self._compared(other, operator.ne)

    def __lt__(self, other):
        return self._compared(other, operator.lt)

    def __le__(self, other):
        return self._compared(other, operator.le)

    def __gt__(self, other):
        return self._compared(other, operator.gt)

    def __ge__(self, other):
        return self._compared(other, operator.ge)

    __hash__ = int.__hash__


def _count(value, name: str, where: str) -> int:
    value = getattr(value, "value", value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value.item()
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"Dataset.{where}({name}): expected an integer, given "
                        f"{type(value).__name__} {value!r}.")
    return int(value)


def _call(fn, element):
    """``fn`` on an element: a tuple's components as positional arguments, each component a
    Tensor, as tf.data gives its functions tensors (``x.set_shape``, ``x.shape``, ``tf.*``)."""
    element = map_structure(_argument, element)
    return fn(*element) if type(element) is tuple else fn(element)


def _normalize(value, where: str):
    """A map function's result as an element: structure kept, components as NumPy arrays."""
    try:
        return map_structure(to_component, value)
    except (TypeError, ValueError) as err:
        raise TypeError(f"Dataset.{where}: the function returned {type(value).__name__}, which "
                        f"is not a structure of arrays ({err}). Return an array, a Tensor, or a "
                        "tuple / dict of them.") from None


class Dataset:
    """A pipeline of elements, as ``tf.data.Dataset``: ``import numnet as tf`` then
    ``tf.data.Dataset.from_tensor_slices((x, y)).shuffle(1000).batch(32)``.

    Build one with ``from_tensor_slices``, ``from_tensors``, ``from_generator``, ``range``,
    ``counter``, ``random`` or ``zip``; transform it with ``map``, ``filter``, ``shuffle``,
    ``batch``, ``padded_batch``, ``unbatch``, ``repeat``, ``take``, ``skip``, ``cache``,
    ``prefetch``, ``concatenate``, ``enumerate``, ``window``, ``scan``, ``take_while``,
    ``unique``, ``group_by_window``, ``bucket_by_sequence_length``, ``rebatch``,
    ``rejection_resample``, ``with_options``; give it to ``fit`` /
    ``evaluate`` / ``predict`` as Keras takes a tf.data pipeline: batches of ``(x, y)``,
    ``(x, y, sample_weight)``, or ``x`` alone for predict.

    An element is a NumPy array, or a tuple or dict of them (nested as you like). Iterating
    (``for x, y in ds``) gives numnet Tensors, as TensorFlow gives eager tensors (``.numpy()``,
    ``.shape``, ``np.asarray``); ``as_numpy_iterator()`` gives NumPy arrays. Functions given to
    ``map``, ``filter`` and ``flat_map`` receive Tensors, as TensorFlow's do (a tuple's
    components as separate arguments), and may return Tensors or arrays (``tf.cast``,
    ``tf.one_hot``, slicing, ``set_shape`` ... work there).

        >>> ds = numnet.data.Dataset.range(5).map(lambda i: i * 2).batch(2)
        >>> [b.tolist() for b in ds.as_numpy_iterator()]
        [[0, 2], [4, 6], [8]]
    """

    # ----- what each kind of dataset defines -----
    def _elements(self):
        """A new iterator over the elements, as structures of NumPy arrays."""
        raise NotImplementedError

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _rows(self):
        """(arrays, an iterator of row numbers) when each element is the rows of in-memory
        arrays (from_tensor_slices, then shuffle / take / skip / repeat): ``batch`` then
        gathers a batch with one index per array instead of stacking rows one by one.
        None otherwise."""
        return None

    def _spec(self):
        """The element_spec; by default read from the first element."""
        global _peeking
        if _describing:
            return None
        previous, _peeking = _peeking, True
        try:
            first = next(iter(self._elements()), _END)
        finally:
            _peeking = previous
        if first is _END:
            return None
        return spec_of(first)

    # ----- sources -----
    @staticmethod
    def from_tensor_slices(tensors, name: str | None = None) -> Dataset:
        """One element per row: element i is ``tensors`` with each component's row i.

        ``tensors``: an array, or a tuple / dict (nested) of arrays with one number of rows,
        e.g. ``(x_train, y_train)`` or ``{"image": images, "label": labels}``.
        Raises ValueError when the components' first dimensions differ.
        """
        return _Slices(tensors)

    @staticmethod
    def from_tensors(tensors, name: str | None = None) -> Dataset:
        """A dataset of one element: ``tensors`` whole."""
        return _Tensors(tensors)

    @staticmethod
    def from_generator(generator, output_types=None, output_shapes=None, args=None,
                       output_signature=None, name: str | None = None) -> Dataset:
        """The elements that ``generator(*args)`` yields, read as they are needed (streamed).

        ``generator``: a callable returning an iterator; it is called again at each
        iteration of the dataset (each epoch). ``output_signature``: the TensorSpec (or
        tuple / dict of them) of an element, whose dtypes the yielded values are cast to;
        ``output_types`` / ``output_shapes`` are TensorFlow 1's way to say the same.
        Cardinality is unknown (-2).

            def gen():
                for i in range(3):
                    yield np.full(2, i), i
            ds = numnet.data.Dataset.from_generator(gen, output_signature=(
                numnet.TensorSpec((2,), numnet.float32), numnet.TensorSpec((), numnet.int32)))
        """
        if not callable(generator):
            raise TypeError(f"Dataset.from_generator(generator): expected a callable that "
                            f"returns an iterator (the generator function itself, not its "
                            f"result), given {type(generator).__name__}. Pass `gen`, not "
                            "`gen()`.")
        if output_signature is None and output_types is not None:
            shapes = output_shapes
            if shapes is None:
                shapes = map_structure(lambda _: None, output_types)
            flat_shapes = _shapes_up_to(output_types, shapes)
            flat_types = flatten(output_types)
            output_signature = pack_like(output_types, [
                TensorSpec(s, t) for s, t in zip(flat_shapes, flat_types, strict=False)])
        return _Generator(generator, tuple(args or ()), output_signature)

    @staticmethod
    def range(*args, output_type="int64", name: str | None = None) -> Dataset:
        """The integers of Python's ``range(*args)``, as scalars of ``output_type`` (int64)."""
        return _Range(range(*(_count(a, "args", "range") for a in args)), output_type)

    @staticmethod
    def zip(*args, datasets=None, name: str | None = None) -> Dataset:
        """Elements of several datasets side by side, e.g. ``Dataset.zip((xs, ys))`` gives
        ``(x, y)`` elements; it stops at the end of the shortest. Also ``Dataset.zip(xs, ys)``."""
        if datasets is None:
            datasets = args[0] if len(args) == 1 else tuple(args)
        parts = flatten(datasets)
        bad = [type(d).__name__ for d in parts if not isinstance(d, Dataset)]
        if bad or not parts:
            raise TypeError(f"Dataset.zip(datasets): expected Datasets (a tuple or dict of "
                            f"them), given {bad or 'nothing'}.")
        return _Zip(datasets)

    @staticmethod
    def sample_from_datasets(datasets, weights=None, seed=None,
                             stop_on_empty_dataset: bool = False,
                             rerandomize_each_iteration=None) -> Dataset:
        """Elements drawn at random from ``datasets``: each from dataset i with probability
        ``weights[i]`` (equal weights by default), e.g. to rebalance classes. When one runs
        out, the rest continue (their weights renormalised) unless ``stop_on_empty_dataset``.
        ``seed`` as in ``shuffle``; a new draw at each iteration."""
        datasets = list(datasets)
        if not datasets or not all(isinstance(d, Dataset) for d in datasets):
            raise TypeError("Dataset.sample_from_datasets(datasets): expected a non-empty list "
                            "of Datasets.")
        w = np.ones(len(datasets)) if weights is None else np.asarray(
            backend.to_numpy(getattr(weights, "value", weights)), dtype=np.float64)
        if w.shape != (len(datasets),) or (w < 0).any() or not w.sum() > 0:
            raise ValueError(f"Dataset.sample_from_datasets(weights): expected one non-negative "
                             f"weight per dataset ({len(datasets)}), not all zero; given "
                             f"{weights!r}.")
        seed = None if seed is None else _count(seed, "seed", "sample_from_datasets")
        return _Sample(datasets, w / w.sum(), seed, bool(stop_on_empty_dataset))

    @staticmethod
    def choose_from_datasets(datasets, choice_dataset, stop_on_empty_dataset: bool = True
                             ) -> Dataset:
        """Elements taken in turn from ``datasets[i]``, i the successive elements of
        ``choice_dataset`` (a Dataset of int64 scalars). A chosen dataset that is empty ends it
        (``stop_on_empty_dataset``) or is passed over."""
        datasets = list(datasets)
        if not isinstance(choice_dataset, Dataset):
            raise TypeError(f"Dataset.choose_from_datasets(choice_dataset): expected a Dataset "
                            f"of indices, given {type(choice_dataset).__name__}.")
        return _Choose(datasets, choice_dataset, bool(stop_on_empty_dataset))

    @staticmethod
    def counter(start=0, step=1, dtype="int64", name: str | None = None) -> Dataset:
        """The integers ``start``, ``start + step``, ``start + 2 * step`` ... without end
        (cardinality -1), as ``tf.data.Dataset.counter``; ``take(n)`` or ``zip`` with a
        finite dataset ends it.

        Args:
            start: the first value. Defaults to ``0``.
            step: the difference between consecutive values. Defaults to ``1``.
            dtype: the elements' dtype. Defaults to ``int64``.
            name: accepted. Defaults to ``None``.

        Example:
            >>> ds = numnet.data.Dataset.counter(3, 2).take(3)
            >>> [int(x) for x in ds.as_numpy_iterator()]
            [3, 5, 7]
        """
        start = _count(start, "start", "counter")
        step = _count(step, "step", "counter")
        return _Counter(start, step, np.dtype(dtype))

    @staticmethod
    def random(seed=None, rerandomize_each_iteration=None,
               name: str | None = None) -> Dataset:
        """Pseudorandom int64 scalars in ``[0, 2**32)`` without end (cardinality -1), as
        ``tf.data.Dataset.random``; e.g. ``Dataset.random(seed=4).map(lambda x: x % 2)``
        for coin flips. The numbers are numnet's own (not TensorFlow's Philox stream).

        Args:
            seed: an int making the stream repeatable. Defaults to ``None`` (drawn from
                ``numnet.utils.set_random_seed``'s generator when the dataset is made).
            rerandomize_each_iteration: a new stream at each iteration (epoch). Defaults to
                ``None`` (False: every iteration gives the same numbers).
            name: accepted. Defaults to ``None``.

        Example:
            >>> a = list(numnet.data.Dataset.random(seed=4).take(2).as_numpy_iterator())
            >>> a == list(numnet.data.Dataset.random(seed=4).take(2).as_numpy_iterator())
            True
        """
        seed = None if seed is None else _count(seed, "seed", "random")
        return _RandomInts(seed, bool(rerandomize_each_iteration))

    @staticmethod
    def list_files(file_pattern, shuffle=None, seed=None, name: str | None = None) -> Dataset:
        """The paths of the files that match ``file_pattern`` (a glob such as
        ``"data/*.csv"``, or a list of them), one string element each, in a new random order
        at each iteration unless ``shuffle=False`` (sorted then).

        Args:
            file_pattern: a glob pattern or a list of them.
            shuffle: shuffle the paths. Defaults to ``None`` (True).
            seed: the shuffle's seed, an int. Defaults to ``None``.
            name: accepted. Defaults to ``None``.

        Raises:
            ValueError: no file matches.

        Example:
            >>> files = numnet.data.Dataset.list_files("logs/*.txt", shuffle=False)
            >>> lines = files.interleave(numnet.data.TextLineDataset, cycle_length=1)
        """
        patterns = file_pattern if isinstance(file_pattern, (list, tuple)) else [file_pattern]
        patterns = [getattr(p, "numpy", lambda p=p: p)() for p in patterns]
        patterns = [os.fsdecode(p.item() if isinstance(p, np.ndarray) else p) for p in patterns]
        paths = [path for pattern in patterns for path in sorted(glob.glob(pattern))
                 if os.path.isfile(path)]
        if not paths:
            raise ValueError(f"Dataset.list_files(file_pattern): no files match "
                             f"{file_pattern!r} (looked from {os.getcwd()!r}). Check the "
                             "pattern, e.g. 'data/*.csv'.")
        names = np.empty(len(paths), dtype=object)
        names[:] = paths
        dataset = _Slices(names)
        if shuffle is None or shuffle:
            dataset = dataset.shuffle(len(paths), seed=seed)
        return dataset

    # ----- transformations -----
    def map(self, map_func, num_parallel_calls=None, deterministic=None,
            name: str | None = None) -> Dataset:
        """Each element replaced by ``map_func(element)`` (a tuple's components passed as
        separate arguments: ``ds.map(lambda x, y: (x / 255, y))``). ``num_parallel_calls`` is
        accepted (AUTOTUNE, a number) and the calls run in order in this thread. As TensorFlow
        traces ``map_func`` when map is called, the Python values it reads are the ones of that
        moment: ``ds.map(lambda x: (x, i))`` in a loop over ``i`` labels with each round's i."""
        if not callable(map_func):
            raise TypeError(f"Dataset.map(map_func): expected a function, given "
                            f"{type(map_func).__name__}.")
        return _Map(self, _traced(map_func))

    def filter(self, predicate, name: str | None = None) -> Dataset:
        """The elements for which ``predicate(element)`` is true (a scalar bool)."""
        if not callable(predicate):
            raise TypeError(f"Dataset.filter(predicate): expected a function, given "
                            f"{type(predicate).__name__}.")
        return _Filter(self, _traced(predicate))

    def shuffle(self, buffer_size, seed=None, reshuffle_each_iteration: bool = True,
                name: str | None = None) -> Dataset:
        """Elements in random order, drawn from a buffer of ``buffer_size`` elements.

        As tf.data: the buffer is filled with the first ``buffer_size`` elements; each element
        given is picked uniformly from the buffer and its place taken by the next element of
        the input. A buffer at least as large as the dataset gives a uniform permutation;
        a smaller one only mixes nearby elements. ``seed`` (an int) makes the orders
        repeatable; without one they follow ``numnet.utils.set_random_seed`` /
        ``tf.random.set_seed``. ``reshuffle_each_iteration``: a new order at each iteration
        (each epoch of fit), True by default; False repeats the first order.
        """
        buffer_size = _count(buffer_size, "buffer_size", "shuffle")
        if buffer_size == AUTOTUNE:
            buffer_size = sys.maxsize
        if buffer_size < 1:
            raise ValueError(f"Dataset.shuffle(buffer_size): expected a positive integer, given "
                             f"{buffer_size}.")
        if seed is not None:
            seed = _count(seed, "seed", "shuffle")
        return _Shuffle(self, buffer_size, seed, bool(reshuffle_each_iteration))

    def batch(self, batch_size, drop_remainder: bool = False, num_parallel_calls=None,
              deterministic=None, name: str | None = None) -> Dataset:
        """Consecutive elements stacked ``batch_size`` at a time along a new first axis; the
        last batch is smaller unless ``drop_remainder=True``, which drops it. Elements must
        have one shape (see ``padded_batch`` otherwise)."""
        batch_size = _count(batch_size, "batch_size", "batch")
        if batch_size < 1:
            raise ValueError(f"Dataset.batch(batch_size): expected a positive integer, given "
                             f"{batch_size}.")
        return _Batch(self, batch_size, bool(drop_remainder))

    def padded_batch(self, batch_size, padded_shapes=None, padding_values=None,
                     drop_remainder: bool = False, name: str | None = None) -> Dataset:
        """As ``batch``, for elements of different shapes: each component is padded at the end
        of each axis to the longest in the batch (or to ``padded_shapes``, a shape or structure
        of shapes, None meaning the longest) with ``padding_values`` (0 by default)."""
        batch_size = _count(batch_size, "batch_size", "padded_batch")
        if batch_size < 1:
            raise ValueError(f"Dataset.padded_batch(batch_size): expected a positive integer, "
                             f"given {batch_size}.")
        return _Batch(self, batch_size, bool(drop_remainder), padded=True,
                      padded_shapes=padded_shapes, padding_values=padding_values)

    def ragged_batch(self, batch_size, drop_remainder: bool = False, row_splits_dtype=None,
                     name: str | None = None) -> Dataset:
        """As ``batch``, for elements of different lengths: a component whose elements differ
        in shape (or are RaggedTensors) becomes a ``tf.RaggedTensor`` of them, one row an
        element; components of one shape are stacked as ``batch`` does."""
        batch_size = _count(batch_size, "batch_size", "ragged_batch")
        if batch_size < 1:
            raise ValueError(f"Dataset.ragged_batch(batch_size): expected a positive integer, "
                             f"given {batch_size}.")
        return _Batch(self, batch_size, bool(drop_remainder), ragged=True)

    def unbatch(self, name: str | None = None) -> Dataset:
        """The rows of each element as elements (the inverse of ``batch``)."""
        return _Unbatch(self)

    def rebatch(self, batch_size, drop_remainder: bool = False,
                name: str | None = None) -> Dataset:
        """The rows of this batched dataset in new batches, as ``tf.data.Dataset.rebatch``:
        ``batch_size`` rows a batch, or, for a list of sizes, batches of those sizes in
        turn. The last batch is smaller unless ``drop_remainder=True``, which drops it.
        Cardinality -2.

        Args:
            batch_size: a positive int, or a list of them used in turn.
            drop_remainder: drop a last batch short of its size. Defaults to ``False``.
            name: accepted. Defaults to ``None``.

        Raises:
            ValueError: a size that is not a positive int; (when iterated) elements that are
                scalars (batch the dataset first).

        Example:
            >>> ds = numnet.data.Dataset.range(8).batch(4).rebatch([1, 3])
            >>> [b.tolist() for b in ds.as_numpy_iterator()]
            [[0], [1, 2, 3], [4], [5, 6, 7]]
        """
        sizes = list(batch_size) if isinstance(batch_size, (list, tuple)) else [batch_size]
        sizes = [_count(size, "batch_size", "rebatch") for size in sizes]
        if not sizes or any(size < 1 for size in sizes):
            raise ValueError(f"Dataset.rebatch(batch_size): expected a positive int or a list "
                             f"of them, given {batch_size!r}.")
        return _Rebatch(self, sizes, bool(drop_remainder))

    def repeat(self, count=None, name: str | None = None) -> Dataset:
        """The dataset ``count`` times over (without end when None or -1), each time iterated
        afresh (a shuffle before the repeat gives a new order each time)."""
        count = -1 if count is None else _count(count, "count", "repeat")
        return _Repeat(self, count)

    def take(self, count, name: str | None = None) -> Dataset:
        """The first ``count`` elements (all of them when -1)."""
        return _Take(self, _count(count, "count", "take"))

    def skip(self, count, name: str | None = None) -> Dataset:
        """All but the first ``count`` elements (none when -1)."""
        return _Skip(self, _count(count, "count", "skip"))

    def cache(self, filename: str = "", name: str | None = None) -> Dataset:
        """Elements kept in memory after the first complete iteration; later iterations read
        them from there (an iteration stopped early keeps nothing). ``filename`` is accepted;
        numnet caches in memory in every case."""
        return _Cache(self)

    def snapshot(self, path, compression="AUTO", reader_func=None, shard_func=None,
                 name: str | None = None) -> Dataset:
        """The elements kept after the first complete iteration and read from there later, as
        ``tf.data.Dataset.snapshot`` (the Load CSV tutorial's
        ``ds.snapshot("titanic.tfsnap").shuffle(1000)``). numnet keeps them in memory, as
        ``cache()``: nothing is written to ``path`` and a new program reads the source again.

        Args:
            path: the directory TensorFlow writes to; accepted.
            compression, reader_func, shard_func, name: accepted.

        Example:
            >>> ds = numnet.data.Dataset.range(3).snapshot("/tmp/snap")
            >>> [int(x) for x in ds.as_numpy_iterator()]
            [0, 1, 2]
        """
        return _Cache(self)

    def prefetch(self, buffer_size=None, name: str | None = None) -> Dataset:
        """Accepted for tf.data pipelines; the dataset itself (the pipeline runs in step)."""
        return self

    def concatenate(self, dataset: Dataset, name: str | None = None) -> Dataset:
        """This dataset's elements, then ``dataset``'s."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"Dataset.concatenate(dataset): expected a Dataset, given "
                            f"{type(dataset).__name__}.")
        return _Concatenate(self, dataset)

    def enumerate(self, start: int = 0, name: str | None = None) -> Dataset:
        """``(index, element)`` pairs, the index an int64 counting from ``start``."""
        return _Enumerate(self, _count(start, "start", "enumerate"))

    def flat_map(self, map_func, name: str | None = None) -> Dataset:
        """``map_func`` gives a Dataset for each element; their elements one after another."""
        return _FlatMap(self, _traced(map_func))

    def interleave(self, map_func, cycle_length=None, block_length=None,
                   num_parallel_calls=None, deterministic=None,
                   name: str | None = None) -> Dataset:
        """The elements of the datasets that ``map_func`` makes of each element, taken in turn:
        ``cycle_length`` of them are read at once, ``block_length`` elements from each before
        moving to the next; a dataset that ends gives its place to the next input element.

        The order is tf.data's (deterministic): with ``cycle_length=2, block_length=1`` over
        files a (a1 a2 a3) and b (b1), it is a1 b1 a2 a3.

        Args:
            map_func: a function of an element returning a Dataset, e.g.
                ``lambda path: tf.data.TextLineDataset(path).skip(1)``.
            cycle_length: how many datasets are read at once. Defaults to ``None``, as
                ``AUTOTUNE``: the number of CPU cores, as TensorFlow.
            block_length: consecutive elements taken from each. Defaults to ``None`` (1).
            num_parallel_calls, deterministic, name: accepted; the reads run in order in the
                calling thread.

        Example:
            >>> ds = numnet.data.Dataset.range(1, 3).interleave(
            ...     lambda n: numnet.data.Dataset.from_tensors(n).repeat(3), cycle_length=2)
            >>> [int(x) for x in ds.as_numpy_iterator()]
            [1, 2, 1, 2, 1, 2]
        """
        if not callable(map_func):
            raise TypeError(f"Dataset.interleave(map_func): expected a function returning a "
                            f"Dataset, given {type(map_func).__name__}.")
        if cycle_length is None or _count(cycle_length, "cycle_length", "interleave") == \
                AUTOTUNE:
            cycle_length = os.cpu_count() or 1
        cycle_length = _count(cycle_length, "cycle_length", "interleave")
        block_length = 1 if block_length is None else _count(block_length, "block_length",
                                                             "interleave")
        if cycle_length < 1 or block_length < 1:
            raise ValueError(f"Dataset.interleave: expected cycle_length >= 1 and block_length "
                             f">= 1, given cycle_length={cycle_length}, "
                             f"block_length={block_length}.")
        return _Interleave(self, _traced(map_func), cycle_length, block_length)

    def window(self, size, shift=None, stride=1, drop_remainder: bool = False,
               name: str | None = None) -> Dataset:
        """Windows of ``size`` consecutive elements, each window a structure of Datasets (one
        Dataset per component, as TensorFlow's nested datasets), a new window starting every
        ``shift`` elements. Turn windows into tensors with ``flat_map``:
        ``ds.window(5, shift=1, drop_remainder=True).flat_map(lambda w: w.batch(5))``, or
        for ``(x, y)`` elements ``flat_map(lambda x, y: Dataset.zip((x.batch(5),
        y.batch(5))))``.

        Args:
            size: elements in a window, a positive int.
            shift: elements between the starts of consecutive windows. Defaults to ``None``
                (``size``: windows side by side).
            stride: step between the elements taken into a window. Defaults to ``1``.
            drop_remainder: leave out the last windows when shorter than ``size``. Defaults
                to ``False`` (they are kept: windows start at every ``shift`` up to the end).

        Cardinality: ``ceil(n / shift)``, or with ``drop_remainder`` the number of full
        windows, ``(n - (size - 1) * stride - 1) // shift + 1``.

        Raises:
            ValueError: ``size``, ``shift`` or ``stride`` is not positive.

        Example:
            >>> ds = numnet.data.Dataset.range(7).window(3, shift=2)
            >>> [[int(v) for v in w] for w in ds]
            [[0, 1, 2], [2, 3, 4], [4, 5, 6], [6]]
        """
        size = _count(size, "size", "window")
        shift = size if shift is None else _count(shift, "shift", "window")
        stride = _count(stride, "stride", "window")
        for arg, value in (("size", size), ("shift", shift), ("stride", stride)):
            if value < 1:
                raise ValueError(f"Dataset.window({arg}): expected a positive integer, given "
                                 f"{value}.")
        return _Window(self, size, shift, stride, bool(drop_remainder))

    def scan(self, initial_state, scan_func, name: str | None = None) -> Dataset:
        """A running state carried through the elements: ``scan_func(state, element)``
        returns ``(new_state, output)``, and the outputs are the new elements (cardinality
        the input's). ``state`` and ``element`` come as two arguments, each a Tensor or a
        tuple / dict of them; the state keeps ``initial_state``'s structure.

        Args:
            initial_state: the first state, an array, number, Tensor or structure of them.
            scan_func: a function of ``(state, element)`` returning ``(new_state, output)``.

        Raises:
            TypeError: (when iterated) ``scan_func`` does not return a pair.

        Example:
            >>> ds = numnet.data.Dataset.range(5).scan(np.int64(0), lambda s, x: (s + x, s + x))
            >>> [int(v) for v in ds.as_numpy_iterator()]
            [0, 1, 3, 6, 10]
        """
        if not callable(scan_func):
            raise TypeError(f"Dataset.scan(scan_func): expected a function of (state, element) "
                            f"returning (new_state, output), given {type(scan_func).__name__}.")
        return _Scan(self, _normalize(initial_state, "scan(initial_state)"), scan_func)

    def take_while(self, predicate, name: str | None = None) -> Dataset:
        """The elements up to (not including) the first for which ``predicate(element)`` is
        false (a scalar bool; a tuple's components as separate arguments). Cardinality -2.

        Args:
            predicate: a function of an element returning a scalar bool.

        Example:
            >>> ds = numnet.data.Dataset.range(10).take_while(lambda x: x < 4)
            >>> [int(v) for v in ds.as_numpy_iterator()]
            [0, 1, 2, 3]
        """
        if not callable(predicate):
            raise TypeError(f"Dataset.take_while(predicate): expected a function returning a "
                            f"scalar bool, given {type(predicate).__name__}.")
        return _TakeWhile(self, predicate)

    def rejection_resample(self, class_func, target_dist, initial_dist=None, seed=None,
                           name: str | None = None) -> Dataset:
        """The elements resampled so that their classes follow ``target_dist``, as
        TensorFlow's ``Dataset.rejection_resample``: each element becomes the pair
        ``(class, element)`` (map ``lambda extra_label, features_and_label:
        features_and_label`` to drop the class).

        As TensorFlow does, it mixes two passes over this dataset: with probability
        ``m = min_i(target_i / initial_i)`` the next element of a pass taken as it is, and
        otherwise the next element that a second pass accepts, class i with probability
        ``(target_i / initial_i - m) / (max_j(target_j / initial_j) - m)``; it ends when either
        pass does. Without ``initial_dist`` the class distribution is estimated as it goes
        (counts from 10 a class, updated 32 elements at a time). The draws are numnet's own.

        Args:
            class_func: a function of an element (a tuple's components as separate arguments)
                returning its class, an integer scalar in ``[0, len(target_dist))``.
            target_dist: the wanted probability of each class, a list or array.
            initial_dist: the classes' probabilities in this dataset. Defaults to ``None``
                (estimated).
            seed: an int making the draws repeatable. Defaults to ``None``.
            name: accepted. Defaults to ``None``.

        Raises:
            ValueError: ``target_dist`` or ``initial_dist`` not a 1-D list of non-negative
                numbers of one length; (when iterated) a class outside the range.

        Example:
            >>> ds = numnet.data.Dataset.range(100).map(lambda x: (x, x % 10 == 0))
            >>> ds = ds.rejection_resample(lambda x, label: tf.cast(label, "int32"),
            ...                            target_dist=[0.5, 0.5], initial_dist=[0.9, 0.1])
            >>> classes = [int(c) for c, _ in ds.take(20).as_numpy_iterator()]  # about half 1
        """
        if not callable(class_func):
            raise TypeError(f"Dataset.rejection_resample(class_func): expected a function of "
                            f"an element returning its class, given "
                            f"{type(class_func).__name__}.")
        target = _distribution(target_dist, "target_dist")
        initial = None if initial_dist is None else _distribution(initial_dist, "initial_dist")
        if initial is not None and initial.shape != target.shape:
            raise ValueError(f"Dataset.rejection_resample(initial_dist): expected one "
                             f"probability a class ({len(target)}, as target_dist), given "
                             f"{len(initial)}.")
        seed = None if seed is None else _count(seed, "seed", "rejection_resample")
        return _RejectionResample(self, _traced(class_func), target, initial, seed)

    def unique(self, name: str | None = None) -> Dataset:
        """The elements without repeats, each kept where it first appears. Elements must be
        single int32, int64 or string scalars (a TypeError names the dtype when iterated
        otherwise). Cardinality -2.

        Example:
            >>> ds = numnet.data.Dataset.from_tensor_slices([1, 37, 2, 37, 2, 1]).unique()
            >>> [int(v) for v in ds.as_numpy_iterator()]
            [1, 37, 2]
        """
        return _Unique(self)

    def group_by_window(self, key_func, reduce_func, window_size=None,
                        window_size_func=None, name: str | None = None) -> Dataset:
        """Elements grouped by ``key_func(element)`` (an int64 scalar); when a group holds its
        window size, ``reduce_func(key, window)`` (``window`` a Dataset of the group's
        elements) gives a Dataset whose elements are given out. At the end of the input the
        groups left are reduced in increasing key order. Cardinality -2.

        Args:
            key_func: a function of an element (a tuple's components as separate arguments)
                returning an integer scalar.
            reduce_func: a function of ``(key, window)`` returning a Dataset, e.g.
                ``lambda key, window: window.batch(32)``.
            window_size: the elements in a full group, a positive int. Defaults to ``None``.
            window_size_func: a function of the key giving its window size, in place of
                ``window_size``. Defaults to ``None``. Give exactly one of the two.

        Raises:
            ValueError: both or neither of ``window_size`` and ``window_size_func`` given.

        Example:
            >>> ds = numnet.data.Dataset.range(10).group_by_window(
            ...     lambda x: x % 2, lambda key, window: window.batch(3), window_size=3)
            >>> [b.tolist() for b in ds.as_numpy_iterator()]
            [[0, 2, 4], [1, 3, 5], [6, 8], [7, 9]]
        """
        if (window_size is None) == (window_size_func is None):
            raise ValueError("Dataset.group_by_window: expected exactly one of window_size and "
                             f"window_size_func, given window_size={window_size!r} and "
                             f"window_size_func={window_size_func!r}.")
        for arg, fn in (("key_func", key_func), ("reduce_func", reduce_func)):
            if not callable(fn):
                raise TypeError(f"Dataset.group_by_window({arg}): expected a function, given "
                                f"{type(fn).__name__}.")
        if window_size is not None:
            size = _count(window_size, "window_size", "group_by_window")
            if size < 1:
                raise ValueError(f"Dataset.group_by_window(window_size): expected a positive "
                                 f"integer, given {size}.")
            window_size_func = lambda key: size  # noqa: E731
        return _GroupByWindow(self, key_func, reduce_func, window_size_func)

    def bucket_by_sequence_length(self, element_length_func, bucket_boundaries,
                                  bucket_batch_sizes, padded_shapes=None, padding_values=None,
                                  pad_to_bucket_boundary: bool = False,
                                  no_padding: bool = False, drop_remainder: bool = False,
                                  name: str | None = None) -> Dataset:
        """Batches of elements of similar length: an element of length ``L`` (from
        ``element_length_func``) goes to bucket ``i`` when ``boundaries[i-1] <= L <
        boundaries[i]``; a bucket is padded-batched when it holds ``bucket_batch_sizes[i]``
        elements (the buckets left at the end too, in bucket order). Built on
        ``group_by_window`` and ``padded_batch``, as TensorFlow's. Cardinality -2.

        Args:
            element_length_func: a function of an element giving its length (an int scalar).
            bucket_boundaries: increasing ints, the upper (excluded) lengths of the buckets.
            bucket_batch_sizes: one batch size per bucket, ``len(bucket_boundaries) + 1``.
            padded_shapes: as ``padded_batch``'s. Defaults to ``None`` (the longest in the
                batch).
            padding_values: as ``padded_batch``'s. Defaults to ``None`` (0, or '').
            pad_to_bucket_boundary: pad the unknown axes to ``boundary - 1`` of the bucket
                (the elements must be shorter than the last boundary). The unknown axes are
                the None sizes of ``padded_shapes``, or of ``element_spec`` when it is not
                given (numnet reads a mapped dataset's spec from its first element, whose
                sizes are all known: pass ``padded_shapes`` with None there). Defaults to
                ``False``.
            no_padding: ``batch`` instead of ``padded_batch`` (elements of one shape).
                Defaults to ``False``.
            drop_remainder: leave out each bucket's last smaller batch. Defaults to
                ``False``.

        Raises:
            ValueError: ``bucket_batch_sizes`` is not one longer than ``bucket_boundaries``,
                or the boundaries do not increase.

        Example:
            >>> ds = numnet.data.Dataset.from_generator(
            ...     lambda: iter([[1], [1, 2, 3], [1, 2]]),
            ...     output_signature=numnet.TensorSpec((None,), "int32"))
            >>> ds = ds.bucket_by_sequence_length(lambda x: numnet.shape(x)[0], [3], [2, 2])
            >>> [b.tolist() for b in ds.as_numpy_iterator()]
            [[[1, 0], [1, 2]], [[1, 2, 3]]]
        """
        where = "bucket_by_sequence_length"
        boundaries = [_count(b, "bucket_boundaries", where) for b in bucket_boundaries]
        sizes = [_count(b, "bucket_batch_sizes", where) for b in bucket_batch_sizes]
        if len(sizes) != len(boundaries) + 1:
            raise ValueError(f"Dataset.{where}: expected len(bucket_batch_sizes) == "
                             f"len(bucket_boundaries) + 1, given {len(sizes)} batch sizes and "
                             f"{len(boundaries)} boundaries.")
        if any(b >= c for b, c in zip(boundaries, boundaries[1:])) or min(sizes) < 1:
            raise ValueError(f"Dataset.{where}: expected increasing bucket_boundaries and "
                             f"positive bucket_batch_sizes, given {boundaries} and {sizes}.")
        if not callable(element_length_func):
            raise TypeError(f"Dataset.{where}(element_length_func): expected a function, "
                            f"given {type(element_length_func).__name__}.")
        spec = []

        def bucket_of(*element):
            length = np.asarray(to_component(element_length_func(*element)))
            return bisect.bisect_right(boundaries, int(length.reshape(())))

        def batch_bucket(bucket, window):
            bucket = int(np.asarray(to_component(bucket)))
            if no_padding:
                return window.batch(sizes[bucket], drop_remainder)
            shapes = padded_shapes
            if pad_to_bucket_boundary:
                if bucket == len(boundaries):
                    raise ValueError(f"Dataset.{where}(pad_to_bucket_boundary=True): an "
                                     f"element's length is not below the last boundary "
                                     f"{boundaries[-1] if boundaries else None}; add a larger "
                                     "boundary or filter long elements out.")
                if not spec:
                    spec.append(self._spec())
                shapes = _filled_shapes(shapes, spec[0], boundaries[bucket] - 1)
            return window.padded_batch(sizes[bucket], shapes, padding_values, drop_remainder)

        return self.group_by_window(bucket_of, batch_bucket,
                                    window_size_func=lambda bucket: sizes[int(
                                        np.asarray(to_component(bucket)))])

    def shard(self, num_shards, index, name: str | None = None) -> Dataset:
        """Every ``num_shards``-th element, from element ``index``."""
        num_shards = _count(num_shards, "num_shards", "shard")
        index = _count(index, "index", "shard")
        if num_shards < 1 or not 0 <= index < num_shards:
            raise ValueError(f"Dataset.shard: expected num_shards >= 1 and 0 <= index < "
                             f"num_shards, given num_shards={num_shards}, index={index}.")
        return self.enumerate().filter(lambda i, _: i % num_shards == index).map(
            lambda _, element: element)

    def apply(self, transformation_func) -> Dataset:
        """``transformation_func(self)``."""
        return transformation_func(self)

    def ignore_errors(self, log_warning: bool = False, name: str | None = None) -> Dataset:
        """The same elements, less those for which a ``map`` or ``filter`` function raised
        (TensorFlow's ``ignore_errors``): a record that a parsing function cannot read is left
        out instead of ending the iteration.

        The functions of the ``map`` and ``filter`` steps right before it (``prefetch`` and
        ``with_options`` between them are fine) run element by element under it. An error of
        another step (``batch``, ``window``, a generator) is raised as before: put
        ``ignore_errors`` after the map whose errors it should skip.

        Args:
            log_warning: True to warn with each error skipped. Defaults to ``False``.
            name: accepted, as TensorFlow's.

        Returns:
            A Dataset of the elements that went through without an error.

        Example:
            >>> ds = numnet.data.Dataset.from_tensor_slices(["1", "x", "3"])
            >>> ds = ds.map(numnet.strings.to_number)
            >>> [float(v) for v in ds.ignore_errors().as_numpy_iterator()]
            [1.0, 3.0]
        """
        return _IgnoreErrors(self, bool(log_warning))

    def reduce(self, initial_state, reduce_func):
        """``reduce_func(state, element)`` folded over the elements from ``initial_state``."""
        state = _normalize(initial_state, "reduce")
        for element in self._elements():
            state = _normalize(reduce_func(state, element), "reduce")
        return map_structure(_eager, state)

    def with_options(self, options, name: str | None = None) -> Dataset:
        """The dataset with ``options`` (a ``tf.data.Options``) set on it: the same elements,
        and ``options()`` gives them here and in the datasets made from this one (options
        set later win). numnet's pipelines run in order in one thread whatever they say.

        Raises:
            TypeError: ``options`` is not a ``tf.data.Options``.
        """
        if not isinstance(options, Options):
            raise TypeError(f"Dataset.with_options(options): expected a tf.data.Options, given "
                            f"{type(options).__name__}.")
        return _WithOptions(self, options)

    def options(self) -> Options:
        """The options set by ``with_options`` on this dataset and the datasets it reads,
        merged (those set later win), as ``tf.data.Dataset.options()``.

        Example:
            >>> options = numnet.data.Options()
            >>> options.deterministic = False
            >>> numnet.data.Dataset.range(3).with_options(options).batch(2).options().deterministic
            False
        """
        chain, node = [], self
        while node is not None:
            if isinstance(node, _WithOptions):
                chain.append(node._options)
            node = getattr(node, "_source", None)
        merged = Options()
        for options in reversed(chain):
            merged._merge(options)
        return merged

    # ----- reading -----
    def __iter__(self) -> DatasetIterator:
        return DatasetIterator(self)

    def as_numpy_iterator(self):
        """An iterator over the elements as NumPy arrays (0-d components as NumPy scalars)."""
        for element in self._elements():
            yield map_structure(_numpy_value, element)

    def _numpy_batches(self):
        """The elements as NumPy arrays, for fit / evaluate / predict."""
        return self._elements()

    def get_single_element(self, name: str | None = None):
        """The only element; ValueError if there are none or more than one."""
        elements = list(itertools.islice(self._elements(), 2))
        if len(elements) != 1:
            raise ValueError(f"Dataset.get_single_element: the dataset has "
                             f"{'no' if not elements else 'more than one'} element; expected "
                             "exactly one.")
        return map_structure(_eager, elements[0])

    def cardinality(self) -> Cardinality:
        """The number of elements; -1 (``INFINITE_CARDINALITY``) without end, -2
        (``UNKNOWN_CARDINALITY``) when it cannot be known without reading the data."""
        return Cardinality(self._cardinality())

    def __len__(self) -> int:
        n = self._cardinality()
        if n == INFINITE_CARDINALITY:
            raise TypeError("The dataset is infinite (repeat()); it has no len(). Give fit a "
                            "steps_per_epoch, or take(n) a finite part.")
        if n == UNKNOWN_CARDINALITY:
            raise TypeError("The dataset length is unknown (filter, from_generator or unbatch "
                            "make it so); iterate it to count, or use "
                            "dataset.apply(numnet.data.experimental.assert_cardinality(n)).")
        return n

    def __bool__(self) -> bool:
        return True

    @property
    def element_spec(self):
        """The TensorSpec of each component of an element (a structure of them). Where the
        pipeline alone does not tell (after ``map``, or ``from_generator`` without a
        signature), the first element is read to find it."""
        return self._spec()

    def __repr__(self) -> str:
        global _describing
        previous, _describing = _describing, True
        try:
            spec = self._spec()
        finally:
            _describing = previous
        return f"<{type(self).__name__.lstrip('_')}Dataset element_spec={spec}>"


class DatasetIterator:
    """What ``iter(dataset)`` gives: the elements one by one as Tensors, as ``tf.data``'s
    iterator. It counts the elements it has given, so a ``tf.train.Checkpoint`` holding it
    saves its position and ``restore`` moves it back there (the dataset read again from its
    start, the saved number of elements skipped; a shuffle without a seed reshuffles, where
    TensorFlow saves its buffer).

    Args:
        dataset: the Dataset to read.

    Example:
        >>> it = iter(numnet.data.Dataset.range(5).batch(2))
        >>> it.get_next().numpy().tolist(), next(it).numpy().tolist()
        ([0, 1], [2, 3])
    """

    def __init__(self, dataset: Dataset):
        self._dataset = dataset
        self._elements = dataset._elements()
        self._position = 0

    def __iter__(self) -> DatasetIterator:
        return self

    def __next__(self):
        element = next(self._elements)
        self._position += 1
        return map_structure(_eager, element)

    def get_next(self):
        """The next element; StopIteration (OutOfRangeError in TensorFlow) at the end."""
        return next(self)

    @property
    def element_spec(self):
        """The dataset's element_spec."""
        return self._dataset.element_spec

    def get_next_as_optional(self) -> Optional:
        """The next element as an :class:`Optional`: holding it, or empty at the end (where
        ``get_next`` would raise), so a loop can stop on ``has_value()``.

        Example:
            >>> it = iter(numnet.data.Dataset.range(1))
            >>> bool(it.get_next_as_optional().has_value()), bool(
            ...     it.get_next_as_optional().has_value())
            (True, False)
        """
        try:
            return Optional.from_value(next(self))
        except StopIteration:
            return Optional.empty(self.element_spec)

    def _checkpoint_position(self) -> int:
        """The number of elements given (tf.train.Checkpoint saves it)."""
        return self._position

    def _restore_position(self, position: int) -> None:
        """Read the dataset again from its start and skip ``position`` elements."""
        self._elements = self._dataset._elements()
        for _ in itertools.islice(self._elements, int(position)):
            pass
        self._position = int(position)


class Optional:
    """A value that may be missing, as ``tf.experimental.Optional``: what
    ``iterator.get_next_as_optional()`` gives. Make one with ``Optional.from_value(value)``
    or ``Optional.empty(element_spec)``.

    Example:
        >>> full = Optional.from_value((1, 2.0))
        >>> bool(full.has_value()), [float(v) for v in full.get_value()]
        (True, [1.0, 2.0])
        >>> bool(Optional.empty(None).has_value())
        False
    """

    def __init__(self, value=_END, element_spec=None):
        self._value = value
        self._spec = element_spec

    @staticmethod
    def from_value(value) -> Optional:
        """An Optional holding ``value`` (a Tensor, array or structure of them)."""
        value = map_structure(_eager, _normalize(value, "experimental.Optional.from_value"))
        return Optional(value, spec_of(map_structure(np.asarray, value)))

    @staticmethod
    def empty(element_spec) -> Optional:
        """An Optional holding nothing, of the given element_spec."""
        return Optional(_END, element_spec)

    def has_value(self, name=None):
        """A scalar bool Tensor: whether a value is held."""
        return _eager(np.bool_(self._value is not _END))

    def get_value(self, name=None):
        """The value held.

        Raises:
            InvalidArgumentError: the Optional is empty (check ``has_value()`` first).
        """
        if self._value is _END:
            from ..tf_api.errors import InvalidArgumentError

            raise InvalidArgumentError(None, None, "Optional.get_value: the Optional has no "
                                       "value; check has_value() before reading it.")
        return self._value

    @property
    def element_spec(self):
        """The spec of the value (held or not)."""
        return self._spec

    def __repr__(self) -> str:
        return f"<Optional {'holding a value' if self._value is not _END else 'empty'}>"


def _traced(fn):
    """``fn`` with the Python values it reads (module names and enclosing variables) fixed as
    they are now, as TensorFlow's map, filter, flat_map and interleave trace their function
    once, when they are called: ``ds.map(lambda x: (x, i))`` made in a loop over ``i`` keeps the
    ``i`` of its own round, not the last one. Objects keep their identity (a layer adapted later
    is the same layer); only names bound again afterwards are not seen. Callables other than
    plain functions (layers, bound methods, partials) are returned as they are."""
    if not isinstance(fn, types.FunctionType):
        return fn
    closure = None
    if fn.__closure__:
        cells = []
        for cell in fn.__closure__:
            try:
                cells.append(types.CellType(cell.cell_contents))
            except ValueError:  # an enclosing variable not bound yet: read it when called
                cells.append(cell)
        closure = tuple(cells)
    frozen = types.FunctionType(fn.__code__, dict(fn.__globals__), fn.__name__,
                                fn.__defaults__, closure)
    frozen.__kwdefaults__ = fn.__kwdefaults__
    frozen.__qualname__, frozen.__doc__ = fn.__qualname__, fn.__doc__
    frozen.__dict__.update(fn.__dict__)
    return frozen


def _eager(array):
    from ..autodiff.tensor import Tensor, is_text_array, string_tensor

    if isinstance(array, Dataset) or hasattr(array, "nested_row_splits") or callable(
            getattr(type(array), "_batched", None)):  # a window's component, a RaggedTensor,
        # a SparseTensor
        return array
    array = np.asarray(array)
    # strings as TensorFlow's tf.string tensors: .numpy() gives bytes
    return string_tensor(array) if is_text_array(array) else Tensor(array)


def _argument(component):
    """A component as a map function gets it: arrays as Tensors, anything else (a window's
    Dataset) as it is."""
    return _eager(component) if isinstance(component, (np.ndarray, np.generic)) else component


def _numpy_value(array):
    if isinstance(array, Dataset):
        raise TypeError("Dataset.as_numpy_iterator: the elements hold Datasets (window's); "
                        "iterate the dataset itself, or flat_map the windows to tensors first "
                        "(ds.window(n).flat_map(lambda w: w.batch(n))).")
    array = np.asarray(array)
    from ..autodiff.tensor import is_text_array, string_tensor

    if is_text_array(array):  # text as TensorFlow's: bytes, in an object array
        array = string_tensor(array).value
        return array.item() if array.ndim == 0 else array
    return array[()] if array.ndim == 0 else array


def _unknown_first(spec):
    return map_structure(lambda s: TensorSpec(None if s.shape is None else (None,) + s.shape,
                                              s.dtype), spec)


# ----------------------------------------------------------------------------- sources


class _Slices(Dataset):
    def __init__(self, tensors):
        if isinstance(tensors, Dataset):
            raise TypeError("Dataset.from_tensor_slices(tensors): given a Dataset; it is one "
                            "already.")
        self._tensors = map_structure(to_component, tensors)
        parts = flatten(self._tensors)
        rows = {np.shape(a)[0] if np.ndim(a) else None for a in parts}
        if None in rows:
            raise ValueError("Dataset.from_tensor_slices(tensors): each component needs a first "
                             "dimension to slice; given a scalar. Use from_tensors for a single "
                             "element.")
        if len(rows) > 1:
            raise ValueError(f"Dataset.from_tensor_slices(tensors): the components must have "
                             f"the same number of rows; given {describe(self._tensors)}.")
        self._n = rows.pop()

    def _elements(self):
        tensors = self._tensors
        if isinstance(tensors, np.ndarray):
            return (tensors[i, ...] for i in range(self._n))
        parts = flatten(tensors)
        return (pack_like(tensors, [a[i, ...] for a in parts]) for i in range(self._n))

    def _cardinality(self) -> int:
        return self._n

    def _rows(self):
        return self._tensors, iter(range(self._n))

    def _spec(self):
        return map_structure(lambda a: TensorSpec(a.shape[1:], a.dtype), self._tensors)


class _Tensors(Dataset):
    def __init__(self, tensors):
        self._tensors = map_structure(to_component, tensors)

    def _elements(self):
        return iter((self._tensors,))

    def _cardinality(self) -> int:
        return 1

    def _spec(self):
        return spec_of(self._tensors)


class _Generator(Dataset):
    def __init__(self, generator, args, signature):
        self._generator, self._args, self._signature = generator, args, signature
        self._dtypes = None
        if signature is not None:
            bad = [type(s).__name__ for s in flatten(signature) if not isinstance(s, TensorSpec)]
            if bad:
                raise TypeError(f"Dataset.from_generator(output_signature): expected TensorSpecs "
                                f"(a tuple or dict of them), given {bad}.")
            self._dtypes = [s.dtype for s in flatten(signature)]

    def _elements(self):
        iterator = self._generator(*self._args)
        if not hasattr(iterator, "__next__"):
            iterator = iter(iterator)
        for index, value in enumerate(iterator):
            yield self._cast(value, index)

    def _cast(self, value, index):
        if self._signature is None:
            return _normalize(value, "from_generator")
        try:
            parts = _parts_like(self._signature, value)
        except (KeyError, TypeError, ValueError):
            raise ValueError(f"Dataset.from_generator: element {index} is {type(value).__name__} "
                             f"{describe(_normalize(value, 'from_generator'))}, which does not "
                             f"have the structure of the output_signature {self._signature}."
                             ) from None
        arrays = []
        for part, spec in zip(parts, flatten(self._signature), strict=True):
            array = np.asarray(to_component(part), dtype=spec.dtype)
            if spec.shape is not None and (len(spec.shape) != array.ndim or any(
                    want is not None and want != got
                    for want, got in zip(spec.shape, array.shape, strict=True))):
                raise ValueError(f"Dataset.from_generator: element {index} has a component of "
                                 f"shape {array.shape} where the output_signature expects "
                                 f"{spec.shape}.")
            arrays.append(array)
        return pack_like(self._signature, arrays)

    def _spec(self):
        if self._signature is not None:
            return self._signature
        return super()._spec()


def _parts_like(signature, value) -> list:
    """The components of ``value`` in the order of ``signature``'s (dicts matched by key)."""
    if isinstance(signature, dict):
        return [p for k in signature for p in _parts_like(signature[k], value[k])]
    if isinstance(signature, tuple):
        if not isinstance(value, (tuple, list)) or len(value) != len(signature):
            raise ValueError("structure")
        return [p for s, v in zip(signature, value) for p in _parts_like(s, v)]
    return [value]


class _Range(Dataset):
    def __init__(self, numbers: range, dtype):
        self._numbers, self._dtype = numbers, np.dtype(dtype)

    def _elements(self):
        dtype = self._dtype
        return (np.asarray(i, dtype) for i in self._numbers)

    def _cardinality(self) -> int:
        return len(self._numbers)

    def _spec(self):
        return TensorSpec((), self._dtype)


class _Zip(Dataset):
    def __init__(self, datasets):
        self._datasets = datasets

    def _elements(self):
        iterators = [d._elements() for d in flatten(self._datasets)]
        while True:
            parts = [next(it, _END) for it in iterators]
            if any(p is _END for p in parts):
                return
            yield pack_like(self._datasets, parts)

    def _cardinality(self) -> int:
        counts = [d._cardinality() for d in flatten(self._datasets)]
        finite = [c for c in counts if c >= 0]
        if finite and (min(finite) == 0 or UNKNOWN_CARDINALITY not in counts):
            return min(finite)
        return UNKNOWN_CARDINALITY if UNKNOWN_CARDINALITY in counts else INFINITE_CARDINALITY

    def _spec(self):
        return map_structure(lambda d: d._spec(), self._datasets)


# ----------------------------------------------------------------------------- transformations


class _Transform(Dataset):
    """A dataset reading from one other; cardinality and spec as its input's by default."""

    def __init__(self, source: Dataset):
        self._source = source

    def _cardinality(self) -> int:
        return self._source._cardinality()

    def _spec(self):
        return self._source._spec()


class _Map(_Transform):
    def __init__(self, source, fn):
        super().__init__(source)
        self._fn = fn

    def _elements(self):
        for element in self._source._elements():
            yield self._apply(element)

    def _apply(self, element):
        value = _call(self._fn, element)
        if type(value) is list:  # tf.data: a list returned (decode_csv's) is a tuple
            value = tuple(value)
        return _normalize(value, "map")

    def _spec(self):
        return Dataset._spec(self)


class _Filter(_Transform):
    def __init__(self, source, predicate):
        super().__init__(source)
        self._predicate = predicate

    def _elements(self):
        for element in self._source._elements():
            if self._keeps(element):
                yield element

    def _keeps(self, element) -> bool:
        keep = np.asarray(backend.to_numpy(_call(self._predicate, element)))
        if keep.size != 1:
            raise ValueError(f"Dataset.filter(predicate): the predicate must return one "
                             f"boolean, returned an array of shape {keep.shape}.")
        return bool(keep.reshape(()))

    def _cardinality(self) -> int:
        n = self._source._cardinality()
        return 0 if n == 0 else UNKNOWN_CARDINALITY


class _Shuffle(_Transform):
    def __init__(self, source, buffer_size, seed, reshuffle):
        super().__init__(source)
        self._buffer_size = buffer_size
        self._reshuffle = reshuffle
        self._seed = seed if seed is not None else int(backend.rng().integers(2**62))
        self._iteration = 0

    def _rng(self) -> np.random.Generator:
        iteration = self._iteration if self._reshuffle else 0
        if self._reshuffle and not _peeking:
            self._iteration += 1
        return np.random.default_rng([self._seed, iteration])

    def _elements(self):
        return _buffer_shuffle(self._source._elements(), self._buffer_size, self._rng())

    def _rows(self):
        rows = self._source._rows()
        if rows is None:
            return None
        arrays, order = rows
        return arrays, _buffer_shuffle(order, self._buffer_size, self._rng())


def _buffer_shuffle(source, buffer_size: int, rng: np.random.Generator):
    """tf.data's shuffle: each item given is drawn uniformly from a buffer of the next
    ``buffer_size`` items of ``source``, its place taken by the item after them."""
    buffer = list(itertools.islice(source, buffer_size))
    while buffer:
        for u in rng.random(1024).tolist():  # Python floats: a draw costs no NumPy call
            i = int(u * len(buffer))
            item = buffer[i]
            following = next(source, _END)
            if following is _END:
                buffer[i] = buffer[-1]
                buffer.pop()
                if not buffer:
                    yield item
                    return
            else:
                buffer[i] = following
            yield item


class _Batch(_Transform):
    # rows (arrays or RaggedTensors) -> a RaggedTensor; numnet.tf_api.ragged sets it
    ragged_rows = None

    def __init__(self, source, batch_size, drop_remainder, padded=False, padded_shapes=None,
                 padding_values=None, ragged=False):
        super().__init__(source)
        self._batch_size, self._drop = batch_size, drop_remainder
        self._ragged = ragged
        self._padded = padded
        self._padded_shapes, self._padding_values = padded_shapes, padding_values

    def _elements(self):
        rows = None if self._padded else self._source._rows()
        if rows is not None:
            yield from self._gathered(*rows)
            return
        source = self._source._elements()
        while True:
            rows = list(itertools.islice(source, self._batch_size))
            if not rows or (self._drop and len(rows) < self._batch_size):
                return
            yield self._stack(rows)

    def _gathered(self, arrays, order):
        """The batches of rows of in-memory arrays: one gather per array and batch."""
        parts = flatten(arrays)
        while True:
            index = np.fromiter(itertools.islice(order, self._batch_size), dtype=np.intp)
            if not len(index) or (self._drop and len(index) < self._batch_size):
                return
            yield pack_like(arrays, [a[index] for a in parts])

    def _stack(self, rows):
        columns = [flatten(r) for r in rows]
        count = len(columns[0])
        if self._padded:
            shapes = self._per_component(self._padded_shapes, count, "padded_shapes", rows[0])
            values = self._per_component(self._padding_values, count, "padding_values", rows[0])
            parts = [_pad_stack([c[k] for c in columns], shapes[k], values[k])
                     for k in range(count)]
        else:
            parts = []
            for k in range(count):
                arrays = [c[k] for c in columns]
                if callable(getattr(type(arrays[0]), "_batched", None)):  # SparseTensors
                    parts.append(type(arrays[0])._batched(arrays))
                    continue
                if any(hasattr(a, "nested_row_splits") for a in arrays) or (
                        self._ragged and len({np.shape(a) for a in arrays}) > 1):
                    parts.append(_Batch.ragged_rows(arrays))
                    continue
                try:
                    parts.append(np.stack(arrays))
                except ValueError:
                    shapes = sorted({np.shape(a) for a in arrays})
                    raise ValueError(
                        f"Dataset.batch: elements of different shapes {shapes[:2]} cannot be "
                        "stacked into one batch. Use padded_batch(batch_size) to pad them to "
                        "one shape, or map them to one shape first.") from None
        return pack_like(rows[0], parts)

    @staticmethod
    def _per_component(value, count, name, element):
        if value is None:
            return [None] * count
        if isinstance(value, (tuple, dict)) and isinstance(element, (tuple, dict)):
            parts = flatten(map_structure(lambda v: v, value))
            if name == "padded_shapes":  # a shape is a tuple too: match the element's structure
                parts = _shapes_like(value, element)
            if len(parts) != count:
                raise ValueError(f"Dataset.padded_batch({name}): expected one per component "
                                 f"of the element {describe(element)}, given {value!r}.")
            return parts
        return [value] * count

    def _cardinality(self) -> int:
        n = self._source._cardinality()
        if n < 0:
            return n
        return n // self._batch_size if self._drop else math.ceil(n / self._batch_size)

    def _spec(self):
        spec = self._source._spec()
        if spec is None:  # not known without reading (repr) or an empty input
            return None
        first = self._batch_size if self._drop else None
        return map_structure(lambda s: TensorSpec(
            None if s.shape is None else (first,) + s.shape, s.dtype), spec)


def _shapes_like(shapes, element):
    """padded_shapes as one shape per component of ``element``."""
    if isinstance(element, dict):
        return [p for k in element for p in _shapes_like(shapes[k], element[k])]
    if isinstance(element, tuple):
        return [p for s, e in zip(shapes, element, strict=True) for p in _shapes_like(s, e)]
    return [shapes]


def _pad_stack(arrays, shape, value):
    ndim = np.ndim(arrays[0])
    longest = [max(np.shape(a)[d] for a in arrays) for d in range(ndim)]
    if shape is not None:
        shape = tuple(getattr(shape, "shape", shape)) if not isinstance(shape, int) else (shape,)
        if len(shape) != ndim:
            raise ValueError(f"Dataset.padded_batch(padded_shapes): {shape} has {len(shape)} "
                             f"axes, the component {ndim}.")
        for d, size in enumerate(shape):
            if size is not None and size >= 0:
                if int(size) < longest[d]:
                    raise ValueError(f"Dataset.padded_batch(padded_shapes): axis {d} of a "
                                     f"component has {longest[d]} entries, more than the "
                                     f"padded shape {shape} allows.")
                longest[d] = int(size)
    dtype = np.asarray(arrays[0]).dtype
    fill = 0 if value is None else np.asarray(backend.to_numpy(value)).item()
    if value is None and dtype.kind in "USO":
        fill = ""
    out = np.full((len(arrays), *longest), fill, dtype=dtype)
    for i, a in enumerate(arrays):
        out[(i,) + tuple(slice(0, n) for n in np.shape(a))] = a
    return out


class _Unbatch(_Transform):
    def _elements(self):
        for element in self._source._elements():
            yield from _Unbatch._rows_of(element)

    @staticmethod
    def _rows_of(element):
        parts = flatten(element)
        rows = {np.shape(a)[0] if np.ndim(a) else None for a in parts}
        if None in rows or len(rows) != 1:
            raise ValueError(f"Dataset.unbatch: each component needs the same first "
                             f"dimension; given {describe(element)}.")
        for i in range(rows.pop()):
            yield pack_like(element, [a[i, ...] for a in parts])

    def _cardinality(self) -> int:
        n = self._source._cardinality()
        return n if n in (0, INFINITE_CARDINALITY) else UNKNOWN_CARDINALITY

    def _spec(self):
        spec = self._source._spec()
        if spec is None:
            return None
        return map_structure(lambda s: TensorSpec(
            None if s.shape is None else s.shape[1:], s.dtype), spec)


class _Rebatch(_Transform):
    def __init__(self, source, sizes, drop_remainder):
        super().__init__(source)
        self._sizes, self._drop = sizes, drop_remainder

    def _elements(self):
        def rows():
            for element in self._source._elements():
                if any(np.ndim(a) == 0 for a in flatten(element)):
                    raise ValueError("Dataset.rebatch: expected batched elements (rank >= 1), "
                                     "given a dataset of scalars; add a batch "
                                     "transformation before rebatch.")
                yield from _Unbatch._rows_of(element)

        stacker = _Batch(self._source, 1, False)
        source = rows()
        for size in itertools.cycle(self._sizes):
            batch = list(itertools.islice(source, size))
            if not batch or (self._drop and len(batch) < size):
                return
            yield stacker._stack(batch)

    def _cardinality(self) -> int:
        n = self._source._cardinality()
        return n if n in (0, INFINITE_CARDINALITY) else UNKNOWN_CARDINALITY

    def _spec(self):
        spec = self._source._spec()
        if spec is None:
            return None
        return map_structure(lambda s: TensorSpec(
            None if s.shape is None else (None, *s.shape[1:]), s.dtype), spec)


class _Repeat(_Transform):
    def __init__(self, source, count):
        super().__init__(source)
        self._count = count

    def _elements(self):
        return self._rounds(self._source._elements)

    def _rounds(self, start):
        rounds = itertools.count() if self._count < 0 else range(self._count)
        for _ in rounds:
            empty = True
            for item in start():
                empty = False
                yield item
            if empty:
                return

    def _rows(self):
        rows = self._source._rows()
        if rows is None:
            return None
        first = [rows[1]]

        def order():  # the first round's order is the one just made; then one a round
            return first.pop() if first else self._source._rows()[1]

        return rows[0], self._rounds(order)

    def _cardinality(self) -> int:
        n = self._source._cardinality()
        if self._count == 0 or n == 0:
            return 0
        if self._count < 0:
            return INFINITE_CARDINALITY if n != UNKNOWN_CARDINALITY else UNKNOWN_CARDINALITY
        return n * self._count if n >= 0 else n


class _Take(_Transform):
    def __init__(self, source, count):
        super().__init__(source)
        self._count = count

    def _elements(self):
        source = self._source._elements()
        return source if self._count < 0 else itertools.islice(source, self._count)

    def _rows(self):
        rows = self._source._rows()
        if rows is None or self._count < 0:
            return rows
        return rows[0], itertools.islice(rows[1], self._count)

    def _cardinality(self) -> int:
        n = self._source._cardinality()
        if self._count < 0:
            return n
        if n == INFINITE_CARDINALITY:
            return self._count
        if n == UNKNOWN_CARDINALITY:
            return 0 if self._count == 0 else UNKNOWN_CARDINALITY
        return min(n, self._count)


class _Skip(_Transform):
    def __init__(self, source, count):
        super().__init__(source)
        self._count = count

    def _elements(self):
        source = self._source._elements()
        if self._count < 0:
            for _ in source:
                pass
            return iter(())
        return itertools.islice(source, self._count, None)

    def _rows(self):
        rows = self._source._rows()
        if rows is None or self._count < 0:
            return None
        return rows[0], itertools.islice(rows[1], self._count, None)

    def _cardinality(self) -> int:
        n = self._source._cardinality()
        if n == INFINITE_CARDINALITY:
            return n if self._count >= 0 else UNKNOWN_CARDINALITY
        if n == UNKNOWN_CARDINALITY:
            return n
        return 0 if self._count < 0 else max(0, n - self._count)


class _Cache(_Transform):
    def __init__(self, source):
        super().__init__(source)
        self._cached = None

    def _elements(self):
        if self._cached is not None:
            yield from self._cached
            return
        kept = []
        for element in self._source._elements():
            kept.append(element)
            yield element
        self._cached = kept


class _Concatenate(Dataset):
    def __init__(self, first, second):
        self._first, self._second = first, second

    def _elements(self):
        return itertools.chain(self._first._elements(), self._second._elements())

    def _cardinality(self) -> int:
        a, b = self._first._cardinality(), self._second._cardinality()
        if INFINITE_CARDINALITY in (a, b):
            return INFINITE_CARDINALITY
        if UNKNOWN_CARDINALITY in (a, b):
            return UNKNOWN_CARDINALITY
        return a + b

    def _spec(self):
        a, b = self._first._spec(), self._second._spec()
        if b is None:
            return a
        if a is None:
            return b
        return pack_like(a, [_common(s, t) for s, t in zip(flatten(a), flatten(b),
                                                           strict=False)])


def _common(a: TensorSpec, b: TensorSpec) -> TensorSpec:
    if a.shape is None or b.shape is None or len(a.shape) != len(b.shape):
        return TensorSpec(None, a.dtype)
    return TensorSpec(tuple(x if x == y else None for x, y in zip(a.shape, b.shape)), a.dtype)


class _Enumerate(_Transform):
    def __init__(self, source, start):
        super().__init__(source)
        self._start = start

    def _elements(self):
        for i, element in enumerate(self._source._elements(), self._start):
            yield np.asarray(i, np.int64), element

    def _spec(self):
        return TensorSpec((), np.int64), self._source._spec()


class _FlatMap(_Transform):
    def __init__(self, source, fn):
        super().__init__(source)
        self._fn = fn

    def _elements(self):
        for element in self._source._elements():
            inner = _call(self._fn, element)
            if not isinstance(inner, Dataset):
                raise TypeError(f"Dataset.flat_map(map_func): the function must return a "
                                f"Dataset, returned {type(inner).__name__}.")
            yield from inner._elements()

    def _cardinality(self) -> int:
        return 0 if self._source._cardinality() == 0 else UNKNOWN_CARDINALITY

    def _spec(self):
        return Dataset._spec(self)


class _Interleave(_Transform):
    def __init__(self, source, fn, cycle_length, block_length):
        super().__init__(source)
        self._fn, self._cycle_length, self._block_length = fn, cycle_length, block_length

    def _open(self, element):
        inner = _call(self._fn, element)
        if not isinstance(inner, Dataset):
            raise TypeError(f"Dataset.interleave(map_func): the function must return a "
                            f"Dataset, returned {type(inner).__name__}.")
        return inner._elements()

    def _elements(self):
        return interleave_iterators(self._source._elements(), self._open, self._cycle_length,
                                    self._block_length)

    def _cardinality(self) -> int:
        return 0 if self._source._cardinality() == 0 else UNKNOWN_CARDINALITY

    def _spec(self):
        return Dataset._spec(self)


def interleave_iterators(inputs, open_input, cycle_length: int, block_length: int):
    """tf.data's interleave order: ``cycle_length`` slots, each holding an iterator made by
    ``open_input`` from the next input; ``block_length`` items from a slot, then the next
    slot; an exhausted iterator empties its slot, which the next input fills when its turn
    comes."""
    slots = [None] * cycle_length
    index = taken = 0
    open_count, inputs_left = 0, True
    while inputs_left or open_count:
        if slots[index] is not None:
            item = next(slots[index], _END)
            if item is not _END:
                yield item
                taken += 1
                if taken < block_length:
                    continue
            else:
                slots[index] = None
                open_count -= 1
        elif inputs_left:
            element = next(inputs, _END)
            if element is not _END:
                slots[index] = open_input(element)
                open_count += 1
                continue
            inputs_left = False
        index, taken = (index + 1) % cycle_length, 0


class _Sample(Dataset):
    def __init__(self, datasets, weights, seed, stop):
        self._datasets, self._weights, self._stop = datasets, weights, stop
        self._seed = seed if seed is not None else int(backend.rng().integers(2**62))
        self._iteration = 0

    def _elements(self):
        rng = np.random.default_rng([self._seed, self._iteration])
        if not _peeking:
            self._iteration += 1
        iterators = [d._elements() for d in self._datasets]
        weights = self._weights.copy()
        while weights.sum() > 0:
            i = int(rng.choice(len(iterators), p=weights / weights.sum()))
            element = next(iterators[i], _END)
            if element is not _END:
                yield element
            elif self._stop:
                return
            else:
                weights[i] = 0.0

    def _cardinality(self) -> int:
        counts = [d._cardinality() for d, w in zip(self._datasets, self._weights) if w > 0]
        if all(c == INFINITE_CARDINALITY for c in counts):
            return INFINITE_CARDINALITY
        if not self._stop and UNKNOWN_CARDINALITY not in counts and INFINITE_CARDINALITY \
                not in counts:
            return sum(counts)
        return UNKNOWN_CARDINALITY

    def _spec(self):
        return self._datasets[0]._spec()


class _Choose(Dataset):
    def __init__(self, datasets, choices, stop):
        self._datasets, self._choices, self._stop = datasets, choices, stop

    def _elements(self):
        iterators = [d._elements() for d in self._datasets]
        for choice in self._choices._elements():
            i = int(np.asarray(choice))
            if not 0 <= i < len(iterators):
                raise ValueError(f"Dataset.choose_from_datasets: choice {i} is not the index of "
                                 f"one of the {len(iterators)} datasets.")
            element = next(iterators[i], _END)
            if element is not _END:
                yield element
            elif self._stop:
                return

    def _spec(self):
        return self._datasets[0]._spec()


class _AssertCardinality(_Transform):
    def __init__(self, source, count):
        super().__init__(source)
        self._count = count

    def _elements(self):
        n = 0
        for element in self._source._elements():
            n += 1
            if 0 <= self._count < n:
                raise ValueError(f"assert_cardinality: the dataset has more than the "
                                 f"{self._count} elements asserted.")
            yield element
        if self._count >= 0 and n < self._count:
            raise ValueError(f"assert_cardinality: the dataset has {n} elements, not the "
                             f"{self._count} asserted.")

    def _cardinality(self) -> int:
        return self._count


class DatasetSpec:
    """The spec of a component that is itself a Dataset (``window``'s elements), as
    ``tf.data.DatasetSpec``: ``element_spec`` is the inner dataset's."""

    def __init__(self, element_spec):
        self.element_spec = element_spec

    def __eq__(self, other) -> bool:
        return isinstance(other, DatasetSpec) and self.element_spec == other.element_spec

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return f"DatasetSpec({self.element_spec!r}, TensorShape([]))"


class _Listed(Dataset):
    """The elements of a list: a window, or a group of group_by_window."""

    def __init__(self, elements, spec=None):
        self._list, self._known_spec = elements, spec

    def _elements(self):
        return iter(self._list)

    def _cardinality(self) -> int:
        return len(self._list)

    def _spec(self):
        if self._known_spec is not None or not self._list:
            return self._known_spec
        return spec_of(self._list[0])  # in memory: read even for repr


class _Counter(Dataset):
    def __init__(self, start, step, dtype):
        self._start, self._step, self._dtype = start, step, dtype

    def _elements(self):
        dtype = self._dtype
        return (np.asarray(i, dtype) for i in itertools.count(self._start, self._step))

    def _cardinality(self) -> int:
        return INFINITE_CARDINALITY

    def _spec(self):
        return TensorSpec((), self._dtype)


class _RandomInts(Dataset):
    def __init__(self, seed, rerandomize):
        self._seed = seed if seed is not None else int(backend.rng().integers(2**62))
        self._rerandomize, self._iteration = rerandomize, 0

    def _elements(self):
        rng = np.random.default_rng([self._seed, self._iteration])
        if self._rerandomize and not _peeking:
            self._iteration += 1
        while True:
            for value in rng.integers(0, 2**32, size=256, dtype=np.int64):
                yield np.asarray(value)

    def _cardinality(self) -> int:
        return INFINITE_CARDINALITY

    def _spec(self):
        return TensorSpec((), np.int64)


class _Window(_Transform):
    def __init__(self, source, size, shift, stride, drop):
        super().__init__(source)
        self._size, self._shift, self._stride, self._drop = size, shift, stride, drop

    def _elements(self):
        source, buffer = self._source._elements(), []
        base = start = 0  # the index of buffer[0]; of the window's first element
        ended = False
        while True:
            last = start + (self._size - 1) * self._stride
            while not ended and base + len(buffer) <= last:
                element = next(source, _END)
                if element is _END:
                    ended = True
                else:
                    buffer.append(element)
            if start >= base + len(buffer):
                return
            items = buffer[start - base:last - base + 1:self._stride]
            if self._drop and len(items) < self._size:
                return
            yield self._pack(items)
            start += self._shift
            passed = start - base
            if passed <= len(buffer):
                del buffer[:passed]
            else:  # windows apart: read over the elements between them
                for _ in range(passed - len(buffer)):
                    if ended or next(source, _END) is _END:
                        ended = True
                        break
                buffer = []
            base = start

    @staticmethod
    def _pack(items):
        columns = list(zip(*(flatten(e) for e in items), strict=True))
        return pack_like(items[0], [_Listed(list(c)) for c in columns])

    def _cardinality(self) -> int:
        n = self._source._cardinality()
        if n < 0:
            return n
        if self._drop:
            rest = n - (self._size - 1) * self._stride - 1
            return 0 if rest < 0 else rest // self._shift + 1
        return math.ceil(n / self._shift)

    def _spec(self):
        spec = self._source._spec()
        return None if spec is None else map_structure(DatasetSpec, spec)


class _Scan(_Transform):
    def __init__(self, source, initial_state, fn):
        super().__init__(source)
        self._initial, self._fn = initial_state, fn

    def _elements(self):
        state = self._initial
        for element in self._source._elements():
            result = self._fn(map_structure(_eager, state), map_structure(_argument, element))
            if not isinstance(result, (tuple, list)) or len(result) != 2:
                raise TypeError(f"Dataset.scan(scan_func): expected the function to return "
                                f"(new_state, output), returned {type(result).__name__}.")
            new_state = _normalize(result[0], "scan")
            if len(flatten(new_state)) != len(flatten(state)):
                raise ValueError(f"Dataset.scan(scan_func): the new state "
                                 f"{describe(new_state)} does not have the structure of the "
                                 f"initial state {describe(self._initial)}.")
            state = new_state
            output = result[1]
            yield _normalize(tuple(output) if type(output) is list else output, "scan")

    def _spec(self):
        return Dataset._spec(self)


def _distribution(value, where: str) -> np.ndarray:
    dist = np.asarray(backend.to_numpy(getattr(value, "value", value)), dtype=np.float32)
    if dist.ndim != 1 or not len(dist) or (dist < 0).any():
        raise ValueError(f"Dataset.rejection_resample({where}): expected a 1-D list of "
                         f"non-negative probabilities, one a class, given {value!r}.")
    return dist


def _mixing(initial: np.ndarray, target: np.ndarray):
    """(acceptance probability of each class, probability of taking the original element),
    TensorFlow's rejection-resampling mix that rejects the least."""
    ratio = target / (initial + np.finfo(np.float32).tiny)
    low, high = ratio.min(), ratio.max()
    with np.errstate(divide="ignore", invalid="ignore"):
        accept = (ratio - low) / (high - low)
    return accept, float(low)


class _RejectionResample(_Transform):
    _ESTIMATE_BLOCK, _SMOOTHING = 32, 10

    def __init__(self, source, class_func, target, initial, seed):
        super().__init__(source)
        self._class_func, self._target, self._initial = class_func, target, initial
        self._seed = seed if seed is not None else int(backend.rng().integers(2**62))
        self._iteration = 0

    def _classified(self):
        """(class, element, the class distribution known there) for each element."""
        n = len(self._target)
        counts = np.full(n, self._SMOOTHING, dtype=np.int64)
        source = self._source._elements()
        while True:
            block = list(itertools.islice(source, self._ESTIMATE_BLOCK))
            if not block:
                return
            classes = []
            for element in block:
                value = np.asarray(backend.to_numpy(_call(self._class_func, element)))
                if value.size != 1 or not 0 <= int(value.reshape(())) < n:
                    raise ValueError(f"Dataset.rejection_resample(class_func): expected a "
                                     f"class in [0, {n}) for each element, given {value!r}.")
                classes.append(value.reshape(()))
            if self._initial is None:
                counts += np.bincount([int(c) for c in classes], minlength=n)
                dist = (counts / counts.sum()).astype(np.float32)
            else:
                dist = self._initial
            for value, element in zip(classes, block, strict=True):
                yield value, element, dist

    def _elements(self):
        rng = np.random.default_rng([self._seed, self._iteration])
        if not _peeking:
            self._iteration += 1
        original, filtered = self._classified(), self._classified()
        # the mixing weight of each output: fixed by initial_dist, or from the estimate of a
        # third pass, one element further at each output (TensorFlow's weights dataset)
        estimates = None if self._initial is not None else self._classified()
        while True:
            if estimates is None:
                keep = _mixing(self._initial, self._target)[1]
            else:
                estimate = next(estimates, None)
                if estimate is None:
                    return
                keep = _mixing(estimate[2], self._target)[1]
            take_original = keep >= 1.0 or (keep > 0.0 and rng.random() < keep)
            if take_original:
                found = next(original, None)
                if found is None:
                    return
                yield (found[0], found[1])
                continue
            while True:  # the filtered pass: the next element it accepts
                found = next(filtered, None)
                if found is None:
                    return
                value, element, dist = found
                accept = _mixing(dist, self._target)[0]
                if rng.random() < accept[int(value)]:
                    yield (value, element)
                    break

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _spec(self):
        return Dataset._spec(self)


class _WithOptions(_Transform):
    """A dataset with options set (``with_options``): its source's elements unchanged."""

    def __init__(self, source, options):
        super().__init__(source)
        self._options = options

    def _elements(self):
        return self._source._elements()

    def _rows(self):
        return self._source._rows()


class _IgnoreErrors(_Transform):
    """``ignore_errors()``: the map and filter steps right before it run element by element
    here, and an element whose function raises is left out."""

    def __init__(self, source, log_warning: bool):
        super().__init__(source)
        stages, node = [], source
        while isinstance(node, (_Map, _Filter, _WithOptions)):
            if not isinstance(node, _WithOptions):
                stages.append(node)
            node = node._source
        if type(node).ignore_errors is not Dataset.ignore_errors:
            node = node.ignore_errors(log_warning)  # (a CsvDataset: its unreadable records)
        self._stages, self._base, self._log_warning = stages[::-1], node, log_warning

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY  # (as TensorFlow's, whatever the steps)

    def _elements(self):
        for element in self._base._elements():
            try:
                for stage in self._stages:
                    if isinstance(stage, _Map):
                        element = stage._apply(element)
                    elif not stage._keeps(element):
                        break
                else:
                    yield element
            except Exception as err:  # (TensorFlow's ignore_errors skips any error status)
                if self._log_warning:
                    import warnings

                    warnings.warn(f"Dataset.ignore_errors: an element was skipped: "
                                  f"{type(err).__name__}: {err}", stacklevel=2)


class _TakeWhile(_Transform):
    def __init__(self, source, predicate):
        super().__init__(source)
        self._predicate = predicate

    def _elements(self):
        for element in self._source._elements():
            keep = np.asarray(backend.to_numpy(_call(self._predicate, element)))
            if keep.size != 1:
                raise ValueError(f"Dataset.take_while(predicate): the predicate must return "
                                 f"one boolean, returned an array of shape {keep.shape}.")
            if not keep.reshape(()):
                return
            yield element

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY


class _Unique(_Transform):
    def _elements(self):
        seen = set()
        for element in self._source._elements():
            array = np.asarray(element) if not isinstance(element, (tuple, dict)) else None
            if array is None or array.ndim != 0 or not (
                    array.dtype.kind in "USO" or array.dtype in (np.int32, np.int64)):
                given = describe(element) if array is None else f"{array.dtype} {array.shape}"
                raise TypeError(f"Dataset.unique: expected elements that are int32, int64 or "
                                f"string scalars, given {given}. Map them to one such "
                                "scalar first.")
            key = array.item()
            if key not in seen:
                seen.add(key)
                yield element

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY


class _GroupByWindow(_Transform):
    def __init__(self, source, key_func, reduce_func, window_size_func):
        super().__init__(source)
        self._key_func, self._reduce_func = key_func, reduce_func
        self._window_size_func = window_size_func

    def _key(self, element) -> int:
        key = np.asarray(to_component(_call(self._key_func, element)))
        if key.size != 1 or key.dtype.kind not in "iub":
            raise TypeError(f"Dataset.group_by_window(key_func): expected an integer scalar "
                            f"key, returned {key.dtype} of shape {key.shape}.")
        return int(key.reshape(()))

    def _elements(self):
        groups, sizes = {}, {}
        for element in self._source._elements():
            key = self._key(element)
            if key not in groups:
                size = _count(to_component(self._window_size_func(_eager(np.int64(key)))),
                              "window_size_func", "group_by_window")
                if size < 1:
                    raise ValueError(f"Dataset.group_by_window(window_size_func): expected a "
                                     f"positive window size, given {size} for key {key}.")
                groups[key], sizes[key] = [], size
            groups[key].append(element)
            if len(groups[key]) >= sizes[key]:
                sizes.pop(key)
                yield from self._reduce(key, groups.pop(key))
        for key in sorted(groups):
            yield from self._reduce(key, groups[key])

    def _reduce(self, key, group):
        result = self._reduce_func(_eager(np.int64(key)), _Listed(group))
        if not isinstance(result, Dataset):
            raise TypeError(f"Dataset.group_by_window(reduce_func): expected the function to "
                            f"return a Dataset, returned {type(result).__name__}.")
        return result._elements()

    def _cardinality(self) -> int:
        return UNKNOWN_CARDINALITY

    def _spec(self):
        return Dataset._spec(self)


def _filled_shapes(shapes, spec, size: int):
    """``padded_shapes`` (or the spec's shapes when None) with each None size made ``size``,
    one shape per component of ``spec``."""
    if isinstance(spec, dict):
        return {k: _filled_shapes(None if shapes is None else shapes[k], v, size)
                for k, v in spec.items()}
    if isinstance(spec, tuple):
        parts = [None] * len(spec) if shapes is None else shapes
        return tuple(_filled_shapes(s, v, size) for s, v in zip(parts, spec, strict=True))
    shape = spec.shape if shapes is None else shapes
    if shape is None:
        return None
    shape = (shape,) if isinstance(shape, int) else tuple(getattr(shape, "shape", shape))
    return tuple(size if d is None or (isinstance(d, int) and d < 0) else d for d in shape)


class Options:
    """``tf.data.Options``: set any option (``options.deterministic = False``,
    ``options.threading.private_threadpool_size = 2``,
    ``options.experimental_distribute.auto_shard_policy = ...``) and give it to
    ``dataset.with_options``; ``dataset.options()`` reads them back. numnet's pipelines run
    in order in one thread, so the options change nothing else. An option never set reads
    None (a group of options, such as ``threading``, reads as an Options of its own)."""

    # TensorFlow's options that hold a value, not a group of options: None until set
    _LEAVES = frozenset({
        "deterministic", "experimental_slack", "experimental_external_state_policy",
        "experimental_warm_start", "experimental_symbolic_checkpoint", "dataset_name",
        "framework_type", "enabled", "cpu_budget", "ram_budget", "autotune_algorithm",
        "initial_parallelism", "private_threadpool_size", "max_intra_op_parallelism",
        "num_devices", "auto_shard_policy", "apply_default_optimizations",
        "filter_fusion", "inject_prefetch", "map_and_batch_fusion", "map_and_filter_fusion",
        "map_fusion", "map_parallelization", "noop_elimination", "parallel_batch",
        "shuffle_and_repeat_fusion", "filter_parallelization", "seq_interleave_prefetch"})

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        if name in Options._LEAVES:
            return None
        value = Options()
        object.__setattr__(self, name, value)
        return value

    def _merge(self, other: Options) -> None:
        """Take the options set in ``other`` (nested groups merged, not replaced)."""
        for name, value in vars(other).items():
            if isinstance(value, Options):
                mine = getattr(self, name)
                if isinstance(mine, Options):
                    mine._merge(value)
                    continue
            object.__setattr__(self, name, value)

    def merge(self, options: Options) -> Options:
        """A new Options: these, with those set in ``options`` over them."""
        merged = Options()
        merged._merge(self)
        merged._merge(options)
        return merged


def _shapes_up_to(types, shapes) -> list:
    """The shape of each component of ``types`` (a structure of dtypes) from ``shapes``, the
    same structure whose leaves are shapes (tuples themselves: ``((), (None,))`` is the
    shapes of two components, not one)."""
    if isinstance(types, dict):
        return [s for key in types for s in _shapes_up_to(types[key], shapes[key])]
    if isinstance(types, tuple):
        return [s for t, shape in zip(types, shapes, strict=True)
                for s in _shapes_up_to(t, shape)]
    return [shapes]
