"""Optimizer steps against Keras 3's update rules, written out here one line per formula line.

Each reference below is the rule of ``keras/src/optimizers/<name>.py`` (and of
``base_optimizer.py`` for clipping, weight decay, EMA and the learning rate), computed in float64.
The gradients come from a fixed quadratic-plus-noise function of the weights, so that five steps
follow a real trajectory (the gradient of each step depends on the previous updates).
"""

from __future__ import annotations

import math
import tracemalloc
import warnings

import numpy as np
import pytest

import numnet
from numnet import backend, optimizers
from numnet.autodiff import Variable
from numnet.fast import updates as fused
from numnet.optimizers import base

try:
    import numba  # noqa: F401

    HAS_NUMBA = True
except ImportError:
    HAS_NUMBA = False

# Every rule is checked on both paths: NumPy's operations, and the fused kernels (numba).
PATHS = [
    "numpy",
    pytest.param(
        "fused",
        marks=pytest.mark.skipif(not HAS_NUMBA, reason="the fused kernels need numba"),
    ),
]


@pytest.fixture
def path(request):
    fused.set_enabled(request.param == "fused")
    yield request.param
    fused.set_enabled(True)

TOL = {np.float32: 1e-6, np.float64: 1e-12}
STEPS = 5

_rs = np.random.default_rng(7)
W0 = _rs.uniform(-1.0, 1.0, size=(3, 4))
A = _rs.uniform(0.2, 1.0, size=(3, 4))
# Gradient noise that shrinks over the steps, so that AMSGrad's running maximum differs from v.
NOISE = [_rs.normal(size=(3, 4)) * 1.5 / (t + 1) for t in range(2 * STEPS)]


def grad_at(w, t):
    """Gradient of sum(A * w^2 / 2 + NOISE[t] * w) at w (computed on the host)."""
    return A * backend.to_numpy(w) + NOISE[t]


# ----- Keras 3's rules, by hand (state starts at zero unless said) -----
def ref_sgd(w, g, s, lr, t, momentum=0.0, nesterov=False):
    if momentum == 0:
        return w - lr * g
    s["m"] = momentum * s.get("m", 0.0) - lr * g
    if nesterov:
        return w + momentum * s["m"] - lr * g
    return w + s["m"]


def ref_rmsprop(w, g, s, lr, t, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False):
    s["velocity"] = rho * s.get("velocity", 0.0) + (1 - rho) * g**2
    if centered:
        s["average"] = rho * s.get("average", 0.0) + (1 - rho) * g
        denominator = s["velocity"] - s["average"] ** 2 + epsilon
    else:
        denominator = s["velocity"] + epsilon
    increment = lr * g / np.sqrt(denominator)
    if momentum > 0:
        s["momentum"] = momentum * s.get("momentum", 0.0) + increment
        return w - s["momentum"]
    return w - increment


def ref_adam(w, g, s, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False):
    step = t + 1
    s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - beta_1)
    s["v"] = s.get("v", 0.0) + (g**2 - s.get("v", 0.0)) * (1 - beta_2)
    v = s["v"]
    if amsgrad:
        s["v_hat"] = np.maximum(s.get("v_hat", 0.0), s["v"])
        v = s["v_hat"]
    alpha = lr * math.sqrt(1 - beta_2**step) / (1 - beta_1**step)
    return w - s["m"] * alpha / (np.sqrt(v) + epsilon)


def ref_adagrad(w, g, s, lr, t, initial_accumulator_value=0.1, epsilon=1e-7):
    s["accumulator"] = s.get("accumulator", initial_accumulator_value) + g**2
    return w - lr * g / np.sqrt(s["accumulator"] + epsilon)


def ref_adamw(w, g, s, lr, t, weight_decay=0.004, **adam):
    w = w - w * weight_decay * lr  # base_optimizer.py's decoupled decay, before the update
    return ref_adam(w, g, s, lr, t, **adam)


def ref_adadelta(w, g, s, lr, t, rho=0.95, epsilon=1e-7):
    def rms(x):
        return np.sqrt(x + epsilon)

    s["accumulated_grad"] = rho * s.get("accumulated_grad", 0.0) + (1 - rho) * g**2
    delta_var = -rms(s.get("accumulated_delta_var", 0.0)) * g / rms(s["accumulated_grad"])
    s["accumulated_delta_var"] = (
        rho * s.get("accumulated_delta_var", 0.0) + (1 - rho) * delta_var**2
    )
    return w + lr * delta_var


def ref_adamax(w, g, s, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    step = t + 1
    s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - beta_1)
    s["u"] = np.maximum(beta_2 * s.get("u", 0.0), np.abs(g))
    return w - lr * s["m"] / ((1 - beta_1**step) * (s["u"] + epsilon))


def ref_nadam(w, g, s, lr, t, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
    step = t + 1
    # Keras updates its u_product variable once per step, before the variables' updates.
    s["u_product"] = s.get("u_product", 1.0) * beta_1 * (1 - 0.5 * 0.96**step)
    u_t = beta_1 * (1 - 0.5 * 0.96**step)
    u_t_1 = beta_1 * (1 - 0.5 * 0.96 ** (step + 1))
    u_product_t = s["u_product"]
    u_product_t_1 = u_product_t * u_t_1
    s["m"] = s.get("m", 0.0) + (g - s.get("m", 0.0)) * (1 - beta_1)
    s["v"] = s.get("v", 0.0) + (g**2 - s.get("v", 0.0)) * (1 - beta_2)
    m_hat = u_t_1 * s["m"] / (1 - u_product_t_1) + (1 - u_t) * g / (1 - u_product_t)
    v_hat = s["v"] / (1 - beta_2**step)
    return w - m_hat * lr / (np.sqrt(v_hat) + epsilon)


def ref_ftrl(
    w,
    g,
    s,
    lr,
    t,
    learning_rate_power=-0.5,
    initial_accumulator_value=0.1,
    l1_regularization_strength=0.0,
    l2_regularization_strength=0.0,
    l2_shrinkage_regularization_strength=0.0,
    beta=0.0,
):
    accum = s.get("accumulator", np.full_like(w, initial_accumulator_value))
    linear = s.get("linear", np.zeros_like(w))
    l2_reg = l2_regularization_strength + beta / (2.0 * lr)
    grad_to_use = g + 2 * l2_shrinkage_regularization_strength * w
    new_accum = accum + g**2
    sigma = (new_accum ** (-learning_rate_power) - accum ** (-learning_rate_power)) / lr
    linear = linear + grad_to_use - sigma * w
    quadratic = new_accum ** (-learning_rate_power) / lr + 2 * l2_reg
    l1 = l1_regularization_strength
    linear_clipped = np.clip(linear, -l1, l1)
    s["accumulator"], s["linear"] = new_accum, linear
    return (linear_clipped - linear) / quadratic


def ref_lion(w, g, s, lr, t, beta_1=0.9, beta_2=0.99):
    m = s.get("m", 0.0)
    w = w - lr * np.sign(m * beta_1 + g * (1 - beta_1))
    s["m"] = m * beta_2 + g * (1 - beta_2)
    return w


RULES = {
    optimizers.SGD: ref_sgd,
    optimizers.RMSprop: ref_rmsprop,
    optimizers.Adam: ref_adam,
    optimizers.Adagrad: ref_adagrad,
    optimizers.AdamW: ref_adamw,
    optimizers.Adadelta: ref_adadelta,
    optimizers.Adamax: ref_adamax,
    optimizers.Nadam: ref_nadam,
    optimizers.Ftrl: ref_ftrl,
    optimizers.Lion: ref_lion,
}

CASES = [
    (optimizers.SGD, {}),
    (optimizers.SGD, {"momentum": 0.9}),
    (optimizers.SGD, {"momentum": 0.9, "nesterov": True}),
    (optimizers.RMSprop, {}),
    (optimizers.RMSprop, {"rho": 0.8, "momentum": 0.5}),
    (optimizers.RMSprop, {"centered": True}),
    (optimizers.RMSprop, {"centered": True, "momentum": 0.7, "epsilon": 0.1}),
    (optimizers.RMSprop, {"epsilon": 0.1}),
    (optimizers.Adam, {}),
    (optimizers.Adam, {"beta_1": 0.8, "beta_2": 0.5, "epsilon": 0.1}),
    (optimizers.Adam, {"beta_2": 0.5, "amsgrad": True}),
    (optimizers.Adagrad, {}),
    (optimizers.Adagrad, {"initial_accumulator_value": 0.5, "epsilon": 0.1}),
    (optimizers.AdamW, {}),
    (optimizers.AdamW, {"weight_decay": 0.5, "beta_2": 0.5, "amsgrad": True}),
    (optimizers.Adadelta, {}),
    (optimizers.Adadelta, {"rho": 0.7, "epsilon": 1e-3}),
    (optimizers.Adamax, {}),
    (optimizers.Adamax, {"beta_1": 0.7, "beta_2": 0.5, "epsilon": 0.1}),
    (optimizers.Nadam, {}),
    (optimizers.Nadam, {"beta_1": 0.8, "beta_2": 0.5, "epsilon": 0.1}),
    (optimizers.Ftrl, {}),
    (
        optimizers.Ftrl,
        {
            "learning_rate_power": -0.3,
            "initial_accumulator_value": 0.5,
            "l1_regularization_strength": 0.05,
            "l2_regularization_strength": 0.1,
            "l2_shrinkage_regularization_strength": 0.2,
            "beta": 0.3,
        },
    ),
    (optimizers.Ftrl, {"learning_rate_power": 0.0, "l1_regularization_strength": 0.02}),
    (optimizers.Lion, {}),
    (optimizers.Lion, {"beta_1": 0.5, "beta_2": 0.7}),
]
LEARNING_RATE = {
    optimizers.SGD: 0.1,
    optimizers.RMSprop: 0.01,
    optimizers.Adam: 0.02,
    optimizers.Adagrad: 0.1,
    optimizers.AdamW: 0.02,
    optimizers.Adadelta: 1.0,
    optimizers.Adamax: 0.02,
    optimizers.Nadam: 0.02,
    optimizers.Ftrl: 0.1,
    optimizers.Lion: 0.01,
}


def _case_id(case):
    cls, kwargs = case
    return cls.__name__ + "".join(f"-{k}={v}" for k, v in kwargs.items())


def reference_trajectory(cls, kwargs, lr_at, steps, w0=W0):
    """Weights after each of ``steps`` steps of Keras's rule; ``lr_at(t)`` is step t's rate."""
    w, state, out = w0.astype(np.float64), {}, []
    for t in range(steps):
        w = RULES[cls](w, grad_at(w, t), state, lr_at(t), t, **kwargs)
        out.append(w)
    return out


def run_numnet(opt, steps, dtype, w0=W0):
    var = Variable(np.array(w0, dtype=dtype))
    out = []
    for t in range(steps):
        g = grad_at(var.value, t).astype(dtype)
        opt.apply([g], [var])
        out.append(var.value.copy())
    return var, out


def assert_trajectory(got, want, dtype):
    assert len(got) == len(want)
    for t, (a, b) in enumerate(zip(got, want, strict=True)):
        assert a.dtype == dtype
        np.testing.assert_allclose(a, b, rtol=0, atol=TOL[dtype], err_msg=f"step {t + 1}")


# ----- one step and five steps of each rule -----
@pytest.mark.parametrize("path", PATHS, indirect=True)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("steps", [1, STEPS])
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_steps_equal_keras_rule(case, steps, dtype, path):
    cls, kwargs = case
    lr = LEARNING_RATE[cls]
    _, got = run_numnet(cls(learning_rate=lr, **kwargs), steps, dtype)
    assert_trajectory(got, reference_trajectory(cls, kwargs, lambda t: lr, steps), dtype)


def test_reference_rules_are_not_all_the_same():
    """The cases above would be vacuous if the variants moved the weights identically."""
    finals = [
        reference_trajectory(cls, kw, lambda t, c=cls: LEARNING_RATE[c], STEPS)[-1]
        for cls, kw in CASES
    ]
    for i in range(len(finals)):
        for j in range(i + 1, len(finals)):
            assert np.abs(finals[i] - finals[j]).max() > 1e-4, (CASES[i], CASES[j])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_several_variables_keep_separate_state(dtype):
    opt = optimizers.Adam(learning_rate=0.05, amsgrad=True, beta_2=0.5)
    a = Variable(np.array(W0, dtype=dtype))
    b = Variable(np.array(-2 * W0[:2], dtype=dtype))
    for t in range(STEPS):
        ga, gb = grad_at(a.value, t), grad_at(np.resize(b.value, (3, 4)), t)[:2]
        opt.apply([ga.astype(dtype), gb.astype(dtype)], [a, b])
    want_a = reference_trajectory(
        optimizers.Adam, {"amsgrad": True, "beta_2": 0.5}, lambda t: 0.05, STEPS
    )[-1]
    np.testing.assert_allclose(a.value, want_a, rtol=0, atol=TOL[dtype])
    assert a.value.dtype == b.value.dtype == dtype


# ----- Keras 2's arguments -----
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize("cls", list(RULES))
def test_lr_is_learning_rate(cls):
    a, b = cls(lr=0.037), cls(learning_rate=0.037)
    assert float(a.learning_rate.value) == pytest.approx(0.037)
    _, got_a = run_numnet(a, 3, np.float64)
    _, got_b = run_numnet(b, 3, np.float64)
    want = reference_trajectory(cls, {}, lambda t: 0.037, 3)
    assert_trajectory(got_a, want, np.float64)
    assert_trajectory(got_b, want, np.float64)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(
    "case",
    [
        (optimizers.SGD, {"momentum": 0.9}),
        (optimizers.RMSprop, {}),
        (optimizers.Adam, {}),
        (optimizers.Adagrad, {}),
    ],
    ids=_case_id,
)
def test_keras2_decay_is_inverse_time(case):
    cls, kwargs = case
    lr, decay = 0.1, 0.5
    opt = cls(lr=lr, decay=decay, **kwargs)
    var = Variable(np.array(W0, dtype=np.float64))
    for t in range(STEPS):
        # The rate of the next step, read before it: lr / (1 + decay * iterations).
        assert opt.current_learning_rate() == pytest.approx(lr / (1 + decay * t), rel=1e-15)
        assert float(opt.learning_rate.value) == pytest.approx(lr / (1 + decay * t), rel=1e-6)
        opt.apply([grad_at(var.value, t)], [var])
    want = reference_trajectory(cls, kwargs, lambda t: lr / (1 + decay * t), STEPS)[-1]
    np.testing.assert_allclose(var.value, want, rtol=0, atol=1e-12)
    undecayed = reference_trajectory(cls, kwargs, lambda t: lr, STEPS)[-1]
    assert np.abs(var.numpy() - undecayed).max() > 1e-3


def test_negative_decay_is_refused():
    with pytest.raises(ValueError, match="decay"):
        optimizers.SGD(decay=-0.1)


# ----- names and defaults -----
DEFAULTS = {
    "sgd": (optimizers.SGD, 0.01, {"momentum": 0.0, "nesterov": False}),
    "rmsprop": (
        optimizers.RMSprop,
        0.001,
        {"rho": 0.9, "momentum": 0.0, "epsilon": 1e-7, "centered": False},
    ),
    "adam": (
        optimizers.Adam,
        0.001,
        {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
    ),
    "adagrad": (optimizers.Adagrad, 0.001, {"initial_accumulator_value": 0.1, "epsilon": 1e-7}),
    "adamw": (
        optimizers.AdamW,
        0.001,
        {"weight_decay": 0.004, "beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7, "amsgrad": False},
    ),
    "adadelta": (optimizers.Adadelta, 0.001, {"rho": 0.95, "epsilon": 1e-7}),
    "adamax": (optimizers.Adamax, 0.001, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
    "nadam": (optimizers.Nadam, 0.001, {"beta_1": 0.9, "beta_2": 0.999, "epsilon": 1e-7}),
    "ftrl": (
        optimizers.Ftrl,
        0.001,
        {
            "learning_rate_power": -0.5,
            "initial_accumulator_value": 0.1,
            "l1_regularization_strength": 0.0,
            "l2_regularization_strength": 0.0,
            "l2_shrinkage_regularization_strength": 0.0,
            "beta": 0.0,
        },
    ),
    "lion": (optimizers.Lion, 0.001, {"beta_1": 0.9, "beta_2": 0.99}),
}


@pytest.mark.parametrize("name", list(DEFAULTS))
def test_string_names_give_keras3_defaults(name):
    cls, lr, attrs = DEFAULTS[name]
    for spelling in (name, name.upper()):
        opt = optimizers.get(spelling)
        assert type(opt) is cls
        assert opt.current_learning_rate() == lr
        for attr, value in attrs.items():
            assert getattr(opt, attr) == value, attr
    # The defaults are the ones the update uses: one step equals the rule at Keras's defaults.
    kwargs = {k: v for k, v in attrs.items() if k in ("epsilon",)}
    _, got = run_numnet(optimizers.get(name), 2, np.float64)
    assert_trajectory(got, reference_trajectory(cls, kwargs, lambda t: lr, 2), np.float64)


def test_unknown_name_suggests_the_closest():
    with pytest.raises(ValueError, match="'adam'"):
        optimizers.get("adamm")


@pytest.mark.filterwarnings("ignore:The argument 'epsilon':DeprecationWarning")
@pytest.mark.parametrize(
    "cls",
    [
        optimizers.RMSprop,
        optimizers.Adam,
        optimizers.Adagrad,
        optimizers.AdamW,
        optimizers.Adadelta,
        optimizers.Adamax,
        optimizers.Nadam,
    ],
)
def test_epsilon_none_means_default(cls):
    opt = cls(learning_rate=0.01, epsilon=None)
    assert opt.epsilon == 1e-7
    _, got = run_numnet(opt, 2, np.float64)
    assert_trajectory(
        got, reference_trajectory(cls, {"epsilon": 1e-7}, lambda t: 0.01, 2), np.float64
    )


def test_config_round_trip_keeps_the_rule():
    opt = optimizers.Adam(learning_rate=0.02, beta_2=0.5, amsgrad=True, epsilon=0.1)
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert type(again) is optimizers.Adam
    accumulating = optimizers.SGD(gradient_accumulation_steps=4, clipnorm=2.0)
    config = optimizers.deserialize(optimizers.serialize(accumulating)).get_config()
    assert config["gradient_accumulation_steps"] == 4 and config["clipnorm"] == 2.0
    _, got = run_numnet(again, STEPS, np.float64)
    want = reference_trajectory(
        optimizers.Adam, {"beta_2": 0.5, "amsgrad": True, "epsilon": 0.1}, lambda t: 0.02, STEPS
    )
    assert_trajectory(got, want, np.float64)


# ----- clipping and weight decay (base_optimizer.py) -----
G_BIG = np.array([[3.0, -4.0], [0.0, 12.0]])  # norm 13
G_SMALL = np.array([0.3, -0.4])  # norm 0.5


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clipnorm_clips_each_gradient_by_its_own_norm(dtype):
    c, lr = 2.0, 0.5
    a, b = Variable(np.ones((2, 2), dtype)), Variable(np.ones(2, dtype))
    optimizers.SGD(learning_rate=lr, clipnorm=c).apply(
        [G_BIG.astype(dtype), G_SMALL.astype(dtype)], [a, b]
    )
    # g * clipnorm / max(||g||, clipnorm), each tensor on its own
    clipped_big = G_BIG * c / max(np.sqrt((G_BIG**2).sum()), c)
    clipped_small = G_SMALL * c / max(np.sqrt((G_SMALL**2).sum()), c)
    np.testing.assert_allclose(a.value, 1 - lr * clipped_big, rtol=0, atol=TOL[dtype])
    np.testing.assert_allclose(b.value, 1 - lr * clipped_small, rtol=0, atol=TOL[dtype])
    assert np.allclose(clipped_small, G_SMALL) and not np.allclose(clipped_big, G_BIG)
    assert a.value.dtype == b.value.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_global_clipnorm_scales_all_gradients_together(dtype):
    c, lr = 2.0, 0.5
    a, b = Variable(np.ones((2, 2), dtype)), Variable(np.ones(2, dtype))
    optimizers.SGD(learning_rate=lr, global_clipnorm=c).apply(
        [G_BIG.astype(dtype), G_SMALL.astype(dtype)], [a, b]
    )
    norm = math.sqrt((G_BIG**2).sum() + (G_SMALL**2).sum())
    scale = c / max(norm, c)
    np.testing.assert_allclose(a.value, 1 - lr * G_BIG * scale, rtol=0, atol=TOL[dtype])
    np.testing.assert_allclose(b.value, 1 - lr * G_SMALL * scale, rtol=0, atol=TOL[dtype])
    assert a.value.dtype == b.value.dtype == dtype


def test_global_clipnorm_leaves_small_gradients_alone():
    a = Variable(np.ones(2))
    optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0).apply([G_SMALL], [a])
    np.testing.assert_allclose(a.value, 1 - G_SMALL, rtol=0, atol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_clipvalue_clips_each_element(dtype):
    c, lr = 0.35, 0.5
    a = Variable(np.ones((2, 2), dtype))
    optimizers.SGD(learning_rate=lr, clipvalue=c).apply([G_BIG.astype(dtype) / 10], [a])
    want = 1 - lr * np.minimum(np.maximum(G_BIG / 10, -c), c)
    np.testing.assert_allclose(a.value, want, rtol=0, atol=TOL[dtype])
    assert a.value.dtype == dtype


def test_clipping_then_adam():
    """Clipping happens before the update rule: Adam sees the clipped gradient."""
    c, lr = 0.5, 0.02
    opt = optimizers.Adam(learning_rate=lr, clipnorm=c, epsilon=0.1)
    var = Variable(np.array(W0))
    w, state = W0.copy(), {}
    for t in range(STEPS):
        g = grad_at(w, t)
        w = ref_adam(w, g * c / max(np.sqrt((g**2).sum()), c), state, lr, t, epsilon=0.1)
        opt.apply([grad_at(var.value, t)], [var])
    np.testing.assert_allclose(var.value, w, rtol=0, atol=1e-12)


def test_at_most_one_clipping_argument():
    with pytest.raises(ValueError, match="clipnorm"):
        optimizers.SGD(clipnorm=1.0, clipvalue=1.0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "case",
    [
        (optimizers.SGD, {}),
        (optimizers.SGD, {"momentum": 0.9}),
        (optimizers.Adam, {}),
        (optimizers.RMSprop, {}),
    ],
    ids=_case_id,
)
def test_weight_decay_is_decoupled(case, dtype):
    cls, kwargs = case
    lr, wd = LEARNING_RATE[cls], 0.3
    opt = cls(learning_rate=lr, weight_decay=wd, **kwargs)
    _, got = run_numnet(opt, STEPS, dtype)
    w, state, want = W0.copy(), {}, []
    for t in range(STEPS):
        g = grad_at(w, t)  # the gradient at the weights before the decay
        w = w - w * wd * lr
        w = RULES[cls](w, g, state, lr, t, **kwargs)
        want.append(w)
    assert_trajectory(got, want, dtype)


def test_exclude_from_weight_decay():
    lr, wd = 0.1, 0.5
    opt = optimizers.SGD(learning_rate=lr, weight_decay=wd)
    kernel = Variable(np.ones(2), name="dense/kernel")
    bias = Variable(np.ones(2), name="dense/bias")
    opt.exclude_from_weight_decay(var_names=["bias"])
    g = np.array([1.0, -1.0])
    opt.apply([g, g], [kernel, bias])
    np.testing.assert_allclose(kernel.value, 1 - wd * lr - lr * g, rtol=0, atol=1e-15)
    np.testing.assert_allclose(bias.value, 1 - lr * g, rtol=0, atol=1e-15)


# ----- learning rate and iterations -----
def test_changing_learning_rate_takes_effect_on_next_step():
    opt = optimizers.SGD(learning_rate=0.1, momentum=0.5)
    var = Variable(np.array(W0))
    rates = [0.1, 0.1, 0.5, 0.2, 0.2]
    for t in range(STEPS):
        if t == 2:
            opt.learning_rate = 0.5
        if t == 3:
            opt.learning_rate.assign(0.2)
        assert float(opt.learning_rate.value) == pytest.approx(rates[t])
        opt.apply([grad_at(var.value, t)], [var])
    want = reference_trajectory(optimizers.SGD, {"momentum": 0.5}, lambda t: rates[t], STEPS)
    np.testing.assert_allclose(var.value, want[-1], rtol=0, atol=1e-12)


def test_learning_rate_schedule_reads_iterations():
    schedule = optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)
    opt = optimizers.Adam(learning_rate=schedule)
    _, got = run_numnet(opt, STEPS, np.float64)
    want = reference_trajectory(optimizers.Adam, {}, lambda t: 0.1 * 0.5 ** (t / 2), STEPS)
    assert_trajectory(got, want, np.float64)


def test_staircase_and_inverse_time_schedules():
    stair = optimizers.schedules.ExponentialDecay(
        0.1, decay_steps=3, decay_rate=0.5, staircase=True
    )
    inverse = optimizers.schedules.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5)
    for step in range(8):
        assert stair(step) == pytest.approx(0.1 * 0.5 ** (step // 3), rel=1e-15)
        assert inverse(step) == pytest.approx(0.1 / (1 + 0.5 * step / 2), rel=1e-15)


def test_callable_learning_rate_without_arguments():
    """Keras calls a learning_rate that is a plain callable with no arguments, at each step."""
    rate = {"value": 0.1}
    opt = optimizers.SGD(learning_rate=lambda: rate["value"])
    var = Variable(np.array(W0))
    opt.apply([grad_at(var.value, 0)], [var])
    rate["value"] = 0.3
    opt.apply([grad_at(var.value, 1)], [var])
    want = reference_trajectory(optimizers.SGD, {}, lambda t: [0.1, 0.3][t], 2)
    np.testing.assert_allclose(var.value, want[-1], rtol=0, atol=1e-12)


@pytest.mark.parametrize("cls", list(RULES))
def test_iterations_counts_steps(cls):
    opt = cls()
    var = Variable(np.array(W0, dtype=np.float32))
    assert int(opt.iterations.value) == 0
    for t in range(STEPS):
        opt.apply([grad_at(var.value, t).astype(np.float32)], [var])
        assert int(opt.iterations.value) == t + 1
    # A variable whose gradient is None is left alone; the step still counts.
    other = Variable(np.ones(2, dtype=np.float32))
    opt.apply([None, grad_at(var.value, 0).astype(np.float32)], [other, var])
    assert int(opt.iterations.value) == STEPS + 1
    np.testing.assert_array_equal(other.value, np.ones(2, dtype=np.float32))


def test_ema_follows_keras():
    """average = w after the first step, then ema_momentum * average + (1 - ema_momentum) * w."""
    m = 0.9
    opt = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=m)
    var = Variable(np.array(W0))
    weights = []
    for t in range(3):
        opt.apply([grad_at(var.value, t)], [var])
        weights.append(var.value.copy())
    average = weights[0]
    for w in weights[1:]:
        average = m * average + (1 - m) * w
    opt.finalize_variable_values([var])
    np.testing.assert_allclose(var.value, average, rtol=0, atol=1e-12)


def test_ema_overwrite_frequency():
    """Every ema_overwrite_frequency-th step the weights become the average."""
    m = 0.5
    opt = optimizers.SGD(learning_rate=0.1, use_ema=True, ema_momentum=m, ema_overwrite_frequency=2)
    var = Variable(np.array(W0))
    w, average = W0.copy(), None
    for t in range(4):
        w = w - 0.1 * grad_at(w, t)
        average = w if average is None else m * average + (1 - m) * w
        if (t + 1) % 2 == 0:
            w = average.copy()
        opt.apply([grad_at(var.value, t)], [var])
        np.testing.assert_allclose(var.value, w, rtol=0, atol=1e-12, err_msg=f"step {t + 1}")


# ----- gradient accumulation (Keras 3's gradient_accumulation_steps) -----
@pytest.mark.parametrize(
    "case",
    [(optimizers.SGD, {"momentum": 0.9}), (optimizers.Adam, {}), (optimizers.RMSprop, {})],
    ids=_case_id,
)
def test_gradient_accumulation_updates_with_the_mean_every_n_steps(case):
    cls, kwargs = case
    n, steps, lr = 3, 8, LEARNING_RATE[cls]
    opt = cls(learning_rate=lr, gradient_accumulation_steps=n, **kwargs)
    var = Variable(np.array(W0))
    w, state, total, updates = W0.copy(), {}, np.zeros_like(W0), 0
    for t in range(steps):
        total = total + grad_at(w, t)  # the weights stay put between updates
        if (t + 1) % n == 0:
            # Adam's bias correction counts updates, not steps.
            w = RULES[cls](w, total / n, state, lr, updates, **kwargs)
            total, updates = np.zeros_like(W0), updates + 1
        opt.apply([grad_at(var.value, t)], [var])
        np.testing.assert_allclose(var.value, w, rtol=0, atol=1e-12, err_msg=f"step {t + 1}")
        assert int(opt.iterations.value) == (t + 1) // n
    assert updates == 2


@pytest.mark.parametrize(
    "kwargs",
    [
        {"gradient_accumulation_steps": 1},
        {"gradient_accumulation_steps": 2.5},
        {"ema_momentum": 1.5, "use_ema": True},
        {"ema_overwrite_frequency": 0, "use_ema": True},
    ],
)
def test_invalid_base_arguments_are_refused(kwargs):
    with pytest.raises(ValueError, match=next(iter(kwargs))):
        optimizers.Adam(**kwargs)


def test_apply_needs_one_gradient_per_variable():
    with pytest.raises(ValueError, match="one gradient per variable"):
        optimizers.SGD().apply([np.ones(2)], [Variable(np.ones(2)), Variable(np.ones(2))])


# ----- a training step of a real model keeps float32 everywhere -----
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
@pytest.mark.parametrize(
    "make",
    [
        lambda: "sgd",
        lambda: "rmsprop",
        lambda: "adam",
        lambda: "adagrad",
        lambda: optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True, clipnorm=1.0),
        lambda: optimizers.RMSprop(momentum=0.5, centered=True, clipvalue=0.1),
        lambda: optimizers.Adam(amsgrad=True, weight_decay=0.01, global_clipnorm=1.0, use_ema=True),
        lambda: optimizers.Adagrad(lr=0.01, decay=1e-3),
    ],
    ids=[
        "sgd",
        "rmsprop",
        "adam",
        "adagrad",
        "sgd-nesterov",
        "rmsprop-centered",
        "adam-amsgrad-wd-ema",
        "adagrad-decay",
    ],
)
def test_fit_keeps_float32(make):
    numnet.backend.set_random_seed(0)
    rs = np.random.default_rng(0)
    x = rs.normal(size=(40, 6)).astype(np.float32)
    y = rs.integers(0, 3, size=40)
    model = numnet.Sequential(
        [numnet.layers.Dense(8, activation="relu", input_shape=(6,)), numnet.layers.Dense(3)]
    )
    model.compile(
        optimizer=make(), loss=numnet.losses.SparseCategoricalCrossentropy(from_logits=True)
    )
    before = [w.copy() for w in model.get_weights()]
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    opt = model.optimizer
    assert int(opt.iterations.value) == 3
    for p in model.trainable_weights:
        assert p.value.dtype == np.float32, p.path
        assert p.grad is not None and p.grad.dtype == np.float32, p.path
    assert any(not np.array_equal(b, a) for b, a in zip(before, model.get_weights(), strict=True))
    assert len(opt._slots) == len(model.trainable_weights)
    for slots in opt._slots.values():
        for name, array in slots.items():
            assert array.dtype == np.float32, name
    for array in opt._ema.values():
        assert array.dtype == np.float32


# ----- every optimizer with each of the common options -----
OPTIONS = {
    "clipnorm": {"clipnorm": 0.5},
    "clipvalue": {"clipvalue": 0.3},
    "global_clipnorm": {"global_clipnorm": 0.7},
    "weight_decay": {"weight_decay": 0.3},
    "ema": {"use_ema": True, "ema_momentum": 0.8},
    "accumulation": {"gradient_accumulation_steps": 2},
    "clipnorm-weight_decay-ema": {
        "clipnorm": 0.5,
        "weight_decay": 0.1,
        "use_ema": True,
        "ema_momentum": 0.7,
    },
}


def reference_with_options(cls, kwargs, options, lr, steps):
    """Keras's base_optimizer.py around the rule: accumulate, clip, decay, update, average."""
    kwargs, options = dict(kwargs), dict(options)
    if cls is optimizers.AdamW and "weight_decay" in options:
        kwargs["weight_decay"] = options.pop("weight_decay")  # AdamW's rule does the decay
    w, state, out = W0.copy(), {}, []
    n = options.get("gradient_accumulation_steps", 1)
    total, updates, average = np.zeros_like(W0), 0, None
    for t in range(steps):
        total = total + grad_at(w, t)
        if (t + 1) % n:
            out.append(w)
            continue
        g, total = total / n, np.zeros_like(W0)
        if "clipvalue" in options:
            g = np.clip(g, -options["clipvalue"], options["clipvalue"])
        for key in ("clipnorm", "global_clipnorm"):  # one variable: the same clipping
            if key in options:
                g = g * options[key] / max(np.sqrt((g**2).sum()), options[key])
        if "weight_decay" in options:
            w = w - w * options["weight_decay"] * lr
        w = RULES[cls](w, g, state, lr, updates, **kwargs)
        updates += 1
        if options.get("use_ema"):
            m = options["ema_momentum"]
            average = w if average is None else m * average + (1 - m) * w
        out.append(w)
    return out, average


@pytest.mark.parametrize("path", PATHS, indirect=True)
@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_steps_with_common_options_equal_keras_rule(case, option, path):
    cls, kwargs = case
    options, lr = OPTIONS[option], LEARNING_RATE[cls]
    steps = 6 if "gradient_accumulation_steps" in options else STEPS
    opt = cls(learning_rate=lr, **{**kwargs, **options})
    var, got = run_numnet(opt, steps, np.float64)
    want, average = reference_with_options(cls, kwargs, options, lr, steps)
    assert_trajectory(got, want, np.float64)
    if average is not None:
        opt.finalize_variable_values([var])
        np.testing.assert_allclose(var.value, average, rtol=0, atol=1e-12)


def test_options_change_the_trajectory():
    """The option cases above would be vacuous if an option did nothing on these gradients."""
    cls, kwargs, lr = optimizers.Adam, {}, LEARNING_RATE[optimizers.Adam]
    plain = reference_trajectory(cls, kwargs, lambda t: lr, STEPS)[-1]
    for name, options in OPTIONS.items():
        steps = 6 if "gradient_accumulation_steps" in options else STEPS
        want, average = reference_with_options(cls, kwargs, options, lr, steps)
        final = average if average is not None else want[-1]
        assert np.abs(final - plain).max() > 1e-4, name


# ----- Keras 2's arguments: one DeprecationWarning per argument, naming the new spelling -----
@pytest.fixture
def fresh_warnings():
    saved = set(base._warned)
    base._warned.clear()
    yield
    base._warned.clear()
    base._warned.update(saved)


def test_keras2_arguments_warn_once_each_naming_the_new_spelling(fresh_warnings):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        optimizers.SGD(lr=0.1)
        optimizers.SGD(lr=0.2)
        optimizers.RMSprop(lr=0.001, rho=0.9, epsilon=None, decay=0.0)
        optimizers.Adam(lr=0.001, epsilon=None, decay=0.01)
        optimizers.AdamW(epsilon=None)
    deprecations = [w for w in caught if issubclass(w.category, DeprecationWarning)]
    messages = [str(w.message) for w in deprecations]
    assert len(messages) == 3, messages
    by_argument = {m.split("'")[1]: m for m in messages}
    assert sorted(by_argument) == ["decay", "epsilon", "lr"]
    assert "learning_rate=" in by_argument["lr"]
    assert "InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=decay)" in by_argument[
        "decay"
    ]
    assert "epsilon=1e-07" in by_argument["epsilon"]
    # Each warning points at the line that used the old spelling, not into numnet.
    assert {w.filename for w in deprecations} == {__file__}


def test_keras2_warnings_come_back_in_a_new_process_only(fresh_warnings):
    with pytest.warns(DeprecationWarning, match="'lr'"):
        optimizers.Adagrad(lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        optimizers.Adagrad(lr=0.1)  # the second time: no warning (it would raise here)


def test_keras2_decay_equals_inverse_time_decay_schedule():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        old = optimizers.SGD(lr=0.1, decay=0.5, momentum=0.9)
    new = optimizers.SGD(
        learning_rate=optimizers.schedules.InverseTimeDecay(0.1, decay_steps=1, decay_rate=0.5),
        momentum=0.9,
    )
    _, got_old = run_numnet(old, STEPS, np.float64)
    _, got_new = run_numnet(new, STEPS, np.float64)
    assert_trajectory(got_old, got_new, np.float64)


# ----- no allocation on the hot path -----
ALLOCATION_CASES = [
    (optimizers.SGD, {}),
    (optimizers.SGD, {"momentum": 0.9, "nesterov": True}),
    (optimizers.RMSprop, {"centered": True, "momentum": 0.5}),
    (optimizers.Adam, {"amsgrad": True}),
    (optimizers.AdamW, {}),
    (optimizers.Adagrad, {}),
    (optimizers.Adadelta, {}),
    (optimizers.Adamax, {}),
    (optimizers.Nadam, {}),
    (optimizers.Ftrl, {"l2_shrinkage_regularization_strength": 0.1}),
    (optimizers.Ftrl, {"learning_rate_power": -0.3}),
    (optimizers.Lion, {}),
    (
        optimizers.Adam,
        {"clipnorm": 1.0, "weight_decay": 0.01, "use_ema": True, "gradient_accumulation_steps": 2},
    ),
    (optimizers.SGD, {"momentum": 0.5, "clipvalue": 0.1}),
    (optimizers.RMSprop, {"global_clipnorm": 1.0}),
]


@pytest.mark.cpu_only
@pytest.mark.parametrize("path", PATHS, indirect=True)
@pytest.mark.parametrize("case", ALLOCATION_CASES, ids=_case_id)
def test_steps_allocate_no_arrays(case, path):
    """100 steps on a 1e6-parameter variable: an array made per step would show as 4 MB."""
    cls, kwargs = case
    rs = np.random.default_rng(0)
    var = Variable(rs.normal(size=1_000_000).astype(np.float32))
    grad = rs.normal(size=1_000_000).astype(np.float32)  # norm ~1000: clipping happens
    opt = cls(learning_rate=1e-3, **kwargs)
    for _ in range(2):  # slots and scratch arrays are made here, once
        opt.apply([grad], [var])
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        for _ in range(100):
            opt.apply([grad], [var])
        current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # A few KB: Python objects (step numbers, the floats of the kernels' arguments) that stay
    # in the interpreter's free lists; an array of the variable's size would be 4,000,000.
    assert peak - before < 32_768, f"a step allocated {peak - before} bytes"
    assert current - before < 16_384
    assert np.isfinite(var.value).all()


def test_allocation_check_would_see_an_array():
    """The control for the test above: one temporary of the variable's size is seen."""
    w = np.zeros(1_000_000, dtype=np.float32)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        w -= 1e-3 * w
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak - before >= 4_000_000


# ----- state round trips through a model file -----
@pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")
@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_model_file_resumes_every_optimizer_exactly(case, tmp_path):
    cls, kwargs = case
    rs = np.random.default_rng(1)
    x = rs.normal(size=(32, 5)).astype(np.float32)
    y = rs.integers(0, 3, size=32)

    def make():
        numnet.backend.set_random_seed(0)
        model = numnet.Sequential(
            [numnet.layers.Dense(6, activation="tanh", input_shape=(5,)), numnet.layers.Dense(3)]
        )
        model.compile(
            optimizer=cls(learning_rate=LEARNING_RATE[cls] / 10, **kwargs),
            loss=numnet.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        return model

    model = make()
    for _ in range(3):
        model.train_on_batch(x[:16], y[:16])
    model.save(tmp_path / "m.numnet")
    loaded = numnet.models.load_model(tmp_path / "m.numnet")
    assert type(loaded.optimizer) is cls
    assert loaded.optimizer.get_config() == model.optimizer.get_config()
    for step in range(3):
        batch = slice(16, 32) if step % 2 else slice(0, 16)
        assert loaded.train_on_batch(x[batch], y[batch]) == model.train_on_batch(x[batch], y[batch])
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("case", CASES, ids=_case_id)
def test_config_round_trip_of_every_optimizer(case):
    cls, kwargs = case
    opt = cls(learning_rate=LEARNING_RATE[cls], **kwargs)
    again = optimizers.deserialize(optimizers.serialize(opt))
    assert type(again) is cls and again.get_config() == opt.get_config()
    _, got = run_numnet(again, STEPS, np.float64)
    want = reference_trajectory(cls, kwargs, lambda t: LEARNING_RATE[cls], STEPS)
    assert_trajectory(got, want, np.float64)


# ----- equivalences that must hold -----
def test_nesterov_with_zero_momentum_is_plain_sgd():
    _, a = run_numnet(optimizers.SGD(learning_rate=0.1, momentum=0.0, nesterov=True), 5, np.float64)
    _, b = run_numnet(optimizers.SGD(learning_rate=0.1), 5, np.float64)
    assert_trajectory(a, b, np.float64)


def test_adamw_with_zero_decay_is_adam():
    _, a = run_numnet(optimizers.AdamW(learning_rate=0.02, weight_decay=0.0), 5, np.float64)
    _, b = run_numnet(optimizers.Adam(learning_rate=0.02), 5, np.float64)
    assert_trajectory(a, b, np.float64)


def test_nadam_mu_product_follows_iterations():
    """mu_product is recomputed when the step count goes back (a reloaded or reset optimizer)."""
    opt = optimizers.Nadam()
    want = 1.0
    for t in range(1, 30):
        want *= 0.9 * (1 - 0.5 * 0.96**t)
        assert opt.mu_product(t) == pytest.approx(want, rel=1e-14)
    assert opt.mu_product(2) == pytest.approx(0.9 * 0.52 * 0.9 * (1 - 0.5 * 0.96**2), rel=1e-14)


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda: optimizers.AdamW(weight_decay=None), "weight_decay"),
        (lambda: optimizers.Adam(beta_1=1.0), "beta_1"),
        (lambda: optimizers.Lion(beta_1=0.0), "beta_1"),
        (lambda: optimizers.Ftrl(learning_rate_power=0.5), "learning_rate_power"),
        (lambda: optimizers.Ftrl(l1_regularization_strength=-1.0), "l1_regularization_strength"),
        (lambda: optimizers.Adadelta(rho=1.5), "rho"),
        (lambda: optimizers.Adagrad(initial_accumulator_value=-0.1), "initial_accumulator_value"),
        (lambda: optimizers.RMSprop(epsilon=-1.0), "epsilon"),
        (lambda: optimizers.SGD(decay=-0.1), "decay"),
        (lambda: optimizers.SGD(weight_decay=-0.1), "weight_decay"),
    ],
)
def test_bad_arguments_are_refused_by_name(make, argument, fresh_warnings):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(ValueError, match=rf"\({argument}\): expected"):
            make()


def test_adam_step_size_is_computed_in_the_variables_dtype():
    """Keras computes alpha = lr * sqrt(1 - beta_2^t) / (1 - beta_1^t) in the variable's dtype:
    in float32, 1 - 0.999 keeps only the high bits of 0.999, so the first step of a float32
    variable is 2e-3 * (1 - 6.7e-6), not 2e-3 (the float64 value). Keras 3.15 gives
    -0.0019999865908175707 for g = 1 (epsilon 0, so the step is alpha * 0.1 / sqrt(1e-3))."""
    w = Variable(np.zeros(2, np.float32))
    optimizers.Adam(0.002, epsilon=0.0).apply([np.array([1.0, -4.0], np.float32)], [w])
    np.testing.assert_array_equal(w.value, np.float32([-0.0019999865908175707,
                                                       0.0019999865908175707]))
    assert w.value.dtype == np.float32
    w64 = Variable(np.zeros(2, np.float64))
    optimizers.Adam(0.002, epsilon=0.0).apply([np.array([1.0, -4.0])], [w64])
    np.testing.assert_allclose(w64.value, [-0.002, 0.002], rtol=1e-12)


class _MomentumSign(optimizers.Optimizer):
    """Keras 3's way of writing an optimizer: slots made in build, update_step on Variables."""

    def __init__(self, learning_rate=0.1, beta=0.5, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta = beta

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = [self.add_variable_from_reference(v, "momentum") for v in variables]

    def update_step(self, gradient, variable, learning_rate):
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(m, self.beta * m)
        self.assign_add(m, (1 - self.beta) * numnet.ops.cast(gradient, variable.dtype))
        self.assign_sub(variable, numnet.ops.cast(learning_rate, variable.dtype)
                        * numnet.ops.sign(m))

    def get_config(self):
        return {**super().get_config(), "beta": self.beta}


def test_an_optimizer_written_as_keras_updates_variables_through_its_own_slots():
    opt = _MomentumSign(learning_rate=0.1, beta=0.5)
    assert opt.built is False
    a = Variable(np.array([1.0, -1.0], np.float32), name="a")
    b = Variable(np.array([[2.0]], np.float32), name="b")
    # step 1: m_a = 0.5 * [3, -1] = [1.5, -0.5], m_b = [[-1]]; step 2: g_a = [-4, 0] gives
    # m_a = [0.75 - 2, -0.25] = [-1.25, -0.25], and b's gradient is [[0.5]]: m_b = [[-0.25]]
    opt.apply([np.array([3.0, -1.0], np.float32), np.array([[-2.0]], np.float32)], [a, b])
    np.testing.assert_allclose(a.numpy(), [0.9, -0.9], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), [[2.1]], rtol=1e-6)
    opt.apply([np.array([-4.0, 0.0], np.float32), np.array([[0.5]], np.float32)], [a, b])
    np.testing.assert_allclose(opt.momentums[0].numpy(), [-1.25, -0.25], rtol=1e-6)
    np.testing.assert_allclose(opt.momentums[1].numpy(), [[-0.25]], rtol=1e-6)
    np.testing.assert_allclose(a.numpy(), [1.0, -0.8], rtol=1e-6)
    np.testing.assert_allclose(b.numpy(), [[2.2]], rtol=1e-6)
    assert opt.built is True
    assert int(opt.iterations.numpy()) == 2
    assert opt._get_variable_index(b) == 1
    assert opt.momentums[0].name == "a_momentum" and opt.momentums[0].dtype == "float32"
    assert opt.variables[-2:] == opt.momentums  # after iterations
    with pytest.raises(KeyError, match="not one the optimizer was built on"):
        opt._get_variable_index(Variable(np.zeros(1, np.float32), name="other"))


def test_an_optimizer_written_as_keras_trains_a_model_in_fit():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype(np.float32)
    y = x @ np.array([[1.0], [-2.0], [0.5]], np.float32)
    model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(1, use_bias=False)])
    model.set_weights([np.zeros((3, 1), np.float32)])
    model.compile(optimizer=_MomentumSign(learning_rate=0.01, beta=0.0), loss="mse")
    model.fit(x, y, batch_size=64, epochs=3, verbose=0)
    # beta 0: each step moves every weight by 0.01 against the sign of its gradient
    np.testing.assert_allclose(model.get_weights()[0][:, 0], [0.03, -0.03, 0.03], rtol=1e-5)


def test_a_registered_optimizer_of_ones_own_round_trips_through_serialize():
    registered = numnet.saving.register_keras_serializable(package="tests")(
        type("RegisteredSign", (_MomentumSign,), {}))
    config = optimizers.serialize(registered(learning_rate=0.25, beta=0.75))
    assert config["registered_name"] == "tests>RegisteredSign"
    again = optimizers.deserialize(config)
    assert type(again) is registered and again.beta == 0.75
    assert float(again.learning_rate.value) == pytest.approx(0.25)
    plain = {"class_name": "_MomentumSign", "config": {"beta": 0.3}}
    assert optimizers.deserialize(plain, custom_objects={"_MomentumSign": _MomentumSign}).beta \
        == 0.3
    with pytest.raises(ValueError, match="registered with"):
        optimizers.deserialize(plain)


def test_the_variables_of_an_optimizer_written_as_keras_survive_a_numnet_file(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = x[:, :1] - x[:, 1:2]
    model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(2, activation="tanh"),
                               numnet.layers.Dense(1)])
    model.compile(optimizer=_MomentumSign(learning_rate=0.01, beta=0.5), loss="mse")
    model.fit(x, y, batch_size=8, epochs=2, verbose=0)
    model.save(tmp_path / "m.numnet")
    restored = numnet.models.load_model(tmp_path / "m.numnet",
                                        custom_objects={"_MomentumSign": _MomentumSign})
    assert type(restored.optimizer) is _MomentumSign and restored.optimizer.beta == 0.5
    assert int(restored.optimizer.iterations.numpy()) == 8
    assert len(restored.optimizer.momentums) == 4
    for got, want in zip(restored.optimizer.momentums, model.optimizer.momentums, strict=True):
        np.testing.assert_array_equal(got.numpy(), want.numpy())
        assert np.abs(want.numpy()).sum() > 0
    model.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    restored.fit(x, y, batch_size=8, epochs=1, verbose=0, shuffle=False)
    for got, want in zip(restored.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)
