"""LayerNormalization, UnitNormalization, PReLU, GaussianDropout, AlphaDropout, Identity,
ActivityRegularization, RepeatVector, Permute, and the activations celu, glu, hard_shrink,
hard_tanh, log_sigmoid, soft_shrink, sparse_plus, squareplus, tanh_shrink, threshold,
sparse_sigmoid and sparsemax.

Each is checked against NumPy written out here, by central differences (inputs and weights, in
float64), against Keras 3 on its JAX backend where it is installed (same weights, same input,
same output), in a model that trains, and through its config and a model file.
"""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

import numnet
from numnet import activations, layers, regularizers
from numnet.autodiff import ops
from numnet.autodiff.gradcheck import check_gradients
from numnet.autodiff.tensor import Tensor

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

TOL = 1e-5
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def rand(shape, low=-2.0, high=2.0, seed=0, kinks=(), gap=0.1):
    """Uniform values in [low, high), moved at least ``gap`` away from each kink."""
    x = np.random.default_rng(seed).uniform(low, high, shape)
    for k in kinks:
        near = np.abs(x - k) < gap
        x[near] = np.where(x[near] >= k, k + gap, k - gap)
    return x


def _assert_checks(fn, inputs, params=()):
    error = check_gradients(fn, inputs, params=params)
    assert error < TOL, f"relative error {error:.3g}"
    for p in params:
        assert p.grad is not None, f"{p.path} got no gradient"


def _np_sigmoid(z):
    return 1 / (1 + np.exp(-z))


def _np_sparsemax_row(row):
    """(output, tau) of one row: the simplex point closest to the row, by sorting."""
    ordered = np.sort(row)[::-1]
    k = max(j for j in range(1, row.size + 1) if 1 + j * ordered[j - 1] > ordered[:j].sum())
    tau = (ordered[:k].sum() - 1) / k
    return np.maximum(row - tau, 0), tau


def _np_sparsemax(z, axis=-1):
    rows = np.moveaxis(z, axis, -1)
    out = np.empty_like(rows)
    for index in np.ndindex(rows.shape[:-1]):
        out[index] = _np_sparsemax_row(rows[index])[0]
    return np.moveaxis(out, -1, axis)


def _sparsemax_input(shape, axis=-1, gap=0.02):
    """Values whose every entry is ``gap`` away from its row's threshold tau (where the output
    has a kink) and with several rows whose support has two or more entries."""
    for seed in range(100):
        z = rand(shape, -1.0, 1.0, seed)
        rows = np.moveaxis(z, axis, -1).reshape(-1, shape[axis])
        taus = [_np_sparsemax_row(row)[1] for row in rows]
        margin = min(np.abs(row - tau).min() for row, tau in zip(rows, taus, strict=True))
        wide = sum((row > tau).sum() >= 2 for row, tau in zip(rows, taus, strict=True))
        if margin > gap and wide >= 2:
            return z
    raise AssertionError("no input away from the kinks")


# ============================================================================= activations

# name -> (function, NumPy reference, kinks, (low, high))
ACTIVATION_CASES = {
    "celu": (activations.celu, lambda z: np.where(z > 0, z, np.expm1(z)), (), (-3, 3)),
    "celu_alpha": (
        lambda x: activations.celu(x, alpha=0.5),
        lambda z: np.where(z > 0, z, 0.5 * (np.exp(z / 0.5) - 1)), (), (-3, 3)),
    "glu": (activations.glu, lambda z: z[:, :3] * _np_sigmoid(z[:, 3:]), (), (-3, 3)),
    "glu_axis0": (
        lambda x: activations.glu(x, axis=0), lambda z: z[:2] * _np_sigmoid(z[2:]), (), (-3, 3)),
    "hard_shrink": (
        activations.hard_shrink, lambda z: np.where(np.abs(z) > 0.5, z, 0.0), (-0.5, 0.5),
        (-2, 2)),
    "hard_shrink_threshold": (
        lambda x: activations.hard_shrink(x, threshold=1.0),
        lambda z: np.where(np.abs(z) > 1.0, z, 0.0), (-1, 1), (-2, 2)),
    "hard_tanh": (activations.hard_tanh, lambda z: np.clip(z, -1, 1), (-1, 1), (-2, 2)),
    "log_sigmoid": (activations.log_sigmoid, lambda z: np.log(_np_sigmoid(z)), (), (-6, 6)),
    "soft_shrink": (
        activations.soft_shrink, lambda z: np.sign(z) * np.maximum(np.abs(z) - 0.5, 0),
        (-0.5, 0.5), (-2, 2)),
    "soft_shrink_threshold": (
        lambda x: activations.soft_shrink(x, threshold=1.0),
        lambda z: np.sign(z) * np.maximum(np.abs(z) - 1.0, 0), (-1, 1), (-2, 2)),
    "sparse_plus": (
        activations.sparse_plus,
        lambda z: np.where(z <= -1, 0.0, np.where(z < 1, (z + 1) ** 2 / 4, z)), (-1, 1),
        (-2.5, 2.5)),
    "squareplus": (
        activations.squareplus, lambda z: (z + np.sqrt(z * z + 4)) / 2, (), (-4, 4)),
    "squareplus_b": (
        lambda x: activations.squareplus(x, b=0.5), lambda z: (z + np.sqrt(z * z + 0.5)) / 2,
        (), (-4, 4)),
    "tanh_shrink": (activations.tanh_shrink, lambda z: z - np.tanh(z), (), (-3, 3)),
    "threshold": (
        lambda x: activations.threshold(x, 0.3, -2.0), lambda z: np.where(z > 0.3, z, -2.0),
        (0.3,), (-2, 2)),
    "sparse_sigmoid": (
        activations.sparse_sigmoid,
        lambda z: np.where(z <= -1, 0.0, np.where(z >= 1, 1.0, (z + 1) / 2)), (-1, 1),
        (-2.5, 2.5)),
    "sparsemax": (activations.sparsemax, _np_sparsemax, None, None),
    "sparsemax_axis0": (
        lambda x: activations.sparsemax(x, axis=0), lambda z: _np_sparsemax(z, 0), None, None),
}

# the names the brief adds to Keras's look-up table, each usable as Dense(activation=name)
NEW_NAMES = ("celu", "glu", "hard_shrink", "hard_tanh", "log_sigmoid", "soft_shrink",
             "sparse_plus", "squareplus", "tanh_shrink", "threshold", "sparse_sigmoid",
             "sparsemax")


def _activation_input(name, shape=(4, 6)):
    _, _, kinks, span = ACTIVATION_CASES[name]
    if kinks is None:  # sparsemax
        return _sparsemax_input(shape, axis=0 if name.endswith("axis0") else -1)
    return rand(shape, *span, seed=len(name), kinks=kinks)


@pytest.mark.parametrize("name", sorted(ACTIVATION_CASES))
def test_activation_matches_its_formula(name):
    fn, reference, _, _ = ACTIVATION_CASES[name]
    z = _activation_input(name)
    np.testing.assert_allclose(fn(Tensor(z)).numpy(), reference(z), rtol=1e-7, atol=1e-12)


@pytest.mark.parametrize("name", sorted(ACTIVATION_CASES))
def test_activation_gradient(name):
    _assert_checks(ACTIVATION_CASES[name][0], [_activation_input(name)])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", sorted(ACTIVATION_CASES))
def test_activation_keeps_dtype(name, dtype):
    z = Tensor(_activation_input(name).astype(dtype), requires_grad=True)
    out = ACTIVATION_CASES[name][0](z)
    assert out.dtype == dtype
    out.backward(np.ones(out.shape, dtype=dtype))
    assert z.grad.dtype == dtype and z.grad.shape == z.shape


def test_sparsemax_by_hand():
    """[0, 0.5, 1]: tau = (1 + 0.5 - 1) / 2 = 0.25, so [0, 0.25, 0.75]; a clear winner takes 1."""
    out = activations.sparsemax(np.array([[0.0, 0.5, 1.0], [3.0, 0.0, -1.0]])).numpy()
    np.testing.assert_allclose(out, [[0.0, 0.25, 0.75], [1.0, 0.0, 0.0]], atol=1e-7)
    z = rand((50, 7), -3, 3, seed=1)
    out = activations.sparsemax(Tensor(z)).numpy()
    np.testing.assert_allclose(out.sum(axis=-1), 1.0, rtol=1e-12)
    assert (out >= 0).all() and (out == 0).any()
    # a shift of every logit leaves it unchanged, even a large one
    np.testing.assert_allclose(activations.sparsemax(Tensor(z + 1e4)).numpy(), out, atol=1e-9)


def test_sparsemax_gradient_is_the_projection_on_its_support():
    """d z = s * (g - mean of g over the support s)."""
    z = _sparsemax_input((4, 6))
    g = rand((4, 6), seed=3)
    t = Tensor(z, requires_grad=True)
    out = activations.sparsemax(t)
    out.backward(g)
    s = out.numpy() > 0
    mean = (g * s).sum(axis=1, keepdims=True) / s.sum(axis=1, keepdims=True)
    np.testing.assert_allclose(t.grad, s * (g - mean), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_log_sigmoid_of_huge_inputs_is_finite(dtype):
    t = Tensor(np.array([-1e4, 1e4, 0.0], dtype=dtype), requires_grad=True)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        out = activations.log_sigmoid(t)
        ops.sum(out).backward()
    np.testing.assert_allclose(out.numpy(), [-1e4, 0.0, -math.log(2)], rtol=1e-7)
    np.testing.assert_array_equal(t.grad, [1.0, 0.0, 0.5])


def test_new_activation_names_resolve_and_round_trip():
    for name in NEW_NAMES:
        fn = activations.get(name)
        assert fn is getattr(activations, name)
        assert activations.serialize(fn) == name and activations.get(name.upper()) is fn
    with pytest.raises(ValueError, match="'sparsemax'"):
        activations.get("sparse_max")


DENSE_NAMES = [n for n in NEW_NAMES if n != "threshold"]


def _dense(name, units=6):
    layer = layers.Dense(units, activation=name, dtype="float64")
    layer(Tensor(np.zeros((1, 4))))
    layer.set_weights([rand((4, units), -1, 1, seed=11), rand((units,), -1, 1, seed=12)])
    return layer


@pytest.mark.parametrize("name", DENSE_NAMES)
def test_dense_with_an_activation_by_name(name):
    """Dense(activation=name) = activation(x @ W + b), and its gradient (inputs, kernel, bias)."""
    layer = _dense(name)
    x = rand((3, 4), seed=13)
    w, b = layer.get_weights()
    want = getattr(activations, name)(Tensor(x @ w + b)).numpy()
    np.testing.assert_allclose(layer(Tensor(x)).numpy(), want, rtol=1e-12, atol=1e-15)
    _assert_checks(layer, [x], params=[layer.kernel, layer.bias])
    assert layers.Activation(name)(Tensor(x @ w + b)).numpy().tolist() == want.tolist()


def test_glu_halves_the_shape_of_dense_and_activation_layers():
    model = numnet.Sequential([layers.Input(shape=(4,)), layers.Dense(8, activation="glu"),
                               layers.Activation("glu"), layers.Dense(2)])
    assert model.layers[0].output_shape == (None, 4)
    assert model.layers[1].output_shape == (None, 2)
    assert model.layers[1].compute_output_shape((None, 6)) == (None, 3)
    assert model.output_shape == (None, 2)
    assert model.predict(rand((5, 4)).astype("float32"), verbose=0).shape == (5, 2)


def test_activation_argument_errors():
    with pytest.raises(ValueError, match=r"glu\(x, axis=-1\).*even.*\(2, 5\)"):
        activations.glu(np.ones((2, 5)))
    with pytest.raises(ValueError, match=r"celu\(alpha\).*nonzero.*given 0"):
        activations.celu(np.ones(3), alpha=0)
    with pytest.raises(ValueError, match=r"squareplus\(b\).*>= 0.*given -1"):
        activations.squareplus(np.ones(3), b=-1)
    with pytest.raises(TypeError, match=r"threshold\(x, threshold, default_value\).*lambda"):
        layers.Dense(3, activation="threshold")(np.ones((2, 4), "float32"))


# ============================================================================= layers: by hand


def _layer(cls, input_shape, weights=None, **kwargs):
    """A float64 layer built for ``input_shape`` (with its batch axis), given ``weights``."""
    layer = cls(dtype="float64", **kwargs)
    layer(Tensor(np.zeros(input_shape)))
    if weights is not None:
        layer.set_weights(weights)
    return layer


def _np_layer_norm(x, axes, gamma=None, beta=None, epsilon=1e-3):
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    out = (x - mean) / np.sqrt(var + epsilon)
    return out * (1 if gamma is None else gamma) + (0 if beta is None else beta)


def test_layer_normalization_by_hand():
    x = rand((5, 4), seed=1) * 3 + 1
    gamma, beta = rand((4,), seed=2), rand((4,), seed=3)
    layer = _layer(layers.LayerNormalization, (1, 4), [gamma, beta])
    np.testing.assert_allclose(layer(Tensor(x)).numpy(), _np_layer_norm(x, -1, gamma, beta),
                               rtol=1e-12)
    # axes 1 and 2 together: gamma and beta of shape (2, 4)
    x = rand((3, 2, 4), seed=4)
    gamma, beta = rand((2, 4), seed=5), rand((2, 4), seed=6)
    layer = _layer(layers.LayerNormalization, (1, 2, 4), [gamma, beta], axis=[1, 2])
    np.testing.assert_allclose(layer(Tensor(x)).numpy(),
                               _np_layer_norm(x, (1, 2), gamma, beta), rtol=1e-12)
    # a middle axis: gamma (4,) broadcast along axis 1 of (3, 4, 2)
    x = rand((3, 4, 2), seed=7)
    gamma, beta = rand((4,), seed=8), rand((4,), seed=9)
    layer = _layer(layers.LayerNormalization, (1, 4, 2), [gamma, beta], axis=1, epsilon=0.1)
    want = _np_layer_norm(x, 1, gamma[:, None], beta[:, None], epsilon=0.1)
    np.testing.assert_allclose(layer(Tensor(x)).numpy(), want, rtol=1e-12)


def test_layer_normalization_weights_follow_center_scale_and_rms_scaling():
    x = rand((5, 4), seed=1) + 0.5
    gamma = rand((4,), seed=2)
    layer = _layer(layers.LayerNormalization, (1, 4), [gamma], center=False)
    assert [w.name for w in layer.weights] == ["gamma"]
    np.testing.assert_allclose(layer(Tensor(x)).numpy(), _np_layer_norm(x, -1, gamma),
                               rtol=1e-12)
    layer = _layer(layers.LayerNormalization, (1, 4), scale=False, center=False)
    assert layer.weights == []
    np.testing.assert_allclose(layer(Tensor(x)).numpy(), _np_layer_norm(x, -1), rtol=1e-12)
    layer = _layer(layers.LayerNormalization, (1, 4))
    assert [(w.name, w.shape) for w in layer.weights] == [("gamma", (4,)), ("beta", (4,))]
    np.testing.assert_array_equal(layer.get_weights()[0], np.ones(4))
    np.testing.assert_array_equal(layer.get_weights()[1], np.zeros(4))
    # rms_scaling: gamma only, and x divided by its standard deviation (not centred)
    with pytest.warns(UserWarning, match="rms_scaling"):
        layer = _layer(layers.LayerNormalization, (1, 4), [gamma], rms_scaling=True)
    assert [w.name for w in layer.weights] == ["gamma"]
    want = x / np.sqrt(x.var(axis=-1, keepdims=True) + 1e-3) * gamma
    np.testing.assert_allclose(layer(Tensor(x)).numpy(), want, rtol=1e-12)


def test_unit_normalization_by_hand():
    x = rand((5, 4), seed=1)
    out = _layer(layers.UnitNormalization, (1, 4))(Tensor(x)).numpy()
    np.testing.assert_allclose(out, x / np.sqrt((x * x).sum(axis=-1, keepdims=True)),
                               rtol=1e-12)
    np.testing.assert_allclose((out * out).sum(axis=-1), 1.0, rtol=1e-12)
    x = rand((3, 2, 4), seed=2)
    out = _layer(layers.UnitNormalization, (1, 2, 4), axis=[1, 2])(Tensor(x)).numpy()
    np.testing.assert_allclose(out, x / np.sqrt((x * x).sum(axis=(1, 2), keepdims=True)),
                               rtol=1e-12)
    # a zero row stays zero, with a finite gradient: x / max(||x||, 1e-12)
    t = Tensor(np.array([[0.0, 0.0], [3.0, 4.0]]), requires_grad=True)
    out = layers.UnitNormalization(dtype="float64")(t)
    ops.sum(out).backward()
    np.testing.assert_allclose(out.numpy(), [[0, 0], [0.6, 0.8]], rtol=1e-12)
    np.testing.assert_allclose(t.grad[0], [1e12, 1e12], rtol=1e-12)


def test_prelu_by_hand():
    x = rand((5, 3, 4), seed=1, kinks=(0,))
    alpha = rand((3, 4), seed=2)
    layer = _layer(layers.PReLU, (1, 3, 4), [alpha])
    np.testing.assert_allclose(layer(Tensor(x)).numpy(), np.where(x > 0, x, alpha * x),
                               rtol=1e-12)
    alpha = rand((1, 4), seed=3)
    layer = _layer(layers.PReLU, (1, 3, 4), [alpha], shared_axes=[1])
    assert layer.alpha.shape == (1, 4)
    np.testing.assert_allclose(layer(Tensor(x)).numpy(), np.where(x > 0, x, alpha * x),
                               rtol=1e-12)
    layer = _layer(layers.PReLU, (1, 3, 4), shared_axes=2)
    assert layer.alpha.shape == (3, 1) and layer.get_config()["shared_axes"] == [2]
    np.testing.assert_array_equal(layer.get_weights()[0], np.zeros((3, 1)))  # starts as relu
    np.testing.assert_array_equal(layer(Tensor(x)).numpy(), np.maximum(x, 0))


def test_identity_repeat_vector_and_permute_by_hand():
    x = rand((5, 4), seed=1)
    t = Tensor(x)
    assert layers.Identity()(t) is t
    out = layers.RepeatVector(3)(Tensor(x)).numpy()
    assert out.shape == (5, 3, 4)
    for i in range(3):
        np.testing.assert_array_equal(out[:, i], x)
    x = rand((2, 3, 4, 5), seed=2)
    out = layers.Permute((3, 1, 2))(Tensor(x)).numpy()
    np.testing.assert_array_equal(out, np.transpose(x, (0, 3, 1, 2)))
    assert layers.Permute((3, 1, 2)).compute_output_shape((None, 3, 4, 5)) == (None, 5, 3, 4)
    assert layers.RepeatVector(3).compute_output_shape((None, 4)) == (None, 3, 4)


def test_repeat_vector_sums_the_gradients_of_its_copies():
    t = Tensor(rand((2, 3)), requires_grad=True)
    g = rand((2, 4, 3), seed=1)
    layers.RepeatVector(4, dtype="float64")(t).backward(g)
    np.testing.assert_allclose(t.grad, g.sum(axis=1), rtol=1e-12)


def test_activity_regularization_by_hand():
    x = rand((4, 3), seed=1)
    layer = layers.ActivityRegularization(l1=0.1, l2=0.02, dtype="float64")
    t = Tensor(x)
    assert layer(t) is t
    (penalty,) = layer.losses
    want = (0.1 * np.abs(x).sum() + 0.02 * (x * x).sum()) / 4  # / the batch size, as Keras 3
    assert penalty.item() == pytest.approx(want, rel=1e-12)
    assert layer.get_config()["l1"] == 0.1 and "activity_regularizer" not in layer.get_config()


# ----- the noise layers


def test_gaussian_dropout_multiplies_by_normal_noise_of_mean_1_in_training_only():
    x = Tensor(rand((400, 500), 0.5, 2.0, seed=1).astype("float32"))
    layer = layers.GaussianDropout(0.2, seed=3)
    assert layer(x) is x and layer(x, training=False) is x
    out = layer(x, training=True)
    noise = out.numpy() / x.numpy()
    assert out.dtype == np.float32
    assert abs(noise.mean() - 1) < 0.005
    assert abs(noise.std() - math.sqrt(0.2 / 0.8)) < 0.005
    again = layers.GaussianDropout(0.2, seed=3)(x, training=True).numpy()
    np.testing.assert_array_equal(again, out.numpy())  # a seed gives the same noise
    assert layers.GaussianDropout(0.0)(x, training=True) is x


def _alpha_dropout_constants(rate):
    alpha_p = -SELU_ALPHA * SELU_SCALE
    a = ((1 - rate) * (1 + rate * alpha_p**2)) ** -0.5
    return a, -a * alpha_p * rate, alpha_p


def test_alpha_dropout_keeps_or_sets_to_alpha_then_rescales_in_training_only():
    rate = 0.2
    a, b, alpha_p = _alpha_dropout_constants(rate)
    x = rand((400, 500), seed=1)
    layer = layers.AlphaDropout(rate, seed=3, dtype="float64")
    t = Tensor(x)
    assert layer(t) is t and layer(t, training=False) is t
    out = layer(t, training=True).numpy()
    dropped = np.isclose(out, a * alpha_p + b, rtol=0, atol=1e-12)
    assert abs(dropped.mean() - rate) < 0.005
    np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-12)
    # on standard normal inputs (a selu network's), the mean stays 0 and the variance 1
    z = np.random.default_rng(2).standard_normal((400, 500))
    out = layers.AlphaDropout(rate, seed=4, dtype="float64")(Tensor(z), training=True).numpy()
    assert abs(out.mean()) < 0.01 and abs(out.var() - 1) < 0.01


def test_alpha_dropout_noise_shape_drops_whole_rows():
    layer = layers.AlphaDropout(0.5, noise_shape=(None, 1), seed=1, dtype="float64")
    out = layer(Tensor(rand((200, 6), seed=2)), training=True).numpy()
    a, b, alpha_p = _alpha_dropout_constants(0.5)
    dropped = np.isclose(out, a * alpha_p + b, rtol=0, atol=1e-12)
    assert (dropped.all(axis=1) | ~dropped.any(axis=1)).all() and 0.3 < dropped.mean() < 0.7


# ============================================================================= gradients

LN_CASES = {
    "last_axis": ((3, 4), {}),
    "axes_1_2": ((3, 2, 4), {"axis": [1, 2]}),
    "middle_axis": ((3, 4, 2), {"axis": 1, "epsilon": 0.1}),
    "no_center": ((3, 4), {"center": False}),
    "rms_scaling": ((3, 4), {"rms_scaling": True}),
}


@pytest.mark.filterwarnings("ignore:LayerNormalization\\(rms_scaling=True\\)")
@pytest.mark.parametrize("case", sorted(LN_CASES))
def test_layer_normalization_gradient(case):
    shape, kwargs = LN_CASES[case]
    layer = _layer(layers.LayerNormalization, (1,) + shape[1:], **kwargs)
    layer.set_weights([rand(w.shape, seed=i + 1) for i, w in enumerate(layer.weights)])
    _assert_checks(layer, [rand(shape, seed=9) * 2 + 1], params=layer.trainable_weights)


@pytest.mark.parametrize("axis", [-1, 0, [1, 2]])
def test_unit_normalization_gradient(axis):
    _assert_checks(layers.UnitNormalization(axis=axis, dtype="float64"), [rand((3, 2, 4))])


@pytest.mark.parametrize("shared_axes", [None, [1], [1, 2]])
def test_prelu_gradient(shared_axes):
    layer = _layer(layers.PReLU, (1, 3, 4), shared_axes=shared_axes)
    layer.set_weights([rand(layer.alpha.shape, seed=2)])
    _assert_checks(layer, [rand((2, 3, 4), kinks=(0,))], params=[layer.alpha])


def test_noise_layer_gradients_with_a_fixed_seed():
    x = rand((3, 4))
    _assert_checks(lambda t: layers.GaussianDropout(0.3, seed=2, dtype="float64")(
        t, training=True), [x])
    _assert_checks(lambda t: layers.AlphaDropout(0.3, seed=2, dtype="float64")(
        t, training=True), [x])
    _assert_checks(lambda t: layers.AlphaDropout(0.5, noise_shape=(1, 4), seed=3,
                                                 dtype="float64")(t, training=True), [x])


def test_reshaping_and_identity_gradients():
    _assert_checks(layers.RepeatVector(3, dtype="float64"), [rand((2, 4))])
    _assert_checks(layers.Permute((2, 1), dtype="float64"), [rand((2, 3, 4))])
    _assert_checks(layers.Permute((3, 1, 2), dtype="float64"), [rand((2, 3, 4, 2))])
    _assert_checks(layers.Identity(dtype="float64"), [rand((2, 4))])


def test_activity_regularization_gradient_of_output_plus_penalty():
    layer = layers.ActivityRegularization(l1=0.3, l2=0.2, dtype="float64")

    def total(t):
        out = layer(t)
        return ops.add(out, layer.losses[0])

    _assert_checks(total, [rand((3, 4), kinks=(0,))])


def test_normalization_under_a_mixed_policy_computes_in_float32():
    """Sums of squares of these inputs overflow float16; the layers compute them in float32."""
    x = (rand((3, 4), seed=1) * 1000).astype("float32")
    for cls in (layers.LayerNormalization, layers.UnitNormalization):
        out = cls(dtype="mixed_float16")(x)
        assert out.dtype == np.float16
        np.testing.assert_allclose(out.numpy().astype("float32"), cls()(x).numpy(), rtol=2e-3,
                                   atol=2e-3)
    layer = layers.PReLU(alpha_initializer="ones", dtype="mixed_float16")
    out = layer(x)
    assert out.dtype == np.float16 and layer.alpha.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), x, rtol=1e-3)


# ============================================================================= errors


@pytest.mark.parametrize("make, error, match", [
    (lambda: layers.LayerNormalization(axis="last"), TypeError,
     r"LayerNormalization\(axis\): expected an int or a list of ints.*'last'"),
    (lambda: layers.LayerNormalization(epsilon=-1), ValueError,
     r"LayerNormalization\(epsilon\): expected .* >= 0, given -1"),
    (lambda: layers.LayerNormalization(axis=2)(np.ones((2, 3), "float32")), ValueError,
     r"axis 2 is out of bounds for input shape \(None, 3\).*\[-2, 1\]"),
    (lambda: layers.UnitNormalization(axis=1.5), TypeError,
     r"UnitNormalization\(axis\): expected an int or a list of ints.*1.5"),
    (lambda: layers.PReLU(shared_axes=[0]), ValueError,
     r"PReLU\(shared_axes\): expected axes >= 1.*given \[0\]"),
    (lambda: layers.PReLU(shared_axes=[3])(np.ones((2, 3), "float32")), ValueError,
     r"shared axis 3 is out of bounds.*\[1, 1\]"),
    (lambda: layers.GaussianDropout(1.0), ValueError,
     r"GaussianDropout\(rate\): expected a number in \[0, 1\).*given 1.0"),
    (lambda: layers.AlphaDropout(-0.1), ValueError,
     r"AlphaDropout\(rate\): expected a number in \[0, 1\).*given -0.1"),
    (lambda: layers.ActivityRegularization(l2=-1), ValueError,
     r"ActivityRegularization\(l2\): expected a number >= 0.*given -1"),
    (lambda: layers.RepeatVector(2.0), TypeError,
     r"RepeatVector\(n\): expected a positive integer.*float 2.0"),
    (lambda: layers.RepeatVector(0), ValueError, r"RepeatVector\(n\): .*given 0"),
    (lambda: layers.RepeatVector(2)(np.ones((2, 3, 4), "float32")), ValueError,
     r"expected 2 axes \(batch, features\), given shape \(None, 3, 4\)"),
    (lambda: layers.Permute((1, 3)), ValueError,
     r"Permute\(dims\): expected a permutation of 1, ..., k.*\(1, 3\)"),
    (lambda: layers.Permute("ab"), ValueError, r"Permute\(dims\): .*given 'ab'"),
    (lambda: layers.Permute((2, 1))(np.ones((2, 3), "float32")), ValueError,
     r"expected 3 axes \(batch, 2 axes\), given shape \(None, 3\)"),
    (lambda: layers.Identity(units=3), TypeError, r"unexpected keyword argument 'units'"),
])
def test_bad_arguments_name_the_argument_and_what_was_expected(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_inputs_that_do_not_fit_the_built_layer_are_refused():
    layer = layers.LayerNormalization()
    layer(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match=r"expected shape \(None, 4\).*given \(2, 5\)"):
        layer(np.ones((2, 5), "float32"))
    layer = layers.PReLU()
    layer(np.ones((2, 4), "float32"))
    with pytest.raises(ValueError, match=r"expected samples of shape \(4,\).*given \(2, 3\)"):
        layer(np.ones((2, 3), "float32"))


# ============================================================================= training


def _all_layers_model():
    return numnet.Sequential([
        layers.Input(shape=(6,)),
        layers.Dense(16),
        layers.LayerNormalization(),
        layers.PReLU(),
        layers.GaussianDropout(0.1, seed=1),
        layers.AlphaDropout(0.05, seed=2),
        layers.ActivityRegularization(l2=1e-4),
        layers.Identity(),
        layers.Dense(8, activation="celu"),
        layers.RepeatVector(2),
        layers.Permute((2, 1)),
        layers.UnitNormalization(axis=[1, 2]),
        layers.Flatten(),
        layers.Dense(3, activation="softmax"),
    ])


def _data(n=256, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64") + (x[:, 2] > 1)
    return x, y


def test_a_model_of_every_new_layer_trains():
    numnet.utils.set_random_seed(0)
    model = _all_layers_model()
    assert model.output_shape == (None, 3)
    model.compile(optimizer=numnet.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy")
    x, y = _data()
    losses_ = model.fit(x, y, epochs=8, batch_size=32, verbose=0).history["loss"]
    assert all(np.isfinite(losses_))
    assert losses_[-1] < 0.7 * losses_[0], losses_
    assert sum(b < a for a, b in zip(losses_, losses_[1:])) >= 6, losses_
    assert all(np.isfinite(w).all() for w in model.get_weights())


@pytest.mark.parametrize("name", DENSE_NAMES)
def test_a_model_with_each_new_activation_trains(name):
    numnet.utils.set_random_seed(1)
    model = numnet.Sequential([layers.Input(shape=(6,)), layers.Dense(16, activation=name),
                               layers.Dense(1)])
    model.compile(optimizer=numnet.optimizers.Adam(0.01), loss="mse")
    x, _ = _data(128)
    y = np.tanh(x[:, :1] - x[:, 1:2])
    losses_ = model.fit(x, y, epochs=6, batch_size=32, verbose=0).history["loss"]
    assert all(np.isfinite(losses_)) and losses_[-1] < losses_[0], losses_


# ============================================================================= config and files

CONFIG_EXAMPLES = [
    layers.LayerNormalization(axis=[1, 2], epsilon=1e-5, center=False,
                              gamma_initializer="random_uniform",
                              gamma_regularizer=regularizers.L2(0.1), gamma_constraint="non_neg"),
    layers.LayerNormalization(beta_initializer="ones", beta_regularizer="l1", name="ln"),
    layers.UnitNormalization(axis=[1, 2]),
    layers.PReLU(alpha_initializer="ones", alpha_regularizer="l2", alpha_constraint="non_neg",
                 shared_axes=[1]),
    layers.GaussianDropout(0.3, seed=4),
    layers.AlphaDropout(0.2, noise_shape=(None, 1, 1), seed=5),
    layers.Identity(name="same", trainable=False),
    layers.ActivityRegularization(l1=0.01, l2=0.02),
    layers.RepeatVector(2),
    layers.Permute((2, 1)),
    layers.Dense(4, activation="sparsemax"),
    layers.Activation("squareplus"),
]


@pytest.mark.parametrize("layer", CONFIG_EXAMPLES,
                         ids=[f"{type(layer).__name__}-{i}" for i, layer in
                              enumerate(CONFIG_EXAMPLES)])
def test_config_round_trips_through_json_and_computes_the_same(layer):
    config = json.loads(json.dumps(layer.get_config()))
    clone = type(layer).from_config(json.loads(json.dumps(config)))
    assert json.loads(json.dumps(clone.get_config())) == config
    x = rand((4, 3, 2) if not isinstance(layer, layers.RepeatVector) else (4, 3), seed=1)
    x = x.astype("float32")
    out = layer(x, training=False)
    clone(x, training=False)
    assert [(w.name, w.shape, w.trainable) for w in clone.weights] == \
        [(w.name, w.shape, w.trainable) for w in layer.weights]
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x, training=False).numpy(), out.numpy())
    assert [p.item() for p in clone.losses] == [p.item() for p in layer.losses]


def test_config_keys_are_keras_3s():
    base = {"name", "trainable", "dtype"}
    keys = {
        layers.LayerNormalization: {"axis", "epsilon", "center", "scale", "rms_scaling",
                                    "beta_initializer", "gamma_initializer", "beta_regularizer",
                                    "gamma_regularizer", "beta_constraint", "gamma_constraint"},
        layers.UnitNormalization: {"axis"},
        layers.PReLU: {"alpha_initializer", "alpha_regularizer", "alpha_constraint",
                       "shared_axes"},
        layers.Identity: set(),
    }
    for cls, own in keys.items():
        assert set(cls().get_config()) == base | own, cls.__name__
    assert set(layers.GaussianDropout(0.1).get_config()) == base | {"rate", "seed"}
    assert set(layers.AlphaDropout(0.1).get_config()) == base | {"rate", "seed", "noise_shape"}
    assert set(layers.ActivityRegularization().get_config()) == base | {"l1", "l2"}
    assert set(layers.RepeatVector(2).get_config()) == base | {"n"}
    assert set(layers.Permute((1,)).get_config()) == base | {"dims"}


def test_the_new_layers_are_exported():
    for name in ("LayerNormalization", "UnitNormalization", "PReLU", "GaussianDropout",
                 "AlphaDropout", "Identity", "ActivityRegularization", "RepeatVector",
                 "Permute"):
        assert name in layers.__all__ and getattr(numnet.layers, name).__name__ == name


def test_a_model_file_of_every_new_layer_reloads_bit_for_bit(tmp_path):
    numnet.utils.set_random_seed(2)
    model = _all_layers_model()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    x, y = _data(64)
    model.fit(x, y, epochs=1, batch_size=32, verbose=0)
    model.save(tmp_path / "model.numnet")
    loaded = numnet.models.load_model(tmp_path / "model.numnet")
    assert [type(layer) for layer in loaded.layers] == [type(layer) for layer in model.layers]
    for got, want in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
    assert np.isfinite(loaded.train_on_batch(x[:32], y[:32]))


def test_a_model_file_with_the_new_activations_by_name(tmp_path):
    numnet.utils.set_random_seed(3)
    model = numnet.Sequential(
        [layers.Input(shape=(6,))]
        + [layers.Dense(6, activation=name) for name in DENSE_NAMES if name != "glu"]
        + [layers.Dense(6, activation="glu"), layers.Activation("hard_tanh")])
    assert model.output_shape == (None, 3)
    model.save(tmp_path / "activations.numnet")
    loaded = numnet.models.load_model(tmp_path / "activations.numnet")
    assert [layer.get_config().get("activation") for layer in loaded.layers] == \
        [layer.get_config().get("activation") for layer in model.layers]
    x, _ = _data(16)
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


# ============================================================================= against Keras 3


@pytest.fixture(scope="module")
def keras():
    os.environ["KERAS_BACKEND"] = "jax"
    pytest.importorskip("jax", reason="the Keras comparisons run Keras on its JAX backend")
    return pytest.importorskip("keras", reason="keras is not installed (pip install keras jax)")


KERAS_ACTIVATIONS = {
    "celu": ("celu", {}), "celu_alpha": ("celu", {"alpha": 0.5}), "glu": ("glu", {}),
    "glu_axis0": ("glu", {"axis": 0}), "hard_shrink": ("hard_shrink", {}),
    "hard_shrink_threshold": ("hard_shrink", {"threshold": 1.0}),
    "hard_tanh": ("hard_tanh", {}), "log_sigmoid": ("log_sigmoid", {}),
    "soft_shrink": ("soft_shrink", {}),
    "soft_shrink_threshold": ("soft_shrink", {"threshold": 1.0}),
    "sparse_plus": ("sparse_plus", {}), "squareplus": ("squareplus", {}),
    "squareplus_b": ("squareplus", {"b": 0.5}), "tanh_shrink": ("tanh_shrink", {}),
    "threshold": ("threshold", {"threshold": 0.3, "default_value": -2.0}),
    "sparse_sigmoid": ("sparse_sigmoid", {}),
}


def test_every_activation_case_but_sparsemax_is_compared_with_keras():
    assert set(KERAS_ACTIVATIONS) | {"sparsemax", "sparsemax_axis0"} == set(ACTIVATION_CASES)


@pytest.mark.parametrize("name", sorted(KERAS_ACTIVATIONS))
def test_activation_matches_keras(keras, name):
    keras_name, kwargs = KERAS_ACTIVATIONS[name]
    z = _activation_input(name).astype(np.float32)
    want = np.asarray(getattr(keras.activations, keras_name)(z, **kwargs))
    got = ACTIVATION_CASES[name][0](Tensor(z)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-6, atol=1e-7)


def test_sparsemax_matches_keras_where_one_value_wins(keras):
    """A clear winner per row: a support of one entry, where every Keras 3 release agrees."""
    z = np.array([[3.0, 0.5, -1.0, 0.2], [-2.0, 0.1, 4.0, 1.0]], "float32")
    for axis, data in ((-1, z), (0, z.T.copy())):
        want = np.asarray(keras.activations.sparsemax(data, axis=axis))
        got = activations.sparsemax(Tensor(data), axis=axis).numpy()
        np.testing.assert_allclose(got, want, atol=1e-7)
        assert (got > 0).sum() == 2


def test_sparsemax_matches_keras_on_wider_supports(keras):
    """Keras releases before the fix of keras-team/keras#23425 take tau from the sum of the
    partial sums over the support, so their outputs do not sum to 1: compare with the others."""
    z = _activation_input("sparsemax").astype(np.float32)
    want = np.asarray(keras.activations.sparsemax(z))
    if not np.allclose(want.sum(axis=-1), 1, atol=1e-5):
        pytest.skip(f"keras {keras.__version__}'s sparsemax does not sum to 1 "
                    "(keras-team/keras#23425); compared where one value wins only")
    np.testing.assert_allclose(activations.sparsemax(Tensor(z)).numpy(), want, atol=1e-6)


def _keras_pair(keras, make, input_shape, seed=0):
    """The same layer in Keras and numnet, built for ``input_shape``, with the Keras layer's
    weights set to random values and copied into numnet's."""
    k_layer, n_layer = make(keras), make(numnet)
    k_layer.build((None,) + input_shape[1:])
    rng = np.random.default_rng(seed)
    k_layer.set_weights([rng.uniform(-1, 1, w.shape).astype("float32")
                         for w in k_layer.get_weights()])
    n_layer.build((None,) + input_shape[1:])
    n_layer.set_weights(k_layer.get_weights())
    return k_layer, n_layer


KERAS_LAYERS = {
    "layer_norm": (lambda lib: lib.layers.LayerNormalization(), (5, 4)),
    "layer_norm_axes_1_2": (lambda lib: lib.layers.LayerNormalization(axis=[1, 2]), (3, 2, 4)),
    "layer_norm_axis_1": (lambda lib: lib.layers.LayerNormalization(axis=1), (3, 4, 2)),
    "layer_norm_epsilon_no_center": (
        lambda lib: lib.layers.LayerNormalization(epsilon=0.5, center=False), (5, 4)),
    "layer_norm_no_scale": (lambda lib: lib.layers.LayerNormalization(scale=False), (5, 4)),
    "layer_norm_rms_scaling": (
        lambda lib: lib.layers.LayerNormalization(rms_scaling=True), (5, 4)),
    "unit_norm": (lambda lib: lib.layers.UnitNormalization(), (5, 4)),
    "unit_norm_axes": (lambda lib: lib.layers.UnitNormalization(axis=[1, 2]), (3, 2, 4)),
    "prelu": (lambda lib: lib.layers.PReLU(), (3, 2, 4)),
    "prelu_shared": (lambda lib: lib.layers.PReLU(shared_axes=[1]), (3, 2, 4)),
    "gaussian_dropout": (lambda lib: lib.layers.GaussianDropout(0.3), (5, 4)),
    "alpha_dropout": (lambda lib: lib.layers.AlphaDropout(0.3), (5, 4)),
    "identity": (lambda lib: lib.layers.Identity(), (5, 4)),
    "activity_regularization": (
        lambda lib: lib.layers.ActivityRegularization(l1=0.1, l2=0.02), (5, 4)),
    "repeat_vector": (lambda lib: lib.layers.RepeatVector(3), (5, 4)),
    "permute": (lambda lib: lib.layers.Permute((2, 1)), (3, 2, 4)),
    "permute_3": (lambda lib: lib.layers.Permute((3, 1, 2)), (2, 3, 2, 4)),
}


@pytest.mark.filterwarnings("ignore:.*rms_scaling")
@pytest.mark.parametrize("case", sorted(KERAS_LAYERS))
def test_layer_matches_keras(keras, case):
    make, shape = KERAS_LAYERS[case]
    k_layer, n_layer = _keras_pair(keras, make, shape)
    assert [(w.name, tuple(w.shape)) for w in n_layer.weights] == \
        [(w.name, tuple(w.shape)) for w in k_layer.weights]
    assert set(n_layer.get_config()) == set(k_layer.get_config())
    batch_shape = (None,) + shape[1:]
    assert n_layer.compute_output_shape(batch_shape) == \
        tuple(k_layer.compute_output_shape(batch_shape))
    x = rand(shape, seed=3).astype("float32")
    want = np.asarray(k_layer(x, training=False))
    got = n_layer(x, training=False).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    assert [float(p) for p in n_layer.losses] == pytest.approx(
        [float(p) for p in k_layer.losses], rel=1e-5)


def test_gaussian_dropout_noise_statistics_match_keras(keras):
    x = rand((300, 400), 0.5, 2.0, seed=1).astype("float32")
    k_noise = np.asarray(keras.layers.GaussianDropout(0.4, seed=1)(x, training=True)) / x
    n_noise = layers.GaussianDropout(0.4, seed=1)(x, training=True).numpy() / x
    for noise in (k_noise, n_noise):
        assert abs(noise.mean() - 1) < 0.01 and abs(noise.std() - math.sqrt(0.4 / 0.6)) < 0.01
    assert abs(n_noise.std() - k_noise.std()) < 0.01


def test_alpha_dropout_matches_keras_where_kept_and_where_dropped(keras):
    """Keras's and numnet's outputs take the same two forms, a * x + b and a * alpha' + b,
    in the same proportions."""
    rate = 0.3
    x = rand((300, 400), seed=1).astype("float32")
    k_out = np.asarray(keras.layers.AlphaDropout(rate, seed=1)(x, training=True))
    n_out = layers.AlphaDropout(rate, seed=1)(x, training=True).numpy()
    a, b, alpha_p = _alpha_dropout_constants(rate)
    for out in (k_out, n_out):
        dropped = np.isclose(out, a * alpha_p + b, rtol=1e-6, atol=1e-6)
        assert abs(dropped.mean() - rate) < 0.01
        np.testing.assert_allclose(out[~dropped], a * x[~dropped] + b, rtol=1e-5, atol=1e-6)


def _keras_model_pair(keras):
    def build(lib):
        return lib.Sequential([
            lib.layers.Input(shape=(6,)),
            lib.layers.Dense(8),
            lib.layers.LayerNormalization(),
            lib.layers.PReLU(alpha_initializer="ones"),
            lib.layers.Dense(8, activation="celu"),
            lib.layers.RepeatVector(3),
            lib.layers.Permute((2, 1)),
            lib.layers.UnitNormalization(axis=[1, 2]),
            lib.layers.ActivityRegularization(l2=0.01),
            lib.layers.Identity(),
            lib.layers.Flatten(),
            lib.layers.Dense(8, activation="log_sigmoid"),
            lib.layers.Dense(3, activation="softmax"),
        ])

    keras.utils.set_random_seed(5)
    k_model, n_model = build(keras), build(numnet)
    n_model.set_weights(k_model.get_weights())
    return k_model, n_model


def test_a_model_of_the_new_layers_predicts_and_trains_as_keras(keras):
    k_model, n_model = _keras_model_pair(keras)
    assert [w.shape for w in n_model.get_weights()] == [w.shape for w in k_model.get_weights()]
    x, y = _data(64)
    np.testing.assert_allclose(n_model.predict(x, verbose=0), k_model.predict(x, verbose=0),
                               rtol=1e-5, atol=1e-6)
    k_model.compile(optimizer=keras.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
    n_model.compile(optimizer=numnet.optimizers.SGD(0.5), loss="sparse_categorical_crossentropy")
    for step in range(5):
        batch = slice(32 * (step % 2), 32 * (step % 2) + 32)
        k_loss = float(k_model.train_on_batch(x[batch], y[batch]))
        n_loss = float(n_model.train_on_batch(x[batch], y[batch]))
        assert n_loss == pytest.approx(k_loss, rel=1e-5), f"step {step}"
    for got, want in zip(n_model.get_weights(), k_model.get_weights(), strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", [n for n in DENSE_NAMES if n != "glu"])
def test_dense_with_an_activation_by_name_matches_keras(keras, name):
    keras.utils.set_random_seed(6)
    k_model = keras.Sequential([keras.layers.Input(shape=(4,)),
                                keras.layers.Dense(6, activation=name)])
    n_model = numnet.Sequential([layers.Input(shape=(4,)), layers.Dense(6, activation=name)])
    n_model.set_weights(k_model.get_weights())
    x = rand((5, 4), seed=7).astype("float32") * 2
    want = k_model.predict(x, verbose=0)
    if name == "sparsemax" and not np.allclose(want.sum(axis=-1), 1, atol=1e-5):
        pytest.skip(f"keras {keras.__version__}'s sparsemax does not sum to 1 "
                    "(keras-team/keras#23425)")
    np.testing.assert_allclose(n_model.predict(x, verbose=0), want, rtol=1e-5, atol=1e-6)


def test_keras_weights_files_load_both_ways(keras, tmp_path):
    pytest.importorskip("h5py", reason="h5py is not installed (pip install 'numnet[h5]')")
    k_model, n_model = _keras_model_pair(keras)
    k_model.save_weights(str(tmp_path / "k.weights.h5"))
    fresh = _keras_model_pair(keras)[1]
    fresh.load_weights(tmp_path / "k.weights.h5")
    for got, want in zip(fresh.get_weights(), k_model.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)
    n_model.set_weights([w * 0.5 for w in n_model.get_weights()])
    n_model.save_weights(tmp_path / "n.weights.h5")
    k_model.load_weights(str(tmp_path / "n.weights.h5"))
    x, _ = _data(16)
    np.testing.assert_allclose(np.asarray(k_model.predict(x, verbose=0)),
                               n_model.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
