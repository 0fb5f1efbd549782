"""A functional model's graph: the layer calls from its inputs to its outputs, in topological
order, and how they run (one tensor per call, merges, ops and structured calls)."""

from __future__ import annotations

import warnings

import numpy as np

from ..autodiff import ops
from ..autodiff.tensor import Tensor
from ..layers.base import (
    InputLayer,
    SymbolicTensor,
    apply_to_list,
    is_symbolic_list,
    unique_name,
)
from ..layers.symbolic import CallSpec
from . import data
from . import outputs as outputs_module


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


def keras_layer_order(n_inputs: int, calls: list, outputs: list, input_layers: list) -> list:
    """The layers of a functional model in the order Keras 3 gives them (``model.layers``): by
    decreasing depth from the outputs, ties by the order of a depth-first walk from the outputs;
    Keras names each layer's weights by this order, so the file must follow it."""
    def op(slot):
        return input_layers[slot] if slot < n_inputs else calls[slot - n_inputs][0]

    def parents(slot):
        return () if slot < n_inputs else calls[slot - n_inputs][1]

    finished: set = set()
    ordered: list = []
    index: dict = {}
    for out in outputs:  # depth-first, each node after the nodes it is computed from
        stack = [(out, False)]
        while stack:
            slot, done = stack.pop()
            if done:
                if slot not in finished:
                    finished.add(slot)
                    ordered.append(slot)
                continue
            if slot in finished:
                continue
            index.setdefault(id(op(slot)), len(index))
            stack.append((slot, True))
            stack += [(p, False) for p in reversed(parents(slot))]
    node_depth: dict = {}
    op_depth: dict = {}
    layers: dict = {}
    for slot in reversed(ordered):
        layer = op(slot)
        depth = max(node_depth.setdefault(slot, 0), op_depth.get(id(layer), 0))
        op_depth[id(layer)] = node_depth[slot] = depth
        layers[id(layer)] = layer
        # a pick node (one part of a layer's list of outputs) is no level of its own: Keras's
        # parts come from the layer's one node
        step = 0 if getattr(layer, "function", None) == "__pick__" else 1
        for p in parents(slot):
            node_depth[p] = max(depth + step, node_depth.get(p, 0))
    for layer in input_layers:  # inputs that no output uses
        if id(layer) not in op_depth:
            op_depth[id(layer)], index[id(layer)], layers[id(layer)] = 0, -1, layer
    return [layers[key] for key in sorted(op_depth, key=lambda k: (-op_depth[k], index[k]))]


def _unkeyed(layer, out: dict):
    """A nested model's output inside a graph: the tensor of a model whose one output is a
    dict of one (its calls give ``{key: tensor}``, as Keras's), as the graph recorded it."""
    key = layer.__dict__.get("_output_key")
    return out[key] if key is not None and len(out) == 1 and key in out else out


class Functional:
    """The graph of a model built from ``Model(inputs, outputs)``: its construction, its symbolic
    inputs and outputs, and running it on values (masks included)."""

    def _keras_order(self) -> list:
        """The graph's layers (InputLayers and op nodes included) in Keras 3's order: by
        decreasing depth from the outputs, ties in the order a depth-first walk from the
        outputs meets them. ``model.layers`` and the weights follow it, as in Keras."""
        order = self.__dict__.get("_keras_order_cache")
        if order is None:
            order = keras_layer_order(len(self._input_layers), self._graph,
                                      self._output_slots, self._input_layers)
            self.__dict__["_keras_order_cache"] = order
        return order

    def _init_functional(self, inputs, outputs):
        # one output given as a dict of one: calls and predict give {key: output}, and the
        # key names it for compile's losses and for targets (as Keras's)
        self._output_key = next(iter(outputs)) if isinstance(outputs, dict) and \
            len(outputs) == 1 else None
        if isinstance(outputs, (list, tuple, dict)) and len(outputs) > 1:
            self._init_graph(inputs, outputs)
            return
        outputs = _one_tensor(outputs, "outputs")
        several = isinstance(inputs, dict) or (
            isinstance(inputs, (list, tuple)) and len(inputs) != 1)
        single = inputs if several else _one_tensor(inputs, "inputs")
        if several or (getattr(single, "_symbolic", False)
                       and getattr(outputs, "_symbolic", False)
                       and (outputs.layers is None or single.parents)):
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
        nested = is_nested_struct(inputs)  # (dicts in dicts, lists in lists: Keras's tree)
        names = sorted(inputs) if isinstance(inputs, dict) and not nested else None
        tensors = flatten_struct(inputs) if nested else [inputs[k] for k in names] if names \
            else list(inputs if isinstance(inputs, (list, tuple)) else [inputs])
        outputs = outputs_module.output_list(output)
        for i, t in enumerate([*tensors, *outputs]):
            if not getattr(t, "_symbolic", False):
                what = "outputs" if i >= len(tensors) else "inputs"
                raise TypeError(
                    f"Model({what}): expected the tensors returned by Input(...) and by calling "
                    f"layers on them, given {type(t).__name__}.")
        # an input that a layer computed (not an Input): the model starts there, as Keras
        # allows (the layers before it are not the model's); an InputLayer of its shape and
        # dtype takes its place
        layers_in = [t.input_layer if not t.parents else InputLayer(
            shape=tuple(t.shape)[1:], batch_size=tuple(t.shape)[0], dtype=t.dtype,
            name=unique_name("input_layer")) for t in tensors]
        if len(set(map(id, layers_in))) != len(layers_in):
            raise ValueError("Model(inputs): an Input is given twice; give each input once.")
        self._graph, self._output_slots, self._slot_shapes = _trace(tensors, outputs)
        self._output_slot = self._output_slots[0]
        self._input_layers = layers_in
        self._inputs = tensors
        self._input_names = names or [layer.name for layer in layers_in]
        self._input_struct = inputs if nested else dict(zip(names, tensors, strict=True)) \
            if names else (tensors if len(tensors) > 1 or isinstance(inputs, (list, tuple))
                           else tensors[0])
        self._nested_inputs = nested
        self._output = output
        if len(outputs) > 1:
            nested = outputs_module.is_nested(output)
            # (a dict, a tuple or namedtuple, or nested lists come back as given, as Keras's)
            self._output = output if isinstance(output, (dict, tuple)) or nested \
                else list(outputs)
            self._outputs = outputs
            self._output_names = outputs_module.output_names(output)
        self._takes_list = len(tensors) > 1  # called on a list inside another model
        self._layers = [layer for layer, _, _ in self._graph]
        self._functional = True
        self.built = True
        shapes = [layer._declared_input_shape for layer in layers_in]
        self.input_shape = shapes if len(shapes) > 1 else shapes[0]
        self.output_shape = [t.shape for t in outputs] if len(outputs) > 1 else output.shape

    @property
    def input(self) -> SymbolicTensor:
        """The model's symbolic input (known once the input shape is: ``Input(shape=...)``, a
        first layer's ``input_shape``, or a build); the list (or dict) of them that the model
        was given, for a model of several inputs."""
        if self._graph is not None:
            return self._input_struct
        if self._input_layer is None or not self.built:
            return self._symbolic_io("input", 0)
        own = getattr(self._input_layer, "_io", None)  # the tensor Input(...) returned
        if own is not None and own[0].input_layer is self._input_layer:
            return own[0]
        return SymbolicTensor(self._input_layer._declared_input_shape, self._input_layer)

    @property
    def output(self) -> SymbolicTensor:
        """The model's symbolic output: its input through each of its layers; the list (or
        dict) of them that the model was given, for a model of several outputs."""
        if self._graph is not None:
            return self._output
        if self._input_layer is None or not self.built or not self._layers:
            return self._symbolic_io("output", 1)
        # the last layer's own output tensor where it is this chain's, so that a model built
        # from [layer.output, model.output] computes the chain once (Grad-CAM's grad model)
        own = getattr(self._layers[-1], "_io", None)
        if own is not None and own[1].input_layer is self._input_layer and (
                own[1].layers == tuple(self._layers)):
            return own[1]
        return SymbolicTensor(self.output_shape, self._input_layer, tuple(self._layers))

    @property
    def inputs(self) -> list[SymbolicTensor]:
        return list(self._inputs) if self._graph is not None else [self.input]

    @property
    def outputs(self) -> list[SymbolicTensor]:
        return list(self._outputs) if self._output_names is not None else [self.output]

    @property
    def output_names(self) -> list[str]:
        """``model.output_names`` of a model built from inputs and outputs (Keras's Functional
        has it; Sequential and subclassed models do not): the names logs give the outputs."""
        if not self.__dict__.get("_functional") or type(self).__name__ == "Sequential":
            raise AttributeError(f"{type(self).__name__!r} object has no attribute "
                                 "'output_names' (a model built from inputs and outputs has)")
        if self._output_names is not None:
            return list(self._output_names)
        return [self.output.layer.name]

    def _run_masked(self, x, training: bool):
        """The chain of layers, each given its input's mask (as Keras propagates masks)."""
        mask = None
        for layer in self._layers:
            y = layer(x, training=training) if mask is None else layer(x, training=training,
                                                                         mask=mask)
            if type(y) is dict:
                y = _unkeyed(layer, y)
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
            out = layer([values[i] for i in parents] if merged else values[parents[0]],
                        training=training)
            values.append(_unkeyed(layer, out) if type(out) is dict else out)
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
            out = layer(x, training=training) if given is None \
                else layer(x, training=training, mask=given)
            values.append(_unkeyed(layer, out) if type(out) is dict else out)
            masks.append(layer._next_mask(x, mask if merged else given))
        if self._output_names is not None:  # the masks of several outputs are not applied
            return [values[i] for i in self._output_slots]
        self._output_mask = masks[self._output_slot]
        return values[self._output_slot]

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
                value = ops.as_tensor(_input_array(value, layer, "Model.__call__",
                                                   f"inputs[{name!r}]"))
            else:
                value = data.as_input_dtype(
                    data.adjust_input_rank(value, layer._declared_input_shape), layer)
            _check_input(value, layer, name, self.name, "Model.__call__", "inputs")
            tensors.append(value)
        out = self.call(tensors, training=training)
        if isinstance(self._output, dict) and isinstance(out, list):  # as it was given
            return dict(zip(self._output_names, out, strict=True))
        if isinstance(out, list) and (outputs_module.is_nested(self._output)
                                      or isinstance(self._output, tuple)):
            return outputs_module.pack(self._output, out)
        return out

    def _input_list(self, x, where: str, argument: str = "x") -> list:
        """``x`` as a list in the order of ``model.inputs``: from a list or tuple of one item
        per input, a dict keyed by the inputs' names, or (for one input) the item itself."""
        names = self._input_names
        if self.__dict__.get("_nested_inputs") and isinstance(x, (dict, list, tuple)) and not (
                isinstance(x, (list, tuple)) and len(x) == len(names)
                and not any(isinstance(v, (dict, list, tuple)) for v in x)):
            return _flatten_like(self._input_struct, x, where, argument)  # (else: flat)
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

    def _input_arrays(self, x, where: str, same_rows: bool = True) -> list[np.ndarray]:
        """The arrays of a model of several inputs, each checked as a model's x is, and (with
        ``same_rows``: arrays, which are batched together) of one number of samples."""
        arrays = []
        for name, layer, value in zip(self._input_names, self._input_layers,
                                      self._input_list(x, where), strict=True):
            array = _input_array(value, layer, where, f"x[{name!r}]")
            _check_input(array, layer, name, self.name, where, "x")
            arrays.append(array)
        if same_rows and len({len(a) for a in arrays}) > 1:
            counts = ", ".join(f"{name!r}: {len(a)}"
                               for name, a in zip(self._input_names, arrays, strict=True))
            raise ValueError(
                f"{where}(x): every input must have the same number of samples (one row per "
                f"sample); given {counts}.")
        return arrays


def is_nested_struct(inputs) -> bool:
    """Whether a model's inputs nest: a dict or list holding dicts, lists or tuples."""
    values = inputs.values() if isinstance(inputs, dict) else (
        inputs if isinstance(inputs, (list, tuple)) else ())
    return any(isinstance(v, (dict, list, tuple)) for v in values)


def flatten_struct(struct) -> list:
    """The leaves of nested dicts (keys sorted, as Keras's tree) and lists, in order."""
    if isinstance(struct, dict):
        return [leaf for key in sorted(struct) for leaf in flatten_struct(struct[key])]
    if isinstance(struct, (list, tuple)):
        return [leaf for item in struct for leaf in flatten_struct(item)]
    return [struct]


def pack_struct(struct, flat: list):
    """``flat`` (one value a leaf, in flatten_struct's order) in the structure of ``struct``."""
    values = iter(flat)

    def build(item):
        if isinstance(item, dict):
            built = {key: build(item[key]) for key in sorted(item)}
            return {key: built[key] for key in item}
        if isinstance(item, (list, tuple)):
            return type(item)(build(part) for part in item)
        return next(values)

    return build(struct)


def _flatten_like(struct, x, where: str, path: str) -> list:
    """``x``, nested as the model's inputs are, as the list of its leaves in the order of
    ``model.inputs``; a missing key or a list of another length raises naming where."""
    if isinstance(struct, dict):
        if not isinstance(x, dict):
            raise ValueError(f"{where}({path}): expected a dict with the keys "
                             f"{sorted(struct)}, as the model's inputs nest; given "
                             f"{type(x).__name__}.")
        missing = [key for key in sorted(struct) if key not in x]
        if missing:
            raise ValueError(f"{where}({path}): no value for the key {missing[0]!r}; the "
                             f"model's inputs there have the keys {sorted(struct)}.")
        return [leaf for key in sorted(struct)
                for leaf in _flatten_like(struct[key], x[key], where, f"{path}[{key!r}]")]
    if isinstance(struct, (list, tuple)):
        if not isinstance(x, (list, tuple)) or len(x) != len(struct):
            raise ValueError(f"{where}({path}): expected a list of {len(struct)} items, as the "
                             f"model's inputs nest; given {type(x).__name__}"
                             + (f" of {len(x)}" if isinstance(x, (list, tuple)) else "") + ".")
        return [leaf for i, item in enumerate(struct)
                for leaf in _flatten_like(item, x[i], where, f"{path}[{i}]")]
    return [x]


def _one_input_in_list(x, layer: InputLayer) -> bool:
    """Whether ``x``, a list given to a model of one input, holds that input's array (rather
    than being the array's rows): one item, of the input's rank."""
    return len(x) == 1 and getattr(x[0], "ndim", None) == len(layer._declared_input_shape)


def _input_array(value, layer: InputLayer, where: str, name: str) -> np.ndarray:
    """One input's array in its Input's dtype (text kept as text); a 1-D array is a column
    for an Input of one feature (shape (1,) or (n,)), and stays 1-D for ``Input(shape=())``."""
    array = data.typed_input(value, layer.dtype, where, name)
    if array.ndim == 1 and len(layer._declared_input_shape) == 2:
        array = array.reshape(-1, 1)
    return data.adjust_input_rank(array, layer._declared_input_shape)


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

