"""After the TensorFlow guide "NumPy API on TensorFlow": tf.experimental.numpy as tnp with
NumPy behaviour switched on; ND arrays (tf.Tensor) and their NumPy methods; NumPy's type
promotion and the dtypes of literals, with and without prefer_float32; broadcasting; basic,
boolean and advanced indexing (and no mutation); a two-layer model written with tnp functions,
its gradients from a GradientTape that watches plain arrays, a few steps of gradient descent,
batch Jacobians, per-example gradients with tf.vectorized_map, the same step as a tf.function;
NumPy and tnp on each other's arrays; tf.data and a Keras model fed with tnp arrays.

The weights come from a NumPy draw, so the numbers compare with TensorFlow's. The promotion
table uses tnp.add: under TensorFlow's switch the + operator of every tensor promotes as NumPy
does too, where numnet's operators keep Keras's promotion (int32 + float32 is float32).
"""

import numpy as np

import numnet as tf

tnp = tf.experimental.numpy
tnp.experimental_enable_numpy_behavior()

RESULT = {}
rng = np.random.default_rng(0)

# the ND array
ones = tnp.ones([5, 3], dtype=tnp.float32)
print(f"Created ND array with shape = {ones.shape}, rank = {ones.ndim}, "
      f"dtype = {ones.dtype} on device = {ones.device}\n")
print(f"Is `ones` an instance of tf.Tensor: {isinstance(ones, tf.Tensor)}\n")
print(f"ndarray.T has shape {str(ones.T.shape)}")
print(f"narray.reshape(-1) has shape {ones.reshape(-1).shape}")
RESULT["is_tensor"] = float(isinstance(ones, tf.Tensor))
RESULT["transpose_rows"] = float(ones.T.shape[0])
RESULT["flat_size"] = float(ones.reshape(-1).shape[0])
RESULT["ndim"] = float(ones.ndim)

# type promotion
print("Type promotion for operations")
values = [tnp.asarray(1, dtype=d) for d in (tnp.int32, tnp.int64, tnp.float32, tnp.float64)]
promoted_to_float64 = 0
for i, v1 in enumerate(values):
    for v2 in values[i + 1:]:
        result = tnp.add(v1, v2)
        print(f"{v1.dtype.name} + {v2.dtype.name} => {result.dtype.name}")
        promoted_to_float64 += result.dtype == tnp.float64
RESULT["promoted_to_float64"] = float(promoted_to_float64)
RESULT["int32_int64"] = float(tnp.add(values[0], values[1]).dtype == tnp.int64)

print("Type inference during array creation")
print(f"tnp.asarray(1).dtype == tnp.{tnp.asarray(1).dtype.name}")
print(f"tnp.asarray(1.).dtype == tnp.{tnp.asarray(1.).dtype.name}\n")
RESULT["int_literal_int64"] = float(tnp.asarray(1).dtype == tnp.int64)
RESULT["float_literal_float64"] = float(tnp.asarray(1.).dtype == tnp.float64)
tnp.experimental_enable_numpy_behavior(prefer_float32=True)
print("When prefer_float32 is True:")
print(f"tnp.asarray(1.).dtype == tnp.{tnp.asarray(1.).dtype.name}")
print(f"tnp.add(1., 2.).dtype == tnp.{tnp.add(1., 2.).dtype.name}")
RESULT["preferred_float32"] = float(tnp.asarray(1.).dtype == tnp.float32)
RESULT["preferred_add_float32"] = float(tnp.add(1., 2.).dtype == tnp.float32)
tnp.experimental_enable_numpy_behavior(prefer_float32=False)
print("When prefer_float32 is False:")
print(f"tnp.add(1., 2.).dtype == tnp.{tnp.add(1., 2.).dtype.name}")
RESULT["numpy_add_float64"] = float(tnp.add(1., 2.).dtype == tnp.float64)
RESULT["mean_of_ints_float64"] = float(tnp.mean(tnp.arange(4)).dtype == tnp.float64)
RESULT["sum_of_int32_int64"] = float(tnp.sum(tnp.ones([3], tnp.int32)).dtype == tnp.int64)

# broadcasting
x = tnp.ones([2, 3])
y = tnp.ones([3])
z = tnp.ones([1, 2, 1])
print(f"Broadcasting shapes {x.shape}, {y.shape} and {z.shape} gives shape {(x + y + z).shape}")
RESULT["broadcast_size"] = float(tnp.size(x + y + z))

# indexing
x = tnp.arange(24).reshape(2, 3, 4)
print("Basic indexing")
print(x[1, tnp.newaxis, 1:3, ...], "\n")
print("Boolean indexing")
print(x[:, (True, False, True)], "\n")
print("Advanced indexing")
print(x[1, (0, 0, 1), tnp.asarray([0, 1, 1])])
RESULT["basic_sum"] = float(tnp.sum(x[1, tnp.newaxis, 1:3, ...]))
RESULT["boolean_sum"] = float(tnp.sum(x[:, (True, False, True)]))
RESULT["advanced_sum"] = float(tnp.sum(x[1, (0, 0, 1), tnp.asarray([0, 1, 1])]))
try:
    tnp.arange(6)[1] = -1
    RESULT["mutation_refused"] = 0.0
except TypeError:
    print("Currently, TensorFlow NumPy does not support mutation.")
    RESULT["mutation_refused"] = 1.0


# an example model
class Model:
    """Model with a dense and a linear layer."""

    def __init__(self):
        self.weights = None

    def predict(self, inputs):
        if self.weights is None:
            size = inputs.shape[1]
            stddev = tnp.sqrt(size).astype(tnp.float32)
            w1 = tnp.asarray(rng.normal(size=(size, 64)).astype("float32")) / stddev
            bias = tnp.asarray(rng.normal(size=(64,)).astype("float32"))
            w2 = tnp.asarray(rng.normal(size=(64, 2)).astype("float32")) / 8
            self.weights = (w1, bias, w2)
        else:
            w1, bias, w2 = self.weights
        y = tnp.matmul(inputs, w1) + bias
        y = tnp.maximum(y, 0)  # Relu
        return tnp.matmul(y, w2)  # Linear projection


model = Model()
print(model.predict(tnp.ones([2, 32], dtype=tnp.float32)))
RESULT["predict_on_ones"] = float(tnp.sum(model.predict(tnp.ones([2, 32], dtype=tnp.float32))))


# gradients: the weights are plain arrays, watched explicitly
def create_batch(batch_size=32):
    """Creates a batch of input and labels."""
    inputs = rng.normal(size=(batch_size, 32)).astype("float32")
    labels = np.stack([inputs[:, :16].sum(1), inputs[:, 16:].sum(1)], axis=1) / 4
    return tnp.asarray(inputs), tnp.asarray(labels.astype("float32"))


def compute_gradients(model, inputs, labels):
    """Computes gradients of squared loss between model prediction and labels."""
    with tf.GradientTape() as tape:
        assert model.weights is not None
        tape.watch(model.weights)
        prediction = model.predict(inputs)
        loss = tnp.sum(tnp.square(prediction - labels))
    return tape.gradient(loss, model.weights)


def squared_loss(model, inputs, labels):
    return tnp.sum(tnp.square(model.predict(inputs) - labels))


inputs, labels = create_batch()
gradients = compute_gradients(model, inputs, labels)
print("Parameter shapes:", [w.shape for w in model.weights])
print("Gradient shapes:", [g.shape for g in gradients])
assert isinstance(gradients[0], tnp.ndarray)
RESULT["gradient_is_ndarray"] = float(isinstance(gradients[0], tnp.ndarray))
RESULT["gradient_w2_sum"] = float(tnp.sum(gradients[2]))
RESULT["gradient_bias_abs"] = float(tnp.sum(tnp.abs(gradients[1])))

for step in range(6):
    loss = squared_loss(model, inputs, labels)
    RESULT[f"loss_{step}"] = float(loss) / 32
    gradients = compute_gradients(model, inputs, labels)
    model.weights = tuple(w - 0.0005 * g for w, g in zip(model.weights, gradients))
    print(f"step {step}: loss {float(loss) / 32:.4f}")


# batch jacobians
def prediction_batch_jacobian(inputs):
    with tf.GradientTape() as tape:
        tape.watch(inputs)
        prediction = model.predict(inputs)
    return prediction, tape.batch_jacobian(prediction, inputs)


inp_batch = tnp.ones([16, 32], tnp.float32)
output, batch_jacobian = prediction_batch_jacobian(inp_batch)
print(f"Output shape: {output.shape}, input shape: {inp_batch.shape}")
print("Batch jacobian shape:", batch_jacobian.shape)
RESULT["jacobian_shape_sum"] = float(sum(batch_jacobian.shape))
RESULT["jacobian_sum"] = float(tnp.sum(batch_jacobian))

# the same gradients, traced
compiled_compute_gradients = tf.function(compute_gradients)
compiled = compiled_compute_gradients(model, inputs, labels)
eager = compute_gradients(model, inputs, labels)
RESULT["compiled_gap"] = float(max(tnp.max(tnp.abs(a - b)) for a, b in zip(compiled, eager)))


# per-example gradients, vectorized
@tf.function
def vectorized_per_example_gradients(inputs, labels):
    def single_example_gradient(arg):
        inp, label = arg
        return compute_gradients(model, tnp.expand_dims(inp, 0), tnp.expand_dims(label, 0))

    return tf.vectorized_map(single_example_gradient, (inputs, labels))


batch_size = 8
inputs, labels = create_batch(batch_size)
per_example_gradients = vectorized_per_example_gradients(inputs, labels)
for w, p in zip(model.weights, per_example_gradients):
    print(f"Weight shape: {w.shape}, batch size: {batch_size}, "
          f"per example gradient shape: {p.shape} ")
RESULT["per_example_rows"] = float(per_example_gradients[0].shape[0])
whole = compute_gradients(model, inputs, labels)
RESULT["per_example_sum_gap"] = float(max(
    tnp.max(tnp.abs(tnp.sum(p, axis=0) - g)) for p, g in zip(per_example_gradients, whole)))

# NumPy interoperability
np_sum = np.sum(tnp.ones([2, 3]))
print(f"sum = {float(np_sum)}. Class: {np_sum.__class__}")
tnp_sum = tnp.sum(np.ones([2, 3]))
print(f"sum = {float(tnp_sum)}. Class: {tnp_sum.__class__}")
RESULT["numpy_sum"] = float(np_sum)
RESULT["numpy_sum_is_numpy"] = float(isinstance(np_sum, np.floating))
RESULT["tnp_sum_is_tensor"] = float(isinstance(tnp_sum, tf.Tensor))
x = tnp.ones([2]) + np.ones([2])
print(f"x = {x}\nclass = {x.__class__}")
RESULT["mixed_is_tensor"] = float(isinstance(x, tf.Tensor))
RESULT["numpy_labels_mean"] = float(np.mean(labels))

# tf.data
ds = tf.data.Dataset.from_tensor_slices(tnp.arange(5, dtype=tnp.float32)).batch(2)
batch_sums = [float(tnp.sum(batch)) for batch in ds]
print("tf.data batches summed:", batch_sums)
RESULT["dataset_batches"] = float(len(batch_sums))
RESULT["dataset_last"] = batch_sums[-1]

# Keras
keras_model = tf.keras.Sequential([
    tf.keras.layers.Dense(16, activation="relu", input_shape=(32,)),
    tf.keras.layers.Dense(2)])
keras_model.set_weights([rng.normal(size=(32, 16)).astype("float32") * 0.2,
                         np.zeros(16, "float32"),
                         rng.normal(size=(16, 2)).astype("float32") * 0.2,
                         np.zeros(2, "float32")])
x = tnp.ones([4, 32], dtype=tnp.float32)
y = keras_model(x)
print("Keras output on a tnp array:", y.shape, type(y))
RESULT["keras_output_sum"] = float(tnp.sum(y))
inputs, labels = create_batch(128)
keras_model.compile(optimizer=tf.keras.optimizers.SGD(0.01), loss="mse")
history = keras_model.fit(inputs, labels, batch_size=32, epochs=4, shuffle=False, verbose=0)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"keras_loss_{epoch}"] = float(value)
print(RESULT)
