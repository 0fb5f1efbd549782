"""Learning-rate schedules: callables from the step (optimizer.iterations) to a rate.

Pass one as an optimizer's ``learning_rate``; the optimizer calls it with the number of steps
taken so far (0 for the first step) before every step. ``fit`` needs nothing more. Each
schedule's docstring gives its formula and Keras 3's defaults; ``OneCycle`` is fastai's
``fit_one_cycle`` policy.

Every schedule here also takes an array of steps and returns the rates as a float32 array of
the same shape, each equal to the rate of that step alone, which is how schedules are plotted::

    steps = np.linspace(0, 1000, 50)
    plt.plot(steps, schedule(steps))
"""

from __future__ import annotations

import functools
import math
import numbers
from collections.abc import Sequence

import numpy as np

from ..registry import get_registered_name, get_registered_object


def _positive(cls: str, name: str, value) -> None:
    if not (isinstance(value, numbers.Real) and value > 0):
        raise ValueError(f"{cls}({name}): expected a number > 0, given {value!r}.")


def _steps(value):
    """The steps a schedule was called with, as a NumPy array (a Tensor or Variable, such as
    ``optimizer.iterations``, gives its value)."""
    value = getattr(value, "value", value)
    return np.asarray(value.get() if hasattr(value, "get") else value)  # (a CuPy array)


def _over_arrays(call):
    """``call(self, step)`` also taking an array of steps: the rates of each step, as a float32
    array of the steps' shape (a single step keeps its Python float)."""

    @functools.wraps(call)
    def wrapper(self, step):
        steps = _steps(step)
        if steps.ndim == 0:
            return call(self, steps.item() if steps.dtype.kind in "biuf" else step)
        if steps.dtype.kind not in "biuf":
            raise TypeError(f"{type(self).__name__}(step): expected a step number or an array "
                            f"of them, given an array of dtype {steps.dtype}.")
        rates = [call(self, s) for s in steps.reshape(-1).tolist()]
        return np.asarray(rates, dtype=np.float32).reshape(steps.shape)

    return wrapper


class LearningRateSchedule:
    """Base class: ``schedule(step) -> learning rate`` (a Python float; for an array of steps,
    a float32 array of rates, for numnet's own schedules)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.__module__ == __name__ and "__call__" in vars(cls):
            cls.__call__ = _over_arrays(vars(cls)["__call__"])

    def __call__(self, step) -> float:
        raise NotImplementedError

    def get_config(self) -> dict:
        raise NotImplementedError

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class _RateDecay(LearningRateSchedule):
    """A rate that decays with ``step / decay_steps`` (floored with staircase=True), at
    ``decay_rate``: the shared part of ExponentialDecay and InverseTimeDecay."""

    _NAME = "RateDecay"

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        decay_rate: float,
        staircase: bool = False,
        name: str | None = None,
    ):
        _positive(self._NAME, "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps, self.decay_rate = decay_steps, float(decay_rate)
        self.staircase, self.name = bool(staircase), name or self._NAME

    def _progress(self, step) -> float:
        p = float(step) / self.decay_steps
        return math.floor(p) if self.staircase else p

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "decay_rate": self.decay_rate,
            "staircase": self.staircase,
            "name": self.name,
        }


class ExponentialDecay(_RateDecay):
    """``initial_learning_rate * decay_rate ^ (step / decay_steps)``; with staircase=True the
    exponent is ``floor(step / decay_steps)``. Defaults: staircase=False."""

    _NAME = "ExponentialDecay"  # (Keras's default name, subclasses too)

    def __call__(self, step) -> float:
        return self.initial_learning_rate * self.decay_rate**self._progress(step)


class InverseTimeDecay(_RateDecay):
    """``initial_learning_rate / (1 + decay_rate * step / decay_steps)``; with staircase=True
    ``step / decay_steps`` is floored. Keras 2's ``decay=d`` is
    ``InverseTimeDecay(learning_rate, decay_steps=1, decay_rate=d)``. Defaults: staircase=False.
    """

    _NAME = "InverseTimeDecay"

    def __call__(self, step) -> float:
        return self.initial_learning_rate / (1 + self.decay_rate * self._progress(step))


class PiecewiseConstantDecay(LearningRateSchedule):
    """Constant between boundaries::

        values[0]    if step <= boundaries[0]
        values[i]    if boundaries[i-1] < step <= boundaries[i]
        values[-1]   if step > boundaries[-1]

    ``values`` has one more entry than ``boundaries`` (increasing).
    Example: boundaries=[100, 200], values=[0.1, 0.01, 0.001] gives 0.1 for the steps 0-100,
    0.01 for 101-200 and 0.001 after.
    """

    def __init__(
        self,
        boundaries: Sequence[float],
        values: Sequence[float],
        name: str = "PiecewiseConstant",
    ):
        boundaries, values = list(boundaries), list(values)
        if len(boundaries) != len(values) - 1:
            raise ValueError(
                f"PiecewiseConstantDecay(boundaries, values): expected one more value than "
                f"boundaries, given {len(boundaries)} boundaries {boundaries} and "
                f"{len(values)} values {values}."
            )
        if any(b >= c for b, c in zip(boundaries, boundaries[1:])):
            raise ValueError(
                f"PiecewiseConstantDecay(boundaries): expected increasing steps, given "
                f"{boundaries}."
            )
        self.boundaries, self.values, self.name = boundaries, values, name

    def __call__(self, step) -> float:
        for boundary, value in zip(self.boundaries, self.values):
            if step <= boundary:
                return float(value)
        return float(self.values[-1])

    def get_config(self):
        return {"boundaries": self.boundaries, "values": self.values, "name": self.name}


class PolynomialDecay(LearningRateSchedule):
    """From initial_learning_rate to end_learning_rate in decay_steps steps::

        step = min(step, decay_steps)
        rate = (initial_learning_rate - end_learning_rate) * (1 - step / decay_steps)^power
               + end_learning_rate

    With cycle=True decay_steps is replaced by its first multiple >= step (decay_steps itself
    at step 0), so the rate jumps back up and decays again. power=1 is a linear decay.
    Defaults: end_learning_rate=0.0001, power=1.0, cycle=False (Keras 3).
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        end_learning_rate: float = 0.0001,
        power: float = 1.0,
        cycle: bool = False,
        name: str = "PolynomialDecay",
    ):
        _positive("PolynomialDecay", "decay_steps", decay_steps)
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps = decay_steps
        self.end_learning_rate, self.power = float(end_learning_rate), float(power)
        self.cycle, self.name = bool(cycle), name

    def __call__(self, step) -> float:
        step, decay_steps = float(step), float(self.decay_steps)
        if self.cycle:
            decay_steps *= math.ceil(step / decay_steps) if step > 0 else 1.0
        else:
            step = min(step, decay_steps)
        fraction = 1 - step / decay_steps
        span = self.initial_learning_rate - self.end_learning_rate
        return span * fraction**self.power + self.end_learning_rate

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "end_learning_rate": self.end_learning_rate,
            "power": self.power,
            "cycle": self.cycle,
            "name": self.name,
        }


def _cosine(fraction: float) -> float:
    """0.5 * (1 + cos(pi * fraction)): 1 at 0, 0 at 1."""
    return 0.5 * (1.0 + math.cos(math.pi * fraction))


class CosineDecay(LearningRateSchedule):
    """Cosine decay (Loshchilov and Hutter's SGDR, one cycle), after an optional linear warmup.

    Without warmup (warmup_target=None)::

        step = min(step, decay_steps)
        rate = initial_learning_rate * ((1 - alpha) * 0.5 * (1 + cos(pi * step / decay_steps))
                                        + alpha)

    With warmup_target, the rate first rises linearly from initial_learning_rate to
    warmup_target over warmup_steps steps, then decays as above from warmup_target::

        rate = initial_learning_rate + (warmup_target - initial_learning_rate)
                                       * step / warmup_steps              (step < warmup_steps)
        rate = warmup_target * ((1 - alpha) * 0.5 * (1 + cos(pi * s / decay_steps)) + alpha)
               with s = min(step, warmup_steps + decay_steps) - warmup_steps    (otherwise)

    alpha is the final rate as a fraction of the starting one.
    Defaults: alpha=0.0, warmup_target=None, warmup_steps=0 (Keras 3).
    """

    def __init__(
        self,
        initial_learning_rate: float,
        decay_steps: int,
        alpha: float = 0.0,
        name: str = "CosineDecay",
        warmup_target: float | None = None,
        warmup_steps: int = 0,
    ):
        _positive("CosineDecay", "decay_steps", decay_steps)
        if not (isinstance(warmup_steps, numbers.Real) and warmup_steps >= 0):
            raise ValueError(
                f"CosineDecay(warmup_steps): expected a number >= 0, given {warmup_steps!r}."
            )
        self.initial_learning_rate = float(initial_learning_rate)
        self.decay_steps, self.alpha, self.name = decay_steps, float(alpha), name
        self.warmup_target = None if warmup_target is None else float(warmup_target)
        self.warmup_steps = warmup_steps

    def _decay(self, step: float, start: float) -> float:
        return start * ((1 - self.alpha) * _cosine(step / self.decay_steps) + self.alpha)

    def __call__(self, step) -> float:
        step = float(step)
        if self.warmup_target is None:
            return self._decay(min(step, self.decay_steps), self.initial_learning_rate)
        step = min(step, self.decay_steps + self.warmup_steps)
        if step < self.warmup_steps:
            rise = self.warmup_target - self.initial_learning_rate
            return rise * (step / self.warmup_steps) + self.initial_learning_rate
        return self._decay(step - self.warmup_steps, self.warmup_target)

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "decay_steps": self.decay_steps,
            "alpha": self.alpha,
            "name": self.name,
            "warmup_target": self.warmup_target,
            "warmup_steps": self.warmup_steps,
        }


class CosineDecayRestarts(LearningRateSchedule):
    """Cosine decay with warm restarts (SGDR). The i-th period (i = 0, 1, ...) lasts
    ``first_decay_steps * t_mul^i`` steps and starts at ``initial_learning_rate * m_mul^i``::

        f = step / first_decay_steps
        i = floor(f)                                          (t_mul == 1)
        i = floor(log(1 - f * (1 - t_mul)) / log(t_mul))      (otherwise)
        fraction = f - i                                      (t_mul == 1)
        fraction = (f - (1 - t_mul^i) / (1 - t_mul)) / t_mul^i   (otherwise)
        rate = initial_learning_rate * ((1 - alpha) * m_mul^i * 0.5 * (1 + cos(pi * fraction))
                                        + alpha)

    Defaults: t_mul=2.0, m_mul=1.0, alpha=0.0 (Keras 3).
    """

    def __init__(
        self,
        initial_learning_rate: float,
        first_decay_steps: int,
        t_mul: float = 2.0,
        m_mul: float = 1.0,
        alpha: float = 0.0,
        name: str = "SGDRDecay",
    ):
        _positive("CosineDecayRestarts", "first_decay_steps", first_decay_steps)
        _positive("CosineDecayRestarts", "t_mul", t_mul)
        self.initial_learning_rate = float(initial_learning_rate)
        self.first_decay_steps = first_decay_steps
        self.t_mul, self.m_mul, self.alpha = float(t_mul), float(m_mul), float(alpha)
        self.name = name

    def __call__(self, step) -> float:
        f = float(step) / self.first_decay_steps
        if self.t_mul == 1.0:
            i = math.floor(f)
            fraction = f - i
        else:
            i = math.floor(math.log(1.0 - f * (1.0 - self.t_mul)) / math.log(self.t_mul))
            done = (1.0 - self.t_mul**i) / (1.0 - self.t_mul)
            fraction = (f - done) / self.t_mul**i
        decayed = (1 - self.alpha) * self.m_mul**i * _cosine(fraction) + self.alpha
        return self.initial_learning_rate * decayed

    def get_config(self):
        return {
            "initial_learning_rate": self.initial_learning_rate,
            "first_decay_steps": self.first_decay_steps,
            "t_mul": self.t_mul,
            "m_mul": self.m_mul,
            "alpha": self.alpha,
            "name": self.name,
        }


def _anneal(start: float, end: float, fraction: float) -> float:
    """Cosine from start (fraction 0) to end (fraction 1), as fastai's SchedCos."""
    return start + (end - start) * (1.0 - _cosine(fraction))


class OneCycle(LearningRateSchedule):
    """The one-cycle policy (Smith, 2018) as fastai's ``fit_one_cycle``: over total_steps
    steps the rate rises from max_learning_rate / div to max_learning_rate along a half cosine
    for the first pct_start of the steps, then falls along a half cosine to
    max_learning_rate / div_final. With p = min(step / total_steps, 1)::

        anneal(a, b, x) = a + (b - a) * (1 - cos(pi * x)) / 2
        rate = anneal(max_learning_rate / div, max_learning_rate, p / pct_start)
                                                                  (p < pct_start)
        rate = anneal(max_learning_rate, max_learning_rate / div_final,
                      (p - pct_start) / (1 - pct_start))          (otherwise)

    fastai also cycles the momentum the other way, from moms[0] down to moms[1] and back up to
    moms[2] on the same two phases: ``momentum(step)`` gives it, and ``momentum_callback()`` is
    a callback that sets it on the optimizer before every training batch (``beta_1`` of the
    Adam family and Lion, ``momentum`` of SGD and RMSprop, which then need momentum > 0).

    Use it from fit with total_steps = epochs * steps per epoch::

        steps = epochs * math.ceil(len(x_train) / batch_size)
        one_cycle = schedules.OneCycle(max_learning_rate=0.01, total_steps=steps)
        model.compile(optimizer=optimizers.Adam(learning_rate=one_cycle), loss=...)
        model.fit(x_train, y_train, epochs=epochs, batch_size=batch_size,
                  callbacks=[one_cycle.momentum_callback()])

    Past total_steps the rate stays at max_learning_rate / div_final.
    Defaults (fastai's): pct_start=0.25, div=25.0, div_final=1e5, moms=(0.95, 0.85, 0.95).
    """

    def __init__(
        self,
        max_learning_rate: float,
        total_steps: int,
        pct_start: float = 0.25,
        div: float = 25.0,
        div_final: float = 1e5,
        moms: Sequence[float] = (0.95, 0.85, 0.95),
        name: str = "OneCycle",
    ):
        _positive("OneCycle", "max_learning_rate", max_learning_rate)
        _positive("OneCycle", "total_steps", total_steps)
        _positive("OneCycle", "div", div)
        _positive("OneCycle", "div_final", div_final)
        if not 0 <= pct_start <= 1:
            raise ValueError(
                f"OneCycle(pct_start): expected the fraction of steps spent warming up, in "
                f"[0, 1], given {pct_start!r}."
            )
        moms = [float(m) for m in moms]
        if len(moms) != 3:
            raise ValueError(
                f"OneCycle(moms): expected three momentums (start, middle, end), given {moms}."
            )
        self.max_learning_rate, self.total_steps = float(max_learning_rate), total_steps
        self.pct_start, self.div, self.div_final = float(pct_start), float(div), float(div_final)
        self.moms, self.name = moms, name

    def _two_phases(self, step, start: float, middle: float, end: float) -> float:
        p = min(float(step) / self.total_steps, 1.0)
        if p < self.pct_start:
            return _anneal(start, middle, p / self.pct_start)
        if p >= 1.0:
            return end
        return _anneal(middle, end, (p - self.pct_start) / (1.0 - self.pct_start))

    def __call__(self, step) -> float:
        peak = self.max_learning_rate
        return self._two_phases(step, peak / self.div, peak, peak / self.div_final)

    def momentum(self, step) -> float:
        """fastai's momentum at ``step``: moms[0] -> moms[1] -> moms[2], cosine phases."""
        return self._two_phases(step, *self.moms)

    def momentum_callback(self):
        """A callback for fit that sets the optimizer's momentum to ``momentum(step)`` before
        each training batch (step: the optimizer's step count)."""
        from ..callbacks.lambda_callback import LambdaCallback

        def set_momentum(batch, logs=None):
            optimizer = callback.model.optimizer
            attr = "beta_1" if hasattr(optimizer, "beta_1") else "momentum"
            if not getattr(optimizer, attr, 0):
                raise ValueError(
                    f"OneCycle.momentum_callback(): {type(optimizer).__name__} has no momentum "
                    f"to cycle ({attr}={getattr(optimizer, attr, None)!r}); create it with "
                    f"{attr}={self.moms[0]} (any value > 0)."
                )
            setattr(optimizer, attr, self.momentum(optimizer._step))

        callback = LambdaCallback(on_train_batch_begin=set_momentum)
        return callback

    def get_config(self):
        return {
            "max_learning_rate": self.max_learning_rate,
            "total_steps": self.total_steps,
            "pct_start": self.pct_start,
            "div": self.div,
            "div_final": self.div_final,
            "moms": list(self.moms),
            "name": self.name,
        }


_CLASSES = {
    cls.__name__: cls
    for cls in (
        ExponentialDecay,
        InverseTimeDecay,
        PiecewiseConstantDecay,
        PolynomialDecay,
        CosineDecay,
        CosineDecayRestarts,
        OneCycle,
    )
}


def serialize(learning_rate_schedule: LearningRateSchedule) -> dict:
    """A schedule as Keras writes it: ``{"module", "class_name", "config", "registered_name"}``.

    Args:
        learning_rate_schedule: a ``LearningRateSchedule`` (numnet's own or a subclass with
            ``get_config``).

    Returns:
        The dict ``deserialize`` turns back into the schedule; ``module`` is
        ``"keras.optimizers.schedules"`` for numnet's own schedules and the defining module for
        a custom one, ``registered_name`` the name given by
        ``numnet.saving.register_keras_serializable`` (None when unregistered).

    Example:
        >>> s = ExponentialDecay(0.1, decay_steps=100000, decay_rate=0.96, staircase=True)
        >>> d = serialize(s)
        >>> d["module"], d["class_name"], d["registered_name"]
        ('keras.optimizers.schedules', 'ExponentialDecay', None)
        >>> d["config"]["decay_rate"]
        0.96
    """
    module = type(learning_rate_schedule).__module__ or ""
    own = module == "numnet" or module.startswith("numnet.")
    return {"module": "keras.optimizers.schedules" if own else module,
            "class_name": type(learning_rate_schedule).__name__,
            "config": learning_rate_schedule.get_config(),
            "registered_name": get_registered_name(type(learning_rate_schedule))}


def deserialize(config: dict, custom_objects: dict | None = None) -> LearningRateSchedule:
    """The schedule a ``serialize`` dict describes.

    Args:
        config: ``{"class_name": ..., "config": {...}}`` (Keras's ``module`` and
            ``registered_name`` keys may be there too).
        custom_objects: ``{name: class}`` for schedules of one's own that are not registered.
            Defaults to ``None``.

    Returns:
        A ``LearningRateSchedule``: numnet's own by class name, else the class registered under
        ``registered_name`` or named in ``custom_objects`` (or a ``custom_object_scope``).

    Raises:
        ValueError: for a class name none of these knows.

    Example:
        >>> s = deserialize({"class_name": "PolynomialDecay",
        ...                  "config": {"initial_learning_rate": 0.1, "decay_steps": 100}})
        >>> type(s).__name__, s.end_learning_rate
        ('PolynomialDecay', 0.0001)
    """
    name = config.get("class_name") if isinstance(config, dict) else None
    cls = None
    for key in (config.get("registered_name") if isinstance(config, dict) else None, name):
        if cls is None and key:
            cls = get_registered_object(key, custom_objects)
    if cls is None:
        cls = _CLASSES.get(name)
    if cls is None:
        raise ValueError(
            f"schedule: unknown class_name {name!r}; expected one of {sorted(_CLASSES)}, "
            "or a class of one's own given in custom_objects={name: class} or registered with "
            "@numnet.saving.register_keras_serializable()."
        )
    return cls.from_config(config.get("config", {}))


__all__ = [
    "CosineDecay",
    "CosineDecayRestarts",
    "ExponentialDecay",
    "InverseTimeDecay",
    "LearningRateSchedule",
    "OneCycle",
    "PiecewiseConstantDecay",
    "PolynomialDecay",
    "deserialize",
    "serialize",
]
