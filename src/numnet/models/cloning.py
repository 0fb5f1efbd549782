"""clone_model: the same architecture with new weights, as Keras 3 clones Sequential and
functional models."""

from __future__ import annotations

import warnings

from ..layers.base import Input, Layer, reject_unknown_kwargs
from .functional import pack_struct
from .model import Model
from .sequential import Sequential


def clone_model(model, input_tensors=None, clone_function=None, call_function=None,
                recursive: bool = False, **kwargs):
    """A new model with ``model``'s architecture and freshly initialised weights.

    Each layer is rebuilt by ``clone_function(layer)``; the default,
    ``type(layer).from_config(layer.get_config())``, keeps its configuration and name and makes
    new weights (``lambda layer: layer`` shares the layer, and its weights, instead). The
    input layer is made anew with the same shape and name, or taken from ``input_tensors`` (an
    ``Input(...)``, alone or in a list). ``call_function(layer, x)`` calls each cloned layer of
    a functional model (default: ``layer(x)``), so it can add layers around it. A model nested
    in the model is cloned whole by the default, and by ``clone_model`` with the same arguments
    when ``recursive=True``. A layer that occurs twice gets one clone. Other models are rebuilt
    by ``type(model).from_config(model.get_config())``. The clone keeps the model's name; a
    compiled model's clone is compiled from its compile config, as Keras does (a fresh
    optimizer of the same settings).

    Args:
        model: the model to clone.
        input_tensors: the clone's inputs (an ``Input(...)``, alone or in a list), or None for new
            ones of the same shapes. Defaults to ``None``.
        clone_function: ``f(layer) -> layer`` rebuilding each layer; None for
            ``type(layer).from_config(layer.get_config())`` (new weights). Defaults to ``None``.
        call_function: ``f(layer, x)`` calling each cloned layer of a functional model; None for
            ``layer(x)``. Defaults to ``None``.
        recursive: also clone nested models with the same arguments. Defaults to ``False``.
        **kwargs: other Keras arguments, accepted and ignored.

    Example:
        >>> model = numnet.Sequential([numnet.Input((3,)), numnet.layers.Dense(2)])
        >>> copy = numnet.models.clone_model(model)
        >>> copy.count_params() == model.count_params()
        True
    """
    reject_unknown_kwargs("clone_model()", kwargs, ["input_tensors", "clone_function",
                                                    "call_function", "recursive"])
    cloned = _clone_model(model, input_tensors, clone_function, call_function, recursive)
    if getattr(model, "compiled", False) and isinstance(cloned, Model):
        try:
            config = model.get_compile_config()
            if config:
                cloned.compile_from_config(config)
        except (ValueError, TypeError) as err:  # (a setting no config can carry)
            warnings.warn(f"clone_model: the clone is not compiled, as the model's compile "
                          f"settings cannot be copied ({err}); compile it before training.",
                          stacklevel=2)
    return cloned


def _clone_model(model, input_tensors, clone_function, call_function, recursive):
    if not isinstance(model, Model):
        raise TypeError(f"clone_model(model): expected a Sequential or functional Model, given "
                        f"{type(model).__name__}.")
    if clone_function is not None and not callable(clone_function):
        raise TypeError(f"clone_model(clone_function): expected a callable fn(layer) returning "
                        f"the layer to use, given {clone_function!r}.")
    if type(model) is Model and model._graph is not None:
        return _clone_graph(model, input_tensors,
                            _layer_cloner(clone_function, call_function, recursive),
                            call_function)
    chain = type(model) is Sequential or (type(model) is Model and model._input_layer is not None)
    if not chain:
        return _clone_by_config(model, input_tensors, clone_function, call_function)
    clone = _layer_cloner(clone_function, call_function, recursive)
    if isinstance(model, Sequential):
        if call_function is not None:
            raise ValueError("clone_model(call_function): only a functional model calls its "
                             "layers while it is built; a Sequential model lists them. Give "
                             "call_function with a Model(inputs, outputs), or leave it out.")
        inputs = _inputs(model, input_tensors)
        layers = [clone(layer) for layer in model._layers]
        return Sequential(([inputs] if inputs is not None else []) + layers, name=model.name,
                          trainable=model.trainable)
    inputs = x = _inputs(model, input_tensors)
    for layer in model._layers:
        new = clone(layer)
        x = new(x) if call_function is None else call_function(new, x)
    functional = Model(inputs, x, name=model.name)
    functional.trainable = model.trainable
    return functional


def _clone_graph(model, input_tensors, clone, call_function):
    """A functional model of several inputs or branches: each call made again, on the clones
    of its layers (a layer shared by two calls stays shared), from new inputs."""
    count = len(model._input_layers)
    if input_tensors is None:
        inputs = [Input(**layer.get_config()) for layer in model._input_layers]
    else:
        given = input_tensors
        if isinstance(given, dict):
            given = [given.get(name) for name in model._input_names]
        elif not isinstance(given, (list, tuple)):
            given = [given]
        if len(given) != count or not all(getattr(t, "_symbolic", False) for t in given):
            raise ValueError(
                f"clone_model(input_tensors): the model has {count} inputs "
                f"{model._input_names}; give as many Input(shape=...) tensors, in a list in "
                f"that order or a dict keyed by those names; given {input_tensors!r}.")
        inputs = list(given)
    values = list(inputs)
    for layer, parents, merged in model._graph:
        new = clone(layer)
        if merged.__class__.__name__ == "CallSpec":  # ops, several arguments, parts of outputs
            args, kwargs = merged.fill([values[i] for i in parents])
            values.append(new(*args, **kwargs))
            continue
        x = [values[i] for i in parents] if merged else values[parents[0]]
        values.append(new(x) if call_function is None else call_function(new, x))
    struct = model._input_struct
    if model.__dict__.get("_nested_inputs"):
        inputs = pack_struct(struct, inputs)
    elif isinstance(struct, dict):
        inputs = dict(zip(struct, inputs, strict=True))
    outputs = [values[slot] for slot in model._output_slots]
    if isinstance(model._output, dict):
        outputs = dict(zip(model._output_names, outputs, strict=True))
    functional = Model(inputs, outputs if len(outputs) > 1 else outputs[0], name=model.name)
    functional.trainable = model.trainable
    return functional


def _layer_cloner(clone_function, call_function, recursive):
    """fn(layer) -> its clone: one clone per layer, nested models cloned whole."""
    made: dict[int, Layer] = {}

    def clone(layer):
        if id(layer) not in made:
            if isinstance(layer, Model) and (clone_function is None or recursive):
                made[id(layer)] = clone_model(
                    layer, clone_function=clone_function,
                    call_function=None if isinstance(layer, Sequential) else call_function,
                    recursive=recursive)
            elif clone_function is None:
                made[id(layer)] = _from_own_config(layer)
            else:
                made[id(layer)] = clone_function(layer)
        return made[id(layer)]

    return clone


def _from_own_config(layer):
    """``type(layer).from_config(layer.get_config())``, where a function the config names by a
    string that does not resolve back to it (a custom activation, registered or plain) is
    passed as the function itself, as Keras's clone keeps it."""
    from .. import activations

    config = layer.get_config()
    for key, value in config.items():
        if not isinstance(value, str):
            continue
        attr = getattr(layer, key, None)
        if attr is None or isinstance(attr, type) or not callable(attr):
            continue
        try:
            same = activations.get(value) is attr
        except (ValueError, TypeError):
            same = False
        if not same:
            config[key] = attr
    return type(layer).from_config(config)


def _inputs(model, input_tensors):
    """The clone's input: ``input_tensors`` checked, or a new Input like the model's (None for
    a Sequential model that does not know its input shape yet)."""
    if input_tensors is None:
        if model._input_layer is None:
            return None
        return Input(**model._input_layer.get_config())
    given = input_tensors
    if isinstance(given, (list, tuple)):
        if len(given) != 1:
            raise ValueError(f"clone_model(input_tensors): the model has one input, given "
                             f"{len(given)} tensors; give one Input(shape=...).")
        given = given[0]
    if not getattr(given, "_symbolic", False):
        raise TypeError(f"clone_model(input_tensors): expected the tensor Input(shape=...) "
                        f"returns, given {type(given).__name__}.")
    return given


def _clone_by_config(model, input_tensors, clone_function, call_function):
    """A model of another class: rebuilt from its configuration."""
    for name, value in (("input_tensors", input_tensors), ("clone_function", clone_function),
                        ("call_function", call_function)):
        if value is not None:
            raise ValueError(f"clone_model({name}): only Sequential and functional models are "
                             f"cloned layer by layer; {type(model).__name__} is rebuilt from "
                             "its get_config(), so leave it out.")
    try:
        clone = type(model).from_config(model.get_config())
    except Exception as err:
        raise TypeError(
            f"clone_model(model): {type(model).__name__} is rebuilt as "
            f"{type(model).__name__}.from_config(model.get_config()), which failed: {err}. "
            "Define get_config() (and, if its arguments need it, from_config()) for the "
            "class.") from err
    return clone


__all__ = ["clone_model"]
