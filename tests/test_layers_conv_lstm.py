"""ConvLSTM1D/2D/3D: one step by hand, masks, state options, gradient checks, configs, a model
that trains and saves, and Keras 3 (JAX) where installed."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import layers
from numnet.autodiff.gradcheck import check_gradients

RNG = np.random.default_rng(2)


def _sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _conv1d_same(x, k):
    """(batch, length, in) * (taps, in, out), stride 1, 'same' padding, by hand."""
    taps = k.shape[0]
    left = (taps - 1) // 2
    padded = np.pad(x, ((0, 0), (left, taps - 1 - left), (0, 0)))
    return sum(padded[:, t:t + x.shape[1]] @ k[t] for t in range(taps))


def test_conv_lstm1d_steps_by_hand():
    layer = layers.ConvLSTM1D(2, 3, padding="same", return_sequences=True,
                              bias_initializer="random_normal")
    x = RNG.normal(size=(2, 3, 5, 1)).astype("float32")
    out = layer(x).numpy()
    kernel, recurrent, bias = (w.numpy().astype(np.float64) for w in layer.weights)
    h = c = np.zeros((2, 5, 2))
    for t in range(3):
        z = _conv1d_same(x[:, t], kernel) + _conv1d_same(h, recurrent) + bias
        i, f, g, o = np.split(z, 4, axis=-1)
        c = _sigmoid(f) * c + _sigmoid(i) * np.tanh(g)
        h = _sigmoid(o) * np.tanh(c)
        np.testing.assert_allclose(out[:, t], h, rtol=1e-5, atol=1e-6)
    assert [w.path for w in layer.weights] == [
        f"{layer.name}/conv_lstm_cell/{n}" for n in ("kernel", "recurrent_kernel", "bias")]


def test_unit_forget_bias_and_shapes():
    layer = layers.ConvLSTM2D(3, (3, 2), strides=(2, 1))
    layer.build((None, 4, 9, 6, 2))
    np.testing.assert_array_equal(layer.cell.bias.numpy(), [0] * 3 + [1] * 3 + [0] * 6)
    assert layer.cell.kernel.shape == (3, 2, 2, 12)
    assert layer.cell.recurrent_kernel.shape == (3, 2, 3, 12)
    assert layer.compute_output_shape((None, 4, 9, 6, 2)) == (None, 4, 5, 3)
    both = layers.ConvLSTM2D(3, 3, padding="same", return_state=True, return_sequences=True)
    assert both.compute_output_shape((None, 4, 9, 6, 2)) == (
        (None, 4, 9, 6, 3), (None, 9, 6, 3), (None, 9, 6, 3))
    out, h, c = both(np.ones((1, 4, 9, 6, 2), "float32"))
    np.testing.assert_array_equal(out.numpy()[:, -1], h.numpy())
    assert c.shape == (1, 9, 6, 3)


def test_mask_backwards_and_stateful():
    layer = layers.ConvLSTM1D(2, 2, return_sequences=True)
    x = RNG.normal(size=(2, 4, 5, 1)).astype("float32")
    mask = np.array([[1, 1, 0, 0], [1, 1, 1, 1]], bool)
    out = layer(x, mask=mask).numpy()
    np.testing.assert_array_equal(out[0, 2], out[0, 1])  # a masked step keeps the state
    short = layer(x[:1, :2]).numpy()
    np.testing.assert_allclose(out[0, 1], short[0, 1], rtol=1e-6)
    backwards = layers.ConvLSTM1D(2, 2, go_backwards=True)
    backwards.build(x.shape)
    forwards = layers.ConvLSTM1D(2, 2)
    forwards.build(x.shape)
    forwards.set_weights(backwards.get_weights())
    np.testing.assert_allclose(backwards(x).numpy(), forwards(x[:, ::-1]).numpy(), rtol=1e-6)
    stateful = layers.ConvLSTM1D(2, 2, stateful=True)
    stateful.build(x.shape)
    stateful.set_weights(forwards.get_weights())
    stateful(x[:, :2])
    np.testing.assert_allclose(stateful(x[:, 2:]).numpy(), forwards(x).numpy(), rtol=1e-5)
    stateful.reset_states()
    assert not np.abs(stateful.states[0].numpy()).any()


def test_gradients_with_dropout_off_and_on():
    layer = layers.ConvLSTM1D(2, 2, padding="same", dtype="float64",
                              bias_initializer="random_normal")
    layer.build((None, 3, 4, 2))
    assert check_gradients(lambda t: layer(t), [RNG.normal(size=(2, 3, 4, 2))],
                           params=layer.trainable_weights) < 1e-6
    drop = layers.ConvLSTM1D(2, 2, dropout=0.5, recurrent_dropout=0.5, seed=1,
                             return_sequences=True)
    x = np.ones((2, 3, 4, 1), "float32")
    assert not np.allclose(drop(x, training=True).numpy(), drop(x, training=False).numpy())


def test_config_round_trip_and_model(tmp_path):
    layer = layers.ConvLSTM2D(4, 3, padding="same", dropout=0.1, return_sequences=True,
                              unit_forget_bias=False, recurrent_activation="hard_sigmoid")
    clone = layers.ConvLSTM2D.from_config(layer.get_config())
    assert clone.get_config() == layer.get_config()
    assert clone.filters == 4 and clone.kernel_size == (3, 3)
    model = numnet.Sequential([numnet.Input((3, 6, 6, 1)),
                               layers.ConvLSTM2D(2, 3, padding="same"),
                               layers.GlobalAveragePooling2D(), layers.Dense(1)])
    model.compile("adam", "mse")
    x = RNG.normal(size=(16, 3, 6, 6, 1)).astype("float32")
    y = x.mean(axis=(1, 2, 3, 4))[:, None]
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    model.save(tmp_path / "convlstm.numnet")
    loaded = numnet.models.load_model(tmp_path / "convlstm.numnet")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-5)
    with pytest.raises(ValueError, match="5 axes"):
        layers.ConvLSTM2D(2, 3)(np.ones((1, 2, 4, 4), "float32"))


@pytest.mark.parametrize("rank,shape,kwargs", [
    (1, (2, 4, 7, 3), dict()), (2, (2, 3, 6, 5, 2), dict(padding="same", strides=2)),
    (2, (2, 3, 6, 5, 2), dict(dilation_rate=2)), (3, (1, 2, 4, 4, 4, 1), dict(padding="same"))])
def test_conv_lstm_matches_keras(rank, shape, kwargs):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    name = f"ConvLSTM{rank}D"
    theirs = getattr(keras.layers, name)(3, 3, return_sequences=True, return_state=True,
                                         **kwargs)
    ours = getattr(layers, name)(3, 3, return_sequences=True, return_state=True, **kwargs)
    x = RNG.normal(size=shape).astype("float32")
    want = theirs(x)
    ours.build((None, *shape[1:]))
    ours.set_weights(theirs.get_weights())
    for a, b in zip(ours(x), want, strict=True):
        np.testing.assert_allclose(a.numpy(), np.asarray(b), rtol=1e-5, atol=1e-6)
    assert ours.compute_output_shape((None, *shape[1:]))[0][1:] == tuple(want[0].shape)[1:]
