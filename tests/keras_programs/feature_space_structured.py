"""Structured data classification with FeatureSpace (keras.io, structured_data): a table of
heart-disease-like columns, as a dict of NumPy columns in the place of the CSV's DataFrame,
turned into a tf.data Dataset of (features, target); a FeatureSpace of integer and string
categories, a discretized and normalized floats and two crosses, adapted on the features;
the data preprocessed with dataset.map; a small model trained on the encoded vectors; and an
inference model that takes the raw columns of one patient.

One change from the keras.io text: the training model starts from an Input of the encoded
width and the inference model calls it on ``get_encoded_features()``, where keras.io writes
``keras.Model(inputs=encoded_features, outputs=predictions)`` (a model whose input is another
graph's intermediate tensor, which numnet's Model does not take).
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet.utils import FeatureSpace

keras.utils.set_random_seed(1337)
rng = np.random.default_rng(1337)
n = 600
columns = {
    "age": rng.integers(29, 78, n).astype("int64"),
    "sex": rng.integers(0, 2, n).astype("int64"),
    "cp": rng.integers(0, 5, n).astype("int64"),
    "trestbps": rng.normal(131.0, 17.0, n).round().astype("int64"),
    "chol": rng.normal(246.0, 51.0, n).round().astype("int64"),
    "fbs": (rng.random(n) < 0.15).astype("int64"),
    "restecg": rng.integers(0, 3, n).astype("int64"),
    "thalach": rng.normal(150.0, 22.0, n).round().astype("int64"),
    "exang": (rng.random(n) < 0.33).astype("int64"),
    "oldpeak": rng.gamma(1.0, 1.0, n).round(1).astype("float64"),
    "slope": rng.integers(1, 4, n).astype("int64"),
    "ca": rng.integers(0, 4, n).astype("int64"),
    "thal": rng.choice(["normal", "fixed", "reversible"], n, p=[0.55, 0.1, 0.35]),
}
score = (
    0.06 * (columns["age"] - 54)
    + 0.9 * columns["sex"]
    + 0.6 * (columns["cp"] >= 3)
    + 1.1 * columns["exang"]
    + 0.7 * columns["oldpeak"]
    + 0.8 * columns["ca"]
    + 1.8 * (columns["thal"] == "reversible")
    - 0.03 * (columns["thalach"] - 150)
    - 2.6
)
target = (score + 0.5 * rng.normal(size=n) > 0).astype("int64")

val_rows = rng.permutation(n)[: n // 5]
is_val = np.zeros(n, bool)
is_val[val_rows] = True
train_columns = {name: column[~is_val] for name, column in columns.items()}
val_columns = {name: column[is_val] for name, column in columns.items()}
print(f"Using {len(target[~is_val])} samples for training and {len(val_rows)} for validation")


def dataframe_to_dataset(features, labels):
    ds = tf.data.Dataset.from_tensor_slices((dict(features), labels))
    ds = ds.shuffle(buffer_size=len(labels))
    return ds


train_ds = dataframe_to_dataset(train_columns, target[~is_val])
val_ds = dataframe_to_dataset(val_columns, target[is_val])

for x, y in train_ds.take(1):
    print("Input:", x)
    print("Target:", y)

train_ds = train_ds.batch(32)
val_ds = val_ds.batch(32)

feature_space = FeatureSpace(
    features={
        # Categorical features encoded as integers
        "sex": FeatureSpace.integer_categorical(num_oov_indices=0),
        "cp": FeatureSpace.integer_categorical(num_oov_indices=0),
        "fbs": FeatureSpace.integer_categorical(num_oov_indices=0),
        "restecg": FeatureSpace.integer_categorical(num_oov_indices=0),
        "exang": FeatureSpace.integer_categorical(num_oov_indices=0),
        "ca": FeatureSpace.integer_categorical(num_oov_indices=0),
        # Categorical feature encoded as string
        "thal": FeatureSpace.string_categorical(num_oov_indices=0),
        # Numerical features to discretize
        "age": FeatureSpace.float_discretized(num_bins=30),
        # Numerical features to normalize
        "trestbps": FeatureSpace.float_normalized(),
        "chol": FeatureSpace.float_normalized(),
        "thalach": FeatureSpace.float_normalized(),
        "oldpeak": FeatureSpace.float_normalized(),
        "slope": FeatureSpace.float_normalized(),
    },
    # Specify feature cross with a custom crossing dim.
    crosses=[
        FeatureSpace.cross(feature_names=("sex", "age"), crossing_dim=64),
        FeatureSpace.cross(
            feature_names=("thal", "ca"),
            crossing_dim=16,
        ),
    ],
    output_mode="concat",
)

train_ds_with_no_labels = train_ds.map(lambda x, _: x)
feature_space.adapt(train_ds_with_no_labels)

for x, _ in train_ds.take(1):
    preprocessed_x = feature_space(x)
    print("preprocessed_x.shape:", preprocessed_x.shape)
    print("preprocessed_x.dtype:", preprocessed_x.dtype)

preprocessed_train_ds = train_ds.map(
    lambda x, y: (feature_space(x), y), num_parallel_calls=tf.data.AUTOTUNE
)
preprocessed_train_ds = preprocessed_train_ds.prefetch(tf.data.AUTOTUNE)

preprocessed_val_ds = val_ds.map(
    lambda x, y: (feature_space(x), y), num_parallel_calls=tf.data.AUTOTUNE
)
preprocessed_val_ds = preprocessed_val_ds.prefetch(tf.data.AUTOTUNE)

dict_inputs = feature_space.get_inputs()
encoded_features = feature_space.get_encoded_features()

encoded_input = keras.Input(shape=(encoded_features.shape[-1],))
x = keras.layers.Dense(32, activation="relu")(encoded_input)
x = keras.layers.Dropout(0.5)(x)
predictions = keras.layers.Dense(1, activation="sigmoid")(x)

training_model = keras.Model(inputs=encoded_input, outputs=predictions)
training_model.compile(
    optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"]
)

inference_model = keras.Model(inputs=dict_inputs, outputs=training_model(encoded_features))

history = training_model.fit(
    preprocessed_train_ds,
    epochs=20,
    validation_data=preprocessed_val_ds,
    verbose=2,
)

sample = {
    "age": 60,
    "sex": 1,
    "cp": 4,
    "trestbps": 145,
    "chol": 233,
    "fbs": 1,
    "restecg": 2,
    "thalach": 120,
    "exang": 1,
    "oldpeak": 2.3,
    "slope": 3,
    "ca": 2,
    "thal": "reversible",
}

input_dict = {
    name: keras.ops.convert_to_tensor([value]) for name, value in sample.items()
}
predictions = inference_model.predict(input_dict)

print(
    f"This particular patient had a {100 * predictions[0][0]:.2f}% probability "
    "of having a heart disease, as evaluated by our model."
)

# The same patient through the space and the training model, one step at a time.
direct = training_model.predict(np.asarray(feature_space(sample))[None], verbose=0)
# The encoded table, unshuffled: the age block (the first 30 columns) holds one 1 a row; chol
# (column 34, after age's 30 and ca's 4) is standardized over the table adapt saw.
encoded_train = np.asarray(feature_space(train_columns))
widths = {
    name: feature_space.preprocessors[name].vocabulary_size()
    for name in ("ca", "cp", "exang", "fbs", "restecg", "sex", "thal")
}
RESULT = {
    "encoded_width": float(encoded_features.shape[-1]),
    "encoded_rows": float(encoded_train.shape[0]),
    "age_ones_per_row": float(encoded_train[:, :30].sum(1).mean()),
    "thal_width": float(widths["thal"]),
    "cp_width": float(widths["cp"]),
    "row_width": float(np.asarray(feature_space(sample)).shape[0]),
    # the thal_X_ca cross (the last 16 columns) hashes the lookups' indices: Keras's bins
    "thal_ca_checksum": float(np.sum(encoded_train[:, -16:].argmax(1) * np.arange(480))),
    "chol_mean": float(encoded_train[:, 34].mean()),
    "chol_std": float(encoded_train[:, 34].std()),
    "accuracy": float(history.history["accuracy"][-1]),
    "val_accuracy": float(history.history["val_accuracy"][-1]),
    "probability": float(predictions[0][0]),
    "direct_gap": float(abs(direct[0][0] - predictions[0][0])),
}
print(RESULT)
