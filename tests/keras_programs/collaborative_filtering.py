"""After the keras.io example "Collaborative Filtering for Movie Recommendations": users and
movies encoded to indices with dicts, ratings min-max scaled to [0, 1], a RecommenderNet Model
subclass with user and movie Embeddings (he_normal, l2 regularizer) and one-wide bias
Embeddings, the match score ops.tensordot(user_vector, movie_vector, 2), a sigmoid, trained
with BinaryCrossentropy and Adam; the top movies for one user are ranked from predict. A second
model uses the Dot layer in a functional graph.
"""

import numpy as np

import numnet as keras
from numnet import layers, ops

rng = np.random.default_rng(8)
num_users, num_movies, k = 40, 30, 3
user_taste = rng.normal(0.0, 1.0, (num_users, k))
movie_style = rng.normal(0.0, 1.0, (num_movies, k))
pairs = rng.choice(num_users * num_movies, 900, replace=False)
user_ids, movie_ids = 100 + pairs // num_movies, 5000 + pairs % num_movies
raw = np.sum(user_taste[user_ids - 100] * movie_style[movie_ids - 5000], axis=1)
ratings = np.clip(np.round(3.0 + raw), 0.5, 5.0)

user_ids_list = sorted(set(user_ids.tolist()))
user2user_encoded = {x: i for i, x in enumerate(user_ids_list)}
movie_ids_list = sorted(set(movie_ids.tolist()))
movie2movie_encoded = {x: i for i, x in enumerate(movie_ids_list)}
movie_encoded2movie = {i: x for i, x in enumerate(movie_ids_list)}
user = np.array([user2user_encoded[u] for u in user_ids])
movie = np.array([movie2movie_encoded[m] for m in movie_ids])
num_users = len(user2user_encoded)
num_movies = len(movie_encoded2movie)
min_rating, max_rating = min(ratings), max(ratings)

x = np.stack([user, movie], axis=1)
y = np.array([(r - min_rating) / (max_rating - min_rating) for r in ratings])
train_indices = int(0.9 * len(x))
x_train, x_val, y_train, y_val = (x[:train_indices], x[train_indices:],
                                  y[:train_indices], y[train_indices:])

EMBEDDING_SIZE = 8


class RecommenderNet(keras.Model):
    def __init__(self, num_users, num_movies, embedding_size, **kwargs):
        super().__init__(**kwargs)
        self.num_users = num_users
        self.num_movies = num_movies
        self.embedding_size = embedding_size
        self.user_embedding = layers.Embedding(
            num_users,
            embedding_size,
            embeddings_initializer="he_normal",
            embeddings_regularizer=keras.regularizers.l2(1e-6),
        )
        self.user_bias = layers.Embedding(num_users, 1)
        self.movie_embedding = layers.Embedding(
            num_movies,
            embedding_size,
            embeddings_initializer="he_normal",
            embeddings_regularizer=keras.regularizers.l2(1e-6),
        )
        self.movie_bias = layers.Embedding(num_movies, 1)

    def call(self, inputs):
        user_vector = self.user_embedding(inputs[:, 0])
        user_bias = self.user_bias(inputs[:, 0])
        movie_vector = self.movie_embedding(inputs[:, 1])
        movie_bias = self.movie_bias(inputs[:, 1])
        dot_user_movie = ops.tensordot(user_vector, movie_vector, 2)
        x = dot_user_movie + user_bias + movie_bias
        return ops.nn.sigmoid(x)


model = RecommenderNet(num_users, num_movies, EMBEDDING_SIZE)
model.compile(loss=keras.losses.BinaryCrossentropy(),
              optimizer=keras.optimizers.Adam(learning_rate=0.01))
model(x_train[:2])
draw = np.random.default_rng(3)
model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32")
                   for w in model.get_weights()])
history = model.fit(x=x_train, y=y_train, batch_size=64, epochs=5, shuffle=False, verbose=0,
                    validation_data=(x_val, y_val))

user_id = user_ids_list[0]
movies_watched = set(movie_ids[user_ids == user_id].tolist())
movies_not_watched = [m for m in movie_ids_list if m not in movies_watched]
movies_not_watched = [[movie2movie_encoded.get(m)] for m in movies_not_watched]
user_encoder = user2user_encoded.get(user_id)
user_movie_array = np.hstack(([[user_encoder]] * len(movies_not_watched), movies_not_watched))
predicted = model.predict(user_movie_array, verbose=0).flatten()
top_ratings_indices = predicted.argsort()[-5:][::-1]
recommended_movie_ids = [movie_encoded2movie.get(movies_not_watched[i][0])
                         for i in top_ratings_indices]

user_input = keras.Input(shape=(1,), dtype="int32")
movie_input = keras.Input(shape=(1,), dtype="int32")
user_vec = layers.Flatten()(layers.Embedding(num_users, EMBEDDING_SIZE)(user_input))
movie_vec = layers.Flatten()(layers.Embedding(num_movies, EMBEDDING_SIZE)(movie_input))
score = layers.Dot(axes=1)([user_vec, movie_vec])
dot_model = keras.Model([user_input, movie_input], layers.Activation("sigmoid")(score))
dot_model.set_weights([draw.normal(0.0, 0.3, w.shape).astype("float32")
                       for w in dot_model.get_weights()])
dot_model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(0.02))
dot_history = dot_model.fit([x_train[:, :1], x_train[:, 1:]], y_train, batch_size=64,
                            epochs=5, shuffle=False, verbose=0)

RESULT = {
    "val_loss": float(history.history["val_loss"][-1]),
    "recommended": float(len(set(recommended_movie_ids))),
    "top_score": float(predicted[top_ratings_indices[0]]),
    "regularization": float(sum(np.asarray(loss) for loss in model.losses)),
    "params": float(model.count_params()),
    "dot_loss_ratio": float(dot_history.history["loss"][-1] / dot_history.history["loss"][0]),
}
for epoch, value in enumerate(history.history["loss"]):
    RESULT[f"loss_{epoch}"] = float(value)
for epoch, value in enumerate(dot_history.history["loss"]):
    RESULT[f"dot_loss_{epoch}"] = float(value)
print(RESULT)
