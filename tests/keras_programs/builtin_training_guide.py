"""The guide "Training & evaluation with the built-in methods", its parts in order: a
classifier trained with validation_split; a loss function, a Loss subclass with its own
constructor argument and a Metric subclass (update_state, result, reset_state); class_weight
and sample_weight in fit(); a model with two inputs and two outputs, compiled with lists and
with dicts of losses, metrics and loss_weights, and with a loss (None) left out for one.

Weights start from a fixed NumPy draw and batches are not shuffled, so every loss is Keras's
to float32 rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(7)
rng = np.random.default_rng(7)
RESULT = {}


def draw(model):
    model.set_weights([rng.normal(0.0, 0.3, w.shape).astype("float32")
                       for w in model.get_weights()])


def get_uncompiled_model():
    inputs = keras.Input(shape=(12,), name="digits")
    x = layers.Dense(16, activation="relu", name="dense_1")(inputs)
    x = layers.Dense(16, activation="relu", name="dense_2")(x)
    outputs = layers.Dense(4, activation="softmax", name="predictions")(x)
    return keras.Model(inputs=inputs, outputs=outputs)


n = 640
x_data = rng.normal(size=(n, 12)).astype("float32")
y_data = (np.argmax(x_data[:, :4] + 0.5 * x_data[:, 4:8], axis=1)).astype("int64")
y_onehot = ops.convert_to_numpy(ops.one_hot(y_data, 4))

# validation_split holds out the last 20% of the arrays.
model = get_uncompiled_model()
draw(model)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
              loss=keras.losses.SparseCategoricalCrossentropy(),
              metrics=[keras.metrics.SparseCategoricalAccuracy()])
history = model.fit(x_data, y_data, batch_size=64, epochs=3, validation_split=0.2,
                    shuffle=False, verbose=0)
for epoch in range(3):
    RESULT[f"split_loss_{epoch}"] = float(history.history["loss"][epoch])
    RESULT[f"split_val_loss_{epoch}"] = float(history.history["val_loss"][epoch])
RESULT["split_val_accuracy"] = float(history.history["val_sparse_categorical_accuracy"][-1])


# A loss function, and a Loss subclass whose constructor takes an argument.
def custom_mean_squared_error(y_true, y_pred):
    return ops.mean(ops.square(y_true - y_pred), axis=-1)


class CustomMSE(keras.losses.Loss):
    def __init__(self, regularization_factor=0.1, name="custom_mse"):
        super().__init__(name=name)
        self.regularization_factor = regularization_factor

    def call(self, y_true, y_pred):
        mse = ops.mean(ops.square(y_true - y_pred), axis=-1)
        reg = ops.mean(ops.square(0.5 - y_pred), axis=-1)
        return mse + reg * self.regularization_factor


class CategoricalTruePositives(keras.metrics.Metric):
    def __init__(self, name="categorical_true_positives", **kwargs):
        super().__init__(name=name, **kwargs)
        self.true_positives = self.add_variable(
            shape=(), name="ctp", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.reshape(ops.argmax(y_pred, axis=1), (-1, 1))
        values = ops.cast(y_true, "int32") == ops.cast(y_pred, "int32")
        values = ops.cast(values, "float32")
        if sample_weight is not None:
            sample_weight = ops.cast(sample_weight, "float32")
            values = ops.multiply(values, sample_weight)
        self.true_positives.assign_add(ops.sum(values))

    def result(self):
        return self.true_positives.value

    def reset_state(self):
        self.true_positives.assign(0.0)


for name, loss in (("function", custom_mean_squared_error), ("subclass", CustomMSE())):
    model = get_uncompiled_model()
    draw(model)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss=loss)
    history = model.fit(x_data, y_onehot, batch_size=64, epochs=2, shuffle=False, verbose=0)
    RESULT[f"{name}_loss_1"] = float(history.history["loss"][1])

model = get_uncompiled_model()
draw(model)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
              loss=keras.losses.SparseCategoricalCrossentropy(),
              metrics=[CategoricalTruePositives()])
history = model.fit(x_data, y_data[:, None], batch_size=64, epochs=3, shuffle=False, verbose=0)
RESULT["true_positives"] = float(history.history["categorical_true_positives"][-1])
y_pred = model.predict(x_data, verbose=0)
RESULT["true_positives_by_hand"] = float(np.sum(np.argmax(y_pred, axis=1) == y_data))
evaluated = model.evaluate(x_data, y_data[:, None], verbose=0, return_dict=True)
RESULT["evaluate_true_positives"] = float(evaluated["categorical_true_positives"])

# class_weight: class 3 counts five times as much; then the same weights as sample_weight.
class_weight = {0: 1.0, 1: 1.0, 2: 1.0, 3: 5.0}
sample_weight = np.where(y_data == 3, 5.0, 1.0).astype("float32")
for name, kwargs in (("class_weight", {"class_weight": class_weight}),
                     ("sample_weight", {"sample_weight": sample_weight})):
    model = get_uncompiled_model()
    draw(model)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1),
                  loss="sparse_categorical_crossentropy",
                  metrics=["sparse_categorical_accuracy"])
    history = model.fit(x_data, y_data, batch_size=64, epochs=3, shuffle=False, verbose=0,
                        **kwargs)
    for epoch in range(3):
        RESULT[f"{name}_loss_{epoch}"] = float(history.history["loss"][epoch])
    y_pred = np.argmax(model.predict(x_data, verbose=0), axis=1)
    RESULT[f"{name}_recall_3"] = float(np.mean(y_pred[y_data == 3] == 3))
RESULT["weighting_gap"] = abs(RESULT["class_weight_loss_2"] - RESULT["sample_weight_loss_2"])

# Two inputs, two outputs.
image_input = keras.Input(shape=(8, 8, 1), name="img_input")
timeseries_input = keras.Input(shape=(None, 5), name="ts_input")
x1 = layers.Conv2D(3, 3)(image_input)
x1 = layers.GlobalMaxPooling2D()(x1)
x2 = layers.Conv1D(3, 3)(timeseries_input)
x2 = layers.GlobalMaxPooling1D()(x2)
x = layers.concatenate([x1, x2])
score_output = layers.Dense(1, name="score_output")(x)
class_output = layers.Dense(4, name="class_output")(x)
model = keras.Model(inputs=[image_input, timeseries_input],
                    outputs=[score_output, class_output])
initial = [rng.normal(0.0, 0.3, w.shape).astype("float32") for w in model.get_weights()]

m = 256
img_data = rng.normal(size=(m, 8, 8, 1)).astype("float32")
ts_data = rng.normal(size=(m, 12, 5)).astype("float32")
score_targets = (img_data.mean(axis=(1, 2, 3)) * 4 + ts_data[:, :, 0].mean(axis=1))[:, None]
class_targets = np.eye(4, dtype="float32")[np.argmax(ts_data[:, :4, 1], axis=1)]

model.set_weights(initial)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss=[keras.losses.MeanSquaredError(),
          keras.losses.CategoricalCrossentropy(from_logits=True)],
    metrics=[[keras.metrics.MeanAbsolutePercentageError(), keras.metrics.MeanAbsoluteError()],
             [keras.metrics.CategoricalAccuracy()]],
    loss_weights=[1.0, 0.5],
)
history = model.fit([img_data, ts_data], [score_targets, class_targets], batch_size=32,
                    epochs=3, shuffle=False, verbose=0)
for epoch in range(3):
    RESULT[f"list_loss_{epoch}"] = float(history.history["loss"][epoch])

model.set_weights(initial)
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss={"score_output": keras.losses.MeanSquaredError(),
          "class_output": keras.losses.CategoricalCrossentropy(from_logits=True)},
    metrics={"score_output": [keras.metrics.MeanAbsoluteError()],
             "class_output": [keras.metrics.CategoricalAccuracy()]},
    loss_weights={"score_output": 1.0, "class_output": 0.5},
)
history = model.fit({"img_input": img_data, "ts_input": ts_data},
                    {"score_output": score_targets, "class_output": class_targets},
                    batch_size=32, epochs=3, shuffle=False, verbose=0)
for epoch in range(3):
    RESULT[f"dict_loss_{epoch}"] = float(history.history["loss"][epoch])
RESULT["dict_class_accuracy"] = float(history.history["class_output_categorical_accuracy"][-1])
RESULT["dict_score_mae"] = float(history.history["score_output_mean_absolute_error"][-1])
RESULT["list_dict_gap"] = abs(RESULT["list_loss_2"] - RESULT["dict_loss_2"])

# A loss for the class output only: the score output is not trained towards anything.
model.set_weights(initial)
model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.05),
              loss=[None, keras.losses.CategoricalCrossentropy(from_logits=True)])
history = model.fit([img_data, ts_data], [score_targets, class_targets],
                    batch_size=32, epochs=3, shuffle=False, verbose=0)
for epoch in range(3):
    RESULT[f"one_output_loss_{epoch}"] = float(history.history["loss"][epoch])
print(RESULT)
