"""A model saved to a .keras file in the middle of training and loaded back, from the guide
"Save, serialize, and export models": the file holds the optimizer's state (its iteration
count and Adam's moments), so the loaded model's next epoch is the original's next epoch.

Keras writes the state and reads it back; the loss of the next epoch must match.
"""

import numpy as np

import numnet as keras
from numnet import ops

keras.utils.set_random_seed(43)
rng = np.random.default_rng(43)
x = rng.normal(size=(64, 6)).astype("float32")
targets = rng.normal(size=(64, 3)).astype("float32")
RESULT = {}

inputs = keras.Input(shape=(6,), name="digits")
h = keras.layers.Dense(16, activation="relu", name="dense_1")(inputs)
outputs = keras.layers.Dense(3, name="predictions")(h)
model = keras.Model(inputs=inputs, outputs=outputs)
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
model.fit(x, targets, epochs=2, batch_size=16, shuffle=False, verbose=0)
model.save("mlp.keras")
restored = keras.models.load_model("mlp.keras")
RESULT["loaded_iterations"] = float(ops.convert_to_numpy(restored.optimizer.iterations))
first = model.fit(x, targets, epochs=1, batch_size=16, shuffle=False, verbose=0)
second = restored.fit(x, targets, epochs=1, batch_size=16, shuffle=False, verbose=0)
RESULT["loss_2"] = float(first.history["loss"][0])
RESULT["resumed_loss_gap"] = abs(first.history["loss"][0] - second.history["loss"][0])
RESULT["restored_iterations"] = float(ops.convert_to_numpy(restored.optimizer.iterations))
print(RESULT)
