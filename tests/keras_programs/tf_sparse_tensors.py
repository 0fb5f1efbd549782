"""The TensorFlow guide "Working with sparse tensors": tf.sparse.SparseTensor built from its
three parts and from_dense, to_dense, the guide's pretty-printer that walks indices and values,
tf.sparse.add, sparse_dense_matmul, the three star patterns joined with tf.sparse.concat and cut
back with tf.sparse.slice, tf.sparse.map_values and a SparseTensor built from new values,
transpose and reshape, a tf.data pipeline of sparse rows (from_tensor_slices, batch, unbatch),
a tf.function over a sparse argument, and the section on explicit zeros and missing values
(tf.sparse.reduce_max, tf.sparse.retain, a NaN default value). A small model then trains on
sparse bag-of-words rows made dense with to_dense (weights from a NumPy draw, so the losses
compare with TensorFlow's). The guide's Keras part is tf_sparse_keras_input.py.
"""

import numpy as np

import numnet as tf

RESULT = {}


def pprint_sparse_tensor(st):
    s = f"<SparseTensor shape={st.dense_shape.numpy().tolist()} \n values={{"
    for (index, value) in zip(st.indices, st.values):
        s += f"\n  {index.numpy().tolist()}: {value.numpy().tolist()}"
    return s + "}>"


# Sparse tensors in TensorFlow
st1 = tf.sparse.SparseTensor(indices=[[0, 3], [2, 4]], values=[10, 20], dense_shape=[3, 10])
print(st1)
print(pprint_sparse_tensor(st1))
RESULT["st1_is_int32"] = float(st1.dtype == tf.int32)
RESULT["st1_indices_int64"] = float(st1.indices.dtype == tf.int64)
RESULT["st1_shape_sum"] = float(sum(st1.shape))
RESULT["st1_values_sum"] = float(tf.reduce_sum(st1.values))

st2 = tf.sparse.from_dense([[1, 0, 0, 8], [0, 0, 0, 0], [0, 0, 3, 0]])
print(pprint_sparse_tensor(st2))
st3 = tf.sparse.to_dense(st2)
print(st3)
RESULT["from_dense_entries"] = float(st2.values.shape[0])
RESULT["round_trip_sum"] = float(tf.reduce_sum(st3))
RESULT["from_dense_last_column"] = float(st2.indices[-1][1])

# Manipulating sparse tensors
st_a = tf.sparse.SparseTensor(indices=[[0, 2], [3, 4]], values=[31, 2], dense_shape=[4, 10])
st_b = tf.sparse.SparseTensor(indices=[[0, 2], [3, 0]], values=[56, 38], dense_shape=[4, 10])
st_sum = tf.sparse.add(st_a, st_b)
print(pprint_sparse_tensor(st_sum))
RESULT["sum_entries"] = float(st_sum.values.shape[0])
RESULT["sum_first_value"] = float(st_sum.values[0])
RESULT["sum_is_sparse"] = float(isinstance(st_sum, tf.sparse.SparseTensor))

st_c = tf.sparse.SparseTensor(indices=([0, 1], [1, 0], [1, 1]), values=[13, 15, 17],
                              dense_shape=(2, 2))
mb = tf.constant([[4], [6]])
product = tf.sparse.sparse_dense_matmul(st_c, mb)
print(mb, product)
RESULT["product_0"] = float(product[0][0])
RESULT["product_1"] = float(product[1][0])

sparse_pattern_A = tf.sparse.SparseTensor(indices=[[2, 4], [3, 3], [3, 4], [4, 3], [4, 4],
                                                   [5, 4]],
                                          values=[1, 1, 1, 1, 1, 1], dense_shape=[8, 5])
sparse_pattern_B = tf.sparse.SparseTensor(indices=[[0, 2], [1, 1], [1, 3], [2, 0], [2, 4],
                                                   [2, 5], [3, 5], [4, 5], [5, 0], [5, 4],
                                                   [5, 5], [6, 1], [6, 3], [7, 2]],
                                          values=[1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
                                          dense_shape=[8, 6])
sparse_pattern_C = tf.sparse.SparseTensor(indices=[[3, 0], [4, 0]], values=[1, 1],
                                          dense_shape=[8, 6])
sparse_patterns_list = [sparse_pattern_A, sparse_pattern_B, sparse_pattern_C]
sparse_pattern = tf.sparse.concat(axis=1, sp_inputs=sparse_patterns_list)
print(tf.sparse.to_dense(sparse_pattern))
RESULT["concat_columns"] = float(sparse_pattern.dense_shape[1])
RESULT["concat_entries"] = float(sparse_pattern.values.shape[0])
RESULT["concat_checksum"] = float(tf.reduce_sum(
    tf.cast(sparse_pattern.indices[:, 0] * 100 + sparse_pattern.indices[:, 1], tf.float32)
    * tf.range(1.0, 23.0)))

sparse_slice_A = tf.sparse.slice(sparse_pattern_A, start=[0, 0], size=[8, 5])
sparse_slice_B = tf.sparse.slice(sparse_pattern_B, start=[0, 5], size=[8, 6])
sparse_slice_C = tf.sparse.slice(sparse_pattern_C, start=[0, 10], size=[8, 6])
print(tf.sparse.to_dense(sparse_slice_A))
print(tf.sparse.to_dense(sparse_slice_B))
print(tf.sparse.to_dense(sparse_slice_C))
RESULT["slice_a_entries"] = float(sparse_slice_A.values.shape[0])
RESULT["slice_b_columns"] = float(sparse_slice_B.dense_shape[1])
RESULT["slice_b_entries"] = float(sparse_slice_B.values.shape[0])
RESULT["slice_b_first_column"] = float(sparse_slice_B.indices[0][1])
RESULT["slice_c_columns"] = float(sparse_slice_C.dense_shape[1])
RESULT["slice_c_entries"] = float(sparse_slice_C.values.shape[0])

st2_plus_5 = tf.sparse.map_values(tf.add, st2, 5)
print(tf.sparse.to_dense(st2_plus_5))
st2_plus_5_again = tf.sparse.SparseTensor(st2.indices, st2.values + 5, st2.dense_shape)
print(tf.sparse.to_dense(st2_plus_5_again))
RESULT["map_values_sum"] = float(tf.reduce_sum(tf.sparse.to_dense(st2_plus_5)))
RESULT["map_values_gap"] = float(tf.reduce_max(tf.abs(
    tf.sparse.to_dense(st2_plus_5) - tf.sparse.to_dense(st2_plus_5_again))))

transposed = tf.sparse.transpose(st1)
RESULT["transposed_rows"] = float(transposed.dense_shape[0])
RESULT["transposed_first_row"] = float(transposed.indices[0][0])
reshaped = tf.sparse.reshape(st1, [5, 6])
RESULT["reshaped_second_row"] = float(reshaped.indices[1][0])
RESULT["reshaped_second_column"] = float(reshaped.indices[1][1])
RESULT["reduce_sum_axis_1"] = float(tf.sparse.reduce_sum(st1, axis=1)[2])

# Using tf.sparse.SparseTensor with other TensorFlow APIs (Keras: tf_sparse_keras_input.py)
sparse_data = tf.sparse.SparseTensor(
    indices=[(0, 0), (0, 1), (0, 2), (4, 3), (5, 0), (5, 1)],
    values=[1, 1, 1, 1, 1, 1],
    dense_shape=(6, 4))

# tf.data
dataset = tf.data.Dataset.from_tensor_slices(sparse_data)
elements = []
for element in dataset:
    print(pprint_sparse_tensor(element))
    elements.append(element)
RESULT["dataset_elements"] = float(len(elements))
RESULT["dataset_row_0_entries"] = float(elements[0].values.shape[0])
RESULT["dataset_row_1_entries"] = float(elements[1].values.shape[0])
batched_dataset = dataset.batch(2)
batches = list(batched_dataset)
for batch in batches:
    print(pprint_sparse_tensor(batch))
RESULT["batch_count"] = float(len(batches))
RESULT["last_batch_indices_sum"] = float(tf.reduce_sum(batches[-1].indices))
unbatched_ds = batched_dataset.unbatch()
unbatched = list(unbatched_ds)
RESULT["unbatched_elements"] = float(len(unbatched))
RESULT["unbatched_row_4_column"] = float(unbatched[4].indices[0][0])


# tf.function
@tf.function
def f(x, y):
    return tf.sparse.sparse_dense_matmul(x, y)


a = tf.sparse.SparseTensor(indices=[[0, 3], [2, 4]], values=[15, 25], dense_shape=[3, 10])
b = tf.sparse.to_dense(tf.sparse.transpose(a))
c = f(a, b)
print(c)
RESULT["function_trace_sum"] = float(tf.reduce_sum(c))
RESULT["function_corner"] = float(c[2][2])

# Distinguishing missing values from zero values
st_zero = tf.sparse.SparseTensor(indices=[[0, 1], [1, 0], [1, 1]], values=[0, -3, 5],
                                 dense_shape=[2, 3])
RESULT["explicit_zero_entries"] = float(st_zero.values.shape[0])
RESULT["sparse_reduce_max"] = float(tf.sparse.reduce_max(st_zero))
RESULT["sparse_reduce_max_row_1"] = float(tf.sparse.reduce_max(st_zero, axis=1)[1])
retained = tf.sparse.retain(st_zero, tf.not_equal(st_zero.values, 0))
RESULT["retained_entries"] = float(retained.values.shape[0])
st_nan = tf.sparse.SparseTensor(indices=[[0, 0], [0, 2], [1, 1]], values=[1.0, 4.0, 7.0],
                                dense_shape=[2, 3])
dense_nan = tf.sparse.to_dense(st_nan, default_value=np.nan)
print(dense_nan)
known = tf.boolean_mask(dense_nan, tf.logical_not(tf.math.is_nan(dense_nan)))
RESULT["nan_count"] = float(tf.reduce_sum(tf.cast(tf.math.is_nan(dense_nan), tf.int32)))
RESULT["known_mean"] = float(tf.reduce_mean(known))
RESULT["zero_filled_mean"] = float(tf.reduce_mean(tf.sparse.to_dense(st_nan)))

# a bag-of-words classifier on sparse rows
rng = np.random.default_rng(5)
n_docs, vocab = 96, 20
rows, cols, vals, labels = [], [], [], []
for doc in range(n_docs):
    label = doc % 2
    words = rng.choice(np.arange(10) + 10 * label, size=3, replace=False)
    noise = rng.choice(vocab, size=1)
    for word in sorted(set(words.tolist()) | set(noise.tolist())):
        rows.append(doc)
        cols.append(word)
        vals.append(1.0)
    labels.append(label)
bags = tf.sparse.SparseTensor(indices=np.stack([rows, cols], axis=1), values=vals,
                              dense_shape=[n_docs, vocab])
features = tf.sparse.to_dense(tf.sparse.reorder(bags))
targets = np.array(labels, "float32")
RESULT["bag_entries"] = float(bags.values.shape[0])
RESULT["bag_row_sums_min"] = float(tf.reduce_min(tf.sparse.reduce_sum(bags, axis=1)))

classifier = tf.keras.Sequential([tf.keras.Input(shape=(vocab,)),
                                  tf.keras.layers.Dense(8, activation="relu"),
                                  tf.keras.layers.Dense(1, activation="sigmoid")])
classifier.set_weights([rng.normal(size=w.shape).astype("float32") * 0.3
                        for w in classifier.get_weights()])
classifier.compile(optimizer=tf.keras.optimizers.SGD(0.5), loss="binary_crossentropy",
                   metrics=["accuracy"])
history = classifier.fit(features, targets, batch_size=16, epochs=6, shuffle=False, verbose=0)
RESULT.update({f"loss_{i}": float(v) for i, v in enumerate(history.history["loss"])})
RESULT["accuracy"] = float(history.history["accuracy"][-1])
print(RESULT)
