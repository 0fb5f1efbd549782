"""After the TensorFlow tutorial "Load a pandas DataFrame": a heart-disease-like DataFrame
written to CSV and read back with pandas; its numeric columns as one tensor
(tf.convert_to_tensor of a DataFrame), a Normalization adapted on them in a Sequential fitted on
the DataFrame itself and on Dataset.from_tensor_slices of it; the columns as a dict
(from_tensor_slices of dict(df)) stacked by the tutorial's stack_dict in a subclassed model
with an adapt method, and in a functional model of one Input per column (tf.concat of
symbolic inputs, run_eagerly); then the full example: inputs typed by column (float32, int64,
string), binary columns cast, numeric ones normalized, categorical ones one-hot encoded by
IntegerLookup and StringLookup, concatenated in a preprocessor Model that is called on a
DataFrame row and nested in the final model, fitted on dict(df) and on a batched Dataset.
"""

import os
import tempfile

import numpy as np
import pandas as pd

import numnet as tf

tf.keras.utils.set_random_seed(9)
RESULT = {}

# ----- a heart.csv-like file
rng = np.random.default_rng(12)
n = 240
age = rng.integers(29, 78, n)
sex = rng.integers(0, 2, n)
cp = rng.integers(0, 5, n)
trestbps = rng.integers(94, 200, n)
chol = rng.integers(126, 400, n)
fbs = (rng.random(n) < 0.15).astype(int)
restecg = rng.integers(0, 3, n)
thalach = rng.integers(71, 202, n)
exang = rng.integers(0, 2, n)
oldpeak = rng.uniform(0, 5, n).round(1)
slope = rng.integers(1, 4, n)
ca = rng.integers(0, 4, n)
thal = rng.choice(["fixed", "normal", "reversible"], n)
risk = (0.04 * (age - 50) + 0.8 * exang + 0.5 * oldpeak - 0.02 * (thalach - 140)
        + 0.6 * (thal == "reversible") + 0.3 * ca + rng.normal(0, 0.5, n))
target = (risk > np.median(risk)).astype(int)
csv_file = os.path.join(tempfile.mkdtemp(), "heart.csv")
pd.DataFrame({"age": age, "sex": sex, "cp": cp, "trestbps": trestbps, "chol": chol,
              "fbs": fbs, "restecg": restecg, "thalach": thalach, "exang": exang,
              "oldpeak": oldpeak, "slope": slope, "ca": ca, "thal": thal,
              "target": target}).to_csv(csv_file, index=False)

df = pd.read_csv(csv_file)
print(df.head())
print(df.dtypes)
target = df.pop("target")
RESULT["columns"] = float(len(df.columns))

# ----- a DataFrame as an array
numeric_feature_names = ["age", "thalach", "trestbps", "chol", "oldpeak"]
numeric_features = df[numeric_feature_names]
numeric_tensor = tf.convert_to_tensor(numeric_features)
RESULT["tensor_shape_sum"] = float(sum(numeric_tensor.shape))
RESULT["tensor_is_float64"] = float(numeric_tensor.dtype == tf.float64)

normalizer = tf.keras.layers.Normalization(axis=-1)
normalizer.adapt(np.array(numeric_features))
normalized = normalizer(numeric_features.iloc[:3])
print(normalized)
RESULT["normalized_first"] = float(normalized[0, 0])
RESULT["normalizer_mean_age"] = float(np.asarray(normalizer.mean).reshape(-1)[0])

BATCH_SIZE = 24


def get_basic_model():
    model = tf.keras.Sequential([
        normalizer,
        tf.keras.layers.Dense(10, activation="relu"),
        tf.keras.layers.Dense(10, activation="relu"),
        tf.keras.layers.Dense(1)
    ])
    model.compile(optimizer="adam",
                  loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  metrics=["accuracy"])
    return model


model = get_basic_model()
history = model.fit(numeric_features, target, epochs=8, batch_size=BATCH_SIZE, verbose=0)
RESULT["basic_accuracy"] = float(history.history["accuracy"][-1])
RESULT["basic_loss_drop"] = float(history.history["loss"][-1] / history.history["loss"][0])

# ----- with tf.data
numeric_dataset = tf.data.Dataset.from_tensor_slices((numeric_features, target))
for row in numeric_dataset.take(3):
    print(row)
RESULT["dataset_row_width"] = float(row[0].shape[0])
numeric_batches = numeric_dataset.shuffle(1000, seed=1).batch(BATCH_SIZE)
model = get_basic_model()
history = model.fit(numeric_batches, epochs=8, verbose=0)
RESULT["batches_accuracy"] = float(history.history["accuracy"][-1])

# ----- a DataFrame as a dictionary
numeric_dict_ds = tf.data.Dataset.from_tensor_slices((dict(numeric_features), target))
for row in numeric_dict_ds.take(3):
    print(row)
RESULT["dict_keys"] = float(len(row[0]))
RESULT["dict_age_is_int64"] = float(row[0]["age"].dtype == tf.int64)
RESULT["dict_oldpeak_is_float64"] = float(row[0]["oldpeak"].dtype == tf.float64)


def stack_dict(inputs, fun=tf.stack):
    values = []
    for key in sorted(inputs.keys()):
        values.append(tf.keras.ops.cast(inputs[key], "float32"))

    return fun(values, axis=-1)


class MyModel(tf.keras.Model):
    def __init__(self):
        # Create all the internal layers in init.
        super().__init__()

        self.normalizer = tf.keras.layers.Normalization(axis=-1)

        self.seq = tf.keras.Sequential([
            self.normalizer,
            tf.keras.layers.Dense(10, activation="relu"),
            tf.keras.layers.Dense(10, activation="relu"),
            tf.keras.layers.Dense(1)
        ])

    def adapt(self, inputs):
        # Stack the inputs and `adapt` the normalization layer.
        inputs = stack_dict(inputs)
        self.normalizer.adapt(inputs)

    def call(self, inputs):
        # Stack the inputs
        inputs = stack_dict(inputs)
        # Run them through all the model layers.
        result = self.seq(inputs)

        return result


model = MyModel()
model.adapt(dict(numeric_features))
model.compile(optimizer="adam",
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=["accuracy"],
              run_eagerly=True)
history = model.fit(dict(numeric_features), target, epochs=12, batch_size=BATCH_SIZE,
                    verbose=0)
RESULT["subclassed_accuracy"] = float(history.history["accuracy"][-1])
predicted = model.predict(dict(numeric_features.iloc[:3]), verbose=0)
RESULT["subclassed_predict_rows"] = float(predicted.shape[0])
# Keras 3 gives each pandas Series to the model as a column, shape (batch, 1), so the stacked
# features here are (batch, 1, 5) and the predictions (3, 1, 1). (The tutorial then fits this
# model on numeric_dict_batches, whose (batch,) columns no longer fit the model Keras 3 built.)
RESULT["subclassed_predict_rank"] = float(predicted.ndim)
numeric_dict_batches = numeric_dict_ds.shuffle(1000, seed=2).batch(BATCH_SIZE)
# the normalizer saw the columns in sorted order: age, chol, oldpeak, thalach, trestbps
RESULT["subclassed_mean_chol"] = float(np.asarray(model.normalizer.mean).reshape(-1)[1])

# ----- the Keras functional style
inputs = {}
for name in numeric_features:
    inputs[name] = tf.keras.Input(
        shape=(1,), name=name, dtype=tf.float32)
# (Keras 3 takes no tf.* function of its symbolic inputs: keras.ops and layers here)
x = tf.keras.layers.Concatenate()([inputs[key] for key in sorted(inputs)])
normalizer = tf.keras.layers.Normalization(axis=-1)
normalizer.adapt(stack_dict(dict(numeric_features)))
x = normalizer(x)
x = tf.keras.layers.Dense(10, activation="relu")(x)
x = tf.keras.layers.Dense(10, activation="relu")(x)
x = tf.keras.layers.Dense(1)(x)
model = tf.keras.Model(inputs, x)
model.compile(optimizer="adam",
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=["accuracy"],
              run_eagerly=True)
RESULT["functional_inputs"] = float(len(model.inputs))
history = model.fit(dict(numeric_features), target, epochs=8, batch_size=BATCH_SIZE,
                    verbose=0)
history = model.fit(numeric_dict_batches, epochs=4, verbose=0)
RESULT["functional_accuracy"] = float(history.history["accuracy"][-1])

# ----- full example
binary_feature_names = ["sex", "fbs", "exang"]
categorical_feature_names = ["cp", "restecg", "slope", "thal", "ca"]
inputs = {}
for name, column in df.items():
    if type(column[0]) is str:
        dtype = tf.string
    elif (name in categorical_feature_names or
          name in binary_feature_names):
        dtype = tf.int64
    else:
        dtype = tf.float32

    inputs[name] = tf.keras.Input(shape=(), name=name, dtype=dtype)
RESULT["string_inputs"] = float(sum(inp.dtype == tf.string for inp in inputs.values()))

preprocessed = []
for name in binary_feature_names:
    inp = inputs[name]
    inp = inp[:, tf.newaxis]
    float_value = tf.keras.ops.cast(inp, "float32")
    preprocessed.append(float_value)

normalizer = tf.keras.layers.Normalization(axis=-1)
normalizer.adapt(stack_dict(dict(numeric_features)))
numeric_inputs = {}
for name in numeric_feature_names:
    numeric_inputs[name] = inputs[name]

numeric_inputs = stack_dict(numeric_inputs, fun=tf.keras.ops.stack)
numeric_normalized = normalizer(numeric_inputs)
preprocessed.append(numeric_normalized)

for name in categorical_feature_names:
    vocab = sorted(set(df[name]))
    print(f"name: {name}")
    print(f"vocab: {vocab}\n")

    if type(vocab[0]) is str:
        lookup = tf.keras.layers.StringLookup(vocabulary=vocab, output_mode="one_hot")
    else:
        lookup = tf.keras.layers.IntegerLookup(vocabulary=vocab, output_mode="one_hot")

    x = inputs[name][:, tf.newaxis]
    x = lookup(x)
    preprocessed.append(x)

preprocessed_result = tf.keras.layers.Concatenate(axis=-1)(preprocessed)
print(preprocessed_result)
# 3 binary + 5 numeric + one-hot of cp (5 + 1), restecg (3 + 1), slope (3 + 1),
# thal (3 + 1) and ca (4 + 1), each with its out-of-vocabulary slot
RESULT["preprocessed_width"] = float(preprocessed_result.shape[-1])
preprocessor = tf.keras.Model(inputs, preprocessed_result)
first_row = preprocessor(dict(df.iloc[:1]))
print(first_row)
RESULT["first_row_width"] = float(first_row.shape[-1])
RESULT["first_row_sum"] = float(tf.reduce_sum(first_row))
RESULT["first_row_one_hots"] = float(tf.reduce_sum(first_row[:, 8:]))

body = tf.keras.Sequential([
    tf.keras.layers.Dense(10, activation="relu"),
    tf.keras.layers.Dense(10, activation="relu"),
    tf.keras.layers.Dense(1)
])
x = preprocessor(inputs)
result = body(x)
model = tf.keras.Model(inputs, result)
model.compile(optimizer="adam",
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=["accuracy"])
# (Keras 3.15 refuses dict(df) itself here: pandas 3's "str" column is an 'Invalid dtype')
ds = tf.data.Dataset.from_tensor_slices((
    dict(df),
    target
))
ds = ds.batch(BATCH_SIZE)
history = model.fit(ds, epochs=16, verbose=0)
RESULT["full_loss_drop"] = float(history.history["loss"][-1] / history.history["loss"][0])
RESULT["full_accuracy"] = float(history.history["accuracy"][-1])
print(RESULT)
