"""model.load_weights of a Keras 3 ``.keras`` model file: the weights of its model.weights.h5,
as Keras's load_weights reads them (ModelCheckpoint("best.keras") then load_weights)."""

import os

import numpy as np
import pytest

import numnet

pytest.importorskip("h5py")


def _model():
    inputs = numnet.Input((6,))
    x = numnet.layers.Dense(5, activation="relu")(inputs)
    x = numnet.layers.BatchNormalization()(x)
    outputs = numnet.layers.Dense(2)(x)
    return numnet.Model(inputs, outputs)


def test_weights_come_back_from_a_keras_file(tmp_path):
    model = _model()
    x = np.random.default_rng(0).normal(size=(4, 6)).astype("float32")
    model.compile("adam", "mse")
    model.fit(x, np.ones((4, 2), "float32"), epochs=2, verbose=0)
    expected = model.predict(x, verbose=0)
    saved = [w.copy() for w in model.get_weights()]
    path = str(tmp_path / "best.keras")
    model.save(path)
    model.set_weights([np.zeros_like(w) for w in saved])
    model.load_weights(path)
    for got, want in zip(model.get_weights(), saved, strict=True):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-6)


def test_a_model_of_other_shapes_is_refused_and_left_alone(tmp_path):
    path = str(tmp_path / "best.keras")
    _model().save(path)
    other = numnet.Sequential([numnet.Input((6,)), numnet.layers.Dense(3)])
    before = [w.copy() for w in other.get_weights()]
    with pytest.raises(ValueError):
        other.load_weights(path)
    for got, want in zip(other.get_weights(), before, strict=True):
        np.testing.assert_array_equal(got, want)


def test_a_file_that_keras_wrote(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    inputs = keras.Input((6,))
    x = keras.layers.Dense(5, activation="relu")(inputs)
    x = keras.layers.BatchNormalization()(x)
    theirs = keras.Model(inputs, keras.layers.Dense(2)(x))
    path = str(tmp_path / "keras_made.keras")
    theirs.save(path)
    ours = _model()
    ours.load_weights(path)
    for got, want in zip(ours.get_weights(), theirs.get_weights(), strict=True):
        np.testing.assert_array_equal(got, np.asarray(want))
