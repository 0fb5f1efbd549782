"""Train one architecture from the same initial weights with several optimizers or learning rates.

Every configuration starts from the model's current weights, sees the same batches in the same
order (the random generator is set to the same state for each), and is trained for ``epochs``
with the model's loss and metrics; only the optimizer differs. Configurations run in parallel
worker processes (``concurrent.futures``; ``n_jobs`` of them), each on a copy of the model
loaded from a temporary model file, so the model passed in is never changed.

The result, a :class:`Comparison`, holds one row per configuration::

    final_loss        training loss of the last epoch
    final_val_loss    validation loss of the last epoch (None without validation)
    best              best value of ``monitor`` over the epochs, and best_epoch (1-based)
    epochs_to_target  first epoch (1-based) at which ``monitor`` reached ``target`` (None if
                      never, or without a target): >= target for accuracy-like metrics,
                      <= target for losses
    time_s            seconds spent in fit (wall clock; parallel runs share the CPU)

and the full histories; ``str(comparison)`` is the table, ``comparison.plot()`` draws the loss
and the monitored metric of every configuration on one figure.
"""

from __future__ import annotations

import copy
import math
import os
import tempfile
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

import numpy as np

from .. import backend
from .. import optimizers as optimizers_module
from ..backend import device as current_device  # compare's own ``backend`` is its engine

_MAXIMIZE_WORDS = ("acc", "auc", "precision", "recall", "f1", "r2", "iou")


def maximizes(monitor: str) -> bool:
    """Whether larger is better for ``monitor`` (accuracy-like names), as EarlyStopping's 'auto'."""
    return any(word in monitor for word in _MAXIMIZE_WORDS)


@dataclass
class Comparison:
    """Rows (one dict per configuration), the histories (label -> History.history dict), the
    monitored quantity and the target. ``str()`` gives the table, ``plot()`` the figure.

    Args:
        rows: one dict per configuration (the columns of the table).
        histories: label -> ``History.history`` dict.
        monitor: the compared log.
        target: the target value of ``monitor``, or None.
        parallel: how the configurations ran (for the report).
        extra: other facts of the run. Empty by default.
    """

    rows: list
    histories: dict
    monitor: str
    target: float | None
    parallel: bool
    extra: dict = field(default_factory=dict)

    @property
    def best(self) -> str:
        """The label of the configuration with the best ``monitor`` value."""
        rows = [r for r in self.rows if r["best"] is not None and math.isfinite(r["best"])]
        if not rows:
            return self.rows[0]["label"]
        pick = max if maximizes(self.monitor) else min
        return pick(rows, key=lambda r: r["best"])["label"]

    def table(self) -> str:
        """The rows as an aligned text table."""
        head = ["configuration", "final loss", "final val_loss", f"best {self.monitor}",
                "epoch", f"epochs to {self.target:g}" if self.target is not None else
                "epochs to target", "time (s)"]
        body = []
        for r in self.rows:
            body.append([r["label"], _num(r["final_loss"]), _num(r["final_val_loss"]),
                         _num(r["best"]), str(r["best_epoch"] or "-"),
                         str(r["epochs_to_target"] or "-"), f"{r['time_s']:.2f}"])
        widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]
        lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                           for i, (c, w) in enumerate(zip(row, widths)))
                 for row in [head] + body]
        lines.insert(1, "  ".join("-" * w for w in widths))
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()

    def __repr__(self) -> str:
        return f"<Comparison of {len(self.rows)} configurations; best {self.best!r}>\n{self}"

    def text_chart(self, key: str = "loss", width: int = 64, height: int = 16) -> str:
        """``key`` (e.g. 'loss', 'val_accuracy') per epoch for every configuration, as text."""
        from .plots import text_chart

        series = {label: (np.arange(1, len(h[key]) + 1), h[key])
                  for label, h in self.histories.items() if key in h}
        return text_chart(series, width=width, height=height, x_label="epoch", y_label=key)

    def plot(self, path=None) -> Figure:
        """One figure: training (solid) and validation (dashed) loss per epoch for every
        configuration, and beside it the monitored metric when it is not a loss. Returns the
        matplotlib Figure, written to ``path`` when given. Needs matplotlib."""
        from .plots import new_figure, save_figure

        metric_panel = self.monitor not in ("loss", "val_loss")
        fig, axes = new_figure("Comparison.plot()", 1, 2 if metric_panel else 1,
                               size=(11.0, 4.5) if metric_panel else (7.0, 4.5))
        from matplotlib.ticker import MaxNLocator

        ax = axes[0, 0]
        for i, (label, h) in enumerate(self.histories.items()):
            color = f"C{i % 10}"
            epochs = np.arange(1, len(h["loss"]) + 1)
            ax.plot(epochs, h["loss"], color=color, label=f"{label}")
            if "val_loss" in h:
                ax.plot(epochs, h["val_loss"], color=color, linestyle="--")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel("loss (solid: training, dashed: validation)")
        ax.set_title("Loss")
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize="small")
        if metric_panel:
            ax = axes[0, 1]
            for i, (label, h) in enumerate(self.histories.items()):
                if self.monitor in h:
                    epochs = np.arange(1, len(h[self.monitor]) + 1)
                    ax.plot(epochs, h[self.monitor], color=f"C{i % 10}", label=label)
            if self.target is not None:
                ax.axhline(self.target, color="0.4", linestyle=":", label=f"target {self.target:g}")
            ax.set_xlabel("epoch")
            ax.xaxis.set_major_locator(MaxNLocator(integer=True))
            ax.set_ylabel(self.monitor)
            ax.set_title(self.monitor)
            ax.grid(True, alpha=0.3)
            ax.legend(fontsize="small")
        if path is not None:
            save_figure(fig, path)
        return fig


def _num(value) -> str:
    return "-" if value is None else f"{value:.4g}"


# ----------------------------------------------------------------------------- configurations


def _fresh(optimizer, learning_rate=None):
    """A new, unused optimizer like ``optimizer`` (a name, config dict or Optimizer)."""
    opt = optimizers_module.get(optimizer)
    config = opt.get_config()
    if learning_rate is not None:
        config["learning_rate"] = float(learning_rate)
    return type(opt).from_config(config)


def _label(opt, learning_rate) -> str:
    if learning_rate is None and not isinstance(opt._learning_rate, float):
        return type(opt).__name__
    return f"{type(opt).__name__} lr={opt.current_learning_rate():g}"


def configurations(model, optimizers=None, learning_rates=None) -> list:
    """[(label, fresh optimizer)]: each optimizer, at each learning rate when rates are given;
    only rates: the model's optimizer at each rate. ``optimizers`` may be a dict label ->
    optimizer."""
    if optimizers is None and learning_rates is None:
        raise ValueError("compare(): give optimizers=[...] (names or Optimizer objects), "
                         "learning_rates=[...], or both; e.g. optimizers=['sgd', 'rmsprop', "
                         "'adam'].")
    if isinstance(optimizers, (str, optimizers_module.Optimizer)):
        optimizers = [optimizers]
    if isinstance(learning_rates, (int, float)):
        learning_rates = [learning_rates]
    for lr in learning_rates or []:
        if isinstance(lr, bool) or not isinstance(lr, (int, float, np.floating)) or \
                not math.isfinite(lr) or lr <= 0:
            raise ValueError(f"compare(learning_rates): expected positive numbers, given {lr!r}.")
    if optimizers is None:
        items = [(None, model.optimizer)]
    elif isinstance(optimizers, dict):
        items = list(optimizers.items())
    else:
        items = [(None, o) for o in optimizers]
    if not items:
        raise ValueError("compare(optimizers): expected at least one optimizer, given none.")
    out = []
    for label, spec in items:
        for lr in learning_rates or [None]:
            opt = _fresh(spec, lr)
            name = label if label is not None else _label(opt, lr)
            if label is not None and lr is not None:
                name = f"{label} lr={lr:g}"
            out.append((name, opt))
    labels = [label for label, _ in out]
    if len(set(labels)) != len(labels):
        dupes = sorted({lab for lab in labels if labels.count(lab) > 1})
        raise ValueError(f"compare(): configurations {dupes} appear more than once; give each "
                         "a distinct optimizer or learning rate, or pass a dict label -> "
                         "optimizer.")
    return out


# ----------------------------------------------------------------------------- running


def _train_one(model, optimizer, job: dict) -> dict:
    """Compile ``model`` (a copy) with ``optimizer``, fit it from the same weights and random
    state as every other configuration, and return its history and time."""
    from ..advice import AdviceWarning

    # Rebuilt from its config: what arrived by pickle may hold read-only buffers.
    optimizer = type(optimizer).from_config(optimizer.get_config())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AdviceWarning)
        model.compile(optimizer=optimizer, loss=model.loss, metrics=list(model._metric_specs))
        model._advised_fit = True
    model.set_weights([np.array(w, copy=True) for w in job["weights"]])  # may be read-only
    rng = backend.rng()
    saved = rng.bit_generator.state
    rng.bit_generator.state = np.random.default_rng(job["seed"]).bit_generator.state
    try:
        start = time.perf_counter()
        history = model.fit(job["x"], job["y"], batch_size=job["batch_size"],
                            epochs=job["epochs"], verbose=0, shuffle=job["shuffle"],
                            validation_data=job["validation_data"],
                            validation_split=job["validation_split"],
                            sample_weight=job["sample_weight"])
        seconds = time.perf_counter() - start
    finally:
        rng.bit_generator.state = saved
    return {"history": {k: [float(v) for v in vals] for k, vals in history.history.items()},
            "time_s": seconds}


def _worker(path: str, optimizer, job: dict, custom_objects, device: str | None = None) -> dict:
    """Run in a worker process: load the model file, train one configuration (on ``device``,
    that of the caller, when given)."""
    from ..saving import load_model

    if device is not None and device != backend.device():
        backend.set_device(device)
    model = load_model(path, custom_objects=custom_objects)
    return _train_one(model, optimizer, job)


def _ray_worker(optimizer, model_bytes: bytes = b"", job=None, custom_objects=None) -> dict:
    """Run as a Ray task, maybe on another machine: the model travels as its file's bytes."""
    with tempfile.TemporaryDirectory(prefix="numnet-compare-") as tmp:
        path = os.path.join(tmp, "model.numnet")
        with open(path, "wb") as f:
            f.write(model_bytes)
        return _worker(path, optimizer, job, custom_objects)


def _summarize(label, optimizer, result, monitor, target) -> dict:
    h = result["history"]
    values = h.get(monitor, [])
    finite = [(v, i) for i, v in enumerate(values) if math.isfinite(v)]
    best = best_epoch = None
    if finite:
        best, i = (max if maximizes(monitor) else min)(finite, key=lambda p: p[0])
        best_epoch = i + 1
    reached = None
    if target is not None:
        for i, v in enumerate(values):
            if math.isfinite(v) and (v >= target if maximizes(monitor) else v <= target):
                reached = i + 1
                break
    return {"label": label, "optimizer": type(optimizer).__name__,
            "learning_rate": optimizer.current_learning_rate()
            if isinstance(optimizer._learning_rate, float) else None,
            "final_loss": h["loss"][-1] if h.get("loss") else None,
            "final_val_loss": h["val_loss"][-1] if h.get("val_loss") else None,
            "best": best, "best_epoch": best_epoch, "epochs_to_target": reached,
            "epochs": len(h.get("loss", [])), "time_s": result["time_s"]}


def compare(model, x, y=None, optimizers=None, learning_rates=None, epochs: int = 10,
            batch_size: int = 32, validation_split: float = 0.2, validation_data=None,
            monitor: str | None = None, target: float | None = None, n_jobs: int | None = None,
            seed: int = 0, shuffle: bool = True, sample_weight=None, custom_objects=None,
            plot=None, backend: str = "processes", address: str | None = None) -> Comparison:
    """Train copies of the compiled ``model`` from its current weights with each optimizer
    (and / or learning rate) and compare them.

    ``optimizers``: names, Optimizer objects or a dict label -> optimizer; ``learning_rates``:
    numbers (each optimizer at each rate; alone, the model's optimizer at each rate).
    ``validation_split`` (0.2 by default; ignored when ``validation_data`` is given) holds out
    the last fraction of (x, y) as fit does. ``monitor`` defaults to the first validation metric
    (e.g. 'val_accuracy'), else 'val_loss'; ``target`` is the value of ``monitor`` whose first
    epoch is reported. ``n_jobs`` worker processes run the configurations (default: one per
    configuration, at most the number of CPUs; 1 runs them here, one after the other). ``seed``
    sets the shuffling and dropout, the same for every configuration. ``plot``: a file name to
    draw the figure to. ``backend='ray'`` runs each configuration as a Ray task instead (see
    numnet.integrations.ray_tune.run_configs; ``address`` picks the cluster, a local one by
    default; needs ``pip install 'numnet[ray]'``). Example::

        result = numnet.tools.compare(model, x, y, optimizers=["sgd", "rmsprop", "adam"],
                                      epochs=5, target=0.9)
        print(result)            # the table

    Args:
        model: a compiled model; its loss and metrics are used for every configuration, and every
            run starts from its current weights.
        x: the inputs.
        y: the targets (None when x yields them). Defaults to ``None``.
        optimizers: names, Optimizer objects, or a dict label -> optimizer; None compares the
            model's own optimizer at each of ``learning_rates``. Defaults to ``None``.
        learning_rates: numbers: each optimizer is run at each rate; None keeps each optimizer's
            rate. Defaults to ``None``.
        epochs: the epochs each configuration trains. Defaults to ``10``.
        batch_size: the batch size. Defaults to ``32``.
        validation_split: the last fraction of (x, y) held out for validation, as fit does; ignored
            when ``validation_data`` is given. Defaults to ``0.2``.
        validation_data: (x_val, y_val), or None. Defaults to ``None``.
        monitor: the log compared; None gives the first validation metric (e.g. 'val_accuracy'),
            else 'val_loss'. Defaults to ``None``.
        target: a value of ``monitor`` whose first epoch reaching it is reported, or None. Defaults
            to ``None``.
        n_jobs: worker processes (None: one per configuration, at most the number of CPUs; 1 runs
            them here, one after the other). Defaults to ``None``.
        seed: the seed of the shuffling and dropout, the same for every configuration. Defaults to
            ``0``.
        shuffle: whether to shuffle the batches. Defaults to ``True``.
        sample_weight: sample weights, or None. Defaults to ``None``.
        custom_objects: ``{name: class}`` for custom layers, losses or metrics the workers must
            rebuild, or None. Defaults to ``None``.
        plot: a file name to draw the figure to, or None. Defaults to ``None``.
        backend: 'processes' (local worker processes) or 'ray' (one Ray task per configuration).
            Defaults to ``'processes'``.
        address: the Ray cluster with ``backend='ray'``; None for a local one. Defaults to ``None``.

    Returns:
        A Comparison: ``print(result)`` gives the table, ``result.best`` the best label and
        ``result.plot(path)`` the figure.

    Raises:
        ValueError: for a model that is not compiled, or arguments out of range.
    """
    if not getattr(model, "compiled", False) or model._loss_obj is None:
        raise ValueError("compare(model): the model must be compiled with a loss first (its "
                         "loss and metrics are used for every configuration), e.g. "
                         "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy',"
                         " metrics=['accuracy']).")
    if isinstance(epochs, bool) or not isinstance(epochs, (int, np.integer)) or epochs < 1:
        raise ValueError(f"compare(epochs): expected a positive integer, given {epochs!r}.")
    if n_jobs is not None and (isinstance(n_jobs, bool) or not isinstance(n_jobs, int)
                               or n_jobs < 1):
        raise ValueError(f"compare(n_jobs): expected a positive integer or None, given "
                         f"{n_jobs!r}.")
    if backend not in ("processes", "ray"):
        raise ValueError(f"compare(backend): expected 'processes' (local worker processes) or "
                         f"'ray' (Ray tasks), given {backend!r}.")
    configs = configurations(model, optimizers, learning_rates)
    x_arr = np.asarray(x)
    if not model.built:
        model.build((None,) + x_arr.shape[1:])
    job = {"weights": model.get_weights(), "seed": int(seed), "x": x_arr,
           "y": None if y is None else np.asarray(y), "batch_size": int(batch_size),
           "epochs": int(epochs), "shuffle": bool(shuffle),
           "validation_data": validation_data,
           "validation_split": 0.0 if validation_data is not None else float(validation_split),
           "sample_weight": sample_weight}
    workers = min(len(configs), n_jobs or (os.cpu_count() or 1))
    results, parallel = {}, False
    with tempfile.TemporaryDirectory(prefix="numnet-compare-") as tmp:
        path = os.path.join(tmp, "model.numnet")
        try:
            model.save(path)
        except (TypeError, ValueError):
            path = None  # custom objects the file cannot name: train deep copies here
        if backend == "ray":
            if path is None:
                raise ValueError("compare(backend='ray'): the model must be saveable to send it "
                                 "to Ray workers; register its custom objects with "
                                 "numnet.saving.register_serializable.")
            from ..integrations.ray_tune import run_configs

            with open(path, "rb") as f:
                shared = {"model_bytes": f.read(), "job": job, "custom_objects": custom_objects}
            outcomes = run_configs(_ray_worker, [opt for _, opt in configs], shared=shared,
                                   address=address)
            results = {label: r for (label, _), r in zip(configs, outcomes)}
            parallel = True
        elif workers > 1 and path is not None:
            parallel = True
            import multiprocessing

            # CUDA does not survive a fork: on the GPU the workers start afresh and choose it.
            method = "fork" if ("fork" in multiprocessing.get_all_start_methods()
                                and current_device() == "cpu") else "spawn"
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context(method)) \
                    as pool:
                futures = {label: pool.submit(_worker, path, opt, job, custom_objects,
                                              current_device())
                           for label, opt in configs}
                for label, future in futures.items():
                    results[label] = future.result()
        else:
            for label, opt in configs:
                if path is not None:
                    results[label] = _worker(path, opt, job, custom_objects)
                else:
                    results[label] = _train_one(copy.deepcopy(model), opt, job)
    histories = {label: r["history"] for label, r in results.items()}
    if monitor is None:
        keys = next(iter(histories.values())).keys()
        val_metrics = [k for k in keys if k.startswith("val_") and k != "val_loss"]
        monitor = val_metrics[0] if val_metrics else "val_loss" if "val_loss" in keys else \
            next((k for k in keys if k != "loss"), "loss")
    missing = [label for label, h in histories.items() if monitor not in h]
    if missing:
        raise ValueError(f"compare(monitor): {monitor!r} is not in the training logs "
                         f"(available: {sorted(next(iter(histories.values())))}).")
    rows = [_summarize(label, opt, results[label], monitor, target) for label, opt in configs]
    result = Comparison(rows=rows, histories=histories, monitor=monitor,
                        target=None if target is None else float(target), parallel=parallel)
    if plot is not None:
        result.plot(plot)
    return result


__all__ = ["Comparison", "compare", "configurations", "maximizes"]
