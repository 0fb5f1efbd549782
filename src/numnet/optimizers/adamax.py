"""Adamax: Adam with the infinity norm of the gradients in place of their root-mean-square."""

from __future__ import annotations

from .. import backend
from ..fast import updates as fused
from .base import Optimizer


class Adamax(Optimizer):
    """Adamax: Adam with the infinity norm of the gradients in place of their RMS.

    At step t = iterations + 1 (m and u start at 0)::

        m = beta_1 * m + (1 - beta_1) * g
        u = max(beta_2 * u, |g|)
        w = w - learning_rate * m / ((1 - beta_1^t) * (u + epsilon))

    Kingma and Ba's rule (section 7.1) has no epsilon: ``w = w - learning_rate * m_hat / u``
    with ``m_hat = m / (1 - beta_1^t)``. Keras adds epsilon to u in the denominator; PyTorch
    adds it to |g| inside the maximum, ``u = max(beta_2 * u, |g| + epsilon)``.

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). Defaults to ``0.001``.
        beta_1: the decay rate of the first moment m. Defaults to ``0.9``.
        beta_2: the decay rate of the infinity norm u. Defaults to ``0.999``.
        epsilon: the small constant that keeps the division finite; None means the default.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``, and Keras 2's ``lr`` and ``decay``.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = 1e-7,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self._betas(beta_1, beta_2)
        self.epsilon = self._epsilon(epsilon)

    def build_slots(self, variable):
        return {"m": self._zeros(variable), "u": self._zeros(variable)}

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        m, u = slots["m"], slots["u"]
        bias_correction = 1 - self.beta_1 ** (self._local_step + 1)
        if fused.run(
            "adamax",
            (g, w, m, u),
            (learning_rate, 1 - self.beta_1, self.beta_2, self.epsilon, bias_correction),
        ):
            return
        step = self._buffer(slots, "_scratch", w)
        m += xp.multiply(xp.subtract(g, m, out=step), 1 - self.beta_1, out=step)
        u *= self.beta_2
        xp.maximum(u, xp.abs(g, out=step), out=u)
        xp.add(u, self.epsilon, out=step)
        step *= bias_correction
        xp.divide(m, step, out=step)
        step *= learning_rate
        w -= step

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }
