"""tf.distribute's single-process strategies: one replica, so a program written for
MirroredStrategy trains exactly as it would without it (as TensorFlow's does on one device)."""

import contextlib

import numpy as np
import pytest

import numnet as tf


def _train(strategy):
    tf.keras.utils.set_random_seed(3)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(64, 4)).astype("float32")
    y = (x.sum(1) > 0).astype("int64")
    context = strategy.scope() if strategy is not None else contextlib.nullcontext()
    with context:
        model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(8, "relu"),
                                     tf.keras.layers.Dense(2)])
        model.compile(optimizer=tf.keras.optimizers.Adam(0.01),
                      loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model.fit(x, y, batch_size=16, epochs=3, verbose=0, shuffle=False).history["loss"]


def test_training_under_mirrored_strategy_is_training_without_it():
    with_strategy = _train(tf.distribute.MirroredStrategy())
    assert with_strategy == _train(None)
    assert with_strategy[-1] < with_strategy[0]


def test_run_reduce_and_datasets():
    strategy = tf.distribute.MirroredStrategy()
    assert strategy.num_replicas_in_sync == 1
    assert not tf.distribute.has_strategy()
    with strategy.scope():
        assert tf.distribute.get_strategy() is strategy and tf.distribute.has_strategy()
        out = strategy.run(lambda a, b: a * b, args=(tf.constant([1.0, 2.0]),),
                           kwargs={"b": 3.0})
    assert out.numpy().tolist() == [3.0, 6.0]
    assert strategy.reduce(tf.distribute.ReduceOp.SUM, out, axis=None) is out
    assert float(strategy.reduce("SUM", out, axis=0)) == 9.0
    assert float(strategy.reduce(tf.distribute.ReduceOp.MEAN, out, axis=0)) == 4.5
    with pytest.raises(ValueError, match="ReduceOp"):
        strategy.reduce("MAX", out, axis=None)
    ds = tf.data.Dataset.range(4).batch(2)
    assert strategy.experimental_distribute_dataset(ds) is ds
    made = strategy.distribute_datasets_from_function(
        lambda ctx: tf.data.Dataset.range(ctx.get_per_replica_batch_size(6)))
    assert [int(v) for v in made] == list(range(6))
    assert strategy.experimental_local_results(out) == (out,)
    assert tf.distribute.get_replica_context().all_reduce("SUM", 5) == 5


def test_mirrored_strategy_refuses_several_devices():
    with pytest.raises(NotImplementedError, match="MPIStrategy"):
        tf.distribute.MirroredStrategy(["/gpu:0", "/gpu:1"])
    assert tf.distribute.MirroredStrategy(["/cpu:0"]).num_replicas_in_sync == 1


def test_values_from_function_get_a_value_context():
    # TensorFlow hands the value function a ValueContext: replica 0 of 1 on one device
    strategy = tf.distribute.MirroredStrategy()
    seen = []

    def value_fn(ctx):
        seen.append((ctx.replica_id_in_sync_group, ctx.num_replicas_in_sync))
        return tf.constant(float(ctx.replica_id_in_sync_group + 1))

    value = strategy.experimental_distribute_values_from_function(value_fn)
    assert seen == [(0, 1)]
    doubled = strategy.experimental_local_results(strategy.run(lambda v: v * 2.0,
                                                               args=(value,)))
    assert [float(v) for v in doubled] == [2.0]


def test_cross_replica_and_replica_contexts_as_tensorflow():
    # TensorFlow 2.21: outside every scope the default replica context (not cross-replica);
    # in scope() the cross-replica context (no replica context); inside run() the replica's,
    # with the strategy current even outside its scope
    strategy = tf.distribute.MirroredStrategy()
    assert not tf.distribute.in_cross_replica_context()
    assert tf.distribute.get_replica_context() is not None
    with strategy.scope():
        assert tf.distribute.in_cross_replica_context()
        assert tf.distribute.get_replica_context() is None
    seen = []

    def replica_fn():
        context = tf.distribute.get_replica_context()
        seen.append((tf.distribute.in_cross_replica_context(), tf.distribute.has_strategy(),
                     tf.distribute.get_strategy() is strategy, context.num_replicas_in_sync))
        return context.merge_call(lambda distribution, v: (distribution is strategy, v * 2),
                                  args=(3,))

    assert strategy.run(replica_fn) == (True, 6)
    with strategy.scope():
        strategy.run(replica_fn)
        assert tf.distribute.in_cross_replica_context()  # back in the scope's context
    assert seen == [(False, True, True, 1)] * 2
    assert not tf.distribute.has_strategy()


def test_input_options_and_worker_devices():
    strategy = tf.distribute.MirroredStrategy()
    assert strategy.extended.worker_devices == ("/job:localhost/replica:0/task:0/device:CPU:0",)
    assert strategy.extended.parameter_devices == strategy.extended.worker_devices
    options = tf.distribute.InputOptions(experimental_fetch_to_device=False)
    assert options.experimental_fetch_to_device is False
    assert options.experimental_replication_mode == "PER_WORKER"
    assert tf.distribute.InputOptions().experimental_fetch_to_device is True
    ds = tf.data.Dataset.range(4).batch(2)
    assert strategy.experimental_distribute_dataset(ds, options=options) is ds
