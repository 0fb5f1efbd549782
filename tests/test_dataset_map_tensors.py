"""Functions given to Dataset.map / filter / flat_map receive Tensors, as tf.data's receive
tensors: the TensorFlow tutorials' window splitters call ``set_shape`` on them."""

import numpy as np

import numnet as tf
from numnet.autodiff import Tensor


def test_map_gets_tensors_that_take_set_shape_and_slicing():
    seen = []

    def split_window(features):
        seen.append(type(features))
        inputs = features[:, slice(0, 2), :]
        labels = tf.stack([features[:, 2:, 0]], axis=-1)
        inputs.set_shape([None, 2, None])
        return inputs, labels

    data = np.arange(24, dtype="float32").reshape(8, 3)
    ds = tf.keras.utils.timeseries_dataset_from_array(data, None, sequence_length=3,
                                                       batch_size=4).map(split_window)
    inputs, labels = next(iter(ds))
    assert seen == [Tensor]
    assert inputs.numpy().tolist()[0] == [[0, 1, 2], [3, 4, 5]]
    assert labels.numpy().tolist()[0] == [[6]]
    assert [tuple(b[0].shape) for b in ds] == [(4, 2, 3), (2, 2, 3)]


def test_tuple_components_arrive_as_separate_tensors_and_results_keep_their_values():
    ds = tf.data.Dataset.from_tensor_slices((np.array([1, 2, 3]), np.array([10, 20, 30])))
    ds = ds.map(lambda x, y: (x * 2, y + x)).filter(lambda x, y: x > 2)
    assert [(int(x), int(y)) for x, y in ds.as_numpy_iterator()] == [(4, 22), (6, 33)]


def test_strings_reach_map_as_tensors():
    ds = tf.data.Dataset.from_tensor_slices(np.array(["A b", "C"])).batch(2)
    out = ds.map(lambda text: tf.strings.lower(text))
    assert next(out.as_numpy_iterator()).tolist() == [b"a b", b"c"]  # bytes, as TensorFlow


def test_flat_map_gets_tensors_and_may_slice_them_into_datasets():
    ds = tf.data.Dataset.from_tensor_slices(np.arange(6).reshape(3, 2))
    flat = ds.flat_map(lambda row: tf.data.Dataset.from_tensor_slices(row * 10))
    assert [int(v) for v in flat.as_numpy_iterator()] == [0, 10, 20, 30, 40, 50]
