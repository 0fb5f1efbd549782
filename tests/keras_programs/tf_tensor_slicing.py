"""The TensorFlow guide "Introduction to tensor slicing" with its neighbours: tf.slice and
Python slices, tf.strided_slice with its masks, tf.gather (axis, batch_dims), tf.gather_nd
(and batch_dims), tf.scatter_nd (repeated indices add up), a SparseTensor of gathered values,
tf.tensor_scatter_nd_update / add / sub / min / max, a Variable's scatter_nd_update and
scatter_nd_add, tf.boolean_mask (and its axis), tf.where; then the gradients of gather,
gather_nd and scatter_nd, and a small model whose layer picks columns with tf.gather and
rows' entries with tf.gather_nd, trained with a GradientTape loop (weights from a NumPy draw,
so the losses compare with TensorFlow's).
"""

import numpy as np

import numnet as tf

RESULT = {}


def total(t):
    return float(tf.reduce_sum(tf.cast(t, tf.float32)))


def checksum(t):
    flat = tf.cast(tf.reshape(t, [-1]), tf.float32)
    return float(tf.reduce_sum(flat * tf.range(1.0, tf.cast(tf.size(flat), tf.float32) + 1.0)))


# Extract tensor slices
t1 = tf.constant([0, 1, 2, 3, 4, 5, 6, 7])
print(tf.slice(t1, begin=[1], size=[3]))
print(t1[1:4])
print(t1[-3:])
RESULT["slice_sum"] = total(tf.slice(t1, begin=[1], size=[3]))
RESULT["python_slice_gap"] = total(tf.abs(tf.slice(t1, begin=[1], size=[3]) - t1[1:4]))
RESULT["tail_sum"] = total(t1[-3:])
RESULT["slice_to_end"] = total(tf.slice(t1, begin=[5], size=[-1]))

t2 = tf.constant([[0, 1, 2, 3, 4],
                  [5, 6, 7, 8, 9],
                  [10, 11, 12, 13, 14],
                  [15, 16, 17, 18, 19]])
print(t2[:-1, 1:3])
RESULT["block_checksum"] = checksum(t2[:-1, 1:3])

t3 = tf.constant([[[1, 3, 5, 7],
                   [9, 11, 13, 15]],
                  [[17, 19, 21, 23],
                   [25, 27, 29, 31]]])
print(tf.slice(t3, begin=[1, 1, 0], size=[1, 1, 2]))
RESULT["slice_3d_checksum"] = checksum(tf.slice(t3, begin=[1, 1, 0], size=[1, 1, 2]))
RESULT["slice_tensor_begin"] = checksum(tf.slice(t3, begin=tf.constant([0, 1, 1]),
                                                 size=tf.constant([2, 1, -1])))

# tf.strided_slice
RESULT["strided_checksum"] = checksum(tf.strided_slice(t2, [0, 0], [4, 5], [2, 2]))
RESULT["strided_reverse"] = checksum(tf.strided_slice(t1, [-1], [-9], [-2]))
RESULT["strided_masks"] = checksum(tf.strided_slice(t3, [1, 0, 1], [2, 2, 3], [1, 1, 1],
                                                    begin_mask=0b010, end_mask=0b100,
                                                    shrink_axis_mask=0b001))
RESULT["strided_new_axis_rank"] = float(tf.rank(tf.strided_slice(
    t2, [0, 0, 1], [0, 0, 3], [1, 1, 1], begin_mask=0b001, end_mask=0b001,
    new_axis_mask=0b010)))
RESULT["strided_ellipsis"] = checksum(tf.strided_slice(t3, [0, 1], [0, 3], [1, 1],
                                                       ellipsis_mask=0b01))

# tf.gather
print(tf.gather(t1, indices=[0, 3, 6]))
alphabet = tf.constant(list("abcdefghijklmnopqrstuvwxyz"))
print(tf.gather(alphabet, indices=[2, 0, 19, 18]))
RESULT["gather_sum"] = total(tf.gather(t1, indices=[0, 3, 6]))
RESULT["gather_letters"] = float(b"".join(tf.gather(alphabet, indices=[2, 0, 19, 18]).numpy())
                                 == b"cats")
RESULT["gather_axis_1"] = checksum(tf.gather(t2, indices=[4, 0], axis=1))
RESULT["gather_batch_dims"] = checksum(tf.gather(t2, indices=[[0, 4], [1, 1], [2, 0], [3, 3]],
                                                 axis=1, batch_dims=1))
RESULT["gather_negative_axis"] = checksum(tf.gather(t3, indices=[3, 1], axis=-1))

# tf.gather_nd
t4 = tf.constant([[0, 5],
                  [1, 6],
                  [2, 7],
                  [3, 8],
                  [4, 9]])
print(tf.gather_nd(t4, indices=[[2], [3], [0]]))
t5 = np.reshape(np.arange(18), [2, 3, 3])
print(tf.gather_nd(t5, indices=[[0, 0, 0], [1, 2, 1]]))
print(tf.gather_nd(t5, indices=[[[0, 0], [0, 2]], [[1, 0], [1, 2]]]))
print(tf.gather_nd(t5, indices=[[0, 0], [0, 2], [1, 0], [1, 2]]))
RESULT["gather_nd_rows"] = checksum(tf.gather_nd(t4, indices=[[2], [3], [0]]))
RESULT["gather_nd_points"] = checksum(tf.gather_nd(t5, indices=[[0, 0, 0], [1, 2, 1]]))
RESULT["gather_nd_nested"] = checksum(tf.gather_nd(
    t5, indices=[[[0, 0], [0, 2]], [[1, 0], [1, 2]]]))
RESULT["gather_nd_flat"] = checksum(tf.gather_nd(t5, indices=[[0, 0], [0, 2], [1, 0], [1, 2]]))
RESULT["gather_nd_batch_dims"] = checksum(tf.gather_nd(t5, indices=[[1, 2], [0, 0]],
                                                       batch_dims=1))

# Insert data into tensors
t6 = tf.constant([10])
indices = tf.constant([[1], [3], [5], [7], [9]])
data = tf.constant([2, 4, 6, 8, 10])
print(tf.scatter_nd(indices=indices, updates=data, shape=t6))
RESULT["scatter_checksum"] = checksum(tf.scatter_nd(indices=indices, updates=data, shape=t6))
RESULT["scatter_repeated"] = checksum(tf.scatter_nd(indices=[[1], [1], [4]], updates=[5, 6, 7],
                                                    shape=[6]))
RESULT["scatter_slices"] = checksum(tf.scatter_nd(indices=[[0], [2]],
                                                  updates=[[1, 2, 3], [4, 5, 6]], shape=[3, 3]))

new_indices = tf.constant([[0, 2], [2, 1], [3, 3]], dtype=tf.int64)
t7 = tf.gather_nd(t2, indices=new_indices)
t8 = tf.sparse.SparseTensor(indices=new_indices, values=t7, dense_shape=[4, 5])
print(t8)
t9 = tf.sparse.to_dense(t8)
print(t9)
RESULT["sparse_dense_checksum"] = checksum(t9)

t10 = tf.constant([[2, 7, 0],
                   [9, 0, 1],
                   [0, 3, 8]])
t11 = tf.tensor_scatter_nd_add(t10, indices=[[0, 2], [1, 1], [2, 0]], updates=[6, 5, 4])
print(t11)
t12 = tf.tensor_scatter_nd_sub(t10, indices=[[0, 2], [1, 1], [2, 0]], updates=[6, 5, 4])
t13 = tf.tensor_scatter_nd_min(t10, indices=[[0, 2], [1, 1], [2, 0]], updates=[-6, -5, -4])
t14 = tf.tensor_scatter_nd_max(t10, indices=[[0, 2], [1, 1], [2, 0]], updates=[6, 5, 4])
t15 = tf.tensor_scatter_nd_update(t10, indices=[[0, 0], [2, 2]], updates=[-1, -2])
t16 = tf.tensor_scatter_nd_update(t10, indices=[[1]], updates=[[7, 7, 7]])
for name, tensor in (("add", t11), ("sub", t12), ("min", t13), ("max", t14), ("update", t15),
                     ("update_row", t16)):
    RESULT[f"tensor_scatter_{name}"] = checksum(tensor)
RESULT["tensor_scatter_is_int32"] = float(t11.dtype == tf.int32)

v = tf.Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
v.scatter_nd_update(indices=[[0, 1], [2, 0]], updates=[-2.0, -5.0])
v.scatter_nd_add(indices=[[1]], updates=[[10.0, 10.0]])
RESULT["variable_scatter"] = checksum(v)

# tf.boolean_mask and tf.where
mask = t1 % 3 == 0
RESULT["boolean_mask"] = checksum(tf.boolean_mask(t1, mask))
RESULT["boolean_mask_rows"] = checksum(tf.boolean_mask(t2, [True, False, True, False]))
RESULT["boolean_mask_axis"] = checksum(tf.boolean_mask(t2, [False, True, False, True, True],
                                                       axis=1))
RESULT["where_positions"] = checksum(tf.where(t10 > 5))
RESULT["where_select"] = checksum(tf.where(t10 > 5, t10, -t10))

# gradients through gather, gather_nd and scatter_nd
x = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
with tf.GradientTape(persistent=True) as tape:
    picked = tf.gather(x, [2, 0, 2], axis=1)
    points = tf.gather_nd(x, [[1, 1], [0, 2], [1, 1]])
    row_sums = tf.reduce_sum(x, axis=1, keepdims=True)
    spread = tf.scatter_nd([[3], [0], [3]], tf.concat([row_sums, row_sums[:1]], axis=0) *
                           tf.constant([[1.0], [2.0], [3.0]]), [4, 1])
    first = tf.reduce_sum(picked * tf.constant([[1.0, 2.0, 3.0]]))
    second = tf.reduce_sum(points * tf.constant([1.0, 10.0, 100.0]))
    third = tf.reduce_sum(spread * tf.constant([[1.0], [0.0], [0.0], [5.0]]))
RESULT["gather_grad"] = checksum(tape.gradient(first, x))
RESULT["gather_nd_grad"] = checksum(tape.gradient(second, x))
RESULT["scatter_nd_grad"] = checksum(tape.gradient(third, x))
del tape


# a layer that reads chosen features with tf.gather and per-row entries with tf.gather_nd
class PickFeatures(tf.keras.layers.Layer):
    def __init__(self, columns, **kwargs):
        super().__init__(**kwargs)
        self.columns = columns

    def call(self, inputs):
        chosen = tf.gather(inputs, self.columns, axis=1)
        rows = tf.range(tf.shape(inputs)[0])
        first = tf.gather_nd(inputs, tf.stack([rows, tf.zeros_like(rows)], axis=1))
        return tf.concat([chosen, first[:, None]], axis=1)


rng = np.random.default_rng(4)
features = rng.normal(size=(128, 6)).astype("float32")
targets = (features[:, 1] - 2 * features[:, 4] + 0.5 * features[:, 0] > 0).astype("float32")
model = tf.keras.Sequential([tf.keras.Input(shape=(6,)), PickFeatures([1, 4, 5]),
                             tf.keras.layers.Dense(4, activation="relu"),
                             tf.keras.layers.Dense(1)])
model.set_weights([rng.normal(size=w.shape).astype("float32") * 0.5
                   for w in model.get_weights()])
loss_fn = tf.keras.losses.BinaryCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD(learning_rate=0.3)
dataset = tf.data.Dataset.from_tensor_slices((features, targets[:, None])).batch(32)
for epoch in range(6):
    losses = []
    for batch_x, batch_y in dataset:
        with tf.GradientTape() as tape:
            loss = loss_fn(batch_y, model(batch_x, training=True))
        grads = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        losses.append(float(loss))
    RESULT[f"loss_{epoch}"] = float(np.mean(losses))
logits = model(features)
RESULT["accuracy"] = float(np.mean((logits.numpy()[:, 0] > 0) == targets))
print(RESULT)
