"""numnet's floors: every import runs downward, and no modules import each other in a circle.

The floors (ARCHITECTURE.md draws them), bottom to top:

    1 backend, config, naming, registry, dtype_policies, notices, _version, tree;
      fast/updates.py (numba, the fast path's switch and compiled update rules)
    2 autodiff, callbacks (the training loop's hooks: they reach the model through its methods)
    3 the math: activations, losses, metrics, initializers, regularizers, constraints, ops, nn,
      random; data, datasets, preprocessing (Keras's loaders, no training loop)
    4 layers
    5 optimizers
    6 models (the graph, the trainer, the data adapters); fast/'s stack step and helper thread
    7 saving
    8 tools, advice, integrations, distribute, utils (Keras's helpers, plot_model among them)
    9 cli, tf_compat, mixed_precision, the package itself (the public surface)

A module imports from its own floor or below, lazy imports inside functions included. Where a
lower floor needs a higher one it takes a hook or a registry that the higher floor fills (the
trainer's compile observers, numnet.saving's registrations, layers' symbolic-call builder).
The imports are read with ``ast``; nothing is imported to check them.
"""

from __future__ import annotations

import ast
import importlib.util
import os

import pytest

# The package under test, wherever it is installed (src/ of a checkout, or site-packages); found
# without running it.
PACKAGE = os.path.dirname(importlib.util.find_spec("numnet").origin)
SRC = os.path.dirname(PACKAGE)

FLOORS = {
    "backend": 1, "config": 1, "_config": 1, "naming": 1, "registry": 1, "dtype_policies": 1,
    "notices": 1, "_version": 1, "tree": 1, "distribution": 1,
    "scopes": 1, "dtype_rules": 1, "config_dict": 1, "dtype_policy_map": 1, "more_losses": 3,
    "autodiff": 2, "callbacks": 2,
    "activations": 3, "losses": 3, "metrics": 3, "initializers": 3, "regularizers": 3,
    "constraints": 3, "ops": 3, "nn": 3, "random": 3, "data": 3, "datasets": 3,
    "preprocessing": 3, "quantizers": 3,
    "layers": 4,
    "optimizers": 5,
    "models": 6, "fast": 6, "distillation": 6,
    "saving": 7,
    "tools": 8, "wrappers": 8, "advice": 8, "integrations": 8, "distribute": 8, "utils": 8,
    "backend_extras": 8, "feature_space": 8, "applications": 8, "backend_legacy": 3, "operation": 9,
    "cli": 9, "__main__": 9, "tf_compat": 9, "tf_api": 9, "strings": 9, "mixed_precision": 9, "": 9,
}
# Modules whose floor is not their folder's: fast/ gathers the fast path, whose pieces sit beside
# the floor each one speeds up (fast/__init__.py says which is which).
MODULE_FLOORS = {
    # the package's docstring only; numba, the switch and the compiled update rules: plain NumPy,
    # imported by the fused tape nodes (autodiff), the recurrent kernels (layers), the optimizers
    "numnet.fast": 1,
    "numnet.fast.updates": 1,
    "numnet.fast.updates_cuda": 1,
    # the BLAS thread policy: every product of the engine asks it for its threads
    "numnet.fast.threads": 1,
    # CRC-32C and the TFRecord framing: TensorBoard event files and the TFRecord readers
    "numnet.fast.crc32c": 1,
    # the fused tape nodes, beside the tape
    "numnet.fast.kernels": 2,
    "numnet.fast.conv": 2,
    "numnet.fast.kernels_cuda": 2,
    # the recurrent layers' whole-sequence kernels, beside the layers
    "numnet.fast.recurrent": 4,
    # the embedding's scatter-add of its gradient, beside the layers
    "numnet.fast.rows": 4,
    # TensorFlow's exception classes import nothing: the readers below raise them
    "numnet.tf_api.errors": 1,
}


def module_name(path: str) -> str:
    rel = os.path.relpath(path, SRC)[:-3].replace(os.sep, ".")
    return rel[: -len(".__init__")] if rel.endswith(".__init__") else rel


def imports_of(path: str, name: str) -> list[tuple[str, int]]:
    """(imported numnet module, line) for every import in the file, at any depth."""
    package = name if path.endswith("__init__.py") else name.rsplit(".", 1)[0]
    found = []
    with open(path, encoding="utf-8") as f:
        tree = ast.parse(f.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = parts[: len(parts) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if not target.startswith("numnet"):
                continue
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                found.append((candidate if _is_module(candidate) else target, node.lineno))
        elif isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names if a.name.startswith("numnet")]
    return found


def _is_module(name: str) -> bool:
    path = os.path.join(SRC, *name.split("."))
    return os.path.isfile(path + ".py") or os.path.isfile(os.path.join(path, "__init__.py"))


def floor(name: str) -> int | None:
    if name in MODULE_FLOORS:
        return MODULE_FLOORS[name]
    parts = name.split(".")
    return FLOORS.get(parts[1] if len(parts) > 1 else "")


def graph() -> dict[str, list[tuple[str, int]]]:
    edges = {}
    for folder, _, files in os.walk(PACKAGE):
        for file in files:
            if file.endswith(".py"):
                path = os.path.join(folder, file)
                name = module_name(path)
                edges[name] = imports_of(path, name)
    return edges


def upward(edges) -> list[str]:
    found = []
    for name, targets in sorted(edges.items()):
        for target, line in targets:
            low, high = floor(name), floor(target)
            if low is None or high is None:
                found.append(f"{name}: no floor is set for it or for {target} (FLOORS)")
            elif high > low:
                found.append(f"{name} (floor {low}) line {line} imports {target} (floor {high}): "
                             "a module imports only from its floor or below; give the lower "
                             "floor a hook or a registry that the higher one fills")
    return found


def circles(edges) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's, iteratively)."""
    index, low, on_stack, stack, out = {}, {}, set(), [], []
    counter = [0]
    succ = {n: sorted({t for t, _ in ts if t in edges and t != n}) for n, ts in edges.items()}
    for root in sorted(succ):
        if root in index:
            continue
        work = [(root, iter(succ[root]))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            advanced = False
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter[0]
                    counter[0] += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(succ[child])))
                    advanced = True
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            if advanced:
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    out.append(sorted(component))
    return out


def test_every_import_runs_downward():
    found = upward(graph())
    assert not found, "imports that run upward:\n" + "\n".join(found)


def test_no_modules_import_each_other_in_a_circle():
    found = circles(graph())
    assert not found, "import circles:\n" + "\n".join(" <-> ".join(c) for c in found)


def test_the_rule_catches_an_upward_import(tmp_path, monkeypatch):
    """An import added from the layers up to the models is reported, with the rule."""
    layers = tmp_path / "numnet" / "layers"
    layers.mkdir(parents=True)
    (tmp_path / "numnet" / "__init__.py").write_text("")
    (tmp_path / "numnet" / "models").mkdir()
    (tmp_path / "numnet" / "models" / "__init__.py").write_text("")
    (tmp_path / "numnet" / "models" / "model.py").write_text("")
    (layers / "__init__.py").write_text("")
    (layers / "bad.py").write_text("def f():\n    from ..models import model\n")
    monkeypatch.setattr(__import__(__name__), "SRC", str(tmp_path))
    found = upward({"numnet.layers.bad": imports_of(str(layers / "bad.py"), "numnet.layers.bad")})
    assert len(found) == 1 and "numnet.layers.bad (floor 4) line 2 imports " \
        "numnet.models.model (floor 6)" in found[0] and "hook or a registry" in found[0]


def test_the_rule_catches_a_circle():
    edges = {"numnet.a": [("numnet.b", 1)], "numnet.b": [("numnet.c", 1)],
             "numnet.c": [("numnet.a", 3)], "numnet.d": [("numnet.a", 1)]}
    assert circles(edges) == [["numnet.a", "numnet.b", "numnet.c"]]


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_each_floor_names_a_real_module(name):
    assert name == "" or _is_module(f"numnet.{name}"), f"FLOORS names numnet.{name}, which is gone"
