"""TFRecord files, as TensorFlow writes and reads them: ``tf.data.TFRecordDataset``,
``tf.io.TFRecordWriter`` and ``tf.io.TFRecordOptions`` (GZIP and ZLIB compression included).

    with tf.io.TFRecordWriter("train.tfrecord") as writer:
        writer.write(example.SerializeToString())
    for raw in tf.data.TFRecordDataset("train.tfrecord"):
        raw.numpy()                                  # the record's bytes

A TFRecord file is a sequence of records, each framed as TensorFlow frames it::

    uint64 length (little-endian) | uint32 masked CRC-32C of those 8 bytes
    | length bytes of data        | uint32 masked CRC-32C of the data

where the mask of a checksum ``c`` is ``((c >> 15) | (c << 17)) + 0xa282ead8`` modulo 2**32.
The files are byte for byte TensorFlow's, so either library reads what the other wrote.

Files are untrusted input: a length is used only once its own checksum holds, and only if the
file (or, compressed, the stream read so far) really holds that many bytes, read in bounded
chunks; a record with a wrong checksum or cut short raises ``tf.errors.DataLossError`` (also an
OSError) naming the file, the record's index and byte offset, and what is wrong.

CRC-32C is computed vectorised in NumPy (numnet.fast.crc32c; timings: bench/RESULTS.md,
"CRC-32C").
"""

from __future__ import annotations

import os
import struct
import zlib

import numpy as np

from ..fast.crc32c import _mask, crc32c_many, frame_many, masked_crc32c
from ..tf_api.errors import DataLossError
from .dataset import Dataset, interleave_iterators
from .readers import _STRING, _compression, _cycle, _Files
from .structure import TensorSpec

# ----------------------------------------------------------------------------- options

_COMPRESSIONS = {None: "", "": "", "GZIP": "GZIP", "ZLIB": "ZLIB"}


class TFRecordOptions:
    """How a TFRecord file is compressed, as ``tf.io.TFRecordOptions``.

    Args:
        compression_type: ``""`` or ``None`` (none), ``"GZIP"`` or ``"ZLIB"``. Defaults to
            ``None``.
        flush_mode: accepted (numnet flushes with zlib's Z_SYNC_FLUSH). Defaults to ``None``.
        input_buffer_size: accepted. Defaults to ``None``.
        output_buffer_size: accepted. Defaults to ``None``.
        window_bits: zlib's window size, 8 to 15. Defaults to ``None`` (15).
        compression_level: 0 (none) to 9 (smallest), or -1 for zlib's default (6).
            Defaults to ``None`` (-1).
        compression_method: accepted (deflate). Defaults to ``None``.
        mem_level: zlib's memory level, 1 to 9. Defaults to ``None`` (8).
        compression_strategy: zlib's strategy (0 default, 1 filtered, 2 Huffman only, ...).
            Defaults to ``None`` (0).

    Raises:
        ValueError: an unknown compression type or a level out of range.

    Example:
        >>> options = TFRecordOptions(compression_type="GZIP", compression_level=9)
        >>> TFRecordOptions.get_compression_type_string(options)
        'GZIP'
    """

    compression_type_map = {"ZLIB": "ZLIB", "GZIP": "GZIP", "": ""}

    def __init__(self, compression_type=None, flush_mode=None, input_buffer_size=None,
                 output_buffer_size=None, window_bits=None, compression_level=None,
                 compression_method=None, mem_level=None, compression_strategy=None):
        self.compression_type = _compression_name(compression_type, "TFRecordOptions")
        self.flush_mode = flush_mode
        self.input_buffer_size = input_buffer_size
        self.output_buffer_size = output_buffer_size
        self.window_bits = window_bits
        self.compression_level = compression_level
        self.compression_method = compression_method
        self.mem_level = mem_level
        self.compression_strategy = compression_strategy
        level = -1 if compression_level is None else int(compression_level)
        if not -1 <= level <= 9:
            raise ValueError(f"TFRecordOptions(compression_level): expected -1 (zlib's "
                             f"default) or 0 to 9, given {compression_level!r}.")

    @classmethod
    def get_compression_type_string(cls, options) -> str:
        """The compression of ``options`` (a TFRecordOptions, a string or None) as ``""``,
        ``"GZIP"`` or ``"ZLIB"``."""
        if options is None:
            return ""
        if isinstance(options, TFRecordOptions):
            return options.compression_type
        return _compression_name(options, "TFRecordOptions.get_compression_type_string")

    def _compressor(self):
        level = -1 if self.compression_level is None else int(self.compression_level)
        bits = 15 if self.window_bits is None else int(self.window_bits)
        if self.compression_type == "GZIP":
            bits += 16
        return zlib.compressobj(level, zlib.DEFLATED, bits,
                                8 if self.mem_level is None else int(self.mem_level),
                                0 if self.compression_strategy is None
                                else int(self.compression_strategy))

    def __repr__(self) -> str:
        return f"TFRecordOptions(compression_type={self.compression_type!r})"


def _compression_name(value, where: str) -> str:
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if value not in _COMPRESSIONS:
        raise ValueError(f"{where}(compression_type): expected None, '', 'GZIP' or 'ZLIB', "
                         f"given {value!r}.")
    return _COMPRESSIONS[value]


def _record_bytes(record, where: str) -> bytes:
    """A record given as bytes, str (UTF-8), a bytes-like object or a scalar string Tensor."""
    if hasattr(record, "numpy"):
        record = record.numpy()
    if isinstance(record, np.ndarray) and record.ndim == 0:
        record = record.item()
    if isinstance(record, str):
        return record.encode("utf-8")
    if isinstance(record, (bytes, bytearray, memoryview, np.bytes_)):
        return bytes(record)
    raise TypeError(f"{where}: expected a record as bytes (e.g. example.SerializeToString()) "
                    f"or a scalar string Tensor, given {type(record).__name__}.")


# ----------------------------------------------------------------------------- writing


class TFRecordWriter:
    """Writes records to a TFRecord file, as ``tf.io.TFRecordWriter``; the file is made (or
    emptied) at once.

    Args:
        path: the file's path.
        options: a ``TFRecordOptions``, or a compression type (``"GZIP"``, ``"ZLIB"``, ``""``).
            Defaults to ``None`` (no compression).

    Methods: ``write(record)`` (bytes, or a scalar string Tensor), ``flush()``, ``close()``;
    a ``with`` block closes it.

    Raises:
        ValueError: an unknown compression type, or writing after ``close()``.
        TypeError: a record that is not bytes.

    Example:
        >>> with TFRecordWriter("two.tfrecord") as writer:
        ...     writer.write(b"first")
        ...     writer.write(b"second")
        >>> [r for r in TFRecordDataset("two.tfrecord").as_numpy_iterator()]
        [b'first', b'second']
    """

    def __init__(self, path, options=None):
        if hasattr(path, "numpy"):
            path = path.numpy()
        if isinstance(path, bytes):
            path = path.decode("utf-8")
        self._path = os.fspath(path)
        if not isinstance(options, TFRecordOptions):
            options = TFRecordOptions(_compression_name(options, "TFRecordWriter(options)"))
        self._options = options
        self._compressor = options._compressor() if options.compression_type else None
        self._file = None
        try:
            self._file = open(self._path, "wb")
        except OSError as err:
            raise type(err)(err.errno, f"TFRecordWriter(path): cannot make {self._path!r} "
                            f"({err.strerror}); check that its folder exists (make it with "
                            "tf.io.gfile.makedirs) and can be written.") from None
        self._pending, self._pending_bytes = [], 0

    def write(self, record) -> None:
        """Append one record (bytes, or a scalar string Tensor)."""
        if self._file is None:
            raise ValueError(f"TFRecordWriter.write: the writer of {self._path!r} is closed; "
                             "make a new TFRecordWriter to write again.")
        data = _record_bytes(record, "TFRecordWriter.write(record)")
        self._pending.append(data)
        self._pending_bytes += len(data)
        if self._pending_bytes >= _CHUNK or len(self._pending) >= 4096:
            self._write_pending()

    def _write_pending(self) -> None:
        """Frame the records held back (their checksums computed together) and write them."""
        if self._pending:
            framed = frame_many(self._pending)
            self._pending, self._pending_bytes = [], 0
            self._file.write(self._compressor.compress(framed) if self._compressor else framed)

    def flush(self) -> None:
        """Write what is buffered to the file (a compressed stream is sync-flushed)."""
        if self._file is not None:
            self._write_pending()
            if self._compressor:
                self._file.write(self._compressor.flush(zlib.Z_SYNC_FLUSH))
            self._file.flush()

    def close(self) -> None:
        """Finish the file (ends the compressed stream) and close it."""
        if self._file is not None:
            self._write_pending()
            if self._compressor:
                self._file.write(self._compressor.flush(zlib.Z_FINISH))
            self._file.close()
            self._file = None

    def __enter__(self) -> TFRecordWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __del__(self):
        try:
            if getattr(self, "_file", None) is not None:
                self.close()
        except Exception:  # noqa: BLE001 (the interpreter may be shutting down)
            pass


class DatasetTFRecordWriter:
    """Writes a dataset of scalar strings to a TFRecord file, one record an element, as
    ``tf.data.experimental.TFRecordWriter``.

    Args:
        filename: the file's path.
        compression_type: ``None`` or ``""`` (none), ``"GZIP"`` or ``"ZLIB"``. Defaults to
            ``None``.

    Methods: ``write(dataset)`` writes every element of ``dataset`` (serialized Examples,
    say) and closes the file.

    Raises:
        TypeError: (write) a dataset whose elements are not scalar strings.

    Example:
        >>> words = numnet.data.Dataset.from_tensor_slices([b"one", b"two"])
        >>> numnet.data.experimental.TFRecordWriter("words.tfrecord").write(words)
        >>> list(TFRecordDataset("words.tfrecord").as_numpy_iterator())
        [b'one', b'two']
    """

    def __init__(self, filename, compression_type=None):
        if hasattr(filename, "numpy"):
            filename = filename.numpy()
        self._filename = filename.decode("utf-8") if isinstance(filename, bytes) else filename
        self._compression = _compression_name(compression_type,
                                              "tf.data.experimental.TFRecordWriter")

    def write(self, dataset: Dataset) -> None:
        """Write each element of ``dataset`` (a scalar string) as one record."""
        if not isinstance(dataset, Dataset):
            raise TypeError(f"TFRecordWriter.write(dataset): expected a tf.data.Dataset of "
                            f"scalar strings, given {type(dataset).__name__}.")
        with TFRecordWriter(self._filename, self._compression) as writer:
            for index, element in enumerate(dataset.as_numpy_iterator()):
                if not isinstance(element, (bytes, str, np.bytes_)):
                    raise TypeError(f"TFRecordWriter.write(dataset): element {index} is "
                                    f"{type(element).__name__}, not a scalar string; map the "
                                    "dataset to serialized records first (e.g. "
                                    "example.SerializeToString()).")
                writer.write(element)


# ----------------------------------------------------------------------------- reading

_CHUNK = 1 << 20  # the most bytes read at once: memory follows what a file really holds


class _ZlibReader:
    """``read(n)`` of a zlib (or gzip) stream, never decompressing more than asked."""

    def __init__(self, handle, wbits: int):
        self._handle, self._pending = handle, b""
        self._stream = zlib.decompressobj(wbits)
        self._wbits = wbits

    def read(self, size: int) -> bytes:
        out = []
        while size > 0:
            if not self._pending:
                if self._stream.eof:  # a further member (gzip) or stream starts here
                    rest = self._stream.unused_data
                    if not rest:
                        rest = self._handle.read(_CHUNK)
                        if not rest:
                            break
                    self._stream = zlib.decompressobj(self._wbits)
                    self._pending = rest
                else:
                    self._pending = self._handle.read(_CHUNK)
                    if not self._pending:
                        raise EOFError("the compressed stream ends before its end marker")
            piece = self._stream.decompress(self._pending, min(size, _CHUNK))
            self._pending = self._stream.unconsumed_tail
            out.append(piece)
            size -= len(piece)
        return b"".join(out)


def _read(handle, size: int) -> bytes:
    """Up to ``size`` bytes, in chunks of at most 1 MiB (fewer at the end of the file)."""
    chunks = []
    while size > 0:
        chunk = handle.read(min(size, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_records(path: str, compression: str = "", buffer_size=None,
                 where: str = "TFRecordDataset"):
    """The data of each record of the TFRecord file ``path``, checked, as bytes. Lengths are
    checked one by one as they are read; the data's checksums a megabyte of records at a time
    (``crc32c_many``), and the records of that megabyte are given in order up to a bad one.

    Raises:
        DataLossError: a record cut short, or whose length or data fails its checksum.
        FileNotFoundError: no such file.
    """
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{where}: no file {path!r} (looked in "
                                f"{os.path.abspath(path)!r}).")
    size = -1 if buffer_size is None or int(buffer_size) <= 0 else int(buffer_size)
    stream = " of the decompressed stream" if compression else ""
    pending = []  # (index, offset, data, stored data checksum)
    pending_bytes = 0

    def checked():
        crcs = crc32c_many([data for _, _, data, _ in pending])
        for (index, offset, data, stored), crc in zip(pending, crcs):
            if _mask(crc) != stored:
                raise DataLossError(None, None, f"{where}: {path!r}, record {index} (at byte "
                                    f"{offset}{stream}): corrupted record: the checksum of its "
                                    f"{len(data)} bytes of data does not match (bad data "
                                    "CRC); the file is damaged.")
            yield data
        pending.clear()

    with open(path, "rb", buffering=size) as raw:
        left = os.fstat(raw.fileno()).st_size if not compression else None
        handle = _ZlibReader(raw, 47 if compression == "GZIP" else 15) if compression else raw
        index = offset = 0
        while True:
            try:
                record = _read_record(handle, left, f"{where}: {path!r}, record {index} (at "
                                      f"byte {offset}{stream})", compression, index)
            except DataLossError:
                yield from checked()
                raise
            except (OSError, EOFError, zlib.error) as err:
                yield from checked()
                raise DataLossError(None, None, f"{where}: {path!r}, record {index}: cannot "
                                    f"read it as a {compression or 'plain'} file "
                                    f"({type(err).__name__}: {err}). Give the compression_type "
                                    "the file was written with (None, 'GZIP' or 'ZLIB').") \
                    from None
            if record is None:
                yield from checked()
                return
            data, stored = record
            pending.append((index, offset, data, stored))
            pending_bytes += len(data)
            if pending_bytes >= _CHUNK or len(pending) >= 4096:
                yield from checked()
                pending_bytes = 0
            index += 1
            offset += len(data) + 16
            if left is not None:
                left -= len(data) + 16


def _read_record(handle, left, where: str, compression: str, index: int):
    """(data, stored masked checksum of the data) of the next record, or None at the end of
    the file; the length is used only once its own checksum holds and, in a plain file, only
    if the file has that many bytes left."""
    header = _read(handle, 12)
    if not header:
        return None
    if len(header) < 12:
        raise DataLossError(None, None, f"{where}: truncated record: its 12-byte header has "
                            f"only {len(header)} bytes; the file was cut short (read the "
                            f"records before it with .take({index}), or write the file "
                            "again).")
    length_crc, = struct.unpack("<I", header[8:])
    if masked_crc32c(header[:8]) != length_crc:
        hint = "" if compression else " (or compressed: give compression_type)"
        raise DataLossError(None, None, f"{where}: corrupted record: the checksum of its "
                            "length does not match (bad length CRC); the file is damaged or "
                            f"is not a TFRecord file{hint}.")
    length, = struct.unpack("<Q", header[:8])
    if left is not None and length + 16 > left:
        raise DataLossError(None, None, f"{where}: truncated record: it declares {length} "
                            f"bytes of data but the file has only {max(left - 16, 0)} left; "
                            "the file was cut short.")
    body = _read(handle, length + 4)
    if len(body) < length + 4:
        raise DataLossError(None, None, f"{where}: truncated record: it declares {length} "
                            f"bytes of data and a 4-byte checksum, but only {len(body)} bytes "
                            "follow; the file was cut short.")
    stored, = struct.unpack("<I", body[length:])
    return body[:length], stored


def _scalar_bytes(data: bytes) -> np.ndarray:
    out = np.empty((), dtype=object)
    out[()] = data
    return out


class TFRecordDataset(Dataset):
    """The records of one or more TFRecord files, as ``tf.data.TFRecordDataset``: one scalar
    string element a record (its bytes: usually a serialized ``tf.train.Example``, parsed with
    ``tf.io.parse_single_example`` in a ``map``), read lazily at each iteration.

    Args:
        filenames: a file name, a list of them, or a Dataset of them.
        compression_type: ``None`` or ``""`` (none), ``"GZIP"`` or ``"ZLIB"``. Defaults to
            ``None``.
        buffer_size: bytes of read buffer per file. Defaults to ``None`` (Python's).
        num_parallel_reads: how many files are read at once, their records interleaved one by
            one (``AUTOTUNE``: the number of CPU cores). Defaults to ``None`` (one file after
            another).
        name: accepted. Defaults to ``None``.

    Raises:
        FileNotFoundError: a listed file does not exist.
        ValueError: an unknown compression type.
        DataLossError: (when iterated) a record cut short or with a wrong checksum, naming the
            file, the record's index and its byte offset; also an OSError.

    Example:
        >>> with numnet.io.TFRecordWriter("r.tfrecord") as writer:
        ...     for word in (b"a", b"bc"):
        ...         writer.write(word)
        >>> list(numnet.data.TFRecordDataset("r.tfrecord").as_numpy_iterator())
        [b'a', b'bc']
    """

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name: str | None = None):
        self._files = _Files(filenames, "TFRecordDataset(filenames)")
        self._compression = _compression(compression_type, "TFRecordDataset")
        self._buffer_size = buffer_size
        self._cycle_length = _cycle(num_parallel_reads, "TFRecordDataset")

    def _records(self, path):
        for data in read_records(path, self._compression, self._buffer_size):
            yield _scalar_bytes(data)

    def _elements(self):
        files = iter(self._files)
        if self._cycle_length == 1:
            return (record for path in files for record in self._records(path))
        return interleave_iterators(files, self._records, self._cycle_length, 1)

    def _spec(self):
        return TensorSpec((), _STRING)
