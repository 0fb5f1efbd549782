"""Names of layers, models and metrics as Keras gives them: "dense", then "dense_1", ...

The lowest floor, so that layers, metrics and ``backend.clear_session`` share one count.
"""

from __future__ import annotations

import collections
import re

_name_counts: collections.Counter = collections.Counter()


def unique_name(prefix: str) -> str:
    """``prefix`` the first time, then ``prefix_1``, ``prefix_2``, ... (as Keras names
    layers, models and metrics)."""
    count = _name_counts[prefix]
    _name_counts[prefix] += 1
    return prefix if count == 0 else f"{prefix}_{count}"


def snake_case(name: str) -> str:
    """A class name as Keras names its instances: "MaxPooling2D" -> "max_pooling2d"."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def reset() -> None:
    """Start every count again (``backend.clear_session()``)."""
    _name_counts.clear()


def close_matches(word: str, possibilities, n: int = 3, cutoff: float = 0.6) -> list:
    """``difflib.get_close_matches``, with difflib imported only when an error message asks
    for a suggestion (it is slow to import, and most programs never need it)."""
    import difflib

    return difflib.get_close_matches(word, possibilities, n=n, cutoff=cutoff)
