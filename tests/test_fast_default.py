"""The compiled kernels come with a plain install, and numnet runs on NumPy alone without them."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]

# A small fit; prints the warnings about numba it gave and the loss of each epoch.
FIT = """
import sys, json, warnings
if {block}:
    sys.modules["numba"] = None  # as on a machine where numba has no wheel
import numpy as np
import numnet
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    numnet.utils.set_random_seed(0)
    x = np.random.default_rng(0).random((64, 6), dtype=np.float32)
    y = (x.sum(1) > 3).astype("int64")
    model = numnet.Sequential([numnet.Input((6,)), numnet.layers.Dense(8, activation="relu"),
                               numnet.layers.Dense(2, activation="softmax")])
    model.compile("adam", "sparse_categorical_crossentropy")
    losses = model.fit(x, y, epochs=3, batch_size=16, verbose=0, shuffle=False).history["loss"]
    model.fit(x, y, epochs=1, batch_size=16, verbose=0)
print(json.dumps({{"numba_warnings": sum("numba" in str(w.message) for w in caught),
                  "losses": losses}}))
"""


def _fit(block: bool, fused: str) -> dict:
    env = {**os.environ, "NUMNET_FUSED": fused}
    result = subprocess.run([sys.executable, "-c", FIT.format(block=block)], env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_without_numba_numnet_trains_on_numpy_and_says_so_once():
    missing = _fit(block=True, fused="1")
    switched_off = _fit(block=False, fused="0")
    assert missing["numba_warnings"] == 1
    assert switched_off["numba_warnings"] == 0  # NUMNET_FUSED=0 asks for NumPy: nothing to say
    # both take the NumPy path: the same numbers
    assert missing["losses"] == switched_off["losses"]
    assert missing["losses"][-1] < missing["losses"][0]


def test_numba_threadpoolctl_and_scipy_are_core_dependencies():
    tomllib = pytest.importorskip("tomllib")
    path = ROOT / "pyproject.toml"
    if not path.exists():
        pytest.skip("pyproject.toml is not beside the tests (an installed copy)")
    project = tomllib.loads(path.read_text())["project"]
    names = {d.split(";")[0].split(">")[0].split("=")[0].strip() for d in project["dependencies"]}
    assert {"numpy", "numba", "threadpoolctl", "scipy"} <= names
    # the old extra stays, so that `pip install "numnet[fast]"` still works
    assert any(d.startswith("numba") for d in project["optional-dependencies"]["fast"])


def test_import_does_not_load_numba():
    code = "import sys, numnet; print('numba' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=120)
    assert result.stdout.strip() == "False", result.stderr
