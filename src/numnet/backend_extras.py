"""Keras 3's ``keras.backend`` names beyond numnet's settings: ``backend()``, ``get_uid``,
``is_keras_tensor``, and the dtype helpers of ``numnet.dtype_rules`` (``standardize_dtype``,
``result_type``, ``is_int_dtype``, ``is_float_dtype``).

``numnet.backend`` sits on the lowest floor and cannot import the layers (for
``is_keras_tensor``); this module, above them, adds these names to it when numnet is imported.
"""

from __future__ import annotations

from . import backend as _backend_module
from . import naming
from .dtype_rules import is_float_dtype, is_int_dtype, result_type, standardize_dtype
from .layers.base import SymbolicTensor


def backend() -> str:
    """The name of the array library numnet computes with: "numpy" (CuPy on a GPU is NumPy's
    twin), as ``numnet.config.backend()``."""
    return "numpy"


def get_uid(prefix: str = "") -> int:
    """The next number for ``prefix``: 1 the first time, then 2, 3, ...; the count is the one
    that names layers ("dense", "dense_1", ...), and ``clear_session()`` restarts it.

    Args:
        prefix: the name the count is for. Defaults to ``""``.

    Example:
        >>> numnet.backend.clear_session()
        >>> numnet.backend.get_uid("x"), numnet.backend.get_uid("x")
        (1, 2)
    """
    naming._name_counts[prefix] += 1
    return naming._name_counts[prefix]


def is_keras_tensor(x) -> bool:
    """True for a symbolic tensor (what ``Input(shape=...)`` and layers called on it give),
    False for arrays, Tensors and anything else.

    Args:
        x: any object.
    """
    return isinstance(x, SymbolicTensor)


NAMES = {"backend": backend, "get_uid": get_uid, "is_keras_tensor": is_keras_tensor,
         "is_float_dtype": is_float_dtype, "is_int_dtype": is_int_dtype,
         "result_type": result_type, "standardize_dtype": standardize_dtype}
for _name, _value in NAMES.items():
    if _name != "is_float_dtype":  # numnet.backend has its own (floating dtypes by NumPy)
        setattr(_backend_module, _name, _value)
del _name, _value

# Keras 1/2's backend functions (K.sum, K.clip, K.set_value, ...), which tf.keras.backend still
# carries: numnet.backend_legacy, imported the first time a program asks for one (PEP 562), so
# ``import numnet`` does not pay for it.
_LEGACY_NAMES = None


def _lookup(name: str):
    global _LEGACY_NAMES
    if name.startswith("__"):
        raise AttributeError(name)
    from . import backend_legacy

    if _LEGACY_NAMES is None:
        _LEGACY_NAMES = frozenset(backend_legacy.__all__)
    if name in _LEGACY_NAMES:
        value = getattr(backend_legacy, name)
        setattr(_backend_module, name, value)  # found directly from now on
        return value
    known = sorted({*_LEGACY_NAMES, *(n for n in vars(_backend_module) if not n.startswith("_"))})
    hint = naming.close_matches(name, known)
    raise AttributeError(f"module 'numnet.backend' has no attribute {name!r}"
                         + (f"; did you mean {', '.join(map(repr, hint))}?" if hint else "."))


_backend_module.__getattr__ = _lookup

__all__ = ["backend", "get_uid", "is_float_dtype", "is_int_dtype", "is_keras_tensor",
           "result_type", "standardize_dtype"]
