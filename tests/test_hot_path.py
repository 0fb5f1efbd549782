"""The training step's fast paths against the general ones: the same numbers, and clean fallbacks.

Covered: the fused batch-mean cross-entropies (``Loss.reduced``), the compiled kernels of
``fast.kernels`` (numba) against the NumPy path of each op, the accuracy metrics' unweighted
update, and the order in which ``Tensor.backward`` runs the tape. Kernel and NumPy path agree to
float32 rounding in float32 and to 1e-12 in float64.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import numnet
from numnet import activations, losses, metrics
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor, _topological_order, no_grad
from numnet.backend import to_numpy
from numnet.fast import kernels as fused
from numnet.fast import updates as switch

try:
    import numba  # noqa: F401

    HAS_NUMBA = True
except ImportError:
    HAS_NUMBA = False
needs_numba = pytest.mark.skipif(not HAS_NUMBA, reason="the fused kernels need numba")
# The kernels take NumPy arrays: on the GPU (NUMNET_DEVICE=gpu) the array path runs instead.
KERNELS_RUN = HAS_NUMBA and numnet.backend.device() == "cpu"

RELU = activations._KERNELS["relu"]
SOFTMAX = activations._KERNELS["softmax"]
TOL = {np.float32: dict(rtol=2e-6, atol=1e-7), np.float64: dict(rtol=1e-12, atol=1e-14)}


@pytest.fixture(autouse=True)
def _keep_the_switch():
    """Each test leaves the fused kernels switched as it found them."""
    before = switch._enabled
    yield
    switch.set_enabled(before)


@pytest.fixture(params=["numpy", pytest.param("fused", marks=needs_numba)])
def path(request):
    """Runs a test on the NumPy path and on the compiled kernels."""
    switch.set_enabled(request.param == "fused")
    return request.param


@pytest.fixture
def ran(monkeypatch):
    """The names of the compiled kernels run during the test, in order."""
    names = []
    run = fused._run

    def spy(name, *args):
        result = run(name, *args)
        if result is not None:
            names.append(name)
        return result

    monkeypatch.setattr(fused, "_run", spy)
    return names


def both_paths(fn, ran=None, kernels=()):
    """[fn() with the fused kernels on, fn() with them off (NumPy)]; with ``ran`` (the fixture),
    the first must have run ``kernels`` (where numba is installed), the second none."""
    results = []
    for on in (True, False):
        switch.set_enabled(on)
        results.append(fn())
        if ran is not None:
            assert ran == (list(kernels) if on and KERNELS_RUN else [])
            ran.clear()
    return results


def rng(seed=0):
    return np.random.default_rng(seed)


def logits_and_labels(shape, dtype, seed=0):
    z = (3 * rng(seed).standard_normal(shape)).astype(dtype)
    labels = rng(seed + 1).integers(0, shape[-1], shape[:-1])
    return z, labels


def value_and_grad(fn, z):
    t = Tensor(z.copy(), requires_grad=True)
    out = fn(t)
    out.backward()
    return to_numpy(out.value), t.grad


# ----------------------------------------------------------------------------- the new ops


def per_sample_mean(op, labels, z):
    """The mean of the per-sample op, reduced as Loss does (the reference of the fused mean)."""
    t = Tensor(z.copy(), requires_grad=True)
    values = op(labels, t)
    loss = ops.weighted_sum(values, None, 1.0 / values.size)
    loss.backward()
    return to_numpy(loss.value), t.grad


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(32, 10), (5, 3), (128, 10), (64, 100), (2, 3, 4), (1, 1)])
def test_sparse_mean_equals_the_mean_of_the_per_sample_op(path, ran, shape, dtype):
    z, labels = logits_and_labels(shape, dtype)
    value, grad = value_and_grad(lambda t: ops.sparse_softmax_cross_entropy_mean(labels, t), z)
    kernel = path == "fused" and KERNELS_RUN and (
        shape[-1] <= fused.FEW_CLASSES or z.size <= fused.SMALL_BATCH)
    assert ran == (["sparse_softmax_cross_entropy"] if kernel else [])
    want_value, want_grad = per_sample_mean(ops.sparse_softmax_cross_entropy, labels, z)
    assert value.dtype == dtype and grad.dtype == dtype and grad.shape == z.shape
    np.testing.assert_allclose(value, want_value, **TOL[dtype])
    np.testing.assert_allclose(grad, want_grad, **TOL[dtype])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(32, 10), (5, 3), (128, 10), (64, 100), (1, 1)])
def test_categorical_mean_equals_the_mean_of_the_per_sample_op(path, ran, shape, dtype):
    z, labels = logits_and_labels(shape, dtype)
    soft = rng(2).random(shape).astype(dtype)  # targets that are not one-hot, rows not summing to 1
    kernel = path == "fused" and KERNELS_RUN and (
        shape[-1] <= fused.FEW_CLASSES or z.size <= fused.SMALL_BATCH)
    for y in (np.eye(shape[-1], dtype=dtype)[labels], soft):
        value, grad = value_and_grad(lambda t, y=y: ops.softmax_cross_entropy_mean(y, t), z)
        assert ran == (["softmax_cross_entropy"] if kernel else [])
        ran.clear()
        want_value, want_grad = per_sample_mean(ops.softmax_cross_entropy, y, z)
        assert value.dtype == dtype and grad.dtype == dtype
        np.testing.assert_allclose(value, want_value, **TOL[dtype])
        np.testing.assert_allclose(grad, want_grad, **TOL[dtype])


def test_categorical_mean_over_the_first_axis(path):
    z, labels = logits_and_labels((6, 4), np.float64)
    y = np.eye(6)[rng(3).integers(0, 6, 4)].T  # one-hot down the columns
    value, grad = value_and_grad(lambda t: ops.softmax_cross_entropy_mean(y, t, axis=0), z)
    want_value, want_grad = per_sample_mean(
        lambda y_, t: ops.softmax_cross_entropy(y_, t, axis=0), y, z)
    np.testing.assert_allclose(value, want_value, rtol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("case", ["sparse", "sparse_3d", "categorical", "categorical_soft",
                                  "binary"])
def test_gradient_of_the_fused_means(path, case):
    z = rng(4).uniform(-2, 2, (4, 5))
    labels = np.array([2, 0, 4, 1])
    fn = {
        "sparse": lambda t: ops.sparse_softmax_cross_entropy_mean(labels, t),
        "sparse_3d": lambda t: ops.sparse_softmax_cross_entropy_mean(labels.reshape(2, 2), t),
        "categorical": lambda t: ops.softmax_cross_entropy_mean(np.eye(5)[labels], t),
        "categorical_soft": lambda t: ops.softmax_cross_entropy_mean(rng(5).random((4, 5)), t),
        "binary": lambda t: ops.sigmoid_cross_entropy_mean(rng(5).random((4, 5)), t),
    }[case]
    inputs = [z.reshape(2, 2, 5)] if case == "sparse_3d" else [z]
    assert check_gradients(fn, inputs) < 1e-6


def test_the_fused_means_scale_an_upstream_gradient(path):
    z, labels = logits_and_labels((8, 5), np.float64)
    for fn in (lambda t: ops.sparse_softmax_cross_entropy_mean(labels, t),
               lambda t: ops.softmax_cross_entropy_mean(np.eye(5)[labels], t)):
        t = Tensor(z.copy(), requires_grad=True)
        fn(t).backward(np.float64(2.5))
        once = Tensor(z.copy(), requires_grad=True)
        fn(once).backward()
        np.testing.assert_allclose(t.grad, 2.5 * once.grad, rtol=1e-12)


def test_the_fused_means_of_huge_logits_are_finite_and_exact(path):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], dtype=np.float32)
    labels = np.array([0, 0])
    value, grad = value_and_grad(lambda t: ops.sparse_softmax_cross_entropy_mean(labels, t), z)
    np.testing.assert_allclose(value, 1e4, rtol=1e-6)
    np.testing.assert_allclose(grad, [[0.0, 0.0, 0.0], [-0.5, 0.5, 0.0]], atol=1e-6)
    value, grad = value_and_grad(
        lambda t: ops.softmax_cross_entropy_mean(np.eye(3, dtype=np.float32)[labels], t), z)
    np.testing.assert_allclose(value, 1e4, rtol=1e-6)
    assert np.isfinite(grad).all()


def test_no_gradient_is_computed_without_a_tape(path):
    z, labels = logits_and_labels((6, 4), np.float32)
    with no_grad():
        out = ops.sparse_softmax_cross_entropy_mean(labels, Tensor(z, requires_grad=True))
    assert out.parents == () and out.backward_fn is None
    want, _ = per_sample_mean(ops.sparse_softmax_cross_entropy, labels, z)
    np.testing.assert_allclose(out.value, want, rtol=2e-6)


def test_a_nan_logit_gives_a_nan_loss(path):
    z, labels = logits_and_labels((4, 3), np.float32)
    z[1, 2] = np.nan
    value, grad = value_and_grad(lambda t: ops.sparse_softmax_cross_entropy_mean(labels, t), z)
    assert np.isnan(value) and np.isnan(grad[1]).all() and np.isfinite(grad[[0, 2, 3]]).all()


# ----------------------------------------------------------------------------- losses


CE_CASES = {
    "sparse_softmax": ("sparse_categorical_crossentropy", {}, "sparse", True),
    "sparse_from_logits": ("SparseCategoricalCrossentropy", {"from_logits": True}, "sparse",
                           False),
    "categorical_softmax": ("categorical_crossentropy", {}, "one_hot", True),
    "categorical_from_logits": ("CategoricalCrossentropy", {"from_logits": True}, "one_hot",
                                False),
    "categorical_smoothing": ("CategoricalCrossentropy",
                              {"from_logits": True, "label_smoothing": 0.1}, "one_hot", False),
    "sparse_column_labels": ("SparseCategoricalCrossentropy", {"from_logits": True}, "column",
                             False),
}


def _loss(name, kwargs):
    return getattr(losses, name)(**kwargs) if kwargs else losses.loss_object(name)


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "mean"])
@pytest.mark.parametrize("case", sorted(CE_CASES))
def test_reduced_equals_call(path, case, reduction):
    """The training loop's fused batch mean gives what Loss.__call__ gives, value and gradient."""
    name, kwargs, targets, softmax_output = CE_CASES[case]
    z, labels = logits_and_labels((16, 7), np.float32)
    y = {"sparse": labels, "column": labels[:, None],
         "one_hot": np.eye(7, dtype=np.float32)[labels]}[targets]
    loss = _loss(name, kwargs)
    loss.reduction = reduction
    _check_reduced_equals_call(loss, y, z, SOFTMAX if softmax_output else None)


def _check_reduced_equals_call(loss, y, z, output):
    """loss.reduced and loss.__call__ on the logits z (through the ``output`` activation kernel,
    or as they are) give the same value and gradient, in float32."""
    results = []
    for fn in (loss.reduced, loss.__call__):
        t = Tensor(z.copy(), requires_grad=True)
        pred = t if output is None else ops.activation(t, output)
        value = fn(y, pred)
        value.backward()
        results.append((to_numpy(value.value), t.grad))
    (value, grad), (want_value, want_grad) = results
    assert value.dtype == np.float32 and grad.dtype == np.float32
    np.testing.assert_allclose(value, want_value, rtol=2e-6)
    np.testing.assert_allclose(grad, want_grad, rtol=2e-6, atol=1e-8)


SIGMOID = activations._KERNELS["sigmoid"]


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "mean"])
@pytest.mark.parametrize("case", ["sigmoid", "from_logits", "smoothing", "column", "wide",
                                  "rank_3"])
def test_binary_crossentropy_reduced_equals_call(path, ran, case, reduction):
    """binary_crossentropy's fused batch mean gives what Loss.__call__ gives."""
    shape = {"wide": (16, 5), "rank_3": (4, 3, 2)}.get(case, (16, 1))
    z = (3 * rng(6).standard_normal(shape)).astype(np.float32)
    y = (rng(7).random(shape) > 0.5).astype(np.float32)
    if case == "column":
        y = y[:, 0]  # labels of shape (n,) for predictions of shape (n, 1)
    kwargs = {"from_logits": case != "sigmoid"}
    if case == "smoothing":
        kwargs["label_smoothing"] = 0.2
    loss = losses.BinaryCrossentropy(**kwargs)
    loss.reduction = reduction
    _check_reduced_equals_call(loss, y, z, SIGMOID if case == "sigmoid" else None)
    assert ran == (["sigmoid_cross_entropy"] if path == "fused" and KERNELS_RUN else [])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_binary_mean_on_both_paths(dtype):
    z = (4 * rng(8).standard_normal((64, 3))).astype(dtype)
    z[0, 0], z[1, 1] = 80.0, -80.0  # large logits: no overflow, no log(0)
    y = rng(9).random((64, 3)).astype(dtype)
    results = []
    for enabled in (False, True):
        switch.set_enabled(enabled)
        results.append(value_and_grad(lambda t: ops.sigmoid_cross_entropy_mean(y, t), z))
    (value, grad), (fused_value, fused_grad) = results
    np.testing.assert_allclose(fused_value, value, **TOL[dtype])
    np.testing.assert_allclose(fused_grad, grad, **TOL[dtype])
    p = 1 / (1 + np.exp(-z.astype(np.float64)))
    want = -(y * np.log(p) + (1 - y) * np.log1p(-p))
    want[0, 0] = 80.0 * (1 - y[0, 0])  # log(1 - p) underflows in float64 here: the exact value
    want[1, 1] = 80.0 * y[1, 1]
    np.testing.assert_allclose(value, want.mean(), rtol=1e-5 if dtype == np.float32 else 1e-12)
    np.testing.assert_allclose(grad, (p - y) / y.size, rtol=1e-5, atol=1e-9)


def test_a_nan_logit_gives_a_nan_binary_mean(path):
    z = np.array([[0.5], [np.nan], [-1.0]], np.float32)
    value, grad = value_and_grad(lambda t: ops.sigmoid_cross_entropy_mean(
        np.array([[1.0], [0.0], [1.0]], np.float32), t), z)
    assert np.isnan(value) and np.isnan(grad[1, 0]) and np.isfinite(grad[[0, 2]]).all()


def test_reduced_takes_the_general_path_where_the_fused_mean_does_not_apply(monkeypatch):
    z, labels = logits_and_labels((6, 4), np.float32)
    probs = (z - z.min() + 0.1) / (z - z.min() + 0.1).sum(-1, keepdims=True)  # no softmax made
    monkeypatch.setattr(ops, "sparse_softmax_cross_entropy_mean",
                        lambda *a: pytest.fail("the fused mean was used"))
    cases = [
        (losses.SparseCategoricalCrossentropy(), Tensor(probs), None),
        (losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0), Tensor(z), None),
        (losses.SparseCategoricalCrossentropy(from_logits=True), Tensor(z), np.arange(6.0)),
        (losses.SparseCategoricalCrossentropy(from_logits=True, reduction="sum"), Tensor(z),
         None),
    ]
    for loss, pred, weight in cases:
        np.testing.assert_allclose(loss.reduced(labels, pred, weight).value,
                                   loss(labels, pred, weight).value, rtol=1e-6)


@pytest.mark.parametrize("bad", [10, -1])
def test_loss_call_checks_the_label_range_on_every_path(path, bad):
    z, labels = logits_and_labels((5, 10), np.float32)
    labels[3] = bad
    for fn in (losses.SparseCategoricalCrossentropy(from_logits=True),
               lambda y, p: losses.sparse_categorical_crossentropy(y, p, from_logits=True)):
        with pytest.raises(ValueError, match=rf"label {bad} is outside \[0, 9\].*10 classes"):
            fn(labels, Tensor(z))


@pytest.mark.cpu_only
@needs_numba
@pytest.mark.parametrize("bad", [10, -1])
def test_reduced_checks_the_label_range_where_the_kernel_runs(bad):
    """The kernel checks each label as it reads it, so reduced refuses a bad label at no cost."""
    switch.set_enabled(True)
    z, labels = logits_and_labels((5, 10), np.float32)
    labels[3] = bad
    with pytest.raises(ValueError, match=rf"label {bad} is outside \[0, 9\].*10 classes"):
        losses.SparseCategoricalCrossentropy(from_logits=True).reduced(labels, Tensor(z))


def test_reduced_checks_the_shape_of_the_labels(path):
    z, labels = logits_and_labels((5, 10), np.float32)
    with pytest.raises(ValueError, match="does not fit"):
        losses.SparseCategoricalCrossentropy(from_logits=True).reduced(labels[:4], Tensor(z))
    with pytest.raises(ValueError, match="one-hot"):
        losses.CategoricalCrossentropy(from_logits=True).reduced(labels, Tensor(z))


# ----------------------------------------------------------------------------- dense


def dense_run(x, w, b, act, upstream):
    tensors = [Tensor(a.copy(), requires_grad=True) for a in (x, w, b)]
    out = ops.dense(*tensors, act)
    out.backward(upstream)
    return [to_numpy(out.value)] + [t.grad for t in tensors]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("act", ["relu", "softmax", "linear", "tanh", "sigmoid"])
@pytest.mark.parametrize("shape", [(32, 20, 16), (7, 3, 5), (2, 4, 40), (128, 8, 64)])
def test_dense_kernels_equal_the_numpy_path(ran, shape, act, dtype):
    n, d, k = shape
    r = rng(6)
    x = r.standard_normal((n, d)).astype(dtype)
    w = r.standard_normal((d, k)).astype(dtype)
    b = r.standard_normal(k).astype(dtype)
    g = r.standard_normal((n, k)).astype(dtype)
    kernel = None if act == "linear" else activations._KERNELS[act]
    kernels = {"relu": ["bias_relu", "relu_backward"], "linear": ["column_sums"],
               "tanh": ["column_sums"],
               "sigmoid": ["bias_sigmoid", "column_sums"] if n * k <= fused.SMALL_BATCH
               else ["column_sums"],
               "softmax": ["bias_softmax", "column_sums"] if k <= fused.FEW_CLASSES
               or n * k <= fused.SMALL_BATCH else ["column_sums"]}[act]
    got, want = both_paths(lambda: dense_run(x, w, b, kernel, g), ran, kernels)
    scale = max(float(np.abs(e).max()) for e in want)  # d x sums products of O(1) values
    for a, e in zip(got, want, strict=True):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, e, rtol=TOL[dtype]["rtol"], atol=TOL[dtype]["rtol"] * scale)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_sigmoid_kernel_on_extreme_values(path, dtype):
    z = np.array([[0.0, 1e-8, -1e-8, 30.0, -30.0, 100.0, -100.0, np.inf, -np.inf, np.nan]],
                 dtype)
    b = np.zeros(z.shape[1], dtype)
    device = numnet.backend.to_device
    got = to_numpy(ops.bias_and_activation(device(z.copy()), device(b),
                                           activations._KERNELS["sigmoid"]))
    want = 1 / (1 + np.exp(-z.astype(np.float64)))
    assert got.dtype == dtype and np.isnan(got[0, -1])
    np.testing.assert_allclose(got[0, :-1], want[0, :-1], rtol=2e-7 if dtype == np.float32
                               else 1e-15, atol=np.finfo(dtype).tiny)  # subnormal at -100


def test_dense_relu_keeps_nan_on_both_paths():
    x = np.array([[1.0, np.nan], [-1.0, 2.0]], dtype=np.float32)
    w = np.eye(2, dtype=np.float32)
    b = np.zeros(2, np.float32)
    g = np.array([[np.nan, 1.0], [1.0, 1.0]], dtype=np.float32)
    got, want = both_paths(lambda: dense_run(x, w, b, RELU, g))
    for a, e in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, e)  # the same operations in the same order
    assert np.isnan(got[0][0, 1]) and got[0][1, 0] == 0


def test_dense_softmax_logits_are_z_plus_bias_on_both_paths():
    x, w = rng(7).standard_normal((6, 3)), rng(8).standard_normal((3, 4))
    b = rng(9).standard_normal(4)
    for out in both_paths(lambda: ops.dense(Tensor(x), Tensor(w), Tensor(b), SOFTMAX)):
        np.testing.assert_allclose(out.logits.value, x @ w + b, rtol=1e-12)
        np.testing.assert_allclose(out.value.sum(-1), 1.0, rtol=1e-12)


@pytest.mark.cpu_only
@needs_numba
def test_the_kernels_run_on_a_training_step(ran):
    switch.set_enabled(True)
    numnet.utils.set_random_seed(0)
    model = numnet.Sequential([numnet.Input((6,)), numnet.layers.Dense(8, activation="relu"),
                               numnet.layers.Dense(3, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(rng().random((8, 6)), rng().integers(0, 3, 8), batch_size=8, verbose=0)
    assert ran == ["bias_relu", "bias_softmax", "sparse_softmax_cross_entropy", "column_sums",
                   "relu_backward"]


def _train(use_fused: bool, loss: str, out: str):
    switch.set_enabled(use_fused)
    numnet.utils.set_random_seed(0)
    x = rng(10).random((96, 12)).astype(np.float32)
    labels = rng(11).integers(0, 4, 96)
    y = labels if "sparse" in loss.lower() else np.eye(4, dtype=np.float32)[labels]
    model = numnet.Sequential([numnet.Input((12,)),
                               numnet.layers.Dense(16, activation="relu"),
                               numnet.layers.Dense(4, activation=out)])
    model.compile(numnet.optimizers.SGD(0.1),
                  losses.loss_object(loss) if out == "softmax" else
                  getattr(losses, loss)(from_logits=True), metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0).history
    return history, model.get_weights()


@needs_numba
@pytest.mark.parametrize("loss, out", [("sparse_categorical_crossentropy", "softmax"),
                                       ("categorical_crossentropy", "softmax"),
                                       ("SparseCategoricalCrossentropy", "linear")])
def test_training_follows_the_same_trajectory_on_both_paths(loss, out):
    (fast, fast_weights), (plain, plain_weights) = (_train(True, loss, out),
                                                    _train(False, loss, out))
    np.testing.assert_allclose(fast["loss"], plain["loss"], rtol=1e-5)
    assert fast["accuracy"] == plain["accuracy"]
    for a, e in zip(fast_weights, plain_weights, strict=True):
        np.testing.assert_allclose(a, e, rtol=1e-4, atol=1e-6)


# ----------------------------------------------------------------------------- fallbacks


def test_arrays_the_kernels_do_not_take_go_through_numpy(monkeypatch):
    monkeypatch.setattr(fused, "_run", lambda *a: pytest.fail("kernel used"))
    z, labels = logits_and_labels((4, 6), np.float32)
    strided = np.asfortranarray(z)
    assert fused.sparse_softmax_cross_entropy(strided, labels, 0.25, True) is None
    assert fused.softmax_cross_entropy(z, np.eye(6)[labels], 0.25, True) is None  # float64 y
    assert fused.bias_relu(z, np.zeros(6)) is False  # a float64 bias
    assert fused.bias_softmax(z.astype(np.float16), np.zeros(6, np.float16)) is None
    assert fused.column_sums(strided) is None
    wide = rng().standard_normal((200, 64)).astype(np.float32)  # NumPy's exp is faster there
    assert fused.bias_softmax(wide, np.zeros(64, np.float32)) is None
    ok = ops.sparse_softmax_cross_entropy_mean(labels, Tensor(strided))
    np.testing.assert_allclose(ok.value, per_sample_mean(
        ops.sparse_softmax_cross_entropy, labels, z)[0], rtol=2e-6)


@pytest.mark.cpu_only
def test_shapes_the_kernels_do_not_take_go_through_numpy(ran):
    switch.set_enabled(True)
    x, w = rng().standard_normal((5, 3)), rng(1).standard_normal((3, 4))
    row_bias = rng(2).standard_normal((1, 4))  # broadcast by NumPy, not a kernel's (units,)
    for act in (RELU, SOFTMAX):
        out = ops.dense(Tensor(x), Tensor(w), Tensor(row_bias), act)
        np.testing.assert_allclose(out.value, act.forward(x @ w + row_bias), rtol=1e-12)
    assert ran == []
    z, labels = logits_and_labels((5, 4), np.float64)
    with pytest.raises((IndexError, ValueError)):
        ops.sparse_softmax_cross_entropy_mean(labels[:3], Tensor(z))
    with pytest.raises(ValueError):
        ops.softmax_cross_entropy_mean(np.eye(4)[labels[:3]], Tensor(z))
    with pytest.raises(ValueError):
        ops.sparse_softmax_cross_entropy_mean(np.zeros(5, int), Tensor(np.zeros((5, 0))))
    assert ran == []
    assert all(fused._compiled.get(name) is not False for name in fused._KERNELS)
    ops.sparse_softmax_cross_entropy_mean(labels, Tensor(z))  # and the kernels still run
    assert ran == (["sparse_softmax_cross_entropy"] if KERNELS_RUN else [])


def test_without_numba_the_numpy_path_runs(monkeypatch):
    monkeypatch.setattr(switch, "_numba", False)
    monkeypatch.setattr(fused, "_run", lambda *a: pytest.fail("kernel used"))
    z, labels = logits_and_labels((4, 6), np.float32)
    assert fused.sparse_softmax_cross_entropy(z, labels, 0.25, True) is None
    value, grad = value_and_grad(lambda t: ops.sparse_softmax_cross_entropy_mean(labels, t), z)
    want_value, want_grad = per_sample_mean(ops.sparse_softmax_cross_entropy, labels, z)
    np.testing.assert_allclose(value, want_value, rtol=2e-6)
    np.testing.assert_allclose(grad, want_grad, rtol=2e-6, atol=1e-8)


@needs_numba
def test_a_kernel_that_does_not_compile_falls_back_to_numpy(monkeypatch):
    def broken(z, b):
        return undefined_name  # noqa: F821 - numba cannot type this

    switch.set_enabled(True)
    monkeypatch.setitem(fused._KERNELS, "bias_relu", broken)
    monkeypatch.setitem(fused._compiled, "bias_relu", None)
    z = rng().standard_normal((3, 4)).astype(np.float32)
    before = z.copy()
    assert fused.bias_relu(z, np.ones(4, np.float32)) is False
    np.testing.assert_array_equal(z, before)  # nothing was written
    assert fused._compiled["bias_relu"] is False
    out = ops.dense(Tensor(np.eye(3, 4, dtype=np.float32)), Tensor(np.eye(4, dtype=np.float32)),
                    Tensor(np.ones(4, np.float32)), RELU)
    np.testing.assert_array_equal(out.value, np.eye(3, 4) + 1)


def test_numnet_fused_0_turns_the_kernels_off():
    code = (
        "import numpy as np\n"
        "from numnet.autodiff import ops\n"
        "from numnet.fast import kernels as fused\n"
        "from numnet.autodiff.tensor import Tensor\n"
        "z = Tensor(np.ones((4, 3), np.float32), requires_grad=True)\n"
        "ops.sparse_softmax_cross_entropy_mean(np.array([0, 1, 2, 0]), z).backward()\n"
        "assert not fused._compiled, fused._compiled\n"
        "print(z.grad.sum())\n"
    )
    env = {**os.environ, "NUMNET_FUSED": "0"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert abs(float(done.stdout)) < 1e-6


# ----------------------------------------------------------------------------- metrics


@pytest.mark.parametrize("cls, sparse", [(metrics.SparseCategoricalAccuracy, True),
                                         (metrics.CategoricalAccuracy, False)])
def test_accuracy_counts_hits_as_the_weighted_mean_does(cls, sparse):
    fast, general = cls(), cls()
    for seed in range(3):
        p = rng(seed).random((20 + seed, 5)).astype(np.float32)
        labels = rng(seed + 10).integers(0, 5, len(p))
        y = labels if sparse else np.eye(5)[labels]
        fast.update_state(y, p)
        general.update_state(y, p, sample_weight=np.ones(len(p)))
        if sparse:
            fast.update_state(labels[:, None], p)
            general.update_state(labels[:, None], p, sample_weight=np.ones(len(p)))
    assert fast.result().dtype == np.float32
    assert float(fast.result()) == float(general.result())
    assert float(fast.count.value) == float(general.count.value)
    assert float(fast.total.value) == float(general.total.value)


def test_accuracy_of_rank_3_predictions_averages_per_sample():
    metric = metrics.SparseCategoricalAccuracy()
    p = np.zeros((2, 2, 3), np.float32)
    p[..., 0] = 1.0
    metric.update_state(np.array([[0, 0], [0, 1]]), p)  # hits 2/2 and 1/2
    assert float(metric.result()) == pytest.approx(0.75)
    assert float(metric.count.value) == 2


def test_accuracy_still_refuses_labels_that_do_not_fit():
    with pytest.raises(ValueError, match="does not fit"):
        metrics.SparseCategoricalAccuracy().update_state(np.zeros(3), np.zeros((4, 2)))
    with pytest.raises(ValueError, match="one-hot"):
        metrics.CategoricalAccuracy().update_state(np.zeros(4), np.zeros((4, 2)))


# ----------------------------------------------------------------------------- the tape


def test_topological_order_puts_each_node_after_its_parents():
    x = Tensor(rng().standard_normal(3), requires_grad=True)
    a = ops.exp(x)
    b = ops.multiply(a, a)
    c = ops.add(b, a)
    d = ops.add(c, ops.sum(a))  # a reaches d along three paths
    order = _topological_order(ops.sum(d))
    assert len({id(n) for n in order}) == len(order)
    position = {id(n): i for i, n in enumerate(order)}
    for n in order:
        for p in n.parents:
            if p.backward_fn is not None:
                assert position[id(p)] < position[id(n)]
    assert id(x) not in position  # a leaf has nothing to pass on
    ops.sum(d).backward()
    e = np.exp(x.value)
    np.testing.assert_allclose(x.grad, (2 * e + 1 + 3) * e, rtol=1e-12)


def test_backward_of_a_leaf_sets_its_gradient():
    x = Tensor(np.float32(2.0), requires_grad=True)
    x.backward()
    assert x.grad == 1.0


# ----------------------------------------------------------------------------- batch rows


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(50, 64), (50, 8, 9), (300, 100)])
@pytest.mark.parametrize("count", [0, 1, 7, 8, 9, 33])
def test_take_rows_equals_fancy_indexing(path, ran, shape, dtype, count):
    a = rng().random(shape).astype(dtype)
    idx = rng(1).permutation(shape[0])[:count]
    got = fused.take_rows(a, idx)
    assert got.dtype == a.dtype and got.shape == (count,) + shape[1:]
    np.testing.assert_array_equal(got, a[idx])
    assert ran == (["take_rows"] if path == "fused" else [])


@pytest.mark.parametrize("case", ["negative", "small_rows", "strided", "integers", "int32_index"])
def test_take_rows_gives_numpys_rows_where_the_kernel_does_not_apply(case):
    a = rng().random((40, 80)).astype(np.float32)
    idx = np.arange(0, 40, 3)
    if case == "negative":
        idx = idx - 20  # NumPy counts these from the end
    elif case == "small_rows":
        a = a[:, :10].copy()
    elif case == "strided":
        a = a[:, ::2]
    elif case == "integers":
        a = (a * 100).astype(np.int64)
    else:
        idx = idx.astype(np.int32)
    np.testing.assert_array_equal(fused.take_rows(a, idx), a[idx])


def test_take_rows_raises_numpys_error_for_an_index_out_of_range(path):
    a = rng().random((40, 80)).astype(np.float32)
    with pytest.raises(IndexError, match="out of bounds"):
        fused.take_rows(a, np.array([3, 40, 5]))


@pytest.mark.cpu_only
@needs_numba
def test_fit_gathers_its_shuffled_batches_with_the_kernel(ran, monkeypatch):
    switch.set_enabled(True)
    from numnet.fast import helper_thread

    monkeypatch.setattr(helper_thread, "_ENABLED", False)  # the training thread gathers

    def train():
        numnet.utils.set_random_seed(0)
        model = numnet.Sequential([numnet.Input((80,)), numnet.layers.Dense(4, activation="relu"),
                                   numnet.layers.Dense(3, activation="softmax")])
        model.compile("adam", "sparse_categorical_crossentropy")
        model.fit(rng().random((100, 80)).astype(np.float32), rng().integers(0, 3, 100),
                  batch_size=16, epochs=2, verbose=0)
        return [w.copy() for w in model.get_weights()]

    with_kernel = train()
    assert ran.count("take_rows") == 14  # 7 batches an epoch
    ran.clear()
    monkeypatch.setattr(fused, "TAKE_ROW_BYTES", 1 << 30)  # every row through NumPy
    with_numpy = train()
    assert "take_rows" not in ran and "bias_relu" in ran
    for a, b in zip(with_kernel, with_numpy, strict=True):
        np.testing.assert_array_equal(a, b)
