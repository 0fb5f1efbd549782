"""After the TensorFlow tutorial "Distributed input" and the contexts part of the guide
"Distributed training with TensorFlow": a MirroredStrategy on one device and its
extended.worker_devices; tf.data.Options with experimental_distribute.auto_shard_policy
(AutoShardPolicy.DATA, OFF) given by with_options; experimental_distribute_dataset with
tf.distribute.InputOptions; the distributed dataset's and iterator's element_spec as a
tf.function input_signature; iterating with for, with iter / next, and inside a tf.function
over tf.range with get_next_as_optional, has_value and get_value until the data runs out;
distribute_datasets_from_function with the InputContext's per-replica batch and shard;
experimental_local_results; the cross-replica and replica contexts (in_cross_replica_context,
get_replica_context, all_reduce, merge_call); a variable made under the scope with
synchronization ON_READ and aggregation SUM; and a linear model trained by a custom loop of
strategy.run and strategy.reduce, then by Model.fit under the scope.

The weights start from a NumPy draw and nothing is shuffled, so the losses compare with
TensorFlow's.
"""

import numpy as np

import numnet as tf

RESULT = {}
strategy = tf.distribute.MirroredStrategy()
RESULT["worker_devices"] = float(len(strategy.extended.worker_devices))
RESULT["device_is_cpu"] = float(strategy.extended.worker_devices[0].endswith("CPU:0"))

# ----- the contexts -----
RESULT["top_cross_replica"] = float(tf.distribute.in_cross_replica_context())
RESULT["top_has_replica_context"] = float(tf.distribute.get_replica_context() is not None)
RESULT["top_has_strategy"] = float(tf.distribute.has_strategy())
with strategy.scope():
    RESULT["scope_cross_replica"] = float(tf.distribute.in_cross_replica_context())
    RESULT["scope_replica_context_none"] = float(tf.distribute.get_replica_context() is None)
    summed = tf.Variable(1.0, synchronization=tf.VariableSynchronization.ON_READ,
                         aggregation=tf.VariableAggregation.SUM)


def replica_fn():
    context = tf.distribute.get_replica_context()
    RESULT["run_cross_replica"] = float(tf.distribute.in_cross_replica_context())
    RESULT["run_strategy_current"] = float(tf.distribute.get_strategy() is strategy)
    RESULT["run_replicas"] = float(context.num_replicas_in_sync)
    total = context.all_reduce(tf.distribute.ReduceOp.SUM, tf.constant(3.0))
    summed.assign_add(2.0)  # an ON_READ variable is written in the replica's context

    def merge_fn(distribution, value):
        RESULT["merge_gets_strategy"] = float(distribution is strategy)
        return value * 2.0

    return context.merge_call(merge_fn, args=(total,))


merged = strategy.run(replica_fn)
RESULT["merged"] = float(strategy.experimental_local_results(merged)[0])
RESULT["on_read_value"] = float(summed.read_value())

# ----- distributing a dataset -----
global_batch_size = 16
dataset = tf.data.Dataset.from_tensors(([1.0], [1.0])).repeat(64).batch(global_batch_size)
options = tf.data.Options()
options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.DATA
dataset = dataset.with_options(options)
dist_dataset = strategy.experimental_distribute_dataset(dataset)
features_spec, labels_spec = dist_dataset.element_spec
RESULT["spec_batch_free"] = float(features_spec.shape[0] is None)
RESULT["spec_width"] = float(features_spec.shape[1])


@tf.function
def train_step(inputs):
    features, labels = inputs
    return labels - 0.3 * features


for x in dist_dataset:
    # process dataset elements
    per_replica = strategy.run(train_step, args=(x,))
    local = strategy.experimental_local_results(per_replica)
RESULT["local_results"] = float(len(local))
RESULT["local_sum"] = float(tf.reduce_sum(local[0]))

num_epochs = 2
steps_per_epoch = 3
visited = 0
for _ in range(num_epochs):
    dist_iterator = iter(dist_dataset)
    for _ in range(steps_per_epoch):
        # next(dist_iterator) gives the next batch of the distributed dataset
        batch = next(dist_iterator)
        strategy.run(train_step, args=(batch,))
        visited += int(batch[0].shape[0])
RESULT["iterator_rows"] = float(visited)

# get_next_as_optional: stop when the data runs out
global_batch_size = 4
steps_per_loop = 5
dataset = tf.data.Dataset.range(9).batch(global_batch_size)
distributed_iterator = iter(strategy.experimental_distribute_dataset(dataset))
batches_seen = tf.Variable(0)
rows_seen = tf.Variable(0, dtype=tf.int64)


@tf.function
def train_fn(distributed_iterator):
    for _ in tf.range(steps_per_loop):
        optional_data = distributed_iterator.get_next_as_optional()
        if not optional_data.has_value():
            break
        per_replica_results = strategy.run(lambda x: x, args=(optional_data.get_value(),))
        batches_seen.assign_add(1)
        rows_seen.assign_add(tf.reduce_sum(
            tf.ones_like(strategy.experimental_local_results(per_replica_results)[0])))


train_fn(distributed_iterator)
RESULT["optional_batches"] = float(batches_seen.numpy())
RESULT["optional_rows"] = float(rows_seen.numpy())

# the element_spec as the input signature: one trace for every batch
global_batch_size = 16
epochs = 2
steps_per_epoch = 2
dataset = tf.data.Dataset.from_tensors(([1.0], [1.0])).repeat(100).batch(global_batch_size)
dist_dataset = strategy.experimental_distribute_dataset(
    dataset, options=tf.distribute.InputOptions(experimental_fetch_to_device=False))
distributed_iterator = iter(dist_dataset)


@tf.function(input_signature=[distributed_iterator.element_spec])
def signature_train_step(per_replica_inputs):
    def step_fn(inputs):
        return 2 * inputs

    return strategy.run(step_fn, args=(per_replica_inputs,))


outputs = []
for _ in range(epochs):
    for _ in range(steps_per_epoch):
        outputs.append(signature_train_step(next(distributed_iterator)))
RESULT["signature_calls"] = float(len(outputs))
RESULT["signature_traces"] = float(signature_train_step.experimental_get_tracing_count())
RESULT["doubled_sum"] = float(tf.reduce_sum(strategy.experimental_local_results(
    outputs[-1])[0][0]))


# distribute_datasets_from_function
def dataset_fn(input_context):
    batch_size = input_context.get_per_replica_batch_size(global_batch_size)
    dataset = tf.data.Dataset.from_tensors(([1.0], [1.0])).repeat(64).batch(16)
    dataset = dataset.shard(input_context.num_input_pipelines, input_context.input_pipeline_id)
    dataset = dataset.batch(batch_size)
    dataset = dataset.prefetch(2)  # This prefetches 2 batches per device.
    return dataset


dist_dataset = strategy.distribute_datasets_from_function(dataset_fn)
first = next(iter(dist_dataset))
RESULT["function_batch_shape_sum"] = float(sum(first[0].shape))

# ----- a custom training loop over the distributed data -----
rng = np.random.default_rng(4)
x_all = rng.normal(size=(96, 3)).astype("float32")
y_all = (x_all @ np.array([[1.5], [-2.0], [0.5]]) + 0.3).astype("float32")
train_dataset = tf.data.Dataset.from_tensor_slices((x_all, y_all)).batch(24)
options = tf.data.Options()
options.experimental_distribute.auto_shard_policy = tf.data.experimental.AutoShardPolicy.OFF
train_dist = strategy.experimental_distribute_dataset(train_dataset.with_options(options))
with strategy.scope():
    model = tf.keras.Sequential([tf.keras.layers.Input((3,)), tf.keras.layers.Dense(1)])
    model.set_weights([np.full((3, 1), 0.1, "float32"), np.zeros(1, "float32")])
    optimizer = tf.keras.optimizers.SGD(0.1)
    loss_object = tf.keras.losses.MeanSquaredError(reduction="none")


def step_fn(inputs):
    features, labels = inputs
    with tf.GradientTape() as tape:
        predictions = model(features, training=True)
        per_example = loss_object(labels, predictions)
        loss = tf.nn.compute_average_loss(per_example, global_batch_size=24)
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


@tf.function
def distributed_step(inputs):
    per_replica_losses = strategy.run(step_fn, args=(inputs,))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_losses, axis=None)


for epoch in range(4):
    total = 0.0
    batches = 0
    iterator = iter(train_dist)
    while True:
        optional = iterator.get_next_as_optional()
        if not optional.has_value():
            break
        total += float(distributed_step(optional.get_value()))
        batches += 1
    RESULT[f"loss_{epoch}"] = total / batches
RESULT["optimizer_steps"] = float(optimizer.iterations.numpy())

# ----- Model.fit under the scope -----
with strategy.scope():
    fit_model = tf.keras.Sequential([tf.keras.layers.Input((3,)), tf.keras.layers.Dense(1)])
    fit_model.set_weights([np.full((3, 1), 0.1, "float32"), np.zeros(1, "float32")])
    fit_model.compile(optimizer=tf.keras.optimizers.SGD(0.1), loss="mse")
history = fit_model.fit(train_dataset, epochs=4, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"fit_loss_{epoch}"] = float(value)
RESULT["loops_agree"] = float(np.allclose(fit_model.get_weights()[0], model.get_weights()[0],
                                          atol=1e-5))
print(RESULT)
