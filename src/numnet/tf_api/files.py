"""TensorFlow's ``tf.io`` for local files: read_file / write_file, ``tf.io.gfile`` (exists,
glob, makedirs, GFile, ...), decode_csv, decode_raw, base64 and the image decoders.

    contents = tf.io.read_file("images/cat.png")        # a string Tensor: .numpy() is bytes
    image = tf.io.decode_png(contents, channels=3)
    for path in tf.io.gfile.glob("data/*.csv"): ...

Only local paths: a URL scheme (gs://, s3://, hdfs://) raises UnimplementedError. A missing
file raises ``tf.errors.NotFoundError`` (also a FileNotFoundError).
"""

from __future__ import annotations

import base64
import csv
import glob as _glob
import io
import os
import shutil

import numpy as np

from .. import backend
from ..autodiff import Tensor
from . import image as _image
from .base import array, namespace, plain, string_tensor
from .errors import (
    AlreadyExistsError,
    InvalidArgumentError,
    NotFoundError,
    UnimplementedError,
)


def _path(filename, where: str) -> str:
    if isinstance(filename, Tensor):
        filename = np.asarray(filename.numpy()).item()
    if isinstance(filename, bytes):
        filename = filename.decode("utf-8")
    filename = os.fspath(filename)
    if "://" in filename and not filename.startswith("file://"):
        raise UnimplementedError(None, None, f"{where}: numnet reads local files only; given "
                                             f"{filename!r}. Copy the file locally first.")
    return filename[len("file://"):] if filename.startswith("file://") else filename


def read_file(filename, name=None) -> Tensor:
    """The whole file's bytes, as a scalar string Tensor (``.numpy()`` gives ``bytes``).

    Args:
        filename: a path (str, bytes or string Tensor).
        name: ignored. Defaults to ``None``.

    Raises:
        NotFoundError: the file does not exist.

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "a.txt")
        >>> numnet.io.write_file(path, "hello")
        >>> numnet.io.read_file(path).numpy()
        b'hello'
    """
    path = _path(filename, "read_file")
    try:
        with open(path, "rb") as f:
            return string_tensor(f.read())
    except FileNotFoundError:
        raise NotFoundError(None, None, f"read_file: {path}; No such file or directory") \
            from None
    except IsADirectoryError:
        raise InvalidArgumentError(None, None, f"read_file: {path} is a directory.") from None


def write_file(filename, contents, name=None) -> None:
    """Write ``contents`` (bytes, str or a string Tensor) to ``filename``, replacing it and
    creating missing parent directories.

    Args:
        filename: a path.
        contents: the bytes to write.
        name: ignored. Defaults to ``None``.

    Example:
        >>> import tempfile, os
        >>> numnet.io.write_file(os.path.join(tempfile.mkdtemp(), "a", "b.txt"), b"x")
    """
    path = _path(filename, "write_file")
    data = contents.numpy() if isinstance(contents, Tensor) else contents
    data = np.asarray(data).item() if isinstance(data, np.ndarray) else data
    data = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def matching_files(pattern, name=None) -> Tensor:
    """The paths matching a glob ``pattern``, sorted, as a 1-D string Tensor.

    Args:
        pattern: a glob such as "data/*.csv".
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.io.matching_files("/nonexistent/*.x").shape
        (0,)
    """
    return string_tensor(sorted(_glob.glob(_path(pattern, "matching_files"))))


# ----------------------------------------------------------------------------- gfile


class GFile:
    """A local file opened as Python's ``open`` would (``tf.io.gfile.GFile(path, mode)``),
    with TensorFlow's method names too: ``read(n=-1)``, ``readline``, ``readlines``,
    ``write``, ``size()``, ``seekable()``; a context manager, iterable by line.

    Args:
        name: the path.
        mode: "r", "rb", "w", "wb", "a" or "ab". Defaults to ``"r"``.

    Raises:
        NotFoundError: reading a file that does not exist.

    Example:
        >>> import tempfile, os
        >>> path = os.path.join(tempfile.mkdtemp(), "g.txt")
        >>> with numnet.io.gfile.GFile(path, "w") as f:
        ...     _ = f.write("line\\n")
        >>> numnet.io.gfile.GFile(path).read()
        'line\\n'
    """

    def __init__(self, name, mode="r"):
        self.name = _path(name, "GFile")
        self.mode = mode
        if "w" in mode or "a" in mode:
            parent = os.path.dirname(self.name)
            if parent and not os.path.isdir(parent):
                raise NotFoundError(None, None, f"GFile: the directory {parent} does not "
                                                "exist; make it with tf.io.gfile.makedirs.")
        try:
            self._file = open(self.name, mode if "b" in mode else mode,
                              **({} if "b" in mode else {"encoding": "utf-8", "newline": ""}))
        except FileNotFoundError:
            raise NotFoundError(None, None, f"{self.name}; No such file or directory") \
                from None

    def read(self, n=-1):
        """Up to ``n`` characters (bytes in binary mode); all of the rest when -1."""
        return self._file.read(n)

    def readline(self):
        """The next line, with its newline."""
        return self._file.readline()

    def readlines(self):
        """The remaining lines."""
        return self._file.readlines()

    def write(self, file_content):
        """Write a str (bytes in binary mode; bytes are decoded in text mode)."""
        if isinstance(file_content, bytes) and "b" not in self.mode:
            file_content = file_content.decode("utf-8")
        return self._file.write(file_content)

    def flush(self):
        """Flush the buffer to the file."""
        self._file.flush()

    def close(self):
        """Close the file."""
        self._file.close()

    def seek(self, offset=None, whence=0, position=None):
        """Move to ``offset`` (or TensorFlow's ``position``)."""
        return self._file.seek(position if offset is None else offset, whence)

    def tell(self):
        """The position in the file."""
        return self._file.tell()

    def size(self):
        """The file's size in bytes."""
        return os.path.getsize(self.name)

    def seekable(self):
        """True: local files can seek."""
        return True

    def __iter__(self):
        return iter(self._file)

    def __next__(self):
        return next(self._file)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _exists(path) -> bool:
    """Whether the path exists (file or directory)."""
    return os.path.exists(_path(path, "gfile.exists"))


def _isdir(path) -> bool:
    """Whether the path is a directory."""
    return os.path.isdir(_path(path, "gfile.isdir"))


def _glob_files(pattern) -> list:
    """The paths matching a glob pattern, sorted."""
    return sorted(_glob.glob(_path(pattern, "gfile.glob")))


def _listdir(path) -> list:
    """The names in a directory (NotFoundError when it does not exist)."""
    path = _path(path, "gfile.listdir")
    if not os.path.isdir(path):
        raise NotFoundError(None, None, f"gfile.listdir: {path} is not a directory.")
    return sorted(os.listdir(path))


def _makedirs(path) -> None:
    """Make a directory and its missing parents (nothing if it exists)."""
    os.makedirs(_path(path, "gfile.makedirs"), exist_ok=True)


def _mkdir(path) -> None:
    """Make a directory whose parent exists."""
    path = _path(path, "gfile.mkdir")
    try:
        os.mkdir(path)
    except FileExistsError:
        raise AlreadyExistsError(None, None, f"gfile.mkdir: {path} exists.") from None
    except FileNotFoundError:
        raise NotFoundError(None, None, f"gfile.mkdir: the parent of {path} does not exist.") \
            from None


def _remove(path) -> None:
    """Delete a file (NotFoundError when it does not exist)."""
    path = _path(path, "gfile.remove")
    try:
        os.remove(path)
    except FileNotFoundError:
        raise NotFoundError(None, None, f"gfile.remove: {path} does not exist.") from None


def _rmtree(path) -> None:
    """Delete a directory and everything in it."""
    path = _path(path, "gfile.rmtree")
    if not os.path.exists(path):
        raise NotFoundError(None, None, f"gfile.rmtree: {path} does not exist.")
    shutil.rmtree(path)


def _rename(src, dst, overwrite=False) -> None:
    """Move ``src`` to ``dst`` (AlreadyExistsError if dst exists, unless overwrite)."""
    src, dst = _path(src, "gfile.rename"), _path(dst, "gfile.rename")
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError(None, None, f"gfile.rename: {dst} exists; pass "
                                             "overwrite=True to replace it.")
    os.replace(src, dst)


def _copy(src, dst, overwrite=False) -> None:
    """Copy the file ``src`` to ``dst`` (AlreadyExistsError if dst exists, unless
    overwrite)."""
    src, dst = _path(src, "gfile.copy"), _path(dst, "gfile.copy")
    if os.path.exists(dst) and not overwrite:
        raise AlreadyExistsError(None, None, f"gfile.copy: {dst} exists; pass overwrite=True "
                                             "to replace it.")
    shutil.copyfile(src, dst)


def _walk(top, topdown=True, onerror=None):
    """(directory, subdirectories, files) for each directory under ``top``, as os.walk."""
    return os.walk(_path(top, "gfile.walk"), topdown=topdown, onerror=onerror)


def _stat(path):
    """A record with ``length`` (bytes), ``mtime_nsec`` and ``is_directory``."""
    path = _path(path, "gfile.stat")
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise NotFoundError(None, None, f"gfile.stat: {path} does not exist.") from None
    return namespace("FileStatistics", "A file's size, time and kind.", length=info.st_size,
                     mtime_nsec=info.st_mtime_ns, is_directory=os.path.isdir(path))


def _join(path, *paths) -> str:
    """The paths joined with the separator, as os.path.join."""
    return os.path.join(_path(path, "gfile.join"), *paths)


gfile = namespace(
    "numnet.io.gfile", "TensorFlow's ``tf.io.gfile`` on local files.", GFile=GFile, Open=GFile,
    copy=_copy, exists=_exists, glob=_glob_files, isdir=_isdir, join=_join, listdir=_listdir,
    makedirs=_makedirs, mkdir=_mkdir, remove=_remove, rename=_rename, rmtree=_rmtree,
    stat=_stat, walk=_walk)


# ----------------------------------------------------------------------------- decoding


def _strings(records) -> tuple:
    value = records.numpy() if isinstance(records, Tensor) else records
    items = np.asarray(value, dtype=object)
    texts = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in items.ravel()]
    return texts, items.shape


def decode_csv(records, record_defaults, field_delim=",", use_quote_delim=True, name=None,
               na_value="", select_cols=None) -> list:
    """Parse CSV lines into one Tensor per column, typed by ``record_defaults``: each
    default (a one-element list, or a Tensor) gives the column's dtype and the value of an
    empty field; an empty list marks a required column (an empty field raises).

    Args:
        records: a string or 1-D list / Tensor of lines.
        record_defaults: one default per column (``[0.0]``, ``[0]``, ``[""]``, ``[]``).
        field_delim: the separator. Defaults to ``","``.
        use_quote_delim: honour double quotes. Defaults to ``True``.
        name: ignored. Defaults to ``None``.
        na_value: a field text read as missing. Defaults to ``""``.
        select_cols: the indices of the columns to read, or None for all. Defaults to
            ``None``.

    Raises:
        InvalidArgumentError: a line has the wrong number of fields, a required field is
            empty, or a field is not a number.

    Example:
        >>> a, b = numnet.io.decode_csv(["1,x", "2,"], [[0], ["none"]])
        >>> a.tolist(), b.numpy().tolist()
        ([1, 2], [b'x', b'none'])
    """
    texts, shape = _strings(records)
    specs = [_column_spec(d) for d in record_defaults]
    columns = list(range(len(specs))) if select_cols is None else [int(c) for c in select_cols]
    if select_cols is not None and len(columns) != len(specs):
        raise ValueError("decode_csv: select_cols and record_defaults must have one length.")
    reader = csv.reader(io.StringIO("\n".join(texts)), delimiter=field_delim,
                        quoting=csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE)
    rows = list(reader) if texts else []
    rows += [[""]] * (len(texts) - len(rows))
    out = [[] for _ in specs]
    for line, row in zip(texts, rows):
        if select_cols is None and len(row) != len(specs):
            raise InvalidArgumentError(None, None, f"decode_csv: expected {len(specs)} fields "
                                                   f"but have {len(row)} in record {line!r}.")
        for k, (col, (dtype, default)) in enumerate(zip(columns, specs)):
            field = row[col] if col < len(row) else ""
            if field == "" or field == na_value:
                if default is None:
                    raise InvalidArgumentError(None, None, f"decode_csv: field {col} is "
                                                           f"required but missing in record "
                                                           f"{line!r}.")
                out[k].append(default)
            elif dtype.kind == "O":
                out[k].append(field)
            else:
                try:
                    out[k].append(dtype.type(float(field) if dtype.kind == "f" else int(field)))
                except ValueError:
                    raise InvalidArgumentError(None, None, f"decode_csv: field {col} of record "
                                                           f"{line!r} is not a number of type "
                                                           f"{dtype}: {field!r}.") from None
    result = []
    for values, (dtype, _) in zip(out, specs):
        if dtype.kind == "O":
            column = np.empty(len(values), dtype=object)
            column[:] = values
            result.append(string_tensor(column.reshape(shape)))
        else:
            result.append(Tensor(backend.to_device(np.array(values, dtype=dtype).reshape(shape))))
    return result


def _column_spec(default) -> tuple:
    """(dtype, default value or None for a required column) of one record default."""
    if isinstance(default, Tensor):
        value = default.numpy()
        values = np.asarray(value, dtype=default.dtype).reshape(-1)
        dtype = np.dtype(object) if default.dtype == object else default.dtype
        return dtype, (values[0] if values.size else None)
    items = list(default) if isinstance(default, (list, tuple, np.ndarray)) else [default]
    if not items:
        return np.dtype(np.float32), None
    first = items[0]
    if isinstance(first, (str, bytes)):
        return np.dtype(object), first.encode("utf-8") if isinstance(first, str) else first
    if isinstance(first, np.generic):
        return first.dtype, first
    if isinstance(first, bool) or isinstance(first, int):
        return np.dtype(np.int32), np.int32(first)
    return np.dtype(np.float32), np.float32(first)


def decode_raw(input_bytes, out_type, little_endian=True, fixed_length=None, name=None) -> Tensor:
    """The bytes of each string read as numbers of ``out_type`` (a new last axis).

    Args:
        input_bytes: a string Tensor or bytes.
        out_type: the dtype to read.
        little_endian: the byte order. Defaults to ``True``.
        fixed_length: the number of bytes read from each string: shorter ones are padded
            with zero bytes, longer ones cut, as TensorFlow's (so strings of different
            lengths decode to one shape). Defaults to ``None`` (all strings the same
            length, a multiple of the type's size).
        name: ignored. Defaults to ``None``.

    Raises:
        InvalidArgumentError: strings of different lengths without ``fixed_length``, or a
            length that is not a multiple of the type's size.

    Example:
        >>> numnet.io.decode_raw(b"\\x01\\x00\\x02\\x00", numnet.int16).tolist()
        [1, 2]
        >>> numnet.io.decode_raw([b"\\x01", b"\\x02\\x03\\x04"], numnet.uint8,
        ...                      fixed_length=2).tolist()
        [[1, 0], [2, 3]]
    """
    target = np.dtype(out_type)
    dtype = target.newbyteorder("<" if little_endian else ">")
    value = input_bytes.numpy() if isinstance(input_bytes, Tensor) else input_bytes
    scalar = isinstance(value, (bytes, bytearray, str))
    items = np.empty((), dtype=object) if scalar else np.asarray(value, dtype=object)
    if scalar:
        items[()] = value
    raw = [v.encode("latin-1") if isinstance(v, str) else bytes(v) for v in items.ravel()]
    if fixed_length is not None:
        size = int(plain(fixed_length))
        if size % dtype.itemsize:
            raise InvalidArgumentError(
                f"decode_raw(fixed_length): {size} is not a multiple of {target}'s size "
                f"({dtype.itemsize} bytes).")
        raw = [v[:size].ljust(size, b"\0") for v in raw]
    for v in raw:
        if len(v) % dtype.itemsize:
            raise InvalidArgumentError(
                f"decode_raw(input_bytes): a string of {len(v)} bytes is not a multiple of "
                f"{target}'s size ({dtype.itemsize}); give fixed_length to cut or pad them.")
    if len({len(v) for v in raw}) > 1:
        raise InvalidArgumentError(
            f"decode_raw(input_bytes): the strings have different lengths "
            f"({sorted({len(v) for v in raw})}); give fixed_length to cut or pad them to "
            f"one.")
    rows = [np.frombuffer(v, dtype=dtype).astype(target) for v in raw]
    width = len(raw[0]) // dtype.itemsize if raw else 0
    out = np.stack(rows) if rows else np.zeros((0, width), dtype=target)
    return Tensor(backend.to_device(out.reshape(items.shape + (width,))))


def encode_base64(input, pad=False, name=None) -> Tensor:  # noqa: A002
    """Web-safe base64 of each string (- and _ for + and /; no padding unless ``pad``).

    Args:
        input: strings.
        pad: keep the = padding. Defaults to ``False``.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.io.encode_base64(b"hi").numpy()
        b'aGk'
    """
    texts = input.numpy() if isinstance(input, Tensor) else input

    def one(v):
        v = v.encode("utf-8") if isinstance(v, str) else bytes(v)
        out = base64.urlsafe_b64encode(v)
        return out if pad else out.rstrip(b"=")

    if isinstance(texts, (bytes, str)):
        return string_tensor(one(texts))
    items = np.asarray(texts, dtype=object)
    return string_tensor(np.array([one(v) for v in items.ravel()], dtype=object).reshape(
        items.shape))


def decode_base64(input, name=None) -> Tensor:  # noqa: A002
    """The bytes of web-safe base64 strings (padding optional).

    Args:
        input: base64 strings.
        name: ignored. Defaults to ``None``.

    Example:
        >>> numnet.io.decode_base64(b"aGk").numpy()
        b'hi'
    """
    texts = input.numpy() if isinstance(input, Tensor) else input

    def one(v):
        v = v.encode("ascii") if isinstance(v, str) else bytes(v)
        return base64.urlsafe_b64decode(v + b"=" * (-len(v) % 4))

    if isinstance(texts, (bytes, str)):
        return string_tensor(one(texts))
    items = np.asarray(texts, dtype=object)
    return string_tensor(np.array([one(v) for v in items.ravel()], dtype=object).reshape(
        items.shape))


def serialize_tensor(tensor, name=None) -> Tensor:
    """The tensor as the bytes of a TensorFlow ``TensorProto`` (dtype, shape, values), byte
    for byte TensorFlow's ``tf.io.serialize_tensor``, as a string Tensor that
    ``parse_tensor`` (numnet's or TensorFlow's) reads back.

    Args:
        tensor: a Tensor or array (numbers, bools or strings).
        name: ignored. Defaults to ``None``.

    Raises:
        TypeError: a dtype TensorFlow has no number for.

    Example:
        >>> s = numnet.io.serialize_tensor(numnet.constant([1.0, 2.0]))
        >>> s.numpy()
        b'\\x08\\x01\\x12\\x04\\x12\\x02\\x08\\x02"\\x08\\x00\\x00\\x80?\\x00\\x00\\x00@'
        >>> numnet.io.parse_tensor(s, numnet.float32).tolist()
        [1.0, 2.0]
    """
    from .records import encode_tensor_proto

    return string_tensor(encode_tensor_proto(array(tensor)))


def parse_tensor(serialized, out_type, name=None) -> Tensor:
    """The Tensor of serialized ``TensorProto`` bytes (``serialize_tensor``'s, numnet's or
    TensorFlow's); bytes in NumPy's .npy format, which numnet's serialize_tensor wrote
    before, are read too (no pickled objects).

    Args:
        serialized: the bytes (or a scalar string Tensor).
        out_type: the expected dtype (InvalidArgumentError when it differs).
        name: ignored. Defaults to ``None``.

    Raises:
        InvalidArgumentError: bytes that are not a serialized tensor, or another dtype.

    Example:
        >>> numnet.io.parse_tensor(numnet.io.serialize_tensor([1, 2]), numnet.int32).tolist()
        [1, 2]
    """
    from .records import DecodeError, decode_tensor_proto

    data = serialized.numpy() if isinstance(serialized, Tensor) else serialized
    data = bytes(data)
    try:
        if data.startswith(b"\x93NUMPY"):
            value = np.load(io.BytesIO(data), allow_pickle=False)
        else:
            value = decode_tensor_proto(data)
    except (ValueError, DecodeError) as e:
        raise InvalidArgumentError(None, None, f"parse_tensor: not a serialized tensor "
                                               f"({e}).") from None
    if value.dtype != np.dtype(out_type):
        raise InvalidArgumentError(None, None, f"parse_tensor(out_type): the tensor has dtype "
                                               f"{value.dtype}, not {np.dtype(out_type)}.")
    if value.dtype == object:
        return string_tensor(value)
    return Tensor(backend.to_device(value))


IO = {
    "decode_base64": decode_base64, "decode_csv": decode_csv,
    "decode_image": _image.decode_image, "decode_jpeg": _image.decode_jpeg,
    "decode_png": _image.decode_png, "decode_raw": decode_raw, "encode_base64": encode_base64,
    "encode_jpeg": _image.encode_jpeg, "encode_png": _image.encode_png, "gfile": gfile,
    "matching_files": matching_files, "parse_tensor": parse_tensor, "read_file": read_file,
    "serialize_tensor": serialize_tensor, "write_file": write_file,
}
"""The functions of ``tf.io``."""
