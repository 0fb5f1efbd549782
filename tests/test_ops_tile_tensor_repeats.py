"""ops.tile takes its repeats as a tensor too (the miniature GPT example builds them with
ops.concatenate of ops.expand_dims(batch_size, -1) and [1, 1]), as Keras does eagerly; the
gradient of the tiled tensor is still the sum of its copies."""

from __future__ import annotations

import os

import numpy as np
import pytest

import numnet
from numnet import ops

M = np.arange(4, dtype="float32").reshape(1, 2, 2)


@pytest.mark.parametrize("repeats", [
    ops.convert_to_tensor([3, 1, 2]),
    np.array([3, 1, 2]),
    [ops.convert_to_tensor(3), 1, 2],
    (3, 1, 2),
])
def test_repeats_of_every_kind(repeats):
    out = ops.convert_to_numpy(ops.tile(M, repeats))
    np.testing.assert_array_equal(out, np.tile(M, (3, 1, 2)))


def test_repeats_built_with_ops():
    mult = ops.concatenate([ops.expand_dims(2, -1), ops.convert_to_tensor([1, 1])], 0)
    assert ops.convert_to_numpy(ops.tile(M, mult)).shape == (2, 2, 2)


def test_gradient_is_the_sum_of_the_copies():
    x = numnet.Variable(M)
    with numnet.GradientTape() as tape:
        y = ops.sum(ops.tile(x, ops.convert_to_tensor([2, 3, 1])) * 2.0)
    np.testing.assert_array_equal(ops.convert_to_numpy(tape.gradient(y, x)),
                                  np.full(M.shape, 12.0))


def test_float_counts_are_refused():
    with pytest.raises(TypeError, match="tile\\(repeats\\): expected integer counts"):
        ops.tile(M, np.array([2.0, 1.0, 1.0]))


def test_same_as_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    mult = keras.ops.convert_to_tensor([3, 1, 2])
    np.testing.assert_array_equal(np.asarray(keras.ops.tile(M, mult)),
                                  ops.convert_to_numpy(ops.tile(M, ops.convert_to_tensor(
                                      [3, 1, 2]))))
