"""``tf.data.experimental``: the cardinality constants and functions, AUTOTUNE, and the CSV
readers ``CsvDataset`` and ``make_csv_dataset``."""

from __future__ import annotations

from .dataset import (
    AUTOTUNE,
    INFINITE_CARDINALITY,
    UNKNOWN_CARDINALITY,
    Cardinality,
    Dataset,
    _AssertCardinality,
)
from .readers import CsvDataset, make_csv_dataset


def cardinality(dataset: Dataset) -> Cardinality:
    """``dataset.cardinality()``: its number of elements, -1 without end, -2 unknown."""
    return dataset.cardinality()


sample_from_datasets = Dataset.sample_from_datasets
choose_from_datasets = Dataset.choose_from_datasets


def assert_cardinality(expected_cardinality):
    """For ``dataset.apply``: declare the number of elements (so that ``len`` and fit know
    it); iterating raises ValueError if the dataset has another number."""
    return lambda dataset: _AssertCardinality(dataset, int(expected_cardinality))


def ignore_errors(log_warning: bool = False):
    """For ``dataset.apply``: the dataset's ``ignore_errors()``, TensorFlow's older spelling.
    A ``CsvDataset`` then leaves out the records it cannot read.

    Args:
        log_warning: accepted. Defaults to ``False``.

    Raises:
        TypeError: (when applied) the dataset cannot skip its errors; only the CSV reader's
            records can be skipped in numnet.

    Example:
        >>> ds = numnet.data.experimental.CsvDataset("data.csv", [[0], [0.0]])
        >>> ds = ds.apply(numnet.data.experimental.ignore_errors())
    """
    def apply(dataset):
        if not hasattr(dataset, "ignore_errors"):
            raise TypeError(f"ignore_errors: {type(dataset).__name__.lstrip('_')}Dataset cannot "
                            "skip the elements that fail; numnet skips the records that "
                            "tf.data.experimental.CsvDataset (or make_csv_dataset's "
                            "ignore_errors=True) cannot read. Apply it to the CsvDataset, "
                            "before map or batch.")
        return dataset.ignore_errors(log_warning)

    return apply


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "CsvDataset",
           "assert_cardinality", "cardinality", "choose_from_datasets", "ignore_errors",
           "make_csv_dataset",
           "sample_from_datasets"]
