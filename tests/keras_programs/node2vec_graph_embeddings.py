"""After the keras.io example "Graph representation learning with node2vec": a weighted
graph of items that appear together (weights from pointwise mutual information, edges kept
above min_weight), a vocabulary of its nodes, biased random walks (return parameter p, in-out
parameter q, np.random.choice by the adjusted edge weights), skip-gram pairs with negative
samples from tf.keras.preprocessing.sequence.skipgrams counted into example weights, a
tf.data pipeline of ({"target", "context"}, label, weight), a model of two scalar int32 Inputs
that share one Embedding (he_normal, an L2 embeddings_regularizer) and a Dot(axes=1) of the two
embeddings, BinaryCrossentropy(from_logits=True) with the weights as sample weights, and the
related items of a few queries by tf.math.l2_normalize, tf.linalg.matmul(transpose_b=True)
and tf.math.top_k, written out as embeddings.tsv and metadata.tsv.

The "movies" are 36 items in three genres, rated together by 300 synthetic users (the
example's MovieLens ratings); networkx's graph is a small class with the same calls. The
walks and the skip-grams follow Python's and NumPy's seeded generators, as under TensorFlow,
and the embeddings start from a NumPy draw, so the loss before training is TensorFlow's; the
shuffled batches then differ, so after training the related items are compared.
"""

import math
import random
from collections import defaultdict

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

keras.utils.set_random_seed(42)

# --- ratings: each user rates items of one favourite genre, now and then of another ---
genres = {"Action": range(0, 12), "Comedy": range(12, 24), "Drama": range(24, 36)}
movies = {
    movie_id: f"{genre} movie {movie_id}" for genre, ids in genres.items() for movie_id in ids
}
data_rng = np.random.default_rng(8)
ratings = []
for user in range(300):
    favourite = list(genres)[user % 3]
    liked = data_rng.choice(list(genres[favourite]), size=5, replace=False).tolist()
    if data_rng.random() < 0.3:
        other = list(genres)[(user + 1) % 3]
        liked.append(int(data_rng.choice(list(genres[other]))))
    ratings.append(liked)

# --- Step 1: item and pair frequencies ---
item_frequency = defaultdict(int)
pair_frequency = defaultdict(int)
for current_movies in ratings:
    for i in range(len(current_movies)):
        item_frequency[current_movies[i]] += 1
        for j in range(i + 1, len(current_movies)):
            x = min(current_movies[i], current_movies[j])
            y = max(current_movies[i], current_movies[j])
            pair_frequency[(x, y)] += 1


class Graph:
    """The calls of networkx.Graph that the example makes."""

    def __init__(self):
        self._adjacency = {}

    def add_edge(self, x, y, weight):
        self._adjacency.setdefault(x, {})[y] = {"weight": weight}
        self._adjacency.setdefault(y, {})[x] = {"weight": weight}

    @property
    def nodes(self):
        return list(self._adjacency)

    def neighbors(self, node):
        return iter(self._adjacency[node])

    def has_edge(self, x, y):
        return y in self._adjacency.get(x, {})

    def __getitem__(self, node):
        return self._adjacency[node]

    def number_of_nodes(self):
        return len(self._adjacency)

    def number_of_edges(self):
        return sum(len(v) for v in self._adjacency.values()) // 2

    @property
    def degree(self):
        return {node: len(v) for node, v in self._adjacency.items()}


# --- Step 2: the graph, edges whose weight is at least min_weight ---
min_weight = 10
D = math.log(sum(item_frequency.values()))
movies_graph = Graph()
for pair in pair_frequency:
    x, y = pair
    xy_frequency = pair_frequency[pair]
    x_frequency = item_frequency[x]
    y_frequency = item_frequency[y]
    pmi = math.log(xy_frequency) - math.log(x_frequency) - math.log(y_frequency) + D
    weight = pmi * xy_frequency
    if weight >= min_weight:
        movies_graph.add_edge(x, y, weight=weight)

print("Total number of graph nodes:", movies_graph.number_of_nodes())
print("Total number of graph edges:", movies_graph.number_of_edges())
degrees = [movies_graph.degree[node] for node in movies_graph.nodes]
print("Average node degree:", round(sum(degrees) / len(degrees), 2))

# --- Step 3: the vocabulary ---
vocabulary = ["NA"] + list(movies_graph.nodes)
vocabulary_lookup = {token: idx for idx, token in enumerate(vocabulary)}


def next_step(graph, previous, current, p, q):
    neighbors = list(graph.neighbors(current))

    weights = []
    # Adjust the weights of the edges to the neighbors with respect to p and q.
    for neighbor in neighbors:
        if neighbor == previous:
            # Control the probability to return to the previous node.
            weights.append(graph[current][neighbor]["weight"] / p)
        elif graph.has_edge(neighbor, previous):
            # The probability of visiting a local node.
            weights.append(graph[current][neighbor]["weight"])
        else:
            # Control the probability to move forward.
            weights.append(graph[current][neighbor]["weight"] / q)

    # Compute the probabilities of visiting each neighbor.
    weight_sum = sum(weights)
    probabilities = [weight / weight_sum for weight in weights]
    # Probabilistically select a neighbor to visit.
    next = np.random.choice(neighbors, size=1, p=probabilities)[0]
    return next


def random_walk(graph, num_walks, num_steps, p, q):
    walks = []
    nodes = list(graph.nodes)
    # Perform multiple iterations of the random walk.
    for _walk_iteration in range(num_walks):
        random.shuffle(nodes)

        for node in nodes:
            # Start the walk with a random node from the graph.
            walk = [node]
            # Randomly walk for num_steps.
            while len(walk) < num_steps:
                current = walk[-1]
                previous = walk[-2] if len(walk) > 1 else None
                # Compute the next node to visit.
                next = next_step(graph, previous, current, p, q)
                walk.append(next)
            # Replace node ids (movie ids) in the walk with token ids.
            walk = [vocabulary_lookup[token] for token in walk]
            # Add the walk to the generated sequence.
            walks.append(walk)

    return walks


p = 1
q = 1
num_walks = 5
num_steps = 10
walks = random_walk(movies_graph, num_walks, num_steps, p, q)
print("Number of walks generated:", len(walks))


def generate_examples(sequences, window_size, num_negative_samples, vocabulary_size):
    example_weights = defaultdict(int)
    # Iterate over all sequences (walks).
    for sequence in sequences:
        # Generate positive and negative skip-gram pairs for a sequence (walk).
        pairs, labels = tf.keras.preprocessing.sequence.skipgrams(
            sequence,
            vocabulary_size=vocabulary_size,
            window_size=window_size,
            negative_samples=num_negative_samples,
        )
        for idx in range(len(pairs)):
            pair = pairs[idx]
            label = labels[idx]
            target, context = min(pair[0], pair[1]), max(pair[0], pair[1])
            if target == context:
                continue
            entry = (target, context, label)
            example_weights[entry] += 1

    targets, contexts, labels, weights = [], [], [], []
    for entry in example_weights:
        weight = example_weights[entry]
        target, context, label = entry
        targets.append(target)
        contexts.append(context)
        labels.append(label)
        weights.append(weight)

    return np.array(targets), np.array(contexts), np.array(labels), np.array(weights)


num_negative_samples = 4
targets, contexts, labels, weights = generate_examples(
    sequences=walks,
    window_size=num_steps,
    num_negative_samples=num_negative_samples,
    vocabulary_size=len(vocabulary),
)
print(f"Targets shape: {targets.shape}")

batch_size = 128


def create_dataset(targets, contexts, labels, weights, batch_size):
    inputs = {
        "target": targets,
        "context": contexts,
    }
    dataset = tf.data.Dataset.from_tensor_slices((inputs, labels, weights))
    dataset = dataset.shuffle(buffer_size=batch_size * 2)
    dataset = dataset.batch(batch_size, drop_remainder=True)
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    return dataset


dataset = create_dataset(
    targets=targets,
    contexts=contexts,
    labels=labels,
    weights=weights,
    batch_size=batch_size,
)

learning_rate = 0.02
embedding_dim = 16
num_epochs = 20


def create_model(vocabulary_size, embedding_dim):
    inputs = {
        "target": layers.Input(name="target", shape=(), dtype="int32"),
        "context": layers.Input(name="context", shape=(), dtype="int32"),
    }
    # Initialize item embeddings.
    embed_item = layers.Embedding(
        input_dim=vocabulary_size,
        output_dim=embedding_dim,
        embeddings_initializer="he_normal",
        embeddings_regularizer=keras.regularizers.l2(1e-6),
        name="item_embeddings",
    )
    # Lookup embeddings for target.
    target_embeddings = embed_item(inputs["target"])
    # Lookup embeddings for context.
    context_embeddings = embed_item(inputs["context"])
    # Compute dot similarity between target and context embeddings.
    logits = layers.Dot(axes=1, normalize=False, name="dot_similarity")(
        [target_embeddings, context_embeddings]
    )
    # Create the model.
    model = keras.Model(inputs=inputs, outputs=logits)
    return model


model = create_model(len(vocabulary), embedding_dim)
model.set_weights([np.random.default_rng(1).normal(0.0, 0.3, (len(vocabulary), embedding_dim))
                   .astype("float32")])
model.compile(
    optimizer=keras.optimizers.Adam(learning_rate),
    loss=keras.losses.BinaryCrossentropy(from_logits=True),
)
unshuffled = tf.data.Dataset.from_tensor_slices(
    ({"target": targets, "context": contexts}, labels, weights)
).batch(batch_size)
initial_loss = model.evaluate(unshuffled, verbose=0)

history = model.fit(dataset, epochs=num_epochs, verbose=0)

movie_embeddings = model.get_layer("item_embeddings").get_weights()[0]
print("Embeddings shape:", movie_embeddings.shape)

query_movies = [movies[0], movies[13], movies[30]]
query_embeddings = []
for movie_title in query_movies:
    movieId = [key for key, title in movies.items() if title == movie_title][0]
    token_id = vocabulary_lookup[movieId]
    movie_embedding = movie_embeddings[token_id]
    query_embeddings.append(movie_embedding)
query_embeddings = np.array(query_embeddings)

similarities = tf.linalg.matmul(
    tf.math.l2_normalize(query_embeddings),
    tf.math.l2_normalize(movie_embeddings),
    transpose_b=True,
)
_, indices = tf.math.top_k(similarities, k=5)
indices = indices.numpy().tolist()

same_genre = []
for idx, title in enumerate(query_movies):
    print(title)
    print("".rjust(len(title), "-"))
    similar_tokens = indices[idx]
    for token in similar_tokens:
        similar_movieId = vocabulary[token]
        similar_title = movies[similar_movieId]
        print(f"- {similar_title}")
        same_genre.append(similar_title.split()[0] == title.split()[0])
    print()

with open("embeddings.tsv", "w", encoding="utf-8") as out_v, open(
    "metadata.tsv", "w", encoding="utf-8"
) as out_m:
    for idx, movie_id in enumerate(vocabulary[1:]):
        vector = movie_embeddings[idx]
        out_v.write("\t".join([str(x) for x in vector]) + "\n")
        out_m.write(movies[movie_id] + "\n")
with open("embeddings.tsv", encoding="utf-8") as f:
    tsv_rows = f.read().splitlines()

RESULT = {
    "graph_nodes": float(movies_graph.number_of_nodes()),
    "graph_edges": float(movies_graph.number_of_edges()),
    "walks": float(len(walks)),
    "examples": float(len(targets)),
    "positive_examples": float(labels.sum()),
    "weights_sum": float(weights.sum()),
    "batches": float(len(list(dataset))),
    "initial_loss": float(initial_loss),
    "loss_first": float(history.history["loss"][0]),
    "loss_last": float(history.history["loss"][-1]),
    "embeddings_rows": float(movie_embeddings.shape[0]),
    "self_is_nearest": float(all(indices[i][0] == vocabulary_lookup[m] for i, m in
                                 enumerate([0, 13, 30]))),
    "same_genre_precision": float(np.mean(same_genre)),
    "similarity_max": float(np.max(similarities)),
    "tsv_rows": float(len(tsv_rows)),
    "tsv_columns": float(len(tsv_rows[0].split("\t"))),
}
print(RESULT)
