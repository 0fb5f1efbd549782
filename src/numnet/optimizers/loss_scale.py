"""LossScaleOptimizer: dynamic loss scaling around another optimizer (Keras 3's rule).

With float16 activations, small gradients underflow to zero. Training multiplies the loss by
``dynamic_scale`` before backward (``scale_loss``), so every gradient is that much larger, and
this optimizer divides the gradients by the same scale before the inner optimizer's update:

- all gradients finite: g <- g / scale, the inner optimizer's step; then, if this is the
  ``dynamic_growth_steps``-th such step in a row, scale <- 2 scale and the count restarts;
- any gradient NaN or infinite: no update (the inner optimizer's iterations do not advance),
  scale <- scale / 2, and the count restarts.

The learning rate, iterations, state and configuration are the inner optimizer's; ``fit`` scales
the loss itself when the model's optimizer is one of these (``compile`` makes one under the
"mixed_float16" policy; see ``numnet.mixed_precision``).
"""

from __future__ import annotations

import math
import numbers

from .. import backend
from .base import Optimizer

_registry: dict = {}  # get and serialize of numnet.optimizers, registered by it


class LossScaleOptimizer(Optimizer):
    """Wraps ``inner_optimizer`` (an optimizer or its name) with dynamic loss scaling.

    The loss is multiplied by the scale before the backward pass and the gradients divided by
    it, so that float16 gradients do not underflow. When a gradient is not finite the step is
    skipped and the scale halved; after ``dynamic_growth_steps`` finite steps it is doubled.

    Args:
        inner_optimizer: the optimizer that applies the unscaled gradients, or its name.
        initial_scale: the first loss scale. Defaults to ``2.0 ** 15``.
        dynamic_growth_steps: the number of finite steps after which the scale doubles. Defaults to
            ``2000``.
        name: the optimizer's name; None gives 'loss_scale_optimizer'. Defaults to ``None``.
        **kwargs: ``dynamic=True`` (the only mode, as in Keras 3).

    Raises:
        ValueError: for ``dynamic=False``.
    """

    def __init__(self, inner_optimizer, initial_scale: float = 2.0**15,
                 dynamic_growth_steps: int = 2000, name: str | None = None, **kwargs):
        get = _registry["get"]  # (set by the optimizers package, which imports this module)
        if kwargs.pop("dynamic", True) is not True:
            raise ValueError("LossScaleOptimizer(dynamic=False) is not supported (nor in Keras "
                             "3); set the inner optimizer's loss_scale_factor instead.")
        # Keras 3 files may carry the base optimizer's arguments at their defaults: accepted as
        # such, refused otherwise.
        defaults = {"weight_decay": None, "clipnorm": None, "global_clipnorm": None,
                    "clipvalue": None, "use_ema": False, "ema_momentum": 0.99,
                    "ema_overwrite_frequency": None, "loss_scale_factor": None,
                    "gradient_accumulation_steps": None, "learning_rate": None}
        for key, value in kwargs.items():
            if key not in defaults:
                raise TypeError(f"LossScaleOptimizer() got an unexpected keyword argument "
                                f"{key!r}.")
            if value != defaults[key]:
                raise ValueError(f"LossScaleOptimizer({key}={value!r}): set {key} on the inner "
                                 "optimizer instead.")
        if isinstance(inner_optimizer, LossScaleOptimizer):
            raise ValueError("LossScaleOptimizer(inner_optimizer): given a LossScaleOptimizer; "
                             "wrap the optimizer itself once.")
        inner = get(inner_optimizer)
        if (isinstance(initial_scale, bool) or not isinstance(initial_scale, numbers.Real)
                or not math.isfinite(initial_scale) or initial_scale <= 0):
            raise ValueError(f"LossScaleOptimizer(initial_scale): expected a finite number > 0, "
                             f"given {initial_scale!r}.")
        if (isinstance(dynamic_growth_steps, bool) or not isinstance(dynamic_growth_steps, int)
                or dynamic_growth_steps < 1):
            raise ValueError(f"LossScaleOptimizer(dynamic_growth_steps): expected an integer "
                             f">= 1, given {dynamic_growth_steps!r}.")
        self.__dict__["inner_optimizer"] = inner
        self.name = name or "loss_scale_optimizer"
        self.initial_scale = float(initial_scale)
        self.dynamic_growth_steps = int(dynamic_growth_steps)
        self.dynamic_scale = float(initial_scale)
        self.step_counter = 0

    # ----- the update -----
    def scale_loss(self, loss):
        """loss * the current scale."""
        return loss * self.dynamic_scale

    def apply(self, grads, variables=None) -> None:
        grads, variables = self._lists(grads, variables)
        xp = backend.xp
        grads = [None if g is None else backend.to_device(getattr(g, "value", g)) for g in grads]
        finite = all(bool(xp.isfinite(g).all()) for g in grads if g is not None)
        if not finite:
            self.dynamic_scale *= 0.5
            self.step_counter = 0
            return
        scale = self.dynamic_scale
        self.inner_optimizer.apply([None if g is None else g / g.dtype.type(scale)
                                    for g in grads], variables)
        if self.step_counter == self.dynamic_growth_steps - 1:
            self.step_counter = 0
            self.dynamic_scale *= 2.0
        else:
            self.step_counter += 1

    # ----- everything else is the inner optimizer's -----
    @property
    def learning_rate(self):
        return self.inner_optimizer.learning_rate

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        self.inner_optimizer.learning_rate = value

    lr = learning_rate

    def current_learning_rate(self) -> float:
        return self.inner_optimizer.current_learning_rate()

    @property
    def iterations(self):
        return self.inner_optimizer.iterations

    @property
    def variables(self) -> list:
        return self.inner_optimizer.variables

    def build(self, variables) -> None:
        self.inner_optimizer.build(variables)

    def finalize_variable_values(self, variables) -> None:
        self.inner_optimizer.finalize_variable_values(variables)

    def exclude_from_weight_decay(self, var_list=None, var_names=None) -> None:
        self.inner_optimizer.exclude_from_weight_decay(var_list, var_names)

    # the state a model file keeps (numnet.saving.optimizer_state)
    _slots = property(lambda self: self.inner_optimizer._slots)
    _ema = property(lambda self: self.inner_optimizer._ema)
    gradient_accumulation_steps = property(
        lambda self: self.inner_optimizer.gradient_accumulation_steps)

    @property
    def _step(self) -> int:
        return self.inner_optimizer._step

    @_step.setter
    def _step(self, value: int) -> None:
        self.inner_optimizer._step = value

    @property
    def _exclude_from_weight_decay(self) -> set:
        return self.inner_optimizer._exclude_from_weight_decay

    @_exclude_from_weight_decay.setter
    def _exclude_from_weight_decay(self, value) -> None:
        self.inner_optimizer._exclude_from_weight_decay = value

    def __getattr__(self, name):  # other settings (clipnorm, use_ema, ...): the inner one's
        if name.startswith("__") or "inner_optimizer" not in self.__dict__:
            raise AttributeError(name)
        return getattr(self.__dict__["inner_optimizer"], name)

    # ----- config -----
    def get_config(self) -> dict:
        serialize = _registry["serialize"]
        return {"name": self.name, "inner_optimizer": serialize(self.inner_optimizer),
                "initial_scale": self.initial_scale,
                "dynamic_growth_steps": self.dynamic_growth_steps}

    @classmethod
    def from_config(cls, config: dict):
        config = dict(config)
        return cls(config.pop("inner_optimizer"), **config)

    def __repr__(self) -> str:
        return (f"<LossScaleOptimizer of {self.inner_optimizer!r}, "
                f"scale={self.dynamic_scale:g}>")


__all__ = ["LossScaleOptimizer"]
