"""MultiOptimizer: each variable updated by the optimizer its path maps to (OptimizerMap), or
that a function of the variable returns."""

from __future__ import annotations

import re

from .base import Optimizer
from .loss_scale import LossScaleOptimizer, _registry


def _check_inner(optimizer, where: str) -> None:
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{where}: expected an Optimizer object, given "
                        f"{type(optimizer).__name__} {optimizer!r}.")
    if isinstance(optimizer, LossScaleOptimizer):
        raise ValueError(f"{where}: a LossScaleOptimizer cannot be inside a MultiOptimizer; "
                         "give the optimizer it wraps.")
    if isinstance(optimizer, MultiOptimizer):
        raise ValueError(f"{where}: a MultiOptimizer cannot be inside a MultiOptimizer.")


def _serialize(optimizer) -> dict:
    return {"class_name": type(optimizer).__name__, "config": optimizer.get_config()}


def _deserialize(config):
    # numnet.optimizers.get, registered by the package (which imports this module)
    return config if isinstance(config, Optimizer) else _registry["get"](config)


class OptimizerMap:
    """Optimizers by variable path: ``optimizer_map[path]`` is the optimizer set for that
    path, else the one whose key (a regular expression) matches the whole path, else
    ``default_optimizer``; ``optimizer_map(variable)`` looks up ``variable.path``
    ("dense/kernel", "encoder_dense/bias", ...).

    Args:
        default_optimizer: the optimizer of the paths no key matches.
        optimizer_map: a dict ``{path or pattern: optimizer}``. Defaults to ``None``.

    Raises:
        TypeError: for a default that is not an Optimizer, or a map that is not a dict.
        ValueError: for a key set twice or that is not a string, a LossScaleOptimizer or
            MultiOptimizer as a value, or a path two patterns match.

    Example:
        >>> optimizers = numnet.optimizers.OptimizerMap(numnet.optimizers.SGD())
        >>> optimizers["encoder.*"] = numnet.optimizers.Adam()
        >>> optimizers["encoder_dense/kernel"].name, optimizers["head/kernel"].name
        ('adam', 'sgd')
    """

    def __init__(self, default_optimizer, optimizer_map=None):
        if not isinstance(default_optimizer, Optimizer):
            raise TypeError(f"OptimizerMap(default_optimizer): expected an Optimizer object, "
                            f"given {type(default_optimizer).__name__}.")
        if optimizer_map is not None and not isinstance(optimizer_map, dict):
            raise TypeError(f"OptimizerMap(optimizer_map): expected a dict {{path: optimizer}}, "
                            f"given {type(optimizer_map).__name__}.")
        self._default_optimizer = default_optimizer
        self._optimizer_map: dict = {}
        for key, optimizer in (optimizer_map or {}).items():
            self[key] = optimizer

    @property
    def default_optimizer(self) -> Optimizer:
        return self._default_optimizer

    def __getitem__(self, key: str) -> Optimizer:
        if key in self._optimizer_map:
            return self._optimizer_map[key]
        matches = [pattern for pattern in self._optimizer_map if re.fullmatch(pattern, key)]
        if len(matches) > 1:
            raise ValueError(f"OptimizerMap: the path {key!r} matches several keys {matches}; "
                             "make each path match at most one key.")
        return self._optimizer_map[matches[0]] if matches else self._default_optimizer

    def __setitem__(self, key: str, optimizer) -> None:
        if not isinstance(key, str):
            raise ValueError(f"OptimizerMap: a key is a path or a pattern (a string), given "
                             f"{key!r}.")
        if key in self._optimizer_map:
            raise ValueError(f"OptimizerMap: {key!r} is already set; delete it first to set it "
                             "again.")
        _check_inner(optimizer, f"OptimizerMap[{key!r}]")
        self._optimizer_map[key] = optimizer

    def __delitem__(self, key: str) -> None:
        del self._optimizer_map[key]

    def __len__(self) -> int:
        return len(self._optimizer_map)

    def __iter__(self):
        return iter(self._optimizer_map)

    def __contains__(self, key) -> bool:
        return key in self._optimizer_map

    def values(self):
        return self._optimizer_map.values()

    def items(self):
        return self._optimizer_map.items()

    def __call__(self, variable) -> Optimizer:
        return self[variable.path]

    def get_config(self) -> dict:
        return {"default_optimizer": _serialize(self._default_optimizer),
                "optimizer_map": {k: _serialize(v) for k, v in self._optimizer_map.items()}}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> OptimizerMap:
        mapping = config.get("optimizer_map") or {}
        if mapping.get("class_name") == "__typed_dict__":  # Keras's form of a plain dict
            mapping = mapping.get("config", {}).get("value", {})
        return cls(_deserialize(config["default_optimizer"]),
                   {k: _deserialize(v) for k, v in mapping.items()})


class MultiOptimizer(Optimizer):
    """Updates each variable with its own optimizer: the one ``optimizer_map`` gives for it
    (an OptimizerMap, by the variable's path, or a function ``variable -> optimizer``). Each
    inner optimizer keeps its own learning rate, state and iterations; the MultiOptimizer
    counts its steps in ``iterations`` and has no learning rate of its own (set the inner
    optimizers', through ``optimizers``).

    Args:
        optimizer_map: an OptimizerMap, or a function of a variable returning its optimizer.
        loss_scale_factor: given to every inner optimizer. Defaults to ``None``.
        name: the optimizer's name. Defaults to ``None`` ("multi_optimizer").

    Raises:
        ValueError: when a variable's optimizer is not an Optimizer, or is a
            LossScaleOptimizer or MultiOptimizer.
        AttributeError: reading or setting ``learning_rate``.

    Example:
        >>> optimizers = numnet.optimizers.OptimizerMap(numnet.optimizers.SGD(0.1))
        >>> optimizers["encoder.*"] = numnet.optimizers.Adam(1e-3)
        >>> model = numnet.Sequential([numnet.Input((3,)),
        ...                            numnet.layers.Dense(4, "relu", name="encoder_dense"),
        ...                            numnet.layers.Dense(1, name="head")])
        >>> model.compile(optimizer=numnet.optimizers.MultiOptimizer(optimizers), loss="mse")
    """

    def __init__(self, optimizer_map, loss_scale_factor=None, name: str | None = None):
        if not callable(optimizer_map):
            raise TypeError(f"MultiOptimizer(optimizer_map): expected an OptimizerMap or a "
                            f"function variable -> optimizer, given "
                            f"{type(optimizer_map).__name__}.")
        self._optimizer_map = optimizer_map
        self._inner: list = []
        self._route: dict = {}  # variable uid -> index in _inner
        super().__init__(learning_rate=0.0, loss_scale_factor=loss_scale_factor,
                         name=name or "multi_optimizer")
        for optimizer in (*getattr(optimizer_map, "values", tuple)(),
                          getattr(optimizer_map, "default_optimizer", None)):
            if optimizer is not None and optimizer not in self._inner:
                optimizer.loss_scale_factor = loss_scale_factor
                self._inner.append(optimizer)

    @property
    def learning_rate(self):
        raise AttributeError("MultiOptimizer has no learning rate of its own; read the inner "
                             "optimizers' (optimizer.optimizers[i].learning_rate).")

    @learning_rate.setter
    def learning_rate(self, value) -> None:
        if hasattr(self, "_learning_rate"):
            raise AttributeError("MultiOptimizer has no learning rate of its own; set the "
                                 "inner optimizers' (optimizer.optimizers[i].learning_rate).")
        self._learning_rate = 0.0  # the base's constructor: nothing to keep

    def current_learning_rate(self) -> float:
        raise AttributeError("MultiOptimizer has no learning rate of its own; each inner "
                             "optimizer (optimizer.optimizers) has its own.")

    @property
    def optimizers(self) -> list:
        """The inner optimizers, each once, in the order they were first met."""
        return list(self._inner)

    def build(self, variables) -> None:
        groups: dict[int, list] = {}
        for var in variables:
            if var.uid not in self._route:
                optimizer = self._optimizer_map(var)
                _check_inner(optimizer, f"MultiOptimizer (the optimizer of {var.path!r})")
                if optimizer not in self._inner:
                    optimizer.loss_scale_factor = self.loss_scale_factor
                    self._inner.append(optimizer)
                self._route[var.uid] = self._inner.index(optimizer)
            groups.setdefault(self._route[var.uid], []).append(var)
        for index, group in groups.items():
            self._inner[index].build(group)

    def _grouped(self, grads, variables):
        groups: dict[int, tuple[list, list]] = {}
        for g, var in zip(grads, variables, strict=True):
            index = self._route[var.uid]
            grads_of, vars_of = groups.setdefault(index, ([], []))
            grads_of.append(g)
            vars_of.append(var)
        return groups

    def apply(self, grads, variables=None) -> None:
        """Give each inner optimizer the gradients of its variables; count one step."""
        grads, variables = self._lists(grads, variables)
        pairs = [(g, v) for g, v in zip(grads, variables, strict=True) if g is not None]
        self.build([v for _, v in pairs])
        for index, (grads_of, vars_of) in self._grouped(
                [g for g, _ in pairs], [v for _, v in pairs]).items():
            self._inner[index].apply(grads_of, vars_of)
        self._step += 1
        self._iterations.value[...] = self._step

    @property
    def variables(self) -> list:
        """Its iterations, then each inner optimizer's variables."""
        out = [self._iterations]
        for optimizer in self._inner:
            out.extend(optimizer.variables)
        return out

    def finalize_variable_values(self, variables) -> None:
        """Each inner optimizer finalizes its own variables (EMA)."""
        variables = [v for v in variables if v.uid in self._route]
        for index, (_, vars_of) in self._grouped([None] * len(variables), variables).items():
            self._inner[index].finalize_variable_values(vars_of)

    def get_config(self) -> dict:
        mapping = self._optimizer_map
        if not isinstance(mapping, OptimizerMap):
            raise TypeError("MultiOptimizer.get_config: a function as optimizer_map cannot be "
                            "saved; use an OptimizerMap.")
        return {"optimizer_map": {"class_name": "OptimizerMap", "config": mapping.get_config()},
                "loss_scale_factor": self.loss_scale_factor, "name": self.name}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> MultiOptimizer:
        config = dict(config)
        mapping = config["optimizer_map"]
        if isinstance(mapping, dict):
            mapping = OptimizerMap.from_config(mapping.get("config", mapping))
        config["optimizer_map"] = mapping
        return cls(**config)

    def __repr__(self) -> str:
        inner = ", ".join(type(o).__name__ for o in self._inner)
        return f"<MultiOptimizer of {inner}>"
