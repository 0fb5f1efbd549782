"""Reading tables: CSV (standard library ``csv``), Parquet (pandas with pyarrow) and ``.npz``.

:func:`read_table` reads a file into a :class:`Table` of columns. An ``.npz`` archive gives each
1-D array as a column; a 2-D array ``k`` of width d becomes the columns ``k[0]`` .. ``k[d-1]``,
and ``k`` names them together. Cells that are empty or read NA, N/A, NaN, null, None or ? are
missing. A column is numeric when its cells parse as numbers; a column that is almost all
numbers (at least 90%) with a few cells that are not is an error naming the column, the line and
the value.

Every reader is bounded before it allocates: only regular files are read; a CSV header longer
than ``MAX_HEADER_BYTES`` or wider than ``MAX_COLUMNS`` is refused, and so is a table of more
than ``MAX_CELLS`` cells; an ``.npz`` member is charged to ``MAX_TABLE_BYTES`` by the size the
archive's directory gives for it (what decompression can really produce), and an array whose
header declares more bytes than its member holds is refused. Problems raise :class:`DataError`
(a ValueError) naming the file and the column, line, member or field at fault.
"""

from __future__ import annotations

import csv
import math
import os
from dataclasses import dataclass, field

import numpy as np

MISSING = frozenset(["", "na", "n/a", "nan", "null", "none", "?"])
NUMERIC_SHARE = 0.9
"""A column with at least this share of numeric cells (and some that are not) is an error."""
MAX_HEADER_BYTES = 1 << 20
"""The longest CSV header line read (1 MiB)."""
MAX_COLUMNS = 10_000
MAX_CELLS = 10_000_000
"""The most cells (rows x columns) one table may hold."""
MAX_TABLE_BYTES = 512 << 20
"""The most bytes the arrays of one .npz archive may unpack to (512 MiB)."""


class DataError(ValueError):
    """A data or preprocessing file that cannot be used as it is; the message names the file and
    the column, line or field at fault, and the fix."""


# ----------------------------------------------------------------------------- reading


@dataclass
class Table:
    """Columns of one data file: ``text[name]`` holds each cell as read (a string, '' when
    missing); ``numbers[name]`` the float64 values of a numeric column (NaN when missing), None
    for a text column. ``groups`` maps an .npz 2-D array's key to its columns."""

    path: str
    columns: list
    text: dict
    numbers: dict
    lines: list | None = None
    groups: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.text[self.columns[0]]) if self.columns else 0

    def where(self, row: int) -> str:
        """Where data row ``row`` (0-based) is in the file, for messages."""
        if self.lines is not None:
            return f"line {self.lines[row]}"
        return f"row {row + 1}"

    def is_numeric(self, name: str) -> bool:
        return self.numbers[name] is not None

    def missing(self, name: str) -> np.ndarray:
        return np.array([s.strip().lower() in MISSING for s in self.text[name]], dtype=bool)

    def take(self, rows) -> Table:
        """The table of the given rows (in that order)."""
        rows = np.asarray(rows, dtype=np.int64)
        return Table(self.path, list(self.columns),
                     {k: v[rows] for k, v in self.text.items()},
                     {k: None if v is None else v[rows] for k, v in self.numbers.items()},
                     None if self.lines is None else [self.lines[i] for i in rows],
                     dict(self.groups))

    def resolve(self, names, what: str) -> list:
        """Column names for ``names`` (a group key expands to its columns); a DataError naming
        any that the file lacks."""
        out = []
        for name in names:
            if name in self.text:
                out.append(name)
            elif name in self.groups:
                out.extend(self.groups[name])
            else:
                import difflib

                close = difflib.get_close_matches(name, self.columns + list(self.groups), n=3)
                hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
                shown = ", ".join(repr(c) for c in self.columns[:12])
                more = f" and {len(self.columns) - 12} more" if len(self.columns) > 12 else ""
                raise DataError(f"{self.path}: no column named {name!r} ({what}); the columns "
                                f"are {shown}{more}.{hint}")
        return out


def _parse(path: str, name: str, cells: list, where) -> np.ndarray | None:
    """float64 values of a numeric column (NaN for missing), None for a text column; a
    DataError for a numeric column with a few cells that are not numbers."""
    values = np.full(len(cells), np.nan)
    bad = []
    present = 0
    for i, cell in enumerate(cells):
        s = cell.strip()
        if s.lower() in MISSING:
            continue
        present += 1
        try:
            v = float(s)
        except ValueError:
            bad.append(i)
            continue
        if not math.isfinite(v):
            raise DataError(f"{path}: column {name!r}, {where(i)}: {cell!r} is not a finite "
                            "number; replace it with a number or leave the cell empty.")
        values[i] = v
    if not bad:
        return values if present else None
    numeric = present - len(bad)
    if numeric >= NUMERIC_SHARE * present:
        i = bad[0]
        others = f" ({len(bad)} such cells)" if len(bad) > 1 else ""
        raise DataError(f"{path}: column {name!r} holds numbers, but {where(i)} holds "
                        f"{cells[i]!r}, which is not a number{others}. Fix the value, or leave "
                        "the cell empty to mark it missing.")
    return None


def read_table(path: str | os.PathLike) -> Table:
    """Read a .csv (or .tsv / .txt), .parquet or .npz file into a Table (see the module
    docstring); a DataError naming the file and the fault if it cannot be used.

    Example: ``read_table("iris.csv").columns`` -> ``['sepal_length', ..., 'species']``.
    """
    path = os.fspath(path)
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file.")
    if os.path.isdir(path):
        raise DataError(f"{path}: is a directory; expected a .csv, .parquet or .npz file.")
    if not os.path.isfile(path):
        raise DataError(f"{path}: not a regular file (a device, pipe or socket); save the data "
                        "to a .csv, .parquet or .npz file.")
    suffix = os.path.splitext(path)[1].lower()
    if suffix in (".parquet", ".pq"):
        table = _read_parquet(path)
    elif suffix == ".npz":
        table = _read_npz(path)
    else:
        table = _read_csv(path, "\t" if suffix == ".tsv" else None)
    if not table.columns:
        raise DataError(f"{path}: no columns found.")
    if len(table) == 0:
        raise DataError(f"{path}: has a header but no data rows.")
    return table


def _too_many_cells(path: str, rows: int, columns: int) -> DataError:
    return DataError(f"{path}: more than {MAX_CELLS:,} cells ({rows:,} rows of {columns:,} "
                     "columns read so far); numnet's command line reads tables up to that size. "
                     "Use a sample of the rows, or train from Python with arrays.")


def _read_csv(path: str, delimiter: str | None) -> Table:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            while True:  # the header: the first line that is not blank, of bounded length
                start = f.tell()
                first = f.readline(MAX_HEADER_BYTES + 1)
                if len(first) > MAX_HEADER_BYTES:
                    raise DataError(f"{path}: the header line is longer than "
                                    f"{MAX_HEADER_BYTES:,} characters (refused); the first "
                                    "line must hold the column names, one per column.")
                if not first:
                    raise DataError(f"{path}: the file is empty; expected a header row of "
                                    "column names and then one row per sample.")
                if first.strip():
                    break
            if delimiter is None:
                delimiter = max([",", ";", "\t", "|"], key=first.count)
                delimiter = delimiter if first.count(delimiter) else ","
            f.seek(start)
            reader = csv.reader(f, delimiter=delimiter)
            header = [h.strip() for h in next(reader)]
            if len(header) > MAX_COLUMNS:
                raise DataError(f"{path}: the header names {len(header):,} columns, more than "
                                f"{MAX_COLUMNS:,} (refused).")
            rows, lines = [], []
            budget = MAX_CELLS // max(len(header), 1)
            for row in reader:
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) != len(header):
                    raise DataError(f"{path}: line {reader.line_num} has {len(row)} fields, "
                                    f"the header has {len(header)}; every row needs one value "
                                    "per column (leave a cell empty if it is missing).")
                if len(rows) >= budget:
                    raise _too_many_cells(path, len(rows) + 1, len(header))
                rows.append(row)
                lines.append(reader.line_num)
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}); save it "
                        "as UTF-8 CSV.") from None
    except csv.Error as err:
        raise DataError(f"{path}: not a readable CSV file ({err}).") from None
    except StopIteration:
        raise DataError(f"{path}: the file is empty; expected a header row of column names and "
                        "then one row per sample.") from None
    _check_names(path, header)
    text = {name: np.array([r[j] for r in rows], dtype=object) for j, name in enumerate(header)}
    table = Table(path, header, text, {}, lines)
    for name in header:
        table.numbers[name] = _parse(path, name, list(text[name]), table.where)
    return table


def _check_names(path: str, names: list) -> None:
    for i, name in enumerate(names):
        if not name:
            raise DataError(f"{path}: column {i + 1} of the header has no name; give every "
                            "column a name.")
    seen = set()
    for name in names:
        if name in seen:
            raise DataError(f"{path}: the column name {name!r} appears twice in the header; "
                            "column names must be unique.")
        seen.add(name)


def _npz_arrays(path: str) -> list:
    """(key, array) for each member of an .npz archive, each charged to ``MAX_TABLE_BYTES`` by
    its member's real (decompressed) size before anything is allocated; arrays whose header
    declares more than the member holds, object arrays and unreadable members are refused."""
    import zipfile
    import zlib

    from numpy.lib import format as npy

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise DataError(f"{path}: not a readable .npz archive ({err}).") from None
    arrays, left, cells = [], MAX_TABLE_BYTES, 0
    with archive:
        for info in archive.infolist():
            key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            where = f"{path}: member {info.filename!r}"
            if info.file_size > left:
                raise DataError(f"{where} unpacks to {info.file_size:,} bytes, more than the "
                                f"{MAX_TABLE_BYTES:,} bytes a table may hold (refused).")
            left -= info.file_size
            try:
                with archive.open(info) as f:
                    version = npy.read_magic(f)
                    read_header = npy.read_array_header_1_0 if version == (1, 0) else \
                        npy.read_array_header_2_0
                    shape, fortran, dtype = read_header(f)
                    if dtype.hasobject:
                        raise DataError(f"{where}: holds Python objects, which cannot be read "
                                        "without unpickling; store numbers or strings only.")
                    count = math.prod(shape)
                    nbytes = count * dtype.itemsize
                    if nbytes > info.file_size:
                        raise DataError(f"{where}: its header declares shape {shape} "
                                        f"({nbytes:,} bytes), but the member holds "
                                        f"{info.file_size:,} bytes (refused).")
                    cells += count
                    if cells > MAX_CELLS:
                        raise DataError(f"{path}: more than {MAX_CELLS:,} cells in its arrays; "
                                        "numnet's command line reads tables up to that size.")
                    data = f.read(nbytes)
            except DataError:
                raise
            except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError,
                    NotImplementedError, RuntimeError) as err:
                raise DataError(f"{where}: not a readable .npy array ({err}).") from None
            if len(data) != nbytes:
                raise DataError(f"{where}: truncated ({len(data):,} of {nbytes:,} bytes).")
            array = np.frombuffer(data, dtype=dtype).reshape(shape, order="F" if fortran else "C")
            arrays.append((key, array))
    return arrays


def _read_npz(path: str) -> Table:
    columns, text, numbers, groups = [], {}, {}, {}
    length = None
    for key, arr in _npz_arrays(path):
        if arr.ndim not in (1, 2):
            raise DataError(f"{path}: array {key!r} has shape {arr.shape}; expected 1-D "
                            "columns or 2-D (rows, columns) arrays.")
        if length is None:
            length = len(arr)
        if len(arr) != length:
            raise DataError(f"{path}: array {key!r} has {len(arr)} rows, the others "
                            f"{length}; all arrays must have one entry per sample.")
        parts = [(key, arr)] if arr.ndim == 1 else \
            [(f"{key}[{j}]", arr[:, j]) for j in range(arr.shape[1])]
        if len(columns) + len(parts) > MAX_COLUMNS:
            raise DataError(f"{path}: more than {MAX_COLUMNS:,} columns (refused).")
        if arr.ndim == 2:
            groups[key] = [name for name, _ in parts]
        for name, col in parts:
            columns.append(name)
            if col.dtype.kind in "biuf":
                values = col.astype(np.float64)
                if np.isinf(values).any():
                    i = int(np.nonzero(np.isinf(values))[0][0])
                    raise DataError(f"{path}: column {name!r}, row {i + 1}: {col[i]!r} is "
                                    "not a finite number.")
                numbers[name] = values
                text[name] = np.array(["" if np.isnan(v) else repr(v) for v in values],
                                      dtype=object)
            elif col.dtype.kind in "US":
                cells = [c.decode(errors="replace") if isinstance(c, bytes) else str(c)
                         for c in col]
                text[name] = np.array(cells, dtype=object)
                numbers[name] = None
            else:
                raise DataError(f"{path}: array {key!r} has dtype {col.dtype}; expected "
                                "numbers or strings.")
    _check_names(path, columns)
    table = Table(path, columns, text, {}, None, groups)
    for name in columns:
        table.numbers[name] = numbers[name] if numbers[name] is not None else \
            _parse(path, name, list(text[name]), table.where)
    return table


def _read_parquet(path: str) -> Table:
    try:
        import pandas as pd
    except ImportError:
        raise DataError(f"{path}: reading Parquet needs pandas and pyarrow, which are not "
                        "installed: pip install pandas pyarrow (or save the data as CSV).") \
            from None
    try:
        frame = pd.read_parquet(path)
    except ImportError as err:
        raise DataError(f"{path}: reading Parquet needs pyarrow: pip install pyarrow ({err}).") \
            from None
    except Exception as err:
        raise DataError(f"{path}: not a readable Parquet file ({err}).") from None
    if frame.size > MAX_CELLS or frame.shape[1] > MAX_COLUMNS:
        raise _too_many_cells(path, frame.shape[0], frame.shape[1])
    columns = [str(c) for c in frame.columns]
    _check_names(path, columns)
    text, numbers = {}, {}
    table = Table(path, columns, text, numbers)
    for name, col in zip(columns, frame.columns):
        series = frame[col]
        if series.dtype.kind in "biuf":
            values = series.to_numpy(dtype=np.float64, na_value=np.nan)
            numbers[name] = values
            text[name] = np.array(["" if np.isnan(v) else repr(v) for v in values], dtype=object)
        else:
            cells = ["" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v)
                     for v in series.tolist()]
            text[name] = np.array(cells, dtype=object)
            numbers[name] = _parse(path, name, cells, table.where)
    return table
