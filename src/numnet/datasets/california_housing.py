"""California Housing: 20,640 census block groups of California in 1990, 8 numeric attributes
each (median income, house age, average rooms and bedrooms per household, population, average
occupancy, latitude, longitude) and the median house value in dollars as the target (StatLib,
Pace and Barry, 1997).

``load_data(version="large", test_split=0.2, seed=113)`` keeps the first 600 rows for
``version="small"`` (a stand-in for the retired Boston table), shuffles the rows with
``np.random.RandomState(seed)`` and puts the first ``int(n * (1 - test_split))`` in the
training set, as Keras does, so the split is Keras's: x float32 of shape (16512, 8) and
(4128, 8), y float32 of shape (16512,) and (4128,) for the large version. The file
(``california_housing.npz``) is read from ``path=``, else Keras's cache, else downloaded there
and checked against Keras's published SHA-256.
"""

from __future__ import annotations

import os

from ._files import ORIGIN, check_test_split, locate, shuffle_split, xy_rows

SHA256 = "1a2e3a52e0398de6463aebe6f4a8da34fb21fbb6b934cf88c3425e766f2a1a6f"
CALLER = "california_housing.load_data"
SMALL_ROWS = 600


def load_data(version: str = "large", path: str | os.PathLike = "california_housing.npz",
              test_split: float = 0.2, seed: int = 113):
    """The California Housing regression table, split as Keras splits it.

    Args:
        version: ``"large"`` (all 20,640 rows) or ``"small"`` (the first 600). Defaults to
            ``"large"``.
        path: a bare file name is looked up in Keras's cache folder (``~/.keras/datasets``, or
            ``$KERAS_HOME/datasets``) and downloaded there if absent; any other path is read as
            the user's own copy. Defaults to ``"california_housing.npz"``.
        test_split: the fraction of rows kept for testing, in [0, 1). Defaults to 0.2.
        seed: the seed of the shuffle before the cut. Defaults to 113.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``: x of shape (rows, 8), y of shape (rows,),
        the target in dollars (about 15,000 to 500,000).

    Raises:
        ValueError: for a ``version`` other than "small" / "large", or ``test_split`` outside
            [0, 1).
        DatasetFileError: for a file that is not Keras's (wrong hash in the cache, or no numeric
            arrays ``x`` and ``y`` of one row each).

    Example:
        >>> (x_train, y_train), (x_test, y_test) = (
        ...     numnet.datasets.california_housing.load_data())  # doctest: +SKIP
        >>> x_train.shape, y_test.shape  # doctest: +SKIP
        ((16512, 8), (4128,))
    """
    if version not in ("small", "large"):
        raise ValueError(f"{CALLER}(version): expected 'small' (600 rows) or 'large' (20,640 "
                         f"rows), given {version!r}.")
    check_test_split(test_split, CALLER)
    file = locate(path, ORIGIN + "california_housing.npz", CALLER, SHA256)
    x, y = xy_rows(file, CALLER, "block group")
    if version == "small":
        x, y = x[:SMALL_ROWS], y[:SMALL_ROWS]
    return shuffle_split(x, y, test_split, seed)
