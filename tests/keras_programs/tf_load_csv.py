"""After the TensorFlow tutorial "Load CSV data": small abalone-, titanic-, traffic- and
fonts-like CSV files written to a temporary directory, then read as the tutorial reads them:
make_csv_dataset with a label column (types inferred), packed into one feature matrix and
normalised by a Normalization adapted on the dataset, a regression trained on it from weights
drawn with NumPy; the titanic's mixed columns as a dict of Inputs (Normalization on the
numbers, StringLookup + CategoryEncoding on the strings) trained on make_csv_dataset's batches;
a GZIP file, cached and snapshotted; several files by a glob with num_parallel_reads and
their pixel columns stacked into images; and the lower-level readers: tf.io.decode_csv on
lines, TextLineDataset with skip(1) and map, CsvDataset with header=True, list_files +
interleave of TextLineDatasets.
"""

import gzip
import os
import re
import tempfile

import numpy as np

import numnet as tf

tf.keras.utils.set_random_seed(7)
rng = np.random.default_rng(23)
data_dir = tempfile.mkdtemp()


def write_csv(path, header, rows, opener=open):
    with opener(path, "wt") as f:
        f.write(",".join(header) + "\n")
        for row in rows:
            f.write(",".join(str(value) for value in row) + "\n")


# ----- abalone: all numeric, the age to predict
abalone_names = ["Length", "Diameter", "Height", "Whole weight", "Shucked weight",
                 "Viscera weight", "Shell weight", "Age"]
n = 320
shape = rng.uniform(0.2, 0.8, (n, 7)).round(4)
age = (4 + 6 * shape[:, 0] + 9 * shape[:, 6] + rng.normal(0, 0.5, n)).round().astype(int)
abalone_file = os.path.join(data_dir, "abalone_train.csv")
write_csv(abalone_file, abalone_names, [list(shape[i]) + [age[i]] for i in range(n)])

abalone_csv_ds = tf.data.experimental.make_csv_dataset(
    abalone_file, batch_size=32, label_name="Age", num_epochs=1, shuffle=False)
features_spec, label_spec = abalone_csv_ds.element_spec


def pack(features, label):
    return tf.stack(list(features.values()), axis=1), tf.cast(label, tf.float32)


packed_abalone = abalone_csv_ds.map(pack)
normalize = tf.keras.layers.Normalization()
normalize.adapt(packed_abalone.map(lambda x, y: x))

norm_abalone_model = tf.keras.Sequential([
    tf.keras.Input(shape=(7,)),
    normalize,
    tf.keras.layers.Dense(64, activation="relu"),
    tf.keras.layers.Dense(1),
])
draw = np.random.default_rng(5)
norm_abalone_model.layers[1].set_weights([
    draw.normal(0, 0.2, (7, 64)).astype("float32"), np.zeros(64, "float32")])
norm_abalone_model.layers[2].set_weights([
    draw.normal(0, 0.2, (64, 1)).astype("float32"), np.zeros(1, "float32")])
norm_abalone_model.compile(loss=tf.keras.losses.MeanSquaredError(),
                           optimizer=tf.keras.optimizers.Adam(learning_rate=0.01))
abalone_history = norm_abalone_model.fit(packed_abalone, epochs=6, verbose=0)
abalone_mae = float(np.mean(np.abs(
    norm_abalone_model.predict(packed_abalone, verbose=0)[:, 0] - age)))

# ----- titanic: mixed types
sexes = rng.choice(["male", "female"], 300)
classes = rng.choice(["First", "Second", "Third"], 300, p=[0.25, 0.25, 0.5])
ages = rng.uniform(1, 70, 300).round(1)
siblings = rng.integers(0, 4, 300)
fares = (rng.uniform(5, 30, 300) * np.where(classes == "First", 4, 1)).round(3)
towns = rng.choice(["Southampton", "Cherbourg", "Queenstown"], 300)
alone = np.where(siblings == 0, "y", "n")
odds = 1.8 * (sexes == "female") + 1.2 * (classes == "First") - 0.9 * (classes == "Third") \
    - 0.02 * ages + rng.normal(0, 0.6, 300)
survived = (odds > np.median(odds)).astype(int)
titanic_file_path = os.path.join(data_dir, "titanic_train.csv")
write_csv(titanic_file_path,
          ["survived", "sex", "age", "n_siblings_spouses", "fare", "class", "embark_town",
           "alone"],
          zip(survived, sexes, ages, siblings, fares, classes, towns, alone))

titanic_csv_ds = tf.data.experimental.make_csv_dataset(
    titanic_file_path, batch_size=5, label_name="survived", num_epochs=1,
    ignore_errors=True)
for batch, label in titanic_csv_ds.take(1):
    for key, value in batch.items():
        print(f"{key:20s}: {value}")
    print(f"{'label':20s}: {label}")
batch_rows = int(label.shape[0])
titanic_spec, _ = titanic_csv_ds.element_spec

titanic_ds = tf.data.experimental.make_csv_dataset(
    titanic_file_path, batch_size=32, label_name="survived", num_epochs=1, shuffle_seed=3)


def as_columns(features, label):
    columns = {}
    for name, value in features.items():
        if value.dtype != tf.string:
            value = tf.cast(value, tf.float32)
        columns[name] = tf.expand_dims(value, -1)
    return columns, label


titanic_train = titanic_ds.map(as_columns)
inputs = {}
for name, spec in titanic_spec.items():
    dtype = tf.string if spec.dtype == tf.string else tf.float32
    inputs[name] = tf.keras.Input(shape=(1,), name=name, dtype=dtype)

numeric_names = [name for name, inp in inputs.items() if inp.dtype == tf.float32]
x = tf.keras.layers.Concatenate()([inputs[name] for name in numeric_names])
norm = tf.keras.layers.Normalization()
norm.adapt(titanic_train.map(lambda f, y: tf.concat([f[k] for k in numeric_names], axis=1)))
preprocessed_inputs = [norm(x)]
for name, inp in inputs.items():
    if inp.dtype == tf.float32:
        continue
    lookup = tf.keras.layers.StringLookup()
    lookup.adapt(titanic_train.map(lambda f, y, name=name: f[name]))
    one_hot = tf.keras.layers.CategoryEncoding(num_tokens=lookup.vocabulary_size())
    preprocessed_inputs.append(one_hot(lookup(inp)))
preprocessed_inputs_cat = tf.keras.layers.Concatenate()(preprocessed_inputs)
titanic_preprocessing = tf.keras.Model(inputs, preprocessed_inputs_cat)


def titanic_model(preprocessing_head, inputs):
    body = tf.keras.Sequential([
        tf.keras.layers.Dense(64, activation="relu"),
        tf.keras.layers.Dense(1),
    ])
    preprocessed_inputs = preprocessing_head(inputs)
    result = body(preprocessed_inputs)
    model = tf.keras.Model(inputs, result)
    model.compile(loss=tf.keras.losses.BinaryCrossentropy(from_logits=True),
                  optimizer=tf.keras.optimizers.Adam(), metrics=["accuracy"])
    return model


titanic_model = titanic_model(titanic_preprocessing, inputs)
titanic_history = titanic_model.fit(titanic_train, epochs=12, verbose=0)
titanic_loss, titanic_accuracy = titanic_model.evaluate(titanic_train, verbose=0)

# ----- a GZIP file
traffic_file = os.path.join(data_dir, "traffic.csv.gz")
hours = rng.integers(0, 24, 500)
write_csv(traffic_file, ["temp", "hour", "weather", "traffic_volume"],
          zip(rng.uniform(250, 300, 500).round(2), hours,
              rng.choice(["Clouds", "Clear", "Rain"], 500), 1000 + 200 * hours),
          opener=gzip.open)
traffic_volume_csv_gz_ds = tf.data.experimental.make_csv_dataset(
    traffic_file, batch_size=256, label_name="traffic_volume", num_epochs=1,
    compression_type="GZIP")
traffic_rows = 0
traffic_volume_sum = 0
for features, label in traffic_volume_csv_gz_ds:
    traffic_rows += int(label.shape[0])
    traffic_volume_sum += int(tf.reduce_sum(label))
    traffic_hours_are_int = float(features["hour"].dtype == tf.int32)
cached = traffic_volume_csv_gz_ds.cache().shuffle(1000)
cached_batches = sum(1 for _ in cached) + sum(1 for _ in cached)
snapshotting = traffic_volume_csv_gz_ds.snapshot(os.path.join(data_dir, "traffic.tfsnap"))
snapshotting = snapshotting.shuffle(1000)
snapshot_rows = sum(int(label.shape[0]) for _, label in snapshotting.repeat(2))

# ----- several files: fonts with pixel columns r{row}c{col}
fonts_dir = os.path.join(data_dir, "fonts")
os.makedirs(fonts_dir)
pixel_names = [f"r{r}c{c}" for r in range(3) for c in range(3)]
for f, font in enumerate(["AGENCY", "ARIAL", "BOOK"]):
    rows = []
    for i in range(7 + f):
        pixels = rng.integers(0, 256, 9)
        rows.append([font, "scanned", 65 + i, 0.4, 0, 0.0, 30 + i, 20 + f] + list(pixels))
    write_csv(os.path.join(fonts_dir, f"{font}.csv"),
              ["font", "fontVariant", "m_label", "strength", "italic", "orientation",
               "m_top", "m_left"] + pixel_names, rows)

fonts_ds = tf.data.experimental.make_csv_dataset(
    file_pattern=os.path.join(fonts_dir, "*.csv"), batch_size=10, num_epochs=1,
    num_parallel_reads=20, shuffle_buffer_size=10000)


def make_images(features):
    image = [None] * 9
    new_feats = {}
    for name, value in features.items():
        match = re.match(r"r(\d+)c(\d+)", name)
        if match:
            image[int(match.group(1)) * 3 + int(match.group(2))] = value
        else:
            new_feats[name] = value
    image = tf.stack(image, axis=0)
    image = tf.reshape(image, [3, 3, -1])
    image = tf.transpose(image, [2, 0, 1])
    new_feats["image"] = image
    return new_feats


fonts_image_ds = fonts_ds.map(make_images)
font_rows = 0
pixel_sum = 0
for features in fonts_image_ds:
    font_rows += int(features["image"].shape[0])
    pixel_sum += int(tf.reduce_sum(features["image"]))
image_height = int(features["image"].shape[1])

# ----- lower-level functions
with open(titanic_file_path) as f:
    text = f.read()
lines = text.split("\n")[1:-1]
all_strings = [str()] * 8  # noqa: UP018 (the tutorial's spelling)
features = tf.io.decode_csv(lines, record_defaults=all_strings)
string_columns = len(features)
titanic_types = [int(), str(), float(), int(), float(), str(), str(), str()]  # noqa: UP018
features = tf.io.decode_csv(lines, record_defaults=titanic_types)
decoded_age_sum = float(tf.reduce_sum(features[2]))


def decode_titanic_line(line):
    return tf.io.decode_csv(line, titanic_types)


simple_titanic = tf.data.TextLineDataset(titanic_file_path).skip(1).map(decode_titanic_line)
line_rows = 0
line_age_sum = 0.0
for example in simple_titanic:
    line_rows += 1
    line_age_sum += float(example[2])

simple_titanic_csv_ds = tf.data.experimental.CsvDataset(
    titanic_file_path, record_defaults=titanic_types, header=True)
csv_rows = 0
csv_survived = 0
for example in simple_titanic_csv_ds:
    csv_rows += 1
    csv_survived += int(example[0])

font_files = tf.data.Dataset.list_files(os.path.join(fonts_dir, "*.csv"))
font_line_ds = font_files.interleave(
    lambda fname: tf.data.TextLineDataset(fname).skip(1), cycle_length=3)
font_lines = sum(1 for _ in font_line_ds)
font_column_types = [str(), str()] + [float()] * 4 + [int()] * 2 + [int()] * 9  # noqa: UP018
font_csv_ds = tf.data.experimental.CsvDataset(
    sorted(tf.io.gfile.glob(os.path.join(fonts_dir, "*.csv"))),
    record_defaults=font_column_types, header=True)
font_csv_rows = 0
font_m_label_sum = 0.0
for row in font_csv_ds:
    font_csv_rows += 1
    font_m_label_sum += float(row[2])

RESULT = {
    "abalone_columns": float(len(features_spec)),
    "abalone_label_is_int": float(label_spec.dtype == tf.int32),
    "normalized_mean": float(np.abs(np.mean(normalize(np.asarray(shape[:, :7], "float32")),
                                            axis=0)).max()),
    **{f"loss_{epoch}": float(value)
       for epoch, value in enumerate(abalone_history.history["loss"])},
    "abalone_mae": abalone_mae,
    "batch_rows": float(batch_rows),
    "age_is_float": float(titanic_spec["age"].dtype == tf.float32),
    "sex_is_string": float(titanic_spec["sex"].dtype == tf.string),
    "siblings_is_int": float(titanic_spec["n_siblings_spouses"].dtype == tf.int32),
    "titanic_features": float(titanic_preprocessing.output_shape[-1]),
    "titanic_loss_first": float(titanic_history.history["loss"][0]),
    "titanic_loss_last": float(titanic_history.history["loss"][-1]),
    "titanic_accuracy": float(titanic_accuracy),
    "traffic_rows": float(traffic_rows),
    "traffic_volume_sum": float(traffic_volume_sum),
    "traffic_hours_are_int": traffic_hours_are_int,
    "cached_batches": float(cached_batches),
    "snapshot_rows": float(snapshot_rows),
    "font_rows": float(font_rows),
    "pixel_sum": float(pixel_sum),
    "image_height": float(image_height),
    "string_columns": float(string_columns),
    "decoded_age_sum": decoded_age_sum,
    "line_rows": float(line_rows),
    "line_age_sum": line_age_sum,
    "csv_rows": float(csv_rows),
    "csv_survived": float(csv_survived),
    "font_lines": float(font_lines),
    "font_csv_rows": float(font_csv_rows),
    "font_m_label_sum": font_m_label_sum,
}
print(RESULT)
