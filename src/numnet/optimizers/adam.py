"""Adam: momentum on the gradient and on its square, with bias correction."""

from __future__ import annotations

import numpy as np

from .. import backend
from ..fast import updates as fused
from .base import Optimizer


class Adam(Optimizer):
    """Adam: momentum on the gradient and on its square, with bias correction.

    At step t = iterations + 1, with m and v starting at 0, the textbook rule is::

        m = beta_1 * m + (1 - beta_1) * g
        v = beta_2 * v + (1 - beta_2) * g^2
        m_hat = m / (1 - beta_1^t)
        v_hat = v / (1 - beta_2^t)
        w = w - learning_rate * m_hat / (sqrt(v_hat) + epsilon)

    Keras (and numnet) fold the bias correction into the step size, which moves epsilon
    inside the bias correction::

        alpha = learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t)
        w = w - alpha * m / (sqrt(v) + epsilon)

    that is the textbook rule with epsilon replaced by epsilon / sqrt(1 - beta_2^t) (31.6
    times Keras's epsilon at t = 1, the same once beta_2^t is small). PyTorch uses the
    textbook form. As in Keras, alpha is computed in the variable's dtype: in float32,
    1 - 0.999^1 loses the low bits of 0.999, which makes the first steps 6e-6 (relative)
    shorter than in float64.
    amsgrad=True uses ``v_max = max(v_max, v)`` (starts at 0) in place of v.

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). Defaults to ``0.001``.
        beta_1: the decay rate of the first moment m, in [0, 1). Defaults to ``0.9``.
        beta_2: the decay rate of the second moment v, in [0, 1). Defaults to ``0.999``.
        epsilon: the small constant that keeps the division finite; None means the default.
        amsgrad: use the running maximum of v (AMSGrad) in the denominator. Defaults to ``False``.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``, and Keras 2's ``lr`` and ``decay``.

    Example:
        >>> w = numnet.Variable(np.array([1.0], "float32"))
        >>> adam = numnet.optimizers.Adam(learning_rate=0.1)
        >>> adam.apply_gradients([(np.array([0.5], "float32"), w)])   # the first step is about -lr
        >>> w.numpy().round(4)
        array([0.9], dtype=float32)
        >>> model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(1)])
        >>> model.compile(optimizer=numnet.optimizers.Adam(learning_rate=1e-3), loss="mse")
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

    def _step_size(self, learning_rate, t, dtype):
        """learning_rate * sqrt(1 - beta_2^t) / (1 - beta_1^t), computed on host scalars of
        the variable's floating dtype, as Keras does (once a step: the variables of one step
        share it; the dtype's constants are made once)."""
        key = (learning_rate, t, dtype)
        cached = self.__dict__.get("_step_size_cache")
        if cached is not None and cached[0] == key:
            return cached[1]
        constants = self.__dict__.setdefault("_step_size_constants", {})
        found = constants.get(dtype)
        if found is None:
            scalar = np.dtype(dtype).type if np.dtype(dtype).kind == "f" else np.float32
            found = constants[dtype] = (scalar, scalar(1), scalar(self.beta_1),
                                        scalar(self.beta_2))
        scalar, one, beta_1, beta_2 = found
        step = scalar(t)
        correction = np.sqrt(one - beta_2 ** step) / (one - beta_1 ** step)
        size = float(scalar(learning_rate) * correction)
        self.__dict__["_step_size_cache"] = (key, size)
        return size

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        t = self._local_step + 1
        alpha = self._step_size(learning_rate, t, w.dtype)
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
