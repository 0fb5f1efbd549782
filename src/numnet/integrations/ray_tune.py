"""Ray Tune and Ray tasks for numnet: report each epoch to Tune, run configurations on a cluster.

    ReportCallback(metrics=None, checkpoint=False)   a numnet Callback for fit(callbacks=[...])
                                                     inside a Tune trial: every epoch's logs go
                                                     to ``tune.report``, so Tune's schedulers
                                                     (ASHA, median stopping) can stop the trial
    run_configs(train_fn, configs, shared=...)       train_fn(config, **shared) for each config,
                                                     each as one Ray task; results in order

Both work on whatever cluster ``ray.init(address=...)`` joined; when Ray is not initialized yet,
``run_configs`` (and ``numnet.tools.sweep``) call ``ray.init(address=address)``, which starts a
local cluster when ``address`` is None and ``RAY_ADDRESS`` is unset. Ray is imported only when
these are used; install it with ``pip install 'numnet[ray]'``. Every node needs numnet installed.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Callable, Iterable, Mapping
from types import SimpleNamespace

from ..callbacks import Callback

_INSTALL = "pip install 'numnet[ray]'"


def import_ray(where: str):
    """The ``ray`` module, or a RuntimeError that names ``where`` and the install command."""
    try:
        import ray
        import ray.tune  # noqa: F401  (Tune is the part numnet needs)
    except ImportError as err:
        raise RuntimeError(
            f"{where} needs Ray Tune, which is not installed. Install it with: {_INSTALL}"
        ) from err
    return ray


def tune_api(where: str) -> SimpleNamespace:
    """Tune's report / Checkpoint / get_context / RunConfig / CheckpointConfig, wherever this
    version of Ray keeps them (``ray.tune`` since Ray 2.40ish, ``ray.train`` before)."""
    ray = import_ray(where)
    tune = ray.tune
    if hasattr(tune, "Checkpoint") and hasattr(tune, "get_context"):
        home = tune
    else:  # older Ray: the function-trainable API lives in ray.train
        import ray.train as home
    return SimpleNamespace(
        ray=ray, tune=tune, report=home.report, Checkpoint=home.Checkpoint,
        get_context=home.get_context,
        RunConfig=getattr(tune, "RunConfig", None) or home.RunConfig,
        CheckpointConfig=getattr(tune, "CheckpointConfig", None) or home.CheckpointConfig,
    )


def ensure_ray(address: str | None, where: str):
    """Ray, initialized: the running connection if there is one, else ``ray.init(address)``."""
    ray = import_ray(where)
    if not ray.is_initialized():
        ray.init(address=address)
    return ray


def _in_tune_trial(api: SimpleNamespace) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # outside a trial Ray warns and returns None
        try:
            return api.get_context().get_trial_id() is not None
        except RuntimeError:
            return False


class ReportCallback(Callback):
    """Report the logs of each epoch to Ray Tune, as ``tune.report(metrics)``.

    metrics: None (the default) reports every number in the epoch's logs (loss, the compiled
    metrics, their ``val_`` twins); a name or list of names reports those; a dict
    ``{reported name: log name}`` renames them. ``epoch`` (1-based) is always added; Tune
    counts the reports as ``training_iteration``, so ASHA's ``max_t`` and ``grace_period``
    are in epochs.
    checkpoint: when True, each report carries a Tune checkpoint holding the model as it is at
    the end of that epoch (``model.save``) under ``filename`` ("model.numnet" by default):
    the reported numbers and the saved model always belong together. Defaults to False.

    Use it inside a function run by ``tune.Tuner`` (``numnet.tools.sweep`` does)::

        def trainable(config):
            model = build(config)
            model.fit(x, y, validation_split=0.2, epochs=20, verbose=0,
                      callbacks=[ReportCallback(checkpoint=True)])
    """

    def __init__(self, metrics: str | list | Mapping | None = None, checkpoint: bool = False,
                 filename: str = "model.numnet"):
        super().__init__()
        self._api = tune_api("ReportCallback")
        if metrics is None or isinstance(metrics, Mapping):
            self._names = None if metrics is None else dict(metrics)
        elif isinstance(metrics, str):
            self._names = {metrics: metrics}
        elif isinstance(metrics, Iterable):
            self._names = {str(m): str(m) for m in metrics}
        else:
            raise TypeError(
                "ReportCallback(metrics): expected None, a log name, a list of names or a dict "
                f"{{reported name: log name}}, given {type(metrics).__name__} {metrics!r}."
            )
        if not isinstance(filename, str) or not filename or os.sep in filename:
            raise ValueError(
                f"ReportCallback(filename): expected a plain file name such as "
                f"'model.numnet', given {filename!r}."
            )
        self.checkpoint = bool(checkpoint)
        self.filename = filename

    def on_train_begin(self, logs=None):
        if not _in_tune_trial(self._api):
            raise RuntimeError(
                "ReportCallback reports to Ray Tune, so it works only inside a trial run by "
                "ray.tune.Tuner (or numnet.tools.sweep); remove it from fit(callbacks=...) "
                "when training outside Tune."
            )

    def _select(self, logs: Mapping) -> dict:
        if self._names is None:
            out = {}
            for key, value in logs.items():
                try:
                    out[key] = float(value)
                except (TypeError, ValueError):
                    continue
            return out
        missing = [log for log in self._names.values() if log not in logs]
        if missing:
            raise KeyError(
                f"ReportCallback(metrics): {missing} not in the epoch's logs; available: "
                f"{sorted(logs)}. Compile the model with that metric, or give validation "
                "data for the val_ names."
            )
        return {name: float(logs[log]) for name, log in self._names.items()}

    def on_epoch_end(self, epoch, logs=None):
        metrics = self._select(logs or {})
        metrics["epoch"] = int(epoch) + 1
        if not self.checkpoint:
            self._api.report(metrics)
            return
        with tempfile.TemporaryDirectory(prefix="numnet-tune-") as folder:
            self.model.save(os.path.join(folder, self.filename))
            self._api.report(metrics, checkpoint=self._api.Checkpoint.from_directory(folder))


def _call(train_fn, config, shared):
    return train_fn(config, **shared)


def run_configs(train_fn: Callable, configs: Iterable, *, shared: Mapping | None = None,
                num_cpus: float = 1, num_gpus: float = 0, address: str | None = None) -> list:
    """Run ``train_fn(config, **shared)`` for every config as a Ray task; the results in order.

    The contract, for callers such as ``numnet.tools.compare(..., backend='ray')``:

    - ``train_fn`` is called once per config, in a Ray worker process that may be on another
      machine of the cluster: it and everything it refers to are sent by pickling (cloudpickle),
      so it must not rely on the caller's files, globals set at run time, or open resources.
      numnet must be installed on every node. It should seed what it needs itself
      (``numnet.backend.set_random_seed``): worker processes are reused between tasks.
    - ``shared`` (a dict of keyword arguments, e.g. the training arrays or a model's bytes) is
      put in Ray's object store once and given to every call, instead of being sent per task.
    - The i-th element of the returned list is what ``train_fn(configs[i], **shared)`` returned
      (it must be picklable: plain dicts of floats and lists, such as ``History.history``, are
      best). Calls run concurrently, as many as the cluster's CPUs allow with ``num_cpus``
      (default 1) and ``num_gpus`` (default 0) reserved per call.
    - If a call raises, run_configs raises RuntimeError naming the index and the config, with
      the worker's exception (and its traceback) attached as the cause, after the other calls
      finished.
    - Ray is initialized with ``ray.init(address=address)`` if it is not already (a local
      cluster by default), and left running for later calls.

    Example::

        histories = run_configs(train, [{"lr": 1e-3}, {"lr": 1e-2}], shared={"x": x, "y": y})
    """
    if not callable(train_fn):
        raise TypeError(
            f"run_configs(train_fn): expected a function train_fn(config, **shared), given "
            f"{type(train_fn).__name__}."
        )
    configs = list(configs)
    if shared is not None and not isinstance(shared, Mapping):
        raise TypeError(
            f"run_configs(shared): expected a dict of keyword arguments for train_fn, given "
            f"{type(shared).__name__}."
        )
    for name, value in (("num_cpus", num_cpus), ("num_gpus", num_gpus)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise ValueError(
                f"run_configs({name}): expected a non-negative number, given {value!r}."
            )
    if not configs:
        return []
    ray = ensure_ray(address, "run_configs")
    shared_ref = ray.put(dict(shared or {}))
    task = ray.remote(num_cpus=num_cpus, num_gpus=num_gpus)(_call)
    refs = [task.remote(train_fn, config, shared_ref) for config in configs]
    results, failures = [], []
    for i, ref in enumerate(refs):
        try:
            results.append(ray.get(ref))
        except Exception as err:  # Ray wraps the worker's exception in its own type
            results.append(None)
            failures.append((i, err))
    if failures:
        i, err = failures[0]
        cause = getattr(err, "cause", None) or err  # the worker's own exception
        raise RuntimeError(
            f"run_configs: train_fn(configs[{i}]) failed for config {configs[i]!r} "
            f"({len(failures)} of {len(configs)} calls failed): {type(cause).__name__}: {cause}"
        ) from err
    return results


__all__ = ["ReportCallback", "run_configs"]
