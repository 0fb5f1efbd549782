"""save_model / load_model, save_weights / load_weights, model_to_json / model_from_json."""

from __future__ import annotations

import datetime
import io
import json
import math
import os
import warnings

import numpy as np

from .. import backend
from . import archive as archive_module
from . import (
    keras_file,
    keras_h5,
    keras_legacy,
    keras_writer,
    objects,
    optimizer_state,
    schema,
    state,
)
from . import loader as loader_module
from .archive import DEFAULT_MAX_BYTES, NUMERIC_DTYPES, Archive, write_archive
from .atomic import atomic_write
from .errors import ModelFileError
from .json_text import parse_json

SUFFIX = ".numnet"


def _version() -> str:
    from .._version import __version__

    return __version__


def _with_suffix(filepath) -> str:
    path = os.fspath(filepath)
    if not isinstance(path, str):
        raise TypeError(
            f"filepath: expected a str or os.PathLike, given {type(filepath).__name__}.")
    return path if os.path.splitext(path)[1] else path + SUFFIX


def _existing(filepath) -> str:
    path = os.fspath(filepath)
    if not isinstance(path, str):
        raise TypeError(
            f"filepath: expected a str or os.PathLike, given {type(filepath).__name__}.")
    if not os.path.exists(path) and not os.path.splitext(path)[1] \
            and os.path.exists(path + SUFFIX):
        return path + SUFFIX
    if os.path.isdir(path):
        what = ("a TensorFlow SavedModel directory (tf.saved_model.save, model.export or "
                "tf.keras 2's model.save without a suffix), which numnet does not read; like "
                "Keras 3's load_model, numnet reads .keras, .h5 and .numnet files. Load it in "
                "TensorFlow with keras.layers.TFSMLayer(path, call_endpoint='serving_default'), "
                "or save the model there as 'model.keras' and load that file"
                if os.path.exists(os.path.join(path, "saved_model.pb")) else
                "a directory; give the path of a .keras, .h5 or .numnet file")
        raise ModelFileError(f"{path}: {what}.")
    return path


# ----------------------------------------------------------------------------- writing


def _weights_manifest(model, arrays: list) -> list:
    manifest = []
    for layer in model._all_layers():
        variables = []
        for var in layer.weights:
            value = np.asarray(backend.to_numpy(var.value), order="C")  # (0-d stays 0-d)
            if value.dtype.name not in NUMERIC_DTYPES:
                raise TypeError(f"save: {var.path} has dtype {value.dtype}, which a model file "
                                f"cannot hold (one of {sorted(NUMERIC_DTYPES)}).")
            member = f"weights/{len(arrays)}.npy"
            arrays.append((member, value))
            variables.append({"name": var.name, "shape": list(value.shape),
                              "dtype": value.dtype.name, "member": member})
        manifest.append({"name": layer.name, "class_name": type(layer).__name__,
                         "variables": variables})
    return manifest


def _metadata() -> bytes:
    return json.dumps({
        "numnet_version": _version(), "format_version": schema.FORMAT_VERSION,
        "date_saved": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "python_version": _python_version(), "numpy_version": np.__version__,
    }, indent=1).encode("utf-8")


def _write(path: str, config: dict, arrays: list, overwrite: bool, where: str) -> None:
    text = json.dumps(config, indent=1, allow_nan=True).encode("utf-8")
    members = [("config.json", text), ("metadata.json", _metadata()), *arrays]
    atomic_write(path, lambda f: write_archive(f, members), overwrite=overwrite, where=where)


MODEL_SUFFIXES = (".numnet", ".keras", ".h5", ".hdf5")
"""The model file names ``save`` knows: numnet's own format, Keras 3's, Keras's legacy HDF5."""


def _model_path(filepath, save_format) -> tuple[str, str]:
    """(path, format) of a model file: the format by the name's suffix, as Keras decides it."""
    path = os.fspath(filepath)
    if not isinstance(path, str):
        raise TypeError(
            f"filepath: expected a str or os.PathLike, given {type(filepath).__name__}.")
    suffix = os.path.splitext(path)[1].lower()
    if suffix == ".hdf5":
        suffix = ".h5"
    if suffix not in MODEL_SUFFIXES:
        raise ValueError(
            f"save(filepath): the file name must end in .numnet (numnet's own format: "
            f"everything, optimizer state included), .keras (Keras 3's format) or .h5 "
            f"(Keras's legacy HDF5 format); given {path!r}. E.g. model.save('model.numnet') "
            "or model.save('model.keras').")
    if save_format not in (None, suffix.lstrip(".")):
        raise ValueError(
            f"save(): save_format={save_format!r} does not match the file name {path!r}; "
            "leave save_format out: the suffix (.numnet, .keras or .h5) chooses the format.")
    return path, suffix


def save_model(model, filepath, overwrite: bool = True, include_optimizer: bool = True,
               **kwargs) -> None:
    """Write ``model`` to one file, atomically, in the format its name gives:

    - ``.numnet``: numnet's own safe format (architecture, weights, compile settings and the
      optimizer's state; see numnet.saving);
    - ``.keras``: Keras 3's format, which Keras 3 loads (numnet.saving.keras_writer);
    - ``.h5``: Keras's legacy HDF5 model file, as Keras 3 writes it.

    Raises ValueError for any other name (``save("model")`` too: give a suffix) and, for the
    Keras formats, for a layer or object Keras does not have (save it as ``.numnet``).

    Args:
        model: the model.
        filepath: the file's path (str or os.PathLike).
        overwrite: replace an existing file (False raises if it exists). Defaults to ``True``.
        include_optimizer: also save the optimizer's state. Defaults to ``True``.
        **kwargs: Keras's other arguments (``save_format``), accepted.

    Raises:
        ValueError: for a name of another suffix, or a layer Keras does not have in a Keras format.
    """
    zipped = kwargs.pop("zipped", None)
    save_format = kwargs.pop("save_format", None)
    if kwargs:
        raise TypeError(f"save() got an unexpected keyword argument {next(iter(kwargs))!r}.")
    if zipped is False:
        raise ValueError(
            f"save(): numnet writes model files as one zip; given zipped={zipped!r}. For "
            "Keras-compatible weights use model.save_weights('name.weights.h5').")
    path, suffix = _model_path(filepath, save_format)
    if suffix == ".keras":
        keras_writer.save_keras(model, path, overwrite, include_optimizer)
        return
    if suffix == ".h5":
        keras_writer.save_legacy_h5(model, path, overwrite, include_optimizer)
        return
    arrays: list = []
    config = {
        "format": schema.FORMAT, "format_version": schema.FORMAT_VERSION,
        "numnet_version": _version(), "kind": "model",
        "model": objects.serialize_model(model),
        "compile": objects.serialize_compile(model),
        "weights": _weights_manifest(model, arrays),
        "optimizer_state": None,
    }
    if state.overrides(model, "get_compile_config", objects.model_class()):
        own = model.get_compile_config() if model.compiled else None
        if own is not None:  # a compile of one's own: compile_from_config takes it back
            config["compile"] = None
            config["compile_config"] = objects.to_json_ready(own, "get_compile_config()")
    if include_optimizer and (config["compile"] is not None or "compile_config" in config):
        config["optimizer_state"] = optimizer_state.save_state(model, arrays)
    found = state.walk(model, _layers_of)
    stores = _own_stores(found, arrays)
    if stores:
        config["stores"] = stores
    assets = state.save_assets(found)
    if assets:
        config["assets"] = [name for name, _ in assets]
    _write(path, config, arrays + assets, overwrite, "save")


def _layers_of(model) -> list:
    return keras_writer.keras_layers_of(model, ".numnet")


def _own_stores(found, arrays: list) -> list:
    """What the layers whose save_own_variables is their own put in their stores, as .npy
    members after the weights."""
    from ..layers.base import Layer

    out = []
    for path, obj in found:
        if not isinstance(obj, Layer) or not state.overrides(obj, "save_own_variables", Layer):
            continue
        store = state.DictStore()
        obj.save_own_variables(store)
        entries = []
        for key, value in store.items():
            if value.dtype.name not in NUMERIC_DTYPES:
                raise TypeError(f"save: save_own_variables of {obj.name!r} stored {key!r} of "
                                f"dtype {value.dtype}, which a model file cannot hold")
            member = f"weights/{len(arrays)}.npy"
            arrays.append((member, value))
            entries.append({"key": key, "shape": list(value.shape), "dtype": value.dtype.name,
                            "member": member})
        out.append({"path": path, "entries": entries})
    return out


def save_weights(model, filepath, overwrite: bool = True) -> None:
    """Write the weights only: a ``.numnet`` zip, or with a ``.h5`` name the HDF5 layout of
    Keras 3's ``.weights.h5`` (needs h5py: pip install 'numnet[h5]').

    Args:
        model: the model.
        filepath: the file's path (str or os.PathLike).
        overwrite: replace an existing file (False raises if it exists). Defaults to ``True``.
    """
    path = os.fspath(filepath)
    if isinstance(path, str) and path.endswith(".h5"):
        keras_writer.save_weights(model, path, overwrite)
        return
    path = _with_suffix(path)
    arrays: list = []
    config = {
        "format": schema.FORMAT, "format_version": schema.FORMAT_VERSION,
        "numnet_version": _version(), "kind": "weights", "model": None, "compile": None,
        "weights": _weights_manifest(model, arrays), "optimizer_state": None,
    }
    _write(path, config, arrays, overwrite, "save_weights")


def model_to_json(model, **kwargs) -> str:
    """The architecture as JSON text (``json.dumps`` keyword arguments such as indent apply).

    Args:
        model: the model.
        **kwargs: ``json.dumps`` keyword arguments (``indent``, ...).
    """
    spec = objects.serialize_model(model)
    spec["numnet_version"] = _version()
    spec["format_version"] = schema.FORMAT_VERSION
    return json.dumps(spec, **kwargs)


# ----------------------------------------------------------------------------- reading


def _array_bytes(entry) -> int:
    return math.prod(entry["shape"]) * np.dtype(entry["dtype"]).itemsize


def read_config(ar: Archive) -> dict:
    """config.json, checked: version, schema, and that every member it names exists once and
    every .npy member is named."""
    source = f"{ar.path}: config.json"
    if "config.json" not in ar.members:
        raise ar.fail("config.json", "missing: not a numnet model file")
    config = parse_json(ar.read_bytes("config.json"), source)
    schema.check_version(config, source)
    schema.check(config, schema.CONFIG, "", source)
    if "metadata.json" in ar.members:
        metadata = parse_json(ar.read_bytes("metadata.json", 1 << 20), f"{ar.path}: metadata.json")
        schema.check(metadata, schema.ANY_DICT, "", f"{ar.path}: metadata.json")
        for key, value in metadata.items():
            schema.check(value, schema.OneOf(None, str, float, bool), key,
                         f"{ar.path}: metadata.json")
    entries = []
    for i, layer in enumerate(config["weights"]):
        for j, var in enumerate(layer["variables"]):
            entries.append((f"weights[{i}].variables[{j}]", var, "weights/"))
    kept = config["optimizer_state"]
    if kept is not None:
        entries += [(f"optimizer_state.slots[{i}]", s, "optimizer/")
                    for i, s in enumerate(kept["slots"])]
        entries += [(f"optimizer_state.ema[{i}]", s, "optimizer/")
                    for i, s in enumerate(kept["ema"])]
        entries += [(f"optimizer_state.own[{i}]", s, "optimizer/")
                    for i, s in enumerate(kept.get("own", []))]
    for i, store in enumerate(config.get("stores", [])):
        entries += [(f"stores[{i}].entries[{j}]", e, "weights/")
                    for j, e in enumerate(store["entries"])]
    named, total = set(), 0
    for where, entry, prefix in entries:
        member = entry["member"]
        if not member.startswith(prefix) or not archive_module.member_name_ok(member):
            raise ModelFileError(f"{source}: {where}.member: {member!r} is not a "
                                 f"{prefix}<n>.npy member name")
        if member in named:
            raise ModelFileError(f"{source}: {where}.member: {member!r} is named twice")
        if member not in ar.members:
            raise ModelFileError(f"{source}: {where}.member: {member!r} is missing from the "
                                 "archive (truncated or tampered with)")
        if entry["dtype"] not in NUMERIC_DTYPES:
            raise ModelFileError(f"{source}: {where}.dtype: {entry['dtype']!r} is not one of "
                                 f"{sorted(NUMERIC_DTYPES)}")
        if len(entry["shape"]) > 32:
            raise ModelFileError(f"{source}: {where}.shape: more than 32 axes")
        named.add(member)
        _, shape, _, dtype = ar.array_info(member)  # checked against the bytes really there
        if shape != tuple(entry["shape"]) or dtype.name != entry["dtype"]:
            raise ModelFileError(f"{source}: {where}: declares {entry['dtype']} of shape "
                                 f"{tuple(entry['shape'])}, but {member!r} holds {dtype.name} "
                                 f"of shape {shape}")
        total += _array_bytes(entry)
        if total > ar.max_bytes:
            raise ModelFileError(f"{source}: {where}: the arrays declared add up to more than "
                                 f"max_bytes={ar.max_bytes} bytes")
    for member in ar.members:
        if member.endswith(".npy") and member not in named:
            raise ar.fail(member, "member is not listed in config.json (tampered with?)")
    listed = config.get("assets", [])
    held = state.asset_members(ar)
    if sorted(listed) != sorted(held):
        odd = sorted(set(listed) ^ set(held)) or listed
        raise ModelFileError(f"{source}: assets: config.json lists {len(listed)} asset files, "
                             f"the archive holds {len(held)} (first difference: {odd[0]!r}; "
                             "tampered with?)")
    return config


def _match_weights(model, manifest: list, source: str, skip_mismatch: bool) -> list:
    """[(variable, manifest entry)] pairing layers with weights in order; mismatches raise
    (or, with skip_mismatch, skip that layer with a warning)."""
    model_layers = [layer for layer in model._all_layers() if layer.weights]
    file_layers = [entry for entry in manifest if entry["variables"]]
    if len(model_layers) != len(file_layers):
        raise ModelFileError(
            f"{source}: the file holds weights for {len(file_layers)} layers "
            f"({', '.join(e['name'] for e in file_layers) or 'none'}), the model has "
            f"{len(model_layers)} layers with weights "
            f"({', '.join(layer.name for layer in model_layers) or 'none'}).")
    pairs = []
    for n, (layer, entry) in enumerate(zip(model_layers, file_layers, strict=True), start=1):
        variables = layer.weights
        problem = None
        if len(variables) != len(entry["variables"]):
            problem = (f"layer {layer.name!r} (layer {n} with weights) has {len(variables)} "
                       f"variables ({', '.join(v.name for v in variables)}); the file's layer "
                       f"{entry['name']!r} has {len(entry['variables'])} "
                       f"({', '.join(v['name'] for v in entry['variables'])})")
        else:
            for var, item in zip(variables, entry["variables"], strict=True):
                if tuple(item["shape"]) != tuple(var.shape):
                    problem = (f"layer {layer.name!r} variable {var.name!r}: the model expects "
                               f"shape {tuple(var.shape)}, the file's {entry['name']}/"
                               f"{item['name']} has shape {tuple(item['shape'])}")
                    break
        if problem is None:
            pairs += list(zip(variables, entry["variables"], strict=True))
        elif skip_mismatch:
            warnings.warn(f"load_weights: skipped {problem}.", stacklevel=4)
        else:
            raise ModelFileError(f"{source}: {problem}.")
    return pairs


def _assign(ar: Archive, pairs: list) -> None:
    values = [ar.read_array(item["member"], tuple(item["shape"]), item["dtype"])
              for _, item in pairs]
    for (var, _), value in zip(pairs, values, strict=True):
        var.assign(value)


def load_model(filepath, custom_objects=None, compile: bool = True, safe_mode: bool = True,
               max_bytes: int = DEFAULT_MAX_BYTES):
    """The model saved in ``filepath``: same architecture, weights (bit for bit), compile
    settings and optimizer state, so that training resumes exactly.

    A Keras 3 ``.keras`` file (``model.save("model.keras")`` in Keras) is read too: its
    architecture, its weights (with h5py: pip install 'numnet[h5]') and, where numnet knows
    them, its compile settings (a warning names any left out) and its optimizer's state;
    see numnet.saving.keras_file. So is Keras's legacy HDF5 model file (``.h5``, written by
    Keras or by ``save("model.h5")``), through the same checks; see numnet.saving.keras_legacy.

    Custom classes and functions are found only in ``custom_objects`` or the registry
    (numnet.saving.register_serializable). Anything wrong with the file raises
    numnet.saving.ModelFileError; a file of more than ``max_bytes`` bytes (uncompressed) is
    refused. A missing file raises FileNotFoundError. ``safe_mode`` is accepted for Keras
    compatibility: loading never runs code from the file, whatever its value.

    Args:
        filepath: the file's path (str or os.PathLike).
        custom_objects: ``{name: class or function}`` for custom objects that are not registered, or
            None. Defaults to ``None``.
        compile: restore the compile settings and the optimizer's state. Defaults to ``True``.
        safe_mode: accepted for Keras compatibility: loading never runs code from the file. Defaults
            to ``True``.
        max_bytes: the largest total uncompressed size accepted (4 GiB by default).

    Returns:
        The model, compiled when the file holds compile settings and ``compile`` is True.

    Raises:
        ModelFileError: (a ValueError) for anything wrong with the file, naming the member or
            field at fault, and for a directory (a TensorFlow SavedModel among them).
        FileNotFoundError: for a missing file.
    """
    path = _existing(filepath)
    if keras_legacy.is_hdf5(path) and not path.lower().endswith(SUFFIX):
        return keras_legacy.load_model(path, custom_objects, compile, max_bytes)
    with keras_file.ArchiveOfEither(path, max_bytes) as ar:
        if keras_file.is_keras_file(ar):
            return keras_file.load_model(ar, custom_objects, compile)
        config = read_config(ar)
        source = f"{ar.path}: config.json"
        if config["kind"] != "model" or config["model"] is None:
            raise ModelFileError(
                f"{source}: this file holds weights only (written by save_weights); build the "
                "model and call model.load_weights(path).")
        budget = sum(_array_bytes(v) for layer in config["weights"] for v in layer["variables"])
        loader = loader_module.Loader(source, custom_objects, budget, "the weights in the file")
        try:
            model = loader_module.deserialize_model(config["model"], loader, "model")
        finally:
            loader.release()
        _assign(ar, _match_weights(model, config["weights"], source, skip_mismatch=False))
        _load_stores(ar, model, config.get("stores", []), source)
        if config.get("assets"):
            state.load_assets(ar, state.walk(model, _layers_of), f"{ar.path}: assets")
        if compile and config.get("compile_config") is not None:
            with loader.wrap("compile_config"):  # the model's own compile_from_config
                model.compile_from_config(config["compile_config"])
            if config["optimizer_state"] is not None:
                optimizer_state.restore_state(model, config["optimizer_state"], ar, source)
        elif compile and config["compile"] is not None:
            settings = loader_module.deserialize_compile(config["compile"], loader)
            from ..notices import AdviceWarning

            with warnings.catch_warnings(), loader.wrap("compile"):
                warnings.simplefilter("ignore", AdviceWarning)
                model.compile(**settings)
            if config["optimizer_state"] is not None:
                optimizer_state.restore_state(model, config["optimizer_state"], ar, source)
    return model


def _load_stores(ar: Archive, model, stores: list, source: str) -> None:
    """Each store of the file given to the load_own_variables of the layer at its path."""
    if not stores:
        return
    at = dict(state.walk(model, _layers_of))
    for i, store in enumerate(stores):
        layer = at.get(store["path"])
        if layer is None or not hasattr(layer, "load_own_variables"):
            raise ModelFileError(f"{source}: stores[{i}].path: the model has no layer at "
                                 f"{store['path']!r}")
        values = state.DictStore()
        for entry in store["entries"]:
            values[entry["key"]] = ar.read_array(entry["member"], tuple(entry["shape"]),
                                                 entry["dtype"])
        try:
            layer.load_own_variables(values)
        except (ValueError, KeyError, TypeError, IndexError) as err:
            raise ModelFileError(f"{source}: stores[{i}]: load_own_variables of "
                                 f"{layer.name!r}: {err}") from None


def _load_keras_weights(model, opened, skip_mismatch: bool, max_bytes: int, source: str,
                        fmt: str) -> None:
    """The weights of a Keras weights file (``opened()`` gives it as a binary file), laid out
    as Keras writes them in ``fmt`` ('.weights.h5', or '.keras' for a model file's member)."""
    def layers_of(m):
        return keras_writer.keras_layers_of(m, fmt)

    if not skip_mismatch and state.needs_walk(model, layers_of):
        # a subclassed model or a layer of one's own that holds layers: save_weights wrote
        # each object's state where Keras's walk puts it (as Keras does); read it back so
        before = [weight.numpy() for weight in model.weights]  # (copies: Variables)
        try:
            with opened() as f:
                state.load_h5(model, f, max_bytes, source, layers_of)
        except BaseException:
            for weight, value in zip(model.weights, before, strict=True):
                weight.assign(value)  # all or nothing, as for the other files
            raise
        return
    with opened() as f:
        keras_h5.load_weights(model, f, skip_mismatch, max_bytes,
                              keys=keras_writer.weight_keys(model), source=source)


def load_weights(model, filepath, skip_mismatch: bool = False,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> None:
    """Set the model's weights from a numnet file (save_weights or save), a Keras 3
    ``.weights.h5`` file, or the weights of a Keras 3 ``.keras`` model file (as Keras's
    load_weights reads them), layer by layer in order. Every shape is checked before any weight is
    changed; a mismatch names the layer, the variable and both shapes.

    Args:
        model: the model.
        filepath: the file's path (str or os.PathLike).
        skip_mismatch: skip layers whose weights do not match instead of raising. Defaults to
            ``False``.
        max_bytes: the largest total uncompressed size accepted (4 GiB by default).
    """
    path = _existing(filepath)
    if not model.weights:
        raise ValueError(
            f"load_weights: the model {model.name!r} has no weights yet; build it first (give "
            "the first layer input_shape=..., or call model.build((None, features))).")
    with open(path, "rb") as f:
        head = f.read(8)
    if head.startswith(b"PK"):  # a Keras .keras file: the weights of its model.weights.h5
        with keras_file.ArchiveOfEither(path, max_bytes) as ar:
            if keras_file.is_keras_file(ar) and keras_file.WEIGHTS in ar.members:
                data = ar.read_bytes(keras_file.WEIGHTS, ar.max_bytes)
                _load_keras_weights(model, lambda: io.BytesIO(data), skip_mismatch, max_bytes,
                                    f"{ar.path}: {keras_file.WEIGHTS}", ".keras")
                return
    if head == b"\x89HDF\r\n\x1a\n":
        _load_keras_weights(model, lambda: open(path, "rb"), skip_mismatch, max_bytes, path,
                            ".weights.h5")
        return
    with Archive(path, max_bytes) as ar:
        config = read_config(ar)
        pairs = _match_weights(model, config["weights"], f"{ar.path}: config.json",
                               skip_mismatch)
        _assign(ar, pairs)


def model_from_json(json_string, custom_objects=None, max_bytes: int = DEFAULT_MAX_BYTES):
    """A model (freshly initialised weights) from the JSON text of ``model.to_json()``.

    Args:
        json_string: the JSON text of ``model.to_json()``.
        custom_objects: ``{name: class or function}`` for custom objects that are not registered, or
            None. Defaults to ``None``.
        max_bytes: the largest total uncompressed size accepted (4 GiB by default).
    """
    if not isinstance(json_string, (str, bytes, bytearray)):
        raise TypeError(f"model_from_json: expected JSON text, given "
                        f"{type(json_string).__name__}.")
    source = "model JSON"
    spec = parse_json(json_string, source)
    schema.check_version(spec, source)
    schema.check(spec, schema.JSON_MODEL, "", source)
    spec = {k: v for k, v in spec.items() if k in ("class_name", "config", "build_input_shape")}
    loader = loader_module.Loader(source, custom_objects, max_bytes, "max_bytes")
    try:
        return loader_module.deserialize_model(spec, loader, "model")
    finally:
        loader.release()


def model_from_config(class_name: str, config: dict, custom_objects=None,
                      max_bytes: int = DEFAULT_MAX_BYTES):
    """A model (freshly initialised weights) from the ``get_config()`` dict of a Sequential
    or functional model, numnet's or Keras's (whose layers carry ``module`` and
    ``registered_name``): what ``Sequential.from_config`` and ``Model.from_config`` build.

    Args:
        class_name: "Sequential" or "Functional".
        config: the dict ``get_config()`` gave.
        custom_objects: ``{name: class or function}`` for custom objects that are not
            registered, or None. Defaults to ``None``.
        max_bytes: the largest total size of the weights the model may hold (4 GiB by
            default).

    Raises:
        ModelFileError: a layer that is neither numnet's, registered nor in custom_objects,
            or a config that is not a model's.
    """
    source = f"{class_name}.from_config"
    if not isinstance(config, dict):
        raise TypeError(f"{source}(config): expected the dict of model.get_config(), given "
                        f"{type(config).__name__}.")
    parts = config.get("layers")
    keras_form = isinstance(parts, list) and any(
        isinstance(part, dict) and "module" in part for part in parts)
    spec = json.loads(json.dumps({"class_name": class_name, "config": config}))
    loader = loader_module.Loader(source, custom_objects, max_bytes, "max_bytes")
    try:
        if keras_form:
            spec = keras_file.Translator(loader).model({**spec, "module": "keras"}, "model")
        schema.check(spec, schema.JSON_MODEL, "", source)
        return loader_module.deserialize_model(spec, loader, "model")
    finally:
        loader.release()


__all__ = ["load_model", "load_weights", "model_from_config", "model_from_json",
           "model_to_json", "save_model",
           "save_weights"]


def _python_version() -> str:
    """The running Python's version ("3.11.7"), for a file's metadata."""
    import platform

    return platform.python_version()
