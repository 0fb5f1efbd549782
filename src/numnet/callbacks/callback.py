"""Callback: hooks called by fit / evaluate / predict; CallbackList runs several in order."""

from __future__ import annotations


class Callback:
    """Base class of the callbacks: override the ``on_*`` hooks you need.

    ``fit``, ``evaluate`` and ``predict`` call the hooks at the start and end of training,
    testing and predicting (``on_train_begin(logs)``, ``on_test_end(logs)``, ...), of each
    epoch (``on_epoch_begin(epoch, logs)``, ``on_epoch_end(epoch, logs)``) and of each batch
    (``on_train_batch_begin(batch, logs)``, ``on_train_batch_end(batch, logs)``, and the test
    and predict forms). ``epoch`` and ``batch`` count from 0; ``logs`` is a dict of the current
    values ('loss', the metrics, and at an epoch's end the 'val_' ones), never None.
    ``self.model`` is the model being trained and ``self.params`` holds 'epochs', 'steps' and
    'verbose'. Setting ``self.model.stop_training = True`` ends ``fit`` after the epoch.

    Example:
        >>> class PrintLoss(numnet.callbacks.Callback):
        ...     def on_epoch_end(self, epoch, logs=None):
        ...         print(f"epoch {epoch + 1}: loss {logs['loss']:.3f}")
    """

    def __init__(self):
        self.model = None
        self.params: dict = {}

    def set_model(self, model) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs=None): ...
    def on_train_end(self, logs=None): ...
    def on_epoch_begin(self, epoch, logs=None): ...
    def on_epoch_end(self, epoch, logs=None): ...
    def on_train_batch_begin(self, batch, logs=None): ...
    def on_train_batch_end(self, batch, logs=None): ...
    def on_test_begin(self, logs=None): ...
    def on_test_end(self, logs=None): ...
    def on_test_batch_begin(self, batch, logs=None): ...
    def on_test_batch_end(self, batch, logs=None): ...
    def on_predict_begin(self, logs=None): ...
    def on_predict_end(self, logs=None): ...
    def on_predict_batch_begin(self, batch, logs=None): ...
    def on_predict_batch_end(self, batch, logs=None): ...

    # Keras 2 names
    def on_batch_begin(self, batch, logs=None): ...
    def on_batch_end(self, batch, logs=None): ...


_HOOKS = [name for name in vars(Callback) if name.startswith("on_")]


class CallbackList:
    """Calls each hook on every callback that overrides it (and skips the rest cheaply).

    As Keras's ``keras.callbacks.CallbackList``, it also serves a training loop of one's own:
    its ``on_*`` methods (``on_train_begin(logs)``, ``on_epoch_end(epoch, logs)``, ...) call
    that hook of every callback, with ``logs`` as a dict (``{}`` for None).

    Args:
        callbacks: the callbacks (a list, possibly nested), or None. Defaults to ``()``.
        add_history: add a ``History`` unless the list has one; the model's ``history`` is
            then that History. Defaults to False.
        add_progbar: add a ``ProgbarLogger`` unless the list has one. Defaults to False.
        model: the model they are attached to, or None. Defaults to ``None``.
        params: the training parameters (epochs, steps, verbose) passed to each callback, or None.
            Defaults to ``None``.
        **more_params: further parameters, as Keras's ``CallbackList(..., epochs=3)``.

    Example:
        >>> seen = []
        >>> cb = numnet.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: seen.append(e))
        >>> callbacks = numnet.callbacks.CallbackList([cb], add_history=True, epochs=2)
        >>> for epoch in range(2):
        ...     callbacks.on_epoch_end(epoch, {"loss": 1.0 / (epoch + 1)})
        >>> seen, [type(c).__name__ for c in callbacks]
        ([0, 1], ['LambdaCallback', 'History'])
    """

    # History and ProgbarLogger, which numnet.callbacks fills in (they import this module).
    _history_class = _progbar_class = None

    def __init__(self, callbacks=(), add_history: bool = False, add_progbar: bool = False,
                 model=None, params=None, **more_params):
        History, ProgbarLogger = CallbackList._history_class, CallbackList._progbar_class
        self.callbacks = _flatten(callbacks)
        self._history = next((c for c in self.callbacks if isinstance(c, History)), None)
        if add_history and self._history is None:
            self._history = History()
            self.callbacks.append(self._history)
        if add_progbar and not any(isinstance(c, ProgbarLogger) for c in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if more_params:
            params = {**(params or {}), **more_params}
        self.params = params if params is not None else {}  # (shared with each callback)
        self.model = None
        for cb in self.callbacks:
            if params is not None:
                cb.set_params(params)
        self.set_model(model)
        self._bind()

    def _bind(self) -> None:
        self._bound = {}
        for hook in _HOOKS:
            self._bound[hook] = [
                getattr(cb, hook) for cb in self.callbacks
                if getattr(getattr(cb, hook), "__func__", None) is not getattr(Callback, hook)
            ]
        # Keras 2's on_batch_* alias the training hooks.
        for old, new in (("on_batch_begin", "on_train_batch_begin"),
                         ("on_batch_end", "on_train_batch_end")):
            self._bound[new] = self._bound[new] + self._bound[old]

    def set_model(self, model) -> None:
        """Attach every callback to ``model`` (and make the added History its ``history``)."""
        if model is None:
            return
        self.model = model
        if self._history is not None:
            model.history = self._history
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params: dict) -> None:
        """Give every callback the training parameters ``params``."""
        self.params = params
        for cb in self.callbacks:
            cb.set_params(params)

    def append(self, callback) -> None:
        """Add one more callback at the end."""
        self.callbacks.append(callback)
        if self.model is not None:
            callback.set_model(self.model)
        if self.params:
            callback.set_params(self.params)
        self._bind()

    def wants(self, hook: str) -> bool:
        return bool(self._bound[hook])

    def call(self, hook: str, *args) -> None:
        for fn in self._bound[hook]:
            fn(*args)

    def __iter__(self):
        return iter(self.callbacks)


def _flatten(callbacks) -> list:
    if callbacks is None:
        return []
    if isinstance(callbacks, (list, tuple)):
        return [c for item in callbacks for c in _flatten(item)]
    return [callbacks]


def _hook_method(hook: str):
    takes_index = hook not in ("on_train_begin", "on_train_end", "on_test_begin", "on_test_end",
                               "on_predict_begin", "on_predict_end")

    if takes_index:
        def method(self, index, logs=None):
            self.call(hook, index, {} if logs is None else logs)
    else:
        def method(self, logs=None):
            self.call(hook, {} if logs is None else logs)
    method.__name__ = method.__qualname__ = hook
    method.__doc__ = f"Call ``{hook}`` of every callback (``logs``: a dict, {{}} for None)."
    return method


for _hook in _HOOKS:
    setattr(CallbackList, _hook, _hook_method(_hook))


def get_learning_rate(optimizer) -> float:
    """The optimizer's learning rate as a number: the one set, or a schedule's current value."""
    rate = getattr(optimizer, "_learning_rate", None)
    if isinstance(rate, float):
        return rate
    return float(optimizer.current_learning_rate())


def set_learning_rate(optimizer, value: float, who: str) -> None:
    """Set a number as the optimizer's learning rate; a TypeError if it follows a schedule
    (as Keras: a schedule's rate cannot be overwritten)."""
    rate = getattr(optimizer, "_learning_rate", None)
    if rate is not None and not isinstance(rate, float):
        raise TypeError(
            f"{who}: the optimizer's learning_rate is a schedule ({type(rate).__name__}), "
            "which cannot be changed during training; compile with a number as learning_rate "
            "to use this callback.")
    optimizer.learning_rate = float(value)
