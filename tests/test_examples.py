"""Every script in examples/ runs as `python examples/NAME.py` and prints its test accuracy."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
ACCURACY = re.compile(r"test accuracy: (\d+\.\d+)")

# script -> the lowest test accuracy each printed line must reach after 2 epochs
# (the values reached are about 0.89; 0.93, 0.82, 0.93, 0.92; 0.91; 0.98, 0.84, 0.93; 0.49, 0.87;
# 0.88).
EXPECTED = {
    "seed_000_rmsprop_mnist.py": [0.80],
    "seed_001_binary_objects.py": [0.85, 0.70, 0.85, 0.85],
    "seed_002_adam_sparse.py": [0.85],
    "seed_003_workflow.py": [0.95, 0.75, 0.85],
    # 2 epochs of full-batch gradient descent are 2 steps; of mini-batch SGD, 250.
    "full_batch_gradient_descent.py": [0.35, 0.80],
    "mnist_convnet.py": [0.80],
}


def test_every_example_is_tested_and_listed():
    scripts = sorted(p.name for p in EXAMPLES.glob("*.py"))
    assert scripts == sorted(EXPECTED)
    readme = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    for name in scripts:
        assert f"`{name}`" in readme, name


@pytest.mark.parametrize("script", sorted(EXPECTED))
def test_example_runs_and_prints_accuracy(script):
    env = dict(os.environ, NUMNET_EXAMPLE_EPOCHS="2")
    # One BLAS thread: these matrices are small, and a busy machine slows threaded BLAS badly.
    env.setdefault("OPENBLAS_NUM_THREADS", "1")
    env.setdefault("OMP_NUM_THREADS", "1")
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / script)], capture_output=True, text=True, env=env,
        timeout=300, cwd=EXAMPLES.parent,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    assert "Traceback" not in result.stderr
    found = [float(value) for value in ACCURACY.findall(result.stdout)]
    assert len(found) == len(EXPECTED[script]), result.stdout
    for value, lowest in zip(found, EXPECTED[script], strict=True):
        assert lowest <= value <= 1.0, result.stdout
