"""numnet.tools.lr_find: the range test's learning rates, smoothing, divergence stop and
suggestions against hand computations; the seed 002 model on MNIST; the model and optimizer
left bit for bit as they were; fit(learning_rate='auto'); the plot."""

from __future__ import annotations

import bisect
import math
import sys

import numpy as np
import pytest

import numnet
from numnet import layers, optimizers
from numnet.tools import lr_find
from numnet.tools.lr_find import smooth, suggest


@pytest.fixture(scope="module")
def mnist():
    (x, y), _ = numnet.datasets.mnist.load_data(bundled=True)
    return x.reshape(-1, 784).astype("float32") / 255, y.astype("int64")


def seed002_model():
    model = numnet.Sequential([layers.Dense(128, activation="relu", input_shape=(784,)),
                               layers.Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def optimizer_state(opt) -> dict:
    """Everything an optimizer carries between steps, copied."""
    return {"slots": {uid: {k: numnet.backend.to_numpy(v).copy() for k, v in slots.items()}
                      for uid, slots in opt._slots.items()},
            "step": opt._step, "iterations": numnet.backend.to_numpy(opt.iterations).copy(),
            "learning_rate": opt._learning_rate, "ema": dict(opt._ema)}


def assert_same_state(before: dict, after: dict) -> None:
    assert after["step"] == before["step"]
    assert after["iterations"].dtype == before["iterations"].dtype
    assert np.array_equal(after["iterations"], before["iterations"])
    assert after["learning_rate"] == before["learning_rate"]
    assert after["slots"].keys() == before["slots"].keys()
    for uid, slots in before["slots"].items():
        assert after["slots"][uid].keys() == slots.keys()
        for name, value in slots.items():
            got = after["slots"][uid][name]
            assert got.dtype == value.dtype and got.shape == value.shape
            assert got.tobytes() == value.tobytes(), (uid, name)


def assert_same_weights(before, after) -> None:
    assert len(before) == len(after)
    for old, new in zip(before, after):
        assert old.dtype == new.dtype and old.tobytes() == new.tobytes()


# ----------------------------------------------------------------------------- the seed 002 model


def test_seed002_adam_suggestion_and_nothing_changed(mnist):
    x, y = mnist
    numnet.utils.set_random_seed(2)
    model = seed002_model()
    model.fit(x[:640], y[:640], epochs=1, batch_size=32, verbose=0)  # slots hold real state
    weights = model.get_weights()
    state = optimizer_state(model.optimizer)
    assert state["step"] == 20 and len(state["slots"]) == 4
    opt = model.optimizer

    result = lr_find(model, x, y)

    assert 1e-4 <= result.suggestion <= 3e-2, result
    assert result.method == "valley" and result.suggestion == result.suggestions["valley"]
    for value in result.suggestions.values():
        assert 1e-7 <= value <= 10
    # The sweep reached rates where Adam blows up this model, and stopped there.
    assert result.diverged and len(result.learning_rates) < 100
    assert result.learning_rates[-1] > 1e-2
    assert model.optimizer is opt
    assert_same_weights(weights, model.get_weights())
    assert_same_state(state, optimizer_state(model.optimizer))


def test_fresh_optimizer_stays_unbuilt(mnist):
    x, y = mnist
    model = seed002_model()
    model.build((None, 784))
    weights = model.get_weights()
    lr_find(model, x[:1000], y[:1000], steps=30, end=1.0)
    assert model.optimizer._slots == {} and model.optimizer._step == 0
    assert int(model.optimizer.iterations.numpy()) == 0
    assert float(model.optimizer.learning_rate) == pytest.approx(0.001)
    assert_same_weights(weights, model.get_weights())


def test_training_after_lr_find_is_the_same_as_without_it(mnist):
    """Weights, optimizer and random generator are restored: a seeded fit does not notice."""
    x, y = mnist[0][:800], mnist[1][:800]

    def run(with_lr_find: bool):
        numnet.utils.set_random_seed(7)
        model = numnet.Sequential([layers.Dense(32, activation="relu", input_shape=(784,)),
                                   layers.Dropout(0.3), layers.Dense(10, activation="softmax")])
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        model.fit(x, y, epochs=1, verbose=0)
        if with_lr_find:
            lr_find(model, x, y, steps=40)
        return model.fit(x, y, epochs=2, verbose=0).history, model.get_weights()

    history_a, weights_a = run(False)
    history_b, weights_b = run(True)
    assert history_a == history_b
    assert_same_weights(weights_a, weights_b)


def test_batch_normalization_statistics_are_restored(mnist):
    x, y = mnist[0][:512], mnist[1][:512]
    model = numnet.Sequential([layers.Dense(16, input_shape=(784,)), layers.BatchNormalization(),
                               layers.Activation("relu"), layers.Dense(10, activation="softmax")])
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=1, verbose=0)
    weights = model.get_weights()
    assert len(weights) == 8  # kernel, bias, gamma, beta, moving mean and variance, kernel, bias
    lr_find(model, x, y, steps=20)
    assert_same_weights(weights, model.get_weights())


# ----------------------------------------------------------------------------- the sweep itself


def test_one_step_per_rate_on_full_batches_matches_plain_gradient_descent():
    """A linear model, full batches and SGD: each loss recomputed by hand with the rate
    start * (end / start) ** (i / (steps - 1))."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 3)).astype("float32")
    y = (x @ np.array([1.5, -2.0, 0.5]) + 0.3).astype("float32")
    model = numnet.Sequential([layers.Dense(1, input_shape=(3,))])
    model.compile(optimizer=optimizers.SGD(), loss="mse")
    w0, b0 = (v.astype(np.float64) for v in model.get_weights())

    result = lr_find(model, x, y, start=1e-4, end=1.0, steps=12, batch_size=64, beta=0.5)

    w, b = w0.copy(), b0.copy()
    losses = []
    for i in range(12):
        lr = 1e-4 * (1.0 / 1e-4) ** (i / 11)
        assert result.learning_rates[i] == pytest.approx(lr, rel=1e-12)
        residual = x.astype(np.float64) @ w + b - y[:, None]
        losses.append(float(np.mean(residual ** 2)))
        grad_w = 2 * x.T.astype(np.float64) @ residual / len(x)
        grad_b = 2 * residual.mean(axis=0)
        w, b = w - lr * grad_w, b - lr * grad_b
    assert len(result.raw_losses) == 12 and not result.diverged
    np.testing.assert_allclose(result.raw_losses, losses, rtol=2e-5)
    # Bias-corrected moving average with beta = 0.5, written out.
    avg, expected = 0.0, []
    for i, loss in enumerate(result.raw_losses):
        avg = 0.5 * avg + 0.5 * loss
        expected.append(avg / (1 - 0.5 ** (i + 1)))
    np.testing.assert_allclose(result.losses, expected, rtol=1e-12)
    np.testing.assert_allclose(smooth(result.raw_losses, 0.5), expected, rtol=1e-12)


def test_stops_when_the_smoothed_loss_passes_four_times_its_minimum():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(256, 4)).astype("float32")
    y = (x.sum(axis=1) > 0).astype("float32")
    model = numnet.Sequential([layers.Dense(8, activation="relu", input_shape=(4,)),
                               layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer=optimizers.SGD(), loss="binary_crossentropy")
    result = lr_find(model, x, y, start=1e-3, end=1e4, steps=200)
    assert result.diverged and len(result.losses) < 200
    curve = result.losses
    last = curve[-1]
    assert not math.isfinite(last) or last > 4 * curve[:-1].min()
    for i in range(1, len(curve) - 1):
        assert curve[i] <= 4 * curve[:i + 1].min()


def longest_decreasing_runs(losses):
    """Length of the longest strictly decreasing subsequence ending at each index, by patience
    sorting on the negated values (a different algorithm from numnet's)."""
    tails, out = [], []
    for value in losses:
        k = bisect.bisect_left(tails, -value)
        out.append(k + 1)
        if k == len(tails):
            tails.append(-value)
        else:
            tails[k] = -value
    # tails-based lengths are the longest ending at each point only for the best chains; check
    # them against a direct O(n^2) count to be sure of the reference itself.
    return out


def test_suggestions_on_a_curve_with_known_answers():
    lrs = 10 ** np.linspace(-6, 0, 61)
    t = np.log10(lrs)
    # Falls like 1 - tanh around log10(lr) = -3 (steepest there), lowest at 1e-1, then rises.
    losses = 2 - np.tanh(2 * (t + 3)) + 3 * np.maximum(t + 1, 0) ** 2
    s = suggest(lrs, losses)
    assert s["steepest"] == pytest.approx(1e-3, rel=1e-9)
    assert s["minimum"] == pytest.approx(lrs[np.argmin(losses)] / 10, rel=1e-12)
    assert lrs[np.argmin(losses)] == pytest.approx(0.1)
    # Valley: the curve decreases from index 0 to the minimum (index 50), so the longest
    # decreasing subsequence has L = 51 points ending at e = 50: index 50 - 51 + 17 + 8 = 24.
    assert s["valley"] == pytest.approx(lrs[24], rel=1e-12)


def test_valley_against_an_independent_longest_decreasing_subsequence():
    rng = np.random.default_rng(3)
    for _ in range(20):
        n = int(rng.integers(10, 80))
        losses = np.cumsum(rng.normal(-0.05, 0.3, size=n)) + 10
        lrs = 10 ** np.linspace(-7, 1, n)
        runs = longest_decreasing_runs(losses)
        # The reference satisfies the defining recurrence, so it is the longest-run table.
        direct = [1 + max([runs[j] for j in range(i) if losses[j] > losses[i]], default=0)
                  for i in range(n)]
        assert runs == direct
        end = int(np.argmax(runs))
        length = runs[end]
        index = max(0, end - length + length // 3 + length // 6)
        # int(L/3) + int(L/3/2) == L//3 + L//6 for every L, the formula in the docstring.
        assert int(length / 3) + int(length / 3 / 2) == length // 3 + length // 6
        assert suggest(lrs, losses)["valley"] == lrs[index]


def test_minimum_rule_and_method_choice(mnist):
    x, y = mnist[0][:1000], mnist[1][:1000]
    model = seed002_model()
    result = lr_find(model, x, y, method="minimum", steps=60)
    finite = np.isfinite(result.losses)
    lowest = result.learning_rates[finite][np.argmin(result.losses[finite])]
    assert result.suggestion == pytest.approx(lowest / 10, rel=1e-12)
    assert result.method == "minimum"
    text = repr(result)
    assert "suggestion=" in text and "minimum" in text


def test_bad_arguments_name_the_argument(mnist):
    x, y = mnist[0][:100], mnist[1][:100]
    model = seed002_model()
    for kwargs, match in [(dict(start=1.0, end=0.1), "start < end"),
                          (dict(start=0.0), r"lr_find\(start\)"),
                          (dict(steps=2), r"lr_find\(steps\)"),
                          (dict(beta=1.0), r"lr_find\(beta\)"),
                          (dict(diverge=1.0), r"lr_find\(diverge\)"),
                          (dict(method="best"), r"lr_find\(method\)")]:
        with pytest.raises(ValueError, match=match):
            lr_find(model, x, y, **kwargs)
    uncompiled = numnet.Sequential([layers.Dense(10, input_shape=(784,))])
    with pytest.raises(ValueError, match="compiled first"):
        lr_find(uncompiled, x, y)
    batches = ((x[i:i + 10], y[i:i + 10]) for i in range(0, 100, 10))
    with pytest.raises(TypeError, match=r"lr_find\(x\): expected arrays"):
        lr_find(model, batches)
    with pytest.raises(ValueError, match="labels? .*outside|label 10"):
        lr_find(model, x, np.full(100, 10))  # the loss's own checks still apply


# ----------------------------------------------------------------------------- fit(learning_rate=)


def test_fit_learning_rate_auto_uses_the_suggestion(mnist, capsys):
    x, y = mnist[0][:1200], mnist[1][:1200]

    def twin():
        numnet.utils.set_random_seed(11)
        return seed002_model()

    model = twin()
    history = model.fit(x, y, epochs=2, verbose=2, learning_rate="auto", validation_split=0.25)
    result = model.lr_find_result
    assert 1e-4 <= result.suggestion <= 3e-2
    assert float(model.optimizer.learning_rate) == pytest.approx(result.suggestion, rel=1e-6)
    assert "lr_find suggests" in capsys.readouterr().out

    # By hand: lr_find on the training part only, set the rate, fit.
    manual = twin()
    by_hand = lr_find(manual, x[:900], y[:900])
    assert by_hand.suggestions == result.suggestions
    manual.optimizer.learning_rate = by_hand.suggestion
    assert manual.fit(x, y, epochs=2, verbose=0, validation_split=0.25).history == \
        history.history


def test_fit_learning_rate_number_and_bad_values(mnist):
    x, y = mnist[0][:64], mnist[1][:64]
    model = seed002_model()
    model.fit(x, y, epochs=1, verbose=0, learning_rate=0.005)
    assert float(model.optimizer.learning_rate) == pytest.approx(0.005)
    for bad in ("fast", -1.0, 0, float("nan"), True):
        with pytest.raises(ValueError, match=r"fit\(learning_rate\): expected 'auto'"):
            model.fit(x, y, epochs=1, verbose=0, learning_rate=bad)
    with pytest.raises(TypeError, match="Did you mean 'learning_rate'"):
        model.fit(x, y, epochs=1, verbose=0, learning_rat="auto")
    batches = ((x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16))
    with pytest.raises(TypeError, match=r"fit\(learning_rate='auto'\): the range test needs"):
        model.fit(batches, epochs=1, verbose=0, learning_rate="auto")


# ----------------------------------------------------------------------------- plots


def test_plot_writes_a_png_with_the_curve(mnist, tmp_path):
    pytest.importorskip("matplotlib", reason="plots need matplotlib (the 'plot' extra)")
    import matplotlib.image

    x, y = mnist[0][:1000], mnist[1][:1000]
    result = lr_find(seed002_model(), x, y, steps=50)
    path = tmp_path / "lr.png"
    fig = result.plot(path)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    assert "learning rate" in ax.get_xlabel() and ax.get_ylabel() == "loss"
    smoothed = [line for line in ax.get_lines() if line.get_label() == "smoothed loss"][0]
    np.testing.assert_array_equal(smoothed.get_xdata(), result.learning_rates)
    labels = [line.get_label() for line in ax.get_lines()]
    assert any("(suggestion)" in label and label.startswith("valley") for label in labels)
    image = matplotlib.image.imread(path)
    assert image.shape == (450, 700, 4)
    assert image[..., :3].std() > 0.05 and len(np.unique(image.reshape(-1, 4), axis=0)) > 50


def test_plot_without_matplotlib_says_how_to_install_it(mnist, monkeypatch):
    x, y = mnist[0][:200], mnist[1][:200]
    result = lr_find(seed002_model(), x, y, steps=20, end=1.0)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r"pip install 'numnet\[plot\]'"):
        result.plot()
    chart = result.text_chart()
    assert "learning rate (log scale)" in chart and "suggestion=" in chart
    assert chart.count("\n") >= 16
