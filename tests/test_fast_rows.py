"""The compiled scatter-add of an embedding's gradient (fast/rows.py): ``np.add.at`` to the last
bit, and the NumPy path of ``row_sums`` (a stable sort and ``np.add.reduceat``) to rounding."""

from __future__ import annotations

import numpy as np
import pytest

from numnet.fast import rows as fast_rows
from numnet.fast import updates as fused
from numnet.layers import embedding


def _numpy_row_sums(ids, g, rows):
    fused.set_enabled(False)
    try:
        return embedding.row_sums(ids, g, rows)
    finally:
        fused.set_enabled(True)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("id_dtype", ["int32", "int64"])
def test_scatter_add_equals_add_at_and_the_sorted_sums(dtype, id_dtype):
    if not fused.is_available():
        pytest.skip("the compiled scatter-add needs numba")
    rng = np.random.default_rng(0)
    p = 1.0 / np.arange(1, 501)  # Zipf-like: many repeats of the first rows
    ids = rng.choice(500, size=3000, p=p / p.sum()).astype(id_dtype)
    g = rng.normal(size=(3000, 24)).astype(dtype)
    got = embedding.row_sums(ids, g, 600)
    want = np.zeros((600, 24), dtype)
    np.add.at(want, ids, g)
    assert got.dtype == np.dtype(dtype) and got.shape == (600, 24)
    np.testing.assert_array_equal(got, want)
    tol = 1e-5 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(got, _numpy_row_sums(ids, g, 600), rtol=tol, atol=tol)
    assert not got[500:].any()  # rows never read stay zero
    # by hand: a row read twice gets both terms, in order
    small = embedding.row_sums(np.array([2, 0, 2]), np.array([[1.0], [2.0], [4.0]], dtype), 3)
    np.testing.assert_array_equal(small, np.array([[2.0], [0.0], [5.0]], dtype))


def test_scatter_add_declines_what_it_does_not_take():
    out = np.zeros((4, 2), "float32")
    assert not fast_rows.scatter_add(out, np.array([0, 1]), np.ones((2, 2), "float64"))
    assert not fast_rows.scatter_add(out, np.array([0.0, 1.0]), np.ones((2, 2), "float32"))
    assert not out.any()
