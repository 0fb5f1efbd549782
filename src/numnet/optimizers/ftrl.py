"""FTRL-Proximal (McMahan et al., 2013): per-coordinate rates with L1 and L2 regularization."""

from __future__ import annotations

from .. import backend
from ..fast import updates as fused
from .base import Optimizer


class Ftrl(Optimizer):
    """FTRL-Proximal ("follow the regularized leader"), for sparse linear models.

    Keras 3's rule, with p = -learning_rate_power (0.5 by default: square roots),
    ``accumulator`` (the paper's n) starting at initial_accumulator_value and ``linear`` (z)
    at 0::

        g_shrunk = g + 2 * l2_shrinkage_regularization_strength * w
        accumulator_new = accumulator + g^2
        sigma = (accumulator_new^p - accumulator^p) / learning_rate
        linear = linear + g_shrunk - sigma * w
        quadratic = accumulator_new^p / learning_rate + 2 * l2
        w = (clip(linear, -l1, l1) - linear) / quadratic
        accumulator = accumulator_new

    where l1 = l1_regularization_strength and l2 = l2_regularization_strength
    + beta / (2 * learning_rate). The paper writes the last step as ``w = 0`` if |z| <= l1,
    else ``w = -(z - sign(z) * l1) / ((beta + sqrt(n)) / alpha + l2)``: the same for p = 0.5,
    with Keras's ``2 * l2`` in place of the paper's l2 and the accumulator starting at 0.1
    instead of 0. Note that w does not depend on its previous value except through linear.

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). Defaults to ``0.001``.
        learning_rate_power: −p, the power of the accumulator in the step size (≤ 0; −0.5 gives
            square roots). Defaults to ``-0.5``.
        initial_accumulator_value: the accumulator's starting value (≥ 0). Defaults to ``0.1``.
        l1_regularization_strength: the L1 penalty l1 (≥ 0), which sets small weights to exactly 0.
            Defaults to ``0.0``.
        l2_regularization_strength: the L2 penalty (≥ 0). Defaults to ``0.0``.
        l2_shrinkage_regularization_strength: an L2 penalty applied through the gradient, g + 2 ·
            strength · w (≥ 0). Defaults to ``0.0``.
        beta: the paper's β, added to the denominator (≥ 0). Defaults to ``0.0``.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``, and Keras 2's ``lr`` and ``decay``.
    """

    def __init__(
        self,
        learning_rate=0.001,
        learning_rate_power: float = -0.5,
        initial_accumulator_value: float = 0.1,
        l1_regularization_strength: float = 0.0,
        l2_regularization_strength: float = 0.0,
        l2_shrinkage_regularization_strength: float = 0.0,
        beta: float = 0.0,
        **kwargs,
    ):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not learning_rate_power <= 0:
            raise ValueError(
                f"Ftrl(learning_rate_power): expected a number <= 0, given "
                f"{learning_rate_power!r}; use 0 for a fixed rate, -0.5 (the default) for "
                "rates shrinking as 1 / sqrt(accumulator)."
            )
        for name, value in (
            ("initial_accumulator_value", initial_accumulator_value),
            ("l1_regularization_strength", l1_regularization_strength),
            ("l2_regularization_strength", l2_regularization_strength),
            ("l2_shrinkage_regularization_strength", l2_shrinkage_regularization_strength),
            ("beta", beta),
        ):
            if not value >= 0:
                raise ValueError(f"Ftrl({name}): expected a number >= 0, given {value!r}.")
        self.learning_rate_power = float(learning_rate_power)
        self.initial_accumulator_value = float(initial_accumulator_value)
        self.l1_regularization_strength = float(l1_regularization_strength)
        self.l2_regularization_strength = float(l2_regularization_strength)
        self.l2_shrinkage_regularization_strength = float(l2_shrinkage_regularization_strength)
        self.beta = float(beta)

    def build_slots(self, variable):
        return {
            "accumulator": backend.xp.full_like(variable.value, self.initial_accumulator_value),
            "linear": self._zeros(variable),
        }

    def update_step(self, g, w, learning_rate, slots):
        xp = backend.xp
        accumulator, linear = slots["accumulator"], slots["linear"]
        p = -self.learning_rate_power
        l1 = self.l1_regularization_strength
        two_l2 = 2 * (self.l2_regularization_strength + self.beta / (2 * learning_rate))
        two_shrinkage = 2 * self.l2_shrinkage_regularization_strength
        if p == 0.5 and fused.run(
            "ftrl", (g, w, accumulator, linear), (learning_rate, l1, two_l2, two_shrinkage)
        ):
            return
        old = self._buffer(slots, "_scratch", w)  # accumulator^p, then sigma * w, then w's
        new = self._buffer(slots, "_scratch2", w)  # accumulator_new^p, then quadratic

        def power(x, out):
            return xp.sqrt(x, out=out) if p == 0.5 else xp.power(x, p, out=out)

        power(accumulator, old)
        accumulator += xp.multiply(g, g, out=new)
        power(accumulator, new)
        xp.subtract(new, old, out=old)
        old /= learning_rate
        old *= w
        linear -= old
        linear += g
        if two_shrinkage > 0:
            linear += xp.multiply(w, two_shrinkage, out=old)
        new /= learning_rate
        new += two_l2
        xp.clip(linear, -l1, l1, out=old)
        old -= linear
        xp.divide(old, new, out=w)

    def get_config(self):
        return {
            **super().get_config(),
            "learning_rate_power": self.learning_rate_power,
            "initial_accumulator_value": self.initial_accumulator_value,
            "l1_regularization_strength": self.l1_regularization_strength,
            "l2_regularization_strength": self.l2_regularization_strength,
            "l2_shrinkage_regularization_strength": self.l2_shrinkage_regularization_strength,
            "beta": self.beta,
        }
