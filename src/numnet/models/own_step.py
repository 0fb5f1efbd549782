"""numnet's own step: forward, loss, backward into the optimizer's buffers, metrics."""

from __future__ import annotations

import numpy as np

from .. import backend, optimizers
from .. import metrics as metrics_module
from ..autodiff import ops
from ..autodiff.tensor import Tensor, grad_buffers, no_grad


def _feed(x):
    """A batch as the model takes it: a Tensor on the device, or a list of them (a model with
    several inputs)."""
    if type(x) is list:
        return [Tensor(backend.to_device(a)) for a in x]
    return Tensor(backend.to_device(x))


def _mask_as_weights(mask, sample_weight, dtype, mean: bool):
    """The mask of a model's output as sample weights, as Keras 3 applies it to the loss and
    the metrics: 0 where masked, else the sample's weight (1 without), times size / count(kept)
    for a mean (so that the loss is the mean over the kept entries only)."""
    m = mask.astype(dtype)
    if mean:
        kept = float(m.sum())
        m *= m.size / kept if kept else 0.0
    if sample_weight is None:
        return m
    w = backend.to_device(sample_weight).astype(dtype)
    if w.ndim < m.ndim:
        w = w.reshape(w.shape + (1,) * (m.ndim - w.ndim))
    return m * w


class OwnStep:
    """numnet's own training and test step for models that override none of Keras's step methods
    (the stack step, fast/stack_step.py, is its fast path)."""

    # ----- one step -----
    def _loss_value(self, y, out, sample_weight):
        loss = self._loss_obj.reduced(y, out, sample_weight)
        penalties = self.losses
        for penalty in penalties:
            loss = ops.add(loss, penalty)
        return loss

    def _train_step(self, x, y, sample_weight):
        step = self._stack_step
        if step is not None:
            loss = step(x, y, sample_weight)
            if loss is not None:
                return loss
        if self._heads is not None:
            return self._train_step_heads(x, y, sample_weight)
        params = self._fresh_params()
        y = backend.to_device(y)  # each array goes to the device once a step
        if sample_weight is not None:
            sample_weight = backend.to_device(sample_weight)
        out = self._forward(_feed(x), training=True)
        mask = self._output_mask
        loss = self._loss_value(y, out, sample_weight if mask is None else self._masked_weights(
            mask, sample_weight, out))
        self._descend(loss, params)
        self._update_metrics(y, out, sample_weight, mask)
        return loss.value

    def _fresh_params(self) -> list:
        """The weights a step trains, their gradients cleared."""
        params = self._step_params
        if params is None:
            params = self.trainable_weights
        for p in params:
            p.grad = None
        return params

    def _descend(self, loss, params) -> None:
        """Backpropagate ``loss`` into the optimizer's gradient buffers and take its step."""
        with grad_buffers():  # the optimizer's own arrays receive the gradients
            if isinstance(self.optimizer, optimizers.LossScaleOptimizer):
                # d (scale * loss): the optimizer divides the gradients by the scale again, and
                # skips the step (lowering the scale) when they overflow, so NumPy need not warn
                with np.errstate(over="ignore", invalid="ignore"):
                    loss.backward(backend.xp.full(loss.value.shape,
                                                  self.optimizer.dynamic_scale,
                                                  dtype=loss.value.dtype))
            else:
                loss.backward()
        self.optimizer.apply([p.grad for p in params], params)

    def _masked_weights(self, mask, sample_weight, out, mean=None):
        if mean is None:
            mean = getattr(self._loss_obj, "reduction", None) in ("sum_over_batch_size", "mean")
        return _mask_as_weights(mask, sample_weight, out.value.dtype, mean)

    def _update_metrics(self, y, out, sample_weight, mask) -> None:
        for i, metric in enumerate(self._metrics):  # only weighted_metrics see weights
            weight = sample_weight if i >= self._weighted_from else None
            if mask is not None:  # as Keras 3: the output's mask weighs every metric
                weight = self._masked_weights(mask, weight, out, mean=False)
            metric.update_state(y, out.value, weight)

    def _train_step_heads(self, x, y, sample_weight):
        """_train_step for a model of several outputs: the weighted sum of their losses."""
        params = self._fresh_params()
        ys, sws = self._heads.split(y, sample_weight)
        out = self._forward(_feed(x), training=True)
        loss = self._heads.loss(ys, out, sws)
        for penalty in self.losses:
            loss = ops.add(loss, penalty)
        self._descend(loss, params)
        self._heads.update_metrics(ys, out, sws)
        return loss.value

    def _test_step(self, x, y, sample_weight):
        if self._heads is not None:
            ys, sws = self._heads.split(y, sample_weight)
            with no_grad():
                out = self._forward(_feed(x), training=False)
                loss = self._heads.loss(ys, out, sws)
                for penalty in self.losses:
                    loss = ops.add(loss, penalty)
            self._heads.update_metrics(ys, out, sws)
            return loss.value
        y = backend.to_device(y)
        if sample_weight is not None:
            sample_weight = backend.to_device(sample_weight)
        with no_grad():
            out = self._forward(_feed(x), training=False)
            mask = self._output_mask
            loss = self._loss_value(y, out, sample_weight if mask is None
                                    else self._masked_weights(mask, sample_weight, out))
        self._update_metrics(y, out, sample_weight, mask)
        return loss.value

    def _results(self, loss_total: float, count: float) -> dict:
        """The logs of the built-in steps so far: the mean loss of ``count`` rows whose losses
        sum to ``loss_total``, and the compiled metrics. The loss tracker (``model.metrics[0]``)
        is given the same state, so that ``get_metrics_result()`` and callbacks reading it see
        the loss, as Keras's steps update it."""
        tracker = self._loss_tracker
        if tracker is not None and count:
            tracker.total.assign(float(loss_total))
            tracker.count.assign(float(count))
        if self._heads is not None:
            return self._heads.results(loss_total, count)
        logs = {"loss": float(loss_total) / count if count else float("nan")}
        logs.update(metrics_module.results(self._metrics, self._weighted_from))
        return logs
