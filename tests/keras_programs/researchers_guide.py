"""The guide "Introduction to Keras for Researchers", its parts in order up to the end-to-end
examples: constant and random tensors, a tf.Variable updated with assign and assign_add and
read element by element, gradients by a tape (a watched tensor, a variable, a second
derivative by nested tapes), a Linear layer holding tf.Variables made by
tf.random_normal_initializer and tf.zeros_initializer, then one using add_weight in build,
a low-level loop over a tf.data.Dataset, a non-trainable tf.Variable (ComputeSum), layers
that own layers, add_loss in a nested layer (cleared at each call, added to the loss in the
loop), a metric in a loop reset with reset_state, the guide's F1Score metric (booleans with
~ and &), a tf.function training step, a Dropout layer calling tf.nn.dropout, a functional
model of the custom layers, fit/predict/evaluate on the dataset, and a Model subclass that
sets its own optimizer and loss, is compiled with no arguments and trained by fit.

MNIST is replaced by 64-feature rows drawn around ten centres.
"""

import numpy as np

import numnet as keras
import numnet as tf

tf.random.set_seed(5)
rng = np.random.default_rng(5)
RESULT = {}

x = tf.constant([[5, 2], [1, 3]])
RESULT["constant_sum"] = float(x.numpy().sum())
RESULT["constant_is_int32"] = float(x.dtype == tf.int32)
RESULT["ones_sum"] = float(tf.reduce_sum(tf.ones(shape=(2, 1))))
x = tf.random.normal(shape=(2, 2), mean=0.0, stddev=1.0)
x = tf.random.uniform(shape=(2, 2), minval=0, maxval=10, dtype="int32")
RESULT["uniform_in_range"] = float(x.numpy().min() >= 0 and x.numpy().max() < 10)
RESULT["uniform_is_int32"] = float(x.dtype == tf.int32)

initial_value = tf.random.normal(shape=(2, 2))
a = tf.Variable(initial_value)
new_value = tf.random.normal(shape=(2, 2))
a.assign(new_value)
for i in range(2):
    for j in range(2):
        assert a[i, j] == new_value[i, j]
added_value = tf.random.normal(shape=(2, 2))
a.assign_add(added_value)
for i in range(2):
    for j in range(2):
        assert a[i, j] == new_value[i, j] + added_value[i, j]

a = tf.random.normal(shape=(2, 2))
b = tf.random.normal(shape=(2, 2))
c = a + b
d = tf.square(c)
e = tf.exp(d)
reference = np.exp((a.numpy() + b.numpy()) ** 2)
RESULT["exp_gap"] = float(np.max(np.abs(e.numpy() - reference) / reference))

a = tf.constant([[3.0, 0.5], [1.0, -2.0]])
b = tf.constant([[4.0, 1.2], [0.0, 1.5]])
with tf.GradientTape() as tape:
    tape.watch(a)
    c = tf.sqrt(tf.square(a) + tf.square(b))
    dc_da = tape.gradient(c, a)
RESULT["dc_da_sum"] = float(tf.reduce_sum(dc_da))  # a / c

a = tf.Variable(a)
with tf.GradientTape() as tape:
    c = tf.sqrt(tf.square(a) + tf.square(b))
    dc_da = tape.gradient(c, a)
RESULT["variable_dc_da_sum"] = float(tf.reduce_sum(dc_da))

with tf.GradientTape() as outer_tape:
    with tf.GradientTape() as tape:
        c = tf.sqrt(tf.square(a) + tf.square(b))
        dc_da = tape.gradient(c, a)
    d2c_da2 = outer_tape.gradient(dc_da, a)
RESULT["d2c_da2_sum"] = float(tf.reduce_sum(d2c_da2))  # b^2 / c^3


class Linear(keras.layers.Layer):
    """y = w.x + b"""

    def __init__(self, units=32, input_dim=32):
        super().__init__()
        w_init = tf.random_normal_initializer()
        self.w = tf.Variable(
            initial_value=w_init(shape=(input_dim, units), dtype="float32"),
            trainable=True,
        )
        b_init = tf.zeros_initializer()
        self.b = tf.Variable(
            initial_value=b_init(shape=(units,), dtype="float32"), trainable=True
        )

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


linear_layer = Linear(units=4, input_dim=2)
y = linear_layer(tf.ones((2, 2)))
assert y.shape == (2, 4)
# tf.keras tracks tf.Variables set on a layer (Keras 3 on TensorFlow does not)
RESULT["linear_weights_tracked"] = float(linear_layer.weights == [linear_layer.w, linear_layer.b])
RESULT["linear_bias_sum"] = float(tf.reduce_sum(linear_layer.b))


class Linear(keras.layers.Layer):
    """y = w.x + b"""

    def __init__(self, units=32):
        super().__init__()
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.b = self.add_weight(
            shape=(self.units,), initializer="random_normal", trainable=True
        )

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


linear_layer = Linear(4)
y = linear_layer(tf.ones((2, 2)))
RESULT["lazy_kernel_rows"] = float(linear_layer.w.shape[0])

centres = rng.normal(0.0, 1.0, (10, 64))
y_train = rng.integers(0, 10, 1024)
x_train = (centres[y_train] + rng.normal(0.0, 0.8, (1024, 64))).astype("float32")
dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train))
dataset = dataset.shuffle(buffer_size=1024).batch(64)

linear_layer = Linear(10)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD(learning_rate=1e-2)
linear_losses = []
for _epoch in range(3):
    for _step, (x, y) in enumerate(dataset):
        with tf.GradientTape() as tape:
            logits = linear_layer(x)
            loss = loss_fn(y, logits)
        gradients = tape.gradient(loss, linear_layer.trainable_weights)
        optimizer.apply_gradients(zip(gradients, linear_layer.trainable_weights))
        linear_losses.append(float(loss))
RESULT["linear_loss_first"] = float(np.mean(linear_losses[:16]))
RESULT["linear_loss_last"] = float(np.mean(linear_losses[-16:]))


class ComputeSum(keras.layers.Layer):
    """Returns the sum of the inputs."""

    def __init__(self, input_dim):
        super().__init__()
        self.total = tf.Variable(initial_value=tf.zeros((input_dim,)), trainable=False)

    def call(self, inputs):
        self.total.assign_add(tf.reduce_sum(inputs, axis=0))
        return self.total


my_sum = ComputeSum(2)
x = tf.ones((2, 2))
y = my_sum(x)
y = my_sum(x)
RESULT["sum_total"] = float(np.sum(y.numpy()))  # [4, 4]
RESULT["sum_tracked"] = float(my_sum.weights == [my_sum.total]
                             and my_sum.non_trainable_weights == [my_sum.total]
                             and my_sum.trainable_weights == [])


class MLP(keras.layers.Layer):
    """Simple stack of Linear layers."""

    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(32)
        self.linear_2 = Linear(32)
        self.linear_3 = Linear(10)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = tf.nn.relu(x)
        x = self.linear_2(x)
        x = tf.nn.relu(x)
        return self.linear_3(x)


mlp = MLP()
y = mlp(tf.ones(shape=(3, 64)))
assert len(mlp.weights) == 6
RESULT["mlp_weights"] = float(len(mlp.weights))

mlp = keras.Sequential(
    [
        keras.layers.Dense(32, activation=tf.nn.relu),
        keras.layers.Dense(32, activation=tf.nn.relu),
        keras.layers.Dense(10),
    ]
)


class ActivityRegularization(keras.layers.Layer):
    """Layer that creates an activity sparsity regularization loss."""

    def __init__(self, rate=1e-2):
        super().__init__()
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * tf.reduce_sum(inputs))
        return inputs


class SparseMLP(keras.layers.Layer):
    """Stack of Linear layers with a sparsity regularization loss."""

    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(32)
        self.regularization = ActivityRegularization(1e-2)
        self.linear_3 = Linear(10)

    def call(self, inputs):
        x = self.linear_1(inputs)
        x = tf.nn.relu(x)
        x = self.regularization(x)
        return self.linear_3(x)


mlp = SparseMLP()
mlp(tf.ones((10, 10)))
assert len(mlp.losses) == 1
mlp(tf.ones((10, 10)))
assert len(mlp.losses) == 1
hidden = tf.nn.relu(mlp.linear_1(tf.ones((10, 10))))
RESULT["sparse_loss_gap"] = float(abs(float(mlp.losses[0]) - 1e-2 * float(tf.reduce_sum(hidden))))

mlp = SparseMLP()
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.SGD(learning_rate=1e-2)
sparse_losses = []
for _step, (x, y) in enumerate(dataset):
    with tf.GradientTape() as tape:
        logits = mlp(x)
        loss = loss_fn(y, logits)
        loss += sum(mlp.losses)
        gradients = tape.gradient(loss, mlp.trainable_weights)
    optimizer.apply_gradients(zip(gradients, mlp.trainable_weights))
    sparse_losses.append(float(loss))
RESULT["sparse_loss_first"] = sparse_losses[0]
RESULT["sparse_loss_last"] = sparse_losses[-1]

accuracy = tf.keras.metrics.SparseCategoricalAccuracy()
model = keras.Sequential(
    [
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10),
    ]
)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)
epoch_accuracies = []
for _epoch in range(2):
    for _step, (x, y) in enumerate(dataset):
        with tf.GradientTape() as tape:
            logits = model(x)
            loss_value = loss_fn(y, logits)
        accuracy.update_state(y, logits)
        gradients = tape.gradient(loss_value, model.trainable_weights)
        optimizer.apply_gradients(zip(gradients, model.trainable_weights))
    epoch_accuracies.append(float(accuracy.result()))
    accuracy.reset_state()
RESULT["loop_accuracy_0"] = epoch_accuracies[0]
RESULT["loop_accuracy_1"] = epoch_accuracies[1]
RESULT["reset_accuracy"] = float(accuracy.result())


class F1Score(keras.metrics.Metric):
    def __init__(self, name="f1_score", dtype="float32", threshold=0.5, **kwargs):
        super().__init__(name=name, dtype=dtype, **kwargs)
        self.threshold = 0.5
        self.true_positives = self.add_weight(
            name="tp", dtype=dtype, initializer="zeros"
        )
        self.false_positives = self.add_weight(
            name="fp", dtype=dtype, initializer="zeros"
        )
        self.false_negatives = self.add_weight(
            name="fn", dtype=dtype, initializer="zeros"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = tf.math.greater_equal(y_pred, self.threshold)
        y_true = tf.cast(y_true, tf.bool)
        y_pred = tf.cast(y_pred, tf.bool)

        true_positives = tf.cast(y_true & y_pred, self.dtype)
        false_positives = tf.cast(~y_true & y_pred, self.dtype)
        false_negatives = tf.cast(y_true & ~y_pred, self.dtype)

        if sample_weight is not None:
            sample_weight = tf.cast(sample_weight, self.dtype)
            true_positives *= sample_weight
            false_positives *= sample_weight
            false_negatives *= sample_weight

        self.true_positives.assign_add(tf.reduce_sum(true_positives))
        self.false_positives.assign_add(tf.reduce_sum(false_positives))
        self.false_negatives.assign_add(tf.reduce_sum(false_negatives))

    def result(self):
        precision = self.true_positives / (self.true_positives + self.false_positives)
        recall = self.true_positives / (self.true_positives + self.false_negatives)
        return precision * recall * 2.0 / (precision + recall)

    def reset_state(self):
        self.true_positives.assign(0)
        self.false_positives.assign(0)
        self.false_negatives.assign(0)


m = F1Score()
m.update_state([0, 1, 0, 0], [0.3, 0.5, 0.8, 0.9])
RESULT["f1_intermediate"] = float(m.result())  # tp 1, fp 2, fn 0: 0.5
m.update_state([1, 1, 1, 1], [0.1, 0.7, 0.6, 0.0])
RESULT["f1_final"] = float(m.result())  # tp 3, fp 2, fn 2: 0.6
m.update_state([1, 0], [0.9, 0.9], sample_weight=[2.0, 0.5])
RESULT["f1_weighted"] = float(m.result())  # tp 5, fp 2.5, fn 2: 10 / 14.5
m.reset_state()
RESULT["f1_reset_tp"] = float(m.true_positives.numpy())

model = keras.Sequential(
    [
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(32, activation="relu"),
        keras.layers.Dense(10),
    ]
)
loss_fn = tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)
optimizer = tf.keras.optimizers.Adam(learning_rate=1e-3)


@tf.function
def train_on_batch(x, y):
    with tf.GradientTape() as tape:
        logits = model(x)
        loss = loss_fn(y, logits)
        gradients = tape.gradient(loss, model.trainable_weights)
    optimizer.apply_gradients(zip(gradients, model.trainable_weights))
    return loss


compiled_losses = [float(train_on_batch(x, y)) for x, y in dataset]
RESULT["compiled_loss_first"] = compiled_losses[0]
RESULT["compiled_loss_last"] = compiled_losses[-1]


class Dropout(keras.layers.Layer):
    def __init__(self, rate):
        super().__init__()
        self.rate = rate

    def call(self, inputs, training=None):
        if training:
            return tf.nn.dropout(inputs, rate=self.rate)
        return inputs


class MLPWithDropout(keras.layers.Layer):
    def __init__(self):
        super().__init__()
        self.linear_1 = Linear(32)
        self.dropout = Dropout(0.5)
        self.linear_3 = Linear(10)

    def call(self, inputs, training=None):
        x = self.linear_1(inputs)
        x = tf.nn.relu(x)
        x = self.dropout(x, training=training)
        return self.linear_3(x)


mlp = MLPWithDropout()
y_train_mode = mlp(tf.ones((2, 2)), training=True)
y_test_mode = mlp(tf.ones((2, 2)), training=False)
y_test_again = mlp(tf.ones((2, 2)), training=False)
RESULT["inference_change"] = float(np.max(np.abs(y_test_mode.numpy() - y_test_again.numpy())))
dropped = Dropout(0.5)(tf.ones((200, 50)), training=True).numpy()
RESULT["dropout_kept"] = float(np.mean(dropped > 0))
RESULT["dropout_scale"] = float(dropped.max())

inputs = tf.keras.Input(shape=(16,), dtype="float32")
x = Linear(32)(inputs)
x = Dropout(0.5)(x)
outputs = Linear(10)(x)
model = tf.keras.Model(inputs, outputs)
assert len(model.weights) == 4
RESULT["functional_weights"] = float(len(model.weights))
y = model(tf.ones((2, 16)))
assert y.shape == (2, 10)
y = model(tf.ones((2, 16)), training=True)

inputs = tf.keras.Input(shape=(64,), dtype="float32")
x = keras.layers.Dense(32, activation="relu")(inputs)
x = keras.layers.Dense(32, activation="relu")(x)
outputs = keras.layers.Dense(10)(x)
model = tf.keras.Model(inputs, outputs)
model.compile(
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    optimizer=keras.optimizers.Adam(learning_rate=1e-3),
    metrics=[keras.metrics.SparseCategoricalAccuracy()],
)
history = model.fit(dataset, epochs=2, verbose=0)
predictions = model.predict(dataset, verbose=0)
eval_loss, eval_accuracy = model.evaluate(dataset, verbose=0)
RESULT["fit_loss_0"] = history.history["loss"][0]
RESULT["fit_loss_1"] = history.history["loss"][1]
RESULT["predict_rows"] = float(predictions.shape[0])
RESULT["fit_eval_accuracy"] = float(eval_accuracy)


class CustomModel(keras.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = keras.metrics.Mean(name="loss")
        self.accuracy = keras.metrics.SparseCategoricalAccuracy()
        self.loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        self.optimizer = keras.optimizers.Adam(learning_rate=1e-3)

    def train_step(self, data):
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.loss_fn(y, y_pred)
        gradients = tape.gradient(loss, self.trainable_weights)
        self.optimizer.apply_gradients(zip(gradients, self.trainable_weights))
        self.loss_tracker.update_state(loss)
        self.accuracy.update_state(y, y_pred)
        return {"loss": self.loss_tracker.result(), "accuracy": self.accuracy.result()}

    @property
    def metrics(self):
        return [self.loss_tracker, self.accuracy]


inputs = tf.keras.Input(shape=(64,), dtype="float32")
x = keras.layers.Dense(32, activation="relu")(inputs)
x = keras.layers.Dense(32, activation="relu")(x)
outputs = keras.layers.Dense(10)(x)
model = CustomModel(inputs, outputs)
model.compile()
history = model.fit(dataset, epochs=2, verbose=0)
RESULT["custom_loss_0"] = history.history["loss"][0]
RESULT["custom_loss_1"] = history.history["loss"][1]
RESULT["custom_accuracy"] = history.history["accuracy"][-1]
RESULT["custom_iterations"] = float(model.optimizer.iterations.numpy())  # 2 epochs of 16
print(RESULT)
