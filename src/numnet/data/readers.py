"""tf.data's file readers: ``TextLineDataset``, ``CsvDataset`` and ``make_csv_dataset`` (with
``Dataset.list_files`` and ``Dataset.interleave``), as the TensorFlow tutorials "Load CSV data"
and "Load text" use them.

    titanic = tf.data.experimental.make_csv_dataset(
        "titanic.csv", batch_size=32, label_name="survived", num_epochs=1)
    for features, label in titanic.take(1):
        features["age"]                                  # a float32 Tensor of 32 ages

Files are read lazily, a line at a time, at each iteration (each epoch); nothing is loaded
whole. GZIP (and ZLIB) compressed files are read through Python's gzip and zlib modules.
Strings are NumPy object arrays of ``str`` (TensorFlow gives ``bytes``); numbers are int32,
int64, float32 or float64 as the record defaults say. A field that cannot be read raises a
ValueError naming the file, the line, the column, what was expected and what was found.
"""

from __future__ import annotations

import csv
import glob
import gzip
import os
import zlib
from collections import OrderedDict

import numpy as np

from .dataset import AUTOTUNE, INFINITE_CARDINALITY, Dataset, _Transform, interleave_iterators
from .structure import TensorSpec

_STRING = np.dtype(object)
_NUMBERS = {np.dtype(np.int32), np.dtype(np.int64), np.dtype(np.float32),
            np.dtype(np.float64)}
_INT_RANGE = {np.dtype(np.int32): (-2**31, 2**31 - 1), np.dtype(np.int64): (-2**63, 2**63 - 1)}


def _string(text: str) -> np.ndarray:
    """A 0-d object array holding ``text`` (numnet's scalar string)."""
    out = np.empty((), dtype=object)
    out[()] = text
    return out


# ----------------------------------------------------------------------------- files


def _names(value, where: str) -> list[str]:
    """File names given as a str / bytes / path, a list of them, or an array or Tensor of
    strings, as a list of str."""
    if hasattr(value, "numpy") and not isinstance(value, Dataset):
        value = value.numpy()
    if isinstance(value, (str, bytes, os.PathLike)):
        items = [value]
    elif isinstance(value, np.ndarray):
        items = value.ravel().tolist()
    elif isinstance(value, (list, tuple)):
        items = list(value)
    else:
        raise TypeError(f"{where}: expected a file name, a list of file names, a Tensor of "
                        f"them or a Dataset of them, given {type(value).__name__}.")
    names = []
    for item in items:
        if hasattr(item, "numpy"):
            item = item.numpy()
        if isinstance(item, np.ndarray) and item.ndim == 0:
            item = item.item()
        if isinstance(item, bytes):
            item = item.decode("utf-8")
        elif isinstance(item, os.PathLike):
            item = os.fspath(item)
        if not isinstance(item, str):
            raise TypeError(f"{where}: expected file names (str), given "
                            f"{type(item).__name__} {item!r}.")
        names.append(item)
    return names


class _Files:
    """The file names a reader reads: a fixed list (checked now) or a Dataset of names (read
    at each iteration)."""

    def __init__(self, filenames, where: str):
        self._where = where
        if isinstance(filenames, Dataset):
            self._dataset, self._list = filenames, None
        else:
            self._dataset, self._list = None, _names(filenames, where)
            for path in self._list:
                _check_exists(path, where)

    def __iter__(self):
        if self._list is not None:
            return iter(self._list)
        return (_names(name, self._where)[0] for name in self._dataset._elements())


def _check_exists(path: str, where: str) -> None:
    if not os.path.isfile(path):
        raise FileNotFoundError(f"{where}: no file {path!r} (looked in "
                                f"{os.path.abspath(path)!r}). Check the path, or list the "
                                "files with tf.data.Dataset.list_files(pattern).")


def _compression(compression_type, where: str) -> str:
    value = "" if compression_type is None else compression_type
    if hasattr(value, "numpy"):
        value = value.numpy()
    if isinstance(value, np.ndarray):
        value = value.item()
    if isinstance(value, bytes):
        value = value.decode("utf-8")
    if value not in ("", "GZIP", "ZLIB"):
        raise ValueError(f"{where}(compression_type): expected None, '', 'GZIP' or 'ZLIB', "
                         f"given {compression_type!r}.")
    return value


def _raw_lines(path: str, compression: str, buffer_size, where: str):
    """The lines of a file as bytes, each with its line end, read as they are needed."""
    _check_exists(path, where)
    try:
        if compression == "ZLIB":
            yield from _zlib_lines(path)
            return
        if compression == "GZIP":
            handle = gzip.open(path, "rb")
        else:
            size = -1 if buffer_size in (None, AUTOTUNE) else max(int(buffer_size), 1)
            handle = open(path, "rb", buffering=size)
        with handle:
            yield from handle
    except (OSError, EOFError, zlib.error) as err:
        if isinstance(err, FileNotFoundError):
            raise
        raise ValueError(f"{where}: cannot read {path!r} as a {compression or 'plain'} file "
                         f"({type(err).__name__}: {err}). Give the compression_type the file "
                         "was written with (None, 'GZIP' or 'ZLIB').") from None


def _zlib_lines(path: str):
    decompressor = zlib.decompressobj()
    pending = b""
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 16):
            pending += decompressor.decompress(chunk)
            *lines, pending = pending.split(b"\n")
            for line in lines:
                yield line + b"\n"
    pending += decompressor.flush()
    *lines, pending = pending.split(b"\n")
    for line in lines:
        yield line + b"\n"
    if pending:
        yield pending


def _text_lines(path: str, compression: str, buffer_size, where: str, encoding: str = "utf-8",
                keep_ends: bool = False):
    """The lines of a file as str: without their ``\\n`` (and a ``\\r`` before it), as
    TextLineDataset gives them, or with them for the CSV reader."""
    for number, raw in enumerate(_raw_lines(path, compression, buffer_size, where), 1):
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError as err:
            raise ValueError(f"{where}: {path!r}, line {number}: bytes that are not "
                             f"{encoding} ({err.reason} at byte {err.start}: "
                             f"{raw[err.start:err.start + 4]!r}).") from None
        if not keep_ends:
            if text.endswith("\n"):
                text = text[:-1]
            if text.endswith("\r"):
                text = text[:-1]
        yield text


def _cycle(cycle_length, where: str) -> int:
    if cycle_length is None:
        return 1
    cycle_length = int(getattr(cycle_length, "value", cycle_length))
    if cycle_length == AUTOTUNE:
        return os.cpu_count() or 1
    if cycle_length < 1:
        raise ValueError(f"{where}(num_parallel_reads): expected a positive integer, None or "
                         f"tf.data.AUTOTUNE, given {cycle_length}.")
    return cycle_length


# ----------------------------------------------------------------------------- text lines


class TextLineDataset(Dataset):
    """The lines of one or more text files, as ``tf.data.TextLineDataset``: one string
    element a line, without its line end (``\\n`` or ``\\r\\n``), read lazily at each
    iteration. A header is dropped with ``.skip(1)``, comments with ``.filter``.

    Args:
        filenames: a file name, a list of them, or a Dataset of them (e.g.
            ``Dataset.list_files``).
        compression_type: ``None`` or ``""`` (plain text), ``"GZIP"`` or ``"ZLIB"``.
            Defaults to ``None``.
        buffer_size: bytes to buffer when reading. Defaults to ``None`` (Python's buffer).
        num_parallel_reads: how many files are read at once, their lines interleaved one by
            one as TensorFlow's (``AUTOTUNE``: the number of CPU cores). Defaults to ``None``
            (the files one after another).
        name: accepted. Defaults to ``None``.

    Raises:
        FileNotFoundError: a listed file does not exist.
        ValueError: a file is not text in UTF-8, or not of its ``compression_type``.

    Elements are the lines as 0-d string tensors (``as_numpy_iterator`` gives them as
    ``bytes``, as TensorFlow's); the cardinality is unknown (-2).

    Example:
        >>> _ = open("poem.txt", "w").write("title\\nfirst line\\nsecond line\\n")
        >>> ds = numnet.data.TextLineDataset("poem.txt").skip(1)
        >>> [line for line in ds.as_numpy_iterator()]
        [b'first line', b'second line']
    """

    def __init__(self, filenames, compression_type=None, buffer_size=None,
                 num_parallel_reads=None, name: str | None = None):
        self._files = _Files(filenames, "TextLineDataset(filenames)")
        self._compression = _compression(compression_type, "TextLineDataset")
        self._buffer_size = buffer_size
        self._cycle_length = _cycle(num_parallel_reads, "TextLineDataset")

    def _lines(self, path):
        for text in _text_lines(path, self._compression, self._buffer_size,
                                "TextLineDataset"):
            yield _string(text)

    def _elements(self):
        files = iter(self._files)
        if self._cycle_length == 1:
            return (line for path in files for line in self._lines(path))
        return interleave_iterators(files, self._lines, self._cycle_length, 1)

    def _spec(self):
        return TensorSpec((), _STRING)


# ----------------------------------------------------------------------------- CSV records


def _record_default(default, index: int, where: str) -> tuple:
    """(dtype, default value or None when the column is required) of one record default: a
    dtype (``tf.float32``), a one-element list (``[0.0]``, ``[0]``, ``[""]``), an empty list or
    a Tensor."""
    if isinstance(default, (np.dtype, type)):
        return _as_dtype(default, index, where), None
    if hasattr(default, "numpy"):
        array = np.asarray(default.numpy())
        dtype = np.dtype(default.dtype) if hasattr(default, "dtype") else array.dtype
    else:
        array = np.asarray(default if isinstance(default, (list, tuple, np.ndarray))
                           else [default])
        dtype = array.dtype
        if array.size and isinstance(array.reshape(-1)[0].item(), (str, bytes)):
            dtype = _STRING
        elif dtype == np.float64 and not _typed(default):
            dtype = np.dtype(np.float32)
        elif dtype == np.int64 and not _typed(default):
            dtype = np.dtype(np.int32)
        elif array.size == 0:
            dtype = np.dtype(np.float32)
    dtype = _as_dtype(dtype, index, where)
    values = array.reshape(-1)
    if values.size > 1:
        raise ValueError(f"{where}(record_defaults): entry {index} has {values.size} values; "
                         f"expected one default value, none (a required column) or a dtype.")
    if not values.size:
        return dtype, None
    value = values[0]
    if dtype == _STRING:
        value = value.decode("utf-8") if isinstance(value, bytes) else str(value)
        return dtype, _string(value)
    return dtype, np.asarray(value, dtype=dtype)


def _typed(default) -> bool:
    """A default given as NumPy values (np.int64(0), an array) keeps its dtype; Python's
    numbers are int32 and float32, as TensorFlow's constants."""
    items = default if isinstance(default, (list, tuple)) else [default]
    return any(isinstance(v, (np.ndarray, np.generic)) for v in items)


def _as_dtype(value, index: int, where: str) -> np.dtype:
    try:
        dtype = np.dtype(value)
    except TypeError:
        dtype = None
    if dtype is not None and dtype.kind in "OUS":
        return _STRING
    if dtype not in _NUMBERS:
        raise TypeError(f"{where}(record_defaults): entry {index} is {value!r}; expected one "
                        "of tf.float32, tf.float64, tf.int32, tf.int64, tf.string, or a "
                        "one-element list of a default value ([0.0], [0], [\"\"]).")
    return dtype


def _parser(dtype: np.dtype):
    """A function reading a field as a 0-d array of ``dtype``, or None when the field is not
    one. Spaces around a number are allowed, as TensorFlow's reader allows them (Python's int
    and float allow them too); Python's underscores between digits are not."""
    if dtype == _STRING:
        return _string
    if dtype.kind == "i":
        low, high = _INT_RANGE[dtype]

        def parse_int(field: str):
            try:
                number = int(field)
            except ValueError:
                return None
            if "_" in field or not low <= number <= high:
                return None
            return np.asarray(number, dtype)

        return parse_int

    def parse_float(field: str):
        try:
            number = float(field)
        except ValueError:
            return None
        return None if "_" in field else np.asarray(number, dtype)

    return parse_float


def _parse(field: str, dtype: np.dtype):
    """``field`` read as ``dtype`` (see ``_parser``)."""
    return _parser(dtype)(field)


_KIND = {"i": "an integer", "f": "a number"}
_EXAMPLE_DEFAULT = {"i": "[0]", "f": "[0.0]", "O": '[""]'}


class CsvDataset(Dataset):
    """The records of CSV files as tuples of scalars, one per column, as
    ``tf.data.experimental.CsvDataset``: each column's type and missing value come from
    ``record_defaults``.

    Args:
        filenames: a file name, a list of them, or a Dataset of them.
        record_defaults: one entry per column read: a dtype (``tf.float32``, ``tf.int32``,
            ``tf.string``, ...; the field is required) or a one-element list of the value of
            an empty field (``[0.0]``, ``[0]``, ``[""]``); an empty list is a required
            float32 column.
        compression_type: ``None``, ``""``, ``"GZIP"`` or ``"ZLIB"``. Defaults to ``None``.
        buffer_size: bytes to buffer when reading. Defaults to ``None``.
        header: skip the first line of each file. Defaults to ``False``.
        field_delim: the one-character separator. Defaults to ``","``.
        use_quote_delim: fields in double quotes may hold the separator, line ends and
            doubled quotes (RFC 4180). Defaults to ``True``.
        na_value: a field text read as missing, like an empty field. Defaults to ``""``.
        select_cols: the sorted indices of the columns to read (one record default each).
            Defaults to ``None`` (all).
        exclude_cols: the sorted indices of columns to leave out instead. Defaults to
            ``None``.
        name: accepted. Defaults to ``None``.

    Raises:
        FileNotFoundError: a file does not exist.
        ValueError: (when iterated) a record with the wrong number of fields, a field that
            is not of its column's type, or an empty required field, naming the file, the
            line and the column. ``.ignore_errors()`` skips such records instead.

    Example:
        >>> _ = open("pets.csv", "w").write("name,age,weight\\nrex,3,12.5\\ntom,,4\\n")
        >>> ds = numnet.data.experimental.CsvDataset(
        ...     "pets.csv", [numnet.string, [0], [0.0]], header=True)
        >>> [(n, int(a), float(w)) for n, a, w in ds.as_numpy_iterator()]
        [(b'rex', 3, 12.5), (b'tom', 0, 4.0)]
    """

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None,
                 header: bool = False, field_delim: str = ",", use_quote_delim: bool = True,
                 na_value: str = "", select_cols=None, exclude_cols=None,
                 name: str | None = None):
        where = "CsvDataset"
        self._files = _Files(filenames, f"{where}(filenames)")
        self._compression = _compression(compression_type, where)
        self._buffer_size = buffer_size
        if not isinstance(record_defaults, (list, tuple)) or not record_defaults:
            raise TypeError(f"{where}(record_defaults): expected a non-empty list, one entry "
                            f"per column, given {record_defaults!r}.")
        self._columns = [_record_default(d, i, where) for i, d in enumerate(record_defaults)]
        self._parsers = [_parser(dtype) for dtype, _ in self._columns]
        self._every = list(range(len(self._columns)))
        self._header = bool(header)
        if not isinstance(field_delim, str) or len(field_delim) != 1:
            raise ValueError(f"{where}(field_delim): expected one character, given "
                             f"{field_delim!r}.")
        self._delim, self._quote = field_delim, bool(use_quote_delim)
        self._na_value = na_value
        if select_cols is not None and exclude_cols is not None:
            raise ValueError(f"{where}: give select_cols or exclude_cols, not both.")
        self._select = self._indices(select_cols, "select_cols")
        self._exclude = self._indices(exclude_cols, "exclude_cols")
        if self._select is not None and len(self._select) != len(self._columns):
            raise ValueError(f"{where}(select_cols): {len(self._select)} columns selected but "
                             f"{len(self._columns)} record_defaults given; give one default "
                             "per selected column.")
        self._encoding = "utf-8"
        self._skip_errors = False

    @staticmethod
    def _indices(value, argument: str):
        if value is None:
            return None
        indices = [int(i) for i in np.asarray(getattr(value, "value", value)).reshape(-1)]
        if any(i < 0 for i in indices) or indices != sorted(set(indices)):
            raise ValueError(f"CsvDataset({argument}): expected increasing column indices "
                             f">= 0 without repeats, given {list(indices)}.")
        return indices

    def ignore_errors(self, log_warning: bool = False, name: str | None = None) -> CsvDataset:
        """The same records, with those that cannot be read (wrong number of fields, a field
        not of its type, a required field empty) skipped instead of raising."""
        other = object.__new__(CsvDataset)
        other.__dict__.update(self.__dict__)
        other._skip_errors = True
        return other

    def _positions(self, count: int):
        """The field positions to read in a record of ``count`` fields, or an error text."""
        n = len(self._columns)
        if self._select is not None:
            if count <= self._select[-1]:
                return (f"has {count} fields; the selected column {self._select[-1]} needs at "
                        f"least {self._select[-1] + 1}")
            return self._select
        if self._exclude is not None:
            excluded = set(self._exclude)
            positions = [i for i in range(count) if i not in excluded]
            if len(positions) != n:
                return (f"has {count} fields; with the {len(excluded)} excluded columns, "
                        f"{n + len(excluded)} were expected (one record default per column "
                        "read)")
            return positions
        if count != n:
            return f"has {count} fields; expected {n} (one per record default)"
        return self._every

    def _records(self, path: str):
        """(line number, fields) of each record of one file, header skipped."""
        lines = _text_lines(path, self._compression, self._buffer_size, "CsvDataset",
                            self._encoding, keep_ends=True)
        reader = csv.reader(lines, delimiter=self._delim, strict=False,
                            quoting=csv.QUOTE_MINIMAL if self._quote else csv.QUOTE_NONE)
        start = 1
        header = None
        while True:
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as err:
                raise ValueError(f"CsvDataset: {path!r}, line {start}: not CSV ({err}).") \
                    from None
            line, start = start, reader.line_num + 1
            if header is None and self._header:
                header = fields
                continue
            yield line, fields or [""], header

    def _read_file(self, path: str):
        for line, fields, header in self._records(path):
            record = self._convert(path, line, fields, header)
            if isinstance(record, str):
                if self._skip_errors:
                    continue
                raise ValueError(record)
            yield record

    def _convert(self, path, line, fields, header):
        """The record as a tuple of 0-d arrays, or the error's text."""
        positions = self._positions(len(fields))
        if isinstance(positions, str):
            return f"CsvDataset: {path!r}, line {line}: the record {positions}."
        values = []
        na_value = self._na_value
        for position, (dtype, default), parse in zip(positions, self._columns, self._parsers):
            field = fields[position]
            if not field or field == na_value:
                if default is None:
                    return (f"CsvDataset: {path!r}, line {line}, column "
                            f"{_column_name(position, header)}: the field is empty (or "
                            f"na_value) but the column is required (record default "
                            f"{_dtype_name(dtype)}); give a default such as "
                            f"{_EXAMPLE_DEFAULT[dtype.kind]} for missing values.")
                values.append(default)
                continue
            value = parse(field)
            if value is None:
                limits = (f" in [{_INT_RANGE[dtype][0]}, {_INT_RANGE[dtype][1]}]"
                          if dtype.kind == "i" else "")
                return (f"CsvDataset: {path!r}, line {line}, column "
                        f"{_column_name(position, header)}: expected {_KIND[dtype.kind]} "
                        f"({_dtype_name(dtype)}{limits}), given {field!r}. Give the column "
                        f"a string default ([\"\"]) to read it as text, or skip bad records "
                        "with ignore_errors.")
            values.append(value)
        return tuple(values)

    def _elements(self):
        for path in self._files:
            yield from self._read_file(path)

    def _spec(self):
        return tuple(TensorSpec((), dtype) for dtype, _ in self._columns)


def _column_name(position: int, header) -> str:
    if header is not None and position < len(header):
        return f"{position} ({header[position]!r})"
    return str(position)


def _dtype_name(dtype: np.dtype) -> str:
    return "string" if dtype == _STRING else dtype.name


# ----------------------------------------------------------------------------- make_csv_dataset


def _valid_int(text: str, dtype) -> bool:
    return "_" not in text and _parse(text, np.dtype(dtype)) is not None


def _valid_float(text: str, dtype) -> bool:
    if "_" in text:
        return False
    try:
        with np.errstate(over="ignore"):  # past the dtype's range: infinite, not valid
            return bool(np.asarray(float(text.strip()), dtype) < np.inf)
    except (ValueError, OverflowError):
        return False


_INFERENCE = (
    (np.dtype(np.int32), lambda t: _valid_int(t, np.int32)),
    (np.dtype(np.int64), lambda t: _valid_int(t, np.int64)),
    (np.dtype(np.float32), lambda t: _valid_float(t, np.float32)),
    (np.dtype(np.float64), lambda t: _valid_float(t, np.float64)),
    (_STRING, lambda t: True),
)


def _infer_type(text: str, na_value: str, previous):
    """The narrowest of int32, int64, float32, float64, string that reads ``text`` and every
    field of the column before it (``previous``); an empty field tells nothing."""
    if text in ("", na_value):
        return previous
    ranks = [dtype for dtype, _ in _INFERENCE]
    start = 0 if previous is None else ranks.index(previous)
    for dtype, valid in _INFERENCE[start:]:
        if valid(text):
            return dtype
    return _STRING


class _Columns(_Transform):
    """Batches of CSV records (tuples of columns) as make_csv_dataset gives them: a dict of
    column name to batch, and the label column apart."""

    def __init__(self, source, names, label_name, spec, endless):
        super().__init__(source)
        self._names, self._label, self._spec_value = names, label_name, spec
        self._endless = endless

    def _cardinality(self) -> int:
        # repeat() without a count: TensorFlow calls it infinite, though the files' length
        # is unknown
        return INFINITE_CARDINALITY if self._endless else self._source._cardinality()

    def _elements(self):
        names, label = self._names, self._label
        for columns in self._source._elements():
            features = OrderedDict(zip(names, columns))
            yield features if label is None else (features, features.pop(label))

    def _spec(self):
        return self._spec_value


def make_csv_dataset(file_pattern, batch_size, column_names=None, column_defaults=None,
                     label_name=None, select_columns=None, field_delim=",",
                     use_quote_delim=True, na_value="", header=True, num_epochs=None,
                     shuffle=True, shuffle_buffer_size=10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy=False,
                     num_rows_for_inference=100, compression_type=None, ignore_errors=False,
                     encoding="utf-8") -> Dataset:
    """Batches of CSV records as ``({column name: batch}, label batch)`` (or the dict alone
    without ``label_name``), as ``tf.data.experimental.make_csv_dataset``: the column names
    from the header, the column types inferred from the first records, the records shuffled
    and repeated.

    Args:
        file_pattern: a glob pattern (``"data/*.csv"``), a file name or a list of them.
        batch_size: records per batch.
        column_names: the names of the columns. Defaults to ``None`` (read from the first
            line of each file, which must agree; needs ``header=True``).
        column_defaults: one record default per column (as ``CsvDataset``'s
            ``record_defaults``). Defaults to ``None``: each column's type is inferred from
            the first ``num_rows_for_inference`` records as the narrowest of int32, int64,
            float32, float64 and string that reads every field, with 0 or ``""`` for empty
            fields.
        label_name: the column given apart as the label. Defaults to ``None`` (no label).
        select_columns: the names or indices of the columns to read. Defaults to ``None``
            (all).
        field_delim: the separator. Defaults to ``","``.
        use_quote_delim: honour double quotes. Defaults to ``True``.
        na_value: a field text read as missing. Defaults to ``""``.
        header: the files' first line holds the column names (skipped). Defaults to
            ``True``.
        num_epochs: passes over the data. Defaults to ``None``: without end (and every
            batch full). Give ``num_epochs=1`` to ``fit`` it epoch by epoch.
        shuffle: shuffle the files' order and the records. Defaults to ``True``.
        shuffle_buffer_size: the records' shuffle buffer. Defaults to ``10000``.
        shuffle_seed: the shuffles' seed. Defaults to ``None``.
        prefetch_buffer_size, sloppy: accepted. Default to ``None`` and ``False``.
        num_parallel_reads: files read at once, their records interleaved one by one.
            Defaults to ``None`` (1).
        num_rows_for_inference: records read to infer the types (None: all). Defaults to
            ``100``.
        compression_type: ``None``, ``"GZIP"`` or ``"ZLIB"``. Defaults to ``None``.
        ignore_errors: skip records that cannot be read instead of raising. Defaults to
            ``False``.
        encoding: the files' text encoding. Defaults to ``"utf-8"``.

    Raises:
        ValueError: no file matches, headers differ, a name is not a column, duplicate
            columns, or (when iterated) a record that cannot be read, naming the file,
            line and column.

    Example:
        >>> _ = open("fish.csv", "w").write("length,kind,weight\\n20.5,trout,1\\n11,carp,0\\n")
        >>> ds = numnet.data.experimental.make_csv_dataset(
        ...     "fish.csv", batch_size=2, label_name="weight", num_epochs=1, shuffle=False)
        >>> features, label = next(ds.as_numpy_iterator())
        >>> features["length"].tolist(), features["kind"].tolist(), label.tolist()
        ([20.5, 11.0], [b'trout', b'carp'], [1, 0])
    """
    where = "make_csv_dataset"
    if isinstance(file_pattern, (list, tuple)) and not file_pattern:
        raise ValueError(f"{where}(file_pattern): given an empty list; give a pattern such "
                         "as 'data/*.csv' or a list of file names.")
    patterns = _names(file_pattern, f"{where}(file_pattern)")
    files = sorted(path for pattern in patterns for path in glob.glob(pattern)
                   if os.path.isfile(path))
    if not files:
        raise ValueError(f"{where}(file_pattern): no files match {file_pattern!r} (looked "
                         f"from {os.getcwd()!r}).")
    batch_size = int(getattr(batch_size, "value", batch_size))
    if batch_size < 1:
        raise ValueError(f"{where}(batch_size): expected a positive integer, given "
                         f"{batch_size}.")
    compression = _compression(compression_type, where)

    def first_records(path, count=None):
        """The first ``count`` records of a file (all without a count), with line numbers."""
        lines = _text_lines(path, compression, None, where, encoding, keep_ends=True)
        reader = csv.reader(lines, delimiter=field_delim,
                            quoting=csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE)
        start = 1
        for fields in reader:
            yield start, fields
            start = reader.line_num + 1
            if count is not None:
                count -= 1
                if count == 0:
                    return

    if column_names is None:
        if not header:
            raise ValueError(f"{where}: give column_names, or header=True to read them from "
                             "the files' first line.")
        column_names = None
        for path in files:
            names = next((fields for _, fields in first_records(path, 1)), None)
            if names is None:
                raise ValueError(f"{where}: {path!r} is empty; expected a header line of "
                                 "column names.")
            if column_names is None:
                column_names = names
            elif names != column_names:
                raise ValueError(f"{where}: the files' headers differ: {files[0]!r} has "
                                 f"{column_names}, {path!r} has {names}.")
    column_names = [str(n) for n in column_names]
    duplicates = sorted({n for n in column_names if column_names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{where}: duplicate column names {duplicates} in column_names or "
                         "the header.")

    selected = None
    if select_columns is not None:
        selected = []
        for column in select_columns:
            if isinstance(column, (int, np.integer)) and not isinstance(column, bool):
                if not 0 <= column < len(column_names):
                    raise ValueError(f"{where}(select_columns): index {column} is not a "
                                     f"column (0 to {len(column_names) - 1}).")
                selected.append(int(column))
            elif column in column_names:
                selected.append(column_names.index(column))
            else:
                raise ValueError(f"{where}(select_columns): {column!r} is not one of the "
                                 f"columns {column_names}.")
        if len(set(selected)) != len(selected):
            raise ValueError(f"{where}(select_columns): columns repeat in {select_columns}.")
        selected = sorted(selected)

    read = selected if selected is not None else list(range(len(column_names)))
    if column_defaults is None:
        types = [None] * len(read)
        rows = 0
        for path in files:
            if num_rows_for_inference is not None and rows >= num_rows_for_inference:
                break
            records = first_records(path)
            if header:
                next(records, None)
            for line, fields in records:
                if num_rows_for_inference is not None and rows >= num_rows_for_inference:
                    break
                if len(fields) != len(column_names):
                    raise ValueError(f"{where}: {path!r}, line {line}: the record has "
                                     f"{len(fields)} fields; expected {len(column_names)} "
                                     f"(the columns {column_names}). Fix the file, or give "
                                     "column_defaults so that bad records can be skipped "
                                     "with ignore_errors=True.")
                for k, position in enumerate(read):
                    types[k] = _infer_type(fields[position], na_value, types[k])
                rows += 1
        column_defaults = [[""] if t is None or t == _STRING else np.zeros(1, t)
                           for t in types]
    elif len(column_defaults) != len(read):
        raise ValueError(f"{where}(column_defaults): {len(column_defaults)} given for "
                         f"{len(read)} columns read; give one per column"
                         f"{' selected' if selected is not None else ''}.")
    names = [column_names[i] for i in read]
    if label_name is not None and label_name not in names:
        raise ValueError(f"{where}(label_name): {label_name!r} is not one of the columns "
                         f"{names}.")

    def read_file(path):
        records = CsvDataset(path, column_defaults, compression_type=compression,
                             header=header, field_delim=field_delim,
                             use_quote_delim=use_quote_delim, na_value=na_value,
                             select_cols=selected)
        records._encoding = encoding
        return records.ignore_errors() if ignore_errors else records

    dataset = Dataset.from_tensor_slices(np.array(files, dtype=object))
    if shuffle:
        dataset = dataset.shuffle(len(files), seed=shuffle_seed)
    dataset = dataset.interleave(read_file, cycle_length=_cycle(num_parallel_reads, where),
                                 block_length=1)
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, seed=shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    dataset = dataset.batch(batch_size, drop_remainder=num_epochs is None)
    dtypes = [_record_default(d, i, where)[0] for i, d in enumerate(column_defaults)]
    rows = batch_size if num_epochs is None else None
    specs = OrderedDict((n, TensorSpec((rows,), d)) for n, d in zip(names, dtypes))
    spec = specs if label_name is None else (specs, specs.pop(label_name))
    return _Columns(dataset, names, label_name, spec, num_epochs is None)


__all__ = ["CsvDataset", "TextLineDataset", "make_csv_dataset"]
