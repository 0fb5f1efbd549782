"""MNIST handwritten digits.

``load_data()`` returns ((x_train, y_train), (x_test, y_test)) as Keras's does: uint8 images of
28 x 28 and uint8 labels 0-9. Without a path it uses, in order: a full ``mnist.npz`` in Keras's
cache (``$KERAS_HOME`` or ``~/.keras``, then ``datasets/mnist.npz``), else the real 5,000-image
sample that ships with numnet, split into a fixed, class-balanced 4,000 / 1,000 (the same on
every call and machine).

The bundled sample: the MNIST database (LeCun, Cortes, Burges), CC BY-SA 3.0; see
data/README.md.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ._files import DatasetFileError, cache_path, read_npz

BUNDLED = Path(__file__).with_name("data") / "mnist_5k.npz"


def _cached() -> Path:
    """Where Keras keeps mnist.npz: ``$KERAS_HOME`` (else ``~/.keras``) ``/datasets``."""
    return cache_path("mnist.npz")
TRAIN_PER_CLASS = 400


def _bundled_split():
    with np.load(BUNDLED, allow_pickle=False) as f:
        x, y = f["x"], f["y"]
    train_idx, test_idx = [], []
    for digit in range(10):
        rows = np.flatnonzero(y == digit)
        train_idx.append(rows[:TRAIN_PER_CLASS])
        test_idx.append(rows[TRAIN_PER_CLASS:])
    # A fixed interleaving so that the rows are not ordered by class.
    order = np.random.Generator(np.random.PCG64(20240601))
    train = order.permutation(np.concatenate(train_idx))
    test = order.permutation(np.concatenate(test_idx))
    return (x[train], y[train]), (x[test], y[test])


def _read_npz(path: Path):
    arrays = read_npz(path, "mnist.load_data")  # within bounds, never unpickled
    names = ("x_train", "y_train", "x_test", "y_test")
    if any(name not in arrays or arrays[name].dtype.hasobject for name in names):
        raise DatasetFileError(
            f"mnist.load_data(path): {str(path)!r} is not a readable mnist.npz with numeric "
            f"arrays x_train, y_train, x_test, y_test (it holds {sorted(arrays)[:10]}).")
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def load_data(path: str | os.PathLike | None = None, bundled: bool | None = None):
    """((x_train, y_train), (x_test, y_test)) as uint8 arrays.

    path: an mnist.npz to read. bundled=True forces the bundled 4,000 / 1,000 sample even when
    a full copy is in Keras's cache; bundled=False requires a full copy.
    """
    cached = _cached()
    if path is not None:
        p = Path(path)
        if not p.is_absolute() and not p.exists() and (cached.parent / p).exists():
            p = cached.parent / p
        if not p.exists():
            raise FileNotFoundError(f"mnist.load_data(path): no file at {str(p)!r}.")
        return _read_npz(p)
    if bundled is not True and cached.exists():
        return _read_npz(cached)
    if bundled is False:
        raise FileNotFoundError(
            f"mnist.load_data(bundled=False): no full MNIST at {str(cached)!r}; put "
            "mnist.npz there or pass path=."
        )
    return _bundled_split()
