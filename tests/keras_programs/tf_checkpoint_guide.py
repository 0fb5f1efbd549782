"""After the TensorFlow guide "Training checkpoints": a subclassed model trained by a GradientTape
loop on a repeating tf.data pipeline, with tf.train.Checkpoint(step, optimizer, net, iterator)
saved every 10 steps by a tf.train.CheckpointManager that keeps the last three; training picked
up from manager.latest_checkpoint by a fresh model, optimizer and iterator; the loading
mechanics (a Checkpoint tree of stand-ins restoring one bias, then a kernel attached later:
a deferred restoration); status.assert_existing_objects_matched and expect_partial;
tf.train.list_variables, tf.train.load_variable and tf.train.load_checkpoint's maps; and the
tracking of lists and dicts of variables (a variable appended after restore() is restored).

The weights start from a NumPy draw, so the losses compare with TensorFlow's. The guide's
deferred kernel is restored here, as in TensorFlow with Keras 2; Keras 3 on TensorFlow keys
Dense's kernel as "_kernel" in the object graph, so there the stand-in "kernel" stays zeros.
"""

import os

import numpy as np

import numnet as tf

RESULT = {}
rng = np.random.default_rng(0)
KERNEL = rng.normal(size=(1, 5)).astype("float32")


class Net(tf.keras.Model):
    """A simple linear model."""

    def __init__(self):
        super().__init__()
        self.l1 = tf.keras.layers.Dense(5)

    def call(self, x):
        return self.l1(x)


net = Net()
net(tf.zeros([1, 1]))
net.l1.set_weights([KERNEL, np.zeros(5, "float32")])
net.save_weights("easy_checkpoint.weights.h5")
RESULT["weights_file"] = float(os.path.exists("easy_checkpoint.weights.h5"))


def toy_dataset():
    inputs = tf.range(10.)[:, None]
    labels = inputs * 5. + tf.range(5.)[None, :]
    return tf.data.Dataset.from_tensor_slices(
        dict(x=inputs, y=labels)).repeat().batch(2)


def train_step(net, example, optimizer):
    """Trains `net` on `example` using `optimizer`."""
    with tf.GradientTape() as tape:
        output = net(example["x"])
        loss = tf.reduce_mean(tf.abs(output - example["y"]))
    variables = net.trainable_variables
    gradients = tape.gradient(loss, variables)
    optimizer.apply_gradients(zip(gradients, variables))
    return loss


opt = tf.keras.optimizers.Adam(0.1)
dataset = toy_dataset()
iterator = iter(dataset)
ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, net=net, iterator=iterator)
manager = tf.train.CheckpointManager(ckpt, "./tf_ckpts", max_to_keep=3)

LOSSES = []


def train_and_checkpoint(net, manager):
    ckpt.restore(manager.latest_checkpoint)
    if manager.latest_checkpoint:
        print(f"Restored from {manager.latest_checkpoint}")
    else:
        print("Initializing from scratch.")

    for _ in range(50):
        example = next(iterator)
        loss = train_step(net, example, opt)
        ckpt.step.assign_add(1)
        if int(ckpt.step) % 10 == 0:
            save_path = manager.save()
            print(f"Saved checkpoint for step {int(ckpt.step)}: {save_path}")
            print(f"loss {loss.numpy():1.2f}")
            LOSSES.append(float(loss))


train_and_checkpoint(net, manager)
RESULT["first_run_step"] = float(ckpt.step.numpy())
RESULT["first_run_kept"] = float(len(manager.checkpoints))

# a new model and optimizer pick up where the checkpoints left off
opt = tf.keras.optimizers.Adam(0.1)
net = Net()
net(tf.zeros([1, 1]))
net.l1.set_weights([np.zeros((1, 5), "float32"), np.zeros(5, "float32")])
dataset = toy_dataset()
iterator = iter(dataset)
ckpt = tf.train.Checkpoint(step=tf.Variable(1), optimizer=opt, net=net, iterator=iterator)
manager = tf.train.CheckpointManager(ckpt, "./tf_ckpts", max_to_keep=3)

train_and_checkpoint(net, manager)
print(manager.checkpoints)  # List the three remaining checkpoints
RESULT["second_run_step"] = float(ckpt.step.numpy())
RESULT["kept_checkpoints"] = float(len(manager.checkpoints))
RESULT["latest_is_last"] = float(manager.latest_checkpoint == manager.checkpoints[-1])
RESULT["latest_matches_function"] = float(
    tf.train.latest_checkpoint("./tf_ckpts/") == manager.latest_checkpoint)
RESULT["optimizer_iterations"] = float(opt.iterations.numpy())
for i, value in enumerate(LOSSES):
    RESULT[f"loss_{i}"] = value

# loading mechanics
to_restore = tf.Variable(tf.zeros([5]))
print(to_restore.numpy())  # All zeros
fake_layer = tf.train.Checkpoint(bias=to_restore)
fake_net = tf.train.Checkpoint(l1=fake_layer)
new_root = tf.train.Checkpoint(net=fake_net)
status = new_root.restore(tf.train.latest_checkpoint("./tf_ckpts/"))
print(to_restore.numpy())  # This gets the restored value.
status.assert_existing_objects_matched()
RESULT["bias_restored_gap"] = float(np.max(np.abs(to_restore.numpy()
                                                  - net.l1.bias.numpy())))

# delayed restorations
deferred_restore = tf.Variable(tf.zeros([1, 5]))
print(deferred_restore.numpy())  # Not restored; still zeros
RESULT["deferred_before"] = float(np.abs(deferred_restore.numpy()).sum())
fake_layer.kernel = deferred_restore
print(deferred_restore.numpy())  # Restored
RESULT["deferred_gap"] = float(np.max(np.abs(deferred_restore.numpy()
                                             - net.l1.kernel.numpy())))
deferred_step = tf.Variable(0)
new_root.step = deferred_step  # restored as it is attached
RESULT["deferred_step"] = float(deferred_step.numpy())

# a partial restore that says so
partial = tf.train.Checkpoint(step=tf.Variable(0))
partial.restore(manager.latest_checkpoint).expect_partial()
RESULT["partial_step"] = float(partial.step.numpy())

# manually inspecting checkpoints
listed = tf.train.list_variables(tf.train.latest_checkpoint("./tf_ckpts/"))
names = [name for name, shape in listed]
RESULT["has_step"] = float(any(name.split("/")[0] == "step" for name in names))
reader = tf.train.load_checkpoint("./tf_ckpts/")
shape_from_key = reader.get_variable_to_shape_map()
dtype_from_key = reader.get_variable_to_dtype_map()
RESULT["step_shape_rank"] = float(len(shape_from_key["step/.ATTRIBUTES/VARIABLE_VALUE"]))
RESULT["step_is_int32"] = float(dtype_from_key["step/.ATTRIBUTES/VARIABLE_VALUE"] == tf.int32)
RESULT["loaded_step"] = float(tf.train.load_variable(manager.latest_checkpoint,
                                                     "step/.ATTRIBUTES/VARIABLE_VALUE"))

# list and dictionary tracking
save = tf.train.Checkpoint()
save.listed = [tf.Variable(1.)]
save.listed.append(tf.Variable(2.))
save.mapped = {"one": save.listed[0]}
# Each Variable is saved once, however many times it is referenced.
save.mapped["two"] = save.listed[1]
save_path = save.save("./tf_list_example")

restore = tf.train.Checkpoint()
v2 = tf.Variable(0.)
assert 0. == v2.numpy()  # Not restored yet
restore.mapped = {"two": v2}
restore.restore(save_path)
assert 2. == v2.numpy()
RESULT["mapped_restored"] = float(v2.numpy())

restore.listed = []
print(restore.listed)  # ListWrapper([])
v1 = tf.Variable(0.)
restore.listed.append(v1)  # Restores v1, from restore() in the previous cell
assert 1. == v1.numpy()
RESULT["listed_restored"] = float(v1.numpy())
print(RESULT)
