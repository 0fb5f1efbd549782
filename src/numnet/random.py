"""Keras 3's ``keras.random``: random tensors drawn reproducibly from a seed.

``seed`` is, in every function, one of:

- None: numnet's generator (``numnet.utils.set_random_seed`` makes a run repeat);
- an int: the same numbers every call with that int (a stateless draw);
- a :class:`SeedGenerator`: new numbers each call, the same sequence from the same seed.

>>> a = numnet.random.normal((2,), seed=1)
>>> b = numnet.random.normal((2,), seed=1)
>>> bool(numnet.ops.all(a == b))
True
"""

from __future__ import annotations

import numbers

import numpy

from . import backend
from .autodiff import ops as _ops
from .autodiff.tensor import Tensor, Variable


class SeedGenerator:
    """A seed that moves on at each draw, so a layer's random ops differ from call to call while
    the whole sequence is fixed by ``seed``.

    Args:
        seed: an int, or None for one drawn from numnet's generator.
        name: accepted for Keras's signature.

    >>> generator = numnet.random.SeedGenerator(42)
    >>> first = numnet.random.uniform((3,), seed=generator)
    >>> second = numnet.random.uniform((3,), seed=generator)  # different from first
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs):
        if seed is None:
            seed = int(backend.rng().integers(2**31))
        if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
            raise ValueError(f"SeedGenerator(seed): expected a non-negative int or None, given "
                             f"{seed!r}.")
        self.seed = int(seed)
        self.name = name or "seed_generator"
        # Keras's state: (seed, draws so far), a uint32 Variable that layers list in their
        # ``variables`` (not in ``weights``), so saving and restoring it resumes the sequence
        self.state = Variable(numpy.array([self.seed, 0], dtype=numpy.uint32),
                              trainable=False, name=f"{self.name}_state")

    @property
    def count(self) -> int:
        """How many draws came before."""
        return int(numpy.asarray(backend.to_numpy(self.state.value))[1])

    def next(self) -> numpy.random.Generator:
        """A generator for the next draw: seeded by the state (seed, how many draws came
        before), which moves on by one draw."""
        seed, count = (int(v) for v in numpy.asarray(backend.to_numpy(self.state.value)))
        self.state.value[1] += 1
        return numpy.random.default_rng((seed, count))

    def get_config(self) -> dict:
        return {"seed": self.seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator seed={self.seed}, draws={self.count}>"


def _generator(seed) -> numpy.random.Generator:
    if seed is None:
        return backend.rng()
    if isinstance(seed, SeedGenerator):
        return seed.next()
    if isinstance(seed, numbers.Integral) and not isinstance(seed, bool) and seed >= 0:
        return numpy.random.default_rng(int(seed))
    raise ValueError(f"seed: expected None, a non-negative int or a numnet.random.SeedGenerator, "
                     f"given {seed!r}.")


def _float_dtype(dtype):
    dtype = numpy.dtype(dtype or backend.floatx())
    if not backend.is_float_dtype(dtype):
        raise ValueError(f"dtype: expected a float type such as 'float32', given {dtype}; "
                         "randint draws integers.")
    return dtype


def _tensor(values, dtype) -> Tensor:
    return Tensor(backend.to_device(numpy.asarray(values).astype(dtype, copy=False)))


def _shape(shape) -> tuple:
    return (int(shape),) if isinstance(shape, numbers.Integral) else tuple(int(n) for n in shape)


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None) -> Tensor:
    """Draws from the normal distribution N(mean, stddev^2), a tensor of ``shape``.

    Args:
        shape: the output's shape.
        mean, stddev: of the distribution. Default to 0.0 and 1.0.
        dtype: a float type. Defaults to floatx ("float32").
        seed: None, an int or a SeedGenerator (see the module).
    """
    draw = _generator(seed).normal(mean, stddev, _shape(shape))
    return _tensor(draw, _float_dtype(dtype))


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None, name=None) -> Tensor:
    """Draws from the uniform distribution on [minval, maxval) (defaults 0.0 and 1.0). An
    integer ``dtype`` draws integers in [minval, maxval), as ``tf.random.uniform`` does."""
    if dtype is not None and numpy.dtype(getattr(dtype, "name", dtype)).kind in "iu":
        return randint(shape, int(minval), int(maxval), dtype=dtype, seed=seed)
    draw = _generator(seed).uniform(minval, maxval, _shape(shape))
    return _tensor(draw, _float_dtype(dtype))


def set_seed(seed: int) -> None:
    """Seed every random draw of numnet (weights, dropout, shuffles and these functions
    without a seed), so that a program repeats exactly: ``tf.random.set_seed(42)``."""
    backend.set_random_seed(int(seed))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None, name=None) -> Tensor:
    """Draws from N(mean, stddev^2) with those beyond two standard deviations drawn again, so
    every value lies in [mean - 2 stddev, mean + 2 stddev]."""
    rng, shape = _generator(seed), _shape(shape)
    draw = rng.standard_normal(shape)
    outside = numpy.abs(draw) > 2
    while outside.any():
        draw[outside] = rng.standard_normal(int(outside.sum()))
        outside = numpy.abs(draw) > 2
    return _tensor(mean + stddev * draw, _float_dtype(dtype))


def randint(shape, minval, maxval, dtype="int32", seed=None) -> Tensor:
    """Integers drawn uniformly from [minval, maxval), of ``dtype`` (default int32).

    >>> numnet.random.randint((4,), 0, 10, seed=0).dtype
    dtype('int32')
    """
    if maxval <= minval:
        raise ValueError(f"randint(minval, maxval): expected minval < maxval, given "
                         f"{minval} and {maxval}.")
    draw = _generator(seed).integers(minval, maxval, _shape(shape))
    return _tensor(draw, numpy.dtype(dtype))


def categorical(logits, num_samples, dtype="int32", seed=None, name=None) -> Tensor:
    """For each row of ``logits`` (batch, classes), ``num_samples`` class indices drawn with
    probabilities softmax(logits): a tensor (batch, num_samples) of ``dtype``."""
    z = backend.to_numpy(getattr(logits, "value", logits)).astype(numpy.float64)
    if z.ndim != 2:
        raise ValueError(f"categorical(logits): expected a 2-D array (batch, classes), given "
                         f"shape {z.shape}.")
    p = numpy.exp(z - z.max(axis=1, keepdims=True))
    cumulative = numpy.cumsum(p / p.sum(axis=1, keepdims=True), axis=1)
    u = _generator(seed).random((z.shape[0], num_samples))
    picks = (u[:, :, None] >= cumulative[:, None, :-1]).sum(axis=2)
    return _tensor(picks, numpy.dtype(dtype))


def dropout(inputs, rate, noise_shape=None, seed=None) -> Tensor:
    """``inputs`` with each entry set to 0 with probability ``rate`` and the rest scaled by
    1 / (1 - rate), so the expected value is unchanged; differentiable (d inputs = the same
    mask and scale). ``noise_shape`` broadcasts one draw (e.g. (batch, 1, features))."""
    if not 0 <= rate < 1:
        raise ValueError(f"dropout(rate): expected a number in [0, 1), given {rate!r}.")
    x = _ops.as_tensor(inputs)
    shape = x.shape if noise_shape is None else tuple(
        n if k is None else k for n, k in zip(x.shape, noise_shape, strict=True))
    keep = _generator(seed).random(shape) >= rate
    scale = backend.to_device((keep / (1 - rate)).astype(x.dtype))
    return _ops.multiply(x, Tensor(scale))


def shuffle(x, axis=0, seed=None, name=None) -> Tensor:
    """``x`` with its slices along ``axis`` in a random order (the gradient follows them)."""
    x = _ops.as_tensor(x)
    order = backend.to_device(_generator(seed).permutation(x.shape[axis]))
    return _ops.regather(x, lambda v: backend.xp.take(v, order, axis))


def _is_dtype_name(value) -> bool:
    """Whether ``value`` names a dtype ('float32', np.float32, a dtype object) rather than
    being a number or an array of numbers."""
    if value is None or isinstance(value, (str, type, numpy.dtype)):
        return True
    return hasattr(value, "as_numpy_dtype") or (
        not isinstance(value, (numbers.Number, list, tuple, numpy.ndarray, Tensor))
        and hasattr(value, "name") and not getattr(value, "_symbolic", False))


def gamma(shape, alpha, dtype=None, seed=None, beta=None, name=None) -> Tensor:
    """Draws from the gamma distribution of concentration ``alpha`` and rate ``beta``
    (mean alpha / beta), as ``keras.random.gamma`` and ``tf.random.gamma``.

    Args:
        shape: the number of draws for each (alpha, beta) pair: an int or a tuple.
        alpha: the concentration, > 0: a number or an array of them.
        dtype: a float dtype; defaults to floatx (float32).
        seed: None, an int or a :class:`SeedGenerator` (see the module).
        beta: the rate (inverse scale), > 0, a number or an array broadcasting with
            ``alpha``; defaults to 1 (``tf.random.gamma``'s argument; given third, where
            TensorFlow's signature puts it, a number or an array is taken as ``beta``).
        name: accepted for TensorFlow's signature.

    Returns:
        A float tensor of shape ``shape + broadcast(alpha.shape, beta.shape)``: for a scalar
        ``alpha`` and ``beta`` that is ``shape`` (Keras's documented use); for arrays, one
        set of ``shape`` draws per pair, as TensorFlow (and Keras on TensorFlow) do, so
        ``gamma([1], alpha=[0.25])`` has shape (1, 1). Keras on JAX broadcasts an array
        ``alpha`` against ``shape`` instead.

    Raises:
        ValueError: a dtype that is not a float type.

    >>> numnet.random.gamma((2,), alpha=[[1.0], [3.0]], seed=0).shape
    (2, 2, 1)
    """
    if not _is_dtype_name(dtype):
        dtype, beta = None, dtype
    alpha = numpy.asarray(backend.to_numpy(_ops.as_tensor(alpha).value), numpy.float64)
    rate = numpy.asarray(1.0 if beta is None else backend.to_numpy(_ops.as_tensor(beta).value),
                         numpy.float64)
    pairs = numpy.broadcast_shapes(alpha.shape, rate.shape)
    out_shape = _shape(shape) + pairs
    draw = _generator(seed).gamma(numpy.broadcast_to(alpha, out_shape), 1.0, out_shape)
    return _tensor(draw / rate, _float_dtype(dtype))


def beta(shape, alpha, beta, dtype=None, seed=None) -> Tensor:
    """Draws from the beta distribution Beta(alpha, beta), in [0, 1]."""
    draw = _generator(seed).beta(alpha, beta, _shape(shape))
    return _tensor(draw, _float_dtype(dtype))


def binomial(shape, counts, probabilities, dtype=None, seed=None) -> Tensor:
    """The number of successes in ``counts`` trials of success probability ``probabilities``
    (floatx unless ``dtype``, as Keras)."""
    draw = _generator(seed).binomial(counts, probabilities, _shape(shape))
    return _tensor(draw, numpy.dtype(dtype or backend.floatx()))


__all__ = ["SeedGenerator", "beta", "binomial", "categorical", "dropout", "gamma", "normal",
           "set_seed",
           "randint", "shuffle", "truncated_normal", "uniform"]
