"""Shape, axis and count arguments of ops given as tensors (computed with ops, as the keras.io
examples compute masks and multiples), or as lists holding 0-d tensors: Keras takes them
eagerly, and so does numnet; non-integer ones are refused by name."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import ops

t = ops.convert_to_tensor
X = np.arange(12, dtype="float32").reshape(3, 4)

CASES = {
    "reshape": (lambda: ops.reshape(X, t([4, 3])), np.reshape(X, (4, 3))),
    "reshape_list": (lambda: ops.reshape(X, [t(2), -1]), np.reshape(X, (2, 6))),
    "broadcast_to": (lambda: ops.broadcast_to(np.ones((1, 4), "float32"), t([3, 4])),
                     np.ones((3, 4))),
    "zeros": (lambda: ops.zeros(t([2, 3])), np.zeros((2, 3))),
    "ones": (lambda: ops.ones([t(2), 3]), np.ones((2, 3))),
    "full": (lambda: ops.full(t([2, 2]), 7.0), np.full((2, 2), 7.0)),
    "eye": (lambda: ops.eye(t(3), k=t(1)), np.eye(3, k=1)),
    "identity": (lambda: ops.identity(t(2)), np.eye(2)),
    "slice": (lambda: ops.slice(X, t([1, 0]), t([2, 2])), X[1:3, 0:2]),
    "top_k": (lambda: ops.top_k(X, k=t(2))[0], np.sort(X, axis=-1)[:, ::-1][:, :2]),
    "sum_axis": (lambda: ops.sum(X, axis=t(1)), X.sum(axis=1)),
    "mean_axes": (lambda: ops.mean(X, axis=[t(0), t(1)]), X.mean()),
    "max_axis_array": (lambda: ops.max(X, axis=np.array(0)), X.max(axis=0)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_tensor_arguments(name):
    fn, expected = CASES[name]
    np.testing.assert_allclose(ops.convert_to_numpy(fn()), expected)


def test_gradients_still_flow():
    x = numnet.Variable(X)
    with numnet.GradientTape() as tape:
        y = ops.sum(ops.reshape(x, t([6, 2])) * ops.broadcast_to(t([1.0, 2.0]), t([6, 2])))
    np.testing.assert_array_equal(ops.convert_to_numpy(tape.gradient(y, x)),
                                  np.tile([1.0, 2.0], 6).reshape(3, 4))


def test_float_shapes_are_refused_by_name():
    with pytest.raises(TypeError, match="newshape: expected integers"):
        ops.reshape(X, np.array([4.0, 3.0]))
    with pytest.raises(TypeError, match="shape: expected integers"):
        ops.zeros(t([2.0, 3.0]))


def test_same_as_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    kt = keras.ops.convert_to_tensor
    theirs = [keras.ops.reshape(X, kt([4, 3])), keras.ops.zeros(kt([2, 3])),
              keras.ops.slice(X, kt([1, 0]), kt([2, 2])), keras.ops.sum(X, axis=kt(1)),
              keras.ops.top_k(X, k=kt(2))[0], keras.ops.eye(kt(3))]
    ours = [ops.reshape(X, t([4, 3])), ops.zeros(t([2, 3])), ops.slice(X, t([1, 0]), t([2, 2])),
            ops.sum(X, axis=t(1)), ops.top_k(X, k=t(2))[0], ops.eye(t(3))]
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(ops.convert_to_numpy(a), np.asarray(b))
