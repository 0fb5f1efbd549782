"""compile()'s execution options and the metrics' life cycle, as the Keras guides and the API
pages show them: steps_per_execution (several batches per call, batch-level callbacks then
called once per execution with the last batch's index), jit_compile and run_eagerly;
model.metrics_names, get_metrics_result() and reset_metrics(); a stateful metric of one's own
(a Metric subclass with add_variable, update_state, result and reset_state) reset at the start
of every epoch and of evaluate; and a loop of one's own over the batches keeping Metric objects
across batches, read and reset at the end of each epoch.

The weights start from a fixed NumPy draw and batches are not shuffled, so the losses are
Keras's to rounding.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops


class CountAboveHalf(keras.metrics.Metric):
    """How many predictions exceed 0.5, summed over the batches since the last reset."""

    def __init__(self, name="count_above_half", **kwargs):
        super().__init__(name=name, **kwargs)
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        above = ops.cast(ops.greater(y_pred, 0.5), "float32")
        self.count.assign_add(ops.sum(above))

    def result(self):
        return ops.convert_to_tensor(self.count)

    def reset_state(self):
        self.count.assign(0.0)


class BatchLog(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.train_batches = []
        self.test_batches = 0
        self.epoch_counts = []

    def on_train_batch_end(self, batch, logs=None):
        self.train_batches.append(batch)

    def on_test_batch_end(self, batch, logs=None):
        self.test_batches += 1

    def on_epoch_end(self, epoch, logs=None):
        self.epoch_counts.append(logs["count_above_half"])


rng = np.random.default_rng(6)
n = 320
x = rng.normal(0.0, 1.0, (n, 5)).astype("float32")
y = (x[:, 0] - 0.5 * x[:, 1] + 0.3 * rng.normal(size=n) > 0).astype("float32")[:, None]
start = None


def make_model():
    global start
    model = keras.Sequential(
        [keras.Input(shape=(5,)), layers.Dense(8, activation="relu"),
         layers.Dense(1, activation="sigmoid")]
    )
    if start is None:
        start = [rng.normal(0.0, 0.5, w.shape).astype("float32") for w in model.get_weights()]
    model.set_weights(start)
    return model


RESULT = {}
for tag, options in (
    ("plain", {}),
    ("spe", {"steps_per_execution": 4}),
    ("jit", {"jit_compile": True}),
    ("eager", {"run_eagerly": True}),
):
    model = make_model()
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.1),
        loss="binary_crossentropy",
        metrics=["accuracy", CountAboveHalf()],
        **options,
    )
    log = BatchLog()
    history = model.fit(x, y, batch_size=32, epochs=3, shuffle=False, verbose=0,
                        validation_data=(x[:64], y[:64]), callbacks=[log])
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"{tag}_loss_{epoch}"] = float(value)
    RESULT[f"{tag}_train_callbacks"] = float(len(log.train_batches))
    RESULT[f"{tag}_last_batch_index"] = float(log.train_batches[-1])
    RESULT[f"{tag}_val_callbacks"] = float(log.test_batches)
    RESULT[f"{tag}_epoch_count_0"] = float(log.epoch_counts[0])
    RESULT[f"{tag}_epoch_count_2"] = float(log.epoch_counts[-1])
    RESULT[f"{tag}_val_count"] = float(history.history["val_count_above_half"][-1])
    RESULT[f"{tag}_iterations"] = float(ops.convert_to_numpy(model.optimizer.iterations))

# The metrics of the last model: names, results, then reset.
evaluated = model.evaluate(x, y, batch_size=64, verbose=0, return_dict=True)
RESULT["evaluate_count"] = float(evaluated["count_above_half"])
RESULT["metrics_names"] = float(len(model.metrics_names))
RESULT["loss_is_first_name"] = float(model.metrics_names[0] == "loss")
current = model.get_metrics_result()
RESULT["current_count"] = float(current["count_above_half"])
model.reset_metrics()
RESULT["count_after_reset"] = float(model.get_metrics_result()["count_above_half"])
RESULT["predicted_above_half"] = float((model.predict(x, verbose=0) > 0.5).sum())

# A loop of one's own over the batches: Metric objects kept across batches, reset each
# epoch.
model = make_model()
optimizer = keras.optimizers.SGD(learning_rate=0.1)
loss_fn = keras.losses.BinaryCrossentropy()
train_acc = keras.metrics.BinaryAccuracy()
mean_loss = keras.metrics.Mean()
loop_losses = []
for epoch in range(2):
    for start_row in range(0, n, 32):
        xb, yb = x[start_row:start_row + 32], y[start_row:start_row + 32]
        predictions = model(xb, training=True)
        loss = loss_fn(yb, predictions)
        train_acc.update_state(yb, predictions)
        mean_loss.update_state(loss)
    loop_losses.append(float(mean_loss.result()))
    RESULT[f"loop_accuracy_{epoch}"] = float(train_acc.result())
    train_acc.reset_state()
    mean_loss.reset_state()
RESULT["loop_loss_0"] = loop_losses[0]
RESULT["loop_mean_after_reset"] = float(mean_loss.result())
RESULT["loop_count"] = float(mean_loss.count.numpy()) if hasattr(mean_loss, "count") else 0.0
print(RESULT)
