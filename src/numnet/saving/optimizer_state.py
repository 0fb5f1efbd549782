"""The optimizer's state in a model file: what training needs to resume exactly.

Per trainable weight of the model (in ``model.trainable_weights`` order) that the optimizer has
built: each slot (``optimizer._slots[var.uid]``) whose name does not start with '_' (those are
scratch buffers, overwritten before use), plus the gradient sums of gradient accumulation; the
moving average of ``use_ema``; the step counters ``optimizer._step`` and ``iterations``; a
LossScaleOptimizer's current scale and count of finite steps; and, for an optimizer written as
Keras 3 writes one, the Variables its ``build`` made with ``add_variable`` (in their order).
"""

from __future__ import annotations

import math

import numpy as np

from .. import backend
from ..optimizers import LossScaleOptimizer
from .errors import ModelFileError

STATE_SLOTS = frozenset(["_accumulated_gradient"])
"""Optimizer slots whose names start with '_' but which hold state (the others are scratch)."""


def save_state(model, arrays: list) -> dict | None:
    """The optimizer_state section of config.json; appends (member, array) to ``arrays``."""
    opt = model.optimizer
    slots = getattr(opt, "_slots", None)
    if opt is None or not isinstance(slots, dict):
        return None
    trainable = model.trainable_weights
    index = {var.uid: i for i, var in enumerate(trainable)}
    built = sorted(index[uid] for uid in slots if uid in index)
    start = len(arrays)

    def add(value):
        value = np.asarray(backend.to_numpy(value), order="C")  # (0-d stays 0-d)
        member = f"optimizer/{len(arrays) - start}.npy"
        arrays.append((member, value))
        return {"shape": list(value.shape), "dtype": value.dtype.name, "member": member}

    slot_entries, ema_entries = [], []
    ema = getattr(opt, "_ema", {}) or {}
    for i in built:
        uid = trainable[i].uid
        for name, value in slots[uid].items():
            if not name.startswith("_") or name in STATE_SLOTS:
                slot_entries.append({"variable": i, "name": name, **add(value)})
        if uid in ema:
            ema_entries.append({"variable": i, **add(ema[uid])})
    own = [add(variable.value) for variable in getattr(opt, "_own_variables", ())]
    state = {"step": int(opt._step), "iterations": int(backend.to_numpy(opt.iterations.value)),
             "variables": len(trainable), "built": built, "slots": slot_entries,
             "ema": ema_entries,
             "exclude_from_weight_decay": sorted(getattr(opt, "_exclude_from_weight_decay", ()))}
    if own:
        state["own"] = own
    if isinstance(opt, LossScaleOptimizer):
        state["loss_scale"] = {"scale": float(opt.dynamic_scale), "counter": opt.step_counter}
    return state


def restore_state(model, state: dict, ar, source: str) -> None:
    """Set the freshly compiled optimizer's slots, moving averages and step from the file,
    after checking that they fit it exactly."""
    opt = model.optimizer
    if not isinstance(getattr(opt, "_slots", None), dict):
        raise ModelFileError(f"{source}: optimizer_state: {type(opt).__name__} keeps no state "
                             "numnet can restore")
    trainable = model.trainable_weights
    if state["variables"] != len(trainable):
        raise ModelFileError(f"{source}: optimizer_state.variables: the file has state for "
                             f"{state['variables']} trainable weights, the model has "
                             f"{len(trainable)}")
    built = state["built"]
    if len(set(built)) != len(built) or any(i >= len(trainable) for i in built):
        raise ModelFileError(f"{source}: optimizer_state.built: bad variable indices {built}")
    steps_per_update = opt.gradient_accumulation_steps or 1
    if state["iterations"] != state["step"] // steps_per_update:
        raise ModelFileError(f"{source}: optimizer_state: iterations={state['iterations']} does "
                             f"not follow from step={state['step']}")
    opt.build([trainable[i] for i in built])
    expected = {(i, name) for i in built for name in opt._slots[trainable[i].uid]
                if not name.startswith("_") or name in STATE_SLOTS}
    given = {(s["variable"], s["name"]) for s in state["slots"]}
    if given != expected or len(given) != len(state["slots"]):
        missing = sorted(expected - given)
        extra = sorted(given - expected)
        raise ModelFileError(
            f"{source}: optimizer_state.slots do not fit {type(opt).__name__} as configured "
            f"(missing {missing}, unexpected {extra}, as (variable, slot) pairs)")
    ema_given = sorted(e["variable"] for e in state["ema"])
    ema_expected = sorted(i for i in built if trainable[i].uid in opt._ema)
    if ema_given != ema_expected:
        raise ModelFileError(f"{source}: optimizer_state.ema covers variables {ema_given}, "
                             f"expected {ema_expected}")
    own_given = state.get("own", [])
    own = [variable.value for variable in getattr(opt, "_own_variables", ())]
    if len(own_given) != len(own):
        raise ModelFileError(f"{source}: optimizer_state.own: the file holds {len(own_given)} "
                             f"variables made by {type(opt).__name__}.build, the optimizer "
                             f"as built on the model makes {len(own)}")
    targets = [(opt._slots[trainable[s["variable"]].uid][s["name"]], s) for s in state["slots"]]
    targets += [(opt._ema[trainable[e["variable"]].uid], e) for e in state["ema"]]
    targets += list(zip(own, own_given))
    values = []
    for target, entry in targets:
        if tuple(entry["shape"]) != tuple(target.shape):
            held = (trainable[entry["variable"]].path if "variable" in entry
                    else f"{type(opt).__name__}'s own variable")
            raise ModelFileError(
                f"{source}: optimizer state {entry['member']}: shape {tuple(entry['shape'])} "
                f"does not fit {held} of shape {tuple(target.shape)}")
        values.append(ar.read_array(entry["member"], tuple(entry["shape"]), entry["dtype"]))
    for (target, _), value in zip(targets, values, strict=True):
        target[...] = backend.to_device(value, dtype=target.dtype)
    scaling = state.get("loss_scale")
    if (scaling is None) != (not isinstance(opt, LossScaleOptimizer)):
        raise ModelFileError(f"{source}: optimizer_state.loss_scale: "
                             + ("missing for a LossScaleOptimizer" if scaling is None else
                                f"given for {type(opt).__name__}, which does no loss scaling"))
    if scaling is not None and not (math.isfinite(scaling["scale"]) and scaling["scale"] > 0
                                    and scaling["counter"] < opt.dynamic_growth_steps):
        raise ModelFileError(f"{source}: optimizer_state.loss_scale: expected a finite scale > 0 "
                             f"and a counter below {opt.dynamic_growth_steps}, given {scaling}")
    opt._step = state["step"]
    opt.iterations.value[...] = state["iterations"]
    if scaling is not None:
        opt.dynamic_scale, opt.step_counter = float(scaling["scale"]), scaling["counter"]
    opt._exclude_from_weight_decay = set(state["exclude_from_weight_decay"])


__all__ = ["STATE_SLOTS", "restore_state", "save_state"]
