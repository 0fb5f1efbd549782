"""A Griffe extension for the API reference: a docstring's ``Example:`` section is read as
``Examples:``, so that its ``>>>`` lines render as code (Griffe's Google parser makes a
singular "Example:" an admonition of Markdown text)."""

from __future__ import annotations

import re

import griffe

_SINGULAR = re.compile(r"^(\s*)Example:\s*$", re.MULTILINE)


class ExampleSections(griffe.Extension):
    """Rename ``Example:`` section headers to ``Examples:`` before the docstrings are parsed."""

    def on_instance(self, *, obj, **kwargs) -> None:
        if obj.docstring is not None and "Example:" in obj.docstring.value:
            obj.docstring.value = _SINGULAR.sub(r"\1Examples:", obj.docstring.value)
