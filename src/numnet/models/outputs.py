"""Models of several outputs, as Keras 3: ``Model(inputs, [a, b])`` or ``{"name": a, ...}``.

An output is named by its dict key (dict outputs) or by the layer that gives it. ``compile``
takes one loss for every output, a list of losses in output order or a dict keyed by output
name (None: no loss for that output); ``loss_weights`` a list or dict (1 where not given);
``metrics`` and ``weighted_metrics`` a list with one entry per output (a metric or a list of
them), a dict by output name, or a list of another length applied to each output. The loss is

    loss = sum_k loss_weight_k * loss_k(y_k, output_k, sample_weight_k) + penalties

and fit / evaluate log "loss", "<output>_loss" for each output with a loss (unweighted; only
when more than one output has a loss) and "<output>_<metric>", as Keras 3 names them.

The targets of all outputs travel as one structured array (field "o<k>" holding output k's),
so that batching, shuffling and validation_split cut the rows of every output together, as
they cut one array; sample weights per output likewise, as the columns of one 2-D array.
"""

from __future__ import annotations

import numpy as np

from .. import backend, losses
from .. import metrics as metrics_module
from ..autodiff import ops
from . import data


def output_list(output) -> list:
    """The output tensors in the model's order: a list as given (nested lists and tuples
    flattened in order, as Keras takes any structure of outputs), a dict by sorted key."""
    if isinstance(output, dict):
        return [output[key] for key in sorted(output)]
    if not isinstance(output, (list, tuple)):
        return [output]
    flat = []
    for item in output:
        flat += output_list(item) if isinstance(item, (list, tuple)) else [item]
    return flat


def is_nested(output) -> bool:
    """Whether a list or tuple of outputs holds lists or tuples (pairs a layer returned)."""
    return isinstance(output, (list, tuple)) and any(isinstance(item, (list, tuple))
                                                     for item in output)


def pack(output, flat: list):
    """``flat`` (one value per output, in order) in the structure of ``output``."""
    values = iter(flat)

    def build(item):
        if isinstance(item, tuple) and hasattr(item, "_fields"):  # a namedtuple
            return type(item)(*[build(part) for part in item])
        if isinstance(item, (list, tuple)):
            return type(item)(build(part) for part in item)
        return next(values)

    return build(output)


def output_names(output) -> list[str]:
    """What logs and per-output settings call each output: its dict key, else the name of the
    layer that gives it; a name given again (a layer whose several outputs are all the
    model's, or a layer called twice) gets "_1", "_2", ... so that each log is kept."""
    if isinstance(output, dict):
        return [str(key) for key in sorted(output)]
    names: list[str] = []
    for tensor in output_list(output):
        base = getattr(tensor.layer, "_picks_from", tensor.layer).name
        name, k = base, 1
        while name in names:
            name, k = f"{base}_{k}", k + 1
        names.append(name)
    return names


def _field(k: int) -> str:
    return f"o{k}"


def _is_one(value) -> bool:
    """A loss or metric given once (a name, an object, a function), not a list or dict."""
    return value is None or not isinstance(value, (list, tuple, dict))


def per_output(value, names: list[str], argument: str, what: str, fill=None,
               where: str = "compile") -> list:
    """``value`` as one entry per output: from a list or tuple in output order or a dict keyed
    by output name (outputs it leaves out get ``fill``)."""
    if isinstance(value, dict):
        unknown = [key for key in value if key not in names]
        if unknown:
            raise ValueError(
                f"{where}({argument}): {unknown[0]!r} names no output of the model; its outputs "
                f"are {names}. Key {argument} by those names (the dict keys of the outputs, or "
                "the names of the layers that give them).")
        return [value.get(name, fill) for name in names]
    if len(value) != len(names):
        raise ValueError(
            f"{where}({argument}): the model has {len(names)} outputs {names}; given a "
            f"{type(value).__name__} of {len(value)} {what}. Give one per output, in the order "
            f"of model.outputs, or a dict keyed by output name.")
    return list(value)


def _metric_lists(value, names: list[str], argument: str) -> list[list]:
    """compile(metrics) as a list of metrics for each output."""
    if value is None:
        return [[] for _ in names]
    if _is_one(value):
        value = [value]
    if isinstance(value, (list, tuple)) and len(value) != len(names):
        if not all(_is_one(m) for m in value):
            per_output(value, names, argument, "entries")  # raises: the count is wrong
        return [list(value) for _ in names]  # applied to each output
    entries = per_output(value, names, argument, "entries")
    return [[] if m is None else list(m) if isinstance(m, (list, tuple)) else [m]
            for m in entries]


def _fresh(spec, k: int):
    """A Metric object given once for every output: the first output takes it, the others a copy
    of it (a metric holds the state of one output)."""
    if k and isinstance(spec, metrics_module.Metric):
        return type(spec).from_config(spec.get_config())
    return spec


class Heads:
    """The compile settings of a model of several outputs: a loss, a loss weight and metrics per
    output, the metrics made once the targets are seen (``build``), and the logs."""

    def __init__(self, names: list[str], shapes: list, loss, loss_weights=None, metrics=None,
                 weighted_metrics=None, keyed: bool = True):
        # keyed: logs prefixed by output name ("<output>_loss", "<output>_<metric>"); a
        # subclassed model whose outputs are a list or tuple has no names, and Keras logs its
        # outputs' losses by the loss's name ("mse_loss") and their metrics unprefixed
        self.names, self.shapes, self.keyed = list(names), list(shapes), keyed
        if _is_one(loss):
            found = None if loss is None else losses.loss_object(loss)
            self.losses = [found] * len(names)
        else:
            self.losses = [None if spec is None else losses.loss_object(spec)
                           for spec in per_output(loss, names, "loss", "losses")]
        self.weights = [1.0] * len(names)
        if loss_weights is not None:
            if isinstance(loss_weights, (int, float)) and not isinstance(loss_weights, bool):
                loss_weights = [loss_weights] * len(names)
            if not isinstance(loss_weights, (list, tuple, dict)):
                raise TypeError(
                    "compile(loss_weights): expected a list of numbers in the order of the "
                    f"outputs {names} or a dict keyed by output name, given "
                    f"{type(loss_weights).__name__} {loss_weights!r}.")
            given = per_output(loss_weights, names, "loss_weights", "weights")
            for k, weight in enumerate(given):
                if weight is None:
                    continue
                if isinstance(weight, bool) or not isinstance(weight, (int, float, np.number)):
                    raise TypeError(
                        f"compile(loss_weights): expected a number for output {names[k]!r}, "
                        f"given {type(weight).__name__} {weight!r}.")
                self.weights[k] = float(weight)
        self.specs = _metric_lists(metrics, names, "metrics")
        self.weighted_specs = _metric_lists(weighted_metrics, names, "weighted_metrics")
        for spec in (s for lists in (self.specs, self.weighted_specs) for m in lists for s in m):
            if not (isinstance(spec, str) and spec.lower() in ("accuracy", "acc")):
                metrics_module.validate(spec)  # names are checked now, 'accuracy' at fit
        self.given = {"loss": loss, "loss_weights": loss_weights, "metrics": metrics,
                      "weighted_metrics": weighted_metrics}  # as compile got them (saving)
        scored = sum(fn is not None for fn in self.losses)
        self.trackers = [metrics_module.Mean(name=f"{name if keyed else fn.name}_loss")
                         if fn is not None and scored > 1 else None
                         for name, fn in zip(names, self.losses, strict=True)]
        self.metrics: list[list] | None = None  # made by build
        self.weighted: list[list] | None = None

    @property
    def has_loss(self) -> bool:
        return any(fn is not None for fn in self.losses)

    # ----- metrics -----
    def build(self, y) -> list:
        """The metrics of each output made from their specs ('accuracy' resolved by the shapes
        of the targets in ``y``, packed); every metric object, trackers first, for resetting."""
        if self.metrics is None:
            made = []
            for specs in (self.specs, self.weighted_specs):
                per = []
                for k, shape in enumerate(self.shapes):
                    target = self.target(y, k)
                    probe = np.empty((len(y),) + tuple(shape[1:]), dtype=np.float32)
                    per.append([metrics_module.get(_fresh(spec, k), target, probe)
                                for spec in specs[k]])
                made.append(per)
            self.metrics, self.weighted = made
        return [t for t in self.trackers if t is not None] + [
            m for lists in (self.metrics, self.weighted) for per in lists for m in per]

    def metric_names(self) -> list[tuple[str, object]]:
        """(log name, metric) of every metric: "<output>_<name>", as Keras 3's logs; a name
        taken gets "_1", "_2" ...; a weighted metric whose name is taken is called
        "<output>_weighted_<name>"."""
        counters: dict = {}
        named = []
        for weighted, lists in ((False, self.metrics or []), (True, self.weighted or [])):
            for output, per in zip(self.names, lists, strict=True):
                for metric in per:
                    name = f"{output}_{metric.name}" if self.keyed else metric.name
                    if name in counters and weighted:
                        name = f"{output}_weighted_{metric.name}"
                    if name in counters:
                        counters[name] += 1
                        name = f"{name}_{counters[name] - 1}"
                    else:
                        counters[name] = 1
                    named.append((name, metric))
        return named

    def log_names(self) -> list[str]:
        """The logs in the order of evaluate's list, as Keras 3: "loss", the metrics logged
        under their own names (in order), each output's loss, then the other metrics sorted
        by name."""
        named = self.metric_names()
        plain = [name for name, metric in named if name == metric.name]
        order = list(range(len(self.names)))
        loss = self.given["loss"]
        if isinstance(loss, dict):  # each output's loss in the order the dict gave them
            order.sort(key=lambda k: list(loss).index(self.names[k])
                       if self.names[k] in loss else len(loss))
        return ["loss", *plain, *(self.trackers[k].name for k in order
                                  if self.trackers[k] is not None),
                *sorted(name for name, _ in named if name not in plain)]

    def results(self, loss_total: float, count: float) -> dict:
        logs = {"loss": float(loss_total) / count if count else float("nan")}
        for tracker in self.trackers:
            if tracker is not None:
                logs[tracker.name] = metrics_module.log_value(tracker.result())
        for name, metric in self.metric_names():
            logs[name] = metrics_module.log_value(metric.result())
        return logs

    # ----- data -----
    def targets(self, y, n: int, where: str) -> np.ndarray:
        """y (a list in output order or a dict by output name) checked against each output's
        loss, packed into one structured array of ``n`` rows."""
        names = self.names
        # as Keras: an output with no loss and no metrics takes no target, so when only some
        # outputs need targets, one array (or a list of as many) is theirs, in order
        needed = [k for k in range(len(names)) if self.losses[k] is not None
                  or self.specs[k] or self.weighted_specs[k]]
        given = 1 if not isinstance(y, (list, tuple, dict)) else (
            len(y) if isinstance(y, (list, tuple)) else None)
        if needed and given == len(needed) and len(needed) < len(names):
            parts = iter([y] if given == 1 and not isinstance(y, (list, tuple)) else list(y))
            y = [next(parts) if k in needed else None for k in range(len(names))]
        if not isinstance(y, (list, tuple, dict)):
            raise ValueError(
                f"{where}(y): the model has {len(names)} outputs {names}; given one "
                f"{type(y).__name__}. Give one target array per output, in the order of "
                "model.outputs, or a dict keyed by output name.")
        y = per_output(y, names, "y", "items", where=where)
        arrays = {}
        for k, (name, value) in enumerate(zip(names, y, strict=True)):
            fn = self.losses[k]
            if value is None:
                if fn is not None or self.specs[k] or self.weighted_specs[k]:
                    raise ValueError(
                        f"{where}(y): no targets for the output {name!r}, which has a loss or "
                        "metrics; give an array for each such output.")
                continue
            array = data.prepare_y(value, n, where, f"y[{name!r}]")
            if fn is not None:
                losses.validate_targets(fn, array, (None,) + tuple(self.shapes[k][1:]))
            if losses.kind_of(fn) != "sparse" and array.dtype.kind != "f":
                array = array.astype(backend.floatx())
            arrays[_field(k)] = array
        packed = np.empty(n, dtype=[(key, a.dtype, a.shape[1:]) for key, a in arrays.items()])
        for key, array in arrays.items():
            packed[key] = array
        return packed

    def sample_weights(self, sample_weight, n: int, where: str):
        """None; one array of ``n`` weights for every output; or, given a list or dict of them
        per output, an (n, outputs) array (weights of 1 for an output given None)."""
        if sample_weight is None:
            return None
        per = isinstance(sample_weight, dict) or isinstance(sample_weight, (list, tuple)) and all(
            w is None or np.ndim(w) >= 1 for w in sample_weight)
        if not per:
            return data.prepare_weights(sample_weight, n, where)
        given = per_output(sample_weight, self.names, "sample_weight", "arrays", None, where) \
            if isinstance(sample_weight, dict) or len(sample_weight) == len(self.names) else None
        if given is None:
            raise ValueError(
                f"{where}(sample_weight): the model has {len(self.names)} outputs {self.names}; "
                f"given a {type(sample_weight).__name__} of {len(sample_weight)} arrays. Give "
                "one array for every output, or one per output (a list in the order of "
                "model.outputs, or a dict keyed by output name).")
        columns = np.ones((n, len(self.names)), dtype=backend.floatx())
        for k, (name, w) in enumerate(zip(self.names, given, strict=True)):
            if w is not None:
                columns[:, k] = data.prepare_weights(w, n, where, f"sample_weight[{name!r}]")
        return columns

    def split(self, y, sample_weight) -> tuple[list, list]:
        """A batch's targets and sample weights, one device array (or None) per output."""
        fields = y.dtype.names or ()
        ys = [backend.to_device(np.ascontiguousarray(y[_field(k)]))
              if _field(k) in fields else None for k in range(len(self.names))]
        if sample_weight is None:
            return ys, [None] * len(ys)
        if sample_weight.ndim == 1:
            return ys, [backend.to_device(sample_weight)] * len(ys)
        return ys, [backend.to_device(np.ascontiguousarray(sample_weight[:, k]))
                    for k in range(len(ys))]

    def target(self, y, k: int):
        """Output ``k``'s targets in the packed ``y``, or None where none were given."""
        return y[_field(k)] if _field(k) in (y.dtype.names or ()) else None

    # ----- one step -----
    def loss(self, ys: list, outs: list, sws: list):
        """sum_k loss_weight_k * loss_k, each output's unweighted loss added to its tracker."""
        total = None
        for k, fn in enumerate(self.losses):
            if fn is None:
                continue
            value = fn.reduced(ys[k], outs[k], sws[k])
            tracker = self.trackers[k]
            if tracker is not None:
                tracker.update_state(value.value, sample_weight=len(ys[k]))
            if self.weights[k] != 1.0:
                value = ops.multiply(value, self.weights[k])
            total = value if total is None else ops.add(total, value)
        return total

    def update_metrics(self, ys: list, outs: list, sws: list) -> None:
        for k in range(len(self.names)):
            for metric in self.metrics[k]:
                metric.update_state(ys[k], outs[k].value)
            for metric in self.weighted[k]:
                metric.update_state(ys[k], outs[k].value, sws[k])


__all__ = ["Heads", "is_nested", "output_list", "output_names", "pack", "per_output"]
