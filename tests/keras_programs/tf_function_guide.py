"""After the TensorFlow guides "Introduction to graphs and tf.function" and "Better performance
with tf.function": a regular function and its tf.function give the same values; one function,
many traces (a trace per dtype and shape, Python arguments by value, Tensor arguments by
signature), read with experimental_get_tracing_count; concrete functions and what they refuse;
input_signature with tf.TensorSpec; reduce_retracing; tf.config.run_functions_eagerly; tf.print;
variables read and created inside a tf.function; a loop over tf.range with tf.TensorArray; a
data-dependent while loop; and a Keras model trained by a tf.function step (weights from a
NumPy draw, so the losses compare with TensorFlow's).

numnet runs every call as Python: a Python print in a tf.function body prints at every call
there, where TensorFlow prints only while it traces (tf.print prints at every call in both), so
the printed text differs; the counts of traces and all the values are TensorFlow's.
"""

import numpy as np

import numnet as tf

RESULT = {}
rng = np.random.default_rng(0)


# a regular function and a tf.function
def a_regular_function(x, y, b):
    x = tf.matmul(x, y)
    x = x + b
    return x


a_function_that_uses_a_graph = tf.function(a_regular_function)
x1 = tf.constant([[1.0, 2.0]])
y1 = tf.constant([[2.0], [3.0]])
b1 = tf.constant(4.0)
orig_value = a_regular_function(x1, y1, b1).numpy()
tf_function_value = a_function_that_uses_a_graph(x1, y1, b1).numpy()
assert orig_value == tf_function_value
RESULT["function_value"] = float(tf_function_value[0, 0])


def inner_function(x, y, b):
    x = tf.matmul(x, y)
    x = x + b
    return x


@tf.function
def outer_function(x):
    y = tf.constant([[2.0], [3.0]])
    b = tf.constant(4.0)
    return inner_function(x, y, b)


RESULT["outer_value"] = float(outer_function(tf.constant([[1.0, 2.0]]))[0, 0])


# polymorphism: one Function, many traces
@tf.function
def my_relu(x):
    return tf.maximum(0., x)


print(my_relu(tf.constant(5.5)))
print(my_relu([1, -1]))
print(my_relu(tf.constant([3., -3.])))
print(my_relu(tf.constant(-2.5)))  # signature matches tf.constant(5.5)
print(my_relu(tf.constant([-1., 1.])))  # signature matches tf.constant([3., -3.])
print(my_relu.pretty_printed_concrete_signatures())
RESULT["relu_traces"] = float(my_relu.experimental_get_tracing_count())
RESULT["relu_list_sum"] = float(tf.reduce_sum(my_relu([1, -1])))


# graph execution vs eager execution: the same values either way
def get_MSE(y_true, y_pred):
    sq_diff = tf.pow(y_true - y_pred, 2)
    return tf.reduce_mean(sq_diff)


y_true = tf.constant([3, 7, 1, 9, 4])
y_pred = tf.constant([2, 8, 1, 5, 4])
get_MSE = tf.function(get_MSE)
tf.config.run_functions_eagerly(True)
eager_errors = [get_MSE(y_true, y_pred) for _ in range(3)]
RESULT["eager_switch_on"] = float(tf.config.functions_run_eagerly())
RESULT["eager_traces"] = float(get_MSE.experimental_get_tracing_count())
tf.config.run_functions_eagerly(False)
graph_errors = [get_MSE(y_true, y_pred) for _ in range(3)]
RESULT["graph_traces"] = float(get_MSE.experimental_get_tracing_count())
RESULT["mse"] = float(graph_errors[0])
RESULT["mse_is_int32"] = float(graph_errors[0].dtype == tf.int32)
RESULT["eager_mse_gap"] = float(abs(int(eager_errors[2]) - int(graph_errors[2])))


# tracing: a new dtype or shape traces again
@tf.function
def double(a):
    print("Tracing with", a)
    return a + a


print(double(tf.constant(1)))
print(double(tf.constant(1.1)))
print(double(tf.constant("a")))
RESULT["double_traces_3"] = float(double.experimental_get_tracing_count())
print(double(tf.constant("b")))  # no new trace
RESULT["double_string"] = float(double(tf.constant("b")).numpy() == b"bb")
RESULT["double_traces_still_3"] = float(double.experimental_get_tracing_count())

print("Obtaining concrete trace")
double_strings = double.get_concrete_function(tf.constant("a"))
print("Executing traced function")
print(double_strings(tf.constant("a")))
print(double_strings(a=tf.constant("b")))
RESULT["concrete_traces"] = float(double.experimental_get_tracing_count())
print(double.get_concrete_function(tf.TensorSpec(shape=[], dtype=tf.string)))
try:
    double_strings(tf.constant(1))
    RESULT["concrete_refuses_int"] = 0.0
except tf.errors.InvalidArgumentError:
    RESULT["concrete_refuses_int"] = 1.0
RESULT["spec_traces"] = float(double.experimental_get_tracing_count())


# input_signature
@tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
def next_collatz(x):
    print("Tracing with", x)
    return tf.where(x % 2 == 0, x // 2, 3 * x + 1)


print(next_collatz(tf.constant([1, 2])))
refused = 0
try:
    next_collatz(tf.constant([[1, 2], [3, 4]]))
except TypeError:
    refused += 1
try:
    next_collatz(tf.constant([1.0, 2.0]))
except TypeError:
    refused += 1
RESULT["signature_refusals"] = float(refused)
RESULT["collatz_sum"] = float(tf.reduce_sum(next_collatz(tf.constant([5, 6, 7, 8]))))
RESULT["collatz_traces"] = float(next_collatz.experimental_get_tracing_count())


# reduce_retracing
@tf.function(reduce_retracing=True)
def g(x):
    print("Tracing with", x)
    return x


print(g(tf.constant([1, 2, 3])))
print(g(tf.constant([1, 2, 3, 4, 5])))
print(g(tf.constant([1, 2, 3, 4, 5, 6, 7])))
print(g(tf.constant([1, 2, 3, 4, 5, 6, 7, 8, 9])))
RESULT["reduced_traces"] = float(g.experimental_get_tracing_count())


# Python arguments retrace, Tensor arguments do not
def train_one_step():
    pass


@tf.function
def train(num_steps):
    print("Tracing with num_steps = ", num_steps)
    tf.print("Executing with num_steps = ", num_steps)
    for _ in tf.range(num_steps):
        train_one_step()


print("Retracing occurs for different Python arguments.")
train(num_steps=10)
train(num_steps=20)
RESULT["python_argument_traces"] = float(train.experimental_get_tracing_count())
print("Traces are reused for Tensor arguments.")
train(num_steps=tf.constant(10))
train(num_steps=tf.constant(20))
RESULT["tensor_argument_traces"] = float(train.experimental_get_tracing_count())


@tf.function
def f(x):
    return x + 1


vector = tf.constant([1.0, 1.0])
matrix = tf.constant([[3.0]])
f(vector)
f(matrix)
RESULT["vector_matrix_traces"] = float(f.experimental_get_tracing_count())

# variables: read at each call; created once
v = tf.Variable(1.0)


@tf.function
def scale(x):
    return v * x


first = float(scale(tf.constant(3.0)))
v.assign(2.0)
RESULT["variable_read_each_call"] = float(scale(tf.constant(3.0))) - first


class Count(tf.Module):
    def __init__(self):
        self.count = None

    @tf.function
    def __call__(self):
        if self.count is None:
            self.count = tf.Variable(0)
        return self.count.assign_add(1)


c = Count()
c()
c()
RESULT["module_count"] = float(c.count.numpy())


# loops: tf.range with a TensorArray, a data-dependent while loop
@tf.function
def plus_one(x):
    ta = tf.TensorArray(dtype=tf.int32, size=0, dynamic_size=True)
    for i in tf.range(len(x)):
        ta = ta.write(i, x[i] + 1)
    return ta.stack()


RESULT["tensor_array_sum"] = float(tf.reduce_sum(plus_one(tf.constant([1, 2, 3]))))


@tf.function
def squash(x):
    steps = tf.constant(0)
    while tf.reduce_sum(x) > 1:
        x = tf.tanh(x)
        steps += 1
    return x, steps


squashed, steps = squash(tf.constant([2.0, 1.5]))
RESULT["while_steps"] = float(steps)
RESULT["while_sum"] = float(tf.reduce_sum(squashed))

# a Keras model trained by a tf.function step
x_train = rng.normal(size=(96, 4)).astype("float32")
y_train = (x_train[:, :1] - 0.5 * x_train[:, 1:2] + 0.1).astype("float32")
model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(8, activation="tanh"),
                             tf.keras.layers.Dense(1)])
model.set_weights([rng.normal(size=(4, 8)).astype("float32") * 0.5, np.zeros(8, "float32"),
                   rng.normal(size=(8, 1)).astype("float32") * 0.5, np.zeros(1, "float32")])
optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
loss_fn = tf.keras.losses.MeanSquaredError()


@tf.function(input_signature=(tf.TensorSpec([None, 4], tf.float32),
                              tf.TensorSpec([None, 1], tf.float32)))
def train_step(x, y):
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x, training=True))
    grads = tape.gradient(loss, model.trainable_variables)
    optimizer.apply_gradients(zip(grads, model.trainable_variables))
    return loss


dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32)
for epoch in range(6):
    losses = [float(train_step(x, y)) for x, y in dataset]
    RESULT[f"loss_{epoch}"] = float(np.mean(losses))
RESULT["train_step_traces"] = float(train_step.experimental_get_tracing_count())
print(RESULT)
