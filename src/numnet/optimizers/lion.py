"""Lion (Chen et al., 2023): the sign of an interpolated momentum."""

from __future__ import annotations

from .. import backend
from ..fast import updates as fused
from .base import Optimizer


class Lion(Optimizer):
    """Lion: steps of the sign of an interpolated momentum.

    m starts at 0::

        w = w - learning_rate * sign(beta_1 * m + (1 - beta_1) * g)
        m = beta_2 * m + (1 - beta_2) * g

    Every coordinate moves by exactly learning_rate (or 0), so a good learning rate is 3-10
    times smaller than Adam's, and weight_decay (decoupled, as in AdamW) 3-10 times larger.
    One slot (m) instead of Adam's two.

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). Defaults to ``0.001``.
        beta_1: the weight of m in the step's direction. Defaults to ``0.9``.
        beta_2: the decay rate of m. Defaults to ``0.99``.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``, and Keras 2's ``lr`` and ``decay``.
    """

    def __init__(
        self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.99, **kwargs
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 < beta_1 <= 1:
            raise ValueError(
                f"Lion(beta_1): expected a number in (0, 1], given {beta_1!r}; with beta_1 = 0 "
                "Lion is signSGD."
            )
        if not 0 <= beta_2 <= 1:
            raise ValueError(f"Lion(beta_2): expected a number in [0, 1], given {beta_2!r}.")
        self.beta_1, self.beta_2 = float(beta_1), float(beta_2)

    def build_slots(self, variable):
        return {"m": self._zeros(variable)}

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        m = slots["m"]
        if fused.run("lion", (g, w, m), (learning_rate, self.beta_1, 1 - self.beta_2)):
            return
        step = self._buffer(slots, "_scratch", w)
        xp.subtract(m, g, out=step)
        step *= self.beta_1
        step += g  # beta_1 * m + (1 - beta_1) * g
        xp.sign(step, out=step)
        step *= learning_rate
        w -= step
        m += xp.multiply(xp.subtract(g, m, out=step), 1 - self.beta_2, out=step)

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2}
