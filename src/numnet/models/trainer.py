"""The trainer: compile and fit (Keras's trainers/trainer.py)."""

from __future__ import annotations

import numpy as np

from .. import backend, losses, optimizers
from .. import metrics as metrics_module
from ..callbacks import CallbackList, History, ProgbarLogger
from ..fast import stack_step, threads
from ..layers.base import (
    reject_unknown_kwargs,
)
from . import adapters, steps
from . import outputs as outputs_module
from .arguments import (
    _FIT_ARGS,
    _callback_list,
    _check_batch_size,
    _check_fit_arguments,
    _resolve_verbose,
    _should_eval,
)
from .logs import _add_loss, _BatchHooks, _LazyLogs, _loss_total
from .steps import KerasSteps


def _one_output_weight(loss_weights) -> float:
    """compile's loss_weights for a model of one output: a number, or a list or dict of one
    (Keras multiplies the loss, and the reported loss, by it)."""
    value = loss_weights
    if isinstance(value, (list, tuple, dict)):
        if len(value) != 1:
            raise ValueError(f"compile(loss_weights): the model has one output, given "
                             f"{len(value)} weights {loss_weights!r}; pass one number.")
        value = next(iter(value.values())) if isinstance(value, dict) else value[0]
    if value is None:
        return 1.0
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        raise TypeError(f"compile(loss_weights): expected a number (or a list or dict of one "
                        f"for a model of one output), given {loss_weights!r}.")
    return float(value)


def _flat_metrics(metrics) -> list:
    """compile's metrics for a model of one output as a flat list: Keras also takes a dict
    by output name or a list of lists, and flattens them."""
    if metrics is None:
        return []
    if isinstance(metrics, (str, metrics_module.Metric)) or callable(metrics):
        return [metrics]
    if isinstance(metrics, dict):
        metrics = list(metrics.values())
    return [m for value in metrics for m in (
        value if isinstance(value, (list, tuple)) else [value])]


class _WeightedLoss:
    """A compiled loss times compile's loss_weights (a model of one output): the reduced loss,
    and the loss fit reports, are ``weight * loss``, as Keras's compiled loss."""

    def __init__(self, loss, weight: float):
        self.loss, self.weight = loss, weight

    def __getattr__(self, name):  # name, reduction, fn (the loss's kind) ...
        loss = self.__dict__.get("loss")
        if loss is None or name.startswith("__"):
            raise AttributeError(name)
        return getattr(loss, name)

    def reduced(self, y_true, y_pred, sample_weight=None):
        return self.loss.reduced(y_true, y_pred, sample_weight) * self.weight

    def __call__(self, y_true, y_pred, sample_weight=None):
        return self.loss(y_true, y_pred, sample_weight) * self.weight


class Trainer:
    """compile and fit: the optimizer, loss and metrics a model trains with, and the loop over
    epochs, batches and callbacks."""

    # ----- compile -----
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True, **kwargs):
        """Configure the model for training: the optimizer, the loss and the metrics.

        Args:
            optimizer: an optimizer name ('rmsprop', 'adam', 'sgd', ...) or an Optimizer object.
                Defaults to 'rmsprop', as in Keras.
            loss: a loss name ('mse', 'binary_crossentropy', 'sparse_categorical_crossentropy',
                ...), a Loss object, a function ``f(y_true, y_pred)``, or for a model of several
                outputs a list or dict of them (by output name). A model of one output also
                takes a list of one, and a functional model a dict of one keyed by its output's
                name. Defaults to None (a model whose ``train_step`` or ``add_loss`` gives the
                loss).
            loss_weights: the weight of each output's loss in the total, as a list or a dict;
                for a model of one output a number (or a list or dict of one) that multiplies
                its loss, the reported loss included. Defaults to None (all 1).
            metrics: metric names ('accuracy', 'mae', ...), Metric objects or functions, or per
                output a list or dict of them. 'accuracy' resolves to binary, categorical or sparse
                categorical accuracy from the loss and the shapes, as in Keras. Defaults to None.
            weighted_metrics: metrics weighted by ``sample_weight`` / ``class_weight``. Defaults to
                None.
            run_eagerly: train through the autodiff tape step by step instead of numnet's
                compiled stack step. Defaults to False.
            steps_per_execution: the steps in one execution, as Keras counts them: every step
                still runs on its own, and the batch callbacks (``on_train_batch_begin`` /
                ``_end``, ``on_test_batch_*``) are called once per execution, with the index
                of its first and of its last step, as Keras calls them. Defaults to 1.
            jit_compile: 'auto' (the default) or True use the compiled stack step for a plain stack
                of Dense layers; False trains through the tape.
            auto_scale_loss: scale the loss under a mixed-precision policy (see
                ``numnet.optimizers.LossScaleOptimizer``). Defaults to True.
            **kwargs: Keras 2's names where numnet accepts them (``lr`` on the optimizer, ...).

        Raises:
            ValueError: for an unknown optimizer, loss or metric name (with the closest names).

        Example:
            >>> model = numnet.Sequential([numnet.Input((784,)),
            ...                            numnet.layers.Dense(10, activation="softmax")])
            >>> model.compile(optimizer=numnet.optimizers.Adam(learning_rate=1e-3),
            ...               loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        """
        reject_unknown_kwargs("compile()", kwargs,
                              ["optimizer", "loss", "metrics", "loss_weights", "weighted_metrics"])
        if isinstance(steps_per_execution, bool) or not isinstance(steps_per_execution, int) \
                or steps_per_execution < 1:
            raise ValueError(f"compile(steps_per_execution): expected a positive int, given "
                             f"{steps_per_execution!r}.")
        self._steps_per_execution = steps_per_execution
        optimizer_obj = optimizers.get(optimizer)
        if (auto_scale_loss and self.dtype_policy.name == "mixed_float16"
                and not isinstance(optimizer_obj, optimizers.LossScaleOptimizer)):
            # As Keras 3: float16 gradients need loss scaling (numnet.mixed_precision).
            optimizer_obj = optimizers.LossScaleOptimizer(optimizer_obj,
                                                          name="loss_scale_optimizer")
        if self._output_names is not None:
            self._compile_heads(optimizer_obj, loss, loss_weights, metrics, weighted_metrics,
                                run_eagerly, jit_compile)
            return
        self.__dict__["_pending_heads"] = None
        if self._subclassed() and (isinstance(loss, (list, tuple)) and len(loss) > 1 or (
                isinstance(loss, dict) and "class_name" not in loss)):
            # a loss per output of a subclassed model: its outputs are known at the first
            # batch (KerasSteps._compiled_loss_value builds the heads then), as in Keras
            self._compile_heads(optimizer_obj, loss, loss_weights, metrics, weighted_metrics,
                                run_eagerly, jit_compile, deferred=True)
            return
        loss = self._one_output_loss(loss)
        weight = _one_output_weight(loss_weights)
        loss_obj = None if loss is None else losses.loss_object(loss)
        if loss_obj is not None and weight != 1.0:
            loss_obj = _WeightedLoss(loss_obj, weight)
        metrics = _flat_metrics(metrics)
        specs = list(metrics) + _flat_metrics(weighted_metrics)
        for spec in specs:  # names are checked now, 'accuracy' resolved at fit
            if not (isinstance(spec, str) and spec.lower() in ("accuracy", "acc")):
                metrics_module.validate(spec)
        if jit_compile not in ("auto", True, False):
            raise ValueError(f"compile(jit_compile): expected 'auto', True or False, given "
                             f"{jit_compile!r}.")
        # Assigned only once everything is valid: a failed compile leaves the model as it was.
        self.optimizer, self.loss, self._loss_obj = optimizer_obj, loss, loss_obj
        self._loss_weight = weight
        # jit_compile False or run_eagerly True: every step through the tape (no stack_step)
        self.jit_compile, self.run_eagerly = jit_compile, bool(run_eagerly)
        self._metric_specs = specs
        self._weighted_from = len(metrics)  # metrics from here on are weighted_metrics
        self._metrics = []
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled, self._data_seen_since_compile = True, False
        for observe in Trainer.compile_observers:
            observe(self)

    def _one_output_loss(self, loss):
        """compile's loss for a model of one output: Keras also takes it as a list of one, or
        (a functional model) a dict of one keyed by the output's name."""
        if isinstance(loss, (list, tuple)):
            if len(loss) != 1:
                raise ValueError(
                    f"compile(loss): the model has one output, given a list of {len(loss)} "
                    "losses; pass one loss (or a list of one).")
            return loss[0]
        if isinstance(loss, dict) and "class_name" not in loss:  # (not a serialized loss)
            names = self._one_output_names()
            if len(loss) != 1 or next(iter(loss)) not in names:
                raise ValueError(
                    f"compile(loss): a dict of losses is keyed by the model's output names "
                    f"({names or 'a Sequential or subclassed model has none'}), given keys "
                    f"{list(loss)}; pass the loss itself for a model of one output.")
            return next(iter(loss.values()))
        return loss

    def _one_output_names(self) -> list:
        """The keys a dict of losses or targets may use for a model of one output: the key of
        a functional model's output dict, else its output layer's name."""
        key = self.__dict__.get("_output_key")
        if key is not None:
            return [key]
        try:
            return list(self.output_names)
        except AttributeError:
            return []

    def _compile_heads(self, optimizer, loss, loss_weights, metrics, weighted_metrics,
                       run_eagerly, jit_compile, deferred: bool = False):
        """compile for a model of several outputs: a loss, weight and metrics per output
        (models/outputs.py). ``deferred``: a subclassed model's, made at its first batch."""
        if jit_compile not in ("auto", True, False):
            raise ValueError(f"compile(jit_compile): expected 'auto', True or False, given "
                             f"{jit_compile!r}.")
        if deferred:
            heads = None
            self.__dict__["_pending_heads"] = (loss, loss_weights, metrics, weighted_metrics)
        else:
            heads = outputs_module.Heads(self._output_names, [t.shape for t in self._outputs],
                                         loss, loss_weights, metrics, weighted_metrics)
        self.optimizer, self.loss, self._loss_obj, self._heads = optimizer, loss, None, heads
        self.jit_compile, self.run_eagerly = jit_compile, bool(run_eagerly)
        self._metric_specs, self._weighted_from, self._metrics = [], 0, []
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled, self._data_seen_since_compile = True, False
        for observe in Trainer.compile_observers:
            observe(self)

    def _require_compiled(self, where: str) -> None:
        if not self.compiled:
            raise ValueError(
                f"{where}: the model must be compiled first, e.g. "
                "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')."
            )
        if self._loss_obj is None and where not in ("predict()", "fit()", "evaluate()") and not (
                self._heads is not None and self._heads.has_loss) and not self._steps_overridden() \
                and self.__dict__.get("_pending_heads") is None:
            raise ValueError(
                f"{where}: compile() was given no loss; pass loss=... (e.g. 'mse' or "
                "'sparse_categorical_crossentropy')."
            )

    def _resolve_metrics(self, y: np.ndarray) -> None:
        if self._heads is not None:
            self._metrics = self._heads.build(y)
            return
        if self._metrics or not self._metric_specs:
            return
        out_shape = (len(y),) + tuple(  # an axis of any length: as long as y's
            d if d is not None else (y.shape[i + 1] if i + 1 < y.ndim else 1)
            for i, d in enumerate(self.output_shape[1:]))
        probe = np.empty(out_shape, dtype=np.float32)
        self._metrics = [metrics_module.get(spec, y, probe) for spec in self._metric_specs]

    @property
    def metrics_names(self) -> list[str]:
        if self._heads is not None:  # in the order of evaluate's list
            return self._heads.log_names()
        return ["loss"] + metrics_module.log_names(self._metrics, self._weighted_from)

    @property
    def metrics(self) -> list:
        """The model's metrics, as Keras 3 lists them: the loss tracker ("loss") and the
        compiled metrics once compiled, then the Metric objects the model holds in its
        attributes. ``fit`` resets them at the start of each epoch."""
        out = []
        if self.compiled and self._loss_tracker is not None:
            out.append(self._loss_tracker)
        if self.compiled and self._metric_specs and self._heads is None:
            # the compiled metrics as one container, as Keras's CompileMetrics: its
            # update_state makes them from the first targets and gives the sample weights to
            # weighted_metrics only, its result is the dict of their results
            container = self.__dict__.get("_compile_metrics")
            if container is None:
                container = self.__dict__["_compile_metrics"] = _CompileMetrics(self)
            out.append(container)
        else:
            out += self._metrics
        known = {id(m) for m in out} | {id(self.__dict__.get("_compile_metrics"))} | {
            id(m) for m in self._metrics}
        return out + [m for m in self._attribute_metrics() if id(m) not in known]

    @property
    def metrics_variables(self) -> list:
        """The variables of ``model.metrics`` (the loss tracker's, the compiled metrics',
        then the others'), as Keras lists them."""
        return [v for metric in self.metrics for v in metric.variables]

    def get_state_tree(self, value_format: str = "backend_tensor") -> dict:
        """The model's variables as nested dicts by their paths, as Keras 3's: trainable,
        non-trainable, the optimizer's and the metrics' (``"dense/kernel"`` under
        ``tree["trainable_variables"]["sequential"]["dense"]["kernel"]``).

        Args:
            value_format: ``"backend_tensor"`` (the arrays the variables hold) or
                ``"numpy_array"`` (NumPy copies). Defaults to ``"backend_tensor"``.

        Returns:
            ``{"trainable_variables": ..., "non_trainable_variables": ...,
            "optimizer_variables": ..., "metrics_variables": ...}``.

        Raises:
            ValueError: for another ``value_format``, or two variables of one path.

        Example:
            >>> model = numnet.Sequential([numnet.Input((2,)), numnet.layers.Dense(1)],
            ...                           name="seq")
            >>> sorted(model.get_state_tree()["trainable_variables"]["seq"]["dense"])
            ['bias', 'kernel']
        """
        if value_format not in ("backend_tensor", "numpy_array"):
            raise ValueError(f"get_state_tree(value_format): expected 'backend_tensor' or "
                             f"'numpy_array', given {value_format!r}.")
        optimizer = getattr(self, "optimizer", None)
        groups = {"trainable_variables": self.trainable_variables,
                  "non_trainable_variables": self.non_trainable_variables,
                  "optimizer_variables": optimizer.variables if optimizer is not None else [],
                  "metrics_variables": self.metrics_variables}
        tree = {}
        for key, variables in groups.items():
            flat = {}
            for v in variables:
                if v.path in flat:
                    raise ValueError(
                        f"get_state_tree(): the variable path {v.path!r} is found twice in the "
                        "model; give the layers (and other objects) unique names.")
                flat[v.path] = v.numpy() if value_format == "numpy_array" else v.value
            nested: dict = {}
            for path, value in flat.items():
                *parents, leaf = path.split("/")
                here = nested
                for part in parents:
                    here = here.setdefault(part, {})
                here[leaf] = value
            tree[key] = nested
        return tree

    def set_state_tree(self, state_tree: dict) -> None:
        """Assign the values of a tree as ``get_state_tree`` gives it (all of it, or some of
        its groups and paths) to the model's variables, as Keras 3's.

        Raises:
            ValueError: for a group other than the four ``get_state_tree`` gives.
        """
        optimizer = getattr(self, "optimizer", None)
        groups = {"trainable_variables": lambda: self.trainable_variables,
                  "non_trainable_variables": lambda: self.non_trainable_variables,
                  "optimizer_variables": lambda: (optimizer.variables if optimizer is not None
                                                  else []),
                  "metrics_variables": lambda: self.metrics_variables}
        for key, subtree in state_tree.items():
            if key not in groups:
                raise ValueError(f"set_state_tree(): unknown group {key!r}; expected some of "
                                 f"{list(groups)}.")
            flat = {}

            def walk(node, prefix, flat=flat):
                for name, value in node.items():
                    path = f"{prefix}/{name}" if prefix else name
                    if isinstance(value, dict):
                        walk(value, path)
                    else:
                        flat[path] = value

            walk(subtree, "")
            by_path = {v.path: v for v in groups[key]()}
            for path, value in flat.items():
                if path in by_path:
                    by_path[path].assign(value)

    def reset_metrics(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def _custom_steps(self, x=None) -> bool:
        """Whether fit / evaluate go through train_step / test_step (models/steps.py): a step
        or loss the user overrides, no compiled loss, or a subclassed model given a list or
        dict of inputs (or a dataset of them)."""
        if self._steps_overridden():
            return True
        if self._loss_obj is None and (self._heads is None or self._subclassed()):
            return True  # (a subclassed model's heads are made by its steps' compute_loss)
        return self._structured_inputs(x)

    def _steps_overridden(self) -> bool:
        """Whether the model's class overrides a step, its loss, its metrics' update or its
        list of metrics (Keras 3's entry points)."""
        cls = type(self)
        return (cls.train_step is not KerasSteps.train_step
                or cls.test_step is not KerasSteps.test_step
                or cls.compute_loss is not KerasSteps.compute_loss
                or cls.compute_metrics is not KerasSteps.compute_metrics
                or cls.metrics is not Trainer.metrics)

    def _structured_inputs(self, x) -> bool:
        """Whether ``x`` gives a subclassed model lists or dicts of inputs: given so, or a
        dataset whose elements' inputs are."""
        if not self._subclassed():
            return False
        if isinstance(x, (list, tuple, dict)):
            return True
        if getattr(type(x), "element_spec", None) is not None:
            spec = x.element_spec
            inputs = spec[0] if isinstance(spec, tuple) else spec
            return isinstance(inputs, (list, tuple, dict))
        return False

    # ----- fit -----
    def fit(self, x=None, y=None, batch_size=None, epochs: int = 1, verbose="auto",
            callbacks=None, validation_split: float = 0.0, validation_data=None,
            shuffle: bool = True, class_weight=None, sample_weight=None, initial_epoch: int = 0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None,
            validation_freq: int = 1, **kwargs):
        """Train the model for ``epochs`` passes over the data; returns a History.

        Args:
            x: the inputs: arrays (NumPy, lists, pandas), a memory-mapped array
                (``np.load(path, mmap_mode='r')``), a ``numnet.utils.PyDataset``, or a generator /
                iterable of ``(x, y)`` or ``(x, y, sample_weight)`` batches; for several inputs a
                list or a dict by input name. Memory-mapped arrays and PyDatasets stream (only the
                batches in use are in memory); in-memory arrays are checked whole before training
                (NaN / inf, shapes, labels against the loss), streams on their first batch.
            y: the targets, in the same form (a list or dict by output name for several
                outputs); None when ``x`` yields them. Defaults to None.
            batch_size: the samples per gradient step, for arrays. Defaults to None (32).
            epochs: the number of passes over the data (``numnet.config.set_max_epochs`` caps it).
                Defaults to 1.
            verbose: 'auto' (the default, 1), 0 (silent), 1 (a progress bar) or 2 (one line per
                epoch).
            callbacks: a list of ``numnet.callbacks`` objects. Defaults to None.
            validation_split: the last fraction of the arrays held out for validation, cut before
                shuffling, as Keras. Defaults to 0.0.
            validation_data: ``(x_val, y_val)`` or ``(x_val, y_val, sample_weight)``, a PyDataset
                or a generator; used instead of ``validation_split``. Defaults to None.
            shuffle: True (a new permutation each epoch), 'batch' (contiguous batches in a shuffled
                order) or False. Generators are never shuffled. Defaults to True.
            class_weight: ``{class: weight}`` multiplied into the training sample weights.
                Defaults to None.
            sample_weight: one weight per training sample. Defaults to None.
            initial_epoch: the epoch to start from (to resume a run). Defaults to 0.
            steps_per_epoch: batches per epoch; the next epoch goes on where the last stopped, as
                Keras. Defaults to None (one pass).
            validation_steps: batches of the validation data used; None for all. Defaults to None.
            validation_batch_size: the validation batch size; None for ``batch_size``.
            validation_freq: validate every n-th epoch (an int), or after the epochs listed.
                Defaults to 1.
            **kwargs: numnet's ``learning_rate``: a number sets the optimizer's rate; 'auto' runs
                the learning-rate range test (``numnet.tools.lr_find``) on the training data first
                and trains with its suggestion.

        Returns:
            A History: ``history.history`` maps each log ('loss', 'accuracy', 'val_loss', ...) to
            its value per epoch.

        Raises:
            ValueError: for inputs and targets that do not fit the model or the loss (shapes,
                labels, NaN), with the fix.
            RuntimeError: when the model was not compiled.

        Example:
            >>> x = np.random.default_rng(0).normal(size=(64, 4)).astype("float32")
            >>> y = (x[:, 0] > 0).astype("float32")
            >>> model = numnet.Sequential([numnet.Input((4,)),
            ...                            numnet.layers.Dense(1, activation="sigmoid")])
            >>> model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
            >>> history = model.fit(x, y, epochs=2, batch_size=16, verbose=0)
            >>> sorted(history.history)
            ['accuracy', 'loss']
        """
        learning_rate = kwargs.pop("learning_rate", None)
        reject_unknown_kwargs("fit()", kwargs, _FIT_ARGS)
        self._require_compiled("fit()")
        batch_size = _check_batch_size(batch_size, "fit")
        if learning_rate is not None:
            self._resolve_learning_rate(learning_rate, x, y, batch_size, sample_weight,
                                        validation_split, verbose)
        epochs = _check_fit_arguments(epochs, initial_epoch, validation_split,
                                      validation_freq, shuffle, steps_per_epoch=steps_per_epoch,
                                      validation_steps=validation_steps,
                                      validation_batch_size=validation_batch_size)
        custom = self._custom_steps(x)
        train, val = self._fit_data(custom, x, y, sample_weight, batch_size, shuffle,
                                    class_weight, steps_per_epoch, validation_split,
                                    validation_data, validation_batch_size or batch_size,
                                    validation_steps)
        train.reset(peek=self._first_data_since_compile())
        cb, history = self._fit_callbacks(callbacks, epochs, train, val, verbose)
        self.stop_training, self.history = False, history
        blas = self._begin_fit(train, custom, batch_size)
        try:
            cb.call("on_train_begin", {})
            logs = self._run_epochs(train, val, cb, initial_epoch, epochs, validation_freq)
            self._finalize_weights(epochs)
            cb.call("on_train_end", logs)
        finally:
            self._end_fit(train, blas)
        return history

    def _first_data_since_compile(self) -> bool:
        """True at the first fit / evaluate after compile() (or while the model is not
        built): Keras then reads a first batch to build the model and the compiled loss and
        metrics, inside an epoch of the data (a PyDataset's on_epoch_begin runs once more)."""
        first = not getattr(self, "_data_seen_since_compile", False) or not self.built
        self._data_seen_since_compile = True
        return first

    def _finalize_weights(self, epochs: int) -> None:
        """After the last epoch, the optimizer's last word on the weights, as Keras: with
        ``use_ema`` the moving averages replace the trained weights."""
        finalize = getattr(self.optimizer, "finalize_variable_values", None)
        if epochs > 0 and finalize is not None:
            finalize(self.trainable_weights)

    # Observers of compile and of a fit's first batch (numnet.advice registers its checks) and
    # the resolver of fit(learning_rate=...) (numnet.tools.lr_find's range test): set from the
    # floors above, so that the trainer imports neither.
    compile_observers: list = []
    fit_observers: list = []
    learning_rate_resolver = None

    def _resolve_learning_rate(self, learning_rate, x, y, batch_size, sample_weight,
                               validation_split, verbose) -> None:
        if self._graph is not None and isinstance(learning_rate, str):
            raise ValueError(
                f"fit(learning_rate={learning_rate!r}): the range test runs on Sequential "
                f"models and chains of layers, and {self.name!r} is a graph of layers; pass "
                "a number (e.g. learning_rate=1e-3) or set the optimizer's learning_rate.")
        resolver = Trainer.learning_rate_resolver
        if resolver is None:
            raise RuntimeError("fit(learning_rate=...): no learning-rate resolver is "
                               "registered; import numnet (which registers numnet.tools.lr_find).")
        resolver(self, learning_rate, x, y, batch_size, sample_weight, validation_split,
                 _resolve_verbose(verbose))

    def _fit_data(self, custom, x, y, sample_weight, batch_size, shuffle, class_weight,
                  steps_per_epoch, validation_split, validation_data, val_batch,
                  validation_steps):
        """(the training iterator, the validation iterator or None); the metrics made and
        the observers told of the first batch."""
        if custom:  # train_step / test_step (models/steps.py)
            train, split = self._struct_data(x, y, sample_weight, batch_size, "fit", shuffle,
                                             class_weight, steps_per_epoch, validation_split)
        else:
            train, (sample_x, sample_y), split = self._data(
                x, y, sample_weight, batch_size, "fit", shuffle=shuffle,
                class_weight=class_weight, steps=steps_per_epoch,
                validation_split=validation_split)
        val = None
        if validation_data is not None:
            val = (self._struct_validation(validation_data, val_batch, validation_steps)
                   if custom else
                   self._validation_iterator(validation_data, val_batch, validation_steps))
        elif split is not None:
            source_cls = (steps.StructSource if custom else adapters.InputsSource
                          if type(split[0]) is list else adapters.ArraySource)
            val = adapters.EpochIterator(source_cls(*split, batch_size=val_batch),
                                         validation_steps)
        if custom:
            self._build_metrics_from(train.source, batch_size)
        else:
            if self._heads is not None and isinstance(sample_y, (dict, list, tuple)):
                # a dataset's first targets, by output name or in output order: packed as
                # arrays given to fit are
                rows = len(next(iter(sample_y.values() if isinstance(sample_y, dict)
                                     else sample_y)))
                sample_y = self._heads.targets(sample_y, rows, "fit")
            self._resolve_metrics(sample_y[:batch_size])
            for observe in Trainer.fit_observers:  # (several inputs: a list of arrays)
                observe(self, sample_x, sample_y)
        return train, val

    def _fit_callbacks(self, callbacks, epochs, train, val, verbose):
        """The CallbackList of a fit (a progress bar unless verbose=0, a History) and the
        History."""
        cbs = _callback_list(callbacks, "fit")
        verbose = _resolve_verbose(verbose)
        if verbose and not any(isinstance(c, ProgbarLogger) for c in cbs):
            cbs.append(ProgbarLogger())
        history = next((c for c in cbs if isinstance(c, History)), None)
        if history is None:
            history = History()
            cbs.append(history)
        params = {"verbose": verbose, "epochs": epochs, "steps": train.steps}  # Keras's keys
        self._fit_validates = val is not None  # CSVLogger's val_ columns
        return CallbackList(cbs, model=self, params=params), history

    def _begin_fit(self, train, custom: bool, batch_size: int):
        """The weights this fit trains, its step (the stack step where it applies, with the
        helper thread) and the BLAS threads; returns the thread limit to restore."""
        self._train_iterator = train
        # As in Keras, a change of `trainable` takes effect at the next compile() or fit().
        self._step_params = self.trainable_weights
        self._stack_step = stack_step.build(self) if self._graph is None and not custom \
            else None
        self._custom = custom
        blas = threads.Limit(self._step_params, batch_size,
                             fast_step=self._stack_step is not None)
        source = train.source
        if (self._stack_step is not None and blas.active  # (both only on the CPU)
                and type(source) is adapters.ArraySource and source.shuffle is True):
            from ..fast import helper_thread  # the second core gathers and shares the products

            if helper_thread.applies(source.x, source.y, source.sample_weight, batch_size):
                source.helper = helper_thread.Helper()
                self._stack_step.use_helper(source.helper, batch_size)
        return blas

    def _end_fit(self, train, blas) -> None:
        train.close()
        if self._stack_step is not None:
            self._stack_step.end_pass()
        train.source.helper = None
        self._train_iterator = None
        self._step_params = self._stack_step = None
        self._custom = False
        blas.restore()

    def _run_epochs(self, train, val, cb, initial_epoch: int, epochs: int,
                    validation_freq) -> dict:
        """The epochs of a fit (resumed where BackupAndRestore left off); the last logs."""
        rng = backend.rng()
        start_step, running = 0, (0.0, 0)
        resume = self.__dict__.pop("_resume_state", None)
        if resume is not None:
            initial_epoch, start_step = resume["epoch"], resume["step"]
            running = (resume["loss_total"], resume["seen"])
            if resume.get("pass_rng") is not None:
                train.restore(rng, resume["pass_rng"], resume["position"])
            rng.bit_generator.state = resume["rng"]
        logs: dict = {}
        for epoch in range(initial_epoch, epochs):
            for metric in (self.metrics if self._custom else self._metrics):
                metric.reset_state()
            cb.call("on_epoch_begin", epoch, {})
            epoch_logs = self._train_epoch(train, cb, rng, start_step, running)
            if epoch_logs is None:  # the data ran out before this epoch began
                break
            logs = epoch_logs
            start_step, running = 0, (0.0, 0)
            if val is not None and _should_eval(epoch, validation_freq):
                val.reset()  # (as Keras's evaluate of the validation data)
                val_logs = self._run_test(val, cb)
                if val_logs is not None:
                    logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cb.call("on_epoch_end", epoch, logs)
            if cb.params["steps"] is None and train.steps is not None:
                cb.params["steps"] = train.steps  # learnt from the first pass
            if train.ran_out:
                self.stop_training = True
            if self.stop_training:
                break
        return logs

    def _train_epoch(self, train, cb, rng, step: int, running: tuple) -> dict | None:
        """One epoch's batches, from batch ``step``; its logs, or None when no batch came."""
        custom = self._custom
        hooks = _BatchHooks(cb, "on_train_batch", getattr(self, "_steps_per_execution", 1))
        loss_total, seen = _loss_total(running[0]), running[1]
        last_logs: dict = {}
        start = step
        begin, end = hooks.wants_begin, hooks.wants_end
        for xb, yb, swb in train.epoch(rng, step):
            if begin:
                hooks.begin(step)
            if custom:
                last_logs = steps.pythonify_logs(self.train_step(steps.batch_data(xb, yb, swb)))
                seen += steps.batch_rows(xb)
                if end:
                    hooks.end(step, lambda logs=last_logs: dict(logs))
            else:
                # (rows of x, as Keras weighs a batch's loss: a streamed batch's targets may
                # have rows of their own)
                count = len(xb) if type(xb) is np.ndarray else steps.batch_rows(xb)
                loss_total = _add_loss(loss_total, self._train_step(xb, yb, swb), count)
                seen += count
                if end:
                    now = (loss_total, seen)
                    hooks.end(step, lambda r=now: _LazyLogs(lambda: self._results(*r), r))
            step += 1
            if self.stop_training:
                break
        hooks.finish()
        if self._stack_step is not None:
            self._stack_step.end_pass()
        train.end_epoch()
        if step == start and seen == 0:
            return None
        if custom:
            return dict(self._metrics_result_or_logs(last_logs))
        return self._results(loss_total, seen)


class _CompileMetrics(metrics_module.Metric):
    """The compiled metrics before a batch with targets has made them, as Keras 3's
    CompileMetrics in ``model.metrics``: ``update_state(y, y_pred)`` makes and updates them,
    ``result()`` is a dict of their results (fit's logs spread it)."""

    def __init__(self, model):
        super().__init__(name="compile_metrics")
        self._model = model

    @property
    def metrics(self) -> list:
        """The compiled Metric objects (empty until the first targets made them)."""
        return list(self._model._metrics)

    @property
    def variables(self) -> list:
        """The variables of the compiled metrics, one metric after another (as Keras's)."""
        return [v for metric in self._model._metrics for v in metric.variables]

    def update_state(self, y_true, y_pred, sample_weight=None):
        self._model._update_compiled_metrics(y_true, y_pred, sample_weight)

    def result(self) -> dict:
        return {metric.name: metric.result() for metric in self._model._metrics}

    def reset_state(self) -> None:
        for metric in self._model._metrics:
            metric.reset_state()
