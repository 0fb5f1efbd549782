"""LambdaCallback: hooks given as functions."""

from __future__ import annotations

from .callback import Callback


class LambdaCallback(Callback):
    """LambdaCallback(on_epoch_end=lambda epoch, logs: ...), and likewise for each hook.

    Args:
        on_epoch_begin: ``f(epoch, logs)`` called at each epoch's start, or None. Defaults to
            ``None``.
        on_epoch_end: ``f(epoch, logs)`` called at each epoch's end, or None. Defaults to ``None``.
        on_train_begin: ``f(logs)`` called when training starts, or None. Defaults to ``None``.
        on_train_end: ``f(logs)`` called when training ends, or None. Defaults to ``None``.
        on_train_batch_begin: ``f(batch, logs)`` called before each batch, or None. Defaults to
            ``None``.
        on_train_batch_end: ``f(batch, logs)`` called after each batch, or None. Defaults to
            ``None``.
        **kwargs: any other hook by name (``on_test_begin=...``, ``on_predict_batch_end=...``).
    """

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
