"""Every public name has a docstring a Keras user can learn from.

Public names are those in ``__all__`` of numnet and of its public modules (for a module without
``__all__``: the functions and classes it defines whose names do not start with ``_``). Each needs
a docstring with a summary line, and each class or function that takes arguments documents them
in an ``Args:`` section (``Arguments:`` and ``Parameters:`` are accepted too). The test lists
every name that falls short, and fails.
"""

from __future__ import annotations

import importlib
import inspect
import re
import types

import pytest

MODULES = ["numnet"] + [f"numnet.{m}" for m in (
    "layers", "models", "optimizers", "losses", "metrics", "callbacks", "activations",
    "initializers", "regularizers", "constraints", "ops", "utils", "saving", "datasets", "tools",
    "data")]
ARGS = re.compile(r"^\s*(Args|Arguments|Parameters)\s*:?\s*$", re.MULTILINE)
JARGON = re.compile(r"\bthe seeds'|\bseeds' (rule|form|notation)", re.IGNORECASE)


def public_names(module) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is not None:
        return list(names)
    return sorted(n for n, obj in vars(module).items()
                  if not n.startswith("_") and (inspect.isclass(obj) or inspect.isfunction(obj))
                  and getattr(obj, "__module__", "").startswith(module.__name__))


def _takes_arguments(obj) -> bool:
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return False
    return any(p.name not in ("self", "cls") for p in sig.parameters.values())


def _own_doc(obj) -> str:
    if inspect.isclass(obj):
        return obj.__dict__.get("__doc__") or ""
    return getattr(obj, "__doc__", None) or ""


def problems_of(obj) -> list[str]:
    """What is missing from ``obj``'s documentation (empty when nothing)."""
    doc = _own_doc(obj)
    if not doc.strip():
        return ["no docstring"]
    found = []
    if not doc.strip().splitlines()[0].strip():
        found.append("no summary line")
    if _takes_arguments(obj):
        init = obj.__dict__.get("__init__") if inspect.isclass(obj) else None
        if not ARGS.search(doc) and not ARGS.search(getattr(init, "__doc__", None) or ""):
            found.append("arguments not documented (no Args: section)")
    if JARGON.search(doc):
        found.append("course jargon ('the seeds' ...') instead of the formula")
    return found


def collect() -> list[str]:
    report = []
    for name in MODULES:
        module = importlib.import_module(name)
        if not (module.__doc__ or "").strip():
            report.append(f"{name}: no module docstring")
        for public in public_names(module):
            obj = getattr(module, public)
            if isinstance(obj, types.ModuleType):
                if not (obj.__doc__ or "").strip():
                    report.append(f"{name}.{public}: no module docstring")
                continue
            if not (inspect.isclass(obj) or callable(obj)):
                continue  # constants (dtypes, numbers) carry no docstring of their own
            report += [f"{name}.{public}: {p}" for p in problems_of(obj)]
    return report


def test_every_public_name_is_documented():
    report = collect()
    assert not report, f"{len(report)} public names fall short:\n" + "\n".join(report)


KEY = ["numnet.layers.Dense", "numnet.Model.compile", "numnet.Model.fit",
       "numnet.optimizers.Adam", "numnet.losses.SparseCategoricalCrossentropy"]


def _lookup(dotted: str):
    module, _, rest = dotted.partition(".")
    obj = importlib.import_module(module)
    for part in rest.split("."):
        obj = getattr(obj, part) if hasattr(obj, part) else importlib.import_module(
            f"{obj.__name__}.{part}")
    return obj


@pytest.mark.parametrize("dotted", KEY)
def test_help_shows_arguments_defaults_and_an_example(dotted):
    obj = _lookup(dotted)
    doc = inspect.getdoc(obj) or ""
    assert ARGS.search(doc), f"{dotted}: no Args: section"
    assert re.search(r"^\s*Examples?:", doc, re.MULTILINE), f"{dotted}: no Example: section"
    assert re.search(r"[Dd]efaults? to|\(default", doc), f"{dotted}: defaults not stated"
    target = obj.__init__ if inspect.isclass(obj) else obj
    for param in inspect.signature(target).parameters.values():
        if param.name in ("self", "kwargs", "args") or param.kind is param.VAR_KEYWORD:
            continue
        assert re.search(rf"\b{param.name}\b", doc), f"{dotted}: argument {param.name!r} missing"


@pytest.mark.parametrize("name", ["numnet", "numnet.tools", "numnet.models", "numnet.optimizers",
                                  "numnet.metrics", "numnet.data"])
def test_no_stray_names_leak_into_dir(name):
    module = importlib.import_module(name)
    assert "annotations" not in dir(module)
