"""The zip container of a model file: writing it, and reading it without trusting it.

Reading checks, before any member is used: the file starts as a zip archive; the end-of-directory
record declares at most ``MAX_MEMBERS`` members and a directory of at most ``MAX_DIRECTORY_BYTES``;
every member name is on the allow-list (``config.json``, ``metadata.json``,
``weights/<n>.npy``, ``optimizer/<n>.npy``: no paths, no traversal), appears once, is a regular
file (no symbolic links), is stored or deflated and not encrypted; the declared sizes add up to
at most ``max_bytes`` and no member expands more than ``MAX_RATIO`` times (deflate bombs).
Members are then read in bounded chunks, never more than declared; zip's CRC-32 is verified.

Arrays are ``.npy`` members written with ``allow_pickle=False``. Reading parses the npy header
with numpy.lib.format, accepts numeric dtypes only (kinds b, i, u, f), checks that the declared
shape accounts for exactly the bytes present, and never unpickles.
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import re
import stat
import struct
import tokenize
import zipfile
import zlib

import numpy as np
from numpy.lib import format as npy_format

from .errors import ModelFileError

DEFAULT_MAX_BYTES = 4 * 1024**3
"""Default cap on the total uncompressed size of a model file (4 GiB)."""
MAX_MEMBERS = 100_000
MAX_DIRECTORY_BYTES = 64 * 1024**2
MAX_RATIO = 100
"""A member larger than ``RATIO_FLOOR`` may be at most this many times its compressed size."""
RATIO_FLOOR = 1024**2
MAX_JSON_BYTES = 8 * 1024**2
"""config.json may be at most 8 MiB (parsed JSON takes several times its size in memory)."""
MAX_JSON_CONTAINERS = 200_000
MAX_JSON_VALUES = 1_000_000
"""... and at most this many values (counted, before parsing, by their commas)."""
"""... and hold at most this many objects and lists (each costs ~100 bytes once parsed)."""
CHUNK = 1024**2

_MEMBER_NAME = re.compile(
    r"(config\.json|metadata\.json|(weights|optimizer)/(0|[1-9][0-9]{0,6})\.npy)")
_EPOCH = (1980, 1, 1, 0, 0, 0)
_NPY_HEADER = re.compile(
    rb"\{'descr': '([<>|=]?[a-z][0-9]{1,2})', 'fortran_order': (True|False), "
    rb"'shape': \(((?:[0-9]{1,19}, )*[0-9]{1,19},?|)\), \} *\n")
_NPY_MAGIC = b"\x93NUMPY"
NUMERIC_DTYPES = frozenset(
    ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
     "float16", "float32", "float64"])
_ZIP_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, struct.error,
               NotImplementedError, RuntimeError, ValueError, OverflowError, KeyError,
               IndexError, OSError, UnicodeDecodeError, MemoryError)


def member_name_ok(name: str) -> bool:
    return _MEMBER_NAME.fullmatch(name) is not None


# ----------------------------------------------------------------------------- writing


def write_archive(fileobj, members) -> None:
    """Write ``members`` [(name, bytes or ndarray)] as a zip: JSON deflated, arrays stored as
    .npy. Timestamps are fixed, so that the same model gives the same bytes."""
    with zipfile.ZipFile(fileobj, "w", allowZip64=True) as zf:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            if isinstance(content, bytes):
                info.compress_type = zipfile.ZIP_DEFLATED
                zf.writestr(info, content)
                continue
            array = np.asarray(content, order="C")  # (a 0-d array stays 0-d)
            info.compress_type = zipfile.ZIP_STORED
            with zf.open(info, "w", force_zip64=array.nbytes > 2**31 - 2**20) as out:
                npy_format.write_array(out, array, allow_pickle=False)


# ----------------------------------------------------------------------------- reading


class Archive:
    """A model file opened for checked reading (use as a context manager)."""

    names = _MEMBER_NAME
    """The member names allowed."""

    def __init__(self, path: str, max_bytes: int = DEFAULT_MAX_BYTES):
        self.path = os.fspath(path)
        self.max_bytes = int(max_bytes)
        self._file = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        try:
            with self.errors("the zip directory"):
                self._open()
        except BaseException:
            self._file.close()
            raise

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        zf = getattr(self, "_zip", None)
        if zf is not None:
            zf.close()
        self._file.close()

    def fail(self, where: str, message: str) -> ModelFileError:
        return ModelFileError(f"{self.path}: {where}: {message}")

    @contextlib.contextmanager
    def errors(self, where: str):
        """Turn whatever a damaged archive makes zipfile / zlib raise into a ModelFileError."""
        try:
            yield
        except ModelFileError:
            raise
        except RecursionError as err:
            raise self.fail(where, f"nested too deeply ({err})") from None
        except _ZIP_ERRORS as err:
            raise self.fail(where, f"damaged or not a numnet file ({type(err).__name__}: "
                                   f"{err})") from None

    def _open(self) -> None:
        size = os.fstat(self._file.fileno()).st_size
        if size == 0:
            raise self.fail("file", "the file is empty")
        if size > self.max_bytes:
            raise self.fail("file", f"{size} bytes is more than max_bytes={self.max_bytes}; "
                                    "pass a larger max_bytes if the file is trusted")
        head = self._file.read(4)
        if head not in (b"PK\x03\x04", b"PK\x05\x06"):
            kind = "an HDF5 file" if head == b"\x89HDF" else "not a zip archive"
            raise self.fail("file", f"{kind}, so not a numnet model file (.numnet)")
        _check_end_record(self._file, size, self)
        self._file.seek(0)
        self._zip = zipfile.ZipFile(self._file)
        self.members: dict[str, zipfile.ZipInfo] = {}
        self._sizes: dict[str, int] = {}
        self._headers: dict[str, tuple] = {}
        total = 0
        for info in self._zip.infolist():
            name = info.filename
            self._check_member(info, size)
            if name in self.members:
                raise self.fail(name, "the archive holds two members of this name")
            self.members[name] = info
            total += info.file_size
            if total > self.max_bytes:
                raise self.fail(name, f"the members expand to more than max_bytes="
                                      f"{self.max_bytes} bytes")
            if total > max(RATIO_FLOOR, MAX_RATIO * size):  # many small bombs make a big one
                raise self.fail(name, f"the members expand to more than {MAX_RATIO} times the "
                                      f"file's {size} bytes: refused as a decompression bomb")

    def _check_member(self, info: zipfile.ZipInfo, size: int) -> None:
        name = info.filename
        if getattr(info, "orig_filename", name) != name or not self.names.fullmatch(name):
            if ".." in name or name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
                raise self.fail(repr(name), "member name is a path outside the archive "
                                            "(path traversal); refused")
            if name.endswith(".weights.h5"):
                raise self.fail(repr(name), "this looks like a Keras .keras file, which "
                                            "numnet.models.load_model reads (as the whole "
                                            "model, not its weights alone)")
            raise self.fail(repr(name), "unexpected member; a numnet file holds only "
                                        "config.json, metadata.json, weights/<n>.npy and "
                                        "optimizer/<n>.npy")
        mode = info.external_attr >> 16
        if stat.S_IFMT(mode) == stat.S_IFLNK:
            raise self.fail(name, "member is a symbolic link; refused")
        if stat.S_IFMT(mode) not in (0, stat.S_IFREG) or info.is_dir():
            raise self.fail(name, "member is not a regular file")
        if info.flag_bits & 0x41:
            raise self.fail(name, "member is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise self.fail(name, f"unsupported compression method {info.compress_type}")
        if info.compress_type == zipfile.ZIP_STORED and info.compress_size != info.file_size:
            raise self.fail(name, f"stored member declares {info.file_size} bytes but holds "
                                  f"{info.compress_size}")
        if info.header_offset + info.compress_size > size:
            raise self.fail(name, "member extends past the end of the file (truncated?)")
        if info.file_size > self.max_bytes:
            raise self.fail(name, f"declares {info.file_size} bytes, more than max_bytes="
                                  f"{self.max_bytes}")
        if info.file_size > max(RATIO_FLOOR, MAX_RATIO * info.compress_size):
            raise self.fail(name, f"expands {info.compress_size} compressed bytes to "
                                  f"{info.file_size} (more than {MAX_RATIO}x): refused as a "
                                  "decompression bomb")

    # ----- members -----
    def read_bytes(self, name: str, limit: int = MAX_JSON_BYTES) -> bytes:
        info = self.members[name]
        if info.file_size > limit:
            raise self.fail(name, f"{info.file_size} bytes is more than the {limit} allowed")
        with self.errors(name), self._zip.open(info) as f:
            data = _read_exact(f, info.file_size, self, name)
            _expect_end(f, self, name)
        return data

    def real_size(self, name: str) -> int:
        """The bytes that member ``name`` really holds: a stored member's size in the file; a
        deflated one's counted by inflating it (bounded by its declared size, never trusted)."""
        size = self._sizes.get(name)
        if size is not None:
            return size
        info = self.members[name]
        size = info.file_size
        if info.compress_type != zipfile.ZIP_STORED:
            with self.errors(name), self._zip.open(info) as f:
                pos = 0
                while pos < info.file_size:
                    chunk = f.read(min(CHUNK, info.file_size - pos))
                    if not chunk:
                        raise self.fail(name, f"inflates to {pos} bytes, not the "
                                              f"{info.file_size} declared")
                    pos += len(chunk)
                _expect_end(f, self, name)
        self._sizes[name] = size
        return size

    def array_info(self, name: str) -> tuple:
        """(header size, shape, Fortran order, dtype) of the .npy member ``name``, its header
        checked against the bytes the member really holds (so that what it declares may be
        charged to a budget before anything of that size is allocated)."""
        found = self._headers.get(name)
        if found is not None:
            return found
        info = self.members.get(name)
        if info is None:
            raise self.fail(name, "member is listed in config.json but missing from the archive")
        with self.errors(name), self._zip.open(info) as f:
            found = _read_npy_header(f, self, name)
        header_size, shape, _, dtype = found
        nbytes = math.prod(shape) * dtype.itemsize
        real = self.real_size(name)
        if header_size + nbytes != real:
            raise self.fail(name, f"the npy header declares shape {shape} ({nbytes} bytes of "
                                  f"{dtype.name}) but the member holds {real - header_size} "
                                  "bytes of data")
        self._headers[name] = found
        return found

    def read_array(self, name: str, shape: tuple, dtype: str) -> np.ndarray:
        """The array in ``name``, which must have exactly ``shape`` and ``dtype``."""
        header_size, file_shape, fortran, file_dtype = self.array_info(name)
        if file_shape != tuple(shape) or file_dtype.name != dtype:
            raise self.fail(name, f"holds {file_dtype.name} of shape {file_shape}; "
                                  f"config.json declares {dtype} of shape {tuple(shape)}")
        count = math.prod(file_shape)
        nbytes = count * file_dtype.itemsize
        with self.errors(name), self._zip.open(self.members[name]) as f:
            _read_exact(f, header_size, self, name)
            array = np.empty(count, dtype=file_dtype)
            view = memoryview(array.view(np.uint8)) if nbytes else memoryview(b"")
            pos = 0
            while pos < nbytes:
                chunk = f.read(min(CHUNK, nbytes - pos))
                if not chunk:
                    raise self.fail(name, f"data ends after {pos} of {nbytes} bytes")
                view[pos:pos + len(chunk)] = chunk
                pos += len(chunk)
            _expect_end(f, self, name)
        if fortran:
            array = array.reshape(file_shape[::-1]).T
        else:
            array = array.reshape(file_shape)
        if not array.dtype.isnative:
            array = array.astype(array.dtype.newbyteorder("="))
        return np.asarray(array, order="C")


def _read_exact(f, n: int, archive: Archive, name: str) -> bytes:
    out = bytearray()
    while len(out) < n:
        chunk = f.read(min(CHUNK, n - len(out)))
        if not chunk:
            raise archive.fail(name, f"ends after {len(out)} of {n} bytes")
        out += chunk
    return bytes(out)


def _expect_end(f, archive: Archive, name: str) -> None:
    if f.read(1):
        raise archive.fail(name, "holds more data than its header declares")


def _read_npy_header(f, archive: Archive, name: str):
    magic = _read_exact(f, 8, archive, name)
    if magic[:6] != _NPY_MAGIC:
        raise archive.fail(name, "not an .npy array (bad magic bytes)")
    version = (magic[6], magic[7])
    if version == (1, 0):
        length_bytes = _read_exact(f, 2, archive, name)
        length = struct.unpack("<H", length_bytes)[0]
        parse = npy_format.read_array_header_1_0
    elif version == (2, 0):
        length_bytes = _read_exact(f, 4, archive, name)
        length = struct.unpack("<I", length_bytes)[0]
        parse = npy_format.read_array_header_2_0
    else:
        raise archive.fail(name, f"unsupported .npy format version {version}")
    if length > 65536:
        raise archive.fail(name, f"npy header of {length} bytes is too long")
    header = _read_exact(f, length, archive, name)
    plain = _NPY_HEADER.fullmatch(header)
    if plain is not None:  # numpy's own layout, read without numpy's literal_eval
        descr, order, dims = plain.groups()
        try:
            dtype = np.dtype(descr.decode("ascii"))
        except TypeError as err:
            raise archive.fail(name, f"bad npy header ({err})") from None
        fortran = order == b"True"
        shape = tuple(int(d) for d in dims.split(b",") if d.strip())
    else:
        stream = io.BytesIO(length_bytes + header)
        try:
            shape, fortran, dtype = parse(stream, max_header_size=65536)
        except TypeError:  # numpy without max_header_size
            stream.seek(0)
            shape, fortran, dtype = parse(stream)
        except (ValueError, SyntaxError, MemoryError, RecursionError,
                tokenize.TokenError) as err:
            raise archive.fail(name, f"bad npy header ({type(err).__name__}: {err})") \
                from None
    if dtype.hasobject or dtype.kind not in "biuf" or dtype.fields or dtype.subdtype:
        raise archive.fail(name, f"dtype {dtype.str!r} is not a plain numeric type; only "
                                 "bool, integer and float arrays are read (never pickled "
                                 "objects)")
    if np.dtype(dtype).newbyteorder("=").name not in NUMERIC_DTYPES:
        raise archive.fail(name, f"unsupported dtype {dtype.str!r}")
    if not isinstance(shape, tuple) or len(shape) > 32 or any(
            not isinstance(d, int) or isinstance(d, bool) or not 0 <= d < 2**63 for d in shape):
        raise archive.fail(name, f"bad shape {str(shape)[:80]} in the npy header")
    return len(magic) + len(length_bytes) + length, tuple(shape), bool(fortran), dtype


def _check_end_record(f, size: int, archive: Archive) -> None:
    """Read the end-of-central-directory record and refuse absurd member counts or directory
    sizes before zipfile builds its index (which costs memory per member)."""
    tail_len = min(size, 22 + 65535)
    f.seek(size - tail_len)
    tail = f.read(tail_len)
    pos = tail.rfind(b"PK\x05\x06")
    if pos < 0 or len(tail) - pos < 22:
        raise archive.fail("file", "no zip end-of-directory record: the file is truncated or "
                                   "not a zip archive")
    _, _, _, _, count, dir_size, _, _ = struct.unpack("<4s4H2LH", tail[pos:pos + 22])
    if count == 0xFFFF or dir_size == 0xFFFFFFFF:
        locator = tail[pos - 20:pos] if pos >= 20 else b""
        if len(locator) == 20 and locator[:4] == b"PK\x06\x07":
            offset = struct.unpack("<Q", locator[8:16])[0]
            if offset + 56 <= size:
                f.seek(offset)
                record = f.read(56)
                if record[:4] == b"PK\x06\x06":
                    count, dir_size = struct.unpack("<QQ", record[32:48])
    if count > MAX_MEMBERS:
        raise archive.fail("file", f"declares {count} members (at most {MAX_MEMBERS})")
    if dir_size > min(MAX_DIRECTORY_BYTES, size):
        raise archive.fail("file", f"declares a zip directory of {dir_size} bytes")


__all__ = ["Archive", "DEFAULT_MAX_BYTES", "NUMERIC_DTYPES", "member_name_ok", "write_archive"]
