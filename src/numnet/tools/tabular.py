"""Tables in, models out: detecting the task, preprocessing, the network for a task.

What the ``numnet train`` command does with a data file, as functions:

- :func:`read_table` (from :mod:`numnet.tools.tabular_read`) reads a CSV, Parquet or ``.npz``
  file into a :class:`Table`.
- :func:`detect_task` reads the task off the target column(s): several 0/1 columns are
  multi-label; one column with two distinct values is binary; text, or 3 to 20 distinct integer
  values, is multi-class; other numbers are regression. :func:`task_reason` says which rule
  applied.
- :class:`Preprocessor` standardizes numeric columns, z = (x - mean) / std, with mean, std and
  the median used for missing cells computed on the training rows; one-hot encodes text columns
  (categories seen in training; an unseen one, or a missing cell, encodes as all zeros). It drops
  columns that cannot help, saying why: constant in the training rows, all missing, identifier-
  like (text with a different value in every row, or unique integers that rise or fall with the
  row order), or text with more than ``max_categories`` (50) distinct values. It encodes the
  target for the loss (class indices, 0/1, or (y - center) / scale for regression) and decodes
  the model's outputs back. It is saved as JSON and loaded with every field checked.
  :meth:`Preprocessor.audit` counts the missing cells and unseen categories of new data.
- :func:`build_model` makes the network for a task: ``hidden`` relu layers (optionally with
  dropout and an L2 penalty), then sigmoid + binary cross-entropy (binary, multi-label), linear
  logits + sparse categorical cross-entropy from logits (multi-class), or relu (targets never
  negative) / linear + mean squared error on the standardized target (regression).

Problems with a data or preprocessing file raise :class:`DataError` (a ValueError) naming the
file and the column, line or field at fault.

Why one file of about 700 lines: the data decisions of `numnet train` (task, columns, encoding)
are one pipeline.
"""

from __future__ import annotations

import json
import math
import os
from typing import TYPE_CHECKING

import numpy as np

from .tabular_read import MISSING, DataError, Table, read_table

if TYPE_CHECKING:
    from ..models import Sequential

MAX_CLASSES = 20
MAX_PREPROCESSING_BYTES = 64 << 20
FORMAT = "numnet-tabular-preprocessing"
TASKS = ("binary", "multiclass", "multilabel", "regression")


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


def task_reason(table: Table, targets: list, task: str, given: bool = False) -> str:
    """Why ``task`` was chosen for the target column(s), in one sentence."""
    if given:
        return f"--task {task} given"
    if len(targets) > 1:
        return (f"{len(targets)} target columns that hold only 0 and 1" if task == "multilabel"
                else f"{len(targets)} numeric target columns")
    name = targets[0]
    if not table.is_numeric(name):
        distinct = len({c.strip() for c in table.text[name]})
        return f"the target {name!r} holds text with {distinct} distinct values"
    distinct = len(np.unique(table.numbers[name]))
    if task == "binary":
        return f"the target {name!r} holds two distinct values"
    if task == "multiclass":
        return (f"the target {name!r} holds {distinct} distinct integers (3 to {MAX_CLASSES} "
                "integers are read as classes)")
    return (f"the target {name!r} holds numbers with {distinct} distinct values (not 2, and "
            f"not 3 to {MAX_CLASSES} integers)")


def check_learnable(table: Table, targets: list, task: str, min_rows: int = 20,
                    min_class_rows: int = 5) -> None:
    """A DataError when the table is too small to learn ``task`` and score it honestly: fewer
    than ``min_rows`` rows, or a class with fewer than ``min_class_rows`` rows."""
    n = len(table)
    if n < min_rows:
        raise DataError(f"{table.path}: {n} rows are too few to train and score a model "
                        f"(at least {min_rows} needed); give more rows.")
    if task in ("binary", "multiclass"):
        name = targets[0]
        labels = [c.strip() for c in table.text[name]] if not table.is_numeric(name) else \
            [_class_key(v) for v in table.numbers[name]]
        values, counts = np.unique(np.array([str(v) for v in labels], dtype=object),
                                   return_counts=True)
        rare = [(v, int(c)) for v, c in zip(values, counts) if c < min_class_rows]
        if rare:
            shown = ", ".join(f"{v!r} ({c} rows)" for v, c in rare[:5])
            raise DataError(f"{table.path}: the class{'es' if len(rare) > 1 else ''} {shown} "
                            f"of the target {name!r} {'have' if len(rare) > 1 else 'has'} fewer "
                            f"than {min_class_rows} rows, too few to learn and to score; give "
                            "more rows of it, merge it into another class, or drop those rows.")


def identifier_columns(table: Table, skip=()) -> dict:
    """Numeric columns that look like row identifiers: integers, no two equal, none missing, that
    only rise (or only fall) down the file. Returns {name: reason}."""
    out = {}
    if len(table) < 3:
        return out
    for name in table.columns:
        values = table.numbers[name]
        if name in skip or values is None or np.isnan(values).any() or not _integral(values):
            continue
        steps = np.diff(values)
        if (steps > 0).all() or (steps < 0).all():
            out[name] = ("identifier-like: distinct integers that rise or fall with the row "
                         "order")
    return out


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
            max_categories: int = 50, identifiers: dict | None = None,
            classes: list | None = None) -> Preprocessor:
        """Learn the encodings from ``table`` (the training rows).

        Args:
            table: the training rows.
            targets: the target column name(s).
            task: one of ``TASKS``.
            ignore: columns to leave out (dropped, reason "--ignore").
            max_categories: text columns with more distinct values are dropped. Defaults to 50.
            identifiers: {name: reason} of columns to drop as identifiers (see
                :func:`identifier_columns`, which looks at the whole file's row order).
            classes: the class labels, when known from more rows than ``table`` holds.
        """
        features, dropped = [], []
        identifiers = identifiers or {}
        for name in table.columns:
            if name in targets:
                continue
            if name in ignore:
                dropped.append({"name": name, "reason": "ignored (--ignore)"})
                continue
            if name in identifiers:
                dropped.append({"name": name, "reason": identifiers[name]})
                continue
            if table.is_numeric(name):
                values = table.numbers[name]
                present = values[~np.isnan(values)]
                if not present.size:
                    dropped.append({"name": name, "reason": "all missing in the training rows"})
                    continue
                std = float(present.std())
                if std == 0:
                    dropped.append({"name": name, "reason": f"constant ({present[0]:.6g} in "
                                    "every training row that has a value)"})
                    continue
                features.append({"name": name, "kind": "numeric", "mean": float(present.mean()),
                                 "std": std, "fill": float(np.median(present))})
            else:
                cells = [c.strip() for c in table.text[name] if c.strip().lower() not in MISSING]
                categories = sorted(set(cells))
                if not categories:
                    dropped.append({"name": name, "reason": "all missing in the training rows"})
                    continue
                if len(categories) == 1 and len(cells) == len(table):
                    dropped.append({"name": name, "reason": f"constant ({categories[0]!r} in "
                                    "every training row)"})
                    continue
                if len(categories) == len(cells) and len(cells) > max(10, len(table) // 2):
                    dropped.append({"name": name, "reason": "identifier-like: a different text "
                                    "value in every row"})
                    continue
                if len(categories) > max_categories:
                    dropped.append({"name": name, "reason": f"too many categories "
                                    f"({len(categories)} distinct text values, more than "
                                    f"{max_categories})"})
                    continue
                features.append({"name": name, "kind": "categorical", "categories": categories})
        if not features:
            reasons = "; ".join(f"{d['name']}: {d['reason']}" for d in dropped[:5])
            raise DataError(f"{table.path}: no feature columns left besides the target"
                            f"{' (dropped: ' + reasons + ')' if reasons else ''}; the model "
                            "needs at least one input column.")
        given_classes = classes
        classes = center = scale = None
        if task in ("binary", "multiclass") and given_classes is not None:
            classes = list(given_classes)
        elif task in ("binary", "multiclass"):
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

    # ----- describing -----
    def audit(self, table: Table) -> dict:
        """What :meth:`transform` will have to patch in ``table``: ``{"missing": {column: cells},
        "unseen": {column: {category: cells}}}``, listing only columns with any. Missing numeric
        cells are filled with the training median; missing and unseen categories encode as an
        all-zero row."""
        missing, unseen = {}, {}
        for f in self.features:
            name = f["name"]
            if name not in table.text:
                continue
            cells = [c.strip() for c in table.text[name]]
            absent = sum(c.lower() in MISSING for c in cells)
            if absent:
                missing[name] = int(absent)
            if f["kind"] == "categorical":
                known = set(f["categories"])
                new = {}
                for c in cells:
                    if c not in known and c.lower() not in MISSING:
                        new[c] = new.get(c, 0) + 1
                if new:
                    unseen[name] = dict(sorted(new.items(), key=lambda kv: (-kv[1], kv[0])))
        return {"missing": missing, "unseen": unseen}

    def describe(self, table: Table) -> dict:
        """The column decisions, for a report: ``used`` (feature names), ``scaled`` ({name:
        {mean, std}}), ``encoded`` ({name: categories}), ``filled`` ({name: {cells, with}}, the
        missing cells of ``table``), ``dropped`` ([{name, reason}])."""
        audit = self.audit(table)
        filled = {}
        for f in self.features:
            cells = audit["missing"].get(f["name"], 0)
            if cells:
                filled[f["name"]] = {"cells": cells, "with": f["fill"] if f["kind"] == "numeric"
                                     else "an all-zero one-hot row"}
        return {"used": [f["name"] for f in self.features],
                "scaled": {f["name"]: {"mean": f["mean"], "std": f["std"]}
                           for f in self.features if f["kind"] == "numeric"},
                "encoded": {f["name"]: f["categories"] for f in self.features
                            if f["kind"] == "categorical"},
                "filled": filled, "dropped": list(self.dropped)}

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
            if os.path.exists(path) and not os.path.isfile(path):
                raise DataError(f"{path}: not a regular file (refused); give the "
                                "preprocessing.json that `numnet train` wrote.")
            with open(path, "rb") as f:
                raw = f.read(MAX_PREPROCESSING_BYTES + 1)
            if len(raw) > MAX_PREPROCESSING_BYTES:
                raise DataError(f"{path}: more than {MAX_PREPROCESSING_BYTES:,} bytes; a "
                                "preprocessing file is far smaller (refused).")
            spec = json.loads(raw.decode("utf-8"))
        except FileNotFoundError:
            raise DataError(f"{path}: no such file; `numnet train` writes it next to "
                            "model.numnet, and predict / evaluate need it.") from None
        except DataError:
            raise
        except (ValueError, RecursionError) as err:
            raise DataError(f"{path}: not valid JSON ({err}).") from None
        except OSError as err:
            raise DataError(f"{path}: cannot be read ({err.strerror or err}).") from None
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
                learning_rate: float | None = None, output_bias=None, dropout: float = 0.0,
                l2: float = 0.0) -> Sequential:
    """The compiled network for ``prep``'s task (see the module docstring).

    Args:
        prep: the fitted Preprocessor (gives the input width, outputs and task).
        hidden: widths of the relu hidden layers; ``()`` gives the linear (logistic) model.
            Defaults to (64, 32).
        optimizer: an optimizer name. Defaults to "adam".
        learning_rate: overrides the optimizer's default when given.
        output_bias: initial bias of the output layer (e.g. the target's mean).
        dropout: the rate of a Dropout layer after each hidden layer. Defaults to 0 (none).
        l2: the L2 penalty factor on each hidden layer's kernel. Defaults to 0 (none).
    """
    from .. import layers, losses, models, optimizers, regularizers

    model = models.Sequential([layers.Input((prep.n_inputs,))])
    for units in hidden:
        model.add(layers.Dense(int(units), activation="relu",
                               kernel_regularizer=regularizers.L2(l2) if l2 else None))
        if dropout:
            model.add(layers.Dropout(dropout))
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


def data_loss(prep: Preprocessor, outputs: np.ndarray, labels) -> float:
    """The training objective on (outputs, labels), without any weight penalty: binary cross-
    entropy (probabilities clipped to [1e-7, 1 - 1e-7]), cross-entropy of the softmax of the
    logits, or the mean squared error of the standardized target."""
    y = prep.encode_target(labels).astype(np.float64)
    out = np.asarray(outputs, dtype=np.float64)
    if prep.task == "multiclass":
        z = out - out.max(axis=1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        return float(-log_p[np.arange(len(y)), y.astype(np.int64)].mean())
    if prep.task in ("binary", "multilabel"):
        p = np.clip(out.reshape(y.shape), 1e-7, 1 - 1e-7)
        return float(-(y * np.log(p) + (1 - y) * np.log(1 - p)).mean())
    return float(((out.reshape(y.shape) - y) ** 2).mean())


def metrics_of(prep: Preprocessor, outputs: np.ndarray, labels) -> dict:
    """The metrics of predictions ``outputs`` against ``labels``, in the data's terms: accuracy
    (and balanced_accuracy, the mean of the per-class recalls) for classification, accuracy and
    exact_match for multi-label, r2, mae and rmse in the target's units for regression (r2 = 1 -
    sum (y - p)^2 / sum (y - mean y)^2, averaged over targets)."""
    if prep.task in ("binary", "multiclass"):
        predicted = prep.decode(outputs)
        hits = np.array([p == t for p, t in zip(predicted, labels)], dtype=bool)
        truth = np.array([str(t) for t in labels], dtype=object)
        recalls = [hits[truth == c].mean() for c in np.unique(truth)]
        return {"accuracy": float(hits.mean()), "balanced_accuracy": float(np.mean(recalls))}
    if prep.task == "multilabel":
        predicted = prep.decode(outputs)
        truth = np.asarray(labels)
        return {"accuracy": float(np.mean(predicted == truth)),
                "exact_match": float(np.mean((predicted == truth).all(axis=1)))}
    truth = np.asarray(labels, dtype=np.float64)
    predicted = prep.decode(outputs)
    residual = ((truth - predicted) ** 2).sum(axis=0)
    total = ((truth - truth.mean(axis=0)) ** 2).sum(axis=0)
    r2 = np.where(total > 0, 1 - residual / np.where(total > 0, total, 1), 0.0)
    return {"r2": float(r2.mean()), "mae": float(np.abs(truth - predicted).mean()),
            "rmse": float(np.sqrt(((truth - predicted) ** 2).mean()))}


def scores(prep: Preprocessor, model, x: np.ndarray, labels) -> dict:
    """Loss (the training objective, from :func:`data_loss`) and metrics (from
    :func:`metrics_of`) of ``model`` on (x, labels), and the number of samples."""
    outputs = model.predict(x, batch_size=1024, verbose=0)
    return {"loss": data_loss(prep, outputs, labels), "metrics": metrics_of(prep, outputs, labels),
            "samples": int(len(x))}


__all__ = ["DataError", "Preprocessor", "Table", "build_model", "check_learnable", "check_task",
           "data_loss", "detect_task", "identifier_columns", "metrics_of", "read_table", "scores",
           "split_rows", "task_reason"]
