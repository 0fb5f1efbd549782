"""Lamb and Adafactor: several steps against the update rules written out here, and against
Keras's optimizers on the same gradients (skipped without keras)."""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import numnet
from numnet.optimizers import Adafactor, Lamb


def _gradients(shape, steps, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape).astype("float32") for _ in range(steps)]


def _lamb_by_hand(w, grads, lr=0.01, b1=0.9, b2=0.999, eps=1e-7):
    w = w.astype("float64")
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        r = (m / (1 - b1**t)) / (np.sqrt(v / (1 - b2**t)) + eps)
        wn, rn = np.linalg.norm(w), np.linalg.norm(r)
        ratio = wn / rn if wn > 0 and rn > 0 else 1.0
        w = w - lr * ratio * r
    return w


def _rms(x):
    return math.sqrt(float(np.mean(np.square(x))))


def _adafactor_by_hand(w, grads, lr=0.01, decay=-0.8, eps1=1e-30, eps2=1e-3, clip=1.0):
    w = w.astype("float64")
    r = np.zeros(w.shape[:-1]) if w.ndim >= 2 else None
    c = np.zeros(w.shape[:-2] + w.shape[-1:]) if w.ndim >= 2 else None
    v = np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        rho = min(lr, 1 / math.sqrt(t))
        alpha = max(eps2, _rms(w)) * rho
        sq = g.astype("float64") ** 2 + eps1
        beta = 1 - t**decay
        if w.ndim >= 2:
            r = beta * r + (1 - beta) * sq.mean(axis=-1)
            c = beta * c + (1 - beta) * sq.mean(axis=-2)
            v = (r / r.mean(axis=-1, keepdims=True))[..., :, None] * c[..., None, :]
        else:
            v = beta * v + (1 - beta) * sq
        u = g / np.sqrt(v)
        w = w - alpha * u / max(1.0, _rms(u) / clip)
    return w


def _run(optimizer, values, grads_per_step):
    variables = [numnet.Variable(v.copy()) for v in values]
    for grads in grads_per_step:
        optimizer.apply_gradients(zip(grads, variables, strict=True))
    return [v.numpy() for v in variables]


@pytest.mark.parametrize("shape", [(5,), (4, 3), (2, 3, 4)])
def test_lamb_follows_the_rule_for_five_steps(shape):
    w0 = np.random.default_rng(1).normal(size=shape).astype("float32")
    grads = _gradients(shape, 5)
    (got,) = _run(Lamb(learning_rate=0.01), [w0], [[g] for g in grads])
    np.testing.assert_allclose(got, _lamb_by_hand(w0, grads), rtol=2e-5, atol=1e-6)
    assert got.dtype == np.float32


def test_lamb_ratio_is_one_for_zero_weights():
    """||w|| = 0: the step is plain learning_rate * r, r = sign(g) at t = 1 (about)."""
    w = numnet.Variable(np.zeros(3, "float32"))
    Lamb(learning_rate=0.1).apply_gradients([(np.array([1.0, -2.0, 0.5], "float32"), w)])
    np.testing.assert_allclose(w.numpy(), [-0.1, 0.1, -0.1], rtol=1e-5)


@pytest.mark.parametrize("shape", [(6,), (4, 3), (2, 3, 5)])
def test_adafactor_follows_the_rule_for_six_steps(shape):
    w0 = np.random.default_rng(2).normal(size=shape).astype("float32")
    grads = _gradients(shape, 6, seed=3)
    opt = Adafactor(learning_rate=0.05)
    (got,) = _run(opt, [w0], [[g] for g in grads])
    np.testing.assert_allclose(got, _adafactor_by_hand(w0, grads, lr=0.05), rtol=2e-5,
                               atol=1e-6)
    if len(shape) >= 2:  # factored: r and c, not a full second moment, are the state
        slots = next(iter(opt._slots.values()))
        assert slots["r"].shape == shape[:-1] and slots["c"].shape == shape[:-2] + shape[-1:]


def test_several_variables_update_one_by_one_not_as_one_flat_array():
    """The trust ratio and the rms are per variable: two variables stepped together give what
    each gives alone."""
    a0, b0 = np.ones((3, 2), "float32"), np.full(4, 5.0, "float32")
    ga, gb = _gradients((3, 2), 3, 4), _gradients((4,), 3, 5)
    for cls in (Lamb, Adafactor):
        together = _run(cls(learning_rate=0.02), [a0, b0], list(zip(ga, gb, strict=True)))
        (alone_a,) = _run(cls(learning_rate=0.02), [a0], [[g] for g in ga])
        (alone_b,) = _run(cls(learning_rate=0.02), [b0], [[g] for g in gb])
        np.testing.assert_allclose(together[0], alone_a, rtol=1e-6)
        np.testing.assert_allclose(together[1], alone_b, rtol=1e-6)


def test_by_name_config_round_trip_and_fit():
    for name, cls in (("lamb", Lamb), ("adafactor", Adafactor)):
        opt = numnet.optimizers.get(name)
        assert type(opt) is cls
        again = numnet.optimizers.deserialize(numnet.optimizers.serialize(opt))
        assert again.get_config() == opt.get_config()
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = x @ np.array([[1.0], [-2.0], [0.5]], "float32")
    for opt in (Lamb(learning_rate=0.05), Adafactor(learning_rate=0.1)):
        numnet.utils.set_random_seed(0)
        model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(8, activation="relu"),
                                   numnet.layers.Dense(1)])
        model.compile(optimizer=opt, loss="mse")
        history = model.fit(x, y, epochs=15, batch_size=16, verbose=0)
        assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]


def test_adafactor_rejects_bad_epsilon():
    with pytest.raises(ValueError, match="epsilon_2"):
        Adafactor(epsilon_2=0)


@pytest.mark.parametrize("name", ["Lamb", "Adafactor"])
def test_matches_keras_on_the_same_gradients(name):
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    shapes = [(4, 3), (3,)]
    rng = np.random.default_rng(7)
    values = [rng.normal(size=s).astype("float32") for s in shapes]
    steps = [[rng.normal(size=s).astype("float32") for s in shapes] for _ in range(5)]
    kwargs = {"learning_rate": 0.03}
    theirs_opt = getattr(keras.optimizers, name)(**kwargs)
    theirs = [keras.Variable(v.copy()) for v in values]
    for grads in steps:
        theirs_opt.apply_gradients(zip(grads, theirs, strict=True))
    ours = _run(getattr(numnet.optimizers, name)(**kwargs), values, steps)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-5, atol=1e-6)


def _schedule_free_by_hand(w, grads, lr=0.0025, b1=0.9, b2=0.999, eps=1e-8, warmup=0):
    w = w.astype("float64")
    z, v = w.copy(), np.zeros_like(w)
    for t, g in enumerate(grads, start=1):
        lr_t = lr * min(t / warmup, 1.0) if warmup else lr
        x = (w - (1 - b1) * z) / b1
        v = b2 * v + (1 - b2) * g * g
        z = z - lr_t * g / (np.sqrt(v / (1 - b2**t)) + eps)
        x = (1 - 1 / t) * x + z / t
        w = (1 - b1) * z + b1 * x
    return w


@pytest.mark.parametrize("warmup", [0, 3])
def test_schedule_free_adamw_follows_the_rule(warmup):
    from numnet.optimizers import ScheduleFreeAdamW

    shapes = [(4, 3), (3,)]
    rng = np.random.default_rng(11)
    values = [rng.normal(size=s).astype("float32") for s in shapes]
    steps = [[rng.normal(size=s).astype("float32") for s in shapes] for _ in range(6)]
    got = _run(ScheduleFreeAdamW(learning_rate=0.05, warmup_steps=warmup), values, steps)
    for i, value in enumerate(values):
        want = _schedule_free_by_hand(value, [s[i] for s in steps], lr=0.05, warmup=warmup)
        np.testing.assert_allclose(got[i], want, rtol=2e-5, atol=1e-6)
    with pytest.raises(ValueError, match="beta_1"):
        ScheduleFreeAdamW(beta_1=0.0)
    with pytest.raises(ValueError, match="warmup_steps"):
        ScheduleFreeAdamW(warmup_steps=-1)
    assert type(numnet.optimizers.get("schedulefreeadamw")) is ScheduleFreeAdamW


def test_schedule_free_adamw_matches_keras():
    os.environ.setdefault("KERAS_BACKEND", "jax")
    keras = pytest.importorskip("keras")
    shapes = [(4, 3), (3,)]
    rng = np.random.default_rng(12)
    values = [rng.normal(size=s).astype("float32") for s in shapes]
    steps = [[rng.normal(size=s).astype("float32") for s in shapes] for _ in range(5)]
    theirs_opt = keras.optimizers.ScheduleFreeAdamW(learning_rate=0.05, warmup_steps=2)
    theirs = [keras.Variable(v.copy()) for v in values]
    for grads in steps:
        theirs_opt.apply_gradients(zip(grads, theirs, strict=True))
    ours = _run(numnet.optimizers.ScheduleFreeAdamW(learning_rate=0.05, warmup_steps=2), values,
                steps)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, np.asarray(b), rtol=1e-5, atol=1e-6)
