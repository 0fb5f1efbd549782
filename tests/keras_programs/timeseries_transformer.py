"""After the keras.io example "Timeseries classification with a Transformer model": univariate
series as (samples, timesteps, 1), transformer encoder blocks built with the functional API
(MultiHeadAttention, Dropout, LayerNormalization, a residual sum of KerasTensors written with
``+``, a feed-forward part of two Conv1D with kernel_size=1), GlobalAveragePooling1D with
data_format="channels_first" (an average over the features, one per time step), a ReLU MLP head
and a softmax, trained with Adam on sparse categorical cross-entropy, validation_split=0.2 and
EarlyStopping(restore_best_weights=True), then evaluated.

The example's dropout rates are 0 here (the function's defaults), so the weights, drawn from
NumPy, follow Keras's loss trajectory on unshuffled batches.
"""

import numpy as np

import numnet as keras
from numnet import layers

rng = np.random.default_rng(17)
n, timesteps = 300, 24
t = np.linspace(0.0, 1.0, timesteps)
y_all = rng.integers(0, 2, n)
frequency = np.where(y_all == 1, 5.0, 2.0)[:, None]
x_all = np.sin(2 * np.pi * frequency * t + rng.uniform(0, 2 * np.pi, (n, 1)))
x_all = (x_all + rng.normal(0.0, 0.3, x_all.shape)).astype("float32")
x_train, y_train = x_all[:240], y_all[:240]
x_test, y_test = x_all[240:], y_all[240:]

x_train = x_train.reshape((x_train.shape[0], x_train.shape[1], 1))
x_test = x_test.reshape((x_test.shape[0], x_test.shape[1], 1))

n_classes = len(np.unique(y_train))


def transformer_encoder(inputs, head_size, num_heads, ff_dim, dropout=0):
    # Attention and Normalization
    x = layers.MultiHeadAttention(
        key_dim=head_size, num_heads=num_heads, dropout=dropout
    )(inputs, inputs)
    x = layers.Dropout(dropout)(x)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    res = x + inputs

    # Feed Forward Part
    x = layers.Conv1D(filters=ff_dim, kernel_size=1, activation="relu")(res)
    x = layers.Dropout(dropout)(x)
    x = layers.Conv1D(filters=inputs.shape[-1], kernel_size=1)(x)
    x = layers.LayerNormalization(epsilon=1e-6)(x)
    return x + res


def build_model(
    input_shape,
    head_size,
    num_heads,
    ff_dim,
    num_transformer_blocks,
    mlp_units,
    dropout=0,
    mlp_dropout=0,
):
    inputs = keras.Input(shape=input_shape)
    x = inputs
    for _ in range(num_transformer_blocks):
        x = transformer_encoder(x, head_size, num_heads, ff_dim, dropout)

    x = layers.GlobalAveragePooling1D(data_format="channels_first")(x)
    for dim in mlp_units:
        x = layers.Dense(dim, activation="relu")(x)
        x = layers.Dropout(mlp_dropout)(x)
    outputs = layers.Dense(n_classes, activation="softmax")(x)
    return keras.Model(inputs, outputs)


input_shape = x_train.shape[1:]

model = build_model(
    input_shape,
    head_size=8,
    num_heads=2,
    ff_dim=4,
    num_transformer_blocks=2,
    mlp_units=[16],
)
draw = np.random.default_rng(2)
model.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32") if w.ndim > 1 else w
                   for w in model.get_weights()])
pooled_width = model.layers[-4].output.shape[-1]

model.compile(
    loss="sparse_categorical_crossentropy",
    optimizer=keras.optimizers.Adam(learning_rate=3e-3),
    metrics=["sparse_categorical_accuracy"],
)

callbacks = [keras.callbacks.EarlyStopping(patience=3, restore_best_weights=True)]

history = model.fit(
    x_train,
    y_train,
    validation_split=0.2,
    epochs=8,
    batch_size=32,
    shuffle=False,
    callbacks=callbacks,
    verbose=0,
)

test_loss, test_accuracy = model.evaluate(x_test, y_test, verbose=0)
best_epoch = int(np.argmin(history.history["val_loss"]))

RESULT = {"test_loss": float(test_loss), "test_accuracy": float(test_accuracy),
          "pooled_width": float(pooled_width), "params": float(model.count_params()),
          "epochs_run": float(len(history.history["loss"])),
          "best_val_loss": float(history.history["val_loss"][best_epoch])}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
print(RESULT)
