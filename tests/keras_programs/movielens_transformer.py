"""After the keras.io example "A Transformer-based recommendation system" (Behavior Sequence
Transformer on MovieLens): users' rating sequences of 4 movies written to "|"-separated CSV
files without a header and read back with tf.data.experimental.make_csv_dataset (column_names,
field_delim, num_epochs=None to repeat, shuffle), mapped with tf.strings.split(...).to_tensor()
and tf.strings.to_number; a dict of string and float Inputs; StringLookup(num_oov_indices=0,
mask_token=None) and an Embedding per user feature, concatenated; one movie lookup shared by
the target movie and the sequence, its Embedding joined with a frozen Embedding of multi-hot
genres (Constant initializer, trainable=False) through a Dense; position embeddings of
ops.arange added and the sum scaled by the ratings (layers.Multiply); the sequence and target
concatenated for a MultiHeadAttention block (Add, LayerNormalization, LeakyReLU, Dropout),
Flatten, the user features through Reshape, Dense + BatchNormalization + LeakyReLU layers,
Adagrad on MeanSquaredError with MeanAbsoluteError, fit with steps_per_epoch on the repeating
dataset, evaluate on one pass.
"""

import csv
import math

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers, ops
from numnet.layers import StringLookup

rng = np.random.default_rng(17)
num_users, num_movies, num_genres = 40, 30, 4
sequence_length = 4
genres = [f"genre_{k}" for k in range(num_genres)]
movie_ids = [f"movie_{m}" for m in range(1, num_movies + 1)]
genre_vectors = (rng.random((num_movies, num_genres)) < 0.35).astype("float32")
genre_vectors[np.arange(num_movies), rng.integers(0, num_genres, num_movies)] = 1.0
users = {
    "user_id": [f"user_{u}" for u in range(1, num_users + 1)],
    "sex": [str(s) for s in rng.choice(["F", "M"], num_users)],
    "age_group": [str(a) for a in rng.choice(["group_1", "group_2", "group_3"], num_users)],
    "occupation": [f"occupation_{o}" for o in rng.integers(0, 5, num_users)],
}
taste = rng.normal(0, 1.5, (num_users, num_genres))
quality = rng.normal(0, 0.5, num_movies)

rows = []
for user in range(num_users):
    for _ in range(12):
        movies = rng.choice(num_movies, sequence_length, replace=False)
        scores = genre_vectors[movies] @ taste[user] + quality[movies]
        ratings = np.clip(np.round(3 + scores + rng.normal(0, 0.3, sequence_length)), 1, 5)
        rows.append([users["user_id"][user], ",".join(movie_ids[m] for m in movies),
                     ",".join(str(float(r)) for r in ratings), users["sex"][user],
                     users["age_group"][user], users["occupation"][user]])
order = rng.permutation(len(rows))
split = int(len(rows) * 0.85)
train_rows, test_rows = [rows[i] for i in order[:split]], [rows[i] for i in order[split:]]
for name, part in (("train_data.csv", train_rows), ("test_data.csv", test_rows)):
    with open(name, "w", newline="") as f:
        csv.writer(f, delimiter="|").writerows(part)

CSV_HEADER = ["user_id", "sequence_movie_ids", "sequence_ratings", "sex", "age_group",
              "occupation"]
CATEGORICAL_FEATURES_WITH_VOCABULARY = {
    "user_id": users["user_id"],
    "movie_id": movie_ids,
    "sex": sorted(set(users["sex"])),
    "age_group": sorted(set(users["age_group"])),
    "occupation": sorted(set(users["occupation"])),
}
USER_FEATURES = ["sex", "age_group", "occupation"]


def get_dataset_from_csv(csv_file_path, num_epochs=None, shuffle=False, batch_size=128):
    def _process(features):
        features = dict(features)  # (Keras 3 on TensorFlow matches an OrderedDict by position)
        movie_ids_string = features["sequence_movie_ids"]
        sequence_movie_ids = tf.strings.split(movie_ids_string, ",").to_tensor()
        features["target_movie_id"] = sequence_movie_ids[:, -1]
        features["sequence_movie_ids"] = sequence_movie_ids[:, :-1]
        ratings_string = features["sequence_ratings"]
        sequence_ratings = tf.strings.to_number(
            tf.strings.split(ratings_string, ","), tf.dtypes.float32
        ).to_tensor()
        target = sequence_ratings[:, -1]
        features["sequence_ratings"] = sequence_ratings[:, :-1]
        return features, target

    dataset = tf.data.experimental.make_csv_dataset(
        csv_file_path,
        batch_size=batch_size,
        column_names=CSV_HEADER,
        num_epochs=num_epochs,
        header=False,
        field_delim="|",
        shuffle=shuffle,
    ).map(_process)
    return dataset


def create_model_inputs():
    return {
        "user_id": layers.Input(name="user_id", shape=(1,), dtype="string"),
        "sequence_movie_ids": layers.Input(
            name="sequence_movie_ids", shape=(sequence_length - 1,), dtype="string"
        ),
        "target_movie_id": layers.Input(name="target_movie_id", shape=(1,), dtype="string"),
        "sequence_ratings": layers.Input(
            name="sequence_ratings", shape=(sequence_length - 1,), dtype="float32"
        ),
        "sex": layers.Input(name="sex", shape=(1,), dtype="string"),
        "age_group": layers.Input(name="age_group", shape=(1,), dtype="string"),
        "occupation": layers.Input(name="occupation", shape=(1,), dtype="string"),
    }


def encode_input_features(inputs, include_user_id=True, include_user_features=True,
                          include_movie_features=True):
    encoded_transformer_features = []
    encoded_other_features = []
    other_feature_names = []
    if include_user_id:
        other_feature_names.append("user_id")
    if include_user_features:
        other_feature_names.extend(USER_FEATURES)

    for feature_name in other_feature_names:
        feature = inputs[feature_name]
        vocabulary = CATEGORICAL_FEATURES_WITH_VOCABULARY[feature_name]
        idx = StringLookup(vocabulary=vocabulary, mask_token=None, num_oov_indices=0)(feature)
        embedding_dims = int(math.sqrt(len(vocabulary)))
        embedding_encoder = layers.Embedding(
            input_dim=len(vocabulary),
            output_dim=embedding_dims,
            name=f"{feature_name}_embedding",
        )
        encoded_other_features.append(embedding_encoder(idx))

    if len(encoded_other_features) > 1:
        encoded_other_features = layers.concatenate(encoded_other_features)
    elif len(encoded_other_features) == 1:
        encoded_other_features = encoded_other_features[0]
    else:
        encoded_other_features = None

    movie_vocabulary = CATEGORICAL_FEATURES_WITH_VOCABULARY["movie_id"]
    movie_embedding_dims = int(math.sqrt(len(movie_vocabulary)))
    movie_index_lookup = StringLookup(
        vocabulary=movie_vocabulary,
        mask_token=None,
        num_oov_indices=0,
        name="movie_index_lookup",
    )
    movie_embedding_encoder = layers.Embedding(
        input_dim=len(movie_vocabulary),
        output_dim=movie_embedding_dims,
        name="movie_embedding",
    )
    movie_genres_lookup = layers.Embedding(
        input_dim=genre_vectors.shape[0],
        output_dim=genre_vectors.shape[1],
        embeddings_initializer=keras.initializers.Constant(genre_vectors),
        trainable=False,
        name="genres_vector",
    )
    movie_embedding_processor = layers.Dense(
        units=movie_embedding_dims,
        activation="relu",
        name="process_movie_embedding_with_genres",
    )

    def _encode_movie(movie_id):
        movie_idx = movie_index_lookup(movie_id)
        movie_embedding = movie_embedding_encoder(movie_idx)
        encoded_movie = movie_embedding
        if include_movie_features:
            movie_genres_vector = movie_genres_lookup(movie_idx)
            encoded_movie = movie_embedding_processor(
                layers.concatenate([movie_embedding, movie_genres_vector])
            )
        return encoded_movie

    target_movie_id = inputs["target_movie_id"]
    encoded_target_movie = _encode_movie(target_movie_id)

    sequence_movies_ids = inputs["sequence_movie_ids"]
    encoded_sequence_movies = _encode_movie(sequence_movies_ids)
    position_embedding_encoder = layers.Embedding(
        input_dim=sequence_length,
        output_dim=movie_embedding_dims,
        name="position_embedding",
    )
    positions = ops.arange(start=0, stop=sequence_length - 1, step=1)
    encodded_positions = position_embedding_encoder(positions)
    sequence_ratings = ops.expand_dims(inputs["sequence_ratings"], -1)
    encoded_sequence_movies_with_poistion_and_rating = layers.Multiply()(
        [(encoded_sequence_movies + encodded_positions), sequence_ratings]
    )

    for i in range(sequence_length - 1):
        feature = encoded_sequence_movies_with_poistion_and_rating[:, i, ...]
        feature = ops.expand_dims(feature, 1)
        encoded_transformer_features.append(feature)
    encoded_transformer_features.append(encoded_target_movie)
    encoded_transformer_features = layers.concatenate(encoded_transformer_features, axis=1)
    return encoded_transformer_features, encoded_other_features


include_user_id = False
include_user_features = True
include_movie_features = True
hidden_units = [32, 16]
dropout_rate = 0.1
num_heads = 3


def create_model():
    inputs = create_model_inputs()
    transformer_features, other_features = encode_input_features(
        inputs, include_user_id, include_user_features, include_movie_features
    )
    attention_output = layers.MultiHeadAttention(
        num_heads=num_heads, key_dim=transformer_features.shape[2], dropout=dropout_rate
    )(transformer_features, transformer_features)
    attention_output = layers.Dropout(dropout_rate)(attention_output)
    x1 = layers.Add()([transformer_features, attention_output])
    x1 = layers.LayerNormalization()(x1)
    x2 = layers.LeakyReLU()(x1)
    x2 = layers.Dense(units=x2.shape[-1])(x2)
    x2 = layers.Dropout(dropout_rate)(x2)
    transformer_features = layers.Add()([x1, x2])
    transformer_features = layers.LayerNormalization()(transformer_features)
    features = layers.Flatten()(transformer_features)
    if other_features is not None:
        features = layers.concatenate(
            [features, layers.Reshape([other_features.shape[-1]])(other_features)]
        )
    for num_units in hidden_units:
        features = layers.Dense(num_units)(features)
        features = layers.BatchNormalization()(features)
        features = layers.LeakyReLU()(features)
        features = layers.Dropout(dropout_rate)(features)
    outputs = layers.Dense(units=1)(features)
    model = keras.Model(inputs=inputs, outputs=outputs)
    return model


keras.utils.set_random_seed(2)
model = create_model()

learning_rate = 0.1
batch_size = 32
num_epochs = 15


def run_experiment(model):
    model.compile(
        optimizer=keras.optimizers.Adagrad(learning_rate=learning_rate),
        loss=keras.losses.MeanSquaredError(),
        metrics=[keras.metrics.MeanAbsoluteError()],
    )
    train_dataset = get_dataset_from_csv("train_data.csv", shuffle=True,
                                         batch_size=batch_size)
    history = model.fit(
        train_dataset,
        epochs=num_epochs,
        steps_per_epoch=len(train_rows) // batch_size,
        verbose=0,
    )
    return history


history = run_experiment(model)
test_dataset = get_dataset_from_csv("test_data.csv", num_epochs=1, batch_size=batch_size)
_, mae = model.evaluate(test_dataset, verbose=0)
print(f"Test MAE: {round(mae, 3)}")
features, target = next(iter(test_dataset))
test_targets = np.concatenate([np.asarray(y) for _, y in test_dataset])
baseline_mae = float(np.mean(np.abs(test_targets - np.mean(test_targets))))

RESULT = {
    "params": float(model.count_params()),
    "inputs": float(len(model.inputs)),
    "non_trainable": float(len(model.non_trainable_weights)),
    "batch_rows": float(target.shape[0]),
    "sequence_width": float(features["sequence_movie_ids"].shape[1]),
    "target_is_string": float(isinstance(np.asarray(features["target_movie_id"])[0], bytes)),
    "ratings_width": float(features["sequence_ratings"].shape[1]),
    "test_rows": float(len(test_targets)),
    "loss_first": float(history.history["loss"][0]),
    "loss_last": float(history.history["loss"][-1]),
    "mae": float(mae),
    "baseline_mae": baseline_mae,
}
print(RESULT)
