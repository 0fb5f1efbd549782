"""The guide "Training & evaluation with the built-in methods", its tf.data parts: fit() on a
Dataset of (x, y) batches with validation_data a Dataset, a Dataset that repeats forever with
steps_per_epoch, a Dataset of (x, y, sample_weight), and evaluate() and predict() on
Datasets. (A Dataset of dicts keyed by input and output names is
tf_data_named_outputs.py.)

Batches are not shuffled and the weights start from a fixed NumPy draw, so fit() on a Dataset
must give the numbers of fit() on the same arrays with the same batch size.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

keras.utils.set_random_seed(89)
rng = np.random.default_rng(89)
RESULT = {}
x = rng.normal(size=(256, 10)).astype("float32")
y = np.argmax(x[:, :3], axis=1)
sw = np.where(y == 2, 2.0, 1.0).astype("float32")
x_val, y_val = x[192:], y[192:]
x_train, y_train, sw_train = x[:192], y[:192], sw[:192]


def get_compiled_model():
    inputs = keras.Input(shape=(10,), name="digits")
    hidden = layers.Dense(16, activation="relu", name="dense_1")(inputs)
    outputs = layers.Dense(3, activation="softmax", name="predictions")(hidden)
    model = keras.Model(inputs=inputs, outputs=outputs)
    draw = np.random.default_rng(4)
    model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])
    model.compile(optimizer=keras.optimizers.RMSprop(learning_rate=1e-2),
                  loss=keras.losses.SparseCategoricalCrossentropy(),
                  metrics=[keras.metrics.SparseCategoricalAccuracy()])
    return model


train_dataset = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32)
val_dataset = tf.data.Dataset.from_tensor_slices((x_val, y_val)).batch(32)
model = get_compiled_model()
history = model.fit(train_dataset, epochs=3, validation_data=val_dataset, verbose=0)
arrays = get_compiled_model()
reference = arrays.fit(x_train, y_train, batch_size=32, epochs=3, shuffle=False,
                       validation_data=(x_val, y_val), verbose=0)
RESULT["dataset_gap"] = float(max(abs(a - b) for key in ("loss", "val_loss")
                                  for a, b in zip(history.history[key],
                                                  reference.history[key])))
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["val_accuracy"] = float(history.history["val_sparse_categorical_accuracy"][-1])
result = model.evaluate(val_dataset, verbose=0, return_dict=True)
RESULT["evaluate_gap"] = abs(result["loss"] - history.history["val_loss"][-1])
RESULT["predict_rows"] = float(model.predict(val_dataset, verbose=0).shape[0])

# A dataset that repeats forever: steps_per_epoch says where an epoch ends.
repeating = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32).repeat()
model = get_compiled_model()
history = model.fit(repeating, epochs=2, steps_per_epoch=3, verbose=0)
RESULT["repeat_iterations"] = float(keras.ops.convert_to_numpy(model.optimizer.iterations))

# (x, y, sample_weight) in the dataset, against sample_weight= with arrays.
weighted = tf.data.Dataset.from_tensor_slices((x_train, y_train, sw_train)).batch(32)
model = get_compiled_model()
history = model.fit(weighted, epochs=2, verbose=0)
arrays = get_compiled_model()
reference = arrays.fit(x_train, y_train, sample_weight=sw_train, batch_size=32, epochs=2,
                       shuffle=False, verbose=0)
RESULT["weighted_gap"] = float(max(abs(a - b) for a, b in zip(history.history["loss"],
                                                              reference.history["loss"])))

print(RESULT)
