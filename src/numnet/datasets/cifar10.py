"""CIFAR-10: 32 x 32 colour images of 10 classes (Krizhevsky, 2009), 50,000 for training and
10,000 for testing.

``load_data()`` returns ((x_train, y_train), (x_test, y_test)) as Keras's does: uint8 images of
shape (50000, 32, 32, 3) and (10000, 32, 32, 3) (channels first if
``numnet.config.set_image_data_format("channels_first")``), uint8 labels 0-9 of shape
(50000, 1) and (10000, 1), in the order of the batch files.

Labels: 0 airplane, 1 automobile, 2 bird, 3 cat, 4 deer, 5 dog, 6 frog, 7 horse, 8 ship, 9 truck.

The data is read from ``path=`` (the .tar.gz archive or the folder it unpacks to), else from
Keras's cache (the archive ``~/.keras/datasets/cifar-10-batches-py-target_archive``, or the
folders Keras 3 and Keras 2 unpack it to), else the archive is downloaded there and checked
against Keras's published SHA-256. The batches inside are Python pickles: numnet parses them and
never unpickles (see ``_files.read_pickle``), so a hostile file is refused, never run; the
archive is read in memory, not unpacked to disk.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ._files import DatasetFileError, cache_path, check_hash, fetch, read_pickle

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
FOLDER = "cifar-10-batches-py"
TRAIN = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST = ("test_batch",)


def load_data(path: str | os.PathLike | None = None):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays.

    path: cifar-10-python.tar.gz or the cifar-10-batches-py folder it unpacks to. Defaults to
    Keras's cache.
    """
    caller = "cifar10.load_data"
    batches = read_batches(path, "cifar-10-batches-py-target", FOLDER, ORIGIN, SHA256,
                           TRAIN + TEST, caller)
    (x_train, y_train), (x_test, y_test) = (
        _images_labels([batches[name] for name in names], "labels", caller)
        for names in (TRAIN, TEST))
    return (x_train, y_train.astype(np.uint8)), (x_test, y_test.astype(np.uint8))


def read_batches(path, target: str, folder: str, origin: str, sha256: str, names, caller: str):
    """{batch name: its dict}, from a path, Keras's cache, or a download (see the module)."""
    if path is not None:
        p = Path(path)
        if p.is_dir():
            return _from_folder(p / folder if (p / folder).is_dir() else p, names, caller)
        if not p.exists():
            raise FileNotFoundError(f"{caller}(path): no archive or folder at {str(p)!r}.")
        return _from_archive(p, folder, names, caller)
    archive = cache_path(f"{target}_archive")
    if archive.exists():
        check_hash(archive, sha256, caller)
        return _from_archive(archive, folder, names, caller)
    for unpacked in (cache_path(target, folder), cache_path(folder)):
        if unpacked.is_dir():
            return _from_folder(unpacked, names, caller)
    return _from_archive(fetch(origin, archive, caller, sha256), folder, names, caller)


def _from_folder(folder: Path, names, caller: str) -> dict:
    missing = [name for name in names if not (folder / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{caller}: expected the batch files {list(names)} in "
                                f"{str(folder)!r}; missing {missing}.")
    return {name: _batch((folder / name).read_bytes(), caller) for name in names}


def _from_archive(archive: Path, folder: str, names, caller: str) -> dict:
    import tarfile

    try:
        with tarfile.open(archive, "r:*") as tar:
            members = {m.name: m for m in tar.getmembers() if m.isfile()}
            batches = {}
            for name in names:
                member = members.get(f"{folder}/{name}")
                if member is None:
                    raise DatasetFileError(f"{caller}: {str(archive)!r} lacks {folder}/{name}; "
                                           f"expected the batches {list(names)}.")
                batches[name] = _batch(tar.extractfile(member).read(), caller)
    except (OSError, tarfile.TarError, EOFError) as err:
        raise DatasetFileError(f"{caller}: {str(archive)!r} is not a readable .tar.gz "
                               f"({err}).") from None
    return batches


def _batch(data: bytes, caller: str) -> dict:
    batch = read_pickle(data, caller)
    if not isinstance(batch, dict):
        raise DatasetFileError(f"{caller}: a batch file holds a {type(batch).__name__}, "
                               "expected a dict of data and labels.")
    return {key.decode("latin-1") if isinstance(key, bytes) else key: value
            for key, value in batch.items()}


def _images_labels(batches: list[dict], label_key: str, caller: str):
    """Images (n, 32, 32, 3) (or channels first) and labels (n, 1) in batch order."""
    from .. import config

    try:
        x = np.concatenate([np.asarray(b["data"], np.uint8).reshape(-1, 3, 32, 32)
                            for b in batches])
        y = np.concatenate([np.asarray(b[label_key]).reshape(-1) for b in batches])
    except (KeyError, ValueError, TypeError) as err:
        raise DatasetFileError(f"{caller}: a batch lacks uint8 'data' of 3 x 32 x 32 images or "
                               f"its '{label_key}' ({type(err).__name__}: {err}).") from None
    if len(x) != len(y) or y.dtype.kind not in "iu":
        raise DatasetFileError(f"{caller}: {len(x)} images but {len(y)} labels of dtype "
                               f"{y.dtype}; expected one integer label per image.")
    if config.image_data_format() == "channels_last":
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    return x, y.reshape(-1, 1)
