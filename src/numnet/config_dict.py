"""``keras.utils.Config``: a dict of settings read and written as attributes or items, which can
be frozen and written as JSON."""

from __future__ import annotations

import json

from .naming import close_matches as _close_matches

_OWN = frozenset({"_config", "_frozen"})


class Config:
    """Settings by name, as attributes (``config.seed``) or items (``config["seed"]``); it acts
    as a dict (``keys``, ``values``, ``items``, ``get``, ``pop``, ``update``, ``len``, ``in``;
    iteration gives the keys in sorted order), ``as_dict()`` copies it, ``to_json()`` writes it,
    and ``freeze()`` makes every change raise until ``unfreeze()``.

    Args:
        **kwargs: the first settings.

    Raises:
        ValueError: on a change while frozen.
        AttributeError: reading a setting that is not there (with the closest name).

    Example:
        >>> config = numnet.utils.Config(learning_rate=0.1)
        >>> config.seed = 123
        >>> config["learning_rate"], config.seed, config.to_json()
        (0.1, 123, '{"learning_rate": 0.1, "seed": 123}')
    """

    def __init__(self, **kwargs):
        object.__setattr__(self, "_config", dict(kwargs))
        object.__setattr__(self, "_frozen", False)

    @property
    def frozen(self) -> bool:
        """Whether changes raise."""
        return self._frozen

    def freeze(self) -> None:
        """Make every change raise a ValueError until ``unfreeze()``."""
        object.__setattr__(self, "_frozen", True)

    def unfreeze(self) -> None:
        """Allow changes again."""
        object.__setattr__(self, "_frozen", False)

    def _check_unfrozen(self) -> None:
        if self._frozen:
            raise ValueError("Config: this config is frozen and cannot be changed; call "
                             "config.unfreeze() first.")

    def as_dict(self) -> dict:
        """A shallow copy of the settings as a dict."""
        return dict(self._config)

    def to_json(self) -> str:
        """The settings as a JSON string."""
        return json.dumps(self._config)

    def keys(self):
        return self._config.keys()

    def values(self):
        return self._config.values()

    def items(self):
        return self._config.items()

    def get(self, keyname, value=None):
        return self._config.get(keyname, value)

    def pop(self, *args):
        self._check_unfrozen()
        return self._config.pop(*args)

    def update(self, *args, **kwargs) -> None:
        self._check_unfrozen()
        self._config.update(*args, **kwargs)

    def __setattr__(self, name, value) -> None:
        if name in _OWN or hasattr(type(self), name):
            object.__setattr__(self, name, value)
            return
        self._check_unfrozen()
        self._config[name] = value

    def __getattr__(self, name):
        if name.startswith("__") or name in _OWN:
            raise AttributeError(name)
        config = object.__getattribute__(self, "_config")
        if name in config:
            return config[name]
        close = _close_matches(name, [str(k) for k in config], n=1, cutoff=0.7)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise AttributeError(f"Config: unknown attribute {name!r}; it holds "
                             f"{sorted(map(str, config))}.{hint}")

    def __setitem__(self, key, value) -> None:
        self._check_unfrozen()
        self._config[key] = value

    def __getitem__(self, key):
        return self._config[key]

    def __delitem__(self, key) -> None:
        self._check_unfrozen()
        del self._config[key]

    def __contains__(self, key) -> bool:
        return key in self._config

    def __iter__(self):
        return iter(sorted(self._config))

    def __len__(self) -> int:
        return len(self._config)

    def __repr__(self) -> str:
        return f"<Config {self._config}>"


__all__ = ["Config"]
