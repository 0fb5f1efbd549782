"""Audio preprocessing layers of Keras 3: STFTSpectrogram (a strided convolution with
trainable Fourier kernels) and MelSpectrogram (a fixed mel-scaled power spectrogram in dB)."""

from __future__ import annotations

import math
import warnings

from .. import backend
from ..autodiff import ops
from ..autodiff.tensor import Tensor
from ..initializers import STFT, _window
from ..ops import numpy as np_ops
from ..ops.core import stft as _stft
from .base import Layer
from .input_spec import InputSpec

_MODES = ("log", "magnitude", "psd", "real", "imag", "angle", "stft")


def _float_input(layer: Layer, inputs) -> Tensor:
    x = inputs if isinstance(inputs, Tensor) else ops.as_tensor(inputs)
    if str(x.dtype) not in ("float16", "float32", "float64"):
        raise TypeError(f"Layer {layer.name!r}: expected float16, float32 or float64 input, "
                        f"given {x.dtype}; cast the signal first (e.g. x.astype('float32')).")
    return x


class STFTSpectrogram(Layer):
    """The short-time Fourier transform of each channel of a signal, as a 1-D convolution whose
    kernels (``real_kernel`` and ``imag_kernel``, each ``(frame_length, 1, fft_length // 2 +
    1)``) start as the windowed Fourier basis (``numnet.initializers.STFT``) and are trainable,
    as Keras. For frame m and bin k: real = sum_t x[m * step + t] w[t] cos(-2 pi t k / n) / s,
    imag likewise with sin, s the window's scale (``scaling``).

    Args:
        mode: what to return: ``'log'`` (log of the magnitude), ``'magnitude'``
            (sqrt(real² + imag²)), ``'psd'`` (the power, the bins other than the first and last
            doubled), ``'real'``, ``'imag'``, ``'angle'`` (arctan2(imag, real)) or ``'stft'``
            (real and imag bins side by side). Magnitudes are at least 1e-7 (the fuzz factor)
            before the log. Defaults to ``'log'``.
        frame_length: samples in each frame (the window's length). Defaults to ``256``.
        frame_step: samples between frames' starts, in [1, frame_length]; None for
            frame_length // 2. Defaults to ``None``.
        fft_length: the transform's length (>= frame_length); None for the next power of two
            of frame_length. Defaults to ``None``.
        window: a window name (``'hann'``, ``'hamming'``, ``'boxcar'``; others through SciPy),
            ``frame_length`` numbers, or None. Defaults to ``'hann'``.
        periodic: a periodic window rather than a symmetric one. Defaults to ``False``.
        scaling: ``'density'`` (divide by sqrt(sum w²)), ``'spectrum'`` (by sum |w|) or None.
            Defaults to ``'density'``.
        padding: ``'valid'`` or ``'same'`` (the convolution's). Defaults to ``'valid'``.
        expand_dims: keep the channels on an axis of their own instead of folding them into
            the frequency axis. Defaults to ``False``.
        data_format: ``'channels_last'`` (input ``(batch, time, channels)``) or
            ``'channels_first'`` (``(batch, channels, time)``); None for the configured image
            data format. Defaults to ``None``.
        **kwargs: the Layer arguments: ``name``, ``dtype``, ``trainable``.

    Output shape: channels_last, ``(batch, frames, channels * bins)`` or with expand_dims
    ``(batch, frames, bins, channels)``; channels_first, ``(batch, channels * bins, frames)``
    or ``(batch, channels, frames, bins)``; bins = fft_length // 2 + 1 (twice that for
    ``'stft'``), frames = (time - frame_length) // frame_step + 1 for 'valid'.

    Raises:
        ValueError: for an unknown mode, scaling or padding, a frame_step outside
            [1, frame_length], or fft_length < frame_length.
        TypeError: when called on a non-float signal.

    Example:
        >>> layer = numnet.layers.STFTSpectrogram(mode="magnitude", frame_length=8,
        ...                                       frame_step=4, window=None, scaling=None)
        >>> layer(np.ones((1, 16, 1), "float32")).numpy()[0, :, 0]    # the DC bin: 8 ones
        array([8., 8., 8.], dtype=float32)
    """

    def __init__(self, mode="log", frame_length=256, frame_step=None, fft_length=None,
                 window="hann", periodic=False, scaling="density", padding="valid",
                 expand_dims=False, data_format=None, **kwargs):
        if frame_step is not None and not 1 <= frame_step <= frame_length:
            raise ValueError(f"STFTSpectrogram(frame_step): expected an integer in [1, "
                             f"frame_length={frame_length}], given {frame_step}.")
        if fft_length is not None and fft_length < frame_length:
            raise ValueError(f"STFTSpectrogram(fft_length): expected at least frame_length="
                             f"{frame_length}, given {fft_length}.")
        if fft_length is not None and fft_length & (fft_length - 1):
            warnings.warn(f"STFTSpectrogram(fft_length): a power of two is faster and usual; "
                          f"given {fft_length}.", stacklevel=2)
        if mode not in _MODES:
            raise ValueError(f"STFTSpectrogram(mode): expected one of {', '.join(_MODES)}, "
                             f"given {mode!r}.")
        if scaling not in (None, "density", "spectrum"):
            raise ValueError(f"STFTSpectrogram(scaling): expected 'density', 'spectrum' or "
                             f"None, given {scaling!r}.")
        if padding not in ("valid", "same"):
            raise ValueError(f"STFTSpectrogram(padding): expected 'valid' or 'same', given "
                             f"{padding!r}.")
        if isinstance(window, str):
            _window(window, 1, bool(periodic))  # an unknown name fails here, as in Keras
        if data_format is None:
            data_format = backend.image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(f"STFTSpectrogram(data_format): expected 'channels_last' or "
                             f"'channels_first', given {data_format!r}.")
        super().__init__(**kwargs)
        self.mode = mode
        self.frame_length = frame_length
        self.frame_step = frame_step
        self._step = frame_step or frame_length // 2
        self.fft_length = fft_length
        self._fft = fft_length or 2 ** int(math.ceil(math.log2(frame_length)))
        self.window, self.periodic, self.scaling = window, periodic, scaling
        self.padding, self.expand_dims, self.data_format = padding, expand_dims, data_format
        self.input_spec = InputSpec(ndim=3)
        self.real_kernel = self.imag_kernel = None

    def build(self, input_shape) -> None:
        shape = (self.frame_length, 1, self._fft // 2 + 1)
        for side in ("real", "imag"):
            if self.mode != ("imag" if side == "real" else "real"):
                init = STFT(side, self.window, self.scaling, self.periodic)
                setattr(self, f"{side}_kernel", self.add_weight(shape, init, name=f"{side}_kernel"))

    def _convolve(self, x: Tensor, kernel) -> Tensor:
        """(batch, channels, bins, frames): each channel convolved on its own."""
        if self.data_format == "channels_last":
            x = ops.transpose(x, (0, 2, 1))
        batch, channels, time = x.shape
        flat = ops.reshape(x, (-1, time, 1))
        kernel = kernel if kernel.dtype == x.dtype else ops.cast(kernel, x.dtype)
        out = ops.conv(flat, kernel, strides=self._step, padding=self.padding)
        out = ops.reshape(out, (batch, channels, out.shape[1], out.shape[2]))
        return ops.transpose(out, (0, 1, 3, 2))

    def _arrange(self, out: Tensor) -> Tensor:
        """(batch, channels, bins, frames) to the layer's output layout."""
        batch, channels, bins, frames = out.shape
        if self.expand_dims:
            axes = (0, 3, 2, 1) if self.data_format == "channels_last" else (0, 1, 3, 2)
            return ops.transpose(out, axes)
        out = ops.reshape(out, (batch, channels * bins, frames))
        return ops.transpose(out, (0, 2, 1)) if self.data_format == "channels_last" else out

    def call(self, inputs):
        x = _float_input(self, inputs)
        real = self._convolve(x, self.real_kernel) if self.mode != "imag" else None
        imag = self._convolve(x, self.imag_kernel) if self.mode != "real" else None
        if self.mode in ("real", "imag"):
            return self._arrange(real if self.mode == "real" else imag)
        if self.mode == "angle":
            return self._arrange(np_ops.arctan2(imag, real))
        if self.mode == "stft":
            return self._arrange(ops.concatenate([real, imag], axis=2))
        power = ops.add(ops.square(real), ops.square(imag))
        if self.mode == "psd":
            inner = np_ops.pad(ops.getitem(power, (slice(None), slice(None), slice(1, -1))),
                               [(0, 0), (0, 0), (1, 1), (0, 0)])
            return self._arrange(ops.add(power, inner))
        eps = backend.epsilon()
        magnitude = self._arrange(ops.sqrt(ops.maximum(power, eps)))
        if self.mode == "magnitude":
            return magnitude
        return ops.log(ops.maximum(magnitude, eps))

    def compute_output_shape(self, input_shape):
        last = self.data_format == "channels_last"
        batch = input_shape[0]
        time, channels = (input_shape[1], input_shape[2]) if last else \
            (input_shape[2], input_shape[1])
        bins = (self._fft // 2 + 1) * (2 if self.mode == "stft" else 1)
        if time is None:
            frames = None
        elif self.padding == "same":
            frames = -(-time // self._step)
        else:
            frames = max((time - self.frame_length) // self._step + 1, 0)
        if self.expand_dims:
            return (batch, frames, bins, channels) if last else (batch, channels, frames, bins)
        folded = None if channels is None else channels * bins
        return (batch, frames, folded) if last else (batch, folded, frames)

    def get_config(self):
        return {**super().get_config(), "mode": self.mode, "frame_length": self.frame_length,
                "frame_step": self.frame_step, "fft_length": self.fft_length,
                "window": self.window, "periodic": self.periodic, "scaling": self.scaling,
                "padding": self.padding, "data_format": self.data_format,
                "expand_dims": self.expand_dims}


_MEL_BREAK_HZ = 700.0
_MEL_HIGH_Q = 1127.0


def mel_weight_matrix(num_mel_bins: int, num_spectrogram_bins: int, sampling_rate,
                      lower_edge_hertz, upper_edge_hertz):
    """The (num_spectrogram_bins, num_mel_bins) float32 array (of backend.xp) of triangular
    filters, each peaking at 1, evenly spaced on the HTK mel scale (1127 ln(1 + f / 700))
    between the edges; the bin at 0 Hz gets no weight. As Keras's (and TensorFlow's)."""
    xp = backend.xp
    f32 = xp.float32

    def mel(hz):
        return _MEL_HIGH_Q * xp.log(1.0 + hz / f32(_MEL_BREAK_HZ))

    nyquist = f32(sampling_rate) / f32(2.0)
    bins_mel = mel(xp.linspace(f32(0), nyquist, num_spectrogram_bins, dtype=f32)[1:])[:, None]
    edges = xp.linspace(mel(f32(lower_edge_hertz)), mel(f32(upper_edge_hertz)),
                        num_mel_bins + 2, dtype=f32)
    low, center, high = edges[:-2][None], edges[1:-1][None], edges[2:][None]
    rising = (bins_mel - low) / (center - low)
    falling = (high - bins_mel) / (high - center)
    weights = xp.maximum(f32(0), xp.minimum(rising, falling)).astype(f32)
    return xp.concatenate([xp.zeros((1, num_mel_bins), f32), weights], axis=0)


class MelSpectrogram(Layer):
    """A mel spectrogram of a signal, as Keras: the STFT (frames of ``sequence_length`` every
    ``sequence_stride`` samples, the signal reflect-padded by fft_length // 2 at both ends,
    windowed, transformed at ``fft_length``), its magnitude to the power ``mag_exp``, mapped
    to ``num_mel_bins`` triangular mel bands between ``min_freq`` and ``max_freq``, then (with
    ``power_to_db``) in decibels: 10 log10(max(p, min_power)) - 10 log10(max(|ref_power|,
    min_power)), floored at the largest value of the whole batch minus ``top_db``. Not
    trainable; differentiable.

    Args:
        fft_length: the transform's length. Defaults to ``2048``.
        sequence_stride: samples between frames. Defaults to ``512``.
        sequence_length: the window's length (<= fft_length); None for fft_length. Defaults to
            ``None``.
        window: ``'hann'``, ``'hamming'`` (periodic), or None. Defaults to ``'hann'``.
        sampling_rate: the signal's samples per second. Defaults to ``16000``.
        num_mel_bins: the mel bands. Defaults to ``128``.
        min_freq: the lowest band's lower edge, Hz. Defaults to ``20.0``.
        max_freq: the highest band's upper edge, Hz; None for sampling_rate / 2. Defaults to
            ``None``.
        power_to_db: return decibels. Defaults to ``True``.
        top_db: the dynamic range kept in decibels. Defaults to ``80.0``.
        mag_exp: the magnitude's exponent (2: power, 1: magnitude). Defaults to ``2.0``.
        min_power: the floor of the power before the logarithm. Defaults to ``1e-10``.
        ref_power: the power that is 0 dB. Defaults to ``1.0``.
        **kwargs: the Layer arguments: ``name``, ``dtype``.

    Input shape ``(time,)`` or ``(batch, time)``; output ``(num_mel_bins, frames)`` or
    ``(batch, num_mel_bins, frames)``, frames = 1 + time // sequence_stride.

    Raises:
        ValueError: when fft_length < sequence_length.

    Example:
        >>> layer = numnet.layers.MelSpectrogram(fft_length=64, sequence_stride=16,
        ...                                      num_mel_bins=8, sampling_rate=8000)
        >>> layer(np.zeros((2, 160), "float32")).shape
        (2, 8, 11)
    """

    def __init__(self, fft_length=2048, sequence_stride=512, sequence_length=None,
                 window="hann", sampling_rate=16000, num_mel_bins=128, min_freq=20.0,
                 max_freq=None, power_to_db=True, top_db=80.0, mag_exp=2.0, min_power=1e-10,
                 ref_power=1.0, **kwargs):
        self.fft_length = fft_length
        self.sequence_stride = sequence_stride
        self.sequence_length = sequence_length or fft_length
        if fft_length < self.sequence_length:
            raise ValueError(f"MelSpectrogram(fft_length): expected at least sequence_length="
                             f"{self.sequence_length}, given {fft_length}; raise fft_length "
                             f"or shorten sequence_length.")
        self.window = window
        self.sampling_rate = sampling_rate
        self.num_mel_bins = num_mel_bins
        self.min_freq = min_freq
        self.max_freq = max_freq or int(sampling_rate / 2)
        self.power_to_db = power_to_db
        self.top_db = top_db
        self.mag_exp = mag_exp
        self.min_power = min_power
        self.ref_power = ref_power
        super().__init__(**kwargs)

    def call(self, inputs):
        x = inputs if isinstance(inputs, Tensor) else ops.as_tensor(inputs)
        dtype = self._compute if self._compute in ("float32", "float64") else "float32"
        if x.dtype != dtype:
            x = ops.cast(x, dtype)
        real, imag = _stft(x, self.sequence_length, self.sequence_stride, self.fft_length,
                           window=self.window, center=True)
        magnitude = ops.sqrt(ops.add(ops.square(real), ops.square(imag)))
        spectrum = ops.power(magnitude, self.mag_exp) if self.mag_exp != 1 else magnitude
        matrix = mel_weight_matrix(self.num_mel_bins, spectrum.shape[-1], self.sampling_rate,
                                   self.min_freq, self.max_freq).astype(spectrum.dtype)
        out = ops.matmul(spectrum, Tensor(matrix))
        if self.power_to_db:
            out = self._decibels(out)
        out = np_ops.swapaxes(out, -1, -2)
        return out if out.dtype == self._compute else ops.cast(out, self._compute)

    def _decibels(self, power: Tensor) -> Tensor:
        floor = self.min_power
        db = ops.multiply(np_ops.log10(ops.maximum(power, floor)), 10.0)
        ref = 10.0 * math.log10(max(abs(float(self.ref_power)), floor))
        db = ops.subtract(db, ref)
        lowest = float(backend.xp.max(db.value)) - self.top_db
        return ops.maximum(db, lowest)

    def compute_output_shape(self, input_shape):
        time = input_shape[-1]
        half = self.fft_length // 2  # the centring pad on each side
        frames = None if time is None else \
            (time + 2 * half - self.fft_length) // self.sequence_stride + 1
        if len(input_shape) == 1:
            return (self.num_mel_bins, frames)
        return (input_shape[0], self.num_mel_bins, frames)

    def get_config(self):
        return {**super().get_config(), "fft_length": self.fft_length,
                "sequence_stride": self.sequence_stride,
                "sequence_length": self.sequence_length, "window": self.window,
                "sampling_rate": self.sampling_rate, "num_mel_bins": self.num_mel_bins,
                "min_freq": self.min_freq, "max_freq": self.max_freq,
                "power_to_db": self.power_to_db, "top_db": self.top_db,
                "mag_exp": self.mag_exp, "min_power": self.min_power,
                "ref_power": self.ref_power}


__all__ = ["MelSpectrogram", "STFTSpectrogram"]
