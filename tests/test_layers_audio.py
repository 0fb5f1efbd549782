"""STFTSpectrogram and MelSpectrogram: Keras 3.15's numbers (written in), weights, configs,
shapes, saving; a cross-check against Keras itself where it is installed."""

import os

import numpy as np
import pytest

import numnet
from numnet.layers import MelSpectrogram, STFTSpectrogram

# (arguments, indices into the flattened output, Keras 3.15's values there, sum of |output|),
# on x = default_rng(0).standard_normal((2, 40, 3)) (transposed for channels_first).
STFT_CASES = [
    (dict(mode="log", frame_length=8, frame_step=3), (2, 11, 15),
     [0, 65, 131, 197, 263, 329],
     [0.604658, 0.598597, -0.284813, -1.0953, 0.384716, -0.749058], 200.0943),
    (dict(mode="magnitude", frame_length=7, fft_length=16, padding="same", window="hamming",
          periodic=True), (2, 14, 27),
     [0, 151, 302, 453, 604, 755], [0.442098, 0.312339, 0.734674, 1.12071, 1.20637, 0.3025],
     646.9614),
    (dict(mode="psd", frame_length=8, frame_step=4, scaling="spectrum",
          data_format="channels_first"), (2, 15, 9),
     [0, 53, 107, 161, 215, 269],
     [0.718112, 0.0920076, 0.0917896, 0.432084, 0.801319, 0.250504], 90.60452),
    (dict(mode="stft", frame_length=6, frame_step=2, expand_dims=True, window=None),
     (2, 18, 10, 3), [0, 215, 431, 647, 863, 1079],
     [-2.78809, 1.2244, 2.15719, 0.0, -1.24194, 0.0], 1346.2),
    (dict(mode="angle", frame_length=8, frame_step=5, expand_dims=True,
          data_format="channels_first", padding="same"), (2, 3, 8, 5),
     [0, 47, 95, 143, 191, 239], [3.14159, -2.68465, 0.0, 0.550864, 0.964548, 3.14159],
     396.3044),
    (dict(mode="real", frame_length=5), (2, 18, 15), [0, 107, 215, 323, 431, 539],
     [0.590931, -1.47103, 1.07941, -0.339182, 0.527581, -1.15873], 313.2428),
    (dict(mode="imag", frame_length=5, scaling=None), (2, 18, 15),
     [0, 107, 215, 323, 431, 539], [0.0, -0.447198, 0.0, -0.206, -0.0728863, 0.0], 254.4556),
]

# on s = default_rng(0) after x: standard_normal((2, 300))
MEL_CASES = [
    (dict(fft_length=64, sequence_stride=16, num_mel_bins=10, sampling_rate=8000),
     (2, 10, 19), [0, 75, 151, 227, 303, 379],
     [16.4005, 15.6339, 22.2564, 10.5814, 12.9485, 16.1571], 6102.203),
    (dict(fft_length=64, sequence_stride=20, sequence_length=40, num_mel_bins=12,
          sampling_rate=16000, min_freq=100.0, max_freq=6000, power_to_db=False, mag_exp=1.0),
     (2, 12, 16), [0, 76, 153, 229, 306, 383],
     [5.78202, 1.45851, 4.45942, 5.69189, 1.46116, 4.97884], 2247.457),
    (dict(fft_length=32, sequence_stride=8, num_mel_bins=6, top_db=20.0, ref_power=2.0,
          window="hamming"), (2, 6, 38), [0, 91, 182, 273, 364, 455],
     [6.4836, 9.41029, 15.1847, 11.017, 11.4652, 7.57116], 4010.598),
    (dict(fft_length=32, sequence_stride=8, num_mel_bins=6, window=None), (2, 6, 38),
     [0, 91, 182, 273, 364, 455], [6.1394, 17.9926, 20.1214, 15.0845, 16.5818, 15.9024],
     7253.613),
]


def _signals():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 40, 3)).astype("float32")
    s = rng.standard_normal((2, 300)).astype("float32")
    return x, s


def _stft_input(x, args):
    return x.transpose(0, 2, 1) if args.get("data_format") == "channels_first" else x


@pytest.mark.parametrize("args, shape, index, values, total", STFT_CASES)
def test_stft_spectrogram_matches_keras(args, shape, index, values, total):
    x, _ = _signals()
    layer = STFTSpectrogram(**args)
    out = layer(_stft_input(x, args)).numpy()
    assert out.shape == shape and out.dtype == np.float32
    assert layer.compute_output_shape(_stft_input(x, args).shape) == shape
    got = out.ravel()[index]
    if args["mode"] == "angle":  # +pi and -pi are one angle (the sign of a zero imag part)
        got = (got - np.float32(values) + np.pi) % (2 * np.pi) - np.pi + np.float32(values)
    np.testing.assert_allclose(got, values, rtol=1e-5, atol=2e-6)
    np.testing.assert_allclose(np.abs(out).sum(), total, rtol=1e-5)


def test_stft_spectrogram_weights_are_the_fourier_basis_and_trainable():
    layer = STFTSpectrogram(frame_length=8, window="hann", scaling="density")
    layer.build((None, 40, 1))
    assert [w.name for w in layer.weights] == ["real_kernel", "imag_kernel"]
    assert all(w.trainable for w in layer.weights)
    assert layer.real_kernel.shape == (8, 1, 5)
    win = 0.5 - 0.5 * np.cos(2 * np.pi * np.arange(8) / 7)  # symmetric hann (periodic=False)
    t, f = np.arange(8)[:, None], np.arange(5)[None]
    expected = np.cos(-2 * np.pi * t * f / 8) * win[:, None] / np.sqrt((win ** 2).sum())
    np.testing.assert_allclose(layer.real_kernel.numpy()[:, 0], expected, atol=1e-6)


def test_stft_spectrogram_only_the_kernels_it_needs():
    real = STFTSpectrogram(mode="real", frame_length=4)
    real.build((None, 8, 1))
    imag = STFTSpectrogram(mode="imag", frame_length=4)
    imag.build((None, 8, 1))
    assert [w.name for w in real.weights] == ["real_kernel"]
    assert [w.name for w in imag.weights] == ["imag_kernel"]


def test_stft_spectrogram_hand_computed_dc_bin_and_gradient():
    layer = STFTSpectrogram(mode="real", frame_length=4, frame_step=2, window=None,
                            scaling=None)
    x = numnet.Tensor(np.arange(8, dtype="float32").reshape(1, 8, 1), requires_grad=True)
    out = layer(x)
    np.testing.assert_allclose(out.numpy()[0, :, 0], [6.0, 14.0, 22.0])  # frame sums
    numnet.ops.sum(out[..., 0]).backward()
    np.testing.assert_allclose(x.grad.ravel(), [1, 1, 2, 2, 2, 2, 1, 1])
    assert layer.real_kernel.grad is not None


def test_stft_spectrogram_config_as_keras():
    layer = STFTSpectrogram(mode="psd", frame_length=16, frame_step=4, fft_length=32,
                            window="hamming", periodic=True, scaling="spectrum",
                            padding="same", expand_dims=True, data_format="channels_last")
    config = layer.get_config()
    expected = {"mode": "psd", "frame_length": 16, "frame_step": 4, "fft_length": 32,
                "window": "hamming", "periodic": True, "scaling": "spectrum",
                "padding": "same", "data_format": "channels_last", "expand_dims": True}
    assert {k: config[k] for k in expected} == expected
    again = STFTSpectrogram.from_config(config)
    assert again.get_config() == config
    assert STFTSpectrogram().get_config()["frame_step"] is None  # the default kept as None


@pytest.mark.parametrize("args, message", [
    (dict(mode="power"), "mode"), (dict(frame_length=8, frame_step=9), "frame_step"),
    (dict(frame_length=8, fft_length=4), "fft_length"), (dict(scaling="none"), "scaling"),
    (dict(padding="causal"), "padding"), (dict(data_format="nhwc"), "data_format"),
])
def test_stft_spectrogram_bad_arguments(args, message):
    with pytest.raises(ValueError, match=message):
        STFTSpectrogram(**args)


def test_stft_spectrogram_refuses_integer_signals():
    with pytest.raises(TypeError, match="float"):
        STFTSpectrogram(frame_length=4)(np.ones((1, 8, 1), "int32"))


@pytest.mark.parametrize("args, shape, index, values, total", MEL_CASES)
def test_mel_spectrogram_matches_keras(args, shape, index, values, total):
    _, s = _signals()
    layer = MelSpectrogram(**args)
    out = layer(s).numpy()
    assert out.shape == shape and out.dtype == np.float32
    assert layer.compute_output_shape(s.shape) == shape
    np.testing.assert_allclose(out.ravel()[index], values, rtol=2e-5, atol=2e-5)
    np.testing.assert_allclose(np.abs(out).sum(), total, rtol=1e-5)
    one = layer(s[0]).numpy()
    assert one.shape == shape[1:]


def test_mel_spectrogram_top_db_floors_at_the_batch_maximum():
    _, s = _signals()
    out = MelSpectrogram(fft_length=32, sequence_stride=8, num_mel_bins=6, top_db=10.0)(s)
    out = out.numpy()
    np.testing.assert_allclose(out.min(), out.max() - 10.0, rtol=1e-6)


def test_mel_weight_matrix_is_triangles_peaking_at_one():
    from numnet.layers.audio import mel_weight_matrix
    matrix = numnet.backend.to_numpy(mel_weight_matrix(4, 65, 8000, 20.0, 4000.0))
    assert matrix.shape == (65, 4) and matrix.dtype == np.float32
    assert np.all(matrix[0] == 0) and np.all(matrix >= 0) and np.all(matrix <= 1)
    assert np.all(matrix.max(axis=0) > 0.8)


def test_mel_spectrogram_config_and_bad_lengths():
    layer = MelSpectrogram(fft_length=512, sequence_stride=128, num_mel_bins=40,
                           sampling_rate=22050)
    config = layer.get_config()
    assert config["sequence_length"] == 512 and config["max_freq"] == 11025
    assert MelSpectrogram.from_config(config).get_config() == config
    with pytest.raises(ValueError, match="fft_length"):
        MelSpectrogram(fft_length=64, sequence_length=128)


@pytest.mark.parametrize("layer, shape", [
    (lambda: STFTSpectrogram(frame_length=8, frame_step=4, mode="magnitude"), (40, 3)),
    (lambda: MelSpectrogram(fft_length=64, sequence_stride=16, num_mel_bins=10), (300,)),
])
def test_audio_layers_round_trip_numnet_files(tmp_path, layer, shape):
    model = numnet.Sequential([numnet.layers.Input(shape), layer()])
    x = np.random.default_rng(1).standard_normal((2, *shape)).astype("float32")
    path = str(tmp_path / "model.numnet")
    model.save(path)
    again = numnet.models.load_model(path)
    np.testing.assert_array_equal(again.predict(x, verbose=0), model.predict(x, verbose=0))


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


def test_stft_spectrogram_against_keras_itself():
    keras = _keras()
    x, _ = _signals()
    for args, *_ in STFT_CASES:
        if args["mode"] == "angle":
            continue
        theirs = keras.layers.STFTSpectrogram(**args)
        ours = STFTSpectrogram(**args)
        xi = _stft_input(x, args)
        np.testing.assert_allclose(ours(xi).numpy(), np.asarray(theirs(xi)), atol=1e-5,
                                   rtol=1e-5)
        for a, b in zip(ours.weights, theirs.weights):
            np.testing.assert_allclose(a.numpy(), np.asarray(b), atol=1e-6)
        config = theirs.get_config()
        assert {k: v for k, v in ours.get_config().items() if k not in ("dtype", "name")} == \
            {k: v for k, v in config.items() if k not in ("dtype", "name")}


def test_audio_layers_load_from_keras_files(tmp_path):
    keras = _keras()
    x, s = _signals()
    model = keras.Sequential([keras.Input((40, 3)),
                              keras.layers.STFTSpectrogram(frame_length=8, frame_step=4)])
    kernel = model.layers[0].real_kernel
    kernel.assign(np.asarray(kernel) * 1.5)  # trained weights travel
    path = str(tmp_path / "stft.keras")
    model.save(path)
    ours = numnet.models.load_model(path)
    np.testing.assert_allclose(ours.predict(x, verbose=0),
                               np.asarray(model.predict(x, verbose=0)), atol=1e-5)
    model = keras.Sequential([keras.Input((300,)),
                              keras.layers.MelSpectrogram(fft_length=64, sequence_stride=16,
                                                          num_mel_bins=10)])
    path = str(tmp_path / "mel.keras")
    model.save(path)
    ours = numnet.models.load_model(path)
    np.testing.assert_allclose(ours.predict(s, verbose=0),
                               np.asarray(model.predict(s, verbose=0)), atol=1e-4)
