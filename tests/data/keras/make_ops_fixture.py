"""Write ``ops.keras``: a functional model with ops on symbolic tensors, saved by Keras 3, with
its input (``ops_x.npy``) and Keras's predictions (``ops_y.npy``). tests/test_keras_file_ops.py
reads it without Keras, and builds the same model in numnet with :func:`build` to compare the
file numnet writes with Keras's, entry by entry.

Run with keras and jax installed::

    KERAS_BACKEND=jax python tests/data/keras/make_ops_fixture.py
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def build(keras):
    """The model, on ``keras`` or on ``numnet`` (the same code: both have Keras's API)."""
    layers, ops = keras.layers, keras.ops
    x = keras.Input((8,), name="x")
    h = layers.Dense(16, name="dense")(x)
    h = ops.relu(h) * 2.0 + ops.mean(h, axis=-1, keepdims=True)
    h = ops.concatenate([h, x], axis=-1)
    left, right = ops.split(h, 2, axis=-1)
    grid = ops.transpose(ops.reshape(left, (-1, 3, 4)), (0, 2, 1))
    grid = ops.pad(ops.softmax(grid, axis=1), ((0, 0), (1, 0), (0, 0)), constant_values=0.5)
    flat = ops.squeeze(ops.expand_dims(ops.sum(grid, axis=1), 1), axis=1)
    mixed = ops.matmul(right, np.linspace(-1, 1, 36, dtype="float32").reshape(12, 3))
    mixed = -mixed / 3.0 - ops.cast(mixed > 0, "float32") + abs(right[:, 1:4]) ** 2
    out = layers.Dense(2, name="head")(ops.concatenate([flat, mixed, h[:, ::4]], axis=-1))
    return keras.Model(x, out, name="ops")


def main():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    keras.utils.set_random_seed(7)
    model = build(keras)
    x = np.random.default_rng(7).normal(size=(6, 8)).astype("float32")
    model.save(HERE / "ops.keras")
    np.save(HERE / "ops_x.npy", x)
    np.save(HERE / "ops_y.npy", np.asarray(model.predict(x, verbose=0)))


if __name__ == "__main__":
    main()
