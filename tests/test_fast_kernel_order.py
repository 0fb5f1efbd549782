"""The fused bias + ReLU kernel is asked for first by a convolution (before any Dense step has
loaded the fast path's switch): it must compile then, not be marked unavailable for the rest of
the process (which made later fused paths fall back, and test results depend on test order)."""

import subprocess
import sys

import pytest

pytest.importorskip("numba", reason="the fused kernels are compiled by numba (numnet[fast])")

PROGRAM = """
import numpy as np
import numnet
from numnet.fast import kernels
layer = numnet.layers.Conv2D(4, 3, activation="relu")
layer(np.random.default_rng(0).normal(size=(2, 9, 9, 3)).astype("float32"))
print("COMPILED", bool(kernels._compiled.get("bias_relu", True)))
"""


def test_a_convolution_first_leaves_the_fused_relu_available():
    done = subprocess.run([sys.executable, "-c", PROGRAM], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "COMPILED True" in done.stdout
