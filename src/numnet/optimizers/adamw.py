"""AdamW: Adam with decoupled weight decay."""

from __future__ import annotations

from .adam import Adam


class AdamW(Adam):
    """AdamW: Adam with decoupled weight decay.

    Adam's step (see ``Adam`` for m, v and the bias correction) after the decay::

        w = w - learning_rate * weight_decay * w
        w = w - alpha * m / (sqrt(v) + epsilon)      (Adam's step, Keras's epsilon placement)

    The decay does not go through m and v, unlike an L2 penalty added to the loss (whose
    gradient weight_decay * w Adam would rescale). PyTorch's AdamW decays the same way,
    ``w = w * (1 - learning_rate * weight_decay)``, and differs only in Adam's epsilon placement.

    PyTorch's default weight_decay is 0.01, Keras 3's 0.004.

    Args:
        learning_rate: the step size η: a float, or a schedule from ``numnet.optimizers.schedules``
            (a function of the step). Defaults to ``0.001``.
        weight_decay: the decay factor: w ← w − η · weight_decay · w each step. Defaults to
            ``0.004``.
        beta_1: the decay rate of the first moment m. Defaults to ``0.9``.
        beta_2: the decay rate of the second moment v. Defaults to ``0.999``.
        epsilon: the small constant that keeps the division finite; None means the default.
        amsgrad: use the running maximum of v in the denominator. Defaults to ``False``.
        **kwargs: the arguments every optimizer takes (see ``Optimizer``): ``weight_decay``,
            ``clipnorm``, ``clipvalue``, ``global_clipnorm``, ``use_ema``, ``ema_momentum``,
            ``ema_overwrite_frequency``, ``loss_scale_factor``, ``gradient_accumulation_steps``,
            ``name``, and Keras 2's ``lr`` and ``decay``.
    """

    def __init__(
        self,
        learning_rate=0.001,
        weight_decay: float = 0.004,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float | None = 1e-7,
        amsgrad: bool = False,
        **kwargs,
    ):
        if weight_decay is None or not weight_decay >= 0:
            raise ValueError(
                f"AdamW(weight_decay): expected a number >= 0, given {weight_decay!r}; the "
                "default is 0.004 (use Adam for no decay)."
            )
        super().__init__(
            learning_rate=learning_rate,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            amsgrad=amsgrad,
            weight_decay=weight_decay,
            **kwargs,
        )
