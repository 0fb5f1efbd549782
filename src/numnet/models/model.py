"""Model: a stack of layers with compile / fit / evaluate / predict, as Keras.

``Model(inputs, outputs)`` from ``Input(...)`` is a chain of layers, or a graph of them (several
inputs, branches, merge layers, a layer shared by two branches, several outputs: a loss and
metrics for each, models/outputs.py) run in topological order;
subclasses may define ``call``; ``Sequential`` (sequential.py) adds ``add`` and ``pop``.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

from .. import backend, losses, optimizers
from .. import metrics as metrics_module
from ..autodiff import fused, ops
from ..autodiff.tensor import Tensor, grad_buffers, no_grad
from ..callbacks import Callback, CallbackList, History, ProgbarLogger
from ..layers.base import (
    InputLayer,
    Layer,
    SymbolicTensor,
    _call_spec,
    apply_to_list,
    is_symbolic_list,
    reject_unknown_kwargs,
    unique_name,
)
from ..layers.base import _context as _layer_context
from ..layers.symbolic import CallSpec
from . import adapters, data, stack_step, steps, threads
from . import outputs as outputs_module
from .steps import KerasSteps


class _LazyLogs(dict):
    """Batch logs computed only when a callback reads them (keeps the training loop lean).

    ``running`` holds the epoch's (loss total, samples seen) so far, for BackupAndRestore."""

    def __init__(self, compute, running=None):
        super().__init__()
        self._compute = compute
        self._ready = False
        self.running = running

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


class _DeviceLossTotal:
    """An epoch's running loss total kept on the GPU in float64: each step adds its loss in one
    kernel launch, and the total comes back to the host (waiting for the GPU) only when logs are
    read or the epoch ends, so the host never stops to wait for a step."""

    __slots__ = ("total",)

    def __init__(self, start: float = 0.0):
        self.total = backend.xp.full((), float(start), dtype="float64")

    def add(self, loss, count: int) -> None:
        gpu = fused._gpu(loss)
        if gpu is None or not gpu.add_loss(self.total, loss, count):
            self.total += loss.astype("float64") * count

    def __float__(self) -> float:
        return float(self.total)


def _loss_total(start: float = 0.0):
    """An epoch's running loss total: a float on the CPU, a _DeviceLossTotal on the GPU."""
    return start if backend.device() == "cpu" else _DeviceLossTotal(start)


def _add_loss(total, loss, count: int):
    """``total`` with a step's mean ``loss`` over ``count`` samples added."""
    if type(total) is _DeviceLossTotal:
        total.add(loss, count)
        return total
    return total + float(loss) * count


_FIT_ARGS = ["x", "y", "batch_size", "epochs", "verbose", "callbacks", "validation_split",
             "validation_data", "shuffle", "class_weight", "sample_weight", "initial_epoch",
             "steps_per_epoch", "validation_steps", "validation_batch_size", "validation_freq",
             "learning_rate"]


def _one_tensor(tensors, argument: str):
    """The tensor of ``[tensor]`` (Keras lets a model's inputs and outputs come as lists)."""
    if isinstance(tensors, dict) and argument == "outputs":
        tensors = list(tensors.values())
    if isinstance(tensors, (list, tuple)):
        if len(tensors) != 1:
            raise ValueError(
                f"Model({argument}): expected a symbolic tensor, or a list or dict of them, "
                f"given an empty {type(tensors).__name__}.")
        return tensors[0]
    return tensors


def _feed(x):
    """A batch as the model takes it: a Tensor on the device, or a list of them (a model with
    several inputs)."""
    if type(x) is list:
        return [Tensor(backend.to_device(a)) for a in x]
    return Tensor(backend.to_device(x))


def _key(tensor) -> int:
    """Identifies a symbolic tensor in a graph: a model input by its InputLayer."""
    return id(tensor.input_layer) if not tensor.parents else id(tensor)


def _trace(inputs: list, outputs: list) -> tuple[list, list, list]:
    """The calls that compute ``outputs`` from ``inputs``, in topological order, as
    [(layer, slots of the tensors it is called on, whether on a list)] where slot i < n is
    input i and slot n + k the output of call k; the slot of each output; each slot's shape."""
    slots = {_key(t): i for i, t in enumerate(inputs)}
    shapes = [t.shape for t in inputs]  # of each slot's tensor
    nodes: list = []
    stack = [(output, False) for output in reversed(outputs)]
    while stack:
        tensor, ready = stack.pop()
        key = _key(tensor)
        if key in slots:
            continue
        if not tensor.parents:
            raise ValueError(
                f"Model(inputs, outputs): outputs are not computed from inputs alone: they use "
                f"the Input {tensor.input_layer.name!r}, which is not among the inputs "
                f"{[t.input_layer.name for t in inputs]}; add it to inputs=[...].")
        if ready:
            slots[key] = len(inputs) + len(nodes)
            nodes.append((tensor.layer, tuple(slots[_key(p)] for p in tensor.parents),
                          tensor.merged))
            shapes.append(tensor.shape)
        else:
            stack.append((tensor, True))
            stack += [(p, False) for p in reversed(tensor.parents)]
    return nodes, [slots[_key(output)] for output in outputs], shapes


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


class Model(KerasSteps, Layer):
    """A trainable stack of layers."""

    _is_model = True
    _step_params: list | None = None  # the trainable weights, fixed for the length of a fit
    _stack_step = None  # a fit's step as a list of calls (models/stack_step.py), if it applies
    _functional = False  # built by Model(inputs, outputs)
    _graph = None  # [(layer, input slots, on a list)] of a functional model that is no chain
    _output_names = None  # of a model of several outputs (outputs.py): the names logs use
    _heads = None  # compile settings per output (outputs.Heads) of a model of several outputs
    _masking = None  # whether a layer makes a mask (found at the first call after a build)
    _output_mask = None  # the mask of the last call's output, for the loss and the metrics
    jit_compile = "auto"
    run_eagerly = False

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
        self._weighted_from = 0
        self._loss_obj = None
        if inputs is not None or outputs is not None:
            self._init_functional(inputs, outputs)

    def _init_functional(self, inputs, outputs):
        if isinstance(outputs, (list, tuple, dict)) and len(outputs) > 1:
            self._init_graph(inputs, outputs)
            return
        outputs = _one_tensor(outputs, "outputs")
        several = isinstance(inputs, dict) or (
            isinstance(inputs, (list, tuple)) and len(inputs) != 1)
        single = inputs if several else _one_tensor(inputs, "inputs")
        if several or (getattr(single, "_symbolic", False)
                       and getattr(outputs, "_symbolic", False) and outputs.layers is None):
            self._init_graph(inputs, outputs)
            return
        inputs = single
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
        self._functional = True
        self.built = True
        self.input_shape = self._input_layer._declared_input_shape
        self.output_shape = outputs.shape

    def _init_graph(self, inputs, output):
        """A model of several inputs or outputs, or of branches that merge: the calls in
        topological order (``_graph``), run by ``call``. Several outputs come as a list, or a
        dict whose sorted keys give their order (as Keras)."""
        names = sorted(inputs) if isinstance(inputs, dict) else None  # Keras's order: sorted
        tensors = [inputs[k] for k in names] if names else list(
            inputs if isinstance(inputs, (list, tuple)) else [inputs])
        outputs = outputs_module.output_list(output)
        for i, t in enumerate([*tensors, *outputs]):
            if not getattr(t, "_symbolic", False):
                what = "outputs" if i >= len(tensors) else "inputs"
                raise TypeError(
                    f"Model({what}): expected the tensors returned by Input(...) and by calling "
                    f"layers on them, given {type(t).__name__}.")
        for t in tensors:
            if t.parents:
                raise ValueError(
                    "Model(inputs): a model of several inputs or branches takes the tensors that "
                    f"Input(...) returns; given the output of layer {t.layer.name!r}.")
        layers_in = [t.input_layer for t in tensors]
        if len(set(map(id, layers_in))) != len(layers_in):
            raise ValueError("Model(inputs): an Input is given twice; give each input once.")
        self._graph, self._output_slots, self._slot_shapes = _trace(tensors, outputs)
        self._output_slot = self._output_slots[0]
        self._input_layers = layers_in
        self._inputs = tensors
        self._input_names = names or [layer.name for layer in layers_in]
        self._input_struct = dict(zip(names, tensors, strict=True)) if names else (
            tensors if len(tensors) > 1 or isinstance(inputs, (list, tuple)) else tensors[0])
        self._output = output
        if len(outputs) > 1:
            self._output = output if isinstance(output, dict) else list(outputs)
            self._outputs = outputs
            self._output_names = outputs_module.output_names(output)
            twice = [n for i, n in enumerate(self._output_names) if n in self._output_names[:i]]
            if twice:
                raise ValueError(
                    f"Model(outputs): two outputs are called {twice[0]!r} (the name of the "
                    "layer that gives them), and losses, metrics and logs name each output; "
                    "give the outputs as a dict {name: tensor}, or give each output layer a "
                    "name of its own.")
        self._takes_list = len(tensors) > 1  # called on a list inside another model
        self._layers = [layer for layer, _, _ in self._graph]
        self._functional = True
        self.built = True
        shapes = [layer._declared_input_shape for layer in layers_in]
        self.input_shape = shapes if len(shapes) > 1 else shapes[0]
        self.output_shape = [t.shape for t in outputs] if len(outputs) > 1 else output.shape

    # ----- structure -----
    @property
    def layers(self) -> list[Layer]:
        """The model's layers, each once; a functional model's begin with its InputLayer (as in
        Keras, where ``Sequential.layers`` leaves it out)."""
        layers = self._all_layers()
        if self._graph is not None:
            return [*self._input_layers, *layers]
        return [self._input_layer, *layers] if self._functional else list(layers)

    def _all_layers(self) -> list[Layer]:
        """Each layer once, in the order of its first call (a functional model may call one
        layer twice: its weights are one set, trained once a step); the layers a subclassed
        model holds in its attributes, in the order they were set."""
        if self._layers:
            return [layer for layer in dict.fromkeys(self._layers)
                    if not getattr(layer, "_is_operation", False)]
        return Layer._sublayers(self)

    def _sublayers(self) -> list[Layer]:
        found = Layer._sublayers(self)
        if not self._layers:
            return found
        return list(dict.fromkeys([*self._all_layers(), *found]))

    @property
    def input(self) -> SymbolicTensor:
        """The model's symbolic input (known once the input shape is: ``Input(shape=...)``, a
        first layer's ``input_shape``, or a build); the list (or dict) of them that the model
        was given, for a model of several inputs."""
        if self._graph is not None:
            return self._input_struct
        if self._input_layer is None or not self.built:
            return self._symbolic_io("input", 0)
        return SymbolicTensor(self._input_layer._declared_input_shape, self._input_layer)

    @property
    def output(self) -> SymbolicTensor:
        """The model's symbolic output: its input through each of its layers; the list (or
        dict) of them that the model was given, for a model of several outputs."""
        if self._graph is not None:
            return self._output
        if self._input_layer is None or not self.built or not self._layers:
            return self._symbolic_io("output", 1)
        return SymbolicTensor(self.output_shape, self._input_layer, tuple(self._layers))

    @property
    def inputs(self) -> list[SymbolicTensor]:
        return list(self._inputs) if self._graph is not None else [self.input]

    @property
    def outputs(self) -> list[SymbolicTensor]:
        return list(self._outputs) if self._output_names is not None else [self.output]

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """The layer called ``name``, or the one at ``index`` in ``layers`` (give one of them)."""
        if (name is None) == (index is None):
            raise ValueError(f"{self.name}.get_layer(name, index): give a layer name or an "
                             f"index, not {'both' if name is not None else 'neither'}; "
                             f"given name={name!r}, index={index!r}.")
        layers = self.layers
        if index is not None:
            if not isinstance(index, int) or not -len(layers) <= index < len(layers):
                raise ValueError(f"{self.name}.get_layer(index): the model has {len(layers)} "
                                 f"layers, given index={index!r}.")
            return layers[index]
        for layer in layers:
            if layer.name == name:
                return layer
        raise ValueError(f"{self.name}.get_layer(name): no layer is called {name!r}; the "
                         f"layers are {[layer.name for layer in layers]}.")

    def count_params(self) -> int:
        if not self.built:
            raise ValueError(
                f"{self.name}.count_params(): the model is not built yet; give the first layer "
                "input_shape=..., call build(input_shape), or fit it first."
            )
        return int(sum(w.size for w in self.weights))

    # ----- building and calling -----
    def _subclassed(self) -> bool:
        """Whether a subclass defines ``call`` (Keras's subclassed model)."""
        return type(self).call is not Model.call and not self._functional and not (
            type(self)._sequential)

    _sequential = False

    def _maybe_build(self, input_shape) -> None:
        if self.built:
            return
        if self._subclassed():  # the first call builds the layers it uses
            if type(self).build is not Model.build and "build" in _own_methods(type(self)):
                self.build(input_shape)
            self.built = True
            self.input_shape = input_shape
            self.__dict__.pop("_children", None)
            return
        super()._maybe_build(input_shape)

    def build(self, input_shape=None) -> None:
        self._masking = self._output_mask = None
        if self._graph is not None:  # built when made
            self.built = True
            return
        if self._subclassed():
            if input_shape is None:
                raise ValueError(f"{self.name}.build(): an input_shape is required.")
            self.built = True
            self.input_shape = tuple(input_shape)
            probe = np.zeros((1,) + tuple(d or 1 for d in input_shape[1:]), backend.floatx())
            with no_grad():
                out = Layer.__call__(self, ops.as_tensor(probe), training=False)
            self._clear_losses()
            self.__dict__.pop("_children", None)
            if isinstance(out, Tensor):
                self.output_shape = (None,) + tuple(out.shape[1:])
            return
        if input_shape is None:
            if self._input_layer is None:
                raise ValueError(f"{self.name}.build(): an input_shape is required.")
            input_shape = self._input_layer._declared_input_shape
        shape = tuple(input_shape)
        if self._layers:
            x = SymbolicTensor(shape, self._input_layer) if self._input_layer else None
            for layer in self._layers:
                layer._build_symbolic(shape)
                shape = layer.output_shape
                if x is not None:  # each layer's symbolic input and output in this model
                    x = x.apply(layer)
            self.output_shape = shape
        else:
            probe = np.zeros((1,) + tuple(d or 1 for d in input_shape[1:]), backend.floatx())
            with no_grad():
                out = self.call(ops.as_tensor(probe))
            self.output_shape = (None,) + tuple(out.shape[1:])
        self.input_shape = tuple(input_shape)
        self.built = True

    def call(self, inputs, training: bool = False):
        step = self._stack_step
        if step is not None and step._transposed:
            # (a callback predicting during a pass: in row order, the bits of after the pass)
            step.end_pass()
        if self._masking is None:
            self._masking = any(layer._makes_mask or _call_spec(type(layer)).own_compute_mask
                                for layer in self._layers)
        if self._graph is not None:
            return self._run_graph(inputs, training)
        x = inputs
        if self._masking:
            return self._run_masked(x, training)
        for layer in self._layers:
            x = layer(x, training=training)
        return x

    def _run_masked(self, x, training: bool):
        """The chain of layers, each given its input's mask (as Keras propagates masks)."""
        mask = None
        for layer in self._layers:
            y = layer(x, training=training) if mask is None else layer(x, training=training,
                                                                         mask=mask)
            mask = layer._next_mask(x, mask)
            x = y
        self._output_mask = mask
        return x

    def _run_graph(self, inputs, training: bool):
        """The graph's calls in topological order, on one Tensor per input."""
        values = self._input_list(inputs, "Model.call", "inputs")
        if self._masking:
            return self._run_graph_masked(values, training)
        for layer, parents, merged in self._graph:
            if merged.__class__ is CallSpec:
                values.append(merged.run(layer, [values[i] for i in parents], training))
                continue
            values.append(layer([values[i] for i in parents] if merged else values[parents[0]],
                                training=training))
        if self._output_names is not None:
            return [values[i] for i in self._output_slots]
        return values[self._output_slot]

    def _run_graph_masked(self, values: list, training: bool):
        masks = [None] * len(values)
        for layer, parents, merged in self._graph:
            if merged.__class__ is CallSpec:
                values.append(merged.run(layer, [values[i] for i in parents], training))
                out = values[-1]
                mask = getattr(out, "_keras_mask", None)
                if mask is None and not getattr(layer, "_is_operation", False) and (
                        layer.supports_masking):
                    mask = masks[parents[0]]
                masks.append(mask)
                continue
            if merged:
                x, mask = [values[i] for i in parents], [masks[i] for i in parents]
                given = None if all(m is None for m in mask) else mask
            else:
                x = values[parents[0]]
                mask = given = masks[parents[0]]
            values.append(layer(x, training=training) if given is None
                          else layer(x, training=training, mask=given))
            masks.append(layer._next_mask(x, mask if merged else given))
        if self._output_names is not None:  # the masks of several outputs are not applied
            return [values[i] for i in self._output_slots]
        self._output_mask = masks[self._output_slot]
        return values[self._output_slot]

    def __call__(self, *args, **kwargs):
        if self._subclassed():
            return Layer.__call__(self, *args, **kwargs)
        if not args:
            args = (kwargs.pop("inputs"),)
        inputs, training = args[0], kwargs.pop("training", None)
        if len(args) > 1 or kwargs.get("mask") is not None or set(kwargs) - {"mask"}:
            return Layer.__call__(self, *args, training=training, **kwargs)
        if training is not None and (getattr(inputs, "_symbolic", False)
                                     or is_symbolic_list(inputs)):
            return Layer._call_symbolic(self, (inputs,), {"training": training})
        if training is None:
            training = _layer_context.training or False
        if self._output_names is not None and (getattr(inputs, "_symbolic", False) or (
                isinstance(inputs, dict) and is_symbolic_list(list(inputs.values())))
                or is_symbolic_list(inputs)):
            return Layer._call_symbolic(self, (inputs,), {})
        if getattr(inputs, "_symbolic", False):
            return inputs.apply(self)
        if self._graph is not None:
            return self._call_graph(inputs, training)
        if type(inputs) in (list, tuple) and len(inputs) == 1:  # Keras takes [x] for x
            inputs = inputs[0]
        x = inputs if isinstance(inputs, Tensor) else ops.as_tensor(
            data.prepare_x(inputs, "Model.__call__", "inputs"))
        if not self.built:
            self.build((None,) + tuple(x.shape[1:]))
        elif self.input_shape is not None:
            data.check_input_shape(x.value, self.input_shape, self.name, "Model.__call__")
        context = _layer_context
        outer, context.training = context.training, training
        if context.depth == 0:
            self._clear_losses()
        context.depth += 1
        try:
            return self.call(x, training=training)
        finally:
            context.depth -= 1
            context.training = outer

    def _call_graph(self, inputs, training: bool):
        if isinstance(inputs, dict) and is_symbolic_list(list(inputs.values())):
            inputs = self._input_list(inputs, "Model.__call__", "inputs")
        if is_symbolic_list(inputs):
            if len(inputs) != len(self._inputs):
                raise ValueError(
                    f"{self.name}: the model has {len(self._inputs)} inputs "
                    f"{self._input_names}, called on {len(inputs)} tensors.")
            return apply_to_list(self, inputs)
        values = self._input_list(inputs, "Model.__call__", "inputs")
        tensors = []
        for name, layer, value in zip(self._input_names, self._input_layers, values,
                                      strict=True):
            if not isinstance(value, Tensor):
                value = data.prepare_x(value, "Model.__call__", f"inputs[{name!r}]")
                value = ops.as_tensor(value.reshape(-1, 1) if value.ndim == 1 else value)
            _check_input(value, layer, name, self.name, "Model.__call__", "inputs")
            tensors.append(value)
        return self.call(tensors, training=training)

    def _input_list(self, x, where: str, argument: str = "x") -> list:
        """``x`` as a list in the order of ``model.inputs``: from a list or tuple of one item
        per input, a dict keyed by the inputs' names, or (for one input) the item itself."""
        names = self._input_names
        if isinstance(x, dict):
            missing = [name for name in names if name not in x]
            if missing:
                raise ValueError(
                    f"{where}({argument}): no value for the input {missing[0]!r}; the model's "
                    f"inputs are {names}, {argument} has the keys {list(x)}. Key {argument} by "
                    "the names of the model's inputs (Input(name=...)).")
            unknown = [key for key in x if key not in names]
            if unknown:
                warnings.warn(f"{where}({argument}): the keys {unknown} name none of the "
                              f"model's inputs {names}; they are ignored.", stacklevel=3)
            return [x[name] for name in names]
        if isinstance(x, (list, tuple)) and (len(names) > 1 or _one_input_in_list(
                x, self._input_layers[0])):
            if len(x) != len(names):
                raise ValueError(
                    f"{where}({argument}): the model has {len(names)} inputs {names}; given a "
                    f"{type(x).__name__} of {len(x)} items. Give one array per input, in the "
                    "order of model.inputs, or a dict keyed by input name.")
            return list(x)
        if len(names) > 1:
            raise ValueError(
                f"{where}({argument}): the model has {len(names)} inputs {names}; given one "
                f"{type(x).__name__}. Give a list of {len(names)} arrays in the order of "
                "model.inputs, or a dict keyed by input name.")
        return [x]

    def _input_arrays(self, x, where: str) -> list[np.ndarray]:
        """The arrays of a model of several inputs, each checked as a model's x is, and of one
        number of samples."""
        arrays = []
        for name, layer, value in zip(self._input_names, self._input_layers,
                                      self._input_list(x, where), strict=True):
            array = _typed_input(value, layer.dtype, where, f"x[{name!r}]")
            if array.ndim == 1:
                array = array.reshape(-1, 1)
            _check_input(array, layer, name, self.name, where, "x")
            arrays.append(array)
        if len({len(a) for a in arrays}) > 1:
            counts = ", ".join(f"{name!r}: {len(a)}"
                               for name, a in zip(self._input_names, arrays, strict=True))
            raise ValueError(
                f"{where}(x): every input must have the same number of samples (one row per "
                f"sample); given {counts}.")
        return arrays

    def _forward(self, x, training: bool):
        if self._subclassed():
            return Layer.__call__(self, x, training=training)
        self._clear_losses()
        return self.call(x, training=training)

    # ----- compile -----
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True, **kwargs):
        """Choose the optimizer, the loss and the metrics (Keras's defaults: 'rmsprop')."""
        reject_unknown_kwargs("compile()", kwargs,
                              ["optimizer", "loss", "metrics", "loss_weights", "weighted_metrics"])
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
                metrics_module.validate(spec)
        if jit_compile not in ("auto", True, False):
            raise ValueError(f"compile(jit_compile): expected 'auto', True or False, given "
                             f"{jit_compile!r}.")
        # Assigned only once everything is valid: a failed compile leaves the model as it was.
        self.optimizer, self.loss, self._loss_obj = optimizer_obj, loss, loss_obj
        # jit_compile False or run_eagerly True: every step through the tape (no stack_step)
        self.jit_compile, self.run_eagerly = jit_compile, bool(run_eagerly)
        self._metric_specs = specs
        self._weighted_from = len(metrics)  # metrics from here on are weighted_metrics
        self._metrics = []
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled = True
        from .. import advice

        advice.on_compile(self)

    def _compile_heads(self, optimizer, loss, loss_weights, metrics, weighted_metrics,
                       run_eagerly, jit_compile):
        """compile for a model of several outputs: a loss, weight and metrics per output
        (models/outputs.py)."""
        if jit_compile not in ("auto", True, False):
            raise ValueError(f"compile(jit_compile): expected 'auto', True or False, given "
                             f"{jit_compile!r}.")
        heads = outputs_module.Heads(self._output_names, [t.shape for t in self._outputs],
                                     loss, loss_weights, metrics, weighted_metrics)
        self.optimizer, self.loss, self._loss_obj, self._heads = optimizer, loss, None, heads
        self.jit_compile, self.run_eagerly = jit_compile, bool(run_eagerly)
        self._metric_specs, self._weighted_from, self._metrics = [], 0, []
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled = True
        from .. import advice

        advice.on_compile(self)

    def _require_compiled(self, where: str) -> None:
        if not self.compiled:
            raise ValueError(
                f"{where}: the model must be compiled first, e.g. "
                "model.compile(optimizer='adam', loss='sparse_categorical_crossentropy')."
            )
        if self._loss_obj is None and where not in ("predict()", "fit()", "evaluate()") and not (
                self._heads is not None and self._heads.has_loss):
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
        out += self._metrics
        known = {id(m) for m in out}
        for value in vars(self).values():
            for item in (value if isinstance(value, (list, tuple)) else [value]):
                if isinstance(item, metrics_module.Metric) and id(item) not in known:
                    known.add(id(item))
                    out.append(item)
        return out

    def reset_metrics(self) -> None:
        for metric in self.metrics:
            metric.reset_state()

    def _custom_steps(self, x=None) -> bool:
        """Whether fit / evaluate go through train_step / test_step (models/steps.py): a step
        or loss the user overrides, no compiled loss, or a subclassed model given a list or
        dict of inputs."""
        cls = type(self)
        if (cls.train_step is not Model.train_step or cls.test_step is not Model.test_step
                or cls.compute_loss is not Model.compute_loss
                or cls.compute_metrics is not Model.compute_metrics
                or cls.metrics is not Model.metrics):
            return True
        if self._loss_obj is None and self._heads is None:
            return True
        return self._subclassed() and isinstance(x, (list, tuple, dict))

    # ----- data -----
    def _prepare(self, x, y, sample_weight, where):
        if self._graph is not None:
            xs = self._input_arrays(x, where)
            return (xs, *self._prepare_targets(y, sample_weight, len(xs[0]), where))
        x = data.prepare_x(x, where)
        if x.ndim == 1:
            x = x.reshape(-1, 1)
        y = data.prepare_y(y, len(x), where)
        sample_weight = data.prepare_weights(sample_weight, len(x), where)
        if self.built:
            data.check_input_shape(x, self.input_shape, self.name, where)
        if not self.built or self.output_shape is None:  # (a subclassed model: one probe)
            self.build((None,) + x.shape[1:])
        losses.validate_targets(self._loss_obj, y, (None,) + tuple(self.output_shape[1:]))
        if losses.kind_of(self._loss_obj) != "sparse" and y.dtype.kind != "f":
            y = y.astype(backend.floatx())
        return x, y, sample_weight

    def _prepare_targets(self, y, sample_weight, n: int, where: str):
        """y and sample_weight checked for ``n`` samples (a model of several inputs or
        outputs)."""
        if self._heads is not None:
            return (self._heads.targets(y, n, where),
                    self._heads.sample_weights(sample_weight, n, where))
        y = data.prepare_y(y, n, where)
        sample_weight = data.prepare_weights(sample_weight, n, where)
        losses.validate_targets(self._loss_obj, y, (None,) + tuple(self.output_shape[1:]))
        if losses.kind_of(self._loss_obj) != "sparse" and y.dtype.kind != "f":
            y = y.astype(backend.floatx())
        return y, sample_weight

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
        if self._heads is not None:
            return self._heads.results(loss_total, count)
        logs = {"loss": float(loss_total) / count if count else float("nan")}
        logs.update(metrics_module.results(self._metrics, self._weighted_from))
        return logs

    # ----- fit -----
    def fit(self, x=None, y=None, batch_size=None, epochs: int = 1, verbose="auto",
            callbacks=None, validation_split: float = 0.0, validation_data=None,
            shuffle: bool = True, class_weight=None, sample_weight=None, initial_epoch: int = 0,
            steps_per_epoch=None, validation_steps=None, validation_batch_size=None,
            validation_freq: int = 1, **kwargs):
        """Train for ``epochs`` epochs; return a History (``history.history``: one list a log).

        x: arrays (NumPy, lists, pandas), a memory-mapped array (``np.load(path,
        mmap_mode='r')``), a ``numnet.utils.PyDataset``, or a generator / iterable of
        ``(x, y)`` or ``(x, y, sample_weight)`` batches (y and sample_weight then stay None).
        For a model of several outputs, y is a list of arrays in the order of model.outputs or
        a dict keyed by output name, and sample_weight one array for all outputs or such a
        list or dict (in-memory arrays).
        Memory-mapped arrays and PyDatasets stream: only the batches in use are in memory.
        In-memory arrays are checked whole before training (NaN / inf, shapes, labels against
        the loss); streams are checked on their first batch.

        batch_size: 32 by default (arrays). shuffle: True, a new permutation of the samples
        each epoch (of the batches, for a PyDataset); 'batch', contiguous batches in a shuffled
        order; False, in order. Generators are never shuffled.
        validation_split: the last fraction of the arrays, cut before shuffling (as Keras).
        validation_data: (x_val, y_val[, sample_weight]), a PyDataset or a generator, of which
        validation_steps batches are used (all when None). validation_freq: validate every
        n-th epoch (an int, default 1) or after the epochs listed (counted from 1).
        class_weight: {class: weight}, multiplied into the training sample weights (the
        validation data is not weighted by class). steps_per_epoch: batches per epoch; the next
        epoch goes on where the last stopped, as Keras. initial_epoch: the first epoch's index.

        numnet adds ``learning_rate='auto'``: run numnet.tools.lr_find on the training data
        first and train with its suggestion (a number sets the optimizer's rate)."""
        learning_rate = kwargs.pop("learning_rate", None)
        reject_unknown_kwargs("fit()", kwargs, _FIT_ARGS)
        self._require_compiled("fit()")
        batch_size = _check_batch_size(batch_size, "fit")
        if learning_rate is not None:
            if self._graph is not None and isinstance(learning_rate, str):
                raise ValueError(
                    f"fit(learning_rate={learning_rate!r}): the range test runs on Sequential "
                    f"models and chains of layers, and {self.name!r} is a graph of layers; pass "
                    "a number (e.g. learning_rate=1e-3) or set the optimizer's learning_rate.")
            from ..tools.lr_find import fit_learning_rate

            fit_learning_rate(self, learning_rate, x, y, batch_size, sample_weight,
                              validation_split, _resolve_verbose(verbose))
        if not isinstance(epochs, (int, np.integer)) or isinstance(epochs, bool) or epochs < 0:
            raise ValueError(f"fit(epochs): expected a non-negative integer, given {epochs!r}.")
        from .. import config

        if config._max_epochs is not None and config._max_epochs < epochs:  # debugging runs
            warnings.warn(f"Limiting epochs to {config._max_epochs} "
                          "(numnet.config.set_max_epochs).", stacklevel=2)
            epochs = config._max_epochs
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
        _check_validation_freq(validation_freq)
        for value, name in ((steps_per_epoch, "steps_per_epoch"),
                            (validation_steps, "validation_steps"),
                            (validation_batch_size, "validation_batch_size")):
            if value is not None:
                _check_positive_int(value, f"fit({name})")
        _check_shuffle(shuffle)
        cbs = _callback_list(callbacks, "fit")
        custom = self._custom_steps(x)
        val_batch = validation_batch_size or batch_size
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
            self._resolve_metrics(sample_y[:batch_size])
            from .. import advice

            advice.on_fit(self, sample_x, sample_y)  # (several inputs: a list of arrays)

        verbose = _resolve_verbose(verbose)
        if verbose and not any(isinstance(c, ProgbarLogger) for c in cbs):
            cbs.append(ProgbarLogger())
        history = next((c for c in cbs if isinstance(c, History)), None)
        if history is None:
            history = History()
            cbs.append(history)
        params = {"epochs": epochs, "steps": train.steps, "verbose": verbose,
                  "batch_size": batch_size, "do_validation": val is not None}
        cb = CallbackList(cbs, model=self, params=params)
        self.stop_training = False
        self.history = history
        batch_begin = cb.wants("on_train_batch_begin")
        batch_end = cb.wants("on_train_batch_end")
        rng = backend.rng()
        self._train_iterator = train
        # As in Keras, a change of `trainable` takes effect at the next compile() or fit().
        self._step_params = self.trainable_weights
        self._stack_step = stack_step.build(self) if self._graph is None and not custom \
            else None
        self._custom = custom
        blas = threads.Limit(self._step_params, batch_size)
        source = train.source
        if (self._stack_step is not None and blas.active  # (both only on the CPU)
                and type(source) is adapters.ArraySource and source.shuffle is True):
            from . import helper_thread  # the second core gathers and shares the products

            if helper_thread.applies(source.x, source.y, source.sample_weight, batch_size):
                source.helper = helper_thread.Helper()
                self._stack_step.use_helper(source.helper, batch_size)
        try:
            cb.call("on_train_begin", {})
            start_step, loss_total, seen = 0, 0.0, 0
            resume = self.__dict__.pop("_resume_state", None)
            if resume is not None:
                initial_epoch, start_step = resume["epoch"], resume["step"]
                loss_total, seen = resume["loss_total"], resume["seen"]
                if resume.get("pass_rng") is not None:
                    train.restore(rng, resume["pass_rng"], resume["position"])
                rng.bit_generator.state = resume["rng"]
            epoch_logs: dict = {}
            last_logs: dict = {}
            for epoch in range(initial_epoch, epochs):
                for metric in (self.metrics if custom else self._metrics):
                    metric.reset_state()
                cb.call("on_epoch_begin", epoch, {})
                step = start_step
                loss_total = _loss_total(loss_total)
                for xb, yb, swb in train.epoch(rng, start_step):
                    if batch_begin:
                        cb.call("on_train_batch_begin", step, {})
                    if custom:
                        last_logs = steps.pythonify_logs(
                            self.train_step(steps.batch_data(xb, yb, swb)))
                        seen += steps.batch_rows(xb)
                        if batch_end:
                            cb.call("on_train_batch_end", step, dict(last_logs))
                    else:
                        count = len(yb)
                        loss_total = _add_loss(loss_total, self._train_step(xb, yb, swb), count)
                        seen += count
                        if batch_end:
                            running = (loss_total, seen)
                            cb.call("on_train_batch_end", step,
                                    _LazyLogs(lambda r=running: self._results(*r), running))
                    step += 1
                    if self.stop_training:
                        break
                if self._stack_step is not None:
                    self._stack_step.end_pass()
                train.end_epoch()
                if step == 0 and seen == 0:  # the data ran out before this epoch began
                    break
                epoch_logs = dict(last_logs) if custom else self._results(loss_total, seen)
                start_step, loss_total, seen = 0, 0.0, 0
                if val is not None and _should_eval(epoch, validation_freq):
                    val_logs = self._run_test(val, cb)
                    if val_logs is not None:
                        epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
                cb.call("on_epoch_end", epoch, epoch_logs)
                if params["steps"] is None and train.steps is not None:
                    params["steps"] = train.steps  # learnt from the first pass
                if train.ran_out:
                    self.stop_training = True
                if self.stop_training:
                    break
            cb.call("on_train_end", epoch_logs)
        finally:
            train.close()
            if self._stack_step is not None:
                self._stack_step.end_pass()
            source.helper = None
            self._train_iterator = None
            self._step_params = self._stack_step = None
            self._custom = False
            blas.restore()
        return history

    _custom = False  # fit is going through train_step / test_step

    def _struct_data(self, x, y, sample_weight, batch_size, where, shuffle=False,
                     class_weight=None, steps_count=None, validation_split=0.0):
        """(iterator, held-out rows or None) for the train_step path: arrays, or lists /
        dicts of them, batched together; generators, PyDatasets and datasets as they are."""
        kind = adapters.kind_of(x) if not isinstance(x, (list, tuple, dict)) else "array"
        if kind != "array":
            source = (adapters.PyDatasetSource(x, shuffle, None, where) if kind == "pydataset"
                      else adapters.IteratorSource(x, None, where))
            return adapters.EpochIterator(source, steps_count), None
        x = steps._as_arrays(x, where, "x")
        y = steps._as_arrays(y, where, "y")
        sample_weight = steps._as_arrays(sample_weight, where, "sample_weight")
        if class_weight is not None and y is not None:
            weights = data.class_weights_to_sample_weights(class_weight, np.asarray(y), where)
            sample_weight = weights if sample_weight is None else sample_weight * weights
        split = None
        if validation_split:
            (x, y, sample_weight), split = steps.split_off(x, y, sample_weight,
                                                           validation_split)
        source = steps.StructSource(x, y, sample_weight, batch_size, shuffle)
        return adapters.EpochIterator(source, steps_count), split

    def _build_metrics_from(self, source, batch_size: int) -> None:
        """The compiled metrics made before the first train_step (as Keras 3 builds them at the
        start of fit), from a first batch: 'accuracy' is resolved against y and the output."""
        if self._metrics or not (self._metric_specs or self._heads is not None):
            return
        if isinstance(source, steps.StructSource):
            head = slice(0, min(batch_size, source.num_samples))
            xb, yb = steps._take(source.x, head), steps._take(source.y, head)
        elif hasattr(source, "first_batch"):
            xb, yb, _ = source.first_batch()
        else:
            return
        if yb is None:
            return
        with no_grad():
            out = self(steps._as_tensors(xb), training=False)
        self._clear_losses()
        self._update_compiled_metrics(yb, out, None)
        for metric in self._metrics:
            metric.reset_state()

    def _struct_validation(self, validation_data, batch_size, steps_count):
        if isinstance(validation_data, tuple) and 1 <= len(validation_data) <= 3:
            x, y, sample_weight = (*validation_data, None, None)[:3]
            it, _ = self._struct_data(x, y, sample_weight, batch_size, "fit",
                                      steps_count=steps_count)
            return it
        it, _ = self._struct_data(validation_data, None, None, batch_size, "fit",
                                  steps_count=steps_count)
        return it

    def _validation_iterator(self, validation_data, batch_size, steps):
        kind = adapters.kind_of(validation_data)
        if kind != "array":
            it, _, _ = self._data(validation_data, None, None, batch_size,
                                  "fit(validation_data)", steps=steps)
            return it
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) not in (2, 3):
            raise ValueError(
                "fit(validation_data): expected a tuple (x_val, y_val) or (x_val, y_val, "
                "sample_weight), a PyDataset or a generator, given "
                f"{type(validation_data).__name__}."
            )
        vx, vy = validation_data[0], validation_data[1]
        vw = validation_data[2] if len(validation_data) == 3 else None
        it, _, _ = self._data(vx, vy, vw, batch_size, "fit(validation_data)", steps=steps)
        return it

    # ----- data -----
    def _data(self, x, y, sample_weight, batch_size, where, shuffle=False, class_weight=None,
              steps=None, validation_split=0.0, targets=True):
        """What the user passed, checked, as an EpochIterator (numnet.models.adapters).

        Returns (iterator, (x, y) to set up metrics and advice, (x, y, sample_weight) cut off
        by validation_split or None). In-memory arrays are checked whole; memory-mapped arrays
        by their headers and first batch; PyDatasets and generators on their first batch, which
        also builds the model.
        """
        kind = adapters.kind_of(x)
        if self._graph is not None:
            return self._graph_data(x, y, sample_weight, batch_size, where, kind, shuffle,
                                    class_weight, steps, validation_split, targets)
        if kind != "array":
            what = "PyDataset" if kind == "pydataset" else "generator / iterable"
            for name, value in (("y", y), ("sample_weight", sample_weight)):
                if value is not None:
                    raise ValueError(
                        f"{where}({name}): x is a {what}, whose batches carry the targets and "
                        f"weights: make it give (x, y) or (x, y, sample_weight) and leave "
                        f"{name}=None (given {type(value).__name__}).")
            if validation_split:
                raise ValueError(
                    f"{where}(validation_split): a split needs arrays, and x is a {what}; pass "
                    "validation_data=... instead.")
            lookup = None if class_weight is None else data.class_weight_lookup(class_weight,
                                                                                  where)
            convert = self._batch_converter(lookup, targets, where)
            source = (adapters.PyDatasetSource(x, shuffle, convert, where) if kind == "pydataset"
                      else adapters.IteratorSource(x, convert, where))
            fx, fy, fsw = source.first_batch()
            if not targets:
                return adapters.EpochIterator(source, steps), (self._prepare_x(fx, where), None), \
                    None
            if fy is None:
                raise ValueError(
                    f"{where}(x): the {what} gave a batch of inputs alone; for training and "
                    "evaluation each batch must be (x, y) or (x, y, sample_weight).")
            fx, fy, _ = self._prepare(fx, fy, fsw, where)
            return adapters.EpochIterator(source, steps), (fx, fy), None
        mapped = any(adapters.is_memmap(a) for a in (x, y, sample_weight))
        if mapped:
            x, y, sample_weight = self._mapped_arrays(x, y, sample_weight, batch_size, where,
                                                      targets)
        elif targets:
            x, y, sample_weight = self._prepare(x, y, sample_weight, where)
        else:
            x = self._prepare_x(x, where)
        split = None
        if validation_split:
            (x, y, sample_weight), split = _split_off(x, y, sample_weight, validation_split,
                                                      where)
        lookup = None
        if class_weight is not None:
            if adapters.is_memmap(y):
                lookup = data.class_weight_lookup(class_weight, where)
            else:
                weights = data.class_weights_to_sample_weights(class_weight, y, where)
                sample_weight = weights if sample_weight is None else \
                    np.asarray(sample_weight) * weights
        convert = self._batch_converter(lookup, targets, where) if mapped else None
        source = adapters.ArraySource(x, y, sample_weight, batch_size, shuffle, convert)
        return adapters.EpochIterator(source, steps), (x, y), split

    def _graph_data(self, x, y, sample_weight, batch_size, where, kind, shuffle, class_weight,
                    steps, validation_split, targets):
        """_data for a model of several inputs: x a list or dict of in-memory arrays, batched
        together, the same rows of each."""
        if kind != "array":  # a generator, PyDataset or Dataset of (list / dict of x, y)
            for name, value in (("y", y), ("sample_weight", sample_weight)):
                if value is not None:
                    raise ValueError(
                        f"{where}({name}): x is a stream of batches, which carry the targets: "
                        f"make it give (x, y) or (x, y, sample_weight) and leave {name}=None.")
            if validation_split:
                raise ValueError(f"{where}(validation_split): a split needs arrays; pass "
                                 "validation_data=... instead.")
            lookup = None if class_weight is None else data.class_weight_lookup(class_weight,
                                                                                  where)

            def convert(xb, yb, swb):
                xs = self._input_arrays(xb, where)
                if not targets:
                    return xs, None, None
                if yb is None:
                    raise ValueError(f"{where}(x): a batch without targets; each batch must be "
                                     "(x, y) or (x, y, sample_weight).")
                yb, swb = self._prepare_targets(yb, swb, len(xs[0]), where)
                if lookup is not None:
                    weights = data.weights_from_lookup(lookup, yb, where)
                    swb = weights if swb is None else swb * weights
                return xs, yb, swb

            source = (adapters.PyDatasetSource(x, shuffle, convert, where)
                      if kind == "pydataset" else adapters.IteratorSource(x, convert, where))
            fx, fy, _ = source.first_batch()
            return adapters.EpochIterator(source, steps), (fx, fy), None
        if targets:
            xs, y, sample_weight = self._prepare(x, y, sample_weight, where)
        else:
            xs = self._input_arrays(x, where)
        split = None
        if validation_split:
            (xs, y, sample_weight), split = _split_off(xs, y, sample_weight, validation_split,
                                                       where)
        if class_weight is not None:
            self._check_class_weight(where)
            weights = data.class_weights_to_sample_weights(class_weight, y, where)
            sample_weight = weights if sample_weight is None else sample_weight * weights
        source = adapters.InputsSource(xs, y, sample_weight, batch_size, shuffle)
        return adapters.EpochIterator(source, steps), (xs, y), split

    def _check_class_weight(self, where: str) -> None:
        if self._output_names is not None:
            raise ValueError(
                f"{where}(class_weight): class weights apply to a model of one output, and "
                f"{self.name!r} has {len(self._output_names)} outputs {self._output_names} (as "
                "in Keras). Give sample_weight per output instead: a list of arrays in the order "
                "of model.outputs, or a dict keyed by output name, e.g. the class weight of "
                "each sample's label.")

    def _prepare_x(self, x, where):
        """Inputs alone (predict), checked whole; builds the model on first use."""
        if self._graph is not None:
            return self._input_arrays(x, where)
        x = data.prepare_x(x, where)
        if x.ndim == 1:
            x = x.reshape(-1, 1)
        if self.built:
            data.check_input_shape(x, self.input_shape, self.name, where)
        else:
            self.build((None,) + x.shape[1:])
        return x

    def _mapped_arrays(self, x, y, sample_weight, batch_size, where, targets):
        """Memory-mapped arrays checked without reading them whole: their headers, then the
        first batch's values (which builds the model). Parts held in memory are checked whole."""
        if adapters.is_memmap(x):
            data.check_mapped(x, "x", where)
            if x.ndim == 1:
                x = x.reshape(-1, 1)
        else:
            x = data.prepare_x(x, where)
            if x.ndim == 1:
                x = x.reshape(-1, 1)
        n = len(x)
        head = slice(0, min(n, batch_size))
        if not targets:
            self._prepare_x(adapters.read_rows(x, head), where)
            return x, None, None
        if adapters.is_memmap(y):
            data.check_mapped(y, "y", where, n)
        else:
            y = data.prepare_y(y, n, where)
        if adapters.is_memmap(sample_weight):
            data.check_mapped(sample_weight, "sample_weight", where, n)
        elif sample_weight is not None:
            sample_weight = data.prepare_weights(sample_weight, n, where)
        first = [None if a is None else adapters.read_rows(a, head)
                 for a in (x, y, sample_weight)]
        self._prepare(*first, where)
        if not adapters.is_memmap(y):
            losses.validate_targets(self._loss_obj, y, (None,) + tuple(self.output_shape[1:]))
        return x, y, sample_weight

    def _batch_converter(self, class_lookup, targets: bool, where: str):
        """A function turning one streamed batch into training arrays: x (and y, unless the
        labels are integers for a sparse loss) as floatx, class weights multiplied into the
        sample weights; with the checks that cost little per batch (lengths, input shape, labels
        against the loss: streamed labels are not checked whole before training)."""
        floatx = backend.floatx()
        sparse = losses.kind_of(self._loss_obj) == "sparse"

        def convert(xb, yb, swb):
            xb = adapters.as_array(xb, floatx)
            if xb.ndim == 1:
                xb = xb.reshape(-1, 1)
            if self.input_shape is not None and xb.shape[1:] != tuple(self.input_shape[1:]):
                data.check_input_shape(xb, self.input_shape, self.name, where)
            if not targets:
                return xb, None, None
            if yb is None:
                raise ValueError(f"{where}(x): a batch without targets; each batch must be "
                                 "(x, y) or (x, y, sample_weight).")
            yb = adapters.as_array(yb)
            if yb.dtype.kind == "f" or not sparse:
                yb = yb.astype(floatx, copy=False)
            if len(yb) != len(xb):
                raise ValueError(f"{where}: a batch has {len(xb)} samples in x and {len(yb)} "
                                 "in y; they must match.")
            if swb is not None:
                swb = adapters.as_array(swb, floatx).reshape(-1)
                if len(swb) != len(xb):
                    raise ValueError(f"{where}: a batch has {len(xb)} samples and "
                                     f"{len(swb)} sample weights; give one weight per sample.")
            if getattr(self, "output_shape", None) is not None:  # streamed labels: each batch
                losses.validate_targets(self._loss_obj, yb,
                                        (None,) + tuple(self.output_shape[1:]))
            if class_lookup is not None:
                weights = data.weights_from_lookup(class_lookup, yb, where)
                swb = weights if swb is None else swb * weights
            return xb, yb, swb

        return convert

    def _run_test(self, it, cb) -> dict | None:
        """Loss and metrics over one epoch of ``it`` (no training), with the test hooks;
        None when the data gave no batch."""
        if self._custom:
            return self._run_test_steps(it, cb)
        for metric in self._metrics:
            metric.reset_state()
        cb.call("on_test_begin", {})
        batch_begin = cb.wants("on_test_batch_begin")
        batch_end = cb.wants("on_test_batch_end")
        loss_total, seen, step = _loss_total(), 0, 0
        for xb, yb, swb in it.epoch(None):
            if batch_begin:
                cb.call("on_test_batch_begin", step, {})
            count = len(yb)
            loss_total = _add_loss(loss_total, self._test_step(xb, yb, swb), count)
            seen += count
            if batch_end:
                running = (loss_total, seen)
                cb.call("on_test_batch_end", step,
                        _LazyLogs(lambda r=running: self._results(*r), running))
            step += 1
        it.end_epoch()
        logs = self._results(loss_total, seen) if seen else None
        cb.call("on_test_end", logs if logs is not None else {})
        return logs

    def _run_test_steps(self, it, cb) -> dict | None:
        """_run_test through test_step (models/steps.py)."""
        for metric in self.metrics:
            metric.reset_state()
        cb.call("on_test_begin", {})
        batch_begin = cb.wants("on_test_batch_begin")
        batch_end = cb.wants("on_test_batch_end")
        logs, step = None, 0
        for xb, yb, swb in it.epoch(None):
            if batch_begin:
                cb.call("on_test_batch_begin", step, {})
            logs = steps.pythonify_logs(self.test_step(steps.batch_data(xb, yb, swb)))
            if batch_end:
                cb.call("on_test_batch_end", step, dict(logs))
            step += 1
        it.end_epoch()
        cb.call("on_test_end", logs if logs is not None else {})
        return logs

    # ----- evaluate / predict -----
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict: bool = False, **kwargs):
        """Loss and metrics on (x, y): a scalar loss, a list [loss, *metrics], or a dict; for a
        model of several outputs the list is [loss, *each output's loss, *metrics by name], as
        Keras 3's.

        x, y, sample_weight as in fit (arrays, a memory-mapped array, a PyDataset, or a
        generator of batches); ``steps``: at most this many batches. batch_size defaults to 32.
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
            self._resolve_metrics(sample_y[:batch_size])
        verbose = _resolve_verbose(verbose)
        if verbose and not any(isinstance(c, ProgbarLogger) for c in cbs):
            cbs.append(ProgbarLogger())
        cb = CallbackList(cbs, model=self,
                          params={"epochs": 1, "steps": it.steps, "verbose": verbose})
        self._custom = custom
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

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None, **kwargs):
        """The model's outputs for x, computed in batches, as a NumPy array (a list of them in
        the order of model.outputs, or a dict by output name, for a model of several outputs).

        x: arrays, a memory-mapped array, a PyDataset or a generator (of x, or of tuples whose
        first item is x); ``steps``: at most this many batches. batch_size defaults to 32."""
        reject_unknown_kwargs("predict()", kwargs, ["x", "batch_size", "verbose", "steps",
                                                    "callbacks"])
        batch_size = _check_batch_size(batch_size, "predict")
        if steps is not None:
            _check_positive_int(steps, "predict(steps)")
        verbose = _resolve_verbose(verbose)
        if type(self).predict_step is not Model.predict_step or (
                self._subclassed() and isinstance(x, (list, tuple, dict))):
            return self._predict_steps(x, batch_size, steps)
        if (not verbose and callbacks is None and steps is None
                and self._graph is None
                and adapters.kind_of(x) == "array" and not adapters.is_memmap(x)
                and 0 < _rows(x) <= batch_size):
            # one batch of in-memory rows, nothing to report: no iterator, no callbacks (a
            # third of predict's time on a row); the same checks, forward pass and copy out
            x = self._prepare_x(x, "predict")
            with no_grad():
                out = self._forward(Tensor(backend.to_device(x)), False).value
            return np.array(backend.to_numpy(out))
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
                    out = (backend.to_numpy(out.value) if type(out) is not list
                           else [backend.to_numpy(t.value) for t in out])
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
            return arrays
        return np.concatenate(outputs, axis=0)

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

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None,
                       return_dict: bool = False):
        """One optimizer step on one batch; returns the loss (and metrics) of that batch."""
        self._require_compiled("train_on_batch()")
        if class_weight is not None:
            self._check_class_weight("train_on_batch")
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

    # ----- summary -----
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None) -> None:
        """Print the layer table: name (type), output shape, parameter count; then totals."""
        from .summary import summary_text

        text = summary_text(self, line_length)
        (print_fn or print)(text)

    def get_config(self) -> dict:
        """The architecture as a dict (a functional model's layers and how they connect, as
        Keras's config); ``Model.from_config(config)`` builds the same model anew."""
        if type(self) is Model and self._functional:
            import json

            from .. import saving

            return json.loads(saving.model_to_json(self))["config"]
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        """A model (weights freshly initialised) from ``get_config()``'s dict; custom layer
        classes by ``custom_objects={"Name": cls}`` (or registered)."""
        if cls is Model and isinstance(config, dict) and "layers" in config:
            import json

            from .. import saving
            from ..saving import model_file, schema

            spec = {"class_name": "Functional", "config": config,
                    "numnet_version": model_file._version(),
                    "format_version": schema.FORMAT_VERSION}
            return saving.model_from_json(json.dumps(spec), custom_objects=custom_objects)
        config = dict(config)
        if custom_objects:
            from ..saving import custom_object_scope

            with custom_object_scope(custom_objects):
                return cls(**config)
        return cls(**config)

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


def _split_off(x, y, sample_weight, validation_split: float, where: str):
    """((x, y, sample_weight) to train on, the same held out): the last ``validation_split`` of
    the rows, as Keras takes them (x an array, or a list of arrays of one row count)."""
    n = len(x[0]) if type(x) is list else len(x)
    cut = int(n * (1.0 - validation_split))
    if cut == 0 or cut == n:
        raise ValueError(
            f"{where}(validation_split={validation_split}): with {n} samples this leaves an "
            "empty training or validation set.")

    def rows(a, part: slice):
        if a is None:
            return None
        return [b[part] for b in a] if type(a) is list else a[part]

    head, tail = slice(None, cut), slice(cut, None)
    return (tuple(rows(a, head) for a in (x, y, sample_weight)),
            tuple(rows(a, tail) for a in (x, y, sample_weight)))


def _one_input_in_list(x, layer: InputLayer) -> bool:
    """Whether ``x``, a list given to a model of one input, holds that input's array (rather
    than being the array's rows): one item, of the input's rank."""
    return len(x) == 1 and getattr(x[0], "ndim", None) == len(layer._declared_input_shape)


def _check_input(x, layer: InputLayer, name: str, model_name: str, where: str,
                 argument: str) -> None:
    """One input's per-sample shape against its Input's."""
    want = tuple(layer._declared_input_shape[1:])
    got = tuple(x.shape[1:])
    if len(want) != len(got) or any(
            w is not None and w != g for w, g in zip(want, got, strict=True)):
        raise ValueError(
            f"{where}({argument}[{name!r}]): the input {name!r} of model {model_name!r} expects "
            f"shape {(None,) + want} (batch, then {want}), given shape {tuple(x.shape)}.")


def _typed_input(value, dtype: str, where: str, name: str) -> np.ndarray:
    """An input's array in its Input's dtype: text as an object array (``dtype="string"``),
    integers as integers (ids for Embedding and lookup layers), else checked floats."""
    if dtype == "string" or (np.dtype(dtype).kind in "iub"):
        array = np.asarray(getattr(value, "value", value))
        if array.ndim == 0 or array.shape[0] == 0:
            raise ValueError(f"{where}({name}): expected an array with one row per sample, "
                             f"given shape {array.shape}.")
        if dtype == "string":
            return array.astype(object)
        if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
            data.check_finite(array, name, where)
        return array.astype(dtype, copy=False)
    return data.prepare_x(value, where, name)


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


def _own_methods(cls) -> set:
    """Names defined by the user's classes between ``cls`` and Model."""
    names = set()
    for klass in cls.__mro__:
        if klass is Model or klass.__module__.startswith("numnet."):
            break
        names.update(vars(klass))
    return names


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


def _callback_list(callbacks, where: str) -> list:
    if callbacks is None:
        return []
    if isinstance(callbacks, CallbackList):
        return list(callbacks.callbacks)
    cbs = [callbacks] if isinstance(callbacks, Callback) else callbacks
    if not isinstance(cbs, (list, tuple)) or not all(isinstance(c, Callback) for c in cbs):
        raise TypeError(
            f"{where}(callbacks): expected a list of Callback objects (e.g. "
            f"[EarlyStopping(patience=3)]), given {callbacks!r}."
        )
    return list(cbs)


def _check_validation_freq(freq) -> None:
    if isinstance(freq, (list, tuple, set, range)):
        if all(isinstance(e, (int, np.integer)) and not isinstance(e, bool) and e >= 1
               for e in freq):
            return
    elif isinstance(freq, (int, np.integer)) and not isinstance(freq, bool) and freq >= 1:
        return
    raise ValueError(
        "fit(validation_freq): expected a positive integer n (validate every n-th epoch) or a "
        f"list of epoch numbers counted from 1 (e.g. [1, 5, 10]), given {freq!r}.")


def _should_eval(epoch: int, freq) -> bool:
    """Whether to validate after ``epoch`` (counted from 0): every freq-th epoch, or the epochs
    listed in freq (counted from 1), as Keras."""
    if isinstance(freq, (int, np.integer)):
        return (epoch + 1) % int(freq) == 0
    return epoch + 1 in freq


def _check_shuffle(shuffle) -> None:
    if not (isinstance(shuffle, (bool, np.bool_)) or shuffle == "batch"):
        raise ValueError(f"fit(shuffle): expected True, False or 'batch', given {shuffle!r}.")


def _rows(x) -> int:
    """len(x) for an array or a sequence of rows; 0 where it has none (a scalar)."""
    try:
        return len(x)
    except TypeError:
        return 0


def _resolve_verbose(verbose) -> int:
    if verbose == "auto":
        import sys

        return 1 if getattr(sys.stdout, "isatty", lambda: False)() else 2
    if verbose not in (0, 1, 2, True, False):
        raise ValueError(f"verbose: expected 'auto', 0, 1 or 2, given {verbose!r}.")
    return int(verbose)


__all__ = ["Model", "inspect"]
