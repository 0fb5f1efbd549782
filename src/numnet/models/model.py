"""Model: a stack of layers with compile / fit / evaluate / predict, as Keras.

``Model(inputs, outputs)`` from ``Input(...)`` is a chain of layers, or a graph of them (several
inputs, branches, merge layers, a layer shared by two branches, several outputs: a loss and
metrics for each, models/outputs.py) run in topological order;
subclasses may define ``call``; ``Sequential`` (sequential.py) adds ``add`` and ``pop``.
"""

from __future__ import annotations

import json

import numpy as np

from .. import backend
from ..autodiff import ops
from ..autodiff.tensor import Tensor, no_grad
from ..layers import base as _layer_base
from ..layers.base import (
    InputLayer,
    Layer,
    SymbolicTensor,
    _call_spec,
    is_symbolic_list,
    reject_unknown_kwargs,
    unique_name,
)
from ..layers.base import _context as _layer_context
from . import data
from .evaluation import Evaluation
from .feeding import Feeding
from .functional import Functional, _unkeyed
from .own_step import OwnStep
from .steps import KerasSteps
from .trainer import Trainer


class Model(Trainer, Evaluation, Feeding, OwnStep, Functional, KerasSteps, Layer):
    """A model: layers joined into a graph, with training (compile, fit) and inference (predict).

    Made in one of two ways, as in Keras. Functional: ``Model(inputs, outputs)`` from the
    symbolic tensors of ``numnet.Input`` and the layers called on them (several inputs and
    outputs as lists or dicts). Subclassed: define the layers in ``__init__`` and the forward
    pass in ``call(inputs, training=False)``; ``train_step``, ``test_step`` and
    ``predict_step`` may be overridden to change one step of ``fit``, ``evaluate`` and
    ``predict``.

    Args:
        inputs: the model's input tensor(s): one ``Input``, a list, or a dict by name; None for
            a subclassed model.
        outputs: the output tensor(s), computed from ``inputs``; None for a subclassed model.
        name: the model's name; None gives 'functional' (or the subclass's name), made unique.
        **kwargs: ``trainable`` and the other Layer arguments.

    Example:
        >>> inputs = numnet.Input(shape=(784,))
        >>> hidden = numnet.layers.Dense(32, activation="relu")(inputs)
        >>> outputs = numnet.layers.Dense(10, activation="softmax")(hidden)
        >>> model = numnet.Model(inputs, outputs)
        >>> model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
        ...               metrics=["accuracy"])
        >>> model.output_shape
        (None, 10)
    """

    _is_model = True
    _step_params: list | None = None  # the trainable weights, fixed for the length of a fit
    _stack_step = None  # a fit's step as a list of calls (fast/stack_step.py), if it applies
    _functional = False  # built by Model(inputs, outputs)
    _graph = None  # [(layer, input slots, on a list)] of a functional model that is no chain
    _output_names = None  # of a model of several outputs (outputs.py): the names logs use
    _heads = None  # compile settings per output (outputs.Heads) of a model of several outputs
    _masking = None  # whether a layer makes a mask (found at the first call after a build)
    _output_mask = None  # the mask of the last call's output, for the loss and the metrics
    jit_compile = "auto"
    run_eagerly = False
    _sequential = False
    _saving = None  # numnet.saving, registered by it
    _custom = False  # fit is going through train_step / test_step

    def __init__(self, inputs=None, outputs=None, name: str | None = None, **kwargs):
        trainable = kwargs.pop("trainable", True)
        if inputs is not None:  # (Keras's functional models take and ignore it)
            kwargs.pop("jit_compile", None)
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
        if inputs is not None and outputs is None and isinstance(inputs, Model):
            # ``super().__init__(self)`` in a subclass: the model given as its own inputs
            raise TypeError(
                f"{type(self).__name__}.__init__: Model() was given the model itself as its "
                "inputs (super().__init__(self)). A subclassed model calls "
                "super().__init__() or super().__init__(name=...) without self; Model(inputs, "
                "outputs) is for functional models.")
        if inputs is not None or outputs is not None:
            self._init_functional(inputs, outputs)

    # ----- structure -----
    @property
    def layers(self) -> list[Layer]:
        """The model's layers, each once; a functional model's begin with its InputLayer (as in
        Keras, where ``Sequential.layers`` leaves it out)."""
        if self._graph is not None:
            return [layer for layer in self._keras_order()
                    if not getattr(layer, "_is_operation", False)]
        layers = self._all_layers()
        return [self._input_layer, *layers] if self._functional else list(layers)

    def _all_layers(self) -> list[Layer]:
        """Each layer once, in the order of its first call (a functional model may call one
        layer twice: its weights are one set, trained once a step); the layers a subclassed
        model holds in its attributes, in the order they were set."""
        if self._graph is not None:  # in Keras's order, which its weight lists follow
            return [layer for layer in self._keras_order()
                    if not getattr(layer, "_is_operation", False)
                    and not isinstance(layer, InputLayer)]
        if self._layers:
            return [layer for layer in dict.fromkeys(self._layers)
                    if not getattr(layer, "_is_operation", False)]
        return Layer._sublayers(self)

    def _sublayers(self) -> list[Layer]:
        found = Layer._sublayers(self)
        if not self._layers:
            return found
        return list(dict.fromkeys([*self._all_layers(), *found]))

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

    def quantize(self, mode=None, config=None, filters=None, **kwargs) -> None:
        """Quantize the model's Dense, EinsumDense and Embedding layers in place (post-training
        quantization, as Keras 3): "int8" or "int4"; the other layers stay as they are (each
        with Keras's warning). See ``numnet.layers.quantization``.

        Args:
            mode: "int8" or "int4". Optional when ``config`` is given.
            config: a ``numnet.quantizers.Int8QuantizationConfig`` / ``Int4QuantizationConfig``.
                Defaults to ``None``.
            filters: only the layers whose name matches this regex (or one of a list), or for
                which this callable is true. Defaults to ``None`` (all).

        Raises:
            ValueError: an unknown mode, or a model not built yet.
            NotImplementedError: "float8", "gptq" or "awq" (not implemented by numnet).

        Example:
            >>> model = numnet.Sequential([numnet.Input((4,)), numnet.layers.Dense(2)])
            >>> model.quantize("int8")
            >>> model.layers[0].dtype_policy.name
            'int8_from_float32'
        """
        from ..layers.quantization import quantize_model

        quantize_model(self, mode, config, filters, **kwargs)

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
        self.build(tuple(input_shape))  # (sets the output shape: a model's is no identity)
        self.__dict__.pop("_children", None)

    def _checked_input_shape(self):
        """The input shape that data must fit: the declared Input's (an Input, or input_shape=
        on the first layer), or None for a model built from its first data, which then takes
        whatever its layers take, as Keras (a Sequential of Embedding and LSTM called on
        growing contexts; each layer still checks what it was built for)."""
        if self._input_layer is None or getattr(self, "_input_inferred", False):
            return None
        return self.input_shape

    def build(self, input_shape=None) -> None:
        self._build_model(input_shape)
        if _layer_base._build_listeners:  # a checkpoint's values wait for these weights
            for listener in tuple(_layer_base._build_listeners):
                listener(self)

    def _probe_output_shape(self, input_shape) -> None:
        """A subclassed model's input and output shapes, from one call on a row of zeros
        (its weights made already, by build or by the call)."""
        self.input_shape = tuple(input_shape)
        probe = np.zeros((1,) + tuple(d or 1 for d in input_shape[1:]), backend.floatx())
        with no_grad():
            out = Layer.__call__(self, ops.as_tensor(probe), training=False)
        self._clear_losses()
        self.__dict__.pop("_children", None)
        if isinstance(out, Tensor):
            self.output_shape = (None,) + tuple(out.shape[1:])

    def _build_model(self, input_shape) -> None:
        self._masking = self._output_mask = None
        if self._graph is not None:  # built when made
            self.built = True
            return
        if self._subclassed():
            if input_shape is None:
                raise ValueError(f"{self.name}.build(): an input_shape is required.")
            self.built = True
            self._probe_output_shape(input_shape)
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
                shape = layer._output_shape_on(shape)
                if x is not None:  # each layer's symbolic input and output in this model
                    x = x.apply(layer, shape)
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
            if type(x) is dict:
                x = _unkeyed(layer, x)
        return x

    def __call__(self, *args, **kwargs):
        if self._subclassed():
            return Layer.__call__(self, *args, **kwargs)
        key = self.__dict__.get("_output_key")
        if key is not None:  # Model(inputs, {key: output}): the output as a dict of one
            return {key: self._call_unkeyed(*args, **kwargs)}
        return self._call_unkeyed(*args, **kwargs)

    def _call_unkeyed(self, *args, **kwargs):
        if not args:
            args = (kwargs.pop("inputs"),)
        inputs, training = args[0], kwargs.pop("training", None)
        if len(args) > 1 or kwargs.get("mask") is not None or set(kwargs) - {"mask"}:
            return Layer.__call__(self, *args, training=training, **kwargs)
        if training is not None and (getattr(inputs, "_symbolic", False)
                                     or is_symbolic_list(inputs)):
            return Layer._call_symbolic(self, (inputs,), {"training": training})
        if training is None:  # (None reaches the layers, whose own defaults apply, as Keras)
            training = _layer_context.training
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
        first = self._input_layer or (self._layers[0] if self._layers else None)
        x = data.as_input_dtype(inputs, first) if isinstance(inputs, Tensor) else \
            ops.as_tensor(self._chain_x(inputs, "Model.__call__"))  # (text stays text)
        if not self.built:
            self.build((None,) + tuple(x.shape[1:]))
        else:
            x = data.adjust_input_rank(x, self._checked_input_shape())
            data.check_input_shape(x.value, self._checked_input_shape(), self.name,
                                   "Model.__call__")
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

    def _output_dtype(self, input_dtype):
        """The dtype of the model's output on a symbolic input of ``input_dtype``: through
        each layer of a chain (a StringLookup then an Embedding on a string Input gives
        float32), the graph's own output dtype for a functional model of one output."""
        if self._graph is not None:
            dtype = getattr(self._output, "dtype", None)
            return dtype if isinstance(dtype, str) else Layer._output_dtype(self, input_dtype)
        if self._layers:
            dtype = input_dtype
            for layer in self._layers:
                dtype = layer._output_dtype(dtype)
            return dtype
        return Layer._output_dtype(self, input_dtype)

    def _forward(self, x, training: bool):
        if self._subclassed():
            if not _call_spec(type(self)).takes_training:
                # as Keras 3's steps: a call() without ``training`` is called without it, so
                # the layers inside run with their defaults (Dropout and BatchNormalization
                # in inference), in fit as in predict
                return Layer.__call__(self, x)
            return Layer.__call__(self, x, training=training)
        self._clear_losses()
        return self.call(x, training=training)

    # ----- summary -----
    def summary(self, line_length=None, positions=None, print_fn=None, expand_nested=False,
                show_trainable=False, layer_range=None) -> None:
        """Print the layer table: name (type), output shape, parameter count; then totals.

        Args:
            line_length: the table's width in characters; None for the default.
            positions: the columns' relative or absolute positions, or None. Defaults to ``None``.
            print_fn: a function that prints each line (None: print). Defaults to ``None``.
            expand_nested: also list the layers of nested models. Defaults to ``False``.
            show_trainable: add a column saying whether each layer is trainable. Defaults to
                ``False``.
            layer_range: (first, last) layer names to list, or None for all. Defaults to ``None``.
        """
        from .summary import summary_text

        text = summary_text(self, line_length)
        (print_fn or print)(text)

    def get_config(self) -> dict:
        """The architecture as a dict (a functional model's layers and how they connect, as
        Keras's config); ``Model.from_config(config)`` builds the same model anew."""
        if type(self) is Model and self._functional:
            return json.loads(_saving().model_to_json(self))["config"]
        return {"name": self.name, "trainable": self.trainable}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None):
        """A model (weights freshly initialised) from ``get_config()``'s dict; custom layer
        classes by ``custom_objects={"Name": cls}`` (or registered)."""
        saving = _saving()
        if cls is Model and isinstance(config, dict) and "layers" in config:
            return saving.model_file.model_from_config("Functional", config, custom_objects)
        config = dict(config)
        if custom_objects:
            with saving.custom_object_scope(custom_objects):
                return cls(**config)
        return cls(**config)

    def get_compile_config(self) -> dict | None:
        """The arguments of ``compile`` as a JSON-ready dict (None before compile), which
        ``model.save`` writes and ``load_model`` gives to ``compile_from_config``. Override
        both for a ``compile`` of one's own."""
        return _saving().state.compile_config(self)

    def compile_from_config(self, config: dict) -> None:
        """Compile the model from ``get_compile_config()``'s dict (names resolved as a model
        file's are: nothing is imported). Raises ValueError for settings numnet lacks."""
        _saving().state.compile_from_config(self, config)

    # ----- saving (the format lives in numnet.saving) -----
    def export(self, filepath, format: str = "tf_saved_model", verbose=None,
               input_signature=None, **kwargs):
        """Keras's export to a serving format (a TensorFlow SavedModel, ONNX, OpenVINO or
        LiteRT graph), which numnet does not write.

        Raises:
            NotImplementedError: always, naming the fix: ``model.save("model.keras")``, then
                ``keras.models.load_model("model.keras").export(...)`` in Keras.
        """
        raise NotImplementedError(
            f"{type(self).__name__}.export({str(filepath)!r}, format={format!r}): numnet "
            "writes no TensorFlow SavedModel, ONNX, OpenVINO or LiteRT graph. Save the model "
            "with model.save('model.keras'), load that file in Keras "
            "(keras.models.load_model) and call export there.")

    def save(self, filepath, overwrite: bool = True, **kwargs) -> None:
        """Write the model (architecture, weights, compile settings, optimizer state) to one
        file, atomically, in the format its name says: ``.numnet`` (numnet's own, safe to
        load), ``.keras`` (Keras 3's format, for Keras to load) or ``.h5`` (Keras's legacy
        HDF5 file). Any other name raises ValueError; a layer Keras does not have cannot go
        to ``.keras`` / ``.h5`` (the error names it: use ``.numnet``).

        Args:
            filepath: the file: its suffix (.numnet, .keras, .h5) picks the format.
            overwrite: replace an existing file. Defaults to ``True``.
            **kwargs: ``include_optimizer`` (True: also the optimizer's state) and Keras's other
                arguments.

        Raises:
            ValueError: for another suffix, or a layer Keras does not have in a Keras format.

        Example:
            >>> model = numnet.Sequential([numnet.Input((2,)), numnet.layers.Dense(1)])
            >>> model.save("model.numnet")                       # doctest: +SKIP
            >>> numnet.models.load_model("model.numnet")        # doctest: +SKIP
        """
        _saving().save_model(self, filepath, overwrite=overwrite, **kwargs)

    def save_weights(self, filepath, overwrite: bool = True) -> None:
        """Write the model's weights (not its architecture) to ``filepath``, atomically.

        Args:
            filepath: the file: ``.weights.h5`` (Keras 3's layout, needs h5py) or ``.numnet``.
            overwrite: replace an existing file. Defaults to ``True``.
        """
        _saving().save_weights(self, filepath, overwrite=overwrite)

    def load_weights(self, filepath, skip_mismatch: bool = False) -> None:
        """Set the model's weights from a file, layer by layer, checking every shape first.

        Args:
            filepath: a file of ``save_weights`` or ``save`` (numnet's), or a Keras 3
                ``.weights.h5`` file.
            skip_mismatch: skip layers whose weights do not match instead of raising. Defaults to
                ``False``.

        Raises:
            ValueError: for weights whose shapes do not match, naming the layer and both shapes.
        """
        _saving().load_weights(self, filepath, skip_mismatch=skip_mismatch)

    def to_json(self, **kwargs) -> str:
        return _saving().model_to_json(self, **kwargs)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


def _saving():
    """numnet.saving, which registers itself here (``Model._saving``) when it is imported:
    the model file formats sit above models, and models do not import them."""
    if Model._saving is None:
        raise RuntimeError("Saving and loading need numnet.saving (import numnet).")
    return Model._saving


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
