"""The Keras example "Structured data learning with Wide, Deep, and Cross networks"
(structured_data/wide_deep_cross_networks.py), on a synthetic forest-cover-like table.

As the example: a dict of Inputs (float32 for numeric features, string for categorical ones);
encode_inputs turns each categorical column into a multi-hot vector (a StringLookup with
num_oov_indices=0 and output_mode="multi_hot" on ops.expand_dims of the column) or, for the
deep parts, into indices looked up in an Embedding of int(sqrt(vocabulary)) dimensions;
layers.concatenate joins them. Three models: a baseline MLP (Dense, BatchNormalization, ReLU,
Dropout), a Wide & Deep model (the BatchNormalization of the one-hot features beside the MLP
of the embedded ones) and a Deep & Cross model (cross layers x0 * Dense(cross) + cross on
the symbolic tensors, beside the deep MLP), each trained with Adam on the sparse categorical
cross-entropy. The example reads CSV files through tf.data; here fit takes the columns as a
dict of arrays in order, dropout is 0 and the weights start from a NumPy draw, so the
baseline's losses are Keras's to float32 rounding (Keras on TensorFlow gives Adam the
Embeddings' gradients as IndexedSlices and squares the slices of a repeated row apart, so the
two models with embeddings are compared by their level).
"""

import math

import numpy as np
from numnet.keras import layers

import numnet as keras
import numnet as tf

rng = np.random.default_rng(31)
NUMERIC_FEATURE_NAMES = ["Elevation", "Slope", "Horizontal_Distance_To_Hydrology"]
CATEGORICAL_FEATURES_WITH_VOCABULARY = {
    "Soil_Type": [f"soil_{i}" for i in range(9)],
    "Wilderness_Area": ["area_1", "area_2", "area_3", "area_4"],
}
CATEGORICAL_FEATURE_NAMES = list(CATEGORICAL_FEATURES_WITH_VOCABULARY.keys())
FEATURE_NAMES = NUMERIC_FEATURE_NAMES + CATEGORICAL_FEATURE_NAMES
NUM_CLASSES = 3


def make_table(n):
    soil = rng.integers(0, 9, n)
    area = rng.integers(0, 4, n)
    elevation = rng.normal(0, 1, n)
    slope = rng.normal(0, 1, n)
    hydrology = rng.normal(0, 1, n)
    score = np.stack([elevation + 0.5 * (soil % 3 == 0),
                      slope - 0.5 * elevation + 0.8 * (area == 1),
                      hydrology + 0.6 * (soil > 5) - 0.3 * (area == 3)], 1)
    labels = np.argmax(score + rng.normal(0, 0.3, score.shape), 1)
    features = {
        "Elevation": elevation.astype("float32"),
        "Slope": slope.astype("float32"),
        "Horizontal_Distance_To_Hydrology": hydrology.astype("float32"),
        "Soil_Type": np.array([f"soil_{i}" for i in soil], dtype=object),
        "Wilderness_Area": np.array([f"area_{i + 1}" for i in area], dtype=object),
    }
    return features, labels


train_x, train_y = make_table(480)
test_x, test_y = make_table(160)

learning_rate = 0.01
dropout_rate = 0.0
batch_size = 32
num_epochs = 5
hidden_units = [16, 16]


def start_from_draw(model, seed):
    draw = np.random.default_rng(seed)
    model.set_weights([
        draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim >= 2 else w.numpy()
        for w in model.weights
    ])


def run_experiment(model):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(),
        metrics=[keras.metrics.SparseCategoricalAccuracy()],
    )
    history = model.fit(train_x, train_y, batch_size=batch_size, epochs=num_epochs,
                        shuffle=False, verbose=0)
    _, accuracy = model.evaluate(test_x, test_y, verbose=0)
    return history, accuracy


def create_model_inputs():
    inputs = {}
    for feature_name in FEATURE_NAMES:
        if feature_name in NUMERIC_FEATURE_NAMES:
            inputs[feature_name] = layers.Input(
                name=feature_name, shape=(), dtype="float32"
            )
        else:
            inputs[feature_name] = layers.Input(
                name=feature_name, shape=(), dtype="string"
            )
    return inputs


def encode_inputs(inputs, use_embedding=False):
    encoded_features = []
    for feature_name in inputs:
        if feature_name in CATEGORICAL_FEATURE_NAMES:
            vocabulary = CATEGORICAL_FEATURES_WITH_VOCABULARY[feature_name]
            lookup = layers.StringLookup(
                vocabulary=vocabulary,
                mask_token=None,
                num_oov_indices=0,
                output_mode="int" if use_embedding else "multi_hot",
            )
            if use_embedding:
                # Convert the string input values into integer indices.
                encoded_feature = lookup(inputs[feature_name])
                embedding_dims = int(math.sqrt(len(vocabulary)))
                # Create an embedding layer with the specified dimensions.
                embedding = layers.Embedding(
                    input_dim=len(vocabulary), output_dim=embedding_dims
                )
                # Convert the index values to embedding representations.
                encoded_feature = embedding(encoded_feature)
            else:
                # Convert the string input values into a one hot encoding.
                encoded_feature = lookup(
                    keras.ops.expand_dims(inputs[feature_name], -1)
                )
        else:
            # Use the numerical features as-is.
            encoded_feature = keras.ops.expand_dims(inputs[feature_name], -1)

        encoded_features.append(encoded_feature)

    all_features = layers.concatenate(encoded_features)
    return all_features


def create_baseline_model():
    inputs = create_model_inputs()
    features = encode_inputs(inputs)

    for units in hidden_units:
        features = layers.Dense(units)(features)
        features = layers.BatchNormalization()(features)
        features = layers.ReLU()(features)
        features = layers.Dropout(dropout_rate)(features)

    outputs = layers.Dense(units=NUM_CLASSES, activation="softmax")(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def create_wide_and_deep_model():
    inputs = create_model_inputs()
    wide = encode_inputs(inputs)
    wide = layers.BatchNormalization()(wide)

    deep = encode_inputs(inputs, use_embedding=True)
    for units in hidden_units:
        deep = layers.Dense(units)(deep)
        deep = layers.BatchNormalization()(deep)
        deep = layers.ReLU()(deep)
        deep = layers.Dropout(dropout_rate)(deep)

    merged = layers.concatenate([wide, deep])
    outputs = layers.Dense(units=NUM_CLASSES, activation="softmax")(merged)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def create_deep_and_cross_model():
    inputs = create_model_inputs()
    x0 = encode_inputs(inputs, use_embedding=True)

    cross = x0
    for _ in hidden_units:
        units = cross.shape[-1]
        x = layers.Dense(units)(cross)
        cross = x0 * x + cross
    cross = layers.BatchNormalization()(cross)

    deep = x0
    for units in hidden_units:
        deep = layers.Dense(units)(deep)
        deep = layers.BatchNormalization()(deep)
        deep = layers.ReLU()(deep)
        deep = layers.Dropout(dropout_rate)(deep)

    merged = layers.concatenate([cross, deep])
    outputs = layers.Dense(units=NUM_CLASSES, activation="softmax")(merged)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


RESULT = {}
probe = encode_inputs(create_model_inputs())
RESULT["wide_width"] = float(probe.shape[-1])
probe = encode_inputs(create_model_inputs(), use_embedding=True)
RESULT["deep_width"] = float(probe.shape[-1])
for tag, build in (("baseline", create_baseline_model), ("wide_deep", create_wide_and_deep_model),
                   ("deep_cross", create_deep_and_cross_model)):
    model = build()
    RESULT[f"{tag}_params"] = float(model.count_params())
    start_from_draw(model, 3)
    history, accuracy = run_experiment(model)
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"{tag}_loss_{epoch}"] = float(value)
    RESULT[f"{tag}_accuracy"] = float(accuracy)
one_row = {name: values[:1] for name, values in test_x.items()}
RESULT["one_row_probability_sum"] = float(np.sum(model.predict(one_row, verbose=0)))
RESULT["string_dtype_ok"] = float(tf.as_dtype(tf.string) == tf.string)
print(RESULT)
