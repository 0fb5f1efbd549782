"""Model: a stack of layers with compile / fit / evaluate / predict, as Keras.

``Model(inputs, outputs)`` from ``Input(...)`` is a chain of layers; subclasses may define
``call``; ``Sequential`` (sequential.py) adds ``add`` and ``pop``.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from .. import backend, losses, optimizers
from .. import metrics as metrics_module
from ..autodiff import ops
from ..autodiff.tensor import Tensor, no_grad
from ..callbacks import Callback, CallbackList, History, ProgbarLogger
from ..layers.base import InputLayer, Layer, reject_unknown_kwargs, unique_name
from . import data


class _LazyLogs(dict):
    """Batch logs computed only when a callback reads them (keeps the training loop lean)."""

    def __init__(self, compute):
        super().__init__()
        self._compute = compute
        self._ready = False

    def _fill(self):
        if not self._ready:
            self._ready = True
            super().update(self._compute())

    def __getitem__(self, key):
        self._fill()
        return super().__getitem__(key)

    def get(self, key, default=None):
        self._fill()
        return super().get(key, default)

    def __iter__(self):
        self._fill()
        return super().__iter__()

    def __len__(self):
        self._fill()
        return super().__len__()

    def __contains__(self, key):
        self._fill()
        return super().__contains__(key)

    def items(self):
        self._fill()
        return super().items()

    def keys(self):
        self._fill()
        return super().keys()

    def values(self):
        self._fill()
        return super().values()


_FIT_ARGS = ["x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
             "validation_data", "shuffle", "class_weight", "sample_weight", "initial_epoch",
             "steps_per_epoch", "validation_steps", "validation_batch_size", "validation_freq"]


class Model(Layer):
    """A trainable stack of layers."""

    _is_model = True

    def __init__(self, inputs=None, outputs=None, name: str | None = None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        reject_unknown_kwargs(f"{type(self).__name__}()", kwargs, ["inputs", "outputs", "name"])
        object.__setattr__(self, "_tracked", [])
        super().__init__(trainable=trainable, name=name or unique_name(
            "functional" if inputs is not None else _default_name(type(self))))
        self._layers: list[Layer] = []
        self._input_layer: InputLayer | None = None
        self.optimizer = None
        self.loss = None
        self.compiled = False
        self.stop_training = False
        self.history = None
        self._metrics: list = []
        self._metric_specs: list = []
        self._loss_obj = None
        if inputs is not None or outputs is not None:
            self._init_functional(inputs, outputs)

    def _init_functional(self, inputs, outputs):
        if not getattr(inputs, "_symbolic", False) or not getattr(outputs, "_symbolic", False):
            raise TypeError(
                "Model(inputs, outputs): expected the tensors returned by Input(...) and by "
                f"calling layers on it, given {type(inputs).__name__} and "
                f"{type(outputs).__name__}."
            )
        if outputs.input_layer is not inputs.input_layer:
            raise ValueError("Model(inputs, outputs): outputs are not computed from inputs.")
        self._input_layer = inputs.input_layer
        self._layers = list(outputs.layers)
        self.built = True
        self.input_shape = self._input_layer._declared_input_shape
        self.output_shape = outputs.shape

    def __setattr__(self, name, value):
        if isinstance(value, Layer) and name not in ("_input_layer",):
            tracked = self.__dict__.get("_tracked")
            if tracked is not None and value not in tracked:
                tracked.append(value)
        super().__setattr__(name, value)

    # ----- structure -----
    @property
    def layers(self) -> list[Layer]:
        return list(self._layers) if self._layers else list(self._tracked)

    def _all_layers(self) -> list[Layer]:
        return self._layers or self._tracked

    @property
    def weights(self) -> list:
        return [w for layer in self._all_layers() for w in layer.weights]

    @property
    def trainable_weights(self) -> list:
        if not self.trainable:
            return []
        return [w for layer in self._all_layers() for w in layer.trainable_weights]

    @property
    def non_trainable_weights(self) -> list:
        if not self.trainable:
            return self.weights
        return [w for layer in self._all_layers() for w in layer.non_trainable_weights]

    trainable_variables = trainable_weights
    variables = weights

    @property
    def losses(self) -> list:
        return [loss for layer in self._all_layers() for loss in layer.losses]

    def get_weights(self) -> list:
        return [w.numpy().copy() for w in self.weights]

    def set_weights(self, weights) -> None:
        weights = list(weights)
        own = self.weights
        if len(weights) != len(own):
            raise ValueError(
                f"{self.name}.set_weights(weights): expected a list of {len(own)} arrays "
                f"(shapes {[w.shape for w in own]}), given {len(weights)}."
            )
        for var, value in zip(own, weights, strict=True):
            shape = tuple(np.shape(value))
            if shape != var.shape:
                raise ValueError(
                    f"{self.name}.set_weights(weights): {var.path} expects shape {var.shape}, "
                    f"given {shape}."
                )
        for var, value in zip(own, weights, strict=True):
            var.assign(value)

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"{self.name}.count_params(): the model is not built yet; give the first layer "
                "input_shape=..., call build(input_shape), or fit it first."
            )
        return int(sum(w.size for w in self.weights))

    # ----- building and calling -----
    def build(self, input_shape=None) -> None:
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(f"{self.name}.build(): an input_shape is required.")
            input_shape = self._input_layer._declared_input_shape
        shape = tuple(input_shape)
        if self._layers:
            for layer in self._layers:
                layer._maybe_build(shape)
                shape = layer.output_shape
            self.output_shape = shape
        else:
            probe = np.zeros((1,) + tuple(d or 1 for d in input_shape[1:]), backend.floatx())
            with no_grad():
                out = self.call(ops.as_tensor(probe))
            self.output_shape = (None,) + tuple(out.shape[1:])
        self.input_shape = tuple(input_shape)
        self.built = True

    def call(self, inputs, training: bool = False):
        x = inputs
        for layer in self._layers:
            x = layer(x, training=training)
        return x

    def __call__(self, inputs, training: bool = False, **kwargs):
        if getattr(inputs, "_symbolic", False):
            return inputs.apply(self)
        x = inputs if isinstance(inputs, Tensor) else ops.as_tensor(
            data.prepare_x(inputs, "Model.__call__", "inputs"))
        if not self.built:
            self.build((None,) + tuple(x.shape[1:]))
        elif self.input_shape is not None:
            data.check_input_shape(x.value, self.input_shape, self.name, "Model.__call__")
        return self.call(x, training=training)

    def _forward(self, x, training: bool):
        return self.call(x, training=training)

    # ----- compile -----
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True, **kwargs):
        """Choose the optimizer, the loss and the metrics (Keras's defaults: 'rmsprop')."""
        reject_unknown_kwargs("compile()", kwargs,
                              ["optimizer", "loss", "metrics", "loss_weights", "weighted_metrics"])
        optimizer_obj = optimizers.get(optimizer)
        loss_obj = None if loss is None else losses.get(loss)
        if metrics is None:
            metrics = []
        elif isinstance(metrics, (str, metrics_module.Metric)) or callable(metrics):
            metrics = [metrics]
        elif isinstance(metrics, dict):
            metrics = [m for value in metrics.values() for m in (
                value if isinstance(value, (list, tuple)) else [value])]
        specs = list(metrics) + list(weighted_metrics or [])
        for spec in specs:  # names are checked now, 'accuracy' resolved at fit
            if not (isinstance(spec, str) and spec.lower() in ("accuracy", "acc")):
                metrics_module.get(spec)
        # Assigned only once everything is valid: a failed compile leaves the model as it was.
        self.optimizer, self.loss, self._loss_obj = optimizer_obj, loss, loss_obj
        self._metric_specs = specs
        self._metrics = []
        self.compiled = True
        from .. import advice

        advice.on_compile(self)

    def _require_compiled(self, where: str) -> None:
        if not self.compiled:
            raise ValueError(
                f"{where}: the model must be compiled first, e.g. "
                "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')."
            )
        if self._loss_obj is None and where != "predict()":
            raise ValueError(
                f"{where}: compile() was given no loss; pass loss=... (e.g. 'mse' or "
                "'sparse_categorical_crossentropy')."
            )

    def _resolve_metrics(self, y: np.ndarray) -> None:
        if self._metrics or not self._metric_specs:
            return
        out_shape = (len(y),) + tuple(self.output_shape[1:])
        probe = np.empty(out_shape, dtype=np.float32)
        self._metrics = [metrics_module.get(spec, y, probe) for spec in self._metric_specs]

    @property
    def metrics_names(self) -> list[str]:
        return ["loss"] + [m.name for m in self._metrics]

    @property
    def metrics(self) -> list:
        return list(self._metrics)

    # ----- data -----
    def _prepare(self, x, y, sample_weight, where):
        x = data.prepare_x(x, where)
        if x.ndim == 1:
            x = x.reshape(-1, 1)
        y = data.prepare_y(y, len(x), where)
        sample_weight = data.prepare_weights(sample_weight, len(x), where)
        if self.built:
            data.check_input_shape(x, self.input_shape, self.name, where)
        else:
            self.build((None,) + x.shape[1:])
        losses.validate_targets(self._loss_obj, y, (None,) + tuple(self.output_shape[1:]))
        if losses.kind_of(self._loss_obj) != "sparse" and y.dtype.kind != "f":
            y = y.astype(backend.floatx())
        return x, y, sample_weight

    # ----- one step -----
    def _loss_value(self, y, out, sample_weight):
        loss = self._loss_obj(y, out, sample_weight)
        penalties = self.losses
        for penalty in penalties:
            loss = ops.add(loss, penalty)
        return loss

    def _train_step(self, x, y, sample_weight):
        params = self.trainable_weights
        for p in params:
            p.grad = None
        out = self._forward(Tensor(backend.to_device(x)), training=True)
        loss = self._loss_value(backend.to_device(y), out, sample_weight)
        loss.backward()
        self.optimizer.apply([p.grad for p in params], params)
        if self._metrics:
            y_dev = backend.to_device(y)
            for metric in self._metrics:
                metric.update_state(y_dev, out.value, sample_weight)
        return loss.value

    def _test_step(self, x, y, sample_weight):
        with no_grad():
            out = self._forward(Tensor(backend.to_device(x)), training=False)
            loss = self._loss_value(backend.to_device(y), out, sample_weight)
        for metric in self._metrics:
            metric.update_state(backend.to_device(y), out.value, sample_weight)
        return loss.value

    def _results(self, loss_total: float, count: float) -> dict:
        logs = {"loss": loss_total / count if count else float("nan")}
        for metric in self._metrics:
            logs[metric.name] = float(metric.result())
        return logs

    # ----- fit -----
    def fit(self, x=None, y=None, batch_size=None, epochs: int = 1, verbose="auto",
            callbacks=None, validation_split: float = 0.0, validation_data=None,
            shuffle: bool = True, class_weight=None, sample_weight=None, initial_epoch: int = 0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None,
            validation_freq: int = 1, **kwargs):
        """Train for ``epochs`` passes over (x, y) in shuffled batches; return a History."""
        reject_unknown_kwargs("fit()", kwargs, _FIT_ARGS)
        self._require_compiled("fit()")
        batch_size = _check_batch_size(batch_size, "fit")
        if not isinstance(epochs, (int, np.integer)) or isinstance(epochs, bool) or epochs < 0:
            raise ValueError(f"fit(epochs): expected a non-negative integer, given {epochs!r}.")
        if isinstance(initial_epoch, bool) or not isinstance(initial_epoch, (int, np.integer)) \
                or initial_epoch < 0:
            raise ValueError(
                f"fit(initial_epoch): expected a non-negative integer, given {initial_epoch!r}.")
        if isinstance(validation_split, bool) or not isinstance(
                validation_split, (int, float, np.integer, np.floating)):
            raise TypeError(
                "fit(validation_split): expected a fraction in [0, 1), given "
                f"{type(validation_split).__name__} {validation_split!r}.")
        if not 0.0 <= float(validation_split) < 1.0:
            raise ValueError(
                f"fit(validation_split): expected a fraction in [0, 1), given {validation_split}.")
        _check_positive_int(validation_freq, "fit(validation_freq)")
        if steps_per_epoch is not None:
            _check_positive_int(steps_per_epoch, "fit(steps_per_epoch)")
        if validation_batch_size is not None:
            _check_positive_int(validation_batch_size, "fit(validation_batch_size)")
        cbs = _callback_list(callbacks)
        x, y, sample_weight = self._prepare(x, y, sample_weight, "fit")
        if class_weight is not None:
            cw = data.class_weights_to_sample_weights(class_weight, y, "fit")
            sample_weight = cw if sample_weight is None else sample_weight * cw
        val = None
        if validation_data is not None:
            val = self._validation_tuple(validation_data)
        elif validation_split:
            cut = int(len(x) * (1.0 - validation_split))
            if cut == 0 or cut == len(x):
                raise ValueError(
                    f"fit(validation_split={validation_split}): with {len(x)} samples this "
                    "leaves an empty training or validation set.")
            val = (x[cut:], y[cut:], None if sample_weight is None else sample_weight[cut:])
            x, y = x[:cut], y[:cut]
            sample_weight = None if sample_weight is None else sample_weight[:cut]
        self._resolve_metrics(y)
        from .. import advice

        advice.on_fit(self, x, y)

        n = len(x)
        steps = math.ceil(n / batch_size)
        if steps_per_epoch is not None:
            steps = min(steps, int(steps_per_epoch))
        verbose = _resolve_verbose(verbose)
        history = History()
        if verbose:
            cbs.append(ProgbarLogger(verbose=verbose))
        cbs.append(history)
        params = {"epochs": epochs, "steps": steps, "verbose": verbose, "batch_size": batch_size}
        cb = CallbackList(cbs, model=self, params=params)
        self.stop_training = False
        self.history = history
        wants_batch_logs = cb.wants("on_train_batch_end")
        cb.call("on_train_begin", {})
        epoch_logs: dict = {}
        rng = backend.rng()
        for epoch in range(initial_epoch, epochs):
            for metric in self._metrics:
                metric.reset_state()
            cb.call("on_epoch_begin", epoch, {})
            order = rng.permutation(n) if shuffle else None
            loss_total, seen = 0.0, 0
            for step in range(steps):
                cb.call("on_train_batch_begin", step, {})
                lo, hi = step * batch_size, min(n, (step + 1) * batch_size)
                if order is not None:
                    idx = order[lo:hi]
                    xb, yb = x[idx], y[idx]
                    swb = None if sample_weight is None else sample_weight[idx]
                else:
                    xb, yb = x[lo:hi], y[lo:hi]
                    swb = None if sample_weight is None else sample_weight[lo:hi]
                loss = float(self._train_step(xb, yb, swb))
                loss_total += loss * (hi - lo)
                seen += hi - lo
                if wants_batch_logs:
                    running = (loss_total, seen)
                    cb.call("on_train_batch_end", step,
                            _LazyLogs(lambda r=running: self._results(*r)))
                if self.stop_training:
                    break
            epoch_logs = self._results(loss_total, seen)
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self._evaluate_arrays(*val, validation_batch_size or batch_size)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cb.call("on_epoch_end", epoch, epoch_logs)
            if self.stop_training:
                break
        cb.call("on_train_end", epoch_logs)
        return history

    def _validation_tuple(self, validation_data):
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "fit(validation_data): expected a tuple (x_val, y_val) or (x_val, y_val, "
                f"sample_weight), given {type(validation_data).__name__}."
            )
        vx, vy = validation_data[0], validation_data[1]
        vw = validation_data[2] if len(validation_data) == 3 else None
        return self._prepare(vx, vy, vw, "fit(validation_data)")

    def _evaluate_arrays(self, x, y, sample_weight, batch_size):
        saved = [(m, _metric_state(m)) for m in self._metrics]
        for metric in self._metrics:
            metric.reset_state()
        loss_total, seen = 0.0, 0
        for lo in range(0, len(x), batch_size):
            hi = min(len(x), lo + batch_size)
            sw = None if sample_weight is None else sample_weight[lo:hi]
            loss_total += float(self._test_step(x[lo:hi], y[lo:hi], sw)) * (hi - lo)
            seen += hi - lo
        logs = self._results(loss_total, seen)
        for metric, state in saved:
            _restore_metric_state(metric, state)
        return logs

    # ----- evaluate / predict -----
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict: bool = False, **kwargs):
        """Loss and metrics on (x, y): a scalar loss, a list [loss, *metrics], or a dict."""
        reject_unknown_kwargs("evaluate()", kwargs, ["x", "y", "batch_size", "verbose",
                                                     "sample_weight", "steps", "return_dict"])
        self._require_compiled("evaluate()")
        batch_size = _check_batch_size(batch_size, "evaluate")
        x, y, sample_weight = self._prepare(x, y, sample_weight, "evaluate")
        self._resolve_metrics(y)
        for metric in self._metrics:
            metric.reset_state()
        loss_total, seen = 0.0, 0
        for lo in range(0, len(x), batch_size):
            hi = min(len(x), lo + batch_size)
            sw = None if sample_weight is None else sample_weight[lo:hi]
            loss_total += float(self._test_step(x[lo:hi], y[lo:hi], sw)) * (hi - lo)
            seen += hi - lo
        logs = self._results(loss_total, seen)
        if _resolve_verbose(verbose):
            from ..callbacks.progbar_logger import format_logs

            steps_done = math.ceil(len(x) / batch_size)
            print(f"{steps_done}/{steps_done} - {format_logs(logs)}")
        if return_dict:
            return logs
        if not self._metrics:
            return logs["loss"]
        return [logs["loss"]] + [logs[m.name] for m in self._metrics]

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """The model's outputs for x, computed in batches, as a NumPy array."""
        reject_unknown_kwargs("predict()", kwargs, ["x", "batch_size", "verbose", "steps"])
        batch_size = _check_batch_size(batch_size, "predict")
        x = data.prepare_x(x, "predict")
        if x.ndim == 1:
            x = x.reshape(-1, 1)
        if self.built:
            data.check_input_shape(x, self.input_shape, self.name, "predict")
        else:
            self.build((None,) + x.shape[1:])
        outputs = []
        with no_grad():
            for lo in range(0, len(x), batch_size):
                out = self._forward(Tensor(backend.to_device(x[lo:lo + batch_size])), False)
                outputs.append(backend.to_numpy(out.value))
        return np.concatenate(outputs, axis=0)

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict: bool = False):
        """One optimizer step on one batch; returns the loss (and metrics) of that batch."""
        self._require_compiled("train_on_batch()")
        x, y, sample_weight = self._prepare(x, y, sample_weight, "train_on_batch")
        if class_weight is not None:
            cw = data.class_weights_to_sample_weights(class_weight, y, "train_on_batch")
            sample_weight = cw if sample_weight is None else sample_weight * cw
        self._resolve_metrics(y)
        for metric in self._metrics:
            metric.reset_state()
        loss = float(self._train_step(x, y, sample_weight))
        return self._batch_result(self._results(loss, 1), return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict: bool = False):
        """Loss (and metrics) on one batch, without training."""
        self._require_compiled("test_on_batch()")
        x, y, sample_weight = self._prepare(x, y, sample_weight, "test_on_batch")
        self._resolve_metrics(y)
        for metric in self._metrics:
            metric.reset_state()
        loss = float(self._test_step(x, y, sample_weight))
        return self._batch_result(self._results(loss, 1), return_dict)

    def predict_on_batch(self, x):
        return self.predict(x, batch_size=len(x), verbose=0)

    def _batch_result(self, logs, return_dict):
        if return_dict:
            return logs
        if not self._metrics:
            return logs["loss"]
        return [logs["loss"]] + [logs[m.name] for m in self._metrics]

    # ----- summary -----
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None) -> None:
        """Print the layer table: name (type), output shape, parameter count; then totals."""
        from .summary import summary_text

        text = summary_text(self, line_length)
        (print_fn or print)(text)

    def get_config(self) -> dict:
        return {"name": self.name, "trainable": self.trainable}

    # ----- saving (the format lives in numnet.saving) -----
    def save(self, filepath, overwrite: bool = True, **kwargs) -> None:
        """Write the model (architecture, weights, compile settings, optimizer state) to one
        ``.numnet`` file, atomically."""
        from .. import saving

        saving.save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite: bool = True) -> None:
        from .. import saving

        saving.save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch: bool = False) -> None:
        from .. import saving

        saving.load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def to_json(self, **kwargs) -> str:
        from .. import saving

        return saving.model_to_json(self, **kwargs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _metric_state(metric):
    return {k: v for k, v in vars(metric).items() if isinstance(v, (int, float))}


def _restore_metric_state(metric, state):
    for k, v in state.items():
        setattr(metric, k, v)


def _default_name(cls) -> str:
    from ..layers.base import snake_case

    return snake_case(cls.__name__)


def _check_batch_size(batch_size, where: str) -> int:
    if batch_size is None:
        return 32
    return _check_positive_int(batch_size, f"{where}(batch_size)")


def _check_positive_int(value, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"{where}: expected a positive integer, given {value!r}.")
    return int(value)


def _callback_list(callbacks) -> list:
    if callbacks is None:
        return []
    cbs = [callbacks] if isinstance(callbacks, Callback) else callbacks
    if not isinstance(cbs, (list, tuple)) or not all(isinstance(c, Callback) for c in cbs):
        raise TypeError(
            "fit(callbacks): expected a list of Callback objects (e.g. "
            f"[EarlyStopping(patience=3)]), given {callbacks!r}."
        )
    return list(cbs)


def _resolve_verbose(verbose) -> int:
    if verbose == "auto":
        import sys

        return 1 if getattr(sys.stdout, "isatty", lambda: False)() else 2
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"verbose: expected 'auto', 0, 1 or 2, given {verbose!r}.")
    return int(verbose)


__all__ = ["Model", "inspect"]
