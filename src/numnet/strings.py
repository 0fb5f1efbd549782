"""TensorFlow's ``tf.strings`` functions that text pipelines use, on NumPy arrays of strings.

    import numnet as tf
    tf.strings.lower(["The <br />Cat"])                        # array(['the <br />cat'])
    tf.strings.regex_replace(["a<br />b"], "<br />", " ")        # array(['a b'])

A custom ``standardize`` of ``TextVectorization`` gets the batch as a NumPy array of ``str``
(object dtype) and may return one; these functions take such arrays (or a str, a list, bytes,
a Tensor of strings) and return an object array of ``str`` of the same shape (a ``str`` for a
single string). Bytes are decoded as UTF-8. ``lower`` and ``upper`` change ASCII letters only,
as TensorFlow's do without an ``encoding``. Nothing here is differentiable.
"""

from __future__ import annotations

import re

import numpy as np

from .layers.text_vectorization import strings_array

_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _map(fn, input, where: str):
    strings = strings_array(input, where=where)
    out = np.empty(strings.shape, dtype=object)
    out.ravel()[:] = [fn(text) for text in strings.ravel().tolist()]
    return out[()] if out.ndim == 0 else out


def lower(input, encoding: str = "", name=None):
    """Each string with ASCII A-Z made lower case (with ``encoding="utf-8"``, every letter).

    Example:
        >>> lower(["Hello World"]).tolist()
        ['hello world']
    """
    if encoding:
        return _map(str.lower, input, "strings.lower(input)")
    return _map(lambda text: text.translate(_LOWER), input, "strings.lower(input)")


def upper(input, encoding: str = "", name=None):
    """Each string with ASCII a-z made upper case (with ``encoding="utf-8"``, every letter)."""
    if encoding:
        return _map(str.upper, input, "strings.upper(input)")
    return _map(lambda text: text.translate(_UPPER), input, "strings.upper(input)")


def regex_replace(input, pattern: str, rewrite: str, replace_global: bool = True, name=None):
    """Each string with the matches of the regular expression ``pattern`` replaced by
    ``rewrite`` (every match, or the first with ``replace_global=False``). ``\\1`` in
    ``rewrite`` is a group, as in TensorFlow's RE2 syntax.

    Example:
        >>> regex_replace(["a, b. c"], "[,.]", "").tolist()
        ['a b c']
    """
    compiled = re.compile(pattern)
    count = 0 if replace_global else 1
    return _map(lambda text: compiled.sub(rewrite, text, count=count), input,
                "strings.regex_replace(input)")


def strip(input, name=None):
    """Each string without leading and trailing whitespace."""
    return _map(str.strip, input, "strings.strip(input)")


def length(input, unit: str = "BYTE", name=None):
    """The length of each string: in UTF-8 bytes (``unit="BYTE"``, the default) or in
    characters (``unit="UTF8_CHAR"``), as an int32 array."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"strings.length(unit): expected 'BYTE' or 'UTF8_CHAR', given "
                         f"{unit!r}.")
    strings = strings_array(input, where="strings.length(input)")
    count = len if unit == "UTF8_CHAR" else (lambda text: len(text.encode("utf-8")))
    return np.array([count(text) for text in strings.ravel().tolist()],
                    dtype=np.int32).reshape(strings.shape)


def split(input, sep=None, maxsplit: int = -1, name=None):
    """Each string cut at ``sep`` (None: runs of whitespace, empty pieces dropped), as a list of
    lists of str (TensorFlow gives a RaggedTensor, which numnet has not); a single string
    gives one list."""
    strings = strings_array(input, where="strings.split(input)")
    pieces = [text.split(sep, maxsplit) for text in strings.ravel().tolist()]
    return pieces[0] if strings.ndim == 0 else pieces


def join(inputs, separator: str = "", name=None):
    """The strings of ``inputs`` (a list of equally shaped arrays) joined element by element."""
    arrays = [strings_array(x, where="strings.join(inputs)") for x in inputs]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    arrays = [np.broadcast_to(a, shape).ravel().tolist() for a in arrays]
    out = np.empty(int(np.prod(shape, dtype=np.int64)), dtype=object)
    out[:] = [separator.join(parts) for parts in zip(*arrays, strict=True)]
    out = out.reshape(shape)
    return out[()] if out.ndim == 0 else out


__all__ = ["join", "length", "lower", "regex_replace", "split", "strip", "upper"]
