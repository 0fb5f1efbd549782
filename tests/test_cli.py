"""The numnet command: train on scikit-learn's tables exported to CSV, evaluate / predict from
the saved model and preprocessing (checked against scikit-learn's metrics), bad input with
exit status 2 and nothing written, --help everywhere, the plots and their text fallback."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import pytest

import numnet
from numnet.cli import main

datasets = pytest.importorskip("sklearn.datasets", reason="the acceptance data sets come with "
                               "scikit-learn (the 'test' extra)")
from sklearn import metrics as skm  # noqa: E402


def numnet_cmd(*args, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "numnet", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


def write_csv(path, header, rows) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def export(path, bunch) -> None:
    rows = [[repr(float(v)) for v in features] + [repr(target.item())]
            for features, target in zip(bunch.data, bunch.target)]
    write_csv(path, list(bunch.feature_names) + ["target"], rows)


def is_picture(path, shape) -> None:
    """A PNG of the given size that is not blank."""
    import matplotlib.image

    image = matplotlib.image.imread(path)
    assert image.shape == shape
    assert image[..., :3].std() > 0.05
    assert len(np.unique(image.reshape(-1, image.shape[-1]), axis=0)) > 50


@pytest.fixture(scope="module")
def tables(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tables")
    export(folder / "breast_cancer.csv", datasets.load_breast_cancer())
    export(folder / "wine.csv", datasets.load_wine())
    export(folder / "diabetes.csv", datasets.load_diabetes())
    return folder


# A held-out test split (--cv-below 100) and a short search keep these runs quick; the
# cross-validation protocol has its own tests (test_cli_protocol.py).
QUICK = ["--epochs", "40", "--patience", "8", "--hidden", "16", "--cv-below", "100"]


@pytest.fixture(scope="module")
def trained(tables):
    """`numnet train` on each table (in this process: the command line itself is run as a
    subprocess by the tests of bad input and --help)."""
    import contextlib
    import io

    out = {}
    for name in ("breast_cancer", "wine", "diabetes"):
        stdout = io.StringIO()
        with contextlib.redirect_stdout(stdout):
            status = main(["train", str(tables / f"{name}.csv"), "--target", "target", "--out",
                           str(tables / f"{name}_model"), *QUICK])
        assert status == 0
        folder = tables / f"{name}_model"
        with open(folder / "report.json") as f:
            out[name] = (folder, json.load(f), stdout.getvalue())
    return out


def held_out_csv(tables, name, report):
    """The rows `numnet train` held out for its test score, copied as they are in the file."""
    header, rows = read_csv(tables / f"{name}.csv")
    kept = [rows[i] for i in report["protocol"]["rows"]["test_rows"]]
    path = tables / f"{name}_test.csv"
    write_csv(path, header, kept)
    return path, header, kept


# ----------------------------------------------------------------------------- train


@pytest.mark.parametrize("name, task, metric, threshold", [
    ("breast_cancer", "binary", "accuracy", 0.93),
    ("wine", "multiclass", "accuracy", 0.90),
    ("diabetes", "regression", "r2", 0.30),
])
def test_train_reaches_the_target_quality(trained, name, task, metric, threshold):
    folder, report, stdout = trained[name]
    assert report["task"] == task and report["metric"] == metric
    assert report["metrics"][metric] >= threshold, report["metrics"]
    assert sorted(os.listdir(folder)) == ["history.png", "model.numnet", "preprocessing.json",
                                          "report.json"] if _have_matplotlib() else True
    assert report["epochs"] == len(report["history"]["loss"]) <= 40
    assert 1 <= report["best_epoch"] <= report["epochs"]
    assert report["model"]["epochs"] == report["best_epoch"]
    # The early-stopping run's validation loss is its best epoch's: those weights were kept.
    stopping = report["model"]["early_stopping"]
    val_loss = report["history"]["val_loss"][report["best_epoch"] - 1]
    if not report["hidden"]:  # no weight penalty in the linear model's val_loss
        assert stopping["validation"]["loss"] == pytest.approx(val_loss, rel=1e-4)
    assert report["time_s"] > 0 and report["learning_rate"] == pytest.approx(0.001)
    assert f"test {metric}: {report['metrics'][metric]:.4f} on " in stdout
    if task == "regression":
        assert set(report["metrics"]) == {"r2", "mae", "rmse"}
        assert report["loss_function"] == "mean_squared_error"
    else:
        assert set(report["metrics"]) == {"accuracy", "balanced_accuracy"}


def test_task_and_loss_follow_the_target(trained):
    from numnet.models import load_model

    expected = {"breast_cancer": ("sigmoid", "BinaryCrossentropy", 1, False),
                "wine": ("linear", "SparseCategoricalCrossentropy", 3, True),
                "diabetes": ("relu", "MeanSquaredError", 1, False)}
    for name, (activation, loss, units, from_logits) in expected.items():
        model = load_model(trained[name][0] / "model.numnet")
        last = model.layers[-1]
        assert numnet.activations.serialize(last.activation) == activation
        assert type(model._loss_obj).__name__ == loss and last.units == units
        assert getattr(model._loss_obj, "from_logits", False) is from_logits
        dense = [layer.units for layer in model.layers[:-1] if hasattr(layer, "units")]
        assert dense == trained[name][1]["hidden"] and dense in ([], [16])


def test_split_is_stratified_and_preprocessing_uses_training_rows_only(tables, trained):
    folder, report, _ = trained["breast_cancer"]
    header, rows = read_csv(tables / "breast_cancer.csv")
    values = np.array(rows, dtype=np.float64)
    split = report["protocol"]["rows"]
    test, val = np.array(split["test_rows"]), np.array(split["validation_rows"])
    assert report["protocol"]["protocol"] == "hold-out" and not set(test) & set(val)
    assert len(test) == split["test"] == 113 and report["test"]["rows"] == 113
    y = values[:, -1]
    # round(0.2 * count) of each class in the test rows, then of the rest in validation.
    assert (y[test] == 0).sum() == round(0.2 * (y == 0).sum()) == 42
    assert (y[test] == 1).sum() == round(0.2 * (y == 1).sum()) == 71
    assert (y[val] == 0).sum() == round(0.2 * (212 - 42)) == 34
    assert (y[val] == 1).sum() == round(0.2 * (357 - 71)) == 57
    assert split["train"] + split["validation"] + split["test"] == len(rows)
    # The saved model was trained again on training + validation rows: its preprocessing
    # comes from exactly those rows, never from the test rows.
    train = np.setdiff1d(np.arange(len(rows)), test)
    assert report["model"]["rows"] == len(train)
    with open(folder / "preprocessing.json") as f:
        prep = json.load(f)
    assert prep["task"] == "binary" and prep["classes"] == [0, 1]
    assert [f["name"] for f in prep["features"]] == header[:-1]
    for j, feature in enumerate(prep["features"]):
        column = values[train, j]
        assert feature["kind"] == "numeric"
        assert feature["mean"] == pytest.approx(column.mean(), rel=1e-12)
        assert feature["std"] == pytest.approx(column.std(), rel=1e-12)
        assert feature["fill"] == pytest.approx(np.median(column), rel=1e-12)


@pytest.mark.parametrize("name", ["breast_cancer", "wine", "diabetes"])
def test_evaluate_and_predict_reproduce_the_report(tables, trained, name, tmp_path, capsys):
    """The reported test score is the saved model's score on the held-out rows: evaluate and
    predict on those rows give it again (and scikit-learn's metrics agree)."""
    folder, report, _ = trained[name]
    path, header, rows = held_out_csv(tables, name, report)

    capsys.readouterr()
    assert main(["evaluate", str(folder / "model.numnet"), str(path), "--target",
                 "target"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["samples"] == len(rows) and scores["task"] == report["task"]
    assert scores["loss"] == pytest.approx(report["loss"], rel=1e-9)
    assert scores["inputs"] == {"missing": {}, "unseen": {}}
    for key, value in report["metrics"].items():
        assert scores["metrics"][key] == pytest.approx(value, rel=1e-9, abs=1e-12)

    preds = tmp_path / "preds.csv"
    assert main(["predict", str(folder), str(path), "--out", str(preds)]) == 0
    out_header, out_rows = read_csv(preds)
    assert len(out_rows) == len(rows)
    truth = np.array([float(r[-1]) for r in rows])
    if report["task"] == "regression":
        assert out_header == ["target"]
        predicted = np.array([float(r[0]) for r in out_rows])
        assert skm.r2_score(truth, predicted) == pytest.approx(report["metrics"]["r2"],
                                                                rel=1e-6)
        assert skm.mean_absolute_error(truth, predicted) == pytest.approx(
            report["metrics"]["mae"], rel=1e-6)
        assert np.sqrt(skm.mean_squared_error(truth, predicted)) == pytest.approx(
            report["metrics"]["rmse"], rel=1e-6)
    else:
        classes = sorted({int(t) for t in truth})
        assert out_header == ["target"] + [f"probability_{c}" for c in classes]
        predicted = np.array([int(r[0]) for r in out_rows])
        probabilities = np.array([[float(v) for v in r[1:]] for r in out_rows])
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, atol=1e-6)
        np.testing.assert_array_equal(np.array(classes)[probabilities.argmax(axis=1)],
                                      predicted)
        assert skm.accuracy_score(truth, predicted) == pytest.approx(
            report["metrics"]["accuracy"], rel=1e-12)


def test_evaluate_with_a_renamed_target_and_predict_to_stdout(tables, trained, capsys):
    folder, report, _ = trained["wine"]
    header, rows = read_csv(tables / "wine.csv")
    renamed = tables / "wine_renamed.csv"
    write_csv(renamed, header[:-1] + ["cultivar"], rows)
    assert main(["evaluate", str(folder), str(renamed), "--target", "cultivar"]) == 0
    scores = json.loads(capsys.readouterr().out)
    assert scores["samples"] == 178 and scores["metrics"]["accuracy"] >= 0.9
    # Without --target the trained name is looked for, and is missing.
    assert main(["evaluate", str(folder), str(renamed)]) == 2
    err = capsys.readouterr().err
    assert "no column named 'target'" in err and "wine_renamed.csv" in err
    # predict ignores the extra target column and prints CSV.
    assert main(["predict", str(folder / "model.numnet"), str(renamed)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "target,probability_0,probability_1,probability_2"
    assert len(lines) == 179


def test_learning_rate_auto_and_a_number(tables, tmp_path, capsys):
    out = tmp_path / "auto"
    assert main(["train", str(tables / "wine.csv"), "--target", "target", "--out", str(out),
                 "--learning-rate", "auto", "--hidden", "none", "--epochs", "40",
                 "--cv-below", "100"]) == 0
    printed = capsys.readouterr().out
    with open(out / "report.json") as f:
        report = json.load(f)
    assert report["learning_rate_source"].startswith("lr-find")
    assert f"learning rate: {report['learning_rate']:.3g} (lr-find" in printed
    assert 1e-5 < report["learning_rate"] < 1 and report["metrics"]["accuracy"] >= 0.85
    out = tmp_path / "fixed"
    assert main(["train", str(tables / "wine.csv"), "--target", "target", "--out", str(out),
                 "--learning-rate", "0.01", "--optimizer", "rmsprop", "--hidden", "16",
                 "--epochs", "3", "--cv-below", "100"]) == 0
    with open(out / "report.json") as f:
        report = json.load(f)
    assert report["learning_rate"] == pytest.approx(0.01)
    assert report["learning_rate_source"] == "--learning-rate"
    assert [c["hidden"] for c in report["protocol"]["candidates"]] == [[], [16]]
    assert report["optimizer"] == "rmsprop" and report["epochs"] <= 3
    model = numnet.models.load_model(out / "model.numnet")
    assert isinstance(model.optimizer, numnet.optimizers.RMSprop)
    assert [layer.units for layer in model.layers if hasattr(layer, "units")] == \
        report["hidden"] + [3]


# ----------------------------------------------------------------------------- other kinds of table


def test_text_columns_are_one_hot_encoded_and_text_targets_classified(tmp_path, capsys):
    rng = np.random.default_rng(0)
    colors = rng.choice(["red", "green", "blue"], size=300)
    size = rng.normal(size=300)
    target = np.where((colors == "red") | (size > 1), "yes", "no")
    cells = [repr(float(s)) for s in size]
    for i in (3, 50, 99):
        cells[i] = "" if i != 50 else "NA"  # missing: filled with the training median
    path = tmp_path / "shapes.csv"
    write_csv(path, ["color", "size", "id", "answer"],
              [[c, s, f"id{i}", t] for i, (c, s, t) in enumerate(zip(colors, cells, target))])
    out = tmp_path / "model"
    assert main(["train", str(path), "--target", "answer", "--out", str(out), "--epochs", "30",
                 "--hidden", "none", "--folds", "2", "--repeats", "1", "--learning-rate",
                 "0.03"]) == 0
    with open(out / "report.json") as f:
        report = json.load(f)
    with open(out / "preprocessing.json") as f:
        prep = json.load(f)
    assert report["task"] == "binary" and prep["classes"] == ["no", "yes"]
    assert prep["features"][0] == {"name": "color", "kind": "categorical",
                                   "categories": ["blue", "green", "red"]}
    assert prep["inputs"] == 4  # three colors and the size; the id column is dropped
    assert [d["name"] for d in prep["dropped"]] == ["id"]
    # Cross-validated (300 rows): the saved model is trained on all rows at the end.
    present = [i for i in range(300) if i not in (3, 50, 99)]
    assert prep["features"][1]["fill"] == pytest.approx(np.median(size[present]), rel=1e-12)
    assert prep["features"][1]["mean"] == pytest.approx(size[present].mean(), rel=1e-12)
    assert "identifier" in prep["dropped"][0]["reason"]
    assert report["columns"]["filled"] == {"size": {"cells": 3, "with":
                                                    prep["features"][1]["fill"]}}
    assert report["metrics"]["accuracy"] >= 0.85
    capsys.readouterr()
    new = tmp_path / "new.csv"
    write_csv(new, ["color", "size", "id"], [["red", "0.0", "x"], ["blue", "3.0", "y"],
                                             ["blue", "-2.0", "z"], ["purple", "-2.0", "w"]])
    assert main(["predict", str(out), str(new)]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "answer,probability_no,probability_yes"
    assert [line.split(",")[0] for line in lines[1:4]] == ["yes", "yes", "no"]
    assert len(lines) == 5  # an unseen color still gets a prediction, and is counted
    assert "1 cell of 'color' hold categories not seen in training" in captured.err
    assert "'purple' (1)" in captured.err


def test_several_zero_one_targets_are_multi_label(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.normal(size=(400, 3))
    t1, t2 = (x[:, 0] > 0).astype(int), (x[:, 1] + x[:, 2] > 0).astype(int)
    path = tmp_path / "labels.csv"
    write_csv(path, ["a", "b", "c", "t1", "t2"],
              [[*(repr(float(v)) for v in row), int(p), int(q)] for row, p, q in zip(x, t1, t2)])
    out = tmp_path / "ml"
    assert main(["train", str(path), "--target", "t1,t2", "--out", str(out), "--epochs", "30",
                 "--hidden", "16", "--cv-below", "100", "--learning-rate", "0.01"]) == 0
    with open(out / "report.json") as f:
        report = json.load(f)
    assert report["task"] == "multilabel" and report["targets"] == ["t1", "t2"]
    assert report["metrics"]["accuracy"] >= 0.9
    preds = tmp_path / "preds.csv"
    assert main(["predict", str(out), str(path), "--out", str(preds)]) == 0
    header, rows = read_csv(preds)
    assert header == ["t1", "t2", "probability_t1", "probability_t2"]
    predicted = np.array([[int(r[0]), int(r[1])] for r in rows])
    probabilities = np.array([[float(r[2]), float(r[3])] for r in rows])
    np.testing.assert_array_equal(predicted, (probabilities > 0.5).astype(int))
    assert np.mean(predicted == np.stack([t1, t2], axis=1)) >= 0.9


def test_npz_with_a_matrix_and_a_negative_target(tmp_path):
    rng = np.random.default_rng(2)
    x = rng.normal(size=(300, 4)).astype("float32")
    y = x @ np.array([2.0, -1.0, 0.5, 0.0]) - 3.0
    np.savez(tmp_path / "data.npz", x=x, y=y)
    out = tmp_path / "reg"
    assert main(["train", str(tmp_path / "data.npz"), "--target", "y", "--out", str(out),
                 "--epochs", "40", "--hidden", "none", "--folds", "2", "--repeats", "1",
                 "--learning-rate", "0.03"]) == 0
    with open(out / "report.json") as f:
        report = json.load(f)
    with open(out / "preprocessing.json") as f:
        prep = json.load(f)
    assert report["task"] == "regression" and report["metrics"]["r2"] >= 0.9
    assert [f["name"] for f in prep["features"]] == ["x[0]", "x[1]", "x[2]", "x[3]"]
    # Negative targets: centred on the training rows' mean (all rows: the saved preprocessing
    # of a cross-validation is fitted on them all), scaled by their std, linear outputs (one
    # per fold model, averaged).
    assert prep["center"][0] == pytest.approx(y.mean(), rel=1e-6)
    assert prep["scale"][0] == pytest.approx(y.std(), rel=1e-6)
    model = numnet.models.load_model(out / "model.numnet")
    outputs = [layer for layer in model.layers if hasattr(layer, "units")]
    assert type(model.layers[-1]).__name__ == "Average" and len(outputs) == 2
    assert all(numnet.activations.serialize(d.activation) == "linear" for d in outputs)


def test_parquet(tmp_path, tables):
    pd = pytest.importorskip("pandas", reason="Parquet files are read with pandas (optional)")
    pytest.importorskip("pyarrow", reason="pandas reads Parquet with pyarrow (optional)")
    header, rows = read_csv(tables / "wine.csv")
    frame = pd.DataFrame(np.array(rows, dtype=float), columns=header)
    frame.to_parquet(tmp_path / "wine.parquet")
    out = tmp_path / "pq"
    assert main(["train", str(tmp_path / "wine.parquet"), "--target", "target", "--out",
                 str(out), "--epochs", "50", "--hidden", "16", "--cv-below", "100"]) == 0
    with open(out / "report.json") as f:
        assert json.load(f)["metrics"]["accuracy"] >= 0.9


# ----------------------------------------------------------------------------- bad input


def assert_nothing_written(folder, before) -> None:
    assert sorted(os.listdir(folder)) == before


def test_missing_target_column(tables, tmp_path):
    before = sorted(os.listdir(tmp_path))
    result = numnet_cmd("train", tables / "breast_cancer.csv", "--target", "diagnosis",
                        "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "no column named 'diagnosis'" in result.stderr and "breast_cancer.csv" in result.stderr
    assert "Traceback" not in result.stderr
    assert_nothing_written(tmp_path, before)


def test_non_numeric_junk_in_a_numeric_column(tables, tmp_path):
    header, rows = read_csv(tables / "breast_cancer.csv")
    rows[10][0] = "12.x5"
    path = tmp_path / "junk.csv"
    write_csv(path, header, rows)
    before = sorted(os.listdir(tmp_path))
    result = numnet_cmd("train", path, "--target", "target", "--out", tmp_path / "out")
    assert result.returncode == 2
    assert "column 'mean radius'" in result.stderr and "line 12" in result.stderr
    assert "'12.x5'" in result.stderr and "junk.csv" in result.stderr
    assert_nothing_written(tmp_path, before)


@pytest.mark.parametrize("content, message", [
    ("", "the file is empty"),
    ("\n\n", "the file is empty"),
    ("a,b,target\n", "no data rows"),
    ("a,b,target\n1,2,0\n1,2\n", "line 3 has 2 fields"),
    ("a,a,target\n1,2,0\n", "'a' appears twice"),
])
def test_bad_csv_files(tmp_path, capsys, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    before = sorted(os.listdir(tmp_path))
    assert main(["train", str(path), "--target", "target", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert message in err and "bad.csv" in err and err.startswith("numnet train: error:")
    assert_nothing_written(tmp_path, before)


def test_missing_file_and_bad_options(tmp_path, capsys):
    assert main(["train", str(tmp_path / "nope.csv"), "--target", "y"]) == 2
    assert "nope.csv: no such file" in capsys.readouterr().err
    for option, text in [(["--hidden", "64,x"], "--hidden"),
                         (["--learning-rate", "fast"], "--learning-rate"),
                         (["--optimizer", "adamm"], "unknown optimizer 'adamm'")]:
        assert main(["train", str(tmp_path / "nope.csv"), "--target", "y", *option]) == 2
        assert text in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["train", "data.csv", "--target", "y", "--epochs", "0"])
    assert info.value.code == 2


def test_existing_output_is_kept_when_training_fails(tables, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "report.json").write_text("old")
    result = numnet_cmd("train", tables / "wine.csv", "--target", "colour", "--out", out)
    assert result.returncode == 2
    assert os.listdir(out) == ["report.json"] and (out / "report.json").read_text() == "old"


def test_predict_and_evaluate_errors_name_the_column_or_file(tables, trained, tmp_path, capsys):
    folder = trained["breast_cancer"][0]
    header, rows = read_csv(tables / "breast_cancer.csv")
    missing = tmp_path / "missing.csv"
    write_csv(missing, header[1:], [r[1:] for r in rows[:20]])
    preds = tmp_path / "preds.csv"
    assert main(["predict", str(folder), str(missing), "--out", str(preds)]) == 2
    err = capsys.readouterr().err
    assert "no column named 'mean radius'" in err and "missing.csv" in err
    assert not preds.exists()
    few = tmp_path / "few.csv"
    bad = [list(r) for r in rows[:3]]
    bad[1][2] = "n.a."
    write_csv(few, header, bad)  # 2 of 3 numbers: read as text, refused by the preprocessing
    assert main(["predict", str(folder), str(few), "--out", str(preds)]) == 2
    err = capsys.readouterr().err
    assert "column 'mean perimeter'" in err and "line 3" in err and "'n.a.'" in err
    assert not preds.exists()
    assert main(["evaluate", str(tmp_path / "none.numnet"), str(few)]) == 2
    assert "none.numnet: no such model file" in capsys.readouterr().err


def test_tampered_preprocessing_file_is_refused(trained, tables, tmp_path, capsys):
    folder = tmp_path / "copy"
    shutil.copytree(trained["wine"][0], folder)
    with open(folder / "preprocessing.json") as f:
        spec = json.load(f)
    spec["features"][2]["std"] = -1.0
    with open(folder / "preprocessing.json", "w") as f:
        json.dump(spec, f)
    assert main(["evaluate", str(folder), str(tables / "wine.csv")]) == 2
    err = capsys.readouterr().err
    assert "preprocessing.json: field features[2].std: expected a positive number" in err
    (folder / "preprocessing.json").write_text("{not json")
    assert main(["predict", str(folder), str(tables / "wine.csv")]) == 2
    assert "not valid JSON" in capsys.readouterr().err


# ----------------------------------------------------------------------------- help, import


@pytest.mark.parametrize("command", [[], ["demo"], ["train"], ["evaluate"], ["predict"],
                                     ["lr-find"], ["compare"]])
def test_help_on_every_command(command):
    result = numnet_cmd(*command, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: numnet {' '.join(command)}".rstrip())
    if command and command[0] in ("train", "lr-find", "compare"):
        assert "--target COL" in result.stdout and "--hidden" in result.stdout


def test_import_numnet_does_not_load_the_tools():
    code = ("import sys, numnet; "
            "print(sorted(m for m in sys.modules if m.startswith(('numnet.tools', 'numnet.cli', "
            "'matplotlib', 'sklearn', 'pandas', 'concurrent.futures.process'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip() == "[]", result.stdout + result.stderr
    assert callable(numnet.tools.lr_find) and callable(numnet.tools.compare)


# ----------------------------------------------------------------------------- lr-find, plots


def _have_matplotlib() -> bool:
    from numnet.tools.plots import have_matplotlib

    return have_matplotlib()


def test_history_png(trained):
    pytest.importorskip("matplotlib", reason="plots need matplotlib (the 'plot' extra)")
    folder, report, _ = trained["wine"]
    is_picture(folder / "history.png", (450, 1100, 4))
    from numnet.tools.plots import plot_history

    fig = plot_history(report["history"], best_epoch=report["best_epoch"])
    loss_ax, metric_ax = fig.axes
    assert (loss_ax.get_xlabel(), loss_ax.get_ylabel()) == ("epoch", "loss")
    assert (metric_ax.get_xlabel(), metric_ax.get_ylabel()) == ("epoch", "accuracy")
    lines = {line.get_label(): list(line.get_ydata()) for line in loss_ax.get_lines()}
    assert lines["training loss"] == report["history"]["loss"]
    assert lines["validation loss"] == report["history"]["val_loss"]


def test_lr_find_command(tables, tmp_path, capsys):
    png = tmp_path / "lr.png"
    assert main(["lr-find", str(tables / "breast_cancer.csv"), "--target", "target",
                 "--out", str(png)]) == 0
    out = capsys.readouterr().out
    for word in ("steepest", "minimum / 10", "valley", "<- suggestion"):
        assert word in out
    suggestion = float(next(line for line in out.splitlines() if "<- suggestion" in line)
                       .split()[1])
    assert 1e-5 < suggestion < 1
    if _have_matplotlib():
        is_picture(png, (450, 700, 4))
        assert f"wrote {png}" in out


def test_compare_command(tables, tmp_path, capsys):
    png = tmp_path / "compare.png"
    assert main(["compare", str(tables / "wine.csv"), "--target", "target", "--epochs", "4",
                 "--optimizers", "sgd,adam", "--goal", "0.8", "--jobs", "2",
                 "--out", str(png)]) == 0
    out = capsys.readouterr().out
    assert "SGD lr=0.01" in out and "Adam lr=0.001" in out and "best val_accuracy" in out
    assert "epochs to 0.8" in out and "best: " in out
    if _have_matplotlib():
        is_picture(png, (450, 1100, 4))


def test_text_charts_without_matplotlib(tables, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("numnet.tools.plots.have_matplotlib", lambda: False)
    out = tmp_path / "model"
    assert main(["train", str(tables / "wine.csv"), "--target", "target", "--out", str(out),
                 "--epochs", "5", "--hidden", "none", "--cv-below", "100"]) == 0
    printed = capsys.readouterr().out
    assert "validation loss" in printed and "pip install 'numnet[plot]'" in printed
    assert "chosen epoch=" in printed
    assert sorted(os.listdir(out)) == ["model.numnet", "preprocessing.json", "report.json"]
    with open(out / "report.json") as f:
        assert "matplotlib is not installed" in json.load(f)["history_png"]
    png = tmp_path / "lr.png"
    assert main(["lr-find", str(tables / "wine.csv"), "--target", "target", "--out",
                 str(png)]) == 0
    printed = capsys.readouterr().out
    assert "learning rate (log scale)" in printed and "pip install 'numnet[plot]'" in printed
    assert not png.exists()


def test_compare_on_a_regression_reports_mae_in_the_target_units(tables, capsys):
    assert main(["compare", str(tables / "diabetes.csv"), "--target", "target", "--epochs", "2",
                 "--optimizers", "adam", "--jobs", "1", "--goal", "60"]) == 0
    out = capsys.readouterr().out
    assert "mae: in the target's units" in out
    row = next(line for line in out.splitlines() if line.startswith("Adam lr=0.001"))
    best, epochs_to_goal = float(row.split()[4]), row.split()[6]
    # The diabetes target spans 25..346 (std 77): a standardized MAE would be below 1.
    assert 30 < best < 70 and epochs_to_goal == "1"
