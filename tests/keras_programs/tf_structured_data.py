"""After the TensorFlow tutorial "Classify structured data using Keras preprocessing layers": a
table of numeric, integer-category and string-category columns made into a tf.data.Dataset of
(dict of columns, target) with each column as [:, tf.newaxis]; a Normalization adapted on
dataset.map(lambda x, y: x[name]), lookup layers (IntegerLookup / StringLookup with max_tokens)
adapted the same way and chained into CategoryEncoding(num_tokens=vocabulary_size()) by a
lambda; a dict of Inputs, their encodings concatenated, Dense + Dropout + Dense(1) logits
trained with BinaryCrossentropy(from_logits=True); a prediction for one sample from a dict of
tf.convert_to_tensor([value]) and tf.nn.sigmoid.
"""

import numpy as np

import numnet as tf

rng = np.random.default_rng(59)
n = 900
age_years = rng.uniform(0.5, 12.0, n)
fee = rng.choice([0, 50, 100, 200], n)
breed = rng.choice(["Mixed", "Terrier", "Poodle", "Husky", "Beagle"], n)
vaccinated = rng.choice(["Yes", "No", "Not Sure"], n)
photo_amt = rng.integers(0, 10, n)
score = (-0.3 * age_years + 0.012 * (200 - fee) + 1.2 * (vaccinated == "Yes")
         + 0.9 * (breed == "Poodle") - 0.8 * (breed == "Husky") + 0.15 * photo_amt
         + rng.normal(0.0, 0.7, n))
target = (score > np.median(score)).astype("int64")
columns = {"Age": age_years.astype("float32"), "Fee": fee.astype("int64"), "Breed1": breed,
           "Vaccinated": vaccinated, "PhotoAmt": photo_amt.astype("float32")}

train_rows, val_rows, test_rows = slice(0, 640), slice(640, 770), slice(770, n)


def df_to_dataset(rows, shuffle=True, batch_size=32):
    df = {key: value[rows][:, tf.newaxis] for key, value in columns.items()}
    ds = tf.data.Dataset.from_tensor_slices((dict(df), target[rows]))
    if shuffle:
        ds = ds.shuffle(buffer_size=len(target[rows]), seed=1)
    ds = ds.batch(batch_size)
    ds = ds.prefetch(batch_size)
    return ds


batch_size = 64
train_ds = df_to_dataset(train_rows, batch_size=batch_size)
val_ds = df_to_dataset(val_rows, shuffle=False, batch_size=batch_size)
test_ds = df_to_dataset(test_rows, shuffle=False, batch_size=batch_size)
[(train_features, label_batch)] = train_ds.take(1)


def get_normalization_layer(name, dataset):
    normalizer = tf.keras.layers.Normalization(axis=None)
    feature_ds = dataset.map(lambda x, y: x[name])
    normalizer.adapt(feature_ds)
    return normalizer


photo_count_col = train_features["PhotoAmt"]
layer = get_normalization_layer("PhotoAmt", train_ds)
normalized_photos = layer(photo_count_col)


def get_category_encoding_layer(name, dataset, dtype, max_tokens=None):
    if dtype == "string":
        index = tf.keras.layers.StringLookup(max_tokens=max_tokens)
    else:
        index = tf.keras.layers.IntegerLookup(max_tokens=max_tokens)
    feature_ds = dataset.map(lambda x, y: x[name])
    index.adapt(feature_ds)
    encoder = tf.keras.layers.CategoryEncoding(num_tokens=index.vocabulary_size())
    return lambda feature: encoder(index(feature))


all_inputs = {}
encoded_features = []

for header in ["PhotoAmt", "Age"]:
    numeric_col = tf.keras.Input(shape=(1,), name=header)
    normalization_layer = get_normalization_layer(header, train_ds)
    encoded_numeric_col = normalization_layer(numeric_col)
    all_inputs[header] = numeric_col
    encoded_features.append(encoded_numeric_col)

fee_col = tf.keras.Input(shape=(1,), name="Fee", dtype="int64")
encoding_layer = get_category_encoding_layer(name="Fee", dataset=train_ds, dtype="int64",
                                             max_tokens=5)
encoded_fee_col = encoding_layer(fee_col)
all_inputs["Fee"] = fee_col
encoded_features.append(encoded_fee_col)

for header in ["Breed1", "Vaccinated"]:
    categorical_col = tf.keras.Input(shape=(1,), name=header, dtype="string")
    encoding_layer = get_category_encoding_layer(name=header, dataset=train_ds, dtype="string",
                                                 max_tokens=5)
    encoded_categorical_col = encoding_layer(categorical_col)
    all_inputs[header] = categorical_col
    encoded_features.append(encoded_categorical_col)

all_features = tf.keras.layers.concatenate(encoded_features)
x = tf.keras.layers.Dense(32, activation="relu")(all_features)
x = tf.keras.layers.Dropout(0.5)(x)
output = tf.keras.layers.Dense(1)(x)

model = tf.keras.Model(all_inputs, output)
model.compile(optimizer="adam",
              loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
              metrics=["accuracy"])
history = model.fit(train_ds, epochs=12, validation_data=val_ds, verbose=0)
loss, accuracy = model.evaluate(test_ds, verbose=0)

sample = {"Age": 1.0, "Fee": 0, "Breed1": "Poodle", "Vaccinated": "Yes", "PhotoAmt": 8.0}
input_dict = {name: tf.convert_to_tensor([value]) for name, value in sample.items()}
predictions = model.predict(input_dict, verbose=0)
prob = tf.nn.sigmoid(predictions[0])

RESULT = {
    "batch_rows": float(photo_count_col.shape[0]),
    "normalized_mean": float(abs(np.mean(np.asarray(layer(columns["PhotoAmt"][train_rows]))))),
    "features_width": float(all_features.shape[-1]),
    "test_accuracy": float(accuracy),
    "val_accuracy": float(max(history.history["val_accuracy"])),
    "sample_probability": float(np.asarray(prob)[0]),
    "params": float(model.count_params()),
}
print(RESULT)
