"""Adagrad: per-parameter steps shrinking with the sum of squared gradients."""

from __future__ import annotations

from .. import backend
from ..fast import updates as fused
from .base import Optimizer


class Adagrad(Optimizer):
    """Adagrad: divide each step by the root of the sum of all past squared gradients.

    The accumulator starts at ``initial_accumulator_value``::

        accumulator = accumulator + g^2
        w = w - learning_rate * g / sqrt(accumulator + epsilon)

    Keras puts epsilon inside the root; the textbook form (and PyTorch, whose accumulator
    starts at 0 and whose eps is 1e-10) divides by ``sqrt(accumulator) + epsilon``.

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). Defaults to ``0.001``.
        initial_accumulator_value: the accumulator's starting value (> 0). Defaults to ``0.1``.
        epsilon: the small constant that keeps the division finite; None means the default.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``, and Keras 2's ``lr`` and ``decay``.

    Example:
        >>> w = numnet.Variable(np.array([1.0], "float32"))
        >>> adagrad = numnet.optimizers.Adagrad(learning_rate=0.1)
        >>> adagrad.apply_gradients([(np.array([1.0], "float32"), w)])
        >>> w.numpy().round(4)                                      # 1 - 0.1 / sqrt(1.1)
        array([0.9047], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.001,
        initial_accumulator_value: float = 0.1,
        epsilon: float | None = 1e-7,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not initial_accumulator_value >= 0:
            raise ValueError(
                "Adagrad(initial_accumulator_value): expected a number >= 0, given "
                f"{initial_accumulator_value!r}."
            )
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.epsilon = self._epsilon(epsilon)

    def build_slots(self, variable):
        return {"accumulator": backend.xp.full_like(variable.value, self.initial_accumulator_value)}

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        accumulator = slots["accumulator"]
        if fused.run("adagrad", (g, w, accumulator), (learning_rate, self.epsilon)):
            return
        step = self._buffer(slots, "_scratch", w)
        accumulator += xp.multiply(g, g, out=step)
        xp.add(accumulator, self.epsilon, out=step)
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
