"""The Keras example "Memory-efficient embeddings for recommendation systems"
(keras_recipes/memory_efficient_embeddings.py), on synthetic ratings in the place of
MovieLens.

Ratings of 60 users for 40 movies (a product of hidden user and movie factors, on a scale of
1 to 5) are written to "|"-separated CSV files and read back by
tf.data.experimental.make_csv_dataset with the rating as the label. The baseline model looks
each user and movie up by a Sequential of StringLookup and Embedding, takes their Dot and
scales keras.activations.sigmoid of it to 5. The memory-efficient model embeds users by a
QREmbedding layer (two small tables indexed by tf.math.floordiv and tf.math.floormod of the
StringLookup index, multiplied) and movies by an MDEmbedding layer (blocks of movies of
different popularity, each with its own embedding width, projected by a Dense or an identity
Lambda to the full width, picked by a tf.lookup.StaticHashTable from movie to block and a
mask). Both train with Adam on the mean squared error with the mean absolute error as metric.
The training CSV is read in file order (the example shuffles it) and the weights start from a
NumPy draw, so the losses are Keras's to float32 rounding.
"""

import numpy as np
from numnet.keras import layers
from numnet.keras.layers import StringLookup

import numnet as keras
import numnet as tf

rng = np.random.default_rng(8)
num_users, num_movies = 60, 40
user_factors = rng.normal(size=(num_users, 3))
movie_factors = rng.normal(size=(num_movies, 3))
popularity = rng.permutation(num_movies)
rows = []
for user in range(num_users):
    # popular movies (a low rank in `popularity`) are rated more often
    weights = 1.0 / (1.0 + popularity)
    seen = rng.choice(num_movies, size=12, replace=False, p=weights / weights.sum())
    for movie in seen:
        score = user_factors[user] @ movie_factors[movie] / 1.5
        rating = float(np.clip(np.round(3.0 + score), 1, 5))
        rows.append((f"user_{user}", f"movie_{movie}", rating))
order = rng.permutation(len(rows))
rows = [rows[i] for i in order]
split = int(len(rows) * 0.85)
for name, part in (("train_data.csv", rows[:split]), ("eval_data.csv", rows[split:])):
    with open(name, "w") as handle:
        for user_id, movie_id, rating in part:
            handle.write(f"{user_id}|{movie_id}|{rating}\n")

csv_header = ["user_id", "movie_id", "rating"]
user_vocabulary = sorted({row[0] for row in rows}, key=lambda name: int(name[5:]))
movie_counts = {}
for _, movie_id, _ in rows:
    movie_counts[movie_id] = movie_counts.get(movie_id, 0) + 1
movie_vocabulary = sorted(movie_counts, key=lambda name: int(name[6:]))
target_feature_name = "rating"
learning_rate = 0.01
batch_size = 32
num_epochs = 4
base_embedding_dim = 16


def get_dataset_from_csv(csv_file_path, batch_size=128, shuffle=True):
    return tf.data.experimental.make_csv_dataset(
        csv_file_path,
        batch_size=batch_size,
        column_names=csv_header,
        label_name=target_feature_name,
        num_epochs=1,
        header=False,
        field_delim="|",
        shuffle=shuffle,
    )


def start_from_draw(model, seed):
    draw = np.random.default_rng(seed)
    model.set_weights([draw.normal(0.0, 0.4, w.shape).astype("float32")
                       for w in model.get_weights()])


def run_experiment(model):
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=tf.keras.losses.MeanSquaredError(),
        metrics=[keras.metrics.MeanAbsoluteError(name="mae")],
    )
    train_dataset = get_dataset_from_csv("train_data.csv", batch_size, shuffle=False)
    eval_dataset = get_dataset_from_csv("eval_data.csv", batch_size, shuffle=False)
    history = model.fit(
        train_dataset,
        epochs=num_epochs,
        validation_data=eval_dataset,
        verbose=0,
    )
    return history


def embedding_encoder(vocabulary, embedding_dim, num_oov_indices=0, name=None):
    return keras.Sequential(
        [
            StringLookup(
                vocabulary=vocabulary, mask_token=None, num_oov_indices=num_oov_indices
            ),
            layers.Embedding(
                input_dim=len(vocabulary) + num_oov_indices, output_dim=embedding_dim
            ),
        ],
        name=f"{name}_embedding" if name else None,
    )


def create_baseline_model():
    user_input = layers.Input(name="user_id", shape=(), dtype=tf.string)
    user_embedding = embedding_encoder(
        vocabulary=user_vocabulary, embedding_dim=base_embedding_dim, name="user"
    )(user_input)
    movie_input = layers.Input(name="movie_id", shape=(), dtype=tf.string)
    movie_embedding = embedding_encoder(
        vocabulary=movie_vocabulary, embedding_dim=base_embedding_dim, name="movie"
    )(movie_input)
    logits = layers.Dot(axes=1, name="dot_similarity")(
        [user_embedding, movie_embedding]
    )
    prediction = keras.activations.sigmoid(logits) * 5
    model = keras.Model(
        inputs=[user_input, movie_input], outputs=prediction, name="baseline_model"
    )
    return model


class QREmbedding(keras.layers.Layer):
    def __init__(self, vocabulary, embedding_dim, num_buckets, name=None):
        super().__init__(name=name)
        self.num_buckets = num_buckets

        self.index_lookup = StringLookup(
            vocabulary=vocabulary, mask_token=None, num_oov_indices=0
        )
        self.q_embeddings = layers.Embedding(num_buckets, embedding_dim)
        self.r_embeddings = layers.Embedding(num_buckets, embedding_dim)

    def call(self, inputs):
        # Get the item index.
        embedding_index = self.index_lookup(inputs)
        # Get the quotient index.
        quotient_index = tf.math.floordiv(embedding_index, self.num_buckets)
        # Get the reminder index.
        remainder_index = tf.math.floormod(embedding_index, self.num_buckets)
        # Lookup the quotient_embedding using the quotient_index.
        quotient_embedding = self.q_embeddings(quotient_index)
        # Lookup the remainder_embedding using the remainder_index.
        remainder_embedding = self.r_embeddings(remainder_index)
        # Use multiplication as a combiner operation
        return quotient_embedding * remainder_embedding


class MDEmbedding(keras.layers.Layer):
    def __init__(
        self, blocks_vocabulary, blocks_embedding_dims, base_embedding_dim, name=None
    ):
        super().__init__(name=name)
        self.num_blocks = len(blocks_vocabulary)

        # Create vocab to block lookup.
        keys = []
        values = []
        for block_idx, block_vocab in enumerate(blocks_vocabulary):
            keys.extend(block_vocab)
            values.extend([block_idx] * len(block_vocab))
        self.vocab_to_block = tf.lookup.StaticHashTable(
            tf.lookup.KeyValueTensorInitializer(keys, values), default_value=-1
        )

        self.block_embedding_encoders = []
        self.block_embedding_projectors = []

        # Create block embedding encoders and projectors.
        for idx in range(self.num_blocks):
            vocabulary = blocks_vocabulary[idx]
            embedding_dim = blocks_embedding_dims[idx]
            block_embedding_encoder = embedding_encoder(
                vocabulary, embedding_dim, num_oov_indices=1
            )
            self.block_embedding_encoders.append(block_embedding_encoder)
            if embedding_dim == base_embedding_dim:
                self.block_embedding_projectors.append(layers.Lambda(lambda x: x))
            else:
                self.block_embedding_projectors.append(
                    layers.Dense(units=base_embedding_dim)
                )

    def call(self, inputs):
        # Get block index for each input item.
        block_indicies = self.vocab_to_block.lookup(inputs)
        # Initialize output embeddings to zeros.
        embeddings = tf.zeros(shape=(tf.shape(inputs)[0], base_embedding_dim))
        # Generate embeddings from blocks.
        for idx in range(self.num_blocks):
            # Lookup embeddings from the current block.
            block_embeddings = self.block_embedding_encoders[idx](inputs)
            # Project embeddings to base_embedding_dim.
            block_embeddings = self.block_embedding_projectors[idx](block_embeddings)
            # A mask that filters out the items that do not belong to the current block.
            mask = tf.expand_dims(tf.cast(block_indicies == idx, tf.dtypes.float32), 1)
            # Set the embeddings for the items not belonging to the current block to zeros.
            block_embeddings = block_embeddings * mask
            # Add the block embeddings to the final embeddings.
            embeddings += block_embeddings

        return embeddings


sorted_movie_vocabulary = sorted(movie_counts, key=lambda name: -movie_counts[name])
movie_blocks_vocabulary = [
    sorted_movie_vocabulary[:10],  # high popularity movies block
    sorted_movie_vocabulary[10:25],  # normal popularity movies block
    sorted_movie_vocabulary[25:],  # low popularity movies block
]
movie_blocks_embedding_dims = [16, 8, 4]
user_embedding_num_buckets = len(user_vocabulary) // 6


def create_memory_efficient_model():
    user_input = layers.Input(name="user_id", shape=(), dtype=tf.string)
    user_embedding = QREmbedding(
        vocabulary=user_vocabulary,
        embedding_dim=base_embedding_dim,
        num_buckets=user_embedding_num_buckets,
        name="user_embedding",
    )(user_input)
    movie_input = layers.Input(name="movie_id", shape=(), dtype=tf.string)
    movie_embedding = MDEmbedding(
        blocks_vocabulary=movie_blocks_vocabulary,
        blocks_embedding_dims=movie_blocks_embedding_dims,
        base_embedding_dim=base_embedding_dim,
        name="movie_embedding",
    )(movie_input)
    logits = layers.Dot(axes=1, name="dot_similarity")(
        [user_embedding, movie_embedding]
    )
    prediction = keras.activations.sigmoid(logits) * 5
    model = keras.Model(
        inputs=[user_input, movie_input], outputs=prediction, name="baseline_model"
    )
    return model


RESULT = {"ratings": float(len(rows)), "users": float(len(user_vocabulary)),
          "movies": float(len(movie_vocabulary))}
for features, labels in get_dataset_from_csv("eval_data.csv", 8, shuffle=False).take(1):
    RESULT["csv_columns"] = float(len(features))
    RESULT["csv_first_rating"] = float(labels.numpy()[0])
    RESULT["csv_first_user_ok"] = float(features["user_id"].numpy()[0].decode()
                                        == rows[split][0])

baseline_model = create_baseline_model()
RESULT["baseline_params"] = float(baseline_model.count_params())
start_from_draw(baseline_model, 1)
history = run_experiment(baseline_model)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"baseline_loss_{epoch}"] = float(value)
RESULT["baseline_val_mae"] = float(history.history["val_mae"][-1])

memory_efficient_model = create_memory_efficient_model()
RESULT["efficient_params"] = float(memory_efficient_model.count_params())
start_from_draw(memory_efficient_model, 2)
history = run_experiment(memory_efficient_model)
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"efficient_loss_{epoch}"] = float(value)
RESULT["efficient_val_mae"] = float(history.history["val_mae"][-1])

# The quotient-remainder embedding of three users, by hand from its two tables.
qr = memory_efficient_model.get_layer("user_embedding")
probe = tf.constant(["user_0", "user_13", "user_59"])
index = np.array([user_vocabulary.index(name.decode()) for name in probe.numpy()])
q_table, r_table = qr.q_embeddings.get_weights()[0], qr.r_embeddings.get_weights()[0]
by_hand = q_table[index // user_embedding_num_buckets] * r_table[index % user_embedding_num_buckets]
RESULT["qr_gap"] = float(np.max(np.abs(np.asarray(qr(probe)) - by_hand)))
md = memory_efficient_model.get_layer("movie_embedding")
block_of = md.vocab_to_block.lookup(tf.constant(sorted_movie_vocabulary + ["movie_999"]))
RESULT["block_sizes"] = float(np.sum(np.asarray(block_of) >= 0))
RESULT["unknown_block"] = float(np.asarray(block_of)[-1])
print(RESULT)
