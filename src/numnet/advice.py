"""Warnings that explain the mistakes the course notes warn about (AdviceWarning).

The model is checked at compile and at the first fit. Each warning says what is wrong, why it
matters and the fix, in one message. Silence them with ``numnet.advice.disable()`` or a
warnings filter on ``numnet.AdviceWarning``.
"""

from __future__ import annotations

import warnings


class AdviceWarning(UserWarning):
    """A likely mistake in how a model is set up."""


_enabled = True


def disable() -> None:
    global _enabled
    _enabled = False


def enable() -> None:
    global _enabled
    _enabled = True


def warn(message: str) -> None:
    if _enabled:
        warnings.warn(message, AdviceWarning, stacklevel=4)


def on_compile(model) -> None:
    """Checks that need only the architecture and the loss."""


def on_fit(model, x, y) -> None:
    """Checks that need the data as well."""
