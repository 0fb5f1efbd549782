"""RMSprop: divide the step by a running root-mean-square of the gradient."""

from __future__ import annotations

from .. import backend
from ..fast import updates as fused
from .base import Optimizer


class RMSprop(Optimizer):
    """RMSprop: divide each step by a running root mean square of the gradients.

    Keras 3's rule (``velocity``, often called the cache, starts at 0)::

        velocity = rho * velocity + (1 - rho) * g^2
        w = w - learning_rate * g / sqrt(velocity + epsilon)

    The textbook form (and PyTorch) puts epsilon outside the root::

        w = w - learning_rate * g / (sqrt(velocity) + epsilon)

    The two differ while velocity is near epsilon^2 (or epsilon, inside the root): Keras's
    epsilon=1e-7 inside is an epsilon of about 3e-4 outside.

    centered=True divides by an estimate of the variance instead of the second moment::

        average_gradient = rho * average_gradient + (1 - rho) * g
        w = w - learning_rate * g / sqrt(velocity - average_gradient^2 + epsilon)

    momentum > 0 accumulates the steps (``momentum`` slot, starts at 0)::

        momentum_buffer = momentum * momentum_buffer + learning_rate * g / sqrt(...)
        w = w - momentum_buffer

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). Defaults to ``0.001``.
        rho: the decay rate of the running mean of g². Defaults to ``0.9``.
        momentum: the momentum of the steps; 0 for none. Defaults to ``0.0``.
        epsilon: the small constant that keeps the division finite; None means the default.
        centered: divide by the running variance of the gradients instead of their second moment.
            Defaults to ``False``.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``, and Keras 2's ``lr`` and ``decay``.

    Example:
        >>> w = numnet.Variable(np.array([1.0], "float32"))
        >>> rmsprop = numnet.optimizers.RMSprop(learning_rate=0.01)
        >>> rmsprop.apply_gradients([(np.array([2.0], "float32"), w)])  # 1 - 0.01 * 2 / sqrt(0.4)
        >>> w.numpy().round(4)
        array([0.9684], dtype=float32)
    """

    def __init__(
        self,
        learning_rate=0.001,
        rho: float = 0.9,
        momentum: float = 0.0,
        epsilon: float | None = 1e-7,
        centered: bool = False,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 <= rho <= 1:
            raise ValueError(f"RMSprop(rho): expected a number in [0, 1], given {rho!r}.")
        if not 0 <= momentum <= 1:
            raise ValueError(f"RMSprop(momentum): expected a number in [0, 1], given {momentum!r}.")
        self.rho, self.momentum = float(rho), float(momentum)
        self.epsilon = self._epsilon(epsilon)
        self.centered = bool(centered)

    def build_slots(self, variable):
        slots = {"velocity": self._zeros(variable)}
        if self.momentum > 0:
            slots["momentum"] = self._zeros(variable)
        if self.centered:
            slots["average_gradient"] = self._zeros(variable)
        return slots

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        velocity, rho = slots["velocity"], self.rho
        average = slots.get("average_gradient", velocity)
        buffer = slots.get("momentum", velocity)
        if fused.run(
            "rmsprop",
            (g, w, velocity, average, buffer),
            (learning_rate, rho, 1 - rho, self.epsilon, self.momentum, self.centered,
             self.momentum > 0),
        ):
            return
        step = self._buffer(slots, "_scratch", w)
        velocity *= rho
        velocity += xp.multiply(xp.multiply(g, g, out=step), 1 - rho, out=step)
        if self.centered:
            average *= rho
            average += xp.multiply(g, 1 - rho, out=step)
            xp.subtract(velocity, xp.multiply(average, average, out=step), out=step)
            step += self.epsilon
        else:
            xp.add(velocity, self.epsilon, out=step)
        xp.sqrt(step, out=step)
        xp.divide(g, step, out=step)
        step *= learning_rate
        if self.momentum > 0:
            buffer *= self.momentum
            buffer += step
            w -= buffer
        else:
            w -= step

    def get_config(self):
        return {
            **super().get_config(),
            "rho": self.rho,
            "momentum": self.momentum,
            "epsilon": self.epsilon,
            "centered": self.centered,
        }
