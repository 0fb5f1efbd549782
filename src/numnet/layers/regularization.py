"""Dropout and GaussianNoise: active in training only."""

from __future__ import annotations

from .. import backend
from ..autodiff import ops
from .base import Layer


class Dropout(Layer):
    """In training, zero each input with probability ``rate`` and scale the rest by 1 / (1 - rate).

    In inference the layer is the identity.
    """

    def __init__(self, rate: float, noise_shape=None, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(rate, (int, float)) or isinstance(rate, bool) or not 0 <= rate < 1:
            raise ValueError(f"Dropout(rate): expected a number in [0, 1), given {rate!r}.")
        self.rate = float(rate)
        self.noise_shape = noise_shape
        self.seed = seed
        self._rng = None

    def _generator(self):
        if self.seed is None:
            return backend.rng()
        if self._rng is None:
            import numpy

            self._rng = numpy.random.default_rng(self.seed)
        return self._rng

    def call(self, inputs, training: bool = False):
        if not training or self.rate == 0:
            return inputs
        shape = inputs.shape
        if self.noise_shape is not None:
            shape = tuple(s if n is None else n
                          for s, n in zip(shape, self.noise_shape, strict=False))
        keep = 1.0 - self.rate
        draw = self._generator().random(shape, dtype="float32")
        mask = backend.to_device(draw < keep).astype(inputs.dtype) / inputs.dtype.type(keep)
        return ops.multiply(inputs, mask)

    def get_config(self):
        return {**super().get_config(), "rate": self.rate, "noise_shape": self.noise_shape,
                "seed": self.seed}


class GaussianNoise(Layer):
    """In training, add zero-mean normal noise of standard deviation ``stddev`` to the input
    (a regularizer, as Keras's GaussianNoise); in inference the layer is the identity."""

    def __init__(self, stddev: float, seed: int | None = None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(stddev, (int, float)) or isinstance(stddev, bool) or stddev < 0:
            raise ValueError(f"GaussianNoise(stddev): expected a number >= 0, given {stddev!r}.")
        self.stddev = float(stddev)
        self.seed = seed
        self._rng = None

    _generator = Dropout._generator

    def call(self, inputs, training: bool = False):
        if not training or self.stddev == 0:
            return inputs
        noise = self._generator().standard_normal(inputs.shape, dtype="float32") * self.stddev
        return ops.add(inputs, backend.to_device(noise).astype(inputs.dtype))

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}
