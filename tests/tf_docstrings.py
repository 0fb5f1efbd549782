"""Run TensorFlow's own docstring examples (the tf.* surface) under TensorFlow and under numnet.

TensorFlow's public functions and classes carry ``>>>`` examples in their docstrings. Each is
a program a TensorFlow user copies, so each must run under ``import numnet as tf`` and give
TensorFlow's numbers. This module (a helper, not a test file) finds the examples through
TensorFlow itself (walking ``tf.math``, ``tf.linalg``, ``tf.data.Dataset``, ... and their
``__doc__``) and runs them statement by statement; ``test_tf_docstrings.py`` compares.

It is run as a script in a subprocess (TensorFlow and numnet never share a process):

    python tf_docstrings.py extract OUT.json            # under TensorFlow's Python
    python tf_docstrings.py run tf|numnet IN.json OUT.pkl

``run`` gives ``{name: list | tuple}``: a list holds one entry per expression statement and
per ``print(...)`` (values flattened as keras_docstrings.capture does, after RaggedTensors,
SparseTensors, dtypes, TensorShapes, TensorSpecs and string tensors are normalised to plain
Python / NumPy values, so both libraries' values compare); a tuple ``("ERR", values,
message, statement_index)`` is an example that raised.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import json
import os
import pickle
import signal
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

from keras_docstrings import _example_source  # noqa: E402
from keras_docstrings import capture as _capture  # noqa: E402

# tf.* namespaces whose public names' docstrings are swept ("" is tf itself), and classes
# whose methods are
MODULES = ("", "math", "linalg", "nn", "strings", "ragged", "sparse", "image", "signal",
           "random", "bitwise", "sets", "debugging", "dtypes", "io", "lookup",
           "experimental.numpy")
CLASSES = ("data.Dataset", "Variable", "GradientTape", "TensorArray", "RaggedTensor",
           "SparseTensor", "Tensor", "TensorShape")
# top-level names that are modules or TensorFlow-1 / deployment surfaces numnet leaves out
SKIP_TOP = {"keras", "compat", "estimator", "experimental", "summary", "distribute", "autograph",
            "raw_ops", "xla", "tpu", "mlir", "lite", "saved_model", "feature_column", "queue",
            "test", "config", "errors", "audio", "io", "tools"}


def extract() -> dict:
    """{"tf.math.segment_sum": source, ...}: the examples of TensorFlow's public names."""
    import tensorflow as tf

    out: dict = {}
    seen: set = set()

    def add(name, obj):
        doc = getattr(obj, "__doc__", None)
        if not isinstance(doc, str) or ">>>" not in doc or id(obj) in seen:
            return
        seen.add(id(obj))
        src = _example_source(inspect.cleandoc(doc))
        if src:
            out[name] = src

    def walk(path: str, skip=()):
        obj = tf
        for part in path.split(".") if path else []:
            obj = getattr(obj, part)
        prefix = f"tf.{path}" if path else "tf"
        if inspect.isclass(obj):
            add(prefix, obj)
        for name in dir(obj):
            if name.startswith("_") or name in skip:
                continue
            try:
                value = getattr(obj, name)
            except Exception:  # noqa: BLE001 - a lazily loaded name that fails: skipped
                continue
            if not inspect.ismodule(value):
                add(f"{prefix}.{name}", value)

    for path in MODULES:
        walk(path, SKIP_TOP if path == "" else ())
    for path in CLASSES:
        walk(path)
    return out


# ----------------------------------------------------------------------------- running


def _normalise(value):
    """TensorFlow's and numnet's values as plain ones both libraries share."""
    import numpy as np

    kind = type(value).__name__
    if kind == "RaggedTensor" and hasattr(value, "to_list"):
        return ("ragged", value.to_list())
    if kind in ("SparseTensor", "SparseTensorValue") and hasattr(value, "indices"):
        return {"indices": value.indices, "values": value.values,
                "dense_shape": value.dense_shape}
    if "DType" in kind:
        return "dtype:" + str(getattr(value, "name", value))
    if isinstance(value, np.dtype) or (isinstance(value, type) and issubclass(value, np.generic)):
        return "dtype:" + np.dtype(value).name
    if "Spec" in kind and hasattr(value, "dtype") and hasattr(value, "shape"):
        shape = value.shape
        try:
            shape = tuple(shape.as_list()) if hasattr(shape, "as_list") else tuple(shape)
        except (TypeError, ValueError):
            shape = None
        return {"spec": kind, "shape": shape,
                "dtype": "dtype:" + str(getattr(value.dtype, "name", value.dtype))}
    if "string" in str(getattr(value, "dtype", "")) and hasattr(value, "numpy"):
        value = value.numpy()
    if not isinstance(value, np.ndarray) and hasattr(value, "__array__") and hasattr(
            value, "dtype"):
        try:
            array = np.asarray(value)
        except Exception:  # noqa: BLE001 - not an array after all
            array = None
        if array is not None and array.dtype.kind in "OSU":
            value = array
    if isinstance(value, np.ndarray) and value.dtype.kind in "OSU":
        def text(item):
            return item.decode("utf-8", "replace") if isinstance(item, bytes) else item
        out = np.vectorize(text, otypes=[object])(value).astype(str) if value.size else \
            value.astype(str)
        return out.item() if out.ndim == 0 else out
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if kind == "TensorShape":
        try:
            return tuple(value.as_list())
        except ValueError:
            return ("unknown shape",)
    if isinstance(value, (list, tuple)):
        items = [_normalise(v) for v in value]
        return items if isinstance(value, list) else tuple(items)
    if isinstance(value, dict):
        return {k: _normalise(v) for k, v in value.items()}
    return value


def capture(value):
    return _capture(_normalise(value))


class _Names(dict):
    """An example's names: a bare name it never imported (``Dataset``, ``RaggedTensor``) is
    looked up in the library's tf, tf.data, tf.linalg, ...; a few standard modules are
    imported on first use."""

    def __missing__(self, name):
        table = dict.get(self, "__builtins__", builtins)
        table = table if isinstance(table, dict) else vars(table)
        if name in table:
            return table[name]
        if name in ("os", "tempfile", "collections", "math", "functools", "itertools", "json"):
            return importlib.import_module(name)
        lib = dict.__getitem__(self, "tf")
        for path in ("", "data", "linalg", "strings", "ragged", "sparse", "math", "nn", "image"):
            obj = lib
            for part in path.split(".") if path else []:
                obj = getattr(obj, part, None)
            if obj is not None and hasattr(obj, name):
                return getattr(obj, name)
        raise KeyError(name)


def run_one(source: str, lib, backend: str):
    import numpy as np

    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return ("ERR", [], f"SyntaxError: {exc}", 0)
    captured: list = []

    def _print(*args, **kwargs):
        captured.append(capture(list(args)) if args else None)

    names = _Names({"tf": lib, "np": np, "numpy": np, "print": _print, "__name__": "__ex__"})
    if backend == "numnet":
        real = builtins.__import__

        def _import(name, globals=None, locals=None, fromlist=(), level=0):
            top = name.split(".")[0]
            if level == 0 and top in ("tensorflow", "keras"):
                name = "numnet" + name[len(top):]
            return real(name, globals, locals, fromlist, level)

        fake = dict(vars(builtins))
        fake["__import__"], fake["print"] = _import, _print
        names["__builtins__"] = fake
    np.random.seed(0)
    for i, stmt in enumerate(tree.body):
        try:
            if isinstance(stmt, ast.Expr):
                value = eval(compile(ast.Expression(stmt.value), "<example>", "eval"), names)
                is_print = isinstance(stmt.value, ast.Call) and isinstance(
                    stmt.value.func, ast.Name) and stmt.value.func.id == "print"
                if not is_print:
                    captured.append(capture(value))
            else:
                exec(compile(ast.Module(body=[stmt], type_ignores=[]), "<example>", "exec"),
                     names)
        except BaseException as exc:  # noqa: BLE001 - the error is the result
            if isinstance(exc, KeyboardInterrupt):
                raise
            line = (ast.get_source_segment(source, stmt) or "").splitlines()
            message = str(exc).splitlines()[0] if str(exc) else ""
            return ("ERR", captured, f"{type(exc).__name__}: {message[:300]} "
                                     f"[statement {i + 1}: {line[0][:120] if line else ''}]", i)
    return captured


def run(backend: str, examples: dict) -> dict:
    if backend == "tf":
        import tensorflow as lib
    else:
        import numnet as lib

    def _timeout(*args):
        raise TimeoutError("the example ran past 20 s")

    signal.signal(signal.SIGALRM, _timeout)
    out = {}
    for name, source in examples.items():
        signal.alarm(20)
        try:
            result = run_one(source, lib, backend)
        except TimeoutError as exc:
            result = ("ERR", [], f"TimeoutError: {exc}", 0)
        finally:
            signal.alarm(0)
        try:
            pickle.dumps(result)
        except Exception as exc:  # noqa: BLE001 - a value pickle cannot hold
            result = ("ERR", [], f"unpicklable result: {exc}", 0)
        out[name] = result
    return out


if __name__ == "__main__":
    if sys.argv[1] == "extract":
        with open(sys.argv[2], "w", encoding="utf-8") as fh:
            json.dump(extract(), fh)
    else:
        with open(sys.argv[3], encoding="utf-8") as fh:
            wanted = json.load(fh)
        with open(sys.argv[4], "wb") as fh:
            pickle.dump(run(sys.argv[2], wanted), fh)
