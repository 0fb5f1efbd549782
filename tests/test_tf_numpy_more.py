"""The tf.experimental.numpy names added to numnet.tf_api.tnp (atleast_*, meshgrid, nansum,
select, vander, ...): NumPy's values (NumPy is the second implementation), with TensorFlow's
dtypes where its tnp differs from NumPy (noted). TensorFlow 2.21 gives the same results."""

import numpy as np
import pytest

import numnet as tf

tnp = tf.experimental.numpy
I32 = np.array([[3, -4], [5, 6]], np.int32)
F32 = np.array([[1.5, -2.5], [np.nan, 4.0]], np.float32)


def same(t, expected):
    expected = np.asarray(expected)
    got = np.asarray(t.numpy() if hasattr(t, "numpy") else t)
    assert got.dtype == expected.dtype, (got.dtype, expected.dtype)
    np.testing.assert_allclose(got, expected, equal_nan=True)


@pytest.mark.parametrize("name", ["bitwise_and", "bitwise_or", "bitwise_xor", "gcd", "lcm"])
def test_integer_pairs_as_numpy(name):
    other = np.array([6, 3], np.int32)
    same(getattr(tnp, name)(tnp.asarray(I32), tnp.asarray(other)), getattr(np, name)(I32, other))


def test_elementwise_as_numpy():
    same(tnp.bitwise_not(tnp.asarray(I32)), np.bitwise_not(I32))
    same(tnp.signbit(tnp.asarray(F32)), np.signbit(F32))
    inf = np.array([-np.inf, 1.0, np.inf])
    same(tnp.isneginf(tnp.asarray(inf)), np.isneginf(inf))
    same(tnp.isposinf(tnp.asarray(inf)), np.isposinf(inf))
    finite = np.nan_to_num(F32)
    same(tnp.logaddexp2(tnp.asarray(finite), 1.0), np.logaddexp2(finite, np.float32(1.0)))
    same(tnp.nextafter(tnp.asarray(F32), np.float32(10)), np.nextafter(F32, np.float32(10)))
    same(tnp.fix(tnp.asarray([2.5, -2.5])), np.fix([2.5, -2.5]))
    same(tnp.positive(tnp.asarray(I32)), I32)
    same(tnp.remainder(tnp.asarray(I32), 4), np.remainder(I32, np.int32(4)))
    z = np.array([1 + 2j, -3 + 0j])
    same(tnp.angle(tnp.asarray(z)), np.angle(z))
    same(tnp.angle(tnp.asarray(z), deg=True), np.angle(z, deg=True))
    same(tnp.iscomplex(tnp.asarray(z)), [True, False])
    assert tnp.iscomplexobj(tnp.asarray(z)) and not tnp.isrealobj(tnp.asarray(z))
    assert not tnp.iscomplexobj(tnp.asarray(F32)) and tnp.isrealobj(F32)


def test_tensorflow_dtypes_where_tnp_differs_from_numpy():
    # TensorFlow keeps int32 for fabs, float_power and vander, and gives int32 diagonal
    # indices; NumPy gives float64, float64, int64 and int64
    same(tnp.fabs(tnp.asarray(I32)), np.abs(I32))
    same(tnp.float_power(tnp.asarray(I32), 2), I32 ** 2)
    same(tnp.float_power(tnp.asarray([2], np.int32), 0.5), [np.sqrt(2.0)])
    same(tnp.vander(tnp.asarray([1, 2], np.int32)), np.array([[1, 1], [2, 1]], np.int32))
    rows, cols = tnp.diag_indices(3)
    same(rows, np.arange(3, dtype=np.int32))
    same(cols, np.arange(3, dtype=np.int32))


def test_nan_reductions():
    same(tnp.nansum(tnp.asarray(F32)), np.nansum(F32))
    same(tnp.nanmean(tnp.asarray(F32), axis=0), np.nanmean(F32, axis=0))
    same(tnp.nanprod(tnp.asarray(F32), axis=1), np.nanprod(F32, axis=1))
    same(tnp.nansum(tnp.asarray(I32), axis=1, keepdims=True),
         np.nansum(I32, axis=1, keepdims=True))


def test_shapes():
    assert tnp.atleast_1d(3.0).shape == (1,)
    assert tnp.atleast_2d(tnp.asarray([1, 2, 3])).shape == (1, 3)
    assert tnp.atleast_3d(tnp.asarray([1, 2, 3])).shape == (1, 3, 1)
    assert tnp.atleast_3d(tnp.asarray(I32)).shape == (2, 2, 1)
    assert [a.shape for a in tnp.atleast_2d(1, [1, 2])] == [(1, 1), (1, 2)]
    same(tnp.flatten(tnp.asarray(I32)), I32.ravel())
    same(tnp.ascontiguousarray(I32, np.float32), I32.astype(np.float32))
    same(tnp.empty_like(tnp.asarray(I32)), np.zeros_like(I32))
    a, b = tnp.broadcast_arrays(tnp.asarray([1, 2, 3]), tnp.asarray([[1.0], [2.0]]))
    same(a, np.broadcast_to(np.array([1, 2, 3]), (2, 3)))
    assert b.shape == (2, 3) and b.dtype == np.float64
    for name in ("hsplit", "vsplit"):
        parts = getattr(tnp, name)(tnp.asarray(I32), 2)
        for got, want in zip(parts, getattr(np, name)(I32, 2)):
            same(got, want)
    assert [p.shape for p in tnp.dsplit(tnp.ones([2, 2, 4]), 2)] == [(2, 2, 2)] * 2


def test_selection_and_indexing():
    x = np.array([1, 2, 3])
    same(tnp.compress([True, False, True], tnp.asarray(x)), np.compress([True, False, True], x))
    same(tnp.compress([False, True], tnp.asarray(I32), axis=1),
         np.compress([False, True], I32, axis=1))
    same(tnp.compress([True, False, True], tnp.asarray(I32)), np.compress([1, 0, 1], I32))
    rows, cols = tnp.ix_([0, 1], [1, 0])
    assert rows.shape == (2, 1) and cols.shape == (1, 2)
    same(tnp.take(tnp.asarray(I32.ravel()), rows * 2 + cols), I32[np.ix_([0, 1], [1, 0])])
    conditions = [x > 1, x < 1]
    same(tnp.select([tnp.asarray(c) for c in conditions], [tnp.asarray(x), tnp.asarray(-x)],
                    default=-1), np.select(conditions, [x, -x], default=-1))
    q, r = tnp.divmod(tnp.asarray(I32), 4)
    same(q, I32 // 4)
    same(r, I32 % 4)


def test_creation_and_polynomials():
    same(tnp.tri(3), np.tri(3))
    same(tnp.tri(2, 4, 1, np.int32), np.tri(2, 4, 1, np.int32))
    same(tnp.logspace(0, 3, 4), np.logspace(0, 3, 4))
    same(tnp.logspace(0, 3, 4, base=2.0, endpoint=False), np.logspace(0, 3, 4, False, 2.0))
    same(tnp.geomspace(1, 1000, 4), np.geomspace(1, 1000, 4))
    same(tnp.geomspace(1, 16, 5, dtype=np.float32), np.geomspace(1, 16, 5, dtype=np.float32))
    same(tnp.vander(tnp.asarray([0.5, -1.25, 2.0]), 2, increasing=True),
         np.vander([0.5, -1.25, 2.0], 2, increasing=True))
    same(tnp.polyval([1, 2, 3], tnp.asarray([1, 2, 3])), np.polyval([1, 2, 3], [1, 2, 3]))
    p = np.array([0.5, 2.0], np.float32)
    same(tnp.polyval(tnp.asarray(p), tnp.asarray(p)), np.polyval(p, p))
    same(tnp.append(tnp.asarray(I32), tnp.asarray([0.5, -1.25])),
         np.append(I32, [0.5, -1.25]))
    same(tnp.append(tnp.asarray(I32), tnp.asarray(I32), axis=1), np.append(I32, I32, axis=1))
    xs, ys = tnp.meshgrid(tnp.asarray([1, 2, 3]), tnp.asarray([0.5, 1.5]))
    want = np.meshgrid([1, 2, 3], [0.5, 1.5])
    same(xs, want[0])
    same(ys, want[1])
    assert [m.shape for m in tnp.meshgrid(tnp.asarray([1, 2, 3]), tnp.asarray([1, 2]),
                                          indexing="ij")] == [(3, 2), (3, 2)]


def test_types_and_predicates():
    assert tnp.promote_types(tnp.int32, tnp.float32) == np.float64
    assert tnp.promote_types("int8", "uint8") == np.int16
    assert tnp.inexact is np.inexact and tnp.object_ is np.object_
    assert tnp.string_ is np.bytes_ and tnp.unicode_ is np.str_
    assert tnp.isscalar(3) and tnp.isscalar(tnp.asarray(3.0))  # a 0-d Tensor is (TensorFlow)
    assert not tnp.isscalar(tnp.asarray([1])) and not tnp.isscalar([1])


def test_gradient_flows_through_polyval_and_vander():
    x = tf.Variable(np.array([2.0, 3.0]))
    with tf.GradientTape() as tape:
        y = tnp.sum(tnp.polyval(tnp.asarray([1.0, 2.0, 3.0]), x))  # x^2 + 2x + 3
    same(tape.gradient(y, x), np.array([6.0, 8.0]))
