"""Answers of the Keras FAQ, run: reproducible results with keras.utils.set_random_seed (the
same initial weights and the same Dropout masks twice); how validation_split is computed (the
last rows, before any shuffling: the validation loss of an epoch that does not move the
weights is the evaluation of those rows); layers found by name and index; freezing layers
(trainable=False, then compile; their weights do not move, a frozen BatchNormalization runs
in inference mode even when called with training=True); Sequential.pop; a model's config
back into a new model.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(71)
RESULT = {}

x = rng.normal(size=(200, 6)).astype("float32")
y = (x[:, :1] * 2.0 - x[:, 1:2] + 0.1 * rng.normal(size=(200, 1))).astype("float32")


def make():
    return keras.Sequential([
        keras.Input((6,)),
        layers.Dense(16, activation="relu", name="hidden"),
        layers.Dropout(0.3, name="drop"),
        layers.BatchNormalization(name="norm"),
        layers.Dense(1, name="out"),
    ])


keras.utils.set_random_seed(7)
first = make()
first.compile(optimizer="adam", loss="mse")
first_loss = first.fit(x, y, batch_size=20, epochs=2, verbose=0).history["loss"]
keras.utils.set_random_seed(7)
third = make()
third.compile(optimizer="adam", loss="mse")
third_loss = third.fit(x, y, batch_size=20, epochs=2, verbose=0).history["loss"]
RESULT["reproducible_losses"] = float(first_loss == third_loss)
RESULT["reproducible_weights"] = float(all(
    np.array_equal(a, b) for a, b in zip(first.get_weights(), third.get_weights(),
                                         strict=True)))

model = make()
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
history = model.fit(x, y, batch_size=20, epochs=1, validation_split=0.25, shuffle=True,
                    verbose=0)
RESULT["val_loss_frozen_sgd"] = history.history["val_loss"][0]
RESULT["last_rows_loss"] = float(model.evaluate(x[150:], y[150:], verbose=0))
RESULT["first_rows_loss"] = float(model.evaluate(x[:50], y[:50], verbose=0))

RESULT["by_name_is_by_index"] = float(model.get_layer("hidden") is model.get_layer(index=0))
RESULT["layers"] = float(len(model.layers))

model = make()
model.set_weights([rng.normal(0.0, 0.4, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
model.get_layer("hidden").trainable = False
model.get_layer("norm").trainable = False
model.compile(optimizer="adam", loss="mse")
RESULT["trainable_weights"] = float(len(model.trainable_weights))  # out's kernel and bias
RESULT["non_trainable_weights"] = float(len(model.non_trainable_weights))  # 2 + 4
frozen = [w.copy() for w in model.get_layer("hidden").get_weights()]
statistics = [w.copy() for w in model.get_layer("norm").get_weights()]
history = model.fit(x, y, batch_size=20, epochs=3, shuffle=False, verbose=0)
RESULT["frozen_change"] = float(max(np.max(np.abs(a - b)) for a, b in zip(
    frozen, model.get_layer("hidden").get_weights(), strict=True)))
RESULT["frozen_statistics_change"] = float(max(np.max(np.abs(a - b)) for a, b in zip(
    statistics, model.get_layer("norm").get_weights(), strict=True)))
for epoch, loss in enumerate(history.history["loss"]):
    RESULT[f"frozen_loss_{epoch}"] = loss
norm = model.get_layer("norm")
batch = x[:20] @ model.get_layer("hidden").get_weights()[0]
RESULT["frozen_norm_training_gap"] = float(np.max(np.abs(
    keras.ops.convert_to_numpy(norm(batch, training=True))
    - keras.ops.convert_to_numpy(norm(batch, training=False)))))

model.get_layer("hidden").trainable = True
model.compile(optimizer="adam", loss="mse")
RESULT["unfrozen_trainable_weights"] = float(len(model.trainable_weights))
model.fit(x, y, batch_size=20, epochs=1, shuffle=False, verbose=0)
RESULT["unfrozen_change"] = float(max(np.max(np.abs(a - b)) for a, b in zip(
    frozen, model.get_layer("hidden").get_weights(), strict=True)))

model.pop()
RESULT["popped_layers"] = float(len(model.layers))
RESULT["popped_output_width"] = float(model.output_shape[-1])

config = model.get_config()
rebuilt = keras.Sequential.from_config(config)
rebuilt.set_weights(model.get_weights())
RESULT["rebuilt_gap"] = float(np.max(np.abs(rebuilt.predict(x[:8], verbose=0)
                                            - model.predict(x[:8], verbose=0))))
print(RESULT)
