"""Keras's saving hooks, and the tree of what a model file saves, walked as Keras 3 walks it.

Keras 3 saves a model by visiting its objects from the model down, each once: the model, then
for a Sequential or functional model its ``layers`` (each under the snake case of its class
name with a counter per class: ``layers/dense``, ``layers/dense_1``), for any other layer or
model the attributes that hold layers, sorted by name with private ones last (a subclassed
model's ``dense``, its ``layers`` list, ``optimizer``; a list attribute ``blocks`` of two
Dense layers gives ``blocks/dense`` and ``blocks/dense_1``). numnet's own layers that hold
layers keep them where Keras's do (an RNN's ``cell``, a wrapper's ``layer``). At each object's
path:

- ``save_own_variables(store)`` fills ``<path>/vars`` of the weights file (a dict-like of
  arrays: ``store["0"] = kernel``); ``load_own_variables(store)`` reads it back;
- ``save_assets(directory)`` writes files of its own, which the ``.keras`` file keeps under
  ``assets/<path>/``; ``load_assets(directory)`` gets them back in a fresh directory.

Those hooks are the only code a load runs besides the constructors of numnet's classes and of
the registered (or given) classes: the hooks of those same classes. A store read from a file
checks each array (numeric, within the byte budget) before it is handed over; asset members
are named on an allow-list (no absolute paths, no ``..``) and charged to the archive's budget.

``compile_config`` / ``compile_from_config`` are the default ``Model.get_compile_config`` /
``compile_from_config``: numnet's compile section of a model file, and back.
"""

from __future__ import annotations

import os

import numpy as np

from .. import backend
from .errors import ModelFileError

hooks: dict = {}
"""What this module uses of the readers and writers that import it (keras_h5's h5 reader and
layer walk, keras_file's Translator), set by them when they are imported: reading them through
this table instead of importing them keeps the saving modules free of import circles."""

MAX_ASSET_FILES = 10_000
"""The most files that save_assets may leave for one file (and a file may hold)."""


# ----------------------------------------------------------------------------- classes


_BUILTIN: dict = {}


def is_builtin(layer) -> bool:
    """Whether ``layer`` is one of numnet's own layer classes (not a subclass of one)."""
    if not _BUILTIN:
        from . import objects

        _BUILTIN.update({cls: name for name, cls in objects.builtin_layers().items()})
    return type(layer) in _BUILTIN


def is_custom(layer) -> bool:
    """A layer or model of one's own (neither numnet's class nor a Sequential / functional
    model)."""
    return not is_builtin(layer) and not is_graph_model(layer)


def is_graph_model(obj) -> bool:
    """A Sequential or functional model (Keras lists its layers), not a subclassed one."""
    from ..models.model import Model
    from ..models.sequential import Sequential

    return type(obj) is Sequential or type(obj) is Model and (
        obj._graph is not None or obj._functional)


def overrides(obj, name: str, base: type) -> bool:
    """Whether ``obj``'s class defines its own ``name`` rather than ``base``'s."""
    return getattr(type(obj), name, None) is not getattr(base, name, None)


# ----------------------------------------------------------------------------- own variables


def _held(layer) -> list:
    held_layers = hooks["held_layers"]

    return held_layers(layer)


def _attribute_layers(layer) -> bool:
    from ..layers.base import Layer

    return isinstance(layer, Layer) and not is_builtin(layer) and not is_graph_model(layer) \
        and not _held(layer) and bool(layer._sublayers())


KEEPS_HELD_WEIGHTS = frozenset({"SpectralNormalization"})
"""Layers that hold a layer and also keep, among their own variables, one of its weights (the
kernel they normalize), as Keras's do: Keras writes it in both places."""


def own_variables(layer) -> list:
    """The variables that ``layer.save_own_variables`` keeps: all its weights, or for a layer
    whose held layers save theirs themselves (a model, a wrapper, a layer of one's own that
    holds layers), only those it made or holds directly."""
    from ..layers.base import Layer

    if not isinstance(layer, Layer):  # a part that numnet's layer holds (a projection)
        return list(layer.weights)
    held = _held(layer)
    if type(layer).__name__ in KEEPS_HELD_WEIGHTS and is_builtin(layer):
        return list(Layer._own_variables(layer))
    if getattr(layer, "_is_model", False) or held or _attribute_layers(layer):
        theirs = {id(v) for _, inner in held for v in inner.weights}  # (an RNN's are its cell's)
        return [v for v in Layer._own_variables(layer) if id(v) not in theirs]
    return list(layer.weights)


def _extra(layer) -> list:
    from ..layers.base import Layer
    keras_only_weights = hooks["keras_only_weights"]

    if not isinstance(layer, Layer):
        return []
    return [] if _attribute_layers(layer) or _held(layer) else keras_only_weights(layer)


def _array(value) -> np.ndarray:
    return np.asarray(backend.to_numpy(getattr(value, "value", value)), order="C")


def save_own_variables(layer, store) -> None:
    """Layer.save_own_variables: the own variables under "0", "1", ..."""
    values = [_array(var) for var in own_variables(layer)] + _extra(layer)
    for i, value in enumerate(values):
        store[str(i)] = value


def load_own_variables(layer, store) -> None:
    """Layer.load_own_variables: each own variable from "0", "1", ..., all checked first."""
    variables = own_variables(layer)
    extra = _extra(layer)
    keys = sorted(store.keys(), key=lambda k: (len(k), k))
    counts = (len(variables), len(variables) + len(extra))
    if keys not in ([str(i) for i in range(n)] for n in counts):
        raise ValueError(f"load_own_variables: the layer {layer.name!r} "
                         f"({type(layer).__name__}) has {len(variables)} variables "
                         f"({[v.name for v in variables]}); the file holds {keys}. Load it "
                         "into the model it was saved from.")
    values = []
    for i, var in enumerate(variables):
        value = np.asarray(store[str(i)])
        if tuple(value.shape) != tuple(var.shape):
            raise ValueError(f"load_own_variables: {var.path} of the layer {layer.name!r} "
                             f"expects shape {tuple(var.shape)}; the file holds "
                             f"{tuple(value.shape)}")
        values.append(value)
    for var, value in zip(variables, values, strict=True):
        var.assign(value)


def shape_list(shape):
    """A shape, a list of shapes or a dict of them (a layer called on a dict, as Keras writes
    its build config) as JSON lists."""
    if isinstance(shape, dict):
        return {key: shape_list(value) for key, value in shape.items()}
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple, dict)):
        return [shape_list(s) for s in shape]
    return None if shape is None else [None if d is None else int(d) for d in shape]


def shape_tuple(shape):
    """``shape_list``'s JSON back as tuples (in the same list or dict)."""
    if isinstance(shape, dict):
        return {key: shape_tuple(value) for key, value in shape.items()}
    if isinstance(shape, (list, tuple)) and shape and isinstance(shape[0], (list, tuple, dict)):
        return [shape_tuple(s) for s in shape]
    return tuple(shape)


# ----------------------------------------------------------------------------- the walk


def keras_class_name(obj) -> str:
    """The name of ``obj``'s class in Keras (a functional model's is Functional)."""
    if is_graph_model(obj):
        return "Sequential" if type(obj).__name__ == "Sequential" else "Functional"
    return type(obj).__name__  # (keras_key maps the names Keras's classes differ in)


def snake_case(name: str) -> str:
    keras_key = hooks["keras_key"]

    return keras_key(name)


_SKIP = frozenset({"_layers", "_children", "_sublayers_cache", "_masking"})


def _holds_layers(value, depth: int = 0) -> bool:
    from ..layers.base import Layer

    if isinstance(value, Layer):
        return True
    if depth < 8 and isinstance(value, (list, tuple, dict)):
        items = value.values() if isinstance(value, dict) else value
        return any(_holds_layers(v, depth + 1) for v in items)
    return False


def _key(name: str) -> str:
    return f"~{name}" if name.startswith("_") else name


def children(obj, layers_of) -> list:
    """[(attribute, child)]: what Keras visits below ``obj``, in its order; ``layers_of(model)``
    gives a Sequential's or functional model's layers as Keras lists them."""
    from ..layers.base import _NOT_OWNED, Layer
    from ..optimizers import Optimizer

    if isinstance(obj, Optimizer) or not isinstance(obj, Layer):
        return []
    model = getattr(obj, "_is_model", False)
    if model and is_graph_model(obj):
        out = [("layers", layers_of(obj))]
    elif not model and (is_builtin(obj) or _held(obj)):
        return list(_held(obj))
    else:
        named = {name: value for name, value in vars(obj).items()
                 if name not in _NOT_OWNED and name not in _SKIP and _holds_layers(value)}
        if model:
            named["layers"] = list(obj.layers)
        out = []
        for name in sorted(named, key=_key):
            out.append((name, named[name]))
        if model and getattr(obj, "optimizer", None) is not None and obj.compiled:
            out.append(("optimizer", obj.optimizer))
            out.sort(key=lambda item: _key(item[0]))
        return out
    if getattr(obj, "optimizer", None) is not None and obj.compiled:
        out.append(("optimizer", obj.optimizer))
    return out


def walk(root, layers_of) -> list:
    """[(path, object)]: each layer (and the optimizer) under ``root`` once, at the path where
    Keras keeps its state ("" for the root)."""
    from ..layers.base import Layer
    from ..optimizers import Optimizer

    out, seen = [], set()

    def visit(obj, path):
        if id(obj) in seen:
            return
        seen.add(id(obj))
        out.append((path, obj))
        for name, child in children(obj, layers_of):
            at = f"{path}/{name}" if path else name
            if isinstance(child, (list, tuple, dict)):
                container(child, at, {id(child)})
            elif child is not None:
                visit(child, at)

    def container(items, path, open_):
        used: dict = {}
        for item in (items.values() if isinstance(items, dict) else items):
            if isinstance(item, (Layer, Optimizer)):
                name = _unique(snake_case(keras_class_name(item)), used)
                visit(item, f"{path}/{name}")
            elif isinstance(item, (list, tuple, dict)) and id(item) not in open_:
                container(item, f"{path}/{_unique('container', used)}", open_ | {id(item)})

    visit(root, "")
    return out


def _unique(name: str, used: dict) -> str:
    if name in used:
        used[name] += 1
        return f"{name}_{used[name]}"
    used[name] = 0
    return name


def needs_walk(model, layers_of) -> bool:
    """Whether the model's state needs Keras's walk rather than the plain list of its layers:
    a subclassed model, a layer of one's own that holds layers, or a hook of one's own."""
    from ..layers.base import Layer

    if not is_graph_model(model):
        return True
    for _, obj in walk(model, layers_of):
        if not isinstance(obj, Layer):
            continue
        if _attribute_layers(obj) or any(overrides(obj, hook, Layer) for hook in (
                "save_own_variables", "load_own_variables")) \
                or hasattr(obj, "save_assets") or hasattr(obj, "load_assets"):
            return True
    return False


# ----------------------------------------------------------------------------- stores


class H5Store:
    """The ``vars`` group of one object in a weights file, as a dict of arrays (Keras's
    H5Entry): written freely; read through the checks of keras_h5 (numeric datasets only,
    charged to the byte budget, chunks checked)."""

    def __init__(self, group, reader=None, where: str = "", budget=None):
        self.group, self.reader, self.where, self.budget = group, reader, where, budget

    def __setitem__(self, key, value) -> None:
        key = str(key)
        if key in self.group:
            del self.group[key]
        self.group.create_dataset(key, data=_array(value))

    def __getitem__(self, key):
        key = str(key)
        if self.group is None or key not in self.group:
            raise KeyError(f"{self.where}/{key}: not in the file (it holds {self.keys()})")
        shape = tuple(self.group[key].shape or ())
        return self.reader.read(f"{self.where}/{key}", shape, self.budget)

    def keys(self) -> list:
        if self.group is None:
            return []
        MAX_GROUPS = hooks["MAX_GROUPS"]

        if len(self.group) > MAX_GROUPS:
            raise ModelFileError(f"{self.where}: holds {len(self.group)} objects; refused")
        return list(self.group.keys())

    def __contains__(self, key) -> bool:
        return self.group is not None and str(key) in self.group

    def __iter__(self):
        return iter(self.keys())

    def __len__(self) -> int:
        return len(self.keys())


class DictStore(dict):
    """A store held in memory (numnet's own files keep what a hook saved as .npy members)."""

    def __setitem__(self, key, value) -> None:
        super().__setitem__(str(key), _array(value))


# ----------------------------------------------------------------------------- writing


def _hook(obj, name: str):
    """``obj``'s hook, or the default for a part of a layer that is not a layer itself."""
    found = getattr(obj, name, None)
    if callable(found):
        return found
    default = save_own_variables if name == "save_own_variables" else load_own_variables
    return lambda store: default(obj, store)


def save_tree(h5, root, layers_of, optimizer_values=None) -> list:
    """Each object's state into the weights file ``h5`` (its own variables by its hook);
    returns [(path, object)] of the walk. The optimizer's variables are ``optimizer_values``
    (None: left out)."""
    from ..optimizers import Optimizer

    found = walk(root, layers_of)
    for path, obj in found:
        if isinstance(obj, Optimizer):
            if optimizer_values is None:
                continue
            group = h5.require_group(f"{path}/vars")
            group.attrs["name"] = obj.name
            for i, value in enumerate(optimizer_values):
                group.create_dataset(str(i), data=value)
            continue
        group = h5.require_group(f"{path}/vars" if path else "vars")
        group.attrs["name"] = obj.name
        _hook(obj, "save_own_variables")(H5Store(group))
    return found


def save_assets(found) -> list:
    """[(member, bytes)]: the files each object's ``save_assets(directory)`` wrote, as
    ``assets/<path>/<file>`` members."""
    members = []
    for path, obj in found:
        if not callable(getattr(obj, "save_assets", None)):
            continue
        import shutil
        import tempfile

        directory = tempfile.mkdtemp(prefix="numnet-assets-")
        try:
            obj.save_assets(directory)
            for top, _, files in os.walk(directory):
                for name in sorted(files):
                    full = os.path.join(top, name)
                    relative = os.path.relpath(full, directory).replace(os.sep, "/")
                    member = "/".join(p for p in ("assets", path, relative) if p)
                    with open(full, "rb") as f:
                        members.append((member, f.read()))
        finally:
            shutil.rmtree(directory, ignore_errors=True)
        if len(members) > MAX_ASSET_FILES:
            raise ValueError(f"save: save_assets of {getattr(obj, 'name', obj)!r} wrote more "
                             f"than {MAX_ASSET_FILES} files")
    return members


# ----------------------------------------------------------------------------- reading


def load_tree(h5reader, root, layers_of, budget: list, source: str) -> None:
    """Each object's ``load_own_variables`` from its ``<path>/vars`` (the optimizer's are read
    by the caller); a ``vars`` group of the file with weights that no object takes is refused."""
    from ..optimizers import Optimizer

    visited = {"/optimizer/vars"}  # (read by the caller)
    for path, obj in walk(root, layers_of):
        if isinstance(obj, Optimizer):
            visited.add(f"/{path}/vars")
            continue
        where = f"/{path}/vars" if path else "/vars"
        visited.add(where)
        group = h5reader.get(where)
        if group is not None and not isinstance(group, h5reader.h5py.Group):
            raise h5reader.fail(where, "not a group")
        store = H5Store(group, h5reader, where, budget)
        try:
            _hook(obj, "load_own_variables")(store)
        except ModelFileError:
            raise
        except (ValueError, KeyError, TypeError, IndexError) as err:
            raise ModelFileError(f"{source}: {where}: {getattr(obj, 'name', obj)!r} "
                                 f"({type(obj).__name__}): {err}") from None
    _check_all_taken(h5reader, visited)


def load_h5(model, fileobj, max_bytes: int, source: str, layers_of=None) -> list | None:
    """Read a Keras weights file: with ``layers_of``, every object's state by the walk (each
    ``load_own_variables``); the values of ``/optimizer/vars`` in order (None if absent)."""
    H5_ERRORS = hooks["H5_ERRORS"]
    _h5py = hooks["_h5py"]
    _Reader = hooks["_Reader"]

    h5py = _h5py()
    try:
        h5 = h5py.File(fileobj, "r")
    except H5_ERRORS as err:
        raise ModelFileError(f"{source}: not a readable HDF5 file ({type(err).__name__}: "
                             f"{err})") from None
    with h5:
        reader = _Reader(h5py, h5, source)
        budget = [int(max_bytes)]
        try:
            if layers_of is not None:
                load_tree(reader, model, layers_of, budget, source)
            group = reader.get("/optimizer/vars")
            if not isinstance(group, h5py.Group):
                return None
            store = H5Store(group, reader, "/optimizer/vars", budget)
            keys = sorted(store.keys(), key=lambda k: (len(k), k))
            if keys != [str(i) for i in range(len(keys))]:
                raise reader.fail("/optimizer/vars", f"expected datasets 0, 1, ...; found "
                                                     f"{keys[:10]}")
            return [store[k] for k in keys]
        except H5_ERRORS as err:
            if isinstance(err, ModelFileError):
                raise
            raise ModelFileError(f"{source}: damaged HDF5 file ({type(err).__name__}: "
                                 f"{err})") from None


def _check_all_taken(h5reader, visited: set) -> None:
    MAX_DEPTH = hooks["MAX_DEPTH"]
    MAX_GROUPS = hooks["MAX_GROUPS"]

    stack, seen = [("", h5reader.h5, 0)], 0
    h5py = h5reader.h5py
    while stack:
        where, group, depth = stack.pop()
        seen += 1
        if seen > MAX_GROUPS or depth > MAX_DEPTH:
            raise h5reader.fail(where or "/", "too many groups or levels of them; refused")
        for name in list(group.keys()):
            link = group.get(name, getlink=True)
            if not isinstance(link, h5py.HardLink):
                continue
            obj = group[name]
            at = f"{where}/{name}"
            if not isinstance(obj, h5py.Group):
                continue
            if name == "vars":
                if len(obj) and at not in visited:
                    raise h5reader.fail(at, "holds weights that no layer of the model takes "
                                            "(the file is of another model)")
                continue
            stack.append((at, obj, depth + 1))


def asset_members(ar) -> list:
    return [m for m in ar.members if m.startswith("assets/")]


def load_assets(ar, found, source: str) -> None:
    """Each object's ``load_assets(directory)``, the directory holding the ``assets/<path>/``
    members of the archive ``ar`` (each read within its checked size)."""
    members = asset_members(ar)
    if len(members) > MAX_ASSET_FILES:
        raise ModelFileError(f"{source}: more than {MAX_ASSET_FILES} asset files; refused")
    for path, obj in found:
        if not callable(getattr(obj, "load_assets", None)):
            continue
        prefix = "/".join(p for p in ("assets", path) if p) + "/"
        import shutil
        import tempfile

        directory = tempfile.mkdtemp(prefix="numnet-assets-")
        try:
            for member in members:
                if not member.startswith(prefix):
                    continue
                target = os.path.join(directory, *member[len(prefix):].split("/"))
                os.makedirs(os.path.dirname(target), exist_ok=True)
                with open(target, "wb") as f:
                    f.write(ar.read_bytes(member, ar.max_bytes))
            try:
                obj.load_assets(directory)
            except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
                raise ModelFileError(f"{source}: {prefix}: load_assets of "
                                     f"{getattr(obj, 'name', obj)!r}: {err}") from None
        finally:
            shutil.rmtree(directory, ignore_errors=True)


# ----------------------------------------------------------------------------- compile


def compile_config(model) -> dict | None:
    """Model.get_compile_config: numnet's compile section (None before compile)."""
    from .objects import serialize_compile

    return serialize_compile(model)


def compile_from_config(model, config) -> None:
    """Model.compile_from_config: compile from numnet's compile section or Keras's
    compile_config (optimizer, loss and metrics by name, nothing imported)."""
    import warnings

    from ..notices import AdviceWarning
    Translator = hooks["Translator"]
    from .loader import Loader, deserialize_compile

    if not config:
        return
    loader = Loader("compile_from_config(config)", None, 1 << 40)
    optimizer = config.get("optimizer") if isinstance(config, dict) else None
    if isinstance(optimizer, str) or isinstance(optimizer, dict) and "module" in optimizer:
        config = Translator(loader).compile_settings(
            config, "compile_config", several=model._output_names is not None)
    options = deserialize_compile(config, loader)
    with warnings.catch_warnings(), loader.wrap("compile_config"):
        warnings.simplefilter("ignore", AdviceWarning)
        model.compile(**options)


__all__ = ["DictStore", "H5Store", "compile_config", "compile_from_config", "load_assets",
           "load_own_variables", "load_tree", "own_variables", "save_assets",
           "save_own_variables", "save_tree", "walk"]
