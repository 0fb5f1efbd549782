"""Nadam: Adam with Nesterov momentum (Dozat, 2016), in Keras's form."""

from __future__ import annotations

from .. import backend
from ..fast import updates as fused
from .base import Optimizer


class Nadam(Optimizer):
    """Nadam: Adam whose momentum looks one step ahead.

    At step t = iterations + 1 (m, v start at 0), with the momentum schedule
    ``mu_t = beta_1 * (1 - 0.5 * 0.96^t)`` and ``mu_product_t = mu_1 * mu_2 * ... * mu_t``::

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g^2
        m_hat = mu_(t+1) * m / (1 - mu_product_t * mu_(t+1)) + (1 - mu_t) * g / (1 - mu_product_t)
        v_hat = v / (1 - beta_2^t)
        w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    Unlike Keras's Adam, epsilon here is outside the bias correction (the textbook form).
    The textbook Nadam (Dozat) and PyTorch's NAdam write the schedule as
    ``mu_t = beta_1 * (1 - 0.5 * 0.96^(t * psi))`` with psi = 0.004 (torch's
    ``momentum_decay``), so mu_t rises slowly from 0.45 to 0.9 over thousands of steps; Keras's
    0.96^t (psi = 1) brings it to 0.9 within about 100 steps. With psi = 1 the two rules are the
    same.

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). Defaults to ``0.001``.
        beta_1: the decay rate of the first moment m. Defaults to ``0.9``.
        beta_2: the decay rate of the second moment v. Defaults to ``0.999``.
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
        self._mu_product = (0, 1.0)  # (t, mu_1 * ... * mu_t)

    def _mu(self, t: int) -> float:
        return self.beta_1 * (1.0 - 0.5 * 0.96**t)

    def mu_product(self, t: int) -> float:
        """mu_1 * mu_2 * ... * mu_t (1 for t = 0), kept from the previous step."""
        start, product = self._mu_product
        if start > t:
            start, product = 0, 1.0
        for i in range(start + 1, t + 1):
            product *= self._mu(i)
        self._mu_product = (t, product)
        return product

    def build_slots(self, variable):
        return {"m": self._zeros(variable), "v": self._zeros(variable)}

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        t = self._local_step + 1
        mu_t, mu_next = self._mu(t), self._mu(t + 1)
        mu_product = self.mu_product(t)
        a_m = mu_next / (1 - mu_product * mu_next)  # m_hat = a_m * m + a_g * g
        a_g = (1 - mu_t) / (1 - mu_product)
        bias_correction_2 = 1 - self.beta_2**t
        m, v = slots["m"], slots["v"]
        if fused.run(
            "nadam",
            (g, w, m, v),
            (learning_rate, 1 - self.beta_1, 1 - self.beta_2, a_m, a_g, bias_correction_2,
             self.epsilon),
        ):
            return
        step = self._buffer(slots, "_scratch", w)
        denominator = self._buffer(slots, "_scratch2", w)
        m += xp.multiply(xp.subtract(g, m, out=step), 1 - self.beta_1, out=step)
        xp.multiply(g, g, out=step)
        step -= v
        v += xp.multiply(step, 1 - self.beta_2, out=step)
        xp.multiply(m, a_m, out=step)
        step += xp.multiply(g, a_g, out=denominator)  # m_hat
        xp.divide(v, bias_correction_2, out=denominator)  # v_hat
        xp.sqrt(denominator, out=denominator)
        denominator += self.epsilon
        step /= denominator
        step *= learning_rate
        w -= step

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
        }

