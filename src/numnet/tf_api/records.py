"""``tf.train.Example`` and its kin, and ``tf.io``'s parsers of them, as the TensorFlow
tutorial "TFRecord and tf.train.Example" uses them, with no protobuf dependency.

    feature = {"age": tf.train.Feature(int64_list=tf.train.Int64List(value=[42])),
               "name": tf.train.Feature(bytes_list=tf.train.BytesList(value=[b"Ada"]))}
    example = tf.train.Example(features=tf.train.Features(feature=feature))
    with tf.io.TFRecordWriter("people.tfrecord") as writer:
        writer.write(example.SerializeToString())
    spec = {"age": tf.io.FixedLenFeature([], tf.int64),
            "name": tf.io.FixedLenFeature([], tf.string)}
    people = tf.data.TFRecordDataset("people.tfrecord").map(
        lambda record: tf.io.parse_single_example(record, spec))

The messages are written in protocol buffers' wire format by hand, with the field numbers of
TensorFlow's example.proto and feature.proto (Example: features = 1; SequenceExample: context
= 1, feature_lists = 2; Features: map feature = 1; Feature: bytes_list = 1, float_list = 2,
int64_list = 3; FloatList and Int64List packed). A message serializes to the bytes TensorFlow's
``SerializeToString(deterministic=True)`` gives: map entries in the order of their keys
(TensorFlow's default order follows its hash table, so only one-key maps match it byte for
byte; the parsed values always agree). ``repr`` prints the text format as TensorFlow prints it
(entries in insertion order).

Serialized messages are untrusted input: every length is checked against the bytes really
there before it is used, varints are at most 10 bytes, unknown fields are skipped (groups
nested at most 64 deep), and a known field with the wrong wire type, invalid UTF-8 in a key, a
packed list of the wrong size or a cut-short message raises ``DecodeError`` (a ValueError)
naming the field and the byte offset.
"""

from __future__ import annotations

import collections
import math
from collections.abc import MutableMapping

import numpy as np

from ..autodiff import Tensor
from ..autodiff.tensor import string_tensor
from ..data.tfrecord import TFRecordOptions, TFRecordWriter
from .errors import InvalidArgumentError
from .ragged import RaggedTensor
from .sparse import SparseTensor


class DecodeError(ValueError):
    """A serialized message that cannot be parsed (protobuf's ``DecodeError``; also a
    ValueError)."""


# ----------------------------------------------------------------------------- wire format

_VARINT, _FIXED64, _BYTES, _GROUP_START, _GROUP_END, _FIXED32 = 0, 1, 2, 3, 4, 5
_WIRE_NAMES = {0: "varint", 1: "64-bit", 2: "length-delimited", 3: "start-group",
               4: "end-group", 5: "32-bit"}
_MAX_GROUP_DEPTH = 64


def _varint(value: int) -> bytes:
    """``value`` (0 <= value < 2**64) as a base-128 varint."""
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def _length_delimited(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | _BYTES) + _varint(len(payload)) + payload


def _read_varint(buf, pos: int, end: int, what: str) -> tuple[int, int]:
    value = shift = 0
    start = pos
    while True:
        if pos >= end:
            raise DecodeError(f"{what}: a varint at byte {start} is cut short (the message "
                              "ends inside it).")
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value & 0xFFFFFFFFFFFFFFFF, pos
        shift += 7
        if shift >= 70:
            raise DecodeError(f"{what}: a varint at byte {start} runs past 10 bytes.")


def _fields(buf, pos: int, end: int, what: str):
    """(field number, wire type, value, offset) for each field of the message in
    ``buf[pos:end]``: an int for a varint, a (start, stop) range for a length-delimited field,
    the raw bytes of a 32- or 64-bit field; groups are skipped."""
    while pos < end:
        offset = pos
        key, pos = _read_varint(buf, pos, end, what)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise DecodeError(f"{what}: field number 0 at byte {offset} (no message has one).")
        if wire == _VARINT:
            value, pos = _read_varint(buf, pos, end, what)
        elif wire == _BYTES:
            length, pos = _read_varint(buf, pos, end, what)
            if length > end - pos:
                raise DecodeError(f"{what}: field {number} at byte {offset} declares "
                                  f"{length} bytes but only {end - pos} are left in the "
                                  "message (cut short or crafted).")
            value, pos = (pos, pos + length), pos + length
        elif wire in (_FIXED32, _FIXED64):
            size = 4 if wire == _FIXED32 else 8
            if size > end - pos:
                raise DecodeError(f"{what}: field {number} at byte {offset} needs {size} "
                                  f"bytes but only {end - pos} are left.")
            value, pos = bytes(buf[pos:pos + size]), pos + size
        elif wire == _GROUP_START:
            pos = _skip_group(buf, pos, end, number, what)
            continue
        else:
            raise DecodeError(f"{what}: wire type {wire} ({_WIRE_NAMES.get(wire, 'invalid')}) "
                              f"at byte {offset} where a field starts.")
        yield number, wire, value, offset


def _skip_group(buf, pos: int, end: int, number: int, what: str) -> int:
    """The position after the group of field ``number`` that starts at ``pos`` (nested
    groups at most 64 deep, walked without recursion)."""
    open_groups = [number]
    while open_groups:
        if len(open_groups) > _MAX_GROUP_DEPTH:
            raise DecodeError(f"{what}: groups nested more than {_MAX_GROUP_DEPTH} deep at byte "
                              f"{pos} (a crafted message).")
        offset = pos
        key, pos = _read_varint(buf, pos, end, what)
        inner, wire = key >> 3, key & 7
        if wire == _VARINT:
            _, pos = _read_varint(buf, pos, end, what)
        elif wire == _BYTES:
            length, pos = _read_varint(buf, pos, end, what)
            if length > end - pos:
                raise DecodeError(f"{what}: field {inner} at byte {offset} declares {length} "
                                  f"bytes but only {end - pos} are left.")
            pos += length
        elif wire in (_FIXED32, _FIXED64):
            pos += 4 if wire == _FIXED32 else 8
            if pos > end:
                raise DecodeError(f"{what}: a fixed-size field at byte {offset} is cut short.")
        elif wire == _GROUP_START:
            open_groups.append(inner)
        elif wire == _GROUP_END:
            if inner != open_groups.pop():
                raise DecodeError(f"{what}: an end-group at byte {offset} closes field "
                                  f"{inner}, which is not the open group.")
        else:
            raise DecodeError(f"{what}: wire type {wire} (invalid) at byte {offset}.")
    return pos


def _expect(wire: int, wanted: tuple, number: int, offset: int, what: str) -> None:
    if wire not in wanted:
        names = " or ".join(_WIRE_NAMES[w] for w in wanted)
        raise DecodeError(f"{what}: field {number} at byte {offset} has wire type {wire} "
                          f"({_WIRE_NAMES.get(wire, 'invalid')}); expected {names}. The bytes "
                          "are not this message (or are damaged).")


# ----------------------------------------------------------------------------- decoding


def _decode_list(buf, start: int, end: int, kind: str, what: str):
    """The values of a BytesList (list of bytes), FloatList (float32 array) or Int64List
    (int64 array) in ``buf[start:end]``."""
    what = f"{what}.{kind}"
    if kind == "bytes_list":
        out = []
        for number, wire, value, offset in _fields(buf, start, end, what):
            if number == 1:
                _expect(wire, (_BYTES,), number, offset, what)
                out.append(bytes(buf[value[0]:value[1]]))
        return out
    if kind == "float_list":
        parts = []
        for number, wire, value, offset in _fields(buf, start, end, what):
            if number != 1:
                continue
            _expect(wire, (_BYTES, _FIXED32), number, offset, what)
            if wire == _FIXED32:
                parts.append(np.frombuffer(value, dtype="<f4"))
                continue
            size = value[1] - value[0]
            if size % 4:
                raise DecodeError(f"{what}: the packed floats at byte {offset} take {size} "
                                  "bytes, not a multiple of 4.")
            parts.append(np.frombuffer(bytes(buf[value[0]:value[1]]), dtype="<f4"))
        return (np.concatenate(parts) if parts else np.zeros(0, "<f4")).astype(np.float32)
    out = []
    for number, wire, value, offset in _fields(buf, start, end, what):
        if number != 1:
            continue
        _expect(wire, (_BYTES, _VARINT), number, offset, what)
        if wire == _VARINT:
            out.append(value)
            continue
        pos, stop = value
        while pos < stop:
            item, pos = _read_varint(buf, pos, stop, what)
            out.append(item)
    array = np.array(out, dtype=np.uint64).view(np.int64) if out else np.zeros(0, np.int64)
    return array


_KINDS = ("bytes_list", "float_list", "int64_list")


def _decode_feature(buf, start: int, end: int, what: str):
    """(kind or None, values) of a Feature: the last kind given wins; the same kind given
    twice is merged (concatenated), as protocol buffers merge."""
    kind, values = None, None
    for number, wire, value, offset in _fields(buf, start, end, what):
        if 1 <= number <= 3:
            _expect(wire, (_BYTES,), number, offset, what)
            new = _decode_list(buf, value[0], value[1], _KINDS[number - 1], what)
            if kind == _KINDS[number - 1]:
                values = (values + new if isinstance(new, list)
                          else np.concatenate([values, new]))
            else:
                kind, values = _KINDS[number - 1], new
    return kind, values


def _decode_map(buf, start: int, end: int, what: str, decode_value) -> dict:
    """A map<string, message> field's entries (key 1, value 2) from a message's bytes."""
    out = {}
    for number, wire, value, offset in _fields(buf, start, end, what):
        if number != 1:
            continue
        _expect(wire, (_BYTES,), number, offset, what)
        key, item = "", None
        for inner, inner_wire, inner_value, inner_offset in _fields(buf, *value, what):
            if inner == 1:
                _expect(inner_wire, (_BYTES,), inner, inner_offset, what)
                raw = bytes(buf[inner_value[0]:inner_value[1]])
                try:
                    key = raw.decode("utf-8")
                except UnicodeDecodeError:
                    raise DecodeError(f"{what}: the key at byte {inner_offset} is not UTF-8 "
                                      f"({raw[:20]!r}).") from None
            elif inner == 2:
                _expect(inner_wire, (_BYTES,), inner, inner_offset, what)
                item = inner_value
        out[key] = decode_value(buf, *(item or (0, 0)), f"{what}[{key!r}]")
    return out


def _decode_features(buf, start: int, end: int, what: str) -> dict:
    """{key: (kind, values)} of a Features message."""
    return _decode_map(buf, start, end, f"{what}.feature", _decode_feature)


def _decode_feature_list(buf, start: int, end: int, what: str) -> list:
    out = []
    for number, wire, value, offset in _fields(buf, start, end, what):
        if number == 1:
            _expect(wire, (_BYTES,), number, offset, what)
            out.append(_decode_feature(buf, *value, f"{what}.feature[{len(out)}]"))
    return out


def _decode_example(buf, what: str = "Example") -> dict | None:
    """{key: (kind, values)} of a serialized Example; None without a features field."""
    features = None
    for number, wire, value, offset in _fields(buf, 0, len(buf), what):
        if number == 1:
            _expect(wire, (_BYTES,), number, offset, what)
            features = {**(features or {}),
                        **_decode_features(buf, *value, f"{what}.features")}
    return features


def _decode_sequence_example(buf, what: str = "SequenceExample"):
    """(context {key: (kind, values)} or None, feature lists {key: [(kind, values)]} or
    None) of a serialized SequenceExample."""
    context = lists = None
    for number, wire, value, offset in _fields(buf, 0, len(buf), what):
        if number == 1:
            _expect(wire, (_BYTES,), number, offset, what)
            context = {**(context or {}), **_decode_features(buf, *value, f"{what}.context")}
        elif number == 2:
            _expect(wire, (_BYTES,), number, offset, what)
            inner = f"{what}.feature_lists.feature_list"
            lists = {**(lists or {}), **_decode_map(buf, *value, inner, _decode_feature_list)}
    return context, lists


# ----------------------------------------------------------------------------- messages


def _escape(data: bytes, keep_utf8: bool = False) -> str:
    """Text format's C escapes: \\n \\r \\t \\" \\' \\\\ and octal for other bytes outside
    printable ASCII (a string field's UTF-8 letters are kept as they are)."""
    special = {10: "\\n", 13: "\\r", 9: "\\t", 34: '\\"', 39: "\\'", 92: "\\\\"}
    out = []
    for byte in data:
        if byte in special:
            out.append(special[byte])
        elif 32 <= byte < 127 or (keep_utf8 and byte >= 128):
            out.append(chr(byte))
        else:
            out.append(f"\\{byte:03o}")
    text = "".join(out)
    if keep_utf8:
        text = text.encode("latin-1").decode("utf-8", errors="replace")
    return text


def _float_text(value: float) -> str:
    """A float field as text format prints it: the shortest of %.6g and %.9g that reads
    back as the same float32."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    text = f"{value:.6g}"
    if np.float32(float(text)) != np.float32(value):
        text = f"{value:.9g}"
    return text


class _Scalars:
    """A repeated scalar field (``.value`` of a BytesList, FloatList or Int64List): a list
    whose items are checked and converted as they are added."""

    def __init__(self, owner, convert):
        self._owner, self._convert, self._items = owner, convert, []

    def append(self, value) -> None:
        self._items.append(self._convert(value))
        self._owner._touch()

    def extend(self, values) -> None:
        if isinstance(values, (str, bytes)):
            raise TypeError(f"{type(self._owner).__name__}.value.extend: expected a list of "
                            f"values, given a single {type(values).__name__}; use append, or "
                            "wrap it in a list.")
        if hasattr(values, "numpy"):
            values = values.numpy()
        if isinstance(values, np.ndarray):
            values = values.reshape(-1).tolist() if values.dtype != object else list(values.flat)
        new = [self._convert(v) for v in values]
        self._items.extend(new)
        self._owner._touch()

    def _set(self, values) -> None:
        self._items.clear()
        self.extend(values)

    def __setitem__(self, index, value) -> None:
        if isinstance(index, slice):
            self._items[index] = [self._convert(v) for v in value]
        else:
            self._items[index] = self._convert(value)
        self._owner._touch()

    def __delitem__(self, index) -> None:
        del self._items[index]

    def pop(self, index: int = -1):
        return self._items.pop(index)

    def remove(self, value) -> None:
        self._items.remove(self._convert(value))

    def __getitem__(self, index):
        return self._items[index]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def __eq__(self, other) -> bool:
        if isinstance(other, _Scalars):
            other = other._items
        return list(self._items) == list(other)

    def __repr__(self) -> str:
        return repr(self._items)


def _to_bytes(value) -> bytes:
    if isinstance(value, (bytes, np.bytes_)):
        return bytes(value)
    if isinstance(value, (bytearray, memoryview)):
        return bytes(value)
    raise TypeError(f"BytesList(value): expected bytes, given {type(value).__name__} "
                    f"{value!r:.60}; encode text first (s.encode('utf-8')) or give "
                    "tensor.numpy() of a string tensor.")


def _to_float(value) -> float:
    if isinstance(value, (str, bytes)) or not hasattr(value, "__float__"):
        raise TypeError(f"FloatList(value): expected numbers, given {type(value).__name__} "
                        f"{value!r:.60}.")
    with np.errstate(over="ignore"):
        return float(np.float32(float(value)))


_INT64_LOW, _INT64_HIGH = -(2**63), 2**63 - 1


def _to_int(value) -> int:
    if isinstance(value, (bool, float, np.floating, np.bool_, str, bytes)):
        raise TypeError(f"Int64List(value): expected integers, given {type(value).__name__} "
                        f"{value!r:.60} (TensorFlow refuses booleans and floats too); "
                        "convert with int(value) first.")
    try:
        number = int(value.__index__())
    except (AttributeError, TypeError):
        raise TypeError(f"Int64List(value): expected integers, given {type(value).__name__} "
                        f"{value!r:.60}.") from None
    if not _INT64_LOW <= number <= _INT64_HIGH:
        raise ValueError(f"Int64List(value): {number} is outside int64's range "
                         f"[-2**63, 2**63 - 1].")
    return number


class _Message:
    """What the messages share: keyword construction, presence (a sub-message is written
    once it or anything in it was set), equality, copying, parsing and the text format."""

    _FIELDS: tuple = ()  # names, in field-number order

    def __init__(self, **fields):
        self._parent = None
        self._present = False
        self._init()
        for name, value in fields.items():
            if name not in self._FIELDS:
                raise ValueError(f"{type(self).__name__}: no field {name!r}; its fields are "
                                 f"{', '.join(self._FIELDS)}.")
            if value is not None:
                self._assign(name, value)

    # presence: a child's change marks every message above it present
    def _touch(self) -> None:
        self._present = True
        if self._parent is not None:
            self._parent[0]._child_set(self._parent[1])

    def _child_set(self, name: str) -> None:
        self._touch()

    def _adopt(self, child, name: str):
        child._parent = (self, name)
        return child

    def _assign(self, name, value) -> None:
        raise NotImplementedError

    def CopyFrom(self, other) -> None:  # noqa: N802 (protobuf's name)
        """Make this message equal to ``other`` (a message of the same type)."""
        if not isinstance(other, type(self)):
            raise TypeError(f"{type(self).__name__}.CopyFrom: expected a "
                            f"{type(self).__name__}, given {type(other).__name__}.")
        if other is self:
            return
        parent = self._parent
        self.__init__()
        self._parent = parent
        self._copy_fields(other)
        self._touch()

    def MergeFrom(self, other) -> None:  # noqa: N802 (protobuf's name)
        """Add ``other``'s fields to this message, as protocol buffers merge: repeated
        fields are appended, map entries and set sub-messages merged."""
        if not isinstance(other, type(self)):
            raise TypeError(f"{type(self).__name__}.MergeFrom: expected a "
                            f"{type(self).__name__}, given {type(other).__name__}.")
        self.ParseFromString(self.SerializeToString() + other.SerializeToString())

    def Clear(self) -> None:  # noqa: N802 (protobuf's name)
        """Reset every field."""
        parent = self._parent
        self.__init__()
        self._parent = parent

    def SerializeToString(self, deterministic: bool | None = None) -> bytes:  # noqa: N802
        """The message in protocol buffers' wire format (map entries in key order, as
        TensorFlow's ``deterministic=True``).

        Args:
            deterministic: accepted; numnet's output is always deterministic. Defaults to
                ``None``.
        """
        return self._serialize()

    def ByteSize(self) -> int:  # noqa: N802 (protobuf's name)
        """The length of ``SerializeToString()``."""
        return len(self._serialize())

    def ParseFromString(self, serialized) -> int:  # noqa: N802 (protobuf's name)
        """Replace this message's fields by those parsed from ``serialized`` (bytes, or a
        scalar string Tensor); returns the number of bytes read.

        Raises:
            DecodeError: bytes that are not this message (a ValueError).
        """
        data = _serialized_bytes(serialized, f"{type(self).__name__}.ParseFromString")
        parent = self._parent
        self.__init__()
        self._parent = parent
        self._load(data)
        if data:
            self._touch()
        return len(data)

    def MergeFromString(self, serialized) -> int:  # noqa: N802 (protobuf's name)
        """Parse ``serialized`` and merge it into this message."""
        data = _serialized_bytes(serialized, f"{type(self).__name__}.MergeFromString")
        self.ParseFromString(self._serialize() + data)
        return len(data)

    @classmethod
    def FromString(cls, serialized):  # noqa: N802 (protobuf's name)
        """A new message parsed from ``serialized`` (bytes, or a scalar string Tensor).

        Raises:
            DecodeError: bytes that are not this message (a ValueError).
        """
        message = cls()
        message.ParseFromString(serialized)
        return message

    def HasField(self, name: str) -> bool:  # noqa: N802 (protobuf's name)
        """Whether the sub-message field ``name`` is set."""
        if name not in self._MESSAGE_FIELDS:
            raise ValueError(f"{type(self).__name__}.HasField: {name!r} is not a singular "
                             f"message field; those are {', '.join(self._MESSAGE_FIELDS)}.")
        return self._has(name)

    _MESSAGE_FIELDS: tuple = ()

    def _has(self, name: str) -> bool:
        return getattr(self, "_" + name)._present

    def ListFields(self) -> list:  # noqa: N802 (protobuf's name)
        """(name, value) of each field that is set."""
        out = []
        for name in self._FIELDS:
            value = getattr(self, name)
            if isinstance(value, _Message):
                if self._has(name):
                    out.append((name, value))
            elif len(value):
                out.append((name, value))
        return out

    def __eq__(self, other) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self._compare_key() == other._compare_key()

    def _compare_key(self):
        return self._serialize()

    __hash__ = None

    def __str__(self) -> str:
        return "".join(line + "\n" for line in self._text())

    __repr__ = __str__

    def __reduce__(self):
        return type(self).FromString, (self.SerializeToString(),)


def _serialized_bytes(serialized, where: str) -> bytes:
    if hasattr(serialized, "numpy"):
        serialized = serialized.numpy()
    if isinstance(serialized, np.ndarray):
        if serialized.ndim != 0:
            raise ValueError(f"{where}: expected one serialized message, given an array of "
                             f"shape {serialized.shape}.")
        serialized = serialized.item()
    if isinstance(serialized, (bytes, bytearray, memoryview, np.bytes_)):
        return bytes(serialized)
    raise TypeError(f"{where}: expected bytes (a serialized message), given "
                    f"{type(serialized).__name__}.")


class _ValueList(_Message):
    """BytesList, FloatList and Int64List: one repeated field, ``value``."""

    _FIELDS = ("value",)
    _CONVERT = staticmethod(_to_bytes)

    def _init(self) -> None:
        self._value = _Scalars(self, self._CONVERT)

    @property
    def value(self) -> _Scalars:
        return self._value

    @value.setter
    def value(self, values) -> None:
        self._value._set(values)

    def _assign(self, name, value) -> None:
        self._value._set(value)

    def _copy_fields(self, other) -> None:
        self._value._items[:] = other._value._items

    def _text(self) -> list[str]:
        return [f"value: {self._format(v)}" for v in self._value]


class BytesList(_ValueList):
    """A list of byte strings, a ``Feature``'s ``bytes_list`` (``tf.train.BytesList``).

    Args:
        value: the byte strings (bytes; text must be encoded first). Defaults to none.

    Raises:
        TypeError: an item that is not bytes (e.g. a str).

    Example:
        >>> BytesList(value=[b"cat", b"dog"]).value[1]
        b'dog'
    """

    _CONVERT = staticmethod(_to_bytes)

    @staticmethod
    def _format(value) -> str:
        return f'"{_escape(value)}"'

    def _serialize(self) -> bytes:
        return b"".join(_length_delimited(1, v) for v in self._value)

    def _load(self, data: bytes) -> None:
        self._value._items[:] = _decode_list(data, 0, len(data), "bytes_list", "BytesList")


class FloatList(_ValueList):
    """A list of float32 numbers, a ``Feature``'s ``float_list`` (``tf.train.FloatList``);
    values are rounded to float32 as they are stored.

    Args:
        value: the numbers. Defaults to none.

    Raises:
        TypeError: an item that is not a number.

    Example:
        >>> FloatList(value=[0.5, 2]).value[:]
        [0.5, 2.0]
    """

    _CONVERT = staticmethod(_to_float)

    @staticmethod
    def _format(value) -> str:
        return _float_text(value)

    def _serialize(self) -> bytes:
        if not len(self._value):
            return b""
        return _length_delimited(1, np.asarray(self._value._items, dtype="<f4").tobytes())

    def _load(self, data: bytes) -> None:
        self._value._items[:] = _decode_list(data, 0, len(data), "float_list",
                                             "FloatList").tolist()


class Int64List(_ValueList):
    """A list of int64 integers, a ``Feature``'s ``int64_list`` (``tf.train.Int64List``).

    Args:
        value: the integers (Python or NumPy integers). Defaults to none.

    Raises:
        TypeError: an item that is not an integer: a float or a bool must be converted
            first (``int(flag)``), as TensorFlow requires.
        ValueError: an integer outside int64's range.

    Example:
        >>> Int64List(value=[1, int(True)]).value[:]
        [1, 1]
    """

    _CONVERT = staticmethod(_to_int)

    @staticmethod
    def _format(value) -> str:
        return str(value)

    def _serialize(self) -> bytes:
        if not len(self._value):
            return b""
        payload = b"".join(_varint(v & 0xFFFFFFFFFFFFFFFF) for v in self._value)
        return _length_delimited(1, payload)

    def _load(self, data: bytes) -> None:
        self._value._items[:] = _decode_list(data, 0, len(data), "int64_list",
                                             "Int64List").tolist()


class Feature(_Message):
    """One feature of an Example: exactly one of a ``bytes_list``, ``float_list`` or
    ``int64_list`` (the oneof ``kind``), as ``tf.train.Feature``.

    Args:
        bytes_list: a BytesList. Defaults to ``None``.
        float_list: a FloatList. Defaults to ``None``.
        int64_list: an Int64List. Defaults to ``None``.

    Setting one (or changing a value inside it) clears the others; ``WhichOneof("kind")``
    names the one set.

    Raises:
        ValueError: more than one of them given.

    Example:
        >>> feature = Feature(float_list=FloatList(value=[1.5]))
        >>> feature.WhichOneof("kind"), feature.float_list.value[0]
        ('float_list', 1.5)
    """

    _FIELDS = _KINDS
    _MESSAGE_FIELDS = _KINDS
    _LISTS = {"bytes_list": BytesList, "float_list": FloatList, "int64_list": Int64List}

    def __init__(self, **fields):
        given = [name for name, value in fields.items() if value is not None]
        if len(given) > 1:
            raise ValueError(f"Feature: give one of bytes_list, float_list and int64_list "
                             f"(the oneof 'kind'), given {', '.join(given)}.")
        super().__init__(**fields)

    def _init(self) -> None:
        self._kind = None
        for name, cls in self._LISTS.items():
            setattr(self, "_" + name, self._adopt(cls(), name))

    def _child_set(self, name: str) -> None:
        if self._kind != name:
            for other, cls in self._LISTS.items():
                if other != name:
                    setattr(self, "_" + other, self._adopt(cls(), other))
            self._kind = name
        self._touch()

    def _has(self, name: str) -> bool:
        return self._kind == name

    def _assign(self, name, value) -> None:
        cls = self._LISTS[name]
        if not isinstance(value, cls):
            raise TypeError(f"Feature({name}): expected a {cls.__name__}, given "
                            f"{type(value).__name__}.")
        child = getattr(self, "_" + name)
        child._value._items[:] = value._value._items
        child._touch()

    def _copy_fields(self, other) -> None:
        if other._kind is not None:
            child = getattr(self, "_" + other._kind)
            child._copy_fields(getattr(other, "_" + other._kind))
            child._present = True
            self._kind = other._kind

    def WhichOneof(self, oneof_group: str):  # noqa: N802 (protobuf's name)
        """The name of the kind set (``"bytes_list"``, ``"float_list"``, ``"int64_list"``),
        or None."""
        if oneof_group != "kind":
            raise ValueError(f"Feature.WhichOneof: the only oneof is 'kind', given "
                             f"{oneof_group!r}.")
        return self._kind

    bytes_list = property(lambda self: self._bytes_list,
                          lambda self, value: self._assign("bytes_list", value))
    float_list = property(lambda self: self._float_list,
                          lambda self, value: self._assign("float_list", value))
    int64_list = property(lambda self: self._int64_list,
                          lambda self, value: self._assign("int64_list", value))

    def _serialize(self) -> bytes:
        if self._kind is None:
            return b""
        number = _KINDS.index(self._kind) + 1
        return _length_delimited(number, getattr(self, "_" + self._kind)._serialize())

    def _load(self, data: bytes) -> None:
        kind, values = _decode_feature(data, 0, len(data), "Feature")
        if kind is not None:
            child = getattr(self, "_" + kind)
            child._value._items[:] = values if isinstance(values, list) else values.tolist()
            self._kind = kind
            child._present = True

    def _text(self) -> list[str]:
        if self._kind is None:
            return []
        inner = getattr(self, "_" + self._kind)._text()
        return [f"{self._kind} {{", *("  " + line for line in inner), "}"]


class _MessageMap(MutableMapping):
    """A map<string, message> field (``Features.feature``, ``FeatureLists.feature_list``):
    reading a missing key adds an empty message under it, as protocol buffers do."""

    def __init__(self, owner, cls):
        self._owner, self._cls, self._items = owner, cls, {}

    def _new(self, key):
        if not isinstance(key, str):
            if isinstance(key, bytes):
                key = key.decode("utf-8")
            else:
                raise TypeError(f"{type(self._owner).__name__}: map keys are str, given "
                                f"{type(key).__name__} {key!r}.")
        item = self._cls()
        item._parent = (self, key)
        self._items[key] = item
        return item

    def _child_set(self, key) -> None:
        self._owner._touch()

    def __getitem__(self, key):
        if key in self._items:
            return self._items[key]
        item = self._new(key)
        self._owner._touch()
        return item

    def get_or_create(self, key):
        """The message under ``key``, added empty when missing."""
        return self[key]

    def __setitem__(self, key, value) -> None:
        if not isinstance(value, self._cls):
            raise TypeError(f"{type(self._owner).__name__}: map values are "
                            f"{self._cls.__name__}, given {type(value).__name__}.")
        self._new(key).CopyFrom(value)
        self._owner._touch()

    def __delitem__(self, key) -> None:
        del self._items[key]

    def __contains__(self, key) -> bool:
        return key in self._items

    def __iter__(self):
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return repr(self._items)

    def _serialize(self) -> bytes:
        out = []
        for key in sorted(self._items):
            value = self._items[key]._serialize()
            entry = _length_delimited(1, key.encode("utf-8")) + _length_delimited(2, value)
            out.append(_length_delimited(1, entry))
        return b"".join(out)

    def _text(self, name: str) -> list[str]:
        lines = []
        for key, value in self._items.items():
            lines += [f"{name} {{", f'  key: "{_escape(key.encode("utf-8"), True)}"',
                      "  value {", *("    " + line for line in value._text()), "  }", "}"]
        return lines


class Features(_Message):
    """The named features of an Example, as ``tf.train.Features``: a map from names (str)
    to ``Feature`` messages.

    Args:
        feature: a dict {name: Feature}. Defaults to none.

    ``features.feature["name"]`` reads one (adding an empty Feature if it is missing, as
    protocol buffers do; test with ``"name" in features.feature``).

    Example:
        >>> features = Features(feature={"x": Feature(int64_list=Int64List(value=[3]))})
        >>> features.feature["x"].int64_list.value[0]
        3
    """

    _FIELDS = ("feature",)
    _VALUE = Feature

    def _init(self) -> None:
        self._map = _MessageMap(self, self._VALUE)

    @property
    def feature(self) -> _MessageMap:
        return self._map

    def _assign(self, name, value) -> None:
        if not isinstance(value, (dict, MutableMapping)):
            raise TypeError(f"{type(self).__name__}({name}): expected a dict of "
                            f"{self._VALUE.__name__}, given {type(value).__name__}.")
        for key, item in value.items():
            self._map[key] = item
        self._touch()

    def _serialize(self) -> bytes:
        return self._map._serialize()

    def _copy_fields(self, other) -> None:
        for key, item in other._map._items.items():
            new = self._map._new(key)
            new._copy_fields(item)
            new._present = item._present

    def _load(self, data: bytes) -> None:
        for key, (kind, values) in _decode_features(data, 0, len(data), "Features").items():
            _fill_feature(self._map._new(key), kind, values)

    def _text(self) -> list[str]:
        return self._map._text("feature")


def _fill_feature(feature: Feature, kind, values) -> None:
    if kind is not None:
        child = getattr(feature, "_" + kind)
        child._value._items[:] = values if isinstance(values, list) else values.tolist()
        child._present = True
        feature._kind = kind
    feature._present = True


class FeatureList(_Message):
    """A sequence of Features (one per step) of a SequenceExample, as
    ``tf.train.FeatureList``.

    Args:
        feature: a list of Feature. Defaults to none.

    Example:
        >>> steps = FeatureList(feature=[Feature(int64_list=Int64List(value=[t]))
        ...                              for t in range(3)])
        >>> len(steps.feature), steps.feature[2].int64_list.value[0]
        (3, 2)
    """

    _FIELDS = ("feature",)

    def _init(self) -> None:
        self._items = _Repeated(self, Feature)

    @property
    def feature(self):
        return self._items

    def _assign(self, name, value) -> None:
        self._items.extend(value)

    def _serialize(self) -> bytes:
        return b"".join(_length_delimited(1, f._serialize()) for f in self._items)

    def _copy_fields(self, other) -> None:
        for item in other._items:
            new = self._items._new()
            new._copy_fields(item)
            new._present = item._present

    def _load(self, data: bytes) -> None:
        for kind, values in _decode_feature_list(data, 0, len(data), "FeatureList"):
            _fill_feature(self._items._new(), kind, values)

    def _text(self) -> list[str]:
        lines = []
        for item in self._items:
            lines += ["feature {", *("  " + line for line in item._text()), "}"]
        return lines


class _Repeated:
    """A repeated message field (``FeatureList.feature``): ``add()``, ``append``,
    ``extend``, indexing and ``len``."""

    def __init__(self, owner, cls):
        self._owner, self._cls, self._items = owner, cls, []

    def _new(self):
        item = self._cls()
        item._parent = (self, len(self._items))
        self._items.append(item)
        return item

    def _child_set(self, index) -> None:
        self._owner._touch()

    def add(self, **fields):
        """A new message at the end, with ``fields`` set."""
        item = self._new()
        for name, value in fields.items():
            item._assign(name, value)
        self._owner._touch()
        return item

    def append(self, value) -> None:
        if not isinstance(value, self._cls):
            raise TypeError(f"{type(self._owner).__name__}.feature: expected a "
                            f"{self._cls.__name__}, given {type(value).__name__}.")
        self._new().CopyFrom(value)
        self._owner._touch()

    def extend(self, values) -> None:
        for value in values:
            self.append(value)

    def __getitem__(self, index):
        return self._items[index]

    def __delitem__(self, index) -> None:
        del self._items[index]
        for position, item in enumerate(self._items):
            item._parent = (self, position)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self):
        return iter(self._items)

    def __repr__(self) -> str:
        return repr(self._items)


class FeatureLists(Features):
    """The named FeatureLists of a SequenceExample, as ``tf.train.FeatureLists``: a map
    from names to ``FeatureList`` messages.

    Args:
        feature_list: a dict {name: FeatureList}. Defaults to none.

    Example:
        >>> lists = FeatureLists(feature_list={"steps": FeatureList(feature=[Feature()])})
        >>> len(lists.feature_list["steps"].feature)
        1
    """

    _FIELDS = ("feature_list",)
    _VALUE = FeatureList

    @property
    def feature(self):
        raise AttributeError("FeatureLists has no field 'feature'; its field is "
                             "'feature_list'.")

    @property
    def feature_list(self) -> _MessageMap:
        return self._map

    def _load(self, data: bytes) -> None:
        decoded = _decode_map(data, 0, len(data), "FeatureLists.feature_list",
                              _decode_feature_list)
        for key, steps in decoded.items():
            item = self._map._new(key)
            for kind, values in steps:
                _fill_feature(item._items._new(), kind, values)
            item._present = True

    def _text(self) -> list[str]:
        return self._map._text("feature_list")


class Example(_Message):
    """One record of named features, as ``tf.train.Example``: the message a TFRecord file
    of training data usually holds.

    Args:
        features: a Features message. Defaults to ``None``.

    Methods: ``SerializeToString()``, ``ParseFromString(b)``, ``Example.FromString(b)``,
    ``CopyFrom``, ``MergeFrom``, ``HasField("features")``; ``print(example)`` shows the
    text format.

    Raises:
        DecodeError: (parsing) bytes that are not an Example.

    Example:
        >>> example = Example(features=Features(feature={
        ...     "x": Feature(float_list=FloatList(value=[0.5]))}))
        >>> Example.FromString(example.SerializeToString()) == example
        True
        >>> example.SerializeToString()
        b'\\n\\x0f\\n\\r\\n\\x01x\\x12\\x08\\x12\\x06\\n\\x04\\x00\\x00\\x00?'
    """

    _FIELDS = ("features",)
    _MESSAGE_FIELDS = ("features",)

    def _init(self) -> None:
        self._features = self._adopt(Features(), "features")

    features = property(lambda self: self._features,
                        lambda self, value: self._assign("features", value))

    def _assign(self, name, value) -> None:
        _set_message(self, name, value, Features)

    def _serialize(self) -> bytes:
        if not self._features._present:
            return b""
        return _length_delimited(1, self._features._serialize())

    def _load(self, data: bytes) -> None:
        features = _decode_example(data)
        if features is not None:
            for key, (kind, values) in features.items():
                _fill_feature(self._features._map._new(key), kind, values)
            self._features._present = True

    def _text(self) -> list[str]:
        return _message_text(self, "features")

    def _copy_fields(self, other) -> None:
        _copy_children(self, other, "features")


def _set_message(owner, name: str, value, cls) -> None:
    if not isinstance(value, cls):
        raise TypeError(f"{type(owner).__name__}({name}): expected a {cls.__name__}, given "
                        f"{type(value).__name__}.")
    getattr(owner, "_" + name).CopyFrom(value)


def _copy_children(owner, other, *names) -> None:
    for name in names:
        theirs = getattr(other, "_" + name)
        if theirs._present:
            mine = getattr(owner, "_" + name)
            mine._copy_fields(theirs)
            mine._present = True


def _message_text(owner, *names) -> list[str]:
    lines = []
    for name in names:
        child = getattr(owner, "_" + name)
        if child._present:
            lines += [f"{name} {{", *("  " + line for line in child._text()), "}"]
    return lines


class SequenceExample(_Message):
    """A record of context features and of feature lists (one Feature per step), as
    ``tf.train.SequenceExample``; parsed with ``tf.io.parse_single_sequence_example``.

    Args:
        context: a Features message. Defaults to ``None``.
        feature_lists: a FeatureLists message. Defaults to ``None``.

    Example:
        >>> sequence = SequenceExample(
        ...     context=Features(feature={"id": Feature(int64_list=Int64List(value=[7]))}),
        ...     feature_lists=FeatureLists(feature_list={"tokens": FeatureList(feature=[
        ...         Feature(int64_list=Int64List(value=[t])) for t in (4, 5)])}))
        >>> SequenceExample.FromString(sequence.SerializeToString()) == sequence
        True
    """

    _FIELDS = ("context", "feature_lists")
    _MESSAGE_FIELDS = ("context", "feature_lists")

    def _init(self) -> None:
        self._context = self._adopt(Features(), "context")
        self._feature_lists = self._adopt(FeatureLists(), "feature_lists")

    context = property(lambda self: self._context,
                       lambda self, value: self._assign("context", value))
    feature_lists = property(lambda self: self._feature_lists,
                             lambda self, value: self._assign("feature_lists", value))

    def _assign(self, name, value) -> None:
        _set_message(self, name, value, Features if name == "context" else FeatureLists)

    def _serialize(self) -> bytes:
        out = b""
        if self._context._present:
            out += _length_delimited(1, self._context._serialize())
        if self._feature_lists._present:
            out += _length_delimited(2, self._feature_lists._serialize())
        return out

    def _load(self, data: bytes) -> None:
        context, lists = _decode_sequence_example(data)
        if context is not None:
            for key, (kind, values) in context.items():
                _fill_feature(self._context._map._new(key), kind, values)
            self._context._present = True
        if lists is not None:
            for key, steps in lists.items():
                item = self._feature_lists._map._new(key)
                for kind, values in steps:
                    _fill_feature(item._items._new(), kind, values)
                item._present = True
            self._feature_lists._present = True

    def _text(self) -> list[str]:
        return _message_text(self, "context", "feature_lists")

    def _copy_fields(self, other) -> None:
        _copy_children(self, other, "context", "feature_lists")


# ----------------------------------------------------------------------------- feature specs

_DTYPES = {"float32": "float_list", "int64": "int64_list", "string": "bytes_list"}


def _dtype_name(dtype, where: str) -> str:
    """'float32', 'int64' or 'string' for the dtypes an Example holds."""
    name = dtype if isinstance(dtype, str) else None
    if name is None:
        try:
            numpy_dtype = np.dtype(dtype)
        except TypeError:
            numpy_dtype = None
        if numpy_dtype is not None:
            name = "string" if numpy_dtype.kind in "OSU" else numpy_dtype.name
        else:
            name = str(getattr(dtype, "name", dtype))
    name = {"tf.string": "string", "str": "string", "bytes": "string", "object": "string",
            "float": "float32", "tf.float32": "float32", "tf.int64": "int64"}.get(name, name)
    if name not in _DTYPES:
        raise TypeError(f"{where}(dtype): an Example holds float32, int64 or string values; "
                        f"given {dtype!r}. Parse as one of tf.float32, tf.int64, tf.string and "
                        "cast afterwards (tf.cast).")
    return name


def _shape_of(shape, where: str) -> tuple:
    if shape is None:
        return ()
    if isinstance(shape, int):
        return (shape,)
    dims = tuple(getattr(shape, "as_list", lambda: shape)())
    if any(d is None or int(d) < 0 for d in dims):
        raise ValueError(f"{where}(shape): expected known sizes >= 0, given {list(dims)}; "
                         "use VarLenFeature or FixedLenSequenceFeature for a varying number "
                         "of values.")
    return tuple(int(d) for d in dims)


def _dtype_repr(name: str) -> str:
    return f"tf.{name}"


class FixedLenFeature:
    """A feature with a fixed number of values, parsed into a dense Tensor of ``shape``, as
    ``tf.io.FixedLenFeature``.

    Args:
        shape: the Tensor's shape (``[]`` for one value); the Example must hold
            prod(shape) values.
        dtype: ``tf.float32``, ``tf.int64`` or ``tf.string``.
        default_value: the value when an Example lacks the feature (broadcast to shape).
            Defaults to ``None`` (the feature is required).

    Example:
        >>> FixedLenFeature([2], numnet.float32)
        FixedLenFeature(shape=[2], dtype=tf.float32, default_value=None)
    """

    def __init__(self, shape, dtype, default_value=None):
        self.shape = list(_shape_of(shape, "FixedLenFeature"))
        self._dtype = _dtype_name(dtype, "FixedLenFeature")
        self.dtype = _numnet_dtype(self._dtype)
        self.default_value = default_value

    def __repr__(self) -> str:
        return (f"FixedLenFeature(shape={self.shape}, dtype={_dtype_repr(self._dtype)}, "
                f"default_value={self.default_value!r})")


class VarLenFeature:
    """A feature with any number of values, parsed into a SparseTensor (indices of rank 1
    for one Example, rank 2 for a batch), as ``tf.io.VarLenFeature``.

    Args:
        dtype: ``tf.float32``, ``tf.int64`` or ``tf.string``.

    Example:
        >>> VarLenFeature(numnet.int64)
        VarLenFeature(dtype=tf.int64)
    """

    def __init__(self, dtype):
        self._dtype = _dtype_name(dtype, "VarLenFeature")
        self.dtype = _numnet_dtype(self._dtype)

    def __repr__(self) -> str:
        return f"VarLenFeature(dtype={_dtype_repr(self._dtype)})"


class FixedLenSequenceFeature:
    """A feature holding a varying number of items of a fixed ``shape``, parsed into a dense
    Tensor of shape (items,) + shape (a batch is padded with ``default_value``), as
    ``tf.io.FixedLenSequenceFeature``; in ``parse_single_sequence_example`` one item a step.

    Args:
        shape: the shape of one item.
        dtype: ``tf.float32``, ``tf.int64`` or ``tf.string``.
        allow_missing: a missing feature gives zero items (required True in
            parse_example and parse_single_example). Defaults to ``False``.
        default_value: the padding of a batch's shorter rows. Defaults to ``None`` (0, or
            b"" for strings).

    Example:
        >>> FixedLenSequenceFeature([], numnet.float32, allow_missing=True)
        FixedLenSequenceFeature(shape=[], dtype=tf.float32, allow_missing=True,
                                default_value=None)
    """

    def __init__(self, shape, dtype, allow_missing: bool = False, default_value=None):
        self.shape = list(_shape_of(shape, "FixedLenSequenceFeature"))
        self._dtype = _dtype_name(dtype, "FixedLenSequenceFeature")
        self.dtype = _numnet_dtype(self._dtype)
        self.allow_missing = bool(allow_missing)
        self.default_value = default_value

    def __repr__(self) -> str:
        return (f"FixedLenSequenceFeature(shape={self.shape}, dtype="
                f"{_dtype_repr(self._dtype)}, allow_missing={self.allow_missing}, "
                f"default_value={self.default_value!r})")


class RaggedFeature:
    """A feature with any number of values, parsed into a RaggedTensor for a batch (one row
    an Example) or a 1-D Tensor for one Example, as ``tf.io.RaggedFeature``; ``partitions``
    split the values further by other int64 features of the same Example.

    Args:
        dtype: ``tf.float32``, ``tf.int64`` or ``tf.string``.
        value_key: the feature's name in the Example. Defaults to ``None`` (the key it is
            given under).
        partitions: row partitions, outermost first: ``RaggedFeature.RowLengths(key)``,
            ``RowSplits(key)``, ``RowStarts(key)``, ``RowLimits(key)``, ``ValueRowIds(key)``
            (each naming an int64 feature) or ``UniformRowLength(length)``. Defaults to
            ``()``. (In a batch a uniform partition gives a ragged dimension whose rows are
            equal, where TensorFlow gives a uniform one: the same values.)
        row_splits_dtype: ``tf.int32`` or ``tf.int64``. Defaults to ``tf.int32``.
        validate: accepted; partitions are always checked against the values. Defaults to
            ``False``.

    Raises:
        TypeError: a partition of another kind.

    Example:
        >>> RaggedFeature(numnet.string)
        RaggedFeature(dtype=tf.string, value_key=None, partitions=(),
                      row_splits_dtype=tf.int32, validate=False)
    """

    def __init__(self, dtype, value_key=None, partitions=(), row_splits_dtype="int32",
                 validate: bool = False):
        self._dtype = _dtype_name(dtype, "RaggedFeature")
        self.dtype = _numnet_dtype(self._dtype)
        self.value_key = value_key
        self.partitions = tuple(partitions)
        for partition in self.partitions:
            if not isinstance(partition, _PARTITIONS):
                raise TypeError(f"RaggedFeature(partitions): expected RaggedFeature.RowLengths"
                                f"(key), RowSplits, RowStarts, RowLimits, ValueRowIds or "
                                f"UniformRowLength(length), given {partition!r}.")
        self.row_splits_dtype = np.dtype(row_splits_dtype)
        if self.row_splits_dtype not in (np.dtype(np.int32), np.dtype(np.int64)):
            raise TypeError(f"RaggedFeature(row_splits_dtype): expected tf.int32 or "
                            f"tf.int64, given {row_splits_dtype!r}.")
        self.validate = bool(validate)

    def __repr__(self) -> str:
        return (f"RaggedFeature(dtype={_dtype_repr(self._dtype)}, value_key="
                f"{self.value_key!r}, partitions={self.partitions!r}, row_splits_dtype="
                f"tf.{self.row_splits_dtype.name}, validate={self.validate})")


RaggedFeature.RowSplits = collections.namedtuple("RowSplits", ["key"])
RaggedFeature.RowLengths = collections.namedtuple("RowLengths", ["key"])
RaggedFeature.RowStarts = collections.namedtuple("RowStarts", ["key"])
RaggedFeature.RowLimits = collections.namedtuple("RowLimits", ["key"])
RaggedFeature.ValueRowIds = collections.namedtuple("ValueRowIds", ["key"])
RaggedFeature.UniformRowLength = collections.namedtuple("UniformRowLength", ["length"])
_PARTITIONS = (RaggedFeature.RowSplits, RaggedFeature.RowLengths, RaggedFeature.RowStarts,
               RaggedFeature.RowLimits, RaggedFeature.ValueRowIds,
               RaggedFeature.UniformRowLength)


def _row_lengths(partition, ids: np.ndarray, inner: int, where: str) -> list:
    """The row lengths a partition gives ``inner`` items (checked: they must cover them)."""
    kind = type(partition).__name__
    ids = ids.tolist()
    if kind == "UniformRowLength":
        size = int(partition.length)
        if size < 0 or (inner % size if size else inner):
            raise InvalidArgumentError(None, None, f"{where}: UniformRowLength({size}) does not "
                                       f"divide the {inner} items.")
        return [size] * (inner // size if size else 0)
    if kind == "RowLengths":
        lengths = ids
    elif kind == "RowSplits":
        ids = ids or [0]
        if ids[0] != 0:
            raise InvalidArgumentError(None, None, f"{where}: RowSplits({partition.key!r}) "
                                       f"must start at 0, starts at {ids[0]}.")
        lengths = [b - a for a, b in zip(ids, ids[1:])]
    elif kind in ("RowStarts", "RowLimits"):
        starts = ids if kind == "RowStarts" else [0] + ids[:-1]
        limits = ids[1:] + [inner] if kind == "RowStarts" else ids
        if starts and starts[0] != 0:
            raise InvalidArgumentError(None, None, f"{where}: {kind}({partition.key!r}) must "
                                       f"start at 0.")
        lengths = [b - a for a, b in zip(starts, limits)]
    else:
        if any(b < a for a, b in zip(ids, ids[1:])) or (ids and ids[0] < 0):
            raise InvalidArgumentError(None, None, f"{where}: ValueRowIds({partition.key!r}) "
                                       "must be increasing and >= 0.")
        if len(ids) != inner:
            raise InvalidArgumentError(None, None, f"{where}: ValueRowIds({partition.key!r}) "
                                       f"has {len(ids)} ids for {inner} items.")
        lengths = np.bincount(np.asarray(ids, dtype=np.int64),
                              minlength=ids[-1] + 1 if ids else 0).tolist() if ids else []
    if any(n < 0 for n in lengths) or sum(lengths) != inner:
        raise InvalidArgumentError(None, None, f"{where}: {kind}"
                                   f"({getattr(partition, 'key', '')!r}) gives rows of "
                                   f"{lengths[:10]} items, which do not cover the {inner} "
                                   "items inside it.")
    return lengths


def _ragged_parts(example, key: str, spec, where: str, index: int):
    """(values, [row lengths of each partition, outermost first]) of one Example."""
    name = spec._dtype
    values = _lookup(example, spec.value_key or key, spec, name, where, index)
    values = _values_array([], name) if values is None else values
    levels, inner = [], len(values)
    for partition in reversed(spec.partitions):
        ids = np.zeros(0, dtype=np.int64)
        if not isinstance(partition, RaggedFeature.UniformRowLength):
            found = _lookup(example, partition.key, VarLenFeature(np.int64), "int64", where,
                            index)
            ids = ids if found is None else found
        lengths = _row_lengths(partition, ids, inner, f"{where}: Example {index}, feature "
                                                      f"{key!r}")
        levels.insert(0, lengths)
        inner = len(lengths)
    return values, levels


def _ragged(decoded: list, key: str, spec, name: str, where: str, single: bool):
    parts = [_ragged_parts(example, key, spec, where, index)
             for index, example in enumerate(decoded)]
    splits = spec.row_splits_dtype
    if single:
        values, levels = parts[0]
        out = values
        for partition, lengths in zip(reversed(spec.partitions), reversed(levels)):
            if isinstance(partition, RaggedFeature.UniformRowLength) and isinstance(
                    out, np.ndarray):
                out = out.reshape(len(lengths), int(partition.length), *out.shape[1:])
            else:
                out = RaggedTensor.from_row_lengths(
                    out if isinstance(out, RaggedTensor) else _tensor(out, name),
                    np.array(lengths, dtype=splits))
        return out if isinstance(out, RaggedTensor) else _tensor(out, name)
    values = np.concatenate([v for v, _ in parts]) if parts else _values_array([], name)
    outer = [len(levels[0]) if levels else len(v) for v, levels in parts]
    nested = [np.array(outer, dtype=splits)] + [
        np.array([n for _, levels in parts for n in levels[depth]], dtype=splits)
        for depth in range(len(spec.partitions))]
    return RaggedTensor.from_nested_row_lengths(_tensor(values, name), nested)


def _numnet_dtype(name: str) -> np.dtype:
    return np.dtype(object) if name == "string" else np.dtype(name)


# ----------------------------------------------------------------------------- parsing

_PARSED_DTYPE = {"float32": np.float32, "int64": np.int64, "string": object}


def _batch_of_serialized(serialized, where: str) -> list[bytes]:
    if hasattr(serialized, "numpy"):
        serialized = serialized.numpy()
    if isinstance(serialized, (bytes, bytearray, memoryview, np.bytes_)):
        raise ValueError(f"{where}(serialized): expected a vector of serialized Examples, "
                         "given one; use tf.io.parse_single_example, or wrap it in a list.")
    items = np.asarray(serialized, dtype=object)
    if items.ndim != 1:
        raise ValueError(f"{where}(serialized): expected a vector (shape [batch]) of "
                         f"serialized Examples, given shape {items.shape}.")
    return [_serialized_bytes(item, f"{where}(serialized)") for item in items.tolist()]


def _values_array(values, name: str):
    """Decoded values as a NumPy array of the parsed dtype."""
    if name == "string":
        out = np.empty(len(values), dtype=object)
        out[:] = values
        return out
    return np.asarray(values, dtype=_PARSED_DTYPE[name])


def _lookup(decoded, key: str, spec, name: str, where: str, index: int):
    """The values (an array) of ``key`` in one decoded Example, or None when missing;
    checks the kind."""
    if decoded is None or key not in decoded:
        return None
    kind, values = decoded[key]
    if kind is None:
        return None
    if kind != _DTYPES[name]:
        found = {v: k for k, v in _DTYPES.items()}[kind]
        raise InvalidArgumentError(None, None, f"{where}: Example {index}, feature {key!r}: "
                                   f"data types don't match: it holds {found} values "
                                   f"({kind}) but {type(spec).__name__} asks for {name}. Give "
                                   f"the spec dtype tf.{found}.")
    return _values_array(values, name)


def _default_array(spec, name: str, key: str, where: str):
    shape = tuple(spec.shape)
    try:
        if name == "string":
            value = np.asarray(spec.default_value, dtype=object)
            value = np.vectorize(lambda v: v.encode("utf-8") if isinstance(v, str) else v,
                                 otypes=[object])(value) if value.size else value
        else:
            value = np.asarray(getattr(spec.default_value, "numpy", lambda: spec.default_value)
                               (), dtype=_PARSED_DTYPE[name])
        return np.broadcast_to(value, shape).copy()
    except ValueError:
        raise ValueError(f"{where}: feature {key!r}: default_value "
                         f"{spec.default_value!r} does not fit the shape {list(shape)}.") \
            from None


def _check_spec(features, where: str) -> dict:
    if not isinstance(features, dict) or not features:
        raise TypeError(f"{where}(features): expected a dict {{name: FixedLenFeature / "
                        f"VarLenFeature / ...}}, given {features!r:.80}.")
    for key, spec in features.items():
        if not isinstance(spec, (FixedLenFeature, VarLenFeature, FixedLenSequenceFeature,
                                 RaggedFeature)):
            raise TypeError(f"{where}(features): {key!r} maps to {type(spec).__name__}; "
                            "expected tf.io.FixedLenFeature, VarLenFeature, "
                            "FixedLenSequenceFeature or RaggedFeature.")
    return features


def _output_order(features) -> list[str]:
    """TensorFlow's order of the parsed dict: sparse features, then dense, then ragged,
    each by name."""
    def group(spec):
        if isinstance(spec, VarLenFeature):
            return 0
        return 2 if isinstance(spec, RaggedFeature) else 1
    return sorted(features, key=lambda key: (group(features[key]), key))


def _tensor(array, name: str):
    return string_tensor(array) if name == "string" else Tensor(array)


def _decode_batch(items: list[bytes], names, where: str) -> list:
    out = []
    for index, data in enumerate(items):
        label = f"Example {index}" + (f" ({names[index]!r})" if names is not None else "")
        try:
            out.append(_decode_example(data))
        except DecodeError as err:
            raise InvalidArgumentError(None, None, f"{where}: could not parse {label} as a "
                                       f"tf.train.Example: {err}") from None
    return out


def _parse_batch(decoded: list, features: dict, where: str, single: bool) -> dict:
    out = {}
    batch = len(decoded)
    for key in _output_order(features):
        spec = features[key]
        name = spec._dtype
        if isinstance(spec, FixedLenFeature):
            size = math.prod(spec.shape)
            rows = []
            for index, example in enumerate(decoded):
                values = _lookup(example, key, spec, name, where, index)
                if values is None:
                    if spec.default_value is None:
                        raise InvalidArgumentError(None, None, f"{where}: Example {index}: "
                                                   f"feature {key!r} ({name}) is required but "
                                                   "could not be found; give the "
                                                   "FixedLenFeature a default_value, or use "
                                                   "VarLenFeature.")
                    rows.append(_default_array(spec, name, key, where))
                    continue
                if values.size != size:
                    raise InvalidArgumentError(None, None, f"{where}: Example {index}, "
                                               f"feature {key!r}: FixedLenFeature(shape="
                                               f"{spec.shape}) needs {size} values, the "
                                               f"Example holds {values.size}; fix the shape, "
                                               "or use VarLenFeature / "
                                               "FixedLenSequenceFeature.")
                rows.append(values.reshape(spec.shape))
            if single:
                out[key] = _tensor(rows[0], name)
                continue
            array = (np.stack(rows) if rows else
                     np.zeros((0, *spec.shape), dtype=_PARSED_DTYPE[name]))
            out[key] = _tensor(array, name)
        elif isinstance(spec, FixedLenSequenceFeature):
            if not spec.allow_missing:
                raise ValueError(f"{where}(features): {key!r} is a FixedLenSequenceFeature "
                                 "with allow_missing=False; in an Example (not a "
                                 "SequenceExample) it needs allow_missing=True.")
            item = int(np.prod(spec.shape, dtype=np.int64))
            rows = []
            for index, example in enumerate(decoded):
                values = _lookup(example, key, spec, name, where, index)
                if values is None:
                    values = _values_array([], name)
                if (values.size % item if item else values.size):
                    raise InvalidArgumentError(None, None, f"{where}: Example {index}, "
                                               f"feature {key!r}: {values.size} values are "
                                               "not a whole number of items of shape "
                                               f"{spec.shape} ({item} values each).")
                rows.append(values.reshape(-1 if item else 0, *spec.shape))
            longest = max((len(r) for r in rows), default=0)
            padding = spec.default_value
            if padding is None:
                padding = b"" if name == "string" else 0
            padded = np.empty((batch, longest, *spec.shape), dtype=_PARSED_DTYPE[name])
            padded[...] = _default_array(
                FixedLenFeature(spec.shape, name, padding), name, key, where)
            for index, row in enumerate(rows):
                padded[index, :len(row)] = row
            out[key] = _tensor(padded[0] if single else padded, name)
        else:
            if isinstance(spec, RaggedFeature):
                out[key] = _ragged(decoded, key, spec, name, where, single)
                continue
            rows = []
            for index, example in enumerate(decoded):
                values = _lookup(example, key, spec, name, where, index)
                rows.append(_values_array([], name) if values is None else values)
            values = (np.concatenate(rows) if rows else _values_array([], name))
            lengths = [len(r) for r in rows]
            if single:
                indices = np.arange(len(values), dtype=np.int64).reshape(-1, 1)
                shape = [len(values)]
            else:
                indices = np.array([(b, j) for b, n in enumerate(lengths) for j in range(n)],
                                   dtype=np.int64).reshape(-1, 2)
                shape = [batch, max(lengths, default=0)]
            out[key] = SparseTensor(indices, _tensor(values, name), shape)
    return out


def parse_example(serialized, features: dict, example_names=None, name=None) -> dict:
    """Parse a batch of serialized ``tf.train.Example`` s into a dict of Tensors, one per
    feature of ``features``, as ``tf.io.parse_example``.

    Args:
        serialized: a vector (list, array or string Tensor) of serialized Examples.
        features: {name: FixedLenFeature (a dense Tensor of shape (batch,) + shape),
            VarLenFeature (a SparseTensor with indices [example, position]),
            FixedLenSequenceFeature (dense, (batch, items) + shape, padded),
            RaggedFeature (a RaggedTensor, one row an Example)}.
        example_names: names of the Examples, used in error messages. Defaults to ``None``.
        name: accepted. Defaults to ``None``.

    Returns:
        A dict {name: Tensor, SparseTensor or RaggedTensor}: float32, int64 or string.

    Raises:
        InvalidArgumentError: a required feature missing, a feature of another dtype or
            with the wrong number of values, or bytes that are not an Example (a ValueError).

    Example:
        >>> rows = [Example(features=Features(feature={
        ...     "x": Feature(float_list=FloatList(value=[v, v + 1]))})).SerializeToString()
        ...     for v in (0.0, 10.0)]
        >>> parse_example(rows, {"x": FixedLenFeature([2], numnet.float32)})["x"].numpy()
        array([[ 0.,  1.],
               [10., 11.]], dtype=float32)
    """
    where = "parse_example"
    features = _check_spec(features, where)
    items = _batch_of_serialized(serialized, where)
    names = None if example_names is None else [
        n.decode() if isinstance(n, bytes) else str(n)
        for n in np.asarray(getattr(example_names, "numpy", lambda: example_names)(),
                            dtype=object).reshape(-1).tolist()]
    return _parse_batch(_decode_batch(items, names, where), features, where, single=False)


def parse_single_example(serialized, features: dict, example_names=None, name=None) -> dict:
    """Parse one serialized ``tf.train.Example`` into a dict of Tensors, as
    ``tf.io.parse_single_example`` (usually mapped over a TFRecordDataset).

    Args:
        serialized: one serialized Example (bytes, or a scalar string Tensor).
        features: {name: FixedLenFeature (a Tensor of its shape), VarLenFeature (a
            SparseTensor of rank 1), FixedLenSequenceFeature (a Tensor of shape (items,) +
            shape; needs allow_missing=True), RaggedFeature (a 1-D Tensor)}.
        example_names: the Example's name, used in error messages. Defaults to ``None``.
        name: accepted. Defaults to ``None``.

    Returns:
        A dict {name: Tensor or SparseTensor}, sparse features first then dense, each by
        name, as TensorFlow orders it.

    Raises:
        InvalidArgumentError: a required feature missing, a feature of another dtype or with
            the wrong number of values, or bytes that are not an Example (a ValueError).

    Example:
        >>> record = Example(features=Features(feature={
        ...     "label": Feature(int64_list=Int64List(value=[3]))})).SerializeToString()
        >>> parsed = parse_single_example(record, {
        ...     "label": FixedLenFeature([], numnet.int64),
        ...     "weight": FixedLenFeature([], numnet.float32, default_value=1.0)})
        >>> int(parsed["label"]), float(parsed["weight"])
        (3, 1.0)
    """
    where = "parse_single_example"
    features = _check_spec(features, where)
    data = _serialized_bytes(serialized, f"{where}(serialized)")
    names = None if example_names is None else [str(np.asarray(
        getattr(example_names, "numpy", lambda: example_names)(), dtype=object).item())]
    return _parse_batch(_decode_batch([data], names, where), features, where, single=True)


def parse_single_sequence_example(serialized, context_features=None, sequence_features=None,
                                  example_name=None, name=None) -> tuple[dict, dict]:
    """Parse one serialized ``tf.train.SequenceExample`` into (context, sequences), as
    ``tf.io.parse_single_sequence_example``.

    Args:
        serialized: one serialized SequenceExample (bytes, or a scalar string Tensor).
        context_features: {name: FixedLenFeature / VarLenFeature / RaggedFeature} of the
            context, parsed as in ``parse_single_example``. Defaults to ``None``.
        sequence_features: {name: FixedLenSequenceFeature (a Tensor (steps,) + shape: each
            step's Feature holds prod(shape) values) or VarLenFeature (a SparseTensor with
            indices [step, position]) or RaggedFeature (a RaggedTensor, one row a step)} of
            the feature lists. Defaults to ``None``.
        example_name: the record's name, used in error messages. Defaults to ``None``.
        name: accepted. Defaults to ``None``.

    Returns:
        (context dict, sequence dict).

    Raises:
        InvalidArgumentError: a required feature or feature list missing, another dtype, a
            step with the wrong number of values, or bytes that are not a SequenceExample.

    Example:
        >>> record = SequenceExample(feature_lists=FeatureLists(feature_list={
        ...     "tokens": FeatureList(feature=[Feature(int64_list=Int64List(value=[t]))
        ...                                    for t in (4, 5, 6)])})).SerializeToString()
        >>> _, seq = parse_single_sequence_example(
        ...     record, sequence_features={"tokens": FixedLenSequenceFeature([], numnet.int64)})
        >>> seq["tokens"].numpy().tolist()
        [4, 5, 6]
    """
    where = "parse_single_sequence_example"
    data = _serialized_bytes(serialized, f"{where}(serialized)")
    label = "SequenceExample" + (f" ({example_name!r})" if example_name is not None else "")
    try:
        context, lists = _decode_sequence_example(data, label)
    except DecodeError as err:
        raise InvalidArgumentError(None, None, f"{where}: could not parse the record as a "
                                   f"tf.train.SequenceExample: {err}") from None
    context_out = {}
    if context_features:
        context_features = _check_spec(context_features, f"{where}(context_features)")
        for key, spec in context_features.items():
            if isinstance(spec, FixedLenSequenceFeature):
                raise TypeError(f"{where}(context_features): {key!r} is a "
                                "FixedLenSequenceFeature; context features are "
                                "FixedLenFeature, VarLenFeature or RaggedFeature.")
        context_out = _parse_batch([context], context_features, where, single=True)
    sequence_out = {}
    for key in _output_order(sequence_features or {}):
        spec = sequence_features[key]
        sequence_out[key] = _parse_steps(lists, key, spec, where)
    return context_out, sequence_out


def _step_rows(lists, key: str, spec, where: str) -> list:
    """The values of each step of feature list ``key`` (arrays), checked against ``spec``."""
    if getattr(spec, "partitions", ()):
        raise NotImplementedError(f"{where}: sequence feature {key!r}: numnet splits the "
                                  "steps of a feature list, not their values further; give "
                                  "its RaggedFeature partitions=().")
    name = spec._dtype
    lookup_key = getattr(spec, "value_key", None) or key
    steps = None if lists is None else lists.get(lookup_key)
    if steps is None:
        if isinstance(spec, (FixedLenSequenceFeature, FixedLenFeature)) and not getattr(
                spec, "allow_missing", False):
            raise InvalidArgumentError(None, None, f"{where}: feature list {key!r} is "
                                       "required but could not be found; give the "
                                       "FixedLenSequenceFeature allow_missing=True.")
        steps = []
    rows = []
    for step, feature in enumerate(steps):
        rows.append(_lookup({key: feature}, key, spec, name, f"{where}, step {step}", 0)
                    if feature[0] is not None else _values_array([], name))
    if isinstance(spec, (FixedLenSequenceFeature, FixedLenFeature)):
        size = math.prod(spec.shape)
        for step, row in enumerate(rows):
            if row.size != size:
                raise InvalidArgumentError(None, None, f"{where}: feature list {key!r}, step "
                                           f"{step}: needs {size} values (shape "
                                           f"{spec.shape}), holds {row.size}.")
        rows = [r.reshape(spec.shape) for r in rows]
    return rows


def _parse_steps(lists, key: str, spec, where: str):
    name = spec._dtype
    rows = _step_rows(lists, key, spec, where)
    if isinstance(spec, (FixedLenSequenceFeature, FixedLenFeature)):
        array = (np.stack(rows) if rows else
                 np.zeros((0, *spec.shape), dtype=_PARSED_DTYPE[name]))
        return _tensor(array, name)
    values = np.concatenate(rows) if rows else _values_array([], name)
    lengths = [len(r) for r in rows]
    if isinstance(spec, VarLenFeature):
        indices = np.array([(t, j) for t, n in enumerate(lengths) for j in range(n)],
                           dtype=np.int64).reshape(-1, 2)
        return SparseTensor(indices, _tensor(values, name),
                            [len(rows), max(lengths, default=0)])
    return RaggedTensor.from_row_lengths(_tensor(values, name),
                                         np.array(lengths, dtype=spec.row_splits_dtype))


def parse_sequence_example(serialized, context_features=None, sequence_features=None,
                           example_names=None, name=None) -> tuple[dict, dict, dict]:
    """Parse a batch of serialized ``tf.train.SequenceExample`` s, as
    ``tf.io.parse_sequence_example``.

    Args:
        serialized: a vector (list, array or string Tensor) of serialized SequenceExamples.
        context_features: {name: FixedLenFeature / VarLenFeature / RaggedFeature} of the
            contexts, parsed as in ``parse_example``. Defaults to ``None``.
        sequence_features: {name: FixedLenSequenceFeature (a Tensor (batch, steps) + shape,
            the shorter sequences padded with its default_value or 0), VarLenFeature (a
            SparseTensor with indices [example, step, position]) or RaggedFeature (a
            RaggedTensor [example, step, position])}. Defaults to ``None``.
        example_names: names used in error messages. Defaults to ``None``.
        name: accepted. Defaults to ``None``.

    Returns:
        (context dict, sequence dict, lengths dict): the lengths give each
        FixedLenSequenceFeature's number of steps per example (int64, shape (batch,)).

    Raises:
        InvalidArgumentError: as ``parse_single_sequence_example``, naming the example.

    Example:
        >>> rows = [SequenceExample(feature_lists=FeatureLists(feature_list={
        ...     "t": FeatureList(feature=[Feature(int64_list=Int64List(value=[v]))
        ...                               for v in range(n)])})).SerializeToString()
        ...     for n in (2, 1)]
        >>> _, seq, lengths = parse_sequence_example(
        ...     rows, sequence_features={"t": FixedLenSequenceFeature([], numnet.int64)})
        >>> seq["t"].numpy().tolist(), lengths["t"].numpy().tolist()
        ([[0, 1], [0, 0]], [2, 1])
    """
    where = "parse_sequence_example"
    items = _batch_of_serialized(serialized, where)
    decoded = []
    for index, data in enumerate(items):
        label = f"SequenceExample {index}" + (
            f" ({example_names[index]!r})" if example_names is not None else "")
        try:
            decoded.append(_decode_sequence_example(data, label))
        except DecodeError as err:
            raise InvalidArgumentError(None, None, f"{where}: could not parse {label}: "
                                       f"{err}") from None
    context_out = {}
    if context_features:
        context_features = _check_spec(context_features, f"{where}(context_features)")
        context_out = _parse_batch([c for c, _ in decoded], context_features, where,
                                   single=False)
    sequence_out, lengths_out = {}, {}
    for key in _output_order(sequence_features or {}):
        spec = sequence_features[key]
        dtype_name = spec._dtype
        per_example = [_step_rows(lists, key, spec, f"{where}: SequenceExample {index}")
                       for index, (_, lists) in enumerate(decoded)]
        steps = [len(rows) for rows in per_example]
        if isinstance(spec, (FixedLenSequenceFeature, FixedLenFeature)):
            padding = getattr(spec, "default_value", None)
            padding = (b"" if dtype_name == "string" else 0) if padding is None else padding
            out = np.empty((len(items), max(steps, default=0), *spec.shape),
                           dtype=_PARSED_DTYPE[dtype_name])
            out[...] = _default_array(FixedLenFeature(spec.shape, dtype_name, padding),
                                      dtype_name, key, where)
            for index, rows in enumerate(per_example):
                if rows:
                    out[index, :len(rows)] = np.stack(rows)
            sequence_out[key] = _tensor(out, dtype_name)
            lengths_out[key] = Tensor(np.array(steps, dtype=np.int64))
            continue
        flat = [row for rows in per_example for row in rows]
        values = np.concatenate(flat) if flat else _values_array([], dtype_name)
        if isinstance(spec, VarLenFeature):
            indices = np.array([(b, t, j) for b, rows in enumerate(per_example)
                                for t, row in enumerate(rows) for j in range(len(row))],
                               dtype=np.int64).reshape(-1, 3)
            shape = [len(items), max(steps, default=0), max((len(r) for r in flat), default=0)]
            sequence_out[key] = SparseTensor(indices, _tensor(values, dtype_name), shape)
        else:
            splits = spec.row_splits_dtype
            sequence_out[key] = RaggedTensor.from_nested_row_lengths(
                _tensor(values, dtype_name), [np.array(steps, dtype=splits),
                                              np.array([len(r) for r in flat], dtype=splits)])
    return context_out, sequence_out, lengths_out


# ----------------------------------------------------------------------------- TensorProto

# TensorFlow's DataType numbers (tensorflow/core/framework/types.proto) of the NumPy dtypes
_TENSOR_DTYPES = {1: np.float32, 2: np.float64, 3: np.int32, 4: np.uint8, 5: np.int16,
                  6: np.int8, 7: object, 8: np.complex64, 9: np.int64, 10: np.bool_,
                  17: np.uint16, 18: np.complex128, 19: np.float16, 22: np.uint32,
                  23: np.uint64}
_DTYPE_NUMBERS = {np.dtype(v): k for k, v in _TENSOR_DTYPES.items()}
# TensorProto's typed value fields: number -> (the dtype they hold, packed element kind)
_VALUE_FIELDS = {5: "<f4", 6: "<f8", 7: "varint", 9: "<f4", 10: "varint", 11: "varint",
                 12: "<f8", 13: "varint", 16: "varint", 17: "varint"}


def encode_tensor_proto(value) -> bytes:
    """The bytes of a TensorFlow ``TensorProto`` of ``value`` (an array), as
    ``tf.io.serialize_tensor`` writes them: dtype, shape, then the raw little-endian values
    (``tensor_content``), or one ``string_val`` a string."""
    value = np.asarray(value)
    if value.dtype.kind in "OSU":
        items = value.reshape(-1).tolist()
        dtype_number = 7
    else:
        if value.dtype not in _DTYPE_NUMBERS:
            raise TypeError(f"serialize_tensor: no TensorFlow dtype for {value.dtype}; cast "
                            "to one of float16/32/64, int8/16/32/64, uint8/16/32/64, bool or "
                            "complex64/128 first.")
        dtype_number = _DTYPE_NUMBERS[value.dtype]
    shape = b"".join(_length_delimited(2, _varint(1 << 3) + _varint(d) if d else b"")
                     for d in value.shape)
    out = _varint(1 << 3) + _varint(dtype_number) + _length_delimited(2, shape)
    if dtype_number == 7:
        return out + b"".join(
            _length_delimited(8, v.encode("utf-8") if isinstance(v, str) else bytes(v))
            for v in items)
    content = value.astype(value.dtype.newbyteorder("<"), copy=False).tobytes()
    return out + (_length_delimited(4, content) if content else b"")


def decode_tensor_proto(data: bytes, where: str = "parse_tensor") -> np.ndarray:
    """The array of a serialized TensorFlow ``TensorProto`` (``tf.io.serialize_tensor``'s
    bytes, or ``tf.make_tensor_proto(...).SerializeToString()``). Every size is checked
    against the bytes there; values given once for a larger shape are repeated, as
    TensorFlow's, only up to 64 times the message's size (at least 1 MiB).

    Raises:
        DecodeError: bytes that are not a TensorProto, or that do not fit its shape.
    """
    what = f"{where}: TensorProto"
    dtype_number, dims, content, values, strings = 0, [], None, [], []
    for number, wire, value, offset in _fields(data, 0, len(data), what):
        if number == 1:
            _expect(wire, (_VARINT,), number, offset, what)
            dtype_number = value
        elif number == 2:
            _expect(wire, (_BYTES,), number, offset, what)
            dims = []
            for inner, inner_wire, dim, dim_offset in _fields(data, *value, what):
                if inner == 3 and dim:
                    raise DecodeError(f"{what}: the shape has an unknown rank.")
                if inner != 2:
                    continue
                _expect(inner_wire, (_BYTES,), inner, dim_offset, what)
                size = 0
                for field, field_wire, number_value, field_offset in _fields(data, *dim, what):
                    if field == 1:
                        _expect(field_wire, (_VARINT,), field, field_offset, what)
                        size = number_value - 2**64 if number_value >= 2**63 else number_value
                if size < 0:
                    raise DecodeError(f"{what}: a dimension of size {size} at byte "
                                      f"{dim_offset}.")
                dims.append(size)
        elif number == 4:
            _expect(wire, (_BYTES,), number, offset, what)
            content = bytes(data[value[0]:value[1]])
        elif number == 8:
            _expect(wire, (_BYTES,), number, offset, what)
            strings.append(bytes(data[value[0]:value[1]]))
        elif number in _VALUE_FIELDS:
            kind = _VALUE_FIELDS[number]
            if kind == "varint":
                _expect(wire, (_BYTES, _VARINT), number, offset, what)
                if wire == _VARINT:
                    values.append(value)
                    continue
                pos, stop = value
                while pos < stop:
                    item, pos = _read_varint(data, pos, stop, what)
                    values.append(item)
            else:
                size = int(kind[-1])
                _expect(wire, (_BYTES, _FIXED32 if size == 4 else _FIXED64), number, offset,
                        what)
                raw = value if wire != _BYTES else bytes(data[value[0]:value[1]])
                if len(raw) % size:
                    raise DecodeError(f"{what}: packed values at byte {offset} take "
                                      f"{len(raw)} bytes, not a multiple of {size}.")
                values.extend(np.frombuffer(raw, dtype=kind).tolist())
    if dtype_number not in _TENSOR_DTYPES:
        raise DecodeError(f"{what}: dtype number {dtype_number} is not one numnet reads "
                          "(float16/32/64, (u)int8/16/32/64, bool, complex, string).")
    dtype = np.dtype(_TENSOR_DTYPES[dtype_number])
    count = math.prod(dims)
    if dtype_number == 7:
        items = strings
    elif content is not None:
        if len(content) != count * dtype.itemsize:
            raise DecodeError(f"{what}: {len(content)} bytes of values for shape {dims} of "
                              f"{dtype} ({count * dtype.itemsize} bytes expected).")
        return np.frombuffer(content, dtype=dtype.newbyteorder("<")).astype(
            dtype).reshape(dims)
    else:
        items = values
    if len(items) > count or (count and not items):
        raise DecodeError(f"{what}: {len(items)} values for shape {dims} ({count} values).")
    if count * max(dtype.itemsize, 8) > max(1 << 20, 64 * len(data)) and len(items) < count:
        raise DecodeError(f"{what}: {len(items)} values would be repeated to fill shape "
                          f"{dims}, far more than the message's {len(data)} bytes hold "
                          "(a crafted message?).")
    items = list(items) + [items[-1]] * (count - len(items)) if items else []
    if dtype_number == 7:
        out = np.empty(count, dtype=object)
        out[:] = items
        return out.reshape(dims)
    if dtype_number == 19:  # half_val holds the float16 bits
        return np.array(items, dtype=np.uint16).view(np.float16).reshape(dims)
    if dtype.kind == "c":
        pairs = np.array(items, dtype=np.float64).reshape(-1, 2)
        return (pairs[:, 0] + 1j * pairs[:, 1]).astype(dtype).reshape(dims)
    if dtype.kind in "iu":
        masked = [v & (2**64 - 1) for v in items]
        signed = np.array(masked, dtype=np.uint64)
        return (signed.view(np.int64) if dtype.kind == "i" else signed).astype(
            dtype).reshape(dims)
    return np.array(items).astype(dtype).reshape(dims)


IO = {
    "FixedLenFeature": FixedLenFeature, "FixedLenSequenceFeature": FixedLenSequenceFeature,
    "RaggedFeature": RaggedFeature, "TFRecordOptions": TFRecordOptions,
    "TFRecordWriter": TFRecordWriter, "VarLenFeature": VarLenFeature,
    "parse_example": parse_example, "parse_sequence_example": parse_sequence_example,
    "parse_single_example": parse_single_example,
    "parse_single_sequence_example": parse_single_sequence_example,
}
TRAIN = {
    "BytesList": BytesList, "Example": Example, "Feature": Feature, "FeatureList": FeatureList,
    "FeatureLists": FeatureLists, "Features": Features, "FloatList": FloatList,
    "Int64List": Int64List, "SequenceExample": SequenceExample,
}
