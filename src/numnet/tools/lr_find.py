"""The learning-rate range test: train briefly while the learning rate grows, read the curve.

One mini-batch step per learning rate, the rates spaced evenly on a log scale::

    lr_i = start * (end / start) ** (i / (steps - 1)),   i = 0 .. steps - 1

The batch losses are smoothed by a bias-corrected exponential moving average::

    avg_i = beta * avg_{i-1} + (1 - beta) * loss_i,   smooth_i = avg_i / (1 - beta ** (i + 1))

and the sweep stops once the loss diverges: ``smooth_i > diverge * min(smooth_0..i)`` or a
non-finite batch loss. Three suggestions are read from the smoothed curve:

- ``'steepest'``: the rate where the loss falls fastest, argmin of d smooth / d log10(lr)
  between the first tenth of the sweep and the lowest loss;
- ``'minimum'``: the rate of the lowest loss divided by 10 (the loss is lowest just before it
  turns up, which is too late to train at);
- ``'valley'``: half-way into the longest valley of the curve: with L the length of the longest
  decreasing subsequence of the smoothed losses and e the index where it ends, the valley is
  indices e - L .. e and the suggestion index e - L + floor(L / 3) + floor(L / 6); robust to a
  noisy curve, it is the default.

``suggestion`` is the ``method`` one ('valley' by default). The model is left exactly as it was:
its weights (all of them, BatchNormalization statistics included) are copied back in place, the
sweep trains a copy of the optimizer (so the optimizer's slots, iterations and learning rate are
never touched), and the random generator's state is restored, so that a seeded ``fit`` after
``lr_find`` follows the same trajectory as without it.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

import numpy as np

from .. import backend


@dataclass
class LRFinderResult:
    """What ``lr_find`` measured and what it suggests.

    ``learning_rates``, ``losses`` (smoothed) and ``raw_losses`` have one entry per step taken;
    ``suggestions`` maps 'steepest', 'minimum' and 'valley' to a learning rate; ``suggestion`` is
    the one of ``method``; ``diverged`` says whether the sweep stopped on a diverging loss.

    Args:
        learning_rates: the rate of each step taken.
        losses: the smoothed loss of each step.
        raw_losses: the batch loss of each step.
        suggestions: 'steepest', 'minimum' and 'valley' -> a learning rate.
        method: which suggestion ``suggestion`` gives.
        diverged: whether the sweep stopped on a diverging loss.
        optimizer: the optimizer's class name.
        steps_planned: the number of steps asked for. Defaults to ``0``.
        extra: other facts of the run. Empty by default.
    """

    learning_rates: np.ndarray
    losses: np.ndarray
    raw_losses: np.ndarray
    suggestions: dict
    method: str
    diverged: bool
    optimizer: str
    steps_planned: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def suggestion(self) -> float:
        """The suggested learning rate (``suggestions[method]``)."""
        return self.suggestions[self.method]

    def __repr__(self) -> str:
        tried = f"{self.learning_rates[0]:.3g}..{self.learning_rates[-1]:.3g}"
        return (f"<LRFinderResult {self.optimizer}: suggestion={self.suggestion:.3g} "
                f"({self.method}; steepest={self.suggestions['steepest']:.3g}, "
                f"minimum/10={self.suggestions['minimum']:.3g}, "
                f"valley={self.suggestions['valley']:.3g}); {len(self.learning_rates)} of "
                f"{self.steps_planned} steps over {tried}"
                f"{', stopped on divergence' if self.diverged else ''}>")

    def text_chart(self, width: int = 64, height: int = 16) -> str:
        """The smoothed loss against the learning rate as a text chart, with the suggestion."""
        from .plots import text_chart

        return text_chart({"smoothed loss": (self.learning_rates, self.losses)}, log_x=True,
                          width=width, height=height, x_label="learning rate",
                          y_label="loss (smoothed)", marks={"suggestion": self.suggestion})

    def plot(self, path=None, ax=None) -> Figure:
        """Plot the smoothed (and raw) loss against the learning rate on a log axis, with the
        three suggestions marked. Returns the matplotlib Figure; with ``path`` it is also written
        to that file (PNG by default). Needs matplotlib (``pip install 'numnet[plot]'``)."""
        from .plots import new_figure, save_figure

        if ax is None:
            fig, axes = new_figure("LRFinderResult.plot()")
            ax = axes[0, 0]
        else:
            fig = ax.figure
        ax.plot(self.learning_rates, self.raw_losses, color="0.75", linewidth=0.8,
                label="batch loss")
        ax.plot(self.learning_rates, self.losses, color="C0", linewidth=2, label="smoothed loss")
        styles = {"steepest": ("C1", "v"), "minimum": ("C2", "s"), "valley": ("C3", "o")}
        for name, lr in self.suggestions.items():
            i = int(np.argmin(np.abs(np.log(self.learning_rates) - math.log(lr))))
            color, marker = styles[name]
            chosen = " (suggestion)" if name == self.method else ""
            label = "minimum / 10" if name == "minimum" else name
            ax.plot([lr], [self.losses[i]], marker=marker, color=color, markersize=9,
                    linestyle="none", label=f"{label}: {lr:.2g}{chosen}")
        ax.set_xscale("log")
        ax.set_xlabel("learning rate (log scale)")
        ax.set_ylabel("loss")
        finite = self.losses[np.isfinite(self.losses)]
        if finite.size:
            low, high = float(finite.min()), float(finite[0])
            top = max(high, low) * 1.3 if max(high, low) > 0 else max(high, low) + 1
            ax.set_ylim(min(low, float(np.nanmin(self.raw_losses))) * 0.9, top)
        ax.set_title(f"Learning-rate range test ({self.optimizer})")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(loc="best", fontsize="small")
        if path is not None:
            save_figure(fig, path)
        return fig


def _check_args(start, end, steps, beta, diverge, method):
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, bool) or not isinstance(value, (int, float, np.floating)) or \
                not math.isfinite(value) or value <= 0:
            raise ValueError(f"lr_find({name}): expected a positive learning rate, given "
                             f"{value!r}.")
    if not start < end:
        raise ValueError(f"lr_find(start, end): expected start < end, given start={start:g}, "
                         f"end={end:g}; e.g. start=1e-7, end=10.")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 5:
        raise ValueError(f"lr_find(steps): expected an integer >= 5, given {steps!r}.")
    if not 0 <= beta < 1:
        raise ValueError(f"lr_find(beta): expected a smoothing factor in [0, 1), given {beta!r}.")
    if not diverge > 1:
        raise ValueError(f"lr_find(diverge): expected a factor > 1 (4 by default), given "
                         f"{diverge!r}.")
    if method not in ("steepest", "minimum", "valley"):
        raise ValueError(f"lr_find(method): expected 'valley', 'steepest' or 'minimum', given "
                         f"{method!r}.")


def smooth(losses, beta: float) -> np.ndarray:
    """The bias-corrected exponential moving average of ``losses`` (see the module docstring)."""
    out = np.empty(len(losses))
    avg = 0.0
    for i, loss in enumerate(losses):
        avg = beta * avg + (1 - beta) * float(loss)
        out[i] = avg / (1 - beta ** (i + 1))
    return out


def suggest(learning_rates, losses) -> dict:
    """The three suggestions (steepest, minimum / 10, valley) from a smoothed curve."""
    lrs = np.asarray(learning_rates, dtype=float)
    losses = np.asarray(losses, dtype=float)
    n = len(losses)
    if n < 3:
        raise ValueError(f"lr_find: the loss diverged after {n} steps, too few to suggest a "
                         "learning rate; lower start (e.g. start=1e-8) or raise steps.")
    # Steepest descent on the way down to the minimum, past the first tenth of the sweep (where
    # the average rests on a few batches and its slope is mostly noise).
    lowest = int(np.argmin(losses))
    slopes = np.gradient(losses, np.log10(lrs))
    skip = min(n // 10, lowest)
    steepest = lrs[skip + int(np.argmin(slopes[skip:lowest + 1]))]
    minimum = lrs[int(np.argmin(losses))] / 10
    # run[i]: length of the longest decreasing subsequence of the curve ending at i. The valley
    # is the `run` points before the end of the longest one; the suggestion sits half-way in.
    run = np.ones(n, dtype=int)
    for i in range(1, n):
        lower = losses[:i] > losses[i]
        if lower.any():
            run[i] = run[:i][lower].max() + 1
    end = int(np.argmax(run))
    begin = end - int(run[end])
    third = (end - begin) / 3
    valley = lrs[max(0, begin + int(third) + int(third / 2))]
    return {"steepest": float(steepest), "minimum": float(minimum), "valley": float(valley)}


def lr_find(model, x, y=None, start: float = 1e-7, end: float = 10.0, steps: int = 100,
            batch_size: int = 32, beta: float = 0.9, diverge: float = 4.0,
            method: str = "valley", sample_weight=None, verbose: int = 0) -> LRFinderResult:
    """Run the learning-rate range test on a compiled ``model`` and return an LRFinderResult.

    ``steps`` mini-batches of ``batch_size`` (reshuffled each pass over the data; of more rows
    than steps * batch_size, that many are drawn at random) are trained with the learning
    rate rising from ``start`` to ``end`` (defaults 1e-7 and 10, 100 steps);
    ``beta`` (0.9) smooths the loss, ``diverge`` (4) stops the sweep when the smoothed loss
    exceeds that many times its minimum. ``method`` picks ``.suggestion``: 'valley' (default),
    'steepest' or 'minimum' (the lowest loss's rate / 10). The model's weights, its optimizer
    and the random generator are left exactly as they were. Example::

        result = numnet.tools.lr_find(model, x_train, y_train)
        model.optimizer.learning_rate = result.suggestion
        result.plot("lr_find.png")

    Args:
        model: a compiled model; it is left exactly as it was.
        x: the training inputs.
        y: the training targets. Defaults to ``None``.
        start: the first learning rate. Defaults to ``1e-07``.
        end: the last learning rate. Defaults to ``10.0``.
        steps: the number of mini-batch steps (and learning rates). Defaults to ``100``.
        batch_size: the batch size. Defaults to ``32``.
        beta: the smoothing of the loss curve (an exponential moving average), in [0, 1). Defaults
            to ``0.9``.
        diverge: stop when the smoothed loss exceeds this many times its minimum. Defaults to
            ``4.0``.
        method: which suggestion ``suggestion`` holds: 'valley', 'steepest' or 'minimum' (the lowest
            loss's rate / 10). Defaults to ``'valley'``.
        sample_weight: sample weights, or None. Defaults to ``None``.
        verbose: 0 (silent) or 1 (a progress line). Defaults to ``0``.

    Returns:
        An LRFinderResult: ``.suggestion``, ``.suggestions``, ``.plot()``, ``.text_chart()``.

    Raises:
        ValueError: for a model that is not compiled, or arguments out of range.
    """
    _check_args(start, end, steps, beta, diverge, method)
    if not getattr(model, "compiled", False) or model.optimizer is None:
        raise ValueError("lr_find(model): the model must be compiled first, e.g. "
                         "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy').")
    if model._loss_obj is None:
        raise ValueError("lr_find(model): compile() was given no loss; pass loss=... .")
    batch_size = int(batch_size)
    if batch_size < 1:
        raise ValueError(f"lr_find(batch_size): expected a positive integer, given {batch_size}.")
    rng = backend.rng()
    rng_state = rng.bit_generator.state
    try:
        return _sweep(model, x, y, sample_weight, start, end, steps, batch_size, beta, diverge,
                      method, verbose, rng)
    finally:
        rng.bit_generator.state = rng_state


def _rows(a, idx):
    """Rows ``idx`` of an array, list or DataFrame (a memory-mapped array reads only those)."""
    if a is None:
        return None
    if hasattr(a, "to_numpy") and not isinstance(a, np.ndarray):
        a = a.to_numpy()
    return (a if isinstance(a, np.ndarray) else np.asarray(a))[idx]


def _sweep(model, x, y, sample_weight, start, end, steps, batch_size, beta, diverge, method,
           verbose, rng) -> LRFinderResult:
    if not _array_like(x):
        raise TypeError(f"lr_find(x): expected arrays (NumPy, lists or pandas), given "
                        f"{type(x).__name__}; for a generator or PyDataset run lr_find on a "
                        "sample of it held in memory.")
    n = len(x)
    if n > steps * batch_size:  # the sweep sees at most this many rows: check only those
        idx = np.sort(rng.choice(n, steps * batch_size, replace=False))
        x, y, sample_weight = _rows(x, idx), _rows(y, idx), _rows(sample_weight, idx)
    x, y, sample_weight = model._prepare(x, y, sample_weight, "lr_find")
    n = len(x)

    original_optimizer = model.optimizer
    sweep_optimizer = copy.deepcopy(original_optimizer)
    # The sweep sets the rate itself: no Keras 2 decay, no accumulation, no moving average.
    sweep_optimizer.decay = 0.0
    sweep_optimizer.gradient_accumulation_steps = None
    sweep_optimizer.use_ema = False
    weights = [(w, backend.xp.array(w.value, copy=True)) for w in model.weights]
    grads = [(w, w.grad) for w in model.trainable_weights]
    metrics = model._metrics
    stop_training = model.stop_training

    rates = start * (end / start) ** (np.arange(steps) / (steps - 1))
    raw, smoothed = [], []
    diverged = False
    try:
        model.optimizer = sweep_optimizer
        model._metrics = []
        order = rng.permutation(n)
        pos = 0
        avg, best = 0.0, math.inf
        for i, lr in enumerate(rates):
            if pos >= n:
                order, pos = rng.permutation(n), 0
            idx = order[pos:pos + batch_size]
            pos += batch_size
            sweep_optimizer.learning_rate = float(lr)
            swb = None if sample_weight is None else sample_weight[idx]
            loss = float(model._train_step(x[idx], y[idx], swb))
            raw.append(loss)
            if not math.isfinite(loss):
                smoothed.append(math.inf)
                diverged = True
                break
            avg = beta * avg + (1 - beta) * loss
            value = avg / (1 - beta ** (i + 1))
            smoothed.append(value)
            best = min(best, value)
            if verbose:
                print(f"lr_find step {i + 1}/{steps}: learning_rate={lr:.3g} loss={loss:.4f} "
                      f"smoothed={value:.4f}")
            if value > diverge * best:
                diverged = True
                break
    finally:
        model.optimizer = original_optimizer
        model._metrics = metrics
        model.stop_training = stop_training
        for w, value in weights:
            w.value[...] = value
        for w, grad in grads:
            w.grad = grad

    taken = len(smoothed)
    lrs = rates[:taken]
    curve = np.asarray(smoothed, dtype=float)
    finite = np.isfinite(curve)
    suggestions = suggest(lrs[finite], curve[finite])
    return LRFinderResult(learning_rates=lrs, losses=curve, raw_losses=np.asarray(raw),
                          suggestions=suggestions, method=method, diverged=diverged,
                          optimizer=type(original_optimizer).__name__, steps_planned=steps)


def _array_like(x) -> bool:
    return isinstance(x, (np.ndarray, list, tuple)) or hasattr(x, "to_numpy")


def fit_learning_rate(model, value, x, y, batch_size, sample_weight, validation_split,
                      verbose) -> float:
    """``fit(..., learning_rate=value)``: 'auto' runs lr_find on the training part of (x, y)
    (before the validation_split cut), sets its suggestion and keeps the LRFinderResult as
    ``model.lr_find_result``; a positive number is set as it is. Returns the rate set."""
    if isinstance(value, str) and value == "auto":
        if not _array_like(x):
            raise TypeError(f"fit(learning_rate='auto'): the range test needs arrays x, y "
                            f"(NumPy, lists or pandas), given {type(x).__name__}; run "
                            "numnet.tools.lr_find on a sample held in memory and pass its "
                            "suggestion as learning_rate=... instead.")
        if validation_split and isinstance(validation_split, (int, float)):
            cut = int(len(x) * (1.0 - float(validation_split)))
            x, y, sample_weight = (_rows(a, slice(0, cut)) for a in (x, y, sample_weight))
        result = lr_find(model, x, y, batch_size=batch_size or 32, sample_weight=sample_weight)
        rate = result.suggestion
        model.lr_find_result = result
        if verbose:
            print(f"learning_rate='auto': lr_find suggests {rate:.3g} ({result.method}; "
                  f"steepest {result.suggestions['steepest']:.3g}, minimum/10 "
                  f"{result.suggestions['minimum']:.3g})")
    elif isinstance(value, (int, float, np.floating)) and not isinstance(value, bool) and \
            math.isfinite(value) and value > 0:
        rate = float(value)
    else:
        raise ValueError(f"fit(learning_rate): expected 'auto' (run numnet.tools.lr_find first "
                         f"and use its suggestion) or a positive number, given {value!r}.")
    model.optimizer.learning_rate = rate
    return rate


__all__ = ["LRFinderResult", "fit_learning_rate", "lr_find", "smooth", "suggest"]
