"""evaluate, predict and the methods on one batch."""

from __future__ import annotations

import numpy as np

from .. import backend
from ..autodiff.tensor import Tensor, no_grad
from ..callbacks import CallbackList, ProgbarLogger
from ..fast import threads
from ..layers.base import (
    reject_unknown_kwargs,
)
from . import adapters, data, steps
from . import outputs as outputs_module
from .arguments import (
    _callback_list,
    _check_batch_size,
    _check_positive_int,
    _resolve_verbose,
    _rows,
)
from .logs import _add_loss, _BatchHooks, _LazyLogs, _loss_total
from .own_step import _feed
from .steps import KerasSteps


class Evaluation:
    """evaluate and predict, and the single-batch methods."""

    def _run_test(self, it, cb) -> dict | None:
        """Loss and metrics over one epoch of ``it`` (no training), with the test hooks;
        None when the data gave no batch."""
        if self._custom:
            return self._run_test_steps(it, cb)
        for metric in self._metrics:
            metric.reset_state()
        cb.call("on_test_begin", {})
        hooks = _BatchHooks(cb, "on_test_batch", getattr(self, "_steps_per_execution", 1))
        loss_total, seen, step = _loss_total(), 0, 0
        for xb, yb, swb in it.epoch(None):
            hooks.begin(step)
            count = len(xb) if type(xb) is np.ndarray else steps.batch_rows(xb)
            loss_total = _add_loss(loss_total, self._test_step(xb, yb, swb), count)
            seen += count
            if hooks.wants_end:
                running = (loss_total, seen)
                hooks.end(step, lambda r=running: _LazyLogs(lambda: self._results(*r), r))
            step += 1
        hooks.finish()
        it.end_epoch()
        logs = self._results(loss_total, seen) if seen else None
        cb.call("on_test_end", logs if logs is not None else {})
        return logs

    def _run_test_steps(self, it, cb) -> dict | None:
        """_run_test through test_step (models/steps.py)."""
        for metric in self.metrics:
            metric.reset_state()
        cb.call("on_test_begin", {})
        hooks = _BatchHooks(cb, "on_test_batch", getattr(self, "_steps_per_execution", 1))
        logs, step = None, 0
        for xb, yb, swb in it.epoch(None):
            hooks.begin(step)
            logs = steps.pythonify_logs(self.test_step(steps.batch_data(xb, yb, swb)))
            hooks.end(step, lambda done=logs: dict(done))
            step += 1
        hooks.finish()
        it.end_epoch()
        if logs is not None:
            logs = self._metrics_result_or_logs(logs)
        cb.call("on_test_end", logs if logs is not None else {})
        return logs

    # ----- evaluate / predict -----
    @threads.in_scope
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict: bool = False, **kwargs):
        """Loss and metrics on (x, y): a scalar loss, a list [loss, *metrics], or a dict; for a
        model of several outputs the list is [loss, *each output's loss, *metrics by name], as
        Keras 3's.

        x, y, sample_weight as in fit (arrays, a memory-mapped array, a PyDataset, or a
        generator of batches); ``steps``: at most this many batches. batch_size defaults to 32.

        Args:
            x: the inputs, as for ``fit``: arrays, a memory-mapped array, a PyDataset or a generator
                of batches. Defaults to ``None``.
            y: the targets, or None when x yields them. Defaults to ``None``.
            batch_size: the batch size for arrays (None: 32). Defaults to ``None``.
            verbose: 'auto' (1), 0, 1 (a progress bar) or 2. Defaults to ``'auto'``.
            sample_weight: one weight per sample, or None. Defaults to ``None``.
            steps: at most this many batches; None for all. Defaults to ``None``.
            callbacks: a list of callbacks, or None. Defaults to ``None``.
            return_dict: return ``{name: value}`` instead of a list. Defaults to ``False``.
            **kwargs: Keras's other arguments, accepted.

        Returns:
            The loss alone (no metrics), the list [loss, *metrics] (for several outputs
            [loss, *each output's loss, *metrics]), or a dict with ``return_dict``.

        Example:
            >>> model = numnet.Sequential([numnet.Input((2,)), numnet.layers.Dense(1)])
            >>> model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
            >>> loss, mae = model.evaluate(np.zeros((4, 2)), np.zeros((4, 1)), verbose=0)
            >>> loss, mae
            (0.0, 0.0)
        """
        reject_unknown_kwargs("evaluate()", kwargs, ["x", "y", "batch_size", "verbose",
                                                     "sample_weight", "steps", "callbacks",
                                                     "return_dict"])
        self._require_compiled("evaluate()")
        batch_size = _check_batch_size(batch_size, "evaluate")
        if steps is not None:
            _check_positive_int(steps, "evaluate(steps)")
        cbs = _callback_list(callbacks, "evaluate")
        custom = self._custom_steps(x)
        if custom:
            it, _ = self._struct_data(x, y, sample_weight, batch_size, "evaluate",
                                      steps_count=steps)
        else:
            it, (_, sample_y), _ = self._data(x, y, sample_weight, batch_size, "evaluate",
                                              steps=steps)
            if self._heads is not None and isinstance(sample_y, (dict, list, tuple)):
                # a dataset's first targets, by output name or in output order: packed as
                # arrays given to evaluate are (as fit does)
                rows = len(next(iter(sample_y.values() if isinstance(sample_y, dict)
                                     else sample_y)))
                sample_y = self._heads.targets(sample_y, rows, "evaluate")
            self._resolve_metrics(sample_y[:batch_size])
        verbose = _resolve_verbose(verbose)
        if verbose and not any(isinstance(c, ProgbarLogger) for c in cbs):
            cbs.append(ProgbarLogger())
        cb = CallbackList(cbs, model=self,
                          params={"epochs": 1, "steps": it.steps, "verbose": verbose})
        self._custom = custom
        it.reset(peek=self._first_data_since_compile())
        try:
            logs = self._run_test(it, cb)
        finally:
            it.close()
            self._custom = False
        if logs is None:
            raise ValueError("evaluate(x): the data gave no batch to evaluate.")
        if custom:
            if return_dict:
                return logs
            values = list(logs.values())
            return values[0] if len(values) == 1 else values
        if return_dict or self._heads is not None:
            return self._batch_result(logs, return_dict)
        if not self._metrics:
            return logs["loss"]
        return [logs[name] for name in self.metrics_names]

    @threads.in_scope
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """The model's outputs for x, computed in batches, as a NumPy array (a list of them in
        the order of model.outputs, or a dict by output name, for a model of several outputs).

        x: arrays, a memory-mapped array, a PyDataset or a generator (of x, or of tuples whose
        first item is x); ``steps``: at most this many batches. batch_size defaults to 32.

        Args:
            x: the inputs: arrays, a memory-mapped array, a PyDataset or a generator (of x, or of
                tuples whose first item is x).
            batch_size: the batch size for arrays (None: 32). Defaults to ``None``.
            verbose: 'auto' (1), 0, 1 or 2. Defaults to ``'auto'``.
            steps: at most this many batches; None for all. Defaults to ``None``.
            callbacks: a list of callbacks, or None. Defaults to ``None``.
            **kwargs: Keras's other arguments, accepted.

        Returns:
            A NumPy array of outputs (a list or dict of them for several outputs).

        Example:
            >>> model = numnet.Sequential([numnet.Input((2,)), numnet.layers.Dense(3)])
            >>> model.predict(np.zeros((4, 2)), verbose=0).shape
            (4, 3)
        """
        reject_unknown_kwargs("predict()", kwargs, ["x", "batch_size", "verbose", "steps",
                                                    "callbacks"])
        batch_size = _check_batch_size(batch_size, "predict")
        if steps is not None:
            _check_positive_int(steps, "predict(steps)")
        verbose = _resolve_verbose(verbose)
        if type(self).predict_step is not KerasSteps.predict_step or self._structured_inputs(x):
            return self._predict_steps(x, batch_size, steps)
        if (not verbose and callbacks is None and steps is None
                and self._graph is None
                and adapters.kind_of(x) == "array" and not adapters.is_memmap(x)
                and 0 < _rows(x) <= batch_size):
            # one batch of in-memory rows, nothing to report: no iterator, no callbacks (a
            # third of predict's time on a row); the same checks, forward pass and copy out
            x = self._prepare_x(x, "predict")
            with no_grad():
                out = self._forward(Tensor(backend.to_device(x)), False)
            if not isinstance(out, Tensor):  # a structure a subclassed call returned
                return _to_host(out)
            return self._keyed(np.array(backend.to_numpy(out.value)))
        cbs = _callback_list(callbacks, "predict")
        it, _, _ = self._data(x, None, None, batch_size, "predict", steps=steps, targets=False)
        if verbose and not any(isinstance(c, ProgbarLogger) for c in cbs):
            cbs.append(ProgbarLogger())
        cb = CallbackList(cbs, model=self,
                          params={"epochs": 1, "steps": it.steps, "verbose": verbose})
        batch_begin = cb.wants("on_predict_batch_begin")
        batch_end = cb.wants("on_predict_batch_end")
        cb.call("on_predict_begin", {})
        outputs = []
        try:
            with no_grad():
                for step, (xb, _, _) in enumerate(it.epoch(None)):
                    if batch_begin:
                        cb.call("on_predict_batch_begin", step, {})
                    out = self._forward(_feed(xb), False)
                    out = (backend.to_numpy(out.value) if isinstance(out, Tensor)
                           else [backend.to_numpy(t.value) for t in out] if type(out) is list
                           and self._output_names is not None else _to_host(out))
                    outputs.append(out)
                    if batch_end:
                        cb.call("on_predict_batch_end", step, {"outputs": out})
            it.end_epoch()
        finally:
            it.close()
        cb.call("on_predict_end", {})
        if not outputs:
            raise ValueError("predict(x): the data gave no batch to predict.")
        if self._output_names is not None:  # a list (or dict) of arrays, one per output
            arrays = [np.concatenate(parts, axis=0) for parts in zip(*outputs, strict=True)]
            if isinstance(self._output, dict):
                return dict(zip(self._output_names, arrays, strict=True))
            if outputs_module.is_nested(self._output) or isinstance(self._output, tuple):
                # (pairs a layer returned, a tuple or namedtuple: as given)
                return outputs_module.pack(self._output, arrays)
            return arrays
        if not isinstance(outputs[0], np.ndarray):  # a subclassed call's tuple, list or dict
            return _concatenate(outputs)
        return self._keyed(np.concatenate(outputs, axis=0))

    def _keyed(self, array):
        """predict's array as the model's output structure: ``{key: array}`` for a model
        whose one output was given as a dict of one."""
        key = self.__dict__.get("_output_key")
        return array if key is None else {key: array}

    def _predict_steps(self, x, batch_size, steps_count):
        """predict through predict_step (models/steps.py): outputs of any structure."""
        it, _ = self._struct_data(x, None, None, batch_size, "predict", steps_count=steps_count)
        outputs = []
        try:
            with no_grad():
                for xb, _, _ in it.epoch(None):
                    out = self.predict_step(steps.batch_data(xb, None, None))
                    outputs.append(_to_host(out))
            it.end_epoch()
        finally:
            it.close()
        if not outputs:
            raise ValueError("predict(x): the data gave no batch to predict.")
        return _concatenate(outputs)

    @threads.in_scope
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict: bool = False):
        """One optimizer step on one batch; returns the loss (and metrics) of that batch.

        A model that overrides ``train_step`` or ``compute_loss`` (or has no compiled loss)
        takes its own step, as ``fit`` does."""
        self._require_compiled("train_on_batch()")
        if class_weight is not None:
            self._check_class_weight("train_on_batch")
        if self._custom_steps(x):
            if class_weight is not None:
                weights = data.class_weights_to_sample_weights(
                    class_weight, np.asarray(getattr(y, "value", y)), "train_on_batch")
                sample_weight = data.times_class_weights(sample_weight, weights)
            return self._own_batch(self.train_step, x, y, sample_weight, return_dict)
        x, y, sample_weight = self._prepare(x, y, sample_weight, "train_on_batch")
        if class_weight is not None:
            cw = data.class_weights_to_sample_weights(class_weight, y, "train_on_batch")
            sample_weight = data.times_class_weights(sample_weight, cw)
        self._resolve_metrics(y)
        for metric in self._metrics:
            metric.reset_state()
        loss = float(self._train_step(x, y, sample_weight))
        return self._batch_result(self._results(loss, 1), return_dict)

    @threads.in_scope
    def test_on_batch(self, x, y=None, sample_weight=None, return_dict: bool = False):
        """Loss (and metrics) on one batch, without training (through an overridden
        ``test_step`` or ``compute_loss``, as ``evaluate``)."""
        self._require_compiled("test_on_batch()")
        if self._custom_steps(x):
            with no_grad():
                return self._own_batch(self.test_step, x, y, sample_weight, return_dict)
        x, y, sample_weight = self._prepare(x, y, sample_weight, "test_on_batch")
        self._resolve_metrics(y)
        for metric in self._metrics:
            metric.reset_state()
        loss = float(self._test_step(x, y, sample_weight))
        return self._batch_result(self._results(loss, 1), return_dict)

    def _own_batch(self, step, x, y, sample_weight, return_dict: bool):
        """One call of the model's own ``train_step`` / ``test_step`` on a batch, the metrics
        reset first, as Keras's train_on_batch; the logs as a dict, or as a list in the order
        of ``self.metrics`` (then the other keys, sorted), a lone value unlisted."""
        self.reset_metrics()
        logs = steps.pythonify_logs(step(steps.batch_data(x, y, sample_weight)))
        if return_dict:
            return logs
        names = [metric.name for metric in self.metrics]
        out = [logs[name] for name in names if name in logs]
        out += [logs[key] for key in sorted(logs) if key not in names]
        return out[0] if len(out) == 1 else out

    def predict_on_batch(self, x):
        if self._graph is not None:
            return self.predict(x, batch_size=len(self._input_arrays(x, "predict_on_batch")[0]),
                                verbose=0)
        return self.predict(x, batch_size=len(x), verbose=0)

    def _batch_result(self, logs, return_dict):
        if return_dict:
            return logs
        if self._heads is not None:
            names = self.metrics_names
            return [logs[name] for name in names] if len(names) > 1 else logs["loss"]
        if not self._metrics:
            return logs["loss"]
        return [logs["loss"]] + [logs[name] for name in self.metrics_names[1:]]


def _to_host(out):
    if isinstance(out, dict):
        return {k: _to_host(v) for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return type(out)(_to_host(v) for v in out)
    return np.asarray(backend.to_numpy(getattr(out, "value", out)))


def _concatenate(parts: list):
    first = parts[0]
    if isinstance(first, dict):
        return {k: _concatenate([p[k] for p in parts]) for k in first}
    if isinstance(first, (list, tuple)):
        return type(first)(_concatenate([p[i] for p in parts]) for i in range(len(first)))
    return np.concatenate(parts, axis=0) if np.ndim(first) else np.asarray(parts)
