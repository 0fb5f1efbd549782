"""TensorFlow's ``tf.lookup`` tables (StaticHashTable, StaticVocabularyTable,
MutableHashTable and their initializers) and the candidate samplers of ``tf.random`` /
``tf.nn`` (log_uniform_candidate_sampler, uniform_candidate_sampler) that word2vec-style
programs use.

    init = tf.lookup.KeyValueTensorInitializer(["cat", "dog"], [0, 1])
    table = tf.lookup.StaticHashTable(init, default_value=-1)
    table.lookup(tf.constant(["dog", "emu"]))            # [1, -1]

Keys may be strings (str or bytes; they match either way) or integers. Lookups give no
gradient. StaticVocabularyTable hashes out-of-vocabulary keys with FarmHash's Fingerprint64,
as TensorFlow's does (integer keys through their decimal text), so the buckets are TensorFlow's.
"""

from __future__ import annotations

import collections

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..layers.hashing_functions import fingerprint64
from .base import array, plain, string_tensor, to_tensor


def _key(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value)
    return value


def _keys_array(keys) -> np.ndarray:
    value = keys.numpy() if isinstance(keys, Tensor) else keys
    if isinstance(value, (str, bytes)):
        out = np.empty((), dtype=object)
        out[()] = value
        return out
    items = np.asarray(value, dtype=object if _is_text(value) else None)
    return items


def _is_text(value) -> bool:
    while isinstance(value, (list, tuple)) and value:
        value = value[0]
    return isinstance(value, (str, bytes)) or (isinstance(value, np.ndarray) and
                                               value.dtype.kind in "OSU")


def _values_out(values: list, shape, dtype) -> Tensor:
    if np.dtype(dtype).kind in "OSU":
        column = np.empty(len(values), dtype=object)
        column[:] = [v if isinstance(v, bytes) else str(v).encode() for v in values]
        return string_tensor(column.reshape(shape))
    return Tensor(backend.to_device(np.asarray(values, dtype=dtype).reshape(shape)))


class KeyValueTensorInitializer:
    """The keys and values of a table, given as two lists or Tensors of one length.

    Args:
        keys: the keys (strings or integers).
        values: the values, one per key.
        key_dtype: accepted (read from keys). Defaults to ``None``.
        value_dtype: the values' dtype; None to read it. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> init = numnet.lookup.KeyValueTensorInitializer(["a", "b"], [1, 2])
        >>> numnet.lookup.StaticHashTable(init, -1).lookup(["b"]).tolist()
        [2]
    """

    def __init__(self, keys, values, key_dtype=None, value_dtype=None, name=None):
        k = _keys_array(keys).reshape(-1)
        v = values.numpy() if isinstance(values, Tensor) else values
        v = np.asarray(v, dtype=object if _is_text(v) else None).reshape(-1)
        if value_dtype is not None and np.dtype(value_dtype).kind not in "OSU":
            v = v.astype(np.dtype(value_dtype))
        elif v.dtype == np.int64 and not isinstance(values, (Tensor, np.ndarray)):
            v = v.astype(np.int32)
        elif v.dtype == np.float64 and not isinstance(values, (Tensor, np.ndarray)):
            v = v.astype(np.float32)
        if len(k) != len(v):
            raise ValueError(f"KeyValueTensorInitializer: {len(k)} keys but {len(v)} values.")
        self.keys, self.values = k, v
        self.key_dtype = k.dtype
        self.value_dtype = v.dtype if v.dtype.kind != "O" else np.dtype(object)


class TextFileIndex:
    """Where a TextFileInitializer takes keys and values: a column index, or these."""

    WHOLE_LINE = -2
    LINE_NUMBER = -1


class TextFileInitializer(KeyValueTensorInitializer):
    """Keys and values read from a text file, one entry a line: a column (split by
    ``delimiter``), the whole line (TextFileIndex.WHOLE_LINE) or the line number
    (TextFileIndex.LINE_NUMBER).

    Args:
        filename: the file.
        key_dtype: tf.string or an integer dtype.
        key_index: the key's column.
        value_dtype: tf.string or an integer dtype.
        value_index: the value's column.
        vocab_size: read only this many lines, or None. Defaults to ``None``.
        delimiter: the column separator. Defaults to ``"\\t"``.
        name: ignored. Defaults to ``None``.
        value_index_offset: added to line-number values. Defaults to ``0``.
    """

    def __init__(self, filename, key_dtype, key_index, value_dtype, value_index,
                 vocab_size=None, delimiter="\t", name=None, value_index_offset=0):
        from .files import _path

        with open(_path(filename, "TextFileInitializer"), encoding="utf-8") as f:
            lines = f.read().splitlines()
        if vocab_size is not None:
            lines = lines[:int(vocab_size)]

        def pick(index, dtype, number, line):
            if index == TextFileIndex.LINE_NUMBER:
                return number + (value_index_offset if dtype is value_dtype else 0)
            text = line if index == TextFileIndex.WHOLE_LINE else line.split(delimiter)[index]
            return int(text) if np.dtype(dtype).kind in "iu" else text

        keys = [pick(key_index, key_dtype, i, line) for i, line in enumerate(lines)]
        values = [pick(value_index, value_dtype, i, line) for i, line in enumerate(lines)]
        super().__init__(keys, values, value_dtype=None if np.dtype(value_dtype).kind in "OSU"
                         else value_dtype)


class StaticHashTable:
    """A fixed table from keys to values: ``lookup(keys)`` gives each key's value, or
    ``default_value`` for a key it does not hold (any shape of keys).

    Args:
        initializer: a KeyValueTensorInitializer or TextFileInitializer.
        default_value: the value of missing keys.
        name: ignored. Defaults to ``None``.
        experimental_is_anonymous: accepted. Defaults to ``False``.

    Example:
        >>> init = numnet.lookup.KeyValueTensorInitializer(["cat", "dog"], [0, 1])
        >>> numnet.lookup.StaticHashTable(init, -1).lookup(["dog", "emu"]).tolist()
        [1, -1]
    """

    def __init__(self, initializer, default_value, name=None, experimental_is_anonymous=False):
        self._table = {_key(k): v for k, v in zip(initializer.keys.tolist(),
                                                  initializer.values.tolist())}
        self._keys, self._values = initializer.keys, initializer.values
        self.key_dtype, self.value_dtype = initializer.key_dtype, initializer.value_dtype
        self.default_value = plain(default_value)

    def lookup(self, keys, name=None) -> Tensor:
        """The value of each key (default_value where missing), in keys' shape."""
        k = _keys_array(keys)
        found = [self._table.get(_key(x), self.default_value) for x in k.reshape(-1).tolist()]
        return _values_out(found, k.shape, self.value_dtype)

    __getitem__ = lookup

    def size(self, name=None) -> Tensor:
        """The number of entries, an int64 scalar."""
        return Tensor(backend.xp.asarray(len(self._table), dtype=np.int64))

    def export(self, name=None) -> tuple:
        """(keys, values) Tensors of every entry."""
        keys = list(self._table)
        return (_values_out(keys, (len(keys),), self.key_dtype),
                _values_out(list(self._table.values()), (len(keys),), self.value_dtype))


class StaticVocabularyTable(StaticHashTable):
    """A vocabulary table: known keys map to their ids, others to one of
    ``num_oov_buckets`` extra ids, vocab_size + Fingerprint64(key) mod num_oov_buckets
    (TensorFlow's hash: the same ids as TensorFlow's; an integer key is hashed as its decimal
    text, as TensorFlow's ``as_string``).

    Args:
        initializer: keys and their int64 ids.
        num_oov_buckets: the number of out-of-vocabulary ids (>= 1).
        lookup_key_dtype: accepted. Defaults to ``None``.
        name: ignored. Defaults to ``None``.
        experimental_is_anonymous: accepted. Defaults to ``False``.

    Example:
        >>> init = numnet.lookup.KeyValueTensorInitializer(["a", "b"], [0, 1])
        >>> table = numnet.lookup.StaticVocabularyTable(init, num_oov_buckets=1)
        >>> table.lookup(["b", "zzz"]).tolist()
        [1, 2]
    """

    def __init__(self, initializer, num_oov_buckets, lookup_key_dtype=None, name=None,
                 experimental_is_anonymous=False):
        super().__init__(initializer, -1)
        if int(num_oov_buckets) < 1:
            raise ValueError("StaticVocabularyTable(num_oov_buckets): expected at least 1.")
        self._buckets = int(num_oov_buckets)
        self.value_dtype = np.dtype(np.int64)

    def lookup(self, keys, name=None) -> Tensor:
        k = _keys_array(keys)
        out = []
        for x in k.reshape(-1).tolist():
            key = _key(x)
            if key in self._table:
                out.append(int(self._table[key]))
            else:
                data = key if isinstance(key, bytes) else str(key).encode()
                out.append(len(self._table) + fingerprint64(data) % self._buckets)
        return _values_out(out, k.shape, np.int64)

    __getitem__ = lookup

    def size(self, name=None) -> Tensor:
        return Tensor(backend.xp.asarray(len(self._table) + self._buckets, dtype=np.int64))


class MutableHashTable:
    """A table that programs fill: ``insert(keys, values)``, ``remove(keys)``,
    ``lookup(keys)`` (default_value where missing), ``size()``, ``export()``.

    Args:
        key_dtype: the keys' dtype.
        value_dtype: the values' dtype.
        default_value: the value of missing keys.
        name: ignored. Defaults to ``"MutableHashTable"``.
        checkpoint: accepted. Defaults to ``True``.
        experimental_is_anonymous: accepted. Defaults to ``False``.

    Example:
        >>> table = numnet.lookup.experimental.MutableHashTable(numnet.string, numnet.int64, -1)
        >>> table.insert(["a"], [7])
        >>> table.lookup(["a", "b"]).tolist()
        [7, -1]
    """

    def __init__(self, key_dtype, value_dtype, default_value, name="MutableHashTable",
                 checkpoint=True, experimental_is_anonymous=False):
        self.key_dtype = np.dtype(key_dtype)
        self.value_dtype = np.dtype(value_dtype)
        self.default_value = plain(default_value)
        self._table: dict = collections.OrderedDict()

    def insert(self, keys, values, name=None) -> None:
        """Set the value of each key (replacing old values)."""
        k = _keys_array(keys).reshape(-1).tolist()
        v = array(values) if not _is_text(values) else np.asarray(values, dtype=object)
        v = v.reshape(len(k), -1) if v.size != len(k) else v.reshape(-1)
        for key, value in zip(k, v.tolist()):
            self._table[_key(key)] = value

    def remove(self, keys, name=None) -> None:
        """Delete the keys (missing ones are ignored)."""
        for key in _keys_array(keys).reshape(-1).tolist():
            self._table.pop(_key(key), None)

    def lookup(self, keys, dynamic_default_values=None, name=None) -> Tensor:
        """The value of each key (default_value where missing)."""
        k = _keys_array(keys)
        found = [self._table.get(_key(x), self.default_value) for x in k.reshape(-1).tolist()]
        shape = k.shape + (np.shape(found[0]) if found else ())
        return _values_out(found, shape, self.value_dtype)

    def size(self, name=None) -> Tensor:
        """The number of entries, an int64 scalar."""
        return Tensor(backend.xp.asarray(len(self._table), dtype=np.int64))

    def export(self, name=None) -> tuple:
        """(keys, values) Tensors of every entry."""
        keys = list(self._table)
        return (_values_out(keys, (len(keys),), self.key_dtype),
                _values_out(list(self._table.values()), (len(keys),), self.value_dtype))


# ----------------------------------------------------------------------------- samplers

Candidates = collections.namedtuple(
    "Candidates", ["sampled_candidates", "true_expected_count", "sampled_expected_count"])


# op seed -> (numnet's generator when the stream began, draws so far); a new generator (set by
# tf.random.set_seed) starts every stream over
_streams: dict = {}


def _op_seed_stream(seed) -> np.random.Generator:
    """The generator of one call of a sampler: numnet's own without an op seed; with one, the
    next draw of that seed's stream, as TensorFlow's eager kernels, which keep their random
    state from call to call (the same seed gives new candidates each call, repeatable from run
    to run)."""
    if seed is None:
        return backend.rng()
    seed = int(plain(seed))
    owner, count = _streams.get(seed, (None, 0))
    if owner is not backend.rng():
        owner, count = backend.rng(), 0
    _streams[seed] = (owner, count + 1)
    return np.random.default_rng([seed & 0xFFFFFFFFFFFFFFFF, count])


def _sampler(true_classes, num_true, num_sampled, unique, range_max, seed, probability):
    rng = _op_seed_stream(seed)
    n, top = int(num_sampled), int(range_max)
    classes = np.arange(top)
    p = probability(classes)
    tries = 0
    if unique:
        if n > top:
            raise ValueError(f"candidate sampler: num_sampled={n} unique classes from "
                             f"range_max={top}.")
        chosen: list = []
        seen = set()
        while len(chosen) < n:
            draw = int(rng.choice(top, p=p))
            tries += 1
            if draw not in seen:
                seen.add(draw)
                chosen.append(draw)
        sampled = np.asarray(chosen, dtype=np.int64)

        def expected(c):
            return -np.expm1(tries * np.log1p(-probability(c)))
    else:
        sampled = rng.choice(top, size=n, p=p).astype(np.int64)

        def expected(c):
            return probability(c) * n
    true = array(true_classes).astype(np.int64).reshape(-1, int(num_true))
    return Candidates(Tensor(backend.to_device(sampled)),
                      Tensor(backend.to_device(expected(true).astype(np.float32))),
                      Tensor(backend.to_device(expected(sampled).astype(np.float32))))


def log_uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                                  seed=None, name=None) -> Candidates:
    """``num_sampled`` classes drawn with the Zipfian probability P(c) = (log(c + 2) -
    log(c + 1)) / log(range_max + 1) (frequent words first), and the expected counts of the
    true and sampled classes (for sampled-softmax corrections).

    Args:
        true_classes: int64 (batch, num_true).
        num_true: true classes per example.
        num_sampled: classes to draw.
        unique: draw without repeats.
        range_max: the number of classes.
        seed: an op seed, or None for numnet's generator. Defaults to ``None``. As in
            TensorFlow's eager mode, calls with the same seed give the next draws of one
            stream (not the same draws again); tf.random.set_seed starts the streams over.
        name: ignored. Defaults to ``None``.

    Example:
        >>> s = numnet.random.log_uniform_candidate_sampler([[1]], 1, 4, True, 10, seed=0)
        >>> s.sampled_candidates.shape, s.true_expected_count.shape
        ((4,), (1, 1))
    """
    top = int(range_max)

    def probability(c):
        c = np.asarray(c, dtype=np.float64)
        return (np.log(c + 2) - np.log(c + 1)) / np.log(top + 1)

    return _sampler(true_classes, num_true, num_sampled, unique, range_max, seed, probability)


def uniform_candidate_sampler(true_classes, num_true, num_sampled, unique, range_max,
                              seed=None, name=None) -> Candidates:
    """``num_sampled`` classes drawn uniformly from [0, range_max), and the expected counts.

    Args:
        true_classes: int64 (batch, num_true).
        num_true: true classes per example.
        num_sampled: classes to draw.
        unique: draw without repeats.
        range_max: the number of classes.
        seed: an op seed, or None for numnet's generator. Defaults to ``None``. As in
            TensorFlow's eager mode, calls with the same seed give the next draws of one
            stream (not the same draws again); tf.random.set_seed starts the streams over.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.random.uniform_candidate_sampler([[1]], 1, 3, True, 5, seed=0
        ...                                         ).sampled_candidates.shape
        (3,)
    """
    top = int(range_max)
    return _sampler(true_classes, num_true, num_sampled, unique, range_max, seed,
                    lambda c: np.full(np.shape(c), 1.0 / top))


def approx_max_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None) -> tuple:
    """The k largest entries along ``reduction_dimension`` and their indices (computed
    exactly: recall 1).

    Args:
        operand: a Tensor.
        k: how many.
        reduction_dimension: the axis. Defaults to ``-1``.
        recall_target: accepted as TensorFlow's. Defaults to ``0.95``.
        reduction_input_size_override: accepted. Defaults to ``-1``.
        aggregate_to_topk: accepted. Defaults to ``True``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.approx_max_k([1.0, 3.0, 2.0], 2)[0].tolist()
        [3.0, 2.0]
    """
    return _extreme_k(operand, k, reduction_dimension, largest=True)


def approx_min_k(operand, k, reduction_dimension=-1, recall_target=0.95,
                 reduction_input_size_override=-1, aggregate_to_topk=True, name=None) -> tuple:
    """The k smallest entries along ``reduction_dimension`` and their indices (exact).

    Args:
        operand: a Tensor.
        k: how many.
        reduction_dimension: the axis. Defaults to ``-1``.
        recall_target: accepted as TensorFlow's. Defaults to ``0.95``.
        reduction_input_size_override: accepted. Defaults to ``-1``.
        aggregate_to_topk: accepted. Defaults to ``True``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.math.approx_min_k([1.0, 3.0, 2.0], 2)[1].tolist()
        [0, 2]
    """
    return _extreme_k(operand, k, reduction_dimension, largest=False)


def _extreme_k(operand, k, axis, largest: bool) -> tuple:
    from ..autodiff import ops as _ops

    x = to_tensor(operand)
    axis = int(axis) % x.ndim
    key = array(x)
    order = np.argsort(-key if largest else key, axis=axis, kind="stable")
    order = np.take(order, np.arange(int(k)), axis=axis)
    index = backend.to_device(order)
    xp = backend.xp
    if x.dtype.kind in "fc":
        values = _ops.regather(x, lambda v: xp.take_along_axis(v, index, axis=axis))
    else:
        values = Tensor(xp.take_along_axis(x.value, index, axis=axis))
    return values, Tensor(index.astype(np.int32))


LOOKUP = {
    "KeyValueTensorInitializer": KeyValueTensorInitializer,
    "StaticHashTable": StaticHashTable, "StaticVocabularyTable": StaticVocabularyTable,
    "TextFileIndex": TextFileIndex, "TextFileInitializer": TextFileInitializer,
}
"""The names of ``tf.lookup`` (``experimental`` added by tf_compat)."""

SAMPLERS = {"log_uniform_candidate_sampler": log_uniform_candidate_sampler,
            "uniform_candidate_sampler": uniform_candidate_sampler}
"""The candidate samplers of ``tf.random`` and ``tf.nn``."""

APPROX = {"approx_max_k": approx_max_k, "approx_min_k": approx_min_k}
"""The approximate top-k functions of ``tf.math``, ``tf.nn`` and ``tf``."""
