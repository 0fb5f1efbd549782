"""Adadelta: steps scaled by the ratio of two running root-mean-squares."""

from __future__ import annotations

from .. import backend
from ..fast import updates as fused
from .base import Optimizer


class Adadelta(Optimizer):
    """Adadelta: steps scaled by the ratio of running RMS of past updates and gradients.

    Keras 3's rule, with rms(x) = sqrt(x + epsilon) (both accumulators start at 0)::

        accumulated_grad = rho * accumulated_grad + (1 - rho) * g^2
        delta = -rms(accumulated_delta_var) * g / rms(accumulated_grad)
        accumulated_delta_var = rho * accumulated_delta_var + (1 - rho) * delta^2
        w = w + learning_rate * delta

    Zeiler's paper has no learning rate (learning_rate=1.0 gives its rule); Keras adds one and
    sets it to 0.001 by default, so that the first steps are about
    learning_rate * sqrt(epsilon / (1 - rho)) ~ 1.4e-6 in size: raise it (1.0 is usual).
    PyTorch's rule is the same (its defaults: lr=1.0, rho=0.9, eps=1e-6).

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). 1.0 gives Zeiler's rule. Defaults to ``0.001``.
        rho: the decay rate of both running means. Defaults to ``0.95``.
        epsilon: the small constant that keeps the division finite; None means the default.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``, and Keras 2's ``lr`` and ``decay``.
    """

    def __init__(
        self, learning_rate=0.001, rho: float = 0.95, epsilon: float | None = 1e-7, **kwargs
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 <= rho <= 1:
            raise ValueError(f"Adadelta(rho): expected a number in [0, 1], given {rho!r}.")
        self.rho = float(rho)
        self.epsilon = self._epsilon(epsilon)

    def build_slots(self, variable):
        return {
            "accumulated_grad": self._zeros(variable),
            "accumulated_delta_var": self._zeros(variable),
        }

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        accumulated_grad = slots["accumulated_grad"]
        accumulated_delta_var = slots["accumulated_delta_var"]
        rho, eps = self.rho, self.epsilon
        if fused.run(
            "adadelta",
            (g, w, accumulated_grad, accumulated_delta_var),
            (learning_rate, rho, 1 - rho, eps),
        ):
            return
        step = self._buffer(slots, "_scratch", w)  # -delta
        square = self._buffer(slots, "_scratch2", w)
        accumulated_grad *= rho
        accumulated_grad += xp.multiply(xp.multiply(g, g, out=step), 1 - rho, out=step)
        xp.sqrt(xp.add(accumulated_delta_var, eps, out=step), out=step)
        step *= g
        step /= xp.sqrt(xp.add(accumulated_grad, eps, out=square), out=square)
        accumulated_delta_var *= rho
        xp.multiply(step, step, out=square)
        accumulated_delta_var += xp.multiply(square, 1 - rho, out=square)
        step *= learning_rate
        w -= step

    def get_config(self):
        return {**super().get_config(), "rho": self.rho, "epsilon": self.epsilon}
