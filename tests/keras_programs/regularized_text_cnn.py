"""A 1D convnet over word ids with the regularization Keras offers per layer: an L2 kernel
regularizer, an L1 activity regularizer and a MaxNorm kernel constraint; the loss is a focal
loss written as a function of keras.ops, and fit() gets per-sample weights and
validation_split.

The weights start from a fixed NumPy draw and training is SGD on unshuffled batches, so the
loss per epoch (penalties included) and the validation loss are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


def focal_loss(y_true, y_pred, gamma=2.0):
    y_pred = ops.clip(y_pred, 1e-7, 1.0 - 1e-7)
    p_t = ops.where(ops.equal(y_true, 1.0), y_pred, 1.0 - y_pred)
    return ops.mean(-ops.power(1.0 - p_t, gamma) * ops.log(p_t), axis=-1)


rng = np.random.default_rng(28)
vocab, length, n = 50, 20, 800
texts = rng.integers(1, vocab, size=(n, length))
positive_bigram = (texts[:, :-1] == 7) & (texts[:, 1:] == 8)
labels = rng.integers(0, 2, n)
for row in np.flatnonzero(labels):
    start = rng.integers(0, length - 1)
    texts[row, start:start + 2] = (7, 8)
labels = (labels | positive_bigram.any(axis=1)).astype("float32")[:, None]
sample_weight = np.where(labels[:, 0] > 0, 1.0, 2.0).astype("float32")

model = keras.Sequential(
    [
        keras.Input(shape=(length,), dtype="int32"),
        layers.Embedding(vocab, 8),
        layers.Conv1D(16, 2, activation="relu",
                      kernel_regularizer=keras.regularizers.L2(1e-3)),
        layers.GlobalMaxPooling1D(),
        layers.Dense(8, activation="relu", activity_regularizer=keras.regularizers.L1(1e-3),
                     kernel_constraint=keras.constraints.MaxNorm(1.5)),
        layers.Dense(1, activation="sigmoid"),
    ]
)
model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()])
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.2, momentum=0.9),
              loss=focal_loss, metrics=["accuracy"])
history = model.fit(texts, labels, sample_weight=sample_weight, validation_split=0.2,
                    batch_size=32, epochs=6, shuffle=False, verbose=0)
kernel_norms = np.sqrt(np.sum(np.square(model.layers[3].get_weights()[0]), axis=0))

RESULT = {
    "val_accuracy": float(history.history["val_accuracy"][-1]),
    "val_loss": float(history.history["val_loss"][-1]),
    "max_kernel_norm": float(np.max(kernel_norms)),
    "params": float(model.count_params()),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
