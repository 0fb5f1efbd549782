"""The JSON schema of config.json, checked field by field before anything in it is used.

config.json (format_version 1)::

    {
      "format": "numnet",                  always this string
      "format_version": 1,                 integer; a newer one is refused with "upgrade numnet"
      "numnet_version": "0.1.0",
      "kind": "model" | "weights",         save() or save_weights()
      "model": null | {"class_name": str, "config": {...}, "build_input_shape": [...] | null},
      "compile": null | {"optimizer": {"class_name": str, "config": {...}},
                         "loss": null | str | FUNCTION | {"class_name": str, "config": {...}},
                         "metrics": [str | FUNCTION | {"class_name": str, "config": {...}}],
                         "weighted_metrics": [same as metrics]    (optional)},
                         of a model of several outputs, "loss", "metrics" and
                         "weighted_metrics" may also be lists of these per output (in output
                         order) or objects keyed by output name, and "loss_weights" (optional)
                         a number, a list of them or an object of them by output name
      "weights": [{"name": layer name, "class_name": str,
                   "variables": [{"name": str, "shape": [int], "dtype": str,
                                  "member": "weights/<n>.npy"}]}],     one entry per layer, in order
      "optimizer_state": null | {
          "step": int, "iterations": int,  optimizer._step and optimizer.iterations
          "variables": int,                number of trainable weights of the model
          "built": [int],                  indices (into the trainable weights) with state
          "slots": [{"variable": int, "name": str, "shape": [int], "dtype": str,
                     "member": "optimizer/<n>.npy"}],
          "ema": [{"variable": int, "shape": [int], "dtype": str, "member": ...}],
          "exclude_from_weight_decay": [str],
          "loss_scale": {"scale": number, "counter": int}   (a LossScaleOptimizer's only)
          "own": [{"shape": [int], "dtype": str, "member": ...}]   (optional: the Variables
                                           an optimizer written as Keras's made in build)}
    }

FUNCTION is ``{"class_name": "function", "config": "<registered or custom name>"}``, which is
also how a layer config refers to a custom activation.
"""

from __future__ import annotations

import re

import numpy as np

from .errors import ModelFileError

FORMAT = "numnet"
FORMAT_VERSION = 1


class Opt:
    """An optional key of a dict schema."""

    def __init__(self, key: str):
        self.key = key


class OneOf:
    def __init__(self, *specs):
        self.specs = specs


class Const:
    def __init__(self, *values):
        self.values = values


class Pattern:
    """A string the regular expression ``regex`` matches whole; ``label`` names it in errors."""

    def __init__(self, regex: str, label: str):
        self.regex = re.compile(regex)
        self.label = label


class MapOf:
    """An object of any keys, each value fitting ``spec``."""

    def __init__(self, spec):
        self.spec = spec


MAX_DEPTH = 64
"""How deeply the objects and lists of a model file's JSON may nest (Keras's deepest configs,
a model inside a model inside a model, stay under 40)."""
MAX_INT = 2**63 - 1
"""The largest integer a count, index or size in a file may be (what an int64 holds)."""
NON_NEGATIVE = "non-negative integer"
POSITIVE = "positive integer"
ANY_DICT = "object"

SHAPE = [NON_NEGATIVE]
OBJECT = {"class_name": str, "config": ANY_DICT}
FUNCTION = {"class_name": Const("function"), "config": str}
VARIABLE = {"name": str, "shape": SHAPE, "dtype": str, "member": str}
LAYER_WEIGHTS = {"name": str, "class_name": str, "variables": [VARIABLE]}
MODEL = {"class_name": str, "config": ANY_DICT,
         Opt("build_input_shape"): OneOf(None, [OneOf(None, POSITIVE)])}
_ENTRY = OneOf(str, FUNCTION, OBJECT)
_LOSS = OneOf(None, str, FUNCTION, OBJECT)
_METRICS = OneOf([OneOf(_ENTRY, [_ENTRY], None)], MapOf(OneOf(_ENTRY, [_ENTRY], None)))
COMPILE = {"optimizer": OBJECT, "loss": OneOf(_LOSS, [_LOSS], MapOf(_LOSS)),
           "metrics": _METRICS, Opt("weighted_metrics"): _METRICS,
           Opt("loss_weights"): OneOf(float, [OneOf(None, float)], MapOf(OneOf(None, float))),
           Opt("jit_compile"): OneOf(Const("auto"), bool), Opt("run_eagerly"): bool}
SLOT = {"variable": NON_NEGATIVE, "name": str, "shape": SHAPE, "dtype": str, "member": str}
EMA = {"variable": NON_NEGATIVE, "shape": SHAPE, "dtype": str, "member": str}
OPTIMIZER_STATE = {"step": NON_NEGATIVE, "iterations": NON_NEGATIVE, "variables": NON_NEGATIVE,
                   "built": [NON_NEGATIVE], "slots": [SLOT], "ema": [EMA],
                   "exclude_from_weight_decay": [str],
                   Opt("loss_scale"): {"scale": float, "counter": NON_NEGATIVE},
                   Opt("own"): [{"shape": SHAPE, "dtype": str, "member": str}]}
STORE_ENTRY = {"key": str, "shape": SHAPE, "dtype": str, "member": str}
STORE = {"path": str, "entries": [STORE_ENTRY]}
"""What a layer's save_own_variables of its own put in its store (state.py), by the path of
the layer in Keras's walk of the model."""
CONFIG = {"format": Const(FORMAT), "format_version": POSITIVE, "numnet_version": str,
          "kind": Const("model", "weights"), "model": OneOf(None, MODEL),
          "compile": OneOf(None, COMPILE), "weights": [LAYER_WEIGHTS],
          "optimizer_state": OneOf(None, OPTIMIZER_STATE),
          Opt("compile_config"): ANY_DICT, Opt("stores"): [STORE], Opt("assets"): [str]}
JSON_MODEL = {"class_name": str, "config": ANY_DICT, Opt("numnet_version"): str,
              Opt("format_version"): POSITIVE,
              Opt("build_input_shape"): OneOf(None, [OneOf(None, POSITIVE)])}
SEQUENTIAL = {"name": OneOf(None, str), Opt("trainable"): bool, "layers": [OBJECT]}


def describe(spec) -> str:
    if spec is None:
        return "null"
    if isinstance(spec, type):
        return {str: "a string", bool: "true or false", int: "an integer",
                float: "a number"}.get(spec, spec.__name__)
    if isinstance(spec, str):
        return "an " + spec if spec == "object" else "a " + spec
    if isinstance(spec, OneOf):
        return " or ".join(describe(s) for s in spec.specs)
    if isinstance(spec, Const):
        return " or ".join(repr(v) for v in spec.values)
    if isinstance(spec, Pattern):
        return spec.label
    if isinstance(spec, list):
        return f"a list of {describe(spec[0])}"
    if isinstance(spec, MapOf):
        return f"an object of {describe(spec.spec)}"
    return "an object"


def _short(value) -> str:
    if _is_int(value) and value.bit_length() > 64:
        return f"an integer of {value.bit_length()} bits"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scalar_fits(value, spec):
    """Whether ``value`` fits a spec that is no container (None, a type, a named kind, a
    Const); None for the specs of containers, which ``check`` walks."""
    if spec.__class__ in _CONTAINER_SPECS:
        return None
    if spec is None:
        return value is None
    if spec is str or spec is bool:
        return isinstance(value, spec)
    if spec is int:
        return _is_int(value)
    if spec is float:
        return _is_int(value) or isinstance(value, float)
    if spec == NON_NEGATIVE:
        return _is_int(value) and 0 <= value <= MAX_INT
    if spec == POSITIVE:
        return _is_int(value) and 1 <= value <= MAX_INT
    if spec == ANY_DICT:
        return isinstance(value, dict)
    if isinstance(spec, Const):
        return any(type(value) is type(v) and value == v for v in spec.values)
    if isinstance(spec, Pattern):
        return isinstance(value, str) and spec.regex.fullmatch(value) is not None
    return None


def matches(value, spec) -> bool:
    fits = _scalar_fits(value, spec)
    if fits is not None:
        return fits
    try:
        check(value, spec, "")
    except ModelFileError:
        return False
    return True


_CONTAINER_SPECS = (dict, list, OneOf, MapOf)


def check_tree(document, source: str, max_depth: int = MAX_DEPTH, text=None) -> None:
    """Refuse parsed JSON that nests deeper than ``max_depth`` or holds an integer outside the
    int64 range (which would overflow wherever it is used), naming the field; without
    recursion. Given the JSON ``text`` it came from, a scan of that text at C speed clears
    the usual document without walking it."""
    if text is not None and not _suspicious(text, max_depth):
        return
    stack = [(document, 0, None)]
    while stack:
        value, depth, path = stack.pop()
        if depth >= max_depth:
            raise ModelFileError(f"{source}: {_path(path)}: nested more than {max_depth} "
                                 "levels deep; refused")
        for key, item in (value.items() if isinstance(value, dict) else enumerate(value)):
            if isinstance(item, (dict, list)):
                stack.append((item, depth + 1, (path, key)))
            elif _is_int(item) and not -MAX_INT - 1 <= item <= MAX_INT:
                raise ModelFileError(f"{source}: {_path((path, key))}: {_short(item)} is "
                                     "outside the range of a 64-bit integer")


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_DIGITS = bytes(ord("0") if chr(b).isdigit() and b < 128 else ord(" ") for b in range(256))


def _suspicious(text, max_depth: int) -> bool:
    """Whether JSON text may nest deeper than ``max_depth`` or hold an integer of 19 digits or
    more (strings left out)."""
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogatepass")
    bare = _STRING.sub(b"", bytes(text))
    if b"0" * 19 in bare.translate(_DIGITS):
        return True
    brackets = np.frombuffer(bare.translate(_BRACKETS, _NOT_BRACKETS), np.uint8)
    if brackets.size == 0:
        return False
    steps = np.where(brackets == ord("("), 1, -1).astype(np.int64)
    return int(np.cumsum(steps).max()) > max_depth


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKETS = bytes.maketrans(b"[{]}", b"(())")


def _path(path) -> str:
    """A field's name from check_tree's (parent, key) chain: layers[2].config.units."""
    keys = []
    while path is not None:
        path, key = path
        keys.append(key)
    out = ""
    for key in reversed(keys[-24:]):
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return ("..." if len(keys) > 24 else "") + (out or "the document")


def check(value, spec, where: str, source: str = "config.json") -> None:
    """Raise ModelFileError naming ``where`` if ``value`` does not fit ``spec``."""

    def fail(message=None):
        return ModelFileError(
            f"{source}: {where or 'the document'} "
            + (message or f"should be {describe(spec)}, found {_short(value)}"))

    fits = _scalar_fits(value, spec)
    if fits is not None:
        if not fits:
            raise fail(f"should be {describe(spec)} (at most {MAX_INT}), found {_short(value)}"
                       if _is_int(value) and value > MAX_INT else None)
    elif isinstance(spec, OneOf):
        if not any(matches(value, s) for s in spec.specs):
            for s in spec.specs:  # the error of the alternative of the same JSON type
                if isinstance(s, (dict, list)) and isinstance(value, type(s)):
                    check(value, s, where, source)
            raise fail()
    elif isinstance(spec, list):
        if not isinstance(value, list):
            raise fail()
        for i, item in enumerate(value):
            if _scalar_fits(item, spec[0]) is not True:
                check(item, spec[0], f"{where}[{i}]", source)
    elif isinstance(spec, MapOf):
        if not isinstance(value, dict):
            raise fail()
        for key, item in value.items():
            check(item, spec.spec, f"{where}.{key}" if where else key, source)
    elif isinstance(spec, dict):
        if not isinstance(value, dict):
            raise fail()
        known = set()
        for key, sub in spec.items():
            optional = isinstance(key, Opt)
            name = key.key if optional else key
            known.add(name)
            if name not in value:
                if optional:
                    continue
                raise fail(f"lacks the field {name!r}")
            if _scalar_fits(value[name], sub) is not True:
                check(value[name], sub, f"{where}.{name}" if where else name, source)
        for name in value:
            if name not in known:
                raise fail(f"has an unexpected field {_short(name)}")
    else:  # pragma: no cover - a mistake in the schema itself
        raise TypeError(f"bad schema {spec!r}")


def check_version(document: dict, source: str = "config.json") -> None:
    """The format marker and version, checked before the rest (a newer format may differ)."""
    if not isinstance(document, dict):
        raise ModelFileError(f"{source}: expected a JSON object, found {_short(document)}")
    version = document.get("format_version")
    if "format" in document and document.get("format") != FORMAT:
        raise ModelFileError(f"{source}: format is {_short(document.get('format'))}, "
                             f"expected {FORMAT!r}: not a numnet model file")
    if version is None:
        return
    if not _is_int(version) or version < 1:
        raise ModelFileError(f"{source}: format_version should be a positive integer, found "
                             f"{_short(version)}")
    if version > FORMAT_VERSION:
        written_by = document.get("numnet_version")
        by = f" {written_by}" if isinstance(written_by, str) and len(written_by) < 40 else ""
        raise ModelFileError(
            f"{source}: this file was written by a newer numnet{by} (format version "
            f"{version}; this numnet reads format versions up to {FORMAT_VERSION}). Upgrade "
            "numnet: pip install -U numnet")


__all__ = ["CONFIG", "FORMAT", "FORMAT_VERSION", "check", "check_tree", "check_version"]
