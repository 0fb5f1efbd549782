"""Keras 3's dtype names and promotion rules: ``standardize_dtype``, ``result_type``,
``is_int_dtype`` (``keras.backend`` / ``keras.utils``).

``result_type`` follows Keras's promotion lattice (JAX's): bool < weak int < the integer
ladders < weak float < bfloat16 / float16 < float32 < float64, with Python's ``int`` and
``float`` *weak* (they take the other operand's width), and, as Keras on its NumPy and JAX
backends, 64-bit results given as 32-bit ones ("int64" -> "int32", "float64" -> "float32").
"""

from __future__ import annotations

import functools

from . import backend

BOOL_TYPES = ("bool",)
INT_TYPES = ("uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
FLOAT_TYPES = ("bfloat16", "float16", "float32", "float64")
COMPLEX_TYPES = ("complex64", "complex128")
FLOAT8_TYPES = ("float8_e4m3fn", "float8_e5m2")
ALLOWED_DTYPES = (*FLOAT_TYPES, *INT_TYPES, *BOOL_TYPES, "string", *FLOAT8_TYPES,
                  *COMPLEX_TYPES)
_PYTHON = {bool: "bool", int: "int32", float: "float32", str: "string", "int": "int32",
           complex: "complex64"}

# each type -> the types directly above it; "int" and "float" are Python's weak scalars
_ABOVE = {
    "bool": ("int",),
    "int": ("uint8", "int8", "complex64"),
    "uint8": ("int16", "uint16"), "uint16": ("int32", "uint32"), "uint32": ("int64", "uint64"),
    "uint64": ("float",),
    "int8": ("int16",), "int16": ("int32",), "int32": ("int64",), "int64": ("float",),
    "float": ("bfloat16", "float16"),
    "bfloat16": ("float32",), "float16": ("float32",), "float32": ("float64", "complex64"),
    "float64": ("complex128",), "complex64": ("complex128",), "complex128": (),
}
_TO_32 = {"int64": "int32", "uint64": "uint32", "float64": "float32",
          "complex128": "complex64"}


def standardize_dtype(dtype) -> str:
    """A dtype's Keras name: "float32", "int32", "bool", ... from a name, a NumPy dtype or type,
    a Python type (``int`` -> "int32", ``float`` -> "float32", ``bool``, ``str`` -> "string"),
    or None (``backend.floatx()``).

    Args:
        dtype: the dtype in any of those forms.

    Returns:
        The name, one of Keras's dtypes.

    Raises:
        ValueError: for a name Keras does not know (e.g. "float" or "double").

    Example:
        >>> numnet.backend.standardize_dtype(np.float64), numnet.backend.standardize_dtype(int)
        ('float64', 'int32')
    """
    if dtype is None:
        return backend.floatx()
    try:
        dtype = _PYTHON.get(dtype, dtype)
    except TypeError:  # unhashable
        pass
    if hasattr(dtype, "name") and not isinstance(dtype, str):
        dtype = dtype.name
    elif hasattr(dtype, "__name__"):
        dtype = dtype.__name__
    elif not isinstance(dtype, str) and ("torch" in str(dtype) or "jax" in str(dtype)):
        dtype = str(dtype).rsplit(".", 1)[-1]
    if dtype not in ALLOWED_DTYPES:
        raise ValueError(f"standardize_dtype(dtype): {dtype!r} is not a dtype Keras knows; "
                         f"expected one of {sorted(ALLOWED_DTYPES)}, a NumPy dtype or a Python "
                         "type (int, float, bool, str).")
    return dtype


def is_int_dtype(dtype) -> bool:
    """Whether ``dtype`` is a signed or unsigned integer type (not bool).

    Example:
        >>> numnet.backend.is_int_dtype("uint8"), numnet.backend.is_int_dtype("bool")
        (True, False)
    """
    return standardize_dtype(dtype) in INT_TYPES


def is_float_dtype(dtype) -> bool:
    """Whether ``dtype`` is a floating type (float8 included)."""
    name = standardize_dtype(dtype)
    return name in FLOAT_TYPES or name in FLOAT8_TYPES


@functools.cache
def _upper_bounds(node: str) -> frozenset:
    """``node`` and every type above it on the lattice."""
    seen, todo = {node}, [node]
    while todo:
        for up in _ABOVE[todo.pop()]:
            if up not in seen:
                seen.add(up)
                todo.append(up)
    return frozenset(seen)


def _join(nodes: frozenset) -> str:
    """The least type above all of ``nodes``."""
    for node in nodes:
        if node not in _ABOVE:
            raise ValueError(f"result_type: {node!r} takes no part in Keras's type promotion.")
    common = frozenset.intersection(*(_upper_bounds(n) for n in nodes))
    least = [c for c in common if common <= _upper_bounds(c)]
    if len(least) != 1:
        raise ValueError(f"result_type: the dtypes {sorted(nodes)} have no implicit promotion; "
                         "cast the inputs to one dtype first.")
    return least[0]


def _weak(name: str) -> str:
    if name == "bool":
        return name
    for kind in ("float", "int", "complex"):
        if kind in name:
            return kind
    raise ValueError(f"result_type: {name!r} takes no part in Keras's type promotion.")


def result_type(*dtypes) -> str:
    """The dtype of an operation's result on inputs of these dtypes, by Keras's promotion rules.

    Python's ``int`` and ``float`` are weak: ``result_type("int8", int)`` is "int8" and
    ``result_type("bfloat16", float)`` "bfloat16". 64-bit results come out 32-bit, as Keras
    gives them on its NumPy and JAX backends. With no dtypes, ``backend.floatx()``.

    Args:
        *dtypes: dtypes in any form ``standardize_dtype`` takes; None stands for floatx.

    Returns:
        The result's dtype name.

    Raises:
        ValueError: for float8 dtypes (no implicit conversion) or dtypes with no common type.

    Example:
        >>> numnet.backend.result_type("int32", "float32"), numnet.backend.result_type("int8",
        ...     "uint8")
        ('float32', 'int16')
    """
    if not dtypes:
        return backend.floatx()
    names, weak = [], []
    for dtype in dtypes:
        if dtype in FLOAT8_TYPES:
            raise ValueError(f"result_type: float8 dtypes have no implicit conversion to others; "
                             f"cast them first. Given {dtypes}.")
        if dtype is None:
            dtype = backend.floatx()
        weak.append(dtype is int or dtype is float)
        names.append(standardize_dtype(dtype))
    if len(names) == 1:
        out, out_weak = names[0], weak[0]
    elif len(set(names)) == 1 and not all(weak):
        out, out_weak = names[0], False
    elif all(weak):
        out, out_weak = _join(frozenset(names)), True
    else:
        out = _join(frozenset(_weak(n) if w else n for n, w in zip(names, weak, strict=True)))
        out_weak = out in ("int", "float")
    if out_weak and out != "bool":
        bits = backend.floatx()[-2:]
        out = "bool" if out == "bool" else (
            f"int{bits}" if out.startswith("i") else
            f"uint{bits}" if out.startswith("u") else f"float{bits}")
    return _TO_32.get(out, out)


__all__ = ["ALLOWED_DTYPES", "is_float_dtype", "is_int_dtype", "result_type",
           "standardize_dtype"]
