"""bench/run.py's W5-W7 (the convnet and the two text models): their data and their models in
numnet, on a few rows."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import numnet

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "run.py"

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")


@pytest.fixture(scope="module")
def bench():
    if not SCRIPT.exists():
        pytest.skip("bench/ is not beside the tests (an installed copy)")
    spec = importlib.util.spec_from_file_location("numnet_bench_models", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_text_data_is_balanced_and_in_the_vocabulary(bench):
    x, y, xt, yt = bench.load_model_data("W6")
    assert x.shape == (bench.SEQUENCES, bench.SEQUENCE_LENGTH) and x.dtype == np.int32
    assert xt.shape == (bench.TEST_SEQUENCES, bench.SEQUENCE_LENGTH)
    assert 0 <= x.min() and x.max() < bench.VOCABULARY
    assert set(np.unique(y)) == {0.0, 1.0} and 0.45 < y.mean() < 0.55
    again = bench.load_model_data("W7")[0]
    np.testing.assert_array_equal(again, x)  # the same sequences for W6 and W7


def test_image_data(bench):
    x, y, xt, yt = bench.load_model_data("W5")
    assert x.shape[1:] == (28, 28, 1) and x.dtype == np.float32 and len(x) == 3 * len(xt) * 4
    assert 0 <= x.min() and x.max() <= 1 and y.max() == 9


@pytest.mark.parametrize("workload,params", [("W5", 34_826), ("W6", 2_609_473),
                                             ("W7", 1_298_881)])
def test_numnet_models_have_keras_sizes_and_train(bench, workload, params):
    model = bench.build_model_workload(numnet, workload)
    assert model.count_params() == params  # the counts Keras gives for the same models
    x, y, _, _ = bench.load_model_data(workload)
    history = model.fit(x[:64], y[:64], batch_size=32, epochs=2, verbose=0)
    losses = history.history["loss"]
    assert np.isfinite(losses).all() and losses[1] < losses[0]
