"""``tf.data.experimental``: the cardinality constants and functions, AUTOTUNE, and the CSV
readers ``CsvDataset`` and ``make_csv_dataset``."""

from __future__ import annotations

import enum

from .dataset import (
    AUTOTUNE,
    INFINITE_CARDINALITY,
    UNKNOWN_CARDINALITY,
    Cardinality,
    Dataset,
    Optional,
    _AssertCardinality,
)
from .readers import CsvDataset, make_csv_dataset
from .tfrecord import DatasetTFRecordWriter as TFRecordWriter


def cardinality(dataset: Dataset) -> Cardinality:
    """``dataset.cardinality()``: its number of elements, -1 without end, -2 unknown."""
    return dataset.cardinality()


sample_from_datasets = Dataset.sample_from_datasets


def Counter(start=0, step=1, dtype="int64"):  # noqa: N802 (TensorFlow's name)
    """``Dataset.counter(start, step, dtype)``: the integers from ``start`` by ``step``
    without end, TensorFlow's older spelling."""
    return Dataset.counter(start, step, dtype)


choose_from_datasets = Dataset.choose_from_datasets


def scan(initial_state, scan_func):
    """For ``dataset.apply``: ``dataset.scan(initial_state, scan_func)``, TensorFlow's older
    spelling (``scan_func(state, element)`` returns ``(new_state, output)``)."""
    return lambda dataset: dataset.scan(initial_state, scan_func)


class AutoShardPolicy(enum.IntEnum):
    """How a distributed dataset is split among workers, as
    ``tf.data.experimental.AutoShardPolicy`` (set on
    ``tf.data.Options().experimental_distribute.auto_shard_policy``). numnet reads with one
    worker, so every policy reads the whole dataset."""

    OFF = -1
    AUTO = 0
    FILE = 1
    DATA = 2
    HINT = 3


def get_next_as_optional(iterator) -> Optional:
    """``iterator.get_next_as_optional()``: the next element as an Optional, empty at the
    end."""
    return iterator.get_next_as_optional()


def rejection_resample(class_func, target_dist, initial_dist=None, seed=None):
    """For ``dataset.apply``: ``dataset.rejection_resample(class_func, target_dist,
    initial_dist, seed)``, the ``(class, element)`` pairs resampled to ``target_dist``."""
    return lambda dataset: dataset.rejection_resample(class_func, target_dist, initial_dist,
                                                      seed)


def take_while(predicate):
    """For ``dataset.apply``: ``dataset.take_while(predicate)``, the elements up to the first
    for which ``predicate`` is false."""
    return lambda dataset: dataset.take_while(predicate)


def unique():
    """For ``dataset.apply``: ``dataset.unique()``, the elements without repeats."""
    return lambda dataset: dataset.unique()


def group_by_window(key_func, reduce_func, window_size=None, window_size_func=None):
    """For ``dataset.apply``: ``dataset.group_by_window(...)`` with the same arguments."""
    return lambda dataset: dataset.group_by_window(key_func, reduce_func, window_size,
                                                   window_size_func)


def bucket_by_sequence_length(element_length_func, bucket_boundaries, bucket_batch_sizes,
                              padded_shapes=None, padding_values=None,
                              pad_to_bucket_boundary=False, no_padding=False,
                              drop_remainder=False):
    """For ``dataset.apply``: ``dataset.bucket_by_sequence_length(...)`` with the same
    arguments (batches of elements of similar length)."""
    return lambda dataset: dataset.bucket_by_sequence_length(
        element_length_func, bucket_boundaries, bucket_batch_sizes, padded_shapes,
        padding_values, pad_to_bucket_boundary, no_padding, drop_remainder)


def dense_to_ragged_batch(batch_size, drop_remainder: bool = False,
                          row_splits_dtype="int64"):
    """For ``dataset.apply``: ``dataset.ragged_batch(batch_size, drop_remainder)``, elements
    of different lengths batched into a RaggedTensor."""
    return lambda dataset: dataset.ragged_batch(batch_size, drop_remainder)


def assert_cardinality(expected_cardinality):
    """For ``dataset.apply``: declare the number of elements (so that ``len`` and fit know
    it); iterating raises ValueError if the dataset has another number."""
    return lambda dataset: _AssertCardinality(dataset, int(expected_cardinality))


def ignore_errors(log_warning: bool = False):
    """For ``dataset.apply``: the dataset's ``ignore_errors()``, TensorFlow's older spelling.
    The elements for which a ``map`` or ``filter`` function raises are left out (and a
    ``CsvDataset`` leaves out the records it cannot read).

    Args:
        log_warning: True to warn with each error skipped. Defaults to ``False``.

    Returns:
        A function of a dataset, for ``dataset.apply``.

    Example:
        >>> ds = numnet.data.Dataset.from_tensor_slices(["1", "x", "3"])
        >>> ds = ds.map(numnet.strings.to_number)
        >>> ds = ds.apply(numnet.data.experimental.ignore_errors())
        >>> [float(v) for v in ds.as_numpy_iterator()]
        [1.0, 3.0]
    """
    return lambda dataset: dataset.ignore_errors(log_warning)


__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "AutoShardPolicy",
           "Counter", "CsvDataset", "Optional", "TFRecordWriter", "assert_cardinality",
           "bucket_by_sequence_length", "cardinality", "choose_from_datasets",
           "dense_to_ragged_batch", "get_next_as_optional", "group_by_window", "ignore_errors",
           "make_csv_dataset", "rejection_resample", "sample_from_datasets", "scan",
           "take_while", "unique"]
