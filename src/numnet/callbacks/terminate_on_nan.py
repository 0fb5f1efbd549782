"""TerminateOnNaN: stop as soon as the loss is NaN or infinite."""

from __future__ import annotations

import math

from .callback import Callback


class TerminateOnNaN(Callback):
    """After each batch, if the epoch's running loss is NaN or infinite: stop training after
    this batch (printing "Batch b: Invalid loss, terminating training"), or with
    ``raise_error=True`` raise a RuntimeError at once. Defaults: raise_error=False.

    Args:
        raise_error: raise a RuntimeError at once instead of stopping after the batch. Defaults to
            ``False``.
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = raise_error

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or math.isfinite(float(loss)):
            return
        if self.raise_error:
            raise RuntimeError(f"NaN or Inf loss encountered at batch {batch}. Loss value: "
                               f"{loss}. Terminating training immediately.")
        print(f"Batch {batch}: Invalid loss, terminating training")
        self.model.stop_training = True
