"""After the keras.io example "Using pre-trained word embeddings": a TextVectorization layer
adapted on a text dataset, its vocabulary made into a word_index dict, an embedding matrix
filled from a dict of word vectors (hits and misses counted), an Embedding with
embeddings_initializer=keras.initializers.Constant(embedding_matrix) and trainable=False, a
Conv1D / MaxPooling1D / GlobalMaxPooling1D classifier trained on the vectorized texts, and an
end-to-end model called directly on keras.ops.convert_to_tensor([["a string"]]).
"""

import numpy as np

import numnet as keras
import numnet as tf
from numnet import layers

rng = np.random.default_rng(67)
topics = {
    0: ["graphics", "render", "pixel", "shader", "mesh"],
    1: ["engine", "wheel", "brake", "gear", "fuel"],
    2: ["orbit", "rocket", "planet", "launch", "moon"],
}
common = ["the", "a", "is", "about", "and", "with", "my", "new", "this", "of"]
labels = rng.integers(0, 3, 450)
samples = []
for label in labels:
    words = list(rng.choice(common, 10)) + list(rng.choice(topics[label], 3))
    rng.shuffle(words)
    samples.append(" ".join(words))
samples = np.array(samples)
train_samples, val_samples = samples[:360], samples[360:]
train_labels, val_labels = labels[:360], labels[360:]
class_names = ["comp.graphics", "rec.autos", "sci.space"]

vectorizer = layers.TextVectorization(max_tokens=20000, output_sequence_length=16)
text_ds = tf.data.Dataset.from_tensor_slices(train_samples).batch(128)
vectorizer.adapt(text_ds)
output = vectorizer([["the cat sat on the mat"]])
voc = vectorizer.get_vocabulary()
word_index = dict(zip(voc, range(len(voc))))

embedding_dim = 8
vectors = np.random.default_rng(1).normal(0.0, 1.0, (3, embedding_dim))
embeddings_index = {}
for label, words in topics.items():
    for word in words:
        embeddings_index[word] = (vectors[label] + 0.1 * rng.normal(size=embedding_dim)).astype(
            "float32")
for word in common[:6]:
    embeddings_index[word] = (0.1 * rng.normal(size=embedding_dim)).astype("float32")

num_tokens = len(voc) + 2
hits = 0
misses = 0
embedding_matrix = np.zeros((num_tokens, embedding_dim))
for word, i in word_index.items():
    embedding_vector = embeddings_index.get(word)
    if embedding_vector is not None:
        embedding_matrix[i] = embedding_vector
        hits += 1
    else:
        misses += 1

embedding_layer = layers.Embedding(
    num_tokens,
    embedding_dim,
    trainable=False,
)
embedding_layer.build((1,))
embedding_layer.set_weights([embedding_matrix])

int_sequences_input = keras.Input(shape=(None,), dtype="int32")
embedded_sequences = embedding_layer(int_sequences_input)
x = layers.Conv1D(16, 3, activation="relu")(embedded_sequences)
x = layers.MaxPooling1D(2)(x)
x = layers.Conv1D(16, 3, activation="relu")(x)
x = layers.GlobalMaxPooling1D()(x)
x = layers.Dense(16, activation="relu")(x)
x = layers.Dropout(0.2)(x)
preds = layers.Dense(len(class_names), activation="softmax")(x)
model = keras.Model(int_sequences_input, preds)

constant_layer = layers.Embedding(num_tokens, embedding_dim, trainable=False,
                                  embeddings_initializer=keras.initializers.Constant(
                                      embedding_matrix))
constant_layer.build((1,))

x_train = vectorizer(np.array([[s] for s in train_samples])).numpy()
x_val = vectorizer(np.array([[s] for s in val_samples])).numpy()
y_train = np.array(train_labels)
y_val = np.array(val_labels)

model.compile(loss="sparse_categorical_crossentropy", optimizer=keras.optimizers.Adam(0.01),
              metrics=["acc"])
history = model.fit(x_train, y_train, batch_size=32, epochs=6, validation_data=(x_val, y_val),
                    verbose=0)

string_input = keras.Input(shape=(1,), dtype="string")
x = vectorizer(string_input)
preds = model(x)
end_to_end_model = keras.Model(string_input, preds)
probabilities = end_to_end_model(
    keras.ops.convert_to_tensor([["this message is about the orbit of the moon and a rocket"]]))
predicted = class_names[int(np.argmax(probabilities[0]))]

RESULT = {
    "first_tokens": float(np.count_nonzero(np.asarray(output)[0])),
    "hits": float(hits),
    "misses": float(misses),
    "trainable_weights": float(len(model.trainable_weights)),
    "embedding_unchanged": float(np.max(np.abs(embedding_layer.get_weights()[0]
                                               - embedding_matrix))),
    "constant_gap": float(np.max(np.abs(constant_layer.get_weights()[0] - embedding_matrix))),
    "val_acc": float(max(history.history["val_acc"])),
    "space_predicted": float(predicted == "sci.space"),
}
print(RESULT)
