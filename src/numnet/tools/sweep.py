"""Hyper-parameter sweeps on Ray Tune: every configuration a trial, early stopping by ASHA.

    table = numnet.tools.sweep(build_fn, {"learning_rate": [1e-3, 1e-2],
                                          "optimizer": ["sgd", "adam"]},
                               x, y, validation_split=0.2, epochs=10)

``build_fn(config)`` returns a compiled model for one configuration (a dict with one value per
key of ``space``). Each trial builds its model, fits it, and reports every epoch's logs to Tune
through :class:`numnet.integrations.ray_tune.ReportCallback`, with the model saved alongside
each report; ASHA (asynchronous successive halving) stops the trials that fall behind at epochs
grace_period, grace_period * reduction_factor, ... The trials run as Ray tasks on whatever
cluster ``ray.init(address=...)`` joined, or on a local one started with ``ray.init(address)``.
"""

from __future__ import annotations

import logging
import math
import os
from collections.abc import Callable, Mapping

from .. import backend

_MAXIMIZED = ("acc", "auc", "precision", "recall", "f1", "iou", "r2")
_TUNE_KEYS = {"done", "should_checkpoint", "trial_id", "experiment_tag", "epoch"}
_FILENAME = "model.numnet"


def _run_trial(config, build_fn=None, x=None, y=None, fit_kwargs=None, seed=None,
               save_models=True):
    """One trial, in a Ray worker: build, fit with ReportCallback, report every epoch."""
    from ..integrations.ray_tune import ReportCallback

    if seed is not None:
        backend.set_random_seed(seed)
    model = build_fn(dict(config))
    if not getattr(model, "compiled", False) or not hasattr(model, "fit"):
        raise TypeError(
            "sweep(build_fn): build_fn(config) must return a compiled numnet model (call "
            f"model.compile(...) before returning it), given {type(model).__name__}."
        )
    kwargs = dict(fit_kwargs)
    callbacks = list(kwargs.pop("callbacks", None) or [])
    callbacks.append(ReportCallback(checkpoint=save_models, filename=_FILENAME))
    model.fit(x, y, callbacks=callbacks, verbose=0, **kwargs)


def _grid(space: Mapping, tune) -> dict:
    """Lists and tuples become grid axes; Tune's search spaces and constants pass through."""
    if not isinstance(space, Mapping) or not space:
        raise ValueError(
            "sweep(space): expected a non-empty dict {name: values}, e.g. "
            "{'learning_rate': [1e-3, 1e-2], 'optimizer': ['sgd', 'adam']}, given "
            f"{space!r}."
        )
    out = {}
    for name, values in space.items():
        if not isinstance(name, str):
            raise TypeError(f"sweep(space): keys must be strings, given {name!r}.")
        if isinstance(values, (list, tuple)):
            if not values:
                raise ValueError(
                    f"sweep(space[{name!r}]): expected at least one value to try, given an "
                    "empty list."
                )
            out[name] = tune.grid_search(list(values))
        else:
            out[name] = values
    return out


def _scheduler(scheduler, epochs: int, grace_period: int, reduction_factor: float):
    from ray.tune.schedulers import ASHAScheduler, FIFOScheduler, TrialScheduler

    if isinstance(scheduler, TrialScheduler):
        return scheduler
    if scheduler is None or scheduler == "fifo":
        return FIFOScheduler()
    if scheduler == "asha":
        return ASHAScheduler(time_attr="training_iteration", max_t=epochs,
                             grace_period=min(grace_period, epochs),
                             reduction_factor=reduction_factor)
    raise ValueError(
        "sweep(scheduler): expected 'asha', 'fifo', None or a ray.tune.schedulers scheduler, "
        f"given {scheduler!r}."
    )


def _positive_int(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{where}: expected a positive integer, given {value!r}.")
    return value


def _row(result, requested_epochs: int, auto_keys: set) -> dict:
    metrics = result.metrics or {}
    epochs = int(metrics.get("training_iteration", 0) or 0)
    row = {}
    for name, value in (result.config or {}).items():
        row[name] = value
    for name, value in metrics.items():
        if name in auto_keys or name in _TUNE_KEYS or isinstance(value, (dict, bool)):
            continue
        if isinstance(value, (int, float)):
            row[f"config/{name}" if name in row else name] = value
    checkpoint = result.checkpoint
    row.update({
        "epochs": epochs,
        "stopped_early": result.error is None and 0 < epochs < requested_epochs,
        "model_path": None if checkpoint is None else os.path.join(checkpoint.path, _FILENAME),
        "error": None if result.error is None else f"{type(result.error).__name__}: "
                                                   f"{result.error}",
        "trial_path": result.path,
    })
    return row


def sweep(build_fn: Callable, space: Mapping, x, y=None, *, epochs: int = 10,
          batch_size: int = 32, validation_data=None, validation_split: float = 0.0,
          metric: str | None = None, mode: str | None = None, scheduler="asha",
          grace_period: int = 1, reduction_factor: float = 2, num_samples: int = 1,
          search_alg=None, max_concurrent_trials: int | None = None, cpus_per_trial: float = 1,
          gpus_per_trial: float = 0, seed: int | None = 0, save_models: bool = True,
          storage_path: str | None = None, name: str | None = None,
          address: str | None = None, as_frame: bool | None = None, verbose: int = 0,
          **fit_kwargs):
    """Train one model per configuration of ``space`` as Ray Tune trials; a table of results.

    Args:
        build_fn: ``build_fn(config) -> compiled model``; ``config`` holds one value per key of
            ``space``. It runs in Ray workers, so it is sent by pickling (define it at module level
            or in ``__main__``).
        space: ``{name: values}``. A list or tuple is a grid axis (every combination is a trial);
            Ray Tune's distributions (``tune.choice``, ``tune.loguniform``, ...) are sampled
            ``num_samples`` times; any other value is passed as it is. Wrap a constant list:
            ``{'units': [[64, 32]]}``.
        x: the training inputs, as for ``Model.fit`` (put in Ray's object store once, not sent per
            trial).
        y: the training targets, as for ``Model.fit``. Defaults to ``None``.
        epochs: the most epochs a trial trains (ASHA's ``max_t``). Defaults to ``10``.
        batch_size: as for ``Model.fit``. Defaults to ``32``.
        validation_data: as for ``Model.fit``. Defaults to ``None``.
        validation_split: as for ``Model.fit``. Defaults to ``0.0``.
        metric: the log that ranks the trials and that ASHA compares; None gives 'val_loss' with
            validation data, else 'loss'. Defaults to ``None``.
        mode: 'min' or 'max'; None gives 'max' for accuracy-like names, else 'min'. Defaults to
            ``None``.
        scheduler: 'asha' (after epoch 1, 2, 4, ... a trial continues only if it is in the better
            half of those that reached that epoch), 'fifo' / None (no early stopping), or a
            ``ray.tune.schedulers`` object. Defaults to ``'asha'``.
        grace_period: ASHA's first rung, in epochs. Defaults to ``1``.
        reduction_factor: ASHA's reduction factor. Defaults to ``2``.
        num_samples: how many times each distribution is sampled (each grid point repeated).
            Defaults to ``1``.
        search_alg: a Tune search algorithm, or None. Defaults to ``None``.
        max_concurrent_trials: the most trials at once, or None for Tune's choice. Defaults to
            ``None``.
        cpus_per_trial: CPUs reserved per trial. Defaults to ``1``.
        gpus_per_trial: GPUs reserved per trial (``build_fn`` then calls
            ``backend.set_device('gpu')``). Defaults to ``0``.
        seed: each trial calls ``backend.set_random_seed(seed)`` before ``build_fn``; None leaves
            the random state alone. Defaults to ``0``.
        save_models: keep each trial's model as of its last report (``model_path`` in the table).
            Defaults to ``True``.
        storage_path: where Tune writes the experiment; None for Tune's default ``~/ray_results``.
        name: the experiment's name, or None. Defaults to ``None``.
        address: the Ray cluster for ``ray.init(address=...)`` when Ray is not initialized; None for
            a local cluster (or ``RAY_ADDRESS``). Defaults to ``None``.
        as_frame: return a pandas DataFrame (None: when pandas is installed) or, with False, a list
            of dicts. Defaults to ``None``.
        verbose: Ray Tune's console output (0: little); trials fit with verbose=0. Defaults to
            ``0``.
        **fit_kwargs: any other ``fit`` argument (``shuffle``, ``class_weight``, ``callbacks``,
            ...).

    Returns:
        One row per trial, best first by ``metric`` (failed trials last): the config values,
        the last reported logs (loss, metrics, val_ metrics), ``epochs`` (how many it
        trained), ``stopped_early`` (stopped by the scheduler before ``epochs``),
        ``model_path``, ``error`` (None, or the trial's exception) and ``trial_path``.

    Raises:
        RuntimeError: when every trial failed, with the first error.
    """
    from ..integrations.ray_tune import ensure_ray, tune_api

    if not callable(build_fn):
        raise TypeError(
            "sweep(build_fn): expected a function build_fn(config) returning a compiled model, "
            f"given {type(build_fn).__name__}."
        )
    epochs = _positive_int(epochs, "sweep(epochs)")
    num_samples = _positive_int(num_samples, "sweep(num_samples)")
    grace_period = _positive_int(grace_period, "sweep(grace_period)")
    if isinstance(reduction_factor, bool) or not isinstance(reduction_factor, (int, float)) \
            or reduction_factor <= 1:
        raise ValueError(
            f"sweep(reduction_factor): expected a number > 1, given {reduction_factor!r}.")
    validating = validation_data is not None or bool(validation_split)
    if metric is None:
        metric = "val_loss" if validating else "loss"
    if not isinstance(metric, str):
        raise TypeError(f"sweep(metric): expected a log name such as 'val_accuracy', given "
                        f"{metric!r}.")
    if metric.startswith("val_") and not validating:
        raise ValueError(
            f"sweep(metric={metric!r}): the val_ logs need validation data; pass "
            "validation_data=(x_val, y_val) or validation_split=0.2, or rank by a training "
            "log such as 'loss'."
        )
    if mode is None:
        mode = "max" if any(word in metric for word in _MAXIMIZED) else "min"
    if mode not in ("min", "max"):
        raise ValueError(f"sweep(mode): expected 'min' or 'max', given {mode!r}.")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int) or seed < 0):
        raise ValueError(f"sweep(seed): expected a non-negative integer or None, given {seed!r}.")

    api = tune_api("sweep")
    tune = api.tune
    param_space = _grid(space, tune)
    scheduler = _scheduler(scheduler, epochs, grace_period, reduction_factor)
    ensure_ray(address, "sweep")
    fit_kwargs = dict(fit_kwargs, epochs=epochs, batch_size=batch_size,
                      validation_data=validation_data, validation_split=validation_split)
    trainable = tune.with_parameters(_run_trial, build_fn=build_fn, x=x, y=y,
                                     fit_kwargs=fit_kwargs, seed=seed, save_models=save_models)
    trainable = tune.with_resources(trainable, {"cpu": cpus_per_trial, "gpu": gpus_per_trial})
    tuner = tune.Tuner(
        trainable,
        param_space=param_space,
        tune_config=tune.TuneConfig(metric=metric, mode=mode, scheduler=scheduler,
                                    search_alg=search_alg, num_samples=num_samples,
                                    max_concurrent_trials=max_concurrent_trials),
        run_config=api.RunConfig(
            name=name, storage_path=storage_path, verbose=verbose,
            checkpoint_config=api.CheckpointConfig(num_to_keep=1) if save_models else None),
    )
    # With one checkpoint kept per trial Tune warns on every save that it snapshots often.
    quiet = logging.getLogger("ray.tune.execution.experiment_state")
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        grid = tuner.fit()
    finally:
        quiet.setLevel(level)

    from ray.tune.result import AUTO_RESULT_KEYS

    rows = [_row(grid[i], epochs, set(AUTO_RESULT_KEYS)) for i in range(len(grid))]
    if rows and all(r["error"] is not None for r in rows):
        raise RuntimeError(f"sweep: every trial failed; the first: {rows[0]['error']}")
    sign = -1.0 if mode == "max" else 1.0

    def rank(row):
        value = row.get(metric)
        ok = row["error"] is None and isinstance(value, (int, float)) and math.isfinite(value)
        return (0, sign * value) if ok else (1, 0.0)

    rows.sort(key=rank)
    if as_frame is False:
        return rows
    try:
        import pandas
    except ImportError:
        if as_frame:
            raise RuntimeError("sweep(as_frame=True) needs pandas: pip install pandas") from None
        return rows
    return pandas.DataFrame(rows)


__all__ = ["sweep"]
