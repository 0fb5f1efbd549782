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


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "CsvDataset",
           "assert_cardinality", "cardinality", "choose_from_datasets", "make_csv_dataset",
           "sample_from_datasets"]
