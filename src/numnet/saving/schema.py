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
          "loss_scale": {"scale": number, "counter": int}   (a LossScaleOptimizer's only)}
    }

FUNCTION is ``{"class_name": "function", "config": "<registered or custom name>"}``, which is
also how a layer config refers to a custom activation.
"""

from __future__ import annotations

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


class MapOf:
    """An object of any keys, each value fitting ``spec``."""

    def __init__(self, spec):
        self.spec = spec


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
                   Opt("loss_scale"): {"scale": float, "counter": NON_NEGATIVE}}
CONFIG = {"format": Const(FORMAT), "format_version": POSITIVE, "numnet_version": str,
          "kind": Const("model", "weights"), "model": OneOf(None, MODEL),
          "compile": OneOf(None, COMPILE), "weights": [LAYER_WEIGHTS],
          "optimizer_state": OneOf(None, OPTIMIZER_STATE)}
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
    if isinstance(spec, list):
        return f"a list of {describe(spec[0])}"
    if isinstance(spec, MapOf):
        return f"an object of {describe(spec.spec)}"
    return "an object"


def _short(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def matches(value, spec) -> bool:
    try:
        check(value, spec, "")
    except ModelFileError:
        return False
    return True


def check(value, spec, where: str, source: str = "config.json") -> None:
    """Raise ModelFileError naming ``where`` if ``value`` does not fit ``spec``."""

    def fail(message=None):
        return ModelFileError(
            f"{source}: {where or 'the document'} "
            + (message or f"should be {describe(spec)}, found {_short(value)}"))

    if spec is None:
        if value is not None:
            raise fail()
    elif spec is str or spec is bool:
        if not isinstance(value, spec):
            raise fail()
    elif spec is int:
        if not _is_int(value):
            raise fail()
    elif spec is float:
        if not (_is_int(value) or isinstance(value, float)):
            raise fail()
    elif spec == NON_NEGATIVE:
        if not _is_int(value) or value < 0:
            raise fail()
    elif spec == POSITIVE:
        if not _is_int(value) or value < 1:
            raise fail()
    elif spec == ANY_DICT:
        if not isinstance(value, dict):
            raise fail()
    elif isinstance(spec, Const):
        if not any(type(value) is type(v) and value == v for v in spec.values):
            raise fail()
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


__all__ = ["CONFIG", "FORMAT", "FORMAT_VERSION", "check", "check_version"]
