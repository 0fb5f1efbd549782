"""Transfer learning and fine-tuning.

A base model (with BatchNormalization) is trained on one task, frozen with
``base.trainable = False`` and given a new head for a related task; then it is unfrozen and
the whole model fine-tuned with a low learning rate. While the base is frozen, none of its
weights change, its BatchNormalization's moving statistics included (a frozen BatchNormalization
runs in inference mode). Fine-tuning then moves the base's kernels a little.

The base is called with training=False, as the transfer-learning guide does. Keras 3.15 lets
fit's training=True through that nested call of a functional model, so in the fine-tuning phase
its BatchNormalization updates its statistics; the guide says it stays in inference mode. The
statistics are therefore compared only over the frozen phase.
"""

import numpy as np

import numnet as keras
from numnet import layers

keras.utils.set_random_seed(11)
rng = np.random.default_rng(11)
projection = rng.normal(size=(10, 2))
x_source = rng.normal(1.0, 2.0, size=(1200, 10)).astype("float32")
y_source = (x_source @ projection[:, 0] > 0).astype("float32")[:, None]
x_target = rng.normal(1.0, 2.0, size=(600, 10)).astype("float32")
y_target = (x_target @ projection[:, 0] + 0.5 * x_target @ projection[:, 1] > 0)
y_target = y_target.astype("float32")[:, None]

base_model = keras.Sequential(
    [
        keras.Input(shape=(10,)),
        layers.Dense(32),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Dense(16, activation="relu"),
    ],
    name="base",
)
source_model = keras.Sequential([base_model, layers.Dense(1, activation="sigmoid")])
source_model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
source_model.fit(x_source, y_source, batch_size=32, epochs=4, verbose=0)

base_model.trainable = False
inputs = keras.Input(shape=(10,))
x = base_model(inputs, training=False)
x = layers.Dropout(0.2)(x)
outputs = layers.Dense(1, activation="sigmoid")(x)
model = keras.Model(inputs, outputs)
assert len(model.trainable_weights) == 2, model.trainable_weights

before = [w.copy() for w in base_model.get_weights()]
batch_norm = base_model.layers[1]
moving_before = [np.array(batch_norm.moving_mean), np.array(batch_norm.moving_variance)]
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-2), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(x_target[:400], y_target[:400], batch_size=32, epochs=5, verbose=0)
frozen_change = max(float(np.max(np.abs(a - b))) for a, b in
                    zip(before, base_model.get_weights()))
_, frozen_accuracy = model.evaluate(x_target[400:], y_target[400:], verbose=0)

moving_change = max(
    float(np.max(np.abs(moving_before[0] - np.array(batch_norm.moving_mean)))),
    float(np.max(np.abs(moving_before[1] - np.array(batch_norm.moving_variance)))),
)
kernel_before = np.array(base_model.layers[0].kernel)
base_model.trainable = True
model.compile(optimizer=keras.optimizers.Adam(learning_rate=1e-4), loss="binary_crossentropy",
              metrics=["accuracy"])
model.fit(x_target[:400], y_target[:400], batch_size=32, epochs=3, verbose=0)
kernel_change = float(np.max(np.abs(kernel_before - np.array(base_model.layers[0].kernel))))
_, tuned_accuracy = model.evaluate(x_target[400:], y_target[400:], verbose=0)

RESULT = {
    "frozen_change": frozen_change,
    "frozen_accuracy": float(frozen_accuracy),
    "frozen_moving_stats_change": moving_change,
    "fine_tune_kernel_change": kernel_change,
    "tuned_accuracy": float(tuned_accuracy),
}
print(RESULT)
