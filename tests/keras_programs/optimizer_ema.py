"""An optimizer that keeps a moving average of the weights (use_ema=True, as the optimizers'
documentation describes): at the end of fit() Keras replaces the model's weights by their
moving average (finalize_variable_values), so the weights evaluated after training are the
averaged ones. A second model trained with ema_overwrite_frequency copies the average into the
weights every 4 steps as well.

Weights start from a fixed NumPy draw and batches are not shuffled, so each number is Keras's.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(79)
rng = np.random.default_rng(79)
x = rng.normal(size=(128, 5)).astype("float32")
y = (np.sin(x[:, :2]) + 0.1 * rng.normal(size=(128, 2))).astype("float32")
RESULT = {}

for name, kwargs in (("ema", {}), ("overwrite", {"ema_overwrite_frequency": 4})):
    model = keras.Sequential([keras.Input((5,)), layers.Dense(8, activation="tanh"),
                              layers.Dense(2)])
    model.set_weights([np.random.default_rng(2).normal(0.0, 0.5, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.Adam(0.02, use_ema=True, ema_momentum=0.9,
                                                  **kwargs), loss="mse")
    history = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
    RESULT[f"{name}_loss_2"] = float(history.history["loss"][-1])
    RESULT[f"{name}_weight_sum"] = float(sum(np.abs(w).sum() for w in model.get_weights()))
    RESULT[f"{name}_eval_loss"] = float(model.evaluate(x, y, verbose=0))
print(RESULT)
