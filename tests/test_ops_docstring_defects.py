"""Defects that Keras's own docstring examples found in numnet's ops, losses and metrics.

Each test pins Keras 3's numbers (Keras 3.15.1 on JAX, recorded in the comments), so it runs
without Keras installed. tests/test_keras_docstrings.py runs the examples themselves.
"""

from __future__ import annotations

import numpy as np

import numnet as keras
from numnet import ops


def test_in_top_k_counts_an_out_of_range_target_as_not_in():
    # keras.ops.in_top_k's docstring: the target 5 of a 5-class row is out of range.
    # Keras: [True, False, True]; numnet raised IndexError.
    predictions = ops.convert_to_tensor([[0.1, 0.4, 0.6, 0.9, 0.5],
                                         [0.1, 0.7, 0.9, 0.8, 0.3],
                                         [0.1, 0.6, 0.9, 0.9, 0.5]])
    got = ops.in_top_k(ops.convert_to_tensor([2, 5, 3]), predictions, k=3)
    np.testing.assert_array_equal(got.numpy(), [True, False, True])


def test_in_top_k_counts_a_negative_target_from_the_end():
    # Keras (JAX), k=3 on [0.1, 0.4, 0.6, 0.9, 0.5]: targets [-1, -2, -5, -6, 7] give
    # [True, True, False, False, False] (-1 is 0.5, third largest; -6 and 7 are out of range).
    predictions = ops.convert_to_tensor([[0.1, 0.4, 0.6, 0.9, 0.5]] * 5)
    got = ops.in_top_k(ops.convert_to_tensor([-1, -2, -5, -6, 7]), predictions, k=3)
    np.testing.assert_array_equal(got.numpy(), [True, True, False, False, False])
    assert keras.ops.in_top_k is ops.in_top_k
