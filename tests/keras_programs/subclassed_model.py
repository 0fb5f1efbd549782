"""A subclassed Model whose sublayers live in a custom Layer and in a Python list.

Every Dense inside the residual blocks (held in ``self.blocks``, a list) must be tracked, so
that fit trains all of them: the model has 2 + 2 * 4 + 2 trainable weights.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class ResidualBlock(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense_1 = layers.Dense(units, activation="relu")
        self.dense_2 = layers.Dense(units)

    def call(self, inputs):
        return ops.relu(inputs + self.dense_2(self.dense_1(inputs)))


class Classifier(keras.Model):
    def __init__(self, num_classes, width=32, depth=2, **kwargs):
        super().__init__(**kwargs)
        self.stem = layers.Dense(width, activation="relu")
        self.blocks = [ResidualBlock(width) for _ in range(depth)]
        self.head = layers.Dense(num_classes)

    def call(self, inputs):
        x = self.stem(inputs)
        for block in self.blocks:
            x = block(x)
        return self.head(x)


keras.utils.set_random_seed(1)
rng = np.random.default_rng(1)
num_classes = 3
centers = rng.normal(0.0, 2.0, (num_classes, 6))
labels = rng.integers(0, num_classes, 900)
features = (centers[labels] + rng.normal(0.0, 1.0, (900, 6))).astype("float32")
x_train, y_train = features[:700], labels[:700]
x_test, y_test = features[700:], labels[700:]

model = Classifier(num_classes)
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    metrics=[keras.metrics.SparseCategoricalAccuracy(name="acc")],
)
history = model.fit(x_train, y_train, batch_size=32, epochs=8, verbose=0)
test_loss, test_acc = model.evaluate(x_test, y_test, verbose=0)

RESULT = {
    "test_accuracy": float(test_acc),
    "trainable_weights": float(len(model.trainable_weights)),
    "loss_ratio": history.history["loss"][-1] / history.history["loss"][0],
}
RESULT["params"] = float(model.count_params())
print(RESULT)
