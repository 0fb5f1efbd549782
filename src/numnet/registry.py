"""Custom objects: user classes and functions that a model file refers to by a registered name.

A file names a custom object only by a string such as ``"Custom>MyLayer"``; loading maps that
string back to an object through this registry or an explicit ``custom_objects`` dict, never by
importing anything.
"""

from __future__ import annotations

import threading

_REGISTRY: dict[str, object] = {}
_NAMES: dict[object, str] = {}
_CUSTOM_OBJECTS: dict[str, object] = {}
_SCOPES = threading.local()  # .stack: the dicts of the custom_object_scope blocks entered
_DEFERRED = {"keras.applications": "numnet.applications"}
"""Packages of registered names whose numnet module is imported only when used: the first
look-up of such a name imports it, and so registers the names (``keras.applications>LayerScale``,
the layer that Keras's .keras files of ConvNeXt name)."""


def get_custom_objects() -> dict:
    """The process-wide dict of custom objects by name, which loading consults after a call's
    own ``custom_objects`` and the ``custom_object_scope`` blocks it runs in. Add to it::

        numnet.saving.get_custom_objects()["Scale"] = Scale
    """
    return _CUSTOM_OBJECTS


class CustomObjectScope:
    """``with custom_object_scope({"Scale": Scale}):`` lets the loads in the block find these
    objects by name, as if each were given them in ``custom_objects`` (this thread only).

    Args:
        custom_objects: one or more dicts ``{name: class or function}``.
    """

    def __init__(self, *custom_objects):
        for i, objects in enumerate(custom_objects):
            if objects is not None and not isinstance(objects, dict):
                raise TypeError(
                    f"custom_object_scope(custom_objects): expected dicts of name -> class or "
                    f"function, given {type(objects).__name__} {objects!r} as argument {i + 1}.")
        self.custom_objects: dict = {}
        for objects in custom_objects:
            self.custom_objects.update(objects or {})

    def __enter__(self):
        stack = getattr(_SCOPES, "stack", None)
        if stack is None:
            stack = _SCOPES.stack = []
        stack.append(self.custom_objects)
        return self

    def __exit__(self, *exc) -> None:
        _SCOPES.stack.pop()


custom_object_scope = CustomObjectScope


def register_serializable(package: str = "Custom", name: str | None = None):
    """Decorator: record a class or function under ``"package>name"`` (name defaults to its
    ``__name__``), so that model files can refer to it and ``load_model`` can find it::

        @numnet.saving.register_serializable()
        class Scale(numnet.layers.Layer): ...

        @numnet.saving.register_serializable(package="my_project")
        def swish_2(x): ...

    Args:
        package: the prefix of the registered name. Defaults to ``'Custom'``.
        name: the name; None for the object's ``__name__``. Defaults to ``None``.

    Returns:
        The decorator.
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
    """The name ``obj`` is registered under ("package>name"), or None.

    Args:
        obj: a class or function.
    """
    try:
        return _NAMES.get(obj)
    except TypeError:  # unhashable
        return None


def keras_registered_name(obj) -> str | None:
    """Keras's ``keras.utils.get_registered_name``: the name ``obj`` is registered under
    ("package>name"), else its own ``__name__``.

    Args:
        obj: a class or function.

    Example:
        >>> numnet.utils.get_registered_name(numnet.layers.Dense)
        'Dense'
    """
    registered = get_registered_name(obj)
    return registered if registered is not None else getattr(obj, "__name__", None)


def get_registered_object(name: str, custom_objects: dict | None = None,
                          module_objects: dict | None = None):
    """The object for a saved name, found by the full name or the part after '>': in
    ``custom_objects``, then in the ``custom_object_scope`` blocks (innermost first), then in
    ``get_custom_objects()``; else in the registry, else in ``module_objects``; None if none
    has it.

    Args:
        name: the name a file holds ('package>name' or 'name').
        custom_objects: ``{name: class or function}`` for custom objects that are not registered, or
            None. Defaults to ``None``.
        module_objects: ``{name: class or function}`` a library looks names up in last, as
            Keras's. Defaults to ``None``.
    """
    if not isinstance(name, str):
        return None
    short = name.split(">", 1)[1] if ">" in name else None
    for objects in (custom_objects, *reversed(getattr(_SCOPES, "stack", ())), _CUSTOM_OBJECTS):
        if objects:
            if name in objects:
                return objects[name]
            if short is not None and short in objects:
                return objects[short]
    package = name.split(">", 1)[0]
    if name not in _REGISTRY and short is not None and package in _DEFERRED:
        import importlib

        importlib.import_module(_DEFERRED[package])
    found = _REGISTRY.get(name)
    if found is None and module_objects and name in module_objects:
        return module_objects[name]
    return found


__all__ = ["CustomObjectScope", "custom_object_scope", "get_custom_objects",
           "get_registered_name", "get_registered_object", "keras_registered_name",
           "register_serializable"]
