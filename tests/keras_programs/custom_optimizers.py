"""Optimizers of one's own, as Keras 3 writes them: the keras.io example "Gradient
Centralization for Better Training Performance" (an RMSprop subclass that centres every
gradient of rank > 1 on its mean before the update, by overriding apply), and an optimizer
written from the base class (build() making slots with add_variable_from_reference,
update_step() updating them with assign / assign_add / assign_sub, get_config() for
serialization), registered and rebuilt from its config.

Both train the same small classifier from a fixed NumPy draw on unshuffled batches, so the
losses per epoch are Keras's to rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class GCRMSprop(keras.optimizers.RMSprop):
    """RMSprop on gradients centred on their mean over every axis but the last."""

    def apply(self, grads, trainable_variables=None):
        centred = []
        for grad in grads:
            rank = len(grad.shape)
            if rank > 1:
                axis = list(range(rank - 1))
                grad = grad - ops.mean(grad, axis=axis, keepdims=True)
            centred.append(grad)
        return super().apply(centred, trainable_variables)


@keras.saving.register_keras_serializable(package="programs")
class MomentumSign(keras.optimizers.Optimizer):
    """w -= lr * sign(m), with m = beta * m + (1 - beta) * g (signSGD with momentum)."""

    def __init__(self, learning_rate=0.01, beta=0.9, name="momentum_sign", **kwargs):
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.beta = beta

    def build(self, variables):
        if self.built:
            return
        super().build(variables)
        self.momentums = [
            self.add_variable_from_reference(variable, "momentum") for variable in variables
        ]

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        m = self.momentums[self._get_variable_index(variable)]
        self.assign(m, self.beta * m)
        self.assign_add(m, (1 - self.beta) * gradient)
        self.assign_sub(variable, learning_rate * ops.sign(m))

    def get_config(self):
        config = super().get_config()
        config.update({"beta": self.beta})
        return config


rng = np.random.default_rng(8)
n = 320
x = rng.normal(0.0, 1.0, (n, 6)).astype("float32")
logits = x @ rng.normal(0.0, 1.0, (6, 3))
y = np.argmax(logits + rng.normal(0.0, 0.5, logits.shape), axis=1)
start = None


def make_model():
    global start
    model = keras.Sequential(
        [
            keras.Input(shape=(6,)),
            layers.Dense(16, activation="relu"),
            layers.Dense(16, activation="relu"),
            layers.Dense(3, activation="softmax"),
        ]
    )
    if start is None:
        start = [rng.normal(0.0, 0.4, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(start)
    return model


RESULT = {}
for tag, optimizer in (
    ("rmsprop", keras.optimizers.RMSprop(learning_rate=0.01)),
    ("gc", GCRMSprop(learning_rate=0.01)),
    ("sign", MomentumSign(learning_rate=0.005, beta=0.8)),
):
    model = make_model()
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=5, shuffle=False, verbose=0)
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"{tag}_loss_{epoch}"] = float(value)
    RESULT[f"{tag}_accuracy"] = float(history.history["accuracy"][-1])
    RESULT[f"{tag}_iterations"] = float(ops.convert_to_numpy(optimizer.iterations))
    if tag == "gc":
        kernel = model.layers[0].kernel
        RESULT["gc_kernel_sum"] = float(np.sum(ops.convert_to_numpy(kernel)))

# With rho=0 RMSprop steps by lr * sign(g): the centred columns [-2, 0, 2] and [-3, -1, 4].
gc_probe = GCRMSprop(learning_rate=0.1, rho=0.0, epsilon=1e-7)
probe = keras.Variable(np.zeros((3, 2), "float32"))
gc_probe.apply([ops.convert_to_tensor(np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 9.0]],
                                                "float32"))], [probe])
RESULT["gc_probe_column_sum"] = float(np.abs(ops.convert_to_numpy(probe).sum(axis=0)).max())

# The hand-written optimizer's config, through Keras's registry and back.
config = keras.optimizers.serialize(optimizer)
rebuilt = keras.optimizers.deserialize(config)
RESULT["rebuilt_beta"] = float(rebuilt.beta)
RESULT["rebuilt_learning_rate"] = float(ops.convert_to_numpy(rebuilt.learning_rate))
RESULT["rebuilt_class_matches"] = float(type(rebuilt).__name__ == "MomentumSign")
print(RESULT)
