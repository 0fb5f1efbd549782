"""Live cross-check of the TensorFlow names in tests/tf_crosscheck/surface.py (CTC, tf.image
detection and file functions, tf.strings, tf.bitwise, tf.sets, ExponentialMovingAverage,
tf.experimental.numpy): the script runs once under TensorFlow and once under numnet, and every
value, dtype and error class must agree. TensorFlow runs in a subprocess: the Python running the
tests when it has TensorFlow, else the one named by NUMNET_TF_PYTHON; skipped without either."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from tensorflow_side import tensorflow_python

SCRIPT = Path(__file__).parent / "tf_crosscheck" / "surface.py"
# tnp cases where TensorFlow's tnp fails (AttributeError, InvalidArgumentError) and numnet
# gives NumPy's answer
TF_FAILS = {("tnp", k) for k in ("angle_i", "fixi", "logaddexp2i", "meshgrid", "meshgrid_ij",
                                 "nanprod_i", "nansum_i")}


def run(python: str, which: str, path: Path, env=None) -> dict:
    done = subprocess.run([python, str(SCRIPT), which, str(path)], capture_output=True,
                          text=True, env=env, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    with open(path, "rb") as f:
        return pickle.load(f)


def agree(a, b) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind in "OSUb":
        return np.array_equal(a, b)
    return np.allclose(a, b, rtol=1e-4, atol=1e-4, equal_nan=True)


def test_numnet_gives_tensorflows_results(tmp_path):
    pytest.importorskip("PIL")
    python = tensorflow_python()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    expected = run(python, "tf", tmp_path / "tf.pkl", env=env)
    got = run(sys.executable, "numnet", tmp_path / "numnet.pkl")
    differ = []
    for section, cases in expected.items():
        for key, want in cases.items():
            if (section, key) in TF_FAILS:
                continue
            have = got[section].get(key)
            if have is None or len(have) != len(want) or not all(
                    agree(x, y) for x, y in zip(want, have)):
                differ.append(f"{section}/{key}: TensorFlow {want!r:.300} numnet {have!r:.300}")
    assert not differ, "\n".join(differ)
