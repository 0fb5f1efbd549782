"""What `numnet train / predict / evaluate` refuse: too few rows, a rare class, a text target in a
regression, an existing run folder; oversized or lying files (CSV header, .npz arrays,
preprocessing.json that is not a regular file); a preprocessing.json that does not fit the
model. Each refusal exits 2 with a one-line reason and leaves nothing behind. Also: predicted
labels that a spreadsheet would run as formulas are escaped."""

from __future__ import annotations

import csv
import json
import os
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pytest

from numnet.cli import main
from numnet.tools import tabular_read

FAST = ["--epochs", "3", "--patience", "2", "--hidden", "none", "--folds", "2", "--repeats", "1"]


def write_csv(path, header, rows) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)


def refused(capsys, argv, *words) -> str:
    """Run main(argv); it must exit 2 with one line on stderr holding every word."""
    assert main([str(a) for a in argv]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("numnet "), err
    for word in words:
        assert word in err, err
    return err


def table(path, n, seed=0, classes=("a", "b")):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    labels = [classes[i % len(classes)] for i in range(n)]
    write_csv(path, ["x1", "x2", "y"], [[f"{a:.4f}", f"{b:.4f}", c]
                                        for (a, b), c in zip(x, labels)])
    return path


def test_too_few_rows(tmp_path, capsys):
    before = sorted(os.listdir(tmp_path))
    path = table(tmp_path / "small.csv", 19)
    before = sorted(os.listdir(tmp_path))
    refused(capsys, ["train", path, "--target", "y", "--out", tmp_path / "run"],
            "19 rows are too few", "at least 20")
    assert sorted(os.listdir(tmp_path)) == before


def test_the_four_row_file_of_the_report_is_refused(tmp_path, capsys):
    path = tmp_path / "four.csv"
    path.write_text("a,b,y\n1,x,0\n2,y,1\n3,z,0\n4,w,1\n")
    refused(capsys, ["train", path, "--target", "y", "--out", tmp_path / "run"], "4 rows")
    assert sorted(os.listdir(tmp_path)) == ["four.csv"]


def test_a_class_of_fewer_than_five_rows(tmp_path, capsys):
    path = tmp_path / "rare.csv"
    rng = np.random.default_rng(1)
    rows = [[f"{v:.3f}", "common"] for v in rng.normal(size=40)] + [["0.5", "rare"]] * 4
    write_csv(path, ["x", "y"], rows)
    refused(capsys, ["train", path, "--target", "y", "--out", tmp_path / "run"],
            "'rare' (4 rows)", "fewer than 5 rows")
    assert sorted(os.listdir(tmp_path)) == ["rare.csv"]


def test_text_target_in_a_regression(tmp_path, capsys):
    path = table(tmp_path / "t.csv", 40)
    refused(capsys, ["train", path, "--target", "y", "--task", "regression", "--out",
                     tmp_path / "run"], "'y' holds text", "regression needs numbers")
    assert sorted(os.listdir(tmp_path)) == ["t.csv"]


def test_existing_out_needs_overwrite_and_is_replaced_whole(tmp_path, capsys):
    path = table(tmp_path / "t.csv", 40)
    out = tmp_path / "run"
    out.mkdir()
    (out / "notes.txt").write_text("an earlier run")
    refused(capsys, ["train", path, "--target", "y", "--out", out], "already exists",
            "--overwrite")
    assert os.listdir(out) == ["notes.txt"]
    assert main(["train", str(path), "--target", "y", "--out", str(out), "--overwrite",
                 *FAST]) == 0
    capsys.readouterr()
    assert "notes.txt" not in os.listdir(out) and "report.json" in os.listdir(out)
    # No temporary folder is left beside it.
    assert sorted(os.listdir(tmp_path)) == ["run", "t.csv"]


def test_refusal_from_the_command_line_is_one_line_with_status_2(tmp_path):
    path = table(tmp_path / "small.csv", 10)
    result = subprocess.run([sys.executable, "-m", "numnet", "train", str(path), "--target",
                             "y", "--out", str(tmp_path / "run")], capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert not (tmp_path / "run").exists()


# ----------------------------------------------------------------------------- bounded readers


def test_csv_header_longer_than_the_cap(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(tabular_read, "MAX_HEADER_BYTES", 100)
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(200)) + "\n" + ",".join("1" * 200) + "\n")
    refused(capsys, ["train", path, "--target", "c0"], "header line is longer than 100")


def test_csv_with_too_many_columns_or_cells(tmp_path, capsys, monkeypatch):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"c{i}" for i in range(30)) + "\n" +
                    ("\n".join(",".join("1" * 30) for _ in range(10))) + "\n")
    monkeypatch.setattr(tabular_read, "MAX_COLUMNS", 20)
    refused(capsys, ["train", path, "--target", "c0"], "30 columns, more than 20")
    monkeypatch.setattr(tabular_read, "MAX_COLUMNS", 10_000)
    monkeypatch.setattr(tabular_read, "MAX_CELLS", 200)
    refused(capsys, ["train", path, "--target", "c0"], "more than 200 cells")


def test_data_that_is_not_a_regular_file(tmp_path, capsys):
    if not os.path.exists("/dev/zero"):
        pytest.skip("needs /dev/zero")
    link = tmp_path / "data.csv"
    os.symlink("/dev/zero", link)
    refused(capsys, ["train", link, "--target", "y"], "not a regular file")


def npz_declaring(path, shape) -> None:
    """An .npz whose one member's header declares ``shape`` float64 but holds 8 bytes."""
    import io

    from numpy.lib import format as npy

    buffer = io.BytesIO()
    npy.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False,
                                        "shape": shape})
    buffer.write(b"\0" * 8)
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("x.npy", buffer.getvalue())


def test_npz_header_declaring_more_than_the_member_holds(tmp_path, capsys):
    path = tmp_path / "lie.npz"
    npz_declaring(path, (10 ** 11,))
    refused(capsys, ["train", path, "--target", "x"], "member 'x.npy'", "declares shape",
            "(refused)")


def test_npz_unpacking_past_the_budget(tmp_path, capsys, monkeypatch):
    path = tmp_path / "big.npz"
    np.savez_compressed(path, x=np.zeros(100_000), y=np.zeros(100_000))
    monkeypatch.setattr(tabular_read, "MAX_TABLE_BYTES", 1 << 20)
    refused(capsys, ["train", path, "--target", "y"], "member 'y.npy' unpacks to",
            "(refused)")


def test_npz_with_objects_is_refused(tmp_path, capsys):
    path = tmp_path / "obj.npz"
    np.savez(path, x=np.array([{"a": 1}, None], dtype=object))
    refused(capsys, ["train", path, "--target", "x"], "unpickling")


# ----------------------------------------------------------------------------- predict


@pytest.fixture(scope="module")
def three_classes(tmp_path_factory):
    """A 3-class model whose labels begin with characters that spreadsheets treat as formulas."""
    folder = tmp_path_factory.mktemp("classes")
    rng = np.random.default_rng(3)
    x = rng.normal(size=(60, 2))
    labels = np.array(["=cmd|' /C calc'!A0", "+plus", "@home"])[
        (x[:, 0] > 0).astype(int) + (x[:, 1] > 0.5).astype(int)]
    path = folder / "f.csv"
    write_csv(path, ["x1", "x2", "label"], [[f"{a:.4f}", f"{b:.4f}", c]
                                            for (a, b), c in zip(x, labels)])
    assert main(["train", str(path), "--target", "label", "--out", str(folder / "run"),
                 *FAST]) == 0
    return folder, path


def test_predicted_labels_are_escaped_for_spreadsheets(three_classes, tmp_path, capsys):
    folder, path = three_classes
    capsys.readouterr()
    preds = tmp_path / "p.csv"
    assert main(["predict", str(folder / "run"), str(path), "--out", str(preds)]) == 0
    with open(preds, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["label", "probability_+plus", "probability_=cmd|' /C calc'!A0",
                       "probability_@home"]
    first = {r[0] for r in rows[1:]}
    assert first <= {"'=cmd|' /C calc'!A0", "'+plus", "'@home"}
    assert not any(cell.startswith(("=", "+", "@", "-")) for r in rows[1:] for cell in r[:1])


def test_preprocessing_with_fewer_classes_than_the_model_outputs(three_classes, tmp_path,
                                                                 capsys):
    folder, path = three_classes
    copy = tmp_path / "run"
    shutil.copytree(folder / "run", copy)
    with open(copy / "preprocessing.json") as f:
        spec = json.load(f)
    spec["classes"] = spec["classes"][:2]
    with open(copy / "preprocessing.json", "w") as f:
        json.dump(spec, f)
    capsys.readouterr()
    refused(capsys, ["predict", copy, path], "lists 2 classes", "gives 3 outputs")
    refused(capsys, ["evaluate", copy, path], "lists 2 classes")


def test_preprocessing_json_that_is_not_a_regular_file(three_classes, tmp_path, capsys):
    if not os.path.exists("/dev/zero"):
        pytest.skip("needs /dev/zero")
    folder, path = three_classes
    copy = tmp_path / "run"
    shutil.copytree(folder / "run", copy)
    os.remove(copy / "preprocessing.json")
    os.symlink("/dev/zero", copy / "preprocessing.json")
    capsys.readouterr()
    refused(capsys, ["predict", copy, path], "not a regular file")


def test_predict_on_a_lying_npz(three_classes, tmp_path, capsys):
    folder, _ = three_classes
    path = tmp_path / "new.npz"
    npz_declaring(path, (10 ** 11,))
    capsys.readouterr()
    refused(capsys, ["predict", folder / "run", path], "declares shape")
