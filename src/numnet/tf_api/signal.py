"""TensorFlow's ``tf.signal`` (framing, windows, FFTs, STFT, mel filters, DCT, MFCCs) and
``tf.audio`` (16-bit PCM WAV files), as the audio tutorials use them:

    audio, rate = tf.audio.decode_wav(tf.io.read_file("yes.wav"), desired_channels=1)
    spectrogram = tf.abs(tf.signal.stft(tf.squeeze(audio, -1), frame_length=255,
                                        frame_step=128))
    mel = tf.tensordot(spectrogram, tf.signal.linear_to_mel_weight_matrix(40, 129, 16000),
                       1)

``frame`` and ``overlap_and_add`` record gradients (they only move entries); the FFTs, STFTs
and DCTs are forward only (numnet's tape is real-valued). Complex results are complex64 from
float32 input, complex128 from float64.
"""

from __future__ import annotations

import io as _io
import math
import wave

import numpy as np

from .. import backend
from ..autodiff import Tensor
from ..autodiff import ops as _ops
from .base import array, plain, string_tensor, to_float, to_tensor
from .errors import InvalidArgumentError


def _complex_of(dtype):
    return np.complex128 if np.dtype(dtype) in (np.float64, np.complex128) else np.complex64


def _real_of(dtype):
    return np.float64 if np.dtype(dtype) in (np.float64, np.complex128) else np.float32


def _out(values, dtype) -> Tensor:
    return Tensor(backend.to_device(np.asarray(values).astype(dtype)))


def frame(signal, frame_length, frame_step, pad_end=False, pad_value=0, axis=-1,
          name=None) -> Tensor:
    """Overlapping frames of ``frame_length`` samples, ``frame_step`` apart, along ``axis``:
    that axis becomes (frames, frame_length). With ``pad_end`` the last frames run past the
    end, filled with ``pad_value``. The gradient adds back into the samples.

    Args:
        signal: a Tensor.
        frame_length: samples per frame.
        frame_step: samples between frame starts.
        pad_end: pad the end so that the last samples start frames too. Defaults to
            ``False``.
        pad_value: the padding's value. Defaults to ``0``.
        axis: the time axis. Defaults to ``-1``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.signal.frame([1, 2, 3, 4, 5], 3, 2).tolist()
        [[1, 2, 3], [3, 4, 5]]
    """
    x = to_tensor(signal)
    length, step = int(plain(frame_length)), int(plain(frame_step))
    axis = int(axis) % x.ndim
    n = x.shape[axis]
    if pad_end:
        count = -(-n // step)
        padded = (count - 1) * step + length
    else:
        count = max(0, 1 + (n - length) // step) if n >= length else 0
        padded = n
    extra = max(padded - n, 0)
    starts = np.arange(count)[:, None] * step + np.arange(length)[None, :]  # (frames, length)
    index = backend.to_device(starts)
    xp = backend.xp

    def take(v):  # the frames of v (padded already), at the time axis's place
        moved = xp.moveaxis(v, axis, -1)[..., index]
        return xp.moveaxis(xp.moveaxis(moved, -2, axis), -1, axis + 1)

    def padded_by(v, value):
        if not extra:
            return v
        widths = [(0, 0)] * v.ndim
        widths[axis] = (0, extra)
        return xp.pad(v, widths, constant_values=value)

    if x.dtype.kind not in "fc":
        return Tensor(take(padded_by(x.value, pad_value)))
    out = _ops.regather(x, lambda v: take(padded_by(v, 0)))
    if extra and pad_value:
        marks = take(padded_by(xp.zeros(x.shape, dtype=x.dtype), 1))
        out = _ops.add(out, Tensor((marks * pad_value).astype(x.dtype)))
    return out


def overlap_and_add(signal, frame_step, name=None) -> Tensor:
    """The inverse of framing: frames (..., frames, frame_length) added back at
    ``frame_step`` apart into (..., (frames - 1) * frame_step + frame_length). Records the
    gradient.

    Args:
        signal: frames (..., frames, frame_length).
        frame_step: samples between frame starts.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.signal.overlap_and_add([[1.0, 1.0], [1.0, 1.0]], 1).tolist()
        [1.0, 2.0, 1.0]
    """
    x = to_float(signal)
    step = int(plain(frame_step))
    frames, length = x.shape[-2:]
    total = (frames - 1) * step + length
    positions = (np.arange(frames)[:, None] * step + np.arange(length)[None, :]).reshape(-1)
    lead = x.shape[:-2]
    flat = _ops.reshape(x, lead + (frames * length,))
    moved = _ops.transpose(flat, (flat.ndim - 1,) + tuple(range(flat.ndim - 1)))
    summed = _ops.segment_sum(moved, backend.to_device(positions), total)
    return _ops.transpose(summed, tuple(range(1, summed.ndim)) + (0,))


def _window(name, a, b):
    def window(window_length, periodic=True, dtype=np.float32, name=None) -> Tensor:
        n = int(plain(window_length))
        if n == 1:
            return _out(np.ones(1), dtype)
        # TensorFlow's rule: the periodic form adds one only to an even length
        denominator = n - 1 + (1 if periodic and n % 2 == 0 else 0)
        return _out(a - b * np.cos(2 * np.pi * np.arange(n) / denominator), dtype)

    window.__name__ = name
    window.__doc__ = (f"The {name.split('_')[0].capitalize()} window {a} - {b} cos(2 pi n / N), "
                      "N = window_length - 1, plus 1 for an even window_length when "
                      "``periodic`` (TensorFlow's rule).\n\n    Args:\n"
                      "        window_length: the number of samples.\n"
                      "        periodic: the periodic form. Defaults to ``True``.\n"
                      "        dtype: a float dtype. Defaults to ``tf.float32``.\n        name: "
                      "ignored. Defaults to ``None``.\n")
    return window


hann_window = _window("hann_window", 0.5, 0.5)
hamming_window = _window("hamming_window", 0.54, 0.46)


def kaiser_window(window_length, beta=12.0, dtype=np.float32, name=None) -> Tensor:
    """The (symmetric) Kaiser window: I0(beta sqrt(1 - (2n / (N - 1) - 1)^2)) / I0(beta), as
    TensorFlow's ``tf.signal.kaiser_window`` (NumPy's ``np.kaiser``).

    Args:
        window_length: the number of samples N.
        beta: the shape: larger gives a narrower main lobe. Defaults to ``12.0``.
        dtype: a float dtype. Defaults to ``tf.float32``.
        name: ignored. Defaults to ``None``.

    Returns:
        A 1-D Tensor of N values.

    Example:
        >>> numnet.signal.kaiser_window(3, dtype="float64").numpy().round(4).tolist()
        [0.0001, 1.0, 0.0001]
    """
    n = int(plain(window_length))
    return _out(np.kaiser(n, float(plain(beta))) if n > 1 else np.ones(n), dtype)


def kaiser_bessel_derived_window(window_length, beta=12.0, dtype=np.float32,
                                 name=None) -> Tensor:
    """The Kaiser-Bessel-derived window (for MDCTs): sqrt of the running sum of a Kaiser
    window of N/2 + 1 samples over its total, for the first half, mirrored for the second,
    as TensorFlow's ``tf.signal.kaiser_bessel_derived_window``.

    Args:
        window_length: the number of samples N (even).
        beta: the Kaiser window's shape. Defaults to ``12.0``.
        dtype: a float dtype. Defaults to ``tf.float32``.
        name: ignored. Defaults to ``None``.

    Returns:
        A 1-D Tensor of N values.

    Example:
        >>> numnet.signal.kaiser_bessel_derived_window(4, dtype="float64").numpy().round(4).tolist()
        [0.0073, 1.0, 1.0, 0.0073]
    """
    n = int(plain(window_length))
    half = n // 2
    kaiser = np.kaiser(half + 1, float(plain(beta)))
    first = np.sqrt(np.cumsum(kaiser[:half]) / np.sum(kaiser))
    return _out(np.concatenate([first, first[::-1]]), dtype)


def vorbis_window(window_length, dtype=np.float32, name=None) -> Tensor:
    """The Vorbis power-complementary window sin(pi / 2 sin^2(pi (n + 1/2) / N)), as
    TensorFlow's ``tf.signal.vorbis_window``.

    Args:
        window_length: the number of samples N.
        dtype: a float dtype. Defaults to ``tf.float32``.
        name: ignored. Defaults to ``None``.

    Returns:
        A 1-D Tensor of N values.

    Example:
        >>> numnet.signal.vorbis_window(4, dtype="float64").numpy().round(4).tolist()
        [0.228, 0.9737, 0.9737, 0.228]
    """
    n = int(plain(window_length))
    positions = np.arange(n, dtype=np.float64)
    return _out(np.sin(np.pi / 2 * np.sin(np.pi * (positions + 0.5) / n) ** 2), dtype)


def _fft_op(fn, real_in: bool, real_out: bool, doc: str, axes_count: int = 1):
    def op(input_tensor, fft_length=None, name=None) -> Tensor:
        x = to_tensor(input_tensor)
        values = array(x)
        if real_in:
            n = None if fft_length is None else [int(v) for v in np.ravel(plain(fft_length))]
            out = fn(values, n)
        elif real_out:
            n = None if fft_length is None else [int(v) for v in np.ravel(plain(fft_length))]
            out = fn(values, n)
        else:
            out = fn(values, None)
        dtype = _real_of(x.dtype) if real_out else _complex_of(x.dtype)
        return _out(out, dtype)

    op.__doc__ = doc
    return op


def _last(k, numpy_fn):
    axes = tuple(range(-k, 0))

    def apply(values, n):
        return numpy_fn(values, s=n, axes=axes) if k > 1 else numpy_fn(
            values, n=None if n is None else n[0], axis=-1)

    return apply


_DOC = ("{what} over the last {k} ax{es} (forward only).\n\n    Args:\n        input_tensor: "
        "the input.\n        fft_length: the transform's length{s}, or None. Defaults to "
        "``None``.\n        name: ignored. Defaults to ``None``.\n")


def _doc(what, k):
    return _DOC.format(what=what, k=k, es="is" if k == 1 else "es", s="" if k == 1 else "s")


fft = _fft_op(_last(1, np.fft.fft), False, False, _doc("The discrete Fourier transform", 1))
ifft = _fft_op(_last(1, np.fft.ifft), False, False, _doc("The inverse DFT", 1))
fft2d = _fft_op(_last(2, np.fft.fftn), False, False, _doc("The 2-D DFT", 2))
ifft2d = _fft_op(_last(2, np.fft.ifftn), False, False, _doc("The inverse 2-D DFT", 2))
fft3d = _fft_op(_last(3, np.fft.fftn), False, False, _doc("The 3-D DFT", 3))
ifft3d = _fft_op(_last(3, np.fft.ifftn), False, False, _doc("The inverse 3-D DFT", 3))
rfft = _fft_op(_last(1, np.fft.rfft), True, False, _doc("The DFT of a real signal", 1))
irfft = _fft_op(_last(1, np.fft.irfft), False, True, _doc("The inverse of rfft", 1))
rfft2d = _fft_op(_last(2, np.fft.rfftn), True, False, _doc("The 2-D DFT of real data", 2))
irfft2d = _fft_op(_last(2, np.fft.irfftn), False, True, _doc("The inverse of rfft2d", 2))
rfft3d = _fft_op(_last(3, np.fft.rfftn), True, False, _doc("The 3-D DFT of real data", 3))
irfft3d = _fft_op(_last(3, np.fft.irfftn), False, True, _doc("The inverse of rfft3d", 3))


def fftshift(x, axes=None, name=None) -> Tensor:
    """The zero frequency moved to the centre (NumPy's fftshift).

    Args:
        x: a Tensor.
        axes: the axes; None for all. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.signal.fftshift([0, 1, 2, 3]).tolist()
        [2, 3, 0, 1]
    """
    t = to_tensor(x)
    return Tensor(backend.xp.fft.fftshift(t.value, axes=axes))


def ifftshift(x, axes=None, name=None) -> Tensor:
    """The inverse of fftshift.

    Args:
        x: a Tensor.
        axes: the axes; None for all. Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.signal.ifftshift([2, 3, 0, 1]).tolist()
        [0, 1, 2, 3]
    """
    t = to_tensor(x)
    return Tensor(backend.xp.fft.ifftshift(t.value, axes=axes))


def _fft_size(frame_length: int) -> int:
    return 1 << max(0, (frame_length - 1).bit_length())


def stft(signals, frame_length, frame_step, fft_length=None, window_fn=hann_window,
         pad_end=False, name=None) -> Tensor:
    """The short-time Fourier transform: rfft of each windowed frame, shape (..., frames,
    fft_length // 2 + 1), complex (forward only; take tf.abs for a magnitude spectrogram).

    Args:
        signals: real signals (..., samples).
        frame_length: samples per frame.
        frame_step: samples between frames.
        fft_length: the FFT size; None for the smallest power of 2 >= frame_length. Defaults
            to ``None``.
        window_fn: a function (length, dtype=...) -> window, or None for none. Defaults to
            ``hann_window``.
        pad_end: pad the end so the last samples start a frame. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.signal.stft(numnet.zeros((16000,)), frame_length=255, frame_step=128).shape
        (124, 129)
    """
    x = to_float(signals)
    length, step = int(plain(frame_length)), int(plain(frame_step))
    n_fft = _fft_size(length) if fft_length is None else int(plain(fft_length))
    frames = array(frame(Tensor(x.value), length, step, pad_end=pad_end))
    if window_fn is not None:
        frames = frames * array(window_fn(length, dtype=x.dtype))
    return _out(np.fft.rfft(frames, n=n_fft, axis=-1), _complex_of(x.dtype))


def inverse_stft(stfts, frame_length, frame_step, fft_length=None, window_fn=hann_window,
                 name=None) -> Tensor:
    """The inverse of stft: irfft of each frame, windowed, overlapped and added (use
    inverse_stft_window_fn for perfect reconstruction). Forward only.

    Args:
        stfts: (..., frames, fft_length // 2 + 1) complex.
        frame_length: samples per frame.
        frame_step: samples between frames.
        fft_length: the FFT size; None as stft's. Defaults to ``None``.
        window_fn: the synthesis window function, or None. Defaults to ``hann_window``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.signal.inverse_stft(numnet.signal.stft(numnet.ones((64,)), 16, 8), 16, 8
        ...                            ).shape
        (64,)
    """
    values = array(to_tensor(stfts))
    length, step = int(plain(frame_length)), int(plain(frame_step))
    n_fft = _fft_size(length) if fft_length is None else int(plain(fft_length))
    real = _real_of(values.dtype)
    frames = np.fft.irfft(values, n=n_fft, axis=-1)[..., :length]
    if window_fn is not None:
        frames = frames * array(window_fn(length, dtype=real))
    return Tensor(overlap_and_add(Tensor(frames.astype(real)), step).value)


def inverse_stft_window_fn(frame_step, forward_window_fn=hann_window, name=None):
    """The synthesis window that undoes ``forward_window_fn``'s analysis window in
    inverse_stft: the window divided by the overlapping sum of its squares.

    Args:
        frame_step: samples between frames.
        forward_window_fn: the analysis window function. Defaults to ``hann_window``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> fn = numnet.signal.inverse_stft_window_fn(8)
        >>> fn(16).shape
        (16,)
    """
    step = int(plain(frame_step))

    def window(frame_length, dtype=np.float32):
        w = array(forward_window_fn(frame_length, dtype=np.float64)).astype(np.float64)
        squares = w * w
        denominator = np.zeros(frame_length)
        for shift in range(-(frame_length // step) * step, frame_length, step):
            lo, hi = max(0, shift), min(frame_length, frame_length + shift)
            denominator[lo:hi] += squares[lo - shift:hi - shift]
        return _out(w / denominator, dtype)

    return window


def _hertz_to_mel(f):
    return 1127.0 * np.log1p(np.asarray(f, dtype=np.float64) / 700.0)


def linear_to_mel_weight_matrix(num_mel_bins=20, num_spectrogram_bins=129, sample_rate=8000,
                                lower_edge_hertz=125.0, upper_edge_hertz=3800.0,
                                dtype=np.float32, name=None) -> Tensor:
    """The (num_spectrogram_bins, num_mel_bins) matrix of triangular mel filters (HTK's mel
    scale, TensorFlow's construction): spectrogram @ matrix is a mel spectrogram.

    Args:
        num_mel_bins: mel bands. Defaults to ``20``.
        num_spectrogram_bins: frequency bins of the spectrogram (fft_length // 2 + 1).
            Defaults to ``129``.
        sample_rate: samples per second. Defaults to ``8000``.
        lower_edge_hertz: the lowest frequency. Defaults to ``125.0``.
        upper_edge_hertz: the highest frequency. Defaults to ``3800.0``.
        dtype: a float dtype. Defaults to ``tf.float32``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.signal.linear_to_mel_weight_matrix(40, 129, 16000).shape
        (129, 40)
    """
    bins, mels = int(num_spectrogram_bins), int(num_mel_bins)
    low, high = float(lower_edge_hertz), float(upper_edge_hertz)
    if not 0 <= low < high <= sample_rate / 2:
        raise ValueError(f"linear_to_mel_weight_matrix: expected 0 <= lower_edge_hertz < "
                         f"upper_edge_hertz <= sample_rate / 2; given {low}, {high}, "
                         f"{sample_rate}.")
    frequencies = np.linspace(0.0, sample_rate / 2, bins)[1:]
    spectrogram_mel = _hertz_to_mel(frequencies)[:, None]
    edges = np.linspace(_hertz_to_mel(low), _hertz_to_mel(high), mels + 2)
    lower, center, upper = edges[:-2][None, :], edges[1:-1][None, :], edges[2:][None, :]
    lower_slopes = (spectrogram_mel - lower) / (center - lower)
    upper_slopes = (upper - spectrogram_mel) / (upper - center)
    weights = np.maximum(0.0, np.minimum(lower_slopes, upper_slopes))
    return _out(np.pad(weights, ((1, 0), (0, 0))), dtype)


def dct(input, type=2, n=None, axis=-1, norm=None, name=None) -> Tensor:  # noqa: A002
    """The discrete cosine transform of the last axis (types 1-4; norm None or "ortho"),
    as SciPy's (forward only).

    Args:
        input: real values.
        type: the DCT type. Defaults to ``2``.
        n: the length (truncate or pad); None for the axis's. Defaults to ``None``.
        axis: must be -1. Defaults to ``-1``.
        norm: None or "ortho". Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.signal.dct([1.0, 1.0]).tolist()
        [4.0, 0.0]
    """
    import scipy.fft

    x = to_float(input)
    return _out(scipy.fft.dct(array(x), type=int(type), n=n, axis=-1, norm=norm), x.dtype)


def idct(input, type=2, n=None, axis=-1, norm=None, name=None) -> Tensor:  # noqa: A002
    """The inverse DCT as TensorFlow defines it: the DCT of the inverse type (I for I, III for
    II, II for III, IV for IV) with the same ``norm``. With ``norm="ortho"`` it inverts
    ``dct`` exactly; with ``norm=None`` it is not rescaled, so
    ``idct(dct(x)) * 0.5 / N == x`` for types II and III (N the length), as TensorFlow's
    documentation says; forward only.

    Args:
        input: real values.
        type: the DCT type inverted. Defaults to ``2``.
        n: the length (truncate or pad) of the transform. Defaults to ``None``.
        axis: must be -1. Defaults to ``-1``.
        norm: None or "ortho". Defaults to ``None``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.signal.idct(numnet.signal.dct([1.0, 2.0])).tolist()
        [4.0, 8.0]
        >>> back = numnet.signal.idct(numnet.signal.dct([1.0, 2.0], norm="ortho"), norm="ortho")
        >>> [round(v, 5) for v in back.tolist()]
        [1.0, 2.0]
    """
    import scipy.fft

    inverse = {1: 1, 2: 3, 3: 2, 4: 4}.get(int(type))
    if inverse is None:
        raise ValueError(f"idct(type): expected a DCT type of 1, 2, 3 or 4, given {type!r}.")
    x = to_float(input)
    return _out(scipy.fft.dct(array(x), type=inverse, n=n, axis=-1, norm=norm), x.dtype)


def mfccs_from_log_mel_spectrograms(log_mel_spectrograms, name=None) -> Tensor:
    """Mel-frequency cepstral coefficients: the type-II DCT of each log-mel frame, scaled by
    1 / sqrt(2 num_mel_bins) (TensorFlow's normalization); forward only.

    Args:
        log_mel_spectrograms: (..., num_mel_bins).
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.signal.mfccs_from_log_mel_spectrograms(numnet.zeros((3, 40))).shape
        (3, 40)
    """
    import scipy.fft

    x = to_float(log_mel_spectrograms)
    n = x.shape[-1]
    return _out(scipy.fft.dct(array(x), type=2, axis=-1) / math.sqrt(2.0 * n), x.dtype)


# ----------------------------------------------------------------------------- tf.audio


def decode_wav(contents, desired_channels=-1, desired_samples=-1, name=None) -> tuple:
    """(audio, sample_rate) of a 16-bit PCM WAV file's bytes: audio float32 in [-1, 1) of
    shape (samples, channels), sample_rate an int32 scalar. ``desired_channels`` keeps the
    first channels (or repeats a mono one); ``desired_samples`` truncates or zero-pads.

    Args:
        contents: the file's bytes (a string Tensor or bytes).
        desired_channels: channels wanted; -1 for the file's. Defaults to ``-1``.
        desired_samples: samples wanted; -1 for all. Defaults to ``-1``.
        name: ignored. Defaults to ``None``.

    Raises:
        InvalidArgumentError: the bytes are not a 16-bit PCM WAV file.

    Example:
        >>> wav = numnet.audio.encode_wav(numnet.zeros((10, 1)), 16000)
        >>> audio, rate = numnet.audio.decode_wav(wav)
        >>> audio.shape, int(rate)
        ((10, 1), 16000)
    """
    data = contents.numpy() if isinstance(contents, Tensor) else contents
    data = np.asarray(data).item() if isinstance(data, np.ndarray) else data
    try:
        with wave.open(_io.BytesIO(bytes(data)), "rb") as f:
            channels, width, rate = f.getnchannels(), f.getsampwidth(), f.getframerate()
            raw = f.readframes(f.getnframes())
    except (wave.Error, EOFError) as e:
        raise InvalidArgumentError(None, None, f"decode_wav: not a WAV file ({e}).") from None
    if width != 2:
        raise InvalidArgumentError(None, None, f"decode_wav: numnet reads 16-bit PCM WAV "
                                               f"files; this one has {8 * width}-bit samples.")
    audio = np.frombuffer(raw, dtype="<i2").reshape(-1, channels).astype(np.float32) / 32768.0
    want = int(desired_channels)
    if want > 0 and want != channels:
        audio = np.repeat(audio[:, :1], want, axis=1) if channels == 1 else audio[:, :want]
    samples = int(desired_samples)
    if samples >= 0:
        audio = audio[:samples] if len(audio) >= samples else np.pad(
            audio, ((0, samples - len(audio)), (0, 0)))
    return (Tensor(backend.to_device(np.ascontiguousarray(audio))),
            Tensor(backend.xp.asarray(rate, dtype=np.int32)))


def encode_wav(audio, sample_rate, name=None) -> Tensor:
    """The bytes of a 16-bit PCM WAV file of ``audio`` (samples, channels) in [-1, 1]
    (clipped), as a string Tensor.

    Args:
        audio: float samples (samples, channels).
        sample_rate: samples per second.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.audio.encode_wav(numnet.zeros((4, 1)), 8000).numpy()[:4]
        b'RIFF'
    """
    values = array(to_float(audio)).astype(np.float64)
    if values.ndim != 2:
        raise ValueError(f"encode_wav(audio): expected (samples, channels), given "
                         f"{values.shape}.")
    pcm = np.clip(np.round(values * 32768.0), -32768, 32767).astype("<i2")  # as TensorFlow
    buffer = _io.BytesIO()
    with wave.open(buffer, "wb") as f:
        f.setnchannels(values.shape[1])
        f.setsampwidth(2)
        f.setframerate(int(plain(sample_rate)))
        f.writeframes(pcm.tobytes())
    return string_tensor(buffer.getvalue())


SIGNAL = {
    "dct": dct, "fft": fft, "fft2d": fft2d, "fft3d": fft3d, "fftshift": fftshift,
    "frame": frame, "hamming_window": hamming_window, "hann_window": hann_window, "idct": idct,
    "kaiser_window": kaiser_window, "kaiser_bessel_derived_window": (
        kaiser_bessel_derived_window), "vorbis_window": vorbis_window,
    "ifft": ifft, "ifft2d": ifft2d, "ifft3d": ifft3d, "ifftshift": ifftshift,
    "inverse_stft": inverse_stft, "inverse_stft_window_fn": inverse_stft_window_fn,
    "irfft": irfft, "irfft2d": irfft2d, "irfft3d": irfft3d,
    "linear_to_mel_weight_matrix": linear_to_mel_weight_matrix,
    "mfccs_from_log_mel_spectrograms": mfccs_from_log_mel_spectrograms,
    "overlap_and_add": overlap_and_add, "rfft": rfft, "rfft2d": rfft2d, "rfft3d": rfft3d,
    "stft": stft,
}
"""The functions of ``tf.signal``."""

AUDIO = {"decode_wav": decode_wav, "encode_wav": encode_wav}
"""The functions of ``tf.audio``."""
