"""Building models and compile settings from a checked config, resolving names safely.

A name is looked up in ``custom_objects``, then the registry, then the fixed tables of numnet's
own classes (objects.py); nothing is imported and no attribute of an arbitrary module is read.
Constructors given bad values from a file raise ModelFileError naming the config field.

While a loaded architecture is built, every ``add_weight`` is charged against a byte budget (the
size of the weights really in the file, or ``max_bytes``), so that a config asking for a huge
layer is refused before any memory is allocated. A file describes at most MAX_LAYERS layers,
and a functional graph is ordered in one pass (Kahn's), so that loading costs time linear in
the file whatever order it lists the layers in.
"""

from __future__ import annotations

import contextlib
import heapq
import math

import numpy as np

from .. import activations, losses, metrics, optimizers
from ..autodiff import symbolic
from ..layers import base as _layers_base
from ..layers.base import InputLayer, Layer, SymbolicTensor
from ..layers.symbolic import CallSpec
from . import schema
from .errors import ModelFileError
from .objects import (
    DTYPE_POLICIES,
    FLOAT_DTYPES,
    MODEL_NAMES,
    builtin_layers,
    builtin_losses,
    builtin_metrics,
    builtin_optimizers,
    model_class,
)
from .registry import get_registered_object

if symbolic.lookup("__getitem__") is None:
    # x[...] on a symbolic tensor names its op only when first used; a graph read from a file
    # (OpLayer("__getitem__")) must find it in a process that has not indexed one yet
    symbolic.symbolic_op(_layers_base._getitem, name="__getitem__")

PROBE_LIMIT = 64 * 1024**2
"""The most one input sample may take when a subclassed model is built by calling it."""
MAX_LAYERS = 10_000
"""The most layers one file may describe (all its models together); the deepest Keras
applications have about a thousand."""


class Loader:
    """Resolves names and builds objects from a checked config, charging weights to a budget."""

    def __init__(self, source: str, custom_objects=None, budget: int = 0,
                 budget_reason: str = "max_bytes"):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(
                f"custom_objects: expected a dict of name -> class or function, given "
                f"{type(custom_objects).__name__}.")
        self.source = source
        self.custom_objects = dict(custom_objects or {})
        self.remaining = int(budget)
        self.budget = int(budget)
        self.budget_reason = budget_reason
        self._guarded: list = []
        self._layer_table = None
        self.layers = 0  # built so far, counted against MAX_LAYERS

    def layer_table(self) -> dict:
        """numnet's own layers by name (made once a load: a model may list thousands)."""
        if self._layer_table is None:
            self._layer_table = builtin_layers()
        return self._layer_table

    def fail(self, where: str, message: str) -> ModelFileError:
        return ModelFileError(f"{self.source}: {where}: {message}")

    @contextlib.contextmanager
    def wrap(self, where: str):
        """Errors of constructors given bad values from the file become ModelFileError."""
        try:
            yield
        except ModelFileError:
            raise
        except RecursionError:
            raise self.fail(where, "nested too deeply") from None
        except MemoryError as err:  # what no budget foresaw (a layer's own buffers)
            raise self.fail(where, f"needs more memory than there is ({err})") from None
        except (ValueError, TypeError, KeyError, IndexError, AttributeError,
                OverflowError, NotImplementedError) as err:
            raise self.fail(where, f"{type(err).__name__}: {err}") from None

    # ----- names -----
    def lookup(self, name):
        return get_registered_object(name, self.custom_objects)

    def resolve_class(self, name: str, table: dict, base: type, kind: str, where: str) -> type:
        obj = self.lookup(name)
        if obj is None:
            obj = table.get(name)
        if obj is None:
            raise self.fail(where, (
                f"unknown {kind} {name!r}. numnet's {kind}s are {sorted(table)}; a custom {kind} "
                "must be registered with @numnet.saving.register_serializable() or passed as "
                f"custom_objects={{{name!r}: ...}}. Nothing is imported from a file."))
        if not (isinstance(obj, type) and issubclass(obj, base)):
            raise self.fail(where, f"{name!r} names {obj!r}, which is not a {kind} class")
        return obj

    def resolve_function(self, name, where: str):
        if not isinstance(name, str):
            raise self.fail(where, f"a function reference must be a string, found {name!r}")
        obj = self.lookup(name)
        if obj is None:
            try:
                obj = activations.get(name)
            except ValueError:
                raise self.fail(where, (
                    f"unknown function {name!r}; register it with "
                    "@numnet.saving.register_serializable() or pass "
                    f"custom_objects={{{name!r}: ...}}. Nothing is imported from a file."
                )) from None
        if isinstance(obj, type) or not callable(obj):
            raise self.fail(where, f"{name!r} names {obj!r}, which is not a function")
        return obj

    # ----- configs -----
    def decode(self, value, where: str, key=None):
        """Function references and custom objects in a config, made objects; numnet's own
        objects stay dicts and strings for the constructors to resolve."""
        if isinstance(value, dict):
            name = value.get("class_name")
            if isinstance(name, str) and set(value) <= {"class_name", "config"}:
                if name == "function":
                    return self.resolve_function(value.get("config"), where)
                obj = self.lookup(name)
                if obj is not None:
                    config = value.get("config", {})
                    schema.check(config, schema.ANY_DICT, f"{where}.config", self.source)
                    config = self.decode(config, f"{where}.config")
                    if not isinstance(obj, type):
                        raise self.fail(where, f"{name!r} names {obj!r}, which is not a class")
                    with self.wrap(where):
                        if hasattr(obj, "from_config"):
                            return obj.from_config(config)
                        return obj(**config)
            return {k: self.decode(v, f"{where}.{k}", k) for k, v in value.items()}
        if isinstance(value, list):
            return [self.decode(v, f"{where}[{i}]") for i, v in enumerate(value)]
        if key == "activation" and isinstance(value, str):
            fn = self.resolve_function(value, where)  # refuses unknown names
            return value if self.lookup(value) is None else fn  # numnet's stay names
        return value

    def decode_config(self, config, where: str) -> dict:
        schema.check(config, schema.ANY_DICT, where, self.source)
        return {k: self.decode(v, f"{where}.{k}", k) for k, v in config.items()}

    # ----- memory budget -----
    def spend(self, nbytes: int, what: str, where: str) -> None:
        self.remaining -= nbytes
        if self.remaining < 0:
            raise self.fail(where, (
                f"{what} needs {nbytes} bytes, beyond the {self.budget} bytes that "
                f"{self.budget_reason} allows; refused before allocating it"))

    def guard(self, layer, where: str) -> None:
        """Charge each weight the layer creates to the budget before it is allocated, and each
        weight of the layers it holds (a recurrent layer's cell, a wrapper's layers)."""
        if "add_weight" in vars(layer):
            return
        original = layer.add_weight
        loader = self

        def add_weight(*args, **kwargs):
            rest = list(args)
            shape = kwargs["shape"] if "shape" in kwargs else (rest.pop(0) if rest else None)
            if isinstance(shape, str):  # Keras 2's order: (name, shape, ...)
                shape = rest.pop(0) if rest else ()
            shape = () if shape is None else ((shape,) if isinstance(shape, int) else shape)
            dtype = kwargs.get("dtype") or layer.dtype  # (a positional name is no dtype)
            try:
                itemsize = np.dtype(dtype).itemsize
            except TypeError:
                itemsize = 4
            try:
                nbytes = math.prod(int(d) for d in shape) * itemsize
            except (TypeError, ValueError):
                nbytes = 0
            if layer.dtype_policy.quantization_mode is not None:
                # a quantized layer builds its float kernel first and keeps it as int8 (int4
                # packed two to a byte): the file holds an eighth of it at least
                nbytes //= 8
            loader.spend(nbytes, f"layer {layer.name!r}: a weight of shape {tuple(shape)}",
                         where)
            return original(*args, **kwargs)

        layer.add_weight = add_weight
        self._guarded.append(layer)
        for held in list(vars(layer).values()):
            if isinstance(held, Layer):
                self.guard(held, where)

    def guard_tree(self, model, where: str) -> None:
        self.guard(model, where)
        for layer in model._all_layers():
            if isinstance(layer, model_class()):
                self.guard_tree(layer, where)
            else:
                self.guard(layer, where)

    def release(self) -> None:
        for layer in self._guarded:
            vars(layer).pop("add_weight", None)
        self._guarded.clear()


INPUT_DTYPES = (*DTYPE_POLICIES, "bool", "int8", "int16", "int32", "int64", "uint8", "uint16",
                "uint32", "uint64", "string")
"""What an InputLayer's ``dtype`` may be: also integers (the indices an Embedding takes) and
"string" (the text a TextVectorization or StringLookup takes)."""


QUANTIZED_POLICY = schema.Pattern(
    r"(int8|float8|int4(/(-1|[1-9][0-9]{0,6}))?)_from_(" + "|".join(DTYPE_POLICIES) + ")",
    "a quantized policy such as 'int8_from_float32'")
"""A quantized layer's ``dtype`` (numnet.layers.quantization): the mode, then the policy."""


def _layer_fields(dtypes) -> dict:
    return {"name": schema.OneOf(None, str), "trainable": bool,
            "dtype": schema.OneOf(None, schema.Const(*dtypes), QUANTIZED_POLICY),
            "batch_input_shape": schema.OneOf(None, [schema.OneOf(None, schema.POSITIVE)]),
            "input_shape": schema.OneOf(None, [schema.OneOf(None, schema.POSITIVE)])}


_LAYER_FIELDS = {DTYPE_POLICIES: _layer_fields(DTYPE_POLICIES),
                 INPUT_DTYPES: _layer_fields(INPUT_DTYPES)}


def _check_layer_config(config: dict, loader: Loader, where: str, dtypes=DTYPE_POLICIES) -> None:
    for key, spec in _LAYER_FIELDS[dtypes].items():
        if key in config:
            schema.check(config[key], spec, f"{where}.config.{key}", loader.source)


def deserialize_layer(spec, loader: Loader, where: str):
    schema.check(spec, schema.OBJECT, where, loader.source)
    loader.layers += 1
    if loader.layers > MAX_LAYERS:
        raise loader.fail(where, f"more than {MAX_LAYERS} layers in one model file; refused")
    name = spec["class_name"]
    Model = model_class()
    if name in MODEL_NAMES and loader.lookup(name) is None:
        return deserialize_model(spec, loader, where)
    cls = loader.resolve_class(name, loader.layer_table(), Layer, "layer", where)
    if issubclass(cls, Model):
        return deserialize_model(spec, loader, where)
    config = loader.decode_config(spec["config"], f"{where}.config")
    _check_layer_config(config, loader, where,
                        INPUT_DTYPES if issubclass(cls, InputLayer) else DTYPE_POLICIES)
    with loader.wrap(where):
        layer = cls.from_config(config)
    if not isinstance(layer, Layer):
        raise loader.fail(where, f"{name}.from_config did not return a layer")
    loader.guard(layer, where)
    return layer


def deserialize_model(spec, loader: Loader, where: str = "model"):
    """Build the model a spec describes (weights freshly initialised, within the budget)."""
    from ..models.sequential import Sequential

    Model = model_class()
    schema.check(spec, schema.MODEL, where, loader.source)
    name, config = spec["class_name"], spec["config"]
    if name == "Functional" and loader.lookup(name) is None and isinstance(config, dict) \
            and "input_layers" in config:
        return _deserialize_graph(config, loader, f"{where}.config")
    if name in MODEL_NAMES and loader.lookup(name) is None:
        schema.check(config, schema.SEQUENTIAL, f"{where}.config", loader.source)
        parts = [deserialize_layer(s, loader, f"{where}.config.layers[{i}]")
                 for i, s in enumerate(config["layers"])]
        trainable = config.get("trainable", True)
        if name == "Sequential":
            with loader.wrap(f"{where}.config"):
                model = Sequential(name=config["name"], trainable=trainable)
            for i, layer in enumerate(parts):
                with loader.wrap(f"{where}.config.layers[{i}]"):
                    model.add(layer)
            return model
        if not parts or not isinstance(parts[0], InputLayer):
            raise loader.fail(f"{where}.config.layers", "a Functional model starts with an "
                                                        "InputLayer")
        inputs = x = SymbolicTensor(parts[0]._declared_input_shape, parts[0])
        for i, layer in enumerate(parts[1:], start=1):
            if isinstance(layer, InputLayer):
                raise loader.fail(f"{where}.config.layers[{i}]", "a second InputLayer")
            with loader.wrap(f"{where}.config.layers[{i}]"):
                x = layer(x)
        with loader.wrap(f"{where}.config"):
            model = Model(inputs, x, name=config["name"])
            model.trainable = trainable
        return model
    cls = loader.resolve_class(name, {}, Model, "model", where)
    config = loader.decode_config(config, f"{where}.config")
    with loader.wrap(where):
        model = cls.from_config(config)
    if not isinstance(model, Model):
        raise loader.fail(where, f"{name}.from_config did not return a model")
    loader.guard_tree(model, where)
    shape = spec.get("build_input_shape")
    if shape and not model.built:
        # Building calls the model on one zero sample of this shape.
        itemsize = np.dtype(model.dtype if model.dtype in FLOAT_DTYPES else "float64").itemsize
        if math.prod(d or 1 for d in shape[1:]) * itemsize > PROBE_LIMIT:
            raise loader.fail(f"{where}.build_input_shape", (
                f"one sample of shape {tuple(shape[1:])} takes more than {PROBE_LIMIT} bytes; "
                "refused before allocating it"))
        with loader.wrap(f"{where}.build_input_shape"):
            if type(model).build_from_config is not Model.build_from_config:  # its own
                model.build_from_config({"input_shape": list(shape)})
            else:
                model.build(tuple(shape))
    return model


_HISTORY = [schema.OneOf(str, schema.NON_NEGATIVE)]
_SHAPE = schema.OneOf(None, [schema.OneOf(None, schema.POSITIVE)])
_TENSOR = {"class_name": schema.Const("__keras_tensor__"),
           "config": {schema.Opt("shape"): _SHAPE, schema.Opt("dtype"): schema.OneOf(None, str),
                      "keras_history": _HISTORY}}
_NODE = {"args": [schema.OneOf(_TENSOR, [_TENSOR])], "kwargs": schema.ANY_DICT,
         schema.Opt("numnet_call"): schema.ANY_DICT}
_GRAPH_LAYER = {"class_name": str, "config": schema.ANY_DICT, "name": str,
                "inbound_nodes": [_NODE]}
GRAPH = {"name": schema.OneOf(None, str), schema.Opt("trainable"): bool,
         "layers": [_GRAPH_LAYER], "input_layers": schema.OneOf([_HISTORY], schema.ANY_DICT),
         "output_layers": schema.OneOf([schema.OneOf(_HISTORY, [_HISTORY])], schema.ANY_DICT)}
"""A functional model of several inputs, outputs or branches, in Keras's layout (objects.py)."""


def _deserialize_graph(config: dict, loader: Loader, where: str):
    """Each layer built from its config, then called on the tensors its inbound nodes name,
    in an order where those exist; the model from the input and output references."""
    schema.check(config, GRAPH, where, loader.source)
    layers, calls = {}, []
    for i, entry in enumerate(config["layers"]):
        at = f"{where}.layers[{i}]"
        if entry["name"] in layers:
            raise loader.fail(at, f"a second layer called {entry['name']!r}")
        layer = deserialize_layer({"class_name": entry["class_name"], "config": entry["config"]},
                                  loader, at)
        layers[entry["name"]] = (layer, len(entry["inbound_nodes"]))
        if isinstance(layer, InputLayer) and entry["inbound_nodes"]:
            raise loader.fail(at, "an InputLayer is called on nothing; found inbound nodes")
        for k, node in enumerate(entry["inbound_nodes"]):
            calls.append((entry["name"], k, node, f"{at}.inbound_nodes[{k}]"))

    def reference(history, at):
        if len(history) != 3 or not isinstance(history[0], str) or not all(
                isinstance(v, int) for v in history[1:]):
            raise loader.fail(at, f"expected [layer name, node index, 0], found {history!r}")
        name, node, index = history
        if name not in layers:
            raise loader.fail(at, f"refers to a layer {name!r} that the model does not list")
        layer, count = layers[name]
        if node >= max(count, isinstance(layer, InputLayer)) or (
                index != 0 and isinstance(layer, InputLayer)):
            raise loader.fail(at, f"refers to call {node} (output {index}) of layer {name!r}, "
                                  f"which has {count} call(s)")
        return name, node, index

    def tensor(ref, at, whole: bool = False):
        """Output ``index`` of a call: of a call that gives several tensors (a list, tuple or
        dict of them), the index-th in Keras's flat order (a dict's by sorted key); the whole
        structure for ``whole`` (numnet's own files pick its parts by further nodes)."""
        name, node, index = ref
        out = tensors[(name, node)]
        if index == 0 and (whole or getattr(out, "_symbolic", False)):
            return out
        leaves = _flat_outputs(out)
        if index >= len(leaves) or leaves[index] is None:
            raise loader.fail(at, f"refers to output {index} of call {node} of layer {name!r}, "
                                  f"which gives {len(leaves)} tensor(s)")
        return leaves[index]

    tensors = {(name, 0): SymbolicTensor(layer._declared_input_shape, layer)
               for name, (layer, _) in layers.items() if isinstance(layer, InputLayer)}
    pending = []
    for name, k, node, at in calls:
        if len(node["args"]) != 1 or node["kwargs"]:
            raise loader.fail(at, "expected one argument (a tensor, or a list of them for a "
                                  "merge layer) and no keyword arguments")
        arg = node["args"][0]
        merged = isinstance(arg, list)
        if "numnet_call" in node:  # a call with more than one tensor: how to rebuild its args
            with loader.wrap(f"{at}.numnet_call"):
                merged = CallSpec.from_config(node["numnet_call"])
        refs = [reference(t["config"]["keras_history"], f"{at}.args[0]")
                for t in (arg if merged else [arg])]
        pending.append((name, k, merged, refs, at))
    # Kahn's order (each call once, the lowest-listed ready call first): linear in the calls,
    # whatever order the file lists the layers in.
    needs, waiters = [], {}
    for c, (_, _, _, refs, _) in enumerate(pending):
        missing = {ref[:2] for ref in refs if ref[:2] not in tensors}
        needs.append(len(missing))
        for ref in missing:
            waiters.setdefault(ref, []).append(c)
    ready = [c for c, count in enumerate(needs) if count == 0]
    done = 0
    while ready:
        name, k, merged, refs, at = pending[heapq.heappop(ready)]
        whole = getattr(layers[name][0], "function", None) == "__pick__"
        args = [tensor(ref, at, whole) for ref in refs]
        with loader.wrap(at):
            if merged.__class__ is CallSpec:
                call_args, call_kwargs = merged.fill(args)
                tensors[(name, k)] = layers[name][0](*call_args, **call_kwargs)
            else:
                tensors[(name, k)] = layers[name][0](args if merged else args[0])
        done += 1
        for c in waiters.pop((name, k), ()):
            needs[c] -= 1
            if needs[c] == 0:
                heapq.heappush(ready, c)
    if done < len(pending):
        waiting = [f"{n}[{k}]" for c, (n, k, *_) in enumerate(pending) if needs[c]]
        raise loader.fail(f"{where}.layers", (
            f"the calls {waiting[:10]}{' ...' if len(waiting) > 10 else ''} wait on each other "
            "(a cycle); a model's graph has none"))
    given = config["input_layers"]
    keys = list(given) if isinstance(given, dict) else None
    inputs = []
    for i, history in enumerate(given.values() if keys else given):
        at = f"{where}.input_layers[{keys[i] if keys else i}]"
        schema.check(history, _HISTORY, at, loader.source)
        ref = reference(history, at)
        if not isinstance(layers[ref[0]][0], InputLayer):
            raise loader.fail(at, f"the model's inputs are InputLayers; {ref[0]!r} is not one")
        inputs.append(tensor(ref, at))
    given = config["output_layers"]
    if not given:
        raise loader.fail(f"{where}.output_layers", "a model has at least one output; found "
                                                    "none")
    outputs = {}
    for key, history in (given.items() if isinstance(given, dict) else enumerate(given)):
        at = f"{where}.output_layers[{key!r}]"
        if not isinstance(given, dict) and history and isinstance(history[0], list):
            # several outputs of one call kept together (a layer's pair), as Keras nests them
            outputs[key] = [tensor(reference(part, f"{at}[{i}]"), f"{at}[{i}]")
                            for i, part in enumerate(history)]
            continue
        schema.check(history, _HISTORY, at, loader.source)
        outputs[key] = tensor(reference(history, at), at)
    output = outputs if isinstance(given, dict) else list(outputs.values())
    if len(output) == 1 and not isinstance(given, dict):
        output = output[0]
    with loader.wrap(where):
        model = model_class()(dict(zip(keys, inputs, strict=True)) if keys else inputs, output,
                              name=config["name"])
        model.trainable = config.get("trainable", True)
    return model


def _flat_outputs(out, depth: int = 0) -> list:
    """The tensors of a call's output in Keras's flat order: a list's or tuple's in order, a
    dict's by sorted key, nested ones depth first."""
    if isinstance(out, dict):
        return [t for key in sorted(out) for t in _flat_outputs(out[key], depth + 1)]
    if isinstance(out, (list, tuple)) and depth < 16:
        return [t for part in out for t in _flat_outputs(part, depth + 1)]
    return [out]


def _deserialize_entry(value, loader: Loader, table: dict, base: type, kind: str, where: str):
    """A loss or metric: a name (a custom one resolved here), a function reference, or a
    class with its config."""
    if isinstance(value, str):
        custom = loader.lookup(value)
        return value if custom is None else custom
    if value["class_name"] == "function":
        return loader.resolve_function(value["config"], where)
    cls = loader.resolve_class(value["class_name"], table, base, kind, where)
    config = loader.decode_config(value["config"], f"{where}.config")
    with loader.wrap(where):
        return cls.from_config(config)


def deserialize_compile(spec, loader: Loader) -> dict:
    """The keyword arguments of ``model.compile`` from the compile section."""
    schema.check(spec, schema.COMPILE, "compile", loader.source)
    opt_spec = spec["optimizer"]
    cls = loader.resolve_class(opt_spec["class_name"], builtin_optimizers(),
                               optimizers.Optimizer, "optimizer", "compile.optimizer")
    config = loader.decode_config(opt_spec["config"], "compile.optimizer.config")
    with loader.wrap("compile.optimizer"):
        optimizer = cls.from_config(config)
    loss = _per_output(spec["loss"], loader, builtin_losses(), losses.Loss, "loss",
                       "compile.loss")
    found = {key: _per_output(spec[key], loader, builtin_metrics(), metrics.Metric, "metric",
                              f"compile.{key}")
             for key in ("metrics", "weighted_metrics") if key in spec}
    switches = {key: spec[key] for key in ("jit_compile", "run_eagerly", "loss_weights")
                if key in spec}
    return {"optimizer": optimizer, "loss": loss, **found, **switches}


def _per_output(value, loader: Loader, table: dict, base: type, kind: str, where: str):
    """A loss or metric entry, or a list (in output order) or object (by output name) of them,
    as compile takes them for a model of several outputs."""
    if value is None:
        return None
    if isinstance(value, list):
        return [_per_output(item, loader, table, base, kind, f"{where}[{i}]")
                for i, item in enumerate(value)]
    if isinstance(value, dict) and "class_name" not in value:
        return {key: _per_output(item, loader, table, base, kind, f"{where}[{key!r}]")
                for key, item in value.items()}
    if isinstance(value, dict):
        schema.check(value, schema.OneOf(schema.FUNCTION, schema.OBJECT), where, loader.source)
    return _deserialize_entry(value, loader, table, base, kind, where)


__all__ = ["Loader", "deserialize_compile", "deserialize_model"]
