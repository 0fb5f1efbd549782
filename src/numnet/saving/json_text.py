"""JSON text read within limits: the parser that every reader of a model file shares."""

from __future__ import annotations

import json

from . import archive as archive_module
from . import schema
from .errors import ModelFileError


def _no_duplicate_keys(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"the key {key!r} appears twice in one object")
        out[key] = value
    return out


def parse_json(data, source: str):
    """JSON text to Python values, refusing duplicate keys and more than
    MAX_JSON_CONTAINERS objects and lists (counted, before parsing, by their brackets)."""
    containers = data.count(b"{" if isinstance(data, (bytes, bytearray)) else "{") + \
        data.count(b"[" if isinstance(data, (bytes, bytearray)) else "[")
    if containers > archive_module.MAX_JSON_CONTAINERS:
        raise ModelFileError(f"{source}: more than {archive_module.MAX_JSON_CONTAINERS} JSON "
                             "objects and lists; refused")
    if data.count(b"," if isinstance(data, (bytes, bytearray)) else ",") \
            >= archive_module.MAX_JSON_VALUES:
        raise ModelFileError(f"{source}: more than {archive_module.MAX_JSON_VALUES} JSON "
                             "values; refused")
    try:
        text = data.decode("utf-8") if isinstance(data, (bytes, bytearray)) else data
        document = json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except RecursionError:
        raise ModelFileError(f"{source}: JSON nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as err:
        raise ModelFileError(f"{source}: not valid JSON ({err})") from None
    schema.check_tree(document, source, text=data)  # depth, integer ranges, before any use
    return document


__all__ = ["parse_json"]
