"""Lamb (You et al., 2019): Adam's direction, scaled per variable by ||w|| / ||direction||."""

from __future__ import annotations

import math

from .. import backend
from .base import Optimizer


class Lamb(Optimizer):
    """Lamb: Adam's bias-corrected direction, with each variable's step scaled so that its
    length is learning_rate · ||w|| (a layer-wise trust ratio), for large batches.

    At step t = iterations + 1, with m and v starting at 0, for each variable w::

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g^2
        r = (m / (1 - beta_1^t)) / (sqrt(v / (1 - beta_2^t)) + epsilon)
        ratio = ||w|| / ||r||      (1 when ||w|| = 0 or ||r|| = 0)
        w = w - learning_rate * ratio * r

    with ||.|| the L2 norm of the whole variable (Keras 3's rule: epsilon outside the square
    root, the textbook bias correction). The ratio makes the rule depend on each variable as a
    whole, so Lamb updates variable by variable (no flat packing).

    Args:
        learning_rate: the step size: a float or a schedule. Defaults to ``0.001``.
        beta_1: the decay rate of the first moment m. Defaults to ``0.9``.
        beta_2: the decay rate of the second moment v. Defaults to ``0.999``.
        epsilon: added to sqrt(v_hat). Defaults to ``1e-7``.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``.

    Example:
        >>> w = numnet.Variable(np.array([3.0, 4.0], "float32"))
        >>> numnet.optimizers.Lamb(learning_rate=0.1).apply_gradients(
        ...     [(np.array([1.0, 1.0], "float32"), w)])
        >>> w.numpy().round(4)    # r = (1, 1), ratio = 5 / sqrt(2)
        array([2.6464, 3.6464], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-7, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self._betas(beta_1, beta_2)
        self.epsilon = self._epsilon(epsilon)

    def _packed(self, grads, variables):
        return None  # the trust ratio is per variable: no flat packing

    def build_slots(self, variable):
        return {"momentum": self._zeros(variable), "velocity": self._zeros(variable)}

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        t = self._local_step + 1
        m, v = slots["momentum"], slots["velocity"]
        m += (g - m) * (1 - self.beta_1)
        v += (g * g - v) * (1 - self.beta_2)
        r = (m / (1 - self.beta_1**t)) / (xp.sqrt(v / (1 - self.beta_2**t)) + self.epsilon)
        w_norm = math.sqrt(float(xp.sum(w * w)))
        r_norm = math.sqrt(float(xp.sum(r * r)))
        ratio = w_norm / r_norm if w_norm > 0 and r_norm > 0 else 1.0
        w -= (ratio * learning_rate) * r

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon}
