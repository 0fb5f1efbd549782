"""tf.experimental.numpy (numnet.tf_api.tnp): NumPy's dtypes and promotion (checked against
NumPy itself, as TensorFlow's tnp follows it), NumPy's methods on Tensors, and gradients through
tnp's functions (checked by hand)."""

from __future__ import annotations

import numpy as np
import pytest

import numnet as tf
from numnet.tf_api import tnp as tnp_module

tnp = tf.experimental.numpy


@pytest.fixture(autouse=True)
def _numpy_floats():
    """Each test starts with NumPy's float64 for Python floats; prefer_float32 is undone."""
    saved = dict(tnp_module._STATE)
    tnp_module._STATE["prefer_float32"] = False
    yield
    tnp_module._STATE.update(saved)


def test_ndarray_is_the_tensor_and_the_names_are_numpys():
    assert tnp.ndarray is tf.Tensor
    assert tnp.float32 is np.float32 and tnp.newaxis is None
    assert isinstance(tnp.ones([2, 3]), tf.Tensor)


@pytest.mark.parametrize("make, dtype", [
    (lambda: tnp.ones([2]), "float64"), (lambda: tnp.zeros(3), "float64"),
    (lambda: tnp.asarray(1), "int64"), (lambda: tnp.asarray(1.0), "float64"),
    (lambda: tnp.asarray(np.float32(1)), "float32"), (lambda: tnp.arange(3), "int64"),
    (lambda: tnp.arange(0.0, 1.0, 0.5), "float64"), (lambda: tnp.full([2], 3), "int64"),
    (lambda: tnp.eye(2), "float64"), (lambda: tnp.linspace(0, 1, 3), "float64"),
    (lambda: tnp.random.randn(2, 3), "float64"), (lambda: tnp.random.randint(5, size=3), "int64"),
])
def test_creation_dtypes_are_numpys(make, dtype):
    assert make().dtype == np.dtype(dtype)


def test_prefer_float32_changes_python_floats_only():
    tnp.experimental_enable_numpy_behavior(prefer_float32=True)
    assert tnp.asarray(1.0).dtype == np.float32
    assert tnp.asarray([1.0, 2.0]).dtype == np.float32
    assert tnp.linspace(0, 1, 3).dtype == np.float32
    assert tnp.asarray(np.ones(2)).dtype == np.float64  # a NumPy array keeps its dtype
    assert tnp.ones([2]).dtype == np.float64  # NumPy's dtype=float
    assert tnp.asarray(1).dtype == np.int64


DTYPES = ("int32", "int64", "float32", "float64")


@pytest.mark.parametrize("a", DTYPES)
@pytest.mark.parametrize("b", DTYPES)
def test_binary_functions_promote_as_numpy(a, b):
    x, y = np.array([3, 4], a), np.array([2, 5], b)
    for name in ("add", "multiply", "divide", "maximum", "power"):
        got = getattr(tnp, name)(tnp.asarray(x), tnp.asarray(y))
        want = getattr(np, name)(x, y)
        assert got.dtype == want.dtype, (name, a, b, got.dtype, want.dtype)
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


@pytest.mark.parametrize("dtype", DTYPES + ("bool",))
def test_reductions_and_float_functions_take_numpys_dtypes(dtype):
    x = np.array([[1, 2, 3], [4, 5, 6]]).astype(dtype)
    for name, kwargs in (("sum", {}), ("sum", {"axis": 0}), ("mean", {"axis": 1}),
                         ("prod", {}), ("max", {}), ("std", {})):
        got, want = getattr(tnp, name)(x, **kwargs), getattr(np, name)(x, **kwargs)
        assert got.dtype == np.asarray(want).dtype, (name, dtype, got.dtype)
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)
    for name in ("sqrt", "exp", "tanh", "cumsum"):
        got, want = getattr(tnp, name)(x), getattr(np, name)(x)
        assert got.dtype == want.dtype, (name, dtype)
        np.testing.assert_allclose(np.asarray(got), want, rtol=1e-6)


def test_python_numbers_beside_an_array_are_weak():
    f32, i32 = tnp.ones([2], tnp.float32), tnp.ones([2], tnp.int32)
    assert tnp.add(f32, 1.5).dtype == np.float32
    assert tnp.add(i32, 2).dtype == np.int32
    assert tnp.multiply(i32, 1.5).dtype == np.float64
    assert tnp.result_type(i32, f32) == np.float64


def test_numpy_methods_after_enable():
    tnp.experimental_enable_numpy_behavior()
    x = tnp.arange(24).reshape(2, 3, 4)
    assert x.shape == (2, 3, 4)
    assert x.reshape([4, -1]).shape == (4, 6) and x.reshape(-1).shape == (24,)
    assert x.ravel().shape == (24,) and x.flatten().shape == (24,)
    assert x.transpose().shape == (4, 3, 2) and x.transpose(1, 0, 2).shape == (3, 2, 4)
    assert x.astype(tnp.float32).dtype == np.float32
    assert x.clip(3, 5).numpy().max() == 5 and x.clip(3, 5).numpy().min() == 3
    assert int(x.max()) == 23 and int(x.min()) == 0
    assert float(x.mean()) == 11.5 and x.mean(axis=0).shape == (3, 4)
    assert x[1, tnp.newaxis, 1:3, ...].shape == (1, 2, 4)
    assert x[1, (0, 0, 1), tnp.asarray([0, 1, 1])].numpy().tolist() == [12, 13, 17]
    assert round(tnp.asarray(2.6)).numpy() == 3.0 and (+x is x)


def test_numpy_and_tnp_interoperate():
    total = np.sum(tnp.ones([2, 3]))
    assert isinstance(total, np.floating) and total == 6.0
    mixed = tnp.sum(np.ones([2, 3], np.float32))
    assert isinstance(mixed, tf.Tensor) and mixed.dtype == np.float32 and float(mixed) == 6.0
    assert isinstance(tnp.ones([2]) + np.ones([2]), tf.Tensor)


def test_gradient_through_tnp_functions():
    # loss = sum((relu(x W + b) V - y)^2): dloss/dV = relu(...)^T 2 (pred - y), by hand
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, 3)).astype("float32")
    w = tnp.asarray(rng.normal(size=(3, 5)).astype("float32"))
    b = tnp.asarray(rng.normal(size=(5,)).astype("float32"))
    v = tnp.asarray(rng.normal(size=(5, 2)).astype("float32"))
    y = rng.normal(size=(4, 2)).astype("float32")
    with tf.GradientTape() as tape:
        tape.watch((w, b, v))
        hidden = tnp.maximum(tnp.matmul(x, w) + b, 0)
        loss = tnp.sum(tnp.square(tnp.matmul(hidden, v) - y))
    grads = tape.gradient(loss, (w, b, v))
    h = np.maximum(x @ w.numpy() + b.numpy(), 0)
    delta = 2 * (h @ v.numpy() - y)
    dh = delta @ v.numpy().T * (h > 0)
    np.testing.assert_allclose(grads[2].numpy(), h.T @ delta, rtol=1e-5)
    np.testing.assert_allclose(grads[1].numpy(), dh.sum(0), rtol=1e-5)
    np.testing.assert_allclose(grads[0].numpy(), x.T @ dh, rtol=1e-5)
    assert all(g.dtype == np.float32 for g in grads)


def test_random_seed_repeats_the_draws():
    tnp.random.seed(3)
    first = tnp.random.randn(2, 2).numpy()
    tnp.random.seed(3)
    np.testing.assert_array_equal(first, tnp.random.randn(2, 2).numpy())
    uniform = tnp.random.uniform(2.0, 3.0, size=(100,)).numpy()
    assert uniform.min() >= 2.0 and uniform.max() < 3.0


def test_numpy_functions_that_call_the_methods():
    # np.mean(x), np.max(x), np.transpose(x), np.clip(x, ...) call x's methods once NumPy's
    # behaviour is on: they take NumPy's keyword arguments
    tnp.experimental_enable_numpy_behavior()
    x = tnp.asarray(np.array([[1.0, -2.0, 3.0], [4.0, 5.0, -6.0]], np.float32))
    assert float(np.mean(x)) == pytest.approx(5.0 / 6.0)
    assert np.mean(x, axis=0).shape == (3,)
    assert float(np.max(x)) == 5.0 and float(np.min(x)) == -6.0
    assert np.max(x, axis=1, keepdims=True).shape == (2, 1)
    assert np.transpose(x).shape == (3, 2)
    assert np.asarray(np.clip(x, -1, 1)).tolist() == [[1, -1, 1], [1, 1, -1]]
    assert np.reshape(x, (3, 2)).shape == (3, 2)
    with pytest.raises(TypeError, match=r"Tensor.mean\(out=...\).*returned Tensor"):
        x.mean(out=np.zeros(()))
    assert tnp.max(x, 0).numpy().tolist() == [4.0, 5.0, 3.0]


@pytest.mark.parametrize("dtype", ("int32", "float32", "bool"))
def test_indices_counts_and_medians_take_numpys_dtypes(dtype):
    x = np.array([[3, 1, 2], [0, 5, 4]]).astype(dtype)
    for name, kwargs in (("argmax", {}), ("argmax", {"axis": 1}), ("argmin", {"axis": 0}),
                         ("argsort", {}), ("count_nonzero", {}), ("trace", {}),
                         ("median", {}), ("cumsum", {"axis": 1}), ("cumprod", {})):
        got, want = getattr(tnp, name)(x, **kwargs), getattr(np, name)(x, **kwargs)
        assert got.dtype == np.asarray(want).dtype, (name, dtype, got.dtype)
        np.testing.assert_array_equal(np.asarray(got), want)
