"""The files of ``callbacks.BackupAndRestore``: the weights and the optimizer's state of a
fit in progress, in numnet's format (no architecture), written atomically."""

from __future__ import annotations

from . import model_file, optimizer_state, schema
from .archive import Archive
from .atomic import atomic_write  # noqa: F401  (BackupAndRestore's state file)


def write(model, path: str) -> None:
    """The weights and the optimizer state (no architecture) as a numnet file, atomically."""
    arrays: list = []
    config = {
        "format": schema.FORMAT, "format_version": schema.FORMAT_VERSION,
        "numnet_version": model_file._version(), "kind": "weights", "model": None,
        "compile": None, "weights": model_file._weights_manifest(model, arrays),
        "optimizer_state": None,
    }
    if model.optimizer is not None:
        config["optimizer_state"] = optimizer_state.save_state(model, arrays)
    model_file._write(path, config, arrays, True, "BackupAndRestore")


def read(model, path: str) -> None:
    """Set the model's weights and optimizer state from a file of write, after
    checking that everything fits."""
    with Archive(path) as ar:
        config = model_file.read_config(ar)
        source = f"{ar.path}: config.json"
        pairs = model_file._match_weights(model, config["weights"], source, skip_mismatch=False)
        model_file._assign(ar, pairs)
        state = config["optimizer_state"]
        if state is not None and model.optimizer is not None:
            optimizer_state.restore_state(model, state, ar, source)
