"""Settings shared by the test modules.

With ``NUMNET_DEVICE=gpu`` the engine, optimizer and fit modules run with every array on the GPU
(CuPy, or the strict stand-in in ``tests/device_stand_in`` on machines without one; see
``tests/test_device.py``). NumPy's testing assertions then read device arrays back to the host
before comparing, as a user would with ``.numpy()``; everything else in a test runs as written.
Tests marked ``cpu_only`` check the CPU path itself (its compiled kernels, host allocations and
memory, NumPy-only dtypes) or fork processes, which CUDA does not survive: they skip there, saying
so.
"""

from __future__ import annotations

import os

import numpy.testing
import pytest

ON_GPU = os.environ.get("NUMNET_DEVICE", "").strip().lower() in ("gpu", "cuda")


def _host(value):
    if hasattr(value, "__cuda_array_interface__") or hasattr(
            getattr(value, "value", None), "__cuda_array_interface__"):
        from numnet import backend

        return backend.to_numpy(value)
    return value


def _reading_device_arrays(assertion):
    def assert_on_the_host(actual, desired, *args, **kwargs):
        return assertion(_host(actual), _host(desired), *args, **kwargs)

    assert_on_the_host.__name__ = assertion.__name__
    assert_on_the_host.__doc__ = assertion.__doc__
    return assert_on_the_host


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "cpu_only: checks the CPU path itself or forks; skipped when the suite "
                   "runs on the GPU")


def pytest_collection_modifyitems(config, items):
    if not ON_GPU:
        return
    skip = pytest.mark.skip(reason="CPU only: it checks the CPU path itself (compiled kernels, "
                                   "host allocations or memory, NumPy-only dtypes) or forks, "
                                   "which CUDA does not survive")
    for item in items:
        if item.get_closest_marker("cpu_only") is not None:
            item.add_marker(skip)


if ON_GPU:
    for _name in ("assert_allclose", "assert_array_equal", "assert_array_almost_equal",
                  "assert_almost_equal", "assert_equal", "assert_array_less",
                  "assert_array_max_ulp"):
        setattr(numpy.testing, _name, _reading_device_arrays(getattr(numpy.testing, _name)))


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture
def runs_on_a_device():
    """``runs_on_a_device(module_file)``: the module's tests other than its Keras comparisons
    (named ``keras``) and this check (named ``device``), with NUMNET_DEVICE=gpu against the
    strict stand-in for CuPy (see tests/test_device.py): no NumPy computation on device data.
    For modules outside tests/gpu_suites.txt, whose Keras comparisons read arrays directly."""
    import subprocess
    import sys

    stand_in = os.path.join(ROOT, "tests", "device_stand_in")
    if ON_GPU:
        pytest.skip("this run is already on the GPU")
    if not os.path.isdir(stand_in):
        pytest.skip("needs the source checkout (tests/device_stand_in)")

    def run(module_file: str) -> None:
        env = {**os.environ, "NUMNET_DEVICE": "gpu",
               "PYTHONPATH": os.pathsep.join(filter(None, [stand_in,
                                                           os.environ.get("PYTHONPATH")]))}
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p",
                               "no:cacheprovider", module_file, "-k",
                               "not keras and not device"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
        summary = done.stdout.strip().splitlines()[-1]
        assert " passed" in summary and "failed" not in summary, summary

    return run


@pytest.fixture
def losses_side_by_side():
    """``losses_side_by_side(K, build, x, y, loss, steps, batch=32, learning_rate=0.1)``: the
    model ``build(lib)`` made by Keras (module K) and by numnet from the same initial weights,
    trained with SGD on the same consecutive batches by train_on_batch; (Keras's losses,
    numnet's losses, Keras's model, numnet's model)."""
    import numpy as np

    import numnet

    def run(K, build, x, y, loss, steps, batch=32, learning_rate=0.1):
        K.utils.set_random_seed(3)
        k_model, n_model = build(K), build(numnet)
        k_model.compile(optimizer=K.optimizers.SGD(learning_rate), loss=loss)
        n_model.compile(optimizer=numnet.optimizers.SGD(learning_rate), loss=loss)
        n_model.set_weights(k_model.get_weights())
        k_losses, n_losses = [], []
        for step in range(steps):
            lo = step * batch
            k_losses.append(float(k_model.train_on_batch(x[lo:lo + batch], y[lo:lo + batch])))
            n_losses.append(float(n_model.train_on_batch(x[lo:lo + batch], y[lo:lo + batch])))
        return np.array(k_losses), np.array(n_losses), k_model, n_model

    return run


@pytest.fixture
def fresh_names(monkeypatch):
    """A fresh session of names, as after Keras's clear_session: the first Precision() is
    'precision' again."""
    import collections

    from numnet import naming

    monkeypatch.setattr(naming, "_name_counts", collections.Counter())


@pytest.fixture
def dense_nodes(monkeypatch):
    """[how many dense nodes were built for training]: the stack step builds none; predict and
    validation build theirs without a tape."""
    from numnet.autodiff import ops
    from numnet.autodiff.tensor import grad_enabled

    count = [0]
    original = ops.dense

    def counted(*args, **kwargs):
        count[0] += grad_enabled()
        return original(*args, **kwargs)

    monkeypatch.setattr(ops, "dense", counted)
    return count
