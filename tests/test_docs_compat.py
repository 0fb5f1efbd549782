"""The Keras compatibility page says true things: every name it lists as working or differing
exists, and every expression it lists as refused raises an error."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import numpy as np
import pytest

import numnet

PAGE = Path(__file__).resolve().parent.parent / "docs" / "keras-compatibility.md"


def _tables() -> dict[str, list[str]]:
    """{section title: [the first cell's code of each table row]}."""
    sections, title = {}, None
    for line in PAGE.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            title = line[3:].strip()
            sections[title] = []
            continue
        m = re.match(r"^\|\s*`([^`]+)`\s*\|", line)
        if m and title is not None:
            sections[title].append(m.group(1))
    return sections


TABLES = _tables()
LISTED = TABLES["What works as in Keras"] + TABLES["What differs, and why"]
REFUSED = TABLES["What is refused, with an error"]


def _resolve(dotted: str):
    parts = dotted.split(".")
    assert parts[0] == "numnet", dotted
    obj = numnet
    for i, part in enumerate(parts[1:], start=1):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            obj = importlib.import_module(".".join(parts[:i + 1]))
    return obj


def test_the_page_has_its_three_tables():
    assert len(LISTED) >= 30 and len(REFUSED) >= 8


@pytest.mark.parametrize("name", LISTED)
def test_each_listed_name_imports(name):
    assert _resolve(name) is not None


@pytest.mark.parametrize("expression", REFUSED)
def test_each_refused_expression_raises_an_error_that_says_what_to_do(expression):
    with pytest.raises((AttributeError, ValueError, NotImplementedError, TypeError)) as info:
        eval(expression, {"numnet": numnet, "np": np})
    assert len(str(info.value)) > 20
