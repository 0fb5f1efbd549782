"""load_weights of a .weights.h5 file for a model whose own layers hold layers (a tokenizer
layer holding a Sequential, a patch encoder holding Dense and Embedding): save_weights writes
their weights where Keras 3's walk puts them (``layers/<layer>/<attribute>/...``), and
load_weights reads them from there, in numnet and from a file Keras wrote."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import numnet
from numnet import layers, ops

pytest.importorskip("h5py")


class Tokenizer(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.conv_model = numnet.Sequential()
        self.conv_model.add(layers.Conv2D(4, 3, use_bias=False, activation="relu"))
        self.conv_model.add(layers.MaxPooling2D(2))
        self.project = layers.Dense(5)

    def call(self, images):
        x = self.conv_model(images)
        x = ops.reshape(x, (-1, ops.shape(x)[1] * ops.shape(x)[2], ops.shape(x)[-1]))
        return self.project(x)


def _model(seed):
    numnet.utils.set_random_seed(seed)
    inputs = layers.Input((6, 6, 2))
    tokens = Tokenizer()(inputs)
    outputs = layers.Dense(3)(layers.GlobalAveragePooling1D()(tokens))
    return numnet.Model(inputs, outputs)


X = (np.arange(2 * 6 * 6 * 2, dtype="float32").reshape(2, 6, 6, 2) % 7) / 7


def test_round_trip(tmp_path):
    model, other = _model(1), _model(2)
    assert not np.allclose(model.predict(X, verbose=0), other.predict(X, verbose=0))
    model.save_weights(tmp_path / "m.weights.h5")
    other.load_weights(tmp_path / "m.weights.h5")
    np.testing.assert_array_equal(other.predict(X, verbose=0), model.predict(X, verbose=0))
    for mine, theirs in zip(model.weights, other.weights, strict=True):
        np.testing.assert_array_equal(mine.numpy(), theirs.numpy())


def test_layout_is_keras_walk(tmp_path):
    import h5py

    _model(1).save_weights(tmp_path / "m.weights.h5")
    names = []
    with h5py.File(tmp_path / "m.weights.h5", "r") as h5:
        h5.visititems(lambda name, obj: names.append(name)
                      if isinstance(obj, h5py.Dataset) else None)
    assert sorted(names) == [
        "layers/dense/vars/0", "layers/dense/vars/1",
        "layers/tokenizer/conv_model/layers/conv2d/vars/0",
        "layers/tokenizer/project/vars/0", "layers/tokenizer/project/vars/1"]


def test_a_wrong_shape_is_refused_and_nothing_changes(tmp_path):
    model = _model(1)
    model.save_weights(tmp_path / "m.weights.h5")

    numnet.utils.set_random_seed(3)
    inputs = layers.Input((6, 6, 2))
    outputs = layers.Dense(4)(layers.GlobalAveragePooling1D()(Tokenizer()(inputs)))
    other = numnet.Model(inputs, outputs)
    before = [w.numpy().copy() for w in other.weights]
    with pytest.raises(ValueError):
        other.load_weights(tmp_path / "m.weights.h5")
    for value, weight in zip(before, other.weights, strict=True):
        np.testing.assert_array_equal(value, weight.numpy())


def test_reads_the_file_keras_writes(tmp_path):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("keras")
    pytest.importorskip("jax")
    script = textwrap.dedent("""
        import numpy as np, keras
        from keras import layers, ops
        class Tokenizer(layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.conv_model = keras.Sequential()
                self.conv_model.add(layers.Conv2D(4, 3, use_bias=False, activation="relu"))
                self.conv_model.add(layers.MaxPooling2D(2))
                self.project = layers.Dense(5)
            def call(self, images):
                x = self.conv_model(images)
                x = ops.reshape(x, (-1, ops.shape(x)[1] * ops.shape(x)[2], ops.shape(x)[-1]))
                return self.project(x)
        keras.utils.set_random_seed(5)
        inputs = layers.Input((6, 6, 2))
        outputs = layers.Dense(3)(layers.GlobalAveragePooling1D()(Tokenizer()(inputs)))
        model = keras.Model(inputs, outputs)
        model.save_weights("k.weights.h5")
        x = (np.arange(2 * 6 * 6 * 2, dtype="float32").reshape(2, 6, 6, 2) % 7) / 7
        np.save("k.npy", np.asarray(model.predict(x, verbose=0)))
    """)
    env = dict(os.environ, KERAS_BACKEND="jax")
    done = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    model = _model(1)
    model.load_weights(tmp_path / "k.weights.h5")
    np.testing.assert_allclose(model.predict(X, verbose=0), np.load(tmp_path / "k.npy"),
                               rtol=1e-5, atol=1e-6)
