"""AdamW: Adam with decoupled weight decay."""

from __future__ import annotations

from .adam import Adam


class AdamW(Adam):
    """Adam (see ``Adam`` for m, v and the bias correction) after a decoupled weight decay::

        w = w - learning_rate * weight_decay * w
        w = w - alpha * m / (sqrt(v) + epsilon)      (Adam's step, Keras's epsilon placement)

    The decay does not go through m and v, unlike an L2 penalty added to the loss (whose
    gradient weight_decay * w Adam would rescale). PyTorch's AdamW decays the same way,
    ``w = w * (1 - learning_rate * weight_decay)``, and differs only in Adam's epsilon placement.

    Defaults: learning_rate=0.001, weight_decay=0.004, beta_1=0.9, beta_2=0.999, epsilon=1e-7,
    amsgrad=False (Keras 3; PyTorch's default weight_decay is 0.01).
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
