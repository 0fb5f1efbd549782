"""A functional model that does arithmetic on its symbolic tensors: an in-place residual
(``x += inputs``), slicing (``x[:, :2]``), a comparison (``ops.greater``) cast to floats, and
``ops.concatenate``.

The weights start from a fixed NumPy draw and training is plain SGD over unshuffled batches,
so the loss per epoch is Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

rng = np.random.default_rng(6)
x = rng.normal(size=(512, 8)).astype("float32")
y = ((x[:, 0] > 0) ^ (x[:, 1] > 0.5)).astype("float32")[:, None]

inputs = keras.Input(shape=(8,))
x_hidden = layers.Dense(8, activation="relu")(inputs)
x_hidden += inputs
head = x_hidden[:, :2]
flags = ops.cast(ops.greater(inputs[:, :2], ops.convert_to_tensor([0.0, 0.5])), "float32")
features = ops.concatenate([x_hidden, head, flags], axis=-1)
features = layers.Dense(16, activation="relu")(features)
outputs = layers.Dense(1, activation="sigmoid")(features)
model = keras.Model(inputs, outputs)

assert tuple(model.output_shape) == (None, 1)
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.2, momentum=0.9),
    loss="binary_crossentropy",
    metrics=["accuracy"],
)
history = model.fit(x, y, batch_size=32, epochs=6, shuffle=False, verbose=0)
loss, accuracy = model.evaluate(x, y, verbose=0)

RESULT = {"accuracy": float(accuracy), "eval_loss": float(loss)}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
