"""numnet.ops as Keras 3's keras.ops: every op's values against NumPy, Keras's dtype rules, a
central-difference gradient check of every differentiable op, and the ops' registration as
symbolic ops (for functional models)."""

from __future__ import annotations

import doctest
import math

import numpy as np
import pytest

import numnet
from numnet import ops
from numnet.autodiff import symbolic
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

rng = np.random.default_rng(7)  # not 0: the gradient check weighs outputs by seed 0
A = rng.normal(size=(3, 4))  # float64: the gradient checks' inputs
B = rng.normal(size=(3, 4))
POS = rng.uniform(0.5, 2.0, size=(3, 4))
UNIT = rng.uniform(-0.9, 0.9, size=(3, 4))
SQ = rng.normal(size=(3, 3)) + 3 * np.eye(3)
I32 = np.array([[3, -1, 4], [1, -5, 9]], dtype="int32")


def values(t):
    assert isinstance(t, Tensor), type(t)
    return t.numpy()


# ----------------------------------------------------------------------------- values against NumPy

ELEMENTWISE = [
    ("exp", np.exp, A), ("expm1", np.expm1, A), ("log", np.log, POS), ("log1p", np.log1p, POS),
    ("log2", np.log2, POS), ("log10", np.log10, POS), ("sqrt", np.sqrt, POS),
    ("rsqrt", lambda x: 1 / np.sqrt(x), POS), ("reciprocal", np.reciprocal, POS),
    ("square", np.square, A), ("negative", np.negative, A), ("abs", np.abs, A),
    ("absolute", np.abs, A), ("sign", np.sign, A), ("sin", np.sin, A), ("cos", np.cos, A),
    ("tan", np.tan, UNIT), ("arcsin", np.arcsin, UNIT), ("arccos", np.arccos, UNIT),
    ("arctan", np.arctan, A), ("sinh", np.sinh, A), ("cosh", np.cosh, A), ("tanh", np.tanh, A),
    ("arcsinh", np.arcsinh, A), ("arccosh", np.arccosh, POS + 1), ("arctanh", np.arctanh, UNIT),
    ("floor", np.floor, 3 * A), ("ceil", np.ceil, 3 * A), ("round", np.round, 3 * A),
    ("erf", np.vectorize(math.erf), A), ("ravel", np.ravel, A),
    ("isnan", np.isnan, np.array([1.0, np.nan, np.inf])),
    ("isinf", np.isinf, np.array([1.0, np.nan, -np.inf])),
    ("isfinite", np.isfinite, np.array([1.0, np.nan, np.inf])),
    ("logical_not", np.logical_not, np.array([0.0, 2.0])),
]


@pytest.mark.parametrize("name, reference, x", ELEMENTWISE, ids=[e[0] for e in ELEMENTWISE])
def test_element_wise_ops_compute_numpys_values(name, reference, x):
    got = values(getattr(ops, name)(x.astype("float32")))
    np.testing.assert_allclose(got, reference(x.astype("float32")), rtol=2e-6, atol=2e-7)


BINARY = [
    ("add", np.add), ("subtract", np.subtract), ("multiply", np.multiply),
    ("divide", np.divide), ("true_divide", np.true_divide), ("maximum", np.maximum),
    ("minimum", np.minimum), ("arctan2", np.arctan2), ("logaddexp", np.logaddexp),
    ("mod", np.mod), ("floor_divide", np.floor_divide), ("equal", np.equal),
    ("not_equal", np.not_equal), ("less", np.less), ("less_equal", np.less_equal),
    ("greater", np.greater), ("greater_equal", np.greater_equal),
    ("logical_and", np.logical_and), ("logical_or", np.logical_or),
    ("logical_xor", np.logical_xor),
]


@pytest.mark.parametrize("name, reference", BINARY, ids=[b[0] for b in BINARY])
def test_binary_ops_broadcast_and_compute_numpys_values(name, reference):
    a = np.round(A, 1).astype("float32")
    b = np.round(B[:1], 1).astype("float32")  # (1, 4): broadcast
    b[b == 0] = 0.5  # no division by zero
    np.testing.assert_allclose(values(getattr(ops, name)(a, b)), reference(a, b), rtol=1e-6)


def test_power_with_a_tensor_exponent_and_with_a_number():
    np.testing.assert_allclose(values(ops.power(POS, A)), POS.astype("float32")
                               ** A.astype("float32"), rtol=1e-5)
    np.testing.assert_allclose(values(ops.power(A, 3)), A.astype("float32") ** 3, rtol=1e-6)
    assert ops.power(I32, 2).tolist() == (I32 ** 2).tolist()


REDUCTIONS = [
    ("sum", np.sum), ("mean", np.mean), ("max", np.max), ("min", np.min), ("prod", np.prod),
    ("std", np.std), ("var", np.var), ("all", np.all), ("any", np.any),
]


@pytest.mark.parametrize("name, reference", REDUCTIONS, ids=[r[0] for r in REDUCTIONS])
@pytest.mark.parametrize("axis, keepdims", [(None, False), (0, False), (1, True), ((0, 1), False)])
def test_reductions_follow_axis_and_keepdims(name, reference, axis, keepdims):
    x = A.astype("float32")
    got = values(getattr(ops, name)(x, axis=axis, keepdims=keepdims))
    np.testing.assert_allclose(got, reference(x, axis=axis, keepdims=keepdims), rtol=2e-6,
                               atol=1e-7)


def test_logsumexp_is_stable_and_reduces_like_sum():
    x = np.array([[1000.0, 1000.0], [-1000.0, 0.0]], "float32")
    np.testing.assert_allclose(values(ops.logsumexp(x, axis=1)), [1000 + np.log(2), 0.0],
                               rtol=1e-6)
    np.testing.assert_allclose(values(ops.logsumexp(A, axis=0, keepdims=True)),
                               np.log(np.exp(A).sum(axis=0, keepdims=True)), rtol=1e-6)
    assert ops.logsumexp(A).shape == ()


def test_arg_reductions_counts_and_running_sums():
    x = A.astype("float32")
    assert ops.argmax(x, axis=1).tolist() == np.argmax(x, axis=1).tolist()
    assert ops.argmin(x).tolist() == int(np.argmin(x))
    assert ops.argmax(x, axis=0, keepdims=True).shape == (1, 4)
    assert ops.count_nonzero([[0, 1], [2, 0]], axis=0).tolist() == [1, 1]
    np.testing.assert_allclose(values(ops.cumsum(x, axis=1)), np.cumsum(x, axis=1), rtol=1e-6)
    np.testing.assert_allclose(values(ops.cumprod(x)), np.cumprod(x), rtol=1e-5)
    assert ops.cumsum([[1, 2], [3, 4]]).tolist() == [1, 3, 6, 10]


def test_creation_ops():
    assert ops.zeros((2, 3)).tolist() == [[0.0] * 3] * 2
    assert ops.ones(2).dtype == np.float32 and ops.ones(2, "int32").dtype == np.int32
    assert ops.full((2,), 7).tolist() == [7.0, 7.0] and ops.full((2,), 7).dtype == np.float32
    assert ops.full((1,), 2, dtype="int32").dtype == np.int32
    assert ops.zeros_like(I32).dtype == np.int32 and ops.ones_like(A).dtype == np.float32
    assert ops.full_like(I32, 2).tolist() == [[2] * 3] * 2
    assert ops.arange(3).tolist() == [0, 1, 2] and ops.arange(3).dtype == np.int32
    assert ops.arange(1, 2, 0.25).tolist() == [1.0, 1.25, 1.5, 1.75]
    assert ops.arange(3.0).dtype == np.float32
    assert ops.linspace(0, 1, 5).tolist() == [0.0, 0.25, 0.5, 0.75, 1.0]
    out, step = ops.linspace(0, 2, 5, retstep=True)
    assert step == 0.5 and out.dtype == np.float32
    np.testing.assert_array_equal(values(ops.eye(3, 4, k=1)), np.eye(3, 4, k=1))
    np.testing.assert_array_equal(values(ops.identity(2)), np.eye(2))
    np.testing.assert_array_equal(values(ops.tri(3, k=-1)), np.tri(3, k=-1))
    np.testing.assert_array_equal(values(ops.tril(A, -1)), np.tril(A, -1).astype("float32"))
    np.testing.assert_array_equal(values(ops.triu(A, 1)), np.triu(A, 1).astype("float32"))


def test_clip_where_nan_to_num():
    assert ops.clip([-2.0, 0.5, 3.0], 0.0, 1.0).tolist() == [0.0, 0.5, 1.0]
    clipped = ops.clip(I32, 0, 4)
    assert clipped.dtype == np.int32 and clipped.tolist() == np.clip(I32, 0, 4).tolist()
    assert ops.where([True, False], 1.0, -1.0).tolist() == [1.0, -1.0]
    rows, cols = ops.where(np.array([[0, 1], [1, 0]]))
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0] and rows.dtype == np.int32
    fixed = ops.nan_to_num(np.array([np.nan, np.inf, -np.inf, 1.0], "float32"), nan=0.5,
                           posinf=9.0, neginf=-9.0)
    assert fixed.tolist() == [0.5, 9.0, -9.0, 1.0]


# ----------------------------------------------------------------------------- shapes, indexing


def test_shape_ops():
    x = np.arange(24.0).reshape(2, 3, 4).astype("float32")
    assert ops.reshape(x, (4, 6)).shape == (4, 6)
    assert ops.transpose(x, (2, 0, 1)).shape == (4, 2, 3)
    assert ops.expand_dims(x, 1).shape == (2, 1, 3, 4)
    assert ops.expand_dims(x, (0, -1)).shape == (1, 2, 3, 4, 1)
    assert ops.squeeze(np.zeros((1, 3, 1))).shape == (3,)
    assert ops.squeeze(np.zeros((1, 3, 1)), axis=0).shape == (3, 1)
    np.testing.assert_array_equal(values(ops.moveaxis(x, 0, -1)), np.moveaxis(x, 0, -1))
    np.testing.assert_array_equal(values(ops.swapaxes(x, 0, 2)), np.swapaxes(x, 0, 2))
    np.testing.assert_array_equal(values(ops.broadcast_to([1.0, 2.0], (3, 2))),
                                  np.broadcast_to([1.0, 2.0], (3, 2)))
    assert ops.shape(x) == (2, 3, 4) and ops.ndim(x) == 3 and ops.size(x) == 24


def test_joining_and_splitting():
    a, b = A.astype("float32"), B.astype("float32")
    np.testing.assert_array_equal(values(ops.concatenate([a, b])), np.concatenate([a, b]))
    np.testing.assert_array_equal(values(ops.concatenate([a, b], axis=1)),
                                  np.concatenate([a, b], axis=1))
    np.testing.assert_array_equal(values(ops.stack([a, b], axis=1)), np.stack([a, b], axis=1))
    parts = ops.unstack(a, axis=1)
    assert len(parts) == 4 and parts[2].tolist() == a[:, 2].tolist()
    assert [p.tolist() for p in ops.split([1, 2, 3, 4, 5], [2, 3])] == [[1, 2], [3], [4, 5]]
    assert [p.shape for p in ops.split(a, 2, axis=1)] == [(3, 2), (3, 2)]
    with pytest.raises(ValueError, match="does not divide evenly"):
        ops.split(a, 3, axis=1)


def test_copying_ops():
    a = A.astype("float32")
    cases = [
        (ops.tile(a, (2, 1)), np.tile(a, (2, 1))),
        (ops.repeat(a, 2, axis=0), np.repeat(a, 2, axis=0)),
        (ops.repeat(a, 2), np.repeat(a, 2)),
        (ops.take(a, [2, 0, 2], axis=0), np.take(a, [2, 0, 2], axis=0)),
        (ops.take(a, [[1, 5]]), np.take(a, [[1, 5]])),
        (ops.take_along_axis(a, np.argsort(a, axis=1), axis=1), np.sort(a, axis=1)),
        (ops.pad(a, ((1, 0), (0, 2))), np.pad(a, ((1, 0), (0, 2)))),
        (ops.pad(a, ((1, 1), (1, 1)), constant_values=5.0),
         np.pad(a, 1, constant_values=5.0)),
        (ops.pad(a, ((2, 1), (1, 2)), mode="reflect"), np.pad(a, ((2, 1), (1, 2)), "reflect")),
        (ops.pad(a, ((1, 1), (0, 0)), mode="mean"), np.pad(a, ((1, 1), (0, 0)), "mean")),
        (ops.flip(a, 1), np.flip(a, 1)),
        (ops.flip(a), np.flip(a)),
        (ops.roll(a, 2, axis=1), np.roll(a, 2, axis=1)),
        (ops.roll(a, -3), np.roll(a, -3)),
        (ops.diag([1.0, 2.0], 1), np.diag([1.0, 2.0], 1)),
        (ops.diag(a), np.diag(a)),
        (ops.diagonal(np.arange(24.0).reshape(2, 3, 4), 1, 1, 2),
         np.diagonal(np.arange(24.0).reshape(2, 3, 4), 1, 1, 2)),
        (ops.trace(a), np.trace(a)),
        (ops.sort(a, axis=0), np.sort(a, axis=0)),
    ]
    for got, expected in cases:
        np.testing.assert_allclose(values(got), expected, rtol=1e-6)
    assert ops.argsort([3.0, 1.0, 2.0]).tolist() == [1, 2, 0]
    assert ops.argsort([3.0, 1.0, 2.0]).dtype == np.int32


def test_meshgrid_in_both_indexings():
    for indexing in ("xy", "ij"):
        got = ops.meshgrid([1.0, 2.0, 3.0], [4.0, 5.0], indexing=indexing)
        expected = np.meshgrid([1.0, 2.0, 3.0], [4.0, 5.0], indexing=indexing)
        for g, e in zip(got, expected, strict=True):
            np.testing.assert_array_equal(values(g), e)


def test_products():
    a, b = A.astype("float32"), B.astype("float32")
    np.testing.assert_allclose(values(ops.matmul(a, b.T)), a @ b.T, rtol=1e-5)
    np.testing.assert_allclose(values(ops.dot(a, b.T)), np.dot(a, b.T), rtol=1e-5)
    np.testing.assert_allclose(values(ops.dot(a[0], b[0])), np.dot(a[0], b[0]), rtol=1e-5)
    t = rng.normal(size=(2, 4, 5)).astype("float32")
    np.testing.assert_allclose(values(ops.dot(a, t)), np.dot(a, t), rtol=1e-5)
    np.testing.assert_allclose(values(ops.outer([1.0, 2.0], [3.0, 4.0, 5.0])),
                               np.outer([1, 2], [3, 4, 5]))
    np.testing.assert_allclose(values(ops.tensordot(a, b, axes=2)), np.tensordot(a, b, 2),
                               rtol=1e-5)
    np.testing.assert_allclose(values(ops.tensordot(a, t, axes=([1], [1]))),
                               np.tensordot(a, t, ([1], [1])), rtol=1e-5)
    np.testing.assert_allclose(values(ops.einsum("ij,kj->ik", a, b)), a @ b.T, rtol=1e-5)
    np.testing.assert_allclose(values(ops.einsum("ij,ij", a, b)), (a * b).sum(), rtol=1e-5)
    np.testing.assert_allclose(values(ops.einsum("...j,jk->...k", t, t[0].T)),
                               t @ t[0].T, rtol=1e-5)


def test_top_k_in_top_k_and_one_hot():
    values_, indices = ops.top_k([[1.0, 3.0, 2.0], [5.0, 4.0, 6.0]], 2)
    assert values_.tolist() == [[3.0, 2.0], [6.0, 5.0]] and indices.tolist() == [[1, 2], [2, 0]]
    assert indices.dtype == np.int32
    hits = ops.in_top_k([1, 1], [[1.0, 3.0, 2.0], [5.0, 4.0, 6.0]], 2)
    assert hits.tolist() == [True, False] and hits.dtype == bool
    assert ops.one_hot([2, 0], 3).tolist() == [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]]
    assert ops.one_hot([1], 2, axis=0).tolist() == [[0.0], [1.0]]
    assert ops.multi_hot([[0, 2], [1, 1]], 3).tolist() == [[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]


def test_scatters_slices_and_segments():
    assert ops.scatter([[0, 1], [2, 0], [0, 1]], [1.0, 2.0, 3.0], (3, 2)).tolist() == [
        [0.0, 4.0], [0.0, 0.0], [2.0, 0.0]]
    rows = ops.scatter([[1]], [[1.0, 2.0]], (2, 2))
    assert rows.tolist() == [[0.0, 0.0], [1.0, 2.0]]
    updated = ops.scatter_update(np.zeros((2, 3), "float32"), [[0, 1], [1, 2]], [5.0, 6.0])
    assert updated.tolist() == [[0.0, 5.0, 0.0], [0.0, 0.0, 6.0]]
    added = ops.scatter_update(np.ones((2, 2), "float32"), [[0, 0], [0, 0]], [1.0, 2.0],
                               reduction="add")
    assert added.tolist() == [[4.0, 1.0], [1.0, 1.0]]
    x = np.arange(12.0).reshape(3, 4).astype("float32")
    np.testing.assert_array_equal(values(ops.slice(x, (1, 1), (2, -1))), x[1:3, 1:])
    patched = ops.slice_update(np.zeros((2, 3), "float32"), (1, 1), [[7.0, 8.0]])
    assert patched.tolist() == [[0.0, 0.0, 0.0], [0.0, 7.0, 8.0]]
    assert ops.segment_sum([1.0, 2.0, 3.0, 4.0], [0, 0, 2, 1]).tolist() == [3.0, 4.0, 3.0]
    assert ops.segment_sum([[1, 2], [3, 4]], [1, 1], num_segments=3).tolist() == [
        [0, 0], [4, 6], [0, 0]]
    assert ops.segment_max([1.0, 5.0, 3.0], [0, 0, 1]).tolist() == [5.0, 3.0]


def test_core_ops():
    x = ops.convert_to_tensor([1.5, 2.5])
    assert isinstance(x, Tensor) and x.dtype == np.float32 and ops.is_tensor(x)
    assert ops.convert_to_tensor(x) is x
    assert not ops.is_tensor(np.ones(2))
    assert isinstance(ops.convert_to_numpy(x), np.ndarray)
    assert ops.dtype(x) == "float32" and ops.dtype([1, 2]) == "int32"
    assert ops.cast([1.7, -1.7], "int32").tolist() == [1, -1]
    w = Tensor(np.array([2.0]), requires_grad=True)
    out = ops.sum(ops.multiply(ops.stop_gradient(w), w))
    out.backward()
    assert w.grad.tolist() == [2.0]  # only the second factor carries the gradient
    assert ops.cond(x[0] > 1, lambda: "yes", lambda: "no") == "yes"
    squares = ops.vectorized_map(lambda row: ops.sum(ops.square(row)), A.astype("float32"))
    np.testing.assert_allclose(values(squares), (A.astype("float32") ** 2).sum(axis=1),
                               rtol=1e-6)
    pairs = ops.vectorized_map(lambda ab: ops.add(ab[0], ab[1]), (A, B))
    np.testing.assert_allclose(values(pairs), (A + B).astype("float32"), rtol=1e-5)


def test_activations_and_cross_entropies():
    z = A.astype("float32")
    np.testing.assert_allclose(values(ops.relu(z)), np.maximum(z, 0))
    np.testing.assert_allclose(values(ops.sigmoid(z)), 1 / (1 + np.exp(-z)), rtol=1e-6)
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)
    np.testing.assert_allclose(values(ops.softmax(z)), p, rtol=1e-6)
    np.testing.assert_allclose(values(ops.log_softmax(z, axis=0)),
                               z - np.log(np.exp(z).sum(axis=0)), rtol=1e-5, atol=1e-6)
    tanh_form = 0.5 * z * (1 + np.tanh(np.sqrt(2 / np.pi) * (z + 0.044715 * z ** 3)))
    np.testing.assert_allclose(values(ops.gelu(z)), tanh_form, rtol=1e-5, atol=1e-6)
    exact = 0.5 * z * (1 + np.vectorize(math.erf)(z / np.sqrt(2)))
    np.testing.assert_allclose(values(ops.gelu(z, approximate=False)), exact, atol=1e-6)
    np.testing.assert_allclose(values(ops.leaky_relu(z)), np.where(z > 0, z, 0.2 * z))
    np.testing.assert_allclose(values(ops.silu(z)), z / (1 + np.exp(-z)), rtol=1e-6)
    assert ops.swish is ops.silu
    y = np.eye(4, dtype="float32")[[0, 3, 1]]
    np.testing.assert_allclose(values(ops.categorical_crossentropy(y, p)),
                               -np.log((p * y).sum(axis=-1)), rtol=1e-5)
    np.testing.assert_allclose(values(ops.categorical_crossentropy(y, z, from_logits=True)),
                               -np.log((p * y).sum(axis=-1)), rtol=1e-5)
    np.testing.assert_allclose(values(ops.sparse_categorical_crossentropy([0, 3, 1], p)),
                               -np.log((p * y).sum(axis=-1)), rtol=1e-5)
    np.testing.assert_allclose(
        values(ops.sparse_categorical_crossentropy([0, 3, 1], z, from_logits=True)),
        -np.log((p * y).sum(axis=-1)), rtol=1e-5)
    q = 1 / (1 + np.exp(-z))
    t = (B > 0).astype("float32")
    bce = -(t * np.log(q) + (1 - t) * np.log(1 - q))
    np.testing.assert_allclose(values(ops.binary_crossentropy(t, q)), bce, rtol=1e-4)
    np.testing.assert_allclose(values(ops.binary_crossentropy(t, z, from_logits=True)), bce,
                               rtol=1e-5)
    with pytest.raises(ValueError, match="same shape"):
        ops.binary_crossentropy(t[0], q)


def test_moments_and_normalize():
    mean, variance = ops.moments(A, axes=[0])
    np.testing.assert_allclose(values(mean), A.mean(axis=0), rtol=1e-5)
    np.testing.assert_allclose(values(variance), A.var(axis=0), rtol=1e-5)
    mean, _ = ops.moments(A, axes=1, keepdims=True)
    assert mean.shape == (3, 1)
    np.testing.assert_allclose(values(ops.normalize([3.0, 4.0])), [0.6, 0.8], rtol=1e-6)
    np.testing.assert_allclose(values(ops.normalize(A, axis=0, order=1)),
                               A / np.abs(A).sum(axis=0), rtol=1e-5)
    assert ops.normalize(np.zeros(3)).tolist() == [0.0, 0.0, 0.0]


def test_linalg():
    a = SQ.astype("float32")
    np.testing.assert_allclose(values(ops.inv(a)), np.linalg.inv(a), rtol=1e-4, atol=1e-6)
    np.testing.assert_allclose(values(ops.det(a)), np.linalg.det(a), rtol=1e-5)
    b = B[:, :2].astype("float32")
    np.testing.assert_allclose(values(ops.solve(a, b)), np.linalg.solve(a, b), rtol=1e-4)
    np.testing.assert_allclose(values(ops.solve(a, b[:, 0])), np.linalg.solve(a, b[:, 0]),
                               rtol=1e-4)
    spd = a @ a.T
    np.testing.assert_allclose(values(ops.cholesky(spd)), np.linalg.cholesky(spd), rtol=1e-4)
    q, r = ops.qr(a)
    np.testing.assert_allclose(values(q) @ values(r), a, atol=1e-5)
    np.testing.assert_allclose(values(ops.svd(a, compute_uv=False)), np.linalg.svd(a)[1],
                               rtol=1e-5)
    sign, logdet = ops.slogdet(a)
    np.testing.assert_allclose(values(sign) * np.exp(values(logdet)), np.linalg.det(a),
                               rtol=1e-4)
    for ord_ in (None, 1, 2, np.inf, -np.inf, 0, 3):
        np.testing.assert_allclose(values(ops.norm(A[0], ord=ord_)),
                                   np.linalg.norm(A[0], ord=ord_), rtol=1e-5)
    for ord_ in ("fro", 1, -1, np.inf, -np.inf, "nuc", 2):
        np.testing.assert_allclose(values(ops.norm(A, ord=ord_, axis=(0, 1))),
                                   np.linalg.norm(A, ord=ord_), rtol=1e-5)
    np.testing.assert_allclose(values(ops.norm(A, axis=1, keepdims=True)),
                               np.linalg.norm(A, axis=1, keepdims=True), rtol=1e-5)
    np.testing.assert_allclose(values(ops.norm(A)), np.linalg.norm(A), rtol=1e-5)
    assert values(ops.linalg.norm(A, axis=1)).shape == (3,)


def test_conv_and_pooling():
    x = rng.normal(size=(2, 5, 5, 3)).astype("float32")
    k = rng.normal(size=(3, 3, 3, 4)).astype("float32")
    out = values(ops.conv(x, k, padding="same"))
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    expected = np.einsum("nhwc,hwcf->nf", padded[:, 1:4, 2:5], k)
    np.testing.assert_allclose(out[:, 1, 2], expected, rtol=1e-4, atol=1e-5)
    first = values(ops.conv(np.moveaxis(x, -1, 1), k, data_format="channels_first"))
    np.testing.assert_allclose(first, np.moveaxis(values(ops.conv(x, k)), -1, 1), rtol=1e-5)
    np.testing.assert_allclose(values(ops.max_pool(x, 2))[0, 0, 0],
                               x[0, :2, :2].max(axis=(0, 1)))
    np.testing.assert_allclose(values(ops.average_pool(x, 2))[0, 0, 0],
                               x[0, :2, :2].mean(axis=(0, 1)), rtol=1e-6)


# ----------------------------------------------------------------------------- dtypes


@pytest.mark.parametrize("call, dtype", [
    (lambda: ops.add(I32, I32), "int32"),
    (lambda: ops.add(I32, 2), "int32"),
    (lambda: ops.add(I32, 1.5), "float32"),
    (lambda: ops.add(I32, A.astype("float32")[:2, :3]), "float32"),
    (lambda: ops.add(np.int8([1]), np.uint8([1])), "int16"),
    (lambda: ops.add(A.astype("float32"), 0.5), "float32"),
    (lambda: ops.add(A.astype("float32"), A), "float32"),  # a float64 array is floatx
    (lambda: ops.add(np.array([True]), np.array([True])), "bool"),
    (lambda: ops.multiply(np.array([True]), 2), "int32"),
    (lambda: ops.multiply(np.array([True]), 2.0), "float32"),
    (lambda: ops.add(np.float16([1]), 0.5), "float16"),
    (lambda: ops.divide(I32, I32), "float32"),
    (lambda: ops.floor_divide(I32, 2), "int32"),
    (lambda: ops.mod(I32, 2), "int32"),
    (lambda: ops.power(I32, 2), "int32"),
    (lambda: ops.power(I32, 2.0), "float32"),
    (lambda: ops.sqrt(np.abs(I32)), "float32"),
    (lambda: ops.exp(I32), "float32"),
    (lambda: ops.floor(I32), "float32"),
    (lambda: ops.round(I32), "int32"),
    (lambda: ops.abs(I32), "int32"),
    (lambda: ops.square(I32), "int32"),
    (lambda: ops.sign(I32), "int32"),
    (lambda: ops.equal(I32, 1.5), "bool"),
    (lambda: ops.less(A, B), "bool"),
    (lambda: ops.sum(I32), "int32"),
    (lambda: ops.sum(np.array([True, True])), "int32"),
    (lambda: ops.prod(I32), "int32"),
    (lambda: ops.mean(I32), "float32"),
    (lambda: ops.mean(np.array([True, False])), "float32"),
    (lambda: ops.var(I32), "float32"),
    (lambda: ops.std(I32), "float32"),
    (lambda: ops.max(I32), "int32"),
    (lambda: ops.cumsum(I32), "int32"),
    (lambda: ops.argmax(A), "int32"),
    (lambda: ops.argmin(A, axis=0), "int32"),
    (lambda: ops.count_nonzero(A), "int32"),
    (lambda: ops.clip(I32, 0, 1), "int32"),
    (lambda: ops.maximum(I32, 1.5), "float32"),
    (lambda: ops.one_hot([1], 3), "float32"),
    (lambda: ops.linspace(0, 1, 3), "float32"),
    (lambda: ops.eye(2), "float32"),
    (lambda: ops.convert_to_tensor(1), "int32"),
    (lambda: ops.convert_to_tensor(True), "bool"),
    (lambda: ops.convert_to_tensor(np.zeros(2)), "float32"),
    (lambda: ops.trace(np.eye(2, dtype="int32")), "int32"),
    (lambda: ops.logsumexp(I32), "float32"),
])
def test_dtypes_follow_keras(call, dtype):
    assert str(call().dtype) == dtype


def test_no_float64_from_python_floats_or_float64_arrays():
    x = ops.convert_to_tensor(A)
    for out in (ops.multiply(x, 0.1), ops.add(x, A), ops.power(ops.abs(x), 0.5),
                ops.clip(x, -0.5, 0.5), ops.where(A > 0, x, 0.0), ops.divide(1.0, x),
                ops.logaddexp(x, 1.0)):
        assert out.dtype == np.float32


# ----------------------------------------------------------------------------- gradients

GRADIENTS = [
    ("add", lambda a, b: ops.add(a, b[:1]), (A, B)),
    ("subtract", lambda a, b: ops.subtract(a, b), (A, B)),
    ("multiply", lambda a, b: ops.multiply(a, b[:, :1]), (A, B)),
    ("divide", lambda a, b: ops.divide(a, b), (A, POS)),
    ("power", lambda a, b: ops.power(a, b), (POS, A)),
    ("power_number", lambda a: ops.power(a, 3), (A,)),
    ("mod", lambda a, b: ops.mod(a, b), (3 * A, POS)),
    ("maximum", lambda a, b: ops.maximum(a, b), (A, B)),
    ("minimum", lambda a, b: ops.minimum(a, b), (A, B)),
    ("arctan2", lambda a, b: ops.arctan2(a, b), (A, B)),
    ("logaddexp", lambda a, b: ops.logaddexp(a, b), (A, B)),
    ("where", lambda a, b: ops.where(A > B, a, b), (A, B)),
    ("rsqrt", ops.rsqrt, (POS,)),
    ("reciprocal", ops.reciprocal, (POS,)),
    ("expm1", ops.expm1, (A,)),
    ("log2", ops.log2, (POS,)),
    ("log10", ops.log10, (POS,)),
    ("sin", ops.sin, (A,)), ("cos", ops.cos, (A,)), ("tan", ops.tan, (UNIT,)),
    ("arcsin", ops.arcsin, (UNIT,)), ("arccos", ops.arccos, (UNIT,)),
    ("arctan", ops.arctan, (A,)), ("sinh", ops.sinh, (A,)), ("cosh", ops.cosh, (A,)),
    ("tanh", ops.tanh, (A,)), ("arcsinh", ops.arcsinh, (A,)),
    ("arccosh", ops.arccosh, (POS + 1,)), ("arctanh", ops.arctanh, (UNIT,)),
    ("erf", ops.erf, (A,)),
    ("nan_to_num", ops.nan_to_num, (A,)),
    ("clip", lambda a: ops.clip(a, -0.5, 0.5), (A,)),
    ("max", lambda a: ops.max(a, axis=1), (A,)),
    ("min", lambda a: ops.min(a, axis=0, keepdims=True), (A,)),
    ("prod", lambda a: ops.prod(a, axis=1), (POS,)),
    ("prod_all", ops.prod, (POS,)),
    ("var", lambda a: ops.var(a, axis=0), (A,)),
    ("std", lambda a: ops.std(a, axis=1, keepdims=True), (A,)),
    ("logsumexp", lambda a: ops.logsumexp(a, axis=1), (A,)),
    ("cumsum", lambda a: ops.cumsum(a, axis=1), (A,)),
    ("cumsum_flat", ops.cumsum, (A,)),
    ("cumprod", lambda a: ops.cumprod(a, axis=0), (POS,)),
    ("expand_squeeze", lambda a: ops.squeeze(ops.expand_dims(a, 1)), (A,)),
    ("moveaxis", lambda a: ops.moveaxis(a, 0, 1), (A,)),
    ("swapaxes", lambda a: ops.swapaxes(a, 0, 1), (A,)),
    ("concatenate", lambda a, b: ops.concatenate([a, b], axis=1), (A, B)),
    ("stack", lambda a, b: ops.stack([a, b], axis=2), (A, B)),
    ("split", lambda a: ops.split(a, [1, 3], axis=1)[1], (A,)),
    ("unstack", lambda a: ops.unstack(a)[1], (A,)),
    ("tile", lambda a: ops.tile(a, (2, 3)), (A,)),
    ("repeat", lambda a: ops.repeat(a, 3, axis=1), (A,)),
    ("take", lambda a: ops.take(a, [3, 0, 3, 3], axis=1), (A,)),
    ("take_flat", lambda a: ops.take(a, [[0, 11], [11, 5]]), (A,)),
    ("take_along_axis", lambda a: ops.take_along_axis(a, np.array([[0, 0], [1, 3], [2, 2]]),
                                                      axis=1), (A,)),
    ("pad", lambda a: ops.pad(a, ((1, 2), (0, 1)), constant_values=3.0), (A,)),
    ("pad_reflect", lambda a: ops.pad(a, ((2, 1), (3, 1)), mode="reflect"), (A,)),
    ("pad_symmetric", lambda a: ops.pad(a, ((1, 1), (2, 0)), mode="symmetric"), (A,)),
    ("pad_edge", lambda a: ops.pad(a, ((1, 1), (2, 0)), mode="edge"), (A,)),
    ("flip", lambda a: ops.flip(a, 0), (A,)),
    ("roll", lambda a: ops.roll(a, 5), (A,)),
    ("broadcast_to", lambda a: ops.broadcast_to(a[:1], (2, 3, 4)), (A,)),
    ("meshgrid", lambda a, b: ops.meshgrid(a[0], b[0])[1], (A, B)),
    ("diag", lambda a: ops.diag(a[0], -1), (A,)),
    ("diagonal", lambda a: ops.diagonal(a, 1), (A,)),
    ("trace", lambda a: ops.trace(a), (A,)),
    ("tril", lambda a: ops.tril(a), (A,)),
    ("triu", lambda a: ops.triu(a, 1), (A,)),
    ("outer", lambda a, b: ops.outer(a[0], b[1]), (A, B)),
    ("dot", lambda a, b: ops.dot(a, b.T), (A, B)),
    ("dot_nd", lambda a, b: ops.dot(a, ops.stack([b.T, b.T])), (A, B)),
    ("tensordot", lambda a, b: ops.tensordot(a, b, axes=([0], [0])), (A, B)),
    ("einsum", lambda a, b: ops.einsum("ij,kj->ik", a, b), (A, B)),
    ("einsum_sum", lambda a, b: ops.einsum("ij,i->i", a, b[:, 0]), (A, B)),
    ("einsum_ellipsis", lambda a, b: ops.einsum("...j,j->...", a, b[0]), (A, B)),
    ("sort", lambda a: ops.sort(a, axis=1), (A,)),
    ("top_k", lambda a: ops.top_k(a, 2)[0], (A,)),
    ("scatter", lambda a: ops.scatter([[0, 1], [2, 0], [0, 1]], a[0, :3], (3, 2)), (A,)),
    ("scatter_update", lambda a, b: ops.scatter_update(a, [[0, 1], [2, 3]], b[0, :2]),
     (A, B)),
    ("slice", lambda a: ops.slice(a, (1, 1), (2, 2)), (A,)),
    ("slice_update", lambda a, b: ops.slice_update(a, (1, 2), b[:2, :2]), (A, B)),
    ("segment_sum", lambda a: ops.segment_sum(a, [1, 0, 1]), (A,)),
    ("vectorized_map", lambda a: ops.vectorized_map(lambda r: ops.sum(ops.square(r)), a),
     (A,)),
    ("moments", lambda a: ops.add(*ops.moments(a, axes=0)), (A,)),
    ("normalize", lambda a: ops.normalize(a, axis=1), (A,)),
    ("normalize_l1", lambda a: ops.normalize(a, axis=0, order=1), (A,)),
    ("norm", lambda a: ops.norm(a, axis=1), (A,)),
    ("norm_3", lambda a: ops.norm(a, ord=3, axis=0), (A,)),
    ("norm_fro", lambda a: ops.norm(a, ord="fro", axis=(0, 1)), (A,)),
    ("norm_1", lambda a: ops.norm(a, ord=1, axis=(0, 1)), (A,)),
    ("inv", ops.inv, (SQ,)),
    ("det", ops.det, (SQ,)),
    ("solve", ops.solve, (SQ, B[:, :2])),
    ("solve_vector", ops.solve, (SQ, B[:, 0])),
    ("binary_crossentropy", lambda a: ops.binary_crossentropy((B > 0) * 1.0, ops.sigmoid(a)),
     (A,)),
    ("categorical_crossentropy",
     lambda a: ops.categorical_crossentropy(np.eye(4)[[0, 2, 1]], ops.softmax(a)), (A,)),
    ("sparse_categorical_crossentropy",
     lambda a: ops.sparse_categorical_crossentropy([0, 2, 1], a, from_logits=True), (A,)),
    ("gelu", ops.gelu, (A,)),
    ("softmax_axis0", lambda a: ops.softmax(a, axis=0), (A,)),
]


@pytest.mark.parametrize("name, fn, inputs", GRADIENTS, ids=[g[0] for g in GRADIENTS])
def test_gradients_match_central_differences(name, fn, inputs):
    assert check_gradients(fn, inputs) < 1e-6


def test_gradients_reach_variables_through_new_ops():
    w = numnet.Variable(np.array([1.0, -2.0, 3.0], "float32"))
    loss = ops.sum(ops.where(w > 0, ops.square(w), ops.abs(w)) * ops.cumsum(w))
    loss.backward()
    c = np.cumsum([1.0, -2.0, 3.0])  # loss = sum f(w) c; c_j = sum_{i<=j} w_i
    f = np.array([1.0, 2.0, 9.0])
    expected = np.array([2.0, -1.0, 6.0]) * c + np.cumsum(f[::-1])[::-1]
    np.testing.assert_allclose(w.grad, expected, rtol=1e-6)
    assert w.grad.dtype == np.float32


# ----------------------------------------------------------------------------- symbolic ops


def test_every_public_op_is_a_symbolic_op_registered_under_its_own_name():
    for name in ops.__all__:
        op = getattr(ops, name)
        assert symbolic.lookup(op.op_name) is op, name
    names = {getattr(ops, n).op_name for n in ops.__all__}
    assert len(names) == len({id(getattr(ops, n)) for n in ops.__all__})


def test_submodules_hold_the_same_ops():
    assert ops.numpy.sum is ops.sum and ops.nn.relu is ops.relu
    assert ops.linalg.norm is ops.norm and ops.core.scatter is ops.scatter
    assert ops.absolute is ops.abs and ops.true_divide is ops.divide


def test_a_symbolic_argument_goes_to_the_builder(monkeypatch):
    class Placeholder:
        _symbolic = True

    calls = []
    monkeypatch.setattr(symbolic, "_builder", lambda op, args, kwargs: calls.append(
        (op, args, kwargs)) or "node")
    p = Placeholder()
    assert ops.einsum("ij->ji", p) == "node"
    assert ops.concatenate([p, np.ones(2)], axis=0) == "node"
    assert calls[0][0] is ops.einsum and calls[1][2] == {"axis": 0}
    assert isinstance(ops.add(1.0, 2.0), Tensor)  # no symbolic input: computed


@pytest.mark.parametrize("module", [ops, ops.core, ops.numpy, ops.nn, ops.linalg])
def test_the_docstring_examples_print_what_they_say(module):
    result = doctest.testmod(module, extraglobs={"numnet": numnet},
                             optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
