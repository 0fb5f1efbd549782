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
_epsilon = 1e-7
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


def is_float_dtype(dtype) -> bool:
    """Whether ``dtype`` is a floating type: NumPy's, or ml_dtypes' bfloat16 (kind 'V')."""
    return dtype.kind == "f" or dtype.name == "bfloat16"


_image_data_format = "channels_last"


def image_data_format() -> str:
    """Where images keep their channels: "channels_last" (Keras's default, and the layout
    numnet's convolution and pooling layers compute in) unless set by
    ``numnet.config.set_image_data_format``."""
    return _image_data_format


def set_image_data_format(data_format: str) -> None:
    """Record "channels_last" or "channels_first" (``keras.config.set_image_data_format``).

    Raises:
        ValueError: any other value.
    """
    global _image_data_format
    if data_format not in ("channels_last", "channels_first"):
        raise ValueError(f"set_image_data_format(data_format): expected 'channels_last' or "
                         f"'channels_first', given {data_format!r}.")
    _image_data_format = data_format


def epsilon() -> float:
    """The fuzz factor of losses and metrics: probabilities are clipped to [epsilon, 1 - epsilon],
    divisions guarded by it (1e-7 unless set, as Keras)."""
    return _epsilon


def set_epsilon(value: float) -> None:
    """Set the fuzz factor that ``epsilon()`` returns (a small number > 0)."""
    global _epsilon
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 0.5:
        raise ValueError(f"set_epsilon(value): expected a small number in (0, 0.5), given "
                         f"{value!r}; Keras's default is 1e-7.")
    _epsilon = float(value)


# functions clear_session calls: modules with session-wide settings add their reset here
# (dtype_policies: the global dtype policy), so this module imports none of them
session_resets: list = []


def clear_session(free_memory: bool = True) -> None:
    """Forget the names given so far, as Keras does: the next Dense layer is 'dense' again;
    and forget the global dtype policy set by ``keras.config.set_dtype_policy`` /
    ``mixed_precision.set_global_policy``, as Keras's (new layers take floatx's policy again).

    Models and layers already made keep their names, weights and policies; ``floatx`` and
    ``epsilon`` stay as set (as in Keras).

    Args:
        free_memory: accepted as Keras's; numnet keeps nothing more to release. Defaults to
            ``True``.

    Example:
        >>> numnet.config.set_dtype_policy("mixed_float16")
        >>> numnet.backend.clear_session()
        >>> numnet.config.dtype_policy().name == numnet.config.floatx()
        True
    """
    from . import naming

    naming.reset()
    for reset in session_resets:
        reset()


def device() -> str:
    """The device arrays live on: "cpu" or "gpu"."""
    return _device


def set_device(name: str) -> None:
    """Compute on "cpu" (NumPy) or "gpu" (CuPy; "cuda" is accepted too). Defaults to "cpu", or
    to the environment variable ``NUMNET_DEVICE`` when it is set before numnet is imported.

    Choose the device before building models: weights and optimizer state are created on the
    device in use when they are built. ``Model.predict`` always returns NumPy arrays.
    Raises RuntimeError when CuPy is not installed (``pip install 'numnet[gpu]'``) or finds no
    GPU, leaving the device as it was.
    """
    global xp, _device
    key = str(name).strip().lower()
    if key == "cpu":
        xp, _device = numpy, "cpu"
        return
    if key not in ("gpu", "cuda"):
        raise ValueError(
            f"set_device(name): expected 'cpu' or 'gpu' (or 'cuda'), given {name!r}."
        )
    cupy = _import_cupy()
    xp, _device = cupy, "gpu"


def _import_cupy():
    """CuPy, once it is known to see at least one GPU; a RuntimeError naming the fix if not."""
    try:
        import cupy
    except ImportError as err:
        raise RuntimeError(
            "set_device('gpu') needs CuPy, which is not installed. "
            "Install it with: pip install 'numnet[gpu]' (CUDA 12), or use set_device('cpu')."
        ) from err
    try:
        count = int(cupy.cuda.runtime.getDeviceCount())
    except Exception as err:  # the CUDA runtime raises its own types
        raise RuntimeError(
            f"set_device('gpu'): CuPy found no usable GPU ({err}). Check the NVIDIA driver "
            "(nvidia-smi) and that CuPy matches its CUDA version, or use set_device('cpu')."
        ) from err
    if count < 1:
        raise RuntimeError(
            "set_device('gpu'): CuPy found no GPU on this machine; use set_device('cpu')."
        )
    return cupy


def gpu_available() -> bool:
    """Whether ``set_device('gpu')`` would succeed: CuPy is installed and sees a GPU."""
    try:
        _import_cupy()
    except RuntimeError:
        return False
    return True


def to_numpy(value):
    """A NumPy array for any array or Tensor (copies GPU data to the host)."""
    value = getattr(value, "value", value)
    if hasattr(value, "__cuda_array_interface__") and hasattr(value, "get"):
        return value.get()  # a CuPy array, whatever the device in use now
    return numpy.asarray(value)


def to_device(value, dtype=None):
    """An array of the current array module, with ``dtype`` if given: host data is copied to
    the GPU when the device is "gpu", GPU data to the host when it is "cpu"."""
    if xp is numpy:
        if hasattr(value, "__cuda_array_interface__") and hasattr(value, "get"):
            value = value.get()
        return numpy.asarray(value, dtype=dtype)
    if type(value) is xp.ndarray and (dtype is None or value.dtype == dtype):
        return value  # already there: asarray would cost a call into CuPy
    return xp.asarray(value, dtype=dtype)


def rng() -> numpy.random.Generator:
    """numnet's random generator: initializers, dropout masks and shuffling draw from it."""
    return _rng


def set_random_seed(seed: int) -> None:
    """Seed Python's, NumPy's and numnet's random state, so that runs repeat exactly.

    Args:
        seed: an int.

    Example:
        >>> numnet.utils.set_random_seed(0)   # the same weights and shuffles on every run
    """
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


def _device_from_environment() -> None:
    value = os.environ.get("NUMNET_DEVICE", "").strip()
    if not value:
        return
    try:
        set_device(value)
    except ValueError:
        raise ValueError(
            f"NUMNET_DEVICE: expected 'cpu' or 'gpu', given {value!r}. Set NUMNET_DEVICE=gpu "
            "or NUMNET_DEVICE=cpu, or unset it."
        ) from None


_device_from_environment()
