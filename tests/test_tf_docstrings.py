"""TensorFlow's own docstring examples (tf.math, tf.linalg, tf.nn, tf.strings, tf.ragged,
tf.sparse, tf.image, tf.signal, tf.data.Dataset, tf.Variable, ...) under ``import numnet as
tf``, compared live with TensorFlow.

TensorFlow runs in a subprocess: the Python that runs the tests when it has TensorFlow, else
the one named by NUMNET_TF_PYTHON; the test skips without either (CI has no TensorFlow). The
examples are read from TensorFlow's docstrings (tests/tf_docstrings.py), so a TensorFlow
upgrade brings its new examples. The examples that cannot agree (random draws, TensorFlow 1
graphs, names numnet leaves out) are listed in KNOWN with the reason; every other example
must give TensorFlow's values (or raise where TensorFlow raises, the same error type).
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys

import pytest
from keras_docstrings import compare
from tensorflow_side import tensorflow_python

HERE = os.path.dirname(os.path.abspath(__file__))

_RANDOM = "draws random numbers: TensorFlow's generator is not numnet's"
_GRAPH = "TensorFlow 1 graphs, tracing output or symbolic tensors (numnet runs eagerly)"
_MISSING = "a TensorFlow name numnet does not provide"
_ELSEWHERE = "a difference outside the tf surface (Tensor / Variable / Dataset core)"
KNOWN = {
    **dict.fromkeys([
        "tf.Module", "tf.image.random_brightness", "tf.image.random_contrast",
        "tf.image.random_hue", "tf.image.random_saturation", "tf.nn.dropout",
        "tf.ones_initializer", "tf.random.Generator", "tf.random.fold_in", "tf.random.normal",
        "tf.random.split", "tf.random.truncated_normal", "tf.random.uniform",
        "tf.random_normal_initializer", "tf.random_uniform_initializer",
        "tf.zeros_initializer", "tf.constant_initializer"], _RANDOM),
    **dict.fromkeys([
        "tf.AggregationMethod", "tf.gradients", "tf.TensorShape", "tf.config.run_functions_eagerly",
        "tf.executing_eagerly", "tf.inside_function", "tf.cond", "tf.while_loop", "tf.shape",
        "tf.unstack", "tf.tuple", "tf.constant", "tf.function", "tf.TensorArray",
        "tf.errors.OperatorNotAllowedInGraphError", "tf.py_function", "tf.Tensor",
        "tf.Tensor.get_shape", "tf.OptionalSpec", "tf.identity", "tf.einsum",
        "tf.numpy_function", "tf.data.Dataset.map", "tf.io.decode_proto",
        "tf.VariableAggregation", "tf.feature_column.numeric_column", "tf.saved_model.save",
        "tf.errors.CancelledError", "tf.data.Dataset.interleave", "tf.data.Dataset",
        "tf.io.RaggedFeature", "tf.io.decode_json_example", "tf.recompute_grad",
        "tf.RaggedTensor.numpy", "tf.io.serialize_tensor", "tf.TensorSpec"], _GRAPH),
    **dict.fromkeys([
        "tf.image.adjust_jpeg_quality", "tf.image.extract_glimpse",
        "tf.image.random_jpeg_quality", "tf.image.stateless_random_jpeg_quality",
        "tf.image.stateless_sample_distorted_bounding_box",
        "tf.linalg.LinearOperatorBlockLowerTriangular", "tf.linalg.LinearOperatorTridiag",
        "tf.ragged.cross",
        "tf.ragged.cross_hashed",
        "tf.random.stateless_parameterized_truncated_normal",
        "tf.signal.inverse_mdct", "tf.sparse.cross",
        "tf.sparse.sampled_addmm", "tf.strings.to_hash_bucket", "tf.type_spec_from_value",
        "tf.IndexedSlices", "tf.data.Dataset.save",
        "tf.data.Dataset.load"], _MISSING),
    **dict.fromkeys([
        "tf.GradientTape.gradient", "tf.Variable", "tf.Variable.ref", "tf.Tensor.ref",
        "tf.data.Dataset.cardinality", "tf.data.Dataset.concatenate",
        "tf.data.Dataset.from_generator", "tf.math.top_k", "tf.gather_nd",
        "tf.debugging.assert_shapes"], _ELSEWHERE),
}


def _run(python: str, *args) -> None:
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
    subprocess.run([python, os.path.join(HERE, "tf_docstrings.py"), *args], check=True,
                   env=env, timeout=300, capture_output=True, cwd=args[-1].rsplit("/", 1)[0])


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    python = tensorflow_python()
    folder = tmp_path_factory.mktemp("tf_docstrings")
    examples = str(folder / "examples.json")
    _run(python, "extract", examples)
    _run(python, "run", "tf", examples, str(folder / "tf.pkl"))
    _run(sys.executable, "run", "numnet", examples, str(folder / "numnet.pkl"))
    with open(examples, encoding="utf-8") as fh:
        names = sorted(json.load(fh))
    with open(folder / "tf.pkl", "rb") as fh:
        want = pickle.load(fh)
    with open(folder / "numnet.pkl", "rb") as fh:
        got = pickle.load(fh)
    return names, want, got


def _difference(want, got) -> str | None:
    if isinstance(want, tuple):  # TensorFlow raised: numnet must raise there, the same type
        if not isinstance(got, tuple):
            return f"numnet ran on; TensorFlow raised {want[2]}"
        if got[3] != want[3] or got[2].split(":")[0] != want[2].split(":")[0]:
            return f"numnet raised {got[2]}; TensorFlow raised {want[2]}"
        return compare(want[1], got[1])
    return compare(want, got[2] if isinstance(got, tuple) else got)


def test_docstring_examples_give_tensorflows_values(results):
    names, want, got = results
    assert len(names) > 300  # the sweep found TensorFlow's examples
    differ = {}
    for name in names:
        if name in KNOWN:
            continue
        message = _difference(want[name], got[name])
        if message:
            differ[name] = message[:300]
    assert not differ, "\n".join(f"{name}: {msg}" for name, msg in differ.items())
