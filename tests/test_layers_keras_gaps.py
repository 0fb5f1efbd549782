"""EinsumDense, RMSNormalization, SpectralNormalization, StackedRNNCells, Conv3DTranspose and
the SeparableConvolution aliases: hand values, gradient checks, configs, training in models,
saving, and Keras 3 (JAX) itself where it is installed."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.autodiff.gradcheck import check_gradients

RNG = np.random.default_rng(3)


def _keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    return pytest.importorskip("keras")


# ----- EinsumDense -----

EQUATIONS = [  # (equation, output_shape, bias_axes, input shape)
    ("ab,bc->ac", 4, "c", (3, 5)),
    ("abc,cd->abd", (None, 4), "d", (2, 3, 5)),
    ("abc,cde->abde", (None, 2, 3), "de", (2, 3, 5)),
    ("abcd,cde->abe", (3, 4), "e", (2, 3, 2, 5)),
    ("...b,bc->...c", 4, None, (2, 3, 2, 5)),
    ("ab...,bc->ac...", 4, "c", (2, 5, 3)),
    ("abc,cd->abd", (3, 4), "b", (2, 3, 5)),
]


@pytest.mark.parametrize("equation,output_shape,bias_axes,shape", EQUATIONS)
def test_einsum_dense_is_einsum_plus_bias(equation, output_shape, bias_axes, shape):
    layer = layers.EinsumDense(equation, output_shape, bias_axes=bias_axes,
                               bias_initializer="random_normal")
    x = RNG.normal(size=shape).astype("float32")
    y = layer(x).numpy()
    want = np.einsum(equation, x, layer.kernel.numpy())
    if bias_axes is not None:
        want = want + layer.bias.numpy()
    np.testing.assert_allclose(y, want, rtol=1e-5, atol=1e-5)
    shape_rule = layer.compute_output_shape((None, *shape[1:]))
    assert all(d is None or d == n for d, n in zip(shape_rule[1:], y.shape[1:], strict=True))


def test_einsum_dense_shapes_by_hand():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 4, 8), bias_axes="de")
    layer.build((None, 5, 16))
    assert layer.kernel.shape == (16, 4, 8) and layer.bias.shape == (4, 8)
    # an output size given as None is the input's size of that letter
    assert layer.compute_output_shape((None, 5, 16)) == (None, 5, 4, 8)
    layer = layers.EinsumDense("...b,bc->...c", output_shape=4)
    assert layer.compute_output_shape((None, 3, 2, 5)) == (None, 3, 2, 4)
    layer = layers.EinsumDense("abc,cd->abd", output_shape=(3, 4), bias_axes="b")
    layer.build((None, 3, 5))
    assert layer.bias.shape == (3, 1)  # bias from 'b' on, 1 on the output axes it skips
    layer = layers.EinsumDense("ab...,bc->ac...", output_shape=4, bias_axes="c")
    layer.build((None, 5, 3))
    assert layer.bias.shape == (4, 1)


def test_einsum_dense_glorot_fans_are_the_kernel_axes():
    numnet.utils.set_random_seed(0)
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 64, 64))
    layer.build((None, 2, 32))
    limit = np.sqrt(6.0 / (32 + 64 * 64))  # fan_in 32, fan_out 64 * 64, as Keras 3
    kernel = layer.kernel.numpy()
    assert np.abs(kernel).max() <= limit
    assert np.abs(kernel).max() > 0.9 * limit


def test_einsum_dense_gradients():
    layer = layers.EinsumDense("abc,cde->abde", output_shape=(None, 2, 3), bias_axes="de",
                               activation="tanh", dtype="float64",
                               bias_initializer="random_normal")
    layer.build((None, 3, 4))
    error = check_gradients(lambda x: layer(x), [RNG.normal(size=(2, 3, 4))],
                            params=layer.trainable_weights)
    assert error < 1e-6


@pytest.mark.parametrize("bad,match", [
    (dict(equation="ab,bc", output_shape=3), "form"),
    (dict(equation="ab,bd->ac", output_shape=3), "neither"),
    (dict(equation="ab,bc->ac", output_shape=3, bias_axes="z"), "bias_axes"),
])
def test_einsum_dense_errors(bad, match):
    with pytest.raises((ValueError, TypeError), match=match):
        layers.EinsumDense(**bad).build((None, 5))


def test_einsum_dense_config_round_trip_and_fit(tmp_path):
    layer = layers.EinsumDense("abc,cd->abd", (None, 4), bias_axes="d", activation="relu")
    clone = layers.EinsumDense.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    model = numnet.Sequential([numnet.Input((3, 5)), layer, layers.Flatten(), layers.Dense(1)])
    model.compile("adam", "mse")
    x = RNG.normal(size=(32, 3, 5)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    history = model.fit(x, y, epochs=5, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "m.numnet")
    loaded = numnet.models.load_model(tmp_path / "m.numnet")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


@pytest.mark.parametrize("equation,output_shape,bias_axes,shape", EQUATIONS)
def test_einsum_dense_matches_keras(equation, output_shape, bias_axes, shape):
    keras = _keras()
    theirs = keras.layers.EinsumDense(equation, output_shape, bias_axes=bias_axes,
                                      bias_initializer="random_normal")
    x = RNG.normal(size=shape).astype("float32")
    want = np.asarray(theirs(x))
    ours = layers.EinsumDense(equation, output_shape, bias_axes=bias_axes)
    ours.build((None, *shape[1:]))
    assert [w.shape for w in ours.weights] == [tuple(w.shape) for w in theirs.weights]
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(x).numpy(), want, rtol=1e-5, atol=1e-5)
    # Keras leaves None where output_shape says None (numnet gives the input's size) and
    # reverses the axes a leading '...' stands for when there are two or more of them
    mine = ours.compute_output_shape((None, *shape[1:]))
    keras_shape = tuple(theirs.compute_output_shape((None, *shape[1:])))
    if not (equation.startswith("...") and len(shape) > 3):
        assert all(k is None or k == m for k, m in zip(keras_shape, mine, strict=True))


# ----- RMSNormalization -----

def test_rms_normalization_by_hand():
    x = np.array([[3.0, 4.0], [1.0, -1.0]], "float32")
    layer = layers.RMSNormalization(epsilon=0.0)
    want = x / np.sqrt((x ** 2).mean(axis=-1, keepdims=True))
    np.testing.assert_allclose(layer(x).numpy(), want, rtol=1e-6)
    assert layer.scale.shape == (2,) and layer.axis == [-1]


def test_rms_normalization_several_axes_and_gradients():
    layer = layers.RMSNormalization(axis=[1, 2], dtype="float64")
    layer.build((None, 3, 4))
    layer.scale.assign(RNG.normal(size=(3, 4)))
    x = RNG.normal(size=(2, 3, 4))
    want = x / np.sqrt((x ** 2).mean(axis=(1, 2), keepdims=True) + 1e-6) * layer.scale.numpy()
    np.testing.assert_allclose(layer(x).numpy(), want, rtol=1e-6)
    error = check_gradients(lambda t: layer(t), [x], params=layer.trainable_weights)
    assert error < 1e-6


def test_rms_normalization_config_and_errors():
    layer = layers.RMSNormalization(axis=-1, epsilon=1e-3)
    assert layers.RMSNormalization.from_config(layer.get_config()).epsilon == 1e-3
    with pytest.raises(ValueError, match="out of bounds"):
        layers.RMSNormalization(axis=3)(np.ones((2, 3), "float32"))
    with pytest.raises(TypeError, match="axis"):
        layers.RMSNormalization(axis="last")


@pytest.mark.parametrize("axis,shape", [(-1, (2, 5)), ([1, 2], (2, 3, 4)), (1, (2, 3, 4, 2))])
def test_rms_normalization_matches_keras(axis, shape):
    keras = _keras()
    theirs = keras.layers.RMSNormalization(axis=axis)
    x = RNG.normal(size=shape).astype("float32")
    theirs.build(x.shape)
    scale = RNG.normal(size=theirs.scale.shape).astype("float32")
    theirs.set_weights([scale])
    ours = layers.RMSNormalization(axis=axis)
    ours.build(x.shape)
    ours.set_weights([scale])
    if axis == 1 and len(shape) == 4:  # Keras broadcasts scale against the last axes
        scale = scale[:, None, None]
    want = x / np.sqrt((x ** 2).mean(axis=tuple(np.atleast_1d(axis)), keepdims=True) + 1e-6) \
        * (scale if axis != 1 else scale)
    got = ours(x).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    if not (axis == 1 and len(shape) == 4):
        np.testing.assert_allclose(got, np.asarray(theirs(x)), rtol=1e-5, atol=1e-6)


# ----- SpectralNormalization -----

def _spectral_reference(kernel, u, iterations):
    w = kernel.reshape(-1, kernel.shape[-1]).astype(np.float64)
    u = u.astype(np.float64)
    for _ in range(iterations):
        v = u @ w.T
        v = v / np.linalg.norm(v)
        u = v @ w
        u = u / np.linalg.norm(u)
    sigma = float((v @ w @ u.T)[0, 0])
    return u, kernel / sigma


def test_spectral_normalization_power_iteration_by_hand():
    sn = layers.SpectralNormalization(layers.Dense(3), power_iterations=2)
    x = RNG.normal(size=(4, 5)).astype("float32")
    sn.build(x.shape)
    kernel, u = sn.layer.kernel.numpy().copy(), sn.vector_u.numpy().copy()
    assert [w.name for w in sn.weights] == ["kernel", "vector_u", "bias"]
    assert [w.name for w in sn.trainable_weights] == ["kernel", "bias"]
    y = sn(x, training=True).numpy()
    want_u, want_kernel = _spectral_reference(kernel, u, 2)
    np.testing.assert_allclose(sn.vector_u.numpy(), want_u, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(sn.layer.kernel.numpy(), want_kernel, rtol=1e-5)
    np.testing.assert_allclose(y, x @ want_kernel + sn.layer.bias.numpy(), rtol=1e-5, atol=1e-5)
    before = sn.layer.kernel.numpy()
    sn(x)  # inference: the kernel as it stands
    np.testing.assert_array_equal(sn.layer.kernel.numpy(), before)
    for _ in range(30):
        sn(x, training=True)
    assert abs(np.linalg.norm(sn.layer.kernel.numpy(), 2) - 1.0) < 1e-3


def test_spectral_normalization_trains_and_round_trips(tmp_path):
    model = numnet.Sequential([numnet.Input((6, 6, 1)),
                               layers.SpectralNormalization(layers.Conv2D(2, 3)),
                               layers.Flatten(), layers.Dense(1)])
    model.compile("adam", "mse")
    x = RNG.normal(size=(16, 6, 6, 1)).astype("float32")
    y = x.mean(axis=(1, 2, 3))[:, None]
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    kernel = model.layers[0].layer.kernel.numpy()
    assert np.isfinite(kernel).all()
    config = model.layers[0].get_config()
    clone = layers.SpectralNormalization.from_config(config)
    assert clone.power_iterations == 1 and isinstance(clone.layer, layers.Conv2D)
    model.save(tmp_path / "sn.numnet")
    loaded = numnet.models.load_model(tmp_path / "sn.numnet")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)
    with pytest.raises(ValueError, match="power_iterations"):
        layers.SpectralNormalization(layers.Dense(2), power_iterations=0)
    with pytest.raises(ValueError, match="kernel"):
        layers.SpectralNormalization(layers.Flatten())(np.ones((1, 2), "float32"))


def test_spectral_normalization_matches_keras():
    keras = _keras()
    theirs = keras.layers.SpectralNormalization(keras.layers.Dense(3), power_iterations=3)
    x = RNG.normal(size=(4, 5)).astype("float32")
    theirs.build(x.shape)
    ours = layers.SpectralNormalization(layers.Dense(3), power_iterations=3)
    ours.build(x.shape)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(x, training=True).numpy(),
                               np.asarray(theirs(x, training=True)), rtol=1e-5, atol=1e-5)
    for a, b in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-5, atol=1e-6)


# ----- StackedRNNCells -----

def test_stacked_cells_are_the_cells_in_turn():
    cells = [layers.SimpleRNNCell(3), layers.GRUCell(2)]
    rnn = layers.RNN(layers.StackedRNNCells(cells), return_sequences=True, return_state=True)
    x = RNG.normal(size=(2, 4, 5)).astype("float32")
    out, h1, h2 = rnn(x)
    assert out.shape == (2, 4, 2) and h1.shape == (2, 3) and h2.shape == (2, 2)
    # the same cells run as two RNN layers give the same numbers
    first = layers.RNN(cells[0], return_sequences=True)
    second = layers.RNN(cells[1], return_sequences=True)
    want = second(first(x)).numpy()
    np.testing.assert_allclose(out.numpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(h2.numpy(), want[:, -1], rtol=1e-5, atol=1e-6)
    assert [w.name for w in rnn.weights] == ["kernel", "recurrent_kernel", "bias"] * 2


def test_stacked_cells_state_forms_and_config():
    stacked = layers.StackedRNNCells([layers.LSTMCell(3), layers.GRUCell(2)])
    assert stacked.state_size == [3, 3, 2] and stacked.output_size == 2
    x = np.ones((2, 4), "float32")
    out, states = stacked(x, stacked.get_initial_state(2))
    assert out.shape == (2, 2) and [s.shape for s in states] == [(2, 3), (2, 3), (2, 2)]
    zeros = [[np.zeros((2, 3), "float32")] * 2, np.zeros((2, 2), "float32")]
    out2, nested = stacked(x, zeros)
    assert len(nested) == 2 and len(nested[0]) == 2
    np.testing.assert_allclose(out2.numpy(), out.numpy(), rtol=1e-6)
    clone = layers.StackedRNNCells.from_config(stacked.get_config())
    assert [type(c).__name__ for c in clone.cells] == ["LSTMCell", "GRUCell"]
    with pytest.raises(TypeError, match="cells"):
        layers.StackedRNNCells([])


def test_stacked_cells_gradients_and_fit(tmp_path):
    stacked = layers.StackedRNNCells([layers.SimpleRNNCell(3, dtype="float64"),
                                      layers.LSTMCell(2, dtype="float64")], dtype="float64")
    rnn = layers.RNN(stacked, dtype="float64")
    rnn.build((None, 3, 4))
    error = check_gradients(lambda x: rnn(x), [RNG.normal(size=(2, 3, 4))],
                            params=rnn.trainable_weights)
    assert error < 1e-6
    model = numnet.Sequential([numnet.Input((5, 3)), layers.RNN(layers.StackedRNNCells(
        [layers.LSTMCell(4), layers.LSTMCell(4)])), layers.Dense(1)])
    model.compile("adam", "mse")
    x = RNG.normal(size=(32, 5, 3)).astype("float32")
    y = x.sum(axis=(1, 2))[:, None]
    history = model.fit(x, y, epochs=4, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "stacked.numnet")
    loaded = numnet.models.load_model(tmp_path / "stacked.numnet")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5)


def test_stacked_cells_match_keras():
    keras = _keras()
    theirs = keras.layers.RNN(keras.layers.StackedRNNCells(
        [keras.layers.LSTMCell(3), keras.layers.GRUCell(2)]), return_sequences=True)
    x = RNG.normal(size=(2, 4, 5)).astype("float32")
    want = np.asarray(theirs(x))
    ours = layers.RNN(layers.StackedRNNCells([layers.LSTMCell(3), layers.GRUCell(2)]),
                      return_sequences=True)
    ours.build(x.shape)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(x).numpy(), want, rtol=1e-5, atol=1e-6)


# ----- Conv3DTranspose and the aliases -----

def test_conv3d_transpose_by_the_definition():
    layer = layers.Conv3DTranspose(2, (2, 3, 2), strides=(2, 1, 2), bias_initializer="ones")
    x = RNG.normal(size=(1, 2, 3, 2, 3)).astype("float32")
    y = layer(x).numpy()
    kernel = layer.kernel.numpy()
    assert kernel.shape == (2, 3, 2, 2, 3) and y.shape == (1, 4, 5, 4, 2)
    want = np.zeros(y.shape, "float64")
    for i, j, k in np.ndindex(2, 3, 2):
        for a, b, c in np.ndindex(2, 3, 2):
            want[:, i * 2 + a, j + b, k * 2 + c] += x[:, i, j, k] @ kernel[a, b, c].T
    np.testing.assert_allclose(y, want + 1.0, rtol=1e-5, atol=1e-5)


def test_conv3d_transpose_gradients_config_and_aliases():
    layer = layers.Conv3DTranspose(2, 2, strides=2, padding="same", dtype="float64")
    layer.build((None, 2, 2, 2, 1))
    error = check_gradients(lambda x: layer(x), [RNG.normal(size=(1, 2, 2, 2, 1))],
                            params=layer.trainable_weights)
    assert error < 1e-6
    clone = layers.Conv3DTranspose.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert layers.Convolution3DTranspose is layers.Conv3DTranspose
    assert layers.SeparableConvolution1D is layers.SeparableConv1D
    assert layers.SeparableConvolution2D is layers.SeparableConv2D
    with pytest.raises(ValueError, match="5 axes"):
        layers.Conv3DTranspose(2, 2)(np.ones((1, 2, 2, 2), "float32"))


@pytest.mark.parametrize("kwargs", [dict(strides=2, padding="same"),
                                    dict(strides=(1, 2, 1), padding="valid"),
                                    dict(strides=2, padding="same", output_padding=1),
                                    dict(dilation_rate=2, padding="same")])
def test_conv3d_transpose_matches_keras(kwargs):
    keras = _keras()
    theirs = keras.layers.Conv3DTranspose(3, (2, 3, 3), **kwargs)
    x = RNG.normal(size=(2, 3, 4, 3, 2)).astype("float32")
    want = np.asarray(theirs(x))
    ours = layers.Conv3DTranspose(3, (2, 3, 3), **kwargs)
    ours.build(x.shape)
    ours.set_weights(theirs.get_weights())
    np.testing.assert_allclose(ours(x).numpy(), want, rtol=1e-4, atol=1e-5)


def test_keras_files_with_the_new_layers_load(tmp_path):
    keras = _keras()
    inputs = keras.Input((5, 8))
    x = keras.layers.EinsumDense("abc,cd->abd", (None, 6), bias_axes="d")(inputs)
    x = keras.layers.RMSNormalization()(x)
    x = keras.layers.RNN(keras.layers.StackedRNNCells(
        [keras.layers.LSTMCell(3), keras.layers.GRUCell(2), keras.layers.GRUCell(2)]),
        return_sequences=True)(x)
    x = keras.layers.Reshape((5, 2, 1, 1))(x)
    x = keras.layers.ConvLSTM2D(2, 1)(x)
    x = keras.layers.Reshape((2, 2))(x)
    x = keras.layers.AdaptiveAveragePooling1D(1)(x)
    outputs = keras.layers.Dense(2)(keras.layers.Flatten()(x))
    theirs = keras.Model(inputs, outputs)
    x = RNG.normal(size=(3, 5, 8)).astype("float32")
    theirs.save(tmp_path / "new_layers.keras")
    ours = numnet.models.load_model(tmp_path / "new_layers.keras")
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
