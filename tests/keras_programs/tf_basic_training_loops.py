"""After the TensorFlow tutorials "Basic training loops" and "Introduction to modules, layers,
and models": a tf.Module with two tf.Variables, trained by a @tf.function step of
tf.GradientTape and assign_sub on noisy points of a line; tf.Module trainable_variables and
submodules; the same model as a tf.keras.Model subclass compiled with
tf.keras.losses.MSE and fitted with batch_size=1000; a tf.keras.layers.Layer with
build creating weights from the input shape.
"""

import numpy as np

import numnet as tf

TRUE_W = 3.0
TRUE_B = 2.0
NUM_EXAMPLES = 201

rng = np.random.default_rng(47)
x = tf.linspace(-2, 2, NUM_EXAMPLES)
x = tf.cast(x, tf.float32)


def f(x):
    return x * TRUE_W + TRUE_B


noise = tf.constant(rng.normal(0.0, 1.0, NUM_EXAMPLES).astype("float32"))
y = f(x) + noise


class MyModel(tf.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def __call__(self, x):
        return self.w * x + self.b


model = MyModel()
variables = model.variables


def loss(target_y, predicted_y):
    return tf.reduce_mean(tf.square(target_y - predicted_y))


initial_loss = float(loss(y, model(x)))


@tf.function
def train(model, x, y, learning_rate):
    with tf.GradientTape() as t:
        current_loss = loss(y, model(x))
    dw, db = t.gradient(current_loss, [model.w, model.b])
    model.w.assign_sub(learning_rate * dw)
    model.b.assign_sub(learning_rate * db)


weights = []
biases = []
epochs = range(10)


def training_loop(model, x, y):
    for _ in epochs:
        train(model, x, y, learning_rate=0.1)
        weights.append(model.w.numpy())
        biases.append(model.b.numpy())


training_loop(model, x, y)
final_loss = float(loss(y, model(x)))


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(tf.ones([in_features, out_features]), name="w")
        self.b = tf.Variable(tf.zeros([out_features]), name="b")

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return tf.nn.relu(y)


class SequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = Dense(in_features=3, out_features=3)
        self.dense_2 = Dense(in_features=3, out_features=2)

    def __call__(self, x):
        x = self.dense_1(x)
        return self.dense_2(x)


my_model = SequentialModule(name="the_model")
module_output = my_model(tf.constant([[2.0, 2.0, 2.0]]))


class MyModelKeras(tf.keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def call(self, x):
        return self.w * x + self.b


keras_model = MyModelKeras()
keras_model.compile(run_eagerly=False, optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
                    loss=tf.keras.losses.MSE)
history = keras_model.fit(x, y, epochs=10, batch_size=1000, verbose=0)


class FlexibleDense(tf.keras.layers.Layer):
    def __init__(self, out_features, **kwargs):
        super().__init__(**kwargs)
        self.out_features = out_features

    def build(self, input_shape):
        self.w = tf.Variable(tf.ones([input_shape[-1], self.out_features]), name="w")
        self.b = tf.Variable(tf.zeros([self.out_features]), name="b")

    def call(self, inputs):
        return tf.matmul(inputs, self.w) + self.b


flexible_dense = FlexibleDense(out_features=3)
flexible_output = flexible_dense(tf.constant([[2.0, 2.0, 2.0], [3.0, 3.0, 3.0]]))

RESULT = {
    "variables": float(len(variables)),
    "initial_loss": initial_loss,
    "final_loss": final_loss,
    "final_w": float(weights[-1]),
    "final_b": float(biases[-1]),
    "module_variables": float(len(my_model.trainable_variables)),
    "submodules": float(len(list(my_model.submodules))),
    "module_output_sum": float(tf.reduce_sum(module_output)),
    "keras_w": float(keras_model.w.numpy()),
    "keras_b": float(keras_model.b.numpy()),
    "keras_trainable": float(len(keras_model.trainable_variables)),
    "flexible_sum": float(tf.reduce_sum(flexible_output)),
    "flexible_variables": float(len(flexible_dense.variables)),
}
for epoch, value in enumerate(history.history["loss"][:6]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
