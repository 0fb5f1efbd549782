"""Weight initializers, by name or as objects, seeded or drawing from numnet's generator.

Keras 3's definitions: the variance-scaling family draws with standard deviation
sqrt(scale / n), n = fan_in, fan_out or their mean; "uniform" draws in [-limit, limit] with
limit = sqrt(3 scale / n); "truncated_normal" redraws values beyond two standard deviations.
"""

from __future__ import annotations

import math

import numpy as np

from . import backend
from ._config import Configurable
from .naming import close_matches as _close_matches
from .registry import get_registered_name, get_registered_object


def compute_fans(shape, input_axes=None, output_axes=None) -> tuple[float, float]:
    """(fan_in, fan_out): rows and columns of a matrix; times the receptive field for kernels.

    Args:
        shape: a weight's shape: (fan_in, fan_out) for a matrix, (..., in, out) for a kernel.
        input_axes: with ``output_axes``, the axes whose sizes multiply to fan_in (as Keras's,
            for weights such as EinsumDense's). Defaults to None.
        output_axes: the axes whose sizes multiply to fan_out. Defaults to None.

    Returns:
        (fan_in, fan_out) as floats: the last two axes, each times the receptive field (the
        product of the other axes).

    Example:
        >>> numnet.initializers.compute_fans((3, 3, 16, 32))
        (144.0, 288.0)
    """
    shape = tuple(shape)
    if input_axes is not None and output_axes is not None:
        return (float(math.prod(shape[a] for a in input_axes)),
                float(math.prod(shape[a] for a in output_axes)))
    if len(shape) == 0:
        return 1.0, 1.0
    if len(shape) == 1:
        return float(shape[0]), float(shape[0])
    if len(shape) == 2:
        return float(shape[0]), float(shape[1])
    receptive = math.prod(shape[:-2])
    return float(shape[-2] * receptive), float(shape[-1] * receptive)


class Initializer(Configurable):
    """Base class of the initializers: ``init(shape, dtype=None)`` returns the first values.

    Subclass it and override ``generate(self, shape, rng)`` to return a NumPy array of
    ``shape`` drawn from the NumPy Generator ``rng``; ``__call__`` casts it to ``dtype``
    (floatx by default) on the device in use.

    Args:
        seed: an int for the same values at every call, or None (the default) to draw from numnet's
            generator (``numnet.utils.set_random_seed`` makes those repeatable).

    Example:
        >>> class Halves(numnet.initializers.Initializer):
        ...     def generate(self, shape, rng):
        ...         return np.full(shape, 0.5)
        >>> Halves()((2,)).tolist()
        [0.5, 0.5]
    """

    def __init__(self, seed: int | None = None):
        self.seed = seed

    def _generator(self) -> np.random.Generator:
        return backend.rng() if self.seed is None else np.random.default_rng(self.seed)

    def __call__(self, shape, dtype=None):
        dtype = dtype or backend.floatx()
        values = np.asarray(self.generate(tuple(shape), self._generator()), order="C")
        return backend.to_device(values, dtype=dtype)  # (in C order, as every weight)

    def generate(self, shape, rng: np.random.Generator) -> np.ndarray:
        raise NotImplementedError

    def get_config(self) -> dict:
        return {"seed": self.seed}


def _truncated_normal(rng, shape, mean, stddev):
    values = rng.standard_normal(shape)
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(values) > 2
    return mean + stddev * values


class Zeros(Initializer):
    """Fills the weight with 0. Takes no arguments.

    Args:

    Example:
        >>> numnet.initializers.Zeros()((2, 2)).tolist()
        [[0.0, 0.0], [0.0, 0.0]]
    """

    def __init__(self):
        super().__init__(None)

    def generate(self, shape, rng):
        return np.zeros(shape)

    def get_config(self):
        return {}


class Ones(Zeros):
    """Fills the weight with 1. Takes no arguments.

    Example:
        >>> numnet.initializers.Ones()((2,)).tolist()
        [1.0, 1.0]
    """
    def generate(self, shape, rng):
        return np.ones(shape)


class Constant(Initializer):
    """Fills the weight with one value.

    Args:
        value: the value of every element. Defaults to ``0.0``.

    Example:
        >>> numnet.initializers.Constant(0.5)((2,)).tolist()
        [0.5, 0.5]
    """

    def __init__(self, value: float = 0.0):
        super().__init__(None)
        self.value = value

    def generate(self, shape, rng):
        return np.full(shape, self.value, dtype=np.float64)

    def get_config(self):
        return {"value": self.value}


class RandomNormal(Initializer):
    """Draws each element from a normal distribution N(mean, stddev²).

    Args:
        mean: the mean of the normal distribution. Defaults to ``0.0``.
        stddev: its standard deviation. Defaults to ``0.05``.
        seed: an int for the same values at every call, or None (the default) to draw from numnet's
            generator (``numnet.utils.set_random_seed`` makes those repeatable).

    Example:
        >>> w = numnet.initializers.RandomNormal(stddev=0.01, seed=1)((1000,))
        >>> round(float(w.std()), 2)
        0.01
    """

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.mean, self.stddev = mean, stddev

    def generate(self, shape, rng):
        return rng.normal(self.mean, self.stddev, shape)

    def get_config(self):
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Draws from N(mean, stddev²), redrawing values more than two deviations from the mean.

    Args:
        mean: the mean. Defaults to ``0.0``.
        stddev: the standard deviation before truncation. Defaults to ``0.05``.
        seed: an int for the same values at every call, or None (the default) to draw from
            numnet's generator.

    Example:
        >>> w = numnet.initializers.TruncatedNormal(stddev=1.0, seed=0)((1000,))
        >>> bool(abs(w).max() <= 2.0)
        True
    """
    def generate(self, shape, rng):
        return _truncated_normal(rng, shape, self.mean, self.stddev)


class RandomUniform(Initializer):
    """Draws each element uniformly from [minval, maxval].

    Args:
        minval: the lower bound. Defaults to ``-0.05``.
        maxval: the upper bound. Defaults to ``0.05``.
        seed: an int for the same values at every call, or None (the default) to draw from numnet's
            generator (``numnet.utils.set_random_seed`` makes those repeatable).

    Example:
        >>> w = numnet.initializers.RandomUniform(-1.0, 1.0, seed=0)((1000,))
        >>> bool(w.min() >= -1.0 and w.max() <= 1.0)
        True
    """

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        super().__init__(seed)
        self.minval, self.maxval = minval, maxval

    def generate(self, shape, rng):
        return rng.uniform(self.minval, self.maxval, shape)

    def get_config(self):
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class VarianceScaling(Initializer):
    """std = sqrt(scale / n); n from ``mode``: fan_in, fan_out or fan_avg.

    Args:
        scale: the variance numerator: variance = scale / n. Defaults to ``1.0``.
        mode: n is 'fan_in' (inputs), 'fan_out' (outputs) or 'fan_avg' (their mean). Defaults to
            ``'fan_in'``.
        distribution: 'truncated_normal' (redrawn beyond two deviations, rescaled to keep the
            variance), 'untruncated_normal' or 'uniform' (in [-limit, limit], limit = sqrt(3 scale /
            n)). Defaults to ``'truncated_normal'``.
        seed: an int for the same values at every call, or None (the default) to draw from numnet's
            generator (``numnet.utils.set_random_seed`` makes those repeatable).
        input_axes: a list of axes whose sizes multiply to fan_in, with ``output_axes`` (the
            rule of ``compute_fans`` otherwise). Defaults to None.
        output_axes: a list of axes whose sizes multiply to fan_out. Defaults to None.

    Raises:
        ValueError: for an unknown ``mode`` or ``distribution`` ("normal" means
            "truncated_normal", and case does not matter, as Keras).

    Example:
        >>> init = numnet.initializers.VarianceScaling(2.0, mode='fan_in', distribution='uniform')
        >>> w = init((100, 10))              # limit sqrt(6 / 100) = 0.245
        >>> bool(abs(w).max() <= 0.245)
        True
    """

    def __init__(
        self,
        scale: float = 1.0,
        mode: str = "fan_in",
        distribution: str = "truncated_normal",
        seed: int | None = None,
        input_axes=None,
        output_axes=None,
    ):
        super().__init__(seed)
        distribution = distribution.lower() if isinstance(distribution, str) else distribution
        distribution = "truncated_normal" if distribution == "normal" else distribution
        if mode not in ("fan_in", "fan_out", "fan_avg"):
            raise ValueError(
                f"VarianceScaling(mode): expected 'fan_in', 'fan_out' or 'fan_avg', given {mode!r}."
            )
        if distribution not in ("truncated_normal", "untruncated_normal", "uniform"):
            raise ValueError(
                "VarianceScaling(distribution): expected 'truncated_normal', "
                f"'untruncated_normal' or 'uniform', given {distribution!r}."
            )
        self.scale, self.mode, self.distribution = scale, mode, distribution
        self.input_axes, self.output_axes = input_axes, output_axes

    def _axes_config(self) -> dict:
        """Keras's input_axes / output_axes, written when set (older files have neither)."""
        if self.input_axes is None and self.output_axes is None:
            return {}
        return {"input_axes": self.input_axes, "output_axes": self.output_axes}

    def generate(self, shape, rng):
        fan_in, fan_out = compute_fans(shape, self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode]
        variance = self.scale / max(1.0, n)
        if self.distribution == "uniform":
            limit = math.sqrt(3 * variance)
            return rng.uniform(-limit, limit, shape)
        if self.distribution == "untruncated_normal":
            return rng.normal(0.0, math.sqrt(variance), shape)
        # 0.8796... is the standard deviation of a unit normal truncated to [-2, 2].
        return _truncated_normal(rng, shape, 0.0, math.sqrt(variance) / 0.87962566103423978)

    def get_config(self):
        return {
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "seed": self.seed,
            **self._axes_config(),
        }


def _preset(name, scale, mode, distribution):
    class Preset(VarianceScaling):
        def __init__(self, seed: int | None = None, input_axes=None, output_axes=None):
            super().__init__(scale, mode, distribution, seed, input_axes, output_axes)

        def get_config(self):
            return {"seed": self.seed, **self._axes_config()}

    Preset.__name__ = Preset.__qualname__ = name
    n = {"fan_in": "fan_in", "fan_avg": "(fan_in + fan_out) / 2"}[mode]
    law = (f"uniform in [-limit, limit], limit = sqrt({3 * scale:g} / n)"
           if distribution == "uniform" else
           f"a normal of standard deviation sqrt({scale:g} / n) truncated at two deviations")
    Preset.__doc__ = (
        f"Draws from {law}, n = {n}.\n\n"
        f"VarianceScaling(scale={scale}, mode={mode!r}, distribution={distribution!r}).\n\n"
        "Args:\n"
        "    seed: an int for the same values at every call, or None (the default) to draw from "
        "numnet's generator.\n"
        "    input_axes: with output_axes, the axes whose sizes multiply to fan_in (see "
        "compute_fans). Defaults to None.\n"
        "    output_axes: the axes whose sizes multiply to fan_out. Defaults to None.\n\n"
        "Example:\n"
        f"    >>> w = numnet.initializers.{name}(seed=0)((784, 32))\n"
        "    >>> w.shape, str(w.dtype)\n"
        "    ((784, 32), 'float32')\n")
    return Preset


GlorotUniform = _preset("GlorotUniform", 1.0, "fan_avg", "uniform")
GlorotNormal = _preset("GlorotNormal", 1.0, "fan_avg", "truncated_normal")
HeNormal = _preset("HeNormal", 2.0, "fan_in", "truncated_normal")
HeUniform = _preset("HeUniform", 2.0, "fan_in", "uniform")
LecunNormal = _preset("LecunNormal", 1.0, "fan_in", "truncated_normal")
LecunUniform = _preset("LecunUniform", 1.0, "fan_in", "uniform")


class Orthogonal(Initializer):
    """Draws a random orthogonal matrix (the Q of a QR decomposition), times ``gain``.

    Args:
        gain: the factor the orthogonal matrix is multiplied by. Defaults to ``1.0``.
        seed: an int for the same values at every call, or None (the default) to draw from numnet's
            generator (``numnet.utils.set_random_seed`` makes those repeatable).

    Example:
        >>> q = numnet.initializers.Orthogonal(seed=0)((3, 3))
        >>> np.allclose(q.T @ q, np.eye(3), atol=1e-5)
        True
    """

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        super().__init__(seed)
        self.gain = gain

    def generate(self, shape, rng):
        rows = math.prod(shape[:-1]) if len(shape) > 1 else 1
        cols = shape[-1]
        a = rng.standard_normal((max(rows, cols), min(rows, cols)))
        q, r = np.linalg.qr(a)
        q *= np.sign(np.diag(r))
        if rows < cols:
            q = q.T
        return self.gain * q.reshape(shape)

    def get_config(self):
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """The identity matrix (ones on the diagonal of a 2D weight) times ``gain``.

    Args:
        gain: the factor of the identity. Defaults to ``1.0``.

    Example:
        >>> numnet.initializers.Identity()((2, 2)).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
    """

    def __init__(self, gain: float = 1.0):
        super().__init__(None)
        self.gain = gain

    def generate(self, shape, rng):
        return self.gain * np.eye(*shape)

    def get_config(self):
        return {"gain": self.gain}


def _window(name: str, length: int, periodic: bool) -> np.ndarray:
    """A window by name, as ``scipy.signal.get_window(name, length, fftbins=periodic)``:
    hann, hamming and boxcar here; any other name through SciPy."""
    n = length if periodic else length - 1
    k = np.arange(length)
    if name in ("hann", "hanning"):
        return 0.5 - 0.5 * np.cos(2 * np.pi * k / n) if n else np.ones(length)
    if name == "hamming":
        return 0.54 - 0.46 * np.cos(2 * np.pi * k / n) if n else np.ones(length)
    if name in ("boxcar", "rect", "rectangular", "ones"):
        return np.ones(length)
    try:
        import scipy.signal
    except ImportError:
        raise ValueError(f"STFT(window): {name!r} needs SciPy (pip install scipy); 'hann', "
                         "'hamming' and 'boxcar' work without it.") from None
    return scipy.signal.get_window(name, length, periodic)


class STFT(Initializer):
    """The kernels of a short-time Fourier transform as a convolution: for a weight of shape
    ``(frame_length, channels, fft_bins)``, entry (t, ·, f) is cos(−2π t f / n) (``side="real"``)
    or sin(−2π t f / n) (``"imag"``), n = 2 (fft_bins − 1), times the window at t and divided
    by the window's scale. As Keras's ``STFT`` (the STFTSpectrogram layer's kernels).

    Args:
        side: "real" or "imag". Defaults to ``"real"``.
        window: a window name ("hann", "hamming", "boxcar"; others through SciPy), an array of
            ``frame_length`` values, or None (no window). Defaults to ``"hann"``.
        scaling: "density" (divide by sqrt(Σ window²)), "spectrum" (by Σ |window|) or None.
            Defaults to ``"density"``.
        periodic: a periodic window (for spectral analysis) rather than a symmetric one.
            Defaults to ``False``.

    Raises:
        ValueError: for another side or scaling, or a window of another length.

    Example:
        >>> kernel = numnet.initializers.STFT(window=None)((4, 1, 3))
        >>> kernel[:, 0, 1].round(4).tolist()    # cos(-2 pi t / 4)
        [1.0, 0.0, -1.0, -0.0]
    """

    def __init__(self, side: str = "real", window="hann", scaling="density",
                 periodic: bool = False):
        super().__init__(None)
        if side not in ("real", "imag"):
            raise ValueError(f"STFT(side): expected 'real' or 'imag', given {side!r}.")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(f"STFT(scaling): expected 'density', 'spectrum' or None, given "
                             f"{scaling!r}.")
        if isinstance(window, str):
            _window(window, 1, bool(periodic))  # an unknown name raises here, as in Keras
        self.side, self.window, self.scaling = side, window, scaling
        self.periodic = bool(periodic)

    def generate(self, shape, rng):
        if len(shape) != 3:
            raise ValueError(f"STFT: expected a shape (frame_length, channels, fft_bins), given "
                             f"{shape}.")
        frame_length, _, bins = shape
        time = np.arange(frame_length, dtype="float64").reshape(-1, 1, 1)
        freq = np.arange(bins, dtype="float64").reshape(1, 1, -1) / ((bins - 1) * 2)
        angle = -2 * np.pi * time * freq
        kernel = np.cos(angle) if self.side == "real" else np.sin(angle)
        if self.window is not None:
            win = self.window
            win = (_window(win, frame_length, self.periodic) if isinstance(win, str)
                   else np.asarray(win, dtype="float64"))
            if win.shape != (frame_length,):
                raise ValueError(f"STFT(window): expected {frame_length} values (the frame "
                                 f"length), given shape {win.shape}.")
            scale = {"density": np.sqrt(np.sum(win**2)), "spectrum": np.sum(np.abs(win)),
                     None: 1.0}[self.scaling]
            kernel = kernel * win.reshape(-1, 1, 1) / scale
        return np.array(np.broadcast_to(kernel, shape))  # (writable)

    def get_config(self):
        window = self.window if self.window is None or isinstance(self.window, str) else \
            np.asarray(self.window).tolist()
        return {"side": self.side, "window": window, "periodic": self.periodic,
                "scaling": self.scaling}


_CLASSES = {
    "zeros": Zeros,
    "ones": Ones,
    "constant": Constant,
    "random_normal": RandomNormal,
    "random_uniform": RandomUniform,
    "truncated_normal": TruncatedNormal,
    "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform,
    "glorot_normal": GlorotNormal,
    "he_normal": HeNormal,
    "he_uniform": HeUniform,
    "lecun_normal": LecunNormal,
    "lecun_uniform": LecunUniform,
    "orthogonal": Orthogonal,
    "identity": Identity,
    "stft": STFT,
    # Keras's short names
    "uniform": RandomUniform, "normal": RandomNormal, "one": Ones, "zero": Zeros,
}
_BY_CLASS_NAME = {cls.__name__: cls for cls in _CLASSES.values()}
# Keras 3's class names of the same two (keras.initializers.OrthogonalInitializer, ...)
OrthogonalInitializer, IdentityInitializer, STFTInitializer = Orthogonal, Identity, STFT
_BY_CLASS_NAME.update(OrthogonalInitializer=Orthogonal, IdentityInitializer=Identity,
                      STFTInitializer=STFT)

# Keras's function-style aliases: initializers.glorot_uniform(seed=1)
zeros, ones, constant = Zeros, Ones, Constant
random_normal, random_uniform, truncated_normal = RandomNormal, RandomUniform, TruncatedNormal
variance_scaling, orthogonal, identity, stft = VarianceScaling, Orthogonal, Identity, STFT
glorot_uniform, glorot_normal = GlorotUniform, GlorotNormal
he_normal, he_uniform, lecun_normal, lecun_uniform = HeNormal, HeUniform, LecunNormal, LecunUniform


def get(identifier) -> Initializer:
    """An initializer from a name ('glorot_uniform'), a class name, a config dict or an object.

    Args:
        identifier: a name ('glorot_uniform', 'zeros'), a class name, a config dict, an Initializer
            class or object, a callable ``fn(shape, dtype)``, a tensor or NumPy array of the
            weight's values, or None.

    Returns:
        The Initializer (or the callable); for a tensor or array, a function
        ``initialize_fn(shape, dtype=None)`` that gives those values cast to ``dtype``
        (floatx when None) and raises ValueError for any other shape, as Keras's; None for
        None, as Keras: a layer given ``bias_initializer=None`` leaves the choice to
        ``add_weight``, which draws float weights from "glorot_uniform" and others from "zeros".

    Raises:
        ValueError: for an unknown name, with the closest names.
        TypeError: for anything else.

    Example:
        >>> import numpy as np
        >>> init = numnet.initializers.get(np.array([[1, 2], [3, 4]]))
        >>> init((2, 2)).tolist()
        [[1.0, 2.0], [3.0, 4.0]]
        >>> numnet.layers.Dense(2, kernel_initializer=np.eye(2)).build((None, 2))
    """
    if identifier is None:
        return None
    if isinstance(identifier, Initializer):
        return identifier
    if isinstance(identifier, str):
        cls = _CLASSES.get(identifier.lower()) or _BY_CLASS_NAME.get(identifier)
        if cls is None:
            close = _close_matches(identifier.lower(), list(_CLASSES), n=3)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(
                f"initializer: unknown name {identifier!r}; expected one of "
                f"{sorted(_CLASSES)}.{hint}"
            )
        return cls()
    if isinstance(identifier, dict) and identifier.get("class_name") == "function":
        fn = get_registered_object(str(identifier.get("config")))
        if fn is None:
            raise ValueError(
                f"initializer: the function {identifier.get('config')!r} is not registered; "
                "register it with @numnet.saving.register_keras_serializable() or pass it in a "
                "custom_object_scope({name: fn}).")
        return fn
    if isinstance(identifier, dict):
        name = identifier.get("class_name")
        cls = _BY_CLASS_NAME.get(name) or _CLASSES.get(str(name).lower())
        if cls is None:
            raise ValueError(f"initializer: unknown class_name {name!r} in {identifier!r}.")
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Initializer):
        return identifier()
    if isinstance(identifier, (np.ndarray, np.generic)) or (
            not callable(identifier) and hasattr(identifier, "shape")
            and hasattr(identifier, "dtype")):
        return _from_values(identifier)
    if callable(identifier):
        return identifier
    raise TypeError(
        f"initializer: expected a name, an Initializer or a callable, given {identifier!r}."
    )


def _from_values(values):
    """Keras's initializer from a tensor: these values, cast, for this shape only."""
    values = backend.to_numpy(values)

    def initialize_fn(shape, dtype=None):
        if tuple(shape) != values.shape:
            raise ValueError(
                f"initializer: the tensor given as initializer has shape {values.shape}; the "
                f"weight asks for shape {tuple(shape)}. Give an array of the weight's shape, "
                "or an initializer such as 'zeros' or Constant(value)."
            )
        return backend.to_device(values, dtype=dtype or backend.floatx())

    return initialize_fn


def deserialize(config, custom_objects=None) -> Initializer:
    """The initializer a ``serialize`` dict describes (or a name, as ``get``).

    Args:
        config: ``{"class_name": ..., "config": ...}`` or a name.
        custom_objects: ``{name: class}`` for initializers of your own. Defaults to ``None``.

    Example:
        >>> numnet.initializers.deserialize({"class_name": "Constant", "config": {"value": 2.0}})
        Constant(value=2.0)
    """
    if isinstance(config, dict) and custom_objects and config.get("class_name") in custom_objects:
        return custom_objects[config["class_name"]].from_config(config.get("config", {}))
    return get(config)


def serialize(initializer) -> dict:
    """Returns the config dict of an initializer.

    Args:
        initializer: an Initializer, a function ``fn(shape, dtype=None)``, or None.

    Returns:
        ``{"class_name": ..., "config": ...}``, which ``get`` turns back into the initializer;
        for a function, Keras's ``{"module": "builtins", "class_name": "function", "config":
        its name, "registered_name": "function"}`` (``get`` finds it again when it is registered
        or in a ``custom_object_scope``); None for None (Keras writes a layer's
        ``bias_initializer=None`` as null).
    """
    if initializer is None:
        return None
    if not isinstance(initializer, Initializer) and callable(initializer) \
            and not callable(getattr(initializer, "get_config", None)):
        name = get_registered_name(initializer) or getattr(initializer, "__name__", "function")
        return {"module": "builtins", "class_name": "function", "config": name,
                "registered_name": "function"}
    return {"class_name": type(initializer).__name__, "config": initializer.get_config()}


__all__ = [
    "Constant", "GlorotNormal", "GlorotUniform", "HeNormal", "HeUniform", "Identity",
    "IdentityInitializer", "Initializer", "LecunNormal", "LecunUniform", "Ones", "Orthogonal",
    "OrthogonalInitializer", "RandomNormal", "RandomUniform", "STFT", "STFTInitializer",
    "TruncatedNormal",
    "VarianceScaling", "Zeros", "compute_fans", "constant", "deserialize", "get",
    "glorot_normal", "glorot_uniform", "he_normal", "he_uniform", "identity", "lecun_normal",
    "lecun_uniform", "ones", "orthogonal", "random_normal", "random_uniform", "serialize",
    "stft", "truncated_normal", "variance_scaling", "zeros",
]
