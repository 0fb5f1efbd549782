"""What numnet's configurable objects (initializers, losses, regularizers, constraints) share:
rebuilding from get_config(), a repr of it, and finding a class by its name."""

from __future__ import annotations

from .naming import close_matches as _close_matches


class Configurable:
    """``get_config()`` gives the constructor's arguments; ``from_config`` calls it with them."""

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict):
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


def by_name(kind: str, name: str, classes: dict):
    """``classes[name]``, or a ValueError naming the valid names and the closest ones."""
    if name not in classes:
        close = _close_matches(name, list(classes), n=3)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(f"{kind}: unknown name {name!r}; expected one of "
                         f"{sorted(classes)}.{hint}")
    return classes[name]
