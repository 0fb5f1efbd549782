"""Architecture and compile settings as JSON-ready dicts (the reverse is in loader.py).

A class or function is written by name: numnet's own by their class or function name, a
registered one by its registered name ("package>name"), any other custom one by ``__name__``
(loadable only with ``custom_objects=``). A custom function that a config names (an activation,
a loss) is written as ``{"class_name": "function", "config": name}``. The tables of numnet's own
layers, losses, metrics, optimizers and schedules here are all that loading can instantiate
besides registered and explicitly given objects.
"""

from __future__ import annotations

import inspect
import json

import numpy as np

from .. import layers, losses, metrics, optimizers
from ..layers.base import Layer
from ..models import outputs as outputs_module
from ..optimizers import schedules
from .registry import get_registered_name

FLOAT_DTYPES = ("float16", "float32", "float64")
DTYPE_POLICIES = (*FLOAT_DTYPES, "bfloat16", "mixed_float16", "mixed_bfloat16")
"""What a layer's ``dtype`` may be in a file: a float type or a mixed precision policy."""
MODEL_NAMES = ("Sequential", "Functional")


# ----------------------------------------------------------------------------- tables


def _subclasses(namespace: dict, base: type, exclude=()) -> dict:
    return {obj.__name__: obj for obj in namespace.values()
            if isinstance(obj, type) and issubclass(obj, base) and obj is not base
            and obj not in exclude and not obj.__name__.startswith("_")}  # (shared parts)


def builtin_layers() -> dict:
    from ..layers.symbolic import OpLayer  # an op on symbolic tensors (not in keras.layers)

    return {**{name: obj for name, obj in _subclasses(
        {n: getattr(layers, n) for n in layers.__all__}, Layer).items()}, "OpLayer": OpLayer}


def builtin_losses() -> dict:
    return _subclasses(vars(losses), losses.Loss, (losses.LossFunctionWrapper,))


def builtin_metrics() -> dict:
    return _subclasses(vars(metrics), metrics.Metric, (metrics.MeanMetricWrapper,))


def builtin_optimizers() -> dict:
    return _subclasses(vars(optimizers), optimizers.Optimizer)


def builtin_schedules() -> dict:
    return _subclasses(vars(schedules), schedules.LearningRateSchedule)


APPLICATIONS = "keras.applications"
"""The package under which numnet registers the layers of keras.applications' own models
(ConvNeXt's LayerScale, ...), which Keras writes with a module ``keras.src.applications.*``;
the registry imports numnet.applications the first time it is asked for one."""


def is_application_layer(cls: type) -> bool:
    """Whether ``cls`` is one of those layers."""
    return (get_registered_name(cls) or "").startswith(f"{APPLICATIONS}>")


def _from_numnet(obj) -> bool:
    target = obj if isinstance(obj, type) or inspect.isroutine(obj) else type(obj)
    module = getattr(target, "__module__", None) or ""
    return module == "numnet" or module.startswith("numnet.")


def model_class():
    from ..models.model import Model

    return Model


# ----------------------------------------------------------------------------- writing


def class_name_of(cls: type, table: dict, kind: str, where: str) -> str:
    """The name a file records for ``cls``."""
    registered = get_registered_name(cls)
    if registered:
        return registered
    name = cls.__name__
    if _from_numnet(cls) or table.get(name) is cls:
        return name
    if name in table or name in MODEL_NAMES or name == "function":
        raise ValueError(
            f"{where}: the custom {kind} class {cls.__qualname__} has the name of numnet's own "
            f"{name}; decorate it with @numnet.saving.register_serializable() so that a file "
            "can tell them apart."
        )
    return name


def function_name_of(fn, where: str) -> str:
    registered = get_registered_name(fn)
    if registered:
        return registered
    name = getattr(fn, "__name__", None)
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(
            f"{where}: {fn!r} has no name that a file can hold (a lambda or a partial?); "
            "define it with def and decorate it with @numnet.saving.register_serializable()."
        )
    return name


def _json_default(obj):
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.dtype):
        return obj.name
    if isinstance(obj, type) and issubclass(obj, np.generic):
        return np.dtype(obj).name
    if not isinstance(obj, type) and callable(getattr(obj, "get_config", None)):
        return {"class_name": class_name_of(type(obj), {}, "object", "config"),
                "config": obj.get_config()}
    if callable(obj) and not isinstance(obj, type):
        return {"class_name": "function", "config": function_name_of(obj, "config")}
    raise TypeError(
        f"a config holds {type(obj).__name__} {obj!r}, which a model file cannot hold; "
        "configs may hold numbers, strings, lists, dicts and registered objects."
    )


def to_json_ready(value, where: str):
    try:
        return json.loads(json.dumps(value, default=_json_default))
    except TypeError as err:
        raise TypeError(f"{where}: {err}") from None


def encode_config(owner, config: dict, where: str) -> dict:
    """``owner.get_config()`` made JSON-ready, custom functions and objects that the config
    names by a bare string or class name replaced by their registered names."""
    config = dict(config)
    own = vars(owner) if hasattr(owner, "__dict__") else {}
    for key, value in config.items():
        if not (isinstance(value, str) or isinstance(value, dict) and "class_name" in value):
            continue
        attr = own.get("_learning_rate") if key == "learning_rate" else own.get(key)
        if attr is None or isinstance(attr, (str, dict, int, float, bool, type)) \
                or _from_numnet(attr):
            continue
        if isinstance(value, str) and callable(attr) and not hasattr(attr, "get_config"):
            config[key] = {"class_name": "function",
                           "config": function_name_of(attr, f"{where}.{key}")}
        elif isinstance(value, dict):
            config[key] = {**value, "class_name": class_name_of(type(attr), {}, "object",
                                                                 f"{where}.{key}")}
    return to_json_ready(config, where)


def serialize_layer(layer, where: str) -> dict:
    if isinstance(layer, model_class()):
        return serialize_model(layer, where)
    return {"class_name": class_name_of(type(layer), builtin_layers(), "layer", where),
            "config": encode_config(layer, layer.get_config(), where)}


def serialize_model(model, where: str = "model") -> dict:
    """{"class_name", "config"[, "build_input_shape"]}: Sequential and chains of layers by
    their name, trainable flag and layers; other models by their own get_config."""
    from ..models.sequential import Sequential

    Model = model_class()
    if type(model) is Model and model._graph is not None:
        return {"class_name": "Functional",
                "config": to_json_ready(_graph_config(model, where), where)}
    if type(model) is Sequential or (type(model) is Model and model._layers):
        config = {"name": model.name, "trainable": model.trainable}
        parts = ([model._input_layer] if model._input_layer is not None else []) + model._layers
        twice = next((layer for i, layer in enumerate(model._layers)
                      if any(layer is other for other in model._layers[:i])), None)
        if twice is not None:
            raise ValueError(
                f"{where}: the model calls layer {twice.name!r} more than once, and a model file "
                "lists each call as a layer of its own, so loading would no longer share its "
                "weights. Use model.save_weights(path) and rebuild the model in code, or give "
                "each call a layer of its own.")
        config["layers"] = [serialize_layer(layer, f"{where}.layers[{i}] ({layer.name})")
                            for i, layer in enumerate(parts)]
        name = "Sequential" if type(model) is Sequential else "Functional"
        return {"class_name": name, "config": to_json_ready(config, where)}
    spec = {"class_name": class_name_of(type(model), {"Sequential": Sequential}, "model", where),
            "config": encode_config(model, model.get_config(), where)}
    if model.built and model.input_shape is not None:
        spec["build_input_shape"] = list(model.input_shape)
    return spec


def _graph_config(model, where: str) -> dict:
    """Keras's functional config: each layer once, with the tensors of each of its calls
    (``inbound_nodes``, each tensor by its ``keras_history``: [layer name, call, 0]), and the
    model's input and output tensors by the same references."""
    listed = [*model._input_layers, *dict.fromkeys(layer for layer, _, _ in model._graph)]
    names = [layer.name for layer in listed]
    twice = next((name for i, name in enumerate(names) if name in names[:i]), None)
    if twice is not None:
        raise ValueError(f"{where}: two layers of the model are called {twice!r}, and a model "
                         "file refers to layers by name; give each layer a name of its own.")
    entries = {}
    for i, layer in enumerate(listed):
        entry = serialize_layer(layer, f"{where}.layers[{i}] ({layer.name})")
        entries[id(layer)] = {**entry, "name": layer.name, "inbound_nodes": []}
    history = [[layer.name, 0, 0] for layer in model._input_layers]  # of each slot
    dtypes = [layer.dtype for layer in model._input_layers]
    for layer, parents, merged in model._graph:
        entry = entries[id(layer)]
        tensors = [{"class_name": "__keras_tensor__",
                    "config": {"shape": None if model._slot_shapes[i] is None
                               else list(model._slot_shapes[i]), "dtype": dtypes[i],
                               "keras_history": history[i]}} for i in parents]
        node = {"args": [tensors] if merged else tensors, "kwargs": {}}
        if merged.__class__.__name__ == "CallSpec":  # (layers/symbolic.py)
            node["numnet_call"] = merged.to_config()
        entry["inbound_nodes"].append(node)
        history.append([layer.name, len(entry["inbound_nodes"]) - 1, 0])
        dtypes.append(getattr(layer, "compute_dtype", dtypes[parents[0]]))
    inputs = history[:len(model._input_layers)]
    struct = model._input_struct
    if model.__dict__.get("_nested_inputs"):
        raise ValueError(
            f"{where}: "
            "the model's inputs nest (a dict or list of Inputs inside the dict or list given "
            "to Model), and a model file holds one level of them. Save the weights "
            "(model.save_weights('model.weights.h5')) and rebuild the model in code, or give "
            "Model a flat dict of Inputs.")
    outputs = [history[slot] for slot in model._output_slots]
    return {"name": model.name, "trainable": model.trainable,
            "layers": [entries[id(layer)] for layer in listed],
            "input_layers": dict(zip(struct, inputs, strict=True))
            if isinstance(struct, dict) else inputs,
            "output_layers": dict(zip(model._output_names, outputs, strict=True))
            if isinstance(model._output, dict) else _nested(model._output, outputs)}


def _nested(output, flat: list):
    """The references of a model's outputs in the structure they were given (pairs a layer
    returned stay pairs, as lists, as Keras writes them)."""
    if not outputs_module.is_nested(output):
        return flat

    def as_lists(item):
        return [as_lists(part) for part in item] if isinstance(item, (list, tuple)) else item

    return as_lists(outputs_module.pack(output, flat))


def serialize_loss(loss, where: str):
    if loss is None or isinstance(loss, str):
        return loss
    if type(loss) is losses.LossFunctionWrapper:
        loss = loss.fn
    if isinstance(loss, type):
        return {"class_name": class_name_of(loss, builtin_losses(), "loss", where), "config": {}}
    if isinstance(loss, losses.Loss) or hasattr(loss, "get_config"):
        return {"class_name": class_name_of(type(loss), builtin_losses(), "loss", where),
                "config": encode_config(loss, loss.get_config(), where)}
    if callable(loss):
        if _from_numnet(loss) and get_registered_name(loss) is None:
            return loss.__name__
        return {"class_name": "function", "config": function_name_of(loss, where)}
    raise TypeError(f"{where}: cannot save the loss {loss!r}.")


def serialize_metric(metric, where: str):
    if isinstance(metric, str):
        return metric
    if type(metric) is metrics.MeanMetricWrapper:
        metric = metric.fn
    if isinstance(metric, type):
        return {"class_name": class_name_of(metric, builtin_metrics(), "metric", where),
                "config": {}}
    if isinstance(metric, metrics.Metric) or hasattr(metric, "get_config"):
        return {"class_name": class_name_of(type(metric), builtin_metrics(), "metric", where),
                "config": encode_config(metric, metric.get_config(), where)}
    if callable(metric):
        if _from_numnet(metric) and get_registered_name(metric) is None:
            return metric.__name__
        return {"class_name": "function", "config": function_name_of(metric, where)}
    raise TypeError(f"{where}: cannot save the metric {metric!r}.")


def _per_output(value, serialize, where: str):
    """A setting of a model of several outputs as compile got it: one entry, a list of entries
    (or of lists of them) in output order, or a dict of them by output name."""
    if isinstance(value, dict):
        return {str(key): _per_output(item, serialize, f"{where}[{key!r}]")
                for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_per_output(item, serialize, f"{where}[{i}]") for i, item in enumerate(value)]
    return None if value is None else serialize(value, where)


def _serialize_heads(model) -> dict:
    """The per-output part of the compile settings of a model of several outputs."""
    given = model._heads.given
    metrics_given = given["metrics"]
    if metrics_given is not None and not isinstance(metrics_given, (list, tuple, dict)):
        metrics_given = [metrics_given]
    out = {"loss": _per_output(given["loss"], serialize_loss, "compile.loss"),
           "metrics": _per_output(metrics_given or [], serialize_metric, "compile.metrics")}
    if given["weighted_metrics"] is not None:
        weighted = given["weighted_metrics"]
        if not isinstance(weighted, (list, tuple, dict)):
            weighted = [weighted]
        out["weighted_metrics"] = _per_output(weighted, serialize_metric,
                                              "compile.weighted_metrics")
    if given["loss_weights"] is not None:
        out["loss_weights"] = _per_output(given["loss_weights"], lambda w, _: float(w),
                                          "compile.loss_weights")
    return out


def serialize_compile(model) -> dict | None:
    """The compile settings: optimizer config, loss, metrics, jit_compile and run_eagerly (None
    when not compiled); of a model of several outputs, the loss, loss_weights and metrics per
    output as compile got them (lists in output order or dicts by output name)."""
    if not model.compiled or model.optimizer is None:
        return None
    opt = model.optimizer
    settings = _serialize_heads(model) if model._heads is not None else {
        "loss": serialize_loss(model.loss, "compile.loss"),
        "metrics": [serialize_metric(m, f"compile.metrics[{i}]")
                    for i, m in enumerate(model._metric_specs[:model._weighted_from])],
        **({"weighted_metrics": [serialize_metric(m, f"compile.weighted_metrics[{i}]")
                                 for i, m in enumerate(weighted)]}
           if (weighted := model._metric_specs[model._weighted_from:]) else {}),
        **({"loss_weights": model._loss_weight}
           if getattr(model, "_loss_weight", 1.0) != 1.0 else {}),
    }
    return {
        "optimizer": {
            "class_name": class_name_of(type(opt), builtin_optimizers(), "optimizer",
                                        "compile.optimizer"),
            "config": encode_config(opt, optimizers.serialize(opt)["config"],
                                    "compile.optimizer"),
        },
        **settings,
        "jit_compile": model.jit_compile,
        "run_eagerly": model.run_eagerly,
    }


__all__ = ["builtin_layers", "builtin_losses", "builtin_metrics", "builtin_optimizers",
           "builtin_schedules", "serialize_compile", "serialize_model"]
