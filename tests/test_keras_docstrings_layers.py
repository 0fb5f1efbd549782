"""Keras's docstring examples of layers, callbacks, optimizers, initializers, regularizers,
constraints, utils, models, saving and trainers, under numnet.

Each ``>>>`` example in those Keras packages (every submodule, e.g. ``keras.src.layers.rnn.lstm``
and ``keras.src.layers.preprocessing.image_preprocessing.random_flip``) runs under Keras 3 (JAX
backend, in a subprocess) and under numnet (``import numnet as keras``); every value the example
shows must match: same structure and shape, same dtype family, values to 1e-5 relative / 1e-6
absolute. The harness is ``tests/keras_docstrings.py``; Keras's results are cached in the
temporary folder, so only the first run pays for starting Keras (about 40 s on two busy cores).

An example that fails under Keras itself (a name its docstring never imports, a layer that needs
TensorFlow on the JAX backend, a typo) skips with Keras's error. ``SKIP`` lists examples whose
numbers cannot be compared, and ``XFAIL`` the numnet defects not fixed yet (strict: a fix makes
the test fail until the entry goes). ``tests/test_layers_docstring_defects.py`` pins what the
sweep found and fixed, with Keras's numbers.
"""

from __future__ import annotations

import concurrent.futures
import importlib.util
import os

import keras_docstrings as kd
import pytest

PACKAGES = [
    "keras.src.layers",
    "keras.src.callbacks",
    "keras.src.optimizers",
    "keras.src.initializers",
    "keras.src.regularizers",
    "keras.src.constraints",
    "keras.src.utils",
    "keras.src.models",
    "keras.src.saving",
    "keras.src.trainers",
]

SKIP = {
    ("keras.src.utils.backend_utils", "set_backend"): (
        "it switches Keras's backend to 'jax' and back; numnet has one backend ('numpy') and "
        "refuses set_backend('jax') naming Keras as the way to run on JAX"),
}

_TARGETS = ("numnet refuses targets of shape (5,) for a Dense(10) output (losses.py, outside "
            "these files); Keras accepts them only because batch_size=1 broadcasts (1,) "
            "against (1, 10): with the default batch size its History example fails too")
XFAIL = {
    ("keras.src.callbacks.backup_and_restore", "BackupAndRestore"): _TARGETS,
    ("keras.src.callbacks.early_stopping", "EarlyStopping"): _TARGETS,
}


def _submodules(package: str) -> list[str]:
    """Every non-test module under a Keras package, subpackages included."""
    spec = importlib.util.find_spec("keras")  # reads no Keras code
    root = os.path.dirname(spec.origin)
    folder = os.path.join(root, *package.split(".")[1:])
    found = []
    for dirpath, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("_"))
        module = "keras." + os.path.relpath(dirpath, root).replace(os.sep, ".")
        for fname in sorted(files):
            if fname.endswith(".py") and not fname.endswith("_test.py"):
                found.append(module if fname == "__init__.py" else f"{module}.{fname[:-3]}")
    return found


def _modules() -> list[str]:
    if not kd.keras_available():
        return []
    return [m for package in PACKAGES for m in _submodules(package) if kd.examples(m)]


def _params():
    mods = _modules()
    if not mods:
        return [pytest.param(None, None, marks=pytest.mark.skip(
            reason="Keras 3 and JAX are not installed: no Keras side to compare with"))]
    params = []
    for module in mods:
        for name, _ in kd.examples(module):
            key = (module, name)
            marks = []
            if key in SKIP:
                marks.append(pytest.mark.skip(reason=SKIP[key]))
            if key in XFAIL:
                marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[key]))
            params.append(pytest.param(module, name, marks=marks,
                                       id=f"{module.removeprefix('keras.src.')}:{name}"))
    return params


@pytest.fixture(scope="module")
def results():
    request = {module: None for module in _modules()}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        keras_side = pool.submit(kd.run_many, request, "keras")
        numnet_side = pool.submit(kd.run_many, request, "numnet")
        return keras_side.result(), numnet_side.result()


@pytest.mark.parametrize("module,name", _params())
def test_keras_docstring_example(results, module, name):
    expected, got = results[0][module][name], results[1][module][name]
    if isinstance(expected, str):
        pytest.skip(f"the example does not run under Keras (JAX) either: {expected}")
    msg = kd.compare(expected, got)
    assert msg is None, f"{module}.{name}: {msg}"


def test_the_lists_name_existing_examples():
    # A stale entry (an example Keras renamed or dropped) would silently check nothing.
    mods = _modules()
    if not mods:
        pytest.skip("Keras 3 and JAX are not installed: no examples to list")
    names = {(module, name) for module in mods for name, _ in kd.examples(module)}
    for table in (SKIP, XFAIL):
        assert set(table) <= names, sorted(set(table) - names)


def test_the_sweep_covers_every_package():
    # Each package named in the task contributes examples (or says why it has none).
    mods = _modules()
    if not mods:
        pytest.skip("Keras 3 and JAX are not installed: no examples to list")
    without = {"keras.src.saving": "Keras 3.15's saving carries code blocks, no >>> examples"}
    for package in PACKAGES:
        if package in without:
            continue
        assert any(m == package or m.startswith(package + ".") for m in mods), package
