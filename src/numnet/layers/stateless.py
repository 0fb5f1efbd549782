"""Keras 3's stateless API for layers and optimizers: variables given as values and the new
values returned, the objects' own variables left as they were (the style of a JAX training
loop, written for any backend).

    outputs, non_trainable = model.stateless_call(trainable, non_trainable, x, training=True)
    trainable, optimizer_state = optimizer.stateless_apply(optimizer_state, grads, trainable)

The lists follow ``layer.trainable_variables``, ``layer.non_trainable_variables`` (moving
statistics, then SeedGenerator states) and ``optimizer.variables`` (iteration, the learning
rate, then the slots, as Keras lists them). numnet's ops read the variables' arrays, so the
given values are written into the variables for the call and the variables' own values are put
back afterwards.
"""

from __future__ import annotations

from ..autodiff.tensor import Tensor
from ..metrics.stateless import check_values
from ..scopes import StatelessScope


def stateless_call(layer, trainable_variables, non_trainable_variables, *args,
                   return_losses: bool = False, **kwargs):
    """``layer(*args, **kwargs)`` on the given variable values (see ``Layer.stateless_call``).

    The losses are those the call adds (``add_loss``, the activity penalties of the layers
    inside ``layer``) and the weight penalties of the given trainable values; as in Keras, the
    activity penalty of ``layer`` itself is not among them (Keras runs ``layer.call``). The
    layers' own ``losses`` are those of their last ordinary call afterwards.

    The outputs and losses are values, off the tape: numnet's backward pass reads the
    variables, which hold their own values again after the call, so a gradient taken through
    them would mix the two; to differentiate, assign the values to the variables and call the
    layer under a GradientTape.
    """
    where = f"{type(layer).__name__}.stateless_call"
    if not layer.built:
        raise ValueError(
            f"{where}: the layer {layer.name!r} is not built, so it has no variables to give "
            "values for; build it first (call it once on data, or layer.build(input_shape)).")
    trainable = layer.trainable_variables
    non_trainable = layer.non_trainable_variables
    trainable_values = check_values(where, "trainable_variables", trainable,
                                    trainable_variables, "layer.trainable_variables")
    state_values = check_values(where, "non_trainable_variables", non_trainable,
                                non_trainable_variables, "layer.non_trainable_variables")
    held = layer._flat_layers()
    kept = [(held_layer, held_layer._call_losses, held_layer._activity_losses)
            for held_layer in held]
    mapping = [*zip(trainable, trainable_values), *zip(non_trainable, state_values)]
    losses = None
    try:
        for held_layer in held:  # the losses of this call only
            held_layer._call_losses = []
            held_layer._activity_losses = []
        with StatelessScope(mapping) as scope:
            outputs = layer(*args, **kwargs)
            if return_losses:
                layer._activity_losses = []
                losses = layer.losses
    finally:
        for held_layer, call_losses, activity_losses in kept:
            held_layer._call_losses = call_losses
            held_layer._activity_losses = activity_losses
    new_state = [scope.get_current_value(variable) for variable in non_trainable]
    if return_losses:
        return _detached(outputs), new_state, _detached(losses)
    return _detached(outputs), new_state


def _detached(value):
    """``value`` (a Tensor, or a list / tuple / dict of them) as Tensors off the tape, their
    masks kept."""
    if isinstance(value, Tensor):
        out = Tensor(value.value)
        out._keras_mask = value._keras_mask
        return out
    if isinstance(value, dict):
        return {key: _detached(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_detached(item) for item in value)
    return value


def stateless_apply(optimizer, optimizer_variables, grads, trainable_variables):
    """``optimizer.apply(grads)`` on the given values (see ``Optimizer.stateless_apply``):
    ``(new trainable values, new optimizer values)``; the optimizer's state (its slots, its
    iterations and step count, the optimizers it wraps) and the variables it was built on are
    as before."""
    where = f"{type(optimizer).__name__}.stateless_apply"
    variables = _built_on(optimizer)
    if not variables and "_inner" in vars(optimizer):
        raise ValueError(
            f"{where}: a MultiOptimizer does not keep the variables it was built on in one "
            "order, so their values cannot be matched to them; use "
            "optimizer.apply(grads, variables), or one optimizer.")
    if not getattr(optimizer, "built", False) or not variables:
        raise ValueError(
            f"{where}: the optimizer is not built, so it has no state to give values for; "
            "call optimizer.build(model.trainable_variables) first.")
    held = _optimizers(optimizer)
    for inner in held:
        for option in ("use_ema", "gradient_accumulation_steps"):
            if vars(inner).get(option):
                raise ValueError(
                    f"{where}: {option}={vars(inner)[option]!r} keeps state that numnet's "
                    "stateless step does not take as values (the moving averages, the "
                    "gradient sums); use optimizer.apply(grads, variables), or an optimizer "
                    "without it.")
    state = optimizer.variables
    trainable_values = check_values(where, "trainable_variables", variables,
                                    trainable_variables,
                                    "the variables the optimizer was built on")
    state_values = check_values(where, "optimizer_variables", state, optimizer_variables,
                                "optimizer.variables")
    grads = list(grads)
    if len(grads) != len(variables):
        raise ValueError(
            f"{where}(grads): expected {len(variables)} gradients, one per variable the "
            f"optimizer was built on, given {len(grads)}.")
    saved = [_optimizer_state(inner) for inner in held]
    values = [variable.value.copy() for variable in variables]
    try:
        for variable, value in zip(variables, trainable_values, strict=True):
            variable.value[...] = value
        for variable, value in zip(state, state_values, strict=True):
            variable.value[...] = value
        for inner in held:  # the step count the schedules and bias corrections read
            if "_step" in vars(inner) and "_iterations" in vars(inner):
                inner._step = int(inner._iterations.value)
        optimizer.apply(grads, variables)
        new_trainable = [variable.value.copy() for variable in variables]
        new_state = [variable.value.copy() for variable in optimizer.variables]
    finally:
        for variable, value in zip(variables, values, strict=True):
            variable.value[...] = value
        for inner, kept in zip(held, saved, strict=True):
            _restore(inner, kept)
    return new_trainable, new_state


def _built_on(optimizer) -> list:
    """The variables ``build`` was given, in its order (a wrapper's: its inner optimizer's)."""
    found = vars(optimizer).get("_built_variables")
    if found is None and "inner_optimizer" in vars(optimizer):
        return _built_on(optimizer.inner_optimizer)
    return list(found or ())


def _optimizers(optimizer) -> list:
    """``optimizer`` and the optimizers it wraps (a LossScaleOptimizer's inner one, a
    MultiOptimizer's), each once."""
    out, stack = [], [optimizer]
    while stack:
        current = stack.pop()
        if any(current is seen for seen in out):
            continue
        out.append(current)
        own = vars(current)
        stack.extend([*own.get("_inner", ()),
                      *([own["inner_optimizer"]] if "inner_optimizer" in own else [])])
    return out


def _optimizer_state(optimizer) -> dict:
    """Copies of what a step changes in ``optimizer``: its slots by name (scratch arrays too),
    its own variables, iterations, and its attributes that hold plain numbers (the step count,
    a loss scale)."""
    own = vars(optimizer)
    return {
        "slots": {uid: {name: array.copy() for name, array in slots.items()}
                  for uid, slots in own.get("_slots", {}).items()},
        "own": [variable.value.copy() for variable in own.get("_own_variables", ())],
        "iterations": (own["_iterations"].value.copy() if "_iterations" in own else None),
        "numbers": {key: value for key, value in own.items()
                    if type(value) in (int, float)},
    }


def _restore(optimizer, saved: dict) -> None:
    """Put back ``_optimizer_state``'s copies (into the arrays the optimizer holds now: a step
    may have moved its variables and slots into one flat array)."""
    own = vars(optimizer)
    for uid, slots in own.get("_slots", {}).items():
        for name, value in saved["slots"].get(uid, {}).items():
            if name in slots:
                slots[name][...] = value
    for variable, value in zip(own.get("_own_variables", ()), saved["own"], strict=False):
        variable.value[...] = value
    if saved["iterations"] is not None:
        own["_iterations"].value[...] = saved["iterations"]
    for key, value in saved["numbers"].items():
        setattr(optimizer, key, value)


__all__ = ["stateless_apply", "stateless_call"]
