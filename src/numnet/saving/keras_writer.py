"""Writing numnet models in Keras's own file formats, for Keras 3 to load.

``model.save("model.keras")`` writes the zip of Keras 3 (the layout of Keras 3.15)::

    config.json         {"module", "class_name": "Sequential" | "Functional", "config",
                        "registered_name", "build_config", "compile_config"}: each layer as
                        Keras serializes it, its initializers, regularizers, constraints and
                        dtype policy as Keras objects ({"module": "keras.initializers", ...})
    metadata.json       {"keras_version", "date_saved"}
    model.weights.h5    /layers/<key>/vars/<i>, <key> the snake case of the Keras class name
                        with a counter per class, in the order of the model's layers; the
                        weights of an RNN's cell, a wrapper's layers and a nested model's layers
                        one level deeper (``<key>/cell/vars``, ``<key>/forward_layer/cell/vars``,
                        ``<key>/layers/<key>/vars``); /vars, the model's own (empty) group

``model.save("model.h5")`` writes Keras's legacy HDF5 model file, as Keras 3 writes it: the root
attributes ``keras_version``, ``backend``, ``model_config`` (the architecture as JSON) and
``training_config`` (the compile settings, when they have Keras equivalents); the group
``model_weights`` with the attribute ``layer_names`` and, per layer, a group with the attribute
``weight_names`` (trainable weights first, as Keras orders them) and one dataset per weight.

Only what Keras has can be written: the layers in ``KERAS_LAYERS`` (numnet's layers that
Keras shares, in the same form; not ``Lambda``, whose Python code a file cannot hold) and
custom layers registered with ``@register_keras_serializable(package=...)`` (written, as Keras
writes them, with ``"module": None`` and ``"registered_name": "package>Name"``: Keras loads
them where the same name is registered), in
Sequential and functional models (any graph of layers, several inputs and outputs, nested
models), with the ops of ``KERAS_OPS`` applied to symbolic tensors between them
(``ops.relu(h) * 2.0``, ``ops.mean(h, axis=-1)``, ``x[:, 1:3]``: keras_ops.py; another
op is refused, naming it and why). A registered subclassed model is written as Keras writes
one: its class by registered name, its ``get_config()``, its build config and (from
``get_compile_config()``) its compile config; the weights of it and of custom layers that hold
layers go where Keras's walk of their attributes puts them, each object's by its
``save_own_variables``, and the files of ``save_assets`` under ``assets/`` (state.py). An
activation function of one's own is written by its name (registered or plain), for Keras to
find it registered or in ``custom_objects``. Another layer (an unregistered custom one, or one
whose form differs from Keras's), a custom initializer, or an unregistered subclassed model, is
refused with a ValueError (``NotKerasCompatible``) that names it: save such a model as
``.numnet``. Compile settings
that Keras cannot load (a custom loss or metric) are left out with a warning; the file then
holds an uncompiled model. A ``.keras`` file holds the optimizer's state (its step, learning
rate, the moving averages of ``use_ema``, the gradient sums of ``gradient_accumulation_steps``
and the slots, where Keras keeps them: ``_keras_layout``, ``KERAS_SLOTS``) when numnet can
give it in Keras's form (otherwise a warning says what is left out and why, and Keras starts
with a fresh optimizer); so does a ``.h5`` file; ``load_model`` of a ``.keras`` file sets it
back (``restore_optimizer``). Every file is
written to a temporary name and renamed into place. Both formats need h5py (pip install
'numnet[h5]').

Why one file of about 1,100 lines: one writer of one format: each layer's Keras config beside the
weights' layout it implies.
"""

from __future__ import annotations

import datetime
import inspect
import io
import json
import warnings

import numpy as np

from .. import backend, constraints, initializers, regularizers
from ..autodiff.tensor import Tensor
from ..layers.base import InputLayer
from ..layers.symbolic import CallSpec, OpLayer, _Slot
from ..models.functional import keras_layer_order
from ..optimizers import Optimizer
from ..optimizers.base import KERAS_PLACEHOLDERS, KERAS_SLOT_NAMES, KERAS_SLOTS, keras_slot_name
from ..quantizers import overwrites_with_gradient
from . import keras_h5, keras_ops, objects, state
from .archive import write_archive
from .atomic import atomic_write
from .errors import ModelFileError
from .keras_ops import HELD_LAYERS
from .registry import get_registered_name, get_registered_object

KERAS_VERSION = "3.15.1"
"""The Keras release whose file layout the writers follow (and that the files name)."""

_FAMILIES = {"_initializer": "initializers", "_regularizer": "regularizers",
             "_constraint": "constraints"}
_TABLES = {
    "initializers": lambda: objects._subclasses(vars(initializers), initializers.Initializer),
    "regularizers": lambda: objects._subclasses(vars(regularizers), regularizers.Regularizer),
    "constraints": lambda: objects._subclasses(vars(constraints), constraints.Constraint),
    "optimizers": objects.builtin_optimizers,
    "optimizers.schedules": objects.builtin_schedules,
    "losses": objects.builtin_losses,
    "metrics": objects.builtin_metrics,
}
KERAS_LAYERS = frozenset("""
    Activation ActivityRegularization Add AdditiveAttention AlphaDropout Attention Average
    AveragePooling1D AveragePooling2D BatchNormalization Bidirectional CategoryEncoding CenterCrop
    Concatenate Conv1D Conv1DTranspose Conv2D Conv2DTranspose Cropping1D Cropping2D Dense Dot
    Dropout ELU Embedding Flatten GRU GRUCell GaussianDropout GaussianNoise GlobalAveragePooling1D
    GlobalAveragePooling2D GlobalMaxPooling1D GlobalMaxPooling2D Identity InputLayer LSTM
    LSTMCell LayerNormalization LeakyReLU Masking MaxPooling1D MaxPooling2D Maximum Minimum
    MultiHeadAttention Multiply Normalization PReLU Permute RNN RandomBrightness RandomContrast
    RandomFlip RandomRotation
    RandomTranslation RandomZoom ReLU RepeatVector Rescaling Reshape Resizing SimpleRNN
    SimpleRNNCell Softmax Subtract TimeDistributed UnitNormalization UpSampling1D UpSampling2D
    ZeroPadding1D ZeroPadding2D
    AdaptiveAveragePooling1D AdaptiveAveragePooling2D AdaptiveAveragePooling3D
    AdaptiveMaxPooling1D AdaptiveMaxPooling2D AdaptiveMaxPooling3D AutoContrast AveragePooling3D
    Conv3D Conv3DTranspose ConvLSTM1D ConvLSTM2D ConvLSTM3D Cropping3D CutMix DepthwiseConv1D
    DepthwiseConv2D Discretization EinsumDense GlobalAveragePooling3D GlobalMaxPooling3D
    GroupNormalization GroupQueryAttention MaxPooling3D MixUp Pipeline RMSNormalization
    RandomColorDegeneration RandomErasing RandomGaussianBlur RandomGrayscale RandomHue
    RandomInvert RandomPosterization RandomSaturation RandomSharpness ReversibleEmbedding
    SeparableConv1D SeparableConv2D Solarization SpatialDropout1D SpatialDropout2D
    SpatialDropout3D SpectralNormalization StackedRNNCells UpSampling3D ZeroPadding3D
    AugMix ContrastLimitedAdaptiveHistogramEqualization MelSpectrogram RandAugment
    RandomColorJitter RandomElasticTransform RandomPerspective RandomShear STFTSpectrogram
""".split())
"""numnet's layers that the writers give Keras in Keras's form (config and weights), each
checked by loading the file in Keras 3.15 (tests/test_keras_write.py). ``Lambda`` is not one:
its Python code has no safe place in a file."""

NOT_IN_LEGACY_H5 = {
    "Attention": "has a score_mode ('dot') that Keras 3.15's legacy .h5 loader mistakes for a "
                 "function (Keras fails on its own .h5 files of it); save as .keras",
    "GroupQueryAttention": "is one that Keras 3.15's legacy .h5 loader does not find by the "
                           "name its config gives (its class is GroupedQueryAttention); save "
                           "as .keras",
    "SpectralNormalization": "keeps the wrapped layer's kernel among its own weights too, "
                             "which the legacy .h5 layout that numnet writes does not hold; "
                             "save as .keras",
}
"""Layers of KERAS_LAYERS that the legacy .h5 writer refuses, with the reason: Keras cannot
load them from that format."""

KERAS_OPS = keras_ops.KERAS_OPS
"""The ops of a functional graph (``x + y``, ``x[:, 0]``, ``ops.mean(x, axis=-1)``) that the
``.keras`` writer gives Keras, as Keras 3 writes its own (keras_ops.py: an entry of module
``keras.src.ops.<family>`` whose config holds the op's settings, its operands the call's
arguments); any other op is refused, naming it and why."""


KERAS_ONLY_SETTINGS = {
    "layers": {"Dense": {"quantization_config": None},
               "Embedding": {"quantization_config": None}},
    "initializers": {name: {"input_axes": None, "output_axes": None} for name in (
        "VarianceScaling", "GlorotUniform", "GlorotNormal", "HeUniform", "HeNormal",
        "LecunUniform", "LecunNormal")},
}
"""Settings that Keras 3.15 writes and numnet's configs lack, with the values that change
nothing (no quantization; fan-in and fan-out from the usual axes)."""



class NotKerasCompatible(ValueError):
    """A part of the model that Keras's file formats cannot hold."""


def _refuse(what: str, why: str, fmt: str) -> NotKerasCompatible:
    return NotKerasCompatible(
        f"save: {what} {why}, so Keras could not load it from a {fmt} file. Save the model "
        "in numnet's own format instead: model.save('model.numnet').")


# ----------------------------------------------------------------------------- the graph


def _calls(model) -> tuple[list, list, list, list]:
    """(input layers, calls [(layer, parent slots, on a list)], output slots, slot shapes) of a
    functional model; slot i < len(inputs) is input i, slot len(inputs) + k call k's output."""
    if model._graph is not None:
        return (list(model._input_layers), list(model._graph), list(model._output_slots),
                list(model._slot_shapes))
    shapes = [model._input_layer._declared_input_shape]
    calls = []
    for k, layer in enumerate(model._layers):
        calls.append((layer, (k,), False))
        shapes.append(layer.output_shape)
    return [model._input_layer], calls, [len(calls)], shapes


def _is_model(layer) -> bool:
    """Whether ``layer`` is a Sequential or functional model, whose layers Keras lists (a
    subclassed model is a layer of its own here, which the configs refuse)."""
    from ..models.sequential import Sequential

    Model = objects.model_class()
    return type(layer) is Sequential or type(layer) is Model and (
        layer._graph is not None or layer._functional)


def _unconfigured_arguments(cls) -> list[str]:
    """The constructor arguments of a custom layer class that its config leaves out: those of
    the user's own __init__ methods, unless one of the user's classes defines get_config (then
    it is taken to return them). Empty for a class whose get_config rebuilds it."""
    from ..layers.base import Layer

    builtins = set(objects.builtin_layers().values()) | {Layer}
    own = []
    for klass in cls.__mro__:
        if klass in builtins or klass is object:
            break
        if "get_config" in vars(klass):
            return []
        init = vars(klass).get("__init__")
        if init is None:
            continue
        for param in list(inspect.signature(init).parameters.values())[1:]:
            if param.kind in (param.POSITIONAL_OR_KEYWORD, param.KEYWORD_ONLY) \
                    and param.name not in ("name", "trainable", "dtype") \
                    and param.name not in own:
                own.append(param.name)
    return own


def _keras_class(model, where: str, fmt: str) -> str:
    from ..models.sequential import Sequential

    Model = objects.model_class()
    if type(model) is Sequential:
        return "Sequential"
    if type(model) is Model and (model._graph is not None or model._functional):
        return "Functional"
    if isinstance(model, Model) and get_registered_name(type(model)) is not None:
        return "Custom"  # a registered subclassed model: its class and get_config, as Keras
    raise _refuse(f"{where}: the model {model.name!r} ({type(model).__name__})",
                  "is a subclassed model that is not registered (Keras writes a subclassed "
                  "model by its registered name and get_config: decorate the class with "
                  "@register_keras_serializable(package=...) and give it get_config)", fmt)


def _keras_layers(model, fmt: str, where: str = "model") -> list:
    """The model's layers as Keras lists them (``model.layers``): a Sequential's without its
    InputLayer, a functional model's with its InputLayers, in Keras's order."""
    if _keras_class(model, where, fmt) == "Sequential":
        return list(model._layers)
    inputs, calls, outputs, _ = _calls(model)
    calls, outputs = _without_picks(len(inputs), calls, outputs)
    return keras_layer_order(len(inputs), calls, outputs, inputs)


def _is_pick(layer) -> bool:
    """Whether ``layer`` is numnet's node that picks a part of a call's structured output
    (``out, h, c = lstm(x)``, ``a, b = ops.split(x, 2)``): Keras has no such node, its tensors
    name the part by its index (``[layer, node, index]``)."""
    return isinstance(layer, OpLayer) and layer.function == "__pick__"


def _without_picks(n_inputs: int, calls: list, outputs: list) -> tuple[list, list]:
    """The calls and outputs of a graph as Keras sees it: the picks left out, each tensor they
    give named by the call it is a part of (for Keras's order of the layers)."""
    slot = list(range(n_inputs))
    kept = []
    for layer, parents, merged in calls:
        if _is_pick(layer):
            slot.append(slot[parents[0]])
            continue
        slot.append(n_inputs + len(kept))
        kept.append((layer, tuple(slot[p] for p in parents), merged))
    return kept, [slot[o] for o in outputs]


# ----------------------------------------------------------------------------- configs


def _keras_object(module: str, class_name: str, config) -> dict:
    return {"module": module, "class_name": class_name, "config": config,
            "registered_name": None}


def _keras_written_optimizer(name: str):
    """The registered optimizer class of one's own named ``name`` ("package>Name") when it is
    written as Keras 3's are (its state is then the Variables its ``build`` made, in order, as
    Keras keeps them); else None."""
    if ">" not in name:
        return None
    cls = get_registered_object(name)
    if isinstance(cls, type) and issubclass(cls, Optimizer) and cls._written_as_keras():
        return cls
    return None


def _function(name: str) -> dict:
    """A function of one's own as Keras writes it: by its registered name ("package>name"),
    or by its plain name, which Keras finds in custom_objects."""
    return {"module": "builtins", "class_name": "function", "config": name,
            "registered_name": "function"}


def _dtype_policy(name: str) -> dict:
    from ..dtype_policies import DTypePolicy

    policy = DTypePolicy(name)
    if policy.quantization_mode is not None:  # "int8_from_float32": as Keras writes it
        return _keras_object("keras.dtype_policies", type(policy).__name__, policy.get_config())
    return _keras_object("keras", "DTypePolicy", {"name": name})


def _shape(shape):
    if shape is None:
        return None
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple)):
        return [_shape(s) for s in shape]
    return [None if d is None else int(d) for d in shape]


def _family_of(spec: dict):
    """The family ("initializers", "regularizers" or "constraints") of a serialized object:
    the one its "module" names, else the first whose built-in classes have its class name;
    None for other objects."""
    module = spec.get("module")
    for family in _FAMILIES.values():
        if module == f"keras.{family}":
            return family
    if module is None:
        for family in _FAMILIES.values():
            if _TABLES[family]().get(spec["class_name"]) is not None:
                return family
    return None


class _Writer:
    """numnet's configs as Keras 3 serializes them; ``fmt`` ('.keras' or '.h5') names the
    format in errors."""

    def __init__(self, fmt: str):
        self.fmt = fmt

    def refuse(self, what: str, why: str) -> NotKerasCompatible:
        return _refuse(what, why, self.fmt)

    # ----- nested objects -----
    def keras_object(self, spec, family: str, where: str):
        """numnet's {"class_name", "config"} of one of Keras's families as a Keras object."""
        if spec is None or isinstance(spec, (str, int, float)):
            return spec
        if not isinstance(spec, dict) or "class_name" not in spec:
            raise self.refuse(where, f"holds {spec!r}, which is not one of Keras's objects")
        name = spec["class_name"]
        if name == "function":
            raise self.refuse(f"{where}: the custom function {spec.get('config')!r}",
                              "is not one of Keras's")
        custom = _keras_written_optimizer(name) if family == "optimizers" else None
        if custom is None and _TABLES[family]().get(name) is None:
            raise self.refuse(f"{where}: the custom class {name!r}",
                              f"is not one of Keras's {family.split('.')[-1]}"
                              + (" (only an optimizer of one's own written as Keras 3 writes "
                                 "one, registered, is: build() making its slots with "
                                 "add_variable_from_reference, update_step(gradient, "
                                 "variable, learning_rate))" if family == "optimizers" else ""))
        config = {}
        for key, value in (spec.get("config") or {}).items():
            if family == "optimizers" and key == "decay":
                if value:
                    raise self.refuse(f"{where}: decay={value!r} (Keras 2's learning-rate "
                                      "decay)", "has no equivalent in Keras 3's optimizers")
                continue
            if isinstance(value, dict) and "class_name" in value:
                inner = {"learning_rate": "optimizers.schedules",
                         "inner_optimizer": "optimizers"}.get(key)
                if inner is None:
                    raise self.refuse(f"{where}.{key}", f"holds {value['class_name']!r}, which "
                                                        "numnet cannot write for Keras")
                value = self.keras_object(value, inner, f"{where}.{key}")
            config[key] = value
        if custom is not None:  # by its registered name, as Keras writes one of one's own
            return {"module": None, "class_name": custom.__name__, "config": config,
                    "registered_name": name}
        for key, value in KERAS_ONLY_SETTINGS.get(family, {}).get(name, {}).items():
            config.setdefault(key, value)
        return _keras_object(f"keras.{family}", name, config)

    def value(self, key: str, value, where: str):
        if key == "dtype" and isinstance(value, str):
            return _dtype_policy(value)
        family = next((f for end, f in _FAMILIES.items() if key.endswith(end)), None)
        if family is not None:
            return self.keras_object(value, family, where)
        if isinstance(value, dict) and "class_name" in value:
            if value["class_name"] == "function" and isinstance(value.get("config"), str):
                return _function(value["config"])
            # one of Keras's initializers, regularizers or constraints under a key of the
            # layer's own naming (a custom layer's config of keras.initializers.serialize(...))
            family = _family_of(value)
            if family is not None:
                return self.keras_object(value, family, where)
            raise self.refuse(where, f"holds the object {value['class_name']!r}, which numnet "
                                     "cannot write for Keras")
        return value

    # ----- layers -----
    def layer_config(self, layer, where: str) -> dict:
        config = objects.encode_config(layer, layer.get_config(), where)
        held = dict(keras_h5.held_layers(layer))
        out = {}
        for key, value in config.items():
            at = f"{where}.{key}"
            if key == "batch_input_shape":
                continue  # the model's InputLayer holds the input shape
            if key in HELD_LAYERS and isinstance(value, dict):
                inner = held.get(key) or (held.get("forward_layer") if key == "layer" else None)
                if inner is None:
                    raise self.refuse(at, "holds a layer that numnet cannot write for Keras")
                out[key] = self.layer(inner, at, build=False)
                continue
            if key in ("cells", "layers") and isinstance(value, list) and value and all(
                    isinstance(v, dict) and "class_name" in v for v in value):
                out[key] = self.layer_list(layer, value, at)  # StackedRNNCells, Pipeline
                continue
            if isinstance(value, dict) and "module" in value and "class_name" in value \
                    and value["class_name"] != "function" and state.is_custom(layer):
                out[key] = self.nested(layer, key, value, at)
                continue
            out[key] = self.value(key, value, at)
        return out

    def layer(self, layer, where: str, build: bool = True) -> dict:
        """A layer (or a nested model) as an entry of Keras's config."""
        if _is_model(layer) or isinstance(layer, objects.model_class()):
            return self.model(layer, where)
        if isinstance(layer, InputLayer):
            return _keras_object("keras.layers", "InputLayer", self.input_config(layer))
        if isinstance(layer, OpLayer):
            return self.op(layer, where)
        name = type(layer).__name__
        if objects.is_application_layer(type(layer)):  # as Keras writes its own
            spec = self.custom_layer(layer, name, where, build)
            return {**spec, "module": type(layer).__module__.replace("numnet.", "keras.src.")}
        if objects.builtin_layers().get(name) is not type(layer):
            registered = get_registered_name(type(layer))
            if registered is None:
                # (a layer constructed with plain arguments has them recorded, as Keras does)
                recorded = isinstance(layer.__dict__.get("_auto_config"), dict)
                missing = [] if recorded else _unconfigured_arguments(type(layer))
                if missing:
                    raise NotKerasCompatible(
                        f"save: {where}: the layer {layer.name!r} ({name}) takes "
                        f"{', '.join(missing)} in __init__ but defines no get_config, so its "
                        "config could not rebuild it when the file is loaded. Give the class a "
                        "get_config that returns those arguments (plain constructor arguments "
                        "are recorded by themselves; these were not plain values).")
                # Keras writes an unregistered class by its class name; load_model finds it in
                # custom_objects (or a custom_object_scope)
                registered = name
            return self.custom_layer(layer, registered, where, build)
        if name not in KERAS_LAYERS and name != "Lambda":
            raise self.refuse(f"{where}: the layer {layer.name!r} ({name})",
                              "is one that numnet does not write in Keras's form (its config or "
                              "weights differ from Keras's)")
        if self.fmt == ".h5" and name in NOT_IN_LEGACY_H5:
            raise self.refuse(f"{where}: the layer {layer.name!r} ({name})",
                              NOT_IN_LEGACY_H5[name])
        config = self.lambda_config(layer, where) if name == "Lambda" else \
            self.layer_config(layer, where)
        if name == "RandomShear":  # Keras reads back a symmetric range only as its bound
            for key in ("x_factor", "y_factor"):
                low, high = config[key]
                config[key] = high if low == -high else [low, high]
        for key, value in KERAS_ONLY_SETTINGS["layers"].get(name, {}).items():
            config.setdefault(key, value)
        spec = _keras_object("keras.layers", name, config)
        shape = getattr(layer, "input_shape", None)
        if build and layer.built and shape is not None:
            spec["build_config"] = {"input_shape": _shape(shape)}
        return spec

    def lambda_config(self, layer, where: str) -> dict:
        """The config of a Lambda whose function (and output_shape, when a function) is
        registered, as Keras writes one: by its registered name. A Python lambda is refused:
        its code has no safe place in a file (Keras writes its bytecode, which numnet never
        loads)."""
        config = self.layer_config(layer, where)
        for key, value in (("function", layer.function), ("output_shape", layer.output_shape_arg)):
            if not callable(value):
                continue
            registered = get_registered_name(value)
            if registered is None:
                label = getattr(value, "__name__", value)
                raise self.refuse(f"{where}: the layer {layer.name!r} (Lambda)",
                                  f"holds Python code as its {key} ({label!r}), which numnet "
                                  "does not write into a file; register the function with "
                                  "@numnet.saving.register_serializable() so that the file names "
                                  "it, or write it as a layer of its own")
            config[key] = {"module": "builtins", "class_name": "function", "config": registered,
                           "registered_name": "function"}
        if config.get("output_shape") is None:
            config.pop("output_shape", None)
        return config

    def op(self, layer, where: str) -> dict:
        """An op node (``x + 1.0``) as Keras 3 writes an operation of a functional graph; its
        settings are added to the config when its call is written (``op_call``)."""
        spec = KERAS_OPS.get(layer.function)
        if spec is None or self.fmt != ".keras":
            if spec is not None:
                why = "is an op, which Keras's legacy .h5 format cannot hold (save as .keras)"
            elif layer.function in keras_ops.REFUSED:
                why = keras_ops.REFUSED[layer.function]
            else:
                why = ("is not one that numnet writes in Keras's form (see "
                       "numnet.saving.keras_writer.KERAS_OPS for those it writes)")
            raise self.refuse(f"{where}: the op {layer.function!r} of the graph "
                              f"({layer.name!r})", why)
        return {"module": spec.module, "class_name": spec.class_name,
                "config": {"name": layer.name}, "registered_name": spec.class_name}

    def op_call(self, layer, merged, tensors, entry: dict, where: str) -> dict:
        """The inbound node of an op's call, its settings put in the op's config (``entry``),
        the rest as the call's arguments, divided as Keras divides them."""
        if merged.__class__ is CallSpec:
            args, kwargs = merged.args, merged.kwargs
        else:
            args, kwargs = ((_Slot(0),) if not merged else ([_Slot(i) for i in
                                                              range(len(tensors))],)), {}
        try:
            config, call, keywords = keras_ops.split_call(layer.function, layer.op, args,
                                                          dict(kwargs))
        except keras_ops.NotWritable as err:
            raise self.refuse(f"{where}: the op {layer.function!r} of the graph "
                              f"({layer.name!r})", str(err)) from None
        entry["config"].update(config)
        at = f"{where}: the call of {layer.name!r}"
        return {"args": self.call_argument(call, tensors.__getitem__, at),
                "kwargs": self.call_argument(keywords, tensors.__getitem__, at)}

    def part(self, layer, merged, base, whole: list, where: str) -> list:
        """Keras's name of a part of the output of a call of ``base``, ``[layer, node,
        index]``: a part of a flat list or tuple of tensors by its place (Keras's flat order
        of a nested structure or a dict is not the picks' own)."""
        key = merged.args[1] if merged.__class__ is CallSpec and len(merged.args) == 2 \
            else None
        out = getattr(base, "_io", (None, None))[1] if base is not None else None
        flat = isinstance(out, (list, tuple)) and all(getattr(t, "_symbolic", False)
                                                      for t in out)
        if not flat or _is_pick(base) or not isinstance(key, int) or isinstance(key, bool) \
                or not 0 <= key < len(out):
            raise self.refuse(f"{where}: the part {key!r} of the output of {whole[0]!r} "
                              f"({layer.name!r})", keras_ops.REFUSED["__pick__"])
        return [whole[0], whole[1], key]

    def call_argument(self, value, tensor, where: str):
        """A call's argument as Keras serializes it: each parent as a ``__keras_tensor__``
        (``tensor(index)``), slices and Ellipsis as Keras's objects, tuples as lists."""
        if type(value) is _Slot:
            return tensor(value.index)
        if isinstance(value, slice):
            return {"class_name": "__slice__", "config": {
                "start": self.call_argument(value.start, tensor, where),
                "stop": self.call_argument(value.stop, tensor, where),
                "step": self.call_argument(value.step, tensor, where)}}
        if value is Ellipsis:
            return {"class_name": "__ellipsis__", "config": {}}
        if isinstance(value, (list, tuple)):
            return [self.call_argument(v, tensor, where) for v in value]
        if isinstance(value, dict):
            return {str(k): self.call_argument(v, tensor, where) for k, v in value.items()}
        if isinstance(value, np.generic):
            return value.item()
        if value is None or isinstance(value, (bool, int, float, str)):
            return value
        if isinstance(value, (np.ndarray, Tensor)):  # a constant operand: Keras's __numpy__
            array = np.asarray(backend.to_numpy(getattr(value, "value", value)))
            if array.dtype.kind in "biuf":
                return {"class_name": "__numpy__",
                        "config": {"value": array.tolist(), "dtype": array.dtype.name}}
        raise self.refuse(f"{where}: a call's argument of type {type(value).__name__}",
                          "is not one that numnet writes for Keras")

    @staticmethod
    def build_shapes(layer, spec, parents, shapes, default: dict) -> dict:
        """Keras's build_config of a layer first called on several tensors (``mha(q, v)``):
        the shape of each tensor argument by the name of its parameter of ``call``."""
        try:
            names = [p.name for p in inspect.signature(layer.call).parameters.values()
                     if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        except (TypeError, ValueError):
            return default
        found = {}
        for i, value in enumerate(spec.args):
            if type(value) is _Slot and i < len(names):
                found[f"{names[i]}_shape"] = _shape(shapes[parents[value.index]])
        for key, value in spec.kwargs.items():
            if type(value) is _Slot:
                found[f"{key}_shape"] = _shape(shapes[parents[value.index]])
        return {"shapes_dict": found} if len(found) > 1 else default

    def custom_layer(self, layer, registered: str, where: str, build: bool) -> dict:
        """A registered custom layer as Keras writes one: no module, its class name, its
        registered name ("package>Name"), for the Keras process to find the class registered
        under the same name; its weights in /vars, in the order it made them."""
        spec = {"module": None, "class_name": type(layer).__name__,
                "config": self.layer_config(layer, where), "registered_name": registered}
        built = layer.get_build_config() if build else None
        if built is not None:
            spec["build_config"] = built
        return spec

    def custom_model(self, model, where: str) -> dict:
        """A registered subclassed model as Keras writes one: its class by its registered name,
        its get_config (and build config); its weights where Keras's walk of its attributes
        puts them (state.py)."""
        spec = {"module": None, "class_name": type(model).__name__,
                "config": self.layer_config(model, where),
                "registered_name": get_registered_name(type(model))}
        built = model.get_build_config()
        if built is not None:
            spec["build_config"] = built
        return spec

    def layer_list(self, owner, specs: list, where: str) -> list:
        """The layers a layer holds in a list (a StackedRNNCells' cells, a Pipeline's
        layers), each written as Keras writes that layer."""
        inner = {**{layer.name: layer for layer in owner._sublayers()},
                 **{layer.name: layer for _, layer in keras_h5.held_layers(owner)
                    if hasattr(layer, "name")}}
        out = []
        for i, spec in enumerate(specs):
            name = (spec.get("config") or {}).get("name")
            if name not in inner:
                raise self.refuse(f"{where}[{i}]", "holds a layer that numnet cannot write for "
                                                   "Keras")
            out.append(self.layer(inner[name], f"{where}[{i}]", build=False))
        return out

    def nested(self, owner, key: str, value: dict, where: str):
        """A serialized object in a custom layer's config (``serialize_keras_object(layer)``):
        a layer it holds written as Keras writes that layer; another object through its
        family."""
        config = value.get("config") if isinstance(value.get("config"), dict) else {}
        name = config.get("name")
        for inner in owner._sublayers():
            if inner.name == name:
                return self.layer(inner, where)
        for family in ("initializers", "regularizers", "constraints", "losses", "metrics",
                       "optimizers"):
            if _TABLES[family]().get(value["class_name"]) is not None:
                return self.keras_object({"class_name": value["class_name"],
                                          "config": config}, family, where)
        raise self.refuse(where, f"holds the object {value['class_name']!r}, which numnet "
                                 "cannot write for Keras")

    @staticmethod
    def input_config(layer: InputLayer) -> dict:
        return {"batch_shape": _shape((layer.batch_size, *layer.shape)), "dtype": layer.dtype,
                "sparse": bool(getattr(layer, "sparse", False)), "ragged": False,
                "name": layer.name, "optional": False}

    # ----- models -----
    def model(self, model, where: str = "model") -> dict:
        kind = _keras_class(model, where, self.fmt)
        if kind == "Custom":
            if self.fmt != ".keras":
                raise self.refuse(f"{where}: the model {model.name!r} "
                                  f"({type(model).__name__})", "is a subclassed model, which "
                                  "Keras's legacy .h5 format cannot hold (save as .keras)")
            return self.custom_model(model, where)
        if kind == "Sequential":
            return self.sequential(model, where)
        return self.functional(model, where)

    def sequential(self, model, where: str) -> dict:
        layers = []
        if model._input_layer is not None:
            layers.append(self.layer(model._input_layer, f"{where}.layers[0]"))
        for layer in model._layers:
            if any(layer is other for other in model._layers[:model._layers.index(layer)]):
                raise self.refuse(f"{where}: the layer {layer.name!r}", "is called twice in a "
                                  "Sequential model, which Keras's Sequential cannot hold")
            layers.append(self.layer(layer, f"{where}.layers[{len(layers)}] ({layer.name})"))
        config = {"name": model.name, "trainable": model.trainable,
                  "dtype": _dtype_policy(model.dtype_policy.name), "layers": layers}
        spec = _keras_object("keras", "Sequential", config)
        if model._input_layer is not None:
            shape = _shape(model._input_layer._declared_input_shape)
            config["build_input_shape"] = shape
            spec["build_config"] = {"input_shape": shape}
        return spec

    def functional(self, model, where: str) -> dict:
        inputs, calls, outputs, shapes = _calls(model)
        order = keras_layer_order(len(inputs), *_without_picks(len(inputs), calls, outputs),
                                  inputs)
        names = [layer.name for layer in order]
        twice = next((n for i, n in enumerate(names) if n in names[:i]), None)
        if twice is not None:
            raise self.refuse(f"{where}: two layers", f"are called {twice!r}, and Keras refers "
                                                      "to layers by name")
        entries = {}
        for i, layer in enumerate(order):
            entry = self.layer(layer, f"{where}.layers[{i}] ({layer.name})")
            entries[id(layer)] = {**entry, "name": layer.name, "inbound_nodes": []}
        history = [[layer.name, 0, 0] for layer in inputs]
        dtypes = [layer.dtype for layer in inputs]
        for layer, parents, merged in calls:
            if _is_pick(layer):
                base = calls[parents[0] - len(inputs)][0] if parents[0] >= len(inputs) \
                    else None
                history.append(self.part(layer, merged, base, history[parents[0]], where))
                dtypes.append(dtypes[parents[0]])
                continue
            entry = entries[id(layer)]
            tensors = [{"class_name": "__keras_tensor__",
                        "config": {"shape": _shape(shapes[p]), "dtype": dtypes[p],
                                   "keras_history": history[p]}} for p in parents]
            if isinstance(layer, OpLayer):
                node = self.op_call(layer, merged, tensors, entry, where)
            elif merged.__class__ is CallSpec:  # several arguments, keyword ones, numbers
                at = f"{where}: the call of {layer.name!r}"
                node = {"args": self.call_argument(list(merged.args), tensors.__getitem__, at),
                        "kwargs": self.call_argument(merged.kwargs, tensors.__getitem__, at)}
                node["kwargs"].pop("training", None)
                if not entry["inbound_nodes"] and "build_config" in entry:
                    entry["build_config"] = self.build_shapes(layer, merged, parents, shapes,
                                                              entry["build_config"])
            else:
                node = {"args": [tensors] if merged else tensors, "kwargs": {}}
            entry["inbound_nodes"].append(node)
            history.append([layer.name, len(entry["inbound_nodes"]) - 1, 0])
            dtypes.append(getattr(layer, "compute_dtype", None) or dtypes[parents[0]])
        ins = history[:len(inputs)]
        outs = [history[slot] for slot in outputs]
        struct = model._input_struct if model._graph is not None else None
        if model.__dict__.get("_nested_inputs"):
            raise self.refuse(f"{where}: the model's inputs", (
                "nest (a dict or list of Inputs inside the dict or list given to Model), and "
                "numnet writes one level of them. Save the weights "
                "(model.save_weights('model.weights.h5')) and rebuild the model in code"))
        if isinstance(struct, dict):
            input_layers = dict(zip(struct, ins, strict=True))
        elif isinstance(struct, (list, tuple)):
            input_layers = ins
        else:
            input_layers = ins[0]
        if model._graph is not None and isinstance(model._output, dict):
            output_layers = dict(zip(model._output_names, outs, strict=True))
        elif model._graph is not None and isinstance(model._output, (list, tuple)):
            output_layers = objects._nested(model._output, outs)
        else:
            output_layers = outs[0]
        config = {"name": model.name, "trainable": model.trainable,
                  "layers": [entries[id(layer)] for layer in order],
                  "input_layers": input_layers, "output_layers": output_layers}
        return {"module": "keras.src.models.functional", "class_name": "Functional",
                "config": config, "registered_name": "Functional",
                "build_config": {"input_shape": None}}

    # ----- compile settings -----
    def compile_config(self, model) -> dict | None:
        """Keras's compile_config, or None (with a warning) when a setting has no Keras
        equivalent or the model is not compiled."""
        settings = objects.serialize_compile(model) if model.compiled else None
        if settings is None:
            return None
        try:
            out = {
                "optimizer": self.keras_object(settings["optimizer"], "optimizers",
                                               "compile.optimizer"),
                "loss": self.per_output(settings.get("loss"), "losses", "compile.loss"),
                "loss_weights": settings.get("loss_weights"),
                "metrics": self.per_output(settings.get("metrics") or None, "metrics",
                                           "compile.metrics"),
                "weighted_metrics": self.per_output(settings.get("weighted_metrics"),
                                                    "metrics", "compile.weighted_metrics"),
                "run_eagerly": bool(settings.get("run_eagerly", False)),
                "steps_per_execution": getattr(model, "_steps_per_execution", 1),
                "jit_compile": settings.get("jit_compile", True),
            }
        except NotKerasCompatible as err:
            warnings.warn(f"save: the compile settings are left out of the {self.fmt} file, "
                          f"which holds the model uncompiled ({err}). Compile it again after "
                          "loading it in Keras.", stacklevel=4)
            return None
        if isinstance(out["jit_compile"], str):
            out["jit_compile"] = True  # numnet's "auto": Keras compiles where it can, too
        return out

    def per_output(self, value, family: str, where: str):
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, dict) and "class_name" not in value:
            return {k: self.per_output(v, family, f"{where}[{k!r}]") for k, v in value.items()}
        if isinstance(value, list):
            return [self.per_output(v, family, f"{where}[{i}]") for i, v in enumerate(value)]
        return self.keras_object(value, family, where)


def keras_config(model, fmt: str = ".keras") -> dict:
    """config.json of the ``.keras`` file of ``model``: the architecture, and its compile
    settings where Keras has them. Raises NotKerasCompatible (a ValueError) naming the layer or
    object that Keras does not have."""
    writer = _Writer(fmt)
    spec = writer.model(model)
    if state.overrides(model, "get_compile_config", objects.model_class()):
        own = model.get_compile_config() if model.compiled else None
        spec["compile_config"] = objects.to_json_ready(own, "get_compile_config()")
    else:
        spec["compile_config"] = writer.compile_config(model)
    return json.loads(json.dumps(spec, default=objects._json_default))


# ----------------------------------------------------------------------------- weights


keras_only_weights = keras_h5.keras_only_weights
"""The values of the weights that Keras's layer has after numnet's own (written after them, at
``vars/<len(layer.weights)>`` on): an adapted Normalization's sample count."""


def _value(var) -> np.ndarray:
    return np.asarray(backend.to_numpy(var.value), order="C")  # (0-d stays 0-d)


def _write_layer(group, layer, fmt: str) -> None:
    """The layer's weights under ``group`` (its /layers/<key>), as Keras 3 nests them."""
    own = group.create_group("vars")
    own.attrs["name"] = layer.name
    if _is_model(layer):
        _write_layers(group.create_group("layers"), layer, fmt)
        return
    held = keras_h5.held_layers(layer)
    for attr, inner in held:
        _write_layer(group.create_group(attr), inner, fmt)
    if held:
        return
    values = [_value(var) for var in layer.weights] + keras_only_weights(layer)
    for i, value in enumerate(values):
        own.create_dataset(str(i), data=value)


def _write_layers(group, model, fmt: str) -> None:
    used: dict[str, int] = {}
    for layer in _keras_layers(model, fmt):
        if isinstance(layer, OpLayer):
            continue  # an operation: not one of the model's layers, no weights
        if _is_model(layer):
            name = _keras_class(layer, layer.name, fmt)
        else:
            name = type(layer).__name__
        key = keras_h5.keras_key(name)
        used[key] = used.get(key, -1) + 1
        _write_layer(group.create_group(key if used[key] == 0 else f"{key}_{used[key]}"),
                     layer, fmt)


def write_weights_h5(fileobj, model, fmt: str = ".keras", optimizer=None) -> None:
    """The weights of ``model`` in the HDF5 layout of Keras 3 (``model.weights.h5`` inside a
    ``.keras`` file, and Keras's ``.weights.h5``), written to ``fileobj``; with ``optimizer``
    (the values of optimizer_variables), the optimizer's state in ``/optimizer/vars``."""
    h5py = keras_h5._h5py()
    with h5py.File(fileobj, "w") as h5:
        return state.save_tree(h5, model, lambda m: keras_layers_of(m, fmt), optimizer)


def keras_layers_of(model, fmt: str = ".keras") -> list:
    """A Sequential's or functional model's layers as Keras lists them (``model.layers``),
    without the graph's operations: what Keras's walk of a model's state visits first."""
    return [layer for layer in _keras_layers(model, fmt) if not isinstance(layer, OpLayer)]




def _keras_trainable(model) -> list:
    """The model's trainable weights in Keras's order (its layers' order, nested models'
    inside)."""
    if not _is_model(model):
        return list(model.trainable_weights)  # a subclassed model: its own order, as Keras's
    out = []
    for layer in _keras_layers(model, ".keras"):
        out += _keras_trainable(layer) if _is_model(layer) else list(layer.trainable_weights)
    return out


def optimizer_variables(model, stacklevel: int = 2) -> list | None:
    """The values of the variables of the model's optimizer as Keras 3 orders them
    (``iteration``, ``learning_rate`` unless the rate is a schedule, the moving averages of
    ``use_ema``, the sums of gradient accumulation, then the slots); None, with a warning
    naming what is left out and why, when numnet cannot give them in Keras's form (an
    optimizer of its own or one that Keras orders otherwise, loss scaling, an optimizer built
    on other variables than the model's trainable weights); None, silently, for an optimizer
    not yet built (it holds no state). ``stacklevel``: the warning's, counted from the
    caller of this function."""
    state = _optimizer_state(model, stacklevel + 1)
    return None if state is None else [value for _, value in state]


def _optimizer_state(model, stacklevel: int = 2) -> list | None:
    """[(name, value)] of optimizer_variables, each named as Keras names it in a legacy .h5
    file (``iteration``, ``learning_rate``, ``<weight's path>_<slot>``)."""
    opt = model.optimizer
    layout = _keras_layout(model, build=False)
    if layout is None:
        return None
    if isinstance(layout, str):
        warnings.warn(f"save: the state of the optimizer {type(opt).__name__} (its "
                      f"iterations, slots, moving averages and gradient sums) is not saved: "
                      f"{layout}. Keras and numnet load the model with a fresh optimizer "
                      "(iterations 0); model.save('model.numnet') keeps the state.",
                      UserWarning, stacklevel=stacklevel + 1)
        return None
    out = [("iteration", np.asarray(int(opt._step), "int32"))]  # (steps, not updates)
    if isinstance(opt._learning_rate, float):  # (Keras keeps no variable for a schedule)
        out.append(("learning_rate", np.asarray(opt.current_learning_rate(), "float32")))
    for var, n, array in layout:
        path = str(getattr(var, "path", var.name)).replace("/", "_")  # (Keras's scoped path)
        value = np.zeros((), var.dtype) if array is None else _value_of(array)
        out.append((path if n is None else f"{path}_{keras_slot_name(type(opt).__name__, n)}",
                    value))
    if type(opt).__name__ == "Nadam":  # Keras keeps the product of the momentum schedule
        out.append(("u_product", np.asarray(opt.mu_product(int(opt._local_step)), "float32")))
    return out


def _keras_layout(model, build: bool) -> list | str | None:
    """[(variable, slot name, array or None)] of the optimizer's state after ``iteration``
    and ``learning_rate``, in Keras's order: what Keras 3's base optimizer keeps, one array
    per trainable weight each, the moving averages of ``use_ema`` (``average``, numnet's
    ``optimizer._ema``), then the sums of gradient accumulation (``gradient_accumulator``,
    numnet's ``_accumulated_gradient`` slot: both reset them after each update); then the
    optimizer's own slots (KERAS_SLOTS). None for an optimizer not built (unless ``build``:
    then built on the model's trainable weights); a string saying why not where numnet
    cannot give its state in Keras's form. An optimizer of one's own written as Keras's
    (``update_step(gradient, variable, learning_rate)``) keeps, after the base's, the
    Variables its ``build`` made, in order; their slot name is None. (With gradient
    accumulation Keras's ``iteration`` variable counts the steps, numnet's
    ``optimizer._step``, not the updates.)"""
    opt = model.optimizer
    kind = type(opt).__name__
    groups = KERAS_SLOTS.get(kind)
    slots = getattr(opt, "_slots", None)
    steps = getattr(getattr(opt, "iterations", None), "value", 0)
    if not build and not slots and not int(backend.to_numpy(steps)):
        return None  # (not built: no state to give)
    own = groups is None and isinstance(opt, Optimizer) and type(opt)._written_as_keras()
    if own:
        groups = []  # (its state: the Variables its build made, after the base's)
    if groups is None or not isinstance(slots, dict):
        return (f"{kind} is not one of the optimizers whose variables numnet lays out as "
                f"Keras does ({', '.join(sorted(KERAS_SLOTS))}), nor one of one's own "
                "written as Keras's (build() making its slots with add_variable_from_reference, "
                "update_step(gradient, variable, learning_rate))")
    # (a float8 layer's scales, set to their gradients, have no slots, in Keras as here)
    trainable = [v for v in _keras_trainable(model) if not overwrites_with_gradient(v)]
    if build:
        opt.build(trainable)
    if sorted(v.uid for v in trainable) != sorted(slots):
        return (f"{kind} was built on other variables than the model's "
                f"{len(trainable)} trainable weights, and Keras keeps one set of slots per "
                "trainable weight")
    names = [n for n in slots[trainable[0].uid] if not n.startswith("_")] if trainable else []
    known = [n for group in groups for n in group]
    unknown = [n for n in names if n not in known]
    if unknown:
        return f"Keras's {kind} keeps no slot like numnet's {unknown}"
    out = []
    if opt.use_ema:
        out += [(var, "average", opt._ema[var.uid]) for var in trainable]
    if opt.gradient_accumulation_steps:
        out += [(var, "gradient_accumulator", opt._slots[var.uid]["_accumulated_gradient"])
                for var in trainable]
    if own:  # in the order its build made them, as Keras's optimizer lists them
        return out + [(variable, None, variable.value) for variable in opt._own_variables]
    return out + _layout(opt, trainable, groups)


def _layout(opt, trainable: list, groups: list) -> list:
    """[(variable, slot name, array or None)] in Keras's order of the optimizer's variables:
    group after group, each weight's slots in turn; None for a placeholder that Keras keeps
    where numnet has no slot (KERAS_PLACEHOLDERS)."""
    placeholders = KERAS_PLACEHOLDERS.get(type(opt).__name__, ())
    out = []
    for group in groups:
        for var in trainable:
            own = opt._slots[var.uid]
            for n in group:
                if n in own:
                    out.append((var, n, own[n]))
                elif n in placeholders:
                    out.append((var, n, None))
    return out


def restore_optimizer(model, values: list, source: str) -> None:
    """Set the optimizer's step, moving averages, gradient sums and slots from
    ``optimizer/vars`` of a .keras file (Keras's order: ``iteration``, ``learning_rate``
    unless the rate is a schedule, then as ``_keras_layout`` places them), all checked before
    any is set; with a warning, a fresh optimizer where numnet has no such layout."""
    opt = model.optimizer
    rate = getattr(opt, "_learning_rate", None)
    head = ["iteration"] + (["learning_rate"] if isinstance(rate, float) else [])
    first = np.asarray(values[0]) if values else None
    if len(values) == len(head) and first.shape == () and first.dtype.kind in "iuf" \
            and first == 0:
        return  # Keras's optimizer, never built, saved no state beyond a fresh one's
    layout = _keras_layout(model, build=True)
    if not isinstance(layout, list):
        warnings.warn(f"load_model: the state of the optimizer {type(opt).__name__} in "
                      f"{source} is not one numnet reads ({layout}); training goes on with a "
                      "fresh optimizer.", stacklevel=4)
        return
    kind = type(opt).__name__
    tail = ["u_product"] if kind == "Nadam" else []
    if len(values) != len(head) + len(layout) + len(tail):
        parts = [*head, *(f"{n} {len(held)}" for n, held in _counts(layout)), *tail]
        raise ModelFileError(f"{source}: /optimizer/vars: {kind} of this model keeps "
                             f"{len(head) + len(layout) + len(tail)} variables "
                             f"({', '.join(parts)}); the file holds {len(values)}")
    step = np.asarray(values[0])
    if step.shape != () or step.dtype.kind not in "iuf" or not 0 <= float(step) < 2**53:
        raise ModelFileError(f"{source}: /optimizer/vars/0: the iteration count must be a "
                             f"non-negative number, found {step!r}")
    for i, (var, n, target) in enumerate(layout, start=len(head)):
        shape = () if target is None else tuple(target.shape)  # (a placeholder: 0-d)
        if tuple(np.shape(values[i])) != shape:
            what = f"the variable {var.path}" if n is None else f"the {n} of {var.path}"
            raise ModelFileError(f"{source}: /optimizer/vars/{i}: {what} has shape {shape}; "
                                 f"the file holds {tuple(np.shape(values[i]))}")
    for i, (_, _, target) in enumerate(layout, start=len(head)):
        if target is not None:
            target[...] = backend.to_device(np.asarray(values[i]), dtype=target.dtype)
    opt._step = int(step)
    opt.iterations.value[...] = opt._local_step


def _counts(layout: list) -> list:
    """[(slot name, variables)] of a layout, in its order (for an error message)."""
    out: dict = {}
    for var, n, _ in layout:
        out.setdefault("own variables" if n is None else n, []).append(var)
    return list(out.items())


def _value_of(array) -> np.ndarray:
    return np.asarray(backend.to_numpy(getattr(array, "value", array)), order="C")


def _metadata() -> bytes:
    now = datetime.datetime.now(datetime.timezone.utc)
    return json.dumps({"keras_version": KERAS_VERSION,
                       "date_saved": now.strftime("%Y-%m-%d@%H:%M:%S")}).encode("utf-8")


def save_keras(model, path: str, overwrite: bool = True, include_optimizer: bool = True) -> None:
    """Write ``model`` to ``path`` as a Keras 3 ``.keras`` file (see the module's docstring)."""
    state_module = state
    keras_h5._h5py()
    spec = keras_config(model, ".keras")
    config = json.dumps(spec).encode("utf-8")
    values = None
    if include_optimizer and spec["compile_config"] is not None and model.optimizer is not None:
        values = optimizer_variables(model, stacklevel=4)  # (the caller of model.save)
    buffer = io.BytesIO()
    found = write_weights_h5(buffer, model, ".keras", values)
    members = [("metadata.json", _metadata()), ("config.json", config),
               ("model.weights.h5", buffer.getvalue()), *state_module.save_assets(found)]
    atomic_write(path, lambda f: write_archive(f, members), overwrite=overwrite, where="save")


def weight_keys(model, prefix: str = "") -> list | None:
    """[(layer, key)]: where Keras 3 keeps each layer's weights (``/layers/<key>/vars``) in a
    weights file of ``model``, in Keras's order of the layers, a nested model's layers under
    ``<its key>/layers/``; None for a subclassed model (its layers in numnet's order)."""
    if not _is_model(model):
        return None
    keys = []
    used: dict[str, int] = {}
    for layer in _keras_layers(model, ".weights.h5"):
        if isinstance(layer, OpLayer):
            continue
        name = _keras_class(layer, layer.name, ".weights.h5") if _is_model(layer) \
            else type(layer).__name__
        key = keras_h5.keras_key(name)
        used[key] = used.get(key, -1) + 1
        key = prefix + (key if used[key] == 0 else f"{key}_{used[key]}")
        if _is_model(layer):
            keys += weight_keys(layer, f"{key}/layers/")
        elif not isinstance(layer, InputLayer):
            keys.append((layer, key))
    return keys


def save_weights(model, path: str, overwrite: bool = True) -> None:
    """Write the weights of ``model`` to ``path`` in the layout of Keras 3's ``.weights.h5``
    (a subclassed model's layers in numnet's order, as keras_h5 writes them; one that holds
    models or layers of its own by Keras's walk, where load_weights reads them)."""
    if not _is_model(model) and not state.needs_walk(
            model, lambda m: keras_layers_of(m, ".weights.h5")):
        keras_h5.save_weights(model, path, overwrite)
        return
    keras_h5._h5py()
    atomic_write(path, lambda f: write_weights_h5(f, model, ".weights.h5"),
                 overwrite=overwrite, where="save_weights")


# ----------------------------------------------------------------------------- legacy .h5


def _named_weights(layer, prefix: str) -> list:
    """[(name, variable)] of a layer's weights, named by path as Keras names them
    (``bidirectional/forward_lstm/lstm_cell/kernel``), in the layer's order."""
    if _is_model(layer):
        out = []
        for inner in layer._all_layers():
            out += _named_weights(inner, f"{prefix}/{inner.name}")
        return out
    held = keras_h5.held_layers(layer)
    if held:
        out = []
        for _, inner in held:
            out += _named_weights(inner, f"{prefix}/{inner.name}")
        return out
    return [(f"{prefix}/{var.name}", var) for var in layer.weights]


def _legacy_weights(layer, scope: str = "") -> list:
    """[(name, array)] in Keras's legacy order: the trainable weights, then the others; each
    named by its path, under ``scope`` (a Sequential's name: Keras builds its layers there)."""
    named = _named_weights(layer, scope + layer.name)
    names = {id(var): name for name, var in named}
    ordered = [*layer.trainable_weights, *layer.non_trainable_weights]
    if sorted(map(id, ordered)) != sorted(names):
        ordered = [var for _, var in named]
    out = [(names[id(var)], _value(var)) for var in ordered]
    extra = keras_only_weights(layer)
    return out + [(f"{scope}{layer.name}/count", value) for value in extra]


def _strip_top(spec: dict) -> dict:
    """The legacy form of a model's config: the model and its layers without the module,
    registered name and build config that the .keras form adds."""
    spec = {k: v for k, v in spec.items()
            if k not in ("module", "registered_name", "build_config", "compile_config")}
    config = dict(spec["config"])
    layers = []
    for entry in config.get("layers", []):
        if entry.get("class_name") in ("Sequential", "Functional"):
            layers.append({**_strip_top(entry), **{k: entry[k] for k in ("name",
                                                                         "inbound_nodes")
                                                   if k in entry}})
        else:
            registered = entry.get("registered_name")
            entry = {k: v for k, v in entry.items()
                     if k not in ("module", "registered_name", "build_config")}
            if isinstance(registered, str) and ">" in registered:
                entry["class_name"] = registered  # a custom class, by its registered name
            layers.append(entry)
    config["layers"] = layers
    spec["config"] = config
    return spec


LEGACY_LOSS_NAMES = {"mse": "mean_squared_error", "mae": "mean_absolute_error",
                     "mape": "mean_absolute_percentage_error",
                     "msle": "mean_squared_logarithmic_error", "kld": "kl_divergence"}
"""Short loss names that Keras 3's legacy .h5 loader does not resolve, and their full names."""


def _legacy_losses(loss):
    if isinstance(loss, str):
        return LEGACY_LOSS_NAMES.get(loss.lower(), loss)
    if isinstance(loss, dict) and "class_name" not in loss:
        return {k: _legacy_losses(v) for k, v in loss.items()}
    if isinstance(loss, list):
        return [_legacy_losses(v) for v in loss]
    return loss


def _training_config(compile_config: dict) -> dict:
    optimizer = compile_config["optimizer"]
    out = {k: v for k, v in compile_config.items() if k != "optimizer"}
    out["loss"] = _legacy_losses(out.get("loss"))
    out["optimizer_config"] = {"class_name": optimizer["class_name"],
                               "config": optimizer["config"]}
    return out


def _attribute_list(group, name: str, values: list) -> None:
    """A list of names as Keras stores it in an attribute (an empty float array if empty)."""
    h5py = keras_h5._h5py()
    group.attrs[name] = np.asarray(values, dtype=h5py.string_dtype()) if values \
        else np.asarray([])


def save_legacy_h5(model, path: str, overwrite: bool = True,
                   include_optimizer: bool = True) -> None:
    """Write ``model`` to ``path`` as Keras's legacy HDF5 model file (see the module's
    docstring), which ``keras.models.load_model`` reads."""
    h5py = keras_h5._h5py()
    spec = keras_config(model, ".h5")
    model_config = json.dumps(_strip_top(spec))
    training = spec["compile_config"]
    layers = _keras_layers(model, ".h5")
    scope = f"{model.name}/" if spec["class_name"] == "Sequential" else ""
    weights = {id(layer): _legacy_weights(layer, scope) for layer in layers}
    state = _optimizer_state(model, stacklevel=4) if include_optimizer and training is not None \
        else None  # (the warning's stacklevel: the caller of model.save)

    def write(f):
        with h5py.File(f, "w") as h5:
            h5.attrs["keras_version"] = KERAS_VERSION
            h5.attrs["backend"] = "jax"
            h5.attrs["model_config"] = model_config
            if training is not None:
                h5.attrs["training_config"] = json.dumps(_training_config(training))
            group = h5.create_group("model_weights")
            _attribute_list(group, "layer_names", [layer.name for layer in layers])
            group.attrs["backend"] = "jax"
            group.attrs["keras_version"] = KERAS_VERSION
            for layer in sorted(layers, key=lambda x: x.name):
                _write_legacy_group(group.create_group(layer.name), weights[id(layer)])
            # a numnet model has no weights of its own, only its layers'
            _write_legacy_group(group.create_group("top_level_model_weights"), [])
            if state is not None:
                name = model.optimizer.name
                _write_legacy_group(h5.create_group("optimizer_weights"),
                                    [(f"{name}/{key}", value) for key, value in state])

    atomic_write(path, write, overwrite=overwrite, where="save")


def _write_legacy_group(group, weights: list) -> None:
    _attribute_list(group, "weight_names", [name for name, _ in weights])
    for name, value in weights:
        group.create_dataset(name, data=value)


__all__ = ["KERAS_LAYERS", "KERAS_ONLY_SETTINGS", "KERAS_OPS", "KERAS_SLOTS", "KERAS_SLOT_NAMES",
           "KERAS_VERSION", "NOT_IN_LEGACY_H5", "NotKerasCompatible",
           "keras_config", "keras_layer_order", "keras_only_weights", "optimizer_variables",
           "save_keras", "save_legacy_h5", "save_weights", "weight_keys", "write_weights_h5"]
