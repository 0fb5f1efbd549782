"""Adafactor (Shazeer & Stern, 2018): Adam-like steps from factored second moments."""

from __future__ import annotations

import math

from .. import backend
from .base import Optimizer


class Adafactor(Optimizer):
    """Adafactor: steps scaled by a second-moment estimate that, for a matrix, keeps only its
    row and column means (memory n + m instead of n · m), with a relative step size.

    At step t = iterations + 1, with g² + epsilon_1 written G, for each variable w::

        rho   = min(learning_rate, 1 / sqrt(t))
        alpha = max(epsilon_2, rms(w)) * rho
        beta  = 1 - t^beta_2_decay                      (0 at t = 1)
        w of 2 or more axes (the last two factored; r and c start at 0):
            r = beta * r + (1 - beta) * mean(G, axis=-1)
            c = beta * c + (1 - beta) * mean(G, axis=-2)
            v = (r / mean(r, axis=-1))[..., :, None] * c[..., None, :]
        w of 0 or 1 axis (v starts at 0):
            v = beta * v + (1 - beta) * G
        u = g / sqrt(v)
        w = w - alpha * u / max(1, rms(u) / clip_threshold)

    with rms(x) = sqrt(mean(x²)) over the whole array: Keras 3's rule. ``relative_step``
    (Keras's argument) caps the learning rate by 1 / sqrt(t), which ``rho`` does anyway. The
    rule depends on each variable as a whole, so Adafactor updates variable by variable.

    Args:
        learning_rate: the step size: a float or a schedule. Defaults to ``0.001``.
        beta_2_decay: the exponent of t in the decay of the second moments. Defaults to
            ``-0.8``.
        epsilon_1: added to g² (keeps the second moments positive). Defaults to ``1e-30``.
        epsilon_2: the least rms(w) used to scale the step. Defaults to ``1e-3``.
        clip_threshold: the largest rms of the scaled update u. Defaults to ``1.0``.
        relative_step: cap the learning rate by 1 / sqrt(t). Defaults to ``True``.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``.

    Example:
        >>> w = numnet.Variable(np.array([0.5, -0.5], "float32"))
        >>> numnet.optimizers.Adafactor(learning_rate=0.1).apply_gradients(
        ...     [(np.array([2.0, 1.0], "float32"), w)])
        >>> w.numpy().round(4)    # u = sign(g) at t = 1; alpha = 0.5 * 0.1
        array([ 0.45, -0.55], dtype=float32)
    """

    def __init__(self, learning_rate=0.001, beta_2_decay: float = -0.8, epsilon_1: float = 1e-30,
                 epsilon_2: float = 1e-3, clip_threshold: float = 1.0, relative_step: bool = True,
                 **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        for name, value in (("epsilon_1", epsilon_1), ("epsilon_2", epsilon_2),
                            ("clip_threshold", clip_threshold)):
            if not isinstance(value, (int, float)) or isinstance(value, bool) or value <= 0:
                raise ValueError(f"Adafactor({name}): expected a positive number, given "
                                 f"{value!r}.")
        self.beta_2_decay = float(beta_2_decay)
        self.epsilon_1, self.epsilon_2 = float(epsilon_1), float(epsilon_2)
        self.clip_threshold = float(clip_threshold)
        self.relative_step = bool(relative_step)

    def _packed(self, grads, variables):
        return None  # the factored moments and the rms are per variable: no flat packing

    def build_slots(self, variable):
        xp, value = backend.xp, variable.value
        slots = {"velocity": self._zeros(variable)}
        if value.ndim >= 2:
            slots["r"] = xp.zeros(value.shape[:-1], dtype=value.dtype)
            slots["c"] = xp.zeros(value.shape[:-2] + value.shape[-1:], dtype=value.dtype)
        return slots

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        t = self._local_step + 1
        lr = learning_rate
        if self.relative_step and isinstance(self._learning_rate, float):
            lr = min(lr, 1 / math.sqrt(t))
        rho = min(lr, 1 / math.sqrt(t))
        alpha = max(self.epsilon_2, math.sqrt(float(xp.mean(w * w)))) * rho
        squared = g * g + self.epsilon_1
        beta = 1.0 - t**self.beta_2_decay
        v = slots["velocity"]
        if w.ndim >= 2:
            r, c = slots["r"], slots["c"]
            r *= beta
            r += (1 - beta) * squared.mean(axis=-1)
            c *= beta
            c += (1 - beta) * squared.mean(axis=-2)
            v[...] = (r / r.mean(axis=-1, keepdims=True))[..., :, None] * c[..., None, :]
        else:
            v *= beta
            v += (1 - beta) * squared
        u = g / xp.sqrt(v)
        scale = max(1.0, math.sqrt(float(xp.mean(u * u))) / self.clip_threshold)
        w -= (alpha / scale) * u

    def get_config(self):
        return {**super().get_config(), "beta_2_decay": self.beta_2_decay,
                "epsilon_1": self.epsilon_1, "epsilon_2": self.epsilon_2,
                "clip_threshold": self.clip_threshold, "relative_step": self.relative_step}
