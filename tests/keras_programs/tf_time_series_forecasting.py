"""After the TensorFlow tutorial "Time series forecasting": a WindowGenerator class that cuts a
table into (inputs, labels) windows with tf.stack, slices and set_shape, made into a dataset with
tf.keras.utils.timeseries_dataset_from_array(...).map(split_window); a Baseline Model subclass
that returns its input's column, a linear model, a Dense model and an LSTM with
return_sequences=True, each compiled by compile_and_fit (MeanSquaredError, Adam,
MeanAbsoluteError metric, EarlyStopping on val_loss with patience and mode='min'), evaluated
with return_dict=True.
"""

import numpy as np

import numnet as tf

rng = np.random.default_rng(43)
n = 900
time = np.arange(n)
temperature = 10 + 5 * np.sin(2 * np.pi * time / 24) + rng.normal(0.0, 0.5, n)
pressure = 1000 + np.cumsum(rng.normal(0.0, 0.2, n))
wind = np.abs(rng.normal(2.0, 1.0, n))
table = np.stack([temperature, pressure, wind], axis=1).astype("float32")
column_names = ["T", "p", "wv"]
column_indices = {name: i for i, name in enumerate(column_names)}
num_features = table.shape[1]

train_df = table[: int(n * 0.7)]
val_df = table[int(n * 0.7): int(n * 0.9)]
test_df = table[int(n * 0.9):]
train_mean = train_df.mean(axis=0)
train_std = train_df.std(axis=0)
train_df = (train_df - train_mean) / train_std
val_df = (val_df - train_mean) / train_std
test_df = (test_df - train_mean) / train_std


class WindowGenerator:
    def __init__(self, input_width, label_width, shift, train_df=train_df, val_df=val_df,
                 test_df=test_df, label_columns=None):
        self.train_df = train_df
        self.val_df = val_df
        self.test_df = test_df

        self.label_columns = label_columns
        if label_columns is not None:
            self.label_columns_indices = {name: i for i, name in enumerate(label_columns)}
        self.column_indices = column_indices

        self.input_width = input_width
        self.label_width = label_width
        self.shift = shift

        self.total_window_size = input_width + shift

        self.input_slice = slice(0, input_width)
        self.input_indices = np.arange(self.total_window_size)[self.input_slice]

        self.label_start = self.total_window_size - self.label_width
        self.labels_slice = slice(self.label_start, None)
        self.label_indices = np.arange(self.total_window_size)[self.labels_slice]

    def split_window(self, features):
        inputs = features[:, self.input_slice, :]
        labels = features[:, self.labels_slice, :]
        if self.label_columns is not None:
            labels = tf.stack(
                [labels[:, :, self.column_indices[name]] for name in self.label_columns],
                axis=-1)
        inputs.set_shape([None, self.input_width, None])
        labels.set_shape([None, self.label_width, None])
        return inputs, labels

    def make_dataset(self, data):
        data = np.array(data, dtype=np.float32)
        ds = tf.keras.utils.timeseries_dataset_from_array(
            data=data, targets=None, sequence_length=self.total_window_size,
            sequence_stride=1, shuffle=False, batch_size=32)
        ds = ds.map(self.split_window)
        return ds

    @property
    def train(self):
        return self.make_dataset(self.train_df)

    @property
    def val(self):
        return self.make_dataset(self.val_df)

    @property
    def test(self):
        return self.make_dataset(self.test_df)

    @property
    def example(self):
        result = getattr(self, "_example", None)
        if result is None:
            result = next(iter(self.train))
            self._example = result
        return result


single_step_window = WindowGenerator(input_width=1, label_width=1, shift=1, label_columns=["T"])
example_inputs, example_labels = single_step_window.example


class Baseline(tf.keras.Model):
    def __init__(self, label_index=None):
        super().__init__()
        self.label_index = label_index

    def call(self, inputs):
        if self.label_index is None:
            return inputs
        result = inputs[:, :, self.label_index]
        return result[:, :, tf.newaxis]


baseline = Baseline(label_index=column_indices["T"])
baseline.compile(loss=tf.keras.losses.MeanSquaredError(),
                 metrics=[tf.keras.metrics.MeanAbsoluteError()])
val_performance = {}
performance = {}
val_performance["Baseline"] = baseline.evaluate(single_step_window.val, return_dict=True,
                                                verbose=0)
performance["Baseline"] = baseline.evaluate(single_step_window.test, verbose=0,
                                            return_dict=True)

MAX_EPOCHS = 8


def compile_and_fit(model, window, patience=2):
    early_stopping = tf.keras.callbacks.EarlyStopping(monitor="val_loss", patience=patience,
                                                      mode="min")
    model.compile(loss=tf.keras.losses.MeanSquaredError(),
                  optimizer=tf.keras.optimizers.Adam(0.01),
                  metrics=[tf.keras.metrics.MeanAbsoluteError()])
    history = model.fit(window.train, epochs=MAX_EPOCHS, validation_data=window.val,
                        callbacks=[early_stopping], verbose=0)
    return history


def from_draw(model, seed):
    draw = np.random.default_rng(seed)
    model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim > 1 else w
                       for w in model.get_weights()])


linear = tf.keras.Sequential([tf.keras.layers.Dense(units=1)])
linear.build((None, 1, num_features))
from_draw(linear, 1)
linear_history = compile_and_fit(linear, single_step_window)
val_performance["Linear"] = linear.evaluate(single_step_window.val, return_dict=True, verbose=0)

wide_window = WindowGenerator(input_width=24, label_width=24, shift=1, label_columns=["T"])
dense = tf.keras.Sequential([
    tf.keras.layers.Dense(units=16, activation="relu"),
    tf.keras.layers.Dense(units=1),
])
dense.build((None, 24, num_features))
from_draw(dense, 2)
dense_history = compile_and_fit(dense, wide_window)
val_performance["Dense"] = dense.evaluate(wide_window.val, return_dict=True, verbose=0)

lstm_model = tf.keras.models.Sequential([
    tf.keras.layers.LSTM(8, return_sequences=True),
    tf.keras.layers.Dense(units=1),
])
lstm_model.build((None, 24, num_features))
from_draw(lstm_model, 3)
lstm_history = compile_and_fit(lstm_model, wide_window)
val_performance["LSTM"] = lstm_model.evaluate(wide_window.val, return_dict=True, verbose=0)
wide_output = lstm_model(wide_window.example[0])

RESULT = {
    "example_inputs": float(np.prod(example_inputs.shape)),
    "example_labels_width": float(example_labels.shape[-1]),
    "wide_output_steps": float(wide_output.shape[1]),
    "baseline_mae": float(val_performance["Baseline"]["mean_absolute_error"]),
    "linear_mae": float(val_performance["Linear"]["mean_absolute_error"]),
    "dense_mae": float(val_performance["Dense"]["mean_absolute_error"]),
    "lstm_mae": float(val_performance["LSTM"]["mean_absolute_error"]),
    "baseline_test_loss": float(performance["Baseline"]["loss"]),
    "linear_epochs": float(len(linear_history.history["loss"])),
    "lstm_epochs": float(len(lstm_history.history["loss"])),
}
for epoch, value in enumerate(lstm_history.history["loss"][:6]):
    RESULT[f"loss_{epoch}"] = float(value)
for epoch, value in enumerate(dense_history.history["loss"][:6]):
    RESULT[f"dense_loss_{epoch}"] = float(value)
print(RESULT)
