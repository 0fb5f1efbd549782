"""The training step's seams, as Keras 3 has them: ``train_step``, ``test_step``,
``predict_step``, ``compute_loss``, ``compute_metrics`` and ``metrics``.

A model that overrides any of them (the Keras guides' "Customizing what happens in fit"), or
that has no compiled loss (its losses come from ``add_loss``), trains through these methods:
``fit`` hands each batch to ``train_step(data)`` with ``data`` as Keras gives it (``(x,)``,
``(x, y)`` or ``(x, y, sample_weight)``, Tensors) and logs what it returns. A model that
overrides nothing keeps numnet's own step (and its fast path, fast/stack_step.py); both
compute the same numbers.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from .. import backend
from .. import metrics as metrics_module
from ..autodiff import ops
from ..autodiff.tape import GradientTape
from ..autodiff.tensor import Tensor, no_grad
from ..layers.base import _call_spec
from . import outputs as outputs_module
from .adapters import ArraySource
from .data import series_as_column


def unpack_x_y_sample_weight(data):
    """``(x, y, sample_weight)`` from ``(x,)``, ``(x, y)``, ``(x, y, sample_weight)`` or x."""
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return data, None, None
    if len(data) == 1:
        return data[0], None, None
    if len(data) == 2:
        return data[0], data[1], None
    if len(data) == 3:
        return data
    raise ValueError(f"Data is expected as (x,), (x, y) or (x, y, sample_weight); given a "
                     f"tuple of {len(data)} items.")


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """The batch as ``train_step`` gets it: x alone (a tuple ``(x,)`` when x is itself a list
    or tuple), ``(x, y)`` or ``(x, y, sample_weight)``, as Keras 3."""
    if y is None:
        return x if not isinstance(x, (tuple, list)) else (x,)
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def _value(t):
    return getattr(t, "value", t)


def _to_float(value):
    value = backend.to_numpy(_value(value))
    value = np.asarray(value)
    return float(value) if value.size == 1 else value


def pythonify_logs(logs) -> dict:
    """Logs as Python floats, nested dicts flattened (as Keras 3 does)."""
    out = {}
    for key, value in (logs or {}).items():
        if isinstance(value, dict):
            out.update(pythonify_logs(value))
        else:
            out[key] = _to_float(value)
    return out


def _as_tensors(value):
    if value is None or isinstance(value, Tensor):
        return value
    if isinstance(value, dict):
        return {k: _as_tensors(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_as_tensors(v) for v in value)
    return Tensor(backend.to_device(np.asarray(value)))


class _CompiledLoss:
    """``model.compiled_loss(y, y_pred, sample_weight, regularization_losses)``: tf.keras's
    entry point to the compiled loss, kept for programs written for it. As in tf.keras 2, it
    also adds the batch's loss to the model's "loss" metric, so a train_step written for it
    reports the loss it trains on (Keras 3's compiled_loss does not update it)."""

    def __init__(self, model):
        self._model = model

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        loss = self._model._compiled_loss_value(y_true, y_pred, sample_weight)
        for penalty in regularization_losses or []:
            loss = penalty if loss is None else ops.add(loss, penalty)
        loss = loss if loss is not None else ops.as_tensor(np.float32(0.0))
        self._model._track_loss(loss, y_pred)
        return loss


class _CompiledMetrics:
    """``model.compiled_metrics.update_state(y, y_pred)``: tf.keras's entry point."""

    def __init__(self, model):
        self._model = model

    def update_state(self, y_true, y_pred, sample_weight=None):
        self._model._update_compiled_metrics(y_true, y_pred, sample_weight)

    def reset_state(self):
        for metric in self._model._metrics:
            metric.reset_state()

    @property
    def metrics(self):
        return list(self._model._metrics)


class KerasSteps:
    """What a model's step is made of, each method overridable as in Keras 3."""

    _loss_tracker = None

    # ----- what the user may override -----
    def train_step(self, data):
        """One optimizer step on a batch; returns the logs (metric name -> value).

        The default, as Keras 3: ``y_pred = self(x, training=True)``, ``loss =
        self.compute_loss(x, y, y_pred, sample_weight)``, the gradients of the loss with
        respect to ``trainable_variables`` applied by the optimizer, then
        ``compute_metrics``. Override it to change what a step does; ``fit`` still runs the
        epochs, batches and callbacks.
        """
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with GradientTape() as tape:
            y_pred = self._step_call(x, True)
            loss = self._compute_loss(x, y, y_pred, sample_weight, training=True)
        self._track_loss(loss, x)
        params = self.trainable_weights  # (after the call: a first call may make them)
        grads = tape.gradient(loss, params)
        self.optimizer.apply(grads, params)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def test_step(self, data):
        """The loss and metrics of a batch, without training (``evaluate`` and validation)."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with no_grad():
            y_pred = self._step_call(x, False)
            loss = self._compute_loss(x, y, y_pred, sample_weight, training=False)
        self._track_loss(loss, x)
        return self.compute_metrics(x, y, y_pred, sample_weight)

    def predict_step(self, data):
        """The model's output for a batch (``predict``)."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self._step_call(x, False)

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The loss a step minimizes: the compiled loss (when ``compile`` was given one) plus
        ``self.losses`` (regularization penalties and ``add_loss``), as Keras 3.

        Raises:
            ValueError: there is no loss at all (no compiled loss and no ``add_loss``).
        """
        total = self._compiled_loss_value(y, y_pred, sample_weight)
        for penalty in self.losses:
            total = penalty if total is None else ops.add(total, penalty)
        if total is None:
            raise ValueError("fit() / evaluate(): no loss to compute: compile() was given no "
                             "loss and no layer adds one. Pass loss=... to compile (e.g. "
                             "loss='mse'), call add_loss in a layer, or override compute_loss.")
        return total

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Update the compiled metrics with this batch; return every metric's result."""
        self._update_compiled_metrics(y, y_pred, sample_weight)
        return self.get_metrics_result()

    def get_metrics_result(self) -> dict:
        """{name: result} of every metric in ``self.metrics`` (nested results flattened)."""
        logs = {}
        compiled = {id(m) for m in self._metrics}
        if self._loss_tracker is not None and any(m is self._loss_tracker for m in self.metrics):
            logs["loss"] = self._loss_tracker.result()
        if self._heads is not None and self._heads.metrics is not None:
            heads = self._heads  # each output's loss and metrics, in evaluate's order
            named = dict(heads.metric_names())
            named.update((t.name, t) for t in heads.trackers if t is not None)
            for name in heads.log_names()[1:]:
                logs[name] = named[name].result()
        elif self._metrics:
            logs.update(metrics_module.results(self._metrics, self._weighted_from))
        for metric in self.metrics:
            if metric is self._loss_tracker or id(metric) in compiled:
                continue
            result = metric.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[metric.name] = result
        return pythonify_logs(logs)

    def _metrics_result_or_logs(self, logs):
        """What fit's epoch and evaluate report after a run of the model's own steps, as
        Keras 3: the results of ``self.metrics`` when the last step's logs have exactly their
        names (a step that returns ``{"loss": loss}`` while the loss tracker never saw a
        batch reports the tracker's 0.0, as Keras does); else the last step's logs."""
        if not isinstance(logs, dict):
            return logs
        if (self._metric_specs or self._heads is not None) and not self._metrics:
            return logs  # compiled metrics no step has built (Keras cannot read them either)
        results = self.get_metrics_result()
        return results if set(logs) == set(results) else logs

    def _step_call(self, x, training: bool):
        """The model on a batch as Keras 3's steps call it: with ``training`` when its call()
        takes it, else without (the layers inside then run with their defaults)."""
        if self._subclassed() and not _call_spec(type(self)).takes_training:
            return self(x)
        return self(x, training=training)

    def _compute_loss(self, x, y, y_pred, sample_weight, training: bool):
        """compute_loss, given ``training`` only where its signature takes it (an override
        written as ``compute_loss(self, x, y, y_pred, sample_weight, allow_empty=False)``)."""
        if "training" in inspect.signature(self.compute_loss).parameters:
            return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight,
                                     training=training)
        return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)

    # ----- tf.keras 2 spellings -----
    @property
    def compiled_loss(self):
        return _CompiledLoss(self)

    @property
    def compiled_metrics(self):
        return _CompiledMetrics(self)

    # ----- the pieces -----
    def _track_loss(self, loss, x) -> None:
        if self._loss_tracker is None:
            return
        self._loss_tracker.update_state(_value(loss), sample_weight=_batch_size(x))

    def _build_pending_heads(self, y_pred) -> None:
        """A subclassed model compiled with a loss per output: its heads, from the structure
        of its first outputs (a dict by sorted key, a list or tuple in order), as Keras builds
        its compiled loss at the first batch."""
        loss, loss_weights, metrics, weighted_metrics = self.__dict__.pop("_pending_heads")
        keyed = isinstance(y_pred, dict)
        if keyed:
            names = sorted(y_pred)
            outs = [y_pred[name] for name in names]
        elif isinstance(y_pred, (list, tuple)):
            outs = list(y_pred)
            names = [f"output_{k}" for k in range(len(outs))]
        else:
            raise ValueError(
                f"compile(loss): a loss per output ({loss!r}), but the model's call() returns "
                f"one {type(y_pred).__name__}; give one loss, or return a list or dict of "
                "outputs.")
        shapes = [(None,) + tuple(np.shape(_value(out))[1:]) for out in outs]
        self._heads = outputs_module.Heads(names, shapes, loss, loss_weights, metrics,
                                           weighted_metrics, keyed=keyed)

    def _compiled_loss_value(self, y, y_pred, sample_weight):
        """The compiled loss of a batch (a scalar Tensor), or None without one."""
        if self._heads is None and self.__dict__.get("_pending_heads") is not None:
            self._build_pending_heads(y_pred)
        if self._heads is not None:
            ys, sws = self._heads.split(*self._packed(y, sample_weight, "compute_loss"))
            return self._heads.loss(ys, self._pred_list(y_pred), sws)
        if self._loss_obj is None or y is None:
            return None
        y = _value(y)
        if not isinstance(y_pred, Tensor):
            y_pred = ops.as_tensor(y_pred)
        sw = None if sample_weight is None else _value(sample_weight)
        return self._loss_obj.reduced(backend.to_device(y), y_pred,
                                      None if sw is None else backend.to_device(sw))

    def _packed(self, y, sample_weight, where: str):
        """The targets and sample weights of a model of several outputs as the steps keep
        them (one structured array of rows): a list or dict of them, as a loop of one's own
        gives them, is checked and packed."""
        if not isinstance(y, (list, tuple, dict)):
            return _value(y), _each(_value, sample_weight)
        y = _each(_host, y)
        leaves = [v for v in (y.values() if isinstance(y, dict) else y) if v is not None]
        rows = len(leaves[0]) if leaves else 0
        y = self._heads.targets(y, rows, where)
        if sample_weight is not None:
            sample_weight = self._heads.sample_weights(_each(_host, sample_weight), rows, where)
        return y, sample_weight

    def _pred_list(self, y_pred):
        """The outputs of a model of several outputs as a list in the order of its outputs
        (calling a model whose outputs were given as a dict gives a dict)."""
        if isinstance(y_pred, dict) and self._output_names is not None:
            return [y_pred[name] for name in self._output_names]
        if isinstance(y_pred, dict) and self._heads is not None:  # (a subclassed model's)
            return [y_pred[name] for name in self._heads.names]
        return y_pred

    def _update_compiled_metrics(self, y, y_pred, sample_weight) -> None:
        if y is None:
            return
        if self._heads is None and self.__dict__.get("_pending_heads") is not None:
            self._build_pending_heads(y_pred)
        if self._heads is not None:
            packed = self._packed(y, sample_weight, "compute_metrics")
            ys, sws = self._heads.split(*packed)
            if not self._metrics:
                self._metrics = self._heads.build(packed[0])
            self._heads.update_metrics(ys, self._pred_list(y_pred), sws)
            return
        if not self._metrics and self._metric_specs:
            y_host = np.asarray(backend.to_numpy(_value(y)))
            probe = np.empty((len(y_host),) + tuple(np.shape(_value(y_pred)))[1:], np.float32)
            self._metrics = [metrics_module.get(spec, y_host, probe)
                             for spec in self._metric_specs]
        pred = _value(y_pred)
        sw = None if sample_weight is None else _value(sample_weight)
        for i, metric in enumerate(self._metrics):
            metric.update_state(_value(y), pred, sw if i >= self._weighted_from else None)


def _host(value):
    """A NumPy array of a Tensor or an array; None stays None."""
    return value if value is None else np.asarray(backend.to_numpy(_value(value)))


def _each(fn, value):
    """``fn`` of a value, or of each entry of a list / tuple (as a list) or dict of them."""
    if isinstance(value, dict):
        return {k: fn(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [fn(v) for v in value]
    return fn(value)


def _first_leaf(value):
    while isinstance(value, (list, tuple, dict)):
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    return value


def _batch_size(x) -> int:
    leaf = _first_leaf(x)
    shape = np.shape(_value(leaf))
    return int(shape[0]) if shape else 1


# ----------------------------------------------------------------------------- data


def _leaves_rows(value) -> int | None:
    leaf = _first_leaf(value)
    return None if leaf is None else len(leaf)


def _take(value, index):
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _take(v, index) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_take(v, index) for v in value)
    return value[index]


def _as_arrays(value, where: str, name: str):
    """Arrays (floats as floatx) in a structure of lists / tuples / dicts."""
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _as_arrays(v, where, f"{name}[{k!r}]") for k, v in value.items()}
    if isinstance(value, (list, tuple)) and value and not np.isscalar(value[0]) and not (
            isinstance(value[0], (list, tuple)) and value[0] and np.isscalar(value[0][0])):
        return type(value)(_as_arrays(v, where, f"{name}[{i}]") for i, v in enumerate(value))
    if not name.startswith("sample_weight"):
        value = series_as_column(value)  # a pandas Series is a column, as in Keras
    array = np.asarray(getattr(value, "value", value))
    if array.dtype.kind == "f":
        array = array.astype(backend.floatx(), copy=False)
    if array.ndim == 0:
        raise ValueError(f"{where}({name}): expected an array with one row per sample, given "
                         "a scalar.")
    return array


class StructSource:
    """Batches of a structure of arrays (an array, or lists / tuples / dicts of them) for x,
    y and sample_weight: the rows of every leaf cut together, in one permutation a pass."""

    reiterable = True
    indexable = True
    helper = None

    def __init__(self, x, y=None, sample_weight=None, batch_size: int = 32, shuffle=False):
        self.x, self.y, self.sample_weight = x, y, sample_weight
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.num_samples = _leaves_rows(x)
        for part, name in ((y, "y"), (sample_weight, "sample_weight")):
            rows = _leaves_rows(part) if part is not None else None
            if rows is not None and rows != self.num_samples:
                raise ValueError(f"x and {name} must have the same number of samples; x has "
                                 f"{self.num_samples}, {name} has {rows}.")
        self.num_batches = math.ceil(self.num_samples / batch_size)

    def on_epoch_begin(self) -> None:
        pass

    def on_epoch_end(self) -> None:
        pass

    def new_pass(self, rng, start: int = 0):
        order = batch_order = None
        if self.shuffle == "batch":
            batch_order = rng.permutation(self.num_batches)
        elif self.shuffle:
            order = rng.permutation(self.num_samples)
        return self._batches(order, batch_order, start)

    def _batches(self, order, batch_order, start):
        # the rows of each batch as the array source cuts them (one rule for both)
        for key in ArraySource._keys(self, order, batch_order, start):
            yield (_take(self.x, key), _take(self.y, key), _take(self.sample_weight, key))


def split_off(x, y, sample_weight, fraction: float):
    """(the rows to train on, the last ``fraction`` held out), for structures of arrays."""
    n = _leaves_rows(x)
    cut = int(n * (1.0 - fraction))
    train = slice(0, cut)
    held = slice(cut, n)
    return ((_take(x, train), _take(y, train), _take(sample_weight, train)),
            (_take(x, held), _take(y, held), _take(sample_weight, held)))


def batch_data(xb, yb, swb):
    """A batch as ``train_step`` receives it: Tensors, in Keras's tuple."""
    return pack_x_y_sample_weight(_as_tensors(xb), _as_tensors(yb), _as_tensors(swb))


def batch_rows(xb) -> int:
    return _batch_size(xb)
