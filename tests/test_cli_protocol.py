"""The protocol of `numnet train`: which rows give which number (hold-out and cross-validation),
the linear and trivial baselines beside the candidates, the choice on validation rows only,
every column decision said in the terminal and report.json, one set of units, history.png."""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_tables import train, write_csv

import numnet
from numnet.cli import main
from numnet.tools import tabular_protocol as protocol

QUICK = ["--epochs", "25", "--patience", "5", "--hidden", "8", "--folds", "3", "--repeats", "1"]


# ----------------------------------------------------------------------------- the pieces


def test_split_is_stratified_and_disjoint():
    keys = np.array(["a"] * 30 + ["b"] * 10, dtype=object)
    rows = np.arange(40)
    kept, held = protocol.split(rows, keys, 0.2, np.random.default_rng(0))
    assert sorted(np.concatenate([kept, held]).tolist()) == list(range(40))
    assert (keys[held] == "a").sum() == 6 and (keys[held] == "b").sum() == 2
    again = protocol.split(rows, keys, 0.2, np.random.default_rng(0))
    np.testing.assert_array_equal(again[1], held)
    # Without classes: round(0.2 * 11) = 2 rows at random.
    kept, held = protocol.split(np.arange(11), None, 0.2, np.random.default_rng(1))
    assert len(held) == 2 and len(kept) == 9


def test_folds_partition_the_rows_and_keep_the_class_shares():
    keys = np.array(["a"] * 20 + ["b"] * 10, dtype=object)
    parts = protocol.folds(30, keys, 5, np.random.default_rng(0))
    assert sorted(np.concatenate(parts).tolist()) == list(range(30))
    for part in parts:
        assert (keys[part] == "a").sum() == 4 and (keys[part] == "b").sum() == 2
    sizes = [len(p) for p in protocol.folds(11, None, 3, np.random.default_rng(0))]
    assert sorted(sizes) == [3, 4, 4]


def test_choose_keeps_the_simpler_candidate_within_two_percent():
    assert protocol.choose([0.50, 0.40, 0.45]) == 1
    assert protocol.choose([0.408, 0.40, 0.45]) == 0  # 0.408 <= 0.40 * 1.02
    assert protocol.choose([0.409, 0.40, 0.401]) == 1
    assert protocol.choose([0.3, 0.3]) == 0


def test_balanced_class_weights_only_when_skewed():
    class Prep:
        classes = ["a", "b"]

    y = np.array([0] * 90 + [1] * 10)
    weights = protocol.class_weights(Prep(), y, "auto")
    assert weights == pytest.approx({0: 100 / (2 * 90), 1: 100 / (2 * 10)})
    assert protocol.class_weights(Prep(), y, "none") is None
    even = np.array([0] * 60 + [1] * 40)
    assert protocol.class_weights(Prep(), even, "auto") is None
    assert protocol.class_weights(Prep(), even, "balanced") == pytest.approx({0: 100 / 120,
                                                                              1: 100 / 80})


def test_candidates_of_the_search():
    names = [c.name for c in protocol.candidates(None, 500)]
    assert names == ["linear", "32 relu (dropout 0.1, L2 0.01)",
                     "64-32 relu (dropout 0.1, L2 0.01)"]
    assert [c.name for c in protocol.candidates(None, 5000)] == ["linear", "32 relu",
                                                                 "64-32 relu"]
    assert [c.hidden for c in protocol.candidates([], 100)] == [()]
    assert [c.hidden for c in protocol.candidates([8, 4], 100)] == [(), (8, 4)]


# ----------------------------------------------------------------------------- hold-out


@pytest.fixture(scope="module")
def regression(tmp_path_factory):
    """300 rows, a target with negative values, trained with a held-out test split."""
    folder = tmp_path_factory.mktemp("regression")
    rng = np.random.default_rng(0)
    x = rng.normal(size=(300, 3))
    y = 40 * x[:, 0] - 20 * x[:, 1] + 10 * np.tanh(2 * x[:, 2]) + rng.normal(size=300) * 5
    path = folder / "reg.csv"
    write_csv(path, ["a", "b", "c", "y"],
              [[f"{v:.6f}" for v in row] + [f"{t:.6f}"] for row, t in zip(x, y)])
    report, stdout = train(path, "--target", "y", "--out", folder / "run", "--cv-below", "100",
                           *QUICK)
    return folder, report, stdout, y


def test_holdout_rows_never_overlap(regression):
    _, report, stdout, y = regression
    rows = report["protocol"]["rows"]
    test, val = set(rows["test_rows"]), set(rows["validation_rows"])
    assert report["protocol"]["protocol"] == "hold-out" and not test & val
    assert rows["test"] == len(test) == 60 and rows["validation"] == len(val) == 48
    assert rows["train"] == 192 and report["model"]["rows"] == 240
    assert "test split of 0.2 held out first" in stdout
    assert f"test r2: {report['metrics']['r2']:.4f} on 60 held-out rows" in stdout


def test_trivial_baseline_scored_on_the_same_rows_by_hand(regression):
    _, report, _, y = regression
    test = np.array(report["protocol"]["rows"]["test_rows"])
    rest = np.setdiff1d(np.arange(len(y)), test)
    mean = y[rest].mean()
    r2 = 1 - ((y[test] - mean) ** 2).sum() / ((y[test] - y[test].mean()) ** 2).sum()
    trivial = report["protocol"]["trivial"]["test"]
    assert trivial["r2"] == pytest.approx(r2, abs=1e-5)
    assert trivial["mae"] == pytest.approx(np.abs(y[test] - mean).mean(), rel=1e-5)


def test_the_choice_uses_validation_losses_only(regression):
    folder, report, stdout, _ = regression
    candidates = report["protocol"]["candidates"]
    assert [c["name"] for c in candidates] == ["linear", "8 relu (dropout 0.1, L2 0.01)"]
    losses = [c["validation"]["loss_round_best"] for c in candidates]
    chosen = candidates[protocol.choose(losses)]
    assert report["protocol"]["chosen"]["name"] == chosen["name"]
    assert report["metrics"]["r2"] == chosen["test"]["r2"]
    assert report["protocol"]["linear_wins"] is (chosen["hidden"] == [])
    model = numnet.models.load_model(folder / "run" / "model.numnet")
    dense = [layer.units for layer in model.layers if hasattr(layer, "units")]
    assert dense == chosen["hidden"] + [1]
    # The terminal's table: every candidate, the trivial predictor, the choice.
    for word in ("linear [baseline]", "8 relu (dropout 0.1, L2 0.01)",
                 "trivial (mean) [baseline]", "<- chosen", "val loss*", "test r2",
                 "* the mean validation loss of the 5 epochs round each candidate's best"):
        assert word in stdout
    assert report["comparison"] in stdout and "linear baseline" in report["comparison"]


def test_one_set_of_units(regression):
    _, report, _, y = regression
    rows = report["protocol"]["rows"]
    test, val = np.array(rows["test_rows"]), np.array(rows["validation_rows"])
    train_rows = np.setdiff1d(np.arange(len(y)), np.concatenate([test, val]))
    scale = y[train_rows].std()
    stopping = report["model"]["early_stopping"]["validation"]
    best = report["best_epoch"]
    # MAE in the history is in the target's units, the loss on the standardized target.
    assert report["history"]["val_mae"][best - 1] == pytest.approx(stopping["mae"], rel=1e-5)
    assert stopping["loss"] == pytest.approx((stopping["rmse"] / scale) ** 2, rel=1e-5)
    assert stopping["mae"] > 1.0 and report["metrics"]["mae"] > 1.0  # y spans about +-100
    assert "standardized target" in report["units"]["loss"]
    assert "target's units" in report["units"]["metrics"]


def test_history_png_marks_the_chosen_epoch(regression):
    pytest.importorskip("matplotlib", reason="plots need matplotlib (the 'plot' extra)")
    from numnet.tools.plots import plot_history

    folder, report, _, _ = regression
    assert (folder / "run" / "history.png").stat().st_size > 10_000
    fig = plot_history(report["history"], best_epoch=report["best_epoch"],
                       labels={"loss": "loss (standardized target)", "mae": "MAE (target units)"})
    loss_ax, mae_ax = fig.axes
    assert loss_ax.get_ylabel() == "loss (standardized target)"
    assert mae_ax.get_ylabel() == "MAE (target units)"
    for ax, key in ((loss_ax, "loss"), (mae_ax, "mae")):
        lines = {line.get_label(): line for line in ax.get_lines()}
        assert list(lines[f"training {key}"].get_ydata()) == report["history"][key]
        assert list(lines[f"validation {key}"].get_ydata()) == report["history"][f"val_{key}"]
        marker = lines[f"chosen epoch ({report['best_epoch']})"]
        assert list(marker.get_xdata()) == [report["best_epoch"]] * 2


# ----------------------------------------------------------------------------- cross-validation


@pytest.fixture(scope="module")
def classes(tmp_path_factory):
    """150 rows of a skewed binary task with every kind of column decision."""
    folder = tmp_path_factory.mktemp("classes")
    rng = np.random.default_rng(1)
    n = 150
    x = rng.normal(size=n)
    color = rng.choice(["red", "green", "blue"], size=n)
    label = np.where(x + (color == "red") * 1.5 > 1.6, "rare", "common")
    rows = []
    for i in range(n):
        rows.append([i + 1,                                   # identifier-like integers
                     "" if i in (5, 17) else f"{x[i]:.5f}",   # two missing numbers
                     "" if i == 9 else color[i],              # a missing category
                     "7",                                     # constant
                     "",                                      # all missing
                     f"name{i}",                              # a different text in every row
                     f"city{i % 60}",                         # 60 categories
                     label[i]])
    path = folder / "skewed.csv"
    write_csv(path, ["row_id", "x", "color", "version", "empty", "name", "city", "label"], rows)
    report, stdout = train(path, "--target", "label", "--out", folder / "run", *QUICK)
    return folder, report, stdout, label


def test_cross_validation_folds_and_their_numbers(classes):
    _, report, stdout, label = classes
    folds = report["protocol"]["folds"]
    assert report["protocol"]["protocol"] == "cross-validation" and len(folds) == 3
    rows = sorted(i for f in folds for i in f["test_rows"])
    assert rows == list(range(150))
    for f in folds:
        names = list(f["candidates"])
        pick = protocol.choose([f["candidates"][c]["validation"]["loss_round_best"]
                                for c in names])
        assert f["chosen"] == names[pick]
        assert f["test"] == f["candidates"][f["chosen"]]["test"]
        assert np.mean(label[f["test_rows"]] == "rare") == pytest.approx(
            np.mean(label == "rare"), abs=0.02)
    scores = np.array([f["test"]["accuracy"] for f in folds])
    assert report["test"]["accuracy"] == pytest.approx(scores.mean(), rel=1e-12)
    assert report["test"]["accuracy_spread"] == pytest.approx(scores.std(ddof=1), rel=1e-9)
    assert report["test"]["folds"] == 3 and "3-fold cross-validation" in stdout
    assert f"(fold scores' sd {report['test']['accuracy_spread']:.4f}) over 3 folds" in stdout
    trivial = [f["trivial"]["accuracy"] for f in folds]
    assert report["protocol"]["trivial"]["test"]["accuracy"] == pytest.approx(np.mean(trivial))


def test_every_column_decision_is_reported(classes):
    folder, report, stdout, _ = classes
    columns = report["columns"]
    dropped = {d["name"]: d["reason"] for d in columns["dropped"]}
    assert set(dropped) == {"row_id", "version", "empty", "name", "city"}
    assert "identifier-like" in dropped["row_id"] and "rise or fall" in dropped["row_id"]
    assert dropped["version"].startswith("constant") and "all missing" in dropped["empty"]
    assert "identifier-like" in dropped["name"] and "too many categories" in dropped["city"]
    assert columns["used"] == ["x", "color"]
    assert columns["encoded"] == {"color": ["blue", "green", "red"]}
    assert list(columns["scaled"]) == ["x"]
    with open(folder / "run" / "preprocessing.json") as f:
        fill = json.load(f)["features"][0]["fill"]
    assert columns["filled"] == {"x": {"cells": 2, "with": fill},
                                 "color": {"cells": 1, "with": "an all-zero one-hot row"}}
    for line in ("dropped 'row_id': identifier-like", "dropped 'city': too many categories",
                 "filled 2 missing cells of 'x' with the training median",
                 "filled 1 missing cell of 'color'", "encoded 'color' one-hot: blue, green, red",
                 "task: binary (the target 'label' holds text with 2 distinct values)"):
        assert line in stdout, line


def test_class_balance_and_weights(classes):
    _, report, stdout, label = classes
    rare = int((label == "rare").sum())
    assert report["class_balance"] == {"common": 150 - rare, "rare": rare}
    assert rare < 0.2 * (150 - rare)  # skewed: balanced weights over the saved model's rows
    assert report["class_weights"] == pytest.approx({"common": 150 / (2 * (150 - rare)),
                                                     "rare": 150 / (2 * rare)})
    assert "class weights: balanced" in stdout
    assert f"classes: common {150 - rare}" in stdout
    assert set(report["metrics"]) == {"accuracy", "balanced_accuracy"}


def test_predict_counts_missing_cells_and_unseen_categories(classes, tmp_path, capsys):
    folder, _, _, _ = classes
    path = tmp_path / "new.csv"
    write_csv(path, ["x", "color"], [["", "purple"], ["0.5", "purple"], ["1.0", ""],
                                     ["", "red"]])
    assert main(["predict", str(folder / "run"), str(path)]) == 0
    captured = capsys.readouterr()
    assert len(captured.out.splitlines()) == 5
    assert "2 missing cells in 'x' filled with the training median" in captured.err
    assert "1 missing cell in 'color' filled with an all-zero one-hot row" in captured.err
    assert "2 cells of 'color' hold categories not seen in training" in captured.err
    assert "'purple' (2)" in captured.err


def test_linear_wins_is_said_and_kept(tmp_path):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(240, 4))
    y = x @ np.array([3.0, -2.0, 1.0, 0.5]) + rng.normal(size=240)
    path = tmp_path / "lin.csv"
    write_csv(path, ["a", "b", "c", "d", "y"],
              [[f"{v:.5f}" for v in row] + [f"{t:.5f}"] for row, t in zip(x, y)])
    report, stdout = train(path, "--target", "y", "--out", tmp_path / "run", "--epochs", "80",
                           "--patience", "10", "--hidden", "8", "--folds", "3", "--repeats", "1",
                           "--learning-rate", "0.01", "--seed", "1")  # linear by 15%+ in each fold
    assert report["protocol"]["linear_wins"] is True
    assert "no network beat the linear baseline on validation rows" in stdout
    assert "kept the linear model" in report["comparison"]
    model = numnet.models.load_model(tmp_path / "run" / "model.numnet")
    # The average of the 3 fold models, each a linear layer.
    assert [layer.units for layer in model.layers if hasattr(layer, "units")] == [1, 1, 1]
    assert report["metrics"]["r2"] > 0.85


def test_small_tables_get_enough_steps_unless_epochs_are_given():
    settings = protocol.Settings(batch_size=32, epochs=200, patience=20, min_steps=2000)
    # 96 rows: 3 steps an epoch, 600 steps in 200 epochs: both limits stretched by 2000 / 600.
    assert settings.limits(96) == (667, 67)
    assert settings.limits(320) == (200, 20)  # 10 steps an epoch: 2,000 steps already
    assert protocol.Settings(epochs=5, patience=2).limits(96) == (5, 2)


def test_units_of_two_targets_of_different_scales(tmp_path):
    rng = np.random.default_rng(7)
    x = rng.normal(size=(200, 2))
    y1, y2 = 1000 * x[:, 0] + rng.normal(size=200) * 100, 0.01 * x[:, 1] - 0.5
    path = tmp_path / "two.csv"
    write_csv(path, ["a", "b", "big", "small"],
              [[f"{p:.6f}", f"{q:.6f}", f"{u:.6f}", f"{v:.8f}"]
               for (p, q), u, v in zip(x, y1, y2)])
    report, _ = train(path, "--target", "big,small", "--out", tmp_path / "run", "--epochs", "8",
                      "--hidden", "none", "--cv-below", "100", "--learning-rate", "0.05")
    stopping = report["model"]["early_stopping"]["validation"]
    best = report["best_epoch"]
    # MAE over both targets in their own units, recorded each epoch from predictions.
    assert report["history"]["val_mae"][best - 1] == pytest.approx(stopping["mae"], rel=1e-6)
    assert stopping["mae"] > 10  # dominated by the target in thousands


def test_smoothed_validation_loss_by_hand():
    losses = [5.0, 4.0, 3.0, 1.0, 3.0, 4.0, 5.0]
    assert protocol.smoothed(losses, 4) == pytest.approx((4 + 3 + 1 + 3 + 4) / 5)
    assert protocol.smoothed(losses, 1) == pytest.approx((5 + 4 + 3) / 3)
    assert protocol.smoothed(losses, 7) == pytest.approx((3 + 4 + 5) / 3)
    assert protocol.smoothed(losses, 4, window=1) == 1.0
