"""The layers added to numnet after the first .keras writer, in Keras's form: each model of one
such layer round-trips through a .keras file in numnet, Keras loads numnet's file and predicts
the same, and numnet loads Keras's (those cross-checks skip without keras)."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pytest

import numnet
from numnet.saving import keras_writer

pytest.importorskip("h5py")

CASES = '''
import numpy as np


def cases(keras):
    layers = keras.layers
    r = np.random.default_rng(0)
    img = (r.random((2, 8, 8, 3)) * 255).astype("float32")
    seq = r.normal(size=(2, 8, 3)).astype("float32")
    vol = r.normal(size=(2, 4, 4, 4, 2)).astype("float32")
    flat = r.normal(size=(2, 6)).astype("float32")
    return {
        "AdaptiveAveragePooling1D": (lambda: layers.AdaptiveAveragePooling1D(4), seq),
        "AdaptiveMaxPooling1D": (lambda: layers.AdaptiveMaxPooling1D(4), seq),
        "AdaptiveAveragePooling2D": (lambda: layers.AdaptiveAveragePooling2D((4, 4)), img),
        "AdaptiveMaxPooling3D": (lambda: layers.AdaptiveMaxPooling3D((2, 2, 2)), vol),
        "DepthwiseConv1D": (lambda: layers.DepthwiseConv1D(3), seq),
        "SeparableConv2D": (lambda: layers.SeparableConv2D(4, 3), img / 255.0),
        "SpatialDropout1D": (lambda: layers.SpatialDropout1D(0.5), seq),
        "SpatialDropout3D": (lambda: layers.SpatialDropout3D(0.5), vol),
        "RandomColorDegeneration": (lambda: layers.RandomColorDegeneration(0.5), img),
        "RandomGaussianBlur": (lambda: layers.RandomGaussianBlur(), img),
        "RandomHue": (lambda: layers.RandomHue(0.5), img),
        "RandomPosterization": (lambda: layers.RandomPosterization(4), img),
        "RandomSaturation": (lambda: layers.RandomSaturation(0.5), img),
        "RandomSharpness": (lambda: layers.RandomSharpness(0.5), img),
        "AveragePooling3D": (lambda: layers.AveragePooling3D(2), vol),
        "MaxPooling3D": (lambda: layers.MaxPooling3D(2), vol),
        "Conv3D": (lambda: layers.Conv3D(2, 2), vol),
        "Cropping3D": (lambda: layers.Cropping3D(1), vol),
        "GlobalAveragePooling3D": (lambda: layers.GlobalAveragePooling3D(), vol),
        "GlobalMaxPooling3D": (lambda: layers.GlobalMaxPooling3D(), vol),
        "ZeroPadding3D": (lambda: layers.ZeroPadding3D(1), vol),
        "ConvLSTM3D": (lambda: layers.ConvLSTM3D(2, 3),
                       r.normal(size=(2, 3, 4, 4, 4, 2)).astype("float32")),
        "AdaptiveMaxPooling2D": (lambda: layers.AdaptiveMaxPooling2D((4, 4)), img),
        "AdaptiveAveragePooling3D": (lambda: layers.AdaptiveAveragePooling3D((2, 2, 2)), vol),
        "DepthwiseConv2D": (lambda: layers.DepthwiseConv2D(3), img / 255.0),
        "SeparableConv1D": (lambda: layers.SeparableConv1D(4, 3), seq),
        "SpatialDropout2D": (lambda: layers.SpatialDropout2D(0.5), img),
        "GroupNormalization": (lambda: layers.GroupNormalization(groups=3), img),
        "AutoContrast": (lambda: layers.AutoContrast(), img / 255.0),
        "CutMix": (lambda: layers.CutMix(), img),
        "MixUp": (lambda: layers.MixUp(), img),
        "RandomErasing": (lambda: layers.RandomErasing(), img),
        "RandomGrayscale": (lambda: layers.RandomGrayscale(), img),
        "RandomInvert": (lambda: layers.RandomInvert(), img),
        "Solarization": (lambda: layers.Solarization(), img),
        "Conv3DTranspose": (lambda: layers.Conv3DTranspose(2, 2), vol),
        "UpSampling3D": (lambda: layers.UpSampling3D(2), vol),
        "ConvLSTM1D": (lambda: layers.ConvLSTM1D(2, 3),
                       r.normal(size=(2, 3, 8, 2)).astype("float32")),
        "ConvLSTM2D": (lambda: layers.ConvLSTM2D(2, 3),
                       r.normal(size=(2, 3, 6, 6, 2)).astype("float32")),
        "EinsumDense": (lambda: layers.EinsumDense("ab,bc->ac", output_shape=4,
                                                   bias_axes="c"), flat),
        "RMSNormalization": (lambda: layers.RMSNormalization(), flat),
        "SpectralNormalization": (lambda: layers.SpectralNormalization(layers.Dense(3)), flat),
        "Discretization": (lambda: layers.Discretization(bin_boundaries=[0.0, 1.0]), flat),
        "ReversibleEmbedding": (lambda: layers.ReversibleEmbedding(10, 4),
                                r.integers(0, 10, (2, 6)).astype("int32")),
        "StackedRNNCells": (lambda: layers.RNN([layers.LSTMCell(3), layers.GRUCell(2)]), seq),
        "GroupQueryAttention": (lambda: layers.GroupQueryAttention(
            head_dim=4, num_query_heads=2, num_key_value_heads=1),
            r.normal(size=(2, 5, 8)).astype("float32")),
        "Pipeline": (lambda: layers.Pipeline([layers.RandomFlip(), layers.Rescaling(0.5)]),
                     img),
        "STFTSpectrogram": (lambda: layers.STFTSpectrogram(
            mode="magnitude", frame_length=8, frame_step=4, fft_length=8),
            r.normal(size=(2, 32, 1)).astype("float32")),
        "MelSpectrogram": (lambda: layers.MelSpectrogram(
            fft_length=16, sequence_stride=4, sequence_length=16, sampling_rate=800,
            num_mel_bins=6, power_to_db=False), r.normal(size=(2, 64)).astype("float32")),
        "RandomShear": (lambda: layers.RandomShear(0.2, (0.0, 0.1)), img),
        "RandomPerspective": (lambda: layers.RandomPerspective(0.5), img),
        "RandomElasticTransform": (lambda: layers.RandomElasticTransform(), img),
        "RandomColorJitter": (lambda: layers.RandomColorJitter(brightness_factor=0.2), img),
        "RandAugment": (lambda: layers.RandAugment(), img),
        "AugMix": (lambda: layers.AugMix(), img),
        "ContrastLimitedAdaptiveHistogramEqualization": (
            lambda: layers.ContrastLimitedAdaptiveHistogramEqualization(tile_grid_size=(2, 2)),
            img),
    }


# MelSpectrogram's FFT: float32 rounding of NumPy's and JAX's FFTs differ by a few 1e-6
RTOL = {"MelSpectrogram": 2e-5}


def build(keras, name):
    make, x = cases(keras)[name]
    inputs = keras.Input(x.shape[1:], dtype="int32" if x.dtype.kind in "iu" else None)
    layer = make()
    outputs = layer(inputs, inputs) if name == "GroupQueryAttention" else layer(inputs)
    model = keras.Model(inputs, outputs)
    rng = np.random.default_rng(1)
    model.set_weights([rng.normal(0.0, 0.5, w.shape).astype(w.dtype) for w in
                       model.get_weights()])
    return model, x
'''

NS: dict = {}
exec(compile(CASES, "<cases>", "exec"), NS)
NAMES = sorted(NS["cases"](numnet))


def test_every_new_layer_here_is_one_the_writer_gives_keras():
    assert set(NAMES) - {"StackedRNNCells"} <= keras_writer.KERAS_LAYERS


@pytest.mark.parametrize("name", NAMES)
def test_a_keras_file_of_the_layer_round_trips(tmp_path, name):
    model, x = NS["build"](numnet, name)
    path = tmp_path / f"{name}.keras"
    model.save(path)
    loaded = numnet.models.load_model(path)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_spectral_normalization_keeps_weights_on_itself_and_on_the_wrapped_layer(tmp_path):
    h5py = pytest.importorskip("h5py")
    import io

    model, x = NS["build"](numnet, "SpectralNormalization")
    path = tmp_path / "sn.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf, h5py.File(io.BytesIO(zf.read("model.weights.h5"))) as h5:
        own = h5["layers/spectral_normalization/vars"]
        inner = h5["layers/spectral_normalization/layer/vars"]
        assert [own[k].shape for k in ("0", "1")] == [(6, 3), (1, 3)]
        assert [inner[k].shape for k in ("0", "1")] == [(6, 3), (3,)]
        np.testing.assert_array_equal(own["0"][()], inner["0"][()])


def test_group_query_attention_is_named_by_keras_s_class(tmp_path):
    model, _ = NS["build"](numnet, "GroupQueryAttention")
    path = tmp_path / "gqa.keras"
    model.save(path)
    with zipfile.ZipFile(path) as zf:
        import io

        import h5py

        with h5py.File(io.BytesIO(zf.read("model.weights.h5"))) as h5:
            assert "layers/grouped_query_attention/_query_dense/vars/0" in h5
        config = json.loads(zf.read("config.json"))
    assert config["config"]["layers"][1]["class_name"] == "GroupQueryAttention"


@pytest.mark.cpu_only
def test_keras_loads_numnet_s_files_of_them_and_numnet_keras_s(tmp_path):
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None:
        pytest.skip("keras (with jax) is not installed")
    for name in NAMES:
        model, x = NS["build"](numnet, name)
        model.save(tmp_path / f"numnet_{name}.keras")
        np.save(tmp_path / f"{name}_x.npy", x)
        np.save(tmp_path / f"numnet_{name}_y.npy", model.predict(x, verbose=0))
    script = CASES + f'''
import keras
for name in {NAMES!r}:
    x = np.load(f"{{name}}_x.npy")
    loaded = keras.models.load_model(f"numnet_{{name}}.keras")
    np.testing.assert_allclose(np.asarray(loaded.predict(x, verbose=0)),
                               np.load(f"numnet_{{name}}_y.npy"), rtol=RTOL.get(name, 1e-6),
                               atol=1e-6,
                               err_msg=name)
    model, _ = build(keras, name)
    model.save(f"keras_{{name}}.keras")
    np.save(f"keras_{{name}}_y.npy", np.asarray(model.predict(x, verbose=0)))
print("checked", len({NAMES!r}))
'''
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"checked {len(NAMES)}" in done.stdout
    for name in NAMES:
        loaded = numnet.models.load_model(tmp_path / f"keras_{name}.keras")
        x = np.load(tmp_path / f"{name}_x.npy")
        np.testing.assert_allclose(loaded.predict(x, verbose=0),
                                   np.load(tmp_path / f"keras_{name}_y.npy"),
                                   rtol=NS["RTOL"].get(name, 1e-6), atol=1e-6, err_msg=name)


@pytest.mark.parametrize("name", sorted(keras_writer.NOT_IN_LEGACY_H5.keys() & set(NAMES)))
def test_a_legacy_h5_file_refuses_what_keras_cannot_load_from_it(tmp_path, name):
    model, _ = NS["build"](numnet, name)
    with pytest.raises(keras_writer.NotKerasCompatible, match="save as .keras"):
        model.save(tmp_path / "m.h5")


@pytest.mark.cpu_only
def test_keras_loads_numnet_s_legacy_h5_files_of_them(tmp_path):
    if importlib.util.find_spec("keras") is None or importlib.util.find_spec("jax") is None:
        pytest.skip("keras (with jax) is not installed")
    names = sorted(set(NAMES) - set(keras_writer.NOT_IN_LEGACY_H5))
    for name in names:
        model, x = NS["build"](numnet, name)
        model.save(tmp_path / f"{name}.h5")
        np.save(tmp_path / f"{name}_x.npy", x)
        np.save(tmp_path / f"{name}_y.npy", model.predict(x, verbose=0))
    script = f'''
import numpy as np
import keras
for name in {names!r}:
    loaded = keras.models.load_model(f"{{name}}.h5")
    np.testing.assert_allclose(np.asarray(loaded.predict(np.load(f"{{name}}_x.npy"), verbose=0)),
                               np.load(f"{{name}}_y.npy"), rtol={NS["RTOL"]!r}.get(name, 1e-6),
                               atol=1e-6,
                               err_msg=name)
print("checked", len({names!r}))
'''
    env = dict(os.environ, KERAS_BACKEND="jax", TF_CPP_MIN_LOG_LEVEL="3")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"checked {len(names)}" in done.stdout
