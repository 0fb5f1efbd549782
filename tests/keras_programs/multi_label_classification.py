"""After the keras.io example "Large-scale multi-label text classification": each abstract has
a list of subject terms; a StringLookup(output_mode="multi_hot") adapted on the
tf.ragged.constant of the training terms binarizes them, and invert_multi_hot turns a row back
into terms with np.argwhere and np.take of the vocabulary; the abstracts go through
tf.data.Dataset.from_tensor_slices, shuffle and batch, and a TextVectorization(ngrams=2,
output_mode="tf_idf") adapted on the text-only dataset maps them (num_parallel_calls, prefetch);
a shallow Dense MLP with a sigmoid per term trains with binary_crossentropy and
binary_accuracy; then a Sequential of the vectorizer and the MLP predicts on raw strings and the
top-3 terms of each abstract are read from lookup.get_vocabulary().
"""

import numpy as np
from numnet.keras import layers

import numnet as keras
import numnet as tf

rng = np.random.default_rng(11)
subjects = {
    "cs.LG": ["gradient", "descent", "training", "loss"],
    "cs.CV": ["image", "pixel", "segmentation", "convolution"],
    "cs.CL": ["language", "token", "translation", "sentence"],
    "stat.ML": ["bayesian", "posterior", "variational", "prior"],
    "eess.AS": ["audio", "speech", "spectrogram", "acoustic"],
}
filler = ["we", "propose", "a", "novel", "method", "for", "the", "task", "of", "results",
          "show", "that", "our", "approach", "is", "on", "benchmark", "data", "with", "model"]
names = sorted(subjects)


def paper():
    count = rng.choice([1, 2, 3], p=[0.5, 0.35, 0.15])
    terms = [str(term) for term in rng.choice(names, count, replace=False)]
    words = list(rng.choice(filler, rng.integers(10, 18)))
    for term in terms:
        cues = subjects[term]
        for _ in range(3):
            at = rng.integers(0, len(words) + 1)
            first = rng.integers(0, len(cues) - 1)
            words[at:at] = [cues[first], cues[first + 1]]
    return " ".join(words), terms


papers = [paper() for _ in range(400)]
summaries = np.array([text for text, _ in papers])
all_terms = [terms for _, terms in papers]
train_rows, val_rows, test_rows = np.arange(300), np.arange(300, 350), np.arange(350, 400)

terms = tf.ragged.constant([all_terms[row] for row in train_rows])
lookup = tf.keras.layers.StringLookup(output_mode="multi_hot")
lookup.adapt(terms)
vocab = lookup.get_vocabulary()


def invert_multi_hot(encoded_labels):
    """Reverse a single multi-hot encoded label to a tuple of vocab terms."""
    hot_indices = np.argwhere(encoded_labels == 1.0)[..., 0]
    return np.take(vocab, hot_indices)


sample_label = all_terms[0]
label_binarized = lookup([sample_label])
print(f"Original label: {sample_label}")
print(f"Label-binarized representation: {label_binarized}")

batch_size = 32
auto = tf.data.AUTOTUNE


def make_dataset(rows, is_train=True):
    labels = tf.ragged.constant([all_terms[row] for row in rows])
    label_binarized = lookup(labels).numpy()
    dataset = tf.data.Dataset.from_tensor_slices((summaries[rows], label_binarized))
    dataset = dataset.shuffle(batch_size * 10, seed=3) if is_train else dataset
    return dataset.batch(batch_size)


train_dataset = make_dataset(train_rows, is_train=True)
validation_dataset = make_dataset(val_rows, is_train=False)
test_dataset = make_dataset(test_rows, is_train=False)

text_batch, label_batch = next(iter(train_dataset))
first_label = label_batch[0].numpy()[None, ...]
preview_terms = invert_multi_hot(first_label[0])

vocabulary = set()
for text in summaries[train_rows]:
    vocabulary.update(text.lower().split())
vocabulary_size = len(vocabulary)

text_vectorizer = layers.TextVectorization(
    max_tokens=vocabulary_size, ngrams=2, output_mode="tf_idf"
)
with tf.device("/CPU:0"):
    text_vectorizer.adapt(train_dataset.map(lambda text, label: text))

train_dataset = train_dataset.map(
    lambda text, label: (text_vectorizer(text), label), num_parallel_calls=auto
).prefetch(auto)
validation_dataset = validation_dataset.map(
    lambda text, label: (text_vectorizer(text), label), num_parallel_calls=auto
).prefetch(auto)
test_dataset = test_dataset.map(
    lambda text, label: (text_vectorizer(text), label), num_parallel_calls=auto
).prefetch(auto)
vectorized_batch = next(iter(test_dataset))[0].numpy()


def make_model():
    shallow_mlp_model = keras.Sequential(
        [
            layers.Dense(64, activation="relu"),
            layers.Dense(32, activation="relu"),
            layers.Dense(lookup.vocabulary_size(), activation="sigmoid"),
        ]
    )
    return shallow_mlp_model


epochs = 12
keras.utils.set_random_seed(5)
shallow_mlp_model = make_model()
shallow_mlp_model.compile(
    loss="binary_crossentropy", optimizer="adam", metrics=["binary_accuracy"]
)
history = shallow_mlp_model.fit(
    train_dataset, validation_data=validation_dataset, epochs=epochs, verbose=0
)
_, binary_acc = shallow_mlp_model.evaluate(test_dataset, verbose=0)
print(f"Categorical accuracy on the test set: {round(binary_acc * 100, 2)}%.")

model_for_inference = keras.Sequential([text_vectorizer, shallow_mlp_model])
inference_dataset = make_dataset(test_rows, is_train=False)
text_batch, label_batch = next(iter(inference_dataset))
predicted_probabilities = model_for_inference.predict(text_batch, verbose=0)

top_hits = 0
for i, text in enumerate(text_batch[:5]):
    label = label_batch[i].numpy()[None, ...]
    print(f"Abstract: {text}")
    print(f"Label(s): {invert_multi_hot(label[0])}")
    top_3_labels = [
        x
        for _, x in sorted(
            zip(predicted_probabilities[i], lookup.get_vocabulary()),
            key=lambda pair: pair[0],
            reverse=True,
        )
    ][:3]
    print(f"Predicted Label(s): ({', '.join([label for label in top_3_labels])})")
    top_hits += int(set(invert_multi_hot(label[0])) <= set(top_3_labels))

exact = np.mean(np.all((predicted_probabilities > 0.5) == (label_batch.numpy() == 1), axis=1))

RESULT = {
    "vocab_size": float(len(vocab)),
    "vocab_oov_first": float(vocab[0] == "[UNK]"),
    "binarized_width": float(label_binarized.shape[-1]),
    "binarized_sum": float(np.sum(label_binarized)),
    "binarized_oov": float(np.asarray(label_binarized)[0, 0]),
    "inverted_matches": float(sorted(preview_terms) == sorted(
        str(term) for term, hot in zip(vocab, first_label[0]) if hot == 1.0)),
    "tf_idf_width": float(vectorized_batch.shape[1]),
    "tf_idf_nonnegative": float(np.all(vectorized_batch >= 0)),
    "tf_idf_sum": float(np.sum(vectorized_batch)),
    "tf_idf_first_row": float(np.sum(vectorized_batch[0])),
    "loss_first": float(history.history["loss"][0]),
    "loss_last": float(history.history["loss"][-1]),
    "val_binary_accuracy": float(history.history["val_binary_accuracy"][-1]),
    "test_binary_accuracy": float(binary_acc),
    "exact_match": float(exact),
    "top_3_hits": float(top_hits),
    "probability_rows": float(predicted_probabilities.shape[0]),
}
print(RESULT)
