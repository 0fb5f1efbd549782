"""Adagrad: per-parameter steps shrinking with the sum of squared gradients."""

from __future__ import annotations

from .. import backend
from .base import Optimizer


class Adagrad(Optimizer):
    """accumulator starts at initial_accumulator_value::

        accumulator = accumulator + g^2
        w = w - learning_rate * g / sqrt(accumulator + epsilon)

    Defaults: learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7 (Keras 3).
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float | None = 1e-7,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = 1e-7 if epsilon is None else float(epsilon)

    def build_slots(self, variable):
        acc = backend.xp.full_like(variable.value, self.initial_accumulator_value)
        return {"accumulator": acc, "_scratch": self._zeros(variable)}

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        acc, step = slots["accumulator"], slots["_scratch"]
        xp.multiply(g, g, out=step)
        acc += step
        xp.add(acc, self.epsilon, out=step)
        xp.sqrt(step, out=step)
        xp.divide(g, step, out=step)
        step *= learning_rate
        w -= step

    def get_config(self):
        return {
            **super().get_config(),
            "initial_accumulator_value": self.initial_accumulator_value,
            "epsilon": self.epsilon,
        }
