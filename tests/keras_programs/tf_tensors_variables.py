"""The TensorFlow guides "Introduction to Tensors" and "Introduction to Variables", their dense
parts in order: tensors of rank 0 to 4 and their dtypes, np.array and .numpy(), arithmetic
and its operators, reduce_max / argmax / softmax on lists, shape, ndim, shape.as_list(),
tf.rank, tf.size, slices and strides of every kind, tf.reshape (and -1), tf.cast through
float16 to uint8, broadcasting and tf.broadcast_to (the string tensors are
tf_string_tensors.py); then tf.Variable of floats, booleans and complex numbers, convert_to_tensor,
argmax and reshape of a variable, assign (and the error of another shape), a variable copied
from another, assign_add / assign_sub, names, trainable=False, and tf.device.
"""

import numpy as np

import numnet as tf

RESULT = {}

rank_0_tensor = tf.constant(4)
RESULT["rank_0_is_int32"] = float(rank_0_tensor.dtype == tf.int32)
rank_1_tensor = tf.constant([2.0, 3.0, 4.0])
RESULT["rank_1_is_float32"] = float(rank_1_tensor.dtype == tf.float32)
rank_2_tensor = tf.constant([[1, 2],
                             [3, 4],
                             [5, 6]], dtype=tf.float16)
RESULT["rank_2_is_float16"] = float(rank_2_tensor.dtype == tf.float16)
rank_3_tensor = tf.constant([
    [[0, 1, 2, 3, 4],
     [5, 6, 7, 8, 9]],
    [[10, 11, 12, 13, 14],
     [15, 16, 17, 18, 19]],
    [[20, 21, 22, 23, 24],
     [25, 26, 27, 28, 29]]])
RESULT["np_array_sum"] = float(np.array(rank_2_tensor).sum())  # 21
RESULT["numpy_sum"] = float(rank_2_tensor.numpy().sum())

a = tf.constant([[1, 2],
                 [3, 4]])
b = tf.constant([[1, 1],
                 [1, 1]])
RESULT["add_sum"] = float(tf.reduce_sum(tf.add(a, b)))  # 14
RESULT["multiply_sum"] = float(tf.reduce_sum(tf.multiply(a, b)))  # 10
RESULT["matmul_sum"] = float(tf.reduce_sum(tf.matmul(a, b)))  # 3 + 3 + 7 + 7
RESULT["operator_gap"] = float(tf.reduce_sum(tf.abs((a + b) - tf.add(a, b)))
                               + tf.reduce_sum(tf.abs((a * b) - tf.multiply(a, b)))
                               + tf.reduce_sum(tf.abs((a @ b) - tf.matmul(a, b))))

c = tf.constant([[4.0, 5.0], [10.0, 1.0]])
RESULT["reduce_max"] = float(tf.reduce_max(c))
RESULT["argmax_sum"] = float(tf.reduce_sum(tf.math.argmax(c)))  # [1, 0]
RESULT["softmax_row_sum"] = float(tf.reduce_sum(tf.nn.softmax(c)))  # 2
RESULT["list_reduce_max"] = float(tf.reduce_max([1, 2, 3]))
RESULT["array_reduce_max"] = float(tf.reduce_max(np.array([1, 2, 3])))

rank_4_tensor = tf.zeros([3, 2, 4, 5])
RESULT["rank_4_ndim"] = float(rank_4_tensor.ndim)
RESULT["rank_4_last_axis"] = float(rank_4_tensor.shape[-1])
RESULT["rank_4_size"] = float(tf.size(rank_4_tensor).numpy())  # 120
RESULT["rank_4_rank"] = float(tf.rank(rank_4_tensor))
RESULT["shape_as_list_sum"] = float(sum(rank_4_tensor.shape.as_list()))  # 14
RESULT["tf_shape_sum"] = float(tf.reduce_sum(tf.shape(rank_4_tensor)))
RESULT["dtype_name_float32"] = float(rank_4_tensor.dtype.name == "float32")

rank_1_tensor = tf.constant([0, 1, 1, 2, 3, 5, 8, 13, 21, 34])
RESULT["index_first"] = float(rank_1_tensor[0].numpy())
RESULT["index_last"] = float(rank_1_tensor[-1].numpy())
RESULT["slice_sum"] = float(tf.reduce_sum(rank_1_tensor[1:4]))  # 4
RESULT["stride_sum"] = float(tf.reduce_sum(rank_1_tensor[::2]))  # 0 + 1 + 3 + 8 + 21
RESULT["reversed_first"] = float(rank_1_tensor[::-1][0])  # 34
RESULT["second_column_sum"] = float(tf.reduce_sum(rank_2_tensor[:, 1]))  # 12
RESULT["second_row_sum"] = float(tf.reduce_sum(rank_2_tensor[1, :]))  # 7
RESULT["skip_first_row_sum"] = float(tf.reduce_sum(rank_2_tensor[1:, :]))  # 18
RESULT["ellipsis_sum"] = float(tf.reduce_sum(rank_3_tensor[:, :, 4]))  # 4 + 9 + ... + 29
RESULT["ellipsis_gap"] = float(tf.reduce_sum(tf.abs(rank_3_tensor[..., 4]
                                                   - rank_3_tensor[:, :, 4])))

x = tf.constant([[1], [2], [3]])
reshaped = tf.reshape(x, [1, 3])
RESULT["reshaped_columns"] = float(reshaped.shape[1])
RESULT["flat_order"] = float(np.array_equal(tf.reshape(rank_3_tensor, [-1]).numpy(),
                                            np.arange(30)))
RESULT["merged_rows"] = float(tf.reshape(rank_3_tensor, [3 * 2, 5]).shape[0])
RESULT["inferred_columns"] = float(tf.reshape(rank_3_tensor, [3, -1]).shape[1])  # 10
RESULT["transpose_gap"] = float(np.array_equal(
    tf.transpose(rank_3_tensor, [1, 0, 2]).numpy(),
    np.transpose(rank_3_tensor.numpy(), (1, 0, 2))))

the_f64_tensor = tf.constant([2.2, 3.3, 4.4], dtype=tf.float64)
the_f16_tensor = tf.cast(the_f64_tensor, dtype=tf.float16)
the_u8_tensor = tf.cast(the_f16_tensor, dtype=tf.uint8)
RESULT["u8_sum"] = float(tf.reduce_sum(tf.cast(the_u8_tensor, tf.int32)))  # 2 + 3 + 4
RESULT["u8_is_uint8"] = float(the_u8_tensor.dtype == tf.uint8)

x = tf.constant([1, 2, 3])
y = tf.constant(2)
z = tf.constant([2, 2, 2])
RESULT["broadcast_gap"] = float(tf.reduce_sum(tf.abs(tf.multiply(x, 2) - x * y))
                                + tf.reduce_sum(tf.abs(x * y - x * z)))
x = tf.reshape(x, [3, 1])
y = tf.range(1, 5)
RESULT["outer_sum"] = float(tf.reduce_sum(tf.multiply(x, y)))  # 6 * 10
RESULT["broadcast_to_sum"] = float(tf.reduce_sum(tf.broadcast_to(tf.constant([1, 2, 3]),
                                                                 [3, 3])))  # 18
RESULT["converted_sum"] = float(tf.reduce_sum(tf.convert_to_tensor([1, 2, 3])))

my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
my_variable = tf.Variable(my_tensor)
bool_variable = tf.Variable([False, False, False, True])
complex_variable = tf.Variable([5 + 4j, 6 + 1j])
RESULT["variable_shape_sum"] = float(sum(my_variable.shape))
RESULT["variable_is_float32"] = float(my_variable.dtype == tf.float32)
RESULT["bool_true"] = float(np.sum(bool_variable.numpy()))
RESULT["complex_real_sum"] = float(np.real(complex_variable.numpy()).sum())
RESULT["converted_variable_sum"] = float(tf.reduce_sum(tf.convert_to_tensor(my_variable)))
RESULT["variable_argmax_sum"] = float(tf.reduce_sum(tf.math.argmax(my_variable)))  # [1, 1]
RESULT["variable_reshape_columns"] = float(tf.reshape(my_variable, [1, 4]).shape[1])

a = tf.Variable([2.0, 3.0])
a.assign([1, 2])
RESULT["assigned_sum"] = float(tf.reduce_sum(a))
RESULT["assign_refused"] = 0.0
try:
    a.assign([1.0, 2.0, 3.0])
except Exception as e:
    print(f"{type(e).__name__}: {e}")
    RESULT["assign_refused"] = 1.0

a = tf.Variable([2.0, 3.0])
b = tf.Variable(a)
a.assign([5, 6])
RESULT["copy_a_sum"] = float(a.numpy().sum())  # 11
RESULT["copy_b_sum"] = float(b.numpy().sum())  # 5
RESULT["assign_add_sum"] = float(a.assign_add([2, 3]).numpy().sum())  # 7 + 9
RESULT["assign_sub_sum"] = float(a.assign_sub([7, 9]).numpy().sum())  # 0

a = tf.Variable(my_tensor, name="Mark")
b = tf.Variable(my_tensor + 1, name="Mark")
RESULT["same_name_equal_count"] = float(np.sum((a == b).numpy()))  # 0
RESULT["name_kept"] = float(a.name.split(":")[0] == "Mark")
step_counter = tf.Variable(1, trainable=False)
RESULT["step_counter_trainable"] = float(step_counter.trainable)

with tf.device("CPU:0"):
    a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    c = tf.matmul(a, b)
RESULT["device_matmul_sum"] = float(tf.reduce_sum(c))  # 22 + 28 + 49 + 64
print(RESULT)
