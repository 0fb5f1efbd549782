"""The ``numnet`` command.

    numnet demo                      train the course's first model (784-32-10, RMSprop) on MNIST
    numnet train DATA --target COL   train and score a network on a table (a test split or
                                     cross-validation, beside the linear model and the trivial
                                     predictor); writes DIR/model.numnet,
                                     DIR/preprocessing.json, DIR/report.json, DIR/history.png
    numnet evaluate MODEL DATA       loss and metrics of a trained model on a table
    numnet predict MODEL DATA        predictions for each row (CSV)
    numnet lr-find DATA --target COL the learning-rate range test
    numnet compare DATA --target COL optimizers / learning rates side by side

DATA is a .csv, .parquet (needs pandas) or .npz file; ``numnet COMMAND --help`` tells more.
Bad input (a missing file or column, a cell that is not a number in a numeric column, too few
rows or rows of a class to learn from, an existing run folder without --overwrite) is reported
in one line naming the file and the column, with exit status 2, before anything is written; a
run is written to a temporary folder and renamed into place when complete.

Why one file of about 700 lines: the command's argument parsing, its subcommands and their
messages read as one program.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import tempfile
import time

DEFAULT_HIDDEN = "64,32"


class CLIError(Exception):
    """A problem with the command's arguments or files: reported, exit status 2."""


# ----------------------------------------------------------------------------- demo


def _demo(args: argparse.Namespace) -> int:
    import numnet as keras
    from numnet import layers, models, optimizers

    if args.seed is not None:
        keras.utils.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data(bundled=True)
    x_train = x_train.reshape(len(x_train), 784).astype("float32") / 255
    x_test = x_test.reshape(len(x_test), 784).astype("float32") / 255
    y_train = keras.utils.to_categorical(y_train, 10)
    y_test = keras.utils.to_categorical(y_test, 10)
    print(f"MNIST (bundled sample): {len(x_train)} training and {len(x_test)} test images")

    model = models.Sequential()
    model.add(layers.Dense(32, activation="relu", input_shape=(784,)))
    model.add(layers.Dense(10, activation="softmax"))
    model.compile(optimizer=optimizers.RMSprop(learning_rate=0.001),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    model.summary()
    start = time.perf_counter()
    model.fit(x_train, y_train, epochs=args.epochs, batch_size=args.batch_size,
              verbose=args.verbose)
    seconds = time.perf_counter() - start
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Trained {args.epochs} epochs in {seconds:.2f} s")
    print(f"Test loss: {loss:.4f} - test accuracy: {accuracy:.4f}")
    return 0


# ----------------------------------------------------------------------------- shared


def _names(text: str) -> list:
    return [t.strip() for t in text.split(",") if t.strip()]


def _hidden(text: str) -> list:
    if text.strip() in ("", "none", "0"):
        return []
    try:
        units = [int(t) for t in _names(text)]
    except ValueError:
        units = []
    if not units or any(u < 1 for u in units):
        raise CLIError(f"--hidden: expected positive layer widths separated by commas, e.g. "
                       f"64,32 (or 'none' for no hidden layer), given {text!r}.")
    return units


def _learning_rate(text: str):
    if text is None or text == "default":
        return None
    if text == "auto":
        return "auto"
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value <= 0:
        raise CLIError(f"--learning-rate: expected 'auto', 'default' or a positive number such "
                       f"as 0.001, given {text!r}.")
    return value


def _rates(text: str) -> list:
    try:
        rates = [float(t) for t in _names(text)]
    except ValueError:
        rates = []
    if not rates or any(not math.isfinite(r) or r <= 0 for r in rates):
        raise CLIError(f"--learning-rates: expected positive numbers separated by commas, e.g. "
                       f"0.0001,0.001,0.01, given {text!r}.")
    return rates


def _check_optimizer(name: str) -> str:
    from numnet import optimizers

    try:
        optimizers.get(name)
    except (ValueError, TypeError) as err:
        raise CLIError(f"--optimizer: {err}") from None
    return name


class _Prepared:
    """A table read, its task found, split, and encoded: what train / lr-find / compare need."""

    def __init__(self, args):
        from numnet.tools import tabular

        self.table = tabular.read_table(args.data)
        self.targets = self.table.resolve(_names(args.target), "the --target")
        if not self.targets:
            raise CLIError("--target: expected a column name (several, comma-separated, for "
                           "multi-label or multi-output targets).")
        detected = tabular.detect_task(self.table, self.targets)
        task = detected if args.task == "auto" else args.task
        tabular.check_task(self.table, self.targets, task)
        self.task = task
        ignore = set(self.table.resolve(_names(args.ignore), "--ignore")) if args.ignore else ()
        labels = self.table.text[self.targets[0]]
        self.train_rows, self.val_rows = tabular.split_rows(
            task, labels, len(self.table), args.validation_split, args.seed)
        train = self.table.take(self.train_rows)
        self.validation = self.table.take(self.val_rows)
        identifiers = tabular.identifier_columns(self.table, skip=set(self.targets) | set(ignore))
        self.prep = tabular.Preprocessor.fit(train, self.targets, task, ignore=ignore,
                                             identifiers=identifiers)
        for d in self.prep.dropped:
            print(f"dropped {d['name']!r}: {d['reason']}")
        self.x_train = self.prep.transform(train)
        self.y_train = self.prep.encode_target(self.prep.target_values(train), args.data)
        self.x_val = self.prep.transform(self.validation)
        self.val_labels = self.prep.target_values(self.validation)
        self.y_val = self.prep.encode_target(self.val_labels, args.data)

    def model(self, args, learning_rate=None):
        import numpy as np

        from numnet.tools import tabular

        bias = None
        if self.task == "regression":
            bias = np.asarray(self.y_train, dtype=np.float64).reshape(len(self.y_train), -1) \
                .mean(axis=0)
        return tabular.build_model(self.prep, _hidden(args.hidden), args.optimizer,
                                   learning_rate, output_bias=bias)


def _seed(args) -> None:
    import numnet

    numnet.utils.set_random_seed(args.seed)


def _write_atomically(path: str, write) -> None:
    """Call write(tmp_path), then rename tmp_path to ``path``: the old file or the new one."""
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".numnet-", dir=folder)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def _write_text(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(text)


def _check_out_dir(path: str, what: str) -> None:
    if os.path.exists(path) and not os.path.isdir(path):
        raise CLIError(f"{what} {path}: exists and is not a directory; choose another --out.")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise CLIError(f"{what} {path}: the folder {parent} does not exist.")


def _check_out_file(path: str, what: str) -> None:
    if os.path.isdir(path):
        raise CLIError(f"{what} {path}: is a directory; give a file name.")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise CLIError(f"{what} {path}: the folder {parent} does not exist.")


def _plot_or_chart(fig_maker, chart_maker, path: str | None, what: str) -> str | None:
    """Write a figure to ``path`` with matplotlib; without it, print the text chart and say how
    to install matplotlib. Returns the path written, or None."""
    from numnet.tools.plots import INSTALL_HINT, have_matplotlib

    if path is not None and have_matplotlib():
        _write_atomically(path, lambda tmp: fig_maker(tmp))
        return path
    print(chart_maker())
    if path is not None:
        print(f"({what} not written: matplotlib is not installed; {INSTALL_HINT})")
    return None


# ----------------------------------------------------------------------------- train










def _repeats(text: str):
    if text == "auto":
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise CLIError(f"--repeats: expected 'auto' or a positive whole number such as 3, given "
                       f"{text!r}.")
    return value


def _train(args) -> int:
    from numnet.tools import tabular
    from numnet.tools import tabular_protocol as protocol
    from numnet.tools import tabular_report as run_report

    hidden = None if args.hidden.strip().lower() == "auto" else _hidden(args.hidden)
    learning_rate = _learning_rate(args.learning_rate)
    _check_optimizer(args.optimizer)
    if args.folds < 2:
        raise CLIError(f"--folds: expected at least 2 folds, given {args.folds}.")
    repeats = _repeats(args.repeats)
    out = args.out or os.path.splitext(os.path.basename(args.data))[0] + "_model"
    _check_out_dir(out, "--out")
    if os.path.exists(out) and not args.overwrite:
        raise CLIError(f"--out {out}: already exists; give --overwrite to replace that run, or "
                       "choose another --out.")
    table = tabular.read_table(args.data)
    targets = table.resolve(_names(args.target), "the --target")
    if not targets:
        raise CLIError("--target: expected a column name (several, comma-separated, for "
                       "multi-label or multi-output targets).")
    task = tabular.detect_task(table, targets) if args.task == "auto" else args.task
    tabular.check_task(table, targets, task)
    reason = tabular.task_reason(table, targets, task, given=args.task != "auto")
    tabular.check_learnable(table, targets, task)
    ignore = set(table.resolve(_names(args.ignore), "--ignore")) if args.ignore else set()
    identifiers = tabular.identifier_columns(table, skip=set(targets) | ignore)
    whole = tabular.Preprocessor.fit(table, targets, task, ignore=ignore,
                                     identifiers=identifiers)
    balance, balance_text = run_report.balance(task, whole, table, targets)
    print(f"numnet train: {args.data}: {len(table)} rows, {len(table.columns)} columns")
    print(f"task: {task} ({reason})")
    if balance_text:
        print(f"classes: {balance_text}")
    cv = len(table) < args.cv_below
    repeats = protocol.default_repeats(len(table)) if repeats is None else repeats
    times = f", {repeats} times on new folds" if repeats > 1 else ""
    print("protocol: " + (f"{min(args.folds, len(table))}-fold cross-validation{times} (fewer "
                          f"than {args.cv_below:,} rows)" if cv else
                          f"test split of {args.test_split:g} held out first") +
          "; candidates chosen on validation rows only")
    settings = protocol.Settings(args.optimizer, learning_rate, args.batch_size,
                                 args.epochs or 200, args.patience or 20, args.class_weight,
                                 args.seed, args.verbose,
                                 min_steps=protocol.MIN_STEPS if args.epochs is None else 0)
    start = time.perf_counter()
    result = protocol.run(table, targets, task, hidden, settings, ignore=ignore,
                          identifiers=identifiers, classes=whole.classes, folds_k=args.folds,
                          cv_below=args.cv_below, test_fraction=args.test_split,
                          repeats=repeats,
                          validation_fraction=args.validation_split)
    seconds = time.perf_counter() - start
    final, prep = result.final, result.prep
    columns = prep.describe(table)
    weights = result.final.refit.class_weight if not cv or task not in ("binary", "multiclass") \
        else protocol.class_weights(prep, prep.encode_target(prep.target_values(table)),
                                    args.class_weight)
    report = run_report.report(args, table, targets, task, reason, result, columns, balance,
                               weights, seconds)
    for line in run_report.column_lines(columns):
        print(line)
    if balance_text:
        print(run_report.weights_line(prep, weights, args.class_weight))
    print(protocol.table_text(result))
    for line in run_report.summary_lines(result, report, seconds):
        print(line)
    written = run_report.write_run(out, args.overwrite, final, prep, report, task, targets,
                                   model=result.model)
    print(f"wrote {', '.join(os.path.join(out, name) for name in written)}")
    return 0


# ----------------------------------------------------------------------------- evaluate, predict


def _load(model_path: str, prep_path: str | None):
    from numnet import models
    from numnet.tools.tabular import Preprocessor

    if os.path.isdir(model_path):
        model_path = os.path.join(model_path, "model.numnet")
    if not os.path.exists(model_path):
        raise CLIError(f"{model_path}: no such model file; give the model.numnet that "
                       "`numnet train` wrote (or its folder).")
    prep_path = prep_path or os.path.join(os.path.dirname(model_path), "preprocessing.json")
    prep = Preprocessor.load(prep_path)
    model = models.load_model(model_path)
    width = model.input_shape[-1] if model.input_shape else None
    if width != prep.n_inputs:
        raise CLIError(f"{prep_path}: encodes {prep.n_inputs} inputs, but {model_path} expects "
                       f"{width}; use the preprocessing.json written with that model.")
    outputs = model.output_shape[-1] if model.output_shape else None
    if outputs != prep.n_outputs:
        what = f"{len(prep.classes)} classes" if prep.task == "multiclass" else \
            f"{prep.n_outputs} output(s) for {prep.task}"
        raise CLIError(f"{prep_path}: lists {what}, but {model_path} gives {outputs} outputs; "
                       "use the preprocessing.json written with that model.")
    return model, prep


def _input_notes(prep, table, command: str) -> dict:
    """Count the missing cells and unseen categories of ``table`` and say so on stderr."""
    audit = prep.audit(table)
    for name, cells in audit["missing"].items():
        f = next(f for f in prep.features if f["name"] == name)
        what = f"the training median {f['fill']:.6g}" if f["kind"] == "numeric" else \
            "an all-zero one-hot row"
        print(f"numnet {command}: {cells} missing cell{'s' * (cells != 1)} in {name!r} "
              f"filled with {what}", file=sys.stderr)
    for name, unseen in audit["unseen"].items():
        cells = sum(unseen.values())
        shown = ", ".join(f"{c!r} ({k})" for c, k in list(unseen.items())[:5])
        more = f", and {len(unseen) - 5} more" if len(unseen) > 5 else ""
        print(f"numnet {command}: {cells} cell{'s' * (cells != 1)} of {name!r} hold categories "
              f"not seen in training, encoded as all zeros: {shown}{more}", file=sys.stderr)
    return audit


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe_cell(value) -> str:
    """A CSV cell that spreadsheet programs will not run as a formula: text that begins with
    = + - @ (or a tab / carriage return) gets a leading apostrophe. Numbers are left as they
    are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value if isinstance(value, str) else str(value)


def _evaluate(args) -> int:
    from numnet.tools import tabular

    model, prep = _load(args.model, args.preprocessing)
    table = tabular.read_table(args.data)
    if args.target:
        names = table.resolve(_names(args.target), "the --target")
        if len(names) != len(prep.targets):
            raise CLIError(f"--target: the model predicts {len(prep.targets)} target column(s) "
                           f"({', '.join(prep.targets)}), given {len(names)}: {args.target!r}.")
        for saved, given in zip(prep.targets, names):
            table.text[saved], table.numbers[saved] = table.text[given], table.numbers[given]
    notes = _input_notes(prep, table, "evaluate")
    x = prep.transform(table)
    labels = prep.target_values(table)
    result = tabular.scores(prep, model, x, labels)
    result = {"task": prep.task, "targets": prep.targets,
              "loss_function": model._loss_obj.name, **result, "inputs": notes}
    text = json.dumps(result, indent=1)
    if args.out:
        _check_out_file(args.out, "--out")
        _write_atomically(args.out, lambda tmp: _write_text(tmp, text))
    print(text)
    return 0


def _predict(args) -> int:
    import csv
    import io

    from numnet.tools import tabular

    model, prep = _load(args.model, args.preprocessing)
    if args.out:
        _check_out_file(args.out, "--out")
    table = tabular.read_table(args.data)
    _input_notes(prep, table, "predict")
    x = prep.transform(table)
    outputs = model.predict(x, batch_size=256, verbose=0)
    predicted = prep.decode(outputs)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if prep.task in ("binary", "multiclass"):
        probs = prep.probabilities(outputs)
        writer.writerow([_safe_cell(prep.targets[0])] +
                        [_safe_cell(f"probability_{c}") for c in prep.classes])
        for label, p in zip(predicted, probs):
            writer.writerow([_safe_cell(label)] + [format(float(v), ".9g") for v in p])
    elif prep.task == "multilabel":
        writer.writerow([_safe_cell(t) for t in prep.targets] +
                        [_safe_cell(f"probability_{t}") for t in prep.targets])
        for row, p in zip(predicted, outputs):
            writer.writerow([int(v) for v in row] + [format(float(v), ".9g") for v in p])
    else:
        writer.writerow([_safe_cell(t) for t in prep.targets])
        for row in predicted:
            writer.writerow([format(float(v), ".9g") for v in row])
    if args.out:
        _write_atomically(args.out, lambda tmp: _write_text(tmp, buffer.getvalue()))
        print(f"wrote {len(x)} predictions to {args.out}")
    else:
        sys.stdout.write(buffer.getvalue())
    return 0


# ----------------------------------------------------------------------------- lr-find, compare


def _lr_find(args) -> int:
    from numnet.tools import lr_find

    _check_optimizer(args.optimizer)
    _hidden(args.hidden)
    if args.out:
        _check_out_file(args.out, "--out")
    data = _Prepared(args)
    _seed(args)
    model = data.model(args)
    try:
        result = lr_find(model, data.x_train, data.y_train, start=args.start, end=args.end,
                         steps=args.steps, batch_size=args.batch_size)
    except ValueError as err:
        raise CLIError(str(err)) from None
    print(f"lr-find ({type(model.optimizer).__name__}, {len(result.learning_rates)} of "
          f"{args.steps} steps{', stopped when the loss diverged' if result.diverged else ''})")
    for name, value in result.suggestions.items():
        label = "minimum / 10" if name == "minimum" else name
        chosen = "   <- suggestion" if name == result.method else ""
        print(f"  {label:<13} {value:.3g}{chosen}")
    written = _plot_or_chart(lambda tmp: result.plot(tmp), result.text_chart, args.out,
                             "the plot")
    if written:
        print(f"wrote {written}")
    return 0


def _to_target_units(result, scale: float, goal) -> None:
    """Put a regression comparison's MAE (histories and best values) in the target's units:
    the network learns (y - center) / scale, so an error of e there is e * scale in y."""
    for history in result.histories.values():
        for key in ("mae", "val_mae"):
            if key in history:
                history[key] = [float(v) * scale for v in history[key]]
    if result.monitor.endswith("mae"):
        for row in result.rows:
            if row["best"] is not None:
                row["best"] = float(row["best"]) * scale
    result.target = goal


def _compare(args) -> int:
    from numnet.tools import compare

    optimizers = _names(args.optimizers) if args.optimizers else None
    for name in optimizers or []:
        _check_optimizer(name)
    if optimizers is None and args.learning_rates is None:
        optimizers = ["sgd", "rmsprop", "adam"]
    rates = _rates(args.learning_rates) if args.learning_rates else None
    _hidden(args.hidden)
    if args.out:
        _check_out_file(args.out, "--out")
    data = _Prepared(args)
    _seed(args)
    model = data.model(args)
    scale = data.prep.scale[0] if data.task == "regression" and len(data.targets) == 1 else None
    goal = args.goal / scale if scale and args.goal is not None else args.goal
    result = compare(model, data.x_train, data.y_train, optimizers=optimizers,
                     learning_rates=rates, epochs=args.epochs, batch_size=args.batch_size,
                     validation_data=(data.x_val, data.y_val), target=goal,
                     n_jobs=args.jobs, seed=args.seed)
    if scale:
        _to_target_units(result, scale, args.goal)
    print(result.table())
    if data.task == "regression":
        print("(loss: mean squared error of the standardized target; mae: "
              + ("in the target's units)" if scale else "on the standardized targets)"))
    print(f"best: {result.best}")
    written = _plot_or_chart(lambda tmp: result.plot(tmp),
                             lambda: result.text_chart(result.monitor), args.out, "the plot")
    if written:
        print(f"wrote {written}")
    return 0


# ----------------------------------------------------------------------------- parser


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, given {text!r}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 < value < 1:
        raise argparse.ArgumentTypeError(f"expected a fraction between 0 and 1, given {text!r}")
    return value


def _table_args(p: argparse.ArgumentParser, epochs: int | None,
                hidden: str = DEFAULT_HIDDEN) -> None:
    p.add_argument("data", metavar="DATA", help="a .csv, .parquet or .npz file, one row per "
                   "sample")
    p.add_argument("--target", required=True, metavar="COL",
                   help="the column to predict (several, comma-separated: multi-label or "
                        "multi-output)")
    p.add_argument("--task", default="auto",
                   choices=("auto", "binary", "multiclass", "multilabel", "regression"),
                   help="what to learn (default: detected from the target: two values -> "
                        "binary, text or 3-20 integers -> multiclass, several 0/1 columns -> "
                        "multilabel, other numbers -> regression)")
    if hidden == "auto":
        p.add_argument("--hidden", default="auto", metavar="auto|N,N",
                       help="'auto' (default) tries the linear model, 32 and 64,32 relu units "
                            "(with dropout 0.1 and L2 1e-2 below 2,000 training rows) and keeps "
                            "the best on validation rows; N,N trains that network beside the "
                            "linear model; 'none' the linear model alone")
    else:
        p.add_argument("--hidden", default=hidden, metavar="N,N",
                       help=f"hidden relu layer widths (default {hidden}; 'none' for none)")
    p.add_argument("--optimizer", default="adam", help="optimizer name (default adam)")
    p.add_argument("--batch-size", type=_positive_int, default=32, help="default 32")
    p.add_argument("--validation-split", type=_fraction, default=0.2,
                   help="fraction of rows held out for validation (default 0.2; stratified by "
                        "class for classification)")
    p.add_argument("--ignore", metavar="COLS", default=None,
                   help="columns to leave out of the inputs (comma-separated), e.g. an id")
    p.add_argument("--seed", type=int, default=0,
                   help="seed of the split, the initial weights and the shuffling (default 0)")
    if epochs is not None:
        p.add_argument("--epochs", type=_positive_int, default=epochs,
                       help=f"most passes over the training rows (default {epochs})")


def _saved_model_args(parser: argparse.ArgumentParser) -> None:
    """MODEL, DATA and --preprocessing: what evaluate and predict share."""
    parser.add_argument("model", metavar="MODEL", help="model.numnet (or its folder)")
    parser.add_argument("data", metavar="DATA", help="a .csv, .parquet or .npz file")
    parser.add_argument("--preprocessing", metavar="FILE", default=None,
                        help="preprocessing.json (default: next to MODEL)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="numnet", description="Train Keras-style neural networks with numnet.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    demo = sub.add_parser(
        "demo", help="train 784-32-10 with RMSprop on the bundled MNIST and report accuracy",
        description="Train the course's first model (Dense 32 relu, Dense 10 softmax, "
                    "RMSprop(0.001), categorical cross-entropy) on the MNIST sample that ships "
                    "with numnet, then print its test accuracy.")
    demo.add_argument("--epochs", type=int, default=20, help="passes over the data (default 20)")
    demo.add_argument("--batch-size", type=int, default=32, help="batch size (default 32)")
    demo.add_argument("--seed", type=int, default=None, help="random seed for a repeatable run")
    demo.add_argument("--verbose", type=int, default=2, choices=(0, 1, 2),
                      help="0 silent, 1 progress bar, 2 one line per epoch (default)")
    demo.set_defaults(func=_demo)

    train = sub.add_parser(
        "train", help="train a network on a table (CSV / Parquet / .npz)",
        description="Train a dense network on a table and score it honestly. The test rows "
                    "(a held-out split from 5,000 rows up, otherwise the folds of a "
                    "cross-validation) never choose anything: each candidate (the linear model, "
                    "32 and 64-32 relu units) is trained with early stopping on validation rows "
                    "and the one with the lowest validation loss is kept; the linear model and "
                    "the trivial predictor are scored on the same rows beside it. After a "
                    "cross-validation the saved model is the average of the fold models that "
                    "gave the test score. "
                    "Numeric columns are standardized, text "
                    "columns one-hot encoded (statistics from the training rows); the output "
                    "layer and loss follow the task (binary: sigmoid + binary cross-entropy; "
                    "multiclass: logits + sparse categorical cross-entropy from logits; "
                    "multilabel: sigmoids + binary cross-entropy; regression: linear, or relu "
                    "when the target is never negative, + mean squared error on the target "
                    "divided by its standard deviation). Training stops early when the "
                    "validation loss has not improved for --patience epochs and keeps the best "
                    "epoch's weights. Every decision (task, columns used, encoded, filled, "
                    "dropped, class weights) is printed and written to report.json. Writes "
                    "DIR/model.numnet, DIR/preprocessing.json, DIR/report.json (test and "
                    "validation scores: accuracy, or r2 / mae / rmse in the target's units) "
                    "and DIR/history.png (with matplotlib; otherwise a text chart). Refuses "
                    "(exit status 2) fewer than 20 rows, a class of fewer than 5 rows, and an "
                    "existing DIR without --overwrite.")
    _table_args(train, None, hidden="auto")
    train.add_argument("--epochs", type=_positive_int, default=None,
                       help="most passes over the training rows (default 200, or on small "
                            "tables as many as 2,000 optimizer steps take)")
    train.add_argument("--test-split", type=_fraction, default=0.2,
                       help="fraction of rows held out first for the test score, from 5,000 "
                            "rows up (default 0.2; stratified by class)")
    train.add_argument("--folds", type=_positive_int, default=5,
                       help="cross-validation folds below --cv-below rows (default 5)")
    train.add_argument("--repeats", default="auto", metavar="auto|N",
                       help="how many times the cross-validation runs, on new folds each time "
                            "(default auto: 3 below 1,000 rows, 2 below 2,000, else 1); each row "
                            "is then scored by the average of N fold models that never saw it, "
                            "and the saved model averages all of them")
    train.add_argument("--cv-below", type=_positive_int, default=5000, metavar="ROWS",
                       help="below this many rows the test score comes from a cross-"
                            "validation (the saved model: the average of its fold models) "
                            "rather than one held-out split (default 5000: a fifth "
                            "of fewer rows is too few test rows for a score good to about "
                            "±0.02)")
    train.add_argument("--class-weight", default="auto", choices=("auto", "balanced", "none"),
                       help="'auto' (default): balanced class weights when the rarest class has "
                            "under a fifth of the commonest's rows; 'balanced' always; 'none'")
    train.add_argument("--overwrite", action="store_true",
                       help="replace an existing --out folder (it is kept until the new run is "
                            "complete)")
    train.add_argument("--learning-rate", default="default", metavar="auto|X",
                       help="'auto' runs the learning-rate range test first and uses its "
                            "suggestion; a number sets it; default: the optimizer's own "
                            "(0.001 for adam)")
    train.add_argument("--patience", type=_positive_int, default=None,
                       help="epochs without a better validation loss before stopping "
                            "(default 20, stretched as the epochs are on small tables)")
    train.add_argument("--out", metavar="DIR", default=None,
                       help="output folder (default: DATA's name + '_model')")
    train.add_argument("--verbose", type=int, default=0, choices=(0, 1, 2),
                       help="0 summary only (default), 1 progress bar, 2 one line per epoch")
    train.set_defaults(func=_train)

    evaluate = sub.add_parser(
        "evaluate", help="loss and metrics of a trained model on a table",
        description="Apply the saved preprocessing and the model to DATA and print the loss and "
                    "metrics (accuracy; r2, mae, rmse for regression) as JSON.")
    _saved_model_args(evaluate)
    evaluate.add_argument("--target", metavar="COL", default=None,
                          help="the target column(s) in DATA (default: the names trained on)")
    evaluate.add_argument("--out", metavar="FILE", default=None,
                          help="also write the JSON to this file")
    evaluate.set_defaults(func=_evaluate)

    predict = sub.add_parser(
        "predict", help="predictions of a trained model for each row of a table",
        description="Apply the saved preprocessing and the model to DATA; write one row per "
                    "sample: the predicted class and each class's probability, the 0/1 labels "
                    "and their probabilities, or the predicted values.")
    _saved_model_args(predict)
    predict.add_argument("--out", metavar="FILE", default=None,
                         help="CSV file to write (default: standard output)")
    predict.set_defaults(func=_predict)

    lr = sub.add_parser(
        "lr-find", help="the learning-rate range test on a table",
        description="Build the network `numnet train` would, then run the learning-rate range "
                    "test (numnet.tools.lr_find) on the training rows: print the suggestions "
                    "(steepest descent, minimum / 10, valley) and the loss curve.")
    _table_args(lr, None)
    lr.add_argument("--start", type=float, default=1e-7, help="first learning rate (1e-7)")
    lr.add_argument("--end", type=float, default=10.0, help="last learning rate (10)")
    lr.add_argument("--steps", type=int, default=100, help="number of steps (100)")
    lr.add_argument("--out", metavar="FILE", default=None,
                    help="write the plot to this PNG (needs matplotlib)")
    lr.set_defaults(func=_lr_find)

    cmp_ = sub.add_parser(
        "compare", help="compare optimizers or learning rates on a table",
        description="Build the network `numnet train` would and train it from the same initial "
                    "weights with each optimizer / learning rate (numnet.tools.compare), in "
                    "parallel processes; print the table and the curves.")
    _table_args(cmp_, 20)
    cmp_.add_argument("--optimizers", metavar="NAMES", default=None,
                      help="comma-separated optimizer names (default sgd,rmsprop,adam)")
    cmp_.add_argument("--learning-rates", metavar="RATES", default=None,
                      help="comma-separated learning rates (each optimizer at each rate)")
    cmp_.add_argument("--goal", type=float, default=None,
                      help="report the first epoch at which the validation metric reaches this")
    cmp_.add_argument("--jobs", type=_positive_int, default=None,
                      help="worker processes (default: one per configuration, up to the CPUs)")
    cmp_.add_argument("--out", metavar="FILE", default=None,
                      help="write the plot to this PNG (needs matplotlib)")
    cmp_.set_defaults(func=_compare)
    return parser


def main(argv=None) -> int:
    """Run the ``numnet`` command with ``argv`` (default: sys.argv[1:]); returns the exit
    status: 0 done, 2 bad arguments or input."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    if (getattr(args, "epochs", 1) or 1) < 1:
        parser.error("--epochs must be at least 1")
    from numnet.saving import ModelFileError
    from numnet.tools.tabular import DataError

    try:
        return args.func(args)
    except (CLIError, DataError, ModelFileError) as err:
        print(f"numnet {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
