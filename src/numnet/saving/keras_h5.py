"""Keras 3 ``.weights.h5`` files (HDF5, through the optional h5py: pip install 'numnet[h5]').

Layout, as Keras 3 writes it: ``/layers/<key>/vars/<i>`` holds the i-th weight of a layer,
where ``<key>`` is the snake-case class name of the layer with a counter per class (``dense``,
``dense_1``, ``batch_normalization``, ...) in the model's layer order; ``/vars`` is the model's own
(empty) group. A layer that holds layers keeps no weights of its own (its ``vars`` group is
empty): they are one level deeper, under the name of the attribute that holds each layer, an
RNN's in ``<key>/cell/vars``, a Bidirectional's in ``<key>/forward_layer/cell/vars`` and
``<key>/backward_layer/cell/vars``, a TimeDistributed's in ``<key>/layer/vars``. Reading
follows hard links only, plus soft links whose target stays inside the file; external links,
external raw-data files and virtual datasets are refused, and only numeric datasets of the
expected shape are read.
"""

from __future__ import annotations

import math
import re
import warnings
import zlib

import numpy as np

from .. import backend
from . import state
from .atomic import atomic_write
from .errors import ModelFileError

_MAX_HOPS = 32
CHUNK_SLACK = 1024**2
"""How much larger than its dataset a chunk may be (h5py's automatic chunks of a small,
resizable dataset), as HDF5 allocates whole chunks."""
MAX_CHUNKS = 65536
MAX_GROUPS = 100_000
MAX_DEPTH = 64
"""The most groups, and levels of them, that a search for stray weights visits in a file."""
H5_ERRORS = (OSError, KeyError, ValueError, TypeError, RuntimeError, OverflowError, IndexError,
             AttributeError, zlib.error, MemoryError)
"""What h5py (and the HDF5 library under it) raises on a damaged or hostile file."""


def _h5py():
    try:
        import h5py
    except ImportError as err:
        raise ImportError(
            "Reading or writing .h5 weights needs h5py, which is not installed. Install it "
            "with: pip install 'numnet[h5]'") from err
    return h5py


KERAS_CLASS_NAMES = {"GroupQueryAttention": "GroupedQueryAttention"}
"""Layers whose Python class in Keras has another name than the one Keras's configs and
numnet use: Keras names a layer's group in a weights file by its Python class
(``grouped_query_attention``)."""


def keras_key(class_name: str) -> str:
    """Keras's snake case of a class name (Dense -> dense, Conv2D -> conv2d), by the name of
    Keras's Python class (GroupQueryAttention -> grouped_query_attention)."""
    class_name = KERAS_CLASS_NAMES.get(class_name, class_name)
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    name = re.sub("([a-z])([A-Z])", r"\1_\2", name)
    return name.lower()


def keras_only_weights(layer) -> list:
    """The values of the weights that Keras's layer has after numnet's own (at
    ``vars/<len(layer.weights)>`` on): an adapted Normalization's sample count, which Keras 3
    keeps only for old files (written as 0; a reader checks it is a number and skips it)."""
    from ..layers import Normalization

    if isinstance(layer, Normalization) and len(layer.weights) == 2:
        return [np.zeros((), "int32")]
    return []


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


def held_layers(layer) -> list:
    """[(attribute, layer)]: the layers that ``layer`` holds, whose weights Keras keeps under
    ``<layer's key>/<attribute>``; [] for a layer that keeps its weights itself."""
    from ..layers.recurrent import RNN
    from ..layers.wrapper import Wrapper
    from ..layers.wrappers import Bidirectional, TimeDistributed

    if isinstance(layer, RNN):
        return [("cell", layer.cell)]
    if isinstance(layer, Bidirectional):
        return [("forward_layer", layer.forward_layer),
                ("backward_layer", layer.backward_layer)]
    if isinstance(layer, (TimeDistributed, Wrapper)):
        return [("layer", layer.layer)]
    held = getattr(layer, "_held_layers", None)  # a layer that says (MultiHeadAttention)
    return held() if held is not None else []


def _nodes(layer, key: str, label: str | None = None) -> list:
    """[(layer, key, label, held)] for the model's ``layer`` at ``/layers/<key>`` and, after it,
    each layer it holds, at any depth; ``held`` lists the attributes of the layers it holds
    (the layer's own weights are those of a layer that holds none); ``label`` names it in
    errors."""
    label = label or f"the model's layer {layer.name!r} ({type(layer).__name__})"
    held = held_layers(layer)
    out = [(layer, key, label, [attr for attr, _ in held])]
    for attr, inner in held:
        out += _nodes(inner, f"{key}/{attr}",
                      f"{label}, its {attr} {inner.name!r} ({type(inner).__name__})")
    return out


def save_weights(model, path: str, overwrite: bool = True) -> None:
    h5py = _h5py()

    def write(f):
        with h5py.File(f, "w") as h5:
            layers = h5.create_group("layers")
            for top, key in _keys(model):
                for layer, at, _, held in _nodes(top, key):
                    group = layers.create_group(f"{at}/vars")
                    group.attrs["name"] = layer.name
                    for i, var in enumerate([] if held else layer.weights):
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
        self._check_chunks(ds, where, nbytes)
        return np.asarray(ds[()])

    def _check_chunks(self, ds, where: str, nbytes: int) -> None:
        """A chunked dataset is read only if each chunk is no larger than the dataset (HDF5
        allocates whole chunks), it has at most MAX_CHUNKS of them, its filters are deflate,
        shuffle and fletcher32 only, and each deflated chunk inflates (here, bounded) to
        exactly a chunk: HDF5's own inflate would grow its buffer to whatever a stream holds."""
        chunks = ds.chunks
        if chunks is None:  # contiguous or compact: HDF5 reads the dataset's bytes, no more
            return
        h5z = self.h5py.h5z
        chunk_bytes = math.prod(chunks) * ds.dtype.itemsize
        if chunk_bytes > max(nbytes, CHUNK_SLACK):
            raise self.fail(where, f"stored in chunks of shape {tuple(chunks)} ({chunk_bytes} "
                                   f"bytes each) for a dataset of {nbytes} bytes; refused")
        plist = ds.id.get_create_plist()
        filters = [plist.get_filter(i)[0] for i in range(plist.get_nfilters())]
        known = {h5z.FILTER_DEFLATE: "deflate", h5z.FILTER_SHUFFLE: "shuffle",
                 h5z.FILTER_FLETCHER32: "fletcher32"}
        unknown = [f for f in filters if f not in known]
        if unknown:
            raise self.fail(where, f"compressed with the HDF5 filter {unknown[0]}, which numnet "
                                   f"does not read (only {sorted(known.values())}); save the "
                                   "weights again without it")
        if h5z.FILTER_DEFLATE not in filters:
            return
        count = ds.id.get_num_chunks()
        if count > MAX_CHUNKS:
            raise self.fail(where, f"stored in {count} chunks (at most {MAX_CHUNKS}); refused")
        deflate = filters.index(h5z.FILTER_DEFLATE)
        checksum = filters.index(h5z.FILTER_FLETCHER32) if h5z.FILTER_FLETCHER32 in filters \
            else None
        for i in range(count):
            offset = ds.id.get_chunk_info(i).chunk_offset
            mask, raw = ds.id.read_direct_chunk(offset)
            if checksum is not None and not mask & (1 << checksum):
                raw = raw[:-4]
            if mask & (1 << deflate):
                continue
            inflate = zlib.decompressobj()
            out = inflate.decompress(raw, chunk_bytes)
            if inflate.unconsumed_tail or len(out) != chunk_bytes:
                raise self.fail(where, f"chunk {i} (at {tuple(offset)}) inflates to "
                                       f"{'more' if inflate.unconsumed_tail else len(out)} "
                                       f"bytes, not the {chunk_bytes} of a chunk; refused as "
                                       "damaged or a decompression bomb")


def load_weights(model, path, skip_mismatch: bool, max_bytes: int, keys=None,
                 source: str | None = None) -> None:
    """Set the model's weights from the file (a path or a binary file object) at ``path``.

    ``keys`` ([(layer, key)], where the layer's weights are at ``/layers/<key>/vars``) defaults
    to Keras's keys of the model's layers in order; ``source`` names the file in errors."""
    h5py = _h5py()
    source = source or path
    try:
        h5 = h5py.File(path, "r")
    except H5_ERRORS as err:
        raise ModelFileError(f"{source}: not a readable HDF5 file ({type(err).__name__}: "
                             f"{err})") from None
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
            extra = sorted(k for k in _keys_of(reader, layers_group, "/layers")
                           if k not in expected and _has_weights(reader, f"/layers/{k}"))
            if extra:
                raise reader.fail("/layers", (
                    f"holds weights for layers {extra} that the model does not have (the model's "
                    f"layers in Keras naming: {[k for _, k in keys]})"))
            for top, key in keys:
                for layer, at, label, held in _nodes(top, key):
                    own = state.own_variables(layer) if held else layer.weights
                    if held:
                        _check_holder(reader, f"/layers/{at}", label, held, bool(own))
                        if not own:
                            continue
                    values = _read_layer(reader, f"/layers/{at}/vars", layer, label,
                                         skip_mismatch, budget, own)
                    if values is not None:
                        pending += list(zip(own, values, strict=True))
        except H5_ERRORS as err:
            if isinstance(err, ModelFileError):
                raise
            raise ModelFileError(f"{source}: damaged HDF5 file ({type(err).__name__}: {err})") \
                from None
    for var, value in pending:
        var.assign(value)


def _check_holder(reader: _Reader, where: str, label: str, held: list,
                  own: bool = False) -> None:
    """A layer that holds layers: no weights of its own unless it has some (a
    SpectralNormalization's), none for layers it does not hold."""
    if not own and _has_vars(reader, f"{where}/vars"):
        raise reader.fail(f"{where}/vars", (
            f"holds weights, where Keras keeps none for {label}: its weights belong under "
            f"{[f'{where}/{attr}' for attr in held]}"))
    group = reader.get(where)
    if not isinstance(group, reader.h5py.Group):
        return
    extra = sorted(k for k in _keys_of(reader, group, where)
                   if k not in held and k != "vars" and _has_weights(reader, f"{where}/{k}"))
    if extra:
        raise reader.fail(where, f"holds weights for {extra}, which {label} does not have "
                                 f"(it holds {held})")


def _read_layer(reader: _Reader, where: str, layer, label: str, skip_mismatch: bool,
                budget: list, variables=None):
    """The values of the layer's weights (or of ``variables``) at ``where``, checked; None for
    a layer without weights there, or one skipped (with a warning) under skip_mismatch."""
    variables = layer.weights if variables is None else variables
    group = reader.get(where)
    if group is None and not variables:
        return None
    if not isinstance(group, reader.h5py.Group):
        raise reader.fail(where, f"missing: {label} has no weights here")
    names = sorted(_keys_of(reader, group, where), key=lambda k: (len(k), k))
    extra = keras_only_weights(layer)
    if names == [str(i) for i in range(len(variables) + len(extra))]:
        for i, value in enumerate(extra, start=len(variables)):  # checked, then skipped
            reader.read(f"{where}/{i}", value.shape, budget)
        names = names[:len(variables)]
    if names != [str(i) for i in range(len(variables))]:
        problem = f"{label} has {len(variables)} variables, the file has {names}"
        if skip_mismatch:
            warnings.warn(f"load_weights: skipped {problem}.", stacklevel=5)
            return None
        raise reader.fail(where, problem)
    try:
        return [reader.read(f"{where}/{i}", var.shape, budget)
                for i, var in enumerate(variables)]
    except ModelFileError as err:
        if not skip_mismatch:
            raise
        warnings.warn(f"load_weights: skipped {label}: {err}", stacklevel=5)
        return None


def _keys_of(reader: _Reader, group, where: str) -> list:
    """The names in ``group``, refused beyond MAX_GROUPS (a layer's group holds a handful)."""
    if len(group) > MAX_GROUPS:
        raise reader.fail(where, f"holds {len(group)} objects (at most {MAX_GROUPS}); refused")
    return list(group.keys())


def _has_vars(reader: _Reader, where: str) -> bool:
    group = reader.get(where)
    return isinstance(group, reader.h5py.Group) and len(group) > 0


def _has_weights(reader: _Reader, where: str) -> bool:
    """Whether the layer's group at ``where``, or one of the groups of the layers it holds, has
    weights in its ``vars`` (each group looked at once, so links in a loop end; without
    recursion, at most MAX_GROUPS groups and MAX_DEPTH levels, so a huge or deep tree ends)."""
    top = reader.get(where)
    seen: set = set()
    stack = [(top, 0)]
    while stack:
        group, depth = stack.pop()
        if not isinstance(group, reader.h5py.Group) or group in seen:
            continue
        seen.add(group)
        if len(seen) > MAX_GROUPS or depth > MAX_DEPTH:
            raise reader.fail(where, f"more than {MAX_GROUPS} groups or {MAX_DEPTH} levels of "
                                     "them; refused")
        held = reader._walk(group, ["vars"], where, [0])
        if isinstance(held, reader.h5py.Group) and len(held) > 0:
            return True
        stack += [(reader._walk(group, [k], where, [0]), depth + 1)
                  for k in _keys_of(reader, group, where) if k != "vars"]
    return False


__all__ = ["held_layers", "keras_key", "keras_only_weights", "load_weights", "save_weights"]


state.hooks.update(held_layers=held_layers, keras_only_weights=keras_only_weights,
                   keras_key=keras_key, MAX_GROUPS=MAX_GROUPS, MAX_DEPTH=MAX_DEPTH,
                   H5_ERRORS=H5_ERRORS, _h5py=_h5py, _Reader=_Reader)  # (read by state.py)
