"""tf.train.Checkpoint keys a layer's variables by attribute path, as TensorFlow's object graph
does, so a structure of Checkpoints that mirrors a model's attributes restores its values (the
"mock-up" restore of TensorFlow's checkpoint guide), and files of the first format version
(layers keyed by place) still restore."""

import json

import numpy as np

import numnet as tf


class Net(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.l1 = tf.keras.layers.Dense(5)

    def call(self, x):
        return self.l1(x)


def _trained_net():
    net = Net()
    net(np.ones((1, 1), "float32"))
    net.l1.kernel.assign(np.arange(5, dtype="float32").reshape(1, 5))
    net.l1.bias.assign(np.array([1.0, 2.0, 3.0, 4.0, 5.0], "float32"))
    return net


def test_keys_are_attribute_paths(tmp_path):
    net = _trained_net()
    seq = tf.keras.Sequential([tf.keras.Input((3,)), tf.keras.layers.Dense(4),
                               tf.keras.layers.BatchNormalization()])
    path = tf.train.Checkpoint(net=net, seq=seq).write(str(tmp_path / "c"))
    names = dict(tf.train.list_variables(path))
    assert names["net/l1/bias"] == [5] and names["net/l1/kernel"] == [1, 5]
    assert names["seq/layers/0/kernel"] == [3, 4]
    assert names["seq/layers/1/moving_variance"] == [4]


def test_mock_up_restore_of_one_bias(tmp_path):
    """TensorFlow's guide: Checkpoints standing in for the model and its layer restore the
    layer's bias alone."""
    path = tf.train.Checkpoint(net=_trained_net()).write(str(tmp_path / "c"))
    to_restore = tf.Variable(tf.zeros([5]))
    fake_layer = tf.train.Checkpoint(bias=to_restore)
    fake_net = tf.train.Checkpoint(l1=fake_layer)
    tf.train.Checkpoint(net=fake_net).restore(path)
    np.testing.assert_array_equal(to_restore.numpy(), [1.0, 2.0, 3.0, 4.0, 5.0])


def test_unbuilt_model_takes_each_value_at_its_build(tmp_path):
    path = tf.train.Checkpoint(net=_trained_net()).write(str(tmp_path / "c"))
    fresh = Net()
    status = tf.train.Checkpoint(net=fresh).restore(path)
    fresh(np.ones((2, 1), "float32"))
    np.testing.assert_array_equal(fresh.l1.bias.numpy(), [1.0, 2.0, 3.0, 4.0, 5.0])
    status.assert_consumed()


def test_first_format_version_restores_by_place(tmp_path):
    """A version-1 file keys the layer's variables as net/.variables/0 (kernel), /1 (bias)."""
    from numnet.tf_api import checkpoint as ck

    variables = {}
    ckpt = tf.train.Checkpoint(net=_trained_net())
    ck._variables_of(ckpt, "", variables, set(), by_place=True)
    variables["save_counter"] = ckpt.save_counter
    prefix = str(tmp_path / "old")
    ck._write(prefix, variables)
    with open(prefix + ".index") as f:
        meta = json.load(f)
    meta["version"] = 1
    with open(prefix + ".index", "w") as f:
        json.dump(meta, f)
    assert {v["key"] for v in meta["variables"]} == {"net/.variables/0", "net/.variables/1",
                                                     "save_counter"}
    fresh = Net()
    fresh(np.ones((1, 1), "float32"))
    tf.train.Checkpoint(net=fresh).restore(prefix).assert_consumed()
    np.testing.assert_array_equal(fresh.l1.kernel.numpy(), [[0.0, 1.0, 2.0, 3.0, 4.0]])
