"""Keras 3 ``.weights.h5`` files (HDF5, through the optional h5py: pip install 'numnet[h5]').

Layout, as Keras 3 writes it: ``/layers/<key>/vars/<i>`` holds the i-th weight of a layer,
where ``<key>`` is the snake-case class name of the layer with a counter per class (``dense``,
``dense_1``, ``batch_normalization``, ...) in the model's layer order; ``/vars`` is the model's own
(empty) group. Reading follows hard links only, plus soft links whose target stays inside the
file; external links, external raw-data files and virtual datasets are refused, and only
numeric datasets of the expected shape are read.
"""

from __future__ import annotations

import math
import re
import warnings

import numpy as np

from .. import backend
from .atomic import atomic_write
from .errors import ModelFileError

_MAX_HOPS = 32


def _h5py():
    try:
        import h5py
    except ImportError as err:
        raise ImportError(
            "Reading or writing .h5 weights needs h5py, which is not installed. Install it "
            "with: pip install 'numnet[h5]'") from err
    return h5py


def keras_key(class_name: str) -> str:
    """Keras's snake case of a class name (Dense -> dense, Conv2D -> conv2d)."""
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def _keys(model) -> list:
    """[(layer, key)] for the model's layers in order, with Keras's per-class counters."""
    from ..layers.base import InputLayer

    used: dict[str, int] = {}
    out = []
    for layer in model._all_layers():
        if isinstance(layer, InputLayer):
            continue
        key = keras_key(type(layer).__name__)
        if key in used:
            used[key] += 1
            key = f"{key}_{used[key]}"
        else:
            used[key] = 0
        out.append((layer, key))
    return out


def save_weights(model, path: str, overwrite: bool = True) -> None:
    h5py = _h5py()

    def write(f):
        with h5py.File(f, "w") as h5:
            layers = h5.create_group("layers")
            for layer, key in _keys(model):
                group = layers.create_group(key).create_group("vars")
                group.attrs["name"] = layer.name
                for i, var in enumerate(layer.weights):
                    group.create_dataset(str(i), data=backend.to_numpy(var.value))
            h5.create_group("vars").attrs["name"] = model.name

    atomic_write(path, write, overwrite=overwrite, where="save_weights")


class _Reader:
    def __init__(self, h5py, h5, path: str):
        self.h5py, self.h5, self.path = h5py, h5, path

    def fail(self, where: str, message: str) -> ModelFileError:
        return ModelFileError(f"{self.path}: {where}: {message}")

    def get(self, path: str):
        """The object at ``path`` (absolute, '/'-separated), following only hard links and soft
        links inside this file; None if absent."""
        return self._walk(self.h5, [p for p in path.split("/") if p], path, [0])

    def _walk(self, group, parts, where, hops):
        obj = group
        for part in parts:
            if not isinstance(obj, self.h5py.Group):
                return None
            link = obj.get(part, getlink=True)
            if link is None:
                return None
            if isinstance(link, self.h5py.ExternalLink):
                raise self.fail(where, f"{part!r} is an external link to {link.filename!r}; "
                                       "refused (a weights file must be self-contained)")
            if isinstance(link, self.h5py.SoftLink):
                hops[0] += 1
                if hops[0] > _MAX_HOPS:
                    raise self.fail(where, "too many soft links (a loop?)")
                target = link.path
                start = self.h5 if target.startswith("/") else obj
                obj = self._walk(start, [p for p in target.split("/") if p], where, hops)
                if obj is None:
                    raise self.fail(where, f"soft link {part!r} points to {target!r}, which is "
                                           "not in this file")
            elif isinstance(link, self.h5py.HardLink):
                obj = obj[part]
            else:
                raise self.fail(where, f"unsupported link type {type(link).__name__}")
        return obj

    def read(self, where: str, shape: tuple, budget: list) -> np.ndarray:
        ds = self.get(where)
        if not isinstance(ds, self.h5py.Dataset):
            raise self.fail(where, "missing or not a dataset")
        if ds.is_virtual:
            raise self.fail(where, "a virtual dataset (data in other files); refused")
        if ds.external:
            raise self.fail(where, "its data lives in external files; refused")
        dtype = ds.dtype
        if dtype.kind not in "biuf" or dtype.fields or dtype.subdtype:
            raise self.fail(where, f"dtype {dtype} is not numeric")
        if tuple(ds.shape or ()) != tuple(shape):
            raise self.fail(where, f"the model expects shape {tuple(shape)}, the file has "
                                   f"{tuple(ds.shape or ())}")
        nbytes = math.prod(shape) * dtype.itemsize
        budget[0] -= nbytes
        if budget[0] < 0:
            raise self.fail(where, "the weights add up to more than max_bytes")
        return np.asarray(ds[()])


def load_weights(model, path, skip_mismatch: bool, max_bytes: int, keys=None,
                 source: str | None = None) -> None:
    """Set the model's weights from the file (a path or a binary file object) at ``path``.

    ``keys`` ([(layer, key)], where the layer's weights are at ``/layers/<key>/vars``) defaults
    to Keras's keys of the model's layers in order; ``source`` names the file in errors."""
    h5py = _h5py()
    source = source or path
    try:
        h5 = h5py.File(path, "r")
    except OSError as err:
        raise ModelFileError(f"{source}: not a readable HDF5 file ({err})") from None
    with h5:
        reader = _Reader(h5py, h5, source)
        budget = [int(max_bytes)]
        pending = []
        try:
            layers_group = reader.get("/layers")
            if not isinstance(layers_group, h5py.Group):
                raise reader.fail("/layers", "missing: not a Keras 3 .weights.h5 file")
            keys = _keys(model) if keys is None else keys
            expected = {key.split("/")[0] for _, key in keys}
            extra = sorted(k for k in layers_group.keys()
                           if k not in expected and _has_vars(reader, f"/layers/{k}/vars"))
            if extra:
                raise reader.fail("/layers", (
                    f"holds weights for layers {extra} that the model does not have (the model's "
                    f"layers in Keras naming: {[k for _, k in keys]})"))
            for layer, key in keys:
                where = f"/layers/{key}/vars"
                variables = layer.weights
                group = reader.get(where)
                if group is None and not variables:
                    continue
                if not isinstance(group, h5py.Group):
                    raise reader.fail(where, f"missing: the model's layer {layer.name!r} "
                                             f"({type(layer).__name__}) has no weights here")
                names = sorted(group.keys(), key=lambda k: (len(k), k))
                if names != [str(i) for i in range(len(variables))]:
                    problem = (f"layer {layer.name!r} has {len(variables)} variables, the file "
                               f"has {names}")
                    if skip_mismatch:
                        warnings.warn(f"load_weights: skipped {problem}.", stacklevel=4)
                        continue
                    raise reader.fail(where, problem)
                try:
                    values = [reader.read(f"{where}/{i}", var.shape, budget)
                              for i, var in enumerate(variables)]
                except ModelFileError as err:
                    if not skip_mismatch:
                        raise
                    warnings.warn(f"load_weights: skipped layer {layer.name!r}: {err}",
                                  stacklevel=4)
                    continue
                pending += list(zip(variables, values, strict=True))
        except (OSError, KeyError, ValueError, TypeError, RuntimeError) as err:
            if isinstance(err, ModelFileError):
                raise
            raise ModelFileError(f"{source}: damaged HDF5 file ({type(err).__name__}: {err})") \
                from None
    for var, value in pending:
        var.assign(value)


def _has_vars(reader: _Reader, where: str) -> bool:
    group = reader.get(where)
    return isinstance(group, reader.h5py.Group) and len(group) > 0


__all__ = ["keras_key", "load_weights", "save_weights"]
