"""The array module, the float type and the random state.

Everything numnet computes goes through ``backend.xp``: NumPy on the CPU, CuPy on a GPU. Layers,
losses, metrics and optimizers read ``backend.xp`` when they run, so switching device needs no
change in a model's code.
"""

from __future__ import annotations

import os
import random as _pyrandom

import numpy

xp = numpy
"""The array module in use: ``numpy`` or ``cupy``."""

_floatx = "float32"
_device = "cpu"
_rng = numpy.random.default_rng()

_FLOAT_TYPES = ("float16", "bfloat16", "float32", "float64")


def floatx() -> str:
    """The default float type of weights and data ("float32" unless set)."""
    return _floatx


def set_floatx(value: str) -> None:
    """Set the default float type: "float16", "float32" or "float64"."""
    global _floatx
    if value not in _FLOAT_TYPES:
        raise ValueError(
            f"set_floatx(value): expected one of {list(_FLOAT_TYPES)}, given {value!r}."
        )
    _floatx = value


def epsilon() -> float:
    """The fuzz factor used to clip probabilities (1e-7, as Keras)."""
    return 1e-7


def device() -> str:
    """The device arrays live on: "cpu" or "gpu"."""
    return _device


def set_device(name: str) -> None:
    """Compute on "cpu" (NumPy) or "gpu" (CuPy). Build models after choosing the device."""
    global xp, _device
    name = str(name).lower()
    if name == "cpu":
        xp, _device = numpy, "cpu"
        return
    if name not in ("gpu", "cuda"):
        raise ValueError(f"set_device(name): expected 'cpu' or 'gpu', given {name!r}.")
    try:
        import cupy
    except ImportError as err:
        raise RuntimeError(
            "set_device('gpu') needs CuPy, which is not installed. "
            "Install it with: pip install 'numnet[gpu]'"
        ) from err
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as err:  # the CUDA runtime raises its own types
        raise RuntimeError(f"set_device('gpu'): CuPy found no usable GPU ({err}).") from err
    if count < 1:
        raise RuntimeError("set_device('gpu'): CuPy found no GPU on this machine.")
    xp, _device = cupy, "gpu"


def to_numpy(value):
    """A NumPy array for any array or Tensor (moves GPU data to the host)."""
    value = getattr(value, "value", value)
    if xp is not numpy and isinstance(value, xp.ndarray):
        return xp.asnumpy(value)
    return numpy.asarray(value)


def to_device(value, dtype=None):
    """An array of the current array module, with ``dtype`` if given."""
    if xp is numpy:
        return numpy.asarray(value, dtype=dtype)
    return xp.asarray(value, dtype=dtype)


def rng() -> numpy.random.Generator:
    """numnet's random generator: initializers, dropout masks and shuffling draw from it."""
    return _rng


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and numnet's random state, so that runs repeat exactly."""
    global _rng
    if not isinstance(seed, (int, numpy.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(
            f"set_random_seed(seed): expected a non-negative integer, given {seed!r}."
        )
    seed = int(seed)
    _pyrandom.seed(seed)
    numpy.random.seed(seed % 2**32)
    _rng = numpy.random.default_rng(seed)
    if xp is not numpy:
        xp.random.seed(seed % 2**32)


if os.environ.get("NUMNET_DEVICE", "cpu").lower() in ("gpu", "cuda"):
    set_device("gpu")
