"""An endpoint layer: it takes the targets as an input, adds its loss with add_loss(), and
returns predictions; the model is compiled without a loss and fit on a dict of inputs.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class LogisticEndpoint(layers.Layer):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.loss_fn = keras.losses.BinaryCrossentropy(from_logits=True)

    def call(self, targets, logits, sample_weights=None):
        loss = self.loss_fn(targets, logits, sample_weights)
        self.add_loss(loss)
        return ops.sigmoid(logits)


keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)
features = rng.normal(size=(600, 3)).astype("float32")
mixing = rng.normal(size=(3, 10)).astype("float32")
labels = (features @ mixing > 0).astype("float32")

inputs = keras.Input(shape=(3,), name="inputs")
targets = keras.Input(shape=(10,), name="targets")
logits = layers.Dense(10)(inputs)
predictions = LogisticEndpoint(name="predictions")(targets, logits)
model = keras.Model(inputs=[inputs, targets], outputs=predictions)
model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.05))

data = {"inputs": features, "targets": labels}
history = model.fit(data, batch_size=32, epochs=5, verbose=0)
probabilities = model.predict(data, verbose=0)
accuracy = float(np.mean((probabilities > 0.5) == (labels > 0.5)))

RESULT = {
    "accuracy": accuracy,
    "final_loss": float(history.history["loss"][-1]),
    "loss_ratio": history.history["loss"][-1] / history.history["loss"][0],
}
print(RESULT)
