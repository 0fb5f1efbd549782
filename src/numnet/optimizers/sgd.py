"""Stochastic gradient descent, with momentum and Nesterov momentum."""

from __future__ import annotations

from .base import Optimizer


class SGD(Optimizer):
    """Gradient descent on each batch (full-batch gradient descent: ``batch_size=len(x)``).

    Without momentum::

        w = w - learning_rate * g

    With momentum (the seeds' form; ``velocity`` starts at 0)::

        velocity = momentum * velocity - learning_rate * g
        w = w + velocity                                   (nesterov=False)
        w = w + momentum * velocity - learning_rate * g    (nesterov=True)

    Defaults: learning_rate=0.01, momentum=0.0, nesterov=False (Keras 3).
    """

    def __init__(self, learning_rate=0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"SGD(momentum): expected a number in [0, 1], given {momentum!r}.")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def build_slots(self, variable):
        if self.momentum == 0:
            return {}
        return {"velocity": self._zeros(variable), "_scratch": self._zeros(variable)}

    def update_step(self, g, w, learning_rate, slots):
        if self.momentum == 0:
            w -= learning_rate * g
            return
        velocity, scratch = slots["velocity"], slots["_scratch"]
        velocity *= self.momentum
        scratch[...] = g
        scratch *= learning_rate
        velocity -= scratch
        if self.nesterov:
            w -= scratch
            scratch[...] = velocity
            scratch *= self.momentum
            w += scratch
        else:
            w += velocity

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
