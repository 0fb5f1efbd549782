"""Optimizers, by object or by name ('adam'): SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta,
Adamax, Nadam, Ftrl, Lion, Lamb, Adafactor, ScheduleFreeAdamW, Muon (Keras 3's names, arguments
and defaults), learning-rate schedules in ``numnet.optimizers.schedules``, and
``LossScaleOptimizer`` for mixed precision; ``MultiOptimizer`` updates each variable with the
optimizer its path maps to.

Plain (full-batch) gradient descent is ``SGD`` trained with ``fit(..., batch_size=len(x))``.
With numba installed (``pip install "numnet[fast]"``) each step runs as one fused loop
(``numnet.fast.updates``); the results are those of the NumPy path.
"""


from ..naming import close_matches as _close_matches
from ..registry import get_registered_name as _registered_name
from ..registry import get_registered_object as _registered_object
from . import legacy, schedules
from .adadelta import Adadelta
from .adafactor import Adafactor
from .adagrad import Adagrad
from .adam import Adam
from .adamax import Adamax
from .adamw import AdamW
from .base import Optimizer
from .ftrl import Ftrl
from .lamb import Lamb
from .lion import Lion
from .loss_scale import LossScaleOptimizer
from .multi_optimizer import MultiOptimizer, OptimizerMap
from .muon import Muon
from .nadam import Nadam
from .rmsprop import RMSprop
from .schedule_free_adamw import ScheduleFreeAdamW
from .sgd import SGD

_CLASSES = {
    cls.__name__.lower(): cls
    for cls in (SGD, RMSprop, Adam, AdamW, Adagrad, Adadelta, Adamax, Nadam, Ftrl, Lion, Lamb,
                Adafactor, ScheduleFreeAdamW, Muon)
}
_CLASSES["multioptimizer"] = MultiOptimizer  # from a serialize dict (it needs its map)


def get(identifier, custom_objects: dict | None = None) -> Optimizer:
    """An optimizer from a name ('adam'), a config dict, a class or an instance.

    Args:
        identifier: a name ('adam', 'sgd', case-insensitive), a ``serialize`` dict, an Optimizer
            class (made with its defaults) or an Optimizer object (returned as it is).

    Returns:
        An Optimizer.

    Raises:
        ValueError: for an unknown name or class name, with the closest names.
        TypeError: for anything else.

    Example:
        >>> type(numnet.optimizers.get('adam')).__name__
        'Adam'
    """
    if isinstance(identifier, Optimizer):
        return identifier
    if isinstance(identifier, str):
        cls = _CLASSES.get(identifier.lower())
        if cls is None:
            close = _close_matches(identifier.lower(), list(_CLASSES), n=3)
            hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
            raise ValueError(
                f"compile(optimizer): unknown optimizer {identifier!r}; expected one of "
                f"{sorted(_CLASSES)} or an Optimizer object.{hint}"
            )
        return cls()
    if isinstance(identifier, dict):
        name = str(identifier.get("class_name", "")).lower()
        cls = LossScaleOptimizer if name == "lossscaleoptimizer" else _CLASSES.get(name)
        if cls is None:  # an optimizer of one's own: registered, or in custom_objects
            for key in (identifier.get("registered_name"), identifier.get("class_name")):
                found = _registered_object(key, custom_objects) if key else None
                if isinstance(found, type) and issubclass(found, Optimizer):
                    cls = found
                    break
        if cls is None:
            raise ValueError(
                f"optimizer: unknown class_name {identifier.get('class_name')!r}; expected one "
                f"of {sorted(c.__name__ for c in _CLASSES.values())}, or an optimizer of one's "
                "own registered with @numnet.saving.register_keras_serializable() or given in "
                "custom_objects."
            )
        return cls.from_config(identifier.get("config", {}))
    if isinstance(identifier, type) and issubclass(identifier, Optimizer):
        return identifier()
    raise TypeError(
        f"compile(optimizer): expected an optimizer name or an Optimizer object, given "
        f"{type(identifier).__name__} {identifier!r}."
    )


def serialize(optimizer: Optimizer) -> dict:
    """``{"class_name": ..., "config": optimizer.get_config()}``, with ``"registered_name"``
    ("package>name") for a class registered with ``register_keras_serializable``.

    Args:
        optimizer: an Optimizer.

    Returns:
        ``{"class_name": ..., "config": ...}``, which ``deserialize`` turns back into an
        optimizer with the same settings (not its state).
    """
    out = {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}
    registered = _registered_name(type(optimizer))
    if registered is not None:
        out["registered_name"] = registered
    return out


def deserialize(config: dict, custom_objects: dict | None = None) -> Optimizer:
    """The optimizer a ``serialize`` dict describes.

    Args:
        config: a dict as ``serialize`` gives.
        custom_objects: ``{name: class}`` for optimizers of one's own that are not registered.
            Defaults to ``None``.

    Returns:
        A new Optimizer.
    """
    return get(config, custom_objects)


__all__ = [
    "SGD",
    "Adadelta",
    "Adafactor",
    "Adagrad",
    "Adam",
    "AdamW",
    "Adamax",
    "Ftrl",
    "Lamb",
    "Lion",
    "LossScaleOptimizer",
    "MultiOptimizer",
    "Muon",
    "Nadam",
    "Optimizer",
    "OptimizerMap",
    "RMSprop",
    "ScheduleFreeAdamW",
    "deserialize",
    "get",
    "legacy",
    "schedules",
    "serialize",
]


def _register() -> None:
    from . import loss_scale

    loss_scale._registry.update(get=get, serialize=serialize)


_register()
