"""TensorFlow's ``tf.strings`` functions that text pipelines use.

    import numnet as tf
    tf.strings.lower(["The <br />Cat"]).numpy()                  # array([b'the <br />cat'])
    tf.strings.regex_replace(["a<br />b"], "<br />", " ").numpy()  # array([b'a b'])

They take a str, bytes, a list or NumPy array of them, or a Tensor of strings (bytes are
decoded as UTF-8), and return, as TensorFlow's, a string Tensor of the same shape whose
``numpy()`` gives ``bytes`` (a single ``bytes`` for one string: ``.numpy().decode("utf-8")``);
numbers (``length``, ``to_number``, ``regex_full_match``, ``to_hash_bucket_fast``) come as
Tensors of numbers. ``split``, ``bytes_split``, ``unicode_split`` and ``unicode_decode`` of
several strings give a RaggedTensor, as TensorFlow's. A custom ``standardize`` of
``TextVectorization`` may return any of these. ``lower`` and ``upper`` change ASCII letters
only, as TensorFlow's do without an ``encoding``. Nothing here is differentiable.
"""

from __future__ import annotations

import builtins
import re

import numpy as np

from .autodiff.tensor import Tensor, string_tensor
from .layers.hashing_functions import fingerprint64
from .layers.text_vectorization import strings_array

_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _map(fn, input, where: str):
    strings = strings_array(input, where=where)
    out = np.empty(strings.shape, dtype=object)
    out.ravel()[:] = [fn(text) for text in strings.ravel().tolist()]
    return string_tensor(out[()] if out.ndim == 0 else out)


def lower(input, encoding: str = "", name=None):
    """Each string with ASCII A-Z made lower case (with ``encoding="utf-8"``, every letter).

    Example:
        >>> lower(["Hello World"]).tolist()
        [b'hello world']
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
        [b'a b c']
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
    return Tensor(np.array([count(text) for text in strings.ravel().tolist()],
                           dtype=np.int32).reshape(strings.shape))


def split(input, sep=None, maxsplit: int = -1, name=None):
    """Each string cut at ``sep`` (None: runs of whitespace, empty pieces dropped). One string
    gives a string Tensor of its pieces; several give a RaggedTensor of them (one row a
    string), as TensorFlow.

    Example:
        >>> split("Gray wolf", sep=" ").tolist()
        [b'Gray', b'wolf']
    """
    strings = strings_array(input, where="strings.split(input)")
    pieces = [text.split(sep, maxsplit) for text in strings.ravel().tolist()]
    return _one_string_pieces(pieces[0]) if strings.ndim == 0 else _ragged(strings, pieces)


def _one_string_pieces(pieces: list):
    out = np.empty(len(pieces), dtype=object)
    out[:] = pieces
    return string_tensor(out)


def _ragged(strings: np.ndarray, pieces: list, values=None):
    """The pieces of each string as a RaggedTensor, as TensorFlow: one ragged row a string,
    in rows shaped like ``strings``; ``values`` the flat pieces as a Tensor (strings when
    None)."""
    from .tf_api.ragged import RaggedTensor

    if values is None:
        values = _one_string_pieces([p for row in pieces for p in row])
    out = RaggedTensor.from_row_lengths(values, [builtins.len(row) for row in pieces])
    for size in reversed(strings.shape[1:]):
        out = RaggedTensor.from_row_splits(out, np.arange(0, out.nrows_int() + 1, size))
    return out


def join(inputs, separator: str = "", name=None):
    """The strings of ``inputs`` (a list of equally shaped arrays) joined element by element."""
    arrays = [strings_array(x, where="strings.join(inputs)") for x in inputs]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    arrays = [np.broadcast_to(a, shape).ravel().tolist() for a in arrays]
    out = np.empty(int(np.prod(shape, dtype=np.int64)), dtype=object)
    out[:] = [separator.join(parts) for parts in zip(*arrays, strict=True)]
    out = out.reshape(shape)
    return string_tensor(out[()] if out.ndim == 0 else out)


def to_number(string_tensor, out_type="float32", name=None):
    """Each string read as a number, as a NumPy array of ``out_type`` (float32 by default;
    "int32" / "int64" read integers).

    Args:
        string_tensor: a string, a list (of lists) or an array of strings.
        out_type: "float32", "float64", "int32" or "int64". Defaults to ``"float32"``.

    Raises:
        ValueError: a string is not a number of that type (it is named).

    Example:
        >>> to_number(["1", "10", "100.5"]).tolist()
        [1.0, 10.0, 100.5]
    """
    try:
        dtype = np.dtype(getattr(out_type, "name", out_type))
    except TypeError:
        dtype = np.dtype(object)
    if dtype.kind not in "fi":
        raise ValueError(f"strings.to_number(out_type): expected a float or int dtype, given "
                         f"{out_type!r}.")
    strings = strings_array(string_tensor, where="strings.to_number(string_tensor)")
    read = float if dtype.kind == "f" else int

    def number(text):
        try:
            return read(text.strip())
        except ValueError:
            raise ValueError(f"strings.to_number: {text!r} is not a number of type "
                             f"{dtype.name}.") from None

    values = np.array([number(t) for t in strings.ravel().tolist()], dtype=dtype)
    return Tensor(values.reshape(strings.shape))


def as_string(input, precision: int = -1, scientific: bool = False, shortest: bool = False,
              width: int = -1, fill: str = "", name=None):
    """Each number written as a string: integers and booleans plainly, floats with 6 decimals
    (``precision`` to choose, ``scientific`` for e-notation, ``shortest`` for the shortest
    form), each padded on the left to ``width`` with ``fill`` (spaces by default), as
    TensorFlow's.

    Example:
        >>> as_string([3.5, 2.0]).tolist(), as_string([7, 42], width=3, fill="0").tolist()
        ([b'3.500000', b'2.000000'], [b'007', b'042'])
    """
    values = np.asarray(getattr(input, "value", input))
    digits = 6 if precision < 0 else int(precision)
    spec = "g" if shortest else ("e" if scientific else "f")
    fmt = f"{{:.{digits}{spec}}}" if not shortest or precision >= 0 else "{!r}"

    def write(v):
        if values.dtype.kind == "f":
            return fmt.format(float(v))
        if values.dtype.kind == "b":
            return "true" if v else "false"
        return str(v)
    pad = fill or " "
    out = np.empty(values.shape, dtype=object)
    out.ravel()[:] = [write(v).rjust(width, pad) if width > 0 else write(v)
                      for v in values.ravel().tolist()]
    return string_tensor(out[()] if out.ndim == 0 else out)


def bytes_split(input, name=None):
    """The UTF-8 bytes of each string, one ``bytes`` of length 1 each: a string Tensor for one
    string, a RaggedTensor (one row a string) for several, as TensorFlow."""
    strings = strings_array(input, where="strings.bytes_split(input)")
    pieces = [[bytes([b]) for b in text.encode("utf-8")] for text in strings.ravel().tolist()]
    return _one_string_pieces(pieces[0]) if strings.ndim == 0 else _ragged(strings, pieces)


def unicode_split(input, input_encoding: str = "UTF-8", errors: str = "replace", name=None):
    """The characters of each string (UTF-8 bytes): a string Tensor for one string, a
    RaggedTensor (one row a string) for several, as TensorFlow."""
    strings = strings_array(input, where="strings.unicode_split(input)")
    pieces = [list(text) for text in strings.ravel().tolist()]
    return _one_string_pieces(pieces[0]) if strings.ndim == 0 else _ragged(strings, pieces)


def unicode_decode(input, input_encoding: str = "UTF-8", errors: str = "replace",
                   replacement_char: int = 65533, name=None):
    """The Unicode code points of each string as int32: a Tensor for one string, a
    RaggedTensor (one row a string) for several, as TensorFlow.

    Example:
        >>> unicode_decode("né").numpy().tolist()
        [110, 233]
    """
    strings = strings_array(input, where="strings.unicode_decode(input)")
    points = [np.array([ord(c) for c in text], dtype=np.int32)
              for text in strings.ravel().tolist()]
    if strings.ndim == 0:
        return Tensor(points[0])
    flat = np.concatenate(points) if points else np.zeros(0, dtype=np.int32)
    return _ragged(strings, points, Tensor(flat))


def unicode_decode_with_offsets(input, input_encoding: str = "UTF-8", errors: str = "replace",
                                replacement_char: int = 65533, name=None):
    """``unicode_decode``'s code points and, beside them, the UTF-8 byte offset where each
    character starts (int64), in the same shape.

    Example:
        >>> points, offsets = unicode_decode_with_offsets("né!")
        >>> offsets.numpy().tolist()
        [0, 1, 3]
    """
    strings = strings_array(input, where="strings.unicode_decode_with_offsets(input)")
    starts = [np.cumsum([0] + [builtins.len(c.encode("utf-8")) for c in text])[:-1].astype(
        np.int64) for text in strings.ravel().tolist()]
    points = unicode_decode(input, input_encoding, errors, replacement_char)
    if strings.ndim == 0:
        return points, Tensor(starts[0])
    flat = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    return points, _ragged(strings, starts, Tensor(flat))


def unicode_encode(input, output_encoding: str = "UTF-8", errors: str = "replace",
                   replacement_char: int = 65533, name=None):
    """The string of each row of Unicode code points (the inverse of ``unicode_decode``): one
    string for a 1-D input, a string Tensor of one string per row for 2-D.

    Example:
        >>> unicode_encode([110, 233]).numpy().decode("utf-8")
        'né'
    """
    if hasattr(input, "to_list"):  # a RaggedTensor of code points: one string a row
        if hasattr(input.values, "to_list"):
            return input.with_values(unicode_encode(input.values, output_encoding))
        rows = input.to_list()
        return string_tensor(np.array(["".join(map(chr, r)) for r in rows], dtype=object))
    codes = np.asarray(getattr(input, "value", input))
    if codes.dtype == object or codes.ndim == 0:
        rows = [np.asarray(r).reshape(-1) for r in (codes if codes.ndim else [codes])]
        return string_tensor(np.array(["".join(map(chr, r)) for r in rows], dtype=object))
    if codes.ndim == 1:
        return string_tensor("".join(chr(int(c)) for c in codes))
    flat = codes.reshape(-1, codes.shape[-1])
    out = np.array(["".join(chr(int(c)) for c in row) for row in flat], dtype=object)
    return string_tensor(out.reshape(codes.shape[:-1]))


def substr(input, pos, len, unit: str = "BYTE", name=None):  # noqa: A002
    """The part of each string from ``pos`` (negative: from the end), ``len`` long, counted in
    UTF-8 bytes (``unit="BYTE"``) or characters (``unit="UTF8_CHAR"``).

    Raises:
        ValueError: ``pos`` is outside a string, as TensorFlow.

    Example:
        >>> substr(["Hello World"], 6, 5).tolist()
        [b'World']
    """
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"strings.substr(unit): expected 'BYTE' or 'UTF8_CHAR', given "
                         f"{unit!r}.")
    size = int(len)

    def part(text):
        data = text.encode("utf-8") if unit == "BYTE" else text
        start = int(pos) + (builtins.len(data) if int(pos) < 0 else 0)
        if not 0 <= start <= builtins.len(data):
            raise ValueError(f"strings.substr: pos {int(pos)} is outside {text!r} (length "
                             f"{builtins.len(data)}).")
        piece = data[start:start + size]
        return piece.decode("utf-8", errors="replace") if unit == "BYTE" else piece

    return _map(part, input, "strings.substr(input)")



def reduce_join(inputs, axis=None, keepdims: bool = False, separator: str = "", name=None):
    """The strings joined along ``axis`` (all of them when None), with ``separator`` between.

    Example:
        >>> reduce_join([["a", "b"], ["c", "d"]], axis=1, separator="-").tolist()
        [b'a-b', b'c-d']
    """
    strings = strings_array(inputs, where="strings.reduce_join(inputs)")
    if axis is None:
        out = np.array(separator.join(strings.ravel().tolist()), dtype=object)
        if keepdims:
            out = out.reshape((1,) * strings.ndim)
        return string_tensor(out[()] if out.ndim == 0 else out)
    axis = int(axis) % max(strings.ndim, 1)
    moved = np.moveaxis(strings, axis, -1)
    out = np.empty(moved.shape[:-1], dtype=object)
    out.ravel()[:] = [separator.join(row) for row in moved.reshape(-1, moved.shape[-1]).tolist()]
    if keepdims:
        out = np.expand_dims(out, axis)
    return string_tensor(out[()] if out.ndim == 0 else out)


def regex_full_match(input, pattern: str, name=None):
    """Whether each whole string matches the regular expression ``pattern``, as a bool array.

    Example:
        >>> regex_full_match(["ab12", "x"], "[a-z]+[0-9]+").tolist()
        [True, False]
    """
    compiled = re.compile(pattern)
    strings = strings_array(input, where="strings.regex_full_match(input)")
    return Tensor(np.array([compiled.fullmatch(t) is not None
                            for t in strings.ravel().tolist()], dtype=bool).reshape(strings.shape))


def to_hash_bucket_fast(input, num_buckets: int, name=None):
    """Each string hashed to a bucket in ``[0, num_buckets)`` by FarmHash's Fingerprint64
    modulo ``num_buckets``, as TensorFlow's (the same numbers), as an int64 array.

    Example:
        >>> to_hash_bucket_fast(["Hello", "TensorFlow", "2.x"], 3).tolist()
        [0, 2, 2]
    """
    if int(num_buckets) < 1:
        raise ValueError(f"strings.to_hash_bucket_fast(num_buckets): expected a positive int, "
                         f"given {num_buckets!r}.")
    strings = strings_array(input, where="strings.to_hash_bucket_fast(input)")
    return Tensor(np.array([fingerprint64(t.encode("utf-8")) % int(num_buckets)
                            for t in strings.ravel().tolist()],
                           dtype=np.int64).reshape(strings.shape))


__all__ = ["as_string", "bytes_split", "join", "length", "lower", "reduce_join",
           "regex_full_match", "regex_replace", "split", "strip", "substr", "to_hash_bucket_fast",
           "to_number", "unicode_decode", "unicode_decode_with_offsets", "unicode_encode",
           "unicode_split", "upper"]
