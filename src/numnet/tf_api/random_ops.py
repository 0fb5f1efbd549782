"""TensorFlow's ``tf.random`` beyond Keras's functions: the stateless draws
(``stateless_uniform(shape, seed=[1, 2])``: the same numbers for the same seed pair, every
time), ``tf.random.Generator`` (a stream with its own state: ``from_seed``, ``normal``,
``uniform``, ``split``), ``fold_in``, ``split``, ``poisson``.

    g = tf.random.Generator.from_seed(1)
    noise = g.normal(shape=[2, 3])
    seeds = tf.random.split([1, 2], num=3)          # (3, 2) new seed pairs
    x = tf.random.stateless_uniform([4], seed=seeds[0])

``stateless_uniform`` (floats and integers), ``split`` and ``fold_in`` give TensorFlow's own
numbers: its Philox-4x32-10 counter generator, keyed from the seed pair as TensorFlow keys it,
one 32-bit word a float32 or int32 (two a float64 or int64). The other stateless draws
(normal, truncated normal, categorical, binomial, poisson, gamma) and ``Generator`` are
numnet's own streams (NumPy's Philox keyed by the seed): the same numbers in numnet every
time, not the ones TensorFlow gives.
"""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff import Tensor, Variable
from .base import array, plain


def _seed_pair(seed, where: str) -> tuple:
    # a list or tuple part by part, so that each keeps its own dtype (int64 tensors whole)
    values = []
    for part in seed if isinstance(seed, (list, tuple)) else [seed]:
        if isinstance(part, (int, np.integer)):
            values.append(int(part))
        else:
            values.extend(int(v) for v in np.asarray(array(part)).astype(np.int64).reshape(-1))
    if len(values) != 2:
        raise ValueError(f"{where}(seed): expected a pair of integers (shape [2]), given "
                         f"{values}.")
    return values[0] & 0xFFFFFFFFFFFFFFFF, values[1] & 0xFFFFFFFFFFFFFFFF


def _stateless(seed, where: str) -> np.random.Generator:
    a, b = _seed_pair(seed, where)
    return np.random.Generator(np.random.Philox(key=[a, b]))


_PHILOX_M = (np.uint64(0xD2511F53), np.uint64(0xCD9E8D57))
_PHILOX_W = (0x9E3779B9, 0xBB67AE85)
_LOW = np.uint64(0xFFFFFFFF)


def _philox(counters: np.ndarray, key: tuple) -> np.ndarray:
    """Philox-4x32-10 of each row of ``counters`` ((n, 4) words) under ``key`` (two words):
    ten rounds, the key raised by the Weyl constants between them."""
    c = counters.astype(np.uint64)
    k0, k1 = key
    thirty_two = np.uint64(32)
    for _ in range(10):
        p0, p1 = _PHILOX_M[0] * c[:, 0], _PHILOX_M[1] * c[:, 2]
        c = np.stack([(p1 >> thirty_two) ^ c[:, 1] ^ np.uint64(k0), p1 & _LOW,
                      (p0 >> thirty_two) ^ c[:, 3] ^ np.uint64(k1), p0 & _LOW], axis=1)
        k0, k1 = (k0 + _PHILOX_W[0]) & 0xFFFFFFFF, (k1 + _PHILOX_W[1]) & 0xFFFFFFFF
    return c


def _philox_words(seed, count: int, where: str) -> np.ndarray:
    """The first ``count`` 32-bit words (as uint64) TensorFlow's stateless ops draw for
    ``seed``: the key and counter from one Philox block of the seed pair under a fixed key,
    then the blocks of successive counters."""
    a, b = _seed_pair(seed, where)
    start = np.array([[a & 0xFFFFFFFF, a >> 32, b & 0xFFFFFFFF, b >> 32]], dtype=np.uint64)
    mix = _philox(start, (0x3EC8F720, 0x02461E29))[0]
    key = (int(mix[0]), int(mix[1]))
    base = (int(mix[2]) << 64) | (int(mix[3]) << 96)
    blocks = [base + i for i in range((count + 3) // 4)]
    counters = np.array([[(v >> shift) & 0xFFFFFFFF for shift in (0, 32, 64, 96)]
                         for v in blocks], dtype=np.uint64).reshape(-1, 4)
    return _philox(counters, key).reshape(-1)[:count]


def _tf_uniform(seed, shape: tuple, minval, maxval, dtype, where: str) -> np.ndarray:
    """TensorFlow's StatelessRandomUniform (and its Int and FullInt kinds) on the host."""
    dtype = np.dtype(dtype)
    count = int(np.prod(shape, dtype=np.int64))
    wide = dtype.itemsize == 8
    words = _philox_words(seed, count * (2 if wide else 1), where)
    if dtype.kind == "f":
        if wide:  # the first word's low 20 bits over the second's 32: the mantissa
            mantissa = ((words[0::2] & np.uint64(0xFFFFF)) << np.uint64(32)) | words[1::2]
            unit = (mantissa | np.uint64(1023 << 52)).view(np.float64) - 1.0
        else:
            bits = (words.astype(np.uint32) & np.uint32(0x7FFFFF)) | np.uint32(127 << 23)
            unit = bits.view(np.float32) - np.float32(1.0)
        low = dtype.type(0.0 if minval is None else plain(minval))
        high = dtype.type(1.0 if maxval is None else plain(maxval))
        return (unit.astype(dtype) * (high - low) + low).reshape(shape)
    if dtype.kind not in "iu":
        raise TypeError(f"{where}(dtype): expected a float or integer dtype, given {dtype}.")
    bits = words[0::2] | (words[1::2] << np.uint64(32)) if wide else words
    if minval is None and maxval is None:  # every value of the dtype
        return (bits if wide else bits.astype(np.uint32)).view(
            np.int64 if wide else np.int32).astype(dtype).reshape(shape)
    if maxval is None:
        raise ValueError(f"{where}(maxval): required for an integer dtype (or give neither "
                         f"bound for the whole range).")
    low, high = int(plain(minval)), int(plain(maxval))
    if high <= low:
        raise ValueError(f"{where}: expected minval < maxval, given {low} and {high}.")
    return (np.asarray([low + int(v) % (high - low) for v in bits.tolist()], dtype=np.int64)
            .astype(dtype).reshape(shape))


def _out(values, dtype) -> Tensor:
    return Tensor(backend.to_device(np.asarray(values).astype(np.dtype(dtype), copy=False)))


def _shape(shape) -> tuple:
    shape = plain(shape)
    return (int(shape),) if isinstance(shape, int) else tuple(int(d) for d in shape)


def _truncated(rng, shape) -> np.ndarray:
    z = rng.standard_normal(shape)
    bad = np.abs(z) > 2
    while bad.any():
        z[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(z) > 2
    return z


def _uniform(rng, shape, minval, maxval, dtype):
    dtype = np.dtype(dtype)
    if dtype.kind in "iu":
        if maxval is None:
            raise ValueError("uniform(maxval): required for an integer dtype.")
        return _out(rng.integers(int(plain(minval)), int(plain(maxval)), shape), dtype)
    high = 1.0 if maxval is None else float(plain(maxval))
    return _out(rng.uniform(float(plain(minval)), high, shape), dtype)


def stateless_uniform(shape, seed, minval=0, maxval=None, dtype=np.float32, name=None,
                      alg="auto_select") -> Tensor:
    """Uniform samples in [minval, maxval) that depend only on ``seed`` (a pair of ints):
    the same seed gives the same numbers every time, TensorFlow's numbers.

    Args:
        shape: the output's shape.
        seed: a pair of integers.
        minval: the lower bound. Defaults to ``0``.
        maxval: the upper bound; None for 1 (floats). Defaults to ``None``.
        dtype: the dtype. An integer dtype needs maxval (``minval + bits % (maxval -
            minval)``, as TensorFlow), or neither bound for every value of the dtype.
            Defaults to ``tf.float32``.
        name: ignored. Defaults to ``None``.
        alg: accepted as TensorFlow's. Defaults to ``"auto_select"``.

    Example:
        >>> [round(float(v), 4) for v in numnet.random.stateless_uniform([3], seed=(1, 0))]
        [0.8785, 0.46, 0.6003]
    """
    return _out(_tf_uniform(seed, _shape(shape), minval, maxval, dtype, "stateless_uniform"),
                dtype)


def stateless_normal(shape, seed, mean=0.0, stddev=1.0, dtype=np.float32, name=None,
                     alg="auto_select") -> Tensor:
    """Normal samples N(mean, stddev^2) that depend only on ``seed`` (a pair of ints).

    Args:
        shape: the output's shape.
        seed: a pair of integers.
        mean: the mean. Defaults to ``0.0``.
        stddev: the standard deviation. Defaults to ``1.0``.
        dtype: a float dtype. Defaults to ``tf.float32``.
        name: ignored. Defaults to ``None``.
        alg: accepted as TensorFlow's. Defaults to ``"auto_select"``.

    Example:
        >>> numnet.random.stateless_normal([2, 2], seed=[0, 1]).shape
        (2, 2)
    """
    rng = _stateless(seed, "stateless_normal")
    return _out(float(plain(mean)) + float(plain(stddev)) * rng.standard_normal(_shape(shape)),
                dtype)


def stateless_truncated_normal(shape, seed, mean=0.0, stddev=1.0, dtype=np.float32, name=None,
                               alg="auto_select") -> Tensor:
    """Normal samples within two standard deviations of the mean, depending only on
    ``seed``.

    Args:
        shape: the output's shape.
        seed: a pair of integers.
        mean: the mean. Defaults to ``0.0``.
        stddev: the standard deviation before truncation. Defaults to ``1.0``.
        dtype: a float dtype. Defaults to ``tf.float32``.
        name: ignored. Defaults to ``None``.
        alg: accepted as TensorFlow's. Defaults to ``"auto_select"``.

    Example:
        >>> float(numnet.reduce_max(numnet.abs(numnet.random.stateless_truncated_normal(
        ...     [100], seed=[3, 4])))) <= 2.0
        True
    """
    rng = _stateless(seed, "stateless_truncated_normal")
    return _out(float(plain(mean)) + float(plain(stddev)) * _truncated(rng, _shape(shape)),
                dtype)


def stateless_categorical(logits, num_samples, seed, dtype=np.int64, name=None) -> Tensor:
    """``num_samples`` class indices per row of ``logits`` (batch, classes), drawn with
    probabilities softmax(logits), depending only on ``seed``.

    Args:
        logits: (batch, classes).
        num_samples: draws per row.
        seed: a pair of integers.
        dtype: the indices' dtype. Defaults to ``tf.int64``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.random.stateless_categorical([[0.0, 100.0]], 3, seed=[1, 1]).tolist()
        [[1, 1, 1]]
    """
    z = np.asarray(array(logits), dtype=np.float64)
    p = np.exp(z - z.max(axis=1, keepdims=True))
    p /= p.sum(axis=1, keepdims=True)
    u = _stateless(seed, "stateless_categorical").random((len(z), int(plain(num_samples))))
    samples = (u[:, :, None] > np.cumsum(p, axis=1)[:, None, :]).sum(axis=2)
    return _out(np.minimum(samples, z.shape[1] - 1), dtype)


def stateless_binomial(shape, seed, counts, probs, output_dtype=np.int32, name=None) -> Tensor:
    """Binomial samples (counts trials of probability probs), depending only on ``seed``.

    Args:
        shape: the output's shape.
        seed: a pair of integers.
        counts: the number of trials (broadcast).
        probs: the success probability (broadcast).
        output_dtype: the dtype. Defaults to ``tf.int32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.random.stateless_binomial([3], [1, 2], counts=10, probs=0.0).tolist()
        [0, 0, 0]
    """
    rng = _stateless(seed, "stateless_binomial")
    return _out(rng.binomial(array(counts).astype(np.int64), array(probs), _shape(shape)),
                output_dtype)


def stateless_poisson(shape, seed, lam, dtype=np.int32, name=None) -> Tensor:
    """Poisson samples of rate ``lam``, depending only on ``seed``.

    Args:
        shape: the output's shape (lam broadcast to it).
        seed: a pair of integers.
        lam: the rate.
        dtype: the dtype. Defaults to ``tf.int32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.random.stateless_poisson([2], [1, 2], lam=0.0).tolist()
        [0, 0]
    """
    return _out(_stateless(seed, "stateless_poisson").poisson(array(lam), _shape(shape)), dtype)


def stateless_gamma(shape, seed, alpha, beta=None, dtype=np.float32, name=None) -> Tensor:
    """Gamma samples of shape ``alpha`` and rate ``beta`` (1 when None), depending only on
    ``seed``.

    Args:
        shape: the output's shape.
        seed: a pair of integers.
        alpha: the shape parameter.
        beta: the rate, or None for 1. Defaults to ``None``.
        dtype: a float dtype. Defaults to ``tf.float32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.random.stateless_gamma([2], [1, 2], alpha=1.0).shape
        (2,)
    """
    rng = _stateless(seed, "stateless_gamma")
    rate = 1.0 if beta is None else array(beta)
    return _out(rng.gamma(array(alpha), 1.0, _shape(shape)) / rate, dtype)


def poisson(shape, lam, dtype=np.float32, seed=None, name=None) -> Tensor:
    """Poisson samples of rate ``lam``: shape = shape + lam's shape.

    Args:
        shape: the leading shape.
        lam: the rates.
        dtype: the dtype. Defaults to ``tf.float32``.
        seed: an int, or None for numnet's generator. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.random.poisson([4], [0.0, 0.0], seed=1).shape
        (4, 2)
    """
    rates = array(lam)
    rng = backend.rng() if seed is None else np.random.default_rng(int(plain(seed)))
    return _out(rng.poisson(rates, _shape(shape) + rates.shape), dtype)


def split(seed, num=2, alg="auto_select") -> Tensor:
    """``num`` new seed pairs derived from ``seed``, shape (num, 2), in the seed's integer
    dtype (int32 for a list of Python ints): TensorFlow's, ``stateless_uniform([num, 2],
    seed, minval=None, maxval=None)`` of that dtype.

    Args:
        seed: a pair of integers.
        num: how many. Defaults to ``2``.
        alg: accepted as TensorFlow's. Defaults to ``"auto_select"``.

    Example:
        >>> numnet.random.split([1, 2], num=3).numpy()[0].tolist()
        [1105988140, 1738052849]
    """
    dtype = _seed_dtype(seed)
    return _out(_tf_uniform(seed, (int(num), 2), None, None, dtype, "split"), dtype)


def fold_in(seed, data, alg="auto_select") -> Tensor:
    """A new seed pair from ``seed`` and an integer ``data`` (a step, a replica id), as
    TensorFlow: ``[stateless_uniform([], seed, minval=None, maxval=None), data]`` in data's
    dtype (int32 for a Python int).

    Args:
        seed: a pair of integers.
        data: an integer.
        alg: accepted as TensorFlow's. Defaults to ``"auto_select"``.

    Example:
        >>> numnet.random.fold_in([1, 2], 7).numpy().tolist()
        [1105988140, 7]
    """
    dtype = _seed_dtype(data)
    first = _tf_uniform(seed, (), None, None, dtype, "fold_in")
    return _out(np.array([first, int(plain(data))], dtype=dtype), dtype)


def _seed_dtype(value) -> np.dtype:
    # a pair of int64 tensors (a Counter's, a dataset's) packs to int64, as TensorFlow packs it
    if isinstance(value, (list, tuple)):
        kinds = {np.asarray(array(v)).dtype for v in value}
        return np.dtype(np.int64) if np.dtype(np.int64) in kinds else np.dtype(np.int32)
    values = np.asarray(array(value))
    return values.dtype if values.dtype in (np.int32, np.int64) else np.dtype(np.int32)


def create_rng_state(seed, alg) -> Tensor:
    """The state of a Generator seeded with ``seed``, TensorFlow's layout: a 1-D int64 Tensor
    of 3 words for Philox (``alg`` "philox", 1 or "auto_select", 3), 2 for ThreeFry
    ("threefry", 2). An integer seed is split into 64-bit words, lowest first (a negative one
    sign-extended); a list of integers is taken word by word; both are cut or zero-padded to
    the state's size. (numnet's Generator reads the first word as its seed, the second as
    its count of draws.)

    Args:
        seed: an integer or a list of integers.
        alg: the algorithm: its name, number or ``tf.random.Algorithm`` member.

    Raises:
        ValueError: an unknown ``alg``.

    Example:
        >>> numnet.random.create_rng_state(1234, "philox").tolist()
        [1234, 0, 0]
        >>> numnet.random.create_rng_state([12, 34], "threefry").tolist()
        [12, 34]
    """
    name = str(getattr(alg, "name", alg)).lower()
    sizes = {"philox": 3, "1": 3, "auto_select": 3, "3": 3, "threefry": 2, "2": 2}
    if name not in sizes:
        raise ValueError(f"create_rng_state(alg): expected 'philox', 'threefry' or "
                         f"'auto_select' (or 1, 2, 3), given {alg!r}.")
    size = sizes[name]
    value = plain(seed)
    if isinstance(value, (list, tuple, np.ndarray)):
        words = [int(v) for v in np.asarray(value).reshape(-1).tolist()]
    else:
        number, words = int(value), []
        for _ in range(size):
            word = number & (2 ** 64 - 1)
            words.append(word - 2 ** 64 if word >= 2 ** 63 else word)
            number >>= 64
    words = (words + [0] * size)[:size]
    return _out(words, np.int64)


class Algorithm:
    """The names of TensorFlow's random algorithms (numnet uses NumPy's Philox for all)."""

    PHILOX = 1
    THREEFRY = 2
    AUTO_SELECT = 3


class Generator:
    """A random stream with its own state, as ``tf.random.Generator``: each draw advances
    it, so two generators from one seed give the same sequence. Make one with
    ``Generator.from_seed(seed)`` or ``Generator.from_non_deterministic_state()``.

    Args:
        copy_from: another Generator to copy the state of. Defaults to ``None``.
        state: accepted as TensorFlow's. Defaults to ``None``.
        alg: accepted as TensorFlow's. Defaults to ``None``.

    Example:
        >>> g1, g2 = numnet.random.Generator.from_seed(1), numnet.random.Generator.from_seed(1)
        >>> bool(numnet.reduce_all(g1.normal([3]) == g2.normal([3])))
        True
    """

    def __init__(self, copy_from=None, state=None, alg=None):
        if copy_from is None and isinstance(state, Variable):
            # another generator's state Variable: shared, as TensorFlow's from_state shares it
            # (each draw of either moves both)
            self._state = state
            return
        if copy_from is not None:
            values = [copy_from._seed, copy_from._count]
        else:
            values = [0, 0] if state is None else np.asarray(array(state)).reshape(-1).tolist()
            values = (values + [0, 0])[:2]  # TensorFlow's 3-word Philox state: seed, count
            values = [int(values[0]), int(values[1]) if len(values) > 1 else 0]
        # the state lives in an int64 Variable, as TensorFlow's: tf.train.Checkpoint saves it
        # (Generator.variables) and restoring it rewinds the stream
        self._state = Variable(np.asarray(values, dtype=np.int64), trainable=False,
                               name="generator_state")

    @property
    def _seed(self) -> int:
        return int(np.asarray(backend.to_numpy(self._state.value))[0])

    @property
    def _count(self) -> int:
        return int(np.asarray(backend.to_numpy(self._state.value))[1])

    def _set(self, seed: int, count: int) -> None:
        self._state.assign(np.asarray([seed, count], dtype=np.int64))

    @classmethod
    def from_seed(cls, seed, alg=None) -> Generator:
        """A generator whose stream depends only on ``seed``."""
        return cls(state=[int(plain(seed)), 0])

    @classmethod
    def from_non_deterministic_state(cls, alg=None) -> Generator:
        """A generator seeded from the operating system's entropy."""
        return cls(state=[int(np.random.SeedSequence().entropy % (2 ** 62)), 0])

    @classmethod
    def from_state(cls, state, alg=None) -> Generator:
        """A generator continuing from ``state``: a copy of its value, or, given another
        generator's ``state`` Variable itself, that same Variable (as TensorFlow)."""
        return cls(state=state)

    @property
    def state(self) -> Variable:
        """The state, an int64 Variable (seed, draws so far) that every draw moves on."""
        return self._state

    @property
    def variables(self) -> tuple:
        """``(state,)``: what tf.train.Checkpoint saves of the generator."""
        return (self._state,)

    @property
    def algorithm(self) -> int:
        """Algorithm.PHILOX."""
        return Algorithm.PHILOX

    def reset_from_seed(self, seed) -> None:
        """Start again from ``seed``."""
        self._set(int(plain(seed)), 0)

    def reset(self, state) -> None:
        """Continue from ``state``."""
        values = np.asarray(array(state)).reshape(-1).tolist()
        self._set(int(values[0]), int(values[1]))

    def skip(self, delta) -> None:
        """Advance the stream by ``delta`` draws."""
        self._set(self._seed, self._count + int(plain(delta)))

    def _next(self) -> np.random.Generator:
        seed, count = self._seed, self._count
        rng = np.random.Generator(np.random.Philox(key=[seed & 0xFFFFFFFFFFFFFFFF, count]))
        self._set(seed, count + 1)
        return rng

    def normal(self, shape, mean=0.0, stddev=1.0, dtype=np.float32, name=None) -> Tensor:
        """Normal samples N(mean, stddev^2), advancing the stream."""
        return _out(float(plain(mean)) + float(plain(stddev)) *
                    self._next().standard_normal(_shape(shape)), dtype)

    def uniform(self, shape, minval=0, maxval=None, dtype=np.float32, name=None) -> Tensor:
        """Uniform samples in [minval, maxval), advancing the stream."""
        return _uniform(self._next(), _shape(shape), minval, maxval, dtype)

    def uniform_full_int(self, shape, dtype=np.uint64, name=None) -> Tensor:
        """Integers over the whole range of ``dtype``."""
        info = np.iinfo(np.dtype(dtype))
        return _out(self._next().integers(info.min, info.max, _shape(shape), dtype=np.dtype(
            dtype), endpoint=True), dtype)

    def truncated_normal(self, shape, mean=0.0, stddev=1.0, dtype=np.float32,
                         name=None) -> Tensor:
        """Normal samples within two standard deviations, advancing the stream."""
        return _out(float(plain(mean)) + float(plain(stddev)) *
                    _truncated(self._next(), _shape(shape)), dtype)

    def binomial(self, shape, counts, probs, dtype=np.int32, name=None) -> Tensor:
        """Binomial samples, advancing the stream."""
        return _out(self._next().binomial(array(counts).astype(np.int64), array(probs),
                                          _shape(shape)), dtype)

    def make_seeds(self, count=1) -> Tensor:
        """``count`` seed pairs for the stateless functions: shape (2, count), int64."""
        return _out(self._next().integers(0, 2 ** 62, (2, int(count))), np.int64)

    def split(self, count=1) -> list:
        """``count`` new independent Generators, advancing this one."""
        seeds = self._next().integers(0, 2 ** 62, int(count))
        return [Generator(state=[int(s), 0]) for s in seeds]


_global = {"generator": None}


def get_global_generator() -> Generator:
    """The process's global Generator (seeded from the OS's entropy when first asked for).

    Example:
        >>> isinstance(numnet.random.get_global_generator(), numnet.random.Generator)
        True
    """
    if _global["generator"] is None:
        _global["generator"] = Generator.from_non_deterministic_state()
    return _global["generator"]


def set_global_generator(generator) -> None:
    """Make ``generator`` the global Generator.

    Args:
        generator: a Generator.

    Example:
        >>> numnet.random.set_global_generator(numnet.random.Generator.from_seed(3))
    """
    if not isinstance(generator, Generator):
        raise TypeError(f"set_global_generator(generator): expected a tf.random.Generator, "
                        f"given {type(generator).__name__}.")
    _global["generator"] = generator


def _namespace_experimental():
    from .base import namespace

    return namespace("numnet.random.experimental", "tf.random.experimental.",
                     stateless_split=split, stateless_fold_in=fold_in, Generator=Generator,
                     get_global_generator=get_global_generator,
                     set_global_generator=set_global_generator, create_rng_state=create_rng_state)


RANDOM = {
    "Algorithm": Algorithm, "Generator": Generator, "create_rng_state": create_rng_state,
    "fold_in": fold_in, "get_global_generator": get_global_generator, "poisson": poisson,
    "set_global_generator": set_global_generator, "split": split,
    "stateless_binomial": stateless_binomial, "stateless_categorical": stateless_categorical,
    "stateless_gamma": stateless_gamma, "stateless_normal": stateless_normal,
    "stateless_poisson": stateless_poisson,
    "stateless_truncated_normal": stateless_truncated_normal,
    "stateless_uniform": stateless_uniform, "experimental": _namespace_experimental(),
}
"""The functions that join ``tf.random`` (numnet.random)."""
