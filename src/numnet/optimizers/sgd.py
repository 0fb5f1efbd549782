"""Stochastic gradient descent, with momentum and Nesterov momentum."""

from __future__ import annotations

from .. import backend
from ..fast import updates as fused
from .base import Optimizer


class SGD(Optimizer):
    """Gradient descent on each batch.

    Without momentum::

        w = w - learning_rate * g

    With momentum (``velocity`` starts at 0)::

        velocity = momentum * velocity - learning_rate * g
        w = w + velocity                                   (nesterov=False)
        w = w + momentum * velocity - learning_rate * g    (nesterov=True)

    This is Keras's rule. PyTorch keeps ``buf = momentum * buf + g`` and steps
    ``w = w - learning_rate * buf``: the same weights while the learning rate is constant
    (``velocity = -learning_rate * buf``), different ones after it changes.

    Plain (full-batch) gradient descent, one step per epoch on the gradient of the whole
    training set, is this optimizer with ``model.fit(x, y, batch_size=len(x))``;
    ``batch_size=1`` is the stochastic gradient descent of one example per step.

    From w = 1 with g = 1 at every step, ``SGD(learning_rate=0.1, momentum=0.9)`` gives
    velocity = -0.1, w = 0.9 after one step and velocity = -0.19, w = 0.71 after two.

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). Defaults to ``0.01``.
        momentum: the fraction of the previous velocity kept each step, in [0, 1]; 0 is plain SGD.
            Defaults to ``0.0``.
        nesterov: take the gradient step from the look-ahead point (Nesterov momentum). Defaults to
            ``False``.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``, and Keras 2's ``lr`` and ``decay``.

    Raises:
        ValueError: for a momentum outside [0, 1].

    Example:
        >>> w = numnet.Variable(np.array([1.0], "float32"))
        >>> sgd = numnet.optimizers.SGD(learning_rate=0.1, momentum=0.9)
        >>> for _ in range(2):
        ...     sgd.apply_gradients([(np.array([1.0], "float32"), w)])
        >>> w.numpy().round(4)
        array([0.71], dtype=float32)
    """

    def __init__(self, learning_rate=0.01, momentum: float = 0.0, nesterov: bool = False, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0 <= momentum <= 1:
            raise ValueError(f"SGD(momentum): expected a number in [0, 1], given {momentum!r}.")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)

    def build_slots(self, variable):
        return {"velocity": self._zeros(variable)} if self.momentum else {}

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        if not self.momentum:
            if fused.axpy(g, w, -learning_rate) or fused.run("sgd", (g, w), (learning_rate,)):
                return
            w -= xp.multiply(g, learning_rate, out=self._buffer(slots, "_scratch", w))
            return
        velocity = slots["velocity"]
        if fused.run(
            "sgd_momentum", (g, w, velocity), (learning_rate, self.momentum, self.nesterov)
        ):
            return
        step = xp.multiply(g, learning_rate, out=self._buffer(slots, "_scratch", w))
        velocity *= self.momentum
        velocity -= step  # velocity = momentum * velocity - learning_rate * g
        if self.nesterov:
            w -= step
            w += xp.multiply(velocity, self.momentum, out=step)
        else:
            w += velocity

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum, "nesterov": self.nesterov}
