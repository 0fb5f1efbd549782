"""Tables in, models out: reading CSV / Parquet / .npz, detecting the task, preprocessing.

What the ``numnet train`` command does with a data file, as functions:

- :func:`read_table` reads a CSV (standard library ``csv``), a Parquet file (needs pandas with
  pyarrow) or an ``.npz`` archive (each 1-D array a column; a 2-D array ``k`` of width d becomes
  the columns ``k[0]`` .. ``k[d-1]``, and ``k`` names them together). Cells that are empty or
  read NA, N/A, NaN, null, None or ? are missing. A column is numeric when its cells parse as
  numbers; a column that is almost all numbers (at least 90%) with a few cells that are not is a
  numeric column with bad cells, an error naming the column, the line and the value.
- :func:`detect_task` reads the task off the target column(s): several 0/1 columns are
  multi-label; one column with two distinct values is binary; text, or 3 to 20 distinct integer
  values, is multi-class; other numbers are regression.
- :class:`Preprocessor` standardizes numeric columns, z = (x - mean) / std, with mean, std and
  the median used for missing cells computed on the training rows; one-hot encodes text columns
  (categories seen in training; an unseen one encodes as all zeros); drops text columns with
  more than ``max_categories`` (50) distinct values, which look like identifiers. It encodes the
  target for the loss (class indices, 0/1, or (y - center) / scale for regression) and decodes
  the model's outputs back. It is saved as JSON and loaded with every field checked.
- :func:`build_model` makes the network for a task: ``hidden`` relu layers, then sigmoid +
  binary cross-entropy (binary, multi-label), linear logits + sparse categorical cross-entropy
  from logits (multi-class), or relu (targets never negative) / linear + mean squared error
  (regression).

Problems with a data or preprocessing file raise :class:`DataError` (a ValueError) naming the
file and the column, line or field at fault.
"""

from __future__ import annotations

import csv
import json
import math
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ..models import Sequential

MISSING = frozenset(["", "na", "n/a", "nan", "null", "none", "?"])
NUMERIC_SHARE = 0.9
"""A column with at least this share of numeric cells (and some that are not) is an error."""
MAX_CLASSES = 20
MAX_PREPROCESSING_BYTES = 64 << 20
FORMAT = "numnet-tabular-preprocessing"
TASKS = ("binary", "multiclass", "multilabel", "regression")


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
    docstring); a DataError naming the file and the fault if it cannot be used."""
    path = os.fspath(path)
    if not os.path.exists(path):
        raise DataError(f"{path}: no such file.")
    if os.path.isdir(path):
        raise DataError(f"{path}: is a directory; expected a .csv, .parquet or .npz file.")
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


def _read_csv(path: str, delimiter: str | None) -> Table:
    try:
        with open(path, newline="", encoding="utf-8-sig") as f:
            sample = f.read(65536)
            if not sample.strip():
                raise DataError(f"{path}: the file is empty; expected a header row of column "
                                "names and then one row per sample.")
            if delimiter is None:
                first = sample.splitlines()[0]
                delimiter = max([",", ";", "\t", "|"], key=first.count)
                delimiter = delimiter if first.count(delimiter) else ","
            f.seek(0)
            reader = csv.reader(f, delimiter=delimiter)
            header = [h.strip() for h in next(reader)]
            rows, lines = [], []
            for row in reader:
                if not row or all(not c.strip() for c in row):
                    continue
                if len(row) != len(header):
                    raise DataError(f"{path}: line {reader.line_num} has {len(row)} fields, "
                                    f"the header has {len(header)}; every row needs one value "
                                    "per column (leave a cell empty if it is missing).")
                rows.append(row)
                lines.append(reader.line_num)
    except UnicodeDecodeError as err:
        raise DataError(f"{path}: not UTF-8 text ({err.reason} at byte {err.start}); save it "
                        "as UTF-8 CSV.") from None
    except csv.Error as err:
        raise DataError(f"{path}: not a readable CSV file ({err}).") from None
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


def _read_npz(path: str) -> Table:
    try:
        archive = np.load(path, allow_pickle=False)
    except Exception as err:
        raise DataError(f"{path}: not a readable .npz archive ({err}).") from None
    columns, text, numbers, groups = [], {}, {}, {}
    length = None
    with archive:
        for key in archive.files:
            try:
                arr = archive[key]
            except ValueError as err:
                raise DataError(f"{path}: array {key!r} cannot be read without unpickling "
                                f"({err}); store numbers or strings only.") from None
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
                    cells = [c.decode() if isinstance(c, bytes) else str(c) for c in col]
                    text[name] = np.array(cells, dtype=object)
                    numbers[name] = None
                else:
                    raise DataError(f"{path}: array {key!r} has dtype {col.dtype}; expected "
                                    "numbers or strings.")
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


# ----------------------------------------------------------------------------- the task


def _integral(values: np.ndarray) -> bool:
    return bool(np.all(np.floor(values) == values))


def detect_task(table: Table, targets: list) -> str:
    """'binary', 'multiclass', 'multilabel' or 'regression' for the target column(s)."""
    for name in targets:
        missing = table.missing(name)
        if missing.any():
            i = int(np.nonzero(missing)[0][0])
            raise DataError(f"{table.path}: the target column {name!r} is missing a value at "
                            f"{table.where(i)}; every row needs a target (drop those rows).")
    if len(targets) > 1:
        texts = [n for n in targets if not table.is_numeric(n)]
        if texts:
            raise DataError(f"{table.path}: target column {texts[0]!r} holds text; several "
                            "target columns must be numbers (0/1 for multi-label).")
        if all(np.isin(table.numbers[n], (0, 1)).all() for n in targets):
            return "multilabel"
        return "regression"
    name = targets[0]
    if not table.is_numeric(name):
        distinct = len({c.strip() for c in table.text[name]})
    else:
        values = table.numbers[name]
        distinct = len(np.unique(values))
        if distinct > 2 and not (_integral(values) and distinct <= MAX_CLASSES):
            return "regression"
    if distinct < 2:
        raise DataError(f"{table.path}: the target column {name!r} holds a single value; "
                        "there is nothing to learn. Check the --target column.")
    return "binary" if distinct == 2 else "multiclass"


def check_task(table: Table, targets: list, task: str) -> None:
    """A DataError if the target column(s) cannot be learned as ``task`` (given by hand)."""
    if task not in TASKS:
        raise DataError(f"task: expected one of {', '.join(TASKS)}, given {task!r}.")
    numeric = [table.is_numeric(n) for n in targets]
    where = f"{table.path}: --task {task}"
    if task in ("binary", "multiclass") and len(targets) != 1:
        raise DataError(f"{where} needs a single target column, given {len(targets)}.")
    if task == "binary":
        name = targets[0]
        distinct = len({c.strip() for c in table.text[name]}) if not numeric[0] else \
            len(np.unique(table.numbers[name]))
        if distinct != 2:
            raise DataError(f"{where}: the target column {name!r} holds {distinct} distinct "
                            "values; binary needs exactly two (use --task multiclass).")
    if task in ("multilabel", "regression"):
        for name, is_num in zip(targets, numeric):
            if not is_num:
                raise DataError(f"{where}: the target column {name!r} holds text; {task} needs "
                                "numbers.")
            if task == "multilabel" and not np.isin(table.numbers[name], (0, 1)).all():
                raise DataError(f"{where}: the target column {name!r} holds values other than "
                                "0 and 1.")


# ----------------------------------------------------------------------------- preprocessing


def _class_key(value):
    """A class label as saved in JSON: the string as read, or a number (int when integral)."""
    if isinstance(value, str):
        return value
    value = float(value)
    return int(value) if value.is_integer() else value


class Preprocessor:
    """Feature and target encoding fitted on training rows; see the module docstring."""

    def __init__(self, task: str, targets: list, features: list, dropped: list, classes=None,
                 center=None, scale=None):
        self.task, self.targets = task, list(targets)
        self.features, self.dropped = features, dropped
        self.classes, self.center, self.scale = classes, center, scale

    # ----- fitting -----
    @classmethod
    def fit(cls, table: Table, targets: list, task: str, ignore=(),
            max_categories: int = 50) -> Preprocessor:
        """Learn the encodings from ``table`` (the training rows)."""
        features, dropped = [], []
        for name in table.columns:
            if name in targets:
                continue
            if name in ignore:
                dropped.append({"name": name, "reason": "ignored (--ignore)"})
                continue
            if table.is_numeric(name):
                values = table.numbers[name]
                present = values[~np.isnan(values)]
                if not present.size:
                    dropped.append({"name": name, "reason": "no values in the training rows"})
                    continue
                std = float(present.std())
                features.append({"name": name, "kind": "numeric", "mean": float(present.mean()),
                                 "std": std if std > 0 else 1.0,
                                 "fill": float(np.median(present))})
            else:
                cells = [c.strip() for c in table.text[name] if c.strip().lower() not in MISSING]
                categories = sorted(set(cells))
                if not categories:
                    dropped.append({"name": name, "reason": "no values in the training rows"})
                    continue
                if len(categories) > max_categories:
                    dropped.append({"name": name, "reason": f"{len(categories)} distinct text "
                                    f"values (more than {max_categories}): looks like an "
                                    "identifier"})
                    continue
                features.append({"name": name, "kind": "categorical", "categories": categories})
        if not features:
            raise DataError(f"{table.path}: no feature columns left besides the target; the "
                            "model needs at least one input column.")
        classes = center = scale = None
        if task in ("binary", "multiclass"):
            name = targets[0]
            if table.is_numeric(name):
                classes = [_class_key(v) for v in np.unique(table.numbers[name])]
            else:
                classes = sorted({c.strip() for c in table.text[name]})
        elif task == "regression":
            y = np.stack([table.numbers[n] for n in targets], axis=1)
            never_negative = bool((y >= 0).all())
            center = [0.0] * len(targets) if never_negative else [float(v) for v in y.mean(0)]
            scale = [float(s) if s > 0 else 1.0 for s in y.std(0)]
        return cls(task, targets, features, dropped, classes, center, scale)

    @property
    def n_inputs(self) -> int:
        return sum(1 if f["kind"] == "numeric" else len(f["categories"]) for f in self.features)

    @property
    def n_outputs(self) -> int:
        if self.task == "multiclass":
            return len(self.classes)
        if self.task == "binary":
            return 1
        return len(self.targets)

    @property
    def output_activation(self) -> str:
        if self.task in ("binary", "multilabel"):
            return "sigmoid"
        if self.task == "multiclass":
            return "linear"
        return "relu" if all(c == 0.0 for c in self.center) else "linear"

    # ----- applying -----
    def transform(self, table: Table) -> np.ndarray:
        """The float32 feature matrix of ``table``; a DataError naming any feature column that
        is missing or whose values do not fit the training data."""
        table.resolve([f["name"] for f in self.features], "a feature the model was trained on")
        blocks = []
        for f in self.features:
            name = f["name"]
            if f["kind"] == "numeric":
                if not table.is_numeric(name):
                    cells = table.text[name]
                    bad = next((i for i, c in enumerate(cells)
                                if c.strip().lower() not in MISSING and not _is_number(c)), None)
                    if bad is not None:
                        raise DataError(f"{table.path}: column {name!r} held numbers in the "
                                        f"training data, but {table.where(bad)} holds "
                                        f"{cells[bad]!r}. Fix the value, or leave the cell "
                                        "empty to mark it missing.")
                    values = np.full(len(table), np.nan)
                else:
                    values = table.numbers[name]
                values = np.where(np.isnan(values), f["fill"], values)
                blocks.append(((values - f["mean"]) / f["std"])[:, None])
            else:
                index = {c: j for j, c in enumerate(f["categories"])}
                onehot = np.zeros((len(table), len(f["categories"])))
                for i, cell in enumerate(table.text[name]):
                    j = index.get(cell.strip())
                    if j is not None:
                        onehot[i, j] = 1.0
                blocks.append(onehot)
        return np.concatenate(blocks, axis=1).astype(np.float32)

    def target_values(self, table: Table) -> list | np.ndarray:
        """The target as labels: class keys (classification), 0/1 matrix (multi-label), or
        float64 values (regression)."""
        names = table.resolve(self.targets, "the target")
        if self.task in ("binary", "multiclass"):
            name = names[0]
            if isinstance(self.classes[0], str):
                return [c.strip() for c in table.text[name]]
            if not table.is_numeric(name):
                raise DataError(f"{table.path}: the target column {name!r} holds text, but the "
                                f"model was trained on the classes {self.classes}.")
            return [_class_key(v) for v in table.numbers[name]]
        for name in names:
            if not table.is_numeric(name) or np.isnan(table.numbers[name]).any():
                raise DataError(f"{table.path}: the target column {name!r} needs a number in "
                                "every row.")
        return np.stack([table.numbers[n] for n in names], axis=1)

    def encode_target(self, labels, path: str = "the data") -> np.ndarray:
        """Labels (from target_values) as the loss wants them."""
        if self.task in ("binary", "multiclass"):
            index = {c: j for j, c in enumerate(self.classes)}
            unknown = [c for c in labels if c not in index]
            if unknown:
                raise DataError(f"{path}: the target holds the class {unknown[0]!r}, which the "
                                f"model was not trained on (classes: {self.classes}).")
            codes = np.array([index[c] for c in labels], dtype=np.int64)
            return codes.astype(np.float32)[:, None] if self.task == "binary" else codes
        if self.task == "multilabel":
            return np.asarray(labels, dtype=np.float32)
        return ((np.asarray(labels) - np.array(self.center)) / np.array(self.scale)) \
            .astype(np.float32)

    def probabilities(self, outputs: np.ndarray) -> np.ndarray:
        """Class probabilities from the model's outputs (softmax of the multi-class logits)."""
        if self.task == "multiclass":
            z = outputs - outputs.max(axis=1, keepdims=True)
            e = np.exp(z.astype(np.float64))
            return e / e.sum(axis=1, keepdims=True)
        if self.task == "binary":
            p = outputs.reshape(-1).astype(np.float64)
            return np.stack([1 - p, p], axis=1)
        return outputs.astype(np.float64)

    def decode(self, outputs: np.ndarray) -> list | np.ndarray:
        """Predictions in the data's terms: class labels, 0/1 rows, or values in target units."""
        if self.task in ("binary", "multiclass"):
            return [self.classes[j] for j in self.probabilities(outputs).argmax(axis=1)]
        if self.task == "multilabel":
            return (outputs > 0.5).astype(np.int64)
        return outputs.astype(np.float64) * np.array(self.scale) + np.array(self.center)

    # ----- saving -----
    def to_json(self) -> dict:
        return {"format": FORMAT, "version": 1, "task": self.task, "targets": self.targets,
                "classes": self.classes, "center": self.center, "scale": self.scale,
                "features": self.features, "dropped": self.dropped, "inputs": self.n_inputs}

    def save(self, path) -> None:
        with open(path, "w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, indent=1)

    @classmethod
    def load(cls, path) -> Preprocessor:
        """Read a preprocessing.json written by ``save``, checking every field."""
        path = os.fspath(path)
        try:
            size = os.path.getsize(path)
            if size > MAX_PREPROCESSING_BYTES:
                raise DataError(f"{path}: {size} bytes; a preprocessing file is far smaller "
                                "(refused).")
            with open(path, encoding="utf-8") as f:
                spec = json.load(f)
        except FileNotFoundError:
            raise DataError(f"{path}: no such file; `numnet train` writes it next to "
                            "model.numnet, and predict / evaluate need it.") from None
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
            raise DataError(f"{path}: not valid JSON ({err}).") from None
        return cls.from_json(spec, path)

    @classmethod
    def from_json(cls, spec, path: str = "preprocessing.json") -> Preprocessor:
        def fail(where, expected):
            raise DataError(f"{path}: field {where}: expected {expected}.")

        def number(v):
            return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)

        if not isinstance(spec, dict) or spec.get("format") != FORMAT:
            fail("format", f"{FORMAT!r} (is this a numnet preprocessing file?)")
        if spec.get("version") != 1:
            fail("version", "1 (written by a newer numnet?)")
        task = spec.get("task")
        if task not in TASKS:
            fail("task", f"one of {TASKS}")
        targets = spec.get("targets")
        if not isinstance(targets, list) or not targets or \
                not all(isinstance(t, str) for t in targets):
            fail("targets", "a non-empty list of column names")
        features = spec.get("features")
        if not isinstance(features, list) or not features:
            fail("features", "a non-empty list")
        for i, f in enumerate(features):
            if not isinstance(f, dict) or not isinstance(f.get("name"), str):
                fail(f"features[{i}]", "an object with a 'name'")
            if f.get("kind") == "numeric":
                for key in ("mean", "std", "fill"):
                    if not number(f.get(key)):
                        fail(f"features[{i}].{key}", "a finite number")
                if f["std"] <= 0:
                    fail(f"features[{i}].std", "a positive number")
            elif f.get("kind") == "categorical":
                cats = f.get("categories")
                if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
                    fail(f"features[{i}].categories", "a list of strings")
            else:
                fail(f"features[{i}].kind", "'numeric' or 'categorical'")
        classes = spec.get("classes")
        center, scale = spec.get("center"), spec.get("scale")
        if task in ("binary", "multiclass"):
            if not isinstance(classes, list) or len(classes) < 2 or \
                    not (all(isinstance(c, str) for c in classes)
                         or all(number(c) for c in classes)):
                fail("classes", "a list of at least two class labels (all strings or all "
                     "numbers)")
            if task == "binary" and len(classes) != 2:
                fail("classes", "two class labels for a binary task")
        if task == "regression":
            for key, values in (("center", center), ("scale", scale)):
                if not isinstance(values, list) or len(values) != len(targets) or \
                        not all(number(v) for v in values):
                    fail(key, f"a list of {len(targets)} finite numbers")
            if not all(s > 0 for s in scale):
                fail("scale", "positive numbers")
        dropped = spec.get("dropped", [])
        if not isinstance(dropped, list):
            fail("dropped", "a list")
        out = cls(task, targets, features, dropped, classes, center, scale)
        if spec.get("inputs") != out.n_inputs:
            fail("inputs", f"{out.n_inputs} (the width the features encode to)")
        return out


def _is_number(cell: str) -> bool:
    try:
        return math.isfinite(float(cell))
    except ValueError:
        return False


# ----------------------------------------------------------------------------- splitting


def split_rows(task: str, labels, n: int, validation_split: float,
               seed: int) -> tuple[np.ndarray, np.ndarray]:
    """(train rows, validation rows): a shuffled split, stratified by class for classification
    (each class gives round(validation_split * its count) rows, at least one if it has two)."""
    rng = np.random.default_rng(seed)
    if task in ("binary", "multiclass"):
        labels = np.array([str(c) for c in labels], dtype=object)
        val = []
        for c in sorted(set(labels)):
            rows = rng.permutation(np.nonzero(labels == c)[0])
            k = int(round(validation_split * len(rows)))
            if len(rows) >= 2:
                k = min(max(k, 1), len(rows) - 1)
            val.extend(rows[:k].tolist())
        val = np.sort(np.array(val, dtype=np.int64))
    else:
        k = max(1, int(round(validation_split * n)))
        val = np.sort(rng.permutation(n)[:k])
    train = np.setdiff1d(np.arange(n), val)
    if not len(train) or not len(val):
        raise DataError(f"{n} rows are too few to hold out a validation split of "
                        f"{validation_split:g}; give more rows.")
    return rng.permutation(train), val


# ----------------------------------------------------------------------------- models


def build_model(prep: Preprocessor, hidden=(64, 32), optimizer="adam",
                learning_rate: float | None = None, output_bias=None) -> Sequential:
    """The compiled network for ``prep``'s task (see the module docstring)."""
    from .. import layers, losses, models, optimizers

    model = models.Sequential([layers.Input((prep.n_inputs,))])
    for units in hidden:
        model.add(layers.Dense(int(units), activation="relu"))
    model.add(layers.Dense(prep.n_outputs, activation=prep.output_activation))
    if output_bias is not None:
        model.layers[-1].bias.assign(np.asarray(output_bias, dtype=np.float32))
    opt = optimizers.get(optimizer)
    if learning_rate is not None:
        opt.learning_rate = float(learning_rate)
    if prep.task == "multiclass":
        loss, metrics = losses.SparseCategoricalCrossentropy(from_logits=True), ["accuracy"]
    elif prep.task == "binary":
        loss, metrics = losses.BinaryCrossentropy(), ["accuracy"]
    elif prep.task == "multilabel":
        loss, metrics = losses.BinaryCrossentropy(), ["binary_accuracy"]
    else:
        loss, metrics = losses.MeanSquaredError(), ["mae"]
    model.compile(optimizer=opt, loss=loss, metrics=metrics)
    return model


def scores(prep: Preprocessor, model, x: np.ndarray, labels) -> dict:
    """Loss (the training objective) and metrics of ``model`` on (x, labels): accuracy for
    classification (per label for multi-label, with exact_match), r2, mae and rmse in the target's
    units for regression (r2 = 1 - sum (y - p)^2 / sum (y - mean y)^2, averaged over targets)."""
    outputs = model.predict(x, verbose=0)
    y = prep.encode_target(labels)
    loss = float(model.evaluate(x, y, verbose=0, return_dict=True)["loss"])
    if prep.task in ("binary", "multiclass"):
        predicted = prep.decode(outputs)
        metrics = {"accuracy": float(np.mean([p == t for p, t in zip(predicted, labels)]))}
    elif prep.task == "multilabel":
        predicted = prep.decode(outputs)
        truth = np.asarray(labels)
        metrics = {"accuracy": float(np.mean(predicted == truth)),
                   "exact_match": float(np.mean((predicted == truth).all(axis=1)))}
    else:
        truth = np.asarray(labels, dtype=np.float64)
        predicted = prep.decode(outputs)
        residual = ((truth - predicted) ** 2).sum(axis=0)
        total = ((truth - truth.mean(axis=0)) ** 2).sum(axis=0)
        r2 = np.where(total > 0, 1 - residual / np.where(total > 0, total, 1), 0.0)
        metrics = {"r2": float(r2.mean()), "mae": float(np.abs(truth - predicted).mean()),
                   "rmse": float(np.sqrt(((truth - predicted) ** 2).mean()))}
    return {"loss": loss, "metrics": metrics, "samples": int(len(x))}


__all__ = ["DataError", "Preprocessor", "Table", "build_model", "check_task", "detect_task",
           "read_table", "scores", "split_rows"]
