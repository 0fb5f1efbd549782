"""tf.train.Checkpoint as TensorFlow's object graph: a variable reached by two paths (a list
and a dict) is saved once and restores through either; lists and dicts set on a Checkpoint are
tracked, so a variable appended after restore() gets its value; TensorFlow's spelling of a key
("step/.ATTRIBUTES/VARIABLE_VALUE") finds the value in load_variable and the reader's maps.
The values are TensorFlow's for the same program (the guide "Training checkpoints")."""

from __future__ import annotations

import numpy as np
import pytest

import numnet as tf


def _saved_list_and_dict(tmp_path):
    save = tf.train.Checkpoint()
    save.listed = [tf.Variable(1.0)]
    save.listed.append(tf.Variable(2.0))
    save.mapped = {"one": save.listed[0]}
    save.mapped["two"] = save.listed[1]
    return save, save.save(str(tmp_path / "tf_list_example"))


def test_a_variable_saved_once_restores_through_another_path(tmp_path):
    _, path = _saved_list_and_dict(tmp_path)
    assert dict(tf.train.list_variables(path)) == {"listed/0": [], "listed/1": [],
                                                    "save_counter": []}
    restore = tf.train.Checkpoint()
    v2 = tf.Variable(0.0)
    restore.mapped = {"two": v2}
    restore.restore(path)
    assert float(v2.numpy()) == 2.0


def test_a_variable_appended_to_a_tracked_list_after_restore_gets_its_value(tmp_path):
    _, path = _saved_list_and_dict(tmp_path)
    restore = tf.train.Checkpoint()
    restore.restore(path)
    restore.listed = []
    assert repr(restore.listed) == "ListWrapper([])"
    v1 = tf.Variable(0.0)
    restore.listed.append(v1)
    assert float(v1.numpy()) == 1.0
    restore.mapped = {}
    v_two = tf.Variable(0.0)
    restore.mapped["two"] = v_two
    assert float(v_two.numpy()) == 2.0


def test_the_same_structure_consumes_everything_aliases_included(tmp_path):
    save, path = _saved_list_and_dict(tmp_path)
    for v in save.listed:
        v.assign(0.0)
    status = save.restore(path)
    status.assert_consumed()
    assert [float(v.numpy()) for v in save.listed] == [1.0, 2.0]


def test_tensorflow_s_spelling_of_a_key_finds_the_value(tmp_path):
    ckpt = tf.train.Checkpoint(step=tf.Variable(7), net=tf.train.Checkpoint(
        bias=tf.Variable(np.arange(3, dtype="float32"))))
    path = ckpt.save(str(tmp_path / "ckpt"))
    key = "net/bias/.ATTRIBUTES/VARIABLE_VALUE"
    assert tf.train.load_variable(path, key).tolist() == [0.0, 1.0, 2.0]
    assert int(tf.train.load_variable(path, "step/.ATTRIBUTES/VARIABLE_VALUE")) == 7
    reader = tf.train.load_checkpoint(str(tmp_path))
    assert reader.get_variable_to_shape_map()[key] == [3]
    assert reader.get_variable_to_dtype_map()[key] == np.float32
    assert reader.has_tensor(key) and reader.has_tensor("net/bias")
    with pytest.raises(KeyError):
        reader.get_variable_to_shape_map()["net/kernel/.ATTRIBUTES/VARIABLE_VALUE"]
    with pytest.raises(tf.errors.NotFoundError, match="net/kernel"):
        reader.get_tensor("net/kernel/.ATTRIBUTES/VARIABLE_VALUE")
