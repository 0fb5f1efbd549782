"""bench/run.py's helpers on tiny sizes: the prediction measurements and their report lines."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "run.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("numnet_bench_run", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tiny_data(rows=96):
    rng = np.random.default_rng(0)
    x = rng.random((rows, 784), dtype=np.float32)
    y = rng.integers(0, 10, rows).astype("int64")
    return x, y, x[:20].copy(), y[:20].copy()


SMALL = {"latency_repeats": 6, "latency_warmup": 1, "rows": 50, "throughput_repeats": 2}


def test_tile_rows(bench):
    x = np.arange(6, dtype=np.float32).reshape(3, 2)
    tiled = bench.tile_rows(x, 7)
    assert tiled.shape == (7, 2) and tiled.flags.c_contiguous
    np.testing.assert_array_equal(tiled[3:6], x)


def test_measure_prediction_keys_and_missing_paths(bench):
    seen = []

    def fn(x):
        seen.append(len(x))
        return x[:, :10]

    xt = np.ones((20, 784), np.float32)
    out = bench.measure_prediction({"call1": fn, "batch": fn}, xt, **SMALL)
    assert out["predict1_ms"] is None
    assert out["call1_ms"] > 0 and out["predict10k_per_s"] > 0
    assert set(seen) == {1, 50}


@pytest.mark.parametrize("peer", ["numnet", "torch", "sklearn"])
def test_runner_predictors(bench, peer):
    if peer != "numnet":
        pytest.importorskip({"torch": "torch", "sklearn": "sklearn"}[peer])
    x, y, xt, yt = tiny_data()
    spec = ((8,), "linear", "sparse_logits", "adam", 32)
    *_, accuracy, predictors = bench.RUNNERS[peer](spec, x, y, xt, yt, 1)
    assert 0 <= accuracy <= 1
    outputs = [np.asarray(predictors[k](xt[:1])) for k in ("predict1", "call1") if k in predictors]
    assert outputs and all(o.shape == (1, 10) for o in outputs)
    np.testing.assert_allclose(outputs[0], outputs[-1], rtol=1e-5, atol=1e-6)
    assert np.asarray(predictors["batch"](bench.tile_rows(xt, 50))).shape == (50, 10)
    out = bench.measure_prediction(predictors, xt, **SMALL)
    assert out["predict10k_per_s"] > 0
    assert (out["predict1_ms"] is None) == (peer == "torch")
    assert (out["call1_ms"] is None) == (peer == "sklearn")


def test_report_line_and_ratios(bench):
    row = {"peer": "torch", "workload": "W1", "import_s": 1.0, "first_s": 2.0, "steady_s": 1.5,
           "steps_per_s": 300.0, "peak_rss_mb": 400.0, "loss": 0.3, "accuracy": 0.9,
           "predict1_ms": None, "call1_ms": 0.05, "predict10k_per_s": 1e6}
    line = bench.row_line(row)
    assert "predict(1) -" in line and "call(1) 0.050ms" in line and "1,000,000/s" in line
    mine = {"predict1_ms": 0.5, "call1_ms": 0.1, "predict10k_per_s": 5e5}
    assert bench.prediction_ratios(mine, row) == [
        "predict(1) 10.00x", "call(1) 2.00x", "predict(10k) 2.00x"]
    # A row from before the prediction keys existed still prints, and gives no ratios.
    old = {k: v for k, v in row.items() if "predict" not in k and k != "call1_ms"}
    assert "predict(1) -" in bench.row_line(old)
    assert bench.prediction_ratios(mine, old) == []


def test_round_ratios_pair_each_round_and_take_the_median(bench):
    rows = [
        {"peer": "numnet", "workload": "W1", "steady_s": 1.0, "round": 0},
        {"peer": "keras", "workload": "W1", "steady_s": 2.0, "round": 0},
        {"peer": "gemm_floor", "workload": "W1", "steady_s": 0.5, "round": 0},
        {"peer": "numnet", "workload": "W1", "steady_s": 3.0, "round": 1},  # a slow round
        {"peer": "keras", "workload": "W1", "steady_s": 4.0, "round": 1},
        {"peer": "gemm_floor", "workload": "W1", "steady_s": 1.0, "round": 1},
        {"peer": "numnet", "workload": "W1", "steady_s": 1.2, "round": 2},
        {"peer": "gemm_floor", "workload": "W1", "steady_s": 0.6, "round": 2},  # keras failed
    ]
    assert bench.round_ratios(rows, "W1", "keras") == [0.5, 0.75]
    assert bench.round_ratios(rows, "W1", "torch") == []
    lines = bench.summary_lines(rows, ["W1", "W2"])
    assert lines == ["  W1: keras 0.62x (0.50 0.75), GEMM floor 2.00x (2.00 3.00 2.00)"]
    single = [r for r in rows if r["round"] == 0]
    assert bench.summary_lines(single, ["W1"]) == ["  W1: keras 0.50x, GEMM floor 2.00x"]


def test_rounds_must_be_positive(bench, capsys):
    with pytest.raises(SystemExit):
        bench.main(["--rounds", "0", "--peers", "numnet"])
    assert "--rounds: expected a positive integer, given 0" in capsys.readouterr().err
