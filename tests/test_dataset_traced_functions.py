"""Dataset.map / filter / flat_map / interleave read the Python values of their function as
they are when the transformation is made, as TensorFlow, which traces the function then (the
"Load text" tutorial labels each file's lines with ``map(lambda ex: labeler(ex, i))`` in a loop
over i)."""

import numpy as np

import numnet as tf

i = None  # rebound by the module-level loop below


def labeler(example, index):
    return example, tf.cast(index, tf.int64)


def test_a_lambda_made_in_a_module_level_loop_keeps_its_round():
    global i
    parts = []
    for i, rows in enumerate(([1, 2], [3, 4, 5])):
        parts.append(tf.data.Dataset.from_tensor_slices(rows).map(lambda ex: labeler(ex, i)))  # noqa: B023
    joined = parts[0].concatenate(parts[1])
    assert [int(label) for _, label in joined] == [0, 0, 1, 1, 1]


def test_enclosing_variables_are_fixed_for_every_transformation():
    datasets = []
    for k in range(3):
        base = tf.data.Dataset.range(4)
        datasets.append((
            base.map(lambda x: x + k),  # noqa: B023
            base.filter(lambda x: x % 3 == k),  # noqa: B023
            base.flat_map(lambda x: tf.data.Dataset.from_tensors(x * k)),  # noqa: B023
            base.interleave(lambda x: tf.data.Dataset.from_tensors(x - k),  # noqa: B023
                            cycle_length=1),
        ))
    for k, (mapped, kept, flat, woven) in enumerate(datasets):
        assert [int(x) for x in mapped] == [x + k for x in range(4)]
        assert [int(x) for x in kept] == [x for x in range(4) if x % 3 == k]
        assert [int(x) for x in flat] == [x * k for x in range(4)]
        assert [int(x) for x in woven] == [x - k for x in range(4)]


def test_objects_keep_their_identity_and_layers_pass_as_they_are():
    # a layer adapted after map is made is read adapted, as TensorFlow reads its variables
    layer = tf.keras.layers.Normalization()
    ds = tf.data.Dataset.from_tensor_slices(np.array([[2.0], [4.0]], "float32"))
    through_lambda = ds.map(lambda x: layer(x))
    direct = ds.map(layer)
    layer.adapt(np.array([[2.0], [4.0]], "float32"))
    assert [round(float(np.ravel(x)[0]), 4) for x in through_lambda] == [-1.0, 1.0]
    assert [round(float(np.ravel(x)[0]), 4) for x in direct] == [-1.0, 1.0]
