"""The examples in the docstrings of numnet.tf_api run and print what they say."""

import doctest
import importlib

import numpy as np
import pytest

import numnet

MODULES = ["array", "nn", "control", "variables", "linalg", "image", "debugging", "files", "signal",
           "checkpoint", "summary", "testing", "random_ops", "errors", "lookup", "ragged", "tnp"]


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_run(name):
    if name in ("image", "files"):
        pytest.importorskip("PIL")
    module = importlib.import_module(f"numnet.tf_api.{name}")
    result = doctest.testmod(module, extraglobs={"numnet": numnet, "np": np},
                             optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0
