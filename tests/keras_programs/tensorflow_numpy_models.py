"""After the keras.io recipe "Writing Keras Models With TensorFlow NumPy": a Model subclass
whose build makes its weights with add_weight (glorot_normal and zeros initializers, names
built in a loop) and whose call is written with tf.experimental.numpy (tnp.matmul,
tnp.maximum); a custom loss of tnp.mean and tnp.square; keras.backend.clear_session; a TNPDense
layer with a tnp activation in a Sequential, built with model.build((None, input_dim)) and
summarized; the same layers mixed with a Keras Dense; training under the default distribution
strategy's scope (tf.config.list_logical_devices, tf.distribute.get_strategy); and a
TensorBoard callback writing logs for three models. Every model reports the mean absolute
percentage error before and after training.

The Boston housing data are replaced by a regression of 13 features with the same 404 / 102
split; each model starts from weights drawn with NumPy (set_weights), so the errors before
training are Keras's to 1e-4; fewer epochs.
"""

import os

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

tnp = tf.experimental.numpy
rng = np.random.default_rng(113)
keras.utils.set_random_seed(113)
RESULT = {}

features = rng.uniform(0, 10, (506, 13)).astype("float32")
targets = (features @ rng.uniform(0.2, 1.0, 13) + 5).astype("float32")
(x_train, y_train), (x_test, y_test) = (features[:404], targets[:404]), (
    features[404:],
    targets[404:],
)
input_dim = x_train.shape[1]
errors = {}


def evaluate_model(model: keras.Model, name):
    model.set_weights(
        [rng.normal(0, 0.5, w.shape).astype("float32") for w in model.get_weights()]
    )
    loss, percent_error = model.evaluate(x_test, y_test, verbose=0)
    errors[f"{name}_loss_before"] = loss
    errors[f"{name}_error_before"] = percent_error
    model.fit(x_train, y_train, epochs=25, verbose=0)
    loss, percent_error = model.evaluate(x_test, y_test, verbose=0)
    errors[f"{name}_error_after"] = percent_error


class TNPForwardFeedRegressionNetwork(keras.Model):
    def __init__(self, blocks=None, **kwargs):
        super().__init__(**kwargs)
        if not isinstance(blocks, list):
            raise ValueError(f"blocks must be a list, got blocks={blocks}")
        self.blocks = blocks
        self.block_weights = None
        self.biases = None

    def build(self, input_shape):
        current_shape = input_shape[1]
        self.block_weights = []
        self.biases = []
        for i, block in enumerate(self.blocks):
            self.block_weights.append(
                self.add_weight(
                    shape=(current_shape, block),
                    trainable=True,
                    name=f"block-{i}",
                    initializer="glorot_normal",
                )
            )
            self.biases.append(
                self.add_weight(
                    shape=(block,),
                    trainable=True,
                    name=f"bias-{i}",
                    initializer="zeros",
                )
            )
            current_shape = block

        self.linear_layer = self.add_weight(
            shape=(current_shape, 1),
            name="linear_projector",
            trainable=True,
            initializer="glorot_normal",
        )

    def call(self, inputs):
        activations = inputs
        for w, b in zip(self.block_weights, self.biases):
            activations = tnp.matmul(activations, w) + b
            activations = tnp.maximum(activations, 0.0)

        return tnp.matmul(activations, self.linear_layer)


try:
    TNPForwardFeedRegressionNetwork(blocks=3)
    RESULT["bad_blocks_refused"] = 0.0
except ValueError:
    RESULT["bad_blocks_refused"] = 1.0

model = TNPForwardFeedRegressionNetwork(blocks=[3, 3])
model.compile(
    optimizer="adam",
    loss="mean_squared_error",
    metrics=[keras.metrics.MeanAbsolutePercentageError()],
)
model.build((None, input_dim))
RESULT["subclass_weights"] = float(len(model.weights))  # 2 blocks of (w, b) + projector
RESULT["subclass_params"] = float(model.count_params())  # 13*3 + 3 + 3*3 + 3 + 3
evaluate_model(model, "subclass")


def tnp_mse(y_true, y_pred):
    return tnp.mean(tnp.square(y_true - y_pred), axis=0)


keras.backend.clear_session()
model = TNPForwardFeedRegressionNetwork(blocks=[3, 3])
model.compile(
    optimizer="adam",
    loss=tnp_mse,
    metrics=[keras.metrics.MeanAbsolutePercentageError()],
)
model.build((None, input_dim))
evaluate_model(model, "tnp_loss")


def tnp_relu(x):
    return tnp.maximum(x, 0)


class TNPDense(keras.layers.Layer):
    def __init__(self, units, activation=None):
        super().__init__()
        self.units = units
        self.activation = activation

    def build(self, input_shape):
        self.w = self.add_weight(
            name="weights",
            shape=(input_shape[1], self.units),
            initializer="random_normal",
            trainable=True,
        )
        self.bias = self.add_weight(
            name="bias",
            shape=(self.units,),
            initializer="zeros",
            trainable=True,
        )

    def call(self, inputs):
        outputs = tnp.matmul(inputs, self.w) + self.bias
        if self.activation:
            return self.activation(outputs)
        return outputs


def create_layered_tnp_model():
    return keras.Sequential(
        [
            TNPDense(3, activation=tnp_relu),
            TNPDense(3, activation=tnp_relu),
            TNPDense(1),
        ]
    )


summary_lines = []
model = create_layered_tnp_model()
model.compile(
    optimizer="adam",
    loss="mean_squared_error",
    metrics=[keras.metrics.MeanAbsolutePercentageError()],
)
model.build((None, input_dim))
model.summary(print_fn=lambda line, **kwargs: summary_lines.append(line))
RESULT["summary_names_tnp_dense"] = float("TNPDense" in "\n".join(summary_lines))
RESULT["layered_output_shape"] = float(model.output_shape[-1])
evaluate_model(model, "layered")


def create_mixed_model():
    return keras.Sequential(
        [
            TNPDense(3, activation=tnp_relu),
            layers.Dense(3, activation="relu"),
            TNPDense(1),
        ]
    )


model = create_mixed_model()
model.compile(
    optimizer="adam",
    loss="mean_squared_error",
    metrics=[keras.metrics.MeanAbsolutePercentageError()],
)
model.build((None, input_dim))
RESULT["mixed_params"] = float(model.count_params())  # 13*3 + 3 + 3*3 + 3 + 3 + 1
evaluate_model(model, "mixed")

gpus = tf.config.list_logical_devices("GPU")
if gpus:
    strategy = tf.distribute.MirroredStrategy(gpus)
else:
    strategy = tf.distribute.get_strategy()
RESULT["replicas"] = float(strategy.num_replicas_in_sync)

with strategy.scope():
    model = create_layered_tnp_model()
    model.compile(
        optimizer="adam",
        loss="mean_squared_error",
        metrics=[keras.metrics.MeanAbsolutePercentageError()],
    )
    model.build((None, input_dim))
    evaluate_model(model, "strategy")

keras.backend.clear_session()

models = [
    (
        TNPForwardFeedRegressionNetwork(blocks=[3, 3]),
        "TNPForwardFeedRegressionNetwork",
    ),
    (create_layered_tnp_model(), "layered_tnp_model"),
    (create_mixed_model(), "mixed_model"),
]
for model, model_name in models:
    model.compile(
        optimizer="adam",
        loss="mean_squared_error",
        metrics=[keras.metrics.MeanAbsolutePercentageError()],
    )
    history = model.fit(
        x_train,
        y_train,
        epochs=3,
        verbose=0,
        callbacks=[keras.callbacks.TensorBoard(log_dir=f"logs/{model_name}")],
    )
    RESULT[f"{model_name}_epochs"] = float(len(history.epoch))
RESULT["log_dirs"] = float(sum(
    os.path.isdir(os.path.join("logs", name)) for _, name in models
))

RESULT.update({key: float(value) for key, value in errors.items()})
print(RESULT)
