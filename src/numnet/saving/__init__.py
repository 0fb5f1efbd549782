"""Model files that are safe, complete and never half-written.

The file's name chooses its format, as in Keras: ``model.save("model.keras")`` writes Keras 3's
format and ``model.save("model.h5")`` Keras's legacy HDF5 model file, for Keras to load
(keras_writer.py; a layer Keras does not have is refused); any other name but ``.numnet``
raises ValueError. ``model.save("model.numnet")`` writes numnet's own format, a zip archive::

    config.json           the architecture (Sequential.get_config(): each layer's class name
                          and config), the compile settings (optimizer config, loss, metric
                          names), the weights manifest (shape, dtype, member of each weight,
                          layer by layer), the optimizer state manifest (its step, iterations,
                          and the slots of each trainable weight in the model's order), the
                          numnet version and the format version (see numnet.saving.schema);
                          for a model whose get_compile_config is its own, that config
                          (``compile_config``, given back to its compile_from_config); the
                          stores of layers whose save_own_variables is their own (``stores``)
                          and the asset files (``assets``)
    metadata.json         numnet, Python and NumPy versions, date saved (informational)
    weights/<n>.npy       each weight (and each array of a store), as .npy written with
                          allow_pickle=False
    optimizer/<n>.npy     each optimizer slot (and moving average) worth keeping
    assets/<path>/<file>  the files a layer's save_assets wrote (its load_assets reads them)

Loading (``numnet.models.load_model``) checks everything before using anything: the zip
structure, member names (an allow-list; no paths, no symbolic links, no duplicates), sizes
(``max_bytes``, 4 GiB by default, and a cap on the compression ratio), the npy headers (numeric
dtypes only; never unpickled), config.json's schema and format version, and that the weights fit
the architecture. Custom classes and functions are found by registered name
(``@register_serializable()``) or in ``custom_objects``; nothing is ever imported from a name
in a file. Every problem with a file raises :class:`ModelFileError` (a ValueError) naming the
member or field at fault.

Writes go to a temporary file in the same directory, fsync'ed and renamed into place, so the
target holds the old file or the complete new one, whatever happens during the save.
``save_weights`` / ``load_weights`` also read Keras 3 ``.weights.h5`` files and write their
layout (with h5py installed: pip install 'numnet[h5]'), and ``load_model`` reads the ``.keras``
files of Keras 3 with the same checks (keras_file.py).
"""

from __future__ import annotations

import sys
import types

from . import state  # (Model.get_compile_config reaches it as saving.state)
from .archive import DEFAULT_MAX_BYTES
from .errors import ModelFileError
from .model_file import (
    load_model,
    load_weights,
    model_from_json,
    model_to_json,
    save_model,
    save_weights,
)
from .registry import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_object,
    register_serializable,
)
from .registry import keras_registered_name as get_registered_name
from .schema import FORMAT_VERSION
from .serialization import deserialize_keras_object, serialize_keras_object

register_keras_serializable = register_serializable
"""Keras's name for :func:`register_serializable`, so that Keras code runs unchanged."""

__all__ = [
    "DEFAULT_MAX_BYTES", "FORMAT_VERSION", "CustomObjectScope", "ModelFileError",
    "custom_object_scope", "get_custom_objects", "get_registered_name",
    "get_registered_object", "load_model", "load_weights", "model_from_json", "model_to_json",
    "register_keras_serializable", "register_serializable", "save_model", "save_weights",
    "deserialize_keras_object", "serialize_keras_object",
]


def _register() -> None:
    """The floors below reach saving through these registrations, not imports: a model's
    save / load methods, and BackupAndRestore's files."""
    from .. import models
    from ..callbacks import backup_and_restore
    from ..layers import base as layers_base
    from ..models.model import Model
    from . import backup, objects, serialization

    backup_and_restore.storage = backup
    Model._saving = sys.modules[__name__]
    layers_base._serialization = types.SimpleNamespace(
        serialize_layer=objects.serialize_layer, builtin_layers=objects.builtin_layers,
        serialize_keras_object=serialization.serialize_keras_object,
        deserialize_keras_object=serialization.deserialize_keras_object,
        save_own_variables=state.save_own_variables, load_own_variables=state.load_own_variables,
        shape_list=state.shape_list, shape_tuple=state.shape_tuple)
    models.load_model, models.model_from_json = load_model, model_from_json
    models.save_model = save_model


_register()
