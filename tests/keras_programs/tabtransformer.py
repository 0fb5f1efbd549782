"""The Keras example "Structured data learning with TabTransformer"
(structured_data/tabtransformer.py), on a synthetic census-like table.

As the example (its Keras 3 form): a dict of float32 Inputs, one per feature; each categorical
feature embedded by its own Embedding (float indices, cast by the layer) and the embeddings
stacked with ops.stack on the symbolic tensors, with a column embedding over ops.arange
added; Transformer blocks of MultiHeadAttention, Add, LayerNormalization and a feed-forward
MLP made by create_mlp with a normalization layer passed as functools.partial; the
contextual embeddings flattened and concatenated with the LayerNormalization of the numeric
features; a final MLP of BatchNormalization, selu Dense layers and Dropout, and a sigmoid.
The baseline MLP model is trained too. Both compile with AdamW (weight decay) and binary
cross-entropy. With use_column_embedding the column Embedding is called on ops.arange, a
constant, so in a functional model (Keras's and numnet's alike) it is run once at
construction and its random table is a constant of the model: neither trained nor set by
set_weights, so that variant's losses are only bounded. The example reads CSV files through
tf.data and StringLookup; here the columns are indexed with NumPy and given to fit as a dict
of arrays in order, dropout is 0 and the weights start from a NumPy draw, so the losses are
Keras's to float32 rounding.
"""

from functools import partial

import numpy as np

import numnet as keras
from numnet import layers, ops

keras.utils.set_random_seed(3)
rng = np.random.default_rng(21)
NUMERIC_FEATURE_NAMES = ["age", "education_num", "hours_per_week"]
CATEGORICAL_FEATURES_WITH_VOCABULARY = {
    "workclass": ["Private", "Self-emp", "Government", "Without-pay"],
    "marital_status": ["Married", "Never-married", "Divorced", "Widowed"],
    "occupation": ["Tech", "Sales", "Craft", "Admin", "Service"],
    "relationship": ["Husband", "Wife", "Own-child", "Unmarried"],
}
CATEGORICAL_FEATURE_NAMES = list(CATEGORICAL_FEATURES_WITH_VOCABULARY.keys())
FEATURE_NAMES = NUMERIC_FEATURE_NAMES + CATEGORICAL_FEATURE_NAMES


def make_table(n):
    columns = {
        "age": rng.uniform(18, 70, n),
        "education_num": rng.integers(1, 17, n).astype(float),
        "hours_per_week": rng.uniform(10, 60, n),
    }
    for name, vocabulary in CATEGORICAL_FEATURES_WITH_VOCABULARY.items():
        columns[name] = rng.integers(0, len(vocabulary), n).astype(float)
    score = (0.05 * (columns["age"] - 40) + 0.3 * (columns["education_num"] - 9)
             + 0.04 * (columns["hours_per_week"] - 35)
             + np.where(columns["occupation"] == 0, 1.0, 0.0)
             - np.where(columns["marital_status"] == 1, 0.8, 0.0)
             + rng.normal(0, 0.5, n))
    # the numeric columns scaled to about unit size, as a preprocessing step would
    columns["age"] = (columns["age"] - 44) / 15
    columns["education_num"] = (columns["education_num"] - 8.5) / 4.6
    columns["hours_per_week"] = (columns["hours_per_week"] - 35) / 14
    features = {name: values.astype("float32") for name, values in columns.items()}
    return features, (score > 0).astype("float32")


train_x, train_y = make_table(384)
test_x, test_y = make_table(128)

LEARNING_RATE = 0.01
WEIGHT_DECAY = 0.0001
DROPOUT_RATE = 0.0
BATCH_SIZE = 32
NUM_EPOCHS = 5

NUM_TRANSFORMER_BLOCKS = 2  # Number of transformer blocks.
NUM_HEADS = 2  # Number of attention heads.
EMBEDDING_DIMS = 8  # Embedding dimensions of the categorical features.
MLP_HIDDEN_UNITS_FACTORS = [2, 1]  # MLP hidden layer units, as factors of the number of inputs.
NUM_MLP_BLOCKS = 2  # Number of MLP blocks in the baseline model.


def start_from_draw(model, seed):
    draw = np.random.default_rng(seed)
    model.set_weights([
        draw.normal(0.0, 0.3, w.shape).astype("float32") if w.ndim >= 2 else w.numpy()
        for w in model.weights
    ])


def run_experiment(model, num_epochs, learning_rate, weight_decay, batch_size):
    optimizer = keras.optimizers.AdamW(
        learning_rate=learning_rate, weight_decay=weight_decay
    )
    model.compile(
        optimizer=optimizer,
        loss=keras.losses.BinaryCrossentropy(),
        metrics=[keras.metrics.BinaryAccuracy(name="accuracy")],
    )
    history = model.fit(
        train_x, train_y, epochs=num_epochs, batch_size=batch_size, shuffle=False,
        validation_data=(test_x, test_y), verbose=0,
    )
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
                name=feature_name, shape=(), dtype="float32"
            )
    return inputs


def encode_inputs(inputs, embedding_dims):
    encoded_categorical_feature_list = []
    numerical_feature_list = []

    for feature_name in inputs:
        if feature_name in CATEGORICAL_FEATURE_NAMES:
            vocabulary = CATEGORICAL_FEATURES_WITH_VOCABULARY[feature_name]
            # Create an embedding layer with the specified dimensions.
            embedding = layers.Embedding(
                input_dim=len(vocabulary), output_dim=embedding_dims
            )
            # Convert the index values to embedding representations.
            encoded_categorical_feature = embedding(inputs[feature_name])
            encoded_categorical_feature_list.append(encoded_categorical_feature)
        else:
            # Use the numerical features as-is.
            numerical_feature = ops.expand_dims(inputs[feature_name], -1)
            numerical_feature_list.append(numerical_feature)

    return encoded_categorical_feature_list, numerical_feature_list


def create_mlp(hidden_units, dropout_rate, activation, normalization_layer, name=None):
    mlp_layers = []
    for units in hidden_units:
        mlp_layers.append(normalization_layer())
        mlp_layers.append(layers.Dense(units, activation=activation))
        mlp_layers.append(layers.Dropout(dropout_rate))

    return keras.Sequential(mlp_layers, name=name)


def create_baseline_model(
    embedding_dims, num_mlp_blocks, mlp_hidden_units_factors, dropout_rate
):
    inputs = create_model_inputs()
    encoded_categorical_feature_list, numerical_feature_list = encode_inputs(
        inputs, embedding_dims
    )
    features = layers.concatenate(
        encoded_categorical_feature_list + numerical_feature_list
    )
    feedforward_units = [features.shape[-1]]
    for layer_idx in range(num_mlp_blocks):
        features = create_mlp(
            hidden_units=feedforward_units,
            dropout_rate=dropout_rate,
            activation=keras.activations.gelu,
            normalization_layer=layers.LayerNormalization,
            name=f"feedforward_{layer_idx}",
        )(features)
    mlp_hidden_units = [
        factor * features.shape[-1] for factor in mlp_hidden_units_factors
    ]
    features = create_mlp(
        hidden_units=mlp_hidden_units,
        dropout_rate=dropout_rate,
        activation=keras.activations.selu,
        normalization_layer=layers.BatchNormalization,
        name="MLP",
    )(features)
    outputs = layers.Dense(units=1, activation="sigmoid", name="sigmoid")(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


def create_tabtransformer_classifier(
    num_transformer_blocks,
    num_heads,
    embedding_dims,
    mlp_hidden_units_factors,
    dropout_rate,
    use_column_embedding=False,
):
    inputs = create_model_inputs()
    encoded_categorical_feature_list, numerical_feature_list = encode_inputs(
        inputs, embedding_dims
    )
    # Stack categorical feature embeddings for the Tansformer.
    encoded_categorical_features = ops.stack(encoded_categorical_feature_list, axis=1)
    # Concatenate numerical features.
    numerical_features = layers.concatenate(numerical_feature_list)

    # Add column embedding to categorical feature embeddings.
    if use_column_embedding:
        num_columns = encoded_categorical_features.shape[1]
        column_embedding = layers.Embedding(
            input_dim=num_columns, output_dim=embedding_dims
        )
        column_indices = ops.arange(start=0, stop=num_columns, step=1)
        encoded_categorical_features = encoded_categorical_features + column_embedding(
            column_indices
        )

    # Create multiple layers of the Transformer block.
    for block_idx in range(num_transformer_blocks):
        attention_output = layers.MultiHeadAttention(
            num_heads=num_heads,
            key_dim=embedding_dims,
            dropout=dropout_rate,
            name=f"multihead_attention_{block_idx}",
        )(encoded_categorical_features, encoded_categorical_features)
        x = layers.Add(name=f"skip_connection1_{block_idx}")(
            [attention_output, encoded_categorical_features]
        )
        x = layers.LayerNormalization(name=f"layer_norm1_{block_idx}", epsilon=1e-6)(x)
        feedforward_output = create_mlp(
            hidden_units=[embedding_dims],
            dropout_rate=dropout_rate,
            activation=keras.activations.gelu,
            normalization_layer=partial(
                layers.LayerNormalization, epsilon=1e-6
            ),  # using partial to provide keyword arguments before initialization
            name=f"feedforward_{block_idx}",
        )(x)
        x = layers.Add(name=f"skip_connection2_{block_idx}")([feedforward_output, x])
        encoded_categorical_features = layers.LayerNormalization(
            name=f"layer_norm2_{block_idx}", epsilon=1e-6
        )(x)

    categorical_features = layers.Flatten()(encoded_categorical_features)
    numerical_features = layers.LayerNormalization(epsilon=1e-6)(numerical_features)
    features = layers.concatenate([categorical_features, numerical_features])
    mlp_hidden_units = [
        factor * features.shape[-1] for factor in mlp_hidden_units_factors
    ]
    features = create_mlp(
        hidden_units=mlp_hidden_units,
        dropout_rate=dropout_rate,
        activation=keras.activations.selu,
        normalization_layer=layers.BatchNormalization,
        name="MLP",
    )(features)
    outputs = layers.Dense(units=1, activation="sigmoid", name="sigmoid")(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


RESULT = {}
baseline_model = create_baseline_model(
    embedding_dims=EMBEDDING_DIMS,
    num_mlp_blocks=NUM_MLP_BLOCKS,
    mlp_hidden_units_factors=MLP_HIDDEN_UNITS_FACTORS,
    dropout_rate=DROPOUT_RATE,
)
RESULT["baseline_params"] = float(baseline_model.count_params())
start_from_draw(baseline_model, 1)
history, accuracy = run_experiment(baseline_model, NUM_EPOCHS, LEARNING_RATE, WEIGHT_DECAY,
                                   BATCH_SIZE)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"baseline_loss_{epoch}"] = float(value)
RESULT["baseline_accuracy"] = float(accuracy)

for use_column_embedding in (False, True):
    tag = "column" if use_column_embedding else "plain"
    tabtransformer_model = create_tabtransformer_classifier(
        num_transformer_blocks=NUM_TRANSFORMER_BLOCKS,
        num_heads=NUM_HEADS,
        embedding_dims=EMBEDDING_DIMS,
        mlp_hidden_units_factors=MLP_HIDDEN_UNITS_FACTORS,
        dropout_rate=DROPOUT_RATE,
        use_column_embedding=use_column_embedding,
    )
    RESULT[f"{tag}_params"] = float(tabtransformer_model.count_params())
    RESULT[f"{tag}_layers"] = float(len(tabtransformer_model.layers))
    start_from_draw(tabtransformer_model, 2)
    history, accuracy = run_experiment(tabtransformer_model, NUM_EPOCHS, LEARNING_RATE,
                                       WEIGHT_DECAY, BATCH_SIZE)
    for epoch, value in enumerate(history.history["loss"]):
        RESULT[f"{tag}_loss_{epoch}"] = float(value)
    RESULT[f"{tag}_val_loss_last"] = float(history.history["val_loss"][-1])
    RESULT[f"{tag}_accuracy"] = float(accuracy)
print(RESULT)
