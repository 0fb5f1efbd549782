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

import io
import os
from pathlib import Path

import numpy as np

from ._files import (
    _READER_ERRORS,
    CHUNK,
    MAX_BYTES,
    MAX_MEMBERS,
    MAX_RATIO,
    RATIO_FLOOR,
    DatasetFileError,
    cache_path,
    check_hash,
    fetch,
    read_limited,
    read_pickle,
)

ORIGIN = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
SHA256 = "6d958be074577803d12ecdefd02955f39262c83c16fe9348329d7fe0b5c001ce"
FOLDER = "cifar-10-batches-py"
TRAIN = tuple(f"data_batch_{i}" for i in range(1, 6))
TEST = ("test_batch",)
MAX_BATCH_BYTES = 256 * 1024**2
"""The most one batch file may hold (CIFAR-100's training batch, the largest, is 155 MB)."""


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
    batches = {}
    for name in names:
        try:
            with open(folder / name, "rb") as f:
                data = read_limited(f, MAX_BATCH_BYTES, repr(str(folder / name)), caller)
        except OSError as err:
            raise DatasetFileError(f"{caller}: cannot read {str(folder / name)!r} ({err}).") \
                from None
        batches[name] = _batch(bytes(data), caller)
    return batches


def _from_archive(archive: Path, folder: str, names, caller: str) -> dict:
    """The batches, read from the archive as a stream (never unpacked to disk), each member
    within MAX_BATCH_BYTES and the whole within MAX_BYTES and MAX_RATIO times the archive's
    size, so that a decompression bomb is refused after a bounded amount of work."""
    import tarfile

    wanted = {f"{folder}/{name}": name for name in names}
    batches = {}
    try:
        with open(archive, "rb") as raw:
            stream = _decompressed(raw, archive, caller)
            with tarfile.open(fileobj=stream, mode="r|") as tar:
                for count, member in enumerate(tar):
                    if count > MAX_MEMBERS:
                        raise DatasetFileError(f"{caller}: {str(archive)!r} holds more than "
                                               f"{MAX_MEMBERS} members")
                    name = wanted.get(member.name)
                    if name is None or not member.isfile():
                        continue
                    where = f"{str(archive)!r}, member {member.name!r}"
                    if member.size > MAX_BATCH_BYTES:
                        raise DatasetFileError(f"{caller}: {where} declares {member.size} bytes "
                                               f"(a batch has at most {MAX_BATCH_BYTES})")
                    data = read_limited(tar.extractfile(member), member.size, where, caller)
                    batches[name] = _batch(bytes(data), caller)
    except DatasetFileError:
        raise
    except (tarfile.TarError, *_READER_ERRORS) as err:
        raise DatasetFileError(f"{caller}: {str(archive)!r} is not a readable .tar.gz "
                               f"({type(err).__name__}: {err}).") from None
    missing = [name for name in names if name not in batches]
    if missing:
        raise DatasetFileError(f"{caller}: {str(archive)!r} lacks {folder}/{missing[0]}; "
                               f"expected the batches {list(names)}.")
    return batches


class _Bounded(io.RawIOBase):
    """A decompressing reader that fails once it has given more than MAX_RATIO times the
    compressed bytes it consumed (past RATIO_FLOOR), or MAX_BYTES in all."""

    def __init__(self, inner, raw, where: str, caller: str):
        self.inner, self.raw, self.where, self.caller, self.given = inner, raw, where, caller, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        self.given += len(data)
        if self.given > max(RATIO_FLOOR, MAX_RATIO * self.raw.tell()) or self.given > MAX_BYTES:
            raise DatasetFileError(
                f"{self.caller}: {self.where} expands to more than {MAX_RATIO} times its "
                f"compressed size (or {MAX_BYTES} bytes); refused as a decompression bomb")
        buffer[:len(data)] = data
        return len(data)


def _decompressed(raw, archive: Path, caller: str):
    import bz2
    import gzip
    import lzma

    head = raw.read(6)
    raw.seek(0)
    if head.startswith(b"\x1f\x8b"):
        inner = gzip.GzipFile(fileobj=raw, mode="rb")
    elif head.startswith(b"BZh"):
        inner = bz2.BZ2File(raw)
    elif head.startswith(b"\xfd7zXZ\x00"):
        inner = lzma.LZMAFile(raw)
    else:
        return raw  # a plain tar: its size is what is there
    return io.BufferedReader(_Bounded(inner, raw, repr(str(archive)), caller), CHUNK)


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
        x = np.concatenate([_pixels(b["data"], caller).reshape(-1, 3, 32, 32)
                            for b in batches])
        y = np.concatenate([np.asarray(b[label_key]).reshape(-1) for b in batches])
    except (KeyError, ValueError, TypeError, OverflowError) as err:
        if isinstance(err, DatasetFileError):
            raise
        raise DatasetFileError(f"{caller}: a batch lacks uint8 'data' of 3 x 32 x 32 images or "
                               f"its '{label_key}' ({type(err).__name__}: {err}).") from None
    if len(x) != len(y) or y.dtype.kind not in "iu":
        raise DatasetFileError(f"{caller}: {len(x)} images but {len(y)} labels of dtype "
                               f"{y.dtype}; expected one integer label per image.")
    if config.image_data_format() == "channels_last":
        x = np.ascontiguousarray(x.transpose(0, 2, 3, 1))
    return x, y.reshape(-1, 1)


def _pixels(data, caller: str) -> np.ndarray:
    """A batch's images as uint8, refusing values outside 0-255 rather than wrapping them."""
    array = data if isinstance(data, np.ndarray) else np.asarray(data)
    if array.dtype == np.uint8:
        return array
    if array.dtype.kind not in "iu" or (array.size and (array.min() < 0 or array.max() > 255)):
        raise DatasetFileError(f"{caller}: a batch's 'data' holds {array.dtype} values"
                               + (f" from {array.min()} to {array.max()}"
                                  if array.dtype.kind in "iuf" and array.size else "")
                               + "; expected uint8 pixels 0-255.")
    return array.astype(np.uint8)
