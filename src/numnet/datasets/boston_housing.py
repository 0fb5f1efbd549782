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

from ._files import ORIGIN, check_test_split, locate, shuffle_split, xy_rows

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
    check_test_split(test_split, CALLER)
    file = locate(path, ORIGIN + "boston_housing.npz", CALLER, SHA256)
    x, y = xy_rows(file, CALLER, "house")
    return shuffle_split(x, y, test_split, seed)

