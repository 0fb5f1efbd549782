"""The scoring protocol of ``numnet train``: what is trained on which rows, and which rows give
which number.

Rows that give a reported test score never choose anything (epochs, architecture, learning
rate):

- **hold-out** (``len(table) >= cv_below``, 5,000 rows by default): a test split
  (``test_fraction``, stratified by class) is held out first; the rest is split again into
  training rows and validation rows (``validation_fraction``, stratified). Every candidate is
  trained on the training rows with early stopping on the validation rows; the candidate with
  the lowest validation loss (the mean of the epochs round its best one: :func:`smoothed`) is
  kept (a simpler one when it is within 2%: :func:`choose`).
  Each candidate is then trained again, from fresh weights, on the training and validation
  rows together for the number of epochs early stopping chose (:func:`refit`); the chosen
  one's score on the test rows is the one reported: the score of the saved model itself.
- **cross-validation** (fewer rows, where a fifth of the rows would be too few test rows for a
  score good to about ±0.02): the rows are cut into ``folds`` (5) stratified folds. For
  each fold, the other folds are split into training and validation rows as above, every
  candidate is trained and one is chosen on those validation rows, trained again on the other
  folds' rows for the epochs early stopping chose, and scored on the fold, whose rows chose
  nothing. The saved model is the average of those fold models (:mod:`.tabular_ensemble`:
  each reads the inputs through preprocessing fitted on all the rows, its first layer mapped
  so that it computes what it computed in its fold), so the reported score is the score of the
  saved model's own parts: every row predicted by the fold model that never saw it, pooled
  (the spread of the fold scores beside it). No model is trained after the folds, so nothing
  the score did not see is shipped. An average of several models scores better than its parts
  one by one, most on small tables, so the cross-validation is repeated on new folds there
  (``repeats``, :func:`default_repeats`: 3 below 1,000 rows, 2 below 2,000): each row is then
  predicted by the average of the ``repeats`` fold models that never saw it, which is what is
  scored, and the saved model averages all of them. For regression the r2 and rmse of the
  average of all of them are estimated from each row's ``repeats`` predictions (their spread
  is the part of the error that averaging removes: :func:`ensemble_correction`), the measured
  r2 of the averages of ``repeats`` kept beside it (``r2_of_r``); for classes the accuracy of
  the average of all of them is extrapolated from the averages of 1 to ``repeats`` of each
  row's predictions (``accuracy_of_r`` beside it).

Beside the candidates, two baselines are scored on the same rows: the linear model (logistic
regression for classes: numnet's Dense layer with no hidden layer, trained the same way; it is
also a candidate) and the trivial predictor (the training rows' class frequencies, or their
mean).

Candidates (:func:`candidates`): the linear model, one hidden layer of 32 and two of 64 and 32
relu units; where the training rows are few (under 2,000) the hidden layers carry dropout (0.1)
and an L2 penalty (1e-2: with 1e-3 the networks grew over-confident on small tables, so that
early stopping on the validation loss stopped them long before their accuracy stopped rising).
``--hidden`` replaces the search by one network (still beside the linear model). The
cross-validation's many small fits run through :mod:`.tabular_fit` (the training ``fit`` does,
as a direct NumPy loop: seconds instead of minutes on a 150-row table).

Why one file of about 700 lines: the scoring protocol is one sequence of decisions best read top
to bottom.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field, replace

import numpy as np

from . import tabular_fit
from .tabular import Preprocessor, build_model, data_loss, metrics_of
from .tabular_ensemble import average_model, to_shared_outputs
from .tabular_read import Table

SMALL = 2000
"""Training rows below which the hidden layers get dropout and an L2 penalty."""
SMALL_DROPOUT = 0.1
"""The dropout rate after each hidden layer below ``SMALL`` training rows."""
SMALL_L2 = 1e-2
"""The L2 factor of each hidden kernel below ``SMALL`` training rows. With 1e-3 the validation
cross-entropy of 64-32 on a 200-row table bottomed out near epoch 30, long before its accuracy
stopped rising, as the network grew over-confident; 1e-2 keeps the networks calmer, so early
stopping on the loss stops them where they predict better: on eight 200-row tables the saved
model's fresh score rose by 0.000-0.018, at a cost of 0.0025 R² on Friedman #1 at 2,000 rows
(bench/TABULAR.md, step 4)."""
MIN_STEPS = 2000
"""The fewest optimizer steps the default epoch limit allows on a small table."""


@dataclass(frozen=True)
class Candidate:
    """One network of the search: hidden relu widths, dropout rate and L2 factor."""

    hidden: tuple = ()
    dropout: float = 0.0
    l2: float = 0.0

    @property
    def name(self) -> str:
        if not self.hidden:
            return "linear"
        text = "-".join(str(u) for u in self.hidden) + " relu"
        extras = [f"dropout {self.dropout:g}"] * bool(self.dropout) + [f"L2 {self.l2:g}"] * \
            bool(self.l2)
        return text + (f" ({', '.join(extras)})" if extras else "")

    def to_json(self) -> dict:
        return {"name": self.name, "hidden": list(self.hidden), "dropout": self.dropout,
                "l2": self.l2}


def candidates(hidden: list | None, train_rows: int) -> list:
    """The fixed search: ``hidden`` None gives linear, 32 and 64-32 (regularized below
    ``SMALL`` training rows); a list gives linear and that network ([] gives linear alone)."""
    linear = Candidate()
    reg = {"dropout": SMALL_DROPOUT, "l2": SMALL_L2} if train_rows < SMALL else {}
    if hidden is None:
        return [linear, Candidate((32,), **reg), Candidate((64, 32), **reg)]
    if not hidden:
        return [linear]
    return [linear, Candidate(tuple(hidden), **reg)]


def default_repeats(rows: int) -> int:
    """Cross-validation repeats for a table of ``rows`` rows: 3 below 1,000, 2 below 2,000,
    else 1. On few rows the average of the fold models beats its parts by more, and each row
    scored by the average of several fold models measures that average more closely."""
    return 3 if rows < 1000 else 2 if rows < 2000 else 1


@dataclass
class Settings:
    """How every candidate is trained. ``direct``: train the cross-validation's networks with
    :func:`.tabular_fit.fit_dense` (the same training as ``fit``, without its per-step
    bookkeeping) where it applies; the hold-out protocol (large tables, a few fits) keeps
    ``fit``."""

    optimizer: str = "adam"
    learning_rate: float | str | None = None
    batch_size: int = 32
    epochs: int = 200
    patience: int = 20
    class_weight: str = "auto"
    seed: int = 0
    verbose: int = 0
    min_steps: int = 0
    direct: bool = True

    def limits(self, train_rows: int) -> tuple:
        """(most epochs, patience) for ``train_rows`` training rows: ``epochs`` and
        ``patience``, both stretched by the same factor when ``epochs`` passes would take fewer
        than ``min_steps`` optimizer steps (small tables: a linear model at Adam's default
        learning rate needs a few thousand steps to converge)."""
        steps = max(1, math.ceil(train_rows / self.batch_size)) * self.epochs
        if steps >= self.min_steps:
            return self.epochs, self.patience
        factor = self.min_steps / steps
        return math.ceil(self.epochs * factor), math.ceil(self.patience * factor)


# ----------------------------------------------------------------------------- rows


def _keys(task: str, labels) -> np.ndarray | None:
    if task in ("binary", "multiclass"):
        return np.array([str(c) for c in labels], dtype=object)
    return None


def split(rows: np.ndarray, keys, fraction: float, rng) -> tuple:
    """(kept rows, held-out rows) of ``rows``: ``fraction`` of them held out at random,
    stratified by ``keys`` (a class per row of the table, or None): each class gives
    round(fraction * its count) rows, at least one when it has two."""
    rows = np.asarray(rows, dtype=np.int64)
    if keys is None:
        k = min(max(1, int(round(fraction * len(rows)))), len(rows) - 1)
        held = rng.permutation(rows)[:k]
    else:
        held = []
        for c in sorted(set(keys[rows])):
            members = rng.permutation(rows[keys[rows] == c])
            k = int(round(fraction * len(members)))
            if len(members) >= 2:
                k = min(max(k, 1), len(members) - 1)
            held.extend(members[:k].tolist())
        held = np.array(held, dtype=np.int64)
    held = np.sort(held)
    kept = np.setdiff1d(rows, held)
    return rng.permutation(kept), held


def folds(n: int, keys, k: int, rng) -> list:
    """``k`` folds of the rows 0..n-1 (sorted row numbers each), stratified by ``keys``: each
    class's shuffled rows are dealt round the folds in turn."""
    out = [[] for _ in range(k)]
    groups = [np.arange(n)] if keys is None else \
        [np.nonzero(keys == c)[0] for c in sorted(set(keys))]
    start = 0
    for members in groups:
        for j, row in enumerate(rng.permutation(members)):
            out[(start + j) % k].append(int(row))
        start += len(members)
    return [np.sort(np.array(f, dtype=np.int64)) for f in out]


# ----------------------------------------------------------------------------- one split


@dataclass
class Split:
    """Training and validation rows encoded with a Preprocessor fitted on the training rows."""

    prep: Preprocessor
    train_rows: np.ndarray
    val_rows: np.ndarray
    x_train: np.ndarray
    y_train: np.ndarray
    train_labels: object
    x_val: np.ndarray
    y_val: np.ndarray
    val_labels: object
    class_weight: dict | None = None

    def encode(self, table: Table, rows) -> tuple:
        part = table.take(rows)
        return self.prep.transform(part), self.prep.target_values(part)


def prepare(table: Table, targets: list, task: str, train_rows, val_rows, *, ignore=(),
            identifiers=None, classes=None, class_weight: str = "auto") -> Split:
    """Fit the preprocessing on ``train_rows`` and encode both row sets."""
    train = table.take(train_rows)
    prep = Preprocessor.fit(train, targets, task, ignore=ignore, identifiers=identifiers,
                            classes=classes)
    val = table.take(val_rows)
    train_labels, val_labels = prep.target_values(train), prep.target_values(val)
    y_train = prep.encode_target(train_labels, table.path)
    weights = None
    if task in ("binary", "multiclass"):
        weights = class_weights(prep, y_train, class_weight)
    return Split(prep, np.asarray(train_rows), np.asarray(val_rows), prep.transform(train),
                 y_train, train_labels, prep.transform(val),
                 prep.encode_target(val_labels, table.path), val_labels, weights)


SKEWED = 0.2
"""Classes are skewed when the rarest has fewer than this share of the commonest's rows."""


def class_weights(prep: Preprocessor, y_train: np.ndarray, mode: str) -> dict | None:
    """Balanced class weights n / (classes * n_c) when ``mode`` is 'balanced', or 'auto' and
    the classes are skewed (see ``SKEWED``); None otherwise."""
    counts = np.bincount(np.asarray(y_train).reshape(-1).astype(np.int64),
                         minlength=len(prep.classes))
    skewed = counts.min() < SKEWED * counts.max()
    if mode == "none" or (mode == "auto" and not skewed):
        return None
    return {j: float(counts.sum() / (len(counts) * c)) for j, c in enumerate(counts) if c}


def _keep_best():
    """A callback that puts back, at the end, the weights of the epoch with the lowest
    val_loss (``best_epoch`` counts from 1)."""
    from ..callbacks import Callback

    class KeepBest(Callback):
        def on_train_begin(self, logs=None):
            self.best, self.best_epoch, self.weights = math.inf, 0, None

        def on_epoch_end(self, epoch, logs=None):
            value = (logs or {}).get("val_loss", math.inf)
            if value < self.best:
                self.best, self.best_epoch = value, epoch + 1
                self.weights = self.model.get_weights()

        def on_train_end(self, logs=None):
            if self.weights is not None:
                self.model.set_weights(self.weights)

    return KeepBest()


WINDOW = 5
"""Epochs round the best one whose validation losses are averaged for the choice."""


def _val_monitor(split_: Split):
    """A callback that records each epoch's validation loss without any weight penalty
    (``losses``), for the choice between candidates."""
    from ..callbacks import Callback

    class ValLoss(Callback):
        def on_train_begin(self, logs=None):
            self.losses = []

        def on_epoch_end(self, epoch, logs=None):
            out = self.model.predict(split_.x_val, batch_size=4096, verbose=0)
            self.losses.append(data_loss(split_.prep, out, split_.val_labels))

    return ValLoss()


def smoothed(losses: list, best_epoch: int, window: int = WINDOW) -> float:
    """The mean of the ``window`` validation losses centred on ``best_epoch`` (1-based; fewer at
    the ends). The lowest point of a noisy curve flatters a network whose curve is noisy; the
    model trained again for ``best_epoch`` epochs will land somewhere round it, not exactly
    there, so the choice compares these means."""
    if not losses:
        return math.nan
    i = min(max(best_epoch, 1), len(losses)) - 1
    half = window // 2
    return float(np.mean(losses[max(0, i - half):i + half + 1]))


def _units_monitor(split_: Split):
    """A callback that records, each epoch, the regression MAE in the target's units on the
    training and validation rows (``history``: {"mae": [...], "val_mae": [...]}); for several
    targets of different scales, where the MAE of the standardized targets cannot simply be
    scaled back."""
    from ..callbacks import Callback

    class Units(Callback):
        def on_train_begin(self, logs=None):
            self.history = {"mae": [], "val_mae": []}

        def on_epoch_end(self, epoch, logs=None):
            for key, x, labels in (("mae", split_.x_train, split_.train_labels),
                                   ("val_mae", split_.x_val, split_.val_labels)):
                out = self.model.predict(x, batch_size=4096, verbose=0)
                self.history[key].append(metrics_of(split_.prep, out, labels)["mae"])

    return Units()


@dataclass
class Trained:
    """A candidate trained on one split, with its validation scores."""

    candidate: Candidate
    model: object
    best_epoch: int
    epochs: int
    learning_rate: float
    learning_rate_source: str
    history: dict
    validation: dict
    test: dict | None = None
    refit: Split | None = None
    refit_model: object = None
    limits: tuple = ()
    split_rows: tuple = (0, 0)


def train(split_: Split, candidate: Candidate, settings: Settings, seed: int,
          units_history: bool = False) -> Trained:
    """Train ``candidate`` on the split's training rows, stop early on its validation rows and
    keep the best epoch's weights; the validation scores come from :func:`score`."""
    from .. import callbacks, utils
    from .lr_find import lr_find

    utils.set_random_seed(seed)
    bias = None
    if split_.prep.task == "regression":
        bias = np.asarray(split_.y_train, dtype=np.float64).mean(axis=0)
    model = build_model(split_.prep, candidate.hidden, settings.optimizer,
                        None if settings.learning_rate == "auto" else settings.learning_rate,
                        output_bias=bias, dropout=candidate.dropout, l2=candidate.l2)
    source = "--learning-rate" if isinstance(settings.learning_rate, float) else \
        "optimizer default"
    if settings.learning_rate == "auto":
        found = lr_find(model, split_.x_train, split_.y_train, batch_size=settings.batch_size)
        model.optimizer.learning_rate = found.suggestion
        source = f"lr-find ({found.method})"
    epochs, patience = settings.limits(len(split_.x_train))
    if settings.direct and tabular_fit.applies(model, settings.optimizer,
                                               settings.learning_rate, settings.verbose):
        return _train_direct(split_, candidate, model, settings, seed, source, epochs,
                             patience, units_history)
    keep, val = _keep_best(), _val_monitor(split_)
    monitors = [keep, val, callbacks.EarlyStopping(monitor="val_loss", patience=patience)]
    prep = split_.prep
    units = _units_monitor(split_) if units_history and prep.task == "regression" and \
        len(prep.targets) > 1 else None
    history = model.fit(split_.x_train, split_.y_train, epochs=epochs,
                        batch_size=settings.batch_size, class_weight=split_.class_weight,
                        validation_data=(split_.x_val, split_.y_val),
                        callbacks=monitors + ([units] if units else []),
                        verbose=settings.verbose).history
    history = {k: [float(v) for v in values] for k, values in history.items()}
    if units:
        history.update(units.history)
    elif prep.task == "regression":  # one target: an error of e in (y - center) / scale
        for key in ("mae", "val_mae"):  # is e * scale in y
            history[key] = [v * prep.scale[0] for v in history.get(key, [])]
    validation = score(split_.prep, model.predict(split_.x_val, batch_size=4096, verbose=0),
                       split_.val_labels)
    validation["loss_round_best"] = smoothed(val.losses, keep.best_epoch)
    return Trained(candidate, model, keep.best_epoch, len(history["loss"]),
                   float(model.optimizer.current_learning_rate()), source, history, validation,
                   limits=(epochs, patience), split_rows=(len(split_.x_train), len(split_.x_val)))


def _train_direct(split_: Split, candidate: Candidate, model, settings: Settings, seed: int,
                  source: str, epochs: int, patience: int, units_history: bool) -> Trained:
    """:func:`train` through :func:`.tabular_fit.fit_dense` (the same training, without
    ``fit``'s per-step bookkeeping)."""
    prep = split_.prep
    units = None
    if units_history and prep.task == "regression" and len(prep.targets) > 1:
        units = {"mae": [], "val_mae": []}

        def on_epoch(current):
            for key, x, labels in (("mae", split_.x_train, split_.train_labels),
                                   ("val_mae", split_.x_val, split_.val_labels)):
                out = current.predict(x, batch_size=4096, verbose=0)
                units[key].append(metrics_of(prep, out, labels)["mae"])
    else:
        on_epoch = None
    done = tabular_fit.fit_dense(model, prep.task, split_.x_train, split_.y_train,
                                 epochs=epochs, batch_size=settings.batch_size, seed=seed,
                                 l2=candidate.l2, class_weight=split_.class_weight,
                                 validation=(split_.x_val, split_.y_val), patience=patience,
                                 on_epoch=on_epoch)
    history = done["history"]
    losses = history.pop("val_data_loss")
    if units:
        history.update(units)
    elif prep.task == "regression":
        for key in ("mae", "val_mae"):
            history[key] = [v * prep.scale[0] for v in history.get(key, [])]
    validation = score(prep, model.predict(split_.x_val, batch_size=4096, verbose=0),
                       split_.val_labels)
    validation["loss_round_best"] = smoothed(losses, done["best_epoch"])
    return Trained(candidate, model, done["best_epoch"], done["epochs"],
                   float(model.optimizer.current_learning_rate()), source, history, validation,
                   limits=(epochs, patience), split_rows=(len(split_.x_train), len(split_.x_val)))


def refit(table: Table, targets: list, task: str, rows, trained: Trained, settings: Settings,
          seed: int, **common) -> Trained:
    """Train ``trained``'s candidate again on all of ``rows`` (its training and validation rows
    together, preprocessing fitted on them) for the epochs early stopping chose, at the same
    learning rate; ``trained.refit`` / ``trained.refit_model`` receive the result."""
    from .. import utils

    rows = np.asarray(rows, dtype=np.int64)
    sp = prepare(table, targets, task, rows, rows[:1], **common)
    utils.set_random_seed(seed)
    cand = trained.candidate
    bias = None
    if task == "regression":
        bias = np.asarray(sp.y_train, dtype=np.float64).mean(axis=0)
    model = build_model(sp.prep, cand.hidden, settings.optimizer, trained.learning_rate,
                        output_bias=bias, dropout=cand.dropout, l2=cand.l2)
    if settings.direct and tabular_fit.applies(model, settings.optimizer,
                                               trained.learning_rate, settings.verbose):
        tabular_fit.fit_dense(model, task, sp.x_train, sp.y_train,
                              epochs=max(1, trained.best_epoch), batch_size=settings.batch_size,
                              seed=seed, l2=cand.l2, class_weight=sp.class_weight)
    else:
        model.fit(sp.x_train, sp.y_train, epochs=max(1, trained.best_epoch),
                  batch_size=settings.batch_size, class_weight=sp.class_weight, verbose=0)
    trained.refit, trained.refit_model = sp, model
    return trained


def score(prep: Preprocessor, outputs: np.ndarray, labels) -> dict:
    """{"loss": data loss, **metrics} of outputs against labels."""
    return {"loss": data_loss(prep, outputs, labels), **metrics_of(prep, outputs, labels)}


def trivial_outputs(split_: Split, n: int) -> np.ndarray:
    """What the trivial predictor outputs for ``n`` rows: the training rows' class frequencies
    (as probabilities, or as logits for multi-class) or their mean (standardized)."""
    y = np.asarray(split_.y_train, dtype=np.float64)
    task = split_.prep.task
    if task == "multiclass":
        freq = np.bincount(y.astype(np.int64), minlength=len(split_.prep.classes)) / len(y)
        row = np.log(np.maximum(freq, 1e-7))
    else:
        row = y.reshape(len(y), -1).mean(axis=0)
    return np.tile(row, (n, 1)).astype(np.float32)


# ----------------------------------------------------------------------------- protocols


@dataclass
class Result:
    """What the protocol found; :meth:`report` gives the report.json part."""

    task: str
    protocol: str
    metric: str
    candidates: list
    chosen: Candidate
    final: Trained
    split: Split
    test: dict
    per_candidate: dict
    trivial: dict
    rows: dict
    folds: list = field(default_factory=list)
    model: object = None
    prep: Preprocessor | None = None
    members: list = field(default_factory=list)

    @property
    def linear_wins(self) -> bool:
        return not self.chosen.hidden

    def report(self) -> dict:
        return {"protocol": self.protocol, "metric": self.metric, "rows": self.rows,
                "folds": self.folds, "test": self.test, "chosen": self.chosen.to_json(),
                "linear_wins": self.linear_wins,
                "candidates": [{**c.to_json(), **self.per_candidate[c.name]}
                               for c in self.candidates],
                "trivial": self.trivial}


def headline(task: str) -> str:
    return "r2" if task == "regression" else "accuracy"


def _summary(scores: list) -> dict:
    """Mean and spread (sample standard deviation) of each number over folds."""
    out = {}
    for key in scores[0]:
        values = np.array([s[key] for s in scores], dtype=np.float64)
        out[key] = float(values.mean())
        out[f"{key}_spread"] = float(values.std(ddof=1)) if len(values) > 1 else 0.0
    return out


TOLERANCE = 0.02
"""A simpler candidate is kept when its validation loss is within this share of the lowest."""


def choose(losses) -> int:
    """The index of the candidate to keep, given validation losses ordered from the simplest
    candidate to the largest: the simplest whose loss is at most (1 + ``TOLERANCE``) times the
    lowest, so that a larger network must beat a smaller one by more than noise."""
    losses = np.asarray(losses, dtype=np.float64)
    best = losses.min()
    return int(np.nonzero(losses <= best + TOLERANCE * abs(best))[0][0])


def _pick(trained: list) -> int:
    return choose([t.validation["loss_round_best"] for t in trained])


def run(table: Table, targets: list, task: str, hidden: list | None, settings: Settings, *,
        ignore=(), identifiers=None, classes=None, folds_k: int = 5, cv_below: int = 5000,
        test_fraction: float = 0.2, validation_fraction: float = 0.2, repeats: int = 1,
        say=print) -> Result:
    """Run the protocol of the module docstring: hold-out from ``cv_below`` rows, nested
    cross-validation below.

    Args:
        table: the whole table (read by :func:`numnet.tools.tabular.read_table`).
        targets: the target column name(s).
        task: "binary", "multiclass", "multilabel" or "regression".
        hidden: None for the search of :func:`candidates`; a list of widths for one network
            beside the linear model ([] for the linear model alone).
        settings: how each candidate trains (:class:`Settings`).
        ignore: columns to leave out.
        identifiers: {column: reason} of identifier-like columns to drop.
        classes: the class labels of the whole table (so that every fold knows them all).
        folds_k: cross-validation folds. Defaults to 5.
        repeats: how many times the cross-validation is run, on new folds each time; every row
            is then predicted by the average of ``repeats`` fold models that never saw it, and
            the saved model averages all ``repeats * folds_k``. Defaults to 1.
        cv_below: tables of fewer rows are cross-validated. Defaults to 5000.
        test_fraction: the held-out test share from ``cv_below`` rows up. Defaults to 0.2.
        validation_fraction: the share of the remaining rows for early stopping and the
            choice. Defaults to 0.2.
        say: receives one line per step (default ``print``).

    Returns:
        A :class:`Result`: the candidates, the chosen one, the saved model (``model``, the fold
        models' average after a cross-validation) and its preprocessing (``prep``), the test
        scores and which rows gave them.

    Example::

        result = run(read_table("diabetes.csv"), ["target"], "regression", None, Settings())
        result.test["r2"], result.chosen.name      # e.g. (0.47, 'linear')
    """
    n = len(table)
    rng = np.random.default_rng(settings.seed)
    probe = Preprocessor.fit(table, targets, task, ignore=ignore, identifiers=identifiers,
                             classes=classes)
    keys = _keys(task, probe.target_values(table))
    metric = headline(task)
    common = {"ignore": ignore, "identifiers": identifiers, "classes": classes,
              "class_weight": settings.class_weight}

    if n >= cv_below:
        settings = replace(settings, direct=False)
        rest, test_rows = split(np.arange(n), keys, test_fraction, rng)
        train_rows, val_rows = split(rest, keys, validation_fraction, rng)
        sp = prepare(table, targets, task, train_rows, val_rows, **common)
        cands = candidates(hidden, len(train_rows))
        trained = []
        for i, cand in enumerate(cands):
            t = train(sp, cand, settings, settings.seed + i, units_history=True)
            refit(table, targets, task, rest, t, settings, settings.seed + i, **common)
            x_test, test_labels = t.refit.encode(table, test_rows)
            t.test = score(t.refit.prep, t.refit_model.predict(x_test, batch_size=4096,
                                                               verbose=0), test_labels)
            trained.append(t)
            say(f"  {cand.name}: validation loss {t.validation['loss']:.4f}, "
                f"{metric} {t.validation[metric]:.4f} (best epoch {t.best_epoch})")
        best = trained[_pick(trained)]
        x_test, test_labels = best.refit.encode(table, test_rows)
        trivial = {"validation": score(sp.prep, trivial_outputs(sp, len(sp.x_val)),
                                       sp.val_labels),
                   "test": score(best.refit.prep, trivial_outputs(best.refit, len(x_test)),
                                 test_labels)}
        per = {t.candidate.name: {"validation": t.validation, "test": t.test,
                                  "best_epoch": t.best_epoch} for t in trained}
        rows = {"total": n, "train": len(train_rows), "validation": len(val_rows),
                "test": len(test_rows), "test_rows": [int(i) for i in test_rows],
                "validation_rows": [int(i) for i in val_rows],
                "how": f"test: {len(test_rows)} rows held out first ({test_fraction:g}, "
                       f"{'stratified' if keys is not None else 'at random'}); validation: "
                       f"{len(val_rows)} of the rest, for early stopping and the choice; "
                       f"training: the other {len(train_rows)}. Each candidate is then "
                       f"trained again on all {len(rest)} training and validation rows for "
                       "the epochs early stopping chose; the test rows score that model"}
        return Result(task, "hold-out", metric, cands, best.candidate, best, sp,
                      {**best.test, "rows": len(test_rows), "model": "the saved model"},
                      per, trivial, rows, model=best.refit_model, prep=best.refit.prep)

    k = min(folds_k, n)
    cands = None
    fold_reports, nested, per_val, per_test, trivial_test = [], [], {}, {}, []
    oof = {}  # candidate name (or "chosen", "trivial") -> summed outputs, shared encoding
    members, picks, first = [], [], None
    by_repeat = {}  # repeat -> the chosen fold models' outputs of every row
    runs = [(j, f, test_rows) for j in range(repeats)
            for f, test_rows in enumerate(folds(n, keys, k, rng))]
    for number, (j, f, test_rows) in enumerate(runs):
        rest = np.setdiff1d(np.arange(n), test_rows)
        train_rows, val_rows = split(rest, keys, validation_fraction, rng)
        sp = prepare(table, targets, task, train_rows, val_rows, **common)
        cands = cands or candidates(hidden, len(train_rows))
        trained = []
        for i, cand in enumerate(cands):
            seed = settings.seed + 100 * (number + 1) + i
            t = train(sp, cand, settings, seed, units_history=number == 0)
            refit(table, targets, task, rest, t, settings, seed, **common)
            x_test, test_labels = t.refit.encode(table, test_rows)
            outputs = t.refit_model.predict(x_test, batch_size=4096, verbose=0)
            t.test = score(t.refit.prep, outputs, test_labels)
            _add(oof, cand.name, n, test_rows, to_shared_outputs(t.refit.prep, probe, outputs))
            trained.append(t)
            per_val.setdefault(cand.name, []).append(t.validation)
            per_test.setdefault(cand.name, []).append(t.test)
        pick = trained[_pick(trained)]
        if first is None:
            first, first_split = pick, sp
        members.append(pick)
        picks.append(pick.candidate)
        nested.append(pick.test)
        x_test, test_labels = pick.refit.encode(table, test_rows)
        chosen_out = to_shared_outputs(pick.refit.prep, probe, pick.refit_model.predict(
            x_test, batch_size=4096, verbose=0))
        _add(oof, "chosen", n, test_rows, chosen_out)
        _add(by_repeat, j, n, test_rows, chosen_out)
        triv_out = trivial_outputs(pick.refit, len(x_test))
        triv = score(pick.refit.prep, triv_out, test_labels)
        _add(oof, "trivial", n, test_rows, to_shared_outputs(pick.refit.prep, probe, triv_out))
        trivial_test.append(triv)
        fold_reports.append({"fold": f + 1, "repeat": j + 1,
                             "test_rows": [int(i) for i in test_rows],
                             "train_rows": [int(i) for i in np.sort(train_rows)],
                             "validation_rows": [int(i) for i in val_rows],
                             "train": len(train_rows), "validation": len(val_rows),
                             "chosen": pick.candidate.name, "epochs": pick.best_epoch,
                             "test": pick.test,
                             "candidates": {t.candidate.name: {"validation": t.validation,
                                                               "test": t.test,
                                                               "best_epoch": t.best_epoch}
                                            for t in trained},
                             "trivial": triv})
        say(f"  {'' if repeats == 1 else f'repeat {j + 1}/{repeats}, '}fold {f + 1}/{k}: "
            f"{len(test_rows)} test rows; chosen on validation: "
            f"{pick.candidate.name}; test {metric} {pick.test[metric]:.4f} (linear "
            f"{trained[0].test[metric]:.4f}, trivial {triv[metric]:.4f})")
    oof = {name: summed / repeats for name, summed in oof.items()}
    labels = probe.target_values(table)

    def pooled(name, folds_scores):
        return {**_summary(folds_scores), **score(probe, oof[name], labels)}

    counts = {c.name: sum(p == c for p in picks) for c in cands}
    chosen = max(cands, key=lambda c: counts[c.name])  # the first (simplest) of the most chosen
    model = average_model([(m.refit.prep, m.refit_model) for m in members], probe,
                          first.refit_model)
    per = {c.name: {"validation": _summary(per_val[c.name]),
                    "test": pooled(c.name, per_test[c.name])} for c in cands}
    picked = ", ".join(f"{name} in {c} fold{'s' * (c != 1)}" for name, c in counts.items() if c)
    size = len(members)
    cv_text = f"{k}-fold cross-validation" + (f", {repeats} times on new folds" if repeats > 1
                                              else "")
    held = "the fold model that held it out" if repeats == 1 else \
        f"the average of the {repeats} fold models that held it out (one a repeat)"
    rows = {"total": n, "folds": k, "repeats": repeats, "train": len(first.refit.train_rows),
            "how": f"test: {cv_text} "
                   f"({'stratified' if keys is not None else 'at random'}); "
                   "in each fold the other folds are split into training and validation rows "
                   f"({validation_fraction:g}), every candidate is trained there with early "
                   "stopping on validation, one is chosen on validation, and each is trained "
                   "again on all the other folds' rows for the epochs early stopping chose; "
                   "the fold's rows score it, never having chosen anything. The reported "
                   f"score pools every row's prediction by {held}. The saved model is the "
                   f"average of those {size} fold models ({picked})"}
    test = {**pooled("chosen", nested), "rows": n, "folds": k, "repeats": repeats,
            **ensemble_correction(probe, [by_repeat[j] for j in range(repeats)], labels, size),
            "model": f"the {size} fold models that make up the saved model, each row predicted "
                     f"by {'the one' if repeats == 1 else f'the average of the {repeats}'} "
                     "that never saw it, pooled"}
    trivial = {"test": pooled("trivial", trivial_test)}
    return Result(task, "cross-validation", metric, cands, chosen, first, first_split, test,
                  per, trivial, rows, fold_reports, model=model, prep=probe,
                  members=[{"fold": r["fold"], "repeat": r["repeat"],
                            "candidate": m.candidate.name,
                            "epochs": m.best_epoch, "rows": len(m.refit.train_rows),
                            "early_stopping": {"train_rows": m.split_rows[0],
                                               "validation_rows": m.split_rows[1],
                                               "best_epoch": m.best_epoch,
                                               "epochs": m.epochs}}
                           for r, m in zip(fold_reports, members)])


def ensemble_correction(prep: Preprocessor, outputs: list, labels, size: int) -> dict:
    """With ``len(outputs)`` = r >= 2 repeats: the scores of the average of ``size`` fold
    models, estimated from the r out-of-fold predictions of each row (for classes:
    :func:`_class_correction`; returns {} for r = 1).

    For regression: r2 and rmse.

    The squared error of an average of m exchangeable predictions of a row is
    (bias)^2 + v / m, v the part of their variance that averaging removes; the r predictions
    of each row estimate v by their sample variance s^2, so the saved average's squared error
    on that row is estimated by (mean of the r - y)^2 - s^2 (1/r - 1/m). Returns {"r2", "rmse",
    "r2_of_r", "correction"}: the estimates for m = ``size`` members, and the r2 of the
    r-model averages as measured."""
    r = len(outputs)
    if r < 2:
        return {}
    if prep.task != "regression":
        return _class_correction(prep, outputs, labels, size)
    preds = np.stack([prep.decode(o) for o in outputs])          # (r, rows, targets)
    truth = np.asarray(labels, dtype=np.float64).reshape(preds.shape[1:])
    mean = preds.mean(axis=0)
    var = preds.var(axis=0, ddof=1)
    squared = (mean - truth) ** 2 - var * (1.0 / r - 1.0 / size)
    mse = np.maximum(squared.mean(axis=0), 0.0)                     # per target
    total = ((truth - truth.mean(axis=0)) ** 2).mean(axis=0)
    r2 = np.where(total > 0, 1 - mse / np.where(total > 0, total, 1), 0.0)
    measured = metrics_of(prep, np.mean(outputs, axis=0), labels)["r2"]
    return {"r2": float(r2.mean()), "rmse": float(np.sqrt(max(mse.mean(), 0.0))),
            "r2_of_r": float(measured),
            "correction": f"r2 and rmse of the average of all {size} fold models, estimated "
                          f"from the {r} out-of-fold predictions of each row (squared error "
                          f"(mean - y)^2 - s^2 (1/{r} - 1/{size}), s^2 their variance); "
                          f"measured for the averages of {r}: r2 {measured:.4f}"}


def _class_correction(prep: Preprocessor, outputs: list, labels, size: int) -> dict:
    """:func:`ensemble_correction` for classes: each metric of the average of ``size`` fold
    models, extrapolated from the averages of k = 1 .. r of each row's r out-of-fold outputs.

    An accuracy has no variance term to subtract, but it rises with the number of models
    averaged, as a + c / sqrt(k) closely does (the averages of 1, 3, 5 and 15 fold models on
    20,000 fresh rows of four 200-row tables: bench/TABULAR.md, step 5). The mean metric over
    every k-subset of the r outputs is fitted by least squares in 1 / sqrt(k) and read at
    k = ``size``, clipped to [0, 1]."""
    r = len(outputs)
    measured = {}
    for k in range(1, r + 1):
        got = [metrics_of(prep, np.mean([outputs[i] for i in subset], axis=0), labels)
               for subset in itertools.combinations(range(r), k)]
        measured[k] = {key: float(np.mean([g[key] for g in got])) for key in got[0]}
    design = np.stack([np.ones(r), np.arange(1, r + 1) ** -0.5], axis=1)
    out = {}
    for key in measured[r]:
        (a, c), *_ = np.linalg.lstsq(design, [measured[k][key] for k in range(1, r + 1)],
                                     rcond=None)
        out[key] = float(np.clip(a + c / math.sqrt(size), 0.0, 1.0))
    first = next(iter(measured[r]))
    curve = ", ".join(f"{measured[k][first]:.4f}" for k in range(1, r + 1))
    return {**out, f"{first}_of_r": measured[r][first],
            "correction": f"{first} of the average of all {size} fold models, estimated from "
                          f"the averages of 1 to {r} of each row's {r} out-of-fold "
                          f"predictions ({curve}), fitted as a + c / sqrt(k) and read at "
                          f"k = {size}; measured for the averages of {r}: {first} "
                          f"{measured[r][first]:.4f}"}


def _add(store: dict, name: str, n: int, rows, outputs) -> None:
    if name not in store:
        store[name] = np.zeros((n,) + outputs.shape[1:], dtype=np.float64)
    store[name][rows] += outputs


# ----------------------------------------------------------------------------- the table


def table_text(result: Result) -> str:
    """The terminal's table: each candidate and the trivial predictor, validation and test."""
    m = result.metric
    cv = result.protocol == "cross-validation"

    def cell(scores, key):
        if scores is None or key not in scores:
            return "-"
        if cv and f"{key}_spread" in scores:
            return f"{scores[key]:.4f} ± {scores[key + '_spread']:.4f}"
        return f"{scores[key]:.4f}"

    header = ["model", "val loss*", f"val {m}", f"test {m}" + (" (pooled ± fold sd)" if cv else "")]
    lines = []
    for cand in result.candidates:
        per = result.per_candidate[cand.name]
        note = "  <- chosen" if cand == result.chosen else ""
        label = cand.name + (" [baseline]" if not cand.hidden else "")
        lines.append([label, cell(per["validation"], "loss_round_best"),
                      cell(per["validation"], m),
                      cell(per["test"], m) + note])
    trivial = "trivial (mean)" if result.task == "regression" else "trivial (class frequencies)"
    lines.append([trivial + " [baseline]", cell(result.trivial.get("validation"), "loss"),
                  cell(result.trivial.get("validation"), m), cell(result.trivial["test"], m)])
    if cv:
        lines.append(["chosen in each fold", "-", "-", cell(result.test, m)])
    widths = [max(len(r[j]) for r in [header] + lines) for j in range(4)]
    note = (f"  * the mean validation loss of the {WINDOW} epochs round each candidate's best "
            "epoch: what the choice compares")
    return "\n".join(["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip()
                      for r in [header] + lines] + [note])


__all__ = ["Candidate", "Result", "Settings", "candidates", "choose", "class_weights",
           "default_repeats", "ensemble_correction", "folds",
           "prepare", "run", "refit", "score", "smoothed", "split", "table_text", "train",
           "trivial_outputs"]
