"""Keras's docstring examples of ops, activations, losses, metrics, random, tree, under numnet.

Each ``>>>`` example in those Keras modules runs under Keras 3 (JAX backend, in a subprocess)
and under numnet (``import numnet as keras``); every value the example shows must match: same
structure and shape, same dtype family, values to 1e-5 relative / 1e-6 absolute. The harness is
``tests/keras_docstrings.py``; Keras's results are cached in the temporary folder, so only the
first run pays for starting Keras (about a minute and a half on two busy cores).

NumPy's global generator is seeded before each example, so ``np.random`` inputs are the same
on both sides. An example that fails under Keras itself (a name its docstring never imports, a
typo, ``.numpy()`` on a JAX array) skips with Keras's error; those of the last kind listed in
``TF_EXAMPLES`` are compared with Keras on TensorFlow instead, where a TensorFlow environment is
there. ``SKIP`` lists examples whose numbers cannot be compared, ``SHAPE_ONLY`` those compared by
shape and dtype only (inputs from ``keras.random`` without a seed), and ``XFAIL`` the numnet
defects not fixed yet (strict: a fix makes the test fail until the entry goes).
"""

from __future__ import annotations

import os

import keras_docstrings as kd
import pytest

MODULES = [
    "keras.src.ops.numpy",
    "keras.src.ops.nn",
    "keras.src.ops.math",
    "keras.src.ops.linalg",
    "keras.src.ops.core",
    "keras.src.ops.image",
    "keras.src.activations.activations",
    "keras.src.losses.losses",
    "keras.src.random.random",  # its docstrings carry no >>> examples (Keras 3.15)
    "keras.src.tree.tree_api",
]

_UNSEEDED = "its inputs come from unseeded random numbers ({}): only shapes and dtypes compare"
_INT_INPUTS = ("Keras on JAX computes on the integer lists as given and shows {keras}; its "
               "docstring (and float inputs) give {doc}, which numnet gives: "
               "test_ops_docstring_defects checks them")

SHAPE_ONLY = {
    ("keras.src.ops.nn", "psnr"): _UNSEEDED.format("keras.random.normal"),
    ("keras.src.ops.nn", "rms_normalization"): _UNSEEDED.format("keras.random.normal"),
    ("keras.src.ops.nn", "polar"): _UNSEEDED.format("keras.random.normal"),
}

_IOU_INT = ("Keras 3's IoU metrics default to dtype 'int': float sample weights and one-hot "
            "scores are truncated (0.0 where its docstring shows 0.33333334, 0.17361112, "
            "0.07142857, 0.047619034, which numnet gives), and update_state returns the int "
            "confusion matrix")

SKIP = {
    ("keras.src.metrics.probabilistic_metrics", "Poisson"): _INT_INPUTS.format(
        keras="nan", doc="0.49999997 and 0.99999994"),
    ("keras.src.metrics.regression_metrics", "MeanAbsolutePercentageError"): _INT_INPUTS.format(
        keras="nan", doc="250000000.0 and 500000000.0"),
    ("keras.src.metrics.regression_metrics", "LogCoshError"): _INT_INPUTS.format(
        keras="0.80159235 and 0.9100376", doc="0.10844523 and 0.21689038"),
    ("keras.src.metrics.iou_metrics", "IoU"): _IOU_INT,
    ("keras.src.metrics.iou_metrics", "BinaryIoU"): _IOU_INT,
    ("keras.src.metrics.iou_metrics", "OneHotIoU"): _IOU_INT,
    ("keras.src.metrics.iou_metrics", "OneHotMeanIoU"): _IOU_INT,
    ("keras.src.ops.math", "istft"): (
        "Keras's istft trims fft_length // 2 == 0 samples as x[0:-0] and returns an empty "
        "array; its docstring shows [0., 1., 2., 3., 4.], which numnet gives"),
}

XFAIL = {
    ("keras.src.ops.numpy", "diagonal"): (
        "numnet's Tensor has a JAX array's reshape, astype, flatten and ravel methods, not "
        "its diagonal method (x.diagonal(1)); ops.diagonal(x, 1) gives Keras's numbers"),
}

# Examples whose numbers differ by float32 rounding more than 1e-6 absolute.
TOLERANCE = {
    ("keras.src.ops.linalg", "pinv"): {"atol": 1e-5},  # pinv(a) @ a near the identity
}


def _modules():
    if not kd.keras_available():
        return []
    return MODULES + kd.submodules("keras.src.metrics")


@pytest.fixture(scope="module")
def results():
    return kd.both_sides(_modules())


@pytest.mark.parametrize("module,name", kd.params(_modules(), SKIP, XFAIL))
def test_keras_docstring_example(results, module, name):
    expected, got = results[0][module][name], results[1][module][name]
    if isinstance(expected, str):
        pytest.skip(f"the example does not run under Keras (JAX) either: {expected}")
    key = (module, name)
    msg = kd.compare(expected, got, shape_only=key in SHAPE_ONLY, **TOLERANCE.get(key, {}))
    assert msg is None, f"{module}.{name}: {msg}"


def test_the_lists_name_existing_examples():
    # A stale entry (an example Keras renamed or dropped) would silently check nothing.
    mods = _modules()
    if not mods:
        pytest.skip("Keras 3 and JAX are not installed: no examples to list")
    names = {(module, name) for module in mods for name, _ in kd.examples(module)}
    for table in (SKIP, SHAPE_ONLY, XFAIL, TOLERANCE):
        assert set(table) <= names, sorted(set(table) - names)


# Examples that Keras cannot run on JAX (``.numpy()`` on a result, or lists where its JAX ops
# want arrays) but runs on TensorFlow: compared with Keras on TensorFlow, where a TensorFlow
# environment is there.
TF_PYTHON = os.environ.get("NUMNET_TF_PYTHON", "/work/venv-tf/bin/python")
TF_EXAMPLES = {
    "keras.src.ops.numpy": ["bincount"],
    "keras.src.ops.core": ["scatter"],
    "keras.src.metrics.hinge_metrics": ["CategoricalHinge"],
}


@pytest.fixture(scope="module")
def tf_results():
    if not (kd.keras_available() and os.path.exists(TF_PYTHON)):
        pytest.skip(f"no TensorFlow environment at {TF_PYTHON} (NUMNET_TF_PYTHON) or no Keras")
    return (kd.run_many(TF_EXAMPLES, "keras", python=TF_PYTHON, keras_backend="tensorflow"),
            kd.run_many(TF_EXAMPLES, "numnet"))


@pytest.mark.parametrize("module,name", [
    pytest.param(module, name, id=f"{module.removeprefix('keras.src.')}:{name}")
    for module, names in TF_EXAMPLES.items() for name in names])
def test_keras_docstring_example_on_tensorflow(tf_results, module, name):
    expected, got = tf_results[0][module][name], tf_results[1][module][name]
    assert not isinstance(expected, str), f"Keras on TensorFlow raised {expected}"
    msg = kd.compare(expected, got)
    assert msg is None, f"{module}.{name}: {msg}"
