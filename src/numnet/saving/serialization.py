"""Keras's ``serialize_keras_object`` / ``deserialize_keras_object``: objects as JSON-ready dicts
and back, for layers and models, activations, losses, metrics, optimizers, learning-rate
schedules, initializers, regularizers and constraints.

The dicts have Keras 3's layout::

    {"module": "keras.layers", "class_name": "Dense", "config": {...},
     "registered_name": None, "build_config": {"input_shape": [None, 4]}}

A function is ``{"module": "builtins", "class_name": "function", "config": "relu",
"registered_name": "function"}`` (a registered one by its "package>name"). Deserializing takes
these dicts, Keras's own (from ``keras.saving.serialize_keras_object``) and numnet's plain
``{"class_name", "config"}``; as when loading a model file, classes and functions are found in
``custom_objects``, the registry and numnet's own tables, and nothing is ever imported from a
name in the dict.
"""

from __future__ import annotations

import numpy as np

from .. import activations, constraints, initializers, losses, metrics, optimizers, regularizers
from ..layers.base import Layer
from ..optimizers import schedules
from . import objects
from .loader import Loader, deserialize_layer
from .registry import get_registered_name

_BUDGET = 1 << 40  # deserializing builds no weights from a file: no byte budget to keep

_FAMILIES = (
    # (module Keras names, base class, table of numnet's classes)
    ("keras.losses", losses.Loss, objects.builtin_losses),
    ("keras.metrics", metrics.Metric, objects.builtin_metrics),
    ("keras.optimizers", optimizers.Optimizer, objects.builtin_optimizers),
    ("keras.optimizers.schedules", schedules.LearningRateSchedule, objects.builtin_schedules),
    ("keras.initializers", initializers.Initializer,
     lambda: objects._subclasses(vars(initializers), initializers.Initializer)),
    ("keras.regularizers", regularizers.Regularizer,
     lambda: objects._subclasses(vars(regularizers), regularizers.Regularizer)),
    ("keras.constraints", constraints.Constraint,
     lambda: objects._subclasses(vars(constraints), constraints.Constraint)),
)


def _module_of(obj) -> str:
    """The module Keras would name for ``obj``: its family's for numnet's own classes, the
    defining module for a custom one (informational: never imported)."""
    if isinstance(obj, Layer):
        if isinstance(obj, objects.model_class()) and type(obj).__name__ in objects.MODEL_NAMES:
            return "keras"
        return "keras.layers" if objects._from_numnet(obj) else type(obj).__module__
    for module, base, _ in reversed(_FAMILIES):  # (schedules before optimizers)
        if isinstance(obj, base):
            return module if objects._from_numnet(obj) else type(obj).__module__
    return type(obj).__module__


def _spec(obj, spec: dict) -> dict:
    return {"module": _module_of(obj), "class_name": spec["class_name"],
            "config": spec["config"], "registered_name": get_registered_name(type(obj))}


def serialize_keras_object(obj):
    """``obj`` as a JSON-ready structure that ``deserialize_keras_object`` turns back into it.

    Args:
        obj: a layer or model, an activation or other function, a Loss, Metric, Optimizer,
            LearningRateSchedule, Initializer, Regularizer or Constraint (numnet's own,
            registered, or any object with ``get_config``); None, strings, numbers, booleans,
            lists, tuples, dicts and NumPy arrays are passed through (arrays as
            ``{"class_name": "__numpy__", ...}``).

    Returns:
        A dict ``{"module", "class_name", "config", "registered_name"}`` (layers also
        ``"build_config"`` once built), or the plain value.

    Raises:
        TypeError: for an object a config cannot hold (a lambda, an open file, ...).

    Example::

        >>> serialize_keras_object(numnet.layers.Dense(3))["class_name"]
        'Dense'
        >>> serialize_keras_object(numnet.activations.relu)["config"]
        'relu'
    """
    where = "serialize_keras_object(obj)"
    if obj is None or isinstance(obj, (str, bool, int, float)):
        return obj
    if isinstance(obj, np.ndarray):
        return {"class_name": "__numpy__", "config": {"value": obj.tolist(),
                                                      "dtype": obj.dtype.name}}
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, (list, tuple)):
        return [serialize_keras_object(item) for item in obj]
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, Layer):
        spec = _spec(obj, objects.serialize_layer(obj, where))
        if obj.built and getattr(obj, "input_shape", None) is not None \
                and not isinstance(obj.input_shape, dict):
            shape = obj.input_shape
            spec["build_config"] = {"input_shape": list(shape) if isinstance(shape, tuple)
                                    else shape}
        return spec
    if isinstance(obj, type):
        raise TypeError(f"{where}: given the class {obj.__qualname__}; serialize an instance "
                        f"of it, e.g. {obj.__name__}().")
    if isinstance(obj, (losses.Loss, metrics.Metric)):
        if type(obj) in (losses.LossFunctionWrapper, metrics.MeanMetricWrapper):
            return _function(obj.fn, where)  # a function given to compile
        spec = (objects.serialize_loss if isinstance(obj, losses.Loss)
                else objects.serialize_metric)(obj, where)
        return _function(spec, where) if isinstance(spec, str) else _spec(obj, spec)
    if isinstance(obj, optimizers.Optimizer):
        name = objects.class_name_of(type(obj), objects.builtin_optimizers(), "optimizer",
                                     where)
        config = objects.encode_config(obj, optimizers.serialize(obj)["config"], where)
        return _spec(obj, {"class_name": name, "config": config})
    if not callable(getattr(obj, "get_config", None)) and callable(obj):
        return _function(obj, where)
    if callable(getattr(obj, "get_config", None)):
        name = objects.class_name_of(type(obj), {}, "object", where)
        return _spec(obj, {"class_name": name,
                           "config": objects.encode_config(obj, obj.get_config(), where)})
    raise TypeError(f"{where}: cannot serialize {type(obj).__name__} {obj!r}; give it a "
                    "get_config() method (and register its class with "
                    "@numnet.saving.register_serializable()).")


def _function(fn, where: str) -> dict:
    """A function as Keras writes one: numnet's own by name, a registered one by its
    registered name, any other by its ``__name__``."""
    if isinstance(fn, str):
        return {"module": "builtins", "class_name": "function", "config": fn,
                "registered_name": "function"}
    registered = get_registered_name(fn)
    if registered is not None:
        return {"module": getattr(fn, "__module__", None), "class_name": "function",
                "config": registered, "registered_name": registered}
    if objects._from_numnet(fn):
        name = activations.serialize(fn) if fn in activations._NAME_OF else fn.__name__
        return {"module": "builtins", "class_name": "function", "config": name,
                "registered_name": "function"}
    return {"module": getattr(fn, "__module__", None), "class_name": "function",
            "config": objects.function_name_of(fn, where), "registered_name": "function"}


def deserialize_keras_object(config, custom_objects=None, safe_mode: bool = True, **kwargs):
    """The object a ``serialize_keras_object`` structure (numnet's or Keras's) describes.

    Args:
        config: a dict with "class_name" and "config" (and optionally "module",
            "registered_name", "build_config"), a list or dict of them, or a plain value
            (returned as it is: a string stays a string, as in Keras).
        custom_objects: dict of name -> class or function for custom objects not
            registered with ``@numnet.saving.register_serializable()``. Defaults to None.
        safe_mode: accepted for Keras programs; numnet never runs code from a config
            (a lambda's bytecode is refused either way).

    Returns:
        The layer, model, function, loss, metric, optimizer, schedule, initializer,
        regularizer or constraint; a layer with a "build_config" comes back built.

    Raises:
        ModelFileError: (a ValueError) for an unknown class or function (with the names
            numnet knows), or a config its class refuses, naming the field at fault.

    Example::

        >>> layer = deserialize_keras_object({"class_name": "Dense",
        ...                                   "config": {"units": 3}})
        >>> layer.units
        3
    """
    where = "deserialize_keras_object(config)"
    loader = Loader(where, custom_objects, budget=_BUDGET)
    try:
        return _deserialize(config, loader, "config")
    finally:
        loader.release()


def _deserialize(value, loader: Loader, where: str):
    if isinstance(value, list):
        return [_deserialize(item, loader, f"{where}[{i}]") for i, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    if "class_name" not in value:
        return {key: _deserialize(item, loader, f"{where}.{key}") for key, item in value.items()}
    name = value["class_name"]
    if name == "__numpy__":
        config = value.get("config") or {}
        with loader.wrap(where):
            return np.asarray(config["value"], dtype=config.get("dtype"))
    if name in ("function", "__lambda__"):
        return _resolve_function(value, loader, where)
    if "module" in value or "registered_name" in value or "build_config" in value:
        return _from_keras(value, loader, where)
    return _build(name, value.get("config", {}), loader, where, None)


def _resolve_function(value: dict, loader: Loader, where: str):
    from .keras_file import Translator

    Translator(loader).object(value, where)  # refuses a lambda's bytecode
    registered = value.get("registered_name")
    reference = registered if isinstance(registered, str) and registered != "function" \
        else value.get("config")
    found = loader.lookup(reference)
    if found is not None:
        return found
    try:
        return loader.resolve_function(reference, where)
    except ValueError:
        fn = losses._FUNCTIONS.get(reference) if isinstance(reference, str) else None
        if fn is None:
            raise
        return fn


def _from_keras(value: dict, loader: Loader, where: str):
    """A dict in Keras's layout: translated (and checked) as the reader of .keras files does,
    then built."""
    from .keras_file import MODELS, Translator, _family

    translator = Translator(loader)
    family = _family(value.get("module"))
    name = value["class_name"]
    own = loader.lookup(value.get("registered_name") or name)
    is_layer = (name in MODELS or family in ("layers", "models", "")
                and name in objects.builtin_layers() or isinstance(own, type)
                and issubclass(own, Layer))
    if is_layer:
        build = (value.get("build_config") or {}).get("input_shape")
        spec = translator.layer(value, where)
        layer = deserialize_layer(spec, loader, where)
        if build is not None and not layer.built and not isinstance(build, dict):
            with loader.wrap(f"{where}.build_config"):
                layer.build(tuple(build))
        return layer
    spec = translator.object(value, where)
    if isinstance(spec, str):  # a dtype policy
        return spec
    return _build(spec["class_name"], spec["config"], loader, where, family)


def _build(name: str, config, loader: Loader, where: str, family):
    """``class.from_config(config)`` for the class ``name`` names: a registered or given one,
    else numnet's own of that family (all families when unknown)."""
    from .keras_file import _family
    own = loader.lookup(name)
    if isinstance(own, type):
        config = loader.decode_config(config, f"{where}.config")
        if issubclass(own, Layer):
            return deserialize_layer({"class_name": name, "config": config}, loader, where)
        with loader.wrap(where):
            return own.from_config(config) if hasattr(own, "from_config") else own(**config)
    if name in objects.builtin_layers() or name in objects.MODEL_NAMES:
        if family in (None, "", "layers", "models"):
            return deserialize_layer({"class_name": name, "config": config}, loader, where)
    known = []
    for module, _, table in _FAMILIES:
        if family not in (None, "") and _family(module) != family:
            continue
        classes = table()
        known += sorted(classes)
        cls = classes.get(name)
        if cls is not None:
            config = loader.decode_config(config, f"{where}.config")
            with loader.wrap(where):
                return cls.from_config(config)
    raise loader.fail(where, (
        f"unknown class {name!r}; numnet's are its layers and {sorted(set(known))}. A custom "
        "class must be registered with @numnet.saving.register_serializable() or passed as "
        f"custom_objects={{{name!r}: ...}}. Nothing is imported from a config."))


__all__ = ["deserialize_keras_object", "serialize_keras_object"]
