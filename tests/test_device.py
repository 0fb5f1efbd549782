"""Devices: choosing NumPy or CuPy (numnet.backend), the errors when a GPU cannot be used, the
source rule that keeps the engine device-neutral, and (on a machine with CuPy and a GPU) the
engine, the optimizers, fit, evaluate and predict run on the GPU against the same run on the CPU.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import numnet
from numnet import backend, layers

pytestmark = pytest.mark.filterwarnings("ignore::numnet.AdviceWarning")

SRC = Path(numnet.__file__).resolve().parent


@pytest.fixture(autouse=True)
def _back_on_the_cpu():
    """Every test starts and ends on the CPU, whatever it did."""
    backend.set_device("cpu")
    yield
    backend.set_device("cpu")


def _fake_cupy(monkeypatch, get_device_count):
    """A module named cupy whose CUDA runtime answers with ``get_device_count``."""
    fake = types.ModuleType("cupy")
    fake.cuda = types.SimpleNamespace(
        runtime=types.SimpleNamespace(getDeviceCount=get_device_count))
    monkeypatch.setitem(sys.modules, "cupy", fake)


# ----------------------------------------------------------------------------- choosing a device


def test_the_default_device_is_the_cpu_with_numpy():
    assert backend.device() == "cpu"
    assert backend.xp is np


def test_set_device_gpu_without_cupy_names_the_install_command(monkeypatch):
    monkeypatch.setitem(sys.modules, "cupy", None)  # import cupy -> ImportError
    with pytest.raises(RuntimeError, match=r"pip install 'numnet\[gpu\]'"):
        backend.set_device("gpu")
    assert backend.device() == "cpu" and backend.xp is np
    assert backend.gpu_available() is False


def test_set_device_gpu_when_cupy_finds_no_gpu(monkeypatch):
    _fake_cupy(monkeypatch, lambda: 0)
    with pytest.raises(RuntimeError, match="found no GPU"):
        backend.set_device("gpu")
    assert backend.xp is np and backend.gpu_available() is False


def test_set_device_gpu_when_the_cuda_runtime_fails(monkeypatch):
    def broken():
        raise OSError("cudaErrorInsufficientDriver: CUDA driver version is insufficient")

    _fake_cupy(monkeypatch, broken)
    with pytest.raises(RuntimeError, match="no usable GPU.*insufficient.*nvidia-smi"):
        backend.set_device("cuda")
    assert backend.device() == "cpu"


@pytest.mark.parametrize("name", ["tpu", "", "gpu0", None, 0])
def test_set_device_rejects_unknown_names(name):
    with pytest.raises(ValueError, match=r"set_device\(name\): expected 'cpu' or 'gpu'") as info:
        backend.set_device(name)
    assert repr(name) in str(info.value)
    assert backend.device() == "cpu"


@pytest.mark.parametrize("name", ["cpu", "CPU", " Cpu "])
def test_set_device_cpu_in_any_case(name):
    backend.set_device(name)
    assert backend.device() == "cpu" and backend.xp is np


def _import_numnet_with(env_value: str, block_cupy: bool) -> subprocess.CompletedProcess:
    code = "import numnet; print(numnet.backend.device())"
    if block_cupy:
        code = "import sys; sys.modules['cupy'] = None; " + code
    env = dict(os.environ, NUMNET_DEVICE=env_value)
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=60)


def test_numnet_device_environment_variable():
    cpu = _import_numnet_with("cpu", block_cupy=True)
    assert cpu.returncode == 0, cpu.stderr
    assert cpu.stdout.strip() == "cpu"
    gpu = _import_numnet_with("gpu", block_cupy=True)
    assert gpu.returncode != 0
    assert "pip install 'numnet[gpu]'" in gpu.stderr
    bad = _import_numnet_with("tpu", block_cupy=True)
    assert bad.returncode != 0
    assert "NUMNET_DEVICE: expected 'cpu' or 'gpu', given 'tpu'" in bad.stderr


def test_to_device_and_to_numpy_on_the_cpu():
    out = backend.to_device([[1, 2], [3, 4]], dtype="float32")
    assert type(out) is np.ndarray and out.dtype == np.float32
    np.testing.assert_array_equal(out, [[1.0, 2.0], [3.0, 4.0]])
    host = np.arange(6.0).reshape(2, 3)
    assert backend.to_device(host) is host  # no copy on the CPU
    tensor = numnet.Tensor(np.float32([1.5, -2.0]))
    got = backend.to_numpy(tensor)
    assert type(got) is np.ndarray
    np.testing.assert_array_equal(got, [1.5, -2.0])


class _DeviceArray:
    """Stands for a CuPy array: it exposes the CUDA array interface and ``get()``."""

    __cuda_array_interface__ = {"shape": (2,), "typestr": "<f4", "version": 3}

    def __init__(self, host):
        self._host = host

    def get(self):
        return self._host.copy()

    def __array__(self, *args, **kwargs):
        raise TypeError("implicit conversion of a device array to NumPy")


def test_device_arrays_come_back_to_the_host_through_get():
    host = np.float32([0.25, 4.0])
    back = backend.to_numpy(_DeviceArray(host))
    assert type(back) is np.ndarray
    np.testing.assert_array_equal(back, host)
    on_cpu = backend.to_device(_DeviceArray(host), dtype="float64")
    assert on_cpu.dtype == np.float64
    np.testing.assert_array_equal(on_cpu, host)


# ----------------------------------------------------------------------------- source rule

ENGINE = ["layers", "losses", "metrics", "optimizers", "autodiff"]  # modules or packages

# Host-side code that may use NumPy itself, and why. Everything else computes through backend.xp.
HOST_FILES = {
    "autodiff/gradcheck.py": "finite-difference checker: a float64 test utility on host copies",
    "fast/updates.py": "numba kernels for the CPU: run() declines anything not numpy.ndarray",
    "fast/kernels.py": "numba kernels for the CPU: taken only for numpy.ndarray arguments",
    "fast/recurrent.py": "whole-sequence kernels for the CPU: applies() declines "
                                   "unless backend.xp is numpy (CuPy runs the per-step path)",
    "layers/lookup.py": "StringLookup / IntegerLookup / CategoryEncoding map tokens (strings, "
                        "Python ints) on the host, as Keras's lookup tables do",
}
HOST_FUNCTIONS = {
    ("layers/quantization.py", "_add"): "copies a quantized weight through the host once, when "
                                        "the layer is quantized, into a new Variable",
    ("layers/quantization.py", "_int4_weights"): "the group index of int4 rows (a small float "
                                                 "arange) is made on the host; _add moves it",
    ("layers/quantization.py", "quantize"): "the group index (a small arange) and the product "
                                            "of axis sizes (Python ints) on the host",
    ("layers/quantization.py", "_to_kernel"): "argsort of an axis permutation (Python ints)",
    ("layers/symbolic.py", "_known_value"): "reads a small integer sample output (a size) on "
                                            "the host while a graph is built",
    ("autodiff/tensor.py", "_compare_text"): "string tensors live on the host (object arrays "
                                             "of bytes); CuPy has no strings",
    ("autodiff/tensor.py", "_joined"): "string tensors live on the host (object arrays of "
                                       "bytes); CuPy has no strings",
    ("optimizers/adam.py", "_step_size"): "the step size is a host scalar of the variable's "
                                          "dtype, as Keras computes it",
    ("autodiff/tensor.py", "__array__"): "NumPy asks for a host array; a scalar string "
                                         "Tensor's value is a host object array",
    ("autodiff/tensor.py", "__repr__"): "formats the value already copied to the host by "
                                        "numpy()",
    ("autodiff/tensor.py", "string_tensor"): "string tensors live on the host (object arrays "
                                             "of bytes); CuPy has no strings",
    ("losses.py", "validate_targets"): "checks the labels on the host before fit moves them",
    ("losses.py", "_is_integral"): "part of validate_targets",
    ("losses.py", "_non_integral_example"): "part of validate_targets (error message)",
    ("layers/preprocessing.py", "_plain"): "writes a layer's config (JSON) on the host",
    ("optimizers/base.py", "_aligned"): "the CPU pack's buffers on a cache line; on the GPU "
                                        "backend.xp allocates them",
    ("layers/preprocessing.py", "array"): "Normalization.adapt reads the user's data on the "
                                          "host, as fit does, and assigns the statistics",
    ("layers/input_spec.py", "assert_input_compatibility"): "reads the shape of a Python "
                                                             "list or number given to a layer",
    ("layers/base.py", "_as_tensors"): "reads a list of Python numbers given to a layer on the "
                                       "host; as_tensor then moves it to the device",
    ("layers/symbolic.py", "_probe_value"): "a sample of text inputs (object arrays exist "
                                            "only on the host)",
    ("layers/symbolic.py", "_run_sample_call"): "np.errstate around a sample call made when a "
                                                "graph is built",
    ("layers/symbolic.py", "_decode"): "rebuilds a graph node's constant arguments from JSON",
    ("layers/embedding.py", "row_sums"): "the NumPy branch (xp is numpy); CuPy takes add.at",
    ("layers/attention.py", "_attend"): "argsort of a tuple of axis numbers (a permutation)",
    ("layers/image.py", "_augment"): "index arrays of a flip, drawn on the host as the seeded "
                                     "generator's numbers are",
    ("layers/image.py", "_transforms"): "the affine parameters of a batch, from the host's "
                                        "seeded draws",
    ("layers/image.py", "rotation_transforms"): "the affine parameters of a batch, from the "
                                                "host's seeded draws",
    ("optimizers/schedules.py", "_steps"): "a schedule's steps given as an array (for plots): "
                                           "host numbers, as each step is",
    ("optimizers/schedules.py", "wrapper"): "a schedule's steps given as an array (for plots)",
    ("autodiff/ops.py", "keras_dtype"): "dtype rules (names, not arrays)",
    ("autodiff/ops.py", "result_type"): "dtype rules (names, not arrays)",
    ("layers/image_augment.py", "_plan"): "CutMix's seeded draws of a batch (box sides, order) "
                                          "on the host; the box mask is built by backend.xp",
    ("layers/image_augment.py", "_draws"): "RandomErasing's seeded draws of a batch (boxes, "
                                           "choices, noise) on the host, then moved",
    ("layers/image_augment_more.py", "_shear_matrices"): "the affine rows of a batch's shears, "
                                                         "host numbers from the seeded draws",
    ("layers/image_augment_more.py", "get_random_transformation"): "an augmentation's seeded "
                                                                   "draws, on the host",
    ("layers/image_color.py", "_blur_kernel"): "the small Gaussian filter of a batch, a host "
                                               "table from the host's seeded sigma draws",
    ("layers/image_color.py", "_blur_1d"): "part of _blur_kernel (a host table)",
    ("layers/pooling_adaptive.py", "_average_matrix"): "a small constant table of window "
                                                       "weights built on the host, then moved",
    ("layers/pooling_adaptive.py", "_window_index"): "a small constant index table built on "
                                                     "the host, then moved",
    ("layers/preprocessing_more.py", "_string_or_integer"): "Hashing's keys (strings, ints) on "
                                                            "the host, to be hashed there",
    ("layers/preprocessing_more.py", "_hash_each"): "hashes strings and ints on the host",
    ("layers/preprocessing_more.py", "_bins"): "Hashing's bins from host hashes of strings",
    ("layers/preprocessing_more.py", "call"): "Hashing / HashedCrossing hash strings and ints "
                                              "on the host (Discretization.call uses xp)",
    ("layers/preprocessing_more.py", "_features"): "HashedCrossing's features (strings, ints) "
                                                   "read on the host",
    ("layers/preprocessing_more.py", "_empty_summary"): "Discretization.adapt's quantile "
                                                        "summary is kept on the host",
    ("layers/preprocessing_more.py", "_summarize"): "Discretization.adapt reads the user's "
                                                    "data on the host, as Normalization.adapt",
    ("layers/preprocessing_more.py", "_compress"): "part of Discretization.adapt (host summary)",
    ("layers/preprocessing_more.py", "update_state"): "part of Discretization.adapt (host "
                                                      "summary)",
    ("layers/text_vectorization.py", "strings_array"): "TextVectorization's text: object "
                                                        "arrays of str exist only on the host",
    ("layers/text_vectorization.py", "documents"): "adapt's tokens (str), a document a "
                                                   "string, on the host",
    ("layers/text_vectorization.py", "_ragged_ids"): "looks str tokens up on the host and "
                                                     "cuts the ids into ragged rows",
    ("layers/text_vectorization.py", "_standardized"): "standardizes str on the host",
    ("layers/text_vectorization.py", "call"): "splits str into tokens and looks them up on the "
                                              "host, as StringLookup does; the ids are moved",
}
# numpy attributes that describe or name things rather than compute on arrays; ``random`` is
# numnet's random generator (backend.rng()), drawn on the host by design and then moved.
HOST_NAMES = {"ndarray", "dtype", "generic", "integer", "floating", "number", "bool_",
              "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
              "finfo", "iinfo", "issubdtype", "shape", "ndim", "random"}


def _numpy_uses(tree: ast.AST):
    """(line, enclosing function, attribute) for each use of the numpy module in ``tree``."""
    aliases = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            aliases |= {a.asname or a.name for a in node.names if a.name == "numpy"}
        elif isinstance(node, ast.ImportFrom) and node.module == "numpy":
            for a in node.names:
                yield node.lineno, None, f"from numpy import {a.name}"
    uses = []

    def visit(node, function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)
                and node.value.id in aliases):
            uses.append((node.lineno, function, node.attr))
        for child in ast.iter_child_nodes(node):
            visit(child, function)

    visit(tree, None)
    yield from uses


def test_engine_modules_compute_through_the_backend_array_module():
    files = []
    for entry in ENGINE:
        package, module = SRC / entry, SRC / f"{entry}.py"
        files += sorted(package.rglob("*.py")) if package.is_dir() else [module]
    assert len(files) >= 10
    offences = []
    for path in files:
        rel = path.relative_to(SRC).as_posix()
        if rel in HOST_FILES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for line, function, name in _numpy_uses(tree):
            if name in HOST_NAMES or (rel, function) in HOST_FUNCTIONS:
                continue
            offences.append(f"{rel}:{line} in {function or '<module>'}: numpy.{name}")
    assert not offences, (
        "These lines compute with NumPy directly, so they would not run on CuPy; use "
        "backend.xp (the array module in use) instead, or, for host-only work, list the "
        "function in HOST_FUNCTIONS with the reason:\n  " + "\n  ".join(offences))


def test_the_source_rule_catches_direct_numpy_computation():
    tree = ast.parse("import numpy as np\n\ndef call(x):\n    return np.exp(x) + np.float32(1)\n")
    found = [(f, name) for _, f, name in _numpy_uses(tree) if name not in HOST_NAMES]
    assert found == [("call", "exp")]
    tree = ast.parse("from numpy import exp\n")
    assert [name for *_, name in _numpy_uses(tree)] == ["from numpy import exp"]


# ----------------------------------------------------------------------------- the stand-in

ROOT = Path(__file__).resolve().parent.parent  # the checkout: tests/ beside src/, or not
GPU_SUITES = [line for line in (ROOT / "tests" / "gpu_suites.txt").read_text().splitlines()
              if line and not line.startswith("#")]


@pytest.mark.skipif(os.environ.get("NUMNET_DEVICE", "").strip().lower() in ("gpu", "cuda"),
                    reason="this run is already on the GPU")
@pytest.mark.skipif(not (ROOT / "tests" / "device_stand_in").is_dir(),
                    reason="needs the source checkout (tests/device_stand_in)")
def test_the_engine_optimizer_and_fit_suites_pass_with_every_array_on_a_device():
    """The modules of tests/gpu_suites.txt with NUMNET_DEVICE=gpu against the strict stand-in
    for CuPy: host data reaching device code, or device data read as NumPy, fails here as it
    would on a GPU. (bench/gpu_check.sh runs the same modules on CuPy itself.)"""
    env = {**os.environ, "NUMNET_DEVICE": "gpu",
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT / "tests" / "device_stand_in"),
                                                       os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                           *GPU_SUITES], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=1200)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    summary = done.stdout.strip().splitlines()[-1]
    assert " passed" in summary and "failed" not in summary, summary


# ----------------------------------------------------------------------------- on a GPU

HAS_CUPY = importlib.util.find_spec("cupy") is not None
GPU_REASON = ("needs CuPy and a GPU (pip install 'numnet[gpu]' on a machine with an NVIDIA GPU)"
              if not HAS_CUPY else "CuPy is installed but finds no GPU on this machine")


@pytest.fixture
def cupy():
    """CuPy with numnet on the GPU; skipped, with the reason, on machines without one."""
    if not HAS_CUPY or not backend.gpu_available():
        pytest.skip(GPU_REASON)
    import cupy as cp

    backend.set_device("gpu")
    yield cp
    backend.set_device("cpu")


def _mnist(n: int):
    (x, y), _ = numnet.datasets.mnist.load_data(bundled=True)
    return (x[:n].reshape(n, 784) / 255.0).astype("float32"), y[:n].astype("int64")


def _mlp(weights=None, hidden=(128,), optimizer="sgd", seed=3) -> numnet.Sequential:
    """784-hidden-10 with softmax outputs; the given initial weights, else seeded ones."""
    backend.set_random_seed(seed)
    model = numnet.Sequential([layers.Input((784,))]
                              + [layers.Dense(h, activation="relu") for h in hidden]
                              + [layers.Dense(10, activation="softmax")])
    if weights is not None:
        model.set_weights(weights)
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def _on_cpu_then_gpu(run):
    """run() on the CPU, then on the GPU; both results."""
    backend.set_device("cpu")
    cpu = run()
    backend.set_device("gpu")
    return cpu, run()


def test_gpu_arrays_stay_on_the_device_and_come_back_as_numpy(cupy):
    a = backend.to_device(np.arange(6, dtype="float32").reshape(2, 3))
    assert isinstance(a, cupy.ndarray)
    back = backend.to_numpy(a)
    assert type(back) is np.ndarray
    np.testing.assert_array_equal(back, np.arange(6, dtype="float32").reshape(2, 3))
    t = numnet.Tensor(a)
    assert type(t.numpy()) is np.ndarray


def test_gpu_engine_gradients_match_the_cpu(cupy):
    """One SGD step at learning rate 1 gives w - g: the gradients of every weight, compared."""
    x, y = _mnist(64)
    start = _mlp(hidden=(32, 16)).get_weights()

    def gradients():
        model = _mlp(start, hidden=(32, 16), optimizer=numnet.optimizers.SGD(1.0))
        model.train_on_batch(x, y)
        return [w0 - w1 for w0, w1 in zip(start, model.get_weights())]

    cpu, gpu = _on_cpu_then_gpu(gradients)
    assert max(float(np.abs(g).max()) for g in cpu) > 1e-3
    for c, g in zip(cpu, gpu):
        np.testing.assert_allclose(g, c, rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize("name", ["sgd", "rmsprop", "adam", "adagrad"])
def test_gpu_optimizers_match_the_cpu_and_keep_their_state_there(cupy, name):
    x, y = _mnist(128)
    start = _mlp(hidden=(32,)).get_weights()

    def three_steps():
        model = _mlp(start, hidden=(32,), optimizer=name)
        for lo in (0, 32, 64):
            model.train_on_batch(x[lo:lo + 32], y[lo:lo + 32])
        state = [v.value for v in model.optimizer.variables]
        return model.get_weights(), state

    (cpu_w, _), (gpu_w, gpu_state) = _on_cpu_then_gpu(three_steps)
    for c, g in zip(cpu_w, gpu_w):
        np.testing.assert_allclose(g, c, rtol=1e-4, atol=1e-5)
    assert all(isinstance(s, cupy.ndarray) for s in gpu_state)


def test_gpu_fit_784_128_10_matches_the_cpu_and_predict_returns_numpy(cupy):
    x, y = _mnist(1024)
    start = _mlp(optimizer="adam").get_weights()

    def train():
        backend.set_random_seed(11)  # the same shuffling on both devices
        model = _mlp(start, optimizer="adam")
        history = model.fit(x, y, batch_size=128, epochs=2, verbose=0)
        weights_on_device = [w.value for w in model.weights]
        return model, history.history, weights_on_device

    (cpu_model, cpu_h, _), (gpu_model, gpu_h, gpu_weights) = _on_cpu_then_gpu(train)
    np.testing.assert_allclose(gpu_h["loss"], cpu_h["loss"], rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(gpu_h["accuracy"], cpu_h["accuracy"], atol=2 / 1024)
    assert cpu_h["loss"][1] < cpu_h["loss"][0]
    assert all(isinstance(w, cupy.ndarray) for w in gpu_weights)
    slots = [v.value for v in gpu_model.optimizer.variables]
    assert all(isinstance(s, cupy.ndarray) for s in slots)
    pred = gpu_model.predict(x[:200], verbose=0)
    assert type(pred) is np.ndarray and pred.shape == (200, 10)
    backend.set_device("cpu")
    np.testing.assert_allclose(pred, cpu_model.predict(x[:200], verbose=0), atol=1e-4)
    backend.set_device("gpu")
    loss, accuracy = gpu_model.evaluate(x, y, verbose=0)
    backend.set_device("cpu")
    cpu_loss, cpu_accuracy = cpu_model.evaluate(x, y, verbose=0)
    assert abs(loss - cpu_loss) < 1e-4 and abs(accuracy - cpu_accuracy) <= 2 / 1024


# Each GPU kernel and setting of fast/updates_cuda.py: (optimizer, options).
GPU_KERNEL_CASES = [
    ("sgd", {}), ("sgd", {"momentum": 0.9}), ("sgd", {"momentum": 0.9, "nesterov": True}),
    ("rmsprop", {}), ("rmsprop", {"centered": True}), ("rmsprop", {"momentum": 0.5}),
    ("rmsprop", {"centered": True, "momentum": 0.5}),
    ("adam", {}), ("adam", {"amsgrad": True}),
]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,options", GPU_KERNEL_CASES)
def test_gpu_optimizer_kernels_match_the_array_path(cupy, name, options, dtype):
    """One launch per step (fast/updates_cuda.py) against the same optimizer's array operations on
    the GPU: five steps on a pack of two variables, slots and weights compared."""
    from numnet.autodiff.tensor import Variable
    from numnet.fast import updates as fused
    from numnet.fast import updates_cuda as cuda

    rng = np.random.default_rng(4)
    shapes = [(37, 5), (5,)]
    start = [rng.normal(size=s).astype(dtype) for s in shapes]
    grads = [[cupy.asarray(rng.normal(size=s).astype(dtype)) for s in shapes] for _ in range(5)]

    def five_steps(kernels: bool):
        fused.set_enabled(kernels)
        try:
            variables = [Variable(cupy.asarray(w), name=f"w{i}") for i, w in enumerate(start)]
            kinds = {"sgd": "SGD", "rmsprop": "RMSprop", "adam": "Adam"}
            opt = getattr(numnet.optimizers, kinds[name])(learning_rate=0.01, **options)
            for g in grads:
                opt.apply(g, variables)
            return [backend.to_numpy(v) for v in variables + opt.variables]
        finally:
            fused.set_enabled(True)

    cuda._plans.clear()
    one_launch = five_steps(True)
    assert any(plan is not None for plan in cuda._plans.values()), "the kernel was not used"
    array_path = five_steps(False)
    assert len(one_launch) == len(array_path)
    for a, b in zip(one_launch, array_path):
        np.testing.assert_allclose(a, b, rtol=1e-6 if dtype == "float32" else 1e-12,
                                   atol=1e-30)
    assert not np.array_equal(one_launch[0], start[0])


def test_gpu_training_data_is_copied_once_and_gathered_on_the_device(cupy, monkeypatch):
    from numnet.models import adapters

    x = np.arange(40, dtype="float32").reshape(10, 4)
    y = np.arange(10)
    rng_state = np.random.default_rng(5).bit_generator.state

    def batches():
        rng = np.random.default_rng(5)
        rng.bit_generator.state = rng_state
        source = adapters.ArraySource(x, y, None, batch_size=4, shuffle=True)
        return list(source.new_pass(rng))

    from numnet.fast import kernels_cuda as cuda

    on_device = batches()
    assert all(isinstance(b[0], cupy.ndarray) and isinstance(b[1], cupy.ndarray)
               for b in on_device)
    assert _built(cuda, "take_rows")  # x's and y's rows in one launch
    monkeypatch.setattr(adapters, "DEVICE_DATA_SHARE", 0.0)  # too large for the device: host
    on_host = batches()
    assert all(type(b[0]) is np.ndarray for b in on_host)
    backend.set_device("cpu")
    on_cpu = batches()
    assert [len(b[0]) for b in on_cpu] == [4, 4, 2]
    for gpu, host, cpu in zip(on_device, on_host, on_cpu):
        np.testing.assert_array_equal(backend.to_numpy(gpu[0]), cpu[0])
        np.testing.assert_array_equal(backend.to_numpy(gpu[1]), cpu[1])
        np.testing.assert_array_equal(host[0], cpu[0])


def _built(module, name) -> bool:
    """Whether the GPU kernel ``name`` was built and is in use (not failed, not absent)."""
    return any((key == name or (isinstance(key, tuple) and key[0] == name)) and kernel
               for key, kernel in module._kernels.items())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_gpu_hot_path_kernels_match_the_array_path(cupy, dtype):
    """fast/kernels_cuda.py's kernels against the same ops with the kernels off, on the GPU: dense +
    relu forward and backward, both softmax cross-entropies with their gradients, the accuracy
    counts and the epoch's loss total."""
    from numnet import metrics
    from numnet.autodiff import ops
    from numnet.autodiff.tensor import Tensor
    from numnet.fast import kernels_cuda as cuda
    from numnet.fast import updates as fused
    from numnet.models.logs import _DeviceLossTotal

    rng = np.random.default_rng(8)
    x = rng.normal(size=(300, 7)).astype(dtype)
    w = rng.normal(size=(7, 12)).astype(dtype)
    b = rng.normal(size=12).astype(dtype)
    labels = rng.integers(0, 12, 300)
    one_hot = np.eye(12, dtype=dtype)[labels]
    upstream = rng.normal(size=(300, 12)).astype(dtype)
    relu = numnet.activations._KERNELS["relu"]

    def run():
        out = {}
        tensors = [Tensor(a.copy(), requires_grad=True) for a in (x, w, b)]
        hidden = ops.dense(*tensors, relu)
        for name, loss in (("sparse", ops.sparse_softmax_cross_entropy_mean(labels, hidden)),
                           ("dense", ops.softmax_cross_entropy_mean(one_hot, hidden))):
            for t in tensors:
                t.grad = None
            loss.backward()
            out[name] = [backend.to_numpy(loss)] + [backend.to_numpy(t.grad) for t in tensors]
        out["hidden"] = backend.to_numpy(hidden)
        for t in tensors:  # a linear layer: the bias gradient is the column sums alone
            t.grad = None
        linear = ops.dense(*tensors, None)
        linear.backward(upstream)
        out["linear"] = [backend.to_numpy(linear)] + [backend.to_numpy(t.grad) for t in tensors]
        for metric, y in ((metrics.SparseCategoricalAccuracy(), labels),
                          (metrics.CategoricalAccuracy(), one_hot)):
            metric.update_state(backend.to_device(y), hidden.value)
            metric.update_state(backend.to_device(y[:50]), hidden.value[:50])
            out[metric.name] = (float(metric.total.value), float(metric.count.value))
        total = _DeviceLossTotal(1.5)
        total.add(cupy.asarray(np.asarray(0.25, dtype)), 32)
        total.add(cupy.asarray(np.asarray(0.5, dtype)), 7)
        out["loss_total"] = float(total)
        return out

    cuda._kernels.clear()
    with_kernels = run()
    for name in ("bias_relu", "relu_backward", "column_sums", "sparse_softmax_cross_entropy",
                 "softmax_cross_entropy", "hits", "add_loss"):
        assert _built(cuda, name), f"{name} did not run"
    assert callable(cuda._gemm_call), "the direct cuBLAS products were not used"
    fused.set_enabled(False)
    try:
        array_path = run()
    finally:
        fused.set_enabled(True)
    rtol = 1e-6 if dtype == "float32" else 1e-12
    np.testing.assert_allclose(with_kernels["hidden"], array_path["hidden"], rtol=rtol)
    assert (with_kernels["hidden"] == 0).mean() > 0.2  # the relu cut something
    for name in ("sparse", "dense", "linear"):
        for got, want in zip(with_kernels[name], array_path[name], strict=True):
            np.testing.assert_allclose(got, want, rtol=rtol, atol=1e-7 if dtype == "float32"
                                       else 1e-15)
    for name in ("sparse_categorical_accuracy", "categorical_accuracy"):
        assert with_kernels[name] == array_path[name]
        assert with_kernels[name][1] == 350 and 0 < with_kernels[name][0] < 350
    assert with_kernels["loss_total"] == array_path["loss_total"] == 1.5 + 0.25 * 32 + 0.5 * 7
