"""After the TensorFlow tutorials "Custom training with tf.distribute.Strategy" and "Distributed
training with Keras" and the guide "Distributed training with TensorFlow": a
tf.distribute.MirroredStrategy on one device (num_replicas_in_sync, strategy.scope()), a global
batch of BATCH_SIZE_PER_REPLICA * num_replicas_in_sync, experimental_distribute_dataset,
a loss with reduction NONE averaged by tf.nn.compute_average_loss(global_batch_size=...) plus
tf.nn.scale_regularization_loss of the model's L2 losses, a train step run by strategy.run and
summed by strategy.reduce(ReduceOp.SUM) inside a tf.function, metrics kept and reset per epoch,
a tf.train.Checkpoint saved every other epoch and restored into a fresh model, the other ways
to iterate (an explicit iterator, a whole epoch inside a tf.function),
distribute_datasets_from_function with the InputContext's per-replica batch and shard,
experimental_local_results, and Model.fit under the scope with a LearningRateScheduler and a
callback that reads the optimizer's rate.

The weights start from a NumPy draw and the batches are not shuffled, so the losses compare
with TensorFlow's.
"""

import os

import numpy as np

import numnet as tf

RESULT = {}
rng = np.random.default_rng(11)
prototypes = rng.normal(0.0, 1.0, (4, 10, 10)).astype("float32")
train_labels = rng.integers(0, 4, 256)
test_labels = rng.integers(0, 4, 64)
train_images = (prototypes[train_labels] + rng.normal(0.0, 0.8, (256, 10, 10)))[..., None]
test_images = (prototypes[test_labels] + rng.normal(0.0, 0.8, (64, 10, 10)))[..., None]
train_images = train_images.astype("float32")
test_images = test_images.astype("float32")

strategy = tf.distribute.MirroredStrategy()
RESULT["replicas"] = float(strategy.num_replicas_in_sync)

BATCH_SIZE_PER_REPLICA = 64
GLOBAL_BATCH_SIZE = BATCH_SIZE_PER_REPLICA * strategy.num_replicas_in_sync
EPOCHS = 4

train_dataset = tf.data.Dataset.from_tensor_slices(
    (train_images, train_labels)).batch(GLOBAL_BATCH_SIZE)
test_dataset = tf.data.Dataset.from_tensor_slices(
    (test_images, test_labels)).batch(GLOBAL_BATCH_SIZE)

train_dist_dataset = strategy.experimental_distribute_dataset(train_dataset)
test_dist_dataset = strategy.experimental_distribute_dataset(test_dataset)


def create_model():
    regularizer = tf.keras.regularizers.L2(1e-4)
    model = tf.keras.Sequential([
        tf.keras.layers.Input(shape=(10, 10, 1)),
        tf.keras.layers.Conv2D(8, 3, activation="relu", kernel_regularizer=regularizer),
        tf.keras.layers.MaxPooling2D(),
        tf.keras.layers.Conv2D(16, 3, activation="relu", kernel_regularizer=regularizer),
        tf.keras.layers.Flatten(),
        tf.keras.layers.Dense(32, activation="relu", kernel_regularizer=regularizer),
        tf.keras.layers.Dense(4, kernel_regularizer=regularizer),
    ])
    return model


def numpy_weights(model, seed):
    draw = np.random.default_rng(seed)
    return [draw.normal(0.0, 1.0 / np.sqrt(max(np.prod(w.shape[:-1]), 1)), w.shape)
            .astype("float32") for w in model.get_weights()]


checkpoint_dir = "./training_checkpoints"
checkpoint_prefix = os.path.join(checkpoint_dir, "ckpt")

with strategy.scope():
    loss_object = tf.keras.losses.SparseCategoricalCrossentropy(
        from_logits=True, reduction=tf.keras.losses.Reduction.NONE)

    def compute_loss(labels, predictions, model_losses):
        per_example_loss = loss_object(labels, predictions)
        loss = tf.nn.compute_average_loss(per_example_loss,
                                          global_batch_size=GLOBAL_BATCH_SIZE)
        if model_losses:
            loss += tf.nn.scale_regularization_loss(tf.add_n(model_losses))
        return loss

with strategy.scope():
    test_loss = tf.keras.metrics.Mean(name="test_loss")
    train_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="train_accuracy")
    test_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="test_accuracy")

with strategy.scope():
    model = create_model()
    model.set_weights(numpy_weights(model, 1))
    optimizer = tf.keras.optimizers.Adam(learning_rate=0.003)
    checkpoint = tf.train.Checkpoint(optimizer=optimizer, model=model)

RESULT["regularization_terms"] = float(len(model.losses))
per_example = loss_object(train_labels[:5], model(train_images[:5]))
RESULT["per_example_rank"] = float(len(per_example.shape))
RESULT["average_by_hand_gap"] = float(abs(
    tf.nn.compute_average_loss(per_example, global_batch_size=5).numpy()
    - np.mean(per_example.numpy())))


def train_step(inputs):
    images, labels = inputs
    with tf.GradientTape() as tape:
        predictions = model(images, training=True)
        loss = compute_loss(labels, predictions, model.losses)
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(gradients, model.trainable_variables))
    train_accuracy.update_state(labels, predictions)
    return loss


def test_step(inputs):
    images, labels = inputs
    predictions = model(images, training=False)
    t_loss = loss_object(labels, predictions)
    test_loss.update_state(t_loss)
    test_accuracy.update_state(labels, predictions)


@tf.function
def distributed_train_step(dataset_inputs):
    per_replica_losses = strategy.run(train_step, args=(dataset_inputs,))
    return strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_losses, axis=None)


@tf.function
def distributed_test_step(dataset_inputs):
    return strategy.run(test_step, args=(dataset_inputs,))


for epoch in range(EPOCHS):
    total_loss = 0.0
    num_batches = 0
    for x in train_dist_dataset:
        total_loss += distributed_train_step(x)
        num_batches += 1
    train_loss = total_loss / num_batches

    for x in test_dist_dataset:
        distributed_test_step(x)

    if epoch % 2 == 0:
        checkpoint.save(checkpoint_prefix)

    template = "Epoch {}, Loss: {}, Accuracy: {}, Test Loss: {}, Test Accuracy: {}"
    print(template.format(epoch + 1, train_loss, train_accuracy.result() * 100,
                          test_loss.result(), test_accuracy.result() * 100))
    RESULT[f"loss_{epoch}"] = float(train_loss)
    RESULT[f"test_loss_{epoch}"] = float(test_loss.result())
    RESULT["train_accuracy"] = float(train_accuracy.result())
    RESULT["test_accuracy"] = float(test_accuracy.result())

    test_loss.reset_state()
    train_accuracy.reset_state()
    test_accuracy.reset_state()

RESULT["train_accuracy_reset"] = float(train_accuracy.result())
RESULT["optimizer_steps"] = float(optimizer.iterations.numpy())
latest = tf.train.latest_checkpoint(checkpoint_dir)
RESULT["latest_is_second_save"] = float(os.path.basename(latest) == "ckpt-2")

# Restore the latest checkpoint (saved after the third epoch) into a new model and test it.
eval_accuracy = tf.keras.metrics.SparseCategoricalAccuracy(name="eval_accuracy")
new_model = create_model()
new_optimizer = tf.keras.optimizers.Adam()


@tf.function
def eval_step(images, labels):
    predictions = new_model(images, training=False)
    eval_accuracy(labels, predictions)


checkpoint = tf.train.Checkpoint(optimizer=new_optimizer, model=new_model)
checkpoint.restore(latest)
for images, labels in test_dataset:
    eval_step(images, labels)
RESULT["restored_accuracy"] = float(eval_accuracy.result())
RESULT["restored_steps"] = float(new_optimizer.iterations.numpy())

# The other ways to iterate: an explicit iterator for a fixed number of steps ...
for _ in range(2):
    total_loss = 0.0
    num_batches = 0
    train_iter = iter(train_dist_dataset)
    for _ in range(3):
        total_loss += distributed_train_step(next(train_iter))
        num_batches += 1
    average_train_loss = total_loss / num_batches
RESULT["iterator_loss"] = float(average_train_loss)


# ... and a whole epoch inside a tf.function.
@tf.function
def distributed_train_epoch(dataset):
    total_loss = 0.0
    num_batches = 0
    for x in dataset:
        per_replica_losses = strategy.run(train_step, args=(x,))
        total_loss += strategy.reduce(tf.distribute.ReduceOp.SUM, per_replica_losses, axis=None)
        num_batches += 1
    return total_loss / tf.cast(num_batches, dtype=tf.float32)


RESULT["epoch_function_loss"] = float(distributed_train_epoch(train_dist_dataset))
RESULT["final_steps"] = float(optimizer.iterations.numpy())


# The guide's input function: each replica's batch and its shard of the data.
def dataset_fn(input_context):
    batch_size = input_context.get_per_replica_batch_size(GLOBAL_BATCH_SIZE)
    d = tf.data.Dataset.from_tensor_slices((test_images, test_labels)).repeat()
    d = d.shard(input_context.num_input_pipelines, input_context.input_pipeline_id)
    return d.batch(batch_size).take(2)


dist_dataset = strategy.distribute_datasets_from_function(dataset_fn)
batch_rows = 0
for images, _ in dist_dataset:
    batch_rows += int(images.shape[0])
RESULT["function_dataset_rows"] = float(batch_rows)


def value_fn(ctx):
    return tf.constant(float(ctx.replica_id_in_sync_group + 1))


distributed_values = strategy.experimental_distribute_values_from_function(value_fn)
local = strategy.experimental_local_results(
    strategy.run(lambda v: v * 2.0, args=(distributed_values,)))
RESULT["local_results"] = float(len(local))
RESULT["local_value"] = float(local[0])
RESULT["mean_reduce"] = float(strategy.reduce(
    tf.distribute.ReduceOp.MEAN, tf.constant([1.0, 2.0, 6.0]), axis=0))
RESULT["default_strategy_replicas"] = float(
    tf.distribute.get_strategy().num_replicas_in_sync)
with strategy.scope():
    RESULT["in_scope_is_strategy"] = float(tf.distribute.get_strategy() is strategy)
    RESULT["has_strategy"] = float(tf.distribute.has_strategy())

# Keras Model.fit under the strategy's scope, with a learning-rate schedule.
with strategy.scope():
    keras_model = create_model()
    keras_model.set_weights(numpy_weights(keras_model, 2))
    keras_model.compile(loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                        optimizer=tf.keras.optimizers.Adam(),
                        metrics=["accuracy"])


def decay(epoch):
    if epoch < 2:
        return 1e-2
    elif epoch < 3:
        return 1e-3
    else:
        return 1e-4


rates = []


class PrintLR(tf.keras.callbacks.Callback):
    def on_epoch_end(self, epoch, logs=None):
        rates.append(float(keras_model.optimizer.learning_rate.numpy()))
        print(f"\nLearning rate for epoch {epoch + 1} is {rates[-1]}")


callbacks = [
    tf.keras.callbacks.ModelCheckpoint(filepath=os.path.join(checkpoint_dir,
                                                             "fit_{epoch}.weights.h5"),
                                       save_weights_only=True),
    tf.keras.callbacks.LearningRateScheduler(decay),
    PrintLR(),
]
history = keras_model.fit(train_dataset, epochs=4, callbacks=callbacks, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"fit_loss_{epoch}"] = float(value)
RESULT["fit_rate_first"] = rates[0]
RESULT["fit_rate_last"] = rates[-1]
RESULT["fit_weight_files"] = float(len([name for name in os.listdir(checkpoint_dir)
                                        if name.startswith("fit_")]))
keras_model.load_weights(os.path.join(checkpoint_dir, "fit_4.weights.h5"))
eval_loss, eval_acc = keras_model.evaluate(test_dataset, verbose=0)
RESULT["fit_eval_loss"] = float(eval_loss)
RESULT["fit_eval_accuracy"] = float(eval_acc)
print(RESULT)
