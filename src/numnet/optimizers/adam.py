"""Adam: momentum on the gradient and on its square, with bias correction."""

from __future__ import annotations

import math

from .. import backend
from . import fused
from .base import Optimizer


class Adam(Optimizer):
    """The seeds' rule, at step t = iterations + 1 (m and v start at 0)::

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g^2
        m_hat = m / (1 - beta_1^t)
        v_hat = v / (1 - beta_2^t)
        w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    Keras (and numnet) fold the bias correction into the step size, which moves epsilon
    inside the bias correction::

        alpha = learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t)
        w = w - alpha * m / (sqrt(v) + epsilon)

    that is the seeds' form with epsilon replaced by epsilon / sqrt(1 - beta_2^t) (31.6 times
    Keras's epsilon at t = 1, the same once beta_2^t is small). PyTorch uses the seeds' form.
    amsgrad=True uses ``v_max = max(v_max, v)`` (starts at 0) in place of v.

    Defaults: learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7, amsgrad=False.
    """

    def __init__(
        self,
        learning_rate=0.001,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = 1e-7,
        amsgrad: bool = False,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self._betas(beta_1, beta_2)
        self.epsilon = self._epsilon(epsilon)
        self.amsgrad = bool(amsgrad)

    def build_slots(self, variable):
        slots = {"m": self._zeros(variable), "v": self._zeros(variable)}
        if self.amsgrad:
            slots["v_max"] = self._zeros(variable)
        return slots

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        t = self._local_step + 1
        alpha = learning_rate * math.sqrt(1 - self.beta_2**t) / (1 - self.beta_1**t)
        m, v = slots["m"], slots["v"]
        v_max = slots.get("v_max", v)
        if fused.run(
            "adam",
            (g, w, m, v, v_max),
            (alpha, 1 - self.beta_1, 1 - self.beta_2, self.epsilon, self.amsgrad),
        ):
            return
        scratch = self._buffer(slots, "_scratch", w)
        m += xp.multiply(xp.subtract(g, m, out=scratch), 1 - self.beta_1, out=scratch)
        xp.multiply(g, g, out=scratch)
        scratch -= v
        v += xp.multiply(scratch, 1 - self.beta_2, out=scratch)  # v += (g^2 - v) * (1 - beta_2)
        if self.amsgrad:
            v = xp.maximum(v_max, v, out=v_max)
        xp.sqrt(v, out=scratch)
        scratch += self.epsilon
        xp.divide(m, scratch, out=scratch)
        scratch *= alpha
        w -= scratch

    def get_config(self):
        return {
            **super().get_config(),
            "beta_1": self.beta_1,
            "beta_2": self.beta_2,
            "epsilon": self.epsilon,
            "amsgrad": self.amsgrad,
        }
