"""The score `numnet train` reports is the saved model's: the fold models of a cross-validation,
mapped onto the shared preprocessing, give the outputs they gave in their fold; the rows that
score a fold never trained or chose anything; and on a table drawn from a known distribution the
reported score lands within its sampling error of the saved model's score on fresh rows."""

from __future__ import annotations

import numpy as np
import pytest
from cli_tables import train, write_csv

from numnet import models
from numnet.tools import tabular_protocol as protocol
from numnet.tools.tabular import Preprocessor, build_model, metrics_of, read_table
from numnet.tools.tabular_ensemble import average_model, input_map, to_shared_outputs


def mixed_rows(n: int, seed: int, task: str) -> list:
    """Rows (x0, x1, colour, y): y = 2 x0 - x1 + colour effect + noise (regression) or its sign
    (binary)."""
    rng = np.random.default_rng(seed)
    x0, x1 = rng.normal(3.0, 2.0, n), rng.normal(-1.0, 0.5, n)
    colour = rng.choice(["red", "green", "blue"], n)
    effect = np.select([colour == "red", colour == "green"], [1.0, -1.0], 0.0)
    z = 2 * (x0 - 3) - 4 * (x1 + 1) + effect + rng.normal(0, 1.0, n)
    y = z + 10 if task == "regression" else (z > 0).astype(int)
    return [[f"{a:.5f}", f"{b:.5f}", c, f"{t:.5f}" if task == "regression" else int(t)]
            for a, b, c, t in zip(x0, x1, colour, y)]


# ----------------------------------------------------------------------------- the mapping


@pytest.mark.parametrize("task", ["regression", "binary", "relu fold, linear whole"])
def test_a_fold_model_on_the_shared_encoding_gives_its_own_outputs(tmp_path, task):
    """Fit preprocessing on 40 rows (one category unseen there), train a 6-relu network on them,
    map it onto preprocessing fitted on all 120 rows: for every row, the mapped model's output
    (one member of average_model) equals the fold model's output on the fold's encoding. The
    third case: the fold's targets are never negative (a relu output, no centring) and the
    whole table's are (a linear output, centred), so the member gets an affine layer after its
    relu."""
    rows = mixed_rows(120, 3, "binary" if task == "binary" else "regression")
    for row in rows[:40]:  # the fold never sees 'blue'
        row[2] = "red" if row[2] == "blue" else row[2]
    if task.startswith("relu"):
        for i, row in enumerate(rows):
            row[3] = f"{abs(float(row[3])) if i < 40 else float(row[3]) - 12:.5f}"
        task = "regression"
    path = tmp_path / "t.csv"
    write_csv(path, ["x0", "x1", "colour", "y"], rows)
    table = read_table(path)
    fold = Preprocessor.fit(table.take(np.arange(40)), ["y"], task)
    shared = Preprocessor.fit(table, ["y"], task)
    assert fold.features[0]["mean"] != pytest.approx(shared.features[0]["mean"])
    if task == "regression":
        assert fold.center != pytest.approx(shared.center)
    model = build_model(fold, (6,))
    x_fold = fold.transform(table.take(np.arange(40)))
    model.fit(x_fold, fold.encode_target(fold.target_values(table.take(np.arange(40)))),
              epochs=3, verbose=0)
    mapped = average_model([(fold, model)], shared, model)
    expected = to_shared_outputs(fold, shared, model.predict(fold.transform(table), verbose=0))
    got = mapped.predict(shared.transform(table), verbose=0)
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-4)
    # 'blue' rows: the fold encodes them as all zeros, and so does the mapping.
    a, c = input_map(fold, shared)
    assert a.shape == (fold.n_inputs, shared.n_inputs) and not c[2:].any()


def test_the_average_of_two_models_is_the_mean_of_their_outputs(tmp_path):
    rows = mixed_rows(60, 4, "regression")
    path = tmp_path / "t.csv"
    write_csv(path, ["x0", "x1", "colour", "y"], rows)
    table = read_table(path)
    prep = Preprocessor.fit(table, ["y"], "regression")
    first, second = build_model(prep, ()), build_model(prep, (4,))
    x = prep.transform(table)
    both = average_model([(prep, first), (prep, second)], prep, first)
    expected = (first.predict(x, verbose=0) + second.predict(x, verbose=0)) / 2
    np.testing.assert_allclose(both.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)
    both.save(tmp_path / "m.numnet")
    again = models.load_model(tmp_path / "m.numnet")
    np.testing.assert_allclose(again.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-5)


# ----------------------------------------------------------------------------- bookkeeping


QUICK = ["--epochs", "20", "--patience", "5", "--hidden", "4", "--folds", "3", "--repeats", "1"]


def test_cross_validation_rows_never_choose_what_they_score(tmp_path):
    path = tmp_path / "t.csv"
    write_csv(path, ["x0", "x1", "colour", "y"], mixed_rows(90, 5, "binary"))
    report, text = train(path, "--target", "y", "--out", tmp_path / "run", *QUICK)
    proto = report["protocol"]
    assert proto["protocol"] == "cross-validation"
    tests = [set(f["test_rows"]) for f in proto["folds"]]
    assert sorted(set().union(*tests)) == list(range(90))
    assert sum(len(t) for t in tests) == 90
    for f, held in zip(proto["folds"], tests):
        train_rows, val_rows = set(f["train_rows"]), set(f["validation_rows"])
        assert not held & train_rows and not held & val_rows and not train_rows & val_rows
        assert len(train_rows | val_rows | held) == 90
    members = report["model"]["members"]
    assert [m["candidate"] for m in members] == [f["chosen"] for f in proto["folds"]]
    assert [m["epochs"] for m in members] == [f["epochs"] for f in proto["folds"]]
    assert report["model"]["name"] == "average of 3 fold models"
    assert "saved model: the average of the 3 fold models" in text
    # The reported accuracy pools the fold models' predictions: with folds of 30 rows it is
    # the mean of the fold accuracies.
    fold_scores = [f["test"]["accuracy"] for f in proto["folds"]]
    assert report["test"]["accuracy"] == pytest.approx(np.mean(fold_scores))


# ----------------------------------------------------------------------------- honesty


def fresh_score(folder, path) -> float:
    prep = Preprocessor.load(folder / "preprocessing.json")
    model = models.load_model(folder / "model.numnet")
    table = read_table(path)
    out = model.predict(prep.transform(table), batch_size=4096, verbose=0)
    return metrics_of(prep, out, prep.target_values(table))[protocol.headline(prep.task)]


@pytest.mark.parametrize("task", ["regression", "binary"])
def test_reported_score_matches_fresh_rows(tmp_path, task):
    """200 training rows and 4,000 fresh rows of the same distribution: the reported test score
    of the saved model (the fold models' average) is within 0.05 of its fresh-row score (the
    cross-validated score of 200 rows has a sampling error of about 0.02-0.03)."""
    rows = mixed_rows(4200, 6, task)
    train_csv, fresh_csv = tmp_path / "train.csv", tmp_path / "fresh.csv"
    write_csv(train_csv, ["x0", "x1", "colour", "y"], rows[:200])
    write_csv(fresh_csv, ["x0", "x1", "colour", "y"], rows[200:])
    report, _ = train(train_csv, "--target", "y", "--out", tmp_path / "run", "--hidden", "none",
                      "--epochs", "60", "--learning-rate", "0.02", "--folds", "4",
                      "--repeats", "1")
    metric = report["metric"]
    reported, fresh = report["test"][metric], fresh_score(tmp_path / "run", fresh_csv)
    assert fresh > (0.9 if task == "regression" else 0.85)
    assert abs(reported - fresh) < 0.05, (reported, fresh)


def test_repeats_hold_every_row_out_once_a_repeat(tmp_path):
    """--repeats 2 with 3 folds: 6 fold models, each row in the test rows of exactly one fold of
    each repeat; the saved model averages all 6; regression reports the average's r2 estimated
    from each row's two out-of-fold predictions beside the r2 measured for them."""
    path = tmp_path / "t.csv"
    write_csv(path, ["x0", "x1", "colour", "y"], mixed_rows(60, 8, "regression"))
    report, text = train(path, "--target", "y", "--out", tmp_path / "run", "--epochs", "10",
                         "--hidden", "none", "--folds", "3", "--repeats", "2",
                         "--learning-rate", "0.05")
    folds = report["protocol"]["folds"]
    assert [(f["repeat"], f["fold"]) for f in folds] == [(r, f) for r in (1, 2)
                                                          for f in (1, 2, 3)]
    for r in (1, 2):
        held = sorted(i for f in folds if f["repeat"] == r for i in f["test_rows"])
        assert held == list(range(60))
    assert folds[0]["test_rows"] != folds[3]["test_rows"]  # new folds each repeat
    assert len(report["model"]["members"]) == 6
    model = models.load_model(tmp_path / "run" / "model.numnet")
    assert len([layer for layer in model.layers if hasattr(layer, "units")]) == 6
    test = report["test"]
    assert test["repeats"] == 2 and "r2_of_r" in test and "estimated" in test["correction"]
    assert "3-fold cross-validation, 2 times on new folds" in text


def test_ensemble_correction_by_hand():
    """y = 0 1 2 3; two out-of-fold predictions a row: 1 1 2 2 and 1 3 2 4. Their means 1 2 2 3
    miss by 1 1 0 0 (squared); their variances (ddof 1) are 0 2 0 2. For an average of 4
    models: squared errors 1, 1 - 2 (1/2 - 1/4) = 0.5, 0, 0 - 0.5 = -0.5: mean 0.25; the
    target's variance 1.25: r2 = 1 - 0.25 / 1.25 = 0.8, rmse 0.5. Measured for the averages of
    2: mean squared error 0.5, r2 0.6."""
    prep = Preprocessor("regression", ["y"], [{"name": "x", "kind": "numeric", "mean": 0.0,
                                               "std": 1.0, "fill": 0.0}], [], None, [0.0],
                        [1.0])
    outputs = [np.array([[1.0], [1.0], [2.0], [2.0]]), np.array([[1.0], [3.0], [2.0], [4.0]])]
    labels = np.array([[0.0], [1.0], [2.0], [3.0]])
    got = protocol.ensemble_correction(prep, outputs, labels, 4)
    assert got["r2"] == pytest.approx(0.8) and got["rmse"] == pytest.approx(0.5)
    assert got["r2_of_r"] == pytest.approx(0.6)
    assert protocol.ensemble_correction(prep, outputs[:1], labels, 4) == {}
    assert [protocol.default_repeats(n) for n in (150, 999, 1000, 1999, 2000)] == [3, 3, 2, 2, 1]


def test_class_ensemble_correction_by_hand():
    """Binary, classes a b; three out-of-fold probabilities of b a row: 0.4 0.4 0.4 (label a),
    0.6 0.3 0.3 (a), 0.6 0.6 0.2 (b), 0.9 0.9 0.9 (b). The mean accuracy over every average of
    k of them: k = 1: (1 + 2/3 + 2/3 + 1) / 4 = 5/6; k = 2: (1 + 1 + 1/3 + 1) / 4 = 5/6;
    k = 3: 3/4 (the third row's mean 0.467 says a). Least squares of a + c / sqrt(k) through
    (1, 5/6), (2, 5/6), (3, 3/4): a = 0.680921, c = 0.163672; at k = 15: 0.723181. Averaging
    hurts here, and the estimate says so (below the 0.75 measured for the averages of 3)."""
    prep = Preprocessor("binary", ["y"], [], [], ["a", "b"])
    outputs = [np.array([[0.4], [0.6], [0.6], [0.9]]), np.array([[0.4], [0.3], [0.6], [0.9]]),
               np.array([[0.4], [0.3], [0.2], [0.9]])]
    got = protocol.ensemble_correction(prep, outputs, ["a", "a", "b", "b"], 15)
    assert got["accuracy"] == pytest.approx(0.723181, abs=1e-6)
    assert got["balanced_accuracy"] == pytest.approx(0.723181, abs=1e-6)  # same recalls here
    assert got["accuracy_of_r"] == pytest.approx(0.75)
    assert "(0.8333, 0.8333, 0.7500)" in got["correction"]
    assert protocol.ensemble_correction(prep, outputs[:1], ["a", "a", "b", "b"], 15) == {}
