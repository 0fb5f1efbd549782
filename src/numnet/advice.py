"""Warnings that explain the mistakes the course notes warn about (AdviceWarning).

The model is checked at compile (architecture, loss, optimizer) and at its first fit (the data
as well). Each warning says what is wrong, why it matters and the fix, in one message.
Silence them with ``numnet.advice.disable()`` or a warnings filter on ``numnet.AdviceWarning``.
Label problems that would make training meaningless (integer labels given to categorical
cross-entropy, one-hot labels given to a sparse loss) are errors, raised by the loss.
"""

from __future__ import annotations

import warnings

import numpy as np


class AdviceWarning(UserWarning):
    """A likely mistake in how a model is set up."""


_enabled = True


def disable() -> None:
    """Stop issuing AdviceWarning."""
    global _enabled
    _enabled = False


def enable() -> None:
    global _enabled
    _enabled = True


def warn(message: str) -> None:
    if _enabled:
        warnings.warn(message, AdviceWarning, stacklevel=4)


# ----------------------------------------------------------------------------- model facts


def _activation_name(layer) -> str | None:
    from . import activations
    from .layers import Activation, Dense, Softmax

    if isinstance(layer, Softmax):
        return "softmax"
    if isinstance(layer, (Dense, Activation)):
        name = activations.serialize(layer.activation)
        return name if isinstance(name, str) else None
    return None


def _dense_stack(model):
    """[(layer, effective activation name)] for each Dense, an Activation after it counting."""
    from .layers import Activation, Dense, Dropout, Softmax

    out = []
    for layer in model.layers:
        if isinstance(layer, Dense):
            out.append([layer, _activation_name(layer)])
        elif isinstance(layer, (Activation, Softmax)) and out and out[-1][1] == "linear":
            out[-1][1] = _activation_name(layer)
        elif not isinstance(layer, Dropout) and out:
            out.append([layer, "other"])
    return out


def _loss_facts(model):
    from . import losses

    loss = model._loss_obj
    kind = losses.kind_of(loss)
    from_logits = bool(getattr(loss, "from_logits", False))
    fn = getattr(loss, "fn", None)
    return kind, from_logits, fn


# ----------------------------------------------------------------------------- rules


def on_compile(model) -> None:
    """Checks that need only the architecture, the loss and the optimizer."""
    if not _enabled:
        return
    from .optimizers import Adam, RMSprop

    stack = _dense_stack(model)
    if stack and model._loss_obj is not None:
        last_layer, out_act = stack[-1]
        units = getattr(last_layer, "units", None)
        kind, from_logits, fn = _loss_facts(model)
        if kind in ("categorical", "sparse") and out_act == "sigmoid":
            warn(f"The output layer uses sigmoid, but the loss is {model._loss_obj.name}: "
                 "categorical cross-entropy expects one probability distribution per sample. "
                 "Use activation='softmax' on the last layer (or a linear last layer with "
                 "from_logits=True).")
        if kind == "binary" and out_act == "softmax" and units and units > 1:
            warn(f"The output layer uses softmax over {units} units with binary "
                 "cross-entropy: softmax makes the outputs compete, but binary cross-entropy "
                 "scores each unit on its own. For multi-label use sigmoid; for one class out "
                 "of several use categorical_crossentropy.")
        if from_logits and out_act in ("softmax", "sigmoid"):
            warn(f"The loss has from_logits=True, but the last layer already applies "
                 f"{out_act}: the loss would apply it a second time. Use activation='linear' "
                 "on the last layer (then nn.softmax / nn.sigmoid on model(x) for "
                 "probabilities), or from_logits=False.")
        if kind is not None and not from_logits and out_act == "linear":
            warn(f"The last layer is linear (it outputs logits), but {model._loss_obj.name} "
                 "expects probabilities: pass from_logits=True to the loss (the stable choice), "
                 f"or give the last layer a {'sigmoid' if kind == 'binary' else 'softmax'} "
                 "activation.")
        if out_act == "softmax" and units == 1:
            warn("The output layer has a single unit with softmax, which always outputs 1.0, "
                 "so nothing can be learned. For binary classification use Dense(1, "
                 "activation='sigmoid') with binary_crossentropy.")
    for layer, act in stack[:-1]:
        if act == "linear":
            warn(f"Hidden layer {layer.name!r} has a linear activation: stacked linear layers "
                 "compute only a linear function of the input, so the extra layer adds nothing. "
                 "Use activation='relu' (the usual default for hidden layers).")
    opt = model.optimizer
    if isinstance(opt, (Adam, RMSprop)) and isinstance(opt._learning_rate, float):
        lr = opt._learning_rate
        if not 1e-5 <= lr <= 1:
            warn(f"learning_rate={lr:g} is far outside the usual range for "
                 f"{type(opt).__name__} (1e-5 to 1; 0.001 is the default). Try factors of 10 "
                 "around 0.001, or numnet.tools.lr_find.")


def on_fit(model, x, y) -> None:
    """Checks that need the data; run at the first fit of a model only."""
    if not _enabled or getattr(model, "_advised_fit", False):
        return
    model._advised_fit = True
    from . import losses

    stack = _dense_stack(model)
    out_act = stack[-1][1] if stack else None
    kind, from_logits, fn = _loss_facts(model)
    sample_x = x[:2048].reshape(min(len(x), 2048), -1)
    if stack and sample_x.size and float(np.abs(sample_x).max()) > 100:
        warn(f"The inputs reach {float(np.abs(sample_x).max()):g}: unscaled features slow "
             "training of a dense network and can make it diverge. Scale them, e.g. x / 255 "
             "for pixels, or (x - mean) / std per feature.")
    sample_y = np.asarray(y[:4096])
    if fn is losses.mean_squared_error and out_act == "sigmoid" and sample_y.size and \
            np.isin(sample_y, (0, 1)).all():
        warn("Mean squared error on 0/1 targets with a sigmoid output learns slowly (its "
             "gradient vanishes when the sigmoid saturates). Use binary_crossentropy.")
    if out_act == "relu" and kind is None and sample_y.size and sample_y.dtype.kind == "f" and \
            (sample_y < 0).any():
        warn("The targets include negative values, but the output layer is relu, which "
             "never outputs a negative number. Use activation='linear' on the last layer.")
    if out_act == "softmax" and kind == "categorical" and sample_y.ndim == 2 and \
            sample_y.shape[1] > 1 and np.isin(sample_y, (0, 1)).all() and \
            (sample_y.sum(axis=1) > 1).any():
        warn("Some target rows have several 1s (multi-label), but softmax outputs one "
             "distribution that sums to 1. For multi-label use sigmoid outputs with "
             "binary_crossentropy.")
    if from_logits and out_act not in ("softmax", "sigmoid") and len(x):
        from .autodiff.tensor import no_grad

        with no_grad():
            probe = model.predict(x[:256], verbose=0)
        looks_like_probs = (probe >= 0).all() and (probe <= 1).all()
        if kind in ("categorical", "sparse"):
            looks_like_probs = looks_like_probs and np.allclose(probe.sum(axis=-1), 1, atol=1e-3)
        if looks_like_probs and probe.shape[-1] > 1:
            warn("The loss has from_logits=True, but the model's outputs are probabilities "
                 "(in [0, 1], summing to 1): the loss would apply softmax a second time. Remove "
                 "the final softmax, or use from_logits=False.")
