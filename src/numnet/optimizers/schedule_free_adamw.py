"""Schedule-Free AdamW (Defazio et al., 2024): no learning-rate schedule, an average instead."""

from __future__ import annotations

from .. import backend
from .base import Optimizer


class ScheduleFreeAdamW(Optimizer):
    """Schedule-Free AdamW: Adam-scaled steps on a sequence z, a running average x of z, and
    the weights w set between them, so that no learning-rate schedule (nor its length) has to
    be chosen in advance.

    At step t = iterations + 1, with z starting at the initial weights and v at 0::

        lr_t = learning_rate * min(t / warmup_steps, 1)     (learning_rate if no warmup)
        v = beta_2 * v + (1 - beta_2) * g^2
        z_new = z - lr_t * g / (sqrt(v / (1 - beta_2^t)) + epsilon)
        x = (w - (1 - beta_1) * z) / beta_1                 (the average so far, from w)
        x = (1 - 1/t) * x + (1/t) * z_new
        w = (1 - beta_1) * z_new + beta_1 * x

    Keras 3's rule (the weights hold w, the point where gradients are taken; the average x is
    recovered from w and z). Weight decay, clipping and EMA act as in every optimizer.

    Args:
        learning_rate: the step size: a float or a schedule. Defaults to ``0.0025``.
        beta_1: the interpolation between z and x, in (0, 1). Defaults to ``0.9``.
        beta_2: the decay rate of v, in [0, 1). Defaults to ``0.999``.
        epsilon: added to the denominator. Defaults to ``1e-8``.
        warmup_steps: the steps over which the learning rate rises linearly from 0; 0 for
            none. Defaults to ``0``.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``.

    Example:
        >>> w = numnet.Variable(np.array([1.0], "float32"))
        >>> opt = numnet.optimizers.ScheduleFreeAdamW(learning_rate=0.1)
        >>> opt.apply_gradients([(np.array([0.5], "float32"), w)])
        >>> w.numpy().round(4)    # z moves by -0.1; at t = 1, x = z and w = z
        array([0.9], dtype=float32)
    """

    def __init__(self, learning_rate=0.0025, beta_1: float = 0.9, beta_2: float = 0.999,
                 epsilon: float = 1e-8, warmup_steps: int = 0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self._betas(beta_1, beta_2)
        if self.beta_1 == 0:
            raise ValueError("ScheduleFreeAdamW(beta_1): expected a number in (0, 1); x is "
                             "recovered by dividing by beta_1.")
        self.epsilon = self._epsilon(epsilon)
        if isinstance(warmup_steps, bool) or not isinstance(warmup_steps, int) \
                or warmup_steps < 0:
            raise ValueError(f"ScheduleFreeAdamW(warmup_steps): expected an integer >= 0, given "
                             f"{warmup_steps!r}.")
        self.warmup_steps = warmup_steps

    def build_slots(self, variable):
        return {"momentum": variable.value.copy(), "velocity": self._zeros(variable)}

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        t = self._local_step + 1
        lr = learning_rate
        if self.warmup_steps > 0:
            lr = lr * min(t / self.warmup_steps, 1.0)
        z, v = slots["momentum"], slots["velocity"]
        b1 = self.beta_1
        x = self._buffer(slots, "_scratch", w)
        xp.subtract(w, (1 - b1) * z, out=x)  # w - (1 - beta_1) z, with z before this step
        x /= b1
        v += (g * g - v) * (1 - self.beta_2)
        z -= lr * g / (xp.sqrt(v / (1 - self.beta_2**t)) + self.epsilon)
        weight = 1.0 / t
        x *= 1 - weight
        x += weight * z
        w[...] = (1 - b1) * z + b1 * x

    def get_config(self):
        return {**super().get_config(), "beta_1": self.beta_1, "beta_2": self.beta_2,
                "epsilon": self.epsilon, "warmup_steps": self.warmup_steps}


