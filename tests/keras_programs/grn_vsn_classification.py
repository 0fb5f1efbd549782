"""The Keras example "Classification with Gated Residual and Variable Selection Networks"
(structured_data/classification_with_grn_and_vsn.py), on a synthetic census-like table.

As the example: CSV files are read by tf.data.experimental.make_csv_dataset with
column_defaults and mapped by a process function that turns each categorical column into
indices with a StringLookup(num_oov_indices=0) and pops the instance-weight column as the
sample weight. The model takes a dict of Inputs (int64 for categorical features, float32 for
numeric ones). A VariableSelection layer keeps its Embedding and Dense layers in dicts and
its GatedResidualNetworks (ELU Dense, linear Dense, Dropout, a GatedLinearUnit, a residual
Add and LayerNormalization, with a projection when the widths differ) in a list; it embeds
or projects every feature, weighs the features by a softmax from a GRN of their
concatenation, and sums the per-feature GRNs by those weights (keras.ops.stack, then
tf.matmul(v, x, transpose_a=True), the example's TensorFlow branch). Its build takes no
input shape, as the example's. The model trains on the binary cross-entropy with
EarlyStopping(restore_best_weights). The example shuffles the training file and uses Adam;
here the file is read in order, dropout is 0, the weights start from a NumPy draw and the
optimizer is SGD (Keras on TensorFlow gives Adam an Embedding's gradient as IndexedSlices and
squares the slices of a repeated row apart, which Keras on JAX and numnet do not), so the
losses are Keras's to float32 rounding.
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

rng = np.random.default_rng(12)
NUMERIC_FEATURE_NAMES = ["age", "wage_per_hour", "weeks_worked_in_year"]
CATEGORICAL_FEATURES_WITH_VOCABULARY = {
    "education": sorted(["Bachelors", "HS-grad", "Masters", "Doctorate", "Some-college"]),
    "occupation": sorted(["Sales", "Tech", "Craft", "Admin"]),
    "marital_stat": sorted(["Married", "Never-married", "Divorced"]),
}
TARGET_FEATURE_NAME = "income_level"
WEIGHT_COLUMN_NAME = "instance_weight"
CSV_HEADER = (NUMERIC_FEATURE_NAMES[:2] + ["education", "occupation", WEIGHT_COLUMN_NAME]
              + NUMERIC_FEATURE_NAMES[2:] + ["marital_stat", TARGET_FEATURE_NAME])
FEATURE_NAMES = NUMERIC_FEATURE_NAMES + list(CATEGORICAL_FEATURES_WITH_VOCABULARY.keys())
COLUMN_DEFAULTS = [
    (
        [0.0]
        if feature_name
        in NUMERIC_FEATURE_NAMES + [TARGET_FEATURE_NAME, WEIGHT_COLUMN_NAME]
        else ["NA"]
    )
    for feature_name in CSV_HEADER
]

education_score = {"Bachelors": 1.0, "HS-grad": -0.5, "Masters": 1.5, "Doctorate": 2.0,
                   "Some-college": 0.0}


def make_rows(n):
    rows = []
    for _ in range(n):
        age = rng.uniform(18, 70)
        wage = rng.uniform(5, 40)
        weeks = rng.uniform(0, 52)
        education = rng.choice(CATEGORICAL_FEATURES_WITH_VOCABULARY["education"])
        occupation = rng.choice(CATEGORICAL_FEATURES_WITH_VOCABULARY["occupation"])
        marital = rng.choice(CATEGORICAL_FEATURES_WITH_VOCABULARY["marital_stat"])
        score = (0.04 * (age - 40) + 0.08 * (wage - 20) + 0.03 * (weeks - 26)
                 + education_score[education] + (0.7 if occupation == "Tech" else 0.0)
                 + rng.normal(0, 0.4))
        weight = round(rng.uniform(0.5, 2.0), 3)
        values = {"age": round(age, 2), "wage_per_hour": round(wage, 2),
                  "weeks_worked_in_year": round(weeks, 1), "education": education,
                  "occupation": occupation, "marital_stat": marital,
                  WEIGHT_COLUMN_NAME: weight, TARGET_FEATURE_NAME: float(score > 0)}
        rows.append(",".join(str(values[name]) for name in CSV_HEADER))
    return rows


train_data_file = "train_data.csv"
valid_data_file = "valid_data.csv"
test_data_file = "test_data.csv"
for path, n in ((train_data_file, 320), (valid_data_file, 96), (test_data_file, 96)):
    with open(path, "w") as handle:
        handle.write("\n".join(make_rows(n)) + "\n")


def process(features, target):
    for feature_name in features:
        if feature_name in CATEGORICAL_FEATURES_WITH_VOCABULARY:
            # Cast categorical feature values to string.
            features[feature_name] = tf.cast(features[feature_name], "string")
            vocabulary = CATEGORICAL_FEATURES_WITH_VOCABULARY[feature_name]
            # Create a lookup to convert a string values to an integer indices.
            index = layers.StringLookup(
                vocabulary=vocabulary,
                mask_token=None,
                num_oov_indices=0,
                output_mode="int",
            )
            # Convert the string input values into integer indices.
            value_index = index(features[feature_name])
            features[feature_name] = value_index
        else:
            # Do nothing for numerical features
            pass

    # Get the instance weight.
    weight = features.pop(WEIGHT_COLUMN_NAME)
    # Change features from OrderedDict to Dict to match Inputs as they are Dict.
    return dict(features), target, weight


def get_dataset_from_csv(csv_file_path, shuffle=False, batch_size=128):
    dataset = tf.data.experimental.make_csv_dataset(
        csv_file_path,
        batch_size=batch_size,
        column_names=CSV_HEADER,
        column_defaults=COLUMN_DEFAULTS,
        label_name=TARGET_FEATURE_NAME,
        num_epochs=1,
        header=False,
        shuffle=shuffle,
    ).map(process)

    return dataset


def create_model_inputs():
    inputs = {}
    for feature_name in FEATURE_NAMES:
        if feature_name in CATEGORICAL_FEATURES_WITH_VOCABULARY:
            # Make them int64, they are Categorical (whole units)
            inputs[feature_name] = layers.Input(
                name=feature_name, shape=(), dtype="int64"
            )
        else:
            # Make them float32, they are Real numbers
            inputs[feature_name] = layers.Input(
                name=feature_name, shape=(), dtype="float32"
            )
    return inputs


class GatedLinearUnit(layers.Layer):
    def __init__(self, units):
        super().__init__()
        self.linear = layers.Dense(units)
        self.sigmoid = layers.Dense(units, activation="sigmoid")

    def call(self, inputs):
        return self.linear(inputs) * self.sigmoid(inputs)


class GatedResidualNetwork(layers.Layer):
    def __init__(self, units, dropout_rate):
        super().__init__()
        self.units = units
        self.elu_dense = layers.Dense(units, activation="elu")
        self.linear_dense = layers.Dense(units)
        self.dropout = layers.Dropout(dropout_rate)
        self.gated_linear_unit = GatedLinearUnit(units)
        self.layer_norm = layers.LayerNormalization()
        self.project = layers.Dense(units)

    def call(self, inputs):
        x = self.elu_dense(inputs)
        x = self.linear_dense(x)
        x = self.dropout(x)
        if inputs.shape[-1] != self.units:
            inputs = self.project(inputs)
        x = inputs + self.gated_linear_unit(x)
        x = self.layer_norm(x)
        return x


class VariableSelection(layers.Layer):
    def __init__(self, num_features, units, dropout_rate):
        super().__init__()
        self.units = units
        # Create an embedding layers with the specified dimensions
        self.embeddings = dict()
        for input_ in CATEGORICAL_FEATURES_WITH_VOCABULARY:
            vocabulary = CATEGORICAL_FEATURES_WITH_VOCABULARY[input_]
            embedding_encoder = layers.Embedding(
                input_dim=len(vocabulary), output_dim=self.units, name=input_
            )
            self.embeddings[input_] = embedding_encoder

        # Projection layers for numeric features
        self.proj_layer = dict()
        for input_ in NUMERIC_FEATURE_NAMES:
            proj_layer = layers.Dense(units=self.units)
            self.proj_layer[input_] = proj_layer

        self.grns = list()
        # Create a GRN for each feature independently
        for _ in range(num_features):
            grn = GatedResidualNetwork(units, dropout_rate)
            self.grns.append(grn)
        # Create a GRN for the concatenation of all the features
        self.grn_concat = GatedResidualNetwork(units, dropout_rate)
        self.softmax = layers.Dense(units=num_features, activation="softmax")

    def call(self, inputs):
        concat_inputs = []
        for input_ in inputs:
            if input_ in CATEGORICAL_FEATURES_WITH_VOCABULARY:
                max_index = self.embeddings[input_].input_dim - 1  # Clamp the indices
                embedded_feature = self.embeddings[input_](
                    keras.ops.clip(inputs[input_], 0, max_index)
                )
                concat_inputs.append(embedded_feature)
            else:
                # Project the numeric feature to encoding_size using linear transformation.
                proj_feature = keras.ops.expand_dims(inputs[input_], -1)
                proj_feature = self.proj_layer[input_](proj_feature)
                concat_inputs.append(proj_feature)

        v = layers.concatenate(concat_inputs)
        v = self.grn_concat(v)
        v = keras.ops.expand_dims(self.softmax(v), axis=-1)
        x = []
        for idx, input in enumerate(concat_inputs):
            x.append(self.grns[idx](input))
        x = keras.ops.stack(x, axis=1)
        return keras.ops.squeeze(tf.matmul(v, x, transpose_a=True), axis=1)

    # to remove the build warnings
    def build(self):
        self.built = True


def create_model(encoding_size):
    inputs = create_model_inputs()
    num_features = len(inputs)
    features = VariableSelection(num_features, encoding_size, dropout_rate)(inputs)
    outputs = layers.Dense(units=1, activation="sigmoid")(features)
    # Functional model
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


learning_rate = 0.1
dropout_rate = 0.0
batch_size = 32
num_epochs = 6
encoding_size = 8

RESULT = {}
for features, _, weight in get_dataset_from_csv(train_data_file, batch_size=4).take(1):
    RESULT["feature_count"] = float(len(features))
    RESULT["education_is_index"] = float(features["education"].dtype in ("int64", tf.int64))
    RESULT["weight_positive"] = float(np.all(np.asarray(weight) > 0))

model = create_model(encoding_size)
RESULT["params"] = float(model.count_params())
RESULT["weights"] = float(len(model.weights))
draw = np.random.default_rng(5)
model.set_weights([
    draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim == 2
    else w.numpy() for w in model.weights
])
model.compile(
    optimizer=keras.optimizers.SGD(learning_rate=learning_rate),
    loss=keras.losses.BinaryCrossentropy(),
    metrics=[keras.metrics.BinaryAccuracy(name="accuracy")],
)

# Create an early stopping callback.
early_stopping = keras.callbacks.EarlyStopping(
    monitor="val_loss", patience=5, restore_best_weights=True
)

train_dataset = get_dataset_from_csv(
    train_data_file, shuffle=False, batch_size=batch_size
)
valid_dataset = get_dataset_from_csv(valid_data_file, batch_size=batch_size)
history = model.fit(
    train_dataset,
    epochs=num_epochs,
    validation_data=valid_dataset,
    callbacks=[early_stopping],
    verbose=0,
)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
RESULT["val_loss_last"] = float(history.history["val_loss"][-1])

test_dataset = get_dataset_from_csv(test_data_file, batch_size=batch_size)
test_loss, accuracy = model.evaluate(test_dataset, verbose=0)
RESULT["test_loss"] = float(test_loss)
RESULT["test_accuracy"] = float(accuracy)

# The selection weights of the first test rows: a softmax over the six features
selection = model.layers[-2]
for features, _, _ in test_dataset.take(1):
    concat = [selection.proj_layer[name](keras.ops.expand_dims(features[name], -1))
              if name in NUMERIC_FEATURE_NAMES else selection.embeddings[name](features[name])
              for name in features]
    weights = selection.softmax(selection.grn_concat(layers.concatenate(concat)))
    RESULT["selection_row_sum"] = float(np.max(np.abs(np.sum(np.asarray(weights), 1) - 1)))
print(RESULT)
