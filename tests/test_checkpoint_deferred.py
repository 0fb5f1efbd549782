"""tf.train.Checkpoint as TensorFlow's "Training checkpoints" guide uses it: a dataset iterator
saved with its position, and objects whose variables do not exist yet when ``restore`` is called
(a subclassed model before its first call, its optimizer before its first step, a tf.Module
that makes its variables in ``__call__``) restored when the variables are made, before they are
first used."""

import numpy as np
import pytest

import numnet as tf


class Net(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.l1 = tf.keras.layers.Dense(5)

    def call(self, x):
        return self.l1(x)


def toy_dataset():
    inputs = tf.range(10.0)[:, None]
    labels = inputs * 5.0 + tf.range(5.0)[None, :]
    return tf.data.Dataset.from_tensor_slices(dict(x=inputs, y=labels)).repeat().batch(2)


def train_step(net, example, optimizer):
    with tf.GradientTape() as tape:
        output = net(example["x"])
        loss = tf.reduce_mean(tf.abs(output - example["y"]))
    variables = net.trainable_variables
    optimizer.apply_gradients(zip(tape.gradient(loss, variables), variables))
    return float(loss)


def test_iterator_position_is_saved_and_restored(tmp_path):
    iterator = iter(tf.data.Dataset.range(10).repeat().batch(3))
    for _ in range(4):
        next(iterator)
    ckpt = tf.train.Checkpoint(iterator=iterator)
    path = ckpt.save(str(tmp_path / "ckpt"))
    after_save = [next(iterator).numpy().tolist() for _ in range(2)]
    assert after_save == [[2, 3, 4], [5, 6, 7]]  # 12 elements read: 10, 11 -> 0, 1 wrap

    ckpt.restore(path)  # back to the saved position in the same iterator
    assert [next(iterator).numpy().tolist() for _ in range(2)] == after_save

    fresh = iter(tf.data.Dataset.range(10).repeat().batch(3))  # a new program's iterator
    tf.train.Checkpoint(iterator=fresh).restore(path)
    assert [next(fresh).numpy().tolist() for _ in range(2)] == after_save
    assert next(fresh).numpy().tolist() == [8, 9, 0]


def test_iterator_get_next_and_element_spec():
    iterator = iter(tf.data.Dataset.from_tensor_slices(np.arange(6.0).reshape(3, 2)))
    assert iterator.get_next().numpy().tolist() == [0.0, 1.0]
    assert tuple(iterator.element_spec.shape) == (2,)
    assert [x.numpy().tolist() for x in iterator] == [[2.0, 3.0], [4.0, 5.0]]


def test_unbuilt_model_and_optimizer_restored_before_first_use(tmp_path):
    """The guide's train_and_checkpoint twice: the second, new Net and a new Adam are restored
    from the first's checkpoint before the new Net's first call, so training goes on exactly as
    the first program would have gone on (weights, Adam's moments and step, the iterator)."""
    tf.keras.utils.set_random_seed(0)
    net, opt = Net(), tf.keras.optimizers.Adam(0.1)
    iterator = iter(toy_dataset())
    ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, net=net, iterator=iterator)
    manager = tf.train.CheckpointManager(ckpt, str(tmp_path / "tf_ckpts"), max_to_keep=3)
    for _ in range(20):
        train_step(net, next(iterator), opt)
        ckpt.step.assign_add(1)
    manager.save()
    going_on = [train_step(net, next(iterator), opt) for _ in range(5)]
    kernel = net.l1.kernel.numpy().copy()

    net2, opt2 = Net(), tf.keras.optimizers.Adam(0.1)
    iterator2 = iter(toy_dataset())
    ckpt2 = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt2, net=net2,
                                iterator=iterator2)
    manager2 = tf.train.CheckpointManager(ckpt2, str(tmp_path / "tf_ckpts"), max_to_keep=3)
    status = ckpt2.restore(manager2.latest_checkpoint)
    assert int(ckpt2.step) == 21
    assert not net2.weights  # not built yet: its values wait
    resumed = [train_step(net2, next(iterator2), opt2) for _ in range(5)]
    np.testing.assert_allclose(resumed, going_on, rtol=1e-6)
    np.testing.assert_allclose(net2.l1.kernel.numpy(), kernel, rtol=1e-6)
    assert int(opt2.iterations) == 25
    status.assert_consumed()  # everything has found its variable by now


class FlexibleDenseModule(tf.Module):
    def __init__(self, out_features, name=None):
        super().__init__(name=name)
        self.is_built = False
        self.out_features = out_features

    def __call__(self, x):
        if not self.is_built:
            self.w = tf.Variable(tf.random.normal([x.shape[-1], self.out_features]), name="w")
            self.b = tf.Variable(tf.random.normal([self.out_features]), name="b")
            self.is_built = True
        return tf.nn.relu(tf.matmul(x, self.w) + self.b)


class MySequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = FlexibleDenseModule(out_features=3)
        self.dense_2 = FlexibleDenseModule(out_features=2)

    def __call__(self, x):
        return self.dense_2(self.dense_1(x))


def test_module_variables_restored_as_they_are_made(tmp_path):
    x = tf.constant([[2.0, 2.0, 2.0]])
    model = MySequentialModule(name="the_model")
    want = model(x).numpy()
    path = tf.train.Checkpoint(model=model).write(str(tmp_path / "my_checkpoint"))
    names = dict(tf.train.list_variables(path))
    assert names["model/dense_1/w"] == [3, 3] and names["model/dense_2/b"] == [2]

    new_model = MySequentialModule()
    status = tf.train.Checkpoint(model=new_model).restore(path)
    # dense_1's variables are restored when made, before dense_2's exist
    np.testing.assert_array_equal(new_model(x).numpy(), want)
    np.testing.assert_array_equal(new_model.dense_1.w.numpy(), model.dense_1.w.numpy())
    status.assert_consumed()


def test_unmatched_values_are_reported_while_they_wait(tmp_path):
    net = Net()
    net(tf.ones((1, 1)))
    path = tf.train.Checkpoint(net=net).write(str(tmp_path / "c"))
    status = tf.train.Checkpoint(net=Net()).restore(path)
    with pytest.raises(AssertionError, match="net"):
        status.assert_consumed()
    status.assert_existing_objects_matched()  # nothing that exists went without a value
