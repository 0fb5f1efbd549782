"""Keras's legacy HDF5 model files (``model.save("model.h5")``), read into numnet models.

The file, as Keras 3 writes it (and as keras_writer.save_legacy_h5 writes it)::

    attributes          model_config (the architecture as JSON, in the form of config.json
                        in a ``.keras`` file, less the modules), training_config (the compile
                        settings, optional), keras_version, backend
    model_weights/      attribute layer_names; one group per layer, named by the layer, with
                        the attribute weight_names (paths inside the group, trainable weights
                        first) and a dataset per name

It goes through the checks of the other readers: the file is at most ``max_bytes``, the
architecture is checked and translated as a ``.keras`` file's is (keras_file.Translator: class
names resolved only among numnet's own classes, custom_objects and the registry, nothing
imported, Python code refused), weights are charged to the file's size while the model is
built, and each dataset is read through keras_h5's checked reader (no external or virtual data,
bounded chunks). Every failure is a ModelFileError naming the attribute, group or field.
The optimizer's state is not restored.
"""

from __future__ import annotations

import os
import re
import warnings

import numpy as np

from .errors import ModelFileError
from .json_text import parse_json
from .keras_file import Translator, Unsupported
from .keras_h5 import H5_ERRORS, _h5py, _Reader, held_layers, keras_only_weights
from .loader import Loader, deserialize_compile, deserialize_model

HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
MAX_NAMES = 10_000
"""The most weight names one layer's group may list (an LSTM lists three)."""
_NAME = re.compile(r"[A-Za-z0-9_.:\-]+(/[A-Za-z0-9_.:\-]+){0,31}")


def is_hdf5(path: str) -> bool:
    """Whether the file at ``path`` starts with HDF5's signature."""
    with open(path, "rb") as f:
        return f.read(8) == HDF5_SIGNATURE


def _text(reader: _Reader, obj, name: str, required: bool = True):
    """A string attribute of ``obj`` (str or bytes in the file), or None when absent."""
    if name not in obj.attrs:
        if required:
            raise reader.fail(name, "missing: not a Keras model file (Keras writes the "
                                    "architecture in the attribute model_config)")
        return None
    value = obj.attrs[name]
    if isinstance(value, np.ndarray) and value.shape == ():
        value = value[()]
    if isinstance(value, bytes):
        try:
            value = value.decode("utf-8")
        except UnicodeDecodeError:
            raise reader.fail(name, "not UTF-8 text") from None
    if not isinstance(value, str):
        raise reader.fail(name, f"expected JSON text, found {type(value).__name__}")
    return value


def _names(reader: _Reader, obj, name: str, where: str) -> list:
    """A list-of-names attribute (Keras writes an empty float array for an empty list)."""
    if name not in obj.attrs:
        raise reader.fail(f"{where}.{name}", "missing")
    value = np.asarray(obj.attrs[name])
    if value.ndim != 1 or value.size > MAX_NAMES:
        raise reader.fail(f"{where}.{name}", f"expected a list of at most {MAX_NAMES} names, "
                                             f"found shape {value.shape}")
    if value.size == 0:
        return []
    out = []
    for item in value.tolist():
        if isinstance(item, bytes):
            item = item.decode("utf-8", "replace")
        if not isinstance(item, str) or not _NAME.fullmatch(item) or ".." in item.split("/"):
            raise reader.fail(f"{where}.{name}", f"{item!r} is not a weight or layer name")
        out.append(item)
    return out


def _legacy_order(layer) -> list:
    """The layer's weights in the order of its weight_names: trainable first, as Keras."""
    ordered = [*layer.trainable_weights, *layer.non_trainable_weights]
    if sorted(map(id, ordered)) != sorted(map(id, layer.weights)):
        return list(layer.weights)
    return ordered


def _extra(layer) -> list:
    """The Keras-only weights (an adapted Normalization's count) of ``layer`` or a layer it
    holds: they follow the layer's own in weight_names."""
    if held_layers(layer):
        return []
    return keras_only_weights(layer)


def _read_weights(reader: _Reader, model, budget: list) -> list:
    """[(variable, value)] for every layer with weights, each checked against the model."""
    h5py = reader.h5py
    group = reader.get("/model_weights")
    if not isinstance(group, h5py.Group):
        raise reader.fail("/model_weights", "missing: the file holds no weights")
    listed = _names(reader, group, "layer_names", "/model_weights")
    layers = [layer for layer in model.layers if layer.weights]
    names = {layer.name for layer in layers}
    extra = sorted(n for n in listed if n not in names and _has_names(reader, n))
    if extra:
        raise reader.fail("/model_weights.layer_names", (
            f"holds weights for layers {extra} that the model does not have (its layers with "
            f"weights: {sorted(names)})"))
    pending = []
    for layer in layers:
        where = f"/model_weights/{layer.name}"
        if layer.name not in listed:
            raise reader.fail("/model_weights.layer_names", (
                f"lacks the layer {layer.name!r}, which has weights in the model"))
        holder = reader.get(where)
        if not isinstance(holder, h5py.Group):
            raise reader.fail(where, f"missing: the weights of layer {layer.name!r}")
        weight_names = _names(reader, holder, "weight_names", where)
        variables = _legacy_order(layer)
        extra_values = _extra(layer)
        if len(weight_names) not in (len(variables), len(variables) + len(extra_values)):
            raise reader.fail(f"{where}.weight_names", (
                f"the layer {layer.name!r} has {len(variables)} variables "
                f"({[v.name for v in variables]}), the file lists {weight_names}"))
        for i, name in enumerate(weight_names):
            at = f"{where}/{name}"
            if i < len(variables):
                pending.append((variables[i], reader.read(at, variables[i].shape, budget)))
            else:  # Keras's own extra weight: checked, not kept
                reader.read(at, extra_values[i - len(variables)].shape, budget)
    return pending


def _has_names(reader: _Reader, name: str) -> bool:
    holder = reader.get(f"/model_weights/{name}")
    if not isinstance(holder, reader.h5py.Group) or "weight_names" not in holder.attrs:
        return False
    return np.asarray(holder.attrs["weight_names"]).size > 0


def _compile_settings(reader: _Reader, translate: Translator, h5, model):
    """numnet's compile settings from training_config, or None (with the reason)."""
    text = _text(reader, h5, "training_config", required=False)
    if text is None:
        return None, None
    source = f"{reader.path}: training_config"
    spec = parse_json(text, source)
    if not isinstance(spec, dict) or not isinstance(spec.get("optimizer_config"), dict):
        raise ModelFileError(f"{source}: optimizer_config: missing or not an object")
    spec = dict(spec)
    optimizer = dict(spec.pop("optimizer_config"))
    optimizer.setdefault("module", "keras.optimizers")
    spec["optimizer"] = optimizer
    try:
        return translate.compile_settings(spec, "training_config",
                                          several=model._output_names is not None), None
    except Unsupported as err:
        return None, err


def load_model(path: str, custom_objects=None, compile: bool = True, max_bytes: int = 0):
    """The model in the legacy Keras HDF5 file at ``path``: architecture, weights and, where
    numnet knows them, compile settings (a warning names what was left out)."""
    from ..notices import AdviceWarning

    h5py = _h5py()
    size = os.path.getsize(path)
    if size > max_bytes:
        raise ModelFileError(f"{path}: file: {size} bytes, more than max_bytes={max_bytes}; "
                             "refused (pass a larger max_bytes if you trust it)")
    try:
        h5 = h5py.File(path, "r")
    except H5_ERRORS as err:
        raise ModelFileError(f"{path}: not a readable HDF5 file ({type(err).__name__}: "
                             f"{err})") from None
    with h5:
        reader = _Reader(h5py, h5, path)
        try:
            text = _text(reader, h5, "model_config")
            source = f"{path}: model_config"
            spec = parse_json(text, source)
            loader = Loader(source, custom_objects, size, "the size of the file")
            translate = Translator(loader)
            try:
                if isinstance(spec, dict):
                    spec = {"module": "keras", "registered_name": None, **spec}
                own = translate.model(spec, "model_config")
                model = deserialize_model(own, loader, "model_config")
            finally:
                loader.release()
            pending = _read_weights(reader, model, [int(max_bytes)])
            settings, left_out = (None, None)
            if compile:
                settings, left_out = _compile_settings(reader, translate, h5, model)
        except H5_ERRORS as err:
            if isinstance(err, ModelFileError):
                raise
            raise ModelFileError(f"{path}: damaged HDF5 file ({type(err).__name__}: {err})") \
                from None
    for var, value in pending:
        var.assign(value)
    if settings is not None:
        try:
            options = deserialize_compile(settings, loader)
            with warnings.catch_warnings(), loader.wrap("training_config"):
                warnings.simplefilter("ignore", AdviceWarning)
                model.compile(**options)
        except ModelFileError as err:
            left_out = err
    if left_out is not None:
        warnings.warn(f"load_model: the model is loaded uncompiled, as numnet cannot compile "
                      f"it as Keras did ({left_out}). Call model.compile(...) before training "
                      "it.", stacklevel=3)
    return model


__all__ = ["is_hdf5", "load_model"]
