"""How honest is the score `numnet train` reports? Reported test score against the saved model's
score on fresh rows the command never saw, beside scikit-learn's linear model and MLP.

    python bench/tabular_honesty.py                  # every table (several minutes on 2 cores)
    python bench/tabular_honesty.py --tables iris,wine --seeds 3
    python bench/tabular_honesty.py --json out.json  # the rows as JSON too

For each table, rows are cut into training rows (given to `numnet train`, run in this process
through ``numnet.cli.main``) and fresh rows (never seen by the command). The saved model
(model.numnet + preprocessing.json) is scored on the fresh rows with the metric the report gives
(accuracy for classes, R² for regression: ``numnet.tools.tabular.metrics_of``). scikit-learn's
LogisticRegression / Ridge and MLPClassifier / MLPRegressor are fitted on the same training rows
(median / most-frequent imputing, one-hot encoding, standardizing) and scored on the same fresh
rows; "sk best" is the better of the two there (so it flatters scikit-learn, not numnet).

The small tables of scikit-learn (iris 150, wine 178, diabetes 442, breast cancer 569 rows) have
no other rows, so they are split at random 70 / 30 several times (``--seeds``); the mean and
spread of each number over the splits are printed. The larger ones train on a subsample and keep
a large fresh set: Friedman's regression #1 (make_friedman1, 8 columns, noise 1: 2,000 and 20,000
training rows, 20,000 fresh), six synthetic tables with text columns and missing cells (200,
1,000 and 5,000 training rows from make_classification / make_regression, 20,000 fresh rows from the
same draw), and California housing when asked for (``--tables california``: 2,000 and 16,000
training rows, the rest fresh; it needs scikit-learn's download cache or the network).

The fresh score of one split is itself uncertain: its standard error is printed beside the gap
("fresh se": sqrt(p (1 - p) / n) for an accuracy p on n fresh rows; for R², the bootstrap
standard deviation over 200 resamples of the fresh rows). So is the reported one, which comes
from the training rows alone; the summary's "noise se" combines both (:func:`noise`): a gap
within about two of them is what sampling the rows alone gives, whatever the protocol.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import io
import json
import math
import os
import sys
import tempfile
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "src"))


# ----------------------------------------------------------------------------- tables


def _frame(x, y, names, target="target"):
    """(header, rows as lists of cells, kind) with y last."""
    header = list(names) + [target]
    rows = [list(r) + [t] for r, t in zip(x.tolist(), y.tolist())]
    return header, rows


def _with_text_and_holes(x, rng, *, hole_rate=0.08):
    """Numeric columns x, two of them turned into categories (text), missing cells punched."""
    n, d = x.shape
    cells = x.astype(object)
    # Column 0 cut into 5 named bins (its signal survives as a category), column 1 into 3.
    for col, names in ((0, ["a", "b", "c", "d", "e"]), (1, ["low", "mid", "high"])):
        edges = np.quantile(x[:, col], np.linspace(0, 1, len(names) + 1)[1:-1])
        bins = np.searchsorted(edges, x[:, col])
        cells[:, col] = [names[b] for b in bins]
    holes = rng.random((n, d)) < hole_rate
    cells[holes] = ""
    return cells


def synthetic(kind: str, n: int, seed: int):
    from sklearn.datasets import make_classification, make_regression

    rng = np.random.default_rng(seed)
    if kind == "class":
        x, y = make_classification(n_samples=n, n_features=10, n_informative=6, n_redundant=2,
                                   n_classes=3, n_clusters_per_class=2, class_sep=1.0,
                                   flip_y=0.03, random_state=seed)
    else:
        x, y = make_regression(n_samples=n, n_features=10, n_informative=6, noise=20.0,
                               random_state=seed)
        y = y + 0.02 * y ** 2 / 10  # a bent response, so networks have something to find
    cells = _with_text_and_holes(x, rng)
    names = ["colour", "size"] + [f"x{j}" for j in range(2, x.shape[1])]
    return names, cells, y


def load(name: str):
    """(names, cells (object or float array), y, kind) of a named table."""
    from sklearn import datasets

    if name in ("iris", "wine", "breast_cancer", "diabetes"):
        d = getattr(datasets, f"load_{name}")()
        return list(d.feature_names), d.data, d.target, "fixed"
    if name == "california":
        d = datasets.fetch_california_housing()
        return list(d.feature_names), d.data, d.target, "fixed"
    raise KeyError(name)


def write_csv(path, names, cells, y):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(list(names) + ["target"])
        for row, t in zip(cells, y):
            w.writerow([("" if (isinstance(c, float) and math.isnan(c)) else c) for c in row]
                       + [t.item() if hasattr(t, "item") else t])


# ----------------------------------------------------------------------------- numnet


def run_numnet(train_csv: str, out: str, extra=()) -> tuple:
    """Run `numnet train` in this process; (report dict, seconds)."""
    from numnet.cli import main

    start = time.perf_counter()
    with contextlib.redirect_stdout(io.StringIO()):
        rc = main(["train", train_csv, "--target", "target", "--out", out, "--overwrite",
                   *extra])
    seconds = time.perf_counter() - start
    if rc != 0:
        raise RuntimeError(f"numnet train exited {rc} on {train_csv}")
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f), seconds


def score_saved(out: str, fresh_csv: str) -> tuple:
    """(metric value, per-row hits or (truth, predicted)) of the saved model on fresh rows."""
    from numnet import models
    from numnet.tools.tabular import Preprocessor, metrics_of, read_table

    prep = Preprocessor.load(os.path.join(out, "preprocessing.json"))
    model = models.load_model(os.path.join(out, "model.numnet"))
    table = read_table(fresh_csv)
    outputs = model.predict(prep.transform(table), batch_size=4096, verbose=0)
    labels = prep.target_values(table)
    m = metrics_of(prep, outputs, labels)
    if prep.task in ("binary", "multiclass"):
        hits = np.array([p == t for p, t in zip(prep.decode(outputs), labels)], dtype=float)
        return m["accuracy"], hits
    truth = np.asarray(labels, dtype=np.float64).reshape(-1)
    return m["r2"], (truth, np.asarray(prep.decode(outputs), dtype=np.float64).reshape(-1))


def standard_error(detail, rng) -> float:
    if isinstance(detail, np.ndarray):
        p = detail.mean()
        return float(math.sqrt(p * (1 - p) / len(detail)))
    truth, pred = detail
    n, values = len(truth), []
    for _ in range(200):
        i = rng.integers(0, n, n)
        t, p = truth[i], pred[i]
        values.append(1 - ((t - p) ** 2).sum() / max(((t - t.mean()) ** 2).sum(), 1e-300))
    return float(np.std(values, ddof=1))


# ----------------------------------------------------------------------------- scikit-learn


def sklearn_scores(names, cells, y, train, fresh, classify: bool, seed: int) -> dict:
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression, Ridge
    from sklearn.metrics import accuracy_score, r2_score
    from sklearn.neural_network import MLPClassifier, MLPRegressor
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    cells = np.asarray(cells, dtype=object)
    text = [j for j in range(cells.shape[1])
            if any(isinstance(c, str) and c != "" for c in cells[:, j])]
    numeric = [j for j in range(cells.shape[1]) if j not in text]
    num = np.array([[np.nan if c == "" else float(c) for c in row]
                    for row in cells[:, numeric]], dtype=np.float64) if numeric else None
    txt = np.array([["(missing)" if c == "" else str(c) for c in row] for row in cells[:, text]],
                   dtype=object) if text else None
    x = np.concatenate([a for a in (num, txt) if a is not None], axis=1).astype(object)
    k = len(numeric)
    pre = ColumnTransformer([
        ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()),
         list(range(k))),
        ("cat", OneHotEncoder(handle_unknown="ignore"), list(range(k, x.shape[1])))])
    if classify:
        models = {"linear": LogisticRegression(max_iter=5000),
                  "mlp": MLPClassifier(hidden_layer_sizes=(64, 32), max_iter=1000,
                                       early_stopping=len(train) > 1000, random_state=seed)}
        metric = accuracy_score
    else:
        models = {"linear": Ridge(alpha=1.0),
                  "mlp": MLPRegressor(hidden_layer_sizes=(64, 32), max_iter=1000,
                                      early_stopping=len(train) > 1000, random_state=seed)}
        metric = r2_score
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for key, est in models.items():
            pipe = make_pipeline(pre, est)
            yt = y[train] if classify else (y[train] - y[train].mean()) / y[train].std()
            pipe.fit(x[train], yt)
            pred = pipe.predict(x[fresh])
            if not classify:
                pred = pred * y[train].std() + y[train].mean()
            out[key] = float(metric(y[fresh], pred))
    out["best"] = max(out["linear"], out["mlp"])
    return out


# ----------------------------------------------------------------------------- the cases


def cases(selected, seeds: int) -> list:
    """(label, names, cells, y, train rows, fresh rows, classify, seed) for each run."""
    out = []
    for name in ("iris", "wine", "diabetes", "breast_cancer"):
        if name not in selected:
            continue
        names, cells, y, _ = load(name)
        for s in range(seeds):
            rng = np.random.default_rng(1000 + s)
            order = rng.permutation(len(y))
            cut = int(round(0.7 * len(y)))
            out.append((name, names, cells, y, order[:cut], order[cut:], name != "diabetes", s))
    if "california" in selected:
        try:
            names, cells, y, _ = load("california")
        except OSError as err:  # not cached and no network
            print(f"california housing unavailable ({err}); skipped", flush=True)
        else:
            order = np.random.default_rng(7).permutation(len(y))
            for label, n in (("california_2k", 2000), ("california_16k", 16000)):
                out.append((label, names, cells, y, order[:n], order[n:], False, 0))
    if "friedman" in selected:
        from sklearn.datasets import make_friedman1

        x, y = make_friedman1(n_samples=40000, n_features=8, noise=1.0, random_state=5)
        names = [f"x{j}" for j in range(x.shape[1])]
        for label, n in (("friedman_2k", 2000), ("friedman_20k", 20000)):
            out.append((label, names, x, y, np.arange(n), np.arange(20000, 40000), False, 0))
    for label, kind, n in (("synth_class_200", "class", 200), ("synth_class_1k", "class", 1000),
                           ("synth_class_5k", "class", 5000), ("synth_reg_200", "reg", 200),
                           ("synth_reg_1k", "reg", 1000), ("synth_reg_5k", "reg", 5000)):
        if label in selected or "synthetic" in selected:
            names, cells, y = synthetic(kind, n + 20000, seed=11)
            out.append((label, names, cells, y, np.arange(n), np.arange(n, n + 20000),
                        kind == "class", 0))
    if "draws" in selected:  # more draws of the 200-row synthetic tables
        for kind, seeds in (("class", (31, 32, 33)), ("reg", (21, 22, 23))):
            for seed in seeds:
                names, cells, y = synthetic(kind, 20200, seed=seed)
                out.append((f"draw_{kind}_200", names, cells, y, np.arange(200),
                            np.arange(200, 20200), kind == "class", seed))
    return out


ALL = "iris,wine,diabetes,breast_cancer,friedman,synthetic"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", default=ALL,
                        help=f"comma-separated (default {ALL}; also california, which needs "
                             "scikit-learn's download cache or the network, and draws: three "
                             "more draws each of the 200-row synthetic tables)")
    parser.add_argument("--seeds", type=int, default=3, help="random splits of the small tables")
    parser.add_argument("--json", default=None, help="also write the rows to this file")
    parser.add_argument("--extra", default="", help="extra `numnet train` arguments")
    parser.add_argument("--summarize", default=None, metavar="JSON",
                        help="print the summary of rows written by --json, and stop")
    args = parser.parse_args(argv)
    if args.summarize:
        with open(args.summarize) as f:
            print(summary(json.load(f)))
        return 0
    selected = set(args.tables.split(","))
    rows = []
    rng = np.random.default_rng(0)
    with tempfile.TemporaryDirectory() as tmp:
        for label, names, cells, y, train, fresh, classify, seed in cases(selected, args.seeds):
            train_csv = os.path.join(tmp, f"{label}_{seed}_train.csv")
            fresh_csv = os.path.join(tmp, f"{label}_{seed}_fresh.csv")
            write_csv(train_csv, names, np.asarray(cells, dtype=object)[train], y[train])
            write_csv(fresh_csv, names, np.asarray(cells, dtype=object)[fresh], y[fresh])
            out = os.path.join(tmp, f"{label}_{seed}_model")
            report, seconds = run_numnet(train_csv, out, args.extra.split())
            metric = report["metric"]
            fresh_score, detail = score_saved(out, fresh_csv)
            sk = sklearn_scores(names, cells, y, train, fresh, classify, seed)
            row = {"table": label, "split": seed, "train": len(train), "fresh": len(fresh),
                   "metric": metric, "protocol": report["protocol"]["protocol"],
                   "chosen": report["protocol"]["chosen"]["name"],
                   "reported": report["test"][metric],
                   "reported_sd": report["test"].get(metric + "_spread"),
                   "fresh_score": fresh_score, "gap": report["test"][metric] - fresh_score,
                   "fresh_se": standard_error(detail, rng), "sk_linear": sk["linear"],
                   "sk_mlp": sk["mlp"], "sk_best": sk["best"], "seconds": seconds}
            rows.append(row)
            print(f"{label:15s} split {seed}  train {len(train):5d} fresh {len(fresh):5d}  "
                  f"{metric:8s} reported {row['reported']:.4f}  fresh {fresh_score:.4f}  "
                  f"gap {row['gap']:+.4f} (fresh se {row['fresh_se']:.4f})  sk best "
                  f"{sk['best']:.4f} (lin {sk['linear']:.4f}, mlp {sk['mlp']:.4f})  "
                  f"fresh-sk {fresh_score - sk['best']:+.4f}  {row['chosen']}  "
                  f"{seconds:.1f} s", flush=True)
    print()
    print(summary(rows))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    return 0


def noise(row: dict) -> float:
    """The standard error of the gap that sampling alone gives: the fresh score's, and the
    reported score's own, from the rows that gave it: all the training rows (cross-validation:
    each predicted once) or the test split's (hold-out). For an accuracy p on n rows,
    sqrt(p (1 - p) / n); for R², the fresh bootstrap's scaled to n rows (sd ~ 1 / sqrt(n))."""
    n = row["train"] if row["protocol"] == "cross-validation" else round(0.2 * row["train"])
    if row["metric"] == "accuracy":
        p = row["reported"]
        reported = math.sqrt(max(p * (1 - p), 1e-12) / n)
    else:
        reported = row["fresh_se"] * math.sqrt(row["fresh"] / n)
    return math.sqrt(reported ** 2 + row["fresh_se"] ** 2)


def summary(rows: list) -> str:
    """A Markdown table: per table, the mean (and spread over splits) of each number."""
    lines = ["| table | train | fresh | metric | reported | fresh | gap (mean ± sd) | "
             "mean abs gap | noise se | sk best | fresh - sk best | chosen | s |",
             "| --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- "
             "| ---: |"]
    for table in dict.fromkeys(r["table"] for r in rows):
        rs = [r for r in rows if r["table"] == table]

        def mean(key, rs=rs):
            return float(np.mean([r[key] for r in rs]))

        gaps = np.array([r["gap"] for r in rs])
        sd = f" ± {gaps.std(ddof=1):.3f}" if len(gaps) > 1 else ""
        chosen = "; ".join(dict.fromkeys(r["chosen"].split(" (")[0] for r in rs))
        lines.append(
            f"| {table} ({len(rs)} split{'s' * (len(rs) > 1)}) | {rs[0]['train']} | "
            f"{rs[0]['fresh']} | {rs[0]['metric']} | {mean('reported'):.3f} | "
            f"{mean('fresh_score'):.3f} | {gaps.mean():+.3f}{sd} | {np.abs(gaps).mean():.3f} | "
            f"{np.mean([noise(r) for r in rs]):.3f} | {mean('sk_best'):.3f} | "
            f"{mean('fresh_score') - mean('sk_best'):+.3f} | {chosen} | "
            f"{mean('seconds'):.0f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
