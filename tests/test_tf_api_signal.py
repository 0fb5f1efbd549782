"""tf.signal and tf.audio under ``import numnet as tf``: frames and overlap-add with their
gradients, windows, FFTs, STFT round trips, mel filters, DCT, WAV files, and TensorFlow's
numbers where it is installed."""

import numpy as np
import pytest

import numnet
import numnet as tf
from numnet.autodiff.gradcheck import numerical_gradient, relative_error

RNG = np.random.default_rng(5)


def check_grad(fn, value):
    x = numnet.Variable(np.array(value, dtype="float64"))
    out = fn(x)
    weights = RNG.normal(size=out.shape)
    tf.reduce_sum(out * weights).backward()
    numeric = numerical_gradient(
        lambda: float(np.sum(np.asarray(fn(numnet.Tensor(x.value))) * weights)), x.value)
    assert relative_error(x.grad, numeric) < 1e-6


def test_frames_and_overlap_add():
    assert tf.signal.frame([1, 2, 3, 4, 5], 3, 2).numpy().tolist() == [[1, 2, 3], [3, 4, 5]]
    assert tf.signal.frame([1, 2, 3, 4, 5], 3, 2, pad_end=True, pad_value=9).numpy().tolist() \
        == [[1, 2, 3], [3, 4, 5], [5, 9, 9]]
    x = np.arange(24.0).reshape(2, 12)
    assert tf.signal.frame(x, 4, 3).shape == (2, 3, 4)
    assert tf.signal.frame(x.T, 4, 3, axis=0).shape == (3, 4, 2)
    np.testing.assert_allclose(tf.signal.frame(x, 5, 4, pad_end=True, pad_value=-1.0)[1, 2],
                               [20, 21, 22, 23, -1])
    np.testing.assert_allclose(tf.signal.overlap_and_add(np.ones((3, 4)), 2),
                               [1, 1, 2, 2, 2, 2, 1, 1])
    check_grad(lambda v: tf.signal.frame(v, 4, 3, pad_end=True), x)
    check_grad(lambda v: tf.signal.overlap_and_add(v, 2), RNG.normal(size=(2, 3, 4)))


def test_windows_ffts_and_stft_round_trip():
    np.testing.assert_allclose(tf.signal.hann_window(4), [0.0, 0.5, 1.0, 0.5], atol=1e-7)
    np.testing.assert_allclose(tf.signal.hamming_window(3, periodic=False), [0.08, 1.0, 0.08],
                               atol=1e-6)
    x = RNG.normal(size=(3, 16)).astype("float32")
    np.testing.assert_allclose(tf.signal.rfft(x), np.fft.rfft(x), rtol=1e-5, atol=1e-5)
    assert tf.signal.rfft(x).dtype == np.complex64
    np.testing.assert_allclose(tf.signal.irfft(tf.signal.rfft(x)), x, atol=1e-5)
    np.testing.assert_allclose(tf.signal.ifft(tf.signal.fft(x.astype("complex64"))), x,
                               atol=1e-5)
    np.testing.assert_allclose(tf.signal.fft2d(x.astype("complex128")), np.fft.fft2(x),
                               rtol=1e-6, atol=1e-6)
    signal = RNG.normal(size=(2, 400)).astype("float32")
    spec = tf.signal.stft(signal, 64, 16)
    assert spec.shape == (2, 22, 33) and spec.dtype == np.complex64
    back = tf.signal.inverse_stft(spec, 64, 16,
                                  window_fn=tf.signal.inverse_stft_window_fn(16))
    np.testing.assert_allclose(back[:, 64:-64], signal[:, 64:back.shape[1] - 64], atol=1e-4)
    magnitude = tf.abs(spec)
    assert magnitude.dtype == np.float32


def test_mel_dct_mfcc_and_wav(tmp_path):
    m = tf.signal.linear_to_mel_weight_matrix(10, 129, 16000, 20.0, 8000.0).numpy()
    assert m.shape == (129, 10) and np.all(m[0] == 0) and np.all(m >= 0) and m.max() <= 1
    assert np.all(m.sum(axis=0) > 0)  # every band takes some bins
    sp = pytest.importorskip("scipy.fft")
    v = RNG.normal(size=(4, 8)).astype("float32")
    np.testing.assert_allclose(tf.signal.dct(v), sp.dct(v, type=2), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tf.signal.idct(tf.signal.dct(v, norm="ortho"), norm="ortho"), v,
                               atol=1e-5)
    # without norm, TensorFlow's idct is the type-III DCT unscaled: 2N times the inverse
    np.testing.assert_allclose(tf.signal.idct(tf.signal.dct(v)) * 0.5 / 8, v, atol=1e-5)
    np.testing.assert_allclose(tf.signal.idct(v), sp.dct(v, type=3), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(tf.signal.idct(v, type=3), sp.dct(v, type=2), rtol=1e-5,
                               atol=1e-5)
    np.testing.assert_allclose(tf.signal.mfccs_from_log_mel_spectrograms(v),
                               sp.dct(v, type=2) / np.sqrt(16.0), rtol=1e-5, atol=1e-5)
    audio = np.clip(RNG.normal(size=(50, 2)) * 0.3, -1, 1).astype("float32")
    path = str(tmp_path / "a.wav")
    tf.io.write_file(path, tf.audio.encode_wav(audio, 22050))
    decoded, rate = tf.audio.decode_wav(tf.io.read_file(path))
    assert int(rate) == 22050 and decoded.shape == (50, 2) and decoded.dtype == np.float32
    np.testing.assert_allclose(decoded, audio, atol=1 / 16000)
    mono, _ = tf.audio.decode_wav(tf.io.read_file(path), desired_channels=1,
                                  desired_samples=60)
    assert mono.shape == (60, 1) and np.all(mono.numpy()[50:] == 0)
    with pytest.raises(tf.errors.InvalidArgumentError, match="WAV"):
        tf.audio.decode_wav(b"not a wave file")


def test_same_numbers_as_tensorflow():
    real = pytest.importorskip("tensorflow")
    signal = RNG.normal(size=(2, 1000)).astype("float32")
    for kw in ({}, {"pad_end": True}, {"fft_length": 512}):
        np.testing.assert_allclose(tf.signal.stft(signal, 255, 128, **kw),
                                   real.signal.stft(signal, 255, 128, **kw).numpy(),
                                   rtol=1e-4, atol=1e-4)
    spec = real.signal.stft(signal, 256, 64)
    np.testing.assert_allclose(
        tf.signal.inverse_stft(spec.numpy(), 256, 64,
                               window_fn=tf.signal.inverse_stft_window_fn(64)),
        real.signal.inverse_stft(spec, 256, 64,
                                 window_fn=real.signal.inverse_stft_window_fn(64)).numpy(),
        rtol=1e-4, atol=1e-4)
    for args in ((40, 129, 16000, 80.0, 7600.0), (20, 257, 8000, 125.0, 3800.0)):
        np.testing.assert_allclose(tf.signal.linear_to_mel_weight_matrix(*args),
                                   real.signal.linear_to_mel_weight_matrix(*args).numpy(),
                                   rtol=1e-4, atol=1e-5)
    logmel = RNG.normal(size=(3, 40)).astype("float32")
    np.testing.assert_allclose(tf.signal.mfccs_from_log_mel_spectrograms(logmel),
                               real.signal.mfccs_from_log_mel_spectrograms(logmel).numpy(),
                               rtol=1e-4, atol=1e-5)
    for t in (1, 2, 3, 4):
        np.testing.assert_allclose(tf.signal.dct(logmel, type=t),
                                   real.signal.dct(logmel, type=t).numpy(), rtol=1e-4,
                                   atol=1e-4)
    np.testing.assert_allclose(tf.signal.idct(logmel, norm="ortho"),
                               real.signal.idct(logmel, norm="ortho").numpy(), atol=1e-5)
    for t in (1, 2, 3, 4):  # norm=None: the DCT of the inverse type, not rescaled
        np.testing.assert_allclose(tf.signal.idct(logmel, type=t),
                                   real.signal.idct(logmel, type=t).numpy(), rtol=1e-4,
                                   atol=1e-4)
    for fn in ("hann_window", "hamming_window"):
        for periodic in (True, False):
            np.testing.assert_allclose(getattr(tf.signal, fn)(7, periodic),
                                       getattr(real.signal, fn)(7, periodic).numpy(),
                                       atol=1e-6)
    for kw in ({}, {"pad_end": True, "pad_value": 3.0}):
        np.testing.assert_allclose(tf.signal.frame(signal, 300, 170, **kw),
                                   real.signal.frame(signal, 300, 170, **kw).numpy())
    frames = RNG.normal(size=(2, 5, 8)).astype("float32")
    np.testing.assert_allclose(tf.signal.overlap_and_add(frames, 3),
                               real.signal.overlap_and_add(frames, 3).numpy(), rtol=1e-6)
    audio = np.clip(RNG.normal(size=(40, 1)) * 0.3, -1, 1).astype("float32")
    theirs, rate = real.audio.decode_wav(tf.audio.encode_wav(audio, 16000).numpy())
    np.testing.assert_allclose(theirs.numpy(), tf.audio.decode_wav(
        real.audio.encode_wav(audio, 16000).numpy())[0], atol=1e-6)
    assert int(rate) == 16000
