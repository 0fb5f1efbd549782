"""Dropout, GaussianNoise, GaussianDropout, AlphaDropout (active in training only) and
ActivityRegularization."""

from __future__ import annotations

import math

from .. import backend, regularizers
from .. import random as _random
from ..autodiff import ops
from .base import Layer


def check_rate(rate, where: str) -> float:
    """A dropout rate: a number in [0, 1)."""
    if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 <= rate < 1:
        raise ValueError(f"{where}: expected a number in [0, 1) (the fraction of inputs to "
                         f"drop), given {rate!r}.")
    return float(rate)


class _Noise(Layer):
    """What the noise layers share: active in training only, their random numbers from ``seed``
    (numnet's generator when None), masks passed on. A seeded layer draws from a SeedGenerator,
    as Keras's: its state is among ``non_trainable_variables`` (``stateless_call`` takes it)."""

    supports_masking = True

    def __init__(self, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self._rng = None
        if seed is not None:
            self.seed_generator = _random.SeedGenerator(seed)

    def _generator(self):
        if self.seed is None:
            return backend.rng()
        seeds = self.__dict__.get("seed_generator")
        if seeds is not None:
            return seeds.next()
        if self._rng is None:
            import numpy

            self._rng = numpy.random.default_rng(self.seed)
        return self._rng

    def _noise_shape(self, inputs) -> tuple:
        """The input's shape, with the sizes ``noise_shape`` fixes (None keeps the input's)."""
        if getattr(self, "noise_shape", None) is None:
            return inputs.shape
        return tuple(s if n is None else n
                     for s, n in zip(inputs.shape, self.noise_shape, strict=False))

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


class Dropout(_Noise):
    """In training, zero each input with probability ``rate`` and scale the rest by 1 / (1 - rate).

    In inference the layer is the identity.

    Args:
        rate: the fraction of the inputs to drop, in [0, 1).
        noise_shape: the shape of the dropout mask, broadcast over the input (e.g. (batch, 1,
            features) drops the same features at every step), or None for the input's shape.
            Defaults to ``None``.
        seed: an int for repeatable noise, or None to draw from numnet's generator. Defaults to
            ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.

    Example:
        >>> layer = numnet.layers.Dropout(0.5, seed=0)
        >>> x = np.ones((1, 4), 'float32')
        >>> layer(x).numpy()               # inference: unchanged
        array([[1., 1., 1., 1.]], dtype=float32)
        >>> sorted(set(layer(x, training=True).numpy().ravel().tolist())) # kept values scaled by 2
        [0.0, 2.0]
    """

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs):
        super().__init__(seed, **kwargs)
        self.rate = check_rate(rate, "Dropout(rate)")
        self.noise_shape = noise_shape

    def call(self, inputs, training: bool = False):
        if not training or self.rate == 0:
            return inputs
        keep = 1.0 - self.rate
        draw = self._generator().random(self._noise_shape(inputs), dtype="float32")
        mask = backend.to_device(draw < keep).astype(inputs.dtype) / inputs.dtype.type(keep)
        return ops.multiply(inputs, mask)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape}


class GaussianNoise(_Noise):
    """In training, add zero-mean normal noise of standard deviation ``stddev`` to the input
    (a regularizer, as Keras's GaussianNoise); in inference the layer is the identity.

    Args:
        stddev: the standard deviation of the added noise.
        seed: an int for repeatable noise, or None to draw from numnet's generator. Defaults to
            ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.
    """

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        super().__init__(seed, **kwargs)
        if not isinstance(stddev, (int, float)) or isinstance(stddev, bool) or stddev < 0:
            raise ValueError(f"GaussianNoise(stddev): expected a number >= 0, given {stddev!r}.")
        self.stddev = float(stddev)

    def call(self, inputs, training: bool = False):
        if not training or self.stddev == 0:
            return inputs
        noise = self._generator().standard_normal(inputs.shape, dtype="float32") * self.stddev
        return ops.add(inputs, backend.to_device(noise).astype(inputs.dtype))

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev}


class GaussianDropout(_Noise):
    """In training, multiply each input by normal noise of mean 1 and standard deviation
    sqrt(rate / (1 - rate)); in inference the layer is the identity.

    Args:
        rate: the drop probability p: the noise has mean 1 and standard deviation sqrt(p / (1 − p)).
        seed: an int for repeatable noise, or None to draw from numnet's generator. Defaults to
            ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.
    """

    def __init__(self, rate: float, seed: int | None = None, **kwargs):
        super().__init__(seed, **kwargs)
        self.rate = check_rate(rate, "GaussianDropout(rate)")

    def call(self, inputs, training: bool = False):
        if not training or self.rate == 0:
            return inputs
        stddev = math.sqrt(self.rate / (1 - self.rate))
        noise = self._generator().standard_normal(inputs.shape, dtype="float32") * stddev + 1
        return ops.multiply(inputs, backend.to_device(noise).astype(inputs.dtype))

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


class AlphaDropout(_Noise):
    """Dropout that keeps the mean and variance of its inputs (for selu networks).

    In training, each input is kept with probability 1 - rate, else set to
    alpha' = -selu_scale * selu_alpha, then y = a * x + b with
    a = ((1 - rate) (1 + rate alpha'^2))^(-1/2) and b = -a alpha' rate. In inference the layer is
    the identity. ``noise_shape`` as Dropout's.

    Args:
        rate: the fraction of the inputs to drop, in [0, 1).
        noise_shape: the shape of the dropout mask, broadcast over the input (e.g. (batch, 1,
            features) drops the same features at every step), or None for the input's shape.
            Defaults to ``None``.
        seed: an int for repeatable noise, or None to draw from numnet's generator. Defaults to
            ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.
    """

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs):
        super().__init__(seed, **kwargs)
        self.rate = check_rate(rate, "AlphaDropout(rate)")
        self.noise_shape = noise_shape

    def call(self, inputs, training: bool = False):
        if not training or self.rate == 0:
            return inputs
        alpha_p = -_SELU_ALPHA * _SELU_SCALE
        a = ((1 - self.rate) * (1 + self.rate * alpha_p**2)) ** -0.5
        b = -a * alpha_p * self.rate
        kept = self._generator().random(self._noise_shape(inputs), dtype="float32") >= self.rate
        kept = backend.to_device(kept).astype(inputs.dtype)
        # a * (x kept + alpha' (1 - kept)) + b, with the constant part added once
        return ops.add(ops.multiply(inputs, a * kept), a * alpha_p * (1 - kept) + b)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape}


class ActivityRegularization(Layer):
    """The identity, adding l1 * sum|y| + l2 * sum y^2 (divided by the batch size, as Keras 3)
    to the loss.

    Args:
        l1: the factor of the L1 penalty l1 · Σ|output| added to the loss. Defaults to ``0.0``.
        l2: the factor of the L2 penalty l2 · Σ output² added to the loss. Defaults to ``0.0``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``, and on a first layer
            ``input_shape`` (or ``input_dim``) and ``batch_size``.
    """

    supports_masking = True

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs):
        for name, value in (("l1", l1), ("l2", l2)):
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                raise ValueError(f"ActivityRegularization({name}): expected a number >= 0 (the "
                                 f"penalty's factor), given {value!r}.")
        super().__init__(activity_regularizer=regularizers.L1L2(l1=l1, l2=l2), **kwargs)
        self.l1, self.l2 = float(l1), float(l2)

    def get_config(self):
        config = super().get_config()
        config.pop("activity_regularizer", None)
        return {**config, "l1": self.l1, "l2": self.l2}
