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
import codecs
import re
import threading

import numpy as np

from . import backend
from .autodiff.tensor import Tensor, string_tensor
from .layers.hashing_functions import fingerprint64
from .layers.text_vectorization import strings_array
from .tf_api.errors import InvalidArgumentError

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


def _re2_rewrite(rewrite: str, groups: int):
    """The replacement function of an RE2 ``rewrite``: ``\\0`` is the whole match, ``\\1`` to
    ``\\9`` the groups, ``\\\\`` one backslash; every other character is itself."""
    parts = []  # str pieces and int group numbers
    i = 0
    while i < len(rewrite):
        char = rewrite[i]
        if char != "\\":
            parts.append(char)
            i += 1
            continue
        following = rewrite[i + 1:i + 2]
        if following == "\\":
            parts.append("\\")
        elif following.isdigit() and following.isascii():
            if int(following) > groups:
                raise ValueError(f"strings.regex_replace(rewrite): {rewrite!r} asks for group "
                                 f"\\{following}, but the pattern has {groups} group(s); "
                                 "use \\0 for the whole match.")
            parts.append(int(following))
        else:
            raise ValueError(f"strings.regex_replace(rewrite): {rewrite!r} has the escape "
                             f"'\\{following}'; in RE2's rewrite a backslash is followed by a "
                             "digit (a group, \\0 the whole match) or another backslash.")
        i += 2

    def replace(match) -> str:
        return "".join(match.group(part) or "" if isinstance(part, int) else part
                       for part in parts)

    return replace


def regex_replace(input, pattern: str, rewrite: str, replace_global: bool = True, name=None):
    """Each string with the matches of the regular expression ``pattern`` replaced by
    ``rewrite`` (every match, or the first with ``replace_global=False``). ``rewrite`` follows
    TensorFlow's RE2 syntax: ``\\0`` is the whole match, ``\\1`` to ``\\9`` a group and
    ``\\\\`` a backslash.

    Raises:
        ValueError: ``rewrite`` names a group the pattern lacks, or has a backslash followed
            by anything but a digit or a backslash.

    Example:
        >>> regex_replace(["a, b. c"], "[,.]", "").tolist()
        [b'a b c']
        >>> regex_replace(["a, b."], "[,.]", r" \\0 ").tolist()  # pad punctuation
        [b'a ,  b . ']
    """
    compiled = re.compile(pattern)
    replace = _re2_rewrite(rewrite, compiled.groups)
    count = 0 if replace_global else 1
    return _map(lambda text: compiled.sub(replace, text, count=count), input,
                "strings.regex_replace(input)")


def strip(input, name=None):
    """Each string without leading and trailing whitespace."""
    return _map(str.strip, input, "strings.strip(input)")


def length(input, unit: str = "BYTE", name=None):
    """The length of each string: in bytes (``unit="BYTE"``, the default) or in UTF-8
    characters (``unit="UTF8_CHAR"``), as an int32 array of the input's shape.

    Example:
        >>> length(["né", b"\xff\xfe"]).numpy().tolist()
        [3, 2]
        >>> length("né", unit="UTF8_CHAR").numpy().tolist()
        2
    """
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"strings.length(unit): expected 'BYTE' or 'UTF8_CHAR', given "
                         f"{unit!r}.")
    strings = _bytes_array(input, "strings.length(input)")
    count = (lambda data: builtins.len(data.decode("utf-8", errors="replace"))) \
        if unit == "UTF8_CHAR" else builtins.len
    return Tensor(np.array([count(data) for data in strings.ravel().tolist()],
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


_OUTPUT_ENCODINGS = {"utf-8": "utf-8", "utf8": "utf-8", "utf-16-be": "utf-16-be",
                     "utf16-be": "utf-16-be", "utf-32-be": "utf-32-be", "utf32-be": "utf-32-be"}
_ERRORS = ("replace", "ignore", "strict")
_SPANS = threading.local()  # the byte spans that one decode could not read


def _record_span(error: UnicodeDecodeError):
    _SPANS.spans.append((error.start, error.end))
    return "\ud800", error.end  # a lone surrogate: no valid decode gives one


codecs.register_error("numnet.unicode_spans", _record_span)


def _input_codec(encoding: str, where: str) -> str:
    from .tf_api.errors import InvalidArgumentError

    try:
        return codecs.lookup(str(encoding)).name
    except LookupError:
        raise InvalidArgumentError(
            None, None, f"{where}: no converter for input encoding {encoding!r}; give one "
                        f"Python's codecs know, such as 'UTF-8', 'UTF-16-BE' or "
                        f"'ISO-8859-1'.") from None


def _output_codec(encoding: str, where: str) -> str:
    from .tf_api.errors import InvalidArgumentError

    codec = _OUTPUT_ENCODINGS.get(str(encoding).lower().replace("_", "-"))
    if codec is None:
        raise InvalidArgumentError(
            None, None, f"{where}: expected an output encoding of 'UTF-8', 'UTF-16-BE' or "
                        f"'UTF-32-BE', as TensorFlow, given {encoding!r}.")
    return codec


def _check_errors(errors: str, where: str) -> None:
    if errors not in _ERRORS:
        raise ValueError(f"{where}: expected errors='replace', 'ignore' or 'strict', given "
                         f"{errors!r}.")


def _bytes_array(input, where: str) -> np.ndarray:
    """``input`` (bytes, str, a list or array of them, a string Tensor) as an object array of
    ``bytes`` of the same shape; a str is taken as UTF-8, bytes are kept as they are."""
    value = getattr(input, "value", input)
    if hasattr(value, "get") and not isinstance(value, (dict, np.ndarray)):
        value = value.get()
    if isinstance(value, (bytes, str, np.bytes_, np.str_)):
        items = np.empty((), dtype=object)
        items[()] = value
    else:
        items = np.asarray(value, dtype=object)
    flat = []
    for item in items.ravel().tolist():
        if isinstance(item, Tensor) and item.ndim == 0:
            item = item.numpy()
        if isinstance(item, str):
            item = item.encode("utf-8")
        elif not isinstance(item, bytes):
            raise TypeError(f"{where}: expected strings (str or bytes), given "
                            f"{type(item).__name__} {item!r}.")
        flat.append(item)
    out = np.empty(builtins.len(flat), dtype=object)
    out[:] = flat
    return out.reshape(items.shape)


def _decode(data: bytes, codec: str, errors: str, replacement_char: int,
            replace_control_characters: bool = False) -> tuple[list, list]:
    """The code points of ``data`` and the byte offset where each starts. An unreadable
    span gives ``replacement_char`` ('replace'), nothing ('ignore') or an error ('strict'),
    one for each span Python's codec reports (for UTF-8 the maximal parts, as ICU's)."""
    _SPANS.spans = []
    text = data.decode(codec, errors="numnet.unicode_spans")
    spans = iter(_SPANS.spans)
    points, starts, position = [], [], 0
    for char in text:
        if char == "\ud800":
            start, position = next(spans)
            if errors == "strict":
                from .tf_api.errors import InvalidArgumentError

                raise InvalidArgumentError(
                    None, None, f"strings.unicode_decode: invalid formatting on input string "
                                f"{data!r} at byte {start} for {codec}; pass "
                                f"errors='replace' or 'ignore' to read past it.")
            if errors == "replace":
                points.append(int(replacement_char))
                starts.append(start)
            continue
        point = ord(char)
        if replace_control_characters and point < 0x20:
            point = int(replacement_char)
        points.append(point)
        starts.append(position)
        position += builtins.len(char.encode(codec))
    return points, starts


def _encode(points, codec: str, errors: str, replacement_char: int) -> bytes:
    """The code points ``points`` as bytes in ``codec``; a value that is no code point (below
    0, above 0x10FFFF, a surrogate) gives ``replacement_char`` ('replace'), nothing
    ('ignore') or an error ('strict')."""
    chars = []
    for point in points:
        point = int(point)
        if point < 0 or point > 0x10FFFF or 0xD800 <= point <= 0xDFFF:
            if errors == "strict":
                from .tf_api.errors import InvalidArgumentError

                raise InvalidArgumentError(
                    None, None, f"strings.unicode_encode: code point {point} is out of range "
                                f"for Unicode, or is a surrogate; pass errors='replace' or "
                                f"'ignore' to write past it.")
            if errors == "ignore":
                continue
            point = int(replacement_char)
        chars.append(chr(point))
    return "".join(chars).encode(codec)


def _decoded(input, input_encoding: str, errors: str, replacement_char: int,
             replace_control_characters: bool, where: str, build):
    """``build(points, starts)`` of each string of ``input``: one string gives it as it is,
    an array of strings a RaggedTensor (one row a string, the array's shape outside), a
    RaggedTensor of strings one more ragged dimension."""
    from .tf_api.ragged import RaggedTensor

    if isinstance(input, RaggedTensor):
        inner = _decoded(input.flat_values, input_encoding, errors, replacement_char,
                         replace_control_characters, where, build)
        return tuple(input.with_flat_values(part) for part in inner)
    _check_errors(errors, where)
    codec = _input_codec(input_encoding, where)
    strings = _bytes_array(input, where)
    rows = [build(*_decode(data, codec, errors, replacement_char, replace_control_characters))
            for data in strings.ravel().tolist()]
    if strings.ndim == 0:
        return rows[0]
    out = []
    for part, empty in enumerate(build([], [])):
        pieces = [row[part].value for row in rows]
        if empty.value.dtype == object:
            flat = np.empty(builtins.sum(builtins.len(p) for p in pieces), dtype=object)
            flat[:] = [item for p in pieces for item in p.tolist()]
            values = string_tensor(flat)
        else:
            values = Tensor(np.concatenate([empty.value, *pieces]))
        out.append(_ragged(strings, pieces, values))
    return tuple(out)


def _points(points, starts):
    return (Tensor(np.array(points, dtype=np.int32)),)


def _points_and_starts(points, starts):
    return Tensor(np.array(points, dtype=np.int32)), Tensor(np.array(starts, dtype=np.int64))


def unicode_decode(input, input_encoding: str = "UTF-8", errors: str = "replace",
                   replacement_char: int = 65533, replace_control_characters: bool = False,
                   name=None):
    """The Unicode code points of each string as int32: a Tensor for one string, a
    RaggedTensor for several (one row a string; an N-D array of strings gives N+1
    dimensions, the last ragged; a RaggedTensor of strings one more ragged dimension), as
    TensorFlow.

    Args:
        input: bytes or str (str is taken as UTF-8), or a list, array, string Tensor or
            RaggedTensor of them.
        input_encoding: the encoding of the bytes: "UTF-8", "UTF-16-BE", "UTF-32-BE", or any
            name Python's codecs know ("ISO-8859-1", ...). Defaults to "UTF-8".
        errors: what an unreadable byte sequence gives: "replace" (``replacement_char``, one
            for each maximal unreadable part), "ignore" (nothing) or "strict" (an error).
            Defaults to "replace".
        replacement_char: the code point put in place of what cannot be read. Defaults to
            65533 (U+FFFD).
        replace_control_characters: also put ``replacement_char`` in place of the C0
            control characters U+0000 to U+001F. Defaults to False.

    Raises:
        InvalidArgumentError: an unknown encoding, or unreadable bytes with errors="strict".

    Example:
        >>> unicode_decode("né").numpy().tolist()
        [110, 233]
        >>> unicode_decode(b"a\xff", errors="replace", replacement_char=63).numpy().tolist()
        [97, 63]
    """
    (out,) = _decoded(input, input_encoding, errors, replacement_char,
                      replace_control_characters, "strings.unicode_decode(input)", _points)
    return out


def unicode_decode_with_offsets(input, input_encoding: str = "UTF-8", errors: str = "replace",
                                replacement_char: int = 65533,
                                replace_control_characters: bool = False, name=None):
    """``unicode_decode``'s code points and, beside them, the byte offset in the input where
    each character starts (int64), in the same shape. The arguments are ``unicode_decode``'s;
    with errors="ignore" the offsets of the characters kept still count the bytes skipped.

    Example:
        >>> points, offsets = unicode_decode_with_offsets("né!")
        >>> offsets.numpy().tolist()
        [0, 1, 3]
    """
    return _decoded(input, input_encoding, errors, replacement_char, replace_control_characters,
                    "strings.unicode_decode_with_offsets(input)", _points_and_starts)


def _split_builder(codec: str, errors: str, replacement_char: int, with_starts: bool):
    def build(points, starts):
        pieces = np.empty(builtins.len(points), dtype=object)
        pieces[:] = [_encode([p], codec, errors, replacement_char) for p in points]
        out = (string_tensor(pieces),)
        return out + (Tensor(np.array(starts, dtype=np.int64)),) if with_starts else out
    return build


def unicode_split(input, input_encoding: str = "UTF-8", errors: str = "replace",
                  replacement_char: int = 65533, name=None):
    """The characters of each string, each as its own string of bytes in ``input_encoding``: a
    string Tensor for one string, a RaggedTensor (one row a string) for several, as
    TensorFlow. The arguments are ``unicode_decode``'s; ``input_encoding`` must be one
    ``unicode_encode`` writes ("UTF-8", "UTF-16-BE", "UTF-32-BE").

    Example:
        >>> unicode_split("né").tolist()
        [b'n', b'\xc3\xa9']
    """
    codec = _output_codec(input_encoding, "strings.unicode_split(input_encoding)")
    build = _split_builder(codec, errors, replacement_char, with_starts=False)
    (out,) = _decoded(input, input_encoding, errors, replacement_char, False,
                      "strings.unicode_split(input)", build)
    return out


def unicode_split_with_offsets(input, input_encoding: str = "UTF-8", errors: str = "replace",
                               replacement_char: int = 65533, name=None):
    """``unicode_split``'s characters and, beside them, the byte offset in the input where
    each starts (int64), in the same shape, as TensorFlow.

    Example:
        >>> chars, starts = unicode_split_with_offsets(["Gö", "😊"])
        >>> chars.to_list(), starts.to_list()
        ([[b'G', b'\xc3\xb6'], [b'\xf0\x9f\x98\x8a']], [[0, 1], [0]])
    """
    codec = _output_codec(input_encoding, "strings.unicode_split_with_offsets(input_encoding)")
    build = _split_builder(codec, errors, replacement_char, with_starts=True)
    return _decoded(input, input_encoding, errors, replacement_char, False,
                    "strings.unicode_split_with_offsets(input)", build)


def unicode_encode(input, output_encoding: str = "UTF-8", errors: str = "replace",
                   replacement_char: int = 65533, name=None):
    """The string of each row of Unicode code points (the inverse of ``unicode_decode``): one
    string for a 1-D input, a string Tensor of one string per row for N-D, a RaggedTensor of
    strings (one fewer ragged dimension) for a RaggedTensor of code points, as TensorFlow.

    Args:
        input: int code points: a list, array, Tensor or RaggedTensor, the last axis the
            characters of one string.
        output_encoding: "UTF-8", "UTF-16-BE" or "UTF-32-BE". Defaults to "UTF-8".
        errors: what a value that is no code point (below 0, above 0x10FFFF, a surrogate)
            gives: "replace" (``replacement_char``), "ignore" (nothing) or "strict" (an
            error). Defaults to "replace".
        replacement_char: the code point written in place of such a value. Defaults to 65533.

    Raises:
        InvalidArgumentError: another output encoding, or a bad code point with
            errors="strict".

    Example:
        >>> unicode_encode([110, 233]).numpy().decode("utf-8")
        'né'
        >>> unicode_encode([[99, 97, 116], [100, 111, 103]]).tolist()
        [b'cat', b'dog']
    """
    _check_errors(errors, "strings.unicode_encode(errors)")
    codec = _output_codec(output_encoding, "strings.unicode_encode(output_encoding)")

    def encode(row):
        return _encode(np.asarray(row).reshape(-1).tolist(), codec, errors, replacement_char)

    if hasattr(input, "to_list"):  # a RaggedTensor of code points: one string a row
        if hasattr(input.values, "to_list"):
            return input.with_values(unicode_encode(input.values, output_encoding, errors,
                                                    replacement_char))
        rows = input.to_list()
        out = np.empty(builtins.len(rows), dtype=object)
        out[:] = [encode(r) for r in rows]
        return string_tensor(out)
    codes = np.asarray(getattr(input, "value", input))
    if hasattr(codes, "get") and not isinstance(codes, np.ndarray):
        codes = codes.get()
    if codes.dtype == object or codes.ndim == 0:
        rows = list(codes) if codes.ndim else [codes]
        out = np.empty(builtins.len(rows), dtype=object)
        out[:] = [encode(r) for r in rows]
        return string_tensor(out)
    if codes.ndim == 1:
        return string_tensor(encode(codes))
    flat = codes.reshape(-1, codes.shape[-1])
    out = np.empty(flat.shape[0], dtype=object)
    out[:] = [encode(row) for row in flat]
    return string_tensor(out.reshape(codes.shape[:-1]))


def unicode_transcode(input, input_encoding: str, output_encoding: str,
                      errors: str = "replace", replacement_char: int = 65533,
                      replace_control_characters: bool = False, name=None):
    """Each string read in ``input_encoding`` and written in ``output_encoding``, in the same
    shape, as TensorFlow: what cannot be read gives ``replacement_char`` ("replace"), nothing
    ("ignore") or an error ("strict").

    Args:
        input: bytes or str, or a list, array or string Tensor of them.
        input_encoding: as ``unicode_decode``'s ("UTF8" and "UTF-8" both name UTF-8).
        output_encoding: "UTF-8", "UTF-16-BE" or "UTF-32-BE".
        errors, replacement_char, replace_control_characters: as ``unicode_decode``'s.
            Defaults to "replace", 65533 and False.

    Example:
        >>> unicode_transcode("语", "UTF8", "UTF-16-BE").numpy()
        b'\x8b\xed'
    """
    where = "strings.unicode_transcode(input)"
    _check_errors(errors, where)
    source = _input_codec(input_encoding, where)
    target = _output_codec(output_encoding, "strings.unicode_transcode(output_encoding)")
    strings = _bytes_array(input, where)
    out = np.empty(strings.shape, dtype=object)
    out.ravel()[:] = [
        _encode(_decode(data, source, errors, replacement_char, replace_control_characters)[0],
                target, "replace", replacement_char)
        for data in strings.ravel().tolist()]
    return string_tensor(out[()] if out.ndim == 0 else out)


def unicode_script(input, name=None):
    """The ICU script code (int32) of each Unicode code point in ``input``, in its shape, as
    TensorFlow: 0 Common (digits, punctuation, spaces), 1 Inherited, 8 Cyrillic, 14 Greek,
    17 Han, 20 Hiragana, 22 Katakana, 25 Latin, 103 Unknown (unassigned code points), and -1
    for a value that is no code point (below 0 or above 0x10FFFF).

    Args:
        input: int32 code points: a list, array or Tensor (RaggedTensors through tf's
            dispatch).

    Example:
        >>> unicode_script([33464, 1041]).numpy().tolist()  # '芸', 'Б'
        [17, 8]
    """
    from .tf_api.unicode_scripts import script_codes

    points = np.asarray(getattr(input, "value", input))
    if hasattr(points, "get") and not isinstance(points, np.ndarray):
        points = points.get()
    if points.dtype.kind not in "iu":
        raise TypeError(f"strings.unicode_script(input): expected int32 code points, given "
                        f"dtype {points.dtype}; decode strings first with "
                        f"tf.strings.unicode_decode.")
    return Tensor(script_codes(points))


def substr(input, pos, len, unit: str = "BYTE", name=None):  # noqa: A002
    """The part of each string from ``pos`` (negative: from the end), ``len`` long, counted in
    bytes (``unit="BYTE"``: a piece may end inside a character, its bytes kept as they are) or
    in UTF-8 characters (``unit="UTF8_CHAR"``).

    ``pos`` and ``len`` are numbers, or one per string (their shapes broadcast with the
    strings'), as TensorFlow's.

    Raises:
        InvalidArgumentError: ``pos`` is outside a string, as TensorFlow (a ValueError).

    Example:
        >>> substr(["Hello World"], 6, 5).tolist()
        [b'World']
        >>> substr(["hello", "world"], [0, 1], [2, 3]).tolist()
        [b'he', b'orl']
    """
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f"strings.substr(unit): expected 'BYTE' or 'UTF8_CHAR', given "
                         f"{unit!r}.")
    def part(data, where, size):
        text = data if unit == "BYTE" else data.decode("utf-8", errors="replace")
        start = where + (builtins.len(text) if where < 0 else 0)
        if not 0 <= start <= builtins.len(text):
            raise InvalidArgumentError(None, None, f"strings.substr: pos {where} is outside "
                                       f"{data!r} (length {builtins.len(text)} in {unit}).")
        piece = text[start:start + size]
        return piece if unit == "BYTE" else piece.encode("utf-8")

    strings = _bytes_array(input, "strings.substr(input)")
    starts = np.asarray(_plain_ints(pos), dtype=np.int64)
    sizes = np.asarray(_plain_ints(len), dtype=np.int64)
    try:  # pos and len: scalars, or one per string (broadcast), as TensorFlow's
        strings, starts, sizes = np.broadcast_arrays(strings, starts, sizes)
    except ValueError:
        raise ValueError(f"strings.substr(pos, len): shapes {starts.shape} and {sizes.shape} "
                         f"do not broadcast to the strings' {strings.shape}; give scalars or "
                         "one per string.") from None
    out = np.empty(strings.shape, dtype=object)
    out.ravel()[:] = [part(data, int(p), int(n)) for data, p, n in
                      zip(strings.ravel().tolist(), starts.ravel(), sizes.ravel())]
    return string_tensor(out[()] if out.ndim == 0 else out)


def _plain_ints(value):
    """Python / NumPy ints of a number, list or Tensor."""
    if isinstance(value, Tensor):
        return np.asarray(backend.to_numpy(value.value))
    return value



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
           "unicode_script", "unicode_split", "unicode_split_with_offsets", "unicode_transcode",
           "upper"]
