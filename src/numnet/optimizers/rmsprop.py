"""RMSprop: divide the step by a running root-mean-square of the gradient."""

from __future__ import annotations

from .. import backend
from .base import Optimizer


class RMSprop(Optimizer):
    """Keras 3's rule (``cache`` in the seeds is ``velocity`` here; starts at 0)::

        velocity = rho * velocity + (1 - rho) * g^2
        w = w - learning_rate * g / sqrt(velocity + epsilon)

    centered=True subtracts the squared running mean of g (``average_gradient``) inside the
    root; momentum > 0 accumulates the step: ``m = momentum * m + step; w = w - m``.

    The seeds write ``w - learning_rate * g / (sqrt(cache) + epsilon)``: epsilon outside the root.
    Keras (and numnet) put it inside, which differs only while velocity is near epsilon^2.
    Defaults: learning_rate=0.001, rho=0.9, momentum=0.0, epsilon=1e-7, centered=False.
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
        self.rho, self.momentum = float(rho), float(momentum)
        self.epsilon = 1e-7 if epsilon is None else float(epsilon)
        self.centered = bool(centered)

    def build_slots(self, variable):
        slots = {"velocity": self._zeros(variable), "_scratch": self._zeros(variable)}
        if self.momentum > 0:
            slots["momentum"] = self._zeros(variable)
        if self.centered:
            slots["average_gradient"] = self._zeros(variable)
        return slots

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        velocity, step = slots["velocity"], slots["_scratch"]
        rho = self.rho
        velocity *= rho
        xp.multiply(g, g, out=step)
        step *= 1 - rho
        velocity += step
        if self.centered:
            average = slots["average_gradient"]
            average *= rho
            xp.multiply(g, 1 - rho, out=step)
            average += step
            xp.multiply(average, average, out=step)
            xp.subtract(velocity, step, out=step)
            step += self.epsilon
        else:
            xp.add(velocity, self.epsilon, out=step)
        xp.sqrt(step, out=step)
        xp.divide(g, step, out=step)
        step *= learning_rate
        if self.momentum > 0:
            m = slots["momentum"]
            m *= self.momentum
            m += step
            w -= m
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
