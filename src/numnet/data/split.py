"""``keras.utils.split_dataset``: the rows of arrays or a Dataset cut into a left and a right
Dataset (e.g. train and test)."""

from __future__ import annotations

import random

import numpy as np

from .dataset import Dataset
from .structure import flatten, pack_like


def _sizes(left_size, right_size, total: int) -> tuple[int, int]:
    """The two sizes as counts of rows, Keras's rules and errors: a float is a fraction in
    (0, 1) rounded to rows, an int a count in (0, total); None is the rest."""
    for value, name in ((left_size, "left_size"), (right_size, "right_size")):
        if value is not None and type(value) not in (int, float):
            raise TypeError(f"split_dataset({name}): expected an int (rows), a float (a fraction) "
                            f"or None, given {type(value).__name__} {value!r}.")
    if left_size is None and right_size is None:
        raise ValueError("split_dataset: give left_size or right_size (or both), e.g. "
                         "left_size=0.8 for 80% of the rows on the left.")
    if left_size == 0 and right_size == 0:
        raise ValueError("split_dataset: left_size and right_size are both 0; at least one side "
                         "must have rows.")
    for value, name in ((left_size, "left_size"), (right_size, "right_size")):
        if (type(value) is int and not 0 < value < total) or (
                type(value) is float and not 0 < value < 1):
            raise ValueError(f"split_dataset({name}): expected an int in (0, {total}) or a float "
                             f"in (0, 1) for {total} rows, given {value!r}.")
    if type(left_size) is float and type(right_size) is float and left_size + right_size > 1:
        raise ValueError(f"split_dataset: the fractions left_size={left_size} and "
                         f"right_size={right_size} add up to more than 1.")
    left = round(left_size * total) if type(left_size) is float else left_size
    right = round(right_size * total) if type(right_size) is float else right_size
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"split_dataset: left_size + right_size = {left + right} rows, more than "
                         f"the {total} rows there are.")
    for count, side in ((left, "left"), (right, "right")):
        if count == 0:
            raise ValueError(f"split_dataset: with {total} rows, left_size={left_size} and "
                             f"right_size={right_size} leave the {side} side empty; change one "
                             "of them.")
    return int(left), int(right)


def _rows_of(dataset):
    """(a structure of arrays whose first axis holds the rows, the batch size to restore)."""
    if isinstance(dataset, np.ndarray):
        return dataset, None
    if isinstance(dataset, (list, tuple)):
        if not dataset:
            raise ValueError("split_dataset(dataset): given an empty list or tuple; expected "
                             "arrays of one length.")
        arrays = tuple(np.asarray(getattr(a, "value", a)) for a in dataset)
        lengths = {len(a) for a in arrays}
        if len(lengths) != 1:
            raise ValueError(f"split_dataset(dataset): the arrays must have one length; given "
                             f"lengths {[len(a) for a in arrays]}.")
        return arrays, None
    if isinstance(dataset, Dataset):
        batch_size = getattr(dataset, "_batch_size", None)
        source = dataset.unbatch() if batch_size is not None else dataset
        elements = list(source._elements())
        if not elements:
            raise ValueError("split_dataset(dataset): the dataset has no elements.")
        first = elements[0]
        columns = zip(*(flatten(e) for e in elements), strict=True)
        return pack_like(first, [np.stack(c) for c in columns]), batch_size
    raise TypeError(f"split_dataset(dataset): expected a NumPy array, a list or tuple of arrays "
                    f"of one length, or a numnet.data.Dataset; given {type(dataset).__name__}.")


def split_dataset(dataset, left_size=None, right_size=None, shuffle: bool = False, seed=None,
                  preferred_backend=None) -> tuple[Dataset, Dataset]:
    """Cut a dataset's rows in two: the first ``left_size`` rows and the last ``right_size``.

    A batched Dataset is cut into rows and both sides batched again with its batch size.
    ``shuffle=True`` shuffles the rows first, in the order Keras's does for the same ``seed``
    (Python's ``random`` seeded with it), so a seeded split picks the same rows as Keras.

    Args:
        dataset: a NumPy array, a list or tuple of arrays of one length (e.g. ``(x, y)``), or a
            ``numnet.data.Dataset`` (finite).
        left_size: a float in (0, 1), the left side's fraction of the rows (rounded); an int,
            its number of rows; or None for what ``right_size`` leaves. Defaults to ``None``.
        right_size: the same for the right side. Defaults to ``None``.
        shuffle: shuffle the rows before cutting. Defaults to ``False``.
        seed: the shuffle's seed; None for a random one. Defaults to ``None``.
        preferred_backend: accepted for Keras; both sides are numnet Datasets. Defaults to
            ``None``.

    Returns:
        ``(left, right)``, two ``numnet.data.Dataset`` of rows (tuples stay tuples).

    Raises:
        TypeError: for sizes that are not int, float or None, or an unknown kind of dataset.
        ValueError: for sizes out of range, both None, or a side left empty.

    Example:
        >>> x = np.arange(10, dtype="float32").reshape(5, 2)
        >>> left, right = numnet.utils.split_dataset(x, left_size=0.6)
        >>> len(left), len(right)
        (3, 2)
    """
    rows, batch_size = _rows_of(dataset)
    total = len(flatten(rows)[0])
    order = list(range(total))
    if shuffle:
        random.Random(random.randint(0, int(1e6)) if seed is None else seed).shuffle(order)
    left_count, right_count = _sizes(left_size, right_size, total)
    sides = []
    for index in (order[:left_count], order[total - right_count:]):
        index = np.asarray(index, dtype=np.intp)
        part = pack_like(rows, [a[index] for a in flatten(rows)])
        side = Dataset.from_tensor_slices(part)
        sides.append(side.batch(batch_size) if batch_size is not None else side)
    return sides[0], sides[1]


__all__ = ["split_dataset"]
