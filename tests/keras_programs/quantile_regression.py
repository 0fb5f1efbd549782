"""After the keras.io examples on probabilistic and quantile regression: a custom loss
function (the pinball loss for several quantiles at once, written with keras.ops), a model with
one output per quantile trained with it, the coverage of the predicted interval checked on held
out rows, and a Loss subclass with get_config passed to compile.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

rng = np.random.default_rng(19)
n = 800
x = rng.uniform(-1.0, 1.0, (n, 1)).astype("float32")
noise_scale = 0.1 + 0.4 * (x[:, 0] + 1.0) / 2.0
y = (np.sin(2.5 * x[:, 0]) + rng.normal(0.0, 1.0, n) * noise_scale).astype("float32")
x_train, y_train, x_test, y_test = x[:600], y[:600], x[600:], y[600:]

quantiles = [0.1, 0.5, 0.9]


def quantile_loss(y_true, y_pred):
    y_true = ops.expand_dims(ops.convert_to_tensor(y_true), -1)
    q = ops.convert_to_tensor(np.array(quantiles, dtype="float32"))
    error = y_true - y_pred
    return ops.mean(ops.maximum(q * error, (q - 1.0) * error), axis=-1)


class PinballLoss(keras.losses.Loss):
    def __init__(self, quantile=0.5, name="pinball"):
        super().__init__(name=name)
        self.quantile = quantile

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        return ops.mean(ops.maximum(self.quantile * error, (self.quantile - 1.0) * error),
                        axis=-1)

    def get_config(self):
        return {"quantile": self.quantile, "name": self.name}


def build_model(outputs):
    inputs = keras.Input(shape=(1,))
    features = layers.Dense(16, activation="tanh")(inputs)
    features = layers.Dense(16, activation="tanh")(features)
    return keras.Model(inputs, layers.Dense(outputs)(features))


model = build_model(len(quantiles))
draw = np.random.default_rng(6)
model.set_weights([draw.normal(0.0, 0.5, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss=quantile_loss)
history = model.fit(x_train, y_train, batch_size=50, epochs=30, shuffle=False, verbose=0)
predicted = model.predict(x_test, verbose=0)
inside = (y_test >= predicted[:, 0]) & (y_test <= predicted[:, 2])
low_half = x_test[:, 0] < 0

median_model = build_model(1)
median_model.set_weights([draw.normal(0.0, 0.5, w.shape).astype("float32") if w.ndim > 1
                          else w for w in median_model.get_weights()])
loss_object = PinballLoss(quantile=0.5)
median_model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.02), loss=loss_object)
median_history = median_model.fit(x_train, y_train[:, None], batch_size=50, epochs=10,
                                  shuffle=False, verbose=0)
restored = PinballLoss.from_config(loss_object.get_config())
by_hand = 0.5 * np.mean(np.abs(y_test - median_model.predict(x_test, verbose=0)[:, 0]))

RESULT = {
    "coverage": float(np.mean(inside)),
    "width_narrow": float(np.mean((predicted[:, 2] - predicted[:, 0])[low_half])),
    "width_wide": float(np.mean((predicted[:, 2] - predicted[:, 0])[~low_half])),
    "ordered": float(np.mean((predicted[:, 0] <= predicted[:, 1])
                             & (predicted[:, 1] <= predicted[:, 2]))),
    "median_test_loss": float(median_model.evaluate(x_test, y_test[:, None], verbose=0)),
    "median_by_hand": float(by_hand),
    "restored_quantile": float(restored.quantile),
}
for epoch, value in enumerate(history.history["loss"][:6]):
    RESULT[f"loss_{epoch}"] = float(value)
for epoch, value in enumerate(median_history.history["loss"][:6]):
    RESULT[f"median_loss_{epoch}"] = float(value)
print(RESULT)
