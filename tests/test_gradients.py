"""Gradient checks of every op, activation, loss and trainable layer, plus numerical stability.

Each backward pass is compared with central differences in float64 (relative error < 1e-5).
Piecewise functions are evaluated on random inputs moved away from their kinks. Reference values
come from formulas written here in NumPy, and from Keras 3 (JAX backend) where it is installed.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import numnet
from numnet import activations, losses, regularizers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients, numerical_gradient, relative_error
from numnet.autodiff.tensor import Tensor, no_grad
from numnet.layers import BatchNormalization, Dense, Dropout

TOL = 1e-5
EPS = 1e-7


# ----------------------------------------------------------------------------- inputs


def rand(shape, low=-2.0, high=2.0, seed=0, kinks=(), gap=0.1):
    """Uniform values in [low, high), moved at least ``gap`` away from each kink."""
    x = np.random.default_rng(seed).uniform(low, high, shape)
    for k in kinks:
        near = np.abs(x - k) < gap
        x[near] = np.where(x[near] >= k, k + gap, k - gap)
    return x


def positive(shape, seed=0, low=0.5, high=2.0):
    return rand(shape, low, high, seed)


def nonzero(shape, seed=0):
    sign = np.where(np.random.default_rng(seed + 100).random(shape) < 0.5, -1.0, 1.0)
    return sign * positive(shape, seed)


def one_hot(labels, k):
    return np.eye(k)[labels]


def distribution(shape, seed=0):
    p = positive(shape, seed, 0.1, 1.0)
    return p / p.sum(axis=-1, keepdims=True)


LABELS = np.array([2, 0, 3])
ONE_HOT = one_hot(LABELS, 4)
BINARY = np.array([[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.0, 1.0], [1.0, 1.0, 0.0, 0.0]])


def _assert_checks(fn, inputs, params=()):
    error = check_gradients(fn, inputs, params=params)
    assert error < TOL, f"relative error {error:.3g}"
    for p in params:
        assert p.grad is not None, f"{getattr(p, 'path', 'a parameter')} got no gradient"


def _assert_dtype_kept(fn, inputs, dtype):
    """fn's output and every input's gradient keep ``dtype``."""
    tensors = [Tensor(np.asarray(a, dtype=dtype), requires_grad=True) for a in inputs]
    out = fn(*tensors)
    assert out.dtype == dtype
    out.backward(np.ones(out.shape, dtype=dtype))
    for t in tensors:
        assert t.grad is not None and t.grad.dtype == dtype and t.grad.shape == t.shape


# ----------------------------------------------------------------------------- the checker itself


def test_gradcheck_accepts_a_correct_gradient_and_flags_a_wrong_one():
    def wrong_square(a):
        return ops.node(a.value**2, (a,), lambda g: ops.accumulate(a, 2.2 * g * a.value))

    x = [rand((3, 4))]
    assert check_gradients(ops.square, x) < 1e-9
    assert check_gradients(wrong_square, x) > 0.04


def test_gradcheck_flags_a_missing_and_a_misshapen_gradient():
    def forgets_b(a, b):
        return ops.node(a.value * b.value, (a, b), lambda g: ops.accumulate(a, g * b.value))

    def misshapen(a):
        return ops.node(a.value * 2, (a,), lambda g: ops.accumulate(a, (2 * g).sum(axis=0)))

    assert check_gradients(forgets_b, [rand((3,)), nonzero((3,))]) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="shape"):
        check_gradients(misshapen, [rand((3, 4))])


def test_numerical_gradient_restores_its_input():
    a = rand((2, 3))
    before = a.copy()
    grad = numerical_gradient(lambda: float((a**3).sum()), a)
    np.testing.assert_array_equal(a, before)
    np.testing.assert_allclose(grad, 3 * a**2, rtol=1e-8)
    assert relative_error([1.0, 0.0], [1.0, 0.0]) == 0.0


# ----------------------------------------------------------------------------- ops

_A, _B = rand((3, 4), seed=1), rand((3, 4), seed=2)
_AWAY = _B + rand((3, 4), seed=3, kinks=(0,), gap=0.2)  # |_AWAY - _B| >= 0.2
_ROW = rand((4,), seed=4)
_K = activations._KERNELS

OP_CASES = {
    "add": (ops.add, [_A, _ROW]),
    "add_column_row": (ops.add, [rand((3, 1)), rand((1, 4), seed=1)]),
    "add_constant": (lambda a: ops.add(a, 1.5), [_A]),
    "radd_operator": (lambda a: 2.0 + a, [_A]),
    "subtract": (ops.subtract, [rand((2, 3, 4)), rand((3, 1), seed=1)]),
    "rsub_operator": (lambda a, b: 1.0 - a - b, [_A, _ROW]),
    "multiply": (ops.multiply, [_A, rand((1, 4), seed=5)]),
    "multiply_by_scalar_tensor": (ops.multiply, [_A, np.array(1.7)]),
    "multiply_same_tensor": (lambda a: a * a, [_A]),
    "divide": (ops.divide, [_A, nonzero((4,), seed=6)]),
    "divide_broadcast_both": (ops.divide, [rand((3, 1)), nonzero((1, 4), seed=7)]),
    "rdivide_operator": (lambda b: 2.0 / b, [nonzero((3, 4))]),
    "negative": (ops.negative, [_A]),
    "power_3": (lambda a: ops.power(a, 3), [_A]),
    "power_2_5": (lambda a: ops.power(a, 2.5), [positive((3, 4))]),
    "power_negative": (lambda a: a**-1.5, [positive((3, 4))]),
    "square": (ops.square, [_A]),
    "sqrt": (ops.sqrt, [positive((3, 4))]),
    "exp": (ops.exp, [_A]),
    "log": (ops.log, [positive((3, 4))]),
    "log1p": (ops.log1p, [rand((3, 4), -0.5, 2.0)]),
    "abs": (ops.abs, [rand((3, 4), kinks=(0,))]),
    "maximum": (ops.maximum, [_AWAY, _B]),
    "maximum_constant": (lambda a: ops.maximum(a, 0.3), [rand((3, 4), kinks=(0.3,))]),
    "maximum_broadcast": (ops.maximum, [_ROW + rand((3, 4), kinks=(0,)), _ROW]),
    "minimum": (ops.minimum, [_AWAY, _B]),
    "minimum_broadcast": (ops.minimum, [_ROW + rand((3, 4), kinks=(0,)), _ROW]),
    "clip": (lambda a: ops.clip(a, -0.5, 0.8), [rand((3, 4), kinks=(-0.5, 0.8))]),
    "matmul": (ops.matmul, [rand((3, 4)), rand((4, 5), seed=1)]),
    "matmul_operator": (lambda a, b: a @ b, [rand((3, 4)), rand((4, 5), seed=1)]),
    "matmul_vector_vector": (ops.matmul, [rand((4,)), rand((4,), seed=1)]),
    "matmul_matrix_vector": (ops.matmul, [rand((3, 4)), rand((4,), seed=1)]),
    "matmul_vector_matrix": (ops.matmul, [rand((4,)), rand((4, 5), seed=1)]),
    "matmul_batch_vector": (ops.matmul, [rand((2, 3, 4)), rand((4,), seed=1)]),
    "matmul_vector_batch": (ops.matmul, [rand((4,)), rand((2, 4, 5), seed=1)]),
    "matmul_batch_matrix": (ops.matmul, [rand((2, 3, 4)), rand((4, 5), seed=1)]),
    "matmul_matrix_batch": (ops.matmul, [rand((3, 4)), rand((2, 4, 5), seed=1)]),
    "matmul_batch_batch": (ops.matmul, [rand((2, 3, 4)), rand((2, 4, 5), seed=1)]),
    "matmul_broadcast_batch": (ops.matmul, [rand((1, 3, 4)), rand((2, 4, 5), seed=1)]),
    "sum": (ops.sum, [rand((2, 3, 4))]),
    "sum_axis0": (lambda a: ops.sum(a, axis=0), [rand((2, 3, 4))]),
    "sum_axis_last": (lambda a: ops.sum(a, axis=-1), [rand((2, 3, 4))]),
    "sum_axes": (lambda a: ops.sum(a, axis=(0, 2)), [rand((2, 3, 4))]),
    "sum_keepdims": (lambda a: ops.sum(a, axis=1, keepdims=True), [rand((2, 3, 4))]),
    "sum_all_keepdims": (lambda a: ops.sum(a, keepdims=True), [rand((2, 3, 4))]),
    "mean": (ops.mean, [rand((2, 3, 4))]),
    "mean_axis0": (lambda a: ops.mean(a, axis=0), [rand((2, 3, 4))]),
    "mean_axes_negative": (lambda a: ops.mean(a, axis=(-1, 0)), [rand((2, 3, 4))]),
    "mean_keepdims": (lambda a: ops.mean(a, axis=-1, keepdims=True), [rand((2, 3, 4))]),
    "mean_all_keepdims": (lambda a: ops.mean(a, keepdims=True), [rand((2, 3, 4))]),
    "reshape": (lambda a: ops.reshape(a, (2, 6)), [_A]),
    "reshape_flat": (lambda a: ops.reshape(a, (-1,)), [rand((2, 3, 2))]),
    "transpose": (ops.transpose, [rand((2, 3, 4))]),
    "transpose_axes": (lambda a: ops.transpose(a, (1, 0, 2)), [rand((2, 3, 4))]),
    "transpose_negative_axes": (lambda a: ops.transpose(a, (0, -1, 1)), [rand((2, 3, 4))]),
    "transpose_property": (lambda a: a.T, [_A]),
    "getitem_int": (lambda a: a[1], [_A]),
    "getitem_slice": (lambda a: a[:, 1:3], [_A]),
    "getitem_ellipsis": (lambda a: a[..., -1], [rand((2, 3, 4))]),
    "getitem_repeated_rows": (lambda a: a[np.array([0, 0, 2, 0])], [_A]),
    "getitem_pairs": (lambda a: a[np.array([2, 0, 2]), np.array([1, 1, 1])], [_A]),
    "getitem_mask": (lambda a: a[_A > 0], [rand((3, 4), seed=9)]),
    "getitem_tensor_index": (lambda a: a[Tensor(np.array([1, 1]))], [_A]),
    "concatenate_last": (lambda a, b: ops.concatenate([a, b]), [rand((3, 2)), _A]),
    "concatenate_first": (lambda a, b: ops.concatenate([a, b], 0), [rand((1, 4)), _A]),
    "concatenate_constant": (lambda a: ops.concatenate([a, np.ones((3, 1)), a], 1), [_A]),
    "log_softmax": (ops.log_softmax, [_A]),
    "log_softmax_axis0": (lambda a: ops.log_softmax(a, axis=0), [_A]),
    "softmax_cross_entropy": (
        lambda z: ops.softmax_cross_entropy(distribution((3, 4)), z), [_A]),
    "softmax_cross_entropy_one_hot": (
        lambda z: ops.softmax_cross_entropy(ONE_HOT, z), [_A]),
    "softmax_cross_entropy_axis0": (
        lambda z: ops.softmax_cross_entropy(distribution((4, 3)).T, z, axis=0), [_A]),
    "sparse_softmax_cross_entropy": (
        lambda z: ops.sparse_softmax_cross_entropy(LABELS, z), [_A]),
    "sparse_softmax_cross_entropy_3d": (
        lambda z: ops.sparse_softmax_cross_entropy(np.array([[0, 3, 1], [2, 2, 0]]), z),
        [rand((2, 3, 4))]),
    "sigmoid_cross_entropy": (
        lambda z: ops.sigmoid_cross_entropy(positive((3, 4), 5, 0.0, 1.0), z),
        [rand((3, 4), -4, 4)]),
    "sigmoid_cross_entropy_binary": (lambda z: ops.sigmoid_cross_entropy(BINARY, z), [_A]),
}

_DENSE_INPUTS = [rand((3, 4)), rand((4, 5), -1, 1, seed=1), rand((5,), -1, 1, seed=2)]
for _name in [None, *sorted(_K)]:
    _kernel = None if _name is None else _K[_name]
    OP_CASES[f"dense_{_name or 'linear'}"] = (
        lambda x, w, b, k=_kernel: ops.dense(x, w, b, k), _DENSE_INPUTS)
    OP_CASES[f"dense_{_name or 'linear'}_no_bias"] = (
        lambda x, w, k=_kernel: ops.dense(x, w, None, k), _DENSE_INPUTS[:2])
OP_CASES["dense_rank3_input"] = (
    lambda x, w, b: ops.dense(x, w, b, _K["tanh"]), [rand((2, 3, 4))] + _DENSE_INPUTS[1:])
OP_CASES["dense_single_row"] = (
    lambda x, w, b: ops.dense(x, w, b, _K["softmax"]), [rand((4,))] + _DENSE_INPUTS[1:])
OP_CASES["dense_softmax_logits"] = (
    lambda x, w, b: ops.dense(x, w, b, _K["softmax"]).logits, _DENSE_INPUTS)
OP_CASES["dense_sigmoid_logits_rank3"] = (
    lambda x, w, b: ops.dense(x, w, b, _K["sigmoid"]).logits,
    [rand((2, 3, 4))] + _DENSE_INPUTS[1:])


@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_op_gradient(name):
    fn, inputs = OP_CASES[name]
    _assert_checks(fn, inputs)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(OP_CASES))
def test_op_keeps_dtype(name, dtype):
    fn, inputs = OP_CASES[name]
    _assert_dtype_kept(fn, inputs, dtype)


def test_matmul_values_follow_numpy_for_1d_operands():
    for a, b in [((4,), (4,)), ((2, 3, 4), (4,)), ((4,), (2, 4, 5))]:
        x, y = rand(a), rand(b, seed=1)
        np.testing.assert_allclose(ops.matmul(x, y).numpy(), x.astype(np.float32) @ y, rtol=1e-6)


def test_a_tensor_used_twice_gets_the_sum_of_both_gradients():
    x = Tensor(np.array([1.0, -2.0, 3.0]), requires_grad=True)
    y = ops.sum(ops.add(ops.multiply(x, 3.0), ops.square(x)))
    y.backward()
    np.testing.assert_allclose(x.grad, 3.0 + 2 * x.value)


def test_no_grad_records_nothing():
    x = Tensor(_A, requires_grad=True)
    with no_grad():
        y = ops.exp(ops.matmul(x, x.T))
    assert not y.requires_grad and y.parents == ()
    assert ops.exp(x).requires_grad


def test_constants_take_the_float_type_of_their_tensor():
    for dtype in (np.float32, np.float64):
        x = Tensor(np.ones((2, 2), dtype=dtype))
        assert ops.add(x, np.ones(2)).dtype == dtype
        assert ops.multiply(0.5, x).dtype == dtype
        assert ops.maximum(x, 0).dtype == dtype


# ----------------------------------------------------------------------------- activations


def _np_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _np_softmax(z, axis=-1):
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _np_softplus(z):
    return np.log1p(np.exp(z))


def _np_elu(z, alpha=1.0):
    return np.where(z > 0, z, alpha * (np.exp(z) - 1))


_SELU = (1.6732632423543772848170429916717, 1.0507009873554804934193349852946)
_erf = np.vectorize(math.erf)


def _np_relu_keras(z, slope=0.0, max_value=None, threshold=0.0):
    """Keras: clip(z if z > threshold else 0, 0, max_value) - slope * max(threshold - z, 0)."""
    y = np.where(z > threshold, z, 0.0)
    if max_value is not None:
        y = np.clip(y, 0.0, max_value)
    return y - slope * np.maximum(threshold - z, 0.0)


# name -> (function, NumPy reference, kinks, (low, high))
ACTIVATION_CASES = {
    "linear": (activations.linear, lambda z: z, (), (-3, 3)),
    "relu": (activations.relu, lambda z: np.maximum(z, 0), (0,), (-3, 3)),
    "relu_negative_slope": (
        lambda x: activations.relu(x, negative_slope=0.1),
        lambda z: np.where(z > 0, z, 0.1 * z), (0,), (-3, 3)),
    "relu_max_value": (
        lambda x: activations.relu(x, max_value=1.5), lambda z: np.clip(z, 0, 1.5), (0, 1.5),
        (-3, 3)),
    "relu_threshold": (
        lambda x: activations.relu(x, threshold=0.5), lambda z: np.where(z > 0.5, z, 0), (0.5,),
        (-3, 3)),
    "relu_all_arguments": (
        lambda x: activations.relu(x, negative_slope=0.1, max_value=1.5, threshold=0.5),
        lambda z: _np_relu_keras(z, 0.1, 1.5, 0.5), (0.5, 1.5), (-3, 3)),
    "relu_negative_threshold_max_value": (
        lambda x: activations.relu(x, max_value=1.0, threshold=-0.5),
        lambda z: _np_relu_keras(z, 0.0, 1.0, -0.5), (-0.5, 0, 1.0), (-3, 3)),
    "relu_negative_threshold_slope": (
        lambda x: activations.relu(x, negative_slope=0.2, threshold=-0.5),
        lambda z: np.where(z > -0.5, z, 0.2 * (z + 0.5)), (-0.5,), (-3, 3)),
    "relu6": (activations.relu6, lambda z: np.clip(z, 0, 6), (0, 6), (-2, 8)),
    "sigmoid": (activations.sigmoid, _np_sigmoid, (), (-5, 5)),
    "tanh": (activations.tanh, np.tanh, (), (-3, 3)),
    "softmax": (activations.softmax, _np_softmax, (), (-3, 3)),
    "softmax_axis0": (
        lambda x: activations.softmax(x, axis=0), lambda z: _np_softmax(z, 0), (), (-3, 3)),
    "log_softmax": (
        activations.log_softmax, lambda z: np.log(_np_softmax(z)), (), (-3, 3)),
    "log_softmax_axis0": (
        lambda x: activations.log_softmax(x, axis=0), lambda z: np.log(_np_softmax(z, 0)), (),
        (-3, 3)),
    "leaky_relu": (activations.leaky_relu, lambda z: np.where(z > 0, z, 0.2 * z), (0,), (-3, 3)),
    "leaky_relu_slope": (
        lambda x: activations.leaky_relu(x, negative_slope=0.05),
        lambda z: np.where(z > 0, z, 0.05 * z), (0,), (-3, 3)),
    "elu": (activations.elu, _np_elu, (0,), (-3, 3)),
    "elu_alpha": (lambda x: activations.elu(x, alpha=0.5), lambda z: _np_elu(z, 0.5), (0,),
                  (-3, 3)),
    "selu": (activations.selu, lambda z: _SELU[1] * _np_elu(z, _SELU[0]), (0,), (-3, 3)),
    "gelu": (activations.gelu, lambda z: 0.5 * z * (1 + _erf(z / math.sqrt(2))), (), (-4, 4)),
    "gelu_approximate": (
        lambda x: activations.gelu(x, approximate=True),
        lambda z: 0.5 * z * (1 + np.tanh(math.sqrt(2 / math.pi) * (z + 0.044715 * z**3))), (),
        (-4, 4)),
    "silu": (activations.silu, lambda z: z * _np_sigmoid(z), (), (-4, 4)),
    "swish": (activations.swish, lambda z: z * _np_sigmoid(z), (), (-4, 4)),
    "softplus": (activations.softplus, _np_softplus, (), (-4, 4)),
    "softsign": (activations.softsign, lambda z: z / (1 + np.abs(z)), (0,), (-3, 3)),
    "hard_sigmoid": (
        activations.hard_sigmoid, lambda z: np.clip(z / 6 + 0.5, 0, 1), (-3, 3), (-5, 5)),
    "hard_silu": (
        activations.hard_silu, lambda z: z * np.clip(z / 6 + 0.5, 0, 1), (-3, 3), (-5, 5)),
    "hard_swish": (
        activations.hard_swish, lambda z: z * np.clip(z / 6 + 0.5, 0, 1), (-3, 3), (-5, 5)),
    "exponential": (activations.exponential, np.exp, (), (-3, 3)),
    "mish": (activations.mish, lambda z: z * np.tanh(_np_softplus(z)), (), (-4, 4)),
}


def _activation_input(name, shape=(3, 4)):
    _, _, kinks, (low, high) = ACTIVATION_CASES[name]
    return rand(shape, low, high, seed=len(name), kinks=kinks)


@pytest.mark.parametrize("name", sorted(ACTIVATION_CASES))
def test_activation_gradient(name):
    fn = ACTIVATION_CASES[name][0]
    _assert_checks(fn, [_activation_input(name)])


@pytest.mark.parametrize("name", sorted(ACTIVATION_CASES))
def test_activation_matches_its_formula(name):
    fn, reference, _, _ = ACTIVATION_CASES[name]
    z = _activation_input(name, (4, 6))
    np.testing.assert_allclose(fn(Tensor(z)).numpy(), reference(z), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(ACTIVATION_CASES))
def test_activation_keeps_dtype(name, dtype):
    _assert_dtype_kept(ACTIVATION_CASES[name][0], [_activation_input(name)], dtype)


@pytest.mark.parametrize("name", sorted(_K))
def test_fused_dense_kernel_matches_the_activation_function(name):
    """Dense's fused node and dense-then-activation give the same value and gradients."""
    x, w, b = (Tensor(a, requires_grad=True) for a in _DENSE_INPUTS)
    fused = ops.dense(x, w, b, _K[name])
    weights = rand(fused.shape, seed=3)
    ops.sum(ops.multiply(fused, weights)).backward()
    fused_grads = [t.grad for t in (x, w, b)]
    for t in (x, w, b):
        t.grad = None
    separate = activations.get(name)(ops.dense(x, w, b))
    ops.sum(ops.multiply(separate, weights)).backward()
    np.testing.assert_allclose(fused.numpy(), separate.numpy(), rtol=1e-12)
    for got, want in zip(fused_grads, (x.grad, w.grad, b.grad), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)


def test_activation_names_resolve_to_kernels():
    for name in ("relu", "sigmoid", "softmax", "gelu", "swish", "hard_swish", "mish"):
        assert activations.kernel_of(activations.get(name)) is not None
    assert activations.kernel_of(activations.get("linear")) is None
    assert activations.get(None) is activations.linear


# ----------------------------------------------------------------------------- losses

_Y = rand((3, 4), seed=11)
_Y_POS = positive((3, 4), seed=12)
_E = rand((3, 4), seed=13, kinks=(0, -1, 1, -0.5, 0.5))  # errors away from huber / abs kinks
_P = positive((3, 4), seed=14, low=0.05, high=0.95)
_Z = rand((3, 4), -3, 3, seed=15)
_HINGE_MARGIN = rand((3, 4), -1.5, 1.5, seed=16, kinks=(0,))


def _clip(p):
    return np.clip(p, EPS, 1 - EPS)


def _np_bce(y, p, smoothing=0.0):
    y = y * (1 - smoothing) + 0.5 * smoothing
    p = _clip(p)
    return -(y * np.log(p) + (1 - y) * np.log(1 - p)).mean(axis=-1)


def _np_bce_logits(y, z, smoothing=0.0):
    y = y * (1 - smoothing) + 0.5 * smoothing
    return -(y * np.log(_np_sigmoid(z)) + (1 - y) * np.log(_np_sigmoid(-z))).mean(axis=-1)


def _np_cce(y, p, smoothing=0.0, axis=-1):
    y = y * (1 - smoothing) + smoothing / y.shape[axis]
    p = _clip(p / p.sum(axis=axis, keepdims=True))
    return -(y * np.log(p)).sum(axis=axis)


def _np_cce_logits(y, z, smoothing=0.0, axis=-1):
    y = y * (1 - smoothing) + smoothing / y.shape[axis]
    return -(y * np.log(_np_softmax(z, axis))).sum(axis=axis)


def _np_sparse(labels, p):
    labels = labels.reshape(p.shape[:-1])
    p = _clip(p / p.sum(axis=-1, keepdims=True))
    return -np.log(np.take_along_axis(p, labels[..., None], -1)[..., 0])


def _np_normalize(v):
    return v / np.maximum(np.sqrt((v * v).sum(axis=-1, keepdims=True)), EPS)


def _np_hinge(y, p, square=False):
    signs = 2 * y - 1 if np.all((y == 0) | (y == 1)) else y
    m = np.maximum(1 - signs * p, 0)
    return (m * m if square else m).mean(axis=-1)


# name -> (loss function, its keyword arguments, y_true, y_pred, NumPy reference of the values)
LOSS_CASES = {
    "mean_squared_error": (
        losses.mean_squared_error, {}, _Y, _Y + _E, lambda y, p: ((p - y) ** 2).mean(-1)),
    "mean_absolute_error": (
        losses.mean_absolute_error, {}, _Y, _Y + _E, lambda y, p: np.abs(p - y).mean(-1)),
    "mean_absolute_percentage_error": (
        losses.mean_absolute_percentage_error, {}, nonzero((3, 4), 17), nonzero((3, 4), 17) + _E,
        lambda y, p: 100 * np.abs((y - p) / np.maximum(np.abs(y), EPS)).mean(-1)),
    "mean_squared_logarithmic_error": (
        losses.mean_squared_logarithmic_error, {}, _Y_POS, positive((3, 4), 18, 0.1, 3.0),
        lambda y, p: ((np.log(p + 1) - np.log(y + 1)) ** 2).mean(-1)),
    "huber": (
        losses.huber, {}, _Y, _Y + _E,
        lambda y, p: np.where(np.abs(p - y) <= 1, 0.5 * (p - y) ** 2,
                              np.abs(p - y) - 0.5).mean(-1)),
    "huber_delta": (
        losses.huber, {"delta": 0.5}, _Y, _Y + _E,
        lambda y, p: np.where(np.abs(p - y) <= 0.5, 0.5 * (p - y) ** 2,
                              0.5 * np.abs(p - y) - 0.125).mean(-1)),
    "log_cosh": (
        losses.log_cosh, {}, _Y, _Y + 3 * _E, lambda y, p: np.log(np.cosh(p - y)).mean(-1)),
    "binary_crossentropy": (losses.binary_crossentropy, {}, BINARY, _P, _np_bce),
    "binary_crossentropy_soft_labels": (
        losses.binary_crossentropy, {}, positive((3, 4), 19, 0.0, 1.0), _P, _np_bce),
    "binary_crossentropy_label_smoothing": (
        losses.binary_crossentropy, {"label_smoothing": 0.2}, BINARY, _P,
        lambda y, p: _np_bce(y, p, 0.2)),
    "binary_crossentropy_from_logits": (
        losses.binary_crossentropy, {"from_logits": True}, BINARY, _Z, _np_bce_logits),
    "binary_crossentropy_from_logits_label_smoothing": (
        losses.binary_crossentropy, {"from_logits": True, "label_smoothing": 0.1}, BINARY, _Z,
        lambda y, z: _np_bce_logits(y, z, 0.1)),
    "categorical_crossentropy": (losses.categorical_crossentropy, {}, ONE_HOT, _P, _np_cce),
    "categorical_crossentropy_soft_labels": (
        losses.categorical_crossentropy, {}, distribution((3, 4), 20), _P, _np_cce),
    "categorical_crossentropy_label_smoothing": (
        losses.categorical_crossentropy, {"label_smoothing": 0.1}, ONE_HOT, _P,
        lambda y, p: _np_cce(y, p, 0.1)),
    "categorical_crossentropy_from_logits": (
        losses.categorical_crossentropy, {"from_logits": True}, ONE_HOT, _Z, _np_cce_logits),
    "categorical_crossentropy_from_logits_label_smoothing": (
        losses.categorical_crossentropy, {"from_logits": True, "label_smoothing": 0.2}, ONE_HOT,
        _Z, lambda y, z: _np_cce_logits(y, z, 0.2)),
    "categorical_crossentropy_axis0": (
        losses.categorical_crossentropy, {"axis": 0}, ONE_HOT, _P,
        lambda y, p: _np_cce(y, p, axis=0)),
    "categorical_crossentropy_from_logits_axis0": (
        losses.categorical_crossentropy, {"from_logits": True, "axis": 0}, ONE_HOT, _Z,
        lambda y, z: _np_cce_logits(y, z, axis=0)),
    "sparse_categorical_crossentropy": (
        losses.sparse_categorical_crossentropy, {}, LABELS, _P, _np_sparse),
    "sparse_categorical_crossentropy_column_labels": (
        losses.sparse_categorical_crossentropy, {}, LABELS[:, None], _P, _np_sparse),
    "sparse_categorical_crossentropy_from_logits": (
        losses.sparse_categorical_crossentropy, {"from_logits": True}, LABELS, _Z,
        lambda y, z: -np.log(_np_softmax(z)[np.arange(3), y])),
    "sparse_categorical_crossentropy_ignore_class": (
        losses.sparse_categorical_crossentropy, {"from_logits": True, "ignore_class": 0},
        LABELS, _Z, lambda y, z: -np.log(_np_softmax(z)[np.arange(3), y]) * (y != 0)),
    "hinge": (
        losses.hinge, {}, BINARY, (2 * BINARY - 1) * (1 - _HINGE_MARGIN), _np_hinge),
    "hinge_signed_labels": (
        losses.hinge, {}, 2 * BINARY - 1, (2 * BINARY - 1) * (1 - _HINGE_MARGIN), _np_hinge),
    "squared_hinge": (
        losses.squared_hinge, {}, BINARY, (2 * BINARY - 1) * (1 - _HINGE_MARGIN),
        lambda y, p: _np_hinge(y, p, square=True)),
    "kl_divergence": (
        losses.kl_divergence, {}, distribution((3, 4), 21), _P,
        lambda y, p: (y * np.log(y / p)).sum(-1)),
    "poisson": (
        losses.poisson, {}, _Y_POS, positive((3, 4), 22, 0.1, 3.0),
        lambda y, p: (p - y * np.log(p + EPS)).mean(-1)),
    "cosine_similarity": (
        losses.cosine_similarity, {}, _Y, _Z,
        lambda y, p: -(_np_normalize(y) * _np_normalize(p)).sum(-1)),
}


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_gradient(name):
    fn, kwargs, y_true, y_pred, _ = LOSS_CASES[name]
    _assert_checks(lambda p: fn(y_true, p, **kwargs), [y_pred])


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_matches_its_formula(name):
    fn, kwargs, y_true, y_pred, reference = LOSS_CASES[name]
    got = fn(y_true, Tensor(y_pred), **kwargs).numpy()
    np.testing.assert_allclose(got, reference(y_true, y_pred), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_keeps_dtype(name, dtype):
    fn, kwargs, y_true, y_pred, _ = LOSS_CASES[name]
    _assert_dtype_kept(lambda p: fn(y_true, p, **kwargs), [y_pred], dtype)


def test_cosine_similarity_of_short_and_zero_vectors():
    """normalize(v) = v / max(||v||, 1e-7): a vector of norm 5e-7 is still normalised."""
    y = np.array([[0.6, 0.8], [0.6, 0.8]])
    p = Tensor(np.array([[3e-7, 4e-7], [0.0, 0.0]]), requires_grad=True)
    loss = losses.cosine_similarity(y, p)
    np.testing.assert_allclose(loss.numpy(), [-1.0, 0.0], atol=1e-12)
    ops.sum(loss).backward()
    assert np.all(np.isfinite(p.grad))
    np.testing.assert_allclose(p.grad[1], -y[1] / 1e-7, rtol=1e-9)


def test_power_zero_has_a_zero_gradient_at_zero():
    x = Tensor(np.array([0.0, 2.0]), requires_grad=True)
    ops.sum(ops.add(ops.power(x, 0), x)).backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0])


def test_targets_of_shape_n_fit_predictions_of_shape_n_1():
    y, p = BINARY[:, 0], _P[:, :1]
    got = losses.binary_crossentropy(y, Tensor(p)).numpy()
    np.testing.assert_allclose(got, _np_bce(y[:, None], p), rtol=1e-12)
    assert got.shape == (3,)
    got = losses.mean_squared_error(_Y[:, :1], Tensor(_Y[:, 1])).numpy()
    np.testing.assert_allclose(got, (_Y[:, 1] - _Y[:, 0]) ** 2, rtol=1e-12)


# ----- probabilities straight from a softmax / sigmoid take the logits path


def _plain_softmax(z, axis=-1):
    """softmax without the record of its logits: the plain-probability path."""
    return ops.exp(ops.log_softmax(z, axis))


def _plain_sigmoid(z):
    return ops.divide(1.0, ops.add(ops.exp(ops.negative(z)), 1.0))


def _value_and_grad(loss_fn, z):
    z = Tensor(np.array(z, dtype=np.float64), requires_grad=True)
    loss = ops.sum(loss_fn(z))
    loss.backward()
    return loss.item(), z.grad


LOGITS_PATH_CASES = {
    "categorical": (
        lambda z: losses.categorical_crossentropy(ONE_HOT, activations.softmax(z)),
        lambda z: losses.categorical_crossentropy(ONE_HOT, _plain_softmax(z))),
    "categorical_soft_labels_smoothing": (
        lambda z: losses.categorical_crossentropy(
            distribution((3, 4), 3), activations.softmax(z), label_smoothing=0.1),
        lambda z: losses.categorical_crossentropy(
            distribution((3, 4), 3), _plain_softmax(z), label_smoothing=0.1)),
    "sparse": (
        lambda z: losses.sparse_categorical_crossentropy(LABELS, activations.softmax(z)),
        lambda z: losses.sparse_categorical_crossentropy(LABELS, _plain_softmax(z))),
    "binary": (
        lambda z: losses.binary_crossentropy(BINARY, activations.sigmoid(z)),
        lambda z: losses.binary_crossentropy(BINARY, _plain_sigmoid(z))),
    "binary_label_smoothing": (
        lambda z: losses.binary_crossentropy(BINARY, activations.sigmoid(z), label_smoothing=0.2),
        lambda z: losses.binary_crossentropy(BINARY, _plain_sigmoid(z), label_smoothing=0.2)),
    "binary_column": (
        lambda z: losses.binary_crossentropy(BINARY[:, :1], activations.sigmoid(z[:, 0])),
        lambda z: losses.binary_crossentropy(BINARY[:, :1], _plain_sigmoid(z[:, 0]))),
    # The wrong kind of activation for the loss: the probabilities are used as they are.
    "binary_on_softmax": (
        lambda z: losses.binary_crossentropy(BINARY, activations.softmax(z)),
        lambda z: losses.binary_crossentropy(BINARY, _plain_softmax(z))),
    "categorical_on_sigmoid": (
        lambda z: losses.categorical_crossentropy(ONE_HOT, activations.sigmoid(z)),
        lambda z: losses.categorical_crossentropy(ONE_HOT, _plain_sigmoid(z))),
    "sparse_on_sigmoid": (
        lambda z: losses.sparse_categorical_crossentropy(LABELS, activations.sigmoid(z)),
        lambda z: losses.sparse_categorical_crossentropy(LABELS, _plain_sigmoid(z))),
    "categorical_on_softmax_axis0": (
        lambda z: losses.categorical_crossentropy(ONE_HOT, activations.softmax(z, axis=0)),
        lambda z: losses.categorical_crossentropy(ONE_HOT, _plain_softmax(z, axis=0))),
    "sparse_on_softmax_axis0": (
        lambda z: losses.sparse_categorical_crossentropy(LABELS, activations.softmax(z, axis=0)),
        lambda z: losses.sparse_categorical_crossentropy(LABELS, _plain_softmax(z, axis=0))),
}


@pytest.mark.parametrize("name", sorted(LOGITS_PATH_CASES))
def test_probabilities_from_an_activation_give_the_plain_value_and_gradient(name):
    through_activation, plain = LOGITS_PATH_CASES[name]
    value, grad = _value_and_grad(through_activation, _Z)
    want_value, want_grad = _value_and_grad(plain, _Z)
    assert value == pytest.approx(want_value, rel=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-9, atol=1e-12)
    _assert_checks(through_activation, [_Z])


def test_probabilities_from_an_activation_are_not_clipped():
    """The logits path gives the true loss where the clipped probabilities would not."""
    z = np.array([[0.0, 30.0], [20.0, 0.0]])
    got = losses.categorical_crossentropy(one_hot([0, 1], 2), activations.softmax(z)).numpy()
    np.testing.assert_allclose(got, [30.0, 20.0], rtol=1e-9)
    got = losses.sparse_categorical_crossentropy([0, 1], activations.softmax(z)).numpy()
    np.testing.assert_allclose(got, [30.0, 20.0], rtol=1e-9)
    got = losses.binary_crossentropy([[1.0], [0.0]], activations.sigmoid([[-30.0], [25.0]]))
    np.testing.assert_allclose(got.numpy(), [30.0, 25.0], rtol=1e-9)


def test_dense_softmax_output_gives_the_from_logits_gradient():
    """Dense(softmax) + cross-entropy on probabilities = Dense(linear) + from_logits."""
    x, w, b = _DENSE_INPUTS
    grads = []
    for fused in (True, False):
        params = [Tensor(w.copy(), requires_grad=True), Tensor(b.copy(), requires_grad=True)]
        if fused:
            loss = losses.CategoricalCrossentropy()(
                one_hot(LABELS, 5), ops.dense(x, *params, _K["softmax"]))
        else:
            loss = losses.CategoricalCrossentropy(from_logits=True)(
                one_hot(LABELS, 5), ops.dense(x, *params))
        loss.backward()
        grads.append((loss.item(), params[0].grad, params[1].grad))
    assert grads[0][0] == pytest.approx(grads[1][0], rel=1e-12)
    for got, want in zip(grads[0][1:], grads[1][1:], strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-14)


# ----- Loss classes: sample weights and reductions

LOSS_CLASSES = {
    "MeanSquaredError": (losses.MeanSquaredError, {}, "mean_squared_error"),
    "MeanAbsoluteError": (losses.MeanAbsoluteError, {}, "mean_absolute_error"),
    "MeanAbsolutePercentageError": (
        losses.MeanAbsolutePercentageError, {}, "mean_absolute_percentage_error"),
    "MeanSquaredLogarithmicError": (
        losses.MeanSquaredLogarithmicError, {}, "mean_squared_logarithmic_error"),
    "Huber": (losses.Huber, {"delta": 0.5}, "huber_delta"),
    "LogCosh": (losses.LogCosh, {}, "log_cosh"),
    "BinaryCrossentropy": (losses.BinaryCrossentropy, {}, "binary_crossentropy"),
    "BinaryCrossentropy_from_logits": (
        losses.BinaryCrossentropy, {"from_logits": True, "label_smoothing": 0.1},
        "binary_crossentropy_from_logits_label_smoothing"),
    "CategoricalCrossentropy": (
        losses.CategoricalCrossentropy, {"label_smoothing": 0.1},
        "categorical_crossentropy_label_smoothing"),
    "CategoricalCrossentropy_from_logits": (
        losses.CategoricalCrossentropy, {"from_logits": True},
        "categorical_crossentropy_from_logits"),
    "SparseCategoricalCrossentropy": (
        losses.SparseCategoricalCrossentropy, {}, "sparse_categorical_crossentropy"),
    "SparseCategoricalCrossentropy_from_logits": (
        losses.SparseCategoricalCrossentropy, {"from_logits": True},
        "sparse_categorical_crossentropy_from_logits"),
    "Hinge": (losses.Hinge, {}, "hinge"),
    "SquaredHinge": (losses.SquaredHinge, {}, "squared_hinge"),
    "KLDivergence": (losses.KLDivergence, {}, "kl_divergence"),
    "Poisson": (losses.Poisson, {}, "poisson"),
    "CosineSimilarity": (losses.CosineSimilarity, {}, "cosine_similarity"),
}
REDUCTIONS = ("sum_over_batch_size", "mean", "sum", "none", None, "mean_with_sample_weight")
SAMPLE_WEIGHTS = {
    "none": None,
    "per_sample": np.array([0.5, 2.0, 1.5]),
    "column": np.array([[0.5], [2.0], [1.5]]),
    "scalar": np.array(0.7),
}


def _reduce_by_hand(per_sample, weight, reduction):
    w = np.ones(3) if weight is None else np.broadcast_to(np.reshape(weight, (-1,)), (3,))
    weighted = per_sample * w
    if reduction in ("none", None) and np.ndim(weight) == 2:
        weighted = weighted[:, None]  # Keras gives the values the weights' column shape
    return {
        "none": weighted,
        None: weighted,
        "sum": weighted.sum(),
        "sum_over_batch_size": weighted.sum() / 3,
        "mean": weighted.sum() / 3,
        "mean_with_sample_weight": weighted.sum() / (3 if weight is None else np.sum(weight)),
    }[reduction]


@pytest.mark.parametrize("weight", sorted(SAMPLE_WEIGHTS))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(LOSS_CLASSES))
def test_loss_class_reduces_weighted_values(name, reduction, weight):
    cls, kwargs, case = LOSS_CLASSES[name]
    _, _, y_true, y_pred, reference = LOSS_CASES[case]
    loss = cls(reduction=reduction, **kwargs)
    sw = SAMPLE_WEIGHTS[weight]
    got = loss(y_true, Tensor(y_pred), sample_weight=sw).numpy()
    want = _reduce_by_hand(reference(y_true, y_pred), sw, reduction)
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(LOSS_CLASSES))
def test_loss_class_gradient_with_sample_weight(name, reduction):
    cls, kwargs, case = LOSS_CLASSES[name]
    _, _, y_true, y_pred, _ = LOSS_CASES[case]
    loss = cls(reduction=reduction, **kwargs)
    _assert_checks(lambda p: loss(y_true, p, sample_weight=SAMPLE_WEIGHTS["per_sample"]),
                   [y_pred])


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_loss_class_keeps_float32_with_float64_weights(reduction):
    for cls, kwargs, case in LOSS_CLASSES.values():
        _, _, y_true, y_pred, _ = LOSS_CASES[case]
        _assert_dtype_kept(lambda p, c=cls, k=kwargs, y=y_true: c(reduction=reduction, **k)(
            y, p, sample_weight=SAMPLE_WEIGHTS["per_sample"]), [y_pred], np.float32)


def test_ignore_class_averages_over_the_other_labels():
    labels = np.array([2, 0, 3])
    per_sample = -np.log(_np_softmax(_Z)[np.arange(3), labels])
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    assert loss(labels, Tensor(_Z)).item() == pytest.approx((per_sample[0] + per_sample[2]) / 2)
    loss = losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0,
                                                reduction="sum")
    assert loss(labels, Tensor(_Z)).item() == pytest.approx(per_sample[0] + per_sample[2])
    _assert_checks(lambda z: losses.SparseCategoricalCrossentropy(
        from_logits=True, ignore_class=0)(labels, z), [_Z])


def test_mean_with_sample_weight_of_zero_weights_is_zero():
    loss = losses.MeanSquaredError(reduction="mean_with_sample_weight")
    assert loss(_Y, Tensor(_Y + 1), sample_weight=np.zeros(3)).item() == 0.0


# ----------------------------------------------------------------------------- stability


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cross_entropy_from_huge_logits_is_finite_and_exact(dtype):
    z = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 0.0]], dtype=dtype)
    labels = np.array([0, 0])
    cases = [
        lambda t: losses.categorical_crossentropy(one_hot(labels, 3), t, from_logits=True),
        lambda t: losses.sparse_categorical_crossentropy(labels, t, from_logits=True),
        lambda t: losses.categorical_crossentropy(one_hot(labels, 3), activations.softmax(t)),
        lambda t: losses.sparse_categorical_crossentropy(labels, activations.softmax(t)),
    ]
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for fn in cases:
            t = Tensor(z, requires_grad=True)
            loss = fn(t)
            np.testing.assert_allclose(loss.numpy(), [0.0, 2e4], rtol=1e-6)
            ops.sum(loss).backward()
            assert t.grad.dtype == dtype
            np.testing.assert_allclose(t.grad, [[0, 0, 0], [-1, 1, 0]], atol=1e-6)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_cross_entropy_from_huge_logits_is_finite_and_exact(dtype):
    z = np.array([[1e4, -1e4, 1e4, -1e4]], dtype=dtype)
    y = np.array([[1.0, 0.0, 0.0, 1.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        for fn in (lambda t: losses.binary_crossentropy(y, t, from_logits=True),
                   lambda t: losses.binary_crossentropy(y, activations.sigmoid(t))):
            t = Tensor(z, requires_grad=True)
            loss = fn(t)
            np.testing.assert_allclose(loss.numpy(), [1e4 / 2], rtol=1e-6)
            loss.backward()
            assert t.grad.dtype == dtype
            np.testing.assert_allclose(t.grad, [[0, 0, 0.25, -0.25]], atol=1e-7)


def test_softmax_of_large_equal_logits_is_uniform():
    for dtype in (np.float32, np.float64):
        np.testing.assert_array_equal(
            activations.softmax(np.array([1000.0, 1000.0], dtype=dtype)).numpy(), [0.5, 0.5])
    np.testing.assert_allclose(activations.softmax(Tensor(np.array([-1000.0, 1000.0]))).numpy(),
                               [0.0, 1.0])
    np.testing.assert_allclose(activations.log_softmax(Tensor(np.array([1000.0, 1000.0])))
                               .numpy(), [-math.log(2), -math.log(2)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_of_huge_inputs_is_finite(dtype):
    t = Tensor(np.array([1e4, -1e4, 0.0], dtype=dtype), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = activations.sigmoid(t)
        ops.sum(out).backward()
    np.testing.assert_array_equal(out.numpy(), [1.0, 0.0, 0.5])
    np.testing.assert_array_equal(t.grad, [0.0, 0.0, 0.25])
    assert out.dtype == dtype and t.grad.dtype == dtype


def test_binary_cross_entropy_on_probabilities_0_and_1_is_finite():
    p = Tensor(np.array([[0.0, 1.0, 0.0, 1.0]]), requires_grad=True)
    y = np.array([[0.0, 1.0, 1.0, 0.0]])
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = losses.binary_crossentropy(y, p)
        loss.backward()
    # Clipped to [1e-7, 1 - 1e-7], as Keras: right answers cost -log(1 - 1e-7), wrong -log(1e-7).
    want = (-2 * math.log1p(-EPS) - 2 * math.log(EPS)) / 4
    np.testing.assert_allclose(loss.numpy(), [want], rtol=1e-9)
    assert np.all(np.isfinite(p.grad))
    np.testing.assert_array_equal(p.grad, np.zeros((1, 4)))


def test_categorical_cross_entropy_on_a_zero_probability_is_finite():
    p = Tensor(np.array([[0.0, 1.0], [1.0, 0.0]]), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = losses.categorical_crossentropy(np.array([[0.0, 1.0], [0.0, 1.0]]), p)
        ops.sum(loss).backward()
    np.testing.assert_allclose(loss.numpy(), [-math.log(1 - EPS), -math.log(EPS)], rtol=1e-9)
    assert np.all(np.isfinite(p.grad))


# ----------------------------------------------------------------------------- layers


def _dense(seed=0, **kwargs):
    layer = Dense(5, dtype="float64", **kwargs)
    layer(Tensor(np.zeros((1, 4))))  # builds it
    w = rand((4, 5), -1, 1, seed=seed)
    layer.set_weights([w, rand((5,), -1, 1, seed=seed + 1)] if layer.use_bias else [w])
    return layer


REGULARIZED = {
    "kernel_l1": {"kernel_regularizer": regularizers.L1(0.01)},
    "kernel_l2": {"kernel_regularizer": regularizers.L2(0.02)},
    "kernel_l1_l2": {"kernel_regularizer": regularizers.L1L2(l1=0.01, l2=0.03)},
    "kernel_l2_by_name": {"kernel_regularizer": "l2"},
    "bias_l1_l2": {"bias_regularizer": regularizers.L1L2(l1=0.02, l2=0.01)},
    "activity_l2": {"activity_regularizer": regularizers.L2(0.05), "activation": "tanh"},
    "activity_l1": {"activity_regularizer": regularizers.L1(0.05)},
    "all_three": {"kernel_regularizer": "l1_l2", "bias_regularizer": "l2",
                  "activity_regularizer": "l1", "activation": "sigmoid"},
    "softmax_unregularized": {"activation": "softmax"},
    "no_bias": {"use_bias": False, "kernel_regularizer": "l1"},
}


def _loss_plus_penalties(layer):
    y = rand((3, 5), seed=7)

    def total(x):
        out = layer(x)
        loss = losses.mean_squared_error(y, out)
        return _plus(ops.mean(loss), layer.losses)

    return total


def _plus(total, penalties):
    for penalty in penalties:
        total = ops.add(total, penalty)
    return total


@pytest.mark.parametrize("name", sorted(REGULARIZED))
def test_dense_gradient_of_loss_plus_penalties(name):
    layer = _dense(**REGULARIZED[name])
    _assert_checks(_loss_plus_penalties(layer), [rand((3, 4))], params=layer.trainable_weights)


def test_weight_penalties_match_their_formulas():
    layer = _dense(kernel_regularizer=regularizers.L1L2(l1=0.01, l2=0.03),
                   bias_regularizer=regularizers.L2(0.5))
    w, b = layer.get_weights()
    kernel_penalty, bias_penalty = (t.item() for t in layer.losses)
    assert kernel_penalty == pytest.approx(0.01 * np.abs(w).sum() + 0.03 * (w * w).sum())
    assert bias_penalty == pytest.approx(0.5 * (b * b).sum())
    assert regularizers.L1()(Tensor(w)).item() == pytest.approx(0.01 * np.abs(w).sum())
    layer = _dense(activity_regularizer=regularizers.L2(0.05))
    out = layer(Tensor(rand((3, 4)))).numpy()
    (activity,) = layer.losses
    # Keras 3 divides the activity penalty by the batch size (3 here).
    assert activity.item() == pytest.approx(0.05 * (out * out).sum() / 3)
    assert regularizers.L2()(Tensor(w)).item() == pytest.approx(0.01 * (w * w).sum())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_dense_with_regularizers_keeps_dtype(dtype):
    layer = Dense(5, activation="relu", kernel_regularizer="l1_l2", bias_regularizer="l2",
                  activity_regularizer="l2", dtype=dtype)
    x = Tensor(rand((3, 4)).astype(dtype), requires_grad=True)
    total = _plus(ops.sum(layer(x)), layer.losses)
    assert total.dtype == dtype
    total.backward()
    assert x.grad.dtype == dtype
    for w in layer.trainable_weights:
        assert w.grad.dtype == dtype


def test_dropout_gradient_with_a_fixed_seed():
    x = rand((3, 4), kinks=(0,))
    _assert_checks(lambda t: Dropout(0.5, seed=3)(t, training=True), [x])
    _assert_checks(lambda t: Dropout(0.3, noise_shape=(1, 4), seed=4)(t, training=True), [x])


def test_dropout_gradient_with_a_given_mask():
    x = rand((3, 4), kinks=(0,))
    mask = (np.random.default_rng(5).random((3, 4)) < 0.6) / 0.6
    _assert_checks(lambda t: ops.multiply(t, mask), [x])
    t = Tensor(x, requires_grad=True)
    ops.sum(ops.multiply(t, mask)).backward()
    np.testing.assert_array_equal(t.grad, mask)


def test_dropout_scales_the_kept_inputs_and_passes_their_gradient():
    x = Tensor(positive((50, 40)), requires_grad=True)
    out = Dropout(0.25, seed=1)(x, training=True)
    ops.sum(out).backward()
    kept = out.numpy() != 0
    assert 0.7 < kept.mean() < 0.8
    np.testing.assert_allclose(out.numpy()[kept], x.value[kept] / 0.75, rtol=1e-6)
    np.testing.assert_allclose(x.grad, kept / 0.75, rtol=1e-6)
    assert Dropout(0.25, seed=1)(x, training=False) is x
    assert out.dtype == np.float64 and x.grad.dtype == np.float64


def test_dropout_scale_is_exact_in_float64():
    x = Tensor(np.ones((4, 5)))
    out = Dropout(0.3, seed=2)(x, training=True).numpy()
    np.testing.assert_array_equal(out[out != 0], 1 / 0.7)


def _batch_norm(axis=-1, dim=4, ndim=2, **kwargs):
    layer = BatchNormalization(axis=axis, dtype="float64", **kwargs)
    shape = [2] * ndim
    shape[axis] = dim
    layer(Tensor(np.zeros(shape)))  # builds it
    layer.set_weights([positive((dim,), 1), rand((dim,), seed=2), rand((dim,), seed=3),
                       positive((dim,), 4)][: len(layer.weights)])
    return layer


@pytest.mark.parametrize("training", [True, False])
@pytest.mark.parametrize("shape,axis", [((6, 4), -1), ((2, 3, 4), -1), ((2, 4, 3), 1)])
def test_batch_norm_gradient(shape, axis, training):
    layer = _batch_norm(axis=axis, ndim=len(shape))
    fn = lambda x: layer(x, training=training)  # noqa: E731
    _assert_checks(fn, [rand(shape, seed=5)], params=[layer.gamma, layer.beta])


@pytest.mark.parametrize("center,scale", [(False, True), (True, False)])
def test_batch_norm_gradient_without_gamma_or_beta(center, scale):
    layer = _batch_norm(center=center, scale=scale)
    params = [p for p in (layer.gamma, layer.beta) if p is not None]
    _assert_checks(lambda x: layer(x, training=True), [rand((5, 4), seed=6)], params=params)


def test_batch_norm_matches_its_formula():
    layer = _batch_norm()
    gamma, beta, moving_mean, moving_var = layer.get_weights()
    x = rand((6, 4), seed=7)
    out = layer(Tensor(x), training=True).numpy()
    mean, var = x.mean(axis=0), x.var(axis=0)
    np.testing.assert_allclose(out, gamma * (x - mean) / np.sqrt(var + 1e-3) + beta, rtol=1e-12)
    np.testing.assert_allclose(layer.moving_mean.value, 0.99 * moving_mean + 0.01 * mean)
    np.testing.assert_allclose(layer.moving_variance.value, 0.99 * moving_var + 0.01 * var)
    moving_mean, moving_var = layer.moving_mean.numpy(), layer.moving_variance.numpy()
    out = layer(Tensor(x), training=False).numpy()
    want = gamma * (x - moving_mean) / np.sqrt(moving_var + 1e-3) + beta
    np.testing.assert_allclose(out, want, rtol=1e-12)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_batch_norm_keeps_dtype(dtype):
    layer = BatchNormalization(dtype=dtype)
    x = Tensor(rand((5, 3)).astype(dtype), requires_grad=True)
    out = layer(x, training=True)
    ops.sum(ops.square(out)).backward()
    assert out.dtype == dtype and x.grad.dtype == dtype
    assert all(w.dtype == dtype for w in layer.weights)
    assert layer.gamma.grad.dtype == dtype and layer.beta.grad.dtype == dtype


def test_gradient_of_a_whole_small_network():
    """Dense(relu, l2) -> BatchNormalization -> Dense(softmax) -> cross-entropy, end to end."""
    hidden = _dense(seed=3, activation="relu", kernel_regularizer="l2")
    norm = _batch_norm(dim=5)
    head = Dense(3, activation="softmax", dtype="float64")
    head(Tensor(np.zeros((1, 5))))
    head.set_weights([rand((5, 3), -1, 1, seed=8), rand((3,), seed=9)])
    params = hidden.trainable_weights + norm.trainable_weights + head.trainable_weights

    def total(x):
        probabilities = head(norm(hidden(x), training=True))
        loss = losses.CategoricalCrossentropy()(one_hot([0, 2, 1, 2], 3), probabilities)
        return _plus(loss, hidden.losses)

    _assert_checks(total, [rand((4, 4), seed=10)], params=params)


# ----------------------------------------------------------------------------- against Keras 3


@pytest.fixture(scope="module")
def keras():
    os.environ["KERAS_BACKEND"] = "jax"
    pytest.importorskip("jax", reason="the Keras comparisons run Keras on its JAX backend")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


KERAS_ACTIVATIONS = {
    "linear": ("linear", {}), "relu": ("relu", {}), "relu6": ("relu6", {}),
    "relu_negative_slope": ("relu", {"negative_slope": 0.1}),
    "relu_max_value": ("relu", {"max_value": 1.5}),
    "relu_threshold": ("relu", {"threshold": 0.5}),
    "relu_all_arguments": ("relu", {"negative_slope": 0.1, "max_value": 1.5, "threshold": 0.5}),
    "relu_negative_threshold_max_value": ("relu", {"max_value": 1.0, "threshold": -0.5}),
    "relu_negative_threshold_slope": ("relu", {"negative_slope": 0.2, "threshold": -0.5}),
    "sigmoid": ("sigmoid", {}), "tanh": ("tanh", {}), "softmax": ("softmax", {}),
    "softmax_axis0": ("softmax", {"axis": 0}), "log_softmax": ("log_softmax", {}),
    "log_softmax_axis0": ("log_softmax", {"axis": 0}), "leaky_relu": ("leaky_relu", {}),
    "leaky_relu_slope": ("leaky_relu", {"negative_slope": 0.05}), "elu": ("elu", {}),
    "elu_alpha": ("elu", {"alpha": 0.5}), "selu": ("selu", {}), "gelu": ("gelu", {}),
    "gelu_approximate": ("gelu", {"approximate": True}), "silu": ("silu", {}),
    "swish": ("swish", {}), "softplus": ("softplus", {}), "softsign": ("softsign", {}),
    "hard_sigmoid": ("hard_sigmoid", {}), "hard_silu": ("hard_silu", {}),
    "hard_swish": ("hard_swish", {}), "exponential": ("exponential", {}), "mish": ("mish", {}),
}


def test_every_activation_case_is_compared_with_keras():
    assert set(KERAS_ACTIVATIONS) == set(ACTIVATION_CASES)


@pytest.mark.parametrize("name", sorted(KERAS_ACTIVATIONS))
def test_activation_matches_keras(keras, name):
    keras_name, kwargs = KERAS_ACTIVATIONS[name]
    z = _activation_input(name, (4, 6)).astype(np.float32)
    want = np.asarray(getattr(keras.activations, keras_name)(z, **kwargs))
    got = ACTIVATION_CASES[name][0](Tensor(z)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", sorted(LOSS_CASES))
def test_loss_matches_keras(keras, name):
    fn, kwargs, y_true, y_pred, _ = LOSS_CASES[name]
    y_true, y_pred = np.asarray(y_true), y_pred.astype(np.float32)
    y_true = y_true if y_true.dtype.kind == "i" else y_true.astype(np.float32)
    want = np.asarray(getattr(keras.losses, fn.__name__)(y_true, y_pred, **kwargs))
    got = fn(y_true, Tensor(y_pred), **kwargs).numpy()
    np.testing.assert_allclose(got, want, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("weight", sorted(SAMPLE_WEIGHTS))
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", sorted(LOSS_CLASSES))
def test_loss_class_matches_keras(keras, name, reduction, weight):
    cls, kwargs, case = LOSS_CLASSES[name]
    _, _, y_true, y_pred, _ = LOSS_CASES[case]
    y_pred = y_pred.astype(np.float32)
    sw = SAMPLE_WEIGHTS[weight]
    sw = None if sw is None else sw.astype(np.float32)
    want = getattr(keras.losses, cls.__name__)(reduction=reduction, **kwargs)(
        y_true, y_pred, sample_weight=sw)
    got = cls(reduction=reduction, **kwargs)(y_true, Tensor(y_pred), sample_weight=sw)
    np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=2e-5, atol=2e-6)


def test_ignore_class_matches_keras(keras):
    labels = np.array([2, 0, 3, 0])
    z = rand((4, 4), seed=3).astype(np.float32)
    for reduction in REDUCTIONS:
        kwargs = {"from_logits": True, "ignore_class": 0, "reduction": reduction}
        want = keras.losses.SparseCategoricalCrossentropy(**kwargs)(labels, z)
        got = losses.SparseCategoricalCrossentropy(**kwargs)(labels, Tensor(z))
        np.testing.assert_allclose(got.numpy(), np.asarray(want), rtol=2e-5, atol=2e-6)


# ----------------------------------------------------------------------------- what a tape records


def test_a_tape_gives_none_for_sources_it_did_not_record_as_tensorflow():
    x0 = numnet.Variable(3.0, name="x0")
    x1 = numnet.Variable(3.0, name="x1", trainable=False)
    x2 = numnet.Variable(2.0, name="x2") + 1.0  # computed before the tape began
    x3 = numnet.constant(3.0)
    with numnet.GradientTape() as tape:
        y = x0 ** 2 + x1 ** 2 + x2 ** 2
    grads = tape.gradient(y, [x0, x1, x2, x3])
    assert float(grads[0]) == 6.0 and grads[1:] == [None, None, None]
    with numnet.GradientTape() as tape:  # watched, the same Tensor has its gradient
        tape.watch(x2)
        y = x2 ** 2
    assert float(tape.gradient(y, x2)) == 6.0
    with numnet.GradientTape(persistent=True) as tape:  # computed inside: recorded
        a = x0 * 2.0
        b = a * a
    assert float(tape.gradient(b, a)) == 12.0 and float(tape.gradient(b, x0)) == 24.0


def test_watch_accessed_variables_false_differentiates_only_what_is_watched():
    x0, x1 = numnet.Variable(3.0), numnet.Variable(2.0)
    with numnet.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(x1)
        y = x0 ** 2 + x1 ** 2
    g0, g1 = tape.gradient(y, [x0, x1])
    assert g0 is None and float(g1) == 4.0
