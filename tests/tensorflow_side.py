"""The Python that runs TensorFlow for the tests that compare numnet with it (a helper, not a
test file): this one where TensorFlow is installed, else the one named by NUMNET_TF_PYTHON;
the calling test skips, saying so, where neither is."""

from __future__ import annotations

import importlib.util
import os
import sys

import pytest


def tensorflow_python() -> str:
    """The path of a Python that imports TensorFlow; skips the calling test without one."""
    if importlib.util.find_spec("tensorflow") is not None:
        return sys.executable
    python = os.environ.get("NUMNET_TF_PYTHON", "")
    if not python or not os.path.exists(python):
        pytest.skip("needs TensorFlow (in this Python, or one named by NUMNET_TF_PYTHON)")
    return python
