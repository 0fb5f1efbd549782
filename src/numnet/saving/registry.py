"""Custom objects by registered name: see numnet.registry (the bottom floor, so that layers and
losses can look names up without importing the saving package)."""

from ..registry import *  # noqa: F403
from ..registry import (  # noqa: F401  (the registry's own tables, for saving's readers)
    _CUSTOM_OBJECTS,
    _NAMES,
    _REGISTRY,
    _SCOPES,
    __all__,
)
