"""The embedding's gradient: sorted segment sums against np.add.at, and through the layer."""

from __future__ import annotations

import numpy as np
import pytest

from numnet import layers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor
from numnet.layers.embedding import row_sums, take_rows


def _zipf_ids(rng, count, rows):
    p = 1.0 / np.arange(1, rows + 1)
    return rng.choice(rows, size=count, p=p / p.sum())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_row_sums_equal_add_at_where_the_sums_are_exact(dtype):
    rng = np.random.default_rng(0)
    ids = _zipf_ids(rng, 3000, 500)
    g = rng.integers(-8, 9, size=(3000, 16)).astype(dtype)  # whole numbers: every order exact
    want = np.zeros((500, 16), dtype)
    np.add.at(want, ids, g)
    got = row_sums(ids, g, 500)
    assert got.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(got, want)


def test_row_sums_are_as_accurate_as_add_at():
    rng = np.random.default_rng(1)
    ids = _zipf_ids(rng, 3200, 20_000)
    g = rng.normal(size=(3200, 32)).astype("float32")
    exact = np.zeros((20_000, 32))
    np.add.at(exact, ids, g.astype(np.float64))
    at = np.zeros((20_000, 32), "float32")
    np.add.at(at, ids, g)
    got = row_sums(ids, g, 20_000)
    # rows never read are zero; the others within float32 rounding of the exact sums
    unread = np.setdiff1d(np.arange(20_000), ids)
    assert not got[unread].any()
    assert np.abs(got - exact).max() <= np.abs(at - exact).max() + 1e-6
    np.testing.assert_allclose(got, exact, rtol=0, atol=1e-4)


def test_row_sums_of_no_ids_and_of_one_id():
    assert not row_sums(np.zeros(0, "int64"), np.zeros((0, 3), "float32"), 4).any()
    got = row_sums(np.array([2, 2, 2]), np.ones((3, 2), "float32"), 4)
    np.testing.assert_array_equal(got, [[0, 0], [0, 0], [3, 3], [0, 0]])


def test_take_rows_gradient_check():
    rng = np.random.default_rng(2)
    ids = np.array([[0, 3, 3], [1, 0, 3]])
    table = rng.normal(size=(5, 4))
    error = check_gradients(lambda t: ops.sum(ops.square(take_rows(t, ids))), [table])
    assert error < 1e-6


def test_the_layer_gradient_is_the_scatter_add_of_its_output_gradient():
    rng = np.random.default_rng(3)
    layer = layers.Embedding(50, 6)
    ids = _zipf_ids(rng, 40, 50).reshape(4, 10)
    out = layer(ids)
    g = rng.normal(size=out.shape).astype("float32")
    out.backward(g)
    want = np.zeros((50, 6), "float32")
    np.add.at(want, ids.reshape(-1), g.reshape(-1, 6))
    np.testing.assert_allclose(layer.embeddings.grad, want, rtol=0, atol=1e-6)
    assert layer.embeddings.grad.dtype == np.float32
    # the forward is the rows
    np.testing.assert_array_equal(out.numpy(), layer.embeddings.numpy()[ids])
    # no gradient recorded without one needed
    assert take_rows(Tensor(np.ones((3, 2))), np.array([0, 2])).backward_fn is None


def test_an_embedding_table_is_not_counted_as_a_product_for_the_blas_threads():
    from numnet.fast import threads

    model = layers.Embedding(20_000, 128)
    model.build(None)
    dense = layers.Dense(7)
    dense.build((None, 20))
    weights = [*model.trainable_weights, *dense.trainable_weights]
    assert threads.largest_product(weights, 32) == 32 * 20 * 7
