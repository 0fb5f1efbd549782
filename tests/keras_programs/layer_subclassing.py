"""The layer-subclassing guide's checks, as a program: a layer with a non-trainable weight
updated in call(), layers nested in layers (their weights tracked), losses collected by add_loss
and by a sublayer's kernel_regularizer and reset on every call, a ``training`` argument, and a
config round trip; then a subclassed model made of them is trained.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class ComputeSum(layers.Layer):
    def __init__(self, input_dim, **kwargs):
        super().__init__(**kwargs)
        self.total = self.add_weight(initializer="zeros", shape=(input_dim,), trainable=False)

    def call(self, inputs):
        self.total.assign_add(ops.sum(inputs, axis=0))
        return self.total


class Linear(layers.Layer):
    def __init__(self, units=32, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units),
                                 initializer="random_normal", trainable=True)
        self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

    def call(self, inputs):
        return ops.matmul(inputs, self.w) + self.b

    def get_config(self):
        return {**super().get_config(), "units": self.units}


class MLPBlock(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.linear_1 = Linear(32)
        self.linear_2 = Linear(32)
        self.linear_3 = Linear(1)

    def call(self, inputs):
        x = ops.relu(self.linear_1(inputs))
        x = ops.relu(self.linear_2(x))
        return self.linear_3(x)


class ActivityRegularization(layers.Layer):
    def __init__(self, rate=1e-2, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.sum(inputs))
        return inputs


class RegularizedDense(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(4, kernel_regularizer=keras.regularizers.l2(1e-3))

    def call(self, inputs):
        return self.dense(inputs)


class CustomDropout(layers.Layer):
    def __init__(self, rate, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate
        self.seed_generator = keras.random.SeedGenerator(1337)

    def call(self, inputs, training=None):
        if training:
            return keras.random.dropout(inputs, rate=self.rate, seed=self.seed_generator)
        return inputs


keras.utils.set_random_seed(29)
rng = np.random.default_rng(29)

my_sum = ComputeSum(2)
ones = np.ones((2, 2), dtype="float32")
my_sum(ones)
total = np.asarray(my_sum(ones))
assert len(my_sum.weights) == 1 and len(my_sum.trainable_weights) == 0

mlp = MLPBlock()
mlp(ops.ones(shape=(3, 64)))
assert len(mlp.weights) == 6 and len(mlp.trainable_weights) == 6

regularizer = ActivityRegularization(1e-2)
regularizer(ops.ones((2, 2)))
regularizer(ops.zeros((2, 2)))
assert len(regularizer.losses) == 1  # the second call replaced the first call's loss
second_call_loss = float(regularizer.losses[0])

outer = RegularizedDense()
outer(ops.zeros((1, 3)))
kernel = outer.dense.kernel
l2_by_hand = 1e-3 * float(np.sum(np.square(np.asarray(kernel))))
l2_loss = float(outer.losses[0])

dropout = CustomDropout(0.5)
x = np.ones((100, 10), dtype="float32")
kept_training = float(np.mean(np.asarray(dropout(x, training=True)) != 0))
unchanged_inference = float(np.max(np.abs(np.asarray(dropout(x, training=False)) - x)))

linear = Linear(units=8)
copy = Linear.from_config(linear.get_config())
assert copy.units == 8


class Regressor(keras.Model):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.block = MLPBlock()
        self.dropout = CustomDropout(0.1)

    def call(self, inputs, training=None):
        return self.block(self.dropout(inputs, training=training))


features = rng.normal(size=(600, 64)).astype("float32")
targets = (features[:, :4].sum(axis=1, keepdims=True) / 2.0).astype("float32")
model = Regressor()
model.compile(optimizer=keras.optimizers.Adam(learning_rate=3e-3), loss="mse")
history = model.fit(features[:500], targets[:500], batch_size=32, epochs=6, verbose=0)
test_mse = float(model.evaluate(features[500:], targets[500:], verbose=0))

RESULT = {
    "total": float(total.sum()),
    "second_call_loss": second_call_loss,
    "l2_gap": abs(l2_loss - l2_by_hand),
    "kept_training": kept_training,
    "unchanged_inference": unchanged_inference,
    "test_mse": test_mse,
    "target_variance": float(np.var(targets[500:])),
}
print(RESULT)
