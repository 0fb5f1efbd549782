"""Warnings that explain common mistakes in how a model is set up (AdviceWarning).

The model is checked at compile (architecture, loss, optimizer) and at its first fit (the data
as well). Each warning says what is wrong, why it matters and the fix, in one message::

    AdviceWarning: The output layer uses sigmoid, but the loss is categorical_crossentropy.
    Why: categorical cross-entropy expects one probability distribution per sample (outputs
    summing to 1), and independent sigmoids do not give one. Fix: use activation='softmax' on
    the last layer, or a linear last layer with from_logits=True.

The rules (``AdviceWarning.rule`` names them):

============================  ==============================================================
``sigmoid_categorical``       sigmoid output with categorical / sparse categorical CE
``softmax_binary``            softmax over more than one unit with binary CE
``single_unit_softmax``       softmax on a single output unit (always 1.0)
``double_activation``         softmax / sigmoid output with a ``from_logits=True`` loss
``logits_as_probabilities``   linear output with a probability loss and from_logits=False
``linear_hidden``             a linear hidden Dense layer feeding another Dense layer
``learning_rate``             Adam / RMSprop (and kin) learning rate outside [1e-5, 1]
``unscaled_inputs``           input features reaching more than 100 in absolute value (at fit;
                              not the token ids an Embedding or a lookup layer takes, nor
                              inputs a Normalization or Rescaling layer scales, nor inputs of
                              a frozen or pretrained base, which set their own range)
``mse_on_binary``             mean squared error on 0/1 targets with a sigmoid output (at fit)
``relu_negative_targets``     regression targets below 0 with a relu output (at fit)
``multi_label_softmax``       target rows holding several 1s with softmax + categorical CE (fit)
``probabilities_to_logits``   a from_logits=True loss given outputs in [0, 1] that sum to 1 (fit)
``training_not_declared``     a subclassed model whose call() takes no ``training`` holds
                              Dropout, noise or BatchNormalization layers: fit calls it
                              without ``training`` (as Keras 3), so they run as at inference
                              (random augmentation layers default to training and are not
                              listed)
============================  ==============================================================

Silence them with ``numnet.advice.disable()`` (all, or ``disable('linear_hidden')`` for one rule)
or a warnings filter on ``numnet.AdviceWarning``. Label problems that would make training
meaningless (integer labels given to categorical cross-entropy, one-hot labels given to a sparse
loss) are errors, raised by the loss before training starts.

Models that define their own ``call`` are checked on their data only: their layers' order and
the activations applied in ``call`` cannot be read from the layer list.
"""

from __future__ import annotations

import os
import sys
import warnings

import numpy as np

RULES = (
    "sigmoid_categorical", "softmax_binary", "single_unit_softmax", "double_activation",
    "logits_as_probabilities", "linear_hidden", "learning_rate", "unscaled_inputs",
    "mse_on_binary", "relu_negative_targets", "multi_label_softmax", "probabilities_to_logits",
    "training_not_declared",
)

INPUT_SCALE_LIMIT = 100.0
"""Inputs whose absolute value exceeds this are called unscaled."""

from .notices import AdviceWarning  # noqa: E402  (the class, where the loaders see it)

LEARNING_RATE_RANGE = (1e-5, 1.0)
"""The range outside which an adaptive optimizer's learning rate draws a warning."""


_enabled = True
_disabled_rules: set[str] = set()


def _check_rules(rules: tuple, where: str) -> None:
    for rule in rules:
        if rule not in RULES:
            raise ValueError(f"numnet.advice.{where}: unknown rule {rule!r}; expected one of "
                             f"{', '.join(RULES)}.")


def disable(*rules: str) -> None:
    """Stop issuing AdviceWarning: every rule, or only the named ones, e.g.
    ``disable('learning_rate')``."""
    global _enabled
    _check_rules(rules, "disable")
    if rules:
        _disabled_rules.update(rules)
    else:
        _enabled = False


def enable(*rules: str) -> None:
    """Issue AdviceWarning again: every rule (the default), or only the named ones."""
    global _enabled
    _check_rules(rules, "enable")
    if rules:
        _disabled_rules.difference_update(rules)
    else:
        _enabled = True
        _disabled_rules.clear()


def is_enabled(rule: str | None = None) -> bool:
    """Whether advice is on (for ``rule``, when given)."""
    return _enabled and (rule is None or rule not in _disabled_rules)


_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def _warn(rule: str, problem: str, why: str, fix: str) -> None:
    if not is_enabled(rule):
        return
    # Attribute the warning to the first caller outside numnet: the user's compile / fit line.
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(AdviceWarning(problem, why, fix, rule), stacklevel=level)


# ----------------------------------------------------------------------------- model facts


def _activation_name(layer) -> str | None:
    """The activation a layer applies, by name ('linear' for none); None if it is no activation."""
    from . import activations
    from .layers import ELU, Activation, Dense, LeakyReLU, ReLU, Softmax

    if isinstance(layer, Softmax):
        return "softmax"
    if isinstance(layer, ReLU):
        return "relu"
    if isinstance(layer, LeakyReLU):
        return "leaky_relu"
    if isinstance(layer, ELU):
        return "elu"
    if isinstance(layer, (Dense, Activation)):
        name = activations.serialize(layer.activation)
        return name if isinstance(name, str) else "custom"
    return None


def _dense_stack(model) -> list[list]:
    """[[layer, effective activation name]] for each Dense in order; an activation layer after a
    linear Dense counts as that Dense's activation; Dropout, BatchNormalization, Flatten and
    Reshape are looked through; any other layer appears as [layer, 'other']. Of a graph of
    layers (several inputs, branches), only the layer that makes the output, whose order in
    ``model.layers`` says nothing of what feeds what."""
    from .layers import BatchNormalization, Dense, Dropout, Flatten, Reshape

    if getattr(model, "_graph", None) is not None:
        if getattr(model, "_output_names", None) is not None:
            return []  # several outputs: checked one by one (on_compile)
        last = model._output.layer
        return [[last, _activation_name(last)]] if isinstance(last, Dense) else []
    out: list[list] = []
    for layer in model.layers:
        if isinstance(layer, Dense):
            out.append([layer, _activation_name(layer)])
        elif isinstance(layer, (Dropout, BatchNormalization, Flatten, Reshape)):
            continue
        elif _activation_name(layer) is not None:
            if out and out[-1][1] == "linear":
                out[-1][1] = _activation_name(layer)
            elif out:
                out.append([layer, "other"])
        elif out:
            out.append([layer, "other"])
    return out


def _architecture_known(model) -> bool:
    """True when the layer list is the computation: Sequential and Model(inputs, outputs)."""
    from .models.model import Model

    return type(model).call is Model.call


def _loss_facts(loss):
    from . import losses

    kind = losses.kind_of(loss)
    from_logits = bool(getattr(loss, "from_logits", False))
    fn = getattr(loss, "fn", None)
    return kind, from_logits, fn


def _adaptive(opt) -> bool:
    """Adam, RMSprop and the optimizers derived from them (whose usual rate is about 1e-3)."""
    from . import optimizers

    names = ("Adam", "AdamW", "Adamax", "Nadam", "RMSprop")
    classes = tuple(c for c in (getattr(optimizers, n, None) for n in names) if c is not None)
    return isinstance(opt, classes) or type(opt).__name__ in names


# ----------------------------------------------------------------------------- rules


def on_compile(model) -> None:
    """Checks that need only the architecture, the loss and the optimizer."""
    if not _enabled:
        return
    from .layers import Dense

    heads = getattr(model, "_heads", None)
    if heads is not None:  # several outputs: each output layer against its own loss
        for tensor, loss in zip(model.outputs, heads.losses, strict=True):
            if loss is not None and isinstance(tensor.layer, Dense):
                _check_output([[tensor.layer, _activation_name(tensor.layer)]], loss)
        _check_learning_rate(model.optimizer)
        return
    _check_training_declared(model)
    stack = _dense_stack(model) if _architecture_known(model) else []
    if stack and model._loss_obj is not None:
        _check_output(stack, model._loss_obj)
    for (layer, act), (following, _) in zip(stack, stack[1:]):
        if act == "linear" and isinstance(following, Dense):
            _warn("linear_hidden",
                  f"Hidden layer {layer.name!r} has a linear activation and feeds another Dense "
                  "layer.",
                  "two linear layers in a row compute only a linear function of their input, so "
                  "the extra layer adds parameters but no power.",
                  "use activation='relu' (the usual choice for hidden layers).")
    _check_learning_rate(model.optimizer)


def _training_dependent(layer) -> bool:
    """Whether a built-in layer falls back to inference when no training flag reaches it:
    dropout and noise layers, batch normalization. Random augmentation layers are left out:
    their call defaults to training=True (in Keras as in numnet), so they keep augmenting."""
    name = type(layer).__name__
    return type(layer).__module__.startswith("numnet.") and (
        "Dropout" in name or "Noise" in name or name == "BatchNormalization")


def _check_training_declared(model) -> None:
    """A subclassed model whose call() takes no ``training``: fit calls it without, as Keras 3
    does, and its dropout / normalization layers then run as at inference."""
    from .layers.base import _call_spec

    if not model._subclassed() or _call_spec(type(model)).takes_training:
        return
    seen, stack, found = set(), list(model._sublayers()), []
    while stack:
        layer = stack.pop(0)
        if id(layer) in seen:
            continue
        seen.add(id(layer))
        if _training_dependent(layer):
            found.append(layer.name)
        stack.extend(layer._sublayers())
    if found:
        names = ", ".join(repr(n) for n in found[:3]) + (" ..." if len(found) > 3 else "")
        _warn("training_not_declared",
              f"{type(model).__name__}.call() takes no training argument, so fit calls the "
              f"model without it and its layers {names} run as at inference (no dropout, "
              "moving statistics in BatchNormalization).",
              "Keras 3 passes training only to a call() that declares it; the layers inside "
              "then fall back to their defaults, in Keras as in numnet.",
              "declare it: def call(self, inputs, training=None); the layers inside inherit "
              "it.")


def _check_output(stack, loss) -> None:
    last_layer, out_act = stack[-1]
    units = getattr(last_layer, "units", None)
    kind, from_logits, _ = _loss_facts(loss)
    name = loss.name
    if kind in ("categorical", "sparse") and out_act == "sigmoid":
        _warn("sigmoid_categorical",
              f"The output layer uses sigmoid, but the loss is {name}.",
              "categorical cross-entropy expects one probability distribution per sample "
              "(outputs summing to 1), and independent sigmoids do not give one.",
              "use activation='softmax' on the last layer, or a linear last layer with "
              "from_logits=True; for multi-label targets keep sigmoid and use "
              "binary_crossentropy.")
    if kind == "binary" and out_act == "softmax" and units and units > 1:
        _warn("softmax_binary",
              f"The output layer uses softmax over {units} units with {name}.",
              "softmax makes the outputs compete (they sum to 1), but binary cross-entropy "
              "scores each unit as an independent yes/no.",
              "for multi-label targets use activation='sigmoid'; for one class out of several "
              "use categorical_crossentropy (one-hot labels) or "
              "sparse_categorical_crossentropy (integer labels).")
    if out_act == "softmax" and units == 1:
        _warn("single_unit_softmax",
              "The output layer applies softmax to a single unit.",
              "softmax over one number always outputs 1.0, so the model cannot learn anything.",
              "for binary classification use Dense(1, activation='sigmoid') with "
              "binary_crossentropy; for K classes use Dense(K, activation='softmax').")
    if from_logits and out_act in ("softmax", "sigmoid"):
        _warn("double_activation",
              f"The loss has from_logits=True, but the last layer already applies {out_act}.",
              f"the loss applies {out_act} to the outputs again, squashing them twice, which "
              "flattens the gradients and slows or stalls training.",
              "use activation='linear' on the last layer (and nn.softmax / nn.sigmoid on "
              "model(x) when you need probabilities), or from_logits=False.")
    if kind is not None and not from_logits and out_act == "linear":
        wanted = "sigmoid" if kind == "binary" else "softmax"
        _warn("logits_as_probabilities",
              f"The last layer is linear, but {name} has from_logits=False.",
              "a linear layer outputs logits (any real number), which the loss would clip "
              "into [1e-7, 1 - 1e-7] and read as probabilities.",
              f"pass from_logits=True to the loss (the numerically stable choice), or give "
              f"the last layer activation='{wanted}'.")


def _check_learning_rate(opt) -> None:
    if opt is None or not _adaptive(opt):
        return
    try:
        lr = float(opt.current_learning_rate())
    except Exception:  # a schedule that cannot be evaluated here: nothing to say
        return
    low, high = LEARNING_RATE_RANGE
    inner = getattr(opt, "inner_optimizer", opt)
    if lr < low and not isinstance(getattr(inner, "_learning_rate", 0.0), float):
        return  # a schedule that starts low (from 0) is a warm-up: its later rates are higher
    if not low <= lr <= high:
        direction = "too small to make progress" if lr < low else "large enough to diverge"
        _warn("learning_rate",
              f"learning_rate={lr:g} is outside the usual range for {type(opt).__name__} "
              f"({low:g} to {high:g}).",
              f"adaptive optimizers scale each step to about the learning rate, so {lr:g} is "
              f"{direction}; the default, 0.001, suits most problems.",
              "try factors of 10 around 0.001, or let numnet.tools.lr_find(model, x, y) "
              "(or fit(..., learning_rate='auto')) pick it.")


def on_fit(model, x, y) -> None:
    """Checks that need the data; run at the first fit of a model only."""
    if not _enabled or getattr(model, "_advised_fit", False):
        return
    model._advised_fit = True
    from .layers import Dense

    heads = getattr(model, "_heads", None)
    stack = _dense_stack(model) if heads is None and _architecture_known(model) else []
    out_act = stack[-1][1] if stack else None
    # x as the model takes it (a list of arrays for several inputs), for the predict probe;
    # the scaling rule looks at the features of the inputs that are not token ids, flattened.
    several = type(x) in (list, tuple)
    inputs = [np.asarray(a) for a in x] if several else [np.asarray(x)]
    x = inputs if several else inputs[0]
    tokens = _token_id_inputs(model, inputs)
    # (a streamed batch's inputs may have rows of their own: the first rows of each)
    rows = min([len(a) for a in inputs if a.ndim] + [2048])
    scaled = [a[:rows].reshape(rows, -1) for i, a in enumerate(inputs)
              if i not in tokens and a.ndim]
    sample_x = np.concatenate(scaled, axis=1) if scaled else np.zeros((0, 0))
    if sample_x.size and sample_x.dtype.kind in "biuf":
        largest = float(np.abs(sample_x).max())
        if largest > INPUT_SCALE_LIMIT and not _frozen_front(model):
            _warn("unscaled_inputs",
                  f"The inputs reach {largest:g} in absolute value.",
                  "unscaled features make some weights far more sensitive than others, which "
                  "slows the training of a dense network and can make it diverge.",
                  "scale them: x / 255 for pixels, or (x - mean) / std per feature, computed on "
                  "the training data.")
    if heads is not None:  # several outputs: each output's targets against its loss
        for k, (tensor, loss) in enumerate(zip(model.outputs, heads.losses, strict=True)):
            target = heads.target(y, k)
            if loss is not None and target is not None:
                last = tensor.layer
                _check_targets(_activation_name(last) if isinstance(last, Dense) else None,
                               loss, target)
        return
    kind, from_logits, _ = _loss_facts(model._loss_obj)
    _check_targets(out_act, model._loss_obj, y)
    if from_logits and kind in ("categorical", "sparse") and out_act not in ("softmax",
                                                                            "sigmoid") \
            and len(inputs[0]):
        _check_probabilities_to_logits(model, x)


_UNSCALED_LAYERS = ("Embedding", "StringLookup", "IntegerLookup", "CategoryEncoding", "Hashing",
                    "Normalization", "Rescaling")
"""Layers whose input is not to be scaled by the user: integer ids (or strings), and the
preprocessing layers that scale it inside the model."""


def _takes_tokens(layer) -> bool:
    if any(cls.__name__ in _UNSCALED_LAYERS for cls in type(layer).__mro__):
        return True
    # a model used as a layer (a Sequential of preprocessing layers, as the keras.io examples'
    # data_augmentation): its own first layers, up to the first with weights, decide
    for inner in getattr(layer, "_layers", None) or ():
        if _takes_tokens(inner):
            return True
        if inner.weights:
            break
    return False


def _frozen_front(model, depth: int = 0) -> bool:
    """Whether the first layer with weights (inside nested models too) is frozen, or belongs to
    a keras.applications model that loaded weights: a pretrained base, whose inputs are in the
    range it was trained on (caffe-style preprocessing reaches +-150), not the user's to scale,
    frozen or fine-tuned. (An application built with ``weights=None`` trains from scratch: its
    inputs are the user's to scale, and are reported.)"""
    if depth > 50:
        return False
    if getattr(model, "_pretrained_inputs", False):
        return True
    for layer in list(getattr(model, "layers", ())):
        if not layer.weights:
            continue
        if getattr(layer, "layers", None) and layer is not model:  # a nested model
            return not layer.trainable or _frozen_front(layer, depth + 1)
        return not layer.trainable
    return False


def _token_id_inputs(model, inputs) -> set:
    """The positions of the model's inputs that feed a layer of token ids (an Embedding, a
    lookup) or a Normalization / Rescaling layer directly: ids are indices, and scaling them
    would be wrong; the others are scaled by the model itself."""
    graph = getattr(model, "_graph", None)
    if graph is not None:
        count = len(getattr(model, "_input_layers", ()))
        return {slot for layer, parents, _ in graph if _takes_tokens(layer)
                for slot in parents if slot < count}
    layers = getattr(model, "_layers", None) or list(getattr(model, "layers", ()))
    for layer in layers:  # up to the first layer with weights (augmentation layers pass)
        if _takes_tokens(layer):
            return {0}
        if layer.weights:
            break
    if _architecture_known(model) or len(inputs) != 1 or inputs[0].dtype.kind not in "biu":
        return set()
    # A model with its own call: integer inputs to a model holding an Embedding are its ids.
    return {0} if any(_takes_tokens(layer) for layer in layers) else set()


def _check_targets(out_act, loss, y) -> None:
    """The rules on the targets of one output: its activation ``out_act`` and its loss."""
    from . import losses

    kind, _, fn = _loss_facts(loss)
    sample_y = np.asarray(y[:4096])
    if not sample_y.size:
        return
    binary_values = bool(np.isin(sample_y, (0, 1)).all())
    if fn is losses.mean_squared_error and out_act == "sigmoid" and binary_values:
        _warn("mse_on_binary",
              "Mean squared error is used on 0/1 targets with a sigmoid output.",
              "its gradient carries a factor sigmoid'(z), which vanishes when the sigmoid "
              "saturates, so confident wrong answers learn slowly.",
              "use loss='binary_crossentropy', whose gradient is simply (a - y).")
    regression = fn in (losses.mean_squared_error, losses.mean_absolute_error, losses.huber,
                        losses.log_cosh)
    if out_act == "relu" and regression and (sample_y < 0).any():
        _warn("relu_negative_targets",
              f"The targets include negative values (down to {float(sample_y.min()):g}), but "
              "the output layer is relu.",
              "relu never outputs a negative number, so those targets cannot be reached.",
              "use activation='linear' on the last layer (or standardize the targets and use "
              "linear).")
    if out_act == "softmax" and kind == "categorical" and sample_y.ndim == 2 and \
            sample_y.shape[1] > 1 and binary_values and (sample_y.sum(axis=1) > 1).any():
        rows = int((sample_y.sum(axis=1) > 1).sum())
        _warn("multi_label_softmax",
              f"{rows} target rows hold several 1s (multi-label), but the output is softmax "
              "with categorical cross-entropy.",
              "softmax outputs one distribution that sums to 1, so it cannot say yes to "
              "several labels at once.",
              "for multi-label targets use activation='sigmoid' on the last layer with "
              "binary_crossentropy.")


def _check_probabilities_to_logits(model, x) -> None:
    probe = model.predict([a[:256] for a in x] if type(x) is list else x[:256], verbose=0)
    if probe.ndim < 2 or probe.shape[-1] < 2:
        return
    if (probe >= 0).all() and (probe <= 1).all() and \
            np.allclose(probe.sum(axis=-1), 1.0, atol=1e-3):
        _warn("probabilities_to_logits",
              "The loss has from_logits=True, but the model's outputs are already "
              "probabilities (in [0, 1], summing to 1).",
              "the loss applies softmax to them a second time, which squashes the gradients "
              "and slows training.",
              "remove the final softmax so the model outputs logits, or use "
              "from_logits=False.")


def _register() -> None:
    """The checks run at every compile and at a model's first fit: the trainer calls the
    observers registered with it (it does not import this module)."""
    from .models.trainer import Trainer

    if on_compile not in Trainer.compile_observers:
        Trainer.compile_observers.append(on_compile)
    if on_fit not in Trainer.fit_observers:
        Trainer.fit_observers.append(on_fit)


_register()

__all__ = ["LEARNING_RATE_RANGE", "RULES", "AdviceWarning", "disable", "enable", "is_enabled",
           "on_compile", "on_fit"]
