"""``keras.mixed_precision``: dtype policies and loss scaling.

The policies live in ``numnet.dtype_policies`` (the bottom floor: every layer reads its
policy); ``LossScaleOptimizer`` in ``numnet.optimizers``. This module is the public surface
that gathers both, as Keras's ``keras.mixed_precision``.
"""

from __future__ import annotations

from .dtype_policies import *  # noqa: F403
from .dtype_policies import __all__ as _policy_names
from .optimizers.loss_scale import LossScaleOptimizer

__all__ = [*_policy_names, "LossScaleOptimizer"]
