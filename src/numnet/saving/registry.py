"""Custom objects: user classes and functions that a model file refers to by a registered name.

A file names a custom object only by a string such as ``"Custom>MyLayer"``; loading maps that
string back to an object through this registry or an explicit ``custom_objects`` dict, never by
importing anything.
"""

from __future__ import annotations

_REGISTRY: dict[str, object] = {}
_NAMES: dict[object, str] = {}


def register_serializable(package: str = "Custom", name: str | None = None):
    """Decorator: record a class or function under ``"package>name"`` (name defaults to its
    ``__name__``), so that model files can refer to it and ``load_model`` can find it::

        @numnet.saving.register_serializable()
        class Scale(numnet.layers.Layer): ...

        @numnet.saving.register_serializable(package="my_project")
        def swish_2(x): ...
    """
    if not isinstance(package, str) or not package or ">" in package:
        raise ValueError(
            f"register_serializable(package): expected a non-empty string without '>', "
            f"given {package!r}."
        )
    if name is not None and (not isinstance(name, str) or not name):
        raise ValueError(
            f"register_serializable(name): expected a non-empty string, given {name!r}.")

    def decorator(obj):
        if not callable(obj):
            raise TypeError(
                f"register_serializable: expected a class or a function, given "
                f"{type(obj).__name__} {obj!r}."
            )
        own = name or getattr(obj, "__name__", None)
        if not own or own == "<lambda>":
            raise ValueError(
                "register_serializable: a lambda has no name; pass name='...' or use a def.")
        key = f"{package}>{own}"
        previous = _REGISTRY.get(key)
        if previous is not None:
            _NAMES.pop(previous, None)
        _REGISTRY[key] = obj
        _NAMES[obj] = key
        return obj

    return decorator


def get_registered_name(obj) -> str | None:
    """The name ``obj`` is registered under ("package>name"), or None."""
    try:
        return _NAMES.get(obj)
    except TypeError:  # unhashable
        return None


def get_registered_object(name: str, custom_objects: dict | None = None):
    """The object for a saved name: from ``custom_objects`` (by the full name or the part after
    '>'), else from the registry; None if neither has it."""
    if not isinstance(name, str):
        return None
    if custom_objects:
        if name in custom_objects:
            return custom_objects[name]
        if ">" in name and name.split(">", 1)[1] in custom_objects:
            return custom_objects[name.split(">", 1)[1]]
    return _REGISTRY.get(name)


__all__ = ["get_registered_name", "get_registered_object", "register_serializable"]
