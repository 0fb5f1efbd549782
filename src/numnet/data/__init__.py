"""TensorFlow's ``tf.data`` for numnet: ``import numnet as tf`` then ``tf.data.Dataset``.

    ds = tf.data.Dataset.from_tensor_slices((x_train, y_train))
    ds = ds.shuffle(10_000, seed=0).batch(32).prefetch(tf.data.AUTOTUNE)
    model.fit(ds, epochs=5)                    # reshuffled at each epoch

Pipelines are lazy and run on NumPy in the calling thread; see ``Dataset``.
"""

from . import experimental
from .dataset import (
           AUTOTUNE,
           INFINITE_CARDINALITY,
           UNKNOWN_CARDINALITY,
           Cardinality,
           Dataset,
           Options,
)
from .readers import TextLineDataset
from .structure import TensorSpec
from .tfrecord import TFRecordDataset

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "Cardinality", "Dataset",
           "Options", "TFRecordDataset", "TensorSpec", "TextLineDataset", "experimental"]
