"""LambdaCallback: hooks given as functions."""

from __future__ import annotations

from .callback import Callback


class LambdaCallback(Callback):
    """LambdaCallback(on_epoch_end=lambda epoch, logs: ...), and likewise for each hook."""

    def __init__(self, on_epoch_begin=None, on_epoch_end=None, on_train_begin=None,
                 on_train_end=None, on_train_batch_begin=None, on_train_batch_end=None,
                 **kwargs):
        super().__init__()
        hooks = dict(on_epoch_begin=on_epoch_begin, on_epoch_end=on_epoch_end,
                     on_train_begin=on_train_begin, on_train_end=on_train_end,
                     on_train_batch_begin=on_train_batch_begin,
                     on_train_batch_end=on_train_batch_end, **kwargs)
        for name, fn in hooks.items():
            if fn is not None:
                if not name.startswith("on_"):
                    raise TypeError(f"LambdaCallback(): unknown hook {name!r}.")
                setattr(self, name, fn)
