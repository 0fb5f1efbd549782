"""TensorFlow's ``tf.train`` checkpoints in numnet's own safe format: Checkpoint (save /
restore / write / read the variables of models, layers, optimizers, tf.Modules and
tf.Variables), CheckpointManager (numbered checkpoints, max_to_keep, latest_checkpoint) and
latest_checkpoint / list_variables / load_checkpoint.

    ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, model=model)
    manager = tf.train.CheckpointManager(ckpt, "./tf_ckpts", max_to_keep=3)
    ckpt.restore(manager.latest_checkpoint)
    ...
    manager.save()                                     # ./tf_ckpts/ckpt-1, ckpt-2, ...

A checkpoint "prefix" (./tf_ckpts/ckpt-1) is two files, named as TensorFlow names them:
``prefix.index`` (JSON: the format, each variable's key, shape and dtype) and
``prefix.data-00000-of-00001`` (a NumPy .npz of the values). Nothing is pickled and loading
runs no code; the files are numnet's, not TensorFlow's (TensorFlow cannot read them, nor
numnet TensorFlow's). The directory's ``checkpoint`` file lists the checkpoints in
TensorFlow's text form. Variables are matched by their path in the object structure, as
TensorFlow's object graph matches them: attribute names ("net/l1/bias"), a model's layers by
their place in ``model.layers``, an optimizer's variables by their place in its list; so a
structure with the same attribute names restores, whatever its classes (a Checkpoint can
stand in for a layer). An optimizer's slots exist after its first step.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import time
import zipfile

import numpy as np

from .. import backend
from ..autodiff import Variable
from ..layers import base as _layer_base
from . import control as _control
from .control import Module
from .errors import InvalidArgumentError, NotFoundError

FORMAT = "numnet-checkpoint"
VERSION = 2  # 2: layers keyed by attribute path (1: by place)
DATA_SUFFIX = ".data-00000-of-00001"


def _variables_of(obj, key: str, out: dict, seen: set, groups: dict | None = None,
                  positions: list | None = None, by_place: bool = False) -> None:
    """Fill ``out`` with key -> Variable for everything ``obj`` holds. The variables of a
    tf.Module, a layer and a model are keyed by their attribute path, as TensorFlow's object
    graph keys them ("net/l1/bias"; a model's layers by their place in ``model.layers``:
    "model/layers/2/kernel"; :func:`_layer_variables`), so each can be restored as soon as it
    is made; an optimizer's by their place in its variables ("opt/.variables/3"), and
    ``groups`` gets that object's key and its number of variables. A dataset iterator gives
    its position ("iterator/.position"), and ``positions`` gets the (iterator, Variable of its
    position) pair. ``by_place`` keys layers and models by place too, as the first version of
    the format did (read, never written)."""
    if obj is None:
        return
    if id(obj) in seen:
        if isinstance(seen, _Paths) and key:
            seen.alias(obj, key)
        return
    if isinstance(seen, _Paths):
        seen.first[id(obj)] = key
    if isinstance(obj, Variable):
        seen.add(id(obj))
        out[key] = obj
        return
    seen.add(id(obj))
    if isinstance(obj, Checkpoint):
        for name, child in obj._objects.items():
            _variables_of(child, f"{key}/{name}" if key else name, out, seen, groups, positions,
                          by_place)
        return
    if isinstance(obj, dict):
        for name in sorted(obj, key=str):
            _variables_of(obj[name], f"{key}/{name}", out, seen, groups, positions, by_place)
        return
    if isinstance(obj, (list, tuple)):
        for i, child in enumerate(obj):
            _variables_of(child, f"{key}/{i}", out, seen, groups, positions, by_place)
        return
    if hasattr(obj, "_checkpoint_position"):  # a dataset iterator: its position
        position = Variable(np.asarray(obj._checkpoint_position(), dtype=np.int64),
                            name="position", trainable=False)
        out[f"{key}/.position"] = position
        if positions is not None:
            positions.append((obj, position))
        return
    if isinstance(obj, Module):
        for name in sorted(vars(obj)):
            child = vars(obj)[name]
            if name not in ("_name", "_scope_name") and _trackable(child):
                _variables_of(child, f"{key}/{name}", out, seen, groups, positions, by_place)
        return
    if isinstance(obj, _layer_base.Layer) and not by_place:
        _layer_variables(obj, key, out, seen)
        return
    if _is_optimizer(obj):
        variables = obj.variables
    elif hasattr(obj, "weights") and not isinstance(obj, type):  # a layer or model
        variables = obj.weights
    elif hasattr(obj, "variables") and not isinstance(obj, type):  # another tf.Module
        variables = obj.variables
    else:
        raise TypeError(f"Checkpoint: cannot save {key!r} of type {type(obj).__name__}; give "
                        "models, layers, optimizers, tf.Modules, tf.Variables, dataset "
                        "iterators or Checkpoints.")
    if groups is not None:
        groups[key] = (obj, len(variables))
    for i, v in enumerate(variables):
        out[f"{key}/.variables/{i}"] = v


class _Paths(set):
    """The ids of the objects a walk has seen (``seen``), with the first path of each and the
    later paths that reach an object again: TensorFlow's object graph keeps every edge, so a
    variable saved once under "listed/1" restores through "mapped/two" as well."""

    def __init__(self):
        super().__init__()
        self.first: dict = {}
        self.aliases: dict = {}

    def alias(self, obj, key: str) -> None:
        first = self.first.get(id(obj))
        if first and first != key and key not in self.aliases:
            self.aliases[key] = first


def _alias_keys(aliases: dict, keys) -> dict:
    """Every saved key reached through an alias path: alias key -> saved key (an alias of an
    object stands for all the keys under its first path)."""
    out = {}
    for alias, first in aliases.items():
        for key in keys:
            if key == first or key.startswith(first + "/"):
                out.setdefault(alias + key[len(first):], key)
    return out


class ListWrapper(list):
    """A list set on a tf.train.Checkpoint (``ckpt.listed = []``): a list whose changes
    (``append``, ``extend``, ``insert``, item assignment) reach the checkpoint as TensorFlow's
    tracked lists do, so a variable appended after a ``restore`` gets its saved value."""

    def _changed(self):
        owner, name = getattr(self, "_owner", (None, None))
        if owner is not None and _control._setattr_listeners:
            for listener in tuple(_control._setattr_listeners):
                listener(owner, name, self)

    def append(self, value):
        super().append(value)
        self._changed()

    def extend(self, values):
        super().extend(values)
        self._changed()

    def insert(self, index, value):
        super().insert(index, value)
        self._changed()

    def __setitem__(self, index, value):
        super().__setitem__(index, value)
        self._changed()

    def __repr__(self) -> str:
        return f"ListWrapper({list.__repr__(self)})"


class DictWrapper(dict):
    """A dict set on a tf.train.Checkpoint: its new entries reach the checkpoint as
    TensorFlow's tracked dicts do (see :class:`ListWrapper`)."""

    def __setitem__(self, key, value):
        super().__setitem__(key, value)
        owner, name = getattr(self, "_owner", (None, None))
        if owner is not None and _control._setattr_listeners:
            for listener in tuple(_control._setattr_listeners):
                listener(owner, name, self)

    def update(self, *args, **kwargs):
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __repr__(self) -> str:
        return f"DictWrapper({dict.__repr__(self)})"


def _layer_variables(layer, key: str, out: dict, seen: set) -> None:
    """key -> Variable for the variables of ``layer`` by attribute path: a model's layers
    under "layers/<place in model.layers>", then each attribute holding a Variable or a layer
    (or a list, tuple or dict of them) under its name, then any weight no attribute holds
    under ".weights/<place among the layer's own>"."""
    children = []
    if getattr(layer, "_layers", None) or getattr(layer, "_graph", None) is not None:
        children += [(f"layers/{i}", sub) for i, sub in enumerate(layer.layers)]
    children += [(name, value) for name, value in vars(layer).items()
                 if name not in _layer_base._NOT_OWNED and name != "_layers"]

    def visit(path, value, depth):
        if isinstance(value, Variable):
            if id(value) not in seen:
                seen.add(id(value))
                out[path] = value
        elif isinstance(value, _layer_base.Layer):
            if id(value) not in seen:
                seen.add(id(value))
                _layer_variables(value, path, out, seen)
        elif depth < 8 and isinstance(value, dict):
            for name in sorted(value, key=str):
                visit(f"{path}/{name}", value[name], depth + 1)
        elif depth < 8 and isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                visit(f"{path}/{i}", item, depth + 1)

    for name, value in children:
        visit(f"{key}/{name}", value, 0)
    for i, v in enumerate(layer._own_variables()):
        if id(v) not in seen:
            seen.add(id(v))
            out[f"{key}/.weights/{i}"] = v


def _trackable(value) -> bool:
    """Whether a tf.Module attribute holds variables (plain numbers, strings, flags do not)."""
    if isinstance(value, (Variable, Module, Checkpoint, dict, list, tuple)):
        return True
    return hasattr(value, "weights") or _is_optimizer(value) or hasattr(
        value, "_checkpoint_position")


def _is_optimizer(obj) -> bool:
    return hasattr(obj, "apply_gradients") and hasattr(obj, "variables")


def _atomic_write(path: str, write) -> None:
    directory = os.path.dirname(path) or "."
    os.makedirs(directory, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
        os.replace(temp, path)
    except BaseException:
        if os.path.exists(temp):
            os.remove(temp)
        raise


def _write(prefix: str, variables: dict, aliases: dict | None = None) -> None:
    arrays, index = {}, []
    for i, (key, v) in enumerate(variables.items()):
        value = np.array(backend.to_numpy(v.value), order="C")  # (0-d stays 0-d)
        arrays[f"v{i}"] = value
        index.append({"key": key, "shape": list(value.shape), "dtype": value.dtype.str})
    _atomic_write(prefix + DATA_SUFFIX, lambda f: np.savez(f, **arrays))
    meta = {"format": FORMAT, "version": VERSION, "variables": index}
    if aliases:
        meta["aliases"] = dict(aliases)
    _atomic_write(prefix + ".index", lambda f: f.write(json.dumps(meta).encode("utf-8")))


class _Saved(dict):
    """key -> array of a checkpoint, and the format version that wrote it."""

    version = VERSION
    aliases: dict = {}  # alias key -> saved key (another path to the same variable)


def _read(prefix: str) -> dict:
    """key -> array of the checkpoint at ``prefix``; NotFoundError / DataLossError-like
    InvalidArgumentError for missing or damaged files."""
    prefix = os.fspath(prefix)
    if not os.path.exists(prefix + ".index"):
        raise NotFoundError(None, None, f"Checkpoint: no checkpoint at {prefix!r} (expected "
                                        f"{prefix}.index and {prefix}{DATA_SUFFIX}).")
    try:
        with open(prefix + ".index", "rb") as f:
            meta = json.loads(f.read(1 << 24).decode("utf-8"))
        if meta.get("format") != FORMAT:
            raise ValueError("not a numnet checkpoint")
        if int(meta.get("version", 0)) > VERSION:
            raise ValueError(f"written by a newer numnet (format version {meta['version']})")
        entries = meta["variables"]
        out = _Saved()
        out.version = int(meta.get("version", 1))
        with np.load(prefix + DATA_SUFFIX, allow_pickle=False) as data:
            for i, entry in enumerate(entries):
                value = data[f"v{i}"]
                if list(value.shape) != entry["shape"] or value.dtype.str != entry["dtype"]:
                    raise ValueError(f"the value of {entry['key']!r} does not match its index")
                out[str(entry["key"])] = value
        aliases = meta.get("aliases") or {}
        if not isinstance(aliases, dict):
            raise ValueError("its aliases are not a mapping")
        out.aliases = _alias_keys({str(k): str(v) for k, v in aliases.items()}, list(out))
        return out
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as e:
        raise InvalidArgumentError(None, None, f"Checkpoint: the checkpoint at {prefix!r} "
                                               f"cannot be read ({e}).") from None


class LoadStatus:
    """What a restore matched: ``assert_consumed()`` (every saved value found a variable and
    every variable a value), ``assert_existing_objects_matched()`` (every variable now
    present got a value), ``assert_nontrivial_match()``, ``expect_partial()``.

    Args:
        matched: keys restored.
        unused: saved keys with no variable.
        missing: variable keys with no saved value.
    """

    def __init__(self, matched, unused, missing):
        self.matched, self.unused, self.missing = list(matched), list(unused), list(missing)

    def assert_consumed(self) -> LoadStatus:
        """Raise AssertionError unless every value and every variable matched."""
        if self.unused or self.missing:
            raise AssertionError(f"Unresolved objects in the checkpoint: {self.unused[:5]}; "
                                 f"variables without a value: {self.missing[:5]}.")
        return self

    def assert_existing_objects_matched(self) -> LoadStatus:
        """Raise AssertionError unless every variable now present got a value."""
        if self.missing:
            raise AssertionError(f"Variables without a value in the checkpoint: "
                                 f"{self.missing[:5]}.")
        return self

    def assert_nontrivial_match(self) -> LoadStatus:
        """Raise AssertionError unless at least one variable was restored."""
        if not self.matched:
            raise AssertionError("Nothing in the checkpoint matched the objects given.")
        return self

    def expect_partial(self) -> LoadStatus:
        """Accept a partial match silently."""
        return self

    def run_restore_ops(self, session=None) -> None:
        """Nothing to run: the values were assigned when restore was called."""

    def initialize_or_restore(self, session=None) -> None:
        """Nothing to run: the values were assigned when restore was called."""


class Checkpoint:
    """Save and restore the variables of the objects given as keyword arguments (models,
    layers, optimizers, tf.Modules, tf.Variables, other Checkpoints), as ``tf.train.
    Checkpoint``: ``save(prefix)`` writes prefix-N (N = save_counter), ``restore(path)``
    assigns the saved values, ``write`` / ``read`` without the counter.

    Args:
        root: an object whose variables are saved under "root". Defaults to ``None``.
        **kwargs: the objects, by name.

    Example:
        >>> import tempfile
        >>> v = numnet.Variable(3.0)
        >>> ckpt = numnet.train.Checkpoint(v=v)
        >>> path = ckpt.save(tempfile.mkdtemp() + "/ckpt")
        >>> _ = v.assign(0.0)
        >>> _ = ckpt.restore(path)
        >>> float(v)
        3.0
    """

    def __init__(self, root=None, **kwargs):
        objects = dict(kwargs)
        if root is not None:
            objects["root"] = root
        for name, obj in objects.items():
            if isinstance(obj, (str, bytes, int, float)) or obj is None:
                raise ValueError(f"Checkpoint({name}=...): expected an object with variables, "
                                 f"given {obj!r}.")
        self._objects = objects
        self.save_counter = Variable(backend.xp.asarray(0, dtype=np.int64), name="save_counter",
                                     trainable=False)
        self.save_counter.requires_grad = False

    def __getattr__(self, name):
        objects = self.__dict__.get("_objects", {})
        if name in objects:
            return objects[name]
        raise AttributeError(f"'Checkpoint' object has no attribute {name!r}")

    def _leaves(self, prefix: str = "") -> list:
        """(key, object) of every object held, nested Checkpoints opened."""
        out = []
        for name, obj in self._objects.items():
            key = f"{prefix}/{name}" if prefix else name
            out += obj._leaves(key) if isinstance(obj, Checkpoint) else [(key, obj)]
        return out

    def _build_optimizers(self, saved: dict) -> None:
        """Make the slots of an optimizer that has none yet but has saved ones, for the
        trainable variables of the models held beside it (TensorFlow defers their
        restoration until they exist; numnet makes them now)."""
        leaves = self._leaves()
        trainables = [v for _, obj in leaves if not _is_optimizer(obj)
                      and hasattr(obj, "trainable_weights") for v in obj.trainable_weights]
        for key, opt in leaves:
            if not _is_optimizer(opt) or not hasattr(opt, "build"):
                continue
            count = sum(1 for k in saved if k.startswith(f"{key}/.variables/"))
            if count > len(opt.variables) and trainables:
                opt.build(trainables)

    def _variables(self, by_place: bool = False, paths: set | None = None) -> dict:
        out: dict = {}
        _variables_of(self, "", out, set() if paths is None else paths, by_place=by_place)
        out["save_counter"] = self.save_counter
        return out

    def __setattr__(self, name, value):
        if name.startswith("_") or name == "save_counter":
            object.__setattr__(self, name, value)
            return
        # as TensorFlow: an attribute is an object to save, and values saved for it that are
        # waiting (a restore before it was given) are assigned now
        if type(value) is list:  # tracked, as TensorFlow's ListWrapper / DictWrapper
            value = ListWrapper(value)
        elif type(value) is dict:
            value = DictWrapper(value)
        if isinstance(value, (ListWrapper, DictWrapper)):
            value._owner = (self, name)
        self._objects[name] = value
        if _control._setattr_listeners:
            for listener in tuple(_control._setattr_listeners):
                listener(self, name, value)

    def write(self, file_prefix, options=None) -> str:
        """Write the variables to exactly ``file_prefix`` (no counter); returns it.

        Args:
            file_prefix: the path prefix.
            options: accepted as TensorFlow's. Defaults to ``None``.
        """
        prefix = os.fspath(file_prefix)
        paths = _Paths()
        _write(prefix, self._variables(paths=paths), paths.aliases)
        return prefix

    def save(self, file_prefix, options=None) -> str:
        """Increase save_counter and write to ``file_prefix-<save_counter>``; returns that
        path. The directory's ``checkpoint`` file records it as the latest.

        Args:
            file_prefix: the path prefix ("dir/ckpt").
            options: accepted as TensorFlow's. Defaults to ``None``.
        """
        self.save_counter.assign_add(1)
        prefix = f"{os.fspath(file_prefix)}-{int(self.save_counter.value)}"
        self.write(prefix)
        directory = os.path.dirname(prefix) or "."
        state = _read_state(directory)
        paths = [p for p in state[1] if p != prefix] + [prefix]
        _write_state(directory, prefix, paths)
        return prefix

    def read(self, save_path, options=None) -> LoadStatus:
        """Assign the values saved at ``save_path`` to the variables (save_counter too).

        Args:
            save_path: a checkpoint prefix.
            options: accepted as TensorFlow's. Defaults to ``None``.
        """
        return self.restore(save_path, options)

    def restore(self, save_path, options=None) -> LoadStatus:
        """Assign the values saved at ``save_path`` (a prefix such as "dir/ckpt-3") to the
        variables that match; ``None`` restores nothing (as TensorFlow, for a first run).

        Values whose variables do not exist yet wait for them, as in TensorFlow: a model not
        built yet gets its values when it is built (for a subclassed model, at its first call,
        before the call runs), its optimizer's slots with them; a tf.Module's variable gets
        its value when it is assigned to the module's attribute, and an object assigned to an
        attribute of a Checkpoint gets its values then. ``assert_consumed()`` passes once none
        wait. A dataset iterator goes back to its saved position.

        Args:
            save_path: a checkpoint prefix, or None.
            options: accepted as TensorFlow's. Defaults to ``None``.

        Raises:
            ValueError: a saved value's shape differs from its variable's.
            NotFoundError: no checkpoint at ``save_path``.
        """
        if save_path is None:
            return LoadStatus([], [], list(self._variables()))
        saved = _read(os.fspath(save_path))
        status = LoadStatus([], list(saved), [k for k in self._variables(saved.version < 2)
                                              if k not in saved and k not in saved.aliases])
        pending = _Pending(self, saved, status)
        pending.resolve()
        if pending.waiting:
            _pending.append(pending)
            _listen(True)
        return status


class _Pending:
    """The values of one restore that have no variable yet; ``resolve`` assigns those whose
    variables exist now."""

    def __init__(self, checkpoint: Checkpoint, saved: dict, status: LoadStatus):
        self.checkpoint, self.saved, self.status = checkpoint, saved, status
        self.waiting = dict(saved)

    def resolve(self) -> None:
        ckpt = self.checkpoint
        ckpt._build_optimizers(self.saved)
        groups: dict = {}
        positions: list = []  # (iterator, Variable of its position): moved after the values
        variables = {}
        _variables_of(ckpt, "", variables, set(), groups, positions,
                      by_place=getattr(self.saved, "version", VERSION) < 2)
        variables["save_counter"] = ckpt.save_counter
        # an optimizer's values (a layer's too, in a version-1 file) only when it has all
        # its variables: they are keyed by place, so a partly built object would take another
        # variable's value
        complete = {key: len([k for k in self.saved if k.startswith(f"{key}/.variables/")])
                    == count for key, (_, count) in groups.items()}
        aliases = getattr(self.saved, "aliases", {})
        for key, v in variables.items():
            if key not in self.waiting and key in aliases and key not in self.saved:
                key = aliases[key]  # another path to a variable saved under its first path
            if key not in self.waiting:
                continue
            owner = key.rsplit("/.variables/", 1)[0] if "/.variables/" in key else None
            if owner is not None and not complete.get(owner, True):
                continue
            value = self.waiting.pop(key)
            if tuple(value.shape) != tuple(v.shape):
                raise ValueError(f"Checkpoint.restore: {key!r} has shape {tuple(v.shape)} "
                                 f"but the checkpoint holds {tuple(value.shape)}; build the "
                                 "objects as they were when saved.")
            v.value[...] = backend.to_device(value.astype(v.dtype, copy=False))
            self.status.matched.append(key)
        self.status.unused[:] = list(self.waiting)  # (what assert_consumed reports)
        for iterator, position in positions:
            if position.value is not None and int(position.value) != \
                    iterator._checkpoint_position():
                iterator._restore_position(int(position.value))
        for obj, _ in groups.values():
            if _is_optimizer(obj) and hasattr(obj, "_step"):
                # numnet's optimizers count steps in Python; iterations mirrors the count
                steps = int(np.asarray(backend.to_numpy(obj.iterations.value)))
                obj._step = steps * (getattr(obj, "gradient_accumulation_steps", None) or 1)


# restores with values still waiting for their variables; while there are any, layers report
# their builds and tf.Modules / Checkpoints their attributes here
_pending: list = []


def _on_change(*_args) -> None:
    for pending in list(_pending):
        pending.resolve()
        if not pending.waiting:
            _pending.remove(pending)
    if not _pending:
        _listen(False)


def _listen(on: bool) -> None:
    for listeners in (_layer_base._build_listeners, _control._setattr_listeners):
        if on and _on_change not in listeners:
            listeners.append(_on_change)
        elif not on and _on_change in listeners:
            listeners.remove(_on_change)


# ----------------------------------------------------------------------------- the directory


def _state_path(directory: str, latest_filename=None) -> str:
    return os.path.join(directory, latest_filename or "checkpoint")


def _read_state(directory: str, latest_filename=None) -> tuple:
    """(latest path or None, all paths) from the directory's ``checkpoint`` file."""
    path = _state_path(directory, latest_filename)
    if not os.path.exists(path):
        return None, []
    with open(path, encoding="utf-8") as f:
        text = f.read(1 << 20)
    latest = re.search(r'^model_checkpoint_path:\s*"(.*)"\s*$', text, re.MULTILINE)
    everything = re.findall(r'^all_model_checkpoint_paths:\s*"(.*)"\s*$', text, re.MULTILINE)

    def full(p):
        return p if os.path.isabs(p) else os.path.join(directory, p)

    return (full(latest.group(1)) if latest else None), [full(p) for p in everything]


def _write_state(directory: str, latest: str, paths: list, latest_filename=None) -> None:
    def rel_of(p):
        return os.path.relpath(os.path.abspath(p), os.path.abspath(directory))

    lines = [f'model_checkpoint_path: "{rel_of(latest)}"'] + [
        f'all_model_checkpoint_paths: "{rel_of(p)}"' for p in paths]
    text = "\n".join(lines) + "\n"
    _atomic_write(_state_path(directory, latest_filename), lambda f: f.write(text.encode()))


def latest_checkpoint(checkpoint_dir, latest_filename=None):
    """The prefix of the newest checkpoint in ``checkpoint_dir`` (from its ``checkpoint``
    file), or None when there is none.

    Args:
        checkpoint_dir: the directory.
        latest_filename: the state file's name. Defaults to ``None`` ("checkpoint").

    Example:
        >>> numnet.train.latest_checkpoint("/nonexistent") is None
        True
    """
    latest, _ = _read_state(os.fspath(checkpoint_dir), latest_filename)
    if latest is None or not os.path.exists(latest + ".index"):
        return None
    return latest


def _delete(prefix: str) -> None:
    for path in (prefix + ".index", prefix + DATA_SUFFIX):
        if os.path.exists(path):
            os.remove(path)


class CheckpointManager:
    """Numbered checkpoints of a Checkpoint in ``directory``, keeping the newest
    ``max_to_keep``: ``save()`` writes directory/ckpt-N and deletes the oldest beyond it;
    ``latest_checkpoint`` is the newest (also after a restart: the directory's
    ``checkpoint`` file is read back).

    Args:
        checkpoint: the tf.train.Checkpoint to save.
        directory: where the files go.
        max_to_keep: how many to keep; None keeps all. Defaults to ``5``.
        keep_checkpoint_every_n_hours: additionally keep one checkpoint per this many hours.
            Defaults to ``None``.
        checkpoint_name: the files' prefix. Defaults to ``"ckpt"``.
        step_counter: a Variable whose value numbers the checkpoints (with
            checkpoint_interval). Defaults to ``None``.
        checkpoint_interval: save only every this many steps of step_counter. Defaults to
            ``None``.
        init_fn: called by restore_or_initialize when there is no checkpoint. Defaults to
            ``None``.

    Example:
        >>> import tempfile
        >>> ckpt = numnet.train.Checkpoint(v=numnet.Variable(1.0))
        >>> manager = numnet.train.CheckpointManager(ckpt, tempfile.mkdtemp(), max_to_keep=2)
        >>> _ = [manager.save() for _ in range(3)]
        >>> [p.rsplit("-", 1)[1] for p in manager.checkpoints]
        ['2', '3']
    """

    def __init__(self, checkpoint, directory, max_to_keep=5, keep_checkpoint_every_n_hours=None,
                 checkpoint_name="ckpt", step_counter=None, checkpoint_interval=None,
                 init_fn=None):
        if not isinstance(checkpoint, Checkpoint):
            raise TypeError(f"CheckpointManager(checkpoint): expected a tf.train.Checkpoint, "
                            f"given {type(checkpoint).__name__}.")
        if checkpoint_interval is not None and step_counter is None:
            raise ValueError("CheckpointManager: checkpoint_interval needs a step_counter.")
        self._checkpoint = checkpoint
        self._directory = os.fspath(directory)
        self._max_to_keep = max_to_keep
        self._every_hours = keep_checkpoint_every_n_hours
        self._prefix = os.path.join(self._directory, checkpoint_name)
        self._step_counter = step_counter
        self._interval = checkpoint_interval
        self._init_fn = init_fn
        self._last_step = None
        self._last_kept_time = time.time()
        latest, paths = _read_state(self._directory)
        self._checkpoints = [p for p in paths if os.path.exists(p + ".index")]
        self._latest = latest if latest in self._checkpoints else (
            self._checkpoints[-1] if self._checkpoints else None)

    @property
    def directory(self) -> str:
        """The directory of the checkpoints."""
        return self._directory

    @property
    def checkpoint(self) -> Checkpoint:
        """The Checkpoint saved."""
        return self._checkpoint

    @property
    def latest_checkpoint(self):
        """The newest checkpoint's prefix, or None."""
        return self._latest

    @property
    def checkpoints(self) -> list:
        """The prefixes kept, oldest first."""
        return list(self._checkpoints)

    @property
    def checkpoint_interval(self):
        """Save every this many steps of step_counter, or None."""
        return self._interval

    def save(self, checkpoint_number=None, check_interval=True, options=None):
        """Write a new numbered checkpoint and delete the oldest beyond max_to_keep; returns
        its prefix (None when checkpoint_interval says not yet).

        Args:
            checkpoint_number: the number; None for the Checkpoint's save_counter + 1 (or the
                step_counter's value). Defaults to ``None``.
            check_interval: honour checkpoint_interval. Defaults to ``True``.
            options: accepted as TensorFlow's. Defaults to ``None``.
        """
        ckpt = self._checkpoint
        if self._step_counter is not None and checkpoint_number is None:
            checkpoint_number = int(np.asarray(backend.to_numpy(self._step_counter.value)))
            if check_interval and self._interval is not None and self._last_step is not None \
                    and checkpoint_number < self._last_step + self._interval:
                return None
            self._last_step = checkpoint_number
        ckpt.save_counter.assign_add(1)
        number = int(ckpt.save_counter.value) if checkpoint_number is None else int(
            plain_int(checkpoint_number))
        prefix = f"{self._prefix}-{number}"
        ckpt.write(prefix)
        self._checkpoints = [p for p in self._checkpoints if p != prefix] + [prefix]
        self._latest = prefix
        self._sweep()
        _write_state(self._directory, prefix, self._checkpoints)
        return prefix

    def _sweep(self) -> None:
        if self._max_to_keep is None:
            return
        while len(self._checkpoints) > self._max_to_keep:
            oldest = self._checkpoints.pop(0)
            if self._every_hours and time.time() - self._last_kept_time >= \
                    self._every_hours * 3600:
                self._last_kept_time = time.time()
                continue  # kept on disk, no longer managed
            _delete(oldest)

    def restore_or_initialize(self):
        """Restore the latest checkpoint and return its prefix, or call init_fn and return
        None when there is none."""
        if self._latest is not None:
            self._checkpoint.restore(self._latest)
            return self._latest
        if self._init_fn is not None:
            self._init_fn()
        return None

    def sync(self) -> None:
        """Nothing to wait for: saves are synchronous."""


def plain_int(value) -> int:
    return int(np.asarray(getattr(value, "value", value)))


_TF_VALUE = "/.ATTRIBUTES/VARIABLE_VALUE"


def _key(name) -> str:
    """A checkpoint key as numnet stores it: TensorFlow's spelling of a variable's key
    ("net/l1/bias/.ATTRIBUTES/VARIABLE_VALUE") is the path before the suffix."""
    name = str(name)
    return name[: -len(_TF_VALUE)] if name.endswith(_TF_VALUE) else name


class _KeyMap(dict):
    """A map of checkpoint keys that also answers to TensorFlow's spelling of a key."""

    def __missing__(self, name):
        key = _key(name)
        if key != name and key in self:
            return self[key]
        raise KeyError(name)

    def __contains__(self, name) -> bool:
        return dict.__contains__(self, name) or dict.__contains__(self, _key(name))

    def get(self, name, default=None):
        return self[name] if name in self else default


class CheckpointReader:
    """The saved values of one checkpoint, by key (``tf.train.load_checkpoint``). Keys are
    numnet's ("net/l1/bias"); TensorFlow's spelling of a variable's key
    ("net/l1/bias/.ATTRIBUTES/VARIABLE_VALUE") finds the same value, here and in the maps.

    Args:
        prefix: the checkpoint's prefix.
    """

    def __init__(self, prefix):
        self._values = _KeyMap(_read(os.fspath(prefix)))

    def get_tensor(self, name) -> np.ndarray:
        """The saved array of ``name``; NotFoundError when there is none."""
        if name not in self._values:
            raise NotFoundError(None, None, f"Key {name} not found in checkpoint")
        return self._values[name]

    def has_tensor(self, name) -> bool:
        """Whether the checkpoint holds ``name``."""
        return name in self._values

    def get_variable_to_shape_map(self) -> dict:
        """name -> shape (a list) of every saved value (TensorFlow's spelling of a key works
        too)."""
        return _KeyMap((k, list(v.shape)) for k, v in self._values.items())

    def get_variable_to_dtype_map(self) -> dict:
        """name -> dtype of every saved value (TensorFlow's spelling of a key works too)."""
        return _KeyMap((k, v.dtype) for k, v in self._values.items())


def _resolve(ckpt_dir_or_file) -> str:
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise NotFoundError(None, None, f"No checkpoint found in {path!r}.")
        return latest
    return path


def load_checkpoint(ckpt_dir_or_file) -> CheckpointReader:
    """A reader of a checkpoint (a prefix, or a directory for its latest one).

    Args:
        ckpt_dir_or_file: a checkpoint prefix or directory.

    Example:
        >>> import tempfile
        >>> path = numnet.train.Checkpoint(v=numnet.Variable(2.0)).write(tempfile.mkdtemp() + "/c")
        >>> float(numnet.train.load_checkpoint(path).get_tensor("v"))
        2.0
    """
    return CheckpointReader(_resolve(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file) -> list:
    """(name, shape) of every value of a checkpoint, sorted by name.

    Args:
        ckpt_dir_or_file: a checkpoint prefix or directory.

    Example:
        >>> import tempfile
        >>> path = numnet.train.Checkpoint(v=numnet.Variable(2.0)).write(tempfile.mkdtemp() + "/c")
        >>> numnet.train.list_variables(path)
        [('save_counter', []), ('v', [])]
    """
    reader = load_checkpoint(ckpt_dir_or_file)
    return sorted(reader.get_variable_to_shape_map().items())


def load_variable(ckpt_dir_or_file, name) -> np.ndarray:
    """The saved value of ``name`` in a checkpoint.

    Args:
        ckpt_dir_or_file: a checkpoint prefix or directory.
        name: the value's key, numnet's ("step") or TensorFlow's
            ("step/.ATTRIBUTES/VARIABLE_VALUE").

    Example:
        >>> import tempfile
        >>> path = numnet.train.Checkpoint(v=numnet.Variable(2.0)).write(tempfile.mkdtemp() + "/c")
        >>> float(numnet.train.load_variable(path, "v"))
        2.0
    """
    return load_checkpoint(ckpt_dir_or_file).get_tensor(name)


def checkpoints_iterator(checkpoint_dir, min_interval_secs=0, timeout=None, timeout_fn=None):
    """Yield each new latest checkpoint of ``checkpoint_dir`` as it appears, until
    ``timeout`` seconds pass without one (None: the current one only, then stop).

    Args:
        checkpoint_dir: the directory.
        min_interval_secs: the least time between two yields. Defaults to ``0``.
        timeout: seconds to wait for a new one; None yields what is there and stops.
            Defaults to ``None``.
        timeout_fn: called on timeout; returning True stops. Defaults to ``None``.
    """
    last = None
    while True:
        start = time.time()
        current = latest_checkpoint(checkpoint_dir)
        while current == last:
            if timeout is None or time.time() - start > timeout:
                if timeout_fn is None or timeout_fn():
                    return
                start = time.time()
            time.sleep(0.1)
            current = latest_checkpoint(checkpoint_dir)
        last = current
        yield current
        time.sleep(min_interval_secs)


TRAIN = {
    "Checkpoint": Checkpoint, "CheckpointManager": CheckpointManager,
    "CheckpointReader": CheckpointReader, "checkpoints_iterator": checkpoints_iterator,
    "latest_checkpoint": latest_checkpoint, "list_variables": list_variables,
    "load_checkpoint": load_checkpoint, "load_variable": load_variable,
}
"""The names of ``tf.train``."""
