"""Run Keras's own docstring examples under Keras and under numnet, and compare what they give.

Keras's source carries small programs in its docstrings (``>>>`` lines with their printed
output). Each is something a Keras user copies, so each must run under numnet with only the
import changed and give Keras's numbers. This module (a helper, not a test file) finds those
examples and runs them; test files parametrize over them.

Interface (kept stable; other test files import it):

- ``examples(module_path) -> list[(name, source_text)]``: the examples of a Keras module such as
  ``"keras.src.ops.numpy"``, one per docstring of its public functions, classes and public
  methods (``"mean"``, ``"Mean"``, ``"Mean.update_state"``). The source is read from Keras's
  files without importing Keras. ``source_text`` is the example's ``>>>`` / ``...`` code joined.
- ``run_examples(module_path, names, backend) -> {name: list | str}``: runs the named examples
  (``names=None``: all) with ``backend`` ``"keras"`` (a subprocess with ``KERAS_BACKEND=jax``)
  or ``"numnet"`` (a subprocess too, so an example cannot change the caller's global state). Each
  example runs statement by statement in a fresh namespace where ``keras``, ``ops``, ``layers``,
  ``np`` / ``numpy`` are bound to that library (``import keras`` / ``from keras import ...``
  inside an example reach numnet under ``"numnet"``; NumPy's global generator is seeded with 0
  first, so ``np.random`` inputs agree). A list holds one entry per expression
  statement and per ``print(...)`` argument list, in order: ``None`` where it gave ``None``, else
  the value flattened to ``[(path, leaf), ...]`` with tensors as NumPy arrays. A string is the
  error that stopped the example (``"TypeError: ... [statement 3: ops.foo(x)]"``).
- ``run_many({module_path: names}, backend, python=None, keras_backend="jax")``: the same for
  several modules in one subprocess (Keras's import costs seconds; a test file calls this once
  per backend); ``python`` and ``keras_backend="tensorflow"`` run Keras's side in another
  environment, for examples that call ``.numpy()`` on a result.
- ``compare(expected, got, shape_only=False) -> str | None``: ``None`` when numnet's captured
  values match Keras's (same structure, shape, dtype family and values to 1e-5 relative /
  1e-6 absolute, NaNs equal), else a message naming the first difference. Entries where Keras's
  value is ``None`` are not compared.
- ``keras_available()``: whether Keras 3 and JAX can be imported (a test file skips otherwise).

Example (a test file)::

    from keras_docstrings import compare, examples, run_many
    names = {"keras.src.ops.math": None}
    expected = run_many(names, "keras")["keras.src.ops.math"]
    got = run_many(names, "numnet")["keras.src.ops.math"]
    for name, want in expected.items():
        if isinstance(want, str):
            continue  # the example does not run under Keras either
        assert compare(want, got[name]) is None

Keras's results are cached under the temporary folder, keyed by Keras's version and the
examples' source, so a second run does not start Keras at all (``NUMNET_DOCSTRING_CACHE=0``
turns the cache off).
"""

from __future__ import annotations

import ast
import builtins
import doctest
import hashlib
import importlib
import importlib.util
import io
import json
import os
import pickle
import subprocess
import sys
import tempfile
import traceback

RTOL = 1e-5
ATOL = 1e-6


# ----------------------------------------------------------------------------- finding examples


def _keras_root() -> str | None:
    spec = importlib.util.find_spec("keras")  # a top-level find_spec imports nothing
    if spec is None or spec.origin is None:
        return None
    return os.path.dirname(spec.origin)


def _module_file(module_path: str) -> str:
    root = _keras_root()
    if root is None:
        raise ModuleNotFoundError("keras is not installed: no docstring examples to read")
    parts = module_path.split(".")
    if parts[0] != "keras":
        raise ValueError(f"module_path must start with 'keras.', got {module_path!r}")
    base = os.path.join(root, *parts[1:])
    if os.path.isdir(base):
        return os.path.join(base, "__init__.py")
    return base + ".py"


def submodules(package_path: str) -> list[str]:
    """The non-test modules of a Keras package, e.g. ``submodules("keras.src.metrics")``."""
    folder = os.path.dirname(_module_file(package_path))
    out = []
    for fname in sorted(os.listdir(folder)):
        if fname.endswith(".py") and not fname.endswith("_test.py") and fname != "__init__.py":
            out.append(f"{package_path}.{fname[:-3]}")
    return out


_PARSER = doctest.DocTestParser()


def _example_source(doc: str) -> str | None:
    try:
        parts = _PARSER.parse(doc)
    except ValueError:
        # Inconsistent indentation inside a Markdown block: take the prompt lines by hand.
        lines = []
        for line in doc.splitlines():
            stripped = line.strip()
            if stripped.startswith(">>>") or (stripped.startswith("...") and lines):
                lines.append(stripped[4:] if len(stripped) > 3 else "")
        return "\n".join(lines) + "\n" if lines else None
    code = [p.source for p in parts if isinstance(p, doctest.Example)]
    return "".join(code) if code else None


def examples(module_path: str) -> list[tuple[str, str]]:
    """The ``>>>`` examples of a Keras module's public functions, classes and methods.

    Args:
        module_path: Keras module, e.g. ``"keras.src.ops.numpy"``.

    Returns:
        ``[(name, source_text), ...]`` in the file's order; ``name`` is ``"func"``,
        ``"Class"`` or ``"Class.method"`` (a second docstring of the same name gets ``"#2"``).
    """
    with open(_module_file(module_path), encoding="utf-8") as fh:
        tree = ast.parse(fh.read())
    found: list[tuple[str, str]] = []
    seen: dict[str, int] = {}

    def add(name: str, node: ast.AST) -> None:
        doc = ast.get_docstring(node, clean=True)
        if not doc or ">>>" not in doc:
            return
        src = _example_source(doc)
        if src is None:
            return
        seen[name] = seen.get(name, 0) + 1
        found.append((name if seen[name] == 1 else f"{name}#{seen[name]}", src))

    def visit(body: list[ast.stmt]) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if not node.name.startswith("_"):
                    add(node.name, node)
            elif isinstance(node, ast.ClassDef):
                if node.name.startswith("_"):
                    continue
                add(node.name, node)
                for sub in node.body:
                    if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)) and (
                        not sub.name.startswith("_")
                    ):
                        add(f"{node.name}.{sub.name}", sub)
            elif isinstance(node, ast.If):  # definitions under `if backend() == ...:`
                visit(node.body)
                visit(node.orelse)

    visit(tree.body)
    return found


# ----------------------------------------------------------------------------- capturing values


def _leaves(value, path: str, out: list) -> None:
    import numpy as np

    if value is None:
        out.append((path, ("none",)))
        return
    if isinstance(value, str):
        out.append((path, ("str", value)))
        return
    if isinstance(value, bytes):
        out.append((path, ("str", value.decode("utf-8", "replace"))))
        return
    if isinstance(value, np.dtype):
        out.append((path, ("str", str(value))))
        return
    if isinstance(value, (bool, int, float, complex, np.generic)):
        out.append((path, np.asarray(value)))
        return
    if isinstance(value, dict):
        for key in sorted(value, key=str):
            _leaves(value[key], f"{path}[{key!r}]", out)
        return
    if isinstance(value, (list, tuple)):
        if not value:
            out.append((path, ("empty", type(value).__name__ == "tuple")))
        for i, item in enumerate(value):
            _leaves(item, f"{path}[{i}]", out)
        return
    if isinstance(value, np.ndarray):
        out.append((path, value.copy()))
        return
    if hasattr(value, "__array__") or hasattr(value, "numpy"):
        try:
            arr = np.asarray(value)
        except Exception:
            arr = None
        if arr is not None and arr.dtype != object:
            out.append((path, arr.copy()))
            return
    if isinstance(value, type) or callable(value) and not hasattr(value, "shape"):
        out.append((path, ("obj", getattr(value, "__name__", type(value).__name__))))
        return
    shape = getattr(value, "shape", None)
    dtype = getattr(value, "dtype", None)
    if shape is not None and dtype is not None:
        try:
            shape = tuple(None if d is None else int(d) for d in shape)
        except TypeError:
            shape = str(shape)
        out.append((path, ("sym", shape, str(dtype))))
        return
    out.append((path, ("obj", type(value).__name__)))


def capture(value) -> list | None:
    """``value`` flattened to ``[(path, leaf), ...]`` (tensors as NumPy arrays); None for None."""
    if value is None:
        return None
    out: list = []
    _leaves(value, "", out)
    return out


# ----------------------------------------------------------------------------- running examples


def _bindings(backend: str) -> dict:
    import numpy as np

    if backend == "keras":
        import keras
        from keras import layers, ops
    else:
        import numnet as keras
        from numnet import layers, ops
    return {"keras": keras, "ops": ops, "layers": layers, "np": np, "numpy": np}


_FALLBACK_MODULES = ("ops", "ops.image", "metrics", "losses", "activations", "tree", "layers",
                     "initializers", "regularizers", "constraints", "callbacks", "optimizers",
                     "optimizers.schedules", "models", "saving", "utils")
_STDLIB = ("collections", "math", "functools", "itertools")


class _Namespace(dict):
    """An example's names; a bare name it never imported (``top_k(x, k=3)``, ``Mean()``,
    ``metrics.Sum()``, as the docstrings of Keras's own modules write them) is looked up in the
    library's ``ops``, ``ops.image``, ``metrics``, ``losses``, ``activations``, ``tree``,
    ``layers``, then ``initializers``, ``regularizers``, ``constraints``, ``callbacks``,
    ``optimizers`` (and its ``schedules``), ``models``, ``saving`` and ``utils`` (``HeNormal()``,
    ``Sequential([...])``), and a few standard modules are imported on first use."""

    def __missing__(self, name):
        names_builtin = dict.get(self, "__builtins__", builtins)
        names_builtin = names_builtin if isinstance(names_builtin, dict) else vars(names_builtin)
        if name in names_builtin:
            return names_builtin[name]
        lib = dict.__getitem__(self, "keras")
        if name in ("metrics", "losses", "activations", "tree", "random", "initializers"):
            if hasattr(lib, name):
                return getattr(lib, name)
        if name in _STDLIB:
            return importlib.import_module(name)
        for path in _FALLBACK_MODULES:
            obj = lib
            for part in path.split("."):
                obj = getattr(obj, part, None)
            if obj is not None and hasattr(obj, name):
                return getattr(obj, name)
        raise KeyError(name)


def _numnet_import(real_import):
    def _import(name, globals=None, locals=None, fromlist=(), level=0):
        top = name.split(".")[0]
        if level == 0 and top in ("keras", "tensorflow", "tf_keras"):
            mapped = "numnet" + name[len(name.split(".")[0]):]
            mapped = mapped.replace(".src", "", 1) if mapped.startswith("numnet.src") else mapped
            module = real_import(mapped, globals, locals, fromlist, level)
            return module
        return real_import(name, globals, locals, fromlist, level)

    return _import


def _run_one(source: str, backend: str) -> list | str:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        return f"SyntaxError: {exc}"
    captured: list = []

    def _print(*args, **kwargs):
        captured.append(capture(list(args)) if args else None)

    namespace = _Namespace(_bindings(backend))
    namespace["np"].random.seed(0)  # np.random inputs: the same on both sides, run to run
    namespace["print"] = _print
    if backend == "numnet":
        fake = dict(vars(builtins))
        fake["__import__"] = _numnet_import(builtins.__import__)
        fake["print"] = _print
        namespace["__builtins__"] = fake
    namespace["__name__"] = "__docstring_example__"
    for i, stmt in enumerate(tree.body):
        try:
            if isinstance(stmt, ast.Expr):
                code = compile(ast.Expression(stmt.value), f"<example:{i}>", "eval")
                value = eval(code, namespace, namespace)
                is_print = (
                    isinstance(stmt.value, ast.Call)
                    and isinstance(stmt.value.func, ast.Name)
                    and stmt.value.func.id == "print"
                )
                if not is_print:
                    captured.append(capture(value))
            else:
                mod = ast.Module(body=[stmt], type_ignores=[])
                exec(compile(mod, f"<example:{i}>", "exec"), namespace, namespace)
        except BaseException as exc:  # noqa: BLE001 - the error is the result
            if isinstance(exc, KeyboardInterrupt):
                raise
            line = ast.get_source_segment(source, stmt) or ""
            line = line.splitlines()[0] if line else ""
            msg = str(exc).splitlines()[0] if str(exc) else ""
            return f"{type(exc).__name__}: {msg[:300]} [statement {i + 1}: {line[:120]}]"
    return captured


def _worker(request_path: str, result_path: str) -> None:
    with open(request_path, "rb") as fh:
        request = pickle.load(fh)
    backend = request["backend"]
    results: dict = {}
    out = io.StringIO()
    for module_path, names in request["modules"].items():
        results[module_path] = {}
        for name, source in examples(module_path):
            if names is not None and name not in names:
                continue
            if backend == "numnet":
                try:
                    import numnet

                    numnet.backend.clear_session()
                except Exception:
                    pass
            stdout = sys.stdout
            sys.stdout = out  # what an example prints besides print() (warnings, progress)
            try:
                results[module_path][name] = _run_one(source, backend)
            except BaseException:  # noqa: BLE001
                results[module_path][name] = "HarnessError: " + traceback.format_exc(limit=2)
            finally:
                sys.stdout = stdout
    with open(result_path, "wb") as fh:
        pickle.dump(results, fh)


def keras_available() -> bool:
    """Whether Keras 3 and JAX are installed (the Keras side of the comparison needs both)."""
    return (
        importlib.util.find_spec("keras") is not None
        and importlib.util.find_spec("jax") is not None
    )


def _keras_version() -> str:
    root = _keras_root()
    path = os.path.join(root, "src", "version.py") if root else ""
    try:
        with open(path, encoding="utf-8") as fh:
            return fh.read()
    except OSError:
        return "unknown"


def _cache_key(modules: dict, backend: str) -> str:
    h = hashlib.sha256()
    h.update(_keras_version().encode())
    with open(os.path.abspath(__file__), "rb") as fh:  # the harness's own rules change results
        h.update(fh.read())
    h.update(backend.encode())
    for module_path in sorted(modules):
        h.update(module_path.encode())
        names = modules[module_path]
        h.update(json.dumps(sorted(names) if names else None).encode())
        for name, source in examples(module_path):
            h.update(name.encode())
            h.update(source.encode())
    return h.hexdigest()[:24]


def run_many(modules: dict, backend: str, timeout: float = 600, python: str | None = None,
             keras_backend: str = "jax") -> dict:
    """Run the examples of several modules in one subprocess.

    Args:
        modules: ``{module_path: names or None}`` (None: every example of the module).
        backend: ``"keras"`` (Keras 3) or ``"numnet"``.
        timeout: seconds the subprocess may take.
        python: the interpreter that runs them (another environment's, e.g. one with
            TensorFlow); None for this one. Defaults to ``None``.
        keras_backend: ``KERAS_BACKEND`` for Keras's side: ``"jax"``, or ``"tensorflow"`` for
            examples that call ``.numpy()`` on a result (which JAX arrays lack). Defaults to
            ``"jax"``.

    Returns:
        ``{module_path: {name: captured list or error string}}``.
    """
    if backend not in ("keras", "numnet"):
        raise ValueError(f"backend must be 'keras' or 'numnet', got {backend!r}")
    use_cache = backend == "keras" and os.environ.get("NUMNET_DOCSTRING_CACHE", "1") != "0"
    cache_path = None
    if use_cache:
        folder = os.path.join(tempfile.gettempdir(), "numnet_keras_docstrings")
        os.makedirs(folder, exist_ok=True)
        key = _cache_key(modules, backend)
        if python is not None or keras_backend != "jax":
            key = hashlib.sha256(f"{key}:{python}:{keras_backend}".encode()).hexdigest()[:24]
        cache_path = os.path.join(folder, key + ".pkl")
        if os.path.exists(cache_path):
            with open(cache_path, "rb") as fh:
                return pickle.load(fh)
    with tempfile.TemporaryDirectory() as tmp:
        request_path = os.path.join(tmp, "request.pkl")
        result_path = os.path.join(tmp, "result.pkl")
        with open(request_path, "wb") as fh:
            pickle.dump({"backend": backend, "modules": modules}, fh)
        env = dict(os.environ)
        env["KERAS_BACKEND"] = keras_backend
        if keras_backend == "tensorflow":
            env.setdefault("CUDA_VISIBLE_DEVICES", "")
        env.setdefault("JAX_PLATFORMS", "cpu")
        env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
        here = os.path.dirname(os.path.abspath(__file__))
        env["PYTHONPATH"] = here + os.pathsep + env.get("PYTHONPATH", "")
        proc = subprocess.run(
            [python or sys.executable, "-c",
             "import keras_docstrings as k, sys; k._worker(*sys.argv[1:])",
             request_path, result_path],
            env=env, cwd=tmp, capture_output=True, text=True, timeout=timeout,
        )
        if proc.returncode != 0 or not os.path.exists(result_path):
            raise RuntimeError(
                f"the {backend} docstring runner failed (exit {proc.returncode}):\n"
                + proc.stderr[-3000:]
            )
        with open(result_path, "rb") as fh:
            results = pickle.load(fh)
    if cache_path is not None:
        with open(cache_path + ".tmp", "wb") as fh:
            pickle.dump(results, fh)
        os.replace(cache_path + ".tmp", cache_path)
    return results


def run_examples(module_path: str, names, backend: str) -> dict:
    """Run the examples ``names`` (None: all) of ``module_path`` under ``backend``.

    Returns ``{name: captured list or error string}``; see the module docstring.
    """
    names = None if names is None else list(names)
    return run_many({module_path: names}, backend)[module_path]


# ----------------------------------------------------------------------------- comparing


def _family(dtype) -> str:
    kind = dtype.kind
    return {"b": "bool", "i": "int", "u": "int", "f": "float", "c": "complex",
            "U": "str", "S": "str", "O": "object"}.get(kind, kind)


def _compare_leaf(want, got, where: str, shape_only: bool, rtol: float, atol: float):
    import numpy as np

    if isinstance(want, tuple):
        kind = want[0]
        if kind in ("obj", "none"):
            return None  # objects: no numbers to compare
        if not isinstance(got, tuple) or got[0] != kind:
            return f"{where}: got {got!r}, Keras gives {want!r}"
        if kind == "sym":
            if got[1] != want[1]:
                return f"{where}: shape {got[1]}, Keras gives {want[1]}"
            if got[2] != want[2]:
                return f"{where}: dtype {got[2]}, Keras gives {want[2]}"
            return None
        if got != want:
            return f"{where}: got {got!r}, Keras gives {want!r}"
        return None
    if isinstance(got, tuple):
        return f"{where}: got {got!r}, Keras gives an array {want!r}"
    got = np.asarray(got)
    if got.shape != want.shape:
        return f"{where}: shape {got.shape}, Keras gives {want.shape}"
    if _family(got.dtype) != _family(want.dtype):
        return f"{where}: dtype {got.dtype}, Keras gives {want.dtype}"
    if shape_only:
        return None
    if _family(want.dtype) in ("str", "object"):
        if not np.array_equal(got, want):
            return f"{where}: {got!r}, Keras gives {want!r}"
        return None
    ok = np.allclose(got.astype(want.dtype if want.dtype.kind != "b" else bool), want,
                     rtol=rtol, atol=atol, equal_nan=True) if want.size else True
    if not ok:
        return f"{where}: values\n{got!r}\nKeras gives\n{want!r}"
    return None


def compare(expected, got, shape_only: bool = False, rtol: float = RTOL,
            atol: float = ATOL) -> str | None:
    """Compare numnet's captured values with Keras's; ``None`` when they match.

    Args:
        expected: Keras's result from ``run_examples`` (a list).
        got: numnet's result (a list, or an error string).
        shape_only: compare structure, shapes and dtype families only (seeded random values
            differ between Keras's generator and numnet's).
        rtol, atol: the tolerances (defaults 1e-5 relative, 1e-6 absolute).

    Returns:
        ``None``, or a message naming the first statement that differs.
    """
    if isinstance(got, str):
        return f"numnet raised {got}"
    if isinstance(expected, str):
        return f"Keras raised {expected}"
    for i, want in enumerate(expected):
        if want is None:
            continue
        if i >= len(got):
            return f"value {i + 1}: numnet gave only {len(got)} values, Keras gives {len(expected)}"
        have = got[i]
        if have is None:
            return f"value {i + 1}: numnet gave None"
        want_paths = [p for p, _ in want]
        have_paths = [p for p, _ in have]
        if want_paths != have_paths:
            return f"value {i + 1}: structure {have_paths[:8]}, Keras gives {want_paths[:8]}"
        for (path, w), (_, g) in zip(want, have):
            msg = _compare_leaf(w, g, f"value {i + 1}{path}", shape_only, rtol, atol)
            if msg:
                return msg
    return None


def params(modules: list[str], skip: dict, xfail: dict) -> list:
    """pytest params (module, example name) for the examples of ``modules``, with the skip and
    strict xfail marks of ``skip`` / ``xfail`` ({(module, name): reason}); one skipped param
    when ``modules`` is empty (Keras absent)."""
    import pytest

    if not modules:
        return [pytest.param(None, None, marks=pytest.mark.skip(
            reason="Keras 3 and JAX are not installed: no Keras side to compare with"))]
    out = []
    for module in modules:
        for name, _ in examples(module):
            key = (module, name)
            marks = []
            if key in skip:
                marks.append(pytest.mark.skip(reason=skip[key]))
            if key in xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=xfail[key]))
            out.append(pytest.param(module, name, marks=marks,
                                    id=f"{module.removeprefix('keras.src.')}:{name}"))
    return out


def both_sides(modules: list[str]) -> tuple[dict, dict]:
    """(Keras's results, numnet's) for every example of ``modules``, the two run at once."""
    import concurrent.futures

    request = {module: None for module in modules}
    with concurrent.futures.ThreadPoolExecutor(2) as pool:
        keras_side = pool.submit(run_many, request, "keras")
        numnet_side = pool.submit(run_many, request, "numnet")
        return keras_side.result(), numnet_side.result()
