"""numnet.ops, Keras 3's keras.ops: the engine's differentiable ops under Keras's names, a
custom loss written with them, and cast's gradient."""

from __future__ import annotations

import importlib.util
import os

import numpy as np
import pytest

import numnet
from numnet import ops
from numnet.autodiff.gradcheck import check_gradients

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

X = np.random.default_rng(0).normal(size=(4, 3))


@pytest.mark.parametrize("name, args, expected", [
    ("mean", (X,), X.mean()),
    ("sum", (X, 0), X.sum(axis=0)),
    ("square", (X,), X ** 2),
    ("clip", (X, -0.5, 0.5), np.clip(X, -0.5, 0.5)),
    ("reshape", (X, (3, 4)), X.reshape(3, 4)),
    ("transpose", (X,), X.T),
    ("maximum", (X, 0.0), np.maximum(X, 0.0)),
    ("matmul", (X, X.T), X @ X.T),
    ("concatenate", ([X, X], 0), np.concatenate([X, X])),
    ("relu", (X,), np.maximum(X, 0)),
    ("softmax", (X,), np.exp(X) / np.exp(X).sum(axis=-1, keepdims=True)),
])
def test_ops_compute_what_their_names_say(name, args, expected):
    got = getattr(ops, name)(*args)
    assert isinstance(got, numnet.Tensor)
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-6, atol=1e-7)


def test_a_custom_loss_written_with_ops_trains_as_the_built_in_one():
    def my_mse(y_true, y_pred):
        return ops.mean(ops.square(y_true - y_pred), axis=-1)

    x = np.random.default_rng(1).normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [2.0], [-1.0]], "float32")
    runs = []
    for loss in (my_mse, "mse"):
        numnet.utils.set_random_seed(0)
        model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(1)])
        model.compile(numnet.optimizers.SGD(0.05), loss)
        history = model.fit(x, y, epochs=3, verbose=0, shuffle=False)
        runs.append((history.history["loss"], model.get_weights()))
    (loss_a, weights_a), (loss_b, weights_b) = runs
    np.testing.assert_allclose(loss_a, loss_b, rtol=1e-6)
    assert loss_a[-1] < 0.6 * loss_a[0]  # it learns
    for a, b in zip(weights_a, weights_b, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_cast_passes_the_gradient_between_floats_and_none_into_integers():
    x = numnet.Tensor(np.array([0.5, -1.5], "float32"), requires_grad=True)
    y = ops.sum(ops.multiply(ops.cast(x, "float64"), 3.0))
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_array_equal(x.grad, [3.0, 3.0])
    assert ops.cast(x, "float32") is x
    counts = ops.cast(x, "int32")
    assert counts.value.dtype == np.int32 and not counts.requires_grad
    assert check_gradients(lambda t: ops.cast(ops.square(t), "float64"), [X]) < 1e-9
    assert ops.convert_to_tensor([1.5, 2.5]).value.dtype == np.float32
    assert ops.convert_to_tensor([1, 2], dtype="float64").value.dtype == np.float64


@pytest.mark.skipif(importlib.util.find_spec("keras") is None
                    or importlib.util.find_spec("jax") is None,
                    reason="names are compared with Keras 3's ops when keras and jax are installed")
def test_every_name_is_a_keras_ops_name():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    import keras

    missing = [name for name in ops.__all__ if not hasattr(keras.ops, name)]
    assert not missing
