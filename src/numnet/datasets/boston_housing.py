"""Boston Housing: 506 suburbs of Boston in the 1970s, 13 attributes each, and the median house
price in k$ as the target (StatLib, Carnegie Mellon University).

Keras's warning stands: one attribute, "B", encodes an assumption about race; use the data set
to illustrate that problem, not as a benchmark.

``load_data(test_split=0.2, seed=113)`` shuffles the rows with ``np.random.RandomState(seed)``
and puts the first ``int(506 * (1 - test_split))`` in the training set, as Keras does, so the
split is Keras's: x float64 of shape (404, 13) and (102, 13), y float64 of shape (404,), (102,).
The file (``boston_housing.npz``) is read from ``path=``, else Keras's cache, else downloaded
there and checked against Keras's published SHA-256.
"""

from __future__ import annotations

import os

import numpy as np

from ._files import ORIGIN, DatasetFileError, locate, read_npz

SHA256 = "f553886a1f8d56431e820c5b82552d9d95cfcb96d1e678153f8839538947dff5"
CALLER = "boston_housing.load_data"


def load_data(path: str | os.PathLike = "boston_housing.npz", test_split: float = 0.2,
              seed: int = 113):
    """((x_train, y_train), (x_test, y_test)).

    path: a bare file name is looked up in Keras's cache folder (Defaults to
    "boston_housing.npz"); any other path is read as the user's own copy.
    test_split: the fraction kept for testing, in [0, 1). Defaults to 0.2.
    seed: the seed of the shuffle. Defaults to 113.
    """
    if not 0 <= test_split < 1:
        raise ValueError(f"{CALLER}(test_split): expected a fraction in [0, 1), given "
                         f"{test_split!r}; 0.2 keeps a fifth of the rows for testing.")
    file = locate(path, ORIGIN + "boston_housing.npz", CALLER, SHA256)
    arrays = read_npz(file, CALLER)  # within bounds, never unpickled
    if any(name not in arrays or arrays[name].dtype.hasobject for name in ("x", "y")):
        raise DatasetFileError(f"{CALLER}: {str(file)!r} is not an .npz with numeric arrays x "
                               f"and y (it holds {sorted(arrays)[:10]}).")
    x, y = arrays["x"], arrays["y"]
    if x.ndim == 0 or y.ndim == 0 or len(x) != len(y):
        raise DatasetFileError(f"{CALLER}: x of shape {x.shape} and y of shape {y.shape} do "
                               "not have one row each per house.")
    indices = np.arange(len(x))
    np.random.RandomState(seed).shuffle(indices)
    x, y = x[indices], y[indices]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])

