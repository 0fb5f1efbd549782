"""Fashion-MNIST: 28 x 28 grayscale images of 10 kinds of clothing (Zalando SE, MIT license).

``load_data()`` returns ((x_train, y_train), (x_test, y_test)) as Keras's does: uint8 images of
shape (60000, 28, 28) and (10000, 28, 28), uint8 labels 0-9 of shape (60000,) and (10000,).
The four gzipped IDX files are read from ``path=`` (a folder holding them), else from Keras's
cache (``~/.keras/datasets/fashion-mnist/``, or under ``$KERAS_HOME``), else downloaded there
from Keras's origin. Keras publishes no hash for these files, so a download is checked by its
format instead (IDX magic number, item count and 28 x 28 size) before it is renamed into place.

Labels: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker,
8 Bag, 9 Ankle boot.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ._files import ORIGIN, DatasetFileError, cache_path, fetch, read_limited

FILES = ("train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
         "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")
CALLER = "fashion_mnist.load_data"
MAX_IDX_BYTES = 64 * 1024**2
"""The most one unpacked IDX file may hold (the training images are 47 MB)."""


def _read_idx(path: Path) -> np.ndarray:
    """An IDX file of unsigned bytes: labels (magic 2049) or 28 x 28 images (magic 2051)."""
    import gzip
    import zlib

    try:
        with gzip.open(path, "rb") as f:
            data = bytes(read_limited(f, MAX_IDX_BYTES, repr(str(path)), CALLER))
    except DatasetFileError:
        raise
    except (OSError, EOFError, zlib.error, ValueError) as err:
        raise DatasetFileError(f"{CALLER}: {str(path)!r} is not a gzip file ({err}).") from None
    magic = int.from_bytes(data[:4], "big")
    header = 8 if magic == 2049 else 16
    count = int.from_bytes(data[4:8], "big")
    shape = (count,) if magic == 2049 else (count, 28, 28)
    if magic not in (2049, 2051) or len(data) != header + int(np.prod(shape)) or (
            magic == 2051 and data[8:16] != (28).to_bytes(4, "big") * 2):
        raise DatasetFileError(
            f"{CALLER}: {str(path)!r} is not an IDX file of uint8 labels or 28 x 28 images "
            f"(magic number {magic}, {len(data)} bytes unpacked). Delete it so that it is "
            "downloaded again, or pass path= to a folder holding the four Fashion-MNIST files."
        )
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


def load_data(path: str | os.PathLike | None = None):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays.

    path: a folder holding train-labels-idx1-ubyte.gz, train-images-idx3-ubyte.gz,
    t10k-labels-idx1-ubyte.gz and t10k-images-idx3-ubyte.gz. Defaults to Keras's cache.
    """
    if path is not None:
        paths = [Path(path) / name for name in FILES]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            raise FileNotFoundError(f"{CALLER}(path): expected the four Fashion-MNIST files in "
                                    f"{str(path)!r}; missing {missing}.")
    else:
        paths = [fetch(ORIGIN + name, cache_path("fashion-mnist", name), CALLER,
                       check=_read_idx) for name in FILES]
    y_train, x_train, y_test, x_test = (_read_idx(p) for p in paths)
    if x_train.ndim != 3 or y_train.ndim != 1 or len(x_train) != len(y_train) \
            or len(x_test) != len(y_test):
        raise DatasetFileError(f"{CALLER}: the image and label files do not pair up (images "
                               f"{x_train.shape} / {x_test.shape}, labels {y_train.shape} / "
                               f"{y_test.shape}).")
    return (x_train, y_train), (x_test, y_test)
