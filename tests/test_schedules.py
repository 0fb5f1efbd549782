"""Learning-rate schedules: their formulas, written out here, and how fit follows them.

Each schedule is checked at steps 0, 1, 10 and 1000 (and some in between) against its formula
from Keras 3's ``learning_rate_schedule.py`` (fastai's ``fit_one_cycle`` for OneCycle); then a
model trained with ``fit`` is checked to take each step with the rate the schedule gives at the
optimizer's iteration count, and to follow a rate changed by a callback from the next step on.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest

import numnet
from numnet import callbacks, optimizers
from numnet.optimizers import schedules

STEPS = [0, 1, 2, 5, 10, 99, 100, 101, 250, 1000]
pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")


# ----- each schedule against its formula -----
def exponential(step, initial, decay_steps, rate, staircase=False):
    p = step / decay_steps
    return initial * rate ** (math.floor(p) if staircase else p)


def inverse_time(step, initial, decay_steps, rate, staircase=False):
    p = step / decay_steps
    return initial / (1 + rate * (math.floor(p) if staircase else p))


def piecewise(step, boundaries, values):
    if step <= boundaries[0]:
        return values[0]
    for low, high, value in zip(boundaries[:-1], boundaries[1:], values[1:-1]):
        if low < step <= high:
            return value
    return values[-1]


def polynomial(step, initial, decay_steps, end=0.0001, power=1.0, cycle=False):
    if cycle:
        decay_steps = decay_steps * (1 if step == 0 else math.ceil(step / decay_steps))
    else:
        step = min(step, decay_steps)
    return (initial - end) * (1 - step / decay_steps) ** power + end


def cosine(step, initial, decay_steps, alpha=0.0, warmup_target=None, warmup_steps=0):
    def decay(s, start):
        return start * ((1 - alpha) * 0.5 * (1 + math.cos(math.pi * s / decay_steps)) + alpha)

    if warmup_target is None:
        return decay(min(step, decay_steps), initial)
    step = min(step, decay_steps + warmup_steps)
    if step < warmup_steps:
        return (warmup_target - initial) * step / warmup_steps + initial
    return decay(step - warmup_steps, warmup_target)


def cosine_restarts(step, initial, first_decay_steps, t_mul=2.0, m_mul=1.0, alpha=0.0):
    # Walk the periods one by one: period i lasts first_decay_steps * t_mul^i steps.
    start, length, i = 0.0, float(first_decay_steps), 0
    while step >= start + length:
        start, length, i = start + length, length * t_mul, i + 1
    fraction = (step - start) / length
    cosine_decayed = 0.5 * m_mul**i * (1 + math.cos(math.pi * fraction))
    return initial * ((1 - alpha) * cosine_decayed + alpha)


def one_cycle(step, total, lr_max, pct_start=0.25, div=25.0, div_final=1e5):
    # fastai: combined_cos(pct_start, lr_max / div, lr_max, lr_max / div_final) at
    # pos = step / total, each phase SchedCos(a, b)(p) = a + (1 + cos(pi * (1 - p))) * (b - a) / 2
    def sched_cos(a, b, p):
        return a + (1 + math.cos(math.pi * (1 - p))) * (b - a) / 2

    pos = step / total
    if pos >= 1:
        return lr_max / div_final
    if pos < pct_start:
        return sched_cos(lr_max / div, lr_max, pos / pct_start)
    return sched_cos(lr_max, lr_max / div_final, (pos - pct_start) / (1 - pct_start))


CASES = {
    "exponential": (
        schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5),
        lambda s: exponential(s, 0.1, 10, 0.5),
    ),
    "exponential-staircase": (
        schedules.ExponentialDecay(0.1, decay_steps=7, decay_rate=0.9, staircase=True),
        lambda s: exponential(s, 0.1, 7, 0.9, staircase=True),
    ),
    "inverse-time": (
        schedules.InverseTimeDecay(0.2, decay_steps=5, decay_rate=0.3),
        lambda s: inverse_time(s, 0.2, 5, 0.3),
    ),
    "inverse-time-staircase": (
        schedules.InverseTimeDecay(0.2, decay_steps=5, decay_rate=0.3, staircase=True),
        lambda s: inverse_time(s, 0.2, 5, 0.3, staircase=True),
    ),
    "piecewise": (
        schedules.PiecewiseConstantDecay([1, 10, 100], [0.4, 0.3, 0.2, 0.1]),
        lambda s: piecewise(s, [1, 10, 100], [0.4, 0.3, 0.2, 0.1]),
    ),
    "polynomial": (
        schedules.PolynomialDecay(0.1, decay_steps=100),
        lambda s: polynomial(s, 0.1, 100),
    ),
    "polynomial-sqrt-cycle": (
        schedules.PolynomialDecay(0.1, 30, end_learning_rate=0.01, power=0.5, cycle=True),
        lambda s: polynomial(s, 0.1, 30, end=0.01, power=0.5, cycle=True),
    ),
    "cosine": (
        schedules.CosineDecay(0.1, decay_steps=100),
        lambda s: cosine(s, 0.1, 100),
    ),
    "cosine-alpha-warmup": (
        schedules.CosineDecay(0.0, 200, alpha=0.1, warmup_target=0.5, warmup_steps=20),
        lambda s: cosine(s, 0.0, 200, alpha=0.1, warmup_target=0.5, warmup_steps=20),
    ),
    "cosine-restarts": (
        schedules.CosineDecayRestarts(0.1, first_decay_steps=10),
        lambda s: cosine_restarts(s, 0.1, 10),
    ),
    "cosine-restarts-constant-period": (
        schedules.CosineDecayRestarts(0.1, 10, t_mul=1.0, m_mul=0.8, alpha=0.05),
        lambda s: cosine_restarts(s, 0.1, 10, t_mul=1.0, m_mul=0.8, alpha=0.05),
    ),
    "cosine-restarts-t3": (
        schedules.CosineDecayRestarts(0.3, 4, t_mul=3.0, m_mul=0.5, alpha=0.1),
        lambda s: cosine_restarts(s, 0.3, 4, t_mul=3.0, m_mul=0.5, alpha=0.1),
    ),
    "one-cycle": (
        schedules.OneCycle(0.01, total_steps=400),
        lambda s: one_cycle(s, 400, 0.01),
    ),
    "one-cycle-options": (
        schedules.OneCycle(0.1, 150, pct_start=0.4, div=10.0, div_final=1e3),
        lambda s: one_cycle(s, 150, 0.1, pct_start=0.4, div=10.0, div_final=1e3),
    ),
}


@pytest.mark.parametrize("name", list(CASES))
def test_schedule_follows_its_formula(name):
    schedule, formula = CASES[name]
    values = [schedule(step) for step in STEPS]
    for step, value in zip(STEPS, values, strict=True):
        assert isinstance(value, float)
        assert value == pytest.approx(formula(step), rel=1e-12, abs=1e-15), f"step {step}"
    assert len(set(values)) > 2  # the schedule moves over these steps


def test_schedule_landmarks():
    """A few values that need no formula."""
    assert CASES["cosine"][0](0) == pytest.approx(0.1) and CASES["cosine"][0](100) == 0.0
    warm = CASES["cosine-alpha-warmup"][0]
    assert warm(0) == 0.0 and warm(10) == pytest.approx(0.25) and warm(20) == pytest.approx(0.5)
    assert warm(220) == pytest.approx(0.05) and warm(10**6) == pytest.approx(0.05)
    restarts = CASES["cosine-restarts"][0]
    assert restarts(10) == pytest.approx(0.1) and restarts(30) == pytest.approx(0.1)  # restarts
    assert restarts(5) == pytest.approx(0.05) and restarts(20) == pytest.approx(0.05)
    cycle = CASES["one-cycle"][0]
    assert cycle(0) == pytest.approx(0.01 / 25) and cycle(100) == pytest.approx(0.01)
    assert cycle(400) == pytest.approx(0.01 / 1e5) and cycle(1000) == pytest.approx(1e-7)
    assert max(cycle(s) for s in range(400)) == pytest.approx(0.01)
    poly = CASES["polynomial"][0]
    assert poly(50) == pytest.approx((0.1 - 0.0001) / 2 + 0.0001) and poly(1000) == 0.0001
    piece = CASES["piecewise"][0]
    assert [piece(s) for s in (0, 1, 2, 10, 11, 100, 101)] == [0.4, 0.4, 0.3, 0.3, 0.2, 0.2, 0.1]


def test_one_cycle_momentum_goes_the_other_way():
    cycle = schedules.OneCycle(0.01, total_steps=100, moms=(0.95, 0.85, 0.95))
    for step in (0, 1, 10, 25, 50, 99, 100, 1000):
        assert cycle.momentum(step) == pytest.approx(
            one_cycle_momentum(step, 100, (0.95, 0.85, 0.95)), rel=1e-12
        )
    assert cycle.momentum(0) == pytest.approx(0.95) and cycle.momentum(25) == pytest.approx(0.85)


def one_cycle_momentum(step, total, moms, pct_start=0.25):
    def sched_cos(a, b, p):
        return a + (1 + math.cos(math.pi * (1 - p))) * (b - a) / 2

    pos = step / total
    if pos >= 1:
        return moms[2]
    if pos < pct_start:
        return sched_cos(moms[0], moms[1], pos / pct_start)
    return sched_cos(moms[1], moms[2], (pos - pct_start) / (1 - pct_start))


@pytest.mark.parametrize("name", list(CASES))
def test_schedule_config_round_trips(name):
    schedule, _ = CASES[name]
    again = schedules.deserialize(schedules.serialize(schedule))
    assert type(again) is type(schedule) and again.get_config() == schedule.get_config()
    assert [again(s) for s in STEPS] == [schedule(s) for s in STEPS]


def test_schedules_match_keras():
    """A second implementation: Keras 3's own schedules, where Keras is installed."""
    os.environ.setdefault("KERAS_BACKEND", "jax")
    pytest.importorskip("jax", reason="comparing with Keras's schedules runs Keras on JAX")
    keras = pytest.importorskip("keras", reason="comparing with Keras's schedules needs keras")
    ks = keras.optimizers.schedules
    pairs = [
        (CASES["piecewise"][0], ks.PiecewiseConstantDecay([1, 10, 100], [0.4, 0.3, 0.2, 0.1])),
        (CASES["polynomial-sqrt-cycle"][0], ks.PolynomialDecay(0.1, 30, 0.01, 0.5, cycle=True)),
        (CASES["cosine-alpha-warmup"][0],
         ks.CosineDecay(0.0, 200, alpha=0.1, warmup_target=0.5, warmup_steps=20)),
        (CASES["cosine-restarts-t3"][0], ks.CosineDecayRestarts(0.3, 4, 3.0, 0.5, 0.1)),
        (CASES["exponential-staircase"][0], ks.ExponentialDecay(0.1, 7, 0.9, staircase=True)),
    ]
    for ours, theirs in pairs:
        for step in STEPS:
            assert ours(step) == pytest.approx(float(theirs(step)), rel=1e-5, abs=1e-7), (
                type(ours).__name__,
                step,
            )


@pytest.mark.parametrize(
    "make, argument",
    [
        (lambda: schedules.ExponentialDecay(0.1, 0, 0.5), "decay_steps"),
        (lambda: schedules.PolynomialDecay(0.1, -3), "decay_steps"),
        (lambda: schedules.CosineDecay(0.1, 0), "decay_steps"),
        (lambda: schedules.CosineDecay(0.1, 10, warmup_steps=-1), "warmup_steps"),
        (lambda: schedules.CosineDecayRestarts(0.1, 0), "first_decay_steps"),
        (lambda: schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2]), "boundaries, values"),
        (lambda: schedules.PiecewiseConstantDecay([5, 2], [0.1, 0.2, 0.3]), "boundaries"),
        (lambda: schedules.OneCycle(0.1, 0), "total_steps"),
        (lambda: schedules.OneCycle(0.1, 10, pct_start=1.5), "pct_start"),
        (lambda: schedules.OneCycle(0.1, 10, moms=(0.9, 0.8)), "moms"),
    ],
)
def test_bad_schedule_arguments_are_refused_by_name(make, argument):
    with pytest.raises(ValueError, match=rf"\({argument}\)"):
        make()


# ----- fit follows the schedule, step by step -----
def linear_problem():
    rs = np.random.default_rng(0)
    x = rs.normal(size=(24, 3)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5]]) + 0.3).astype(np.float32)
    numnet.backend.set_random_seed(0)
    model = numnet.Sequential([numnet.layers.Dense(1, input_shape=(3,))])
    model.build((None, 3))
    return model, x, y


def gradient_descent(kernel, bias, x, y, rates, batch_size):
    """Full-batch or mini-batch gradient descent on the mean squared error, by hand:
    d/dW mean((xW + b - y)^2) = 2 x^T (xW + b - y) / n, d/db = 2 mean(xW + b - y)."""
    kernel, bias = kernel.astype(np.float64), bias.astype(np.float64)
    step = 0
    for rate_of_epoch in rates:
        for start in range(0, len(x), batch_size):
            xb, yb = x[start : start + batch_size], y[start : start + batch_size]
            residual = xb @ kernel + bias - yb
            lr = rate_of_epoch(step)
            kernel = kernel - lr * 2 * xb.T @ residual / len(xb)
            bias = bias - lr * 2 * residual.mean(axis=0)
            step += 1
    return kernel, bias


class Recorder(callbacks.Callback):
    """Before each training batch: the optimizer's iterations and learning rate."""

    def __init__(self):
        super().__init__()
        self.seen = []

    def on_train_batch_begin(self, batch, logs=None):
        opt = self.model.optimizer
        self.seen.append((int(opt.iterations), float(opt.learning_rate.value)))


def test_fit_follows_a_schedule_passed_as_learning_rate():
    model, x, y = linear_problem()
    kernel, bias = model.get_weights()
    schedule = schedules.PiecewiseConstantDecay([3, 7], [0.1, 0.05, 0.01])
    model.compile(optimizer=optimizers.SGD(learning_rate=schedule), loss="mse")
    recorder = Recorder()
    model.fit(x, y, epochs=3, batch_size=6, shuffle=False, verbose=0, callbacks=[recorder])
    assert [i for i, _ in recorder.seen] == list(range(12))
    for iterations, rate in recorder.seen:
        assert rate == pytest.approx(schedule(iterations), rel=1e-6)
    assert int(model.optimizer.iterations) == 12
    want = gradient_descent(kernel, bias, x, y, [schedule] * 3, batch_size=6)
    for got, ref in zip(model.get_weights(), want, strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)


def test_a_rate_set_by_a_callback_takes_effect_on_the_next_step():
    """LearningRateScheduler sets the rate before each epoch; the epoch's steps use it."""
    model, x, y = linear_problem()
    kernel, bias = model.get_weights()
    rates = [0.1, 0.02, 0.3]
    model.compile(optimizer=optimizers.SGD(learning_rate=0.5), loss="mse")
    recorder = Recorder()
    model.fit(
        x,
        y,
        epochs=3,
        batch_size=len(x),  # full batch: one step per epoch
        verbose=0,
        callbacks=[callbacks.LearningRateScheduler(lambda epoch: rates[epoch]), recorder],
    )
    assert recorder.seen == [(0, pytest.approx(0.1)), (1, pytest.approx(0.02)),
                             (2, pytest.approx(0.3))]
    want = gradient_descent(kernel, bias, x, y, [lambda s, r=r: r for r in rates], len(x))
    for got, ref in zip(model.get_weights(), want, strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)
    # The control: at a constant 0.5 the weights would be elsewhere.
    other = gradient_descent(kernel, bias, x, y, [lambda s: 0.5] * 3, len(x))
    assert np.abs(other[0] - want[0]).max() > 1e-2


def test_a_rate_assigned_mid_epoch_takes_effect_on_the_next_batch():
    model, x, y = linear_problem()
    kernel, bias = model.get_weights()
    model.compile(optimizer=optimizers.SGD(learning_rate=0.1), loss="mse")

    def halve_after_second(batch, logs=None):
        if batch == 1:
            model.optimizer.learning_rate.assign(0.05)

    model.fit(
        x,
        y,
        epochs=1,
        batch_size=6,
        shuffle=False,
        verbose=0,
        callbacks=[callbacks.LambdaCallback(on_train_batch_end=halve_after_second)],
    )
    want = gradient_descent(kernel, bias, x, y, [lambda s: 0.1 if s < 2 else 0.05], 6)
    for got, ref in zip(model.get_weights(), want, strict=True):
        np.testing.assert_allclose(got, ref, rtol=1e-5, atol=1e-6)


def test_one_cycle_in_fit_sets_rate_and_momentum_each_step():
    model, x, y = linear_problem()
    epochs, batch_size = 4, 8
    total = epochs * math.ceil(len(x) / batch_size)
    cycle = schedules.OneCycle(0.05, total_steps=total)
    opt = optimizers.Adam(learning_rate=cycle)
    model.compile(optimizer=opt, loss="mse")
    seen = []

    def record(batch, logs=None):
        seen.append((int(opt.iterations), float(opt.learning_rate.value), opt.beta_1))

    model.fit(
        x,
        y,
        epochs=epochs,
        batch_size=batch_size,
        verbose=0,
        callbacks=[
            cycle.momentum_callback(),
            callbacks.LambdaCallback(on_train_batch_begin=record),
        ],
    )
    assert [s[0] for s in seen] == list(range(total))
    for step, rate, beta_1 in seen:
        assert rate == pytest.approx(one_cycle(step, total, 0.05), rel=1e-6)
        assert beta_1 == pytest.approx(one_cycle_momentum(step, total, (0.95, 0.85, 0.95)))
    assert min(s[2] for s in seen) < 0.86 and max(s[1] for s in seen) > 0.049


def test_one_cycle_momentum_callback_needs_momentum():
    model, x, y = linear_problem()
    cycle = schedules.OneCycle(0.05, total_steps=3)
    model.compile(optimizer=optimizers.SGD(learning_rate=cycle), loss="mse")
    with pytest.raises(ValueError, match="momentum=0.95"):
        model.fit(x, y, epochs=1, batch_size=8, verbose=0, callbacks=[cycle.momentum_callback()])


def test_schedule_survives_save_and_load(tmp_path):
    model, x, y = linear_problem()
    cycle = schedules.OneCycle(0.05, total_steps=30, pct_start=0.3)
    model.compile(optimizer=optimizers.SGD(learning_rate=cycle, momentum=0.9), loss="mse")
    model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    model.save(tmp_path / "m.numnet")
    loaded = numnet.models.load_model(tmp_path / "m.numnet")
    assert isinstance(loaded.optimizer._learning_rate, schedules.OneCycle)
    assert loaded.optimizer._learning_rate.get_config() == cycle.get_config()
    assert float(loaded.optimizer.learning_rate.value) == pytest.approx(cycle(6), rel=1e-6)
    model.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    loaded.fit(x, y, epochs=1, batch_size=8, verbose=0, shuffle=False)
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
