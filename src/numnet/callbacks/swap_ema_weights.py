"""SwapEMAWeights: evaluate (and optionally checkpoint) with the optimizer's moving average of
the weights instead of the weights themselves."""

from __future__ import annotations

from .callback import Callback


class SwapEMAWeights(Callback):
    """Puts the optimizer's exponential moving average of the weights (``use_ema=True``) into
    the model while it is evaluated or predicts, and the trained weights back afterwards.
    With ``swap_on_epoch=True`` the average is also in the model from the end of each epoch
    to the start of the next, so that callbacks listed after this one (ModelCheckpoint, ...)
    see it, and the model ends training holding the average.

    Args:
        swap_on_epoch: also swap at the end of each epoch (and back at the start of the next).
            Defaults to ``False``.

    Raises:
        ValueError: when the model's optimizer does not keep an average (``use_ema=False``).

    Example:
        >>> model.compile(optimizer=numnet.optimizers.SGD(use_ema=True), loss="mse")
        >>> model.fit(x, y, validation_data=(x_val, y_val),
        ...           callbacks=[numnet.callbacks.SwapEMAWeights(swap_on_epoch=True)])
    """

    def __init__(self, swap_on_epoch: bool = False):
        super().__init__()
        self.swap_on_epoch = bool(swap_on_epoch)
        self._ema_weights_in_model = False

    def _averages(self) -> dict:
        """{variable uid: its average}, from the optimizer, or from those of a
        MultiOptimizer's inner optimizers that keep one."""
        optimizer = self.model.optimizer
        optimizer = getattr(optimizer, "inner_optimizer", optimizer)
        inner = getattr(optimizer, "optimizers", None)
        keeping = [o for o in (inner if inner is not None else [optimizer])
                   if getattr(o, "use_ema", False)]
        if not keeping:
            raise ValueError("SwapEMAWeights: the model's optimizer keeps no moving average of "
                             "the weights (use_ema=False); make it with use_ema=True, e.g. "
                             "numnet.optimizers.Adam(use_ema=True) (for a MultiOptimizer, at "
                             "least one inner optimizer).")
        averages: dict = {}
        for o in keeping:
            averages.update(o._ema)
        return averages

    def _pairs(self):
        averages = self._averages()
        return [(var, averages[var.uid]) for var in self.model.trainable_weights
                if var.uid in averages]

    def _swap(self) -> None:
        for var, average in self._pairs():
            weights = var.value.copy()
            var.value[...] = average
            average[...] = weights

    def _average_from_model(self) -> None:
        for var, average in self._pairs():
            average[...] = var.value

    def on_epoch_begin(self, epoch, logs=None):
        if self.swap_on_epoch and self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = False

    def on_epoch_end(self, epoch, logs=None):
        if self.swap_on_epoch and not self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = True
            if epoch == (self.params or {}).get("epochs", -1) - 1:
                # the last epoch: the average stays, and finalizing it leaves it in place
                self._average_from_model()

    def on_test_begin(self, logs=None):
        if not self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = True

    def on_test_end(self, logs=None):
        if self._ema_weights_in_model:
            self._swap()
            self._ema_weights_in_model = False

    on_predict_begin = on_test_begin
    on_predict_end = on_test_end
