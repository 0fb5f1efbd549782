"""Activity regularization with add_loss() in a custom layer.

The penalty the layer adds is part of the loss that fit minimises and evaluate reports:
on one batch, evaluate's loss is the cross-entropy plus the penalty, computed here by hand.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class ActivityRegularization(layers.Layer):
    """Adds rate * mean(square(inputs)) to the model's losses; passes its inputs through."""

    def __init__(self, rate=1e-2, **kwargs):
        super().__init__(**kwargs)
        self.rate = rate

    def call(self, inputs):
        self.add_loss(self.rate * ops.mean(ops.square(inputs)))
        return inputs


rng = np.random.default_rng(8)
x = rng.normal(size=(400, 5)).astype("float32")
y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype("float32")[:, None]

inputs = keras.Input(shape=(5,))
hidden = layers.Dense(16, activation="relu")(inputs)
hidden = ActivityRegularization(rate=0.5)(hidden)
outputs = layers.Dense(1, activation="sigmoid")(hidden)
model = keras.Model(inputs, outputs)
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32") for w in model.get_weights()])

model(x[:4])
assert len(model.losses) == 1, model.losses

model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy",
              metrics=["accuracy"])
history = model.fit(x, y, batch_size=50, epochs=6, shuffle=False, verbose=0)
eval_loss, accuracy = model.evaluate(x, y, batch_size=len(x), verbose=0)

hidden_model = keras.Model(inputs, model.layers[2].output)
activations = hidden_model.predict(x, verbose=0)
probabilities = np.clip(model.predict(x, verbose=0), 1e-7, 1 - 1e-7)
bce = -np.mean(y * np.log(probabilities) + (1 - y) * np.log(1 - probabilities))
penalty = 0.5 * np.mean(np.square(activations))

RESULT = {
    "accuracy": float(accuracy),
    "penalty": float(penalty),
    "loss_gap": abs(float(eval_loss) - float(bce + penalty)),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
